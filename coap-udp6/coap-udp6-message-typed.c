/* coap-udp6-message-typed.c: typed accessors for the registered options
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-message-private.h"

/**
 * coap_udp6_message_get_uri_path:
 * @self: a #CoapUdp6Message
 *
 * Gets the Uri-Path options (path segments), decoded, in order.
 *
 * Returns: (transfer full) (array zero-terminated=1): the values; empty
 *   if there are none
 *
 * Since: 1.0
 */
char **
coap_udp6_message_get_uri_path (CoapUdp6Message *self)
{
        return coap_udp6_message_get_option_strv (
                self, COAP_UDP6_OPTION_URI_PATH);
}

/**
 * coap_udp6_message_set_uri_path:
 * @self: a #CoapUdp6Message
 * @values: (nullable) (array zero-terminated=1): the values, not
 *   percent-encoded; %NULL or empty to remove them
 *
 * Replaces the Uri-Path options (path segments), one occurrence per value.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_uri_path (CoapUdp6Message   *self,
                                const char *const *values)
{
        coap_udp6_message_set_option_strv (
                self, COAP_UDP6_OPTION_URI_PATH, values);
}

/**
 * coap_udp6_message_get_uri_query:
 * @self: a #CoapUdp6Message
 *
 * Gets the Uri-Query options (query arguments), decoded, in order.
 *
 * Returns: (transfer full) (array zero-terminated=1): the values; empty
 *   if there are none
 *
 * Since: 1.0
 */
char **
coap_udp6_message_get_uri_query (CoapUdp6Message *self)
{
        return coap_udp6_message_get_option_strv (
                self, COAP_UDP6_OPTION_URI_QUERY);
}

/**
 * coap_udp6_message_set_uri_query:
 * @self: a #CoapUdp6Message
 * @values: (nullable) (array zero-terminated=1): the values, not
 *   percent-encoded; %NULL or empty to remove them
 *
 * Replaces the Uri-Query options (query arguments), one occurrence per value.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_uri_query (CoapUdp6Message   *self,
                                 const char *const *values)
{
        coap_udp6_message_set_option_strv (
                self, COAP_UDP6_OPTION_URI_QUERY, values);
}

/**
 * coap_udp6_message_get_location_path:
 * @self: a #CoapUdp6Message
 *
 * Gets the Location-Path options (path segments), decoded, in order.
 *
 * Returns: (transfer full) (array zero-terminated=1): the values; empty
 *   if there are none
 *
 * Since: 1.0
 */
char **
coap_udp6_message_get_location_path (CoapUdp6Message *self)
{
        return coap_udp6_message_get_option_strv (
                self, COAP_UDP6_OPTION_LOCATION_PATH);
}

/**
 * coap_udp6_message_set_location_path:
 * @self: a #CoapUdp6Message
 * @values: (nullable) (array zero-terminated=1): the values, not
 *   percent-encoded; %NULL or empty to remove them
 *
 * Replaces the Location-Path options (path segments), one occurrence per value.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_location_path (CoapUdp6Message   *self,
                                     const char *const *values)
{
        coap_udp6_message_set_option_strv (
                self, COAP_UDP6_OPTION_LOCATION_PATH, values);
}

/**
 * coap_udp6_message_get_location_query:
 * @self: a #CoapUdp6Message
 *
 * Gets the Location-Query options (query arguments), decoded, in order.
 *
 * Returns: (transfer full) (array zero-terminated=1): the values; empty
 *   if there are none
 *
 * Since: 1.0
 */
char **
coap_udp6_message_get_location_query (CoapUdp6Message *self)
{
        return coap_udp6_message_get_option_strv (
                self, COAP_UDP6_OPTION_LOCATION_QUERY);
}

/**
 * coap_udp6_message_set_location_query:
 * @self: a #CoapUdp6Message
 * @values: (nullable) (array zero-terminated=1): the values, not
 *   percent-encoded; %NULL or empty to remove them
 *
 * Replaces the Location-Query options (query arguments), one occurrence per value.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_location_query (CoapUdp6Message   *self,
                                      const char *const *values)
{
        coap_udp6_message_set_option_strv (
                self, COAP_UDP6_OPTION_LOCATION_QUERY, values);
}

/**
 * coap_udp6_message_get_uri_host:
 * @self: a #CoapUdp6Message
 *
 * Gets the Uri-Host option.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL if absent
 *
 * Since: 1.0
 */
char *
coap_udp6_message_get_uri_host (CoapUdp6Message *self)
{
        return coap_udp6_message_get_option_string (
                self, COAP_UDP6_OPTION_URI_HOST);
}

/**
 * coap_udp6_message_set_uri_host:
 * @self: a #CoapUdp6Message
 * @value: (nullable): the value, %NULL to remove the option
 *
 * Sets the Uri-Host option.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_uri_host (CoapUdp6Message *self,
                                const char      *value)
{
        coap_udp6_message_set_option_string (
                self, COAP_UDP6_OPTION_URI_HOST, value);
}

/**
 * coap_udp6_message_get_proxy_uri:
 * @self: a #CoapUdp6Message
 *
 * Gets the Proxy-Uri option.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL if absent
 *
 * Since: 1.0
 */
char *
coap_udp6_message_get_proxy_uri (CoapUdp6Message *self)
{
        return coap_udp6_message_get_option_string (
                self, COAP_UDP6_OPTION_PROXY_URI);
}

/**
 * coap_udp6_message_set_proxy_uri:
 * @self: a #CoapUdp6Message
 * @value: (nullable): the value, %NULL to remove the option
 *
 * Sets the Proxy-Uri option.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_proxy_uri (CoapUdp6Message *self,
                                 const char      *value)
{
        coap_udp6_message_set_option_string (
                self, COAP_UDP6_OPTION_PROXY_URI, value);
}

/**
 * coap_udp6_message_get_proxy_scheme:
 * @self: a #CoapUdp6Message
 *
 * Gets the Proxy-Scheme option.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL if absent
 *
 * Since: 1.0
 */
char *
coap_udp6_message_get_proxy_scheme (CoapUdp6Message *self)
{
        return coap_udp6_message_get_option_string (
                self, COAP_UDP6_OPTION_PROXY_SCHEME);
}

/**
 * coap_udp6_message_set_proxy_scheme:
 * @self: a #CoapUdp6Message
 * @value: (nullable): the value, %NULL to remove the option
 *
 * Sets the Proxy-Scheme option.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_proxy_scheme (CoapUdp6Message *self,
                                    const char      *value)
{
        coap_udp6_message_set_option_string (
                self, COAP_UDP6_OPTION_PROXY_SCHEME, value);
}

/**
 * coap_udp6_message_get_content_format:
 * @self: a #CoapUdp6Message
 * @value: (out) (optional): the value; 0 if absent
 *
 * Gets the Content-Format option.
 *
 * Returns: %TRUE if the option is present, %FALSE if absent
 *
 * Since: 1.0
 */
gboolean
coap_udp6_message_get_content_format (CoapUdp6Message *self,
                                     guint           *value)
{
        guint32 decoded = 0;
        gboolean present = coap_udp6_message_get_option_uint (
                self, COAP_UDP6_OPTION_CONTENT_FORMAT, &decoded);

        if (value != NULL)
                *value = decoded;
        return present;
}

/**
 * coap_udp6_message_set_content_format:
 * @self: a #CoapUdp6Message
 * @value: the value, 0 to 65535; -1 removes the option
 *
 * Sets the Content-Format option in the fewest bytes.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_content_format (CoapUdp6Message *self,
                                      gint            value)
{
        g_return_if_fail (value >= -1 && value <= 65535);

        if (value < 0)
                coap_udp6_message_remove_option (
                        self, COAP_UDP6_OPTION_CONTENT_FORMAT);
        else
                coap_udp6_message_set_option_uint (
                        self, COAP_UDP6_OPTION_CONTENT_FORMAT, value);
}

/**
 * coap_udp6_message_get_accept:
 * @self: a #CoapUdp6Message
 * @value: (out) (optional): the value; 0 if absent
 *
 * Gets the Accept option.
 *
 * Returns: %TRUE if the option is present, %FALSE if absent
 *
 * Since: 1.0
 */
gboolean
coap_udp6_message_get_accept (CoapUdp6Message *self,
                             guint           *value)
{
        guint32 decoded = 0;
        gboolean present = coap_udp6_message_get_option_uint (
                self, COAP_UDP6_OPTION_ACCEPT, &decoded);

        if (value != NULL)
                *value = decoded;
        return present;
}

/**
 * coap_udp6_message_set_accept:
 * @self: a #CoapUdp6Message
 * @value: the value, 0 to 65535; -1 removes the option
 *
 * Sets the Accept option in the fewest bytes.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_accept (CoapUdp6Message *self,
                              gint            value)
{
        g_return_if_fail (value >= -1 && value <= 65535);

        if (value < 0)
                coap_udp6_message_remove_option (self, COAP_UDP6_OPTION_ACCEPT);
        else
                coap_udp6_message_set_option_uint (
                        self, COAP_UDP6_OPTION_ACCEPT, value);
}

/**
 * coap_udp6_message_get_observe:
 * @self: a #CoapUdp6Message
 * @value: (out) (optional): the value; 0 if absent
 *
 * Gets the Observe (RFC 7641) option.
 *
 * Returns: %TRUE if the option is present, %FALSE if absent
 *
 * Since: 1.0
 */
gboolean
coap_udp6_message_get_observe (CoapUdp6Message *self,
                              guint32         *value)
{
        return coap_udp6_message_get_option_uint (self, COAP_UDP6_OPTION_OBSERVE, value);
}

/**
 * coap_udp6_message_set_observe:
 * @self: a #CoapUdp6Message
 * @value: the value, 0 to 16777215; -1 removes the option
 *
 * Sets the Observe (RFC 7641) option in the fewest bytes.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_observe (CoapUdp6Message *self,
                               gint64          value)
{
        g_return_if_fail (value >= -1 && value <= 16777215);

        if (value < 0)
                coap_udp6_message_remove_option (
                        self, COAP_UDP6_OPTION_OBSERVE);
        else
                coap_udp6_message_set_option_uint (
                        self, COAP_UDP6_OPTION_OBSERVE, value);
}

/**
 * coap_udp6_message_get_size1:
 * @self: a #CoapUdp6Message
 * @value: (out) (optional): the value; 0 if absent
 *
 * Gets the Size1 option.
 *
 * Returns: %TRUE if the option is present, %FALSE if absent
 *
 * Since: 1.0
 */
gboolean
coap_udp6_message_get_size1 (CoapUdp6Message *self,
                            guint32         *value)
{
        return coap_udp6_message_get_option_uint (self, COAP_UDP6_OPTION_SIZE1, value);
}

/**
 * coap_udp6_message_set_size1:
 * @self: a #CoapUdp6Message
 * @value: the value, 0 to G_MAXUINT32; -1 removes the option
 *
 * Sets the Size1 option in the fewest bytes.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_size1 (CoapUdp6Message *self,
                             gint64          value)
{
        g_return_if_fail (value >= -1 && value <= G_MAXUINT32);

        if (value < 0)
                coap_udp6_message_remove_option (self, COAP_UDP6_OPTION_SIZE1);
        else
                coap_udp6_message_set_option_uint (
                        self, COAP_UDP6_OPTION_SIZE1, value);
}

/**
 * coap_udp6_message_get_size2:
 * @self: a #CoapUdp6Message
 * @value: (out) (optional): the value; 0 if absent
 *
 * Gets the Size2 (RFC 7959) option.
 *
 * Returns: %TRUE if the option is present, %FALSE if absent
 *
 * Since: 1.0
 */
gboolean
coap_udp6_message_get_size2 (CoapUdp6Message *self,
                            guint32         *value)
{
        return coap_udp6_message_get_option_uint (self, COAP_UDP6_OPTION_SIZE2, value);
}

/**
 * coap_udp6_message_set_size2:
 * @self: a #CoapUdp6Message
 * @value: the value, 0 to G_MAXUINT32; -1 removes the option
 *
 * Sets the Size2 (RFC 7959) option in the fewest bytes.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_size2 (CoapUdp6Message *self,
                             gint64          value)
{
        g_return_if_fail (value >= -1 && value <= G_MAXUINT32);

        if (value < 0)
                coap_udp6_message_remove_option (self, COAP_UDP6_OPTION_SIZE2);
        else
                coap_udp6_message_set_option_uint (
                        self, COAP_UDP6_OPTION_SIZE2, value);
}

/**
 * coap_udp6_message_get_no_response:
 * @self: a #CoapUdp6Message
 * @value: (out) (optional): the value; 0 if absent
 *
 * Gets the No-Response (RFC 7967) option.
 *
 * Returns: %TRUE if the option is present, %FALSE if absent
 *
 * Since: 1.0
 */
gboolean
coap_udp6_message_get_no_response (CoapUdp6Message *self,
                                  guint           *value)
{
        guint32 decoded = 0;
        gboolean present = coap_udp6_message_get_option_uint (
                self, COAP_UDP6_OPTION_NO_RESPONSE, &decoded);

        if (value != NULL)
                *value = decoded;
        return present;
}

/**
 * coap_udp6_message_set_no_response:
 * @self: a #CoapUdp6Message
 * @value: the value, 0 to 255; -1 removes the option
 *
 * Sets the No-Response (RFC 7967) option in the fewest bytes.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_no_response (CoapUdp6Message *self,
                                   gint            value)
{
        g_return_if_fail (value >= -1 && value <= 255);

        if (value < 0)
                coap_udp6_message_remove_option (
                        self, COAP_UDP6_OPTION_NO_RESPONSE);
        else
                coap_udp6_message_set_option_uint (
                        self, COAP_UDP6_OPTION_NO_RESPONSE, value);
}

/**
 * coap_udp6_message_get_hop_limit:
 * @self: a #CoapUdp6Message
 * @value: (out) (optional): the value; 0 if absent
 *
 * Gets the Hop-Limit (RFC 8768) option.
 *
 * Returns: %TRUE if the option is present, %FALSE if absent
 *
 * Since: 1.0
 */
gboolean
coap_udp6_message_get_hop_limit (CoapUdp6Message *self,
                                guint           *value)
{
        guint32 decoded = 0;
        gboolean present = coap_udp6_message_get_option_uint (
                self, COAP_UDP6_OPTION_HOP_LIMIT, &decoded);

        if (value != NULL)
                *value = decoded;
        return present;
}

/**
 * coap_udp6_message_set_hop_limit:
 * @self: a #CoapUdp6Message
 * @value: the value, 1 to 255; -1 removes the option
 *
 * Sets the Hop-Limit (RFC 8768) option, which is always one byte long.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_hop_limit (CoapUdp6Message *self,
                                 gint            value)
{
        g_return_if_fail (value == -1 || (value >= 1 && value <= 255));

        if (value < 0)
                coap_udp6_message_remove_option (
                        self, COAP_UDP6_OPTION_HOP_LIMIT);
        else
                coap_udp6_message_set_option_uint (
                        self, COAP_UDP6_OPTION_HOP_LIMIT, value);
}

/**
 * coap_udp6_message_get_etags:
 * @self: a #CoapUdp6Message
 *
 * Gets every ETag option value, in order.
 *
 * Returns: (transfer container) (element-type GBytes): a new array that
 *   owns its values (see [method@Message.get_option_values]); empty if
 *   there are none
 *
 * Since: 1.0
 */
GPtrArray *
coap_udp6_message_get_etags (CoapUdp6Message *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), NULL);

        return coap_udp6_message_get_opaque_values (
                self, COAP_UDP6_OPTION_ETAG);
}

/**
 * coap_udp6_message_add_etag:
 * @self: a #CoapUdp6Message
 * @value: the value
 *
 * Adds one ETag option after the existing ones.
 *
 * Since: 1.0
 */
void
coap_udp6_message_add_etag (CoapUdp6Message *self,
                            GBytes          *value)
{
        g_return_if_fail (value != NULL);

        coap_udp6_message_add_option (self, COAP_UDP6_OPTION_ETAG, value);
}

/* The byte-array forms of the add_ functions, for bindings. */
static void
add_opaque_data (CoapUdp6Message *self,
                 guint            number,
                 const guint8    *data,
                 gsize            len)
{
        g_autoptr (GBytes) value = NULL;

        g_return_if_fail (COAP_UDP6_IS_MESSAGE (self));
        g_return_if_fail (data != NULL || len == 0);

        value = g_bytes_new (data, len);
        coap_udp6_message_add_option (self, number, value);
}

/**
 * coap_udp6_message_add_etag_data: (rename-to coap_udp6_message_add_etag)
 * @self: a #CoapUdp6Message
 * @data: (array length=len): the value, 1 to 8 bytes (RFC 7252 §5.10.6)
 * @len: the value length
 *
 * Adds one ETag option after the existing ones, from a buffer. Bindings
 * call this `add_etag` and pass their byte arrays.
 *
 * Since: 1.0
 */
void
coap_udp6_message_add_etag_data (CoapUdp6Message *self,
                                 const guint8    *data,
                                 gsize            len)
{
        add_opaque_data (self, COAP_UDP6_OPTION_ETAG, data, len);
}

/**
 * coap_udp6_message_get_if_match:
 * @self: a #CoapUdp6Message
 *
 * Gets every If-Match option value, in order.
 *
 * Returns: (transfer container) (element-type GBytes): a new array that
 *   owns its values (see [method@Message.get_option_values]); empty if
 *   there are none
 *
 * Since: 1.0
 */
GPtrArray *
coap_udp6_message_get_if_match (CoapUdp6Message *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), NULL);

        return coap_udp6_message_get_opaque_values (
                self, COAP_UDP6_OPTION_IF_MATCH);
}

/**
 * coap_udp6_message_add_if_match:
 * @self: a #CoapUdp6Message
 * @value: the value
 *
 * Adds one If-Match option after the existing ones.
 *
 * Since: 1.0
 */
void
coap_udp6_message_add_if_match (CoapUdp6Message *self,
                                GBytes          *value)
{
        g_return_if_fail (value != NULL);

        coap_udp6_message_add_option (self, COAP_UDP6_OPTION_IF_MATCH, value);
}

/**
 * coap_udp6_message_add_if_match_data: (rename-to coap_udp6_message_add_if_match)
 * @self: a #CoapUdp6Message
 * @data: (array length=len): the entity-tag to match, 0 to 8 bytes
 *   (RFC 7252 §5.10.8.1)
 * @len: the value length
 *
 * Adds one If-Match option after the existing ones, from a buffer.
 * Bindings call this `add_if_match` and pass their byte arrays.
 *
 * Since: 1.0
 */
void
coap_udp6_message_add_if_match_data (CoapUdp6Message *self,
                                     const guint8    *data,
                                     gsize            len)
{
        add_opaque_data (self, COAP_UDP6_OPTION_IF_MATCH, data, len);
}

/**
 * coap_udp6_message_get_request_tags:
 * @self: a #CoapUdp6Message
 *
 * Gets every Request-Tag (RFC 9175) option value, in order.
 *
 * Returns: (transfer container) (element-type GBytes): a new array that
 *   owns its values (see [method@Message.get_option_values]); empty if
 *   there are none
 *
 * Since: 1.0
 */
GPtrArray *
coap_udp6_message_get_request_tags (CoapUdp6Message *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), NULL);

        return coap_udp6_message_get_opaque_values (
                self, COAP_UDP6_OPTION_REQUEST_TAG);
}

/**
 * coap_udp6_message_add_request_tag:
 * @self: a #CoapUdp6Message
 * @value: the value
 *
 * Adds one Request-Tag (RFC 9175) option after the existing ones.
 *
 * Since: 1.0
 */
void
coap_udp6_message_add_request_tag (CoapUdp6Message *self,
                                   GBytes          *value)
{
        g_return_if_fail (value != NULL);

        coap_udp6_message_add_option (
                self, COAP_UDP6_OPTION_REQUEST_TAG, value);
}

/**
 * coap_udp6_message_get_echo:
 * @self: a #CoapUdp6Message
 *
 * Gets the Echo (RFC 9175) option value.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL if absent
 *
 * Since: 1.0
 */
GBytes *
coap_udp6_message_get_echo (CoapUdp6Message *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), NULL);

        return coap_udp6_message_get_opaque (self, COAP_UDP6_OPTION_ECHO);
}

/**
 * coap_udp6_message_set_echo:
 * @self: a #CoapUdp6Message
 * @value: (nullable): the value, %NULL to remove the option
 *
 * Sets the Echo (RFC 9175) option.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_echo (CoapUdp6Message *self,
                            GBytes          *value)
{
        coap_udp6_message_set_option (self, COAP_UDP6_OPTION_ECHO, value);
}

/**
 * coap_udp6_message_get_oscore:
 * @self: a #CoapUdp6Message
 *
 * Gets the OSCORE (RFC 8613, opaque here) option value.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL if absent
 *
 * Since: 1.0
 */
GBytes *
coap_udp6_message_get_oscore (CoapUdp6Message *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), NULL);

        return coap_udp6_message_get_opaque (self, COAP_UDP6_OPTION_OSCORE);
}

/**
 * coap_udp6_message_set_oscore:
 * @self: a #CoapUdp6Message
 * @value: (nullable): the value, %NULL to remove the option
 *
 * Sets the OSCORE (RFC 8613, opaque here) option.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_oscore (CoapUdp6Message *self,
                              GBytes          *value)
{
        coap_udp6_message_set_option (self, COAP_UDP6_OPTION_OSCORE, value);
}
