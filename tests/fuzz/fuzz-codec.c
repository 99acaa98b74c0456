/* fuzz-codec.c: libFuzzer target for the message codec (issue 6 item 1)
 *
 * decode → every accessor → to_string → encode → must equal the input
 * (the wire format has one encoding per message) → decode again and
 * compare the two messages.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "fuzz-common.h"

static void
drop_bytes (GBytes *bytes)
{
        if (bytes != NULL)
                g_bytes_unref (bytes);
}


/* The bindings read every returned string as UTF-8. */
static void
utf8 (char *text)
{
        g_assert_true (text == NULL || g_utf8_validate (text, -1, NULL));
        g_free (text);
}

static void
utf8v (char **texts)
{
        for (guint i = 0; texts[i] != NULL; i++)
                g_assert_true (g_utf8_validate (texts[i], -1, NULL));
        g_strfreev (texts);
}
static void
touch_accessors (CoapUdp6Message *msg)
{
        static const guint numbers[] = {
                COAP_UDP6_OPTION_ETAG, COAP_UDP6_OPTION_URI_PATH, 2049, 65000,
        };
        g_auto (GStrv) problems = coap_udp6_message_get_option_problems (msg);
        g_autofree char *str = coap_udp6_message_to_string (msg);
        g_autoptr (GError) error = NULL;

        g_ptr_array_unref (coap_udp6_message_get_etags (msg));
        g_ptr_array_unref (coap_udp6_message_get_if_match (msg));
        g_ptr_array_unref (coap_udp6_message_get_request_tags (msg));
        drop_bytes (coap_udp6_message_get_echo (msg));
        drop_bytes (coap_udp6_message_get_oscore (msg));
        coap_udp6_block_option_free (coap_udp6_message_get_block1 (msg));
        coap_udp6_block_option_free (coap_udp6_message_get_block2 (msg));
        utf8v (coap_udp6_message_get_uri_path (msg));
        utf8v (coap_udp6_message_get_uri_query (msg));
        utf8v (coap_udp6_message_get_location_path (msg));
        utf8v (coap_udp6_message_get_location_query (msg));
        utf8 (coap_udp6_message_get_uri_host (msg));
        utf8 (coap_udp6_message_get_proxy_uri (msg));
        utf8 (coap_udp6_message_get_proxy_scheme (msg));
        utf8 (coap_udp6_message_get_request_uri (msg));
        (void) coap_udp6_message_get_uri_port (msg, NULL);
        (void) coap_udp6_message_get_content_format (msg, NULL);
        (void) coap_udp6_message_get_accept (msg, NULL);
        (void) coap_udp6_message_get_max_age (msg, NULL);
        (void) coap_udp6_message_get_observe (msg, NULL);
        (void) coap_udp6_message_get_size1 (msg, NULL);
        (void) coap_udp6_message_get_size2 (msg, NULL);
        (void) coap_udp6_message_get_no_response (msg, NULL);
        (void) coap_udp6_message_get_hop_limit (msg, NULL);
        (void) coap_udp6_message_get_effective_max_age (msg);
        (void) coap_udp6_message_get_if_none_match (msg);
        if (!coap_udp6_message_check_options (msg, &error))
                g_assert_cmpuint (g_strv_length (problems), >, 0);
        for (guint i = 0; i < G_N_ELEMENTS (numbers); i++) {
                g_ptr_array_unref (coap_udp6_message_get_option_values (
                        msg, numbers[i]));
                utf8 (coap_udp6_message_get_option_string (msg, numbers[i]));
                (void) coap_udp6_message_get_option_uint (msg, numbers[i], NULL);
        }
        g_assert_nonnull (str);
        g_assert_true (g_utf8_validate (str, -1, NULL));
        for (guint i = 0; problems[i] != NULL; i++)
                g_assert_true (g_utf8_validate (problems[i], -1, NULL));
}

static void
assert_same (CoapUdp6Message *a,
             CoapUdp6Message *b)
{
        guint n = coap_udp6_message_get_n_options (a);

        g_assert_cmpint (coap_udp6_message_get_mtype (a), ==,
                         coap_udp6_message_get_mtype (b));
        g_assert_cmpuint (coap_udp6_message_get_code (a), ==,
                          coap_udp6_message_get_code (b));
        g_assert_cmpuint (coap_udp6_message_get_mid (a), ==,
                          coap_udp6_message_get_mid (b));
        g_assert_true (g_bytes_equal (coap_udp6_message_get_token (a),
                                      coap_udp6_message_get_token (b)));
        g_assert_true (g_bytes_equal (coap_udp6_message_get_payload (a),
                                      coap_udp6_message_get_payload (b)));
        g_assert_cmpuint (n, ==, coap_udp6_message_get_n_options (b));
        for (guint i = 0; i < n; i++) {
                guint na, nb;
                g_autoptr (GBytes) va = coap_udp6_message_get_nth_option (a, i, &na);
                g_autoptr (GBytes) vb = coap_udp6_message_get_nth_option (b, i, &nb);

                g_assert_cmpuint (na, ==, nb);
                g_assert_true (g_bytes_equal (va, vb));
        }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
        g_autoptr (GBytes) input = g_bytes_new (data, size);
        g_autoptr (CoapUdp6Message) msg = NULL;
        g_autoptr (CoapUdp6Message) copy = NULL;
        g_autoptr (CoapUdp6Message) again = NULL;
        g_autoptr (GBytes) wire = NULL;
        g_autoptr (GError) error = NULL;
        gboolean peek = coap_udp6_message_peek_header (input, NULL, NULL, NULL);

        /* One message reloaded for every input, with whatever the
         * accessors of the previous input left on it. */
        static CoapUdp6Message *reused;
        g_autoptr (GError) load_error = NULL;
        gboolean loaded;

        if (reused == NULL)
                reused = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON, 0);
        loaded = coap_udp6_message_load (reused, input, NULL, &load_error);
        msg = coap_udp6_message_decode (input, NULL, &error);
        g_assert_cmpint (loaded, ==, msg != NULL);
        if (msg == NULL) {
                g_assert_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_UNPARSABLE);
                g_assert_cmpstr (load_error->message, ==, error->message);
                return 0;
        }
        g_assert_true (peek);
        assert_same (msg, reused);
        touch_accessors (reused);
        /* Leaves API-added state (the option arena, an owned payload) for
         * the next load to clear. */
        coap_udp6_message_add_option (reused, 65001, input);
        coap_udp6_message_set_payload (reused, input);
        touch_accessors (msg);
        copy = coap_udp6_message_copy (msg);
        wire = coap_udp6_message_encode (copy, &error);
        g_assert_no_error (error);
        g_assert_true (g_bytes_equal (wire, input));
        again = coap_udp6_message_decode (wire, NULL, &error);
        g_assert_no_error (error);
        assert_same (msg, again);
        return 0;
}
