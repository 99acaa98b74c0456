/* fuzz-stateful.c: what the stateful fuzz targets share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "fuzz-stateful.h"

#include "coap-udp6-context-private.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

guint8
fuzz_take (FuzzInput *in)
{
        return in->pos < in->size ? in->data[in->pos++] : 0;
}

guint
fuzz_take16 (FuzzInput *in)
{
        guint hi = fuzz_take (in);

        return hi << 8 | fuzz_take (in);
}

GBytes *
fuzz_take_bytes (FuzzInput *in,
                 gsize      n)
{
        GBytes *bytes;

        n = MIN (n, in->size - in->pos);
        bytes = g_bytes_new (in->data + in->pos, n);
        in->pos += n;
        return bytes;
}

/* Logging: debug output is dropped; a critical aborts; a warning aborts
 * unless it is one of the context's rate-limited table-full warnings. */
static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags   level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
        const char *text = "";

        if (!(level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)))
                return G_LOG_WRITER_HANDLED;
        for (gsize i = 0; i < n_fields; i++)
                if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
                        text = fields[i].value;
        if ((level & G_LOG_LEVEL_WARNING) &&
            (strstr (text, "deduplication table is full") != NULL ||
             strstr (text, "Answering requests with 5.03") != NULL))
                return G_LOG_WRITER_HANDLED;
        /* Not g_log_writer_default(): for an error it raises SIGTRAP
         * itself, which can end the run before libFuzzer writes the input
         * out; abort() is what libFuzzer catches. */
        fprintf (stderr, "%s: %s\n", (level & G_LOG_LEVEL_ERROR) ? "ERROR" :
                 (level & G_LOG_LEVEL_CRITICAL) ? "CRITICAL" : "WARNING", text);
        abort ();
}

/* GLib 2.74 hands out GObjects and hash tables from slabs, where
 * LeakSanitizer sees no leak: start again with G_SLICE=always-malloc,
 * which must be set before GLib's constructors run. */
static void
ensure_plain_malloc (char **argv)
{
        if (g_strcmp0 (g_getenv ("G_SLICE"), "always-malloc") == 0)
                return;
        g_setenv ("G_SLICE", "always-malloc", TRUE);
        if (g_getenv ("G_DEBUG") == NULL)
                g_setenv ("G_DEBUG", "gc-friendly", TRUE);
        execv ("/proc/self/exe", argv);
        g_error ("cannot run again with G_SLICE=always-malloc: %s", g_strerror (errno));
}

/* Runs the process again under G_SLICE=always-malloc if it is not yet,
 * makes criticals and unexpected warnings fatal and returns the main
 * context the target iterates, pushed as the thread default. */
GMainContext *
fuzz_stateful_initialize (char **argv)
{
        GMainContext *main_context;

        ensure_plain_malloc (argv);
        g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL);
        g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
        main_context = g_main_context_new ();
        g_main_context_push_thread_default (main_context);
        return main_context;
}

/* A non-blocking UDP socket on [::1] and its port. */
int
fuzz_open_sink (guint16 *port)
{
        struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
        socklen_t len = sizeof sin6;
        int fd = socket (AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

        if (fd < 0 || bind (fd, (struct sockaddr *) &sin6, sizeof sin6) < 0 ||
            getsockname (fd, (struct sockaddr *) &sin6, &len) < 0)
                g_error ("cannot open a sink socket on [::1]: %s", g_strerror (errno));
        *port = ntohs (sin6.sin6_port);
        return fd;
}

/* Hands @datagram to the context as if its socket had read it from
 * @remote: decoded, or as unparsable. */
void
fuzz_feed (CoapUdp6Context         *ctx,
           CoapUdp6EndpointAddress *remote,
           GBytes                  *datagram)
{
        CoapUdp6MessageManager *manager = COAP_UDP6_MESSAGE_MANAGER (ctx);
        g_autoptr (CoapUdp6Message) message = NULL;
        g_autoptr (GError) error = NULL;

        message = coap_udp6_message_decode (datagram, remote, &error);
        if (message == NULL)
                coap_udp6_message_manager_dispatch_unparsable (manager, datagram, remote, error);
        else
                coap_udp6_message_manager_dispatch_message (manager, message);
}

void
fuzz_last_fed_set (FuzzLastFed *last,
                   GBytes      *datagram,
                   guint        remote)
{
        if (last->datagram != datagram) {
                g_clear_pointer (&last->datagram, g_bytes_unref);
                last->datagram = g_bytes_ref (datagram);
        }
        last->remote = remote;
}
