/* test-message-vectors.c: the data/message-vectors.keyfile cases
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-message-vectors.h"

#include "test-utils.h"

static void
check_options (GKeyFile        *kf,
               const char      *group,
               CoapUdp6Message *msg)
{
        g_auto (GStrv) opts = g_key_file_get_string_list (kf, group, "options",
                                                          NULL, NULL);
        guint n = opts != NULL ? g_strv_length (opts) : 0;

        g_assert_cmpuint (coap_udp6_message_get_n_options (msg), ==, n);
        for (guint i = 0; i < n; i++) {
                g_auto (GStrv) parts = g_strsplit (opts[i], ":", 2);
                g_autoptr (GBytes) value = NULL;
                g_autofree char *hex = NULL;
                guint number;

                value = coap_udp6_message_get_nth_option (msg, i, &number);
                g_assert_cmpuint (number, ==, g_ascii_strtoull (parts[0], NULL, 10));
                hex = test_hex_from_bytes (value);
                g_assert_cmpstr (hex, ==, parts[1]);
        }
}

static void
check_strv (GKeyFile   *kf,
            const char *group,
            const char *key,
            char      **actual)
{
        g_auto (GStrv) expected = NULL;

        if (!g_key_file_has_key (kf, group, key, NULL))
                return;
        expected = g_key_file_get_string_list (kf, group, key, NULL, NULL);
        if (expected == NULL)
                expected = g_new0 (char *, 1);
        g_assert_cmpstrv (actual, expected);
}

static void
check_typed (GKeyFile        *kf,
             const char      *group,
             CoapUdp6Message *msg)
{
        g_auto (GStrv) path = coap_udp6_message_get_uri_path (msg);
        g_auto (GStrv) query = coap_udp6_message_get_uri_query (msg);
        g_autofree char *host = coap_udp6_message_get_uri_host (msg);
        guint32 value;

        check_strv (kf, group, "uri_path", path);
        check_strv (kf, group, "uri_query", query);
        if (g_key_file_has_key (kf, group, "uri_host", NULL)) {
                g_autofree char *want = g_key_file_get_string (kf, group,
                                                               "uri_host", NULL);
                g_assert_cmpstr (host, ==, want);
        }
        if (g_key_file_has_key (kf, group, "content_format", NULL)) {
                gint want = g_key_file_get_integer (kf, group, "content_format", NULL);

                /* -1 in a vector: the option is absent. */
                g_assert_cmpint (coap_udp6_message_get_content_format (msg, &value), ==, want >= 0);
                if (want >= 0)
                        g_assert_cmpuint (value, ==, want);
        }
        if (g_key_file_has_key (kf, group, "observe", NULL)) {
                gint64 want = g_key_file_get_int64 (kf, group, "observe", NULL);

                g_assert_cmpint (coap_udp6_message_get_observe (msg, &value), ==, want >= 0);
                if (want >= 0)
                        g_assert_cmpuint (value, ==, want);
        }
        if (g_key_file_has_key (kf, group, "max_age", NULL))
                g_assert_cmpuint (coap_udp6_message_get_effective_max_age (msg), ==,
                                  g_key_file_get_uint64 (kf, group, "max_age",
                                                         NULL));
        if (g_key_file_has_key (kf, group, "block2", NULL)) {
                g_autoptr (CoapUdp6BlockOption) b = coap_udp6_message_get_block2 (msg);
                g_autofree char *want = g_key_file_get_string (kf, group,
                                                               "block2", NULL);
                g_autofree char *got = b ? coap_udp6_block_option_to_string (b)
                                         : g_strdup ("");
                g_assert_cmpstr (got, ==, want);
        }
}

static void
check_problems (GKeyFile        *kf,
                const char      *group,
                CoapUdp6Message *msg)
{
        g_autoptr (GError) error = NULL;
        g_auto (GStrv) problems = coap_udp6_message_get_option_problems (msg);
        gboolean ok = coap_udp6_message_check_options (msg, &error);

        if (!g_key_file_has_key (kf, group, "check", NULL))
                return;
        g_assert_cmpint (ok, ==, g_key_file_get_boolean (kf, group, "check",
                                                         NULL));
        if (!ok) {
                g_autofree char *want = g_key_file_get_string (kf, group,
                                                               "check_error", NULL);
                g_assert_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_UNPARSABLE);
                g_assert_nonnull (want);
                g_assert_nonnull (strstr (error->message, want));
        }
        if (g_key_file_has_key (kf, group, "problem", NULL)) {
                g_autofree char *want = g_key_file_get_string (kf, group,
                                                               "problem", NULL);
                g_assert_cmpuint (g_strv_length (problems), >=, 1);
                g_assert_nonnull (strstr (problems[0], want));
        }
}

static void
check_valid (GKeyFile   *kf,
             const char *group,
             GBytes     *wire)
{
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Message) msg = NULL;
        g_autoptr (CoapUdp6Message) copy = NULL;
        g_autoptr (GBytes) again = NULL;
        g_autoptr (GBytes) from_copy = NULL;
        g_autofree char *token = NULL, *payload = NULL, *want_token = NULL;
        g_autofree char *want_payload = NULL, *str = NULL, *want_str = NULL;

        msg = coap_udp6_message_decode (wire, NULL, &error);
        g_assert_no_error (error);
        g_assert_cmpint (coap_udp6_message_get_mtype (msg), ==,
                         g_key_file_get_integer (kf, group, "mtype", NULL));
        g_assert_cmpuint (coap_udp6_message_get_code (msg), ==,
                          g_key_file_get_integer (kf, group, "code", NULL));
        g_assert_cmpuint (coap_udp6_message_get_mid (msg), ==,
                          g_key_file_get_integer (kf, group, "mid", NULL));
        token = test_hex_from_bytes (coap_udp6_message_get_token (msg));
        want_token = g_key_file_get_string (kf, group, "token", NULL);
        g_assert_cmpstr (token, ==, want_token);
        payload = test_hex_from_bytes (coap_udp6_message_get_payload (msg));
        want_payload = g_key_file_get_string (kf, group, "payload", NULL);
        g_assert_cmpstr (payload, ==, want_payload);
        check_options (kf, group, msg);
        check_typed (kf, group, msg);
        check_problems (kf, group, msg);

        again = coap_udp6_message_encode (msg, &error);
        g_assert_no_error (error);
        g_assert_true (g_bytes_equal (again, wire));
        copy = coap_udp6_message_copy (msg);
        from_copy = coap_udp6_message_encode (copy, &error);
        g_assert_no_error (error);
        g_assert_true (g_bytes_equal (from_copy, wire));

        str = coap_udp6_message_to_string (msg);
        want_str = g_key_file_get_string (kf, group, "to_string", NULL);
        if (want_str != NULL)
                g_assert_cmpstr (str, ==, want_str);
}

static void
check_malformed (GKeyFile   *kf,
                 const char *group,
                 GBytes     *wire)
{
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Message) msg = NULL;
        g_autofree char *reason = g_key_file_get_string (kf, group, "error", NULL);
        gboolean peek = g_key_file_get_boolean (kf, group, "peek", NULL);
        CoapUdp6MessageType mtype = 99;
        guint code = 999, mid = 999999;

        msg = coap_udp6_message_decode (wire, NULL, &error);
        g_assert_null (msg);
        g_assert_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_UNPARSABLE);
        if (strstr (error->message, reason) == NULL)
                g_error ("%s: “%s” does not contain “%s”", group, error->message,
                         reason);
        g_assert_cmpint (coap_udp6_message_peek_header (wire, &mtype, &code, &mid),
                         ==, peek);
        if (peek) {
                const guint8 *p = g_bytes_get_data (wire, NULL);

                g_assert_cmpint (mtype, ==, (p[0] >> 4) & 3);
                g_assert_cmpuint (code, ==, p[1]);
                g_assert_cmpuint (mid, ==, (guint) p[2] << 8 | p[3]);
        }
}

/* The same vector loaded into a message reused across all vectors, which
 * carries state from the API before each load, gives what decode gives. */
static void
check_load (CoapUdp6Message *reused,
            GBytes          *wire)
{
        static const guint8 stale[] = { 1, 2, 3 };
        g_autoptr (GBytes) stale_payload = g_bytes_new_static (stale, sizeof stale);
        g_autoptr (GError) decode_error = NULL;
        g_autoptr (GError) load_error = NULL;
        g_autoptr (CoapUdp6Message) decoded = coap_udp6_message_decode (wire, NULL, &decode_error);
        g_autofree char *want = decoded != NULL ? coap_udp6_message_to_string (decoded) : NULL;
        g_autofree char *got = NULL;
        g_autoptr (GBytes) again = NULL;
        gboolean loaded;

        coap_udp6_message_add_option (reused, 65000, stale_payload);
        coap_udp6_message_set_payload (reused, stale_payload);
        coap_udp6_message_set_unresolved_remote (reused, "stale.example");
        loaded = coap_udp6_message_load (reused, wire, NULL, &load_error);
        g_assert_cmpint (loaded, ==, decoded != NULL);
        if (!loaded) {
                g_assert_error (load_error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_UNPARSABLE);
                g_assert_cmpstr (load_error->message, ==, decode_error->message);
                g_assert_cmpuint (coap_udp6_message_get_code (reused), ==, 0);
                g_assert_cmpuint (coap_udp6_message_get_mid (reused), ==, 0);
                g_assert_cmpuint (g_bytes_get_size (coap_udp6_message_get_token (reused)), ==, 0);
                g_assert_cmpuint (g_bytes_get_size (coap_udp6_message_get_payload (reused)), ==, 0);
                g_assert_false (coap_udp6_message_has_option (reused, 65000));
                g_assert_null (coap_udp6_message_get_unresolved_remote (reused));
                return;
        }
        g_assert_no_error (load_error);
        got = coap_udp6_message_to_string (reused);
        g_assert_cmpstr (got, ==, want);
        g_assert_null (coap_udp6_message_get_unresolved_remote (reused));
        g_assert_false (coap_udp6_message_has_option (reused, 65000) &&
                        !coap_udp6_message_has_option (decoded, 65000));
        again = coap_udp6_message_encode (reused, &load_error);
        g_assert_no_error (load_error);
        g_assert_true (g_bytes_equal (again, wire));
}

guint
test_message_run_vectors (void)
{
        g_autoptr (CoapUdp6Message) reused = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_NON,
                                                                    COAP_UDP6_CODE_POST);
        g_autoptr (GKeyFile) kf = g_key_file_new ();
        g_autoptr (GError) error = NULL;
        g_autofree char *path = test_data_path ("message-vectors.keyfile");
        g_auto (GStrv) groups = NULL;
        guint n = 0;

        g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &error);
        g_assert_no_error (error);
        groups = g_key_file_get_groups (kf, NULL);
        for (guint i = 0; groups[i] != NULL; i++) {
                g_autofree char *hex = g_key_file_get_string (kf, groups[i],
                                                              "hex", NULL);
                g_autoptr (GBytes) wire = test_bytes_from_hex (hex);

                g_test_message ("vector %s", groups[i]);
                g_assert_nonnull (wire);
                if (g_key_file_has_key (kf, groups[i], "error", NULL))
                        check_malformed (kf, groups[i], wire);
                else
                        check_valid (kf, groups[i], wire);
                check_load (reused, wire);
                n++;
        }
        return n;
}
