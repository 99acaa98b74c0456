/* test-blockwise-stream.c: a body of hundreds of MiB goes up from a file
 * (a GInputStream) and down into a GOutputStream over ::1, block-wise
 * (RFC 7959), and neither side's peak RSS grows with it (suite slow)
 *
 * The server is this program run again with --serve, in a process of its
 * own, so that each side's VmHWM (/proc/PID/status) is its own: it reads
 * uploads to /up as streams (Resource:stream-uploads) and serves /down
 * block by block from its handler, keeping nothing. The body is a pattern
 * of offsets: the file is sparse, and each side checks a SHA-256.
 *
 *   COAP_UDP6_STREAM_MIB=N   the large body's size (default 256)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"

#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SMALL (1u << 20)
#define STAMP_EVERY (64u * 1024)
/* What a side's peak RSS may grow by from the small body to the large. */
#define MARGIN_KIB (8u * 1024)

/* The byte at @offset: a stamp of the offset's 64 KiB unit at the start
 * of each, zeros elsewhere (holes in the file). */
static void
pattern_fill (guint8 *buf,
              guint64 offset,
              gsize   len)
{
        memset (buf, 0, len);
        for (gsize i = 0; i < len; i++) {
                guint64 at = offset + i;
                guint in_unit = at % STAMP_EVERY;

                if (in_unit < 8)
                        buf[i] = (guint8) (((at / STAMP_EVERY) >> (8 * in_unit)) ^ 0x5a);
                else
                        i += STAMP_EVERY - in_unit - 1;
        }
}

static char *
pattern_sha256 (guint64 size)
{
        g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
        g_autofree guint8 *buf = g_malloc (STAMP_EVERY);

        for (guint64 at = 0; at < size; at += STAMP_EVERY) {
                gsize len = MIN (STAMP_EVERY, size - at);

                pattern_fill (buf, at, len);
                g_checksum_update (sum, buf, len);
        }
        return g_strdup (g_checksum_get_string (sum));
}

/* ---- the server (--serve) ---- */

typedef struct {
        CoapUdp6Request *request;           /* owned */
        GChecksum *sum;                     /* owned */
        guint64 len;
} Upload;

static void upload_read (Upload *u);

static void
upload_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
        Upload *u = user_data;
        g_autoptr (GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);
        g_autofree char *text = NULL;
        g_autoptr (GBytes) reply = NULL;

        if (bytes != NULL && g_bytes_get_size (bytes) > 0) {
                g_checksum_update (u->sum, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
                u->len += g_bytes_get_size (bytes);
                upload_read (u);
                return;
        }
        if (bytes == NULL) {
                coap_udp6_request_respond_code (u->request, COAP_UDP6_CODE_BAD_REQUEST, NULL);
        } else {
                text = g_strdup_printf ("%" G_GUINT64_FORMAT " %s", u->len, g_checksum_get_string (u->sum));
                reply = g_bytes_new (text, strlen (text));
                coap_udp6_request_respond_payload (u->request, COAP_UDP6_CODE_CHANGED, reply, 0);
        }
        g_object_unref (u->request);
        g_checksum_free (u->sum);
        g_free (u);
}

static void
upload_read (Upload *u)
{
        GInputStream *stream = coap_udp6_request_get_body_stream (u->request);

        g_input_stream_read_bytes_async (stream, 64 * 1024, G_PRIORITY_DEFAULT, NULL, upload_read_cb, u);
}

static void
up_handler (CoapUdp6Resource *resource,
            CoapUdp6Request  *request,
            gpointer          user_data)
{
        Upload *u;

        if (coap_udp6_request_get_body_stream (request) == NULL) {
                coap_udp6_request_respond_code (request, COAP_UDP6_CODE_BAD_REQUEST, "not streamed");
                return;
        }
        coap_udp6_request_defer (request);
        u = g_new0 (Upload, 1);
        u->request = g_object_ref (request);
        u->sum = g_checksum_new (G_CHECKSUM_SHA256);
        upload_read (u);
}

/* GET /down?SIZE: the pattern's block the request asks for, from the
 * handler itself (Request.respond() with Block2): nothing is kept. */
static void
down_handler (CoapUdp6Resource *resource,
              CoapUdp6Request  *request,
              gpointer          user_data)
{
        CoapUdp6Message *message = coap_udp6_request_get_message (request);
        g_autoptr (CoapUdp6BlockOption) asked = coap_udp6_message_get_block2 (message);
        g_auto (GStrv) query = coap_udp6_message_get_uri_query (message);
        guint64 size = query != NULL && query[0] != NULL ? g_ascii_strtoull (query[0], NULL, 10) : 0;
        guint num = asked != NULL ? coap_udp6_block_option_get_num (asked) : 0;
        guint szx = asked != NULL ? coap_udp6_block_option_get_szx (asked) : 6;
        guint64 start = (guint64) num << (szx + 4);
        gsize len = start < size ? MIN ((gsize) 16 << szx, size - start) : 0;
        g_autoptr (CoapUdp6Message) response = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK,
                                                                      COAP_UDP6_CODE_CONTENT);
        g_autoptr (CoapUdp6BlockOption) block = coap_udp6_block_option_new (num, start + len < size, szx);
        guint8 buf[1024];

        pattern_fill (buf, start, len);
        coap_udp6_message_set_block2 (response, block);
        coap_udp6_message_add_etag_data (response, (const guint8 *) "p1", 2);
        coap_udp6_message_set_size2 (response, (gint64) MIN (size, G_MAXUINT32));
        coap_udp6_message_set_payload_data (response, buf, len);
        coap_udp6_request_respond (request, response);
}

static gboolean
quit_cb (gpointer data)
{
        g_main_loop_quit (data);
        return G_SOURCE_REMOVE;
}

static int
serve (void)
{
        const char *const binds[] = { "[::1]:0", NULL };
        g_autoptr (GError) error = NULL;
        g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
        g_autoptr (CoapUdp6Context) context = coap_udp6_context_new_server (binds, NULL, &error);
        g_autoptr (CoapUdp6Resource) up = coap_udp6_resource_new_with_handler (up_handler, NULL, NULL);
        g_autoptr (CoapUdp6Resource) down = coap_udp6_resource_new_with_handler (down_handler, NULL, NULL);

        g_assert_no_error (error);
        coap_udp6_resource_set_stream_uploads (up, TRUE);
        coap_udp6_context_add_resource (context, "up", up);
        coap_udp6_context_add_resource (context, "down", down);
        printf ("listening on port %u\n", coap_udp6_context_get_local_port (context));
        fflush (stdout);
        g_unix_signal_add (SIGTERM, quit_cb, loop);
        g_main_loop_run (loop);
        return 0;
}

/* ---- the client (the test) ---- */

#define TEST_TYPE_HASH_SINK (test_hash_sink_get_type ())
G_DECLARE_FINAL_TYPE (TestHashSink, test_hash_sink, TEST, HASH_SINK, GOutputStream)

/* An output stream that keeps only a SHA-256 and a length. */
struct _TestHashSink {
        GOutputStream parent_instance;
        GChecksum *sum;
        guint64 len;
};

G_DEFINE_FINAL_TYPE (TestHashSink, test_hash_sink, G_TYPE_OUTPUT_STREAM)

static gssize
test_hash_sink_write (GOutputStream *stream,
                      const void    *buffer,
                      gsize          count,
                      GCancellable  *cancellable,
                      GError       **error)
{
        TestHashSink *self = TEST_HASH_SINK (stream);

        g_checksum_update (self->sum, buffer, count);
        self->len += count;
        return count;
}

static void
test_hash_sink_finalize (GObject *object)
{
        g_checksum_free (TEST_HASH_SINK (object)->sum);
        G_OBJECT_CLASS (test_hash_sink_parent_class)->finalize (object);
}

static void
test_hash_sink_class_init (TestHashSinkClass *klass)
{
        G_OBJECT_CLASS (klass)->finalize = test_hash_sink_finalize;
        G_OUTPUT_STREAM_CLASS (klass)->write_fn = test_hash_sink_write;
}

static void
test_hash_sink_init (TestHashSink *self)
{
        self->sum = g_checksum_new (G_CHECKSUM_SHA256);
}

/* VmHWM of process @pid (0: this one), KiB. */
static guint64
peak_rss_kib (GPid pid)
{
        g_autofree char *path = pid == 0 ? g_strdup ("/proc/self/status")
                                         : g_strdup_printf ("/proc/%d/status", pid);
        g_autofree char *text = NULL;
        const char *line;

        g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
        line = strstr (text, "VmHWM:");
        g_assert_nonnull (line);
        return g_ascii_strtoull (line + strlen ("VmHWM:"), NULL, 10);
}

/* A sparse file of @size bytes of the pattern. */
static void
make_file (const char *path,
           guint64     size)
{
        int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        guint8 stamp[8];

        g_assert_cmpint (fd, >=, 0);
        g_assert_cmpint (ftruncate (fd, (off_t) size), ==, 0);
        for (guint64 at = 0; at < size; at += STAMP_EVERY) {
                gsize len = MIN (sizeof stamp, size - at);

                pattern_fill (stamp, at, len);
                g_assert_cmpint (pwrite (fd, stamp, len, (off_t) at), ==, (gssize) len);
        }
        g_assert_no_errno (close (fd));
}

typedef struct {
        gboolean done;
        CoapUdp6Message *response;          /* owned, nullable */
        GError *error;                      /* owned, nullable */
} StreamResult;

static void
stream_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
        StreamResult *r = user_data;

        r->response = coap_udp6_context_request_stream_finish (COAP_UDP6_CONTEXT (source), result, &r->error);
        r->done = TRUE;
}

typedef struct {
        GMainContext *main_context;
        GSubprocess *server;
        GPid server_pid;
        guint port;
        char *dir;
        CoapUdp6Context *client;
} Fixture;

static gboolean
both_done (gpointer data)
{
        StreamResult *r = data;

        return r[0].done && r[1].done;
}

/* @size bytes up from a file and down into a hashing stream, at once. */
static void
transfer (Fixture *f,
          guint64  size)
{
        g_autofree char *path = g_build_filename (f->dir, "body", NULL);
        g_autoptr (GFile) file = g_file_new_for_path (path);
        g_autoptr (GFileInputStream) source = NULL;
        g_autoptr (TestHashSink) sink = g_object_new (TEST_TYPE_HASH_SINK, NULL);
        g_autofree char *up_uri = g_strdup_printf ("coap://[::1]:%u/up", f->port);
        g_autofree char *down_uri = g_strdup_printf ("coap://[::1]:%u/down?%" G_GUINT64_FORMAT, f->port, size);
        g_autoptr (CoapUdp6Message) up = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON, COAP_UDP6_CODE_PUT);
        g_autoptr (CoapUdp6Message) down = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON, COAP_UDP6_CODE_GET);
        g_autofree char *expected = pattern_sha256 (size);
        g_autofree char *expected_reply = g_strdup_printf ("%" G_GUINT64_FORMAT " %s", size, expected);
        g_autoptr (GError) error = NULL;
        StreamResult r[2] = { { 0 } };
        GBytes *reply;

        make_file (path, size);
        source = g_file_read (file, NULL, &error);
        g_assert_no_error (error);
        coap_udp6_message_set_request_uri (up, up_uri, &error);
        g_assert_no_error (error);
        coap_udp6_message_set_request_uri (down, down_uri, &error);
        g_assert_no_error (error);
        coap_udp6_context_request_stream_async (f->client, up, G_INPUT_STREAM (source), (gint64) size, NULL,
                                                NULL, NULL, NULL, NULL, stream_cb, &r[0]);
        coap_udp6_context_request_stream_async (f->client, down, NULL, -1, G_OUTPUT_STREAM (sink),
                                                NULL, NULL, NULL, NULL, stream_cb, &r[1]);
        g_assert_true (test_iterate_until (f->main_context, both_done, r, 250 * 1000));
        g_assert_no_error (r[0].error);
        g_assert_no_error (r[1].error);
        g_assert_cmpuint (coap_udp6_message_get_code (r[0].response), ==, COAP_UDP6_CODE_CHANGED);
        reply = coap_udp6_message_get_payload (r[0].response);
        g_assert_cmpmem (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply),
                         expected_reply, strlen (expected_reply));
        g_assert_cmpuint (coap_udp6_message_get_code (r[1].response), ==, COAP_UDP6_CODE_CONTENT);
        g_assert_cmpuint (sink->len, ==, size);
        g_assert_cmpstr (g_checksum_get_string (sink->sum), ==, expected);
        g_clear_object (&r[0].response);
        g_clear_object (&r[1].response);
        g_assert_no_errno (g_unlink (path));
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
        g_autoptr (GError) error = NULL;
        g_autoptr (GDataInputStream) lines = NULL;
        g_autofree char *line = NULL;
        g_autofree char *exe = g_file_read_link ("/proc/self/exe", &error);

        g_assert_no_error (error);
        f->main_context = test_main_context_push ();
        f->server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, exe, "--serve", NULL);
        g_assert_no_error (error);
        f->server_pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (f->server), NULL, 10);
        lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->server));
        line = g_data_input_stream_read_line (lines, NULL, NULL, &error);
        g_assert_no_error (error);
        g_assert_nonnull (line);
        g_assert_true (g_str_has_prefix (line, "listening on port "));
        f->port = (guint) g_ascii_strtoull (line + strlen ("listening on port "), NULL, 10);
        f->dir = g_dir_make_tmp ("coap-udp6-stream-XXXXXX", &error);
        g_assert_no_error (error);
        f->client = coap_udp6_context_new_client (&error);
        g_assert_no_error (error);
        g_object_set (f->client, "nstart", 2, NULL);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        g_autoptr (GError) error = NULL;

        g_clear_object (&f->client);
        g_subprocess_send_signal (f->server, SIGTERM);
        g_subprocess_wait_check (f->server, NULL, &error);
        g_assert_no_error (error);
        g_clear_object (&f->server);
        g_assert_no_errno (g_rmdir (f->dir));
        g_free (f->dir);
        g_main_context_pop_thread_default (f->main_context);
        g_main_context_unref (f->main_context);
}

static void
test_flat_memory (Fixture      *f,
                  gconstpointer data)
{
        const char *mib = g_getenv ("COAP_UDP6_STREAM_MIB");
        guint64 large = (mib != NULL ? g_ascii_strtoull (mib, NULL, 10) : 256) << 20;
        guint64 client_small, server_small, client_large, server_large;
        gint64 start;

        transfer (f, SMALL);
        client_small = peak_rss_kib (0);
        server_small = peak_rss_kib (f->server_pid);
        start = g_get_monotonic_time ();
        transfer (f, large);
        client_large = peak_rss_kib (0);
        server_large = peak_rss_kib (f->server_pid);
        g_test_message ("%" G_GUINT64_FORMAT " MiB up and down at once in %.1f s; peak RSS KiB: "
                        "client %" G_GUINT64_FORMAT " -> %" G_GUINT64_FORMAT ", server %"
                        G_GUINT64_FORMAT " -> %" G_GUINT64_FORMAT,
                        large >> 20, (g_get_monotonic_time () - start) / 1e6,
                        client_small, client_large, server_small, server_large);
        g_assert_cmpuint (client_large, <=, client_small + MARGIN_KIB);
        g_assert_cmpuint (server_large, <=, server_small + MARGIN_KIB);
}

int
main (int   argc,
      char *argv[])
{
        if (argc == 2 && strcmp (argv[1], "--serve") == 0)
                return serve ();
        test_init (&argc, &argv);
        g_test_summary ("A body of hundreds of MiB up from a file and down into a stream, "
                        "block-wise over ::1, with flat memory on both sides");
        if (!test_have_ipv6 ()) {
                g_test_skip ("no IPv6 loopback");
                return g_test_run ();
        }
        g_test_add ("/blockwise-stream/flat-memory", Fixture, NULL, fixture_setup, test_flat_memory,
                    fixture_teardown);
        return g_test_run ();
}
