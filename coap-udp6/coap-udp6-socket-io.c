/* coap-udp6-socket-io.c: the only file with raw socket calls
 * (recvmsg with control messages, the error queue, sendmsg with pktinfo)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "coap-udp6-socket-io-private.h"
#include "coap-udp6-pktinfo-private.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/errqueue.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define COAP_GROUP_V4 "224.0.1.187"

GInetSocketAddress *
coap_udp6_sockaddr_from_native (const struct sockaddr_in6 *sin6)
{
        g_autoptr (GInetAddress) address = NULL;

        /* Not g_socket_address_new_from_native (): it turns IPv4-mapped
         * addresses into IPv4 ones. */
        address = g_inet_address_new_from_bytes (sin6->sin6_addr.s6_addr,
                                                 G_SOCKET_FAMILY_IPV6);
        return g_object_new (G_TYPE_INET_SOCKET_ADDRESS,
                             "address", address,
                             "port", (guint) g_ntohs (sin6->sin6_port),
                             "flowinfo", (guint) g_ntohl (sin6->sin6_flowinfo),
                             "scope-id", (guint) sin6->sin6_scope_id,
                             NULL);
}

void
coap_udp6_sockaddr_to_native (GInetSocketAddress  *sockaddr,
                              struct sockaddr_in6 *out)
{
        GInetAddress *address = g_inet_socket_address_get_address (sockaddr);

        memset (out, 0, sizeof *out);
        out->sin6_family = AF_INET6;
        out->sin6_port = g_htons (g_inet_socket_address_get_port (sockaddr));
        coap_udp6_in6_from_inet_address (address, &out->sin6_addr);
        if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6) {
                out->sin6_scope_id = g_inet_socket_address_get_scope_id (sockaddr);
                out->sin6_flowinfo = g_htonl (g_inet_socket_address_get_flowinfo (sockaddr));
        }
}

GInetSocketAddress *
coap_udp6_sockaddr_normalize (GInetSocketAddress *sockaddr)
{
        struct sockaddr_in6 sin6;

        if (sockaddr == NULL)
                return NULL;
        if (g_socket_address_get_family (G_SOCKET_ADDRESS (sockaddr)) ==
            G_SOCKET_FAMILY_IPV6)
                return g_object_ref (sockaddr);
        coap_udp6_sockaddr_to_native (sockaddr, &sin6);
        return coap_udp6_sockaddr_from_native (&sin6);
}

static int
set_int (int         fd,
         int         level,
         int         name,
         int         value,
         const char *what,
         const char **failed_step)
{
        if (setsockopt (fd, level, name, &value, sizeof value) == 0)
                return 0;
        *failed_step = what;
        return errno;
}

int
coap_udp6_socket_io_open (const struct sockaddr_in6 *bind_addr,
                          gboolean                   reuse_port,
                          int                       *fd_out,
                          const char               **failed_step)
{
        int fd, err;

        fd = socket (AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
                *failed_step = "socket (AF_INET6)";
                return errno;
        }
        if ((err = set_int (fd, IPPROTO_IPV6, IPV6_V6ONLY, 0, "IPV6_V6ONLY", failed_step)) ||
            (reuse_port && (err = set_int (fd, SOL_SOCKET, SO_REUSEPORT, 1,
                                           "SO_REUSEPORT", failed_step))) ||
            (err = set_int (fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1,
                            "IPV6_RECVPKTINFO", failed_step)) ||
            (err = set_int (fd, IPPROTO_IPV6, IPV6_RECVERR, 1, "IPV6_RECVERR",
                            failed_step)) ||
            (err = set_int (fd, IPPROTO_IP, IP_RECVERR, 1, "IP_RECVERR",
                            failed_step))) {
                close (fd);
                return err;
        }
        if (bind (fd, (const struct sockaddr *) bind_addr, sizeof *bind_addr) != 0) {
                err = errno;
                *failed_step = "bind";
                close (fd);
                return err;
        }
        *fd_out = fd;
        return 0;
}

int
coap_udp6_socket_io_join (int         fd,
                          guint       ifindex,
                          const char *group)
{
        struct ipv6_mreq mreq6 = { 0 };
        struct ip_mreqn mreq4 = { 0 };

        if (inet_pton (AF_INET6, group, &mreq6.ipv6mr_multiaddr) == 1) {
                mreq6.ipv6mr_interface = ifindex;
                if (setsockopt (fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mreq6,
                                sizeof mreq6) != 0)
                        return errno;
                return 0;
        }
        if (inet_pton (AF_INET, group, &mreq4.imr_multiaddr) != 1)
                return EINVAL;
        mreq4.imr_ifindex = ifindex;
        if (setsockopt (fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq4, sizeof mreq4) != 0)
                return errno;
        return 0;
}

int
coap_udp6_socket_io_set_hop_limit (int   fd,
                                   guint hop_limit)
{
        int v = hop_limit;

        if (setsockopt (fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &v, sizeof v) != 0)
                return errno;
        if (setsockopt (fd, IPPROTO_IP, IP_MULTICAST_TTL, &v, sizeof v) != 0)
                return errno;
        return 0;
}

static gboolean
pktinfo_from_cmsgs (struct msghdr      *msg,
                    CoapUdp6RawPktinfo *raw)
{
        for (struct cmsghdr *c = CMSG_FIRSTHDR (msg); c != NULL;
             c = CMSG_NXTHDR (msg, c)) {
                if (c->cmsg_level != IPPROTO_IPV6 || c->cmsg_type != IPV6_PKTINFO)
                        continue;
                if (c->cmsg_len < CMSG_LEN (sizeof *raw))
                        continue;
                memcpy (raw, CMSG_DATA (c), sizeof *raw);
                return TRUE;
        }
        return FALSE;
}

typedef union {
        struct cmsghdr align;
        char buf[CMSG_SPACE (sizeof (CoapUdp6RawPktinfo)) + 256];
} RecvControl;

static void
finish_received (struct mmsghdr   *m,
                 gsize             size,
                 CoapUdp6Received *out)
{
        struct msghdr *msg = &m->msg_hdr;

        out->length = m->msg_len;
        out->truncated = (msg->msg_flags & MSG_TRUNC) != 0 || (gsize) m->msg_len > size;
        if (msg->msg_namelen < sizeof (struct sockaddr_in6) || out->from.sin6_family != AF_INET6)
                out->from.sin6_family = 0;
        out->have_pktinfo = pktinfo_from_cmsgs (msg, &out->pktinfo);
}

struct _CoapUdp6RecvSlots {
        struct mmsghdr      msgs[COAP_UDP6_RECV_BATCH];
        struct iovec        iovs[COAP_UDP6_RECV_BATCH];
        struct sockaddr_in6 from[COAP_UDP6_RECV_BATCH];
        RecvControl         controls[COAP_UDP6_RECV_BATCH];
        gsize               size;
};

static void
recv_slots_init (CoapUdp6RecvSlots *slots,
                 guint8            *buffers,
                 gsize              size,
                 guint              n)
{
        slots->size = size;
        for (guint i = 0; i < n; i++) {
                slots->iovs[i] = (struct iovec) { buffers + i * size, size };
                slots->msgs[i].msg_hdr = (struct msghdr) {
                        .msg_name = &slots->from[i],
                        .msg_namelen = sizeof slots->from[i],
                        .msg_iov = &slots->iovs[i],
                        .msg_iovlen = 1,
                        .msg_control = slots->controls[i].buf,
                        .msg_controllen = sizeof slots->controls[i].buf,
                };
        }
}

CoapUdp6RecvSlots *
coap_udp6_recv_slots_new (guint8 *buffers,
                          gsize   size)
{
        CoapUdp6RecvSlots *slots = g_new0 (CoapUdp6RecvSlots, 1);

        recv_slots_init (slots, buffers, size, COAP_UDP6_RECV_BATCH);
        return slots;
}

void
coap_udp6_recv_slots_free (CoapUdp6RecvSlots *slots)
{
        g_free (slots);
}

int
coap_udp6_socket_io_recv_slots (int                fd,
                                CoapUdp6RecvSlots *slots,
                                CoapUdp6Received  *out,
                                guint              n,
                                guint             *count)
{
        int got;

        n = MIN (n, COAP_UDP6_RECV_BATCH);
        do
                got = recvmmsg (fd, slots->msgs, n, MSG_TRUNC, NULL);
        while (got < 0 && errno == EINTR);
        if (got < 0)
                return errno;
        for (int i = 0; i < got; i++) {
                out[i].data = slots->iovs[i].iov_base;
                out[i].from = slots->from[i];
                finish_received (&slots->msgs[i], slots->size, &out[i]);
                /* recvmmsg() overwrote only these, and only in the slots
                 * it filled: resetting them here rather than before each
                 * call touches one slot, not all of them, per datagram. */
                slots->msgs[i].msg_hdr.msg_namelen = sizeof slots->from[i];
                slots->msgs[i].msg_hdr.msg_controllen = sizeof slots->controls[i].buf;
        }
        *count = got;
        return 0;
}

int
coap_udp6_socket_io_recv_batch (int               fd,
                                guint8           *buffers,
                                gsize             size,
                                CoapUdp6Received *out,
                                guint             n,
                                guint            *count)
{
        CoapUdp6RecvSlots slots;

        n = MIN (n, COAP_UDP6_RECV_BATCH);
        recv_slots_init (&slots, buffers, size, n);
        return coap_udp6_socket_io_recv_slots (fd, &slots, out, n, count);
}

/* One IPV6_PKTINFO control message in @buf (CMSG_SPACE of a pktinfo).
 * msg_controllen is CMSG_LEN, not CMSG_SPACE: Linux copies up to
 * sizeof (struct cmsghdr) + 20 bytes of control data on the stack and
 * allocates anything longer (net/socket.c, ____sys_sendmsg), so the
 * 4 bytes of trailing padding would cost a kmalloc per datagram. */
static void
set_pktinfo_control (struct msghdr            *msg,
                     char                     *buf,
                     const CoapUdp6RawPktinfo *pktinfo)
{
        struct cmsghdr *c;

        memset (buf, 0, CMSG_SPACE (sizeof *pktinfo));
        msg->msg_control = buf;
        msg->msg_controllen = CMSG_LEN (sizeof *pktinfo);
        c = CMSG_FIRSTHDR (msg);
        c->cmsg_level = IPPROTO_IPV6;
        c->cmsg_type = IPV6_PKTINFO;
        c->cmsg_len = CMSG_LEN (sizeof *pktinfo);
        memcpy (CMSG_DATA (c), pktinfo, sizeof *pktinfo);
}

guint
coap_udp6_socket_io_send_batch (int                     fd,
                                const CoapUdp6Outgoing *out,
                                guint                   n,
                                int                    *err)
{
        struct mmsghdr msgs[COAP_UDP6_SEND_BATCH];
        struct iovec iovs[COAP_UDP6_SEND_BATCH];
        union {
                struct cmsghdr align;
                char buf[CMSG_SPACE (sizeof (CoapUdp6RawPktinfo))];
        } controls[COAP_UDP6_SEND_BATCH];
        int sent;

        n = MIN (n, COAP_UDP6_SEND_BATCH);
        *err = 0;
        for (guint i = 0; i < n; i++) {
                iovs[i] = (struct iovec) { (void *) out[i].data, out[i].length };
                msgs[i].msg_hdr = (struct msghdr) {
                        .msg_name = (void *) out[i].to,
                        .msg_namelen = sizeof *out[i].to,
                        .msg_iov = &iovs[i],
                        .msg_iovlen = 1,
                };
                msgs[i].msg_len = 0;
                if (out[i].pktinfo != NULL)
                        set_pktinfo_control (&msgs[i].msg_hdr, controls[i].buf, out[i].pktinfo);
        }
        do
                sent = sendmmsg (fd, msgs, n, 0);
        while (sent < 0 && errno == EINTR);
        if (sent < 0) {
                *err = errno;
                return 0;
        }
        if ((guint) sent < n)
                *err = EAGAIN;
        return sent;
}

int
coap_udp6_socket_io_recv_error (int                       fd,
                                struct sockaddr_in6      *dest,
                                CoapUdp6SockExtendedErr **ee)
{
        union {
                struct cmsghdr align;
                char buf[512];
        } control;
        guint8 data[64];
        struct iovec iov = { data, sizeof data };
        struct msghdr msg = {
                .msg_name = dest,
                .msg_namelen = sizeof *dest,
                .msg_iov = &iov,
                .msg_iovlen = 1,
                .msg_control = control.buf,
                .msg_controllen = sizeof control.buf,
        };
        ssize_t n;

        *ee = NULL;
        memset (dest, 0, sizeof *dest);
        do
                n = recvmsg (fd, &msg, MSG_ERRQUEUE);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return errno;
        if (msg.msg_namelen < sizeof *dest || dest->sin6_family != AF_INET6)
                dest->sin6_family = 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c != NULL;
             c = CMSG_NXTHDR (&msg, c)) {
                g_autoptr (GBytes) bytes = NULL;

                if (!((c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR) ||
                      (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR)))
                        continue;
                if (c->cmsg_len < CMSG_LEN (sizeof (struct sock_extended_err)))
                        continue;
                bytes = g_bytes_new (CMSG_DATA (c), c->cmsg_len - CMSG_LEN (0));
                *ee = coap_udp6_sock_extended_err_load (bytes, NULL);
                break;
        }
        return 0;
}

int
coap_udp6_socket_io_send (int                        fd,
                          const guint8              *data,
                          gsize                      length,
                          const struct sockaddr_in6 *to,
                          const CoapUdp6Pktinfo     *pktinfo)
{
        union {
                struct cmsghdr align;
                char buf[CMSG_SPACE (sizeof (CoapUdp6RawPktinfo))];
        } control;
        struct iovec iov = { (void *) data, length };
        struct msghdr msg = {
                .msg_name = (void *) to,
                .msg_namelen = sizeof *to,
                .msg_iov = &iov,
                .msg_iovlen = 1,
        };
        ssize_t n;

        if (pktinfo != NULL)
                set_pktinfo_control (&msg, control.buf, coap_udp6_pktinfo_peek (pktinfo));
        do
                n = sendmsg (fd, &msg, 0);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return errno;
        return 0;
}

const char *
coap_udp6_errno_name (int errnum)
{
        const char *name = strerrorname_np (errnum);

        return name != NULL ? name : "unknown errno";
}
