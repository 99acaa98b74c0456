/* test-relay.h: a lossy UDP relay for loss tests, counting DTLS handshakes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _TestRelay TestRelay;

/* Listens on [::1]:0 (see test_relay_get_address) and forwards every
 * datagram to @target; answers from @target go back to whoever sent the
 * last datagram through the relay. Each datagram, in each direction, is
 * dropped with probability @loss, decided by a GRand seeded with @seed, so a
 * run is reproducible. Runs on @context. */
TestRelay *test_relay_new (GMainContext   *context,
                           GSocketAddress *target,
                           double          loss,
                           guint32         seed);

/* The address clients send to. */
GInetSocketAddress *test_relay_get_address (TestRelay *relay);

/* Datagrams forwarded and dropped so far, both directions together. */
guint test_relay_get_forwarded (TestRelay *relay);
guint test_relay_get_dropped (TestRelay *relay);

/* DTLS handshakes clients started through the relay: ClientHellos with
 * distinct client randoms. A retransmitted ClientHello, and the second one
 * of a cookie exchange, repeat the random (RFC 6347 §4.2.1), so a
 * handshake counts once. */
guint test_relay_get_client_hellos (TestRelay *relay);

void test_relay_free (TestRelay *relay);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestRelay, test_relay_free)

G_END_DECLS
