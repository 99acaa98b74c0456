/* coap-udp6-option.h: CoAP option numbers and their properties
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__COAP_UDP6_H_INSIDE__) && !defined(COAP_UDP6_COMPILATION)
#error "Only <coap-udp6/coap-udp6.h> can be included directly."
#endif

#include <coap-udp6/coap-udp6-types.h>

G_BEGIN_DECLS

/**
 * CoapUdp6OptionNumber:
 * @COAP_UDP6_OPTION_IF_MATCH: If-Match (RFC 7252), opaque 0–8, repeatable
 * @COAP_UDP6_OPTION_URI_HOST: Uri-Host (RFC 7252), string 1–255
 * @COAP_UDP6_OPTION_ETAG: ETag (RFC 7252), opaque 1–8, repeatable in requests
 * @COAP_UDP6_OPTION_IF_NONE_MATCH: If-None-Match (RFC 7252), empty
 * @COAP_UDP6_OPTION_OBSERVE: Observe (RFC 7641), uint 0–3
 * @COAP_UDP6_OPTION_URI_PORT: Uri-Port (RFC 7252), uint 0–2
 * @COAP_UDP6_OPTION_LOCATION_PATH: Location-Path (RFC 7252), string 0–255,
 *   repeatable
 * @COAP_UDP6_OPTION_OSCORE: OSCORE (RFC 8613), opaque 0–255
 * @COAP_UDP6_OPTION_URI_PATH: Uri-Path (RFC 7252), string 0–255, repeatable
 * @COAP_UDP6_OPTION_CONTENT_FORMAT: Content-Format (RFC 7252), uint 0–2
 * @COAP_UDP6_OPTION_MAX_AGE: Max-Age (RFC 7252), uint 0–4
 * @COAP_UDP6_OPTION_URI_QUERY: Uri-Query (RFC 7252), string 0–255, repeatable
 * @COAP_UDP6_OPTION_HOP_LIMIT: Hop-Limit (RFC 8768), uint 1
 * @COAP_UDP6_OPTION_ACCEPT: Accept (RFC 7252), uint 0–2
 * @COAP_UDP6_OPTION_LOCATION_QUERY: Location-Query (RFC 7252), string 0–255,
 *   repeatable
 * @COAP_UDP6_OPTION_BLOCK2: Block2 (RFC 7959), uint 0–3
 * @COAP_UDP6_OPTION_BLOCK1: Block1 (RFC 7959), uint 0–3
 * @COAP_UDP6_OPTION_SIZE2: Size2 (RFC 7959), uint 0–4
 * @COAP_UDP6_OPTION_PROXY_URI: Proxy-Uri (RFC 7252), string 1–1034
 * @COAP_UDP6_OPTION_PROXY_SCHEME: Proxy-Scheme (RFC 7252), string 1–255
 * @COAP_UDP6_OPTION_SIZE1: Size1 (RFC 7252), uint 0–4
 * @COAP_UDP6_OPTION_ECHO: Echo (RFC 9175), opaque 1–40
 * @COAP_UDP6_OPTION_NO_RESPONSE: No-Response (RFC 7967), uint 0–1
 * @COAP_UDP6_OPTION_REQUEST_TAG: Request-Tag (RFC 9175), opaque 0–8,
 *   repeatable
 *
 * The option numbers this library knows. Options are identified by a
 * #guint (0 to 65535) everywhere, so unknown numbers can be used too.
 *
 * Since: 1.0
 */
typedef enum {
        COAP_UDP6_OPTION_IF_MATCH = 1,
        COAP_UDP6_OPTION_URI_HOST = 3,
        COAP_UDP6_OPTION_ETAG = 4,
        COAP_UDP6_OPTION_IF_NONE_MATCH = 5,
        COAP_UDP6_OPTION_OBSERVE = 6,
        COAP_UDP6_OPTION_URI_PORT = 7,
        COAP_UDP6_OPTION_LOCATION_PATH = 8,
        COAP_UDP6_OPTION_OSCORE = 9,
        COAP_UDP6_OPTION_URI_PATH = 11,
        COAP_UDP6_OPTION_CONTENT_FORMAT = 12,
        COAP_UDP6_OPTION_MAX_AGE = 14,
        COAP_UDP6_OPTION_URI_QUERY = 15,
        COAP_UDP6_OPTION_HOP_LIMIT = 16,
        COAP_UDP6_OPTION_ACCEPT = 17,
        COAP_UDP6_OPTION_LOCATION_QUERY = 20,
        COAP_UDP6_OPTION_BLOCK2 = 23,
        COAP_UDP6_OPTION_BLOCK1 = 27,
        COAP_UDP6_OPTION_SIZE2 = 28,
        COAP_UDP6_OPTION_PROXY_URI = 35,
        COAP_UDP6_OPTION_PROXY_SCHEME = 39,
        COAP_UDP6_OPTION_SIZE1 = 60,
        COAP_UDP6_OPTION_ECHO = 252,
        COAP_UDP6_OPTION_NO_RESPONSE = 258,
        COAP_UDP6_OPTION_REQUEST_TAG = 292,
} CoapUdp6OptionNumber;

/**
 * CoapUdp6OptionFormat:
 * @COAP_UDP6_OPTION_FORMAT_OPAQUE: a sequence of bytes (also used for unknown
 *   options)
 * @COAP_UDP6_OPTION_FORMAT_EMPTY: a zero-length value
 * @COAP_UDP6_OPTION_FORMAT_UINT: a big-endian unsigned integer in the fewest
 *   bytes (0 is the empty value)
 * @COAP_UDP6_OPTION_FORMAT_STRING: UTF-8 text (Net-Unicode, RFC 5198)
 *
 * How an option value is encoded (RFC 7252 §3.2).
 *
 * Since: 1.0
 */
typedef enum {
        COAP_UDP6_OPTION_FORMAT_OPAQUE,
        COAP_UDP6_OPTION_FORMAT_EMPTY,
        COAP_UDP6_OPTION_FORMAT_UINT,
        COAP_UDP6_OPTION_FORMAT_STRING,
} CoapUdp6OptionFormat;

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_option_is_critical (guint number);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_option_is_unsafe (guint number);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_option_is_no_cache_key (guint number);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_option_is_known (guint number);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_option_is_repeatable (guint number);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_option_get_length_range (guint  number,
                                            guint *min,
                                            guint *max);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6OptionFormat coap_udp6_option_get_format (guint number);

COAP_UDP6_AVAILABLE_IN_ALL
const char *coap_udp6_option_get_name (guint number);

G_END_DECLS
