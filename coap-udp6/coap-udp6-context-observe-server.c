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

#include <string.h>

/* RFC 7641 §4.5: a CON notification at least every 24 hours. */
#define CON_INTERVAL (24 * G_TIME_SPAN_HOUR)

/* One rendering of a change, sent to every observer whose registration
 * differs only in its remote, token and message ID when the render read
 * none of them: each gets its own header and token in front of the rest
 * of the datagram, encoded once (doc/performance.md). */
typedef struct {
        CoapUdp6Message *shape;             /* a registration of this round's snapshot */
        guint32 sequence;                   /* the Observe value in @tail */
        CoapUdp6Request *request;           /* while the first of the shape renders */
        gboolean tried;
        guint8 *tail;                       /* owned, nullable: the options and payload */
        gsize tail_len;
        guint8 code;
} SharedRendering;

/* The renderings of one coap_udp6_resource_changed(); observers with
 * more shapes than this are rendered one by one. */
typedef struct {
        SharedRendering renderings[8];
        guint n;
} NotifyRound;

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
        CoapUdp6Observer *same_remote;      /* the next in context->observer_remotes */
        guint non_count;                    /* NON notifications since the last CON */
        gint64 last_con;
        SharedRendering *capture;           /* while it renders for others too, nullable */
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

/* The observers of one remote, which a Reset is matched against: a
 * chain from the table's entry for the remote (its first observer, keyed
 * by that observer's remote), set when one registers and mended when one
 * goes, so a notification changes no table (doc/performance.md). */
static void
remote_link (CoapUdp6Observer *o)
{
        GHashTable *remotes = o->context->observer_remotes;
        CoapUdp6Observer *first = g_hash_table_lookup (remotes, o->remote);

        if (first == NULL) {
                o->same_remote = NULL;
                g_hash_table_insert (remotes, o->remote, o);
                return;
        }
        o->same_remote = first->same_remote;
        first->same_remote = o;
}

static void
remote_unlink (CoapUdp6Observer *o)
{
        GHashTable *remotes = o->context->observer_remotes;
        CoapUdp6Observer *first = g_hash_table_lookup (remotes, o->remote);

        if (first != o) {
                while (first->same_remote != o)
                        first = first->same_remote;
                first->same_remote = o->same_remote;
        } else if (o->same_remote != NULL) {
                g_hash_table_steal (remotes, o->remote);
                g_hash_table_insert (remotes, o->same_remote->remote, o->same_remote);
        } else {
                g_hash_table_remove (remotes, o->remote);
        }
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

/* RFC 7641 §4.5: now and then a CON, to find observers that left;
 * §4.5.2: a newer notification replaces one in retransmission. */
static gboolean
next_is_con (CoapUdp6Observer *o,
             gint64            now)
{
        return o->tx != NULL || o->non_count >= o->context->max_non_notifications ||
               now - o->last_con >= CON_INTERVAL;
}

/* Sends @data, a notification with @o's header and token. */
static void
deliver (CoapUdp6Observer *o,
         const guint8     *data,
         gsize             len,
         gboolean          con,
         guint             mid,
         gint64            now)
{
        CoapUdp6Context *self = o->context;

        o->non_mid_set = !con;
        if (con) {
                g_autoptr (GBytes) bytes = g_bytes_new (data, len);

                o->non_count = 0;
                o->last_con = now;
                /* A replacement is counted when it leaves. */
                if (o->tx != NULL) {
                        coap_udp6_context_replace_transmission (self, o->tx, bytes, mid);
                } else {
                        coap_udp6_context_count (self, COAP_UDP6_STATISTIC_NOTIFICATIONS_SENT);
                        o->tx = coap_udp6_context_transmit_con (self, bytes, o->remote, mid, FALSE,
                                                                notification_done, o);
                }
                return;
        }
        coap_udp6_context_count (self, COAP_UDP6_STATISTIC_NOTIFICATIONS_SENT);
        o->non_count++;
        coap_udp6_context_send_data (self, data, len, o->remote);
        o->non_mid = mid;
}

/* Sends @reply (2.xx with Observe, or a final response) to @o; @own:
 * nothing else sees @reply. With @capture, what follows the token is
 * kept there for the observers that share this rendering. */
static void
send_notification (CoapUdp6Observer *o,
                   CoapUdp6Message  *reply,
                   gboolean          own,
                   SharedRendering  *capture)
{
        CoapUdp6Context *self = o->context;
        gint64 now = coap_udp6_context_now (self);
        gboolean con = next_is_con (o, now);
        guint mid = coap_udp6_context_next_mid (self);
        CoapUdp6MessageType mtype = con ? COAP_UDP6_MESSAGE_TYPE_CON : COAP_UDP6_MESSAGE_TYPE_NON;
        CoapUdp6Encoded encoded;
        gsize tkl;
        const guint8 *token = g_bytes_get_data (o->token, &tkl);

        if (own) {
                coap_udp6_message_set_header_quiet (reply, mtype, mid, token, tkl);
        } else {
                coap_udp6_message_set_token (reply, o->token);
                coap_udp6_message_set_mtype (reply, mtype);
                coap_udp6_message_set_mid (reply, mid);
                coap_udp6_message_set_remote (reply, o->remote);
        }
        if (!coap_udp6_message_encode_to_buffer (reply, encoded.stack, sizeof encoded.stack,
                                                 &encoded.data, &encoded.len, NULL)) {
                g_warning ("A notification could not be encoded and was not sent");
                return;
        }
        if (capture != NULL) {
                capture->tail_len = encoded.len - 4 - tkl;
                capture->tail = g_memdup2 (encoded.data + 4 + tkl, capture->tail_len);
                capture->code = reply->code;
        }
        deliver (o, encoded.data, encoded.len, con, mid, now);
        coap_udp6_encoded_clear (&encoded);
}

/* Sends @r to @o: its own header and token in front of what was
 * rendered once. */
static void
send_shared (CoapUdp6Observer      *o,
             const SharedRendering *r)
{
        CoapUdp6Context *self = o->context;
        gint64 now = coap_udp6_context_now (self);
        gboolean con = next_is_con (o, now);
        guint mid = coap_udp6_context_next_mid (self);
        guint8 stack[COAP_UDP6_STACK_DATAGRAM];
        g_autofree guint8 *heap = NULL;
        gsize tkl;
        const guint8 *token = g_bytes_get_data (o->token, &tkl);
        gsize len = 4 + tkl + r->tail_len;
        guint8 *data = len <= sizeof stack ? stack : (heap = g_malloc (len));

        /* RFC 7252 §3: version 1, the type, the token length. */
        data[0] = 0x40 | (con ? COAP_UDP6_MESSAGE_TYPE_CON : COAP_UDP6_MESSAGE_TYPE_NON) << 4 | tkl;
        data[1] = r->code;
        data[2] = mid >> 8;
        data[3] = mid & 0xff;
        if (tkl > 0)
                memcpy (data + 4, token, tkl);
        memcpy (data + 4 + tkl, r->tail, r->tail_len);
        deliver (o, data, len, con, mid, now);
}

static void
observer_respond (CoapUdp6Request *request,
                  CoapUdp6Message *reply,
                  gboolean         own,
                  gpointer         user_data)
{
        CoapUdp6Observer *o = user_data;
        gboolean keep = coap_udp6_code_is_successful (coap_udp6_message_get_code (reply));
        guint32 sequence = coap_udp6_resource_get_sequence_internal (o->resource);
        SharedRendering *capture = o->capture != NULL && o->capture->request == request ? o->capture : NULL;
        g_autoptr (CoapUdp6Message) block = NULL;

        if (o->removed || o->context->shut_down)
                return;
        /* RFC 7641 §4.2: an error response ends the observation. */
        coap_udp6_message_set_observe (reply, keep ? (gint64) sequence : -1);
        /* RFC 7959 §3.4: a long notification sends its first block; the
         * client asks for the rest, served from what was rendered. */
        if (G_UNLIKELY (reply->payload_len > o->context->block_size)) {
                CoapUdp6BlockRequest none = { 0 };

                block = coap_udp6_context_block_server_response (o->context, o->request, reply, &none);
                if (block != NULL)
                        reply = block;
        }
        if (!keep || block != NULL || capture == NULL || capture->tail != NULL)
                capture = NULL;
        else
                capture->sequence = sequence;
        send_notification (o, reply, own, capture);
        if (!keep)
                observer_remove (o);
}

/* Everything a render can see of a registration but its remote, token
 * and message ID. */
static gboolean
same_shape (CoapUdp6Message *a,
            CoapUdp6Message *b)
{
        if (a == b)
                return TRUE;
        if (a->code != b->code || a->mtype != b->mtype || a->n_opts != b->n_opts ||
            a->payload_len != b->payload_len)
                return FALSE;
        for (guint i = 0; i < a->n_opts; i++) {
                const CoapUdp6OptionEntry *x = &a->opts[i], *y = &b->opts[i];

                if (x->number != y->number || x->len != y->len ||
                    memcmp (coap_udp6_option_entry_data (a, x), coap_udp6_option_entry_data (b, y), x->len) != 0)
                        return FALSE;
        }
        return (a->payload_len == 0 || memcmp (a->payload_data, b->payload_data, a->payload_len) == 0) &&
               g_strcmp0 (a->unresolved_remote, b->unresolved_remote) == 0 &&
               g_strcmp0 (a->requested_scheme, b->requested_scheme) == 0;
}

/* The rendering of this round for @o's registration, or a new one to
 * fill when there is room (NULL: rendered for @o alone). */
static SharedRendering *
find_rendering (NotifyRound      *round,
                CoapUdp6Observer *o,
                guint32           sequence)
{
        SharedRendering *r;

        for (guint i = 0; i < round->n; i++) {
                r = &round->renderings[i];
                if (r->sequence == sequence && same_shape (r->shape, o->request))
                        return r;
        }
        if (round->n == G_N_ELEMENTS (round->renderings))
                return NULL;
        r = &round->renderings[round->n++];
        r->shape = o->request;
        r->sequence = sequence;
        return r;
}

static void
observer_render (CoapUdp6Observer *o,
                 NotifyRound      *round)
{
        CoapUdp6Context *self = o->context;
        SharedRendering *shared = find_rendering (round, o, coap_udp6_resource_get_sequence_internal (o->resource));
        SharedRendering *outer = o->capture;
        CoapUdp6Request *request;
        gboolean deferred;

        if (shared != NULL && shared->tail != NULL) {
                send_shared (o, shared);
                return;
        }
        /* The server's spare request, and with it its response message:
         * no object is made per notification (doc/performance.md). */
        request = coap_udp6_request_new_internal (coap_udp6_reuse_take_request (&self->spare_request),
                                                  o->request, observer_respond,
                                                  observer_ref (o), observer_unref);
        /* A rendering is shared when it is the first of its shape, came
         * before render returned, and did not read the remote, token
         * or message ID of the registration. */
        if (shared != NULL && !shared->tried) {
                shared->tried = TRUE;
                shared->request = request;
                o->capture = shared;
                o->request->identity_read = FALSE;
        } else {
                shared = NULL;
        }
        coap_udp6_resource_render (o->resource, request);
        deferred = coap_udp6_request_end_render_internal (request);
        if (shared != NULL) {
                o->capture = outer;
                shared->request = NULL;
                if (deferred || o->request->identity_read)
                        g_clear_pointer (&shared->tail, g_free);
        }
        coap_udp6_reuse_keep_request (&self->spare_request, request, deferred, self->shut_down);
}

void
coap_udp6_observers_notify (GQueue *observers)
{
        g_autoptr (GPtrArray) snapshot = NULL;
        NotifyRound round = { 0 };
        GPtrArray *held;

        if (observers->length == 0)
                return;
        /* A render may add or remove observers. */
        snapshot = g_ptr_array_new_full (observers->length, observer_unref);
        for (GList *l = observers->head; l != NULL; l = l->next)
                g_ptr_array_add (snapshot, observer_ref (l->data));
        /* One sendmmsg per COAP_UDP6_SEND_BATCH notifications. */
        held = coap_udp6_context_hold_sends (((CoapUdp6Observer *) observers->head->data)->context);
        for (guint i = 0; i < snapshot->len; i++) {
                CoapUdp6Observer *o = g_ptr_array_index (snapshot, i);

                if (!o->removed && !o->context->shut_down)
                        observer_render (o, &round);
        }
        coap_udp6_context_release_sends (held);
        for (guint i = 0; i < round.n; i++)
                g_free (round.renderings[i].tail);
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
                self->observer_remotes = g_hash_table_new (coap_udp6_endpoint_address_hash,
                                                           coap_udp6_endpoint_address_equal);
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
        CoapUdp6Observer *o = g_hash_table_lookup (self->observer_remotes, reset->remote);
        guint mid = reset->mid;

        /* RFC 7641 §3.6: a Reset to a notification ends the observation. */
        for (; o != NULL; o = o->same_remote) {
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
                        send_notification (o, reply, TRUE, NULL);
                }
                observer_remove (o);
        }
}
