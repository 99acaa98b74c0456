#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""coaps trust through a GTlsDatabase (Credentials.props.database): GIO's
file database, a database written in Python, and coap-udp6-client
--system-ca."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, Gio, GLib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_dtls import Whoami, make_certificates, request  # noqa: E402

BUILDDIR = os.environ.get('COAP_UDP6_BUILDDIR', os.path.join(os.path.dirname(__file__), '..', 'build'))
SERVER = os.path.join(BUILDDIR, 'examples', 'coap-udp6-server')
CLIENT = os.path.join(BUILDDIR, 'examples', 'coap-udp6-client')
TLS_ERROR = GLib.quark_from_string('g-tls-error-quark')


class PinningDatabase(Gio.TlsDatabase):
    """Trusts exactly one certificate (PEM), and records what it was asked."""

    def __init__(self, trusted_pem):
        super().__init__()
        self.trusted_pem = trusted_pem
        self.calls = []

    def do_verify_chain(self, chain, purpose, identity, interaction, flags, cancellable):
        self.calls.append((purpose, identity))
        if chain.props.certificate_pem.strip() == self.trusted_pem.strip():
            return Gio.TlsCertificateFlags(0)
        return Gio.TlsCertificateFlags.UNKNOWN_CA


@unittest.skipUnless(CoapUdp6.Credentials.is_supported(), 'built without GnuTLS')
@unittest.skipUnless(shutil.which('openssl'), 'openssl missing (makes the test certificates)')
@unittest.skipUnless(Gio.TlsBackend.get_default().supports_tls(),
                     'no GIO TLS backend (glib-networking)')
class Database(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.files = make_certificates(cls.tmp.name)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def server(self, database=None):
        creds = CoapUdp6.Credentials.new()
        creds.set_certificate_files(self.files['server.pem'], self.files['server.key'])
        creds.props.database = database
        server = CoapUdp6.Context(binds=['coaps://[::]:0'], is_server=True, credentials=creds)
        server.init(None)
        server.add_resource('whoami', Whoami())
        return server, server.get_local_port()

    def get(self, port, database, cert=None, host='[::1]'):
        creds = CoapUdp6.Credentials.new()
        if cert:
            creds.set_certificate_files(self.files[cert + '.pem'], self.files[cert + '.key'])
        creds.set_database(database)
        self.assertIs(creds.get_database(), database)
        client = CoapUdp6.Context.new_client()
        client.props.credentials = creds
        return request(client, 'coaps://%s:%d/whoami' % (host, port))

    def test_file_database(self):
        server, port = self.server()
        result = self.get(port, Gio.TlsFileDatabase.new(self.files['ca.pem']))
        self.assertNotIn('error', result)
        self.assertEqual(result['response'].get_payload().get_data(), b'coaps -')
        result = self.get(port, Gio.TlsFileDatabase.new(self.files['other-ca.pem']))
        self.assertTrue(result['error'].matches(TLS_ERROR, Gio.TlsError.BAD_CERTIFICATE),
                        result['error'].message)
        self.assertIn('unknown authority', result['error'].message)

    def test_file_database_checks_the_name(self):
        server, port = self.server()
        # The certificate names ::1, 127.0.0.1 and localhost, not 127.0.0.2.
        result = self.get(port, Gio.TlsFileDatabase.new(self.files['ca.pem']), host='localhost')
        self.assertNotIn('error', result)
        result = self.get(port, Gio.TlsFileDatabase.new(self.files['ca.pem']), host='127.0.0.2')
        self.assertTrue(result['error'].matches(TLS_ERROR, Gio.TlsError.BAD_CERTIFICATE),
                        result['error'].message)
        self.assertIn('does not name the host', result['error'].message)

    def test_python_database(self):
        server, port = self.server()
        with open(self.files['server.pem']) as f:
            server_pem = f.read()
        with open(self.files['client.pem']) as f:
            client_pem = f.read()
        trusting = PinningDatabase(server_pem)
        result = self.get(port, trusting)
        self.assertNotIn('error', result)
        self.assertEqual(len(trusting.calls), 1)
        purpose, identity = trusting.calls[0]
        self.assertEqual(purpose, Gio.TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER)
        self.assertEqual(identity.get_address().to_string(), '::1')
        self.assertEqual(identity.get_port(), port)

        distrusting = PinningDatabase(client_pem)
        result = self.get(port, distrusting)
        self.assertTrue(result['error'].matches(TLS_ERROR, Gio.TlsError.BAD_CERTIFICATE),
                        result['error'].message)
        self.assertEqual(len(distrusting.calls), 1)

    def test_server_database_identifies_clients(self):
        with open(self.files['client.pem']) as f:
            client_pem = f.read()
        database = PinningDatabase(client_pem)
        server, port = self.server(database)
        result = self.get(port, Gio.TlsFileDatabase.new(self.files['ca.pem']), cert='client')
        self.assertNotIn('error', result)
        self.assertEqual(result['response'].get_payload().get_data(), b'coaps CN=client')
        self.assertEqual(database.calls[0][0], Gio.TLS_DATABASE_PURPOSE_AUTHENTICATE_CLIENT)
        self.assertIsNone(database.calls[0][1])
        # A client certificate the server's database refuses: no session.
        result = self.get(port, Gio.TlsFileDatabase.new(self.files['ca.pem']), cert='server')
        self.assertTrue(result['error'].matches(TLS_ERROR, Gio.TlsError.HANDSHAKE),
                        result['error'].message)

    def test_property_notifies(self):
        creds = CoapUdp6.Credentials.new()
        seen = []
        creds.connect('notify::database', lambda c, pspec: seen.append(c.props.database))
        database = Gio.TlsFileDatabase.new(self.files['ca.pem'])
        creds.props.database = database
        creds.props.database = database
        creds.set_database(None)
        self.assertEqual(seen, [database, None])

    @unittest.skipUnless(os.path.exists(CLIENT), 'tools not built (-Dexamples=false)')
    def test_tool_system_ca(self):
        proc = subprocess.Popen([SERVER, '--bind', 'coaps://[::1]:0',
                                 '--cert', self.files['server.pem'],
                                 '--key', self.files['server.key']],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.addCleanup(lambda: (proc.terminate(), proc.wait(5), proc.stdout.close()))
        port = int(proc.stdout.readline().split()[-1])
        # The test CA is in no system store.
        result = subprocess.run([CLIENT, '-T', '30', '--system-ca', 'coaps://[::1]:%d/' % port],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertIn('not trusted', result.stderr)


if __name__ == '__main__':
    result = unittest.main(exit=False).result
    if not result.wasSuccessful():
        sys.exit(1)
    if result.testsRun == len(result.skipped):
        sys.exit(77)
