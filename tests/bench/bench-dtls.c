/* bench-dtls.c: coaps handshakes per second and requests per second on an
 * established session, over ::1, against our server and libcoap's
 * coap-server-gnutls in the same run (issue 17)
 *
 * Both servers run in processes of their own (ours is this program with
 * --serve); the client is ours for both. A handshake is a new client
 * context, a PSK handshake and one GET, then the context goes away
 * (close_notify). Requests are sequential GETs on one session.
 *
 *   bench-dtls [--duration SECONDS] [--servers coap-udp6,libcoap]
 *   bench-dtls --serve                        (our server; prints its port)
 *   bench-dtls --uri URI --requests N         (N GETs on one session, for
 *                                              callgrind on a server)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <coap-udp6/coap-udp6.h>

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define KEY "secretPSK"
#define START_DEADLINE_US (10 * G_USEC_PER_SEC)

/* The representation coap-server-gnutls serves at /, so that both servers
 * protect records of the same size (its response also carries a Max-Age
 * option: 4 bytes more, in the same ChaCha20 block). */
#define INDEX "This is a test server made with libcoap (see https://libcoap.net)\n" \
        "Copyright (C) 2010--2022 Olaf Bergmann <bergmann@tzi.org> and others\n\n"

/* The cheapest way to answer (coap_udp6_request_respond_payload() reuses
 * its message), as the other benchmarks' servers answer. */
static void
bench_get (CoapUdp6Resource *resource,
           CoapUdp6Request  *request,
           gpointer          user_data)
{
        coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CONTENT, user_data, -1);
}

static int
serve (void)
{
        const char *binds[] = { "coaps://[::1]:0", NULL };
        g_autoptr (CoapUdp6Credentials) credentials = coap_udp6_credentials_new ();
        g_autoptr (GBytes) key = g_bytes_new_static (KEY, strlen (KEY));
        g_autoptr (CoapUdp6Resource) resource = coap_udp6_resource_new ();
        g_autoptr (CoapUdp6Context) server = NULL;
        g_autoptr (GError) error = NULL;
        g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
        g_autoptr (GBytes) payload = g_bytes_new_static (INDEX, strlen (INDEX));

        coap_udp6_credentials_add_psk (credentials, "bench", key);
        server = g_initable_new (COAP_UDP6_TYPE_CONTEXT, NULL, &error, "binds", binds,
                                 "is-server", TRUE, "credentials", credentials, NULL);
        if (server == NULL) {
                g_printerr ("bench-dtls --serve: %s\n", error->message);
                return 2;
        }
        coap_udp6_resource_set_method_handler (resource, COAP_UDP6_CODE_GET, bench_get,
                                               payload, NULL);
        coap_udp6_context_add_resource (server, "bench", resource);
        g_print ("%u\n", coap_udp6_context_get_local_port (server));
        fflush (stdout);
        /* The parent ends us with SIGKILL when it is done. */
        g_main_loop_run (loop);
        return 0;
}

static CoapUdp6Context *
new_client (void)
{
        g_autoptr (CoapUdp6Credentials) credentials = coap_udp6_credentials_new ();
        g_autoptr (GBytes) key = g_bytes_new_static (KEY, strlen (KEY));
        g_autoptr (GError) error = NULL;
        CoapUdp6Context *client = coap_udp6_context_new_client (&error);

        if (client == NULL)
                g_error ("bench-dtls: %s", error->message);
        coap_udp6_credentials_set_psk (credentials, "bench", key);
        coap_udp6_context_set_credentials (client, credentials);
        g_object_set (client, "dtls-handshake-timeout", 2.0, NULL);
        return client;
}

typedef struct {
        gboolean done;
        gboolean ok;
} Result;

static void
request_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
        g_autoptr (CoapUdp6Message) response = NULL;
        Result *r = user_data;

        response = coap_udp6_context_request_finish (COAP_UDP6_CONTEXT (source), result, NULL);
        r->ok = response != NULL &&
                coap_udp6_message_get_code (response) == COAP_UDP6_CODE_CONTENT;
        r->done = TRUE;
}

static gboolean
get (CoapUdp6Context *client,
     const char      *uri)
{
        g_autoptr (CoapUdp6Message) message = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                     COAP_UDP6_CODE_GET);
        Result r = { FALSE, FALSE };

        if (!coap_udp6_message_set_request_uri (message, uri, NULL))
                g_error ("bench-dtls: bad URI %s", uri);
        coap_udp6_context_request_async (client, message, NULL, request_cb, &r);
        while (!r.done)
                g_main_context_iteration (NULL, TRUE);
        return r.ok;
}

/* Nanoseconds the server process has run on a CPU (the first field of
 * /proc/PID/schedstat, its main thread's), or -1: on a loaded machine
 * the server's CPU time per request says more than the rate. */
static gint64
server_cpu_ns (GSubprocess *server)
{
        const char *pid = g_subprocess_get_identifier (server);
        g_autofree char *path = pid != NULL ? g_strdup_printf ("/proc/%s/schedstat", pid) : NULL;
        g_autofree char *text = NULL;

        if (path == NULL || !g_file_get_contents (path, &text, NULL, NULL))
                return -1;
        return g_ascii_strtoll (text, NULL, 10);
}

static void
print_cpu (const char *name,
           const char *what,
           gint64      before,
           gint64      after,
           guint       count)
{
        if (before >= 0 && after >= 0 && count > 0)
                g_print ("%-10s server CPU us/%s %8.1f\n", name, what,
                         (after - before) / 1000.0 / count);
}

static void
measure (const char  *name,
         const char  *uri,
         double       duration,
         GSubprocess *server)
{
        g_autoptr (CoapUdp6Context) client = NULL;
        gint64 start, end, cpu;
        guint handshakes = 0, requests = 0;

        cpu = server_cpu_ns (server);
        start = g_get_monotonic_time ();
        end = start + (gint64) (duration * G_USEC_PER_SEC);
        while (g_get_monotonic_time () < end) {
                g_autoptr (CoapUdp6Context) one = new_client ();

                if (!get (one, uri))
                        g_error ("bench-dtls: %s: a handshake failed", name);
                handshakes++;
        }
        g_print ("%-10s handshakes/s %8.0f\n", name,
                 handshakes / ((g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC));
        print_cpu (name, "handshake", cpu, server_cpu_ns (server), handshakes);

        client = new_client ();
        if (!get (client, uri))
                g_error ("bench-dtls: %s: the first request failed", name);
        cpu = server_cpu_ns (server);
        start = g_get_monotonic_time ();
        end = start + (gint64) (duration * G_USEC_PER_SEC);
        while (g_get_monotonic_time () < end) {
                if (!get (client, uri))
                        g_error ("bench-dtls: %s: a request failed", name);
                requests++;
        }
        g_print ("%-10s requests/s   %8.0f\n", name,
                 requests / ((g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC));
        print_cpu (name, "request", cpu, server_cpu_ns (server), requests);
}

/* One handshake, then @count sequential GETs on the session: a fixed
 * amount of work, so that a server run under callgrind can be charged
 * per request (the difference between two counts). */
static int
fixed_requests (const char *uri,
                guint       count)
{
        g_autoptr (CoapUdp6Context) client = new_client ();

        if (!get (client, uri)) {
                g_printerr ("bench-dtls: %s does not answer\n", uri);
                return 1;
        }
        for (guint i = 0; i < count; i++)
                if (!get (client, uri)) {
                        g_printerr ("bench-dtls: request %u failed\n", i);
                        return 1;
                }
        return 0;
}

/* Waits until @uri answers (the server may still be starting). */
static gboolean
wait_ready (const char *uri)
{
        gint64 deadline = g_get_monotonic_time () + START_DEADLINE_US;

        while (g_get_monotonic_time () < deadline) {
                g_autoptr (CoapUdp6Context) client = new_client ();

                if (get (client, uri))
                        return TRUE;
                g_usleep (G_USEC_PER_SEC / 20);
        }
        return FALSE;
}

static void
bench_ours (const char *self,
            double      duration)
{
        g_autoptr (GError) error = NULL;
        g_autoptr (GSubprocess) server = NULL;
        g_autoptr (GDataInputStream) out = NULL;
        g_autofree char *line = NULL;
        g_autofree char *uri = NULL;

        server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, self, "--serve", NULL);
        if (server == NULL)
                g_error ("bench-dtls: %s", error->message);
        out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
        line = g_data_input_stream_read_line (out, NULL, NULL, &error);
        if (line == NULL)
                g_error ("bench-dtls: our server did not start");
        uri = g_strdup_printf ("coaps://[::1]:%s/bench", line);
        if (!wait_ready (uri))
                g_error ("bench-dtls: our server does not answer");
        measure ("coap-udp6", uri, duration, server);
        g_subprocess_force_exit (server);
        g_subprocess_wait (server, NULL, NULL);
}

/* Two consecutive free UDP ports on ::1: libcoap's coap and coaps ports
 * (it cannot print the ports it bound). */
static guint16
free_port_pair (void)
{
        for (guint attempt = 0; attempt < 100; attempt++) {
                struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
                socklen_t len = sizeof sin6;
                int a = socket (AF_INET6, SOCK_DGRAM, 0), b = socket (AF_INET6, SOCK_DGRAM, 0);
                guint16 port = 0;

                if (bind (a, (struct sockaddr *) &sin6, sizeof sin6) == 0 &&
                    getsockname (a, (struct sockaddr *) &sin6, &len) == 0) {
                        port = ntohs (sin6.sin6_port);
                        sin6.sin6_port = htons (port + 1);
                        if (port == G_MAXUINT16 || bind (b, (struct sockaddr *) &sin6, sizeof sin6) != 0)
                                port = 0;
                }
                close (a);
                close (b);
                if (port != 0)
                        return port;
        }
        g_error ("bench-dtls: no two consecutive free ports on ::1");
}

static void
bench_libcoap (double duration)
{
        g_autofree char *program = g_find_program_in_path ("coap-server-gnutls");
        g_autoptr (GError) error = NULL;
        g_autoptr (GSubprocess) server = NULL;
        g_autofree char *port_text = NULL;
        g_autofree char *uri = NULL;
        guint16 port;

        if (program == NULL) {
                g_print ("libcoap    skipped: coap-server-gnutls not found (Debian libcoap3-bin)\n");
                return;
        }
        port = free_port_pair ();
        port_text = g_strdup_printf ("%u", port);
        server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                   &error, program, "-A", "::1", "-p", port_text, "-k", KEY,
                                   "-v", "0", NULL);
        if (server == NULL)
                g_error ("bench-dtls: %s", error->message);
        uri = g_strdup_printf ("coaps://[::1]:%u/", port + 1);
        if (!wait_ready (uri))
                g_error ("bench-dtls: coap-server-gnutls does not answer");
        measure ("libcoap", uri, duration, server);
        g_subprocess_force_exit (server);
        g_subprocess_wait (server, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
        double duration = 3.0;
        g_autofree char *servers = g_strdup ("coap-udp6,libcoap");
        gboolean serve_mode = FALSE;
        g_autofree char *uri = NULL;
        int count = 1000;
        GOptionEntry entries[] = {
                { "duration", 0, 0, G_OPTION_ARG_DOUBLE, &duration, "Seconds per figure", "S" },
                { "servers", 0, 0, G_OPTION_ARG_STRING, &servers, "Which servers", "LIST" },
                { "serve", 0, 0, G_OPTION_ARG_NONE, &serve_mode, "Only serve (prints the port)", NULL },
                { "uri", 0, 0, G_OPTION_ARG_STRING, &uri, "Only send --requests GETs to URI", "URI" },
                { "requests", 0, 0, G_OPTION_ARG_INT, &count, "GETs on one session with --uri", "N" },
                { NULL }
        };
        g_autoptr (GOptionContext) options = g_option_context_new ("- coaps handshake and request rates");
        g_autoptr (GError) error = NULL;
        g_auto (GStrv) names = NULL;

        g_option_context_add_main_entries (options, entries, NULL);
        if (!g_option_context_parse (options, &argc, &argv, &error)) {
                g_printerr ("bench-dtls: %s\n", error->message);
                return 2;
        }
        if (serve_mode)
                return serve ();
        if (!coap_udp6_credentials_is_supported ()) {
                g_print ("bench-dtls: built without GnuTLS\n");
                return 77;
        }
        if (uri != NULL)
                return fixed_requests (uri, MAX (count, 0));
        names = g_strsplit (servers, ",", -1);
        for (guint i = 0; names[i] != NULL; i++) {
                if (g_str_equal (names[i], "coap-udp6"))
                        bench_ours ("/proc/self/exe", duration);
                else if (g_str_equal (names[i], "libcoap"))
                        bench_libcoap (duration);
                else
                        g_printerr ("bench-dtls: unknown server %s\n", names[i]);
        }
        return 0;
}
