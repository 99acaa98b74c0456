/* fuzz-dtls-client.h: a GnuTLS DTLS 1.2 PSK client session of the fuzz
 * harness's own, on in-memory datagrams (fuzz-dtls-peer.c)
 *
 * What it sends collects in its outbox; what the server sent is handed to
 * it with fuzz_dtls_client_feed(). Its own retransmission timer is set so
 * far out that it never fires: a harness that wants a flight again
 * replays it, so a run does not depend on the wall clock.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <gnutls/gnutls.h>

typedef struct {
        gnutls_session_t tls;
        gnutls_psk_client_credentials_t psk;
        GPtrArray *outbox;                      /* GBytes: datagrams sent, not yet taken */
        GQueue inbox;                           /* GBytes: datagrams to read */
        gboolean established;
        gboolean failed;                        /* a fatal error: the session is unusable */
} FuzzDtlsClient;

/* @ecdhe: ECDHE-PSK, else plain PSK. */
FuzzDtlsClient *fuzz_dtls_client_new (gboolean ecdhe);
void fuzz_dtls_client_free (FuzzDtlsClient *self);

/* One gnutls_handshake() call on what the inbox holds; TRUE once the
 * handshake finished (also on an established session: a renegotiation
 * starts, its ClientHello goes to the outbox). */
gboolean fuzz_dtls_client_handshake (FuzzDtlsClient *self);

/* Encrypts @data as one application record (into the outbox). */
gboolean fuzz_dtls_client_send (FuzzDtlsClient *self,
                                const guint8   *data,
                                gsize           length);

void fuzz_dtls_client_alert (FuzzDtlsClient *self,
                             gboolean        fatal,
                             guint8          description);

/* Reads @datagram once established (@plaintext_func gets each
 * application record); before, keeps it for the next
 * fuzz_dtls_client_handshake(). */
typedef void (*FuzzDtlsPlaintextFunc) (const guint8 *data,
                                       gsize         length,
                                       gpointer      user_data);
void fuzz_dtls_client_feed (FuzzDtlsClient        *self,
                            GBytes                *datagram,
                            FuzzDtlsPlaintextFunc  plaintext_func,
                            gpointer               user_data);

/* The outbox's datagrams (owned by the caller); the outbox is then empty. */
GPtrArray *fuzz_dtls_client_take_outbox (FuzzDtlsClient *self);
