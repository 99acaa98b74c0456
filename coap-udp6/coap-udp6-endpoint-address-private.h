/* coap-udp6-endpoint-address-private.h: how the udp6 transport makes and
 * compares endpoint addresses (not installed)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "coap-udp6-endpoint-address.h"
#include "coap-udp6-pktinfo-private.h"

G_BEGIN_DECLS

/* What endpoint addresses hold instead of a GWeakRef to their interface:
 * a shared, refcounted pointer the interface clears when it is disposed.
 * GWeakRef takes a global lock and walks a per-object list on every
 * set/clear, which made each datagram's remote O(number of live remotes). */
typedef struct {
        CoapUdp6MessageInterface *iface;    /* unowned, NULL once disposed */
        gboolean secure;                    /* the interface speaks coaps */
} CoapUdp6InterfaceAnchor;

/* coap-udp6-message-interface.c */
CoapUdp6InterfaceAnchor *coap_udp6_message_interface_peek_anchor (CoapUdp6MessageInterface *self);

/* coap-udp6-endpoint-address.c */
/* A remote straight from recvmsg: its GInetSocketAddress is made only if
 * somebody asks for it. Takes @pktinfo. */
CoapUdp6EndpointAddress *coap_udp6_endpoint_address_new_native (const struct sockaddr_in6 *sin6,
                                                                CoapUdp6InterfaceAnchor   *anchor,
                                                                CoapUdp6Pktinfo           *pktinfo);
gboolean coap_udp6_endpoint_address_matches_native (CoapUdp6EndpointAddress   *self,
                                                    const struct sockaddr_in6 *sin6,
                                                    const CoapUdp6RawPktinfo  *pktinfo);
const struct sockaddr_in6 *coap_udp6_endpoint_address_peek_native (CoapUdp6EndpointAddress *self);
CoapUdp6MessageInterface *coap_udp6_endpoint_address_peek_interface (CoapUdp6EndpointAddress *self);
/* @transport's peer as a DTLS session authenticated it: @identity is the
 * PSK identity or certificate subject, NULL when none was proved. */
/* A coaps remote resolved from @host_name, which its certificate must
 * name. */
CoapUdp6EndpointAddress *coap_udp6_endpoint_address_new_named (const struct sockaddr_in6 *sin6,
                                                               CoapUdp6InterfaceAnchor   *anchor,
                                                               const char                *host_name);
const char *coap_udp6_endpoint_address_peek_host_name (CoapUdp6EndpointAddress *self);
CoapUdp6EndpointAddress *coap_udp6_endpoint_address_new_authenticated (CoapUdp6EndpointAddress *transport,
                                                                      const char              *identity);

G_END_DECLS
