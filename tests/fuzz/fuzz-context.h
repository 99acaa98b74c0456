/* fuzz-context.h: state shared by the stateful fuzz target's files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "coap-udp6-context-private.h"

#include "fuzz-stateful.h"

#include <coap-udp6/coap-udp6.h>

#define N_SINKS 4
#define N_REMOTES 8

typedef struct {
        gconstpointer entry;                /* the context's entry, by address */
        gint64 inserted;                    /* fake clock when it appeared */
        gboolean idempotent;                /* in dedup_idempotent: may go first */
} Tracked;

typedef struct {
        CoapUdp6Context *ctx;
        CoapUdp6MessageInterface *iface;    /* unowned */
        CoapUdp6EndpointAddress *remotes[N_REMOTES];
        GBytes *last_sent[N_SINKS];         /* what the context last sent there */
        FuzzLastFed last_fed;
        gint64 now;
        GPtrArray *kept;                    /* of CoapUdp6Request owed a response */
        GPtrArray *cancellables;
        GHashTable *executed;               /* CoapUdp6MidKey → Execution */
        GHashTable *tracked;                /* CoapUdp6MidKey → Tracked: dedup entries */
        guint64 checked_evictions;          /* DEDUP_EVICTIONS at the last check */
        guint64 checked_remote_evictions;   /* DEDUP_REMOTE_EVICTIONS then */
        guint started;
        guint finished;
        guint nesting;                      /* MODE_NESTED handlers running */
        gboolean shutdown_started;
        gboolean shutdown_done;
} Fuzz;

void fuzz_count_execution (Fuzz            *f,
                           CoapUdp6Request *request);
void fuzz_note_datagram (Fuzz                    *f,
                         CoapUdp6EndpointAddress *remote,
                         GBytes                  *datagram);
void fuzz_check_invariants (Fuzz *f);
