/* coap-udp6-block-option.c: the value of a Block1/Block2 option (RFC 7959)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-block-option.h"

/**
 * CoapUdp6BlockOption:
 *
 * The value of a Block1 or Block2 option (RFC 7959 §2.2): the block
 * number NUM, the "more blocks follow" flag M and the size exponent SZX
 * (block size `16 << szx`, 16 to 1024 bytes). An immutable value type.
 *
 * Since: 1.0
 */
struct _CoapUdp6BlockOption {
        guint32  num;
        gboolean more;
        guint    szx;
};

G_DEFINE_BOXED_TYPE (CoapUdp6BlockOption, coap_udp6_block_option,
                     coap_udp6_block_option_copy, coap_udp6_block_option_free)

/**
 * coap_udp6_block_option_new:
 * @num: the block number, below 2^20
 * @more: whether more blocks follow
 * @szx: the size exponent, 0 to 6
 *
 * Creates a block option value.
 *
 * Returns: (transfer full): a new #CoapUdp6BlockOption
 *
 * Since: 1.0
 */
CoapUdp6BlockOption *
coap_udp6_block_option_new (guint    num,
                            gboolean more,
                            guint    szx)
{
        CoapUdp6BlockOption *self;

        g_return_val_if_fail (num < (1u << 20), NULL);
        g_return_val_if_fail (szx <= 6, NULL);

        self = g_new (CoapUdp6BlockOption, 1);
        self->num = num;
        self->more = more != FALSE;
        self->szx = szx;
        return self;
}

/**
 * coap_udp6_block_option_new_from_uint:
 * @value: the option value as an integer (at most 24 bits)
 *
 * Decodes a block option value as carried on the wire.
 *
 * Returns: (transfer full) (nullable): a new #CoapUdp6BlockOption, or
 *   %NULL if @value has more than 24 bits or uses the reserved SZX 7
 *
 * Since: 1.0
 */
CoapUdp6BlockOption *
coap_udp6_block_option_new_from_uint (guint32 value)
{
        if (value >= (1u << 24) || (value & 0x7) == 7)
                return NULL;
        return coap_udp6_block_option_new (value >> 4, (value & 0x8) != 0,
                                           value & 0x7);
}

/**
 * coap_udp6_block_option_copy:
 * @self: a #CoapUdp6BlockOption
 *
 * Copies a block option value.
 *
 * Returns: (transfer full): a copy of @self
 *
 * Since: 1.0
 */
CoapUdp6BlockOption *
coap_udp6_block_option_copy (const CoapUdp6BlockOption *self)
{
        g_return_val_if_fail (self != NULL, NULL);

        return g_memdup2 (self, sizeof *self);
}

/**
 * coap_udp6_block_option_free:
 * @self: (nullable): a #CoapUdp6BlockOption
 *
 * Frees a block option value.
 *
 * Since: 1.0
 */
void
coap_udp6_block_option_free (CoapUdp6BlockOption *self)
{
        g_free (self);
}

/**
 * coap_udp6_block_option_get_num:
 * @self: a #CoapUdp6BlockOption
 *
 * Gets the block number.
 *
 * Returns: NUM
 *
 * Since: 1.0
 */
guint
coap_udp6_block_option_get_num (const CoapUdp6BlockOption *self)
{
        g_return_val_if_fail (self != NULL, 0);

        return self->num;
}

/**
 * coap_udp6_block_option_get_more:
 * @self: a #CoapUdp6BlockOption
 *
 * Gets the "more blocks follow" flag.
 *
 * Returns: M
 *
 * Since: 1.0
 */
gboolean
coap_udp6_block_option_get_more (const CoapUdp6BlockOption *self)
{
        g_return_val_if_fail (self != NULL, FALSE);

        return self->more;
}

/**
 * coap_udp6_block_option_get_szx:
 * @self: a #CoapUdp6BlockOption
 *
 * Gets the size exponent.
 *
 * Returns: SZX, 0 to 6
 *
 * Since: 1.0
 */
guint
coap_udp6_block_option_get_szx (const CoapUdp6BlockOption *self)
{
        g_return_val_if_fail (self != NULL, 0);

        return self->szx;
}

/**
 * coap_udp6_block_option_get_size:
 * @self: a #CoapUdp6BlockOption
 *
 * Gets the block size, `16 << szx`.
 *
 * Returns: the block size in bytes, 16 to 1024
 *
 * Since: 1.0
 */
guint
coap_udp6_block_option_get_size (const CoapUdp6BlockOption *self)
{
        g_return_val_if_fail (self != NULL, 0);

        return 16u << self->szx;
}

/**
 * coap_udp6_block_option_get_start:
 * @self: a #CoapUdp6BlockOption
 *
 * Gets the offset of the block's first byte in the whole body.
 *
 * Returns: `num * size`
 *
 * Since: 1.0
 */
guint64
coap_udp6_block_option_get_start (const CoapUdp6BlockOption *self)
{
        g_return_val_if_fail (self != NULL, 0);

        return (guint64) self->num << (self->szx + 4);
}

/**
 * coap_udp6_block_option_to_uint:
 * @self: a #CoapUdp6BlockOption
 *
 * Encodes the value as the integer carried on the wire.
 *
 * Returns: `num << 4 | more << 3 | szx`
 *
 * Since: 1.0
 */
guint32
coap_udp6_block_option_to_uint (const CoapUdp6BlockOption *self)
{
        g_return_val_if_fail (self != NULL, 0);

        return self->num << 4 | (self->more ? 8u : 0u) | self->szx;
}

/**
 * coap_udp6_block_option_equal:
 * @a: a #CoapUdp6BlockOption
 * @b: another #CoapUdp6BlockOption
 *
 * Compares two block option values.
 *
 * Returns: %TRUE if NUM, M and SZX are all equal
 *
 * Since: 1.0
 */
gboolean
coap_udp6_block_option_equal (const CoapUdp6BlockOption *a,
                              const CoapUdp6BlockOption *b)
{
        g_return_val_if_fail (a != NULL && b != NULL, FALSE);

        return a->num == b->num && a->more == b->more && a->szx == b->szx;
}

/**
 * coap_udp6_block_option_to_string:
 * @self: a #CoapUdp6BlockOption
 *
 * Formats the value as "num/more/size", e.g. "2/1/64".
 *
 * Returns: (transfer full): a newly allocated string
 *
 * Since: 1.0
 */
char *
coap_udp6_block_option_to_string (const CoapUdp6BlockOption *self)
{
        g_return_val_if_fail (self != NULL, NULL);

        return g_strdup_printf ("%u/%d/%u", self->num, self->more ? 1 : 0,
                                16u << self->szx);
}
