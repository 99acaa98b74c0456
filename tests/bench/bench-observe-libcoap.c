/* bench-observe-libcoap.c: bench-observe with a libcoap server
 *
 * The same measurement as bench-observe.c, with libcoap's server in this
 * process instead of ours: one observable resource /sensor (always NON, as
 * bench-observe sets max-non-notifications to its maximum), OBSERVERS raw
 * UDP observers over ::1, a socket each (libcoap keeps one observer per
 * endpoint and resource), registered 50 at a time; the
 * heap growth while they register is the server's; a round is
 * coap_resource_notify_observers() followed by the coap_io_process() that
 * renders and sends every notification, timed alone.
 *
 * Usage: bench-observe-libcoap [OBSERVERS [ROUNDS]]   (default 1000 and 20)
 * Prints the same lines as bench-observe; bench-observe --libcoap runs it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <coap3/coap.h>
#include <gio/gio.h>

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OBSERVERS_PER_SOCKET 1
#define BATCH 50

static guint value;

static void
sensor_get (coap_resource_t     *resource,
            coap_session_t      *session,
            const coap_pdu_t    *request,
            const coap_string_t *query,
            coap_pdu_t          *response)
{
        char text[32];
        uint8_t buf[4];
        int len = g_snprintf (text, sizeof text, "%u", value);

        coap_pdu_set_code (response, COAP_RESPONSE_CODE_CONTENT);
        coap_add_option (response, COAP_OPTION_CONTENT_FORMAT,
                         coap_encode_var_safe (buf, sizeof buf, COAP_MEDIATYPE_TEXT_PLAIN), buf);
        coap_add_data (response, (size_t) len, (const uint8_t *) text);
}

static guint
drain (GPtrArray *sockets)
{
        guint8 buf[1500];
        guint n = 0;

        for (guint i = 0; i < sockets->len; i++)
                while (g_socket_receive (g_ptr_array_index (sockets, i), (gchar *) buf, sizeof buf,
                                         NULL, NULL) > 0)
                        n++;
        return n;
}

/* Lets libcoap work and drains until @want datagrams arrived or 2 s of
 * silence. */
static guint
collect (coap_context_t *ctx,
         GPtrArray      *sockets,
         guint           want)
{
        guint got = 0;
        gint64 quiet_since = g_get_monotonic_time ();

        while (got < want && g_get_monotonic_time () - quiet_since < 2 * G_USEC_PER_SEC) {
                guint n;

                coap_io_process (ctx, COAP_IO_NO_WAIT);
                n = drain (sockets);
                got += n;
                if (n > 0)
                        quiet_since = g_get_monotonic_time ();
                else
                        g_usleep (200);
        }
        return got;
}

static gint64
cpu_now (void)
{
        struct timespec ts;

        clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
        return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

int
main (int   argc,
      char *argv[])
{
        guint observers = argc > 1 ? (guint) atoi (argv[1]) : 1000;
        guint rounds = argc > 2 ? (guint) atoi (argv[2]) : 20;
        g_autoptr (GError) error = NULL;
        g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
        g_autoptr (GSocketAddress) to = NULL;
        g_autoptr (GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
        coap_context_t *ctx;
        coap_endpoint_t *endpoint;
        coap_resource_t *sensor;
        coap_address_t addr;
        const char *text, *colon;
        struct mallinfo2 before, after;
        gint64 spent = 0, cpu_spent = 0;
        guint received = 0, registered = 0;

        coap_startup ();
        coap_set_log_level (LOG_WARNING);
        coap_address_init (&addr);
        addr.addr.sin6.sin6_family = AF_INET6;
        addr.addr.sin6.sin6_addr = in6addr_loopback;
        addr.size = sizeof addr.addr.sin6;
        ctx = coap_new_context (NULL);
        endpoint = ctx != NULL ? coap_new_endpoint (ctx, &addr, COAP_PROTO_UDP) : NULL;
        if (endpoint == NULL) {
                fprintf (stderr, "bench-observe-libcoap: cannot listen on ::1\n");
                return 1;
        }
        sensor = coap_resource_init (coap_make_str_const ("sensor"), COAP_RESOURCE_FLAGS_NOTIFY_NON_ALWAYS);
        coap_register_handler (sensor, COAP_REQUEST_GET, sensor_get);
        coap_resource_set_get_observable (sensor, 1);
        coap_add_resource (ctx, sensor);
        /* "[::1]:PORT UDP" */
        text = coap_endpoint_str (endpoint);
        colon = text != NULL ? strrchr (text, ':') : NULL;
        to = g_inet_socket_address_new (lo, colon != NULL ? (guint16) strtol (colon + 1, NULL, 10) : 0);

        for (guint i = 0; i < (observers + OBSERVERS_PER_SOCKET - 1) / OBSERVERS_PER_SOCKET; i++) {
                GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_DATAGRAM,
                                                G_SOCKET_PROTOCOL_UDP, &error);
                g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);

                if (socket == NULL || !g_socket_bind (socket, any, FALSE, &error)) {
                        fprintf (stderr, "bench-observe-libcoap: %s\n", error->message);
                        return 1;
                }
                g_socket_set_blocking (socket, FALSE);
                g_ptr_array_add (sockets, socket);
        }

        malloc_trim (0);
        before = mallinfo2 ();
        for (guint i = 0; i < observers; i++) {
                guint batch = i % BATCH + 1;
                /* The registration bench-observe sends. */
                guint8 request[] = { 0x44, 0x01, i >> 8, i, i >> 24, i >> 16, i >> 8, i,
                                     0x60, 0x56, 's', 'e', 'n', 's', 'o', 'r' };

                g_socket_send_to (g_ptr_array_index (sockets, i / OBSERVERS_PER_SOCKET), to,
                                  (const gchar *) request, sizeof request, NULL, NULL);
                if (batch == BATCH || i == observers - 1)
                        registered += collect (ctx, sockets, batch);
        }
        after = mallinfo2 ();

        for (guint r = 0; r < rounds; r++) {
                gint64 start = g_get_monotonic_time ();
                gint64 cpu_start = cpu_now ();

                value++;
                coap_resource_notify_observers (sensor, NULL);
                coap_io_process (ctx, COAP_IO_NO_WAIT);
                cpu_spent += cpu_now () - cpu_start;
                spent += g_get_monotonic_time () - start;
                received += collect (ctx, sockets, registered);
        }

        printf ("observers %u (registered %u), rounds %u\n", observers, registered, rounds);
        printf ("notifications per second: %.0f (notify and one coap_io_process alone; %u of %u received)\n",
                spent > 0 ? (double) registered * rounds * G_USEC_PER_SEC / spent : 0.0,
                received, registered * rounds);
        printf ("CPU time per notification: %.3f us (user and system, notify and coap_io_process alone)\n",
                registered > 0 ? (double) cpu_spent / ((double) registered * rounds) : 0.0);
        printf ("server heap per observer: %.0f bytes (with its session)\n",
                registered > 0 ? (double) (after.uordblks - before.uordblks) / registered : 0.0);
        coap_free_context (ctx);
        coap_cleanup ();
        return registered == observers ? 0 : 1;
}
