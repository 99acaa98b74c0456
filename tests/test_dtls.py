#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""coaps (DTLS 1.2, pre-shared keys) from Python, and interop in both roles
with libcoap's GnuTLS and OpenSSL builds."""

import os
import shutil
import socket
import subprocess
import sys
import time
import unittest

import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, GLib

KEY = b'secretPSK'


class Whoami(CoapUdp6.Resource):
    def do_render(self, request):
        remote = request.get_remote()
        text = '%s %s' % (remote.get_scheme(), remote.get_peer_identity() or '-')
        payload = request.get_message().get_payload()
        if payload.get_size() > 0:
            text += ' ' + payload.get_data().decode()
        request.respond_payload(CoapUdp6.Code.CONTENT, GLib.Bytes.new(text.encode()), 0)


def credentials(identity=None, key=KEY):
    c = CoapUdp6.Credentials.new()
    c.set_psk(identity, GLib.Bytes.new(key))
    return c


def free_port():
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
        s.bind(('::', 0))
        return s.getsockname()[1]


def udp_port_bound(port):
    """True when some socket is bound to UDP @port on ::1 or ::."""
    for table in ('/proc/net/udp6', '/proc/net/udp'):
        with open(table) as f:
            for line in f.readlines()[1:]:
                local = line.split()[1]
                if int(local.rsplit(':', 1)[1], 16) == port:
                    return True
    return False


def start_libcoap_server(args):
    """Starts a libcoap server on a free coap port P (its coaps port is P + 1).

    libcoap cannot print the port it bound, and a port found free can be
    taken by another process before libcoap binds it: then libcoap exits
    ("cannot create UDP endpoint") and another port is tried. Returns
    (process, coaps port) once the process is alive with both bound."""
    for _ in range(10):
        port = free_port()
        if udp_port_bound(port + 1):
            continue
        proc = subprocess.Popen(args + ['-p', str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while proc.poll() is None and time.monotonic() < deadline:
            if udp_port_bound(port) and udp_port_bound(port + 1):
                time.sleep(0.05)
                if proc.poll() is None:
                    return proc, port + 1
            time.sleep(0.02)
        proc.kill()
        proc.wait()
    raise AssertionError('%s did not start' % args[0])


def iterate_until(condition, timeout=20.0):
    ctx = GLib.MainContext.default()
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        ctx.iteration(False) or time.sleep(0.005)
    return condition()


def request(client, uri, payload=None, timeout=20.0):
    message = CoapUdp6.Message.new(CoapUdp6.MessageType.CON,
                                   CoapUdp6.Code.POST if payload else CoapUdp6.Code.GET)
    message.set_request_uri(uri)
    if payload:
        message.set_payload(payload)
    result = {}

    def done(ctx, res):
        try:
            result['response'] = ctx.request_finish(res)
        except GLib.Error as e:
            result['error'] = e
    client.request_async(message, None, done)
    if not iterate_until(lambda: result, timeout):
        raise AssertionError('no answer from %s within %s s' % (uri, timeout))
    return result


@unittest.skipUnless(CoapUdp6.Credentials.is_supported(), 'built without GnuTLS')
class PskRoundTrip(unittest.TestCase):
    def setUp(self):
        creds = CoapUdp6.Credentials.new()
        creds.add_psk('alice', GLib.Bytes.new(KEY))
        self.lookups = []

        def lookup(c, identity):
            self.lookups.append(identity)
            return GLib.Bytes.new(b'carolsKey') if identity == 'carol' else None
        creds.connect('lookup-psk', lookup)
        self.server = CoapUdp6.Context(binds=['coaps://[::1]:0'], is_server=True,
                                       credentials=creds)
        self.server.init(None)
        self.server.add_resource('whoami', Whoami())
        self.port = self.server.get_local_port()

    def client(self, identity, key):
        client = CoapUdp6.Context.new_client()
        client.props.credentials = credentials(identity, key)
        return client

    def test_round_trip(self):
        client = self.client('alice', KEY)
        result = request(client, 'coaps://[::1]:%d/whoami' % self.port, b'hi')
        self.assertNotIn('error', result)
        response = result['response']
        self.assertEqual(response.get_payload().get_data(), b'coaps alice hi')
        self.assertEqual(response.get_remote().props.scheme, 'coaps')

    def test_lookup_signal(self):
        client = self.client('carol', b'carolsKey')
        result = request(client, 'coaps://[::1]:%d/whoami' % self.port)
        self.assertEqual(result['response'].get_payload().get_data(), b'coaps carol')
        self.assertIn('carol', self.lookups)

    def test_wrong_key(self):
        client = self.client('alice', b'wrong')
        start = time.monotonic()
        result = request(client, 'coaps://[::1]:%d/whoami' % self.port)
        self.assertIn('error', result)
        self.assertTrue(result['error'].matches(GLib.quark_from_string('g-tls-error-quark'), 4),
                        result['error'].message)
        self.assertLess(time.monotonic() - start, 10)


def libcoap(name):
    return shutil.which(name)


@unittest.skipUnless(CoapUdp6.Credentials.is_supported(), 'built without GnuTLS')
class Interop(unittest.TestCase):
    """Our client against libcoap's servers, libcoap's clients against ours."""

    def libcoap_server(self, binary):
        # -d: a POST to an unknown path makes a resource there.
        proc, port = start_libcoap_server([binary, '-A', '::1', '-d', '4', '-k', KEY.decode()])
        self.addCleanup(lambda: (proc.terminate(), proc.wait(5)))
        return proc, port

    def check_our_client(self, binary):
        if not libcoap(binary):
            self.skipTest('%s missing' % binary)
        proc, port = self.libcoap_server(binary)
        client = CoapUdp6.Context.new_client()
        client.props.credentials = credentials('ours', KEY)
        result = None
        deadline = time.monotonic() + 20
        # The server needs a moment to bind; a refused handshake retries.
        while time.monotonic() < deadline:
            result = request(client, 'coaps://[::1]:%d/' % port, timeout=25)
            if 'response' in result:
                break
            time.sleep(0.1)
        self.assertIn('response', result, result.get('error'))
        self.assertEqual(result['response'].get_code(), CoapUdp6.Code.CONTENT)
        self.assertIn(b'libcoap', result['response'].get_payload().get_data())
        result = request(client, 'coaps://[::1]:%d/posted' % port, b'from coap-udp6')
        self.assertIn('response', result, result.get('error'))
        self.assertEqual(result['response'].get_code(), CoapUdp6.Code.CREATED)
        result = request(client, 'coaps://[::1]:%d/posted' % port)
        self.assertEqual(result['response'].get_payload().get_data(), b'from coap-udp6')
        # A wrong key fails cleanly.
        wrong = CoapUdp6.Context.new_client()
        wrong_creds = credentials('ours', b'wrong')
        wrong.props.credentials = wrong_creds
        # OpenSSL drops what it cannot decrypt: the handshake times out.
        wrong.props.dtls_handshake_timeout = 3
        result = request(wrong, 'coaps://[::1]:%d/' % port, timeout=60)
        self.assertIn('error', result)
        # And the server still serves a client with the right key.
        again = CoapUdp6.Context.new_client()
        again_creds = credentials('ours', KEY)
        again.props.credentials = again_creds
        result = request(again, 'coaps://[::1]:%d/' % port, timeout=25)
        self.assertIn('response', result, result.get('error'))
        self.assertEqual(result['response'].get_code(), CoapUdp6.Code.CONTENT)

    def test_our_client_libcoap_gnutls(self):
        self.check_our_client('coap-server-gnutls')

    def test_our_client_libcoap_openssl(self):
        self.check_our_client('coap-server-openssl')

    def check_server_restart(self, binary):
        # The server restarts on its port and forgets the session; DTLS
        # drops records it cannot decrypt without a word, so the request
        # sent on the old session gets no acknowledgement. That ends the
        # session, and the next request handshakes again.
        if not libcoap(binary):
            self.skipTest('%s missing' % binary)
        proc, port = self.libcoap_server(binary)
        client = CoapUdp6.Context.new_client()
        client.props.credentials = credentials('ours', KEY)
        client.props.ack_timeout = 0.2
        client.props.max_retransmit = 2
        uri = 'coaps://[::1]:%d/' % port
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            result = request(client, uri, timeout=25)
            if 'response' in result:
                break
            time.sleep(0.1)
        self.assertIn('response', result, result.get('error'))
        proc.kill()
        proc.wait()
        restarted = subprocess.Popen([binary, '-A', '::1', '-d', '4', '-k', KEY.decode(),
                                      '-p', str(port - 1)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: (restarted.terminate(), restarted.wait(5)))
        iterate_until(lambda: udp_port_bound(port), timeout=10)
        started = time.monotonic()
        result = request(client, uri, timeout=25)
        self.assertIn('error', result)
        self.assertTrue(result['error'].matches(CoapUdp6.error_quark(), CoapUdp6.Error.TIMEOUT),
                        result['error'].message)
        result = request(client, uri, timeout=25)
        self.assertIn('response', result, result.get('error'))
        self.assertEqual(result['response'].get_code(), CoapUdp6.Code.CONTENT)
        # 0.2 s, twice retransmitted: about 1.4 s of silence, then a handshake.
        self.assertLess(time.monotonic() - started, 10)

    def test_libcoap_gnutls_server_restarts(self):
        self.check_server_restart('coap-server-gnutls')

    def test_libcoap_openssl_server_restarts(self):
        self.check_server_restart('coap-server-openssl')

    def our_server_for(self, binary):
        """Our coaps server with libcoap's identity and key, for @binary's
        clients (skipped when @binary is missing): its port."""
        if not libcoap(binary):
            self.skipTest('%s missing' % binary)
        creds = CoapUdp6.Credentials.new()
        creds.add_psk('libcoap', GLib.Bytes.new(KEY))
        # Dual-stack, and reached over 127.0.0.1: libcoap's clients send
        # the host as SNI, and GnuTLS refuses an IPv6 literal there.
        server = CoapUdp6.Context(binds=['coaps://[::]:0'], is_server=True, credentials=creds)
        server.init(None)
        server.add_resource('whoami', Whoami())
        self.server = server  # alive until the test ends
        return server.get_local_port()

    def run_libcoap_client(self, binary, port, key, *args):
        proc = subprocess.Popen([binary, '-B', '10', '-k', key, '-u', 'libcoap', *args,
                                 'coaps://127.0.0.1:%d/whoami' % port],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.assertTrue(iterate_until(lambda: proc.poll() is not None, 30))
        out, err = proc.communicate()
        return proc.returncode, out, err

    def check_our_server(self, binary):
        port = self.our_server_for(binary)
        code, out, err = self.run_libcoap_client(binary, port, KEY.decode())
        self.assertIn('coaps libcoap', out, err)
        code, out, err = self.run_libcoap_client(binary, port, KEY.decode(),
                                                 '-m', 'post', '-e', 'posted')
        self.assertIn('coaps libcoap posted', out, err)
        code, out, err = self.run_libcoap_client(binary, port, 'wrong')
        self.assertNotIn('coaps', out)
        # The failed handshake left the server able to serve the next client.
        code, out, err = self.run_libcoap_client(binary, port, KEY.decode())
        self.assertIn('coaps libcoap', out, err)

    def check_client_restart(self, binary):
        # A client killed mid-session (no close_notify) comes back from the
        # same address and port with a new ClientHello while our server
        # still holds the old session: the new handshake replaces it
        # (RFC 6347 §4.2.8), at once.
        port = self.our_server_for(binary)
        renders = []

        class Watched(Whoami):
            def do_render(self, request):
                renders.append(request.get_remote().get_uri())
                Whoami.do_render(self, request)
        self.server.add_resource('watched', Watched(observable=True))
        for attempt in range(5):
            source = ['-a', '127.0.0.1', '-p', str(free_port())]
            observer = subprocess.Popen([binary, '-B', '30', '-s', '30', '-k', KEY.decode(),
                                         '-u', 'libcoap'] + source +
                                        ['coaps://127.0.0.1:%d/watched' % port],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            self.addCleanup(lambda p=observer: (p.kill(), p.communicate()))
            iterate_until(lambda: observer.poll() is not None or renders, 20)
            if observer.poll() is None:
                break  # it observes, on an established session
        if observer.poll() is not None:
            self.fail('%s exited: %s' % (binary, observer.stderr.read()))
        self.assertTrue(renders)
        observer.kill()
        observer.wait()
        started = time.monotonic()
        code, out, err = self.run_libcoap_client(binary, port, KEY.decode(), *source)
        self.assertIn('coaps libcoap', out, err)
        # No wait for the old session to time out: served like the first.
        self.assertLess(time.monotonic() - started, 5)

    def test_libcoap_gnutls_client_restarts(self):
        self.check_client_restart('coap-client-gnutls')

    def test_libcoap_openssl_client_restarts(self):
        self.check_client_restart('coap-client-openssl')

    def test_libcoap_gnutls_client(self):
        self.check_our_server('coap-client-gnutls')

    def test_libcoap_openssl_client(self):
        self.check_our_server('coap-client-openssl')


def openssl(*args, cwd):
    subprocess.run(['openssl'] + list(args), cwd=cwd, check=True, capture_output=True, timeout=60)


def make_certificates(directory):
    """A CA, a server certificate for ::1 and 127.0.0.1, and a client
    certificate, made at test time (ECDSA P-256, RFC 7252 §9.1.3.3); and
    a second CA that signed neither."""
    ext = os.path.join(directory, 'server.ext')
    with open(ext, 'w') as f:
        f.write('subjectAltName = IP:::1, IP:127.0.0.1, DNS:localhost\n')
    for ca in ('ca', 'other-ca'):
        openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
                '-keyout', ca + '.key', '-out', ca + '.pem', '-days', '2', '-subj', '/CN=' + ca,
                cwd=directory)
    for name, extra in (('server', ['-extfile', ext]), ('client', [])):
        openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
                '-keyout', name + '.key', '-out', name + '.csr', '-subj', '/CN=' + name,
                cwd=directory)
        openssl('x509', '-req', '-in', name + '.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key',
                '-CAcreateserial', '-out', name + '.pem', '-days', '2', *extra, cwd=directory)
    return {name: os.path.join(directory, name) for name in
            ('ca.pem', 'other-ca.pem', 'server.pem', 'server.key', 'client.pem', 'client.key')}


@unittest.skipUnless(CoapUdp6.Credentials.is_supported(), 'built without GnuTLS')
@unittest.skipUnless(shutil.which('openssl'), 'openssl missing (makes the test certificates)')
class Certificates(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.tmp = tempfile.TemporaryDirectory()
        cls.files = make_certificates(cls.tmp.name)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def creds(self, cert=None, ca=None):
        c = CoapUdp6.Credentials.new()
        if cert:
            c.set_certificate_files(self.files[cert + '.pem'], self.files[cert + '.key'])
        if ca:
            c.set_ca_file(self.files[ca])
        return c

    def our_server(self, ca='ca.pem'):
        server = CoapUdp6.Context(binds=['coaps://[::]:0'], is_server=True,
                                  credentials=self.creds('server', ca))
        server.init(None)
        server.add_resource('whoami', Whoami())
        return server, server.get_local_port()

    def test_round_trip(self):
        server, port = self.our_server()
        client = CoapUdp6.Context.new_client()
        client.props.credentials = self.creds('client', 'ca.pem')
        result = request(client, 'coaps://[::1]:%d/whoami' % port)
        self.assertNotIn('error', result)
        self.assertEqual(result['response'].get_payload().get_data(), b'coaps CN=client')

    def test_untrusted_server(self):
        server, port = self.our_server()
        client = CoapUdp6.Context.new_client()
        client.props.credentials = self.creds('client', 'other-ca.pem')
        result = request(client, 'coaps://[::1]:%d/whoami' % port)
        self.assertIn('error', result)
        self.assertTrue(result['error'].matches(GLib.quark_from_string('g-tls-error-quark'), 2),
                        result['error'].message)

    def test_client_without_certificate(self):
        server, port = self.our_server(ca=None)
        client = CoapUdp6.Context.new_client()
        client.props.credentials = self.creds(ca='ca.pem')
        result = request(client, 'coaps://127.0.0.1:%d/whoami' % port)
        self.assertNotIn('error', result)
        self.assertEqual(result['response'].get_payload().get_data(), b'coaps -')

    def test_host_name(self):
        good, good_port = self.our_server()
        # A certificate that names neither the address nor localhost.
        bad = CoapUdp6.Context(binds=['coaps://[::]:0'], is_server=True,
                               credentials=self.creds('client'))
        bad.init(None)
        for port, ok in ((good_port, True), (bad.get_local_port(), False)):
            client = CoapUdp6.Context.new_client()
            client.props.credentials = self.creds(ca='ca.pem')
            result = request(client, 'coaps://localhost:%d/whoami' % port)
            if ok:
                self.assertNotIn('error', result)
            else:
                self.assertTrue(result['error'].matches(
                    GLib.quark_from_string('g-tls-error-quark'), 2), result['error'].message)
                self.assertIn('name', result['error'].message)

    def test_pinned(self):
        server, port = self.our_server(ca=None)
        for pinned, ok in (('server.pem', True), ('client.pem', False)):
            client = CoapUdp6.Context.new_client()
            creds = CoapUdp6.Credentials.new()
            creds.set_pinned_certificate_file(self.files[pinned])
            client.props.credentials = creds
            result = request(client, 'coaps://[::1]:%d/whoami' % port)
            if ok:
                self.assertNotIn('error', result)
            else:
                self.assertTrue(result['error'].matches(
                    GLib.quark_from_string('g-tls-error-quark'), 2), result['error'].message)

    def test_libcoap_client(self):
        for binary in ('coap-client-openssl', 'coap-client-gnutls'):
            if not libcoap(binary):
                continue
            server, port = self.our_server()
            proc = subprocess.Popen([binary, '-B', '10', '-c', self.files['client.pem'],
                                     '-j', self.files['client.key'], '-C', self.files['ca.pem'],
                                     'coaps://127.0.0.1:%d/whoami' % port],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            self.assertTrue(iterate_until(lambda: proc.poll() is not None, 30))
            out, err = proc.communicate()
            self.assertIn('coaps CN=client', out, binary + ': ' + err)

    def test_libcoap_server(self):
        for binary in ('coap-server-openssl', 'coap-server-gnutls'):
            if not libcoap(binary):
                continue
            proc, coaps_port = start_libcoap_server(
                [binary, '-A', '::1', '-c', self.files['server.pem'],
                 '-j', self.files['server.key'], '-C', self.files['ca.pem']])
            self.addCleanup(lambda p=proc: (p.terminate(), p.wait(5)))
            client = CoapUdp6.Context.new_client()
            client.props.credentials = self.creds('client', 'ca.pem')
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                result = request(client, 'coaps://[::1]:%d/' % coaps_port, timeout=25)
                if 'response' in result:
                    break
                time.sleep(0.1)
            self.assertIn('response', result, '%s: %s' % (binary, result.get('error')))
            self.assertIn(b'libcoap', result['response'].get_payload().get_data())


class ProcessOutput:
    """What a process wrote to its stdout so far, read without blocking
    while the GLib main context runs our side."""

    def __init__(self, proc):
        self.proc = proc
        self.data = b''
        os.set_blocking(proc.stdout.fileno(), False)

    def read(self):
        try:
            chunk = os.read(self.proc.stdout.fileno(), 65536)
        except BlockingIOError:
            chunk = b''
        self.data += chunk or b''
        return self.data


def stop(proc):
    proc.kill()
    proc.wait(5)
    proc.stdin.close()
    proc.stdout.close()


# A CON GET /whoami, message ID 0x1234, no token.
GET_WHOAMI = bytes([0x40, 0x01, 0x12, 0x34, 0xb6]) + b'whoami'
CCM_8 = 'PSK-AES128-CCM8'


@unittest.skipUnless(CoapUdp6.Credentials.is_supported(), 'built without GnuTLS')
@unittest.skipUnless(shutil.which('openssl'), 'openssl missing')
class MandatorySuite(unittest.TestCase):
    """TLS_PSK_WITH_AES_128_CCM_8 (RFC 7252 §9.1.3.1) against OpenSSL peers
    that offer nothing else."""

    def test_openssl_client(self):
        creds = CoapUdp6.Credentials.new()
        creds.add_psk('alice', GLib.Bytes.new(KEY))
        server = CoapUdp6.Context(binds=['coaps://[::1]:0'], is_server=True, credentials=creds)
        server.init(None)
        server.add_resource('whoami', Whoami())
        proc = subprocess.Popen(['openssl', 's_client', '-dtls1_2', '-ign_eof',
                                 '-connect', '[::1]:%d' % server.get_local_port(),
                                 '-psk_identity', 'alice', '-psk', KEY.hex(), '-cipher', CCM_8],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        self.addCleanup(stop, proc)
        out = ProcessOutput(proc)
        self.assertTrue(iterate_until(lambda: b'Cipher is' in out.read() or proc.poll() is not None),
                        out.data)
        self.assertIn(b'Cipher is ' + CCM_8.encode(), out.data)
        proc.stdin.write(GET_WHOAMI)
        proc.stdin.flush()
        # The answer: ACK 2.05 with the request's message ID, then the payload.
        self.assertTrue(iterate_until(lambda: b'coaps alice' in out.read()), out.data)
        self.assertIn(bytes([0x60, 0x45, 0x12, 0x34]), out.data)

    def test_openssl_server(self):
        port = free_port()
        proc = subprocess.Popen(['openssl', 's_server', '-dtls1_2', '-accept', '[::1]:%d' % port,
                                 '-nocert', '-psk', KEY.hex(), '-cipher', CCM_8],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        self.addCleanup(stop, proc)
        out = ProcessOutput(proc)
        self.assertTrue(iterate_until(lambda: b'ACCEPT' in out.read() or proc.poll() is not None),
                        out.data)
        client = CoapUdp6.Context.new_client()
        creds = credentials('alice', KEY)
        client.props.credentials = creds
        message = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.GET)
        message.set_request_uri('coaps://[::1]:%d/ccm8' % port)
        result = {}

        def done(ctx, res):
            try:
                result['response'] = ctx.request_finish(res)
            except GLib.Error as e:
                result['error'] = e
        client.request_async(message, None, done)
        # s_server prints the request it decrypted: header, token, Uri-Path.
        self.assertTrue(iterate_until(lambda: b'\xb4ccm8' in out.read() or result), out.data)
        self.assertIn(b'CIPHER is ' + CCM_8.encode(), out.data)
        data = out.data
        path = data.index(b'\xb4ccm8')
        tkl = next(n for n in range(9) if data[path - n - 4] == 0x40 | n
                   and data[path - n - 3] == 0x01)
        request = data[path - tkl - 4:path]
        proc.stdin.write(bytes([0x60 | tkl, 0x45]) + request[2:] + b'\xffccm8 answer')
        proc.stdin.flush()
        self.assertTrue(iterate_until(lambda: result))
        self.assertNotIn('error', result)
        self.assertEqual(result['response'].get_code(), CoapUdp6.Code.CONTENT)
        self.assertEqual(result['response'].get_payload().get_data(), b'ccm8 answer')


BUILDDIR = os.environ.get('COAP_UDP6_BUILDDIR', os.path.join(os.path.dirname(__file__), '..', 'build'))
SERVER = os.path.join(BUILDDIR, 'examples', 'coap-udp6-server')
CLIENT = os.path.join(BUILDDIR, 'examples', 'coap-udp6-client')


@unittest.skipUnless(CoapUdp6.Credentials.is_supported(), 'built without GnuTLS')
@unittest.skipUnless(os.path.exists(SERVER), 'tools not built (-Dexamples=false)')
class Tools(unittest.TestCase):
    """coap-udp6-server --bind coaps://... -k / --psk-file / --cert --key --ca and
    coap-udp6-client -k -u / --cert --key --ca."""

    def server(self, *args):
        proc = subprocess.Popen([SERVER, '--bind', 'coaps://[::1]:0'] + list(args),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: (proc.terminate(), proc.wait(5), proc.stdout.close(),
                                 proc.stderr.close()))
        line = proc.stdout.readline()
        self.assertRegex(line, r'^listening on port \d+$')
        return int(line.split()[-1])

    def client(self, *args):
        return subprocess.run([CLIENT, '-T', '30'] + list(args), capture_output=True, text=True,
                              timeout=60)

    def test_psk(self):
        port = self.server('-k', 'sharedKey1')
        result = self.client('-k', 'sharedKey1', '-u', 'tool', '-v', '-v',
                             'coaps://[::1]:%d/whoami' % port)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn('coaps identity tool', result.stdout)
        self.assertNotIn('sharedKey1', result.stdout + result.stderr)

    def test_wrong_key(self):
        port = self.server('-k', 'sharedKey1')
        result = self.client('-k', 'otherKey2', '-u', 'tool', 'coaps://[::1]:%d/whoami' % port)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertIn('DTLS handshake', result.stderr)
        self.assertNotIn('otherKey2', result.stderr)

    def test_psk_file(self):
        path = os.path.join(os.environ.get('TMPDIR', '/tmp'), 'coap-udp6-psk-%d' % os.getpid())
        with open(path, 'w') as f:
            f.write('# identity key\nann annsKey\nben bensKey\n')
        self.addCleanup(os.unlink, path)
        port = self.server('--psk-file', path, '-v')
        result = self.client('-k', 'bensKey', '-u', 'ben', 'coaps://[::1]:%d/whoami' % port)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn('coaps identity ben', result.stdout)
        result = self.client('-k', 'annsKey', '-u', 'ben', 'coaps://[::1]:%d/whoami' % port)
        self.assertEqual(result.returncode, 2)

    def test_certificates(self):
        import tempfile
        if not shutil.which('openssl'):
            self.skipTest('openssl missing (makes the test certificates)')
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        files = make_certificates(tmp.name)
        port = self.server('--cert', files['server.pem'], '--key', files['server.key'],
                           '--ca', files['ca.pem'])
        uri = 'coaps://[::1]:%d/whoami' % port
        mine = ['--cert', files['client.pem'], '--key', files['client.key']]
        result = self.client(*mine, '--ca', files['ca.pem'], uri)
        self.assertEqual(result.returncode, 0, result.stderr)
        # The server's handler saw the identity the client certificate proved.
        self.assertIn('coaps identity CN=client', result.stdout)
        # A server certificate from a CA the client does not trust.
        result = self.client(*mine, '--ca', files['other-ca.pem'], uri)
        self.assertEqual(result.returncode, 2, result.stdout)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertIn('not trusted', result.stderr)
        self.assertNotIn('coaps identity', result.stdout)
        # A client certificate from a CA the server does not trust: served
        # (the server asks for a certificate, it does not require one), but
        # with no identity.
        result = self.client('--cert', files['other-ca.pem'],
                             '--key', os.path.join(tmp.name, 'other-ca.key'),
                             '--ca', files['ca.pem'], uri)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn('you reached', result.stdout)
        self.assertNotIn('coaps identity', result.stdout)

    def test_client_needs_identity(self):
        result = self.client('-k', 'sharedKey1', 'coaps://[::1]:1/whoami')
        self.assertEqual(result.returncode, 2)
        self.assertEqual(len(result.stderr.splitlines()), 1)


if __name__ == '__main__':
    result = unittest.main(exit=False).result
    if not result.wasSuccessful():
        sys.exit(1)
    if result.testsRun == len(result.skipped):
        sys.exit(77)
