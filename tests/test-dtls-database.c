/* test-dtls-database.c: coaps trust through a GTlsDatabase
 * (CoapUdp6Credentials:database), with certificates openssl makes at test
 * time
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"

#include <glib/gstdio.h>
#include <string.h>

typedef struct {
        char *dir;
        GMainContext *main_context;
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

/* ca.pem and other-ca.pem; server.pem (for ::1) and client.pem signed by
 * ca, with their keys (ECDSA P-256, RFC 7252 §9.1.3.3). */
static void
make_certificates (const char *dir)
{
        g_autofree char *ext = g_build_filename (dir, "server.ext", NULL);
        const char *cas[] = { "ca", "other-ca" };
        const char *names[] = { "server", "client" };

        g_assert_true (g_file_set_contents (ext, "subjectAltName = IP:::1\n", -1, NULL));
        for (guint i = 0; i < G_N_ELEMENTS (cas); i++) {
                g_autofree char *args = g_strdup_printf (
                        "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                        "-keyout %s.key -out %s.pem -days 2 -subj /CN=%s", cas[i], cas[i], cas[i]);

                openssl (dir, args);
        }
        for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
                g_autofree char *req = g_strdup_printf (
                        "req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                        "-keyout %s.key -out %s.csr -subj /CN=%s", names[i], names[i], names[i]);
                g_autofree char *sign = g_strdup_printf (
                        "x509 -req -in %s.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
                        "-out %s.pem -days 2%s", names[i], names[i],
                        i == 0 ? " -extfile server.ext" : "");

                openssl (dir, req);
                openssl (dir, sign);
        }
}

static char *
path_in (Fixture    *f,
         const char *name)
{
        return g_build_filename (f->dir, name, NULL);
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
        g_autoptr (GError) error = NULL;

        f->dir = g_dir_make_tmp ("coap-udp6-database-XXXXXX", &error);
        g_assert_no_error (error);
        make_certificates (f->dir);
        f->main_context = g_main_context_new ();
        g_main_context_push_thread_default (f->main_context);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
        const char *name;

        test_iterate_for (f->main_context, 10);
        g_main_context_pop_thread_default (f->main_context);
        g_main_context_unref (f->main_context);
        while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
                g_autofree char *path = path_in (f, name);

                g_unlink (path);
        }
        g_rmdir (f->dir);
        g_free (f->dir);
}

static CoapUdp6Credentials *
credentials_with (Fixture    *f,
                  const char *cert,
                  const char *database_ca)
{
        CoapUdp6Credentials *credentials = coap_udp6_credentials_new ();
        g_autoptr (GError) error = NULL;

        if (cert != NULL) {
                g_autofree char *pem = g_strdup_printf ("%s/%s.pem", f->dir, cert);
                g_autofree char *key = g_strdup_printf ("%s/%s.key", f->dir, cert);

                coap_udp6_credentials_set_certificate_files (credentials, pem, key, &error);
                g_assert_no_error (error);
        }
        if (database_ca != NULL) {
                g_autofree char *ca = g_strdup_printf ("%s/%s.pem", f->dir, database_ca);
                g_autoptr (GTlsDatabase) database = g_tls_file_database_new (ca, &error);

                g_assert_no_error (error);
                coap_udp6_credentials_set_database (credentials, database);
                g_assert_true (coap_udp6_credentials_get_database (credentials) == database);
        }
        return credentials;
}

static void
identity_render (CoapUdp6Resource *resource,
                 CoapUdp6Request  *request,
                 gpointer          data)
{
        const char *identity =
                coap_udp6_endpoint_address_get_peer_identity (coap_udp6_request_get_remote (request));
        g_autoptr (GBytes) body = g_bytes_new (identity != NULL ? identity : "-",
                                               identity != NULL ? strlen (identity) : 1);

        coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CONTENT, body, 0);
}

static CoapUdp6Context *
new_server (CoapUdp6Credentials *credentials)
{
        const char *binds[] = { "coaps://[::1]:0", NULL };
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Resource) resource = coap_udp6_resource_new_with_handler (identity_render,
                                                                                    NULL, NULL);
        CoapUdp6Context *server = g_initable_new (COAP_UDP6_TYPE_CONTEXT, NULL, &error,
                                                  "binds", binds, "is-server", TRUE,
                                                  "credentials", credentials, NULL);

        g_assert_no_error (error);
        coap_udp6_context_add_resource (server, "id", resource);
        return server;
}

static void
get (CoapUdp6Credentials *credentials,
     guint                port,
     TestResult          *result)
{
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Context) client = coap_udp6_context_new_client (&error);
        g_autofree char *uri = g_strdup_printf ("coaps://[::1]:%u/id", port);
        g_autoptr (CoapUdp6Message) message = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                     COAP_UDP6_CODE_GET);

        g_assert_no_error (error);
        coap_udp6_context_set_credentials (client, credentials);
        coap_udp6_message_set_request_uri (message, uri, &error);
        g_assert_no_error (error);
        memset (result, 0, sizeof *result);
        coap_udp6_context_request_async (client, message, NULL, test_request_cb, result);
        g_assert_true (test_iterate_until_flag (g_main_context_get_thread_default (),
                                                &result->done, 10000));
}

static char *
payload_text (CoapUdp6Message *message)
{
        GBytes *payload = coap_udp6_message_get_payload (message);

        return g_strndup (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
}

static void
test_client_trusts_through_database (Fixture      *f,
                                     gconstpointer data)
{
        g_autoptr (CoapUdp6Credentials) server_credentials = credentials_with (f, "server", NULL);
        g_autoptr (CoapUdp6Context) server = new_server (server_credentials);
        g_autoptr (CoapUdp6Credentials) trusting = credentials_with (f, NULL, "ca");
        g_autoptr (CoapUdp6Credentials) distrusting = credentials_with (f, NULL, "other-ca");
        guint port = coap_udp6_context_get_local_port (server);
        g_autofree char *text = NULL;
        TestResult result;

        g_test_summary ("A client whose GTlsFileDatabase holds the server's CA completes the "
                        "handshake; one holding another CA fails it with "
                        "G_TLS_ERROR_BAD_CERTIFICATE naming the unknown authority");
        get (trusting, port, &result);
        g_assert_no_error (result.error);
        text = payload_text (result.response);
        g_assert_cmpstr (text, ==, "-");
        g_clear_object (&result.response);

        get (distrusting, port, &result);
        g_assert_error (result.error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
        g_assert_nonnull (strstr (result.error->message, "unknown authority"));
        g_clear_error (&result.error);
}

static void
test_server_trusts_client_through_database (Fixture      *f,
                                            gconstpointer data)
{
        g_autoptr (CoapUdp6Credentials) server_credentials = credentials_with (f, "server", "ca");
        g_autoptr (CoapUdp6Context) server = new_server (server_credentials);
        g_autoptr (CoapUdp6Credentials) client_credentials = credentials_with (f, "client", "ca");
        g_autoptr (CoapUdp6Credentials) anonymous = credentials_with (f, NULL, "ca");
        guint port = coap_udp6_context_get_local_port (server);
        g_autofree char *text = NULL;
        g_autofree char *anonymous_text = NULL;
        TestResult result;

        g_test_summary ("A server with a database asks for a client certificate and reports "
                        "the subject of a trusted one as the peer identity; a client without "
                        "one is served without an identity");
        get (client_credentials, port, &result);
        g_assert_no_error (result.error);
        text = payload_text (result.response);
        g_assert_cmpstr (text, ==, "CN=client");
        g_clear_object (&result.response);

        get (anonymous, port, &result);
        g_assert_no_error (result.error);
        anonymous_text = payload_text (result.response);
        g_assert_cmpstr (anonymous_text, ==, "-");
        g_clear_object (&result.response);
}

static void
test_server_refuses_untrusted_client (Fixture      *f,
                                      gconstpointer data)
{
        g_autoptr (CoapUdp6Credentials) server_credentials = credentials_with (f, "server", "other-ca");
        g_autoptr (CoapUdp6Context) server = new_server (server_credentials);
        g_autoptr (CoapUdp6Credentials) client_credentials = credentials_with (f, "client", "ca");
        TestResult result;

        g_test_summary ("A client certificate the server's database does not trust fails the "
                        "handshake on both sides");
        get (client_credentials, coap_udp6_context_get_local_port (server), &result);
        g_assert_error (result.error, G_TLS_ERROR, G_TLS_ERROR_HANDSHAKE);
        g_clear_error (&result.error);
}

static void
test_property (void)
{
        g_autoptr (CoapUdp6Credentials) credentials = coap_udp6_credentials_new ();
        g_autoptr (GTlsDatabase) got = NULL;

        g_test_summary ("The database property reads back what was set, and NULL clears it");
        g_assert_null (coap_udp6_credentials_get_database (credentials));
        g_object_get (credentials, "database", &got, NULL);
        g_assert_null (got);
        g_test_expect_message ("CoapUdp6", G_LOG_LEVEL_CRITICAL, "*G_IS_TLS_DATABASE*");
        coap_udp6_credentials_set_database (credentials, (GTlsDatabase *) credentials);
        g_test_assert_expected_messages ();
        g_assert_null (coap_udp6_credentials_get_database (credentials));
}

int
main (int   argc,
      char *argv[])
{
        g_autofree char *openssl_path = g_find_program_in_path ("openssl");

        test_init (&argc, &argv);
        g_test_add_func ("/dtls-database/property", test_property);
        if (!coap_udp6_credentials_is_supported ()) {
                g_test_skip ("built without GnuTLS");
                return g_test_run ();
        }
        if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()) || openssl_path == NULL) {
                g_test_skip ("no GIO TLS backend (glib-networking) or no openssl");
                return g_test_run ();
        }
#define ADD(path, func) \
        g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
        ADD ("/dtls-database/client-trusts", test_client_trusts_through_database);
        ADD ("/dtls-database/server-trusts-client", test_server_trusts_client_through_database);
        ADD ("/dtls-database/server-refuses-client", test_server_refuses_untrusted_client);
#undef ADD
        return g_test_run ();
}
