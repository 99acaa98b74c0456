/* coap-udp6-message-interface.c: one dual-stack UDP socket (the udp6
 * transport): construction, properties and shutdown
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-message-interface-private.h"
#include "coap-udp6-error.h"
#include "coap-udp6-credentials.h"

#include <string.h>

/**
 * CoapUdp6MessageInterface:
 *
 * The udp6 transport: one `AF_INET6` UDP socket with `IPV6_V6ONLY` off,
 * so IPv4 peers appear IPv4-mapped, that serves as client and server at
 * once. `IPV6_RECVPKTINFO` tells which local address a datagram reached,
 * so responses leave from it and multicast requests are recognized;
 * `IPV6_RECVERR`/`IP_RECVERR` deliver ICMP errors from the error queue
 * to the [iface@MessageManager].
 *
 * Received datagrams are read on the thread-default #GMainContext of the
 * thread that created the interface, in batches of at most 32 per
 * wake-up.
 *
 * Made with [property@MessageInterface:credentials] it is the coaps
 * transport instead: the same socket carries DTLS 1.2 records (RFC 7252
 * §9), one session per peer, and its endpoint addresses have the scheme
 * `coaps` and the identity each peer proved
 * ([method@EndpointAddress.get_peer_identity]).
 *
 * Since: 1.0
 */

static void initable_iface_init (GInitableIface *iface);
static void async_initable_iface_init (GAsyncInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CoapUdp6MessageInterface, coap_udp6_message_interface,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_INITABLE,
                                                      async_initable_iface_init))

enum {
        PROP_0,
        PROP_MANAGER,
        PROP_BIND,
        PROP_MULTICAST,
        PROP_SERVER,
        PROP_REUSE_PORT,
        PROP_CREDENTIALS,
        PROP_LOCAL_PORT,
        PROP_DATAGRAMS_RECEIVED,
        PROP_DATAGRAMS_DROPPED_UNPARSABLE,
        PROP_DATAGRAMS_DROPPED_TRUNCATED,
        PROP_ERRORS_RECEIVED,
        N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
coap_udp6_message_interface_dispose (GObject *object)
{
        CoapUdp6MessageInterface *self = COAP_UDP6_MESSAGE_INTERFACE (object);

        coap_udp6_message_interface_stop (self);
        self->anchor->iface = NULL;

        G_OBJECT_CLASS (coap_udp6_message_interface_parent_class)->dispose (object);
}

static void
coap_udp6_message_interface_finalize (GObject *object)
{
        CoapUdp6MessageInterface *self = COAP_UDP6_MESSAGE_INTERFACE (object);

        g_weak_ref_clear (&self->manager);
        self->anchor->iface = NULL;
        g_rc_box_release (self->anchor);
        g_main_context_unref (self->context);
        g_free (self->bind);
        g_strfreev (self->multicast);
        g_clear_pointer (&self->dtls, coap_udp6_dtls_free);
        g_clear_object (&self->credentials);

        G_OBJECT_CLASS (coap_udp6_message_interface_parent_class)->finalize (object);
}

static void
coap_udp6_message_interface_get_property (GObject    *object,
                                          guint       prop_id,
                                          GValue     *value,
                                          GParamSpec *pspec)
{
        CoapUdp6MessageInterface *self = COAP_UDP6_MESSAGE_INTERFACE (object);

        switch (prop_id) {
        case PROP_MANAGER:
                g_value_take_object (value, g_weak_ref_get (&self->manager));
                break;
        case PROP_BIND:
                g_value_set_string (value, self->bind);
                break;
        case PROP_MULTICAST:
                g_value_set_boxed (value, self->multicast);
                break;
        case PROP_SERVER:
                g_value_set_boolean (value, self->server);
                break;
        case PROP_REUSE_PORT:
                g_value_set_boolean (value, self->reuse_port);
                break;
        case PROP_CREDENTIALS:
                g_value_set_object (value, self->credentials);
                break;
        case PROP_LOCAL_PORT:
                g_value_set_uint (value, self->local_port);
                break;
        case PROP_DATAGRAMS_RECEIVED:
                g_value_set_uint64 (value, self->datagrams_received);
                break;
        case PROP_DATAGRAMS_DROPPED_UNPARSABLE:
                g_value_set_uint64 (value, self->datagrams_dropped_unparsable);
                break;
        case PROP_DATAGRAMS_DROPPED_TRUNCATED:
                g_value_set_uint64 (value, self->datagrams_dropped_truncated);
                break;
        case PROP_ERRORS_RECEIVED:
                g_value_set_uint64 (value, self->errors_received);
                break;
        default:
                G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        }
}

static void
coap_udp6_message_interface_set_property (GObject      *object,
                                          guint         prop_id,
                                          const GValue *value,
                                          GParamSpec   *pspec)
{
        CoapUdp6MessageInterface *self = COAP_UDP6_MESSAGE_INTERFACE (object);

        switch (prop_id) {
        case PROP_MANAGER:
                g_weak_ref_set (&self->manager, g_value_get_object (value));
                break;
        case PROP_BIND:
                g_free (self->bind);
                self->bind = g_value_dup_string (value);
                break;
        case PROP_MULTICAST:
                g_strfreev (self->multicast);
                self->multicast = g_value_dup_boxed (value);
                break;
        case PROP_SERVER:
                self->server = g_value_get_boolean (value);
                break;
        case PROP_REUSE_PORT:
                self->reuse_port = g_value_get_boolean (value);
                break;
        case PROP_CREDENTIALS:
                self->credentials = g_value_dup_object (value);
                break;
        default:
                G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        }
}

static GParamSpec *
counter_pspec (const char *name)
{
        return g_param_spec_uint64 (name, NULL, NULL, 0, G_MAXUINT64, 0,
                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                    G_PARAM_EXPLICIT_NOTIFY);
}

static void
coap_udp6_message_interface_class_init (CoapUdp6MessageInterfaceClass *klass)
{
        GObjectClass *object_class = G_OBJECT_CLASS (klass);
        GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

        object_class->dispose = coap_udp6_message_interface_dispose;
        object_class->finalize = coap_udp6_message_interface_finalize;
        object_class->get_property = coap_udp6_message_interface_get_property;
        object_class->set_property = coap_udp6_message_interface_set_property;

        /**
         * CoapUdp6MessageInterface:manager: (attributes org.gtk.Property.get=coap_udp6_message_interface_get_manager)
         *
         * Where received messages and errors go; held weakly.
         *
         * Since: 1.0
         */
        properties[PROP_MANAGER] = g_param_spec_object ("manager", NULL, NULL,
                COAP_UDP6_TYPE_MESSAGE_MANAGER, co);
        /**
         * CoapUdp6MessageInterface:bind:
         *
         * The address to bind: `[::]:5683`, `127.0.0.1:0`, `[fe80::1%eth0]`,
         * or a host name (port 5683 when left out).
         *
         * Since: 1.0
         */
        properties[PROP_BIND] = g_param_spec_string ("bind", NULL, NULL,
                "[::]:0", co);
        /**
         * CoapUdp6MessageInterface:multicast:
         *
         * Interface names on which to join ff02::fd, ff05::fd and
         * 224.0.1.187.
         *
         * Since: 1.0
         */
        properties[PROP_MULTICAST] = g_param_spec_boxed ("multicast", NULL, NULL,
                G_TYPE_STRV, co);
        /**
         * CoapUdp6MessageInterface:is-server:
         *
         * Whether the socket serves requests (its bind defaults to
         * `[::]:5683`). A server does not share its port unless
         * [property@MessageInterface:reuse-port] is set.
         *
         * Since: 1.0
         */
        properties[PROP_SERVER] = g_param_spec_boolean ("is-server", NULL, NULL,
                FALSE, co);
        /**
         * CoapUdp6MessageInterface:reuse-port:
         *
         * Whether to set `SO_REUSEPORT`, so that other sockets of the same
         * user that also set it can bind the same address and port. The
         * kernel then spreads unicast datagrams between those sockets (by a
         * hash of the sender's address), so each sees only part of the
         * traffic, and a second server started by mistake shares the port
         * silently instead of failing. Without it (the default), a bind to
         * a port in use fails with %G_IO_ERROR_ADDRESS_IN_USE.
         *
         * Since: 1.0
         */
        properties[PROP_REUSE_PORT] = g_param_spec_boolean ("reuse-port", NULL, NULL,
                FALSE, co);
        /**
         * CoapUdp6MessageInterface:credentials:
         *
         * With credentials the interface speaks coaps (DTLS 1.2) with them,
         * and its bind defaults to port 5684. Initialization fails with
         * %COAP_UDP6_ERROR_NOT_SUPPORTED when the library was built without
         * DTLS, or with a %G_TLS_ERROR when the credentials are unusable.
         *
         * Since: 1.0
         */
        properties[PROP_CREDENTIALS] = g_param_spec_object ("credentials", NULL, NULL,
                COAP_UDP6_TYPE_CREDENTIALS, co);
        /**
         * CoapUdp6MessageInterface:local-port: (attributes org.gtk.Property.get=coap_udp6_message_interface_get_local_port)
         *
         * The bound local port, 0 before initialization.
         *
         * Since: 1.0
         */
        properties[PROP_LOCAL_PORT] = g_param_spec_uint ("local-port", NULL, NULL,
                0, 65535, 0,
                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
        /**
         * CoapUdp6MessageInterface:datagrams-received: (attributes org.gtk.Property.get=coap_udp6_message_interface_get_datagrams_received)
         *
         * How many datagrams were read (including dropped ones).
         *
         * Since: 1.0
         */
        properties[PROP_DATAGRAMS_RECEIVED] = counter_pspec ("datagrams-received");
        /**
         * CoapUdp6MessageInterface:datagrams-dropped-unparsable: (attributes org.gtk.Property.get=coap_udp6_message_interface_get_datagrams_dropped_unparsable)
         *
         * How many datagrams were not CoAP messages.
         *
         * Since: 1.0
         */
        properties[PROP_DATAGRAMS_DROPPED_UNPARSABLE] =
                counter_pspec ("datagrams-dropped-unparsable");
        /**
         * CoapUdp6MessageInterface:datagrams-dropped-truncated: (attributes org.gtk.Property.get=coap_udp6_message_interface_get_datagrams_dropped_truncated)
         *
         * How many datagrams were longer than the receive buffer.
         *
         * Since: 1.0
         */
        properties[PROP_DATAGRAMS_DROPPED_TRUNCATED] =
                counter_pspec ("datagrams-dropped-truncated");
        /**
         * CoapUdp6MessageInterface:errors-received: (attributes org.gtk.Property.get=coap_udp6_message_interface_get_errors_received)
         *
         * How many entries were read from the socket's error queue.
         *
         * Since: 1.0
         */
        properties[PROP_ERRORS_RECEIVED] = counter_pspec ("errors-received");

        g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
coap_udp6_message_interface_init (CoapUdp6MessageInterface *self)
{
        g_weak_ref_init (&self->manager, NULL);
        self->anchor = g_rc_box_new0 (CoapUdp6InterfaceAnchor);
        self->anchor->iface = self;
        self->context = g_main_context_ref_thread_default ();
        self->fd = -1;
        g_queue_init (&self->pending_errors);
}

/* FALSE without error: the bind host is a name to resolve. */
static gboolean
parse_bind (CoapUdp6MessageInterface *self,
            struct sockaddr_in6      *sin6,
            char                    **name,
            guint                    *port,
            GError                  **error)
{
        g_autofree char *host = NULL;
        guint ifindex;

        guint default_port = self->credentials != NULL ? 5684 : 5683;

        if (!coap_udp6_parse_hostport (self->bind ? self->bind : "[::]:5683",
                                       default_port, &host, &ifindex, port, error))
                return FALSE;
        if (coap_udp6_literal_to_native (host, ifindex, *port, sin6, error))
                return TRUE;
        *name = g_steal_pointer (&host);
        return FALSE;
}

static gboolean
check_manager (CoapUdp6MessageInterface *self,
               GError                  **error)
{
        g_autoptr (CoapUdp6MessageManager) manager = g_weak_ref_get (&self->manager);

        if (manager != NULL)
                return TRUE;
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                             "A message interface needs a message manager");
        return FALSE;
}

static gboolean
start_with_address (CoapUdp6MessageInterface *self,
                    GInetAddress             *address,
                    guint                     port,
                    GError                  **error)
{
        struct sockaddr_in6 sin6 = { 0 };

        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = g_htons (port);
        coap_udp6_in6_from_inet_address (address, &sin6.sin6_addr);
        return coap_udp6_message_interface_start (self, &sin6, error);
}

static gboolean
initable_init (GInitable    *initable,
               GCancellable *cancellable,
               GError      **error)
{
        CoapUdp6MessageInterface *self = COAP_UDP6_MESSAGE_INTERFACE (initable);
        g_autofree char *name = NULL;
        g_autoptr (GResolver) resolver = NULL;
        struct sockaddr_in6 sin6;
        GError *local_error = NULL;
        GList *addresses;
        gboolean ok;
        guint port;

        if (self->initialized)
                return self->socket != NULL;
        self->initialized = TRUE;
        if (!check_manager (self, error))
                return FALSE;
        if (parse_bind (self, &sin6, &name, &port, &local_error))
                return coap_udp6_message_interface_start (self, &sin6, error);
        if (local_error != NULL) {
                g_propagate_error (error, local_error);
                return FALSE;
        }
        /* The synchronous constructor blocks on a name; use the _async one
         * from a main loop. */
        resolver = g_resolver_get_default ();
        addresses = g_resolver_lookup_by_name (resolver, name,
                                               cancellable, &local_error);
        if (addresses == NULL) {
                g_set_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_RESOLUTION,
                             "%s", local_error->message);
                g_error_free (local_error);
                return FALSE;
        }
        ok = start_with_address (self, addresses->data, port, error);
        g_resolver_free_addresses (addresses);
        return ok;
}

static void
initable_iface_init (GInitableIface *iface)
{
        iface->init = initable_init;
}

static void
bind_lookup_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
        g_autoptr (GTask) task = user_data;
        CoapUdp6MessageInterface *self = g_task_get_source_object (task);
        g_autoptr (GError) error = NULL;
        GList *addresses;
        gboolean ok;

        addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source),
                                                      result, &error);
        if (addresses == NULL) {
                g_task_return_new_error (task, COAP_UDP6_ERROR,
                                         COAP_UDP6_ERROR_RESOLUTION,
                                         "%s", error->message);
                return;
        }
        ok = start_with_address (self, addresses->data,
                                 GPOINTER_TO_UINT (g_task_get_task_data (task)),
                                 &error);
        g_resolver_free_addresses (addresses);
        if (!ok)
                g_task_return_error (task, g_steal_pointer (&error));
        else
                g_task_return_boolean (task, TRUE);
}

static void
async_initable_init_async (GAsyncInitable      *initable,
                           int                  io_priority,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
        CoapUdp6MessageInterface *self = COAP_UDP6_MESSAGE_INTERFACE (initable);
        g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
        g_autoptr (GError) error = NULL;
        g_autoptr (GResolver) resolver = NULL;
        g_autofree char *name = NULL;
        struct sockaddr_in6 sin6;
        guint port;

        g_task_set_source_tag (task, async_initable_init_async);
        if (self->initialized || !check_manager (self, &error)) {
                self->initialized = TRUE;
                if (error == NULL && self->socket == NULL)
                        g_set_error_literal (&error, COAP_UDP6_ERROR,
                                             COAP_UDP6_ERROR_FAILED,
                                             "Initialization failed before");
                if (error != NULL)
                        g_task_return_error (task, g_steal_pointer (&error));
                else
                        g_task_return_boolean (task, TRUE);
                return;
        }
        self->initialized = TRUE;
        if (parse_bind (self, &sin6, &name, &port, &error)) {
                if (coap_udp6_message_interface_start (self, &sin6, &error))
                        g_task_return_boolean (task, TRUE);
                else
                        g_task_return_error (task, g_steal_pointer (&error));
                return;
        }
        if (error != NULL) {
                g_task_return_error (task, g_steal_pointer (&error));
                return;
        }
        g_task_set_task_data (task, GUINT_TO_POINTER (port), NULL);
        resolver = g_resolver_get_default ();
        g_resolver_lookup_by_name_async (resolver, name,
                                         cancellable, bind_lookup_done,
                                         g_steal_pointer (&task));
}

static gboolean
async_initable_init_finish (GAsyncInitable *initable,
                            GAsyncResult   *result,
                            GError        **error)
{
        g_return_val_if_fail (g_task_is_valid (result, initable), FALSE);
        g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == async_initable_init_async,
                              FALSE);

        return g_task_propagate_boolean (G_TASK (result), error);
}

static void
async_initable_iface_init (GAsyncInitableIface *iface)
{
        iface->init_async = async_initable_init_async;
        iface->init_finish = async_initable_init_finish;
}

/**
 * coap_udp6_message_interface_new_client:
 * @manager: the message manager (held weakly)
 * @error: return location for a #GError
 *
 * Creates a client message interface bound to `[::]:0`.
 *
 * Returns: (transfer full) (nullable): the message interface, or %NULL
 *
 * Since: 1.0
 */
CoapUdp6MessageInterface *
coap_udp6_message_interface_new_client (CoapUdp6MessageManager *manager,
                                        GError                **error)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE_MANAGER (manager), NULL);

        return g_initable_new (COAP_UDP6_TYPE_MESSAGE_INTERFACE, NULL, error,
                               "manager", manager,
                               "bind", "[::]:0",
                               "is-server", FALSE,
                               NULL);
}

/**
 * coap_udp6_message_interface_new_server:
 * @manager: the message manager (held weakly)
 * @bind: (nullable): where to bind (`[::]:5683` when %NULL; port 0 picks
 *   any); a host name blocks while it is resolved
 * @multicast: (nullable) (array zero-terminated=1): interface names on
 *   which to join ff02::fd, ff05::fd and 224.0.1.187
 * @error: return location for a #GError
 *
 * Creates a server message interface. Its port is not shared: binding a
 * port in use fails with %G_IO_ERROR_ADDRESS_IN_USE (see
 * [property@MessageInterface:reuse-port]).
 *
 * Returns: (transfer full) (nullable): the message interface, or %NULL
 *
 * Since: 1.0
 */
CoapUdp6MessageInterface *
coap_udp6_message_interface_new_server (CoapUdp6MessageManager *manager,
                                        const char             *bind,
                                        const char *const      *multicast,
                                        GError                **error)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE_MANAGER (manager), NULL);

        return g_initable_new (COAP_UDP6_TYPE_MESSAGE_INTERFACE, NULL, error,
                               "manager", manager,
                               "bind", bind ? bind : "[::]:5683",
                               "multicast", multicast,
                               "is-server", TRUE,
                               NULL);
}

/**
 * coap_udp6_message_interface_new_server_async:
 * @manager: the message manager (held weakly)
 * @bind: (nullable): as for [ctor@MessageInterface.new_server]; a name is
 *   resolved without blocking
 * @multicast: (nullable) (array zero-terminated=1): interface names
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: data for @callback
 *
 * Creates a server message interface without blocking.
 *
 * Since: 1.0
 */
void
coap_udp6_message_interface_new_server_async (CoapUdp6MessageManager *manager,
                                              const char             *bind,
                                              const char *const      *multicast,
                                              GCancellable           *cancellable,
                                              GAsyncReadyCallback     callback,
                                              gpointer                user_data)
{
        g_return_if_fail (COAP_UDP6_IS_MESSAGE_MANAGER (manager));

        g_async_initable_new_async (COAP_UDP6_TYPE_MESSAGE_INTERFACE,
                                    G_PRIORITY_DEFAULT, cancellable,
                                    callback, user_data,
                                    "manager", manager,
                                    "bind", bind ? bind : "[::]:5683",
                                    "multicast", multicast,
                                    "is-server", TRUE,
                                    NULL);
}

/**
 * coap_udp6_message_interface_new_server_finish:
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes [func@MessageInterface.new_server_async].
 *
 * Returns: (transfer full) (nullable): the message interface, or %NULL
 *
 * Since: 1.0
 */
CoapUdp6MessageInterface *
coap_udp6_message_interface_new_server_finish (GAsyncResult *result,
                                               GError      **error)
{
        g_autoptr (GObject) source = NULL;

        g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
        source = g_async_result_get_source_object (result);
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE_INTERFACE (source), NULL);

        return COAP_UDP6_MESSAGE_INTERFACE (
                g_async_initable_new_finish (G_ASYNC_INITABLE (source), result,
                                             error));
}

/**
 * coap_udp6_message_interface_get_manager: (attributes org.gtk.Method.get_property=manager)
 * @self: a #CoapUdp6MessageInterface
 *
 * Gets the message manager, if it still exists.
 *
 * Returns: (transfer full) (nullable): the manager
 *
 * Since: 1.0
 */
CoapUdp6MessageManager *
coap_udp6_message_interface_get_manager (CoapUdp6MessageInterface *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE_INTERFACE (self), NULL);
        return g_weak_ref_get (&self->manager);
}

/**
 * coap_udp6_message_interface_get_local_port: (attributes org.gtk.Method.get_property=local-port)
 * @self: a #CoapUdp6MessageInterface
 *
 * Gets the bound local port.
 *
 * Returns: the port, 0 before initialization
 *
 * Since: 1.0
 */
guint
coap_udp6_message_interface_get_local_port (CoapUdp6MessageInterface *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE_INTERFACE (self), 0);
        return self->local_port;
}

/**
 * coap_udp6_message_interface_get_datagrams_received: (attributes org.gtk.Method.get_property=datagrams-received)
 * @self: a #CoapUdp6MessageInterface
 *
 * Gets how many datagrams were read.
 *
 * Returns: the count
 *
 * Since: 1.0
 */
guint64
coap_udp6_message_interface_get_datagrams_received (CoapUdp6MessageInterface *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE_INTERFACE (self), 0);
        return self->datagrams_received;
}

/**
 * coap_udp6_message_interface_get_datagrams_dropped_unparsable: (attributes org.gtk.Method.get_property=datagrams-dropped-unparsable)
 * @self: a #CoapUdp6MessageInterface
 *
 * Gets how many datagrams were not CoAP messages.
 *
 * Returns: the count
 *
 * Since: 1.0
 */
guint64
coap_udp6_message_interface_get_datagrams_dropped_unparsable (CoapUdp6MessageInterface *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE_INTERFACE (self), 0);
        return self->datagrams_dropped_unparsable;
}

/**
 * coap_udp6_message_interface_get_datagrams_dropped_truncated: (attributes org.gtk.Method.get_property=datagrams-dropped-truncated)
 * @self: a #CoapUdp6MessageInterface
 *
 * Gets how many datagrams were longer than the receive buffer.
 *
 * Returns: the count
 *
 * Since: 1.0
 */
guint64
coap_udp6_message_interface_get_datagrams_dropped_truncated (CoapUdp6MessageInterface *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE_INTERFACE (self), 0);
        return self->datagrams_dropped_truncated;
}

/**
 * coap_udp6_message_interface_get_errors_received: (attributes org.gtk.Method.get_property=errors-received)
 * @self: a #CoapUdp6MessageInterface
 *
 * Gets how many error-queue entries were read.
 *
 * Returns: the count
 *
 * Since: 1.0
 */
guint64
coap_udp6_message_interface_get_errors_received (CoapUdp6MessageInterface *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE_INTERFACE (self), 0);
        return self->errors_received;
}

/**
 * coap_udp6_message_interface_shutdown_async:
 * @self: a #CoapUdp6MessageInterface
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: data for @callback
 *
 * Closes the socket and removes every source; nothing reaches the manager
 * afterwards. Irreversible.
 *
 * Since: 1.0
 */
void
coap_udp6_message_interface_shutdown_async (CoapUdp6MessageInterface *self,
                                            GCancellable             *cancellable,
                                            GAsyncReadyCallback       callback,
                                            gpointer                  user_data)
{
        g_autoptr (GTask) task = NULL;

        g_return_if_fail (COAP_UDP6_IS_MESSAGE_INTERFACE (self));

        task = g_task_new (self, cancellable, callback, user_data);
        g_task_set_source_tag (task, coap_udp6_message_interface_shutdown_async);
        coap_udp6_message_interface_stop (self);
        g_task_return_boolean (task, TRUE);
}

/**
 * coap_udp6_message_interface_shutdown_finish:
 * @self: a #CoapUdp6MessageInterface
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes [method@MessageInterface.shutdown_async].
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
coap_udp6_message_interface_shutdown_finish (CoapUdp6MessageInterface *self,
                                             GAsyncResult             *result,
                                             GError                  **error)
{
        g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
        g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                              coap_udp6_message_interface_shutdown_async, FALSE);

        return g_task_propagate_boolean (G_TASK (result), error);
}

CoapUdp6InterfaceAnchor *
coap_udp6_message_interface_peek_anchor (CoapUdp6MessageInterface *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE_INTERFACE (self), NULL);

        return self->anchor;
}
