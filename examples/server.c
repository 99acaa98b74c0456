/* server.c: a CoAP server in C with one resource, /hello, a
 * plain CoapUdp6Resource with a GET handler that greets the name in the
 * ?name= query and tells the requester its address.
 *
 *   example-server [HOST:PORT] [IFACE…]   (default [::]:5683)
 *
 * Prints "listening on port N" once ready, then serves until SIGINT/SIGTERM.
 * The installed coap-udp6-server tool is the fuller version of this.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <coap-udp6/coap-udp6.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>

/* GET /hello; other methods are answered 4.05 by the resource. */
static void
hello_get (CoapUdp6Resource *resource,
           CoapUdp6Request  *request,
           gpointer          user_data)
{
        CoapUdp6Message *message = coap_udp6_request_get_message (request);
        g_auto (GStrv) queries = NULL;
        const char *name = "world";
        g_autofree char *peer = NULL;
        g_autofree char *text = NULL;
        g_autoptr (CoapUdp6Message) response = NULL;

        queries = coap_udp6_message_get_uri_query (message);
        for (guint i = 0; queries != NULL && queries[i] != NULL; i++)
                if (g_str_has_prefix (queries[i], "name="))
                        name = queries[i] + 5;
        peer = coap_udp6_endpoint_address_get_hostinfo (coap_udp6_request_get_remote (request));
        text = g_strdup_printf ("Hello, %s! You are %s (C)", name, peer);
        response = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK, COAP_UDP6_CODE_CONTENT);
        coap_udp6_message_set_payload_data (response, (const guint8 *) text, strlen (text));
        coap_udp6_message_set_content_format (response, 0);
        coap_udp6_request_respond (request, response);
}

static gboolean
quit_cb (gpointer loop)
{
        g_main_loop_quit (loop);
        return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
        const char *binds[] = { argc > 1 ? argv[1] : "[::]:5683", NULL };
        g_autoptr (GError) error = NULL;
        g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
        g_autoptr (CoapUdp6Context) context = NULL;
        g_autoptr (CoapUdp6Resource) hello = NULL;

        context = coap_udp6_context_new_server (binds, argc > 2 ? (const char *const *) argv + 2 : NULL,
                                                &error);
        if (context == NULL) {
                g_printerr ("example-server: %s\n", error->message);
                return 2;
        }
        hello = coap_udp6_resource_new ();
        coap_udp6_resource_set_resource_type (hello, "example.hello");
        coap_udp6_resource_set_title (hello, "Hello from C");
        coap_udp6_resource_set_method_handler (hello, COAP_UDP6_CODE_GET, hello_get, NULL, NULL);
        coap_udp6_context_add_resource (context, "hello", hello);
        g_print ("listening on port %u\n", coap_udp6_context_get_local_port (context));
        fflush (stdout);
        g_unix_signal_add (SIGINT, quit_cb, loop);
        g_unix_signal_add (SIGTERM, quit_cb, loop);
        g_main_loop_run (loop);
        return 0;
}
