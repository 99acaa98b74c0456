/* test-limits.c: every table of a context stays within its limit property,
 * what happens at a limit is counted, and warned about at most once a
 * minute — over real sockets on loopback.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"
#include "coap-udp6-context-private.h"

#include <string.h>

/* "counter" counts calls per payload; "keep" holds requests unanswered. */
#define TEST_TYPE_RESOURCE (test_resource_get_type ())
G_DECLARE_FINAL_TYPE (TestResource, test_resource, TEST, RESOURCE, CoapUdp6Resource)

struct _TestResource {
        CoapUdp6Resource parent_instance;
        gboolean keep;
        GHashTable *calls;                  /* payload → count */
        GPtrArray *kept;                    /* of CoapUdp6Request */
};

G_DEFINE_FINAL_TYPE (TestResource, test_resource, COAP_UDP6_TYPE_RESOURCE)

static void
test_resource_render (CoapUdp6Resource *resource,
                      CoapUdp6Request  *request)
{
        TestResource *self = TEST_RESOURCE (resource);
        GBytes *payload = coap_udp6_message_get_payload (coap_udp6_request_get_message (request));
        gsize size = payload != NULL ? g_bytes_get_size (payload) : 0;
        char *key = size > 0 ? g_strndup (g_bytes_get_data (payload, NULL), size) : g_strdup ("");

        g_hash_table_insert (self->calls, key,
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->calls, key)) + 1));
        if (self->keep) {
                coap_udp6_request_defer (request);
                g_ptr_array_add (self->kept, g_object_ref (request));
        } else {
                coap_udp6_request_respond_code (request, COAP_UDP6_CODE_CHANGED, NULL);
        }
}

static void
test_resource_finalize (GObject *object)
{
        TestResource *self = TEST_RESOURCE (object);

        g_hash_table_unref (self->calls);
        g_ptr_array_unref (self->kept);
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
        self->calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
        self->kept = g_ptr_array_new_with_free_func (g_object_unref);
}

#define N_PEERS 2

typedef struct {
        GMainContext *main_context;
        CoapUdp6Context *server;
        TestResource *counter;
        TestResource *keep;
        GSocket *peers[N_PEERS];            /* [::1]:0, non-blocking */
        GSocketAddress *server_address;
        gint64 fake_now;
} Fixture;

static gint64
fake_clock (gpointer data)
{
        return ((Fixture *) data)->fake_now;
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{

        f->main_context = test_main_context_push ();
        f->server = test_loopback_server_new (&f->server_address);
        g_object_set (f->server, "ack-timeout", 0.05, NULL);
        f->counter = g_object_new (TEST_TYPE_RESOURCE, NULL);
        f->keep = g_object_new (TEST_TYPE_RESOURCE, NULL);
        f->keep->keep = TRUE;
        coap_udp6_context_add_resource (f->server, "counter", COAP_UDP6_RESOURCE (f->counter));
        coap_udp6_context_add_resource (f->server, "keep", COAP_UDP6_RESOURCE (f->keep));
        for (guint i = 0; i < N_PEERS; i++)
                f->peers[i] = test_raw_socket_new ();
        f->fake_now = 1000 * G_USEC_PER_SEC;
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        g_clear_object (&f->server);
        g_clear_object (&f->counter);
        g_clear_object (&f->keep);
        for (guint i = 0; i < N_PEERS; i++)
                g_clear_object (&f->peers[i]);
        g_clear_object (&f->server_address);
        test_main_context_pop (f->main_context);
}

/* Sends @hex from peer @peer and returns the answer as hex (NULL: none). */
static char *
exchange (Fixture    *f,
          guint       peer,
          const char *hex)
{
        test_raw_send_hex (f->peers[peer], f->server_address, hex);
        return test_raw_recv_hex (f->main_context, f->peers[peer], 1000);
}

/* A CON POST to /counter with message ID @mid and payload "@payload". */
static char *
post_counter (Fixture    *f,
              guint       peer,
              guint       mid,
              const char *payload)
{
        g_autoptr (GString) hex = g_string_new (NULL);

        g_string_append_printf (hex, "4002%04x" "b7636f756e746572" "ff", mid);
        for (const char *p = payload; *p != '\0'; p++)
                g_string_append_printf (hex, "%02x", (guchar) *p);
        return exchange (f, peer, hex->str);
}

static guint
calls (TestResource *resource,
       const char   *payload)
{
        return GPOINTER_TO_UINT (g_hash_table_lookup (resource->calls, payload));
}

static guint64
stat (Fixture          *f,
      CoapUdp6Statistic statistic)
{
        return coap_udp6_context_get_statistic (f->server, statistic);
}

static gboolean
no_pending_requests (gpointer data)
{
        return stat (data, COAP_UDP6_STATISTIC_PENDING_REQUESTS) == 0 &&
               stat (data, COAP_UDP6_STATISTIC_TRANSMISSIONS) == 0;
}

static void
test_dedup_per_remote (Fixture      *f,
                       gconstpointer data)
{
        g_autofree char *first = NULL;
        g_autofree char *again = NULL;

        g_object_set (f->server, "max-dedup-entries-per-remote", 3, NULL);
        first = post_counter (f, 1, 0x100, "b");
        g_assert_cmpstr (first, ==, "60440100");
        for (guint i = 0; i < 10; i++) {
                g_autofree char *payload = g_strdup_printf ("a%u", i);
                g_autofree char *reply = post_counter (f, 0, 0x200 + i, payload);

                g_assert_nonnull (reply);
        }
        g_assert_cmpuint (stat (f, COAP_UDP6_STATISTIC_DEDUP_REMOTE_EVICTIONS), ==, 7);
        g_assert_cmpuint (stat (f, COAP_UDP6_STATISTIC_DEDUP_EVICTIONS), ==, 0);
        g_assert_cmpuint (stat (f, COAP_UDP6_STATISTIC_DEDUP_ENTRIES), ==, 4);

        /* The quiet peer's entry survived the busy one: answered from the cache. */
        again = post_counter (f, 1, 0x100, "b");
        g_assert_cmpstr (again, ==, first);
        g_assert_cmpuint (calls (f->counter, "b"), ==, 1);
        g_assert_cmpuint (stat (f, COAP_UDP6_STATISTIC_DUPLICATES), ==, 1);

        /* The busy peer's oldest was forgotten, its newest was not. */
        g_free (post_counter (f, 0, 0x200, "a0"));
        g_assert_cmpuint (calls (f->counter, "a0"), ==, 2);
        g_free (post_counter (f, 0, 0x209, "a9"));
        g_assert_cmpuint (calls (f->counter, "a9"), ==, 1);
}

static void
test_dedup_protects_post (Fixture      *f,
                          gconstpointer data)
{
        g_autofree char *first = NULL;
        g_autofree char *again = NULL;

        g_object_set (f->server, "max-dedup-entries", 3, NULL);
        test_expect_warnings ("The deduplication table is full*");
        first = post_counter (f, 1, 0x700, "once");
        /* A flood of GETs (CON GET /counter) fills the table many times over. */
        for (guint i = 0; i < 20; i++) {
                g_autofree char *hex = g_strdup_printf ("4001%04x" "b7636f756e746572", 0x800 + i);

                g_free (exchange (f, 0, hex));
        }
        g_assert_cmpuint (test_end_expect_warnings (), ==, 1);
        g_assert_cmpuint (stat (f, COAP_UDP6_STATISTIC_DEDUP_ENTRIES), ==, 3);
        g_assert_cmpuint (stat (f, COAP_UDP6_STATISTIC_DEDUP_EVICTIONS), ==, 18);

        /* The POST outlived them all: its retransmission is answered from the cache. */
        again = post_counter (f, 1, 0x700, "once");
        g_assert_cmpstr (again, ==, first);
        g_assert_cmpuint (calls (f->counter, "once"), ==, 1);

        /* With only POSTs left, the oldest POST goes. */
        for (guint i = 0; i < 3; i++) {
                g_autofree char *payload = g_strdup_printf ("p%u", i);

                g_free (post_counter (f, 0, 0x900 + i, payload));
        }
        g_free (post_counter (f, 1, 0x700, "once"));
        g_assert_cmpuint (calls (f->counter, "once"), ==, 2);
}

static void
test_dedup_bytes (Fixture      *f,
                  gconstpointer data)
{
        g_autofree char *last = NULL;
        g_autofree char *again = NULL;

        /* Each cached reply is a 4-byte piggybacked 2.04: two fit in 10 bytes. */
        g_object_set (f->server, "max-dedup-bytes", 10, NULL);
        test_expect_warnings ("The deduplication table is full*");
        for (guint i = 0; i < 5; i++) {
                g_autofree char *payload = g_strdup_printf ("m%u", i);

                g_free (last);
                last = post_counter (f, 0, 0x600 + i, payload);
        }
        g_assert_cmpuint (test_end_expect_warnings (), ==, 1);
        g_assert_cmpuint (stat (f, COAP_UDP6_STATISTIC_DEDUP_BYTES), ==, 8);
        g_assert_cmpuint (stat (f, COAP_UDP6_STATISTIC_DEDUP_ENTRIES), ==, 2);
        g_assert_cmpuint (stat (f, COAP_UDP6_STATISTIC_DEDUP_EVICTIONS), ==, 3);
        again = post_counter (f, 0, 0x604, "m4");
        g_assert_cmpstr (again, ==, last);
        g_assert_cmpuint (calls (f->counter, "m4"), ==, 1);
        g_free (post_counter (f, 0, 0x600, "m0"));
        g_assert_cmpuint (calls (f->counter, "m0"), ==, 2);
}

static void
test_dedup_warning_rate (Fixture      *f,
                         gconstpointer data)
{
        coap_udp6_context_set_clock (f->server, fake_clock, f);
        g_object_set (f->server, "max-dedup-entries", 2, NULL);
        test_expect_warnings ("The deduplication table is full*");
        for (guint i = 0; i < 50; i++)
                g_free (post_counter (f, i % N_PEERS, 0x300 + i, "x"));
        g_assert_cmpuint (test_end_expect_warnings (), ==, 1);
        g_assert_cmpuint (stat (f, COAP_UDP6_STATISTIC_DEDUP_EVICTIONS), ==, 48);
        g_assert_cmpuint (stat (f, COAP_UDP6_STATISTIC_DEDUP_ENTRIES), ==, 2);

        /* Fifty-nine seconds later: still quiet. */
        f->fake_now += 59 * G_USEC_PER_SEC;
        test_expect_warnings ("The deduplication table is full*");
        g_free (post_counter (f, 0, 0x400, "y"));
        g_assert_cmpuint (test_end_expect_warnings (), ==, 0);

        /* After a minute: one more, saying how many were suppressed. */
        f->fake_now += 2 * G_USEC_PER_SEC;
        test_expect_warnings ("*(48 more like this in the last minute)");
        g_free (post_counter (f, 0, 0x401, "y"));
        g_free (post_counter (f, 0, 0x402, "y"));
        g_assert_cmpuint (test_end_expect_warnings (), ==, 1);
        g_assert_cmpuint (stat (f, COAP_UDP6_STATISTIC_DEDUP_EVICTIONS), ==, 51);
}

static void
test_dedup_expiry_on_clock (Fixture      *f,
                            gconstpointer data)
{
        gdouble lifetime = coap_udp6_context_get_exchange_lifetime (f->server);

        coap_udp6_context_set_clock (f->server, fake_clock, f);
        g_free (post_counter (f, 0, 0x500, "z"));
        f->fake_now += (gint64) ((lifetime - 1) * G_USEC_PER_SEC);
        g_free (post_counter (f, 0, 0x500, "z"));
        g_assert_cmpuint (calls (f->counter, "z"), ==, 1);
        f->fake_now += 2 * G_USEC_PER_SEC;
        g_free (post_counter (f, 0, 0x500, "z"));
        g_assert_cmpuint (calls (f->counter, "z"), ==, 2);
        g_assert_cmpuint (stat (f, COAP_UDP6_STATISTIC_DEDUP_EVICTIONS), ==, 0);
}

static void
test_pending_requests (Fixture      *f,
                       gconstpointer data)
{
        g_autofree char *separate = NULL;
        g_autofree char *late = NULL;
        g_autofree char *ack = NULL;
        g_autofree char *non = NULL;
        g_autofree char *r1 = NULL;
        g_autofree char *r2 = NULL;
        g_autofree char *r3 = NULL;

        g_object_set (f->server, "max-pending-requests", 2, NULL);
        test_expect_warnings ("Answering requests with 5.03*");
        /* GET /keep, token aa: acknowledged, answered later (§5.2.2). */
        r1 = exchange (f, 0, "41010001aab46b656570");
        r2 = exchange (f, 0, "41010002abb46b656570");
        g_assert_cmpstr (r1, ==, "60000001");
        g_assert_cmpstr (r2, ==, "60000002");
        g_assert_cmpuint (stat (f, COAP_UDP6_STATISTIC_PENDING_REQUESTS), ==, 2);

        /* The third: 5.03 piggybacked, Max-Age 1 (ACK_TIMEOUT 0.05 s rounded up). */
        r3 = exchange (f, 1, "41010003acb46b656570");
        g_assert_cmpstr (r3, ==, "61a30003acd10101");
        g_assert_cmpuint (calls (f->keep, ""), ==, 2);
        non = exchange (f, 1, "51010004adb46b656570");
        g_assert_nonnull (non);
        g_assert_true (g_str_has_prefix (non, "51a3"));
        g_assert_true (g_str_has_suffix (non, "add10101"));
        g_assert_cmpuint (stat (f, COAP_UDP6_STATISTIC_REQUESTS_REJECTED), ==, 2);

        /* A separate CON response keeps its slot until it is acknowledged. */
        coap_udp6_request_respond_code (g_ptr_array_index (f->keep->kept, 0),
                                        COAP_UDP6_CODE_CONTENT, "late");
        late = test_raw_recv_hex (f->main_context, f->peers[0], 1000);
        /* CON 2.05 with token aa: "4145" MID "aa" ... */
        g_assert_nonnull (late);
        g_assert_true (g_str_has_prefix (late, "4145"));
        g_assert_cmpmem (late + 8, 2, "aa", 2);
        g_assert_cmpuint (stat (f, COAP_UDP6_STATISTIC_PENDING_REQUESTS), ==, 2);
        g_free (exchange (f, 1, "41010005aeb46b656570"));
        g_assert_cmpuint (stat (f, COAP_UDP6_STATISTIC_REQUESTS_REJECTED), ==, 3);

        ack = g_strdup_printf ("6000%.4s", late + 4);
        g_assert_null (exchange (f, 0, ack));
        g_assert_cmpuint (stat (f, COAP_UDP6_STATISTIC_PENDING_REQUESTS), ==, 1);
        separate = exchange (f, 1, "41010006afb46b656570");
        g_assert_cmpstr (separate, ==, "60000006");
        g_assert_cmpuint (stat (f, COAP_UDP6_STATISTIC_PENDING_REQUESTS), ==, 2);
        g_assert_cmpuint (test_end_expect_warnings (), ==, 1);

        /* Dropped requests are answered 5.00 and give their slots back once acknowledged or given up. */
        g_ptr_array_set_size (f->keep->kept, 0);
        g_object_set (f->server, "max-retransmit", 0, NULL);
        g_assert_true (test_iterate_until (f->main_context, no_pending_requests, f, 5000));
}


static void
test_statistics (Fixture      *f,
                 gconstpointer data)
{
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Context) client = coap_udp6_context_new_client (&error);
        g_autoptr (CoapUdp6Message) request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                     COAP_UDP6_CODE_GET);
        g_autoptr (CoapUdp6Message) second = NULL;
        g_autoptr (GSocketAddress) silent = g_socket_get_local_address (f->peers[1], NULL);
        g_autofree char *uri = g_strdup_printf ("coap://[::1]:%u/counter",
                                                g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (silent)));
        g_autofree char *pong = NULL;
        TestResult r[2] = { { 0 } };

        g_assert_no_error (error);
        pong = exchange (f, 0, "40001234");
        g_assert_cmpstr (pong, ==, "70001234");
        g_free (exchange (f, 0, "ff"));
        g_free (exchange (f, 0, "42011235ab"));
        g_assert_cmpuint (stat (f, COAP_UDP6_STATISTIC_DATAGRAMS_RECEIVED), ==, 3);
        g_assert_cmpuint (stat (f, COAP_UDP6_STATISTIC_DATAGRAMS_DROPPED), ==, 2);
        g_assert_cmpuint (stat (f, COAP_UDP6_STATISTIC_RESETS_SENT), ==, 2);

        /* A peer that never answers: every retransmission counted, then the time-out. */
        g_object_set (client, "ack-timeout", 0.01, "max-retransmit", 2, "max-exchanges", 1, NULL);
        coap_udp6_message_set_request_uri (request, uri, &error);
        g_assert_no_error (error);
        second = coap_udp6_message_copy (request);
        coap_udp6_context_request_async (client, request, NULL, test_request_cb, &r[0]);
        coap_udp6_context_request_async (client, second, NULL, test_request_cb, &r[1]);
        g_assert_true (test_iterate_until_flag (f->main_context, &r[1].done, 1000));
        g_assert_error (r[1].error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_LIMIT_REACHED);
        g_assert_cmpuint (coap_udp6_context_get_statistic (client, COAP_UDP6_STATISTIC_EXCHANGES_REJECTED),
                          ==, 1);
        g_assert_cmpuint (coap_udp6_context_get_statistic (client, COAP_UDP6_STATISTIC_EXCHANGES), ==, 1);
        g_assert_true (test_iterate_until_flag (f->main_context, &r[0].done, 5000));
        g_assert_error (r[0].error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_TIMEOUT);
        g_assert_cmpuint (coap_udp6_context_get_statistic (client, COAP_UDP6_STATISTIC_RETRANSMISSIONS), ==, 2);
        g_assert_cmpuint (coap_udp6_context_get_statistic (client, COAP_UDP6_STATISTIC_TRANSMISSIONS_TIMED_OUT),
                          ==, 1);
        g_assert_cmpuint (coap_udp6_context_get_statistic (client, COAP_UDP6_STATISTIC_EXCHANGES), ==, 0);
        g_assert_cmpuint (coap_udp6_context_get_statistic (client, COAP_UDP6_STATISTIC_TRANSMISSIONS), ==, 0);
        g_assert_cmpuint (coap_udp6_context_get_statistic (client, COAP_UDP6_STATISTIC_TIMERS), ==, 0);
        g_clear_error (&r[0].error);
        g_clear_error (&r[1].error);
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
        g_test_add ("/limits/dedup-per-remote", Fixture, NULL, fixture_setup,
                    test_dedup_per_remote, fixture_teardown);
        g_test_add ("/limits/dedup-protects-post", Fixture, NULL, fixture_setup,
                    test_dedup_protects_post, fixture_teardown);
        g_test_add ("/limits/dedup-bytes", Fixture, NULL, fixture_setup,
                    test_dedup_bytes, fixture_teardown);
        g_test_add ("/limits/dedup-warning-rate", Fixture, NULL, fixture_setup,
                    test_dedup_warning_rate, fixture_teardown);
        g_test_add ("/limits/dedup-expiry-on-clock", Fixture, NULL, fixture_setup,
                    test_dedup_expiry_on_clock, fixture_teardown);
        g_test_add ("/limits/pending-requests", Fixture, NULL, fixture_setup,
                    test_pending_requests, fixture_teardown);
        g_test_add ("/limits/statistics", Fixture, NULL, fixture_setup,
                    test_statistics, fixture_teardown);
        return g_test_run ();
}
