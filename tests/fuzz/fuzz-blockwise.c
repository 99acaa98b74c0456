/* fuzz-blockwise.c: stateful libFuzzer target for the server's block-wise
 * reassembly (RFC 7959, Request-Tag of RFC 9175 §3)
 *
 * Each input is a program run against a fresh server context on [::1]:0
 * whose clock is a variable of ours. The first HEADER_SIZE bytes pick the
 * block size and small limits (max-body-size, max-block-entries,
 * max-block-bytes); the rest is a stream of operations: Block1 blocks from
 * eight remotes (eight loopback sockets of ours) with four Request-Tags,
 * any NUM, SZX (7 included), M bit, size and Size1, in or out of order;
 * whole uploads block after block; Block2 requests for any block of a
 * resource whose representation changes; raw datagrams; replays of a
 * message ID; clock steps.
 *
 * Every upload body follows a pattern fixed by its remote, Request-Tag
 * and offset, so a handler that ever sees a body mixed from two uploads,
 * or with a block missing or twice, aborts. After every operation the
 * kept entries and their bytes must be within the limits; at the end the
 * clock passes EXCHANGE_LIFETIME and nothing may be kept, and the context
 * must be finalized. The target runs itself again with
 * G_SLICE=always-malloc so that LeakSanitizer sees leaked GObjects.
 *
 * Traffic stays on loopback.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-context-private.h"
#include "fuzz-stateful.h"

#include <coap-udp6/coap-udp6.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define HEADER_SIZE 4
#define N_REMOTES 8
/* Raw datagrams and replays from elsewhere come from this remote, whose
 * bodies follow no pattern. */
#define REMOTE_RAW (N_REMOTES - 1)
#define N_TAGS 4
#define MAX_ITERATIONS 64
#define MAX_BIG 6000

typedef enum {
        OP_BLOCK1,
        OP_UPLOAD,
        OP_BLOCK2,
        OP_CLOCK,
        OP_RAW,
        OP_REPLAY,
        OP_CHANGE,
        N_OPS
} Op;

typedef enum {
        MODE_STORE,                         /* checks the body, answers 2.04 */
        MODE_ECHO,                          /* answers with the body */
        MODE_BIG,                           /* a representation that changes */
        MODE_STREAM,                        /* stream-uploads: reads, checks, answers 2.04 */
} Mode;

static const char *const mode_paths[] = { "store", "echo", "big", "stream" };

typedef struct {
        CoapUdp6Context *ctx;
        CoapUdp6EndpointAddress *remotes[N_REMOTES];
        gint64 now;
        guint next_mid;
        guint big_length;
        guint big_version;
        FuzzLastFed last_fed;
        guint64 bodies_checked;
        GPtrArray *readers;                 /* of StreamReader, owned */
} Fuzz;

/* A stream-uploads request being read: every byte must follow the
 * pattern of its remote and Request-Tag, at its offset. */
typedef struct {
        CoapUdp6Request *request;           /* owned */
        guint seed;
        gboolean check;
        guint64 offset;
        gboolean done;
} StreamReader;

static struct {
        GMainContext *main_context;
        int sinks[N_REMOTES];
        guint16 sink_ports[N_REMOTES];
        Fuzz *current;
} global;

static guint8
pattern (guint   seed,
         guint64 offset)
{
        return (guint8) (seed * 31 + offset * 7 + offset / 251);
}

static guint
seed_of (guint remote,
         guint tag)
{
        return remote * N_TAGS + tag;
}

static guint
remote_index (CoapUdp6EndpointAddress *remote)
{
        GInetSocketAddress *sockaddr = coap_udp6_endpoint_address_get_sockaddr (remote);
        guint16 port = g_inet_socket_address_get_port (sockaddr);

        for (guint i = 0; i < N_REMOTES; i++)
                if (global.sink_ports[i] == port)
                        return i;
        g_error ("a request from a remote that is not ours");
}

static guint
tag_of (CoapUdp6Message *message)
{
        g_autoptr (GBytes) tag = coap_udp6_message_get_opaque (message, COAP_UDP6_OPTION_REQUEST_TAG);
        gsize len = 0;
        const guint8 *data = tag != NULL ? g_bytes_get_data (tag, &len) : NULL;

        return len == 1 ? data[0] % N_TAGS : 0;
}

/* The whole body must be the pattern of its remote and Request-Tag. */
static void
check_body (Fuzz            *f,
            CoapUdp6Message *message)
{
        GBytes *payload = coap_udp6_message_get_payload (message);
        gsize len = 0;
        const guint8 *data = payload != NULL ? g_bytes_get_data (payload, &len) : NULL;
        guint remote = remote_index (coap_udp6_message_get_remote (message));
        guint seed = seed_of (remote, tag_of (message));

        for (gsize i = 0; i < len && remote != REMOTE_RAW; i++)
                if (data[i] != pattern (seed, i))
                        g_error ("byte %" G_GSIZE_FORMAT " of a %" G_GSIZE_FORMAT "-byte body is wrong", i, len);
        g_assert_cmpuint (len, <=, f->ctx->max_body_size);
        f->bodies_checked++;
}

static void
reader_free (gpointer data)
{
        StreamReader *reader = data;

        g_clear_object (&reader->request);
        g_free (reader);
}

static void
stream_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
        StreamReader *reader = user_data;
        g_autoptr (GError) error = NULL;
        g_autoptr (GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
        gsize len = 0;
        const guint8 *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

        if (bytes == NULL) {
                /* Abandoned: a block missing or the entry dropped. */
                g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
                coap_udp6_request_respond_code (reader->request, COAP_UDP6_CODE_BAD_REQUEST, NULL);
                reader->done = TRUE;
                return;
        }
        for (gsize i = 0; i < len && reader->check; i++)
                if (data[i] != pattern (reader->seed, reader->offset + i))
                        g_error ("byte %" G_GUINT64_FORMAT " of a streamed body is wrong", reader->offset + i);
        reader->offset += len;
        if (len == 0) {
                coap_udp6_request_respond_code (reader->request, COAP_UDP6_CODE_CHANGED, NULL);
                reader->done = TRUE;
                return;
        }
        g_input_stream_read_bytes_async (G_INPUT_STREAM (source), 700, G_PRIORITY_DEFAULT, NULL,
                                         stream_read_cb, reader);
}

static void
stream_render (Fuzz            *f,
               CoapUdp6Request *request,
               CoapUdp6Message *message)
{
        GInputStream *stream = coap_udp6_request_get_body_stream (request);
        StreamReader *reader;
        guint remote = remote_index (coap_udp6_message_get_remote (message));

        if (stream == NULL) {
                coap_udp6_request_respond_code (request, COAP_UDP6_CODE_CHANGED, NULL);
                return;
        }
        reader = g_new0 (StreamReader, 1);
        reader->request = g_object_ref (request);
        reader->seed = seed_of (remote, tag_of (message));
        reader->check = remote != REMOTE_RAW;
        g_ptr_array_add (f->readers, reader);
        coap_udp6_request_defer (request);
        g_input_stream_read_bytes_async (stream, 700, G_PRIORITY_DEFAULT, NULL, stream_read_cb, reader);
}

#define FUZZ_TYPE_RESOURCE (fuzz_resource_get_type ())
G_DECLARE_FINAL_TYPE (FuzzResource, fuzz_resource, FUZZ, RESOURCE, CoapUdp6Resource)

struct _FuzzResource {
        CoapUdp6Resource parent_instance;
        Mode mode;
};

G_DEFINE_FINAL_TYPE (FuzzResource, fuzz_resource, COAP_UDP6_TYPE_RESOURCE)

static void
fuzz_resource_render (CoapUdp6Resource *resource,
                      CoapUdp6Request  *request)
{
        Fuzz *f = global.current;
        CoapUdp6Message *message = coap_udp6_request_get_message (request);
        g_autoptr (GBytes) body = NULL;
        guint8 *data;
        guint32 block1;

        /* A reassembled body comes without Block1; a body in one block
         * keeps its Block1 (NUM 0, M 0). */
        if (coap_udp6_message_get_option_uint (message, COAP_UDP6_OPTION_BLOCK1, &block1))
                g_assert_cmpuint (block1 >> 3, ==, 0);
        switch (FUZZ_RESOURCE (resource)->mode) {
        case MODE_STORE:
                check_body (f, message);
                coap_udp6_request_respond_code (request, COAP_UDP6_CODE_CHANGED, NULL);
                break;
        case MODE_ECHO:
                check_body (f, message);
                coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CONTENT,
                                                   coap_udp6_message_get_payload (message), -1);
                break;
        case MODE_STREAM:
                stream_render (f, request, message);
                break;
        case MODE_BIG:
                data = g_malloc (f->big_length + 1);
                for (guint i = 0; i < f->big_length; i++)
                        data[i] = pattern (f->big_version, i);
                body = g_bytes_new_take (data, f->big_length);
                coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CONTENT, body, 0);
                break;
        }
}

static void
fuzz_resource_class_init (FuzzResourceClass *klass)
{
        COAP_UDP6_RESOURCE_CLASS (klass)->render = fuzz_resource_render;
}

static void
fuzz_resource_init (FuzzResource *self)
{
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
        global.main_context = fuzz_stateful_initialize (*argv);
        for (guint i = 0; i < N_REMOTES; i++)
                global.sinks[i] = fuzz_open_sink (&global.sink_ports[i]);
        return 0;
}

static gint64
fuzz_clock (gpointer data)
{
        return ((Fuzz *) data)->now;
}

static void
drain_sinks (void)
{
        guint8 buffer[2048];

        for (guint i = 0; i < N_REMOTES; i++)
                while (recv (global.sinks[i], buffer, sizeof buffer, 0) >= 0)
                        ;
}

static void
iterate (void)
{
        for (guint i = 0; i < MAX_ITERATIONS && g_main_context_iteration (global.main_context, FALSE); i++)
                ;
}

static void
feed (Fuzz   *f,
      GBytes *datagram,
      guint   r)
{
        fuzz_feed (f->ctx, f->remotes[r], datagram);
        fuzz_last_fed_set (&f->last_fed, datagram, r);
}

static void
feed_message (Fuzz            *f,
              CoapUdp6Message *message,
              guint            r)
{
        g_autoptr (GBytes) datagram = coap_udp6_message_encode (message, NULL);

        if (datagram != NULL)
                feed (f, datagram, r);
}

static CoapUdp6Message *
new_request (Fuzz    *f,
             guint    flags,
             gboolean upload)
{
        const char *path[] = { mode_paths[flags % G_N_ELEMENTS (mode_paths)], NULL };
        guint code = upload ? ((flags & 4) ? COAP_UDP6_CODE_PUT : COAP_UDP6_CODE_POST)
                            : ((flags & 4) ? COAP_UDP6_CODE_FETCH : COAP_UDP6_CODE_GET);
        CoapUdp6Message *message = coap_udp6_message_new ((flags & 8) ? COAP_UDP6_MESSAGE_TYPE_NON
                                                                      : COAP_UDP6_MESSAGE_TYPE_CON,
                                                          code);
        guint tag = (flags >> 4) % N_TAGS;

        coap_udp6_message_set_mid (message, f->next_mid++ & 0xffff);
        coap_udp6_message_set_uri_path (message, path);
        if (tag > 0) {
                guint8 value = tag;
                g_autoptr (GBytes) bytes = g_bytes_new (&value, 1);

                coap_udp6_message_add_option (message, COAP_UDP6_OPTION_REQUEST_TAG, bytes);
        }
        if (flags & 0x40) {
                g_autoptr (GBytes) token = g_bytes_new (&f->next_mid, 4);

                coap_udp6_message_set_token (message, token);
        }
        return message;
}

/* Bytes [offset, offset + len) of the upload of remote r with that tag. */
static GBytes *
body_part (guint   r,
           guint   tag,
           guint64 offset,
           gsize   len)
{
        guint8 *data = g_malloc (len + 1);

        for (gsize i = 0; i < len; i++)
                data[i] = pattern (seed_of (r, tag), offset + i);
        return g_bytes_new_take (data, len);
}

static void
send_block1 (Fuzz    *f,
             guint    r,
             guint    flags,
             guint    num,
             gboolean more,
             guint    szx,
             gsize    len,
             gint64   size1)
{
        g_autoptr (CoapUdp6Message) message = new_request (f, flags, TRUE);
        guint64 offset = szx < 7 ? (guint64) num * COAP_UDP6_BLOCK_SIZE (szx) : 0;
        g_autoptr (GBytes) payload = body_part (r, (flags >> 4) % N_TAGS, offset, len);

        coap_udp6_message_set_option_uint (message, COAP_UDP6_OPTION_BLOCK1,
                                           COAP_UDP6_BLOCK_VALUE (num, more, szx));
        if (size1 >= 0)
                coap_udp6_message_set_size1 (message, size1);
        coap_udp6_message_set_payload (message, payload);
        feed_message (f, message, r);
}

/* One block, anywhere. */
static void
op_block1 (Fuzz  *f,
           FuzzInput *in)
{
        guint r = fuzz_take (in) % N_REMOTES;
        guint flags = fuzz_take (in);
        guint b = fuzz_take (in);
        guint szx = b % 8;
        gboolean more = b & 8;
        guint num = fuzz_take (in) % 32;
        guint sizing = fuzz_take (in);
        gsize size = COAP_UDP6_BLOCK_SIZE (MIN (szx, 6));
        gsize len = (sizing & 0x80) ? sizing % (size + 1) : size;

        send_block1 (f, r, flags, num, more, szx, len, (b & 0x10) ? fuzz_take (in) * 64 : -1);
}

/* A whole upload, block after block, perhaps with a block left out or
 * sent twice. */
static void
op_upload (Fuzz  *f,
           FuzzInput *in)
{
        guint r = fuzz_take (in) % N_REMOTES;
        guint flags = fuzz_take (in);
        guint b = fuzz_take (in);
        guint szx = b % 7;
        guint blocks = 1 + fuzz_take (in) % 24;
        guint last = fuzz_take (in) % (COAP_UDP6_BLOCK_SIZE (szx) + 1);
        guint odd = (b & 0x80) ? fuzz_take (in) % blocks : G_MAXUINT;

        for (guint num = 0; num < blocks; num++) {
                gboolean more = num + 1 < blocks;

                if (num == odd && (b & 0x40))
                        continue;
                send_block1 (f, r, flags, num, more, szx, more ? COAP_UDP6_BLOCK_SIZE (szx) : last,
                             num == 0 && (b & 0x10) ? (gint64) blocks * COAP_UDP6_BLOCK_SIZE (szx) : -1);
                if (num == odd)
                        send_block1 (f, r, flags, num, more, szx, more ? COAP_UDP6_BLOCK_SIZE (szx) : last, -1);
                if (b & 0x20)
                        iterate ();
        }
}

static void
op_block2 (Fuzz  *f,
           FuzzInput *in)
{
        guint r = fuzz_take (in) % N_REMOTES;
        guint flags = fuzz_take (in);
        guint b = fuzz_take (in);
        g_autoptr (CoapUdp6Message) message = new_request (f, flags, FALSE);

        coap_udp6_message_set_option_uint (message, COAP_UDP6_OPTION_BLOCK2,
                                           COAP_UDP6_BLOCK_VALUE (fuzz_take (in) % 64, b & 8, b % 8));
        if (b & 0x10)
                coap_udp6_message_set_accept (message, b >> 5);
        feed_message (f, message, r);
}

static void
op_clock (Fuzz  *f,
          FuzzInput *in)
{
        guint b = fuzz_take (in);

        f->now += (b < 200 ? (gint64) b * 10 : (gint64) (b - 199) * 10000) * 1000;
        coap_udp6_context_run_due_timers (f->ctx);
}

static void
op_raw (Fuzz      *f,
        FuzzInput *in)
{
        g_autoptr (GBytes) datagram = fuzz_take_bytes (in, fuzz_take (in) % 64);

        feed (f, datagram, REMOTE_RAW);
}

static void
op_replay (Fuzz  *f,
           FuzzInput *in)
{
        guint b = fuzz_take (in);
        g_autoptr (GBytes) datagram = NULL;

        if (f->last_fed.datagram == NULL)
                return;
        datagram = g_bytes_ref (f->last_fed.datagram);
        feed (f, datagram, (b & 0x80) ? REMOTE_RAW : f->last_fed.remote);
}

static void
op_change (Fuzz  *f,
           FuzzInput *in)
{
        guint hi = fuzz_take (in);

        f->big_length = (hi << 8 | fuzz_take (in)) % MAX_BIG;
        f->big_version++;
}

static void
check_limits (Fuzz *f)
{
        guint64 entries = coap_udp6_context_get_statistic (f->ctx, COAP_UDP6_STATISTIC_BLOCK_ENTRIES);
        guint64 bytes = coap_udp6_context_get_statistic (f->ctx, COAP_UDP6_STATISTIC_BLOCK_BYTES);

        g_assert_cmpuint (entries, <=, f->ctx->max_block_entries);
        g_assert_cmpuint (bytes, <=, f->ctx->max_block_bytes);
        g_assert_true (entries > 0 || bytes == 0);
}

static void
configure (Fuzz  *f,
           FuzzInput *in)
{
        guint8 h[HEADER_SIZE];

        for (guint i = 0; i < HEADER_SIZE; i++)
                h[i] = fuzz_take (in);
        g_object_set (f->ctx,
                      "block-size", 16u << (h[0] % 7),
                      "max-body-size", (guint) h[1] * 64,
                      "max-block-entries", 1 + (guint) h[2] % 16,
                      "max-block-bytes", (guint) h[3] * 128,
                      NULL);
        f->big_length = h[0] * 23 % MAX_BIG;
}

static void
add_resource (CoapUdp6Context *ctx,
              Mode             mode)
{
        g_autoptr (FuzzResource) resource = g_object_new (FUZZ_TYPE_RESOURCE, NULL);

        resource->mode = mode;
        coap_udp6_resource_set_stream_uploads (COAP_UDP6_RESOURCE (resource), mode == MODE_STREAM);
        coap_udp6_context_add_resource (ctx, mode_paths[mode], COAP_UDP6_RESOURCE (resource));
}

static void
run_op (Fuzz  *f,
        FuzzInput *in)
{
        switch ((Op) (fuzz_take (in) % N_OPS)) {
        case OP_BLOCK1: op_block1 (f, in); break;
        case OP_UPLOAD: op_upload (f, in); break;
        case OP_BLOCK2: op_block2 (f, in); break;
        case OP_CLOCK: op_clock (f, in); break;
        case OP_RAW: op_raw (f, in); break;
        case OP_REPLAY: op_replay (f, in); break;
        case OP_CHANGE: op_change (f, in); break;
        case N_OPS: g_assert_not_reached ();
        }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
        const char *const binds[] = { "[::1]:0", NULL };
        FuzzInput in = { data, size, 0 };
        Fuzz f = { 0 };
        g_autoptr (GError) error = NULL;
        gpointer alive;

        drain_sinks ();
        f.ctx = coap_udp6_context_new_server (binds, NULL, &error);
        g_assert_no_error (error);
        f.now = G_USEC_PER_SEC;
        coap_udp6_context_set_clock (f.ctx, fuzz_clock, &f);
        configure (&f, &in);
        f.readers = g_ptr_array_new_with_free_func (reader_free);
        for (Mode m = MODE_STORE; m <= MODE_STREAM; m++)
                add_resource (f.ctx, m);
        for (guint i = 0; i < N_REMOTES; i++) {
                g_autoptr (GInetAddress) inet = g_inet_address_new_from_string ("::1");
                g_autoptr (GSocketAddress) sockaddr = g_inet_socket_address_new (inet, global.sink_ports[i]);
                CoapUdp6MessageInterface *iface = g_ptr_array_index (f.ctx->interfaces, 0);

                f.remotes[i] = coap_udp6_endpoint_address_new (G_INET_SOCKET_ADDRESS (sockaddr), iface, NULL);
        }
        global.current = &f;
        while (in.pos < in.size) {
                run_op (&f, &in);
                drain_sinks ();
                check_limits (&f);
        }
        /* Nothing is kept past EXCHANGE_LIFETIME, even with no request
         * coming again. */
        iterate ();
        f.now += (gint64) (coap_udp6_context_get_exchange_lifetime (f.ctx) + 1) * G_USEC_PER_SEC;
        coap_udp6_context_run_due_timers (f.ctx);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f.ctx, COAP_UDP6_STATISTIC_BLOCK_ENTRIES), ==, 0);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f.ctx, COAP_UDP6_STATISTIC_BLOCK_BYTES), ==, 0);
        /* Every streamed upload has ended or was abandoned by now: each
         * reader gets to the end or to an error. */
        for (guint i = 0; i < f.readers->len; i++) {
                StreamReader *reader = g_ptr_array_index (f.readers, i);

                for (guint n = 0; n < MAX_ITERATIONS && !reader->done; n++)
                        iterate ();
                if (!reader->done)
                        g_error ("a streamed upload neither ended nor failed");
        }
        g_clear_pointer (&f.readers, g_ptr_array_unref);
        iterate ();
        global.current = NULL;
        for (guint i = 0; i < N_REMOTES; i++)
                g_clear_object (&f.remotes[i]);
        g_clear_pointer (&f.last_fed.datagram, g_bytes_unref);
        alive = f.ctx;
        g_object_add_weak_pointer (G_OBJECT (f.ctx), &alive);
        g_clear_object (&f.ctx);
        for (guint i = 0; i < MAX_ITERATIONS && alive != NULL; i++)
                iterate ();
        if (alive != NULL)
                g_error ("the context outlived its last reference");
        drain_sinks ();
        return 0;
}
