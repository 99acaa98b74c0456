/* coap-udp6-body-stream.c: an upload's body as a pollable stream
 *
 * The server pushes each Block1 block as it arrives; a reader that would
 * have to wait gets G_IO_ERROR_WOULD_BLOCK, so asynchronous reads (which
 * GInputStream runs through the pollable interface, in the main loop, no
 * thread) complete when the next block comes. A synchronous read cannot
 * wait for the network on the thread that runs it, so it fails alike.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-body-stream-private.h"

#include <string.h>

struct _CoapUdp6BodyStream {
        GInputStream parent_instance;

        GQueue blocks;                      /* of GBytes (owned) */
        gsize offset;                       /* into the first block */
        gsize buffered;
        gboolean finished;
        GError *error;                      /* owned, nullable */
};

static void coap_udp6_body_stream_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CoapUdp6BodyStream, coap_udp6_body_stream, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      coap_udp6_body_stream_pollable_init))

static gboolean
is_readable (CoapUdp6BodyStream *self)
{
        return self->blocks.length > 0 || self->finished || self->error != NULL;
}

static gssize
read_nonblocking (GPollableInputStream *stream,
                  void                 *buffer,
                  gsize                 count,
                  GError              **error)
{
        CoapUdp6BodyStream *self = COAP_UDP6_BODY_STREAM (stream);
        gsize done = 0;

        while (done < count && self->blocks.length > 0) {
                GBytes *block = g_queue_peek_head (&self->blocks);
                gsize len;
                const guint8 *data = g_bytes_get_data (block, &len);
                gsize n = MIN (count - done, len - self->offset);

                memcpy ((guint8 *) buffer + done, data + self->offset, n);
                done += n;
                self->offset += n;
                self->buffered -= n;
                if (self->offset == len) {
                        g_bytes_unref (g_queue_pop_head (&self->blocks));
                        self->offset = 0;
                }
        }
        if (done > 0 || count == 0 || self->finished)
                return done;
        if (self->error != NULL) {
                g_propagate_error (error, g_error_copy (self->error));
                return -1;
        }
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK,
                             "The next block has not arrived yet; read asynchronously");
        return -1;
}

static gssize
body_stream_read (GInputStream *stream,
                  void         *buffer,
                  gsize         count,
                  GCancellable *cancellable,
                  GError      **error)
{
        return read_nonblocking (G_POLLABLE_INPUT_STREAM (stream), buffer, count, error);
}

/* Ready whenever a read would not have to wait: checked every iteration
 * of the main context, with no file descriptor behind it. */
typedef struct {
        GSource source;
        CoapUdp6BodyStream *stream;         /* owned */
} ReadySource;

static gboolean
ready_prepare (GSource *source,
               gint    *timeout)
{
        *timeout = -1;
        return is_readable (((ReadySource *) source)->stream);
}

static gboolean
ready_check (GSource *source)
{
        return is_readable (((ReadySource *) source)->stream);
}

static gboolean
ready_dispatch (GSource    *source,
                GSourceFunc callback,
                gpointer    user_data)
{
        GPollableSourceFunc func = (GPollableSourceFunc) (void (*) (void)) callback;

        return func != NULL ? func (G_OBJECT (((ReadySource *) source)->stream), user_data)
                            : G_SOURCE_REMOVE;
}

static void
ready_finalize (GSource *source)
{
        g_clear_object (&((ReadySource *) source)->stream);
}

static GSourceFuncs ready_funcs = {
        .prepare = ready_prepare,
        .check = ready_check,
        .dispatch = ready_dispatch,
        .finalize = ready_finalize,
};

/* A pollable source of its own (its callback is a GPollableSourceFunc);
 * a cancellable wakes it as g_pollable_source_new_full() would. */
static GSource *
create_source (GPollableInputStream *stream,
               GCancellable         *cancellable)
{
        GSource *ready = g_source_new (&ready_funcs, sizeof (ReadySource));

        ((ReadySource *) ready)->stream = g_object_ref (COAP_UDP6_BODY_STREAM (stream));
        g_source_set_name (ready, "CoapUdp6BodyStream");
        if (cancellable != NULL) {
                GSource *cancelled = g_cancellable_source_new (cancellable);

                g_source_set_dummy_callback (cancelled);
                g_source_add_child_source (ready, cancelled);
                g_source_unref (cancelled);
        }
        return ready;
}

static gboolean
can_poll (GPollableInputStream *stream)
{
        return TRUE;
}

static gboolean
pollable_is_readable (GPollableInputStream *stream)
{
        return is_readable (COAP_UDP6_BODY_STREAM (stream));
}

static void
coap_udp6_body_stream_pollable_init (GPollableInputStreamInterface *iface)
{
        iface->can_poll = can_poll;
        iface->is_readable = pollable_is_readable;
        iface->create_source = create_source;
        iface->read_nonblocking = read_nonblocking;
}

static void
coap_udp6_body_stream_finalize (GObject *object)
{
        CoapUdp6BodyStream *self = COAP_UDP6_BODY_STREAM (object);

        g_queue_clear_full (&self->blocks, (GDestroyNotify) g_bytes_unref);
        g_clear_error (&self->error);
        G_OBJECT_CLASS (coap_udp6_body_stream_parent_class)->finalize (object);
}

static void
coap_udp6_body_stream_class_init (CoapUdp6BodyStreamClass *klass)
{
        G_OBJECT_CLASS (klass)->finalize = coap_udp6_body_stream_finalize;
        G_INPUT_STREAM_CLASS (klass)->read_fn = body_stream_read;
}

static void
coap_udp6_body_stream_init (CoapUdp6BodyStream *self)
{
        g_queue_init (&self->blocks);
}

CoapUdp6BodyStream *
coap_udp6_body_stream_new (void)
{
        return g_object_new (COAP_UDP6_TYPE_BODY_STREAM, NULL);
}

void
coap_udp6_body_stream_push (CoapUdp6BodyStream *self,
                            GBytes             *block)
{
        if (self->finished || self->error != NULL || g_bytes_get_size (block) == 0)
                return;
        self->buffered += g_bytes_get_size (block);
        g_queue_push_tail (&self->blocks, g_bytes_ref (block));
}

void
coap_udp6_body_stream_finish (CoapUdp6BodyStream *self)
{
        self->finished = TRUE;
}

void
coap_udp6_body_stream_fail (CoapUdp6BodyStream *self,
                            const GError       *error)
{
        if (self->finished || self->error != NULL)
                return;
        self->error = g_error_copy (error);
}

gsize
coap_udp6_body_stream_get_buffered (CoapUdp6BodyStream *self)
{
        return self->buffered;
}
