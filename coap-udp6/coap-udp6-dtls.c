/* coap-udp6-dtls.c: the coaps transport, many peers' DTLS sessions on
 * one message interface's socket (GnuTLS)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-dtls-session-private.h"
#include "coap-udp6-credentials-private.h"
#include "coap-udp6-endpoint-address-private.h"
#include "coap-udp6-message-interface-private.h"
#include "coap-udp6-error.h"
#include "coap-udp6-timers-private.h"

#include <string.h>

/* RFC 7252 §9.1.3.1 and §9.1.3.2.1: TLS_PSK_WITH_AES_128_CCM_8 and
 * TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 are mandatory; ECDHE-PSK gives
 * forward secrecy with pre-shared keys. DTLS 1.2 only. */
#define PRIORITY "NORMAL:+PSK:+ECDHE-PSK:+AES-128-CCM-8:-VERS-ALL:+VERS-DTLS1.2"
/* A peer that holds no certificate offers only what it can finish:
 * GnuTLS servers (libcoap's among them) give up on the first suite they
 * lack credentials for. */
#define PRIORITY_PSK_ONLY "NORMAL:-KX-ALL:+ECDHE-PSK:+PSK:+AES-128-CCM-8:-VERS-ALL:+VERS-DTLS1.2"
/* RawPublicKey mode (RFC 7250) beside X.509, or in its place when the
 * credentials hold nothing of X.509. */
#define PRIORITY_RPK PRIORITY ":+CTYPE-CLI-RAWPK:+CTYPE-SRV-RAWPK"
#define PRIORITY_RPK_ONLY PRIORITY ":-CTYPE-ALL:+CTYPE-CLI-RAWPK:+CTYPE-SRV-RAWPK"

/* DTLS record header: content type, version, epoch (RFC 6347 §4.1). */
#define CONTENT_TYPE_HANDSHAKE 22

/* RFC 6347 §4.2.1: the cookie secret changes this often, and a cookie
 * made with the one before is still taken. GnuTLS computes a cookie from
 * the secret and the client's address alone, so without a change a
 * cookie once seen (a HelloVerifyRequest captured on the path) would let
 * anyone who can send from that address start a handshake at any later
 * time, and end the address's established session with it. */
#define COOKIE_SECRET_LIFETIME_US ((gint64) 60 * G_USEC_PER_SEC)

/* Longest certificate chain handed to a GTlsDatabase. */
#define MAX_CHAIN 16

struct _CoapUdp6Dtls {
        CoapUdp6MessageInterface *iface;        /* unowned: it owns us */
        CoapUdp6Credentials *credentials;       /* (owned) */
        gboolean server;
        gnutls_priority_t priority;             /* with certificate suites */
        gnutls_priority_t priority_psk;         /* without */
        gboolean have_certificate;              /* X.509 or a raw public key */
        gboolean rpk;                           /* raw public keys take part */
        gnutls_psk_client_credentials_t psk_client;     /* nullable */
        gnutls_psk_server_credentials_t psk_server;     /* nullable */
        gnutls_certificate_credentials_t certificates;  /* nullable */
        gboolean verify_peer;                   /* a CA or a database was given */
        GTlsDatabase *database;                 /* (owned) (nullable) decides trust instead of a CA */
        gnutls_datum_t pinned;                  /* DER, or empty: the one server certificate a client takes */
        gnutls_datum_t cookie_key;
        gnutls_datum_t old_cookie_key;          /* the one before, or empty */
        CoapUdp6Timer *rotation;                /* (nullable) the next change of cookie_key */
        GHashTable *sessions;                   /* PeerKey → CoapUdp6DtlsSession (a ref) */
        GHashTable *restarts;                   /* PeerKey → a half-open session that replaces an
                                                 * established one when it finishes (a ref) */
        CoapUdp6DtlsSession *last;              /* (unowned) (nullable) the session found last, while in sessions */
        guint n_handshakes;                     /* half-open sessions */
        CoapUdp6DtlsLimits limits;
        CoapUdp6Timers *timers;                 /* (owned) handshakes and idle sessions, on the context's clock */
        CoapUdp6Timer *sweep;                   /* (nullable) closes idle sessions */
        gboolean closing;
};

void
coap_udp6_dtls_limits_init (CoapUdp6DtlsLimits *limits)
{
        limits->max_sessions = 1024;
        limits->max_handshakes = 64;
        limits->handshake_timeout_ms = 20000;
        limits->idle_timeout_ms = 300000;
}

static guint
peer_hash (gconstpointer key)
{
        const CoapUdp6DtlsPeerKey *k = key;
        guint32 words[4];
        guint h = k->port;

        memcpy (words, &k->addr, sizeof words);
        for (guint i = 0; i < 4; i++)
                h = h * 31 + words[i];
        return h;
}

static gboolean
peer_equal (gconstpointer a,
            gconstpointer b)
{
        const CoapUdp6DtlsPeerKey *x = a, *y = b;

        return x->port == y->port && IN6_ARE_ADDR_EQUAL (&x->addr, &y->addr);
}

/* The table's destroy function: the cache of the last session found
 * must not outlive the table's reference. */
static void
forget_session (gpointer data)
{
        CoapUdp6DtlsSession *session = data;

        if (session->dtls->last == session)
                session->dtls->last = NULL;
        coap_udp6_dtls_session_unref (session);
}

/* Every record of an exchange, and its answer, look up the same peer:
 * the last one found is checked before the table. */
static CoapUdp6DtlsSession *
find_session (CoapUdp6Dtls              *self,
              const CoapUdp6DtlsPeerKey *key)
{
        if (self->last == NULL || !peer_equal (&self->last->key, key))
                self->last = g_hash_table_lookup (self->sessions, key);
        return self->last;
}

static void
peer_key (CoapUdp6EndpointAddress *remote,
          CoapUdp6DtlsPeerKey     *key)
{
        const struct sockaddr_in6 *sin6 = coap_udp6_endpoint_address_peek_native (remote);

        memset (key, 0, sizeof *key);
        key->addr = sin6->sin6_addr;
        key->port = sin6->sin6_port;
}

void
coap_udp6_dtls_push_record (CoapUdp6Dtls            *self,
                            const void              *data,
                            gsize                    length,
                            CoapUdp6EndpointAddress *to)
{
        coap_udp6_message_interface_send_record (self->iface, data, length, to);
}

gint64
coap_udp6_dtls_now (CoapUdp6Dtls *self)
{
        return coap_udp6_timers_now (self->timers);
}

CoapUdp6Timer *
coap_udp6_dtls_add_timer (CoapUdp6Dtls     *self,
                          gint64            delay_us,
                          CoapUdp6TimerFunc func,
                          gpointer          data)
{
        return coap_udp6_timers_add (self->timers, delay_us, func, data);
}

void
coap_udp6_dtls_cancel_timer (CoapUdp6Dtls   *self,
                             CoapUdp6Timer **timer)
{
        coap_udp6_timers_cancel (self->timers, g_steal_pointer (timer));
}

void
coap_udp6_dtls_set_clock (CoapUdp6Dtls     *self,
                          CoapUdp6ClockFunc clock,
                          gpointer          data)
{
        coap_udp6_timers_set_clock (self->timers, clock, data);
}

guint
coap_udp6_dtls_run_due_timers (CoapUdp6Dtls *self)
{
        return coap_udp6_timers_run_due (self->timers);
}

void
coap_udp6_dtls_share_timer_source (CoapUdp6Dtls   *self,
                                   CoapUdp6Timers *host)
{
        coap_udp6_timers_host (host, self->timers);
}

static void
sweep_cb (gpointer data)
{
        CoapUdp6Dtls *self = data;
        gint64 limit = coap_udp6_dtls_now (self) - (gint64) self->limits.idle_timeout_ms * 1000;
        GHashTableIter iter;
        gpointer value;

        self->sweep = coap_udp6_timers_add (self->timers, G_USEC_PER_SEC, sweep_cb, self);
        g_hash_table_iter_init (&iter, self->sessions);
        while (g_hash_table_iter_next (&iter, NULL, &value)) {
                CoapUdp6DtlsSession *session = value;

                if (session->state != COAP_UDP6_DTLS_ESTABLISHED || session->last_used > limit)
                        continue;
                g_debug ("Closing an idle DTLS session");
                coap_udp6_dtls_session_close (session);
                g_hash_table_iter_remove (&iter);
        }
}

static void
rotate_cookie_key_cb (gpointer data)
{
        CoapUdp6Dtls *self = data;

        gnutls_free (self->old_cookie_key.data);
        self->old_cookie_key = self->cookie_key;
        gnutls_key_generate (&self->cookie_key, GNUTLS_COOKIE_KEY_SIZE);
        self->rotation = coap_udp6_timers_add (self->timers, COOKIE_SECRET_LIFETIME_US,
                                               rotate_cookie_key_cb, self);
}

static gboolean
error_from_gnutls (int          ret,
                   const char  *what,
                   GError     **error)
{
        g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                     "%s: %s", what, gnutls_strerror (ret));
        return FALSE;
}

static gboolean
datum_from_bytes (GBytes         *bytes,
                  gnutls_datum_t *out)
{
        gsize size;

        out->data = (unsigned char *) g_bytes_get_data (bytes, &size);
        out->size = size;
        return size > 0;
}

static int
psk_server_cb (gnutls_session_t tls,
               const char      *username,
               gnutls_datum_t  *key)
{
        CoapUdp6DtlsSession *session = gnutls_session_get_ptr (tls);
        g_autoptr (GBytes) found = NULL;
        gsize size;
        const guint8 *data;

        if (username == NULL || !g_utf8_validate (username, -1, NULL))
                return -1;
        found = coap_udp6_credentials_lookup_psk (session->dtls->credentials, username);
        if (found == NULL) {
                g_debug ("No pre-shared key for the identity a client sent");
                session->unknown_identity = TRUE;
                return -1;
        }
        data = g_bytes_get_data (found, &size);
        key->data = gnutls_malloc (size);
        if (key->data == NULL)
                return -1;
        memcpy (key->data, data, size);
        key->size = size;
        return 0;
}

/* The peer's chain as GIO certificates, each with its issuer. */
static GTlsCertificate *
chain_from_peers (const gnutls_datum_t *chain,
                  unsigned int          n,
                  GError              **error)
{
        GType type = g_tls_backend_get_certificate_type (g_tls_backend_get_default ());
        g_autoptr (GTlsCertificate) issuer = NULL;

        for (unsigned int i = MIN (n, MAX_CHAIN); i-- > 0;) {
                g_autoptr (GByteArray) der = g_byte_array_new ();
                GTlsCertificate *certificate;

                g_byte_array_append (der, chain[i].data, chain[i].size);
                certificate = g_initable_new (type, NULL, error, "certificate", der,
                                              "issuer", issuer, NULL);
                if (certificate == NULL)
                        return NULL;
                g_set_object (&issuer, certificate);
                g_object_unref (certificate);
        }
        return g_steal_pointer (&issuer);
}

static GSocketConnectable *
expected_identity (CoapUdp6DtlsSession *session)
{
        const struct in6_addr *addr = &session->key.addr;
        g_autoptr (GInetAddress) inet = NULL;

        if (session->host_name != NULL)
                return g_network_address_new (session->host_name, g_ntohs (session->key.port));
        if (IN6_IS_ADDR_V4MAPPED (addr))
                inet = g_inet_address_new_from_bytes (addr->s6_addr + 12, G_SOCKET_FAMILY_IPV4);
        else
                inet = g_inet_address_new_from_bytes (addr->s6_addr, G_SOCKET_FAMILY_IPV6);
        return G_SOCKET_CONNECTABLE (g_inet_socket_address_new (inet, g_ntohs (session->key.port)));
}

static char *
describe_flags (GTlsCertificateFlags flags)
{
        static const struct { GTlsCertificateFlags flag; const char *text; } reasons[] = {
                { G_TLS_CERTIFICATE_UNKNOWN_CA, "signed by an unknown authority" },
                { G_TLS_CERTIFICATE_BAD_IDENTITY, "it does not name the host" },
                { G_TLS_CERTIFICATE_NOT_ACTIVATED, "not valid yet" },
                { G_TLS_CERTIFICATE_EXPIRED, "expired" },
                { G_TLS_CERTIFICATE_REVOKED, "revoked" },
                { G_TLS_CERTIFICATE_INSECURE, "insecure" },
                { G_TLS_CERTIFICATE_GENERIC_ERROR, "rejected" },
        };
        GString *text = g_string_new (NULL);

        for (gsize i = 0; i < G_N_ELEMENTS (reasons); i++)
                if (flags & reasons[i].flag)
                        g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "",
                                                reasons[i].text);
        if (text->len == 0)
                g_string_append (text, "rejected");
        return g_string_free (text, FALSE);
}

/* GnuTLS asks once the peer's Certificate message is in; non-zero fails
 * the handshake with GNUTLS_E_CERTIFICATE_ERROR, and handshake_error()
 * reports session->verify_error. */
static int
verify_with_database (gnutls_session_t tls)
{
        CoapUdp6DtlsSession *session = gnutls_session_get_ptr (tls);
        CoapUdp6Dtls *self = session->dtls;
        unsigned int n = 0;
        const gnutls_datum_t *peers = gnutls_certificate_get_peers (tls, &n);
        g_autoptr (GTlsCertificate) chain = NULL;
        g_autoptr (GSocketConnectable) identity = NULL;
        g_autoptr (GError) error = NULL;
        GTlsCertificateFlags flags;

        g_clear_error (&session->verify_error);
        if (peers == NULL || n == 0) {
                if (!session->client)
                        return 0;
                session->verify_error = g_error_new_literal (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                                                             "The server sent no certificate");
                return -1;
        }
        chain = chain_from_peers (peers, n, &error);
        if (chain == NULL) {
                session->verify_error = g_error_new (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                                                     "The peer's certificate cannot be checked: %s",
                                                     error->message);
                return -1;
        }
        if (session->client)
                identity = expected_identity (session);
        flags = g_tls_database_verify_chain (self->database, chain,
                                             session->client ? G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER
                                                             : G_TLS_DATABASE_PURPOSE_AUTHENTICATE_CLIENT,
                                             identity, NULL, G_TLS_DATABASE_VERIFY_NONE, NULL, &error);
        if (error != NULL) {
                session->verify_error = g_error_new (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                                                     "The peer's certificate cannot be checked: %s",
                                                     error->message);
                return -1;
        }
        if (flags != 0) {
                g_autofree char *why = describe_flags (flags);

                session->verify_error = g_error_new (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                                                     "The peer's certificate is not trusted: %s", why);
                return -1;
        }
        session->database_trusted = TRUE;
        return 0;
}

static int
verify_peer_cb (gnutls_session_t tls)
{
        CoapUdp6DtlsSession *session = gnutls_session_get_ptr (tls);

        if (gnutls_certificate_type_get2 (tls, GNUTLS_CTYPE_PEERS) == GNUTLS_CRT_RAWPK)
                return coap_udp6_dtls_verify_raw_public_key (session, session->dtls->credentials);
        if (session->dtls->database != NULL)
                return verify_with_database (tls);
        return 0;
}

static gboolean
load_credentials (CoapUdp6Dtls  *self,
                  GError       **error)
{
        CoapUdp6Credentials *c = self->credentials;
        GBytes *psk = coap_udp6_credentials_peek_psk_key (c);
        const char *identity = coap_udp6_credentials_get_psk_identity (c);
        GBytes *cert = coap_udp6_credentials_peek_certificate_pem (c);
        GBytes *key = coap_udp6_credentials_peek_private_key_pem (c);
        GBytes *ca = coap_udp6_credentials_peek_ca_pem (c);
        int ret;

        if (psk != NULL && identity != NULL) {
                gnutls_datum_t k;

                datum_from_bytes (psk, &k);
                gnutls_psk_allocate_client_credentials (&self->psk_client);
                ret = gnutls_psk_set_client_credentials (self->psk_client, identity, &k,
                                                         GNUTLS_PSK_KEY_RAW);
                if (ret < 0)
                        return error_from_gnutls (ret, "Unusable pre-shared key", error);
        }
        if (coap_udp6_credentials_has_psk (c)) {
                gnutls_psk_allocate_server_credentials (&self->psk_server);
                gnutls_psk_set_server_credentials_function (self->psk_server, psk_server_cb);
        }
        gnutls_certificate_allocate_credentials (&self->certificates);
        if (cert != NULL && key != NULL) {
                gnutls_datum_t c_datum, k_datum;

                datum_from_bytes (cert, &c_datum);
                datum_from_bytes (key, &k_datum);
                ret = gnutls_certificate_set_x509_key_mem (self->certificates, &c_datum,
                                                           &k_datum, GNUTLS_X509_FMT_PEM);
                if (ret < 0)
                        return error_from_gnutls (ret, "Unusable certificate or key", error);
                self->have_certificate = TRUE;
        }
        if (ca != NULL) {
                gnutls_datum_t ca_datum;

                datum_from_bytes (ca, &ca_datum);
                ret = gnutls_certificate_set_x509_trust_mem (self->certificates, &ca_datum,
                                                             GNUTLS_X509_FMT_PEM);
                if (ret <= 0)
                        return error_from_gnutls (ret < 0 ? ret : GNUTLS_E_NO_CERTIFICATE_FOUND,
                                                  "Unusable certificate authorities", error);
                self->verify_peer = TRUE;
        }
        if (coap_udp6_credentials_get_database (c) != NULL) {
                self->database = g_object_ref (coap_udp6_credentials_get_database (c));
                self->verify_peer = TRUE;
        }
        if (coap_udp6_credentials_uses_raw_public_keys (c)) {
                if (!coap_udp6_dtls_load_raw_public_key (self->certificates, c, error))
                        return FALSE;
                self->rpk = TRUE;
                if (coap_udp6_credentials_peek_rpk_private_key_pem (c) != NULL)
                        self->have_certificate = TRUE;
        }
        if (self->database != NULL || self->rpk)
                gnutls_certificate_set_verify_function (self->certificates, verify_peer_cb);
        if (coap_udp6_credentials_peek_pinned_pem (c) != NULL) {
                gnutls_datum_t pem;

                datum_from_bytes (coap_udp6_credentials_peek_pinned_pem (c), &pem);
                ret = gnutls_pem_base64_decode2 ("CERTIFICATE", &pem, &self->pinned);
                if (ret < 0)
                        return error_from_gnutls (ret, "Unusable pinned certificate", error);
        }
        if (self->psk_client == NULL && self->psk_server == NULL && !self->have_certificate &&
            !self->verify_peer && self->pinned.data == NULL && !self->rpk) {
                g_set_error_literal (error, G_TLS_ERROR, G_TLS_ERROR_CERTIFICATE_REQUIRED,
                                     "coaps needs a pre-shared key, a raw public key or a certificate");
                return FALSE;
        }
        if (self->server && self->psk_server == NULL && !self->have_certificate) {
                g_set_error_literal (error, G_TLS_ERROR, G_TLS_ERROR_CERTIFICATE_REQUIRED,
                                     "A coaps server needs a pre-shared key, a raw public key "
                                     "or a certificate");
                return FALSE;
        }
        return TRUE;
}

static const char *
priority_for (CoapUdp6Credentials *c)
{
        gboolean x509 = coap_udp6_credentials_peek_certificate_pem (c) != NULL ||
                        coap_udp6_credentials_peek_ca_pem (c) != NULL ||
                        coap_udp6_credentials_peek_pinned_pem (c) != NULL ||
                        coap_udp6_credentials_get_database (c) != NULL;

        if (!coap_udp6_credentials_uses_raw_public_keys (c))
                return PRIORITY;
        return x509 ? PRIORITY_RPK : PRIORITY_RPK_ONLY;
}

CoapUdp6Dtls *
coap_udp6_dtls_new (CoapUdp6MessageInterface  *iface,
                    CoapUdp6Credentials       *credentials,
                    gboolean                   server,
                    GError                   **error)
{
        CoapUdp6Dtls *self;

        if (!coap_udp6_gnutls_load (error))
                return NULL;
        self = g_new0 (CoapUdp6Dtls, 1);
        self->iface = iface;
        self->credentials = g_object_ref (credentials);
        self->server = server;
        coap_udp6_dtls_limits_init (&self->limits);
        self->sessions = g_hash_table_new_full (peer_hash, peer_equal, NULL, forget_session);
        self->restarts = g_hash_table_new_full (peer_hash, peer_equal, NULL,
                                                (GDestroyNotify) coap_udp6_dtls_session_unref);
        gnutls_priority_init (&self->priority, priority_for (credentials), NULL);
        gnutls_priority_init (&self->priority_psk, PRIORITY_PSK_ONLY, NULL);
        gnutls_key_generate (&self->cookie_key, GNUTLS_COOKIE_KEY_SIZE);
        self->timers = coap_udp6_timers_new (iface->context);
        if (!load_credentials (self, error)) {
                coap_udp6_dtls_free (self);
                return NULL;
        }
        self->sweep = coap_udp6_timers_add (self->timers, G_USEC_PER_SEC, sweep_cb, self);
        if (server)
                self->rotation = coap_udp6_timers_add (self->timers, COOKIE_SECRET_LIFETIME_US,
                                                       rotate_cookie_key_cb, self);
        return self;
}

void
coap_udp6_dtls_close_all (CoapUdp6Dtls *self)
{
        GHashTableIter iter;
        gpointer value;

        self->closing = TRUE;
        coap_udp6_dtls_cancel_timer (self, &self->sweep);
        coap_udp6_dtls_cancel_timer (self, &self->rotation);
        for (guint i = 0; i < 2; i++) {
                GHashTable *table = i == 0 ? self->sessions : self->restarts;

                g_hash_table_iter_init (&iter, table);
                while (g_hash_table_iter_next (&iter, NULL, &value)) {
                        ((CoapUdp6DtlsSession *) value)->half_open = FALSE;
                        coap_udp6_dtls_session_close (value);
                }
                g_hash_table_remove_all (table);
        }
        self->n_handshakes = 0;
}

void
coap_udp6_dtls_free (CoapUdp6Dtls *self)
{
        coap_udp6_dtls_close_all (self);
        g_hash_table_unref (self->sessions);
        g_hash_table_unref (self->restarts);
        if (self->psk_client != NULL)
                gnutls_psk_free_client_credentials (self->psk_client);
        if (self->psk_server != NULL)
                gnutls_psk_free_server_credentials (self->psk_server);
        if (self->certificates != NULL)
                gnutls_certificate_free_credentials (self->certificates);
        gnutls_priority_deinit (self->priority);
        gnutls_priority_deinit (self->priority_psk);
        gnutls_free (self->cookie_key.data);
        gnutls_free (self->old_cookie_key.data);
        gnutls_free (self->pinned.data);
        g_object_unref (self->credentials);
        g_clear_object (&self->database);
        coap_udp6_timers_free (self->timers);
        g_free (self);
}

static void
remove_session (CoapUdp6Dtls        *self,
                CoapUdp6DtlsSession *session)
{
        if (g_hash_table_lookup (self->sessions, &session->key) == session)
                g_hash_table_remove (self->sessions, &session->key);
        else if (g_hash_table_lookup (self->restarts, &session->key) == session)
                g_hash_table_remove (self->restarts, &session->key);
}

static gboolean
matches_pinned (CoapUdp6Dtls        *self,
                CoapUdp6DtlsSession *session)
{
        unsigned int n = 0;
        const gnutls_datum_t *chain = gnutls_certificate_get_peers (session->tls, &n);

        return chain != NULL && n > 0 && chain[0].size == self->pinned.size &&
               memcmp (chain[0].data, self->pinned.data, self->pinned.size) == 0;
}

void
coap_udp6_dtls_session_done (CoapUdp6Dtls        *self,
                             CoapUdp6DtlsSession *session,
                             const GError        *error)
{
        g_autofree char *identity = NULL;

        if (session->half_open) {
                session->half_open = FALSE;
                self->n_handshakes--;
        }
        if (error != NULL) {
                g_debug ("DTLS session ended: %s", error->message);
                /* What waits for this peer fails at once. */
                if (session->client || session->remote != NULL)
                        coap_udp6_message_interface_report_error (self->iface,
                                session->remote != NULL ? session->remote : session->transport,
                                g_error_copy (error));
                remove_session (self, session);
                return;
        }
        if (session->client && self->pinned.data != NULL &&
            gnutls_certificate_type_get2 (session->tls, GNUTLS_CTYPE_PEERS) == GNUTLS_CRT_X509 &&
            !matches_pinned (self, session)) {
                g_autoptr (GError) pin_error =
                        g_error_new_literal (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                                             "The server's certificate is not the pinned one");

                gnutls_alert_send (session->tls, GNUTLS_AL_FATAL, GNUTLS_A_BAD_CERTIFICATE);
                session->state = COAP_UDP6_DTLS_CLOSED;
                coap_udp6_dtls_session_done (self, session, pin_error);
                return;
        }
        identity = coap_udp6_dtls_session_get_peer_identity (session);
        session->remote = coap_udp6_endpoint_address_new_authenticated (session->transport, identity);
        /* RFC 6347 §4.2.8: a restarted peer proved itself with a whole
         * handshake; only now does its old session go. */
        if (g_hash_table_lookup (self->restarts, &session->key) == session) {
                g_hash_table_steal (self->restarts, &session->key);
                g_hash_table_replace (self->sessions, &session->key, session);
        }
}

void
coap_udp6_dtls_deliver (CoapUdp6Dtls        *self,
                        CoapUdp6DtlsSession *session,
                        const guint8        *data,
                        gsize                length)
{
        coap_udp6_message_interface_deliver (self->iface, data, length, session->remote);
}

static gnutls_session_t
new_tls (CoapUdp6Dtls *self,
         gboolean      client,
         unsigned int  flags)
{
        gboolean psk = client ? self->psk_client != NULL : self->psk_server != NULL;
        gnutls_session_t tls;

        if (gnutls_init (&tls, (client ? GNUTLS_CLIENT : GNUTLS_SERVER) |
                               GNUTLS_DATAGRAM | GNUTLS_NONBLOCK |
                               (self->rpk ? GNUTLS_ENABLE_RAWPK : 0) | flags) < 0)
                return NULL;
        /* A client without a certificate may still check a server's. */

        gnutls_priority_set (tls, self->have_certificate ||
                                  (client && (self->verify_peer || self->pinned.data != NULL ||
                                              self->rpk)) || !psk
                                          ? self->priority : self->priority_psk);
        if (client && self->psk_client != NULL)
                gnutls_credentials_set (tls, GNUTLS_CRD_PSK, self->psk_client);
        if (!client && self->psk_server != NULL)
                gnutls_credentials_set (tls, GNUTLS_CRD_PSK, self->psk_server);
        gnutls_credentials_set (tls, GNUTLS_CRD_CERTIFICATE, self->certificates);
        /* Pinned client keys make a key a must (coap-udp6-dtls-rpk.c). */
        if (!client && self->rpk && coap_udp6_credentials_get_n_peer_keys (self->credentials) > 0)
                gnutls_certificate_server_set_request (tls, GNUTLS_CERT_REQUIRE);
        else if (!client && (self->verify_peer || self->rpk))
                gnutls_certificate_server_set_request (tls, GNUTLS_CERT_REQUEST);
        return tls;
}

static CoapUdp6DtlsSession *
add_session (CoapUdp6Dtls            *self,
             GHashTable              *table,
             gnutls_session_t         tls,
             gboolean                 client,
             CoapUdp6EndpointAddress *transport)
{
        CoapUdp6DtlsSession *session;

        session = coap_udp6_dtls_session_new (self, tls, client, transport,
                                              self->limits.handshake_timeout_ms);
        peer_key (transport, &session->key);
        g_hash_table_replace (table, &session->key, session);
        return session;
}

typedef struct {
        CoapUdp6Dtls *dtls;
        CoapUdp6EndpointAddress *to;
} CookieTarget;

static ssize_t
cookie_push (gnutls_transport_ptr_t ptr,
             const void            *data,
             size_t                 length)
{
        CookieTarget *target = ptr;

        coap_udp6_dtls_push_record (target->dtls, data, length, target->to);
        return length;
}

/* RFC 6347 §4.2.1: a HelloVerifyRequest costs the server no state; only a
 * ClientHello that returns the cookie (so comes from the address it
 * claims) gets a session, within the limits. For a peer with an
 * established session (@restart), the new one waits in restarts until
 * its handshake finishes (§4.2.8): a cookie proves less than a handshake,
 * a replayed ClientHello can carry one. */
static void
accept_client (CoapUdp6Dtls            *self,
               const guint8            *data,
               gsize                    length,
               CoapUdp6EndpointAddress *from,
               gboolean                 restart)
{
        CoapUdp6DtlsPeerKey key;
        gnutls_dtls_prestate_st prestate;
        CookieTarget target = { self, from };
        CoapUdp6DtlsSession *session;
        gnutls_session_t tls;

        if (length < 13 || data[0] != CONTENT_TYPE_HANDSHAKE)
                return;
        peer_key (from, &key);
        memset (&prestate, 0, sizeof prestate);
        if (gnutls_dtls_cookie_verify (&self->cookie_key, &key, sizeof key,
                                       (void *) data, length, &prestate) < 0 &&
            (self->old_cookie_key.data == NULL ||
             gnutls_dtls_cookie_verify (&self->old_cookie_key, &key, sizeof key,
                                        (void *) data, length, &prestate) < 0)) {
                gnutls_dtls_cookie_send (&self->cookie_key, &key, sizeof key, &prestate,
                                         &target, cookie_push);
                return;
        }
        if (self->n_handshakes >= self->limits.max_handshakes ||
            coap_udp6_dtls_get_n_sessions (self) >= self->limits.max_sessions) {
                g_debug ("Refusing a DTLS handshake: the session limits are reached");
                return;
        }
        /* GnuTLS refuses a ClientHello whose SNI is an IPv6 literal
         * (illegal_parameter), as libcoap's clients send for coaps://[::1];
         * RFC 6066 §3 forbids literals and GnuTLS cannot be told to
         * ignore the extension. */
        tls = new_tls (self, FALSE, 0);
        if (tls == NULL)
                return;
        gnutls_dtls_prestate_set (tls, &prestate);
        session = add_session (self, restart ? self->restarts : self->sessions, tls, FALSE, from);
        /* The ClientHello's length is what its later fragments must claim. */
        coap_udp6_dtls_records_plausible (data, length, &session->handshake_lengths);
        session->half_open = TRUE;
        self->n_handshakes++;
        coap_udp6_dtls_session_handshake (session, data, length);
}

/* A ClientHello of epoch 0 on an established session: the peer lost its
 * state (restarted) and starts again. */
static gboolean
is_new_client_hello (const guint8 *data,
                     gsize         length)
{
        return length > 13 && data[0] == CONTENT_TYPE_HANDSHAKE &&
               data[3] == 0 && data[4] == 0 && data[13] == 1;
}

void
coap_udp6_dtls_receive (CoapUdp6Dtls            *self,
                        const guint8            *data,
                        gsize                    length,
                        CoapUdp6EndpointAddress *from)
{
        CoapUdp6DtlsPeerKey key;
        CoapUdp6DtlsSession *session;
        CoapUdp6DtlsSession *restart;
        CoapUdp6DtlsSession *target;
        gboolean epoch0 = length >= 13 && data[3] == 0 && data[4] == 0;

        if (self->closing)
                return;
        peer_key (from, &key);
        session = find_session (self, &key);
        restart = g_hash_table_lookup (self->restarts, &key);
        /* A restarting peer's handshake runs in epoch 0 beside its old
         * session; a new ClientHello waits until it is over. */
        target = restart != NULL && epoch0 ? restart : session;
        if (!coap_udp6_dtls_records_plausible (data, length,
                                               target != NULL && target->state == COAP_UDP6_DTLS_HANDSHAKING
                                               ? &target->handshake_lengths : NULL)) {
                g_debug ("dropped a malformed DTLS datagram of %" G_GSIZE_FORMAT " bytes", length);
                return;
        }
        if (target == restart && restart != NULL) {
                coap_udp6_dtls_session_handshake (restart, data, length);
                return;
        }
        if (session == NULL || (!session->client && session->state == COAP_UDP6_DTLS_ESTABLISHED &&
                                length > 13 && is_new_client_hello (data, length))) {
                if (self->server)
                        accept_client (self, data, length, from, session != NULL);
                return;
        }
        if (session->state == COAP_UDP6_DTLS_HANDSHAKING)
                coap_udp6_dtls_session_handshake (session, data, length);
        else if (!coap_udp6_dtls_session_read (session, data, length) && restart != NULL)
                /* Not a record of the old keys: the restarting peer's
                 * Finished, in epoch 1 of the new ones, in a datagram of
                 * its own. */
                coap_udp6_dtls_session_handshake (restart, data, length);
}

void
coap_udp6_dtls_send (CoapUdp6Dtls            *self,
                     const guint8            *data,
                     gsize                    length,
                     CoapUdp6EndpointAddress *remote)
{
        CoapUdp6DtlsPeerKey key;
        CoapUdp6DtlsSession *session;
        g_autoptr (GError) error = NULL;
        gnutls_session_t tls;

        if (self->closing)
                return;
        if (coap_udp6_endpoint_address_is_multicast (remote)) {
                coap_udp6_message_interface_report_error (self->iface, remote,
                        g_error_new_literal (COAP_UDP6_ERROR, COAP_UDP6_ERROR_NOT_SUPPORTED,
                                             "coaps cannot be sent to a multicast group"));
                return;
        }
        peer_key (remote, &key);
        session = find_session (self, &key);
        if (session != NULL && session->state == COAP_UDP6_DTLS_ESTABLISHED) {
                if (!coap_udp6_dtls_session_write (session, data, length, &error))
                        coap_udp6_message_interface_report_error (self->iface, remote,
                                                                  g_steal_pointer (&error));
                return;
        }
        if (session != NULL) {
                coap_udp6_dtls_session_queue (session, data, length);
                return;
        }
        if (g_hash_table_size (self->sessions) >= self->limits.max_sessions) {
                coap_udp6_message_interface_report_error (self->iface, remote,
                        g_error_new_literal (COAP_UDP6_ERROR, COAP_UDP6_ERROR_LIMIT_REACHED,
                                             "Too many DTLS sessions"));
                return;
        }
        if (self->psk_client == NULL && self->certificates == NULL) {
                coap_udp6_message_interface_report_error (self->iface, remote,
                        g_error_new_literal (G_TLS_ERROR, G_TLS_ERROR_CERTIFICATE_REQUIRED,
                                             "No client credentials for coaps"));
                return;
        }
        tls = new_tls (self, TRUE, 0);
        if (tls == NULL)
                return;
        session = add_session (self, self->sessions, tls, TRUE, remote);
        session->host_name = g_strdup (coap_udp6_endpoint_address_peek_host_name (remote));
        if (session->host_name != NULL)
                gnutls_server_name_set (tls, GNUTLS_NAME_DNS, session->host_name,
                                        strlen (session->host_name));
        /* With a database, verify_with_database() checks the chain and the name. */
        if (self->verify_peer && self->database == NULL && session->host_name != NULL) {
                session->verify_data.type = GNUTLS_DT_DNS_HOSTNAME;
                session->verify_data.data = (unsigned char *) session->host_name;
                gnutls_session_set_verify_cert2 (tls, &session->verify_data, 1, 0);
        } else if (self->verify_peer && self->database == NULL) {
                /* Addressed by IP: no SNI for a literal (RFC 6066 §3), and
                 * the certificate must name the address (an iPAddress
                 * subjectAltName). */
                const struct in6_addr *addr = &session->key.addr;
                gboolean v4 = IN6_IS_ADDR_V4MAPPED (addr);

                session->verify_data.type = GNUTLS_DT_IP_ADDRESS;
                session->verify_data.data = (unsigned char *) addr->s6_addr + (v4 ? 12 : 0);
                session->verify_data.size = v4 ? 4 : 16;
                gnutls_session_set_verify_cert2 (tls, &session->verify_data, 1, 0);
        }
        coap_udp6_dtls_session_queue (session, data, length);
        coap_udp6_dtls_session_handshake (session, NULL, 0);
}

CoapUdp6DtlsLimits *
coap_udp6_dtls_peek_limits (CoapUdp6Dtls *self)
{
        return &self->limits;
}

guint
coap_udp6_dtls_get_n_sessions (CoapUdp6Dtls *self)
{
        return g_hash_table_size (self->sessions) + g_hash_table_size (self->restarts);
}

guint
coap_udp6_dtls_get_n_handshakes (CoapUdp6Dtls *self)
{
        return self->n_handshakes;
}

void
coap_udp6_dtls_forget_silent_peer (CoapUdp6Dtls            *self,
                                   CoapUdp6EndpointAddress *remote,
                                   gint64                   since)
{
        CoapUdp6DtlsPeerKey key;
        CoapUdp6DtlsSession *session;

        peer_key (remote, &key);
        session = find_session (self, &key);
        if (session == NULL || !session->client || session->state != COAP_UDP6_DTLS_ESTABLISHED ||
            session->last_heard >= since)
                return;
        g_debug ("A DTLS peer stopped answering: its session ends, the next request makes a new one");
        coap_udp6_dtls_session_close (session);
        remove_session (self, session);
}

gboolean
coap_udp6_dtls_is_established (CoapUdp6Dtls            *self,
                               CoapUdp6EndpointAddress *remote)
{
        CoapUdp6DtlsPeerKey key;
        CoapUdp6DtlsSession *session;

        peer_key (remote, &key);
        session = g_hash_table_lookup (self->sessions, &key);
        return session != NULL && session->state == COAP_UDP6_DTLS_ESTABLISHED;
}

void
coap_udp6_dtls_drop_sessions (CoapUdp6Dtls *self)
{
        g_hash_table_remove_all (self->sessions);
        g_hash_table_remove_all (self->restarts);
        self->n_handshakes = 0;
}
