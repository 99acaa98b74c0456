/* fuzz-dtls.c: libFuzzer target for the coaps receive path (issue 17)
 *
 * Each input runs against a fresh coaps server on [::1]:0 with a PSK
 * table. Its first byte says whether one of our clients completes a real
 * handshake with it first (in this process, over ::1); the rest is a
 * stream of operations: raw records from one of three loopback remotes
 * (sockets of ours catch what the server answers) or from the established
 * client's address, ClientHellos built from a captured one (a byte
 * changed, cut short, with the cookie the server last sent to that remote
 * so that the handshake proper starts), and main context iterations. At
 * the end the server must give up everything it holds.
 *
 * Input: a flags byte (bit 0: handshake first), then operations, each an
 * Op byte and a remote byte (modulo the remotes there are), followed for
 * OP_RAW by a 16-bit big-endian length and the record's bytes, for
 * OP_HELLO by a 16-bit position, a byte XORed there and a 16-bit length
 * to cut the ClientHello to (0: not cut). tests/fuzz/seeds/dtls/ holds
 * seeds in this form.
 *
 * Traffic stays on loopback.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-context-private.h"
#include "coap-udp6-message-interface-private.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

#define N_SINKS 3
#define MAX_COOKIE 255
#define HANDSHAKE_DEADLINE_US (5 * G_USEC_PER_SEC)

typedef enum {
        OP_RAW,
        OP_HELLO,
        OP_ITERATE,
        N_OPS
} Op;

/* A ClientHello of our client (DTLS 1.2, no cookie yet). */
static const guint8 client_hello[] = {
        0x16, 0xfe, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0xa8, 0x01, 0x00, 0x00, 0x9c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x9c, 0xfe, 0xfd, 0x20, 0x42, 0xc8, 0x22, 0xb5, 0x4d, 0x85, 0xc2, 0x78,
        0x44, 0xa0, 0xbc, 0xd0, 0x65, 0xc0, 0x9a, 0x32, 0x98, 0x3e, 0x2c, 0xea,
        0x05, 0xe6, 0xbf, 0x95, 0x50, 0x9a, 0x7b, 0x27, 0xa3, 0x45, 0x3f, 0x00,
        0x00, 0x00, 0x16, 0xcc, 0xac, 0xc0, 0x36, 0xc0, 0x35, 0x00, 0xa9, 0xcc,
        0xab, 0xc0, 0xa5, 0x00, 0x8d, 0x00, 0xa8, 0xc0, 0xa4, 0x00, 0x8c, 0xc0,
        0xa8, 0x01, 0x00, 0x00, 0x5c, 0x00, 0x05, 0x00, 0x05, 0x01, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x0a, 0x00, 0x0c, 0x00, 0x0a, 0x00, 0x17, 0x00, 0x18,
        0x00, 0x19, 0x00, 0x1d, 0x00, 0x1e, 0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,
        0x00, 0x0d, 0x00, 0x22, 0x00, 0x20, 0x04, 0x01, 0x08, 0x09, 0x08, 0x04,
        0x04, 0x03, 0x08, 0x07, 0x05, 0x01, 0x08, 0x0a, 0x08, 0x05, 0x05, 0x03,
        0x08, 0x08, 0x06, 0x01, 0x08, 0x0b, 0x08, 0x06, 0x06, 0x03, 0x02, 0x01,
        0x02, 0x03, 0x00, 0x16, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00, 0x00, 0x23,
        0x00, 0x00, 0xff, 0x01, 0x00, 0x01, 0x00, 0x00, 0x1c, 0x00, 0x02, 0x40,
        0x00
};

/* RFC 6347 §4.1 and §4.2.2: the offsets in a record of one handshake
 * message. */
#define RECORD_LENGTH 11
#define HANDSHAKE_LENGTH 14
#define HANDSHAKE_SEQ 17
#define FRAGMENT_LENGTH 22
#define HELLO_SESSION_ID 59
#define VERIFY_COOKIE 27

typedef struct {
        const guint8 *data;
        gsize size;
        gsize pos;
} Input;

static struct {
        int sinks[N_SINKS];
        guint16 sink_ports[N_SINKS];
        guint8 cookies[N_SINKS][MAX_COOKIE];
        guint cookie_lengths[N_SINKS];
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

static int
open_sink (guint16 *port)
{
        struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
        socklen_t len = sizeof sin6;
        int fd = socket (AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

        if (fd < 0 || bind (fd, (struct sockaddr *) &sin6, sizeof sin6) < 0 ||
            getsockname (fd, (struct sockaddr *) &sin6, &len) < 0)
                g_error ("cannot open a sink socket on [::1]: %s", g_strerror (errno));
        *port = ntohs (sin6.sin6_port);
        return fd;
}

/* Keeps the cookie of the last HelloVerifyRequest each sink received. */
static void
drain_sinks (void)
{
        guint8 buffer[2048];

        for (guint i = 0; i < N_SINKS; i++) {
                ssize_t n;

                while ((n = recv (global.sinks[i], buffer, sizeof buffer, 0)) >= 0) {
                        if (n > VERIFY_COOKIE && buffer[0] == 22 && buffer[13] == 3 &&
                            buffer[VERIFY_COOKIE] <= n - VERIFY_COOKIE - 1) {
                                global.cookie_lengths[i] = buffer[VERIFY_COOKIE];
                                memcpy (global.cookies[i], buffer + VERIFY_COOKIE + 1,
                                        global.cookie_lengths[i]);
                        }
                }
        }
}

static void
iterate (guint max)
{
        for (guint i = 0; i < max && g_main_context_iteration (global.main_context, FALSE); i++)
                ;
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
        g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL |
                                G_LOG_LEVEL_WARNING);
        g_log_set_writer_func (quiet_writer, NULL, NULL);
        global.main_context = g_main_context_new ();
        g_main_context_push_thread_default (global.main_context);
        for (guint i = 0; i < N_SINKS; i++)
                global.sinks[i] = open_sink (&global.sink_ports[i]);
        return 0;
}

static CoapUdp6EndpointAddress *
make_remote (CoapUdp6MessageInterface *iface,
             guint16                   port)
{
        g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
        g_autoptr (GSocketAddress) sockaddr = g_inet_socket_address_new (lo, port);
        g_autoptr (CoapUdp6Pktinfo) pktinfo = coap_udp6_pktinfo_new (lo, if_nametoindex ("lo"));

        return coap_udp6_endpoint_address_new (G_INET_SOCKET_ADDRESS (sockaddr), iface, pktinfo);
}

static void
request_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
        g_autoptr (CoapUdp6Message) response = NULL;
        g_autoptr (GError) error = NULL;

        response = coap_udp6_context_request_finish (COAP_UDP6_CONTEXT (source), result, &error);
        *(gboolean *) user_data = TRUE;
}

/* A client of ours that completed a handshake with @port, or NULL when
 * it could not within the deadline. */
static CoapUdp6Context *
handshake (guint16 port)
{
        g_autoptr (CoapUdp6Credentials) credentials = coap_udp6_credentials_new ();
        g_autoptr (GBytes) key = g_bytes_new_static ("secretPSK", 9);
        g_autoptr (CoapUdp6Message) message = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                     COAP_UDP6_CODE_GET);
        g_autofree char *uri = g_strdup_printf ("coaps://[::1]:%u/x", port);
        g_autoptr (GError) error = NULL;
        CoapUdp6Context *client = coap_udp6_context_new_client (&error);
        gint64 deadline = g_get_monotonic_time () + HANDSHAKE_DEADLINE_US;
        gboolean done = FALSE;

        g_assert_no_error (error);
        coap_udp6_credentials_set_psk (credentials, "alice", key);
        coap_udp6_context_set_credentials (client, credentials);
        coap_udp6_message_set_request_uri (message, uri, &error);
        g_assert_no_error (error);
        coap_udp6_context_request_async (client, message, NULL, request_cb, &done);
        while (!done && g_get_monotonic_time () < deadline)
                g_main_context_iteration (global.main_context, TRUE);
        if (!done) {
                g_object_unref (client);
                iterate (100);
                return NULL;
        }
        return client;
}

static void
add_to_length (guint8 *field,
               guint   n_bytes,
               guint   added)
{
        guint value = 0;

        for (guint i = 0; i < n_bytes; i++)
                value = value << 8 | field[i];
        value += added;
        for (guint i = n_bytes; i > 0; i--, value >>= 8)
                field[i - 1] = value & 0xff;
}

/* Our ClientHello, with the cookie of @sink if it has one, then one byte
 * changed and cut short as @in says. */
static GBytes *
make_hello (Input *in,
            guint  sink)
{
        guint cookie_length = sink < N_SINKS ? global.cookie_lengths[sink] : 0;
        guint position = take (in, 2);
        guint8 change = take (in, 1);
        guint cut = take (in, 2);
        gsize cookie_at = HELLO_SESSION_ID + 1 + client_hello[HELLO_SESSION_ID];
        GByteArray *hello = g_byte_array_new ();
        guint8 length_byte = cookie_length;

        g_byte_array_append (hello, client_hello, cookie_at);
        g_byte_array_append (hello, &length_byte, 1);
        if (cookie_length > 0)
                g_byte_array_append (hello, global.cookies[sink], cookie_length);
        g_byte_array_append (hello, client_hello + cookie_at + 1,
                             sizeof client_hello - cookie_at - 1);
        add_to_length (hello->data + RECORD_LENGTH, 2, cookie_length);
        add_to_length (hello->data + HANDSHAKE_LENGTH, 3, cookie_length);
        add_to_length (hello->data + FRAGMENT_LENGTH, 3, cookie_length);
        if (cookie_length > 0)
                hello->data[HANDSHAKE_SEQ + 1] = 1;
        hello->data[position % hello->len] ^= change;
        if (cut > 0 && cut < hello->len)
                g_byte_array_set_size (hello, cut);
        return g_byte_array_free_to_bytes (hello);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
        const char *const binds[] = { "coaps://[::1]:0", NULL };
        Input in = { data, size, 0 };
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Credentials) credentials = coap_udp6_credentials_new ();
        g_autoptr (GBytes) key = g_bytes_new_static ("secretPSK", 9);
        CoapUdp6EndpointAddress *remotes[N_SINKS + 1] = { NULL };
        CoapUdp6Context *client = NULL;
        CoapUdp6Context *server;
        CoapUdp6MessageInterface *iface;
        guint n_remotes = N_SINKS;

        drain_sinks ();
        memset (global.cookie_lengths, 0, sizeof global.cookie_lengths);
        coap_udp6_credentials_add_psk (credentials, "alice", key);
        server = g_initable_new (COAP_UDP6_TYPE_CONTEXT, NULL, &error, "binds", binds,
                                 "is-server", TRUE, "credentials", credentials, NULL);
        g_assert_no_error (error);
        iface = g_ptr_array_index (server->interfaces, 0);
        g_assert_nonnull (iface->dtls);
        for (guint i = 0; i < N_SINKS; i++)
                remotes[i] = make_remote (iface, global.sink_ports[i]);
        if (take (&in, 1) & 1) {
                client = handshake (coap_udp6_context_get_local_port (server));
                if (client != NULL)
                        remotes[n_remotes++] = make_remote (iface, coap_udp6_context_get_local_port (client));
        }
        while (in.pos < in.size) {
                Op op = take (&in, 1) % N_OPS;
                guint remote = take (&in, 1) % n_remotes;

                switch (op) {
                case OP_RAW: {
                        gsize wanted = take (&in, 2);
                        gsize length = MIN (wanted, in.size - in.pos);

                        coap_udp6_dtls_receive (iface->dtls, in.data + in.pos, length, remotes[remote]);
                        in.pos += length;
                        break;
                }
                case OP_HELLO: {
                        g_autoptr (GBytes) hello = make_hello (&in, remote);
                        gsize length;
                        const guint8 *bytes = g_bytes_get_data (hello, &length);

                        coap_udp6_dtls_receive (iface->dtls, bytes, length, remotes[remote]);
                        break;
                }
                case OP_ITERATE:
                        iterate (remote + 1);
                        break;
                case N_OPS:
                        g_assert_not_reached ();
                }
                drain_sinks ();
                g_assert_cmpuint (coap_udp6_dtls_get_n_handshakes (iface->dtls), <=,
                                  coap_udp6_dtls_get_n_sessions (iface->dtls));
        }
        for (guint i = 0; i < n_remotes; i++)
                g_object_unref (remotes[i]);
        g_clear_object (&client);
        g_object_unref (server);
        iterate (100);
        drain_sinks ();
        return 0;
}
