/* coap-udp6-code.c: CoAP message types and codes (RFC 7252 §3, §12.1)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-code.h"

/**
 * coap_udp6_message_type_to_string:
 * @mtype: a message type
 *
 * Gets the usual abbreviation of a message type.
 *
 * Returns: "CON", "NON", "ACK" or "RST" ("???" for anything else)
 *
 * Since: 1.0
 */
const char *
coap_udp6_message_type_to_string (CoapUdp6MessageType mtype)
{
        static const char *const names[] = { "CON", "NON", "ACK", "RST" };

        if ((guint) mtype < G_N_ELEMENTS (names))
                return names[mtype];
        return "???";
}

/**
 * coap_udp6_code_is_request:
 * @code: a code, 0 to 255
 *
 * Whether @code is a request method (class 0, detail 1 to 31).
 *
 * Returns: %TRUE for request codes
 *
 * Since: 1.0
 */
gboolean
coap_udp6_code_is_request (guint code)
{
        return code >= 1 && code <= 31;
}

/**
 * coap_udp6_code_is_response:
 * @code: a code, 0 to 255
 *
 * Whether @code is a response code (classes 2 to 5, RFC 7252 §12.1).
 *
 * Returns: %TRUE for response codes
 *
 * Since: 1.0
 */
gboolean
coap_udp6_code_is_response (guint code)
{
        return code >= 64 && code < 192;
}

/**
 * coap_udp6_code_is_empty:
 * @code: a code, 0 to 255
 *
 * Whether @code is 0.00, the code of an empty message.
 *
 * Returns: %TRUE for 0.00
 *
 * Since: 1.0
 */
gboolean
coap_udp6_code_is_empty (guint code)
{
        return code == 0;
}

/**
 * coap_udp6_code_is_successful:
 * @code: a code, 0 to 255
 *
 * Whether @code is a success response (class 2).
 *
 * Returns: %TRUE for 2.xx codes
 *
 * Since: 1.0
 */
gboolean
coap_udp6_code_is_successful (guint code)
{
        return (code >> 5) == 2;
}

/**
 * coap_udp6_code_get_class:
 * @code: a code, 0 to 255
 *
 * Gets the class (the three high bits) of @code.
 *
 * Returns: the class, 0 to 7
 *
 * Since: 1.0
 */
guint
coap_udp6_code_get_class (guint code)
{
        return (code >> 5) & 0x7;
}

/**
 * coap_udp6_code_get_detail:
 * @code: a code, 0 to 255
 *
 * Gets the detail (the five low bits) of @code.
 *
 * Returns: the detail, 0 to 31
 *
 * Since: 1.0
 */
guint
coap_udp6_code_get_detail (guint code)
{
        return code & 0x1f;
}

/**
 * coap_udp6_code_get_name:
 * @code: a code, 0 to 255
 *
 * Gets the registered name of @code ("GET", "Content", "Not Found").
 *
 * Returns: (nullable): the name, or %NULL for an unregistered code
 *
 * Since: 1.0
 */
const char *
coap_udp6_code_get_name (guint code)
{
        switch (code) {
        case COAP_UDP6_CODE_EMPTY: return "Empty";
        case COAP_UDP6_CODE_GET: return "GET";
        case COAP_UDP6_CODE_POST: return "POST";
        case COAP_UDP6_CODE_PUT: return "PUT";
        case COAP_UDP6_CODE_DELETE: return "DELETE";
        case COAP_UDP6_CODE_FETCH: return "FETCH";
        case COAP_UDP6_CODE_PATCH: return "PATCH";
        case COAP_UDP6_CODE_IPATCH: return "iPATCH";
        case COAP_UDP6_CODE_CREATED: return "Created";
        case COAP_UDP6_CODE_DELETED: return "Deleted";
        case COAP_UDP6_CODE_VALID: return "Valid";
        case COAP_UDP6_CODE_CHANGED: return "Changed";
        case COAP_UDP6_CODE_CONTENT: return "Content";
        case COAP_UDP6_CODE_CONTINUE: return "Continue";
        case COAP_UDP6_CODE_BAD_REQUEST: return "Bad Request";
        case COAP_UDP6_CODE_UNAUTHORIZED: return "Unauthorized";
        case COAP_UDP6_CODE_BAD_OPTION: return "Bad Option";
        case COAP_UDP6_CODE_FORBIDDEN: return "Forbidden";
        case COAP_UDP6_CODE_NOT_FOUND: return "Not Found";
        case COAP_UDP6_CODE_METHOD_NOT_ALLOWED: return "Method Not Allowed";
        case COAP_UDP6_CODE_NOT_ACCEPTABLE: return "Not Acceptable";
        case COAP_UDP6_CODE_REQUEST_ENTITY_INCOMPLETE:
                return "Request Entity Incomplete";
        case COAP_UDP6_CODE_CONFLICT: return "Conflict";
        case COAP_UDP6_CODE_PRECONDITION_FAILED: return "Precondition Failed";
        case COAP_UDP6_CODE_REQUEST_ENTITY_TOO_LARGE:
                return "Request Entity Too Large";
        case COAP_UDP6_CODE_UNSUPPORTED_CONTENT_FORMAT:
                return "Unsupported Content-Format";
        case COAP_UDP6_CODE_UNPROCESSABLE_ENTITY: return "Unprocessable Entity";
        case COAP_UDP6_CODE_TOO_MANY_REQUESTS: return "Too Many Requests";
        case COAP_UDP6_CODE_INTERNAL_SERVER_ERROR:
                return "Internal Server Error";
        case COAP_UDP6_CODE_NOT_IMPLEMENTED: return "Not Implemented";
        case COAP_UDP6_CODE_BAD_GATEWAY: return "Bad Gateway";
        case COAP_UDP6_CODE_SERVICE_UNAVAILABLE: return "Service Unavailable";
        case COAP_UDP6_CODE_GATEWAY_TIMEOUT: return "Gateway Timeout";
        case COAP_UDP6_CODE_PROXYING_NOT_SUPPORTED:
                return "Proxying Not Supported";
        case COAP_UDP6_CODE_HOP_LIMIT_REACHED: return "Hop Limit Reached";
        default: return NULL;
        }
}

/**
 * coap_udp6_code_to_string:
 * @code: a code, 0 to 255
 *
 * Formats @code for people: "2.05 Content", "0.01 GET"; an unregistered
 * code is only dotted ("2.31" style, e.g. "7.31"). Like
 * [func@MessageType.to_string], the string is owned by the library.
 *
 * Returns: (transfer none): the text, valid for the life of the process
 *
 * Since: 1.0
 */
const char *
coap_udp6_code_to_string (guint code)
{
        const char *name = coap_udp6_code_get_name (code);
        char text[64];

        /* At most 256 distinct strings: interning bounds the memory. */
        code &= 0xff;
        if (name != NULL)
                g_snprintf (text, sizeof text, "%u.%02u %s", code >> 5, code & 0x1f, name);
        else
                g_snprintf (text, sizeof text, "%u.%02u", code >> 5, code & 0x1f);
        return g_intern_string (text);
}
