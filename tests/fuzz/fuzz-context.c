/* fuzz-context.c: stateful libFuzzer target for a context (issue 6 item 3)
 *
 * Each input is a program run against a fresh server context on [::1]:0
 * whose clock is a variable of ours (coap_udp6_context_set_clock), so
 * retransmissions, exchange deadlines, multicast leisure and duplicate
 * expiry happen when the input says so. The first HEADER_SIZE bytes pick
 * the transmission parameters and small table limits; the rest is a
 * stream of operations (see the Op enum): datagrams from eight remotes
 * (four loopback ports with sockets of ours behind them, the first one
 * again as received on ff02::fd, a closed port that answers with ICMP, a
 * v4-mapped address the socket cannot reach, one without pktinfo), raw
 * or built from a few fields, replays, ACK/RST/responses forged from what
 * the context last sent to a remote (read back from our sockets), clock
 * steps, separate responses given or dropped, client requests (unicast,
 * by URI, multicast on lo — which the kernel refuses), cancellations,
 * transport errors, real datagrams through the socket, resource removal
 * and shutdown.
 *
 * After every operation the tables must be within their limits and agree
 * with the statistics; the POST counter resource must never run twice for
 * one (remote, message ID) unless the deduplication entry expired or was
 * evicted. At the end either the clock runs out (then nothing may remain
 * in flight) or the context is shut down; the context, its interface and
 * every request must be finalized, every callback called. The target runs
 * itself again with G_SLICE=always-malloc so that LeakSanitizer sees
 * leaked GObjects.
 *
 * Traffic stays on loopback. A warning is a finding, except the
 * rate-limited ones the context emits when a table is full.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "fuzz-context.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define HEADER_SIZE 8
#define MAX_KEPT 32
#define MAX_CANCELLABLES 16
#define MAX_ITERATIONS 1000

/* Where each remote's datagrams really go: a sink socket, or none. */
enum { REMOTE_MCAST = 4, REMOTE_DEAD = 5, REMOTE_V4 = 6, REMOTE_NO_PKTINFO = 7 };
static const int remote_sink[N_REMOTES] = { 0, 1, 2, 3, 0, -1, -1, 1 };

typedef enum {
        OP_FEED,
        OP_FEED_REQUEST,
        OP_REPLAY,
        OP_FORGE,
        OP_CLOCK,
        OP_RESPOND,
        OP_DROP,
        OP_REQUEST,
        OP_CANCEL,
        OP_ERROR,
        OP_ITERATE,
        OP_REAL,
        OP_RESOURCE,
        OP_SHUTDOWN,
        N_OPS
} Op;

typedef enum {
        MODE_IMMEDIATE,
        MODE_COUNTER,
        MODE_SEPARATE,
        MODE_DROP,
        MODE_FAIL,
        MODE_NESTED,
} Mode;

static const char *const paths[][3] = {
        { "imm", NULL }, { "counter", NULL }, { "slow", NULL }, { "drop", NULL },
        { ".well-known", "core", NULL }, { "missing", NULL }, { "nested", NULL }, { "fail", NULL },
};

static struct {
        GMainContext *main_context;
        int sinks[N_SINKS];
        guint16 sink_ports[N_SINKS];
        guint16 dead_port;
        guint lo_index;
        Fuzz *current;
} global;

/* The resource: what it does depends on its mode. */
#define FUZZ_TYPE_RESOURCE (fuzz_resource_get_type ())
G_DECLARE_FINAL_TYPE (FuzzResource, fuzz_resource, FUZZ, RESOURCE, CoapUdp6Resource)

struct _FuzzResource {
        CoapUdp6Resource parent_instance;
        Mode mode;
};

G_DEFINE_FINAL_TYPE (FuzzResource, fuzz_resource, COAP_UDP6_TYPE_RESOURCE)

static void iterate (guint max);
static void op_shutdown (Fuzz *f);
static void send_real (Fuzz *f, guint sink, GBytes *datagram);

static void
fuzz_resource_render (CoapUdp6Resource *resource,
                      CoapUdp6Request  *request)
{
        FuzzResource *self = FUZZ_RESOURCE (resource);
        Fuzz *f = global.current;
        CoapUdp6Message *message = coap_udp6_request_get_message (request);
        g_autoptr (CoapUdp6Message) response = NULL;
        g_autoptr (GError) error = NULL;

        switch (self->mode) {
        case MODE_IMMEDIATE:
                response = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK, COAP_UDP6_CODE_CONTENT);
                coap_udp6_message_set_payload (response, coap_udp6_message_get_payload (message));
                coap_udp6_request_respond (request, response);
                break;
        case MODE_COUNTER:
                if (coap_udp6_message_get_code (message) == COAP_UDP6_CODE_POST)
                        fuzz_count_execution (f, request);
                coap_udp6_request_respond_code (request, COAP_UDP6_CODE_CHANGED, NULL);
                break;
        case MODE_SEPARATE:
                if (f->kept->len < MAX_KEPT) {
                        coap_udp6_request_defer (request);
                        g_ptr_array_add (f->kept, g_object_ref (request));
                }
                break;
        case MODE_DROP:
                break;
        case MODE_FAIL:
                error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "fuzz");
                coap_udp6_request_fail (request, error);
                break;
        case MODE_NESTED:
                /* A handler that runs the main loop while another datagram
                 * waits: the socket source recurses into the context. A
                 * payload "s…" shuts the context down from inside. */
                if (f->nesting < 2) {
                        g_autoptr (GBytes) again = coap_udp6_message_encode (message, NULL);

                        f->nesting++;
                        if (again != NULL)
                                send_real (f, f->nesting, again);
                        iterate (4);
                        f->nesting--;
                }
                if (g_bytes_get_size (coap_udp6_message_get_payload (message)) > 0 &&
                    *(const char *) g_bytes_get_data (coap_udp6_message_get_payload (message), NULL) == 's')
                        op_shutdown (f);
                coap_udp6_request_respond_code (request, COAP_UDP6_CODE_CONTENT, NULL);
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

static void
add_resource (CoapUdp6Context *ctx,
              const char      *path,
              Mode             mode)
{
        g_autoptr (FuzzResource) resource = g_object_new (FUZZ_TYPE_RESOURCE, NULL);

        resource->mode = mode;
        coap_udp6_context_add_resource (ctx, path, COAP_UDP6_RESOURCE (resource));
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
        int fd;

        global.main_context = fuzz_stateful_initialize (*argv);
        global.lo_index = if_nametoindex ("lo");
        for (guint i = 0; i < N_SINKS; i++)
                global.sinks[i] = fuzz_open_sink (&global.sink_ports[i]);
        /* A port nobody listens on: datagrams there come back as ICMP. */
        fd = fuzz_open_sink (&global.dead_port);
        close (fd);
        return 0;
}

static CoapUdp6EndpointAddress *
make_remote (CoapUdp6MessageInterface *iface,
             const char               *address,
             guint16                   port,
             const char               *local)
{
        g_autoptr (GInetAddress) inet = g_inet_address_new_from_string (address);
        g_autoptr (GSocketAddress) sockaddr = g_inet_socket_address_new (inet, port);
        g_autoptr (CoapUdp6Pktinfo) pktinfo = NULL;

        if (local != NULL) {
                g_autoptr (GInetAddress) local_inet = g_inet_address_new_from_string (local);

                pktinfo = coap_udp6_pktinfo_new (local_inet, global.lo_index);
        }
        return coap_udp6_endpoint_address_new (G_INET_SOCKET_ADDRESS (sockaddr), iface, pktinfo);
}

static void
make_remotes (Fuzz *f)
{
        for (guint i = 0; i < N_SINKS; i++)
                f->remotes[i] = make_remote (f->iface, "::1", global.sink_ports[i], "::1");
        f->remotes[REMOTE_MCAST] = make_remote (f->iface, "::1", global.sink_ports[0], "ff02::fd");
        f->remotes[REMOTE_DEAD] = make_remote (f->iface, "::1", global.dead_port, "::1");
        f->remotes[REMOTE_V4] = make_remote (f->iface, "::ffff:127.0.0.1", global.sink_ports[2], NULL);
        f->remotes[REMOTE_NO_PKTINFO] = make_remote (f->iface, "::1", global.sink_ports[1], NULL);
}

static gint64
fuzz_clock (gpointer data)
{
        return ((Fuzz *) data)->now;
}

static void
configure (Fuzz  *f,
           FuzzInput *in)
{
        guint8 h[HEADER_SIZE];

        for (guint i = 0; i < HEADER_SIZE; i++)
                h[i] = fuzz_take (in);
        g_object_set (f->ctx,
                      "ack-timeout", (1 + h[0]) * 0.01,
                      "ack-random-factor", (h[1] & 0x80) ? 1.5 : 1.0,
                      "max-retransmit", (guint) h[1] % 5,
                      "nstart", 1 + (guint) (h[1] >> 4) % 3,
                      "max-latency", (h[2] % 8) * 0.25,
                      "default-leisure", ((h[2] >> 3) % 4) * 0.1,
                      "max-dedup-entries", 1 + (guint) h[3] % 16,
                      "max-dedup-entries-per-remote", 1 + (guint) h[4] % 8,
                      "max-pending-requests", 1 + (guint) h[5] % 8,
                      "max-dedup-bytes", (guint) (h[5] >> 3) * 64,
                      "max-exchanges", 1 + (guint) h[6] % 8,
                      NULL);
        g_random_set_seed (h[7]);
}

static void
drain_sinks (Fuzz *f)
{
        guint8 buffer[2048];

        for (guint i = 0; i < N_SINKS; i++) {
                ssize_t n;

                while ((n = recv (global.sinks[i], buffer, sizeof buffer, 0)) >= 0) {
                        if (f == NULL)
                                continue;
                        g_clear_pointer (&f->last_sent[i], g_bytes_unref);
                        f->last_sent[i] = g_bytes_new (buffer, n);
                }
        }
}

static void
iterate (guint max)
{
        for (guint i = 0; i < max && g_main_context_iteration (global.main_context, FALSE); i++)
                ;
}

static void
feed (Fuzz   *f,
      GBytes *datagram,
      guint   r)
{
        fuzz_note_datagram (f, f->remotes[r], datagram);
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

static void
op_feed (Fuzz  *f,
         FuzzInput *in)
{
        guint r = fuzz_take (in) % N_REMOTES;
        g_autoptr (GBytes) datagram = fuzz_take_bytes (in, fuzz_take (in));

        feed (f, datagram, r);
}

/* A request built from fields, so most of them reach a resource. */
static void
op_feed_request (Fuzz  *f,
                 FuzzInput *in)
{
        guint r = fuzz_take (in) % N_REMOTES;
        guint flags = fuzz_take (in);
        g_autoptr (CoapUdp6Message) message = coap_udp6_message_new (flags & 1, 1 + fuzz_take (in) % 8);
        g_autoptr (GBytes) payload = NULL;

        coap_udp6_message_set_mid (message, fuzz_take16 (in));
        coap_udp6_message_set_uri_path (message, paths[(flags >> 1) % G_N_ELEMENTS (paths)]);
        if (flags & 0x10) {
                g_autoptr (GBytes) token = fuzz_take_bytes (in, fuzz_take (in) % 9);

                coap_udp6_message_set_token (message, token);
        }
        if (flags & 0x20)
                coap_udp6_message_set_no_response (message, fuzz_take (in) & 0x1a);
        if (flags & 0x40) {
                g_autoptr (GBytes) value = fuzz_take_bytes (in, 1);

                /* 13 is unassigned and critical: 4.02 Bad Option. */
                coap_udp6_message_add_option (message, 13, value);
        }
        if (flags & 0x80)
                coap_udp6_message_set_mtype (message, COAP_UDP6_MESSAGE_TYPE_NON);
        payload = fuzz_take_bytes (in, fuzz_take (in) % 16);
        coap_udp6_message_set_payload (message, payload);
        feed_message (f, message, r);
}

static void
op_replay (Fuzz  *f,
           FuzzInput *in)
{
        guint8 b = fuzz_take (in);
        g_autoptr (GBytes) datagram = NULL;

        if (f->last_fed.datagram == NULL)
                return;
        datagram = g_bytes_ref (f->last_fed.datagram);
        feed (f, datagram, (b & 0x80) ? b % N_REMOTES : f->last_fed.remote);
}

/* An answer to what the context last sent to remote r: ACK or RST with its
 * message ID, or a response with its token. */
static void
op_forge (Fuzz  *f,
          FuzzInput *in)
{
        guint r = fuzz_take (in) % N_REMOTES;
        guint kind = fuzz_take (in);
        int sink = remote_sink[r];
        g_autoptr (CoapUdp6Message) sent = NULL;
        g_autoptr (CoapUdp6Message) answer = NULL;
        guint mid = 0;
        guint code = COAP_UDP6_CODE_EMPTY;
        CoapUdp6MessageType mtype = COAP_UDP6_MESSAGE_TYPE_ACK;

        if (sink >= 0 && f->last_sent[sink] != NULL)
                sent = coap_udp6_message_decode (f->last_sent[sink], NULL, NULL);
        if (sent != NULL)
                mid = coap_udp6_message_get_mid (sent);
        switch (kind % 6) {
        case 0: break;
        case 1: mtype = COAP_UDP6_MESSAGE_TYPE_RST; break;
        case 2: code = 64 + fuzz_take (in) % 128; break;
        case 3: mtype = COAP_UDP6_MESSAGE_TYPE_CON; code = 64 + fuzz_take (in) % 128; mid = fuzz_take16 (in); break;
        case 4: mtype = COAP_UDP6_MESSAGE_TYPE_NON; code = 64 + fuzz_take (in) % 128; mid = fuzz_take16 (in); break;
        case 5: mid = (mid + fuzz_take (in)) & 0xffff; break;
        }
        answer = coap_udp6_message_new (mtype, code);
        coap_udp6_message_set_mid (answer, mid);
        if (code != COAP_UDP6_CODE_EMPTY && sent != NULL)
                coap_udp6_message_set_token (answer, coap_udp6_message_get_token (sent));
        if (kind & 0x80) {
                g_autoptr (GBytes) payload = fuzz_take_bytes (in, fuzz_take (in) % 16);

                coap_udp6_message_set_payload (answer, payload);
        }
        feed_message (f, answer, r);
}

static void
op_clock (Fuzz  *f,
          FuzzInput *in)
{
        guint b = fuzz_take (in);
        gint64 ms = b < 200 ? b : (gint64) (b - 199) * 1000;

        f->now += ms * 1000;
        coap_udp6_context_run_due_timers (f->ctx);
}

static const guint response_codes[] = {
        COAP_UDP6_CODE_CONTENT, COAP_UDP6_CODE_CHANGED, COAP_UDP6_CODE_NOT_FOUND,
        COAP_UDP6_CODE_BAD_REQUEST, COAP_UDP6_CODE_INTERNAL_SERVER_ERROR,
        COAP_UDP6_CODE_SERVICE_UNAVAILABLE, COAP_UDP6_CODE_VALID, 0xe0,
};

static void
op_respond (Fuzz  *f,
            FuzzInput *in,
            gboolean drop)
{
        guint8 b = fuzz_take (in);
        CoapUdp6Request *request;

        if (f->kept->len == 0)
                return;
        request = g_ptr_array_index (f->kept, b % f->kept->len);
        if (!drop) {
                guint code = response_codes[fuzz_take (in) % G_N_ELEMENTS (response_codes)];

                /* respond refuses a code that is not a response with a
                 * critical (a caller's bug): the request is then dropped. */
                if (coap_udp6_code_is_response (code))
                        coap_udp6_request_respond_code (request, code, (b & 0x80) ? "later" : NULL);
                /* Only the first response counts. */
                if (b & 0x40)
                        coap_udp6_request_respond_code (request, COAP_UDP6_CODE_CONTENT, NULL);
        }
        g_ptr_array_remove_index (f->kept, b % f->kept->len);
}

static void
request_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
        Fuzz *f = user_data;
        g_autoptr (GError) error = NULL;

        if (g_task_get_source_tag (G_TASK (result)) == coap_udp6_context_request_multicast_async) {
                GPtrArray *responses = coap_udp6_context_request_multicast_finish (
                        COAP_UDP6_CONTEXT (source), result, &error);

                g_clear_pointer (&responses, g_ptr_array_unref);
        } else {
                g_autoptr (CoapUdp6Message) response = coap_udp6_context_request_finish (
                        COAP_UDP6_CONTEXT (source), result, &error);

                g_assert_true ((response == NULL) != (error == NULL));
        }
        f->finished++;
}

/* A new one, or (reuse) the last one, which may be cancelled already. */
static GCancellable *
get_cancellable (Fuzz    *f,
                 gboolean reuse)
{
        GCancellable *cancellable;

        if (reuse && f->cancellables->len > 0)
                return g_ptr_array_index (f->cancellables, f->cancellables->len - 1);
        if (f->cancellables->len >= MAX_CANCELLABLES)
                return NULL;
        cancellable = g_cancellable_new ();
        g_ptr_array_add (f->cancellables, cancellable);
        return cancellable;
}

/* Link-local multicast scoped to lo, where the kernel refuses to send. */
static CoapUdp6EndpointAddress *
make_group_remote (Fuzz   *f,
                   guint16 port)
{
        g_autoptr (GInetAddress) inet = g_inet_address_new_from_string ("ff02::fd");
        g_autoptr (GSocketAddress) sockaddr = g_object_new (G_TYPE_INET_SOCKET_ADDRESS,
                                                            "address", inet, "port", port,
                                                            "scope-id", global.lo_index, NULL);

        return coap_udp6_endpoint_address_new (G_INET_SOCKET_ADDRESS (sockaddr), f->iface, NULL);
}

static void
op_request (Fuzz  *f,
            FuzzInput *in)
{
        guint r = fuzz_take (in) % N_REMOTES;
        guint flags = fuzz_take (in);
        g_autoptr (CoapUdp6Message) message = coap_udp6_message_new (flags & 1, 1 + (flags >> 1) % 4);
        GCancellable *cancellable = (flags & 0x10) ? get_cancellable (f, flags & 0x08) : NULL;
        const char *const path[] = { "x", NULL };
        int sink = remote_sink[r];

        if ((flags & 0x60) == 0x60) {
                g_autoptr (CoapUdp6EndpointAddress) group = make_group_remote (f, global.sink_ports[0]);

                coap_udp6_message_set_remote (message, group);
                coap_udp6_message_set_uri_path (message, path);
        } else if ((flags & 0x20) && sink >= 0) {
                g_autofree char *uri = g_strdup_printf ("coap://[::1]:%u/x", global.sink_ports[sink]);

                g_assert_true (coap_udp6_message_set_request_uri (message, uri, NULL));
        } else {
                coap_udp6_message_set_remote (message, f->remotes[r]);
                coap_udp6_message_set_uri_path (message, path);
        }
        f->started++;
        if (flags & 0x80)
                coap_udp6_context_request_multicast_async (f->ctx, message, fuzz_take (in), cancellable,
                                                           request_cb, f);
        else
                coap_udp6_context_request_async (f->ctx, message, cancellable, request_cb, f);
}

static void
op_cancel (Fuzz  *f,
           FuzzInput *in)
{
        guint8 b = fuzz_take (in);

        if (f->cancellables->len > 0)
                g_cancellable_cancel (g_ptr_array_index (f->cancellables, b % f->cancellables->len));
}

static void
op_error (Fuzz  *f,
          FuzzInput *in)
{
        guint r = fuzz_take (in) % N_REMOTES;
        g_autoptr (GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED,
                                                        "fuzz: port unreachable");

        coap_udp6_message_manager_dispatch_error (COAP_UDP6_MESSAGE_MANAGER (f->ctx), error,
                                                  f->remotes[r]);
}

static void
send_real (Fuzz   *f,
           guint   sink,
           GBytes *datagram)
{
        struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT,
                                   .sin6_port = htons (coap_udp6_context_get_local_port (f->ctx)) };
        gsize size;
        gconstpointer data = g_bytes_get_data (datagram, &size);

        if (to.sin6_port == 0)
                return;
        fuzz_note_datagram (f, f->remotes[sink], datagram);
        (void) sendto (global.sinks[sink], data, size, 0, (struct sockaddr *) &to, sizeof to);
}

/* Datagrams through the real socket: pktinfo, reception in batches, the
 * ICMP queue. */
static void
op_real (Fuzz  *f,
         FuzzInput *in)
{
        guint b = fuzz_take (in);
        g_autoptr (GBytes) datagram = fuzz_take_bytes (in, fuzz_take (in));

        for (guint i = 0; i <= b / N_SINKS % 4; i++)
                send_real (f, b % N_SINKS, datagram);
        iterate (16);
}

static void
op_resource (Fuzz  *f,
             FuzzInput *in)
{
        guint8 b = fuzz_take (in);

        if (b & 1)
                coap_udp6_context_remove_resource (f->ctx, paths[b / 2 % 4][0]);
        else
                add_resource (f->ctx, "slow", MODE_SEPARATE);
}

static void
shutdown_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
        Fuzz *f = user_data;

        g_assert_true (coap_udp6_context_shutdown_finish (COAP_UDP6_CONTEXT (source), result, NULL));
        f->shutdown_done = TRUE;
}

static void
op_shutdown (Fuzz *f)
{
        if (f->shutdown_started)
                return;
        f->shutdown_started = TRUE;
        coap_udp6_context_shutdown_async (f->ctx, NULL, shutdown_cb, f);
}

static void
run_op (Fuzz  *f,
        FuzzInput *in)
{
        switch ((Op) (fuzz_take (in) % N_OPS)) {
        case OP_FEED: op_feed (f, in); break;
        case OP_FEED_REQUEST: op_feed_request (f, in); break;
        case OP_REPLAY: op_replay (f, in); break;
        case OP_FORGE: op_forge (f, in); break;
        case OP_CLOCK: op_clock (f, in); break;
        case OP_RESPOND: op_respond (f, in, FALSE); break;
        case OP_DROP: op_respond (f, in, TRUE); break;
        case OP_REQUEST: op_request (f, in); break;
        case OP_CANCEL: op_cancel (f, in); break;
        case OP_ERROR: op_error (f, in); break;
        case OP_ITERATE: iterate (16); break;
        case OP_REAL: op_real (f, in); break;
        case OP_RESOURCE: op_resource (f, in); break;
        case OP_SHUTDOWN: op_shutdown (f); break;
        case N_OPS: g_assert_not_reached ();
        }
}

static gboolean
settled (Fuzz *f)
{
        return f->started == f->finished && (!f->shutdown_started || f->shutdown_done);
}

/* Liveness: once every deadline has passed, nothing may be in flight. */
static void
run_out_the_clock (Fuzz *f)
{
        CoapUdp6Context *ctx = f->ctx;

        iterate (MAX_ITERATIONS);
        for (guint i = 0; i < 64 && coap_udp6_timers_get_length (ctx->timers) > 0; i++) {
                f->now += (gint64) 3600 * G_USEC_PER_SEC;
                coap_udp6_context_run_due_timers (ctx);
                iterate (MAX_ITERATIONS);
        }
        g_assert_cmpuint (coap_udp6_timers_get_length (ctx->timers), ==, 0);
        g_assert_cmpuint (g_hash_table_size (ctx->exchanges), ==, 0);
        g_assert_cmpuint (ctx->delayed.length, ==, 0);
}

/* Owed responses are dropped (5.00), then either the clock runs far ahead
 * until every timer has fired and the last reference disposes of the
 * context, or it is shut down first; either way every callback must come,
 * and the context must be finalized. */
static void
teardown (Fuzz    *f,
          gboolean drain_timers)
{
        CoapUdp6Context *ctx = f->ctx;
        gpointer ctx_alive = ctx, iface_alive = f->iface;

        g_ptr_array_set_size (f->kept, 0);
        drain_sinks (f);
        if (drain_timers && !f->shutdown_started)
                run_out_the_clock (f);
        else
                op_shutdown (f);
        for (guint i = 0; i < MAX_ITERATIONS && !settled (f); i++)
                iterate (MAX_ITERATIONS);
        if (!settled (f))
                g_error ("%u of %u request callbacks after teardown", f->finished, f->started);
        fuzz_check_invariants (f);
        g_assert_cmpuint (g_hash_table_size (ctx->exchanges), ==, 0);
        g_assert_cmpuint (g_hash_table_size (ctx->transmissions), ==, 0);
        g_assert_cmpuint (ctx->pending_requests, ==, 0);
        g_object_add_weak_pointer (G_OBJECT (ctx), &ctx_alive);
        g_object_add_weak_pointer (G_OBJECT (f->iface), &iface_alive);
        for (guint i = 0; i < N_REMOTES; i++)
                g_clear_object (&f->remotes[i]);
        g_clear_object (&f->ctx);
        iterate (MAX_ITERATIONS);
        if (ctx_alive != NULL || iface_alive != NULL)
                g_error ("the context or its interface outlived its last reference");
}

static void
fuzz_clear (Fuzz *f)
{
        for (guint i = 0; i < N_SINKS; i++)
                g_clear_pointer (&f->last_sent[i], g_bytes_unref);
        g_clear_pointer (&f->last_fed.datagram, g_bytes_unref);
        g_clear_pointer (&f->kept, g_ptr_array_unref);
        g_clear_pointer (&f->cancellables, g_ptr_array_unref);
        g_clear_pointer (&f->executed, g_hash_table_unref);
        g_clear_pointer (&f->tracked, g_hash_table_unref);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
        const char *const binds[] = { "[::1]:0", NULL };
        FuzzInput in = { data, size, 0 };
        Fuzz f = { 0 };
        g_autoptr (GError) error = NULL;
        gboolean drain_timers = size > 6 && (data[6] & 0x80);

        drain_sinks (NULL);
        f.ctx = coap_udp6_context_new_server (binds, NULL, &error);
        g_assert_no_error (error);
        f.iface = g_ptr_array_index (f.ctx->interfaces, 0);
        f.now = G_USEC_PER_SEC;
        coap_udp6_context_set_clock (f.ctx, fuzz_clock, &f);
        configure (&f, &in);
        add_resource (f.ctx, "imm", MODE_IMMEDIATE);
        add_resource (f.ctx, "counter", MODE_COUNTER);
        add_resource (f.ctx, "slow", MODE_SEPARATE);
        add_resource (f.ctx, "drop", MODE_DROP);
        add_resource (f.ctx, "fail", MODE_FAIL);
        add_resource (f.ctx, "nested", MODE_NESTED);
        make_remotes (&f);
        f.kept = g_ptr_array_new_with_free_func (g_object_unref);
        f.cancellables = g_ptr_array_new_with_free_func (g_object_unref);
        f.executed = g_hash_table_new_full (coap_udp6_mid_key_hash, coap_udp6_mid_key_equal,
                                            coap_udp6_mid_key_free, g_free);
        f.tracked = g_hash_table_new_full (coap_udp6_mid_key_hash, coap_udp6_mid_key_equal,
                                           coap_udp6_mid_key_free, g_free);
        global.current = &f;
        while (in.pos < in.size) {
                run_op (&f, &in);
                drain_sinks (&f);
                fuzz_check_invariants (&f);
        }
        teardown (&f, drain_timers);
        global.current = NULL;
        fuzz_clear (&f);
        return 0;
}
