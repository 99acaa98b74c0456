/* coap-udp6-observation-private.h: how a context feeds its observations
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "coap-udp6-observation.h"
#include "coap-udp6-endpoint-address.h"

G_BEGIN_DECLS

/* @request: (transfer full): the registration, Observe 0, its token set. */
CoapUdp6Observation *coap_udp6_observation_new_internal (CoapUdp6Context *context,
                                                         CoapUdp6Message *request);
GBytes *coap_udp6_observation_get_token_internal (CoapUdp6Observation *self);
/* The server, once known (nullable). */
CoapUdp6EndpointAddress *coap_udp6_observation_get_remote_internal (CoapUdp6Observation *self);
/* A response with the observation's token: the answer to a
 * (re-)registration or a notification. */
void coap_udp6_observation_receive (CoapUdp6Observation *self,
                                    CoapUdp6Message     *message);
/* Ends the observation with @error (transfer none), once. */
void coap_udp6_observation_end (CoapUdp6Observation *self,
                                const GError        *error);
/* Sends the registration: at the start and after Max-Age. */
void coap_udp6_observation_register (CoapUdp6Observation *self);

/* coap-udp6-context-observe-client.c */
/* A token no exchange and no observation uses. */
GBytes *coap_udp6_context_new_token (CoapUdp6Context *self);
void coap_udp6_context_add_observation (CoapUdp6Context     *self,
                                        CoapUdp6Observation *observation);
void coap_udp6_context_remove_observation (CoapUdp6Context     *self,
                                           CoapUdp6Observation *observation);
/* A response no exchange matched: TRUE when an observation took it. */
gboolean coap_udp6_context_dispatch_notification (CoapUdp6Context *self,
                                                  CoapUdp6Message *message);
/* Ends the observations of @remote (every one when %NULL: shutdown,
 * dispose); an ICMP error says the server is gone. */
void coap_udp6_context_end_observations (CoapUdp6Context         *self,
                                         CoapUdp6EndpointAddress *remote,
                                         const GError            *error);
/* Sends @request (its token kept) as coap_udp6_context_request_async()
 * does. */
void coap_udp6_context_request_with_token_async (CoapUdp6Context    *self,
                                                 CoapUdp6Message    *request,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);

G_END_DECLS
