/* coap-udp6-context-request-rules.c: the option rules of RFC 7252 §5.4–5.10
 * a server applies before a resource sees a request
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-context-private.h"
#include "coap-udp6-message-private.h"
#include "coap-udp6-code.h"
#include "coap-udp6-error.h"
#include "coap-udp6-option.h"

#include <string.h>

/* Critical options the library knows but does not process yet: to a
 * server they are unrecognised (RFC 7252 §5.4.1), so a body is never
 * silently truncated and a protected request never read as plain. Drop
 * an entry here when its feature lands. */
static const guint16 unprocessed_options[] = {
        COAP_UDP6_OPTION_OSCORE,            /* RFC 8613 §2: no OSCORE contexts */
        COAP_UDP6_OPTION_BLOCK2,            /* RFC 7959: no block-wise transfer yet */
        COAP_UDP6_OPTION_BLOCK1,
};

enum {
        HAS_UNPROCESSED = 1 << 0,
        HAS_PROXY = 1 << 1,
        HAS_NEGOTIATION = 1 << 2,           /* Accept, If-Match, If-None-Match */
        NEEDS_CHECK = 1 << 3,               /* coap_udp6_message_check_options() can fail */
};

/* One pass over the options. A request with only Uri-Path and Uri-Query
 * options of valid lengths and Content-Format (the common case) returns
 * 0 after a compare or two each: check_options() has nothing to find. */
static guint
scan_options (CoapUdp6Message *message)
{
        guint flags = 0;

        for (guint i = 0; i < message->n_opts; i++) {
                guint n = message->opts[i].number;

                switch (n) {
                case COAP_UDP6_OPTION_URI_PATH:
                case COAP_UDP6_OPTION_URI_QUERY:
                        if (message->opts[i].len > 255)
                                flags |= NEEDS_CHECK;
                        continue;
                case COAP_UDP6_OPTION_CONTENT_FORMAT:
                        continue;
                case COAP_UDP6_OPTION_PROXY_URI:
                case COAP_UDP6_OPTION_PROXY_SCHEME:
                        flags |= HAS_PROXY | NEEDS_CHECK;
                        continue;
                case COAP_UDP6_OPTION_ACCEPT:
                case COAP_UDP6_OPTION_IF_MATCH:
                case COAP_UDP6_OPTION_IF_NONE_MATCH:
                        flags |= HAS_NEGOTIATION | NEEDS_CHECK;
                        continue;
                default:
                        flags |= NEEDS_CHECK;
                        break;
                }
                for (guint j = 0; j < G_N_ELEMENTS (unprocessed_options); j++)
                        if (n == unprocessed_options[j])
                                flags |= HAS_UNPROCESSED;
        }
        return flags;
}

/* Whether the server can process @message's options; if not, @error
 * names the first one it cannot (RFC 7252 §5.4.1, §5.4.3, §5.4.5). */
static gboolean
can_process_options (CoapUdp6Message *message,
                     guint            flags,
                     GError         **error)
{
        if ((flags & NEEDS_CHECK) && !coap_udp6_message_check_options (message, error))
                return FALSE;
        if (!(flags & HAS_UNPROCESSED))
                return TRUE;
        for (guint i = 0; i < message->n_opts; i++) {
                guint n = message->opts[i].number;

                for (guint j = 0; j < G_N_ELEMENTS (unprocessed_options); j++) {
                        if (n != unprocessed_options[j])
                                continue;
                        g_set_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_UNPARSABLE,
                                     "Bad option: critical option %u (%s) is not processed "
                                     "by this server", n, coap_udp6_option_get_name (n));
                        return FALSE;
                }
        }
        return TRUE;
}

gboolean
coap_udp6_context_reject_non_request (CoapUdp6Context *self,
                                      CoapUdp6Message *message)
{
        if (message->mtype != COAP_UDP6_MESSAGE_TYPE_NON ||
            can_process_options (message, scan_options (message), NULL))
                return FALSE;
        /* RFC 7252 §5.4.1: a NON with an unrecognised critical option is
         * rejected (§4.3: an RST, never to a multicast request, §8.1). */
        if (!coap_udp6_endpoint_address_is_multicast_locally (message->remote))
                coap_udp6_context_send_empty (self, COAP_UDP6_MESSAGE_TYPE_RST, message->mid,
                                              message->remote);
        return TRUE;
}

/* RFC 7252 §5.5.2: a diagnostic payload is UTF-8 text without a
 * Content-Format option. */
static void
respond_diagnostic (CoapUdp6Request *request,
                    guint            code,
                    const char      *text)
{
        g_autoptr (GBytes) payload = g_bytes_new (text, strlen (text));

        coap_udp6_request_respond_payload (request, code, payload, -1);
}

CoapUdp6RequestVerdict
coap_udp6_context_check_request (CoapUdp6Context *self,
                                 CoapUdp6Request *request,
                                 CoapUdp6Message *message)
{
        g_autoptr (GError) error = NULL;
        guint flags = scan_options (message);

        /* A NON was checked by coap_udp6_context_reject_non_request(). */
        if (message->mtype == COAP_UDP6_MESSAGE_TYPE_CON &&
            !can_process_options (message, flags, &error)) {
                respond_diagnostic (request, COAP_UDP6_CODE_BAD_OPTION, error->message);
                return COAP_UDP6_REQUEST_ANSWERED;
        }
        /* Method codes beyond iPATCH are unknown methods (RFC 7252 §5.8). */
        if (message->code > COAP_UDP6_CODE_IPATCH) {
                coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_METHOD_NOT_ALLOWED,
                                                   NULL, -1);
                return COAP_UDP6_REQUEST_ANSWERED;
        }
        /* RFC 7252 §5.7.2, §5.10.2: this server is not a forward-proxy. */
        if (flags & HAS_PROXY) {
                respond_diagnostic (request, COAP_UDP6_CODE_PROXYING_NOT_SUPPORTED,
                                    "This server is not a proxy");
                return COAP_UDP6_REQUEST_ANSWERED;
        }
        return (flags & HAS_NEGOTIATION) ? COAP_UDP6_REQUEST_NEGOTIATED : COAP_UDP6_REQUEST_PLAIN;
}

/* RFC 7252 §5.10.8.1: an empty If-Match holds for any current
 * representation, a value for an equal entity-tag. FALSE with *@unknown
 * when only an entity-tag could tell and the resource has none. */
static gboolean
if_match_holds (CoapUdp6Message *message,
                GBytes          *etag,
                gboolean        *unknown)
{
        gsize etag_len = 0;
        const guint8 *etag_data = etag != NULL ? g_bytes_get_data (etag, &etag_len) : NULL;

        *unknown = FALSE;
        for (guint i = 0; i < message->n_opts; i++) {
                const CoapUdp6OptionEntry *e = &message->opts[i];

                if (e->number != COAP_UDP6_OPTION_IF_MATCH)
                        continue;
                if (e->len == 0)
                        return TRUE;
                if (etag == NULL)
                        *unknown = TRUE;
                else if (e->len == etag_len &&
                         memcmp (coap_udp6_option_entry_data (message, e), etag_data, etag_len) == 0)
                        return TRUE;
        }
        return FALSE;
}

gboolean
coap_udp6_context_check_representation (CoapUdp6Context *self,
                                        CoapUdp6Request *request,
                                        gint             content_format,
                                        GBytes          *etag)
{
        CoapUdp6Message *message = coap_udp6_request_get_message (request);
        gboolean if_match = coap_udp6_message_find_option (message, COAP_UDP6_OPTION_IF_MATCH) != NULL;
        gboolean if_none_match =
                coap_udp6_message_find_option (message, COAP_UDP6_OPTION_IF_NONE_MATCH) != NULL;
        gboolean unknown;
        guint accept;

        /* §5.10.8.2: the target exists, so If-None-Match fails. */
        if (if_none_match) {
                coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_PRECONDITION_FAILED,
                                                   NULL, -1);
                return TRUE;
        }
        if (if_match && !if_match_holds (message, etag, &unknown)) {
                /* A resource without an entity-tag cannot compare one: to
                 * it the option is an unrecognised critical one (§5.4.1). */
                if (unknown)
                        respond_diagnostic (request, COAP_UDP6_CODE_BAD_OPTION,
                                            "Bad option: this resource has no entity-tag "
                                            "to compare If-Match with");
                else
                        coap_udp6_request_respond_payload (request,
                                                           COAP_UDP6_CODE_PRECONDITION_FAILED,
                                                           NULL, -1);
                return TRUE;
        }
        /* §5.10.4: Accept applies to the representation a GET or FETCH
         * returns; a resource that did not say what it produces decides
         * itself. */
        if (coap_udp6_message_get_accept (message, &accept) && content_format >= 0 &&
            accept != (guint) content_format &&
            (message->code == COAP_UDP6_CODE_GET || message->code == COAP_UDP6_CODE_FETCH)) {
                coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_NOT_ACCEPTABLE, NULL, -1);
                return TRUE;
        }
        return FALSE;
}
