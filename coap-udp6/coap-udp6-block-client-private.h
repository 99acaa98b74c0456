/* coap-udp6-block-client-private.h: the state of one block-wise request,
 * shared by coap-udp6-context-block-client.c and
 * coap-udp6-context-block-stream.c (not installed)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "coap-udp6-context-private.h"

G_BEGIN_DECLS

struct _CoapUdp6BlockClient {
        GBytes *upload;                     /* owned, nullable: the whole request body */
        gsize sent;                         /* bytes of @upload the server took */
        gsize current;                      /* bytes in the block in flight */
        guint szx1;                         /* Block1 size exponent */
        gboolean upload_done;
        gboolean resized_for_413;
        GByteArray *body;                   /* owned, nullable: the response being reassembled */
        GBytes *etag;                       /* owned, nullable: of the first Block2 block */
        guint restarts;
        guint echoes;
        guint stale_answers;                /* of the block in flight, see answers_block_in_flight() */
        gboolean downloading;               /* a Block2 transfer started */
        guint64 received;                   /* response body bytes taken */

        /* coap_udp6_context_request_stream_async() */
        CoapUdp6Exchange *ex;               /* unowned: the exchange that owns this */
        GInputStream *source;               /* owned, nullable: the upload */
        GQueue ahead;                       /* owned GBytes: reads not sent yet */
        gsize ahead_pos;                    /* into the first of @ahead */
        gsize ahead_len;                    /* bytes in @ahead from @ahead_pos */
        GError *read_error;                 /* owned, nullable: reported when a block is needed */
        gboolean source_waiting;            /* the transfer waits for a read */
        gboolean source_eof;
        gboolean source_more;               /* bytes follow the block in flight */
        gint64 source_size;                 /* -1: unknown */
        gint64 size2;                       /* -1: unknown */
        GOutputStream *sink;                /* owned, nullable: the download */
        GByteArray *sink_pending;           /* owned, nullable: blocks not yet written */
        gboolean sink_waiting;              /* @sink_pending is full, a write under way */
        GCancellable *cancellable;          /* owned, nullable */
        CoapUdp6TransferProgress progress;
        gpointer progress_data;
        GDestroyNotify progress_destroy;
        struct _StreamOp *read_op;          /* the read under way */
        struct _StreamOp *write_op;         /* the write under way */
        CoapUdp6Message *final;             /* owned, nullable: returned once written */
        gboolean next_more;
        guint next_szx;
        GTask *start_task;                  /* owned, until the first block is read */
        CoapUdp6Context *start_context;     /* owned, likewise */
        CoapUdp6Message *start_request;     /* owned, likewise */
};

/* An asynchronous read or write of a stream transfer: it outlives the
 * transfer when the request ends meanwhile. */
typedef struct _StreamOp {
        CoapUdp6BlockClient *bc;            /* NULL once the transfer ended */
        gboolean write;
        GBytes *data;                       /* owned, nullable: what is written */
        GTask *task;                        /* owned, nullable: a request that failed */
        GError *error;                      /* owned, nullable: its error, returned after the write */
} StreamOp;

/* coap-udp6-context-block-client.c */
void coap_udp6_block_client_report (CoapUdp6BlockClient *bc,
                                    guint64              done,
                                    gint64               total,
                                    gboolean             upload);
/* Asks for Block2 block @num of size exponent @szx, with the same token
 * or (@restart) a new one. */
/* Asks for block @num of the response, or fails @ex when @num does not
 * fit the option (COAP_UDP6_BLOCK_MAX_NUM). */
/* Whether the block at @offset, of 2^(4 + @szx) bytes, has a NUM the
 * option can carry; if not, @ex fails with %COAP_UDP6_ERROR_BLOCKWISE. */
gboolean coap_udp6_block_client_num_fits (CoapUdp6Exchange *ex,
                                          guint64           offset,
                                          guint             szx);
void coap_udp6_block_client_request_block2 (CoapUdp6Exchange *ex,
                                            guint64           num,
                                            guint             szx,
                                            gboolean          restart);

/* coap-udp6-context-block-stream.c */
/* Sends the next block of the upload stream, reading it first if needed. */
void coap_udp6_block_stream_next_block (CoapUdp6Exchange *ex);
/* Writes @response's payload to the sink, then asks for the next block
 * (@more, of size exponent @szx) or completes the request. */
void coap_udp6_block_stream_write (CoapUdp6Exchange *ex,
                                   CoapUdp6Message  *response,
                                   gboolean          more,
                                   guint             szx);
/* TRUE when a read of the body or a write to the sink of @ex is under
 * way: the request's @error is then returned when it ends (the caller
 * returns nothing), so that no operation is pending on either stream
 * once the request completed. */
gboolean coap_udp6_block_stream_hold_failure (CoapUdp6Exchange *ex,
                                              const GError     *error);

G_END_DECLS
