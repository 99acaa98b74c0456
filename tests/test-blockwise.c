/* test-blockwise.c: block-wise transfer (RFC 7959) with Request-Tag and
 * Echo (RFC 9175), client and server, on loopback
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"
#include "test-relay.h"
#include "coap-udp6-context-private.h"

#include <string.h>

#define TEST_TYPE_RESOURCE (test_resource_get_type ())
G_DECLARE_FINAL_TYPE (TestResource, test_resource, TEST, RESOURCE, CoapUdp6Resource)

typedef enum { MODE_BODY, MODE_ECHO, MODE_LATER } TestMode;

struct _TestResource {
        CoapUdp6Resource parent_instance;
        TestMode mode;
        GBytes *body;                       /* MODE_BODY: what GET returns */
        guint calls;
        gsize last_payload_len;
};

G_DEFINE_FINAL_TYPE (TestResource, test_resource, COAP_UDP6_TYPE_RESOURCE)

static gboolean
respond_later_cb (gpointer data)
{
        CoapUdp6Request *request = data;
        TestResource *self = g_object_get_data (G_OBJECT (request), "resource");

        coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CONTENT, self->body, 0);
        return G_SOURCE_REMOVE;
}

static void
test_resource_render (CoapUdp6Resource *resource,
                      CoapUdp6Request  *request)
{
        TestResource *self = TEST_RESOURCE (resource);
        CoapUdp6Message *message = coap_udp6_request_get_message (request);
        GBytes *payload = coap_udp6_message_get_payload (message);

        self->calls++;
        self->last_payload_len = g_bytes_get_size (payload);
        if (self->mode == MODE_LATER) {
                g_autoptr (GSource) later = g_timeout_source_new (50);

                /* A separate response (RFC 7252 §5.2.2), after the empty ACK. */
                coap_udp6_request_defer (request);
                g_object_set_data (G_OBJECT (request), "resource", self);
                g_source_set_callback (later, respond_later_cb, g_object_ref (request), g_object_unref);
                g_source_attach (later, g_main_context_get_thread_default ());
        } else if (self->mode == MODE_BODY) {
                coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CONTENT, self->body, 0);
        }
        else if (self->mode == MODE_ECHO)
                coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CHANGED, payload, 0);
}

static void
test_resource_finalize (GObject *object)
{
        g_clear_pointer (&TEST_RESOURCE (object)->body, g_bytes_unref);
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

typedef struct {
        GMainContext *main_context;
        CoapUdp6Context *server;
        CoapUdp6Context *client;
        TestResource *body;
        TestResource *echo;
        GSocket *raw;                       /* [::1]:0, non-blocking */
        GSocketAddress *server_address;
        guint server_port;
        gint64 now;                         /* the server's clock, µs */
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
        const char *binds[] = { "[::1]:0", NULL };
        g_autoptr (GError) error = NULL;
        g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);

        f->main_context = test_main_context_push ();
        f->server = coap_udp6_context_new_server (binds, NULL, &error);
        g_assert_no_error (error);
        f->body = g_object_new (TEST_TYPE_RESOURCE, NULL);
        f->body->mode = MODE_BODY;
        f->body->body = make_body (4200, 0);
        f->echo = g_object_new (TEST_TYPE_RESOURCE, NULL);
        f->echo->mode = MODE_ECHO;
        coap_udp6_context_add_resource (f->server, "body", COAP_UDP6_RESOURCE (f->body));
        coap_udp6_context_add_resource (f->server, "echo", COAP_UDP6_RESOURCE (f->echo));
        f->client = coap_udp6_context_new_client (&error);
        g_assert_no_error (error);
        f->raw = test_raw_socket_new ();
        f->server_port = coap_udp6_context_get_local_port (f->server);
        f->server_address = g_inet_socket_address_new (lo, f->server_port);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        g_clear_object (&f->client);
        g_clear_object (&f->server);
        g_clear_object (&f->body);
        g_clear_object (&f->echo);
        g_clear_object (&f->raw);
        g_clear_object (&f->server_address);
        test_main_context_pop (f->main_context);
}

static CoapUdp6Message *
new_request (Fixture    *f,
             guint       code,
             guint       port,
             const char *path)
{
        CoapUdp6Message *request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON, code);
        g_autofree char *uri = g_strdup_printf ("coap://[::1]:%u/%s", port, path);
        g_autoptr (GError) error = NULL;

        coap_udp6_message_set_request_uri (request, uri, &error);
        g_assert_no_error (error);
        return request;
}

/* Runs @request to its end; the response, or NULL with @error. */
static CoapUdp6Message *
run_request (Fixture         *f,
             CoapUdp6Message *request,
             GError         **error)
{
        TestResult r = { 0 };

        coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &r);
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 30000));
        if (r.error != NULL)
                g_propagate_error (error, r.error);
        return r.response;
}

static void
assert_payload (CoapUdp6Message *message,
                GBytes          *expected)
{
        GBytes *payload = coap_udp6_message_get_payload (message);

        g_assert_cmpuint (g_bytes_get_size (payload), ==, g_bytes_get_size (expected));
        g_assert_true (g_bytes_equal (payload, expected));
}

static void
test_download (Fixture      *f,
               gconstpointer data)
{
        gsize len = GPOINTER_TO_SIZE (data);
        g_autoptr (CoapUdp6Message) request = new_request (f, COAP_UDP6_CODE_GET, f->server_port, "body");
        g_autoptr (CoapUdp6Message) response = NULL;
        g_autoptr (GError) error = NULL;

        g_clear_pointer (&f->body->body, g_bytes_unref);
        f->body->body = make_body (len, 1);
        response = run_request (f, request, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (coap_udp6_message_get_code (response), ==, COAP_UDP6_CODE_CONTENT);
        assert_payload (response, f->body->body);
        g_assert_false (coap_udp6_message_has_option (response, COAP_UDP6_OPTION_BLOCK2));
        /* Later blocks come from the kept representation. */
        g_assert_cmpuint (f->body->calls, ==, 1);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_BLOCK_ENTRIES), ==, 1);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_BLOCK_BYTES), ==, len);

        /* Early negotiation: the client asks for smaller blocks from the start. */
        g_object_set (f->client, "block-size", len > 10000 ? 512 : 64, NULL);
        g_clear_object (&response);
        response = run_request (f, request, &error);
        g_assert_no_error (error);
        assert_payload (response, f->body->body);
        g_assert_cmpuint (f->body->calls, ==, 2);
}

static void
test_upload (Fixture      *f,
             gconstpointer data)
{
        gsize len = GPOINTER_TO_SIZE (data);
        g_autoptr (GBytes) body = make_body (len, 2);
        g_autoptr (CoapUdp6Message) request = new_request (f, COAP_UDP6_CODE_POST, f->server_port, "echo");
        g_autoptr (CoapUdp6Message) response = NULL;
        g_autoptr (GError) error = NULL;

        coap_udp6_message_set_payload (request, body);
        response = run_request (f, request, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (coap_udp6_message_get_code (response), ==, COAP_UDP6_CODE_CHANGED);
        /* The handler ran once, with the whole body; the echo came back in Block2. */
        g_assert_cmpuint (f->echo->calls, ==, 1);
        g_assert_cmpuint (f->echo->last_payload_len, ==, len);
        assert_payload (response, body);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_BLOCK_INCOMPLETE), ==, 0);

        /* The server asks for smaller blocks than the client sends. */
        g_object_set (f->server, "block-size", 256, NULL);
        g_object_set (f->client, "block-size", 512, NULL);
        g_clear_object (&response);
        response = run_request (f, request, &error);
        g_assert_no_error (error);
        assert_payload (response, body);
        g_assert_cmpuint (f->echo->last_payload_len, ==, len);
}

/* A large response sent separately (CON) after an empty ACK: its first
 * block is the separate response, the others come from what was kept. */
static void
test_separate_response (Fixture      *f,
                        gconstpointer data)
{
        g_autoptr (TestResource) later = g_object_new (TEST_TYPE_RESOURCE, NULL);
        g_autoptr (CoapUdp6Message) request = new_request (f, COAP_UDP6_CODE_GET, f->server_port, "later");
        g_autoptr (CoapUdp6Message) response = NULL;
        g_autoptr (GError) error = NULL;

        later->mode = MODE_LATER;
        later->body = make_body (5000, 18);
        coap_udp6_context_add_resource (f->server, "later", COAP_UDP6_RESOURCE (later));
        response = run_request (f, request, &error);
        g_assert_no_error (error);
        assert_payload (response, later->body);
        g_assert_cmpuint (later->calls, ==, 1);
}

/* Two uploads to one resource at once: Request-Tag keeps them apart. */
static void
test_concurrent_uploads (Fixture      *f,
                         gconstpointer data)
{
        g_autoptr (GBytes) a = make_body (5000, 3);
        g_autoptr (GBytes) b = make_body (5000, 4);
        g_autoptr (CoapUdp6Message) ra = new_request (f, COAP_UDP6_CODE_PUT, f->server_port, "echo");
        g_autoptr (CoapUdp6Message) rb = new_request (f, COAP_UDP6_CODE_PUT, f->server_port, "echo");
        TestResult r1 = { 0 }, r2 = { 0 };

        g_object_set (f->client, "nstart", 2, NULL);
        coap_udp6_message_set_payload (ra, a);
        coap_udp6_message_set_payload (rb, b);
        coap_udp6_context_request_async (f->client, ra, NULL, test_request_cb, &r1);
        coap_udp6_context_request_async (f->client, rb, NULL, test_request_cb, &r2);
        g_assert_true (test_iterate_until_flag (f->main_context, &r1.done, 30000));
        g_assert_true (test_iterate_until_flag (f->main_context, &r2.done, 30000));
        g_assert_no_error (r1.error);
        g_assert_no_error (r2.error);
        assert_payload (r1.response, a);
        assert_payload (r2.response, b);
        g_assert_cmpuint (f->echo->calls, ==, 2);
        g_object_unref (r1.response);
        g_object_unref (r2.response);
}

static void
test_too_large (Fixture      *f,
                gconstpointer data)
{
        g_autoptr (GBytes) body = make_body (4200, 5);
        g_autoptr (CoapUdp6Message) upload = new_request (f, COAP_UDP6_CODE_POST, f->server_port, "echo");
        g_autoptr (CoapUdp6Message) download = new_request (f, COAP_UDP6_CODE_GET, f->server_port, "body");
        g_autoptr (CoapUdp6Message) response = NULL;
        g_autoptr (GError) error = NULL;

        /* The server takes at most 2000 bytes: 4.13 with Size1, handler not run. */
        g_object_set (f->server, "max-body-size", 2000, NULL);
        coap_udp6_message_set_payload (upload, body);
        response = run_request (f, upload, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (coap_udp6_message_get_code (response), ==, COAP_UDP6_CODE_REQUEST_ENTITY_TOO_LARGE);
        g_assert_cmpint (test_option_uint (response, COAP_UDP6_OPTION_SIZE1), ==, 2000);
        g_assert_cmpuint (f->echo->calls, ==, 0);

        /* The client takes at most 1000 bytes. */
        g_object_set (f->client, "max-body-size", 1000, NULL);
        g_clear_object (&response);
        response = run_request (f, download, &error);
        g_assert_null (response);
        g_assert_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_BODY_TOO_LARGE);
}

/* Raw-peer helpers: the test plays a server or a client with messages it
 * builds and reads itself. */
static gboolean
raw_readable (gpointer data)
{
        return g_socket_condition_check (data, G_IO_IN) != 0;
}

static CoapUdp6Message *
raw_recv_message (Fixture         *f,
                  GSocketAddress **from)
{
        g_autoptr (GError) error = NULL;
        g_autoptr (GBytes) bytes = NULL;
        guint8 buf[2048];
        gssize n;

        if (!test_iterate_until (f->main_context, raw_readable, f->raw, 5000))
                return NULL;
        n = g_socket_receive_from (f->raw, from, (char *) buf, sizeof buf, NULL, &error);
        g_assert_no_error (error);
        bytes = g_bytes_new (buf, n);
        return coap_udp6_message_decode (bytes, NULL, &error);
}

static void
raw_send_message (Fixture         *f,
                  CoapUdp6Message *message,
                  GSocketAddress  *to)
{
        test_raw_send_message (f->raw, to, message);
}

/* Answers @request with block @num (16 bytes each) of @body under @etag. */
static void
raw_answer_block (Fixture         *f,
                  CoapUdp6Message *request,
                  GSocketAddress  *to,
                  GBytes          *body,
                  guint            num,
                  guint8           etag)
{
        g_autoptr (CoapUdp6Message) answer = test_piggybacked_answer (request, COAP_UDP6_CODE_CONTENT);
        g_autoptr (GBytes) tag = g_bytes_new (&etag, 1);
        gsize total = g_bytes_get_size (body);
        gsize start = num * 16;
        gsize len = MIN (16, total - start);
        g_autoptr (GBytes) slice = g_bytes_new_from_bytes (body, start, len);

        coap_udp6_message_add_etag (answer, tag);
        coap_udp6_message_set_option_uint (answer, COAP_UDP6_OPTION_BLOCK2,
                                           COAP_UDP6_BLOCK_VALUE (num, start + len < total, 0));
        coap_udp6_message_set_payload (answer, slice);
        raw_send_message (f, answer, to);
}

static guint
raw_port (Fixture *f)
{
        g_autoptr (GSocketAddress) local = g_socket_get_local_address (f->raw, NULL);

        return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
}

static guint
requested_block2 (CoapUdp6Message *request)
{
        gint64 block2 = test_option_uint (request, COAP_UDP6_OPTION_BLOCK2);

        return block2 < 0 ? 0 : COAP_UDP6_BLOCK_NUM (block2);
}

static void
test_wrong_num (Fixture      *f,
                gconstpointer data)
{
        g_autoptr (CoapUdp6Message) request = new_request (f, COAP_UDP6_CODE_GET, raw_port (f), "r");
        g_autoptr (GBytes) body = make_body (64, 6);
        g_autoptr (CoapUdp6Message) got = NULL;
        g_autoptr (GSocketAddress) from = NULL;
        TestResult r = { 0 };

        coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &r);
        got = raw_recv_message (f, &from);
        g_assert_nonnull (got);
        raw_answer_block (f, got, from, body, 0, 1);
        g_clear_object (&got);
        g_clear_object (&from);
        got = raw_recv_message (f, &from);
        g_assert_nonnull (got);
        g_assert_cmpuint (requested_block2 (got), ==, 1);
        /* Block 2 where block 1 was asked for. */
        raw_answer_block (f, got, from, body, 2, 1);
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 5000));
        g_assert_null (r.response);
        g_assert_error (r.error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_BLOCKWISE);
        g_clear_error (&r.error);
}

/* RFC 7252 §4.4 vs. a transfer of more than 65 536 blocks: the client's
 * Message ID wraps within EXCHANGE_LIFETIME, and a server that kept the
 * reply to an earlier request with that ID answers the block in flight
 * with an earlier block, in that request's own ACK. The client asks for
 * the block again with a new Message ID instead of waiting for ever. */
static void
test_stale_answer (Fixture      *f,
                   gconstpointer data)
{
        g_autoptr (CoapUdp6Message) request = new_request (f, COAP_UDP6_CODE_GET, raw_port (f), "r");
        g_autoptr (GBytes) body = make_body (32, 4);
        g_autoptr (CoapUdp6Message) got = NULL;
        g_autoptr (GSocketAddress) from = NULL;
        TestResult r = { 0 };
        guint stale_mid;

        coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &r);
        got = raw_recv_message (f, &from);
        g_assert_nonnull (got);
        raw_answer_block (f, got, from, body, 0, 1);
        g_clear_object (&got);
        g_clear_object (&from);
        got = raw_recv_message (f, &from);
        g_assert_nonnull (got);
        g_assert_cmpuint (requested_block2 (got), ==, 1);
        stale_mid = coap_udp6_message_get_mid (got);
        /* Block 0 again, in the ACK of the request for block 1. */
        raw_answer_block (f, got, from, body, 0, 1);
        g_clear_object (&got);
        g_clear_object (&from);
        got = raw_recv_message (f, &from);
        g_assert_nonnull (got);
        g_assert_cmpuint (requested_block2 (got), ==, 1);
        g_assert_cmpuint (coap_udp6_message_get_mid (got), !=, stale_mid);
        g_assert_false (r.done);
        raw_answer_block (f, got, from, body, 1, 1);
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 5000));
        g_assert_no_error (r.error);
        g_assert_true (g_bytes_equal (coap_udp6_message_get_payload (r.response), body));
        g_clear_object (&r.response);
}

/* A server that answers every request for block 1 with block 0 makes
 * the request fail after four tries, not retry for ever. */
static void
test_stale_answers_give_up (Fixture      *f,
                            gconstpointer data)
{
        g_autoptr (CoapUdp6Message) request = new_request (f, COAP_UDP6_CODE_GET, raw_port (f), "r");
        g_autoptr (GBytes) body = make_body (32, 5);
        g_autoptr (GHashTable) mids = g_hash_table_new (NULL, NULL);
        TestResult r = { 0 };
        guint asked = 0;

        coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &r);
        while (!r.done) {
                g_autoptr (CoapUdp6Message) got = NULL;
                g_autoptr (GSocketAddress) from = NULL;

                got = raw_recv_message (f, &from);

                g_assert_nonnull (got);
                if (asked > 0) {
                        g_assert_cmpuint (requested_block2 (got), ==, 1);
                        g_hash_table_add (mids, GUINT_TO_POINTER (coap_udp6_message_get_mid (got)));
                }
                asked++;
                raw_answer_block (f, got, from, body, 0, 1);
                if (asked > 4)
                        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 5000));
                else
                        g_assert_false (r.done);
        }
        g_assert_cmpuint (asked, ==, 5);
        g_assert_cmpuint (g_hash_table_size (mids), ==, 4);
        g_assert_null (r.response);
        g_assert_error (r.error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_BLOCKWISE);
        g_clear_error (&r.error);
}

/* The same for an upload: a 2.31 for block 0 in the ACK of block 1. */
static void
test_stale_continue (Fixture      *f,
                     gconstpointer data)
{
        g_autoptr (CoapUdp6Message) request = new_request (f, COAP_UDP6_CODE_PUT, raw_port (f), "r");
        g_autoptr (GBytes) body = make_body (32, 6);
        TestResult r = { 0 };
        guint stale_mid = 0;
        guint step = 0;

        coap_udp6_message_set_payload (request, body);
        /* Blocks of 16 bytes (SZX 0): a Block1 option with NUM 0 asks for them. */
        coap_udp6_message_set_option_uint (request, COAP_UDP6_OPTION_BLOCK1, COAP_UDP6_BLOCK_VALUE (0, FALSE, 0));
        coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &r);
        for (step = 0; step < 3; step++) {
                g_autoptr (CoapUdp6Message) got = NULL;
                g_autoptr (CoapUdp6Message) answer = NULL;
                g_autoptr (GSocketAddress) from = NULL;
                gint64 block1;

                got = raw_recv_message (f, &from);

                g_assert_nonnull (got);
                block1 = test_option_uint (got, COAP_UDP6_OPTION_BLOCK1);
                g_assert_cmpint (block1, >=, 0);
                g_assert_cmpuint (COAP_UDP6_BLOCK_NUM (block1), ==, step == 0 ? 0 : 1);
                if (step == 2)
                        g_assert_cmpuint (coap_udp6_message_get_mid (got), !=, stale_mid);
                stale_mid = coap_udp6_message_get_mid (got);
                if (step == 2) {
                        answer = test_piggybacked_answer (got, COAP_UDP6_CODE_CHANGED);
                        coap_udp6_message_set_option_uint (answer, COAP_UDP6_OPTION_BLOCK1, block1);
                } else {
                        /* Step 1: the 2.31 of block 0 again. */
                        answer = test_piggybacked_answer (got, COAP_UDP6_CODE_CONTINUE);
                        coap_udp6_message_set_option_uint (answer, COAP_UDP6_OPTION_BLOCK1,
                                                           COAP_UDP6_BLOCK_VALUE (0, TRUE, 0));
                }
                raw_send_message (f, answer, from);
        }
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 5000));
        g_assert_no_error (r.error);
        g_assert_cmpuint (coap_udp6_message_get_code (r.response), ==, COAP_UDP6_CODE_CHANGED);
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

        return d->r->done || raw_readable (d->f->raw);
}

static void
test_etag_change (Fixture      *f,
                  gconstpointer data)
{
        g_autoptr (CoapUdp6Message) request = new_request (f, COAP_UDP6_CODE_GET, raw_port (f), "r");
        g_autoptr (GBytes) old_body = make_body (48, 7);
        g_autoptr (GBytes) new_body = make_body (48, 8);
        TestResult r = { 0 };
        DoneOrReadable d = { f, &r };
        guint answers = 0;

        /* Block 1 comes from a new representation: the download restarts
         * at block 0 and ends with the new one whole. */
        coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &r);
        while (!r.done && answers < 10) {
                g_autoptr (GSocketAddress) from = NULL;
                g_autoptr (CoapUdp6Message) got = raw_recv_message (f, &from);
                guint num;

                if (got == NULL)
                        break;
                num = requested_block2 (got);
                if (answers == 0)
                        raw_answer_block (f, got, from, old_body, num, 1);
                else
                        raw_answer_block (f, got, from, new_body, num, 2);
                answers++;
                g_assert_true (test_iterate_until (f->main_context, done_or_readable, &d, 5000));
        }
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 5000));
        g_assert_no_error (r.error);
        assert_payload (r.response, new_body);
        /* 1 old block, then 3 new ones from block 0. */
        g_assert_cmpuint (answers, ==, 5);
        g_clear_object (&r.response);

        /* A representation that changes at every block: a bounded number of
         * restarts, then an error. */
        r.done = FALSE;
        answers = 0;
        coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &r);
        while (!r.done && answers < 50) {
                g_autoptr (GSocketAddress) from = NULL;
                g_autoptr (CoapUdp6Message) got = raw_recv_message (f, &from);

                if (got == NULL)
                        break;
                raw_answer_block (f, got, from, old_body, requested_block2 (got), 10 + answers);
                answers++;
                g_assert_true (test_iterate_until (f->main_context, done_or_readable, &d, 5000));
        }
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 5000));
        g_assert_error (r.error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_BLOCKWISE);
        g_assert_cmpuint (answers, <, 50);
        g_clear_error (&r.error);
}

/* A 4.13 with a Block1 option to a request sent whole: sent again in
 * blocks of the size the server asked for. */
static void
test_413_block_size (Fixture      *f,
                     gconstpointer data)
{
        g_autoptr (CoapUdp6Message) request = new_request (f, COAP_UDP6_CODE_PUT, raw_port (f), "r");
        g_autoptr (GBytes) body = make_body (500, 9);
        g_autoptr (CoapUdp6Message) got = NULL;
        g_autoptr (CoapUdp6Message) answer = NULL;
        g_autoptr (GSocketAddress) from = NULL;
        TestResult r = { 0 };
        gint64 block1;
        guint blocks = 0;

        coap_udp6_message_set_payload (request, body);
        coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &r);
        got = raw_recv_message (f, &from);
        g_assert_nonnull (got);
        g_assert_false (coap_udp6_message_has_option (got, COAP_UDP6_OPTION_BLOCK1));
        answer = test_piggybacked_answer (got, COAP_UDP6_CODE_REQUEST_ENTITY_TOO_LARGE);
        coap_udp6_message_set_option_uint (answer, COAP_UDP6_OPTION_BLOCK1, COAP_UDP6_BLOCK_VALUE (0, FALSE, 3));
        coap_udp6_message_set_size1 (answer, 4096);
        raw_send_message (f, answer, from);
        for (;;) {
                g_clear_object (&got);
                g_clear_object (&answer);
                g_clear_object (&from);
                got = raw_recv_message (f, &from);
                g_assert_nonnull (got);
                block1 = test_option_uint (got, COAP_UDP6_OPTION_BLOCK1);
                g_assert_cmpint (block1, >=, 0);
                g_assert_cmpuint (COAP_UDP6_BLOCK_SZX (block1), ==, 3);
                g_assert_cmpuint (COAP_UDP6_BLOCK_NUM (block1), ==, blocks);
                if (blocks == 0)
                        g_assert_cmpint (test_option_uint (got, COAP_UDP6_OPTION_SIZE1), ==, 500);
                blocks++;
                answer = test_piggybacked_answer (got, COAP_UDP6_BLOCK_MORE (block1) ? COAP_UDP6_CODE_CONTINUE
                                                                        : COAP_UDP6_CODE_CHANGED);
                coap_udp6_message_set_option_uint (answer, COAP_UDP6_OPTION_BLOCK1, block1);
                raw_send_message (f, answer, from);
                if (!COAP_UDP6_BLOCK_MORE (block1))
                        break;
        }
        g_assert_cmpuint (blocks, ==, 4);   /* 500 bytes in 128-byte blocks */
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 5000));
        g_assert_no_error (r.error);
        g_assert_cmpuint (coap_udp6_message_get_code (r.response), ==, COAP_UDP6_CODE_CHANGED);
        g_clear_object (&r.response);
}

/* A Block1 option (NUM 0) in the request is the block size of this
 * request's upload, whatever block-size says. */
static void
test_per_request_size (Fixture      *f,
                       gconstpointer data)
{
        g_autoptr (CoapUdp6Message) request = new_request (f, COAP_UDP6_CODE_PUT, raw_port (f), "r");
        g_autoptr (GBytes) body = make_body (300, 17);
        g_autoptr (CoapUdp6Message) got = NULL;
        g_autoptr (GSocketAddress) from = NULL;
        g_autoptr (GPtrArray) tags = NULL;
        g_autoptr (CoapUdp6Message) answer = NULL;
        TestResult r = { 0 };
        gint64 block1;

        coap_udp6_message_set_payload (request, body);
        coap_udp6_message_set_option_uint (request, COAP_UDP6_OPTION_BLOCK1, COAP_UDP6_BLOCK_VALUE (0, FALSE, 2));
        coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &r);
        got = raw_recv_message (f, &from);
        g_assert_nonnull (got);
        block1 = test_option_uint (got, COAP_UDP6_OPTION_BLOCK1);
        g_assert_cmpint (block1, ==, COAP_UDP6_BLOCK_VALUE (0, TRUE, 2));
        g_assert_cmpuint (g_bytes_get_size (coap_udp6_message_get_payload (got)), ==, 64);
        g_assert_cmpint (test_option_uint (got, COAP_UDP6_OPTION_SIZE1), ==, 300);
        /* RFC 9175 §3.4: a Request-Tag on every upload. */
        tags = coap_udp6_message_get_request_tags (got);
        g_assert_cmpuint (tags->len, ==, 1);
        /* An error answer ends the upload; the application sees it. */
        answer = test_piggybacked_answer (got, COAP_UDP6_CODE_BAD_REQUEST);
        raw_send_message (f, answer, from);
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 5000));
        g_assert_no_error (r.error);
        g_assert_cmpuint (coap_udp6_message_get_code (r.response), ==, COAP_UDP6_CODE_BAD_REQUEST);
        g_clear_object (&r.response);
}

/* RFC 9175 §2.3: a 4.01 with Echo is answered by the same request with it. */
static void
test_echo (Fixture      *f,
           gconstpointer data)
{
        g_autoptr (CoapUdp6Message) request = new_request (f, COAP_UDP6_CODE_GET, raw_port (f), "r");
        g_autoptr (CoapUdp6Message) got = NULL;
        g_autoptr (CoapUdp6Message) answer = NULL;
        g_autoptr (GSocketAddress) from = NULL;
        g_autoptr (GBytes) echo = g_bytes_new ("fresh", 5);
        g_autoptr (GBytes) got_echo = NULL;
        TestResult r = { 0 };

        coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &r);
        got = raw_recv_message (f, &from);
        g_assert_nonnull (got);
        answer = test_piggybacked_answer (got, COAP_UDP6_CODE_UNAUTHORIZED);
        coap_udp6_message_set_echo (answer, echo);
        raw_send_message (f, answer, from);
        g_clear_object (&got);
        g_clear_object (&answer);
        g_clear_object (&from);
        got = raw_recv_message (f, &from);
        g_assert_nonnull (got);
        got_echo = coap_udp6_message_get_echo (got);
        g_assert_nonnull (got_echo);
        g_assert_true (g_bytes_equal (got_echo, echo));
        answer = test_piggybacked_answer (got, COAP_UDP6_CODE_CONTENT);
        raw_send_message (f, answer, from);
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 5000));
        g_assert_no_error (r.error);
        g_assert_cmpuint (coap_udp6_message_get_code (r.response), ==, COAP_UDP6_CODE_CONTENT);
        g_clear_object (&r.response);
}

/* The server's side against a raw client. */
static CoapUdp6Message *
raw_request (guint        code,
             guint        mid,
             const char  *path)
{
        CoapUdp6Message *request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON, code);
        const char *segments[] = { path, NULL };
        guint8 token = mid & 0xff;

        coap_udp6_message_set_mid (request, mid);
        coap_udp6_message_set_token_data (request, &token, 1);
        coap_udp6_message_set_uri_path (request, segments);
        return request;
}

static CoapUdp6Message *
raw_exchange (Fixture         *f,
              CoapUdp6Message *request)
{
        raw_send_message (f, request, f->server_address);
        return raw_recv_message (f, NULL);
}

static void
test_server_rules (Fixture      *f,
                   gconstpointer data)
{
        g_autoptr (CoapUdp6Message) request = NULL;
        g_autoptr (CoapUdp6Message) answer = NULL;
        g_autoptr (GBytes) block = make_body (64, 11);

        /* SZX 7 is reserved: 4.00. */
        request = raw_request (COAP_UDP6_CODE_GET, 0x100, "body");
        coap_udp6_message_set_option_uint (request, COAP_UDP6_OPTION_BLOCK2, COAP_UDP6_BLOCK_VALUE (0, FALSE, 7));
        answer = raw_exchange (f, request);
        g_assert_cmpuint (coap_udp6_message_get_code (answer), ==, COAP_UDP6_CODE_BAD_REQUEST);
        g_assert_cmpuint (f->body->calls, ==, 0);

        /* A Block2 request for a small resource is answered with Block2. */
        g_clear_pointer (&f->body->body, g_bytes_unref);
        f->body->body = make_body (40, 0);
        g_clear_object (&request);
        g_clear_object (&answer);
        request = raw_request (COAP_UDP6_CODE_GET, 0x101, "body");
        coap_udp6_message_set_option_uint (request, COAP_UDP6_OPTION_BLOCK2, COAP_UDP6_BLOCK_VALUE (0, FALSE, 2));
        answer = raw_exchange (f, request);
        g_assert_cmpuint (coap_udp6_message_get_code (answer), ==, COAP_UDP6_CODE_CONTENT);
        g_assert_cmpint (test_option_uint (answer, COAP_UDP6_OPTION_BLOCK2), ==,
                         COAP_UDP6_BLOCK_VALUE (0, FALSE, 2));

        /* Block 1 of an upload that never had a block 0: 4.08. */
        g_clear_object (&request);
        g_clear_object (&answer);
        request = raw_request (COAP_UDP6_CODE_POST, 0x102, "echo");
        coap_udp6_message_set_option_uint (request, COAP_UDP6_OPTION_BLOCK1, COAP_UDP6_BLOCK_VALUE (1, TRUE, 2));
        coap_udp6_message_set_payload (request, block);
        answer = raw_exchange (f, request);
        g_assert_cmpuint (coap_udp6_message_get_code (answer), ==, COAP_UDP6_CODE_REQUEST_ENTITY_INCOMPLETE);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_BLOCK_INCOMPLETE), ==, 1);

        /* Block 0, then block 2 (block 1 lost): 2.31, then 4.08. */
        g_clear_object (&request);
        g_clear_object (&answer);
        request = raw_request (COAP_UDP6_CODE_POST, 0x103, "echo");
        coap_udp6_message_set_option_uint (request, COAP_UDP6_OPTION_BLOCK1, COAP_UDP6_BLOCK_VALUE (0, TRUE, 2));
        coap_udp6_message_set_payload (request, block);
        answer = raw_exchange (f, request);
        g_assert_cmpuint (coap_udp6_message_get_code (answer), ==, COAP_UDP6_CODE_CONTINUE);
        g_assert_cmpint (test_option_uint (answer, COAP_UDP6_OPTION_BLOCK1), ==,
                         COAP_UDP6_BLOCK_VALUE (0, TRUE, 2));
        g_clear_object (&request);
        g_clear_object (&answer);
        request = raw_request (COAP_UDP6_CODE_POST, 0x104, "echo");
        coap_udp6_message_set_option_uint (request, COAP_UDP6_OPTION_BLOCK1, COAP_UDP6_BLOCK_VALUE (2, TRUE, 2));
        coap_udp6_message_set_payload (request, block);
        answer = raw_exchange (f, request);
        g_assert_cmpuint (coap_udp6_message_get_code (answer), ==, COAP_UDP6_CODE_REQUEST_ENTITY_INCOMPLETE);
        g_assert_cmpuint (f->echo->calls, ==, 0);
}

static gint64
fixture_clock (gpointer data)
{
        return ((Fixture *) data)->now;
}

static void
send_first_block (Fixture *f,
                  guint    i,
                  GBytes  *block)
{
        g_autoptr (CoapUdp6Message) request = raw_request (COAP_UDP6_CODE_POST, i, "echo");
        g_autoptr (CoapUdp6Message) answer = NULL;
        guint16 tag = i;
        g_autoptr (GBytes) tag_bytes = g_bytes_new (&tag, sizeof tag);

        coap_udp6_message_set_option_uint (request, COAP_UDP6_OPTION_BLOCK1, COAP_UDP6_BLOCK_VALUE (0, TRUE, 6));
        coap_udp6_message_add_request_tag (request, tag_bytes);
        coap_udp6_message_set_payload (request, block);
        answer = raw_exchange (f, request);
        g_assert_nonnull (answer);
        g_assert_cmpuint (coap_udp6_message_get_code (answer), ==, COAP_UDP6_CODE_CONTINUE);
}

/* A peer that opens many uploads and never finishes them: the entries
 * and their bytes stay within the limits, and expire. */
static void
test_limits (Fixture      *f,
             gconstpointer data)
{
        g_autoptr (GBytes) block = make_body (1024, 12);
        guint64 entries, bytes;

        f->now = 1000 * G_USEC_PER_SEC;
        coap_udp6_context_set_clock (f->server, fixture_clock, f);
        g_object_set (f->server, "max-block-entries", 16, "max-block-bytes", 8 * 1024, NULL);
        for (guint i = 0; i < 200; i++) {
                send_first_block (f, i, block);
                entries = coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_BLOCK_ENTRIES);
                bytes = coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_BLOCK_BYTES);
                g_assert_cmpuint (entries, <=, 16);
                g_assert_cmpuint (bytes, <=, 8 * 1024);
        }
        g_assert_cmpuint (entries, ==, 8);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_BLOCK_EVICTIONS), ==, 192);
        g_assert_cmpuint (f->echo->calls, ==, 0);

        /* After EXCHANGE_LIFETIME they are gone, without another request. */
        f->now += (gint64) ((coap_udp6_context_get_exchange_lifetime (f->server) + 1) * G_USEC_PER_SEC);
        g_assert_cmpuint (coap_udp6_context_run_due_timers (f->server), >=, 1);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_BLOCK_ENTRIES), ==, 0);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_BLOCK_BYTES), ==, 0);
        send_first_block (f, 200, block);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_BLOCK_ENTRIES), ==, 1);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_BLOCK_BYTES), ==, 1024);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_BLOCK_EVICTIONS), ==, 192);
}

/* Both directions through a relay that loses 30 % of the datagrams each
 * way: retransmissions and deduplication keep every block, and the
 * handler runs once per transfer. */
static void
test_loss (Fixture      *f,
           gconstpointer data)
{
        g_autoptr (TestRelay) relay = test_relay_new (f->main_context, f->server_address, 0.3, 7959);
        GInetSocketAddress *relay_address = test_relay_get_address (relay);
        guint port = g_inet_socket_address_get_port (relay_address);
        g_autoptr (CoapUdp6Message) download = new_request (f, COAP_UDP6_CODE_GET, port, "body");
        g_autoptr (CoapUdp6Message) upload = new_request (f, COAP_UDP6_CODE_POST, port, "echo");
        g_autoptr (GBytes) body = make_body (4200, 13);
        g_autoptr (CoapUdp6Message) response = NULL;
        g_autoptr (GError) error = NULL;

        /* The server keeps what it gathered for EXCHANGE_LIFETIME, which
         * must outlast the client's retransmissions of one block. */
        g_object_set (f->server, "ack-timeout", 0.02, "max-latency", 5.0, NULL);
        g_object_set (f->client, "ack-timeout", 0.02, "max-retransmit", 10, "max-latency", 0.1, NULL);
        response = run_request (f, download, &error);
        g_assert_no_error (error);
        assert_payload (response, f->body->body);
        g_assert_cmpuint (f->body->calls, ==, 1);
        g_clear_object (&response);

        coap_udp6_message_set_payload (upload, body);
        response = run_request (f, upload, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (coap_udp6_message_get_code (response), ==, COAP_UDP6_CODE_CHANGED);
        assert_payload (response, body);
        g_assert_cmpuint (f->echo->calls, ==, 1);
        g_assert_cmpuint (f->echo->last_payload_len, ==, 4200);
        g_test_message ("%u datagrams dropped", test_relay_get_dropped (relay));
        g_assert_cmpuint (test_relay_get_dropped (relay), >, 0);
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

typedef struct {
        guint calls;
        guint64 done;
        gint64 total;
        gboolean upload;
        GCancellable *cancel_after;         /* unowned, nullable */
        guint64 cancel_at;
} Progress;

static void
progress_cb (guint64  bytes_done,
             gint64   bytes_total,
             gboolean upload,
             gpointer user_data)
{
        Progress *p = user_data;

        p->calls++;
        g_assert_cmpuint (bytes_done, >=, p->upload == upload ? p->done : 0);
        p->done = bytes_done;
        p->total = bytes_total;
        p->upload = upload;
        if (p->cancel_after != NULL && bytes_done >= p->cancel_at)
                g_cancellable_cancel (p->cancel_after);
}

static gboolean
memory_equal (GMemoryOutputStream *sink,
              GBytes              *expected)
{
        gsize len = g_memory_output_stream_get_data_size (sink);

        return len == g_bytes_get_size (expected) &&
               memcmp (g_memory_output_stream_get_data (sink), g_bytes_get_data (expected, NULL), len) == 0;
}

/* Bodies from and into streams, block by block, with progress. */
static void
test_streams (Fixture      *f,
              gconstpointer data)
{
        g_autoptr (CoapUdp6Message) download = new_request (f, COAP_UDP6_CODE_GET, f->server_port, "body");
        g_autoptr (CoapUdp6Message) upload = new_request (f, COAP_UDP6_CODE_PUT, f->server_port, "echo");
        g_autoptr (GBytes) body = make_body (100 * 1024, 14);
        g_autoptr (GOutputStream) sink = g_memory_output_stream_new_resizable ();
        g_autoptr (GOutputStream) echoed = g_memory_output_stream_new_resizable ();
        g_autoptr (GInputStream) source = g_memory_input_stream_new_from_bytes (body);
        Progress p = { 0 };
        TestResult r = { 0 };

        g_clear_pointer (&f->body->body, g_bytes_unref);
        f->body->body = make_body (30000, 15);
        coap_udp6_context_request_stream_async (f->client, download, NULL, -1, sink, progress_cb, &p, NULL,
                                                NULL, stream_cb, &r);
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 30000));
        g_assert_no_error (r.error);
        g_assert_cmpuint (coap_udp6_message_get_code (r.response), ==, COAP_UDP6_CODE_CONTENT);
        g_assert_cmpuint (g_bytes_get_size (coap_udp6_message_get_payload (r.response)), ==, 0);
        g_assert_true (memory_equal (G_MEMORY_OUTPUT_STREAM (sink), f->body->body));
        g_assert_cmpuint (p.calls, ==, 30);     /* 30 blocks of 1024 bytes */
        g_assert_cmpuint (p.done, ==, 30000);
        g_assert_cmpint (p.total, ==, 30000);
        g_assert_false (p.upload);
        g_clear_object (&r.response);

        /* Up from one stream and back into another. */
        memset (&p, 0, sizeof p);
        r.done = FALSE;
        coap_udp6_context_request_stream_async (f->client, upload, source, 100 * 1024, echoed, progress_cb, &p,
                                                NULL, NULL, stream_cb, &r);
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 30000));
        g_assert_no_error (r.error);
        g_assert_cmpuint (coap_udp6_message_get_code (r.response), ==, COAP_UDP6_CODE_CHANGED);
        g_assert_cmpuint (f->echo->calls, ==, 1);
        g_assert_cmpuint (f->echo->last_payload_len, ==, 100 * 1024);
        g_assert_true (memory_equal (G_MEMORY_OUTPUT_STREAM (echoed), body));
        g_assert_cmpuint (p.calls, ==, 200);    /* 100 blocks up, 100 down */
        g_clear_object (&r.response);
}

/* Cancelling stops the transfer between blocks: the handler never runs. */
static void
test_stream_cancel (Fixture      *f,
                    gconstpointer data)
{
        g_autoptr (CoapUdp6Message) upload = new_request (f, COAP_UDP6_CODE_PUT, f->server_port, "echo");
        g_autoptr (GBytes) body = make_body (100 * 1024, 16);
        g_autoptr (GInputStream) source = g_memory_input_stream_new_from_bytes (body);
        g_autoptr (GCancellable) cancellable = g_cancellable_new ();
        Progress p = { 0 };
        TestResult r = { 0 };

        p.cancel_after = cancellable;
        p.cancel_at = 4096;
        coap_udp6_context_request_stream_async (f->client, upload, source, -1, NULL, progress_cb, &p, NULL,
                                                cancellable, stream_cb, &r);
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 30000));
        g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
        g_assert_cmpuint (p.done, ==, 4096);
        g_assert_cmpint (p.total, ==, -1);
        g_assert_cmpuint (f->echo->calls, ==, 0);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->client, COAP_UDP6_STATISTIC_EXCHANGES), ==, 0);
        g_clear_error (&r.error);
}

/* A source that gives @chunk bytes per read (short reads: a block is made
 * of two), from a thread as a file's reads are (GInputStream's default
 * read_async), and fails after @fail_at bytes (-1: never). */
#define TEST_TYPE_CHUNK_STREAM (test_chunk_stream_get_type ())
G_DECLARE_FINAL_TYPE (TestChunkStream, test_chunk_stream, TEST, CHUNK_STREAM, GInputStream)

struct _TestChunkStream {
        GInputStream parent_instance;
        GBytes *body;
        gsize pos;
        gsize chunk;
        gssize fail_at;
};

G_DEFINE_FINAL_TYPE (TestChunkStream, test_chunk_stream, G_TYPE_INPUT_STREAM)

static gssize
test_chunk_stream_read (GInputStream *stream,
                        void         *buffer,
                        gsize         count,
                        GCancellable *cancellable,
                        GError      **error)
{
        TestChunkStream *self = TEST_CHUNK_STREAM (stream);
        gsize len = MIN (MIN (count, self->chunk), g_bytes_get_size (self->body) - self->pos);

        if (self->fail_at >= 0 && self->pos + len > (gsize) self->fail_at) {
                g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "test read failure");
                return -1;
        }
        memcpy (buffer, (const guint8 *) g_bytes_get_data (self->body, NULL) + self->pos, len);
        self->pos += len;
        return len;
}

static void
test_chunk_stream_finalize (GObject *object)
{
        g_bytes_unref (TEST_CHUNK_STREAM (object)->body);
        G_OBJECT_CLASS (test_chunk_stream_parent_class)->finalize (object);
}

static void
test_chunk_stream_class_init (TestChunkStreamClass *klass)
{
        G_OBJECT_CLASS (klass)->finalize = test_chunk_stream_finalize;
        G_INPUT_STREAM_CLASS (klass)->read_fn = test_chunk_stream_read;
}

static void
test_chunk_stream_init (TestChunkStream *self)
{
}

static GInputStream *
chunk_stream_new (GBytes *body,
                  gsize   chunk,
                  gssize  fail_at)
{
        TestChunkStream *self = g_object_new (TEST_TYPE_CHUNK_STREAM, NULL);

        self->body = g_bytes_ref (body);
        self->chunk = chunk;
        self->fail_at = fail_at;
        return G_INPUT_STREAM (self);
}

/* The body is read ahead, in reads of any length, from a thread; a read
 * that fails, at the start or later, fails the request with its error. */
static void
test_stream_reads (Fixture      *f,
                   gconstpointer data)
{
        g_autoptr (GBytes) body = make_body (10 * 1024 + 100, 19);
        gssize fail_at[] = { -1, 5000, 0 };

        g_test_summary ("An upload from a stream of short reads done in a thread arrives whole; "
                        "a read error before or during the upload fails the request with it");
        for (gsize i = 0; i < G_N_ELEMENTS (fail_at); i++) {
                g_autoptr (CoapUdp6Message) upload = new_request (f, COAP_UDP6_CODE_PUT, f->server_port, "echo");
                g_autoptr (GOutputStream) echoed = g_memory_output_stream_new_resizable ();
                g_autoptr (GInputStream) source = chunk_stream_new (body, 700, fail_at[i]);
                guint calls = f->echo->calls;
                TestResult r = { 0 };

                coap_udp6_context_request_stream_async (f->client, upload, source, -1, echoed, NULL, NULL,
                                                        NULL, NULL, stream_cb, &r);
                g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 30000));
                if (fail_at[i] < 0) {
                        g_assert_no_error (r.error);
                        g_assert_cmpuint (coap_udp6_message_get_code (r.response), ==, COAP_UDP6_CODE_CHANGED);
                        g_assert_true (memory_equal (G_MEMORY_OUTPUT_STREAM (echoed), body));
                        g_assert_cmpuint (f->echo->calls, ==, calls + 1);
                        g_clear_object (&r.response);
                        continue;
                }
                g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_FAILED);
                g_assert_cmpstr (r.error->message, ==, "test read failure");
                g_assert_null (r.response);
                g_assert_cmpuint (f->echo->calls, ==, calls);
                g_clear_error (&r.error);
        }
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->client, COAP_UDP6_STATISTIC_EXCHANGES), ==, 0);
}

/* A sink whose writes run in a thread (GOutputStream's default
 * write_async, as a file's) and take a while; @writing is set during one. */
#define TEST_TYPE_SLOW_SINK (test_slow_sink_get_type ())
G_DECLARE_FINAL_TYPE (TestSlowSink, test_slow_sink, TEST, SLOW_SINK, GOutputStream)

struct _TestSlowSink {
        GOutputStream parent_instance;
        GByteArray *data;
        gint writing;                       /* atomic */
};

G_DEFINE_FINAL_TYPE (TestSlowSink, test_slow_sink, G_TYPE_OUTPUT_STREAM)

static gssize
test_slow_sink_write (GOutputStream *stream,
                      const void    *buffer,
                      gsize          count,
                      GCancellable  *cancellable,
                      GError       **error)
{
        TestSlowSink *self = TEST_SLOW_SINK (stream);

        g_atomic_int_set (&self->writing, 1);
        g_usleep (50 * 1000);
        g_byte_array_append (self->data, buffer, count);
        g_atomic_int_set (&self->writing, 0);
        return count;
}

static void
test_slow_sink_finalize (GObject *object)
{
        g_byte_array_unref (TEST_SLOW_SINK (object)->data);
        G_OBJECT_CLASS (test_slow_sink_parent_class)->finalize (object);
}

static void
test_slow_sink_class_init (TestSlowSinkClass *klass)
{
        G_OBJECT_CLASS (klass)->finalize = test_slow_sink_finalize;
        G_OUTPUT_STREAM_CLASS (klass)->write_fn = test_slow_sink_write;
}

static void
test_slow_sink_init (TestSlowSink *self)
{
        self->data = g_byte_array_new ();
}

typedef struct {
        TestSlowSink *sink;
        guint during_write;                 /* blocks that arrived while a write ran */
        guint64 done;
        GCancellable *cancel;               /* unowned, nullable: cancelled during a write */
        gboolean finished;
        gboolean pending_at_finish;
        GError *error;
        CoapUdp6Message *response;
} SlowDownload;

static void
slow_progress_cb (guint64  bytes_done,
                  gint64   bytes_total,
                  gboolean upload,
                  gpointer user_data)
{
        SlowDownload *d = user_data;

        d->done = bytes_done;
        if (!g_atomic_int_get (&d->sink->writing))
                return;
        d->during_write++;
        if (d->cancel != NULL)
                g_cancellable_cancel (d->cancel);
}

static void
slow_download_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
        SlowDownload *d = user_data;

        d->response = coap_udp6_context_request_stream_finish (COAP_UDP6_CONTEXT (source), result, &d->error);
        d->pending_at_finish = g_output_stream_has_pending (G_OUTPUT_STREAM (d->sink));
        d->finished = TRUE;
}

/* Blocks are asked for while the ones received are written; a request
 * that fails during a write completes after it, with no write pending. */
static void
test_stream_writes (Fixture      *f,
                    gconstpointer data)
{
        g_autoptr (CoapUdp6Message) download = new_request (f, COAP_UDP6_CODE_GET, f->server_port, "body");
        g_autoptr (CoapUdp6Message) again = new_request (f, COAP_UDP6_CODE_GET, f->server_port, "body");
        g_autoptr (TestSlowSink) sink = g_object_new (TEST_TYPE_SLOW_SINK, NULL);
        g_autoptr (TestSlowSink) sink2 = g_object_new (TEST_TYPE_SLOW_SINK, NULL);
        g_autoptr (GCancellable) cancellable = g_cancellable_new ();
        SlowDownload d = { 0 };

        g_test_summary ("A download into a sink that writes slowly from a thread goes on during the "
                        "writes and arrives whole; cancelled during a write, it completes once the "
                        "write ended");
        g_clear_pointer (&f->body->body, g_bytes_unref);
        f->body->body = make_body (300 * 1024, 20);
        d.sink = sink;
        coap_udp6_context_request_stream_async (f->client, download, NULL, -1, G_OUTPUT_STREAM (sink),
                                                slow_progress_cb, &d, NULL, NULL, slow_download_cb, &d);
        g_assert_true (test_iterate_until_flag (f->main_context, &d.finished, 30000));
        g_assert_no_error (d.error);
        g_assert_cmpuint (coap_udp6_message_get_code (d.response), ==, COAP_UDP6_CODE_CONTENT);
        g_assert_false (d.pending_at_finish);
        g_assert_cmpmem (sink->data->data, sink->data->len, g_bytes_get_data (f->body->body, NULL),
                         g_bytes_get_size (f->body->body));
        g_test_message ("%u of 300 blocks arrived during a write", d.during_write);
        g_assert_cmpuint (d.during_write, >, 0);
        g_clear_object (&d.response);

        memset (&d, 0, sizeof d);
        d.sink = sink2;
        d.cancel = cancellable;
        coap_udp6_context_request_stream_async (f->client, again, NULL, -1, G_OUTPUT_STREAM (sink2),
                                                slow_progress_cb, &d, NULL, cancellable, slow_download_cb, &d);
        g_assert_true (test_iterate_until_flag (f->main_context, &d.finished, 30000));
        g_assert_error (d.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
        g_assert_false (d.pending_at_finish);
        g_assert_cmpuint (d.during_write, >=, 1);
        g_assert_cmpuint (d.done, <, 300 * 1024);
        g_clear_error (&d.error);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->client, COAP_UDP6_STATISTIC_EXCHANGES), ==, 0);
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
        g_test_add ("/blockwise/" path, Fixture, data, fixture_setup, func, fixture_teardown)
        ADD ("download-4200", test_download, GSIZE_TO_POINTER (4200));
        ADD ("download-100k", test_download, GSIZE_TO_POINTER (100 * 1024));
        ADD ("upload-4200", test_upload, GSIZE_TO_POINTER (4200));
        ADD ("upload-100k", test_upload, GSIZE_TO_POINTER (100 * 1024));
        ADD ("concurrent-uploads", test_concurrent_uploads, NULL);
        ADD ("separate-response", test_separate_response, NULL);
        ADD ("too-large", test_too_large, NULL);
        ADD ("wrong-num", test_wrong_num, NULL);
        ADD ("stale-answer", test_stale_answer, NULL);
        ADD ("stale-answers-give-up", test_stale_answers_give_up, NULL);
        ADD ("stale-continue", test_stale_continue, NULL);
        ADD ("etag-change", test_etag_change, NULL);
        ADD ("413-block-size", test_413_block_size, NULL);
        ADD ("per-request-size", test_per_request_size, NULL);
        ADD ("echo", test_echo, NULL);
        ADD ("server-rules", test_server_rules, NULL);
        ADD ("limits", test_limits, NULL);
        ADD ("loss", test_loss, NULL);
        ADD ("streams", test_streams, NULL);
        ADD ("stream-cancel", test_stream_cancel, NULL);
        ADD ("stream-reads", test_stream_reads, NULL);
        ADD ("stream-writes", test_stream_writes, NULL);
        return g_test_run ();
}
