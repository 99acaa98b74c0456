/* coap-udp6-context-block-server.c: block-wise answers of a context
 * (RFC 7959), uploads keyed by Request-Tag (RFC 9175 §3)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-context-private.h"
#include "coap-udp6-body-stream-private.h"
#include "coap-udp6-code.h"
#include "coap-udp6-error.h"
#include "coap-udp6-request-private.h"
#include "coap-udp6-message-private.h"
#include "coap-udp6-endpoint-address-private.h"

#include <string.h>

/* An integer option's value, or -1 when absent. */
static gint64
option_value (CoapUdp6Message *message,
              guint            number)
{
        guint32 value;

        return coap_udp6_message_get_option_uint (message, number, &value) ? (gint64) value : -1;
}

/* An upload that a resource reads as a stream (Resource:stream-uploads):
 * shared by its entry and the request the resource got. */
typedef struct {
        guint ref_count;
        CoapUdp6BodyStream *stream;         /* owned */
        guint64 received;
        CoapUdp6Request *last;              /* owned, nullable: the last block's, deferred */
        CoapUdp6Message *early;             /* owned, nullable: a response before the last block */
        gboolean responded;
} StreamUpload;

static void
stream_upload_unref (gpointer data)
{
        StreamUpload *su = data;

        if (--su->ref_count > 0)
                return;
        g_clear_object (&su->stream);
        g_clear_object (&su->last);
        g_clear_object (&su->early);
        g_free (su);
}

/* One upload being reassembled, or one representation being served
 * block by block. A representation is kept so that later blocks come
 * from the same rendering (same ETag) without running the handler again,
 * as aiocoap does; see doc/limits.md. */
typedef struct {
        CoapUdp6BlockServer *owner;
        char *key;                          /* owned, also the table's key */
        GByteArray *body;                   /* owned, nullable: an upload so far */
        CoapUdp6Message *representation;    /* owned, nullable: a whole response */
        StreamUpload *upload;               /* a reference, nullable: a streamed upload */
        gsize bytes;
        gint64 expires;                     /* µs, coap_udp6_context_now () */
        GList link;                         /* in owner->order, oldest first */
} Entry;

struct _CoapUdp6BlockServer {
        GHashTable *entries;                /* key → Entry (owned) */
        GQueue order;
        gsize bytes;
        CoapUdp6Timer *expiry;              /* owned, nullable: when the oldest entry expires */
        gint64 expiry_at;
};

static void
entry_free (gpointer data)
{
        Entry *e = data;

        g_queue_unlink (&e->owner->order, &e->link);
        e->owner->bytes -= e->bytes;
        g_free (e->key);
        if (e->body != NULL)
                g_byte_array_unref (e->body);
        g_clear_object (&e->representation);
        if (e->upload != NULL) {
                g_autoptr (GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                                                "The upload was abandoned");

                /* Nothing after the last block: then the stream has ended. */
                coap_udp6_body_stream_fail (e->upload->stream, error);
                stream_upload_unref (e->upload);
        }
        g_free (e);
}

static guint64 hash_body (const guint8 *data,
                          gsize         len);

/* A key is hashed for every block: 8 bytes at a time, where g_str_hash
 * takes a multiplication per character. */
static guint
key_hash (gconstpointer key)
{
        return (guint) hash_body (key, strlen (key));
}

static CoapUdp6BlockServer *
get_block_server (CoapUdp6Context *self)
{
        if (self->block_server == NULL) {
                self->block_server = g_new0 (CoapUdp6BlockServer, 1);
                self->block_server->entries = g_hash_table_new_full (key_hash, g_str_equal,
                                                                     NULL, entry_free);
        }
        return self->block_server;
}

void
coap_udp6_context_block_server_free (CoapUdp6Context *self)
{
        if (self->block_server == NULL)
                return;
        coap_udp6_context_cancel_timer (self, &self->block_server->expiry);
        g_hash_table_unref (self->block_server->entries);
        g_clear_pointer (&self->block_server, g_free);
}

guint64
coap_udp6_context_block_server_gauge (CoapUdp6Context  *self,
                                      CoapUdp6Statistic statistic)
{
        if (self->block_server == NULL)
                return 0;
        if (statistic == COAP_UDP6_STATISTIC_BLOCK_BYTES)
                return self->block_server->bytes;
        return g_hash_table_size (self->block_server->entries);
}

static void
remove_entry (CoapUdp6BlockServer *bs,
              Entry               *e)
{
        g_hash_table_remove (bs->entries, e->key);
}

/* Entries expire EXCHANGE_LIFETIME after their last block; the oldest
 * is first in the queue. */
static void
sweep_expired (CoapUdp6Context     *self,
               CoapUdp6BlockServer *bs)
{
        gint64 now = coap_udp6_context_now (self);

        while (bs->order.head != NULL) {
                Entry *e = bs->order.head->data;

                if (e->expires > now)
                        break;
                remove_entry (bs, e);
        }
}

static void arm_expiry (CoapUdp6Context     *self,
                        CoapUdp6BlockServer *bs);

static void
expiry_cb (gpointer data)
{
        CoapUdp6Context *self = data;
        CoapUdp6BlockServer *bs = self->block_server;

        bs->expiry = NULL;
        sweep_expired (self, bs);
        arm_expiry (self, bs);
}

/* One timer, for the oldest entry: nothing is kept past its lifetime
 * even when no block-wise request comes again. */
static void
arm_expiry (CoapUdp6Context     *self,
            CoapUdp6BlockServer *bs)
{
        Entry *oldest = bs->order.head != NULL ? bs->order.head->data : NULL;

        if (oldest != NULL && bs->expiry != NULL && bs->expiry_at == oldest->expires)
                return;
        coap_udp6_context_cancel_timer (self, &bs->expiry);
        if (oldest == NULL || self->shut_down)
                return;
        bs->expiry_at = oldest->expires;
        bs->expiry = coap_udp6_context_add_timer (self,
                                                  MAX (oldest->expires - coap_udp6_context_now (self), 0) /
                                                  (gdouble) G_USEC_PER_SEC,
                                                  expiry_cb, self);
}

static void
touch (CoapUdp6Context     *self,
       CoapUdp6BlockServer *bs,
       Entry               *e)
{
        e->expires = coap_udp6_context_now (self) +
                     (gint64) (coap_udp6_context_get_exchange_lifetime (self) * G_USEC_PER_SEC);
        g_queue_unlink (&bs->order, &e->link);
        g_queue_push_tail_link (&bs->order, &e->link);
}

/* Drops the oldest entries other than @keep until the limits hold. */
static void
make_room (CoapUdp6Context     *self,
           CoapUdp6BlockServer *bs,
           Entry               *keep)
{
        GList *l = bs->order.head;

        while (l != NULL && (g_hash_table_size (bs->entries) > self->max_block_entries ||
                             bs->bytes > self->max_block_bytes)) {
                Entry *e = l->data;

                l = l->next;
                if (e == keep)
                        continue;
                coap_udp6_context_count (self, COAP_UDP6_STATISTIC_BLOCK_EVICTIONS);
                remove_entry (bs, e);
        }
}

static Entry *
add_entry (CoapUdp6BlockServer *bs,
           char                *key) /* (transfer full) */
{
        Entry *e = g_new0 (Entry, 1);

        e->owner = bs;
        e->key = key;
        e->link.data = e;
        g_queue_push_tail_link (&bs->order, &e->link);
        g_hash_table_replace (bs->entries, e->key, e);
        return e;
}

static void
set_entry_bytes (CoapUdp6BlockServer *bs,
                 Entry               *e,
                 gsize                bytes)
{
        bs->bytes = bs->bytes - e->bytes + bytes;
        e->bytes = bytes;
}

/* Keys are made for every block, so without printf or allocations
 * beyond the key's own. */
static void
append_hex (GString      *key,
            const guint8 *data,
            gsize         len)
{
        static const char digits[] = "0123456789abcdef";
        gsize at = key->len;

        /* Grown once, then written: not two appends per byte. */
        g_string_set_size (key, at + 2 * len);
        for (gsize i = 0; i < len; i++) {
                key->str[at++] = digits[data[i] >> 4];
                key->str[at++] = digits[data[i] & 15];
        }
}

static void
append_uint (GString *key,
             guint32  value)
{
        guint8 bytes[4] = { value >> 24, value >> 16, value >> 8, value };

        append_hex (key, bytes, sizeof bytes);
}

/* Remote (address, scope and port), method and target: what makes two
 * requests the same operation. */
static GString *
operation_key (char             kind,
               CoapUdp6Message *message)
{
        GString *key = g_string_sized_new (128);

        g_string_append_c (key, kind);
        g_string_append_c (key, ' ');
        if (message->remote != NULL) {
                const struct sockaddr_in6 *sin6 = coap_udp6_endpoint_address_peek_native (message->remote);

                append_hex (key, (const guint8 *) &sin6->sin6_addr, sizeof sin6->sin6_addr);
                append_uint (key, sin6->sin6_scope_id);
                append_uint (key, g_ntohs (sin6->sin6_port));
        }
        g_string_append_c (key, ' ');
        append_uint (key, message->code);
        g_string_append_c (key, ' ');
        coap_udp6_message_append_path_query (message, key);
        return key;
}

/* RFC 9175 §3.3: a Request-Tag tells concurrent operations apart. */
static void
append_request_tag (GString         *key,
                    CoapUdp6Message *message)
{
        const CoapUdp6OptionEntry *e = coap_udp6_message_find_option (message, COAP_UDP6_OPTION_REQUEST_TAG);

        g_string_append (key, " tag=");
        /* At most 8 bytes (RFC 9175 §3.2); a longer one is ignored. */
        if (e != NULL && e->len <= 8)
                append_hex (key, coap_udp6_option_entry_data (message, e), e->len);
}

static char *
upload_key (CoapUdp6Message *message)
{
        GString *key = operation_key ('U', message);

        append_request_tag (key, message);
        return g_string_free (key, FALSE);
}

static char *
representation_key (CoapUdp6Message *message)
{
        GString *key = operation_key ('R', message);

        g_string_append (key, " accept=");
        append_uint (key, (guint32) option_value (message, COAP_UDP6_OPTION_ACCEPT));
        append_request_tag (key, message);
        return g_string_free (key, FALSE);
}

static guint
server_szx (CoapUdp6Context            *self,
            const CoapUdp6BlockRequest *block)
{
        guint szx = coap_udp6_context_block_szx (self);

        if (block->has_block2)
                szx = MIN (szx, COAP_UDP6_BLOCK_SZX (block->block2));
        return szx;
}

/* Block @num of @whole, a response with its whole body, into @block, an
 * empty message. */
static CoapUdp6Message *
fill_block (CoapUdp6Message *whole,
            guint            num,
            guint            szx,
            CoapUdp6Message *block)
{
        gsize size = COAP_UDP6_BLOCK_SIZE (szx);
        gsize total = whole->payload_len;
        guint64 start = (guint64) num * size;
        g_autoptr (GBytes) payload = NULL;
        gsize len;

        coap_udp6_message_copy_into (whole, block);
        if (start >= total && num > 0) {
                /* RFC 7959 §2.2: a block beyond the end. */
                coap_udp6_message_set_code (block, COAP_UDP6_CODE_BAD_OPTION);
                coap_udp6_message_set_payload (block, NULL);
                coap_udp6_message_remove_option (block, COAP_UDP6_OPTION_ETAG);
                coap_udp6_message_set_content_format (block, -1);
                return block;
        }
        len = MIN (size, total - start);
        payload = g_bytes_new_from_bytes (coap_udp6_message_get_payload (whole), start, len);
        coap_udp6_message_set_payload (block, payload);
        coap_udp6_message_set_option_uint (block, COAP_UDP6_OPTION_BLOCK2,
                                           COAP_UDP6_BLOCK_VALUE (num, start + len < total, szx));
        /* A size the option cannot carry (4 bytes at most) is left out. */
        coap_udp6_message_set_size2 (block, total <= G_MAXUINT32 ? (gint64) total : -1);
        return block;
}

static CoapUdp6Message *
make_block (CoapUdp6Message *whole,
            guint            num,
            guint            szx)
{
        return fill_block (whole, num, szx, g_object_new (COAP_UDP6_TYPE_MESSAGE, NULL));
}

static void
respond_too_large (CoapUdp6Request *request,
                   guint            limit)
{
        g_autoptr (CoapUdp6Message) reply =
                coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK, COAP_UDP6_CODE_REQUEST_ENTITY_TOO_LARGE);

        /* RFC 7959 §2.9.3: Size1 is the largest body the server takes. */
        coap_udp6_message_set_size1 (reply, limit);
        coap_udp6_request_respond (request, reply);
}

static void
respond_continue (CoapUdp6Context *self,
                  CoapUdp6Request *request,
                  guint            num,
                  guint            szx)
{
        /* One per block: the request's own message, kept from block to block. */
        CoapUdp6Message *reply = coap_udp6_request_take_own_response (request);

        coap_udp6_message_fill_quiet (reply, COAP_UDP6_CODE_CONTINUE, NULL, -1);
        coap_udp6_message_set_option_uint (reply, COAP_UDP6_OPTION_BLOCK1,
                                           COAP_UDP6_BLOCK_VALUE (num, TRUE,
                                                                  MIN (szx, coap_udp6_context_block_szx (self))));
        coap_udp6_request_respond_own (request, reply);
}

/* The resource's response goes to the last block, or to the next block
 * when the upload is not over yet (which ends it). */
static void
stream_respond (CoapUdp6Request *request,
                CoapUdp6Message *response,
                gboolean         own,
                gpointer         user_data)
{
        StreamUpload *su = user_data;

        if (su->responded)
                return;
        su->responded = TRUE;
        if (su->last != NULL) {
                g_autoptr (CoapUdp6Request) last = g_steal_pointer (&su->last);

                coap_udp6_request_respond (last, response);
        } else {
                su->early = coap_udp6_message_copy (response);
        }
}

static CoapUdp6Resource *
streaming_resource (CoapUdp6Context *self,
                    CoapUdp6Message *message)
{
        char short_path[256];
        g_autofree char *long_path = NULL;
        const char *path = short_path;
        gsize len = coap_udp6_message_copy_path (message, short_path, sizeof short_path);
        CoapUdp6Resource *resource;

        if (len >= sizeof short_path) {
                long_path = g_malloc (len + 1);
                coap_udp6_message_copy_path (message, long_path, len + 1);
                path = long_path;
        }
        resource = g_hash_table_lookup (self->resources, path);
        return resource != NULL && coap_udp6_resource_get_stream_uploads (resource) ? resource : NULL;
}

/* Bounded like a reassembly: what the resource has not read yet counts. */
static gboolean
stream_over_limit (CoapUdp6Context     *self,
                   CoapUdp6BlockServer *bs,
                   Entry               *e,
                   CoapUdp6Request     *request)
{
        set_entry_bytes (bs, e, coap_udp6_body_stream_get_buffered (e->upload->stream));
        touch (self, bs, e);
        make_room (self, bs, e);
        if (bs->bytes <= self->max_block_bytes)
                return FALSE;
        remove_entry (bs, e);
        respond_too_large (request, self->max_block_bytes);
        return TRUE;
}

/* Block 0 of an upload to a resource with stream-uploads: the resource
 * runs now, with the body as a stream. */
static gboolean
start_stream (CoapUdp6Context     *self,
              CoapUdp6BlockServer *bs,
              char                *key, /* (transfer full) */
              CoapUdp6Resource    *resource,
              CoapUdp6Request     *request,
              CoapUdp6Message     *message,
              guint32              block1)
{
        StreamUpload *su = g_new0 (StreamUpload, 1);
        g_autoptr (GBytes) first = g_bytes_new (message->payload_data, message->payload_len);
        g_autoptr (CoapUdp6Message) handler_message = NULL;
        g_autoptr (CoapUdp6Request) handler_request = NULL;
        Entry *e;

        su->ref_count = 1;
        su->stream = coap_udp6_body_stream_new ();
        coap_udp6_body_stream_push (su->stream, first);
        su->received = message->payload_len;
        e = add_entry (bs, key);
        e->upload = su;
        if (stream_over_limit (self, bs, e, request))
                return TRUE;
        respond_continue (self, request, 0, COAP_UDP6_BLOCK_SZX (block1));

        handler_message = coap_udp6_message_copy (message);
        coap_udp6_message_remove_option (handler_message, COAP_UDP6_OPTION_BLOCK1);
        coap_udp6_message_remove_option (handler_message, COAP_UDP6_OPTION_SIZE1);
        coap_udp6_message_set_payload (handler_message, NULL);
        su->ref_count++;
        handler_request = coap_udp6_request_new_internal (NULL, handler_message, stream_respond, su,
                                                          stream_upload_unref);
        coap_udp6_request_set_body_stream_internal (handler_request, G_INPUT_STREAM (su->stream));
        g_object_ref (resource);
        coap_udp6_resource_render (resource, handler_request);
        g_object_unref (resource);
        coap_udp6_request_end_render_internal (handler_request);
        return TRUE;
}

/* A later block of a streamed upload. */
static gboolean
stream_block (CoapUdp6Context      *self,
              CoapUdp6BlockServer  *bs,
              Entry                *e,
              CoapUdp6Request      *request,
              CoapUdp6Message      *message,
              guint32               block1,
              CoapUdp6BlockRequest *block)
{
        StreamUpload *su = e->upload;
        guint num = COAP_UDP6_BLOCK_NUM (block1);
        gsize size = COAP_UDP6_BLOCK_SIZE (COAP_UDP6_BLOCK_SZX (block1));
        g_autoptr (GBytes) payload = NULL;

        if (su->early != NULL) {
                /* The resource answered before the end: that ends the upload. */
                coap_udp6_request_respond (request, su->early);
                remove_entry (bs, e);
                return TRUE;
        }
        if (su->received != (guint64) num * size) {
                coap_udp6_context_count (self, COAP_UDP6_STATISTIC_BLOCK_INCOMPLETE);
                coap_udp6_request_respond_code (request, COAP_UDP6_CODE_REQUEST_ENTITY_INCOMPLETE, NULL);
                remove_entry (bs, e);
                return TRUE;
        }
        payload = g_bytes_new (message->payload_data, message->payload_len);
        coap_udp6_body_stream_push (su->stream, payload);
        su->received += message->payload_len;
        if (COAP_UDP6_BLOCK_MORE (block1)) {
                if (!stream_over_limit (self, bs, e, request))
                        respond_continue (self, request, num, COAP_UDP6_BLOCK_SZX (block1));
                return TRUE;
        }
        /* The last block waits for the resource's response (RFC 7959 §2.3:
         * it carries this Block1). */
        coap_udp6_body_stream_finish (su->stream);
        block->has_block1 = TRUE;
        block->block1 = block1;
        if (!su->responded) {
                su->last = g_object_ref (request);
                coap_udp6_request_defer (request);
        }
        remove_entry (bs, e);
        return TRUE;
}

static gboolean
upload_block (CoapUdp6Context      *self,
              CoapUdp6BlockServer  *bs,
              CoapUdp6Request      *request,
              CoapUdp6Message      *message,
              guint32               block1,
              CoapUdp6BlockRequest *block)
{
        guint num = COAP_UDP6_BLOCK_NUM (block1);
        gboolean more = COAP_UDP6_BLOCK_MORE (block1);
        guint szx = COAP_UDP6_BLOCK_SZX (block1);
        gsize size = COAP_UDP6_BLOCK_SIZE (szx);
        gint64 size1 = option_value (message, COAP_UDP6_OPTION_SIZE1);
        g_autofree char *key = NULL;
        g_autoptr (GBytes) body = NULL;
        Entry *e;

        if (more && message->payload_len != size) {
                coap_udp6_request_respond_code (request, COAP_UDP6_CODE_BAD_REQUEST,
                                                "A Block1 block of the wrong size");
                return TRUE;
        }
        key = upload_key (message);
        e = g_hash_table_lookup (bs->entries, key);
        /* A stream is not held whole: max-body-size does not apply. */
        if (e != NULL && e->upload != NULL)
                return stream_block (self, bs, e, request, message, block1, block);
        if (num == 0 && more) {
                CoapUdp6Resource *resource = streaming_resource (self, message);

                if (resource != NULL) {
                        if (e != NULL)
                                remove_entry (bs, e);
                        return start_stream (self, bs, g_steal_pointer (&key), resource, request, message,
                                             block1);
                }
        }
        if ((size1 >= 0 && (guint64) size1 > self->max_body_size) ||
            (guint64) num * size + message->payload_len > self->max_body_size) {
                if (e != NULL)
                        remove_entry (bs, e);
                respond_too_large (request, self->max_body_size);
                return TRUE;
        }
        if (num == 0 && !more) {
                /* The whole body in one block. */
                if (e != NULL)
                        remove_entry (bs, e);
                block->has_block1 = TRUE;
                block->block1 = block1;
                return FALSE;
        }
        if (num == 0) {
                e = add_entry (bs, g_steal_pointer (&key));
                e->body = g_byte_array_new ();
        } else if (e == NULL || e->body == NULL || e->body->len != (guint64) num * size) {
                /* RFC 7959 §2.9.2: a missing or out-of-order block. */
                coap_udp6_context_count (self, COAP_UDP6_STATISTIC_BLOCK_INCOMPLETE);
                coap_udp6_request_respond_code (request, COAP_UDP6_CODE_REQUEST_ENTITY_INCOMPLETE, NULL);
                return TRUE;
        }
        g_byte_array_append (e->body, message->payload_data, message->payload_len);
        set_entry_bytes (bs, e, e->body->len);
        touch (self, bs, e);
        make_room (self, bs, e);
        if (bs->bytes > self->max_block_bytes) {
                /* Alone over the limit of all uploads. */
                remove_entry (bs, e);
                respond_too_large (request, self->max_block_bytes);
                return TRUE;
        }
        if (more) {
                respond_continue (self, request, num, szx);
                return TRUE;
        }
        body = g_byte_array_free_to_bytes (g_steal_pointer (&e->body));
        remove_entry (bs, e);
        /* The handler sees one request with the whole body. */
        coap_udp6_message_set_payload (message, body);
        coap_udp6_message_remove_option (message, COAP_UDP6_OPTION_BLOCK1);
        coap_udp6_message_remove_option (message, COAP_UDP6_OPTION_SIZE1);
        block->has_block1 = TRUE;
        block->block1 = block1;
        return FALSE;
}

static gboolean
server_request (CoapUdp6Context      *self,
                CoapUdp6Request      *request,
                CoapUdp6BlockRequest *block)
{
        CoapUdp6Message *message = coap_udp6_request_get_message (request);
        gint64 block1 = option_value (message, COAP_UDP6_OPTION_BLOCK1);
        gint64 block2 = option_value (message, COAP_UDP6_OPTION_BLOCK2);
        CoapUdp6BlockServer *bs = get_block_server (self);
        g_autofree char *key = NULL;
        Entry *e;

        if ((block1 >= 0 && COAP_UDP6_BLOCK_SZX (block1) == 7) ||
            (block2 >= 0 && COAP_UDP6_BLOCK_SZX (block2) == 7)) {
                coap_udp6_request_respond_code (request, COAP_UDP6_CODE_BAD_REQUEST,
                                                "SZX 7 is reserved (RFC 7959 §2.2)");
                return TRUE;
        }
        sweep_expired (self, bs);
        if (block1 >= 0 && upload_block (self, bs, request, message, (guint32) block1, block))
                return TRUE;
        if (block2 < 0)
                return FALSE;
        block->has_block2 = TRUE;
        block->block2 = (guint32) block2;
        if (COAP_UDP6_BLOCK_NUM (block2) == 0 || block->has_block1)
                return FALSE;               /* a fresh rendering */
        key = representation_key (message);
        e = g_hash_table_lookup (bs->entries, key);
        if (e != NULL && e->representation != NULL) {
                CoapUdp6Message *reply = fill_block (e->representation, COAP_UDP6_BLOCK_NUM (block2),
                                                     server_szx (self, block),
                                                     coap_udp6_request_take_own_response (request));

                block->has_block2 = FALSE;
                block->from_representation = TRUE;
                coap_udp6_request_respond_own (request, reply);
                return TRUE;
        }
        /* Rendering again is safe for GET and FETCH only. */
        if (message->code != COAP_UDP6_CODE_GET && message->code != COAP_UDP6_CODE_FETCH) {
                coap_udp6_context_count (self, COAP_UDP6_STATISTIC_BLOCK_INCOMPLETE);
                coap_udp6_request_respond_code (request, COAP_UDP6_CODE_REQUEST_ENTITY_INCOMPLETE,
                                                "The response is no longer kept");
                return TRUE;
        }
        return FALSE;
}

/* A 64-bit hash of the body, 8 bytes at a time: an ETag only tells two
 * renderings apart and needs no cryptographic strength, while a SHA-256
 * of 1 MiB cost as much as sending 500 of its blocks. */
static guint64
hash_body (const guint8 *data,
           gsize         len)
{
        guint64 h = G_GUINT64_CONSTANT (0x9e3779b97f4a7c15) ^ len;
        guint64 w;
        gsize i;

        for (i = 0; i + 8 <= len; i += 8) {
                memcpy (&w, data + i, 8);
                h = (h ^ w) * G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
                h ^= h >> 32;
        }
        w = 0;
        if (len > i)
                memcpy (&w, data + i, len - i);
        h = (h ^ w) * G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
        h ^= h >> 33;
        h *= G_GUINT64_CONSTANT (0xc4ceb9fe1a85ec53);
        return h ^ (h >> 33);
}

static void
add_etag (CoapUdp6Message *whole)
{
        guint64 h = GUINT64_TO_BE (hash_body (whole->payload_data, whole->payload_len));

        coap_udp6_message_add_etag_data (whole, (const guint8 *) &h, sizeof h);
}

gboolean
coap_udp6_context_block_server_request (CoapUdp6Context      *self,
                                        CoapUdp6Request      *request,
                                        CoapUdp6BlockRequest *block)
{
        gboolean answered = server_request (self, request, block);

        arm_expiry (self, get_block_server (self));
        return answered;
}

CoapUdp6Message *
coap_udp6_context_block_server_response (CoapUdp6Context            *self,
                                         CoapUdp6Message            *request,
                                         CoapUdp6Message            *response,
                                         const CoapUdp6BlockRequest *block)
{
        guint szx = server_szx (self, block);
        guint num = block->has_block2 ? COAP_UDP6_BLOCK_NUM (block->block2) : 0;
        g_autoptr (CoapUdp6Message) whole = NULL;
        CoapUdp6Message *reply;

        if (G_UNLIKELY (coap_udp6_message_has_option (response, COAP_UDP6_OPTION_BLOCK2))) {
                /* The handler serves its blocks itself: sent as they are,
                 * nothing kept (a representation of any size). */
                if (!block->has_block1)
                        return NULL;
                reply = coap_udp6_message_copy (response);
        } else if (response->payload_len <= COAP_UDP6_BLOCK_SIZE (szx) && num == 0) {
                if (!block->has_block1 && !block->has_block2)
                        return NULL;
                reply = coap_udp6_message_copy (response);
                /* A Block2 request for a small resource is answered in kind. */
                if (block->has_block2)
                        coap_udp6_message_set_option_uint (reply, COAP_UDP6_OPTION_BLOCK2,
                                                           COAP_UDP6_BLOCK_VALUE (0, FALSE, szx));
        } else {
                CoapUdp6BlockServer *bs = get_block_server (self);
                Entry *e;

                whole = coap_udp6_message_copy (response);
                if (!coap_udp6_message_has_option (whole, COAP_UDP6_OPTION_ETAG))
                        add_etag (whole);
                reply = make_block (whole, num, szx);
                if (whole->payload_len <= self->max_block_bytes) {
                        e = add_entry (bs, representation_key (request));
                        e->representation = g_steal_pointer (&whole);
                        set_entry_bytes (bs, e, e->representation->payload_len);
                        touch (self, bs, e);
                        make_room (self, bs, e);
                        arm_expiry (self, bs);
                }
        }
        /* RFC 7959 §2.3: the final response to an upload carries its Block1. */
        if (block->has_block1)
                coap_udp6_message_set_option_uint (reply, COAP_UDP6_OPTION_BLOCK1,
                                                   COAP_UDP6_BLOCK_VALUE (COAP_UDP6_BLOCK_NUM (block->block1),
                                                                          FALSE,
                                                                          COAP_UDP6_BLOCK_SZX (block->block1)));
        return reply;
}
