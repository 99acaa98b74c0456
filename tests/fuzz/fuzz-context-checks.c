/* fuzz-context-checks.c: what fuzz-context.c checks after every operation
 *
 * The tables are within their limits and agree with the statistics; the
 * deduplication table evicts in its documented order; the POST counter
 * resource never runs twice for one (remote, message ID) unless its entry
 * expired or was evicted, or the ID came back with another message.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "fuzz-context.h"

typedef struct {
        gint64 when;                        /* fake clock of the first run */
        guint64 evictions;                  /* eviction counters then */
        guint32 fingerprint;                /* of the message it ran for */
} Execution;

static guint64
evictions (CoapUdp6Context *ctx)
{
        return coap_udp6_context_get_statistic (ctx, COAP_UDP6_STATISTIC_DEDUP_EVICTIONS) +
               coap_udp6_context_get_statistic (ctx, COAP_UDP6_STATISTIC_DEDUP_REMOTE_EVICTIONS);
}

/* A handler runs twice for one (remote, MID) only when the first entry is
 * gone: expired after EXCHANGE_LIFETIME, or evicted at a limit; or when
 * the ID was reused for another message (coap-udp6-context-dedup.c). */
void
fuzz_count_execution (Fuzz            *f,
                      CoapUdp6Request *request)
{
        CoapUdp6Message *message = coap_udp6_request_get_message (request);
        CoapUdp6MidKey key = { coap_udp6_message_get_remote (message),
                               coap_udp6_message_get_mid (message) };
        gint64 lifetime = (gint64) (coap_udp6_context_get_exchange_lifetime (f->ctx) *
                                    G_USEC_PER_SEC);
        Execution *seen = g_hash_table_lookup (f->executed, &key);
        guint32 fingerprint = coap_udp6_context_dedup_fingerprint (message);

        if (seen != NULL && seen->fingerprint == fingerprint) {
                if (f->now - seen->when < lifetime - 1 && evictions (f->ctx) == seen->evictions)
                        g_error ("POST handler ran twice for message ID %u within "
                                 "EXCHANGE_LIFETIME without an eviction", key.mid);
        } else if (seen == NULL) {
                seen = g_new0 (Execution, 1);
                g_hash_table_insert (f->executed, coap_udp6_mid_key_new (key.remote, key.mid), seen);
        }
        seen->when = f->now;
        seen->evictions = evictions (f->ctx);
        seen->fingerprint = fingerprint;
}

/* Every datagram the context is given: a CON or NON that reuses the
 * (remote, MID) of a POST that ran, with another fingerprint, takes its
 * place in the deduplication table (which keeps the latest message of an
 * ID), so that POST, retransmitted after it, runs again
 * (data/fuzz-context/reused-mid-then-first-again). */
void
fuzz_note_datagram (Fuzz                    *f,
                    CoapUdp6EndpointAddress *remote,
                    GBytes                  *datagram)
{
        g_autoptr (CoapUdp6Message) message = coap_udp6_message_decode (datagram, NULL, NULL);
        CoapUdp6MidKey key;
        Execution *seen;

        if (message == NULL || (coap_udp6_message_get_mtype (message) != COAP_UDP6_MESSAGE_TYPE_CON &&
                                coap_udp6_message_get_mtype (message) != COAP_UDP6_MESSAGE_TYPE_NON))
                return;
        key.remote = remote;
        key.mid = coap_udp6_message_get_mid (message);
        seen = g_hash_table_lookup (f->executed, &key);
        if (seen != NULL && seen->fingerprint != coap_udp6_context_dedup_fingerprint (message))
                g_hash_table_remove (f->executed, &key);
}

/* Per remote, as max-dedup-entries-per-remote counts (address and port). */
static void
check_dedup_per_remote (CoapUdp6Context *ctx)
{
        g_autoptr (GHashTable) counts = g_hash_table_new (coap_udp6_endpoint_address_hash,
                                                          coap_udp6_endpoint_address_equal);
        GHashTableIter iter;
        gpointer key;

        g_hash_table_iter_init (&iter, ctx->dedup);
        while (g_hash_table_iter_next (&iter, &key, NULL)) {
                CoapUdp6EndpointAddress *remote = ((CoapUdp6MidKey *) key)->remote;
                guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, remote)) + 1;

                g_assert_cmpuint (n, <=, ctx->max_dedup_entries_per_remote);
                g_hash_table_insert (counts, remote, GUINT_TO_POINTER (n));
        }
        g_assert_cmpuint (g_hash_table_size (counts), ==, g_hash_table_size (ctx->dedup_remotes));
}

static gboolean
entry_gone (CoapUdp6Context      *ctx,
            const CoapUdp6MidKey *key,
            const Tracked        *t)
{
        return g_hash_table_lookup (ctx->dedup, key) != t->entry;
}

/* An entry of a non-idempotent request evicted before its lifetime: no
 * idempotent entry that existed before may be left, of the same remote
 * (either limit), or of any remote when only the global limits evicted
 * (max-dedup-entries, max-dedup-bytes: dedup_idempotent goes first). */
static void
check_protected_eviction (Fuzz                 *f,
                          const CoapUdp6MidKey *victim,
                          GHashTable           *idempotent_now,
                          gboolean              any_remote)
{
        GHashTableIter iter;
        gpointer key, value;

        g_hash_table_iter_init (&iter, f->tracked);
        while (g_hash_table_iter_next (&iter, &key, &value)) {
                const CoapUdp6MidKey *k = key;
                Tracked *t = value;

                if (t->idempotent && !entry_gone (f->ctx, k, t) &&
                    g_hash_table_contains (idempotent_now, t->entry) &&
                    (any_remote || coap_udp6_endpoint_address_equal (k->remote, victim->remote)))
                        g_error ("the deduplication entry of non-idempotent message ID %u was "
                                 "evicted while idempotent message ID %u of %s remote "
                                 "was kept", victim->mid, k->mid, any_remote ? "a" : "the same");
        }
}

/* The documented eviction order, checked from outside: entries are told
 * apart by address, idempotent ones by their place in dedup_idempotent.
 * Both limits, global and per remote, count (data/fuzz-context/
 * dedup-per-remote-evicts-post once showed the per-remote one evicting a
 * POST's entry while the remote had idempotent ones). */
static void
check_dedup_policy (Fuzz *f)
{
        CoapUdp6Context *ctx = f->ctx;
        gint64 lifetime = (gint64) (coap_udp6_context_get_exchange_lifetime (ctx) * G_USEC_PER_SEC);
        g_autoptr (GHashTable) idempotent = g_hash_table_new (NULL, NULL);
        guint64 global = coap_udp6_context_get_statistic (ctx, COAP_UDP6_STATISTIC_DEDUP_EVICTIONS);
        guint64 per_remote = coap_udp6_context_get_statistic (ctx, COAP_UDP6_STATISTIC_DEDUP_REMOTE_EVICTIONS);
        gboolean evicted = global != f->checked_evictions || per_remote != f->checked_remote_evictions;
        gboolean only_global = global != f->checked_evictions && per_remote == f->checked_remote_evictions;
        GHashTableIter iter;
        gpointer key, value;

        for (GList *l = ctx->dedup_idempotent.head; l != NULL; l = l->next)
                g_hash_table_add (idempotent, l->data);
        g_hash_table_iter_init (&iter, f->tracked);
        while (g_hash_table_iter_next (&iter, &key, &value)) {
                Tracked *t = value;

                /* An entry gone while no eviction was counted, or replaced
                 * under its own key, made way for a new message that reused
                 * the ID (coap-udp6-context-dedup.c): a new message need not
                 * make an entry at once, or at all (data/fuzz-context/
                 * reused-mid-without-new-entry). */
                if (!t->idempotent && entry_gone (ctx, key, t) && f->now < t->inserted + lifetime &&
                    g_hash_table_lookup (ctx->dedup, key) == NULL && evicted)
                        check_protected_eviction (f, key, idempotent, only_global);
        }
        f->checked_evictions = global;
        f->checked_remote_evictions = per_remote;
        g_hash_table_iter_init (&iter, f->tracked);
        while (g_hash_table_iter_next (&iter, &key, &value))
                if (entry_gone (ctx, key, value))
                        g_hash_table_iter_remove (&iter);
        g_hash_table_iter_init (&iter, ctx->dedup);
        while (g_hash_table_iter_next (&iter, &key, &value)) {
                const CoapUdp6MidKey *k = key;
                Tracked *t = g_hash_table_lookup (f->tracked, k);

                if (t == NULL) {
                        t = g_new0 (Tracked, 1);
                        t->entry = value;
                        t->inserted = f->now;
                        g_hash_table_insert (f->tracked, coap_udp6_mid_key_new (k->remote, k->mid), t);
                }
                t->idempotent = g_hash_table_contains (idempotent, value);
        }
}

void
fuzz_check_invariants (Fuzz *f)
{
        CoapUdp6Context *ctx = f->ctx;
        guint dedup = g_hash_table_size (ctx->dedup);
        guint exchanges = g_hash_table_size (ctx->exchanges);
        guint transmissions = g_hash_table_size (ctx->transmissions);
        guint timers = coap_udp6_timers_get_length (ctx->timers);
        guint64 stat;

        g_assert_cmpuint (dedup, <=, ctx->max_dedup_entries);
        g_assert_cmpuint (dedup, ==, ctx->dedup_order.length);
        check_dedup_per_remote (ctx);
        check_dedup_policy (f);
        g_assert_cmpuint (ctx->dedup_bytes, <=, ctx->max_dedup_bytes);
        g_assert_cmpuint (coap_udp6_context_get_statistic (ctx, COAP_UDP6_STATISTIC_DEDUP_BYTES), ==,
                          ctx->dedup_bytes);
        g_assert_cmpuint (ctx->pending_requests, <=, ctx->max_pending_requests);
        g_assert_cmpuint (f->kept->len, <=, ctx->pending_requests);
        g_assert_cmpuint (exchanges, <=, ctx->max_exchanges);
        g_assert_cmpuint (exchanges, <=, f->started - f->finished);
        g_assert_cmpuint (ctx->waiting.length, <=, exchanges);
        /* Besides those: one expiry timer for the block-wise cache, and a
         * re-registration timer per client observation. */
        g_assert_cmpuint (timers, <=, transmissions + exchanges + ctx->delayed.length +
                          (ctx->block_server != NULL ? 1 : 0) +
                          (ctx->observations != NULL ? g_hash_table_size (ctx->observations) : 0));
        /* A CON in flight is a client request's or a separate response's. */
        g_assert_cmpuint (transmissions, <=, exchanges + ctx->pending_requests);
        g_assert_cmpuint (coap_udp6_context_get_statistic (ctx, COAP_UDP6_STATISTIC_DEDUP_ENTRIES), ==, dedup);
        g_assert_cmpuint (coap_udp6_context_get_statistic (ctx, COAP_UDP6_STATISTIC_PENDING_REQUESTS), ==,
                          ctx->pending_requests);
        g_assert_cmpuint (coap_udp6_context_get_statistic (ctx, COAP_UDP6_STATISTIC_TRANSMISSIONS), ==,
                          transmissions);
        /* Queued exchanges are in the table too; the statistic used to
         * count them twice. */
        stat = coap_udp6_context_get_statistic (ctx, COAP_UDP6_STATISTIC_EXCHANGES);
        g_assert_true (stat == exchanges || stat == exchanges + ctx->waiting.length);
        g_assert_cmpuint (coap_udp6_context_get_statistic (ctx, COAP_UDP6_STATISTIC_TIMERS), ==, timers);
        if (f->shutdown_started) {
                g_assert_cmpuint (dedup, ==, 0);
                g_assert_cmpuint (exchanges, ==, 0);
                g_assert_cmpuint (transmissions, ==, 0);
        }
}
