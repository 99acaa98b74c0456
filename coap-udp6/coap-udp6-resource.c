/* coap-udp6-resource.c: something a server context serves
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-resource.h"
#include "coap-udp6-resource-private.h"
#include "coap-udp6-link-private.h"
#include "coap-udp6-observer-private.h"
#include "coap-udp6-code.h"
#include "coap-udp6-message.h"

#include <string.h>

/**
 * CoapUdp6Resource:
 *
 * A resource served by a [class@Context] under a path given to
 * [method@Context.add_resource]. The link-format attributes (RFC 6690)
 * appear in `/.well-known/core`.
 *
 * A resource answers requests in one of two ways:
 *
 * - with handlers, no subclass needed: [ctor@Resource.new_with_handler]
 *   or [method@Resource.set_handler] for every method, and
 *   [method@Resource.set_method_handler] for one method. A method
 *   handler takes precedence over the handler for every method; a method
 *   that has neither is answered 4.05 Method Not Allowed.
 * - by overriding [vfunc@Resource.render] in a subclass.
 *
 * ```c
 * static void
 * hello_get (CoapUdp6Resource *resource,
 *            CoapUdp6Request  *request,
 *            gpointer          user_data)
 * {
 *         g_autoptr (GBytes) text = g_bytes_new_static ("hello", 5);
 *
 *         coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CONTENT, text, 0);
 * }
 *
 * g_autoptr (CoapUdp6Resource) hello = coap_udp6_resource_new ();
 * coap_udp6_resource_set_method_handler (hello, COAP_UDP6_CODE_GET,
 *                                        hello_get, NULL, NULL);
 * coap_udp6_context_add_resource (context, "hello", hello);
 * // PUT, POST, DELETE… to /hello are answered 4.05 Method Not Allowed
 * ```
 *
 * In Python: `resource.set_method_handler(CoapUdp6.Code.GET, lambda res, req: …)`.
 *
 * `render` answers the request before it returns, or calls
 * [method@Request.defer] and answers later; a request it leaves
 * unanswered without deferring is answered 5.00 at once (see
 * [class@Request]).
 *
 * An [property@Resource:observable] resource can be observed (RFC 7641):
 * a GET with Observe 0 that it answers with a 2.xx registers the client,
 * and each call of [method@Resource.changed] renders the resource again
 * for every observer, with that observer's registration request (its
 * token, options and Accept), and sends the result as a notification.
 * Observers whose registrations differ only in their remote, token and
 * message ID share one rendering, unless `render` reads one of those
 * (from the request or its message) or defers (see
 * [method@Resource.changed]).
 *
 * Since: 1.0
 */
typedef struct {
        CoapUdp6ResourceHandler func;
        gpointer user_data;
        GDestroyNotify destroy;
} CoapUdp6ResourceHandlerSlot;

/* One slot per method of class 0 (GET … iPATCH, RFC 7252 §12.1.1 and
 * RFC 8132) and one for every method: an array index per request. */
#define N_METHOD_SLOTS (COAP_UDP6_CODE_IPATCH + 1)

typedef struct {
        CoapUdp6ResourceHandlerSlot handlers[N_METHOD_SLOTS];
        char *resource_type;
        char *interface_description;
        char *title;
        gint content_format;
        gboolean observable;
        gboolean requires_peer_identity;
        GBytes *etag;
        gboolean stream_uploads;
        GQueue observers;                   /* of CoapUdp6Observer, see coap-udp6-context-observe-server.c */
        guint32 sequence;                   /* the Observe value of the current state */
        guint handling;                     /* handlers running (they may nest) */
        GArray *retired;                    /* (nullable) slots replaced while handling */
} CoapUdp6ResourcePrivate;

G_DEFINE_TYPE_WITH_PRIVATE (CoapUdp6Resource, coap_udp6_resource, G_TYPE_OBJECT)

enum {
        PROP_0,
        PROP_RESOURCE_TYPE,
        PROP_INTERFACE_DESCRIPTION,
        PROP_CONTENT_FORMAT,
        PROP_TITLE,
        PROP_OBSERVABLE,
        PROP_ETAG,
        PROP_STREAM_UPLOADS,
        PROP_REQUIRES_PEER_IDENTITY,
        N_PROPS
};

static GParamSpec *props[N_PROPS];

static void
coap_udp6_resource_handler_slot_clear (CoapUdp6ResourceHandlerSlot *slot)
{
        GDestroyNotify destroy = slot->destroy;
        gpointer user_data = slot->user_data;

        slot->func = NULL;
        slot->user_data = NULL;
        slot->destroy = NULL;
        if (destroy != NULL)
                destroy (user_data);
}

/* Empties @slot; while a handler runs, its data (perhaps the running
 * handler's own, a binding's closure) is freed only after it returns. */
static void
retire_slot (CoapUdp6ResourcePrivate     *priv,
             CoapUdp6ResourceHandlerSlot *slot)
{
        if (priv->handling > 0 && slot->destroy != NULL) {
                if (priv->retired == NULL)
                        priv->retired = g_array_new (FALSE, FALSE, sizeof (CoapUdp6ResourceHandlerSlot));
                g_array_append_val (priv->retired, *slot);
                slot->func = NULL;
                slot->user_data = NULL;
                slot->destroy = NULL;
                return;
        }
        coap_udp6_resource_handler_slot_clear (slot);
}

static void
free_retired (CoapUdp6ResourcePrivate *priv)
{
        g_autoptr (GArray) retired = g_steal_pointer (&priv->retired);

        for (guint i = 0; retired != NULL && i < retired->len; i++)
                coap_udp6_resource_handler_slot_clear (&g_array_index (retired, CoapUdp6ResourceHandlerSlot, i));
}

static void
coap_udp6_resource_real_render (CoapUdp6Resource *self,
                                CoapUdp6Request  *request)
{
        CoapUdp6ResourcePrivate *priv = coap_udp6_resource_get_instance_private (self);
        guint code = coap_udp6_message_get_code (coap_udp6_request_get_message (request));
        CoapUdp6ResourceHandlerSlot *slot = NULL;

        /* Slot 0 is the handler for every method: code 0.00 is no request. */
        if (code < N_METHOD_SLOTS && priv->handlers[code].func != NULL)
                slot = &priv->handlers[code];
        else if (priv->handlers[0].func != NULL)
                slot = &priv->handlers[0];

        if (slot != NULL) {
                CoapUdp6ResourceHandlerSlot running = *slot;

                g_object_ref (self);
                priv->handling++;
                running.func (self, request, running.user_data);
                if (--priv->handling == 0)
                        free_retired (priv);
                g_object_unref (self);
        } else
                coap_udp6_request_respond_code (request, COAP_UDP6_CODE_METHOD_NOT_ALLOWED, NULL);
}

static void
coap_udp6_resource_dispose (GObject *object)
{
        CoapUdp6ResourcePrivate *priv =
                coap_udp6_resource_get_instance_private (COAP_UDP6_RESOURCE (object));

        for (guint i = 0; i < N_METHOD_SLOTS; i++)
                retire_slot (priv, &priv->handlers[i]);

        G_OBJECT_CLASS (coap_udp6_resource_parent_class)->dispose (object);
}

static void
coap_udp6_resource_finalize (GObject *object)
{
        CoapUdp6ResourcePrivate *priv =
                coap_udp6_resource_get_instance_private (COAP_UDP6_RESOURCE (object));

        g_free (priv->resource_type);
        g_free (priv->interface_description);
        g_free (priv->title);
        g_clear_pointer (&priv->etag, g_bytes_unref);

        G_OBJECT_CLASS (coap_udp6_resource_parent_class)->finalize (object);
}

static void
coap_udp6_resource_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
        CoapUdp6ResourcePrivate *priv =
                coap_udp6_resource_get_instance_private (COAP_UDP6_RESOURCE (object));

        switch (prop_id) {
        case PROP_RESOURCE_TYPE:
                g_value_set_string (value, priv->resource_type);
                break;
        case PROP_INTERFACE_DESCRIPTION:
                g_value_set_string (value, priv->interface_description);
                break;
        case PROP_CONTENT_FORMAT:
                g_value_set_int (value, priv->content_format);
                break;
        case PROP_TITLE:
                g_value_set_string (value, priv->title);
                break;
        case PROP_OBSERVABLE:
                g_value_set_boolean (value, priv->observable);
                break;
        case PROP_ETAG:
                g_value_set_boxed (value, priv->etag);
                break;
        case PROP_STREAM_UPLOADS:
                g_value_set_boolean (value, priv->stream_uploads);
                break;
        case PROP_REQUIRES_PEER_IDENTITY:
                g_value_set_boolean (value, priv->requires_peer_identity);
                break;
        default:
                G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        }
}

static void
coap_udp6_resource_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
        CoapUdp6Resource *self = COAP_UDP6_RESOURCE (object);

        switch (prop_id) {
        case PROP_RESOURCE_TYPE:
                coap_udp6_resource_set_resource_type (self, g_value_get_string (value));
                break;
        case PROP_INTERFACE_DESCRIPTION:
                coap_udp6_resource_set_interface_description (self, g_value_get_string (value));
                break;
        case PROP_CONTENT_FORMAT:
                coap_udp6_resource_set_content_format (self, g_value_get_int (value));
                break;
        case PROP_TITLE:
                coap_udp6_resource_set_title (self, g_value_get_string (value));
                break;
        case PROP_OBSERVABLE:
                coap_udp6_resource_set_observable (self, g_value_get_boolean (value));
                break;
        case PROP_ETAG:
                coap_udp6_resource_set_etag (self, g_value_get_boxed (value));
                break;
        case PROP_STREAM_UPLOADS:
                coap_udp6_resource_set_stream_uploads (self, g_value_get_boolean (value));
                break;
        case PROP_REQUIRES_PEER_IDENTITY:
                coap_udp6_resource_set_requires_peer_identity (self, g_value_get_boolean (value));
                break;
        default:
                G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        }
}

static void
coap_udp6_resource_class_init (CoapUdp6ResourceClass *klass)
{
        GObjectClass *object_class = G_OBJECT_CLASS (klass);
        GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

        object_class->dispose = coap_udp6_resource_dispose;
        object_class->finalize = coap_udp6_resource_finalize;
        object_class->get_property = coap_udp6_resource_get_property;
        object_class->set_property = coap_udp6_resource_set_property;
        klass->render = coap_udp6_resource_real_render;

        /**
         * CoapUdp6Resource:resource-type: (getter get_resource_type) (setter set_resource_type)
         *
         * The `rt` link attribute, or %NULL.
         *
         * Since: 1.0
         */
        props[PROP_RESOURCE_TYPE] = g_param_spec_string ("resource-type", NULL, NULL, NULL, flags);
        /**
         * CoapUdp6Resource:interface-description: (getter get_interface_description) (setter set_interface_description)
         *
         * The `if` link attribute, or %NULL.
         *
         * Since: 1.0
         */
        props[PROP_INTERFACE_DESCRIPTION] =
                g_param_spec_string ("interface-description", NULL, NULL, NULL, flags);
        /**
         * CoapUdp6Resource:content-format: (getter get_content_format) (setter set_content_format)
         *
         * The `ct` link attribute, or -1 for none.
         *
         * Since: 1.0
         */
        props[PROP_CONTENT_FORMAT] =
                g_param_spec_int ("content-format", NULL, NULL, -1, 65535, -1, flags);
        /**
         * CoapUdp6Resource:title: (getter get_title) (setter set_title)
         *
         * The `title` link attribute, or %NULL.
         *
         * Since: 1.0
         */
        props[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
        /**
         * CoapUdp6Resource:observable: (getter get_observable) (setter set_observable)
         *
         * Whether the resource can be observed (RFC 7641): a GET with
         * Observe 0 registers the client, and the link carries the `obs`
         * attribute.
         *
         * Since: 1.0
         */
        props[PROP_OBSERVABLE] = g_param_spec_boolean ("observable", NULL, NULL, FALSE, flags);
        /**
         * CoapUdp6Resource:etag: (getter get_etag) (setter set_etag)
         *
         * The entity-tag of the resource's current representation (RFC
         * 7252 §5.10.6), 1 to 8 bytes, or %NULL. With one, the context
         * answers a request whose If-Match matches none of it with 4.12
         * Precondition Failed before [vfunc@Resource.render]; without one,
         * an If-Match with a value gets 4.02 Bad Option (the resource
         * cannot compare entity-tags). The render function sends it in its
         * responses itself ([method@Message.add_etag]).
         *
         * Since: 1.0
         */
        props[PROP_ETAG] = g_param_spec_boxed ("etag", NULL, NULL, G_TYPE_BYTES, flags);
        /**
         * CoapUdp6Resource:stream-uploads: (getter get_stream_uploads) (setter set_stream_uploads)
         *
         * Whether a block-wise upload (RFC 7959 Block1) reaches the
         * resource as a stream instead of one reassembled body. The resource
         * then runs when the first block arrives, with a request whose
         * [method@Request.get_body_stream] gives the body as the blocks
         * come; it defers the request ([method@Request.defer]), reads the
         * stream asynchronously to its end and responds. The response goes
         * to the last block. Responding earlier ends the upload: the next
         * block gets that response. A body in one message is not streamed.
         *
         * Since: 1.0
         */
        props[PROP_STREAM_UPLOADS] = g_param_spec_boolean ("stream-uploads", NULL, NULL, FALSE, flags);
        /**
         * CoapUdp6Resource:requires-peer-identity: (getter get_requires_peer_identity) (setter set_requires_peer_identity)
         *
         * Whether only peers that proved an identity over coaps (see
         * [method@EndpointAddress.get_peer_identity]) may use the
         * resource; others get 4.01 Unauthorized and the handler does not
         * run.
         *
         * Since: 1.0
         */
        props[PROP_REQUIRES_PEER_IDENTITY] = g_param_spec_boolean ("requires-peer-identity",
                NULL, NULL, FALSE, flags);

        g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
coap_udp6_resource_init (CoapUdp6Resource *self)
{
        CoapUdp6ResourcePrivate *priv = coap_udp6_resource_get_instance_private (self);

        priv->content_format = -1;
}

/**
 * coap_udp6_resource_new:
 *
 * Creates a plain resource, which answers every request with 4.05 until
 * it is given handlers ([method@Resource.set_method_handler],
 * [method@Resource.set_handler]), or subclass to serve content.
 *
 * Returns: (transfer full): a new resource
 *
 * Since: 1.0
 */
CoapUdp6Resource *
coap_udp6_resource_new (void)
{
        return g_object_new (COAP_UDP6_TYPE_RESOURCE, NULL);
}

/**
 * coap_udp6_resource_new_with_handler:
 * @handler: (scope notified) (closure user_data) (destroy destroy): answers
 *   every request, whatever its method
 * @user_data: data for @handler
 * @destroy: (nullable): frees @user_data when the resource is disposed
 *   or the handler replaced
 *
 * Creates a resource that answers with @handler, without a subclass.
 * [method@Resource.set_method_handler] can then give one method its own
 * handler.
 *
 * Returns: (transfer full): a new resource
 *
 * Since: 1.0
 */
CoapUdp6Resource *
coap_udp6_resource_new_with_handler (CoapUdp6ResourceHandler handler,
                                     gpointer                user_data,
                                     GDestroyNotify          destroy)
{
        CoapUdp6Resource *self;

        g_return_val_if_fail (handler != NULL, NULL);

        self = coap_udp6_resource_new ();
        coap_udp6_resource_set_handler (self, handler, user_data, destroy);
        return self;
}

static void
coap_udp6_resource_set_slot (CoapUdp6Resource       *self,
                             guint                   slot_index,
                             CoapUdp6ResourceHandler handler,
                             gpointer                user_data,
                             GDestroyNotify          destroy)
{
        CoapUdp6ResourcePrivate *priv = coap_udp6_resource_get_instance_private (self);
        CoapUdp6ResourceHandlerSlot *slot = &priv->handlers[slot_index];

        retire_slot (priv, slot);
        slot->func = handler;
        slot->user_data = user_data;
        slot->destroy = handler != NULL ? destroy : NULL;
        if (handler == NULL && destroy != NULL)
                destroy (user_data);
}

/**
 * coap_udp6_resource_set_handler:
 * @self: a #CoapUdp6Resource
 * @handler: (nullable) (scope notified) (closure user_data) (destroy destroy):
 *   answers the requests whose method has no handler of its own, %NULL
 *   to remove the handler
 * @user_data: data for @handler
 * @destroy: (nullable): frees @user_data when the resource is disposed
 *   or the handler replaced
 *
 * Sets the handler for every method. It is used only by the default
 * [vfunc@Resource.render]; a subclass that overrides render ignores it.
 * A handler may replace or remove itself: its @destroy runs when it has
 * returned.
 *
 * Since: 1.0
 */
void
coap_udp6_resource_set_handler (CoapUdp6Resource       *self,
                                CoapUdp6ResourceHandler handler,
                                gpointer                user_data,
                                GDestroyNotify          destroy)
{
        g_return_if_fail (COAP_UDP6_IS_RESOURCE (self));

        coap_udp6_resource_set_slot (self, 0, handler, user_data, destroy);
}

/**
 * coap_udp6_resource_set_method_handler:
 * @self: a #CoapUdp6Resource
 * @method: a request method, %COAP_UDP6_CODE_GET to %COAP_UDP6_CODE_IPATCH
 * @handler: (nullable) (scope notified) (closure user_data) (destroy destroy):
 *   answers the requests with @method, %NULL to remove the handler
 * @user_data: data for @handler
 * @destroy: (nullable): frees @user_data when the resource is disposed
 *   or the handler replaced
 *
 * Sets the handler of one method. A request whose method has no handler
 * goes to the one of [method@Resource.set_handler], or is answered 4.05
 * Method Not Allowed if there is none. It is used only by the default
 * [vfunc@Resource.render].
 *
 * Since: 1.0
 */
void
coap_udp6_resource_set_method_handler (CoapUdp6Resource       *self,
                                       CoapUdp6Code            method,
                                       CoapUdp6ResourceHandler handler,
                                       gpointer                user_data,
                                       GDestroyNotify          destroy)
{
        g_return_if_fail (COAP_UDP6_IS_RESOURCE (self));
        g_return_if_fail (method >= COAP_UDP6_CODE_GET && method <= COAP_UDP6_CODE_IPATCH);

        coap_udp6_resource_set_slot (self, method, handler, user_data, destroy);
}

/**
 * coap_udp6_resource_render: (virtual render)
 * @self: a #CoapUdp6Resource
 * @request: the request to handle
 *
 * Handles a request by calling the class's `render`.
 *
 * Since: 1.0
 */
void
coap_udp6_resource_render (CoapUdp6Resource *self,
                           CoapUdp6Request  *request)
{
        g_return_if_fail (COAP_UDP6_IS_RESOURCE (self));
        g_return_if_fail (COAP_UDP6_IS_REQUEST (request));

        COAP_UDP6_RESOURCE_GET_CLASS (self)->render (self, request);
}

#define DEFINE_STRING_PROP(name, PROP)                                                  \
        const char *coap_udp6_resource_get_##name (CoapUdp6Resource *self)             \
        {                                                                               \
                g_return_val_if_fail (COAP_UDP6_IS_RESOURCE (self), NULL);              \
                return ((CoapUdp6ResourcePrivate *)                                     \
                        coap_udp6_resource_get_instance_private (self))->name;          \
        }                                                                               \
        void coap_udp6_resource_set_##name (CoapUdp6Resource *self, const char *value)  \
        {                                                                               \
                CoapUdp6ResourcePrivate *priv;                                          \
                g_return_if_fail (COAP_UDP6_IS_RESOURCE (self));                        \
                priv = coap_udp6_resource_get_instance_private (self);                  \
                if (g_strcmp0 (priv->name, value) == 0)                                 \
                        return;                                                         \
                g_free (priv->name);                                                    \
                priv->name = g_strdup (value);                                          \
                g_object_notify_by_pspec (G_OBJECT (self), props[PROP]);                \
        }

/**
 * coap_udp6_resource_get_resource_type: (get-property resource-type)
 * @self: a #CoapUdp6Resource
 *
 * Gets the `rt` link attribute.
 *
 * Returns: (nullable): the resource type
 *
 * Since: 1.0
 */
/**
 * coap_udp6_resource_set_resource_type: (set-property resource-type)
 * @self: a #CoapUdp6Resource
 * @resource_type: (nullable): the `rt` link attribute
 *
 * Sets the `rt` link attribute.
 *
 * Since: 1.0
 */
DEFINE_STRING_PROP (resource_type, PROP_RESOURCE_TYPE)

/**
 * coap_udp6_resource_get_interface_description: (get-property interface-description)
 * @self: a #CoapUdp6Resource
 *
 * Gets the `if` link attribute.
 *
 * Returns: (nullable): the interface description
 *
 * Since: 1.0
 */
/**
 * coap_udp6_resource_set_interface_description: (set-property interface-description)
 * @self: a #CoapUdp6Resource
 * @interface_description: (nullable): the `if` link attribute
 *
 * Sets the `if` link attribute.
 *
 * Since: 1.0
 */
DEFINE_STRING_PROP (interface_description, PROP_INTERFACE_DESCRIPTION)

/**
 * coap_udp6_resource_get_title: (get-property title)
 * @self: a #CoapUdp6Resource
 *
 * Gets the `title` link attribute.
 *
 * Returns: (nullable): the title
 *
 * Since: 1.0
 */
/**
 * coap_udp6_resource_set_title: (set-property title)
 * @self: a #CoapUdp6Resource
 * @title: (nullable): the `title` link attribute
 *
 * Sets the `title` link attribute.
 *
 * Since: 1.0
 */
DEFINE_STRING_PROP (title, PROP_TITLE)

/**
 * coap_udp6_resource_get_content_format: (get-property content-format)
 * @self: a #CoapUdp6Resource
 *
 * Gets the `ct` link attribute.
 *
 * Returns: the content format, or -1
 *
 * Since: 1.0
 */
gint
coap_udp6_resource_get_content_format (CoapUdp6Resource *self)
{
        CoapUdp6ResourcePrivate *priv;

        g_return_val_if_fail (COAP_UDP6_IS_RESOURCE (self), -1);
        priv = coap_udp6_resource_get_instance_private (self);
        return priv->content_format;
}

/**
 * coap_udp6_resource_set_content_format: (set-property content-format)
 * @self: a #CoapUdp6Resource
 * @content_format: the `ct` link attribute, or -1
 *
 * Sets the `ct` link attribute.
 *
 * Since: 1.0
 */
void
coap_udp6_resource_set_content_format (CoapUdp6Resource *self,
                                       gint              content_format)
{
        CoapUdp6ResourcePrivate *priv;

        g_return_if_fail (COAP_UDP6_IS_RESOURCE (self));
        priv = coap_udp6_resource_get_instance_private (self);
        if (priv->content_format == content_format)
                return;
        priv->content_format = content_format;
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CONTENT_FORMAT]);
}

/**
 * coap_udp6_resource_get_observable: (get-property observable)
 * @self: a #CoapUdp6Resource
 *
 * Gets whether the link carries `obs`.
 *
 * Returns: %TRUE when observable
 *
 * Since: 1.0
 */
gboolean
coap_udp6_resource_get_observable (CoapUdp6Resource *self)
{
        CoapUdp6ResourcePrivate *priv;

        g_return_val_if_fail (COAP_UDP6_IS_RESOURCE (self), FALSE);
        priv = coap_udp6_resource_get_instance_private (self);
        return priv->observable;
}

/**
 * coap_udp6_resource_set_observable: (set-property observable)
 * @self: a #CoapUdp6Resource
 * @observable: whether to advertise `obs`
 *
 * Sets whether the link carries `obs`.
 *
 * Since: 1.0
 */
void
coap_udp6_resource_set_observable (CoapUdp6Resource *self,
                                   gboolean          observable)
{
        CoapUdp6ResourcePrivate *priv;

        g_return_if_fail (COAP_UDP6_IS_RESOURCE (self));
        priv = coap_udp6_resource_get_instance_private (self);
        if (priv->observable == !!observable)
                return;
        priv->observable = !!observable;
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_OBSERVABLE]);
}

/* The link of a resource, through the link-format builder so that every
 * value is quoted and escaped as RFC 6690 §2 wants it. */
CoapUdp6Link *
coap_udp6_resource_to_link (CoapUdp6Resource *self,
                            char             *target)
{
        CoapUdp6ResourcePrivate *priv = coap_udp6_resource_get_instance_private (self);
        CoapUdp6Link *link = coap_udp6_link_new_take (target);

        if (priv->resource_type != NULL)
                coap_udp6_link_take_attribute (link, g_strdup ("rt"), g_strdup (priv->resource_type));
        if (priv->interface_description != NULL)
                coap_udp6_link_take_attribute (link, g_strdup ("if"),
                                               g_strdup (priv->interface_description));
        if (priv->content_format >= 0)
                coap_udp6_link_take_attribute (link, g_strdup ("ct"),
                                               g_strdup_printf ("%d", priv->content_format));
        if (priv->title != NULL)
                coap_udp6_link_take_attribute (link, g_strdup ("title"), g_strdup (priv->title));
        if (priv->observable)
                coap_udp6_link_take_attribute (link, g_strdup ("obs"), NULL);
        return link;
}

/**
 * coap_udp6_resource_get_link_attributes:
 * @self: a #CoapUdp6Resource
 *
 * Formats the link attributes as they follow the target in RFC 6690 link
 * format, for example `;rt="temperature";ct=0;obs`. Values are quoted
 * where link format wants it, with `"` and `\` escaped inside the
 * quotes, as [func@Link.format_build] writes them.
 *
 * Returns: (transfer full): the attributes (possibly empty)
 *
 * Since: 1.0
 */
char *
coap_udp6_resource_get_link_attributes (CoapUdp6Resource *self)
{
        g_autoptr (CoapUdp6Link) link = NULL;
        GString *out;

        g_return_val_if_fail (COAP_UDP6_IS_RESOURCE (self), NULL);
        link = coap_udp6_resource_to_link (self, g_strdup (""));
        out = g_string_new (NULL);
        coap_udp6_link_append_attributes_to (link, out);
        return g_string_free (out, FALSE);
}

/**
 * coap_udp6_resource_get_etag: (get-property etag)
 * @self: a #CoapUdp6Resource
 *
 * Gets the entity-tag of the current representation.
 *
 * Returns: (nullable) (transfer none): the entity-tag
 *
 * Since: 1.0
 */
GBytes *
coap_udp6_resource_get_etag (CoapUdp6Resource *self)
{
        CoapUdp6ResourcePrivate *priv;

        g_return_val_if_fail (COAP_UDP6_IS_RESOURCE (self), NULL);
        priv = coap_udp6_resource_get_instance_private (self);
        return priv->etag;
}

/**
 * coap_udp6_resource_set_etag: (set-property etag)
 * @self: a #CoapUdp6Resource
 * @etag: (nullable): the entity-tag, 1 to 8 bytes, or %NULL for none
 *
 * Sets the entity-tag of the current representation; change it whenever
 * the representation changes.
 *
 * Since: 1.0
 */
void
coap_udp6_resource_set_etag (CoapUdp6Resource *self,
                             GBytes           *etag)
{
        CoapUdp6ResourcePrivate *priv;

        g_return_if_fail (COAP_UDP6_IS_RESOURCE (self));
        g_return_if_fail (etag == NULL ||
                          (g_bytes_get_size (etag) >= 1 && g_bytes_get_size (etag) <= 8));
        priv = coap_udp6_resource_get_instance_private (self);
        if (priv->etag == etag || (priv->etag != NULL && etag != NULL && g_bytes_equal (priv->etag, etag)))
                return;
        g_clear_pointer (&priv->etag, g_bytes_unref);
        priv->etag = etag != NULL ? g_bytes_ref (etag) : NULL;
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ETAG]);
}

/**
 * coap_udp6_resource_set_etag_data:
 * @self: a #CoapUdp6Resource
 * @data: (array length=len) (nullable): the entity-tag, 1 to 8 bytes, or
 *   %NULL for none
 * @len: the length of @data
 *
 * Sets the entity-tag from a buffer, as [method@Resource.set_etag] does:
 * Python and JavaScript pass their byte arrays here
 * (`resource.set_etag_data(b'\x01')`).
 *
 * Since: 1.0
 */
void
coap_udp6_resource_set_etag_data (CoapUdp6Resource *self,
                                  const guint8     *data,
                                  gsize             len)
{
        g_autoptr (GBytes) etag = NULL;

        g_return_if_fail (COAP_UDP6_IS_RESOURCE (self));
        g_return_if_fail (data != NULL || len == 0);

        if (data != NULL && len > 0)
                etag = g_bytes_new (data, len);
        coap_udp6_resource_set_etag (self, etag);
}

/* RFC 6690 §4.1: a trailing "*" makes @pattern a prefix. */
gboolean
coap_udp6_link_value_matches (const char *value,
                              const char *pattern)
{
        gsize n = strlen (pattern);

        if (n > 0 && pattern[n - 1] == '*')
                return strncmp (value, pattern, n - 1) == 0;
        return g_str_equal (value, pattern);
}

/* rt and if hold space-separated lists: any one of them may match. */
static gboolean
list_matches (const char *list,
              const char *pattern)
{
        g_auto (GStrv) items = NULL;

        if (list == NULL)
                return FALSE;
        if (coap_udp6_link_value_matches (list, pattern))
                return TRUE;
        items = g_strsplit (list, " ", -1);
        for (guint i = 0; items[i] != NULL; i++)
                if (coap_udp6_link_value_matches (items[i], pattern))
                        return TRUE;
        return FALSE;
}

gboolean
coap_udp6_resource_link_attribute_matches (CoapUdp6Resource *self,
                                           const char       *name,
                                           const char       *pattern)
{
        CoapUdp6ResourcePrivate *priv = coap_udp6_resource_get_instance_private (self);
        char ct[16];

        if (g_str_equal (name, "rt"))
                return list_matches (priv->resource_type, pattern);
        if (g_str_equal (name, "if"))
                return list_matches (priv->interface_description, pattern);
        if (g_str_equal (name, "title"))
                return priv->title != NULL && coap_udp6_link_value_matches (priv->title, pattern);
        if (g_str_equal (name, "ct")) {
                if (priv->content_format < 0)
                        return FALSE;
                g_snprintf (ct, sizeof ct, "%d", priv->content_format);
                return coap_udp6_link_value_matches (ct, pattern);
        }
        /* "obs" has no value: only an empty pattern or "*" matches it. */
        if (g_str_equal (name, "obs"))
                return priv->observable && (pattern[0] == '\0' || g_str_equal (pattern, "*"));
        return FALSE;
}

GQueue *
coap_udp6_resource_get_observers_internal (CoapUdp6Resource *self)
{
        CoapUdp6ResourcePrivate *priv = coap_udp6_resource_get_instance_private (self);

        return &priv->observers;
}

guint32
coap_udp6_resource_get_sequence_internal (CoapUdp6Resource *self)
{
        CoapUdp6ResourcePrivate *priv = coap_udp6_resource_get_instance_private (self);

        return priv->sequence;
}

/**
 * coap_udp6_resource_changed:
 * @self: a #CoapUdp6Resource
 *
 * Tells the observers of an [property@Resource:observable] resource that
 * its state changed: the resource is rendered again for each observer,
 * with its registration request, and the answer is sent as a
 * notification with the next sequence number (RFC 7641 §4.2). A
 * notification that is not 2.xx ends that observation.
 *
 * Observers whose registrations have the same method, type, options and
 * payload share one rendering: `render` runs for the first of them and
 * the others get the same response with their own token and message ID.
 * When that `render` reads the requester's remote, token or message ID
 * ([method@Request.get_remote], or the getters and properties of
 * [method@Request.get_message]), defers, or answers with an error or a
 * response longer than one block, it runs for each of them instead.
 *
 * Notifications are NON, with a CON after
 * [property@Context:max-non-notifications] NON ones and at least every
 * 24 hours; an observer that does not acknowledge it, or answers any
 * notification with a Reset, is removed.
 *
 * Since: 1.0
 */
void
coap_udp6_resource_changed (CoapUdp6Resource *self)
{
        CoapUdp6ResourcePrivate *priv;

        g_return_if_fail (COAP_UDP6_IS_RESOURCE (self));
        priv = coap_udp6_resource_get_instance_private (self);
        /* RFC 7641 §4.4: the sequence number lives in 24 bits. */
        priv->sequence = (priv->sequence + 1) & 0xffffff;
        coap_udp6_observers_notify (&priv->observers);
}

/**
 * coap_udp6_resource_get_requires_peer_identity: (get-property requires-peer-identity)
 * @self: a #CoapUdp6Resource
 *
 * Whether the resource serves only authenticated peers.
 *
 * Returns: %TRUE when unauthenticated requests get 4.01
 *
 * Since: 1.0
 */
gboolean
coap_udp6_resource_get_requires_peer_identity (CoapUdp6Resource *self)
{
        CoapUdp6ResourcePrivate *priv;

        g_return_val_if_fail (COAP_UDP6_IS_RESOURCE (self), FALSE);
        priv = coap_udp6_resource_get_instance_private (self);
        return priv->requires_peer_identity;
}

/**
 * coap_udp6_resource_set_requires_peer_identity: (set-property requires-peer-identity)
 * @self: a #CoapUdp6Resource
 * @requires: whether to serve only authenticated peers
 *
 * Sets whether requests from peers without an identity get 4.01.
 *
 * Since: 1.0
 */
void
coap_udp6_resource_set_requires_peer_identity (CoapUdp6Resource *self,
                                               gboolean          requires)
{
        CoapUdp6ResourcePrivate *priv;

        g_return_if_fail (COAP_UDP6_IS_RESOURCE (self));
        priv = coap_udp6_resource_get_instance_private (self);
        if (priv->requires_peer_identity == !!requires)
                return;
        priv->requires_peer_identity = !!requires;
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_REQUIRES_PEER_IDENTITY]);
}

gboolean
coap_udp6_resource_peek_requires_peer_identity (CoapUdp6Resource *self)
{
        return ((CoapUdp6ResourcePrivate *) coap_udp6_resource_get_instance_private (self))->requires_peer_identity;
}

/**
 * coap_udp6_resource_get_stream_uploads: (get-property stream-uploads)
 * @self: a #CoapUdp6Resource
 *
 * Whether block-wise uploads reach the resource as streams.
 *
 * Returns: the value of [property@Resource:stream-uploads]
 *
 * Since: 1.0
 */
gboolean
coap_udp6_resource_get_stream_uploads (CoapUdp6Resource *self)
{
        CoapUdp6ResourcePrivate *priv;

        g_return_val_if_fail (COAP_UDP6_IS_RESOURCE (self), FALSE);
        priv = coap_udp6_resource_get_instance_private (self);
        return priv->stream_uploads;
}

/**
 * coap_udp6_resource_set_stream_uploads: (set-property stream-uploads)
 * @self: a #CoapUdp6Resource
 * @stream_uploads: whether block-wise uploads reach the resource as streams
 *
 * Sets [property@Resource:stream-uploads].
 *
 * Since: 1.0
 */
void
coap_udp6_resource_set_stream_uploads (CoapUdp6Resource *self,
                                       gboolean          stream_uploads)
{
        CoapUdp6ResourcePrivate *priv;

        g_return_if_fail (COAP_UDP6_IS_RESOURCE (self));
        priv = coap_udp6_resource_get_instance_private (self);
        if (priv->stream_uploads == !!stream_uploads)
                return;
        priv->stream_uploads = !!stream_uploads;
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STREAM_UPLOADS]);
}
