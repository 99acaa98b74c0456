#!/usr/bin/python3
"""Writes the seeds of fuzz-dtls-peer: programs in the form that
fuzz-dtls-peer.c reads (a flags byte, then operations), one file each.

    make-dtls-seeds.py OUTPUT_DIR

SPDX-License-Identifier: LGPL-2.1-or-later
"""
import os
import struct
import sys

# The Op enum of fuzz-dtls-peer.c, in its order.
(APP, GET, RAW, ALERT, RENEGOTIATE, RESTART, REPLAY, TRUNCATE, FLIP, HOLD,
 CLOCK, CHECK) = range(12)

ENCRYPTED, FATAL = 1, 2
CLOSE_NOTIFY, UNEXPECTED_MESSAGE, NO_RENEGOTIATION = 0, 10, 100
# The history index of the client's first datagrams: its ClientHello, the
# ClientHello with the cookie, its last flight.
HELLO, HELLO_WITH_COOKIE, LAST_FLIGHT = 0, 1, 2


def u16(value):
    return struct.pack('>H', value)


def app(payload):
    return bytes([APP]) + u16(len(payload)) + payload


def raw(datagram):
    return bytes([RAW]) + u16(len(datagram)) + datagram


def alert(flags, description):
    return bytes([ALERT, flags, description])


def clock(seconds):
    return bytes([CLOCK]) + u16(int(seconds * 10))


def program(*ops, ecdhe=False):
    return bytes([1 if ecdhe else 0]) + b''.join(ops)


def op(code, *args):
    return bytes([code, *args])


# A CON POST /hello with a payload, a NON GET, an RST, a message that is
# not CoAP, an empty record.
POST = bytes([0x42, 0x02, 0x10, 0x01, 0xab, 0xcd, 0xb5]) + b'hello' + b'\xffdata'
NON_GET = bytes([0x51, 0x01, 0x20, 0x02, 0x01, 0xb5]) + b'hello'
RST = bytes([0x70, 0x00, 0x30, 0x03])
# An application record of epoch 1 with a sequence number far ahead and
# garbage for ciphertext, and a handshake record of epoch 0 cut short.
EPOCH1_GARBAGE = bytes([23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0x10, 0]) + u16(24) + b'x' * 24
EPOCH0_SHORT = bytes([22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 7]) + u16(40) + b'\x01\x00'

SEEDS = {
    'get': program(op(GET), op(CHECK)),
    'get-ecdhe': program(op(GET), op(CHECK), ecdhe=True),
    'coap-records': program(app(POST), app(NON_GET), app(RST), app(b'\x00' * 3),
                            app(b''), op(CHECK)),
    'garbage': program(raw(EPOCH1_GARBAGE), raw(EPOCH0_SHORT), raw(b'\x17' * 13),
                       op(CHECK)),
    'renegotiate': program(op(RENEGOTIATE), op(CHECK), op(GET), op(CHECK)),
    'renegotiate-replayed': program(op(GET), op(RENEGOTIATE), op(REPLAY, 4),
                                    op(REPLAY, 4), op(CHECK)),
    'renegotiate-ecdhe': program(op(RENEGOTIATE), op(CHECK), ecdhe=True),
    'alerts': program(alert(ENCRYPTED, NO_RENEGOTIATION), op(CHECK),
                      alert(FATAL, UNEXPECTED_MESSAGE), op(CHECK),
                      alert(0, CLOSE_NOTIFY), op(CHECK)),
    'close-notify': program(alert(ENCRYPTED, CLOSE_NOTIFY), op(GET), op(CHECK)),
    'fatal-alert': program(alert(ENCRYPTED | FATAL, UNEXPECTED_MESSAGE), op(CHECK)),
    'restart-full': program(op(RESTART, 7), op(CHECK), op(GET)),
    'restart-cookie': program(op(RESTART, 2), app(POST), op(CHECK), clock(25),
                              op(CHECK)),
    'restart-hello-only': program(op(RESTART, 1), op(CHECK), op(GET), op(CHECK)),
    'replay-handshake': program(op(REPLAY, HELLO), op(REPLAY, HELLO_WITH_COOKIE),
                                op(REPLAY, LAST_FLIGHT), op(CHECK)),
    # After two changes of the server's cookie secret (RFC 6347 §4.2.1).
    'replay-cookie-late': program(op(GET), clock(61), clock(61),
                                  op(REPLAY, HELLO_WITH_COOKIE), op(CHECK)),
    'replay-app': program(op(GET), op(REPLAY, 3), op(REPLAY, 3), op(CHECK)),
    'reorder': program(op(HOLD, 0), op(GET), app(POST), op(GET), op(HOLD, 1),
                       op(CHECK)),
    'truncate-flip': program(op(GET), op(TRUNCATE, 3, 0, 20), op(FLIP, 3, 0, 30, 0x01),
                             op(FLIP, 3, 0, 3, 0x01), op(CHECK)),
    'idle': program(op(GET), clock(200), op(CHECK), clock(310), op(CHECK), op(GET)),
    'handshake-timeout': program(op(RESTART, 1), clock(1), clock(2), clock(30),
                                 op(CHECK)),
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
