/* coap-udp6-pcap.c: the datagram trace
 *
 * COAP_UDP6_PCAP=FILE appends every datagram that any message interface of
 * the process sends or receives to FILE as pcapng: a Section Header Block
 * when the process opens the file, an Interface Description Block the first
 * time an interface is seen, and one Enhanced Packet Block per datagram
 * with LINKTYPE_RAW, i.e. an IPv6 (or, for IPv4-mapped peers, IPv4) and
 * UDP header made up from the addresses the socket reported — the local
 * one from IPV6_PKTINFO — followed by the datagram. A pcapng file may hold
 * several sections, so successive runs append to one file; two processes
 * writing to one file at the same time would mix their sections.
 *
 * With debug output on for the log domain (G_MESSAGES_DEBUG=CoapUdp6) each
 * datagram is also logged on one line.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-pcap-private.h"
#include "coap-udp6-message-interface-private.h"

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BLOCK_SHB 0x0A0D0D0A
#define BLOCK_IDB 0x00000001
#define BLOCK_EPB 0x00000006
#define LINKTYPE_RAW 101
#define OPTION_IF_NAME 2
#define HOP_LIMIT 64

gboolean coap_udp6_pcap_active;

static struct {
        GMutex lock;
        gboolean opened;                    /* COAP_UDP6_PCAP was read */
        int fd;                             /* -1: no file */
        gboolean debug;
        GArray *interfaces;                 /* of guint32 ifindex, by pcapng interface ID */
        /* What the kernel chose for the last destination sent to without
         * pktinfo: one route lookup per change of destination. */
        struct sockaddr_in6 route_peer;
        struct in6_addr route_local;
        guint32 route_ifindex;
} trace = { .fd = -1 };

static void
put16 (GByteArray *out,
       guint16     value)
{
        g_byte_array_append (out, (const guint8 *) &value, 2);
}

static void
put32 (GByteArray *out,
       guint32     value)
{
        g_byte_array_append (out, (const guint8 *) &value, 4);
}

static void
put_be16 (GByteArray *out,
          guint16     value)
{
        value = g_htons (value);
        g_byte_array_append (out, (const guint8 *) &value, 2);
}

static void
pad32 (GByteArray *out)
{
        static const guint8 zeros[4];

        g_byte_array_append (out, zeros, (4 - out->len % 4) % 4);
}

/* Fills in the total length, at both ends of the block begun at @start. */
static void
end_block (GByteArray *out,
           guint       start)
{
        guint32 total = out->len + 4 - start;

        memcpy (out->data + start + 4, &total, 4);
        put32 (out, total);
}

static guint
begin_block (GByteArray *out,
             guint32     type)
{
        guint start = out->len;

        put32 (out, type);
        put32 (out, 0);
        return start;
}

static void
write_all (const GByteArray *out)
{
        gsize done = 0;

        while (done < out->len) {
                gssize n = write (trace.fd, out->data + done, out->len - done);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0) {
                        g_warning ("Writing the datagram trace failed: %s; it stops here",
                                   g_strerror (errno));
                        close (trace.fd);
                        trace.fd = -1;
                        coap_udp6_pcap_active = trace.debug;
                        return;
                }
                done += n;
        }
}

static void
section_header (GByteArray *out)
{
        guint start = begin_block (out, BLOCK_SHB);
        gint64 unknown_length = -1;

        put32 (out, 0x1A2B3C4D);
        put16 (out, 1);
        put16 (out, 0);
        g_byte_array_append (out, (const guint8 *) &unknown_length, 8);
        end_block (out, start);
}

/* The pcapng interface ID of @ifindex, described in @out the first time. */
static guint32
interface_id (GByteArray *out,
              guint32     ifindex)
{
        char name[IF_NAMESIZE];
        guint start;

        for (guint i = 0; i < trace.interfaces->len; i++)
                if (g_array_index (trace.interfaces, guint32, i) == ifindex)
                        return i;
        start = begin_block (out, BLOCK_IDB);
        put16 (out, LINKTYPE_RAW);
        put16 (out, 0);
        put32 (out, 0);
        if (ifindex != 0 && if_indextoname (ifindex, name) != NULL) {
                put16 (out, OPTION_IF_NAME);
                put16 (out, strlen (name));
                g_byte_array_append (out, (const guint8 *) name, strlen (name));
                pad32 (out);
                put32 (out, 0);             /* opt_endofopt */
        }
        end_block (out, start);
        g_array_append_val (trace.interfaces, ifindex);
        return trace.interfaces->len - 1;
}

static guint32
checksum_add (guint32       sum,
              const guint8 *data,
              gsize         size)
{
        for (gsize i = 0; i + 1 < size; i += 2)
                sum += (data[i] << 8) | data[i + 1];
        if (size % 2 == 1)
                sum += data[size - 1] << 8;
        return sum;
}

static guint16
checksum_fold (guint32 sum)
{
        while (sum >> 16)
                sum = (sum & 0xffff) + (sum >> 16);
        return ~sum & 0xffff;
}

/* IP and UDP headers for @size bytes from @src to @dst (both IPv4-mapped,
 * or neither), then the datagram. */
static void
put_packet (GByteArray            *out,
            const struct in6_addr *src,
            guint                  src_port,
            const struct in6_addr *dst,
            guint                  dst_port,
            const guint8          *data,
            gsize                  size)
{
        gboolean v4 = IN6_IS_ADDR_V4MAPPED (src) || IN6_IS_ADDR_V4MAPPED (dst);
        gsize addr_len = v4 ? 4 : 16;
        const guint8 *s = v4 ? &src->s6_addr[12] : src->s6_addr;
        const guint8 *d = v4 ? &dst->s6_addr[12] : dst->s6_addr;
        guint udp_len = 8 + size;
        guint8 pseudo[40];
        guint32 sum;
        guint udp;

        if (v4) {
                guint ip = out->len;
                guint16 ip_sum;

                g_byte_array_append (out, (const guint8 *) "\x45\x00", 2);
                put_be16 (out, 20 + udp_len);
                put_be16 (out, 0);
                put_be16 (out, 0x4000);     /* don't fragment */
                g_byte_array_append (out, (const guint8 *) "\x40\x11\x00\x00", 4);
                g_byte_array_append (out, s, 4);
                g_byte_array_append (out, d, 4);
                ip_sum = g_htons (checksum_fold (checksum_add (0, out->data + ip, 20)));
                memcpy (out->data + ip + 10, &ip_sum, 2);
        } else {
                put32 (out, g_htonl (0x60000000));
                put_be16 (out, udp_len);
                g_byte_array_append (out, (const guint8 *) "\x11" "\x40", 2);
                g_byte_array_append (out, s, 16);
                g_byte_array_append (out, d, 16);
        }
        udp = out->len;
        put_be16 (out, src_port);
        put_be16 (out, dst_port);
        put_be16 (out, udp_len);
        put_be16 (out, 0);
        g_byte_array_append (out, data, size);
        /* RFC 768 and RFC 8200 §8.1: over a pseudo-header of both addresses,
         * the protocol and the UDP length. */
        memcpy (pseudo, s, addr_len);
        memcpy (pseudo + addr_len, d, addr_len);
        sum = checksum_add (0, pseudo, 2 * addr_len);
        sum += 17 + udp_len;
        sum = checksum_fold (checksum_add (sum, out->data + udp, udp_len));
        if (sum == 0)
                sum = 0xffff;
        out->data[udp + 6] = sum >> 8;
        out->data[udp + 7] = sum & 0xff;
}

static void
record (guint32                ifindex,
        const struct in6_addr *src,
        guint                  src_port,
        const struct in6_addr *dst,
        guint                  dst_port,
        const guint8          *data,
        gsize                  size)
{
        g_autoptr (GByteArray) out = g_byte_array_sized_new (size + 128);
        gint64 now = g_get_real_time ();
        guint32 id;
        guint start, length;

        id = interface_id (out, ifindex);
        start = begin_block (out, BLOCK_EPB);
        put32 (out, id);
        put32 (out, (guint64) now >> 32);
        put32 (out, (guint64) now & 0xffffffff);
        put32 (out, 0);
        put32 (out, 0);
        length = out->len;
        put_packet (out, src, src_port, dst, dst_port, data, size);
        length = out->len - length;
        memcpy (out->data + start + 20, &length, 4);
        memcpy (out->data + start + 24, &length, 4);
        pad32 (out);
        end_block (out, start);
        write_all (out);
}

static void
log_datagram (gboolean                   sent,
              const guint8              *data,
              gsize                      size,
              const struct sockaddr_in6 *peer,
              const struct in6_addr     *local,
              guint                      local_port,
              guint32                    ifindex)
{
        g_autoptr (GBytes) bytes = g_bytes_new (data, size);
        g_autoptr (CoapUdp6Message) message = NULL;
        g_autoptr (GError) error = NULL;
        g_autofree char *peer_text = coap_udp6_format_in6 (&peer->sin6_addr, peer->sin6_scope_id);
        g_autofree char *local_text = coap_udp6_format_in6 (local, 0);
        g_autofree char *ifname = ifindex != 0 ? coap_udp6_format_ifname (ifindex) : g_strdup ("?");
        g_autofree char *what = NULL;

        message = coap_udp6_message_decode (bytes, NULL, &error);
        what = message != NULL ? coap_udp6_message_to_string (message)
                               : g_strdup_printf ("unparsable: %s", error->message);
        g_debug ("%s %" G_GSIZE_FORMAT " bytes %s [%s]:%u %s [%s]:%u on %s: %s",
                 sent ? "sent" : "received", size, sent ? "to" : "from",
                 peer_text, g_ntohs (peer->sin6_port), sent ? "from" : "to",
                 local_text, local_port, ifname, what);
}

/* The interface that holds @addr (0: none found). */
static guint32
interface_of (const struct in6_addr *addr)
{
        struct ifaddrs *list = NULL;
        guint32 ifindex = 0;

        if (getifaddrs (&list) != 0)
                return 0;
        for (struct ifaddrs *a = list; a != NULL && ifindex == 0; a = a->ifa_next) {
                if (a->ifa_addr == NULL)
                        continue;
                if ((a->ifa_addr->sa_family == AF_INET6 &&
                     IN6_ARE_ADDR_EQUAL (&((struct sockaddr_in6 *) a->ifa_addr)->sin6_addr, addr)) ||
                    (a->ifa_addr->sa_family == AF_INET && IN6_IS_ADDR_V4MAPPED (addr) &&
                     memcmp (&((struct sockaddr_in *) a->ifa_addr)->sin_addr, &addr->s6_addr[12], 4) == 0))
                        ifindex = if_nametoindex (a->ifa_name);
        }
        freeifaddrs (list);
        return ifindex;
}

/* The source address and interface the kernel picks for @peer: what a
 * datagram sent without pktinfo left from. */
static void
route_to (const struct sockaddr_in6 *peer,
          struct in6_addr           *local,
          guint32                   *ifindex)
{
        struct sockaddr_in6 name = { 0 };
        socklen_t len = sizeof name;
        int fd;

        if (memcmp (&trace.route_peer, peer, sizeof *peer) != 0) {
                trace.route_peer = *peer;
                trace.route_local = in6addr_any;
                fd = socket (AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
                if (fd >= 0 && connect (fd, (const struct sockaddr *) peer, sizeof *peer) == 0 &&
                    getsockname (fd, (struct sockaddr *) &name, &len) == 0)
                        trace.route_local = name.sin6_addr;
                if (fd >= 0)
                        close (fd);
                trace.route_ifindex = peer->sin6_scope_id != 0 ? peer->sin6_scope_id
                                                               : interface_of (&trace.route_local);
        }
        *local = trace.route_local;
        *ifindex = trace.route_ifindex;
}

void
coap_udp6_pcap_init (void)
{
        const char *path;

        g_mutex_lock (&trace.lock);
        trace.debug = !g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN);
        if (!trace.opened) {
                trace.opened = TRUE;
                path = g_getenv ("COAP_UDP6_PCAP");
                if (path != NULL && *path != '\0') {
                        trace.fd = open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
                        if (trace.fd < 0) {
                                g_warning ("Cannot open the datagram trace %s: %s", path,
                                           g_strerror (errno));
                        } else {
                                g_autoptr (GByteArray) out = g_byte_array_new ();

                                trace.interfaces = g_array_new (FALSE, FALSE, sizeof (guint32));
                                section_header (out);
                                write_all (out);
                        }
                }
        }
        coap_udp6_pcap_active = trace.fd >= 0 || trace.debug;
        g_mutex_unlock (&trace.lock);
}

void
coap_udp6_pcap_received (const guint8              *data,
                         gsize                      size,
                         const struct sockaddr_in6 *from,
                         const CoapUdp6RawPktinfo  *to,
                         guint                      local_port)
{
        struct in6_addr local = to != NULL ? to->addr : in6addr_any;
        guint32 ifindex = to != NULL ? to->ifindex : 0;

        g_mutex_lock (&trace.lock);
        if (trace.fd >= 0)
                record (ifindex, &from->sin6_addr, g_ntohs (from->sin6_port),
                        &local, local_port, data, size);
        g_mutex_unlock (&trace.lock);
        if (trace.debug)
                log_datagram (FALSE, data, size, from, &local, local_port, ifindex);
}

void
coap_udp6_pcap_sent (const guint8            *data,
                     gsize                    size,
                     CoapUdp6EndpointAddress *to,
                     guint                    local_port)
{
        const struct sockaddr_in6 *peer = coap_udp6_endpoint_address_peek_native (to);
        CoapUdp6Pktinfo *pktinfo = coap_udp6_endpoint_address_get_pktinfo (to);
        const CoapUdp6RawPktinfo *raw = pktinfo != NULL ? coap_udp6_pktinfo_peek (pktinfo) : NULL;
        struct in6_addr local;
        guint32 ifindex;

        g_mutex_lock (&trace.lock);
        /* The pktinfo a reply leaves with is the address the request came
         * to, unless that was a group (the kernel then picks a unicast one). */
        if (raw != NULL && !IN6_IS_ADDR_UNSPECIFIED (&raw->addr) &&
            !coap_udp6_in6_is_multicast (&raw->addr) && raw->ifindex != 0) {
                local = raw->addr;
                ifindex = raw->ifindex;
        } else {
                route_to (peer, &local, &ifindex);
                if (raw != NULL && raw->ifindex != 0)
                        ifindex = raw->ifindex;
        }
        if (trace.fd >= 0)
                record (ifindex, &local, local_port, &peer->sin6_addr,
                        g_ntohs (peer->sin6_port), data, size);
        g_mutex_unlock (&trace.lock);
        if (trace.debug)
                log_datagram (TRUE, data, size, peer, &local, local_port, ifindex);
}
