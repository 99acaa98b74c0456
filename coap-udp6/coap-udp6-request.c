/* coap-udp6-request.c: one request a server context is handling
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-request.h"
#include "coap-udp6-request-private.h"
#include "coap-udp6-message-private.h"
#include "coap-udp6-code.h"
#include "coap-udp6-error.h"

#include <string.h>

/**
 * CoapUdp6Request:
 *
 * A request received by a server [class@Context], handed to
 * [vfunc@Resource.render]. Respond exactly once with
 * [method@Request.respond]; a response given after `render` returned is
 * sent as a separate response (RFC 7252 §5.2.2). A request that is
 * finalized without a response is answered with 5.00.
 *
 * Since: 1.0
 */
struct _CoapUdp6Request {
        GObject parent_instance;

        CoapUdp6Message *message;           /* owned */
        CoapUdp6RequestRespondFunc func;
        gpointer user_data;                 /* owned through destroy */
        GDestroyNotify destroy;
        gboolean responded;
        /* The message respond_payload() answered with last, emptied. No
         * application code ever sees it: the respond function only encodes
         * it. */
        CoapUdp6Message *spare_response;    /* owned, nullable */
};

G_DEFINE_FINAL_TYPE (CoapUdp6Request, coap_udp6_request, G_TYPE_OBJECT)

void
coap_udp6_request_finish_internal (CoapUdp6Request *self)
{
        if (!self->responded && self->func != NULL)
                coap_udp6_request_respond_code (self,
                                                COAP_UDP6_CODE_INTERNAL_SERVER_ERROR,
                                                NULL);
        if (self->destroy != NULL && self->user_data != NULL)
                self->destroy (self->user_data);
        self->user_data = NULL;
        self->destroy = NULL;
        self->func = NULL;
        g_clear_object (&self->message);
}

static void
coap_udp6_request_dispose (GObject *object)
{
        CoapUdp6Request *self = COAP_UDP6_REQUEST (object);

        coap_udp6_request_finish_internal (self);
        g_clear_object (&self->spare_response);

        G_OBJECT_CLASS (coap_udp6_request_parent_class)->dispose (object);
}

static void
coap_udp6_request_class_init (CoapUdp6RequestClass *klass)
{
        G_OBJECT_CLASS (klass)->dispose = coap_udp6_request_dispose;
}

static void
coap_udp6_request_init (CoapUdp6Request *self)
{
}

CoapUdp6Request *
coap_udp6_request_new_internal (CoapUdp6Request           *reused,
                                CoapUdp6Message           *message,
                                CoapUdp6RequestRespondFunc func,
                                gpointer                   user_data,
                                GDestroyNotify             destroy)
{
        CoapUdp6Request *self = reused != NULL ? reused : g_object_new (COAP_UDP6_TYPE_REQUEST, NULL);

        self->responded = FALSE;
        self->message = g_object_ref (message);
        self->func = func;
        self->user_data = user_data;
        self->destroy = destroy;
        return self;
}

/**
 * coap_udp6_request_get_message:
 * @self: a #CoapUdp6Request
 *
 * Gets the request message as it arrived.
 *
 * Returns: (transfer none): the request message
 *
 * Since: 1.0
 */
CoapUdp6Message *
coap_udp6_request_get_message (CoapUdp6Request *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_REQUEST (self), NULL);

        return self->message;
}

/**
 * coap_udp6_request_get_remote:
 * @self: a #CoapUdp6Request
 *
 * Gets the requester's address.
 *
 * Returns: (transfer none) (nullable): the remote of the request message
 *
 * Since: 1.0
 */
CoapUdp6EndpointAddress *
coap_udp6_request_get_remote (CoapUdp6Request *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_REQUEST (self), NULL);

        return coap_udp6_message_get_remote (self->message);
}

/**
 * coap_udp6_request_get_responded:
 * @self: a #CoapUdp6Request
 *
 * Whether a response was given already.
 *
 * Returns: %TRUE after [method@Request.respond]
 *
 * Since: 1.0
 */
gboolean
coap_udp6_request_get_responded (CoapUdp6Request *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_REQUEST (self), FALSE);

        return self->responded;
}

static void
respond (CoapUdp6Request *self,
         CoapUdp6Message *response,
         gboolean         own)
{
        if (self->responded)
                return;
        self->responded = TRUE;
        if (self->func != NULL)
                self->func (self, response, own, self->user_data);
}

/**
 * coap_udp6_request_respond:
 * @self: a #CoapUdp6Request
 * @response: the response; its code must be a response code. Its type,
 *   message ID, token and remote are set by the context.
 *
 * Answers the request. Only the first call has an effect. Called during
 * [vfunc@Resource.render] the response is piggybacked on the ACK of a
 * confirmable request; called later it is a separate response.
 *
 * Since: 1.0
 */
void
coap_udp6_request_respond (CoapUdp6Request *self,
                           CoapUdp6Message *response)
{
        g_return_if_fail (COAP_UDP6_IS_REQUEST (self));
        g_return_if_fail (COAP_UDP6_IS_MESSAGE (response));

        respond (self, response, FALSE);
}

/**
 * coap_udp6_request_respond_payload:
 * @self: a #CoapUdp6Request
 * @code: a response code such as %COAP_UDP6_CODE_CONTENT
 * @payload: (nullable): the payload
 * @content_format: the Content-Format option (RFC 7252 §12.3), or -1 for
 *   none
 *
 * Answers the request with @code, @payload and @content_format, like
 * [method@Request.respond] with a message built from them. The library
 * reuses that message from one request to the next, so this is the
 * cheapest way to answer.
 *
 * Since: 1.0
 */
void
coap_udp6_request_respond_payload (CoapUdp6Request *self,
                                   CoapUdp6Code     code,
                                   GBytes          *payload,
                                   gint             content_format)
{
        g_autoptr (CoapUdp6Message) response = NULL;

        g_return_if_fail (COAP_UDP6_IS_REQUEST (self));
        g_return_if_fail (code <= 255);
        g_return_if_fail (content_format <= 65535);

        if (self->responded)
                return;
        response = g_steal_pointer (&self->spare_response);
        if (response == NULL)
                response = g_object_new (COAP_UDP6_TYPE_MESSAGE, NULL);
        coap_udp6_message_fill_quiet (response, code, payload, content_format);
        respond (self, response, TRUE);
        /* Sent (or queued as bytes): emptying it now keeps that work out of
         * the next request's latency. */
        coap_udp6_message_clear_contents (response);
        g_clear_object (&self->spare_response);
        self->spare_response = g_steal_pointer (&response);
}

/**
 * coap_udp6_request_respond_code:
 * @self: a #CoapUdp6Request
 * @code: a response code such as %COAP_UDP6_CODE_CONTENT
 * @text: (nullable): a UTF-8 payload (content-format 0 when set)
 *
 * Answers the request with @code and an optional text payload; see
 * [method@Request.respond_payload].
 *
 * Since: 1.0
 */
void
coap_udp6_request_respond_code (CoapUdp6Request *self,
                                CoapUdp6Code     code,
                                const char      *text)
{
        g_autoptr (GBytes) payload = NULL;

        g_return_if_fail (COAP_UDP6_IS_REQUEST (self));

        if (text != NULL)
                payload = g_bytes_new (text, strlen (text));
        coap_udp6_request_respond_payload (self, code, payload, text != NULL ? 0 : -1);
}

/**
 * coap_udp6_request_fail:
 * @self: a #CoapUdp6Request
 * @error: why the handler failed
 *
 * Answers the request with 5.00 Internal Server Error carrying the error
 * message as diagnostic payload.
 *
 * Since: 1.0
 */
void
coap_udp6_request_fail (CoapUdp6Request *self,
                        const GError    *error)
{
        g_return_if_fail (COAP_UDP6_IS_REQUEST (self));
        g_return_if_fail (error != NULL);

        coap_udp6_request_respond_code (self, COAP_UDP6_CODE_INTERNAL_SERVER_ERROR,
                                        error->message);
}
