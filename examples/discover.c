/* discover.c: finds CoAP servers by multicast (RFC 7252 §8, RFC 6690 §4)
 * and lists every responder with its links.
 *
 *   example-discover [--timeout MS] IFACE|URI…
 *
 * An interface name stands for coap://[ff02::fd%25IFACE]/.well-known/core and
 * coap://224.0.1.187/.well-known/core; a URI (of a multicast group) is used
 * as it is. Each target gets one NON request; the responses collected
 * for --timeout milliseconds (default 6000: servers wait up to
 * DEFAULT_LEISURE, 5 s, before answering a multicast request, RFC 7252
 * §8.2) are then printed:
 *
 *   [fe80::2%eth0] answered coap://[ff02::fd%25eth0]/.well-known/core
 *     </hello>;rt="example.hello"
 *
 * Exit status: 0 when someone answered, 1 when nobody did, 2 on errors.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <coap-udp6/coap-udp6.h>

typedef struct {
        GMainLoop *loop;
        guint pending;
        guint answers;
        int status;
} Discovery;

typedef struct {
        Discovery *discovery;
        char *uri;
} Target;

/* Prints an RFC 6690 document a link a line, splitting at the commas
 * outside quotes and angle brackets. */
static void
print_links (const char *text,
             gsize       len)
{
        gboolean quoted = FALSE, bracketed = FALSE;
        gsize start = 0;

        for (gsize i = 0; i <= len; i++) {
                char c = i < len ? text[i] : ',';

                if (c == '"' && !bracketed)
                        quoted = !quoted;
                else if (c == '<' && !quoted)
                        bracketed = TRUE;
                else if (c == '>' && !quoted)
                        bracketed = FALSE;
                if (c == ',' && !quoted && !bracketed) {
                        if (i > start)
                                g_print ("  %.*s\n", (int) (i - start), text + start);
                        start = i + 1;
                }
        }
}

static void
multicast_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
        Target *target = user_data;
        Discovery *discovery = target->discovery;
        g_autoptr (GError) error = NULL;
        g_autoptr (GPtrArray) responses = NULL;

        responses = coap_udp6_context_request_multicast_finish (COAP_UDP6_CONTEXT (source),
                                                                result, &error);
        if (responses == NULL) {
                g_printerr ("example-discover: %s: %s\n", target->uri, error->message);
                discovery->status = 2;
        }
        for (guint i = 0; responses != NULL && i < responses->len; i++) {
                CoapUdp6Message *response = g_ptr_array_index (responses, i);
                CoapUdp6EndpointAddress *remote = coap_udp6_message_get_remote (response);
                g_autofree char *host = coap_udp6_endpoint_address_get_hostinfo (remote);
                GBytes *payload = coap_udp6_message_get_payload (response);
                gsize len = 0;
                const char *text = payload != NULL ? g_bytes_get_data (payload, &len) : NULL;

                discovery->answers++;
                g_print ("%s answered %s\n", host, target->uri);
                print_links (text, len);
        }
        g_free (target->uri);
        g_free (target);
        if (--discovery->pending == 0)
                g_main_loop_quit (discovery->loop);
}

static gboolean
send_request (CoapUdp6Context *context,
              Discovery       *discovery,
              const char      *uri,
              guint            timeout_ms)
{
        g_autoptr (CoapUdp6Message) request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_NON,
                                                                     COAP_UDP6_CODE_GET);
        g_autoptr (GError) error = NULL;
        Target *target;

        if (!coap_udp6_message_set_request_uri (request, uri, &error)) {
                g_printerr ("example-discover: %s\n", error->message);
                return FALSE;
        }
        target = g_new0 (Target, 1);
        target->discovery = discovery;
        target->uri = g_strdup (uri);
        discovery->pending++;
        coap_udp6_context_request_multicast_async (context, request, timeout_ms, NULL,
                                                   multicast_cb, target);
        return TRUE;
}

int
main (int   argc,
      char *argv[])
{
        int timeout_ms = 6000;
        g_auto (GStrv) targets = NULL;
        GOptionEntry entries[] = {
                { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout_ms,
                  "Collect responses for MS milliseconds (default 6000)", "MS" },
                { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &targets, NULL, NULL },
                G_OPTION_ENTRY_NULL
        };
        g_autoptr (GOptionContext) options = g_option_context_new ("IFACE|URI… - find CoAP servers by multicast");
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Context) context = NULL;
        g_autoptr (GPtrArray) uris = g_ptr_array_new_with_free_func (g_free);
        Discovery discovery = { 0 };

        g_option_context_add_main_entries (options, entries, NULL);
        if (!g_option_context_parse (options, &argc, &argv, &error) || targets == NULL) {
                g_printerr ("example-discover: %s\n", error != NULL ? error->message : "no target");
                return 2;
        }
        for (guint i = 0; targets[i] != NULL; i++) {
                if (strstr (targets[i], "://") != NULL) {
                        g_ptr_array_add (uris, g_strdup (targets[i]));
                        continue;
                }
                g_ptr_array_add (uris, g_strdup_printf ("coap://[ff02::fd%%25%s]/.well-known/core",
                                                        targets[i]));
                if (!g_ptr_array_find_with_equal_func (uris, "coap://224.0.1.187/.well-known/core",
                                                       g_str_equal, NULL))
                        g_ptr_array_add (uris, g_strdup ("coap://224.0.1.187/.well-known/core"));
        }
        context = coap_udp6_context_new_client (&error);
        if (context == NULL) {
                g_printerr ("example-discover: %s\n", error->message);
                return 2;
        }
        discovery.loop = g_main_loop_new (NULL, FALSE);
        for (guint i = 0; i < uris->len; i++)
                if (!send_request (context, &discovery, g_ptr_array_index (uris, i),
                                   (guint) MAX (timeout_ms, 1)))
                        return 2;
        g_main_loop_run (discovery.loop);
        g_main_loop_unref (discovery.loop);
        if (discovery.status != 0)
                return discovery.status;
        return discovery.answers > 0 ? 0 : 1;
}
