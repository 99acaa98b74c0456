/* coap-udp6-dtls-private.h: the coaps transport, DTLS 1.2 sessions over a
 * message interface's socket (not installed)
 *
 * A message interface made with credentials carries DTLS records instead
 * of CoAP messages: its received datagrams go to coap_udp6_dtls_receive()
 * and what the context sends to one of its remotes to
 * coap_udp6_dtls_send(). Everything else (the dual-stack socket, pktinfo,
 * the error queue, remotes) is the udp6 transport's.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "coap-udp6-credentials.h"
#include "coap-udp6-endpoint-address.h"
#include "coap-udp6-timers-private.h"

G_BEGIN_DECLS

typedef struct _CoapUdp6Dtls CoapUdp6Dtls;

#define COAP_UDP6_COAPS_PORT 5684

/* Limits; see doc/coaps.md. */
typedef struct {
        guint max_sessions;         /* established and half-open together */
        guint max_handshakes;       /* half-open, server side */
        guint handshake_timeout_ms;
        guint idle_timeout_ms;      /* an established session without traffic */
} CoapUdp6DtlsLimits;

void coap_udp6_dtls_limits_init (CoapUdp6DtlsLimits *limits);

/* NULL with COAP_UDP6_ERROR_NOT_SUPPORTED when built without GnuTLS, or a
 * G_TLS_ERROR for unusable credentials. */
CoapUdp6Dtls *coap_udp6_dtls_new (CoapUdp6MessageInterface  *iface,
                                  CoapUdp6Credentials       *credentials,
                                  gboolean                   server,
                                  GError                   **error);
/* Sends close_notify to every peer and forgets them; nothing is sent or
 * received after. */
void coap_udp6_dtls_close_all (CoapUdp6Dtls *self);
void coap_udp6_dtls_free (CoapUdp6Dtls *self);
void coap_udp6_dtls_receive (CoapUdp6Dtls            *self,
                             const guint8            *data,
                             gsize                    length,
                             CoapUdp6EndpointAddress *from);
void coap_udp6_dtls_send (CoapUdp6Dtls            *self,
                          const guint8            *data,
                          gsize                    length,
                          CoapUdp6EndpointAddress *remote);
CoapUdp6DtlsLimits *coap_udp6_dtls_peek_limits (CoapUdp6Dtls *self);
guint coap_udp6_dtls_get_n_sessions (CoapUdp6Dtls *self);
guint coap_udp6_dtls_get_n_handshakes (CoapUdp6Dtls *self);
/* Handshake retransmissions, handshake expiry and idle sessions run on
 * the transport's own timers, read from @clock (the context's, so a test
 * clock drives them too; NULL: the monotonic clock). With a clock set they
 * fire only from coap_udp6_dtls_run_due_timers(). */
void coap_udp6_dtls_set_clock (CoapUdp6Dtls     *self,
                               CoapUdp6ClockFunc clock,
                               gpointer          data);
guint coap_udp6_dtls_run_due_timers (CoapUdp6Dtls *self);
/* The DER SubjectPublicKeyInfo of a PEM key: of a private key ("EC
 * PRIVATE KEY", PKCS#8 "PRIVATE KEY", the first in @pem), or with
 * @public_allowed of a "PUBLIC KEY" block when @pem has one. NULL with
 * G_TLS_ERROR_BAD_CERTIFICATE for anything else, or with
 * COAP_UDP6_ERROR_NOT_SUPPORTED when built without GnuTLS or when it
 * cannot be loaded (this loads it, coap-udp6-gnutls-private.h). */
GBytes *coap_udp6_dtls_spki_from_pem (const char *pem,
                                      gboolean    public_allowed,
                                      GError    **error);
/* A client's established session with @remote, whose peer left a CON
 * first sent at @since unacknowledged after every retransmission and sent
 * nothing on the session since, is closed and forgotten: a peer that
 * restarted lost it, and DTLS drops records it cannot decrypt without a
 * word (RFC 6347 §4.1.2.7), so only a new handshake reaches it. A session
 * the peer started is kept (only the client can start one again), and so
 * is one that was made, or heard from, after @since. */
void coap_udp6_dtls_forget_silent_peer (CoapUdp6Dtls            *self,
                                        CoapUdp6EndpointAddress *remote,
                                        gint64                   since);
/* Tests only: whether the session with @remote's address and port is
 * established (FALSE when there is none). */
gboolean coap_udp6_dtls_is_established (CoapUdp6Dtls            *self,
                                        CoapUdp6EndpointAddress *remote);
/* The transport's timers fire from @host's source (the context's) rather
 * than a source of their own: coap_udp6_timers_host(). */
void coap_udp6_dtls_share_timer_source (CoapUdp6Dtls   *self,
                                        CoapUdp6Timers *host);
/* Tests only: forgets every session without a word, as a crash would. */
void coap_udp6_dtls_drop_sessions (CoapUdp6Dtls *self);

G_END_DECLS
