/* coap-udp6-mid-key.c: the key of the (remote, message ID) tables
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-mid-key-private.h"

guint
coap_udp6_mid_key_hash (gconstpointer key)
{
        const CoapUdp6MidKey *k = key;

        return coap_udp6_endpoint_address_hash (k->remote) ^ (k->mid * 2654435761u);
}

gboolean
coap_udp6_mid_key_equal (gconstpointer a,
                         gconstpointer b)
{
        const CoapUdp6MidKey *ka = a, *kb = b;

        return ka->mid == kb->mid && coap_udp6_endpoint_address_equal (ka->remote, kb->remote);
}

CoapUdp6MidKey *
coap_udp6_mid_key_new (CoapUdp6EndpointAddress *remote,
                       guint                    mid)
{
        CoapUdp6MidKey *key = g_new0 (CoapUdp6MidKey, 1);

        key->remote = g_object_ref (remote);
        key->mid = mid;
        return key;
}

void
coap_udp6_mid_key_free (gpointer data)
{
        CoapUdp6MidKey *key = data;

        g_object_unref (key->remote);
        g_free (key);
}
