/* test-echo-amplification.c: the server asks for an Echo (RFC 9175 §2.4)
 * before a response over three times its request, on loopback: a raw
 * peer sees the 4.01 and the Echo, and is answered once it repeats the
 * Echo; the library's client gets the whole body without noticing;
 * multicast requests are challenged whatever the property says.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"
#include "coap-udp6-context-private.h"

#include <string.h>

typedef struct {
        GMainContext *main_context;
        CoapUdp6Context *server;
        CoapUdp6Context *client;
        GBytes *big;
        guint big_calls;
        GSocket *raw;                       /* [::1]:0, non-blocking */
        GSocketAddress *server_address;
        guint server_port;
        guint16 next_mid;
} Fixture;

static void
big_handler (CoapUdp6Resource *resource,
             CoapUdp6Request  *request,
             gpointer          user_data)
{
        Fixture *f = user_data;

        f->big_calls++;
        coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CONTENT, f->big, 0);
}

static void
small_handler (CoapUdp6Resource *resource,
               CoapUdp6Request  *request,
               gpointer          user_data)
{
        g_autoptr (GBytes) text = g_bytes_new ("tiny", 4);

        coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CONTENT, text, 0);
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
        const char *binds[] = { "[::1]:0", NULL };
        g_autoptr (GError) error = NULL;
        g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
        g_autoptr (CoapUdp6Resource) big = NULL;
        g_autoptr (CoapUdp6Resource) small = NULL;
        guint8 *data_bytes = g_malloc (3000);

        for (guint i = 0; i < 3000; i++)
                data_bytes[i] = 'a' + i % 26;
        f->big = g_bytes_new_take (data_bytes, 3000);
        f->main_context = test_main_context_push ();
        f->server = coap_udp6_context_new_server (binds, NULL, &error);
        g_assert_no_error (error);
        /* Multicast answers without the random leisure of RFC 7252 §8.2. */
        g_object_set (f->server, "default-leisure", 0.0, NULL);
        big = coap_udp6_resource_new ();
        coap_udp6_resource_set_method_handler (big, COAP_UDP6_CODE_GET, big_handler, f, NULL);
        coap_udp6_resource_set_method_handler (big, COAP_UDP6_CODE_POST, big_handler, f, NULL);
        small = coap_udp6_resource_new ();
        coap_udp6_resource_set_method_handler (small, COAP_UDP6_CODE_GET, small_handler, f, NULL);
        coap_udp6_context_add_resource (f->server, "big", big);
        coap_udp6_context_add_resource (f->server, "small", small);
        f->client = coap_udp6_context_new_client (&error);
        g_assert_no_error (error);
        f->raw = test_raw_socket_new ();
        f->server_port = coap_udp6_context_get_local_port (f->server);
        f->server_address = g_inet_socket_address_new (lo, f->server_port);
        f->next_mid = 0x1000;
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        g_clear_object (&f->client);
        g_clear_object (&f->server);
        g_clear_object (&f->raw);
        g_clear_object (&f->server_address);
        g_clear_pointer (&f->big, g_bytes_unref);
        test_main_context_pop (f->main_context);
}

/* The datagram of a request from the raw peer. */
static GBytes *
raw_request (Fixture    *f,
             guint       code,
             const char *path,
             GBytes     *echo)
{
        g_autoptr (CoapUdp6Message) request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON, code);
        const char *segments[] = { path, NULL };
        g_autoptr (GBytes) token = g_bytes_new ("\xab", 1);

        coap_udp6_message_set_mid (request, f->next_mid++);
        coap_udp6_message_set_token (request, token);
        coap_udp6_message_set_uri_path (request, segments);
        if (echo != NULL)
                coap_udp6_message_set_echo (request, echo);
        return coap_udp6_message_encode (request, NULL);
}

static CoapUdp6Message *
receive (Fixture *f)
{
        return test_raw_recv_message (f->main_context, f->raw, 5000, NULL);
}

/* Sends a request from the raw peer and returns the reply. */
static CoapUdp6Message *
exchange (Fixture    *f,
          guint       code,
          const char *path,
          GBytes     *echo)
{
        g_autoptr (GBytes) datagram = raw_request (f, code, path, echo);
        g_autofree char *hex = test_hex_from_bytes (datagram);

        test_raw_send_hex (f->raw, f->server_address, hex);
        return receive (f);
}

static void
test_off_by_default (Fixture      *f,
                     gconstpointer data)
{
        g_autoptr (CoapUdp6Message) reply = NULL;
        gboolean on = TRUE;

        g_object_get (f->server, "echo-amplification-limit", &on, NULL);
        g_assert_false (on);
        reply = exchange (f, COAP_UDP6_CODE_GET, "big", NULL);
        g_assert_cmpuint (coap_udp6_message_get_code (reply), ==, COAP_UDP6_CODE_CONTENT);
        g_assert_cmpuint (g_bytes_get_size (coap_udp6_message_get_payload (reply)), ==, 1024);
}

static void
test_raw_peer (Fixture      *f,
               gconstpointer data)
{
        g_autoptr (CoapUdp6Message) challenge = NULL;
        g_autoptr (CoapUdp6Message) reply = NULL;
        g_autoptr (CoapUdp6Message) refused = NULL;
        g_autoptr (CoapUdp6Message) small = NULL;
        g_autoptr (CoapUdp6Message) unsafe = NULL;
        g_autoptr (GBytes) echo = NULL;
        g_autoptr (GBytes) forged = NULL;
        guint8 *forged_data;
        gsize len;

        g_object_set (f->server, "echo-amplification-limit", TRUE, NULL);
        challenge = exchange (f, COAP_UDP6_CODE_GET, "big", NULL);
        g_assert_cmpuint (coap_udp6_message_get_code (challenge), ==, COAP_UDP6_CODE_UNAUTHORIZED);
        g_assert_cmpuint (coap_udp6_message_get_mtype (challenge), ==, COAP_UDP6_MESSAGE_TYPE_ACK);
        g_assert_cmpuint (g_bytes_get_size (coap_udp6_message_get_payload (challenge)), ==, 0);
        echo = coap_udp6_message_get_echo (challenge);
        g_assert_nonnull (echo);
        g_assert_cmpuint (g_bytes_get_size (echo), <=, 40);

        /* The same request with that Echo gets the response. */
        reply = exchange (f, COAP_UDP6_CODE_GET, "big", echo);
        g_assert_cmpuint (coap_udp6_message_get_code (reply), ==, COAP_UDP6_CODE_CONTENT);
        g_assert_cmpuint (g_bytes_get_size (coap_udp6_message_get_payload (reply)), ==, 1024);

        /* An Echo changed by one bit proves nothing. */
        forged_data = g_bytes_unref_to_data (g_bytes_ref (echo), &len);
        forged_data[len - 1] ^= 1;
        forged = g_bytes_new_take (forged_data, len);
        refused = exchange (f, COAP_UDP6_CODE_GET, "big", forged);
        g_assert_cmpuint (coap_udp6_message_get_code (refused), ==, COAP_UDP6_CODE_UNAUTHORIZED);

        /* A small response needs no Echo; an unsafe request is not asked
         * again, because its handler ran already. */
        small = exchange (f, COAP_UDP6_CODE_GET, "small", NULL);
        g_assert_cmpuint (coap_udp6_message_get_code (small), ==, COAP_UDP6_CODE_CONTENT);
        unsafe = exchange (f, COAP_UDP6_CODE_POST, "big", NULL);
        g_assert_cmpuint (coap_udp6_message_get_code (unsafe), ==, COAP_UDP6_CODE_CONTENT);
}

/* The Echo is good for EXCHANGE_LIFETIME, on the server's clock. */
static gint64 fake_now;

static gint64
fake_clock (gpointer data)
{
        return fake_now;
}

static void
test_stale_echo (Fixture      *f,
                 gconstpointer data)
{
        g_autoptr (CoapUdp6Message) challenge = NULL;
        g_autoptr (CoapUdp6Message) reply = NULL;
        g_autoptr (GBytes) echo = NULL;

        fake_now = 1000 * G_USEC_PER_SEC;
        coap_udp6_context_set_clock (f->server, fake_clock, NULL);
        g_object_set (f->server, "echo-amplification-limit", TRUE, NULL);
        challenge = exchange (f, COAP_UDP6_CODE_GET, "big", NULL);
        echo = coap_udp6_message_get_echo (challenge);
        g_assert_nonnull (echo);
        fake_now += (gint64) (coap_udp6_context_get_exchange_lifetime (f->server) + 2) * G_USEC_PER_SEC;
        reply = exchange (f, COAP_UDP6_CODE_GET, "big", echo);
        g_assert_cmpuint (coap_udp6_message_get_code (reply), ==, COAP_UDP6_CODE_UNAUTHORIZED);
}

static void
test_library_client (Fixture      *f,
                     gconstpointer data)
{
        g_autofree char *uri = g_strdup_printf ("coap://[::1]:%u/big", f->server_port);
        g_autoptr (CoapUdp6Message) request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                     COAP_UDP6_CODE_GET);
        TestResult r = { 0 };

        g_object_set (f->server, "echo-amplification-limit", TRUE, NULL);
        g_assert_true (coap_udp6_message_set_request_uri (request, uri, NULL));
        coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &r);
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 30000));
        g_assert_no_error (r.error);
        g_assert_cmpuint (coap_udp6_message_get_code (r.response), ==, COAP_UDP6_CODE_CONTENT);
        g_assert_true (g_bytes_equal (coap_udp6_message_get_payload (r.response), f->big));
        /* The handler ran for the first request (its response was held
         * back) and for the repeated one; later blocks came from what was
         * kept. */
        g_assert_cmpuint (f->big_calls, ==, 2);
        g_clear_object (&r.response);
}

/* Feeds @datagram to the server as if it arrived on ff02::fd from the raw
 * socket. */
static void
inject_multicast (Fixture *f,
                  GBytes  *datagram)
{
        g_autoptr (GInetAddress) group = g_inet_address_new_from_string ("ff02::fd");
        g_autoptr (CoapUdp6Pktinfo) pktinfo = coap_udp6_pktinfo_new (group, 1);
        g_autoptr (GSocketAddress) raw_address = g_socket_get_local_address (f->raw, NULL);
        g_autoptr (CoapUdp6EndpointAddress) remote = NULL;
        g_autoptr (CoapUdp6Message) message = NULL;

        remote = coap_udp6_endpoint_address_new (G_INET_SOCKET_ADDRESS (raw_address),
                                                  g_ptr_array_index (f->server->interfaces, 0),
                                                  pktinfo);
        g_assert_true (coap_udp6_endpoint_address_is_multicast_locally (remote));
        message = coap_udp6_message_decode (datagram, remote, NULL);
        g_assert_nonnull (message);
        coap_udp6_message_manager_dispatch_message (COAP_UDP6_MESSAGE_MANAGER (f->server), message);
}

static void
test_multicast (Fixture      *f,
                gconstpointer data)
{
        g_autoptr (GBytes) first = NULL;
        g_autoptr (GBytes) again = NULL;
        g_autoptr (GBytes) echo = NULL;
        g_autofree char *again_hex = NULL;
        g_autoptr (CoapUdp6Message) challenge = NULL;
        g_autoptr (CoapUdp6Message) reply = NULL;

        /* Off for unicast, on for multicast all the same. */
        first = raw_request (f, COAP_UDP6_CODE_GET, "big", NULL);
        inject_multicast (f, first);
        challenge = receive (f);
        /* RFC 7252 §8.2 forbids error responses to multicast; RFC 9175
         * §2.4 makes this 4.01, sent by unicast, the exception. */
        g_assert_cmpuint (coap_udp6_message_get_code (challenge), ==, COAP_UDP6_CODE_UNAUTHORIZED);
        echo = coap_udp6_message_get_echo (challenge);
        g_assert_nonnull (echo);
        /* A multicast request is never acknowledged (RFC 7252 §8.1). */
        g_assert_cmpuint (coap_udp6_message_get_mtype (challenge), !=, COAP_UDP6_MESSAGE_TYPE_ACK);

        /* Repeated by unicast with the Echo, as RFC 9175 §2.4 has it. */
        again = raw_request (f, COAP_UDP6_CODE_GET, "big", echo);
        again_hex = test_hex_from_bytes (again);
        test_raw_send_hex (f->raw, f->server_address, again_hex);
        reply = receive (f);
        g_assert_cmpuint (coap_udp6_message_get_code (reply), ==, COAP_UDP6_CODE_CONTENT);
}

int
main (int   argc,
      char *argv[])
{
        test_init (&argc, &argv);
        g_test_summary ("The server's Echo challenge against amplification (RFC 9175 §2.4)");
#define ADD(path, fn) g_test_add ("/echo-amplification/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
        ADD ("off-by-default", test_off_by_default);
        ADD ("raw-peer", test_raw_peer);
        ADD ("stale-echo", test_stale_echo);
        ADD ("library-client", test_library_client);
        ADD ("multicast", test_multicast);
#undef ADD
        return g_test_run ();
}
