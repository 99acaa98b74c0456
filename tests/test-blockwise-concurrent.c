/* test-blockwise-concurrent.c: block-wise uploads (RFC 7959) from several
 * client contexts to one resource of one server at once, on loopback
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"

#include <string.h>

#define CLIENTS 4
#define BODY_SIZE 5000

typedef struct {
        GMainContext *main_context;
        CoapUdp6Context *server;
        CoapUdp6Context *clients[CLIENTS];
        GHashTable *seen;                   /* remote hostinfo → GBytes: the body a handler call saw */
        guint calls;
        GPtrArray *blocks;                  /* of char *: "hostinfo first" or "hostinfo last", in arrival order */
        guint server_port;
} Fixture;

static void
upload_handler (CoapUdp6Resource *resource,
                CoapUdp6Request  *request,
                gpointer          user_data)
{
        Fixture *f = user_data;
        GBytes *payload = coap_udp6_message_get_payload (coap_udp6_request_get_message (request));
        char *remote = coap_udp6_endpoint_address_get_hostinfo (coap_udp6_request_get_remote (request));

        f->calls++;
        g_hash_table_replace (f->seen, remote, g_bytes_ref (payload));
        coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CHANGED, payload, 0);
}

/* Records the first and the last Block1 block of each upload as it
 * arrives, to show that the uploads went on at the same time. */
static void
block_watch (CoapUdp6Context *context,
             CoapUdp6Message *message,
             gboolean         sent,
             gpointer         user_data)
{
        Fixture *f = user_data;
        g_autoptr (CoapUdp6BlockOption) block1 = NULL;
        g_autofree char *remote = NULL;

        if (sent)
                return;
        block1 = coap_udp6_message_get_block1 (message);
        if (block1 == NULL)
                return;
        remote = coap_udp6_endpoint_address_get_hostinfo (coap_udp6_message_get_remote (message));
        if (coap_udp6_block_option_get_num (block1) == 0)
                g_ptr_array_add (f->blocks, g_strconcat (remote, " first", NULL));
        else if (!coap_udp6_block_option_get_more (block1))
                g_ptr_array_add (f->blocks, g_strconcat (remote, " last", NULL));
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
        g_autoptr (CoapUdp6Resource) resource = NULL;
        g_autoptr (GError) error = NULL;

        f->main_context = test_main_context_push ();
        f->server = test_loopback_server_new (NULL);
        f->server_port = coap_udp6_context_get_local_port (f->server);
        resource = coap_udp6_resource_new_with_handler (upload_handler, f, NULL);
        coap_udp6_context_add_resource (f->server, "up", resource);
        coap_udp6_context_add_message_watch (f->server, block_watch, f, NULL);
        f->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
        f->blocks = g_ptr_array_new_with_free_func (g_free);
        for (guint i = 0; i < CLIENTS; i++) {
                f->clients[i] = coap_udp6_context_new_client (&error);
                g_assert_no_error (error);
        }
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        for (guint i = 0; i < CLIENTS; i++)
                g_clear_object (&f->clients[i]);
        g_clear_object (&f->server);
        test_main_context_pop (f->main_context);
        g_hash_table_unref (f->seen);
        g_ptr_array_unref (f->blocks);
}

/* Different at every offset, and from one seed to the next. */
static GBytes *
make_body (guint seed)
{
        guint8 *data = g_malloc (BODY_SIZE);

        for (gsize i = 0; i < BODY_SIZE; i++)
                data[i] = 'A' + (i * 7 + i / 251 + seed * 5) % 26;
        return g_bytes_new_take (data, BODY_SIZE);
}

static gint
find_block (Fixture    *f,
            const char *remote,
            const char *which)
{
        g_autofree char *entry = g_strconcat (remote, " ", which, NULL);

        for (guint i = 0; i < f->blocks->len; i++) {
                if (strcmp (g_ptr_array_index (f->blocks, i), entry) == 0)
                        return i;
        }
        g_assert_not_reached ();
}

/* RFC 9175 §3.3: a Request-Tag is the client's; uploads of different
 * clients are kept apart by their source addresses even when the tags
 * are the same. @data is the server's block-size: below 1024, it asks
 * every client for smaller blocks after the first (RFC 7959 §2.5). */
static void
test_several_clients (Fixture      *f,
                      gconstpointer data)
{
        g_autoptr (GBytes) tag = g_bytes_new_static ("same", 4);
        GBytes *bodies[CLIENTS];
        char *remotes[CLIENTS];
        TestResult results[CLIENTS] = { { 0 } };
        gint last_first = -1;
        gint first_last = G_MAXINT;

        g_test_summary ("Uploads of different bodies with the same Request-Tag from several client "
                        "contexts to one resource, at the same time: each handler call sees the "
                        "body of one client, each client gets its own body back");
        g_object_set (f->server, "block-size", GPOINTER_TO_UINT (data), NULL);
        for (guint i = 0; i < CLIENTS; i++) {
                g_autoptr (CoapUdp6Message) request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                             COAP_UDP6_CODE_PUT);
                g_autofree char *uri = g_strdup_printf ("coap://[::1]:%u/up", f->server_port);
                g_autoptr (GError) error = NULL;

                bodies[i] = make_body (i);
                remotes[i] = g_strdup_printf ("[::1]:%u", coap_udp6_context_get_local_port (f->clients[i]));
                coap_udp6_message_set_request_uri (request, uri, &error);
                g_assert_no_error (error);
                coap_udp6_message_set_payload (request, bodies[i]);
                coap_udp6_message_add_request_tag (request, tag);
                coap_udp6_context_request_async (f->clients[i], request, NULL, test_request_cb, &results[i]);
        }
        for (guint i = 0; i < CLIENTS; i++)
                g_assert_true (test_iterate_until_flag (f->main_context, &results[i].done, 30000));

        g_assert_cmpuint (f->calls, ==, CLIENTS);
        g_assert_cmpuint (g_hash_table_size (f->seen), ==, CLIENTS);
        for (guint i = 0; i < CLIENTS; i++) {
                GBytes *seen = g_hash_table_lookup (f->seen, remotes[i]);
                GBytes *echoed;

                g_assert_no_error (results[i].error);
                g_assert_cmpuint (coap_udp6_message_get_code (results[i].response), ==, COAP_UDP6_CODE_CHANGED);
                g_assert_nonnull (seen);
                g_assert_true (g_bytes_equal (seen, bodies[i]));
                echoed = coap_udp6_message_get_payload (results[i].response);
                g_assert_true (g_bytes_equal (echoed, bodies[i]));
                last_first = MAX (last_first, find_block (f, remotes[i], "first"));
                first_last = MIN (first_last, find_block (f, remotes[i], "last"));
                g_object_unref (results[i].response);
                g_bytes_unref (bodies[i]);
                g_free (remotes[i]);
        }
        /* Every upload had begun before any had ended. */
        g_assert_cmpint (last_first, <, first_last);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_BLOCK_INCOMPLETE), ==, 0);
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
        g_test_add ("/blockwise-concurrent/several-clients", Fixture, GUINT_TO_POINTER (1024), fixture_setup,
                    test_several_clients, fixture_teardown);
        g_test_add ("/blockwise-concurrent/several-clients-smaller-blocks", Fixture, GUINT_TO_POINTER (256),
                    fixture_setup, test_several_clients, fixture_teardown);
        return g_test_run ();
}
