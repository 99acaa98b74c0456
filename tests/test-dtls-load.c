/* test-dtls-load.c: GnuTLS is loaded when coaps is first used, not when
 * the library is (doc/performance.md, "Block-wise transfer")
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"

#include <string.h>

/* Whether a library whose file name contains @name is mapped. */
static gboolean
mapped (const char *name)
{
        g_autofree char *maps = NULL;
        g_autoptr (GError) error = NULL;

        g_file_get_contents ("/proc/self/maps", &maps, NULL, &error);
        g_assert_no_error (error);
        return strstr (maps, name) != NULL;
}

static CoapUdp6Context *
new_server (const char          *bind,
            CoapUdp6Credentials *credentials)
{
        const char *binds[] = { bind, NULL };
        g_autoptr (GError) error = NULL;
        CoapUdp6Context *server;

        server = g_initable_new (COAP_UDP6_TYPE_CONTEXT, NULL, &error,
                                 "binds", binds, "is-server", TRUE,
                                 "credentials", credentials, NULL);
        g_assert_no_error (error);
        return server;
}

/* GET /.well-known/core from @server; asserts it is answered. */
static void
get_well_known (CoapUdp6Context *client,
                const char      *scheme,
                CoapUdp6Context *server)
{
        g_autofree char *uri = g_strdup_printf ("%s://[::1]:%u/.well-known/core", scheme,
                                                coap_udp6_context_get_local_port (server));
        g_autoptr (CoapUdp6Message) message = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                     COAP_UDP6_CODE_GET);
        g_autoptr (GError) error = NULL;
        TestResult result = { 0, };

        coap_udp6_message_set_request_uri (message, uri, &error);
        g_assert_no_error (error);
        coap_udp6_context_request_async (client, message, NULL, test_request_cb, &result);
        g_assert_true (test_iterate_until_flag (g_main_context_get_thread_default (),
                                                &result.done, 10000));
        g_assert_no_error (result.error);
        g_assert_cmpuint (coap_udp6_message_get_code (result.response), ==, COAP_UDP6_CODE_CONTENT);
        g_clear_object (&result.response);
}

static void
test_loaded_on_first_use (void)
{
        g_autoptr (CoapUdp6Context) server = NULL;
        g_autoptr (CoapUdp6Context) client = NULL;
        g_autoptr (CoapUdp6Context) coaps_server = NULL;
        g_autoptr (CoapUdp6Credentials) credentials = coap_udp6_credentials_new ();
        g_autoptr (GBytes) key = g_bytes_new_static ("secretPSK", 9);
        g_autoptr (GError) error = NULL;

        g_test_summary ("A coap:// exchange leaves GnuTLS unloaded; the first coaps use loads "
                        "it and a coaps exchange works");
        server = new_server ("coap://[::1]:0", NULL);
        client = coap_udp6_context_new_client (&error);
        g_assert_no_error (error);
        get_well_known (client, "coap", server);
        g_assert_false (mapped ("libgnutls"));

        if (!coap_udp6_credentials_is_supported ()) {
                g_test_skip ("built without GnuTLS, or GnuTLS cannot be loaded");
                return;
        }
        g_assert_true (mapped ("libgnutls"));
        coap_udp6_credentials_add_psk (credentials, "alice", key);
        coaps_server = new_server ("coaps://[::1]:0", credentials);
        g_clear_object (&credentials);
        credentials = coap_udp6_credentials_new ();
        coap_udp6_credentials_set_psk (credentials, "alice", key);
        coap_udp6_context_set_credentials (client, credentials);
        get_well_known (client, "coaps", coaps_server);
}

/* A key made for this test only (openssl ecparam -name prime256v1 -genkey). */
static const char test_key_pem[] =
        "-----BEGIN EC PRIVATE KEY-----\n"
        "MHcCAQEEIF9j5jFahcQKkx4ql9wHLyUZWHX8gpC1Xxm0oFc8oj7IoAoGCCqGSM49\n"
        "AwEHoUQDQgAEkt1SUtY7VH12jlpfojCCVE4JBcCV8MHZJLByboQIvCpMt2sFDhoV\n"
        "8SGWq8E8TT1J+3fC+qf/NKOTKsd8oxqrvQ==\n"
        "-----END EC PRIVATE KEY-----\n";

static void
test_raw_public_key_first (void)
{
        g_autoptr (CoapUdp6Credentials) credentials = NULL;
        g_autoptr (GError) error = NULL;

        g_test_summary ("A raw public key given to credentials, GnuTLS's first use in the "
                        "process, loads it and is read");
        if (!g_test_subprocess ()) {
                /* A process of its own: nothing else loaded GnuTLS before. */
                g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
                g_test_trap_assert_passed ();
                return;
        }
        g_assert_false (mapped ("libgnutls"));
        credentials = coap_udp6_credentials_new ();
        if (!coap_udp6_credentials_set_raw_public_key (credentials, test_key_pem, &error)) {
                g_assert_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_NOT_SUPPORTED);
                g_test_skip ("built without GnuTLS, or GnuTLS cannot be loaded");
                return;
        }
        g_assert_true (mapped ("libgnutls"));
        g_assert_true (g_str_has_prefix (coap_udp6_credentials_get_raw_public_key_identity (credentials),
                                         "ni:///sha-256;"));
}

int
main (int   argc,
      char *argv[])
{
        test_init (&argc, &argv);
        if (!test_have_ipv6 ()) {
                g_test_skip ("no IPv6 on ::1");
                return g_test_run ();
        }
        g_test_add_func ("/dtls-load/loaded-on-first-use", test_loaded_on_first_use);
        g_test_add_func ("/dtls-load/raw-public-key-first", test_raw_public_key_first);
        return g_test_run ();
}
