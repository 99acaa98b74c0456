/* coap-udp6-context-observe-client.c: the observations of a client
 * context (RFC 7641): their table and the notifications no pending
 * request matches
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-context-private.h"
#include "coap-udp6-observation-private.h"
#include "coap-udp6-code.h"

#include <sys/random.h>

#define OBSERVATION_TOKEN_LENGTH 8

GBytes *
coap_udp6_context_new_token (CoapUdp6Context *self)
{
        guint8 buf[OBSERVATION_TOKEN_LENGTH];
        GBytes *token = NULL;

        do {
                g_clear_pointer (&token, g_bytes_unref);
                if (getrandom (buf, sizeof buf, 0) != (ssize_t) sizeof buf)
                        for (guint i = 0; i < sizeof buf; i++)
                                buf[i] = g_random_int_range (0, 256);
                token = g_bytes_new (buf, sizeof buf);
        } while (g_hash_table_contains (self->exchanges, token) ||
                 (self->observations != NULL && g_hash_table_contains (self->observations, token)));
        return token;
}

void
coap_udp6_context_add_observation (CoapUdp6Context     *self,
                                   CoapUdp6Observation *observation)
{
        if (self->observations == NULL)
                self->observations = g_hash_table_new (g_bytes_hash, g_bytes_equal);
        g_hash_table_insert (self->observations,
                             coap_udp6_observation_get_token_internal (observation), observation);
}

void
coap_udp6_context_remove_observation (CoapUdp6Context     *self,
                                      CoapUdp6Observation *observation)
{
        GBytes *token = coap_udp6_observation_get_token_internal (observation);

        if (self->observations != NULL &&
            g_hash_table_lookup (self->observations, token) == observation)
                g_hash_table_remove (self->observations, token);
}

gboolean
coap_udp6_context_dispatch_notification (CoapUdp6Context *self,
                                         CoapUdp6Message *message)
{
        CoapUdp6Observation *observation =
                g_hash_table_lookup (self->observations, coap_udp6_message_get_token (message));
        CoapUdp6EndpointAddress *remote = coap_udp6_message_get_remote (message);
        CoapUdp6EndpointAddress *server;
        guint mid = coap_udp6_message_get_mid (message);

        if (observation == NULL || !coap_udp6_code_is_response (coap_udp6_message_get_code (message)))
                return FALSE;
        server = coap_udp6_observation_get_remote_internal (observation);
        if (server != NULL && !coap_udp6_endpoint_address_equal (server, remote))
                return FALSE;
        switch (coap_udp6_message_get_mtype (message)) {
        case COAP_UDP6_MESSAGE_TYPE_CON: {
                g_autoptr (CoapUdp6Message) ack =
                        coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK, COAP_UDP6_CODE_EMPTY);
                CoapUdp6Encoded encoded;

                coap_udp6_message_set_mid (ack, mid);
                if (coap_udp6_context_send_encoded (self, ack, remote, &encoded)) {
                        coap_udp6_context_dedup_store (self, remote, mid, encoded.data, encoded.len,
                                                       NULL, FALSE);
                        coap_udp6_encoded_clear (&encoded);
                }
                break;
        }
        case COAP_UDP6_MESSAGE_TYPE_NON:
                coap_udp6_context_dedup_store (self, remote, mid, NULL, 0, NULL, FALSE);
                break;
        default:
                break;
        }
        g_object_ref (observation);
        coap_udp6_observation_receive (observation, message);
        g_object_unref (observation);
        return TRUE;
}

void
coap_udp6_context_end_observations (CoapUdp6Context         *self,
                                    CoapUdp6EndpointAddress *remote,
                                    const GError            *error)
{
        g_autoptr (GPtrArray) victims = NULL;
        GHashTableIter iter;
        gpointer value;

        if (self->observations == NULL || g_hash_table_size (self->observations) == 0)
                return;
        victims = g_ptr_array_new_with_free_func (g_object_unref);
        g_hash_table_iter_init (&iter, self->observations);
        while (g_hash_table_iter_next (&iter, NULL, &value)) {
                CoapUdp6EndpointAddress *server = coap_udp6_observation_get_remote_internal (value);

                if (remote == NULL || (server != NULL && coap_udp6_endpoint_address_equal (server, remote)))
                        g_ptr_array_add (victims, g_object_ref (value));
        }
        for (guint i = 0; i < victims->len; i++)
                coap_udp6_observation_end (g_ptr_array_index (victims, i), error);
}
