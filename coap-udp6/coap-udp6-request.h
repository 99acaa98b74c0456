/* coap-udp6-request.h: one request a server context is handling
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__COAP_UDP6_H_INSIDE__) && !defined(COAP_UDP6_COMPILATION)
#error "Only <coap-udp6/coap-udp6.h> can be included directly."
#endif

#include <coap-udp6/coap-udp6-types.h>
#include <coap-udp6/coap-udp6-message.h>
#include <coap-udp6/coap-udp6-endpoint-address.h>

G_BEGIN_DECLS

#define COAP_UDP6_TYPE_REQUEST (coap_udp6_request_get_type ())

COAP_UDP6_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CoapUdp6Request, coap_udp6_request, COAP_UDP6, REQUEST, GObject)

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Message *coap_udp6_request_get_message (CoapUdp6Request *self);

COAP_UDP6_AVAILABLE_IN_ALL
GInputStream *coap_udp6_request_get_body_stream (CoapUdp6Request *self);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6EndpointAddress *coap_udp6_request_get_remote (CoapUdp6Request *self);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_request_get_responded (CoapUdp6Request *self);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_request_defer (CoapUdp6Request *self);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_request_get_deferred (CoapUdp6Request *self);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_request_respond (CoapUdp6Request *self,
                                CoapUdp6Message *response);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_request_respond_payload (CoapUdp6Request *self,
                                        CoapUdp6Code     code,
                                        GBytes          *payload,
                                        gint             content_format);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_request_respond_code (CoapUdp6Request *self,
                                     CoapUdp6Code     code,
                                     const char      *text);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_request_fail (CoapUdp6Request *self,
                             const GError    *error);

G_END_DECLS
