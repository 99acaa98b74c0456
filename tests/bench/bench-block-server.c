/* bench-block-server.c: the server side of tests/bench/blockwise.py
 *
 *   bench-block-server SIZE
 *
 * Serves on [::1]:0 (it prints "listening on port PORT"):
 *   GET /large     SIZE bytes (sent block-wise, RFC 7959)
 *   PUT/POST /sink takes a body of any size up to 256 MiB and answers
 *                  2.04 with its length
 * with limits raised so that a 200 MiB body fits (max-body-size and
 * max-block-bytes 256 MiB). Runs until SIGTERM or SIGINT.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <coap-udp6/coap-udp6.h>

#include <glib-unix.h>
#include <stdio.h>
#include <string.h>

#define LIMIT (256u * 1024 * 1024)

static GBytes *large;

static void
large_handler (CoapUdp6Resource *resource,
               CoapUdp6Request  *request,
               gpointer          user_data)
{
        coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CONTENT, large, 42);
}

static void
sink_handler (CoapUdp6Resource *resource,
              CoapUdp6Request  *request,
              gpointer          user_data)
{
        GBytes *payload = coap_udp6_message_get_payload (coap_udp6_request_get_message (request));
        g_autofree char *text = g_strdup_printf ("%" G_GSIZE_FORMAT,
                                                 payload != NULL ? g_bytes_get_size (payload) : 0);
        g_autoptr (GBytes) reply = g_bytes_new (text, strlen (text));

        coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CHANGED, reply, 0);
}

static gboolean
quit_cb (gpointer data)
{
        g_main_loop_quit (data);
        return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
        const char *const binds[] = { "[::1]:0", NULL };
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Context) context = NULL;
        g_autoptr (CoapUdp6Resource) large_resource = NULL;
        g_autoptr (CoapUdp6Resource) sink_resource = NULL;
        g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
        guint64 size;
        guint8 *data;

        if (argc != 2 || !g_ascii_string_to_unsigned (argv[1], 10, 0, LIMIT, &size, NULL)) {
                fprintf (stderr, "usage: bench-block-server SIZE (at most %u)\n", LIMIT);
                return 2;
        }
        data = g_malloc (size + 1);
        for (guint64 i = 0; i < size; i++)
                data[i] = (guint8) ('A' + (i * 7 + i / 251) % 26);
        large = g_bytes_new_take (data, size);
        context = coap_udp6_context_new_server (binds, NULL, &error);
        if (context == NULL) {
                fprintf (stderr, "bench-block-server: %s\n", error->message);
                return 2;
        }
        g_object_set (context, "max-body-size", LIMIT, "max-block-bytes", LIMIT, NULL);
        large_resource = coap_udp6_resource_new ();
        coap_udp6_resource_set_method_handler (large_resource, COAP_UDP6_CODE_GET, large_handler, NULL, NULL);
        sink_resource = coap_udp6_resource_new ();
        coap_udp6_resource_set_method_handler (sink_resource, COAP_UDP6_CODE_PUT, sink_handler, NULL, NULL);
        coap_udp6_resource_set_method_handler (sink_resource, COAP_UDP6_CODE_POST, sink_handler, NULL, NULL);
        coap_udp6_context_add_resource (context, "large", large_resource);
        coap_udp6_context_add_resource (context, "sink", sink_resource);
        printf ("listening on port %u\n", coap_udp6_context_get_local_port (context));
        fflush (stdout);
        g_unix_signal_add (SIGINT, quit_cb, loop);
        g_unix_signal_add (SIGTERM, quit_cb, loop);
        g_main_loop_run (loop);
        g_bytes_unref (large);
        return 0;
}
