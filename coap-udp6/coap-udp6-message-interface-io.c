/* coap-udp6-message-interface-io.c: reception, the error queue and sending
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-message-interface-private.h"
#include "coap-udp6-error.h"
#include "coap-udp6-message-private.h"
#include "coap-udp6-pcap-private.h"
#include "coap-udp6-reuse-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

static const char *const coap_groups[] = { "ff02::fd", "ff05::fd", "224.0.1.187" };

typedef struct {
        CoapUdp6EndpointAddress *remote;
        GError                  *error;
} PendingError;

static void
pending_error_free (gpointer data)
{
        PendingError *p = data;

        g_object_unref (p->remote);
        g_error_free (p->error);
        g_free (p);
}

static void
dispatch_error (CoapUdp6MessageInterface *self,
                const GError             *error,
                CoapUdp6EndpointAddress  *remote)
{
        g_autoptr (CoapUdp6MessageManager) manager = g_weak_ref_get (&self->manager);

        if (manager != NULL && !self->shut_down)
                coap_udp6_message_manager_dispatch_error (manager, error, remote);
}

static gboolean
flush_errors (gpointer user_data)
{
        CoapUdp6MessageInterface *self = user_data;
        PendingError *p;

        g_object_ref (self);
        g_clear_pointer (&self->error_source, g_source_unref);
        while (!self->shut_down && (p = g_queue_pop_head (&self->pending_errors))) {
                dispatch_error (self, p->error, p->remote);
                pending_error_free (p);
        }
        g_object_unref (self);
        return G_SOURCE_REMOVE;
}

/* Send errors are reported from the main loop, never from inside send (),
 * so a manager need not be reentrant. */
static void
queue_error (CoapUdp6MessageInterface *self,
             CoapUdp6EndpointAddress  *remote,
             GError                   *error)
{
        PendingError *p = g_new0 (PendingError, 1);

        p->remote = g_object_ref (remote);
        p->error = error;
        g_queue_push_tail (&self->pending_errors, p);
        if (self->error_source != NULL)
                return;
        self->error_source = g_idle_source_new ();
        g_source_set_static_name (self->error_source, "CoapUdp6 send errors");
        g_source_set_callback (self->error_source, flush_errors, self, NULL);
        g_source_attach (self->error_source, self->context);
}

/* Destinations are direct-mapped; the table doubles while a new one
 * would evict another, up to this many slots, and from then on a new one
 * takes its slot: no allocation for a destination sent to before, and
 * none for a new one once the table is full (doc/performance.md). */
#define MIN_DESTINATION_BITS 6
#define MAX_DESTINATION_BITS 12

static CoapUdp6Destination *
destination_slot (CoapUdp6Destination       *table,
                  guint                      bits,
                  const struct sockaddr_in6 *sin6)
{
        const guint32 *a = (const guint32 *) &sin6->sin6_addr;
        guint32 h = (a[0] ^ a[1] ^ a[2] ^ a[3] ^ sin6->sin6_port) * 0x9e3779b1u;

        return &table[h >> (32 - bits)];
}

static gboolean
destination_is (const CoapUdp6Destination *d,
                const struct sockaddr_in6 *sin6)
{
        return d->used && d->port == sin6->sin6_port && IN6_ARE_ADDR_EQUAL (&d->addr, &sin6->sin6_addr);
}

static void
grow_destinations (CoapUdp6MessageInterface *self)
{
        guint bits = self->destinations_bits;
        CoapUdp6Destination *old = self->destinations;

        self->destinations_bits = bits == 0 ? MIN_DESTINATION_BITS : bits + 1;
        self->destinations = g_new0 (CoapUdp6Destination, 1u << self->destinations_bits);
        for (guint i = 0; old != NULL && i < 1u << bits; i++) {
                struct sockaddr_in6 sin6 = { .sin6_port = old[i].port, .sin6_addr = old[i].addr };

                if (old[i].used)
                        *destination_slot (self->destinations, self->destinations_bits, &sin6) = old[i];
        }
        g_free (old);
}

/* Errors from the queue are only believed for destinations we sent to; the
 * set is bounded, and a destination is forgotten when another takes its
 * slot. */
static void
remember_destination (CoapUdp6MessageInterface  *self,
                      const struct sockaddr_in6 *sin6)
{
        CoapUdp6Destination *d;

        if (self->destinations == NULL)
                grow_destinations (self);
        d = destination_slot (self->destinations, self->destinations_bits, sin6);
        while (d->used && !destination_is (d, sin6) && self->destinations_bits < MAX_DESTINATION_BITS) {
                grow_destinations (self);
                d = destination_slot (self->destinations, self->destinations_bits, sin6);
        }
        d->addr = sin6->sin6_addr;
        d->port = sin6->sin6_port;
        d->used = TRUE;
}

static gboolean
sent_to (CoapUdp6MessageInterface  *self,
         const struct sockaddr_in6 *sin6)
{
        return self->destinations != NULL &&
               destination_is (destination_slot (self->destinations, self->destinations_bits, sin6), sin6);
}

static void
handle_errqueue_entry (CoapUdp6MessageInterface  *self,
                       const struct sockaddr_in6 *dest,
                       CoapUdp6SockExtendedErr   *ee)
{
        g_autoptr (CoapUdp6EndpointAddress) remote = NULL;
        int errnum;

        self->errors_received++;
        if (ee == NULL || dest->sin6_family == 0 ||
            !coap_udp6_sock_extended_err_is_icmp (ee)) {
                g_debug ("Ignoring an error-queue entry of local origin");
                return;
        }
        if (!sent_to (self, dest)) {
                g_debug ("Ignoring an ICMP error about a destination never "
                         "sent to");
                return;
        }
        errnum = ee->ee_errno;
        remote = coap_udp6_endpoint_address_new_native (dest, self->anchor, NULL);
        queue_error (self, remote,
                     g_error_new (G_IO_ERROR, g_io_error_from_errno (errnum),
                                  "%s (%s, received through errqueue)",
                                  g_strerror (errnum),
                                  coap_udp6_errno_name (errnum)));
}

static void
drain_errqueue (CoapUdp6MessageInterface *self)
{
        while (!self->shut_down) {
                g_autoptr (CoapUdp6SockExtendedErr) ee = NULL;
                struct sockaddr_in6 dest;
                int err = coap_udp6_socket_io_recv_error (self->fd, &dest, &ee);

                if (err == EAGAIN || err == EWOULDBLOCK)
                        break;
                if (err != 0) {
                        g_debug ("Reading the error queue failed: %s",
                                 g_strerror (err));
                        break;
                }
                handle_errqueue_entry (self, &dest, ee);
        }
}

static void send_now (CoapUdp6MessageInterface *self,
                      const guint8             *data,
                      gsize                     size,
                      CoapUdp6EndpointAddress  *remote);

/* Sends what socket_ready queued with one sendmmsg(); a datagram the
 * kernel refuses goes through send_now(), which knows how to tell a
 * stale ICMP error from this datagram's own. */
static const guint8 *
queued_data (CoapUdp6QueuedSend *q,
             gsize              *length)
{
        if (q->datagram != NULL)
                return g_bytes_get_data (q->datagram, length);
        *length = q->length;
        return q->inline_data;
}

static void
flush_sends (CoapUdp6MessageInterface *self)
{
        guint len = self->send_queue_len;
        guint done = 0;

        if (len == 0)
                return;
        self->flushing = TRUE;
        while (done < len && self->fd >= 0) {
                CoapUdp6Outgoing out[COAP_UDP6_SEND_BATCH];
                guint n = len - done;
                guint sent;
                int err;

                for (guint i = 0; i < n; i++) {
                        CoapUdp6QueuedSend *q = &self->send_queue[done + i];
                        CoapUdp6Pktinfo *pktinfo = coap_udp6_endpoint_address_get_pktinfo (q->remote);

                        out[i].data = queued_data (q, &out[i].length);
                        out[i].to = coap_udp6_endpoint_address_peek_native (q->remote);
                        out[i].pktinfo = pktinfo != NULL ? coap_udp6_pktinfo_peek (pktinfo) : NULL;
                }
                sent = coap_udp6_socket_io_send_batch (self->fd, out, n, &err);
                done += sent;
                if (sent < n) {
                        CoapUdp6QueuedSend *q = &self->send_queue[done];
                        gsize size;
                        const guint8 *data = queued_data (q, &size);

                        send_now (self, data, size, q->remote);
                        done++;
                }
        }
        for (guint i = 0; i < len; i++) {
                g_clear_pointer (&self->send_queue[i].datagram, g_bytes_unref);
                g_clear_object (&self->send_queue[i].remote);
        }
        self->send_queue_len = 0;
        self->flushing = FALSE;
}

typedef struct {
        GSource source;
        CoapUdp6MessageInterface *iface;    /* unowned: it destroys the source */
} FlushSource;

/* Runs before every poll, nested main loops included, so a queued send
 * never waits for the outer socket_ready to return. */
static gboolean
flush_source_prepare (GSource *source,
                      gint    *timeout)
{
        *timeout = -1;
        flush_sends (((FlushSource *) source)->iface);
        return FALSE;
}

static GSourceFuncs flush_source_funcs = {
        .prepare = flush_source_prepare,
};

/* Sends at once, or queues the datagram while a received batch is being
 * handled (a reference to @datagram, or else a copy of @data). */
static void
send_data (CoapUdp6MessageInterface *self,
           const guint8             *data,
           gsize                     size,
           GBytes                   *datagram,
           CoapUdp6EndpointAddress  *remote)
{
        if (self->shut_down || self->fd < 0) {
                g_debug ("Not sending on a message interface that is shut down");
                return;
        }
        if (G_UNLIKELY (self->dtls != NULL)) {
                coap_udp6_dtls_send (self->dtls, data, size, remote);
                return;
        }
        if (G_UNLIKELY (coap_udp6_pcap_active))
                coap_udp6_pcap_sent (data, size, remote, self->local_port);
        if (((self->receive_depth > 0 && self->batching) || self->holding > 0) && !self->flushing) {
                CoapUdp6QueuedSend *q = &self->send_queue[self->send_queue_len++];

                if (datagram != NULL) {
                        q->datagram = g_bytes_ref (datagram);
                } else if (size <= sizeof q->inline_data) {
                        memcpy (q->inline_data, data, size);
                        q->length = size;
                } else {
                        q->datagram = g_bytes_new (data, size);
                }
                q->remote = g_object_ref (remote);
                if (self->send_queue_len == COAP_UDP6_SEND_BATCH)
                        flush_sends (self);
        } else {
                send_now (self, data, size, remote);
        }
        /* After the send: an ICMP error about it can only be read from
         * the error queue later, in this thread. */
        remember_destination (self, coap_udp6_endpoint_address_peek_native (remote));
}

/* The endpoint address for (@sin6, @pktinfo), from the cache of recent
 * remotes when it is there: received datagrams and requests to literal
 * hosts both go through here. The cache holds it until another remote
 * takes its slot. */
static CoapUdp6EndpointAddress *
peek_remote (CoapUdp6MessageInterface  *self,
             const struct sockaddr_in6 *sin6,
             const CoapUdp6RawPktinfo  *pktinfo)
{
        const guint8 *a = sin6->sin6_addr.s6_addr;
        guint slot = (sin6->sin6_port ^ a[15] ^ a[14] << 3 ^ a[13] << 5 ^ a[11] << 7 ^
                      (pktinfo != NULL ? pktinfo->ifindex + pktinfo->addr.s6_addr[15] : 0)) %
                     COAP_UDP6_REMOTE_CACHE_SIZE;
        CoapUdp6EndpointAddress **cached = &self->remote_cache[slot];

        if (*cached == NULL || !coap_udp6_endpoint_address_matches_native (*cached, sin6, pktinfo)) {
                g_clear_object (cached);
                *cached = coap_udp6_endpoint_address_new_native (
                        sin6, self->anchor,
                        pktinfo != NULL ? coap_udp6_pktinfo_new_raw (pktinfo) : NULL);
        }
        return *cached;
}

CoapUdp6EndpointAddress *
coap_udp6_message_interface_lookup_remote (CoapUdp6MessageInterface  *self,
                                           const struct sockaddr_in6 *sin6,
                                           const CoapUdp6RawPktinfo  *pktinfo)
{
        return g_object_ref (peek_remote (self, sin6, pktinfo));
}

void
coap_udp6_message_interface_clear_remote_cache (CoapUdp6MessageInterface *self)
{
        for (guint i = 0; i < COAP_UDP6_REMOTE_CACHE_SIZE; i++)
                g_clear_object (&self->remote_cache[i]);
}

/* The rules are in coap-udp6-reuse.c. */
static void
keep_spare_message (CoapUdp6MessageInterface *self,
                    CoapUdp6Message          *message)
{
        coap_udp6_reuse_keep_message (&self->spare_message, &self->spare_message_emptied, message,
                                      self->shut_down);
}

/* Decodes and dispatches one message; @data is borrowed for the call
 * (coap-udp6-reuse.c copies it for a message that is kept). */
static inline void
deliver (CoapUdp6MessageInterface *self,
         const guint8             *data,
         gsize                     length,
         CoapUdp6EndpointAddress  *remote)
{
        g_autoptr (CoapUdp6MessageManager) manager = NULL;
        CoapUdp6Message *message;
        g_autoptr (GError) error = NULL;

        manager = g_weak_ref_get (&self->manager);
        message = coap_udp6_reuse_take_message (&self->spare_message, self->spare_message_emptied);
        if (!coap_udp6_message_load_borrowed (message, data, length, remote, &error)) {
                g_autoptr (GBytes) datagram = g_bytes_new (data, length);
                /* Held: a nested receive may take the remote's cache slot. */
                g_autoptr (CoapUdp6EndpointAddress) held = g_object_ref (remote);

                keep_spare_message (self, message);
                self->datagrams_dropped_unparsable++;
                g_debug ("Dropping an unparsable datagram: %s", error->message);
                if (manager != NULL)
                        coap_udp6_message_manager_dispatch_unparsable (manager,
                                datagram, held, error);
                return;
        }
        if (manager != NULL)
                coap_udp6_message_manager_dispatch_message (manager, message);
        keep_spare_message (self, message);
}

void
coap_udp6_message_interface_deliver (CoapUdp6MessageInterface *self,
                                     const guint8             *data,
                                     gsize                     size,
                                     CoapUdp6EndpointAddress  *remote)
{
        if (!self->shut_down)
                deliver (self, data, size, remote);
}

static void
handle_datagram (CoapUdp6MessageInterface *self,
                 CoapUdp6Received         *r)
{
        CoapUdp6EndpointAddress *remote;    /* the cache's, and then the message's */

        self->datagrams_received++;
        if (r->truncated) {
                self->datagrams_dropped_truncated++;
                g_debug ("Dropping a truncated datagram of %" G_GSSIZE_FORMAT
                         " bytes", r->length);
                return;
        }
        if (r->from.sin6_family == 0)
                return;
        if (G_UNLIKELY (coap_udp6_pcap_active))
                coap_udp6_pcap_received (r->data, r->length, &r->from,
                                         r->have_pktinfo ? &r->pktinfo : NULL, self->local_port);
        if (!r->have_pktinfo && !self->warned_no_pktinfo) {
                self->warned_no_pktinfo = TRUE;
                g_warning ("Datagrams arrive without IPV6_PKTINFO; responses "
                           "may leave from the wrong address");
        }
        remote = peek_remote (self, &r->from, r->have_pktinfo ? &r->pktinfo : NULL);
        if (G_UNLIKELY (self->dtls != NULL)) {
                g_autoptr (CoapUdp6EndpointAddress) held = g_object_ref (remote);

                coap_udp6_dtls_receive (self->dtls, r->data, r->length, held);
                return;
        }
        deliver (self, r->data, r->length, remote);
}

/* One recvmmsg(), at most COAP_UDP6_RECV_BATCH datagrams, so a flood
 * cannot starve timers. A nested call (a handler iterating the main
 * context) reads one datagram into its own buffer, leaving the outer
 * batch intact. */
static void
receive_batch (CoapUdp6MessageInterface *self)
{
        CoapUdp6Received r[COAP_UDP6_RECV_BATCH];
        gboolean nested = self->receive_depth > 1;
        g_autofree guint8 *own = nested ? g_malloc (self->buffer_size) : NULL;
        guint count = 0;
        gboolean outer_batching;
        int err;

        if (nested)
                err = coap_udp6_socket_io_recv_batch (self->fd, own, self->buffer_size, r, 1, &count);
        else
                err = coap_udp6_socket_io_recv_slots (self->fd, self->recv_slots, r,
                                                      COAP_UDP6_RECV_BATCH, &count);
        if (err == EAGAIN || err == EWOULDBLOCK)
                return;
        if (err != 0) {
                /* A pending ICMP error (sk_err) surfaces here once. */
                g_debug ("recvmmsg: %s", g_strerror (err));
                drain_errqueue (self);
                return;
        }
        /* A lone datagram's reply leaves at once, before the bookkeeping
         * after it (deduplication, finishing the request): batching only
         * saves syscalls when there are several, and it would add that
         * time to every request's latency at low load. */
        outer_batching = self->batching;
        self->batching = count > 1;
        for (guint i = 0; i < count && !self->shut_down; i++)
                handle_datagram (self, &r[i]);
        self->batching = outer_batching;
}

static void
free_receive_buffer (CoapUdp6MessageInterface *self)
{
        g_clear_pointer (&self->recv_slots, coap_udp6_recv_slots_free);
        g_clear_pointer (&self->buffer, g_free);
}

static gboolean
socket_ready (GSocket      *socket,
              GIOCondition  condition,
              gpointer      user_data)
{
        CoapUdp6MessageInterface *self = user_data;

        g_object_ref (self);
        self->receive_depth++;
        /* The kernel reports POLLERR while the error queue is not empty. */
        if (condition & G_IO_ERR)
                drain_errqueue (self);
        if (!self->shut_down)
                receive_batch (self);
        self->receive_depth--;
        if (self->receive_depth == 0) {
                flush_sends (self);
                if (self->shut_down)
                        free_receive_buffer (self);
        }
        if (!self->shut_down && (condition & G_IO_ERR)) {
                int pending = 0;

                /* Clears a socket error that came without a queue entry. */
                g_socket_get_option (self->socket, SOL_SOCKET, SO_ERROR,
                                     &pending, NULL);
        }
        g_object_unref (self);
        return G_SOURCE_CONTINUE;
}

/* Every named interface must exist before the socket is opened: a typo
 * is the caller's error, not a warning to miss. */
static gboolean
check_multicast_interfaces (CoapUdp6MessageInterface *self,
                            GError                  **error)
{
        for (guint i = 0; self->multicast != NULL && self->multicast[i]; i++) {
                if (if_nametoindex (self->multicast[i]) == 0) {
                        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                     "Cannot join the CoAP multicast groups on "
                                     "interface “%s”: no such interface",
                                     self->multicast[i]);
                        return FALSE;
                }
        }
        return TRUE;
}

static void
join_groups (CoapUdp6MessageInterface *self)
{
        for (guint i = 0; self->multicast != NULL && self->multicast[i]; i++) {
                const char *name = self->multicast[i];
                guint ifindex = if_nametoindex (name);

                /* Checked at start; it may have gone since. */
                if (ifindex == 0)
                        continue;
                for (guint g = 0; g < G_N_ELEMENTS (coap_groups); g++) {
                        int err = coap_udp6_socket_io_join (self->fd, ifindex,
                                                            coap_groups[g]);

                        if (err != 0)
                                g_warning ("Could not join multicast group %s on "
                                           "interface %s: %s", coap_groups[g],
                                           name, g_strerror (err));
                }
        }
}

static void
set_open_error (const struct sockaddr_in6 *bind_addr,
                const char                *step,
                int                        err,
                GError                   **error)
{
        g_autofree char *where = coap_udp6_format_in6 (&bind_addr->sin6_addr,
                                                       bind_addr->sin6_scope_id);

        if (err == EAFNOSUPPORT || err == ENOPROTOOPT) {
                /* No fallback: the transport needs a dual-stack socket with
                 * pktinfo (see the udp6 design notes). */
                g_set_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_NOT_SUPPORTED,
                             "The udp6 transport needs IPv6 sockets with %s, "
                             "which this system lacks: %s", step,
                             g_strerror (err));
                return;
        }
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
                     "Cannot open a UDP socket on [%s]:%u (%s): %s", where,
                     g_ntohs (bind_addr->sin6_port), step, g_strerror (err));
}

gboolean
coap_udp6_message_interface_start (CoapUdp6MessageInterface  *self,
                                   const struct sockaddr_in6 *bind_addr,
                                   GError                   **error)
{
        g_autoptr (GSocketAddress) local = NULL;
        const char *step = NULL;
        int fd = -1;
        int err;

        if (!check_multicast_interfaces (self, error))
                return FALSE;
        coap_udp6_pcap_init ();
        if (self->credentials != NULL) {
                self->dtls = coap_udp6_dtls_new (self, self->credentials, self->server, error);
                if (self->dtls == NULL)
                        return FALSE;
                self->anchor->secure = TRUE;
        }
        err = coap_udp6_socket_io_open (bind_addr, self->reuse_port, &fd, &step);
        if (err != 0) {
                set_open_error (bind_addr, step, err, error);
                return FALSE;
        }
        self->socket = g_socket_new_from_fd (fd, error);
        if (self->socket == NULL) {
                g_close (fd, NULL);
                return FALSE;
        }
        self->fd = fd;
        local = g_socket_get_local_address (self->socket, error);
        if (local == NULL)
                return FALSE;
        self->local_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
        self->buffer_size = COAP_UDP6_RECV_BUFFER_SIZE;
        self->buffer = g_malloc (COAP_UDP6_RECV_BATCH * self->buffer_size);
        self->recv_slots = coap_udp6_recv_slots_new (self->buffer, self->buffer_size);
        self->send_queue = g_new0 (CoapUdp6QueuedSend, COAP_UDP6_SEND_BATCH);
        /* coaps sends each record at once (send_data() never queues for
         * DTLS): a source prepared before every poll would only cost. */
        if (self->dtls == NULL) {
                self->flush_source = g_source_new (&flush_source_funcs, sizeof (FlushSource));
                ((FlushSource *) self->flush_source)->iface = self;
                g_source_set_static_name (self->flush_source, "CoapUdp6 send flush");
                g_source_attach (self->flush_source, self->context);
        }
        join_groups (self);

        self->source = g_socket_create_source (self->socket, G_IO_IN | G_IO_ERR, NULL);
        g_source_set_static_name (self->source, "CoapUdp6 socket");
        g_source_set_callback (self->source, G_SOURCE_FUNC (socket_ready), self, NULL);
        /* Without this GLib blocks the source around each dispatch, removing
         * and re-adding its fd: two eventfd writes and a read per wake-up.
         * socket_ready is reentrant (each datagram is copied before it is
         * dispatched). */
        g_source_set_can_recurse (self->source, TRUE);
        g_source_attach (self->source, self->context);
        return TRUE;
}

void
coap_udp6_message_interface_stop (CoapUdp6MessageInterface *self)
{
        flush_sends (self);
        /* close_notify leaves before the socket closes. */
        if (self->dtls != NULL)
                coap_udp6_dtls_close_all (self->dtls);
        self->shut_down = TRUE;
        if (self->source != NULL) {
                g_source_destroy (self->source);
                g_clear_pointer (&self->source, g_source_unref);
        }
        if (self->error_source != NULL) {
                g_source_destroy (self->error_source);
                g_clear_pointer (&self->error_source, g_source_unref);
        }
        g_queue_clear_full (&self->pending_errors, pending_error_free);
        if (self->socket != NULL)
                g_socket_close (self->socket, NULL);
        g_clear_object (&self->socket);
        self->fd = -1;
        /* A message being dispatched may still point into the receive
         * buffer; socket_ready() frees it then, once it is done. */
        if (self->receive_depth == 0)
                free_receive_buffer (self);
        if (self->flush_source != NULL) {
                g_source_destroy (self->flush_source);
                g_clear_pointer (&self->flush_source, g_source_unref);
        }
        g_clear_pointer (&self->send_queue, g_free);
        g_clear_pointer (&self->destinations, g_free);
        self->destinations_bits = 0;
        coap_udp6_message_interface_clear_remote_cache (self);
        g_clear_object (&self->spare_message);
}

void
coap_udp6_message_interface_set_receive_buffer_size (CoapUdp6MessageInterface *self,
                                                     gsize                     size)
{
        g_return_if_fail (size > 0 && size <= COAP_UDP6_RECV_BUFFER_SIZE);

        self->buffer_size = size;
        if (self->recv_slots != NULL) {
                coap_udp6_recv_slots_free (self->recv_slots);
                self->recv_slots = coap_udp6_recv_slots_new (self->buffer, size);
        }
}

/**
 * coap_udp6_message_interface_send_datagram:
 * @self: a #CoapUdp6MessageInterface
 * @datagram: an encoded message
 * @remote: where to send it
 *
 * Sends pre-encoded bytes (retransmissions, replayed responses), from the
 * remote's pktinfo address and interface when it has one. A failure
 * reaches the manager's `dispatch_error` for @remote from the main loop.
 *
 * Since: 1.0
 */
void
coap_udp6_message_interface_send_datagram (CoapUdp6MessageInterface *self,
                                           GBytes                   *datagram,
                                           CoapUdp6EndpointAddress  *remote)
{
        const guint8 *data;
        gsize size;

        g_return_if_fail (COAP_UDP6_IS_MESSAGE_INTERFACE (self));
        g_return_if_fail (datagram != NULL);
        g_return_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS (remote));

        data = g_bytes_get_data (datagram, &size);
        send_data (self, data, size, datagram, remote);
}

void
coap_udp6_message_interface_hold_sends (CoapUdp6MessageInterface *self)
{
        self->holding++;
}

void
coap_udp6_message_interface_release_sends (CoapUdp6MessageInterface *self)
{
        if (--self->holding == 0)
                flush_sends (self);
}

/* Like coap_udp6_message_interface_send_datagram(), from a buffer the
 * caller keeps: it is copied when the send is queued for a batch. */
void
coap_udp6_message_interface_send_data (CoapUdp6MessageInterface *self,
                                       const guint8             *data,
                                       gsize                     size,
                                       CoapUdp6EndpointAddress  *remote)
{
        send_data (self, data, size, NULL, remote);
}

void
coap_udp6_message_interface_send_record (CoapUdp6MessageInterface *self,
                                         const guint8             *data,
                                         gsize                     size,
                                         CoapUdp6EndpointAddress  *remote)
{
        if (self->shut_down || self->fd < 0)
                return;
        if (G_UNLIKELY (coap_udp6_pcap_active))
                coap_udp6_pcap_sent (data, size, remote, self->local_port);
        send_now (self, data, size, remote);
        remember_destination (self, coap_udp6_endpoint_address_peek_native (remote));
}

void
coap_udp6_message_interface_report_error (CoapUdp6MessageInterface *self,
                                          CoapUdp6EndpointAddress  *remote,
                                          GError                   *error)
{
        if (self->shut_down) {
                g_error_free (error);
                return;
        }
        queue_error (self, remote, error);
}

static void
send_now (CoapUdp6MessageInterface *self,
          const guint8             *data,
          gsize                     size,
          CoapUdp6EndpointAddress  *remote)
{
        int err;

        err = coap_udp6_socket_io_send (self->fd, data, size,
                                        coap_udp6_endpoint_address_peek_native (remote),
                                        coap_udp6_endpoint_address_get_pktinfo (remote));
        if (err == ECONNREFUSED || err == EHOSTUNREACH || err == ENETUNREACH ||
            err == EHOSTDOWN || err == EPROTO) {
                /* Most likely the pending error (sk_err) of an ICMP message
                 * about another remote, not about this datagram: hand the
                 * queued errors to their remotes, which clears it, and
                 * retry once. */
                drain_errqueue (self);
                err = coap_udp6_socket_io_send (self->fd, data, size,
                                                coap_udp6_endpoint_address_peek_native (remote),
                                                coap_udp6_endpoint_address_get_pktinfo (remote));
        }
        if (err != 0) {
                g_autofree char *to = coap_udp6_endpoint_address_get_hostinfo (remote);

                queue_error (self, remote,
                             g_error_new (G_IO_ERROR, g_io_error_from_errno (err),
                                          "Sending to %s failed: %s (%s)", to,
                                          g_strerror (err),
                                          coap_udp6_errno_name (err)));
        }
}

/**
 * coap_udp6_message_interface_send:
 * @self: a #CoapUdp6MessageInterface
 * @message: a message whose [property@Message:remote] is set
 *
 * Encodes and sends a message. Failures (encoding or sending) reach the
 * manager's `dispatch_error` for the message's remote from the main loop.
 *
 * Since: 1.0
 */
void
coap_udp6_message_interface_send (CoapUdp6MessageInterface *self,
                                  CoapUdp6Message          *message)
{
        CoapUdp6EndpointAddress *remote;
        g_autoptr (GBytes) datagram = NULL;
        GError *error = NULL;

        g_return_if_fail (COAP_UDP6_IS_MESSAGE_INTERFACE (self));
        g_return_if_fail (COAP_UDP6_IS_MESSAGE (message));
        remote = coap_udp6_message_get_remote (message);
        g_return_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS (remote));

        datagram = coap_udp6_message_encode (message, &error);
        if (datagram == NULL) {
                queue_error (self, remote, error);
                return;
        }
        coap_udp6_message_interface_send_datagram (self, datagram, remote);
}

/**
 * coap_udp6_message_interface_set_multicast_hop_limit:
 * @self: a #CoapUdp6MessageInterface
 * @hop_limit: the hop limit (IPv6) and TTL (IPv4) of multicast datagrams
 * @error: return location for a #GError
 *
 * Sets how far multicast requests travel (the default is 1).
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
coap_udp6_message_interface_set_multicast_hop_limit (CoapUdp6MessageInterface *self,
                                                     guint                     hop_limit,
                                                     GError                  **error)
{
        int err;

        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE_INTERFACE (self), FALSE);
        g_return_val_if_fail (hop_limit <= 255, FALSE);

        if (self->fd < 0) {
                g_set_error_literal (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_SHUT_DOWN,
                                     "The message interface is shut down");
                return FALSE;
        }
        err = coap_udp6_socket_io_set_hop_limit (self->fd, hop_limit);
        if (err != 0) {
                g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
                             "Cannot set the multicast hop limit: %s",
                             g_strerror (err));
                return FALSE;
        }
        return TRUE;
}
