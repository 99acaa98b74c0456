/* coap-udp6-context-watch.c: functions told of every message a context
 * sends and receives, for tracing and debugging tools
 *
 * A watch is a function, like g_dbus_connection_add_filter(), rather than
 * a signal: the send and receive paths then test one pointer per datagram
 * (g_signal_has_handler_pending() costs about 200 instructions, 2 % of a
 * request).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-context-private.h"

typedef struct {
        guint id;
        CoapUdp6MessageWatch func;
        gpointer user_data;
        GDestroyNotify destroy;
        gboolean removed;                   /* while a call is running */
} Watch;

static void
watch_free (gpointer data)
{
        Watch *watch = data;

        if (watch->destroy != NULL)
                watch->destroy (watch->user_data);
        g_free (watch);
}

/**
 * coap_udp6_context_add_message_watch:
 * @self: a context
 * @watch: (scope notified) (closure user_data) (destroy destroy): the function
 * @user_data: data for @watch
 * @destroy: (nullable): frees @user_data once the watch is removed
 *
 * Has @watch told of every message the context sends or receives, for a
 * tool that shows traffic, as `coap-udp6-client -v` does:
 *
 * - every well-formed message a socket receives, before the context
 *   handles it: requests and their duplicates, responses, notifications,
 *   ACKs and Resets (datagrams that do not decode are not shown);
 * - every datagram the context sends, just before it goes out: requests
 *   and each of their retransmissions and blocks, responses,
 *   notifications, ACKs and Resets, and the answers the context gives by
 *   itself (`/.well-known/core`, 4.04, 5.03, duplicates), decoded again so
 *   that the message ID and token are those on the wire. For a `coaps://`
 *   peer it is the message before encryption.
 *
 * @watch may remove itself or other watches, make requests, shut the
 * context down or drop references to it; it must not change the message.
 * With no watch, the context tests one pointer per datagram; with one,
 * each datagram sent is decoded once more.
 *
 * ```python
 * def show(context, message, sent, _):
 *     print('->' if sent else '<-', message.get_code(), message.get_mid())
 * context.add_message_watch(show, None)
 * ```
 *
 * Returns: an identifier for [method@Context.remove_message_watch], never 0
 *
 * Since: 1.0
 */
guint
coap_udp6_context_add_message_watch (CoapUdp6Context     *self,
                                     CoapUdp6MessageWatch watch,
                                     gpointer             user_data,
                                     GDestroyNotify       destroy)
{
        Watch *added;

        g_return_val_if_fail (COAP_UDP6_IS_CONTEXT (self), 0);
        g_return_val_if_fail (watch != NULL, 0);

        added = g_new0 (Watch, 1);
        added->id = ++self->last_watch_id;
        if (added->id == 0)
                added->id = ++self->last_watch_id;
        added->func = watch;
        added->user_data = user_data;
        added->destroy = destroy;
        if (self->watches == NULL)
                self->watches = g_ptr_array_new_with_free_func (watch_free);
        g_ptr_array_add (self->watches, added);
        return added->id;
}

/* Removed watches are dropped once no call runs, and the array with the
 * last of them, so that the hot paths see NULL again. */
static void
purge (CoapUdp6Context *self)
{
        if (self->watches_running > 0 || self->watches == NULL)
                return;
        for (guint i = self->watches->len; i > 0; i--) {
                Watch *watch = g_ptr_array_index (self->watches, i - 1);

                if (watch->removed)
                        g_ptr_array_remove_index (self->watches, i - 1);
        }
        if (self->watches->len == 0)
                g_clear_pointer (&self->watches, g_ptr_array_unref);
}

/**
 * coap_udp6_context_remove_message_watch:
 * @self: a context
 * @watch_id: what [method@Context.add_message_watch] returned
 *
 * Stops a watch; its destroy function is called, at the latest when the
 * watch call running now returns. An identifier that is no watch of
 * @self is a programming error.
 *
 * Since: 1.0
 */
void
coap_udp6_context_remove_message_watch (CoapUdp6Context *self,
                                        guint            watch_id)
{
        Watch *watch = NULL;

        g_return_if_fail (COAP_UDP6_IS_CONTEXT (self));

        for (guint i = 0; self->watches != NULL && i < self->watches->len && watch == NULL; i++) {
                Watch *candidate = g_ptr_array_index (self->watches, i);

                if (candidate->id == watch_id && !candidate->removed)
                        watch = candidate;
        }
        g_return_if_fail (watch != NULL);
        watch->removed = TRUE;
        purge (self);
}

void
coap_udp6_context_watches_call (CoapUdp6Context *self,
                                CoapUdp6Message *message,
                                gboolean         sent)
{
        G_GNUC_UNUSED g_autoptr (CoapUdp6Context) alive = g_object_ref (self);

        self->watches_running++;
        /* Watches added by a watch are called too; the array stays while
         * a call runs. */
        for (guint i = 0; self->watches != NULL && i < self->watches->len; i++) {
                Watch *watch = g_ptr_array_index (self->watches, i);

                if (!watch->removed)
                        watch->func (self, message, sent, watch->user_data);
        }
        self->watches_running--;
        purge (self);
}

/* The watches are told first; they may shut the context down, in which
 * case nothing is sent. */
gboolean
coap_udp6_context_send_watched (CoapUdp6Context         *self,
                                const guint8            *data,
                                gsize                    len,
                                CoapUdp6EndpointAddress *remote)
{
        G_GNUC_UNUSED g_autoptr (CoapUdp6Context) alive = g_object_ref (self);
        g_autoptr (CoapUdp6EndpointAddress) to = g_object_ref (remote);
        g_autoptr (GBytes) datagram = g_bytes_new (data, len);
        g_autoptr (CoapUdp6Message) message = coap_udp6_message_decode (datagram, to, NULL);
        CoapUdp6MessageInterface *iface;

        if (message != NULL)
                coap_udp6_context_watches_call (self, message, TRUE);
        iface = coap_udp6_context_choose_interface (self, to);
        if (iface == NULL || self->shut_down)
                return FALSE;
        coap_udp6_message_interface_send_datagram (iface, datagram, to);
        return TRUE;
}

void
coap_udp6_context_watches_free (CoapUdp6Context *self)
{
        for (guint i = 0; self->watches != NULL && i < self->watches->len; i++)
                ((Watch *) g_ptr_array_index (self->watches, i))->removed = TRUE;
        purge (self);
}
