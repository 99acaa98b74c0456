/* test-endpoint-address.c: CoapUdp6EndpointAddress, CoapUdp6Pktinfo and
 * CoapUdp6SockExtendedErr without sockets (the reference's doctests)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"
#include "coap-udp6-message-interface-private.h"

#include <net/if.h>
#include <string.h>

static CoapUdp6EndpointAddress *
make_address (const char      *host,
              guint            port,
              guint            scope_id,
              CoapUdp6Pktinfo *pktinfo)
{
        g_autoptr (GInetAddress) address = g_inet_address_new_from_string (host);
        g_autoptr (GSocketAddress) sockaddr = NULL;

        g_assert_nonnull (address);
        sockaddr = g_object_new (G_TYPE_INET_SOCKET_ADDRESS,
                                 "address", address, "port", port,
                                 "scope-id", scope_id, NULL);
        return coap_udp6_endpoint_address_new (G_INET_SOCKET_ADDRESS (sockaddr),
                                               NULL, pktinfo);
}

static CoapUdp6Pktinfo *
make_pktinfo (const char *host,
              guint       ifindex)
{
        g_autoptr (GInetAddress) address = g_inet_address_new_from_string (host);

        return coap_udp6_pktinfo_new (address, ifindex);
}

static void
assert_hostinfo (CoapUdp6EndpointAddress *address,
                 const char              *expected)
{
        g_autofree char *hostinfo = coap_udp6_endpoint_address_get_hostinfo (address);

        g_assert_cmpstr (hostinfo, ==, expected);
}

static void
test_doctests (void)
{
        g_autoptr (CoapUdp6EndpointAddress) local = make_address ("::", 5683, 0, NULL);
        g_autoptr (CoapUdp6EndpointAddress) link1 = make_address ("ff02::fd", 1234, 1, NULL);
        g_autoptr (CoapUdp6EndpointAddress) site = make_address ("ff05::fd", 1234, 0, NULL);
        g_autoptr (CoapUdp6EndpointAddress) coap4 = make_address ("224.0.1.187", 5683, 0, NULL);
        g_autoptr (CoapUdp6EndpointAddress) coap4m = make_address ("::ffff:224.0.1.187", 5683, 0, NULL);
        g_autofree char *if1 = g_malloc0 (IF_NAMESIZE);
        g_autofree char *expected = NULL;

        g_test_summary ("The doctests of aiocoap's UDP6EndpointAddress");
        g_assert_false (coap_udp6_endpoint_address_is_multicast (local));
        assert_hostinfo (local, "[::]");
        g_assert_true (coap_udp6_endpoint_address_is_multicast (link1));
        g_assert_nonnull (if_indextoname (1, if1));
        expected = g_strdup_printf ("[ff02::fd%%%s]:1234", if1);
        assert_hostinfo (link1, expected);
        g_assert_true (coap_udp6_endpoint_address_is_multicast (site));
        assert_hostinfo (site, "[ff05::fd]:1234");
        g_assert_true (coap_udp6_endpoint_address_is_multicast (coap4));
        g_assert_true (coap_udp6_endpoint_address_is_multicast (coap4m));
        assert_hostinfo (coap4, "224.0.1.187");
        assert_hostinfo (coap4m, "224.0.1.187");
        g_assert_cmpstr (coap_udp6_endpoint_address_get_scheme (site), ==, "coap");
}

static void
test_hostinfo (void)
{
        g_autoptr (CoapUdp6EndpointAddress) v4 = make_address ("127.0.0.1", 5683, 0, NULL);
        g_autoptr (CoapUdp6EndpointAddress) mapped = make_address ("::ffff:127.0.0.1", 1234, 0, NULL);
        g_autoptr (CoapUdp6EndpointAddress) v6 = make_address ("2001:db8:0:0:0:0:0:1", 5684, 0, NULL);
        g_autoptr (CoapUdp6EndpointAddress) unknown = make_address ("fe80::1", 1, 99999, NULL);
        GInetSocketAddress *sockaddr;
        g_autofree char *netif = NULL;

        assert_hostinfo (v4, "127.0.0.1");
        assert_hostinfo (mapped, "127.0.0.1:1234");
        assert_hostinfo (v6, "[2001:db8::1]:5684");
        assert_hostinfo (unknown, "[fe80::1%99999]:1");
        sockaddr = coap_udp6_endpoint_address_get_sockaddr (v4);
        g_assert_cmpint (g_socket_address_get_family (G_SOCKET_ADDRESS (sockaddr)), ==,
                         G_SOCKET_FAMILY_IPV6);
        g_assert_false (coap_udp6_endpoint_address_is_multicast (v4));
        g_assert_null (coap_udp6_endpoint_address_get_netif (v4));
        netif = coap_udp6_endpoint_address_get_netif (unknown);
        g_assert_cmpstr (netif, ==, "99999");
}

static void
test_netif (void)
{
        g_autoptr (CoapUdp6EndpointAddress) lo = NULL;
        g_autoptr (CoapUdp6Message) request = NULL;
        g_autoptr (GError) error = NULL;
        g_autofree char *netif = NULL, *uri = NULL, *again = NULL;
        guint ifindex = if_nametoindex ("lo");

        if (ifindex == 0) {
                g_test_skip ("no loopback interface named lo");
                return;
        }
        lo = make_address ("fe80::1", 5683, ifindex, NULL);
        netif = coap_udp6_endpoint_address_get_netif (lo);
        g_assert_cmpstr (netif, ==, "lo");
        assert_hostinfo (lo, "[fe80::1%lo]");
        /* RFC 6874 §2: the zone's "%" is "%25" in a URI. */
        uri = coap_udp6_endpoint_address_get_uri (lo, NULL);
        g_assert_cmpstr (uri, ==, "coap://[fe80::1%25lo]");
        request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON, COAP_UDP6_CODE_GET);
        again = g_strconcat (uri, "/a", NULL);
        g_assert_true (coap_udp6_message_set_request_uri (request, again, &error));
        g_assert_no_error (error);
        g_clear_pointer (&again, g_free);
        again = coap_udp6_message_get_request_uri (request);
        g_assert_cmpstr (again, ==, "coap://[fe80::1%25lo]/a");
}

static void
test_equal_hash (void)
{
        g_autoptr (CoapUdp6Pktinfo) p1 = make_pktinfo ("::1", 1);
        g_autoptr (CoapUdp6Pktinfo) p2 = make_pktinfo ("127.0.0.1", 1);
        g_autoptr (CoapUdp6EndpointAddress) a = make_address ("fe80::1", 1000, 1, p1);
        g_autoptr (CoapUdp6EndpointAddress) b = make_address ("fe80::1", 1000, 2, p2);
        g_autoptr (CoapUdp6EndpointAddress) c = make_address ("fe80::1", 1001, 1, p1);
        g_autoptr (CoapUdp6EndpointAddress) d = make_address ("127.0.0.1", 1000, 0, NULL);
        g_autoptr (CoapUdp6EndpointAddress) e = make_address ("::ffff:127.0.0.1", 1000, 0, p1);
        g_autoptr (GHashTable) table = NULL;
        g_autofree char *ka = coap_udp6_endpoint_address_get_blockwise_key (a);
        g_autofree char *kb = coap_udp6_endpoint_address_get_blockwise_key (b);
        g_autofree char *kd = coap_udp6_endpoint_address_get_blockwise_key (d);
        g_autofree char *kd2 = coap_udp6_endpoint_address_get_blockwise_key (d);

        g_test_summary ("Equality and hash ignore the pktinfo and scope id; "
                        "the blockwise key does not");
        g_assert_true (coap_udp6_endpoint_address_equal (a, b));
        g_assert_cmpuint (coap_udp6_endpoint_address_hash (a), ==,
                          coap_udp6_endpoint_address_hash (b));
        g_assert_false (coap_udp6_endpoint_address_equal (a, c));
        g_assert_true (coap_udp6_endpoint_address_equal (d, e));
        g_assert_cmpstr (ka, !=, kb);
        g_assert_cmpstr (kd, ==, kd2);

        table = g_hash_table_new (coap_udp6_endpoint_address_hash,
                                  coap_udp6_endpoint_address_equal);
        g_hash_table_add (table, a);
        g_assert_true (g_hash_table_contains (table, b));
        g_assert_false (g_hash_table_contains (table, c));
}

static void
test_response_address (void)
{
        g_autoptr (CoapUdp6Pktinfo) mc = make_pktinfo ("ff02::fd", 1);
        g_autoptr (CoapUdp6Pktinfo) mc4 = make_pktinfo ("224.0.1.187", 1);
        g_autoptr (CoapUdp6Pktinfo) uc = make_pktinfo ("::1", 1);
        g_autoptr (CoapUdp6EndpointAddress) a = make_address ("fe80::2", 40000, 1, mc);
        g_autoptr (CoapUdp6EndpointAddress) b = make_address ("10.0.0.2", 40000, 0, mc4);
        g_autoptr (CoapUdp6EndpointAddress) c = make_address ("::1", 40000, 0, uc);
        g_autoptr (CoapUdp6EndpointAddress) ra = coap_udp6_endpoint_address_as_response_address (a);
        g_autoptr (CoapUdp6EndpointAddress) rb = coap_udp6_endpoint_address_as_response_address (b);
        g_autoptr (CoapUdp6EndpointAddress) rc = coap_udp6_endpoint_address_as_response_address (c);

        g_assert_true (coap_udp6_endpoint_address_is_multicast_locally (a));
        g_assert_true (coap_udp6_endpoint_address_is_multicast_locally (b));
        g_assert_false (coap_udp6_endpoint_address_is_multicast_locally (c));
        g_assert_false (coap_udp6_endpoint_address_is_multicast (a));
        g_assert_true (ra != a);
        g_assert_null (coap_udp6_endpoint_address_get_pktinfo (ra));
        g_assert_true (coap_udp6_endpoint_address_equal (ra, a));
        g_assert_null (coap_udp6_endpoint_address_get_pktinfo (rb));
        g_assert_true (rc == c);
}

static void
test_uri_and_local (void)
{
        g_autoptr (CoapUdp6Pktinfo) uc = make_pktinfo ("::1", 1);
        g_autoptr (CoapUdp6Pktinfo) only = coap_udp6_pktinfo_new_interface_only (1, FALSE);
        g_autoptr (CoapUdp6EndpointAddress) a = make_address ("::1", 1234, 0, uc);
        g_autoptr (CoapUdp6EndpointAddress) any = make_address ("::", 5683, 0, NULL);
        g_autoptr (CoapUdp6EndpointAddress) o = make_address ("::1", 1234, 0, only);
        g_autoptr (GError) error = NULL;
        g_autofree char *uri = coap_udp6_endpoint_address_get_uri (a, NULL);
        g_autofree char *local = NULL;
        g_autofree char *bad = NULL;
        g_autofree char *s = coap_udp6_endpoint_address_to_string (a);

        g_assert_cmpstr (uri, ==, "coap://[::1]:1234");
        bad = coap_udp6_endpoint_address_get_uri (any, &error);
        g_assert_null (bad);
        g_assert_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_ANONYMOUS_HOST);
        g_clear_error (&error);
        local = coap_udp6_endpoint_address_get_hostinfo_local (any, &error);
        g_assert_null (local);
        g_assert_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_ANONYMOUS_HOST);
        g_clear_error (&error);
        local = coap_udp6_endpoint_address_get_uri_local (o, &error);
        g_assert_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_ANONYMOUS_HOST);
        g_clear_error (&error);
        /* No message interface: the local port is unknown. */
        local = coap_udp6_endpoint_address_get_hostinfo_local (a, &error);
        g_assert_null (local);
        g_assert_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_FAILED);
        g_assert_true (g_str_has_prefix (s, "<UDP6EndpointAddress [::1]:1234 (locally ::1%"));
}

static void
test_block_size (void)
{
        g_autoptr (CoapUdp6EndpointAddress) a = make_address ("::1", 1234, 0, NULL);

        g_assert_cmpuint (coap_udp6_endpoint_address_get_maximum_block_size_exp (a), ==, 6);
        coap_udp6_endpoint_address_set_maximum_block_size_exp (a, 4);
        coap_udp6_endpoint_address_set_maximum_block_size_exp (a, 5);
        g_assert_cmpuint (coap_udp6_endpoint_address_get_maximum_block_size_exp (a), ==, 4);
}

static void
test_pktinfo (void)
{
        g_autoptr (CoapUdp6Pktinfo) p = make_pktinfo ("127.0.0.1", 1);
        g_autoptr (CoapUdp6Pktinfo) only4 = coap_udp6_pktinfo_new_interface_only (1, TRUE);
        g_autoptr (GBytes) bytes = coap_udp6_pktinfo_to_bytes (p);
        g_autoptr (CoapUdp6Pktinfo) back = coap_udp6_pktinfo_new_from_bytes (bytes, NULL);
        g_autoptr (GBytes) short_bytes = g_bytes_new ("abc", 3);
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Pktinfo) bad = coap_udp6_pktinfo_new_from_bytes (short_bytes, &error);
        g_autoptr (GInetAddress) address = coap_udp6_pktinfo_get_address (p);
        g_autoptr (GBytes) only_bytes = coap_udp6_pktinfo_to_bytes (only4);
        g_autoptr (CoapUdp6Pktinfo) only_plain = coap_udp6_pktinfo_new_from_bytes (only_bytes, NULL);
        g_autofree char *s = coap_udp6_pktinfo_to_string (p);
        g_autofree char *ifname = g_malloc0 (IF_NAMESIZE);
        g_autofree char *expected = NULL;
        g_autofree char *hex = test_hex_from_bytes (only_bytes);

        g_assert_cmpuint (g_bytes_get_size (bytes), ==, 20);
        g_assert_true (coap_udp6_pktinfo_equal (p, back));
        g_assert_null (bad);
        g_assert_nonnull (error);
        g_assert_cmpuint (coap_udp6_pktinfo_get_ifindex (p), ==, 1);
        g_assert_true (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6);
        g_assert_nonnull (if_indextoname (1, ifname));
        expected = g_strdup_printf ("127.0.0.1%%%s", ifname);
        g_assert_cmpstr (s, ==, expected);
        g_assert_true (coap_udp6_pktinfo_is_interface_only (only4));
        g_assert_false (coap_udp6_pktinfo_is_interface_only (p));
        /* Flagged only for debugging: it compares like plain bytes. */
        g_assert_true (coap_udp6_pktinfo_equal (only4, only_plain));
        g_assert_true (g_str_has_prefix (hex, "00000000000000000000ffff00000000"));
}

static void
test_sock_extended_err (void)
{
        guint8 raw[32] = { 0 };
        guint32 errnum = 111, info = 1280, data = 7;
        g_autoptr (GBytes) full = NULL;
        g_autoptr (GBytes) short_bytes = NULL;
        g_autoptr (CoapUdp6SockExtendedErr) ee = NULL;
        g_autoptr (CoapUdp6SockExtendedErr) none = NULL;
        g_autoptr (GError) error = NULL;

        memcpy (raw, &errnum, 4);
        raw[4] = 3; raw[5] = 1; raw[6] = 4; raw[7] = 0;
        memcpy (raw + 8, &info, 4);
        memcpy (raw + 12, &data, 4);
        full = g_bytes_new (raw, sizeof raw);
        ee = coap_udp6_sock_extended_err_load (full, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (ee->ee_errno, ==, 111);
        g_assert_cmpuint (coap_udp6_sock_extended_err_get_ee_origin (ee), ==, 3);
        g_assert_cmpuint (coap_udp6_sock_extended_err_get_ee_type (ee), ==, 1);
        g_assert_cmpuint (coap_udp6_sock_extended_err_get_ee_code (ee), ==, 4);
        g_assert_cmpuint (coap_udp6_sock_extended_err_get_ee_info (ee), ==, 1280);
        g_assert_cmpuint (coap_udp6_sock_extended_err_get_ee_data (ee), ==, 7);
        g_assert_true (coap_udp6_sock_extended_err_is_icmp (ee));
        short_bytes = g_bytes_new (raw, 15);
        none = coap_udp6_sock_extended_err_load (short_bytes, &error);
        g_assert_null (none);
        g_assert_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_FAILED);
}

static void
test_parse_hostport (void)
{
        static const struct {
                const char *text;
                const char *host;
                guint port;
        } cases[] = {
                { "[::1]:1234", "::1", 1234 }, { "[::]", "::", 5683 },
                { "::1", "::1", 5683 }, { "127.0.0.1:0", "127.0.0.1", 0 },
                { "example.com", "example.com", 5683 }, { "h:7", "h", 7 },
                { "[", NULL, 0 }, { "[]", NULL, 0 }, { ":", NULL, 0 },
                { "[::1]x", NULL, 0 }, { "h:", NULL, 0 }, { "h:65536", NULL, 0 },
                { "[fe80::1%]", NULL, 0 }, { "[fe80::1%nosuchif0]:1", NULL, 0 },
                { "h:-1", NULL, 0 }, { "h:+1", NULL, 0 },
        };

        g_test_summary ("Host and port parsing of bind strings and unresolved "
                        "remotes, and garbage that must fail cleanly");
        for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
                g_autofree char *host = NULL;
                g_autoptr (GError) error = NULL;
                guint ifindex = 0, port = 0;
                gboolean ok = coap_udp6_parse_hostport (cases[i].text, 5683, &host,
                                                        &ifindex, &port, &error);

                g_assert_cmpint (ok, ==, cases[i].host != NULL);
                if (!ok) {
                        g_assert_nonnull (error);
                        continue;
                }
                g_assert_cmpstr (host, ==, cases[i].host);
                g_assert_cmpuint (port, ==, cases[i].port);
        }
        for (guint i = 0; i < 20000; i++) {
                char text[12];
                const char alphabet[] = "[]:%0123456789abcdef.lo";
                guint len = g_test_rand_int_range (0, sizeof text);
                g_autofree char *host = NULL;
                g_autoptr (GError) error = NULL;
                struct sockaddr_in6 sin6;
                guint ifindex, port;

                for (guint j = 0; j < len; j++)
                        text[j] = alphabet[g_test_rand_int_range (0, sizeof alphabet - 1)];
                text[len] = '\0';
                if (coap_udp6_parse_hostport (text, 5683, &host, &ifindex, &port, &error))
                        (void) coap_udp6_literal_to_native (host, ifindex, port, &sin6, NULL);
                else
                        g_assert_nonnull (error);
        }
}

int
main (int argc, char **argv)
{
        test_init (&argc, &argv);

        g_test_add_func ("/endpoint-address/doctests", test_doctests);
        g_test_add_func ("/endpoint-address/hostinfo", test_hostinfo);
        g_test_add_func ("/endpoint-address/netif", test_netif);
        g_test_add_func ("/endpoint-address/equal-hash", test_equal_hash);
        g_test_add_func ("/endpoint-address/response-address", test_response_address);
        g_test_add_func ("/endpoint-address/uri-and-local", test_uri_and_local);
        g_test_add_func ("/endpoint-address/block-size", test_block_size);
        g_test_add_func ("/pktinfo/basics", test_pktinfo);
        g_test_add_func ("/endpoint-address/parse-hostport", test_parse_hostport);
        g_test_add_func ("/sock-extended-err/load", test_sock_extended_err);

        return g_test_run ();
}
