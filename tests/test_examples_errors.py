#!/usr/bin/python3
# test_examples_errors.py: the error paths of every example (C, Python, GJS,
# Vala, the tools, and the C and Python programs of README.md, compiled and
# run as they are written there). A request to a closed port on ::1 (ICMP
# port unreachable, so connection refused) and an unparsable URI must make
# each client exit with status 2 within seconds and one line on stderr; a
# port already in use and an unparsable HOST:PORT do the same for each
# server.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

SRC = os.environ.get('COAP_UDP6_SRCDIR',
                     os.path.join(os.path.dirname(__file__), '..'))
BUILD = os.environ.get('COAP_UDP6_BUILDDIR', '.')
EXAMPLES = os.path.join(SRC, 'examples')
BUILT = os.path.join(BUILD, 'examples')
GJS = shutil.which('gjs')
# A refused request fails in milliseconds; a hanging one would need 93 s.
PROMPT = 5.0


def built(name):
    path = os.path.join(BUILT, name)
    return path if os.access(path, os.X_OK) else None


def readme_blocks(language):
    with open(os.path.join(SRC, 'README.md'), encoding='utf-8') as f:
        text = f.read()
    return re.findall(r'^```%s\n(.*?)^```$' % language, text, re.M | re.S)


def compile_readme_c(directory):
    """Builds README.md's C program against the build tree's library."""
    cc = os.environ.get('CC', 'cc')
    if shutil.which(cc) is None or shutil.which('pkg-config') is None:
        return None
    blocks = readme_blocks('c')
    assert len(blocks) == 1, 'README.md has one C program'
    source = os.path.join(directory, 'hello.c')
    with open(source, 'w', encoding='utf-8') as f:
        f.write(blocks[0])
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(
        BUILD, 'meson-uninstalled'))
    flags = subprocess.run(['pkg-config', '--cflags', '--libs',
                            'coap-udp6-1.0'], env=env, check=True,
                           capture_output=True, text=True).stdout.split()
    binary = os.path.join(directory, 'hello')
    # The uninstalled .pc names the header directories themselves; the
    # program includes <coap-udp6/…> as an installed one would.
    got = subprocess.run([cc, '-Wall', '-Werror', '-I', SRC, '-I', BUILD,
                          '-o', binary, source] + flags,
                         capture_output=True, text=True)
    assert got.returncode == 0, got.stderr
    return binary


def clients(directory):
    found = {'python': [sys.executable, os.path.join(EXAMPLES, 'client.py')],
             'discover.py': [sys.executable,
                             os.path.join(EXAMPLES, 'discover.py'),
                             '--timeout', '1000']}
    blocks = readme_blocks('python')
    assert len(blocks) == 1, 'README.md has one Python program'
    readme_py = os.path.join(directory, 'readme.py')
    with open(readme_py, 'w', encoding='utf-8') as f:
        f.write(blocks[0])
    found['readme-python'] = [sys.executable, readme_py]
    readme_c = compile_readme_c(directory)
    if readme_c:
        found['readme-c'] = [readme_c]
    if GJS:
        found['gjs'] = [GJS, '-m', os.path.join(EXAMPLES, 'client.js')]
    for name, argv in (('vala', ['example-client-vala']),
                       ('c', ['example-client']),
                       ('discover', ['example-discover', '--timeout', '1000']),
                       ('tool', ['coap-udp6-client'])):
        if built(argv[0]):
            found[name] = [built(argv[0])] + argv[1:]
    return found


def servers():
    found = {'python': [sys.executable, os.path.join(EXAMPLES, 'server.py')]}
    if GJS:
        found['gjs'] = [GJS, '-m', os.path.join(EXAMPLES, 'server.js')]
    for name, argv in (('vala', ['example-server-vala']),
                       ('c', ['example-server']),
                       ('tool', ['coap-udp6-server', '--bind'])):
        if built(argv[0]):
            found[name] = [built(argv[0])] + argv[1:]
    return found


def closed_port():
    """A UDP port on ::1 that nothing listens on (just released)."""
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
        s.bind(('::1', 0))
        return s.getsockname()[1]


class ExampleErrors(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.clients = clients(cls.tmp.name)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def check_fails(self, argv, pattern):
        start = time.monotonic()
        try:
            got = subprocess.run(argv, capture_output=True, text=True,
                                 timeout=3 * PROMPT, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as e:
            self.fail('still running after %.0f s: %s' % (e.timeout, e.stderr))
        elapsed = time.monotonic() - start
        self.assertEqual(got.returncode, 2, got.stderr)
        self.assertLess(elapsed, PROMPT, 'exits promptly')
        lines = got.stderr.splitlines()
        self.assertEqual(len(lines), 1, 'one line on stderr: %r' % got.stderr)
        self.assertRegex(lines[0], pattern)

    def test_client_closed_port(self):
        for name, argv in self.clients.items():
            with self.subTest(client=name):
                path = '/.well-known/core' if 'discover' in name else '/hello'
                self.check_fails(argv + ['coap://[::1]:%d%s' % (
                    closed_port(), path)], r'(?i)connection refused')

    def test_client_bad_uri(self):
        for name, argv in self.clients.items():
            with self.subTest(client=name):
                self.check_fails(argv + ['coap://[::1/hello'], r'URI')

    def test_server_port_in_use(self):
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as busy:
            busy.bind(('::1', 0))
            bind = '[::1]:%d' % busy.getsockname()[1]
            for name, argv in servers().items():
                with self.subTest(server=name):
                    self.check_fails(argv + [bind], r'Address already in use')

    def test_server_bad_address(self):
        for name, argv in servers().items():
            with self.subTest(server=name):
                self.check_fails(argv + ['[::1'],
                                 r'not a valid host and port')

    def test_readme_programs_succeed(self):
        # The README's programs also work: a GET of /hello from the Python
        # example server prints its greeting and exits 0.
        server = subprocess.Popen(
            [sys.executable, os.path.join(EXAMPLES, 'server.py'), '[::1]:0'],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            line = server.stdout.readline()
            port = int(re.search(r'listening on port (\d+)', line).group(1))
            for name in ('readme-python', 'readme-c'):
                if name not in self.clients:
                    continue
                with self.subTest(client=name):
                    got = subprocess.run(
                        self.clients[name] + ['coap://[::1]:%d/hello' % port],
                        capture_output=True, text=True, timeout=30)
                    self.assertEqual(got.returncode, 0, got.stderr)
                    self.assertRegex(got.stdout, r'^Hello, world! You are ')
        finally:
            server.terminate()
            server.communicate(timeout=10)

    def test_all_present(self):
        # With the Vala and C parts built, every example was run above.
        names = set(self.clients)
        self.assertIn('readme-python', names)
        if os.path.exists(os.path.join(BUILD, 'coap-udp6',
                                       'coap-udp6-1.0.vapi')):
            self.assertIn('vala', names)
            self.assertIn('vala', servers())
        if built('coap-udp6-demo'):
            self.assertTrue({'c', 'tool', 'discover', 'readme-c'} <= names)
        if GJS:
            self.assertIn('gjs', servers())


if __name__ == '__main__':
    unittest.main(verbosity=2)
