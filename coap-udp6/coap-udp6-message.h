/* coap-udp6-message.h: a CoAP message and its wire codec (RFC 7252 §3)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__COAP_UDP6_H_INSIDE__) && !defined(COAP_UDP6_COMPILATION)
#error "Only <coap-udp6/coap-udp6.h> can be included directly."
#endif

#include <coap-udp6/coap-udp6-types.h>
#include <coap-udp6/coap-udp6-code.h>
#include <coap-udp6/coap-udp6-option.h>
#include <coap-udp6/coap-udp6-block-option.h>

G_BEGIN_DECLS

#define COAP_UDP6_TYPE_MESSAGE (coap_udp6_message_get_type ())

COAP_UDP6_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CoapUdp6Message, coap_udp6_message, COAP_UDP6, MESSAGE, GObject)

/* Construction, copy and the wire format */

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Message *coap_udp6_message_new (CoapUdp6MessageType mtype,
                                        CoapUdp6Code        code);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Message *coap_udp6_message_copy (CoapUdp6Message *self);

COAP_UDP6_AVAILABLE_IN_ALL
GBytes *coap_udp6_message_encode (CoapUdp6Message *self,
                                  GError         **error);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Message *coap_udp6_message_decode (GBytes                  *data,
                                           CoapUdp6EndpointAddress *remote,
                                           GError                 **error);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_message_load (CoapUdp6Message         *self,
                                 GBytes                  *data,
                                 CoapUdp6EndpointAddress *remote,
                                 GError                 **error);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_message_peek_header (GBytes              *data,
                                        CoapUdp6MessageType *mtype,
                                        guint               *code,
                                        guint               *mid);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_message_check_options (CoapUdp6Message *self,
                                          GError         **error);

COAP_UDP6_AVAILABLE_IN_ALL
char **coap_udp6_message_get_option_problems (CoapUdp6Message *self);

COAP_UDP6_AVAILABLE_IN_ALL
char *coap_udp6_message_to_string (CoapUdp6Message *self);

/* Properties */

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6MessageType coap_udp6_message_get_mtype (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_mtype (CoapUdp6Message    *self,
                                  CoapUdp6MessageType mtype);

COAP_UDP6_AVAILABLE_IN_ALL
guint coap_udp6_message_get_code (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_code (CoapUdp6Message *self,
                                 guint            code);

COAP_UDP6_AVAILABLE_IN_ALL
guint coap_udp6_message_get_mid (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_mid (CoapUdp6Message *self,
                                guint            mid);

COAP_UDP6_AVAILABLE_IN_ALL
GBytes *coap_udp6_message_get_token (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_token (CoapUdp6Message *self,
                                  GBytes          *token);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_token_data (CoapUdp6Message *self,
                                       const guint8    *data,
                                       gsize            len);

COAP_UDP6_AVAILABLE_IN_ALL
GBytes *coap_udp6_message_get_payload (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_payload (CoapUdp6Message *self,
                                    GBytes          *payload);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_payload_data (CoapUdp6Message *self,
                                         const guint8    *data,
                                         gsize            len);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6EndpointAddress *coap_udp6_message_get_remote (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_remote (CoapUdp6Message         *self,
                                   CoapUdp6EndpointAddress *remote);

COAP_UDP6_AVAILABLE_IN_ALL
const char *coap_udp6_message_get_unresolved_remote (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_unresolved_remote (CoapUdp6Message *self,
                                              const char      *unresolved_remote);

COAP_UDP6_AVAILABLE_IN_ALL
const char *coap_udp6_message_get_requested_scheme (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_requested_scheme (CoapUdp6Message *self,
                                             const char      *scheme);

/* Generic options, kept in ascending number order */

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_add_option (CoapUdp6Message *self,
                                   guint            number,
                                   GBytes          *value);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_option (CoapUdp6Message *self,
                                   guint            number,
                                   GBytes          *value);
COAP_UDP6_AVAILABLE_IN_ALL
GPtrArray *coap_udp6_message_get_option_values (CoapUdp6Message *self,
                                                guint            number);
COAP_UDP6_AVAILABLE_IN_ALL
GBytes *coap_udp6_message_get_option (CoapUdp6Message *self,
                                      guint            number);
COAP_UDP6_AVAILABLE_IN_ALL
guint coap_udp6_message_remove_option (CoapUdp6Message *self,
                                       guint            number);
COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_message_has_option (CoapUdp6Message *self,
                                       guint            number);
COAP_UDP6_AVAILABLE_IN_ALL
guint coap_udp6_message_get_n_options (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
GBytes *coap_udp6_message_get_nth_option (CoapUdp6Message *self,
                                          guint            index,
                                          guint           *number);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_message_get_option_uint (CoapUdp6Message *self,
                                            guint            number,
                                            guint32         *value);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_option_uint (CoapUdp6Message *self,
                                        guint            number,
                                        guint32          value);
COAP_UDP6_AVAILABLE_IN_ALL
char *coap_udp6_message_get_option_string (CoapUdp6Message *self,
                                           guint            number);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_option_string (CoapUdp6Message *self,
                                          guint            number,
                                          const char      *value);
COAP_UDP6_AVAILABLE_IN_ALL
char **coap_udp6_message_get_option_strv (CoapUdp6Message *self,
                                          guint            number);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_option_strv (CoapUdp6Message   *self,
                                        guint              number,
                                        const char *const *values);

/* Typed options (RFC 7252, 7641, 7959, 7967, 8613, 8768, 9175) */

COAP_UDP6_AVAILABLE_IN_ALL
char **coap_udp6_message_get_uri_path (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_uri_path (CoapUdp6Message   *self,
                                     const char *const *values);
COAP_UDP6_AVAILABLE_IN_ALL
char **coap_udp6_message_get_uri_query (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_uri_query (CoapUdp6Message   *self,
                                      const char *const *values);
COAP_UDP6_AVAILABLE_IN_ALL
char **coap_udp6_message_get_location_path (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_location_path (CoapUdp6Message   *self,
                                          const char *const *values);
COAP_UDP6_AVAILABLE_IN_ALL
char **coap_udp6_message_get_location_query (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_location_query (CoapUdp6Message   *self,
                                           const char *const *values);
COAP_UDP6_AVAILABLE_IN_ALL
char *coap_udp6_message_get_uri_host (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_uri_host (CoapUdp6Message *self,
                                     const char      *value);
COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_message_get_uri_port (CoapUdp6Message *self,
                                         guint           *port);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_uri_port (CoapUdp6Message *self,
                                     guint            port);
COAP_UDP6_AVAILABLE_IN_ALL
char *coap_udp6_message_get_proxy_uri (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_proxy_uri (CoapUdp6Message *self,
                                      const char      *value);
COAP_UDP6_AVAILABLE_IN_ALL
char *coap_udp6_message_get_proxy_scheme (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_proxy_scheme (CoapUdp6Message *self,
                                         const char      *value);
COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_message_get_content_format (CoapUdp6Message *self,
                                               guint           *value);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_content_format (CoapUdp6Message *self,
                                           gint             value);
COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_message_get_accept (CoapUdp6Message *self,
                                       guint           *value);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_accept (CoapUdp6Message *self,
                                   gint             value);
COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_message_get_max_age (CoapUdp6Message *self,
                                        guint32         *seconds);
COAP_UDP6_AVAILABLE_IN_ALL
guint32 coap_udp6_message_get_effective_max_age (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_max_age (CoapUdp6Message *self,
                                    guint            seconds);
COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_message_get_observe (CoapUdp6Message *self,
                                        guint32         *value);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_observe (CoapUdp6Message *self,
                                    gint64           value);
COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6BlockOption *coap_udp6_message_get_block1 (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_block1 (CoapUdp6Message           *self,
                                   const CoapUdp6BlockOption *block);
COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6BlockOption *coap_udp6_message_get_block2 (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_block2 (CoapUdp6Message           *self,
                                   const CoapUdp6BlockOption *block);
COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_message_get_size1 (CoapUdp6Message *self,
                                      guint32         *value);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_size1 (CoapUdp6Message *self,
                                  gint64           value);
COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_message_get_size2 (CoapUdp6Message *self,
                                      guint32         *value);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_size2 (CoapUdp6Message *self,
                                  gint64           value);
COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_message_get_no_response (CoapUdp6Message *self,
                                            guint           *value);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_no_response (CoapUdp6Message *self,
                                        gint             value);
COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_message_get_hop_limit (CoapUdp6Message *self,
                                          guint           *value);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_hop_limit (CoapUdp6Message *self,
                                      gint             value);
COAP_UDP6_AVAILABLE_IN_ALL
GPtrArray *coap_udp6_message_get_etags (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_add_etag (CoapUdp6Message *self,
                                 GBytes          *value);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_add_etag_data (CoapUdp6Message *self,
                                      const guint8    *data,
                                      gsize            len);
COAP_UDP6_AVAILABLE_IN_ALL
GPtrArray *coap_udp6_message_get_if_match (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_add_if_match (CoapUdp6Message *self,
                                     GBytes          *value);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_add_if_match_data (CoapUdp6Message *self,
                                          const guint8    *data,
                                          gsize            len);
COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_message_get_if_none_match (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_if_none_match (CoapUdp6Message *self,
                                          gboolean         if_none_match);
COAP_UDP6_AVAILABLE_IN_ALL
GBytes *coap_udp6_message_get_echo (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_echo (CoapUdp6Message *self,
                                 GBytes          *value);
COAP_UDP6_AVAILABLE_IN_ALL
GPtrArray *coap_udp6_message_get_request_tags (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_add_request_tag (CoapUdp6Message *self,
                                        GBytes          *value);
COAP_UDP6_AVAILABLE_IN_ALL
GBytes *coap_udp6_message_get_oscore (CoapUdp6Message *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_set_oscore (CoapUdp6Message *self,
                                   GBytes          *value);

/* URIs (RFC 7252 §6.4, §6.5) */

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_message_set_request_uri (CoapUdp6Message *self,
                                            const char      *uri,
                                            GError         **error);
COAP_UDP6_AVAILABLE_IN_ALL
char *coap_udp6_message_get_request_uri (CoapUdp6Message *self);

G_END_DECLS
