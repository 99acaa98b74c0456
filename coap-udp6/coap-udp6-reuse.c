/* coap-udp6-reuse.c: when the library may reuse an object it lent
 *
 * Creating and disposing a GObject costs more than decoding a datagram
 * (about 290 ns against 30 ns for a GET on GLib 2.74), so the receive
 * path reuses the message and the request it handed to application code
 * for the next datagram — but only when that code left nothing on them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-reuse-private.h"

/* TRUE when @object has no reference but the caller's, no qdata (weak or
 * toggle references, a binding's wrapper, g_object_set_data()) and no
 * signal handler. The objects this is asked about live in one main
 * context's thread, so the answer cannot change under the caller. */
gboolean
coap_udp6_object_is_unshared (gpointer object)
{
        static guint notify_signal;
        GObject *gobject = object;

        if (g_atomic_int_get (&gobject->ref_count) != 1 || gobject->qdata != NULL)
                return FALSE;
        if (notify_signal == 0)
                notify_signal = g_signal_lookup ("notify", G_TYPE_OBJECT);
        /* Not g_signal_has_handler_pending(): with detail 0 it misses
         * "notify::payload" and the like. */
        return g_signal_handler_find (object, G_SIGNAL_MATCH_ID, notify_signal, 0,
                                      NULL, NULL, NULL) == 0;
}
