/* coap-udp6-link-format.c: RFC 6690 link-format documents
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-link-format.h"
#include "coap-udp6-error.h"
#include "coap-udp6-link-private.h"

#include <string.h>

typedef struct {
        const char *start;
        const char *p;
        GError **error;
} Parser;

static gboolean
fail (Parser     *parser,
      const char *what)
{
        g_set_error (parser->error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_UNPARSABLE,
                     "Not link format (RFC 6690): %s at byte %" G_GSIZE_FORMAT,
                     what, (gsize) (parser->p - parser->start));
        return FALSE;
}

/* RFC 6690 has no white space; Link headers (RFC 8288 §3) and some
 * servers put it around the separators, so it is skipped there. */
static void
skip_space (Parser *parser)
{
        while (*parser->p == ' ' || *parser->p == '\t' || *parser->p == '\r' || *parser->p == '\n')
                parser->p++;
}

static char *
parse_quoted (Parser *parser)
{
        GString *out = g_string_new (NULL);

        parser->p++;
        for (;;) {
                char c = *parser->p;

                if (c == '\0') {
                        fail (parser, "a quoted string has no closing quote");
                        return g_string_free (out, TRUE), NULL;
                }
                parser->p++;
                if (c == '"')
                        return g_string_free (out, FALSE);
                if (c == '\\') {
                        if (*parser->p == '\0')
                                continue;
                        c = *parser->p++;
                }
                g_string_append_c (out, c);
        }
}

static gboolean
parse_attribute (Parser       *parser,
                 CoapUdp6Link *link)
{
        const char *name_start = parser->p;
        char *name, *value = NULL;

        while (coap_udp6_link_is_parmname_char (*parser->p))
                parser->p++;
        if (parser->p == name_start)
                return fail (parser, "an attribute has no name");
        name = g_ascii_strdown (name_start, parser->p - name_start);
        if (*parser->p == '=') {
                parser->p++;
                if (*parser->p == '"') {
                        value = parse_quoted (parser);
                        if (value == NULL) {
                                g_free (name);
                                return FALSE;
                        }
                } else {
                        const char *value_start = parser->p;

                        while (coap_udp6_link_is_ptoken_char (*parser->p))
                                parser->p++;
                        if (parser->p == value_start) {
                                g_free (name);
                                return fail (parser, "an attribute has an empty value");
                        }
                        value = g_strndup (value_start, parser->p - value_start);
                }
        }
        coap_udp6_link_take_attribute (link, name, value);
        return TRUE;
}

/* GUri decodes an IPv6 zone ("%25eth0") and writes it back bare; RFC
 * 6874 §2 wants it escaped again. */
static char *
uri_to_string (GUri *uri)
{
        g_autofree char *text = NULL;
        const char *host = g_uri_get_host (uri);
        const char *zone = host != NULL ? strchr (host, '%') : NULL;
        g_autofree char *bare = NULL;
        const char *at;

        /* RFC 3986 §5.3: a path that starts with "//" and no authority
         * would read as one; "/." keeps it a path (x:/.//a). */
        if (host == NULL && g_str_has_prefix (g_uri_get_path (uri), "//")) {
                g_autofree char *path = g_strconcat ("/.", g_uri_get_path (uri), NULL);

                return g_uri_join (G_URI_FLAGS_ENCODED, g_uri_get_scheme (uri), NULL, NULL, -1,
                                   path, g_uri_get_query (uri), g_uri_get_fragment (uri));
        }
        text = g_uri_to_string (uri);
        if (zone == NULL)
                return g_steal_pointer (&text);
        bare = g_strdup_printf ("%s]", zone);
        at = strstr (text, bare);
        if (at == NULL || g_str_has_prefix (at, "%25"))
                return g_steal_pointer (&text);
        return g_strdup_printf ("%.*s%%25%s", (int) (at - text), text, at + 1);
}

static CoapUdp6Link *
parse_link (Parser *parser,
            GUri   *base)
{
        g_autoptr (CoapUdp6Link) link = NULL;
        const char *target_start, *target_end;

        if (*parser->p != '<') {
                fail (parser, "a link does not start with “<”");
                return NULL;
        }
        target_start = ++parser->p;
        target_end = strchr (target_start, '>');
        if (target_end == NULL) {
                fail (parser, "a target has no closing “>”");
                return NULL;
        }
        if (!coap_udp6_link_target_is_valid (target_start, target_end - target_start)) {
                fail (parser, "a target is not a URI reference");
                return NULL;
        }
        link = coap_udp6_link_new_take (g_strndup (target_start, target_end - target_start));
        if (base != NULL) {
                g_autoptr (GUri) resolved = g_uri_parse_relative (base, coap_udp6_link_get_target (link),
                                                                  G_URI_FLAGS_ENCODED, NULL);

                if (resolved == NULL) {
                        fail (parser, "a target cannot be resolved");
                        return NULL;
                }
                coap_udp6_link_take_uri (link, uri_to_string (resolved));
        }
        parser->p = target_end + 1;
        for (;;) {
                skip_space (parser);
                if (*parser->p != ';')
                        return g_steal_pointer (&link);
                parser->p++;
                skip_space (parser);
                if (!parse_attribute (parser, link))
                        return NULL;
        }
}

/**
 * coap_udp6_link_format_parse:
 * @text: a link-format document in UTF-8, such as a `/.well-known/core`
 *   payload
 * @base_uri: (nullable): the URI the document came from (as
 *   `coap://[2001:db8::1]/.well-known/core`), to resolve relative targets
 *   against
 * @error: return location for a #GError
 *
 * Parses an RFC 6690 link-format document into links, with attribute
 * values unquoted. White space around `,` and `;` is accepted; anything
 * else that is not link format fails.
 *
 * With @base_uri, each link's [method@Link.get_uri] is its target resolved
 * against @base_uri (RFC 3986 §5).
 *
 * The array owns its links (it has a free function), so it is annotated
 * (transfer container): PyGObject 3.42 unrefs the elements of a (transfer
 * full) array twice.
 *
 * Returns: (transfer container) (element-type CoapUdp6Link): the links, in
 *   document order, or %NULL with @error set: %COAP_UDP6_ERROR_UNPARSABLE
 *   for a document that is not link format (the message says what and
 *   where), %COAP_UDP6_ERROR_INVALID_URI for a @base_uri that is not an
 *   absolute URI
 */
GPtrArray *
coap_udp6_link_format_parse (const char  *text,
                             const char  *base_uri,
                             GError     **error)
{
        g_autoptr (GPtrArray) links = NULL;
        g_autoptr (GUri) base = NULL;
        Parser parser = { text, text, error };

        g_return_val_if_fail (text != NULL, NULL);
        g_return_val_if_fail (error == NULL || *error == NULL, NULL);

        if (base_uri != NULL) {
                g_autoptr (GError) local_error = NULL;

                base = g_uri_parse (base_uri, G_URI_FLAGS_ENCODED, &local_error);
                if (base == NULL) {
                        g_set_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_INVALID_URI,
                                     "“%s” is not an absolute URI: %s", base_uri,
                                     local_error->message);
                        return NULL;
                }
        }
        if (!g_utf8_validate (text, -1, NULL)) {
                g_set_error_literal (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_UNPARSABLE,
                                     "Not link format (RFC 6690): not UTF-8");
                return NULL;
        }
        links = g_ptr_array_new_with_free_func ((GDestroyNotify) coap_udp6_link_unref);
        skip_space (&parser);
        if (*parser.p == '\0')
                return g_steal_pointer (&links);
        for (;;) {
                CoapUdp6Link *link = parse_link (&parser, base);

                if (link == NULL)
                        return NULL;
                g_ptr_array_add (links, link);
                if (*parser.p == '\0')
                        return g_steal_pointer (&links);
                if (*parser.p != ',') {
                        fail (&parser, "a link is followed by neither “,” nor “;”");
                        return NULL;
                }
                parser.p++;
                skip_space (&parser);
        }
}

/**
 * coap_udp6_link_format_parse_bytes:
 * @payload: a link-format payload, as [method@Message.get_payload] gives it
 * @base_uri: (nullable): the URI the payload came from
 * @error: return location for a #GError
 *
 * Parses a payload like [func@Link.format_parse]; a payload with a NUL
 * byte is not link format.
 *
 * Returns: (transfer container) (element-type CoapUdp6Link): the links
 *   (an array that owns them), or %NULL with @error set
 */
GPtrArray *
coap_udp6_link_format_parse_bytes (GBytes      *payload,
                                   const char  *base_uri,
                                   GError     **error)
{
        g_autofree char *text = NULL;
        gsize size;
        const char *data;

        g_return_val_if_fail (payload != NULL, NULL);
        g_return_val_if_fail (error == NULL || *error == NULL, NULL);

        data = g_bytes_get_data (payload, &size);
        if (size > 0 && memchr (data, '\0', size) != NULL) {
                g_set_error_literal (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_UNPARSABLE,
                                     "Not link format (RFC 6690): a NUL byte");
                return NULL;
        }
        text = size > 0 ? g_strndup (data, size) : g_strdup ("");
        return coap_udp6_link_format_parse (text, base_uri, error);
}

/**
 * coap_udp6_link_format_build:
 * @links: (element-type CoapUdp6Link): the links
 *
 * Writes links as an RFC 6690 link-format document: targets as they are,
 * values quoted where they must be (`title` and `anchor` always, values
 * with spaces or separators), `"` and `\` escaped inside quotes.
 *
 * Returns: (transfer full): the document, empty for no links
 */
char *
coap_udp6_link_format_build (GPtrArray *links)
{
        g_return_val_if_fail (links != NULL, NULL);

        return coap_udp6_link_format_build_array ((CoapUdp6Link **) links->pdata, links->len);
}

/**
 * coap_udp6_link_format_build_array:
 * @links: (array length=n_links): the links
 * @n_links: the number of links
 *
 * Writes links as an RFC 6690 link-format document, as
 * [func@Link.format_build] does, from a C array. GJS 1.74 passes a
 * JavaScript array to a `GPtrArray` of boxed values as %NULL pointers, so
 * JavaScript calls this one: `CoapUdp6.Link.format_build_array([a, b])`.
 *
 * Returns: (transfer full): the document, empty for no links
 */
char *
coap_udp6_link_format_build_array (CoapUdp6Link **links,
                                   gsize          n_links)
{
        GString *out;

        g_return_val_if_fail (links != NULL || n_links == 0, NULL);
        for (gsize i = 0; i < n_links; i++)
                g_return_val_if_fail (links[i] != NULL, NULL);

        out = g_string_new (NULL);
        for (gsize i = 0; i < n_links; i++) {
                if (i > 0)
                        g_string_append_c (out, ',');
                coap_udp6_link_append_to (links[i], out);
        }
        return g_string_free (out, FALSE);
}
