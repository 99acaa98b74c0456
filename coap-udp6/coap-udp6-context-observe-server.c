/* coap-udp6-context-observe-server.c: the observers of a server
 * context's resources (RFC 7641 §4)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-observer-private.h"
#include "coap-udp6-request-private.h"
#include "coap-udp6-reuse-private.h"
#include "coap-udp6-resource.h"
#include "coap-udp6-code.h"

/* RFC 7641 §4.5: a CON notification at least every 24 hours. */
#define CON_INTERVAL (24 * G_TIME_SPAN_HOUR)

struct _CoapUdp6Observer {
        guint ref_count;
        CoapUdp6Context *context;           /* unowned: it ends its observers before it goes */
        CoapUdp6Resource *resource;         /* owned */
        CoapUdp6Message *request;           /* owned: the registration, rendered again */
        CoapUdp6EndpointAddress *remote;    /* owned: where notifications go */
        GBytes *token;                      /* owned */
        CoapUdp6Transmission *tx;           /* the CON notification in flight, nullable */
        GList context_link;                 /* in context->observers */
        GList resource_link;                /* in the resource's observers */
        GList remote_link;                  /* in context->observer_remotes */
        guint non_count;                    /* NON notifications since the last CON */
        gint64 last_con;
        guint16 non_mid;                    /* of the last NON notification, a Reset's key */
        gboolean non_mid_set;
        gboolean removed;
};

static guint
observer_key_hash (gconstpointer key)
{
        const CoapUdp6Observer *o = key;

        return coap_udp6_endpoint_address_hash (o->remote) ^ g_bytes_hash (o->token);
}

static gboolean
observer_key_equal (gconstpointer a,
                    gconstpointer b)
{
        const CoapUdp6Observer *x = a, *y = b;

        return g_bytes_equal (x->token, y->token) &&
               coap_udp6_endpoint_address_equal (x->remote, y->remote);
}

static CoapUdp6Observer *
observer_ref (CoapUdp6Observer *o)
{
        o->ref_count++;
        return o;
}

static void
observer_unref (gpointer data)
{
        CoapUdp6Observer *o = data;

        if (--o->ref_count > 0)
                return;
        g_object_unref (o->resource);
        g_object_unref (o->request);
        g_object_unref (o->remote);
        g_bytes_unref (o->token);
        g_free (o);
}

/* The observers of one remote, which a Reset is matched against: set
 * when one registers and removed with its last, so a notification
 * changes no table (doc/performance.md). */
static void
remote_link (CoapUdp6Observer *o)
{
        GHashTable *remotes = o->context->observer_remotes;
        GQueue *queue = g_hash_table_lookup (remotes, o->remote);

        if (queue == NULL) {
                queue = g_queue_new ();
                g_hash_table_insert (remotes, g_object_ref (o->remote), queue);
        }
        o->remote_link.data = o;
        g_queue_push_tail_link (queue, &o->remote_link);
}

static void
remote_unlink (CoapUdp6Observer *o)
{
        GHashTable *remotes = o->context->observer_remotes;
        GQueue *queue = g_hash_table_lookup (remotes, o->remote);

        g_queue_unlink (queue, &o->remote_link);
        if (queue->length == 0)
                g_hash_table_remove (remotes, o->remote);
}

static void
observer_remove (CoapUdp6Observer *o)
{
        CoapUdp6Context *self = o->context;

        if (o->removed)
                return;
        o->removed = TRUE;
        g_queue_unlink (&self->observers, &o->context_link);
        g_queue_unlink (coap_udp6_resource_get_observers_internal (o->resource), &o->resource_link);
        g_hash_table_remove (self->observer_keys, o);
        remote_unlink (o);
        if (o->tx != NULL)
                coap_udp6_context_cancel_transmission (self, g_steal_pointer (&o->tx));
        observer_unref (o);
}

static void
notification_done (CoapUdp6Transmission *tx,
                   CoapUdp6Message      *answer,
                   gpointer              user_data)
{
        CoapUdp6Observer *o = user_data;

        o->tx = NULL;
        /* RFC 7641 §4.5: a CON notification that times out or is
         * rejected ends the observation. */
        if (answer == NULL || coap_udp6_message_get_mtype (answer) == COAP_UDP6_MESSAGE_TYPE_RST)
                observer_remove (o);
}

/* Sends @reply (2.xx with Observe, or a final response) to @o. */
static void
send_notification (CoapUdp6Observer *o,
                   CoapUdp6Message  *reply)
{
        CoapUdp6Context *self = o->context;
        gint64 now = coap_udp6_context_now (self);
        g_autoptr (GBytes) bytes = NULL;
        gboolean con;
        guint mid;

        /* RFC 7641 §4.5: now and then a CON, to find observers that left;
         * §4.5.2: a newer notification replaces one in retransmission. */
        con = o->tx != NULL || o->non_count >= self->max_non_notifications ||
              now - o->last_con >= CON_INTERVAL;
        mid = coap_udp6_context_next_mid (self);
        coap_udp6_message_set_token (reply, o->token);
        coap_udp6_message_set_mtype (reply, con ? COAP_UDP6_MESSAGE_TYPE_CON : COAP_UDP6_MESSAGE_TYPE_NON);
        coap_udp6_message_set_mid (reply, mid);
        coap_udp6_message_set_remote (reply, o->remote);
        bytes = coap_udp6_message_encode (reply, NULL);
        if (bytes == NULL) {
                g_warning ("A notification could not be encoded and was not sent");
                return;
        }
        coap_udp6_context_count (self, COAP_UDP6_STATISTIC_NOTIFICATIONS_SENT);
        o->non_mid_set = !con;
        if (con) {
                if (o->tx != NULL)
                        coap_udp6_context_cancel_transmission (self, g_steal_pointer (&o->tx));
                o->non_count = 0;
                o->last_con = now;
                o->tx = coap_udp6_context_transmit_con (self, bytes, o->remote, mid, FALSE,
                                                        notification_done, o);
                return;
        }
        o->non_count++;
        coap_udp6_context_send_datagram (self, bytes, o->remote);
        o->non_mid = mid;
}

static void
observer_respond (CoapUdp6Request *request,
                  CoapUdp6Message *reply,
                  gboolean         own,
                  gpointer         user_data)
{
        CoapUdp6Observer *o = user_data;
        gboolean keep = coap_udp6_code_is_successful (coap_udp6_message_get_code (reply));
        g_autoptr (CoapUdp6Message) block = NULL;

        if (o->removed || o->context->shut_down)
                return;
        /* RFC 7641 §4.2: an error response ends the observation. */
        coap_udp6_message_set_observe (reply, keep ? (gint64) coap_udp6_resource_get_sequence_internal (o->resource)
                                                   : -1);
        /* RFC 7959 §3.4: a long notification sends its first block; the
         * client asks for the rest, served from what was rendered. */
        if (G_UNLIKELY (reply->payload_len > o->context->block_size)) {
                CoapUdp6BlockRequest none = { 0 };

                block = coap_udp6_context_block_server_response (o->context, o->request, reply, &none);
                if (block != NULL)
                        reply = block;
        }
        send_notification (o, reply);
        if (!keep)
                observer_remove (o);
}

static void
observer_render (CoapUdp6Observer *o)
{
        CoapUdp6Context *self = o->context;
        CoapUdp6Request *request;
        gboolean deferred;

        /* The server's spare request, and with it its response message:
         * no object is made per notification (doc/performance.md). */
        request = coap_udp6_request_new_internal (coap_udp6_reuse_take_request (&self->spare_request),
                                                  o->request, observer_respond,
                                                  observer_ref (o), observer_unref);
        coap_udp6_resource_render (o->resource, request);
        deferred = coap_udp6_request_end_render_internal (request);
        coap_udp6_reuse_keep_request (&self->spare_request, request, deferred, self->shut_down);
}

void
coap_udp6_observers_notify (GQueue *observers)
{
        g_autoptr (GPtrArray) snapshot = NULL;

        if (observers->length == 0)
                return;
        /* A render may add or remove observers. */
        snapshot = g_ptr_array_new_full (observers->length, observer_unref);
        for (GList *l = observers->head; l != NULL; l = l->next)
                g_ptr_array_add (snapshot, observer_ref (l->data));
        for (guint i = 0; i < snapshot->len; i++) {
                CoapUdp6Observer *o = g_ptr_array_index (snapshot, i);

                if (!o->removed && !o->context->shut_down)
                        observer_render (o);
        }
}

static CoapUdp6Observer *
find_observer (CoapUdp6Context         *self,
               CoapUdp6EndpointAddress *remote,
               GBytes                  *token)
{
        CoapUdp6Observer probe = { .remote = remote, .token = token };

        if (self->observer_keys == NULL)
                return NULL;
        return g_hash_table_lookup (self->observer_keys, &probe);
}

gboolean
coap_udp6_context_observe_check (CoapUdp6Context  *self,
                                 CoapUdp6Resource *resource,
                                 CoapUdp6Message  *request)
{
        CoapUdp6Observer *old;
        guint code = coap_udp6_message_get_code (request);
        guint32 observe;

        /* RFC 7641 §3.6, §4.1: a new request with the same token replaces
         * or ends the registration. */
        old = find_observer (self, coap_udp6_message_get_remote (request),
                             coap_udp6_message_get_token (request));
        if (old != NULL)
                observer_remove (old);
        return coap_udp6_message_get_observe (request, &observe) && observe == 0 &&
               (code == COAP_UDP6_CODE_GET || code == COAP_UDP6_CODE_FETCH) &&
               coap_udp6_resource_get_observable (resource);
}

void
coap_udp6_context_observe_reply (CoapUdp6Context         *self,
                                 CoapUdp6Resource        *resource,
                                 CoapUdp6Message         *request,
                                 CoapUdp6EndpointAddress *remote,
                                 CoapUdp6Message         *reply)
{
        GQueue *observers = coap_udp6_resource_get_observers_internal (resource);
        CoapUdp6Observer *o;

        if (!coap_udp6_code_is_successful (coap_udp6_message_get_code (reply)))
                return;
        /* RFC 7641 §4.1: one that cannot be added gets a plain response. */
        if (self->observers.length >= self->max_observers ||
            observers->length >= self->max_observers_per_resource) {
                coap_udp6_context_count (self, COAP_UDP6_STATISTIC_OBSERVERS_REJECTED);
                coap_udp6_message_set_observe (reply, -1);
                return;
        }
        if (self->observer_keys == NULL) {
                self->observer_keys = g_hash_table_new (observer_key_hash, observer_key_equal);
                self->observer_remotes = g_hash_table_new_full (coap_udp6_endpoint_address_hash,
                                                                coap_udp6_endpoint_address_equal,
                                                                g_object_unref,
                                                                (GDestroyNotify) g_queue_free);
        }
        o = g_new0 (CoapUdp6Observer, 1);
        o->ref_count = 1;
        o->context = self;
        o->resource = g_object_ref (resource);
        o->request = coap_udp6_message_copy (request);
        o->remote = g_object_ref (remote);
        o->token = g_bytes_ref (coap_udp6_message_get_token (request));
        o->last_con = coap_udp6_context_now (self);
        o->context_link.data = o;
        o->resource_link.data = o;
        g_queue_push_tail_link (&self->observers, &o->context_link);
        g_queue_push_tail_link (observers, &o->resource_link);
        g_hash_table_insert (self->observer_keys, o, o);
        remote_link (o);
        coap_udp6_message_set_observe (reply, coap_udp6_resource_get_sequence_internal (resource));
}

void
coap_udp6_context_observer_reset (CoapUdp6Context *self,
                                  CoapUdp6Message *reset)
{
        GQueue *queue = g_hash_table_lookup (self->observer_remotes, reset->remote);
        guint mid = reset->mid;

        /* RFC 7641 §3.6: a Reset to a notification ends the observation. */
        for (GList *l = queue != NULL ? queue->head : NULL; l != NULL; l = l->next) {
                CoapUdp6Observer *o = l->data;

                if (o->non_mid_set && o->non_mid == mid) {
                        observer_remove (o);
                        return;
                }
        }
}

void
coap_udp6_context_end_observers (CoapUdp6Context  *self,
                                 CoapUdp6Resource *resource,
                                 guint             code)
{
        GList *l = self->observers.head;

        while (l != NULL) {
                CoapUdp6Observer *o = l->data;

                l = l->next;
                if (resource != NULL && o->resource != resource)
                        continue;
                if (code != 0 && !self->shut_down) {
                        g_autoptr (CoapUdp6Message) reply =
                                coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_NON, code);

                        /* The last message: no retransmission follows it. */
                        o->non_count = 0;
                        o->last_con = coap_udp6_context_now (self);
                        if (o->tx != NULL)
                                coap_udp6_context_cancel_transmission (self, g_steal_pointer (&o->tx));
                        send_notification (o, reply);
                }
                observer_remove (o);
        }
}
