/* test-observe-peer.c: Observe (RFC 7641) rules checked with a raw peer
 * over ::1: replacing an observed resource, the block-wise completion of
 * a long notification (RFC 7959 §3.4), and a registration by multicast
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
        GSocket *raw;
        GSocketAddress *raw_address;
        GSocketAddress *server_address;
} Fixture;

static void
observable_get (CoapUdp6Resource *resource,
                CoapUdp6Request  *request,
                gpointer          user_data)
{
        coap_udp6_request_respond_code (request, COAP_UDP6_CODE_CONTENT, user_data);
}

static CoapUdp6Resource *
observable_new (const char *text)
{
        CoapUdp6Resource *resource = coap_udp6_resource_new ();

        coap_udp6_resource_set_observable (resource, TRUE);
        coap_udp6_resource_set_method_handler (resource, COAP_UDP6_CODE_GET, observable_get,
                                               (gpointer) text, NULL);
        return resource;
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
        g_autoptr (GError) error = NULL;

        f->main_context = test_main_context_push ();
        f->server = test_loopback_server_new (&f->server_address);
        f->client = coap_udp6_context_new_client (&error);
        g_assert_no_error (error);
        f->raw = test_raw_socket_new ();
        f->raw_address = g_socket_get_local_address (f->raw, NULL);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        g_clear_object (&f->client);
        g_clear_object (&f->server);
        g_clear_object (&f->raw);
        g_clear_object (&f->raw_address);
        g_clear_object (&f->server_address);
        test_main_context_pop (f->main_context);
}

/* The raw peer's next datagram, decoded; fails the test after 2 s. */
static CoapUdp6Message *
raw_recv (Fixture *f)
{
        return test_raw_recv_message (f->main_context, f->raw, 2000, NULL);
}

static void
raw_send (Fixture         *f,
          GSocketAddress  *to,
          CoapUdp6Message *message)
{
        test_raw_send_message (f->raw, to, message);
}

static guint64
observers (Fixture *f)
{
        return coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_OBSERVERS);
}

static void
test_replace_resource (Fixture      *f,
                       gconstpointer data)
{
        g_autoptr (CoapUdp6Resource) first = observable_new ("first");
        g_autoptr (CoapUdp6Resource) second = observable_new ("second");
        g_autoptr (CoapUdp6Message) request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                     COAP_UDP6_CODE_GET);
        g_autoptr (GBytes) token = g_bytes_new_static ("\x0b", 1);
        g_autoptr (GBytes) path = g_bytes_new_static ("sensor", 6);
        g_autoptr (CoapUdp6Message) answer = NULL;
        g_autoptr (CoapUdp6Message) last = NULL;
        guint32 sequence;

        g_test_summary ("add_resource on an observed path ends the replaced resource's "
                        "observers with 4.04, as remove_resource does; adding the same "
                        "resource again keeps them");
        coap_udp6_context_add_resource (f->server, "sensor", first);
        coap_udp6_message_set_mid (request, 0x1234);
        coap_udp6_message_set_token (request, token);
        coap_udp6_message_set_observe (request, 0);
        coap_udp6_message_add_option (request, COAP_UDP6_OPTION_URI_PATH, path);
        raw_send (f, f->server_address, request);
        answer = raw_recv (f);
        g_assert_cmpint (coap_udp6_message_get_code (answer), ==, COAP_UDP6_CODE_CONTENT);
        g_assert_true (coap_udp6_message_get_observe (answer, &sequence));
        g_assert_cmpuint (observers (f), ==, 1);

        coap_udp6_context_add_resource (f->server, "/sensor", first);
        g_assert_cmpuint (observers (f), ==, 1);

        coap_udp6_context_add_resource (f->server, "sensor", second);
        g_assert_cmpuint (observers (f), ==, 0);
        last = raw_recv (f);
        g_assert_cmpint (coap_udp6_message_get_code (last), ==, COAP_UDP6_CODE_NOT_FOUND);
        g_assert_true (g_bytes_equal (coap_udp6_message_get_token (last), token));
        g_assert_false (coap_udp6_message_get_observe (last, &sequence));
        /* The new resource is served and has no observer to notify. */
        coap_udp6_resource_changed (second);
        g_assert_null (test_raw_recv_hex (f->main_context, f->raw, 200));
}

static void
notification_cb (CoapUdp6Observation *observation,
                 CoapUdp6Message     *message,
                 gpointer             data)
{
        (*(guint *) data)++;
}

static gboolean
count_reached (gpointer data)
{
        return *(guint *) data >= 1;
}

static void
test_block_follow_up (Fixture      *f,
                      gconstpointer data)
{
        g_autoptr (CoapUdp6Message) request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                     COAP_UDP6_CODE_GET);
        g_autoptr (CoapUdp6Observation) observation = NULL;
        g_autoptr (CoapUdp6Message) registration = NULL;
        g_autoptr (CoapUdp6Message) follow_up = NULL;
        g_autoptr (CoapUdp6Message) first = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK,
                                                                   COAP_UDP6_CODE_CONTENT);
        g_autoptr (CoapUdp6Message) second = NULL;
        g_autoptr (CoapUdp6BlockOption) block = NULL;
        g_autoptr (CoapUdp6BlockOption) asked = NULL;
        g_autoptr (GBytes) part1 = NULL;
        g_autoptr (GBytes) part2 = g_bytes_new_static ("tail", 4);
        g_autoptr (GError) error = NULL;
        g_autofree char *uri = NULL;
        g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
        g_autoptr (GSocketAddress) client = NULL;
        char text[16];
        guint32 sequence;
        guint delivered = 0;

        g_test_summary ("The Block2 follow-up GETs of a notification longer than a block "
                        "carry no Observe (RFC 7959 §2.6, §3.4), checked at a raw server");
        g_object_set (f->client, "ack-timeout", 2.0, NULL);
        uri = g_strdup_printf ("coap://[::1]:%u/obs",
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (f->raw_address)));
        g_assert_true (coap_udp6_message_set_request_uri (request, uri, &error));
        observation = coap_udp6_context_observe (f->client, request, NULL, &error);
        g_assert_no_error (error);
        client = g_inet_socket_address_new (lo, coap_udp6_context_get_local_port (f->client));
        g_signal_connect (observation, "notification", G_CALLBACK (notification_cb), &delivered);
        registration = raw_recv (f);
        g_assert_true (coap_udp6_message_get_observe (registration, &sequence));
        g_assert_cmpuint (sequence, ==, 0);

        /* The first 16-byte block of a 20-byte representation. */
        memset (text, 'x', sizeof text);
        part1 = g_bytes_new (text, sizeof text);
        coap_udp6_message_set_mid (first, coap_udp6_message_get_mid (registration));
        coap_udp6_message_set_token (first, coap_udp6_message_get_token (registration));
        coap_udp6_message_set_observe (first, 7);
        block = coap_udp6_block_option_new (0, TRUE, 0);
        coap_udp6_message_set_block2 (first, block);
        coap_udp6_message_set_payload (first, part1);
        raw_send (f, client, first);

        follow_up = raw_recv (f);
        g_assert_cmpint (coap_udp6_message_get_code (follow_up), ==, COAP_UDP6_CODE_GET);
        asked = coap_udp6_message_get_block2 (follow_up);
        g_assert_nonnull (asked);
        g_assert_cmpuint (coap_udp6_block_option_get_num (asked), ==, 1);
        g_assert_false (coap_udp6_message_get_observe (follow_up, &sequence));

        second = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK, COAP_UDP6_CODE_CONTENT);
        coap_udp6_message_set_mid (second, coap_udp6_message_get_mid (follow_up));
        coap_udp6_message_set_token (second, coap_udp6_message_get_token (follow_up));
        g_clear_pointer (&block, coap_udp6_block_option_free);
        block = coap_udp6_block_option_new (1, FALSE, 0);
        coap_udp6_message_set_block2 (second, block);
        coap_udp6_message_set_payload (second, part2);
        raw_send (f, client, second);
        g_assert_true (test_iterate_until (f->main_context, count_reached, &delivered, 5000));
        g_assert_cmpuint (g_bytes_get_size (coap_udp6_message_get_payload (coap_udp6_observation_get_latest (observation))),
                          ==, 20);
}

static void
test_multicast_registration (Fixture      *f,
                             gconstpointer data)
{
        g_autoptr (CoapUdp6Resource) sensor = observable_new ("v1");
        /* NON GET, MID 0x7002, token 0xaa, Observe 0, Uri-Path "sensor" */
        g_autoptr (GBytes) bytes = test_bytes_from_hex ("51017002aa605673656e736f72");
        g_autoptr (GInetAddress) group = g_inet_address_new_from_string ("ff02::fd");
        g_autoptr (CoapUdp6Pktinfo) pktinfo = coap_udp6_pktinfo_new (group, 1);
        g_autoptr (CoapUdp6EndpointAddress) remote = NULL;
        g_autoptr (CoapUdp6Message) message = NULL;
        g_autoptr (CoapUdp6Message) answer = NULL;
        g_autoptr (GError) error = NULL;
        guint32 sequence;

        g_test_summary ("A GET with Observe 0 that arrived by multicast is answered from the "
                        "unicast address like a plain GET, without Observe, and registers nobody "
                        "(doc/limits.md)");
        g_object_set (f->server, "default-leisure", 0.2, NULL);
        coap_udp6_context_add_resource (f->server, "sensor", sensor);
        remote = coap_udp6_endpoint_address_new (G_INET_SOCKET_ADDRESS (f->raw_address),
                                                  g_ptr_array_index (f->server->interfaces, 0),
                                                  pktinfo);
        g_assert_true (coap_udp6_endpoint_address_is_multicast_locally (remote));
        message = coap_udp6_message_decode (bytes, remote, &error);
        g_assert_no_error (error);
        coap_udp6_message_manager_dispatch_message (COAP_UDP6_MESSAGE_MANAGER (f->server), message);
        answer = raw_recv (f);
        g_assert_cmpint (coap_udp6_message_get_code (answer), ==, COAP_UDP6_CODE_CONTENT);
        g_assert_true (g_bytes_equal (coap_udp6_message_get_token (answer), coap_udp6_message_get_token (message)));
        g_assert_false (coap_udp6_message_get_observe (answer, &sequence));
        g_assert_cmpuint (observers (f), ==, 0);
        coap_udp6_resource_changed (sensor);
        g_assert_null (test_raw_recv_hex (f->main_context, f->raw, 200));
}

int
main (int   argc,
      char *argv[])
{
        g_test_init (&argc, &argv, NULL);
        g_test_add ("/observe-peer/replace-resource", Fixture, NULL, fixture_setup,
                    test_replace_resource, fixture_teardown);
        g_test_add ("/observe-peer/block-follow-up", Fixture, NULL, fixture_setup,
                    test_block_follow_up, fixture_teardown);
        g_test_add ("/observe-peer/multicast-registration", Fixture, NULL, fixture_setup,
                    test_multicast_registration, fixture_teardown);
        return g_test_run ();
}
