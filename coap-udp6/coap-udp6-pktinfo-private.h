/* coap-udp6-pktinfo-private.h: the kernel's in6_pktinfo behind a
 * CoapUdp6Pktinfo, and the in6 address helpers (not installed)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "coap-udp6-pktinfo.h"
#include "coap-udp6-socket-io-private.h"

G_BEGIN_DECLS

const CoapUdp6RawPktinfo *coap_udp6_pktinfo_peek (const CoapUdp6Pktinfo *self);
CoapUdp6Pktinfo *coap_udp6_pktinfo_new_raw (const CoapUdp6RawPktinfo *raw);

/* "127.0.0.1" for mapped addresses, "fe80::1%lo" when @scope is set. */
char *coap_udp6_format_in6 (const struct in6_addr *addr,
                            guint32                scope);
char *coap_udp6_format_ifname (guint32 ifindex);
gboolean coap_udp6_in6_is_multicast (const struct in6_addr *addr);
gboolean coap_udp6_in6_needs_scope (const struct in6_addr *addr);
void coap_udp6_in6_from_inet_address (GInetAddress    *address,
                                      struct in6_addr *out);

G_END_DECLS
