/* coap-udp6-message-options.c: generic option access, uint/string helpers,
 * and the typed accessors that are not a plain string, list or uint
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-message-private.h"

#include <string.h>

/* Makes room for @n more entries; returns where the first one goes. */
CoapUdp6OptionEntry *
coap_udp6_message_reserve_options (CoapUdp6Message *self,
                                   guint            n)
{
        if (self->n_opts + n > self->alloc_opts) {
                guint alloc = MAX (self->alloc_opts * 2, self->n_opts + n);

                if (self->opts == self->inline_opts) {
                        self->opts = g_new (CoapUdp6OptionEntry, alloc);
                        memcpy (self->opts, self->inline_opts,
                                self->n_opts * sizeof *self->opts);
                } else {
                        self->opts = g_renew (CoapUdp6OptionEntry, self->opts,
                                              alloc);
                }
                self->alloc_opts = alloc;
        }
        return self->opts + self->n_opts;
}

/* Inserts after every option numbered @number or less (RFC 7252 §5.4.5
 * keeps the order of repeated options). */
void
coap_udp6_message_insert_option (CoapUdp6Message *self,
                                 guint            number,
                                 const guint8    *data,
                                 gsize            len)
{
        CoapUdp6OptionEntry *e;
        guint i = self->n_opts;

        coap_udp6_message_reserve_options (self, 1);
        while (i > 0 && self->opts[i - 1].number > number)
                i--;
        memmove (self->opts + i + 1, self->opts + i,
                 (self->n_opts - i) * sizeof *self->opts);
        self->n_opts++;
        e = &self->opts[i];
        e->number = number;
        e->len = len;
        e->in_arena = TRUE;
        if (self->arena == NULL)
                self->arena = g_byte_array_new ();
        e->offset = self->arena->len;
        if (len > 0)
                g_byte_array_append (self->arena, data, len);
}

const CoapUdp6OptionEntry *
coap_udp6_message_find_option (CoapUdp6Message *self,
                               guint            number)
{
        for (guint i = 0; i < self->n_opts; i++) {
                if (self->opts[i].number == number)
                        return &self->opts[i];
                if (self->opts[i].number > number)
                        break;
        }
        return NULL;
}

GBytes *
coap_udp6_message_option_to_bytes (CoapUdp6Message           *self,
                                   const CoapUdp6OptionEntry *e)
{
        coap_udp6_message_own_wire (self);
        if (!e->in_arena && self->wire != NULL)
                return g_bytes_new_from_bytes (self->wire, e->offset, e->len);
        return g_bytes_new (coap_udp6_option_entry_data (self, e), e->len);
}

/**
 * coap_udp6_message_add_option:
 * @self: a #CoapUdp6Message
 * @number: the option number, 0 to 65535
 * @value: (nullable): the value, %NULL for an empty one
 *
 * Adds an option after the existing options with the same number. The
 * value is copied. Nothing checks that the option may be repeated or
 * that the length is in range: [method@Message.check_options] does.
 *
 * Since: 1.0
 */
void
coap_udp6_message_add_option (CoapUdp6Message *self,
                              guint            number,
                              GBytes          *value)
{
        gsize len = 0;
        const guint8 *data = value != NULL ? g_bytes_get_data (value, &len)
                                           : NULL;

        g_return_if_fail (COAP_UDP6_IS_MESSAGE (self));
        g_return_if_fail (number <= 65535);
        g_return_if_fail (len <= G_MAXUINT32);

        coap_udp6_message_insert_option (self, number, data, len);
}

/**
 * coap_udp6_message_set_option:
 * @self: a #CoapUdp6Message
 * @number: the option number, 0 to 65535
 * @value: (nullable): the value, %NULL to remove the option
 *
 * Replaces every option numbered @number with one value, or removes
 * them all.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_option (CoapUdp6Message *self,
                              guint            number,
                              GBytes          *value)
{
        g_return_if_fail (COAP_UDP6_IS_MESSAGE (self));
        g_return_if_fail (number <= 65535);

        coap_udp6_message_remove_option (self, number);
        if (value != NULL)
                coap_udp6_message_add_option (self, number, value);
}

/**
 * coap_udp6_message_get_option_values:
 * @self: a #CoapUdp6Message
 * @number: the option number
 *
 * Gets every value of an option, in message order.
 *
 * The array is new and owns its elements (it has a free function), so
 * g_ptr_array_unref() releases everything; take a reference on a value
 * to keep it longer. It is annotated (transfer container) because
 * PyGObject 3.42 unrefs the elements of a (transfer full) array twice.
 *
 * Returns: (transfer container) (element-type GBytes): the values, empty
 *   if the option is absent
 *
 * Since: 1.0
 */
GPtrArray *
coap_udp6_message_get_option_values (CoapUdp6Message *self,
                                     guint            number)
{
        GPtrArray *values;

        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), NULL);

        values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
        for (guint i = 0; i < self->n_opts; i++) {
                if (self->opts[i].number == number)
                        g_ptr_array_add (values,
                                         coap_udp6_message_option_to_bytes (
                                                 self, &self->opts[i]));
        }
        return values;
}

/**
 * coap_udp6_message_get_option:
 * @self: a #CoapUdp6Message
 * @number: the option number
 *
 * Gets the first value of an option.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL if absent
 *
 * Since: 1.0
 */
GBytes *
coap_udp6_message_get_option (CoapUdp6Message *self,
                              guint            number)
{
        const CoapUdp6OptionEntry *e;

        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), NULL);

        e = coap_udp6_message_find_option (self, number);
        return e != NULL ? coap_udp6_message_option_to_bytes (self, e) : NULL;
}

/**
 * coap_udp6_message_remove_option:
 * @self: a #CoapUdp6Message
 * @number: the option number
 *
 * Removes every option numbered @number.
 *
 * Returns: how many were removed
 *
 * Since: 1.0
 */
guint
coap_udp6_message_remove_option (CoapUdp6Message *self,
                                 guint            number)
{
        guint kept = 0;

        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), 0);

        for (guint i = 0; i < self->n_opts; i++) {
                if (self->opts[i].number != number)
                        self->opts[kept++] = self->opts[i];
        }
        number = self->n_opts - kept;
        self->n_opts = kept;
        return number;
}

/**
 * coap_udp6_message_has_option:
 * @self: a #CoapUdp6Message
 * @number: the option number
 *
 * Whether the message carries the option at least once.
 *
 * Returns: %TRUE if present
 *
 * Since: 1.0
 */
gboolean
coap_udp6_message_has_option (CoapUdp6Message *self,
                              guint            number)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), FALSE);

        return coap_udp6_message_find_option (self, number) != NULL;
}

/**
 * coap_udp6_message_get_n_options:
 * @self: a #CoapUdp6Message
 *
 * Counts the options, repeated ones included. With
 * [method@Message.get_nth_option] this iterates over all options in
 * ascending number order.
 *
 * Returns: the number of options
 *
 * Since: 1.0
 */
guint
coap_udp6_message_get_n_options (CoapUdp6Message *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), 0);

        return self->n_opts;
}

/**
 * coap_udp6_message_get_nth_option:
 * @self: a #CoapUdp6Message
 * @index: the position, below [method@Message.get_n_options]
 * @number: (out) (optional): the option number
 *
 * Gets the option at a position, in ascending number order.
 *
 * Returns: (transfer full): the value
 *
 * Since: 1.0
 */
GBytes *
coap_udp6_message_get_nth_option (CoapUdp6Message *self,
                                  guint            index,
                                  guint           *number)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), NULL);
        g_return_val_if_fail (index < self->n_opts, NULL);

        if (number != NULL)
                *number = self->opts[index].number;
        return coap_udp6_message_option_to_bytes (self, &self->opts[index]);
}

/* RFC 7252 §5.4.3: a value out of the registered range is treated like
 * an unrecognized option, i.e. typed getters skip it. */
static gboolean
entry_in_range (const CoapUdp6OptionEntry *e)
{
        guint min, max;

        coap_udp6_option_get_length_range (e->number, &min, &max);
        return e->len >= min && e->len <= max;
}

static const CoapUdp6OptionEntry *
find_valid (CoapUdp6Message *self,
            guint            number)
{
        for (guint i = 0; i < self->n_opts; i++) {
                if (self->opts[i].number > number)
                        break;
                if (self->opts[i].number == number &&
                    entry_in_range (&self->opts[i]))
                        return &self->opts[i];
        }
        return NULL;
}

/**
 * coap_udp6_message_get_option_uint:
 * @self: a #CoapUdp6Message
 * @number: the option number
 * @value: (out) (optional): the value; 0 if absent
 *
 * Gets the first value of an option as an unsigned integer (RFC 7252
 * §3.2). A known option whose length is out of range, or a value longer
 * than 4 bytes, counts as absent.
 *
 * Returns: %TRUE if the option is present, %FALSE if absent
 *
 * Since: 1.0
 */
gboolean
coap_udp6_message_get_option_uint (CoapUdp6Message *self,
                                   guint            number,
                                   guint32         *value)
{
        const CoapUdp6OptionEntry *e;
        guint32 decoded = 0;
        gboolean present;

        if (value != NULL)
                *value = 0;
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), FALSE);

        e = find_valid (self, number);
        present = e != NULL &&
                  coap_udp6_uint_decode (coap_udp6_option_entry_data (self, e),
                                         e->len, &decoded);
        if (present && value != NULL)
                *value = decoded;
        return present;
}

/**
 * coap_udp6_message_set_option_uint:
 * @self: a #CoapUdp6Message
 * @number: the option number, 0 to 65535
 * @value: the value
 *
 * Replaces an option with an unsigned integer in the fewest bytes
 * (0 is the empty value).
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_option_uint (CoapUdp6Message *self,
                                   guint            number,
                                   guint32          value)
{
        guint8 buf[4];
        gsize len;

        g_return_if_fail (COAP_UDP6_IS_MESSAGE (self));
        g_return_if_fail (number <= 65535);

        len = coap_udp6_uint_encode (value, buf);
        coap_udp6_message_remove_option (self, number);
        coap_udp6_message_insert_option (self, number, buf, len);
}

/* Option values come from the network: what is not UTF-8 (RFC 7252
 * §3.2 asks for Net-Unicode) is replaced by U+FFFD, as the "utf8"
 * return type promises the bindings; the bytes are in
 * coap_udp6_message_get_option(). */
static char *
dup_valid_utf8 (const guint8 *data,
                gsize         len)
{
        if (g_utf8_validate_len ((const char *) data, len, NULL))
                return g_strndup ((const char *) data, len);
        return g_utf8_make_valid ((const char *) data, len);
}

/**
 * coap_udp6_message_get_option_string:
 * @self: a #CoapUdp6Message
 * @number: the option number
 *
 * Gets the first value of an option as a string. A known option whose
 * length is out of range counts as absent. Bytes that are not UTF-8 are
 * replaced by U+FFFD (the bytes as they are: [method@Message.get_option]).
 *
 * Returns: (transfer full) (nullable): the value, or %NULL if absent
 *
 * Since: 1.0
 */
char *
coap_udp6_message_get_option_string (CoapUdp6Message *self,
                                     guint            number)
{
        const CoapUdp6OptionEntry *e;

        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), NULL);

        e = find_valid (self, number);
        if (e == NULL)
                return NULL;
        return dup_valid_utf8 (coap_udp6_option_entry_data (self, e), e->len);
}

/**
 * coap_udp6_message_set_option_string:
 * @self: a #CoapUdp6Message
 * @number: the option number, 0 to 65535
 * @value: (nullable): the value, %NULL to remove the option
 *
 * Replaces an option with a string value.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_option_string (CoapUdp6Message *self,
                                     guint            number,
                                     const char      *value)
{
        g_return_if_fail (COAP_UDP6_IS_MESSAGE (self));
        g_return_if_fail (number <= 65535);

        coap_udp6_message_remove_option (self, number);
        if (value != NULL)
                coap_udp6_message_insert_option (self, number,
                                                 (const guint8 *) value,
                                                 strlen (value));
}

/**
 * coap_udp6_message_get_option_strv:
 * @self: a #CoapUdp6Message
 * @number: the option number
 *
 * Gets every value of a repeatable string option, in order. Values of
 * a known option whose length is out of range are skipped; bytes that
 * are not UTF-8 are replaced by U+FFFD.
 *
 * Returns: (transfer full) (array zero-terminated=1): the values; empty
 *   if the option is absent
 *
 * Since: 1.0
 */
char **
coap_udp6_message_get_option_strv (CoapUdp6Message *self,
                                   guint            number)
{
        GPtrArray *out;

        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), NULL);

        out = g_ptr_array_new ();
        for (guint i = 0; i < self->n_opts; i++) {
                const CoapUdp6OptionEntry *e = &self->opts[i];

                if (e->number == number && entry_in_range (e))
                        g_ptr_array_add (out, dup_valid_utf8 (coap_udp6_option_entry_data (self, e),
                                                              e->len));
        }
        g_ptr_array_add (out, NULL);
        return (char **) g_ptr_array_free (out, FALSE);
}

/**
 * coap_udp6_message_set_option_strv:
 * @self: a #CoapUdp6Message
 * @number: the option number, 0 to 65535
 * @values: (nullable) (array zero-terminated=1): the values, %NULL or
 *   empty to remove the option
 *
 * Replaces a repeatable string option with one occurrence per value.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_option_strv (CoapUdp6Message   *self,
                                   guint              number,
                                   const char *const *values)
{
        g_return_if_fail (COAP_UDP6_IS_MESSAGE (self));
        g_return_if_fail (number <= 65535);

        coap_udp6_message_remove_option (self, number);
        for (gsize i = 0; values != NULL && values[i] != NULL; i++)
                coap_udp6_message_insert_option (self, number,
                                                 (const guint8 *) values[i],
                                                 strlen (values[i]));
}

/* Every in-range value of an opaque option, as new GBytes. */
GPtrArray *
coap_udp6_message_get_opaque_values (CoapUdp6Message *self,
                                     guint            number)
{
        GPtrArray *values;

        values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
        for (guint i = 0; i < self->n_opts; i++) {
                if (self->opts[i].number == number &&
                    entry_in_range (&self->opts[i]))
                        g_ptr_array_add (values,
                                         coap_udp6_message_option_to_bytes (
                                                 self, &self->opts[i]));
        }
        return values;
}

/* The first in-range value of an opaque option. */
GBytes *
coap_udp6_message_get_opaque (CoapUdp6Message *self,
                              guint            number)
{
        const CoapUdp6OptionEntry *e = find_valid (self, number);

        return e != NULL ? coap_udp6_message_option_to_bytes (self, e) : NULL;
}

/**
 * coap_udp6_message_get_uri_port:
 * @self: a #CoapUdp6Message
 * @port: (out) (optional): the port; 0 if absent
 *
 * Gets the Uri-Port option.
 *
 * Returns: %TRUE if the option is present, %FALSE if absent
 *
 * Since: 1.0
 */
gboolean
coap_udp6_message_get_uri_port (CoapUdp6Message *self,
                                guint           *port)
{
        guint32 value = 0;
        gboolean present = coap_udp6_message_get_option_uint (
                self, COAP_UDP6_OPTION_URI_PORT, &value);

        if (port != NULL)
                *port = value;
        return present;
}

/**
 * coap_udp6_message_set_uri_port:
 * @self: a #CoapUdp6Message
 * @port: the port, 1 to 65535; 0 removes the option
 *
 * Sets the Uri-Port option.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_uri_port (CoapUdp6Message *self,
                                guint            port)
{
        g_return_if_fail (port <= 65535);

        if (port == 0)
                coap_udp6_message_remove_option (
                        self, COAP_UDP6_OPTION_URI_PORT);
        else
                coap_udp6_message_set_option_uint (self,
                                                   COAP_UDP6_OPTION_URI_PORT,
                                                   port);
}

/**
 * coap_udp6_message_get_max_age:
 * @self: a #CoapUdp6Message
 * @seconds: (out) (optional): the freshness lifetime in seconds; 0 if
 *   absent
 *
 * Gets the Max-Age option. [method@Message.get_effective_max_age] gives
 * the lifetime that applies when it is absent.
 *
 * Returns: %TRUE if the option is present, %FALSE if absent
 *
 * Since: 1.0
 */
gboolean
coap_udp6_message_get_max_age (CoapUdp6Message *self,
                               guint32         *seconds)
{
        return coap_udp6_message_get_option_uint (self, COAP_UDP6_OPTION_MAX_AGE,
                                                  seconds);
}

/**
 * coap_udp6_message_get_effective_max_age:
 * @self: a #CoapUdp6Message
 *
 * Gets the freshness lifetime of a response: its Max-Age option, or 60
 * seconds if it has none (RFC 7252 §5.10.5).
 *
 * Returns: the lifetime in seconds
 *
 * Since: 1.0
 */
guint32
coap_udp6_message_get_effective_max_age (CoapUdp6Message *self)
{
        guint32 seconds;

        if (!coap_udp6_message_get_max_age (self, &seconds))
                seconds = 60;
        return seconds;
}

/**
 * coap_udp6_message_set_max_age:
 * @self: a #CoapUdp6Message
 * @seconds: the freshness lifetime in seconds
 *
 * Sets the Max-Age option (remove it with
 * [method@Message.remove_option] to get the default of 60).
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_max_age (CoapUdp6Message *self,
                               guint            seconds)
{
        coap_udp6_message_set_option_uint (self, COAP_UDP6_OPTION_MAX_AGE,
                                           seconds);
}

static CoapUdp6BlockOption *
get_block (CoapUdp6Message *self,
           guint            number)
{
        guint32 value;

        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), NULL);

        if (!coap_udp6_message_get_option_uint (self, number, &value))
                return NULL;
        return coap_udp6_block_option_new_from_uint (value);
}

static void
set_block (CoapUdp6Message           *self,
           guint                      number,
           const CoapUdp6BlockOption *block)
{
        g_return_if_fail (COAP_UDP6_IS_MESSAGE (self));

        if (block == NULL)
                coap_udp6_message_remove_option (self, number);
        else
                coap_udp6_message_set_option_uint (
                        self, number, coap_udp6_block_option_to_uint (block));
}

/**
 * coap_udp6_message_get_block1:
 * @self: a #CoapUdp6Message
 *
 * Gets the Block1 option (RFC 7959).
 *
 * Returns: (transfer full) (nullable): the value, or %NULL if absent or
 *   invalid (reserved SZX 7)
 *
 * Since: 1.0
 */
CoapUdp6BlockOption *
coap_udp6_message_get_block1 (CoapUdp6Message *self)
{
        return get_block (self, COAP_UDP6_OPTION_BLOCK1);
}

/**
 * coap_udp6_message_set_block1:
 * @self: a #CoapUdp6Message
 * @block: (nullable): the value, %NULL to remove the option
 *
 * Sets the Block1 option (RFC 7959).
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_block1 (CoapUdp6Message           *self,
                              const CoapUdp6BlockOption *block)
{
        set_block (self, COAP_UDP6_OPTION_BLOCK1, block);
}

/**
 * coap_udp6_message_get_block2:
 * @self: a #CoapUdp6Message
 *
 * Gets the Block2 option (RFC 7959).
 *
 * Returns: (transfer full) (nullable): the value, or %NULL if absent or
 *   invalid (reserved SZX 7)
 *
 * Since: 1.0
 */
CoapUdp6BlockOption *
coap_udp6_message_get_block2 (CoapUdp6Message *self)
{
        return get_block (self, COAP_UDP6_OPTION_BLOCK2);
}

/**
 * coap_udp6_message_set_block2:
 * @self: a #CoapUdp6Message
 * @block: (nullable): the value, %NULL to remove the option
 *
 * Sets the Block2 option (RFC 7959).
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_block2 (CoapUdp6Message           *self,
                              const CoapUdp6BlockOption *block)
{
        set_block (self, COAP_UDP6_OPTION_BLOCK2, block);
}

/**
 * coap_udp6_message_get_if_none_match:
 * @self: a #CoapUdp6Message
 *
 * Whether the If-None-Match option is present.
 *
 * Returns: %TRUE if present
 *
 * Since: 1.0
 */
gboolean
coap_udp6_message_get_if_none_match (CoapUdp6Message *self)
{
        return coap_udp6_message_has_option (self,
                                             COAP_UDP6_OPTION_IF_NONE_MATCH);
}

/**
 * coap_udp6_message_set_if_none_match:
 * @self: a #CoapUdp6Message
 * @if_none_match: whether to carry the option
 *
 * Adds or removes the (empty) If-None-Match option.
 *
 * Since: 1.0
 */
void
coap_udp6_message_set_if_none_match (CoapUdp6Message *self,
                                     gboolean         if_none_match)
{
        g_return_if_fail (COAP_UDP6_IS_MESSAGE (self));

        coap_udp6_message_remove_option (self, COAP_UDP6_OPTION_IF_NONE_MATCH);
        if (if_none_match)
                coap_udp6_message_insert_option (
                        self, COAP_UDP6_OPTION_IF_NONE_MATCH, NULL, 0);
}
