/* stateless-responder.c: the fastest CoAP "server" possible, as a ceiling
 *
 *   stateless-responder [--host ::] [--port 5683]
 *
 * Reads datagrams in batches (recvmmsg), answers each at once and sends the
 * answers in one batch (sendmmsg). It keeps no state at all: no duplicate
 * detection, no resources, it does not even look at the options. A CON
 * request gets a piggybacked ACK 2.05 with the request's MID and token,
 * Content-Format text/plain and the payload "Hello, world!" (what
 * coap-udp6-server's /hello answers); a NON request gets the same as a NON
 * with a fresh MID; a CON ping (empty CON) gets RST; everything else is
 * ignored. The benchmarks compare real servers against it.
 *
 * With --port 0 it prints "port=N" on stdout once bound, so scripts can find
 * it. The default --host :: is dual-stack. SIGTERM and SIGINT end it with
 * exit status 0.
 *
 * Plain C on purpose (libc only).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "responder-answer.h"
#include "responder-args.h"

#define BATCH     64
#define DGRAM_MAX 1500

static volatile sig_atomic_t stop;

static void
on_signal (int signum)
{
        stop = 1;
}

static int
open_socket (const char *host,
             long        port)
{
        struct sockaddr_in6 sin6;
        struct sockaddr_in sin;
        int size = 4 << 20;
        int off = 0;
        int fd;

        memset (&sin6, 0, sizeof sin6);
        memset (&sin, 0, sizeof sin);
        if (inet_pton (AF_INET6, host, &sin6.sin6_addr) == 1) {
                sin6.sin6_family = AF_INET6;
                sin6.sin6_port = htons ((uint16_t) port);
                fd = socket (AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
                if (fd >= 0)
                        setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
                if (fd >= 0 && bind (fd, (struct sockaddr *) &sin6, sizeof sin6) < 0) {
                        close (fd);
                        fd = -1;
                }
        } else if (inet_pton (AF_INET, host, &sin.sin_addr) == 1) {
                sin.sin_family = AF_INET;
                sin.sin_port = htons ((uint16_t) port);
                fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
                if (fd >= 0 && bind (fd, (struct sockaddr *) &sin, sizeof sin) < 0) {
                        close (fd);
                        fd = -1;
                }
        } else {
                fprintf (stderr, "stateless-responder: %s is not an address literal\n", host);
                return -1;
        }
        if (fd < 0) {
                perror ("stateless-responder: socket/bind");
                return -1;
        }
        setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        setsockopt (fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
        return fd;
}

static long
bound_port (int fd)
{
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;

        if (getsockname (fd, (struct sockaddr *) &ss, &len) < 0)
                return -1;
        if (ss.ss_family == AF_INET6)
                return ntohs (((struct sockaddr_in6 *) &ss)->sin6_port);
        return ntohs (((struct sockaddr_in *) &ss)->sin_port);
}

static int
serve (int fd)
{
        static uint8_t inbuf[BATCH][DGRAM_MAX];
        static uint8_t outbuf[BATCH][64];
        struct sockaddr_storage addrs[BATCH];
        struct mmsghdr in[BATCH], out[BATCH];
        struct iovec iniov[BATCH], outiov[BATCH];
        uint16_t next_mid = (uint16_t) getpid ();

        while (!stop) {
                int n, count = 0;

                for (int i = 0; i < BATCH; i++) {
                        iniov[i].iov_base = inbuf[i];
                        iniov[i].iov_len = DGRAM_MAX;
                        memset (&in[i].msg_hdr, 0, sizeof in[i].msg_hdr);
                        in[i].msg_hdr.msg_name = &addrs[i];
                        in[i].msg_hdr.msg_namelen = sizeof addrs[i];
                        in[i].msg_hdr.msg_iov = &iniov[i];
                        in[i].msg_hdr.msg_iovlen = 1;
                }
                n = recvmmsg (fd, in, BATCH, MSG_WAITFORONE, NULL);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        perror ("stateless-responder: recvmmsg");
                        return 1;
                }
                for (int i = 0; i < n; i++) {
                        size_t len = answer (inbuf[i], in[i].msg_len, outbuf[count], &next_mid);

                        if (len == 0)
                                continue;
                        outiov[count].iov_base = outbuf[count];
                        outiov[count].iov_len = len;
                        memset (&out[count].msg_hdr, 0, sizeof out[count].msg_hdr);
                        out[count].msg_hdr.msg_name = &addrs[i];
                        out[count].msg_hdr.msg_namelen = in[i].msg_hdr.msg_namelen;
                        out[count].msg_hdr.msg_iov = &outiov[count];
                        out[count].msg_hdr.msg_iovlen = 1;
                        count++;
                }
                /* Partial sends and refused destinations lose answers, as
                 * UDP may; the client counts them. */
                for (int sent = 0; sent < count;) {
                        int r = sendmmsg (fd, out + sent, (unsigned) (count - sent), 0);

                        if (r <= 0)
                                break;
                        sent += r;
                }
        }
        return 0;
}

int
main (int   argc,
      char *argv[])
{
        const char *host = "::";
        long port = 5683;
        int c, fd;

        if (responder_parse_args (argc, argv, "stateless-responder", &host, &port) != 0)
                return 2;
        responder_catch_signals (on_signal);
        fd = open_socket (host, port);
        if (fd < 0)
                return 2;
        if (port == 0) {
                printf ("port=%ld\n", bound_port (fd));
                fflush (stdout);
        }
        c = serve (fd);
        close (fd);
        return c;
}
