/* fuzz-dtls-client.c: a GnuTLS DTLS 1.2 PSK client session on in-memory
 * datagrams (see fuzz-dtls-client.h)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "fuzz-dtls-client.h"

#include <gnutls/dtls.h>
#include <errno.h>
#include <string.h>

#define PRIORITY_PSK "NORMAL:-KX-ALL:+PSK:+AES-128-CCM-8:-VERS-ALL:+VERS-DTLS1.2"
#define PRIORITY_ECDHE_PSK "NORMAL:-KX-ALL:+ECDHE-PSK:+AES-128-CCM-8:-VERS-ALL:+VERS-DTLS1.2"
/* Never reached in a run: see fuzz-dtls-client.h. */
#define RETRANSMIT_MS (24 * 3600 * 1000)
/* A flood of records from the server cannot keep feed() in its loop. */
#define MAX_READS 64

static ssize_t
push (gnutls_transport_ptr_t ptr,
      const void            *data,
      size_t                 length)
{
        FuzzDtlsClient *self = ptr;

        g_ptr_array_add (self->outbox, g_bytes_new (data, length));
        return length;
}

static ssize_t
pull (gnutls_transport_ptr_t ptr,
      void                  *data,
      size_t                 size)
{
        FuzzDtlsClient *self = ptr;
        g_autoptr (GBytes) datagram = g_queue_pop_head (&self->inbox);
        gsize length;
        const guint8 *bytes;

        if (datagram == NULL) {
                gnutls_transport_set_errno (self->tls, EAGAIN);
                return -1;
        }
        bytes = g_bytes_get_data (datagram, &length);
        length = MIN (length, size);
        memcpy (data, bytes, length);
        return length;
}

static int
pull_timeout (gnutls_transport_ptr_t ptr,
              unsigned int           ms)
{
        FuzzDtlsClient *self = ptr;

        return self->inbox.length > 0 ? 1 : 0;
}

FuzzDtlsClient *
fuzz_dtls_client_new (gboolean ecdhe)
{
        FuzzDtlsClient *self = g_new0 (FuzzDtlsClient, 1);
        gnutls_datum_t key = { (unsigned char *) "secretPSK", 9 };

        self->outbox = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
        g_queue_init (&self->inbox);
        if (gnutls_psk_allocate_client_credentials (&self->psk) < 0 ||
            gnutls_psk_set_client_credentials (self->psk, "alice", &key, GNUTLS_PSK_KEY_RAW) < 0 ||
            gnutls_init (&self->tls, GNUTLS_CLIENT | GNUTLS_DATAGRAM | GNUTLS_NONBLOCK) < 0 ||
            gnutls_priority_set_direct (self->tls, ecdhe ? PRIORITY_ECDHE_PSK : PRIORITY_PSK, NULL) < 0 ||
            gnutls_credentials_set (self->tls, GNUTLS_CRD_PSK, self->psk) < 0)
                g_error ("cannot make a GnuTLS client session");
        gnutls_transport_set_ptr (self->tls, self);
        gnutls_transport_set_push_function (self->tls, push);
        gnutls_transport_set_pull_function (self->tls, pull);
        gnutls_transport_set_pull_timeout_function (self->tls, pull_timeout);
        gnutls_dtls_set_mtu (self->tls, 1232);
        gnutls_dtls_set_timeouts (self->tls, RETRANSMIT_MS, RETRANSMIT_MS);
        return self;
}

void
fuzz_dtls_client_free (FuzzDtlsClient *self)
{
        gnutls_deinit (self->tls);
        gnutls_psk_free_client_credentials (self->psk);
        g_ptr_array_unref (self->outbox);
        g_queue_clear_full (&self->inbox, (GDestroyNotify) g_bytes_unref);
        g_free (self);
}

gboolean
fuzz_dtls_client_handshake (FuzzDtlsClient *self)
{
        int ret;

        if (self->failed)
                return FALSE;
        ret = gnutls_handshake (self->tls);
        if (ret == 0) {
                self->established = TRUE;
                return TRUE;
        }
        if (gnutls_error_is_fatal (ret))
                self->failed = TRUE;
        return FALSE;
}

gboolean
fuzz_dtls_client_send (FuzzDtlsClient *self,
                       const guint8   *data,
                       gsize           length)
{
        ssize_t n;

        if (self->failed || !self->established)
                return FALSE;
        n = gnutls_record_send (self->tls, data, length);
        if (n < 0 && gnutls_error_is_fatal (n))
                self->failed = TRUE;
        return n >= 0;
}

void
fuzz_dtls_client_alert (FuzzDtlsClient *self,
                        gboolean        fatal,
                        guint8          description)
{
        if (self->failed)
                return;
        gnutls_alert_send (self->tls, fatal ? GNUTLS_AL_FATAL : GNUTLS_AL_WARNING, description);
        if (fatal)
                self->failed = TRUE;
}

void
fuzz_dtls_client_feed (FuzzDtlsClient        *self,
                       GBytes                *datagram,
                       FuzzDtlsPlaintextFunc  plaintext_func,
                       gpointer               user_data)
{
        guint8 plain[16384 + 256];

        if (self->failed)
                return;
        g_queue_push_tail (&self->inbox, g_bytes_ref (datagram));
        if (!self->established)
                return;
        for (guint i = 0; i < MAX_READS; i++) {
                ssize_t n = gnutls_record_recv (self->tls, plain, sizeof plain);

                if (n > 0) {
                        plaintext_func (plain, n, user_data);
                } else if (n == GNUTLS_E_AGAIN) {
                        break;
                } else if (n == 0 || gnutls_error_is_fatal (n)) {
                        self->failed = TRUE;
                        break;
                }
        }
        g_queue_clear_full (&self->inbox, (GDestroyNotify) g_bytes_unref);
}

GPtrArray *
fuzz_dtls_client_take_outbox (FuzzDtlsClient *self)
{
        GPtrArray *taken = g_steal_pointer (&self->outbox);

        self->outbox = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
        return taken;
}
