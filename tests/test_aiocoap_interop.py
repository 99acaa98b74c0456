#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Interop with aiocoap, both roles, over [::1]: block-wise downloads
(Block2) and uploads (Block1) and observation (RFC 7641).

aiocoap is not packaged for Debian 12 and PyPI cannot be reached from the
build machines, so an unmodified copy of it (pure Python, standard library
only, MIT) lives in tests/peers/aiocoap/ (tests/peers/README.md).

- aiocoap's client against coap-udp6-server: /large (4200 bytes in
  blocks), a 3000-byte POST to /echo (Block1, echoed back in Block2
  blocks), observing /time (a notification every second).
- coap-udp6-client against an aiocoap server (tests/peers/aiocoap_server.py):
  /large, a 5000-byte upload to /sink (which answers the length and
  SHA-256 it reassembled), observing /time for three notifications, and
  /.well-known/core."""

import hashlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

BUILD = os.environ.get('COAP_UDP6_BUILDDIR', '.')
SRCDIR = os.environ.get('COAP_UDP6_SRCDIR', os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PEERS = os.path.join(SRCDIR, 'tests', 'peers')
CLIENT = os.path.join(BUILD, 'examples', 'coap-udp6-client')
SERVER = os.path.join(BUILD, 'examples', 'coap-udp6-server')
PYTHON = '/usr/bin/python3'


def free_port():
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
        s.bind(('::1', 0))
        return s.getsockname()[1]


def aiocoap_env():
    env = dict(os.environ)
    env['PYTHONPATH'] = PEERS
    env['PYTHONUNBUFFERED'] = '1'
    env['PYTHONDONTWRITEBYTECODE'] = '1'
    return env


def aiocoap_client(*args, timeout=30):
    return subprocess.run([PYTHON, '-m', 'aiocoap.cli.client'] + list(args), env=aiocoap_env(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)


def started(argv, env=None):
    """Starts @argv, waits for its "listening on port N" line; (process, N)."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    line = proc.stdout.readline()
    match = re.search(r'port (\d+)', line)
    if match is None:
        proc.kill()
        raise AssertionError('%s did not start: %r %r' % (argv[0], line, proc.stderr.read()))
    return proc, int(match.group(1))


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class AiocoapClient(unittest.TestCase):
    """aiocoap's client, our server."""

    @classmethod
    def setUpClass(cls):
        cls.server, port = started([SERVER, '--bind', '[::1]:0'])
        cls.base = 'coap://[::1]:%d' % port

    @classmethod
    def tearDownClass(cls):
        stop(cls.server)

    def ours(self, *args):
        out = subprocess.run([CLIENT] + list(args), stdout=subprocess.PIPE, timeout=30)
        self.assertEqual(out.returncode, 0)
        return out.stdout

    def test_large(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'large')
            subprocess.run([CLIENT, '-o', path, self.base + '/large'], check=True, timeout=30)
            with open(path, 'rb') as f:
                expected = f.read()
        self.assertEqual(len(expected), 4200)
        out = aiocoap_client(self.base + '/large')
        self.assertEqual(out.returncode, 0, out.stderr)
        # aiocoap-client ends text on a terminal line.
        self.assertEqual(out.stdout.rstrip(b'\n'), expected.rstrip(b'\n'))

    def test_upload(self):
        body = ''.join('%05d' % i for i in range(600))        # 3000 bytes
        out = aiocoap_client('-m', 'POST', '--payload', body, self.base + '/echo')
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.rstrip(b'\n'), body.encode())

    def test_observe(self):
        proc = subprocess.Popen([PYTHON, '-m', 'aiocoap.cli.client', '--observe', self.base + '/time'],
                                env=aiocoap_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(3.6)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=10)
        # aiocoap-client writes the first answer to stdout and, when
        # stdout is not a terminal, the notifications to stderr.
        stamps = re.findall(rb'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+', stdout + stderr)
        # The first answer and a notification every second.
        self.assertGreaterEqual(len(stamps), 4, (stdout, stderr))
        self.assertEqual(len(set(stamps)), len(stamps))


class AiocoapServer(unittest.TestCase):
    """Our client, aiocoap's server."""

    @classmethod
    def setUpClass(cls):
        port = free_port()
        cls.server, _ = started([PYTHON, os.path.join(PEERS, 'aiocoap_server.py'), str(port)],
                                env=aiocoap_env())
        cls.base = 'coap://[::1]:%d' % port

    @classmethod
    def tearDownClass(cls):
        stop(cls.server)

    def run_client(self, *args):
        out = subprocess.run([CLIENT] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        return out.stdout

    def test_large(self):
        sys.path.insert(0, PEERS)
        import aiocoap_server
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'large')
            self.run_client('-o', path, self.base + '/large')
            with open(path, 'rb') as f:
                self.assertEqual(f.read(), aiocoap_server.LARGE)

    def test_upload(self):
        body = os.urandom(5000)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'body')
            with open(path, 'wb') as f:
                f.write(body)
            for method in ('post', 'put'):
                out = self.run_client('-m', method, '-f', path, self.base + '/sink')
                self.assertEqual(out.strip().decode(), '5000 ' + hashlib.sha256(body).hexdigest())

    def test_observe(self):
        out = self.run_client('--observe', '3', self.base + '/time')
        ticks = [int(n) for n in re.findall(rb'tick (\d+)', out)]
        self.assertEqual(len(ticks), 3, out)
        self.assertEqual(ticks, sorted(set(ticks)))

    def test_link_format(self):
        out = self.run_client(self.base + '/.well-known/core')
        self.assertIn(b'</time>;obs', out)
        self.assertIn(b'</large>', out)


if __name__ == '__main__':
    unittest.main(verbosity=2)
