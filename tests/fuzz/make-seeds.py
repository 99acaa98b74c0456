#!/usr/bin/python3
# make-seeds.py VECTORS OUTDIR: writes one seed file per message vector
# (codec), per sample URI (uri), and operation streams for the stateful
# target (context: see the Op enum in fuzz-context.c) for the libFuzzer
# targets.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import configparser
import os
import sys

URIS = [
    'coap://h:61616/%7Euser/a%2Fb',
    'coap://example.net/.well-known/core?rt=sensor&if=x%26y',
    'coap://[2001:db8::1]:5683/',
    'coap://[fe80::1%25eth0]:1234/a',
    'coap://192.0.2.1/a/b/c?x',
    'localhost/x/',
    '//[::1]/?q',
    'coaps://h:5684/s',
    'coap://h/%C3%A4%20b',
    'coap+tcp://Host.Example/a;b=c?d=e&f',
]

vectors, outdir = sys.argv[1], sys.argv[2]
parser = configparser.ConfigParser(interpolation=None)
parser.read(vectors)
for sub in ('codec', 'uri', 'context'):
    os.makedirs(os.path.join(outdir, sub), exist_ok=True)
for name in parser.sections():
    with open(os.path.join(outdir, 'codec', name), 'wb') as f:
        f.write(bytes.fromhex(parser[name]['hex']))
for i, uri in enumerate(URIS):
    with open(os.path.join(outdir, 'uri', 'uri-%02d' % i), 'w') as f:
        f.write(uri)


# fuzz-context.c: an 8-byte header (ACK_TIMEOUT 0.1 s, MAX_RETRANSMIT 2,
# MAX_LATENCY 0.5 s, leisure 0.1 s, 8 dedup entries, 4 per remote, 4
# pending requests, 4 exchanges), then operations.
(FEED, FEED_REQUEST, REPLAY, FORGE, CLOCK, RESPOND, DROP, REQUEST, CANCEL,
 ERROR, ITERATE, REAL, RESOURCE, SHUTDOWN) = range(14)
PATH = {'imm': 0, 'counter': 1, 'slow': 2, 'drop': 3, 'core': 4,
        'missing': 5, 'nested': 6, 'fail': 7}
HEADER = bytes([9, 2, 2 | 1 << 3, 7, 3, 3, 3, 0])
DRAIN = bytes([9, 2, 2 | 1 << 3, 7, 3, 3, 3 | 0x80, 0])


def request(remote, path, code=1, mid=0x1234, non=False, payload=b''):
    flags = (1 if non else 0) | PATH[path] << 1
    return bytes([FEED_REQUEST, remote, flags, code - 1, mid >> 8, mid & 0xff,
                  len(payload)]) + payload


def forge(remote, kind, *args):
    return bytes([FORGE, remote, kind]) + bytes(args)


def clock(step):
    return bytes([CLOCK, step])


def real(sink, copies, datagram):
    return bytes([REAL, sink | (copies - 1) << 2, len(datagram)]) + datagram


NESTED_GET = bytes([0x40, 0x01, 0x12, 0x34, 0xb6]) + b'nested'
SLOW_GET = bytes([0x40, 0x01, 0x12, 0x35, 0xb4]) + b'slow'

CONTEXT_SEEDS = {
    'nested': HEADER + real(0, 4, NESTED_GET) + real(1, 1, SLOW_GET) +
    real(2, 2, NESTED_GET) + bytes([REQUEST, 0, 0]) + real(3, 3, NESTED_GET) +
    real(0, 1, NESTED_GET[:2] + b'\x00\x01' + NESTED_GET[4:] + b'\xffs'),
    'separate': HEADER + request(0, 'slow') + clock(50) +
    bytes([RESPOND, 0, 0]) + forge(0, 0) + clock(250) + request(0, 'slow', mid=7) +
    bytes([DROP, 0]) + clock(199) + clock(199),
    'counter': HEADER + request(1, 'counter', code=2, payload=b'a') +
    bytes([REPLAY, 0]) + clock(100) + bytes([REPLAY, 0]) + clock(255) +
    bytes([REPLAY, 0]),
    'dedup-limit': HEADER + b''.join(request(i % 4, 'counter', code=2, mid=i)
                                     for i in range(20)) +
    b''.join(request(i % 4, 'counter', code=2, mid=i) for i in range(4)),
    'client': HEADER + bytes([REQUEST, 0, 0]) + forge(0, 2, 5) +
    bytes([REQUEST, 1, 0x10, CANCEL, 0, ITERATE]) + bytes([REQUEST, 0, 0]) +
    forge(0, 0) + forge(0, 3, 5, 0x40, 0x01) + forge(0, 3, 5, 0x40, 0x01),
    'client-separate-non': HEADER + bytes([REQUEST, 2, 2]) + forge(2, 4, 5, 0, 9) +
    bytes([REQUEST, 3, 0]) + forge(3, 1),
    'timeouts': DRAIN + bytes([REQUEST, 2, 0, REQUEST, 2, 0, REQUEST, 2, 1]) +
    clock(199) * 6 + request(3, 'slow') + clock(20) + bytes([RESPOND, 0, 0]) +
    clock(199) * 4,
    'multicast': HEADER + request(4, 'imm', non=True) + clock(100) +
    request(4, 'slow', non=True, mid=2) + bytes([RESPOND, 0, 0]) + clock(100) +
    request(4, 'missing', non=True, mid=3) + clock(100) +
    bytes([REQUEST, 0, 0xe0, 50]) + forge(0, 4, 5, 0, 1) + clock(60),
    'errors': HEADER + request(5, 'imm') + bytes([ITERATE]) +
    bytes([REQUEST, 5, 0, ITERATE, REQUEST, 6, 0, ITERATE, ERROR, 0, ERROR, 5]) +
    request(6, 'imm') + request(7, 'slow') + bytes([ITERATE]),
    'shutdown': HEADER + bytes([REQUEST, 0, 0]) + request(0, 'slow') +
    bytes([SHUTDOWN, RESPOND, 0, 0, REQUEST, 1, 0]) + request(1, 'imm'),
    'resources': HEADER + request(0, 'core') + request(0, 'fail', mid=2) +
    request(0, 'drop', mid=3) + bytes([RESOURCE, 3]) + request(0, 'imm', mid=4) +
    bytes([RESOURCE, 0]) + request(0, 'nested', mid=5),
    'pending-limit': HEADER + b''.join(request(i % 4, 'slow', mid=i) for i in range(6)) +
    bytes([RESPOND, 0, 0, DROP, 0]) + clock(10),
}
for name, ops in CONTEXT_SEEDS.items():
    with open(os.path.join(outdir, 'context', name), 'wb') as f:
        f.write(ops)
# Every vector as a datagram from a remote, fed again, and through the socket.
for name in parser.sections():
    data = bytes.fromhex(parser[name]['hex'])[:255]
    with open(os.path.join(outdir, 'context', 'vector-' + name), 'wb') as f:
        f.write(HEADER + bytes([FEED, 0, len(data)]) + data + bytes([REPLAY, 0]) +
                clock(20) + bytes([REAL, 1, len(data)]) + data)
