/* coap-udp6-observer-private.h: a client that observes a resource of a
 * server context (RFC 7641 §4), see coap-udp6-context-observe-server.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "coap-udp6-context-private.h"
#include "coap-udp6-message-private.h"
#include "coap-udp6-option.h"

G_BEGIN_DECLS

typedef struct _CoapUdp6Observer CoapUdp6Observer;

/* Options are in ascending order: a request whose first option comes
 * after Observe (a typical GET starts with Uri-Path, 11) is decided by one
 * comparison. */
static inline gboolean
coap_udp6_message_has_observe_internal (CoapUdp6Message *message)
{
        if (message->n_opts == 0 || message->opts[0].number > COAP_UDP6_OPTION_OBSERVE)
                return FALSE;
        for (guint i = 0; i < message->n_opts && message->opts[i].number <= COAP_UDP6_OPTION_OBSERVE; i++)
                if (message->opts[i].number == COAP_UDP6_OPTION_OBSERVE)
                        return TRUE;
        return FALSE;
}

/* coap-udp6-resource.c */
GQueue *coap_udp6_resource_get_observers_internal (CoapUdp6Resource *resource);
guint32 coap_udp6_resource_get_sequence_internal (CoapUdp6Resource *resource);

/* coap-udp6-context-observe-server.c */
/* Before render, for a request with Observe or to an observed resource:
 * forgets the requester's earlier registration (same remote and token,
 * RFC 7641 §3.6, §4.1); TRUE when the request registers. */
gboolean coap_udp6_context_observe_check (CoapUdp6Context  *self,
                                          CoapUdp6Resource *resource,
                                          CoapUdp6Message  *request);
/* The reply to a registration: a 2.xx adds the observer (within the
 * limits) and gets an Observe option. */
void coap_udp6_context_observe_reply (CoapUdp6Context         *self,
                                      CoapUdp6Resource        *resource,
                                      CoapUdp6Message         *request,
                                      CoapUdp6EndpointAddress *remote,
                                      CoapUdp6Message         *reply);
/* A Reset that no CON transmission matched. */
void coap_udp6_context_observer_reset (CoapUdp6Context *self,
                                       CoapUdp6Message *reset);
/* Ends the observers of @resource (all when %NULL) with a final
 * response of @code (none when 0). */
void coap_udp6_context_end_observers (CoapUdp6Context  *self,
                                      CoapUdp6Resource *resource,
                                      guint             code);
/* Renders @resource again for each of its observers. */
void coap_udp6_observers_notify (GQueue *observers);

G_END_DECLS
