/* coap-udp6-context-statistics.c: what a context counts, and warnings that
 * a remote cannot turn into a log flood
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-context-private.h"

#include <stdarg.h>

static guint64
sum_interfaces (CoapUdp6Context *self,
                guint64        (*get) (CoapUdp6MessageInterface *iface))
{
        guint64 total = 0;

        for (guint i = 0; self->interfaces != NULL && i < self->interfaces->len; i++)
                total += get (g_ptr_array_index (self->interfaces, i));
        return total;
}

static guint64
get_dropped (CoapUdp6MessageInterface *iface)
{
        return coap_udp6_message_interface_get_datagrams_dropped_unparsable (iface) +
               coap_udp6_message_interface_get_datagrams_dropped_truncated (iface);
}

/**
 * coap_udp6_context_get_statistic:
 * @self: a #CoapUdp6Context
 * @statistic: what to read
 *
 * Reads one of the context's counters or the current size of one of its
 * tables. Every table has a limit property, and what happens at the limit
 * is counted here rather than logged per datagram, so a server under a
 * flood can be watched without reading its log.
 *
 * Returns: the value; 0 for an unknown @statistic
 *
 * Since: 1.0
 */
guint64
coap_udp6_context_get_statistic (CoapUdp6Context  *self,
                                 CoapUdp6Statistic statistic)
{
        g_return_val_if_fail (COAP_UDP6_IS_CONTEXT (self), 0);
        g_return_val_if_fail ((guint) statistic < COAP_UDP6_N_STATISTICS, 0);

        switch (statistic) {
        case COAP_UDP6_STATISTIC_DATAGRAMS_RECEIVED:
                return sum_interfaces (self, coap_udp6_message_interface_get_datagrams_received);
        case COAP_UDP6_STATISTIC_DATAGRAMS_DROPPED:
                return sum_interfaces (self, get_dropped);
        case COAP_UDP6_STATISTIC_ERRORS_RECEIVED:
                return sum_interfaces (self, coap_udp6_message_interface_get_errors_received);
        case COAP_UDP6_STATISTIC_DEDUP_ENTRIES:
                return self->dedup != NULL ? g_hash_table_size (self->dedup) : 0;
        case COAP_UDP6_STATISTIC_PENDING_REQUESTS:
                return self->pending_requests;
        case COAP_UDP6_STATISTIC_EXCHANGES:
                return self->exchanges != NULL ? g_hash_table_size (self->exchanges) +
                                                 self->waiting.length : 0;
        case COAP_UDP6_STATISTIC_TRANSMISSIONS:
                return self->transmissions != NULL ? g_hash_table_size (self->transmissions) : 0;
        case COAP_UDP6_STATISTIC_DEDUP_BYTES:
                return self->dedup_bytes;
        case COAP_UDP6_STATISTIC_BLOCK_ENTRIES:
        case COAP_UDP6_STATISTIC_BLOCK_BYTES:
                return coap_udp6_context_block_server_gauge (self, statistic);
        case COAP_UDP6_STATISTIC_OBSERVERS:
                return self->observers.length;
        case COAP_UDP6_STATISTIC_TIMERS:
                return self->timers != NULL ? coap_udp6_timers_get_length (self->timers) : 0;
        default:
                return self->statistics[statistic];
        }
}

void
coap_udp6_context_warn_limited (CoapUdp6Context     *self,
                                CoapUdp6WarningClass klass,
                                const char          *format,
                                ...)
{
        CoapUdp6WarningState *state = &self->warnings[klass];
        gint64 now = coap_udp6_context_now (self);
        g_autofree char *text = NULL;
        va_list args;

        if (state->last != 0 && now - state->last < COAP_UDP6_WARNING_INTERVAL) {
                state->suppressed++;
                return;
        }
        va_start (args, format);
        text = g_strdup_vprintf (format, args);
        va_end (args);
        if (state->suppressed > 0)
                g_warning ("%s (%" G_GUINT64_FORMAT " more like this in the last minute)",
                           text, state->suppressed);
        else
                g_warning ("%s", text);
        state->last = MAX (now, 1);
        state->suppressed = 0;
}
