/* tool-credentials.c: the coaps options of the command-line tools, the
 * letters libcoap's coap-client and coap-server use where they exist
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tool-credentials.h"

#include <string.h>

GOptionGroup *
tool_credentials_option_group (ToolCredentials *tc,
                               gboolean         server)
{
        GOptionEntry client_entries[] = {
                { "psk", 'k', 0, G_OPTION_ARG_STRING, &tc->psk,
                  "Pre-shared key for coaps:// (with -u)", "KEY" },
                { "identity", 'u', 0, G_OPTION_ARG_STRING, &tc->identity,
                  "PSK identity for coaps://", "IDENTITY" },
                { "cert", 0, 0, G_OPTION_ARG_FILENAME, &tc->cert_file,
                  "Certificate (PEM) to present on coaps://", "FILE" },
                { "key", 0, 0, G_OPTION_ARG_FILENAME, &tc->key_file,
                  "Private key (PEM) of --cert", "FILE" },
                { "ca", 0, 0, G_OPTION_ARG_FILENAME, &tc->ca_file,
                  "Trust certificates issued by these authorities (PEM) and check the "
                  "server's address", "FILE" },
                { "pin", 0, 0, G_OPTION_ARG_FILENAME, &tc->pin_file,
                  "Accept only this server certificate (PEM)", "FILE" },
                { "system-ca", 0, 0, G_OPTION_ARG_NONE, &tc->system_ca,
                  "Trust the system's certificate authorities (GIO's TLS database) and "
                  "check the server's name", NULL },
                { "rpk", 'M', 0, G_OPTION_ARG_FILENAME, &tc->rpk_file,
                  "Raw public key mode: our EC private key (PEM; the public key is derived)", "FILE" },
                { "peer-key", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &tc->peer_keys,
                  "Accept the server's raw public key only if it is this one: its "
                  "ni:///sha-256; name or a PEM file with it (repeatable)", "NI_OR_PEMFILE" },
                { "accept-any-key", 0, 0, G_OPTION_ARG_NONE, &tc->accept_any_key,
                  "Accept any raw public key the server presents (no --peer-key)", NULL },
                G_OPTION_ENTRY_NULL
        };
        GOptionEntry server_entries[] = {
                { "psk", 'k', 0, G_OPTION_ARG_STRING, &tc->psk,
                  "Pre-shared key every coaps client may use", "KEY" },
                { "psk-file", 0, 0, G_OPTION_ARG_FILENAME, &tc->psk_file,
                  "Pre-shared keys per client, one \"IDENTITY KEY\" per line", "FILE" },
                { "cert", 0, 0, G_OPTION_ARG_FILENAME, &tc->cert_file,
                  "Certificate (PEM) of coaps binds", "FILE" },
                { "key", 0, 0, G_OPTION_ARG_FILENAME, &tc->key_file,
                  "Private key (PEM) of --cert", "FILE" },
                { "ca", 0, 0, G_OPTION_ARG_FILENAME, &tc->ca_file,
                  "Ask clients for certificates and trust those issued by these "
                  "authorities (PEM)", "FILE" },
                { "rpk", 'M', 0, G_OPTION_ARG_FILENAME, &tc->rpk_file,
                  "Raw public key mode: our EC private key (PEM; the public key is derived)", "FILE" },
                { "peer-key", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &tc->peer_keys,
                  "Serve only clients with this raw public key: its ni:///sha-256; name "
                  "or a PEM file with it (repeatable; default: any key)", "NI_OR_PEMFILE" },
                G_OPTION_ENTRY_NULL
        };
        GOptionGroup *group = g_option_group_new ("coaps", "coaps (DTLS) options:",
                                                  "Show the coaps options", NULL, NULL);

        g_option_group_add_entries (group, server ? server_entries : client_entries);
        return group;
}

/* --peer-key takes an ni: name or the name of a PEM file. */
static gboolean
add_peer_key (CoapUdp6Credentials *credentials,
              const char          *peer_key,
              GError             **error)
{
        g_autofree char *pem = NULL;

        if (g_str_has_prefix (peer_key, "ni:"))
                return coap_udp6_credentials_add_peer_public_key (credentials, peer_key, error);
        /* /dev/zero or a FIFO would be read for ever. */
        if (!g_file_test (peer_key, G_FILE_TEST_IS_REGULAR)) {
                g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "--peer-key %s is not a regular file",
                             peer_key);
                return FALSE;
        }
        if (!g_file_get_contents (peer_key, &pem, NULL, error))
                return FALSE;
        if (!coap_udp6_credentials_add_peer_public_key (credentials, pem, error)) {
                g_prefix_error (error, "--peer-key %s: ", peer_key);
                return FALSE;
        }
        return TRUE;
}

static gboolean
load_raw_public_keys (ToolCredentials     *tc,
                      CoapUdp6Credentials *credentials,
                      GError             **error)
{
        if (tc->rpk_file != NULL &&
            !coap_udp6_credentials_set_raw_public_key_file (credentials, tc->rpk_file, error))
                return FALSE;
        for (guint i = 0; tc->peer_keys != NULL && tc->peer_keys[i] != NULL; i++)
                if (!add_peer_key (credentials, tc->peer_keys[i], error))
                        return FALSE;
        if (tc->accept_any_key && tc->peer_keys != NULL) {
                g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                     "--accept-any-key and --peer-key exclude each other");
                return FALSE;
        }
        coap_udp6_credentials_set_accept_any_public_key (credentials, tc->accept_any_key);
        return TRUE;
}

CoapUdp6Credentials *
tool_credentials_load (ToolCredentials *tc,
                       gboolean         server,
                       GError         **error)
{
        g_autoptr (CoapUdp6Credentials) credentials = NULL;

        if (tc->psk == NULL && tc->psk_file == NULL && tc->cert_file == NULL &&
            tc->ca_file == NULL && tc->pin_file == NULL && !tc->system_ca &&
            tc->rpk_file == NULL && tc->peer_keys == NULL && !tc->accept_any_key)
                return NULL;
        credentials = coap_udp6_credentials_new ();
        if (tc->psk != NULL) {
                g_autoptr (GBytes) key = NULL;

                if (tc->psk[0] == '\0' || (!server && tc->identity == NULL)) {
                        g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                             server ? "-k needs a non-empty key"
                                                    : "-k needs -u IDENTITY and a non-empty key");
                        return NULL;
                }
                key = g_bytes_new (tc->psk, strlen (tc->psk));
                coap_udp6_credentials_set_psk (credentials, tc->identity, key);
        }
        if (tc->psk_file != NULL &&
            !coap_udp6_credentials_load_psk_file (credentials, tc->psk_file, error))
                return NULL;
        if ((tc->cert_file != NULL) != (tc->key_file != NULL)) {
                g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                     "--cert and --key go together");
                return NULL;
        }
        if (tc->cert_file != NULL &&
            !coap_udp6_credentials_set_certificate_files (credentials, tc->cert_file,
                                                          tc->key_file, error))
                return NULL;
        if (tc->ca_file != NULL &&
            !coap_udp6_credentials_set_ca_file (credentials, tc->ca_file, error))
                return NULL;
        if (tc->pin_file != NULL &&
            !coap_udp6_credentials_set_pinned_certificate_file (credentials, tc->pin_file, error))
                return NULL;
        if (tc->system_ca) {
                GTlsDatabase *database = g_tls_backend_get_default_database (g_tls_backend_get_default ());

                if (database == NULL) {
                        g_set_error_literal (error, G_TLS_ERROR, G_TLS_ERROR_UNAVAILABLE,
                                             "--system-ca: no system certificate database "
                                             "(GIO has no TLS backend; install glib-networking)");
                        return NULL;
                }
                coap_udp6_credentials_set_database (credentials, database);
                g_object_unref (database);
        }
        if (!load_raw_public_keys (tc, credentials, error))
                return NULL;
        return g_steal_pointer (&credentials);
}

void
tool_credentials_clear (ToolCredentials *tc)
{
        if (tc->psk != NULL)
                memset (tc->psk, 0, strlen (tc->psk));
        g_clear_pointer (&tc->psk, g_free);
        g_clear_pointer (&tc->identity, g_free);
        g_clear_pointer (&tc->psk_file, g_free);
        g_clear_pointer (&tc->cert_file, g_free);
        g_clear_pointer (&tc->key_file, g_free);
        g_clear_pointer (&tc->ca_file, g_free);
        g_clear_pointer (&tc->pin_file, g_free);
        g_clear_pointer (&tc->rpk_file, g_free);
        g_clear_pointer (&tc->peer_keys, g_strfreev);
}
