/* coap-udp6-link.h: one link of an RFC 6690 link-format document
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__COAP_UDP6_H_INSIDE__) && !defined(COAP_UDP6_COMPILATION)
#error "Only <coap-udp6/coap-udp6.h> can be included directly."
#endif

#include <coap-udp6/coap-udp6-types.h>

G_BEGIN_DECLS

typedef struct _CoapUdp6Link CoapUdp6Link;

#define COAP_UDP6_TYPE_LINK (coap_udp6_link_get_type ())

COAP_UDP6_AVAILABLE_IN_ALL
GType coap_udp6_link_get_type (void) G_GNUC_CONST;

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Link *coap_udp6_link_new (const char *target);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Link *coap_udp6_link_ref (CoapUdp6Link *self);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_link_unref (CoapUdp6Link *self);

COAP_UDP6_AVAILABLE_IN_ALL
const char *coap_udp6_link_get_target (CoapUdp6Link *self);

COAP_UDP6_AVAILABLE_IN_ALL
const char *coap_udp6_link_get_uri (CoapUdp6Link *self);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_link_add_attribute (CoapUdp6Link *self,
                                   const char   *name,
                                   const char   *value);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_link_has_attribute (CoapUdp6Link *self,
                                       const char   *name);

COAP_UDP6_AVAILABLE_IN_ALL
const char *coap_udp6_link_get_attribute (CoapUdp6Link *self,
                                          const char   *name);

COAP_UDP6_AVAILABLE_IN_ALL
GStrv coap_udp6_link_get_attribute_values (CoapUdp6Link *self,
                                           const char   *name);

COAP_UDP6_AVAILABLE_IN_ALL
GStrv coap_udp6_link_get_attribute_names (CoapUdp6Link *self);

COAP_UDP6_AVAILABLE_IN_ALL
char *coap_udp6_link_to_string (CoapUdp6Link *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CoapUdp6Link, coap_udp6_link_unref)

G_END_DECLS
