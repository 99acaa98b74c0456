/* coap-udp6-observation.h: a resource observed by a client (RFC 7641)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__COAP_UDP6_H_INSIDE__) && !defined(COAP_UDP6_COMPILATION)
#error "Only <coap-udp6/coap-udp6.h> can be included directly."
#endif

#include <gio/gio.h>
#include <coap-udp6/coap-udp6-types.h>
#include <coap-udp6/coap-udp6-message.h>
#include <coap-udp6/coap-udp6-context.h>

G_BEGIN_DECLS

#define COAP_UDP6_TYPE_OBSERVATION (coap_udp6_observation_get_type ())

COAP_UDP6_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CoapUdp6Observation, coap_udp6_observation, COAP_UDP6, OBSERVATION, GObject)

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Observation *coap_udp6_context_observe (CoapUdp6Context *self,
                                                CoapUdp6Message *request,
                                                GCancellable    *cancellable,
                                                GError         **error);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Context *coap_udp6_observation_get_context (CoapUdp6Observation *self);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Message *coap_udp6_observation_get_latest (CoapUdp6Observation *self);

COAP_UDP6_AVAILABLE_IN_ALL
char *coap_udp6_observation_dup_latest_text (CoapUdp6Observation *self);

COAP_UDP6_AVAILABLE_IN_ALL
guint coap_udp6_observation_get_n_notifications (CoapUdp6Observation *self);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_observation_get_active (CoapUdp6Observation *self);

COAP_UDP6_AVAILABLE_IN_ALL
const GError *coap_udp6_observation_get_error (CoapUdp6Observation *self);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_observation_get_reregister (CoapUdp6Observation *self);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_observation_set_reregister (CoapUdp6Observation *self,
                                           gboolean             reregister);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_observation_forget (CoapUdp6Observation *self);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_observation_cancel_async (CoapUdp6Observation *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_observation_cancel_finish (CoapUdp6Observation *self,
                                              GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS
