/* coap-udp6-message.c: a CoAP message: properties and generic options
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-message-private.h"

#include "coap-udp6-endpoint-address.h"
#include "coap-udp6-enum-types.h"

#include <string.h>

/* Until the transport's type exists, the property is typed GObject. */
#ifdef COAP_UDP6_TYPE_ENDPOINT_ADDRESS
#define REMOTE_GTYPE COAP_UDP6_TYPE_ENDPOINT_ADDRESS
#else
#define REMOTE_GTYPE G_TYPE_OBJECT
#endif

/**
 * CoapUdp6Message:
 *
 * A CoAP message (RFC 7252 §3): header fields, token, options in
 * ascending number order, payload, and where it comes from or goes to.
 *
 * Messages are created with [ctor@Message.new] or
 * [func@Message.decode], and turned into a datagram with
 * [method@Message.encode]. A decoded message keeps a reference on the
 * datagram and reads its options and payload from it in place.
 *
 * ```c
 * g_autoptr (CoapUdp6Message) request =
 *         coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON, COAP_UDP6_CODE_PUT);
 * g_autoptr (GBytes) datagram = NULL;
 * g_autoptr (CoapUdp6Message) decoded = NULL;
 * g_auto (GStrv) path = NULL;
 * guint format;
 *
 * coap_udp6_message_set_request_uri (request, "coap://[::1]/sensors/temp", &error);
 * coap_udp6_message_set_payload_data (request, (const guint8 *) "22.5", 4);
 * coap_udp6_message_set_content_format (request, COAP_UDP6_CONTENT_FORMAT_TEXT_PLAIN);
 *
 * datagram = coap_udp6_message_encode (request, &error);
 * decoded = coap_udp6_message_decode (datagram, NULL, &error);
 * path = coap_udp6_message_get_uri_path (decoded);             // { "sensors", "temp", NULL }
 * if (coap_udp6_message_get_content_format (decoded, &format)) // FALSE when absent
 *         g_print ("%s\n", coap_udp6_content_format_to_string (format));
 * ```
 *
 * A [class@Context] sends a request with its own message ID and token, so
 * there is no need to set them.
 *
 * Options are accessed generically by number
 * ([method@Message.add_option], [method@Message.get_option_values],
 * [method@Message.get_nth_option]) or through typed accessors such as
 * [method@Message.get_uri_path] and [method@Message.get_block2]. Typed
 * getters ignore a value whose length is outside the option's
 * registered range, as RFC 7252 §5.4.3 asks.
 *
 * Since: 1.0
 */

enum {
        PROP_0,
        PROP_MTYPE,
        PROP_CODE,
        PROP_MID,
        PROP_TOKEN,
        PROP_PAYLOAD,
        PROP_REMOTE,
        PROP_UNRESOLVED_REMOTE,
        PROP_REQUESTED_SCHEME,
        LAST_PROPERTY
};

static GParamSpec *properties[LAST_PROPERTY];

G_DEFINE_FINAL_TYPE (CoapUdp6Message, coap_udp6_message, G_TYPE_OBJECT)

static void
coap_udp6_message_init (CoapUdp6Message *self)
{
        self->opts = self->inline_opts;
        self->alloc_opts = COAP_UDP6_INLINE_OPTIONS;
}

/* Back to the state of g_object_new(): a CON 0.00 with message ID 0 and
 * nothing else. The option table and the arena keep their memory, so a
 * message reused through coap_udp6_message_load() does not allocate. */
void
coap_udp6_message_clear_contents (CoapUdp6Message *self)
{
        self->mtype = COAP_UDP6_MESSAGE_TYPE_CON;
        self->code = 0;
        self->mid = 0;
        self->token_len = 0;
        g_clear_pointer (&self->token_bytes, g_bytes_unref);
        g_clear_pointer (&self->wire, g_bytes_unref);
        self->wire_data = NULL;
        self->wire_len = 0;
        if (self->arena != NULL)
                g_byte_array_set_size (self->arena, 0);
        self->n_opts = 0;
        g_clear_pointer (&self->payload, g_bytes_unref);
        self->payload_data = NULL;
        self->payload_len = 0;
        self->payload_offset = 0;
        g_clear_object (&self->remote);
        g_clear_pointer (&self->unresolved_remote, g_free);
        g_clear_pointer (&self->requested_scheme, g_free);
}

void
coap_udp6_message_set_header_quiet (CoapUdp6Message    *self,
                                    CoapUdp6MessageType mtype,
                                    guint               mid,
                                    const guint8       *token,
                                    gsize               token_len)
{
        g_assert (token_len <= sizeof self->token);

        self->mtype = mtype;
        self->mid = mid;
        g_clear_pointer (&self->token_bytes, g_bytes_unref);
        if (token_len > 0)
                memcpy (self->token, token, token_len);
        self->token_len = token_len;
}

/* On an empty message (coap_udp6_message_clear_contents()). */
void
coap_udp6_message_fill_quiet (CoapUdp6Message *self,
                              guint            code,
                              GBytes          *payload,
                              gint             content_format)
{
        self->code = code;
        if (payload != NULL) {
                self->payload = g_bytes_ref (payload);
                self->payload_data = g_bytes_get_data (payload, &self->payload_len);
        }
        if (content_format >= 0) {
                guint8 buf[4];
                gsize len = coap_udp6_uint_encode (content_format, buf);

                coap_udp6_message_insert_option (self, COAP_UDP6_OPTION_CONTENT_FORMAT, buf, len);
        }
}

static void
coap_udp6_message_finalize (GObject *object)
{
        CoapUdp6Message *self = COAP_UDP6_MESSAGE (object);

        coap_udp6_message_clear_contents (self);
        g_clear_pointer (&self->arena, g_byte_array_unref);
        if (self->opts != self->inline_opts)
                g_free (self->opts);

        G_OBJECT_CLASS (coap_udp6_message_parent_class)->finalize (object);
}

static void
coap_udp6_message_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
        CoapUdp6Message *self = COAP_UDP6_MESSAGE (object);

        switch (prop_id) {
        case PROP_MTYPE:
                g_value_set_enum (value, self->mtype);
                break;
        case PROP_CODE:
                g_value_set_uint (value, self->code);
                break;
        case PROP_MID:
                self->identity_read = TRUE;
                g_value_set_uint (value, self->mid);
                break;
        case PROP_TOKEN:
                g_value_set_boxed (value, coap_udp6_message_get_token (self));
                break;
        case PROP_PAYLOAD:
                g_value_set_boxed (value, coap_udp6_message_get_payload (self));
                break;
        case PROP_REMOTE:
                self->identity_read = TRUE;
                g_value_set_object (value, self->remote);
                break;
        case PROP_UNRESOLVED_REMOTE:
                g_value_set_string (value, self->unresolved_remote);
                break;
        case PROP_REQUESTED_SCHEME:
                g_value_set_string (value, self->requested_scheme);
                break;
        default:
                G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        }
}

static void
coap_udp6_message_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
        CoapUdp6Message *self = COAP_UDP6_MESSAGE (object);

        switch (prop_id) {
        case PROP_MTYPE:
                coap_udp6_message_set_mtype (self, g_value_get_enum (value));
                break;
        case PROP_CODE:
                coap_udp6_message_set_code (self, g_value_get_uint (value));
                break;
        case PROP_MID:
                coap_udp6_message_set_mid (self, g_value_get_uint (value));
                break;
        case PROP_TOKEN:
                coap_udp6_message_set_token (self, g_value_get_boxed (value));
                break;
        case PROP_PAYLOAD:
                coap_udp6_message_set_payload (self, g_value_get_boxed (value));
                break;
        case PROP_REMOTE:
                coap_udp6_message_set_remote (self, g_value_get_object (value));
                break;
        case PROP_UNRESOLVED_REMOTE:
                coap_udp6_message_set_unresolved_remote (
                        self, g_value_get_string (value));
                break;
        case PROP_REQUESTED_SCHEME:
                coap_udp6_message_set_requested_scheme (
                        self, g_value_get_string (value));
                break;
        default:
                G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        }
}

static void
coap_udp6_message_class_init (CoapUdp6MessageClass *klass)
{
        GObjectClass *object_class = G_OBJECT_CLASS (klass);
        GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                            G_PARAM_EXPLICIT_NOTIFY;

        object_class->finalize = coap_udp6_message_finalize;
        object_class->get_property = coap_udp6_message_get_property;
        object_class->set_property = coap_udp6_message_set_property;

        /**
         * CoapUdp6Message:mtype: (attributes org.gtk.Property.get=coap_udp6_message_get_mtype org.gtk.Property.set=coap_udp6_message_set_mtype)
         *
         * The message type (CON, NON, ACK or RST).
         *
         * Since: 1.0
         */
        properties[PROP_MTYPE] = g_param_spec_enum (
                "mtype", NULL, NULL, COAP_UDP6_TYPE_MESSAGE_TYPE,
                COAP_UDP6_MESSAGE_TYPE_CON, flags);

        /**
         * CoapUdp6Message:code: (attributes org.gtk.Property.get=coap_udp6_message_get_code org.gtk.Property.set=coap_udp6_message_set_code)
         *
         * The method or response code, 0 to 255 (see #CoapUdp6Code).
         *
         * Since: 1.0
         */
        properties[PROP_CODE] = g_param_spec_uint ("code", NULL, NULL, 0, 255,
                                                   0, flags);

        /**
         * CoapUdp6Message:mid: (attributes org.gtk.Property.get=coap_udp6_message_get_mid org.gtk.Property.set=coap_udp6_message_set_mid)
         *
         * The message ID, 0 to 65535.
         *
         * Since: 1.0
         */
        properties[PROP_MID] = g_param_spec_uint ("mid", NULL, NULL, 0, 65535,
                                                  0, flags);

        /**
         * CoapUdp6Message:token: (attributes org.gtk.Property.get=coap_udp6_message_get_token org.gtk.Property.set=coap_udp6_message_set_token)
         *
         * The token, 0 to 8 bytes; reads as empty bytes, never %NULL.
         *
         * Since: 1.0
         */
        properties[PROP_TOKEN] = g_param_spec_boxed ("token", NULL, NULL,
                                                     G_TYPE_BYTES, flags);

        /**
         * CoapUdp6Message:payload: (attributes org.gtk.Property.get=coap_udp6_message_get_payload org.gtk.Property.set=coap_udp6_message_set_payload)
         *
         * The payload; reads as empty bytes, never %NULL.
         *
         * Since: 1.0
         */
        properties[PROP_PAYLOAD] = g_param_spec_boxed ("payload", NULL, NULL,
                                                       G_TYPE_BYTES, flags);

        /**
         * CoapUdp6Message:remote: (attributes org.gtk.Property.get=coap_udp6_message_get_remote org.gtk.Property.set=coap_udp6_message_set_remote)
         *
         * The endpoint the message came from or is sent to, or %NULL.
         *
         * Since: 1.0
         */
        properties[PROP_REMOTE] = g_param_spec_object ("remote", NULL, NULL,
                                                       REMOTE_GTYPE, flags);

        /**
         * CoapUdp6Message:unresolved-remote: (attributes org.gtk.Property.get=coap_udp6_message_get_unresolved_remote org.gtk.Property.set=coap_udp6_message_set_unresolved_remote)
         *
         * Where to send the message when [property@Message:remote] is not
         * set yet: "host", "host:port", "[v6]" or "[v6%zone]:port", as
         * set by [method@Message.set_request_uri]. A transport resolves it.
         *
         * Since: 1.0
         */
        properties[PROP_UNRESOLVED_REMOTE] = g_param_spec_string (
                "unresolved-remote", NULL, NULL, NULL, flags);

        /**
         * CoapUdp6Message:requested-scheme: (attributes org.gtk.Property.get=coap_udp6_message_get_requested_scheme org.gtk.Property.set=coap_udp6_message_set_requested_scheme)
         *
         * The URI scheme asked for if it is not "coap", or %NULL.
         *
         * Since: 1.0
         */
        properties[PROP_REQUESTED_SCHEME] = g_param_spec_string (
                "requested-scheme", NULL, NULL, NULL, flags);

        g_object_class_install_properties (object_class, LAST_PROPERTY,
                                           properties);
}

/**
 * coap_udp6_message_new:
 * @mtype: the message type
 * @code: the method or response code; any value from 0 to 255 is
 *   accepted from C
 *
 * Creates a message with no token, options or payload and message ID 0.
 *
 * Returns: (transfer full): a new #CoapUdp6Message
 *
 * Since: 1.0
 */
CoapUdp6Message *
coap_udp6_message_new (CoapUdp6MessageType mtype,
                       CoapUdp6Code        code)
{
        CoapUdp6Message *self;

        g_return_val_if_fail ((guint) mtype <= COAP_UDP6_MESSAGE_TYPE_RST,
                              NULL);
        g_return_val_if_fail ((guint) code <= 255, NULL);

        self = g_object_new (COAP_UDP6_TYPE_MESSAGE, NULL);
        self->mtype = mtype;
        self->code = code;
        return self;
}

/**
 * coap_udp6_message_copy:
 * @self: a #CoapUdp6Message
 *
 * Copies a message: header, token, options, payload, unresolved remote
 * and requested scheme. The [property@Message:remote] is shared (it is
 * immutable).
 *
 * Returns: (transfer full): a new #CoapUdp6Message
 *
 * Since: 1.0
 */
CoapUdp6Message *
coap_udp6_message_copy (CoapUdp6Message *self)
{
        CoapUdp6Message *copy;

        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), NULL);

        copy = g_object_new (COAP_UDP6_TYPE_MESSAGE, NULL);
        coap_udp6_message_copy_into (self, copy);
        return copy;
}

void
coap_udp6_message_copy_into (CoapUdp6Message *self,
                             CoapUdp6Message *copy)
{
        self->identity_read = TRUE;
        coap_udp6_message_own_wire (self);
        copy->mtype = self->mtype;
        copy->code = self->code;
        copy->mid = self->mid;
        copy->token_len = self->token_len;
        memcpy (copy->token, self->token, sizeof copy->token);
        if (self->token_bytes != NULL)
                copy->token_bytes = g_bytes_ref (self->token_bytes);
        if (self->wire != NULL) {
                copy->wire = g_bytes_ref (self->wire);
                copy->wire_data = self->wire_data;
                copy->wire_len = self->wire_len;
        }
        if (self->arena != NULL) {
                if (copy->arena == NULL)
                        copy->arena = g_byte_array_sized_new (self->arena->len);
                g_byte_array_append (copy->arena, self->arena->data,
                                     self->arena->len);
        }
        memcpy (coap_udp6_message_reserve_options (copy, self->n_opts),
                self->opts, self->n_opts * sizeof *self->opts);
        copy->n_opts = self->n_opts;
        if (self->payload != NULL)
                copy->payload = g_bytes_ref (self->payload);
        copy->payload_data = self->payload_data;
        copy->payload_len = self->payload_len;
        copy->payload_offset = self->payload_offset;
        g_set_object (&copy->remote, self->remote);
        copy->unresolved_remote = g_strdup (self->unresolved_remote);
        copy->requested_scheme = g_strdup (self->requested_scheme);
}

/**
 * coap_udp6_message_get_mtype: (attributes org.gtk.Method.get_property=mtype)
 * @self: a #CoapUdp6Message
 *
 * Gets the message type.
 *
 * Returns: the message type
 *
 * Since: 1.0
 */
CoapUdp6MessageType
coap_udp6_message_get_mtype (CoapUdp6Message *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), 0);

        return self->mtype;
}

/**
 * coap_udp6_message_set_mtype: (attributes org.gtk.Method.set_property=mtype)
 * @self: a #CoapUdp6Message
 * @mtype: the message type
 *
 * Sets the message type.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_mtype (CoapUdp6Message    *self,
                             CoapUdp6MessageType mtype)
{
        g_return_if_fail (COAP_UDP6_IS_MESSAGE (self));
        g_return_if_fail ((guint) mtype <= COAP_UDP6_MESSAGE_TYPE_RST);

        if (self->mtype == mtype)
                return;
        self->mtype = mtype;
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MTYPE]);
}

/**
 * coap_udp6_message_get_code: (attributes org.gtk.Method.get_property=code)
 * @self: a #CoapUdp6Message
 *
 * Gets the method or response code.
 *
 * Returns: the code, 0 to 255: one of the registered [enum@Code] values,
 *   or any other that came from the network (which is why it is a
 *   #guint, as in [property@Message:code])
 *
 * Since: 1.0
 */
guint
coap_udp6_message_get_code (CoapUdp6Message *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), 0);

        return self->code;
}

/**
 * coap_udp6_message_set_code: (attributes org.gtk.Method.set_property=code)
 * @self: a #CoapUdp6Message
 * @code: the code, 0 to 255 (see [enum@Code])
 *
 * Sets the method or response code.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_code (CoapUdp6Message *self,
                            guint            code)
{
        g_return_if_fail (COAP_UDP6_IS_MESSAGE (self));
        g_return_if_fail (code <= 255);

        if (self->code == code)
                return;
        self->code = code;
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CODE]);
}

/**
 * coap_udp6_message_get_mid: (attributes org.gtk.Method.get_property=mid)
 * @self: a #CoapUdp6Message
 *
 * Gets the message ID.
 *
 * Returns: the message ID, 0 to 65535
 *
 * Since: 1.0
 */
guint
coap_udp6_message_get_mid (CoapUdp6Message *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), 0);

        self->identity_read = TRUE;
        return self->mid;
}

/**
 * coap_udp6_message_set_mid: (attributes org.gtk.Method.set_property=mid)
 * @self: a #CoapUdp6Message
 * @mid: the message ID, 0 to 65535
 *
 * Sets the message ID.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_mid (CoapUdp6Message *self,
                           guint            mid)
{
        g_return_if_fail (COAP_UDP6_IS_MESSAGE (self));
        g_return_if_fail (mid <= 65535);

        if (self->mid == mid)
                return;
        self->mid = mid;
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MID]);
}

/**
 * coap_udp6_message_get_token: (attributes org.gtk.Method.get_property=token)
 * @self: a #CoapUdp6Message
 *
 * Gets the token.
 *
 * Returns: (transfer none): the token, possibly empty
 *
 * Since: 1.0
 */
GBytes *
coap_udp6_message_get_token (CoapUdp6Message *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), NULL);

        self->identity_read = TRUE;
        if (self->token_bytes == NULL)
                self->token_bytes = g_bytes_new (self->token, self->token_len);
        return self->token_bytes;
}

static gboolean
token_equals (CoapUdp6Message *self,
              const guint8    *data,
              gsize            len)
{
        if (self->token_bytes != NULL) {
                gsize old_len;
                const guint8 *old = g_bytes_get_data (self->token_bytes,
                                                      &old_len);

                return old_len == len && (len == 0 || memcmp (old, data, len) == 0);
        }
        return self->token_len == len &&
               (len == 0 || memcmp (self->token, data, len) == 0);
}

/**
 * coap_udp6_message_set_token_data: (rename-to coap_udp6_message_set_token)
 * @self: a #CoapUdp6Message
 * @data: (array length=len) (nullable): the token bytes
 * @len: the token length, 0 to 8 (RFC 7252 §3)
 *
 * Sets the token from a buffer. A longer token is refused and the message
 * left unchanged. Bindings call this `set_token` and pass their byte
 * arrays (Python `bytes`, GJS `Uint8Array`, Vala `uint8[]`).
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_token_data (CoapUdp6Message *self,
                                  const guint8    *data,
                                  gsize            len)
{
        g_return_if_fail (COAP_UDP6_IS_MESSAGE (self));
        g_return_if_fail (data != NULL || len == 0);
        g_return_if_fail (len <= sizeof self->token);

        if (token_equals (self, data, len))
                return;
        g_clear_pointer (&self->token_bytes, g_bytes_unref);
        if (len > 0)
                memcpy (self->token, data, len);
        self->token_len = len;
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
}

/**
 * coap_udp6_message_set_token: (attributes org.gtk.Method.set_property=token)
 * @self: a #CoapUdp6Message
 * @token: (nullable): the token (0 to 8 bytes), %NULL for none
 *
 * Sets the token. A token longer than 8 bytes is refused and the message
 * left unchanged.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_token (CoapUdp6Message *self,
                             GBytes          *token)
{
        gsize len = 0;
        const guint8 *data = token != NULL ? g_bytes_get_data (token, &len)
                                           : NULL;

        coap_udp6_message_set_token_data (self, data, len);
}

/**
 * coap_udp6_message_get_payload: (attributes org.gtk.Method.get_property=payload)
 * @self: a #CoapUdp6Message
 *
 * Gets the payload.
 *
 * Returns: (transfer none): the payload, possibly empty
 *
 * Since: 1.0
 */
GBytes *
coap_udp6_message_get_payload (CoapUdp6Message *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), NULL);

        if (self->payload == NULL) {
                if (self->payload_len > 0)
                        coap_udp6_message_own_wire (self);
                if (self->wire != NULL && self->payload_len > 0)
                        self->payload = g_bytes_new_from_bytes (
                                self->wire, self->payload_offset,
                                self->payload_len);
                else
                        self->payload = g_bytes_new (NULL, 0);
                self->payload_data = g_bytes_get_data (self->payload, NULL);
        }
        return self->payload;
}

static gboolean
payload_unchanged (CoapUdp6Message *self,
                   GBytes          *payload)
{
        gsize len = 0;
        const guint8 *data = payload != NULL ? g_bytes_get_data (payload, &len)
                                             : NULL;

        if (len != self->payload_len)
                return FALSE;
        return len == 0 || memcmp (data, self->payload_data, len) == 0;
}

/**
 * coap_udp6_message_set_payload: (attributes org.gtk.Method.set_property=payload)
 * @self: a #CoapUdp6Message
 * @payload: (nullable): the payload, %NULL for none
 *
 * Sets the payload.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_payload (CoapUdp6Message *self,
                               GBytes          *payload)
{
        g_return_if_fail (COAP_UDP6_IS_MESSAGE (self));

        if (payload_unchanged (self, payload))
                return;
        g_clear_pointer (&self->payload, g_bytes_unref);
        if (payload != NULL) {
                self->payload = g_bytes_ref (payload);
                self->payload_data = g_bytes_get_data (payload,
                                                       &self->payload_len);
        } else {
                self->payload_data = NULL;
                self->payload_len = 0;
        }
        self->payload_offset = 0;
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAYLOAD]);
}

/**
 * coap_udp6_message_set_payload_data: (rename-to coap_udp6_message_set_payload)
 * @self: a #CoapUdp6Message
 * @data: (array length=len) (nullable): the payload bytes, copied
 * @len: the payload length
 *
 * Sets the payload from a buffer. Bindings call this `set_payload` and
 * pass their byte arrays (Python `bytes`, GJS `Uint8Array`, Vala
 * `uint8[]`); C code that has a #GBytes uses [method@Message.set_payload].
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_payload_data (CoapUdp6Message *self,
                                    const guint8    *data,
                                    gsize            len)
{
        g_autoptr (GBytes) payload = NULL;

        g_return_if_fail (COAP_UDP6_IS_MESSAGE (self));
        g_return_if_fail (data != NULL || len == 0);

        payload = g_bytes_new (data, len);
        coap_udp6_message_set_payload (self, payload);
}

/**
 * coap_udp6_message_get_remote: (attributes org.gtk.Method.get_property=remote)
 * @self: a #CoapUdp6Message
 *
 * Gets the endpoint the message came from or is sent to.
 *
 * Returns: (transfer none) (nullable): the remote endpoint
 *
 * Since: 1.0
 */
CoapUdp6EndpointAddress *
coap_udp6_message_get_remote (CoapUdp6Message *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), NULL);

        self->identity_read = TRUE;
        return self->remote;
}

/**
 * coap_udp6_message_set_remote: (attributes org.gtk.Method.set_property=remote)
 * @self: a #CoapUdp6Message
 * @remote: (nullable): the remote endpoint
 *
 * Sets the endpoint the message came from or is sent to.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_remote (CoapUdp6Message         *self,
                              CoapUdp6EndpointAddress *remote)
{
        g_return_if_fail (COAP_UDP6_IS_MESSAGE (self));
        g_return_if_fail (remote == NULL ||
                          G_TYPE_CHECK_INSTANCE_TYPE (remote, REMOTE_GTYPE));

        if (g_set_object (&self->remote, remote))
                g_object_notify_by_pspec (G_OBJECT (self),
                                          properties[PROP_REMOTE]);
}

/**
 * coap_udp6_message_get_unresolved_remote: (attributes org.gtk.Method.get_property=unresolved-remote)
 * @self: a #CoapUdp6Message
 *
 * Gets the host and port to send to, before resolution.
 *
 * Returns: (nullable): "host", "host:port", "[v6]" or "[v6%zone]:port"
 *
 * Since: 1.0
 */
const char *
coap_udp6_message_get_unresolved_remote (CoapUdp6Message *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), NULL);

        return self->unresolved_remote;
}

/**
 * coap_udp6_message_set_unresolved_remote: (attributes org.gtk.Method.set_property=unresolved-remote)
 * @self: a #CoapUdp6Message
 * @unresolved_remote: (nullable): "host", "host:port", "[v6]" or
 *   "[v6%zone]:port"
 *
 * Sets the host and port to send to, before resolution.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_unresolved_remote (CoapUdp6Message *self,
                                         const char      *unresolved_remote)
{
        g_return_if_fail (COAP_UDP6_IS_MESSAGE (self));

        if (g_strcmp0 (self->unresolved_remote, unresolved_remote) == 0)
                return;
        g_free (self->unresolved_remote);
        self->unresolved_remote = g_strdup (unresolved_remote);
        g_object_notify_by_pspec (G_OBJECT (self),
                                  properties[PROP_UNRESOLVED_REMOTE]);
}

/**
 * coap_udp6_message_get_requested_scheme: (attributes org.gtk.Method.get_property=requested-scheme)
 * @self: a #CoapUdp6Message
 *
 * Gets the URI scheme asked for, if it is not "coap".
 *
 * Returns: (nullable): the scheme
 *
 * Since: 1.0
 */
const char *
coap_udp6_message_get_requested_scheme (CoapUdp6Message *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), NULL);

        return self->requested_scheme;
}

/**
 * coap_udp6_message_set_requested_scheme: (attributes org.gtk.Method.set_property=requested-scheme)
 * @self: a #CoapUdp6Message
 * @scheme: (nullable): the scheme, %NULL for "coap"
 *
 * Sets the URI scheme asked for.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_requested_scheme (CoapUdp6Message *self,
                                        const char      *scheme)
{
        g_return_if_fail (COAP_UDP6_IS_MESSAGE (self));

        if (g_strcmp0 (self->requested_scheme, scheme) == 0)
                return;
        g_free (self->requested_scheme);
        self->requested_scheme = g_strdup (scheme);
        g_object_notify_by_pspec (G_OBJECT (self),
                                  properties[PROP_REQUESTED_SCHEME]);
}
