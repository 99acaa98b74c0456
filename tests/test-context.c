/* test-context.c: the message layer, client and server, on loopback
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"
#include "test-relay.h"
#include "coap-udp6-context-private.h"
#include "coap-udp6-reuse-private.h"

#include <string.h>

/* A resource whose behaviour the test picks. */
#define TEST_TYPE_RESOURCE (test_resource_get_type ())
G_DECLARE_FINAL_TYPE (TestResource, test_resource, TEST, RESOURCE, CoapUdp6Resource)

typedef enum { MODE_HELLO, MODE_SLOW, MODE_COUNTER, MODE_DROP, MODE_ECHO, MODE_NESTED,
               MODE_KEEP } TestMode;

struct _TestResource {
        CoapUdp6Resource parent_instance;
        TestMode mode;
        guint calls;
        GHashTable *seen;                   /* payloads handled (MODE_COUNTER) */
        guint duplicates;
        gpointer last_request;              /* unowned: only compared */
        gpointer last_message;              /* unowned: only compared */
        guint slow_ms;                      /* MODE_SLOW's delay; 0: 50 ms */
        GSocket *peer;                      /* MODE_NESTED: unowned */
        GSocketAddress *peer_to;            /* MODE_NESTED: unowned */
        const char *peer_hex;               /* MODE_NESTED: sent while handling */
        CoapUdp6Context *server;            /* MODE_NESTED: unowned, counts the duplicate */
        CoapUdp6Message *kept_response;     /* MODE_KEEP: owned */
        GString *notified;                  /* MODE_KEEP: owned, "name," per notify */
};

G_DEFINE_FINAL_TYPE (TestResource, test_resource, COAP_UDP6_TYPE_RESOURCE)

static gboolean
server_saw_duplicate (gpointer data)
{
        TestResource *self = data;

        return coap_udp6_context_get_statistic (self->server, COAP_UDP6_STATISTIC_DUPLICATES) > 0;
}

static gboolean
slow_cb (gpointer data)
{
        coap_udp6_request_respond_code (data, COAP_UDP6_CODE_CONTENT, "slow");
        return G_SOURCE_REMOVE;
}

static void
record_notify (GObject    *object,
               GParamSpec *pspec,
               gpointer    user_data)
{
        g_string_append_printf (user_data, "%s,", pspec->name);
}

static void
test_resource_render (CoapUdp6Resource *resource,
                      CoapUdp6Request  *request)
{
        TestResource *self = TEST_RESOURCE (resource);
        GSource *source;

        self->calls++;
        self->last_request = request;
        self->last_message = coap_udp6_request_get_message (request);
        switch (self->mode) {
        case MODE_HELLO:
                coap_udp6_request_respond_code (request, COAP_UDP6_CODE_CONTENT, "hello");
                break;
        case MODE_SLOW:
                coap_udp6_request_defer (request);
                source = g_timeout_source_new (self->slow_ms != 0 ? self->slow_ms : 50);
                g_source_set_callback (source, slow_cb, g_object_ref (request), g_object_unref);
                g_source_attach (source, g_main_context_get_thread_default ());
                g_source_unref (source);
                break;
        case MODE_COUNTER:
                if (self->seen != NULL) {
                        GBytes *payload = coap_udp6_message_get_payload (coap_udp6_request_get_message (request));
                        char *key = g_strndup (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));

                        if (!g_hash_table_add (self->seen, key))
                                self->duplicates++;
                }
                coap_udp6_request_respond_code (request, COAP_UDP6_CODE_CHANGED, NULL);
                break;
        case MODE_DROP:
                break;
        case MODE_NESTED:
                /* The peer sends again while the handler iterates the main
                 * loop, before it answers. */
                test_raw_send_hex (self->peer, self->peer_to, self->peer_hex);
                test_iterate_until (g_main_context_get_thread_default (), server_saw_duplicate,
                                    self, 5000);
                coap_udp6_request_respond_code (request, COAP_UDP6_CODE_CHANGED, NULL);
                break;
        case MODE_KEEP:
                /* An application's own response message, kept to look at. */
                g_clear_object (&self->kept_response);
                self->kept_response = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_NON,
                                                             COAP_UDP6_CODE_CONTENT);
                g_signal_connect (self->kept_response, "notify", G_CALLBACK (record_notify),
                                  self->notified);
                coap_udp6_request_respond (request, self->kept_response);
                break;
        case MODE_ECHO: {
                GBytes *payload = coap_udp6_message_get_payload (coap_udp6_request_get_message (request));

                if (g_bytes_get_size (payload) > 0)
                        coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CONTENT, payload, 42);
                else
                        coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CHANGED, NULL, -1);
                break;
        }
        }
}

static void
test_resource_finalize (GObject *object)
{
        TestResource *self = TEST_RESOURCE (object);

        g_clear_object (&self->kept_response);
        g_string_free (self->notified, TRUE);
        G_OBJECT_CLASS (test_resource_parent_class)->finalize (object);
}

static void
test_resource_class_init (TestResourceClass *klass)
{
        G_OBJECT_CLASS (klass)->finalize = test_resource_finalize;
        COAP_UDP6_RESOURCE_CLASS (klass)->render = test_resource_render;
}

static void
test_resource_init (TestResource *self)
{
        self->notified = g_string_new (NULL);
}

typedef struct {
        GMainContext *main_context;
        CoapUdp6Context *server;
        TestResource *resources[7];
        GSocket *raw;                       /* [::1]:0, non-blocking */
        GSocketAddress *server_address;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
        const char *names[] = { "hello", "slow", "counter", "drop", "echo", "nested", "keep" };

        f->main_context = test_main_context_push ();
        f->server = test_loopback_server_new (&f->server_address);
        g_object_set (f->server, "ack-timeout", 0.05, "max-latency", 0.5, "default-leisure", 0.0, NULL);
        for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
                f->resources[i] = g_object_new (TEST_TYPE_RESOURCE, NULL);
                f->resources[i]->mode = i;
                coap_udp6_context_add_resource (f->server, names[i], COAP_UDP6_RESOURCE (f->resources[i]));
        }
        f->raw = test_raw_socket_new ();
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        g_clear_object (&f->server);
        for (guint i = 0; i < G_N_ELEMENTS (f->resources); i++)
                g_clear_object (&f->resources[i]);
        g_clear_object (&f->raw);
        g_clear_object (&f->server_address);
        test_main_context_pop (f->main_context);
}

static void
raw_send (Fixture    *f,
          const char *hex)
{
        test_raw_send_hex (f->raw, f->server_address, hex);
}

/* The next datagram as hex, or NULL after @ms. */
static gboolean
server_transmissions_done (gpointer data)
{
        Fixture *f = data;

        return g_hash_table_size (f->server->transmissions) == 0;
}

/* The server's socket is closed once a new one can take its port. */
static gboolean
port_is_free (gpointer data)
{
        Fixture *f = data;
        g_autoptr (GSocket) probe = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_DATAGRAM,
                                                  G_SOCKET_PROTOCOL_UDP, NULL);

        return probe != NULL && g_socket_bind (probe, f->server_address, FALSE, NULL);
}

static char *
raw_recv (Fixture *f,
          guint    ms)
{
        return test_raw_recv_hex (f->main_context, f->raw, ms);
}

/* coap://[::1]:PORT/x, PORT the raw socket's. */
static char *
raw_uri (Fixture *f)
{
        g_autoptr (GSocketAddress) address = g_socket_get_local_address (f->raw, NULL);

        return g_strdup_printf ("coap://[::1]:%u/x",
                                g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
}

static gboolean
raw_readable (gpointer data)
{
        return g_socket_condition_check (data, G_IO_IN) != 0;
}

static void
expect (Fixture    *f,
        const char *hex_out,
        const char *hex_in)
{
        g_autofree char *got = NULL;

        raw_send (f, hex_out);
        got = raw_recv (f, 1000);
        g_assert_cmpstr (got, ==, hex_in);
}

static void
expect_silence (Fixture    *f,
                const char *hex_out)
{
        g_autofree char *got = NULL;

        raw_send (f, hex_out);
        got = raw_recv (f, 100);
        g_assert_cmpstr (got, ==, NULL);
}

static void
test_rules_reset (Fixture      *f,
                  gconstpointer data)
{
        expect (f, "40001234", "70001234");              /* ping */
        expect (f, "42011235ab", "70001235");            /* token longer than the datagram */
        expect (f, "40201236", "70001236");              /* class 1 */
        expect (f, "40c01237", "70001237");              /* class 6 */
        expect (f, "40e01238", "70001238");              /* class 7 */
        expect (f, "41451239aa", "70001239");            /* a response nobody asked for */
}

static void
test_rules_silence (Fixture      *f,
                    gconstpointer data)
{
        expect_silence (f, "80011234");                  /* version 2 */
        expect_silence (f, "400112");                    /* under 4 bytes */
        expect_silence (f, "60451234");                  /* unmatched ACK */
        expect_silence (f, "70001234");                  /* RST */
        expect_silence (f, "51451234aa");                /* unmatched NON response */
        expect_silence (f, "50001234");                  /* empty NON */
        expect_silence (f, "62011234abcd");              /* broken ACK: never an RST */
}

static void
test_piggybacked (Fixture      *f,
                  gconstpointer data)
{
        /* CON GET /hello, token 0xaa → ACK 2.05 same MID, Content-Format 0, "hello". */
        expect (f, "41012000aab568656c6c6f", "61452000aac0ff68656c6c6f");
        /* 4.04, 4.05 (POST to .well-known/core), 4.02 (unknown critical option 25). */
        expect (f, "41012001aab46e6f6e6f", "61842001aa");
        expect (f, "41022002aabb2e77656c6c2d6b6e6f776e04636f7265", "61852002aa");
        expect (f, "411f2004aab568656c6c6f", "61852004aa");   /* method 0.31 */
}

static void
test_bad_option (Fixture      *f,
                 gconstpointer data)
{
        g_autofree char *got = NULL;

        /* Uri-Path "hello" (11), then option 25 (delta 14: 0xd0 0x01). */
        raw_send (f, "41012003aab568656c6c6fd001");
        got = raw_recv (f, 1000);
        g_assert_nonnull (got);
        g_assert_true (g_str_has_prefix (got, "61822003aa"));
        g_assert_cmpuint (f->resources[0]->calls, ==, 0);
}

static void
test_dropped_request (Fixture      *f,
                      gconstpointer data)
{
        /* A handler that lets the request go unanswered: 5.00, piggybacked. */
        expect (f, "41012010aab464726f70", "61a02010aa");
}

static void
new_server_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
        CoapUdp6Context **out = user_data;
        g_autoptr (GError) error = NULL;

        *out = coap_udp6_context_new_server_finish (result, &error);
        g_assert_no_error (error);
}

static gboolean
pointer_set (gpointer data)
{
        return *(gpointer *) data != NULL;
}

static void
test_new_server_async (Fixture      *f,
                       gconstpointer data)
{
        const char *binds[] = { "localhost:0", "[::1]:0", NULL };
        CoapUdp6Context *server = NULL;

        coap_udp6_context_new_server_async (binds, NULL, NULL, new_server_cb, &server);
        g_assert_true (test_iterate_until (f->main_context, pointer_set, &server, 5000));
        g_assert_cmpuint (server->interfaces->len, ==, 2);
        g_assert_cmpuint (coap_udp6_context_get_local_port (server), >, 0);
        g_object_unref (server);
}

static void
test_dedup (Fixture      *f,
            gconstpointer data)
{
        g_autofree char *first = NULL, *second = NULL;

        /* CON POST /counter twice with one MID: one call, identical replies. */
        raw_send (f, "42033000abcdb7636f756e746572");
        first = raw_recv (f, 1000);
        raw_send (f, "42033000abcdb7636f756e746572");
        second = raw_recv (f, 1000);
        g_assert_cmpstr (first, ==, "62443000abcd");
        g_assert_cmpstr (first, ==, second);
        g_assert_cmpuint (f->resources[2]->calls, ==, 1);
}

static void
test_dedup_nested (Fixture      *f,
                   gconstpointer data)
{
        const char *post = "42033100abcdb66e6573746564";  /* CON POST /nested */
        TestResource *nested = f->resources[MODE_NESTED];
        g_autofree char *first = NULL, *again = NULL;

        /* The duplicate arrives while the handler runs a nested main loop
         * and has not answered yet: it is recognised and dropped. */
        nested->peer = f->raw;
        nested->peer_to = f->server_address;
        nested->peer_hex = post;
        nested->server = f->server;
        raw_send (f, post);
        first = raw_recv (f, 1000);
        g_assert_cmpstr (first, ==, "62443100abcd");
        g_assert_cmpuint (nested->calls, ==, 1);
        g_assert_null (raw_recv (f, 100));
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_DUPLICATES), ==, 1);
        /* Afterwards the cached reply answers it. */
        raw_send (f, post);
        again = raw_recv (f, 1000);
        g_assert_cmpstr (again, ==, first);
        g_assert_cmpuint (nested->calls, ==, 1);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_DUPLICATES), ==, 2);
}

static void
test_respond_in_place (Fixture      *f,
                       gconstpointer data)
{
        TestResource *keep = f->resources[MODE_KEEP];
        g_autofree char *reply = NULL;
        g_autofree char *remote = NULL;
        g_autofree char *raw_hostport = NULL;
        g_autoptr (GSocketAddress) raw_address = NULL;
        GBytes *token;

        g_test_summary ("respond() sets the type, message ID, token and remote of an "
                        "application's message in place, with notify signals");
        raw_send (f, "42013200abcdb46b656570");       /* CON GET /keep, token abcd */
        reply = raw_recv (f, 1000);
        g_assert_cmpstr (reply, ==, "62453200abcd");
        g_assert_nonnull (keep->kept_response);
        g_assert_cmpint (coap_udp6_message_get_mtype (keep->kept_response), ==,
                         COAP_UDP6_MESSAGE_TYPE_ACK);
        g_assert_cmpuint (coap_udp6_message_get_mid (keep->kept_response), ==, 0x3200);
        token = coap_udp6_message_get_token (keep->kept_response);
        g_assert_cmpmem (g_bytes_get_data (token, NULL), g_bytes_get_size (token), "\xab\xcd", 2);
        remote = coap_udp6_endpoint_address_to_string (
                coap_udp6_message_get_remote (keep->kept_response));
        raw_address = g_socket_get_local_address (f->raw, NULL);
        raw_hostport = g_strdup_printf ("[::1]:%u ", g_inet_socket_address_get_port (
                                                G_INET_SOCKET_ADDRESS (raw_address)));
        g_assert_nonnull (strstr (remote, raw_hostport));
        g_assert_cmpstr (keep->notified->str, ==, "token,mtype,mid,remote,");
}

static void
test_non_fresh_mid (Fixture      *f,
                    gconstpointer data)
{
        g_autofree char *got = NULL;

        raw_send (f, "51014000aab568656c6c6f");
        got = raw_recv (f, 1000);
        g_assert_nonnull (got);
        g_assert_true (g_str_has_prefix (got, "5145"));
        g_assert_false (g_str_has_prefix (got, "51454000"));
}

static void
test_separate (Fixture      *f,
               gconstpointer data)
{
        g_autofree char *ack = NULL, *response = NULL, *again = NULL, *dup = NULL;
        g_autofree char *ack_hex = NULL;

        raw_send (f, "41015000aab4736c6f77");
        ack = raw_recv (f, 1000);
        g_assert_cmpstr (ack, ==, "60005000");
        /* A duplicate now gets the empty ACK again. */
        raw_send (f, "41015000aab4736c6f77");
        dup = raw_recv (f, 1000);
        g_assert_cmpstr (dup, ==, "60005000");
        response = raw_recv (f, 1000);
        g_assert_nonnull (response);
        g_assert_true (g_str_has_prefix (response, "4145"));
        g_assert_cmpuint (f->resources[1]->calls, ==, 1);
        /* Unacknowledged, the CON response is retransmitted byte for byte. */
        again = raw_recv (f, 1000);
        g_assert_cmpstr (again, ==, response);
        ack_hex = g_strdup_printf ("6000%.4s", response + 4);
        raw_send (f, ack_hex);
        g_assert_true (test_iterate_until (f->main_context, server_transmissions_done, f, 5000));
        while (g_socket_condition_check (f->raw, G_IO_IN))
                g_free (raw_recv (f, 10));
        g_assert_null (raw_recv (f, 300));
}

static void
test_no_response (Fixture      *f,
                  gconstpointer data)
{
        /* NON GET /hello with No-Response 2 (option 258: 0xd1 0xf4... via delta 247). */
        expect_silence (f, "51016000aab568656c6c6fd1ea02");
}

static void
test_well_known_core (Fixture      *f,
                      gconstpointer data)
{
        g_autofree char *links = NULL;

        coap_udp6_resource_set_resource_type (COAP_UDP6_RESOURCE (f->resources[0]), "greeting");
        links = coap_udp6_context_get_link_format (f->server, "greeting");
        g_assert_cmpstr (links, ==, "</hello>;rt=\"greeting\"");
        g_free (links);
        links = coap_udp6_context_get_link_format (f->server, "gree*");
        g_assert_cmpstr (links, ==, "</hello>;rt=\"greeting\"");
        g_free (links);
        links = coap_udp6_context_get_link_format (f->server, NULL);
        g_assert_cmpstr (links, ==, "</counter>,</drop>,</echo>,</hello>;rt=\"greeting\",</keep>,</nested>,</slow>");
}


static CoapUdp6Context *
new_client (void)
{
        g_autoptr (GError) error = NULL;
        CoapUdp6Context *client = coap_udp6_context_new_client (&error);

        g_assert_no_error (error);
        g_object_set (client, "ack-timeout", 0.05, "max-retransmit", 2, "max-latency", 0.5, NULL);
        return client;
}

static CoapUdp6Message *
new_request (const char *uri,
             CoapUdp6MessageType mtype)
{
        CoapUdp6Message *request = coap_udp6_message_new (mtype, COAP_UDP6_CODE_GET);
        g_autoptr (GError) error = NULL;

        coap_udp6_message_set_request_uri (request, uri, &error);
        g_assert_no_error (error);
        return request;
}

static void
test_client_get (Fixture      *f,
                 gconstpointer data)
{
        g_autoptr (CoapUdp6Context) client = new_client ();
        const char *paths[] = { "hello", "slow" };

        for (guint i = 0; i < G_N_ELEMENTS (paths); i++) {
                g_autofree char *uri = g_strdup_printf ("coap://[::1]:%u/%s",
                                                        coap_udp6_context_get_local_port (f->server),
                                                        paths[i]);
                g_autoptr (CoapUdp6Message) request = new_request (uri, COAP_UDP6_MESSAGE_TYPE_CON);
                TestResult r = { 0 };
                GBytes *payload;

                coap_udp6_context_request_async (client, request, NULL, test_request_cb, &r);
                g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 5000));
                g_assert_no_error (r.error);
                g_assert_cmpuint (coap_udp6_message_get_code (r.response), ==, COAP_UDP6_CODE_CONTENT);
                payload = coap_udp6_message_get_payload (r.response);
                g_assert_cmpmem (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload),
                                 paths[i], strlen (paths[i]));
                g_clear_object (&r.response);
        }
        /* The client acknowledged the separate CON response: no retransmission left. */
        g_assert_true (test_iterate_until (f->main_context, server_transmissions_done, f, 5000));
}

static guint
get_code (Fixture         *f,
          CoapUdp6Context *client,
          const char      *path)
{
        g_autofree char *uri = g_strdup_printf ("coap://[::1]:%u/%s",
                                                coap_udp6_context_get_local_port (f->server), path);
        g_autoptr (CoapUdp6Message) request = new_request (uri, COAP_UDP6_MESSAGE_TYPE_CON);
        TestResult r = { 0 };
        guint code;

        coap_udp6_context_request_async (client, request, NULL, test_request_cb, &r);
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 5000));
        g_assert_no_error (r.error);
        code = coap_udp6_message_get_code (r.response);
        g_clear_object (&r.response);
        return code;
}

static void
test_long_path (Fixture      *f,
                gconstpointer data)
{
        g_autoptr (CoapUdp6Context) client = new_client ();
        g_autofree char *segment = g_strnfill (200, 'x');
        g_autofree char *path = g_strconcat ("a/", segment, "/", segment, "/end", NULL);
        g_autofree char *other = g_strconcat ("a/", segment, "/", segment, "/enD", NULL);

        g_test_summary ("Resources are found by their whole path, however long");
        coap_udp6_context_add_resource (f->server, path, COAP_UDP6_RESOURCE (f->resources[0]));
        g_assert_cmpuint (get_code (f, client, path), ==, COAP_UDP6_CODE_CONTENT);
        g_assert_cmpuint (get_code (f, client, other), ==, COAP_UDP6_CODE_NOT_FOUND);
        g_assert_cmpuint (get_code (f, client, "a"), ==, COAP_UDP6_CODE_NOT_FOUND);
        g_assert_cmpuint (get_code (f, client, "hello"), ==, COAP_UDP6_CODE_CONTENT);
        g_assert_cmpuint (get_code (f, client, ""), ==, COAP_UDP6_CODE_NOT_FOUND);
        /* Around the length of the server's stack buffer (256 with the NUL). */
        for (guint n = 252; n <= 255; n += 2) {
                g_autofree char *x = g_strnfill (n, 'x');
                g_autofree char *served = g_strconcat ("a/", x, NULL);
                g_autofree char *longer = g_strconcat ("a/", x, "x", NULL);

                coap_udp6_context_add_resource (f->server, served, COAP_UDP6_RESOURCE (f->resources[0]));
                g_assert_cmpuint (get_code (f, client, served), ==, COAP_UDP6_CODE_CONTENT);
                g_assert_cmpuint (get_code (f, client, longer), ==, COAP_UDP6_CODE_NOT_FOUND);
        }
}

static void
test_respond_payload (Fixture      *f,
                      gconstpointer data)
{
        g_autoptr (CoapUdp6Context) client = new_client ();
        g_autofree char *uri = g_strdup_printf ("coap://[::1]:%u/echo",
                                                coap_udp6_context_get_local_port (f->server));
        const char *payloads[] = { "xyz", NULL, "hello again", NULL };

        g_test_summary ("respond_payload sets code, payload and Content-Format, and "
                        "nothing of one response leaks into the next");
        for (guint i = 0; i < G_N_ELEMENTS (payloads); i++) {
                g_autoptr (CoapUdp6Message) request = new_request (uri, COAP_UDP6_MESSAGE_TYPE_CON);
                TestResult r = { 0 };
                GBytes *got;
                guint content_format;

                coap_udp6_message_set_code (request, COAP_UDP6_CODE_POST);
                if (payloads[i] != NULL) {
                        g_autoptr (GBytes) payload = g_bytes_new_static (payloads[i], strlen (payloads[i]));

                        coap_udp6_message_set_payload (request, payload);
                }
                coap_udp6_context_request_async (client, request, NULL, test_request_cb, &r);
                g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 5000));
                g_assert_no_error (r.error);
                got = coap_udp6_message_get_payload (r.response);
                if (payloads[i] != NULL) {
                        g_assert_cmpuint (coap_udp6_message_get_code (r.response), ==, COAP_UDP6_CODE_CONTENT);
                        g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got),
                                         payloads[i], strlen (payloads[i]));
                        g_assert_true (coap_udp6_message_get_content_format (r.response, &content_format));
                        g_assert_cmpuint (content_format, ==, 42);
                } else {
                        g_assert_cmpuint (coap_udp6_message_get_code (r.response), ==, COAP_UDP6_CODE_CHANGED);
                        g_assert_cmpuint (g_bytes_get_size (got), ==, 0);
                        g_assert_false (coap_udp6_message_get_content_format (r.response, NULL));
                }
                g_clear_object (&r.response);
        }
}

static void
test_request_reuse (Fixture      *f,
                    gconstpointer data)
{
        g_autoptr (CoapUdp6Context) client = new_client ();
        g_autoptr (CoapUdp6Context) other_client = new_client ();
        g_autofree char *uri = g_strdup_printf ("coap://[::1]:%u/slow",
                                                coap_udp6_context_get_local_port (f->server));
        g_autoptr (CoapUdp6Message) slow = new_request (uri, COAP_UDP6_MESSAGE_TYPE_CON);
        TestResource *hello = f->resources[MODE_HELLO];
        TestResource *slow_resource = f->resources[MODE_SLOW];
        gpointer request, message;
        TestResult r = { 0 };
        guint n_properties = 0;
        g_autofree GParamSpec **properties = NULL;

        g_test_summary ("A request and its message that nothing kept serve the next "
                        "request; ones kept for a separate response are left alone");
        if (!coap_udp6_reuse_enabled ()) {
                g_test_skip ("object reuse is off (COAP_UDP6_NO_REUSE)");
                return;
        }
        g_assert_cmpuint (get_code (f, client, "hello"), ==, COAP_UDP6_CODE_CONTENT);
        request = hello->last_request;
        message = hello->last_message;
        g_assert_cmpuint (get_code (f, client, "hello"), ==, COAP_UDP6_CODE_CONTENT);
        g_assert_true (hello->last_request == request);
        g_assert_true (hello->last_message == message);
        /* coap-udp6-reuse.c does not look for notify handlers on a
         * request because it has no property to notify. */
        properties = g_object_class_list_properties (g_type_class_peek (COAP_UDP6_TYPE_REQUEST),
                                                     &n_properties);
        g_assert_cmpuint (n_properties, ==, 0);

        /* The slow resource keeps its request until it responds. */
        slow_resource->slow_ms = 1000;
        coap_udp6_context_request_async (client, slow, NULL, test_request_cb, &r);
        while (slow_resource->calls == 0)
                g_main_context_iteration (f->main_context, TRUE);
        g_assert_true (slow_resource->last_request == request);
        /* Another client: NSTART 1 would queue this one behind the slow one. */
        g_assert_cmpuint (get_code (f, other_client, "hello"), ==, COAP_UDP6_CODE_CONTENT);
        g_assert_false (r.done);
        g_assert_true (hello->last_request != slow_resource->last_request);
        g_assert_true (hello->last_message != slow_resource->last_message);
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 5000));
        g_assert_no_error (r.error);
        g_assert_cmpmem (g_bytes_get_data (coap_udp6_message_get_payload (r.response), NULL),
                         g_bytes_get_size (coap_udp6_message_get_payload (r.response)), "slow", 4);
        g_clear_object (&r.response);
}

static void
test_client_retransmit (Fixture      *f,
                        gconstpointer data)
{
        CoapUdp6Context *client = new_client ();
        gpointer iface;
        g_autoptr (CoapUdp6Message) request = NULL;
        g_autofree char *uri = NULL;
        g_autofree char *first = NULL;
        gint64 last;
        TestResult r = { 0 };

        uri = raw_uri (f);
        request = new_request (uri, COAP_UDP6_MESSAGE_TYPE_CON);
        coap_udp6_context_request_async (client, request, NULL, test_request_cb, &r);
        first = raw_recv (f, 1000);
        g_assert_nonnull (first);
        last = g_get_monotonic_time ();
        for (guint i = 0; i < 2; i++) {
                g_autofree char *again = raw_recv (f, 2000);
                gint64 now = g_get_monotonic_time ();
                /* ACK_TIMEOUT 50 ms, random factor 1.5, doubled each time. */
                gint64 low = 50000 * (1 << i), high = 75000 * (1 << i) + 40000;

                g_assert_cmpstr (again, ==, first);
                g_assert_cmpint (now - last, >=, low - 5000);
                g_assert_cmpint (now - last, <=, high);
                last = now;
        }
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 5000));
        g_assert_error (r.error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_TIMEOUT);
        g_assert_null (raw_recv (f, 100));
        g_clear_error (&r.error);
        /* The timeout keeps no reference to the context or its interface. */
        g_assert_cmpuint (client->interfaces->len, ==, 1);
        iface = g_ptr_array_index (client->interfaces, 0);
        g_object_add_weak_pointer (G_OBJECT (iface), &iface);
        g_object_add_weak_pointer (G_OBJECT (client), (gpointer *) &client);
        g_object_unref (client);
        test_iterate_for (f->main_context, 10);
        g_assert_null (client);
        g_assert_null (iface);
}

static gint64
fake_clock (gpointer data)
{
        return *(gint64 *) data;
}

static void
test_client_long_timeouts (Fixture      *f,
                           gconstpointer data)
{
        g_autoptr (CoapUdp6Context) client = new_client ();
        g_autoptr (CoapUdp6Message) request = NULL;
        g_autofree char *uri = NULL;
        g_autofree char *first = NULL;
        TestResult r = { 0 };
        gint64 now = G_USEC_PER_SEC;
        gint64 wait = (gint64) 3600 * G_USEC_PER_SEC;

        g_test_summary ("The largest ACK_TIMEOUT doubles through 14 retransmissions without "
                        "overflowing: each comes after twice the wait of the one before "
                        "(an injected clock)");
        g_object_set (client, "ack-timeout", 3600.0, "ack-random-factor", 1.0,
                      "max-retransmit", 14, NULL);
        coap_udp6_context_set_clock (client, fake_clock, &now);
        uri = raw_uri (f);
        request = new_request (uri, COAP_UDP6_MESSAGE_TYPE_CON);
        coap_udp6_context_request_async (client, request, NULL, test_request_cb, &r);
        first = raw_recv (f, 1000);
        g_assert_nonnull (first);
        for (guint i = 0; i < 14; i++) {
                g_autofree char *again = NULL;

                now += wait - G_USEC_PER_SEC;
                coap_udp6_context_run_due_timers (client);
                g_assert_null (raw_recv (f, 20));
                now += G_USEC_PER_SEC;
                coap_udp6_context_run_due_timers (client);
                again = raw_recv (f, 1000);
                g_assert_cmpstr (again, ==, first);
                wait *= 2;
        }
        g_assert_false (r.done);
        coap_udp6_context_shutdown_async (client, NULL, NULL, NULL);
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 5000));
        g_clear_error (&r.error);
}

static void
test_client_reset_and_cancel (Fixture      *f,
                              gconstpointer data)
{
        g_autoptr (CoapUdp6Context) client = new_client ();
        g_autoptr (GCancellable) cancellable = g_cancellable_new ();
        g_autoptr (CoapUdp6Message) request = NULL;
        g_autoptr (GSocketAddress) from = NULL;
        g_autofree char *uri = NULL;
        TestResult r = { 0 }, c = { 0 };
        guint8 buf[256];
        gssize n;

        uri = raw_uri (f);
        request = new_request (uri, COAP_UDP6_MESSAGE_TYPE_CON);
        coap_udp6_context_request_async (client, request, NULL, test_request_cb, &r);
        g_assert_true (test_iterate_until (f->main_context, raw_readable, f->raw, 1000));
        n = g_socket_receive_from (f->raw, &from, (char *) buf, sizeof buf, NULL, NULL);
        g_assert_cmpint (n, >=, 4);
        buf[0] = 0x70;
        buf[1] = 0;
        g_socket_send_to (f->raw, from, (char *) buf, 4, NULL, NULL);
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 1000));
        g_assert_error (r.error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_RESET);
        g_clear_error (&r.error);

        coap_udp6_context_request_async (client, request, cancellable, test_request_cb, &c);
        g_free (raw_recv (f, 1000));
        g_cancellable_cancel (cancellable);
        g_assert_true (test_iterate_until_flag (f->main_context, &c.done, 1000));
        g_assert_error (c.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
        g_assert_null (raw_recv (f, 300));
        g_clear_error (&c.error);
}

static void
test_client_refused (Fixture      *f,
                     gconstpointer data)
{
        g_autoptr (CoapUdp6Context) client = new_client ();
        g_autoptr (CoapUdp6Message) request = NULL;
        g_autofree char *uri = NULL;
        guint port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (f->server_address));
        TestResult r = { 0 };

        g_clear_object (&f->server);
        g_assert_true (test_iterate_until (f->main_context, port_is_free, f, 5000));
        uri = g_strdup_printf ("coap://[::1]:%u/x", port);
        request = new_request (uri, COAP_UDP6_MESSAGE_TYPE_CON);
        coap_udp6_context_request_async (client, request, NULL, test_request_cb, &r);
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 2000));
        g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
        g_clear_error (&r.error);
}

static void
test_client_nstart (Fixture      *f,
                    gconstpointer data)
{
        g_autoptr (CoapUdp6Context) client = new_client ();
        g_autoptr (CoapUdp6Message) request = NULL;
        g_autoptr (GSocketAddress) from = NULL;
        g_autofree char *uri = NULL;
        TestResult r1 = { 0 }, r2 = { 0 };
        guint8 buf[256];
        gssize n;

        g_object_set (client, "ack-timeout", 1.0, NULL);
        uri = raw_uri (f);
        request = new_request (uri, COAP_UDP6_MESSAGE_TYPE_CON);
        coap_udp6_context_request_async (client, request, NULL, test_request_cb, &r1);
        coap_udp6_context_request_async (client, request, NULL, test_request_cb, &r2);
        g_assert_true (test_iterate_until (f->main_context, raw_readable, f->raw, 1000));
        n = g_socket_receive_from (f->raw, &from, (char *) buf, sizeof buf, NULL, NULL);
        g_assert_cmpint (n, >=, 4);
        /* NSTART = 1: the second request waits. */
        g_assert_null (raw_recv (f, 200));
        buf[0] = 0x60 | (buf[0] & 0x0f);
        buf[1] = COAP_UDP6_CODE_CONTENT;
        g_socket_send_to (f->raw, from, (char *) buf, 4 + (buf[0] & 0x0f), NULL, NULL);
        g_assert_true (test_iterate_until_flag (f->main_context, &r1.done, 1000));
        g_assert_no_error (r1.error);
        g_clear_object (&r1.response);
        g_free (raw_recv (f, 1000));
        coap_udp6_context_shutdown_async (client, NULL, NULL, NULL);
        g_assert_true (test_iterate_until_flag (f->main_context, &r2.done, 1000));
        g_assert_error (r2.error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_SHUT_DOWN);
        g_clear_error (&r2.error);
}

/* Feeds @hex to the server as if it arrived on ff02::fd from the raw socket. */
static void
inject_multicast (Fixture    *f,
                  const char *hex)
{
        g_autoptr (GBytes) bytes = test_bytes_from_hex (hex);
        g_autoptr (GInetAddress) group = g_inet_address_new_from_string ("ff02::fd");
        g_autoptr (CoapUdp6Pktinfo) pktinfo = coap_udp6_pktinfo_new (group, 1);
        g_autoptr (GSocketAddress) raw_address = g_socket_get_local_address (f->raw, NULL);
        g_autoptr (CoapUdp6EndpointAddress) remote = NULL;
        g_autoptr (CoapUdp6Message) message = NULL;
        g_autoptr (GError) error = NULL;

        remote = coap_udp6_endpoint_address_new (G_INET_SOCKET_ADDRESS (raw_address),
                                                  g_ptr_array_index (f->server->interfaces, 0),
                                                  pktinfo);
        g_assert_true (coap_udp6_endpoint_address_is_multicast_locally (remote));
        message = coap_udp6_message_decode (bytes, remote, &error);
        if (message == NULL) {
                coap_udp6_message_manager_dispatch_unparsable (COAP_UDP6_MESSAGE_MANAGER (f->server),
                                                               bytes, remote, error);
                return;
        }
        coap_udp6_message_manager_dispatch_message (COAP_UDP6_MESSAGE_MANAGER (f->server), message);
}

static void
test_multicast_server (Fixture      *f,
                       gconstpointer data)
{
        g_autofree char *got = NULL;
        gint64 start;

        g_object_set (f->server, "default-leisure", 0.2, NULL);
        /* Never an RST for anything that arrived by multicast. */
        inject_multicast (f, "40001234");
        inject_multicast (f, "42011235ab");
        inject_multicast (f, "40e01236");
        /* Errors are suppressed. */
        inject_multicast (f, "51017000aab46e6f6e6f");
        g_assert_null (raw_recv (f, 300));
        /* A success is NON with a fresh MID, from a unicast address. */
        start = g_get_monotonic_time ();
        inject_multicast (f, "51017001aab568656c6c6f");
        got = raw_recv (f, 1000);
        g_assert_nonnull (got);
        g_assert_true (g_str_has_prefix (got, "5145"));
        g_assert_false (g_str_has_prefix (got, "51457001"));
        g_assert_cmpint (g_get_monotonic_time () - start, <=, 600000);
}

static void
test_limits (Fixture      *f,
             gconstpointer data)
{
        g_autoptr (CoapUdp6Context) client = new_client ();
        g_autoptr (CoapUdp6Message) request = NULL;
        g_autofree char *uri = NULL;
        TestResult r[3] = { { 0 } };

        g_object_set (client, "max-exchanges", 2, "ack-timeout", 5.0, NULL);
        uri = raw_uri (f);
        request = new_request (uri, COAP_UDP6_MESSAGE_TYPE_CON);
        for (guint i = 0; i < 3; i++)
                coap_udp6_context_request_async (client, request, NULL, test_request_cb, &r[i]);
        g_assert_true (test_iterate_until_flag (f->main_context, &r[2].done, 1000));
        g_assert_error (r[2].error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_LIMIT_REACHED);
        g_clear_error (&r[2].error);

        /* The dedup table forgets the oldest beyond its limit. */
        g_object_set (f->server, "max-dedup-entries", 4, NULL);
        test_expect_warnings ("The deduplication table is full*");
        for (guint i = 0; i < 10; i++) {
                g_autofree char *hex = g_strdup_printf ("420380%02xabcdb7636f756e746572", i);
                g_autofree char *got = NULL;

                raw_send (f, hex);
                got = raw_recv (f, 1000);
                g_assert_nonnull (got);
        }
        g_assert_cmpuint (test_end_expect_warnings (), ==, 1);
        g_assert_cmpuint (g_hash_table_size (f->server->dedup), <=, 4);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_DEDUP_ENTRIES),
                          <=, 4);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_DEDUP_EVICTIONS),
                          >=, 6);

        coap_udp6_context_shutdown_async (client, NULL, NULL, NULL);
        g_assert_true (test_iterate_until_flag (f->main_context, &r[1].done, 1000));
        g_assert_true (r[0].done);
        g_assert_error (r[0].error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_SHUT_DOWN);
        g_assert_error (r[1].error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_SHUT_DOWN);
        g_clear_error (&r[0].error);
        g_clear_error (&r[1].error);
}

static void
test_icmp_fails_all (Fixture      *f,
                     gconstpointer data)
{
        g_autoptr (CoapUdp6Context) client = new_client ();
        g_autoptr (CoapUdp6Message) request = NULL;
        g_autofree char *uri = NULL;
        guint port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (f->server_address));
        TestResult r[3] = { { 0 } };

        g_clear_object (&f->server);
        g_assert_true (test_iterate_until (f->main_context, port_is_free, f, 5000));
        g_object_set (client, "nstart", 1, NULL);
        uri = g_strdup_printf ("coap://[::1]:%u/x", port);
        request = new_request (uri, COAP_UDP6_MESSAGE_TYPE_CON);
        for (guint i = 0; i < 3; i++)
                coap_udp6_context_request_async (client, request, NULL, test_request_cb, &r[i]);
        g_assert_true (test_iterate_until_flag (f->main_context, &r[0].done, 2000));
        /* The queued ones failed with the same ICMP error, not after retransmissions. */
        for (guint i = 0; i < 3; i++) {
                g_assert_true (r[i].done);
                g_assert_error (r[i].error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
                g_clear_error (&r[i].error);
        }
}

static void
collect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
        GPtrArray **out = user_data;
        g_autoptr (GError) error = NULL;

        *out = coap_udp6_context_request_multicast_finish (COAP_UDP6_CONTEXT (source), result, &error);
        g_assert_no_error (error);
}

static void
count_signal (CoapUdp6Context *context,
              CoapUdp6Message *response,
              gpointer         user_data)
{
        (*(guint *) user_data)++;
}

static gboolean
array_set (gpointer data)
{
        return *(GPtrArray **) data != NULL;
}

static void
test_collect (Fixture      *f,
              gconstpointer data)
{
        g_autoptr (CoapUdp6Context) client = new_client ();
        g_autoptr (CoapUdp6Message) request = NULL;
        g_autofree char *uri = NULL;
        GPtrArray *responses = NULL;
        guint signals = 0;

        uri = g_strdup_printf ("coap://[::1]:%u/hello", coap_udp6_context_get_local_port (f->server));
        request = new_request (uri, COAP_UDP6_MESSAGE_TYPE_NON);
        g_signal_connect (client, "multicast-response", G_CALLBACK (count_signal), &signals);
        coap_udp6_context_request_multicast_async (client, request, 200, NULL, collect_cb, &responses);
        g_assert_true (test_iterate_until (f->main_context, array_set, &responses, 2000));
        g_assert_cmpuint (responses->len, ==, 1);
        g_assert_cmpuint (signals, ==, 1);
        g_assert_cmpuint (coap_udp6_message_get_code (g_ptr_array_index (responses, 0)), ==,
                          COAP_UDP6_CODE_CONTENT);
        g_ptr_array_unref (responses);
}

#define LOSS_EXCHANGES 1000

typedef struct {
        guint done;
        guint succeeded;
        guint timed_out;
} LossResult;

static void
loss_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
        LossResult *r = user_data;
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Message) response = NULL;

        response = coap_udp6_context_request_finish (COAP_UDP6_CONTEXT (source), result, &error);
        r->done++;
        if (response != NULL && coap_udp6_message_get_code (response) == COAP_UDP6_CODE_CHANGED)
                r->succeeded++;
        else if (g_error_matches (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_TIMEOUT))
                r->timed_out++;
}

static gboolean
loss_all_done (gpointer data)
{
        return ((LossResult *) data)->done == LOSS_EXCHANGES;
}

static void
test_loss (Fixture      *f,
           gconstpointer data)
{
        g_autoptr (CoapUdp6Context) client = new_client ();
        g_autoptr (TestRelay) relay = test_relay_new (f->main_context, f->server_address, 0.3, 4242);
        TestResource *counter = f->resources[2];
        LossResult r = { 0 };
        g_autofree char *uri = NULL;
        GInetSocketAddress *relay_address = test_relay_get_address (relay);

        counter->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
        g_object_set (f->server, "ack-timeout", 0.02, "max-latency", 0.1, NULL);
        g_object_set (client, "ack-timeout", 0.02, "max-retransmit", 4, "max-latency", 0.1,
                      "nstart", 8, NULL);
        uri = g_strdup_printf ("coap://[::1]:%u/counter", g_inet_socket_address_get_port (relay_address));
        for (guint i = 0; i < LOSS_EXCHANGES; i++) {
                g_autoptr (CoapUdp6Message) request = new_request (uri, COAP_UDP6_MESSAGE_TYPE_CON);
                g_autofree char *text = g_strdup_printf ("%u", i);
                g_autoptr (GBytes) payload = g_bytes_new (text, strlen (text));

                coap_udp6_message_set_code (request, COAP_UDP6_CODE_POST);
                coap_udp6_message_set_payload (request, payload);
                coap_udp6_context_request_async (client, request, NULL, loss_cb, &r);
        }
        g_assert_true (test_iterate_until (f->main_context, loss_all_done, &r, 300000));
        /* Each attempt succeeds with 0.7 * 0.7; five attempts all fail with
         * 0.51^5 ≈ 3.45 %: 965.5 of 1000 succeed on average, σ ≈ 5.8; the
         * bounds are four σ either side. */
        g_test_message ("%u succeeded, %u timed out, %u handled, %u dropped", r.succeeded,
                        r.timed_out, g_hash_table_size (counter->seen), test_relay_get_dropped (relay));
        g_assert_cmpuint (r.succeeded + r.timed_out, ==, LOSS_EXCHANGES);
        g_assert_cmpuint (r.succeeded, >=, 942);
        g_assert_cmpuint (r.succeeded, <=, 989);
        g_assert_cmpuint (counter->duplicates, ==, 0);
        g_assert_cmpuint (g_hash_table_size (counter->seen), >=, r.succeeded);
        g_assert_cmpuint (coap_udp6_context_get_statistic (client, COAP_UDP6_STATISTIC_EXCHANGES), ==, 0);
        g_assert_cmpuint (coap_udp6_context_get_statistic (client, COAP_UDP6_STATISTIC_TIMERS), ==, 0);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_DUPLICATES), >, 0);
        g_clear_pointer (&counter->seen, g_hash_table_unref);
}

int
main (int   argc,
      char *argv[])
{
        test_init (&argc, &argv);

        if (!test_have_ipv6 ()) {
                g_test_skip ("no IPv6 loopback");
                return g_test_run ();
        }
#define ADD(name, func) g_test_add ("/context/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
        ADD ("rules/reset", test_rules_reset);
        ADD ("rules/silence", test_rules_silence);
        ADD ("server/piggybacked", test_piggybacked);
        ADD ("server/bad-option", test_bad_option);
        ADD ("server/dedup", test_dedup);
        ADD ("server/dedup-nested", test_dedup_nested);
        ADD ("server/respond-in-place", test_respond_in_place);
        ADD ("server/dropped-request", test_dropped_request);
        ADD ("server/new-async", test_new_server_async);
        ADD ("server/non-fresh-mid", test_non_fresh_mid);
        ADD ("server/separate", test_separate);
        ADD ("server/no-response", test_no_response);
        ADD ("server/well-known-core", test_well_known_core);
        ADD ("server/long-path", test_long_path);
        ADD ("server/request-reuse", test_request_reuse);
        ADD ("server/respond-payload", test_respond_payload);
        ADD ("client/get", test_client_get);
        ADD ("client/retransmit", test_client_retransmit);
        ADD ("client/long-timeouts", test_client_long_timeouts);
        ADD ("client/reset-and-cancel", test_client_reset_and_cancel);
        ADD ("client/refused", test_client_refused);
        ADD ("client/nstart", test_client_nstart);
        ADD ("client/loss", test_loss);
        ADD ("server/multicast", test_multicast_server);
        ADD ("client/limits-and-shutdown", test_limits);
        ADD ("client/icmp-fails-all", test_icmp_fails_all);
        ADD ("client/collect", test_collect);
        return g_test_run ();
}
