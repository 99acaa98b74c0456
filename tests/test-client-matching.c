/* test-client-matching.c: which datagrams a client takes as the response
 * to its request, against a raw UDP peer on ::1 acting as the server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"

#include <string.h>

typedef struct {
        GMainContext *main_context;
        CoapUdp6Context *client;
        GSocket *server;                    /* [::1]:0, non-blocking */
        char *uri;
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
        g_object_set (f->client, "ack-timeout", 0.05, "max-retransmit", 4, NULL);
        f->server = test_raw_socket_new ();
        local = g_socket_get_local_address (f->server, &error);
        g_assert_no_error (error);
        f->uri = g_strdup_printf ("coap://[::1]:%u/x",
                                  g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        g_clear_object (&f->client);
        g_clear_object (&f->server);
        g_clear_pointer (&f->uri, g_free);
        test_main_context_pop (f->main_context);
}

static gboolean
readable (gpointer data)
{
        return g_socket_condition_check (data, G_IO_IN) != 0;
}

/* The next datagram the raw server receives, as hex, and who sent it. */
static char *
receive_request (Fixture         *f,
                 GSocketAddress **from)
{
        g_autoptr (GBytes) bytes = NULL;
        g_autoptr (GError) error = NULL;
        guint8 buf[2048];
        gssize n;

        g_assert_true (test_iterate_until (f->main_context, readable, f->server, 5000));
        n = g_socket_receive_from (f->server, from, (char *) buf, sizeof buf, NULL, &error);
        g_assert_no_error (error);
        bytes = g_bytes_new (buf, n);
        return test_hex_from_bytes (bytes);
}

/* An ACK carrying 2.05 Content with @mid, the request's token (hex) and
 * @payload. */
static void
send_ack (Fixture        *f,
          GSocketAddress *to,
          guint           mid,
          const char     *token,
          const char     *payload)
{
        g_autoptr (GString) hex = g_string_new (NULL);

        g_string_append_printf (hex, "6%x45%04x%s" "ff", (guint) strlen (token) / 2, mid, token);
        for (const char *p = payload; *p != '\0'; p++)
                g_string_append_printf (hex, "%02x", (guchar) *p);
        test_raw_send_hex (f->server, to, hex->str);
}

/* RFC 7252 §5.3.2: an ACK with the request's token but another message ID
 * is no response: the client keeps retransmitting and takes the ACK that
 * matches both. */
static void
test_piggybacked_needs_mid (Fixture      *f,
                            gconstpointer data)
{
        g_autoptr (CoapUdp6Message) request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                     COAP_UDP6_CODE_GET);
        g_autoptr (GError) error = NULL;
        g_autoptr (GSocketAddress) from = NULL;
        g_autoptr (GSocketAddress) from_again = NULL;
        g_autofree char *sent = NULL;
        g_autofree char *resent = NULL;
        g_autofree char *token = NULL;
        g_autofree char *mid_hex = NULL;
        TestResult r = { 0 };
        GBytes *payload;
        guint mid, tkl;

        coap_udp6_message_set_request_uri (request, f->uri, &error);
        g_assert_no_error (error);
        coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &r);
        sent = receive_request (f, &from);
        g_assert_cmpuint (strlen (sent), >=, 8);
        tkl = g_ascii_xdigit_value (sent[1]);
        mid_hex = g_strndup (sent + 4, 4);
        mid = (guint) g_ascii_strtoull (mid_hex, NULL, 16);
        token = g_strndup (sent + 8, tkl * 2);

        send_ack (f, from, (mid + 1) & 0xffff, token, "wrong");
        /* The client's retransmission (same datagram) shows it took neither
         * the response nor the acknowledgement. */
        resent = receive_request (f, &from_again);
        g_assert_cmpstr (resent, ==, sent);
        g_assert_false (r.done);

        send_ack (f, from, mid, token, "right");
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 5000));
        g_assert_no_error (r.error);
        g_assert_cmpuint (coap_udp6_message_get_code (r.response), ==, COAP_UDP6_CODE_CONTENT);
        payload = coap_udp6_message_get_payload (r.response);
        g_assert_cmpmem (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), "right", 5);
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
        g_test_add ("/client-matching/piggybacked-needs-mid", Fixture, NULL, fixture_setup,
                    test_piggybacked_needs_mid, fixture_teardown);
        return g_test_run ();
}
