/* coap-udp6-message-manager.h: what a message interface delivers to
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

#define COAP_UDP6_TYPE_MESSAGE_MANAGER (coap_udp6_message_manager_get_type ())

COAP_UDP6_AVAILABLE_IN_ALL
G_DECLARE_INTERFACE (CoapUdp6MessageManager, coap_udp6_message_manager, COAP_UDP6, MESSAGE_MANAGER, GObject)

/**
 * CoapUdp6MessageManagerInterface:
 * @g_iface: the parent interface
 * @dispatch_message: a message arrived; its remote is set. Take a
 *   reference to keep it beyond the call: a message nothing holds is
 *   reloaded for a later datagram.
 * @dispatch_error: sending to @remote failed, or an ICMP error about it
 *   arrived
 * @dispatch_unparsable: (nullable): a datagram that is not a CoAP message
 *   arrived; optional (%NULL ignores it)
 *
 * The virtual methods a message manager (usually a [class@Context])
 * implements to receive what a [class@MessageInterface] reads.
 *
 * Since: 1.0
 */
struct _CoapUdp6MessageManagerInterface {
        GTypeInterface g_iface;

        void (*dispatch_message)    (CoapUdp6MessageManager  *self,
                                     CoapUdp6Message         *message);
        void (*dispatch_error)      (CoapUdp6MessageManager  *self,
                                     const GError            *error,
                                     CoapUdp6EndpointAddress *remote);
        void (*dispatch_unparsable) (CoapUdp6MessageManager  *self,
                                     GBytes                  *datagram,
                                     CoapUdp6EndpointAddress *remote,
                                     const GError            *reason);
};

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_manager_dispatch_message (CoapUdp6MessageManager *self,
                                                 CoapUdp6Message        *message);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_manager_dispatch_error (CoapUdp6MessageManager  *self,
                                               const GError            *error,
                                               CoapUdp6EndpointAddress *remote);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_manager_dispatch_unparsable (CoapUdp6MessageManager  *self,
                                                    GBytes                  *datagram,
                                                    CoapUdp6EndpointAddress *remote,
                                                    const GError            *reason);

G_END_DECLS
