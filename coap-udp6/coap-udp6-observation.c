/* coap-udp6-observation.c: a resource observed by a client (RFC 7641)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-observation.h"
#include "coap-udp6-observation-private.h"
#include "coap-udp6-context-private.h"
#include "coap-udp6-code.h"
#include "coap-udp6-error.h"

/**
 * CoapUdp6Observation:
 *
 * A resource a client observes (RFC 7641), made by
 * [method@Context.observe]. Every notification the server sends is
 * acknowledged when confirmable, put in order and emitted as
 * [signal@Observation::notification]; [property@Observation:latest]
 * (and [property@Observation:latest-text], for a label) is the newest.
 *
 * Notifications that arrive out of order are dropped by the rule of
 * RFC 7641 §3.4: a sequence number is newer when it is ahead within half
 * the 24-bit space, or when 128 seconds have passed since the last one,
 * so the numbers wrapping around never stops delivery. A notification
 * longer than a block arrives as its first block; it is completed with a
 * GET without Observe (RFC 7959 §3.4) and delivered whole, unless a newer
 * one came meanwhile.
 *
 * When Max-Age of the last notification runs out without a new one, the
 * client registers again with the same token (RFC 7641 §3.3.1), unless
 * [property@Observation:reregister] is off.
 *
 * The observation ends once, with [signal@Observation::ended] and a
 * #GError saying why: %COAP_UDP6_ERROR_NOT_OBSERVED (the server answered
 * with an error code or without Observe), %COAP_UDP6_ERROR_TIMEOUT,
 * %COAP_UDP6_ERROR_RESET, a %G_IO_ERROR, %COAP_UDP6_ERROR_SHUT_DOWN, or
 * %G_IO_ERROR_CANCELLED after [method@Observation.forget],
 * [method@Observation.cancel_async] or the cancellable given to
 * [method@Context.observe]. Ending passively ([method@Observation.forget])
 * sends nothing: the next notification is answered with a Reset, which
 * ends the observation on the server. Ending actively
 * ([method@Observation.cancel_async]) sends a GET with Observe 1 (RFC 7641
 * §3.6).
 *
 * Keep a reference for as long as notifications are wanted: the last
 * reference dropped forgets the observation (passively), once its
 * registration has been answered.
 *
 * Since: 1.0
 */
struct _CoapUdp6Observation {
        GObject parent_instance;

        CoapUdp6Context *context;           /* owned */
        CoapUdp6Message *request;           /* owned: Observe 0, the token set */
        GBytes *token;                      /* owned */
        CoapUdp6EndpointAddress *remote;    /* owned, nullable until the first answer */
        CoapUdp6Message *latest;            /* owned, nullable */
        GError *error;                      /* owned, nullable: why it ended */
        GSource *cancel_source;             /* owned, nullable */
        CoapUdp6Timer *reregister_timer;    /* owned, nullable */
        GTask *cancel_task;                 /* owned, nullable: waits for the registration */
        GCancellable *fetch;                /* owned, nullable: the rest of a long notification */
        guint32 sequence;
        gint64 sequence_time;
        guint n_notifications;
        gboolean have_sequence;
        gboolean registering;               /* a registration is in flight */
        gboolean reregister;
        gboolean ended;
};

G_DEFINE_FINAL_TYPE (CoapUdp6Observation, coap_udp6_observation, G_TYPE_OBJECT)

enum {
        PROP_0,
        PROP_CONTEXT,
        PROP_LATEST,
        PROP_LATEST_TEXT,
        PROP_N_NOTIFICATIONS,
        PROP_ACTIVE,
        PROP_ERROR,
        PROP_REREGISTER,
        N_PROPS
};

static GParamSpec *props[N_PROPS];

enum {
        SIGNAL_NOTIFICATION,
        SIGNAL_ENDED,
        N_SIGNALS
};

static guint signals[N_SIGNALS];

/* RFC 7641 §3.4 */
#define SEQUENCE_HALF (1u << 23)
#define SEQUENCE_WINDOW (128 * G_USEC_PER_SEC)

static void send_deregistration (CoapUdp6Observation *self);

static void
coap_udp6_observation_dispose (GObject *object)
{
        CoapUdp6Observation *self = COAP_UDP6_OBSERVATION (object);

        if (!self->ended) {
                g_autoptr (GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                                "The observation was disposed");

                coap_udp6_observation_end (self, error);
        }
        G_OBJECT_CLASS (coap_udp6_observation_parent_class)->dispose (object);
}

static void
coap_udp6_observation_finalize (GObject *object)
{
        CoapUdp6Observation *self = COAP_UDP6_OBSERVATION (object);

        g_clear_object (&self->context);
        g_clear_object (&self->request);
        g_clear_pointer (&self->token, g_bytes_unref);
        g_clear_object (&self->remote);
        g_clear_object (&self->latest);
        g_clear_error (&self->error);

        G_OBJECT_CLASS (coap_udp6_observation_parent_class)->finalize (object);
}

static void
coap_udp6_observation_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
        CoapUdp6Observation *self = COAP_UDP6_OBSERVATION (object);

        switch (prop_id) {
        case PROP_CONTEXT:
                g_value_set_object (value, self->context);
                break;
        case PROP_LATEST:
                g_value_set_object (value, self->latest);
                break;
        case PROP_LATEST_TEXT:
                g_value_take_string (value, coap_udp6_observation_dup_latest_text (self));
                break;
        case PROP_N_NOTIFICATIONS:
                g_value_set_uint (value, self->n_notifications);
                break;
        case PROP_ACTIVE:
                g_value_set_boolean (value, !self->ended);
                break;
        case PROP_ERROR:
                g_value_set_boxed (value, self->error);
                break;
        case PROP_REREGISTER:
                g_value_set_boolean (value, self->reregister);
                break;
        default:
                G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        }
}

static void
coap_udp6_observation_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
        CoapUdp6Observation *self = COAP_UDP6_OBSERVATION (object);

        switch (prop_id) {
        case PROP_REREGISTER:
                coap_udp6_observation_set_reregister (self, g_value_get_boolean (value));
                break;
        default:
                G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        }
}

static void
coap_udp6_observation_class_init (CoapUdp6ObservationClass *klass)
{
        GObjectClass *object_class = G_OBJECT_CLASS (klass);
        GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

        object_class->dispose = coap_udp6_observation_dispose;
        object_class->finalize = coap_udp6_observation_finalize;
        object_class->get_property = coap_udp6_observation_get_property;
        object_class->set_property = coap_udp6_observation_set_property;

        /**
         * CoapUdp6Observation:context: (getter get_context)
         *
         * The context that observes.
         *
         * Since: 1.0
         */
        props[PROP_CONTEXT] = g_param_spec_object ("context", NULL, NULL,
                                                   COAP_UDP6_TYPE_CONTEXT, ro);
        /**
         * CoapUdp6Observation:latest: (getter get_latest)
         *
         * The newest notification, or %NULL before the first.
         *
         * Since: 1.0
         */
        props[PROP_LATEST] = g_param_spec_object ("latest", NULL, NULL,
                                                  COAP_UDP6_TYPE_MESSAGE, ro);
        /**
         * CoapUdp6Observation:latest-text: (getter dup_latest_text)
         *
         * The payload of the newest notification as text, for binding to
         * a label; %NULL before the first or when it is not UTF-8.
         *
         * Since: 1.0
         */
        props[PROP_LATEST_TEXT] = g_param_spec_string ("latest-text", NULL, NULL, NULL, ro);
        /**
         * CoapUdp6Observation:n-notifications: (getter get_n_notifications)
         *
         * How many notifications were delivered (the answer to the
         * registration included).
         *
         * Since: 1.0
         */
        props[PROP_N_NOTIFICATIONS] = g_param_spec_uint ("n-notifications", NULL, NULL,
                                                         0, G_MAXUINT, 0, ro);
        /**
         * CoapUdp6Observation:active: (getter get_active)
         *
         * %TRUE until the observation ends.
         *
         * Since: 1.0
         */
        props[PROP_ACTIVE] = g_param_spec_boolean ("active", NULL, NULL, TRUE, ro);
        /**
         * CoapUdp6Observation:error: (getter get_error)
         *
         * Why the observation ended, or %NULL while it is active.
         *
         * Since: 1.0
         */
        props[PROP_ERROR] = g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, ro);
        /**
         * CoapUdp6Observation:reregister: (getter get_reregister) (setter set_reregister)
         *
         * Whether to register again when Max-Age of the last notification
         * runs out without a new one (RFC 7641 §3.3.1).
         *
         * Since: 1.0
         */
        props[PROP_REREGISTER] = g_param_spec_boolean ("reregister", NULL, NULL, TRUE,
                                                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                                       G_PARAM_EXPLICIT_NOTIFY);
        g_object_class_install_properties (object_class, N_PROPS, props);

        /**
         * CoapUdp6Observation::notification:
         * @self: the observation
         * @message: the notification (a 2.xx response with Observe, or the
         *   final 2.xx without it)
         *
         * Emitted for every notification that is newer than the last.
         *
         * Since: 1.0
         */
        signals[SIGNAL_NOTIFICATION] =
                g_signal_new ("notification", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                              0, NULL, NULL, NULL, G_TYPE_NONE, 1, COAP_UDP6_TYPE_MESSAGE);
        /**
         * CoapUdp6Observation::ended:
         * @self: the observation
         * @error: why it ended
         *
         * Emitted once, when the observation ends; nothing is delivered
         * after it.
         *
         * Since: 1.0
         */
        signals[SIGNAL_ENDED] =
                g_signal_new ("ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                              0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
coap_udp6_observation_init (CoapUdp6Observation *self)
{
        self->reregister = TRUE;
        /* One made by g_object_new() alone (a binding can) has no context:
         * it is born ended, and every method sees an ended observation. */
        self->ended = TRUE;
        self->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                                           "An observation is started by "
                                           "coap_udp6_context_observe_async()");
}

CoapUdp6Observation *
coap_udp6_observation_new_internal (CoapUdp6Context *context,
                                    CoapUdp6Message *request)
{
        CoapUdp6Observation *self = g_object_new (COAP_UDP6_TYPE_OBSERVATION, NULL);

        self->ended = FALSE;
        g_clear_error (&self->error);
        self->context = g_object_ref (context);
        self->request = request;
        self->token = g_bytes_ref (coap_udp6_message_get_token (request));
        if (coap_udp6_message_get_remote (request) != NULL)
                self->remote = g_object_ref (coap_udp6_message_get_remote (request));
        return self;
}

GBytes *
coap_udp6_observation_get_token_internal (CoapUdp6Observation *self)
{
        return self->token;
}

CoapUdp6EndpointAddress *
coap_udp6_observation_get_remote_internal (CoapUdp6Observation *self)
{
        return self->remote;
}

void
coap_udp6_observation_end (CoapUdp6Observation *self,
                           const GError        *error)
{
        if (self->ended)
                return;
        g_object_ref (self);
        self->ended = TRUE;
        self->error = g_error_copy (error);
        coap_udp6_context_cancel_timer (self->context, &self->reregister_timer);
        if (self->fetch != NULL) {
                g_cancellable_cancel (self->fetch);
                g_clear_object (&self->fetch);
        }
        if (self->cancel_source != NULL) {
                g_source_destroy (self->cancel_source);
                g_clear_pointer (&self->cancel_source, g_source_unref);
        }
        coap_udp6_context_remove_observation (self->context, self);
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ACTIVE]);
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ERROR]);
        g_signal_emit (self, signals[SIGNAL_ENDED], 0, self->error);
        g_object_unref (self);
}

static void
end_with (CoapUdp6Observation *self,
          GQuark               domain,
          gint                 code,
          const char          *format,
          ...) G_GNUC_PRINTF (4, 5);

static void
end_with (CoapUdp6Observation *self,
          GQuark               domain,
          gint                 code,
          const char          *format,
          ...)
{
        g_autoptr (GError) error = NULL;
        va_list args;

        va_start (args, format);
        error = g_error_new_valist (domain, code, format, args);
        va_end (args);
        coap_udp6_observation_end (self, error);
}

static void
reregister_cb (gpointer data)
{
        CoapUdp6Observation *self = data;

        self->reregister_timer = NULL;
        if (!self->ended && !self->registering)
                coap_udp6_observation_register (self);
}

static void
registered_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
        g_autoptr (CoapUdp6Observation) self = user_data;
        g_autoptr (CoapUdp6Message) response = NULL;
        g_autoptr (GError) error = NULL;

        response = coap_udp6_context_request_finish (COAP_UDP6_CONTEXT (source), result, &error);
        self->registering = FALSE;
        if (self->cancel_task != NULL) {
                send_deregistration (self);
                return;
        }
        if (self->ended)
                return;
        if (response == NULL) {
                coap_udp6_observation_end (self, error);
                return;
        }
        coap_udp6_observation_receive (self, response);
}

void
coap_udp6_observation_register (CoapUdp6Observation *self)
{
        self->registering = TRUE;
        coap_udp6_context_request_with_token_async (self->context, self->request, NULL,
                                                    registered_cb, g_object_ref (self));
}

/* RFC 7641 §3.4: is @v2, received at @now, newer than what we have? */
static gboolean
is_fresh (CoapUdp6Observation *self,
          guint32              v2,
          gint64               now)
{
        guint32 v1 = self->sequence;

        if (!self->have_sequence)
                return TRUE;
        return (v1 < v2 && v2 - v1 < SEQUENCE_HALF) ||
               (v1 > v2 && v1 - v2 > SEQUENCE_HALF) ||
               now > self->sequence_time + SEQUENCE_WINDOW;
}

static void
deliver (CoapUdp6Observation *self,
         CoapUdp6Message     *message)
{
        g_set_object (&self->latest, message);
        self->n_notifications++;
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LATEST]);
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LATEST_TEXT]);
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_N_NOTIFICATIONS]);
        g_signal_emit (self, signals[SIGNAL_NOTIFICATION], 0, message);
}

typedef struct {
        CoapUdp6Observation *observation;   /* owned */
        GCancellable *cancellable;          /* owned */
        guint32 sequence;
} Fetch;

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
        Fetch *fetch = user_data;
        CoapUdp6Observation *self = fetch->observation;
        g_autoptr (CoapUdp6Message) whole = NULL;
        g_autoptr (GError) error = NULL;

        whole = coap_udp6_context_request_finish (COAP_UDP6_CONTEXT (source), result, &error);
        if (self->fetch == fetch->cancellable)
                g_clear_object (&self->fetch);
        /* Delivered only if no newer notification came meanwhile. */
        if (whole != NULL && !self->ended && self->sequence == fetch->sequence &&
            coap_udp6_code_is_successful (coap_udp6_message_get_code (whole))) {
                coap_udp6_message_set_observe (whole, fetch->sequence);
                deliver (self, whole);
        } else if (whole == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
                g_debug ("The rest of a notification could not be fetched: %s", error->message);
        }
        g_object_unref (fetch->observation);
        g_object_unref (fetch->cancellable);
        g_free (fetch);
}

/* RFC 7959 §3.4: a notification's first block came; a GET without
 * Observe fetches the whole representation. */
static void
fetch_whole (CoapUdp6Observation *self)
{
        g_autoptr (CoapUdp6Message) request = coap_udp6_message_copy (self->request);
        Fetch *fetch = g_new0 (Fetch, 1);

        if (self->fetch != NULL)
                g_cancellable_cancel (self->fetch);
        g_clear_object (&self->fetch);
        self->fetch = g_cancellable_new ();
        fetch->observation = g_object_ref (self);
        fetch->cancellable = g_object_ref (self->fetch);
        fetch->sequence = self->sequence;
        coap_udp6_message_set_observe (request, -1);
        if (self->remote != NULL)
                coap_udp6_message_set_remote (request, self->remote);
        coap_udp6_context_request_async (self->context, request, fetch->cancellable, fetched_cb, fetch);
}

void
coap_udp6_observation_receive (CoapUdp6Observation *self,
                               CoapUdp6Message     *message)
{
        guint code = coap_udp6_message_get_code (message);
        guint32 observe;
        gint64 now;

        if (self->ended)
                return;
        if (self->remote == NULL && coap_udp6_message_get_remote (message) != NULL)
                self->remote = g_object_ref (coap_udp6_message_get_remote (message));
        if (!coap_udp6_code_is_successful (code)) {
                end_with (self, COAP_UDP6_ERROR, COAP_UDP6_ERROR_NOT_OBSERVED,
                          "The server ended the observation with %u.%02u",
                          coap_udp6_code_get_class (code), coap_udp6_code_get_detail (code));
                return;
        }
        g_object_ref (self);
        if (!coap_udp6_message_get_observe (message, &observe)) {
                deliver (self, message);
                end_with (self, COAP_UDP6_ERROR, COAP_UDP6_ERROR_NOT_OBSERVED,
                          "The response has no Observe option: the resource is not observed");
                g_object_unref (self);
                return;
        }
        now = coap_udp6_context_now (self->context);
        if (is_fresh (self, observe, now)) {
                guint32 block2;

                self->have_sequence = TRUE;
                self->sequence = observe;
                self->sequence_time = now;
                if (coap_udp6_message_get_option_uint (message, COAP_UDP6_OPTION_BLOCK2, &block2) &&
                    COAP_UDP6_BLOCK_MORE (block2))
                        fetch_whole (self);
                else
                        deliver (self, message);
        }
        /* The server confirmed the registration: Max-Age counts again. */
        if (!self->ended) {
                coap_udp6_context_cancel_timer (self->context, &self->reregister_timer);
                if (self->reregister)
                        self->reregister_timer =
                                coap_udp6_context_add_timer (self->context,
                                                             MAX (coap_udp6_message_get_effective_max_age (message), 1),
                                                             reregister_cb, self);
        }
        g_object_unref (self);
}

static gboolean
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
        CoapUdp6Observation *self = user_data;

        end_with (self, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The observation was cancelled");
        return G_SOURCE_REMOVE;
}

/* Nothing malformed leaves: an observation is a GET or FETCH, CON or NON. */
static gboolean
check_observe_request (CoapUdp6Message *request,
                       GError         **error)
{
        guint code = coap_udp6_message_get_code (request);

        if (!coap_udp6_check_outgoing_request (request, error))
                return FALSE;
        /* RFC 7641 §2, RFC 8132 §2.4 */
        if (code != COAP_UDP6_CODE_GET && code != COAP_UDP6_CODE_FETCH) {
                g_set_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_INVALID_MESSAGE,
                             "Only GET and FETCH observe, not %u.%02u",
                             coap_udp6_code_get_class (code), coap_udp6_code_get_detail (code));
                return FALSE;
        }
        return TRUE;
}

/**
 * coap_udp6_context_observe:
 * @self: a #CoapUdp6Context
 * @request: a GET (or FETCH) request, CON or NON, with a target as for
 *   [method@Context.request_async]; a copy is sent with Observe 0 and a
 *   token of the observation's own
 * @cancellable: (nullable): ends the observation passively when cancelled
 * @error: return location for a #GError
 *
 * Starts observing a resource (RFC 7641). The observation is returned at
 * once; its registration is sent now, and its answer is the first
 * [signal@Observation::notification] (or the end, as
 * [signal@Observation::ended]).
 *
 * Returns: (transfer full) (nullable): the observation, or %NULL with
 *   %COAP_UDP6_ERROR_INVALID_MESSAGE (not a GET or FETCH, or not CON or
 *   NON: nothing is sent) or %COAP_UDP6_ERROR_SHUT_DOWN
 *
 * Since: 1.0
 */
CoapUdp6Observation *
coap_udp6_context_observe (CoapUdp6Context *self,
                           CoapUdp6Message *request,
                           GCancellable    *cancellable,
                           GError         **error)
{
        CoapUdp6Observation *observation;
        CoapUdp6Message *copy;
        g_autoptr (GBytes) token = NULL;

        g_return_val_if_fail (COAP_UDP6_IS_CONTEXT (self), NULL);
        g_return_val_if_fail (COAP_UDP6_IS_MESSAGE (request), NULL);
        g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
        g_return_val_if_fail (error == NULL || *error == NULL, NULL);

        if (!check_observe_request (request, error))
                return NULL;
        if (self->shut_down) {
                g_set_error_literal (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_SHUT_DOWN,
                                     "The context was shut down");
                return NULL;
        }
        copy = coap_udp6_message_copy (request);
        token = coap_udp6_context_new_token (self);
        coap_udp6_message_set_token (copy, token);
        coap_udp6_message_set_observe (copy, 0);
        observation = coap_udp6_observation_new_internal (self, copy);
        coap_udp6_context_add_observation (self, observation);
        if (cancellable != NULL) {
                observation->cancel_source = g_cancellable_source_new (cancellable);
                g_source_set_callback (observation->cancel_source, G_SOURCE_FUNC (cancelled_cb),
                                       observation, NULL);
                g_source_attach (observation->cancel_source, self->main_context);
        }
        coap_udp6_observation_register (observation);
        return observation;
}

/**
 * coap_udp6_observation_get_context: (get-property context)
 * @self: a #CoapUdp6Observation
 *
 * Gets the context that observes.
 *
 * Returns: (transfer none): the context
 *
 * Since: 1.0
 */
CoapUdp6Context *
coap_udp6_observation_get_context (CoapUdp6Observation *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_OBSERVATION (self), NULL);

        return self->context;
}

/**
 * coap_udp6_observation_get_latest: (get-property latest)
 * @self: a #CoapUdp6Observation
 *
 * Gets the newest notification.
 *
 * Returns: (transfer none) (nullable): the notification, or %NULL before
 *   the first
 *
 * Since: 1.0
 */
CoapUdp6Message *
coap_udp6_observation_get_latest (CoapUdp6Observation *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_OBSERVATION (self), NULL);

        return self->latest;
}

/**
 * coap_udp6_observation_dup_latest_text: (get-property latest-text)
 * @self: a #CoapUdp6Observation
 *
 * Gets the payload of the newest notification as text.
 *
 * Returns: (transfer full) (nullable): the text, or %NULL before the
 *   first notification or when the payload is not UTF-8
 *
 * Since: 1.0
 */
char *
coap_udp6_observation_dup_latest_text (CoapUdp6Observation *self)
{
        GBytes *payload;
        const char *data;
        gsize len;

        g_return_val_if_fail (COAP_UDP6_IS_OBSERVATION (self), NULL);

        if (self->latest == NULL)
                return NULL;
        payload = coap_udp6_message_get_payload (self->latest);
        if (payload == NULL)
                return g_strdup ("");
        data = g_bytes_get_data (payload, &len);
        if (!g_utf8_validate_len (data != NULL ? data : "", len, NULL))
                return NULL;
        return g_strndup (data != NULL ? data : "", len);
}

/**
 * coap_udp6_observation_get_n_notifications: (get-property n-notifications)
 * @self: a #CoapUdp6Observation
 *
 * Gets how many notifications were delivered.
 *
 * Returns: the count
 *
 * Since: 1.0
 */
guint
coap_udp6_observation_get_n_notifications (CoapUdp6Observation *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_OBSERVATION (self), 0);

        return self->n_notifications;
}

/**
 * coap_udp6_observation_get_active: (get-property active)
 * @self: a #CoapUdp6Observation
 *
 * Gets whether the observation still runs.
 *
 * Returns: %TRUE until it ends
 *
 * Since: 1.0
 */
gboolean
coap_udp6_observation_get_active (CoapUdp6Observation *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_OBSERVATION (self), FALSE);

        return !self->ended;
}

/**
 * coap_udp6_observation_get_error: (get-property error)
 * @self: a #CoapUdp6Observation
 *
 * Gets why the observation ended.
 *
 * Returns: (transfer none) (nullable): the reason, or %NULL while active
 *
 * Since: 1.0
 */
const GError *
coap_udp6_observation_get_error (CoapUdp6Observation *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_OBSERVATION (self), NULL);

        return self->error;
}

/**
 * coap_udp6_observation_get_reregister: (get-property reregister)
 * @self: a #CoapUdp6Observation
 *
 * Gets whether the client registers again after Max-Age.
 *
 * Returns: %TRUE (the default) when it does
 *
 * Since: 1.0
 */
gboolean
coap_udp6_observation_get_reregister (CoapUdp6Observation *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_OBSERVATION (self), FALSE);

        return self->reregister;
}

/**
 * coap_udp6_observation_set_reregister: (set-property reregister)
 * @self: a #CoapUdp6Observation
 * @reregister: whether to register again after Max-Age
 *
 * Sets whether the client registers again when Max-Age of the last
 * notification runs out (RFC 7641 §3.3.1); the change applies from the
 * next notification.
 *
 * Since: 1.0
 */
void
coap_udp6_observation_set_reregister (CoapUdp6Observation *self,
                                      gboolean             reregister)
{
        g_return_if_fail (COAP_UDP6_IS_OBSERVATION (self));

        if (self->reregister == !!reregister)
                return;
        self->reregister = !!reregister;
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_REREGISTER]);
}

/**
 * coap_udp6_observation_forget:
 * @self: a #CoapUdp6Observation
 *
 * Ends the observation passively: nothing is sent, and the next
 * notification is answered with a Reset, which removes the client from
 * the server's list (RFC 7641 §3.6). [signal@Observation::ended] is
 * emitted with %G_IO_ERROR_CANCELLED. Does nothing if it already ended.
 *
 * Since: 1.0
 */
void
coap_udp6_observation_forget (CoapUdp6Observation *self)
{
        g_return_if_fail (COAP_UDP6_IS_OBSERVATION (self));

        end_with (self, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The observation was forgotten");
}

static void
deregistered_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
        g_autoptr (GTask) task = user_data;
        g_autoptr (CoapUdp6Message) response = NULL;
        GError *error = NULL;

        response = coap_udp6_context_request_finish (COAP_UDP6_CONTEXT (source), result, &error);
        if (response == NULL)
                g_task_return_error (task, error);
        else
                g_task_return_boolean (task, TRUE);
}

static void
send_deregistration (CoapUdp6Observation *self)
{
        GTask *task = g_steal_pointer (&self->cancel_task);
        g_autoptr (CoapUdp6Message) request = coap_udp6_message_copy (self->request);

        /* RFC 7641 §3.6: the same token and options, Observe 1. */
        coap_udp6_message_set_observe (request, 1);
        if (self->remote != NULL)
                coap_udp6_message_set_remote (request, self->remote);
        coap_udp6_context_request_with_token_async (self->context, request,
                                                    g_task_get_cancellable (task),
                                                    deregistered_cb, task);
}

/**
 * coap_udp6_observation_cancel_async:
 * @self: a #CoapUdp6Observation
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the server answered
 * @user_data: data for @callback
 *
 * Ends the observation actively: [signal@Observation::ended] is emitted
 * at once with %G_IO_ERROR_CANCELLED, and a GET with Observe 1 and the
 * same token is sent (RFC 7641 §3.6), after the registration in flight
 * (if any) was answered. An observation that already ended completes
 * at once.
 *
 * Since: 1.0
 */
void
coap_udp6_observation_cancel_async (CoapUdp6Observation *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
        g_autoptr (GTask) task = NULL;

        g_return_if_fail (COAP_UDP6_IS_OBSERVATION (self));

        task = g_task_new (self, cancellable, callback, user_data);
        g_task_set_source_tag (task, coap_udp6_observation_cancel_async);
        if (self->ended || self->cancel_task != NULL) {
                g_task_return_boolean (task, TRUE);
                return;
        }
        end_with (self, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The observation was cancelled");
        self->cancel_task = g_steal_pointer (&task);
        if (!self->registering)
                send_deregistration (self);
}

/**
 * coap_udp6_observation_cancel_finish:
 * @self: a #CoapUdp6Observation
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Observation.cancel_async].
 *
 * Returns: %TRUE when the server answered the deregistration (or the
 *   observation had already ended), else %FALSE with the request's error
 *
 * Since: 1.0
 */
gboolean
coap_udp6_observation_cancel_finish (CoapUdp6Observation *self,
                                     GAsyncResult        *result,
                                     GError             **error)
{
        g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
        g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                              coap_udp6_observation_cancel_async, FALSE);

        return g_task_propagate_boolean (G_TASK (result), error);
}
