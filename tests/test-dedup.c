/* test-dedup.c: which deduplication entries a limit forgets first, over a
 * real socket on ::1 with a raw UDP peer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"

/* Counts the calls per method and answers 2.04 Changed. */
#define TEST_TYPE_COUNTER (test_counter_get_type ())
G_DECLARE_FINAL_TYPE (TestCounter, test_counter, TEST, COUNTER, CoapUdp6Resource)

struct _TestCounter {
        CoapUdp6Resource parent_instance;
        guint gets;
        guint posts;
};

G_DEFINE_FINAL_TYPE (TestCounter, test_counter, COAP_UDP6_TYPE_RESOURCE)

static void
test_counter_render (CoapUdp6Resource *resource,
                     CoapUdp6Request  *request)
{
        TestCounter *self = TEST_COUNTER (resource);
        CoapUdp6Message *message = coap_udp6_request_get_message (request);

        if (coap_udp6_message_get_code (message) == COAP_UDP6_CODE_POST)
                self->posts++;
        else
                self->gets++;
        coap_udp6_request_respond_code (request, COAP_UDP6_CODE_CHANGED, NULL);
}

static void
test_counter_class_init (TestCounterClass *klass)
{
        COAP_UDP6_RESOURCE_CLASS (klass)->render = test_counter_render;
}

static void
test_counter_init (TestCounter *self)
{
}

typedef struct {
        GMainContext *main_context;
        CoapUdp6Context *server;
        TestCounter *counter;
        GSocket *peer;                      /* [::1]:0, non-blocking */
        GSocketAddress *server_address;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{

        f->main_context = test_main_context_push ();
        f->server = test_loopback_server_new (&f->server_address);
        f->counter = g_object_new (TEST_TYPE_COUNTER, NULL);
        coap_udp6_context_add_resource (f->server, "counter", COAP_UDP6_RESOURCE (f->counter));
        f->peer = test_raw_socket_new ();
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        g_clear_object (&f->server);
        g_clear_object (&f->counter);
        g_clear_object (&f->peer);
        g_clear_object (&f->server_address);
        test_main_context_pop (f->main_context);
}

/* A CON request to /counter with message ID @mid and code @code (hex). */
static char *
request_counter (Fixture    *f,
                 const char *code,
                 guint       mid)
{
        g_autofree char *hex = g_strdup_printf ("40%s%04x" "b7636f756e746572", code, mid);

        test_raw_send_hex (f->peer, f->server_address, hex);
        return test_raw_recv_hex (f->main_context, f->peer, 2000);
}

/* More GETs than max-dedup-entries-per-remote (1024), all from the POST's
 * own address and port and within EXCHANGE_LIFETIME, push out GET entries
 * only: the POST's retransmission is answered from the cache. */
static void
test_get_flood_keeps_post (Fixture      *f,
                           gconstpointer data)
{
        guint per_remote, gets = 1100;
        g_autofree char *first = NULL;
        g_autofree char *again = NULL;

        g_object_get (f->server, "max-dedup-entries-per-remote", &per_remote, NULL);
        g_assert_cmpuint (per_remote, <, gets);
        first = request_counter (f, "02", 0x0100);
        g_assert_cmpstr (first, ==, "60440100");
        for (guint i = 0; i < gets; i++) {
                g_autofree char *reply = request_counter (f, "01", 0x1000 + i);
                g_autofree char *expected = g_strdup_printf ("6044%04x", 0x1000 + i);

                g_assert_cmpstr (reply, ==, expected);
        }
        g_assert_cmpuint (f->counter->gets, ==, gets);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server,
                                                           COAP_UDP6_STATISTIC_DEDUP_REMOTE_EVICTIONS),
                          ==, gets + 1 - per_remote);

        again = request_counter (f, "02", 0x0100);
        g_assert_cmpstr (again, ==, first);
        g_assert_cmpuint (f->counter->posts, ==, 1);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_DUPLICATES),
                          ==, 1);

        /* The oldest GET was the one forgotten: it runs again. */
        g_free (request_counter (f, "01", 0x1000));
        g_assert_cmpuint (f->counter->gets, ==, gets + 1);
}

/* With a remote's share made of POSTs only, its oldest POST goes. */
static void
test_only_posts_left (Fixture      *f,
                      gconstpointer data)
{
        g_object_set (f->server, "max-dedup-entries-per-remote", 3, NULL);
        for (guint i = 0; i < 4; i++)
                g_free (request_counter (f, "02", 0x0200 + i));
        g_assert_cmpuint (f->counter->posts, ==, 4);
        g_free (request_counter (f, "02", 0x0203));
        g_assert_cmpuint (f->counter->posts, ==, 4);
        g_free (request_counter (f, "02", 0x0200));
        g_assert_cmpuint (f->counter->posts, ==, 5);
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
        g_test_add ("/dedup/get-flood-keeps-post", Fixture, NULL, fixture_setup,
                    test_get_flood_keeps_post, fixture_teardown);
        g_test_add ("/dedup/only-posts-left", Fixture, NULL, fixture_setup,
                    test_only_posts_left, fixture_teardown);
        return g_test_run ();
}
