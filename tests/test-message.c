/* test-message.c: CoapUdp6Message, codes, options, block values, URIs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"
#include "test-message-vectors.h"

static void
test_vectors (void)
{
        g_test_summary ("Every data/message-vectors.keyfile case decodes to "
                        "its fields and re-encodes byte for byte, or fails "
                        "with its reason");
        g_assert_cmpuint (test_message_run_vectors (), >=, 40);
}

static void
test_code (void)
{
        static const struct {
                guint code;
                const char *text;
        } cases[] = {
                { 0, "0.00 Empty" }, { 1, "0.01 GET" }, { 7, "0.07 iPATCH" },
                { 69, "2.05 Content" }, { 95, "2.31 Continue" },
                { 132, "4.04 Not Found" }, { 168, "5.08 Hop Limit Reached" },
                { 70, "2.06" }, { 255, "7.31" }, { 31, "0.31" },
        };

        for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
                const char *s = coap_udp6_code_to_string (cases[i].code);

                g_assert_cmpstr (s, ==, cases[i].text);
        }
        g_assert_true (coap_udp6_code_is_request (COAP_UDP6_CODE_GET));
        g_assert_true (coap_udp6_code_is_request (31));
        g_assert_false (coap_udp6_code_is_request (0));
        g_assert_false (coap_udp6_code_is_request (32));
        g_assert_true (coap_udp6_code_is_response (COAP_UDP6_CODE_CONTENT));
        g_assert_true (coap_udp6_code_is_response (191));
        g_assert_false (coap_udp6_code_is_response (192));
        g_assert_false (coap_udp6_code_is_response (33));
        g_assert_true (coap_udp6_code_is_empty (0));
        g_assert_true (coap_udp6_code_is_successful (COAP_UDP6_CODE_CHANGED));
        g_assert_false (coap_udp6_code_is_successful (COAP_UDP6_CODE_NOT_FOUND));
        g_assert_cmpuint (coap_udp6_code_get_class (COAP_UDP6_CODE_NOT_FOUND), ==, 4);
        g_assert_cmpuint (coap_udp6_code_get_detail (COAP_UDP6_CODE_NOT_FOUND), ==, 4);
        g_assert_cmpstr (coap_udp6_message_type_to_string (COAP_UDP6_MESSAGE_TYPE_RST),
                         ==, "RST");
}

static void
test_option_properties (void)
{
        guint min, max;

        g_assert_true (coap_udp6_option_is_critical (COAP_UDP6_OPTION_URI_PATH));
        g_assert_false (coap_udp6_option_is_critical (COAP_UDP6_OPTION_ETAG));
        g_assert_true (coap_udp6_option_is_unsafe (COAP_UDP6_OPTION_URI_HOST));
        g_assert_false (coap_udp6_option_is_unsafe (COAP_UDP6_OPTION_ETAG));
        g_assert_true (coap_udp6_option_is_no_cache_key (COAP_UDP6_OPTION_SIZE1));
        g_assert_true (coap_udp6_option_is_no_cache_key (COAP_UDP6_OPTION_SIZE2));
        g_assert_false (coap_udp6_option_is_no_cache_key (COAP_UDP6_OPTION_ACCEPT));
        g_assert_true (coap_udp6_option_is_repeatable (COAP_UDP6_OPTION_URI_QUERY));
        g_assert_false (coap_udp6_option_is_repeatable (COAP_UDP6_OPTION_URI_HOST));
        g_assert_true (coap_udp6_option_is_known (COAP_UDP6_OPTION_REQUEST_TAG));
        g_assert_false (coap_udp6_option_is_known (2049));
        g_assert_true (coap_udp6_option_get_length_range (COAP_UDP6_OPTION_PROXY_URI,
                                                          &min, &max));
        g_assert_cmpuint (min, ==, 1);
        g_assert_cmpuint (max, ==, 1034);
        g_assert_true (coap_udp6_option_get_length_range (COAP_UDP6_OPTION_ECHO,
                                                          &min, &max));
        g_assert_cmpuint (max, ==, 40);
        g_assert_false (coap_udp6_option_get_length_range (2049, &min, &max));
        g_assert_cmpstr (coap_udp6_option_get_name (COAP_UDP6_OPTION_NO_RESPONSE),
                         ==, "No-Response");
        g_assert_null (coap_udp6_option_get_name (2049));
        g_assert_cmpint (coap_udp6_option_get_format (COAP_UDP6_OPTION_BLOCK2), ==,
                         COAP_UDP6_OPTION_FORMAT_UINT);
}

static void
test_block (void)
{
        g_autoptr (CoapUdp6BlockOption) b = coap_udp6_block_option_new (5, TRUE, 6);
        g_autoptr (CoapUdp6BlockOption) c = NULL;
        g_autofree char *s = NULL;

        g_assert_cmpuint (coap_udp6_block_option_get_size (b), ==, 1024);
        g_assert_cmpuint (coap_udp6_block_option_get_start (b), ==, 5120);
        g_assert_cmpuint (coap_udp6_block_option_to_uint (b), ==, 5 << 4 | 8 | 6);
        c = coap_udp6_block_option_new_from_uint (5 << 4 | 8 | 6);
        g_assert_true (coap_udp6_block_option_equal (b, c));
        g_assert_null (coap_udp6_block_option_new_from_uint (7));
        g_assert_null (coap_udp6_block_option_new_from_uint (1u << 24));
        s = coap_udp6_block_option_to_string (b);
        g_assert_cmpstr (s, ==, "5/1/1024");
}

static char *
encode_hex (CoapUdp6Message *msg)
{
        g_autoptr (GError) error = NULL;
        g_autoptr (GBytes) wire = coap_udp6_message_encode (msg, &error);

        g_assert_no_error (error);
        return test_hex_from_bytes (wire);
}

static void
test_minimal_uint (void)
{
        static const struct {
                gint value;
                const char *hex;
        } cases[] = {
                { 0, "4001000bc0" }, { 1, "4001000bc101" }, { 255, "4001000bc1ff" },
                { 256, "4001000bc20100" }, { 65535, "4001000bc2ffff" },
        };

        for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
                g_autoptr (CoapUdp6Message) msg = coap_udp6_message_new (0, 1);
                g_autofree char *hex = NULL;
                guint value;

                coap_udp6_message_set_mid (msg, 11);
                coap_udp6_message_set_content_format (msg, cases[i].value);
                hex = encode_hex (msg);
                g_assert_cmpstr (hex, ==, cases[i].hex);
                g_assert_true (coap_udp6_message_get_content_format (msg, &value));
                g_assert_cmpuint (value, ==, cases[i].value);
        }
}

static void
check_defaults (CoapUdp6Message *msg)
{
        guint32 value = 1;

        g_assert_false (coap_udp6_message_get_content_format (msg, &value));
        g_assert_cmpuint (value, ==, 0);
        g_assert_true (coap_udp6_message_check_options (msg, NULL));
        coap_udp6_message_remove_option (msg, COAP_UDP6_OPTION_MAX_AGE);
        g_assert_false (coap_udp6_message_get_max_age (msg, NULL));
        g_assert_cmpuint (coap_udp6_message_get_effective_max_age (msg), ==, 60);
        coap_udp6_message_set_if_none_match (msg, FALSE);
        g_assert_false (coap_udp6_message_has_option (msg,
                                                      COAP_UDP6_OPTION_IF_NONE_MATCH));
}

static void
test_typed_roundtrip (void)
{
        g_autoptr (CoapUdp6Message) msg = coap_udp6_message_new (1, 2);
        g_autoptr (CoapUdp6Message) back = NULL;
        g_autoptr (CoapUdp6BlockOption) b1 = coap_udp6_block_option_new (3, TRUE, 2);
        g_autoptr (CoapUdp6BlockOption) got = NULL;
        g_autoptr (GBytes) echo = g_bytes_new ("12345678", 8);
        g_autoptr (GBytes) etag = g_bytes_new ("\x01\x02", 2);
        g_autoptr (GBytes) wire = NULL;
        g_autoptr (GPtrArray) etags = NULL;
        g_autoptr (GBytes) got_echo = NULL;
        g_autoptr (GError) error = NULL;
        const char *path[] = { "a", "", "c d", NULL };
        const char *loc[] = { "new", NULL };
        g_auto (GStrv) got_path = NULL, got_loc = NULL;
        g_autofree char *proxy = NULL;
        guint32 value;

        coap_udp6_message_set_uri_path (msg, path);
        coap_udp6_message_set_location_path (msg, loc);
        coap_udp6_message_set_uri_port (msg, 61616);
        coap_udp6_message_set_accept (msg, 60);
        coap_udp6_message_set_observe (msg, 0);
        coap_udp6_message_set_block1 (msg, b1);
        coap_udp6_message_set_size1 (msg, 100000);
        coap_udp6_message_set_no_response (msg, 2);
        coap_udp6_message_set_hop_limit (msg, 5);
        coap_udp6_message_set_echo (msg, echo);
        coap_udp6_message_add_etag (msg, etag);
        coap_udp6_message_add_etag (msg, etag);
        coap_udp6_message_set_if_none_match (msg, TRUE);
        coap_udp6_message_set_proxy_uri (msg, "coap://x/y");
        coap_udp6_message_set_max_age (msg, 0);
        wire = coap_udp6_message_encode (msg, &error);
        g_assert_no_error (error);
        back = coap_udp6_message_decode (wire, NULL, &error);
        g_assert_no_error (error);

        got_path = coap_udp6_message_get_uri_path (back);
        g_assert_cmpstrv (got_path, path);
        got_loc = coap_udp6_message_get_location_path (back);
        g_assert_cmpstrv (got_loc, loc);
        g_assert_true (coap_udp6_message_get_uri_port (back, &value));
        g_assert_cmpuint (value, ==, 61616);
        g_assert_true (coap_udp6_message_get_accept (back, &value));
        g_assert_cmpuint (value, ==, 60);
        g_assert_true (coap_udp6_message_get_observe (back, &value));
        g_assert_cmpuint (value, ==, 0);
        got = coap_udp6_message_get_block1 (back);
        g_assert_true (coap_udp6_block_option_equal (got, b1));
        g_assert_null (coap_udp6_message_get_block2 (back));
        g_assert_true (coap_udp6_message_get_size1 (back, &value));
        g_assert_cmpuint (value, ==, 100000);
        g_assert_false (coap_udp6_message_get_size2 (back, &value));
        g_assert_true (coap_udp6_message_get_no_response (back, &value));
        g_assert_cmpuint (value, ==, 2);
        g_assert_true (coap_udp6_message_get_hop_limit (back, &value));
        g_assert_cmpuint (value, ==, 5);
        got_echo = coap_udp6_message_get_echo (back);
        g_assert_true (g_bytes_equal (got_echo, echo));
        etags = coap_udp6_message_get_etags (back);
        g_assert_cmpuint (etags->len, ==, 2);
        g_assert_true (coap_udp6_message_get_if_none_match (back));
        proxy = coap_udp6_message_get_proxy_uri (back);
        g_assert_cmpstr (proxy, ==, "coap://x/y");
        g_assert_true (coap_udp6_message_get_max_age (back, &value));
        g_assert_cmpuint (value, ==, 0);
        check_defaults (back);
}

static void
test_generic_options (void)
{
        g_autoptr (CoapUdp6Message) msg = coap_udp6_message_new (0, 1);
        g_autoptr (GBytes) a = g_bytes_new ("a", 1), b = g_bytes_new ("b", 1);
        g_autoptr (GPtrArray) values = NULL;
        g_autofree char *hex = NULL;
        guint number;

        coap_udp6_message_add_option (msg, 15, a);
        coap_udp6_message_add_option (msg, 11, b);
        coap_udp6_message_add_option (msg, 15, b);
        coap_udp6_message_add_option (msg, 11, a);
        coap_udp6_message_add_option (msg, 4, NULL);
        g_assert_cmpuint (coap_udp6_message_get_n_options (msg), ==, 5);
        for (guint i = 0, last = 0; i < 5; i++) {
                g_autoptr (GBytes) v = coap_udp6_message_get_nth_option (msg, i,
                                                                         &number);
                g_assert_nonnull (v);
                g_assert_cmpuint (number, >=, last);
                last = number;
        }
        values = coap_udp6_message_get_option_values (msg, 11);
        g_assert_cmpuint (values->len, ==, 2);
        g_assert_true (g_bytes_equal (values->pdata[0], b));
        g_assert_true (g_bytes_equal (values->pdata[1], a));
        hex = encode_hex (msg);
        /* 4 (empty), 11 "b", 11 "a", 15 "a", 15 "b" */
        g_assert_cmpstr (hex, ==, "40010000407162016141610162");
        g_assert_cmpuint (coap_udp6_message_remove_option (msg, 15), ==, 2);
        g_assert_false (coap_udp6_message_has_option (msg, 15));
        g_assert_true (coap_udp6_message_has_option (msg, 4));
}

typedef struct {
        const char *uri;
        const char *remote;
        const char *host;
        const char *path; /* segments joined by '|' */
        const char *query;
        const char *scheme;
        const char *back;
} UriCase;

static void
check_uri_case (const UriCase *c)
{
        g_autoptr (CoapUdp6Message) msg = coap_udp6_message_new (0, 1);
        g_autoptr (GError) error = NULL;
        g_auto (GStrv) path = NULL, query = NULL;
        g_autofree char *host = NULL, *joined_path = NULL, *joined_query = NULL;
        g_autofree char *back = NULL;

        g_test_message ("URI %s", c->uri);
        g_assert_true (coap_udp6_message_set_request_uri (msg, c->uri, &error));
        g_assert_no_error (error);
        g_assert_cmpstr (coap_udp6_message_get_unresolved_remote (msg), ==,
                         c->remote);
        host = coap_udp6_message_get_uri_host (msg);
        g_assert_cmpstr (host, ==, c->host);
        path = coap_udp6_message_get_uri_path (msg);
        joined_path = g_strjoinv ("|", path);
        g_assert_cmpstr (joined_path, ==, c->path);
        query = coap_udp6_message_get_uri_query (msg);
        joined_query = g_strjoinv ("|", query);
        g_assert_cmpstr (joined_query, ==, c->query);
        g_assert_cmpstr (coap_udp6_message_get_requested_scheme (msg), ==,
                         c->scheme);
        back = coap_udp6_message_get_request_uri (msg);
        g_assert_cmpstr (back, ==, c->back);
}

static void
test_uri (void)
{
        static const UriCase cases[] = {
                { "coap://h:61616/%7Euser/a%2Fb", "h:61616", "h", "~user|a/b",
                  "", NULL, "coap://h:61616/~user/a%2Fb" },
                { "coap://Example.NET/.well-known/core?rt=sensor&if=x%26y",
                  "example.net", "example.net", ".well-known|core",
                  "rt=sensor|if=x&y", NULL,
                  "coap://example.net/.well-known/core?rt=sensor&if=x%26y" },
                { "coap://[2001:db8::1]:5683/", "[2001:db8::1]", NULL, "", "",
                  NULL, "coap://[2001:db8::1]/" },
                { "coap://[fe80::1%25eth0]:1234/a", "[fe80::1%eth0]:1234", NULL,
                  "a", "", NULL, "coap://[fe80::1%25eth0]:1234/a" },
                { "coap://192.0.2.1", "192.0.2.1", NULL, "", "", NULL,
                  "coap://192.0.2.1/" },
                { "localhost/x/", "localhost", "localhost", "x|", "", NULL,
                  "coap://localhost/x/" },
                { "//[::1]/?q", "[::1]", NULL, "", "q", NULL, "coap://[::1]/?q" },
                { "coaps://h:5684/s", "h:5684", "h", "s", "", "coaps",
                  "coaps://h:5684/s" },
                { "coaps://h:5683/s", "h:5683", "h", "s", "", "coaps",
                  "coaps://h:5683/s" },
                { "coap://h/%C3%A4%20b", "h", "h", "ä b", "", NULL,
                  "coap://h/%C3%A4%20b" },
        };

        for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
                check_uri_case (&cases[i]);
}

static void
test_uri_errors (void)
{
        static const char *const bad[] = {
                "coap://h/a#frag", "coap:///nohost", "coap://h/%zz", "coap://h/?%4",
                "coap://[::1/", "", "coap://[fe80::1%25a%2Fb]/",
                "coap://a%3Ab/",
        };

        for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
                g_autoptr (CoapUdp6Message) msg = coap_udp6_message_new (0, 1);
                g_autoptr (GError) error = NULL;
                g_autofree char *before = NULL, *after = NULL;

                g_assert_true (coap_udp6_message_set_request_uri (
                        msg, "coap://h/keep?q", NULL));
                before = coap_udp6_message_get_request_uri (msg);
                g_test_message ("bad URI %s", bad[i]);
                g_assert_false (coap_udp6_message_set_request_uri (msg, bad[i],
                                                                   &error));
                g_assert_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_INVALID_URI);
                after = coap_udp6_message_get_request_uri (msg);
                g_assert_cmpstr (before, ==, after);
        }
}

static void
test_encode_errors (void)
{
        g_autoptr (CoapUdp6Message) empty = coap_udp6_message_new (2, 0);
        g_autoptr (GBytes) wire = NULL;
        g_autoptr (GError) error = NULL;

        coap_udp6_message_set_token_data (empty, (const guint8 *) "1", 1);
        wire = coap_udp6_message_encode (empty, &error);
        g_assert_null (wire);
        g_assert_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_INVALID_MESSAGE);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
        (*(guint *) user_data)++;
}

static void
test_properties (void)
{
        g_autoptr (CoapUdp6Message) msg = coap_udp6_message_new (0, 1);
        g_autoptr (CoapUdp6Message) copy = NULL;
        g_autoptr (GBytes) token = g_bytes_new ("ab", 2);
        g_autoptr (GBytes) payload = g_bytes_new ("xyz", 3);
        g_autofree char *str = NULL;
        guint notified = 0;
        guint code;

        g_assert_cmpuint (g_bytes_get_size (coap_udp6_message_get_token (msg)), ==, 0);
        g_assert_cmpuint (g_bytes_get_size (coap_udp6_message_get_payload (msg)), ==, 0);
        g_signal_connect (msg, "notify", G_CALLBACK (count_notify), &notified);
        g_object_set (msg, "mid", 7, "code", 2, "token", token, "payload", payload,
                      "unresolved-remote", "h:1", "requested-scheme", "coap+x",
                      NULL);
        g_assert_cmpuint (notified, ==, 6);
        g_object_set (msg, "mid", 7, "code", 2, "token", token, NULL);
        g_assert_cmpuint (notified, ==, 6);
        g_object_get (msg, "code", &code, NULL);
        g_assert_cmpuint (code, ==, 2);
        coap_udp6_message_set_mtype (msg, COAP_UDP6_MESSAGE_TYPE_NON);
        g_assert_cmpuint (notified, ==, 7);

        copy = coap_udp6_message_copy (msg);
        g_assert_true (g_bytes_equal (coap_udp6_message_get_token (copy), token));
        g_assert_true (g_bytes_equal (coap_udp6_message_get_payload (copy), payload));
        g_assert_cmpstr (coap_udp6_message_get_unresolved_remote (copy), ==, "h:1");
        coap_udp6_message_set_uri_port (copy, 9);
        g_assert_false (coap_udp6_message_has_option (msg, COAP_UDP6_OPTION_URI_PORT));
        str = coap_udp6_message_to_string (msg);
        g_assert_cmpstr (str, ==, "NON POST mid=7 token=6162 (3 bytes)");
}

static void
test_uri_bare_zone (void)
{
        const struct {
                const char *uri, *remote, *back;
        } cases[] = {
                { "coap://[ff02::fd%lo]/.well-known/core", "[ff02::fd%lo]",
                  "coap://[ff02::fd%25lo]/.well-known/core" },
                { "coap://[fe80::1%25eth0]:99/x", "[fe80::1%eth0]:99",
                  "coap://[fe80::1%25eth0]:99/x" },
                { "[::1%lo]/a", "[::1%lo]", "coap://[::1%25lo]/a" },
        };

        g_test_summary ("A zone may be written bare (%eth0) or as RFC 6874 "
                        "has it (%25eth0)");
        for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
                g_autoptr (GError) error = NULL;
                g_autoptr (CoapUdp6Message) msg = coap_udp6_message_new (
                        COAP_UDP6_MESSAGE_TYPE_CON, COAP_UDP6_CODE_GET);
                g_autofree char *back = NULL;

                g_assert_true (coap_udp6_message_set_request_uri (
                        msg, cases[i].uri, &error));
                g_assert_no_error (error);
                g_assert_cmpstr (coap_udp6_message_get_unresolved_remote (msg),
                                 ==, cases[i].remote);
                back = coap_udp6_message_get_request_uri (msg);
                g_assert_cmpstr (back, ==, cases[i].back);
        }
}

int
main (int   argc,
      char *argv[])
{
        test_init (&argc, &argv);

        g_test_add_func ("/message/vectors", test_vectors);
        g_test_add_func ("/message/code", test_code);
        g_test_add_func ("/message/option-properties", test_option_properties);
        g_test_add_func ("/message/block", test_block);
        g_test_add_func ("/message/minimal-uint", test_minimal_uint);
        g_test_add_func ("/message/typed-roundtrip", test_typed_roundtrip);
        g_test_add_func ("/message/generic-options", test_generic_options);
        g_test_add_func ("/message/uri", test_uri);
        g_test_add_func ("/message/uri-bare-zone", test_uri_bare_zone);
        g_test_add_func ("/message/uri-errors", test_uri_errors);
        g_test_add_func ("/message/encode-errors", test_encode_errors);
        g_test_add_func ("/message/properties", test_properties);

        return g_test_run ();
}
