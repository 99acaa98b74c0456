/* coap-udp6-resource-private.h: link-format filtering (RFC 6690 §4.1)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "coap-udp6-resource.h"
#include "coap-udp6-link.h"

G_BEGIN_DECLS

/* Whether @value matches a filter @pattern (a trailing "*": a prefix). */
gboolean coap_udp6_link_value_matches (const char *value,
                                       const char *pattern);
/* Whether the resource's link attribute @name matches @pattern; an
 * attribute it does not have never does. */
gboolean coap_udp6_resource_link_attribute_matches (CoapUdp6Resource *self,
                                                    const char       *name,
                                                    const char       *pattern);
/* The resource's link (RFC 6690) to @target, which it takes. */
CoapUdp6Link *coap_udp6_resource_to_link (CoapUdp6Resource *self,
                                          char             *target);
/* coap_udp6_resource_get_requires_peer_identity() without the type
 * check: read for every request the server dispatches. */
gboolean coap_udp6_resource_peek_requires_peer_identity (CoapUdp6Resource *self);

G_END_DECLS
