/* coap-udp6-endpoint-address.h: a remote of the udp6 transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__COAP_UDP6_H_INSIDE__) && !defined(COAP_UDP6_COMPILATION)
#error "Only <coap-udp6/coap-udp6.h> can be included directly."
#endif

#include <coap-udp6/coap-udp6-types.h>
#include <coap-udp6/coap-udp6-pktinfo.h>

G_BEGIN_DECLS

#define COAP_UDP6_TYPE_ENDPOINT_ADDRESS (coap_udp6_endpoint_address_get_type ())

COAP_UDP6_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CoapUdp6EndpointAddress, coap_udp6_endpoint_address, COAP_UDP6, ENDPOINT_ADDRESS, GObject)

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6EndpointAddress *coap_udp6_endpoint_address_new (GInetSocketAddress       *sockaddr,
                                                         CoapUdp6MessageInterface *interface,
                                                         CoapUdp6Pktinfo          *pktinfo);

COAP_UDP6_AVAILABLE_IN_ALL
GInetSocketAddress *coap_udp6_endpoint_address_get_sockaddr (CoapUdp6EndpointAddress *self);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6MessageInterface *coap_udp6_endpoint_address_get_interface (CoapUdp6EndpointAddress *self);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Pktinfo *coap_udp6_endpoint_address_get_pktinfo (CoapUdp6EndpointAddress *self);

COAP_UDP6_AVAILABLE_IN_ALL
const char *coap_udp6_endpoint_address_get_scheme (CoapUdp6EndpointAddress *self);

COAP_UDP6_AVAILABLE_IN_ALL
const char *coap_udp6_endpoint_address_get_peer_identity (CoapUdp6EndpointAddress *self);

COAP_UDP6_AVAILABLE_IN_ALL
char *coap_udp6_endpoint_address_get_hostinfo (CoapUdp6EndpointAddress *self);

COAP_UDP6_AVAILABLE_IN_ALL
char *coap_udp6_endpoint_address_get_netif (CoapUdp6EndpointAddress *self);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_endpoint_address_is_multicast (CoapUdp6EndpointAddress *self);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_endpoint_address_is_multicast_locally (CoapUdp6EndpointAddress *self);

COAP_UDP6_AVAILABLE_IN_ALL
char *coap_udp6_endpoint_address_get_uri (CoapUdp6EndpointAddress *self,
                                          GError                 **error);

COAP_UDP6_AVAILABLE_IN_ALL
char *coap_udp6_endpoint_address_get_hostinfo_local (CoapUdp6EndpointAddress *self,
                                                     GError                 **error);

COAP_UDP6_AVAILABLE_IN_ALL
char *coap_udp6_endpoint_address_get_uri_local (CoapUdp6EndpointAddress *self,
                                                GError                 **error);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6EndpointAddress *coap_udp6_endpoint_address_as_response_address (CoapUdp6EndpointAddress *self);

COAP_UDP6_AVAILABLE_IN_ALL
char *coap_udp6_endpoint_address_get_blockwise_key (CoapUdp6EndpointAddress *self);

COAP_UDP6_AVAILABLE_IN_ALL
guint coap_udp6_endpoint_address_get_maximum_block_size_exp (CoapUdp6EndpointAddress *self);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_endpoint_address_set_maximum_block_size_exp (CoapUdp6EndpointAddress *self,
                                                            guint                    szx);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_endpoint_address_equal (gconstpointer a,
                                           gconstpointer b);

COAP_UDP6_AVAILABLE_IN_ALL
guint coap_udp6_endpoint_address_hash (gconstpointer address);

COAP_UDP6_AVAILABLE_IN_ALL
char *coap_udp6_endpoint_address_to_string (CoapUdp6EndpointAddress *self);

G_END_DECLS
