/* test-api.c: the API as callers see it: absent options, setters that
 * refuse bad input, code names, and resources served by handlers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"

#include <string.h>

/* Messages: absent options, refused input, code names */

static void
test_absent_and_value (void)
{
        g_autoptr (CoapUdp6Message) msg = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK,
                                                                 COAP_UDP6_CODE_CONTENT);
        g_autoptr (CoapUdp6Message) back = NULL;
        g_autoptr (GBytes) wire = NULL;
        g_autoptr (GError) error = NULL;
        guint32 value = 7;
        guint small = 7;

        /* Absent: FALSE and 0, for every integer option getter. */
        g_assert_false (coap_udp6_message_get_max_age (msg, &value));
        g_assert_cmpuint (value, ==, 0);
        g_assert_cmpuint (coap_udp6_message_get_effective_max_age (msg), ==, 60);
        g_assert_false (coap_udp6_message_get_content_format (msg, &small));
        g_assert_cmpuint (small, ==, 0);
        g_assert_false (coap_udp6_message_get_accept (msg, NULL));
        g_assert_false (coap_udp6_message_get_observe (msg, NULL));
        g_assert_false (coap_udp6_message_get_size1 (msg, NULL));
        g_assert_false (coap_udp6_message_get_size2 (msg, NULL));
        g_assert_false (coap_udp6_message_get_no_response (msg, NULL));
        g_assert_false (coap_udp6_message_get_hop_limit (msg, NULL));
        g_assert_false (coap_udp6_message_get_uri_port (msg, NULL));
        g_assert_false (coap_udp6_message_get_option_uint (msg, COAP_UDP6_OPTION_MAX_AGE, NULL));

        /* Max-Age 60 and Content-Format 0 are values, told apart from
         * absence after a trip over the wire. */
        coap_udp6_message_set_max_age (msg, 60);
        coap_udp6_message_set_content_format (msg, 0);
        coap_udp6_message_set_observe (msg, 0);
        wire = coap_udp6_message_encode (msg, &error);
        g_assert_no_error (error);
        back = coap_udp6_message_decode (wire, NULL, &error);
        g_assert_no_error (error);
        g_assert_true (coap_udp6_message_get_max_age (back, &value));
        g_assert_cmpuint (value, ==, 60);
        g_assert_true (coap_udp6_message_get_content_format (back, &small));
        g_assert_cmpuint (small, ==, 0);
        g_assert_true (coap_udp6_message_get_observe (back, &value));
        g_assert_cmpuint (value, ==, 0);
        coap_udp6_message_set_max_age (back, 0);
        g_assert_cmpuint (coap_udp6_message_get_effective_max_age (back), ==, 0);
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
expect_refused (void)
{
        g_test_expect_message ("CoapUdp6", G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
}

static void
test_setters_refuse (void)
{
        g_autoptr (CoapUdp6Message) msg = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                 COAP_UDP6_CODE_GET);
        g_autoptr (GBytes) value = g_bytes_new_static ("v", 1);
        g_autofree char *before = NULL;
        g_autofree char *after = NULL;
        const char *strv[] = { "x", NULL };

        coap_udp6_message_set_mid (msg, 0x1234);
        coap_udp6_message_set_token_data (msg, (const guint8 *) "\x01\x02", 2);
        coap_udp6_message_set_content_format (msg, 50);
        before = encode_hex (msg);

        expect_refused ();
        coap_udp6_message_add_option (msg, 65536, value);
        expect_refused ();
        coap_udp6_message_set_option (msg, 70000, value);
        expect_refused ();
        coap_udp6_message_set_option_uint (msg, 65536, 1);
        expect_refused ();
        coap_udp6_message_set_option_string (msg, 65536, "x");
        expect_refused ();
        coap_udp6_message_set_option_strv (msg, 65536, strv);
        expect_refused ();
        coap_udp6_message_set_content_format (msg, 65536);
        expect_refused ();
        coap_udp6_message_set_accept (msg, 65536);
        expect_refused ();
        coap_udp6_message_set_code (msg, 256);           /* class 8 */
        expect_refused ();
        coap_udp6_message_set_mid (msg, 65536);
        expect_refused ();
        coap_udp6_message_set_token_data (msg, (const guint8 *) "123456789", 9);
        expect_refused ();
        {
                g_autoptr (GBytes) long_token = g_bytes_new_static ("123456789", 9);

                coap_udp6_message_set_token (msg, long_token);
        }
        g_test_assert_expected_messages ();

        /* Nothing changed, so nothing malformed can be encoded. */
        after = encode_hex (msg);
        g_assert_cmpstr (after, ==, before);
        g_assert_cmpuint (g_bytes_get_size (coap_udp6_message_get_token (msg)), ==, 2);
}

static void
test_byte_setters (void)
{
        g_autoptr (CoapUdp6Message) msg = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                 COAP_UDP6_CODE_PUT);
        g_autoptr (GPtrArray) etags = NULL;
        g_autofree char *hex = NULL;

        coap_udp6_message_set_token_data (msg, (const guint8 *) "\xca\xfe", 2);
        coap_udp6_message_add_etag_data (msg, (const guint8 *) "e1", 2);
        coap_udp6_message_set_payload_data (msg, (const guint8 *) "hi", 2);
        hex = encode_hex (msg);
        /* CON PUT mid 0, token cafe, ETag (4) "e1", payload "hi". */
        g_assert_cmpstr (hex, ==, "42030000cafe426531ff6869");
        etags = coap_udp6_message_get_etags (msg);
        g_assert_cmpuint (etags->len, ==, 1);
        coap_udp6_message_set_payload_data (msg, NULL, 0);
        g_assert_cmpuint (g_bytes_get_size (coap_udp6_message_get_payload (msg)), ==, 0);
}

static void
test_code_to_string (void)
{
        const char *content = coap_udp6_code_to_string (COAP_UDP6_CODE_CONTENT);

        /* Owned by the library, like message_type_to_string: the same
         * string every time. */
        g_assert_cmpstr (content, ==, "2.05 Content");
        g_assert_true (content == coap_udp6_code_to_string (COAP_UDP6_CODE_CONTENT));
        g_assert_cmpstr (coap_udp6_code_to_string (0xe7), ==, "7.07");
        g_assert_cmpstr (coap_udp6_code_to_string (COAP_UDP6_CODE_GET), ==, "0.01 GET");
        g_assert_cmpstr (coap_udp6_message_type_to_string (COAP_UDP6_MESSAGE_TYPE_ACK), ==, "ACK");
}

/* Handler resources, over loopback */

typedef struct {
        GMainContext *main_context;
        CoapUdp6Context *server;
        GSocket *raw;
        GSocketAddress *server_address;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{

        f->main_context = test_main_context_push ();
        f->server = test_loopback_server_new (&f->server_address);
        f->raw = test_raw_socket_new ();
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        g_clear_object (&f->server);
        g_clear_object (&f->raw);
        g_clear_object (&f->server_address);
        test_main_context_pop (f->main_context);
}

static void
expect (Fixture    *f,
        const char *hex_out,
        const char *hex_in)
{
        g_autofree char *got = NULL;

        test_raw_send_hex (f->raw, f->server_address, hex_out);
        got = test_raw_recv_hex (f->main_context, f->raw, 1000);
        g_assert_cmpstr (got, ==, hex_in);
}

typedef struct {
        const char *text;
        guint calls;
        guint destroyed;
} HandlerData;

static void
respond_text (CoapUdp6Resource *resource,
              CoapUdp6Request  *request,
              gpointer          user_data)
{
        HandlerData *data = user_data;
        g_autoptr (GBytes) payload = g_bytes_new_static (data->text, strlen (data->text));

        g_assert_true (COAP_UDP6_IS_RESOURCE (resource));
        data->calls++;
        coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CONTENT, payload, 0);
}

static void
handler_data_destroyed (gpointer user_data)
{
        HandlerData *data = user_data;

        data->destroyed++;
}

static void
test_method_handler (Fixture      *f,
                     gconstpointer unused)
{
        HandlerData get = { "hi", 0, 0 };
        g_autoptr (CoapUdp6Resource) resource = coap_udp6_resource_new ();

        coap_udp6_resource_set_method_handler (resource, COAP_UDP6_CODE_GET,
                                               respond_text, &get, handler_data_destroyed);
        coap_udp6_context_add_resource (f->server, "h", resource);

        /* CON GET /h → ACK 2.05, Content-Format 0, "hi". */
        expect (f, "41012000aab168", "61452000aac0ff6869");
        /* DELETE and POST /h: no handler for them → 4.05. */
        expect (f, "41042001aab168", "61852001aa");
        expect (f, "41022002aab168", "61852002aa");
        g_assert_cmpuint (get.calls, ==, 1);

        /* Removing the resource from the context and dropping it disposes
         * it, which frees the handler's data. */
        g_assert_true (coap_udp6_context_remove_resource (f->server, "h"));
        g_assert_cmpuint (get.destroyed, ==, 0);
        g_clear_object (&resource);
        g_assert_cmpuint (get.destroyed, ==, 1);
}

static void
test_handler_for_every_method (Fixture      *f,
                               gconstpointer unused)
{
        HandlerData any = { "any", 0, 0 };
        HandlerData put = { "put", 0, 0 };
        HandlerData replaced = { "replaced", 0, 0 };
        g_autoptr (CoapUdp6Resource) resource = NULL;

        resource = coap_udp6_resource_new_with_handler (respond_text, &any, handler_data_destroyed);
        coap_udp6_resource_set_method_handler (resource, COAP_UDP6_CODE_PUT,
                                               respond_text, &replaced, handler_data_destroyed);
        /* Replacing a handler frees the data of the one it replaces. */
        coap_udp6_resource_set_method_handler (resource, COAP_UDP6_CODE_PUT,
                                               respond_text, &put, handler_data_destroyed);
        g_assert_cmpuint (replaced.destroyed, ==, 1);
        coap_udp6_context_add_resource (f->server, "h", resource);

        /* DELETE goes to the handler for every method, PUT to its own. */
        expect (f, "41042003aab168", "61452003aac0ff616e79");
        expect (f, "41032004aab168", "61452004aac0ff707574");
        g_assert_cmpuint (any.calls, ==, 1);
        g_assert_cmpuint (put.calls, ==, 1);
        g_assert_cmpuint (replaced.calls, ==, 0);

        /* Disposing the context drops its reference; ours keeps it alive. */
        g_clear_object (&f->server);
        g_assert_cmpuint (any.destroyed, ==, 0);
        g_clear_object (&resource);
        g_assert_cmpuint (any.destroyed, ==, 1);
        g_assert_cmpuint (put.destroyed, ==, 1);
        g_assert_cmpuint (replaced.destroyed, ==, 1);
}

static void
test_handler_removed (Fixture      *f,
                      gconstpointer unused)
{
        HandlerData get = { "hi", 0, 0 };
        g_autoptr (CoapUdp6Resource) resource = coap_udp6_resource_new ();

        coap_udp6_resource_set_method_handler (resource, COAP_UDP6_CODE_GET,
                                               respond_text, &get, handler_data_destroyed);
        coap_udp6_resource_set_method_handler (resource, COAP_UDP6_CODE_GET, NULL, NULL, NULL);
        g_assert_cmpuint (get.destroyed, ==, 1);
        coap_udp6_context_add_resource (f->server, "h", resource);
        expect (f, "41012005aab168", "61852005aa");
        g_assert_cmpuint (get.calls, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
        test_init (&argc, &argv);

        g_test_add_func ("/api/message/absent-and-value", test_absent_and_value);
        g_test_add_func ("/api/message/setters-refuse", test_setters_refuse);
        g_test_add_func ("/api/message/byte-setters", test_byte_setters);
        g_test_add_func ("/api/code/to-string", test_code_to_string);
        if (test_have_ipv6 ()) {
#define ADD(name, func) g_test_add ("/api/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
                ADD ("handler/method", test_method_handler);
                ADD ("handler/every-method", test_handler_for_every_method);
                ADD ("handler/removed", test_handler_removed);
#undef ADD
        }
        return g_test_run ();
}
