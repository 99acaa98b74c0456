/* coap-udp6-context-private.h: state shared by the context's files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "coap-udp6-context.h"
#include "coap-udp6-credentials.h"
#include "coap-udp6-dtls-private.h"
#include "coap-udp6-message-interface.h"
#include "coap-udp6-request.h"
#include "coap-udp6-statistic.h"
#include "coap-udp6-message-private.h"
#include "coap-udp6-mid-key-private.h"
#include "coap-udp6-timers-private.h"

G_BEGIN_DECLS

typedef struct _CoapUdp6Exchange CoapUdp6Exchange;
typedef struct _CoapUdp6Transmission CoapUdp6Transmission;
typedef struct _CoapUdp6BlockClient CoapUdp6BlockClient;
typedef struct _CoapUdp6BlockServer CoapUdp6BlockServer;

#define COAP_UDP6_N_STATISTICS (COAP_UDP6_STATISTIC_NOTIFICATIONS_SENT + 1)

/* Replies up to this size are encoded on the stack; RFC 7252 §4.6 asks
 * for messages of at most 1152 bytes when the path MTU is unknown. */
#define COAP_UDP6_STACK_DATAGRAM 1280

/* Problems a remote can cause over and over: each is logged at most once
 * per COAP_UDP6_WARNING_INTERVAL, with a count of what was suppressed. */
typedef enum {
        COAP_UDP6_WARNING_DEDUP_FULL,
        COAP_UDP6_WARNING_PENDING_FULL,
        COAP_UDP6_N_WARNINGS
} CoapUdp6WarningClass;

#define COAP_UDP6_WARNING_INTERVAL (60 * G_USEC_PER_SEC)

typedef struct {
        gint64 last;                        /* 0: never warned */
        guint64 suppressed;
} CoapUdp6WarningState;

/* A request a handler is running for (coap-udp6-context-server.c). Its
 * deduplication entry is made once the reply has left, so a duplicate
 * that arrives meanwhile (the handler iterates the main loop) is
 * recognised here. The records live on the stack, innermost first. */
typedef struct _CoapUdp6InFlight CoapUdp6InFlight;
struct _CoapUdp6InFlight {
        CoapUdp6MidKey key;                 /* remote unowned */
        CoapUdp6InFlight *outer;
};

struct _CoapUdp6Context {
        GObject parent_instance;

        GMainContext *main_context;         /* owned, captured at construction */
        CoapUdp6Timers *timers;             /* owned: every deadline of the context */
        GQueue delayed;                     /* of CoapUdp6Delayed: multicast responses in leisure */
        GPtrArray *interfaces;              /* of CoapUdp6MessageInterface, owned */
        char **binds;                       /* owned, nullable: construct-only */
        char **multicast_interfaces;        /* owned, nullable: construct-only */
        CoapUdp6Credentials *credentials;   /* owned, nullable: coaps */
        CoapUdp6DtlsLimits coaps_limits;    /* what the coaps interfaces are given */
        GPtrArray *watches;                 /* of CoapUdp6MessageWatch, owned; NULL when none */
        guint watches_running;              /* nesting of coap_udp6_context_watches_call() */
        guint last_watch_id;
        CoapUdp6ClockFunc clock;            /* nullable: a test clock, given to the coaps interfaces too */
        gpointer clock_data;
        gint64 frozen_now;                  /* coap_udp6_context_freeze_clock()'s time, µs */
        gboolean server;
        gboolean reuse_port;
        gboolean initialized;               /* init began: sync, async or on first request */
        GError *init_error;                 /* owned, nullable: why init failed */
        CoapUdp6Request *spare_request;     /* owned, nullable: see coap-udp6-reuse.c */
        gpointer spare_exchange;            /* owned, nullable: an emptied ServerExchange */
        gboolean shut_down;

        gdouble ack_timeout;
        gdouble ack_random_factor;
        guint max_retransmit;
        guint nstart;
        gdouble default_leisure;
        gdouble max_latency;
        guint max_exchanges;
        guint max_dedup_entries;
        guint max_dedup_entries_per_remote;
        guint max_dedup_bytes;
        gsize dedup_bytes;                  /* sum of the cached replies' sizes */
        guint max_pending_requests;
        guint pending_requests;
        guint block_size;                   /* a power of two, 16 to 1024 */
        guint max_body_size;
        guint max_block_entries;
        guint max_block_bytes;
        CoapUdp6BlockServer *block_server;  /* owned, nullable: coap-udp6-context-block-server.c */
        gboolean echo_amplification_limit;  /* unicast requests too, not only multicast */
        guint8 echo_key[32];                /* coap-udp6-context-echo.c */
        gboolean echo_key_set;
        guint64 statistics[COAP_UDP6_N_STATISTICS];
        CoapUdp6WarningState warnings[COAP_UDP6_N_WARNINGS];

        guint next_mid;
        guint8 token_pool[256];             /* getrandom() bytes not yet used as tokens */
        guint token_pool_left;
        GHashTable *resources;              /* path → CoapUdp6Resource, owned */

        GHashTable *transmissions;          /* MidKey → CoapUdp6Transmission (owned) */
        GHashTable *exchanges;              /* token GBytes → CoapUdp6Exchange (not owned) */
        GQueue waiting;                     /* CoapUdp6Exchange waiting for NSTART */
        GHashTable *active;                 /* remote → active count (GUINT) */

        GHashTable *dedup;                  /* MidKey → DedupEntry (owned, see coap-udp6-context-dedup.c) */
        GHashTable *dedup_remotes;          /* remote → DedupRemote (owned) */
        gpointer dedup_last_remote;         /* (unowned) (nullable) the DedupRemote found last, while in dedup_remotes */
        CoapUdp6MidKey dedup_absent;        /* remote unowned, NULL: none; not in dedup, while its message is dispatched */
        guint32 dedup_absent_fingerprint;   /* of @dedup_absent's message, see coap-udp6-context-dedup.c */
        GQueue dedup_order;                 /* DedupEntry (embedded links), oldest first */
        GQueue dedup_idempotent;            /* the ones safe to forget first, oldest first */
        CoapUdp6InFlight *in_flight;        /* nullable, on the stack of handle_request */

        /* RFC 7641: coap-udp6-context-observe-client.c and -server.c */
        GHashTable *observations;           /* nullable: token GBytes → CoapUdp6Observation (unowned) */
        GQueue observers;                   /* of CoapUdp6Observer (owned), oldest first */
        GHashTable *observer_keys;          /* nullable: (remote, token) → CoapUdp6Observer */
        GHashTable *observer_remotes;       /* nullable: remote → its first CoapUdp6Observer, for a Reset */
        guint max_observers;
        guint max_observers_per_resource;
        guint max_non_notifications;
};

typedef void (*CoapUdp6TransmissionDone) (CoapUdp6Transmission *tx,
                                          CoapUdp6Message      *answer, /* ACK/RST, NULL on timeout */
                                          gpointer              user_data);

/* coap-udp6-context.c: timers, message IDs and sending */
enum {
        COAP_UDP6_CONTEXT_SIGNAL_MULTICAST_RESPONSE,
        COAP_UDP6_CONTEXT_N_SIGNALS
};

extern guint coap_udp6_context_signals[COAP_UDP6_CONTEXT_N_SIGNALS];

/* coap-udp6-context-watch.c: coap_udp6_context_add_message_watch() */
void coap_udp6_context_watches_call (CoapUdp6Context *self,
                                     CoapUdp6Message *message,
                                     gboolean         sent);
gboolean coap_udp6_context_send_watched (CoapUdp6Context         *self,
                                         const guint8            *data,
                                         gsize                    len,
                                         CoapUdp6EndpointAddress *remote);
void coap_udp6_context_watches_free (CoapUdp6Context *self);

CoapUdp6Timer *coap_udp6_context_add_timer (CoapUdp6Context  *self,
                                            gdouble           seconds,
                                            CoapUdp6TimerFunc func,
                                            gpointer          data);
void coap_udp6_context_cancel_timer (CoapUdp6Context *self,
                                     CoapUdp6Timer  **timer);
gint64 coap_udp6_context_now (CoapUdp6Context *self);
/* For tests and the stateful fuzzer: a clock of their own (µs); due timers
 * then fire only from coap_udp6_context_run_due_timers(). */
void coap_udp6_context_set_clock (CoapUdp6Context  *self,
                                  CoapUdp6ClockFunc clock,
                                  gpointer          data);
guint coap_udp6_context_next_mid (CoapUdp6Context *self);
gdouble coap_udp6_context_max_transmit_span (CoapUdp6Context *self);
/* The one send path: every datagram leaves through these, from the
 * interface coap_udp6_context_choose_interface() picks. FALSE when nothing
 * was sent (shut down, or no interface). */
CoapUdp6MessageInterface *coap_udp6_context_choose_interface (CoapUdp6Context         *self,
                                                             CoapUdp6EndpointAddress *remote);
gboolean coap_udp6_context_send_data (CoapUdp6Context         *self,
                                      const guint8            *data,
                                      gsize                    len,
                                      CoapUdp6EndpointAddress *remote);
/* Sends through every interface are queued and batched until the
 * release; returns what to pass to it. */
GPtrArray *coap_udp6_context_hold_sends (CoapUdp6Context *self);
void coap_udp6_context_release_sends (GPtrArray *held);
gboolean coap_udp6_context_send_datagram (CoapUdp6Context         *self,
                                          GBytes                  *datagram,
                                          CoapUdp6EndpointAddress *remote);
/* Initialises a context made with g_object_new() as its properties say
 * (a client on an ephemeral port by default); fails if it has no
 * interface to send from. */
gboolean coap_udp6_context_ensure_ready (CoapUdp6Context *self,
                                         GError         **error);
void coap_udp6_context_send_raw (CoapUdp6Context         *self,
                                 CoapUdp6Message         *message,
                                 CoapUdp6EndpointAddress *remote);
/* A datagram encoded on the stack when it fits, else on the heap. */
typedef struct {
        guint8 stack[COAP_UDP6_STACK_DATAGRAM];
        guint8 *data;                       /* @stack, or owned */
        gsize len;
} CoapUdp6Encoded;

void coap_udp6_encoded_clear (CoapUdp6Encoded *encoded);
gboolean coap_udp6_context_send_encoded (CoapUdp6Context         *self,
                                         CoapUdp6Message         *message,
                                         CoapUdp6EndpointAddress *remote,
                                         CoapUdp6Encoded         *out);
void coap_udp6_context_send_empty (CoapUdp6Context         *self,
                                   CoapUdp6MessageType      mtype,
                                   guint                    mid,
                                   CoapUdp6EndpointAddress *remote);

/* coap-udp6-context-statistics.c */
static inline void
coap_udp6_context_count (CoapUdp6Context  *self,
                         CoapUdp6Statistic statistic)
{
        self->statistics[statistic]++;
}

void coap_udp6_context_warn_limited (CoapUdp6Context     *self,
                                     CoapUdp6WarningClass klass,
                                     const char          *format,
                                     ...) G_GNUC_PRINTF (3, 4);

/* coap-udp6-context-transmission.c: reliable transmission of CON messages */
/* Returns the transmission, valid until its done callback runs or it is
 * cancelled. */
CoapUdp6Transmission *coap_udp6_context_transmit_con (CoapUdp6Context         *self,
                                     GBytes                  *datagram,
                                     CoapUdp6EndpointAddress *remote,
                                     guint                    mid,
                                     gboolean                 holds_pending_slot,
                                     CoapUdp6TransmissionDone done,
                                     gpointer                 user_data);
gboolean coap_udp6_context_handle_ack_rst (CoapUdp6Context *self,
                                           CoapUdp6Message *message);
/* Sends @datagram (message ID @mid, to @tx's remote) in place of @tx's,
 * keeping its retransmission counter, timeout and callback: in its next
 * retransmission, or as soon as @tx is acknowledged. */
void coap_udp6_context_replace_transmission (CoapUdp6Context      *self,
                                             CoapUdp6Transmission *tx,
                                             GBytes               *datagram,
                                             guint                 mid);
void coap_udp6_context_cancel_transmission (CoapUdp6Context      *self,
                                            CoapUdp6Transmission *tx);
/* When @tx's datagram was first sent, on the context's clock (µs). */
gint64 coap_udp6_transmission_get_started (CoapUdp6Transmission *tx);
void coap_udp6_context_clear_transmissions (CoapUdp6Context *self);

/* coap-udp6-context-dedup.c */
void coap_udp6_context_init_dedup (CoapUdp6Context *self);
void coap_udp6_context_clear_dedup (CoapUdp6Context *self);
void coap_udp6_context_free_dedup (CoapUdp6Context *self);
/* What a retransmission of @message repeats and another message with its
 * ID would change (code, token, options, payload length), as a hash;
 * never 0, or 0 for a message that was not received. */
guint32 coap_udp6_context_dedup_fingerprint (CoapUdp6Message *message);
gboolean coap_udp6_context_dedup_check (CoapUdp6Context *self,
                                        CoapUdp6Message *message);
/* Makes or completes the entry of (@remote, @mid): @reply (nullable,
 * copied) is what a duplicate gets again; then the table is brought back within its
 * limits. The server calls it after the reply has left. */
void coap_udp6_context_dedup_store (CoapUdp6Context         *self,
                                    CoapUdp6EndpointAddress *remote,
                                    guint                    mid,
                                    const guint8            *reply,
                                    gsize                    reply_len,
                                    CoapUdp6EndpointAddress *reply_remote,
                                    gboolean                 protect);

/* coap-udp6-context-client.c: the client side */
struct _CoapUdp6Exchange {
        CoapUdp6Context *context;           /* unowned; the task holds a ref */
        GTask *task;                        /* owned */
        CoapUdp6Message *request;           /* owned copy */
        CoapUdp6EndpointAddress *remote;    /* owned, nullable until resolved */
        GBytes *token;                      /* owned */
        gboolean multicast;                 /* the remote is a group */
        gboolean collect;                   /* request_multicast_async: all responses */
        guint multicast_ms;
        GPtrArray *responses;               /* owned, multicast only */
        CoapUdp6Timer *timer;               /* owned */
        CoapUdp6Transmission *tx;           /* the CON in flight, until acknowledged */
        GSource *cancel_idle;               /* owned */
        gulong cancel_id;
        gboolean active;                    /* counted against NSTART */
        gboolean waiting;                   /* in context->waiting */
        gboolean resolving;
        gboolean done;
        CoapUdp6BlockClient *block;         /* owned, nullable: see coap-udp6-context-block-client.c */
};

/* Sends the exchange's request again (after coap-udp6-context-block-client.c
 * changed it) with a new message ID and the same token, as the next
 * request of the same block-wise transfer: servers that key the blocks
 * of a transfer by token (the npm coap package) need it, RFC 7959 §2.3
 * allows it, and the answer to an older block is told apart by its
 * Block1 or Block2 NUM. */
void coap_udp6_exchange_continue (CoapUdp6Exchange *ex);
/* Likewise with a new token, when the transfer starts again (an Echo to
 * repeat, a 4.13, a new ETag): no answer to the abandoned sequence can
 * be taken for one of the new. */
void coap_udp6_exchange_restart (CoapUdp6Exchange *ex);
/* Ends the request in flight (timer, retransmission) while the next
 * block is read from a stream. */
void coap_udp6_exchange_pause (CoapUdp6Exchange *ex);
/* request_async() with block-wise state made beforehand (@block, transfer
 * full, nullable): how coap_udp6_context_request_stream_async() starts. */
void coap_udp6_context_request_start (CoapUdp6Context     *self,
                                      CoapUdp6Message     *request,
                                      GCancellable        *cancellable,
                                      GTask               *task,
                                      CoapUdp6BlockClient *block);
/* Completes @ex with @response or @error (both transfer none); @ex may be
 * freed. */
void coap_udp6_exchange_finish (CoapUdp6Exchange *ex,
                                CoapUdp6Message  *response,
                                const GError     *error);
gboolean coap_udp6_context_handle_response (CoapUdp6Context *self,
                                            CoapUdp6Message *message);
void coap_udp6_context_fail_remote (CoapUdp6Context         *self,
                                    CoapUdp6EndpointAddress *remote,
                                    const GError            *error);
void coap_udp6_context_fail_all (CoapUdp6Context *self,
                                 const GError    *error);

/* coap-udp6-context-block-client.c: block-wise requests (RFC 7959) */
#define COAP_UDP6_BLOCK_NUM(v) ((guint32) (v) >> 4)
#define COAP_UDP6_BLOCK_MORE(v) ((((guint32) (v)) >> 3) & 1)
#define COAP_UDP6_BLOCK_SZX(v) ((guint) (v) & 7)
#define COAP_UDP6_BLOCK_SIZE(szx) (16u << (szx))
#define COAP_UDP6_BLOCK_VALUE(num, more, szx) (((guint32) (num) << 4) | ((more) ? 8u : 0u) | (szx))
/* RFC 7959 §2.2: the option has at most 3 bytes, so NUM at most 20 bits. */
#define COAP_UDP6_BLOCK_MAX_NUM 0xFFFFFu

/* The test of the hot paths: options are sorted by number. */
static inline gboolean
coap_udp6_message_has_block_option (const CoapUdp6Message *message)
{
        for (guint i = 0; i < message->n_opts; i++) {
                guint number = message->opts[i].number;

                if (number == COAP_UDP6_OPTION_BLOCK2 || number == COAP_UDP6_OPTION_BLOCK1)
                        return TRUE;
                if (number > COAP_UDP6_OPTION_BLOCK1)
                        break;
        }
        return FALSE;
}

guint coap_udp6_context_block_szx (CoapUdp6Context *self);
void coap_udp6_context_block_client_prepare (CoapUdp6Context  *self,
                                             CoapUdp6Exchange *ex);
/* TRUE when @response was taken: the transfer goes on, or @ex finished. */
gboolean coap_udp6_context_block_client_response (CoapUdp6Context  *self,
                                                  CoapUdp6Exchange *ex,
                                                  CoapUdp6Message  *response);
void coap_udp6_block_client_free (CoapUdp6BlockClient *bc);

/* coap-udp6-context-block-server.c: block-wise answers (RFC 7959) */
typedef struct {
        guint32 block1;                     /* repeated in the final response (RFC 7959 §2.3) */
        guint32 block2;                     /* the block asked for */
        gboolean has_block1;
        gboolean has_block2;
        gboolean from_representation;       /* answered from a kept representation */
} CoapUdp6BlockRequest;

/* Before dispatch: TRUE when the request was answered here (2.31, 4.08,
 * 4.13, a cached block); else a completed upload is now the request's
 * payload and @block says what the response must carry. */
gboolean coap_udp6_context_block_server_request (CoapUdp6Context      *self,
                                                 CoapUdp6Request      *request,
                                                 CoapUdp6BlockRequest *block);
/* The block of @response to send, or NULL to send @response as it is. */
CoapUdp6Message *coap_udp6_context_block_server_response (CoapUdp6Context            *self,
                                                          CoapUdp6Message            *request,
                                                          CoapUdp6Message            *response,
                                                          const CoapUdp6BlockRequest *block);
/* coap-udp6-context-echo.c: a 4.01 with Echo to send instead of
 * @response when it is over three times the size of @request and the
 * remote has not shown an Echo (RFC 9175 §2.4), else NULL. */
CoapUdp6Message *coap_udp6_context_echo_challenge (CoapUdp6Context *self,
                                                   CoapUdp6Message *request,
                                                   CoapUdp6Message *response);
guint64 coap_udp6_context_block_server_gauge (CoapUdp6Context  *self,
                                              CoapUdp6Statistic statistic);
void coap_udp6_context_block_server_free (CoapUdp6Context *self);

/* coap-udp6-context-request-rules.c: option rules before a resource */
typedef enum {
        COAP_UDP6_REQUEST_PLAIN,            /* nothing left for check_representation */
        COAP_UDP6_REQUEST_NEGOTIATED,       /* Accept or a condition: call check_representation */
        COAP_UDP6_REQUEST_ANSWERED,
} CoapUdp6RequestVerdict;

/* A NON request with a critical option the server cannot process is
 * rejected (RST) before it becomes a request; returns whether it was. */
gboolean coap_udp6_context_reject_non_request (CoapUdp6Context *self,
                                               CoapUdp6Message *message);
/* @message: @request's */
/* FALSE with COAP_UDP6_ERROR_INVALID_MESSAGE unless @request is a CON
 * or NON with a request method: what a caller may send. */
gboolean coap_udp6_check_outgoing_request (CoapUdp6Message *request,
                                           GError         **error);

CoapUdp6RequestVerdict coap_udp6_context_check_request (CoapUdp6Context *self,
                                                        CoapUdp6Request *request,
                                                        CoapUdp6Message *message);
/* Accept, If-Match and If-None-Match against what the resource serves
 * (@content_format -1: unknown; @etag nullable); TRUE if answered. */
gboolean coap_udp6_context_check_representation (CoapUdp6Context *self,
                                                 CoapUdp6Request *request,
                                                 gint             content_format,
                                                 GBytes          *etag);

/* coap-udp6-context-server.c */
void coap_udp6_context_handle_request (CoapUdp6Context *self,
                                       CoapUdp6Message *message);
void coap_udp6_context_clear_delayed (CoapUdp6Context *self);

/* coap-udp6-context-coaps.c: the coaps transport */
/* The bind without its scheme; *@credentials (transfer full) is set for
 * a coaps:// bind. */
const char *coap_udp6_context_split_bind (CoapUdp6Context      *self,
                                          const char           *bind,
                                          CoapUdp6Credentials **credentials);
/* The first coaps interface, made on demand for a client. */
CoapUdp6MessageInterface *coap_udp6_context_coaps_interface (CoapUdp6Context *self,
                                                            GError         **error);
/* Gives every coaps interface the context's limits. */
/* Gives the coaps interfaces the context's limits and clock. */
void coap_udp6_context_coaps_apply_limits (CoapUdp6Context *self);
/* A CON to @remote, first sent at @since, went unacknowledged: a coaps
 * client's session with it ends (coap_udp6_dtls_forget_silent_peer()). */
void coap_udp6_context_coaps_peer_silent (CoapUdp6Context         *self,
                                          CoapUdp6EndpointAddress *remote,
                                          gint64                   since);

G_END_DECLS
