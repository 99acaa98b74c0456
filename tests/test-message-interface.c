/* test-message-interface.c: CoapUdp6MessageInterface on real loopback
 * sockets: exchange, pktinfo, ICMP errors, large datagrams, bind errors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"
#include "coap-udp6-message-interface-private.h"

#include <net/if.h>
#include <string.h>

/* A message manager that records what it is given. */
#define TEST_TYPE_MANAGER (test_manager_get_type ())
G_DECLARE_FINAL_TYPE (TestManager, test_manager, TEST, MANAGER, GObject)

struct _TestManager {
        GObject    parent_instance;
        GPtrArray *messages;
        GPtrArray *errors;
        GPtrArray *error_remotes;
        guint      unparsable;
        /* (nullable) (unowned): shut down from inside dispatch_message */
        CoapUdp6MessageInterface *shutdown_on_message;
        /* (nullable) (unowned): echo each message back through it, then
         * run a nested main loop until @echo_seen has one more message */
        CoapUdp6MessageInterface *echo_through;
        TestManager *echo_seen;
        gboolean echo_arrived;
        /* When set, messages are not kept: only their address and message
         * ID at dispatch time, and a weak reference to the first one. */
        gboolean    keep_nothing;
        /* With keep_nothing: a "notify::payload" handler on the first
         * message instead of the weak reference. */
        gboolean    notify_first;
        GPtrArray  *addresses;
        GArray     *mids;
        GWeakRef    first;
};

static void test_manager_iface_init (CoapUdp6MessageManagerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestManager, test_manager, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (COAP_UDP6_TYPE_MESSAGE_MANAGER,
                                                      test_manager_iface_init))

static void
test_manager_finalize (GObject *object)
{
        TestManager *self = TEST_MANAGER (object);

        g_ptr_array_unref (self->messages);
        g_ptr_array_unref (self->errors);
        g_ptr_array_unref (self->error_remotes);
        g_ptr_array_unref (self->addresses);
        g_array_unref (self->mids);
        g_weak_ref_clear (&self->first);
        G_OBJECT_CLASS (test_manager_parent_class)->finalize (object);
}

static void
test_manager_class_init (TestManagerClass *klass)
{
        G_OBJECT_CLASS (klass)->finalize = test_manager_finalize;
}

static void
test_manager_init (TestManager *self)
{
        self->messages = g_ptr_array_new_with_free_func (g_object_unref);
        self->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
        self->error_remotes = g_ptr_array_new_with_free_func (g_object_unref);
        self->addresses = g_ptr_array_new ();
        self->mids = g_array_new (FALSE, FALSE, sizeof (guint));
        g_weak_ref_init (&self->first, NULL);
}

static void
ignore_notify (GObject    *object,
               GParamSpec *pspec,
               gpointer    user_data)
{
}

static void
manager_dispatch_message (CoapUdp6MessageManager *manager,
                          CoapUdp6Message        *message)
{
        TestManager *self = TEST_MANAGER (manager);

        if (self->keep_nothing) {
                guint mid = coap_udp6_message_get_mid (message);

                if (self->addresses->len == 0 && self->notify_first)
                        g_signal_connect (message, "notify::payload", G_CALLBACK (ignore_notify), NULL);
                else if (self->addresses->len == 0)
                        g_weak_ref_set (&self->first, message);
                g_ptr_array_add (self->addresses, message);
                g_array_append_val (self->mids, mid);
                return;
        }
        g_ptr_array_add (self->messages, g_object_ref (message));
        if (self->echo_through != NULL) {
                guint before = self->echo_seen->messages->len;
                gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

                coap_udp6_message_interface_send (self->echo_through, message);
                while (self->echo_seen->messages->len == before &&
                       g_get_monotonic_time () < deadline)
                        g_main_context_iteration (g_main_context_get_thread_default (), FALSE);
                self->echo_arrived = self->echo_seen->messages->len > before;
        }
        if (self->shutdown_on_message != NULL)
                coap_udp6_message_interface_shutdown_async (self->shutdown_on_message,
                                                            NULL, NULL, NULL);
}

static void
manager_dispatch_error (CoapUdp6MessageManager  *manager,
                        const GError            *error,
                        CoapUdp6EndpointAddress *remote)
{
        TestManager *self = TEST_MANAGER (manager);

        g_ptr_array_add (self->errors, g_error_copy (error));
        g_ptr_array_add (self->error_remotes, g_object_ref (remote));
}

static void
manager_dispatch_unparsable (CoapUdp6MessageManager  *manager,
                             GBytes                  *datagram,
                             CoapUdp6EndpointAddress *remote,
                             const GError            *reason)
{
        TEST_MANAGER (manager)->unparsable++;
}

static void
test_manager_iface_init (CoapUdp6MessageManagerInterface *iface)
{
        iface->dispatch_message = manager_dispatch_message;
        iface->dispatch_error = manager_dispatch_error;
        iface->dispatch_unparsable = manager_dispatch_unparsable;
}

/* Fixture: a context pushed thread-default, a server on [::]:0 and a
 * client, each with its own manager. */
typedef struct {
        GMainContext             *context;
        TestManager              *server_manager;
        TestManager              *client_manager;
        CoapUdp6MessageInterface *server;
        CoapUdp6MessageInterface *client;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
        g_autoptr (GError) error = NULL;

        f->context = g_main_context_new ();
        g_main_context_push_thread_default (f->context);
        f->server_manager = g_object_new (TEST_TYPE_MANAGER, NULL);
        f->client_manager = g_object_new (TEST_TYPE_MANAGER, NULL);
        f->server = coap_udp6_message_interface_new_server (
                COAP_UDP6_MESSAGE_MANAGER (f->server_manager), "[::]:0", NULL, &error);
        g_assert_no_error (error);
        f->client = coap_udp6_message_interface_new_client (
                COAP_UDP6_MESSAGE_MANAGER (f->client_manager), &error);
        g_assert_no_error (error);
        g_assert_cmpuint (coap_udp6_message_interface_get_local_port (f->server), >, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
        g_clear_object (&f->server);
        g_clear_object (&f->client);
        g_clear_object (&f->server_manager);
        g_clear_object (&f->client_manager);
        while (g_main_context_iteration (f->context, FALSE))
                ;
        g_main_context_pop_thread_default (f->context);
        g_main_context_unref (f->context);
}

static void
remote_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
        GAsyncResult **out = user_data;

        *out = g_object_ref (result);
}

/* Runs determine_remote on @unresolved; NULL with @error set on failure. */
static CoapUdp6EndpointAddress *
determine (Fixture                  *f,
           CoapUdp6MessageInterface *interface,
           CoapUdp6Message          *message,
           GError                  **error)
{
        g_autoptr (GAsyncResult) result = NULL;

        coap_udp6_message_interface_determine_remote_async (interface, message, NULL,
                                                            remote_done, &result);
        while (result == NULL)
                g_main_context_iteration (f->context, TRUE);
        return coap_udp6_message_interface_determine_remote_finish (interface, result,
                                                                    error);
}

static CoapUdp6EndpointAddress *
remote_for (Fixture                  *f,
            CoapUdp6MessageInterface *interface,
            const char               *unresolved)
{
        g_autoptr (CoapUdp6Message) message = coap_udp6_message_new (
                COAP_UDP6_MESSAGE_TYPE_CON, COAP_UDP6_CODE_GET);
        g_autoptr (GError) error = NULL;
        CoapUdp6EndpointAddress *remote;

        coap_udp6_message_set_unresolved_remote (message, unresolved);
        remote = determine (f, interface, message, &error);
        g_assert_no_error (error);
        g_assert_nonnull (remote);
        return remote;
}

static gboolean
has_messages (gpointer user_data)
{
        TestManager *m = ((gpointer *) user_data)[0];

        return m->messages->len >= GPOINTER_TO_UINT (((gpointer *) user_data)[1]);
}

static void
wait_messages (Fixture     *f,
               TestManager *m,
               guint        n)
{
        gpointer data[2] = { m, GUINT_TO_POINTER (n) };

        g_assert_true (test_iterate_until (f->context, has_messages, data, 2000));
}

static CoapUdp6Message *
make_message (CoapUdp6EndpointAddress *remote,
              guint                    mid)
{
        CoapUdp6Message *m = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                    COAP_UDP6_CODE_GET);

        coap_udp6_message_set_mid (m, mid);
        coap_udp6_message_set_remote (m, remote);
        return m;
}

static char *
hostport (const char *host,
          guint       port)
{
        if (strchr (host, ':') != NULL)
                return g_strdup_printf ("[%s]:%u", host, port);
        return g_strdup_printf ("%s:%u", host, port);
}

static void
check_request_remote (Fixture                 *f,
                      CoapUdp6EndpointAddress *remote,
                      const char              *host)
{
        guint sport = coap_udp6_message_interface_get_local_port (f->server);
        guint cport = coap_udp6_message_interface_get_local_port (f->client);
        /* Linux sends from 127.0.0.1 to any 127/8 address. */
        g_autofree char *expected_remote = hostport (
                g_str_has_prefix (host, "127.") ? "127.0.0.1" : host, cport);
        g_autofree char *expected_local = hostport (host, sport);
        g_autofree char *hostinfo = coap_udp6_endpoint_address_get_hostinfo (remote);
        g_autofree char *local = NULL;
        g_autoptr (GInetAddress) dest = g_inet_address_new_from_string (host);
        g_autoptr (GInetAddress) pkt_address = NULL;
        g_autoptr (CoapUdp6Pktinfo) expected_pktinfo = NULL;
        g_autoptr (GError) error = NULL;
        CoapUdp6Pktinfo *pktinfo = coap_udp6_endpoint_address_get_pktinfo (remote);

        g_assert_cmpstr (hostinfo, ==, expected_remote);
        g_assert_nonnull (pktinfo);
        pkt_address = coap_udp6_pktinfo_get_address (pktinfo);
        expected_pktinfo = coap_udp6_pktinfo_new (dest, 0);
        {
                g_autoptr (GInetAddress) want = coap_udp6_pktinfo_get_address (expected_pktinfo);

                g_assert_true (g_inet_address_equal (pkt_address, want));
        }
        g_assert_cmpuint (coap_udp6_pktinfo_get_ifindex (pktinfo), >, 0);
        local = coap_udp6_endpoint_address_get_hostinfo_local (remote, &error);
        g_assert_no_error (error);
        g_assert_cmpstr (local, ==, expected_local);
        g_assert_true (coap_udp6_message_interface_recognize_remote (f->server, remote));
        g_assert_false (coap_udp6_message_interface_recognize_remote (f->client, remote));
}

static void
test_exchange (Fixture       *f,
               gconstpointer  data)
{
        const char *host = data;
        guint sport = coap_udp6_message_interface_get_local_port (f->server);
        g_autofree char *target = hostport (host, sport);
        g_autoptr (CoapUdp6EndpointAddress) remote = NULL;
        g_autoptr (CoapUdp6EndpointAddress) back = NULL;
        g_autoptr (CoapUdp6Message) request = NULL;
        g_autoptr (CoapUdp6Message) response = NULL;
        g_autofree char *reply_from = NULL;
        CoapUdp6Message *received;

        g_test_summary ("A request reaches the server with the destination "
                        "address as pktinfo, and the reply leaves from it");
        if (strchr (host, ':') != NULL && !test_have_ipv6 ()) {
                g_test_skip ("no IPv6 loopback");
                return;
        }
        remote = remote_for (f, f->client, target);
        request = make_message (remote, 0x1234);
        coap_udp6_message_interface_send (f->client, request);
        wait_messages (f, f->server_manager, 1);
        received = g_ptr_array_index (f->server_manager->messages, 0);
        g_assert_cmpuint (coap_udp6_message_get_mid (received), ==, 0x1234);
        check_request_remote (f, coap_udp6_message_get_remote (received), host);

        back = coap_udp6_endpoint_address_as_response_address (
                coap_udp6_message_get_remote (received));
        response = make_message (back, 0x1234);
        coap_udp6_message_set_mtype (response, COAP_UDP6_MESSAGE_TYPE_ACK);
        coap_udp6_message_set_code (response, COAP_UDP6_CODE_CONTENT);
        coap_udp6_message_interface_send (f->server, response);
        wait_messages (f, f->client_manager, 1);
        received = g_ptr_array_index (f->client_manager->messages, 0);
        reply_from = coap_udp6_endpoint_address_get_hostinfo (
                coap_udp6_message_get_remote (received));
        g_assert_cmpstr (reply_from, ==, target);
        g_assert_cmpuint (f->server_manager->errors->len, ==, 0);
        g_assert_cmpuint (f->client_manager->errors->len, ==, 0);
        g_assert_cmpuint (coap_udp6_message_interface_get_datagrams_received (f->server), ==, 1);
}

static guint
closed_port (GSocketFamily family)
{
        g_autoptr (GSocket) sock = g_socket_new (family, G_SOCKET_TYPE_DATAGRAM,
                                                 G_SOCKET_PROTOCOL_UDP, NULL);
        g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (family);
        g_autoptr (GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
        g_autoptr (GSocketAddress) bound = NULL;

        g_assert_true (g_socket_bind (sock, addr, FALSE, NULL));
        bound = g_socket_get_local_address (sock, NULL);
        return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
has_error_and_message (gpointer user_data)
{
        Fixture *f = user_data;

        return f->client_manager->errors->len >= 1 &&
               f->server_manager->messages->len >= 1;
}

static gboolean
has_error (gpointer user_data)
{
        return ((Fixture *) user_data)->client_manager->errors->len >= 1;
}

static void
test_icmp (Fixture       *f,
           gconstpointer  data)
{
        const char *host = data;
        gboolean v6 = strchr (host, ':') != NULL;
        guint port = closed_port (v6 ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4);
        g_autofree char *dead_target = hostport (host, port);
        g_autofree char *live_target = hostport (host, coap_udp6_message_interface_get_local_port (f->server));
        g_autoptr (CoapUdp6EndpointAddress) dead = NULL;
        g_autoptr (CoapUdp6EndpointAddress) live = NULL;
        g_autoptr (CoapUdp6Message) m1 = NULL;
        g_autoptr (CoapUdp6Message) m2 = NULL;
        const GError *error;

        g_test_summary ("A datagram to a closed port yields ECONNREFUSED from "
                        "the error queue for that remote only");
        if (v6 && !test_have_ipv6 ()) {
                g_test_skip ("no IPv6 loopback");
                return;
        }
        dead = remote_for (f, f->client, dead_target);
        live = remote_for (f, f->client, live_target);
        m1 = make_message (dead, 1);
        m2 = make_message (live, 2);
        coap_udp6_message_interface_send (f->client, m1);
        coap_udp6_message_interface_send (f->client, m2);
        g_assert_true (test_iterate_until (f->context, has_error_and_message, f, 100));
        g_assert_cmpuint (f->client_manager->errors->len, ==, 1);
        error = g_ptr_array_index (f->client_manager->errors, 0);
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
        g_assert_cmpstr (error->message, ==,
                         "Connection refused (ECONNREFUSED, received through errqueue)");
        g_assert_true (coap_udp6_endpoint_address_equal (
                g_ptr_array_index (f->client_manager->error_remotes, 0), dead));
        g_assert_false (coap_udp6_endpoint_address_equal (
                g_ptr_array_index (f->client_manager->error_remotes, 0), live));
        g_assert_cmpuint (coap_udp6_message_interface_get_errors_received (f->client), ==, 1);
}

static void
test_icmp_many_destinations (Fixture       *f,
                             gconstpointer  data)
{
        g_autofree char *dead_target = hostport ("::1", closed_port (G_SOCKET_FAMILY_IPV6));
        g_autoptr (CoapUdp6EndpointAddress) dead = NULL;
        g_autoptr (CoapUdp6Message) m = NULL;
        g_autoptr (GPtrArray) peers = g_ptr_array_new_with_free_func (g_object_unref);

        g_test_summary ("An ICMP error about a destination is believed when 200 other "
                        "destinations were sent to before it (the set of destinations grew)");
        if (!test_have_ipv6 ()) {
                g_test_skip ("no IPv6 loopback");
                return;
        }
        for (guint i = 0; i < 200; i++) {
                GSocket *peer = test_raw_socket_new ();
                g_autoptr (GSocketAddress) local = g_socket_get_local_address (peer, NULL);
                g_autofree char *target = hostport ("::1", g_inet_socket_address_get_port (
                                                                   G_INET_SOCKET_ADDRESS (local)));
                g_autoptr (CoapUdp6EndpointAddress) remote = remote_for (f, f->client, target);
                g_autoptr (CoapUdp6Message) other = make_message (remote, 2 + i);

                g_ptr_array_add (peers, peer);
                coap_udp6_message_interface_send (f->client, other);
        }
        dead = remote_for (f, f->client, dead_target);
        m = make_message (dead, 1);
        coap_udp6_message_interface_send (f->client, m);
        g_assert_true (test_iterate_until (f->context, has_error, f, 1000));
        g_assert_cmpuint (f->client_manager->errors->len, ==, 1);
        g_assert_error ((const GError *) g_ptr_array_index (f->client_manager->errors, 0), G_IO_ERROR,
                        G_IO_ERROR_CONNECTION_REFUSED);
        g_assert_true (coap_udp6_endpoint_address_equal (
                g_ptr_array_index (f->client_manager->error_remotes, 0), dead));
}

static void
test_largest_datagram (Fixture       *f,
                       gconstpointer  data)
{
        g_autofree char *target = hostport ("127.0.0.1",
                                            coap_udp6_message_interface_get_local_port (f->server));
        g_autoptr (CoapUdp6EndpointAddress) remote = remote_for (f, f->client, target);
        g_autoptr (CoapUdp6Message) m = make_message (remote, 3);
        g_autofree guint8 *payload = g_malloc (65507 - 5);
        g_autoptr (GBytes) bytes = NULL;
        GBytes *got;
        CoapUdp6Message *received;

        g_test_summary ("The largest IPv4 UDP datagram (65507 bytes) arrives "
                        "whole and parses");
        memset (payload, 'x', 65507 - 5);
        bytes = g_bytes_new_take (g_steal_pointer (&payload), 65507 - 5);
        /* 4 header bytes + the 0xff payload marker. */
        coap_udp6_message_set_payload (m, bytes);
        coap_udp6_message_interface_send (f->client, m);
        wait_messages (f, f->server_manager, 1);
        received = g_ptr_array_index (f->server_manager->messages, 0);
        got = coap_udp6_message_get_payload (received);
        g_assert_cmpuint (g_bytes_get_size (got), ==, 65507 - 5);
        g_assert_true (g_bytes_equal (got, bytes));
        g_assert_cmpuint (coap_udp6_message_interface_get_datagrams_dropped_truncated (f->server), ==, 0);
        g_assert_cmpuint (f->client_manager->errors->len, ==, 0);
}

static gboolean
has_truncated (gpointer user_data)
{
        Fixture *f = user_data;

        return coap_udp6_message_interface_get_datagrams_dropped_truncated (f->server) >= 1 &&
               f->server_manager->messages->len >= 1;
}

static void
test_truncated (Fixture       *f,
                gconstpointer  data)
{
        g_autofree char *target = hostport ("127.0.0.1",
                                            coap_udp6_message_interface_get_local_port (f->server));
        g_autoptr (CoapUdp6EndpointAddress) remote = remote_for (f, f->client, target);
        g_autoptr (CoapUdp6Message) big = make_message (remote, 4);
        g_autoptr (CoapUdp6Message) small = make_message (remote, 5);
        g_autoptr (GBytes) payload = g_bytes_new_take (g_malloc0 (200), 200);

        g_test_summary ("A datagram longer than the receive buffer (MSG_TRUNC) "
                        "is dropped and counted, never parsed short");
        coap_udp6_message_interface_set_receive_buffer_size (f->server, 100);
        coap_udp6_message_set_payload (big, payload);
        coap_udp6_message_interface_send (f->client, big);
        coap_udp6_message_interface_send (f->client, small);
        g_assert_true (test_iterate_until (f->context, has_truncated, f, 2000));
        g_assert_cmpuint (f->server_manager->messages->len, ==, 1);
        g_assert_cmpuint (coap_udp6_message_get_mid (
                g_ptr_array_index (f->server_manager->messages, 0)), ==, 5);
        g_assert_cmpuint (coap_udp6_message_interface_get_datagrams_dropped_unparsable (f->server), ==, 0);
}

static void
test_bounded_batch (Fixture       *f,
                    gconstpointer  data)
{
        g_autofree char *target = hostport ("127.0.0.1",
                                            coap_udp6_message_interface_get_local_port (f->server));
        g_autoptr (CoapUdp6EndpointAddress) remote = remote_for (f, f->client, target);
        g_autoptr (GBytes) datagram = test_bytes_from_hex ("50 01 00 01");
        guint64 first;

        g_test_summary ("One wake-up reads at most 32 datagrams, so a flood "
                        "cannot starve other sources");
        for (guint i = 0; i < 100; i++)
                coap_udp6_message_interface_send_datagram (f->client, datagram, remote);
        /* Loopback delivers inside sendmsg (), so all 100 are queued now. */
        while (coap_udp6_message_interface_get_datagrams_received (f->server) == 0)
                g_main_context_iteration (f->context, TRUE);
        first = coap_udp6_message_interface_get_datagrams_received (f->server);
        g_assert_cmpuint (first, ==, 32);
        g_assert_true (test_iterate_until (f->context, has_messages,
                                           (gpointer[]) { f->server_manager,
                                                          GUINT_TO_POINTER (100) },
                                           2000));
        g_assert_cmpuint (coap_udp6_message_interface_get_datagrams_received (f->server), ==, 100);
}

static void
test_remote_cache (Fixture       *f,
                   gconstpointer  data)
{
        guint port = coap_udp6_message_interface_get_local_port (f->server);
        g_autofree char *v4 = hostport ("127.0.0.1", port);
        g_autofree char *v6 = hostport ("::1", port);
        g_autoptr (CoapUdp6EndpointAddress) to_v4 = remote_for (f, f->client, v4);
        g_autoptr (CoapUdp6EndpointAddress) to_v6 = remote_for (f, f->client, v6);
        g_autoptr (GBytes) datagram = test_bytes_from_hex ("50 01 00 01");
        CoapUdp6EndpointAddress *r[4];

        g_test_summary ("Datagrams from one peer to one local address share one "
                        "endpoint address; another local address is another remote");
        coap_udp6_message_interface_send_datagram (f->client, datagram, to_v4);
        coap_udp6_message_interface_send_datagram (f->client, datagram, to_v4);
        coap_udp6_message_interface_send_datagram (f->client, datagram, to_v6);
        coap_udp6_message_interface_send_datagram (f->client, datagram, to_v4);
        wait_messages (f, f->server_manager, 4);
        for (guint i = 0; i < 4; i++)
                r[i] = coap_udp6_message_get_remote (g_ptr_array_index (f->server_manager->messages, i));
        g_assert_true (r[0] == r[1]);
        g_assert_true (r[0] == r[3]);
        g_assert_true (r[0] != r[2]);
        g_assert_false (coap_udp6_endpoint_address_equal (r[0], r[2]));
        check_request_remote (f, r[0], "127.0.0.1");
        check_request_remote (f, r[2], "::1");
}

static void
test_nested_loop_flushes (Fixture       *f,
                          gconstpointer  data)
{
        g_autofree char *target = hostport ("::1", coap_udp6_message_interface_get_local_port (f->server));
        g_autoptr (CoapUdp6EndpointAddress) remote = remote_for (f, f->client, target);
        g_autoptr (CoapUdp6Message) first = make_message (remote, 7);
        g_autoptr (CoapUdp6Message) second = make_message (remote, 8);

        g_test_summary ("A send made while a received batch is handled leaves before "
                        "the main context polls again, even from a nested main loop");
        f->server_manager->echo_through = f->server;
        f->server_manager->echo_seen = f->client_manager;
        /* Two datagrams wait in the socket, so the server reads them as one
         * batch and queues the echoes (a lone datagram's reply leaves at once). */
        coap_udp6_message_interface_send (f->client, first);
        coap_udp6_message_interface_send (f->client, second);
        wait_messages (f, f->server_manager, 2);
        g_assert_true (f->server_manager->echo_arrived);
        g_assert_cmpuint (f->client_manager->messages->len, ==, 2);
        g_assert_cmpuint (coap_udp6_message_get_mid (g_ptr_array_index (f->client_manager->messages, 0)),
                          ==, 7);
        g_assert_cmpuint (coap_udp6_message_get_mid (g_ptr_array_index (f->client_manager->messages, 1)),
                          ==, 8);
}

static gboolean
has_unparsable (gpointer user_data)
{
        Fixture *f = user_data;

        return f->server_manager->unparsable >= 3;
}

static void
test_unparsable (Fixture       *f,
                 gconstpointer  data)
{
        g_autofree char *target = hostport ("127.0.0.1",
                                            coap_udp6_message_interface_get_local_port (f->server));
        g_autoptr (CoapUdp6EndpointAddress) remote = remote_for (f, f->client, target);
        const char *bad[] = { "40", "80 01 00 01", "44 01 00 01 aa" };

        g_test_summary ("Unparsable datagrams are counted and handed to "
                        "dispatch_unparsable, never to dispatch_message");
        for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
                g_autoptr (GBytes) datagram = test_bytes_from_hex (bad[i]);

                coap_udp6_message_interface_send_datagram (f->client, datagram, remote);
        }
        g_assert_true (test_iterate_until (f->context, has_unparsable, f, 2000));
        g_assert_cmpuint (coap_udp6_message_interface_get_datagrams_dropped_unparsable (f->server), ==, 3);
        g_assert_cmpuint (coap_udp6_message_interface_get_datagrams_received (f->server), ==, 3);
        g_assert_cmpuint (f->server_manager->messages->len, ==, 0);
}

static void
assert_bind_fails (const char *bind,
                   GQuark      domain,
                   int         code)
{
        g_autoptr (TestManager) m = g_object_new (TEST_TYPE_MANAGER, NULL);
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6MessageInterface) mi = NULL;

        mi = coap_udp6_message_interface_new_server (COAP_UDP6_MESSAGE_MANAGER (m),
                                                     bind, NULL, &error);
        g_assert_null (mi);
        g_assert_error (error, domain, code);
}

static void
test_bind_errors (void)
{
        g_autoptr (GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                                 G_SOCKET_PROTOCOL_UDP, NULL);
        g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
        g_autoptr (GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
        g_autoptr (GSocketAddress) bound = NULL;
        g_autofree char *in_use = NULL;

        g_test_summary ("Bind failures are GErrors: address in use, a bad "
                        "string, an unknown zone, a link-local address "
                        "without zone");
        g_assert_true (g_socket_bind (sock, addr, FALSE, NULL));
        bound = g_socket_get_local_address (sock, NULL);
        in_use = g_strdup_printf ("127.0.0.1:%u",
                                  g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
        assert_bind_fails (in_use, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
        assert_bind_fails ("[::1", COAP_UDP6_ERROR, COAP_UDP6_ERROR_INVALID_URI);
        assert_bind_fails ("[::1]:70000", COAP_UDP6_ERROR, COAP_UDP6_ERROR_INVALID_URI);
        assert_bind_fails ("[fe80::1%nosuchif0]:0", COAP_UDP6_ERROR,
                           COAP_UDP6_ERROR_RESOLUTION);
        assert_bind_fails ("[fe80::1]:0", COAP_UDP6_ERROR, COAP_UDP6_ERROR_RESOLUTION);
}

static void
test_determine_remote (Fixture       *f,
                       gconstpointer  data)
{
        g_autoptr (CoapUdp6Message) m = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                               COAP_UDP6_CODE_GET);
        g_autoptr (CoapUdp6EndpointAddress) remote = NULL;
        g_autoptr (CoapUdp6EndpointAddress) scoped = NULL;
        g_autoptr (CoapUdp6EndpointAddress) named = NULL;
        g_autoptr (GError) error = NULL;
        g_autofree char *hostinfo = NULL;
        g_autofree char *netif = NULL;

        coap_udp6_message_set_requested_scheme (m, "coaps");
        g_assert_null (determine (f, f->client, m, &error));
        g_assert_no_error (error);
        coap_udp6_message_set_requested_scheme (m, "coap");
        coap_udp6_message_set_uri_host (m, "127.0.0.1");
        coap_udp6_message_set_uri_port (m, 1234);
        remote = determine (f, f->client, m, &error);
        g_assert_no_error (error);
        hostinfo = coap_udp6_endpoint_address_get_hostinfo (remote);
        g_assert_cmpstr (hostinfo, ==, "127.0.0.1:1234");
        g_assert_null (coap_udp6_endpoint_address_get_pktinfo (remote));
        g_assert_true (coap_udp6_message_interface_recognize_remote (f->client, remote));

        if (if_nametoindex ("lo") != 0) {
                scoped = remote_for (f, f->client, "[fe80::1%lo]");
                netif = coap_udp6_endpoint_address_get_netif (scoped);
                g_assert_cmpstr (netif, ==, "lo");
                g_assert_true (coap_udp6_pktinfo_is_interface_only (
                        coap_udp6_endpoint_address_get_pktinfo (scoped)));
        }
        coap_udp6_message_set_unresolved_remote (m, "[fe80::1]:1");
        g_assert_null (determine (f, f->client, m, &error));
        g_assert_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_RESOLUTION);
        g_clear_error (&error);
        coap_udp6_message_set_unresolved_remote (m, "[::1%nosuchif0]");
        g_assert_null (determine (f, f->client, m, &error));
        g_assert_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_RESOLUTION);
        g_clear_error (&error);
        named = remote_for (f, f->client, "localhost:5683");
        g_clear_pointer (&hostinfo, g_free);
        hostinfo = coap_udp6_endpoint_address_get_hostinfo (named);
        g_assert_true (g_strcmp0 (hostinfo, "127.0.0.1") == 0 ||
                       g_strcmp0 (hostinfo, "[::1]") == 0);
}

static void
shutdown_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
        gboolean *done = user_data;

        g_assert_true (coap_udp6_message_interface_shutdown_finish (
                COAP_UDP6_MESSAGE_INTERFACE (source), result, NULL));
        *done = TRUE;
}

static void
test_shutdown (Fixture       *f,
               gconstpointer  data)
{
        g_autofree char *target = hostport ("127.0.0.1",
                                            coap_udp6_message_interface_get_local_port (f->server));
        g_autoptr (CoapUdp6EndpointAddress) remote = remote_for (f, f->client, target);
        g_autoptr (CoapUdp6Message) m = make_message (remote, 9);
        gboolean done = FALSE;

        g_test_summary ("After shutdown nothing reaches the manager");
        coap_udp6_message_interface_shutdown_async (f->server, NULL, shutdown_done, &done);
        g_assert_true (test_iterate_until_flag (f->context, &done, 1000));
        coap_udp6_message_interface_send (f->client, m);
        test_iterate_for (f->context, 50);
        g_assert_cmpuint (f->server_manager->messages->len, ==, 0);
        coap_udp6_message_interface_send (f->server, m);
        test_iterate_for (f->context, 20);
        g_assert_cmpuint (f->server_manager->errors->len, ==, 0);
}

static void
test_shutdown_in_dispatch (Fixture       *f,
                           gconstpointer  data)
{
        g_autofree char *target = hostport ("127.0.0.1",
                                            coap_udp6_message_interface_get_local_port (f->server));
        g_autoptr (CoapUdp6EndpointAddress) remote = remote_for (f, f->client, target);
        g_autoptr (GBytes) datagram = test_bytes_from_hex ("50 01 00 01");

        g_test_summary ("A manager may shut the interface down from inside "
                        "dispatch_message; the rest of the batch is not read");
        f->server_manager->shutdown_on_message = f->server;
        for (guint i = 0; i < 5; i++)
                coap_udp6_message_interface_send_datagram (f->client, datagram, remote);
        wait_messages (f, f->server_manager, 1);
        test_iterate_for (f->context, 20);
        g_assert_cmpuint (f->server_manager->messages->len, ==, 1);
        g_assert_cmpuint (coap_udp6_message_interface_get_local_port (f->server), >, 0);
}

static void
server_created (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
        CoapUdp6MessageInterface **out = user_data;
        g_autoptr (GError) error = NULL;

        *out = coap_udp6_message_interface_new_server_finish (result, &error);
        g_assert_no_error (error);
}

static void
test_server_async (Fixture       *f,
                   gconstpointer  data)
{
        g_autoptr (CoapUdp6MessageInterface) mi = NULL;

        g_test_summary ("A server bound to a name resolves it without blocking");
        coap_udp6_message_interface_new_server_async (
                COAP_UDP6_MESSAGE_MANAGER (f->server_manager), "localhost:0", NULL,
                NULL, server_created, &mi);
        while (mi == NULL)
                g_main_context_iteration (f->context, TRUE);
        g_assert_cmpuint (coap_udp6_message_interface_get_local_port (mi), >, 0);
}

static void
test_hop_limit (Fixture       *f,
                gconstpointer  data)
{
        g_autoptr (GError) error = NULL;

        g_assert_true (coap_udp6_message_interface_set_multicast_hop_limit (f->client, 4, &error));
        g_assert_no_error (error);
}

static gboolean
has_addresses (gpointer user_data)
{
        TestManager *m = ((gpointer *) user_data)[0];

        return m->addresses->len >= GPOINTER_TO_UINT (((gpointer *) user_data)[1]);
}

/* Sends messages with IDs 1 to @n over [::1] to a server manager that
 * keeps nothing, each once the one before has been dispatched. */
static void
send_one_by_one (Fixture *f,
                 guint    n)
{
        guint sport = coap_udp6_message_interface_get_local_port (f->server);
        g_autofree char *target = hostport ("::1", sport);
        g_autoptr (CoapUdp6EndpointAddress) remote = remote_for (f, f->client, target);

        f->server_manager->keep_nothing = TRUE;
        for (guint mid = 1; mid <= n; mid++) {
                g_autoptr (CoapUdp6Message) m = make_message (remote, mid);
                gpointer wanted[2] = { f->server_manager, GUINT_TO_POINTER (mid) };

                coap_udp6_message_interface_send (f->client, m);
                g_assert_true (test_iterate_until (f->context, has_addresses, wanted, 2000));
        }
}

static void
test_message_reuse (Fixture       *f,
                    gconstpointer  data)
{
        g_autoptr (CoapUdp6Message) first = NULL;

        g_test_summary ("The message of a datagram is reloaded for the next one only "
                        "when nothing holds it, not even a weak reference");
        if (!test_have_ipv6 ()) {
                g_test_skip ("no IPv6 loopback");
                return;
        }
        send_one_by_one (f, 3);
        for (guint i = 0; i < 3; i++)
                g_assert_cmpuint (g_array_index (f->server_manager->mids, guint, i), ==, i + 1);
        /* The first had a weak reference: a new message for the second. */
        g_assert_true (f->server_manager->addresses->pdata[1] !=
                       f->server_manager->addresses->pdata[0]);
        first = g_weak_ref_get (&f->server_manager->first);
        g_assert_true (first == NULL || coap_udp6_message_get_mid (first) == 1);
        /* Nothing held the second: the third reused it. */
        g_assert_true (f->server_manager->addresses->pdata[2] ==
                       f->server_manager->addresses->pdata[1]);
}

static void
test_message_reuse_notify (Fixture       *f,
                           gconstpointer  data)
{
        g_test_summary ("A message with a detailed notify handler is not reused");
        if (!test_have_ipv6 ()) {
                g_test_skip ("no IPv6 loopback");
                return;
        }
        f->server_manager->notify_first = TRUE;
        send_one_by_one (f, 2);
        g_assert_true (f->server_manager->addresses->pdata[1] !=
                       f->server_manager->addresses->pdata[0]);
}

static void
test_kept_messages (Fixture       *f,
                    gconstpointer  data)
{
        g_autofree char *target = hostport ("::1", coap_udp6_message_interface_get_local_port (f->server));
        g_autoptr (CoapUdp6EndpointAddress) remote = remote_for (f, f->client, target);
        g_autoptr (GPtrArray) kept = NULL;
        const guint n = 100;

        g_test_summary ("A message the manager keeps still holds its datagram after the "
                        "receive buffers have been reused, and after the interface is gone");
        if (!test_have_ipv6 ()) {
                g_test_skip ("no IPv6 loopback");
                return;
        }
        for (guint i = 0; i < n; i++) {
                g_autoptr (CoapUdp6Message) m = make_message (remote, i);
                g_autofree char *path = g_strdup_printf ("p%u", i);
                g_autofree char *text = g_strdup_printf ("payload %u", i * 7919);
                g_autoptr (GBytes) payload = g_bytes_new (text, strlen (text));
                guint8 token[4] = { i, i >> 8, 0xa5, 0x5a };

                coap_udp6_message_set_uri_path (m, (const char *[]) { path, NULL });
                coap_udp6_message_set_token_data (m, token, sizeof token);
                coap_udp6_message_set_payload (m, payload);
                coap_udp6_message_interface_send (f->client, m);
        }
        wait_messages (f, f->server_manager, n);
        kept = g_ptr_array_ref (f->server_manager->messages);
        g_clear_object (&f->server);
        while (g_main_context_iteration (f->context, FALSE))
                ;
        for (guint i = 0; i < n; i++) {
                CoapUdp6Message *m = g_ptr_array_index (kept, i);
                guint mid = coap_udp6_message_get_mid (m);
                g_autofree char *path = g_strdup_printf ("p%u", mid);
                g_autofree char *text = g_strdup_printf ("payload %u", mid * 7919);
                g_auto (GStrv) got_path = coap_udp6_message_get_uri_path (m);
                g_autoptr (CoapUdp6Message) copy = coap_udp6_message_copy (m);
                GBytes *payload = coap_udp6_message_get_payload (m);
                gsize token_len;
                const guint8 *token = g_bytes_get_data (coap_udp6_message_get_token (m), &token_len);

                g_assert_cmpuint (mid, <, n);
                g_assert_cmpstrv (got_path, ((const char *[]) { path, NULL }));
                g_assert_cmpmem (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload),
                                 text, strlen (text));
                g_assert_cmpmem (token, token_len, ((guint8[]) { mid, mid >> 8, 0xa5, 0x5a }), 4);
                g_assert_true (g_bytes_equal (coap_udp6_message_get_payload (copy), payload));
        }
}

#define ADD(path, data, func) \
        g_test_add ("/message-interface/" path, Fixture, data, fixture_setup, \
                    func, fixture_teardown)

int
main (int argc, char **argv)
{
        test_init (&argc, &argv);

        ADD ("exchange/ipv6", "::1", test_exchange);
        ADD ("exchange/ipv4", "127.0.0.1", test_exchange);
        ADD ("exchange/ipv4-other-address", "127.0.0.2", test_exchange);
        ADD ("icmp/ipv6", "::1", test_icmp);
        ADD ("icmp/ipv4", "127.0.0.1", test_icmp);
        ADD ("icmp/many-destinations", NULL, test_icmp_many_destinations);
        ADD ("largest-datagram", NULL, test_largest_datagram);
        ADD ("unparsable", NULL, test_unparsable);
        ADD ("truncated", NULL, test_truncated);
        ADD ("bounded-batch", NULL, test_bounded_batch);
        ADD ("remote-cache", NULL, test_remote_cache);
        ADD ("message-reuse", NULL, test_message_reuse);
        ADD ("message-reuse-notify", NULL, test_message_reuse_notify);
        ADD ("kept-messages", NULL, test_kept_messages);
        ADD ("nested-loop-flushes", NULL, test_nested_loop_flushes);
        ADD ("determine-remote", NULL, test_determine_remote);
        ADD ("shutdown", NULL, test_shutdown);
        ADD ("shutdown-in-dispatch", NULL, test_shutdown_in_dispatch);
        ADD ("server-async", NULL, test_server_async);
        ADD ("hop-limit", NULL, test_hop_limit);
        g_test_add_func ("/message-interface/bind-errors", test_bind_errors);

        return g_test_run ();
}
