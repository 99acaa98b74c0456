/* coap-udp6-credentials.h: keys and certificates for coaps (DTLS)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__COAP_UDP6_H_INSIDE__) && !defined(COAP_UDP6_COMPILATION)
#error "Only <coap-udp6/coap-udp6.h> can be included directly."
#endif

#include <coap-udp6/coap-udp6-types.h>

G_BEGIN_DECLS

#define COAP_UDP6_TYPE_CREDENTIALS (coap_udp6_credentials_get_type ())

COAP_UDP6_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CoapUdp6Credentials, coap_udp6_credentials, COAP_UDP6, CREDENTIALS, GObject)

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Credentials *coap_udp6_credentials_new (void);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_credentials_is_supported (void);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_credentials_set_psk (CoapUdp6Credentials *self,
                                    const char          *identity,
                                    GBytes              *key);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_credentials_add_psk (CoapUdp6Credentials *self,
                                    const char          *identity,
                                    GBytes              *key);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_credentials_load_psk_file (CoapUdp6Credentials *self,
                                              const char          *path,
                                              GError             **error);

COAP_UDP6_AVAILABLE_IN_ALL
const char *coap_udp6_credentials_get_psk_identity (CoapUdp6Credentials *self);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_credentials_set_certificate_files (CoapUdp6Credentials *self,
                                                      const char          *cert_file,
                                                      const char          *key_file,
                                                      GError             **error);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_credentials_set_certificate (CoapUdp6Credentials *self,
                                                GTlsCertificate     *certificate,
                                                GError             **error);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_credentials_set_ca_file (CoapUdp6Credentials *self,
                                            const char          *ca_file,
                                            GError             **error);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_credentials_set_pinned_certificate_file (CoapUdp6Credentials *self,
                                                            const char          *cert_file,
                                                            GError             **error);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_credentials_set_database (CoapUdp6Credentials *self,
                                         GTlsDatabase        *database);

COAP_UDP6_AVAILABLE_IN_ALL
GTlsDatabase *coap_udp6_credentials_get_database (CoapUdp6Credentials *self);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_credentials_set_raw_public_key (CoapUdp6Credentials *self,
                                                   const char          *private_key_pem,
                                                   GError             **error);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_credentials_set_raw_public_key_file (CoapUdp6Credentials *self,
                                                        const char          *path,
                                                        GError             **error);

COAP_UDP6_AVAILABLE_IN_ALL
const char *coap_udp6_credentials_get_raw_public_key_identity (CoapUdp6Credentials *self);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_credentials_add_peer_public_key (CoapUdp6Credentials *self,
                                                    const char          *identity_or_pem,
                                                    GError             **error);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_credentials_set_accept_any_public_key (CoapUdp6Credentials *self,
                                                      gboolean             accept_any);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_credentials_get_accept_any_public_key (CoapUdp6Credentials *self);

G_END_DECLS
