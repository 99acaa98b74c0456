#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""coaps in RawPublicKey mode (RFC 7250, RFC 7252 §9.1.3.2) from Python,
interop in both roles with libcoap's GnuTLS build (-M), and the tools'
-M / --peer-key. Keys are made by openssl at test time; the expected
identities are computed here from openssl's SubjectPublicKeyInfo."""

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, GLib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_dtls import Whoami, iterate_until, request, start_libcoap_server  # noqa: E402

TLS = GLib.quark_from_string('g-tls-error-quark')
BAD_CERTIFICATE = 2
HANDSHAKE = 4

BUILDDIR = os.environ.get('COAP_UDP6_BUILDDIR', os.path.join(os.path.dirname(__file__), '..', 'build'))
SERVER = os.path.join(BUILDDIR, 'examples', 'coap-udp6-server')
CLIENT = os.path.join(BUILDDIR, 'examples', 'coap-udp6-client')


def openssl(*args, cwd):
    return subprocess.run(['openssl'] + list(args), cwd=cwd, check=True,
                          capture_output=True, timeout=60).stdout


def identity(directory, key):
    """ni:///sha-256; name of @key, from openssl's DER SubjectPublicKeyInfo."""
    spki = openssl('pkey', '-in', key, '-pubout', '-outform', 'DER', cwd=directory)
    digest = hashlib.sha256(spki).digest()
    return 'ni:///sha-256;' + base64.urlsafe_b64encode(digest).decode().rstrip('=')


class Keys:
    """server.pem, client.pem (EC PRIVATE KEY), other.pem (PKCS#8),
    client.pub (PUBLIC KEY), with their names."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory(prefix='coap-udp6-rpk-')
        self.held = []
        d = self.tmp.name
        openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'server.pem', cwd=d)
        openssl('ecparam', '-name', 'prime256v1', '-genkey', '-out', 'client.pem', cwd=d)
        openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256',
                '-out', 'other.pem', cwd=d)
        openssl('pkey', '-in', 'client.pem', '-pubout', '-out', 'client.pub', cwd=d)
        self.path = {name: os.path.join(d, name)
                     for name in ('server.pem', 'client.pem', 'other.pem', 'client.pub')}
        self.id = {name: identity(d, name) for name in ('server.pem', 'client.pem', 'other.pem')}

    def credentials(self, key=None, pins=(), accept_any=False):
        c = CoapUdp6.Credentials.new()
        if key:
            c.set_raw_public_key_file(self.path[key])
        for pin in pins:
            c.add_peer_public_key(pin)
        c.props.accept_any_public_key = accept_any
        # Held: a context's property is no reference PyGObject counts.
        self.held.append(c)
        return c

    def close(self):
        self.tmp.cleanup()


def needs_rpk(cls):
    cls = unittest.skipUnless(CoapUdp6.Credentials.is_supported(), 'built without GnuTLS')(cls)
    return unittest.skipUnless(shutil.which('openssl'), 'no openssl')(cls)


class KeysTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.keys = Keys()

    @classmethod
    def tearDownClass(cls):
        cls.keys.close()


@needs_rpk
class RoundTrip(KeysTestCase):
    def our_server(self, creds):
        server = CoapUdp6.Context(binds=['coaps://[::]:0'], is_server=True, credentials=creds)
        server.init(None)
        server.add_resource('whoami', Whoami())
        return server, server.get_local_port()

    def test_identities(self):
        k = self.keys
        server, port = self.our_server(k.credentials('server.pem'))
        creds = k.credentials('client.pem', [k.id['server.pem']])
        self.assertEqual(creds.get_raw_public_key_identity(), k.id['client.pem'])
        client = CoapUdp6.Context.new_client()
        client.props.credentials = creds
        result = request(client, 'coaps://[::1]:%d/whoami' % port)
        self.assertNotIn('error', result)
        response = result['response']
        self.assertEqual(response.get_payload().get_data().decode(),
                         'coaps ' + k.id['client.pem'])
        self.assertEqual(response.get_remote().get_peer_identity(), k.id['server.pem'])

    def test_pinned_mismatch_then_serves(self):
        k = self.keys
        server, port = self.our_server(k.credentials('server.pem'))
        with open(k.path['other.pem']) as f:
            other = f.read()
        client = CoapUdp6.Context.new_client()
        client.props.credentials = k.credentials('client.pem', [other])
        result = request(client, 'coaps://[::1]:%d/whoami' % port)
        self.assertIn('error', result)
        self.assertTrue(result['error'].matches(TLS, BAD_CERTIFICATE), result['error'].message)
        self.assertIn(k.id['server.pem'], result['error'].message)
        good = CoapUdp6.Context.new_client()
        good.props.credentials = k.credentials('client.pem', accept_any=True)
        result = request(good, 'coaps://[::1]:%d/whoami' % port)
        self.assertEqual(result['response'].get_payload().get_data().decode(),
                         'coaps ' + k.id['client.pem'])

    def test_server_pins_public_key(self):
        k = self.keys
        with open(k.path['client.pub']) as f:
            server, port = self.our_server(k.credentials('server.pem', [f.read()]))
        stranger = CoapUdp6.Context.new_client()
        stranger.props.credentials = k.credentials('other.pem', [k.id['server.pem']])
        result = request(stranger, 'coaps://[::1]:%d/whoami' % port)
        self.assertTrue(result['error'].matches(TLS, HANDSHAKE), result['error'].message)
        known = CoapUdp6.Context.new_client()
        known.props.credentials = k.credentials('client.pem', [k.id['server.pem']])
        result = request(known, 'coaps://[::1]:%d/whoami' % port)
        self.assertEqual(result['response'].get_payload().get_data().decode(),
                         'coaps ' + k.id['client.pem'])

    def test_misuse(self):
        c = CoapUdp6.Credentials.new()
        for bad in ('garbage', '-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n'):
            with self.assertRaises(GLib.Error) as caught:
                c.set_raw_public_key(bad)
            self.assertTrue(caught.exception.matches(TLS, BAD_CERTIFICATE))
        with self.assertRaises(GLib.Error) as caught:
            c.set_raw_public_key_file(self.keys.path['client.pub'])
        self.assertIn(self.keys.path['client.pub'], caught.exception.message)
        with self.assertRaises(GLib.Error):
            c.set_raw_public_key_file('/nonexistent/key.pem')
        for bad in ('ni:///sha-256;short', 'not a key', 'ni:///sha-512;' + 'A' * 43):
            with self.assertRaises(GLib.Error) as caught:
                c.add_peer_public_key(bad)
            self.assertTrue(caught.exception.matches(TLS, BAD_CERTIFICATE))
        self.assertIsNone(c.get_raw_public_key_identity())
        self.assertFalse(c.props.accept_any_public_key)


@needs_rpk
class Interop(KeysTestCase):
    """libcoap's GnuTLS build with -M: our client against coap-server-gnutls,
    coap-client-gnutls against our server."""

    BINARY_SERVER = 'coap-server-gnutls'
    BINARY_CLIENT = 'coap-client-gnutls'

    def test_our_client_libcoap_server(self):
        if not shutil.which(self.BINARY_SERVER):
            self.skipTest('%s missing' % self.BINARY_SERVER)
        k = self.keys
        proc, port = start_libcoap_server([self.BINARY_SERVER, '-A', '::1',
                                           '-M', k.path['server.pem']])
        self.addCleanup(lambda: (proc.terminate(), proc.wait(5)))
        client = CoapUdp6.Context.new_client()
        client.props.credentials = k.credentials('client.pem', [k.id['server.pem']])
        result = request(client, 'coaps://[::1]:%d/' % port)
        self.assertIn('response', result, result.get('error'))
        self.assertEqual(result['response'].get_code(), CoapUdp6.Code.CONTENT)
        self.assertIn(b'libcoap', result['response'].get_payload().get_data())
        self.assertEqual(result['response'].get_remote().get_peer_identity(), k.id['server.pem'])
        wrong = CoapUdp6.Context.new_client()
        wrong.props.credentials = k.credentials('client.pem', [k.id['other.pem']])
        result = request(wrong, 'coaps://[::1]:%d/' % port)
        self.assertTrue(result['error'].matches(TLS, BAD_CERTIFICATE), result['error'].message)

    def run_libcoap_client(self, key, uri):
        proc = subprocess.Popen([self.BINARY_CLIENT, '-B', '10', '-M', self.keys.path[key], uri],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.assertTrue(iterate_until(lambda: proc.poll() is not None, 30))
        out, err = proc.communicate()
        return out, err

    def test_libcoap_client_our_server(self):
        if not shutil.which(self.BINARY_CLIENT):
            self.skipTest('%s missing' % self.BINARY_CLIENT)
        k = self.keys
        server = CoapUdp6.Context(binds=['coaps://[::1]:0'], is_server=True,
                                  credentials=k.credentials('server.pem'))
        server.init(None)
        server.add_resource('whoami', Whoami())
        uri = 'coaps://[::1]:%d/whoami' % server.get_local_port()
        out, err = self.run_libcoap_client('client.pem', uri)
        self.assertEqual(out.strip(), 'coaps ' + k.id['client.pem'], err)
        # A server that pins another client key refuses libcoap's.
        pinned = CoapUdp6.Context(binds=['coaps://[::1]:0'], is_server=True,
                                  credentials=k.credentials('server.pem', [k.id['other.pem']]))
        pinned.init(None)
        pinned.add_resource('whoami', Whoami())
        out, err = self.run_libcoap_client('client.pem',
                                           'coaps://[::1]:%d/whoami' % pinned.get_local_port())
        self.assertNotIn('coaps', out)
        # The first server still serves.
        out, err = self.run_libcoap_client('client.pem', uri)
        self.assertEqual(out.strip(), 'coaps ' + k.id['client.pem'], err)


@needs_rpk
@unittest.skipUnless(os.path.exists(SERVER), 'tools not built (-Dexamples=false)')
class Tools(KeysTestCase):
    """coap-udp6-server -M and coap-udp6-client -M --peer-key / --accept-any-key."""

    def server(self, *args):
        proc = subprocess.Popen([SERVER, '--bind', 'coaps://[::1]:0'] + list(args),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: (proc.terminate(), proc.wait(5), proc.stdout.close(),
                                 proc.stderr.close()))
        line = proc.stdout.readline()
        self.assertRegex(line, r'^listening on port \d+$')
        return int(line.split()[-1]), proc

    def client(self, *args):
        return subprocess.run([CLIENT, '-T', '30'] + list(args), capture_output=True, text=True,
                              timeout=60)

    def test_rpk(self):
        k = self.keys
        port, proc = self.server('-M', k.path['server.pem'])
        self.assertEqual(proc.stderr.readline().strip(),
                         'coap-udp6-server: raw public key ' + k.id['server.pem'])
        uri = 'coaps://[::1]:%d/whoami' % port
        for pin in (k.path['server.pem'], k.id['server.pem']):
            result = self.client('-M', k.path['client.pem'], '--peer-key', pin, uri)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn('coaps identity ' + k.id['client.pem'], result.stdout)
        result = self.client('--accept-any-key', uri)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn('coaps identity', result.stdout)
        with open(k.path['server.pem']) as f:
            secret = ''.join(f.read().splitlines()[1:3])
        self.assertNotIn(secret, result.stdout + result.stderr)

    def test_failed_handshake(self):
        k = self.keys
        port, _ = self.server('-M', k.path['server.pem'], '--peer-key', k.path['client.pub'])
        uri = 'coaps://[::1]:%d/whoami' % port
        for args, expected in ((['--peer-key', k.path['other.pem']], 'not one of the pinned keys'),
                               (['-M', k.path['client.pem']], 'no key is pinned'),
                               (['--peer-key', k.id['server.pem'], '-M', k.path['other.pem']],
                                'refused the DTLS handshake')):
            result = self.client(*args, uri)
            self.assertEqual(result.returncode, 2, result.stderr)
            self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
            self.assertIn(expected, result.stderr)
        result = self.client('-M', k.path['client.pem'], '--peer-key', k.id['server.pem'], uri)
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_bad_options(self):
        k = self.keys
        for args in (['-M', k.path['client.pub'], '--accept-any-key'],
                     ['--peer-key', 'ni:///sha-256;short'],
                     ['--peer-key', k.id['server.pem'], '--accept-any-key']):
            result = self.client(*args, 'coaps://[::1]:1/')
            self.assertEqual(result.returncode, 2, result.stderr)
            self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)


if __name__ == '__main__':
    result = unittest.main(exit=False).result
    if not result.wasSuccessful():
        sys.exit(1)
    if result.testsRun == len(result.skipped):
        sys.exit(77)
