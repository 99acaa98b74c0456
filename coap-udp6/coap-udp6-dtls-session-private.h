/* coap-udp6-dtls-session-private.h: one peer's DTLS session over a
 * message interface's socket (not installed)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "coap-udp6-dtls-private.h"

#include "coap-udp6-gnutls-private.h"
#include <netinet/in.h>

G_BEGIN_DECLS

/* Address and port: what a peer's session is found by. */
typedef struct {
        struct in6_addr addr;
        guint16         port;
} CoapUdp6DtlsPeerKey;

/* Message lengths of the handshake messages a peer sent, by message_seq:
 * coap-udp6-dtls-record-check.c. */
typedef struct {
        guint16 seq[8];
        guint32 length[8];
        guint n;
} CoapUdp6DtlsHandshakeLengths;

gboolean coap_udp6_dtls_records_plausible (const guint8                 *data,
                                           gsize                         length,
                                           CoapUdp6DtlsHandshakeLengths *seen);

typedef enum {
        COAP_UDP6_DTLS_HANDSHAKING,
        COAP_UDP6_DTLS_ESTABLISHED,
        COAP_UDP6_DTLS_CLOSED,
} CoapUdp6DtlsState;

typedef struct {
        gatomicrefcount          ref;
        CoapUdp6Dtls            *dtls;          /* unowned: closes us before it goes */
        CoapUdp6DtlsPeerKey      key;
        gnutls_session_t         tls;
        CoapUdp6DtlsState        state;
        gboolean                 client;
        gboolean                 half_open;     /* counted in the server's handshakes */
        gboolean                 unknown_identity; /* server: no key for the client's PSK identity */
        guint                    undecryptable_finished; /* server: flights that did not finish it */
        CoapUdp6EndpointAddress *transport;     /* (owned) where records go */
        CoapUdp6EndpointAddress *remote;        /* (owned) (nullable) once established: coaps, with the identity */
        const guint8            *in_data;       /* (unowned) the record being read */
        gsize                    in_length;
        CoapUdp6Timer           *timer;         /* (nullable) handshake retransmission or expiry */
        gint64                   deadline;      /* the handshake fails at this time, µs */
        guint                    retransmit_ms; /* the next retransmission's wait */
        gint64                   flight_at;     /* last handshake flight sent, µs */
        gboolean                 peer_driven;   /* in a GnuTLS call on a peer's record */
        gnutls_handshake_description_t call_last_in; /* the last handshake message in, at its start */
        GQueue                   pending;       /* GBytes sent before the handshake finished */
        gint64                   last_used;     /* on the transport's clock, µs */
        gint64                   last_heard;    /* established, or a record decrypted: µs */
        gboolean                 delivering;    /* last_used was just set: a record's plaintext is being handled */
        char                    *host_name;     /* (owned) (nullable) what the server's certificate must name */
        gnutls_typed_vdata_st    verify_data;   /* GnuTLS keeps a pointer to it */
        gboolean                 database_trusted; /* the credentials' GTlsDatabase took the chain */
        GError                  *verify_error;  /* (owned) (nullable) why it did not */
        CoapUdp6DtlsHandshakeLengths handshake_lengths; /* what the peer's fragments claimed */
} CoapUdp6DtlsSession;

/* coap-udp6-dtls.c: what a session asks of its transport */
void coap_udp6_dtls_push_record (CoapUdp6Dtls            *self,
                                 const void              *data,
                                 gsize                    length,
                                 CoapUdp6EndpointAddress *to);
gint64 coap_udp6_dtls_now (CoapUdp6Dtls *self);
CoapUdp6Timer *coap_udp6_dtls_add_timer (CoapUdp6Dtls     *self,
                                         gint64            delay_us,
                                         CoapUdp6TimerFunc func,
                                         gpointer          data);
void coap_udp6_dtls_cancel_timer (CoapUdp6Dtls   *self,
                                  CoapUdp6Timer **timer);
/* Handshake finished (@error NULL) or failed; the session is then
 * removed. */
void coap_udp6_dtls_session_done (CoapUdp6Dtls        *self,
                                  CoapUdp6DtlsSession *session,
                                  const GError        *error);
void coap_udp6_dtls_deliver (CoapUdp6Dtls        *self,
                             CoapUdp6DtlsSession *session,
                             const guint8        *data,
                             gsize                length);

/* coap-udp6-dtls-session.c */
CoapUdp6DtlsSession *coap_udp6_dtls_session_new (CoapUdp6Dtls              *dtls,
                                                 gnutls_session_t           tls,
                                                 gboolean                   client,
                                                 CoapUdp6EndpointAddress   *transport,
                                                 guint                      handshake_timeout_ms);
CoapUdp6DtlsSession *coap_udp6_dtls_session_ref (CoapUdp6DtlsSession *self);
void coap_udp6_dtls_session_unref (CoapUdp6DtlsSession *self);
/* Runs the handshake on (@data, @length), which may be NULL. */
void coap_udp6_dtls_session_handshake (CoapUdp6DtlsSession *self,
                                       const guint8        *data,
                                       gsize                length);
/* FALSE when GnuTLS took no record of it (none decrypted, or each was a
 * replay). */
gboolean coap_udp6_dtls_session_read (CoapUdp6DtlsSession *self,
                                      const guint8        *data,
                                      gsize                length);
/* FALSE with @error when the record cannot be sent. */
gboolean coap_udp6_dtls_session_write (CoapUdp6DtlsSession *self,
                                       const guint8        *data,
                                       gsize                length,
                                       GError             **error);
void coap_udp6_dtls_session_queue (CoapUdp6DtlsSession *self,
                                   const guint8        *data,
                                   gsize                length);
/* Sends close_notify (once established) and stops the timer. */
void coap_udp6_dtls_session_close (CoapUdp6DtlsSession *self);
char *coap_udp6_dtls_session_get_peer_identity (CoapUdp6DtlsSession *self);

/* coap-udp6-dtls-rpk.c: RawPublicKey mode. Puts the key pair of @c (if
 * any) in @certificates. */
gboolean coap_udp6_dtls_load_raw_public_key (gnutls_certificate_credentials_t   certificates,
                                             CoapUdp6Credentials               *c,
                                             GError                           **error);
/* From the certificate verify function, for a raw public key: 0 when the
 * peer's key is accepted, else -1 with session->verify_error set. */
int coap_udp6_dtls_verify_raw_public_key (CoapUdp6DtlsSession *session,
                                          CoapUdp6Credentials *c);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CoapUdp6DtlsSession, coap_udp6_dtls_session_unref)

G_END_DECLS
