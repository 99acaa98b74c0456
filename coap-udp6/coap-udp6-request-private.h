/* coap-udp6-request-private.h: how a context creates requests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "coap-udp6-request.h"

G_BEGIN_DECLS

/* @own: @response is the library's own message (respond_payload()):
 * nothing else can see it, so it may be changed without notify. */
typedef void (*CoapUdp6RequestRespondFunc) (CoapUdp6Request *request,
                                            CoapUdp6Message *response,
                                            gboolean         own,
                                            gpointer         user_data);

/* @reused: (transfer full) (nullable): a request ended with
 * coap_udp6_request_finish_internal() that nothing else holds. */
CoapUdp6Request *coap_udp6_request_new_internal (CoapUdp6Request           *reused,
                                                 CoapUdp6Message           *message,
                                                 CoapUdp6RequestRespondFunc func,
                                                 gpointer                   user_data,
                                                 GDestroyNotify             destroy);
/* When render has returned: answers 5.00 a request that was neither
 * answered nor deferred; TRUE when it waits for a later response. */
gboolean coap_udp6_request_end_render_internal (CoapUdp6Request *self);
/* What the last unref does: a 5.00 response if none was given, then the
 * user data and the message are released. */
void coap_udp6_request_finish_internal (CoapUdp6Request *self);

/* Resource:stream-uploads: the body as it arrives. */
void coap_udp6_request_set_body_stream_internal (CoapUdp6Request *self,
                                                 GInputStream    *stream);

G_END_DECLS
