/* coap-udp6-context-server.c: the server side of a context
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-context-private.h"
#include "coap-udp6-observer-private.h"
#include "coap-udp6-message-private.h"
#include "coap-udp6-request-private.h"
#include "coap-udp6-reuse-private.h"
#include "coap-udp6-resource-private.h"
#include "coap-udp6-code.h"
#include "coap-udp6-error.h"
#include "coap-udp6-link-format.h"

#include <string.h>

static char *
normalize_path (const char *path)
{
        g_auto (GStrv) parts = g_strsplit (path != NULL ? path : "", "/", -1);
        g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
        g_auto (GStrv) kept = NULL;

        for (guint i = 0; parts[i] != NULL; i++)
                if (parts[i][0] != '\0')
                        g_strv_builder_add (builder, parts[i]);
        kept = g_strv_builder_end (builder);
        return g_strjoinv ("/", kept);
}

/**
 * coap_udp6_context_add_resource:
 * @self: a #CoapUdp6Context
 * @path: the path, segments separated by "/" ("sensors/temp"; leading and
 *   doubled slashes are ignored; "" is the root)
 * @resource: the resource
 *
 * Serves @resource under @path, replacing any resource there. The
 * observers (RFC 7641) of a replaced resource get a last notification,
 * 4.04 Not Found, as when it is removed with
 * [method@Context.remove_resource]: their observations end, and a client
 * that registers again observes @resource. They are not handed over,
 * since @resource may render differently or not be observable.
 *
 * A request's Uri-Path options are matched segment by segment (RFC 7252
 * §6.5): a `/`, `%` or NUL byte inside one segment is written
 * percent-encoded in @path, so `a%2Fb` is the one segment `a/b`,
 * `100%25` the segment `100%`, `x%00y` a segment with a NUL byte, and
 * `a/b` the two segments `a` and `b`. Other bytes are written as they
 * are.
 *
 * Since: 1.0
 */
void
coap_udp6_context_add_resource (CoapUdp6Context  *self,
                                const char       *path,
                                CoapUdp6Resource *resource)
{
        g_autofree char *key = NULL;
        CoapUdp6Resource *replaced;

        g_return_if_fail (COAP_UDP6_IS_CONTEXT (self));
        g_return_if_fail (COAP_UDP6_IS_RESOURCE (resource));

        key = normalize_path (path);
        replaced = g_hash_table_lookup (self->resources, key);
        if (replaced != NULL && replaced != resource)
                coap_udp6_context_end_observers (self, replaced, COAP_UDP6_CODE_NOT_FOUND);
        g_hash_table_replace (self->resources, g_steal_pointer (&key), g_object_ref (resource));
}

/**
 * coap_udp6_context_remove_resource:
 * @self: a #CoapUdp6Context
 * @path: the path given to [method@Context.add_resource]
 *
 * Stops serving the resource at @path. Its observers (RFC 7641) get a
 * last notification, 4.04 Not Found, which ends their observations.
 *
 * Returns: %TRUE if there was one
 *
 * Since: 1.0
 */
gboolean
coap_udp6_context_remove_resource (CoapUdp6Context *self,
                                   const char      *path)
{
        g_autofree char *key = NULL;
        CoapUdp6Resource *resource;

        g_return_val_if_fail (COAP_UDP6_IS_CONTEXT (self), FALSE);

        key = normalize_path (path);
        resource = g_hash_table_lookup (self->resources, key);
        if (resource == NULL)
                return FALSE;
        coap_udp6_context_end_observers (self, resource, COAP_UDP6_CODE_NOT_FOUND);
        return g_hash_table_remove (self->resources, key);
}

/* The link target of a resource key: "/" and the key, with every byte a
 * path segment cannot hold as it is (RFC 3986 §3.3: unreserved,
 * sub-delims, ":" and "@") percent-encoded, so that a space or a UTF-8
 * name gives a valid URI-reference. The key's own escapes (%2F, %25, %00)
 * stay as they are. */
static char *
link_target (const char *key)
{
        GString *out = g_string_new ("/");

        for (const char *p = key; *p != '\0'; p++) {
                guchar c = *p;

                if (c == '%' && g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]))
                        g_string_append_c (out, '%');
                else if (g_ascii_isalnum (c) || strchr ("-._~!$&'()*+,;=:@/", c) != NULL)
                        g_string_append_c (out, c);
                else
                        g_string_append_printf (out, "%%%02X", c);
        }
        return g_string_free (out, FALSE);
}

/* RFC 6690 §4.1: one filter-query, "name=pattern", where a trailing "*"
 * makes the pattern a prefix; "href" is the link target. */
static gboolean
link_matches (const char       *key,
              CoapUdp6Resource *resource,
              const char       *name,
              const char       *pattern)
{
        g_autofree char *href = NULL;

        if (name == NULL)
                return TRUE;
        if (!g_str_equal (name, "href"))
                return coap_udp6_resource_link_attribute_matches (resource, name, pattern);
        href = link_target (key);
        return coap_udp6_link_value_matches (href, pattern);
}

static char *
link_format_filtered (CoapUdp6Context *self,
                      const char      *name,
                      const char      *pattern)
{
        g_autoptr (GList) keys = NULL;
        g_autoptr (GPtrArray) links = g_ptr_array_new_with_free_func ((GDestroyNotify) coap_udp6_link_unref);

        keys = g_list_sort (g_hash_table_get_keys (self->resources), (GCompareFunc) strcmp);
        for (GList *l = keys; l != NULL; l = l->next) {
                CoapUdp6Resource *resource = g_hash_table_lookup (self->resources, l->data);

                if (link_matches (l->data, resource, name, pattern))
                        g_ptr_array_add (links, coap_udp6_resource_to_link (resource, link_target (l->data)));
        }
        return coap_udp6_link_format_build (links);
}

/**
 * coap_udp6_context_get_link_format:
 * @self: a #CoapUdp6Context
 * @rt_filter: (nullable): keep only resources with this resource type (a
 *   trailing "*" matches a prefix)
 *
 * Describes the served resources in RFC 6690 link format, as
 * `/.well-known/core` returns it. A request to `/.well-known/core` can
 * filter by any link attribute and by `href` (RFC 6690 §4.1).
 *
 * Returns: (transfer full): the link-format document
 *
 * Since: 1.0
 */
char *
coap_udp6_context_get_link_format (CoapUdp6Context *self,
                                   const char      *rt_filter)
{
        g_return_val_if_fail (COAP_UDP6_IS_CONTEXT (self), NULL);

        return link_format_filtered (self, rt_filter != NULL ? "rt" : NULL, rt_filter);
}

/* What the server knows of a request being answered. The request holds a
 * reference for its respond function; one that nothing else holds at the
 * end of handle_request() is emptied and kept for the next request. */
typedef struct {
        guint ref_count;                    /* one thread: the context's */
        CoapUdp6Context *context;           /* owned */
        CoapUdp6EndpointAddress *remote;    /* owned: the requester */
        CoapUdp6EndpointAddress *reply_remote; /* unowned: @remote, or @multicast_reply_remote */
        CoapUdp6EndpointAddress *multicast_reply_remote; /* owned, nullable */
        guint mid;
        gint no_response;
        gboolean con;
        gboolean mcast;
        gboolean acked;
        gboolean in_render;
        gboolean responded;
        gboolean protect;                   /* POST, PATCH, iPATCH: see coap-udp6-context-dedup.c */
        gboolean stored;                    /* has its deduplication entry */
        gboolean holds_pending_slot;        /* counted in context->pending_requests */
        gboolean echo_challenge;            /* the reply is a 4.01 with Echo (RFC 9175 §2.4) */
        CoapUdp6BlockRequest block;         /* see coap-udp6-context-block-server.c */
        CoapUdp6Resource *observe;          /* owned, nullable: a registration (RFC 7641) */
} ServerExchange;

static void
release_pending_slot (ServerExchange *se)
{
        if (se->holds_pending_slot) {
                se->holds_pending_slot = FALSE;
                se->context->pending_requests--;
        }
}

static void
server_exchange_clear (gpointer data)
{
        ServerExchange *se = data;

        release_pending_slot (se);
        g_clear_object (&se->observe);
        g_clear_object (&se->context);
        g_clear_object (&se->remote);
        g_clear_object (&se->multicast_reply_remote);
}

static ServerExchange *
server_exchange_ref (ServerExchange *se)
{
        se->ref_count++;
        return se;
}

static void
server_exchange_unref (gpointer data)
{
        ServerExchange *se = data;

        if (--se->ref_count > 0)
                return;
        server_exchange_clear (se);
        g_free (se);
}

/* Drops handle_request()'s reference: the last one may be kept, emptied,
 * for the next request (coap-udp6-reuse.c). */
static void
server_exchange_done (ServerExchange *se)
{
        CoapUdp6Context *self = se->context;

        if (se->ref_count > 1 || self->shut_down) {
                server_exchange_unref (se);
                return;
        }
        /* The caller holds the context too (it is dispatching to it). */
        server_exchange_clear (se);
        if (!coap_udp6_reuse_keep_block (&self->spare_exchange, se, sizeof *se))
                g_free (se);
}

/* The deduplication entry: a duplicate gets @reply (nullable) again. */
static void
store_reply (ServerExchange *se,
             const guint8   *reply,
             gsize           reply_len)
{
        se->stored = TRUE;
        coap_udp6_context_dedup_store (se->context, se->remote, se->mid, reply, reply_len,
                                       se->reply_remote, se->protect);
}

/* Sends @message to the requester and keeps it for duplicates; FALSE
 * when it cannot be encoded (nothing was sent). */
static gboolean
send_and_store (ServerExchange  *se,
                CoapUdp6Message *message)
{
        CoapUdp6Encoded encoded;

        if (!coap_udp6_context_send_encoded (se->context, message, se->reply_remote, &encoded))
                return FALSE;
        /* RFC 7252 §4.5 lets an idempotent request be handled again: a
         * duplicate of a request for a block of a kept representation
         * gets the same block from it, so the block is not copied into
         * the deduplication table (a 1 MiB download filled it). */
        if (se->block.from_representation)
                se->stored = TRUE;
        else
                store_reply (se, encoded.data, encoded.len);
        coap_udp6_encoded_clear (&encoded);
        return TRUE;
}

static void
send_empty_ack (ServerExchange *se)
{
        g_autoptr (CoapUdp6Message) ack = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK,
                                                                 COAP_UDP6_CODE_EMPTY);

        se->acked = TRUE;
        coap_udp6_message_set_mid (ack, se->mid);
        send_and_store (se, ack);
}

typedef struct {
        CoapUdp6Context *context;           /* unowned: the context owns this */
        GBytes *datagram;                   /* owned */
        CoapUdp6EndpointAddress *remote;    /* owned */
        CoapUdp6Timer *timer;               /* owned */
        GList link;                         /* in context->delayed */
} Delayed;

static void
delayed_free (Delayed *d)
{
        g_queue_unlink (&d->context->delayed, &d->link);
        coap_udp6_context_cancel_timer (d->context, &d->timer);
        g_bytes_unref (d->datagram);
        g_object_unref (d->remote);
        g_free (d);
}

static void
delayed_send_cb (gpointer data)
{
        Delayed *d = data;

        d->timer = NULL;
        coap_udp6_context_send_datagram (d->context, d->datagram, d->remote);
        delayed_free (d);
}

static void
send_after_leisure (CoapUdp6Context         *self,
                    GBytes                  *datagram,
                    CoapUdp6EndpointAddress *remote)
{
        Delayed *d = g_new0 (Delayed, 1);

        d->context = self;
        d->datagram = g_bytes_ref (datagram);
        d->remote = g_object_ref (remote);
        d->link.data = d;
        g_queue_push_tail_link (&self->delayed, &d->link);
        /* RFC 7252 §8.2: a random leisure before a multicast response. */
        d->timer = coap_udp6_context_add_timer (self, g_random_double_range (0, self->default_leisure),
                                                delayed_send_cb, d);
}

void
coap_udp6_context_clear_delayed (CoapUdp6Context *self)
{
        while (self->delayed.head != NULL)
                delayed_free (self->delayed.head->data);
}

static gboolean
suppressed_by_no_response (gint no_response,
                           guint code)
{
        guint klass = coap_udp6_code_get_class (code);

        if (no_response <= 0)
                return FALSE;
        /* RFC 7967 §2.1: bit 2 = 2.xx, bit 8 = 4.xx, bit 16 = 5.xx. */
        return (klass == 2 && (no_response & 2)) || (klass == 4 && (no_response & 8)) ||
               (klass == 5 && (no_response & 16));
}

/* The reply's header. An application's message is updated through its
 * setters, in place as coap_udp6_request_respond() documents; the
 * library's own (@own) is written directly. */
static void
set_reply_header (CoapUdp6Message         *reply,
                  gboolean                 own,
                  CoapUdp6MessageType      mtype,
                  guint                    mid,
                  CoapUdp6Message         *request,
                  CoapUdp6EndpointAddress *remote)
{
        if (own) {
                coap_udp6_message_set_header_quiet (reply, mtype, mid, request->token,
                                                    request->token_len);
                return;
        }
        coap_udp6_message_set_token_data (reply, request->token, request->token_len);
        coap_udp6_message_set_mtype (reply, mtype);
        coap_udp6_message_set_mid (reply, mid);
        coap_udp6_message_set_remote (reply, remote);
}

static gboolean deliver_reply (ServerExchange  *se,
                               CoapUdp6Request *request,
                               CoapUdp6Message *reply,
                               gboolean         own);

static void
server_respond (CoapUdp6Request *request,
                CoapUdp6Message *response,
                gboolean         own,
                gpointer         user_data)
{
        ServerExchange *se = user_data;
        g_autoptr (CoapUdp6Message) fallback = NULL;
        g_autoptr (CoapUdp6Message) block = NULL;
        g_autoptr (CoapUdp6Message) challenge = NULL;

        se->responded = TRUE;
        release_pending_slot (se);
        if (se->context->shut_down || se->context->interfaces == NULL)
                return;
        /* A registration (RFC 7641): its Observe goes in every block too. */
        if (G_UNLIKELY (se->observe != NULL)) {
                g_autoptr (CoapUdp6Resource) resource = g_steal_pointer (&se->observe);

                coap_udp6_context_observe_reply (se->context, resource,
                                                 coap_udp6_request_get_message (request),
                                                 se->reply_remote, response);
        }
        if (G_UNLIKELY (response->payload_len > se->context->block_size || se->block.has_block1 ||
                        se->block.has_block2)) {
                block = coap_udp6_context_block_server_response (se->context,
                                                                 coap_udp6_request_get_message (request),
                                                                 response, &se->block);
                if (block != NULL) {
                        response = block;
                        own = TRUE;
                }
        }
        if (G_UNLIKELY (se->mcast || se->context->echo_amplification_limit)) {
                challenge = coap_udp6_context_echo_challenge (se->context,
                                                              coap_udp6_request_get_message (request),
                                                              response);
                if (challenge != NULL) {
                        response = challenge;
                        own = TRUE;
                        se->echo_challenge = TRUE;
                }
        }
        if (deliver_reply (se, request, response, own))
                return;
        /* Nothing malformed leaves the socket: the application's response
         * could not be encoded, so the requester gets 5.00 instead. */
        g_warning ("A response could not be encoded and was not sent; "
                   "answering 5.00 instead");
        fallback = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK,
                                          COAP_UDP6_CODE_INTERNAL_SERVER_ERROR);
        deliver_reply (se, request, fallback, FALSE);
}

/* FALSE when @reply cannot be encoded; nothing was sent then. */
static gboolean
deliver_reply (ServerExchange  *se,
               CoapUdp6Request *request,
               CoapUdp6Message *reply,
               gboolean         own)
{
        CoapUdp6Context *self = se->context;
        CoapUdp6Message *req = coap_udp6_request_get_message (request);
        g_autoptr (GBytes) bytes = NULL;
        guint code = reply->code;

        /* RFC 7252 §8.2: no error responses to multicast requests, but
         * for the Echo challenge that RFC 9175 §2.4 asks for. */
        if ((se->mcast && !coap_udp6_code_is_successful (code) && !se->echo_challenge) ||
            suppressed_by_no_response (se->no_response, code)) {
                if (se->con && !se->acked)
                        send_empty_ack (se);
                return TRUE;
        }
        if (se->con && !se->acked) {
                set_reply_header (reply, own, COAP_UDP6_MESSAGE_TYPE_ACK, se->mid, req,
                                  se->reply_remote);
                if (!send_and_store (se, reply))
                        return FALSE;
                se->acked = TRUE;
                return TRUE;
        }
        if (se->con) {
                set_reply_header (reply, own, COAP_UDP6_MESSAGE_TYPE_CON,
                                  coap_udp6_context_next_mid (self), req, se->reply_remote);
                bytes = coap_udp6_message_encode (reply, NULL);
                if (bytes == NULL)
                        return FALSE;
                /* The slot passes to the transmission until it is acknowledged. */
                self->pending_requests++;
                coap_udp6_context_transmit_con (self, bytes, se->reply_remote,
                                                reply->mid, TRUE, NULL, NULL);
                return TRUE;
        }
        set_reply_header (reply, own, COAP_UDP6_MESSAGE_TYPE_NON, coap_udp6_context_next_mid (self),
                          req, se->reply_remote);
        if (se->mcast) {
                bytes = coap_udp6_message_encode (reply, NULL);
                if (bytes == NULL)
                        return FALSE;
                send_after_leisure (self, bytes, se->reply_remote);
                store_reply (se, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
                return TRUE;
        }
        return send_and_store (se, reply);
}

/* RFC 6690 §4.1: the first query item "name=pattern" filters. */
static void
render_well_known_core (CoapUdp6Context       *self,
                        CoapUdp6Request       *request,
                        CoapUdp6RequestVerdict verdict)
{
        CoapUdp6Message *message = coap_udp6_request_get_message (request);
        g_auto (GStrv) query = coap_udp6_message_get_uri_query (message);
        g_autoptr (CoapUdp6Message) response = NULL;
        g_autoptr (GBytes) payload = NULL;
        g_autofree char *name = NULL;
        const char *pattern = NULL;
        char *text;

        if (coap_udp6_message_get_code (message) != COAP_UDP6_CODE_GET) {
                coap_udp6_request_respond_code (request, COAP_UDP6_CODE_METHOD_NOT_ALLOWED, NULL);
                return;
        }
        if (verdict == COAP_UDP6_REQUEST_NEGOTIATED &&
            coap_udp6_context_check_representation (self, request, 40, NULL))
                return;
        for (guint i = 0; query != NULL && query[i] != NULL && name == NULL; i++) {
                const char *eq = strchr (query[i], '=');

                if (eq != NULL) {
                        name = g_strndup (query[i], eq - query[i]);
                        pattern = eq + 1;
                }
        }
        text = link_format_filtered (self, name, pattern);
        /* RFC 6690 §4.1: a filtered query with no match is answered with 4.04 on multicast only. */
        response = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK,
                                          text[0] == '\0' && name != NULL ? COAP_UDP6_CODE_NOT_FOUND
                                                                          : COAP_UDP6_CODE_CONTENT);
        payload = g_bytes_new_take (text, strlen (text));
        coap_udp6_message_set_payload (response, payload);
        coap_udp6_message_set_content_format (response, 40);
        coap_udp6_request_respond (request, response);
}

static void
dispatch_request (CoapUdp6Context *self,
                  CoapUdp6Request *request,
                  ServerExchange  *se)
{
        CoapUdp6Message *message = coap_udp6_request_get_message (request);
        g_autofree char *long_path = NULL;
        char short_path[256];
        const char *path = short_path;
        gsize path_len;
        CoapUdp6Resource *resource;
        CoapUdp6RequestVerdict verdict;

        /* RFC 7252 §5.4–5.10, before any side effect (coap-udp6-context-request-rules.c). */
        verdict = coap_udp6_context_check_request (self, request, message);
        if (verdict == COAP_UDP6_REQUEST_ANSWERED)
                return;
        path_len = coap_udp6_message_copy_path (message, short_path, sizeof short_path);
        if (path_len >= sizeof short_path) {
                long_path = g_malloc (path_len + 1);
                coap_udp6_message_copy_path (message, long_path, path_len + 1);
                path = long_path;
        }
        /* Blocks of an upload are gathered, later blocks of a response
         * served from what was rendered (RFC 7959). */
        if (G_UNLIKELY (coap_udp6_message_has_block_option (message)) &&
            coap_udp6_context_block_server_request (self, request, &se->block))
                return;
        if (g_str_equal (path, ".well-known/core")) {
                render_well_known_core (self, request, verdict);
                return;
        }
        resource = g_hash_table_lookup (self->resources, path);
        if (resource == NULL) {
                coap_udp6_request_respond_code (request, COAP_UDP6_CODE_NOT_FOUND, NULL);
                return;
        }
        if (G_UNLIKELY (coap_udp6_resource_peek_requires_peer_identity (resource)) &&
            coap_udp6_endpoint_address_get_peer_identity (coap_udp6_request_get_remote (request)) == NULL) {
                coap_udp6_request_respond_code (request, COAP_UDP6_CODE_UNAUTHORIZED,
                                                "This resource needs an authenticated peer (coaps)");
                return;
        }
        if (verdict == COAP_UDP6_REQUEST_NEGOTIATED &&
            coap_udp6_context_check_representation (self, request,
                                                    coap_udp6_resource_get_content_format (resource),
                                                    coap_udp6_resource_get_etag (resource)))
                return;
        /* RFC 7641: one branch for a request without Observe to a
         * resource nobody observes. */
        if (G_UNLIKELY (coap_udp6_message_has_observe_internal (message) ||
                        (self->observers.length > 0 &&
                         coap_udp6_resource_get_observers_internal (resource)->length > 0)) &&
            coap_udp6_context_observe_check (self, resource, message) && !se->mcast)
                se->observe = g_object_ref (resource);
        g_object_ref (resource);
        coap_udp6_resource_render (resource, request);
        g_object_unref (resource);
}

static void
reject_busy (CoapUdp6Context *self,
             CoapUdp6Message *message)
{
        CoapUdp6EndpointAddress *remote = coap_udp6_message_get_remote (message);
        gboolean con = coap_udp6_message_get_mtype (message) == COAP_UDP6_MESSAGE_TYPE_CON;
        g_autoptr (CoapUdp6Message) reply = NULL;
        guint max_age = (guint) self->ack_timeout;

        if (max_age < self->ack_timeout)
                max_age++;
        coap_udp6_context_count (self, COAP_UDP6_STATISTIC_REQUESTS_REJECTED);
        coap_udp6_context_warn_limited (self, COAP_UDP6_WARNING_PENDING_FULL,
                                        "Answering requests with 5.03: %u are pending "
                                        "(max-pending-requests)", self->pending_requests);
        /* RFC 7252 §8.2: no error responses to multicast requests. */
        if (coap_udp6_endpoint_address_is_multicast_locally (remote))
                return;
        reply = coap_udp6_message_new (con ? COAP_UDP6_MESSAGE_TYPE_ACK : COAP_UDP6_MESSAGE_TYPE_NON,
                                       COAP_UDP6_CODE_SERVICE_UNAVAILABLE);
        coap_udp6_message_set_mid (reply, con ? coap_udp6_message_get_mid (message)
                                              : coap_udp6_context_next_mid (self));
        coap_udp6_message_set_token (reply, coap_udp6_message_get_token (message));
        /* RFC 7252 §5.9.3.4: Max-Age says when to try again. */
        coap_udp6_message_set_max_age (reply, max_age);
        coap_udp6_context_send_raw (self, reply, remote);
}

void
coap_udp6_context_handle_request (CoapUdp6Context *self,
                                  CoapUdp6Message *message)
{
        CoapUdp6EndpointAddress *remote = message->remote;
        CoapUdp6InFlight in_flight;
        ServerExchange *se;
        CoapUdp6Request *request;
        guint no_response;
        gboolean deferred;

        if (coap_udp6_context_reject_non_request (self, message))
                return;
        if (self->pending_requests >= self->max_pending_requests) {
                reject_busy (self, message);
                return;
        }
        coap_udp6_context_count (self, COAP_UDP6_STATISTIC_REQUESTS_HANDLED);
        self->pending_requests++;
        se = coap_udp6_reuse_take_block (&self->spare_exchange, sizeof *se);
        se->ref_count = 1;
        se->holds_pending_slot = TRUE;
        se->context = g_object_ref (self);
        se->remote = g_object_ref (remote);
        se->reply_remote = se->remote;
        se->mid = message->mid;
        se->mcast = coap_udp6_endpoint_address_is_multicast_locally (remote);
        if (se->mcast) {
                se->multicast_reply_remote = coap_udp6_endpoint_address_as_response_address (remote);
                se->reply_remote = se->multicast_reply_remote;
        }
        /* RFC 7252 §8.1: a multicast request is never acknowledged. */
        se->con = message->mtype == COAP_UDP6_MESSAGE_TYPE_CON && !se->mcast;
        coap_udp6_message_get_no_response (message, &no_response);   /* 0 if absent */
        se->no_response = no_response;
        switch (message->code) {
        case COAP_UDP6_CODE_POST:
        case COAP_UDP6_CODE_PATCH:
        case COAP_UDP6_CODE_IPATCH:
                se->protect = TRUE;
                break;
        default:
                break;
        }
        /* The deduplication entry is made when the reply is stored, after
         * it has left; until then a duplicate is recognised here. */
        in_flight.key.remote = remote;
        in_flight.key.mid = se->mid;
        in_flight.outer = self->in_flight;
        self->in_flight = &in_flight;

        request = coap_udp6_request_new_internal (coap_udp6_reuse_take_request (&self->spare_request),
                                                  message,
                                                  server_respond, server_exchange_ref (se),
                                                  server_exchange_unref);
        se->in_render = TRUE;
        dispatch_request (self, request, se);
        /* Neither answered nor deferred: 5.00 now, piggybacked. */
        deferred = coap_udp6_request_end_render_internal (request);
        coap_udp6_reuse_keep_request (&self->spare_request, request, deferred, self->shut_down);
        se->in_render = FALSE;
        self->in_flight = in_flight.outer;
        /* Not answered during render: acknowledge now, respond separately (§5.2.2). */
        if (!se->responded && se->con && !se->acked && !self->shut_down)
                send_empty_ack (se);
        /* Not answered yet, or answered without a reply to repeat. */
        if (!self->shut_down && !se->stored)
                store_reply (se, NULL, 0);
        server_exchange_done (se);
}
