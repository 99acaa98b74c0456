/* coap-udp6-context-dedup.c: deduplication of incoming CON and NON messages
 *
 * RFC 7252 §4.5: a recipient should recognise a duplicate (same remote and
 * message ID) for EXCHANGE_LIFETIME (CON) or NON_LIFETIME (NON) and answer
 * it as it answered the first; entries live EXCHANGE_LIFETIME, the longer. The table is bounded twice: in total
 * (max-dedup-entries) and per remote (max-dedup-entries-per-remote), so one
 * busy or hostile peer cannot push everybody else's entries out, and by the
 * bytes of the replies it keeps (max-dedup-bytes), so large responses cannot
 * multiply the entry limit into hundreds of megabytes. At any limit the
 * oldest entry goes, and the eviction is counted — but entries of
 * non-idempotent requests (POST, PATCH, iPATCH) go last: running a GET
 * twice is harmless, running a POST twice is the bug deduplication exists
 * to prevent, and a flood of GETs must not cause it.
 *
 * Every entry sits in queues through links embedded in it: the global
 * insertion order (expiry is in that order too), its remote's own (one for
 * idempotent entries, one for protected ones, so that the per-remote limit
 * also evicts an idempotent entry first) and, unless protected,
 * context->dedup_idempotent.
 *
 * A duplicate is the same message again: an entry keeps a fingerprint of
 * its message's token and options (and payload length), and a message
 * with a known ID and another fingerprint is a new one. RFC 7252 §4.4
 * forbids reusing an ID within EXCHANGE_LIFETIME, but the 16-bit ID of a
 * client wraps sooner in any transfer of more than 65 536 blocks, libcoap's
 * and ours alike; answered from the table, the block 65 536 requests later
 * would get the first one's reply and the transfer would stop.
 *
 * The server makes a request's entry once the reply has left (or once the
 * handler has returned without one), so that the table's work is not part
 * of the reply's latency. While the handler runs, the request is in
 * context->in_flight, where coap_udp6_context_dedup_check() finds a
 * duplicate that a nested main loop receives.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-context-private.h"
#include "coap-udp6-endpoint-address-private.h"
#include "coap-udp6-message-interface-private.h"
#include "coap-udp6-message-private.h"

#include <string.h>

typedef struct {
        CoapUdp6EndpointAddress *remote;    /* owned */
        GQueue idempotent;                  /* of DedupEntry, oldest first */
        GQueue protected;                   /* of DedupEntry, oldest first */
} DedupRemote;

/* The entry is its own key in context->dedup (a set: key == value), so
 * @key comes first and one allocation holds everything. */
typedef struct {
        CoapUdp6MidKey key;                 /* its remote owned */
        guint8 *reply;                      /* nullable: no reply yet; @inline_reply, or owned */
        gsize reply_len;
        CoapUdp6EndpointAddress *reply_remote; /* owned, nullable: key.remote */
        gint64 expires;
        DedupRemote *per_remote;            /* unowned */
        GList order_link;                   /* in context->dedup_order */
        GList remote_link;                  /* in per_remote->idempotent or ->protected */
        GList idempotent_link;              /* in context->dedup_idempotent, unless protected */
        gboolean protected;
        guint32 fingerprint;                /* 0: unknown, matches any message */
        guint8 inline_reply[];              /* the reply known when the entry was made */
} DedupEntry;

static void
dedup_remote_free (gpointer data)
{
        DedupRemote *per_remote = data;

        g_object_unref (per_remote->remote);
        g_free (per_remote);
}

void
coap_udp6_context_init_dedup (CoapUdp6Context *self)
{
        self->dedup = g_hash_table_new (coap_udp6_mid_key_hash, coap_udp6_mid_key_equal);
        self->dedup_remotes = g_hash_table_new_full (coap_udp6_endpoint_address_hash,
                                                     coap_udp6_endpoint_address_equal,
                                                     NULL, dedup_remote_free);
        g_queue_init (&self->dedup_order);
        g_queue_init (&self->dedup_idempotent);
}

static guint
dedup_remote_length (const DedupRemote *per_remote)
{
        return per_remote->idempotent.length + per_remote->protected.length;
}

static GQueue *
dedup_remote_queue (DedupRemote *per_remote,
                    gboolean     protect)
{
        return protect ? &per_remote->protected : &per_remote->idempotent;
}

static void
dedup_remove (CoapUdp6Context *self,
              DedupEntry      *entry)
{
        DedupRemote *per_remote = entry->per_remote;

        g_hash_table_remove (self->dedup, entry);
        self->dedup_bytes -= entry->reply_len;
        g_queue_unlink (&self->dedup_order, &entry->order_link);
        if (!entry->protected)
                g_queue_unlink (&self->dedup_idempotent, &entry->idempotent_link);
        g_queue_unlink (dedup_remote_queue (per_remote, entry->protected), &entry->remote_link);
        if (dedup_remote_length (per_remote) == 0) {
                if (self->dedup_last_remote == per_remote)
                        self->dedup_last_remote = NULL;
                g_hash_table_remove (self->dedup_remotes, per_remote->remote);
        }
        g_object_unref (entry->key.remote);
        if (entry->reply != entry->inline_reply)
                g_free (entry->reply);
        g_clear_object (&entry->reply_remote);
        g_free (entry);
}

void
coap_udp6_context_clear_dedup (CoapUdp6Context *self)
{
        if (self->dedup == NULL)
                return;
        while (self->dedup_order.head != NULL)
                dedup_remove (self, self->dedup_order.head->data);
}

void
coap_udp6_context_free_dedup (CoapUdp6Context *self)
{
        coap_udp6_context_clear_dedup (self);
        g_clear_pointer (&self->dedup, g_hash_table_unref);
        g_clear_pointer (&self->dedup_remotes, g_hash_table_unref);
        self->dedup_last_remote = NULL;
}

/* Drops expired entries, then the oldest (idempotent ones first) while
 * the table is over its limits. */
static void
dedup_expire (CoapUdp6Context *self,
              gint64           now)
{
        while (!g_queue_is_empty (&self->dedup_order)) {
                DedupEntry *oldest = g_queue_peek_head (&self->dedup_order);

                if (oldest->expires > now) {
                        if (self->dedup_order.length <= self->max_dedup_entries &&
                            self->dedup_bytes <= self->max_dedup_bytes)
                                break;
                        if (!g_queue_is_empty (&self->dedup_idempotent))
                                oldest = g_queue_peek_head (&self->dedup_idempotent);
                        coap_udp6_context_count (self, COAP_UDP6_STATISTIC_DEDUP_EVICTIONS);
                        coap_udp6_context_warn_limited (self, COAP_UDP6_WARNING_DEDUP_FULL,
                                                        "The deduplication table is full "
                                                        "(max-dedup-entries %u, max-dedup-bytes %u): "
                                                        "duplicates of evicted messages will be "
                                                        "handled again",
                                                        self->max_dedup_entries,
                                                        self->max_dedup_bytes);
                }
                dedup_remove (self, oldest);
        }
}

static gboolean
is_in_flight (CoapUdp6Context      *self,
              const CoapUdp6MidKey *key)
{
        for (CoapUdp6InFlight *f = self->in_flight; f != NULL; f = f->outer)
                if (coap_udp6_mid_key_equal (&f->key, key))
                        return TRUE;
        return FALSE;
}

/* A hash of what a retransmission repeats and a new request with a
 * reused Message ID changes: the code, the token and options (bytes 4 up
 * to the payload marker) and the payload's length; never 0. 0 for a
 * message that was not received. */
guint32
coap_udp6_context_dedup_fingerprint (CoapUdp6Message *message)
{
        gsize end = message->wire_len;
        guint32 h = 2166136261u;

        if (message->wire_data == NULL || end < 4)
                return 0;
        if (message->payload_len > 0 && message->payload == NULL &&
            message->payload_offset > 4 && message->payload_offset <= end)
                end = message->payload_offset;
        h = (h ^ message->code) * 16777619u;
        for (gsize i = 4; i < end; i++)
                h = (h ^ message->wire_data[i]) * 16777619u;
        h = (h ^ (guint32) message->payload_len) * 16777619u;
        return h | 1;
}

gboolean
coap_udp6_context_dedup_check (CoapUdp6Context *self,
                               CoapUdp6Message *message)
{
        CoapUdp6MidKey key = { message->remote, message->mid };
        DedupEntry *entry;

        self->dedup_absent.remote = NULL;
        entry = g_hash_table_lookup (self->dedup, &key);
        /* Expiry itself runs in coap_udp6_context_dedup_store(). */
        if (entry != NULL && entry->expires <= coap_udp6_context_now (self)) {
                dedup_remove (self, entry);
                entry = NULL;
        }
        if (entry != NULL && entry->fingerprint != 0 &&
            entry->fingerprint != coap_udp6_context_dedup_fingerprint (message)) {
                g_debug ("message ID %u reused for another message before EXCHANGE_LIFETIME: "
                         "handled as a new one", key.mid);
                dedup_remove (self, entry);
                entry = NULL;
        }
        if (entry == NULL) {
                if (!is_in_flight (self, &key)) {
                        /* The reply is stored soon: dedup_find_or_insert()
                         * need not look for it again. The message holds
                         * key.remote until coap_udp6_context_dispatch_message()
                         * forgets this. */
                        self->dedup_absent = key;
                        self->dedup_absent_fingerprint = coap_udp6_context_dedup_fingerprint (message);
                        return FALSE;
                }
                g_debug ("duplicate message ID %u of a request being handled", key.mid);
                coap_udp6_context_count (self, COAP_UDP6_STATISTIC_DUPLICATES);
                return TRUE;
        }
        g_debug ("duplicate message ID %u", key.mid);
        coap_udp6_context_count (self, COAP_UDP6_STATISTIC_DUPLICATES);
        if (entry->reply != NULL) {
                CoapUdp6EndpointAddress *to = entry->reply_remote != NULL ? entry->reply_remote
                                                                         : entry->key.remote;

                coap_udp6_context_send_data (self, entry->reply, entry->reply_len, to);
        }
        return TRUE;
}

/* Adds an entry without evicting anything: the table may be one entry
 * over its limits until dedup_trim(), which coap_udp6_context_dedup_store()
 * runs once the entry is complete. */
static DedupEntry *
dedup_insert (CoapUdp6Context         *self,
              CoapUdp6EndpointAddress *remote,
              guint                    mid,
              gboolean                 protect,
              gint64                   now,
              gsize                    reply_room)
{
        DedupRemote *per_remote = self->dedup_last_remote;
        DedupEntry *entry;

        /* A peer's requests come one after another, each with the same
         * remote object (a coaps session's, or the receive path's cached
         * one): the same object is the same key, without the table. */
        if (per_remote == NULL || per_remote->remote != remote)
                per_remote = g_hash_table_lookup (self->dedup_remotes, remote);
        if (per_remote == NULL) {
                per_remote = g_new0 (DedupRemote, 1);
                per_remote->remote = g_object_ref (remote);
                g_hash_table_insert (self->dedup_remotes, per_remote->remote, per_remote);
        }
        self->dedup_last_remote = per_remote;
        entry = g_malloc0 (sizeof (DedupEntry) + reply_room);
        entry->key.remote = g_object_ref (remote);
        entry->key.mid = mid;
        entry->expires = now +
                (gint64) (coap_udp6_context_get_exchange_lifetime (self) * G_USEC_PER_SEC);
        entry->per_remote = per_remote;
        entry->order_link.data = entry;
        entry->remote_link.data = entry;
        entry->idempotent_link.data = entry;
        entry->protected = protect;
        /* Known while its message is dispatched, which is when entries are
         * made, but for an answer that a nested main loop delays. */
        if (self->dedup_absent.remote == remote && self->dedup_absent.mid == mid)
                entry->fingerprint = self->dedup_absent_fingerprint;
        /* Every entry goes in here: the key known absent is absent no more. */
        self->dedup_absent.remote = NULL;
        g_hash_table_add (self->dedup, entry);
        g_queue_push_tail_link (&self->dedup_order, &entry->order_link);
        g_queue_push_tail_link (dedup_remote_queue (per_remote, protect), &entry->remote_link);
        if (!protect)
                g_queue_push_tail_link (&self->dedup_idempotent, &entry->idempotent_link);
        return entry;
}

/* Moves an entry made earlier (before a separate response) to the
 * protected ones, in the order they were made. */
static void
dedup_protect (CoapUdp6Context *self,
               DedupEntry      *entry)
{
        GQueue *protected = &entry->per_remote->protected;
        GList *before = protected->tail;

        g_queue_unlink (&self->dedup_idempotent, &entry->idempotent_link);
        g_queue_unlink (&entry->per_remote->idempotent, &entry->remote_link);
        while (before != NULL && ((DedupEntry *) before->data)->expires > entry->expires)
                before = before->prev;
        if (before == NULL)
                g_queue_push_head_link (protected, &entry->remote_link);
        else
                g_queue_insert_after_link (protected, before, &entry->remote_link);
        entry->protected = TRUE;
}

/* @protect: the request must not run twice (POST, PATCH, iPATCH), so its
 * entry is forgotten before its lifetime only when no idempotent one is
 * left. */
static DedupEntry *
dedup_find_or_insert (CoapUdp6Context         *self,
                      CoapUdp6EndpointAddress *remote,
                      guint                    mid,
                      gboolean                 protect,
                      gint64                   now,
                      gsize                    reply_room,
                      gboolean                *inserted)
{
        CoapUdp6MidKey key = { remote, mid };
        DedupEntry *entry = NULL;

        /* The same object: the message that holds it is still dispatched. */
        if (self->dedup_absent.remote != remote || self->dedup_absent.mid != mid)
                entry = g_hash_table_lookup (self->dedup, &key);

        *inserted = entry == NULL;
        if (entry == NULL)
                return dedup_insert (self, remote, mid, protect, now, reply_room);
        if (protect && !entry->protected)
                dedup_protect (self, entry);
        return entry;
}

/* Back within the limits: the remote's oldest entry beyond its share
 * (its oldest idempotent one while it has any), then see dedup_expire(). */
static void
dedup_trim (CoapUdp6Context *self,
            DedupRemote     *per_remote,
            gint64           now)
{
        if (per_remote != NULL && dedup_remote_length (per_remote) > self->max_dedup_entries_per_remote) {
                GQueue *victims = !g_queue_is_empty (&per_remote->idempotent) ? &per_remote->idempotent
                                                                               : &per_remote->protected;

                coap_udp6_context_count (self, COAP_UDP6_STATISTIC_DEDUP_REMOTE_EVICTIONS);
                dedup_remove (self, g_queue_peek_head (victims));
        }
        dedup_expire (self, now);
}

void
coap_udp6_context_dedup_store (CoapUdp6Context         *self,
                               CoapUdp6EndpointAddress *remote,
                               guint                    mid,
                               const guint8            *reply,
                               gsize                    reply_len,
                               CoapUdp6EndpointAddress *reply_remote,
                               gboolean                 protect)
{
        gint64 now = coap_udp6_context_now (self);
        gboolean inserted;
        DedupEntry *entry = dedup_find_or_insert (self, remote, mid, protect, now,
                                                  reply != NULL ? reply_len : 0, &inserted);

        if (reply != NULL) {
                self->dedup_bytes -= entry->reply_len;
                if (entry->reply != entry->inline_reply)
                        g_free (entry->reply);
                /* A new entry was made with room for the reply; one made
                 * earlier (before a separate response) gets it on the heap. */
                entry->reply = inserted ? entry->inline_reply : g_malloc (reply_len);
                memcpy (entry->reply, reply, reply_len);
                entry->reply_len = reply_len;
                self->dedup_bytes += reply_len;
                g_clear_object (&entry->reply_remote);
                if (reply_remote != NULL && reply_remote != remote)
                        entry->reply_remote = g_object_ref (reply_remote);
        }
        dedup_trim (self, entry->per_remote, now);
}
