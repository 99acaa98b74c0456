/* coap-udp6-mid-key-private.h: the key of the (remote, message ID) tables
 * (not installed)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "coap-udp6-endpoint-address.h"

G_BEGIN_DECLS

/* Key of the (remote, MID) tables: transmissions and deduplication. */
typedef struct {
        CoapUdp6EndpointAddress *remote;    /* owned */
        guint mid;
} CoapUdp6MidKey;

guint coap_udp6_mid_key_hash (gconstpointer key);
gboolean coap_udp6_mid_key_equal (gconstpointer a,
                                  gconstpointer b);
void coap_udp6_mid_key_free (gpointer key);
CoapUdp6MidKey *coap_udp6_mid_key_new (CoapUdp6EndpointAddress *remote,
                                       guint                    mid);

G_END_DECLS
