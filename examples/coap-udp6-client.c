/* coap-udp6-client.c: a small CoAP client
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tool-trace.h"
#include "tool-credentials.h"

#include <glib-unix.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* RFC 7252 §8.2: a server waits up to DEFAULT_LEISURE (5 s) before it
 * answers a multicast request; collecting for less misses answers. */
#define MULTICAST_COLLECT_SECONDS 6

enum {
        EXIT_SUCCESS_RESPONSE = 0,
        EXIT_ERROR_RESPONSE = 1,
        EXIT_FAILURE_LOCAL = 2,
};

#define MAX_TIMEOUT_SECONDS 4294967u

typedef struct {
        GMainLoop *loop;
        int status;
        int verbosity;
        /* A progress line on a terminal for streamed bodies; never on a
         * file or pipe, where it would only be noise. */
        gboolean show_progress;
        gboolean progress_upload;
        gboolean progress_pending;
        guint64 progress_done;
        gint64 progress_total;
        gint64 progress_printed_at;         /* 0: no line on screen */
        /* --observe: stop after this many notifications (0: until interrupted) */
        gboolean observe;
        guint observe_count;
        char *observe_uri;                  /* the word after -s when it is not N */
        gboolean last_without_observe;      /* the server answered as to a plain GET */
        CoapUdp6Observation *observation;
        gboolean stopping;
} Client;

static void
write_payload (Client          *client,
               CoapUdp6Message *response)
{
        GBytes *payload = coap_udp6_message_get_payload (response);
        gsize len = 0;
        const char *data = payload != NULL ? g_bytes_get_data (payload, &len) : NULL;

        if (len > 0)
                fwrite (data, 1, len, stdout);
        if (len > 0 && data[len - 1] != '\n')
                putchar ('\n');
        fflush (stdout);
}

static void
fail (Client       *client,
      const GError *error)
{
        g_autofree char *text = g_strdup (error->message);
        char *detail = g_strrstr (text, " (");

        /* One clear line: the transport's errno detail in parentheses is dropped. */
        if (error->domain == G_IO_ERROR && detail != NULL && g_str_has_suffix (detail, ")"))
                *detail = '\0';
        if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
                fprintf (stderr, "coap-udp6-client: Timed out\n");
        else
                fprintf (stderr, "coap-udp6-client: %s\n", text);
        client->status = EXIT_FAILURE_LOCAL;
}

static void
show_response (Client          *client,
               CoapUdp6Message *response)
{
        guint code = coap_udp6_message_get_code (response);
        const char *text = coap_udp6_code_to_string (code);

        write_payload (client, response);
        client->status = coap_udp6_code_is_successful (code) ? EXIT_SUCCESS_RESPONSE
                                                             : EXIT_ERROR_RESPONSE;
        /* Without -v an error response would otherwise be silent. */
        if (client->status != EXIT_SUCCESS_RESPONSE && client->verbosity == 0)
                fprintf (stderr, "coap-udp6-client: %s\n", text);
}

static void
response_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
        Client *client = user_data;
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Message) response = NULL;

        response = coap_udp6_context_request_finish (COAP_UDP6_CONTEXT (source), result, &error);
        if (response == NULL)
                fail (client, error);
        else
                show_response (client, response);
        g_main_loop_quit (client->loop);
}

/* At most ten lines a second: a terminal that redraws every 1024-byte
 * block would slow a fast transfer down. */
#define PROGRESS_INTERVAL_US (G_USEC_PER_SEC / 10)

static void
print_progress (Client *client)
{
        const char *direction = client->progress_upload ? "sent" : "received";

        if (client->progress_total >= 0)
                fprintf (stderr, "\r%s %" G_GUINT64_FORMAT " of %" G_GINT64_FORMAT " bytes (%u %%)   ",
                         direction, client->progress_done, client->progress_total,
                         client->progress_total > 0
                         ? (guint) (client->progress_done * 100 / (guint64) client->progress_total)
                         : 100);
        else
                fprintf (stderr, "\r%s %" G_GUINT64_FORMAT " bytes   ", direction, client->progress_done);
        fflush (stderr);
        client->progress_printed_at = g_get_monotonic_time ();
        client->progress_pending = FALSE;
}

static void
end_progress (Client *client)
{
        if (client->progress_pending)
                print_progress (client);
        if (client->progress_printed_at != 0)
                fputc ('\n', stderr);
        client->progress_printed_at = 0;
}

static void
progress_cb (guint64  bytes_done,
             gint64   bytes_total,
             gboolean upload,
             gpointer user_data)
{
        Client *client = user_data;

        if (!client->show_progress)
                return;
        /* The upload's last line stays on screen; the download starts its own. */
        if (!upload && client->progress_upload) {
                end_progress (client);
                client->progress_upload = FALSE;
        }
        client->progress_done = bytes_done;
        client->progress_total = bytes_total;
        client->progress_upload = upload;
        client->progress_pending = TRUE;
        if (g_get_monotonic_time () - client->progress_printed_at >= PROGRESS_INTERVAL_US)
                print_progress (client);
}

static void
stream_response_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
        Client *client = user_data;
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Message) response = NULL;

        response = coap_udp6_context_request_stream_finish (COAP_UDP6_CONTEXT (source), result, &error);
        end_progress (client);
        if (response == NULL) {
                fail (client, error);
                g_main_loop_quit (client->loop);
                return;
        }
        show_response (client, response);
        g_main_loop_quit (client->loop);
}

static void
multicast_response_cb (CoapUdp6Context *context,
                       CoapUdp6Message *response,
                       gpointer         user_data)
{
        Client *client = user_data;
        CoapUdp6EndpointAddress *remote = coap_udp6_message_get_remote (response);
        g_autofree char *source = remote != NULL ? tool_format_address (remote) : g_strdup ("?");
        const char *code = coap_udp6_code_to_string (coap_udp6_message_get_code (response));

        printf ("%s: %s\n", source, code);
        fflush (stdout);
        write_payload (client, response);
}

static void
multicast_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
        Client *client = user_data;
        g_autoptr (GError) error = NULL;
        g_autoptr (GPtrArray) responses = NULL;

        responses = coap_udp6_context_request_multicast_finish (COAP_UDP6_CONTEXT (source), result, &error);
        if (responses == NULL) {
                fail (client, error);
        } else {
                client->status = responses->len > 0 ? EXIT_SUCCESS_RESPONSE : EXIT_ERROR_RESPONSE;
        }
        g_main_loop_quit (client->loop);
}

static void
observe_cancelled_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
        Client *client = user_data;

        coap_udp6_observation_cancel_finish (COAP_UDP6_OBSERVATION (source), result, NULL);
        g_main_loop_quit (client->loop);
}

static gboolean
stop_waiting_cb (gpointer data)
{
        g_main_loop_quit (((Client *) data)->loop);
        return G_SOURCE_REMOVE;
}

/* N notifications arrived, -T ran out or Ctrl-C: deregister (RFC 7641
 * §3.6), waiting for the server's answer at most a second. */
static void
stop_observing (Client *client)
{
        if (client->stopping)
                return;
        client->stopping = TRUE;
        client->status = EXIT_SUCCESS_RESPONSE;
        g_timeout_add_seconds (1, stop_waiting_cb, client);
        coap_udp6_observation_cancel_async (client->observation, NULL, observe_cancelled_cb, client);
}

static gboolean
interrupted_cb (gpointer data)
{
        stop_observing (data);
        return G_SOURCE_CONTINUE;
}

static gboolean
observe_timeout_cb (gpointer data)
{
        stop_observing (data);
        return G_SOURCE_REMOVE;
}

static void
notification_cb (CoapUdp6Observation *observation,
                 CoapUdp6Message     *message,
                 Client              *client)
{
        guint n = coap_udp6_observation_get_n_notifications (observation);
        guint32 sequence = 0;

        client->last_without_observe = !coap_udp6_message_get_observe (message, &sequence);
        if (client->verbosity > 0 && !client->last_without_observe)
                fprintf (stderr, "notification %u: Observe=%u\n", n, sequence);
        else if (client->verbosity > 0)
                fprintf (stderr, "notification %u: no Observe (the last)\n", n);
        write_payload (client, message);
        if (client->observe_count > 0 && n >= client->observe_count)
                stop_observing (client);
}

static void
ended_cb (CoapUdp6Observation *observation,
          const GError        *error,
          Client              *client)
{
        if (client->stopping)
                return;
        if (g_error_matches (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_NOT_OBSERVED)) {
                /* A resource that is not observable still answered 2.xx. */
                client->status = client->last_without_observe ? EXIT_SUCCESS_RESPONSE
                                                              : EXIT_ERROR_RESPONSE;
                fprintf (stderr, "coap-udp6-client: %s\n", error->message);
        } else {
                fail (client, error);
        }
        g_main_loop_quit (client->loop);
}

static gboolean
parse_observe (const char *option_name,
               const char *value,
               gpointer    data,
               GError    **error)
{
        Client *client = data;
        guint64 n = 0;

        client->observe = TRUE;
        /* GOption hands an optional argument the next word: "-s URI". */
        if (value != NULL && !g_ascii_isdigit (value[0]) && client->observe_uri == NULL) {
                client->observe_uri = g_strdup (value);
                return TRUE;
        }
        if (value != NULL && !g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT, &n, NULL)) {
                g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                             "%s %s: expected a number of notifications", option_name, value);
                return FALSE;
        }
        client->observe_count = (guint) n;
        return TRUE;
}

static gboolean
timeout_cb (gpointer data)
{
        g_cancellable_cancel (data);
        return G_SOURCE_REMOVE;
}

static gboolean
is_multicast_uri (const char *uri)
{
        g_autoptr (GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_NON_DNS, NULL);
        g_autoptr (GInetAddress) address = NULL;
        g_autofree char *host = NULL;
        char *percent;

        if (parsed == NULL || g_uri_get_host (parsed) == NULL)
                return FALSE;
        host = g_strdup (g_uri_get_host (parsed));
        percent = strchr (host, '%');
        if (percent != NULL)
                *percent = '\0';
        address = g_inet_address_new_from_string (host);
        return address != NULL && g_inet_address_get_is_multicast (address);
}

static int
method_code (const char *method)
{
        const char *names[] = { "get", "post", "put", "delete", "fetch", "patch", "ipatch" };

        for (guint i = 0; i < G_N_ELEMENTS (names); i++)
                if (g_ascii_strcasecmp (method, names[i]) == 0)
                        return i + 1;
        return -1;
}

static gboolean
count_verbose (const char *option_name,
               const char *value,
               gpointer    data,
               GError    **error)
{
        ((Client *) data)->verbosity++;
        return TRUE;
}

static gboolean
parse_content_format (const char *name,
                      const char *what,
                      gint       *out_value,
                      GError    **error)
{
        guint value;

        if (name == NULL)
                return TRUE;
        if (!coap_udp6_content_format_from_string (name, &value)) {
                g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                             "%s %s is neither a registered media type nor a number from 0 to 65535",
                             what, name);
                return FALSE;
        }
        *out_value = (gint) value;
        return TRUE;
}

/* -O NUM,VALUE as libcoap's coap-client takes it: VALUE is text, or hex
 * digits after 0x. */
static gboolean
add_raw_option (CoapUdp6Message *request,
                const char      *spec,
                GError         **error)
{
        const char *comma = strchr (spec, ',');
        g_autofree char *number_text = comma != NULL ? g_strndup (spec, comma - spec) : NULL;
        g_autoptr (GBytes) value = NULL;
        guint64 number;

        if (number_text == NULL || !g_ascii_isdigit (number_text[0]) ||
            !g_ascii_string_to_unsigned (number_text, 10, 1, 65535, &number, NULL)) {
                g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                             "-O %s: expected NUM,VALUE with NUM from 1 to 65535", spec);
                return FALSE;
        }
        if (g_str_has_prefix (comma + 1, "0x")) {
                const char *hex = comma + 3;
                gsize len = strlen (hex);
                g_autofree guint8 *data = g_malloc (len / 2 + 1);

                for (gsize i = 0; i < len; i++) {
                        if (!g_ascii_isxdigit (hex[i]) || len % 2 != 0) {
                                g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                             "-O %s: 0x must be followed by pairs of hex digits", spec);
                                return FALSE;
                        }
                }
                for (gsize i = 0; i < len / 2; i++)
                        data[i] = g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]);
                value = g_bytes_new (data, len / 2);
        } else {
                value = g_bytes_new (comma + 1, strlen (comma + 1));
        }
        coap_udp6_message_add_option (request, (guint) number, value);
        return TRUE;
}

/* The body is read block by block as it is sent, so a file of any size
 * goes up through one block-sized buffer. */
static GInputStream *
open_payload (const char *path,
              gint64     *out_size,
              GError    **error)
{
        g_autoptr (GFile) file = NULL;
        g_autoptr (GFileInputStream) in = NULL;
        g_autoptr (GFileInfo) info = NULL;

        *out_size = -1;
        if (g_str_equal (path, "-"))
                return g_unix_input_stream_new (STDIN_FILENO, FALSE);
        file = g_file_new_for_commandline_arg (path);
        in = g_file_read (file, NULL, error);
        if (in == NULL)
                return NULL;
        info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, NULL);
        if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
                *out_size = g_file_info_get_size (info);
        return G_INPUT_STREAM (g_steal_pointer (&in));
}

static const char summary[] =
        "Sends one CoAP request to URI and writes the response payload to standard\n"
        "output (or to -o FILE). A multicast URI collects every answer, printed as\n"
        "\"[address]:port: code\" and the payload.\n"
        "\n"
        "Content-Format (-t) and Accept (-A) take a media type (text/plain,\n"
        "application/json, application/link-format, application/cbor, ...) or a\n"
        "number.";

static const char description[] =
        "Multicast requests collect answers for 6 seconds unless -T says otherwise:\n"
        "servers wait up to 5 seconds (RFC 7252 DEFAULT_LEISURE) before answering.\n"
        "\n"
        "--observe (-s) observes URI (RFC 7641): every notification's payload is\n"
        "written as it arrives until N arrived (-s N or --observe=N), -T S\n"
        "seconds passed or Ctrl-C; then the observation is cancelled with a GET\n"
        "with Observe 1 and the exit status is 0. With -v each notification's\n"
        "sequence number is shown.\n"
        "\n"
        "Exit status:\n"
        "  0  a 2.xx response (multicast: at least one answer)\n"
        "  1  a response that is not 2.xx (multicast: no answer)\n"
        "  2  bad usage or URI, an unreadable or unwritable file, a network\n"
        "     error, or no response in time";

int
main (int   argc,
      char *argv[])
{
        g_autofree char *method = NULL, *payload_text = NULL, *payload_file = NULL, *output_file = NULL;
        g_autofree char *content_format_name = NULL, *accept_name = NULL;
        g_auto (GStrv) raw_options = NULL;
        gint content_format = -1, accept = -1;
        gboolean non = FALSE, version = FALSE;
        gdouble timeout = 0;
        gint block_size = 0;
        Client client = { .status = EXIT_FAILURE_LOCAL };
        GOptionEntry entries[] = {
                { "method", 'm', 0, G_OPTION_ARG_STRING, &method,
                  "get (default), post, put, delete, fetch, patch or ipatch", "METHOD" },
                { "payload", 'p', 0, G_OPTION_ARG_STRING, &payload_text, "Request payload", "TEXT" },
                { "payload-file", 'f', 0, G_OPTION_ARG_FILENAME, &payload_file,
                  "Request payload from FILE (- for standard input)", "FILE" },
                { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output_file,
                  "Write the response payload to FILE (- for standard output)", "FILE" },
                { "content-format", 't', 0, G_OPTION_ARG_STRING, &content_format_name,
                  "Content-Format of the payload (media type or number)", "TYPE" },
                { "accept", 'A', 0, G_OPTION_ARG_STRING, &accept_name,
                  "Accept: the Content-Format wanted (media type or number)", "TYPE" },
                { "option", 'O', 0, G_OPTION_ARG_STRING_ARRAY, &raw_options,
                  "Add option NUM with VALUE, text or hex after 0x (repeatable)", "NUM,VALUE" },
                { "non", 'N', 0, G_OPTION_ARG_NONE, &non, "Send a non-confirmable request", NULL },
                { "timeout", 'T', 0, G_OPTION_ARG_DOUBLE, &timeout,
                  "Give up after S seconds (multicast: collect for S seconds, default 6)", "S" },
                { "verbose", 'v', G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, count_verbose,
                  "Show both messages with every option on stderr; twice: also the datagrams in hex", NULL },
                { "observe", 's', G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, parse_observe,
                  "Observe URI: print every notification, until N arrived if given", "N" },
                { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
                /* The letters libcoap's coap-client uses for the same things. */
                { "text", 'e', G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &payload_text, NULL, NULL },
                { "break-after", 'B', G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_DOUBLE, &timeout, NULL, NULL },
                { "block-size", 'b', 0, G_OPTION_ARG_INT, &block_size,
                  "Block size of block-wise transfers, 16 to 1024 (default 1024)", "SIZE" },
                G_OPTION_ENTRY_NULL
        };
        g_autoptr (GOptionContext) options = g_option_context_new ("URI");
        g_autoptr (GOptionGroup) group = g_option_group_new (NULL, NULL, NULL, &client, NULL);
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Context) context = NULL;
        g_autoptr (CoapUdp6Message) request = NULL;
        g_autoptr (GCancellable) cancellable = g_cancellable_new ();
        g_autoptr (GBytes) payload = NULL;
        g_autoptr (GInputStream) body = NULL;
        g_autoptr (GOutputStream) sink = NULL;
        gint64 body_size = -1;
        ToolCredentials coaps = { 0 };
        g_autoptr (CoapUdp6Credentials) credentials = NULL;
        int code;

        g_option_group_add_entries (group, entries);
        g_option_context_set_main_group (options, g_steal_pointer (&group));
        g_option_context_add_group (options, tool_credentials_option_group (&coaps, FALSE));
        g_option_context_set_summary (options, summary);
        g_option_context_set_description (options, description);
        if (!g_option_context_parse (options, &argc, &argv, &error) ||
            !parse_content_format (content_format_name, "Content-Format", &content_format, &error) ||
            !parse_content_format (accept_name, "Accept", &accept, &error)) {
                fprintf (stderr, "coap-udp6-client: %s\n", error->message);
                return EXIT_FAILURE_LOCAL;
        }
        if (version) {
                printf ("coap-udp6-client %d.%d.%d\n", COAP_UDP6_MAJOR_VERSION, COAP_UDP6_MINOR_VERSION,
                        COAP_UDP6_MICRO_VERSION);
                return EXIT_SUCCESS_RESPONSE;
        }
        if (client.observe_uri != NULL && argc == 1) {
                argv[1] = client.observe_uri;
                argc = 2;
        }
        if (argc != 2) {
                fprintf (stderr, "coap-udp6-client: exactly one URI is needed\n");
                return EXIT_FAILURE_LOCAL;
        }
        /* Milliseconds in a guint: past that the wait wrapped (NaN fails too). */
        if (!(timeout >= 0 && timeout <= MAX_TIMEOUT_SECONDS)) {
                fprintf (stderr, "coap-udp6-client: -T takes 0 to %u seconds\n", MAX_TIMEOUT_SECONDS);
                return EXIT_FAILURE_LOCAL;
        }
        code = method_code (method != NULL ? method : "get");
        if (code < 0) {
                fprintf (stderr, "coap-udp6-client: unknown method %s\n", method);
                return EXIT_FAILURE_LOCAL;
        }
        request = coap_udp6_message_new (non ? COAP_UDP6_MESSAGE_TYPE_NON : COAP_UDP6_MESSAGE_TYPE_CON, code);
        if (!coap_udp6_message_set_request_uri (request, argv[1], &error)) {
                fprintf (stderr, "coap-udp6-client: %s\n", error->message);
                return EXIT_FAILURE_LOCAL;
        }
        if (payload_file != NULL) {
                body = open_payload (payload_file, &body_size, &error);
                if (body == NULL) {
                        fprintf (stderr, "coap-udp6-client: %s\n", error->message);
                        return EXIT_FAILURE_LOCAL;
                }
        } else if (payload_text != NULL) {
                payload = g_bytes_new (payload_text, strlen (payload_text));
        }
        if (payload != NULL)
                coap_udp6_message_set_payload (request, payload);
        if (content_format >= 0)
                coap_udp6_message_set_content_format (request, content_format);
        if (accept >= 0)
                coap_udp6_message_set_accept (request, accept);
        for (guint i = 0; raw_options != NULL && raw_options[i] != NULL; i++) {
                if (!add_raw_option (request, raw_options[i], &error)) {
                        fprintf (stderr, "coap-udp6-client: %s\n", error->message);
                        return EXIT_FAILURE_LOCAL;
                }
        }
        if (output_file != NULL && !g_str_equal (output_file, "-")) {
                /* Written in place, as curl and coap-client do: also
                 * /dev/null or a FIFO, and without g_file_replace()'s
                 * temporary file, fsync() and rename(). */
                int fd = open (output_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

                if (fd < 0) {
                        fprintf (stderr, "coap-udp6-client: cannot write %s: %s\n", output_file,
                                 g_strerror (errno));
                        return EXIT_FAILURE_LOCAL;
                }
                sink = g_unix_output_stream_new (fd, TRUE);
        }
        client.show_progress = isatty (STDERR_FILENO) && (body != NULL || sink != NULL);

        context = coap_udp6_context_new_client (&error);
        credentials = context != NULL ? tool_credentials_load (&coaps, FALSE, &error) : NULL;
        tool_credentials_clear (&coaps);
        if (context == NULL || error != NULL) {
                fprintf (stderr, "coap-udp6-client: %s\n", error->message);
                return EXIT_FAILURE_LOCAL;
        }
        if (block_size > 0)
                g_object_set (context, "block-size", (guint) CLAMP (block_size, 16, 1024), NULL);
        coap_udp6_context_set_credentials (context, credentials);
        client.loop = g_main_loop_new (NULL, FALSE);
        if (client.verbosity > 0)
                tool_trace_context (context, client.verbosity, FALSE);
        /* A multicast request is never block-wise (RFC 7959 §2.8), and an
         * observation is registered by one request: their body goes in one
         * datagram. */
        if (body != NULL && (client.observe || is_multicast_uri (argv[1]))) {
                g_autoptr (GOutputStream) memory = g_memory_output_stream_new_resizable ();

                if (g_output_stream_splice (memory, body, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                            NULL, &error) < 0) {
                        fprintf (stderr, "coap-udp6-client: %s\n", error->message);
                        return EXIT_FAILURE_LOCAL;
                }
                payload = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
                coap_udp6_message_set_payload (request, payload);
                g_clear_object (&body);
        }
        if (client.observe) {
                client.observation = coap_udp6_context_observe (context, request, NULL, &error);
                if (client.observation == NULL) {
                        fprintf (stderr, "coap-udp6-client: %s\n", error->message);
                        return EXIT_FAILURE_LOCAL;
                }
                g_signal_connect (client.observation, "notification", G_CALLBACK (notification_cb), &client);
                g_signal_connect (client.observation, "ended", G_CALLBACK (ended_cb), &client);
                g_unix_signal_add (SIGINT, interrupted_cb, &client);
                g_unix_signal_add (SIGTERM, interrupted_cb, &client);
                if (timeout > 0)
                        g_timeout_add ((guint) (timeout * 1000), observe_timeout_cb, &client);
        } else if (is_multicast_uri (argv[1])) {
                g_signal_connect (context, "multicast-response", G_CALLBACK (multicast_response_cb), &client);
                coap_udp6_context_request_multicast_async (context, request,
                                                           (guint) ((timeout > 0 ? timeout
                                                                                 : MULTICAST_COLLECT_SECONDS) * 1000),
                                                           cancellable, multicast_cb, &client);
        } else {
                if (timeout > 0)
                        g_timeout_add ((guint) (timeout * 1000), timeout_cb, cancellable);
                if (body != NULL || sink != NULL)
                        coap_udp6_context_request_stream_async (context, request, body, body_size, sink,
                                                                progress_cb, &client, NULL,
                                                                cancellable, stream_response_cb, &client);
                else
                        coap_udp6_context_request_async (context, request, cancellable, response_cb, &client);
        }
        g_main_loop_run (client.loop);
        g_main_loop_unref (client.loop);
        if (client.observation != NULL)
                g_signal_handlers_disconnect_by_data (client.observation, &client);
        g_clear_object (&client.observation);
        g_free (client.observe_uri);
        if (sink != NULL && !g_output_stream_close (sink, NULL, &error)) {
                fprintf (stderr, "coap-udp6-client: cannot write %s: %s\n", output_file, error->message);
                return EXIT_FAILURE_LOCAL;
        }
        /* A full disk or a closed pipe is an error too (> /dev/full). */
        if (fflush (stdout) != 0 || ferror (stdout)) {
                fprintf (stderr, "coap-udp6-client: cannot write the standard output: %s\n",
                         g_strerror (errno));
                return EXIT_FAILURE_LOCAL;
        }
        return client.status;
}
