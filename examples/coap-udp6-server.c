/* coap-udp6-server.c: a small CoAP server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tool-trace.h"
#include "tool-credentials.h"

#include <glib-unix.h>
#include <stdio.h>
#include <string.h>

typedef void (*DemoHandler) (CoapUdp6Request *request);

#define DEMO_TYPE_RESOURCE (demo_resource_get_type ())
G_DECLARE_FINAL_TYPE (DemoResource, demo_resource, DEMO, RESOURCE, CoapUdp6Resource)

struct _DemoResource {
        CoapUdp6Resource parent_instance;
        DemoHandler handler;
};

G_DEFINE_FINAL_TYPE (DemoResource, demo_resource, COAP_UDP6_TYPE_RESOURCE)

static gboolean verbose;

static void
respond (CoapUdp6Request *request,
         guint            code,
         const char      *text,
         gint             content_format)
{
        g_autoptr (GBytes) payload = text != NULL ? g_bytes_new (text, strlen (text)) : NULL;

        coap_udp6_request_respond_payload (request, code, payload, content_format);
}

static void
demo_resource_render (CoapUdp6Resource *resource,
                      CoapUdp6Request  *request)
{
        DEMO_RESOURCE (resource)->handler (request);
}

static void
demo_resource_class_init (DemoResourceClass *klass)
{
        COAP_UDP6_RESOURCE_CLASS (klass)->render = demo_resource_render;
}

static void
demo_resource_init (DemoResource *self)
{
}

static gboolean
is_get (CoapUdp6Request *request)
{
        if (coap_udp6_message_get_code (coap_udp6_request_get_message (request)) == COAP_UDP6_CODE_GET)
                return TRUE;
        respond (request, COAP_UDP6_CODE_METHOD_NOT_ALLOWED, NULL, -1);
        return FALSE;
}

static void
hello_handler (CoapUdp6Request *request)
{
        if (is_get (request))
                respond (request, COAP_UDP6_CODE_CONTENT, "Hello, world!", 0);
}

static void
echo_handler (CoapUdp6Request *request)
{
        CoapUdp6Message *message = coap_udp6_request_get_message (request);
        guint code = coap_udp6_message_get_code (message);
        g_autoptr (CoapUdp6Message) response = NULL;
        guint content_format, accept;
        gboolean has_format = coap_udp6_message_get_content_format (message, &content_format);

        if (code != COAP_UDP6_CODE_POST && code != COAP_UDP6_CODE_PUT) {
                respond (request, COAP_UDP6_CODE_METHOD_NOT_ALLOWED, NULL, -1);
                return;
        }
        /* RFC 7252 §5.10.4: the echo is in the request's own format, the
         * only one it can return; the library checks Accept for GET and
         * FETCH only, so a POST or PUT resource decides. */
        if (coap_udp6_message_get_accept (message, &accept) && (!has_format || accept != content_format)) {
                respond (request, COAP_UDP6_CODE_NOT_ACCEPTABLE, NULL, -1);
                return;
        }
        response = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK, COAP_UDP6_CODE_CHANGED);
        coap_udp6_message_set_payload (response, coap_udp6_message_get_payload (message));
        if (has_format)
                coap_udp6_message_set_content_format (response, content_format);
        coap_udp6_request_respond (request, response);
}

/* 4200 bytes (100 numbered lines): more than one block (RFC 7959). */
static void
large_handler (CoapUdp6Request *request)
{
        g_autoptr (GString) text = g_string_new (NULL);

        if (!is_get (request))
                return;
        for (guint i = 0; i < 100; i++)
                g_string_append_printf (text, "%04u abcdefghijklmnopqrstuvwxyz0123456789\n", i);
        respond (request, COAP_UDP6_CODE_CONTENT, text->str, 0);
}

static void
whoami_handler (CoapUdp6Request *request)
{
        CoapUdp6EndpointAddress *remote = coap_udp6_request_get_remote (request);
        g_autofree char *peer = NULL;
        g_autofree char *local = NULL;
        g_autofree char *text = NULL;

        if (!is_get (request))
                return;
        peer = coap_udp6_endpoint_address_get_hostinfo (remote);
        local = coap_udp6_endpoint_address_get_hostinfo_local (remote, NULL);
        text = g_strdup_printf ("You are %s; you reached %s", peer, local != NULL ? local : "(unknown)");
        if (coap_udp6_endpoint_address_get_peer_identity (remote) != NULL) {
                g_autofree char *plain = g_steal_pointer (&text);

                text = g_strdup_printf ("%s; coaps identity %s", plain,
                                        coap_udp6_endpoint_address_get_peer_identity (remote));
        }
        respond (request, COAP_UDP6_CODE_CONTENT, text, 0);
}

static void
time_handler (CoapUdp6Request *request)
{
        g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
        g_autofree char *text = NULL;

        if (!is_get (request))
                return;
        text = g_date_time_format_iso8601 (now);
        respond (request, COAP_UDP6_CODE_CONTENT, text, 0);
}

static CoapUdp6Resource *
add (CoapUdp6Context *context,
     const char      *path,
     DemoHandler      handler,
     const char      *rt,
     const char      *title)
{
        g_autoptr (DemoResource) resource = g_object_new (DEMO_TYPE_RESOURCE,
                                                          "resource-type", rt,
                                                          "title", title,
                                                          "content-format", 0,
                                                          NULL);

        resource->handler = handler;
        coap_udp6_context_add_resource (context, path, COAP_UDP6_RESOURCE (resource));
        return COAP_UDP6_RESOURCE (resource);
}

/* /time changes every second: its observers (RFC 7641) are told. */
static gboolean
time_tick_cb (gpointer data)
{
        coap_udp6_resource_changed (data);
        return G_SOURCE_CONTINUE;
}

static gboolean
quit_cb (gpointer data)
{
        g_main_loop_quit (data);
        return G_SOURCE_REMOVE;
}

/* Prints every counter and gauge of coap_udp6_context_get_statistic(),
 * named after the CoapUdp6Statistic values. */
static void
print_statistics (CoapUdp6Context *context)
{
        g_autoptr (GEnumClass) statistics = g_type_class_ref (COAP_UDP6_TYPE_STATISTIC);

        for (guint i = 0; i < statistics->n_values; i++) {
                GEnumValue *v = &statistics->values[i];

                fprintf (stderr, "coap-udp6-server: %s %" G_GUINT64_FORMAT "\n", v->value_nick,
                         coap_udp6_context_get_statistic (context, v->value));
        }
}

static gboolean
statistics_cb (gpointer data)
{
        print_statistics (data);
        return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
        g_auto (GStrv) binds = NULL;
        g_auto (GStrv) multicast = NULL;
        g_autoptr (GOptionContext) options = NULL;
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Context) context = NULL;
        g_autoptr (GMainLoop) loop = NULL;
        CoapUdp6Resource *time_resource;
        gboolean statistics = FALSE, version = FALSE;
        ToolCredentials coaps = { 0 };
        g_autoptr (CoapUdp6Credentials) credentials = NULL;
        gint max_dedup_entries = G_MININT, max_dedup_bytes = G_MININT, max_pending = G_MININT;
        GOptionEntry entries[] = {
                { "bind", 'b', 0, G_OPTION_ARG_STRING_ARRAY, &binds,
                  "Listen on HOST:PORT (repeatable; default [::]:5683)", "HOST:PORT" },
                { "multicast", 'g', 0, G_OPTION_ARG_STRING_ARRAY, &multicast,
                  "Join the All-CoAP-Nodes groups on IFACE (repeatable)", "IFACE" },
                { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
                  "Show every exchange on stderr", NULL },
                { "statistics", 's', 0, G_OPTION_ARG_NONE, &statistics,
                  "Print the context's statistics on SIGUSR1 and at exit", NULL },
                { "max-dedup-entries", 0, 0, G_OPTION_ARG_INT, &max_dedup_entries,
                  "Deduplication entries kept (default 8192)", "N" },
                { "max-dedup-bytes", 0, 0, G_OPTION_ARG_INT, &max_dedup_bytes,
                  "Bytes of cached replies kept (default 8 MiB)", "N" },
                { "max-pending-requests", 0, 0, G_OPTION_ARG_INT, &max_pending,
                  "Requests handled at once before 5.03 (default 1024)", "N" },
                { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
                G_OPTION_ENTRY_NULL
        };

        options = g_option_context_new ("- serve /hello, /echo, /whoami, /time and /large over CoAP");
        g_option_context_set_description (options,
                "/time can be observed (RFC 7641): it notifies every second.\n"
                "\n"
                "Once it listens, it prints one line on standard output:\n"
                "  listening on port PORT\n"
                "(with --bind [::]:0 the port is the one the kernel chose).\n"
                "\n"
                "Exit status: 0 when stopped by SIGINT or SIGTERM; 2 for bad usage or\n"
                "option values, or a socket that could not be set up.");
        g_option_context_add_main_entries (options, entries, NULL);
        g_option_context_add_group (options, tool_credentials_option_group (&coaps, TRUE));
        if (!g_option_context_parse (options, &argc, &argv, &error)) {
                fprintf (stderr, "coap-udp6-server: %s\n", error->message);
                return 2;
        }
        if (argc > 1) {
                fprintf (stderr, "coap-udp6-server: unexpected argument %s\n", argv[1]);
                return 2;
        }
        if (version) {
                tool_credentials_clear (&coaps);
                printf ("coap-udp6-server %d.%d.%d\n", COAP_UDP6_MAJOR_VERSION, COAP_UDP6_MINOR_VERSION,
                        COAP_UDP6_MICRO_VERSION);
                return 0;
        }
        if ((max_dedup_entries != G_MININT && max_dedup_entries < 1) ||
            (max_dedup_bytes != G_MININT && max_dedup_bytes < 0) ||
            (max_pending != G_MININT && max_pending < 1)) {
                fprintf (stderr, "coap-udp6-server: --max-dedup-entries and --max-pending-requests "
                                 "must be at least 1, --max-dedup-bytes at least 0\n");
                return 2;
        }
        credentials = tool_credentials_load (&coaps, TRUE, &error);
        tool_credentials_clear (&coaps);
        if (error == NULL)
                context = g_initable_new (COAP_UDP6_TYPE_CONTEXT, NULL, &error,
                                          "binds", binds, "multicast-interfaces", multicast,
                                          "is-server", TRUE, "credentials", credentials, NULL);
        if (context == NULL) {
                fprintf (stderr, "coap-udp6-server: %s\n", error->message);
                return 2;
        }
        /* Public: the name clients pin with --peer-key. */
        if (credentials != NULL && coap_udp6_credentials_get_raw_public_key_identity (credentials) != NULL)
                fprintf (stderr, "coap-udp6-server: raw public key %s\n",
                         coap_udp6_credentials_get_raw_public_key_identity (credentials));
        if (max_dedup_entries != G_MININT)
                g_object_set (context, "max-dedup-entries", (guint) max_dedup_entries, NULL);
        if (max_dedup_bytes != G_MININT)
                g_object_set (context, "max-dedup-bytes", (guint) max_dedup_bytes, NULL);
        if (max_pending != G_MININT)
                g_object_set (context, "max-pending-requests", (guint) max_pending, NULL);
        add (context, "hello", hello_handler, "demo.hello", "Hello world");
        add (context, "echo", echo_handler, "demo.echo", "Echo");
        add (context, "whoami", whoami_handler, "demo.whoami", "Who am I");
        add (context, "large", large_handler, "demo.large", "4200 bytes, served in blocks");
        time_resource = add (context, "time", time_handler, "demo.time", "Current time");
        coap_udp6_resource_set_observable (time_resource, TRUE);
        /* Tests and scripts bind port 0 and read the port from here. */
        printf ("listening on port %u\n", coap_udp6_context_get_local_port (context));
        fflush (stdout);
        if (verbose)
                tool_trace_context (context, 1, TRUE);

        loop = g_main_loop_new (NULL, FALSE);
        g_unix_signal_add (SIGINT, quit_cb, loop);
        g_unix_signal_add (SIGTERM, quit_cb, loop);
        if (statistics)
                g_unix_signal_add (SIGUSR1, statistics_cb, context);
        g_timeout_add_seconds (1, time_tick_cb, time_resource);
        g_main_loop_run (loop);
        if (statistics)
                print_statistics (context);
        return 0;
}
