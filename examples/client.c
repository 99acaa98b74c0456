/* client.c: GETs a CoAP URI and prints the payload.
 *
 *   example-client URI   e.g. example-client 'coap://[::1]/hello?name=you'
 *
 * Exit status: 0 on a 2.xx response, 1 on another response code (printed on
 * stderr), 2 when the request failed. The installed coap-udp6-client tool is
 * the fuller version of this.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <coap-udp6/coap-udp6.h>

typedef struct {
        GMainLoop *loop;
        int status;
} Client;

static void
on_response (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
        Client *client = user_data;
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Message) response = NULL;

        response = coap_udp6_context_request_finish (COAP_UDP6_CONTEXT (source), result, &error);
        if (response == NULL) {
                g_printerr ("example-client: %s\n", error->message);
                client->status = 2;
        } else {
                GBytes *payload = coap_udp6_message_get_payload (response); /* transfer none */
                guint code = coap_udp6_message_get_code (response);
                gsize len = 0;
                const char *data = g_bytes_get_data (payload, &len);

                if (len > 0)
                        g_print ("%.*s\n", (int) len, data);
                if (coap_udp6_code_is_successful (code)) {
                        client->status = 0;
                } else {
                        const char *text = coap_udp6_code_to_string (code);

                        g_printerr ("%s\n", text);
                        client->status = 1;
                }
        }
        g_main_loop_quit (client->loop);
}

int
main (int   argc,
      char *argv[])
{
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Context) context = NULL;
        g_autoptr (CoapUdp6Message) request = NULL;
        Client client = { NULL, 2 };

        if (argc != 2) {
                g_printerr ("usage: example-client URI\n");
                return 2;
        }
        context = coap_udp6_context_new_client (&error);
        request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON, COAP_UDP6_CODE_GET);
        if (context == NULL || !coap_udp6_message_set_request_uri (request, argv[1], &error)) {
                g_printerr ("example-client: %s\n", error->message);
                return 2;
        }
        client.loop = g_main_loop_new (NULL, FALSE);
        coap_udp6_context_request_async (context, request, NULL, on_response, &client);
        g_main_loop_run (client.loop);
        g_main_loop_unref (client.loop);
        return client.status;
}
