/* fuzz-dtls-peer.c: libFuzzer target for the coaps receive path after a
 * handshake (issue 17)
 *
 * Each input runs against a fresh coaps server on [::1]:0 with a PSK
 * table, its clock frozen. A GnuTLS client session of ours
 * (fuzz-dtls-client.c) completes a handshake with it in this process: its
 * datagrams go straight to coap_udp6_dtls_receive() as if they came from
 * a sink socket's address, and what the server sends there is read back
 * and handed to the client, so nothing depends on timing. The rest of
 * the input is a stream of operations on that established session:
 * application records the client encrypts (fuzz bytes as CoAP messages,
 * or a GET of ours), raw datagrams, alerts (encrypted or in epoch 0), a
 * renegotiation (a ClientHello in epoch 1), a new client from the same
 * address (a peer restarting: a ClientHello in epoch 0, then as many
 * handshake steps as the input says), replays of what the client side
 * sent before (whole, cut short or with a byte changed), datagrams held
 * back and released in reverse order, and clock steps.
 *
 * Invariants: no crash, no sanitizer report, no leak; a warning or a
 * critical aborts; and whenever the server holds an established session
 * for the client's address and the client is usable, a GET from the
 * client gets its answer (OP_CHECK and the end of every input), also
 * while a restarting peer has not got past the cookie exchange.
 *
 * Input: a flags byte (bit 0: ECDHE-PSK, else PSK), then operations, each
 * an Op byte and its arguments (below). tests/fuzz/make-dtls-seeds.py
 * writes the seeds in this form.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-context-private.h"
#include "coap-udp6-message-interface-private.h"
#include "fuzz-dtls-client.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

#define MAX_HISTORY 64
#define MAX_ROUNDS 16
#define MAX_APP 1100
/* The MIDs of our GETs; the fuzz's CoAP messages get MIDs below it, so
 * that deduplication never answers one of ours with another's reply. */
#define OUR_MIDS 0x8000

typedef enum {
        OP_APP,         /* 16-bit length, bytes: an application record */
        OP_GET,         /* a CON GET /hello, encrypted */
        OP_RAW,         /* 16-bit length, bytes: a datagram as it is */
        OP_ALERT,       /* flags (bit 0: encrypted, bit 1: fatal), description */
        OP_RENEGOTIATE, /* a ClientHello in epoch 1 */
        OP_RESTART,     /* steps: a new client from the same address */
        OP_REPLAY,      /* index: a datagram sent before */
        OP_TRUNCATE,    /* index, 16-bit length */
        OP_FLIP,        /* index, 16-bit position, XOR byte */
        OP_HOLD,        /* flags (bit 0: reversed): hold datagrams, or release them */
        OP_CLOCK,       /* 16 bits: tenths of a second */
        OP_CHECK,
        N_OPS
} Op;

typedef struct {
        const guint8 *data;
        gsize size;
        gsize pos;
} Input;

typedef struct {
        CoapUdp6Context *server;
        CoapUdp6Dtls *dtls;
        CoapUdp6EndpointAddress *remote;        /* the clients' address, a sink socket's */
        FuzzDtlsClient *client;                 /* established */
        FuzzDtlsClient *restart;                /* (nullable) a new handshake from the same address */
        guint restart_steps;                    /* its flights so far; the second carries the cookie */
        gboolean ecdhe;
        GPtrArray *history;                     /* GBytes the client side sent, the last MAX_HISTORY */
        GPtrArray *held;                        /* (nullable) GBytes held back */
        guint16 next_mid;
        guint16 awaited_mid;
        gboolean answered;
} Peer;

static struct {
        int sink;
        guint16 sink_port;
        GMainContext *main_context;
} global;

static guint
take (Input *in,
      guint  n_bytes)
{
        guint value = 0;

        for (guint i = 0; i < n_bytes; i++)
                value = value << 8 | (in->pos < in->size ? in->data[in->pos++] : 0);
        return value;
}

static GLogWriterOutput
quiet_writer (GLogLevelFlags   level,
              const GLogField *fields,
              gsize            n_fields,
              gpointer         user_data)
{
        if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
                return g_log_writer_default (level, fields, n_fields, user_data);
        return G_LOG_WRITER_HANDLED;
}

/* A critical or a warning is a finding: bad records must not log at that
 * level. */
int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
        struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
        socklen_t len = sizeof sin6;

        g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL |
                                G_LOG_LEVEL_WARNING);
        g_log_set_writer_func (quiet_writer, NULL, NULL);
        global.main_context = g_main_context_new ();
        g_main_context_push_thread_default (global.main_context);
        global.sink = socket (AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (global.sink < 0 || bind (global.sink, (struct sockaddr *) &sin6, sizeof sin6) < 0 ||
            getsockname (global.sink, (struct sockaddr *) &sin6, &len) < 0)
                g_error ("cannot open a sink socket on [::1]: %s", g_strerror (errno));
        global.sink_port = ntohs (sin6.sin6_port);
        return 0;
}

static void
iterate (void)
{
        for (guint i = 0; i < 4 && g_main_context_iteration (global.main_context, FALSE); i++)
                ;
}

static void
on_plaintext (const guint8 *data,
              gsize         length,
              gpointer      user_data)
{
        Peer *peer = user_data;

        if (length >= 4 && (data[2] << 8 | data[3]) == peer->awaited_mid)
                peer->answered = TRUE;
}

/* Hands what the server sent to the sink to the restarting client if
 * there is one and the datagram begins in epoch 0 (RFC 6347 §4.1), else
 * to the established one. */
static void
collect (Peer *peer)
{
        guint8 buffer[2048];
        ssize_t n;

        iterate ();
        while ((n = recv (global.sink, buffer, sizeof buffer, 0)) >= 0) {
                g_autoptr (GBytes) datagram = g_bytes_new (buffer, n);
                gboolean epoch0 = n >= 5 && buffer[3] == 0 && buffer[4] == 0;

                fuzz_dtls_client_feed (peer->restart != NULL && epoch0 ? peer->restart : peer->client,
                                       datagram, on_plaintext, peer);
        }
}

static void
deliver (Peer   *peer,
         GBytes *datagram)
{
        gsize length;
        const guint8 *data = g_bytes_get_data (datagram, &length);

        if (peer->history->len == MAX_HISTORY)
                g_ptr_array_remove_index (peer->history, 0);
        g_ptr_array_add (peer->history, g_bytes_ref (datagram));
        coap_udp6_dtls_receive (peer->dtls, data, length, peer->remote);
        collect (peer);
}

/* Sends what the clients wrote, or holds it back; the server's answers
 * may make them write again. */
static void
flush (Peer    *peer,
       gboolean bypass_hold)
{
        for (guint round = 0; round < MAX_ROUNDS; round++) {
                g_autoptr (GPtrArray) out = fuzz_dtls_client_take_outbox (peer->client);

                if (peer->restart != NULL) {
                        g_autoptr (GPtrArray) more = fuzz_dtls_client_take_outbox (peer->restart);

                        g_ptr_array_extend_and_steal (out, g_steal_pointer (&more));
                }
                if (out->len == 0)
                        return;
                for (guint i = 0; i < out->len; i++) {
                        if (peer->held != NULL && !bypass_hold)
                                g_ptr_array_add (peer->held, g_bytes_ref (out->pdata[i]));
                        else
                                deliver (peer, out->pdata[i]);
                }
        }
}

/* Runs @client's handshake for at most @steps flights; TRUE when it
 * finished. */
static gboolean
handshake (Peer           *peer,
           FuzzDtlsClient *client,
           guint           steps)
{
        for (guint i = 0; i < steps; i++) {
                if (fuzz_dtls_client_handshake (client)) {
                        flush (peer, TRUE);
                        return TRUE;
                }
                flush (peer, TRUE);
                if (client->failed)
                        return FALSE;
        }
        return FALSE;
}

static gsize
coap_get (guint8  *out,
          guint16  mid)
{
        const guint8 get[] = { 0x41, 0x01, mid >> 8, mid & 0xff, 0x5a, 0xb5, 'h', 'e', 'l', 'l', 'o' };

        memcpy (out, get, sizeof get);
        return sizeof get;
}

/* The invariant: an established peer is answered. */
static void
check_answered (Peer *peer)
{
        guint8 get[16];
        gsize length;

        /* Past the cookie exchange, the server's session is the new one. */
        if (peer->client->failed || (peer->restart != NULL && peer->restart_steps >= 2) ||
            !coap_udp6_dtls_is_established (peer->dtls, peer->remote))
                return;
        peer->awaited_mid = OUR_MIDS | (peer->next_mid++ & 0x7fff);
        peer->answered = FALSE;
        length = coap_get (get, peer->awaited_mid);
        if (!fuzz_dtls_client_send (peer->client, get, length))
                return;
        flush (peer, TRUE);
        /* abort(), not g_error(): its SIGTRAP would end the run without
         * libFuzzer writing the input out. */
        if (!peer->answered && !peer->client->failed) {
                g_printerr ("an established coaps peer got no answer to a GET\n");
                abort ();
        }
}

static void
send_alert (Peer  *peer,
            Input *in)
{
        guint flags = take (in, 1);
        guint8 description = take (in, 1);
        gboolean fatal = flags & 2;

        if (flags & 1) {
                fuzz_dtls_client_alert (peer->client, fatal, description);
        } else {
                /* RFC 6347 §4.1: an alert record in epoch 0, sequence number 99. */
                const guint8 record[] = { 21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 99, 0, 2,
                                          fatal ? 2 : 1, description };
                g_autoptr (GBytes) datagram = g_bytes_new (record, sizeof record);

                deliver (peer, datagram);
        }
}

static void
restart (Peer  *peer,
         guint  steps)
{
        if (peer->restart == NULL) {
                peer->restart = fuzz_dtls_client_new (peer->ecdhe);
                peer->restart_steps = 0;
        }
        peer->restart_steps += steps;
        if (handshake (peer, peer->restart, steps)) {
                fuzz_dtls_client_free (peer->client);
                peer->client = g_steal_pointer (&peer->restart);
        } else if (peer->restart->failed) {
                g_clear_pointer (&peer->restart, fuzz_dtls_client_free);
        }
}

static GBytes *
pick (Peer  *peer,
      Input *in)
{
        guint index = take (in, 1);

        if (peer->history->len == 0)
                return NULL;
        return g_bytes_ref (peer->history->pdata[index % peer->history->len]);
}

static void
changed_copy (Peer  *peer,
              Input *in,
              Op     op)
{
        g_autoptr (GBytes) old = pick (peer, in);
        guint a = take (in, 2);
        guint8 b = op == OP_FLIP ? take (in, 1) : 0;
        g_autoptr (GByteArray) copy = NULL;
        g_autoptr (GBytes) datagram = NULL;

        if (old == NULL)
                return;
        copy = g_byte_array_new ();
        g_byte_array_append (copy, g_bytes_get_data (old, NULL), g_bytes_get_size (old));
        if (op == OP_TRUNCATE)
                g_byte_array_set_size (copy, MIN (a, copy->len));
        else if (copy->len > 0)
                copy->data[a % copy->len] ^= b;
        datagram = g_byte_array_free_to_bytes (g_steal_pointer (&copy));
        deliver (peer, datagram);
}

static void
hold_or_release (Peer  *peer,
                 Input *in)
{
        g_autoptr (GPtrArray) held = g_steal_pointer (&peer->held);
        gboolean reversed = take (in, 1) & 1;

        if (held == NULL) {
                peer->held = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
                return;
        }
        for (guint i = 0; i < held->len; i++)
                deliver (peer, held->pdata[reversed ? held->len - 1 - i : i]);
}

static void
run_op (Peer  *peer,
        Input *in,
        Op     op)
{
        switch (op) {
        case OP_APP:
        case OP_RAW: {
                gsize wanted = MIN (take (in, 2), MAX_APP);
                gsize length = MIN (wanted, in->size - in->pos);
                g_autofree guint8 *bytes = g_memdup2 (in->data + in->pos, length);

                in->pos += length;
                if (op == OP_RAW) {
                        g_autoptr (GBytes) datagram = g_bytes_new_take (g_steal_pointer (&bytes), length);

                        deliver (peer, datagram);
                        break;
                }
                if (length >= 4)
                        bytes[2] &= ~(OUR_MIDS >> 8);
                fuzz_dtls_client_send (peer->client, bytes, length);
                break;
        }
        case OP_GET: {
                guint8 get[16];

                fuzz_dtls_client_send (peer->client, get, coap_get (get, peer->next_mid++ & 0x7fff));
                break;
        }
        case OP_ALERT:
                send_alert (peer, in);
                break;
        case OP_RENEGOTIATE:
                fuzz_dtls_client_handshake (peer->client);
                break;
        case OP_RESTART:
                restart (peer, take (in, 1) % 8);
                break;
        case OP_REPLAY: {
                g_autoptr (GBytes) old = pick (peer, in);

                if (old != NULL)
                        deliver (peer, old);
                break;
        }
        case OP_TRUNCATE:
        case OP_FLIP:
                changed_copy (peer, in, op);
                break;
        case OP_HOLD:
                hold_or_release (peer, in);
                break;
        case OP_CLOCK:
                coap_udp6_context_advance_clock (peer->server, take (in, 2) / 10.0);
                collect (peer);
                break;
        case OP_CHECK:
                check_answered (peer);
                break;
        case N_OPS:
                g_assert_not_reached ();
        }
        flush (peer, FALSE);
}

static void
hello_handler (CoapUdp6Resource *resource,
               CoapUdp6Request  *request,
               gpointer          user_data)
{
        g_autoptr (GBytes) payload = g_bytes_new_static ("world", 5);

        coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CONTENT, payload, -1);
}

static void
peer_init (Peer    *peer,
           gboolean ecdhe)
{
        const char *const binds[] = { "coaps://[::1]:0", NULL };
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Credentials) credentials = coap_udp6_credentials_new ();
        g_autoptr (GBytes) key = g_bytes_new_static ("secretPSK", 9);
        g_autoptr (CoapUdp6Resource) resource = coap_udp6_resource_new_with_handler (hello_handler,
                                                                                     NULL, NULL);
        g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
        g_autoptr (GSocketAddress) sockaddr = g_inet_socket_address_new (lo, global.sink_port);
        g_autoptr (CoapUdp6Pktinfo) pktinfo = coap_udp6_pktinfo_new (lo, if_nametoindex ("lo"));
        CoapUdp6MessageInterface *iface;

        memset (peer, 0, sizeof *peer);
        coap_udp6_credentials_add_psk (credentials, "alice", key);
        peer->server = g_initable_new (COAP_UDP6_TYPE_CONTEXT, NULL, &error, "binds", binds,
                                       "is-server", TRUE, "credentials", credentials, NULL);
        g_assert_no_error (error);
        coap_udp6_context_freeze_clock (peer->server);
        coap_udp6_context_add_resource (peer->server, "hello", resource);
        iface = g_ptr_array_index (peer->server->interfaces, 0);
        peer->dtls = iface->dtls;
        peer->remote = coap_udp6_endpoint_address_new (G_INET_SOCKET_ADDRESS (sockaddr), iface, pktinfo);
        peer->history = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
        peer->ecdhe = ecdhe;
        peer->client = fuzz_dtls_client_new (ecdhe);
}

static void
peer_clear (Peer *peer)
{
        guint8 buffer[2048];

        g_clear_pointer (&peer->client, fuzz_dtls_client_free);
        g_clear_pointer (&peer->restart, fuzz_dtls_client_free);
        g_clear_pointer (&peer->history, g_ptr_array_unref);
        g_clear_pointer (&peer->held, g_ptr_array_unref);
        g_clear_object (&peer->remote);
        g_clear_object (&peer->server);
        iterate ();
        while (recv (global.sink, buffer, sizeof buffer, 0) >= 0)
                ;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
        Input in = { data, size, 0 };
        Peer peer;

        peer_init (&peer, take (&in, 1) & 1);
        if (!handshake (&peer, peer.client, MAX_ROUNDS) ||
            !coap_udp6_dtls_is_established (peer.dtls, peer.remote)) {
                g_printerr ("the handshake with the coaps server did not finish\n");
                abort ();
        }
        while (in.pos < in.size)
                run_op (&peer, &in, take (&in, 1) % N_OPS);
        check_answered (&peer);
        peer_clear (&peer);
        return 0;
}
