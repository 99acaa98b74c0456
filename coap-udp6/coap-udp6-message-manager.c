/* coap-udp6-message-manager.c: what a message interface delivers to
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-message-manager.h"

/**
 * CoapUdp6MessageManager:
 *
 * The receiving side of a [class@MessageInterface]: the interface hands
 * every received message, every error about a remote and (optionally)
 * every unparsable datagram to its manager. [class@Context] implements
 * it; tests and bindings can implement it too.
 *
 * Since: 1.0
 */
G_DEFINE_INTERFACE (CoapUdp6MessageManager, coap_udp6_message_manager,
                    G_TYPE_OBJECT)

static void
coap_udp6_message_manager_default_init (CoapUdp6MessageManagerInterface *iface)
{
}

/**
 * coap_udp6_message_manager_dispatch_message:
 * @self: a #CoapUdp6MessageManager
 * @message: a received message; its remote is set
 *
 * Delivers a received message.
 *
 * Since: 1.0
 */
void
coap_udp6_message_manager_dispatch_message (CoapUdp6MessageManager *self,
                                            CoapUdp6Message        *message)
{
        CoapUdp6MessageManagerInterface *iface;

        g_return_if_fail (COAP_UDP6_IS_MESSAGE_MANAGER (self));
        g_return_if_fail (COAP_UDP6_IS_MESSAGE (message));

        iface = COAP_UDP6_MESSAGE_MANAGER_GET_IFACE (self);
        g_return_if_fail (iface->dispatch_message != NULL);
        iface->dispatch_message (self, message);
}

/**
 * coap_udp6_message_manager_dispatch_error:
 * @self: a #CoapUdp6MessageManager
 * @error: what went wrong (usually in the %G_IO_ERROR domain)
 * @remote: the remote the error is about
 *
 * Delivers an error about a remote: a failed send, or an ICMP error.
 *
 * Since: 1.0
 */
void
coap_udp6_message_manager_dispatch_error (CoapUdp6MessageManager  *self,
                                          const GError            *error,
                                          CoapUdp6EndpointAddress *remote)
{
        CoapUdp6MessageManagerInterface *iface;

        g_return_if_fail (COAP_UDP6_IS_MESSAGE_MANAGER (self));
        g_return_if_fail (error != NULL);
        g_return_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS (remote));

        iface = COAP_UDP6_MESSAGE_MANAGER_GET_IFACE (self);
        g_return_if_fail (iface->dispatch_error != NULL);
        iface->dispatch_error (self, error, remote);
}

/**
 * coap_udp6_message_manager_dispatch_unparsable:
 * @self: a #CoapUdp6MessageManager
 * @datagram: the datagram as received
 * @remote: where it came from
 * @reason: why it could not be parsed
 *
 * Delivers a datagram that is not a well-formed CoAP message, so that a
 * CON with a broken body can be answered with a Reset. Ignored when the
 * manager does not implement it.
 *
 * Since: 1.0
 */
void
coap_udp6_message_manager_dispatch_unparsable (CoapUdp6MessageManager  *self,
                                               GBytes                  *datagram,
                                               CoapUdp6EndpointAddress *remote,
                                               const GError            *reason)
{
        CoapUdp6MessageManagerInterface *iface;

        g_return_if_fail (COAP_UDP6_IS_MESSAGE_MANAGER (self));
        g_return_if_fail (datagram != NULL);
        g_return_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS (remote));
        g_return_if_fail (reason != NULL);

        iface = COAP_UDP6_MESSAGE_MANAGER_GET_IFACE (self);
        if (iface->dispatch_unparsable != NULL)
                iface->dispatch_unparsable (self, datagram, remote, reason);
}
