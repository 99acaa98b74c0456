/* coap-udp6-reuse.c: when the library may reuse an object it lent
 *
 * Creating and disposing a GObject costs more than decoding a datagram
 * (about 290 ns against 30 ns for a GET on GLib 2.74), so the receive
 * path reuses the message and the request it handed to application code
 * for the next datagram — but only when that code left nothing on them.
 * The rules, all here:
 *
 * - the received message: reused when nothing else holds it after
 *   dispatch; one still held gets its own copy of the datagram, since the
 *   receive buffer is reused;
 * - the request: reused when render answered it (or it got its automatic
 *   5.00), it was not deferred and nothing else holds it (it has no
 *   properties, so a notify handler on it never runs);
 * - respond_payload()'s response message: always reused, as application
 *   code never sees it;
 * - the server's exchange record: reused when no request still refers to
 *   it (the caller checks its own reference count).
 *
 * COAP_UDP6_NO_REUSE (any value but "" or "0") turns all of it off.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-reuse-private.h"
#include "coap-udp6-message-private.h"
#include "coap-udp6-request-private.h"

#include <string.h>

gboolean
coap_udp6_reuse_enabled (void)
{
        static gsize state;                 /* 0: not read yet, 1: on, 2: off */

        if (g_once_init_enter (&state)) {
                const char *off = g_getenv ("COAP_UDP6_NO_REUSE");

                g_once_init_leave (&state, off != NULL && off[0] != '\0' && !g_str_equal (off, "0") ? 2 : 1);
        }
        return state == 1;
}

/* No reference but the caller's and no qdata: see below. */
static gboolean
object_is_unheld (gpointer object)
{
        GObject *gobject = object;

        return g_atomic_int_get (&gobject->ref_count) == 1 && gobject->qdata == NULL;
}

/* TRUE when @object has no reference but the caller's, no qdata (weak or
 * toggle references, a binding's wrapper, g_object_set_data()) and no
 * notify handler.
 *
 * What this reads of GObject's internals: the `ref_count` and `qdata`
 * fields of the GObject instance struct (public in gobject.h, documented
 * as private). Every other rule in this file goes through public API. The
 * objects this is asked about live in one main context's thread, so the
 * answer cannot change under the caller. */
gboolean
coap_udp6_object_is_unshared (gpointer object)
{
        static guint notify_signal;

        if (!object_is_unheld (object))
                return FALSE;
        if (notify_signal == 0)
                notify_signal = g_signal_lookup ("notify", G_TYPE_OBJECT);
        /* Not g_signal_has_handler_pending(): with detail 0 it misses
         * "notify::payload" and the like. */
        return g_signal_handler_find (object, G_SIGNAL_MATCH_ID, notify_signal, 0,
                                      NULL, NULL, NULL) == 0;
}

CoapUdp6Message *
coap_udp6_reuse_take_message (CoapUdp6Message **spare,
                              gboolean          emptied)
{
        g_autoptr (CoapUdp6Message) message = g_steal_pointer (spare);

        if (message != NULL && (emptied || coap_udp6_object_is_unshared (message)))
                return g_steal_pointer (&message);
        return g_object_new (COAP_UDP6_TYPE_MESSAGE, NULL);
}

/* Called once the datagram has been handled (and its reply sent): when
 * nothing kept the message, it is emptied now rather than when the next
 * datagram arrives, which keeps that work out of the next request's
 * latency. A message still held (a GTask about to return it, say) gets
 * its own copy of the datagram, whose buffer the next recvmmsg() reuses,
 * and is looked at again when the next datagram arrives. */
void
coap_udp6_reuse_keep_message (CoapUdp6Message **spare,
                              gboolean         *emptied,
                              CoapUdp6Message  *message,
                              gboolean          shut_down)
{
        gboolean unshared = coap_udp6_object_is_unshared (message);

        if (!unshared)
                coap_udp6_message_own_wire (message);
        g_clear_object (spare);
        if (shut_down || !coap_udp6_reuse_enabled ()) {
                g_object_unref (message);
                return;
        }
        *emptied = unshared;
        if (unshared)
                coap_udp6_message_clear_contents (message);
        *spare = message;
}

CoapUdp6Request *
coap_udp6_reuse_take_request (CoapUdp6Request **spare)
{
        return g_steal_pointer (spare);
}

void
coap_udp6_reuse_keep_request (CoapUdp6Request **spare,
                              CoapUdp6Request  *request,
                              gboolean          deferred,
                              gboolean          shut_down)
{
        /* A request has no properties, so it never emits notify: a
         * handler connected to it cannot see the next request, and
         * looking for one (g_signal_handler_find() takes the signal lock)
         * would cost as much as the rest of this (test-context.c checks
         * that it has none). */
        if (!deferred && *spare == NULL && !shut_down && coap_udp6_reuse_enabled () &&
            object_is_unheld (request)) {
                coap_udp6_request_finish_internal (request);
                *spare = request;
                return;
        }
        g_object_unref (request);
}

CoapUdp6Message *
coap_udp6_reuse_take_response (CoapUdp6Message **spare)
{
        CoapUdp6Message *response = g_steal_pointer (spare);

        return response != NULL ? response : g_object_new (COAP_UDP6_TYPE_MESSAGE, NULL);
}

void
coap_udp6_reuse_keep_response (CoapUdp6Message **spare,
                               CoapUdp6Message  *response)
{
        g_clear_object (spare);
        if (!coap_udp6_reuse_enabled ()) {
                g_object_unref (response);
                return;
        }
        /* Sent (or queued as bytes): emptying it now keeps that work out of
         * the next request's latency. */
        coap_udp6_message_clear_contents (response);
        *spare = response;
}

gpointer
coap_udp6_reuse_take_block (gpointer *spare,
                            gsize     size)
{
        gpointer block = g_steal_pointer (spare);

        return block != NULL ? block : g_malloc0 (size);
}

gboolean
coap_udp6_reuse_keep_block (gpointer *spare,
                            gpointer  block,
                            gsize     size)
{
        if (*spare != NULL || !coap_udp6_reuse_enabled ())
                return FALSE;
        memset (block, 0, size);
        *spare = block;
        return TRUE;
}
