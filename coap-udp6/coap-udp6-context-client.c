/* coap-udp6-context-client.c: client requests of a context
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-context-private.h"
#include "coap-udp6-block-client-private.h"
#include "coap-udp6-message-interface-private.h"
#include "coap-udp6-message-private.h"
#include "coap-udp6-code.h"
#include "coap-udp6-error.h"
#include "coap-udp6-observation-private.h"

#include <sys/random.h>
#include <string.h>

#define TOKEN_LENGTH 8


static void exchange_send (CoapUdp6Exchange *ex);
static void random_token (CoapUdp6Context *self,
                          guint8          *buf);

static void
clear_source (GSource **source)
{
        if (*source != NULL) {
                g_source_destroy (*source);
                g_clear_pointer (source, g_source_unref);
        }
}

static void
exchange_free (CoapUdp6Exchange *ex)
{
        coap_udp6_context_cancel_timer (ex->context, &ex->timer);
        clear_source (&ex->cancel_idle);
        g_clear_object (&ex->request);
        g_clear_object (&ex->remote);
        g_clear_pointer (&ex->token, g_bytes_unref);
        g_clear_pointer (&ex->responses, g_ptr_array_unref);
        g_clear_pointer (&ex->block, coap_udp6_block_client_free);
        g_clear_object (&ex->task);
        g_free (ex);
}

static void
pump_waiting (CoapUdp6Context *self)
{
        GList *l = self->waiting.head;

        /* Restart after each send: a send can finish exchanges and edit the queue. */
        while (l != NULL) {
                CoapUdp6Exchange *ex = l->data;

                if (GPOINTER_TO_UINT (g_hash_table_lookup (self->active, ex->remote)) < self->nstart) {
                        g_queue_delete_link (&self->waiting, l);
                        ex->waiting = FALSE;
                        exchange_send (ex);
                        l = self->waiting.head;
                        continue;
                }
                l = l->next;
        }
}

/* Completes @ex with @response (transfer none) or @error (transfer none). */
static void
exchange_finish (CoapUdp6Exchange *ex,
                 CoapUdp6Message  *response,
                 const GError     *error)
{
        CoapUdp6Context *self = ex->context;
        GCancellable *cancellable = g_task_get_cancellable (ex->task);
        gboolean pump = FALSE;

        if (ex->done)
                return;
        ex->done = TRUE;
        g_hash_table_remove (self->exchanges, ex->token);
        if (ex->tx != NULL)
                coap_udp6_context_cancel_transmission (self, g_steal_pointer (&ex->tx));
        if (ex->waiting)
                g_queue_remove (&self->waiting, ex);
        if (ex->active) {
                guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->active, ex->remote));

                if (n <= 1)
                        g_hash_table_remove (self->active, ex->remote);
                else
                        g_hash_table_insert (self->active, g_object_ref (ex->remote),
                                             GUINT_TO_POINTER (n - 1));
                pump = TRUE;
        }
        if (ex->cancel_id != 0)
                g_cancellable_disconnect (cancellable, ex->cancel_id);
        if (error != NULL) {
                if (!coap_udp6_block_stream_hold_failure (ex, error))
                        g_task_return_error (ex->task, g_error_copy (error));
        } else if (ex->collect)
                g_task_return_pointer (ex->task, g_ptr_array_ref (ex->responses),
                                       (GDestroyNotify) g_ptr_array_unref);
        else
                g_task_return_pointer (ex->task, g_object_ref (response), g_object_unref);
        if (!ex->resolving)
                exchange_free (ex);
        if (pump && !self->shut_down)
                pump_waiting (self);
}

void
coap_udp6_exchange_finish (CoapUdp6Exchange *ex,
                           CoapUdp6Message  *response,
                           const GError     *error)
{
        exchange_finish (ex, response, error);
}

static void
exchange_fail (CoapUdp6Exchange *ex,
               GQuark            domain,
               gint              code,
               const char       *message)
{
        g_autoptr (GError) error = g_error_new_literal (domain, code, message);

        exchange_finish (ex, NULL, error);
}

static void
exchange_timeout_cb (gpointer data)
{
        CoapUdp6Exchange *ex = data;

        ex->timer = NULL;
        if (ex->collect)
                exchange_finish (ex, NULL, NULL);
        else
                exchange_fail (ex, COAP_UDP6_ERROR, COAP_UDP6_ERROR_TIMEOUT,
                               "No response from the peer");
}

static void
exchange_set_timer (CoapUdp6Exchange *ex,
                    gdouble           seconds)
{
        coap_udp6_context_cancel_timer (ex->context, &ex->timer);
        ex->timer = coap_udp6_context_add_timer (ex->context, seconds, exchange_timeout_cb, ex);
}

static void
exchange_tx_done (CoapUdp6Transmission *tx,
                  CoapUdp6Message      *answer,
                  gpointer              user_data)
{
        CoapUdp6Exchange *ex = user_data;

        ex->tx = NULL;
        if (answer == NULL) {
                coap_udp6_context_coaps_peer_silent (ex->context, ex->remote,
                                                     coap_udp6_transmission_get_started (tx));
                exchange_fail (ex, COAP_UDP6_ERROR, COAP_UDP6_ERROR_TIMEOUT,
                               "No acknowledgement after every retransmission");
        } else if (coap_udp6_message_get_mtype (answer) == COAP_UDP6_MESSAGE_TYPE_RST) {
                exchange_fail (ex, COAP_UDP6_ERROR, COAP_UDP6_ERROR_RESET,
                               "The peer answered with a Reset");
        } else if (!ex->collect) {
                /* Acknowledged: a piggybacked response follows in handle_response,
                 * or a separate one later (RFC 7252 §5.2.2). A collecting
                 * exchange keeps the window its caller asked for. */
                exchange_set_timer (ex, coap_udp6_context_get_exchange_lifetime (ex->context));
        }
}

static void
exchange_send (CoapUdp6Exchange *ex)
{
        CoapUdp6Context *self = ex->context;
        guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->active, ex->remote));
        guint mid = coap_udp6_context_next_mid (self);
        g_autoptr (GBytes) datagram = NULL;
        g_autoptr (GError) error = NULL;

        if (!ex->multicast && !ex->active) {
                ex->active = TRUE;
                g_hash_table_insert (self->active, g_object_ref (ex->remote), GUINT_TO_POINTER (n + 1));
        }
        coap_udp6_message_set_mid (ex->request, mid);
        coap_udp6_message_set_remote (ex->request, ex->remote);
        datagram = coap_udp6_message_encode (ex->request, &error);
        if (datagram == NULL) {
                exchange_finish (ex, NULL, error);
                return;
        }
        if (coap_udp6_message_get_mtype (ex->request) == COAP_UDP6_MESSAGE_TYPE_CON) {
                /* request_multicast_async to a unicast address may send a CON:
                 * it still ends when its collection window does. */
                if (ex->collect)
                        exchange_set_timer (ex, ex->multicast_ms / 1000.0);
                ex->tx = coap_udp6_context_transmit_con (self, datagram, ex->remote, mid, FALSE,
                                                         exchange_tx_done, ex);
                return;
        }
        coap_udp6_context_send_datagram (self, datagram, ex->remote);
        if (ex->multicast || ex->collect)
                exchange_set_timer (ex, ex->multicast_ms / 1000.0);
        else
                exchange_set_timer (ex, coap_udp6_context_max_transmit_span (self) +
                                        self->max_latency * 2 + self->ack_timeout);
}

static void
exchange_new_token (CoapUdp6Exchange *ex)
{
        CoapUdp6Context *self = ex->context;
        guint8 buf[TOKEN_LENGTH];

        if (ex->token != NULL)
                g_hash_table_remove (self->exchanges, ex->token);
        do {
                random_token (self, buf);
                g_clear_pointer (&ex->token, g_bytes_unref);
                ex->token = g_bytes_new (buf, TOKEN_LENGTH);
        } while (g_hash_table_contains (self->exchanges, ex->token));
        coap_udp6_message_set_token (ex->request, ex->token);
        g_hash_table_insert (self->exchanges, ex->token, ex);
}

/* The previous request of the transfer is over before the next one
 * leaves with the same token: its answer came (else the exchange would
 * not go on) and its retransmission stops here. */
static void
exchange_end_previous (CoapUdp6Exchange *ex)
{
        coap_udp6_context_cancel_timer (ex->context, &ex->timer);
        if (ex->tx != NULL)
                coap_udp6_context_cancel_transmission (ex->context, g_steal_pointer (&ex->tx));
}

void
coap_udp6_exchange_continue (CoapUdp6Exchange *ex)
{
        exchange_end_previous (ex);
        exchange_send (ex);
}

void
coap_udp6_exchange_restart (CoapUdp6Exchange *ex)
{
        exchange_end_previous (ex);
        exchange_new_token (ex);
        exchange_send (ex);
}

void
coap_udp6_exchange_pause (CoapUdp6Exchange *ex)
{
        exchange_end_previous (ex);
}

static void
exchange_start (CoapUdp6Exchange *ex)
{
        CoapUdp6Context *self = ex->context;

        if (coap_udp6_endpoint_address_is_multicast (ex->remote)) {
                ex->multicast = TRUE;
                /* RFC 7252 §8.1: multicast requests are NON. */
                coap_udp6_message_set_mtype (ex->request, COAP_UDP6_MESSAGE_TYPE_NON);
                if (ex->multicast_ms == 0)
                        ex->multicast_ms = (guint) (self->default_leisure * 1000) + 1000;
        }
        if (!ex->multicast &&
            GPOINTER_TO_UINT (g_hash_table_lookup (self->active, ex->remote)) >= self->nstart) {
                ex->waiting = TRUE;
                g_queue_push_tail (&self->waiting, ex);
                return;
        }
        exchange_send (ex);
}

static void
exchange_remote_known (CoapUdp6Exchange        *ex,
                       CoapUdp6EndpointAddress *remote, /* (transfer full) */
                       GError                  *error)
{
        if (remote == NULL && error == NULL) {
                g_autoptr (GError) unsupported =
                        g_error_new_literal (COAP_UDP6_ERROR, COAP_UDP6_ERROR_UNSUPPORTED_SCHEME,
                                             "No transport handles the request's scheme");

                exchange_finish (ex, NULL, unsupported);
                return;
        }
        if (remote == NULL) {
                exchange_finish (ex, NULL, error);
                return;
        }
        ex->remote = remote;
        exchange_start (ex);
}

static void
determine_remote_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
        CoapUdp6Exchange *ex = user_data;
        g_autoptr (GError) error = NULL;
        CoapUdp6EndpointAddress *remote;

        remote = coap_udp6_message_interface_determine_remote_finish (COAP_UDP6_MESSAGE_INTERFACE (source),
                                                                      result, &error);
        ex->resolving = FALSE;
        if (ex->done) {
                g_clear_object (&remote);
                exchange_free (ex);
                return;
        }
        exchange_remote_known (ex, remote, error);
}

static gboolean
cancel_idle_cb (gpointer data)
{
        CoapUdp6Exchange *ex = data;

        g_clear_pointer (&ex->cancel_idle, g_source_unref);
        exchange_fail (ex, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The request was cancelled");
        return G_SOURCE_REMOVE;
}

static void
cancelled_cb (GCancellable *cancellable,
              gpointer      data)
{
        CoapUdp6Exchange *ex = data;

        /* g_cancellable_disconnect() must not run inside this handler. */
        if (ex->cancel_idle != NULL || ex->done)
                return;
        ex->cancel_idle = g_idle_source_new ();
        g_source_set_priority (ex->cancel_idle, G_PRIORITY_HIGH);
        g_source_set_callback (ex->cancel_idle, cancel_idle_cb, ex, NULL);
        g_source_attach (ex->cancel_idle, ex->context->main_context);
}

/* One getrandom() per 32 tokens rather than a syscall per request. */
static void
random_token (CoapUdp6Context *self,
              guint8          *buf)
{
        if (self->token_pool_left < TOKEN_LENGTH) {
                if (getrandom (self->token_pool, sizeof self->token_pool, 0) !=
                    (ssize_t) sizeof self->token_pool) {
                        for (guint i = 0; i < sizeof self->token_pool; i++)
                                self->token_pool[i] = g_random_int_range (0, 256);
                }
                self->token_pool_left = sizeof self->token_pool;
        }
        memcpy (buf, self->token_pool + sizeof self->token_pool - self->token_pool_left, TOKEN_LENGTH);
        self->token_pool_left -= TOKEN_LENGTH;
}

/* Nothing malformed leaves the socket because a caller asked for it. */
gboolean
coap_udp6_check_outgoing_request (CoapUdp6Message *request,
                                  GError         **error)
{
        CoapUdp6MessageType mtype = coap_udp6_message_get_mtype (request);
        guint code = coap_udp6_message_get_code (request);

        if (mtype != COAP_UDP6_MESSAGE_TYPE_CON && mtype != COAP_UDP6_MESSAGE_TYPE_NON) {
                g_set_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_INVALID_MESSAGE,
                             "A request is CON or NON, not %s",
                             coap_udp6_message_type_to_string (mtype));
                return FALSE;
        }
        if (!coap_udp6_code_is_request (code)) {
                g_set_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_INVALID_MESSAGE,
                             "Code %u.%02u is not a request method (0.01 to 0.31)",
                             coap_udp6_code_get_class (code), coap_udp6_code_get_detail (code));
                return FALSE;
        }
        return TRUE;
}

static void
request_common (CoapUdp6Context     *self,
                CoapUdp6Message     *request,
                guint                multicast_ms,
                gboolean             keep_token,
                GCancellable        *cancellable,
                GTask               *task,
                CoapUdp6BlockClient *block)
{
        CoapUdp6MessageInterface *iface;
        CoapUdp6EndpointAddress *remote = NULL;
        g_autoptr (GError) error = NULL;
        CoapUdp6Exchange *ex;

        if (!coap_udp6_check_outgoing_request (request, &error)) {
                g_clear_pointer (&block, coap_udp6_block_client_free);
                g_task_return_error (task, g_steal_pointer (&error));
                return;
        }
        if (self->shut_down) {
                g_clear_pointer (&block, coap_udp6_block_client_free);
                g_task_return_new_error (task, COAP_UDP6_ERROR, COAP_UDP6_ERROR_SHUT_DOWN,
                                         "The context was shut down");
                return;
        }
        if (g_hash_table_size (self->exchanges) >= self->max_exchanges) {
                g_clear_pointer (&block, coap_udp6_block_client_free);
                coap_udp6_context_count (self, COAP_UDP6_STATISTIC_EXCHANGES_REJECTED);
                g_task_return_new_error (task, COAP_UDP6_ERROR, COAP_UDP6_ERROR_LIMIT_REACHED,
                                         "Too many outstanding requests");
                return;
        }
        if (g_cancellable_set_error_if_cancelled (cancellable, NULL)) {
                g_clear_pointer (&block, coap_udp6_block_client_free);
                g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                         "The request was cancelled");
                return;
        }
        /* A context from g_object_new() opens its socket here. */
        if (!coap_udp6_context_ensure_ready (self, &error)) {
                g_clear_pointer (&block, coap_udp6_block_client_free);
                g_task_return_error (task, g_steal_pointer (&error));
                return;
        }
        ex = g_new0 (CoapUdp6Exchange, 1);
        ex->context = self;
        ex->task = g_object_ref (task);
        ex->request = coap_udp6_message_copy (request);
        ex->multicast_ms = multicast_ms;
        ex->collect = multicast_ms > 0;
        if (ex->collect)
                ex->responses = g_ptr_array_new_with_free_func (g_object_unref);
        if (keep_token) {
                /* An observation's (re-)registration keeps its token. */
                ex->token = g_bytes_ref (coap_udp6_message_get_token (request));
                if (g_hash_table_contains (self->exchanges, ex->token)) {
                        g_task_return_new_error (task, COAP_UDP6_ERROR, COAP_UDP6_ERROR_FAILED,
                                                 "The token is in use by another request");
                        exchange_free (ex);
                        return;
                }
                g_hash_table_insert (self->exchanges, ex->token, ex);
        } else {
                exchange_new_token (ex);
        }
        ex->block = block;
        /* Bodies larger than a block, and early block-size negotiation. */
        if (G_UNLIKELY (block != NULL || ex->request->payload_len > self->block_size || self->block_size < 1024 ||
                        coap_udp6_message_has_block_option (ex->request)) && !ex->collect)
                coap_udp6_context_block_client_prepare (self, ex);
        if (cancellable != NULL)
                ex->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), ex, NULL);

        if (coap_udp6_message_get_remote (request) != NULL) {
                ex->remote = g_object_ref (coap_udp6_message_get_remote (request));
                exchange_start (ex);
                return;
        }
        /* A plain request pays one field test for coaps. */
        if (G_UNLIKELY (request->requested_scheme != NULL) &&
            g_ascii_strcasecmp (request->requested_scheme, "coaps") == 0) {
                iface = coap_udp6_context_coaps_interface (self, &error);
                if (iface == NULL) {
                        exchange_finish (ex, NULL, error);
                        return;
                }
        } else {
                iface = coap_udp6_context_choose_interface (self, NULL);
        }
        if (coap_udp6_message_interface_determine_remote_now (iface, ex->request, &remote, &error)) {
                exchange_remote_known (ex, remote, error);
                return;
        }
        ex->resolving = TRUE;
        coap_udp6_message_interface_determine_remote_async (iface, ex->request, cancellable,
                                                            determine_remote_cb, ex);
}

void
coap_udp6_context_request_start (CoapUdp6Context     *self,
                                  CoapUdp6Message     *request,
                                  GCancellable        *cancellable,
                                  GTask               *task,
                                  CoapUdp6BlockClient *block)
{
        request_common (self, request, 0, FALSE, cancellable, task, block);
}

/**
 * coap_udp6_context_request_async:
 * @self: a #CoapUdp6Context
 * @request: the request: a request code, a type (CON or NON) and a target
 *   set with [method@Message.set_request_uri] or a remote. The context
 *   sends a copy with its own message ID and a random token.
 * @cancellable: (nullable): cancels the request; nothing more is sent
 * @callback: (scope async): called with the response
 * @user_data: data for @callback
 *
 * Sends a request and waits for its response, retransmitting a CON
 * request with exponential back-off. At most
 * [property@Context:nstart] requests are outstanding per remote; others
 * wait in a queue. A request to a multicast group returns the first
 * response; see [method@Context.request_multicast_async] for all.
 *
 * Since: 1.0
 */
void
coap_udp6_context_request_async (CoapUdp6Context    *self,
                                 CoapUdp6Message    *request,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
        g_autoptr (GTask) task = NULL;

        g_return_if_fail (COAP_UDP6_IS_CONTEXT (self));
        g_return_if_fail (COAP_UDP6_IS_MESSAGE (request));

        task = g_task_new (self, cancellable, callback, user_data);
        g_task_set_source_tag (task, coap_udp6_context_request_async);
        g_task_set_check_cancellable (task, FALSE);
        request_common (self, request, 0, FALSE, cancellable, task, NULL);
}

void
coap_udp6_context_request_with_token_async (CoapUdp6Context    *self,
                                            CoapUdp6Message    *request,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data)
{
        g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

        g_task_set_source_tag (task, coap_udp6_context_request_async);
        g_task_set_check_cancellable (task, FALSE);
        request_common (self, request, 0, TRUE, cancellable, task, NULL);
}

/**
 * coap_udp6_context_request_finish:
 * @self: a #CoapUdp6Context
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Context.request_async].
 *
 * Returns: (transfer full) (nullable): the response (its remote is the
 *   responder), or %NULL with %COAP_UDP6_ERROR_INVALID_MESSAGE (the
 *   request is not CON or NON, or its code is not a request method:
 *   nothing is sent), %COAP_UDP6_ERROR_TIMEOUT,
 *   %COAP_UDP6_ERROR_RESET, %COAP_UDP6_ERROR_SHUT_DOWN, a resolution
 *   error, the %G_IO_ERROR an ICMP message reported, or
 *   %G_IO_ERROR_CANCELLED
 *
 * Since: 1.0
 */
CoapUdp6Message *
coap_udp6_context_request_finish (CoapUdp6Context *self,
                                  GAsyncResult    *result,
                                  GError         **error)
{
        g_return_val_if_fail (g_task_is_valid (result, self), NULL);
        g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                              coap_udp6_context_request_async, NULL);

        return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * coap_udp6_context_request_multicast_async:
 * @self: a #CoapUdp6Context
 * @request: the request, addressed to a multicast group (for example
 *   `coap://[ff02::fd%eth0]/.well-known/core`); it is sent as NON
 * @timeout_ms: how long to collect responses
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called after @timeout_ms
 * @user_data: data for @callback
 *
 * Sends a request to a group (RFC 7252 §8) and collects every response
 * that arrives within @timeout_ms. Each is also emitted as
 * [signal@Context::multicast-response] as soon as it arrives.
 *
 * Since: 1.0
 */
void
coap_udp6_context_request_multicast_async (CoapUdp6Context    *self,
                                           CoapUdp6Message    *request,
                                           guint               timeout_ms,
                                           GCancellable       *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer            user_data)
{
        g_autoptr (GTask) task = NULL;

        g_return_if_fail (COAP_UDP6_IS_CONTEXT (self));
        g_return_if_fail (COAP_UDP6_IS_MESSAGE (request));

        task = g_task_new (self, cancellable, callback, user_data);
        g_task_set_source_tag (task, coap_udp6_context_request_multicast_async);
        g_task_set_check_cancellable (task, FALSE);
        request_common (self, request, MAX (timeout_ms, 1), FALSE, cancellable, task, NULL);
}

/**
 * coap_udp6_context_request_multicast_finish:
 * @self: a #CoapUdp6Context
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Context.request_multicast_async].
 *
 * Returns: (transfer container) (element-type CoapUdp6Message) (nullable):
 *   the responses in arrival order (possibly none), or %NULL on error
 *   (%COAP_UDP6_ERROR_INVALID_MESSAGE, at once, for a request whose type
 *   is ACK or RST or whose code is not a method)
 *
 * Since: 1.0
 */
GPtrArray *
coap_udp6_context_request_multicast_finish (CoapUdp6Context *self,
                                            GAsyncResult    *result,
                                            GError         **error)
{
        g_return_val_if_fail (g_task_is_valid (result, self), NULL);
        g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                              coap_udp6_context_request_multicast_async, NULL);

        return g_task_propagate_pointer (G_TASK (result), error);
}

/* A multicast request answered 4.01 with Echo (RFC 9175 §2.4) is
 * repeated by unicast to that server with the Echo; its answer counts as
 * the server's answer to the multicast request while that collects. */
typedef struct {
        GBytes *token;                      /* owned: the multicast exchange's */
} EchoFollowUp;

static void
echo_follow_up_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
        CoapUdp6Context *self = COAP_UDP6_CONTEXT (source);
        EchoFollowUp *follow_up = user_data;
        g_autoptr (CoapUdp6Message) response = coap_udp6_context_request_finish (self, result, NULL);
        CoapUdp6Exchange *ex = g_hash_table_lookup (self->exchanges, follow_up->token);

        if (response != NULL && ex != NULL && ex->multicast && ex->collect) {
                g_ptr_array_add (ex->responses, g_object_ref (response));
                g_signal_emit (self, coap_udp6_context_signals[COAP_UDP6_CONTEXT_SIGNAL_MULTICAST_RESPONSE], 0, response);
        }
        g_bytes_unref (follow_up->token);
        g_free (follow_up);
}

static gboolean
follow_echo (CoapUdp6Context  *self,
             CoapUdp6Exchange *ex,
             CoapUdp6Message  *message)
{
        g_autoptr (GBytes) echo = NULL;
        g_autoptr (CoapUdp6Message) again = NULL;
        EchoFollowUp *follow_up;

        if (message->code != COAP_UDP6_CODE_UNAUTHORIZED || !ex->multicast)
                return FALSE;
        echo = coap_udp6_message_get_echo (message);
        if (echo == NULL || coap_udp6_message_has_option (ex->request, COAP_UDP6_OPTION_ECHO))
                return FALSE;
        again = coap_udp6_message_copy (ex->request);
        coap_udp6_message_set_mtype (again, COAP_UDP6_MESSAGE_TYPE_CON);
        coap_udp6_message_set_remote (again, coap_udp6_message_get_remote (message));
        coap_udp6_message_set_echo (again, echo);
        follow_up = g_new0 (EchoFollowUp, 1);
        follow_up->token = g_bytes_ref (coap_udp6_message_get_token (ex->request));
        coap_udp6_context_request_async (self, again, NULL, echo_follow_up_cb, follow_up);
        return TRUE;
}

gboolean
coap_udp6_context_handle_response (CoapUdp6Context *self,
                                   CoapUdp6Message *message)
{
        CoapUdp6Exchange *ex = g_hash_table_lookup (self->exchanges,
                                                    coap_udp6_message_get_token (message));
        CoapUdp6EndpointAddress *remote = coap_udp6_message_get_remote (message);
        CoapUdp6MessageType mtype = coap_udp6_message_get_mtype (message);

        if (ex == NULL || ex->remote == NULL || ex->waiting ||
            (!ex->multicast && !coap_udp6_endpoint_address_equal (ex->remote, remote))) {
                /* Not a pending request: perhaps a notification (RFC 7641). */
                if (G_UNLIKELY (self->observations != NULL &&
                                g_hash_table_size (self->observations) > 0))
                        return coap_udp6_context_dispatch_notification (self, message);
                return FALSE;
        }
        /* RFC 7252 §5.3.2: a piggybacked response matches by Message ID as
         * well as by token; an ACK of another message is not this response. */
        if (mtype == COAP_UDP6_MESSAGE_TYPE_ACK &&
            (coap_udp6_message_get_mtype (ex->request) != COAP_UDP6_MESSAGE_TYPE_CON ||
             coap_udp6_message_get_mid (ex->request) != coap_udp6_message_get_mid (message)))
                return FALSE;
        if (mtype == COAP_UDP6_MESSAGE_TYPE_CON) {
                g_autoptr (CoapUdp6Message) ack =
                        coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK, COAP_UDP6_CODE_EMPTY);
                CoapUdp6Encoded encoded;

                coap_udp6_message_set_mid (ack, coap_udp6_message_get_mid (message));
                if (coap_udp6_context_send_encoded (self, ack, remote, &encoded)) {
                        coap_udp6_context_dedup_store (self, remote, coap_udp6_message_get_mid (message),
                                                       encoded.data, encoded.len, NULL, FALSE);
                        coap_udp6_encoded_clear (&encoded);
                }
        } else if (mtype == COAP_UDP6_MESSAGE_TYPE_NON) {
                coap_udp6_context_dedup_store (self, remote, coap_udp6_message_get_mid (message),
                                               NULL, 0, NULL, FALSE);
        }
        if (ex->collect) {
                if (G_UNLIKELY (message->code == COAP_UDP6_CODE_UNAUTHORIZED) && follow_echo (self, ex, message))
                        return TRUE;
                g_ptr_array_add (ex->responses, g_object_ref (message));
                g_signal_emit (self, coap_udp6_context_signals[COAP_UDP6_CONTEXT_SIGNAL_MULTICAST_RESPONSE], 0, message);
                return TRUE;
        }
        if (G_UNLIKELY (ex->block != NULL || message->code == COAP_UDP6_CODE_UNAUTHORIZED ||
                        message->code == COAP_UDP6_CODE_REQUEST_ENTITY_TOO_LARGE ||
                        coap_udp6_message_has_block_option (message)) &&
            coap_udp6_context_block_client_response (self, ex, message))
                return TRUE;
        exchange_finish (ex, message, NULL);
        return TRUE;
}

static void
fail_matching (CoapUdp6Context         *self,
               CoapUdp6EndpointAddress *remote,
               const GError            *error)
{
        g_autoptr (GPtrArray) victims = g_ptr_array_new ();
        GHashTableIter iter;
        gpointer value;

        g_hash_table_iter_init (&iter, self->exchanges);
        while (g_hash_table_iter_next (&iter, NULL, &value)) {
                CoapUdp6Exchange *ex = value;

                if (remote == NULL ||
                    (ex->remote != NULL && coap_udp6_endpoint_address_equal (ex->remote, remote)))
                        g_ptr_array_add (victims, ex);
        }
        for (guint i = 0; i < victims->len; i++)
                exchange_finish (g_ptr_array_index (victims, i), NULL, error);
}

void
coap_udp6_context_fail_remote (CoapUdp6Context         *self,
                               CoapUdp6EndpointAddress *remote,
                               const GError            *error)
{
        fail_matching (self, remote, error);
}

void
coap_udp6_context_fail_all (CoapUdp6Context *self,
                            const GError    *error)
{
        gboolean was = self->shut_down;

        /* No queued request may start while everything fails. */
        self->shut_down = TRUE;
        fail_matching (self, NULL, error);
        self->shut_down = was;
}
