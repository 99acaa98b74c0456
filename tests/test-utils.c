/* test-utils.c: helpers shared by the C tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"

#include <string.h>

typedef struct {
        const gboolean *flag;
} FlagData;

static gboolean
flag_is_set (gpointer user_data)
{
        FlagData *data = user_data;

        return *data->flag;
}

static gboolean
on_deadline (gpointer user_data)
{
        gboolean *expired = user_data;

        *expired = TRUE;
        return G_SOURCE_REMOVE;
}

gboolean
test_iterate_until (GMainContext      *context,
                    TestConditionFunc  condition,
                    gpointer           user_data,
                    guint              timeout_ms)
{
        gboolean expired = FALSE;
        GSource *deadline = g_timeout_source_new (timeout_ms);

        g_source_set_callback (deadline, on_deadline, &expired, NULL);
        g_source_set_static_name (deadline, "test deadline");
        g_source_attach (deadline, context);
        while (!condition (user_data) && !expired)
                g_main_context_iteration (context, TRUE);
        g_source_destroy (deadline);
        g_source_unref (deadline);

        return condition (user_data);
}

gboolean
test_iterate_until_flag (GMainContext   *context,
                         const gboolean *flag,
                         guint           timeout_ms)
{
        FlagData data = { flag };

        return test_iterate_until (context, flag_is_set, &data, timeout_ms);
}

static gboolean
never (gpointer user_data)
{
        return FALSE;
}

void
test_iterate_for (GMainContext *context,
                  guint         ms)
{
        test_iterate_until (context, never, NULL, ms);
}

GMainContext *
test_main_context_push (void)
{
        GMainContext *context = g_main_context_new ();

        g_main_context_push_thread_default (context);
        return context;
}

void
test_main_context_pop (GMainContext *context)
{
        /* Sources that finish an object's last work (a close, an idle
         * answer) run before the context goes away. */
        test_iterate_for (context, 10);
        g_main_context_pop_thread_default (context);
        g_main_context_unref (context);
}

CoapUdp6Context *
test_loopback_server_new (GSocketAddress **address)
{
        const char *binds[] = { "[::1]:0", NULL };
        g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
        g_autoptr (GError) error = NULL;
        CoapUdp6Context *server = coap_udp6_context_new_server (binds, NULL, &error);

        g_assert_no_error (error);
        if (address != NULL)
                *address = g_inet_socket_address_new (lo, coap_udp6_context_get_local_port (server));
        return server;
}

gboolean
test_have_ipv6 (void)
{
        static int have = -1;

        if (have < 0) {
                g_autoptr (GSocket) sock = NULL;
                g_autoptr (GInetAddress) loopback = NULL;
                g_autoptr (GSocketAddress) addr = NULL;

                sock = g_socket_new (G_SOCKET_FAMILY_IPV6,
                                     G_SOCKET_TYPE_DATAGRAM,
                                     G_SOCKET_PROTOCOL_UDP, NULL);
                loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
                addr = g_inet_socket_address_new (loopback, 0);
                have = sock != NULL &&
                       g_socket_bind (sock, addr, FALSE, NULL);
        }

        return have;
}

char *
test_data_path (const char *name)
{
        const char *dir = g_getenv ("COAP_UDP6_DATADIR");

        if (dir == NULL)
                dir = "data";
        return g_build_filename (dir, name, NULL);
}

GBytes *
test_bytes_from_hex (const char *hex)
{
        g_autoptr (GByteArray) out = g_byte_array_new ();
        int high = -1;

        for (const char *p = hex; *p != '\0'; p++) {
                int v;

                if (g_ascii_isspace (*p))
                        continue;
                v = g_ascii_xdigit_value (*p);
                if (v < 0)
                        return NULL;
                if (high < 0) {
                        high = v;
                } else {
                        guint8 b = (guint8) (high << 4 | v);

                        g_byte_array_append (out, &b, 1);
                        high = -1;
                }
        }
        if (high >= 0)
                return NULL;

        return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

char *
test_hex_from_bytes (GBytes *bytes)
{
        gsize size = 0;
        const guint8 *data = g_bytes_get_data (bytes, &size);
        GString *out = g_string_sized_new (size * 2 + 1);

        for (gsize i = 0; i < size; i++)
                g_string_append_printf (out, "%02x", data[i]);

        return g_string_free (out, FALSE);
}

static char *expected_warning;             /* a g_pattern_match_simple() pattern */
static guint expected_warning_count;

static const char *
field_message (const GLogField *fields,
               gsize            n_fields)
{
        for (gsize i = 0; i < n_fields; i++)
                if (g_str_equal (fields[i].key, "MESSAGE"))
                        return fields[i].value;
        return "";
}

/* Structured logging bypasses g_test_expect_message(), so expected
 * warnings are caught here instead; anything else stays fatal. */
static GLogWriterOutput
quiet_writer (GLogLevelFlags   level,
              const GLogField *fields,
              gsize            n_fields,
              gpointer         user_data)
{
        gboolean verbose = GPOINTER_TO_INT (user_data);

        if ((level & G_LOG_LEVEL_WARNING) && expected_warning != NULL &&
            g_pattern_match_simple (expected_warning, field_message (fields, n_fields))) {
                expected_warning_count++;
                return G_LOG_WRITER_HANDLED;
        }
        if (verbose || (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL |
                                 G_LOG_LEVEL_WARNING)))
                return g_log_writer_default (level, fields, n_fields,
                                             user_data);
        return G_LOG_WRITER_HANDLED;
}

void
test_expect_warnings (const char *pattern)
{
        g_free (expected_warning);
        expected_warning = g_strdup (pattern);
        expected_warning_count = 0;
}

guint
test_end_expect_warnings (void)
{
        g_clear_pointer (&expected_warning, g_free);
        return expected_warning_count;
}

void
test_init (int *argc, char ***argv)
{
        g_test_init (argc, argv, NULL);
        g_log_set_writer_func (quiet_writer,
                               GINT_TO_POINTER (g_getenv ("G_MESSAGES_DEBUG") != NULL),
                               NULL);
}

GSocket *
test_raw_socket_new (void)
{
        g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
        g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
        g_autoptr (GError) error = NULL;
        GSocket *socket;

        socket = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_DATAGRAM,
                               G_SOCKET_PROTOCOL_UDP, &error);
        g_assert_no_error (error);
        g_socket_set_blocking (socket, FALSE);
        g_socket_bind (socket, any, FALSE, &error);
        g_assert_no_error (error);
        return socket;
}

void
test_raw_send_hex (GSocket        *socket,
                   GSocketAddress *to,
                   const char     *hex)
{
        g_autoptr (GBytes) bytes = test_bytes_from_hex (hex);
        g_autoptr (GError) error = NULL;

        g_assert_nonnull (bytes);
        g_socket_send_to (socket, to, g_bytes_get_data (bytes, NULL),
                          g_bytes_get_size (bytes), NULL, &error);
        g_assert_no_error (error);
}

static gboolean
socket_readable (gpointer socket)
{
        return g_socket_condition_check (socket, G_IO_IN) != 0;
}

char *
test_raw_recv_hex (GMainContext *context,
                   GSocket      *socket,
                   guint         timeout_ms)
{
        g_autoptr (GBytes) bytes = NULL;
        g_autoptr (GError) error = NULL;
        guint8 buf[2048];
        gssize n;

        if (!test_iterate_until (context, socket_readable, socket, timeout_ms))
                return NULL;
        n = g_socket_receive (socket, (char *) buf, sizeof buf, NULL, &error);
        g_assert_no_error (error);
        bytes = g_bytes_new (buf, n);
        return test_hex_from_bytes (bytes);
}

CoapUdp6Message *
test_raw_recv_message (GMainContext    *context,
                       GSocket         *socket,
                       guint            timeout_ms,
                       GSocketAddress **from)
{
        g_autoptr (GBytes) bytes = NULL;
        g_autoptr (GError) error = NULL;
        CoapUdp6Message *message;
        guint8 buf[2048];
        gssize n;

        g_assert_true (test_iterate_until (context, socket_readable, socket, timeout_ms));
        n = g_socket_receive_from (socket, from, (char *) buf, sizeof buf, NULL, &error);
        g_assert_no_error (error);
        bytes = g_bytes_new (buf, n);
        message = coap_udp6_message_decode (bytes, NULL, &error);
        g_assert_no_error (error);
        return message;
}

void
test_raw_send_message (GSocket         *socket,
                       GSocketAddress  *to,
                       CoapUdp6Message *message)
{
        g_autoptr (GBytes) bytes = coap_udp6_message_encode (message, NULL);
        g_autoptr (GError) error = NULL;

        g_assert_nonnull (bytes);
        g_socket_send_to (socket, to, g_bytes_get_data (bytes, NULL),
                          g_bytes_get_size (bytes), NULL, &error);
        g_assert_no_error (error);
}

void
test_request_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
        TestResult *r = user_data;

        r->response = coap_udp6_context_request_finish (COAP_UDP6_CONTEXT (source), result, &r->error);
        r->done = TRUE;
}

void
test_start_get (CoapUdp6Context *client,
                const char      *uri,
                GCancellable    *cancellable,
                TestResult      *result)
{
        g_autoptr (CoapUdp6Message) message = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                     COAP_UDP6_CODE_GET);
        g_autoptr (GError) error = NULL;

        coap_udp6_message_set_request_uri (message, uri, &error);
        g_assert_no_error (error);
        memset (result, 0, sizeof *result);
        coap_udp6_context_request_async (client, message, cancellable, test_request_cb, result);
}

CoapUdp6Message *
test_piggybacked_answer (CoapUdp6Message *request,
                         guint            code)
{
        CoapUdp6Message *answer = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK, code);

        coap_udp6_message_set_mid (answer, coap_udp6_message_get_mid (request));
        coap_udp6_message_set_token (answer, coap_udp6_message_get_token (request));
        return answer;
}

gint64
test_option_uint (CoapUdp6Message *message,
                  guint            number)
{
        guint32 value;

        return coap_udp6_message_get_option_uint (message, number, &value) ? (gint64) value : -1;
}
