/* test-context-construct.c: a context made by g_object_new(), GInitable or
 * GAsyncInitable; binds that fail loudly; the one send path
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"

#include <string.h>

#define TEST_TYPE_HELLO (test_hello_get_type ())
G_DECLARE_FINAL_TYPE (TestHello, test_hello, TEST, HELLO, CoapUdp6Resource)

struct _TestHello {
        CoapUdp6Resource parent_instance;
};

G_DEFINE_FINAL_TYPE (TestHello, test_hello, COAP_UDP6_TYPE_RESOURCE)

static void
test_hello_render (CoapUdp6Resource *resource,
                   CoapUdp6Request  *request)
{
        coap_udp6_request_respond_code (request, COAP_UDP6_CODE_CONTENT, "hello");
}

static void
test_hello_class_init (TestHelloClass *klass)
{
        COAP_UDP6_RESOURCE_CLASS (klass)->render = test_hello_render;
}

static void
test_hello_init (TestHello *self)
{
}

typedef struct {
        GMainContext *main_context;
        CoapUdp6Context *server;            /* on [::1]:0, serving /hello */
        guint port;
} Fixture;

static void
serve_hello (CoapUdp6Context *context)
{
        g_autoptr (CoapUdp6Resource) hello = g_object_new (TEST_TYPE_HELLO, NULL);

        coap_udp6_context_add_resource (context, "hello", hello);
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
        const char *binds[] = { "[::1]:0", NULL };
        g_autoptr (GError) error = NULL;

        f->main_context = test_main_context_push ();
        f->server = coap_udp6_context_new_server (binds, NULL, &error);
        g_assert_no_error (error);
        serve_hello (f->server);
        f->port = coap_udp6_context_get_local_port (f->server);
        g_assert_cmpuint (f->port, !=, 0);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        g_clear_object (&f->server);
        test_main_context_pop (f->main_context);
}

static CoapUdp6Message *
hello_request (guint port)
{
        CoapUdp6Message *request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                          COAP_UDP6_CODE_GET);
        g_autofree char *uri = g_strdup_printf ("coap://[::1]:%u/hello", port);
        g_autoptr (GError) error = NULL;

        coap_udp6_message_set_request_uri (request, uri, &error);
        g_assert_no_error (error);
        return request;
}

/* Sends @request from @client and waits for its outcome. */
static void
run_request (Fixture         *f,
             CoapUdp6Context *client,
             CoapUdp6Message *request,
             TestResult      *result)
{
        memset (result, 0, sizeof *result);
        coap_udp6_context_request_async (client, request, NULL, test_request_cb, result);
        g_assert_true (test_iterate_until_flag (f->main_context, &result->done, 5000));
}

/* @client gets "hello" from the fixture's server. */
static void
assert_round_trip (Fixture         *f,
                   CoapUdp6Context *client)
{
        g_autoptr (CoapUdp6Message) request = hello_request (f->port);
        GBytes *payload;
        TestResult result;

        run_request (f, client, request, &result);
        g_assert_no_error (result.error);
        g_assert_nonnull (result.response);
        g_assert_cmpuint (coap_udp6_message_get_code (result.response), ==, COAP_UDP6_CODE_CONTENT);
        payload = coap_udp6_message_get_payload (result.response);
        g_assert_cmpmem (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), "hello", 5);
        g_clear_object (&result.response);
}

static void
test_object_new (Fixture      *f,
                 gconstpointer data)
{
        g_autoptr (CoapUdp6Context) client = g_object_new (COAP_UDP6_TYPE_CONTEXT, NULL);

        g_test_summary ("A context from plain g_object_new() (what PyGObject, GJS and Vala "
                        "do) is a working client: its socket opens on the first request");
        g_assert_cmpuint (coap_udp6_context_get_local_port (client), ==, 0);
        assert_round_trip (f, client);
        g_assert_cmpuint (coap_udp6_context_get_local_port (client), !=, 0);
        /* The second request uses the same socket. */
        {
                guint port = coap_udp6_context_get_local_port (client);

                assert_round_trip (f, client);
                g_assert_cmpuint (coap_udp6_context_get_local_port (client), ==, port);
        }
}

static void
test_initable_binds (Fixture      *f,
                     gconstpointer data)
{
        const char *binds[] = { "[::1]:0", "127.0.0.1:0", NULL };
        g_autoptr (CoapUdp6Context) server = NULL;
        g_autoptr (CoapUdp6Context) client = NULL;
        g_auto (GStrv) got = NULL;
        g_autoptr (GError) error = NULL;
        gboolean is_server = FALSE;

        server = g_initable_new (COAP_UDP6_TYPE_CONTEXT, NULL, &error,
                                 "binds", binds, "is-server", TRUE, NULL);
        g_assert_no_error (error);
        g_object_get (server, "binds", &got, "is-server", &is_server, NULL);
        g_assert_true (g_strv_equal ((const char *const *) got, binds));
        g_assert_true (is_server);
        g_assert_cmpuint (coap_udp6_context_get_local_port (server), !=, 0);
        /* Initialising again changes nothing. */
        {
                guint port = coap_udp6_context_get_local_port (server);

                g_assert_true (g_initable_init (G_INITABLE (server), NULL, &error));
                g_assert_no_error (error);
                g_assert_cmpuint (coap_udp6_context_get_local_port (server), ==, port);
        }
        /* It serves: the fixture's server asks it. */
        serve_hello (server);
        f->port = coap_udp6_context_get_local_port (server);
        assert_round_trip (f, f->server);

        client = g_initable_new (COAP_UDP6_TYPE_CONTEXT, NULL, &error, NULL);
        g_assert_no_error (error);
        g_assert_cmpuint (coap_udp6_context_get_local_port (client), !=, 0);
        assert_round_trip (f, client);
}

static void
async_new_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
        GObject **out = user_data;
        g_autoptr (GError) error = NULL;

        *out = g_async_initable_new_finish (G_ASYNC_INITABLE (source), result, &error);
        g_assert_no_error (error);
}

static gboolean
is_set (gpointer data)
{
        return *(gpointer *) data != NULL;
}

static void
test_async_init (Fixture      *f,
                 gconstpointer data)
{
        const char *binds[] = { "localhost:0", NULL };
        g_autoptr (GObject) server = NULL;
        g_autoptr (CoapUdp6Context) client = NULL;

        g_test_summary ("g_async_initable_new_async() resolves binds without blocking "
                        "and gives a serving context");
        g_async_initable_new_async (COAP_UDP6_TYPE_CONTEXT, G_PRIORITY_DEFAULT, NULL,
                                    async_new_cb, &server,
                                    "binds", binds, "is-server", TRUE, NULL);
        g_assert_true (test_iterate_until (f->main_context, is_set, &server, 5000));
        g_assert_cmpuint (coap_udp6_context_get_local_port (COAP_UDP6_CONTEXT (server)), !=, 0);
        serve_hello (COAP_UDP6_CONTEXT (server));
        /* localhost may be ::1, 127.0.0.1 or both: the request goes by name. */
        {
                g_autoptr (CoapUdp6Message) request =
                        coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON, COAP_UDP6_CODE_GET);
                g_autofree char *uri = g_strdup_printf ("coap://localhost:%u/hello",
                                                        coap_udp6_context_get_local_port (COAP_UDP6_CONTEXT (server)));
                g_autoptr (GError) error = NULL;
                TestResult result;

                client = coap_udp6_context_new_client (&error);
                g_assert_no_error (error);
                g_assert_true (coap_udp6_message_set_request_uri (request, uri, &error));
                run_request (f, client, request, &result);
                g_assert_no_error (result.error);
                g_assert_cmpuint (coap_udp6_message_get_code (result.response), ==,
                                  COAP_UDP6_CODE_CONTENT);
                g_clear_object (&result.response);
        }
}

static void
init_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
        TestResult *r = user_data;

        g_async_initable_init_finish (G_ASYNC_INITABLE (source), result, &r->error);
        r->done = TRUE;
}

static void
test_request_while_initialising (Fixture      *f,
                                 gconstpointer data)
{
        g_autoptr (CoapUdp6Context) client = g_object_new (COAP_UDP6_TYPE_CONTEXT, NULL);
        g_autoptr (CoapUdp6Message) request = hello_request (f->port);
        TestResult init = { 0 };
        TestResult result;

        g_test_summary ("A request while the context has no interface yet fails with "
                        "G_IO_ERROR_NOT_INITIALIZED, and works once it has one");
        g_async_initable_init_async (G_ASYNC_INITABLE (client), G_PRIORITY_DEFAULT, NULL,
                                     init_done_cb, &init);
        g_assert_false (init.done);
        run_request (f, client, request, &result);
        g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED);
        g_assert_null (result.response);
        g_clear_error (&result.error);
        g_assert_true (test_iterate_until_flag (f->main_context, &init.done, 5000));
        g_assert_no_error (init.error);
        assert_round_trip (f, client);
}

static void
stream_request_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
        TestResult *r = user_data;

        r->response = coap_udp6_context_request_stream_finish (COAP_UDP6_CONTEXT (source), result,
                                                               &r->error);
        r->done = TRUE;
}

static void
ignore_progress (guint64  done,
                 gint64   total,
                 gboolean upload,
                 gpointer user_data)
{
}

static void
set_flag (gpointer data)
{
        *(gboolean *) data = TRUE;
}

static void
test_address_in_use (Fixture      *f,
                     gconstpointer data)
{
        g_autofree char *taken = g_strdup_printf ("[::1]:%u", f->port);
        const char *binds[] = { taken, NULL };
        g_autoptr (CoapUdp6Context) second = NULL;
        g_autoptr (CoapUdp6Context) lazy = NULL;
        g_autoptr (CoapUdp6Message) request = hello_request (f->port);
        g_autoptr (GOutputStream) sink = g_memory_output_stream_new_resizable ();
        g_autoptr (GError) error = NULL;
        gboolean progress_freed = FALSE;
        TestResult result;

        g_test_summary ("A second server on a bound port fails with "
                        "G_IO_ERROR_ADDRESS_IN_USE; a context whose init failed "
                        "answers requests with that error, without a crash");
        second = coap_udp6_context_new_server (binds, NULL, &error);
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
        g_assert_null (second);
        g_clear_error (&error);

        lazy = g_object_new (COAP_UDP6_TYPE_CONTEXT, "binds", binds, "is-server", TRUE, NULL);
        run_request (f, lazy, request, &result);
        g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
        g_clear_error (&result.error);
        /* A streamed request fails the same way, and lets its streams and
         * progress data go. */
        memset (&result, 0, sizeof result);
        coap_udp6_context_request_stream_async (lazy, request, NULL, -1, sink, ignore_progress,
                                                &progress_freed, set_flag, NULL,
                                                stream_request_cb, &result);
        g_assert_true (test_iterate_until_flag (f->main_context, &result.done, 5000));
        g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
        g_clear_error (&result.error);
        g_assert_true (progress_freed);
        g_assert_cmpuint (G_OBJECT (sink)->ref_count, ==, 1);
        /* The failure stays the answer. */
        g_assert_false (g_initable_init (G_INITABLE (lazy), NULL, &error));
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
        g_assert_cmpuint (coap_udp6_context_get_local_port (lazy), ==, 0);
        /* The first server still answers. */
        assert_round_trip (f, f->server);
}

static void
test_reuse_port (Fixture      *f,
                 gconstpointer data)
{
        const char *any[] = { "[::1]:0", NULL };
        g_autoptr (CoapUdp6Context) first = NULL;
        g_autoptr (CoapUdp6Context) second = NULL;
        g_autoptr (CoapUdp6Context) third = NULL;
        g_autofree char *taken = NULL;
        const char *binds[] = { NULL, NULL };
        g_autoptr (GError) error = NULL;
        gboolean reuse = FALSE;

        g_test_summary ("With reuse-port on both, two servers bind one port; "
                        "a third without it still gets ADDRESS_IN_USE");
        first = g_initable_new (COAP_UDP6_TYPE_CONTEXT, NULL, &error,
                                "binds", any, "is-server", TRUE, "reuse-port", TRUE, NULL);
        g_assert_no_error (error);
        g_object_get (first, "reuse-port", &reuse, NULL);
        g_assert_true (reuse);
        taken = g_strdup_printf ("[::1]:%u", coap_udp6_context_get_local_port (first));
        binds[0] = taken;
        second = g_initable_new (COAP_UDP6_TYPE_CONTEXT, NULL, &error,
                                 "binds", binds, "is-server", TRUE, "reuse-port", TRUE, NULL);
        g_assert_no_error (error);
        g_assert_cmpuint (coap_udp6_context_get_local_port (second), ==,
                          coap_udp6_context_get_local_port (first));
        third = coap_udp6_context_new_server (binds, NULL, &error);
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
        g_assert_null (third);
}

static void
test_multicast_not_found (Fixture      *f,
                          gconstpointer data)
{
        const char *binds[] = { "[::1]:0", NULL };
        const char *interfaces[] = { "nosuchif0", NULL };
        g_autoptr (CoapUdp6Context) context = NULL;
        g_autoptr (CoapUdp6MessageInterface) mi = NULL;
        g_autoptr (GError) error = NULL;

        g_test_summary ("A multicast interface that does not exist is a "
                        "G_IO_ERROR_NOT_FOUND naming it, not a warning");
        context = coap_udp6_context_new_server (binds, interfaces, &error);
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
        g_assert_nonnull (strstr (error->message, "nosuchif0"));
        g_assert_null (context);
        g_clear_error (&error);

        mi = coap_udp6_message_interface_new_server (COAP_UDP6_MESSAGE_MANAGER (f->server),
                                                     "[::1]:0", interfaces, &error);
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
        g_assert_null (mi);
}

static void
test_foreign_remote (Fixture      *f,
                     gconstpointer data)
{
        g_autoptr (CoapUdp6Context) other = NULL;
        g_autoptr (CoapUdp6Context) client = g_object_new (COAP_UDP6_TYPE_CONTEXT, NULL);
        g_autoptr (CoapUdp6Message) request = hello_request (f->port);
        g_autoptr (CoapUdp6Message) again = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                   COAP_UDP6_CODE_GET);
        g_autoptr (CoapUdp6MessageInterface) foreign = NULL;
        g_autoptr (GError) error = NULL;
        const char *path[] = { "hello", NULL };
        CoapUdp6EndpointAddress *server;
        TestResult result;

        g_test_summary ("A request whose remote came through another context's "
                        "socket leaves from this context's own socket, so the "
                        "answer comes back to it");
        other = coap_udp6_context_new_client (&error);
        g_assert_no_error (error);
        run_request (f, other, request, &result);
        g_assert_no_error (result.error);
        server = coap_udp6_message_get_remote (result.response);
        foreign = coap_udp6_endpoint_address_get_interface (server);
        g_assert_nonnull (foreign);

        coap_udp6_message_set_remote (again, server);
        coap_udp6_message_set_uri_path (again, path);
        {
                TestResult second;

                run_request (f, client, again, &second);
                g_assert_no_error (second.error);
                g_assert_cmpuint (coap_udp6_message_get_code (second.response), ==,
                                  COAP_UDP6_CODE_CONTENT);
                g_clear_object (&second.response);
        }
        g_clear_object (&result.response);
}

int
main (int   argc,
      char *argv[])
{
        test_init (&argc, &argv);
        if (!test_have_ipv6 ()) {
                g_test_skip ("No IPv6 loopback");
                return g_test_run ();
        }
#define ADD(name, func) \
        g_test_add ("/context-construct/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
        ADD ("object-new", test_object_new);
        ADD ("initable-binds", test_initable_binds);
        ADD ("async-init", test_async_init);
        ADD ("request-while-initialising", test_request_while_initialising);
        ADD ("address-in-use", test_address_in_use);
        ADD ("reuse-port", test_reuse_port);
        ADD ("multicast-not-found", test_multicast_not_found);
        ADD ("foreign-remote", test_foreign_remote);
#undef ADD
        return g_test_run ();
}
