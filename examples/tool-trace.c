/* tool-trace.c: what coap-udp6-client and coap-udp6-server print with -v
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tool-trace.h"

#include <string.h>

/**
 * tool_format_address:
 * @remote: a remote
 *
 * Formats @remote as `[address]:port`, also for IPv4 peers (whose
 * addresses are V4MAPPED on the dual-stack socket), with the zone of a
 * link-local address (`[fe80::2%eth0]:5683`): which interface a
 * multicast answer came from.
 *
 * Returns: (transfer full): the text
 */
char *
tool_format_address (CoapUdp6EndpointAddress *remote)
{
        GInetSocketAddress *sockaddr = coap_udp6_endpoint_address_get_sockaddr (remote);
        g_autofree char *address =
                g_inet_address_to_string (g_inet_socket_address_get_address (sockaddr));
        g_autofree char *netif = coap_udp6_endpoint_address_get_netif (remote);

        return g_strdup_printf ("[%s%s%s]:%u", address, netif != NULL ? "%" : "", netif != NULL ? netif : "",
                                g_inet_socket_address_get_port (sockaddr));
}

static void
append_hex (GString      *out,
            const guint8 *data,
            gsize         len)
{
        for (gsize i = 0; i < len; i++)
                g_string_append_printf (out, "%02x", data[i]);
}

static void
append_option_value (GString *out,
                     guint    number,
                     GBytes  *value)
{
        gsize len;
        const guint8 *data = g_bytes_get_data (value, &len);
        guint64 uint_value = 0;

        switch (coap_udp6_option_get_format (number)) {
        case COAP_UDP6_OPTION_FORMAT_UINT:
                if (len > 8)
                        break;
                for (gsize i = 0; i < len; i++)
                        uint_value = uint_value << 8 | data[i];
                g_string_append_printf (out, "%" G_GUINT64_FORMAT, uint_value);
                if ((number == COAP_UDP6_OPTION_CONTENT_FORMAT || number == COAP_UDP6_OPTION_ACCEPT) &&
                    coap_udp6_content_format_to_string (uint_value) != NULL)
                        g_string_append_printf (out, " (%s)",
                                                coap_udp6_content_format_to_string (uint_value));
                return;
        case COAP_UDP6_OPTION_FORMAT_STRING:
                if (!g_utf8_validate ((const char *) data, len, NULL))
                        break;
                g_string_append_c (out, '"');
                g_string_append_len (out, (const char *) data, len);
                g_string_append_c (out, '"');
                return;
        case COAP_UDP6_OPTION_FORMAT_EMPTY:
                if (len > 0)
                        break;
                g_string_append (out, "(empty)");
                return;
        case COAP_UDP6_OPTION_FORMAT_OPAQUE:
        default:
                break;
        }
        g_string_append (out, "0x");
        append_hex (out, data, len);
}

static void
append_hex_dump (GString      *out,
                 const guint8 *data,
                 gsize         len)
{
        for (gsize row = 0; row < len; row += 16) {
                g_string_append_printf (out, "   %04zx ", row);
                for (gsize i = row; i < row + 16; i++) {
                        if (i < len)
                                g_string_append_printf (out, " %02x", data[i]);
                        else
                                g_string_append (out, "   ");
                }
                g_string_append (out, "  ");
                for (gsize i = row; i < row + 16 && i < len; i++)
                        g_string_append_c (out, g_ascii_isprint (data[i]) ? data[i] : '.');
                g_string_append_c (out, '\n');
        }
}

/**
 * tool_describe_message:
 * @prefix: "->" or "<-"
 * @message: the message; its remote is the peer
 * @sent: whether @message was sent to its remote (or received from it)
 * @verbosity: 1 for the header and every option, 2 adds the datagram
 *
 * Describes the header, the peer, every option by name and value and the
 * payload size, one line each; with @verbosity 2 also a hex dump of the
 * message encoded (what went or came over the wire: the codec is
 * canonical).
 *
 * Returns: (transfer full): the lines
 */
char *
tool_describe_message (const char      *prefix,
                       CoapUdp6Message *message,
                       gboolean         sent,
                       int              verbosity)
{
        GString *out = g_string_new (NULL);
        CoapUdp6EndpointAddress *remote = coap_udp6_message_get_remote (message);
        g_autofree char *address = remote != NULL ? tool_format_address (remote) : NULL;
        const char *code = coap_udp6_code_to_string (coap_udp6_message_get_code (message));
        GBytes *token = coap_udp6_message_get_token (message);
        GBytes *payload = coap_udp6_message_get_payload (message);
        gsize token_len;
        const guint8 *token_data = g_bytes_get_data (token, &token_len);

        g_string_append_printf (out, "%s %s %s mid=%u token=", prefix,
                                coap_udp6_message_type_to_string (coap_udp6_message_get_mtype (message)),
                                code, coap_udp6_message_get_mid (message));
        append_hex (out, token_data, token_len);
        if (address != NULL)
                g_string_append_printf (out, " %s %s", sent ? "to" : "from", address);
        g_string_append_printf (out, " (%zu bytes of payload)\n",
                                payload != NULL ? g_bytes_get_size (payload) : 0);

        for (guint i = 0; i < coap_udp6_message_get_n_options (message); i++) {
                guint number = 0;
                g_autoptr (GBytes) value = coap_udp6_message_get_nth_option (message, i, &number);
                const char *name = coap_udp6_option_get_name (number);

                g_string_append_printf (out, "   %s (%u): ", name != NULL ? name : "Unknown", number);
                append_option_value (out, number, value);
                g_string_append_c (out, '\n');
        }

        if (verbosity >= 2) {
                g_autoptr (GError) error = NULL;
                g_autoptr (GBytes) datagram = coap_udp6_message_encode (message, &error);
                gsize len;
                const guint8 *data;

                if (datagram == NULL) {
                        g_string_append_printf (out, "   (cannot encode: %s)\n", error->message);
                } else {
                        data = g_bytes_get_data (datagram, &len);
                        g_string_append_printf (out, "   datagram, %zu bytes:\n", len);
                        append_hex_dump (out, data, len);
                }
        }
        return g_string_free (out, FALSE);
}

typedef struct {
        int verbosity;
        gboolean server;
} Trace;

static void
trace_message (CoapUdp6Message *message,
               const Trace     *trace,
               gboolean         sent)
{
        const char *prefix = sent != trace->server ? "->" : "<-";
        g_autofree char *text = tool_describe_message (prefix, message, sent, trace->verbosity);

        fputs (text, stderr);
        fflush (stderr);
}

static void
trace_watch (CoapUdp6Context *context,
             CoapUdp6Message *message,
             gboolean         sent,
             gpointer         user_data)
{
        trace_message (message, user_data, sent);
}

/**
 * tool_trace_context:
 * @context: the tool's context
 * @verbosity: as for tool_describe_message()
 * @server: whether the tool is the server: its arrows point from the
 *   client's side, `->` for what it receives and `<-` for what it sends
 *
 * Prints every message @context sends and receives on stderr, through
 * coap_udp6_context_add_message_watch(): retransmissions, ACKs, blocks
 * and the answers the context gives by itself included.
 */
void
tool_trace_context (CoapUdp6Context *context,
                    int              verbosity,
                    gboolean         server)
{
        Trace *trace = g_new0 (Trace, 1);

        trace->verbosity = verbosity;
        trace->server = server;
        coap_udp6_context_add_message_watch (context, trace_watch, trace, g_free);
}
