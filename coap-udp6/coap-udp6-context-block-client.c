/* coap-udp6-context-block-client.c: block-wise requests (RFC 7959) with
 * Request-Tag and Echo (RFC 9175)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-context-private.h"
#include "coap-udp6-block-client-private.h"
#include "coap-udp6-message-private.h"
#include "coap-udp6-code.h"
#include "coap-udp6-error.h"

#include <string.h>

/* An integer option's value, or -1 when absent. */
static gint64
option_value (CoapUdp6Message *message,
              guint            number)
{
        guint32 value;

        return coap_udp6_message_get_option_uint (message, number, &value) ? (gint64) value : -1;
}

/* A representation that changes this often during one download fails. */
#define MAX_RESTARTS 3
/* Times one block is asked for again after an answer for an earlier one
 * came in its own ACK: answers_block_in_flight(). */
#define MAX_STALE_ANSWERS 3
/* Echo challenges answered within one operation (RFC 9175 §2.3). */
#define MAX_ECHOES 4

guint
coap_udp6_context_block_szx (CoapUdp6Context *self)
{
        return g_bit_storage (self->block_size) - 5;
}

void
coap_udp6_block_client_free (CoapUdp6BlockClient *bc)
{
        if (bc->read_op != NULL)
                bc->read_op->bc = NULL;
        if (bc->write_op != NULL)
                bc->write_op->bc = NULL;
        g_clear_object (&bc->source);
        g_queue_clear_full (&bc->ahead, (GDestroyNotify) g_bytes_unref);
        g_clear_error (&bc->read_error);
        g_clear_object (&bc->sink);
        g_clear_pointer (&bc->sink_pending, g_byte_array_unref);
        g_clear_object (&bc->cancellable);
        if (bc->progress_destroy != NULL)
                bc->progress_destroy (bc->progress_data);
        g_clear_object (&bc->final);
        g_clear_object (&bc->start_task);
        g_clear_object (&bc->start_context);
        g_clear_object (&bc->start_request);
        g_clear_pointer (&bc->upload, g_bytes_unref);
        if (bc->body != NULL)
                g_byte_array_unref (bc->body);
        g_clear_pointer (&bc->etag, g_bytes_unref);
        g_free (bc);
}

static CoapUdp6BlockClient *
ensure_block (CoapUdp6Exchange *ex)
{
        if (ex->block == NULL) {
                ex->block = g_new0 (CoapUdp6BlockClient, 1);
                ex->block->size2 = -1;
                ex->block->source_size = -1;
        }
        ex->block->ex = ex;
        return ex->block;
}

static void
fail (CoapUdp6Exchange *ex,
      gint              code,
      const char       *format,
      ...) G_GNUC_PRINTF (3, 4);

static void
fail (CoapUdp6Exchange *ex,
      gint              code,
      const char       *format,
      ...)
{
        g_autoptr (GError) error = NULL;
        va_list args;

        va_start (args, format);
        error = g_error_new_valist (COAP_UDP6_ERROR, code, format, args);
        va_end (args);
        coap_udp6_exchange_finish (ex, NULL, error);
}

/* Puts the block of the upload that starts at bc->sent into the request. */
static void
set_upload_block (CoapUdp6Exchange *ex)
{
        CoapUdp6BlockClient *bc = ex->block;
        gsize total = g_bytes_get_size (bc->upload);
        gsize size = COAP_UDP6_BLOCK_SIZE (bc->szx1);
        g_autoptr (GBytes) payload = NULL;
        gboolean more;

        bc->current = MIN (size, total - bc->sent);
        more = bc->sent + bc->current < total;
        payload = g_bytes_new_from_bytes (bc->upload, bc->sent, bc->current);
        coap_udp6_message_set_payload (ex->request, payload);
        coap_udp6_message_set_option_uint (ex->request, COAP_UDP6_OPTION_BLOCK1,
                                           COAP_UDP6_BLOCK_VALUE (bc->sent / size, more, bc->szx1));
        /* RFC 7959 §4: Size1 tells the server the whole size up front. */
        /* A size the option cannot carry (4 bytes at most) is left out. */
        coap_udp6_message_set_size1 (ex->request, bc->sent == 0 && total <= G_MAXUINT32 ? (gint64) total : -1);
}

/* RFC 9175 §3.4: concurrent uploads to one resource never mix. */
static void
add_request_tag (CoapUdp6Message *request)
{
        g_autoptr (GPtrArray) tags = coap_udp6_message_get_request_tags (request);

        if (tags == NULL || tags->len == 0) {
                guint32 tag = g_random_int ();
                g_autoptr (GBytes) value = g_bytes_new (&tag, sizeof tag);

                coap_udp6_message_add_request_tag (request, value);
        }
}

static void
start_upload (CoapUdp6Exchange *ex,
              guint             szx)
{
        CoapUdp6BlockClient *bc = ensure_block (ex);

        if (bc->upload == NULL)
                bc->upload = g_bytes_ref (coap_udp6_message_get_payload (ex->request));
        bc->szx1 = szx;
        bc->sent = 0;
        add_request_tag (ex->request);
        set_upload_block (ex);
}

void
coap_udp6_block_client_report (CoapUdp6BlockClient *bc,
        guint64              done,
        gint64               total,
        gboolean             upload)
{
        if (bc->progress != NULL)
                bc->progress (done, total, upload, bc->progress_data);
}

/* The per-request override is a Block1 or Block2 option the caller put in
 * the request (NUM 0): its SZX is the block size asked for. */
void
coap_udp6_context_block_client_prepare (CoapUdp6Context  *self,
                                        CoapUdp6Exchange *ex)
{
        CoapUdp6Message *req = ex->request;
        gint64 block1 = option_value (req, COAP_UDP6_OPTION_BLOCK1);
        gint64 block2 = option_value (req, COAP_UDP6_OPTION_BLOCK2);
        guint szx = coap_udp6_context_block_szx (self);
        guint szx1 = block1 >= 0 ? MIN (COAP_UDP6_BLOCK_SZX (block1), 6) : szx;
        CoapUdp6BlockClient *bc = ex->block;

        if (bc != NULL)
                bc->ex = ex;
        if (bc != NULL && bc->source != NULL) {
                /* The first block was read before the exchange began. */
                bc->current = req->payload_len;
                if (bc->source_more)
                        add_request_tag (req);
                else
                        bc->upload_done = TRUE;
        } else if ((block1 < 0 || COAP_UDP6_BLOCK_NUM (block1) == 0) &&
                   req->payload_len > COAP_UDP6_BLOCK_SIZE (szx1)) {
                /* A Block1 option with NUM > 0 is a block the caller sends itself. */
                start_upload (ex, szx1);
                return;
        }
        /* RFC 7959 §4 (early negotiation): ask for smaller blocks from the start. */
        if (block1 < 0 && block2 < 0 && szx < 6)
                coap_udp6_message_set_option_uint (req, COAP_UDP6_OPTION_BLOCK2,
                                                   COAP_UDP6_BLOCK_VALUE (0, FALSE, szx));
}

/* RFC 9175 §2.3: a 4.01 with Echo asks for the same request with that Echo. */
static gboolean
answer_echo (CoapUdp6Exchange *ex,
             CoapUdp6Message  *response)
{
        g_autoptr (GBytes) echo = coap_udp6_message_get_echo (response);
        CoapUdp6BlockClient *bc;

        if (echo == NULL)
                return FALSE;
        bc = ensure_block (ex);
        if (bc->echoes >= MAX_ECHOES)
                return FALSE;
        bc->echoes++;
        coap_udp6_message_set_echo (ex->request, echo);
        coap_udp6_exchange_restart (ex);
        return TRUE;
}

/* RFC 7959 §2.9.3: 4.13 with Size1 (what the server takes at most) or
 * Block1 (the block size it wants). */
static gboolean
answer_too_large (CoapUdp6Context  *self,
                  CoapUdp6Exchange *ex,
                  CoapUdp6Message  *response)
{
        CoapUdp6BlockClient *bc = ex->block;
        gint64 size1 = option_value (response, COAP_UDP6_OPTION_SIZE1);

        if (bc != NULL && bc->source != NULL)
                return FALSE;               /* a stream is not read twice */
        {
        gint64 block1 = option_value (response, COAP_UDP6_OPTION_BLOCK1);
        gsize total = bc != NULL && bc->upload != NULL ? g_bytes_get_size (bc->upload)
                                                       : ex->request->payload_len;
        guint szx = bc != NULL && bc->upload != NULL ? bc->szx1 : coap_udp6_context_block_szx (self);

        if (size1 >= 0 && (guint64) size1 < total)
                return FALSE;               /* the application sees the 4.13 */
        if (bc != NULL && bc->resized_for_413)
                return FALSE;
        if (block1 >= 0 && COAP_UDP6_BLOCK_SZX (block1) < szx)
                szx = COAP_UDP6_BLOCK_SZX (block1);
        else if (bc != NULL && bc->upload != NULL && szx > 0)
                szx--;
        else if (bc != NULL && bc->upload != NULL)
                return FALSE;
        /* The largest block smaller than the body, so that it goes in
         * blocks; a body of 16 bytes or less goes in one block of 16. */
        if (total <= COAP_UDP6_BLOCK_SIZE (szx) && szx > 0)
                szx = g_bit_storage (MAX (total, 17) - 1) - 5;
        ensure_block (ex)->resized_for_413 = TRUE;
        start_upload (ex, szx);
        coap_udp6_exchange_restart (ex);
        return TRUE;
        }
}

/* Whether the Block1 option of an answer is for the block at @offset
 * (of @size bytes), the one in flight. NUM counts blocks of our size or
 * of the smaller one the server asks for (RFC 7959 §2.3). */
static gboolean
block1_matches (guint32 value,
                guint64 offset,
                gsize   size)
{
        guint64 num = COAP_UDP6_BLOCK_NUM (value);

        return num == offset / size || num * COAP_UDP6_BLOCK_SIZE (COAP_UDP6_BLOCK_SZX (value)) == offset;
}

/* An answer to an earlier block: the blocks of one transfer share a
 * token, so a late duplicate (a separate response sent twice, a NON
 * the network doubled) arrives with it and must not answer the block in
 * flight. */
static gboolean
block1_earlier (guint32 value,
                guint64 offset,
                gsize   size)
{
        guint64 num = COAP_UDP6_BLOCK_NUM (value);

        return num < offset / size || num * COAP_UDP6_BLOCK_SIZE (COAP_UDP6_BLOCK_SZX (value)) < offset;
}

/* Whether @response, which answers an earlier block than the one in
 * flight, came piggybacked in the ACK of the request in flight: then it
 * is not a late duplicate but what the server's deduplication kept for
 * an earlier request with the same Message ID. RFC 7252 §4.4 forbids
 * reusing a Message ID with one endpoint within EXCHANGE_LIFETIME, but a
 * transfer of more than 65 536 blocks wraps the 16-bit ID sooner, as
 * every CoAP client does; a server that kept the first request's reply
 * (ours keeps the one that made a representation) answers the block
 * 65 536 requests later with it. Asked again with the next Message ID,
 * the request is new to the server, up to MAX_STALE_ANSWERS times for one
 * block; then @ex fails. TRUE when @response was such an answer. */
static gboolean
answers_block_in_flight (CoapUdp6Exchange *ex,
                         CoapUdp6Message  *response)
{
        CoapUdp6BlockClient *bc = ex->block;

        if (response->mtype != COAP_UDP6_MESSAGE_TYPE_ACK ||
            coap_udp6_message_get_mid (response) != coap_udp6_message_get_mid (ex->request))
                return FALSE;
        if (++bc->stale_answers > MAX_STALE_ANSWERS) {
                fail (ex, COAP_UDP6_ERROR_BLOCKWISE,
                      "The server answered %u requests for one block with an earlier block",
                      MAX_STALE_ANSWERS + 1);
                return TRUE;
        }
        g_debug ("An earlier block in the ACK of message ID %u: asked again with a new one",
                 coap_udp6_message_get_mid (response));
        coap_udp6_exchange_continue (ex);
        return TRUE;
}

/* TRUE when the next block was sent, @ex failed or @response was a 2.31
 * for an earlier block. */
static gboolean
upload_step (CoapUdp6Exchange *ex,
             CoapUdp6Message  *response)
{
        CoapUdp6BlockClient *bc = ex->block;
        gint64 block1 = option_value (response, COAP_UDP6_OPTION_BLOCK1);
        guint size = COAP_UDP6_BLOCK_SIZE (bc->szx1);
        gboolean last = bc->source != NULL ? !bc->source_more
                                           : bc->sent + bc->current >= g_bytes_get_size (bc->upload);

        if (response->code == COAP_UDP6_CODE_CONTINUE) {
                /* Earlier blocks were all answered 2.31: a late duplicate is one. */
                if (block1 >= 0 && !block1_matches (block1, bc->sent, size) &&
                    block1_earlier (block1, bc->sent, size)) {
                        if (!answers_block_in_flight (ex, response))
                                g_debug ("An answer to an earlier block of an upload, ignored");
                        return TRUE;
                }
                if (block1 < 0 || !block1_matches (block1, bc->sent, size) || last) {
                        fail (ex, COAP_UDP6_ERROR_BLOCKWISE,
                              "2.31 Continue for the wrong block of the upload");
                        return TRUE;
                }
                bc->sent += bc->current;
                bc->stale_answers = 0;
                coap_udp6_block_client_report (bc, bc->sent, bc->source != NULL ? bc->source_size
                                                         : (gint64) g_bytes_get_size (bc->upload), TRUE);
                /* RFC 7959 §2.3: the server may ask for smaller blocks. */
                if (COAP_UDP6_BLOCK_SZX (block1) < bc->szx1)
                        bc->szx1 = COAP_UDP6_BLOCK_SZX (block1);
                if (bc->source != NULL) {
                        coap_udp6_block_stream_next_block (ex);
                        return TRUE;
                }
                if (!coap_udp6_block_client_num_fits (ex, bc->sent, bc->szx1))
                        return TRUE;
                set_upload_block (ex);
                coap_udp6_exchange_continue (ex);
                return TRUE;
        }
        if (!coap_udp6_code_is_successful (response->code))
                return FALSE;               /* 4.08, 4.00, 5.xx: the application sees it */
        if (!last) {
                const char *code = coap_udp6_code_to_string (response->code);

                fail (ex, COAP_UDP6_ERROR_BLOCKWISE,
                      "The server answered %s before the last block of the upload", code);
                return TRUE;
        }
        bc->upload_done = TRUE;
        bc->sent += bc->current;
        bc->stale_answers = 0;
        coap_udp6_block_client_report (bc, bc->sent, bc->source != NULL ? bc->source_size
                                                 : (gint64) g_bytes_get_size (bc->upload), TRUE);
        return FALSE;
}

gboolean
coap_udp6_block_client_num_fits (CoapUdp6Exchange *ex,
                                 guint64           offset,
                                 guint             szx)
{
        if (offset / COAP_UDP6_BLOCK_SIZE (szx) <= COAP_UDP6_BLOCK_MAX_NUM)
                return TRUE;
        fail (ex, COAP_UDP6_ERROR_BLOCKWISE,
              "The body goes past block %u of %u bytes, the last a Block option can name "
              "(RFC 7959 §2.2)", COAP_UDP6_BLOCK_MAX_NUM, COAP_UDP6_BLOCK_SIZE (szx));
        return FALSE;
}

void
coap_udp6_block_client_request_block2 (CoapUdp6Exchange *ex,
                guint64           num,
                guint             szx,
                gboolean          restart)
{
        CoapUdp6Message *req = ex->request;

        if (!coap_udp6_block_client_num_fits (ex, num * COAP_UDP6_BLOCK_SIZE (szx), szx))
                return;

        /* RFC 7959 §3.2: after an upload, the rest of the response is asked
         * for without a payload or Block1. */
        if (ex->block->upload != NULL || ex->block->source != NULL) {
                coap_udp6_message_set_payload (req, NULL);
                coap_udp6_message_remove_option (req, COAP_UDP6_OPTION_BLOCK1);
                coap_udp6_message_remove_option (req, COAP_UDP6_OPTION_SIZE1);
        }
        /* RFC 7959 §2.6, §3.4: the rest of a registration's answer is
         * asked for without Observe. */
        coap_udp6_message_remove_option (req, COAP_UDP6_OPTION_OBSERVE);
        coap_udp6_message_set_option_uint (req, COAP_UDP6_OPTION_BLOCK2,
                                           COAP_UDP6_BLOCK_VALUE (num, FALSE, szx));
        if (restart)
                coap_udp6_exchange_restart (ex);
        else
                coap_udp6_exchange_continue (ex);
}

/* The response's ETag (RFC 7252 §5.10.6: 1 to 8 bytes), read in place:
 * a GBytes of an option would copy the whole datagram, for every block. */
static const CoapUdp6OptionEntry *
peek_etag (CoapUdp6Message *response)
{
        const CoapUdp6OptionEntry *e = coap_udp6_message_find_option (response, COAP_UDP6_OPTION_ETAG);

        return e != NULL && e->len >= 1 && e->len <= 8 ? e : NULL;
}

static gboolean
same_etag (CoapUdp6Message *response,
           GBytes          *etag)
{
        const CoapUdp6OptionEntry *e = peek_etag (response);
        gsize len;
        const guint8 *data;

        if (e == NULL || etag == NULL)
                return e == NULL && etag == NULL;
        data = g_bytes_get_data (etag, &len);
        return e->len == len && memcmp (coap_udp6_option_entry_data (response, e), data, len) == 0;
}

static GBytes *
take_etag (CoapUdp6Message *response)
{
        const CoapUdp6OptionEntry *e = peek_etag (response);

        return e != NULL ? g_bytes_new (coap_udp6_option_entry_data (response, e), e->len) : NULL;
}

/* TRUE when @response was taken. */
static gboolean
download_step (CoapUdp6Context  *self,
               CoapUdp6Exchange *ex,
               CoapUdp6Message  *response,
               guint32           block2)
{
        CoapUdp6BlockClient *bc = ensure_block (ex);
        guint szx = COAP_UDP6_BLOCK_SZX (block2);
        gsize size = COAP_UDP6_BLOCK_SIZE (szx);
        gboolean more = COAP_UDP6_BLOCK_MORE (block2);
        guint64 start = (guint64) COAP_UDP6_BLOCK_NUM (block2) * size;
        gint64 size2 = option_value (response, COAP_UDP6_OPTION_SIZE2);
        g_autoptr (CoapUdp6Message) whole = NULL;
        g_autoptr (GBytes) payload = NULL;

        if (szx == 7) {
                fail (ex, COAP_UDP6_ERROR_BLOCKWISE, "A Block2 option with the reserved SZX 7");
                return TRUE;
        }
        if (!bc->downloading) {
                gint64 asked = option_value (ex->request, COAP_UDP6_OPTION_BLOCK2);

                /* RFC 7959 §2.4: a body starts at block 0, unless the
                 * caller asked for a later block itself. */
                if (start != 0 && (asked < 0 || COAP_UDP6_BLOCK_NUM (asked) == 0)) {
                        fail (ex, COAP_UDP6_ERROR_BLOCKWISE,
                              "The first answer is block %u of the body, not block 0",
                              COAP_UDP6_BLOCK_NUM (block2));
                        return TRUE;
                }
                /* A single block, or a block the caller asked for itself. */
                if (!more || start != 0)
                        return FALSE;
                bc->downloading = TRUE;
                bc->received = 0;
                if (bc->sink == NULL)
                        bc->body = g_byte_array_new ();
                bc->etag = take_etag (response);
        } else if (start < bc->received && same_etag (response, bc->etag)) {
                /* A late duplicate of an earlier block (see block1_earlier()). */
                if (!answers_block_in_flight (ex, response))
                        g_debug ("A block of a download that was already taken, ignored");
                return TRUE;
        } else if (!same_etag (response, bc->etag)) {
                /* RFC 7959 §2.4: blocks of another representation never mix.
                 * Only a safe request may be made again from the start, and
                 * only into memory. */
                gboolean safe = ex->request->code == COAP_UDP6_CODE_GET ||
                                ex->request->code == COAP_UDP6_CODE_FETCH;

                if (!safe || bc->upload != NULL || bc->source != NULL || bc->sink != NULL) {
                        fail (ex, COAP_UDP6_ERROR_BLOCKWISE,
                              "The response changed (new ETag) during the download");
                        return TRUE;
                }
                if (++bc->restarts > MAX_RESTARTS) {
                        fail (ex, COAP_UDP6_ERROR_BLOCKWISE,
                              "The representation changed (new ETag) during %u downloads",
                              bc->restarts);
                        return TRUE;
                }
                g_clear_pointer (&bc->etag, g_bytes_unref);
                bc->received = 0;
                if (start == 0 && more) {
                        g_byte_array_set_size (bc->body, 0);
                        bc->etag = take_etag (response);
                } else {
                        g_clear_pointer (&bc->body, g_byte_array_unref);
                        bc->downloading = FALSE;
                        coap_udp6_block_client_request_block2 (ex, 0, szx, TRUE);
                        return TRUE;
                }
        } else if (start != bc->received) {
                fail (ex, COAP_UDP6_ERROR_BLOCKWISE,
                      "Block %u arrived where the block at byte %" G_GUINT64_FORMAT " was expected",
                      COAP_UDP6_BLOCK_NUM (block2), bc->received);
                return TRUE;
        }
        if ((more && response->payload_len != size) || response->payload_len > size) {
                fail (ex, COAP_UDP6_ERROR_BLOCKWISE,
                      "Block %u has %" G_GSIZE_FORMAT " bytes instead of %" G_GSIZE_FORMAT,
                      COAP_UDP6_BLOCK_NUM (block2), response->payload_len, size);
                return TRUE;
        }
        bc->stale_answers = 0;
        if (bc->sink != NULL) {
                /* Memory stays flat: no limit but the stream's. */
                coap_udp6_block_stream_write (ex, response, more, szx);
                return TRUE;
        }
        if ((size2 >= 0 && (guint64) size2 > self->max_body_size) ||
            bc->received + response->payload_len > self->max_body_size) {
                fail (ex, COAP_UDP6_ERROR_BODY_TOO_LARGE,
                      "The response body is larger than max-body-size (%u bytes)",
                      self->max_body_size);
                return TRUE;
        }
        if (size2 >= 0)
                bc->size2 = size2;
        g_byte_array_append (bc->body, response->payload_data, response->payload_len);
        bc->received = bc->body->len;
        coap_udp6_block_client_report (bc, bc->received, bc->size2, FALSE);
        if (more) {
                coap_udp6_block_client_request_block2 (ex, bc->received / size, szx, FALSE);
                return TRUE;
        }
        whole = coap_udp6_message_copy (response);
        coap_udp6_message_remove_option (whole, COAP_UDP6_OPTION_BLOCK2);
        coap_udp6_message_set_size2 (whole, -1);
        payload = g_byte_array_free_to_bytes (g_steal_pointer (&bc->body));
        coap_udp6_message_set_payload (whole, payload);
        coap_udp6_exchange_finish (ex, whole, NULL);
        return TRUE;
}

gboolean
coap_udp6_context_block_client_response (CoapUdp6Context  *self,
                                         CoapUdp6Exchange *ex,
                                         CoapUdp6Message  *response)
{
        CoapUdp6BlockClient *bc = ex->block;
        gint64 block2;

        if (response->code == COAP_UDP6_CODE_UNAUTHORIZED)
                return answer_echo (ex, response);
        if (response->code == COAP_UDP6_CODE_REQUEST_ENTITY_TOO_LARGE)
                return answer_too_large (self, ex, response);
        if (bc != NULL && (bc->upload != NULL || bc->source != NULL) && !bc->upload_done &&
            upload_step (ex, response))
                return TRUE;
        if (bc != NULL && bc->upload_done && response->code == COAP_UDP6_CODE_CONTINUE)
                return TRUE;                /* a late duplicate, see block1_earlier() */
        if (!coap_udp6_code_is_successful (response->code))
                return FALSE;
        block2 = option_value (response, COAP_UDP6_OPTION_BLOCK2);
        if (block2 >= 0 && download_step (self, ex, response, (guint32) block2))
                return TRUE;
        if (block2 < 0 && bc != NULL && bc->downloading) {
                fail (ex, COAP_UDP6_ERROR_BLOCKWISE,
                      "A response without Block2 in the middle of a block-wise download");
                return TRUE;
        }
        if (bc != NULL && bc->sink != NULL) {
                /* A body in one message goes to the sink too. */
                coap_udp6_block_stream_write (ex, response, FALSE, 0);
                return TRUE;
        }
        return FALSE;
}
