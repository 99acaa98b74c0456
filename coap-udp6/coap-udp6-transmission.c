/* coap-udp6-transmission.c: reliable CON transmission and deduplication
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-context-private.h"
#include "coap-udp6-code.h"

struct _CoapUdp6Transmission {
        CoapUdp6Context *context;           /* unowned */
        CoapUdp6MidKey *key;                /* owned */
        GBytes *datagram;                   /* owned: the first send's bytes */
        guint retransmits;
        guint timeout_ms;
        CoapUdp6Timer *timer;               /* owned */
        CoapUdp6TransmissionDone done;
        gpointer user_data;
};

static void
transmission_free (CoapUdp6Transmission *tx)
{
        coap_udp6_context_cancel_timer (tx->context, &tx->timer);
        coap_udp6_mid_key_free (tx->key);
        g_bytes_unref (tx->datagram);
        g_free (tx);
}

static void
transmission_resend (CoapUdp6Transmission *tx)
{
        CoapUdp6MessageInterface *iface = coap_udp6_endpoint_address_get_interface (tx->key->remote);

        if (iface == NULL && tx->context->interfaces->len > 0)
                iface = g_object_ref (g_ptr_array_index (tx->context->interfaces, 0));
        if (iface != NULL) {
                coap_udp6_message_interface_send_datagram (iface, tx->datagram, tx->key->remote);
                g_object_unref (iface);
        }
}

static void
transmission_timeout_cb (gpointer data)
{
        CoapUdp6Transmission *tx = data;
        CoapUdp6Context *self = tx->context;

        tx->timer = NULL;
        if (tx->retransmits < self->max_retransmit) {
                tx->retransmits++;
                tx->timeout_ms *= 2;
                transmission_resend (tx);
                tx->timer = coap_udp6_context_add_timer (self, tx->timeout_ms / 1000.0,
                                                         transmission_timeout_cb, tx);
                return;
        }
        g_hash_table_steal (self->transmissions, tx->key);
        if (tx->done != NULL)
                tx->done (tx, NULL, tx->user_data);
        transmission_free (tx);
}

void
coap_udp6_context_transmit_con (CoapUdp6Context         *self,
                                GBytes                  *datagram,
                                CoapUdp6EndpointAddress *remote,
                                guint                    mid,
                                CoapUdp6TransmissionDone done,
                                gpointer                 user_data)
{
        CoapUdp6Transmission *tx = g_new0 (CoapUdp6Transmission, 1);
        gdouble initial;

        tx->context = self;
        tx->key = coap_udp6_mid_key_new (remote, mid);
        tx->datagram = g_bytes_ref (datagram);
        tx->done = done;
        tx->user_data = user_data;
        /* RFC 7252 §4.2: random in [ACK_TIMEOUT, ACK_TIMEOUT * ACK_RANDOM_FACTOR]. */
        initial = self->ack_timeout * g_random_double_range (1.0, self->ack_random_factor);
        tx->timeout_ms = MAX (1, (guint) (initial * 1000));
        g_hash_table_replace (self->transmissions, tx->key, tx);
        transmission_resend (tx);
        tx->timer = coap_udp6_context_add_timer (self, tx->timeout_ms / 1000.0,
                                                 transmission_timeout_cb, tx);
}

gboolean
coap_udp6_context_handle_ack_rst (CoapUdp6Context *self,
                                  CoapUdp6Message *message)
{
        CoapUdp6MidKey key = { coap_udp6_message_get_remote (message),
                               coap_udp6_message_get_mid (message) };
        CoapUdp6Transmission *tx = g_hash_table_lookup (self->transmissions, &key);

        if (tx == NULL)
                return FALSE;
        g_hash_table_steal (self->transmissions, tx->key);
        if (tx->done != NULL)
                tx->done (tx, message, tx->user_data);
        transmission_free (tx);
        return TRUE;
}

void
coap_udp6_context_cancel_transmissions (CoapUdp6Context *self,
                                        gpointer         user_data)
{
        GHashTableIter iter;
        gpointer value;

        g_hash_table_iter_init (&iter, self->transmissions);
        while (g_hash_table_iter_next (&iter, NULL, &value)) {
                CoapUdp6Transmission *tx = value;

                if (tx->user_data != user_data)
                        continue;
                g_hash_table_iter_steal (&iter);
                transmission_free (tx);
        }
}

void
coap_udp6_context_clear_transmissions (CoapUdp6Context *self)
{
        GHashTableIter iter;
        gpointer value;

        g_hash_table_iter_init (&iter, self->transmissions);
        while (g_hash_table_iter_next (&iter, NULL, &value)) {
                g_hash_table_iter_steal (&iter);
                transmission_free (value);
        }
}

typedef struct {
        CoapUdp6MidKey *key;                /* owned */
        GBytes *reply;                      /* owned, nullable: no reply yet */
        CoapUdp6EndpointAddress *reply_remote; /* owned, nullable */
        gint64 expires;
} DedupEntry;

void
coap_udp6_dedup_entry_free (gpointer data)
{
        DedupEntry *entry = data;

        coap_udp6_mid_key_free (entry->key);
        g_clear_pointer (&entry->reply, g_bytes_unref);
        g_clear_object (&entry->reply_remote);
        g_free (entry);
}

static void
dedup_expire (CoapUdp6Context *self)
{
        gint64 now = coap_udp6_context_now (self);

        while (!g_queue_is_empty (&self->dedup_order)) {
                DedupEntry *oldest = g_queue_peek_head (&self->dedup_order);

                if (oldest->expires > now &&
                    g_queue_get_length (&self->dedup_order) < self->max_dedup_entries)
                        break;
                g_queue_pop_head (&self->dedup_order);
                g_hash_table_remove (self->dedup, oldest->key);
        }
}

gboolean
coap_udp6_context_dedup_check (CoapUdp6Context *self,
                               CoapUdp6Message *message)
{
        CoapUdp6MidKey key = { coap_udp6_message_get_remote (message),
                               coap_udp6_message_get_mid (message) };
        DedupEntry *entry;

        dedup_expire (self);
        entry = g_hash_table_lookup (self->dedup, &key);
        if (entry == NULL)
                return FALSE;
        g_debug ("duplicate message ID %u", key.mid);
        if (entry->reply != NULL) {
                CoapUdp6EndpointAddress *to = entry->reply_remote != NULL ? entry->reply_remote
                                                                         : key.remote;
                CoapUdp6MessageInterface *iface = coap_udp6_endpoint_address_get_interface (to);

                if (iface != NULL) {
                        coap_udp6_message_interface_send_datagram (iface, entry->reply, to);
                        g_object_unref (iface);
                }
        }
        return TRUE;
}

void
coap_udp6_context_dedup_store (CoapUdp6Context         *self,
                               CoapUdp6EndpointAddress *remote,
                               guint                    mid,
                               GBytes                  *reply,
                               CoapUdp6EndpointAddress *reply_remote)
{
        CoapUdp6MidKey key = { remote, mid };
        DedupEntry *entry = g_hash_table_lookup (self->dedup, &key);

        if (entry == NULL) {
                dedup_expire (self);
                entry = g_new0 (DedupEntry, 1);
                entry->key = coap_udp6_mid_key_new (remote, mid);
                entry->expires = coap_udp6_context_now (self) +
                        (gint64) (coap_udp6_context_get_exchange_lifetime (self) * G_USEC_PER_SEC);
                g_hash_table_insert (self->dedup, entry->key, entry);
                g_queue_push_tail (&self->dedup_order, entry);
        }
        if (reply != NULL) {
                g_clear_pointer (&entry->reply, g_bytes_unref);
                entry->reply = g_bytes_ref (reply);
                g_clear_object (&entry->reply_remote);
                if (reply_remote != NULL)
                        entry->reply_remote = g_object_ref (reply_remote);
        }
}
