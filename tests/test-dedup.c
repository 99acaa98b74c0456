/* test-dedup.c: which deduplication entries a limit forgets first, over a
 * real socket on ::1 with a raw UDP peer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"
#include "coap-udp6-context-private.h"

/* Counts the calls per method and answers 2.04 Changed. */
#define TEST_TYPE_COUNTER (test_counter_get_type ())
G_DECLARE_FINAL_TYPE (TestCounter, test_counter, TEST, COUNTER, CoapUdp6Resource)

struct _TestCounter {
        CoapUdp6Resource parent_instance;
        guint gets;
        guint posts;
        gboolean large;                     /* GET answers 2.05 with 2000 bytes */
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
        if (self->large && coap_udp6_message_get_code (message) == COAP_UDP6_CODE_GET) {
                g_autoptr (GBytes) body = g_bytes_new_take (g_malloc0 (2000), 2000);

                coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CONTENT, body, -1);
                return;
        }
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

/* Sends @hex to the server and returns the answer, decoded. */
static CoapUdp6Message *
exchange_hex (Fixture    *f,
              const char *hex)
{
        test_raw_send_hex (f->peer, f->server_address, hex);
        return test_raw_recv_message (f->main_context, f->peer, 2000, NULL);
}

/* A duplicate is the same message again: a message ID reused for another
 * message (another token, options or payload length) before
 * EXCHANGE_LIFETIME is a new message, which RFC 7252 §4.4 forbids but
 * every client does in a transfer of more than 65 536 blocks. */
static void
test_reused_mid (Fixture      *f,
                 gconstpointer data)
{
        const char *post_a = "4002" "0300" "b7636f756e746572" "ff61";
        const char *post_bb = "4002" "0300" "b7636f756e746572" "ff6262";
        const char *get_t1 = "4101" "0301" "01" "b7636f756e746572";
        const char *get_t2 = "4101" "0301" "02" "b7636f756e746572";

        g_object_unref (exchange_hex (f, post_a));
        g_object_unref (exchange_hex (f, post_a));
        g_assert_cmpuint (f->counter->posts, ==, 1);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_DUPLICATES),
                          ==, 1);
        g_object_unref (exchange_hex (f, post_bb));
        g_assert_cmpuint (f->counter->posts, ==, 2);
        g_object_unref (exchange_hex (f, post_bb));
        g_assert_cmpuint (f->counter->posts, ==, 2);

        g_object_unref (exchange_hex (f, get_t1));
        g_object_unref (exchange_hex (f, get_t2));
        g_assert_cmpuint (f->counter->gets, ==, 2);
        g_object_unref (exchange_hex (f, get_t2));
        g_assert_cmpuint (f->counter->gets, ==, 2);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_DUPLICATES),
                          ==, 3);
}

/* The transfer that found it: after the ID wrapped, the request for a
 * later block came with the ID of the request that made the
 * representation, and got that request's answer, block 0, again. */
static void
test_reused_mid_block2 (Fixture      *f,
                        gconstpointer data)
{
        g_autoptr (CoapUdp6Message) first = NULL;
        g_autoptr (CoapUdp6Message) again = NULL;
        g_autoptr (CoapUdp6Message) later = NULL;
        guint32 block2;

        f->counter->large = TRUE;
        first = exchange_hex (f, "4101" "0400" "07" "b7636f756e746572");
        g_assert_true (coap_udp6_message_get_option_uint (first, COAP_UDP6_OPTION_BLOCK2, &block2));
        g_assert_cmpuint (COAP_UDP6_BLOCK_NUM (block2), ==, 0);
        g_assert_true (COAP_UDP6_BLOCK_MORE (block2));
        /* A retransmission still gets block 0 ... */
        again = exchange_hex (f, "4101" "0400" "07" "b7636f756e746572");
        g_assert_true (coap_udp6_message_get_option_uint (again, COAP_UDP6_OPTION_BLOCK2, &block2));
        g_assert_cmpuint (COAP_UDP6_BLOCK_NUM (block2), ==, 0);
        /* ... and the request for block 1 with the same ID, block 1. */
        later = exchange_hex (f, "4101" "0400" "07" "b7636f756e746572" "c116");
        g_assert_cmpuint (coap_udp6_message_get_mid (later), ==, 0x0400);
        g_assert_true (coap_udp6_message_get_option_uint (later, COAP_UDP6_OPTION_BLOCK2, &block2));
        g_assert_cmpuint (COAP_UDP6_BLOCK_NUM (block2), ==, 1);
        g_assert_false (COAP_UDP6_BLOCK_MORE (block2));
        g_assert_cmpuint (g_bytes_get_size (coap_udp6_message_get_payload (later)), ==, 2000 - 1024);
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
        g_test_add ("/dedup/reused-mid", Fixture, NULL, fixture_setup,
                    test_reused_mid, fixture_teardown);
        g_test_add ("/dedup/reused-mid-block2", Fixture, NULL, fixture_setup,
                    test_reused_mid_block2, fixture_teardown);
        return g_test_run ();
}
