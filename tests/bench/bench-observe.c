/* bench-observe.c: notifications per second from one observable resource
 * to N observers over ::1, and the server's heap per observer
 *
 * The observers are raw UDP sockets in this process (a registration each,
 * 50 observers per socket), so the heap growth while they register is the
 * server's alone, and coap_udp6_resource_changed() — which renders and
 * sends every notification before it returns — is timed alone.
 *
 * Usage: bench-observe [--libcoap PATH] [--socket-each] [OBSERVERS [ROUNDS]]
 * (default 1000 and 20)
 *
 * With --libcoap, PATH is bench-observe-libcoap, the same measurement with
 * libcoap's server, run after ours with the same arguments; both figures
 * and their ratio are printed. libcoap keeps one observer per endpoint and
 * resource, so then every observer has a socket of its own, here too;
 * --socket-each does that without running libcoap (for callgrind).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <coap-udp6/coap-udp6.h>

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OBSERVERS_PER_SOCKET 50

static guint observers_per_socket = OBSERVERS_PER_SOCKET;

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

/* This thread's CPU time, user and system, in microseconds. */
static gint64
cpu_now (void)
{
        struct timespec ts;

        clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
        return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* The number after @label in @text, or 0. */
static double
figure (const char *text,
        const char *label)
{
        const char *at = text != NULL ? strstr (text, label) : NULL;

        return at != NULL ? g_ascii_strtod (at + strlen (label), NULL) : 0.0;
}

/* Runs @path with the same arguments and prints its figures against ours. */
static gboolean
compare_with_libcoap (const char *path,
                      guint       observers,
                      guint       rounds,
                      double      rate,
                      double      cpu,
                      double      heap)
{
        g_autofree char *n = g_strdup_printf ("%u", observers);
        g_autofree char *r = g_strdup_printf ("%u", rounds);
        char *child[] = { (char *) path, n, r, NULL };
        g_autofree char *out = NULL;
        g_autoptr (GError) error = NULL;
        int status = 0;
        double their_rate, their_cpu, their_heap;

        if (!g_spawn_sync (NULL, child, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error)) {
                fprintf (stderr, "bench-observe: %s\n", error->message);
                return FALSE;
        }
        printf ("libcoap:\n%s", out);
        their_rate = figure (out, "notifications per second: ");
        their_cpu = figure (out, "CPU time per notification: ");
        their_heap = figure (out, "heap per observer: ");
        printf ("ratio coap-udp6/libcoap: notifications per second %.2f, CPU time per notification %.2f, "
                "heap per observer %.2f\n",
                their_rate > 0 ? rate / their_rate : 0.0, their_cpu > 0 ? cpu / their_cpu : 0.0,
                their_heap > 0 ? heap / their_heap : 0.0);
        return g_spawn_check_wait_status (status, NULL);
}

int
main (int   argc,
      char *argv[])
{
        const char *libcoap = NULL;
        guint observers;
        guint rounds;
        const char *binds[] = { "[::1]:0", NULL };
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Context) server = NULL;
        g_autoptr (BenchSensor) sensor = NULL;
        g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
        g_autoptr (GSocketAddress) to = NULL;
        g_autoptr (GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
        GMainContext *context = g_main_context_default ();
        struct mallinfo2 before, after;
        gint64 spent = 0, cpu_spent = 0;
        guint received = 0, registered;
        double rate, cpu, heap;

        while (argc > 1 && g_str_has_prefix (argv[1], "--")) {
                if (argc > 2 && strcmp (argv[1], "--libcoap") == 0) {
                        libcoap = argv[2];
                        observers_per_socket = 1;
                        argv += 2;
                        argc -= 2;
                } else if (strcmp (argv[1], "--socket-each") == 0) {
                        observers_per_socket = 1;
                        argv++;
                        argc--;
                } else {
                        fprintf (stderr, "bench-observe: unknown option %s\n", argv[1]);
                        return 2;
                }
        }
        observers = argc > 1 ? (guint) atoi (argv[1]) : 1000;
        rounds = argc > 2 ? (guint) atoi (argv[2]) : 20;

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

        for (guint i = 0; i < (observers + observers_per_socket - 1) / observers_per_socket; i++) {
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

                g_socket_send_to (g_ptr_array_index (sockets, i / observers_per_socket), to,
                                  (const gchar *) request, sizeof request, NULL, NULL);
                /* A batch at a time, so the server's socket never overflows. */
                if (batch == OBSERVERS_PER_SOCKET || i == observers - 1)
                        collect (context, sockets, batch);
        }
        registered = (guint) coap_udp6_context_get_statistic (server, COAP_UDP6_STATISTIC_OBSERVERS);
        after = mallinfo2 ();

        for (guint r = 0; r < rounds; r++) {
                gint64 start = g_get_monotonic_time ();
                gint64 cpu_start = cpu_now ();

                sensor->value++;
                coap_udp6_resource_changed (COAP_UDP6_RESOURCE (sensor));
                cpu_spent += cpu_now () - cpu_start;
                spent += g_get_monotonic_time () - start;
                received += collect (context, sockets, registered);
        }

        printf ("observers %u (registered %u), rounds %u\n", observers, registered, rounds);
        rate = spent > 0 ? (double) registered * rounds * G_USEC_PER_SEC / spent : 0.0;
        cpu = registered > 0 ? (double) cpu_spent / ((double) registered * rounds) : 0.0;
        heap = registered > 0 ? (double) (after.uordblks - before.uordblks) / registered : 0.0;
        printf ("notifications per second: %.0f (changed() alone; %u of %u received)\n",
                rate, received, registered * rounds);
        printf ("CPU time per notification: %.3f us (user and system, changed() alone)\n", cpu);
        printf ("server heap per observer: %.0f bytes (with the registration's deduplication entry)\n", heap);
        if (registered != observers)
                return 1;
        if (libcoap != NULL && !compare_with_libcoap (libcoap, observers, rounds, rate, cpu, heap))
                return 1;
        return 0;
}
