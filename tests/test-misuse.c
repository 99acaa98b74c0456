/* test-misuse.c: calls a binding can make that once crashed or hung the
 * process (found by driving the introspected API from Python): each now
 * gets a GError, a critical or a defined answer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

/* What a handler's user data knows: whether the handler runs, and
 * whether its data was freed while it did. */
typedef struct {
        gboolean running;
        guint calls;
        gboolean *freed_while_running;
        gboolean *freed;
} HandlerState;

static void
handler_state_free (gpointer data)
{
        HandlerState *state = data;

        if (state->running)
                *state->freed_while_running = TRUE;
        *state->freed = TRUE;
        g_free (state);
}

static void
answer_changed (CoapUdp6Resource *resource,
                CoapUdp6Request  *request,
                gpointer          user_data)
{
        coap_udp6_request_respond_code (request, COAP_UDP6_CODE_CHANGED, NULL);
}

/* Replaces itself (data == NULL: the handler for every method; else
 * removes the GET handler), then uses its own data. */
static void
replacing_handler (CoapUdp6Resource *resource,
                   CoapUdp6Request  *request,
                   gpointer          user_data)
{
        HandlerState *state = user_data;

        state->running = TRUE;
        if (state->calls == 0)
                coap_udp6_resource_set_handler (resource, answer_changed, NULL, NULL);
        else
                coap_udp6_resource_set_method_handler (resource, COAP_UDP6_CODE_GET, NULL, NULL, NULL);
        state->calls++;
        coap_udp6_request_respond_code (request, COAP_UDP6_CODE_CONTENT, NULL);
        state->running = FALSE;
}

static guint
get_code (GMainContext    *main_context,
          CoapUdp6Context *client,
          const char      *uri)
{
        TestResult result;
        guint code;

        test_start_get (client, uri, NULL, &result);
        g_assert_true (test_iterate_until_flag (main_context, &result.done, 5000));
        g_assert_no_error (result.error);
        code = coap_udp6_message_get_code (result.response);
        g_clear_object (&result.response);
        return code;
}

static void
test_handler_replaced_in_handler (void)
{
        GMainContext *main_context = test_main_context_push ();
        g_autoptr (GSocketAddress) address = NULL;
        g_autoptr (CoapUdp6Context) server = test_loopback_server_new (&address);
        g_autoptr (CoapUdp6Context) client = coap_udp6_context_new_client (NULL);
        g_autoptr (CoapUdp6Resource) resource = NULL;
        g_autofree char *uri = g_strdup_printf ("coap://[::1]:%u/r",
                g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
        gboolean freed_while_running = FALSE, freed = FALSE;
        HandlerState *state = g_new0 (HandlerState, 1);

        g_test_summary ("A handler that replaces or removes itself keeps its data until it "
                        "returns: the destroy notify runs after it (a binding's closure "
                        "was freed under the running handler)");
        state->freed_while_running = &freed_while_running;
        state->freed = &freed;
        resource = coap_udp6_resource_new_with_handler (replacing_handler, state, handler_state_free);
        coap_udp6_context_add_resource (server, "r", resource);
        g_assert_cmpuint (get_code (main_context, client, uri), ==, COAP_UDP6_CODE_CONTENT);
        g_assert_true (freed);
        g_assert_false (freed_while_running);
        /* The replacement answers; a GET handler that removes itself. */
        g_assert_cmpuint (get_code (main_context, client, uri), ==, COAP_UDP6_CODE_CHANGED);
        freed = FALSE;
        state = g_new0 (HandlerState, 1);
        state->calls = 1;
        state->freed_while_running = &freed_while_running;
        state->freed = &freed;
        coap_udp6_resource_set_method_handler (resource, COAP_UDP6_CODE_GET, replacing_handler, state,
                                               handler_state_free);
        g_assert_cmpuint (get_code (main_context, client, uri), ==, COAP_UDP6_CODE_CONTENT);
        g_assert_true (freed);
        g_assert_false (freed_while_running);
        g_assert_cmpuint (get_code (main_context, client, uri), ==, COAP_UDP6_CODE_CHANGED);
        g_clear_object (&client);
        g_clear_object (&server);
        test_main_context_pop (main_context);
}

static void
cancelled_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
        gboolean *done = user_data;

        g_assert_true (coap_udp6_observation_cancel_finish (COAP_UDP6_OBSERVATION (source), result, NULL));
        *done = TRUE;
}

static void
test_bare_observation (void)
{
        GMainContext *main_context = test_main_context_push ();
        CoapUdp6Observation *observation = g_object_new (COAP_UDP6_TYPE_OBSERVATION, NULL);
        gpointer alive = observation;
        gboolean done = FALSE;

        g_test_summary ("An Observation made by g_object_new() alone (a binding can) is an "
                        "ended one, not a crash when it is used or freed");
        g_object_add_weak_pointer (G_OBJECT (observation), &alive);
        g_assert_false (coap_udp6_observation_get_active (observation));
        g_assert_error (coap_udp6_observation_get_error (observation), G_IO_ERROR,
                        G_IO_ERROR_NOT_INITIALIZED);
        coap_udp6_observation_forget (observation);
        coap_udp6_observation_cancel_async (observation, NULL, cancelled_cb, &done);
        g_assert_true (test_iterate_until_flag (main_context, &done, 1000));
        g_object_unref (observation);
        g_assert_null (alive);
        test_main_context_pop (main_context);
}

static void
test_empty_socket_address (void)
{
        g_autoptr (GSocketAddress) empty = NULL;
        g_autoptr (CoapUdp6EndpointAddress) bare = NULL;

        g_test_summary ("A GInetSocketAddress without an address (g_object_new() alone) is a "
                        "critical for an endpoint address, not a crash");
        /* GIO itself complains about the missing address. */
        g_test_expect_message ("GLib-GObject", G_LOG_LEVEL_CRITICAL, "*G_IS_OBJECT*");
        empty = g_object_new (G_TYPE_INET_SOCKET_ADDRESS, NULL);
        g_test_assert_expected_messages ();
        g_test_expect_message ("CoapUdp6", G_LOG_LEVEL_CRITICAL, "*get_address*");
        g_assert_null (coap_udp6_endpoint_address_new (G_INET_SOCKET_ADDRESS (empty), NULL, NULL));
        g_test_assert_expected_messages ();
        g_test_expect_message ("CoapUdp6", G_LOG_LEVEL_CRITICAL, "*get_address*");
        bare = g_object_new (COAP_UDP6_TYPE_ENDPOINT_ADDRESS, "sockaddr", empty, NULL);
        g_test_assert_expected_messages ();
        /* Like one made without a sockaddr: [::]:0. */
        g_assert_cmpuint (g_inet_socket_address_get_port (coap_udp6_endpoint_address_get_sockaddr (bare)), ==, 0);
}

static void
test_option_not_utf8 (void)
{
        /* CON GET MID 1, Uri-Path "a", Uri-Path ff fe, Uri-Query ff "x". */
        g_autoptr (GBytes) datagram = test_bytes_from_hex ("40010001b16102fffe42ff78");
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Message) message = NULL;
        g_auto (GStrv) path = NULL;
        g_auto (GStrv) query = NULL;
        g_autoptr (GPtrArray) raw = NULL;

        g_test_summary ("String options that are not UTF-8 come back from the string getters "
                        "with U+FFFD in place of the bad bytes (the bindings read them as "
                        "UTF-8), and as they are from get_option_values");
        message = coap_udp6_message_decode (datagram, NULL, &error);
        g_assert_no_error (error);
        path = coap_udp6_message_get_uri_path (message);
        g_assert_cmpuint (g_strv_length (path), ==, 2);
        g_assert_cmpstr (path[0], ==, "a");
        g_assert_true (g_utf8_validate (path[1], -1, NULL));
        g_assert_cmpstr (path[1], ==, "\xef\xbf\xbd\xef\xbf\xbd");
        query = coap_udp6_message_get_uri_query (message);
        g_assert_cmpstr (query[0], ==, "\xef\xbf\xbdx");
        raw = coap_udp6_message_get_option_values (message, COAP_UDP6_OPTION_URI_PATH);
        g_assert_cmpuint (raw->len, ==, 2);
        g_assert_cmpmem (g_bytes_get_data (g_ptr_array_index (raw, 1), NULL),
                         g_bytes_get_size (g_ptr_array_index (raw, 1)), "\xff\xfe", 2);
}

static void
test_credentials_special_files (void)
{
        g_autoptr (CoapUdp6Credentials) credentials = coap_udp6_credentials_new ();
        g_autofree char *dir = g_dir_make_tmp ("coap-udp6-misuse-XXXXXX", NULL);
        g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
        const char *paths[] = { "/dev/zero", fifo, dir };
        gint64 start = g_get_monotonic_time ();

        g_test_summary ("Key and certificate files that are not regular files (/dev/zero, a "
                        "FIFO nobody writes, a directory) fail at once with a G_FILE_ERROR "
                        "instead of reading for ever");
        g_assert_nonnull (dir);
        g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
        for (guint i = 0; i < G_N_ELEMENTS (paths); i++) {
                g_autoptr (GError) error = NULL;

                gint code = paths[i] == dir ? G_FILE_ERROR_ISDIR : G_FILE_ERROR_FAILED;

                g_assert_false (coap_udp6_credentials_load_psk_file (credentials, paths[i], &error));
                g_assert_error (error, G_FILE_ERROR, code);
                if (coap_udp6_credentials_is_supported ()) {
                        g_clear_error (&error);
                        g_assert_false (coap_udp6_credentials_set_ca_file (credentials, paths[i], &error));
                        g_assert_error (error, G_FILE_ERROR, code);
                }
        }
        g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
        g_unlink (fifo);
        g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
        test_init (&argc, &argv);
        g_test_add_func ("/misuse/bare-observation", test_bare_observation);
        g_test_add_func ("/misuse/empty-socket-address", test_empty_socket_address);
        g_test_add_func ("/misuse/option-not-utf8", test_option_not_utf8);
        g_test_add_func ("/misuse/credentials-special-files", test_credentials_special_files);
        if (test_have_ipv6 ())
                g_test_add_func ("/misuse/handler-replaced-in-handler", test_handler_replaced_in_handler);
        return g_test_run ();
}
