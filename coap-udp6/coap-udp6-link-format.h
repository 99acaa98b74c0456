/* coap-udp6-link-format.h: RFC 6690 link-format documents
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__COAP_UDP6_H_INSIDE__) && !defined(COAP_UDP6_COMPILATION)
#error "Only <coap-udp6/coap-udp6.h> can be included directly."
#endif

#include <coap-udp6/coap-udp6-types.h>
#include <coap-udp6/coap-udp6-link.h>

G_BEGIN_DECLS

COAP_UDP6_AVAILABLE_IN_ALL
GPtrArray *coap_udp6_link_format_parse (const char  *text,
                                        const char  *base_uri,
                                        GError     **error);

COAP_UDP6_AVAILABLE_IN_ALL
GPtrArray *coap_udp6_link_format_parse_bytes (GBytes      *payload,
                                              const char  *base_uri,
                                              GError     **error);

COAP_UDP6_AVAILABLE_IN_ALL
char *coap_udp6_link_format_build (GPtrArray *links);
COAP_UDP6_AVAILABLE_IN_ALL
char *coap_udp6_link_format_build_array (CoapUdp6Link **links,
                                         gsize          n_links);

G_END_DECLS
