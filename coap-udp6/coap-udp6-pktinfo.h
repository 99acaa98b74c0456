/* coap-udp6-pktinfo.h: a local address and interface (struct in6_pktinfo)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__COAP_UDP6_H_INSIDE__) && !defined(COAP_UDP6_COMPILATION)
#error "Only <coap-udp6/coap-udp6.h> can be included directly."
#endif

#include <coap-udp6/coap-udp6-types.h>

G_BEGIN_DECLS

#define COAP_UDP6_TYPE_PKTINFO (coap_udp6_pktinfo_get_type ())

COAP_UDP6_AVAILABLE_IN_ALL
GType coap_udp6_pktinfo_get_type (void) G_GNUC_CONST;

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Pktinfo *coap_udp6_pktinfo_new (GInetAddress *address,
                                        guint         ifindex);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Pktinfo *coap_udp6_pktinfo_new_from_bytes (GBytes  *bytes,
                                                   GError **error);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Pktinfo *coap_udp6_pktinfo_new_interface_only (guint    ifindex,
                                                       gboolean ipv4);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Pktinfo *coap_udp6_pktinfo_copy (const CoapUdp6Pktinfo *self);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_pktinfo_free (CoapUdp6Pktinfo *self);

COAP_UDP6_AVAILABLE_IN_ALL
GInetAddress *coap_udp6_pktinfo_get_address (const CoapUdp6Pktinfo *self);

COAP_UDP6_AVAILABLE_IN_ALL
guint coap_udp6_pktinfo_get_ifindex (const CoapUdp6Pktinfo *self);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_pktinfo_is_interface_only (const CoapUdp6Pktinfo *self);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_pktinfo_is_multicast (const CoapUdp6Pktinfo *self);

COAP_UDP6_AVAILABLE_IN_ALL
GBytes *coap_udp6_pktinfo_to_bytes (const CoapUdp6Pktinfo *self);

COAP_UDP6_AVAILABLE_IN_ALL
char *coap_udp6_pktinfo_to_string (const CoapUdp6Pktinfo *self);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_pktinfo_equal (const CoapUdp6Pktinfo *a,
                                  const CoapUdp6Pktinfo *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CoapUdp6Pktinfo, coap_udp6_pktinfo_free)

G_END_DECLS
