/* coap-udp6-request.c: one request a server context is handling
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-request.h"
#include "coap-udp6-request-private.h"
#include "coap-udp6-message-private.h"
#include "coap-udp6-reuse-private.h"
#include "coap-udp6-code.h"
#include "coap-udp6-error.h"

#include <string.h>

/**
 * CoapUdp6Request:
 *
 * A request received by a server [class@Context], handed to
 * [vfunc@Resource.render]. Respond exactly once with
 * [method@Request.respond] (or [method@Request.respond_payload],
 * [method@Request.respond_code], [method@Request.fail]).
 *
 * A handler that answers later calls [method@Request.defer] before
 * `render` returns and keeps a reference to the request: a confirmable
 * request is then acknowledged with an empty ACK when `render` returns,
 * and the later response is sent as a separate response (RFC 7252
 * §5.2.2). When `render` returns without having responded and without
 * deferring — it forgot, or it raised an exception in a binding — the
 * context answers 5.00 Internal Server Error at once. A deferred request
 * that is finalized without a response is answered with 5.00 too.
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
        gboolean in_render;
        gboolean deferred;
        CoapUdp6Message *spare_response;    /* owned, nullable: see coap-udp6-reuse.c */
        GInputStream *body_stream;          /* owned, nullable: Resource:stream-uploads */
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
        g_clear_object (&self->body_stream);
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
        self->in_render = TRUE;
        self->deferred = FALSE;
        self->message = g_object_ref (message);
        self->func = func;
        self->user_data = user_data;
        self->destroy = destroy;
        return self;
}

gboolean
coap_udp6_request_end_render_internal (CoapUdp6Request *self)
{
        self->in_render = FALSE;
        if (self->responded)
                return FALSE;
        if (self->deferred)
                return TRUE;
        coap_udp6_request_respond_code (self, COAP_UDP6_CODE_INTERNAL_SERVER_ERROR, NULL);
        return FALSE;
}

/**
 * coap_udp6_request_defer:
 * @self: a #CoapUdp6Request
 *
 * Tells the context that the handler will respond after
 * [vfunc@Resource.render] has returned, as a separate response. Call it
 * during `render` and keep a reference to the request until it is
 * answered. A confirmable request is acknowledged with an empty ACK when
 * `render` returns, so the client stops retransmitting.
 *
 * Without this call, a request that `render` leaves unanswered is
 * answered with 5.00 Internal Server Error as soon as `render` returns.
 * Calling it after `render` returned is a programmer error; calling it
 * after responding has no effect.
 *
 * Since: 1.0
 */
void
coap_udp6_request_defer (CoapUdp6Request *self)
{
        g_return_if_fail (COAP_UDP6_IS_REQUEST (self));
        g_return_if_fail (self->in_render);

        self->deferred = TRUE;
}

/**
 * coap_udp6_request_get_deferred:
 * @self: a #CoapUdp6Request
 *
 * Whether [method@Request.defer] was called.
 *
 * Returns: %TRUE when the handler said it will respond later
 *
 * Since: 1.0
 */
gboolean
coap_udp6_request_get_deferred (CoapUdp6Request *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_REQUEST (self), FALSE);

        return self->deferred;
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
 * @response: the response; its code must be a response code (2.00 to
 *   5.31). Its type, message ID, token and remote are set by the context.
 *
 * Answers the request. Only the first call has an effect. Called during
 * [vfunc@Resource.render] the response is piggybacked on the ACK of a
 * confirmable request; called later (after [method@Request.defer]) it is
 * a separate response.
 *
 * A @response whose code is not a response code (a request method, or
 * the empty code 0.00) is a programmer error: it is refused with a
 * critical warning, nothing is sent, and the request stays unanswered
 * (so it is answered with 5.00 when `render` returns without deferring).
 * A response that cannot be encoded (an option over 65804 bytes, say) is
 * not sent either; the requester gets 5.00 instead.
 *
 * A response longer than the block size is sent block by block (RFC
 * 7959), its representation kept for the later blocks. A handler can
 * serve the blocks of a representation of any size itself instead: it
 * reads the Block2 option of the request ([method@Message.get_block2];
 * none means block 0) and answers with that block, a Block2 option
 * ([method@Message.set_block2]), an ETag and, when it knows it, Size2.
 * Such a response is sent as it is and nothing of it is kept.
 *
 * Since: 1.0
 */
void
coap_udp6_request_respond (CoapUdp6Request *self,
                           CoapUdp6Message *response)
{
        g_return_if_fail (COAP_UDP6_IS_REQUEST (self));
        g_return_if_fail (COAP_UDP6_IS_MESSAGE (response));
        g_return_if_fail (coap_udp6_code_is_response (coap_udp6_message_get_code (response)));

        respond (self, response, FALSE);
}

/**
 * coap_udp6_request_respond_payload:
 * @self: a #CoapUdp6Request
 * @code: a response code such as %COAP_UDP6_CODE_CONTENT (2.00 to 5.31;
 *   anything else is refused as by [method@Request.respond])
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
        g_return_if_fail (coap_udp6_code_is_response (code));
        g_return_if_fail (content_format <= 65535);

        if (self->responded)
                return;
        response = coap_udp6_request_take_own_response (self);
        coap_udp6_message_fill_quiet (response, code, payload, content_format);
        coap_udp6_request_respond_own (self, g_steal_pointer (&response));
}

CoapUdp6Message *
coap_udp6_request_take_own_response (CoapUdp6Request *self)
{
        return coap_udp6_reuse_take_response (&self->spare_response);
}

void
coap_udp6_request_respond_own (CoapUdp6Request *self,
                               CoapUdp6Message *response)
{
        respond (self, response, TRUE);
        coap_udp6_reuse_keep_response (&self->spare_response, response);
}

/**
 * coap_udp6_request_respond_code:
 * @self: a #CoapUdp6Request
 * @code: a response code such as %COAP_UDP6_CODE_CONTENT (2.00 to 5.31;
 *   anything else is refused as by [method@Request.respond])
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
        g_return_if_fail (coap_udp6_code_is_response (code));

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

void
coap_udp6_request_set_body_stream_internal (CoapUdp6Request *self,
                                            GInputStream    *stream)
{
        g_set_object (&self->body_stream, stream);
}

/**
 * coap_udp6_request_get_body_stream:
 * @self: a #CoapUdp6Request
 *
 * The body of a block-wise upload to a resource with
 * [property@Resource:stream-uploads], as the blocks arrive. Read it
 * asynchronously ([method@Gio.InputStream.read_bytes_async]): a read
 * completes when the next block has come, ends (0 bytes) after the last
 * one, and fails with %G_IO_ERROR_FAILED when the upload is abandoned
 * (a block missing, or the client gone for EXCHANGE_LIFETIME). A
 * synchronous read that would have to wait fails with
 * %G_IO_ERROR_WOULD_BLOCK. The request's message has no payload then.
 *
 * Returns: (transfer none) (nullable): the stream, or %NULL when the body
 *   is the message's payload
 *
 * Since: 1.0
 */
GInputStream *
coap_udp6_request_get_body_stream (CoapUdp6Request *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_REQUEST (self), NULL);

        return self->body_stream;
}
