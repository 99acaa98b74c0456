/* tool-trace.c: what coap-udp6-client and coap-udp6-server print with -v
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tool-trace.h"

#include <string.h>

static void (*context_dispatch_message) (CoapUdp6MessageManager *manager,
                                         CoapUdp6Message        *message);
static ToolTraceFunc trace_before, trace_after;
static gpointer trace_data;

static void
traced_dispatch_message (CoapUdp6MessageManager *manager,
                         CoapUdp6Message        *message)
{
        g_object_ref (message);
        if (trace_before != NULL)
                trace_before (message, trace_data);
        context_dispatch_message (manager, message);
        if (trace_after != NULL)
                trace_after (message, trace_data);
        g_object_unref (message);
}

/* The context is the message manager of its sockets: wrapping its
 * dispatch_message shows every message as it arrives, also those the
 * context answers itself (/.well-known/core, 4.04, ACKs, duplicates). Only
 * the tools do this, and only with -v: the library's own path is unchanged. */
void
tool_trace_received (ToolTraceFunc before,
                     ToolTraceFunc after,
                     gpointer      user_data)
{
        g_autoptr (GTypeClass) klass = g_type_class_ref (COAP_UDP6_TYPE_CONTEXT);
        CoapUdp6MessageManagerInterface *iface =
                g_type_interface_peek (klass, COAP_UDP6_TYPE_MESSAGE_MANAGER);

        g_return_if_fail (context_dispatch_message == NULL);
        trace_before = before;
        trace_after = after;
        trace_data = user_data;
        context_dispatch_message = iface->dispatch_message;
        iface->dispatch_message = traced_dispatch_message;
}

/**
 * tool_format_address:
 * @remote: a remote
 *
 * Formats @remote as `[address]:port`, also for IPv4 peers (whose
 * addresses are V4MAPPED on the dual-stack socket).
 *
 * Returns: (transfer full): the text
 */
char *
tool_format_address (CoapUdp6EndpointAddress *remote)
{
        GInetSocketAddress *sockaddr = coap_udp6_endpoint_address_get_sockaddr (remote);
        g_autofree char *address =
                g_inet_address_to_string (g_inet_socket_address_get_address (sockaddr));

        return g_strdup_printf ("[%s]:%u", address, g_inet_socket_address_get_port (sockaddr));
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
 * @message: the message
 * @peer: (nullable): where @message goes when it has no remote yet (a
 *   message with a remote was received from it)
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
                       const char      *peer,
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

        if (address != NULL)
                peer = address;
        g_string_append_printf (out, "%s %s %s mid=%u token=", prefix,
                                coap_udp6_message_type_to_string (coap_udp6_message_get_mtype (message)),
                                code, coap_udp6_message_get_mid (message));
        append_hex (out, token_data, token_len);
        if (peer != NULL)
                g_string_append_printf (out, " %s %s", address != NULL ? "from" : "to", peer);
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
