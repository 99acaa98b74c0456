/* coap-udp6-context-block-stream.c: block-wise requests (RFC 7959)
 * whose bodies come from a GInputStream and go to a GOutputStream
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-context-private.h"
#include "coap-udp6-block-client-private.h"
#include "coap-udp6-message-private.h"

#include <string.h>

/* An integer option's value, or -1 when absent. */
static gint64
option_value (CoapUdp6Message *message,
              guint            number)
{
        guint32 value;

        return coap_udp6_message_get_option_uint (message, number, &value) ? (gint64) value : -1;
}

/* Streams are read and written this many bytes at a time, not a block at
 * a time: a file's asynchronous read or write runs in a worker thread,
 * and one hand-over per block halved the throughput. Memory stays flat. */
#define STREAM_BUFFER_SIZE (64 * 1024)

static StreamOp *
op_new (CoapUdp6BlockClient *bc,
        gboolean             write,
        GBytes              *data)
{
        StreamOp *op = g_new0 (StreamOp, 1);

        op->bc = bc;
        op->write = write;
        op->data = data;
        if (write)
                bc->write_op = op;
        else
                bc->read_op = op;
        return op;
}

/* The transfer @op was for, or NULL when it has ended. */
static CoapUdp6BlockClient *
op_end (StreamOp *op)
{
        CoapUdp6BlockClient *bc = op->bc;

        if (bc != NULL && op->write)
                bc->write_op = NULL;
        else if (bc != NULL)
                bc->read_op = NULL;
        g_clear_pointer (&op->data, g_bytes_unref);
        g_clear_object (&op->task);
        g_clear_error (&op->error);
        g_free (op);
        return bc;
}

static gsize
source_available (CoapUdp6BlockClient *bc)
{
        return bc->ahead_len;
}

/* The buffer holds the next block and a byte more (so whether more
 * follows is known), or the rest of the stream. */
static gboolean
block_buffered (CoapUdp6BlockClient *bc)
{
        return bc->source_eof || source_available (bc) > COAP_UDP6_BLOCK_SIZE (bc->szx1);
}

static void source_read_cb (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data);

/* Reads ahead while the buffered blocks go out: the upload waits for a
 * read only when the network outran it. A read of a file runs in a
 * worker thread, which on a loaded machine waited milliseconds for a CPU
 * while the upload stood still (perf sched, doc/performance.md). One read
 * at a time; at most two reads' worth buffered. */
static void
read_ahead (CoapUdp6BlockClient *bc)
{
        if (bc->source_eof || bc->read_op != NULL || bc->read_error != NULL ||
            source_available (bc) >= STREAM_BUFFER_SIZE)
                return;
        g_input_stream_read_bytes_async (bc->source, STREAM_BUFFER_SIZE, G_PRIORITY_DEFAULT,
                                         bc->cancellable, source_read_cb, op_new (bc, FALSE, NULL));
}

/* The next block from the reads buffered, which hold it
 * (block_buffered()): a slice of one read, copied only when it spans two. */
static GBytes *
take_block (CoapUdp6BlockClient *bc)
{
        gsize len = MIN (bc->ahead_len, COAP_UDP6_BLOCK_SIZE (bc->szx1));
        GBytes *first = g_queue_peek_head (&bc->ahead);
        GBytes *block;

        if (len == 0) {
                block = g_bytes_new (NULL, 0);
        } else if (g_bytes_get_size (first) - bc->ahead_pos >= len) {
                block = g_bytes_new_from_bytes (first, bc->ahead_pos, len);
                bc->ahead_pos += len;
        } else {
                guint8 *data = g_malloc (len);
                gsize done = 0;

                while (done < len) {
                        GBytes *chunk = g_queue_peek_head (&bc->ahead);
                        gsize n = MIN (len - done, g_bytes_get_size (chunk) - bc->ahead_pos);

                        memcpy (data + done, (const guint8 *) g_bytes_get_data (chunk, NULL) + bc->ahead_pos, n);
                        done += n;
                        bc->ahead_pos += n;
                        if (bc->ahead_pos == g_bytes_get_size (chunk)) {
                                g_bytes_unref (g_queue_pop_head (&bc->ahead));
                                bc->ahead_pos = 0;
                        }
                }
                block = g_bytes_new_take (data, len);
        }
        first = g_queue_peek_head (&bc->ahead);
        if (first != NULL && bc->ahead_pos == g_bytes_get_size (first)) {
                g_bytes_unref (g_queue_pop_head (&bc->ahead));
                bc->ahead_pos = 0;
        }
        bc->ahead_len -= len;
        bc->source_more = bc->ahead_len > 0;
        read_ahead (bc);
        return block;
}

static void
send_stream_block (CoapUdp6Exchange *ex)
{
        CoapUdp6BlockClient *bc = ex->block;
        g_autoptr (GBytes) block = NULL;

        if (!coap_udp6_block_client_num_fits (ex, bc->sent, bc->szx1))
                return;
        block = take_block (bc);

        bc->current = g_bytes_get_size (block);
        coap_udp6_message_set_payload (ex->request, block);
        coap_udp6_message_set_option_uint (ex->request, COAP_UDP6_OPTION_BLOCK1,
                                           COAP_UDP6_BLOCK_VALUE (bc->sent / COAP_UDP6_BLOCK_SIZE (bc->szx1),
                                                                  bc->source_more, bc->szx1));
        coap_udp6_message_set_size1 (ex->request, -1);
        coap_udp6_exchange_continue (ex);
}

/* The request's first block is read: the exchange begins. */
static void
start_first_block (CoapUdp6BlockClient *bc)
{
        g_autoptr (GTask) task = g_steal_pointer (&bc->start_task);
        g_autoptr (CoapUdp6Context) self = g_steal_pointer (&bc->start_context);
        g_autoptr (CoapUdp6Message) request = g_steal_pointer (&bc->start_request);
        g_autoptr (GBytes) block = NULL;

        if (!block_buffered (bc)) {
                GError *error = g_steal_pointer (&bc->read_error);

                coap_udp6_block_client_free (bc);
                g_task_return_error (task, error);
                return;
        }
        block = take_block (bc);
        coap_udp6_message_set_payload (request, block);
        if (bc->source_more) {
                coap_udp6_message_set_option_uint (request, COAP_UDP6_OPTION_BLOCK1,
                                                   COAP_UDP6_BLOCK_VALUE (0, TRUE, bc->szx1));
                /* A size the option cannot carry (4 bytes at most) is left out. */
                if (bc->source_size >= 0 && bc->source_size <= G_MAXUINT32)
                        coap_udp6_message_set_size1 (request, bc->source_size);
        }
        coap_udp6_context_request_start (self, request, g_task_get_cancellable (task), task, bc);
}

/* A read ended: the transfer that waited for a block goes on, or fails
 * with the read's error. */
static void
source_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
        StreamOp *op = user_data;
        g_autoptr (GTask) task = g_steal_pointer (&op->task);
        g_autoptr (GError) failure = g_steal_pointer (&op->error);
        CoapUdp6BlockClient *bc = op_end (op);
        g_autoptr (GError) error = NULL;
        g_autoptr (GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result,
                                                                     &error);
        gsize size = bytes != NULL ? g_bytes_get_size (bytes) : 0;

        if (task != NULL) {
                /* The request failed during the read and waited for it. */
                g_task_return_error (task, g_steal_pointer (&failure));
                return;
        }
        if (bc == NULL)
                return;
        if (bytes == NULL) {
                bc->read_error = g_steal_pointer (&error);
        } else if (size == 0) {
                bc->source_eof = TRUE;
        } else {
                g_queue_push_tail (&bc->ahead, g_steal_pointer (&bytes));
                bc->ahead_len += size;
                read_ahead (bc);
        }
        if (!bc->source_waiting || (!block_buffered (bc) && bc->read_error == NULL))
                return;
        bc->source_waiting = FALSE;
        if (bc->start_task != NULL)
                start_first_block (bc);
        else if (block_buffered (bc))
                send_stream_block (bc->ex);
        else
                coap_udp6_exchange_finish (bc->ex, NULL, bc->read_error);
}

void
coap_udp6_block_stream_next_block (CoapUdp6Exchange *ex)
{
        CoapUdp6BlockClient *bc = ex->block;

        if (block_buffered (bc)) {
                send_stream_block (ex);
                return;
        }
        if (bc->read_error != NULL) {
                coap_udp6_exchange_finish (ex, NULL, bc->read_error);
                return;
        }
        /* Nothing is in flight while the read ends. */
        coap_udp6_exchange_pause (ex);
        bc->source_waiting = TRUE;
}

static void sink_write_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data);

/* Writes the blocks gathered. Like reads, writes run behind the transfer:
 * the next blocks are asked for meanwhile, into a second buffer. */
static void
write_pending (CoapUdp6BlockClient *bc)
{
        GBytes *data = g_byte_array_free_to_bytes (g_steal_pointer (&bc->sink_pending));

        g_output_stream_write_all_async (bc->sink, g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                                         G_PRIORITY_DEFAULT, bc->cancellable, sink_write_cb,
                                         op_new (bc, TRUE, data));
}

static void
request_next_block (CoapUdp6BlockClient *bc)
{
        coap_udp6_block_client_report (bc, bc->received, bc->size2, FALSE);
        coap_udp6_block_client_request_block2 (bc->ex, bc->received / COAP_UDP6_BLOCK_SIZE (bc->next_szx),
                                               bc->next_szx, FALSE);
}

static void
sink_write_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
        StreamOp *op = user_data;
        g_autoptr (GTask) task = g_steal_pointer (&op->task);
        g_autoptr (GError) failure = g_steal_pointer (&op->error);
        CoapUdp6BlockClient *bc = op_end (op);
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Message) final = NULL;
        gboolean written = g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error);

        if (task != NULL) {
                /* The request failed during the write and waited for it. */
                g_task_return_error (task, g_steal_pointer (&failure));
                return;
        }
        if (bc == NULL)
                return;
        if (!written) {
                coap_udp6_exchange_finish (bc->ex, NULL, error);
                return;
        }
        if (bc->sink_waiting) {
                /* The next buffer filled up during the write. */
                bc->sink_waiting = FALSE;
                write_pending (bc);
                if (bc->next_more)
                        request_next_block (bc);
                return;
        }
        if (bc->next_more || bc->final == NULL)
                return;
        coap_udp6_block_client_report (bc, bc->received, bc->size2, FALSE);
        final = g_steal_pointer (&bc->final);
        coap_udp6_exchange_finish (bc->ex, final, NULL);
}

/* Gathers @response's payload, up to STREAM_BUFFER_SIZE, for the sink;
 * then the next block is asked for (@more) or, once everything is
 * written, the request completes with @response without payload. */
void
coap_udp6_block_stream_write (CoapUdp6Exchange *ex,
               CoapUdp6Message  *response,
               gboolean          more,
               guint             szx)
{
        CoapUdp6BlockClient *bc = ex->block;
        gint64 size2 = option_value (response, COAP_UDP6_OPTION_SIZE2);

        bc->next_more = more;
        bc->next_szx = szx;
        if (size2 >= 0)
                bc->size2 = size2;
        if (!more) {
                bc->final = coap_udp6_message_copy (response);
                coap_udp6_message_remove_option (bc->final, COAP_UDP6_OPTION_BLOCK2);
                coap_udp6_message_set_size2 (bc->final, -1);
                coap_udp6_message_set_payload (bc->final, NULL);
        }
        if (bc->sink_pending == NULL)
                bc->sink_pending = g_byte_array_sized_new (STREAM_BUFFER_SIZE);
        g_byte_array_append (bc->sink_pending, response->payload_data, response->payload_len);
        bc->received += response->payload_len;
        if (more && bc->sink_pending->len + COAP_UDP6_BLOCK_SIZE (szx) <= STREAM_BUFFER_SIZE) {
                request_next_block (bc);
                return;
        }
        if (bc->write_op != NULL) {
                /* Two buffers at most: nothing is asked for until the write ends. */
                coap_udp6_exchange_pause (ex);
                bc->sink_waiting = TRUE;
                return;
        }
        write_pending (bc);
        if (more)
                request_next_block (bc);
}

gboolean
coap_udp6_block_stream_hold_failure (CoapUdp6Exchange *ex,
                                     const GError     *error)
{
        StreamOp *op = NULL;

        if (ex->block != NULL)
                op = ex->block->write_op != NULL ? ex->block->write_op : ex->block->read_op;
        if (op == NULL)
                return FALSE;
        op->task = g_object_ref (ex->task);
        op->error = g_error_copy (error);
        return TRUE;
}

/**
 * coap_udp6_context_request_stream_async:
 * @self: a #CoapUdp6Context
 * @request: the request, as for [method@Context.request_async]; its payload
 *   is ignored when @body is given
 * @body: (nullable): the request body, read block by block as it is sent
 * @body_size: the size of @body when known (sent as Size1, RFC 7959 §4,
 *   and given to @progress), else -1
 * @sink: (nullable): where the response body is written, block by block;
 *   the response then has no payload
 * @progress: (nullable) (scope notified) (closure progress_data) (destroy progress_destroy):
 *   called after each block
 * @progress_data: data for @progress
 * @progress_destroy: (nullable): frees @progress_data
 * @cancellable: (nullable): stops the transfer between blocks
 * @callback: (scope async): called when the request is over
 * @user_data: data for @callback
 *
 * Sends a request whose body comes from a stream and writes the response
 * body into a stream, one block at a time (RFC 7959), so memory does not
 * grow with the bodies: a file of any size goes up and down through
 * buffers of a fixed size (at most 128 KiB read ahead of the blocks sent,
 * 128 KiB of blocks received and not written yet). Reads and writes are
 * asynchronous and run beside the transfer: @body is read ahead while
 * blocks go out, and blocks are asked for while the ones received are
 * written. A read or write error fails the request with that error; a
 * request that fails while a read or write is under way completes once it
 * ended, so neither stream has an operation pending then. A download into @sink is
 * not limited by [property@Context:max-body-size], and a representation
 * that changes during it fails the request with
 * %COAP_UDP6_ERROR_BLOCKWISE rather than starting again.
 *
 * Since: 1.0
 */
void
coap_udp6_context_request_stream_async (CoapUdp6Context         *self,
                                        CoapUdp6Message         *request,
                                        GInputStream            *body,
                                        gint64                   body_size,
                                        GOutputStream           *sink,
                                        CoapUdp6TransferProgress progress,
                                        gpointer                 progress_data,
                                        GDestroyNotify           progress_destroy,
                                        GCancellable            *cancellable,
                                        GAsyncReadyCallback      callback,
                                        gpointer                 user_data)
{
        g_autoptr (GTask) task = NULL;
        CoapUdp6BlockClient *bc;
        gint64 block1;

        g_return_if_fail (COAP_UDP6_IS_CONTEXT (self));
        g_return_if_fail (COAP_UDP6_IS_MESSAGE (request));
        g_return_if_fail (body == NULL || G_IS_INPUT_STREAM (body));
        g_return_if_fail (sink == NULL || G_IS_OUTPUT_STREAM (sink));

        task = g_task_new (self, cancellable, callback, user_data);
        g_task_set_source_tag (task, coap_udp6_context_request_stream_async);
        g_task_set_check_cancellable (task, FALSE);
        bc = g_new0 (CoapUdp6BlockClient, 1);
        bc->size2 = -1;
        bc->source_size = body_size;
        bc->sink = sink != NULL ? g_object_ref (sink) : NULL;
        bc->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
        bc->progress = progress;
        bc->progress_data = progress_data;
        bc->progress_destroy = progress_destroy;
        if (body == NULL) {
                coap_udp6_context_request_start (self, request, cancellable, task, bc);
                return;
        }
        block1 = option_value (request, COAP_UDP6_OPTION_BLOCK1);
        bc->szx1 = block1 >= 0 ? MIN (COAP_UDP6_BLOCK_SZX (block1), 6) : coap_udp6_context_block_szx (self);
        bc->source = g_object_ref (body);
        bc->start_task = g_steal_pointer (&task);
        bc->start_context = g_object_ref (self);
        bc->start_request = coap_udp6_message_copy (request);
        coap_udp6_message_remove_option (bc->start_request, COAP_UDP6_OPTION_BLOCK1);
        bc->source_waiting = TRUE;
        read_ahead (bc);
}

/**
 * coap_udp6_context_request_stream_finish:
 * @self: a #CoapUdp6Context
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Context.request_stream_async].
 *
 * Returns: (transfer full) (nullable): the response (without payload when
 *   a sink was given), or %NULL with the errors of
 *   [method@Context.request_finish], a stream's error,
 *   %COAP_UDP6_ERROR_BLOCKWISE or %COAP_UDP6_ERROR_BODY_TOO_LARGE
 *
 * Since: 1.0
 */
CoapUdp6Message *
coap_udp6_context_request_stream_finish (CoapUdp6Context *self,
                                         GAsyncResult    *result,
                                         GError         **error)
{
        g_return_val_if_fail (g_task_is_valid (result, self), NULL);
        g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                              coap_udp6_context_request_stream_async, NULL);

        return g_task_propagate_pointer (G_TASK (result), error);
}
