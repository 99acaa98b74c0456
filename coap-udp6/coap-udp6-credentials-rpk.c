/* coap-udp6-credentials-rpk.c: the RawPublicKey mode of credentials
 * (RFC 7250, RFC 7252 §9.1.3.2): our key pair, its name, the peers' keys
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-credentials-private.h"
#include "coap-udp6-dtls-private.h"

#include <string.h>

/* RFC 6920 §3 with the hash of RFC 7252 §9.1.3.2.1. */
#define NI_PREFIX "ni:///sha-256;"
#define SHA256_LENGTH 32
#define SHA256_BASE64URL_LENGTH 43

static char *
base64url (const guint8 *data,
           gsize         length)
{
        char *text = g_base64_encode (data, length);

        g_strdelimit (text, "+", '-');
        g_strdelimit (text, "/", '_');
        *strchrnul (text, '=') = '\0';
        return text;
}

char *
coap_udp6_credentials_rpk_identity (const guint8 *spki,
                                    gsize         length)
{
        g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
        guint8 digest[SHA256_LENGTH];
        gsize digest_length = sizeof digest;
        g_autofree char *value = NULL;

        g_checksum_update (checksum, spki, length);
        g_checksum_get_digest (checksum, digest, &digest_length);
        value = base64url (digest, digest_length);
        return g_strconcat (NI_PREFIX, value, NULL);
}

/* "ni://AUTHORITY/sha-256;VALUE?QUERY" (RFC 6920 §3: the authority and
 * query do not take part in matching) as "ni:///sha-256;VALUE", or NULL. */
static char *
normalize_ni (const char *name)
{
        const char *path, *value;
        g_autofree char *copy = NULL;
        g_autofree char *padded = NULL;
        g_autofree guint8 *digest = NULL;
        g_autofree char *again = NULL;
        gsize length = 0;

        if (g_ascii_strncasecmp (name, "ni://", 5) != 0)
                return NULL;
        path = strchr (name + 5, '/');
        if (path == NULL || g_ascii_strncasecmp (path + 1, "sha-256;", 8) != 0)
                return NULL;
        value = path + 9;
        copy = g_strndup (value, strcspn (value, "?"));
        if (strlen (copy) != SHA256_BASE64URL_LENGTH ||
            strspn (copy, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") !=
            SHA256_BASE64URL_LENGTH)
                return NULL;
        padded = g_strconcat (copy, "=", NULL);
        g_strdelimit (padded, "-", '+');
        g_strdelimit (padded, "_", '/');
        digest = g_base64_decode (padded, &length);
        if (length != SHA256_LENGTH)
                return NULL;
        /* Only one spelling of the 256 bits is the name. */
        again = base64url (digest, length);
        if (strcmp (again, copy) != 0)
                return NULL;
        return g_strconcat (NI_PREFIX, copy, NULL);
}

/* A private key does not outlive the credentials in memory. */
static void
free_secret (gpointer data)
{
        explicit_bzero (data, strlen (data));
        g_free (data);
}

/**
 * coap_udp6_credentials_set_raw_public_key:
 * @self: a #CoapUdp6Credentials
 * @private_key_pem: an unencrypted PEM private key: "EC PRIVATE KEY" (as
 *   `openssl ecparam -genkey` writes it) or PKCS#8 "PRIVATE KEY", possibly
 *   beside other blocks ("EC PARAMETERS", "PUBLIC KEY")
 * @error: return location for a #GError
 *
 * Sets the key pair this side proves itself with in RawPublicKey mode
 * (RFC 7250, RFC 7252 §9.1.3.2), as libcoap's `-M` file: the public key
 * is derived from the private key (a "PUBLIC KEY" block beside it is not
 * read). RFC 7252 makes a P-256 (secp256r1) key the one every peer
 * supports. Its name, which peers see as our identity, is
 * [method@Credentials.get_raw_public_key_identity].
 *
 * A client presents the key to servers that ask for one; a server
 * presents it, and asks clients for theirs: see
 * [method@Credentials.add_peer_public_key] for which peers are accepted.
 *
 * Set it before the credentials are given to a context: a coaps transport
 * reads the key when it is made. (Keys pinned later count from the next
 * handshake on.)
 *
 * Returns: %TRUE on success; %FALSE with %G_TLS_ERROR_BAD_CERTIFICATE for
 *   text that holds no usable private key, or %COAP_UDP6_ERROR_NOT_SUPPORTED
 *   when the library was built without GnuTLS
 *
 * Since: 1.0
 */
gboolean
coap_udp6_credentials_set_raw_public_key (CoapUdp6Credentials *self,
                                          const char          *private_key_pem,
                                          GError             **error)
{
        g_autoptr (GBytes) spki = NULL;
        const guint8 *data;
        gsize length;
        char *copy;

        g_return_val_if_fail (COAP_UDP6_IS_CREDENTIALS (self), FALSE);
        g_return_val_if_fail (private_key_pem != NULL, FALSE);
        g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

        spki = coap_udp6_dtls_spki_from_pem (private_key_pem, FALSE, error);
        if (spki == NULL)
                return FALSE;
        data = g_bytes_get_data (spki, &length);
        g_free (self->rpk_identity);
        self->rpk_identity = coap_udp6_credentials_rpk_identity (data, length);
        g_clear_pointer (&self->rpk_spki, g_bytes_unref);
        self->rpk_spki = g_steal_pointer (&spki);
        g_clear_pointer (&self->rpk_private_key_pem, g_bytes_unref);
        copy = g_strdup (private_key_pem);
        self->rpk_private_key_pem = g_bytes_new_with_free_func (copy, strlen (copy), free_secret, copy);
        return TRUE;
}

/**
 * coap_udp6_credentials_set_raw_public_key_file:
 * @self: a #CoapUdp6Credentials
 * @path: (type filename): a PEM file with the private key (libcoap's `-M`
 *   file)
 * @error: return location for a #GError
 *
 * Reads @path and calls [method@Credentials.set_raw_public_key] with it.
 *
 * Returns: %TRUE on success; %FALSE with a %G_FILE_ERROR or the errors of
 *   [method@Credentials.set_raw_public_key], prefixed with @path
 *
 * Since: 1.0
 */
gboolean
coap_udp6_credentials_set_raw_public_key_file (CoapUdp6Credentials *self,
                                               const char          *path,
                                               GError             **error)
{
        g_autofree char *contents = NULL;
        gsize length;
        gboolean ok;

        g_return_val_if_fail (COAP_UDP6_IS_CREDENTIALS (self), FALSE);
        g_return_val_if_fail (path != NULL, FALSE);
        g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

        if (!coap_udp6_credentials_read_file (path, &contents, &length, error))
                return FALSE;
        ok = coap_udp6_credentials_set_raw_public_key (self, contents, error);
        if (!ok)
                g_prefix_error (error, "%s: ", path);
        explicit_bzero (contents, length);
        return ok;
}

/**
 * coap_udp6_credentials_get_raw_public_key_identity:
 * @self: a #CoapUdp6Credentials
 *
 * Gets the name of the raw public key of
 * [method@Credentials.set_raw_public_key]: `ni:///sha-256;` and the
 * base64url (RFC 4648 §5, without padding) of the SHA-256 of its DER
 * SubjectPublicKeyInfo, the RFC 6920 form RFC 7252 §9.1.3.2.1 names keys
 * with. It is what a peer reports as our identity, and what it pins with
 * [method@Credentials.add_peer_public_key].
 *
 * Returns: (nullable): the name, or %NULL without a raw public key
 *
 * Since: 1.0
 */
const char *
coap_udp6_credentials_get_raw_public_key_identity (CoapUdp6Credentials *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_CREDENTIALS (self), NULL);

        return self->rpk_identity;
}

/**
 * coap_udp6_credentials_add_peer_public_key:
 * @self: a #CoapUdp6Credentials
 * @identity_or_pem: the peer's key: its name (`ni:///sha-256;…`, as
 *   [method@Credentials.get_raw_public_key_identity] gives it; an authority
 *   or query in the name is ignored), or PEM text with its "PUBLIC KEY"
 *   block or its private key
 * @error: return location for a #GError
 *
 * Pins a peer's raw public key (RawPublicKey mode): once one is pinned,
 * a client accepts only servers that present a pinned key, and a server
 * requires clients to present one, failing other handshakes with
 * %G_TLS_ERROR_BAD_CERTIFICATE (the client of a server that refuses it
 * gets %G_TLS_ERROR_HANDSHAKE). Without pinned keys a server accepts any
 * client key (and clients without one), and a client accepts none unless
 * [property@Credentials:accept-any-public-key] is set. Either way the
 * peer identity of a remote ([method@EndpointAddress.get_peer_identity])
 * is the name of the key it proved it holds.
 *
 * Returns: %TRUE on success; %FALSE with %G_TLS_ERROR_BAD_CERTIFICATE for
 *   text that is no such name or key
 *
 * Since: 1.0
 */
gboolean
coap_udp6_credentials_add_peer_public_key (CoapUdp6Credentials *self,
                                           const char          *identity_or_pem,
                                           GError             **error)
{
        char *identity;

        g_return_val_if_fail (COAP_UDP6_IS_CREDENTIALS (self), FALSE);
        g_return_val_if_fail (identity_or_pem != NULL, FALSE);
        g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

        if (g_ascii_strncasecmp (identity_or_pem, "ni:", 3) == 0) {
                identity = normalize_ni (identity_or_pem);
                if (identity == NULL) {
                        g_set_error_literal (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                                             "Not an ni:///sha-256; name of 43 base64url characters");
                        return FALSE;
                }
        } else {
                g_autoptr (GBytes) spki = coap_udp6_dtls_spki_from_pem (identity_or_pem, TRUE, error);
                const guint8 *data;
                gsize length;

                if (spki == NULL)
                        return FALSE;
                data = g_bytes_get_data (spki, &length);
                identity = coap_udp6_credentials_rpk_identity (data, length);
        }
        g_hash_table_add (self->peer_keys, identity);
        return TRUE;
}

gboolean
coap_udp6_credentials_uses_raw_public_keys (CoapUdp6Credentials *self)
{
        return self->rpk_spki != NULL || g_hash_table_size (self->peer_keys) > 0 ||
               self->accept_any_public_key;
}

GBytes *
coap_udp6_credentials_peek_rpk_private_key_pem (CoapUdp6Credentials *self)
{
        return self->rpk_private_key_pem;
}

GBytes *
coap_udp6_credentials_peek_rpk_spki (CoapUdp6Credentials *self)
{
        return self->rpk_spki;
}

guint
coap_udp6_credentials_get_n_peer_keys (CoapUdp6Credentials *self)
{
        return g_hash_table_size (self->peer_keys);
}

gboolean
coap_udp6_credentials_is_peer_key_pinned (CoapUdp6Credentials *self,
                                          const char          *identity)
{
        return g_hash_table_contains (self->peer_keys, identity);
}
