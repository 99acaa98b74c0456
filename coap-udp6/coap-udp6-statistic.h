/* coap-udp6-statistic.h: what a context counts
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__COAP_UDP6_H_INSIDE__) && !defined(COAP_UDP6_COMPILATION)
#error "Only <coap-udp6/coap-udp6.h> can be included directly."
#endif

#include <coap-udp6/coap-udp6-types.h>

G_BEGIN_DECLS

/**
 * CoapUdp6Statistic:
 * @COAP_UDP6_STATISTIC_DATAGRAMS_RECEIVED: datagrams read from the
 *   context's sockets, including the ones dropped
 * @COAP_UDP6_STATISTIC_DATAGRAMS_DROPPED: datagrams dropped because they
 *   are not CoAP (unparsable or truncated)
 * @COAP_UDP6_STATISTIC_ERRORS_RECEIVED: ICMP errors read from the error
 *   queues
 * @COAP_UDP6_STATISTIC_REQUESTS_HANDLED: requests given to a resource or
 *   answered by the context itself (4.04, 4.02, …)
 * @COAP_UDP6_STATISTIC_REQUESTS_REJECTED: requests answered with 5.03
 *   because [property@Context:max-pending-requests] was reached
 * @COAP_UDP6_STATISTIC_DUPLICATES: duplicate CON and NON messages (same
 *   remote and message ID within EXCHANGE_LIFETIME) answered from the
 *   deduplication cache without running a handler
 * @COAP_UDP6_STATISTIC_RESETS_SENT: Reset messages sent
 * @COAP_UDP6_STATISTIC_DEDUP_EVICTIONS: deduplication entries dropped
 *   before EXCHANGE_LIFETIME because [property@Context:max-dedup-entries]
 *   or [property@Context:max-dedup-bytes] was reached
 * @COAP_UDP6_STATISTIC_DEDUP_REMOTE_EVICTIONS: deduplication entries
 *   dropped early because one remote reached
 *   [property@Context:max-dedup-entries-per-remote]
 * @COAP_UDP6_STATISTIC_EXCHANGES_REJECTED: client requests refused with
 *   %COAP_UDP6_ERROR_LIMIT_REACHED because
 *   [property@Context:max-exchanges] was reached
 * @COAP_UDP6_STATISTIC_RETRANSMISSIONS: CON messages sent again after
 *   ACK_TIMEOUT
 * @COAP_UDP6_STATISTIC_TRANSMISSIONS_TIMED_OUT: CON messages never
 *   acknowledged after MAX_RETRANSMIT retransmissions
 * @COAP_UDP6_STATISTIC_DEDUP_ENTRIES: current number of deduplication
 *   entries (a gauge)
 * @COAP_UDP6_STATISTIC_PENDING_REQUESTS: current number of requests being
 *   handled or waiting for their separate response to be acknowledged (a
 *   gauge)
 * @COAP_UDP6_STATISTIC_EXCHANGES: current number of client requests in
 *   flight or queued (a gauge)
 * @COAP_UDP6_STATISTIC_TRANSMISSIONS: current number of CON messages
 *   waiting for an acknowledgement (a gauge)
 * @COAP_UDP6_STATISTIC_TIMERS: current number of armed timers (a gauge)
 * @COAP_UDP6_STATISTIC_DEDUP_BYTES: current size in bytes of the replies
 *   kept for deduplication (a gauge, bounded by
 *   [property@Context:max-dedup-bytes])
 * @COAP_UDP6_STATISTIC_BLOCK_ENTRIES: current number of block-wise
 *   uploads being reassembled and representations kept for Block2 (a
 *   gauge, bounded by [property@Context:max-block-entries])
 * @COAP_UDP6_STATISTIC_BLOCK_BYTES: current size in bytes of those (a
 *   gauge, bounded by [property@Context:max-block-bytes])
 * @COAP_UDP6_STATISTIC_BLOCK_EVICTIONS: block-wise entries dropped before
 *   EXCHANGE_LIFETIME because a limit was reached
 * @COAP_UDP6_STATISTIC_BLOCK_INCOMPLETE: Block1 blocks answered with 4.08
 *   Request Entity Incomplete (missing or out of order)
 * @COAP_UDP6_STATISTIC_OBSERVERS: current number of clients observing
 *   this context's resources (a gauge, bounded by
 *   [property@Context:max-observers])
 * @COAP_UDP6_STATISTIC_OBSERVERS_REJECTED: registrations answered
 *   without Observe because [property@Context:max-observers] or
 *   [property@Context:max-observers-per-resource] was reached
 * @COAP_UDP6_STATISTIC_NOTIFICATIONS_SENT: notifications sent to
 *   observers (RFC 7641)
 *
 * What [method@Context.get_statistic] reports. Counters only grow; gauges
 * are the current size of a table, bounded by its limit property.
 *
 * Since: 1.0
 */
typedef enum {
        COAP_UDP6_STATISTIC_DATAGRAMS_RECEIVED,
        COAP_UDP6_STATISTIC_DATAGRAMS_DROPPED,
        COAP_UDP6_STATISTIC_ERRORS_RECEIVED,
        COAP_UDP6_STATISTIC_REQUESTS_HANDLED,
        COAP_UDP6_STATISTIC_REQUESTS_REJECTED,
        COAP_UDP6_STATISTIC_DUPLICATES,
        COAP_UDP6_STATISTIC_RESETS_SENT,
        COAP_UDP6_STATISTIC_DEDUP_EVICTIONS,
        COAP_UDP6_STATISTIC_DEDUP_REMOTE_EVICTIONS,
        COAP_UDP6_STATISTIC_EXCHANGES_REJECTED,
        COAP_UDP6_STATISTIC_RETRANSMISSIONS,
        COAP_UDP6_STATISTIC_TRANSMISSIONS_TIMED_OUT,
        COAP_UDP6_STATISTIC_DEDUP_ENTRIES,
        COAP_UDP6_STATISTIC_PENDING_REQUESTS,
        COAP_UDP6_STATISTIC_EXCHANGES,
        COAP_UDP6_STATISTIC_TRANSMISSIONS,
        COAP_UDP6_STATISTIC_TIMERS,
        COAP_UDP6_STATISTIC_DEDUP_BYTES,
        COAP_UDP6_STATISTIC_BLOCK_ENTRIES,
        COAP_UDP6_STATISTIC_BLOCK_BYTES,
        COAP_UDP6_STATISTIC_BLOCK_EVICTIONS,
        COAP_UDP6_STATISTIC_BLOCK_INCOMPLETE,
        COAP_UDP6_STATISTIC_OBSERVERS,
        COAP_UDP6_STATISTIC_OBSERVERS_REJECTED,
        COAP_UDP6_STATISTIC_NOTIFICATIONS_SENT,
} CoapUdp6Statistic;

G_END_DECLS
