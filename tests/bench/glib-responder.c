/* glib-responder.c: the stateless responder's answers, from a GMainLoop
 *
 *   glib-responder [--host ::] [--port 5683]
 *
 * The floor of any server built on a GMainLoop: the same answers as
 * stateless-responder.c (responder-answer.h), read with one recvmmsg per
 * wake-up of a GSocket source and sent with one sendmmsg, and nothing
 * else. Where stateless-responder sleeps in recvmmsg, this one sleeps in
 * the main context's poll and then reads, as coap-udp6 does; the
 * difference between the two is what the main loop costs, and the
 * difference between this one and coap-udp6-server is what the library
 * costs.
 *
 * With --port 0 it prints "port=N" on stdout once bound. SIGTERM and
 * SIGINT end it with exit status 0.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <glib-unix.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "responder-answer.h"

#define BATCH     64
#define DGRAM_MAX 1500

typedef struct {
        int      fd;
        uint16_t next_mid;
} Responder;

static gboolean
socket_ready (GSocket      *socket,
              GIOCondition  condition,
              gpointer      user_data)
{
        static uint8_t inbuf[BATCH][DGRAM_MAX];
        static uint8_t outbuf[BATCH][64];
        Responder *r = user_data;
        struct sockaddr_storage addrs[BATCH];
        struct mmsghdr in[BATCH], out[BATCH];
        struct iovec iniov[BATCH], outiov[BATCH];
        int n, count = 0;

        for (int i = 0; i < BATCH; i++) {
                iniov[i] = (struct iovec) { inbuf[i], DGRAM_MAX };
                in[i].msg_hdr = (struct msghdr) {
                        .msg_name = &addrs[i],
                        .msg_namelen = sizeof addrs[i],
                        .msg_iov = &iniov[i],
                        .msg_iovlen = 1,
                };
        }
        n = recvmmsg (r->fd, in, BATCH, MSG_DONTWAIT, NULL);
        for (int i = 0; i < n; i++) {
                size_t len = answer (inbuf[i], in[i].msg_len, outbuf[count], &r->next_mid);

                if (len == 0)
                        continue;
                outiov[count] = (struct iovec) { outbuf[count], len };
                out[count].msg_hdr = (struct msghdr) {
                        .msg_name = &addrs[i],
                        .msg_namelen = in[i].msg_hdr.msg_namelen,
                        .msg_iov = &outiov[count],
                        .msg_iovlen = 1,
                };
                count++;
        }
        if (count > 0)
                sendmmsg (r->fd, out, (unsigned) count, 0);
        return G_SOURCE_CONTINUE;
}

static gboolean
quit (gpointer loop)
{
        g_main_loop_quit (loop);
        return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
        g_autofree char *host = NULL;
        int port = 5683;
        GOptionEntry entries[] = {
                { "host", 0, 0, G_OPTION_ARG_STRING, &host, "Address to bind (default ::)", "ADDR" },
                { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port (0: any, printed)", "PORT" },
                { NULL }
        };
        g_autoptr (GOptionContext) options = g_option_context_new (NULL);
        g_autoptr (GError) error = NULL;
        g_autoptr (GInetAddress) address = NULL;
        g_autoptr (GSocketAddress) bind_address = NULL;
        g_autoptr (GSocketAddress) bound = NULL;
        g_autoptr (GSocket) socket = NULL;
        g_autoptr (GSource) source = NULL;
        g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
        Responder r = { .next_mid = (uint16_t) getpid () };

        g_option_context_add_main_entries (options, entries, NULL);
        if (!g_option_context_parse (options, &argc, &argv, &error) || port < 0 || port > 65535) {
                fprintf (stderr, "usage: glib-responder [--host ADDR] [--port PORT]\n");
                return 2;
        }
        address = g_inet_address_new_from_string (host != NULL ? host : "::");
        if (address == NULL) {
                fprintf (stderr, "glib-responder: %s is not an address literal\n", host);
                return 2;
        }
        socket = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_DATAGRAM,
                               G_SOCKET_PROTOCOL_UDP, &error);
        bind_address = g_inet_socket_address_new (address, (guint16) port);
        if (socket == NULL || !g_socket_bind (socket, bind_address, FALSE, &error)) {
                fprintf (stderr, "glib-responder: %s\n", error->message);
                return 2;
        }
        g_socket_set_blocking (socket, FALSE);
        r.fd = g_socket_get_fd (socket);
        if (port == 0) {
                bound = g_socket_get_local_address (socket, NULL);
                printf ("port=%u\n", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
                fflush (stdout);
        }
        source = g_socket_create_source (socket, G_IO_IN, NULL);
        g_source_set_callback (source, G_SOURCE_FUNC (socket_ready), &r, NULL);
        /* As coap-udp6 does: GLib otherwise removes and re-adds the fd
         * around every dispatch. */
        g_source_set_can_recurse (source, TRUE);
        g_source_attach (source, NULL);
        g_unix_signal_add (SIGTERM, quit, loop);
        g_unix_signal_add (SIGINT, quit, loop);
        g_main_loop_run (loop);
        return 0;
}
