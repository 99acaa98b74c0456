/* test-blockwise-token.c: the blocks of one block-wise transfer (RFC 7959)
 * share a token, and an answer to an earlier block is never taken for the
 * answer to the block in flight; the test plays the server with a raw
 * socket on loopback
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"
#include "coap-udp6-context-private.h"

#include <string.h>

typedef struct {
        GMainContext *main_context;
        CoapUdp6Context *client;
        GSocket *raw;                       /* [::1]:0, non-blocking: the server */
        GSocketAddress *client_address;     /* where the client sends from */
        guint16 next_mid;                   /* of the raw server's own messages */
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
        g_autoptr (GError) error = NULL;

        f->main_context = test_main_context_push ();
        f->client = coap_udp6_context_new_client (&error);
        g_assert_no_error (error);
        g_object_set (f->client, "block-size", 16, NULL);
        f->raw = test_raw_socket_new ();
        f->next_mid = 0x4000;
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        g_clear_object (&f->client);
        g_clear_object (&f->raw);
        g_clear_object (&f->client_address);
        test_main_context_pop (f->main_context);
}

static CoapUdp6Message *
new_request (Fixture *f,
             guint    code)
{
        g_autoptr (GSocketAddress) local = g_socket_get_local_address (f->raw, NULL);
        guint port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
        g_autofree char *uri = g_strdup_printf ("coap://[::1]:%u/r", port);
        CoapUdp6Message *request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON, code);
        g_autoptr (GError) error = NULL;

        coap_udp6_message_set_request_uri (request, uri, &error);
        g_assert_no_error (error);
        return request;
}

/* The next datagram from the client, decoded. */
static CoapUdp6Message *
recv_message (Fixture *f)
{
        g_clear_object (&f->client_address);
        return test_raw_recv_message (f->main_context, f->raw, 5000, &f->client_address);
}

static void
send_message (Fixture         *f,
              CoapUdp6Message *message)
{
        test_raw_send_message (f->raw, f->client_address, message);
}

/* An answer to @request: piggybacked (ACK), or CON or NON with a
 * message ID of the raw server's own. */
static CoapUdp6Message *
answer (Fixture             *f,
        CoapUdp6Message     *request,
        CoapUdp6MessageType  mtype,
        guint                code)
{
        CoapUdp6Message *message = coap_udp6_message_new (mtype, code);

        coap_udp6_message_set_mid (message, mtype == COAP_UDP6_MESSAGE_TYPE_ACK
                                            ? coap_udp6_message_get_mid (request) : f->next_mid++);
        if (code != COAP_UDP6_CODE_EMPTY)
                coap_udp6_message_set_token (message, coap_udp6_message_get_token (request));
        return message;
}

static void
send_answer (Fixture             *f,
             CoapUdp6Message     *request,
             CoapUdp6MessageType  mtype,
             guint                code,
             guint                option,
             guint32              block,
             GBytes              *payload)
{
        g_autoptr (CoapUdp6Message) message = answer (f, request, mtype, code);

        if (option != 0)
                coap_udp6_message_set_option_uint (message, option, block);
        coap_udp6_message_set_payload (message, payload);
        send_message (f, message);
}

/* A CoAP ping (RFC 7252 §4.3) after the datagrams just sent: the client
 * handles datagrams in order, so its Reset to the ping shows it has seen
 * them all, and that it sent nothing in answer to them. */
static void
ping_expect_reset (Fixture *f)
{
        g_autoptr (CoapUdp6Message) ping = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                  COAP_UDP6_CODE_EMPTY);
        g_autoptr (CoapUdp6Message) reset = NULL;
        guint mid = f->next_mid++;

        coap_udp6_message_set_mid (ping, mid);
        send_message (f, ping);
        reset = recv_message (f);
        g_assert_cmpint (coap_udp6_message_get_mtype (reset), ==, COAP_UDP6_MESSAGE_TYPE_RST);
        g_assert_cmpuint (coap_udp6_message_get_mid (reset), ==, mid);
}

/* The client's ACK of a CON answer with message ID @mid and the next
 * request, in either order; returns the request. */
static CoapUdp6Message *
recv_ack_and_request (Fixture *f,
                      guint    mid)
{
        CoapUdp6Message *request = NULL;
        gboolean acked = FALSE;

        while (request == NULL || !acked) {
                g_autoptr (CoapUdp6Message) message = recv_message (f);

                if (coap_udp6_message_get_mtype (message) == COAP_UDP6_MESSAGE_TYPE_ACK) {
                        g_assert_cmpuint (coap_udp6_message_get_mid (message), ==, mid);
                        acked = TRUE;
                } else {
                        g_assert_null (request);
                        request = g_steal_pointer (&message);
                }
        }
        return request;
}

static void
assert_block (CoapUdp6Message *request,
              GBytes          *token,
              guint            option,
              guint            num)
{
        gint64 value = test_option_uint (request, option);

        g_assert_cmpint (coap_udp6_message_get_mtype (request), ==, COAP_UDP6_MESSAGE_TYPE_CON);
        g_assert_true (g_bytes_equal (coap_udp6_message_get_token (request), token));
        g_assert_cmpint (value, >=, 0);
        g_assert_cmpuint (COAP_UDP6_BLOCK_NUM (value), ==, num);
}

static GBytes *
make_body (gsize len)
{
        guint8 *data = g_malloc (len);

        for (gsize i = 0; i < len; i++)
                data[i] = 'a' + i % 26;
        return g_bytes_new_take (data, len);
}

/* An upload in three blocks of 16 bytes: every block carries the first
 * one's token; a late 2.31 for block 0 while block 1 is in flight, and
 * one for block 1 while the last is in flight, are ignored. */
static void
test_upload_late_duplicate (Fixture      *f,
                            gconstpointer data)
{
        g_autoptr (GBytes) body = make_body (40);
        g_autoptr (CoapUdp6Message) request = new_request (f, COAP_UDP6_CODE_PUT);
        g_autoptr (CoapUdp6Message) block0 = NULL;
        g_autoptr (CoapUdp6Message) block1 = NULL;
        g_autoptr (CoapUdp6Message) block2 = NULL;
        g_autoptr (CoapUdp6Message) answer1 = NULL;
        g_autoptr (GBytes) done = g_bytes_new_static ("done", 4);
        g_autoptr (GByteArray) got = g_byte_array_new ();
        GBytes *token;
        TestResult r = { 0 };

        coap_udp6_message_set_payload (request, body);
        coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &r);
        block0 = recv_message (f);
        token = coap_udp6_message_get_token (block0);
        assert_block (block0, token, COAP_UDP6_OPTION_BLOCK1, 0);
        g_byte_array_append (got, block0->payload_data, block0->payload_len);
        send_answer (f, block0, COAP_UDP6_MESSAGE_TYPE_ACK, COAP_UDP6_CODE_CONTINUE,
                     COAP_UDP6_OPTION_BLOCK1, COAP_UDP6_BLOCK_VALUE (0, TRUE, 0), NULL);

        block1 = recv_message (f);
        assert_block (block1, token, COAP_UDP6_OPTION_BLOCK1, 1);
        g_assert_cmpuint (coap_udp6_message_get_mid (block1), !=, coap_udp6_message_get_mid (block0));
        g_byte_array_append (got, block1->payload_data, block1->payload_len);
        /* Block 1 is acknowledged; then the 2.31 for block 0 again. */
        send_answer (f, block1, COAP_UDP6_MESSAGE_TYPE_ACK, COAP_UDP6_CODE_EMPTY, 0, 0, NULL);
        send_answer (f, block0, COAP_UDP6_MESSAGE_TYPE_NON, COAP_UDP6_CODE_CONTINUE,
                     COAP_UDP6_OPTION_BLOCK1, COAP_UDP6_BLOCK_VALUE (0, TRUE, 0), NULL);
        ping_expect_reset (f);
        g_assert_false (r.done);

        answer1 = answer (f, block1, COAP_UDP6_MESSAGE_TYPE_CON, COAP_UDP6_CODE_CONTINUE);
        coap_udp6_message_set_option_uint (answer1, COAP_UDP6_OPTION_BLOCK1, COAP_UDP6_BLOCK_VALUE (1, TRUE, 0));
        send_message (f, answer1);
        block2 = recv_ack_and_request (f, coap_udp6_message_get_mid (answer1));
        assert_block (block2, token, COAP_UDP6_OPTION_BLOCK1, 2);
        g_assert_false (COAP_UDP6_BLOCK_MORE (test_option_uint (block2, COAP_UDP6_OPTION_BLOCK1)));
        g_byte_array_append (got, block2->payload_data, block2->payload_len);
        /* The late 2.31 for block 1, then the answer to the last block. */
        send_answer (f, block1, COAP_UDP6_MESSAGE_TYPE_NON, COAP_UDP6_CODE_CONTINUE,
                     COAP_UDP6_OPTION_BLOCK1, COAP_UDP6_BLOCK_VALUE (1, TRUE, 0), NULL);
        send_answer (f, block2, COAP_UDP6_MESSAGE_TYPE_ACK, COAP_UDP6_CODE_CHANGED,
                     COAP_UDP6_OPTION_BLOCK1, COAP_UDP6_BLOCK_VALUE (2, FALSE, 0), done);

        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 5000));
        g_assert_no_error (r.error);
        g_assert_cmpuint (coap_udp6_message_get_code (r.response), ==, COAP_UDP6_CODE_CHANGED);
        g_assert_true (g_bytes_equal (coap_udp6_message_get_payload (r.response), done));
        g_assert_cmpmem (got->data, got->len, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
        g_clear_object (&r.response);
}

/* A download in three blocks: every request for a block carries the
 * first one's token; block 0 arriving again while block 1 is asked for
 * is ignored. */
static void
test_download_late_duplicate (Fixture      *f,
                              gconstpointer data)
{
        g_autoptr (GBytes) body = make_body (40);
        g_autoptr (CoapUdp6Message) request = new_request (f, COAP_UDP6_CODE_GET);
        g_autoptr (CoapUdp6Message) ask0 = NULL;
        g_autoptr (CoapUdp6Message) ask1 = NULL;
        g_autoptr (CoapUdp6Message) ask2 = NULL;
        g_autoptr (CoapUdp6Message) answer1 = NULL;
        g_autoptr (GBytes) part0 = g_bytes_new_from_bytes (body, 0, 16);
        g_autoptr (GBytes) part1 = g_bytes_new_from_bytes (body, 16, 16);
        g_autoptr (GBytes) part2 = g_bytes_new_from_bytes (body, 32, 8);
        GBytes *token;
        TestResult r = { 0 };

        coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &r);
        ask0 = recv_message (f);
        token = coap_udp6_message_get_token (ask0);
        send_answer (f, ask0, COAP_UDP6_MESSAGE_TYPE_ACK, COAP_UDP6_CODE_CONTENT,
                     COAP_UDP6_OPTION_BLOCK2, COAP_UDP6_BLOCK_VALUE (0, TRUE, 0), part0);

        ask1 = recv_message (f);
        assert_block (ask1, token, COAP_UDP6_OPTION_BLOCK2, 1);
        send_answer (f, ask1, COAP_UDP6_MESSAGE_TYPE_ACK, COAP_UDP6_CODE_EMPTY, 0, 0, NULL);
        send_answer (f, ask0, COAP_UDP6_MESSAGE_TYPE_NON, COAP_UDP6_CODE_CONTENT,
                     COAP_UDP6_OPTION_BLOCK2, COAP_UDP6_BLOCK_VALUE (0, TRUE, 0), part0);
        ping_expect_reset (f);
        g_assert_false (r.done);

        answer1 = answer (f, ask1, COAP_UDP6_MESSAGE_TYPE_CON, COAP_UDP6_CODE_CONTENT);
        coap_udp6_message_set_option_uint (answer1, COAP_UDP6_OPTION_BLOCK2, COAP_UDP6_BLOCK_VALUE (1, TRUE, 0));
        coap_udp6_message_set_payload (answer1, part1);
        send_message (f, answer1);
        ask2 = recv_ack_and_request (f, coap_udp6_message_get_mid (answer1));
        assert_block (ask2, token, COAP_UDP6_OPTION_BLOCK2, 2);
        send_answer (f, ask1, COAP_UDP6_MESSAGE_TYPE_NON, COAP_UDP6_CODE_CONTENT,
                     COAP_UDP6_OPTION_BLOCK2, COAP_UDP6_BLOCK_VALUE (1, TRUE, 0), part1);
        send_answer (f, ask2, COAP_UDP6_MESSAGE_TYPE_ACK, COAP_UDP6_CODE_CONTENT,
                     COAP_UDP6_OPTION_BLOCK2, COAP_UDP6_BLOCK_VALUE (2, FALSE, 0), part2);

        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 5000));
        g_assert_no_error (r.error);
        g_assert_true (g_bytes_equal (coap_udp6_message_get_payload (r.response), body));
        g_clear_object (&r.response);
}

/* An upload that starts again (a 4.01 with Echo, RFC 9175 §2.3) takes a
 * new token, which its later blocks keep. */
static void
test_restart_new_token (Fixture      *f,
                        gconstpointer data)
{
        g_autoptr (GBytes) body = make_body (20);
        g_autoptr (CoapUdp6Message) request = new_request (f, COAP_UDP6_CODE_PUT);
        g_autoptr (CoapUdp6Message) first = NULL;
        g_autoptr (CoapUdp6Message) again = NULL;
        g_autoptr (CoapUdp6Message) last = NULL;
        g_autoptr (CoapUdp6Message) challenge = NULL;
        g_autoptr (GBytes) echo = g_bytes_new_static ("echo-value", 10);
        g_autoptr (GBytes) got_echo = NULL;
        TestResult r = { 0 };

        coap_udp6_message_set_payload (request, body);
        coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &r);
        first = recv_message (f);
        challenge = answer (f, first, COAP_UDP6_MESSAGE_TYPE_ACK, COAP_UDP6_CODE_UNAUTHORIZED);
        coap_udp6_message_set_echo (challenge, echo);
        send_message (f, challenge);

        again = recv_message (f);
        assert_block (again, coap_udp6_message_get_token (again), COAP_UDP6_OPTION_BLOCK1, 0);
        g_assert_false (g_bytes_equal (coap_udp6_message_get_token (again),
                                       coap_udp6_message_get_token (first)));
        got_echo = coap_udp6_message_get_echo (again);
        g_assert_nonnull (got_echo);
        g_assert_true (g_bytes_equal (got_echo, echo));
        send_answer (f, again, COAP_UDP6_MESSAGE_TYPE_ACK, COAP_UDP6_CODE_CONTINUE,
                     COAP_UDP6_OPTION_BLOCK1, COAP_UDP6_BLOCK_VALUE (0, TRUE, 0), NULL);

        last = recv_message (f);
        assert_block (last, coap_udp6_message_get_token (again), COAP_UDP6_OPTION_BLOCK1, 1);
        send_answer (f, last, COAP_UDP6_MESSAGE_TYPE_ACK, COAP_UDP6_CODE_CHANGED,
                     COAP_UDP6_OPTION_BLOCK1, COAP_UDP6_BLOCK_VALUE (1, FALSE, 0), NULL);
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 5000));
        g_assert_no_error (r.error);
        g_assert_cmpuint (coap_udp6_message_get_code (r.response), ==, COAP_UDP6_CODE_CHANGED);
        g_clear_object (&r.response);
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
#define ADD(path, func) \
        g_test_add ("/blockwise-token/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
        ADD ("upload-late-duplicate", test_upload_late_duplicate);
        ADD ("download-late-duplicate", test_download_late_duplicate);
        ADD ("restart-new-token", test_restart_new_token);
        return g_test_run ();
}
