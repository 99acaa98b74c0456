#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Block-wise transfer (RFC 7959) with the npm `coap` package in both roles:
its client downloads from and uploads to coap-udp6-server, and
coap-udp6-client downloads from and uploads to its server. Skipped (77)
without node or the package (NODE_PATH). aiocoap in both roles:
test_aiocoap_interop.py."""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

from test_interop import CLIENT, NODE_PATH, SERVER, SRCDIR, have_npm_coap

PEER = os.path.join(SRCDIR, 'tests', 'interop', 'npm-block-peer.js')
# What coap-udp6-server's /large serves.
LARGE = b''.join(b'%04d abcdefghijklmnopqrstuvwxyz0123456789\n' % i for i in range(100))
SIZE = 100000


def body(length):
    """The bodies npm-block-peer.js sends and serves."""
    return bytes(65 + (i * 7 + i // 251) % 26 for i in range(length))


def described(code, payload):
    return '%s %d %s' % (code, len(payload), hashlib.sha256(payload).hexdigest())


def node(*args, **kwargs):
    env = dict(os.environ, NODE_PATH=NODE_PATH)
    return subprocess.Popen(['node', PEER] + list(args), stdout=subprocess.PIPE, text=True,
                            env=env, **kwargs)


class NodeClient(unittest.TestCase):
    """The package's client against coap-udp6-server."""

    def setUp(self):
        self.server = subprocess.Popen([SERVER, '--bind', '[::1]:0'], stdout=subprocess.PIPE,
                                       stderr=subprocess.DEVNULL, text=True)
        port = re.search(r'port (\d+)', self.server.stdout.readline()).group(1)
        self.base = 'coap://[::1]:%s' % port

    def tearDown(self):
        self.server.terminate()
        self.server.wait(timeout=10)
        self.server.stdout.close()

    def run_node(self, *args):
        proc = node('client', *args)
        out, _ = proc.communicate(timeout=90)
        self.assertEqual(proc.returncode, 0, out)
        return out.strip()

    def test_download(self):
        self.assertEqual(self.run_node('GET', self.base + '/large'), described('2.05', LARGE))

    def test_upload(self):
        # 98 Block1 blocks, each answered 2.31, then the echo in Block2 blocks.
        self.assertEqual(self.run_node('POST', self.base + '/echo', str(SIZE)),
                         described('2.04', body(SIZE)))


class NodeServer(unittest.TestCase):
    """coap-udp6-client against the package's server."""

    def setUp(self):
        # Port 0: the kernel picks a free one, and no other process can
        # take it between a probe and the bind.
        self.server = node('server', '0', str(SIZE))
        ready = self.server.stdout.readline().split()
        self.assertEqual(ready[:1], ['ready'])
        self.base = 'coap://[::1]:%s' % ready[1]
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.server.terminate()
        self.server.wait(timeout=10)
        self.server.stdout.close()
        self.tmp.cleanup()

    def client(self, *args):
        return subprocess.run([CLIENT] + list(args), capture_output=True, timeout=90)

    def test_download(self):
        output = os.path.join(self.tmp.name, 'down')
        got = self.client('-o', output, self.base + '/large')
        self.assertEqual(got.returncode, 0, got.stderr)
        with open(output, 'rb') as f:
            self.assertTrue(f.read() == body(SIZE), 'the downloaded body differs')

    def test_download_small_blocks(self):
        got = self.client('-b', '64', self.base + '/large')
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertTrue(got.stdout == body(SIZE) + b'\n', 'the downloaded body differs')

    # The package's server (1.5) keys the blocks of an upload, and the
    # Block2 blocks of its answer, by token: the client keeps one token
    # for all the blocks of one transfer.
    def upload(self, length, *args):
        source = os.path.join(self.tmp.name, 'up')
        output = os.path.join(self.tmp.name, 'down')
        with open(source, 'wb') as f:
            f.write(body(length))
        got = self.client('-m', 'post', '-f', source, '-o', output, *args, self.base + '/echo')
        self.assertEqual(got.returncode, 0, got.stderr)
        with open(output, 'rb') as f:
            self.assertTrue(f.read() == body(length), 'the echoed body differs')

    def test_upload(self):
        self.upload(5000)

    def test_upload_small_blocks(self):
        # 196 Block1 blocks up, then 196 Block2 blocks of the echo down.
        self.upload(SIZE, '-b', '512')

    def test_upload_one_block(self):
        # Up to one block needs no Block1 at all: the package's echo works.
        got = self.client('-m', 'post', '-p', 'x' * 1000, self.base + '/echo')
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertEqual(got.stdout, b'x' * 1000 + b'\n')


if __name__ == '__main__':
    if not os.path.exists(SERVER):
        print('tools not built (-Dexamples=false)')
        sys.exit(77)
    if not have_npm_coap() or shutil.which('node') is None:
        print('node or the npm coap package (NODE_PATH) is missing')
        sys.exit(77)
    unittest.main()
