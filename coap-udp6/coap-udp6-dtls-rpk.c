/* coap-udp6-dtls-rpk.c: the public half of a PEM key, for RawPublicKey
 * mode (RFC 7250), our key pair in GnuTLS credentials, and the check of
 * the key a peer presents
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-dtls-session-private.h"
#include "coap-udp6-credentials-private.h"

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <string.h>

#define PUBLIC_KEY_HEADER "-----BEGIN PUBLIC KEY-----"

GBytes *
coap_udp6_dtls_spki_from_pem (const char *pem,
                              gboolean    public_allowed,
                              GError    **error)
{
        gnutls_datum_t in = { (unsigned char *) pem, strlen (pem) };
        gnutls_datum_t der = { NULL, 0 };
        gnutls_pubkey_t public_key = NULL;
        gnutls_privkey_t private_key = NULL;
        GBytes *spki = NULL;
        int ret;

        /* Called when credentials are set, before any coaps use. */
        if (!coap_udp6_gnutls_load (error))
                return NULL;
        ret = gnutls_pubkey_init (&public_key);
        if (ret >= 0 && public_allowed && strstr (pem, PUBLIC_KEY_HEADER) != NULL) {
                ret = gnutls_pubkey_import (public_key, &in, GNUTLS_X509_FMT_PEM);
        } else if (ret >= 0) {
                ret = gnutls_privkey_init (&private_key);
                if (ret >= 0)
                        ret = gnutls_privkey_import_x509_raw (private_key, &in, GNUTLS_X509_FMT_PEM,
                                                              NULL, 0);
                if (ret >= 0)
                        ret = gnutls_pubkey_import_privkey (public_key, private_key, 0, 0);
        }
        if (ret >= 0)
                ret = gnutls_pubkey_export2 (public_key, GNUTLS_X509_FMT_DER, &der);
        if (ret >= 0)
                spki = g_bytes_new (der.data, der.size);
        else
                g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                             "Not a PEM %s: %s",
                             public_allowed ? "public or private key" : "private key",
                             gnutls_strerror (ret));
        gnutls_free (der.data);
        if (private_key != NULL)
                gnutls_privkey_deinit (private_key);
        if (public_key != NULL)
                gnutls_pubkey_deinit (public_key);
        return spki;
}

gboolean
coap_udp6_dtls_load_raw_public_key (gnutls_certificate_credentials_t   certificates,
                                    CoapUdp6Credentials               *c,
                                    GError                           **error)
{
        GBytes *key = coap_udp6_credentials_peek_rpk_private_key_pem (c);
        gnutls_datum_t k_datum, spki;
        gnutls_privkey_t private_key = NULL;
        gnutls_pcert_st pcert;
        gsize size;
        int ret;

        if (key == NULL)
                return TRUE;
        k_datum.data = (unsigned char *) g_bytes_get_data (key, &size);
        k_datum.size = size;
        spki.data = (unsigned char *) g_bytes_get_data (coap_udp6_credentials_peek_rpk_spki (c), &size);
        spki.size = size;
        ret = gnutls_privkey_init (&private_key);
        if (ret >= 0)
                ret = gnutls_privkey_import_x509_raw (private_key, &k_datum, GNUTLS_X509_FMT_PEM,
                                                      NULL, 0);
        if (ret >= 0)
                ret = gnutls_pcert_import_rawpk_raw (&pcert, &spki, GNUTLS_X509_FMT_DER, 0, 0);
        if (ret >= 0) {
                ret = gnutls_certificate_set_key (certificates, NULL, 0, &pcert, 1, private_key);
                if (ret >= 0)
                        private_key = NULL;     /* the credentials own it and pcert now */
                else
                        gnutls_pcert_deinit (&pcert);
        }
        if (private_key != NULL)
                gnutls_privkey_deinit (private_key);
        if (ret < 0) {
                g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                             "Unusable raw public key: %s", gnutls_strerror (ret));
                return FALSE;
        }
        return TRUE;
}

/* A raw public key the peer presented: a pinned one, else any on a
 * server, or on a client that accepts any. Names of unpinned keys are
 * public, so the error may say which key it was. */
int
coap_udp6_dtls_verify_raw_public_key (CoapUdp6DtlsSession *session,
                                      CoapUdp6Credentials *c)
{
        unsigned int n = 0;
        const gnutls_datum_t *peers = gnutls_certificate_get_peers (session->tls, &n);
        g_autofree char *identity = NULL;

        g_clear_error (&session->verify_error);
        if (peers == NULL || n == 0) {
                if (!session->client && coap_udp6_credentials_get_n_peer_keys (c) == 0)
                        return 0;
                session->verify_error = g_error_new (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                                                     "The %s sent no raw public key",
                                                     session->client ? "server" : "client");
                return -1;
        }
        identity = coap_udp6_credentials_rpk_identity (peers[0].data, peers[0].size);
        if (coap_udp6_credentials_is_peer_key_pinned (c, identity))
                return 0;
        if (coap_udp6_credentials_get_n_peer_keys (c) == 0 &&
            (!session->client || coap_udp6_credentials_get_accept_any_public_key (c)))
                return 0;
        session->verify_error = g_error_new (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                                             "The %s's raw public key %s is not %s",
                                             session->client ? "server" : "client", identity,
                                             coap_udp6_credentials_get_n_peer_keys (c) > 0
                                             ? "one of the pinned keys"
                                             : "trusted: no key is pinned");
        return -1;
}
