#!/usr/bin/python3
# make-seeds.py VECTORS OUTDIR: writes one seed file per message vector
# (codec) and per sample URI (uri) for the libFuzzer targets.
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
for sub in ('codec', 'uri'):
    os.makedirs(os.path.join(outdir, sub), exist_ok=True)
for name in parser.sections():
    with open(os.path.join(outdir, 'codec', name), 'wb') as f:
        f.write(bytes.fromhex(parser[name]['hex']))
for i, uri in enumerate(URIS):
    with open(os.path.join(outdir, 'uri', 'uri-%02d' % i), 'w') as f:
        f.write(uri)
