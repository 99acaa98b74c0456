/* server.c: a CoAP server in C with one resource, /hello, a
 * CoapUdp6Resource subclass that greets the name in the ?name= query and
 * tells the requester its address.
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

#define HELLO_TYPE_RESOURCE (hello_resource_get_type ())
G_DECLARE_FINAL_TYPE (HelloResource, hello_resource, HELLO, RESOURCE, CoapUdp6Resource)

struct _HelloResource {
        CoapUdp6Resource parent_instance;
};

G_DEFINE_FINAL_TYPE (HelloResource, hello_resource, COAP_UDP6_TYPE_RESOURCE)

static void
hello_resource_render (CoapUdp6Resource *resource,
                       CoapUdp6Request  *request)
{
        CoapUdp6Message *message = coap_udp6_request_get_message (request);
        g_auto (GStrv) queries = NULL;
        const char *name = "world";
        g_autofree char *peer = NULL;
        g_autofree char *text = NULL;
        g_autoptr (CoapUdp6Message) response = NULL;
        g_autoptr (GBytes) payload = NULL;

        if (coap_udp6_message_get_code (message) != COAP_UDP6_CODE_GET) {
                coap_udp6_request_respond_code (request, COAP_UDP6_CODE_METHOD_NOT_ALLOWED, NULL);
                return;
        }
        queries = coap_udp6_message_get_uri_query (message);
        for (guint i = 0; queries != NULL && queries[i] != NULL; i++)
                if (g_str_has_prefix (queries[i], "name="))
                        name = queries[i] + 5;
        peer = coap_udp6_endpoint_address_get_hostinfo (coap_udp6_request_get_remote (request));
        text = g_strdup_printf ("Hello, %s! You are %s (C)", name, peer);
        payload = g_bytes_new (text, strlen (text));
        response = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK, COAP_UDP6_CODE_CONTENT);
        coap_udp6_message_set_payload (response, payload);
        coap_udp6_message_set_content_format (response, 0);
        coap_udp6_request_respond (request, response);
}

static void
hello_resource_class_init (HelloResourceClass *klass)
{
        COAP_UDP6_RESOURCE_CLASS (klass)->render = hello_resource_render;
}

static void
hello_resource_init (HelloResource *self)
{
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
        g_autoptr (HelloResource) hello = NULL;

        context = coap_udp6_context_new_server (binds, argc > 2 ? (const char *const *) argv + 2 : NULL,
                                                &error);
        if (context == NULL) {
                g_printerr ("example-server: %s\n", error->message);
                return 2;
        }
        hello = g_object_new (HELLO_TYPE_RESOURCE,
                              "resource-type", "example.hello",
                              "title", "Hello from C",
                              NULL);
        coap_udp6_context_add_resource (context, "hello", COAP_UDP6_RESOURCE (hello));
        g_print ("listening on port %u\n", coap_udp6_context_get_local_port (context));
        fflush (stdout);
        g_unix_signal_add (SIGINT, quit_cb, loop);
        g_unix_signal_add (SIGTERM, quit_cb, loop);
        g_main_loop_run (loop);
        return 0;
}
