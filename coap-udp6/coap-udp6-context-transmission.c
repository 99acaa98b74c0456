/* coap-udp6-context-transmission.c: reliable CON transmission (RFC 7252 §4.2)
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
        guint64 timeout_ms;                 /* up to 36 000 s × 2^20: beyond guint */
        gboolean holds_pending_slot;        /* a separate response: counts as pending */
        CoapUdp6Timer *timer;               /* owned */
        CoapUdp6TransmissionDone done;
        gpointer user_data;
        GBytes *next_datagram;              /* owned, nullable: a replacement not yet sent */
        gint64 started;                     /* first sent, on the context's clock */
        guint next_mid;
};

static void
transmission_free (CoapUdp6Transmission *tx)
{
        coap_udp6_context_cancel_timer (tx->context, &tx->timer);
        if (tx->holds_pending_slot)
                tx->context->pending_requests--;
        coap_udp6_mid_key_free (tx->key);
        g_bytes_unref (tx->datagram);
        g_clear_pointer (&tx->next_datagram, g_bytes_unref);
        g_free (tx);
}

static void
transmission_resend (CoapUdp6Transmission *tx)
{
        coap_udp6_context_send_datagram (tx->context, tx->datagram, tx->key->remote);
}

static void transmission_insert (CoapUdp6Context      *self,
                                 CoapUdp6Transmission *tx);

/* The replacement held back (coap_udp6_context_replace_transmission())
 * becomes what @tx sends, under its own message ID. */
static void
transmission_take_next (CoapUdp6Transmission *tx)
{
        CoapUdp6Context *self = tx->context;
        CoapUdp6MidKey *key = coap_udp6_mid_key_new (tx->key->remote, tx->next_mid);

        g_hash_table_steal (self->transmissions, tx->key);
        coap_udp6_mid_key_free (tx->key);
        tx->key = key;
        g_bytes_unref (tx->datagram);
        tx->datagram = g_steal_pointer (&tx->next_datagram);
        transmission_insert (self, tx);
        /* Only notifications are replaced (RFC 7641 §4.5.2). */
        coap_udp6_context_count (self, COAP_UDP6_STATISTIC_NOTIFICATIONS_SENT);
}

static void
transmission_timeout_cb (gpointer data)
{
        CoapUdp6Transmission *tx = data;
        CoapUdp6Context *self = tx->context;

        tx->timer = NULL;
        if (tx->retransmits < self->max_retransmit) {
                tx->retransmits++;
                coap_udp6_context_count (self, COAP_UDP6_STATISTIC_RETRANSMISSIONS);
                tx->timeout_ms *= 2;
                if (tx->next_datagram != NULL)
                        transmission_take_next (tx);
                transmission_resend (tx);
                tx->timer = coap_udp6_context_add_timer (self, tx->timeout_ms / 1000.0,
                                                         transmission_timeout_cb, tx);
                return;
        }
        g_hash_table_steal (self->transmissions, tx->key);
        coap_udp6_context_count (self, COAP_UDP6_STATISTIC_TRANSMISSIONS_TIMED_OUT);
        if (tx->done != NULL)
                tx->done (tx, NULL, tx->user_data);
        transmission_free (tx);
}

/* Message IDs wrap: a transmission still waiting under @tx's key is
 * abandoned (its exchange has its own deadline). */
static void
transmission_insert (CoapUdp6Context      *self,
                     CoapUdp6Transmission *tx)
{
        CoapUdp6Transmission *old = g_hash_table_lookup (self->transmissions, tx->key);

        if (old != NULL) {
                g_hash_table_steal (self->transmissions, old->key);
                if (old->done != NULL)
                        old->done (old, NULL, old->user_data);
                transmission_free (old);
        }
        g_hash_table_insert (self->transmissions, tx->key, tx);
}

/* RFC 7252 §4.2: random in [ACK_TIMEOUT, ACK_TIMEOUT * ACK_RANDOM_FACTOR]. */
static void
transmission_start (CoapUdp6Transmission *tx)
{
        CoapUdp6Context *self = tx->context;
        gdouble initial = self->ack_timeout * g_random_double_range (1.0, self->ack_random_factor);

        tx->retransmits = 0;
        tx->timeout_ms = MAX (1, (guint64) (initial * 1000));
        tx->started = coap_udp6_context_now (self);
        transmission_resend (tx);
        coap_udp6_context_cancel_timer (self, &tx->timer);
        tx->timer = coap_udp6_context_add_timer (self, tx->timeout_ms / 1000.0,
                                                 transmission_timeout_cb, tx);
}

CoapUdp6Transmission *
coap_udp6_context_transmit_con (CoapUdp6Context         *self,
                                GBytes                  *datagram,
                                CoapUdp6EndpointAddress *remote,
                                guint                    mid,
                                gboolean                 holds_pending_slot,
                                CoapUdp6TransmissionDone done,
                                gpointer                 user_data)
{
        CoapUdp6Transmission *tx = g_new0 (CoapUdp6Transmission, 1);

        tx->context = self;
        tx->key = coap_udp6_mid_key_new (remote, mid);
        tx->datagram = g_bytes_ref (datagram);
        tx->holds_pending_slot = holds_pending_slot;
        tx->done = done;
        tx->user_data = user_data;
        transmission_insert (self, tx);
        transmission_start (tx);
        return tx;
}

/* RFC 7641 §4.5.2: a newer notification takes the place of one still in
 * retransmission and carries on with its retransmission counter and
 * timeout. It is not sent at once: RFC 7252 §4.7 allows one CON in
 * flight to a peer, and a resource that changes every few milliseconds
 * would otherwise send that often to an observer that may be gone. It
 * goes out in the old one's next retransmission, or as soon as the old
 * one is acknowledged. Starting each afresh instead, a resource that
 * changes more often than ACK_TIMEOUT would keep an observer that never
 * answers for ever. */
void
coap_udp6_context_replace_transmission (CoapUdp6Context      *self,
                                        CoapUdp6Transmission *tx,
                                        GBytes               *datagram,
                                        guint                 mid)
{
        g_clear_pointer (&tx->next_datagram, g_bytes_unref);
        tx->next_datagram = g_bytes_ref (datagram);
        tx->next_mid = mid;
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
        if (tx->next_datagram != NULL &&
            coap_udp6_message_get_mtype (message) == COAP_UDP6_MESSAGE_TYPE_ACK) {
                /* The newer notification held back goes out now, as a
                 * CON of its own. */
                transmission_take_next (tx);
                transmission_start (tx);
                return TRUE;
        }
        g_hash_table_steal (self->transmissions, tx->key);
        if (tx->done != NULL)
                tx->done (tx, message, tx->user_data);
        transmission_free (tx);
        return TRUE;
}

gint64
coap_udp6_transmission_get_started (CoapUdp6Transmission *tx)
{
        return tx->started;
}

void
coap_udp6_context_cancel_transmission (CoapUdp6Context      *self,
                                       CoapUdp6Transmission *tx)
{
        g_hash_table_steal (self->transmissions, tx->key);
        transmission_free (tx);
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
