/* test-blockwise-handler.c: how a server sends Block2 blocks (RFC 7959),
 * on loopback: a handler that serves the blocks of its representation
 * itself (its responses go out as they are and nothing is kept), and the
 * blocks of a kept representation, which stay out of the deduplication
 * table
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"

#include <string.h>

#define BODY_SIZE (100 * 1024 + 10)

typedef struct {
        GMainContext *main_context;
        CoapUdp6Context *server;
        CoapUdp6Context *client;
        GBytes *body;
        GArray *asked;                      /* of guint32: the Block2 value each call saw (0: none) */
        guint server_port;
} Fixture;

static void
own_blocks_handler (CoapUdp6Resource *resource,
                    CoapUdp6Request  *request,
                    gpointer          user_data)
{
        Fixture *f = user_data;
        CoapUdp6Message *message = coap_udp6_request_get_message (request);
        g_autoptr (CoapUdp6BlockOption) asked = coap_udp6_message_get_block2 (message);
        guint num = asked != NULL ? coap_udp6_block_option_get_num (asked) : 0;
        guint szx = asked != NULL ? coap_udp6_block_option_get_szx (asked) : 6;
        gsize total = g_bytes_get_size (f->body);
        gsize start = MIN ((gsize) num << (szx + 4), total);
        gsize len = MIN ((gsize) 16 << szx, total - start);
        g_autoptr (CoapUdp6Message) response = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK,
                                                                      COAP_UDP6_CODE_CONTENT);
        g_autoptr (CoapUdp6BlockOption) block = coap_udp6_block_option_new (num, start + len < total, szx);
        g_autoptr (GBytes) part = g_bytes_new_from_bytes (f->body, start, len);
        guint32 value = asked != NULL ? coap_udp6_block_option_to_uint (asked) : 0;

        g_array_append_val (f->asked, value);
        coap_udp6_message_set_block2 (response, block);
        coap_udp6_message_add_etag_data (response, (const guint8 *) "v1", 2);
        coap_udp6_message_set_size2 (response, total);
        coap_udp6_message_set_payload (response, part);
        coap_udp6_request_respond (request, response);
}

/* The whole body in one response: the context sends it block by block. */
static void
whole_handler (CoapUdp6Resource *resource,
               CoapUdp6Request  *request,
               gpointer          user_data)
{
        Fixture *f = user_data;
        guint32 none = 0;

        g_array_append_val (f->asked, none);
        coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CONTENT, f->body, 0);
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
        const char *binds[] = { "[::1]:0", NULL };
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Resource) own = NULL;
        guint8 *bytes = g_malloc (BODY_SIZE);

        for (gsize i = 0; i < BODY_SIZE; i++)
                bytes[i] = 'a' + (i * 7 + i / 1024) % 26;
        f->body = g_bytes_new_take (bytes, BODY_SIZE);
        f->asked = g_array_new (FALSE, FALSE, sizeof (guint32));
        f->main_context = test_main_context_push ();
        f->server = coap_udp6_context_new_server (binds, NULL, &error);
        g_assert_no_error (error);
        own = coap_udp6_resource_new_with_handler (own_blocks_handler, f, NULL);
        coap_udp6_context_add_resource (f->server, "own", own);
        f->server_port = coap_udp6_context_get_local_port (f->server);
        f->client = coap_udp6_context_new_client (&error);
        g_assert_no_error (error);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        g_clear_object (&f->client);
        g_clear_object (&f->server);
        test_main_context_pop (f->main_context);
        g_array_unref (f->asked);
        g_bytes_unref (f->body);
}

static CoapUdp6Message *
download (Fixture *f)
{
        g_autoptr (CoapUdp6Message) request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                     COAP_UDP6_CODE_GET);
        g_autofree char *uri = g_strdup_printf ("coap://[::1]:%u/own", f->server_port);
        g_autoptr (GError) error = NULL;
        TestResult r = { 0 };

        coap_udp6_message_set_request_uri (request, uri, &error);
        g_assert_no_error (error);
        coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &r);
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 30000));
        g_assert_no_error (r.error);
        return r.response;
}

static void
test_handler_blocks (Fixture      *f,
                     gconstpointer data)
{
        g_autoptr (CoapUdp6Message) response = download (f);

        g_assert_cmpuint (coap_udp6_message_get_code (response), ==, COAP_UDP6_CODE_CONTENT);
        g_assert_true (g_bytes_equal (coap_udp6_message_get_payload (response), f->body));
        /* One call per block; the first request has no Block2. */
        g_assert_cmpuint (f->asked->len, ==, BODY_SIZE / 1024 + 1);
        g_assert_cmpuint (g_array_index (f->asked, guint32, 0), ==, 0);
        for (guint i = 1; i < f->asked->len; i++)
                g_assert_cmpuint (g_array_index (f->asked, guint32, i), ==, (i << 4) | 6);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_BLOCK_ENTRIES), ==, 0);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_BLOCK_BYTES), ==, 0);
}

/* Early negotiation: the handler sees the size the client asks for. */
static void
test_handler_blocks_small (Fixture      *f,
                           gconstpointer data)
{
        g_autoptr (CoapUdp6Message) response = NULL;

        /* 256, not smaller: 400 round trips stay well inside the
         * timeout under valgrind on a loaded machine. */
        g_object_set (f->client, "block-size", 256, NULL);
        response = download (f);
        g_assert_true (g_bytes_equal (coap_udp6_message_get_payload (response), f->body));
        g_assert_cmpuint (f->asked->len, ==, BODY_SIZE / 256 + 1);
        for (guint i = 0; i < f->asked->len; i++)
                g_assert_cmpuint (g_array_index (f->asked, guint32, i), ==, (i << 4) | 4);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_BLOCK_ENTRIES), ==, 0);
}

static GBytes *
raw_exchange (Fixture    *f,
              GSocket    *raw,
              const char *hex)
{
        g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
        g_autoptr (GSocketAddress) to = g_inet_socket_address_new (lo, f->server_port);
        g_autofree char *answer = NULL;

        test_raw_send_hex (raw, to, hex);
        answer = test_raw_recv_hex (f->main_context, raw, 5000);
        g_assert_nonnull (answer);
        return test_bytes_from_hex (answer);
}

/* RFC 7252 §4.5: a duplicate of a request for a block of a kept
 * representation is handled again, from the representation, instead of
 * the block being copied into the deduplication table. */
static void
test_kept_block_duplicate (Fixture      *f,
                           gconstpointer data)
{
        g_autoptr (GSocket) raw = test_raw_socket_new ();
        g_autoptr (CoapUdp6Resource) whole = NULL;
        g_autoptr (GBytes) block0 = NULL;
        g_autoptr (GBytes) block1 = NULL;
        g_autoptr (GBytes) again = NULL;

        whole = coap_udp6_resource_new_with_handler (whole_handler, f, NULL);
        coap_udp6_context_add_resource (f->server, "whole", whole);
        /* CON GET mid 0x0101 token 01, Uri-Path "whole", Block2 0/0/1024. */
        block0 = raw_exchange (f, raw, "41 01 01 01 01 b5 77 68 6f 6c 65 c1 06");
        g_assert_cmpuint (g_bytes_get_size (block0), >, 1024);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_DEDUP_ENTRIES), ==, 1);
        /* Block 1, then the same datagram again. */
        block1 = raw_exchange (f, raw, "41 01 01 02 02 b5 77 68 6f 6c 65 c1 16");
        again = raw_exchange (f, raw, "41 01 01 02 02 b5 77 68 6f 6c 65 c1 16");
        g_assert_cmpuint (g_bytes_get_size (block1), >, 1024);
        g_assert_true (g_bytes_equal (block1, again));
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_DEDUP_ENTRIES), ==, 1);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_DUPLICATES), ==, 0);
        g_assert_cmpuint (f->asked->len, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
        test_init (&argc, &argv);
        g_test_summary ("A handler answering with Block2 serves its blocks itself");
        if (!test_have_ipv6 ()) {
                g_test_skip ("no IPv6 loopback");
                return g_test_run ();
        }
#define ADD(path, func) \
        g_test_add ("/blockwise-handler/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
        ADD ("blocks", test_handler_blocks);
        ADD ("small-blocks", test_handler_blocks_small);
        g_test_add ("/blockwise-server/kept-block-duplicate", Fixture, NULL, fixture_setup,
                    test_kept_block_duplicate, fixture_teardown);
        return g_test_run ();
}
