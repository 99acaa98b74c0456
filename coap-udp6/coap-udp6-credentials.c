/* coap-udp6-credentials.c: keys and certificates for coaps (DTLS)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-credentials-private.h"
#ifdef COAP_UDP6_HAVE_DTLS
#include "coap-udp6-gnutls-private.h"
#endif
#include "coap-udp6-error.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

/**
 * CoapUdp6Credentials:
 *
 * What a [class@Context] proves itself with and trusts on `coaps://`
 * (DTLS 1.2, RFC 7252 §9): a pre-shared key with its identity
 * (PreSharedKey mode), a raw public key and the peers' keys to trust
 * (RawPublicKey mode, RFC 7250), and/or an X.509 certificate with its
 * private key and the certificate authorities to trust (Certificate mode).
 *
 * A client sends the identity of [method@Credentials.set_psk]. A server
 * finds the key for the identity a client sends through
 * [signal@Credentials::lookup-psk], then the keys of
 * [method@Credentials.add_psk], then the key of
 * [method@Credentials.set_psk] (one key for every identity).
 *
 * Keys are never logged.
 *
 * Since: 1.0
 */
G_DEFINE_FINAL_TYPE (CoapUdp6Credentials, coap_udp6_credentials, G_TYPE_OBJECT)

enum {
        SIGNAL_LOOKUP_PSK,
        N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
        PROP_0,
        PROP_DATABASE,
        PROP_ACCEPT_ANY_PUBLIC_KEY,
        N_PROPS
};

static GParamSpec *props[N_PROPS];

static void
coap_udp6_credentials_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
        CoapUdp6Credentials *self = COAP_UDP6_CREDENTIALS (object);

        switch (prop_id) {
        case PROP_DATABASE: g_value_set_object (value, self->database); break;
        case PROP_ACCEPT_ANY_PUBLIC_KEY: g_value_set_boolean (value, self->accept_any_public_key); break;
        default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        }
}

static void
coap_udp6_credentials_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
        CoapUdp6Credentials *self = COAP_UDP6_CREDENTIALS (object);

        switch (prop_id) {
        case PROP_DATABASE: coap_udp6_credentials_set_database (self, g_value_get_object (value)); break;
        case PROP_ACCEPT_ANY_PUBLIC_KEY:
                coap_udp6_credentials_set_accept_any_public_key (self, g_value_get_boolean (value));
                break;
        default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        }
}

static void
coap_udp6_credentials_finalize (GObject *object)
{
        CoapUdp6Credentials *self = COAP_UDP6_CREDENTIALS (object);

        g_free (self->psk_identity);
        g_clear_pointer (&self->psk_key, g_bytes_unref);
        g_hash_table_unref (self->psk_table);
        g_clear_pointer (&self->certificate_pem, g_bytes_unref);
        g_clear_pointer (&self->private_key_pem, g_bytes_unref);
        g_clear_pointer (&self->ca_pem, g_bytes_unref);
        g_clear_pointer (&self->pinned_pem, g_bytes_unref);
        g_clear_object (&self->database);
        g_clear_pointer (&self->rpk_private_key_pem, g_bytes_unref);
        g_clear_pointer (&self->rpk_spki, g_bytes_unref);
        g_free (self->rpk_identity);
        g_hash_table_unref (self->peer_keys);

        G_OBJECT_CLASS (coap_udp6_credentials_parent_class)->finalize (object);
}

static void
coap_udp6_credentials_class_init (CoapUdp6CredentialsClass *klass)
{
        GObjectClass *object_class = G_OBJECT_CLASS (klass);

        object_class->finalize = coap_udp6_credentials_finalize;
        object_class->get_property = coap_udp6_credentials_get_property;
        object_class->set_property = coap_udp6_credentials_set_property;

        /**
         * CoapUdp6Credentials:database: (attributes org.gtk.Property.get=coap_udp6_credentials_get_database org.gtk.Property.set=coap_udp6_credentials_set_database)
         *
         * The trust store that checks a peer's certificate chain, instead
         * of the authorities of [method@Credentials.set_ca_file]: a
         * #GTlsFileDatabase, the system's (g_tls_backend_get_default_database()),
         * or an application's own #GTlsDatabase subclass.
         *
         * Since: 1.0
         */
        props[PROP_DATABASE] =
                g_param_spec_object ("database", NULL, NULL, G_TYPE_TLS_DATABASE,
                                     G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                     G_PARAM_STATIC_STRINGS);

        /**
         * CoapUdp6Credentials:accept-any-public-key: (attributes org.gtk.Property.get=coap_udp6_credentials_get_accept_any_public_key org.gtk.Property.set=coap_udp6_credentials_set_accept_any_public_key)
         *
         * Whether a client takes any raw public key a server presents when
         * no key is pinned with [method@Credentials.add_peer_public_key].
         * Without it, and without pinned keys, a client fails every
         * RawPublicKey handshake with %G_TLS_ERROR_BAD_CERTIFICATE. A server
         * without pinned keys always accepts any client key, and reports
         * which one in the peer identity.
         *
         * Since: 1.0
         */
        props[PROP_ACCEPT_ANY_PUBLIC_KEY] =
                g_param_spec_boolean ("accept-any-public-key", NULL, NULL, FALSE,
                                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                      G_PARAM_STATIC_STRINGS);
        g_object_class_install_properties (object_class, N_PROPS, props);

        /**
         * CoapUdp6Credentials::lookup-psk:
         * @self: the credentials
         * @identity: the PSK identity a client sent
         *
         * Emitted on a server when a client names its identity; a handler
         * returns the key for it, or %NULL to let the next handler or the
         * keys added with [method@Credentials.add_psk] answer.
         *
         * Returns: (transfer full) (nullable): the key, or %NULL
         *
         * Since: 1.0
         */
        signals[SIGNAL_LOOKUP_PSK] =
                g_signal_new ("lookup-psk", G_TYPE_FROM_CLASS (klass),
                              G_SIGNAL_RUN_LAST, 0,
                              g_signal_accumulator_first_wins, NULL, NULL,
                              G_TYPE_BYTES, 1, G_TYPE_STRING);
}

static void
coap_udp6_credentials_init (CoapUdp6Credentials *self)
{
        self->psk_table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                 (GDestroyNotify) g_bytes_unref);
        self->peer_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * coap_udp6_credentials_new:
 *
 * Creates empty credentials.
 *
 * Returns: (transfer full): the credentials
 *
 * Since: 1.0
 */
CoapUdp6Credentials *
coap_udp6_credentials_new (void)
{
        return g_object_new (COAP_UDP6_TYPE_CREDENTIALS, NULL);
}

/**
 * coap_udp6_credentials_is_supported:
 *
 * Whether the library was built with DTLS (GnuTLS) and GnuTLS can be
 * loaded: the library loads GnuTLS when coaps is first used (a `coaps://`
 * bind or request, or this call), so a process that never uses coaps does
 * not pay for it. Without it a `coaps://` bind or request fails with
 * %COAP_UDP6_ERROR_NOT_SUPPORTED.
 *
 * Returns: %TRUE when coaps is available
 *
 * Since: 1.0
 */
gboolean
coap_udp6_credentials_is_supported (void)
{
#ifdef COAP_UDP6_HAVE_DTLS
        return coap_udp6_gnutls_load (NULL);
#else
        return FALSE;
#endif
}

/**
 * coap_udp6_credentials_set_psk:
 * @self: a #CoapUdp6Credentials
 * @identity: (nullable): the identity a client sends (UTF-8); %NULL on a
 *   server that accepts @key for every identity
 * @key: the pre-shared key (raw bytes)
 *
 * Sets the pre-shared key of a client, or a server's key for every
 * identity.
 *
 * Since: 1.0
 */
void
coap_udp6_credentials_set_psk (CoapUdp6Credentials *self,
                               const char          *identity,
                               GBytes              *key)
{
        g_return_if_fail (COAP_UDP6_IS_CREDENTIALS (self));
        g_return_if_fail (key != NULL && g_bytes_get_size (key) > 0);
        g_return_if_fail (identity == NULL || g_utf8_validate (identity, -1, NULL));

        g_free (self->psk_identity);
        self->psk_identity = g_strdup (identity);
        g_clear_pointer (&self->psk_key, g_bytes_unref);
        self->psk_key = g_bytes_ref (key);
}

/**
 * coap_udp6_credentials_add_psk:
 * @self: a #CoapUdp6Credentials
 * @identity: a client's identity (UTF-8)
 * @key: its pre-shared key
 *
 * Adds the key a server accepts from the client with @identity,
 * replacing an earlier one.
 *
 * Since: 1.0
 */
void
coap_udp6_credentials_add_psk (CoapUdp6Credentials *self,
                               const char          *identity,
                               GBytes              *key)
{
        g_return_if_fail (COAP_UDP6_IS_CREDENTIALS (self));
        g_return_if_fail (identity != NULL && g_utf8_validate (identity, -1, NULL));
        g_return_if_fail (key != NULL && g_bytes_get_size (key) > 0);

        g_hash_table_replace (self->psk_table, g_strdup (identity), g_bytes_ref (key));
}

/**
 * coap_udp6_credentials_load_psk_file:
 * @self: a #CoapUdp6Credentials
 * @path: (type filename): a file of `IDENTITY KEY` lines
 * @error: return location for a #GError
 *
 * Adds the keys of a file, one client per line: the identity, white
 * space, and the key (the rest of the line). Empty lines and lines
 * starting with `#` are skipped.
 *
 * Returns: %TRUE on success; %FALSE with a %G_FILE_ERROR, or
 *   %COAP_UDP6_ERROR_FAILED for a line without a key (its number is
 *   reported, never its content)
 *
 * Since: 1.0
 */
gboolean
coap_udp6_credentials_load_psk_file (CoapUdp6Credentials *self,
                                     const char          *path,
                                     GError             **error)
{
        g_autofree char *contents = NULL;
        g_auto (GStrv) lines = NULL;
        gsize length;

        g_return_val_if_fail (COAP_UDP6_IS_CREDENTIALS (self), FALSE);
        g_return_val_if_fail (path != NULL, FALSE);

        if (!coap_udp6_credentials_read_file (path, &contents, &length, error))
                return FALSE;
        lines = g_strsplit (contents, "\n", -1);
        for (guint i = 0; lines[i] != NULL; i++) {
                char *line = g_strstrip (lines[i]);
                char *key;

                if (line[0] == '\0' || line[0] == '#')
                        continue;
                key = line + strcspn (line, " \t");
                if (*key == '\0' || !g_utf8_validate (line, -1, NULL)) {
                        g_set_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_FAILED,
                                     "%s:%u: expected “IDENTITY KEY”", path, i + 1);
                        return FALSE;
                }
                *key++ = '\0';
                key += strspn (key, " \t");
                g_hash_table_replace (self->psk_table, g_strdup (line),
                                      g_bytes_new (key, strlen (key)));
        }
        return TRUE;
}

/**
 * coap_udp6_credentials_get_psk_identity:
 * @self: a #CoapUdp6Credentials
 *
 * Gets the identity of [method@Credentials.set_psk].
 *
 * Returns: (nullable): the identity
 *
 * Since: 1.0
 */
const char *
coap_udp6_credentials_get_psk_identity (CoapUdp6Credentials *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_CREDENTIALS (self), NULL);
        return self->psk_identity;
}

#define MAX_CREDENTIALS_FILE (1024 * 1024)

gboolean
coap_udp6_credentials_read_file (const char  *path,
                                 char       **contents,
                                 gsize       *length,
                                 GError     **error)
{
        g_autofree char *data = NULL;
        struct stat st;
        gsize done = 0;
        int fd;

        /* O_NONBLOCK: opening a FIFO does not wait for a writer. */
        fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
        if (fd < 0) {
                int saved = errno;

                g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                             "Cannot open %s: %s", path, g_strerror (saved));
                return FALSE;
        }
        if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)) {
                g_set_error (error, G_FILE_ERROR,
                             S_ISDIR (st.st_mode) ? G_FILE_ERROR_ISDIR : G_FILE_ERROR_FAILED,
                             "%s is not a regular file", path);
                close (fd);
                return FALSE;
        }
        if (st.st_size > MAX_CREDENTIALS_FILE) {
                g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                             "%s is larger than %u bytes", path, MAX_CREDENTIALS_FILE);
                close (fd);
                return FALSE;
        }
        data = g_malloc (st.st_size + 1);
        while (done < (gsize) st.st_size) {
                gssize n = read (fd, data + done, st.st_size - done);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                done += n;
        }
        close (fd);
        data[done] = '\0';
        *length = done;
        *contents = g_steal_pointer (&data);
        return TRUE;
}

static GBytes *
read_pem (const char  *path,
          const char  *what,
          GError     **error)
{
        g_autofree char *contents = NULL;
        gsize length;

        if (!coap_udp6_credentials_read_file (path, &contents, &length, error))
                return NULL;
        if (strstr (contents, "-----BEGIN ") == NULL) {
                g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                             "%s is not a PEM %s", path, what);
                return NULL;
        }
        /* GnuTLS wants the terminating NUL counted out, but present. */
        return g_bytes_new_take (g_steal_pointer (&contents), length);
}

/**
 * coap_udp6_credentials_set_certificate_files:
 * @self: a #CoapUdp6Credentials
 * @cert_file: (type filename): the certificate (chain), PEM
 * @key_file: (type filename) (nullable): its private key, PEM; %NULL when
 *   it is in @cert_file
 * @error: return location for a #GError
 *
 * Sets the X.509 certificate this side presents (Certificate mode).
 *
 * Returns: %TRUE on success; %FALSE with a %G_FILE_ERROR or
 *   %G_TLS_ERROR_BAD_CERTIFICATE
 *
 * Since: 1.0
 */
gboolean
coap_udp6_credentials_set_certificate_files (CoapUdp6Credentials *self,
                                             const char          *cert_file,
                                             const char          *key_file,
                                             GError             **error)
{
        g_autoptr (GBytes) cert = NULL;
        g_autoptr (GBytes) key = NULL;

        g_return_val_if_fail (COAP_UDP6_IS_CREDENTIALS (self), FALSE);
        g_return_val_if_fail (cert_file != NULL, FALSE);

        cert = read_pem (cert_file, "certificate", error);
        if (cert == NULL)
                return FALSE;
        key = read_pem (key_file != NULL ? key_file : cert_file, "private key", error);
        if (key == NULL)
                return FALSE;
        g_clear_pointer (&self->certificate_pem, g_bytes_unref);
        g_clear_pointer (&self->private_key_pem, g_bytes_unref);
        self->certificate_pem = g_steal_pointer (&cert);
        self->private_key_pem = g_steal_pointer (&key);
        return TRUE;
}

/**
 * coap_udp6_credentials_set_certificate:
 * @self: a #CoapUdp6Credentials
 * @certificate: a certificate with its private key
 * @error: return location for a #GError
 *
 * Sets the X.509 certificate this side presents from a #GTlsCertificate
 * (its #GTlsCertificate:certificate-pem and
 * #GTlsCertificate:private-key-pem).
 *
 * Returns: %TRUE on success; %FALSE with %G_TLS_ERROR_BAD_CERTIFICATE
 *   when @certificate has no PEM private key
 *
 * Since: 1.0
 */
gboolean
coap_udp6_credentials_set_certificate (CoapUdp6Credentials *self,
                                       GTlsCertificate     *certificate,
                                       GError             **error)
{
        g_autofree char *cert = NULL;
        g_autofree char *key = NULL;

        g_return_val_if_fail (COAP_UDP6_IS_CREDENTIALS (self), FALSE);
        g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), FALSE);

        g_object_get (certificate, "certificate-pem", &cert,
                      "private-key-pem", &key, NULL);
        if (cert == NULL || key == NULL) {
                g_set_error_literal (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                                     "The certificate has no PEM private key");
                return FALSE;
        }
        g_clear_pointer (&self->certificate_pem, g_bytes_unref);
        g_clear_pointer (&self->private_key_pem, g_bytes_unref);
        self->certificate_pem = g_bytes_new (cert, strlen (cert));
        self->private_key_pem = g_bytes_new (key, strlen (key));
        return TRUE;
}

/**
 * coap_udp6_credentials_set_ca_file:
 * @self: a #CoapUdp6Credentials
 * @ca_file: (type filename): the certificate authorities to trust, PEM
 * @error: return location for a #GError
 *
 * Sets the authorities a peer's certificate must chain to. With them a
 * client checks the server's certificate (and its host name or address)
 * and a server asks clients for a certificate and checks it; without
 * them certificates are not checked.
 *
 * Returns: %TRUE on success; %FALSE with a %G_FILE_ERROR or
 *   %G_TLS_ERROR_BAD_CERTIFICATE
 *
 * Since: 1.0
 */
gboolean
coap_udp6_credentials_set_ca_file (CoapUdp6Credentials *self,
                                   const char          *ca_file,
                                   GError             **error)
{
        GBytes *ca;

        g_return_val_if_fail (COAP_UDP6_IS_CREDENTIALS (self), FALSE);
        g_return_val_if_fail (ca_file != NULL, FALSE);

        ca = read_pem (ca_file, "certificate", error);
        if (ca == NULL)
                return FALSE;
        g_clear_pointer (&self->ca_pem, g_bytes_unref);
        self->ca_pem = ca;
        return TRUE;
}

GBytes *
coap_udp6_credentials_peek_psk_key (CoapUdp6Credentials *self)
{
        return self->psk_key;
}

gboolean
coap_udp6_credentials_has_psk (CoapUdp6Credentials *self)
{
        return self->psk_key != NULL || g_hash_table_size (self->psk_table) > 0 ||
               g_signal_has_handler_pending (self, signals[SIGNAL_LOOKUP_PSK], 0, FALSE);
}

GBytes *
coap_udp6_credentials_lookup_psk (CoapUdp6Credentials *self,
                                  const char          *identity)
{
        GBytes *key = NULL;

        g_signal_emit (self, signals[SIGNAL_LOOKUP_PSK], 0, identity, &key);
        if (key != NULL)
                return key;
        key = g_hash_table_lookup (self->psk_table, identity);
        if (key == NULL)
                key = self->psk_key;
        return key != NULL ? g_bytes_ref (key) : NULL;
}

GBytes *
coap_udp6_credentials_peek_certificate_pem (CoapUdp6Credentials *self)
{
        return self->certificate_pem;
}

GBytes *
coap_udp6_credentials_peek_private_key_pem (CoapUdp6Credentials *self)
{
        return self->private_key_pem;
}

GBytes *
coap_udp6_credentials_peek_ca_pem (CoapUdp6Credentials *self)
{
        return self->ca_pem;
}

/**
 * coap_udp6_credentials_set_pinned_certificate_file:
 * @self: a #CoapUdp6Credentials
 * @cert_file: (type filename): the one server certificate to accept, PEM
 * @error: return location for a #GError
 *
 * Pins the server's certificate: a client then accepts exactly this
 * certificate, whoever issued it, and fails the handshake with
 * %G_TLS_ERROR_BAD_CERTIFICATE for any other.
 *
 * Returns: %TRUE on success; %FALSE with a %G_FILE_ERROR or
 *   %G_TLS_ERROR_BAD_CERTIFICATE
 *
 * Since: 1.0
 */
gboolean
coap_udp6_credentials_set_pinned_certificate_file (CoapUdp6Credentials *self,
                                                   const char          *cert_file,
                                                   GError             **error)
{
        GBytes *pem;

        g_return_val_if_fail (COAP_UDP6_IS_CREDENTIALS (self), FALSE);
        g_return_val_if_fail (cert_file != NULL, FALSE);

        pem = read_pem (cert_file, "certificate", error);
        if (pem == NULL)
                return FALSE;
        g_clear_pointer (&self->pinned_pem, g_bytes_unref);
        self->pinned_pem = pem;
        return TRUE;
}

GBytes *
coap_udp6_credentials_peek_pinned_pem (CoapUdp6Credentials *self)
{
        return self->pinned_pem;
}

/**
 * coap_udp6_credentials_set_database: (attributes org.gtk.Method.set_property=database)
 * @self: a #CoapUdp6Credentials
 * @database: (nullable): the trust store, or %NULL for none
 *
 * Makes @database decide which peer certificates are trusted, in place of
 * a CA file: a client hands it the server's chain to verify for
 * %G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER with the host of the URI
 * (its name, else its address) as the identity; a server asks clients for
 * a certificate and verifies a chain it gets for
 * %G_TLS_DATABASE_PURPOSE_AUTHENTICATE_CLIENT, and reports the subject of
 * a trusted one as the peer identity. A chain the database does not trust
 * fails the handshake with %G_TLS_ERROR_BAD_CERTIFICATE, saying why.
 *
 * The database is called on the main loop, during the handshake
 * (g_tls_database_verify_chain()), and the chain it gets is made of
 * #GTlsCertificate objects of GIO's TLS backend (glib-networking); without
 * a backend every certificate handshake fails with that error. Set it
 * before the credentials are given to a context.
 *
 * Since: 1.0
 */
void
coap_udp6_credentials_set_database (CoapUdp6Credentials *self,
                                    GTlsDatabase        *database)
{
        g_return_if_fail (COAP_UDP6_IS_CREDENTIALS (self));
        g_return_if_fail (database == NULL || G_IS_TLS_DATABASE (database));

        if (g_set_object (&self->database, database))
                g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DATABASE]);
}

/**
 * coap_udp6_credentials_get_database: (attributes org.gtk.Method.get_property=database)
 * @self: a #CoapUdp6Credentials
 *
 * Gets the trust store set with [method@Credentials.set_database].
 *
 * Returns: (transfer none) (nullable): the database
 *
 * Since: 1.0
 */
GTlsDatabase *
coap_udp6_credentials_get_database (CoapUdp6Credentials *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_CREDENTIALS (self), NULL);

        return self->database;
}

/**
 * coap_udp6_credentials_set_accept_any_public_key: (attributes org.gtk.Method.set_property=accept-any-public-key)
 * @self: a #CoapUdp6Credentials
 * @accept_any: whether a client takes any server's raw public key
 *
 * Lets a client take any raw public key a server presents while no key is
 * pinned (trust on first use, or none): the handshake then only proves that
 * the server holds the private key of the key it presented, whose name the
 * response's remote carries ([method@EndpointAddress.get_peer_identity]).
 * Pinned keys, once added, are the only ones accepted either way.
 *
 * Since: 1.0
 */
void
coap_udp6_credentials_set_accept_any_public_key (CoapUdp6Credentials *self,
                                                 gboolean             accept_any)
{
        g_return_if_fail (COAP_UDP6_IS_CREDENTIALS (self));

        accept_any = !!accept_any;
        if (self->accept_any_public_key == accept_any)
                return;
        self->accept_any_public_key = accept_any;
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ACCEPT_ANY_PUBLIC_KEY]);
}

/**
 * coap_udp6_credentials_get_accept_any_public_key: (attributes org.gtk.Method.get_property=accept-any-public-key)
 * @self: a #CoapUdp6Credentials
 *
 * Gets [property@Credentials:accept-any-public-key].
 *
 * Returns: whether a client takes any server's raw public key
 *
 * Since: 1.0
 */
gboolean
coap_udp6_credentials_get_accept_any_public_key (CoapUdp6Credentials *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_CREDENTIALS (self), FALSE);

        return self->accept_any_public_key;
}
