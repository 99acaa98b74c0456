/* coap-udp6-code.h: CoAP message types and codes (RFC 7252 §3, §12.1)
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
 * CoapUdp6MessageType:
 * @COAP_UDP6_MESSAGE_TYPE_CON: Confirmable: retransmitted until acknowledged
 * @COAP_UDP6_MESSAGE_TYPE_NON: Non-confirmable
 * @COAP_UDP6_MESSAGE_TYPE_ACK: Acknowledgement of a confirmable message
 * @COAP_UDP6_MESSAGE_TYPE_RST: Reset: the message could not be processed
 *
 * The message type carried in the two T bits of the header (RFC 7252 §3).
 *
 * Since: 1.0
 */
typedef enum {
        COAP_UDP6_MESSAGE_TYPE_CON = 0,
        COAP_UDP6_MESSAGE_TYPE_NON = 1,
        COAP_UDP6_MESSAGE_TYPE_ACK = 2,
        COAP_UDP6_MESSAGE_TYPE_RST = 3,
} CoapUdp6MessageType;

/**
 * CoapUdp6Code:
 * @COAP_UDP6_CODE_EMPTY: 0.00, the empty message
 * @COAP_UDP6_CODE_GET: 0.01 GET
 * @COAP_UDP6_CODE_POST: 0.02 POST
 * @COAP_UDP6_CODE_PUT: 0.03 PUT
 * @COAP_UDP6_CODE_DELETE: 0.04 DELETE
 * @COAP_UDP6_CODE_FETCH: 0.05 FETCH (RFC 8132)
 * @COAP_UDP6_CODE_PATCH: 0.06 PATCH (RFC 8132)
 * @COAP_UDP6_CODE_IPATCH: 0.07 iPATCH (RFC 8132)
 * @COAP_UDP6_CODE_CREATED: 2.01 Created
 * @COAP_UDP6_CODE_DELETED: 2.02 Deleted
 * @COAP_UDP6_CODE_VALID: 2.03 Valid
 * @COAP_UDP6_CODE_CHANGED: 2.04 Changed
 * @COAP_UDP6_CODE_CONTENT: 2.05 Content
 * @COAP_UDP6_CODE_CONTINUE: 2.31 Continue (RFC 7959)
 * @COAP_UDP6_CODE_BAD_REQUEST: 4.00 Bad Request
 * @COAP_UDP6_CODE_UNAUTHORIZED: 4.01 Unauthorized
 * @COAP_UDP6_CODE_BAD_OPTION: 4.02 Bad Option
 * @COAP_UDP6_CODE_FORBIDDEN: 4.03 Forbidden
 * @COAP_UDP6_CODE_NOT_FOUND: 4.04 Not Found
 * @COAP_UDP6_CODE_METHOD_NOT_ALLOWED: 4.05 Method Not Allowed
 * @COAP_UDP6_CODE_NOT_ACCEPTABLE: 4.06 Not Acceptable
 * @COAP_UDP6_CODE_REQUEST_ENTITY_INCOMPLETE: 4.08 Request Entity Incomplete
 *   (RFC 7959)
 * @COAP_UDP6_CODE_CONFLICT: 4.09 Conflict (RFC 8132)
 * @COAP_UDP6_CODE_PRECONDITION_FAILED: 4.12 Precondition Failed
 * @COAP_UDP6_CODE_REQUEST_ENTITY_TOO_LARGE: 4.13 Request Entity Too Large
 * @COAP_UDP6_CODE_UNSUPPORTED_CONTENT_FORMAT: 4.15 Unsupported
 *   Content-Format
 * @COAP_UDP6_CODE_UNPROCESSABLE_ENTITY: 4.22 Unprocessable Entity (RFC 8132)
 * @COAP_UDP6_CODE_TOO_MANY_REQUESTS: 4.29 Too Many Requests (RFC 8516)
 * @COAP_UDP6_CODE_INTERNAL_SERVER_ERROR: 5.00 Internal Server Error
 * @COAP_UDP6_CODE_NOT_IMPLEMENTED: 5.01 Not Implemented
 * @COAP_UDP6_CODE_BAD_GATEWAY: 5.02 Bad Gateway
 * @COAP_UDP6_CODE_SERVICE_UNAVAILABLE: 5.03 Service Unavailable
 * @COAP_UDP6_CODE_GATEWAY_TIMEOUT: 5.04 Gateway Timeout
 * @COAP_UDP6_CODE_PROXYING_NOT_SUPPORTED: 5.05 Proxying Not Supported
 * @COAP_UDP6_CODE_HOP_LIMIT_REACHED: 5.08 Hop Limit Reached (RFC 8768)
 *
 * The registered CoAP method and response codes. The value is
 * `class << 5 | detail`. Any value from 0 to 255 may appear on the wire,
 * which is why the functions that read, classify or name a code (such as
 * [method@Message.get_code] and [func@Code.to_string]) use a #guint; those
 * that create a message or answer a request ([ctor@Message.new],
 * [method@Request.respond_code], [method@Request.respond_payload]) take a
 * #CoapUdp6Code.
 *
 * Since: 1.0
 */
typedef enum {
        COAP_UDP6_CODE_EMPTY = 0,
        COAP_UDP6_CODE_GET = 1,
        COAP_UDP6_CODE_POST = 2,
        COAP_UDP6_CODE_PUT = 3,
        COAP_UDP6_CODE_DELETE = 4,
        COAP_UDP6_CODE_FETCH = 5,
        COAP_UDP6_CODE_PATCH = 6,
        COAP_UDP6_CODE_IPATCH = 7,
        COAP_UDP6_CODE_CREATED = 65,
        COAP_UDP6_CODE_DELETED = 66,
        COAP_UDP6_CODE_VALID = 67,
        COAP_UDP6_CODE_CHANGED = 68,
        COAP_UDP6_CODE_CONTENT = 69,
        COAP_UDP6_CODE_CONTINUE = 95,
        COAP_UDP6_CODE_BAD_REQUEST = 128,
        COAP_UDP6_CODE_UNAUTHORIZED = 129,
        COAP_UDP6_CODE_BAD_OPTION = 130,
        COAP_UDP6_CODE_FORBIDDEN = 131,
        COAP_UDP6_CODE_NOT_FOUND = 132,
        COAP_UDP6_CODE_METHOD_NOT_ALLOWED = 133,
        COAP_UDP6_CODE_NOT_ACCEPTABLE = 134,
        COAP_UDP6_CODE_REQUEST_ENTITY_INCOMPLETE = 136,
        COAP_UDP6_CODE_CONFLICT = 137,
        COAP_UDP6_CODE_PRECONDITION_FAILED = 140,
        COAP_UDP6_CODE_REQUEST_ENTITY_TOO_LARGE = 141,
        COAP_UDP6_CODE_UNSUPPORTED_CONTENT_FORMAT = 143,
        COAP_UDP6_CODE_UNPROCESSABLE_ENTITY = 150,
        COAP_UDP6_CODE_TOO_MANY_REQUESTS = 157,
        COAP_UDP6_CODE_INTERNAL_SERVER_ERROR = 160,
        COAP_UDP6_CODE_NOT_IMPLEMENTED = 161,
        COAP_UDP6_CODE_BAD_GATEWAY = 162,
        COAP_UDP6_CODE_SERVICE_UNAVAILABLE = 163,
        COAP_UDP6_CODE_GATEWAY_TIMEOUT = 164,
        COAP_UDP6_CODE_PROXYING_NOT_SUPPORTED = 165,
        COAP_UDP6_CODE_HOP_LIMIT_REACHED = 168,
} CoapUdp6Code;

COAP_UDP6_AVAILABLE_IN_ALL
const char *coap_udp6_message_type_to_string (CoapUdp6MessageType mtype);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_code_is_request (guint code);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_code_is_response (guint code);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_code_is_empty (guint code);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_code_is_successful (guint code);

COAP_UDP6_AVAILABLE_IN_ALL
guint coap_udp6_code_get_class (guint code);

COAP_UDP6_AVAILABLE_IN_ALL
guint coap_udp6_code_get_detail (guint code);

COAP_UDP6_AVAILABLE_IN_ALL
const char *coap_udp6_code_get_name (guint code);

COAP_UDP6_AVAILABLE_IN_ALL
const char *coap_udp6_code_to_string (guint code);

G_END_DECLS
