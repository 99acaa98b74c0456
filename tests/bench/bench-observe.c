/* bench-observe.c: notifications per second from one observable resource
 * to N observers over ::1, and the server's heap per observer
 *
 * The observers are raw UDP sockets in this process (a registration each,
 * 50 observers per socket), so the heap growth while they register is the
 * server's alone, and coap_udp6_resource_changed() — which renders and
 * sends every notification before it returns — is timed alone.
 *
 * Usage: bench-observe [OBSERVERS [ROUNDS]]   (default 1000 and 20)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <coap-udp6/coap-udp6.h>

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OBSERVERS_PER_SOCKET 50

#define BENCH_TYPE_SENSOR (bench_sensor_get_type ())
G_DECLARE_FINAL_TYPE (BenchSensor, bench_sensor, BENCH, SENSOR, CoapUdp6Resource)

struct _BenchSensor {
        CoapUdp6Resource parent_instance;
        guint value;
};

G_DEFINE_FINAL_TYPE (BenchSensor, bench_sensor, COAP_UDP6_TYPE_RESOURCE)

static void
bench_sensor_render (CoapUdp6Resource *resource,
                     CoapUdp6Request  *request)
{
        char text[32];
        g_autoptr (GBytes) payload = NULL;

        g_snprintf (text, sizeof text, "%u", BENCH_SENSOR (resource)->value);
        payload = g_bytes_new (text, strlen (text));
        coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CONTENT, payload, 0);
}

static void
bench_sensor_class_init (BenchSensorClass *klass)
{
        COAP_UDP6_RESOURCE_CLASS (klass)->render = bench_sensor_render;
}

static void
bench_sensor_init (BenchSensor *self)
{
        coap_udp6_resource_set_observable (COAP_UDP6_RESOURCE (self), TRUE);
}

/* Reads what is queued on @sockets; returns the datagrams read. */
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

/* Iterates @context and drains until @want datagrams arrived or 2 s of
 * silence. */
static guint
collect (GMainContext *context,
         GPtrArray    *sockets,
         guint         want)
{
        guint got = 0;
        gint64 quiet_since = g_get_monotonic_time ();

        while (got < want && g_get_monotonic_time () - quiet_since < 2 * G_USEC_PER_SEC) {
                guint n;

                while (g_main_context_iteration (context, FALSE))
                        ;
                n = drain (sockets);
                got += n;
                if (n > 0)
                        quiet_since = g_get_monotonic_time ();
                else
                        g_usleep (200);
        }
        return got;
}

int
main (int   argc,
      char *argv[])
{
        guint observers = argc > 1 ? (guint) atoi (argv[1]) : 1000;
        guint rounds = argc > 2 ? (guint) atoi (argv[2]) : 20;
        const char *binds[] = { "[::1]:0", NULL };
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Context) server = NULL;
        g_autoptr (BenchSensor) sensor = NULL;
        g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
        g_autoptr (GSocketAddress) to = NULL;
        g_autoptr (GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
        GMainContext *context = g_main_context_default ();
        struct mallinfo2 before, after;
        gint64 spent = 0;
        guint received = 0, registered;

        server = coap_udp6_context_new_server (binds, NULL, &error);
        if (server == NULL) {
                fprintf (stderr, "bench-observe: %s\n", error->message);
                return 1;
        }
        /* All NON: the raw observers never acknowledge. */
        g_object_set (server, "max-observers", observers, "max-observers-per-resource", observers,
                      "max-non-notifications", G_MAXUINT, "max-dedup-entries", 2 * observers,
                      "max-dedup-entries-per-remote", observers, NULL);
        sensor = g_object_new (BENCH_TYPE_SENSOR, NULL);
        coap_udp6_context_add_resource (server, "sensor", COAP_UDP6_RESOURCE (sensor));
        to = g_inet_socket_address_new (lo, coap_udp6_context_get_local_port (server));

        for (guint i = 0; i < (observers + OBSERVERS_PER_SOCKET - 1) / OBSERVERS_PER_SOCKET; i++) {
                GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_DATAGRAM,
                                                G_SOCKET_PROTOCOL_UDP, &error);
                g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);

                if (socket == NULL || !g_socket_bind (socket, any, FALSE, &error)) {
                        fprintf (stderr, "bench-observe: %s\n", error->message);
                        return 1;
                }
                g_socket_set_blocking (socket, FALSE);
                g_ptr_array_add (sockets, socket);
        }

        malloc_trim (0);
        before = mallinfo2 ();
        for (guint i = 0; i < observers; i++) {
                guint batch = i % OBSERVERS_PER_SOCKET + 1;

                /* CON GET, MID i, 4-byte token i, Observe 0, Uri-Path "sensor" */
                guint8 request[] = { 0x44, 0x01, i >> 8, i, i >> 24, i >> 16, i >> 8, i,
                                     0x60, 0x56, 's', 'e', 'n', 's', 'o', 'r' };

                g_socket_send_to (g_ptr_array_index (sockets, i / OBSERVERS_PER_SOCKET), to,
                                  (const gchar *) request, sizeof request, NULL, NULL);
                /* A batch at a time, so the server's socket never overflows. */
                if (batch == OBSERVERS_PER_SOCKET || i == observers - 1)
                        collect (context, sockets, batch);
        }
        registered = (guint) coap_udp6_context_get_statistic (server, COAP_UDP6_STATISTIC_OBSERVERS);
        after = mallinfo2 ();

        for (guint r = 0; r < rounds; r++) {
                gint64 start = g_get_monotonic_time ();

                sensor->value++;
                coap_udp6_resource_changed (COAP_UDP6_RESOURCE (sensor));
                spent += g_get_monotonic_time () - start;
                received += collect (context, sockets, registered);
        }

        printf ("observers %u (registered %u), rounds %u\n", observers, registered, rounds);
        printf ("notifications per second: %.0f (changed() alone; %u of %u received)\n",
                spent > 0 ? (double) registered * rounds * G_USEC_PER_SEC / spent : 0.0,
                received, registered * rounds);
        printf ("server heap per observer: %.0f bytes (with the registration's deduplication entry)\n",
                registered > 0 ? (double) (after.uordblks - before.uordblks) / registered : 0.0);
        return registered == observers ? 0 : 1;
}
