/* responder-args.h: the command line of the benchmark servers
 *
 *   NAME [--host ADDR] [--port PORT]
 *
 * Shared by stateless-responder.c and libcoap-server.c (plain C, libc
 * only), which compare.py starts alike.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses --host and --port into *host and *port (left alone when absent).
 * Returns 0, or prints the usage of @name and returns 2. */
static inline int
responder_parse_args (int          argc,
                      char        *argv[],
                      const char  *name,
                      const char **host,
                      long        *port)
{
        static const struct option longopts[] = {
                { "host", required_argument, NULL, 'h' },
                { "port", required_argument, NULL, 'p' },
                { "help", no_argument, NULL, '?' },
                { NULL, 0, NULL, 0 }
        };
        int c;

        while ((c = getopt_long (argc, argv, "h:p:", longopts, NULL)) != -1) {
                switch (c) {
                case 'h': *host = optarg; break;
                case 'p': *port = strtol (optarg, NULL, 10); break;
                default:
                        fprintf (stderr, "usage: %s [--host ADDR] [--port PORT]\n", name);
                        return 2;
                }
        }
        if (optind != argc || *port < 0 || *port > 65535) {
                fprintf (stderr, "usage: %s [--host ADDR] [--port PORT]\n", name);
                return 2;
        }
        return 0;
}

/* SIGTERM and SIGINT call @handler; no SA_RESTART, so a blocking call
 * returns EINTR and the server can stop. */
static inline void
responder_catch_signals (void (*handler) (int))
{
        struct sigaction sa;

        memset (&sa, 0, sizeof sa);
        sa.sa_handler = handler;
        sigaction (SIGTERM, &sa, NULL);
        sigaction (SIGINT, &sa, NULL);
}
