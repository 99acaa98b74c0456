/* coap-udp6-client.c: a small CoAP client
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <coap-udp6/coap-udp6.h>
#include <stdio.h>
#include <string.h>

typedef struct {
        GMainLoop *loop;
        int status;
        gboolean verbose;
} Client;

static void
print_response (Client          *client,
                CoapUdp6Message *response,
                gboolean         with_source)
{
        GBytes *payload = coap_udp6_message_get_payload (response);
        CoapUdp6EndpointAddress *remote = coap_udp6_message_get_remote (response);
        g_autofree char *source = remote != NULL ? coap_udp6_endpoint_address_to_string (remote) : NULL;
        gsize len = 0;
        const char *data = payload != NULL ? g_bytes_get_data (payload, &len) : NULL;

        if (client->verbose) {
                g_autofree char *text = coap_udp6_message_to_string (response);

                fprintf (stderr, "<- %s from %s\n", text, source != NULL ? source : "?");
        }
        if (with_source)
                printf ("%s: %s ", source != NULL ? source : "?",
                        coap_udp6_code_to_string (coap_udp6_message_get_code (response)));
        if (len > 0)
                fwrite (data, 1, len, stdout);
        if (with_source || (len > 0 && data[len - 1] != '\n'))
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
        client->status = 2;
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
        if (response == NULL) {
                fail (client, error);
        } else {
                guint code = coap_udp6_message_get_code (response);
                const char *text = coap_udp6_code_to_string (code);

                print_response (client, response, FALSE);
                client->status = coap_udp6_code_is_successful (code) ? 0 : 1;
                /* Without -v an error response would otherwise be silent. */
                if (client->status != 0 && !client->verbose)
                        fprintf (stderr, "coap-udp6-client: %s\n", text);
        }
        g_main_loop_quit (client->loop);
}

static void
multicast_response_cb (CoapUdp6Context *context,
                       CoapUdp6Message *response,
                       gpointer         user_data)
{
        print_response (user_data, response, TRUE);
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
        if (responses == NULL)
                fail (client, error);
        else
                client->status = responses->len > 0 ? 0 : 1;
        g_main_loop_quit (client->loop);
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

int
main (int   argc,
      char *argv[])
{
        g_autofree char *method = NULL, *payload_text = NULL, *payload_file = NULL;
        gint content_format = -1, accept = -1;
        gboolean non = FALSE;
        gdouble timeout = 0;
        Client client = { NULL, 2, FALSE };
        GOptionEntry entries[] = {
                { "method", 'm', 0, G_OPTION_ARG_STRING, &method,
                  "get, post, put, delete, fetch, patch or ipatch", "METHOD" },
                { "payload", 'p', 0, G_OPTION_ARG_STRING, &payload_text, "Request payload", "TEXT" },
                { "payload-file", 'f', 0, G_OPTION_ARG_FILENAME, &payload_file, "Payload from a file", "F" },
                { "content-format", 't', 0, G_OPTION_ARG_INT, &content_format, "Content-Format", "N" },
                { "accept", 'A', 0, G_OPTION_ARG_INT, &accept, "Accept", "N" },
                { "non", 'N', 0, G_OPTION_ARG_NONE, &non, "Send a non-confirmable request", NULL },
                { "timeout", 'T', 0, G_OPTION_ARG_DOUBLE, &timeout,
                  "Give up after S seconds (multicast: collect for S seconds, default 3)", "S" },
                { "verbose", 'v', 0, G_OPTION_ARG_NONE, &client.verbose, "Show the exchange on stderr", NULL },
                G_OPTION_ENTRY_NULL
        };
        g_autoptr (GOptionContext) options = g_option_context_new ("URI - send one CoAP request");
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Context) context = NULL;
        g_autoptr (CoapUdp6Message) request = NULL;
        g_autoptr (GCancellable) cancellable = g_cancellable_new ();
        g_autoptr (GBytes) payload = NULL;
        int code;

        g_option_context_add_main_entries (options, entries, NULL);
        if (!g_option_context_parse (options, &argc, &argv, &error) || argc != 2) {
                fprintf (stderr, "coap-udp6-client: %s\n",
                         error != NULL ? error->message : "exactly one URI is needed");
                return 2;
        }
        code = method_code (method != NULL ? method : "get");
        if (code < 0) {
                fprintf (stderr, "coap-udp6-client: unknown method %s\n", method);
                return 2;
        }
        request = coap_udp6_message_new (non ? COAP_UDP6_MESSAGE_TYPE_NON : COAP_UDP6_MESSAGE_TYPE_CON, code);
        if (!coap_udp6_message_set_request_uri (request, argv[1], &error)) {
                fprintf (stderr, "coap-udp6-client: %s\n", error->message);
                return 2;
        }
        if (payload_file != NULL) {
                char *contents;
                gsize len;

                if (!g_file_get_contents (payload_file, &contents, &len, &error)) {
                        fprintf (stderr, "coap-udp6-client: %s\n", error->message);
                        return 2;
                }
                payload = g_bytes_new_take (contents, len);
        } else if (payload_text != NULL) {
                payload = g_bytes_new (payload_text, strlen (payload_text));
        }
        if (payload != NULL)
                coap_udp6_message_set_payload (request, payload);
        if (content_format >= 0)
                coap_udp6_message_set_content_format (request, content_format);
        if (accept >= 0)
                coap_udp6_message_set_accept (request, accept);

        context = coap_udp6_context_new_client (&error);
        if (context == NULL) {
                fprintf (stderr, "coap-udp6-client: %s\n", error->message);
                return 2;
        }
        client.loop = g_main_loop_new (NULL, FALSE);
        if (client.verbose) {
                g_autofree char *text = coap_udp6_message_to_string (request);

                fprintf (stderr, "-> %s\n", text);
        }
        if (is_multicast_uri (argv[1])) {
                g_signal_connect (context, "multicast-response", G_CALLBACK (multicast_response_cb), &client);
                coap_udp6_context_request_multicast_async (context, request,
                                                           (guint) ((timeout > 0 ? timeout : 3) * 1000),
                                                           cancellable, multicast_cb, &client);
        } else {
                if (timeout > 0)
                        g_timeout_add ((guint) (timeout * 1000), timeout_cb, cancellable);
                coap_udp6_context_request_async (context, request, cancellable, response_cb, &client);
        }
        g_main_loop_run (client.loop);
        g_main_loop_unref (client.loop);
        return client.status;
}
