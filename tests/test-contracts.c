/* test-contracts.c: a caller's mistakes are reported, and nothing
 * malformed leaves the socket because of them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"

#include <string.h>

/* A resource whose behaviour the test picks. */
#define TEST_TYPE_RESOURCE (test_resource_get_type ())
G_DECLARE_FINAL_TYPE (TestResource, test_resource, TEST, RESOURCE, CoapUdp6Resource)

typedef enum {
        MODE_BAD_CODES,                     /* responds 0.01 and 0.00, then returns */
        MODE_KEEP_SILENTLY,                 /* keeps a reference, neither responds nor defers */
        MODE_DEFER,                         /* defers and keeps a reference */
        MODE_UNENCODABLE,                   /* responds with an option too long to encode */
} TestMode;

struct _TestResource {
        CoapUdp6Resource parent_instance;
        TestMode mode;
        CoapUdp6Request *kept;              /* owned, nullable */
};

G_DEFINE_FINAL_TYPE (TestResource, test_resource, COAP_UDP6_TYPE_RESOURCE)

static void
test_resource_render (CoapUdp6Resource *resource,
                      CoapUdp6Request  *request)
{
        TestResource *self = TEST_RESOURCE (resource);
        g_autoptr (CoapUdp6Message) response = NULL;
        g_autoptr (GBytes) huge = NULL;

        switch (self->mode) {
        case MODE_BAD_CODES:
                g_test_expect_message ("CoapUdp6", G_LOG_LEVEL_CRITICAL, "*coap_udp6_code_is_response*");
                coap_udp6_request_respond_code (request, COAP_UDP6_CODE_GET, "a method");
                g_test_assert_expected_messages ();
                response = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK, COAP_UDP6_CODE_EMPTY);
                g_test_expect_message ("CoapUdp6", G_LOG_LEVEL_CRITICAL, "*coap_udp6_code_is_response*");
                coap_udp6_request_respond (request, response);
                g_test_assert_expected_messages ();
                g_test_expect_message ("CoapUdp6", G_LOG_LEVEL_CRITICAL, "*coap_udp6_code_is_response*");
                coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_EMPTY, NULL, -1);
                g_test_assert_expected_messages ();
                g_assert_false (coap_udp6_request_get_responded (request));
                break;
        case MODE_KEEP_SILENTLY:
                g_set_object (&self->kept, request);
                break;
        case MODE_DEFER:
                coap_udp6_request_defer (request);
                g_assert_true (coap_udp6_request_get_deferred (request));
                g_set_object (&self->kept, request);
                break;
        case MODE_UNENCODABLE:
                /* Settable, but over the 65535 + 269 bytes an option can encode. */
                huge = g_bytes_new_take (g_malloc0 (70000), 70000);
                response = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK, COAP_UDP6_CODE_CONTENT);
                coap_udp6_message_add_option (response, 65000, huge);
                test_expect_warnings ("*could not be encoded*");
                coap_udp6_request_respond (request, response);
                g_assert_cmpuint (test_end_expect_warnings (), ==, 1);
                break;
        }
}

static void
test_resource_finalize (GObject *object)
{
        g_clear_object (&TEST_RESOURCE (object)->kept);
        G_OBJECT_CLASS (test_resource_parent_class)->finalize (object);
}

static void
test_resource_class_init (TestResourceClass *klass)
{
        G_OBJECT_CLASS (klass)->finalize = test_resource_finalize;
        COAP_UDP6_RESOURCE_CLASS (klass)->render = test_resource_render;
}

static void
test_resource_init (TestResource *self)
{
}

typedef struct {
        GMainContext *main_context;
        CoapUdp6Context *server;
        CoapUdp6Context *client;
        TestResource *resources[4];
        GSocket *raw;                       /* [::1]:0, non-blocking */
        GSocketAddress *server_address;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
        /* "bad", "keep", "defer", "huge": 3, 4, 5 and 4 bytes of Uri-Path */
        const char *names[] = { "bad", "keep", "defer", "huge" };
        g_autoptr (GError) error = NULL;

        f->main_context = test_main_context_push ();
        f->server = test_loopback_server_new (&f->server_address);
        g_object_set (f->server, "ack-timeout", 0.05, "max-latency", 0.5, NULL);
        for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
                f->resources[i] = g_object_new (TEST_TYPE_RESOURCE, NULL);
                f->resources[i]->mode = i;
                coap_udp6_context_add_resource (f->server, names[i], COAP_UDP6_RESOURCE (f->resources[i]));
        }
        f->client = coap_udp6_context_new_client (&error);
        g_assert_no_error (error);
        f->raw = test_raw_socket_new ();
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        g_clear_object (&f->client);
        g_clear_object (&f->server);
        for (guint i = 0; i < G_N_ELEMENTS (f->resources); i++)
                g_clear_object (&f->resources[i]);
        g_clear_object (&f->raw);
        g_clear_object (&f->server_address);
        test_main_context_pop (f->main_context);
}

/* Sends @hex to the server and returns its first answer as hex (NULL
 * when none comes within @ms). */
static char *
exchange_hex (Fixture    *f,
              const char *hex,
              guint       ms)
{
        test_raw_send_hex (f->raw, f->server_address, hex);
        return test_raw_recv_hex (f->main_context, f->raw, ms);
}

static char *
server_uri (Fixture    *f,
            const char *path)
{
        return g_strdup_printf ("coap://[::1]:%u/%s", coap_udp6_context_get_local_port (f->server), path);
}

typedef struct {
        GAsyncResult *result;               /* owned */
} Captured;

static void
capture_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
        Captured *c = user_data;

        c->result = g_object_ref (result);
}

static gboolean
captured (gpointer data)
{
        return ((Captured *) data)->result != NULL;
}

#define EXPECT_CRITICAL(pattern) \
        g_test_expect_message ("CoapUdp6", G_LOG_LEVEL_CRITICAL, pattern)

static void
test_wrong_finish (Fixture      *f,
                   gconstpointer data)
{
        const char *binds[] = { "[::1]:0", NULL };
        g_autofree char *uri = server_uri (f, "keep");
        g_autoptr (CoapUdp6Message) request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                     COAP_UDP6_CODE_GET);
        g_autoptr (CoapUdp6Message) non = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_NON,
                                                                 COAP_UDP6_CODE_GET);
        g_autoptr (CoapUdp6Message) response = NULL;
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Context) other = NULL;
        Captured single = { NULL }, multi = { NULL }, shut = { NULL }, created = { NULL };

        g_test_summary ("A result given to another operation's _finish is a critical and "
                        "NULL/FALSE, never a crash or a hang; the right finish still works");
        g_assert_true (coap_udp6_message_set_request_uri (request, uri, &error));
        coap_udp6_context_request_async (f->client, request, NULL, capture_cb, &single);
        g_assert_true (coap_udp6_message_set_request_uri (non, uri, &error));
        coap_udp6_context_request_multicast_async (f->client, non, 50, NULL, capture_cb, &multi);
        g_assert_true (test_iterate_until (f->main_context, captured, &single, 5000));
        g_assert_true (test_iterate_until (f->main_context, captured, &multi, 5000));

        EXPECT_CRITICAL ("*source_tag*coap_udp6_context_request_multicast_async*");
        g_assert_null (coap_udp6_context_request_multicast_finish (f->client, single.result, &error));
        g_test_assert_expected_messages ();
        g_assert_no_error (error);
        EXPECT_CRITICAL ("*source_tag*coap_udp6_context_request_async*");
        g_assert_null (coap_udp6_context_request_finish (f->client, multi.result, &error));
        g_test_assert_expected_messages ();
        g_assert_no_error (error);
        EXPECT_CRITICAL ("*source_tag*coap_udp6_context_shutdown_async*");
        g_assert_false (coap_udp6_context_shutdown_finish (f->client, single.result, &error));
        g_test_assert_expected_messages ();
        EXPECT_CRITICAL ("*source_tag*coap_udp6_context_init_async*");
        g_assert_null (coap_udp6_context_new_server_finish (single.result, &error));
        g_test_assert_expected_messages ();
        EXPECT_CRITICAL ("*COAP_UDP6_IS_MESSAGE_INTERFACE*");
        g_assert_null (coap_udp6_message_interface_new_server_finish (single.result, &error));
        g_test_assert_expected_messages ();

        /* The right finish still works afterwards. */
        response = coap_udp6_context_request_finish (f->client, single.result, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (coap_udp6_message_get_code (response), ==, COAP_UDP6_CODE_INTERNAL_SERVER_ERROR);

        coap_udp6_context_new_server_async (binds, NULL, NULL, capture_cb, &created);
        g_assert_true (test_iterate_until (f->main_context, captured, &created, 5000));
        EXPECT_CRITICAL ("*g_task_is_valid*");
        g_assert_null (coap_udp6_context_request_finish (f->client, created.result, &error));
        g_test_assert_expected_messages ();
        other = coap_udp6_context_new_server_finish (created.result, &error);
        g_assert_no_error (error);

        coap_udp6_context_shutdown_async (other, NULL, capture_cb, &shut);
        g_assert_true (test_iterate_until (f->main_context, captured, &shut, 5000));
        EXPECT_CRITICAL ("*source_tag*coap_udp6_context_request_async*");
        g_assert_null (coap_udp6_context_request_finish (other, shut.result, &error));
        g_test_assert_expected_messages ();
        EXPECT_CRITICAL ("*source_tag*coap_udp6_context_request_multicast_async*");
        g_assert_null (coap_udp6_context_request_multicast_finish (other, shut.result, &error));
        g_test_assert_expected_messages ();
        g_assert_true (coap_udp6_context_shutdown_finish (other, shut.result, &error));
        g_assert_no_error (error);

        g_clear_object (&single.result);
        g_clear_object (&multi.result);
        g_clear_object (&shut.result);
        g_clear_object (&created.result);
}

static void
test_respond_bad_code (Fixture      *f,
                       gconstpointer data)
{
        g_autofree char *got = NULL;

        g_test_summary ("Responding with 0.01 or 0.00 is a critical and sends nothing; the "
                        "request then gets 5.00");
        /* CON GET /bad, token aa: the refused responses are not sent; the
         * request is then answered 5.00, piggybacked, and nothing else. */
        got = exchange_hex (f, "41014000aab3626164", 1000);
        g_assert_cmpstr (got, ==, "61a04000aa");
        g_clear_pointer (&got, g_free);
        got = test_raw_recv_hex (f->main_context, f->raw, 200);
        g_assert_cmpstr (got, ==, NULL);
}

static gboolean
result_done (gpointer data)
{
        return ((TestResult *) data)->done;
}

static void
test_request_bad_type_or_code (Fixture      *f,
                               gconstpointer data)
{
        struct {
                CoapUdp6MessageType mtype;
                guint code;
        } bad[] = {
                { COAP_UDP6_MESSAGE_TYPE_ACK, COAP_UDP6_CODE_GET },
                { COAP_UDP6_MESSAGE_TYPE_RST, COAP_UDP6_CODE_GET },
                { COAP_UDP6_MESSAGE_TYPE_CON, COAP_UDP6_CODE_CONTENT },
                { COAP_UDP6_MESSAGE_TYPE_NON, COAP_UDP6_CODE_EMPTY },
                { COAP_UDP6_MESSAGE_TYPE_CON, 32 },                 /* 1.00 */
        };
        g_autoptr (GSocketAddress) raw_address = g_socket_get_local_address (f->raw, NULL);
        guint port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (raw_address));
        g_autofree char *uri = g_strdup_printf ("coap://[::1]:%u/x", port);
        g_autofree char *got = NULL;

        g_test_summary ("A request of type ACK or RST, or with a code that is not a method, "
                        "fails at once with INVALID_MESSAGE and nothing is sent");
        for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
                g_autoptr (CoapUdp6Message) request = coap_udp6_message_new (bad[i].mtype, bad[i].code);
                g_autoptr (GError) error = NULL;
                TestResult r = { FALSE };

                g_assert_true (coap_udp6_message_set_request_uri (request, uri, &error));
                coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &r);
                /* At once: no network round trip, no timer. */
                g_assert_true (test_iterate_until (f->main_context, result_done, &r, 100));
                g_assert_error (r.error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_INVALID_MESSAGE);
                g_assert_null (r.response);
                g_clear_error (&r.error);
        }
        /* The same through request_multicast_async. */
        {
                g_autoptr (CoapUdp6Message) request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_RST,
                                                                             COAP_UDP6_CODE_GET);
                g_autoptr (GPtrArray) responses = NULL;
                g_autoptr (GError) error = NULL;
                Captured c = { NULL };

                g_assert_true (coap_udp6_message_set_request_uri (request, uri, &error));
                coap_udp6_context_request_multicast_async (f->client, request, 50, NULL, capture_cb, &c);
                g_assert_true (test_iterate_until (f->main_context, captured, &c, 100));
                responses = coap_udp6_context_request_multicast_finish (f->client, c.result, &error);
                g_assert_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_INVALID_MESSAGE);
                g_assert_null (responses);
                g_clear_object (&c.result);
        }
        /* Nothing reached the peer. */
        got = test_raw_recv_hex (f->main_context, f->raw, 200);
        g_assert_cmpstr (got, ==, NULL);
}

static void
test_neither_responded_nor_deferred (Fixture      *f,
                                     gconstpointer data)
{
        TestResource *keep = f->resources[MODE_KEEP_SILENTLY];
        g_autofree char *got = NULL;
        gint64 start = g_get_monotonic_time ();

        g_test_summary ("A render that neither responds nor defers gets the client 5.00 at "
                        "once, piggybacked, even when the handler kept the request");
        /* CON GET /keep, token aa: 5.00 at once, piggybacked, although the
         * handler still holds the request. */
        got = exchange_hex (f, "41014100aab46b656570", 1000);
        g_assert_cmpstr (got, ==, "61a04100aa");
        g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC / 2);
        g_assert_nonnull (keep->kept);
        g_assert_true (coap_udp6_request_get_responded (keep->kept));

        /* Answering it now sends nothing more. */
        coap_udp6_request_respond_code (keep->kept, COAP_UDP6_CODE_CONTENT, "late");
        g_clear_object (&keep->kept);
        g_clear_pointer (&got, g_free);
        got = test_raw_recv_hex (f->main_context, f->raw, 200);
        g_assert_cmpstr (got, ==, NULL);

        /* Deferring once render has returned is a programmer error. */
        got = exchange_hex (f, "41014101abb46b656570", 1000);
        g_assert_cmpstr (got, ==, "61a04101ab");
        EXPECT_CRITICAL ("*in_render*");
        coap_udp6_request_defer (keep->kept);
        g_test_assert_expected_messages ();
        g_assert_false (coap_udp6_request_get_deferred (keep->kept));
}

static void
test_deferred (Fixture      *f,
               gconstpointer data)
{
        TestResource *defer = f->resources[MODE_DEFER];
        g_autofree char *got = NULL;
        g_autofree char *ack = NULL;

        g_test_summary ("A deferred request is acknowledged with an empty ACK, then answered "
                        "with a separate CON response");
        /* CON GET /defer, token aa: an empty ACK now ... */
        got = exchange_hex (f, "41014200aab56465666572", 1000);
        g_assert_cmpstr (got, ==, "60004200");
        g_assert_nonnull (defer->kept);
        g_assert_false (coap_udp6_request_get_responded (defer->kept));

        /* ... and a separate CON response when the handler answers. */
        coap_udp6_request_respond_code (defer->kept, COAP_UDP6_CODE_CONTENT, "later");
        g_clear_pointer (&got, g_free);
        got = test_raw_recv_hex (f->main_context, f->raw, 1000);
        g_assert_nonnull (got);
        g_assert_true (g_str_has_prefix (got, "4145"));
        g_assert_true (g_str_has_suffix (got, "aac0ff6c61746572"));
        /* Acknowledge it, so it is not retransmitted. */
        ack = g_strdup_printf ("6000%.4s", got + 4);
        test_raw_send_hex (f->raw, f->server_address, ack);
        g_clear_object (&defer->kept);
        g_clear_pointer (&got, g_free);
        got = test_raw_recv_hex (f->main_context, f->raw, 200);
        g_assert_cmpstr (got, ==, NULL);
}

static void
test_unencodable_response (Fixture      *f,
                           gconstpointer data)
{
        g_autofree char *got = NULL;

        g_test_summary ("A response that cannot be encoded is not sent; the requester gets 5.00");
        /* CON GET /huge, token aa: not the response, but 5.00. */
        got = exchange_hex (f, "41014300aab468756765", 1000);
        g_assert_cmpstr (got, ==, "61a04300aa");
}

static void
test_collect_con_unicast (Fixture      *f,
                          gconstpointer data)
{
        g_autofree char *uri = server_uri (f, "keep");
        g_autoptr (CoapUdp6Message) con = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                 COAP_UDP6_CODE_GET);
        g_autoptr (GPtrArray) responses = NULL;
        g_autoptr (GError) error = NULL;
        Captured c = { NULL };
        gint64 start;

        g_test_summary ("request_multicast_async with a CON to a unicast address ends when "
                        "its collection window does, not after EXCHANGE_LIFETIME");
        g_assert_true (coap_udp6_message_set_request_uri (con, uri, &error));
        start = g_get_monotonic_time ();
        coap_udp6_context_request_multicast_async (f->client, con, 200, NULL, capture_cb, &c);
        g_assert_true (test_iterate_until (f->main_context, captured, &c, 10000));
        g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
        responses = coap_udp6_context_request_multicast_finish (f->client, c.result, &error);
        g_assert_no_error (error);
        g_assert_nonnull (responses);
        g_clear_object (&c.result);
}

int
main (int   argc,
      char *argv[])
{
        test_init (&argc, &argv);

        if (!test_have_ipv6 ()) {
                g_test_skip ("no IPv6 loopback");
                return g_test_run ();
        }

#define ADD(name, func) g_test_add ("/contracts/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
        ADD ("wrong-finish", test_wrong_finish);
        ADD ("respond-bad-code", test_respond_bad_code);
        ADD ("request-bad-type-or-code", test_request_bad_type_or_code);
        ADD ("neither-responded-nor-deferred", test_neither_responded_nor_deferred);
        ADD ("deferred", test_deferred);
        ADD ("unencodable-response", test_unencodable_response);
        ADD ("collect-con-unicast", test_collect_con_unicast);
        return g_test_run ();
}
