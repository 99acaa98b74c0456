/* coap-udp6-reuse-private.h: when the library may reuse an object it lent
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "coap-udp6-message.h"
#include "coap-udp6-request.h"

G_BEGIN_DECLS

/* FALSE when COAP_UDP6_NO_REUSE is set (read once): every object is then
 * made new and freed when done, for debugging (doc/debugging.md). */
gboolean coap_udp6_reuse_enabled (void);

gboolean coap_udp6_object_is_unshared (gpointer object);

/* The message a received datagram is decoded into
 * (coap-udp6-message-interface-io.c): @spare and @emptied are the
 * interface's. keep() takes @message (transfer full) once it has been
 * dispatched. */
CoapUdp6Message *coap_udp6_reuse_take_message (CoapUdp6Message **spare,
                                               gboolean          emptied);
void coap_udp6_reuse_keep_message (CoapUdp6Message **spare,
                                   gboolean         *emptied,
                                   CoapUdp6Message  *message,
                                   gboolean          shut_down);

/* The request handed to a resource (coap-udp6-context-server.c): take()
 * gives the context's spare (transfer full, nullable) for
 * coap_udp6_request_new_internal(); keep() takes @request (transfer full)
 * after render returned. A deferred request is never reused. */
CoapUdp6Request *coap_udp6_reuse_take_request (CoapUdp6Request **spare);
void coap_udp6_reuse_keep_request (CoapUdp6Request **spare,
                                   CoapUdp6Request  *request,
                                   gboolean          deferred,
                                   gboolean          shut_down);

/* The message respond_payload() answers with (coap-udp6-request.c): no
 * application code ever sees it. keep() takes @response (transfer full)
 * once it has been encoded. */
CoapUdp6Message *coap_udp6_reuse_take_response (CoapUdp6Message **spare);
void coap_udp6_reuse_keep_response (CoapUdp6Message **spare,
                                    CoapUdp6Message  *response);

/* A plain record of @size bytes (the server's exchange record): take()
 * gives a zeroed one; keep() zeroes @block and keeps it, or returns FALSE
 * and the caller frees it. */
gpointer coap_udp6_reuse_take_block (gpointer *spare,
                                     gsize     size);
gboolean coap_udp6_reuse_keep_block (gpointer *spare,
                                     gpointer  block,
                                     gsize     size);

G_END_DECLS
