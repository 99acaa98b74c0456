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

/* The library's own answer to @self (block-wise transfer): take() gives
 * an empty message, the request's spare (see coap-udp6-reuse.c), to fill
 * with coap_udp6_message_copy_into() or the quiet setters; respond_own()
 * answers with it as with @own and keeps it for the next request, so no
 * message is made and freed per block. */
CoapUdp6Message *coap_udp6_request_take_own_response (CoapUdp6Request *self);
void coap_udp6_request_respond_own (CoapUdp6Request *self,
                                    CoapUdp6Message *response);

/* Resource:stream-uploads: the body as it arrives. */
void coap_udp6_request_set_body_stream_internal (CoapUdp6Request *self,
                                                 GInputStream    *stream);

G_END_DECLS
