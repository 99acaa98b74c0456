/* coap-udp6-link.c: one link of an RFC 6690 link-format document
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-link.h"
#include "coap-udp6-link-private.h"

#include <string.h>

struct _CoapUdp6Link {
        gatomicrefcount ref_count;
        char *target;               /* as written between < and > */
        char *uri;                  /* nullable: resolved against a base */
        GPtrArray *names;           /* of char *, one per occurrence */
        GPtrArray *values;          /* of char *, nullable: `obs` has none */
};

/**
 * CoapUdp6Link:
 *
 * One link of an RFC 6690 link-format document (`application/link-format`,
 * what `/.well-known/core` answers): a target URI reference and its
 * attributes, such as `rt` (resource type), `if` (interface description),
 * `ct` (Content-Format), `sz` (size), `title`, `obs` (observable),
 * `anchor` and `rel`.
 *
 * An attribute may appear more than once, may have no value (`obs`) and
 * may hold several values separated by spaces (`rt="a b"`, RFC 6690
 * §3.1; `ct="0 50"`, RFC 7252 §7.2.1):
 * [method@Link.get_attribute_values] gives every one of them.
 *
 * Links come from [func@Link.format_parse] or [ctor@Link.new]; a list of
 * them becomes a document with [func@Link.format_build].
 *
 * Since: 1.0
 */
G_DEFINE_BOXED_TYPE (CoapUdp6Link, coap_udp6_link,
                     coap_udp6_link_ref, coap_udp6_link_unref)

/* RFC 6690 §2: the attributes whose value is a space-separated list. */
static const char *const multi_valued[] = { "rel", "rev", "rt", "if", "ct", NULL };

/* RFC 5988 §5 ptokenchar. */
gboolean
coap_udp6_link_is_ptoken_char (char c)
{
        return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'()*+-./:<=>?@[]^_`{|}~", c) != NULL);
}

/* RFC 5988 §5 parmname, and the `*` of an RFC 5987 ext-value name (title*). */
gboolean
coap_udp6_link_is_parmname_char (char c)
{
        return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$&+-.^_`|~*", c) != NULL);
}

/* A URI-reference (RFC 3986 §4.1) that can stand between < and >. */
gboolean
coap_udp6_link_target_is_valid (const char *target,
                                gsize       length)
{
        g_autoptr (GUri) base = NULL;
        g_autoptr (GUri) uri = NULL;
        g_autofree char *copy = NULL;

        for (gsize i = 0; i < length; i++) {
                guchar c = target[i];

                if (c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '"' ||
                    c == '\\' || c == '{' || c == '}' || c == '|' || c == '^' || c == '`')
                        return FALSE;
        }
        copy = g_strndup (target, length);
        base = g_uri_parse ("coap://base/", G_URI_FLAGS_ENCODED, NULL);
        uri = g_uri_parse_relative (base, copy, G_URI_FLAGS_ENCODED, NULL);
        return uri != NULL;
}

CoapUdp6Link *
coap_udp6_link_new_take (char *target)
{
        CoapUdp6Link *self = g_new0 (CoapUdp6Link, 1);

        g_atomic_ref_count_init (&self->ref_count);
        self->target = target;
        self->names = g_ptr_array_new_with_free_func (g_free);
        self->values = g_ptr_array_new_with_free_func (g_free);
        if (g_uri_is_valid (target, G_URI_FLAGS_ENCODED, NULL))
                self->uri = g_strdup (target);
        return self;
}

/**
 * coap_udp6_link_new:
 * @target: the target URI reference, relative (`/sensors/temp`) or
 *   absolute (`coap://[2001:db8::1]/a`)
 *
 * Makes a link without attributes. @target must be a URI reference
 * (RFC 3986 §4.1) in its encoded form: no spaces, angle brackets or
 * non-ASCII bytes.
 *
 * Returns: (transfer full): a new link
 */
CoapUdp6Link *
coap_udp6_link_new (const char *target)
{
        g_return_val_if_fail (target != NULL, NULL);
        g_return_val_if_fail (coap_udp6_link_target_is_valid (target, strlen (target)), NULL);

        return coap_udp6_link_new_take (g_strdup (target));
}

/**
 * coap_udp6_link_ref:
 * @self: a #CoapUdp6Link
 *
 * Takes a reference.
 *
 * Returns: (transfer full): @self
 */
CoapUdp6Link *
coap_udp6_link_ref (CoapUdp6Link *self)
{
        g_return_val_if_fail (self != NULL, NULL);

        g_atomic_ref_count_inc (&self->ref_count);
        return self;
}

/**
 * coap_udp6_link_unref:
 * @self: (transfer full): a #CoapUdp6Link
 *
 * Drops a reference; the last one frees the link.
 */
void
coap_udp6_link_unref (CoapUdp6Link *self)
{
        g_return_if_fail (self != NULL);

        if (!g_atomic_ref_count_dec (&self->ref_count))
                return;
        g_free (self->target);
        g_free (self->uri);
        g_ptr_array_unref (self->names);
        g_ptr_array_unref (self->values);
        g_free (self);
}

/**
 * coap_udp6_link_get_target:
 * @self: a #CoapUdp6Link
 *
 * Gets the target as written between `<` and `>`.
 *
 * Returns: (transfer none): the target URI reference
 */
const char *
coap_udp6_link_get_target (CoapUdp6Link *self)
{
        g_return_val_if_fail (self != NULL, NULL);

        return self->target;
}

/**
 * coap_udp6_link_get_uri:
 * @self: a #CoapUdp6Link
 *
 * Gets the target as an absolute URI: resolved against the URI of the
 * document it came from (the `base_uri` of [func@Link.format_parse]), or
 * the target itself when it is absolute.
 *
 * Returns: (transfer none) (nullable): the absolute target URI, or %NULL
 *   for a relative target with no base to resolve it against
 */
const char *
coap_udp6_link_get_uri (CoapUdp6Link *self)
{
        g_return_val_if_fail (self != NULL, NULL);

        return self->uri;
}

void
coap_udp6_link_take_uri (CoapUdp6Link *self,
                         char         *uri)
{
        g_free (self->uri);
        self->uri = uri;
}

void
coap_udp6_link_take_attribute (CoapUdp6Link *self,
                               char         *name,
                               char         *value)
{
        g_ptr_array_add (self->names, name);
        g_ptr_array_add (self->values, value);
}

static gboolean
is_parmname (const char *name)
{
        if (*name == '\0')
                return FALSE;
        for (const char *p = name; *p != '\0'; p++)
                if (!coap_udp6_link_is_parmname_char (*p))
                        return FALSE;
        return TRUE;
}

/**
 * coap_udp6_link_add_attribute:
 * @self: a #CoapUdp6Link
 * @name: the attribute name (`rt`, `title`, `obs`, …): letters, digits
 *   and the other characters of an RFC 5988 parmname
 * @value: (nullable): the value in UTF-8 (quoted when the link is
 *   written), or %NULL for an attribute without a value such as `obs`
 *
 * Adds an attribute after the existing ones; a name may be added more
 * than once. Several values of `rt`, `if`, `rel` or `ct` are one value
 * separated by spaces: `"temperature core.s"`.
 */
void
coap_udp6_link_add_attribute (CoapUdp6Link *self,
                              const char   *name,
                              const char   *value)
{
        g_return_if_fail (self != NULL);
        g_return_if_fail (name != NULL && is_parmname (name));
        g_return_if_fail (value == NULL || g_utf8_validate (value, -1, NULL));

        coap_udp6_link_take_attribute (self, g_ascii_strdown (name, -1), g_strdup (value));
}

static gint
find_attribute (CoapUdp6Link *self,
                const char   *name)
{
        for (guint i = 0; i < self->names->len; i++)
                if (g_ascii_strcasecmp (self->names->pdata[i], name) == 0)
                        return i;
        return -1;
}

/**
 * coap_udp6_link_has_attribute:
 * @self: a #CoapUdp6Link
 * @name: an attribute name, compared without regard to case
 *
 * Tells whether the link has the attribute, with or without a value
 * (`obs` marks an observable resource, RFC 7641 §6).
 *
 * Returns: %TRUE if the link has @name
 */
gboolean
coap_udp6_link_has_attribute (CoapUdp6Link *self,
                              const char   *name)
{
        g_return_val_if_fail (self != NULL, FALSE);
        g_return_val_if_fail (name != NULL, FALSE);

        return find_attribute (self, name) >= 0;
}

/**
 * coap_udp6_link_get_attribute:
 * @self: a #CoapUdp6Link
 * @name: an attribute name, compared without regard to case
 *
 * Gets the value of the first @name attribute, unquoted (`title="Internal
 * Clock"` gives `Internal Clock`).
 *
 * Returns: (transfer none) (nullable): the value, the empty string for an
 *   attribute without a value (`obs`), or %NULL if the link has no @name
 */
const char *
coap_udp6_link_get_attribute (CoapUdp6Link *self,
                              const char   *name)
{
        gint i;

        g_return_val_if_fail (self != NULL, NULL);
        g_return_val_if_fail (name != NULL, NULL);

        i = find_attribute (self, name);
        if (i < 0)
                return NULL;
        return self->values->pdata[i] != NULL ? self->values->pdata[i] : "";
}

/**
 * coap_udp6_link_get_attribute_values:
 * @self: a #CoapUdp6Link
 * @name: an attribute name, compared without regard to case
 *
 * Gets every value of @name, in order: each occurrence of the attribute,
 * and for `rel`, `rev`, `rt`, `if` and `ct` each of the space-separated
 * values in it (`rt="a b";rt=c` gives `a`, `b`, `c`). Occurrences without
 * a value give nothing.
 *
 * Returns: (transfer full): the values, an empty array when there are none
 */
GStrv
coap_udp6_link_get_attribute_values (CoapUdp6Link *self,
                                     const char   *name)
{
        g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
        g_autofree char *lower = NULL;
        gboolean split;

        g_return_val_if_fail (self != NULL, NULL);
        g_return_val_if_fail (name != NULL, NULL);

        lower = g_ascii_strdown (name, -1);
        split = g_strv_contains (multi_valued, lower);
        for (guint i = 0; i < self->names->len; i++) {
                const char *value = self->values->pdata[i];

                if (g_ascii_strcasecmp (self->names->pdata[i], name) != 0 || value == NULL)
                        continue;
                if (split) {
                        g_auto (GStrv) parts = g_strsplit (value, " ", -1);

                        for (guint j = 0; parts[j] != NULL; j++)
                                if (parts[j][0] != '\0')
                                        g_strv_builder_add (builder, parts[j]);
                } else {
                        g_strv_builder_add (builder, value);
                }
        }
        return g_strv_builder_end (builder);
}

/**
 * coap_udp6_link_get_attribute_names:
 * @self: a #CoapUdp6Link
 *
 * Gets the names of the link's attributes, each once, in the order they
 * first appear.
 *
 * Returns: (transfer full): the attribute names, in lower case
 */
GStrv
coap_udp6_link_get_attribute_names (CoapUdp6Link *self)
{
        g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

        g_return_val_if_fail (self != NULL, NULL);

        for (guint i = 0; i < self->names->len; i++)
                if (find_attribute (self, self->names->pdata[i]) == (gint) i)
                        g_strv_builder_add (builder, self->names->pdata[i]);
        return g_strv_builder_end (builder);
}

static gboolean
needs_quotes (const char *name,
              const char *value)
{
        /* RFC 6690 §2: title and anchor are quoted-strings; relation types
         * are quoted as libcoap and the CoRE examples write them (a
         * Content-Format number is not). */
        if (g_str_equal (name, "title") || g_str_equal (name, "anchor") || *value == '\0')
                return TRUE;
        if (g_strv_contains (multi_valued, name) && !g_str_equal (name, "ct"))
                return TRUE;
        for (const char *p = value; *p != '\0'; p++)
                if (!coap_udp6_link_is_ptoken_char (*p))
                        return TRUE;
        return FALSE;
}

void
coap_udp6_link_append_to (CoapUdp6Link *self,
                          GString      *out)
{
        g_string_append_c (out, '<');
        g_string_append (out, self->target);
        g_string_append_c (out, '>');
        coap_udp6_link_append_attributes_to (self, out);
}

void
coap_udp6_link_append_attributes_to (CoapUdp6Link *self,
                                     GString      *out)
{
        for (guint i = 0; i < self->names->len; i++) {
                const char *name = self->names->pdata[i];
                const char *value = self->values->pdata[i];

                g_string_append_c (out, ';');
                g_string_append (out, name);
                if (value == NULL)
                        continue;
                g_string_append_c (out, '=');
                if (!needs_quotes (name, value)) {
                        g_string_append (out, value);
                        continue;
                }
                g_string_append_c (out, '"');
                for (const char *p = value; *p != '\0'; p++) {
                        if (*p == '"' || *p == '\\')
                                g_string_append_c (out, '\\');
                        g_string_append_c (out, *p);
                }
                g_string_append_c (out, '"');
        }
}

/**
 * coap_udp6_link_to_string:
 * @self: a #CoapUdp6Link
 *
 * Writes the link in link format: `</time>;rt="ticks";obs`.
 *
 * Returns: (transfer full): the link as one link-value (RFC 6690 §2)
 */
char *
coap_udp6_link_to_string (CoapUdp6Link *self)
{
        GString *out;

        g_return_val_if_fail (self != NULL, NULL);

        out = g_string_new (NULL);
        coap_udp6_link_append_to (self, out);
        return g_string_free (out, FALSE);
}
