/* test-dtls-timers.c: DTLS handshake retransmission and expiry on a
 * frozen clock, moved by coap_udp6_context_advance_clock()
 *
 * The peer is played by raw sockets: a silent server for the client's
 * flights, and a hand-driven relay that lets a real client reach the
 * cookie exchange with our server and then drops what the server sends.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"
#include "coap-udp6-context-private.h"
#include "coap-udp6-message-interface-private.h"

#include <string.h>

#define KEY "secretPSK"

/* DTLS record header (RFC 6347 §4.1) and handshake message types. */
#define RECORD_HEADER 13
#define CONTENT_HANDSHAKE 22
#define CLIENT_HELLO 1
#define SERVER_HELLO 2
#define HELLO_VERIFY_REQUEST 3

static GBytes *
bytes_of (const char *text)
{
        return g_bytes_new (text, strlen (text));
}

static gboolean
readable (gpointer data)
{
        return g_socket_condition_check (data, G_IO_IN) & G_IO_IN;
}

/* The next datagram on @socket within @timeout_ms of the main loop, or
 * NULL; @from gets its sender. */
static GBytes *
receive (GMainContext    *context,
         GSocket         *socket,
         GSocketAddress **from,
         guint            timeout_ms)
{
        g_autoptr (GError) error = NULL;
        guint8 buf[4096];
        gssize n;

        if (!test_iterate_until (context, readable, socket, timeout_ms))
                return NULL;
        n = g_socket_receive_from (socket, from, (char *) buf, sizeof buf, NULL, &error);
        g_assert_no_error (error);
        return g_bytes_new (buf, n);
}

/* Reads every datagram that arrives within @quiet_ms of the previous one. */
static guint
drain (GMainContext *context,
       GSocket      *socket,
       guint         quiet_ms,
       guint8       *first_handshake_type)
{
        guint n = 0;
        GBytes *datagram;

        while ((datagram = receive (context, socket, NULL, quiet_ms)) != NULL) {
                const guint8 *data = g_bytes_get_data (datagram, NULL);

                if (n == 0 && first_handshake_type != NULL) {
                        g_assert_cmpuint (g_bytes_get_size (datagram), >, RECORD_HEADER);
                        g_assert_cmpuint (data[0], ==, CONTENT_HANDSHAKE);
                        *first_handshake_type = data[RECORD_HEADER];
                }
                n++;
                g_bytes_unref (datagram);
        }
        return n;
}

static void
send_to (GSocket        *socket,
         GSocketAddress *to,
         GBytes         *datagram)
{
        g_autoptr (GError) error = NULL;

        g_socket_send_to (socket, to, g_bytes_get_data (datagram, NULL),
                          g_bytes_get_size (datagram), NULL, &error);
        g_assert_no_error (error);
}

static guint
port_of (GSocket *socket)
{
        g_autoptr (GSocketAddress) address = g_socket_get_local_address (socket, NULL);

        return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

static CoapUdp6Dtls *
dtls_of (CoapUdp6Context *context)
{
        for (guint i = 0; i < context->interfaces->len; i++) {
                CoapUdp6MessageInterface *iface = g_ptr_array_index (context->interfaces, i);

                if (iface->dtls != NULL)
                        return iface->dtls;
        }
        return NULL;
}

static CoapUdp6Context *
new_client (void)
{
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Credentials) credentials = coap_udp6_credentials_new ();
        g_autoptr (GBytes) key = bytes_of (KEY);
        CoapUdp6Context *client = coap_udp6_context_new_client (&error);

        g_assert_no_error (error);
        coap_udp6_credentials_set_psk (credentials, "alice", key);
        coap_udp6_context_set_credentials (client, credentials);
        return client;
}

static void
start_request (CoapUdp6Context *client,
               guint            port,
               GCancellable    *cancellable,
               TestResult      *result)
{
        g_autofree char *uri = g_strdup_printf ("coaps://[::1]:%u/whoami", port);

        test_start_get (client, uri, cancellable, result);
}

static void
assert_client_hello_again (GBytes *first,
                           GBytes *again)
{
        gsize n;
        const guint8 *a = g_bytes_get_data (first, &n);
        const guint8 *b = g_bytes_get_data (again, NULL);

        /* The same handshake message in a record of a later sequence
         * number (RFC 6347 §4.2.4). */
        g_assert_cmpuint (g_bytes_get_size (again), ==, n);
        g_assert_cmpuint (b[0], ==, CONTENT_HANDSHAKE);
        g_assert_cmpuint (b[RECORD_HEADER], ==, CLIENT_HELLO);
        g_assert_cmpmem (a + RECORD_HEADER, n - RECORD_HEADER, b + RECORD_HEADER, n - RECORD_HEADER);
        g_assert_cmpint (memcmp (a + 5, b + 5, 6), <, 0);
}

static void
test_client_retransmits_and_expires (void)
{
        g_autoptr (GMainContext) main_context = g_main_context_new ();
        g_autoptr (GSocket) silent = NULL;
        g_autoptr (CoapUdp6Context) client = NULL;
        g_autoptr (GBytes) hello = NULL;
        TestResult result;

        g_test_summary ("A client's ClientHello is sent again 1 s, then 2 s later on the "
                        "context's clock, never before; the handshake fails the request with "
                        "COAP_UDP6_ERROR_TIMEOUT at dtls-handshake-timeout, and nothing is sent "
                        "after");
        g_main_context_push_thread_default (main_context);
        silent = test_raw_socket_new ();
        client = new_client ();
        g_object_set (client, "dtls-handshake-timeout", 5.0, NULL);
        coap_udp6_context_freeze_clock (client);
        start_request (client, port_of (silent), NULL, &result);

        hello = receive (main_context, silent, NULL, 5000);
        g_assert_nonnull (hello);
        g_assert_cmpuint (((const guint8 *) g_bytes_get_data (hello, NULL))[RECORD_HEADER], ==,
                          CLIENT_HELLO);
        coap_udp6_context_advance_clock (client, 0.9);
        g_assert_cmpuint (drain (main_context, silent, 100, NULL), ==, 0);
        coap_udp6_context_advance_clock (client, 0.1);
        {
                g_autoptr (GBytes) again = receive (main_context, silent, NULL, 5000);

                g_assert_nonnull (again);
                assert_client_hello_again (hello, again);
                g_clear_pointer (&hello, g_bytes_unref);
                hello = g_steal_pointer (&again);
        }
        g_assert_cmpuint (drain (main_context, silent, 100, NULL), ==, 0);
        coap_udp6_context_advance_clock (client, 1.9);
        g_assert_cmpuint (drain (main_context, silent, 100, NULL), ==, 0);
        coap_udp6_context_advance_clock (client, 0.1);
        {
                g_autoptr (GBytes) again = receive (main_context, silent, NULL, 5000);

                g_assert_nonnull (again);
                assert_client_hello_again (hello, again);
        }
        /* t = 3 s: the next one would be at 7 s, past the 5 s deadline. */
        coap_udp6_context_advance_clock (client, 1.9);
        test_iterate_for (main_context, 50);
        g_assert_false (result.done);
        g_assert_cmpuint (coap_udp6_dtls_get_n_sessions (dtls_of (client)), ==, 1);
        coap_udp6_context_advance_clock (client, 0.1);
        g_assert_true (test_iterate_until_flag (main_context, &result.done, 5000));
        g_assert_error (result.error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_TIMEOUT);
        g_assert_cmpuint (coap_udp6_dtls_get_n_sessions (dtls_of (client)), ==, 0);
        g_clear_error (&result.error);
        coap_udp6_context_advance_clock (client, 120);
        g_assert_cmpuint (drain (main_context, silent, 100, NULL), ==, 0);

        g_clear_object (&client);
        test_iterate_for (main_context, 10);
        g_main_context_pop_thread_default (main_context);
}

/* Moves one datagram from @in to @out, sent to @to (or back to the sender
 * @in saw first, kept in @peer); returns the handshake type it carries. */
static guint8
forward (GMainContext    *context,
         GSocket         *in,
         GSocket         *out,
         GSocketAddress  *to,
         GSocketAddress **peer)
{
        g_autoptr (GSocketAddress) from = NULL;
        g_autoptr (GBytes) datagram = receive (context, in, &from, 5000);
        const guint8 *data;

        g_assert_nonnull (datagram);
        g_assert_cmpuint (g_bytes_get_size (datagram), >, RECORD_HEADER);
        data = g_bytes_get_data (datagram, NULL);
        g_assert_cmpuint (data[0], ==, CONTENT_HANDSHAKE);
        if (peer != NULL && *peer == NULL)
                *peer = g_object_ref (from);
        send_to (out, to != NULL ? to : *peer, datagram);
        return data[RECORD_HEADER];
}

static void
test_server_half_open_expires (void)
{
        const char *binds[] = { "coaps://[::1]:0", NULL };
        g_autoptr (GMainContext) main_context = g_main_context_new ();
        g_autoptr (CoapUdp6Credentials) credentials = coap_udp6_credentials_new ();
        g_autoptr (GBytes) key = bytes_of (KEY);
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Context) server = NULL;
        g_autoptr (CoapUdp6Context) client = NULL;
        g_autoptr (GSocket) client_side = NULL;
        g_autoptr (GSocket) server_side = NULL;
        g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
        g_autoptr (GSocketAddress) server_address = NULL;
        g_autoptr (GSocketAddress) client_address = NULL;
        g_autoptr (GCancellable) cancellable = g_cancellable_new ();
        CoapUdp6Dtls *dtls;
        TestResult result;
        guint8 type = 0;

        g_test_summary ("A half-open handshake (the server's flight lost, the client gone "
                        "silent) is retransmitted by the server 1 s and 3 s after, on its "
                        "clock, and forgotten at dtls-handshake-timeout: it no longer counts "
                        "against max-dtls-handshakes and nothing more is sent");
        g_main_context_push_thread_default (main_context);
        coap_udp6_credentials_add_psk (credentials, "alice", key);
        server = g_initable_new (COAP_UDP6_TYPE_CONTEXT, NULL, &error, "binds", binds,
                                 "is-server", TRUE, "credentials", credentials,
                                 "dtls-handshake-timeout", 5.0, NULL);
        g_assert_no_error (error);
        coap_udp6_context_freeze_clock (server);
        dtls = dtls_of (server);
        server_address = g_inet_socket_address_new (lo, coap_udp6_context_get_local_port (server));
        client_side = test_raw_socket_new ();
        server_side = test_raw_socket_new ();
        client = new_client ();
        start_request (client, port_of (client_side), cancellable, &result);

        /* ClientHello, HelloVerifyRequest, ClientHello with the cookie. */
        g_assert_cmpuint (forward (main_context, client_side, server_side, server_address,
                                   &client_address), ==, CLIENT_HELLO);
        g_assert_cmpuint (forward (main_context, server_side, client_side, client_address, NULL),
                          ==, HELLO_VERIFY_REQUEST);
        g_assert_cmpuint (coap_udp6_dtls_get_n_handshakes (dtls), ==, 0);
        g_assert_cmpuint (forward (main_context, client_side, server_side, server_address, NULL),
                          ==, CLIENT_HELLO);
        /* The server's flight, which the client never gets. */
        g_assert_cmpuint (drain (main_context, server_side, 200, &type), >, 0);
        g_assert_cmpuint (type, ==, SERVER_HELLO);
        g_assert_cmpuint (coap_udp6_dtls_get_n_handshakes (dtls), ==, 1);

        coap_udp6_context_advance_clock (server, 0.9);
        g_assert_cmpuint (drain (main_context, server_side, 100, NULL), ==, 0);
        coap_udp6_context_advance_clock (server, 0.1);
        type = 0;
        g_assert_cmpuint (drain (main_context, server_side, 200, &type), >, 0);
        g_assert_cmpuint (type, ==, SERVER_HELLO);
        coap_udp6_context_advance_clock (server, 1.9);
        g_assert_cmpuint (drain (main_context, server_side, 100, NULL), ==, 0);
        coap_udp6_context_advance_clock (server, 0.1);
        type = 0;
        g_assert_cmpuint (drain (main_context, server_side, 200, &type), >, 0);
        g_assert_cmpuint (type, ==, SERVER_HELLO);
        coap_udp6_context_advance_clock (server, 1.9);
        g_assert_cmpuint (coap_udp6_dtls_get_n_handshakes (dtls), ==, 1);
        coap_udp6_context_advance_clock (server, 0.1);
        g_assert_cmpuint (coap_udp6_dtls_get_n_handshakes (dtls), ==, 0);
        g_assert_cmpuint (coap_udp6_dtls_get_n_sessions (dtls), ==, 0);
        coap_udp6_context_advance_clock (server, 120);
        g_assert_cmpuint (drain (main_context, server_side, 100, NULL), ==, 0);

        g_cancellable_cancel (cancellable);
        g_assert_true (test_iterate_until_flag (main_context, &result.done, 5000));
        g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
        g_clear_object (&client);
        g_clear_error (&result.error);
        g_clear_object (&result.response);
        g_clear_object (&server);
        test_iterate_for (main_context, 10);
        g_main_context_pop_thread_default (main_context);
}

static void
test_advance_needs_frozen_clock (void)
{
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Context) client = coap_udp6_context_new_client (&error);

        g_test_summary ("advance_clock on a running clock is a programming error: a critical, "
                        "nothing fires");
        g_assert_no_error (error);
        g_test_expect_message ("CoapUdp6", G_LOG_LEVEL_CRITICAL, "*frozen_clock*");
        g_assert_cmpuint (coap_udp6_context_advance_clock (client, 1.0), ==, 0);
        g_test_assert_expected_messages ();
        coap_udp6_context_freeze_clock (client);
        coap_udp6_context_freeze_clock (client);
        g_test_expect_message ("CoapUdp6", G_LOG_LEVEL_CRITICAL, "*seconds*");
        g_assert_cmpuint (coap_udp6_context_advance_clock (client, -1.0), ==, 0);
        g_test_assert_expected_messages ();
        g_assert_cmpuint (coap_udp6_context_advance_clock (client, 0), ==, 0);
        /* The clock stops at its end instead of overflowing (UBSan would
         * stop the test): 20 000 times the largest step is 634 000 years. */
        for (guint i = 0; i < 20000; i++)
                coap_udp6_context_advance_clock (client, 1e9);
        g_assert_cmpint (coap_udp6_context_now (client), >, G_MAXINT64 / 4);
}

int
main (int   argc,
      char *argv[])
{
        test_init (&argc, &argv);
        g_test_add_func ("/dtls-timers/advance-needs-frozen-clock", test_advance_needs_frozen_clock);
        if (!coap_udp6_credentials_is_supported ()) {
                g_test_skip ("built without GnuTLS");
                return g_test_run ();
        }
        g_test_add_func ("/dtls-timers/client-retransmits-and-expires",
                         test_client_retransmits_and_expires);
        g_test_add_func ("/dtls-timers/server-half-open-expires", test_server_half_open_expires);
        return g_test_run ();
}
