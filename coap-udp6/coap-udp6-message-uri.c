/* coap-udp6-message-uri.c: request URIs (RFC 7252 §6.4, §6.5) and
 * the log representation of a message
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-message-private.h"

#include "coap-udp6-error.h"

#include <string.h>

#define COAP_DEFAULT_PORT 5683
/* RFC 3986 pchar minus unreserved (never escaped by GLib anyway). */
#define PCHAR_ALLOWED "!$&'()*+,;=:@"
#define QUERY_ALLOWED "!$'()*+,;=:@/?"

static gboolean
invalid (GError    **error,
         const char *uri,
         const char *why)
{
        g_set_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_INVALID_URI,
                     "Invalid request URI “%s”: %s", uri, why);
        return FALSE;
}

/* Splits @raw at @sep and percent-decodes each piece; NULL on a bad
 * percent-encoding. */
static GPtrArray *
split_decode (const char *raw,
              char        sep)
{
        g_autoptr (GPtrArray) values = NULL;
        g_auto (GStrv) pieces = NULL;
        char seps[2] = { sep, '\0' };

        values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
        pieces = g_strsplit (raw, seps, -1);
        for (guint i = 0; pieces[i] != NULL; i++) {
                GBytes *value = g_uri_unescape_bytes (pieces[i], -1, NULL, NULL);

                if (value == NULL)
                        return NULL;
                g_ptr_array_add (values, value);
        }
        return g_steal_pointer (&values);
}

static void
add_all (CoapUdp6Message *self,
         guint            number,
         GPtrArray       *values)
{
        for (guint i = 0; values != NULL && i < values->len; i++)
                coap_udp6_message_add_option (self, number, values->pdata[i]);
}

static void
set_remote_from_host (CoapUdp6Message *self,
                      const char      *host,
                      gint             port,
                      gint             default_port)
{
        g_autofree char *lower = NULL;
        GString *remote = g_string_new (NULL);
        gboolean literal = g_hostname_is_ip_address (host);

        if (literal && strchr (host, ':') != NULL) {
                g_string_append_c (remote, '[');
                g_string_append (remote, host);
                g_string_append_c (remote, ']');
        } else {
                lower = g_ascii_strdown (host, -1);
                g_string_append (remote, literal ? host : lower);
        }
        /* RFC 7252 §6.4 step 5: an IP literal is the destination, not a
         * Uri-Host. */
        if (!literal)
                coap_udp6_message_set_uri_host (self, lower);
        if (port > 0 && port != default_port) {
                char digits[8];
                guint n = 0;

                /* Not printf: this runs for every request made from a URI. */
                for (guint v = port; v > 0 && n < sizeof digits; v /= 10)
                        digits[n++] = '0' + v % 10;
                g_string_append_c (remote, ':');
                while (n > 0)
                        g_string_append_c (remote, digits[--n]);
        }
        coap_udp6_message_set_unresolved_remote (self, remote->str);
        g_string_free (remote, TRUE);
}

/* Keeps #CoapUdp6Message:unresolved-remote unambiguous: a name may not
 * contain what separates or brackets a port, nor control characters, and
 * a zone only unreserved characters. */
static gboolean
host_is_usable (const char *host)
{
        const char *zone = strchr (host, '%');

        if (g_hostname_is_ip_address (host)) {
                /* RFC 6874 zone IDs are unreserved characters; an
                 * interface name needs nothing else. */
                if (zone == NULL)
                        return TRUE;
                if (zone[1] == '\0')
                        return FALSE;
                for (const char *p = zone + 1; *p != '\0'; p++) {
                        if (!g_ascii_isalnum (*p) && strchr ("-._~", *p) == NULL)
                                return FALSE;
                }
                return TRUE;
        }
        for (const char *p = host; *p != '\0'; p++) {
                if (strchr (":[]%", *p) != NULL || (guchar) *p < 0x20 ||
                    *p == 0x7f)
                        return FALSE;
        }
        return TRUE;
}

/* RFC 6874 writes a zone as "%25eth0"; like aiocoap (and as RFC 6874 §4
 * suggests for user input) a bare "[fe80::1%eth0]" is accepted too. */
static char *
escape_bare_zone (const char *uri)
{
        const char *open = strstr (uri, "//[");
        const char *close = open != NULL ? strchr (open, ']') : NULL;
        const char *percent = open != NULL ? strchr (open, '%') : NULL;

        if (close == NULL || percent == NULL || percent > close ||
            g_str_has_prefix (percent, "%25"))
                return g_strdup (uri);
        return g_strdup_printf ("%.*s%%25%s", (int) (percent - uri), uri,
                                percent + 1);
}

/* RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":".
 * Not g_uri_peek_scheme(), which interns every scheme it sees for the life
 * of the process, so that arbitrary input would grow memory without bound. */
static gboolean
has_scheme (const char *uri)
{
        const char *p = uri;

        if (!g_ascii_isalpha (*p))
                return FALSE;
        while (g_ascii_isalnum (*p) || *p == '+' || *p == '-' || *p == '.')
                p++;
        return *p == ':';
}

static GUri *
parse (const char *uri,
       GError    **error)
{
        g_autofree char *full = NULL;
        g_autofree char *escaped = NULL;
        GUri *parsed;

        if (!has_scheme (uri))
                full = g_strconcat (g_str_has_prefix (uri, "//") ? "coap:"
                                                                 : "coap://",
                                    uri, NULL);
        escaped = escape_bare_zone (full != NULL ? full : uri);
        parsed = g_uri_parse (escaped,
                              G_URI_FLAGS_ENCODED_PATH |
                                      G_URI_FLAGS_ENCODED_QUERY |
                                      G_URI_FLAGS_ENCODED_FRAGMENT,
                              NULL);
        if (parsed == NULL)
                invalid (error, uri, "not a URI");
        return parsed;
}

/**
 * coap_udp6_message_set_request_uri:
 * @self: a #CoapUdp6Message
 * @uri: an absolute URI, or one without scheme ("host/path" or
 *   "//host/path"), which means "coap"
 * @error: return location for a #GError
 *
 * Sets the request target from a URI (RFC 7252 §6.4): the path and
 * query become percent-decoded Uri-Path and Uri-Query options; a host
 * name becomes the Uri-Host option (in lower case); an IP-literal host is
 * not sent at all. In both cases [property@Message:unresolved-remote]
 * gets the host as "host", "v4", "[v6]" or "[v6%zone]", followed by
 * ":port" unless the port is absent (or 5683 with the "coap" scheme), so a
 * transport can resolve it. A scheme other than "coap" is stored in
 * [property@Message:requested-scheme]. No Uri-Port option is added: the
 * URI's port is the destination port (§6.4 step 6). Previous Uri-Host,
 * Uri-Port, Uri-Path and Uri-Query options are replaced; on failure the
 * message is left unchanged.
 *
 * Returns: %TRUE on success; %FALSE with %COAP_UDP6_ERROR_INVALID_URI if
 *   @uri cannot be parsed, has no host, has a fragment, or has a
 *   percent-encoding that is not valid
 *
 * Since: 1.0
 */
gboolean
coap_udp6_message_set_request_uri (CoapUdp6Message *self,
                                   const char      *uri,
                                   GError         **error)
{
        g_autoptr (GUri) parsed = NULL;
        g_autoptr (GPtrArray) segments = NULL;
        g_autoptr (GPtrArray) queries = NULL;
        const char *path, *query, *scheme;
        gboolean is_coap;

        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), FALSE);
        g_return_val_if_fail (uri != NULL, FALSE);

        parsed = parse (uri, error);
        if (parsed == NULL)
                return FALSE;
        if (g_uri_get_fragment (parsed) != NULL)
                return invalid (error, uri, "a fragment is not allowed");
        if (g_uri_get_host (parsed) == NULL || *g_uri_get_host (parsed) == '\0')
                return invalid (error, uri, "no host");
        if (!host_is_usable (g_uri_get_host (parsed)))
                return invalid (error, uri, "the host is neither a usable "
                                "name nor an IP address with a plain zone");
        path = g_uri_get_path (parsed);
        query = g_uri_get_query (parsed);
        if (*path != '\0' && strcmp (path, "/") != 0 &&
            (segments = split_decode (path + 1, '/')) == NULL)
                return invalid (error, uri, "bad percent-encoding in the path");
        if (query != NULL && (queries = split_decode (query, '&')) == NULL)
                return invalid (error, uri, "bad percent-encoding in the query");
        for (guint n = COAP_UDP6_OPTION_URI_HOST; n <= COAP_UDP6_OPTION_URI_QUERY;
             n += 4)
                coap_udp6_message_remove_option (self, n);
        add_all (self, COAP_UDP6_OPTION_URI_PATH, segments);
        add_all (self, COAP_UDP6_OPTION_URI_QUERY, queries);
        scheme = g_uri_get_scheme (parsed);
        is_coap = g_ascii_strcasecmp (scheme, "coap") == 0;
        set_remote_from_host (self, g_uri_get_host (parsed),
                              g_uri_get_port (parsed),
                              is_coap ? COAP_DEFAULT_PORT : -1);
        coap_udp6_message_set_requested_scheme (self, is_coap ? NULL : scheme);
        return TRUE;
}

/* RFC 3986 §2.1; by hand because g_uri_escape_bytes() stops at a NUL
 * byte, which an option value may hold. */
static void
append_percent_encoded (GString      *out,
                        const guint8 *data,
                        gsize         len,
                        const char   *allowed)
{
        for (gsize i = 0; i < len; i++) {
                guint8 c = data[i];

                /* strchr() finds the terminator when c is 0 */
                if (c != 0 && (g_ascii_isalnum (c) || strchr ("-._~", c) ||
                               strchr (allowed, c) != NULL))
                        g_string_append_c (out, c);
                else
                        g_string_append_printf (out, "%%%02X", c);
        }
}

static void
append_escaped (GString                   *out,
                CoapUdp6Message           *self,
                const CoapUdp6OptionEntry *e,
                const char                *allowed)
{
        append_percent_encoded (out, coap_udp6_option_entry_data (self, e),
                                e->len, allowed);
}

/* A "." or ".." segment is spelled %2E so no URI parser removes it. */
static void
append_segment (GString                   *out,
                CoapUdp6Message           *self,
                const CoapUdp6OptionEntry *e)
{
        const guint8 *data = coap_udp6_option_entry_data (self, e);

        if ((e->len == 1 && data[0] == '.') ||
            (e->len == 2 && data[0] == '.' && data[1] == '.')) {
                g_string_append (out, e->len == 1 ? "%2E" : "%2E%2E");
                return;
        }
        append_escaped (out, self, e, PCHAR_ALLOWED);
}

/* Appends "/a/b?x&y" (RFC 7252 §6.5 steps 8 and 9); "/" without path. */
GString *
coap_udp6_message_append_path_query (CoapUdp6Message *self,
                                     GString         *out)
{
        gboolean any_path = FALSE, any_query = FALSE;

        for (guint i = 0; i < self->n_opts; i++) {
                const CoapUdp6OptionEntry *e = &self->opts[i];

                if (e->number == COAP_UDP6_OPTION_URI_PATH) {
                        g_string_append_c (out, '/');
                        append_segment (out, self, e);
                        any_path = TRUE;
                } else if (e->number == COAP_UDP6_OPTION_URI_QUERY) {
                        if (!any_path)
                                g_string_append_c (out, '/');
                        any_path = TRUE;
                        g_string_append_c (out, any_query ? '&' : '?');
                        append_escaped (out, self, e, QUERY_ALLOWED);
                        any_query = TRUE;
                }
        }
        if (!any_path)
                g_string_append_c (out, '/');
        return out;
}

/* Writes @len bytes of a segment at @buf + @at (what fits in @size), with
 * "/", "%" and NUL percent-encoded: a "/" inside one segment is not a
 * separator (RFC 7252 §6.5), so "a%2Fb" names that segment and "a/b" two.
 * Returns the length written or needed. */
static gsize
copy_segment (char         *buf,
              gsize         size,
              gsize         at,
              const guint8 *data,
              gsize         len)
{
        static const char hex[] = "0123456789ABCDEF";
        gsize out = at;

        for (gsize i = 0; i < len; i++) {
                guint8 c = data[i];

                if (G_LIKELY (c != '/' && c != '%' && c != '\0')) {
                        if (out + 1 < size)
                                buf[out] = c;
                        out++;
                        continue;
                }
                if (out + 3 < size) {
                        buf[out] = '%';
                        buf[out + 1] = hex[c >> 4];
                        buf[out + 2] = hex[c & 0xf];
                }
                out += 3;
        }
        return out - at;
}

/* The Uri-Path segments joined with "/" and no leading slash, as a server
 * looks a resource up (see copy_segment()). Writes at most @size bytes
 * including the NUL and returns the length the whole path needs (without
 * the NUL), like snprintf(). */
gsize
coap_udp6_message_copy_path (CoapUdp6Message *self,
                             char            *buf,
                             gsize            size)
{
        gsize len = 0;

        for (guint i = 0; i < self->n_opts; i++) {
                const CoapUdp6OptionEntry *e = &self->opts[i];

                if (e->number != COAP_UDP6_OPTION_URI_PATH)
                        continue;
                if (len > 0 && len + 1 < size)
                        buf[len] = '/';
                len += len > 0;
                len += copy_segment (buf, size, len, coap_udp6_option_entry_data (self, e), e->len);
        }
        if (size > 0)
                buf[MIN (len, size - 1)] = '\0';
        return len;
}

/* Spells a host as a URI does: an IPv6 literal in brackets with its zone
 * as "%25" (RFC 6874), anything else percent-encoded where needed. */
static void
append_host (GString    *out,
             const char *host,
             gsize       len)
{
        g_autofree char *h = g_strndup (host, len);

        if (strchr (h, ':') != NULL && g_hostname_is_ip_address (h)) {
                g_string_append_c (out, '[');
                for (const char *p = h; *p != '\0'; p++) {
                        if (*p == '%')
                                g_string_append (out, "%25");
                        else
                                g_string_append_c (out, *p);
                }
                g_string_append_c (out, ']');
                return;
        }
        append_percent_encoded (out, (const guint8 *) host, len,
                                "!$&'()*+,;=");
}

/* @remote is "host", "[v6]" or either with ":port" (see
 * #CoapUdp6Message:unresolved-remote). */
static void
append_unresolved (GString    *out,
                   const char *remote)
{
        const char *port;

        if (remote[0] == '[') {
                const char *close = strchr (remote, ']');

                if (close == NULL) {
                        append_host (out, remote, strlen (remote));
                        return;
                }
                append_host (out, remote + 1, close - remote - 1);
                port = close + 1;
        } else {
                port = strrchr (remote, ':');
                if (port == NULL)
                        port = remote + strlen (remote);
                append_host (out, remote, port - remote);
        }
        g_string_append (out, port);
}

static void
append_authority (CoapUdp6Message *self,
                  GString         *out)
{
        g_autofree char *host = coap_udp6_message_get_uri_host (self);
        guint port;

        coap_udp6_message_get_uri_port (self, &port);   /* 0 if absent */

        if (host != NULL && (self->unresolved_remote == NULL || port != 0)) {
                append_host (out, host, strlen (host));
                if (port != 0 && (port != COAP_DEFAULT_PORT ||
                                  self->requested_scheme != NULL))
                        g_string_append_printf (out, ":%u", port);
        } else if (self->unresolved_remote != NULL) {
                append_unresolved (out, self->unresolved_remote);
        }
}

/**
 * coap_udp6_message_get_request_uri:
 * @self: a #CoapUdp6Message
 *
 * Builds the URI a request is for (RFC 7252 §6.5) from the requested
 * scheme ("coap" if none), the Uri-Host and Uri-Port options or else the
 * [property@Message:unresolved-remote], and the Uri-Path and Uri-Query
 * options, percent-encoded as needed. The default port 5683 is left out.
 *
 * Returns: (transfer full) (nullable): the URI, or %NULL if the message
 *   carries no host information at all
 *
 * Since: 1.0
 */
char *
coap_udp6_message_get_request_uri (CoapUdp6Message *self)
{
        GString *out;
        gsize before;

        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), NULL);

        out = g_string_new (self->requested_scheme != NULL
                                    ? self->requested_scheme : "coap");
        g_string_append (out, "://");
        before = out->len;
        append_authority (self, out);
        if (out->len == before) {
                g_string_free (out, TRUE);
                return NULL;
        }
        coap_udp6_message_append_path_query (self, out);
        return g_string_free (out, FALSE);
}

/**
 * coap_udp6_message_to_string:
 * @self: a #CoapUdp6Message
 *
 * Describes the message for logs, e.g.
 * "CON GET mid=4660 token=cafe0001 /sensors/temp?u=c (0 bytes)"; the path
 * appears only when the message has Uri-Path or Uri-Query options, and
 * the count is that of the payload.
 *
 * Returns: (transfer full): a newly allocated string
 *
 * Since: 1.0
 */
char *
coap_udp6_message_to_string (CoapUdp6Message *self)
{
        const char *code = NULL;
        GString *out;
        gsize token_len;
        const guint8 *token;

        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), NULL);

        code = coap_udp6_code_is_request (self->code)
                       ? coap_udp6_code_get_name (self->code)
                       : NULL;
        if (code == NULL)
                code = coap_udp6_code_to_string (self->code);
        out = g_string_new (NULL);
        g_string_append_printf (out, "%s %s mid=%u token=",
                                coap_udp6_message_type_to_string (self->mtype),
                                code, self->mid);
        token = g_bytes_get_data (coap_udp6_message_get_token (self),
                                  &token_len);
        for (gsize i = 0; i < token_len; i++)
                g_string_append_printf (out, "%02x", token[i]);
        if (coap_udp6_message_has_option (self, COAP_UDP6_OPTION_URI_PATH) ||
            coap_udp6_message_has_option (self, COAP_UDP6_OPTION_URI_QUERY)) {
                g_string_append_c (out, ' ');
                coap_udp6_message_append_path_query (self, out);
        }
        g_string_append_printf (out, " (%" G_GSIZE_FORMAT " bytes)",
                                self->payload_len);
        return g_string_free (out, FALSE);
}
