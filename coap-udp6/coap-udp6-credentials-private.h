/* coap-udp6-credentials-private.h: what the DTLS transport reads from
 * credentials (not installed)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "coap-udp6-credentials.h"

G_BEGIN_DECLS

GBytes *coap_udp6_credentials_peek_psk_key (CoapUdp6Credentials *self);
/* The key for a client's identity: the lookup-psk signal, the table of
 * add_psk(), else the key of set_psk(); NULL for none. */
GBytes *coap_udp6_credentials_lookup_psk (CoapUdp6Credentials *self,
                                          const char          *identity);
gboolean coap_udp6_credentials_has_psk (CoapUdp6Credentials *self);
GBytes *coap_udp6_credentials_peek_certificate_pem (CoapUdp6Credentials *self);
GBytes *coap_udp6_credentials_peek_private_key_pem (CoapUdp6Credentials *self);
GBytes *coap_udp6_credentials_peek_ca_pem (CoapUdp6Credentials *self);
GBytes *coap_udp6_credentials_peek_pinned_pem (CoapUdp6Credentials *self);

G_END_DECLS
