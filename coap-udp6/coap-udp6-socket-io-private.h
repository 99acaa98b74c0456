/* coap-udp6-socket-io-private.h: the raw socket calls of the udp6 transport
 * and helpers shared by its files (not installed)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "coap-udp6-types.h"
#include "coap-udp6-sock-extended-err.h"

#include <netinet/in.h>

G_BEGIN_DECLS

/* The 20 bytes the kernel uses; glibc only declares it under _GNU_SOURCE. */
typedef struct {
        struct in6_addr addr;
        guint32         ifindex;
} CoapUdp6RawPktinfo;

G_STATIC_ASSERT (sizeof (CoapUdp6RawPktinfo) == 20);

#define COAP_UDP6_RECV_BUFFER_SIZE 65536
#define COAP_UDP6_RECV_BATCH 32

/* coap-udp6-socket-io.c: sockaddr conversions */
GInetSocketAddress *coap_udp6_sockaddr_normalize (GInetSocketAddress *sockaddr);
void coap_udp6_sockaddr_to_native (GInetSocketAddress  *sockaddr,
                                   struct sockaddr_in6 *out);
GInetSocketAddress *coap_udp6_sockaddr_from_native (const struct sockaddr_in6 *sin6);

/* Socket calls: 0 or an errno. */
int coap_udp6_socket_io_open (const struct sockaddr_in6 *bind_addr,
                              gboolean                   reuse_port,
                              int                       *fd_out,
                              const char               **failed_step);
int coap_udp6_socket_io_join (int         fd,
                              guint       ifindex,
                              const char *group);
int coap_udp6_socket_io_set_hop_limit (int   fd,
                                       guint hop_limit);

typedef struct {
        guint8               *data;           /* (unowned) in the batch buffer */
        gssize                length;
        gboolean              truncated;
        struct sockaddr_in6   from;
        gboolean              have_pktinfo;
        CoapUdp6RawPktinfo    pktinfo;
} CoapUdp6Received;

/* Reads up to @n datagrams with one recvmmsg(); datagram i lands in
 * @buffers + i * @size. Returns 0 with *@count ≥ 1, or an errno (EAGAIN:
 * nothing queued). */
/* Receive headers set up once for COAP_UDP6_RECV_BATCH slots of @size
 * bytes in @buffers; each call then resets only what recvmmsg() changes. */
typedef struct _CoapUdp6RecvSlots CoapUdp6RecvSlots;

CoapUdp6RecvSlots *coap_udp6_recv_slots_new (guint8 *buffers,
                                            gsize   size);
void coap_udp6_recv_slots_free (CoapUdp6RecvSlots *slots);
int coap_udp6_socket_io_recv_slots (int                fd,
                                    CoapUdp6RecvSlots *slots,
                                    CoapUdp6Received  *out,
                                    guint              n,
                                    guint             *count);
int coap_udp6_socket_io_recv_batch (int               fd,
                                    guint8           *buffers,
                                    gsize             size,
                                    CoapUdp6Received *out,
                                    guint             n,
                                    guint            *count);

typedef struct {
        const guint8              *data;
        gsize                      length;
        const struct sockaddr_in6 *to;
        const CoapUdp6RawPktinfo  *pktinfo;   /* nullable */
} CoapUdp6Outgoing;

#define COAP_UDP6_SEND_BATCH 32

/* Sends up to @n datagrams with one sendmmsg(); returns how many left.
 * When fewer than @n did, *@err is the errno of the first that did not. */
guint coap_udp6_socket_io_send_batch (int                     fd,
                                      const CoapUdp6Outgoing *out,
                                      guint                   n,
                                      int                    *err);


/* Reads one error-queue entry; 0, or an errno (EAGAIN: empty). *@ee is NULL
 * when the entry carried no extended error. */
int coap_udp6_socket_io_recv_error (int                       fd,
                                    struct sockaddr_in6      *dest,
                                    CoapUdp6SockExtendedErr **ee);

int coap_udp6_socket_io_send (int                        fd,
                              const guint8              *data,
                              gsize                      length,
                              const struct sockaddr_in6 *to,
                              const CoapUdp6Pktinfo     *pktinfo);

const char *coap_udp6_errno_name (int errnum);

G_END_DECLS
