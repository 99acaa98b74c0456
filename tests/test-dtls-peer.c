/* test-dtls-peer.c: GnuTLS sessions of the test's own over [::1] that do
 * what our coaps peers never do: a client that asks our server for a
 * renegotiation inside the established session (a ClientHello of epoch 1)
 * or replays its ClientHello with a cookie, and a server that asks our
 * client for one (a HelloRequest)
 *
 * RFC 7925 §18: CoAP over DTLS does not renegotiate. The other side
 * answers with a no_renegotiation warning (RFC 5246 §7.2.2) and goes on
 * with the session it has. RFC 6347 §4.2.1: the server's cookie secret
 * changes, so an old cookie is refused; §4.2.8: a valid one does not end
 * the established session before a new handshake finishes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"
#include "coap-udp6-context-private.h"
#include "coap-udp6-message-interface-private.h"
#include "coap-udp6-dtls-private.h"

#include <gnutls/gnutls.h>
#include <gnutls/dtls.h>
#include <errno.h>
#include <string.h>

#define KEY "secretPSK"
#define WAIT_MS 5000
#define RETRANSMIT_MS 100
/* RFC 6347 §4.1 */
#define CONTENT_TYPE_ALERT 21
#define CONTENT_TYPE_HANDSHAKE 22

typedef struct {
        GMainContext *main_context;
        CoapUdp6Context *server;
        CoapUdp6Resource *resource;
        guint served;
        GSocket *socket;
        GSocketAddress *server_address;         /* where push() sends: the coaps server, or our client */
        gnutls_psk_client_credentials_t psk;
        gnutls_psk_server_credentials_t psk_server;
        gnutls_session_t tls;
        guint8 in[2048];                        /* the datagram GnuTLS reads next */
        gssize in_length;                       /* -1: none */
        gboolean established;
        guint renegotiations;                   /* our ClientHellos after the handshake */
        guint alerts;                           /* datagrams of the server's that begin with an alert */
        GPtrArray *sent;                        /* GBytes: every datagram push() sent */
} Fixture;

static void
hello_handler (CoapUdp6Resource *resource,
               CoapUdp6Request  *request,
               gpointer          user_data)
{
        Fixture *f = user_data;
        g_autoptr (GBytes) payload = g_bytes_new_static ("world", 5);

        f->served++;
        coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CONTENT, payload, -1);
}

static int
psk_lookup (gnutls_session_t tls,
            const char      *username,
            gnutls_datum_t  *key)
{
        key->data = gnutls_malloc (strlen (KEY));
        key->size = strlen (KEY);
        memcpy (key->data, KEY, key->size);
        return 0;
}

static ssize_t
push (gnutls_transport_ptr_t ptr,
      const void            *data,
      size_t                 length)
{
        Fixture *f = ptr;
        g_autoptr (GError) error = NULL;
        gssize n = g_socket_send_to (f->socket, f->server_address, data, length, NULL, &error);

        if (f->established && length > 0 && ((const guint8 *) data)[0] == CONTENT_TYPE_HANDSHAKE)
                f->renegotiations++;
        g_ptr_array_add (f->sent, g_bytes_new (data, length));

        g_assert_no_error (error);
        return n;
}

static ssize_t
pull (gnutls_transport_ptr_t ptr,
      void                  *data,
      size_t                 size)
{
        Fixture *f = ptr;
        gsize n;

        if (f->in_length < 0) {
                gnutls_transport_set_errno (f->tls, EAGAIN);
                return -1;
        }
        n = MIN (size, (gsize) f->in_length);
        memcpy (data, f->in, n);
        f->in_length = -1;
        return n;
}

static int
pull_timeout (gnutls_transport_ptr_t ptr,
              unsigned int           ms)
{
        Fixture *f = ptr;

        return f->in_length >= 0 ? 1 : 0;
}

static gboolean
socket_readable (gpointer user_data)
{
        Fixture *f = user_data;

        return g_socket_condition_check (f->socket, G_IO_IN) & G_IO_IN;
}

/* Runs the server until it sends us a datagram; FALSE when it did not
 * within @timeout_ms. */
static gboolean
wait_datagram (Fixture *f,
               guint    timeout_ms)
{
        g_autoptr (GError) error = NULL;
        g_autoptr (GSocketAddress) from = NULL;

        if (!test_iterate_until (f->main_context, socket_readable, f, timeout_ms))
                return FALSE;
        f->in_length = g_socket_receive_from (f->socket, &from, (gchar *) f->in, sizeof f->in,
                                              NULL, &error);
        g_assert_no_error (error);
        if (f->server_address == NULL)
                f->server_address = g_steal_pointer (&from);
        if (f->in_length > 0 && f->in[0] == CONTENT_TYPE_ALERT)
                f->alerts++;
        return TRUE;
}

/* A GnuTLS session of ours (@flags: GNUTLS_CLIENT or GNUTLS_SERVER) on
 * a raw socket on [::1]. */
static void
raw_session_init (Fixture      *f,
                  unsigned int  flags)
{
        gnutls_datum_t raw_key = { (unsigned char *) KEY, strlen (KEY) };

        f->main_context = g_main_context_new ();
        g_main_context_push_thread_default (f->main_context);
        f->socket = test_raw_socket_new ();
        f->in_length = -1;
        f->sent = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
        g_assert_cmpint (gnutls_init (&f->tls, flags | GNUTLS_DATAGRAM | GNUTLS_NONBLOCK), ==, 0);
        g_assert_cmpint (gnutls_priority_set_direct (f->tls, "NORMAL:-KX-ALL:+PSK:+AES-128-CCM-8:"
                                                     "-VERS-ALL:+VERS-DTLS1.2", NULL), ==, 0);
        if (flags & GNUTLS_SERVER) {
                g_assert_cmpint (gnutls_psk_allocate_server_credentials (&f->psk_server), ==, 0);
                gnutls_psk_set_server_credentials_function (f->psk_server, psk_lookup);
                gnutls_credentials_set (f->tls, GNUTLS_CRD_PSK, f->psk_server);
        } else {
                g_assert_cmpint (gnutls_psk_allocate_client_credentials (&f->psk), ==, 0);
                g_assert_cmpint (gnutls_psk_set_client_credentials (f->psk, "alice", &raw_key,
                                                                    GNUTLS_PSK_KEY_RAW), ==, 0);
                gnutls_credentials_set (f->tls, GNUTLS_CRD_PSK, f->psk);
        }
        gnutls_transport_set_ptr (f->tls, f);
        gnutls_transport_set_push_function (f->tls, push);
        gnutls_transport_set_pull_function (f->tls, pull);
        gnutls_transport_set_pull_timeout_function (f->tls, pull_timeout);
        gnutls_dtls_set_mtu (f->tls, 1232);
        gnutls_dtls_set_timeouts (f->tls, RETRANSMIT_MS, WAIT_MS);
}

/* Our coaps server and a GnuTLS client of the test's. */
static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
        const char *binds[] = { "coaps://[::1]:0", NULL };
        g_autoptr (CoapUdp6Credentials) credentials = coap_udp6_credentials_new ();
        g_autoptr (GBytes) key = g_bytes_new_static (KEY, strlen (KEY));
        g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
        g_autoptr (GError) error = NULL;

        raw_session_init (f, GNUTLS_CLIENT);
        coap_udp6_credentials_add_psk (credentials, "alice", key);
        f->server = g_initable_new (COAP_UDP6_TYPE_CONTEXT, NULL, &error, "binds", binds,
                                    "is-server", TRUE, "credentials", credentials, NULL);
        g_assert_no_error (error);
        f->resource = coap_udp6_resource_new_with_handler (hello_handler, f, NULL);
        coap_udp6_context_add_resource (f->server, "hello", f->resource);
        f->server_address = g_inet_socket_address_new (lo, coap_udp6_context_get_local_port (f->server));
}

/* A GnuTLS server of the test's; the test makes our client. Its address
 * is learnt from the first datagram. */
static void
server_fixture_setup (Fixture      *f,
                      gconstpointer data)
{
        raw_session_init (f, GNUTLS_SERVER);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        gnutls_deinit (f->tls);
        if (f->psk != NULL)
                gnutls_psk_free_client_credentials (f->psk);
        if (f->psk_server != NULL)
                gnutls_psk_free_server_credentials (f->psk_server);
        g_clear_object (&f->server);
        g_clear_object (&f->resource);
        g_clear_object (&f->socket);
        g_clear_object (&f->server_address);
        g_clear_pointer (&f->sent, g_ptr_array_unref);
        test_iterate_for (f->main_context, 10);
        g_main_context_pop_thread_default (f->main_context);
        g_main_context_unref (f->main_context);
}

/* gnutls_handshake() until it returns something else than
 * GNUTLS_E_AGAIN, fed with what the server sends; called again every
 * RETRANSMIT_MS so that it sends its flight again when nothing came. */
static int
drive_handshake (Fixture *f)
{
        gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;
        int ret;

        while ((ret = gnutls_handshake (f->tls)) == GNUTLS_E_AGAIN) {
                if (g_get_monotonic_time () > deadline)
                        return GNUTLS_E_TIMEDOUT;
                wait_datagram (f, RETRANSMIT_MS);
        }
        return ret;
}

static guint
n_server_sessions (Fixture *f)
{
        CoapUdp6MessageInterface *iface = g_ptr_array_index (f->server->interfaces, 0);

        return coap_udp6_dtls_get_n_sessions (iface->dtls);
}

/* A CON GET /hello with @mid through the session; asserts the piggybacked
 * 2.05 "world". */
static void
get_hello (Fixture *f,
           guint16  mid)
{
        guint8 get[] = { 0x41, 0x01, mid >> 8, mid & 0xff, 0x5a, 0xb5, 'h', 'e', 'l', 'l', 'o' };
        g_autoptr (CoapUdp6Message) response = NULL;
        g_autoptr (GBytes) datagram = NULL;
        GBytes *payload;
        g_autoptr (GError) error = NULL;
        guint8 plain[2048];
        ssize_t n;

        g_assert_cmpint (gnutls_record_send (f->tls, get, sizeof get), ==, sizeof get);
        do {
                g_assert_true (wait_datagram (f, WAIT_MS));
                n = gnutls_record_recv (f->tls, plain, sizeof plain);
        } while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_WARNING_ALERT_RECEIVED);
        g_assert_cmpint (n, >, 0);
        datagram = g_bytes_new (plain, n);
        response = coap_udp6_message_decode (datagram, NULL, &error);
        g_assert_no_error (error);
        g_assert_cmpint (coap_udp6_message_get_mid (response), ==, mid);
        g_assert_cmpint (coap_udp6_message_get_code (response), ==, COAP_UDP6_CODE_CONTENT);
        payload = coap_udp6_message_get_payload (response);
        g_assert_cmpmem (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), "world", 5);
}

static void
test_renegotiation_refused (Fixture      *f,
                            gconstpointer data)
{
        guint served;
        int ret;

        g_test_summary ("A ClientHello inside an established session (epoch 1) gets a "
                        "no_renegotiation warning; the session goes on serving");
        if (!test_have_ipv6 ()) {
                g_test_skip ("no IPv6 on ::1");
                return;
        }
        g_assert_cmpint (drive_handshake (f), ==, 0);
        f->established = TRUE;
        get_hello (f, 0x1001);
        g_assert_cmpuint (n_server_sessions (f), ==, 1);

        /* GnuTLS starts a renegotiation on an established client session;
         * the refusal is a warning alert, so the client's handshake call
         * reports it without ending the session. */
        ret = drive_handshake (f);
        g_assert_cmpint (ret, ==, GNUTLS_E_WARNING_ALERT_RECEIVED);
        g_assert_cmpint (gnutls_alert_get (f->tls), ==, GNUTLS_A_NO_RENEGOTIATION);
        g_assert_cmpuint (n_server_sessions (f), ==, 1);

        g_assert_cmpuint (f->alerts, ==, f->renegotiations);
        served = f->served;
        get_hello (f, 0x1002);
        get_hello (f, 0x1003);
        g_assert_cmpuint (f->served, ==, served + 2);
        g_assert_cmpuint (n_server_sessions (f), ==, 1);
}

/* The same renegotiation asked again and again: after the first
 * warning, GnuTLS's client goes on waiting for a ServerHello and sends
 * its ClientHello again (a retransmission); one warning each, never a
 * loop. */
static void
test_renegotiation_repeated (Fixture      *f,
                             gconstpointer data)
{
        g_test_summary ("Repeated renegotiation attempts (and their retransmissions) each "
                        "get one no_renegotiation warning, and the session still serves requests");
        if (!test_have_ipv6 ()) {
                g_test_skip ("no IPv6 on ::1");
                return;
        }
        g_assert_cmpint (drive_handshake (f), ==, 0);
        f->established = TRUE;
        for (guint i = 0; i < 5; i++) {
                g_assert_cmpint (drive_handshake (f), ==, GNUTLS_E_WARNING_ALERT_RECEIVED);
                g_assert_cmpint (gnutls_alert_get (f->tls), ==, GNUTLS_A_NO_RENEGOTIATION);
                get_hello (f, 0x2000 + i);
        }
        while (wait_datagram (f, 100))
                ;
        g_assert_cmpuint (f->renegotiations, >=, 5);
        g_assert_cmpuint (f->alerts, ==, f->renegotiations);
        g_assert_cmpuint (f->served, ==, 5);
        g_assert_cmpuint (n_server_sessions (f), ==, 1);
}

/* RFC 6347 §4.2.1: a ClientHello that carries a cookie, replayed from
 * the client's address once the server changed its cookie secret twice,
 * gets a HelloVerifyRequest and leaves the established session alone. */
static void
test_cookie_replay_expires (Fixture      *f,
                            gconstpointer data)
{
        GBytes *hello_with_cookie;
        g_autoptr (GError) error = NULL;

        g_test_summary ("A captured ClientHello with its cookie, replayed after two changes "
                        "of the cookie secret, is answered with a HelloVerifyRequest and "
                        "does not replace the established session");
        if (!test_have_ipv6 ()) {
                g_test_skip ("no IPv6 on ::1");
                return;
        }
        coap_udp6_context_freeze_clock (f->server);
        g_assert_cmpint (drive_handshake (f), ==, 0);
        f->established = TRUE;
        get_hello (f, 0x3001);
        /* Our ClientHello, the server's HelloVerifyRequest, our ClientHello
         * with the cookie. */
        g_assert_cmpuint (f->sent->len, >=, 2);
        hello_with_cookie = f->sent->pdata[1];
        g_assert_cmpuint (g_bytes_get_size (hello_with_cookie), >, 13);
        g_assert_cmpuint (((const guint8 *) g_bytes_get_data (hello_with_cookie, NULL))[0], ==,
                          CONTENT_TYPE_HANDSHAKE);

        /* One change each: the timer fires once per step. */
        coap_udp6_context_advance_clock (f->server, 61.0);
        coap_udp6_context_advance_clock (f->server, 61.0);
        g_socket_send_to (f->socket, f->server_address, g_bytes_get_data (hello_with_cookie, NULL),
                          g_bytes_get_size (hello_with_cookie), NULL, &error);
        g_assert_no_error (error);
        g_assert_true (wait_datagram (f, WAIT_MS));
        g_assert_cmpint (f->in_length, >, 13);
        g_assert_cmpuint (f->in[0], ==, CONTENT_TYPE_HANDSHAKE);
        g_assert_cmpuint (f->in[13], ==, 3);            /* HelloVerifyRequest */
        f->in_length = -1;

        get_hello (f, 0x3002);
        g_assert_cmpuint (n_server_sessions (f), ==, 1);
}

/* Drops what the server sends for @ms (a handshake flight for another
 * session of the same address, which our GnuTLS session must not read). */
static guint
drain (Fixture *f,
       guint    ms)
{
        guint n = 0;

        while (wait_datagram (f, ms)) {
                f->in_length = -1;
                n++;
        }
        return n;
}

/* RFC 6347 §4.2.8: within the cookie's lifetime a replayed ClientHello
 * with its cookie starts a handshake, but the established session stays
 * until that handshake finishes, which the replay never does. */
static void
test_cookie_replay_keeps_session (Fixture      *f,
                                  gconstpointer data)
{
        GBytes *hello_with_cookie;
        g_autoptr (GError) error = NULL;

        g_test_summary ("A captured ClientHello with a cookie still valid, replayed, starts a "
                        "handshake beside the established session, which goes on serving and "
                        "stays alone once that handshake times out");
        if (!test_have_ipv6 ()) {
                g_test_skip ("no IPv6 on ::1");
                return;
        }
        coap_udp6_context_freeze_clock (f->server);
        g_assert_cmpint (drive_handshake (f), ==, 0);
        f->established = TRUE;
        get_hello (f, 0x4001);
        hello_with_cookie = f->sent->pdata[1];

        g_socket_send_to (f->socket, f->server_address, g_bytes_get_data (hello_with_cookie, NULL),
                          g_bytes_get_size (hello_with_cookie), NULL, &error);
        g_assert_no_error (error);
        g_assert_true (wait_datagram (f, WAIT_MS));
        g_assert_cmpint (f->in_length, >, 13);
        g_assert_cmpuint (f->in[0], ==, CONTENT_TYPE_HANDSHAKE);
        g_assert_cmpuint (f->in[13], ==, 2);            /* ServerHello */
        f->in_length = -1;
        drain (f, 50);
        g_assert_cmpuint (n_server_sessions (f), ==, 2);
        get_hello (f, 0x4002);

        /* The handshake timeout (20 s) ends the half-open one. */
        coap_udp6_context_advance_clock (f->server, 21.0);
        drain (f, 50);
        g_assert_cmpuint (n_server_sessions (f), ==, 1);
        get_hello (f, 0x4003);
        g_assert_cmpuint (f->served, ==, 3);
}

/* Reads our client's request and answers it with a piggybacked 2.05
 * "world" in the same MID and token. */
static void
answer_request (Fixture *f)
{
        guint8 plain[2048];
        guint8 reply[64];
        gsize token_length;
        ssize_t n;

        do {
                g_assert_true (wait_datagram (f, WAIT_MS));
                n = gnutls_record_recv (f->tls, plain, sizeof plain);
        } while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_WARNING_ALERT_RECEIVED);
        g_assert_cmpint (n, >=, 4);
        g_assert_cmpint (plain[0] >> 4, ==, 0x4);       /* CON, version 1 */
        token_length = plain[0] & 0x0f;
        g_assert_cmpint (n, >=, 4 + token_length);
        reply[0] = 0x60 | token_length;                 /* ACK */
        reply[1] = COAP_UDP6_CODE_CONTENT;
        memcpy (reply + 2, plain + 2, 2 + token_length);
        memcpy (reply + 4 + token_length, "\xffworld", 6);
        g_assert_cmpint (gnutls_record_send (f->tls, reply, 10 + token_length), ==, 10 + token_length);
        f->served++;
}

static void
client_get (Fixture         *f,
            CoapUdp6Context *client,
            const char      *uri)
{
        g_autoptr (CoapUdp6Message) message = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                     COAP_UDP6_CODE_GET);
        g_autoptr (GError) error = NULL;
        TestResult result = { 0 };

        coap_udp6_message_set_request_uri (message, uri, &error);
        g_assert_no_error (error);
        coap_udp6_context_request_async (client, message, NULL, test_request_cb, &result);
        if (f->served == 0)
                g_assert_cmpint (drive_handshake (f), ==, 0);
        answer_request (f);
        g_assert_true (test_iterate_until_flag (f->main_context, &result.done, WAIT_MS));
        g_assert_no_error (result.error);
        g_assert_cmpuint (coap_udp6_message_get_code (result.response), ==, COAP_UDP6_CODE_CONTENT);
        g_clear_object (&result.response);
}

static void
test_hello_request_refused (Fixture      *f,
                            gconstpointer data)
{
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Credentials) credentials = coap_udp6_credentials_new ();
        g_autoptr (GBytes) key = g_bytes_new_static (KEY, strlen (KEY));
        g_autoptr (CoapUdp6Context) client = NULL;
        g_autofree char *uri = NULL;
        g_autoptr (GSocketAddress) local = NULL;
        guint8 plain[64];
        ssize_t n;
        int ret;

        g_test_summary ("A server's HelloRequest (gnutls_rehandshake) gets a no_renegotiation "
                        "warning from our client, which goes on using the session");
        if (!test_have_ipv6 ()) {
                g_test_skip ("no IPv6 on ::1");
                return;
        }
        local = g_socket_get_local_address (f->socket, &error);
        g_assert_no_error (error);
        uri = g_strdup_printf ("coaps://[::1]:%u/hello",
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));
        client = coap_udp6_context_new_client (&error);
        g_assert_no_error (error);
        coap_udp6_credentials_set_psk (credentials, "alice", key);
        coap_udp6_context_set_credentials (client, credentials);
        client_get (f, client, uri);

        /* A flight of its own in DTLS: sent, then waiting (GNUTLS_E_AGAIN). */
        ret = gnutls_rehandshake (f->tls);
        g_assert_true (ret == 0 || ret == GNUTLS_E_AGAIN);
        do {
                g_assert_true (wait_datagram (f, WAIT_MS));
                n = gnutls_record_recv (f->tls, plain, sizeof plain);
        } while (n == GNUTLS_E_AGAIN);
        g_assert_cmpint (n, ==, GNUTLS_E_WARNING_ALERT_RECEIVED);
        g_assert_cmpint (gnutls_alert_get (f->tls), ==, GNUTLS_A_NO_RENEGOTIATION);

        client_get (f, client, uri);
        g_assert_cmpuint (f->served, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
        test_init (&argc, &argv);
        if (!coap_udp6_credentials_is_supported ()) {
                g_test_skip ("built without GnuTLS");
                return g_test_run ();
        }
#define ADD(path, func) \
        g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
        ADD ("/dtls-peer/renegotiation-refused", test_renegotiation_refused);
        ADD ("/dtls-peer/renegotiation-repeated", test_renegotiation_repeated);
        ADD ("/dtls-peer/cookie-replay-expires", test_cookie_replay_expires);
        ADD ("/dtls-peer/cookie-replay-keeps-session", test_cookie_replay_keeps_session);
#undef ADD
        g_test_add ("/dtls-peer/hello-request-refused", Fixture, NULL, server_fixture_setup,
                    test_hello_request_refused, fixture_teardown);
        return g_test_run ();
}
