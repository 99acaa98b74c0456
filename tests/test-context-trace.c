/* test-context-trace.c: coap_udp6_context_add_message_watch() shows
 * every message over real sockets on [::1]
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"

#include <string.h>

typedef struct {
        GPtrArray *sent;                    /* of CoapUdp6Message */
        GPtrArray *received;
} Trace;

typedef struct {
        GMainContext *main_context;
        CoapUdp6Context *server;
        CoapUdp6Context *client;
        guint port;
        Trace server_trace;
        Trace client_trace;
} Fixture;

static void
record (CoapUdp6Context *context,
        CoapUdp6Message *message,
        gboolean         sent,
        gpointer         user_data)
{
        Trace *trace = user_data;

        g_assert_true (COAP_UDP6_IS_MESSAGE (message));
        g_assert_nonnull (coap_udp6_message_get_remote (message));
        g_ptr_array_add (sent ? trace->sent : trace->received, g_object_ref (message));
}

static void
trace_connect (Trace           *trace,
               CoapUdp6Context *context)
{
        trace->sent = g_ptr_array_new_with_free_func (g_object_unref);
        trace->received = g_ptr_array_new_with_free_func (g_object_unref);
        coap_udp6_context_add_message_watch (context, record, trace, NULL);
}

static void
trace_clear (Trace *trace)
{
        g_clear_pointer (&trace->sent, g_ptr_array_unref);
        g_clear_pointer (&trace->received, g_ptr_array_unref);
}

static void
hello_handler (CoapUdp6Resource *resource,
               CoapUdp6Request  *request,
               gpointer          user_data)
{
        coap_udp6_request_respond_code (request, COAP_UDP6_CODE_CONTENT, "hello");
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
        const char *const binds[] = { "[::1]:0", NULL };
        g_autoptr (CoapUdp6Resource) hello = NULL;
        g_autoptr (GError) error = NULL;

        if (!test_have_ipv6 ()) {
                g_test_skip ("no IPv6 loopback");
                return;
        }
        f->main_context = g_main_context_ref_thread_default ();
        f->server = coap_udp6_context_new_server (binds, NULL, &error);
        g_assert_no_error (error);
        hello = coap_udp6_resource_new_with_handler (hello_handler, NULL, NULL);
        coap_udp6_context_add_resource (f->server, "hello", hello);
        f->port = coap_udp6_context_get_local_port (f->server);
        f->client = coap_udp6_context_new_client (&error);
        g_assert_no_error (error);
        g_object_set (f->client, "ack-timeout", 2.0, "max-retransmit", 2, NULL);
        trace_connect (&f->server_trace, f->server);
        trace_connect (&f->client_trace, f->client);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
        trace_clear (&f->server_trace);
        trace_clear (&f->client_trace);
        g_clear_object (&f->client);
        g_clear_object (&f->server);
        g_clear_pointer (&f->main_context, g_main_context_unref);
}

static TestResult
request_path (Fixture    *f,
              const char *path,
              guint       port)
{
        g_autoptr (CoapUdp6Message) request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON, COAP_UDP6_CODE_GET);
        g_autofree char *uri = g_strdup_printf ("coap://[::1]:%u/%s", port, path);
        g_autoptr (GError) error = NULL;
        TestResult result = { 0 };

        coap_udp6_message_set_request_uri (request, uri, &error);
        g_assert_no_error (error);
        coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &result);
        g_assert_true (test_iterate_until_flag (f->main_context, &result.done, 5000));
        return result;
}

static void
assert_same_message (CoapUdp6Message *a,
                     CoapUdp6Message *b)
{
        g_assert_cmpuint (coap_udp6_message_get_mtype (a), ==, coap_udp6_message_get_mtype (b));
        g_assert_cmpuint (coap_udp6_message_get_code (a), ==, coap_udp6_message_get_code (b));
        g_assert_cmpuint (coap_udp6_message_get_mid (a), ==, coap_udp6_message_get_mid (b));
        g_assert_true (g_bytes_equal (coap_udp6_message_get_token (a), coap_udp6_message_get_token (b)));
}

/* Each side sees what the other sent, with the same type, code, message
 * ID and token, and the remotes point at each other. */
static void
test_exchange_is_seen_by_both_sides (Fixture      *f,
                                     gconstpointer data)
{
        TestResult result;
        CoapUdp6Message *request, *ack;
        GInetSocketAddress *to;
        g_auto (GStrv) path = NULL;

        if (g_test_failed () || f->server == NULL)
                return;
        result = request_path (f, "hello", f->port);
        g_assert_no_error (result.error);

        g_assert_cmpuint (f->client_trace.sent->len, ==, 1);
        g_assert_cmpuint (f->server_trace.received->len, ==, 1);
        g_assert_cmpuint (f->server_trace.sent->len, ==, 1);
        g_assert_cmpuint (f->client_trace.received->len, ==, 1);
        request = g_ptr_array_index (f->client_trace.sent, 0);
        ack = g_ptr_array_index (f->server_trace.sent, 0);
        g_assert_cmpuint (coap_udp6_message_get_code (request), ==, COAP_UDP6_CODE_GET);
        path = coap_udp6_message_get_uri_path (request);
        g_assert_cmpstr (path[0], ==, "hello");
        to = coap_udp6_endpoint_address_get_sockaddr (coap_udp6_message_get_remote (request));
        g_assert_cmpuint (g_inet_socket_address_get_port (to), ==, f->port);
        assert_same_message (request, g_ptr_array_index (f->server_trace.received, 0));
        assert_same_message (ack, g_ptr_array_index (f->client_trace.received, 0));
        g_assert_cmpuint (coap_udp6_message_get_mtype (ack), ==, COAP_UDP6_MESSAGE_TYPE_ACK);
        g_assert_cmpuint (coap_udp6_message_get_code (ack), ==, COAP_UDP6_CODE_CONTENT);
        g_assert_cmpuint (coap_udp6_message_get_mid (ack), ==, coap_udp6_message_get_mid (request));
        g_assert_true (g_bytes_equal (coap_udp6_message_get_payload (ack),
                                      coap_udp6_message_get_payload (result.response)));
        g_clear_object (&result.response);
}

/* What the context answers by itself is shown too: a 4.04. */
static void
test_answers_of_the_context_are_seen (Fixture      *f,
                                      gconstpointer data)
{
        TestResult result;

        if (g_test_failed () || f->server == NULL)
                return;
        result = request_path (f, "missing", f->port);
        g_assert_no_error (result.error);
        g_assert_cmpuint (coap_udp6_message_get_code (result.response), ==, COAP_UDP6_CODE_NOT_FOUND);
        g_assert_cmpuint (f->server_trace.sent->len, ==, 1);
        g_assert_cmpuint (coap_udp6_message_get_code (g_ptr_array_index (f->server_trace.sent, 0)), ==,
                          COAP_UDP6_CODE_NOT_FOUND);
        g_clear_object (&result.response);
}

/* Every retransmission is a datagram of its own, with the same message
 * ID: a port nobody answers on (a raw socket that reads nothing). */
static void
test_retransmissions_are_seen (Fixture      *f,
                               gconstpointer data)
{
        g_autoptr (GSocket) silent = NULL;
        GInetSocketAddress *local;
        TestResult result;
        guint mid;

        if (g_test_failed () || f->server == NULL)
                return;
        g_object_set (f->client, "ack-timeout", 0.05, NULL);
        silent = test_raw_socket_new ();
        local = G_INET_SOCKET_ADDRESS (g_socket_get_local_address (silent, NULL));
        result = request_path (f, "hello", g_inet_socket_address_get_port (local));
        g_object_unref (local);
        g_assert_error (result.error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_TIMEOUT);
        g_clear_error (&result.error);
        /* The first transmission and max-retransmit (2) more. */
        g_assert_cmpuint (f->client_trace.sent->len, ==, 3);
        mid = coap_udp6_message_get_mid (g_ptr_array_index (f->client_trace.sent, 0));
        for (guint i = 1; i < 3; i++)
                g_assert_cmpuint (coap_udp6_message_get_mid (g_ptr_array_index (f->client_trace.sent, i)), ==, mid);
}

/* The server's socket is closed: a retransmission meets a closed port,
 * unless it is still on its way when time runs out. */
static void
assert_failed (TestResult *result)
{
        g_assert_null (result->response);
        g_assert_true (g_error_matches (result->error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
                       g_error_matches (result->error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_TIMEOUT));
        g_clear_error (&result->error);
}

static void
shut_down_on_receive (CoapUdp6Context *context,
                      CoapUdp6Message *message,
                      gboolean         sent,
                      gpointer         user_data)
{
        if (!sent)
                coap_udp6_context_shutdown_async (context, NULL, NULL, NULL);
}

static void
drop_reference_on_send (CoapUdp6Context *context,
                        CoapUdp6Message *message,
                        gboolean         sent,
                        gpointer         user_data)
{
        CoapUdp6Context **owner = user_data;

        if (sent)
                g_clear_object (owner);
}

/* A handler that shuts the server down while it is told of a request:
 * nothing crashes, nothing is sent, and the client is told. A handler
 * that drops the last reference while it is told of an answer: the
 * answer goes out, then the context is finalized. */
static void
test_handler_may_end_the_context (Fixture      *f,
                                  gconstpointer data)
{
        TestResult result;
        gpointer alive;
        guint watch;

        if (g_test_failed () || f->server == NULL)
                return;
        watch = coap_udp6_context_add_message_watch (f->server, shut_down_on_receive, NULL, NULL);
        g_object_set (f->client, "ack-timeout", 0.05, NULL);
        result = request_path (f, "hello", f->port);
        assert_failed (&result);
        g_assert_cmpuint (f->server_trace.sent->len, ==, 0);

        coap_udp6_context_remove_message_watch (f->server, watch);
        g_clear_object (&f->server);
        {
                const char *const binds[] = { "[::1]:0", NULL };
                g_autoptr (GError) error = NULL;

                f->server = coap_udp6_context_new_server (binds, NULL, &error);
                g_assert_no_error (error);
        }
        f->port = coap_udp6_context_get_local_port (f->server);
        coap_udp6_context_add_message_watch (f->server, drop_reference_on_send, &f->server, NULL);
        alive = f->server;
        g_object_add_weak_pointer (G_OBJECT (f->server), &alive);
        /* The answer the handler was told of still goes out. */
        result = request_path (f, "missing", f->port);
        g_assert_no_error (result.error);
        g_assert_cmpuint (coap_udp6_message_get_code (result.response), ==, COAP_UDP6_CODE_NOT_FOUND);
        g_clear_object (&result.response);
        g_assert_null (f->server);
        g_assert_null (alive);
}

static void
count (CoapUdp6Context *context,
       CoapUdp6Message *message,
       gboolean         sent,
       gpointer         user_data)
{
        (*(guint *) user_data)++;
}

typedef struct {
        guint id;
        guint calls;
} SelfRemoving;

static void
remove_itself (CoapUdp6Context *context,
               CoapUdp6Message *message,
               gboolean         sent,
               gpointer         user_data)
{
        SelfRemoving *watch = user_data;

        watch->calls++;
        coap_udp6_context_remove_message_watch (context, watch->id);
}

static guint destroyed;

static void
count_destroyed (gpointer data)
{
        destroyed++;
}

/* A watch that removes itself is called once and destroyed; a removed
 * watch is not called; the destroy functions run on removal and when the
 * context goes; a second removal is refused with a critical. */
static void
test_watches_are_removed (Fixture      *f,
                          gconstpointer data)
{
        SelfRemoving self_removing = { 0 };
        guint removed_calls = 0, kept_calls = 0;
        guint removed;
        TestResult result;

        if (g_test_failed () || f->server == NULL)
                return;
        destroyed = 0;
        self_removing.id = coap_udp6_context_add_message_watch (f->client, remove_itself, &self_removing,
                                                                count_destroyed);
        removed = coap_udp6_context_add_message_watch (f->client, count, &removed_calls, count_destroyed);
        coap_udp6_context_add_message_watch (f->client, count, &kept_calls, count_destroyed);
        g_assert_cmpuint (removed, !=, self_removing.id);
        coap_udp6_context_remove_message_watch (f->client, removed);
        g_assert_cmpuint (destroyed, ==, 1);
        result = request_path (f, "hello", f->port);
        g_assert_no_error (result.error);
        g_clear_object (&result.response);
        g_assert_cmpuint (self_removing.calls, ==, 1);
        g_assert_cmpuint (removed_calls, ==, 0);
        g_assert_cmpuint (kept_calls, ==, 2);
        g_assert_cmpuint (destroyed, ==, 2);

        g_test_expect_message ("CoapUdp6", G_LOG_LEVEL_CRITICAL, "*watch != NULL*");
        coap_udp6_context_remove_message_watch (f->client, removed);
        g_test_assert_expected_messages ();
        g_clear_object (&f->client);
        g_assert_cmpuint (destroyed, ==, 3);
}

int
main (int    argc,
      char **argv)
{
        test_init (&argc, &argv);
        g_test_add ("/context-trace/exchange-is-seen-by-both-sides", Fixture, NULL,
                    fixture_set_up, test_exchange_is_seen_by_both_sides, fixture_tear_down);
        g_test_add ("/context-trace/answers-of-the-context-are-seen", Fixture, NULL,
                    fixture_set_up, test_answers_of_the_context_are_seen, fixture_tear_down);
        g_test_add ("/context-trace/retransmissions-are-seen", Fixture, NULL,
                    fixture_set_up, test_retransmissions_are_seen, fixture_tear_down);
        g_test_add ("/context-trace/handler-may-end-the-context", Fixture, NULL,
                    fixture_set_up, test_handler_may_end_the_context, fixture_tear_down);
        g_test_add ("/context-trace/watches-are-removed", Fixture, NULL,
                    fixture_set_up, test_watches_are_removed, fixture_tear_down);
        return g_test_run ();
}
