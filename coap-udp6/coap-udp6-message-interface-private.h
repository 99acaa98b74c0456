/* coap-udp6-message-interface-private.h: the message interface's struct,
 * shared by its files (not installed)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "coap-udp6-message-interface.h"
#include "coap-udp6-endpoint-address-private.h"
#include "coap-udp6-dtls-private.h"

G_BEGIN_DECLS

#define COAP_UDP6_REMOTE_CACHE_SIZE 256

/* Replies up to this size are queued for a batch by copy, larger ones
 * as GBytes. */
#define COAP_UDP6_QUEUED_INLINE 1280

typedef struct {
        GBytes *datagram;                   /* (owned) (nullable): else @inline_data */
        CoapUdp6EndpointAddress *remote;    /* (owned) */
        gsize length;
        guint8 inline_data[COAP_UDP6_QUEUED_INLINE];
} CoapUdp6QueuedSend;

/* A destination sent to: ICMP errors are believed for these only. */
typedef struct {
        struct in6_addr addr;
        guint16 port;                       /* network order */
        guint16 used;
} CoapUdp6Destination;

struct _CoapUdp6MessageInterface {
        GObject        parent_instance;

        CoapUdp6InterfaceAnchor *anchor; /* (owned) */

        GWeakRef       manager;
        GMainContext  *context;        /* (owned) */
        char          *bind;           /* (owned) */
        char         **multicast;      /* (owned) */
        gboolean       server;
        gboolean       reuse_port;
        CoapUdp6Credentials *credentials; /* (owned) (nullable): coaps */
        CoapUdp6Dtls  *dtls;           /* (owned) (nullable): the coaps sessions, from start to finalize */

        gboolean       initialized;
        gboolean       shut_down;
        GSocket       *socket;         /* (owned) */
        int            fd;
        GSource       *source;         /* (owned) */
        guint          local_port;
        guint8        *buffer;         /* (owned) COAP_UDP6_RECV_BATCH slots */
        CoapUdp6RecvSlots *recv_slots; /* (owned) the headers for @buffer */
        gsize          buffer_size;    /* of one slot */
        guint          receive_depth;  /* socket_ready on the stack (it may recurse) */
        /* Sends made while a received batch is handled go out together with
         * one sendmmsg() at its end, or before the main context next polls
         * (flush_source's prepare), whichever comes first. */
        CoapUdp6QueuedSend *send_queue; /* (owned) COAP_UDP6_SEND_BATCH, the first send_queue_len used */
        guint          send_queue_len;
        gboolean       flushing;       /* in flush_sends(): a send goes out at once */
        gboolean       batching;       /* handling a received batch of several */
        guint          holding;        /* coap_udp6_message_interface_hold_sends() calls not released */
        GSource       *flush_source;   /* (owned) */
        CoapUdp6Destination *destinations; /* (owned) (nullable): 1 << destinations_bits, direct-mapped */
        guint          destinations_bits;
        /* Recent remotes, direct-mapped: a peer that keeps talking reuses
         * one immutable CoapUdp6EndpointAddress instead of a new object
         * per datagram. */
        CoapUdp6EndpointAddress *remote_cache[COAP_UDP6_REMOTE_CACHE_SIZE]; /* (owned) */
        /* The last datagram's message, reloaded for the next one when
         * nothing else kept it (see coap-udp6-reuse.c). */
        CoapUdp6Message *spare_message; /* (owned) (nullable) */
        gboolean       spare_message_emptied; /* found unshared, and emptied */

        GQueue         pending_errors; /* (owned) PendingError */
        GSource       *error_source;   /* (owned) */
        gboolean       warned_no_pktinfo;

        guint64        datagrams_received;
        guint64        datagrams_dropped_unparsable;
        guint64        datagrams_dropped_truncated;
        guint64        errors_received;
};

/* coap-udp6-message-interface-remote.c */
gboolean coap_udp6_parse_hostport (const char  *text,
                                   guint        default_port,
                                   char       **host,
                                   guint       *ifindex,
                                   guint       *port,
                                   GError     **error);
gboolean coap_udp6_literal_to_native (const char          *host,
                                      guint                ifindex,
                                      guint                port,
                                      struct sockaddr_in6 *out,
                                      GError             **error);

/* coap-udp6-message-interface-io.c */
gboolean coap_udp6_message_interface_start (CoapUdp6MessageInterface  *self,
                                            const struct sockaddr_in6 *bind_addr,
                                            GError                   **error);
void coap_udp6_message_interface_stop (CoapUdp6MessageInterface *self);
gboolean coap_udp6_message_interface_determine_remote_now (CoapUdp6MessageInterface *self,
                                                           CoapUdp6Message          *message,
                                                           CoapUdp6EndpointAddress **remote,
                                                           GError                  **error);
CoapUdp6EndpointAddress *coap_udp6_message_interface_lookup_remote (CoapUdp6MessageInterface  *self,
                                                                   const struct sockaddr_in6 *sin6,
                                                                   const CoapUdp6RawPktinfo  *pktinfo);
void coap_udp6_message_interface_clear_remote_cache (CoapUdp6MessageInterface *self);
/* Between these, sends are queued and leave COAP_UDP6_SEND_BATCH to a
 * sendmmsg (the notifications of one change); release sends the rest. */
void coap_udp6_message_interface_hold_sends (CoapUdp6MessageInterface *self);
void coap_udp6_message_interface_release_sends (CoapUdp6MessageInterface *self);
void coap_udp6_message_interface_send_data (CoapUdp6MessageInterface *self,
                                            const guint8             *data,
                                            gsize                     size,
                                            CoapUdp6EndpointAddress  *remote);
/* For the coaps sessions (coap-udp6-dtls.c): a record as it is, a
 * decrypted message to the manager, an error to the manager from the main
 * loop (takes @error). */
void coap_udp6_message_interface_send_record (CoapUdp6MessageInterface *self,
                                              const guint8             *data,
                                              gsize                     size,
                                              CoapUdp6EndpointAddress  *remote);
void coap_udp6_message_interface_deliver (CoapUdp6MessageInterface *self,
                                          const guint8             *data,
                                          gsize                     size,
                                          CoapUdp6EndpointAddress  *remote);
void coap_udp6_message_interface_report_error (CoapUdp6MessageInterface *self,
                                               CoapUdp6EndpointAddress  *remote,
                                               GError                   *error);
/* Tests only: a smaller receive buffer makes MSG_TRUNC testable. */
void coap_udp6_message_interface_set_receive_buffer_size (CoapUdp6MessageInterface *self,
                                                          gsize                     size);

G_END_DECLS
