#!/usr/bin/python3
# test_examples.py: runs every example server (C, Python, GJS, Vala and the
# coap-udp6-server tool) on a loopback port the kernel picks, and every
# example client (C, Python, GJS, Vala, the coap-udp6-client tool) against
# each; checks the payload each resource computes from the request, the exit
# status on 4.04 and on a malformed URI, and /.well-known/core.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import os
import re
import shutil
import subprocess
import sys
import unittest

SRC = os.environ.get('COAP_UDP6_SRCDIR',
                     os.path.join(os.path.dirname(__file__), '..'))
BUILD = os.environ.get('COAP_UDP6_BUILDDIR', '.')
EXAMPLES = os.path.join(SRC, 'examples')
BUILT = os.path.join(BUILD, 'examples')
GJS = shutil.which('gjs')


def built(name):
    path = os.path.join(BUILT, name)
    return path if os.access(path, os.X_OK) else None


def servers():
    """name → (argv prefix taking HOST:PORT, language tag or None for C)."""
    found = {'python': ([sys.executable, os.path.join(EXAMPLES, 'server.py')],
                        'Python')}
    if GJS:
        found['gjs'] = ([GJS, '-m', os.path.join(EXAMPLES, 'server.js')], 'GJS')
    if built('example-server-vala'):
        found['vala'] = ([built('example-server-vala')], 'Vala')
    if built('example-server'):
        found['c'] = ([built('example-server')], 'C')
    if built('coap-udp6-server'):
        found['tool'] = ([built('coap-udp6-server'), '--bind'], None)
    return found


def clients():
    found = {'python': [sys.executable, os.path.join(EXAMPLES, 'client.py')]}
    if GJS:
        found['gjs'] = [GJS, '-m', os.path.join(EXAMPLES, 'client.js')]
    if built('example-client-vala'):
        found['vala'] = [built('example-client-vala')]
    if built('example-client'):
        found['c'] = [built('example-client')]
    if built('coap-udp6-client'):
        found['tool'] = [built('coap-udp6-client')]
    return found


class Server:
    def __init__(self, argv, bind):
        self.proc = subprocess.Popen(argv + [bind], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        # Every server, the C tool included, reports its port on stdout.
        line = self.proc.stdout.readline()
        match = re.search(r'listening on port (\d+)', line)
        if match is None:
            self.stop()
            raise AssertionError('%s did not start: %r %s' % (
                argv, line, self.proc.stderr.read()))
        self.port = int(match.group(1))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.communicate(timeout=10)
        return self.proc.returncode


def run_client(argv, uri):
    return subprocess.run(argv + [uri], capture_output=True, text=True,
                          timeout=30)


class Examples(unittest.TestCase):
    def check_server(self, name, argv, lang, host, bind):
        server = Server(argv, bind)
        try:
            base = 'coap://%s:%d' % (host, server.port)
            for client_name, client in clients().items():
                with self.subTest(server=name, client=client_name):
                    got = run_client(client, '%s/hello?name=%s' % (
                        base, client_name))
                    self.assertEqual(got.returncode, 0, got.stderr)
                    line = got.stdout.splitlines()[0]
                    if lang is None:
                        self.assertEqual(line, 'Hello, world!')
                    else:
                        self.assertRegex(line, r'^Hello, %s! You are %s:\d+ '
                                         r'\(%s\)$' % (client_name,
                                                       re.escape(host), lang))
                    got = run_client(client, base + '/missing')
                    self.assertEqual(got.returncode, 1, got.stderr)
                    if client_name != 'tool':  # it prints payloads only
                        self.assertIn('4.04', got.stderr)
            got = run_client(clients()['python'], base + '/.well-known/core')
            self.assertEqual(got.returncode, 0, got.stderr)
            self.assertIn('</hello>', got.stdout)
            if lang is not None:
                self.assertIn('rt="example.hello"', got.stdout)
                self.assertIn('title="Hello from %s"' % lang, got.stdout)
        finally:
            self.assertEqual(server.stop(), 0, 'server exits 0 on SIGTERM')

    def test_servers_and_clients(self):
        for name, (argv, lang) in servers().items():
            # One server is reached over IPv4 (a V4MAPPED peer on the
            # dual-stack socket), the others over IPv6.
            if name == 'vala':
                self.check_server(name, argv, lang, '127.0.0.1',
                                  '127.0.0.1:0')
            else:
                self.check_server(name, argv, lang, '[::1]', '[::1]:0')

    def test_server_statistics(self):
        tool = built('coap-udp6-server')
        if tool is None:
            self.skipTest('coap-udp6-server not built')
        server = Server([tool, '-v', '--statistics', '--max-dedup-entries', '1',
                         '--bind'], '[::1]:0')
        for _ in range(3):
            got = run_client(clients()['python'], 'coap://[::1]:%d/hello' % server.port)
            self.assertEqual(got.returncode, 0, got.stderr)
        server.proc.terminate()
        _, err = server.proc.communicate(timeout=10)
        self.assertEqual(server.proc.returncode, 0)
        figures = dict(re.findall(r'coap-udp6-server: ([a-z-]+) (\d+)$', err, re.M))
        self.assertEqual(figures['requests-handled'], '3')
        self.assertEqual(figures['dedup-entries'], '1')
        self.assertEqual(figures['dedup-evictions'], '2')
        self.assertIn('dedup-bytes', figures)

    def test_client_errors(self):
        for name, client in clients().items():
            with self.subTest(client=name):
                got = run_client(client, 'coap://[::1')
                self.assertEqual(got.returncode, 2, got.stdout)
                self.assertTrue(got.stderr.strip())

    def test_all_built(self):
        # With the Vala and C parts enabled every example ran above.
        names = set(servers()) & set(clients())
        self.assertIn('python', names)
        if os.path.exists(os.path.join(BUILD, 'coap-udp6',
                                       'coap-udp6-1.0.vapi')):
            self.assertIn('vala', names)
        if os.path.exists(os.path.join(BUILT, 'coap-udp6-demo')):
            self.assertIn('c', names)
            self.assertIn('tool', names)


if __name__ == '__main__':
    unittest.main(verbosity=2)
