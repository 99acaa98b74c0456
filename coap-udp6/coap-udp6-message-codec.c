/* coap-udp6-message-codec.c: the RFC 7252 §3 wire format
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-message-private.h"

#include "coap-udp6-endpoint-address.h"
#include "coap-udp6-error.h"

#include <string.h>

#define PAYLOAD_MARKER 0xff

static gboolean
fail (GError    **error,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError    **error,
      const char *format,
      ...)
{
        va_list args;
        g_autofree char *reason = NULL;

        va_start (args, format);
        reason = g_strdup_vprintf (format, args);
        va_end (args);
        g_set_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_UNPARSABLE,
                     "Unparsable CoAP message: %s", reason);
        return FALSE;
}

/* Reads an extended delta or length for nibble @nibble (RFC 7252 §3.1). */
static gboolean
read_extended (const guint8 **p,
               const guint8  *end,
               guint          nibble,
               guint32       *out,
               const char    *what,
               GError       **error)
{
        if (nibble < 13) {
                *out = nibble;
        } else if (nibble == 13) {
                if (end - *p < 1)
                        return fail (error, "truncated extended option %s",
                                     what);
                *out = 13u + (*p)[0];
                *p += 1;
        } else if (nibble == 14) {
                if (end - *p < 2)
                        return fail (error, "truncated extended option %s",
                                     what);
                *out = 269u + ((guint32) (*p)[0] << 8 | (*p)[1]);
                *p += 2;
        } else {
                return fail (error, "option %s nibble 15 is reserved", what);
        }
        return TRUE;
}

static gboolean
decode_options (CoapUdp6Message *self,
                const guint8    *start,
                const guint8    *p,
                const guint8    *end,
                GError         **error)
{
        guint32 number = 0;

        while (p < end) {
                CoapUdp6OptionEntry *e;
                guint32 delta = 0, len = 0;
                guint8 byte = *p++;

                if (byte == PAYLOAD_MARKER) {
                        if (p == end)
                                return fail (error,
                                             "payload marker without payload");
                        self->payload_offset = p - start;
                        self->payload_data = p;
                        self->payload_len = end - p;
                        return TRUE;
                }
                if (!read_extended (&p, end, byte >> 4, &delta, "delta", error) ||
                    !read_extended (&p, end, byte & 0xf, &len, "length", error))
                        return FALSE;
                number += delta;
                if (number > 65535)
                        return fail (error, "option number %u exceeds 65535",
                                     number);
                if ((gsize) (end - p) < len)
                        return fail (error,
                                     "truncated option value (option %u "
                                     "needs %u bytes, %u left)",
                                     number, len, (guint) (end - p));
                e = coap_udp6_message_reserve_options (self, 1);
                e->number = number;
                e->in_arena = FALSE;
                e->len = len;
                e->offset = p - start;
                self->n_opts++;
                p += len;
        }
        return TRUE;
}

/**
 * coap_udp6_message_peek_header:
 * @data: a datagram
 * @mtype: (out) (optional): the message type
 * @code: (out) (optional): the code
 * @mid: (out) (optional): the message ID
 *
 * Reads the fixed 4-byte header without decoding the rest, so that a
 * confirmable message whose body is broken can still be answered with a
 * Reset (RFC 7252 §4.2).
 *
 * Returns: %TRUE if @data has at least 4 bytes and version 1
 *
 * Since: 1.0
 */
gboolean
coap_udp6_message_peek_header (GBytes              *data,
                               CoapUdp6MessageType *mtype,
                               guint               *code,
                               guint               *mid)
{
        gsize len;
        const guint8 *p;

        g_return_val_if_fail (data != NULL, FALSE);

        p = g_bytes_get_data (data, &len);
        if (len < 4 || (p[0] >> 6) != 1)
                return FALSE;
        if (mtype != NULL)
                *mtype = (p[0] >> 4) & 0x3;
        if (code != NULL)
                *code = p[1];
        if (mid != NULL)
                *mid = (guint) p[2] << 8 | p[3];
        return TRUE;
}

static gboolean
decode_header (CoapUdp6Message *self,
               const guint8    *p,
               gsize            len,
               GError         **error)
{
        guint tkl;

        if (len < 4)
                return fail (error, "truncated header (%u bytes)", (guint) len);
        if ((p[0] >> 6) != 1)
                return fail (error, "unsupported version %u", p[0] >> 6);
        tkl = p[0] & 0xf;
        if (tkl > 8)
                return fail (error, "token length %u is reserved", tkl);
        if (p[1] == 0 && len != 4)
                return fail (error, "empty message (0.00) with %u bytes "
                             "after the header", (guint) len - 4);
        if (len < 4 + tkl)
                return fail (error, "truncated token (%u of %u bytes)",
                             (guint) len - 4, tkl);
        self->mtype = (p[0] >> 4) & 0x3;
        self->code = p[1];
        self->mid = (guint16) (p[2] << 8 | p[3]);
        self->token_len = tkl;
        memcpy (self->token, p + 4, tkl);
        return TRUE;
}

static gboolean
load_data (CoapUdp6Message         *self,
           const guint8            *p,
           gsize                    len,
           CoapUdp6EndpointAddress *remote,
           GError                 **error)
{
        if (!decode_header (self, p, len, error))
                return FALSE;
        self->wire_data = p;
        self->wire_len = len;
        if (!decode_options (self, p, p + 4 + self->token_len, p + len, error))
                return FALSE;
        if (remote != NULL)
                self->remote = g_object_ref (remote);
        return TRUE;
}

static gboolean
load (CoapUdp6Message         *self,
      GBytes                  *data,
      CoapUdp6EndpointAddress *remote,
      GError                 **error)
{
        gsize len;
        const guint8 *p = g_bytes_get_data (data, &len);

        self->wire = g_bytes_ref (data);
        return load_data (self, p, len, remote, error);
}

/* Like coap_udp6_message_load(), but the message points into @data
 * instead of holding a reference: the receive path decodes from its
 * buffers without a copy, and calls coap_udp6_message_own_wire() on a
 * message that is still referenced before the buffer is reused. */
gboolean
coap_udp6_message_load_borrowed (CoapUdp6Message         *self,
                                 const guint8            *data,
                                 gsize                    len,
                                 CoapUdp6EndpointAddress *remote,
                                 GError                 **error)
{
        coap_udp6_message_clear_contents (self);
        if (load_data (self, data, len, remote, error))
                return TRUE;
        coap_udp6_message_clear_contents (self);
        return FALSE;
}

/* Gives a message loaded with coap_udp6_message_load_borrowed() its own
 * copy of the datagram; anything that hands out the datagram's bytes
 * (the payload, an option as GBytes, a copy) calls it first. */
void
coap_udp6_message_own_wire (CoapUdp6Message *self)
{
        if (self->wire != NULL || self->wire_data == NULL)
                return;
        self->wire = g_bytes_new (self->wire_data, self->wire_len);
        self->wire_data = g_bytes_get_data (self->wire, NULL);
        if (self->payload == NULL && self->payload_len > 0)
                self->payload_data = self->wire_data + self->payload_offset;
}

/**
 * coap_udp6_message_decode:
 * @data: a datagram
 * @remote: (nullable): where it came from
 * @error: return location for a #GError, or %NULL
 *
 * Decodes a datagram (RFC 7252 §3). Unknown options are kept as they
 * are. Option values outside their registered length range do not fail
 * the decode; see [method@Message.check_options]. When decoding fails,
 * [func@Message.peek_header] still tells whether the header was intact.
 *
 * To decode many datagrams without creating a message for each, see
 * [method@Message.load].
 *
 * Returns: (transfer full): a new #CoapUdp6Message, or %NULL with
 *   %COAP_UDP6_ERROR_UNPARSABLE and the reason in @error
 *
 * Since: 1.0
 */
CoapUdp6Message *
coap_udp6_message_decode (GBytes                  *data,
                          CoapUdp6EndpointAddress *remote,
                          GError                 **error)
{
        g_autoptr (CoapUdp6Message) self = NULL;

        g_return_val_if_fail (data != NULL, NULL);
        g_return_val_if_fail (remote == NULL || COAP_UDP6_IS_ENDPOINT_ADDRESS (remote), NULL);
        g_return_val_if_fail (error == NULL || *error == NULL, NULL);

        self = g_object_new (COAP_UDP6_TYPE_MESSAGE, NULL);
        if (!load (self, data, remote, error))
                return NULL;
        return g_steal_pointer (&self);
}

/**
 * coap_udp6_message_load:
 * @self: a #CoapUdp6Message
 * @data: a datagram
 * @remote: (nullable): where it came from
 * @error: return location for a #GError, or %NULL
 *
 * Replaces everything in @self (header, token, options, payload, remote,
 * unresolved remote and requested scheme) with the message @data
 * encodes, following the same rules as [func@Message.decode].
 *
 * A program that decodes many datagrams can reuse one message this way
 * instead of creating one per datagram; the message keeps its option
 * table, so a reload does not allocate. This is a bulk replacement: it
 * emits no #GObject::notify signals.
 *
 * Returns: %TRUE on success; on failure, %FALSE with
 *   %COAP_UDP6_ERROR_UNPARSABLE in @error, and @self is left empty, as
 *   [ctor@Message.new] would make it with type CON and code 0
 *
 * Since: 1.0
 */
gboolean
coap_udp6_message_load (CoapUdp6Message         *self,
                        GBytes                  *data,
                        CoapUdp6EndpointAddress *remote,
                        GError                 **error)
{
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), FALSE);
        g_return_val_if_fail (data != NULL, FALSE);
        g_return_val_if_fail (remote == NULL || COAP_UDP6_IS_ENDPOINT_ADDRESS (remote), FALSE);
        g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

        coap_udp6_message_clear_contents (self);
        if (load (self, data, remote, error))
                return TRUE;
        coap_udp6_message_clear_contents (self);
        return FALSE;
}

static guint8 *
write_extended (guint8  *p,
                guint32  value,
                guint   *nibble)
{
        if (value < 13) {
                *nibble = value;
        } else if (value < 269) {
                *nibble = 13;
                *p++ = value - 13;
        } else {
                *nibble = 14;
                *p++ = (value - 269) >> 8;
                *p++ = (value - 269) & 0xff;
        }
        return p;
}

static gboolean
check_encodable (CoapUdp6Message *self,
                 const guint8   **token,
                 gsize           *token_len,
                 GError         **error)
{
        if (self->token_bytes != NULL)
                *token = g_bytes_get_data (self->token_bytes, token_len);
        else {
                *token = self->token;
                *token_len = self->token_len;
        }
        if (*token_len > 8) {
                g_set_error (error, COAP_UDP6_ERROR,
                             COAP_UDP6_ERROR_INVALID_MESSAGE,
                             "A token has at most 8 bytes, not %u",
                             (guint) *token_len);
                return FALSE;
        }
        if (self->code == 0 &&
            (*token_len > 0 || self->n_opts > 0 || self->payload_len > 0)) {
                g_set_error_literal (error, COAP_UDP6_ERROR,
                                     COAP_UDP6_ERROR_INVALID_MESSAGE,
                                     "An empty message (0.00) has no token, "
                                     "options or payload");
                return FALSE;
        }
        for (guint i = 0; i < self->n_opts; i++) {
                if (self->opts[i].len > COAP_UDP6_OPTION_MAX_LENGTH) {
                        g_set_error (error, COAP_UDP6_ERROR,
                                     COAP_UDP6_ERROR_INVALID_MESSAGE,
                                     "Option %u is too long (%u bytes)",
                                     self->opts[i].number, self->opts[i].len);
                        return FALSE;
                }
        }
        return TRUE;
}

/* The most bytes encode_into() writes. */
static gsize
encoded_bound (CoapUdp6Message *self,
               gsize            token_len)
{
        gsize size = 4 + token_len + 1 + self->payload_len + 5 * self->n_opts;

        for (guint i = 0; i < self->n_opts; i++)
                size += self->opts[i].len;
        return size;
}

static gsize
encode_into (CoapUdp6Message *self,
             const guint8    *token,
             gsize            token_len,
             guint8          *buf)
{
        guint8 *p = buf;
        guint previous = 0;

        *p++ = 1 << 6 | self->mtype << 4 | token_len;
        *p++ = self->code;
        *p++ = self->mid >> 8;
        *p++ = self->mid & 0xff;
        if (token_len > 0)
                memcpy (p, token, token_len);
        p += token_len;
        for (guint i = 0; i < self->n_opts; i++) {
                const CoapUdp6OptionEntry *e = &self->opts[i];
                guint8 *head = p++;
                guint dn, ln;

                p = write_extended (p, e->number - previous, &dn);
                p = write_extended (p, e->len, &ln);
                *head = dn << 4 | ln;
                if (e->len > 0)
                        memcpy (p, coap_udp6_option_entry_data (self, e),
                                e->len);
                p += e->len;
                previous = e->number;
        }
        if (self->payload_len > 0) {
                *p++ = PAYLOAD_MARKER;
                memcpy (p, self->payload_data, self->payload_len);
                p += self->payload_len;
        }
        return p - buf;
}

/**
 * coap_udp6_message_encode:
 * @self: a #CoapUdp6Message
 * @error: return location for a #GError
 *
 * Encodes the message as a datagram (RFC 7252 §3), with every delta and
 * length in its shortest form and options in the order they are held.
 *
 * Returns: (transfer full): the datagram, or %NULL with
 *   %COAP_UDP6_ERROR_INVALID_MESSAGE if an option value is longer than
 *   65804 bytes, or an empty (0.00) message has a token, options or a
 *   payload
 *
 * Since: 1.0
 */
GBytes *
coap_udp6_message_encode (CoapUdp6Message *self,
                          GError         **error)
{
        const guint8 *token;
        gsize token_len;
        guint8 *buf;

        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), NULL);
        g_return_val_if_fail (error == NULL || *error == NULL, NULL);

        self->identity_read = TRUE;
        if (!check_encodable (self, &token, &token_len, error))
                return NULL;
        buf = g_malloc (encoded_bound (self, token_len));
        return g_bytes_new_take (buf, encode_into (self, token, token_len, buf));
}

/* Encodes into @stack when it is large enough, else into a new buffer
 * for the caller to g_free() (*out != @stack): a datagram that is sent
 * and then dropped needs no allocation. */
gboolean
coap_udp6_message_encode_to_buffer (CoapUdp6Message *self,
                                    guint8          *stack,
                                    gsize            stack_size,
                                    guint8         **out,
                                    gsize           *out_len,
                                    GError         **error)
{
        const guint8 *token;
        gsize token_len, bound;

        if (!check_encodable (self, &token, &token_len, error))
                return FALSE;
        bound = encoded_bound (self, token_len);
        *out = bound <= stack_size ? stack : g_malloc (bound);
        *out_len = encode_into (self, token, token_len, *out);
        return TRUE;
}

/* Appends one problem per bad option; critical problems first if asked. */
static void
add_problem (GPtrArray **problems,
             char       *problem)
{
        if (*problems == NULL)
                *problems = g_ptr_array_new_with_free_func (g_free);
        g_ptr_array_add (*problems, problem);
}

/* The problems found, or NULL (not an empty array: this runs for every
 * request a server handles). */
static GPtrArray *
collect_problems (CoapUdp6Message *self,
                  gboolean         critical_only)
{
        GPtrArray *problems = NULL;

        for (guint i = 0; i < self->n_opts; i++) {
                const CoapUdp6OptionEntry *e = &self->opts[i];
                guint n = e->number, min, max;
                gboolean critical = coap_udp6_option_is_critical (n);
                gboolean known;

                if (critical_only && !critical)
                        continue;
                known = coap_udp6_option_get_length_range (n, &min, &max);
                if (!known && critical)
                        add_problem (&problems, g_strdup_printf (
                                "unknown critical option %u", n));
                else if (known && (e->len < min || e->len > max))
                        add_problem (&problems, g_strdup_printf (
                                "option %u (%s) has length %u outside %u–%u",
                                n, coap_udp6_option_get_name (n), e->len,
                                min, max));
                else if (known && !coap_udp6_option_is_repeatable (n) &&
                         i > 0 && self->opts[i - 1].number == n)
                        add_problem (&problems, g_strdup_printf (
                                "option %u (%s) is repeated", n,
                                coap_udp6_option_get_name (n)));
        }
        return problems;
}

/**
 * coap_udp6_message_check_options:
 * @self: a #CoapUdp6Message
 * @error: return location for a #GError
 *
 * Looks for critical options the message cannot be processed with (RFC
 * 7252 §5.4.1, §5.4.3, §5.4.5): an unknown critical option, a critical
 * option whose length is out of range, or a non-repeatable critical
 * option that is repeated. A server answers 4.02 Bad Option when this
 * fails. Elective problems are ignored here (typed getters skip those
 * values); [method@Message.get_option_problems] lists them.
 *
 * Returns: %TRUE if the options can be processed; %FALSE with
 *   %COAP_UDP6_ERROR_UNPARSABLE naming the first problem otherwise
 *
 * Since: 1.0
 */
gboolean
coap_udp6_message_check_options (CoapUdp6Message *self,
                                 GError         **error)
{
        g_autoptr (GPtrArray) problems = NULL;

        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), FALSE);

        problems = collect_problems (self, TRUE);
        if (problems == NULL)
                return TRUE;
        g_set_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_UNPARSABLE,
                     "Bad option: %s", (const char *) problems->pdata[0]);
        return FALSE;
}

/**
 * coap_udp6_message_get_option_problems:
 * @self: a #CoapUdp6Message
 *
 * Lists every option problem, critical or elective: unknown critical
 * options, lengths outside the registered range, and repeated
 * non-repeatable options.
 *
 * Returns: (transfer full) (array zero-terminated=1): one sentence per
 *   problem; empty if there are none
 *
 * Since: 1.0
 */
char **
coap_udp6_message_get_option_problems (CoapUdp6Message *self)
{
        GPtrArray *problems;

        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (self), NULL);

        problems = collect_problems (self, FALSE);
        if (problems == NULL)
                return g_new0 (char *, 1);
        g_ptr_array_add (problems, NULL);
        /* The strings go to the caller with the array. */
        return (char **) g_ptr_array_free (problems, FALSE);
}

/* RFC 7252 §3.2: uint values are big-endian in the fewest bytes; longer
 * (non-minimal) encodings are accepted on input. */
gboolean
coap_udp6_uint_decode (const guint8 *data,
                       gsize         len,
                       guint32      *value)
{
        guint32 v = 0;

        if (len > 4)
                return FALSE;
        for (gsize i = 0; i < len; i++)
                v = v << 8 | data[i];
        *value = v;
        return TRUE;
}

gsize
coap_udp6_uint_encode (guint32 value,
                       guint8  out[4])
{
        gsize len = 0;

        for (int shift = 24; shift >= 0; shift -= 8) {
                if (len > 0 || (value >> shift) != 0)
                        out[len++] = (value >> shift) & 0xff;
        }
        return len;
}
