/* coap-udp6-dtls-record-check.c: records GnuTLS is not given
 *
 * GnuTLS before 3.8.13 (Debian 12 has 3.7.9) reads past its buffers when
 * it reassembles DTLS handshake fragments whose lengths contradict each
 * other: a zero-length fragment at a non-zero offset (CVE-2026-33845) or
 * fragments of one message that claim different message lengths
 * (CVE-2026-33846). fuzz-dtls found a ClientHello whose record claims more
 * bytes than its datagram holds and that made GnuTLS 3.7.9 read 64 KiB
 * past a heap buffer while reassembling it
 * (data/fuzz-dtls/record-longer-than-datagram). Such datagrams are
 * dropped before GnuTLS sees them, as RFC 6347 §4.1.2.7 allows for
 * invalid records; a well-formed handshake is never affected.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-dtls-session-private.h"

#define RECORD_HEADER 13
#define FRAGMENT_HEADER 12
#define CONTENT_TYPE_HANDSHAKE 22
/* Far above any handshake message of ours or a peer's certificate chain,
 * and below GnuTLS's own limit (128 KiB by default). */
#define MAX_HANDSHAKE_MESSAGE (64 * 1024)

static guint32
read24 (const guint8 *p)
{
        return (guint32) p[0] << 16 | (guint32) p[1] << 8 | p[2];
}

/* The message length first seen for @message_seq must hold for every
 * fragment of it. */
static gboolean
length_consistent (CoapUdp6DtlsHandshakeLengths *seen,
                   guint16                       message_seq,
                   guint32                       message_length)
{
        guint slot;

        for (guint i = 0; i < seen->n && i < G_N_ELEMENTS (seen->seq); i++)
                if (seen->seq[i] == message_seq)
                        return seen->length[i] == message_length;
        slot = seen->n++ % G_N_ELEMENTS (seen->seq);
        seen->seq[slot] = message_seq;
        seen->length[slot] = message_length;
        return TRUE;
}

static gboolean
fragments_plausible (const guint8                 *data,
                     gsize                         length,
                     CoapUdp6DtlsHandshakeLengths *seen)
{
        while (length > 0) {
                guint32 message_length, offset, fragment_length;

                if (length < FRAGMENT_HEADER)
                        return FALSE;
                message_length = read24 (data + 1);
                offset = read24 (data + 6);
                fragment_length = read24 (data + 9);
                if (message_length > MAX_HANDSHAKE_MESSAGE ||
                    fragment_length > length - FRAGMENT_HEADER ||
                    (guint64) offset + fragment_length > message_length ||
                    (fragment_length == 0 && offset != 0) ||
                    !length_consistent (seen, (guint16) (data[4] << 8 | data[5]), message_length))
                        return FALSE;
                data += FRAGMENT_HEADER + fragment_length;
                length -= FRAGMENT_HEADER + fragment_length;
        }
        return TRUE;
}

/*
 * coap_udp6_dtls_records_plausible:
 * @data: a datagram received on a coaps socket
 * @length: its size
 * @seen: (nullable): the handshake message lengths of the peer's session,
 *   updated; without one, only within @data
 *
 * Whether every record of @data fits in it and every plaintext handshake
 * fragment (epoch 0) fits in its record and in its message, with the
 * message length it claimed before. Encrypted records are left to GnuTLS.
 */
gboolean
coap_udp6_dtls_records_plausible (const guint8                 *data,
                                  gsize                         length,
                                  CoapUdp6DtlsHandshakeLengths *seen)
{
        CoapUdp6DtlsHandshakeLengths in_this_datagram = { 0 };

        if (seen == NULL)
                seen = &in_this_datagram;
        while (length > 0) {
                gsize record_length;

                if (length < RECORD_HEADER)
                        return FALSE;
                record_length = (gsize) data[11] << 8 | data[12];
                if (record_length > length - RECORD_HEADER)
                        return FALSE;
                if (data[0] == CONTENT_TYPE_HANDSHAKE && data[3] == 0 && data[4] == 0 &&
                    !fragments_plausible (data + RECORD_HEADER, record_length, seen))
                        return FALSE;
                data += RECORD_HEADER + record_length;
                length -= RECORD_HEADER + record_length;
        }
        return TRUE;
}
