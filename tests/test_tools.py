#!/usr/bin/python3
# test_tools.py: the coap-udp6-client and coap-udp6-server tools as a user
# runs them, against each other and against libcoap's coap-server-notls:
# payloads from stdin and files, -o, Content-Format and Accept by name, -O,
# --version, what -v and -v -v show, exit statuses; the man pages; the
# Content-Format table through introspection.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

SRC = os.environ.get('COAP_UDP6_SRCDIR',
                     os.path.join(os.path.dirname(__file__), '..'))
BUILD = os.environ.get('COAP_UDP6_BUILDDIR', '.')
CLIENT = os.path.join(BUILD, 'examples', 'coap-udp6-client')
SERVER = os.path.join(BUILD, 'examples', 'coap-udp6-server')
MAN = os.path.join(SRC, 'doc', 'man')
LIBCOAP_SERVER = shutil.which('coap-server-notls')


def wait_for(condition, what, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.02)
    raise AssertionError('timed out waiting for ' + what)


class Process:
    """A server whose output goes to a file, read while it runs."""

    def __init__(self, argv, port_pattern):
        self.log = tempfile.NamedTemporaryFile('w+', suffix='.log')
        self.proc = subprocess.Popen(argv, stdout=self.log,
                                     stderr=subprocess.STDOUT, text=True)

        def port():
            if self.proc.poll() is not None:
                raise AssertionError('%s exited: %s' % (argv, self.text()))
            match = re.search(port_pattern, self.text())
            return match and int(match.group(1))
        self.port = wait_for(port, 'the port of %s' % argv[0])

    def text(self):
        with open(self.log.name) as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()
        return self.proc.returncode


def client(*args, stdin=None):
    return subprocess.run([CLIENT] + list(args), input=stdin,
                          capture_output=True, timeout=60)


@unittest.skipUnless(os.access(CLIENT, os.X_OK) and os.access(SERVER, os.X_OK),
                     'the tools are not built')
class Tools(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Process([SERVER, '-v', '--bind', '[::1]:0'],
                             r'listening on port (\d+)')
        cls.base = 'coap://[::1]:%d' % cls.server.port

    @classmethod
    def tearDownClass(cls):
        assert cls.server.stop() == 0

    def server_log_has(self, text):
        return wait_for(lambda: text in self.server.text(),
                        '%r in the server log' % text)

    def test_stdin_payload_with_content_format(self):
        body = json.dumps({'on': True, 'tag': os.getpid()}).encode()
        got = client('-m', 'put', '-f', '-', '-t', 'application/json', '-v',
                     self.base + '/echo', stdin=body)
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertEqual(got.stdout, body + b'\n')
        err = got.stderr.decode()
        # The request carries it, and /echo answers with the same format.
        self.assertEqual(err.count('Content-Format (12): 50 (application/json)'), 2, err)
        self.assertIn('<- ACK 2.04 Changed', err)

    def test_file_payload_and_output_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            source = os.path.join(tmp, 'in.bin')
            output = os.path.join(tmp, 'out.bin')
            body = bytes(range(256)) + b'end'
            with open(source, 'wb') as f:
                f.write(body)
            got = client('-m', 'post', '-f', source, '-o', output,
                         '-t', '42', self.base + '/echo')
            self.assertEqual(got.returncode, 0, got.stderr)
            self.assertEqual(got.stdout, b'')
            with open(output, 'rb') as f:
                self.assertEqual(f.read(), body)
            got = client('-f', os.path.join(tmp, 'missing'), self.base + '/echo')
            self.assertEqual(got.returncode, 2)
            got = client('-o', os.path.join(tmp, 'no', 'dir'), self.base + '/hello')
            self.assertEqual(got.returncode, 2)
            # Written in place: a shorter body over a longer file leaves
            # only itself, and /dev/null is a file to write too.
            got = client('-o', output, self.base + '/hello')
            self.assertEqual(got.returncode, 0, got.stderr)
            with open(output, 'rb') as f:
                self.assertEqual(f.read(), b'Hello, world!')
            got = client('-o', '/dev/null', self.base + '/hello')
            self.assertEqual((got.returncode, got.stdout), (0, b''), got.stderr)

    def test_accept_and_raw_options_reach_the_server(self):
        got = client('-A', 'text/plain;charset=utf-8', '-O', '2048,0xcafe',
                     '-O', '2050,hi', '-v', self.base + '/hello?tag=opts')
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertEqual(got.stdout, b'Hello, world!\n')
        err = got.stderr.decode()
        self.assertIn('Accept (17): 0 (text/plain;charset=utf-8)', err)
        self.assertIn('Unknown (2048): 0xcafe', err)
        self.assertIn('Unknown (2050): 0x6869', err)
        # The server's own log shows what arrived.
        token = re.search(r'^-> CON 0\.01 GET mid=\d+ token=([0-9a-f]+)', err, re.M).group(1)
        self.server_log_has('token=%s' % token)
        log = self.server.text()
        block = log[log.index('token=%s' % token):].split('\n<-')[0]
        self.assertIn('Accept (17): 0 (text/plain;charset=utf-8)', block)
        self.assertIn('Unknown (2048): 0xcafe', block)
        self.assertIn('Uri-Query (15): "tag=opts"', block)

        # /hello produces text/plain only: asking for CBOR is 4.06 (RFC 7252
        # §5.10.4), and the client's exit status says it was not a success.
        got = client('-A', 'application/cbor', self.base + '/hello')
        self.assertEqual(got.returncode, 1, got.stderr)
        self.assertIn(b'4.06', got.stderr)

        # /echo returns the request's format or nothing: a POST whose
        # Accept names another gets 4.06 too, the same one gets the echo.
        got = client('-m', 'post', '-p', 'hi', '-t', 'text/plain', '-A', 'application/cbor',
                     self.base + '/echo')
        self.assertEqual(got.returncode, 1, got.stderr)
        self.assertIn(b'4.06', got.stderr)
        got = client('-m', 'post', '-p', 'hi', '-t', 'text/plain', '-A', 'text/plain',
                     self.base + '/echo')
        self.assertEqual((got.returncode, got.stdout), (0, b'hi\n'), got.stderr)

    def test_verbose_shows_the_real_message_id_and_token(self):
        got = client('-v', self.base + '/hello')
        self.assertEqual(got.returncode, 0, got.stderr)
        err = got.stderr.decode()
        sent = re.search(r'^-> CON 0\.01 GET mid=(\d+) token=([0-9a-f]+) to ', err, re.M)
        ack = re.search(r'^<- ACK 2\.05 Content mid=(\d+) token=([0-9a-f]+) '
                        r'from \[::1\]:%d' % self.server.port, err, re.M)
        self.assertIsNotNone(sent, err)
        self.assertIsNotNone(ack, err)
        self.assertEqual(sent.groups(), ack.groups())
        self.assertIn('Uri-Path (11): "hello"', err)
        self.assertIn('Content-Format (12): 0 (text/plain;charset=utf-8)', err)
        self.server_log_has('mid=%s token=%s' % sent.groups())
        self.assertNotIn('datagram', err)

    def test_verbose_twice_dumps_the_datagrams(self):
        got = client('-v', '-v', self.base + '/hello')
        self.assertEqual(got.returncode, 0, got.stderr)
        err = got.stderr.decode()
        mid, token = re.search(r'^-> CON 0\.01 GET mid=(\d+) token=([0-9a-f]+)',
                               err, re.M).groups()
        dumps = re.findall(r'datagram, (\d+) bytes:\n((?:   [0-9a-f]{4} .*\n)+)', err)
        self.assertEqual(len(dumps), 2, err)
        request = bytes.fromhex(''.join(line[8:8 + 48] for line in dumps[0][1].splitlines()))
        self.assertEqual(len(request), int(dumps[0][0]))
        # Version 1, CON, token length; GET; the message ID; the token.
        self.assertEqual(request[0], 0x40 | len(token) // 2)
        self.assertEqual(request[1], 0x01)
        self.assertEqual(int.from_bytes(request[2:4], 'big'), int(mid))
        self.assertEqual(request[4:4 + len(token) // 2].hex(), token)
        response = bytes.fromhex(''.join(line[8:8 + 48] for line in dumps[1][1].splitlines()))
        self.assertEqual(len(response), int(dumps[1][0]))
        self.assertEqual(response[:2], bytes([0x60 | len(token) // 2, 0x45]))
        self.assertTrue(response.endswith(b'\xffHello, world!'), response)

    def exchange_in_server_log(self, client_stderr):
        """What the server logged for the request the client showed with -v:
        the request it received and every message it sent back."""
        token = re.search(r'^-> CON \S+ \S+ mid=\d+ token=([0-9a-f]+)',
                          client_stderr, re.M).group(1)
        wait_for(lambda: re.search(r'^<- ACK .* token=%s to ' % token, self.server.text(), re.M),
                 'the answer with token %s in the server log' % token)
        log = self.server.text()
        return log[log.index('token=%s' % token):]

    def test_exit_statuses(self):
        got = client('-v', self.base + '/missing')
        self.assertEqual(got.returncode, 1)
        self.assertIn(b'4.04 Not Found', got.stderr)
        # The server's -v shows the 4.04 the context answered by itself.
        self.assertRegex(self.exchange_in_server_log(got.stderr.decode()),
                         r'^token=\w+ from \[::1\]:\d+ .*\n   Uri-Path \(11\): "missing"\n'
                         r'<- ACK 4\.04 Not Found mid=\d+ token=\w+ to \[::1\]:\d+')
        got = client('coap://[::1')
        self.assertEqual(got.returncode, 2)
        got = client('-t', 'application/nonsense', self.base + '/hello')
        self.assertEqual(got.returncode, 2)
        self.assertIn(b'application/nonsense', got.stderr)
        for bad in ('2048', '0,x', 'x,y', '70000,a', '2048,0xabc', '2048,0xzz'):
            got = client('-O', bad, self.base + '/hello')
            self.assertEqual(got.returncode, 2, bad)
        got = client()
        self.assertEqual(got.returncode, 2)

    def test_local_failures_are_status_2(self):
        # A wait that does not fit the timer (it wrapped and timed out at
        # once), a full disk behind the standard output, a peer key file
        # that never ends: each one line and status 2.
        for value in ('4294968', '1e300', 'inf', 'nan', '-1'):
            got = client('-T', value, self.base + '/hello')
            self.assertEqual(got.returncode, 2, value)
            self.assertIn(b'-T takes', got.stderr)
        with open('/dev/full', 'wb') as full:
            got = subprocess.run([CLIENT, self.base + '/hello'], stdout=full,
                                 stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(got.returncode, 2)
        self.assertIn(b'standard output', got.stderr)
        got = client('--peer-key', '/dev/zero', '-T', '1', 'coaps://[::1]:1/')
        self.assertEqual(got.returncode, 2)
        self.assertIn(b'not a regular file', got.stderr)

    def test_libcoap_letters(self):
        got = client('-m', 'post', '-e', 'as in coap-client', '-B', '30',
                     self.base + '/echo')
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertEqual(got.stdout, b'as in coap-client\n')

    def test_well_known_core_is_logged(self):
        got = client('-v', '-A', 'application/link-format', self.base + '/.well-known/core')
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertIn(b'</hello>', got.stdout)
        exchange = self.exchange_in_server_log(got.stderr.decode())
        self.assertIn('Uri-Path (11): ".well-known"', exchange)
        self.assertRegex(exchange, r'<- ACK 2\.05 Content .*\n'
                         r'   Content-Format \(12\): 40 \(application/link-format\)')

    def test_server_shows_each_block_it_sends(self):
        got = client('-v', self.base + '/large')
        self.assertEqual(got.returncode, 0, got.stderr)
        err = got.stderr.decode()
        sent = re.findall(r'^-> CON 0\.01 GET mid=(\d+) token=([0-9a-f]+) to ', err, re.M)
        self.assertEqual(len(sent), 5, err)
        for mid, token in sent:
            wait_for(lambda: re.search(r'^<- ACK 2\.05 Content mid=%s token=%s to ' % (mid, token),
                                       self.server.text(), re.M),
                     'block mid=%s in the server log' % mid)

    def test_version_and_help(self):
        got = client('--version')
        self.assertEqual(got.returncode, 0)
        self.assertRegex(got.stdout.decode(), r'^coap-udp6-client \d+\.\d+\.\d+\n$')
        got = client('--help')
        self.assertEqual(got.returncode, 0)
        text = got.stdout.decode()
        for expected in ('Exit status', '  0 ', '  1 ', '  2 ', '6 seconds',
                         'DEFAULT_LEISURE', '--payload-file', '--output',
                         '--option', '--accept', '--content-format'):
            self.assertIn(expected, text)
        got = subprocess.run([SERVER, '--version'], capture_output=True, timeout=30)
        self.assertEqual(got.returncode, 0)
        self.assertRegex(got.stdout.decode(), r'^coap-udp6-server \d+\.\d+\.\d+\n$')
        got = subprocess.run([SERVER, '--help'], capture_output=True, timeout=30)
        self.assertEqual(got.returncode, 0)
        for expected in ('Exit status: 0 ', '; 2 ', '--version'):
            self.assertIn(expected, got.stdout.decode())

    def test_server_rejects_bad_values(self):
        for args in (['--bind', '[::1]:abc'], ['--bind', '[::1]:70000'],
                     ['--max-dedup-entries', 'x'], ['--max-dedup-entries', '0'],
                     ['--max-pending-requests', '-1'], ['--max-dedup-bytes', '-1'],
                     ['stray']):
            got = subprocess.run([SERVER, '--bind', '[::1]:0'] + args,
                                 capture_output=True, timeout=30)
            self.assertEqual(got.returncode, 2, args)
            self.assertTrue(got.stderr.startswith(b'coap-udp6-server: '), got.stderr)


@unittest.skipUnless(os.access(CLIENT, os.X_OK), 'coap-udp6-client is not built')
@unittest.skipUnless(LIBCOAP_SERVER, 'libcoap coap-server-notls is not installed')
class AgainstLibcoap(unittest.TestCase):
    def test_put_from_stdin_then_get_into_a_file(self):
        server = Process([LIBCOAP_SERVER, '-A', '::1', '-p', '0', '-v', '7'],
                         r'created UDP +endpoint \[::1\]:(\d+)')
        try:
            base = 'coap://[::1]:%d' % server.port
            body = b'from stdin %d' % os.getpid()
            got = client('-m', 'put', '-f', '-', '-t', 'text/plain', '-v',
                         base + '/example_data', stdin=body)
            self.assertEqual(got.returncode, 0, got.stderr)
            self.assertIn(b'<- ACK 2.0', got.stderr)
            with tempfile.TemporaryDirectory() as tmp:
                output = os.path.join(tmp, 'out')
                got = client('-A', 'text/plain;charset=utf-8', '-o', output,
                             base + '/example_data')
                self.assertEqual(got.returncode, 0, got.stderr)
                with open(output, 'rb') as f:
                    self.assertEqual(f.read(), body)
            got = client(base + '/no/such/thing')
            self.assertEqual(got.returncode, 1)
        finally:
            server.stop()


class ManPages(unittest.TestCase):
    def test_pages_render(self):
        groff = shutil.which('groff')
        for tool in ('coap-udp6-client', 'coap-udp6-server'):
            page = os.path.join(MAN, tool + '.1')
            with open(page) as f:
                source = f.read()
            for section in ('.SH NAME', '.SH SYNOPSIS', '.SH OPTIONS',
                            '.SH EXIT STATUS', '.SH EXAMPLES'):
                self.assertIn(section, source)
            if groff is None:
                continue
            got = subprocess.run([groff, '-man', '-Tutf8', '-ww', page],
                                 capture_output=True, timeout=30)
            self.assertEqual(got.returncode, 0, got.stderr)
            self.assertEqual(got.stderr, b'')
            # Bold and underline are overstrikes in -Tutf8 output.
            self.assertIn(b'EXIT STATUS', re.sub(rb'.\x08', b'', got.stdout))

    def test_pages_are_installed(self):
        got = subprocess.run(['meson', 'introspect', '--installed', BUILD],
                             capture_output=True, text=True, timeout=60)
        if got.returncode != 0:
            self.skipTest('meson introspect failed: ' + got.stderr)
        installed = json.loads(got.stdout).values()
        if not any(path.endswith('/coap-udp6-client') for path in installed):
            self.skipTest('examples are not built')
        for tool in ('coap-udp6-client', 'coap-udp6-server'):
            self.assertTrue(any(path.endswith('/man1/%s.1' % tool)
                                for path in installed), tool)


class Introspection(unittest.TestCase):
    def test_content_format_table(self):
        try:
            import gi
            gi.require_version('CoapUdp6', '1.0')
            from gi.repository import CoapUdp6
        except (ImportError, ValueError) as e:
            self.skipTest('no PyGObject or typelib: %s' % e)
        self.assertEqual(tuple(CoapUdp6.content_format_from_string('application/json')),
                         (True, 50))
        self.assertEqual(tuple(CoapUdp6.content_format_from_string('text/plain')), (True, 0))
        self.assertFalse(CoapUdp6.content_format_from_string('no/such')[0])
        self.assertEqual(CoapUdp6.content_format_to_string(60), 'application/cbor')
        self.assertIsNone(CoapUdp6.content_format_to_string(1))
        self.assertEqual(int(CoapUdp6.ContentFormat.SENML_CBOR), 112)


if __name__ == '__main__':
    unittest.main(verbosity=2)
