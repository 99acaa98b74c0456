/* test-dtls.c: coaps (DTLS 1.2 with pre-shared keys) between our client
 * and our server over ::1
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"
#include "test-relay.h"
#include "coap-udp6-context-private.h"
#include "coap-udp6-message-interface-private.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define KEY "secretPSK"

#define TEST_TYPE_WHOAMI (test_whoami_get_type ())
G_DECLARE_FINAL_TYPE (TestWhoami, test_whoami, TEST, WHOAMI, CoapUdp6Resource)

struct _TestWhoami {
        CoapUdp6Resource parent_instance;
        guint calls;
};

G_DEFINE_FINAL_TYPE (TestWhoami, test_whoami, COAP_UDP6_TYPE_RESOURCE)

/* Answers "SCHEME IDENTITY" (or "-" for no identity), echoing a payload
 * after it. */
static void
test_whoami_render (CoapUdp6Resource *resource,
                    CoapUdp6Request  *request)
{
        CoapUdp6EndpointAddress *remote = coap_udp6_request_get_remote (request);
        GBytes *payload = coap_udp6_message_get_payload (coap_udp6_request_get_message (request));
        const char *identity = coap_udp6_endpoint_address_get_peer_identity (remote);
        g_autofree char *text = g_strdup_printf ("%s %s%s%.*s",
                                                 coap_udp6_endpoint_address_get_scheme (remote),
                                                 identity != NULL ? identity : "-",
                                                 g_bytes_get_size (payload) > 0 ? " " : "",
                                                 (int) g_bytes_get_size (payload),
                                                 (const char *) g_bytes_get_data (payload, NULL));
        g_autoptr (GBytes) body = g_bytes_new (text, strlen (text));

        TEST_WHOAMI (resource)->calls++;
        coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CONTENT, body, 0);
}

static void
test_whoami_class_init (TestWhoamiClass *klass)
{
        COAP_UDP6_RESOURCE_CLASS (klass)->render = test_whoami_render;
}

static void
test_whoami_init (TestWhoami *self)
{
}

typedef struct {
        GMainContext *main_context;
        CoapUdp6Context *server;
        TestWhoami *whoami;
        TestWhoami *private_resource;
        guint port;
} Fixture;

static GBytes *
bytes_of (const char *text)
{
        return g_bytes_new (text, strlen (text));
}

static CoapUdp6Context *
new_coaps_server (CoapUdp6Credentials *credentials,
                  GError             **error)
{
        const char *binds[] = { "coaps://[::1]:0", NULL };

        return g_initable_new (COAP_UDP6_TYPE_CONTEXT, NULL, error,
                               "binds", binds, "is-server", TRUE,
                               "credentials", credentials, NULL);
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
        g_autoptr (CoapUdp6Credentials) credentials = coap_udp6_credentials_new ();
        g_autoptr (GBytes) key = bytes_of (KEY);
        g_autoptr (GBytes) other = bytes_of ("bobsKey");
        g_autoptr (GError) error = NULL;

        f->main_context = g_main_context_new ();
        g_main_context_push_thread_default (f->main_context);
        coap_udp6_credentials_add_psk (credentials, "alice", key);
        coap_udp6_credentials_add_psk (credentials, "bob", other);
        f->server = new_coaps_server (credentials, &error);
        g_assert_no_error (error);
        f->port = coap_udp6_context_get_local_port (f->server);
        g_assert_cmpuint (f->port, >, 0);
        f->whoami = g_object_new (TEST_TYPE_WHOAMI, NULL);
        coap_udp6_context_add_resource (f->server, "whoami", COAP_UDP6_RESOURCE (f->whoami));
        f->private_resource = g_object_new (TEST_TYPE_WHOAMI, "requires-peer-identity", TRUE, NULL);
        coap_udp6_context_add_resource (f->server, "private",
                                        COAP_UDP6_RESOURCE (f->private_resource));
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        g_clear_object (&f->server);
        g_clear_object (&f->whoami);
        g_clear_object (&f->private_resource);
        test_iterate_for (f->main_context, 10);
        g_main_context_pop_thread_default (f->main_context);
        g_main_context_unref (f->main_context);
}

static CoapUdp6Context *
new_client (const char *identity,
            const char *key_text)
{
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Credentials) credentials = coap_udp6_credentials_new ();
        g_autoptr (GBytes) key = bytes_of (key_text);
        CoapUdp6Context *client;

        client = coap_udp6_context_new_client (&error);
        g_assert_no_error (error);
        coap_udp6_credentials_set_psk (credentials, identity, key);
        coap_udp6_context_set_credentials (client, credentials);
        return client;
}

/* Sends GET (or POST with @payload) to @uri and waits at most @timeout_ms. */
static void
request (CoapUdp6Context *client,
         const char      *uri,
         const char      *payload,
         guint            timeout_ms,
         TestResult      *result)
{
        g_autoptr (CoapUdp6Message) message = NULL;
        g_autoptr (GError) error = NULL;

        message = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                         payload != NULL ? COAP_UDP6_CODE_POST : COAP_UDP6_CODE_GET);
        coap_udp6_message_set_request_uri (message, uri, &error);
        g_assert_no_error (error);
        if (payload != NULL) {
                g_autoptr (GBytes) body = bytes_of (payload);

                coap_udp6_message_set_payload (message, body);
        }
        memset (result, 0, sizeof *result);
        coap_udp6_context_request_async (client, message, NULL, test_request_cb, result);
        g_assert_true (test_iterate_until_flag (g_main_context_get_thread_default (),
                                                &result->done, timeout_ms));
}

static char *
payload_text (CoapUdp6Message *message)
{
        GBytes *payload = coap_udp6_message_get_payload (message);

        return g_strndup (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
}

static void
result_clear (TestResult *result)
{
        g_clear_object (&result->response);
        g_clear_error (&result->error);
}

/* The coaps transport of @context (its first). */
static CoapUdp6Dtls *
dtls_of (CoapUdp6Context *context)
{
        for (guint i = 0; i < context->interfaces->len; i++) {
                CoapUdp6MessageInterface *iface = g_ptr_array_index (context->interfaces, i);

                if (iface->dtls != NULL)
                        return iface->dtls;
        }
        return NULL;
}

static void
test_psk_round_trip (Fixture      *f,
                     gconstpointer data)
{
        g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
        g_autoptr (GSocketAddress) server_address = g_inet_socket_address_new (lo, f->port);
        g_autoptr (TestRelay) relay = test_relay_new (f->main_context, server_address, 0.0, 1);
        guint relay_port = g_inet_socket_address_get_port (test_relay_get_address (relay));
        g_autoptr (CoapUdp6Context) client = new_client ("alice", KEY);
        g_autofree char *uri = g_strdup_printf ("coaps://[::1]:%u/whoami", relay_port);
        g_autofree char *text = NULL;
        g_autofree char *text2 = NULL;
        CoapUdp6EndpointAddress *from;
        TestResult result;

        g_test_summary ("A coaps GET and POST with a pre-shared key reach the handler, which "
                        "sees scheme coaps and the client's identity; the response comes "
                        "from a coaps remote; the POST reuses the GET's session: one "
                        "ClientHello crosses the relay in front of the server");
        request (client, uri, NULL, 10000, &result);
        g_assert_no_error (result.error);
        g_assert_cmpuint (coap_udp6_message_get_code (result.response), ==, COAP_UDP6_CODE_CONTENT);
        text = payload_text (result.response);
        g_assert_cmpstr (text, ==, "coaps alice");
        from = coap_udp6_message_get_remote (result.response);
        g_assert_cmpstr (coap_udp6_endpoint_address_get_scheme (from), ==, "coaps");
        result_clear (&result);
        g_assert_cmpuint (test_relay_get_client_hellos (relay), ==, 1);

        request (client, uri, "again", 10000, &result);
        g_assert_no_error (result.error);
        text2 = payload_text (result.response);
        g_assert_cmpstr (text2, ==, "coaps alice again");
        g_assert_cmpuint (f->whoami->calls, ==, 2);
        result_clear (&result);
        g_assert_cmpuint (test_relay_get_client_hellos (relay), ==, 1);
        g_assert_cmpuint (coap_udp6_dtls_get_n_sessions (dtls_of (f->server)), ==, 1);
}

static void
test_identity_table (Fixture      *f,
                     gconstpointer data)
{
        g_autoptr (CoapUdp6Context) client = new_client ("bob", "bobsKey");
        g_autofree char *uri = g_strdup_printf ("coaps://[::1]:%u/private", f->port);
        g_autofree char *text = NULL;
        TestResult result;

        g_test_summary ("The server finds each identity's key in its table, and a resource that "
                        "requires a peer identity serves an authenticated coaps peer");
        request (client, uri, NULL, 10000, &result);
        g_assert_no_error (result.error);
        text = payload_text (result.response);
        g_assert_cmpstr (text, ==, "coaps bob");
        result_clear (&result);
}

static void
test_wrong_key (Fixture      *f,
                gconstpointer data)
{
        g_autoptr (CoapUdp6Context) client = new_client ("alice", "notTheKey");
        g_autoptr (CoapUdp6Context) good = new_client ("alice", KEY);
        g_autofree char *uri = g_strdup_printf ("coaps://[::1]:%u/whoami", f->port);
        g_autofree char *text = NULL;
        gint64 start = g_get_monotonic_time ();
        TestResult result;

        g_test_summary ("A wrong key fails the request with a TLS error well before the "
                        "CoAP retransmissions would give up, and the handler never runs; "
                        "the server then serves a client with the right key");
        request (client, uri, NULL, 30000, &result);
        g_assert_null (result.response);
        g_assert_nonnull (result.error);
        g_test_message ("wrong key: %s after %" G_GINT64_FORMAT " ms", result.error->message,
                        (g_get_monotonic_time () - start) / 1000);
        g_assert_true (result.error->domain == G_TLS_ERROR ||
                       result.error->domain == COAP_UDP6_ERROR);
        g_assert_cmpint (g_get_monotonic_time () - start, <, 25 * G_USEC_PER_SEC);
        g_assert_cmpuint (f->whoami->calls, ==, 0);
        result_clear (&result);

        request (good, uri, NULL, 10000, &result);
        g_assert_no_error (result.error);
        text = payload_text (result.response);
        g_assert_cmpstr (text, ==, "coaps alice");
        result_clear (&result);
}

static void
test_unknown_identity (Fixture      *f,
                       gconstpointer data)
{
        g_autoptr (CoapUdp6Context) client = new_client ("mallory", KEY);
        g_autofree char *uri = g_strdup_printf ("coaps://[::1]:%u/whoami", f->port);
        TestResult result;

        g_test_summary ("An identity the server has no key for fails at once with a TLS error");
        request (client, uri, NULL, 30000, &result);
        g_assert_null (result.response);
        g_assert_error (result.error, G_TLS_ERROR, G_TLS_ERROR_HANDSHAKE);
        g_assert_cmpuint (f->whoami->calls, ==, 0);
        result_clear (&result);
}

static void
test_no_credentials (Fixture      *f,
                     gconstpointer data)
{
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Context) client = coap_udp6_context_new_client (&error);
        g_autofree char *uri = g_strdup_printf ("coaps://[::1]:%u/whoami", f->port);
        TestResult result;

        g_test_summary ("A coaps request without credentials fails at once; nothing is sent");
        g_assert_no_error (error);
        request (client, uri, NULL, 1000, &result);
        g_assert_error (result.error, G_TLS_ERROR, G_TLS_ERROR_CERTIFICATE_REQUIRED);
        result_clear (&result);
}

static void
test_multicast_refused (Fixture      *f,
                        gconstpointer data)
{
        g_autoptr (CoapUdp6Context) client = new_client ("alice", KEY);
        gint64 start = g_get_monotonic_time ();
        CoapUdp6Dtls *dtls;
        TestResult result;

        g_test_summary ("A coaps request to a multicast group fails at once with "
                        "COAP_UDP6_ERROR_NOT_SUPPORTED (DTLS has no group sessions) and "
                        "starts no handshake");
        request (client, "coaps://[ff02::fd%lo]:5684/x", NULL, 5000, &result);
        g_assert_null (result.response);
        g_assert_error (result.error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_NOT_SUPPORTED);
        g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
        dtls = dtls_of (client);
        g_assert_nonnull (dtls);
        g_assert_cmpuint (coap_udp6_dtls_get_n_sessions (dtls), ==, 0);
        g_assert_cmpuint (coap_udp6_dtls_get_n_handshakes (dtls), ==, 0);
        result_clear (&result);
}

/* A port on ::1 that nothing listens on (it was bound a moment ago). */
static guint
closed_port (void)
{
        g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
        g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
        g_autoptr (GSocket) probe = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_DATAGRAM,
                                                  G_SOCKET_PROTOCOL_UDP, NULL);
        g_autoptr (GSocketAddress) bound = NULL;

        g_assert_true (g_socket_bind (probe, any, FALSE, NULL));
        bound = g_socket_get_local_address (probe, NULL);
        return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
test_port_unreachable (Fixture      *f,
                       gconstpointer data)
{
        g_autoptr (CoapUdp6Context) client = new_client ("alice", KEY);
        g_autofree char *uri = g_strdup_printf ("coaps://[::1]:%u/whoami", closed_port ());
        gint64 start = g_get_monotonic_time ();
        TestResult result;

        g_test_summary ("A coaps request to a closed port fails on the ICMP port unreachable "
                        "that answers the ClientHello with G_IO_ERROR_CONNECTION_REFUSED, as "
                        "a coap one does, long before the handshake timeout");
        g_object_set (client, "dtls-handshake-timeout", 30.0, NULL);
        request (client, uri, NULL, 5000, &result);
        g_assert_null (result.response);
        g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
        g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
        result_clear (&result);
}

static void
test_unauthenticated_gets_4_01 (Fixture      *f,
                                gconstpointer data)
{
        const char *binds[] = { "[::1]:0", NULL };
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Context) plain = coap_udp6_context_new_server (binds, NULL, &error);
        g_autoptr (CoapUdp6Context) client = coap_udp6_context_new_client (&error);
        g_autoptr (TestWhoami) resource = g_object_new (TEST_TYPE_WHOAMI,
                                                        "requires-peer-identity", TRUE, NULL);
        g_autofree char *uri = NULL;
        TestResult result;

        g_test_summary ("A resource that requires a peer identity answers a plain coap "
                        "request with 4.01 and its handler does not run");
        g_assert_no_error (error);
        coap_udp6_context_add_resource (plain, "private", COAP_UDP6_RESOURCE (resource));
        uri = g_strdup_printf ("coap://[::1]:%u/private", coap_udp6_context_get_local_port (plain));
        request (client, uri, NULL, 5000, &result);
        g_assert_no_error (result.error);
        g_assert_cmpuint (coap_udp6_message_get_code (result.response), ==,
                          COAP_UDP6_CODE_UNAUTHORIZED);
        g_assert_cmpuint (resource->calls, ==, 0);
        result_clear (&result);
}

static void
test_coaps_server_needs_credentials (void)
{
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Credentials) empty = coap_udp6_credentials_new ();
        g_autoptr (CoapUdp6Context) server = new_coaps_server (empty, &error);

        g_test_summary ("A coaps bind without a key or certificate fails to initialise with a "
                        "clear TLS error");
        g_assert_null (server);
        g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_CERTIFICATE_REQUIRED);
}

static void
test_psk_file (void)
{
        g_autoptr (CoapUdp6Credentials) credentials = coap_udp6_credentials_new ();
        g_autoptr (GError) error = NULL;
        g_autofree char *path = NULL;
        int fd = g_file_open_tmp ("coap-udp6-psk-XXXXXX", &path, &error);

        g_test_summary ("A PSK file has one IDENTITY KEY per line; a bad line is reported by "
                        "number");
        g_assert_no_error (error);
        g_assert_true (g_file_set_contents (path, "# comment\nalice secret one\n\nbob\n", -1, NULL));
        g_assert_false (coap_udp6_credentials_load_psk_file (credentials, path, &error));
        g_assert_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_FAILED);
        g_assert_nonnull (strstr (error->message, ":4:"));
        g_assert_null (strstr (error->message, "secret"));
        g_clear_error (&error);
        g_assert_true (g_file_set_contents (path, "alice secret one\n", -1, NULL));
        g_assert_true (coap_udp6_credentials_load_psk_file (credentials, path, &error));
        g_assert_no_error (error);
        g_unlink (path);
        close (fd);
}

typedef struct {
        CoapUdp6Dtls *dtls;
        guint max_sessions, max_handshakes;
        guint most_sessions, most_handshakes;
        TestResult *results;
        guint n;
} FloodWatch;

static gboolean
flood_done (gpointer data)
{
        FloodWatch *w = data;

        w->most_sessions = MAX (w->most_sessions, coap_udp6_dtls_get_n_sessions (w->dtls));
        w->most_handshakes = MAX (w->most_handshakes, coap_udp6_dtls_get_n_handshakes (w->dtls));
        for (guint i = 0; i < w->n; i++)
                if (!w->results[i].done)
                        return FALSE;
        return TRUE;
}

#define FLOOD 12

static void
test_handshake_flood (Fixture      *f,
                      gconstpointer data)
{
        g_autoptr (CoapUdp6Context) first = new_client ("alice", KEY);
        g_autofree char *uri = g_strdup_printf ("coaps://[::1]:%u/whoami", f->port);
        CoapUdp6Context *clients[FLOOD];
        TestResult results[FLOOD];
        FloodWatch watch = { dtls_of (f->server), 3, 2, 0, 0, results, FLOOD };
        TestResult result;
        guint answered = 0;

        g_test_summary ("More handshakes than max-dtls-handshakes and more peers than "
                        "max-dtls-sessions: the server never holds more, the refused clients "
                        "fail after their handshake timeout, and an established peer is "
                        "still served");
        g_object_set (f->server, "max-dtls-sessions", 3, "max-dtls-handshakes", 2, NULL);
        request (first, uri, NULL, 10000, &result);
        g_assert_no_error (result.error);
        result_clear (&result);
        for (guint i = 0; i < FLOOD; i++) {
                g_autoptr (CoapUdp6Message) message = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                             COAP_UDP6_CODE_GET);

                clients[i] = new_client ("alice", KEY);
                g_object_set (clients[i], "dtls-handshake-timeout", 1.0, NULL);
                coap_udp6_message_set_request_uri (message, uri, NULL);
                memset (&results[i], 0, sizeof results[i]);
                coap_udp6_context_request_async (clients[i], message, NULL, test_request_cb, &results[i]);
        }
        g_assert_true (test_iterate_until (f->main_context, flood_done, &watch, 30000));
        g_assert_cmpuint (watch.most_sessions, <=, 3);
        g_assert_cmpuint (watch.most_handshakes, <=, 2);
        for (guint i = 0; i < FLOOD; i++) {
                if (results[i].error == NULL)
                        answered++;
                else
                        g_assert_true (results[i].error->domain == COAP_UDP6_ERROR ||
                                       results[i].error->domain == G_TLS_ERROR);
                result_clear (&results[i]);
                g_object_unref (clients[i]);
        }
        g_test_message ("%u of %d flooding clients served", answered, FLOOD);
        g_assert_cmpuint (answered, <=, 2);
        request (first, uri, "still", 10000, &result);
        g_assert_no_error (result.error);
        result_clear (&result);
}

static gboolean
no_sessions (gpointer data)
{
        return coap_udp6_dtls_get_n_sessions (data) == 0;
}

static void
test_idle_close (Fixture      *f,
                 gconstpointer data)
{
        g_autoptr (CoapUdp6Context) client = new_client ("alice", KEY);
        g_autofree char *uri = g_strdup_printf ("coaps://[::1]:%u/whoami", f->port);
        TestResult result;

        g_test_summary ("A session idle for dtls-idle-timeout is closed with close_notify on "
                        "both sides; the next request makes a new one");
        g_object_set (f->server, "dtls-idle-timeout", 1.0, NULL);
        request (client, uri, NULL, 10000, &result);
        g_assert_no_error (result.error);
        result_clear (&result);
        g_assert_cmpuint (coap_udp6_dtls_get_n_sessions (dtls_of (f->server)), ==, 1);
        g_assert_true (test_iterate_until (f->main_context, no_sessions, dtls_of (f->server), 5000));
        /* The client heard the close_notify. */
        g_assert_true (test_iterate_until (f->main_context, no_sessions, dtls_of (client), 5000));
        request (client, uri, NULL, 10000, &result);
        g_assert_no_error (result.error);
        result_clear (&result);
}

static void
test_shutdown_closes (Fixture      *f,
                      gconstpointer data)
{
        g_autoptr (CoapUdp6Context) client = new_client ("alice", KEY);
        g_autofree char *uri = g_strdup_printf ("coaps://[::1]:%u/whoami", f->port);
        TestResult result;

        g_test_summary ("A server that goes away sends close_notify: the client forgets its "
                        "session at once");
        request (client, uri, NULL, 10000, &result);
        g_assert_no_error (result.error);
        result_clear (&result);
        g_assert_cmpuint (coap_udp6_dtls_get_n_sessions (dtls_of (client)), ==, 1);
        g_clear_object (&f->server);
        g_assert_true (test_iterate_until (f->main_context, no_sessions, dtls_of (client), 5000));
}

static void
test_peer_restarts (Fixture      *f,
                    gconstpointer data)
{
        const char *binds[] = { "coaps://[::1]:0", NULL };
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Credentials) credentials = coap_udp6_credentials_new ();
        g_autoptr (GBytes) key = bytes_of (KEY);
        g_autoptr (CoapUdp6Context) client = NULL;
        g_autofree char *uri = g_strdup_printf ("coaps://[::1]:%u/whoami", f->port);
        TestResult result;

        g_test_summary ("A client that lost its session (it restarted on the same port) "
                        "handshakes again and is served: the server replaces the old session "
                        "after the cookie exchange");
        coap_udp6_credentials_set_psk (credentials, "alice", key);
        /* A fixed port: the restarted client comes from the same one. */
        client = g_initable_new (COAP_UDP6_TYPE_CONTEXT, NULL, &error, "binds", binds,
                                 "credentials", credentials, NULL);
        g_assert_no_error (error);
        request (client, uri, NULL, 10000, &result);
        g_assert_no_error (result.error);
        result_clear (&result);
        coap_udp6_dtls_drop_sessions (dtls_of (client));
        request (client, uri, "again", 10000, &result);
        g_assert_no_error (result.error);
        g_assert_cmpuint (coap_udp6_message_get_code (result.response), ==, COAP_UDP6_CODE_CONTENT);
        result_clear (&result);
        g_assert_cmpuint (coap_udp6_dtls_get_n_sessions (dtls_of (f->server)), ==, 1);
}

static void
test_server_restarts (Fixture      *f,
                      gconstpointer data)
{
        g_autoptr (CoapUdp6Context) client = NULL;
        g_autofree char *uri = g_strdup_printf ("coaps://[::1]:%u/whoami", f->port);
        TestResult result;

        g_test_summary ("A server that lost its sessions (it restarted) drops the client's "
                        "records without a word: the request that gets no acknowledgement "
                        "ends the client's session, and the next one handshakes again; "
                        "also when the client is a context with a coaps bind of its own");
        if (data != NULL) {
                g_autoptr (CoapUdp6Credentials) credentials = coap_udp6_credentials_new ();
                g_autoptr (GBytes) key = bytes_of (KEY);
                g_autoptr (GError) error = NULL;

                coap_udp6_credentials_set_psk (credentials, "alice", key);
                coap_udp6_credentials_add_psk (credentials, "carol", key);
                client = new_coaps_server (credentials, &error);
                g_assert_no_error (error);
        } else {
                client = new_client ("alice", KEY);
        }
        g_object_set (client, "ack-timeout", 0.05, "max-retransmit", 2, NULL);
        request (client, uri, NULL, 10000, &result);
        g_assert_no_error (result.error);
        result_clear (&result);
        g_assert_cmpuint (coap_udp6_dtls_get_n_sessions (dtls_of (client)), ==, 1);
        coap_udp6_dtls_drop_sessions (dtls_of (f->server));
        request (client, uri, NULL, 10000, &result);
        g_assert_error (result.error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_TIMEOUT);
        result_clear (&result);
        g_assert_cmpuint (coap_udp6_dtls_get_n_sessions (dtls_of (client)), ==, 0);
        request (client, uri, NULL, 10000, &result);
        g_assert_no_error (result.error);
        g_assert_cmpuint (coap_udp6_message_get_code (result.response), ==, COAP_UDP6_CODE_CONTENT);
        result_clear (&result);
        g_assert_cmpuint (coap_udp6_dtls_get_n_sessions (dtls_of (f->server)), ==, 1);
}

static void
test_newer_session_kept (Fixture      *f,
                         gconstpointer data)
{
        g_autoptr (CoapUdp6Context) client = new_client ("alice", KEY);
        g_autofree char *uri = g_strdup_printf ("coaps://[::1]:%u/whoami", f->port);
        TestResult first, late, fresh, after;

        g_test_summary ("A request that went unacknowledged on the session before the "
                        "server restarted does not end the session another request made "
                        "since, which the server answers");
        /* Without randomness: A sends at 0, 0.2, 0.6 s and times out at 1.4 s;
         * B, from 0.5 s, sends at 0.5, 0.7, 1.1 s (all on the old session) and
         * times out at 1.9 s, after C made a new session at 1.4 s. */
        g_object_set (client, "ack-timeout", 0.2, "ack-random-factor", 1.0, "max-retransmit", 2,
                      "nstart", 4, NULL);
        request (client, uri, NULL, 10000, &first);
        g_assert_no_error (first.error);
        result_clear (&first);
        coap_udp6_dtls_drop_sessions (dtls_of (f->server));
        test_start_get (client, uri, NULL, &first);
        test_iterate_for (f->main_context, 500);
        test_start_get (client, uri, NULL, &late);
        g_assert_true (test_iterate_until_flag (f->main_context, &first.done, 5000));
        g_assert_error (first.error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_TIMEOUT);
        g_assert_false (late.done);
        request (client, uri, NULL, 10000, &fresh);
        g_assert_no_error (fresh.error);
        g_assert_true (test_iterate_until_flag (f->main_context, &late.done, 5000));
        g_assert_error (late.error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_TIMEOUT);
        g_assert_cmpuint (coap_udp6_dtls_get_n_sessions (dtls_of (client)), ==, 1);
        request (client, uri, NULL, 10000, &after);
        g_assert_no_error (after.error);
        g_assert_cmpuint (coap_udp6_dtls_get_n_sessions (dtls_of (f->server)), ==, 1);
        result_clear (&first);
        result_clear (&late);
        result_clear (&fresh);
        result_clear (&after);
}

#define LOSSY_REQUESTS 5

static void
test_handshake_through_loss (Fixture      *f,
                             gconstpointer data)
{
        g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
        g_autoptr (GSocketAddress) server_address = g_inet_socket_address_new (lo, f->port);
        g_autoptr (TestRelay) relay = test_relay_new (f->main_context, server_address, 0.3, 4121);
        guint relay_port = g_inet_socket_address_get_port (test_relay_get_address (relay));
        g_autoptr (CoapUdp6Context) client = new_client ("alice", KEY);
        g_autofree char *uri = g_strdup_printf ("coaps://[::1]:%u/whoami", relay_port);
        TestResult result;

        g_test_summary ("A PSK handshake and requests through a relay that loses 30 % of the "
                        "datagrams each way: DTLS retransmits its flights, CoAP its CON "
                        "requests, and every request is answered once");
        g_object_set (client, "ack-timeout", 0.2, "max-retransmit", 10, NULL);
        request (client, uri, NULL, 60000, &result);
        g_assert_no_error (result.error);
        g_assert_cmpuint (coap_udp6_message_get_code (result.response), ==, COAP_UDP6_CODE_CONTENT);
        result_clear (&result);
        g_assert_cmpuint (coap_udp6_dtls_get_n_sessions (dtls_of (f->server)), ==, 1);
        for (guint i = 0; i < LOSSY_REQUESTS; i++) {
                g_autofree char *payload = g_strdup_printf ("request %u", i);
                g_autofree char *expected = g_strdup_printf ("coaps alice request %u", i);
                g_autofree char *text = NULL;

                request (client, uri, payload, 60000, &result);
                g_assert_no_error (result.error);
                text = payload_text (result.response);
                g_assert_cmpstr (text, ==, expected);
                result_clear (&result);
        }
        /* The handshake held: all requests went through the one session. */
        g_assert_cmpuint (coap_udp6_dtls_get_n_sessions (dtls_of (f->server)), ==, 1);
        g_assert_cmpuint (f->whoami->calls, ==, 1 + LOSSY_REQUESTS);
        g_test_message ("%u of %u datagrams dropped", test_relay_get_dropped (relay),
                        test_relay_get_dropped (relay) + test_relay_get_forwarded (relay));
        g_assert_cmpuint (test_relay_get_dropped (relay), >, 0);
}

int
main (int   argc,
      char *argv[])
{
        test_init (&argc, &argv);
        if (!coap_udp6_credentials_is_supported ()) {
                g_test_skip ("built without GnuTLS");
                return g_test_run ();
        }
        g_test_add_func ("/dtls/psk-file", test_psk_file);
        g_test_add_func ("/dtls/server-needs-credentials", test_coaps_server_needs_credentials);
#define ADD(path, func) \
        g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
        ADD ("/dtls/psk-round-trip", test_psk_round_trip);
        ADD ("/dtls/identity-table", test_identity_table);
        ADD ("/dtls/wrong-key", test_wrong_key);
        ADD ("/dtls/unknown-identity", test_unknown_identity);
        ADD ("/dtls/no-credentials", test_no_credentials);
        ADD ("/dtls/multicast-refused", test_multicast_refused);
        ADD ("/dtls/port-unreachable", test_port_unreachable);
        ADD ("/dtls/unauthenticated-4.01", test_unauthenticated_gets_4_01);
        ADD ("/dtls/handshake-flood", test_handshake_flood);
        ADD ("/dtls/idle-close", test_idle_close);
        ADD ("/dtls/shutdown-closes", test_shutdown_closes);
        ADD ("/dtls/peer-restarts", test_peer_restarts);
        ADD ("/dtls/server-restarts", test_server_restarts);
        ADD ("/dtls/newer-session-kept", test_newer_session_kept);
        g_test_add ("/dtls/server-restarts-for-a-server", Fixture, "server", fixture_setup,
                    test_server_restarts, fixture_teardown);
        ADD ("/dtls/handshake-through-loss", test_handshake_through_loss);
#undef ADD
        return g_test_run ();
}
