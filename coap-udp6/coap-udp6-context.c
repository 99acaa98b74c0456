/* coap-udp6-context.c: the RFC 7252 message layer, client and server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-context.h"
#include "coap-udp6-context-private.h"
#include "coap-udp6-observation-private.h"
#include "coap-udp6-observer-private.h"
#include "coap-udp6-code.h"
#include "coap-udp6-error.h"
#include "coap-udp6-message-interface.h"
#include "coap-udp6-endpoint-address-private.h"
#include "coap-udp6-message-interface-private.h"
#include "coap-udp6-message-private.h"

#include <string.h>

/**
 * CoapUdp6Context:
 *
 * A CoAP endpoint: it owns message interfaces (UDP sockets), runs the
 * message layer of RFC 7252 (message IDs, retransmission, deduplication,
 * separate responses, NSTART), sends requests with
 * [method@Context.request_async] and serves [class@Resource]s added with
 * [method@Context.add_resource].
 *
 * ```c
 * static void
 * on_response (GObject      *source,
 *              GAsyncResult *result,
 *              gpointer      loop)
 * {
 *         g_autoptr (GError) error = NULL;
 *         g_autoptr (CoapUdp6Message) response =
 *                 coap_udp6_context_request_finish (COAP_UDP6_CONTEXT (source), result, &error);
 *
 *         if (response == NULL)
 *                 g_printerr ("%s\n", error->message); // no answer, connection refused, …
 *         else
 *                 g_print ("%s\n", coap_udp6_code_to_string (coap_udp6_message_get_code (response)));
 *         g_main_loop_quit (loop);
 * }
 *
 * g_autoptr (CoapUdp6Context) context = coap_udp6_context_new_client (&error);
 * g_autoptr (CoapUdp6Message) request =
 *         coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON, COAP_UDP6_CODE_GET);
 *
 * if (context == NULL ||
 *     !coap_udp6_message_set_request_uri (request, "coap://[::1]/hello", &error))
 *         return FALSE;
 * coap_udp6_context_request_async (context, request, NULL, on_response, loop);
 * g_main_loop_run (loop);
 * ```
 *
 * A server is made with its addresses, `[::]:5683` for every address on
 * the default port, and serves what [method@Context.add_resource] gives
 * it while the main loop runs:
 *
 * ```c
 * const char *binds[] = { "[::]:5683", NULL };
 * g_autoptr (CoapUdp6Context) server = coap_udp6_context_new_server (binds, NULL, &error);
 * ```
 *
 * A context is made by [ctor@Context.new_client], [ctor@Context.new_server]
 * or [func@Context.new_server_async], or like any #GInitable /
 * #GAsyncInitable from its construct-only properties
 * ([property@Context:binds], [property@Context:multicast-interfaces],
 * [property@Context:is-server], [property@Context:reuse-port]).
 * `CoapUdp6.Context()` in Python and `new CoapUdp6.Context()` in
 * JavaScript and Vala call g_object_new() without initialising; such a
 * context initialises itself on its first request (a client opens a
 * socket on an ephemeral port; host names in the binds are then resolved
 * while blocking), and that request fails with the error initialisation
 * gave. A server should be initialised before serving: call
 * g_initable_init() (`ctx.init(None)`) or g_async_initable_init_async(),
 * which report a port in use or an unknown interface at once. A request
 * made while an asynchronous initialisation runs fails with
 * %G_IO_ERROR_NOT_INITIALIZED.
 *
 * Every datagram leaves through one of the context's message interfaces:
 * the one the remote came through when it is one of this context's, else
 * the first.
 *
 * Every timer runs on the thread-default main context of the thread that
 * created the context.
 *
 * A request to a multicast group is sent with
 * [method@Context.request_multicast_async]: every response that arrives
 * within the chosen time is emitted as [signal@Context::multicast-response]
 * and all of them are returned at the end.
 *
 * Since: 1.0
 */

static void coap_udp6_context_manager_iface_init (CoapUdp6MessageManagerInterface *iface);
static void coap_udp6_context_initable_iface_init (GInitableIface *iface);
static void coap_udp6_context_async_initable_iface_init (GAsyncInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CoapUdp6Context, coap_udp6_context, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (COAP_UDP6_TYPE_MESSAGE_MANAGER,
                                                      coap_udp6_context_manager_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      coap_udp6_context_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_INITABLE,
                                                      coap_udp6_context_async_initable_iface_init))

enum {
        PROP_0,
        PROP_ACK_TIMEOUT,
        PROP_ACK_RANDOM_FACTOR,
        PROP_MAX_RETRANSMIT,
        PROP_NSTART,
        PROP_DEFAULT_LEISURE,
        PROP_MAX_LATENCY,
        PROP_MAX_EXCHANGES,
        PROP_MAX_DEDUP_ENTRIES,
        PROP_MAX_DEDUP_ENTRIES_PER_REMOTE,
        PROP_MAX_DEDUP_BYTES,
        PROP_MAX_PENDING_REQUESTS,
        PROP_EXCHANGE_LIFETIME,
        PROP_MAX_TRANSMIT_SPAN,
        PROP_LOCAL_PORT,
        PROP_BINDS,
        PROP_MULTICAST_INTERFACES,
        PROP_IS_SERVER,
        PROP_REUSE_PORT,
        PROP_BLOCK_SIZE,
        PROP_MAX_BODY_SIZE,
        PROP_MAX_BLOCK_ENTRIES,
        PROP_MAX_BLOCK_BYTES,
        PROP_ECHO_AMPLIFICATION_LIMIT,
        PROP_MAX_OBSERVERS,
        PROP_MAX_OBSERVERS_PER_RESOURCE,
        PROP_MAX_NON_NOTIFICATIONS,
        PROP_CREDENTIALS,
        PROP_MAX_DTLS_SESSIONS,
        PROP_MAX_DTLS_HANDSHAKES,
        PROP_DTLS_HANDSHAKE_TIMEOUT,
        PROP_DTLS_IDLE_TIMEOUT,
        N_PROPS
};

static GParamSpec *props[N_PROPS];

guint coap_udp6_context_signals[COAP_UDP6_CONTEXT_N_SIGNALS];

CoapUdp6Timer *
coap_udp6_context_add_timer (CoapUdp6Context  *self,
                             gdouble           seconds,
                             CoapUdp6TimerFunc func,
                             gpointer          data)
{
        /* A double past gint64 microseconds does not convert (C11 6.3.1.4). */
        gint64 delay_us = seconds > 0 ? (seconds < 9e12 ? (gint64) (seconds * G_USEC_PER_SEC) : G_MAXINT64) : 0;

        return coap_udp6_timers_add (self->timers, delay_us, func, data);
}

void
coap_udp6_context_cancel_timer (CoapUdp6Context *self,
                                CoapUdp6Timer  **timer)
{
        coap_udp6_timers_cancel (self->timers, g_steal_pointer (timer));
}

gint64
coap_udp6_context_now (CoapUdp6Context *self)
{
        return coap_udp6_timers_now (self->timers);
}

void
coap_udp6_context_set_clock (CoapUdp6Context  *self,
                             CoapUdp6ClockFunc clock,
                             gpointer          data)
{
        self->clock = clock;
        self->clock_data = data;
        coap_udp6_timers_set_clock (self->timers, clock, data);
        coap_udp6_context_coaps_apply_limits (self);
}

/**
 * coap_udp6_context_run_due_timers:
 * @self: a #CoapUdp6Context
 *
 * Fires every timer of @self whose time has come: CON retransmissions,
 * exchange and deduplication lifetimes, multicast leisure, and the coaps
 * handshake retransmissions, handshake expiry and idle sessions. With the
 * clock frozen ([method@Context.freeze_clock]) this is the only way they
 * fire; otherwise the main loop fires them anyway.
 *
 * Returns: how many timers fired
 *
 * Since: 1.0
 */
guint
coap_udp6_context_run_due_timers (CoapUdp6Context *self)
{
        guint fired;

        g_return_val_if_fail (COAP_UDP6_IS_CONTEXT (self), 0);

        fired = coap_udp6_timers_run_due (self->timers);
        for (guint i = 0; self->interfaces != NULL && i < self->interfaces->len; i++) {
                CoapUdp6MessageInterface *iface = g_ptr_array_index (self->interfaces, i);

                if (iface->dtls != NULL)
                        fired += coap_udp6_dtls_run_due_timers (iface->dtls);
        }
        return fired;
}

static gint64
frozen_clock (gpointer data)
{
        return ((CoapUdp6Context *) data)->frozen_now;
}

#define FROZEN_CLOCK_END (G_MAXINT64 / 2)

/**
 * coap_udp6_context_freeze_clock:
 * @self: a #CoapUdp6Context
 *
 * Stops the clock of @self's timers at the current time, for tests of
 * behaviour over time that should not wait for it: from now on time moves
 * only by [method@Context.advance_clock], and timers fire only from it
 * (or [method@Context.run_due_timers]). The socket is still read by the
 * main loop as usual. This covers every timer of the context and of its
 * coaps transports (DTLS handshake retransmission and expiry, idle
 * sessions); it cannot be undone.
 *
 * Since: 1.0
 */
void
coap_udp6_context_freeze_clock (CoapUdp6Context *self)
{
        g_return_if_fail (COAP_UDP6_IS_CONTEXT (self));

        if (self->clock == frozen_clock)
                return;
        self->frozen_now = coap_udp6_timers_now (self->timers);
        coap_udp6_context_set_clock (self, frozen_clock, self);
}

/**
 * coap_udp6_context_advance_clock:
 * @self: a #CoapUdp6Context whose clock is frozen
 * @seconds: how far to move the clock, 0 or more
 *
 * Moves the frozen clock of @self forward (see
 * [method@Context.freeze_clock]) and fires every timer that became due,
 * earliest first, as [method@Context.run_due_timers] does. The clock
 * stops some 146 000 years on, where it would leave the range of its
 * microseconds.
 *
 * Returns: how many timers fired
 *
 * Since: 1.0
 */
guint
coap_udp6_context_advance_clock (CoapUdp6Context *self,
                                 gdouble          seconds)
{
        gint64 delta;

        g_return_val_if_fail (COAP_UDP6_IS_CONTEXT (self), 0);
        g_return_val_if_fail (self->clock == frozen_clock, 0);
        g_return_val_if_fail (seconds >= 0 && seconds <= 1e9, 0);

        /* It stops some 146 000 years on, so that deadlines stay in range. */
        delta = (gint64) (seconds * G_USEC_PER_SEC);
        self->frozen_now = delta > FROZEN_CLOCK_END - self->frozen_now ? FROZEN_CLOCK_END
                                                                        : self->frozen_now + delta;
        return coap_udp6_context_run_due_timers (self);
}

guint
coap_udp6_context_next_mid (CoapUdp6Context *self)
{
        self->next_mid = (self->next_mid + 1) & 0xffff;
        return self->next_mid;
}

gdouble
coap_udp6_context_max_transmit_span (CoapUdp6Context *self)
{
        return self->ack_timeout * ((gdouble) (1u << MIN (self->max_retransmit, 30)) - 1) * self->ack_random_factor;
}

/**
 * coap_udp6_context_get_exchange_lifetime: (get-property exchange-lifetime)
 * @self: a #CoapUdp6Context
 *
 * Gets EXCHANGE_LIFETIME (RFC 7252 §4.8.2) derived from the transmission
 * parameters: how long duplicates are detected.
 *
 * Returns: the exchange lifetime in seconds
 *
 * Since: 1.0
 */
gdouble
coap_udp6_context_get_exchange_lifetime (CoapUdp6Context *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_CONTEXT (self), 0);

        return coap_udp6_context_max_transmit_span (self) + 2 * self->max_latency + self->ack_timeout;
}

/**
 * coap_udp6_context_get_ack_timeout: (get-property ack-timeout)
 * @self: a #CoapUdp6Context
 *
 * Gets ACK_TIMEOUT.
 *
 * Returns: the ACK timeout in seconds
 *
 * Since: 1.0
 */
gdouble
coap_udp6_context_get_ack_timeout (CoapUdp6Context *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_CONTEXT (self), 0);

        return self->ack_timeout;
}

/**
 * coap_udp6_context_get_max_retransmit: (get-property max-retransmit)
 * @self: a #CoapUdp6Context
 *
 * Gets MAX_RETRANSMIT.
 *
 * Returns: the number of retransmissions of a CON message
 *
 * Since: 1.0
 */
guint
coap_udp6_context_get_max_retransmit (CoapUdp6Context *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_CONTEXT (self), 0);

        return self->max_retransmit;
}

/* Unowned: the context holds its interfaces. A remote's own interface
 * is used only if it is one of ours: another context's socket would
 * send the answer to that context. The scan is a pointer comparison per
 * interface, usually one. */
CoapUdp6MessageInterface *
coap_udp6_context_choose_interface (CoapUdp6Context         *self,
                                    CoapUdp6EndpointAddress *remote)
{
        GPtrArray *interfaces = self->interfaces;
        CoapUdp6MessageInterface *iface;

        if (interfaces == NULL || interfaces->len == 0)
                return NULL;
        iface = remote != NULL ? coap_udp6_endpoint_address_peek_interface (remote) : NULL;
        for (guint i = 0; iface != NULL && i < interfaces->len; i++)
                if (g_ptr_array_index (interfaces, i) == iface)
                        return iface;
        return g_ptr_array_index (interfaces, 0);
}

gboolean
coap_udp6_context_send_data (CoapUdp6Context         *self,
                             const guint8            *data,
                             gsize                    len,
                             CoapUdp6EndpointAddress *remote)
{
        CoapUdp6MessageInterface *iface = coap_udp6_context_choose_interface (self, remote);

        if (iface == NULL || self->shut_down)
                return FALSE;
        if (G_UNLIKELY (self->watches != NULL))
                return coap_udp6_context_send_watched (self, data, len, remote);
        coap_udp6_message_interface_send_data (iface, data, len, remote);
        return TRUE;
}

/* The interfaces held: one added in between is not released. */
GPtrArray *
coap_udp6_context_hold_sends (CoapUdp6Context *self)
{
        GPtrArray *held;

        if (self->interfaces == NULL)
                return NULL;
        held = g_ptr_array_new_full (self->interfaces->len, g_object_unref);
        for (guint i = 0; i < self->interfaces->len; i++) {
                CoapUdp6MessageInterface *iface = g_ptr_array_index (self->interfaces, i);

                coap_udp6_message_interface_hold_sends (iface);
                g_ptr_array_add (held, g_object_ref (iface));
        }
        return held;
}

void
coap_udp6_context_release_sends (GPtrArray *held)
{
        if (held == NULL)
                return;
        for (guint i = 0; i < held->len; i++)
                coap_udp6_message_interface_release_sends (g_ptr_array_index (held, i));
        g_ptr_array_unref (held);
}

gboolean
coap_udp6_context_send_datagram (CoapUdp6Context         *self,
                                 GBytes                  *datagram,
                                 CoapUdp6EndpointAddress *remote)
{
        CoapUdp6MessageInterface *iface = coap_udp6_context_choose_interface (self, remote);
        gsize len;
        const guint8 *data;

        if (iface == NULL || self->shut_down)
                return FALSE;
        if (G_UNLIKELY (self->watches != NULL)) {
                data = g_bytes_get_data (datagram, &len);
                return coap_udp6_context_send_watched (self, data, len, remote);
        }
        coap_udp6_message_interface_send_datagram (iface, datagram, remote);
        return TRUE;
}

gboolean
coap_udp6_context_ensure_ready (CoapUdp6Context *self,
                                GError         **error)
{
        if (!self->initialized)
                return g_initable_init (G_INITABLE (self), NULL, error);
        if (self->init_error != NULL) {
                g_propagate_error (error, g_error_copy (self->init_error));
                return FALSE;
        }
        if (coap_udp6_context_choose_interface (self, NULL) == NULL) {
                g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                                     "The context has no message interface yet "
                                     "(its initialisation has not finished)");
                return FALSE;
        }
        return TRUE;
}

void
coap_udp6_context_send_raw (CoapUdp6Context         *self,
                            CoapUdp6Message         *message,
                            CoapUdp6EndpointAddress *remote)
{
        CoapUdp6Encoded encoded;

        if (coap_udp6_context_send_encoded (self, message, remote, &encoded))
                coap_udp6_encoded_clear (&encoded);
}

void
coap_udp6_encoded_clear (CoapUdp6Encoded *encoded)
{
        if (encoded->data != encoded->stack)
                g_free (encoded->data);
        encoded->data = NULL;
}

/* Encodes @message into @out and sends it; @out then holds the datagram
 * for the deduplication cache, to be cleared with
 * coap_udp6_encoded_clear(). Nothing is allocated on the way to the send
 * unless the datagram is larger than COAP_UDP6_STACK_DATAGRAM. */
gboolean
coap_udp6_context_send_encoded (CoapUdp6Context         *self,
                                CoapUdp6Message         *message,
                                CoapUdp6EndpointAddress *remote,
                                CoapUdp6Encoded         *out)
{
        g_autoptr (GError) error = NULL;

        if (!coap_udp6_message_encode_to_buffer (message, out->stack, sizeof out->stack,
                                                 &out->data, &out->len, &error)) {
                g_debug ("cannot encode a message: %s", error->message);
                return FALSE;
        }
        coap_udp6_context_send_data (self, out->data, out->len, remote);
        return TRUE;
}

void
coap_udp6_context_send_empty (CoapUdp6Context         *self,
                              CoapUdp6MessageType      mtype,
                              guint                    mid,
                              CoapUdp6EndpointAddress *remote)
{
        g_autoptr (CoapUdp6Message) message = coap_udp6_message_new (mtype, COAP_UDP6_CODE_EMPTY);

        coap_udp6_message_set_mid (message, mid);
        if (mtype == COAP_UDP6_MESSAGE_TYPE_RST)
                coap_udp6_context_count (self, COAP_UDP6_STATISTIC_RESETS_SENT);
        coap_udp6_context_send_raw (self, message, remote);
}

static void
coap_udp6_context_handle_message (CoapUdp6Context *self,
                                  CoapUdp6Message *message);

/* The watches see the message first (coap-udp6-context-watch.c). */
static void
coap_udp6_context_dispatch_message (CoapUdp6MessageManager *manager,
                                    CoapUdp6Message        *message)
{
        CoapUdp6Context *self = COAP_UDP6_CONTEXT (manager);
        g_autoptr (CoapUdp6Context) alive = NULL;
        g_autoptr (CoapUdp6Message) kept = NULL;

        if (G_LIKELY (self->watches == NULL)) {
                coap_udp6_context_handle_message (self, message);
                return;
        }
        alive = g_object_ref (self);
        kept = g_object_ref (message);
        if (!self->shut_down && message->remote != NULL)
                coap_udp6_context_watches_call (self, message, FALSE);
        coap_udp6_context_handle_message (self, message);
}

static void
coap_udp6_context_handle_message (CoapUdp6Context *self,
                                  CoapUdp6Message *message)
{
        CoapUdp6MessageType mtype = message->mtype;
        guint code = message->code;
        guint klass = coap_udp6_code_get_class (code);
        CoapUdp6EndpointAddress *remote = message->remote;
        gboolean con = mtype == COAP_UDP6_MESSAGE_TYPE_CON;
        gboolean mcast;

        if (self->shut_down || remote == NULL)
                return;
        mcast = coap_udp6_endpoint_address_is_multicast_locally (remote);

        /* Never an RST to an ACK or an RST (RFC 7252 §4.2, §4.3). */
        if (mtype == COAP_UDP6_MESSAGE_TYPE_ACK || mtype == COAP_UDP6_MESSAGE_TYPE_RST) {
                if (!coap_udp6_context_handle_ack_rst (self, message) &&
                    mtype == COAP_UDP6_MESSAGE_TYPE_RST && G_UNLIKELY (self->observers.length > 0))
                        coap_udp6_context_observer_reset (self, message);
                if (mtype == COAP_UDP6_MESSAGE_TYPE_ACK && coap_udp6_code_is_response (code))
                        coap_udp6_context_handle_response (self, message);
                return;
        }

        /* Empty CON is a ping (§4.3); reserved classes 1, 6, 7 are rejected. */
        if (code == COAP_UDP6_CODE_EMPTY || klass == 1 || klass >= 6) {
                if (con && !mcast)
                        coap_udp6_context_send_empty (self, COAP_UDP6_MESSAGE_TYPE_RST,
                                                      coap_udp6_message_get_mid (message),
                                                      remote);
                return;
        }

        if (coap_udp6_context_dedup_check (self, message))
                return;

        if (coap_udp6_code_is_request (code)) {
                coap_udp6_context_handle_request (self, message);
                /* The message held the remote of the key dedup_check() did
                 * not find; a nested dispatch may have cleared it already. */
                self->dedup_absent.remote = NULL;
                return;
        }
        self->dedup_absent.remote = NULL;

        /* RFC 7641 §3.6: a notification nobody observes is rejected too. */
        if (!coap_udp6_context_handle_response (self, message) && !mcast &&
            (con || coap_udp6_message_has_option (message, COAP_UDP6_OPTION_OBSERVE)))
                coap_udp6_context_send_empty (self, COAP_UDP6_MESSAGE_TYPE_RST,
                                              coap_udp6_message_get_mid (message), remote);
}

static void
coap_udp6_context_dispatch_error (CoapUdp6MessageManager  *manager,
                                  const GError            *error,
                                  CoapUdp6EndpointAddress *remote)
{
        CoapUdp6Context *self = COAP_UDP6_CONTEXT (manager);

        if (remote != NULL) {
                coap_udp6_context_fail_remote (self, remote, error);
                coap_udp6_context_end_observations (self, remote, error);
        }
}

static void
coap_udp6_context_dispatch_unparsable (CoapUdp6MessageManager  *manager,
                                       GBytes                  *datagram,
                                       CoapUdp6EndpointAddress *remote,
                                       const GError            *reason)
{
        CoapUdp6Context *self = COAP_UDP6_CONTEXT (manager);
        CoapUdp6MessageType mtype;
        guint code, mid;

        if (self->shut_down || remote == NULL)
                return;
        /* A CON with a format error is rejected with RST (RFC 7252 §4.2). */
        if (coap_udp6_message_peek_header (datagram, &mtype, &code, &mid) &&
            mtype == COAP_UDP6_MESSAGE_TYPE_CON &&
            !coap_udp6_endpoint_address_is_multicast_locally (remote))
                coap_udp6_context_send_empty (self, COAP_UDP6_MESSAGE_TYPE_RST, mid, remote);
}

static void
coap_udp6_context_manager_iface_init (CoapUdp6MessageManagerInterface *iface)
{
        iface->dispatch_message = coap_udp6_context_dispatch_message;
        iface->dispatch_error = coap_udp6_context_dispatch_error;
        iface->dispatch_unparsable = coap_udp6_context_dispatch_unparsable;
}


static void
coap_udp6_context_dispose (GObject *object)
{
        CoapUdp6Context *self = COAP_UDP6_CONTEXT (object);
        g_autoptr (GError) error = g_error_new_literal (COAP_UDP6_ERROR, COAP_UDP6_ERROR_SHUT_DOWN,
                                                        "The context was disposed");

        if (self->exchanges != NULL)
                coap_udp6_context_fail_all (self, error);
        coap_udp6_context_end_observations (self, NULL, error);
        coap_udp6_context_end_observers (self, NULL, 0);
        self->shut_down = TRUE;
        if (self->transmissions != NULL)
                coap_udp6_context_clear_transmissions (self);
        coap_udp6_context_clear_delayed (self);
        g_clear_pointer (&self->transmissions, g_hash_table_unref);
        coap_udp6_context_free_dedup (self);
        coap_udp6_context_block_server_free (self);
        coap_udp6_context_watches_free (self);
        /* An interface someone else holds must not read a clock that
         * points at us. */
        if (self->clock != NULL)
                coap_udp6_context_set_clock (self, NULL, NULL);
        g_clear_pointer (&self->interfaces, g_ptr_array_unref);
        g_clear_pointer (&self->resources, g_hash_table_unref);
        g_clear_object (&self->spare_request);
        g_clear_pointer (&self->spare_exchange, g_free);

        G_OBJECT_CLASS (coap_udp6_context_parent_class)->dispose (object);
}

static void
coap_udp6_context_finalize (GObject *object)
{
        CoapUdp6Context *self = COAP_UDP6_CONTEXT (object);

        g_clear_pointer (&self->exchanges, g_hash_table_unref);
        g_clear_pointer (&self->observations, g_hash_table_unref);
        g_clear_pointer (&self->observer_keys, g_hash_table_unref);
        g_clear_pointer (&self->observer_remotes, g_hash_table_unref);
        g_clear_pointer (&self->active, g_hash_table_unref);
        g_clear_pointer (&self->timers, coap_udp6_timers_free);
        g_main_context_unref (self->main_context);
        g_strfreev (self->binds);
        g_strfreev (self->multicast_interfaces);
        g_clear_object (&self->credentials);
        g_clear_error (&self->init_error);

        G_OBJECT_CLASS (coap_udp6_context_parent_class)->finalize (object);
}

static void
coap_udp6_context_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
        CoapUdp6Context *self = COAP_UDP6_CONTEXT (object);

        switch (prop_id) {
        case PROP_ACK_TIMEOUT: g_value_set_double (value, self->ack_timeout); break;
        case PROP_ACK_RANDOM_FACTOR: g_value_set_double (value, self->ack_random_factor); break;
        case PROP_MAX_RETRANSMIT: g_value_set_uint (value, self->max_retransmit); break;
        case PROP_NSTART: g_value_set_uint (value, self->nstart); break;
        case PROP_DEFAULT_LEISURE: g_value_set_double (value, self->default_leisure); break;
        case PROP_MAX_LATENCY: g_value_set_double (value, self->max_latency); break;
        case PROP_MAX_EXCHANGES: g_value_set_uint (value, self->max_exchanges); break;
        case PROP_MAX_DEDUP_ENTRIES: g_value_set_uint (value, self->max_dedup_entries); break;
        case PROP_MAX_DEDUP_ENTRIES_PER_REMOTE:
                g_value_set_uint (value, self->max_dedup_entries_per_remote);
                break;
        case PROP_MAX_PENDING_REQUESTS: g_value_set_uint (value, self->max_pending_requests); break;
        case PROP_MAX_DEDUP_BYTES: g_value_set_uint (value, self->max_dedup_bytes); break;
        case PROP_BLOCK_SIZE: g_value_set_uint (value, self->block_size); break;
        case PROP_MAX_BODY_SIZE: g_value_set_uint (value, self->max_body_size); break;
        case PROP_MAX_BLOCK_ENTRIES: g_value_set_uint (value, self->max_block_entries); break;
        case PROP_MAX_BLOCK_BYTES: g_value_set_uint (value, self->max_block_bytes); break;
        case PROP_ECHO_AMPLIFICATION_LIMIT: g_value_set_boolean (value, self->echo_amplification_limit); break;
        case PROP_EXCHANGE_LIFETIME:
                g_value_set_double (value, coap_udp6_context_get_exchange_lifetime (self));
                break;
        case PROP_MAX_TRANSMIT_SPAN:
                g_value_set_double (value, coap_udp6_context_max_transmit_span (self));
                break;
        case PROP_LOCAL_PORT:
                g_value_set_uint (value, coap_udp6_context_get_local_port (self));
                break;
        case PROP_BINDS: g_value_set_boxed (value, self->binds); break;
        case PROP_MULTICAST_INTERFACES: g_value_set_boxed (value, self->multicast_interfaces); break;
        case PROP_IS_SERVER: g_value_set_boolean (value, self->server); break;
        case PROP_REUSE_PORT: g_value_set_boolean (value, self->reuse_port); break;
        case PROP_MAX_OBSERVERS: g_value_set_uint (value, self->max_observers); break;
        case PROP_MAX_OBSERVERS_PER_RESOURCE:
                g_value_set_uint (value, self->max_observers_per_resource);
                break;
        case PROP_MAX_NON_NOTIFICATIONS: g_value_set_uint (value, self->max_non_notifications); break;
        case PROP_CREDENTIALS: g_value_set_object (value, self->credentials); break;
        case PROP_MAX_DTLS_SESSIONS: g_value_set_uint (value, self->coaps_limits.max_sessions); break;
        case PROP_MAX_DTLS_HANDSHAKES: g_value_set_uint (value, self->coaps_limits.max_handshakes); break;
        case PROP_DTLS_HANDSHAKE_TIMEOUT:
                g_value_set_double (value, self->coaps_limits.handshake_timeout_ms / 1000.0);
                break;
        case PROP_DTLS_IDLE_TIMEOUT:
                g_value_set_double (value, self->coaps_limits.idle_timeout_ms / 1000.0);
                break;
        default:
                G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        }
}

static void
coap_udp6_context_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
        CoapUdp6Context *self = COAP_UDP6_CONTEXT (object);

        /* Construct-only: set once, before anybody can listen. */
        switch (prop_id) {
        case PROP_BINDS:
                g_strfreev (self->binds);
                self->binds = g_value_dup_boxed (value);
                return;
        case PROP_MULTICAST_INTERFACES:
                g_strfreev (self->multicast_interfaces);
                self->multicast_interfaces = g_value_dup_boxed (value);
                return;
        case PROP_IS_SERVER:
                self->server = g_value_get_boolean (value);
                return;
        case PROP_REUSE_PORT:
                self->reuse_port = g_value_get_boolean (value);
                return;
        case PROP_CREDENTIALS:
                coap_udp6_context_set_credentials (self, g_value_get_object (value));
                return;
        default:
                break;
        }

        switch (prop_id) {
        case PROP_ACK_TIMEOUT: self->ack_timeout = g_value_get_double (value); break;
        case PROP_ACK_RANDOM_FACTOR: self->ack_random_factor = g_value_get_double (value); break;
        case PROP_MAX_RETRANSMIT: self->max_retransmit = g_value_get_uint (value); break;
        case PROP_NSTART: self->nstart = g_value_get_uint (value); break;
        case PROP_DEFAULT_LEISURE: self->default_leisure = g_value_get_double (value); break;
        case PROP_MAX_LATENCY: self->max_latency = g_value_get_double (value); break;
        case PROP_MAX_EXCHANGES: self->max_exchanges = g_value_get_uint (value); break;
        case PROP_MAX_DEDUP_ENTRIES: self->max_dedup_entries = g_value_get_uint (value); break;
        case PROP_MAX_DEDUP_ENTRIES_PER_REMOTE:
                self->max_dedup_entries_per_remote = g_value_get_uint (value);
                break;
        case PROP_MAX_PENDING_REQUESTS: self->max_pending_requests = g_value_get_uint (value); break;
        case PROP_MAX_DEDUP_BYTES: self->max_dedup_bytes = g_value_get_uint (value); break;
        case PROP_BLOCK_SIZE:
                /* Block sizes are powers of two (RFC 7959 §2.2). */
                self->block_size = 1u << (g_bit_storage (g_value_get_uint (value)) - 1);
                break;
        case PROP_MAX_BODY_SIZE: self->max_body_size = g_value_get_uint (value); break;
        case PROP_MAX_BLOCK_ENTRIES: self->max_block_entries = g_value_get_uint (value); break;
        case PROP_MAX_BLOCK_BYTES: self->max_block_bytes = g_value_get_uint (value); break;
        case PROP_ECHO_AMPLIFICATION_LIMIT: self->echo_amplification_limit = g_value_get_boolean (value); break;
        case PROP_MAX_OBSERVERS: self->max_observers = g_value_get_uint (value); break;
        case PROP_MAX_OBSERVERS_PER_RESOURCE:
                self->max_observers_per_resource = g_value_get_uint (value);
                break;
        case PROP_MAX_NON_NOTIFICATIONS: self->max_non_notifications = g_value_get_uint (value); break;
        case PROP_MAX_DTLS_SESSIONS: self->coaps_limits.max_sessions = g_value_get_uint (value); break;
        case PROP_MAX_DTLS_HANDSHAKES: self->coaps_limits.max_handshakes = g_value_get_uint (value); break;
        case PROP_DTLS_HANDSHAKE_TIMEOUT:
                self->coaps_limits.handshake_timeout_ms = (guint) (g_value_get_double (value) * 1000);
                break;
        case PROP_DTLS_IDLE_TIMEOUT:
                self->coaps_limits.idle_timeout_ms = (guint) (g_value_get_double (value) * 1000);
                break;
        default:
                G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
                return;
        }
        if (prop_id >= PROP_MAX_DTLS_SESSIONS)
                coap_udp6_context_coaps_apply_limits (self);
        g_object_notify_by_pspec (object, pspec);
        if (prop_id == PROP_ACK_TIMEOUT || prop_id == PROP_ACK_RANDOM_FACTOR ||
            prop_id == PROP_MAX_RETRANSMIT || prop_id == PROP_MAX_LATENCY) {
                g_object_notify_by_pspec (object, props[PROP_EXCHANGE_LIFETIME]);
                g_object_notify_by_pspec (object, props[PROP_MAX_TRANSMIT_SPAN]);
        }
}

static GParamSpec *
double_prop (const char *name,
             gdouble     min,
             gdouble     max,
             gdouble     def)
{
        return g_param_spec_double (name, NULL, NULL, min, max, def,
                                    G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                    G_PARAM_EXPLICIT_NOTIFY);
}

static GParamSpec *
uint_prop (const char *name,
           guint       min,
           guint       max,
           guint       def)
{
        return g_param_spec_uint (name, NULL, NULL, min, max, def,
                                  G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                  G_PARAM_EXPLICIT_NOTIFY);
}

static void
coap_udp6_context_class_init (CoapUdp6ContextClass *klass)
{
        GObjectClass *object_class = G_OBJECT_CLASS (klass);

        object_class->dispose = coap_udp6_context_dispose;
        object_class->finalize = coap_udp6_context_finalize;
        object_class->get_property = coap_udp6_context_get_property;
        object_class->set_property = coap_udp6_context_set_property;

        /**
         * CoapUdp6Context:ack-timeout: (getter get_ack_timeout)
         *
         * ACK_TIMEOUT in seconds (RFC 7252 §4.8).
         *
         * Since: 1.0
         */
        props[PROP_ACK_TIMEOUT] = double_prop ("ack-timeout", 0.001, 3600, 2.0);
        /**
         * CoapUdp6Context:ack-random-factor:
         *
         * ACK_RANDOM_FACTOR (RFC 7252 §4.8).
         *
         * Since: 1.0
         */
        props[PROP_ACK_RANDOM_FACTOR] = double_prop ("ack-random-factor", 1.0, 10.0, 1.5);
        /**
         * CoapUdp6Context:max-retransmit: (getter get_max_retransmit)
         *
         * MAX_RETRANSMIT (RFC 7252 §4.8).
         *
         * Since: 1.0
         */
        props[PROP_MAX_RETRANSMIT] = uint_prop ("max-retransmit", 0, 20, 4);
        /**
         * CoapUdp6Context:nstart:
         *
         * NSTART: outstanding requests per remote (RFC 7252 §4.7); more wait
         * in a queue.
         *
         * Since: 1.0
         */
        props[PROP_NSTART] = uint_prop ("nstart", 1, 1000, 1);
        /**
         * CoapUdp6Context:default-leisure:
         *
         * DEFAULT_LEISURE in seconds: the longest random delay before a
         * response to a multicast request (RFC 7252 §8.2).
         *
         * Since: 1.0
         */
        props[PROP_DEFAULT_LEISURE] = double_prop ("default-leisure", 0, 3600, 5.0);
        /**
         * CoapUdp6Context:max-latency:
         *
         * MAX_LATENCY in seconds (RFC 7252 §4.8.2).
         *
         * Since: 1.0
         */
        props[PROP_MAX_LATENCY] = double_prop ("max-latency", 0, 3600, 100.0);
        /**
         * CoapUdp6Context:max-exchanges:
         *
         * The most client requests outstanding or queued at once; more fail
         * with %COAP_UDP6_ERROR_LIMIT_REACHED.
         *
         * Since: 1.0
         */
        props[PROP_MAX_EXCHANGES] = uint_prop ("max-exchanges", 1, G_MAXUINT, 4096);
        /**
         * CoapUdp6Context:max-dedup-entries:
         *
         * The most (remote, message ID) pairs remembered for duplicate
         * detection (RFC 7252 §4.5), each for EXCHANGE_LIFETIME. At the
         * limit the oldest is forgotten, counted as
         * %COAP_UDP6_STATISTIC_DEDUP_EVICTIONS and warned about at most
         * once a minute. An entry holds the reply sent (up to a datagram),
         * so the default bounds the cache to about 8192 × (reply + 150)
         * bytes.
         *
         * Since: 1.0
         */
        props[PROP_MAX_DEDUP_ENTRIES] = uint_prop ("max-dedup-entries", 1, G_MAXUINT, 8192);
        /**
         * CoapUdp6Context:max-dedup-entries-per-remote:
         *
         * The most deduplication entries one remote (address and port) may
         * hold; at the limit its own oldest entry is forgotten (counted as
         * %COAP_UDP6_STATISTIC_DEDUP_REMOTE_EVICTIONS), so a single busy
         * peer cannot evict everybody else's.
         *
         * Since: 1.0
         */
        props[PROP_MAX_DEDUP_ENTRIES_PER_REMOTE] =
                uint_prop ("max-dedup-entries-per-remote", 1, G_MAXUINT, 1024);
        /**
         * CoapUdp6Context:max-dedup-bytes:
         *
         * The most bytes of replies the deduplication cache keeps; beyond
         * it the oldest entries are forgotten as at
         * [property@Context:max-dedup-entries]. Without it, 8192 cached
         * 60 kB responses would hold half a gigabyte.
         *
         * Since: 1.0
         */
        props[PROP_MAX_DEDUP_BYTES] = uint_prop ("max-dedup-bytes", 0, G_MAXUINT, 8 * 1024 * 1024);
        /**
         * CoapUdp6Context:max-pending-requests:
         *
         * The most requests the server handles at once: requests whose
         * resource has not responded yet, and separate CON responses not
         * yet acknowledged. Beyond it a request is answered with 5.03
         * Service Unavailable and a Max-Age of ACK_TIMEOUT rounded up
         * (RFC 7252 §5.9.3.4), without reaching a resource; counted as
         * %COAP_UDP6_STATISTIC_REQUESTS_REJECTED.
         *
         * Since: 1.0
         */
        props[PROP_MAX_PENDING_REQUESTS] = uint_prop ("max-pending-requests", 1, G_MAXUINT, 1024);
        /**
         * CoapUdp6Context:max-observers:
         *
         * The most clients observing this context's resources at once
         * (RFC 7641). Beyond it a registration is answered as a plain GET
         * (without Observe, RFC 7641 §4.1) and counted as
         * %COAP_UDP6_STATISTIC_OBSERVERS_REJECTED.
         *
         * Since: 1.0
         */
        props[PROP_MAX_OBSERVERS] = uint_prop ("max-observers", 0, G_MAXUINT, 10000);
        /**
         * CoapUdp6Context:max-observers-per-resource:
         *
         * The most observers of one resource, handled as
         * [property@Context:max-observers].
         *
         * Since: 1.0
         */
        props[PROP_MAX_OBSERVERS_PER_RESOURCE] =
                uint_prop ("max-observers-per-resource", 0, G_MAXUINT, 1000);
        /**
         * CoapUdp6Context:max-non-notifications:
         *
         * How many NON notifications an observer gets in a row before one
         * is sent CON, so an observer that left is found and removed (RFC
         * 7641 §4.5); a CON is also sent at least every 24 hours. 0 makes
         * every notification CON.
         *
         * Since: 1.0
         */
        props[PROP_MAX_NON_NOTIFICATIONS] = uint_prop ("max-non-notifications", 0, G_MAXUINT, 20);
        /**
         * CoapUdp6Context:exchange-lifetime: (getter get_exchange_lifetime)
         *
         * EXCHANGE_LIFETIME in seconds, derived (RFC 7252 §4.8.2).
         *
         * Since: 1.0
         */
        props[PROP_EXCHANGE_LIFETIME] =
                g_param_spec_double ("exchange-lifetime", NULL, NULL, 0, G_MAXDOUBLE, 0,
                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
        /**
         * CoapUdp6Context:max-transmit-span:
         *
         * MAX_TRANSMIT_SPAN in seconds, derived (RFC 7252 §4.8.2).
         *
         * Since: 1.0
         */
        props[PROP_MAX_TRANSMIT_SPAN] =
                g_param_spec_double ("max-transmit-span", NULL, NULL, 0, G_MAXDOUBLE, 0,
                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
        /**
         * CoapUdp6Context:local-port: (getter get_local_port)
         *
         * The UDP port of the first message interface.
         *
         * Since: 1.0
         */
        props[PROP_LOCAL_PORT] =
                g_param_spec_uint ("local-port", NULL, NULL, 0, 65535, 0,
                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
        /**
         * CoapUdp6Context:binds:
         *
         * Where to listen, one message interface each ("HOST:PORT",
         * "[v6]:PORT", a host name). A bind that starts with `coaps://`
         * (`coaps://[::]:5684`, port 5684 when left out) serves coaps with
         * [property@Context:credentials]. When empty, a server listens on
         * `[::]:5683` and a client on an ephemeral port of `[::]`.
         *
         * Since: 1.0
         */
        props[PROP_BINDS] =
                g_param_spec_boxed ("binds", NULL, NULL, G_TYPE_STRV,
                                    G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                    G_PARAM_STATIC_STRINGS);
        /**
         * CoapUdp6Context:multicast-interfaces:
         *
         * Network interfaces on which to join the All-CoAP-Nodes groups
         * (ff02::fd, ff05::fd, 224.0.1.187). A name that is no interface
         * makes initialisation fail with %G_IO_ERROR_NOT_FOUND.
         *
         * Since: 1.0
         */
        props[PROP_MULTICAST_INTERFACES] =
                g_param_spec_boxed ("multicast-interfaces", NULL, NULL, G_TYPE_STRV,
                                    G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                    G_PARAM_STATIC_STRINGS);
        /**
         * CoapUdp6Context:is-server:
         *
         * Whether the context serves on a known port: with no
         * [property@Context:binds] it listens on `[::]:5683`. Every
         * context can make requests.
         *
         * Since: 1.0
         */
        props[PROP_IS_SERVER] =
                g_param_spec_boolean ("is-server", NULL, NULL, FALSE,
                                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                      G_PARAM_STATIC_STRINGS);
        /**
         * CoapUdp6Context:reuse-port:
         *
         * Whether the sockets share their ports (`SO_REUSEPORT`) with other
         * sockets that also ask for it, as
         * [property@MessageInterface:reuse-port] describes: the kernel
         * then spreads unicast datagrams between them, and a second server
         * on the same port starts silently instead of failing. Off by
         * default, so a bind to a port in use fails with
         * %G_IO_ERROR_ADDRESS_IN_USE.
         *
         * Since: 1.0
         */
        props[PROP_REUSE_PORT] =
                g_param_spec_boolean ("reuse-port", NULL, NULL, FALSE,
                                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                      G_PARAM_STATIC_STRINGS);
        /**
         * CoapUdp6Context:block-size:
         *
         * The block size of block-wise transfers (RFC 7959) in bytes, a
         * power of two from 16 to 1024 (other values are rounded down).
         * A request body larger than this is sent as Block1 blocks; a
         * response body larger than this is served as Block2 blocks. Below
         * 1024, every request that is not sent in Block1 blocks asks for
         * response blocks of this size with a Block2 option from its first
         * message (early negotiation, §4); an upload's response comes in
         * the server's block size unless the request carries a Block2 option
         * of its own (NUM 0), which then goes with every block. A request
         * carrying its own Block1 or Block2 option (NUM 0) uses that
         * option's size instead.
         *
         * Since: 1.0
         */
        props[PROP_BLOCK_SIZE] = uint_prop ("block-size", 16, 1024, 1024);
        /**
         * CoapUdp6Context:max-body-size:
         *
         * The largest body a block-wise transfer reassembles, in bytes,
         * in either role. A longer response fails the request with
         * %COAP_UDP6_ERROR_BODY_TOO_LARGE; a longer upload is answered with
         * 4.13 Request Entity Too Large and this value as Size1. Bodies are
         * held in memory whole, so the default, 16 MiB, is what a firmware
         * image or a large document needs while keeping one transfer far
         * below a device's memory.
         *
         * Since: 1.0
         */
        props[PROP_MAX_BODY_SIZE] = uint_prop ("max-body-size", 0, G_MAXUINT, 16 * 1024 * 1024);
        /**
         * CoapUdp6Context:max-block-entries:
         *
         * The most block-wise uploads the server reassembles and
         * representations it keeps for Block2 requests at once; beyond it
         * the oldest is dropped (%COAP_UDP6_STATISTIC_BLOCK_EVICTIONS).
         *
         * Since: 1.0
         */
        props[PROP_MAX_BLOCK_ENTRIES] = uint_prop ("max-block-entries", 1, G_MAXUINT, 64);
        /**
         * CoapUdp6Context:max-block-bytes:
         *
         * The most bytes those uploads and representations hold together;
         * beyond it the oldest are dropped.
         *
         * Since: 1.0
         */
        props[PROP_MAX_BLOCK_BYTES] = uint_prop ("max-block-bytes", 0, G_MAXUINT, 32 * 1024 * 1024);
        /**
         * CoapUdp6Context:echo-amplification-limit:
         *
         * Whether a GET or FETCH whose response would be more than three
         * times the size of the request is answered 4.01 Unauthorized with
         * an Echo option unless the request carries a fresh Echo from this
         * server (RFC 9175 §2.4), so that a forged source address cannot
         * turn the server into an amplifier. Requests to a multicast
         * address always get this treatment, whatever the property says:
         * their 4.01 goes to the requester by unicast, an exception to
         * RFC 7252 §8.2 that RFC 9175 §2.4 calls for. Clients of this
         * library repeat the request with the Echo by themselves. Off by
         * default for unicast.
         *
         * Since: 1.0
         */
        props[PROP_ECHO_AMPLIFICATION_LIMIT] =
                g_param_spec_boolean ("echo-amplification-limit", NULL, NULL, FALSE,
                                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                      G_PARAM_STATIC_STRINGS);
        /**
         * CoapUdp6Context:credentials: (attributes org.gtk.Property.get=coap_udp6_context_get_credentials org.gtk.Property.set=coap_udp6_context_set_credentials)
         *
         * The keys and certificates of `coaps://` binds and requests;
         * binds use the ones set before initialisation, requests the ones
         * set before the first `coaps://` request.
         *
         * Since: 1.0
         */
        props[PROP_CREDENTIALS] =
                g_param_spec_object ("credentials", NULL, NULL, COAP_UDP6_TYPE_CREDENTIALS,
                                     G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                     G_PARAM_EXPLICIT_NOTIFY);
        /**
         * CoapUdp6Context:max-dtls-sessions:
         *
         * How many coaps sessions (established and half-open) each coaps
         * transport keeps; a handshake beyond it is ignored, and a request
         * to a new peer fails with %COAP_UDP6_ERROR_LIMIT_REACHED.
         *
         * Since: 1.0
         */
        props[PROP_MAX_DTLS_SESSIONS] =
                g_param_spec_uint ("max-dtls-sessions", NULL, NULL, 1, G_MAXUINT, 1024,
                                   G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                   G_PARAM_EXPLICIT_NOTIFY);
        /**
         * CoapUdp6Context:max-dtls-handshakes:
         *
         * How many handshakes a coaps server runs at once, after the
         * cookie exchange (which keeps no state); more ClientHellos are
         * ignored until one finishes or expires, so a flood of them
         * cannot grow memory nor take the place of established peers.
         *
         * Since: 1.0
         */
        props[PROP_MAX_DTLS_HANDSHAKES] =
                g_param_spec_uint ("max-dtls-handshakes", NULL, NULL, 1, G_MAXUINT, 64,
                                   G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                   G_PARAM_EXPLICIT_NOTIFY);
        /**
         * CoapUdp6Context:dtls-handshake-timeout:
         *
         * Seconds a DTLS handshake may take, retransmissions included;
         * then its requests fail with %COAP_UDP6_ERROR_TIMEOUT.
         *
         * Since: 1.0
         */
        props[PROP_DTLS_HANDSHAKE_TIMEOUT] =
                g_param_spec_double ("dtls-handshake-timeout", NULL, NULL, 1.0, 3600.0, 20.0,
                                     G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                     G_PARAM_EXPLICIT_NOTIFY);
        /**
         * CoapUdp6Context:dtls-idle-timeout:
         *
         * Seconds after which a coaps session without traffic is closed
         * (with close_notify); the next request opens a new one.
         *
         * Since: 1.0
         */
        props[PROP_DTLS_IDLE_TIMEOUT] =
                g_param_spec_double ("dtls-idle-timeout", NULL, NULL, 1.0, 86400.0, 300.0,
                                     G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                     G_PARAM_EXPLICIT_NOTIFY);
        g_object_class_install_properties (object_class, N_PROPS, props);

        /**
         * CoapUdp6Context::multicast-response:
         * @self: the context
         * @response: a response to a request made with
         *   [method@Context.request_multicast_async]; its remote tells who sent it
         *
         * Emitted for every response to a multicast request as it arrives.
         *
         * Since: 1.0
         */
        coap_udp6_context_signals[COAP_UDP6_CONTEXT_SIGNAL_MULTICAST_RESPONSE] =
                g_signal_new ("multicast-response", G_TYPE_FROM_CLASS (klass),
                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                              G_TYPE_NONE, 1, COAP_UDP6_TYPE_MESSAGE);
}

static void
coap_udp6_context_init (CoapUdp6Context *self)
{
        self->main_context = g_main_context_ref_thread_default ();
        self->timers = coap_udp6_timers_new (self->main_context);
        self->interfaces = g_ptr_array_new_with_free_func (g_object_unref);
        self->ack_timeout = 2.0;
        self->ack_random_factor = 1.5;
        self->max_retransmit = 4;
        self->nstart = 1;
        self->default_leisure = 5.0;
        self->max_latency = 100.0;
        self->max_exchanges = 4096;
        self->max_dedup_entries = 8192;
        self->max_dedup_entries_per_remote = 1024;
        self->max_pending_requests = 1024;
        self->max_dedup_bytes = 8 * 1024 * 1024;
        self->block_size = 1024;
        self->max_body_size = 16 * 1024 * 1024;
        self->max_block_entries = 64;
        self->max_block_bytes = 32 * 1024 * 1024;
        self->max_observers = 10000;
        self->max_observers_per_resource = 1000;
        self->max_non_notifications = 20;
        self->next_mid = g_random_int_range (0, 65536);
        self->resources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
        self->transmissions = g_hash_table_new_full (coap_udp6_mid_key_hash, coap_udp6_mid_key_equal,
                                                     NULL, NULL);
        self->exchanges = g_hash_table_new (g_bytes_hash, g_bytes_equal);
        self->active = g_hash_table_new_full (coap_udp6_endpoint_address_hash,
                                              coap_udp6_endpoint_address_equal,
                                              g_object_unref, NULL);
        coap_udp6_context_init_dedup (self);
        coap_udp6_dtls_limits_init (&self->coaps_limits);
}

/* The bind of interface @i: an empty list means one default. */
static const char *
bind_at (CoapUdp6Context *self,
         guint            i)
{
        if (self->binds != NULL && self->binds[0] != NULL)
                return self->binds[i];
        return self->server ? "[::]:5683" : "[::]:0";
}

static guint
n_binds (CoapUdp6Context *self)
{
        guint n = self->binds != NULL ? g_strv_length (self->binds) : 0;

        return MAX (n, 1);
}

static void
init_failed (CoapUdp6Context *self,
             const GError    *error)
{
        self->init_error = g_error_copy (error);
        g_ptr_array_set_size (self->interfaces, 0);
}

static gboolean
coap_udp6_context_initable_init (GInitable    *initable,
                                 GCancellable *cancellable,
                                 GError      **error)
{
        CoapUdp6Context *self = COAP_UDP6_CONTEXT (initable);
        gboolean ok = TRUE;

        if (self->initialized)
                return coap_udp6_context_ensure_ready (self, error);
        self->initialized = TRUE;
        /* The interfaces read on the context's main context, whichever
         * thread-default context the first use runs under. */
        g_main_context_push_thread_default (self->main_context);
        for (guint i = 0; ok && i < n_binds (self); i++) {
                GError *local_error = NULL;
                CoapUdp6MessageInterface *iface;

                g_autoptr (CoapUdp6Credentials) credentials = NULL;
                const char *bind = coap_udp6_context_split_bind (self, bind_at (self, i), &credentials);

                iface = g_initable_new (COAP_UDP6_TYPE_MESSAGE_INTERFACE, cancellable, &local_error,
                                        "manager", self,
                                        "bind", bind,
                                        "credentials", credentials,
                                        "multicast", self->multicast_interfaces,
                                        "is-server", self->server,
                                        "reuse-port", self->reuse_port,
                                        NULL);
                if (iface == NULL) {
                        init_failed (self, local_error);
                        g_propagate_error (error, local_error);
                        ok = FALSE;
                } else {
                        g_ptr_array_add (self->interfaces, iface);
                        coap_udp6_context_coaps_apply_limits (self);
                }
        }
        g_main_context_pop_thread_default (self->main_context);
        return ok;
}

static void
coap_udp6_context_initable_iface_init (GInitableIface *iface)
{
        iface->init = coap_udp6_context_initable_init;
}

static void init_step (GTask *task);

static void
init_interface_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
        g_autoptr (GTask) task = user_data;
        CoapUdp6Context *self = g_task_get_source_object (task);
        GError *error = NULL;
        GObject *iface;

        iface = g_async_initable_new_finish (G_ASYNC_INITABLE (source), result, &error);
        if (iface == NULL) {
                init_failed (self, error);
                g_task_return_error (task, error);
                return;
        }
        g_ptr_array_add (self->interfaces, iface);
        coap_udp6_context_coaps_apply_limits (self);
        init_step (g_steal_pointer (&task));
}

/* Takes @task. The interfaces are made one after the other, in the
 * order of the binds. */
static void
init_step (GTask *task)
{
        CoapUdp6Context *self = g_task_get_source_object (task);
        guint next = self->interfaces->len;
        g_autoptr (CoapUdp6Credentials) credentials = NULL;
        const char *bind;

        if (next >= n_binds (self)) {
                g_task_return_boolean (task, TRUE);
                g_object_unref (task);
                return;
        }
        bind = coap_udp6_context_split_bind (self, bind_at (self, next), &credentials);
        g_main_context_push_thread_default (self->main_context);
        g_async_initable_new_async (COAP_UDP6_TYPE_MESSAGE_INTERFACE,
                                    g_task_get_priority (task),
                                    g_task_get_cancellable (task),
                                    init_interface_cb, task,
                                    "manager", self,
                                    "bind", bind,
                                    "credentials", credentials,
                                    "multicast", self->multicast_interfaces,
                                    "is-server", self->server,
                                    "reuse-port", self->reuse_port,
                                    NULL);
        g_main_context_pop_thread_default (self->main_context);
}

static void
coap_udp6_context_init_async (GAsyncInitable     *initable,
                              int                 io_priority,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
        CoapUdp6Context *self = COAP_UDP6_CONTEXT (initable);
        GTask *task = g_task_new (self, cancellable, callback, user_data);
        GError *error = NULL;

        g_task_set_source_tag (task, coap_udp6_context_init_async);
        g_task_set_priority (task, io_priority);
        if (self->initialized) {
                if (coap_udp6_context_ensure_ready (self, &error))
                        g_task_return_boolean (task, TRUE);
                else
                        g_task_return_error (task, error);
                g_object_unref (task);
                return;
        }
        self->initialized = TRUE;
        init_step (task);
}

static gboolean
coap_udp6_context_init_finish (GAsyncInitable *initable,
                               GAsyncResult   *result,
                               GError        **error)
{
        g_return_val_if_fail (g_task_is_valid (result, initable), FALSE);
        g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                              coap_udp6_context_init_async, FALSE);

        return g_task_propagate_boolean (G_TASK (result), error);
}

static void
coap_udp6_context_async_initable_iface_init (GAsyncInitableIface *iface)
{
        iface->init_async = coap_udp6_context_init_async;
        iface->init_finish = coap_udp6_context_init_finish;
}

/**
 * coap_udp6_context_new:
 *
 * Creates a client context without opening its socket: that happens on
 * its first request, whose failure reports any error. The same as
 * `g_object_new (COAP_UDP6_TYPE_CONTEXT, NULL)`, and what Vala's
 * `new CoapUdp6.Context ()` calls.
 *
 * Returns: (transfer full): the context
 *
 * Since: 1.0
 */
CoapUdp6Context *
coap_udp6_context_new (void)
{
        return g_object_new (COAP_UDP6_TYPE_CONTEXT, NULL);
}

/**
 * coap_udp6_context_new_client:
 * @error: return location for a #GError
 *
 * Creates a client context with one message interface on an ephemeral
 * port. `g_object_new (COAP_UDP6_TYPE_CONTEXT, NULL)` (in Python
 * `CoapUdp6.Context()`, in JavaScript and Vala `new CoapUdp6.Context()`)
 * makes the same context, whose socket opens on its first request.
 *
 * Returns: (transfer full) (nullable): the context, or %NULL
 *
 * Since: 1.0
 */
CoapUdp6Context *
coap_udp6_context_new_client (GError **error)
{
        return g_initable_new (COAP_UDP6_TYPE_CONTEXT, NULL, error, NULL);
}

/**
 * coap_udp6_context_new_server:
 * @binds: (nullable) (array zero-terminated=1): where to listen
 *   ("HOST:PORT", "[v6]:PORT"); %NULL means `[::]:5683`
 * @multicast_interfaces: (nullable) (array zero-terminated=1): interfaces
 *   on which to join the All-CoAP-Nodes groups
 * @error: return location for a #GError
 *
 * Creates a server context (which can also make requests). Host names in
 * @binds are resolved while blocking; use
 * [func@Context.new_server_async] to avoid that. A port already bound
 * fails with %G_IO_ERROR_ADDRESS_IN_USE (ports are shared only with
 * [property@Context:reuse-port]), an interface name that does not exist
 * with %G_IO_ERROR_NOT_FOUND.
 *
 * Returns: (transfer full) (nullable): the context, or %NULL
 *
 * Since: 1.0
 */
CoapUdp6Context *
coap_udp6_context_new_server (const char *const *binds,
                              const char *const *multicast_interfaces,
                              GError           **error)
{
        return g_initable_new (COAP_UDP6_TYPE_CONTEXT, NULL, error,
                               "binds", binds,
                               "multicast-interfaces", multicast_interfaces,
                               "is-server", TRUE,
                               NULL);
}

/**
 * coap_udp6_context_new_server_async:
 * @binds: (nullable) (array zero-terminated=1): where to listen; %NULL
 *   means `[::]:5683`
 * @multicast_interfaces: (nullable) (array zero-terminated=1): interfaces
 *   on which to join the All-CoAP-Nodes groups
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the context is ready
 * @user_data: data for @callback
 *
 * Creates a server context, resolving host names in @binds without
 * blocking.
 *
 * Since: 1.0
 */
void
coap_udp6_context_new_server_async (const char *const  *binds,
                                    const char *const  *multicast_interfaces,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
        g_async_initable_new_async (COAP_UDP6_TYPE_CONTEXT, G_PRIORITY_DEFAULT,
                                    cancellable, callback, user_data,
                                    "binds", binds,
                                    "multicast-interfaces", multicast_interfaces,
                                    "is-server", TRUE,
                                    NULL);
}

/**
 * coap_udp6_context_new_server_finish:
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [func@Context.new_server_async].
 *
 * Returns: (transfer full) (nullable): the context, or %NULL
 *
 * Since: 1.0
 */
CoapUdp6Context *
coap_udp6_context_new_server_finish (GAsyncResult *result,
                                     GError      **error)
{
        g_autoptr (GObject) source = NULL;

        g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
        source = g_async_result_get_source_object (result);
        g_return_val_if_fail (COAP_UDP6_IS_CONTEXT (source), NULL);

        return COAP_UDP6_CONTEXT (g_async_initable_new_finish (G_ASYNC_INITABLE (source),
                                                               result, error));
}

/**
 * coap_udp6_context_get_local_port: (get-property local-port)
 * @self: a #CoapUdp6Context
 *
 * Gets the UDP port of the first message interface (useful after binding
 * port 0).
 *
 * Returns: the port, or 0
 *
 * Since: 1.0
 */
guint
coap_udp6_context_get_local_port (CoapUdp6Context *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_CONTEXT (self), 0);

        if (self->interfaces == NULL || self->interfaces->len == 0)
                return 0;
        return coap_udp6_message_interface_get_local_port (g_ptr_array_index (self->interfaces, 0));
}

static void
interface_shutdown_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
        g_autoptr (GTask) task = user_data;
        guint *pending = g_task_get_task_data (task);

        coap_udp6_message_interface_shutdown_finish (COAP_UDP6_MESSAGE_INTERFACE (source),
                                                     result, NULL);
        if (--(*pending) == 0)
                g_task_return_boolean (task, TRUE);
}

/**
 * coap_udp6_context_shutdown_async:
 * @self: a #CoapUdp6Context
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the sockets are closed
 * @user_data: data for @callback
 *
 * Fails every pending request with %COAP_UDP6_ERROR_SHUT_DOWN, ends every
 * [class@Observation] with it, sends each observer of this context's
 * resources a last notification, 5.03 Service Unavailable (RFC 7641),
 * stops all retransmissions and closes the message interfaces.
 *
 * Since: 1.0
 */
void
coap_udp6_context_shutdown_async (CoapUdp6Context    *self,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
        g_autoptr (GTask) task = NULL;
        g_autoptr (GError) error = NULL;
        guint *pending;

        g_return_if_fail (COAP_UDP6_IS_CONTEXT (self));

        task = g_task_new (self, cancellable, callback, user_data);
        g_task_set_source_tag (task, coap_udp6_context_shutdown_async);
        error = g_error_new_literal (COAP_UDP6_ERROR, COAP_UDP6_ERROR_SHUT_DOWN,
                                     "The context was shut down");
        coap_udp6_context_fail_all (self, error);
        coap_udp6_context_end_observations (self, NULL, error);
        coap_udp6_context_end_observers (self, NULL, COAP_UDP6_CODE_SERVICE_UNAVAILABLE);
        self->shut_down = TRUE;
        coap_udp6_context_clear_transmissions (self);
        coap_udp6_context_clear_dedup (self);

        pending = g_new0 (guint, 1);
        *pending = self->interfaces->len;
        g_task_set_task_data (task, pending, g_free);
        if (*pending == 0) {
                g_task_return_boolean (task, TRUE);
                return;
        }
        for (guint i = 0; i < self->interfaces->len; i++)
                coap_udp6_message_interface_shutdown_async (g_ptr_array_index (self->interfaces, i),
                                                            NULL, interface_shutdown_cb,
                                                            g_object_ref (task));
}

/**
 * coap_udp6_context_shutdown_finish:
 * @self: a #CoapUdp6Context
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Context.shutdown_async].
 *
 * Returns: %TRUE when shut down
 *
 * Since: 1.0
 */
gboolean
coap_udp6_context_shutdown_finish (CoapUdp6Context *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
        g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
        g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                              coap_udp6_context_shutdown_async, FALSE);

        return g_task_propagate_boolean (G_TASK (result), error);
}
