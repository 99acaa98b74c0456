#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Interop with real CoAP peers: libcoap's coap-client/coap-server and npm coap."""

import os
import re
import shutil
import socket
import subprocess
import time
import unittest

BUILDDIR = os.environ.get('COAP_UDP6_BUILDDIR', os.path.join(os.path.dirname(__file__), '..', 'build'))
SRCDIR = os.environ.get('COAP_UDP6_SRCDIR', os.path.join(os.path.dirname(__file__), '..'))
SERVER = os.path.join(BUILDDIR, 'examples', 'coap-udp6-server')
CLIENT = os.path.join(BUILDDIR, 'examples', 'coap-udp6-client')
NODE_PATH = os.environ.get('NODE_PATH', '/tmp/npmtest/node_modules')
NPM_PEER = os.path.join(SRCDIR, 'tests', 'interop', 'npm-peer.js')


def free_port():
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
        s.bind(('::', 0))
        return s.getsockname()[1]


def wait_for_coap_ping(port, timeout=20.0):
    """Until the CoAP server on [::1]:port answers a ping (an empty CON,
    RFC 7252 §4.3) with a RST; False if it did not within timeout."""
    deadline = time.monotonic() + timeout
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
        s.connect(('::1', port))
        s.settimeout(0.1)
        mid = 0
        while time.monotonic() < deadline:
            mid += 1
            try:
                s.send(bytes([0x40, 0x00, mid >> 8, mid & 0xff]))
                reply = s.recv(64)
            except (socket.timeout, ConnectionRefusedError):
                continue
            if len(reply) >= 4 and reply[0] >> 4 == 0x7 and reply[2:4] == bytes([mid >> 8, mid & 0xff]):
                return True
    return False


def have_npm_coap():
    return shutil.which('node') and os.path.isdir(os.path.join(NODE_PATH, 'coap'))


@unittest.skipUnless(os.path.exists(SERVER), 'tools not built (-Dexamples=false)')
class OurServer(unittest.TestCase):
    def setUp(self):
        # The kernel picks the port; the server prints it once it listens.
        self.proc = subprocess.Popen([SERVER, '--bind', '[::]:0'], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        match = re.fullmatch(r'listening on port (\d+)\n', line)
        if match is None:
            self.tearDown()
            self.fail('coap-udp6-server did not start: %r' % line)
        self.port = int(match.group(1))

    def tearDown(self):
        self.proc.terminate()
        self.proc.wait(5)
        self.proc.stdout.close()

    @unittest.skipUnless(shutil.which('coap-client-notls'), 'coap-client-notls missing')
    def test_libcoap_client(self):
        def run(*args):
            return subprocess.run(['coap-client-notls', '-B', '5'] + list(args),
                                  capture_output=True, text=True, timeout=20)
        for host in ('[::1]', '127.0.0.1'):
            base = 'coap://%s:%d' % (host, self.port)
            self.assertIn('Hello, world!', run(base + '/hello').stdout)
            self.assertIn('Hello, world!', run('-N', base + '/hello').stdout)
            self.assertIn('ping', run('-m', 'post', '-e', 'ping', base + '/echo').stdout)
            self.assertIn('</hello>', run(base + '/.well-known/core').stdout)
            result = run(base + '/nothing')
            self.assertIn('4.04', result.stdout + result.stderr)

    @unittest.skipUnless(have_npm_coap(), 'npm coap package not installed (NODE_PATH)')
    def test_npm_client(self):
        env = dict(os.environ, NODE_PATH=NODE_PATH)
        out = subprocess.run(['node', NPM_PEER, 'client', 'GET', 'coap://[::1]:%d/hello' % self.port],
                             capture_output=True, text=True, timeout=20, env=env).stdout
        self.assertIn('Hello, world!', out)
        out = subprocess.run(['node', NPM_PEER, 'client', 'POST', 'coap://[::1]:%d/echo' % self.port, 'abc'],
                             capture_output=True, text=True, timeout=20, env=env).stdout
        self.assertIn('abc', out)


@unittest.skipUnless(os.path.exists(CLIENT), 'tools not built (-Dexamples=false)')
class OurClient(unittest.TestCase):
    def client(self, *args):
        return subprocess.run([CLIENT] + list(args), capture_output=True, text=True, timeout=60)

    @unittest.skipUnless(shutil.which('coap-server-notls'), 'coap-server-notls missing')
    def test_libcoap_server(self):
        for loss in ([], ['-l', '30%']):
            port = free_port()
            proc = subprocess.Popen(['coap-server-notls', '-A', '::1', '-p', str(port)] + loss,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                # coap-server-notls cannot say when it listens: ask it.
                self.assertTrue(wait_for_coap_ping(port), 'coap-server-notls did not answer a ping')
                result = self.client('coap://[::1]:%d/' % port)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn('libcoap', result.stdout)
                result = self.client('coap://[::1]:%d/nothing' % port)
                self.assertEqual(result.returncode, 1)
            finally:
                proc.terminate()
                proc.wait(5)

    def test_refused(self):
        result = self.client('coap://[::1]:%d/x' % free_port())
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr.strip(), 'coap-udp6-client: Connection refused')

    @unittest.skipUnless(have_npm_coap(), 'npm coap package not installed (NODE_PATH)')
    def test_npm_server(self):
        port = free_port()
        env = dict(os.environ, NODE_PATH=NODE_PATH)
        proc = subprocess.Popen(['node', NPM_PEER, 'server', str(port)], stdout=subprocess.PIPE,
                                text=True, env=env)
        try:
            self.assertEqual(proc.stdout.readline().strip(), 'ready')
            result = self.client('coap://[::1]:%d/hello' % port)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn('hello from npm coap', result.stdout)
            result = self.client('-m', 'post', '--payload', 'xyz', 'coap://[::1]:%d/echo' % port)
            self.assertEqual(result.stdout.strip(), 'xyz')
        finally:
            proc.terminate()
            proc.wait(5)
            proc.stdout.close()


if __name__ == '__main__':
    unittest.main(verbosity=2)
