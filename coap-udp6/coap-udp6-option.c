/* coap-udp6-option.c: CoAP option numbers and their properties
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-option.h"

typedef struct {
        guint16              number;
        guint16              min;
        guint16              max;
        gboolean             repeatable;
        CoapUdp6OptionFormat format;
        const char          *name;
} OptionInfo;

#define F_OPAQUE COAP_UDP6_OPTION_FORMAT_OPAQUE
#define F_EMPTY  COAP_UDP6_OPTION_FORMAT_EMPTY
#define F_UINT   COAP_UDP6_OPTION_FORMAT_UINT
#define F_STRING COAP_UDP6_OPTION_FORMAT_STRING

/* RFC 7252 §5.10 table 4, RFC 7641 §2, RFC 7959 §2.1 and §4, RFC 7967 §2,
 * RFC 8613 §2, RFC 8768 §3, RFC 9175 §2.2 and §3.2. Sorted by number. */
static const OptionInfo options[] = {
        { 1, 0, 8, TRUE, F_OPAQUE, "If-Match" },
        { 3, 1, 255, FALSE, F_STRING, "Uri-Host" },
        { 4, 1, 8, TRUE, F_OPAQUE, "ETag" },
        { 5, 0, 0, FALSE, F_EMPTY, "If-None-Match" },
        { 6, 0, 3, FALSE, F_UINT, "Observe" },
        { 7, 0, 2, FALSE, F_UINT, "Uri-Port" },
        { 8, 0, 255, TRUE, F_STRING, "Location-Path" },
        { 9, 0, 255, FALSE, F_OPAQUE, "OSCORE" },
        { 11, 0, 255, TRUE, F_STRING, "Uri-Path" },
        { 12, 0, 2, FALSE, F_UINT, "Content-Format" },
        { 14, 0, 4, FALSE, F_UINT, "Max-Age" },
        { 15, 0, 255, TRUE, F_STRING, "Uri-Query" },
        { 16, 1, 1, FALSE, F_UINT, "Hop-Limit" },
        { 17, 0, 2, FALSE, F_UINT, "Accept" },
        { 20, 0, 255, TRUE, F_STRING, "Location-Query" },
        { 23, 0, 3, FALSE, F_UINT, "Block2" },
        { 27, 0, 3, FALSE, F_UINT, "Block1" },
        { 28, 0, 4, FALSE, F_UINT, "Size2" },
        { 35, 1, 1034, FALSE, F_STRING, "Proxy-Uri" },
        { 39, 1, 255, FALSE, F_STRING, "Proxy-Scheme" },
        { 60, 0, 4, FALSE, F_UINT, "Size1" },
        { 252, 1, 40, FALSE, F_OPAQUE, "Echo" },
        { 258, 0, 1, FALSE, F_UINT, "No-Response" },
        { 292, 0, 8, TRUE, F_OPAQUE, "Request-Tag" },
};

static const OptionInfo *
lookup (guint number)
{
        guint lo = 0, hi = G_N_ELEMENTS (options);

        while (lo < hi) {
                guint mid = (lo + hi) / 2;

                if (options[mid].number == number)
                        return &options[mid];
                if (options[mid].number < number)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return NULL;
}

/**
 * coap_udp6_option_is_critical:
 * @number: an option number
 *
 * Whether the option is critical (odd number, RFC 7252 §5.4.1): a
 * recipient that does not understand it must reject the message.
 *
 * Returns: %TRUE for critical options
 *
 * Since: 1.0
 */
gboolean
coap_udp6_option_is_critical (guint number)
{
        return (number & 1) != 0;
}

/**
 * coap_udp6_option_is_unsafe:
 * @number: an option number
 *
 * Whether the option is unsafe to forward by a proxy that does not
 * understand it (bit 1 set, RFC 7252 §5.4.2).
 *
 * Returns: %TRUE for unsafe options
 *
 * Since: 1.0
 */
gboolean
coap_udp6_option_is_unsafe (guint number)
{
        return (number & 2) != 0;
}

/**
 * coap_udp6_option_is_no_cache_key:
 * @number: an option number
 *
 * Whether the option is not part of the cache key (RFC 7252 §5.4.2:
 * bits 2–4 are all set). Only meaningful for safe options.
 *
 * Returns: %TRUE for NoCacheKey options
 *
 * Since: 1.0
 */
gboolean
coap_udp6_option_is_no_cache_key (guint number)
{
        return (number & 0x1e) == 0x1c;
}

/**
 * coap_udp6_option_is_known:
 * @number: an option number
 *
 * Whether this library knows the option (one of #CoapUdp6OptionNumber).
 *
 * Returns: %TRUE for known options
 *
 * Since: 1.0
 */
gboolean
coap_udp6_option_is_known (guint number)
{
        return lookup (number) != NULL;
}

/**
 * coap_udp6_option_is_repeatable:
 * @number: an option number
 *
 * Whether the option may occur more than once in a message. Unknown
 * options count as repeatable, so they survive a round trip.
 *
 * Returns: %TRUE for repeatable options
 *
 * Since: 1.0
 */
gboolean
coap_udp6_option_is_repeatable (guint number)
{
        const OptionInfo *info = lookup (number);

        return info == NULL || info->repeatable;
}

/**
 * coap_udp6_option_get_length_range:
 * @number: an option number
 * @min: (out) (optional): the shortest valid value length
 * @max: (out) (optional): the longest valid value length
 *
 * Gets the registered length range of an option value. Unknown options
 * get 0 to 65804, the longest length the wire format can express.
 *
 * Returns: %TRUE if the option is known
 *
 * Since: 1.0
 */
gboolean
coap_udp6_option_get_length_range (guint  number,
                                   guint *min,
                                   guint *max)
{
        const OptionInfo *info = lookup (number);

        if (min != NULL)
                *min = info != NULL ? info->min : 0;
        if (max != NULL)
                *max = info != NULL ? info->max : 65535 + 269;
        return info != NULL;
}

/**
 * coap_udp6_option_get_format:
 * @number: an option number
 *
 * Gets the value format of an option; unknown options are opaque.
 *
 * Returns: the format
 *
 * Since: 1.0
 */
CoapUdp6OptionFormat
coap_udp6_option_get_format (guint number)
{
        const OptionInfo *info = lookup (number);

        return info != NULL ? info->format : COAP_UDP6_OPTION_FORMAT_OPAQUE;
}

/**
 * coap_udp6_option_get_name:
 * @number: an option number
 *
 * Gets the registered name of an option ("Uri-Path").
 *
 * Returns: (nullable): the name, or %NULL for an unknown option
 *
 * Since: 1.0
 */
const char *
coap_udp6_option_get_name (guint number)
{
        const OptionInfo *info = lookup (number);

        return info != NULL ? info->name : NULL;
}
