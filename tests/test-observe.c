/* test-observe.c: Observe (RFC 7641) on the client and the server, over
 * real sockets on ::1, against the library itself and a raw peer that
 * forges sequence numbers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"
#include "test-relay.h"
#include "coap-udp6-context-private.h"

#include <string.h>

/* An observable resource whose state is a number; "error" answers 4.00. */
#define TEST_TYPE_SENSOR (test_sensor_get_type ())
G_DECLARE_FINAL_TYPE (TestSensor, test_sensor, TEST, SENSOR, CoapUdp6Resource)

struct _TestSensor {
        CoapUdp6Resource parent_instance;
        guint value;
        gboolean error;
        gsize pad_to;                       /* a long representation: block-wise */
        guint renders;
};

G_DEFINE_FINAL_TYPE (TestSensor, test_sensor, COAP_UDP6_TYPE_RESOURCE)

static void
test_sensor_render (CoapUdp6Resource *resource,
                    CoapUdp6Request  *request)
{
        TestSensor *self = TEST_SENSOR (resource);
        g_autoptr (GString) text = g_string_new (NULL);
        g_autoptr (GBytes) payload = NULL;

        g_string_printf (text, "v%u", self->value);
        while (text->len < self->pad_to)
                g_string_append_c (text, '.');
        payload = g_bytes_new (text->str, text->len);

        self->renders++;
        if (self->error) {
                coap_udp6_request_respond_code (request, COAP_UDP6_CODE_BAD_REQUEST, NULL);
                return;
        }
        coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CONTENT, payload, 0);
}

static void
test_sensor_class_init (TestSensorClass *klass)
{
        COAP_UDP6_RESOURCE_CLASS (klass)->render = test_sensor_render;
}

static void
test_sensor_init (TestSensor *self)
{
        coap_udp6_resource_set_observable (COAP_UDP6_RESOURCE (self), TRUE);
}

typedef struct {
        GMainContext *main_context;
        CoapUdp6Context *server;
        CoapUdp6Context *client;
        TestSensor *sensor;
        GSocket *raw;                       /* a peer that speaks raw bytes */
        GSocketAddress *server_address;
        GSocketAddress *raw_address;
        GPtrArray *texts;                   /* payloads delivered, in order */
        GError *ended;
        gint64 fake_now;
} Fixture;

/* The Observe option, or -1 when absent. */
static gint64
observe_of (CoapUdp6Message *message)
{
        guint32 value;

        return coap_udp6_message_get_observe (message, &value) ? (gint64) value : -1;
}

static gint64
fake_clock (gpointer data)
{
        return ((Fixture *) data)->fake_now;
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
        g_autoptr (GError) error = NULL;

        f->main_context = test_main_context_push ();
        f->server = test_loopback_server_new (&f->server_address);
        f->client = coap_udp6_context_new_client (&error);
        g_assert_no_error (error);
        g_object_set (f->server, "ack-timeout", 0.05, "max-retransmit", 1, NULL);
        g_object_set (f->client, "ack-timeout", 0.05, "max-retransmit", 1, NULL);
        f->sensor = g_object_new (TEST_TYPE_SENSOR, NULL);
        coap_udp6_context_add_resource (f->server, "sensor", COAP_UDP6_RESOURCE (f->sensor));
        f->raw = test_raw_socket_new ();
        f->raw_address = g_socket_get_local_address (f->raw, NULL);
        f->texts = g_ptr_array_new_with_free_func (g_free);
        f->fake_now = 1000 * G_USEC_PER_SEC;
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        g_clear_object (&f->client);
        g_clear_object (&f->server);
        g_clear_object (&f->sensor);
        g_clear_object (&f->raw);
        g_clear_object (&f->raw_address);
        g_clear_object (&f->server_address);
        g_clear_pointer (&f->texts, g_ptr_array_unref);
        g_clear_error (&f->ended);
        test_main_context_pop (f->main_context);
}

static void
notification_cb (CoapUdp6Observation *observation,
                 CoapUdp6Message     *message,
                 Fixture             *f)
{
        GBytes *payload = coap_udp6_message_get_payload (message);

        g_ptr_array_add (f->texts, payload != NULL ? g_strndup (g_bytes_get_data (payload, NULL),
                                                                g_bytes_get_size (payload))
                                                   : g_strdup (""));
}

static void
ended_cb (CoapUdp6Observation *observation,
          const GError        *error,
          Fixture             *f)
{
        g_assert_null (f->ended);
        f->ended = g_error_copy (error);
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
        *(GAsyncResult **) data = g_object_ref (result);
}

static gboolean
have_result (gpointer data)
{
        return *(GAsyncResult **) data != NULL;
}

static CoapUdp6Observation *
observe (Fixture        *f,
         GSocketAddress *address,
         const char     *path)
{
        g_autoptr (CoapUdp6Message) request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                     COAP_UDP6_CODE_GET);
        g_autofree char *uri = NULL;
        g_autoptr (GError) error = NULL;
        CoapUdp6Observation *observation;

        uri = g_strdup_printf ("coap://[::1]:%u/%s",
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)), path);
        g_assert_true (coap_udp6_message_set_request_uri (request, uri, &error));
        g_assert_no_error (error);
        observation = coap_udp6_context_observe (f->client, request, NULL, &error);
        g_assert_no_error (error);
        g_signal_connect (observation, "notification", G_CALLBACK (notification_cb), f);
        g_signal_connect (observation, "ended", G_CALLBACK (ended_cb), f);
        return observation;
}

typedef struct {
        Fixture *f;
        guint n;
} WaitTexts;

static gboolean
have_texts (gpointer data)
{
        WaitTexts *w = data;

        return w->f->texts->len >= w->n;
}

static void
wait_texts (Fixture *f,
            guint    n)
{
        WaitTexts w = { f, n };

        g_assert_true (test_iterate_until (f->main_context, have_texts, &w, 5000));
}

static gboolean
has_ended (gpointer data)
{
        return ((Fixture *) data)->ended != NULL;
}

static void
wait_ended (Fixture *f)
{
        g_assert_true (test_iterate_until (f->main_context, has_ended, f, 5000));
}

static gboolean
no_observers (gpointer data)
{
        Fixture *f = data;

        return coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_OBSERVERS) == 0;
}

static gboolean
one_observer (gpointer data)
{
        Fixture *f = data;

        return coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_OBSERVERS) == 1;
}

static gboolean
no_transmissions (gpointer data)
{
        Fixture *f = data;

        return g_hash_table_size (f->server->transmissions) == 0;
}

static void
changed (Fixture *f)
{
        f->sensor->value++;
        coap_udp6_resource_changed (COAP_UDP6_RESOURCE (f->sensor));
}

/* The raw peer's next datagram, decoded; fails the test after 2 s. */
static CoapUdp6Message *
raw_recv (Fixture *f)
{
        return test_raw_recv_message (f->main_context, f->raw, 2000, NULL);
}

static void
raw_send (Fixture         *f,
          GSocketAddress  *to,
          CoapUdp6Message *message)
{
        test_raw_send_message (f->raw, to, message);
}

static GSocketAddress *
client_address (Fixture *f)
{
        g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);

        return g_inet_socket_address_new (lo, coap_udp6_context_get_local_port (f->client));
}

/* A notification from the raw peer acting as server. */
static void
raw_notify (Fixture             *f,
            CoapUdp6MessageType  mtype,
            guint                mid,
            GBytes              *token,
            gint64               observe,
            const char          *text)
{
        g_autoptr (CoapUdp6Message) message = coap_udp6_message_new (mtype, COAP_UDP6_CODE_CONTENT);
        g_autoptr (GBytes) payload = g_bytes_new (text, strlen (text));
        g_autoptr (GSocketAddress) to = client_address (f);

        coap_udp6_message_set_mid (message, mid);
        coap_udp6_message_set_token (message, token);
        if (observe >= 0)
                coap_udp6_message_set_observe (message, observe);
        coap_udp6_message_set_payload (message, payload);
        raw_send (f, to, message);
}

/* Observes the raw peer; returns the registration it received. */
static CoapUdp6Message *
observe_raw (Fixture              *f,
             CoapUdp6Observation **observation)
{
        CoapUdp6Message *registration;

        /* The raw peer answers by hand: no retransmission in between. */
        g_object_set (f->client, "ack-timeout", 2.0, NULL);
        *observation = observe (f, f->raw_address, "obs");
        registration = raw_recv (f);
        g_assert_cmpint (coap_udp6_message_get_code (registration), ==, COAP_UDP6_CODE_GET);
        g_assert_cmpint (observe_of (registration), ==, 0);
        return registration;
}

static void
test_observe_round_trip (Fixture      *f,
                         gconstpointer data)
{
        g_autoptr (CoapUdp6Observation) observation = NULL;
        g_autoptr (GAsyncResult) result = NULL;
        g_autoptr (GError) error = NULL;
        g_autofree char *text = NULL;

        g_test_summary ("A client of the library observes a resource of the library: the "
                        "registration's answer and one notification per changed() call, in "
                        "order, latest-text follows, and cancel_async deregisters (§3.6)");
        observation = observe (f, f->server_address, "sensor");
        wait_texts (f, 1);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_OBSERVERS), ==, 1);
        for (guint i = 0; i < 3; i++) {
                changed (f);
                wait_texts (f, i + 2);
        }
        g_assert_cmpstr (g_ptr_array_index (f->texts, 0), ==, "v0");
        g_assert_cmpstr (g_ptr_array_index (f->texts, 3), ==, "v3");
        g_object_get (observation, "latest-text", &text, NULL);
        g_assert_cmpstr (text, ==, "v3");
        g_assert_cmpuint (coap_udp6_observation_get_n_notifications (observation), ==, 4);
        g_assert_cmpint (observe_of (coap_udp6_observation_get_latest (observation)), ==, 3);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_NOTIFICATIONS_SENT), ==, 3);

        coap_udp6_observation_cancel_async (observation, NULL, store_result_cb, &result);
        g_assert_false (coap_udp6_observation_get_active (observation));
        g_assert_error (f->ended, G_IO_ERROR, G_IO_ERROR_CANCELLED);
        g_assert_true (test_iterate_until (f->main_context, have_result, &result, 5000));
        g_assert_true (coap_udp6_observation_cancel_finish (observation, result, &error));
        g_assert_no_error (error);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_OBSERVERS), ==, 0);
        /* Nothing more is delivered. */
        changed (f);
        test_iterate_for (f->main_context, 50);
        g_assert_cmpuint (f->texts->len, ==, 4);
}

static void
test_observe_forget (Fixture      *f,
                     gconstpointer data)
{
        g_autoptr (CoapUdp6Observation) observation = NULL;

        g_test_summary ("Forgetting sends nothing; the next notification gets a Reset from "
                        "the client, which removes the observer on the server (§3.6)");
        observation = observe (f, f->server_address, "sensor");
        wait_texts (f, 1);
        coap_udp6_observation_forget (observation);
        g_assert_error (f->ended, G_IO_ERROR, G_IO_ERROR_CANCELLED);
        g_assert_true (one_observer (f));
        changed (f);
        g_assert_true (test_iterate_until (f->main_context, no_observers, f, 5000));
        g_assert_cmpuint (f->texts->len, ==, 1);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->client, COAP_UDP6_STATISTIC_RESETS_SENT), ==, 1);
}

static void
test_observe_dispose_forgets (Fixture      *f,
                              gconstpointer data)
{
        CoapUdp6Observation *observation;

        g_test_summary ("The last reference dropped forgets the observation: the next "
                        "notification is answered with a Reset");
        observation = observe (f, f->server_address, "sensor");
        wait_texts (f, 1);
        g_object_unref (observation);
        g_assert_error (f->ended, G_IO_ERROR, G_IO_ERROR_CANCELLED);
        changed (f);
        g_assert_true (test_iterate_until (f->main_context, no_observers, f, 5000));
}

static void
test_observe_ordering (Fixture      *f,
                       gconstpointer data)
{
        g_autoptr (CoapUdp6Observation) observation = NULL;
        g_autoptr (CoapUdp6Message) registration = NULL;
        g_autoptr (CoapUdp6Message) ack = NULL;
        g_autoptr (GBytes) payload = g_bytes_new_static ("a", 1);
        GBytes *token;

        g_test_summary ("Forged sequence numbers from a raw server: older ones within the "
                        "128 s window are dropped (§3.4); CON notifications are acknowledged");
        registration = observe_raw (f, &observation);
        token = coap_udp6_message_get_token (registration);
        ack = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK, COAP_UDP6_CODE_CONTENT);
        coap_udp6_message_set_mid (ack, coap_udp6_message_get_mid (registration));
        coap_udp6_message_set_token (ack, token);
        coap_udp6_message_set_observe (ack, 5);
        coap_udp6_message_set_payload (ack, payload);
        {
                g_autoptr (GSocketAddress) to = client_address (f);

                raw_send (f, to, ack);
        }
        wait_texts (f, 1);
        raw_notify (f, COAP_UDP6_MESSAGE_TYPE_NON, 0x100, token, 7, "b");
        wait_texts (f, 2);
        raw_notify (f, COAP_UDP6_MESSAGE_TYPE_NON, 0x101, token, 6, "stale");
        raw_notify (f, COAP_UDP6_MESSAGE_TYPE_CON, 0x102, token, 8, "c");
        {
                g_autoptr (CoapUdp6Message) answer = raw_recv (f);

                g_assert_cmpint (coap_udp6_message_get_mtype (answer), ==, COAP_UDP6_MESSAGE_TYPE_ACK);
                g_assert_cmpint (coap_udp6_message_get_mid (answer), ==, 0x102);
        }
        wait_texts (f, 3);
        g_assert_cmpstr (g_ptr_array_index (f->texts, 1), ==, "b");
        g_assert_cmpstr (g_ptr_array_index (f->texts, 2), ==, "c");
        g_assert_cmpuint (f->texts->len, ==, 3);
        g_assert_null (f->ended);
}

static void
test_observe_wraparound (Fixture      *f,
                         gconstpointer data)
{
        g_autoptr (CoapUdp6Observation) observation = NULL;
        g_autoptr (CoapUdp6Message) registration = NULL;
        const gint64 sequence[] = { 0xfffffe, 0xffffff, 0, 1, 0x7fffff };
        GBytes *token;

        g_test_summary ("The 24-bit sequence number wrapping around never stops delivery; "
                        "a jump of half the space or more is older unless 128 s passed");
        coap_udp6_context_set_clock (f->client, fake_clock, f);
        registration = observe_raw (f, &observation);
        token = coap_udp6_message_get_token (registration);
        for (guint i = 0; i < G_N_ELEMENTS (sequence); i++) {
                g_autofree char *text = g_strdup_printf ("%u", i);

                raw_notify (f, COAP_UDP6_MESSAGE_TYPE_NON, 0x200 + i, token, sequence[i], text);
                wait_texts (f, i + 1);
        }
        /* 0x800001 is more than 2^23 ahead of 1... of 0x7fffff it is 2 ahead. */
        raw_notify (f, COAP_UDP6_MESSAGE_TYPE_NON, 0x210, token, 0x7ffffe, "older");
        test_iterate_for (f->main_context, 50);
        g_assert_cmpuint (f->texts->len, ==, G_N_ELEMENTS (sequence));
        /* After 128 s any number is newer. */
        f->fake_now += 129 * G_USEC_PER_SEC;
        raw_notify (f, COAP_UDP6_MESSAGE_TYPE_NON, 0x211, token, 0x7ffffe, "late");
        wait_texts (f, G_N_ELEMENTS (sequence) + 1);
        g_assert_cmpstr (g_ptr_array_index (f->texts, f->texts->len - 1), ==, "late");
}

static void
test_observe_unknown_reset (Fixture      *f,
                            gconstpointer data)
{
        g_autoptr (GBytes) token = g_bytes_new_static ("\x01\x02\x03", 3);
        g_autoptr (CoapUdp6Message) answer = NULL;

        g_test_summary ("A NON notification for an observation the client does not have "
                        "gets a Reset (§3.6)");
        raw_notify (f, COAP_UDP6_MESSAGE_TYPE_NON, 0x300, token, 4, "x");
        answer = raw_recv (f);
        g_assert_cmpint (coap_udp6_message_get_mtype (answer), ==, COAP_UDP6_MESSAGE_TYPE_RST);
        g_assert_cmpint (coap_udp6_message_get_mid (answer), ==, 0x300);
}

static void
test_observe_not_observable (Fixture      *f,
                             gconstpointer data)
{
        g_autoptr (CoapUdp6Observation) observation = NULL;

        g_test_summary ("A resource that is not observable answers without Observe: the "
                        "answer is delivered, then the observation ends with NOT_OBSERVED");
        coap_udp6_resource_set_observable (COAP_UDP6_RESOURCE (f->sensor), FALSE);
        observation = observe (f, f->server_address, "sensor");
        wait_ended (f);
        g_assert_error (f->ended, COAP_UDP6_ERROR, COAP_UDP6_ERROR_NOT_OBSERVED);
        g_assert_cmpuint (f->texts->len, ==, 1);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_OBSERVERS), ==, 0);
}

static void
test_observe_error_ends (Fixture      *f,
                         gconstpointer data)
{
        g_autoptr (CoapUdp6Observation) observation = NULL;

        g_test_summary ("An error notification ends the observation on both sides (§4.2)");
        observation = observe (f, f->server_address, "sensor");
        wait_texts (f, 1);
        f->sensor->error = TRUE;
        changed (f);
        wait_ended (f);
        g_assert_error (f->ended, COAP_UDP6_ERROR, COAP_UDP6_ERROR_NOT_OBSERVED);
        g_assert_nonnull (strstr (f->ended->message, "4.00"));
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_OBSERVERS), ==, 0);
}

static void
test_observe_remove_resource (Fixture      *f,
                              gconstpointer data)
{
        g_autoptr (CoapUdp6Observation) observation = NULL;

        g_test_summary ("Removing an observed resource ends its observations with 4.04");
        observation = observe (f, f->server_address, "sensor");
        wait_texts (f, 1);
        g_assert_true (coap_udp6_context_remove_resource (f->server, "sensor"));
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_OBSERVERS), ==, 0);
        wait_ended (f);
        g_assert_error (f->ended, COAP_UDP6_ERROR, COAP_UDP6_ERROR_NOT_OBSERVED);
        g_assert_nonnull (strstr (f->ended->message, "4.04"));
}

static void
shutdown_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
        *(gboolean *) data = coap_udp6_context_shutdown_finish (COAP_UDP6_CONTEXT (source), result, NULL);
}

static void
test_observe_server_shutdown (Fixture      *f,
                              gconstpointer data)
{
        g_autoptr (CoapUdp6Observation) observation = NULL;
        gboolean done = FALSE;

        g_test_summary ("The server's shutdown ends its observations: the client is told (5.03)");
        observation = observe (f, f->server_address, "sensor");
        wait_texts (f, 1);
        coap_udp6_context_shutdown_async (f->server, NULL, shutdown_cb, &done);
        wait_ended (f);
        g_assert_error (f->ended, COAP_UDP6_ERROR, COAP_UDP6_ERROR_NOT_OBSERVED);
        g_assert_nonnull (strstr (f->ended->message, "5.03"));
        g_assert_true (test_iterate_until_flag (f->main_context, &done, 5000));
}

static void
test_observe_client_shutdown (Fixture      *f,
                              gconstpointer data)
{
        g_autoptr (CoapUdp6Observation) observation = NULL;
        gboolean done = FALSE;

        g_test_summary ("The client's shutdown ends its observations with SHUT_DOWN");
        observation = observe (f, f->server_address, "sensor");
        wait_texts (f, 1);
        coap_udp6_context_shutdown_async (f->client, NULL, shutdown_cb, &done);
        g_assert_error (f->ended, COAP_UDP6_ERROR, COAP_UDP6_ERROR_SHUT_DOWN);
        g_assert_true (test_iterate_until_flag (f->main_context, &done, 5000));
}

static void
test_observe_cancellable (Fixture      *f,
                          gconstpointer data)
{
        g_autoptr (CoapUdp6Observation) observation = NULL;
        g_autoptr (CoapUdp6Message) request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                     COAP_UDP6_CODE_GET);
        g_autoptr (GCancellable) cancellable = g_cancellable_new ();
        g_autoptr (GError) error = NULL;
        g_autofree char *uri = NULL;

        g_test_summary ("Cancelling the cancellable given to observe() ends it with CANCELLED; "
                        "a POST cannot observe and sends nothing");
        uri = g_strdup_printf ("coap://[::1]:%u/sensor", coap_udp6_context_get_local_port (f->server));
        g_assert_true (coap_udp6_message_set_request_uri (request, uri, NULL));
        coap_udp6_message_set_code (request, COAP_UDP6_CODE_POST);
        g_assert_null (coap_udp6_context_observe (f->client, request, NULL, &error));
        g_assert_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_INVALID_MESSAGE);
        coap_udp6_message_set_code (request, COAP_UDP6_CODE_GET);
        observation = coap_udp6_context_observe (f->client, request, cancellable, NULL);
        g_signal_connect (observation, "notification", G_CALLBACK (notification_cb), f);
        g_signal_connect (observation, "ended", G_CALLBACK (ended_cb), f);
        wait_texts (f, 1);
        g_cancellable_cancel (cancellable);
        wait_ended (f);
        g_assert_error (f->ended, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_observe_reregister (Fixture      *f,
                         gconstpointer data)
{
        g_autoptr (CoapUdp6Observation) observation = NULL;
        g_autoptr (CoapUdp6Message) registration = NULL;
        g_autoptr (CoapUdp6Message) again = NULL;
        GBytes *token;

        g_test_summary ("When Max-Age of the last notification runs out, the client "
                        "registers again with the same token (§3.3.1), on the injected clock");
        coap_udp6_context_set_clock (f->client, fake_clock, f);
        registration = observe_raw (f, &observation);
        token = coap_udp6_message_get_token (registration);
        {
                g_autoptr (CoapUdp6Message) ack = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK,
                                                                         COAP_UDP6_CODE_CONTENT);
                g_autoptr (GSocketAddress) to = client_address (f);

                coap_udp6_message_set_mid (ack, coap_udp6_message_get_mid (registration));
                coap_udp6_message_set_token (ack, token);
                coap_udp6_message_set_observe (ack, 1);
                coap_udp6_message_set_max_age (ack, 5);
                raw_send (f, to, ack);
        }
        wait_texts (f, 1);
        f->fake_now += 4 * G_USEC_PER_SEC;
        coap_udp6_context_run_due_timers (f->client);
        g_assert_null (test_raw_recv_hex (f->main_context, f->raw, 50));
        f->fake_now += 2 * G_USEC_PER_SEC;
        coap_udp6_context_run_due_timers (f->client);
        again = raw_recv (f);
        g_assert_cmpint (coap_udp6_message_get_code (again), ==, COAP_UDP6_CODE_GET);
        g_assert_cmpint (observe_of (again), ==, 0);
        g_assert_true (g_bytes_equal (coap_udp6_message_get_token (again), token));
        g_assert_cmpuint (coap_udp6_message_get_mid (again), !=, coap_udp6_message_get_mid (registration));
}

static void
test_observe_registration_reset (Fixture      *f,
                                 gconstpointer data)
{
        g_autoptr (CoapUdp6Observation) observation = NULL;
        g_autoptr (CoapUdp6Message) registration = NULL;
        g_autoptr (CoapUdp6Message) reset = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_RST,
                                                                   COAP_UDP6_CODE_EMPTY);
        g_autoptr (GSocketAddress) to = client_address (f);

        g_test_summary ("A registration answered with a Reset ends the observation with RESET");
        registration = observe_raw (f, &observation);
        coap_udp6_message_set_mid (reset, coap_udp6_message_get_mid (registration));
        raw_send (f, to, reset);
        wait_ended (f);
        g_assert_error (f->ended, COAP_UDP6_ERROR, COAP_UDP6_ERROR_RESET);
        g_assert_cmpuint (f->texts->len, ==, 0);
}

static void
test_observe_registration_timeout (Fixture      *f,
                                   gconstpointer data)
{
        g_autoptr (CoapUdp6Observation) observation = NULL;

        g_test_summary ("A registration nobody answers ends the observation with TIMEOUT");
        g_object_set (f->client, "ack-timeout", 0.02, NULL);
        observation = observe (f, f->raw_address, "obs");
        wait_ended (f);
        g_assert_error (f->ended, COAP_UDP6_ERROR, COAP_UDP6_ERROR_TIMEOUT);
}

static void
test_observe_server_gone (Fixture      *f,
                          gconstpointer data)
{
        g_autoptr (CoapUdp6Observation) observation = NULL;
        g_autoptr (CoapUdp6Message) registration = NULL;
        g_autoptr (CoapUdp6Message) ack = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK,
                                                                 COAP_UDP6_CODE_CONTENT);
        g_autoptr (GSocketAddress) to = client_address (f);
        g_autoptr (GBytes) token = NULL;

        g_test_summary ("When the server's port is closed, the ICMP error that answers the "
                        "client's ACK ends the observation");
        registration = observe_raw (f, &observation);
        token = g_bytes_ref (coap_udp6_message_get_token (registration));
        coap_udp6_message_set_mid (ack, coap_udp6_message_get_mid (registration));
        coap_udp6_message_set_token (ack, token);
        coap_udp6_message_set_observe (ack, 1);
        raw_send (f, to, ack);
        wait_texts (f, 1);
        /* A CON notification, then the port closes before the ACK lands. */
        raw_notify (f, COAP_UDP6_MESSAGE_TYPE_CON, 0x800, token, 2, "x");
        g_socket_close (f->raw, NULL);
        wait_ended (f);
        g_assert_error (f->ended, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_observe_lossy (Fixture      *f,
                    gconstpointer data)
{
        g_autoptr (TestRelay) relay = NULL;
        g_autoptr (CoapUdp6Observation) observation = NULL;
        g_autoptr (GInetSocketAddress) relay_address = NULL;

        g_test_summary ("Through a relay that drops 20 % of the datagrams each way, CON "
                        "notifications are retransmitted until acknowledged, a lost ACK does "
                        "not deliver a notification twice, and every value arrives in order");
        g_object_set (f->server, "max-non-notifications", 0, "ack-timeout", 0.02, "max-retransmit", 6, NULL);
        g_object_set (f->client, "ack-timeout", 0.02, "max-retransmit", 6, NULL);
        relay = test_relay_new (f->main_context, f->server_address, 0.2, 7641);
        relay_address = g_object_ref (test_relay_get_address (relay));
        observation = observe (f, G_SOCKET_ADDRESS (relay_address), "sensor");
        wait_texts (f, 1);
        for (guint i = 1; i <= 10; i++) {
                changed (f);
                wait_texts (f, i + 1);
        }
        test_iterate_for (f->main_context, 100);
        g_assert_cmpuint (f->texts->len, ==, 11);
        for (guint i = 0; i <= 10; i++) {
                g_autofree char *expected = g_strdup_printf ("v%u", i);

                g_assert_cmpstr (g_ptr_array_index (f->texts, i), ==, expected);
        }
        g_assert_null (f->ended);
        g_assert_true (one_observer (f));
        g_assert_cmpuint (test_relay_get_dropped (relay), >, 0);
}

static void
test_observe_blockwise (Fixture      *f,
                        gconstpointer data)
{
        g_autoptr (CoapUdp6Observation) observation = NULL;
        GBytes *payload;
        guint32 sequence;

        g_test_summary ("A notification longer than a block is sent as its first block and "
                        "completed with a GET without Observe (RFC 7959 §3.4); the follow-up "
                        "requests register no other observer");
        f->sensor->pad_to = 3000;
        observation = observe (f, f->server_address, "sensor");
        wait_texts (f, 1);
        g_assert_cmpuint (strlen (g_ptr_array_index (f->texts, 0)), ==, 3000);
        g_assert_true (g_str_has_prefix (g_ptr_array_index (f->texts, 0), "v0."));
        g_assert_true (one_observer (f));
        for (guint i = 1; i <= 2; i++) {
                g_autofree char *prefix = g_strdup_printf ("v%u.", i);

                changed (f);
                wait_texts (f, i + 1);
                g_assert_cmpuint (strlen (g_ptr_array_index (f->texts, i)), ==, 3000);
                g_assert_true (g_str_has_prefix (g_ptr_array_index (f->texts, i), prefix));
        }
        g_assert_true (coap_udp6_message_get_observe (coap_udp6_observation_get_latest (observation), &sequence));
        g_assert_cmpuint (sequence, ==, 2);
        payload = coap_udp6_message_get_payload (coap_udp6_observation_get_latest (observation));
        g_assert_cmpuint (g_bytes_get_size (payload), ==, 3000);
        test_iterate_for (f->main_context, 50);
        g_assert_true (one_observer (f));
        g_assert_null (f->ended);
}

/* The raw peer as a client: registers with token 0x0a. */
static CoapUdp6Message *
raw_register (Fixture *f,
              guint    mid)
{
        g_autoptr (CoapUdp6Message) request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                     COAP_UDP6_CODE_GET);
        g_autoptr (GBytes) token = g_bytes_new_static ("\x0a", 1);
        g_autoptr (GBytes) path = g_bytes_new_static ("sensor", 6);
        CoapUdp6Message *answer;

        coap_udp6_message_set_mid (request, mid);
        coap_udp6_message_set_token (request, token);
        coap_udp6_message_set_observe (request, 0);
        coap_udp6_message_add_option (request, COAP_UDP6_OPTION_URI_PATH, path);
        raw_send (f, f->server_address, request);
        answer = raw_recv (f);
        g_assert_cmpint (coap_udp6_message_get_mtype (answer), ==, COAP_UDP6_MESSAGE_TYPE_ACK);
        g_assert_cmpint (coap_udp6_message_get_code (answer), ==, COAP_UDP6_CODE_CONTENT);
        return answer;
}

static void
test_observe_con_every_n (Fixture      *f,
                          gconstpointer data)
{
        g_autoptr (CoapUdp6Message) answer = NULL;
        CoapUdp6MessageType expected[] = { COAP_UDP6_MESSAGE_TYPE_NON, COAP_UDP6_MESSAGE_TYPE_NON,
                                           COAP_UDP6_MESSAGE_TYPE_CON, COAP_UDP6_MESSAGE_TYPE_NON };
        gint64 last;

        g_test_summary ("Notifications are NON with a CON after max-non-notifications; "
                        "sequence numbers strictly increase; the server's token is the "
                        "registration's");
        g_object_set (f->server, "max-non-notifications", 2, "ack-timeout", 2.0, NULL);
        answer = raw_register (f, 0x400);
        last = observe_of (answer);
        g_assert_cmpint (last, >=, 0);
        for (guint i = 0; i < G_N_ELEMENTS (expected); i++) {
                g_autoptr (CoapUdp6Message) notification = NULL;

                changed (f);
                notification = raw_recv (f);
                g_assert_cmpint (coap_udp6_message_get_mtype (notification), ==, expected[i]);
                g_assert_cmpint (observe_of (notification), >, last);
                g_assert_true (g_bytes_equal (coap_udp6_message_get_token (notification),
                                              coap_udp6_message_get_token (answer)));
                last = observe_of (notification);
                if (expected[i] == COAP_UDP6_MESSAGE_TYPE_CON) {
                        g_autoptr (CoapUdp6Message) ack = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK,
                                                                                 COAP_UDP6_CODE_EMPTY);

                        coap_udp6_message_set_mid (ack, coap_udp6_message_get_mid (notification));
                        raw_send (f, f->server_address, ack);
                        g_assert_true (test_iterate_until (f->main_context, no_transmissions, f, 5000));
                }
        }
        test_iterate_for (f->main_context, 20);
        g_assert_true (one_observer (f));
}

static void
test_observe_reset_removes (Fixture      *f,
                            gconstpointer data)
{
        g_autoptr (CoapUdp6Message) answer = NULL;
        g_autoptr (CoapUdp6Message) notification = NULL;
        g_autoptr (CoapUdp6Message) reset = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_RST,
                                                                   COAP_UDP6_CODE_EMPTY);

        g_test_summary ("A Reset to a NON notification removes the observer (§3.6)");
        answer = raw_register (f, 0x500);
        g_assert_true (one_observer (f));
        changed (f);
        notification = raw_recv (f);
        coap_udp6_message_set_mid (reset, coap_udp6_message_get_mid (notification));
        raw_send (f, f->server_address, reset);
        g_assert_true (test_iterate_until (f->main_context, no_observers, f, 5000));
}

static void
test_observe_con_timeout_removes (Fixture      *f,
                                  gconstpointer data)
{
        g_autoptr (CoapUdp6Message) answer = NULL;

        g_test_summary ("A CON notification never acknowledged removes the observer (§4.5); "
                        "a newer one replaces it while it is retransmitted (§4.5.2)");
        g_object_set (f->server, "max-non-notifications", 0, NULL);
        answer = raw_register (f, 0x600);
        changed (f);
        changed (f);
        g_assert_cmpuint (g_hash_table_size (f->server->transmissions), ==, 1);
        g_assert_true (test_iterate_until (f->main_context, no_observers, f, 5000));
        g_assert_cmpuint (g_hash_table_size (f->server->transmissions), ==, 0);
}

static gboolean
change_cb (gpointer data)
{
        changed (data);
        return G_SOURCE_CONTINUE;
}

static void
test_observe_fast_changes_remove (Fixture      *f,
                                  gconstpointer data)
{
        g_autoptr (CoapUdp6Message) answer = NULL;
        g_autoptr (GSource) ticks = g_timeout_source_new (10);

        gint64 first = -1, last = -1;
        guint64 notified;
        guint sent = 0, fresh = 0;

        g_test_summary ("A resource that changes faster than ACK_TIMEOUT still finds an "
                        "observer that never acknowledges: each newer CON carries on with "
                        "the retransmission counter and timeout of the one it replaces "
                        "(RFC 7641 §4.5.2), and goes out in its retransmission, not at once "
                        "(one CON in flight, RFC 7252 §4.7)");
        /* ACK_TIMEOUT 50 ms, 4 retransmissions: MAX_TRANSMIT_WAIT about 2.3 s. */
        g_object_set (f->server, "max-non-notifications", 0, "max-retransmit", 4, NULL);
        answer = raw_register (f, 0x680);
        notified = coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_NOTIFICATIONS_SENT);
        g_source_set_callback (ticks, change_cb, f, NULL);
        g_source_attach (ticks, f->main_context);
        g_assert_true (test_iterate_until (f->main_context, no_observers, f, 6000));
        g_source_destroy (ticks);
        g_assert_cmpuint (g_hash_table_size (f->server->transmissions), ==, 0);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_RETRANSMISSIONS),
                          ==, 4);
        /* The first CON and its four retransmissions, each with the newest
         * state: five datagrams in 2.3 s of changes every 10 ms. */
        while (g_socket_condition_check (f->raw, G_IO_IN) & G_IO_IN) {
                g_autoptr (CoapUdp6Message) notification = raw_recv (f);

                g_assert_cmpint (coap_udp6_message_get_mtype (notification), ==,
                                 COAP_UDP6_MESSAGE_TYPE_CON);
                g_assert_cmpint (observe_of (notification), >=, last);
                if (first < 0)
                        first = observe_of (notification);
                if (observe_of (notification) > last)
                        fresh++;
                last = observe_of (notification);
                sent++;
        }
        g_assert_cmpuint (sent, ==, 5);
        g_assert_cmpint (last, >, first);
        /* A retransmission that carries a newer notification counts both. */
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_NOTIFICATIONS_SENT),
                          ==, notified + fresh);
}

static void
test_observe_replacement_waits (Fixture      *f,
                                gconstpointer data)
{
        g_autoptr (CoapUdp6Message) answer = NULL;
        g_autoptr (CoapUdp6Message) first = NULL;
        g_autoptr (CoapUdp6Message) newer = NULL;
        g_autoptr (CoapUdp6Message) ack = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK,
                                                                 COAP_UDP6_CODE_EMPTY);
        guint64 notified;
        gint64 sent_at;

        g_test_summary ("A change while a CON notification waits for its ACK is held back, "
                        "and sent as soon as the ACK comes: one CON in flight to an observer "
                        "(RFC 7252 §4.7), the newest state delivered (RFC 7641 §4.5.2)");
        g_object_set (f->server, "max-non-notifications", 0, "ack-timeout", 2.0, NULL);
        answer = raw_register (f, 0x690);
        changed (f);
        first = raw_recv (f);
        g_assert_cmpint (coap_udp6_message_get_mtype (first), ==, COAP_UDP6_MESSAGE_TYPE_CON);
        notified = coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_NOTIFICATIONS_SENT);
        changed (f);
        changed (f);
        g_assert_null (test_raw_recv_hex (f->main_context, f->raw, 100));
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_NOTIFICATIONS_SENT),
                          ==, notified);
        coap_udp6_message_set_mid (ack, coap_udp6_message_get_mid (first));
        sent_at = g_get_monotonic_time ();
        raw_send (f, f->server_address, ack);
        newer = raw_recv (f);
        /* Long before the first retransmission (2 to 3 s). */
        g_assert_cmpint (g_get_monotonic_time () - sent_at, <, G_USEC_PER_SEC);
        g_assert_cmpint (coap_udp6_message_get_mtype (newer), ==, COAP_UDP6_MESSAGE_TYPE_CON);
        g_assert_cmpuint (coap_udp6_message_get_mid (newer), !=, coap_udp6_message_get_mid (first));
        g_assert_cmpint (observe_of (newer), >, observe_of (first));
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_NOTIFICATIONS_SENT),
                          ==, notified + 1);
        g_assert_cmpuint (f->sensor->value, ==, 3);
        g_assert_cmpmem (g_bytes_get_data (coap_udp6_message_get_payload (newer), NULL),
                         g_bytes_get_size (coap_udp6_message_get_payload (newer)), "v3", 2);
        coap_udp6_message_set_mid (ack, coap_udp6_message_get_mid (newer));
        raw_send (f, f->server_address, ack);
        g_assert_true (test_iterate_until (f->main_context, no_transmissions, f, 5000));
        g_assert_null (test_raw_recv_hex (f->main_context, f->raw, 50));
        g_assert_true (one_observer (f));
}

static void
test_observe_plain_get_removes (Fixture      *f,
                                gconstpointer data)
{
        g_autoptr (CoapUdp6Message) answer = NULL;
        g_autoptr (CoapUdp6Message) request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                     COAP_UDP6_CODE_GET);
        g_autoptr (CoapUdp6Message) reply = NULL;
        g_autoptr (GBytes) token = g_bytes_new_static ("\x0a", 1);
        g_autoptr (GBytes) path = g_bytes_new_static ("sensor", 6);

        g_test_summary ("A GET without Observe from the same endpoint and token removes the "
                        "observer; re-registering does not add a second one");
        answer = raw_register (f, 0x700);
        g_clear_object (&answer);
        answer = raw_register (f, 0x701);
        g_assert_true (one_observer (f));
        coap_udp6_message_set_mid (request, 0x702);
        coap_udp6_message_set_token (request, token);
        coap_udp6_message_add_option (request, COAP_UDP6_OPTION_URI_PATH, path);
        raw_send (f, f->server_address, request);
        reply = raw_recv (f);
        g_assert_cmpint (observe_of (reply), ==, -1);
        g_assert_true (no_observers (f));
}

static void
test_observe_limits (Fixture      *f,
                     gconstpointer data)
{
        g_autoptr (CoapUdp6Observation) first = NULL;
        g_autoptr (CoapUdp6Observation) second = NULL;

        g_test_summary ("Beyond max-observers-per-resource a registration is answered "
                        "without Observe and counted");
        g_object_set (f->server, "max-observers-per-resource", 1, NULL);
        first = observe (f, f->server_address, "sensor");
        wait_texts (f, 1);
        g_signal_handlers_disconnect_by_data (first, f);
        second = observe (f, f->server_address, "sensor");
        wait_ended (f);
        g_assert_error (f->ended, COAP_UDP6_ERROR, COAP_UDP6_ERROR_NOT_OBSERVED);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_OBSERVERS), ==, 1);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_OBSERVERS_REJECTED), ==, 1);
        g_assert_true (coap_udp6_observation_get_active (first));
}

static void
test_observe_con_every_day (Fixture      *f,
                            gconstpointer data)
{
        g_autoptr (CoapUdp6Message) answer = NULL;
        struct { gint64 advance; CoapUdp6MessageType mtype; } steps[] = {
                { 0, COAP_UDP6_MESSAGE_TYPE_NON },
                { 24 * G_TIME_SPAN_HOUR - G_TIME_SPAN_SECOND, COAP_UDP6_MESSAGE_TYPE_NON },
                { 2 * G_TIME_SPAN_SECOND, COAP_UDP6_MESSAGE_TYPE_CON },
                { G_TIME_SPAN_SECOND, COAP_UDP6_MESSAGE_TYPE_NON },
        };

        g_test_summary ("However many NON notifications max-non-notifications allows, one "
                        "sent 24 hours after the last CON is a CON (RFC 7641 §4.5), on the "
                        "injected clock");
        coap_udp6_context_set_clock (f->server, fake_clock, f);
        g_object_set (f->server, "max-non-notifications", G_MAXUINT, NULL);
        answer = raw_register (f, 0x780);
        for (guint i = 0; i < G_N_ELEMENTS (steps); i++) {
                g_autoptr (CoapUdp6Message) notification = NULL;

                f->fake_now += steps[i].advance;
                changed (f);
                notification = raw_recv (f);
                g_assert_cmpint (coap_udp6_message_get_mtype (notification), ==, steps[i].mtype);
                if (steps[i].mtype == COAP_UDP6_MESSAGE_TYPE_CON) {
                        g_autoptr (CoapUdp6Message) ack = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK,
                                                                                 COAP_UDP6_CODE_EMPTY);

                        coap_udp6_message_set_mid (ack, coap_udp6_message_get_mid (notification));
                        raw_send (f, f->server_address, ack);
                        g_assert_true (test_iterate_until (f->main_context, no_transmissions, f, 5000));
                }
        }
        g_assert_true (one_observer (f));
}

static void
test_observe_total_limit (Fixture      *f,
                          gconstpointer data)
{
        g_autoptr (TestSensor) other = g_object_new (TEST_TYPE_SENSOR, NULL);
        g_autoptr (CoapUdp6Observation) first = NULL;
        g_autoptr (CoapUdp6Observation) second = NULL;

        g_test_summary ("Beyond max-observers in all, a registration for another resource is "
                        "answered without Observe and counted; the observer before it stays");
        coap_udp6_context_add_resource (f->server, "other", COAP_UDP6_RESOURCE (other));
        g_object_set (f->server, "max-observers", 1, NULL);
        first = observe (f, f->server_address, "sensor");
        wait_texts (f, 1);
        g_signal_handlers_disconnect_by_data (first, f);
        second = observe (f, f->server_address, "other");
        wait_ended (f);
        g_assert_error (f->ended, COAP_UDP6_ERROR, COAP_UDP6_ERROR_NOT_OBSERVED);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_OBSERVERS), ==, 1);
        g_assert_cmpuint (coap_udp6_context_get_statistic (f->server, COAP_UDP6_STATISTIC_OBSERVERS_REJECTED), ==, 1);
        g_assert_true (coap_udp6_observation_get_active (first));
}

int
main (int   argc,
      char *argv[])
{
        test_init (&argc, &argv);
        if (!test_have_ipv6 ()) {
                g_test_skip ("no IPv6 loopback");
                return g_test_run ();
        }

#define ADD(name, func) g_test_add ("/observe/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
        ADD ("round-trip", test_observe_round_trip);
        ADD ("forget", test_observe_forget);
        ADD ("dispose-forgets", test_observe_dispose_forgets);
        ADD ("ordering", test_observe_ordering);
        ADD ("wraparound", test_observe_wraparound);
        ADD ("unknown-reset", test_observe_unknown_reset);
        ADD ("not-observable", test_observe_not_observable);
        ADD ("error-ends", test_observe_error_ends);
        ADD ("remove-resource", test_observe_remove_resource);
        ADD ("server-shutdown", test_observe_server_shutdown);
        ADD ("client-shutdown", test_observe_client_shutdown);
        ADD ("cancellable", test_observe_cancellable);
        ADD ("reregister", test_observe_reregister);
        ADD ("registration-reset", test_observe_registration_reset);
        ADD ("registration-timeout", test_observe_registration_timeout);
        ADD ("server-gone", test_observe_server_gone);
        ADD ("con-every-n", test_observe_con_every_n);
        ADD ("reset-removes", test_observe_reset_removes);
        ADD ("con-timeout-removes", test_observe_con_timeout_removes);
        ADD ("fast-changes-remove", test_observe_fast_changes_remove);
        ADD ("replacement-waits", test_observe_replacement_waits);
        ADD ("con-every-day", test_observe_con_every_day);
        ADD ("total-limit", test_observe_total_limit);
        ADD ("plain-get-removes", test_observe_plain_get_removes);
        ADD ("limits", test_observe_limits);
        ADD ("lossy", test_observe_lossy);
        ADD ("blockwise", test_observe_blockwise);
#undef ADD
        return g_test_run ();
}
