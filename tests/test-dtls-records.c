/* test-dtls-records.c: DTLS datagrams that are dropped before GnuTLS
 * sees them (coap-udp6-dtls-record-check.c), by themselves and at a coaps
 * server over [::1], which must go on serving
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"
#include "coap-udp6-dtls-session-private.h"

#include <string.h>

#define KEY "secretPSK"

/* A record header (handshake, DTLS 1.2, epoch 0, sequence 0) of @length
 * bytes, then a handshake fragment header. */
static GBytes *
datagram (guint record_length,
          guint message_length,
          guint message_seq,
          guint offset,
          guint fragment_length,
          guint body_length)
{
        GByteArray *out = g_byte_array_new ();
        guint8 header[13] = { 22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0,
                              record_length >> 8, record_length & 0xff };
        guint8 fragment[12] = { 1, message_length >> 16, message_length >> 8, message_length,
                                message_seq >> 8, message_seq, offset >> 16, offset >> 8, offset,
                                fragment_length >> 16, fragment_length >> 8, fragment_length };

        g_byte_array_append (out, header, sizeof header);
        g_byte_array_append (out, fragment, sizeof fragment);
        for (guint i = 0; i < body_length; i++)
                g_byte_array_append (out, (const guint8 *) "x", 1);
        return g_byte_array_free_to_bytes (out);
}

static gboolean
plausible (GBytes                       *bytes,
           CoapUdp6DtlsHandshakeLengths *seen)
{
        gsize length;
        const guint8 *data = g_bytes_get_data (bytes, &length);

        return coap_udp6_dtls_records_plausible (data, length, seen);
}

static void
test_record_check (void)
{
        CoapUdp6DtlsHandshakeLengths seen = { 0 };
        g_autoptr (GBytes) whole = datagram (12 + 40, 40, 0, 0, 40, 40);
        g_autoptr (GBytes) first_half = datagram (12 + 20, 40, 1, 0, 20, 20);
        g_autoptr (GBytes) second_half = datagram (12 + 20, 40, 1, 20, 20, 20);
        g_autoptr (GBytes) other_length = datagram (12 + 20, 60, 1, 20, 20, 20);
        g_autoptr (GBytes) record_too_long = datagram (12 + 80, 40, 0, 0, 40, 40);
        g_autoptr (GBytes) fragment_too_long = datagram (12 + 40, 80, 0, 0, 60, 40);
        g_autoptr (GBytes) past_message = datagram (12 + 40, 40, 0, 10, 40, 40);
        g_autoptr (GBytes) empty_at_offset = datagram (12, 40, 0, 8, 0, 0);
        g_autoptr (GBytes) huge = datagram (12 + 40, 0xffffff, 0, 0, 40, 40);
        g_autoptr (GBytes) short_header = g_bytes_new ("\x16\xfe\xfd", 3);
        g_autoptr (GBytes) encrypted = g_bytes_new ("\x16\xfe\xfd\x00\x01\x00\x00\x00\x00\x00\x00\x00\x02zz", 15);

        g_assert_true (plausible (whole, NULL));
        g_assert_true (plausible (first_half, &seen));
        g_assert_true (plausible (second_half, &seen));
        /* The same message (message_seq 1) with another length. */
        g_assert_false (plausible (other_length, &seen));
        g_assert_true (plausible (other_length, NULL));
        g_assert_false (plausible (record_too_long, NULL));
        g_assert_false (plausible (fragment_too_long, NULL));
        g_assert_false (plausible (past_message, NULL));
        g_assert_false (plausible (empty_at_offset, NULL));
        g_assert_false (plausible (huge, NULL));
        g_assert_false (plausible (short_header, NULL));
        /* Epoch 1: encrypted, left to GnuTLS. */
        g_assert_true (plausible (encrypted, NULL));
}

static void
send_bytes (GSocket        *socket,
            GSocketAddress *to,
            GBytes         *bytes)
{
        g_autoptr (GError) error = NULL;

        g_socket_send_to (socket, to, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL, &error);
        g_assert_no_error (error);
}

/* The datagram fuzz-dtls found, and the others, from a peer: the server
 * keeps no session for them and then completes a handshake with a real
 * client and answers its request. */
static void
test_server_survives (void)
{
        const char *binds[] = { "coaps://[::1]:0", NULL };
        g_autoptr (GMainContext) main_context = g_main_context_ref_thread_default ();
        g_autoptr (CoapUdp6Credentials) credentials = coap_udp6_credentials_new ();
        g_autoptr (CoapUdp6Credentials) client_credentials = coap_udp6_credentials_new ();
        g_autoptr (GBytes) key = g_bytes_new (KEY, strlen (KEY));
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Context) server = NULL;
        g_autoptr (CoapUdp6Context) client = NULL;
        g_autoptr (CoapUdp6Message) message = NULL;
        g_autoptr (GSocket) raw = NULL;
        g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
        g_autoptr (GSocketAddress) to = NULL;
        GBytes *bad[4];
        g_autofree char *uri = NULL;
        TestResult result = { 0 };

        if (!test_have_ipv6 ()) {
                g_test_skip ("no IPv6 loopback");
                return;
        }
        coap_udp6_credentials_add_psk (credentials, "alice", key);
        server = g_initable_new (COAP_UDP6_TYPE_CONTEXT, NULL, &error, "binds", binds,
                                 "is-server", TRUE, "credentials", credentials, NULL);
        g_assert_no_error (error);
        to = g_inet_socket_address_new (loopback, coap_udp6_context_get_local_port (server));
        raw = test_raw_socket_new ();
        bad[0] = datagram (12 + 80, 40, 0, 0, 40, 40);
        bad[1] = datagram (12, 40, 0, 8, 0, 0);
        bad[2] = datagram (12 + 40, 40, 0, 10, 40, 40);
        bad[3] = datagram (12 + 40, 0xffffff, 0, 0, 40, 40);
        for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
                send_bytes (raw, to, bad[i]);
                g_bytes_unref (bad[i]);
        }
        test_iterate_for (main_context, 50);

        client = coap_udp6_context_new_client (&error);
        g_assert_no_error (error);
        coap_udp6_credentials_set_psk (client_credentials, "alice", key);
        coap_udp6_context_set_credentials (client, client_credentials);
        message = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON, COAP_UDP6_CODE_GET);
        uri = g_strdup_printf ("coaps://[::1]:%u/.well-known/core", coap_udp6_context_get_local_port (server));
        coap_udp6_message_set_request_uri (message, uri, &error);
        g_assert_no_error (error);
        coap_udp6_context_request_async (client, message, NULL, test_request_cb, &result);
        g_assert_true (test_iterate_until_flag (main_context, &result.done, 10000));
        g_assert_no_error (result.error);
        g_assert_cmpuint (coap_udp6_message_get_code (result.response), ==, COAP_UDP6_CODE_CONTENT);
        g_clear_object (&result.response);
}

int
main (int    argc,
      char **argv)
{
        test_init (&argc, &argv);
        g_test_add_func ("/dtls-records/check", test_record_check);
        g_test_add_func ("/dtls-records/server-survives", test_server_survives);
        return g_test_run ();
}
