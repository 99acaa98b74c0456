/* test-observe-shared.c: a change rendered once for the observers whose
 * registrations differ only in remote, token and message ID, and once per
 * observer otherwise (Accept, a render that reads the remote, a deferred
 * render); raw observers over ::1 check every datagram on the wire
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"
#include "coap-udp6-context-private.h"

#include <string.h>

typedef enum {
        RENDER_PLAIN,
        RENDER_READS_REMOTE,
        RENDER_DEFERS,
} RenderMode;

/* "vN" as text/plain, or {"v":N} when the request accepts JSON (50);
 * "vN@PORT" with the requester's port when it reads the remote. */
#define TEST_TYPE_GAUGE (test_gauge_get_type ())
G_DECLARE_FINAL_TYPE (TestGauge, test_gauge, TEST, GAUGE, CoapUdp6Resource)

struct _TestGauge {
        CoapUdp6Resource parent_instance;
        guint value;
        RenderMode mode;
        guint renders;
};

G_DEFINE_FINAL_TYPE (TestGauge, test_gauge, COAP_UDP6_TYPE_RESOURCE)

static void
respond (CoapUdp6Request *request,
         guint            value,
         const char      *suffix)
{
        CoapUdp6Message *message = coap_udp6_request_get_message (request);
        guint32 accept = 0;
        g_autofree char *text = NULL;
        g_autoptr (GBytes) payload = NULL;

        if (coap_udp6_message_get_accept (message, &accept) && accept == 50)
                text = g_strdup_printf ("{\"v\":%u}", value);
        else
                text = g_strdup_printf ("v%u%s", value, suffix);
        payload = g_bytes_new (text, strlen (text));
        coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CONTENT, payload, accept == 50 ? 50 : 0);
}

static gboolean
respond_later (gpointer data)
{
        g_autoptr (CoapUdp6Request) request = data;

        respond (request, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (request), "value")), "");
        return G_SOURCE_REMOVE;
}

static void
test_gauge_render (CoapUdp6Resource *resource,
                   CoapUdp6Request  *request)
{
        TestGauge *self = TEST_GAUGE (resource);
        g_autofree char *suffix = NULL;
        GSource *idle;

        self->renders++;
        switch (self->mode) {
        case RENDER_PLAIN:
                respond (request, self->value, "");
                break;
        case RENDER_READS_REMOTE:
                suffix = g_strdup_printf ("@%u", g_inet_socket_address_get_port (
                                                         coap_udp6_endpoint_address_get_sockaddr (
                                                                 coap_udp6_request_get_remote (request))));
                respond (request, self->value, suffix);
                break;
        case RENDER_DEFERS:
                coap_udp6_request_defer (request);
                g_object_set_data (G_OBJECT (request), "value", GUINT_TO_POINTER (self->value));
                idle = g_idle_source_new ();
                g_source_set_callback (idle, respond_later, g_object_ref (request), NULL);
                g_source_attach (idle, g_main_context_get_thread_default ());
                g_source_unref (idle);
                break;
        }
}

static void
test_gauge_class_init (TestGaugeClass *klass)
{
        COAP_UDP6_RESOURCE_CLASS (klass)->render = test_gauge_render;
}

static void
test_gauge_init (TestGauge *self)
{
        coap_udp6_resource_set_observable (COAP_UDP6_RESOURCE (self), TRUE);
}

#define N_PEERS 3

typedef struct {
        GMainContext *main_context;
        CoapUdp6Context *server;
        TestGauge *gauge;
        GSocket *peers[N_PEERS];
        GSocketAddress *server_address;
        guint next_mid;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{

        f->main_context = test_main_context_push ();
        f->server = test_loopback_server_new (&f->server_address);
        g_object_set (f->server, "ack-timeout", 0.05, "max-retransmit", 1, NULL);
        f->gauge = g_object_new (TEST_TYPE_GAUGE, NULL);
        coap_udp6_context_add_resource (f->server, "gauge", COAP_UDP6_RESOURCE (f->gauge));
        for (guint i = 0; i < N_PEERS; i++)
                f->peers[i] = test_raw_socket_new ();
        f->next_mid = 0x100;
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        g_clear_object (&f->server);
        g_clear_object (&f->gauge);
        for (guint i = 0; i < N_PEERS; i++)
                g_clear_object (&f->peers[i]);
        g_clear_object (&f->server_address);
        test_main_context_pop (f->main_context);
}

static CoapUdp6Message *
recv_on (Fixture *f,
         guint    peer)
{
        return test_raw_recv_message (f->main_context, f->peers[peer], 2000, NULL);
}

static void
send_from (Fixture         *f,
           guint            peer,
           CoapUdp6Message *message)
{
        test_raw_send_message (f->peers[peer], f->server_address, message);
}

/* Registers @peer with a one-byte @token and @accept (-1: none). */
static void
register_peer (Fixture *f,
               guint    peer,
               guint8   token,
               gint     accept)
{
        g_autoptr (CoapUdp6Message) request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                     COAP_UDP6_CODE_GET);
        g_autoptr (GBytes) token_bytes = g_bytes_new (&token, 1);
        g_autoptr (GBytes) path = g_bytes_new_static ("gauge", 5);
        g_autoptr (CoapUdp6Message) answer = NULL;
        guint32 observe;

        coap_udp6_message_set_mid (request, f->next_mid++);
        coap_udp6_message_set_token (request, token_bytes);
        coap_udp6_message_set_observe (request, 0);
        coap_udp6_message_add_option (request, COAP_UDP6_OPTION_URI_PATH, path);
        if (accept >= 0)
                coap_udp6_message_set_accept (request, accept);
        send_from (f, peer, request);
        answer = recv_on (f, peer);
        g_assert_cmpint (coap_udp6_message_get_code (answer), ==, COAP_UDP6_CODE_CONTENT);
        g_assert_true (coap_udp6_message_get_observe (answer, &observe));
        g_assert_true (g_bytes_equal (coap_udp6_message_get_token (answer), token_bytes));
}

static void
changed (Fixture *f)
{
        f->gauge->renders = 0;
        f->gauge->value++;
        coap_udp6_resource_changed (COAP_UDP6_RESOURCE (f->gauge));
}

static guint8
token_of (CoapUdp6Message *message)
{
        GBytes *token = coap_udp6_message_get_token (message);

        g_assert_cmpuint (g_bytes_get_size (token), ==, 1);
        return *(const guint8 *) g_bytes_get_data (token, NULL);
}

static void
assert_payload (CoapUdp6Message *message,
                const char      *text,
                guint32          content_format)
{
        GBytes *payload = coap_udp6_message_get_payload (message);
        guint32 cf;

        g_assert_nonnull (payload);
        g_assert_cmpmem (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), text, strlen (text));
        g_assert_true (coap_udp6_message_get_content_format (message, &cf));
        g_assert_cmpuint (cf, ==, content_format);
}

static guint32
observe_of (CoapUdp6Message *message)
{
        guint32 observe = 0;

        g_assert_true (coap_udp6_message_get_observe (message, &observe));
        return observe;
}

static void
test_shared_same_shape (Fixture      *f,
                        gconstpointer data)
{
        g_autoptr (CoapUdp6Message) a1 = NULL;
        g_autoptr (CoapUdp6Message) a2 = NULL;
        g_autoptr (CoapUdp6Message) b = NULL;

        g_test_summary ("Three registrations that differ in remote and token: one render per "
                        "change, each notification with its own token and message ID, the "
                        "same payload and Observe value");
        register_peer (f, 0, 0xa1, -1);
        register_peer (f, 0, 0xa2, -1);
        register_peer (f, 1, 0xb1, -1);
        for (guint round = 1; round <= 2; round++) {
                g_autofree char *text = g_strdup_printf ("v%u", round);
                guint8 first, second;

                changed (f);
                g_assert_cmpuint (f->gauge->renders, ==, 1);
                g_clear_object (&a1);
                g_clear_object (&a2);
                g_clear_object (&b);
                a1 = recv_on (f, 0);
                a2 = recv_on (f, 0);
                b = recv_on (f, 1);
                first = token_of (a1);
                second = token_of (a2);
                g_assert_true ((first == 0xa1 && second == 0xa2) || (first == 0xa2 && second == 0xa1));
                g_assert_cmpuint (token_of (b), ==, 0xb1);
                for (guint i = 0; i < 3; i++) {
                        CoapUdp6Message *m = i == 0 ? a1 : i == 1 ? a2 : b;

                        g_assert_cmpint (coap_udp6_message_get_mtype (m), ==, COAP_UDP6_MESSAGE_TYPE_NON);
                        g_assert_cmpint (coap_udp6_message_get_code (m), ==, COAP_UDP6_CODE_CONTENT);
                        assert_payload (m, text, 0);
                        g_assert_cmpuint (observe_of (m), ==, observe_of (a1));
                }
                g_assert_cmpuint (coap_udp6_message_get_mid (a1), !=, coap_udp6_message_get_mid (a2));
                g_assert_cmpuint (coap_udp6_message_get_mid (a1), !=, coap_udp6_message_get_mid (b));
                g_assert_cmpuint (coap_udp6_message_get_mid (a2), !=, coap_udp6_message_get_mid (b));
        }
}

static void
test_shared_accept (Fixture      *f,
                    gconstpointer data)
{
        g_autoptr (CoapUdp6Message) text = NULL;
        g_autoptr (CoapUdp6Message) json1 = NULL;
        g_autoptr (CoapUdp6Message) json2 = NULL;

        g_test_summary ("Registrations with different Accept get their own renderings; two "
                        "with the same Accept share one");
        register_peer (f, 0, 0x01, -1);
        register_peer (f, 1, 0x02, 50);
        register_peer (f, 2, 0x03, 50);
        changed (f);
        g_assert_cmpuint (f->gauge->renders, ==, 2);
        text = recv_on (f, 0);
        json1 = recv_on (f, 1);
        json2 = recv_on (f, 2);
        assert_payload (text, "v1", 0);
        assert_payload (json1, "{\"v\":1}", 50);
        assert_payload (json2, "{\"v\":1}", 50);
        g_assert_cmpuint (token_of (text), ==, 0x01);
        g_assert_cmpuint (token_of (json1), ==, 0x02);
        g_assert_cmpuint (token_of (json2), ==, 0x03);
}

static void
test_shared_reads_remote (Fixture      *f,
                          gconstpointer data)
{
        g_test_summary ("A render that reads the requester's remote runs for each observer, "
                        "and each gets its own rendering");
        f->gauge->mode = RENDER_READS_REMOTE;
        register_peer (f, 0, 0x01, -1);
        register_peer (f, 1, 0x02, -1);
        changed (f);
        g_assert_cmpuint (f->gauge->renders, ==, 2);
        for (guint peer = 0; peer < 2; peer++) {
                g_autoptr (CoapUdp6Message) m = recv_on (f, peer);
                g_autoptr (GSocketAddress) local = g_socket_get_local_address (f->peers[peer], NULL);
                g_autofree char *text = g_strdup_printf (
                        "v1@%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));

                assert_payload (m, text, 0);
                g_assert_cmpuint (token_of (m), ==, peer + 1);
        }
}

static void
test_shared_deferred (Fixture      *f,
                      gconstpointer data)
{
        g_test_summary ("A render that defers runs for each observer; each deferred "
                        "response is a notification with its observer's token");
        register_peer (f, 0, 0x01, -1);
        register_peer (f, 1, 0x02, -1);
        f->gauge->mode = RENDER_DEFERS;
        changed (f);
        g_assert_cmpuint (f->gauge->renders, ==, 2);
        for (guint peer = 0; peer < 2; peer++) {
                g_autoptr (CoapUdp6Message) m = recv_on (f, peer);

                assert_payload (m, "v1", 0);
                g_assert_cmpuint (token_of (m), ==, peer + 1);
                g_assert_cmpuint (observe_of (m), >, 0);
        }
}

static gboolean
no_transmissions (gpointer data)
{
        return g_hash_table_size (((Fixture *) data)->server->transmissions) == 0;
}

static void
test_shared_con (Fixture      *f,
                 gconstpointer data)
{
        g_autoptr (CoapUdp6Message) a = NULL;
        g_autoptr (CoapUdp6Message) b = NULL;
        g_autoptr (CoapUdp6Message) again = NULL;
        g_autoptr (CoapUdp6Message) ack = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK,
                                                                 COAP_UDP6_CODE_EMPTY);

        g_test_summary ("A shared rendering is NON or CON per observer (max-non-notifications); "
                        "a CON one is retransmitted with its observer's token and message ID");
        g_object_set (f->server, "max-non-notifications", 1, "ack-timeout", 0.2, "max-retransmit", 2, NULL);
        register_peer (f, 0, 0x01, -1);
        changed (f);
        a = recv_on (f, 0);
        g_assert_cmpint (coap_udp6_message_get_mtype (a), ==, COAP_UDP6_MESSAGE_TYPE_NON);
        register_peer (f, 1, 0x02, -1);
        g_clear_object (&a);
        changed (f);
        g_assert_cmpuint (f->gauge->renders, ==, 1);
        a = recv_on (f, 0);
        b = recv_on (f, 1);
        g_assert_cmpint (coap_udp6_message_get_mtype (a), ==, COAP_UDP6_MESSAGE_TYPE_CON);
        g_assert_cmpint (coap_udp6_message_get_mtype (b), ==, COAP_UDP6_MESSAGE_TYPE_NON);
        coap_udp6_message_set_mid (ack, coap_udp6_message_get_mid (a));
        send_from (f, 0, ack);
        g_assert_true (test_iterate_until (f->main_context, no_transmissions, f, 5000));
        g_clear_object (&a);
        g_clear_object (&b);
        changed (f);
        a = recv_on (f, 0);
        b = recv_on (f, 1);
        g_assert_cmpint (coap_udp6_message_get_mtype (a), ==, COAP_UDP6_MESSAGE_TYPE_NON);
        g_assert_cmpint (coap_udp6_message_get_mtype (b), ==, COAP_UDP6_MESSAGE_TYPE_CON);
        assert_payload (b, "v3", 0);
        again = recv_on (f, 1);
        g_assert_cmpint (coap_udp6_message_get_mtype (again), ==, COAP_UDP6_MESSAGE_TYPE_CON);
        g_assert_cmpuint (coap_udp6_message_get_mid (again), ==, coap_udp6_message_get_mid (b));
        g_assert_cmpuint (token_of (again), ==, 0x02);
        assert_payload (again, "v3", 0);
}

static gboolean
observers_are (Fixture *f,
               guint    n)
{
        return coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_OBSERVERS) == n;
}

static gboolean
one_observer (gpointer data)
{
        return observers_are (data, 1);
}

static void
test_shared_reset (Fixture      *f,
                   gconstpointer data)
{
        g_autoptr (CoapUdp6Message) first = NULL;
        g_autoptr (CoapUdp6Message) second = NULL;
        g_autoptr (CoapUdp6Message) last = NULL;
        g_autoptr (CoapUdp6Message) reset = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_RST,
                                                                   COAP_UDP6_CODE_EMPTY);
        CoapUdp6Message *refused;

        g_test_summary ("Observers on one remote: a Reset to one's NON notification "
                        "removes that one only (RFC 7641 §3.6), the last or the first to register");
        register_peer (f, 0, 0x01, -1);
        register_peer (f, 0, 0x02, -1);
        changed (f);
        first = recv_on (f, 0);
        second = recv_on (f, 0);
        refused = token_of (first) == 0x02 ? first : second;
        coap_udp6_message_set_mid (reset, coap_udp6_message_get_mid (refused));
        send_from (f, 0, reset);
        g_assert_true (test_iterate_until (f->main_context, one_observer, f, 5000));
        changed (f);
        last = recv_on (f, 0);
        g_assert_cmpuint (token_of (last), ==, 0x01);
        g_assert_null (test_raw_recv_hex (f->main_context, f->peers[0], 100));

        /* Now the first to register goes, the third stays. */
        register_peer (f, 0, 0x03, -1);
        g_clear_object (&first);
        g_clear_object (&second);
        g_clear_object (&last);
        changed (f);
        first = recv_on (f, 0);
        second = recv_on (f, 0);
        refused = token_of (first) == 0x01 ? first : second;
        g_assert_cmpuint (token_of (refused), ==, 0x01);
        coap_udp6_message_set_mid (reset, coap_udp6_message_get_mid (refused));
        send_from (f, 0, reset);
        g_assert_true (test_iterate_until (f->main_context, one_observer, f, 5000));
        changed (f);
        last = recv_on (f, 0);
        g_assert_cmpuint (token_of (last), ==, 0x03);
        g_assert_null (test_raw_recv_hex (f->main_context, f->peers[0], 100));
}

static void
test_shared_many (Fixture      *f,
                  gconstpointer data)
{
        gboolean seen[100] = { FALSE };

        g_test_summary ("100 observers (more than one sendmmsg batch): each gets the "
                        "notification once, with its token");
        for (guint i = 0; i < G_N_ELEMENTS (seen); i++)
                register_peer (f, 0, i, -1);
        changed (f);
        g_assert_cmpuint (f->gauge->renders, ==, 1);
        for (guint i = 0; i < G_N_ELEMENTS (seen); i++) {
                g_autoptr (CoapUdp6Message) m = recv_on (f, 0);
                guint8 token = token_of (m);

                g_assert_cmpuint (token, <, G_N_ELEMENTS (seen));
                g_assert_false (seen[token]);
                seen[token] = TRUE;
                assert_payload (m, "v1", 0);
        }
        g_assert_null (test_raw_recv_hex (f->main_context, f->peers[0], 100));
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
#define ADD(name, func) g_test_add ("/observe-shared/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
        ADD ("same-shape", test_shared_same_shape);
        ADD ("accept", test_shared_accept);
        ADD ("reads-remote", test_shared_reads_remote);
        ADD ("deferred", test_shared_deferred);
        ADD ("con", test_shared_con);
        ADD ("reset", test_shared_reset);
        ADD ("many", test_shared_many);
        return g_test_run ();
}
