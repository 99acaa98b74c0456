/* test-blockwise-client.c: the block sizes of a block-wise client (RFC
 * 7959) on the wire, against a raw server on ::1: a smaller size answered
 * in 2.31, a block of the wrong size, Block2 asked for per request
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"
#include "coap-udp6-context-private.h"

#include <string.h>

typedef struct {
        GMainContext *main_context;
        CoapUdp6Context *client;
        GSocket *raw;                       /* the server: [::1]:0, non-blocking */
        guint raw_port;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
        g_autoptr (GError) error = NULL;
        g_autoptr (GSocketAddress) local = NULL;

        f->main_context = test_main_context_push ();
        f->client = coap_udp6_context_new_client (&error);
        g_assert_no_error (error);
        f->raw = test_raw_socket_new ();
        local = g_socket_get_local_address (f->raw, &error);
        g_assert_no_error (error);
        f->raw_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        g_clear_object (&f->client);
        g_clear_object (&f->raw);
        test_main_context_pop (f->main_context);
}

/* Deterministic, and different at every offset modulo a block. */
static GBytes *
make_body (gsize len,
           guint seed)
{
        guint8 *data = g_malloc (len);

        for (gsize i = 0; i < len; i++)
                data[i] = 'A' + (i * 7 + i / 251 + seed) % 26;
        return g_bytes_new_take (data, len);
}

static CoapUdp6Message *
new_request (Fixture *f,
             guint    code)
{
        CoapUdp6Message *request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON, code);
        g_autofree char *uri = g_strdup_printf ("coap://[::1]:%u/r", f->raw_port);
        g_autoptr (GError) error = NULL;

        coap_udp6_message_set_request_uri (request, uri, &error);
        g_assert_no_error (error);
        return request;
}

static CoapUdp6Message *
raw_recv (Fixture         *f,
          GSocketAddress **from)
{
        return test_raw_recv_message (f->main_context, f->raw, 5000, from);
}

/* Answers @request with block @num of size exponent @szx of @body; with
 * @len other bytes instead of the block's when @len is not -1. */
static void
raw_answer_block2 (Fixture         *f,
                   CoapUdp6Message *request,
                   GSocketAddress  *to,
                   GBytes          *body,
                   guint            num,
                   guint            szx,
                   gssize           len)
{
        g_autoptr (CoapUdp6Message) answer = test_piggybacked_answer (request, COAP_UDP6_CODE_CONTENT);
        gsize total = g_bytes_get_size (body);
        gsize start = MIN ((gsize) num * COAP_UDP6_BLOCK_SIZE (szx), total);
        gsize end = MIN (start + COAP_UDP6_BLOCK_SIZE (szx), total);
        g_autoptr (GBytes) slice = len >= 0 ? make_body (len, 9) : g_bytes_new_from_bytes (body, start, end - start);

        coap_udp6_message_set_option_uint (answer, COAP_UDP6_OPTION_BLOCK2,
                                           COAP_UDP6_BLOCK_VALUE (num, end < total, szx));
        coap_udp6_message_set_payload (answer, slice);
        test_raw_send_message (f->raw, to, answer);
}

/* Answers @request with @code and a Block1 option of @value. */
static void
raw_answer_block1 (Fixture         *f,
                   CoapUdp6Message *request,
                   GSocketAddress  *to,
                   guint            code,
                   guint32          value)
{
        g_autoptr (CoapUdp6Message) answer = test_piggybacked_answer (request, code);

        coap_udp6_message_set_option_uint (answer, COAP_UDP6_OPTION_BLOCK1, value);
        test_raw_send_message (f->raw, to, answer);
}

static void
assert_payload_at (CoapUdp6Message *message,
                   GBytes          *body,
                   gsize            offset,
                   gsize            len)
{
        GBytes *payload = coap_udp6_message_get_payload (message);

        g_assert_cmpmem (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload),
                         (const guint8 *) g_bytes_get_data (body, NULL) + offset, len);
}

static GBytes *
request_tag (CoapUdp6Message *message)
{
        g_autoptr (GPtrArray) tags = coap_udp6_message_get_request_tags (message);

        g_assert_nonnull (tags);
        g_assert_cmpuint (tags->len, ==, 1);
        return g_bytes_ref (g_ptr_array_index (tags, 0));
}

static void
stream_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
        TestResult *r = user_data;

        r->response = coap_udp6_context_request_stream_finish (COAP_UDP6_CONTEXT (source), result, &r->error);
        r->done = TRUE;
}

/* RFC 7959 §2.5: a server that answers the first 512-byte block with a
 * 2.31 for 256-byte blocks gets the rest in 256-byte blocks, the next
 * one numbered 2 (512 / 256); @data is TRUE for a body read from a
 * stream. */
static void
test_continue_smaller (Fixture      *f,
                       gconstpointer data)
{
        g_autoptr (GBytes) body = make_body (2000, 1);
        g_autoptr (CoapUdp6Message) request = new_request (f, COAP_UDP6_CODE_PUT);
        g_autoptr (CoapUdp6Message) got = NULL;
        g_autoptr (GSocketAddress) from = NULL;
        g_autoptr (GByteArray) received = g_byte_array_new ();
        g_autoptr (GBytes) tag = NULL;
        gsize offset = 512;
        TestResult r = { 0 };

        g_test_summary ("A 2.31 Continue with a smaller SZX than the block it answers makes the "
                        "upload go on in blocks of that size, numbered in that size, from the "
                        "right offset");
        g_object_set (f->client, "block-size", 512, NULL);
        if (GPOINTER_TO_INT (data)) {
                g_autoptr (GInputStream) source = g_memory_input_stream_new_from_bytes (body);

                coap_udp6_context_request_stream_async (f->client, request, source, 2000, NULL, NULL, NULL,
                                                        NULL, NULL, stream_cb, &r);
        } else {
                coap_udp6_message_set_payload (request, body);
                coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &r);
        }
        got = raw_recv (f, &from);
        g_assert_cmpint (test_option_uint (got, COAP_UDP6_OPTION_BLOCK1), ==, COAP_UDP6_BLOCK_VALUE (0, TRUE, 5));
        g_assert_cmpint (test_option_uint (got, COAP_UDP6_OPTION_SIZE1), ==, 2000);
        assert_payload_at (got, body, 0, 512);
        tag = request_tag (got);
        g_byte_array_append (received, g_bytes_get_data (coap_udp6_message_get_payload (got), NULL), 512);
        raw_answer_block1 (f, got, from, COAP_UDP6_CODE_CONTINUE, COAP_UDP6_BLOCK_VALUE (0, TRUE, 4));
        /* Blocks 2 to 7 of 256 bytes; the last has 208. */
        while (offset < 2000) {
                gsize len = MIN (256, 2000 - offset);
                gboolean more = offset + len < 2000;
                g_autoptr (GBytes) got_tag = NULL;
                GBytes *payload;

                g_clear_object (&got);
                g_clear_object (&from);
                got = raw_recv (f, &from);
                g_assert_cmpint (test_option_uint (got, COAP_UDP6_OPTION_BLOCK1), ==,
                                 COAP_UDP6_BLOCK_VALUE (offset / 256, more, 4));
                assert_payload_at (got, body, offset, len);
                got_tag = request_tag (got);
                g_assert_true (g_bytes_equal (got_tag, tag));
                payload = coap_udp6_message_get_payload (got);
                g_byte_array_append (received, g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
                raw_answer_block1 (f, got, from, more ? COAP_UDP6_CODE_CONTINUE : COAP_UDP6_CODE_CHANGED,
                                   COAP_UDP6_BLOCK_VALUE (offset / 256, more, 4));
                offset += len;
        }
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 5000));
        g_assert_no_error (r.error);
        g_assert_cmpuint (coap_udp6_message_get_code (r.response), ==, COAP_UDP6_CODE_CHANGED);
        g_assert_cmpmem (received->data, received->len, g_bytes_get_data (body, NULL), 2000);
        g_clear_object (&r.response);
}

typedef struct {
        Fixture *f;
        TestResult *r;
} DoneOrReadable;

static gboolean
done_or_readable (gpointer data)
{
        DoneOrReadable *d = data;

        return d->r->done || g_socket_condition_check (d->f->raw, G_IO_IN) != 0;
}

/* A download of 200 bytes in 64-byte blocks where block @bad_num comes
 * with @bad_len bytes (its M flag as the body has it). */
static void
run_wrong_size (Fixture *f,
                guint    bad_num,
                gsize    bad_len)
{
        g_autoptr (GBytes) body = make_body (200, 2);
        g_autoptr (CoapUdp6Message) request = new_request (f, COAP_UDP6_CODE_GET);
        TestResult r = { 0 };
        DoneOrReadable d = { f, &r };

        coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &r);
        for (guint num = 0; num <= bad_num; num++) {
                g_autoptr (CoapUdp6Message) got = NULL;
                g_autoptr (GSocketAddress) from = NULL;
                gint64 block2;

                got = raw_recv (f, &from);
                block2 = test_option_uint (got, COAP_UDP6_OPTION_BLOCK2);
                g_assert_cmpint (block2 < 0 ? 0 : COAP_UDP6_BLOCK_NUM (block2), ==, num);
                raw_answer_block2 (f, got, from, body, num, 2, num == bad_num ? (gssize) bad_len : -1);
        }
        /* No request for a further block: the request fails. */
        g_assert_true (test_iterate_until (f->main_context, done_or_readable, &d, 5000));
        g_assert_true (r.done);
        g_assert_null (r.response);
        g_assert_error (r.error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_BLOCKWISE);
        g_test_message ("%s", r.error->message);
        g_clear_error (&r.error);
}

/* RFC 7959 §2.2: every block but the last has the size its SZX says. */
static void
test_wrong_block_size (Fixture      *f,
                       gconstpointer data)
{
        g_test_summary ("A Block2 block shorter than its SZX while M=1, at the start or later, "
                        "or a last block longer than its SZX, fails the request with "
                        "COAP_UDP6_ERROR_BLOCKWISE");
        run_wrong_size (f, 0, 40);
        run_wrong_size (f, 1, 63);
        run_wrong_size (f, 3, 65);      /* the last block (M=0), of 8 bytes otherwise */
}

/* Runs a GET of @request against the raw server, which serves @body in
 * blocks of the size each request asks for; every request must carry
 * Block2 with SZX @szx (-1: no Block2 at all). */
static void
run_download (Fixture         *f,
              CoapUdp6Message *request,
              GBytes          *body,
              gint             szx)
{
        gsize size = COAP_UDP6_BLOCK_SIZE (MAX (szx, 0));
        guint blocks = szx < 0 ? 1 : (g_bytes_get_size (body) + size - 1) / size;
        TestResult r = { 0 };

        coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &r);
        for (guint num = 0; num < blocks; num++) {
                g_autoptr (GSocketAddress) from = NULL;
                g_autoptr (CoapUdp6Message) got = raw_recv (f, &from);

                if (szx < 0) {
                        g_assert_false (coap_udp6_message_has_option (got, COAP_UDP6_OPTION_BLOCK2));
                        raw_answer_block2 (f, got, from, body, 0, 6, -1);
                        continue;
                }
                g_assert_cmpint (test_option_uint (got, COAP_UDP6_OPTION_BLOCK2), ==,
                                 COAP_UDP6_BLOCK_VALUE (num, FALSE, szx));
                raw_answer_block2 (f, got, from, body, num, szx, -1);
        }
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 5000));
        g_assert_no_error (r.error);
        g_assert_true (g_bytes_equal (coap_udp6_message_get_payload (r.response), body));
        g_clear_object (&r.response);
}

/* RFC 7959 §2.4, §4: a Block2 option (NUM 0) in a request asks for
 * blocks of its size from the first message on, whatever block-size
 * says; without one, block-size below 1024 asks for its own. */
static void
test_per_request_block2 (Fixture      *f,
                         gconstpointer data)
{
        g_autoptr (GBytes) body = make_body (200, 3);
        g_autoptr (CoapUdp6Message) plain = new_request (f, COAP_UDP6_CODE_GET);
        g_autoptr (CoapUdp6Message) sized = new_request (f, COAP_UDP6_CODE_GET);

        g_test_summary ("A request's own Block2 option (NUM 0) is the block size asked for on the "
                        "wire from the first request on; without it the context's block-size is "
                        "asked for, or nothing at 1024");
        /* The default, 1024: no early negotiation. */
        run_download (f, plain, body, -1);
        g_object_set (f->client, "block-size", 64, NULL);
        run_download (f, plain, body, 2);
        /* The request's own size beats block-size, smaller or larger. */
        coap_udp6_message_set_option_uint (sized, COAP_UDP6_OPTION_BLOCK2, COAP_UDP6_BLOCK_VALUE (0, FALSE, 1));
        run_download (f, sized, body, 1);
        coap_udp6_message_set_option_uint (sized, COAP_UDP6_OPTION_BLOCK2, COAP_UDP6_BLOCK_VALUE (0, FALSE, 4));
        run_download (f, sized, body, 4);
        g_object_set (f->client, "block-size", 1024, NULL);
        run_download (f, sized, body, 4);
}

/* RFC 7959 §2.4: a body begins with block 0. */
static void
test_first_block_not_zero (Fixture      *f,
                           gconstpointer data)
{
        g_autoptr (GBytes) body = make_body (200, 4);
        gboolean last[] = { FALSE, TRUE };

        g_test_summary ("A first answer that is a later block of the body (M set or not) fails "
                        "with COAP_UDP6_ERROR_BLOCKWISE instead of passing for the whole body");
        for (guint i = 0; i < G_N_ELEMENTS (last); i++) {
                g_autoptr (CoapUdp6Message) request = new_request (f, COAP_UDP6_CODE_GET);
                g_autoptr (CoapUdp6Message) got = NULL;
                g_autoptr (GSocketAddress) from = NULL;
                TestResult r = { 0 };

                coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &r);
                got = raw_recv (f, &from);
                /* 64-byte blocks: block 1 has M set, block 3 is the last. */
                raw_answer_block2 (f, got, from, body, last[i] ? 3 : 1, 2, -1);
                g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 5000));
                g_assert_null (r.response);
                g_assert_error (r.error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_BLOCKWISE);
                g_clear_error (&r.error);
        }
}

/* RFC 7959 §4: Size1 has 4 bytes at most; a larger size is left out
 * rather than sent wrong. */
static void
test_size1_past_4_gib (Fixture      *f,
                       gconstpointer data)
{
        g_autoptr (GBytes) body = make_body (4096, 7);
        g_autoptr (GInputStream) source = g_memory_input_stream_new_from_bytes (body);
        g_autoptr (CoapUdp6Message) request = new_request (f, COAP_UDP6_CODE_PUT);
        g_autoptr (CoapUdp6Message) got = NULL;
        g_autoptr (GSocketAddress) from = NULL;
        gint64 sizes[] = { 4096, (gint64) G_MAXUINT32 + 1 };
        TestResult r = { 0 };

        g_test_summary ("A streamed upload announced as 4 GiB or more sends no Size1 (the "
                        "option holds 4 bytes); a smaller one sends its size");
        for (guint i = 0; i < G_N_ELEMENTS (sizes); i++) {
                g_seekable_seek (G_SEEKABLE (source), 0, G_SEEK_SET, NULL, NULL);
                memset (&r, 0, sizeof r);
                coap_udp6_context_request_stream_async (f->client, request, source, sizes[i], NULL,
                                                        NULL, NULL, NULL, NULL, stream_cb, &r);
                g_clear_object (&got);
                g_clear_object (&from);
                got = raw_recv (f, &from);
                g_assert_cmpint (test_option_uint (got, COAP_UDP6_OPTION_SIZE1), ==,
                                 i == 0 ? sizes[i] : -1);
                raw_answer_block1 (f, got, from, COAP_UDP6_CODE_BAD_REQUEST, 0);
                g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 5000));
                g_assert_no_error (r.error);
                g_assert_cmpuint (coap_udp6_message_get_code (r.response), ==, COAP_UDP6_CODE_BAD_REQUEST);
                g_clear_object (&r.response);
        }
}

/* RFC 7959 §2.2: NUM has 20 bits. The raw server takes or serves 16 MiB
 * less a block in 1024-byte blocks, then asks for 16-byte ones: the
 * client gets to the last NUM an option can carry and fails there with
 * COAP_UDP6_ERROR_BLOCKWISE, sending nothing it cannot encode. */
static void
test_num_limit (Fixture      *f,
                gconstpointer data)
{
        gboolean upload = GPOINTER_TO_INT (data);
        const gsize big = 16 << 20;
        g_autoptr (GBytes) filler = make_body (1024, 5);
        g_autoptr (CoapUdp6Message) request = new_request (f, upload ? COAP_UDP6_CODE_PUT : COAP_UDP6_CODE_GET);
        g_autoptr (GBytes) body = upload ? make_body (big + 16, 6) : NULL;
        TestResult r = { 0 };
        DoneOrReadable d = { f, &r };
        gsize offset = 0;

        g_test_summary ("A body that goes past NUM 2^20 - 1 at the block size in force fails "
                        "with COAP_UDP6_ERROR_BLOCKWISE at that block, up or down");
        g_object_set (f->client, "max-body-size", (guint) (big + 1024), NULL);
        if (upload)
                coap_udp6_message_set_payload (request, body);
        coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &r);
        while (TRUE) {
                g_autoptr (GSocketAddress) from = NULL;
                g_autoptr (CoapUdp6Message) got = NULL;
                guint szx = offset + 1024 < big ? 6 : 0;
                guint size = COAP_UDP6_BLOCK_SIZE (szx);
                gint64 block;

                g_assert_true (test_iterate_until (f->main_context, done_or_readable, &d, 5000));
                if (r.done)
                        break;
                got = raw_recv (f, &from);
                block = test_option_uint (got, upload ? COAP_UDP6_OPTION_BLOCK1 : COAP_UDP6_OPTION_BLOCK2);
                g_assert_true (offset == 0 || block >= 0);
                g_assert_cmpuint (block < 0 ? 0 : COAP_UDP6_BLOCK_NUM (block), <=, COAP_UDP6_BLOCK_MAX_NUM);
                if (upload) {
                        raw_answer_block1 (f, got, from, COAP_UDP6_CODE_CONTINUE,
                                           COAP_UDP6_BLOCK_VALUE (offset / size, TRUE, szx));
                        offset += COAP_UDP6_BLOCK_SIZE (COAP_UDP6_BLOCK_SZX (block));
                } else {
                        g_autoptr (CoapUdp6Message) answer = test_piggybacked_answer (got, COAP_UDP6_CODE_CONTENT);
                        g_autoptr (GBytes) slice = g_bytes_new_from_bytes (filler, 0, size);

                        coap_udp6_message_set_option_uint (answer, COAP_UDP6_OPTION_BLOCK2,
                                                           COAP_UDP6_BLOCK_VALUE (offset / size, TRUE, szx));
                        coap_udp6_message_set_payload (answer, slice);
                        test_raw_send_message (f->raw, from, answer);
                        offset += size;
                }
        }
        g_assert_cmpuint (offset, ==, (gsize) (COAP_UDP6_BLOCK_MAX_NUM + 1) * 16);
        g_assert_null (r.response);
        g_assert_error (r.error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_BLOCKWISE);
        g_test_message ("%s", r.error->message);
        g_clear_error (&r.error);
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
#define ADD(path, func, data) \
        g_test_add ("/blockwise-client/" path, Fixture, data, fixture_setup, func, fixture_teardown)
        ADD ("continue-smaller-szx", test_continue_smaller, GINT_TO_POINTER (FALSE));
        ADD ("continue-smaller-szx-stream", test_continue_smaller, GINT_TO_POINTER (TRUE));
        ADD ("wrong-block-size", test_wrong_block_size, NULL);
        ADD ("per-request-block2", test_per_request_block2, NULL);
        ADD ("size1-past-4-gib", test_size1_past_4_gib, NULL);
        ADD ("first-block-not-zero", test_first_block_not_zero, NULL);
        if (g_test_slow ()) {
                ADD ("num-limit/download", test_num_limit, GINT_TO_POINTER (FALSE));
                ADD ("num-limit/upload", test_num_limit, GINT_TO_POINTER (TRUE));
        }
        return g_test_run ();
}
