/* coap-udp6-link-private.h: what the link-format parser needs of a link
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "coap-udp6-link.h"

G_BEGIN_DECLS

gboolean coap_udp6_link_target_is_valid (const char *target,
                                         gsize       length);
gboolean coap_udp6_link_is_parmname_char (char c);
gboolean coap_udp6_link_is_ptoken_char (char c);

CoapUdp6Link *coap_udp6_link_new_take (char *target);
void coap_udp6_link_take_attribute (CoapUdp6Link *self,
                                    char         *name,
                                    char         *value);
void coap_udp6_link_take_uri (CoapUdp6Link *self,
                              char         *uri);
void coap_udp6_link_append_to (CoapUdp6Link *self,
                               GString      *out);
/* The ";name=value" part alone, as a resource's link attributes. */
void coap_udp6_link_append_attributes_to (CoapUdp6Link *self,
                                          GString      *out);

G_END_DECLS
