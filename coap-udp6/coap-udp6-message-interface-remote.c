/* coap-udp6-message-interface-remote.c: host and port parsing, resolution
 * of a message's remote
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-message-interface-private.h"
#include "coap-udp6-error.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <string.h>

#define COAP_PORT 5683

static gboolean
parse_port (const char *text,
            guint      *port,
            GError    **error)
{
        guint64 value;

        if (!g_ascii_string_to_unsigned (text, 10, 0, 65535, &value, NULL)) {
                g_set_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_INVALID_URI,
                             "“%s” is not a port number", text);
                return FALSE;
        }
        *port = value;
        return TRUE;
}

static gboolean
parse_zone (const char *zone,
            guint      *ifindex,
            GError    **error)
{
        guint64 value;

        *ifindex = if_nametoindex (zone);
        if (*ifindex != 0)
                return TRUE;
        if (g_ascii_string_to_unsigned (zone, 10, 1, G_MAXUINT32, &value, NULL)) {
                *ifindex = value;
                return TRUE;
        }
        g_set_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_RESOLUTION,
                     "Unknown network interface “%s” in zone", zone);
        return FALSE;
}

/* "host", "host:port", "v4:port", "[v6]", "[v6%zone]:port", or a bare v6
 * literal. */
gboolean
coap_udp6_parse_hostport (const char  *text,
                          guint        default_port,
                          char       **host,
                          guint       *ifindex,
                          guint       *port,
                          GError     **error)
{
        g_autofree char *h = NULL;
        const char *rest = NULL;
        char *percent;

        *port = default_port;
        *ifindex = 0;
        if (text[0] == '[') {
                const char *end = strchr (text, ']');

                if (end == NULL || (end[1] != '\0' && end[1] != ':')) {
                        g_set_error (error, COAP_UDP6_ERROR,
                                     COAP_UDP6_ERROR_INVALID_URI,
                                     "“%s” is not a valid host and port", text);
                        return FALSE;
                }
                h = g_strndup (text + 1, end - text - 1);
                rest = end[1] == ':' ? end + 2 : NULL;
        } else if (strchr (text, ':') != strrchr (text, ':')) {
                h = g_strdup (text);
        } else {
                const char *colon = strchr (text, ':');

                h = colon ? g_strndup (text, colon - text) : g_strdup (text);
                rest = colon ? colon + 1 : NULL;
        }
        if (rest != NULL && !parse_port (rest, port, error))
                return FALSE;
        percent = strchr (h, '%');
        if (percent != NULL) {
                *percent = '\0';
                if (!parse_zone (percent + 1, ifindex, error))
                        return FALSE;
        }
        if (h[0] == '\0') {
                g_set_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_INVALID_URI,
                             "“%s” has no host", text);
                return FALSE;
        }
        *host = g_steal_pointer (&h);
        return TRUE;
}

/* FALSE without error: @host is not a literal (a name to resolve). */
gboolean
coap_udp6_literal_to_native (const char          *host,
                             guint                ifindex,
                             guint                port,
                             struct sockaddr_in6 *out,
                             GError             **error)
{
        struct in_addr v4;

        memset (out, 0, sizeof *out);
        /* inet_pton() as g_inet_address_new_from_string() uses it, without
         * an object per request. */
        if (inet_pton (AF_INET, host, &v4) == 1) {
                out->sin6_addr.s6_addr[10] = 0xff;
                out->sin6_addr.s6_addr[11] = 0xff;
                memcpy (&out->sin6_addr.s6_addr[12], &v4, 4);
        } else if (inet_pton (AF_INET6, host, &out->sin6_addr) != 1) {
                if (ifindex != 0)
                        g_set_error (error, COAP_UDP6_ERROR,
                                     COAP_UDP6_ERROR_RESOLUTION,
                                     "A zone needs an IPv6 address, not “%s”",
                                     host);
                return FALSE;
        }
        out->sin6_family = AF_INET6;
        out->sin6_port = g_htons (port);
        out->sin6_scope_id = ifindex;
        if (ifindex == 0 && coap_udp6_in6_needs_scope (&out->sin6_addr)) {
                g_set_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_RESOLUTION,
                             "The link-local address %s needs a zone "
                             "(like [%s%%eth0])", host, host);
                return FALSE;
        }
        return TRUE;
}

static CoapUdp6EndpointAddress *
remote_from_native (CoapUdp6MessageInterface  *self,
                    const struct sockaddr_in6 *sin6)
{
        CoapUdp6Pktinfo *pktinfo = NULL;

        if (sin6->sin6_scope_id == 0 && self->fd >= 0)
                return coap_udp6_message_interface_lookup_remote (self, sin6, NULL);
        /* Linux picks the link by the scope id only for link-local
         * destinations; an interface-only pktinfo makes it explicit. */
        if (sin6->sin6_scope_id != 0)
                pktinfo = coap_udp6_pktinfo_new_interface_only (sin6->sin6_scope_id,
                                                                IN6_IS_ADDR_V4MAPPED (&sin6->sin6_addr));
        return coap_udp6_endpoint_address_new_native (sin6, self->anchor, pktinfo);
}

static void
lookup_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
        g_autoptr (GTask) task = user_data;
        CoapUdp6MessageInterface *self = g_task_get_source_object (task);
        guint port = GPOINTER_TO_UINT (g_task_get_task_data (task));
        g_autoptr (GError) error = NULL;
        GList *addresses;
        struct sockaddr_in6 sin6 = { 0 };

        addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source),
                                                      result, &error);
        if (addresses == NULL) {
                g_task_return_new_error (task, COAP_UDP6_ERROR,
                                         COAP_UDP6_ERROR_RESOLUTION,
                                         "%s", error->message);
                return;
        }
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = g_htons (port);
        coap_udp6_in6_from_inet_address (addresses->data, &sin6.sin6_addr);
        g_resolver_free_addresses (addresses);
        /* coaps checks the server's certificate against the name and
         * sends it as SNI: the remote carries it (and is not shared). */
        if (self->credentials != NULL) {
                g_task_return_pointer (task,
                                       coap_udp6_endpoint_address_new_named (&sin6, self->anchor,
                                               g_object_get_data (G_OBJECT (task), "coap-udp6-host")),
                                       g_object_unref);
                return;
        }
        g_task_return_pointer (task, remote_from_native (self, &sin6),
                               g_object_unref);
}

static gboolean
wants_coaps (CoapUdp6Message *message)
{
        const char *scheme = coap_udp6_message_get_requested_scheme (message);

        return scheme != NULL && g_ascii_strcasecmp (scheme, "coaps") == 0;
}

static gboolean
split_target (CoapUdp6Message *message,
              char           **host,
              guint           *ifindex,
              guint           *port,
              GError         **error)
{
        const char *unresolved = coap_udp6_message_get_unresolved_remote (message);
        guint uri_port;
        g_autofree char *uri_host = NULL;

        if (!coap_udp6_message_get_uri_port (message, &uri_port) || uri_port == 0)
                uri_port = wants_coaps (message) ? COAP_UDP6_COAPS_PORT : COAP_PORT;
        if (unresolved != NULL)
                return coap_udp6_parse_hostport (unresolved, uri_port, host,
                                                 ifindex, port, error);
        uri_host = coap_udp6_message_get_uri_host (message);
        if (uri_host == NULL) {
                g_set_error_literal (error, COAP_UDP6_ERROR,
                                     COAP_UDP6_ERROR_INVALID_URI,
                                     "The message has neither a remote nor a "
                                     "Uri-Host");
                return FALSE;
        }
        if (uri_host[0] != '[' && strchr (uri_host, ':') != NULL) {
                g_autofree char *bracketed = g_strdup_printf ("[%s]", uri_host);

                return coap_udp6_parse_hostport (bracketed, uri_port, host,
                                                 ifindex, port, error);
        }
        return coap_udp6_parse_hostport (uri_host, uri_port, host, ifindex,
                                         port, error);
}

/**
 * coap_udp6_message_interface_determine_remote_async:
 * @self: a #CoapUdp6MessageInterface
 * @message: a request without a remote
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: data for @callback
 *
 * Finds the remote for @message: the host from its
 * [property@Message:unresolved-remote] or its Uri-Host option (brackets
 * stripped), the port from there, from Uri-Port, or 5683. Literals and
 * zones (`[fe80::1%eth0]`) need no resolver; names are resolved without
 * blocking. IPv4 results become IPv4-mapped; a scoped destination gets an
 * interface-only pktinfo.
 *
 * Since: 1.0
 */
/* The synchronous part of determine_remote_async(): TRUE when the answer
 * is known without a resolver (*@remote set, or NULL for another scheme,
 * or @error set); FALSE when the host is a name to resolve. Saves a client
 * request a main-loop round trip through GTask's idle. */
gboolean
coap_udp6_message_interface_determine_remote_now (CoapUdp6MessageInterface *self,
                                                  CoapUdp6Message          *message,
                                                  CoapUdp6EndpointAddress **remote,
                                                  GError                  **error)
{
        g_autofree char *host = NULL;
        const char *scheme;
        struct sockaddr_in6 sin6;
        guint ifindex, port;

        *remote = NULL;
        scheme = coap_udp6_message_get_requested_scheme (message);
        /* The udp6 transport takes coap, the coaps one coaps. */
        if (scheme != NULL && g_ascii_strcasecmp (scheme, "coap") != 0 &&
            g_ascii_strcasecmp (scheme, "coaps") != 0)
                return TRUE;
        if (wants_coaps (message) != (self->credentials != NULL))
                return TRUE;
        if (!split_target (message, &host, &ifindex, &port, error))
                return TRUE;
        if (coap_udp6_literal_to_native (host, ifindex, port, &sin6, error)) {
                *remote = remote_from_native (self, &sin6);
                return TRUE;
        }
        return *error != NULL;
}

void
coap_udp6_message_interface_determine_remote_async (CoapUdp6MessageInterface *self,
                                                    CoapUdp6Message          *message,
                                                    GCancellable             *cancellable,
                                                    GAsyncReadyCallback       callback,
                                                    gpointer                  user_data)
{
        g_autoptr (GTask) task = NULL;
        g_autoptr (GError) error = NULL;
        g_autoptr (GResolver) resolver = NULL;
        g_autofree char *host = NULL;
        CoapUdp6EndpointAddress *remote;
        guint ifindex, port;

        g_return_if_fail (COAP_UDP6_IS_MESSAGE_INTERFACE (self));
        g_return_if_fail (COAP_UDP6_IS_MESSAGE (message));

        task = g_task_new (self, cancellable, callback, user_data);
        g_task_set_source_tag (task, coap_udp6_message_interface_determine_remote_async);
        if (coap_udp6_message_interface_determine_remote_now (self, message, &remote, &error)) {
                if (error != NULL)
                        g_task_return_error (task, g_steal_pointer (&error));
                else
                        g_task_return_pointer (task, remote, remote != NULL ? g_object_unref : NULL);
                return;
        }
        if (!split_target (message, &host, &ifindex, &port, &error)) {
                g_task_return_error (task, g_steal_pointer (&error));
                return;
        }
        g_task_set_task_data (task, GUINT_TO_POINTER (port), NULL);
        if (self->credentials != NULL)
                g_object_set_data_full (G_OBJECT (task), "coap-udp6-host", g_strdup (host), g_free);
        resolver = g_resolver_get_default ();
        g_resolver_lookup_by_name_async (resolver, host,
                                         cancellable, lookup_done,
                                         g_steal_pointer (&task));
}

/**
 * coap_udp6_message_interface_determine_remote_finish:
 * @self: a #CoapUdp6MessageInterface
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes [method@MessageInterface.determine_remote_async].
 *
 * Returns: (transfer full) (nullable): the remote, or %NULL without an
 *   error when the message's scheme is not handled by this transport
 *
 * Since: 1.0
 */
CoapUdp6EndpointAddress *
coap_udp6_message_interface_determine_remote_finish (CoapUdp6MessageInterface *self,
                                                     GAsyncResult             *result,
                                                     GError                  **error)
{
        g_return_val_if_fail (g_task_is_valid (result, self), NULL);
        g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                              coap_udp6_message_interface_determine_remote_async, NULL);

        return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * coap_udp6_message_interface_recognize_remote:
 * @self: a #CoapUdp6MessageInterface
 * @remote: a remote
 *
 * Whether @remote belongs to this message interface.
 *
 * Returns: %TRUE when messages to @remote go through @self
 *
 * Since: 1.0
 */
gboolean
coap_udp6_message_interface_recognize_remote (CoapUdp6MessageInterface *self,
                                              CoapUdp6EndpointAddress  *remote)
{
        g_autoptr (CoapUdp6MessageInterface) interface = NULL;

        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE_INTERFACE (self), FALSE);
        g_return_val_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS (remote), FALSE);

        interface = coap_udp6_endpoint_address_get_interface (remote);
        return interface == self;
}
