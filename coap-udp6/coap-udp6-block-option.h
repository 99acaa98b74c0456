/* coap-udp6-block-option.h: the value of a Block1/Block2 option (RFC 7959)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__COAP_UDP6_H_INSIDE__) && !defined(COAP_UDP6_COMPILATION)
#error "Only <coap-udp6/coap-udp6.h> can be included directly."
#endif

#include <coap-udp6/coap-udp6-types.h>

G_BEGIN_DECLS

#define COAP_UDP6_TYPE_BLOCK_OPTION (coap_udp6_block_option_get_type ())

COAP_UDP6_AVAILABLE_IN_ALL
GType coap_udp6_block_option_get_type (void) G_GNUC_CONST;

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6BlockOption *coap_udp6_block_option_new (guint    num,
                                                 gboolean more,
                                                 guint    szx);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6BlockOption *coap_udp6_block_option_new_from_uint (guint32 value);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6BlockOption *coap_udp6_block_option_copy (const CoapUdp6BlockOption *self);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_block_option_free (CoapUdp6BlockOption *self);

COAP_UDP6_AVAILABLE_IN_ALL
guint coap_udp6_block_option_get_num (const CoapUdp6BlockOption *self);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_block_option_get_more (const CoapUdp6BlockOption *self);

COAP_UDP6_AVAILABLE_IN_ALL
guint coap_udp6_block_option_get_szx (const CoapUdp6BlockOption *self);

COAP_UDP6_AVAILABLE_IN_ALL
guint coap_udp6_block_option_get_size (const CoapUdp6BlockOption *self);

COAP_UDP6_AVAILABLE_IN_ALL
guint64 coap_udp6_block_option_get_start (const CoapUdp6BlockOption *self);

COAP_UDP6_AVAILABLE_IN_ALL
guint32 coap_udp6_block_option_to_uint (const CoapUdp6BlockOption *self);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_block_option_equal (const CoapUdp6BlockOption *a,
                                       const CoapUdp6BlockOption *b);

COAP_UDP6_AVAILABLE_IN_ALL
char *coap_udp6_block_option_to_string (const CoapUdp6BlockOption *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CoapUdp6BlockOption, coap_udp6_block_option_free)

G_END_DECLS
