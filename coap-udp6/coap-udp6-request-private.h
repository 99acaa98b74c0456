/* coap-udp6-request-private.h: how a context creates requests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "coap-udp6-request.h"

G_BEGIN_DECLS

typedef void (*CoapUdp6RequestRespondFunc) (CoapUdp6Request *request,
                                            CoapUdp6Message *response,
                                            gpointer         user_data);

CoapUdp6Request *coap_udp6_request_new_internal (CoapUdp6Message           *message,
                                                 CoapUdp6RequestRespondFunc func,
                                                 gpointer                   user_data,
                                                 GDestroyNotify             destroy);

G_END_DECLS
