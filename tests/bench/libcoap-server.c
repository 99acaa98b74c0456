/* libcoap-server.c: a minimal libcoap server, the comparison point
 *
 *   libcoap-server [--host ::1] [--port 5683]
 *
 * One resource, /hello: GET answers 2.05 Content, Content-Format text/plain,
 * "Hello, world!" (what coap-udp6-server answers). libcoap's defaults for
 * everything else (sessions, duplicate detection), so the figures are those
 * of a plain libcoap application. With --port 0 it prints "port=N" on stdout
 * once bound. SIGTERM and SIGINT end it with exit status 0.
 *
 * Built only when Debian's libcoap3-dev (pkg-config libcoap-3-notls) is
 * installed; tests/bench/compare.py falls back to coap-server-notls.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <coap3/coap.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "responder-args.h"

static const char payload[] = "Hello, world!";
static volatile sig_atomic_t stop;

static void
on_signal (int signum)
{
        stop = 1;
}

static void
hello_get (coap_resource_t     *resource,
           coap_session_t      *session,
           const coap_pdu_t    *request,
           const coap_string_t *query,
           coap_pdu_t          *response)
{
        uint8_t buf[4];

        coap_pdu_set_code (response, COAP_RESPONSE_CODE_CONTENT);
        coap_add_option (response, COAP_OPTION_CONTENT_FORMAT,
                         coap_encode_var_safe (buf, sizeof buf, COAP_MEDIATYPE_TEXT_PLAIN), buf);
        coap_add_data (response, sizeof payload - 1, (const uint8_t *) payload);
}

static int
set_address (coap_address_t *addr,
             const char     *host,
             long            port)
{
        coap_address_init (addr);
        if (inet_pton (AF_INET6, host, &addr->addr.sin6.sin6_addr) == 1) {
                addr->addr.sin6.sin6_family = AF_INET6;
                addr->size = sizeof addr->addr.sin6;
        } else if (inet_pton (AF_INET, host, &addr->addr.sin.sin_addr) == 1) {
                addr->addr.sin.sin_family = AF_INET;
                addr->size = sizeof addr->addr.sin;
        } else {
                fprintf (stderr, "libcoap-server: %s is not an address literal\n", host);
                return -1;
        }
        coap_address_set_port (addr, (uint16_t) port);
        return 0;
}

int
main (int   argc,
      char *argv[])
{
        coap_context_t *ctx;
        coap_endpoint_t *endpoint;
        coap_resource_t *resource;
        coap_address_t addr;
        const char *host = "::1";
        long port = 5683;

        if (responder_parse_args (argc, argv, "libcoap-server", &host, &port) != 0)
                return 2;
        if (set_address (&addr, host, port) < 0) {
                fprintf (stderr, "usage: libcoap-server [--host ADDR] [--port PORT]\n");
                return 2;
        }
        responder_catch_signals (on_signal);

        coap_startup ();
        coap_set_log_level (LOG_WARNING);
        ctx = coap_new_context (NULL);
        endpoint = ctx != NULL ? coap_new_endpoint (ctx, &addr, COAP_PROTO_UDP) : NULL;
        if (endpoint == NULL) {
                fprintf (stderr, "libcoap-server: cannot listen on %s port %ld\n", host, port);
                return 2;
        }
        resource = coap_resource_init (coap_make_str_const ("hello"), 0);
        coap_register_handler (resource, COAP_REQUEST_GET, hello_get);
        coap_add_resource (ctx, resource);
        if (port == 0) {
                const char *text = coap_endpoint_str (endpoint);
                const char *colon = text != NULL ? strrchr (text, ':') : NULL;

                /* "[::1]:5683 UDP" */
                printf ("port=%ld\n", colon != NULL ? strtol (colon + 1, NULL, 10) : -1L);
                fflush (stdout);
        }
        while (!stop)
                coap_io_process (ctx, 1000);
        coap_free_context (ctx);
        coap_cleanup ();
        return 0;
}
