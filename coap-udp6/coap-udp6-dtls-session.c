/* coap-udp6-dtls-session.c: one peer's DTLS session, driven by the
 * records its transport hands it and by a GSource for retransmission
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-dtls-session-private.h"
#include "coap-udp6-error.h"
#include "coap-udp6-credentials-private.h"

#include <errno.h>
#include <string.h>

/* Plaintext records wait at most this many while the handshake runs. */
#define MAX_PENDING 32

/* RFC 7252 §4.6: 1280 bytes of IPv6 MTU less the IPv6 and UDP headers. */
#define DTLS_MTU 1232

/* RFC 6347 §4.2.4.1: 1 s initial retransmission, doubled up to 60 s. The
 * timers are ours (the context's clock); GnuTLS is told to retransmit
 * whenever it is asked (a 0 ms window), and to give up only long after
 * our own deadline. */
#define RETRANSMIT_INITIAL_MS 1000
#define RETRANSMIT_MAX_MS 60000
#define GNUTLS_TOTAL_TIMEOUT_MS (24 * 3600 * 1000)

/* A peer's repeated flight is answered by ours again (RFC 6347 §4.2.4),
 * at most this often: a record spoofed with the peer's address must not
 * make us send flights at its rate. */
#define PEER_DRIVEN_MIN_US (G_USEC_PER_SEC / 2)

static ssize_t
push (gnutls_transport_ptr_t ptr,
      const void            *data,
      size_t                 length)
{
        CoapUdp6DtlsSession *self = ptr;

        if (self->peer_driven) {
                gint64 now = coap_udp6_dtls_now (self->dtls);

                /* Nothing new came in: this is a retransmission. */
                if (gnutls_handshake_get_last_in (self->tls) == self->call_last_in &&
                    self->flight_at != 0 && now - self->flight_at < PEER_DRIVEN_MIN_US)
                        return length;
                self->flight_at = now;
        } else if (self->state == COAP_UDP6_DTLS_HANDSHAKING) {
                self->flight_at = coap_udp6_dtls_now (self->dtls);
        }
        coap_udp6_dtls_push_record (self->dtls, data, length, self->transport);
        return length;
}

static ssize_t
pull (gnutls_transport_ptr_t ptr,
      void                  *data,
      size_t                 size)
{
        CoapUdp6DtlsSession *self = ptr;
        gsize n;

        if (self->in_data == NULL) {
                gnutls_transport_set_errno (self->tls, EAGAIN);
                return -1;
        }
        n = MIN (size, self->in_length);
        memcpy (data, self->in_data, n);
        self->in_data = NULL;
        self->in_length = 0;
        return n;
}

/* Non-blocking: there is a record or there is none; the waiting is done
 * by the GSource timer and the socket's source. */
static int
pull_timeout (gnutls_transport_ptr_t ptr,
              unsigned int           ms)
{
        CoapUdp6DtlsSession *self = ptr;

        return self->in_data != NULL ? 1 : 0;
}

CoapUdp6DtlsSession *
coap_udp6_dtls_session_new (CoapUdp6Dtls            *dtls,
                            gnutls_session_t         tls,
                            gboolean                 client,
                            CoapUdp6EndpointAddress *transport,
                            guint                    handshake_timeout_ms)
{
        CoapUdp6DtlsSession *self = g_new0 (CoapUdp6DtlsSession, 1);

        g_atomic_ref_count_init (&self->ref);
        self->dtls = dtls;
        self->tls = tls;
        self->client = client;
        self->transport = g_object_ref (transport);
        self->state = COAP_UDP6_DTLS_HANDSHAKING;
        self->last_used = coap_udp6_dtls_now (dtls);
        self->deadline = self->last_used + (gint64) handshake_timeout_ms * 1000;
        self->retransmit_ms = RETRANSMIT_INITIAL_MS;
        g_queue_init (&self->pending);
        gnutls_session_set_ptr (tls, self);
        gnutls_transport_set_ptr (tls, self);
        gnutls_transport_set_push_function (tls, push);
        gnutls_transport_set_pull_function (tls, pull);
        gnutls_transport_set_pull_timeout_function (tls, pull_timeout);
        gnutls_dtls_set_mtu (tls, DTLS_MTU);
        gnutls_dtls_set_timeouts (tls, 0, GNUTLS_TOTAL_TIMEOUT_MS);
        return self;
}

CoapUdp6DtlsSession *
coap_udp6_dtls_session_ref (CoapUdp6DtlsSession *self)
{
        g_atomic_ref_count_inc (&self->ref);
        return self;
}

static void
clear_timer (CoapUdp6DtlsSession *self)
{
        coap_udp6_dtls_cancel_timer (self->dtls, &self->timer);
}

void
coap_udp6_dtls_session_unref (CoapUdp6DtlsSession *self)
{
        if (!g_atomic_ref_count_dec (&self->ref))
                return;
        clear_timer (self);
        g_queue_clear_full (&self->pending, (GDestroyNotify) g_bytes_unref);
        gnutls_deinit (self->tls);
        g_clear_object (&self->transport);
        g_clear_object (&self->remote);
        g_free (self->host_name);
        g_clear_error (&self->verify_error);
        g_free (self);
}

static GError *
handshake_error (CoapUdp6DtlsSession *self,
                 int                  ret)
{
        switch (ret) {
        case GNUTLS_E_TIMEDOUT:
                return g_error_new_literal (COAP_UDP6_ERROR, COAP_UDP6_ERROR_TIMEOUT,
                                            "The DTLS handshake timed out");
        case GNUTLS_E_FATAL_ALERT_RECEIVED:
                return g_error_new (G_TLS_ERROR, G_TLS_ERROR_HANDSHAKE,
                                    "The peer refused the DTLS handshake (%s)",
                                    gnutls_alert_get_name (gnutls_alert_get (self->tls)));
        case GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR: {
                gnutls_datum_t why = { NULL, 0 };
                GError *error;

                gnutls_certificate_verification_status_print (gnutls_session_get_verify_cert_status (self->tls),
                                                              GNUTLS_CRT_X509, &why, 0);
                error = g_error_new (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                                     "The peer's certificate is not trusted: %s",
                                     why.data != NULL ? (const char *) why.data : "unknown reason");
                gnutls_free (why.data);
                return error;
        }
        case GNUTLS_E_CERTIFICATE_ERROR:
                if (self->verify_error != NULL)
                        return g_error_copy (self->verify_error);
                return g_error_new (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                                    "The peer's certificate is not trusted (%s)",
                                    gnutls_strerror (ret));
        case GNUTLS_E_DECRYPTION_FAILED:
        case GNUTLS_E_MAC_VERIFY_FAILED:
                return g_error_new_literal (G_TLS_ERROR, G_TLS_ERROR_HANDSHAKE,
                                            "The DTLS handshake failed: the keys "
                                            "do not match");
        default:
                return g_error_new (G_TLS_ERROR, G_TLS_ERROR_HANDSHAKE,
                                    "The DTLS handshake failed: %s",
                                    gnutls_strerror (ret));
        }
}

static void run_handshake (CoapUdp6DtlsSession *self,
                           const guint8        *data,
                           gsize                length,
                           gboolean             from_timer);

static void
fail (CoapUdp6DtlsSession *self,
      int                  ret)
{
        g_autoptr (GError) error = handshake_error (self, ret);

        clear_timer (self);
        if (self->unknown_identity)
                gnutls_alert_send (self->tls, GNUTLS_AL_FATAL, GNUTLS_A_UNKNOWN_PSK_IDENTITY);
        else if (ret != GNUTLS_E_DECRYPTION_FAILED && ret != GNUTLS_E_FATAL_ALERT_RECEIVED &&
                 ret != GNUTLS_E_TIMEDOUT)
                gnutls_alert_send_appropriate (self->tls, ret);

        self->state = COAP_UDP6_DTLS_CLOSED;
        coap_udp6_dtls_session_done (self->dtls, self, error);
}

static void
timer_cb (gpointer data)
{
        CoapUdp6DtlsSession *self = data;

        self->timer = NULL;
        if (coap_udp6_dtls_now (self->dtls) >= self->deadline) {
                G_GNUC_UNUSED g_autoptr (CoapUdp6DtlsSession) held = coap_udp6_dtls_session_ref (self);

                fail (self, GNUTLS_E_TIMEDOUT);
                return;
        }
        self->retransmit_ms = MIN (self->retransmit_ms * 2, RETRANSMIT_MAX_MS);
        run_handshake (self, NULL, 0, TRUE);
}

/* The next retransmission, or the deadline if it comes first. */
static void
arm_timer (CoapUdp6DtlsSession *self)
{
        gint64 now = coap_udp6_dtls_now (self->dtls);
        gint64 at = MIN (now + (gint64) self->retransmit_ms * 1000, self->deadline);

        clear_timer (self);
        self->timer = coap_udp6_dtls_add_timer (self->dtls, at - now, timer_cb, self);
}

static void
flush_pending (CoapUdp6DtlsSession *self)
{
        GBytes *bytes;

        while (self->state == COAP_UDP6_DTLS_ESTABLISHED &&
               (bytes = g_queue_pop_head (&self->pending)) != NULL) {
                gsize size;
                const guint8 *data = g_bytes_get_data (bytes, &size);
                g_autoptr (GError) error = NULL;

                if (!coap_udp6_dtls_session_write (self, data, size, &error))
                        g_debug ("A queued DTLS record was not sent: %s", error->message);
                g_bytes_unref (bytes);
        }
}

/* Whether @data holds a record of epoch 1 or later: the encrypted
 * Finished of a peer's last handshake flight. */
static gboolean
has_encrypted_record (const guint8 *data,
                      gsize         length)
{
        while (length >= 13) {
                gsize record = 13 + ((gsize) data[11] << 8 | data[12]);

                if (data[3] != 0 || data[4] != 0)
                        return TRUE;
                if (record > length)
                        break;
                data += record;
                length -= record;
        }
        return FALSE;
}

static void
run_handshake (CoapUdp6DtlsSession *self,
               const guint8        *data,
               gsize                length,
               gboolean             from_timer)
{
        /* Held so a callback that drops the last reference cannot free it mid-call. */
        G_GNUC_UNUSED g_autoptr (CoapUdp6DtlsSession) held = coap_udp6_dtls_session_ref (self);
        gnutls_handshake_description_t last_in = gnutls_handshake_get_last_in (self->tls);
        int ret;

        if (self->state != COAP_UDP6_DTLS_HANDSHAKING)
                return;
        self->in_data = data;
        self->in_length = length;
        self->peer_driven = data != NULL;
        self->call_last_in = last_in;
        do {
                ret = gnutls_handshake (self->tls);
        } while (ret == GNUTLS_E_INTERRUPTED);
        self->peer_driven = FALSE;
        self->in_data = NULL;
        /* A server's peer that sent its Finished twice (the flight and its
         * retransmission) and still did not complete the handshake holds
         * another key: DTLS drops the undecryptable records silently
         * (RFC 6347 §4.1.2.7), so say so with a fatal alert rather than
         * let the client wait for the handshake timeout. */
        if (ret == GNUTLS_E_AGAIN && !self->client && data != NULL &&
            has_encrypted_record (data, length) && ++self->undecryptable_finished >= 2) {
                gnutls_alert_send (self->tls, GNUTLS_AL_FATAL, GNUTLS_A_DECRYPT_ERROR);
                ret = GNUTLS_E_DECRYPTION_FAILED;
        }
        if (ret == GNUTLS_E_AGAIN || (ret < 0 && !gnutls_error_is_fatal (ret))) {
                /* A new flight of ours starts the back-off again; a
                 * repeated or stray record leaves the timer as it is. */
                if (!from_timer && (self->timer == NULL ||
                                    gnutls_handshake_get_last_in (self->tls) != last_in))
                        self->retransmit_ms = RETRANSMIT_INITIAL_MS;
                if (from_timer || self->timer == NULL ||
                    gnutls_handshake_get_last_in (self->tls) != last_in)
                        arm_timer (self);
                return;
        }
        if (ret < 0) {
                fail (self, ret);
                return;
        }
        clear_timer (self);
        self->state = COAP_UDP6_DTLS_ESTABLISHED;
        self->last_used = coap_udp6_dtls_now (self->dtls);
        self->last_heard = self->last_used;
        coap_udp6_dtls_session_done (self->dtls, self, NULL);
        flush_pending (self);
}

void
coap_udp6_dtls_session_handshake (CoapUdp6DtlsSession *self,
                                  const guint8        *data,
                                  gsize                length)
{
        run_handshake (self, data, length, FALSE);
}

/* A ClientHello in the established epoch (a client's renegotiation) or a
 * HelloRequest (a server's): RFC 7925 §18 leaves renegotiation out of the
 * profile, and RFC 5246 §7.2.2 says no_renegotiation is always a warning,
 * so the session stays as it is. A server's GnuTLS keeps the ClientHello
 * for the handshake it expects next: whether the next read must drop it
 * (which returns GNUTLS_E_AGAIN in DTLS without reading a record). */
static gboolean
refuse_renegotiation (CoapUdp6DtlsSession *self)
{
        g_debug ("Refusing a DTLS renegotiation");
        gnutls_alert_send (self->tls, GNUTLS_AL_WARNING, GNUTLS_A_NO_RENEGOTIATION);
        return gnutls_record_check_pending (self->tls) > 0;
}

gboolean
coap_udp6_dtls_session_read (CoapUdp6DtlsSession *self,
                             const guint8        *data,
                             gsize                length)
{
        /* Held so a callback that drops the last reference cannot free it mid-call. */
        G_GNUC_UNUSED g_autoptr (CoapUdp6DtlsSession) held = coap_udp6_dtls_session_ref (self);
        guint8 plain[16384 + 256];
        gboolean discarding = FALSE;
        gboolean took = FALSE;
        /* One record filling the datagram (a request, as a rule): once
         * GnuTLS has pulled it and returned its plaintext there is
         * nothing left to read, and asking again only to hear EAGAIN
         * costs a call into GnuTLS per datagram. */
        gboolean one_record = length >= 13 && 13 + ((gsize) data[11] << 8 | data[12]) == length;

        self->in_data = data;
        self->in_length = length;
        while (self->state == COAP_UDP6_DTLS_ESTABLISHED) {
                gboolean unread = self->in_data != NULL;
                ssize_t n;

                /* The peer's repeated last flight makes GnuTLS repeat ours. */
                self->peer_driven = TRUE;
                self->call_last_in = gnutls_handshake_get_last_in (self->tls);
                n = gnutls_record_recv (self->tls, plain, sizeof plain);
                self->peer_driven = FALSE;
                if (n != GNUTLS_E_AGAIN && n != GNUTLS_E_INTERRUPTED)
                        took = TRUE;
                if (n > 0) {
                        /* pull() took the datagram in this call. */
                        gboolean last = one_record && unread && self->in_data == NULL &&
                                        gnutls_record_check_pending (self->tls) == 0;
                        gboolean outer = self->delivering;

                        self->last_used = coap_udp6_dtls_now (self->dtls);
                        self->last_heard = self->last_used;
                        self->in_data = NULL;
                        self->delivering = TRUE;
                        coap_udp6_dtls_deliver (self->dtls, self, plain, n);
                        self->delivering = outer;
                        if (last)
                                break;
                        continue;
                }
                if (n == GNUTLS_E_REHANDSHAKE) {
                        discarding = refuse_renegotiation (self);
                        continue;
                }
                if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
                        /* The read that dropped the ClientHello read no record. */
                        if (discarding) {
                                discarding = FALSE;
                                continue;
                        }
                        break;
                }
                if (n == 0 || gnutls_error_is_fatal (n)) {
                        g_autoptr (GError) error = NULL;

                        if (n == 0)
                                error = g_error_new_literal (G_TLS_ERROR, G_TLS_ERROR_EOF,
                                                             "The peer closed the DTLS session");
                        else
                                error = g_error_new (G_TLS_ERROR, G_TLS_ERROR_MISC,
                                                     "The DTLS session failed: %s",
                                                     gnutls_strerror (n));
                        self->state = COAP_UDP6_DTLS_CLOSED;
                        coap_udp6_dtls_session_done (self->dtls, self, error);
                        break;
                }
                /* A warning alert, or a record that does not decrypt (RFC
                 * 6347 §4.1.2.7: dropped). */
                if (self->in_data == NULL)
                        break;
        }
        self->in_data = NULL;
        return took;
}

gboolean
coap_udp6_dtls_session_write (CoapUdp6DtlsSession *self,
                              const guint8        *data,
                              gsize                length,
                              GError             **error)
{
        ssize_t n;

        if (self->state != COAP_UDP6_DTLS_ESTABLISHED) {
                g_set_error_literal (error, G_TLS_ERROR, G_TLS_ERROR_EOF,
                                     "The DTLS session is closed");
                return FALSE;
        }
        do {
                n = gnutls_record_send (self->tls, data, length);
        } while (n == GNUTLS_E_INTERRUPTED || n == GNUTLS_E_AGAIN);
        if (n == GNUTLS_E_LARGE_PACKET) {
                g_set_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_INVALID_MESSAGE,
                             "A message of %" G_GSIZE_FORMAT " bytes does not fit "
                             "in a DTLS record of this path", length);
                return FALSE;
        }
        if (n < 0) {
                g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_MISC,
                             "Sending a DTLS record failed: %s", gnutls_strerror (n));
                return FALSE;
        }
        /* A reply sent while its request is handled: the clock was read
         * for the request a moment ago. */
        if (!self->delivering)
                self->last_used = coap_udp6_dtls_now (self->dtls);
        return TRUE;
}

/* A CON retransmission repeats the same bytes: it is kept once. */
void
coap_udp6_dtls_session_queue (CoapUdp6DtlsSession *self,
                              const guint8        *data,
                              gsize                length)
{
        g_autoptr (GBytes) bytes = g_bytes_new (data, length);

        for (GList *l = self->pending.head; l != NULL; l = l->next)
                if (g_bytes_equal (l->data, bytes))
                        return;
        if (self->pending.length >= MAX_PENDING) {
                g_debug ("Dropping a message: too many wait for the DTLS handshake");
                return;
        }
        g_queue_push_tail (&self->pending, g_steal_pointer (&bytes));
}

void
coap_udp6_dtls_session_close (CoapUdp6DtlsSession *self)
{
        clear_timer (self);
        if (self->state == COAP_UDP6_DTLS_ESTABLISHED)
                gnutls_bye (self->tls, GNUTLS_SHUT_WR);
        self->state = COAP_UDP6_DTLS_CLOSED;
}

static char *
certificate_identity (CoapUdp6DtlsSession *self)
{
        const gnutls_datum_t *chain;
        unsigned int n = 0;
        gnutls_x509_crt_t crt;
        gnutls_datum_t dn = { NULL, 0 };
        char *identity = NULL;

        chain = gnutls_certificate_get_peers (self->tls, &n);
        if (chain == NULL || n == 0 || gnutls_x509_crt_init (&crt) < 0)
                return NULL;
        if (gnutls_x509_crt_import (crt, &chain[0], GNUTLS_X509_FMT_DER) >= 0 &&
            gnutls_x509_crt_get_dn3 (crt, &dn, 0) >= 0) {
                if (g_utf8_validate ((const char *) dn.data, dn.size, NULL))
                        identity = g_strndup ((const char *) dn.data, dn.size);
                gnutls_free (dn.data);
        }
        gnutls_x509_crt_deinit (crt);
        return identity;
}

/* The PSK identity, the name of a raw public key (which the handshake
 * proved the peer holds, and verify_raw_public_key() took), or the subject
 * of a certificate that was checked against the trusted authorities; NULL
 * when the peer proved nothing. */
char *
coap_udp6_dtls_session_get_peer_identity (CoapUdp6DtlsSession *self)
{
        gnutls_kx_algorithm_t kx = gnutls_kx_get (self->tls);

        if (kx == GNUTLS_KX_PSK || kx == GNUTLS_KX_ECDHE_PSK || kx == GNUTLS_KX_DHE_PSK) {
                const char *identity;

                if (!self->client) {
                        identity = gnutls_psk_server_get_username (self->tls);
                        return identity != NULL && g_utf8_validate (identity, -1, NULL)
                                       ? g_strdup (identity) : NULL;
                }
                return NULL;
        }
        if (gnutls_certificate_type_get2 (self->tls, GNUTLS_CTYPE_PEERS) == GNUTLS_CRT_RAWPK) {
                unsigned int n = 0;
                const gnutls_datum_t *peers = gnutls_certificate_get_peers (self->tls, &n);

                return peers != NULL && n > 0
                               ? coap_udp6_credentials_rpk_identity (peers[0].data, peers[0].size)
                               : NULL;
        }
        if (self->database_trusted)
                return certificate_identity (self);
        if (gnutls_certificate_type_get (self->tls) == GNUTLS_CRT_X509 &&
            gnutls_certificate_get_peers (self->tls, NULL) != NULL) {
                unsigned int status = 0;

                if (gnutls_certificate_verify_peers2 (self->tls, &status) < 0 || status != 0)
                        return NULL;
                return certificate_identity (self);
        }
        return NULL;
}
