/* coap-flood.c: sends a flood of CoAP-ish datagrams from many source tuples
 *
 * A load generator for the flood test (tests/flood/flood.py). It does not
 * link the library: it builds datagrams by hand on plain UDP sockets, so a
 * bug in the codec cannot hide itself.
 *
 * Every "remote" is a distinct (source address, source port) pair. Ports
 * are 16-bit, so for an IPv4 target the sources walk 127.0.0.2, 127.0.0.3,
 * ... (all of 127.0.0.0/8 is on lo and bindable without setup) with
 * --port-range ports each; ::1 is a single address, so an IPv6 target is
 * limited to one address' worth of ports. --source-base moves the first
 * source address (the last 32 bits count up, for IPv6 too), e.g. into a
 * prefix routed "local" to lo in a network namespace (flood.py --netns).
 *
 * Remotes are handled in windows of --window sockets: every remote of the
 * window first sends one fresh datagram, then the window's share of the
 * count goes to random remotes of the window; the sockets are drained of the
 * server's replies and closed before the next window. The mix:
 *   - garbage (--garbage percent): lengths 0 to 3, wrong versions, reserved
 *     token lengths, broken option encodings (reserved nibble 15, truncated
 *     extended deltas and values, truncated option values), a payload marker
 *     without payload, unknown critical options, reserved code classes,
 *     random bytes (up to 1280 bytes, one in ten up to 9216);
 *   - duplicates (--duplicates percent): the exact bytes a remote sent last,
 *     from the same tuple;
 *   - the rest valid CON and NON requests: GET /hello, /time, /whoami,
 *     /.well-known/core, missing paths, POST /echo (payloads up to 200
 *     bytes, one in ten up to 4000), plus empty CON pings and unsolicited
 *     responses.
 *
 * Plain C on purpose (no GLib), so it runs anywhere the test runs.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Most datagrams stay under 1280 bytes; one in ten random ones goes up to
 * this, beyond any CoAP-over-UDP size but within the server's buffer. */
#define MAX_DATAGRAM 9216

typedef struct {
        int fd;
        size_t last_len;
        int has_last;
        unsigned char *last;
} Remote;

typedef struct {
        /* options */
        const char *target;
        unsigned port;
        unsigned long count;
        unsigned long remotes;
        unsigned garbage_pct;
        unsigned dup_pct;
        double rate;
        uint64_t seed;
        unsigned window;
        unsigned port_lo;
        unsigned port_hi;
        const char *source_base;
        unsigned echo_bytes;
        int quiet;
        /* state */
        int family;
        struct sockaddr_storage dest;
        socklen_t dest_len;
        struct in_addr base4;
        struct in6_addr base6;
        unsigned long cursor;
        uint64_t rng;
        struct timespec start;
        double tokens;
        double last_refill;
        size_t bufsize;
        unsigned char *scratch;
        /* figures */
        unsigned long sent;
        unsigned long send_errors;
        unsigned long n_garbage;
        unsigned long n_valid;
        unsigned long n_dup;
        unsigned long replies;
        unsigned long bind_retries;
        unsigned long used_remotes;
} Flood;

static uint64_t
rnd (Flood *f)
{
        /* xorshift64*: reproducible for a given --seed */
        f->rng ^= f->rng >> 12;
        f->rng ^= f->rng << 25;
        f->rng ^= f->rng >> 27;
        return f->rng * 2685821657736338717ULL;
}

static unsigned
rnd_below (Flood   *f,
           unsigned n)
{
        return n == 0 ? 0 : (unsigned) (rnd (f) % n);
}

static double
now_seconds (void)
{
        struct timespec ts;

        clock_gettime (CLOCK_MONOTONIC, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t
put_header (Flood         *f,
            unsigned char *buf,
            unsigned       type,
            unsigned       code,
            unsigned       tkl)
{
        unsigned mid = rnd_below (f, 65536);
        unsigned i;

        buf[0] = (unsigned char) (0x40 | (type << 4) | tkl);
        buf[1] = (unsigned char) code;
        buf[2] = (unsigned char) (mid >> 8);
        buf[3] = (unsigned char) mid;
        for (i = 0; i < tkl; i++)
                buf[4 + i] = (unsigned char) rnd (f);
        return 4 + tkl;
}

/* Encodes one option (RFC 7252 section 3.1), delta and length < 269. */
static size_t
put_option (unsigned char *buf,
            unsigned      *last,
            unsigned       number,
            const void    *value,
            size_t         len)
{
        unsigned delta = number - *last;
        size_t n = 1;

        buf[0] = 0;
        if (delta < 13) {
                buf[0] = (unsigned char) (delta << 4);
        } else {
                buf[0] = 13 << 4;
                buf[n++] = (unsigned char) (delta - 13);
        }
        if (len < 13) {
                buf[0] |= (unsigned char) len;
        } else {
                buf[0] |= 13;
                buf[n++] = (unsigned char) (len - 13);
        }
        memcpy (buf + n, value, len);
        *last = number;
        return n + len;
}

static size_t
put_path (unsigned char *buf,
          unsigned      *last,
          const char    *path)
{
        size_t n = 0;

        while (*path != '\0') {
                const char *slash = strchr (path, '/');
                size_t seg = slash != NULL ? (size_t) (slash - path) : strlen (path);

                n += put_option (buf + n, last, 11, path, seg);
                path += seg + (slash != NULL ? 1 : 0);
        }
        return n;
}

static size_t
make_echo (Flood         *f,
           unsigned char *buf,
           unsigned       type,
           unsigned       len)
{
        unsigned last = 0;
        size_t n;

        n = put_header (f, buf, type, 2, rnd_below (f, 9));
        n += put_path (buf + n, &last, "echo");
        buf[n++] = 0xff;
        memset (buf + n, 'a' + rnd_below (f, 26), len);
        return n + len;
}

static size_t
make_valid (Flood         *f,
            unsigned char *buf)
{
        static const char *const paths[] = {
                "hello", "time", "whoami", ".well-known/core", "missing",
                "hello/deeper/still", "echo",
        };
        unsigned kind = rnd_below (f, 20);
        unsigned type = rnd_below (f, 2); /* CON or NON */
        unsigned last = 0;
        size_t n;

        if (f->echo_bytes > 0) /* every request a CON POST /echo */
                return make_echo (f, buf, 0, f->echo_bytes);

        if (kind == 0) /* empty CON: a ping, answered with RST */
                return put_header (f, buf, 0, 0, 0);
        if (kind == 1) /* an unsolicited 2.05 (ACK or NON) */
                return put_header (f, buf, 1 + rnd_below (f, 2), 69, rnd_below (f, 9));
        if (kind == 2) /* POST /echo with a payload */
                return make_echo (f, buf, type,
                                  1 + rnd_below (f, rnd_below (f, 10) == 0 ? 4000 : 200));
        n = put_header (f, buf, type, 1, rnd_below (f, 9));
        if (kind == 3) { /* a missing path, different every time */
                char name[32];

                snprintf (name, sizeof name, "nothing/%u", rnd_below (f, 1000000));
                return n + put_path (buf + n, &last, name);
        }
        return n + put_path (buf + n, &last, paths[rnd_below (f, 7)]);
}

/* Requests with one fault: a payload marker without a payload, an unknown
 * critical option (4.02 for a CON), a reserved code class. */
static size_t
make_bad_request (Flood         *f,
                  unsigned char *buf,
                  unsigned       kind)
{
        unsigned char value = 1;
        unsigned last = 0;
        size_t n;

        n = put_header (f, buf, rnd_below (f, 2), 1, rnd_below (f, 9));
        n += put_path (buf + n, &last, "hello");
        switch (kind) {
        case 6:
                buf[n++] = 0xff;
                return n;
        case 7:
                return n + put_option (buf + n, &last, 25 + 2 * rnd_below (f, 100), &value, 1);
        default:
                buf[1] = (unsigned char) ((rnd_below (f, 2) ? 1 : 6 + rnd_below (f, 2)) << 5 |
                                          rnd_below (f, 32));
                return n;
        }
}

static size_t
make_garbage (Flood         *f,
              unsigned char *buf)
{
        unsigned kind = rnd_below (f, 10);
        unsigned last = 0;
        size_t i, n;

        switch (kind) {
        case 0: /* too short for a header */
                n = rnd_below (f, 4);
                for (i = 0; i < n; i++)
                        buf[i] = (unsigned char) rnd (f);
                return n;
        case 1: { /* version 0, 2 or 3 */
                static const unsigned versions[] = { 0, 2, 3 };

                n = make_valid (f, buf);
                buf[0] = (unsigned char) ((buf[0] & 0x3f) | versions[rnd_below (f, 3)] << 6);
                return n;
        }
        case 2: /* reserved token length 9 to 15 */
                n = put_header (f, buf, rnd_below (f, 4), 1, 0);
                buf[0] |= (unsigned char) (9 + rnd_below (f, 7));
                return n + put_path (buf + n, &last, "hello");
        case 3: /* option delta or length nibble 15 without the marker */
                n = put_header (f, buf, 0, 1, rnd_below (f, 9));
                buf[n++] = rnd_below (f, 2) ? 0xf1 : 0x1f;
                buf[n++] = (unsigned char) rnd (f);
                return n;
        case 4: /* truncated extended delta or length */
                n = put_header (f, buf, 0, 1, rnd_below (f, 9));
                buf[n++] = rnd_below (f, 2) ? 0xe0 : 0x0e;
                if (rnd_below (f, 2))
                        buf[n++] = (unsigned char) rnd (f);
                return n;
        case 5: /* option value longer than the datagram */
                n = put_header (f, buf, rnd_below (f, 2), 1, rnd_below (f, 9));
                buf[n++] = 0xbc; /* Uri-Path, 12 bytes ... */
                buf[n++] = 'h';
                return n;
        case 6:
        case 7:
        case 8:
                return make_bad_request (f, buf, kind);
        default: /* random bytes, random length */
                n = rnd_below (f, rnd_below (f, 10) == 0 ? MAX_DATAGRAM + 1 : 1281);
                for (i = 0; i < n; i++)
                        buf[i] = (unsigned char) rnd (f);
                return n;
        }
}

/* A token bucket holding at most 5 ms of datagrams: after a stall (opening
 * a window of sockets) the flood resumes at --rate, not in a catch-up burst. */
static void
pace (Flood *f)
{
        double now, burst;

        if (f->rate <= 0)
                return;
        now = now_seconds ();
        burst = f->rate * 0.005 > 1 ? f->rate * 0.005 : 1;
        f->tokens += (now - f->last_refill) * f->rate;
        if (f->tokens > burst)
                f->tokens = burst;
        f->last_refill = now;
        if (f->tokens < 1) {
                double wait = (1 - f->tokens) / f->rate;
                struct timespec ts;

                ts.tv_sec = (time_t) wait;
                ts.tv_nsec = (long) ((wait - ts.tv_sec) * 1e9);
                nanosleep (&ts, NULL);
                now = now_seconds ();
                f->tokens += (now - f->last_refill) * f->rate;
                f->last_refill = now;
        }
        f->tokens -= 1;
}

static void
send_one (Flood  *f,
          Remote *r,
          int     allow_dup)
{
        unsigned char *buf = f->scratch;
        const unsigned char *data = buf;
        size_t len;
        unsigned roll = rnd_below (f, 100);

        if (allow_dup && r->has_last && roll < f->dup_pct) {
                data = r->last;
                len = r->last_len;
                f->n_dup++;
        } else {
                if (rnd_below (f, 100) < f->garbage_pct) {
                        len = make_garbage (f, buf);
                        f->n_garbage++;
                } else {
                        len = make_valid (f, buf);
                        f->n_valid++;
                }
                memcpy (r->last, buf, len);
                r->last_len = len;
                r->has_last = 1;
        }
        pace (f);
        if (sendto (r->fd, data, len, 0, (struct sockaddr *) &f->dest, f->dest_len) < 0)
                f->send_errors++;
        else
                f->sent++;
}

/* Binds a fresh socket to the next free source tuple. */
static int
open_remote (Flood *f)
{
        unsigned nports = f->port_hi - f->port_lo + 1;
        unsigned tries;

        for (tries = 0; tries < 10000; tries++, f->cursor++) {
                struct sockaddr_storage ss;
                socklen_t len;
                unsigned port = f->port_lo + (unsigned) (f->cursor % nports);
                unsigned long host = f->cursor / nports;
                int fd;

                if (port == f->port)
                        continue;
                memset (&ss, 0, sizeof ss);
                if (f->family == AF_INET) {
                        struct sockaddr_in *sin = (struct sockaddr_in *) &ss;

                        sin->sin_family = AF_INET;
                        sin->sin_port = htons (port);
                        sin->sin_addr.s_addr = htonl (ntohl (f->base4.s_addr) + (uint32_t) host);
                        len = sizeof *sin;
                } else {
                        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &ss;
                        uint32_t low;

                        if (host > 0 && IN6_IS_ADDR_LOOPBACK (&f->base6))
                                return -2;
                        sin6->sin6_family = AF_INET6;
                        sin6->sin6_port = htons (port);
                        sin6->sin6_addr = f->base6;
                        /* the low 32 bits count up, as for IPv4 */
                        memcpy (&low, &sin6->sin6_addr.s6_addr[12], 4);
                        low = htonl (ntohl (low) + (uint32_t) host);
                        memcpy (&sin6->sin6_addr.s6_addr[12], &low, 4);
                        len = sizeof *sin6;
                }
                fd = socket (f->family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
                if (fd < 0)
                        return -1;
                if (bind (fd, (struct sockaddr *) &ss, len) == 0) {
                        f->cursor++;
                        f->used_remotes++;
                        return fd;
                }
                close (fd);
                if (errno != EADDRINUSE && errno != EACCES)
                        return -1;
                f->bind_retries++;
        }
        return -1;
}

static void
drain (Flood  *f,
       Remote *r)
{
        while (recv (r->fd, f->scratch, f->bufsize, MSG_DONTWAIT) >= 0)
                f->replies++;
}

static int
run_window (Flood        *f,
            Remote       *window,
            unsigned      size,
            unsigned long quota)
{
        unsigned i;
        unsigned long k;

        for (i = 0; i < size; i++) {
                window[i].fd = open_remote (f);
                window[i].has_last = 0;
                if (window[i].fd == -2) {
                        fprintf (stderr, "coap-flood: out of source tuples (::1 is a single address)\n");
                        return -1;
                }
                if (window[i].fd < 0) {
                        fprintf (stderr, "coap-flood: cannot bind a source: %s\n", strerror (errno));
                        return -1;
                }
        }
        for (k = 0; k < quota; k++) {
                /* every remote of the window speaks at least once */
                if (k < size)
                        send_one (f, &window[k], 0);
                else
                        send_one (f, &window[rnd_below (f, size)], 1);
                if ((k & 63) == 0)
                        drain (f, &window[rnd_below (f, size)]);
        }
        for (i = 0; i < size; i++) {
                drain (f, &window[i]);
                close (window[i].fd);
        }
        return 0;
}

static int
resolve (Flood *f)
{
        struct sockaddr_in *sin = (struct sockaddr_in *) &f->dest;
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &f->dest;

        memset (&f->dest, 0, sizeof f->dest);
        if (inet_pton (AF_INET, f->target, &sin->sin_addr) == 1) {
                f->family = AF_INET;
                sin->sin_family = AF_INET;
                sin->sin_port = htons (f->port);
                f->dest_len = sizeof *sin;
                if (inet_pton (AF_INET, f->source_base ? f->source_base : "127.0.0.2", &f->base4) != 1)
                        return -1;
        } else if (inet_pton (AF_INET6, f->target, &sin6->sin6_addr) == 1) {
                f->family = AF_INET6;
                sin6->sin6_family = AF_INET6;
                sin6->sin6_port = htons (f->port);
                f->dest_len = sizeof *sin6;
                if (inet_pton (AF_INET6, f->source_base ? f->source_base : "::1", &f->base6) != 1)
                        return -1;
        } else {
                return -1;
        }
        return 0;
}

/* The window and one arena: the scratch buffer, then each remote's copy of
 * the last datagram it sent (for duplicates), all under 64 MiB. */
static int
setup_buffers (Flood          *f,
               Remote        **window,
               unsigned char **arena)
{
        unsigned i;

        f->bufsize = f->echo_bytes + 64 > MAX_DATAGRAM ? f->echo_bytes + 64 : MAX_DATAGRAM;
        if ((size_t) f->window * f->bufsize > (size_t) 64 << 20)
                f->window = (unsigned) (((size_t) 64 << 20) / f->bufsize);
        *window = calloc (f->window, sizeof **window);
        *arena = malloc (((size_t) f->window + 1) * f->bufsize);
        if (*window == NULL || *arena == NULL)
                return -1;
        f->scratch = *arena;
        for (i = 0; i < f->window; i++)
                (*window)[i].last = *arena + ((size_t) i + 1) * f->bufsize;
        return 0;
}

static void
usage (FILE *out)
{
        fprintf (out,
                 "Usage: coap-flood [OPTION...] -p PORT\n"
                 "Send a flood of CoAP datagrams (garbage, requests, duplicates)\n"
                 "from many source tuples to a CoAP server on loopback.\n\n"
                 "  -t, --target=ADDR        IPv4 or IPv6 literal (default 127.0.0.1)\n"
                 "  -p, --port=PORT          target UDP port (required)\n"
                 "  -n, --count=N            datagrams to send (default 1000000)\n"
                 "  -r, --remotes=N          distinct source tuples (default 100000)\n"
                 "  -g, --garbage=PCT        percent of fresh datagrams that are garbage (default 40)\n"
                 "  -d, --duplicates=PCT     percent of datagrams that repeat a remote's last one (default 20)\n"
                 "  -R, --rate=PPS           datagrams per second, 0 = as fast as possible (default 0)\n"
                 "  -s, --seed=N             random seed (default 1)\n"
                 "  -w, --window=N           remotes with an open socket at a time (default 1000)\n"
                 "  -P, --port-range=LO-HI   source ports (default 1024-32767, below the ephemeral range)\n"
                 "  -S, --source-base=ADDR   first source address (default 127.0.0.2, or ::1)\n"
                 "  -E, --echo-bytes=N       every valid request a CON POST /echo with N bytes\n"
                 "                           (large responses for the server to cache; up to 65000)\n"
                 "  -q, --quiet              print only the summary line\n"
                 "  -h, --help               this text\n");
}

static int
parse_args (Flood *f,
            int    argc,
            char **argv)
{
        static const struct option longopts[] = {
                { "target", required_argument, NULL, 't' },
                { "port", required_argument, NULL, 'p' },
                { "count", required_argument, NULL, 'n' },
                { "remotes", required_argument, NULL, 'r' },
                { "garbage", required_argument, NULL, 'g' },
                { "duplicates", required_argument, NULL, 'd' },
                { "rate", required_argument, NULL, 'R' },
                { "seed", required_argument, NULL, 's' },
                { "window", required_argument, NULL, 'w' },
                { "port-range", required_argument, NULL, 'P' },
                { "source-base", required_argument, NULL, 'S' },
                { "echo-bytes", required_argument, NULL, 'E' },
                { "quiet", no_argument, NULL, 'q' },
                { "help", no_argument, NULL, 'h' },
                { NULL, 0, NULL, 0 },
        };
        int c;

        while ((c = getopt_long (argc, argv, "t:p:n:r:g:d:R:s:w:P:S:E:qh", longopts, NULL)) != -1) {
                switch (c) {
                case 't': f->target = optarg; break;
                case 'p': f->port = (unsigned) strtoul (optarg, NULL, 10); break;
                case 'n': f->count = strtoul (optarg, NULL, 10); break;
                case 'r': f->remotes = strtoul (optarg, NULL, 10); break;
                case 'g': f->garbage_pct = (unsigned) strtoul (optarg, NULL, 10); break;
                case 'd': f->dup_pct = (unsigned) strtoul (optarg, NULL, 10); break;
                case 'R': f->rate = strtod (optarg, NULL); break;
                case 's': f->seed = strtoull (optarg, NULL, 10); break;
                case 'w': f->window = (unsigned) strtoul (optarg, NULL, 10); break;
                case 'P':
                        if (sscanf (optarg, "%u-%u", &f->port_lo, &f->port_hi) != 2)
                                return -1;
                        break;
                case 'S': f->source_base = optarg; break;
                case 'E': f->echo_bytes = (unsigned) strtoul (optarg, NULL, 10); break;
                case 'q': f->quiet = 1; break;
                case 'h': usage (stdout); exit (0);
                default: return -1;
                }
        }
        if (optind != argc || f->port == 0 || f->port > 65535 || f->remotes == 0 ||
            f->window == 0 || f->garbage_pct > 100 || f->dup_pct > 100 ||
            f->port_lo == 0 || f->port_hi > 65535 || f->port_lo > f->port_hi ||
            f->echo_bytes > 65000)
                return -1;
        return 0;
}

int
main (int    argc,
      char **argv)
{
        Flood f = {
                .target = "127.0.0.1", .count = 1000000, .remotes = 100000,
                .garbage_pct = 40, .dup_pct = 20, .seed = 1, .window = 1000,
                .port_lo = 1024, .port_hi = 32767,
        };
        Remote *window = NULL;
        unsigned char *arena = NULL;
        unsigned long done = 0, r;
        int status = 0;
        double elapsed;

        if (parse_args (&f, argc, argv) < 0) {
                usage (stderr);
                return 2;
        }
        if (resolve (&f) < 0) {
                fprintf (stderr, "coap-flood: not an address literal: %s\n", f.target);
                return 2;
        }
        if (f.remotes > f.count)
                f.remotes = f.count;
        f.rng = f.seed * 0x9E3779B97F4A7C15ULL + 1;
        if (setup_buffers (&f, &window, &arena) < 0) {
                fprintf (stderr, "coap-flood: out of memory\n");
                return 2;
        }
        clock_gettime (CLOCK_MONOTONIC, &f.start);
        f.last_refill = now_seconds ();
        for (r = 0; r < f.remotes; r += f.window) {
                unsigned long end = r + f.window < f.remotes ? r + f.window : f.remotes;
                /* the window's share of the count, so the total is exact */
                unsigned long target = (unsigned long) ((double) f.count * end / f.remotes);

                if (run_window (&f, window, (unsigned) (end - r), target - done) < 0) {
                        status = 1;
                        break;
                }
                done = target;
                if (!f.quiet && (r / f.window) % 20 == 19)
                        fprintf (stderr, "coap-flood: %lu sent, %lu remotes\n", f.sent, f.used_remotes);
        }
        free (window);
        free (arena);
        elapsed = now_seconds () - (f.start.tv_sec + f.start.tv_nsec / 1e9);
        printf ("sent %lu datagrams (garbage %lu, valid %lu, duplicates %lu) from %lu remotes "
                "in %.2f s (%.0f/s); send errors %lu, replies received %lu, busy tuples skipped %lu\n",
                f.sent, f.n_garbage, f.n_valid, f.n_dup, f.used_remotes, elapsed,
                elapsed > 0 ? f.sent / elapsed : 0.0, f.send_errors, f.replies, f.bind_retries);
        if (status == 0 && f.send_errors > 0 && f.sent == 0)
                status = 1;
        return status;
}
