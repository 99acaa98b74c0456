/* coap-udp6-pktinfo.c: a local address and interface (struct in6_pktinfo)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-pktinfo.h"
#include "coap-udp6-error.h"
#include "coap-udp6-pktinfo-private.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <string.h>

struct _CoapUdp6Pktinfo {
        CoapUdp6RawPktinfo raw;
        gboolean           interface_only;
};

/**
 * CoapUdp6Pktinfo:
 *
 * The local side of a datagram: the destination address a datagram
 * arrived at and the interface it arrived on, or the source address and
 * interface to send one from (`struct in6_pktinfo`, RFC 3542 §6).
 *
 * IPv4 addresses are kept IPv4-mapped (`::ffff:a.b.c.d`).
 *
 * Since: 1.0
 */
G_DEFINE_BOXED_TYPE (CoapUdp6Pktinfo, coap_udp6_pktinfo,
                     coap_udp6_pktinfo_copy, coap_udp6_pktinfo_free)

const CoapUdp6RawPktinfo *
coap_udp6_pktinfo_peek (const CoapUdp6Pktinfo *self)
{
        return &self->raw;
}

CoapUdp6Pktinfo *
coap_udp6_pktinfo_new_raw (const CoapUdp6RawPktinfo *raw)
{
        CoapUdp6Pktinfo *self = g_new0 (CoapUdp6Pktinfo, 1);

        self->raw = *raw;
        return self;
}

void
coap_udp6_in6_from_inet_address (GInetAddress    *address,
                                 struct in6_addr *out)
{
        const guint8 *bytes = g_inet_address_to_bytes (address);

        memset (out, 0, sizeof *out);
        if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4) {
                out->s6_addr[10] = 0xff;
                out->s6_addr[11] = 0xff;
                memcpy (&out->s6_addr[12], bytes, 4);
        } else {
                memcpy (out->s6_addr, bytes, 16);
        }
}

gboolean
coap_udp6_in6_is_multicast (const struct in6_addr *addr)
{
        if (IN6_IS_ADDR_V4MAPPED (addr))
                return (addr->s6_addr[12] & 0xf0) == 0xe0;
        return IN6_IS_ADDR_MULTICAST (addr);
}

gboolean
coap_udp6_in6_needs_scope (const struct in6_addr *addr)
{
        return IN6_IS_ADDR_LINKLOCAL (addr) || IN6_IS_ADDR_MC_LINKLOCAL (addr) ||
               IN6_IS_ADDR_MC_NODELOCAL (addr);
}

char *
coap_udp6_format_ifname (guint32 ifindex)
{
        char name[IF_NAMESIZE];

        if (if_indextoname (ifindex, name) != NULL)
                return g_strdup (name);
        return g_strdup_printf ("%u", ifindex);
}

char *
coap_udp6_format_in6 (const struct in6_addr *addr,
                      guint32                scope)
{
        char text[INET6_ADDRSTRLEN];
        g_autofree char *ifname = NULL;

        if (IN6_IS_ADDR_V4MAPPED (addr))
                inet_ntop (AF_INET, &addr->s6_addr[12], text, sizeof text);
        else
                inet_ntop (AF_INET6, addr, text, sizeof text);
        if (scope == 0)
                return g_strdup (text);
        ifname = coap_udp6_format_ifname (scope);
        return g_strdup_printf ("%s%%%s", text, ifname);
}

/**
 * coap_udp6_pktinfo_new:
 * @address: the local address (IPv4 addresses are stored IPv4-mapped)
 * @ifindex: the interface index, 0 for any
 *
 * Creates a pktinfo.
 *
 * Returns: (transfer full): a new pktinfo
 *
 * Since: 1.0
 */
CoapUdp6Pktinfo *
coap_udp6_pktinfo_new (GInetAddress *address,
                       guint         ifindex)
{
        CoapUdp6RawPktinfo raw;

        g_return_val_if_fail (G_IS_INET_ADDRESS (address), NULL);

        coap_udp6_in6_from_inet_address (address, &raw.addr);
        raw.ifindex = ifindex;
        return coap_udp6_pktinfo_new_raw (&raw);
}

/**
 * coap_udp6_pktinfo_new_from_bytes:
 * @bytes: the 20 bytes of a `struct in6_pktinfo` in host layout
 * @error: return location for a #GError
 *
 * Creates a pktinfo from the bytes the kernel uses.
 *
 * Returns: (transfer full) (nullable): a new pktinfo, or %NULL when
 *   @bytes is not 20 bytes long
 *
 * Since: 1.0
 */
CoapUdp6Pktinfo *
coap_udp6_pktinfo_new_from_bytes (GBytes  *bytes,
                                  GError **error)
{
        CoapUdp6RawPktinfo raw;
        gsize size;
        const guint8 *data;

        g_return_val_if_fail (bytes != NULL, NULL);
        g_return_val_if_fail (error == NULL || *error == NULL, NULL);

        data = g_bytes_get_data (bytes, &size);
        if (size != sizeof raw) {
                g_set_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_FAILED,
                             "A pktinfo is %u bytes, not %" G_GSIZE_FORMAT,
                             (guint) sizeof raw, size);
                return NULL;
        }
        memcpy (&raw, data, sizeof raw);
        return coap_udp6_pktinfo_new_raw (&raw);
}

/**
 * coap_udp6_pktinfo_new_interface_only:
 * @ifindex: the interface to send on
 * @ipv4: whether the destination is IPv4 (source `::ffff:0.0.0.0` rather
 *   than `::`)
 *
 * Creates a pktinfo that only selects an outgoing interface and leaves the
 * source address to the kernel. It behaves like any other pktinfo; it is
 * only flagged for debug output.
 *
 * Returns: (transfer full): a new pktinfo
 *
 * Since: 1.0
 */
CoapUdp6Pktinfo *
coap_udp6_pktinfo_new_interface_only (guint    ifindex,
                                      gboolean ipv4)
{
        CoapUdp6RawPktinfo raw = { IN6ADDR_ANY_INIT, ifindex };
        CoapUdp6Pktinfo *self;

        if (ipv4) {
                raw.addr.s6_addr[10] = 0xff;
                raw.addr.s6_addr[11] = 0xff;
        }
        self = coap_udp6_pktinfo_new_raw (&raw);
        self->interface_only = TRUE;
        return self;
}

/**
 * coap_udp6_pktinfo_copy:
 * @self: a #CoapUdp6Pktinfo
 *
 * Copies a pktinfo.
 *
 * Returns: (transfer full): a copy of @self
 *
 * Since: 1.0
 */
CoapUdp6Pktinfo *
coap_udp6_pktinfo_copy (const CoapUdp6Pktinfo *self)
{
        g_return_val_if_fail (self != NULL, NULL);

        return g_memdup2 (self, sizeof *self);
}

/**
 * coap_udp6_pktinfo_free:
 * @self: (nullable): a #CoapUdp6Pktinfo
 *
 * Frees a pktinfo.
 *
 * Since: 1.0
 */
void
coap_udp6_pktinfo_free (CoapUdp6Pktinfo *self)
{
        g_free (self);
}

/**
 * coap_udp6_pktinfo_get_address:
 * @self: a #CoapUdp6Pktinfo
 *
 * Gets the local address; IPv4 addresses are returned IPv4-mapped.
 *
 * Returns: (transfer full): the address
 *
 * Since: 1.0
 */
GInetAddress *
coap_udp6_pktinfo_get_address (const CoapUdp6Pktinfo *self)
{
        g_return_val_if_fail (self != NULL, NULL);

        return g_inet_address_new_from_bytes (self->raw.addr.s6_addr,
                                              G_SOCKET_FAMILY_IPV6);
}

/**
 * coap_udp6_pktinfo_get_ifindex:
 * @self: a #CoapUdp6Pktinfo
 *
 * Gets the interface index.
 *
 * Returns: the interface index, 0 for any
 *
 * Since: 1.0
 */
guint
coap_udp6_pktinfo_get_ifindex (const CoapUdp6Pktinfo *self)
{
        g_return_val_if_fail (self != NULL, 0);

        return self->raw.ifindex;
}

/**
 * coap_udp6_pktinfo_is_interface_only:
 * @self: a #CoapUdp6Pktinfo
 *
 * Whether @self was made with [ctor@Pktinfo.new_interface_only]. This
 * is for debug output only.
 *
 * Returns: %TRUE for an interface-only pktinfo
 *
 * Since: 1.0
 */
gboolean
coap_udp6_pktinfo_is_interface_only (const CoapUdp6Pktinfo *self)
{
        g_return_val_if_fail (self != NULL, FALSE);

        return self->interface_only;
}

/**
 * coap_udp6_pktinfo_is_multicast:
 * @self: a #CoapUdp6Pktinfo
 *
 * Whether the local address is a multicast address (IPv6, or IPv4-mapped
 * IPv4).
 *
 * Returns: %TRUE for a multicast address
 *
 * Since: 1.0
 */
gboolean
coap_udp6_pktinfo_is_multicast (const CoapUdp6Pktinfo *self)
{
        g_return_val_if_fail (self != NULL, FALSE);

        return coap_udp6_in6_is_multicast (&self->raw.addr);
}

/**
 * coap_udp6_pktinfo_to_bytes:
 * @self: a #CoapUdp6Pktinfo
 *
 * Gets the 20 bytes of the `struct in6_pktinfo` (host byte order for the
 * interface index).
 *
 * Returns: (transfer full): the bytes
 *
 * Since: 1.0
 */
GBytes *
coap_udp6_pktinfo_to_bytes (const CoapUdp6Pktinfo *self)
{
        g_return_val_if_fail (self != NULL, NULL);

        return g_bytes_new (&self->raw, sizeof self->raw);
}

/**
 * coap_udp6_pktinfo_to_string:
 * @self: a #CoapUdp6Pktinfo
 *
 * Formats the pktinfo for debugging: `127.0.0.1%lo`, `::1%lo`; the
 * interface is left out when it is 0, and an interface-only pktinfo says
 * so.
 *
 * Returns: (transfer full): a string
 *
 * Since: 1.0
 */
char *
coap_udp6_pktinfo_to_string (const CoapUdp6Pktinfo *self)
{
        g_autofree char *text = NULL;

        g_return_val_if_fail (self != NULL, NULL);

        text = coap_udp6_format_in6 (&self->raw.addr, self->raw.ifindex);
        if (self->interface_only)
                return g_strconcat (text, " (interface only)", NULL);
        return g_steal_pointer (&text);
}

/**
 * coap_udp6_pktinfo_equal:
 * @a: a #CoapUdp6Pktinfo
 * @b: another #CoapUdp6Pktinfo
 *
 * Compares address and interface index (not the interface-only flag).
 *
 * Returns: %TRUE when both are the same
 *
 * Since: 1.0
 */
gboolean
coap_udp6_pktinfo_equal (const CoapUdp6Pktinfo *a,
                         const CoapUdp6Pktinfo *b)
{
        g_return_val_if_fail (a != NULL && b != NULL, FALSE);

        return memcmp (&a->raw, &b->raw, sizeof a->raw) == 0;
}
