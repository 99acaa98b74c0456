/* test-api.c: the API as callers see it: absent options, setters that
 * refuse bad input, code names, and resources served by handlers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"

#include <string.h>

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
        const char *binds[] = { "[::1]:0", NULL };
        g_autoptr (GError) error = NULL;
        g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);

        f->main_context = g_main_context_new ();
        g_main_context_push_thread_default (f->main_context);
        f->server = coap_udp6_context_new_server (binds, NULL, &error);
        g_assert_no_error (error);
        f->raw = test_raw_socket_new ();
        f->server_address = g_inet_socket_address_new (lo, coap_udp6_context_get_local_port (f->server));
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        g_clear_object (&f->server);
        g_clear_object (&f->raw);
        g_clear_object (&f->server_address);
        test_iterate_for (f->main_context, 10);
        g_main_context_pop_thread_default (f->main_context);
        g_main_context_unref (f->main_context);
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

        if (test_have_ipv6 ()) {
#define ADD(name, func) g_test_add ("/api/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
                ADD ("handler/method", test_method_handler);
                ADD ("handler/every-method", test_handler_for_every_method);
                ADD ("handler/removed", test_handler_removed);
#undef ADD
        }
        return g_test_run ();
}
