/* coap-udp6-error.h: the COAP_UDP6_ERROR domain
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
 * COAP_UDP6_ERROR:
 *
 * Error domain for coap-udp6. Errors in this domain are from the
 * [error@Error] enumeration. Socket errors use %G_IO_ERROR instead.
 *
 * Since: 1.0
 */
#define COAP_UDP6_ERROR (coap_udp6_error_quark ())

COAP_UDP6_AVAILABLE_IN_ALL
GQuark coap_udp6_error_quark (void) G_GNUC_CONST;

/**
 * CoapUdp6Error:
 * @COAP_UDP6_ERROR_FAILED: a generic failure
 * @COAP_UDP6_ERROR_UNPARSABLE: bytes are not a well-formed CoAP message
 *   (RFC 7252 §3) or link-format document (RFC 6690); the message says why
 * @COAP_UDP6_ERROR_INVALID_MESSAGE: a message cannot be encoded as it is
 *   (an empty message with a token, an option value that is too long, …)
 * @COAP_UDP6_ERROR_INVALID_URI: a URI cannot be turned into a request
 * @COAP_UDP6_ERROR_ANONYMOUS_HOST: the coordinates of an endpoint cannot be
 *   expressed in a URI
 * @COAP_UDP6_ERROR_RESOLUTION: a host or zone could not be resolved
 * @COAP_UDP6_ERROR_UNSUPPORTED_SCHEME: no transport handles the request's
 *   scheme
 * @COAP_UDP6_ERROR_TIMEOUT: no answer after every retransmission
 * @COAP_UDP6_ERROR_RESET: the peer answered with a Reset message
 * @COAP_UDP6_ERROR_SHUT_DOWN: the transport or context was shut down
 * @COAP_UDP6_ERROR_LIMIT_REACHED: a bounded table is full
 * @COAP_UDP6_ERROR_NOT_SUPPORTED: the operating system lacks a needed feature
 * @COAP_UDP6_ERROR_BODY_TOO_LARGE: a block-wise body is larger than
 *   [property@Context:max-body-size]
 * @COAP_UDP6_ERROR_BLOCKWISE: a block-wise transfer (RFC 7959) went wrong:
 *   a block with the wrong number or size, a representation that kept
 *   changing, a peer that ignored the Block1 option
 * @COAP_UDP6_ERROR_NOT_OBSERVED: the server ended an observation (RFC
 *   7641): it answered with an error code or without an Observe option
 *
 * Error codes in the %COAP_UDP6_ERROR domain.
 *
 * Since: 1.0
 */
typedef enum {
        COAP_UDP6_ERROR_FAILED,
        COAP_UDP6_ERROR_UNPARSABLE,
        COAP_UDP6_ERROR_INVALID_MESSAGE,
        COAP_UDP6_ERROR_INVALID_URI,
        COAP_UDP6_ERROR_ANONYMOUS_HOST,
        COAP_UDP6_ERROR_RESOLUTION,
        COAP_UDP6_ERROR_UNSUPPORTED_SCHEME,
        COAP_UDP6_ERROR_TIMEOUT,
        COAP_UDP6_ERROR_RESET,
        COAP_UDP6_ERROR_SHUT_DOWN,
        COAP_UDP6_ERROR_LIMIT_REACHED,
        COAP_UDP6_ERROR_NOT_SUPPORTED,
        COAP_UDP6_ERROR_BODY_TOO_LARGE,
        COAP_UDP6_ERROR_BLOCKWISE,
        COAP_UDP6_ERROR_NOT_OBSERVED,
} CoapUdp6Error;

G_END_DECLS
