/* coap-loadgen.c: closed-loop CoAP GET load generator on raw UDP sockets
 *
 *   coap-loadgen --port PORT [--host ::1] [--window 64] [--non]
 *                [--path hello] [--warmup 1] [--duration 5]
 *                [--timeout-ms 1000] [--server-pid PID]
 *
 * Keeps --window requests outstanding against one CoAP server: every answer
 * frees its slot, and the slot sends the next request right away. Nothing is
 * retransmitted: a request without an answer after --timeout-ms is counted
 * lost and its slot reused. Answers are matched by token (slot number and a
 * generation count) and, for a piggybacked ACK, by message ID as well.
 *
 * A server keeps the message IDs of a remote for EXCHANGE_LIFETIME (247 s)
 * to find duplicates, so a new source port (a fresh socket) is opened before
 * the 16-bit message ID space of a socket is used up; the old socket stays
 * open until its outstanding requests are answered or lost.
 *
 * After --warmup seconds the counters are reset, then it runs --duration
 * seconds and prints one line:
 *   req/s=N completed=N lost=N errors=N p50_us=X p99_us=X sockets=N
 *   client_cpu_us_per_req=X [server_cpu_us_per_req=X]
 * (errors = answers that are not 2.xx, or RST). With --server-pid it reads
 * utime + stime of that process from /proc before and after the measured
 * period. Exit status 0 when at least one answer came during the measured
 * period, 1 when none did, 2 on a usage or socket error.
 *
 * Plain C on purpose (libc only), so it can drive any CoAP server; it does
 * not link the library.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_WINDOW   4096
#define MAX_SOCKETS  8
#define BATCH        64
#define DGRAM_MAX    1500
#define TOKEN_LEN    4
/* Latency histogram: 100 ns buckets up to 100 ms, then 1 ms buckets. */
#define FINE_NS      100
#define FINE_BUCKETS 1000000
#define COARSE_NS    1000000
#define COARSE_BUCKETS 10000

typedef struct {
        int      fd;
        unsigned next_mid;
        unsigned sent;        /* requests sent on this socket */
        unsigned outstanding; /* of which not yet answered or lost */
} Sock;

typedef struct {
        int      busy;
        int      sock;        /* index into Loadgen.socks */
        uint16_t mid;
        uint16_t generation;
        uint64_t sent_ns;
} Slot;

typedef struct {
        /* options */
        struct sockaddr_storage target;
        socklen_t target_len;
        unsigned  window;
        int       non;
        char      path[256];
        double    warmup;
        double    duration;
        unsigned  timeout_ms;
        long      server_pid;

        /* state */
        Sock      socks[MAX_SOCKETS];
        int       current;     /* index of the socket new requests use */
        unsigned  sockets_opened;
        Slot     *slots;
        uint8_t   request[DGRAM_MAX];
        size_t    request_len; /* template: header + token + options */
        int       measuring;

        /* counters of the current phase */
        uint64_t  completed;
        uint64_t  lost;
        uint64_t  errors;
        uint32_t *fine;
        uint32_t *coarse;
} Loadgen;

static uint64_t
now_ns (void)
{
        struct timespec ts;

        clock_gettime (CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static void
usage (void)
{
        fprintf (stderr,
                 "usage: coap-loadgen --port PORT [--host ADDR] [--window W] [--non]\n"
                 "                    [--path P] [--warmup S] [--duration S]\n"
                 "                    [--timeout-ms MS] [--server-pid PID]\n");
}

static int
parse_target (Loadgen    *lg,
              const char *host,
              long        port)
{
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &lg->target;
        struct sockaddr_in *sin = (struct sockaddr_in *) &lg->target;

        memset (&lg->target, 0, sizeof lg->target);
        if (inet_pton (AF_INET6, host, &sin6->sin6_addr) == 1) {
                sin6->sin6_family = AF_INET6;
                sin6->sin6_port = htons ((uint16_t) port);
                lg->target_len = sizeof *sin6;
                return 0;
        }
        if (inet_pton (AF_INET, host, &sin->sin_addr) == 1) {
                sin->sin_family = AF_INET;
                sin->sin_port = htons ((uint16_t) port);
                lg->target_len = sizeof *sin;
                return 0;
        }
        fprintf (stderr, "coap-loadgen: %s is not an IPv6 or IPv4 literal\n", host);
        return -1;
}

/* Header (mid and token filled in per request), Uri-Path options. */
static int
build_template (Loadgen *lg)
{
        uint8_t *p = lg->request;
        uint8_t *end = lg->request + sizeof lg->request;
        const char *segment = lg->path;
        unsigned delta = 11; /* Uri-Path */

        *p++ = (uint8_t) (0x40 | (lg->non ? 0x10 : 0x00) | TOKEN_LEN);
        *p++ = 0x01; /* GET */
        p += 2 + TOKEN_LEN;
        while (*segment == '/')
                segment++;
        while (*segment != '\0') {
                const char *slash = strchr (segment, '/');
                size_t len = slash != NULL ? (size_t) (slash - segment) : strlen (segment);

                if (len > 268 || end - p < (long) len + 2) {
                        fprintf (stderr, "coap-loadgen: path segment too long\n");
                        return -1;
                }
                if (len < 13) {
                        *p++ = (uint8_t) (delta << 4 | len);
                } else {
                        *p++ = (uint8_t) (delta << 4 | 13);
                        *p++ = (uint8_t) (len - 13);
                }
                memcpy (p, segment, len);
                p += len;
                delta = 0;
                segment += len;
                while (*segment == '/')
                        segment++;
        }
        lg->request_len = (size_t) (p - lg->request);
        return 0;
}

static int
open_socket (Loadgen *lg,
             int      index)
{
        Sock *s = &lg->socks[index];
        int size = 4 << 20;

        s->fd = socket (lg->target.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (s->fd < 0) {
                perror ("coap-loadgen: socket");
                return -1;
        }
        setsockopt (s->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        setsockopt (s->fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
        if (connect (s->fd, (struct sockaddr *) &lg->target, lg->target_len) < 0) {
                perror ("coap-loadgen: connect");
                close (s->fd);
                s->fd = -1;
                return -1;
        }
        s->next_mid = (unsigned) random () & 0xffff;
        s->sent = 0;
        s->outstanding = 0;
        lg->sockets_opened++;
        return 0;
}

/* A fresh source port before the MID space wraps; the old socket drains. */
static int
rotate_socket (Loadgen *lg)
{
        for (int i = 0; i < MAX_SOCKETS; i++) {
                if (lg->socks[i].fd < 0) {
                        if (open_socket (lg, i) < 0)
                                return -1;
                        lg->current = i;
                        return 0;
                }
        }
        fprintf (stderr, "coap-loadgen: all %d sockets still draining\n", MAX_SOCKETS);
        return -1;
}

static void
release_slot (Loadgen *lg,
              Slot    *slot)
{
        Sock *s = &lg->socks[slot->sock];

        slot->busy = 0;
        slot->generation++;
        if (--s->outstanding == 0 && slot->sock != lg->current && s->sent >= 0x10000u - MAX_WINDOW) {
                close (s->fd);
                s->fd = -1;
        }
}

static void
record_latency (Loadgen *lg,
                uint64_t ns)
{
        uint64_t fine = ns / FINE_NS;

        if (fine < FINE_BUCKETS) {
                lg->fine[fine]++;
        } else {
                uint64_t coarse = ns / COARSE_NS;

                lg->coarse[coarse < COARSE_BUCKETS ? coarse : COARSE_BUCKETS - 1]++;
        }
}

static double
percentile_us (const Loadgen *lg,
               double         fraction)
{
        uint64_t rank = (uint64_t) (fraction * (double) lg->completed);
        uint64_t seen = 0;

        if (lg->completed == 0)
                return 0.0;
        for (uint64_t i = 0; i < FINE_BUCKETS; i++) {
                seen += lg->fine[i];
                if (seen > rank)
                        return (double) (i * FINE_NS + FINE_NS / 2) / 1000.0;
        }
        for (uint64_t i = 0; i < COARSE_BUCKETS; i++) {
                seen += lg->coarse[i];
                if (seen > rank)
                        return (double) (i * COARSE_NS + COARSE_NS / 2) / 1000.0;
        }
        return (double) COARSE_BUCKETS * COARSE_NS / 1000.0;
}

static void
handle_answer (Loadgen       *lg,
               int            sock,
               const uint8_t *data,
               size_t         len,
               uint64_t       now)
{
        unsigned type, code, mid, tkl, index, generation;
        Slot *slot;

        if (len < 4 || (data[0] >> 6) != 1)
                return;
        type = (data[0] >> 4) & 3;
        tkl = data[0] & 0x0f;
        code = data[1];
        mid = (unsigned) data[2] << 8 | data[3];
        if (type == 2 && code == 0)
                return; /* empty ACK: a separate response follows */
        if (type == 3) {
                /* RST: no token, match by MID among this socket's slots */
                for (unsigned i = 0; i < lg->window; i++) {
                        slot = &lg->slots[i];
                        if (slot->busy && slot->sock == sock && slot->mid == mid) {
                                lg->errors++;
                                release_slot (lg, slot);
                                return;
                        }
                }
                return;
        }
        if (tkl != TOKEN_LEN || len < 4 + TOKEN_LEN)
                return;
        index = (unsigned) data[4] << 8 | data[5];
        generation = (unsigned) data[6] << 8 | data[7];
        if (index >= lg->window)
                return;
        slot = &lg->slots[index];
        if (!slot->busy || slot->sock != sock || slot->generation != generation)
                return;
        if (type == 2 && slot->mid != mid)
                return;
        if (type == 0) {
                /* a separate CON response wants an empty ACK */
                uint8_t ack[4] = { 0x60, 0x00, data[2], data[3] };

                (void) send (lg->socks[sock].fd, ack, sizeof ack, 0);
        }
        if ((code >> 5) != 2)
                lg->errors++;
        lg->completed++;
        record_latency (lg, now - slot->sent_ns);
        release_slot (lg, slot);
}

static int
receive_batch (Loadgen *lg,
               int      sock)
{
        static uint8_t buffers[BATCH][DGRAM_MAX];
        struct mmsghdr msgs[BATCH];
        struct iovec iovs[BATCH];
        uint64_t now;
        int n;

        for (int i = 0; i < BATCH; i++) {
                iovs[i].iov_base = buffers[i];
                iovs[i].iov_len = DGRAM_MAX;
                memset (&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
                msgs[i].msg_hdr.msg_iov = &iovs[i];
                msgs[i].msg_hdr.msg_iovlen = 1;
        }
        n = recvmmsg (lg->socks[sock].fd, msgs, BATCH, MSG_DONTWAIT, NULL);
        if (n < 0)
                return 0; /* EAGAIN, or ECONNREFUSED from an ICMP error */
        now = now_ns ();
        for (int i = 0; i < n; i++)
                handle_answer (lg, sock, buffers[i], msgs[i].msg_len, now);
        return n;
}

static void
expire (Loadgen *lg,
        uint64_t now)
{
        uint64_t timeout = (uint64_t) lg->timeout_ms * 1000000u;

        for (unsigned i = 0; i < lg->window; i++) {
                Slot *slot = &lg->slots[i];

                if (slot->busy && now - slot->sent_ns >= timeout) {
                        lg->lost++;
                        release_slot (lg, slot);
                }
        }
}

/* Sends a request from every free slot, in one sendmmsg per socket. */
static int
fill_window (Loadgen *lg)
{
        static uint8_t buffers[MAX_WINDOW][DGRAM_MAX];
        static struct mmsghdr msgs[MAX_WINDOW];
        static struct iovec iovs[MAX_WINDOW];
        unsigned count = 0;
        uint64_t now = now_ns ();
        Sock *s = &lg->socks[lg->current];

        for (unsigned i = 0; i < lg->window; i++) {
                Slot *slot = &lg->slots[i];
                uint8_t *buf = buffers[count];

                if (slot->busy)
                        continue;
                if (s->sent >= 0x10000u - MAX_WINDOW) {
                        if (count > 0 && sendmmsg (s->fd, msgs, count, 0) < 0 && errno != EAGAIN)
                                perror ("coap-loadgen: sendmmsg");
                        count = 0;
                        buf = buffers[0];
                        if (s->outstanding == 0) {
                                close (s->fd);
                                s->fd = -1;
                        }
                        if (rotate_socket (lg) < 0)
                                return -1;
                        s = &lg->socks[lg->current];
                }
                memcpy (buf, lg->request, lg->request_len);
                slot->mid = (uint16_t) s->next_mid++;
                buf[2] = (uint8_t) (slot->mid >> 8);
                buf[3] = (uint8_t) slot->mid;
                buf[4] = (uint8_t) (i >> 8);
                buf[5] = (uint8_t) i;
                buf[6] = (uint8_t) (slot->generation >> 8);
                buf[7] = (uint8_t) slot->generation;
                slot->busy = 1;
                slot->sock = lg->current;
                slot->sent_ns = now;
                s->sent++;
                s->outstanding++;
                iovs[count].iov_base = buf;
                iovs[count].iov_len = lg->request_len;
                memset (&msgs[count].msg_hdr, 0, sizeof msgs[count].msg_hdr);
                msgs[count].msg_hdr.msg_iov = &iovs[count];
                msgs[count].msg_hdr.msg_iovlen = 1;
                count++;
        }
        /* A datagram the kernel refuses stays outstanding and times out. */
        if (count > 0 && sendmmsg (s->fd, msgs, count, 0) < 0 && errno != EAGAIN &&
            errno != ECONNREFUSED)
                perror ("coap-loadgen: sendmmsg");
        return 0;
}

static int
read_cpu_ticks (long                pid,
                unsigned long long *ticks)
{
        char path[64], buf[1024];
        unsigned long long utime, stime;
        const char *p;
        FILE *f;
        size_t n;

        snprintf (path, sizeof path, "/proc/%ld/stat", pid);
        f = fopen (path, "r");
        if (f == NULL)
                return -1;
        n = fread (buf, 1, sizeof buf - 1, f);
        fclose (f);
        buf[n] = '\0';
        p = strrchr (buf, ')');
        /* after ")": state ppid pgrp session tty tpgid flags minflt cminflt
         * majflt cmajflt utime stime */
        if (p == NULL || sscanf (p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
                                 &utime, &stime) != 2)
                return -1;
        *ticks = utime + stime;
        return 0;
}

static uint64_t
own_cpu_ns (void)
{
        struct timespec ts;

        clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
        return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static void
reset_counters (Loadgen *lg)
{
        lg->completed = 0;
        lg->lost = 0;
        lg->errors = 0;
        memset (lg->fine, 0, FINE_BUCKETS * sizeof *lg->fine);
        memset (lg->coarse, 0, COARSE_BUCKETS * sizeof *lg->coarse);
}

static int
poll_timeout_ms (const Loadgen *lg,
                 uint64_t       now,
                 uint64_t       phase_end)
{
        uint64_t timeout = (uint64_t) lg->timeout_ms * 1000000u;
        uint64_t deadline = phase_end;

        for (unsigned i = 0; i < lg->window; i++) {
                const Slot *slot = &lg->slots[i];

                if (slot->busy && slot->sent_ns + timeout < deadline)
                        deadline = slot->sent_ns + timeout;
        }
        if (deadline <= now)
                return 0;
        return (int) ((deadline - now + 999999) / 1000000);
}

/* Runs until phase_end; returns -1 on a socket error. */
static int
run_phase (Loadgen *lg,
           uint64_t phase_end)
{
        for (;;) {
                struct pollfd fds[MAX_SOCKETS];
                int map[MAX_SOCKETS];
                int nfds = 0;
                uint64_t now;

                if (fill_window (lg) < 0)
                        return -1;
                now = now_ns ();
                if (now >= phase_end)
                        return 0;
                for (int i = 0; i < MAX_SOCKETS; i++) {
                        if (lg->socks[i].fd < 0)
                                continue;
                        fds[nfds].fd = lg->socks[i].fd;
                        fds[nfds].events = POLLIN;
                        map[nfds++] = i;
                }
                if (poll (fds, (nfds_t) nfds, poll_timeout_ms (lg, now, phase_end)) < 0 &&
                    errno != EINTR) {
                        perror ("coap-loadgen: poll");
                        return -1;
                }
                for (int i = 0; i < nfds; i++) {
                        if (fds[i].revents == 0)
                                continue;
                        while (lg->socks[map[i]].fd >= 0 && receive_batch (lg, map[i]) == BATCH)
                                ;
                }
                expire (lg, now_ns ());
        }
}

static int
parse_args (Loadgen *lg,
            int      argc,
            char    *argv[])
{
        static const struct option longopts[] = {
                { "host", required_argument, NULL, 'h' },
                { "port", required_argument, NULL, 'p' },
                { "window", required_argument, NULL, 'w' },
                { "non", no_argument, NULL, 'n' },
                { "path", required_argument, NULL, 'P' },
                { "warmup", required_argument, NULL, 'W' },
                { "duration", required_argument, NULL, 'd' },
                { "timeout-ms", required_argument, NULL, 't' },
                { "server-pid", required_argument, NULL, 's' },
                { "help", no_argument, NULL, '?' },
                { NULL, 0, NULL, 0 }
        };
        const char *host = "::1";
        long port = -1;
        int c;

        lg->window = 64;
        lg->warmup = 1.0;
        lg->duration = 5.0;
        lg->timeout_ms = 1000;
        snprintf (lg->path, sizeof lg->path, "hello");
        while ((c = getopt_long (argc, argv, "h:p:w:nP:W:d:t:s:", longopts, NULL)) != -1) {
                switch (c) {
                case 'h': host = optarg; break;
                case 'p': port = strtol (optarg, NULL, 10); break;
                case 'w': lg->window = (unsigned) strtoul (optarg, NULL, 10); break;
                case 'n': lg->non = 1; break;
                case 'P': snprintf (lg->path, sizeof lg->path, "%s", optarg); break;
                case 'W': lg->warmup = strtod (optarg, NULL); break;
                case 'd': lg->duration = strtod (optarg, NULL); break;
                case 't': lg->timeout_ms = (unsigned) strtoul (optarg, NULL, 10); break;
                case 's': lg->server_pid = strtol (optarg, NULL, 10); break;
                default: usage (); return -1;
                }
        }
        if (optind != argc || port <= 0 || port > 65535 || lg->window < 1 ||
            lg->window > MAX_WINDOW || lg->duration <= 0 || lg->warmup < 0 || lg->timeout_ms < 1) {
                usage ();
                return -1;
        }
        return parse_target (lg, host, port);
}

int
main (int   argc,
      char *argv[])
{
        static Loadgen lg;
        unsigned long long ticks_before = 0, ticks_after = 0;
        uint64_t start, end, cpu_before, cpu_after;
        double seconds;
        int have_server_cpu;

        if (parse_args (&lg, argc, argv) < 0 || build_template (&lg) < 0)
                return 2;
        srandom ((unsigned) now_ns () ^ (unsigned) getpid ());
        lg.slots = calloc (lg.window, sizeof *lg.slots);
        lg.fine = calloc (FINE_BUCKETS, sizeof *lg.fine);
        lg.coarse = calloc (COARSE_BUCKETS, sizeof *lg.coarse);
        if (lg.slots == NULL || lg.fine == NULL || lg.coarse == NULL)
                return 2;
        for (int i = 0; i < MAX_SOCKETS; i++)
                lg.socks[i].fd = -1;
        if (open_socket (&lg, 0) < 0)
                return 2;

        start = now_ns ();
        if (run_phase (&lg, start + (uint64_t) (lg.warmup * 1e9)) < 0)
                return 2;
        reset_counters (&lg);
        have_server_cpu = lg.server_pid > 0 && read_cpu_ticks (lg.server_pid, &ticks_before) == 0;
        cpu_before = own_cpu_ns ();
        start = now_ns ();
        if (run_phase (&lg, start + (uint64_t) (lg.duration * 1e9)) < 0)
                return 2;
        end = now_ns ();
        cpu_after = own_cpu_ns ();
        if (have_server_cpu && read_cpu_ticks (lg.server_pid, &ticks_after) < 0)
                have_server_cpu = 0;

        seconds = (double) (end - start) / 1e9;
        printf ("req/s=%.0f completed=%llu lost=%llu errors=%llu p50_us=%.1f p99_us=%.1f "
                "sockets=%u client_cpu_us_per_req=%.2f",
                (double) lg.completed / seconds, (unsigned long long) lg.completed,
                (unsigned long long) lg.lost, (unsigned long long) lg.errors,
                percentile_us (&lg, 0.50), percentile_us (&lg, 0.99), lg.sockets_opened,
                lg.completed > 0 ? (double) (cpu_after - cpu_before) / 1000.0 / (double) lg.completed : 0.0);
        if (have_server_cpu)
                printf (" server_cpu_us_per_req=%.2f",
                        lg.completed > 0 ? (double) (ticks_after - ticks_before) * 1e6 /
                                                   (double) sysconf (_SC_CLK_TCK) / (double) lg.completed
                                         : 0.0);
        printf ("\n");
        return lg.completed > 0 ? 0 : 1;
}
