/* test-dtls-rpk.c: coaps in RawPublicKey mode (RFC 7250, RFC 7252
 * §9.1.3.2) between our client and our server over ::1, with keys openssl
 * makes at test time
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"

#include <glib/gstdio.h>
#include <string.h>

#define GTLS_DOMAIN "g-tls-error-quark"

typedef struct {
        char *dir;
        GMainContext *main_context;
        CoapUdp6Context *server;
        CoapUdp6Resource *whoami;
        CoapUdp6Resource *private_resource;
        guint port;
} Fixture;

static void
openssl (const char *dir,
         const char *args)
{
        g_autofree char *command = g_strdup_printf ("openssl %s", args);
        g_auto (GStrv) argv = NULL;
        g_autoptr (GError) error = NULL;
        int status = 0;

        g_assert_true (g_shell_parse_argv (command, NULL, &argv, NULL));
        g_spawn_sync (dir, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                      G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error);
        g_assert_no_error (error);
        g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static char *
path_in (Fixture    *f,
         const char *name)
{
        return g_build_filename (f->dir, name, NULL);
}

/* The RFC 6920 name of a key, computed from what openssl says its
 * SubjectPublicKeyInfo is, independently of the library. */
static char *
openssl_identity (Fixture    *f,
                  const char *key)
{
        g_autofree char *args = g_strdup_printf ("pkey -in %s -pubout -outform DER -out %s.der",
                                                 key, key);
        g_autofree char *der_name = g_strdup_printf ("%s.der", key);
        g_autofree char *der_path = path_in (f, der_name);
        g_autofree char *der = NULL;
        g_autofree char *digest = NULL;
        g_autofree guint8 *raw = NULL;
        g_autofree char *b64 = NULL;
        gsize length, raw_length;

        openssl (f->dir, args);
        g_assert_true (g_file_get_contents (der_path, &der, &length, NULL));
        digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) der, length);
        raw = g_malloc (strlen (digest) / 2);
        for (raw_length = 0; digest[2 * raw_length] != '\0'; raw_length++)
                raw[raw_length] = g_ascii_xdigit_value (digest[2 * raw_length]) * 16 +
                                  g_ascii_xdigit_value (digest[2 * raw_length + 1]);
        b64 = g_base64_encode (raw, raw_length);
        g_strdelimit (b64, "+", '-');
        g_strdelimit (b64, "/", '_');
        *strchr (b64, '=') = '\0';
        return g_strconcat ("ni:///sha-256;", b64, NULL);
}

/* server.pem and client.pem ("EC PRIVATE KEY" with "EC PARAMETERS", as
 * libcoap's examples make them), other.pem (PKCS#8), client.pub. */
static void
make_keys (const char *dir)
{
        openssl (dir, "ecparam -name prime256v1 -genkey -noout -out server.pem");
        openssl (dir, "ecparam -name prime256v1 -genkey -out client.pem");
        openssl (dir, "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other.pem");
        openssl (dir, "pkey -in client.pem -pubout -out client.pub");
}

static void
whoami_cb (CoapUdp6Resource *resource,
           CoapUdp6Request  *request,
           gpointer          user_data)
{
        CoapUdp6EndpointAddress *remote = coap_udp6_request_get_remote (request);
        const char *identity = coap_udp6_endpoint_address_get_peer_identity (remote);
        g_autofree char *text = g_strdup_printf ("%s %s", coap_udp6_endpoint_address_get_scheme (remote),
                                                 identity != NULL ? identity : "-");
        g_autoptr (GBytes) body = g_bytes_new (text, strlen (text));

        coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CONTENT, body, 0);
}

static CoapUdp6Credentials *
credentials_with_key (Fixture    *f,
                      const char *key)
{
        CoapUdp6Credentials *credentials = coap_udp6_credentials_new ();
        g_autoptr (GError) error = NULL;

        if (key != NULL) {
                g_autofree char *path = path_in (f, key);

                coap_udp6_credentials_set_raw_public_key_file (credentials, path, &error);
                g_assert_no_error (error);
        }
        return credentials;
}

static void
start_server (Fixture             *f,
              CoapUdp6Credentials *credentials)
{
        const char *binds[] = { "coaps://[::1]:0", NULL };
        g_autoptr (GError) error = NULL;

        g_clear_object (&f->server);
        f->server = g_initable_new (COAP_UDP6_TYPE_CONTEXT, NULL, &error,
                                    "binds", binds, "is-server", TRUE,
                                    "credentials", credentials, NULL);
        g_assert_no_error (error);
        f->port = coap_udp6_context_get_local_port (f->server);
        coap_udp6_context_add_resource (f->server, "whoami", f->whoami);
        coap_udp6_context_add_resource (f->server, "private", f->private_resource);
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Credentials) credentials = NULL;

        f->dir = g_dir_make_tmp ("coap-udp6-rpk-XXXXXX", &error);
        g_assert_no_error (error);
        make_keys (f->dir);
        f->main_context = g_main_context_new ();
        g_main_context_push_thread_default (f->main_context);
        f->whoami = coap_udp6_resource_new ();
        coap_udp6_resource_set_handler (f->whoami, whoami_cb, NULL, NULL);
        f->private_resource = g_object_new (COAP_UDP6_TYPE_RESOURCE, "requires-peer-identity", TRUE, NULL);
        coap_udp6_resource_set_handler (f->private_resource, whoami_cb, NULL, NULL);
        credentials = credentials_with_key (f, "server.pem");
        start_server (f, credentials);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        const char *files[] = { "server.pem", "client.pem", "other.pem", "client.pub",
                                "server.pem.der", "client.pem.der", "other.pem.der" };

        g_clear_object (&f->server);
        g_clear_object (&f->whoami);
        g_clear_object (&f->private_resource);
        test_iterate_for (f->main_context, 10);
        g_main_context_pop_thread_default (f->main_context);
        g_main_context_unref (f->main_context);
        for (guint i = 0; i < G_N_ELEMENTS (files); i++) {
                g_autofree char *path = path_in (f, files[i]);

                g_unlink (path);
        }
        g_rmdir (f->dir);
        g_free (f->dir);
}

static CoapUdp6Context *
new_client (CoapUdp6Credentials *credentials)
{
        g_autoptr (GError) error = NULL;
        CoapUdp6Context *client = coap_udp6_context_new_client (&error);

        g_assert_no_error (error);
        coap_udp6_context_set_credentials (client, credentials);
        return client;
}

static void
get (Fixture         *f,
     CoapUdp6Context *client,
     const char      *path,
     TestResult      *result)
{
        g_autofree char *uri = g_strdup_printf ("coaps://[::1]:%u/%s", f->port, path);

        test_start_get (client, uri, NULL, result);
        g_assert_true (test_iterate_until_flag (f->main_context, &result->done, 15000));
}

static void
result_clear (TestResult *result)
{
        g_clear_object (&result->response);
        g_clear_error (&result->error);
}

static char *
payload_text (CoapUdp6Message *message)
{
        GBytes *payload = coap_udp6_message_get_payload (message);

        return g_strndup (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
}

/* GET /whoami answers "coaps IDENTITY", the identity our server saw. */
static void
assert_whoami (Fixture         *f,
               CoapUdp6Context *client,
               const char      *client_identity,
               const char      *server_identity)
{
        g_autofree char *expected = g_strdup_printf ("coaps %s", client_identity != NULL
                                                                 ? client_identity : "-");
        g_autofree char *text = NULL;
        TestResult result;

        get (f, client, "whoami", &result);
        g_assert_no_error (result.error);
        g_assert_cmpuint (coap_udp6_message_get_code (result.response), ==, COAP_UDP6_CODE_CONTENT);
        text = payload_text (result.response);
        g_assert_cmpstr (text, ==, expected);
        g_assert_cmpstr (coap_udp6_endpoint_address_get_peer_identity (coap_udp6_message_get_remote (result.response)),
                         ==, server_identity);
        result_clear (&result);
}

static void
test_round_trip (Fixture      *f,
                 gconstpointer data)
{
        g_autoptr (CoapUdp6Credentials) credentials = credentials_with_key (f, "client.pem");
        g_autoptr (CoapUdp6Context) client = NULL;
        g_autoptr (GError) error = NULL;
        g_autofree char *server_id = openssl_identity (f, "server.pem");
        g_autofree char *client_id = openssl_identity (f, "client.pem");

        g_test_summary ("Client and server prove raw public keys; each side's peer identity is "
                        "the ni:///sha-256; name of the other's SubjectPublicKeyInfo, as openssl "
                        "computes it");
        g_assert_cmpstr (coap_udp6_credentials_get_raw_public_key_identity (credentials), ==, client_id);
        g_assert_cmpuint (strlen (client_id), ==, strlen ("ni:///sha-256;") + 43);
        coap_udp6_credentials_add_peer_public_key (credentials, server_id, &error);
        g_assert_no_error (error);
        client = new_client (credentials);
        assert_whoami (f, client, client_id, server_id);
        /* The session stays: a second request on it, same identities. */
        assert_whoami (f, client, client_id, server_id);
}

static void
test_pinned_mismatch (Fixture      *f,
                      gconstpointer data)
{
        g_autoptr (CoapUdp6Credentials) wrong = credentials_with_key (f, "client.pem");
        g_autoptr (CoapUdp6Credentials) right = credentials_with_key (f, "client.pem");
        g_autoptr (CoapUdp6Context) client = NULL;
        g_autoptr (CoapUdp6Context) good = NULL;
        g_autoptr (GError) error = NULL;
        g_autofree char *other = path_in (f, "other.pem");
        g_autofree char *other_pem = NULL;
        g_autofree char *server_id = openssl_identity (f, "server.pem");
        g_autofree char *client_id = openssl_identity (f, "client.pem");
        gint64 start;
        TestResult result;

        g_test_summary ("A client that pinned another key fails the handshake at once with "
                        "G_TLS_ERROR_BAD_CERTIFICATE naming the server's key; the server goes on "
                        "serving a client that pinned the right one");
        g_assert_true (g_file_get_contents (other, &other_pem, NULL, NULL));
        coap_udp6_credentials_add_peer_public_key (wrong, other_pem, &error);
        g_assert_no_error (error);
        client = new_client (wrong);
        start = g_get_monotonic_time ();
        get (f, client, "whoami", &result);
        g_assert_error (result.error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
        g_assert_nonnull (strstr (result.error->message, server_id));
        g_assert_null (result.response);
        g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
        result_clear (&result);

        coap_udp6_credentials_add_peer_public_key (right, server_id, &error);
        g_assert_no_error (error);
        good = new_client (right);
        assert_whoami (f, good, client_id, server_id);
}

static void
test_client_must_pin (Fixture      *f,
                      gconstpointer data)
{
        g_autoptr (CoapUdp6Credentials) credentials = credentials_with_key (f, "client.pem");
        g_autoptr (CoapUdp6Context) client = NULL;
        g_autoptr (CoapUdp6Context) trusting = NULL;
        g_autofree char *server_id = openssl_identity (f, "server.pem");
        g_autofree char *client_id = openssl_identity (f, "client.pem");
        gboolean accept_any = TRUE;
        TestResult result;

        g_test_summary ("A client with no pinned key refuses every server key, until "
                        "accept-any-public-key is set; then it takes the server's and "
                        "reports its name");
        client = new_client (credentials);
        get (f, client, "whoami", &result);
        g_assert_error (result.error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
        result_clear (&result);

        g_object_set (credentials, "accept-any-public-key", TRUE, NULL);
        g_object_get (credentials, "accept-any-public-key", &accept_any, NULL);
        g_assert_true (accept_any);
        g_assert_true (coap_udp6_credentials_get_accept_any_public_key (credentials));
        trusting = new_client (credentials);
        assert_whoami (f, trusting, client_id, server_id);
}

static void
test_server_pins_clients (Fixture      *f,
                          gconstpointer data)
{
        g_autoptr (CoapUdp6Credentials) server = credentials_with_key (f, "server.pem");
        g_autoptr (CoapUdp6Credentials) stranger = credentials_with_key (f, "other.pem");
        g_autoptr (CoapUdp6Credentials) keyless = coap_udp6_credentials_new ();
        g_autoptr (CoapUdp6Credentials) known = credentials_with_key (f, "client.pem");
        g_autoptr (CoapUdp6Context) c1 = NULL, c2 = NULL, c3 = NULL;
        g_autoptr (GError) error = NULL;
        g_autofree char *pub = path_in (f, "client.pub");
        g_autofree char *pub_pem = NULL;
        g_autofree char *server_id = openssl_identity (f, "server.pem");
        g_autofree char *client_id = openssl_identity (f, "client.pem");
        TestResult result;

        g_test_summary ("A server with pinned client keys (here from a PEM PUBLIC KEY) refuses "
                        "other keys and clients without one (G_TLS_ERROR_HANDSHAKE on the client) "
                        "and serves a pinned client");
        g_assert_true (g_file_get_contents (pub, &pub_pem, NULL, NULL));
        coap_udp6_credentials_add_peer_public_key (server, pub_pem, &error);
        g_assert_no_error (error);
        start_server (f, server);
        for (guint i = 0; i < 2; i++) {
                CoapUdp6Credentials *c = i == 0 ? stranger : keyless;

                coap_udp6_credentials_add_peer_public_key (c, server_id, &error);
                g_assert_no_error (error);
        }
        coap_udp6_credentials_add_peer_public_key (known, server_id, &error);
        g_assert_no_error (error);
        c1 = new_client (stranger);
        get (f, c1, "whoami", &result);
        g_assert_error (result.error, G_TLS_ERROR, G_TLS_ERROR_HANDSHAKE);
        result_clear (&result);
        c2 = new_client (keyless);
        get (f, c2, "whoami", &result);
        g_assert_error (result.error, G_TLS_ERROR, G_TLS_ERROR_HANDSHAKE);
        result_clear (&result);
        c3 = new_client (known);
        assert_whoami (f, c3, client_id, server_id);
}

static void
test_requires_identity (Fixture      *f,
                        gconstpointer data)
{
        g_autoptr (CoapUdp6Credentials) keyless = coap_udp6_credentials_new ();
        g_autoptr (CoapUdp6Credentials) keyed = credentials_with_key (f, "client.pem");
        g_autoptr (CoapUdp6Context) anonymous = NULL;
        g_autoptr (CoapUdp6Context) client = NULL;
        g_autoptr (GError) error = NULL;
        g_autofree char *server_id = openssl_identity (f, "server.pem");
        g_autofree char *client_id = openssl_identity (f, "client.pem");
        g_autofree char *expected = g_strdup_printf ("coaps %s", client_id);
        g_autofree char *text = NULL;
        TestResult result;

        g_test_summary ("A server without pinned keys serves a client without a key with no "
                        "identity (4.01 on a resource requiring one), and a client with a key "
                        "under its ni: name");
        coap_udp6_credentials_add_peer_public_key (keyless, server_id, &error);
        g_assert_no_error (error);
        anonymous = new_client (keyless);
        assert_whoami (f, anonymous, NULL, server_id);
        get (f, anonymous, "private", &result);
        g_assert_no_error (result.error);
        g_assert_cmpuint (coap_udp6_message_get_code (result.response), ==, COAP_UDP6_CODE_UNAUTHORIZED);
        result_clear (&result);

        coap_udp6_credentials_add_peer_public_key (keyed, server_id, &error);
        g_assert_no_error (error);
        client = new_client (keyed);
        get (f, client, "private", &result);
        g_assert_no_error (result.error);
        g_assert_cmpuint (coap_udp6_message_get_code (result.response), ==, COAP_UDP6_CODE_CONTENT);
        text = payload_text (result.response);
        g_assert_cmpstr (text, ==, expected);
        result_clear (&result);
}

static void
test_key_formats (Fixture      *f,
                  gconstpointer data)
{
        g_autoptr (CoapUdp6Credentials) credentials = coap_udp6_credentials_new ();
        g_autoptr (GError) error = NULL;
        g_autofree char *other = path_in (f, "other.pem");
        g_autofree char *pem = NULL;
        g_autofree char *other_id = openssl_identity (f, "other.pem");
        g_autofree char *with_authority = NULL;

        g_test_summary ("A PKCS#8 key read from memory names itself as openssl's SPKI hash "
                        "says; ni: names with an authority or query are pinned as the bare name");
        g_assert_true (g_file_get_contents (other, &pem, NULL, NULL));
        g_assert_true (strstr (pem, "-----BEGIN PRIVATE KEY-----") != NULL);
        g_assert_null (coap_udp6_credentials_get_raw_public_key_identity (credentials));
        coap_udp6_credentials_set_raw_public_key (credentials, pem, &error);
        g_assert_no_error (error);
        g_assert_cmpstr (coap_udp6_credentials_get_raw_public_key_identity (credentials), ==, other_id);

        with_authority = g_strdup_printf ("ni://example.org/sha-256;%s?ct=0",
                                          other_id + strlen ("ni:///sha-256;"));
        g_assert_true (coap_udp6_credentials_add_peer_public_key (credentials, with_authority, &error));
        g_assert_no_error (error);
}

static void
test_misuse (Fixture      *f,
             gconstpointer data)
{
        g_autoptr (CoapUdp6Credentials) credentials = coap_udp6_credentials_new ();
        g_autoptr (GError) error = NULL;
        g_autofree char *pub = path_in (f, "client.pub");
        g_autofree char *pub_pem = NULL;
        g_autofree char *missing = path_in (f, "missing.pem");
        g_autofree char *client_id = openssl_identity (f, "client.pem");
        g_autofree char *non_canonical = g_strdup (client_id);
        char *last = non_canonical + strlen (non_canonical) - 1;
        const char *bad_names[] = {
                "ni:///sha-256;",
                "ni:///sha-256;abc",
                "ni:///md5;q-Ug1nEpAr9E_0WcHz4F0FNlgpzFOy3jFbYbhBkJqqg",
                "ni:///sha-256;q-Ug1nEpAr9E_0WcHz4F0FNlgpzFOy3jFbYbhBkJqq+",
                "ni:sha-256;q-Ug1nEpAr9E_0WcHz4F0FNlgpzFOy3jFbYbhBkJqqg",
        };

        g_test_summary ("Text without a private key, a public key alone, a missing file, "
                        "malformed ni: names and non-PEM text give a GError and change "
                        "nothing; NULL arguments are refused with a critical");
        g_assert_false (coap_udp6_credentials_set_raw_public_key (credentials, "garbage", &error));
        g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
        g_clear_error (&error);
        g_assert_true (g_file_get_contents (pub, &pub_pem, NULL, NULL));
        g_assert_false (coap_udp6_credentials_set_raw_public_key (credentials, pub_pem, &error));
        g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
        g_clear_error (&error);
        g_assert_false (coap_udp6_credentials_set_raw_public_key (
                credentials, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n",
                &error));
        g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
        g_clear_error (&error);
        g_assert_false (coap_udp6_credentials_set_raw_public_key_file (credentials, missing, &error));
        g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
        g_clear_error (&error);
        g_assert_false (coap_udp6_credentials_set_raw_public_key_file (credentials, pub, &error));
        g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
        g_assert_nonnull (strstr (error->message, pub));
        g_clear_error (&error);
        g_assert_null (coap_udp6_credentials_get_raw_public_key_identity (credentials));

        /* The last of 43 characters carries 2 bits that must be zero. */
        *last = *last == 'A' ? 'B' : (*last == 'g' ? 'h' : *last + 1);
        g_assert_false (coap_udp6_credentials_add_peer_public_key (credentials, non_canonical, &error));
        g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
        g_clear_error (&error);
        for (guint i = 0; i < G_N_ELEMENTS (bad_names); i++) {
                g_assert_false (coap_udp6_credentials_add_peer_public_key (credentials, bad_names[i],
                                                                           &error));
                g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
                g_clear_error (&error);
        }
        g_assert_false (coap_udp6_credentials_add_peer_public_key (credentials, "not a key", &error));
        g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
        g_clear_error (&error);

        g_test_expect_message ("CoapUdp6", G_LOG_LEVEL_CRITICAL, "*private_key_pem != NULL*");
        g_assert_false (coap_udp6_credentials_set_raw_public_key (credentials, NULL, &error));
        g_test_assert_expected_messages ();
        g_test_expect_message ("CoapUdp6", G_LOG_LEVEL_CRITICAL, "*path != NULL*");
        g_assert_false (coap_udp6_credentials_set_raw_public_key_file (credentials, NULL, &error));
        g_test_assert_expected_messages ();
        g_test_expect_message ("CoapUdp6", G_LOG_LEVEL_CRITICAL, "*identity_or_pem != NULL*");
        g_assert_false (coap_udp6_credentials_add_peer_public_key (credentials, NULL, &error));
        g_test_assert_expected_messages ();
        g_test_expect_message ("CoapUdp6", G_LOG_LEVEL_CRITICAL, "*COAP_UDP6_IS_CREDENTIALS*");
        g_assert_null (coap_udp6_credentials_get_raw_public_key_identity (NULL));
        g_test_assert_expected_messages ();
        g_test_expect_message ("CoapUdp6", G_LOG_LEVEL_CRITICAL, "*COAP_UDP6_IS_CREDENTIALS*");
        coap_udp6_credentials_set_accept_any_public_key (NULL, TRUE);
        g_test_assert_expected_messages ();
        g_assert_no_error (error);
}

static void
test_unsupported (void)
{
        g_autoptr (CoapUdp6Credentials) credentials = coap_udp6_credentials_new ();
        g_autoptr (GError) error = NULL;

        g_test_summary ("Without GnuTLS a raw public key cannot be read: NOT_SUPPORTED");
        g_assert_false (coap_udp6_credentials_set_raw_public_key (credentials, "x", &error));
        g_assert_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_NOT_SUPPORTED);
}

int
main (int   argc,
      char *argv[])
{
        g_autofree char *openssl_path = g_find_program_in_path ("openssl");

        test_init (&argc, &argv);
        if (!coap_udp6_credentials_is_supported ()) {
                g_test_add_func ("/dtls-rpk/unsupported", test_unsupported);
                return g_test_run ();
        }
        if (openssl_path == NULL || !test_have_ipv6 ()) {
                g_test_skip ("no openssl or no IPv6");
                return g_test_run ();
        }
#define ADD(path, func) \
        g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
        ADD ("/dtls-rpk/round-trip", test_round_trip);
        ADD ("/dtls-rpk/pinned-mismatch", test_pinned_mismatch);
        ADD ("/dtls-rpk/client-must-pin", test_client_must_pin);
        ADD ("/dtls-rpk/server-pins-clients", test_server_pins_clients);
        ADD ("/dtls-rpk/requires-identity", test_requires_identity);
        ADD ("/dtls-rpk/key-formats", test_key_formats);
        ADD ("/dtls-rpk/misuse", test_misuse);
#undef ADD
        return g_test_run ();
}
