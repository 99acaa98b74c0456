/* coap-udp6-message-interface.h: one dual-stack UDP socket (the udp6 transport)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__COAP_UDP6_H_INSIDE__) && !defined(COAP_UDP6_COMPILATION)
#error "Only <coap-udp6/coap-udp6.h> can be included directly."
#endif

#include <coap-udp6/coap-udp6-types.h>
#include <coap-udp6/coap-udp6-message.h>
#include <coap-udp6/coap-udp6-endpoint-address.h>
#include <coap-udp6/coap-udp6-message-manager.h>

G_BEGIN_DECLS

#define COAP_UDP6_TYPE_MESSAGE_INTERFACE (coap_udp6_message_interface_get_type ())

COAP_UDP6_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CoapUdp6MessageInterface, coap_udp6_message_interface, COAP_UDP6, MESSAGE_INTERFACE, GObject)

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6MessageInterface *coap_udp6_message_interface_new_client (CoapUdp6MessageManager *manager,
                                                                  GError                **error);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6MessageInterface *coap_udp6_message_interface_new_server (CoapUdp6MessageManager *manager,
                                                                  const char             *bind,
                                                                  const char *const      *multicast,
                                                                  GError                **error);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_interface_new_server_async (CoapUdp6MessageManager *manager,
                                                   const char             *bind,
                                                   const char *const      *multicast,
                                                   GCancellable           *cancellable,
                                                   GAsyncReadyCallback     callback,
                                                   gpointer                user_data);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6MessageInterface *coap_udp6_message_interface_new_server_finish (GAsyncResult *result,
                                                                         GError      **error);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6MessageManager *coap_udp6_message_interface_get_manager (CoapUdp6MessageInterface *self);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_interface_send (CoapUdp6MessageInterface *self,
                                       CoapUdp6Message          *message);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_interface_send_datagram (CoapUdp6MessageInterface *self,
                                                GBytes                   *datagram,
                                                CoapUdp6EndpointAddress  *remote);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_interface_determine_remote_async (CoapUdp6MessageInterface *self,
                                                         CoapUdp6Message          *message,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6EndpointAddress *coap_udp6_message_interface_determine_remote_finish (CoapUdp6MessageInterface *self,
                                                                              GAsyncResult             *result,
                                                                              GError                  **error);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_message_interface_recognize_remote (CoapUdp6MessageInterface *self,
                                                       CoapUdp6EndpointAddress  *remote);

COAP_UDP6_AVAILABLE_IN_ALL
guint coap_udp6_message_interface_get_local_port (CoapUdp6MessageInterface *self);

COAP_UDP6_AVAILABLE_IN_ALL
guint64 coap_udp6_message_interface_get_datagrams_received (CoapUdp6MessageInterface *self);

COAP_UDP6_AVAILABLE_IN_ALL
guint64 coap_udp6_message_interface_get_datagrams_dropped_unparsable (CoapUdp6MessageInterface *self);

COAP_UDP6_AVAILABLE_IN_ALL
guint64 coap_udp6_message_interface_get_datagrams_dropped_truncated (CoapUdp6MessageInterface *self);

COAP_UDP6_AVAILABLE_IN_ALL
guint64 coap_udp6_message_interface_get_errors_received (CoapUdp6MessageInterface *self);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_message_interface_set_multicast_hop_limit (CoapUdp6MessageInterface *self,
                                                              guint                     hop_limit,
                                                              GError                  **error);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_message_interface_shutdown_async (CoapUdp6MessageInterface *self,
                                                 GCancellable             *cancellable,
                                                 GAsyncReadyCallback       callback,
                                                 gpointer                  user_data);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_message_interface_shutdown_finish (CoapUdp6MessageInterface *self,
                                                      GAsyncResult             *result,
                                                      GError                  **error);

G_END_DECLS
