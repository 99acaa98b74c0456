/* bench-client.c: completed requests per second through the client API
 *
 *   bench-client --responder PATH [--window 64] [--non]
 *                [--warmup 0.5] [--duration 3]
 *
 * Starts the stateless responder (PATH, tests/bench/stateless-responder in
 * the build tree) on a free port of ::1 and keeps --window GET requests in
 * flight against it through coap_udp6_context_request_async(): every
 * completion starts the next request, built the way an application would
 * (a new message, coap_udp6_message_set_request_uri(); with --copy a
 * coap_udp6_message_copy() of one parsed request instead, which leaves the
 * URI parsing out of the figure). After --warmup
 * seconds it counts the completions for --duration seconds and prints one
 * line:
 *   req/s=N completed=N errors=N cpu_us_per_req=X nstart=N
 *
 * The context's NSTART (outstanding exchanges per remote, RFC 7252 §4.7;
 * the RFC's default is 1) is set to the window unless --nstart says
 * otherwise, so that the window is really in flight; with --nstart 1 the
 * library queues all but one request.
 * (errors = requests that failed or got no 2.xx; cpu = this process only).
 * Exit status 0 when some requests completed, 1 otherwise, 2 on setup
 * errors.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <coap-udp6/coap-udp6.h>

#include <signal.h>
#include <stdio.h>
#include <time.h>

typedef struct {
        CoapUdp6Context *context;
        char            *uri;
        CoapUdp6Message *template;  /* with --copy */
        gboolean         non;
        gboolean         measuring;
        gboolean         stopping;
        guint            outstanding;
        guint64          completed;
        guint64          errors;
        gint64           start_us;
        gint64           end_us;
        guint64          cpu_start_ns;
        guint64          cpu_end_ns;
} Bench;

static guint64
cpu_ns (void)
{
        struct timespec ts;

        clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
        return (guint64) ts.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) ts.tv_nsec;
}

static void send_request (Bench *bench);

static void
on_response (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
        Bench *bench = user_data;
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Message) response = NULL;

        response = coap_udp6_context_request_finish (COAP_UDP6_CONTEXT (source), result, &error);
        bench->outstanding--;
        if (bench->measuring && !bench->stopping) {
                bench->completed++;
                if (response == NULL || !coap_udp6_code_is_successful (coap_udp6_message_get_code (response)))
                        bench->errors++;
        }
        if (!bench->stopping)
                send_request (bench);
}

static void
send_request (Bench *bench)
{
        g_autoptr (CoapUdp6Message) request = NULL;

        if (bench->template != NULL) {
                request = coap_udp6_message_copy (bench->template);
        } else {
                request = coap_udp6_message_new (bench->non ? COAP_UDP6_MESSAGE_TYPE_NON
                                                            : COAP_UDP6_MESSAGE_TYPE_CON,
                                                 COAP_UDP6_CODE_GET);
                if (!coap_udp6_message_set_request_uri (request, bench->uri, NULL))
                        g_error ("bench-client: cannot use %s", bench->uri);
        }
        bench->outstanding++;
        coap_udp6_context_request_async (bench->context, request, NULL, on_response, bench);
}

static gboolean
start_measuring (gpointer user_data)
{
        Bench *bench = user_data;

        bench->measuring = TRUE;
        bench->start_us = g_get_monotonic_time ();
        bench->cpu_start_ns = cpu_ns ();
        return G_SOURCE_REMOVE;
}

static gboolean
stop_measuring (gpointer user_data)
{
        Bench *bench = user_data;

        bench->stopping = TRUE;
        bench->end_us = g_get_monotonic_time ();
        bench->cpu_end_ns = cpu_ns ();
        return G_SOURCE_REMOVE;
}

static void
add_timeout (GMainContext *main_context,
             double        seconds,
             GSourceFunc   func,
             Bench        *bench)
{
        g_autoptr (GSource) source = g_timeout_source_new ((guint) (seconds * 1000));

        g_source_set_callback (source, func, bench, NULL);
        g_source_attach (source, main_context);
}

/* Starts the responder on a free port of ::1 and reads the port it prints. */
static GSubprocess *
spawn_responder (const char *path,
                 guint      *port,
                 GError    **error)
{
        g_autoptr (GSubprocess) proc = NULL;
        g_autoptr (GDataInputStream) out = NULL;
        g_autofree char *line = NULL;

        proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, error, path, "--host", "::1", "--port", "0", NULL);
        if (proc == NULL)
                return NULL;
        out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
        line = g_data_input_stream_read_line (out, NULL, NULL, error);
        if (line == NULL || !g_str_has_prefix (line, "port=")) {
                g_subprocess_force_exit (proc);
                if (error != NULL && *error == NULL)
                        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s printed no port", path);
                return NULL;
        }
        *port = (guint) g_ascii_strtoull (line + 5, NULL, 10);
        return g_steal_pointer (&proc);
}

static gboolean
prepare (Bench    *bench,
         guint     port,
         gboolean  copy,
         GError  **error)
{
        bench->uri = g_strdup_printf ("coap://[::1]:%u/hello", port);
        if (!copy)
                return TRUE;
        bench->template = coap_udp6_message_new (bench->non ? COAP_UDP6_MESSAGE_TYPE_NON
                                                            : COAP_UDP6_MESSAGE_TYPE_CON,
                                                 COAP_UDP6_CODE_GET);
        return coap_udp6_message_set_request_uri (bench->template, bench->uri, error);
}

static gboolean
run (Bench       *bench,
     guint        window,
     guint        nstart,
     double       warmup,
     double       duration,
     GError     **error)
{
        GMainContext *main_context = g_main_context_get_thread_default ();
        gint64 deadline;

        bench->context = coap_udp6_context_new_client (error);
        if (bench->context == NULL)
                return FALSE;
        g_object_set (bench->context, "nstart", nstart, NULL);
        add_timeout (main_context, warmup, start_measuring, bench);
        add_timeout (main_context, warmup + duration, stop_measuring, bench);
        for (guint i = 0; i < window; i++)
                send_request (bench);
        while (!bench->stopping)
                g_main_context_iteration (main_context, TRUE);
        /* let the requests in flight finish, so nothing is cut off */
        deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
        while (bench->outstanding > 0 && g_get_monotonic_time () < deadline)
                g_main_context_iteration (main_context, TRUE);
        g_clear_object (&bench->context);
        return TRUE;
}

static void
report (const Bench *bench,
        int          nstart)
{
        double seconds = (double) (bench->end_us - bench->start_us) / G_USEC_PER_SEC;
        double cpu_us = (double) (bench->cpu_end_ns - bench->cpu_start_ns) / 1000.0;

        printf ("req/s=%.0f completed=%" G_GUINT64_FORMAT " errors=%" G_GUINT64_FORMAT
                " cpu_us_per_req=%.2f nstart=%d\n",
                (double) bench->completed / seconds, bench->completed, bench->errors,
                bench->completed > 0 ? cpu_us / (double) bench->completed : 0.0, nstart);
}

int
main (int   argc,
      char *argv[])
{
        g_autofree char *responder = NULL;
        g_autoptr (GOptionContext) options = NULL;
        g_autoptr (GError) error = NULL;
        g_autoptr (GSubprocess) proc = NULL;
        int window = 64;
        int nstart = 0;
        gboolean copy = FALSE;
        double warmup = 0.5;
        double duration = 3.0;
        guint port = 0;
        Bench bench = { 0 };
        GOptionEntry entries[] = {
                { "responder", 'r', 0, G_OPTION_ARG_FILENAME, &responder,
                  "The stateless-responder binary to start", "PATH" },
                { "window", 'w', 0, G_OPTION_ARG_INT, &window, "Requests in flight (default 64)", "W" },
                { "nstart", 0, 0, G_OPTION_ARG_INT, &nstart,
                  "NSTART of the context (default: the window, at most 1000)", "N" },
                { "copy", 0, 0, G_OPTION_ARG_NONE, &copy,
                  "Copy one parsed request instead of parsing the URI each time", NULL },
                { "non", 'n', 0, G_OPTION_ARG_NONE, &bench.non, "NON requests", NULL },
                { "warmup", 0, 0, G_OPTION_ARG_DOUBLE, &warmup, "Seconds before counting (default 0.5)", "S" },
                { "duration", 'd', 0, G_OPTION_ARG_DOUBLE, &duration, "Seconds counted (default 3)", "S" },
                G_OPTION_ENTRY_NULL
        };

        options = g_option_context_new ("- client API throughput against the stateless responder");
        g_option_context_add_main_entries (options, entries, NULL);
        if (!g_option_context_parse (options, &argc, &argv, &error) || responder == NULL ||
            window < 1 || nstart < 0 || nstart > 1000 || duration <= 0 || warmup < 0) {
                fprintf (stderr, "bench-client: %s\n", error != NULL ? error->message : "--responder PATH is required");
                return 2;
        }
        proc = spawn_responder (responder, &port, &error);
        if (proc == NULL) {
                fprintf (stderr, "bench-client: %s\n", error->message);
                return 2;
        }
        if (nstart == 0)
                nstart = MIN (window, 1000);
        if (!prepare (&bench, port, copy, &error) ||
            !run (&bench, (guint) window, (guint) nstart, warmup, duration, &error)) {
                fprintf (stderr, "bench-client: %s\n", error->message);
                g_subprocess_force_exit (proc);
                return 2;
        }
        g_subprocess_send_signal (proc, SIGTERM);
        g_subprocess_wait (proc, NULL, NULL);
        report (&bench, nstart);
        g_free (bench.uri);
        g_clear_object (&bench.template);
        return bench.completed > bench.errors ? 0 : 1;
}
