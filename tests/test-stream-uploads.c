/* test-stream-uploads.c: a resource with stream-uploads reads a block-wise
 * upload as a stream while the blocks arrive, on loopback
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"

#include <string.h>

typedef struct {
        GMainContext *main_context;
        CoapUdp6Context *server;
        CoapUdp6Context *client;
        CoapUdp6Resource *sink;
        guint server_port;
        /* What the resource saw. */
        guint calls;
        gboolean payload_empty;
        GByteArray *received;
        guint reads;
        gsize first_read;
        gboolean ended;
        GError *read_error;
        gboolean respond_early;
        CoapUdp6Request *request;           /* owned while it reads */
} Fixture;

static void read_next (Fixture *f);

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
        Fixture *f = user_data;
        g_autoptr (GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result,
                                                                      &f->read_error);
        g_autofree char *text = NULL;
        g_autoptr (GBytes) reply = NULL;

        if (bytes == NULL) {
                coap_udp6_request_respond_code (f->request, COAP_UDP6_CODE_BAD_REQUEST, NULL);
                g_clear_object (&f->request);
                return;
        }
        if (f->reads++ == 0)
                f->first_read = g_bytes_get_size (bytes);
        if (g_bytes_get_size (bytes) > 0) {
                g_byte_array_append (f->received, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
                read_next (f);
                return;
        }
        f->ended = TRUE;
        text = g_strdup_printf ("%u", f->received->len);
        reply = g_bytes_new (text, strlen (text));
        coap_udp6_request_respond_payload (f->request, COAP_UDP6_CODE_CHANGED, reply, 0);
        g_clear_object (&f->request);
}

static void
read_next (Fixture *f)
{
        GInputStream *stream = coap_udp6_request_get_body_stream (f->request);

        g_input_stream_read_bytes_async (stream, 4096, G_PRIORITY_DEFAULT, NULL, read_cb, f);
}

static void
sink_handler (CoapUdp6Resource *resource,
              CoapUdp6Request  *request,
              gpointer          user_data)
{
        Fixture *f = user_data;
        GBytes *payload = coap_udp6_message_get_payload (coap_udp6_request_get_message (request));

        f->calls++;
        f->payload_empty = payload == NULL || g_bytes_get_size (payload) == 0;
        if (coap_udp6_request_get_body_stream (request) == NULL) {
                /* A body in one message comes as the payload. */
                coap_udp6_request_respond_code (request, COAP_UDP6_CODE_CHANGED, NULL);
                return;
        }
        if (f->respond_early) {
                coap_udp6_request_respond_code (request, COAP_UDP6_CODE_FORBIDDEN, NULL);
                return;
        }
        coap_udp6_request_defer (request);
        f->request = g_object_ref (request);
        read_next (f);
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
        const char *binds[] = { "[::1]:0", NULL };
        g_autoptr (GError) error = NULL;

        f->main_context = test_main_context_push ();
        f->server = coap_udp6_context_new_server (binds, NULL, &error);
        g_assert_no_error (error);
        f->sink = coap_udp6_resource_new ();
        coap_udp6_resource_set_method_handler (f->sink, COAP_UDP6_CODE_PUT, sink_handler, f, NULL);
        coap_udp6_context_add_resource (f->server, "sink", f->sink);
        f->client = coap_udp6_context_new_client (&error);
        g_assert_no_error (error);
        f->server_port = coap_udp6_context_get_local_port (f->server);
        f->received = g_byte_array_new ();
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        g_clear_object (&f->request);
        g_clear_object (&f->client);
        g_clear_object (&f->server);
        g_clear_object (&f->sink);
        g_byte_array_unref (f->received);
        g_clear_error (&f->read_error);
        test_main_context_pop (f->main_context);
}

static GBytes *
make_body (gsize len)
{
        guint8 *data = g_malloc (len + 1);

        for (gsize i = 0; i < len; i++)
                data[i] = (guint8) (i * 7 + i / 251);
        return g_bytes_new_take (data, len);
}

static CoapUdp6Message *
upload (Fixture *f,
        GBytes  *body)
{
        g_autofree char *uri = g_strdup_printf ("coap://[::1]:%u/sink", f->server_port);
        g_autoptr (CoapUdp6Message) request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                     COAP_UDP6_CODE_PUT);
        TestResult r = { 0 };

        g_assert_true (coap_udp6_message_set_request_uri (request, uri, NULL));
        coap_udp6_message_set_payload (request, body);
        coap_udp6_context_request_async (f->client, request, NULL, test_request_cb, &r);
        g_assert_true (test_iterate_until_flag (f->main_context, &r.done, 30000));
        g_assert_no_error (r.error);
        return r.response;
}

static void
test_off_by_default (Fixture      *f,
                     gconstpointer data)
{
        g_assert_false (coap_udp6_resource_get_stream_uploads (f->sink));
}

static void
test_stream (Fixture      *f,
             gconstpointer data)
{
        g_autoptr (GBytes) body = make_body (40000);
        g_autoptr (CoapUdp6Message) response = NULL;
        GBytes *payload;

        g_object_set (f->sink, "stream-uploads", TRUE, NULL);
        response = upload (f, body);
        g_assert_cmpuint (coap_udp6_message_get_code (response), ==, COAP_UDP6_CODE_CHANGED);
        /* The resource ran once, at the first block (its first read found
         * that block alone), and read the whole body from the stream. */
        g_assert_cmpuint (f->calls, ==, 1);
        g_assert_true (f->payload_empty);
        g_assert_true (f->ended);
        g_assert_cmpuint (f->received->len, ==, 40000);
        g_assert_cmpmem (f->received->data, f->received->len, g_bytes_get_data (body, NULL), 40000);
        g_assert_cmpuint (f->first_read, ==, 1024);
        g_assert_cmpuint (f->reads, >, 10);
        payload = coap_udp6_message_get_payload (response);
        g_assert_cmpuint (g_bytes_get_size (payload), ==, 5);
        g_assert_cmpmem (g_bytes_get_data (payload, NULL), 5, "40000", 5);
}

static void
test_early_response (Fixture      *f,
                     gconstpointer data)
{
        g_autoptr (GBytes) body = make_body (5000);
        g_autoptr (CoapUdp6Message) response = NULL;

        g_object_set (f->sink, "stream-uploads", TRUE, NULL);
        f->respond_early = TRUE;
        response = upload (f, body);
        /* The refusal reached the client with the next block. */
        g_assert_cmpuint (coap_udp6_message_get_code (response), ==, COAP_UDP6_CODE_FORBIDDEN);
        g_assert_cmpuint (f->calls, ==, 1);
}

static void
test_small_body_not_streamed (Fixture      *f,
                              gconstpointer data)
{
        g_autoptr (GBytes) body = make_body (100);
        g_autoptr (CoapUdp6Message) response = NULL;

        g_object_set (f->sink, "stream-uploads", TRUE, NULL);
        response = upload (f, body);
        g_assert_cmpuint (coap_udp6_message_get_code (response), ==, COAP_UDP6_CODE_CHANGED);
        g_assert_cmpuint (f->calls, ==, 1);
        g_assert_false (f->payload_empty);
}

int
main (int   argc,
      char *argv[])
{
        test_init (&argc, &argv);
        g_test_summary ("Resource:stream-uploads: a block-wise upload read as a stream as it arrives");
#define ADD(path, fn) g_test_add ("/stream-uploads/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
        ADD ("off-by-default", test_off_by_default);
        ADD ("stream", test_stream);
        ADD ("early-response", test_early_response);
        ADD ("small-body", test_small_body_not_streamed);
#undef ADD
        return g_test_run ();
}
