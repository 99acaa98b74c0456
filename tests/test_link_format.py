#!/usr/bin/python3
# test_link_format.py: RFC 6690 link format through PyGObject, on the
# /.well-known/core documents that libcoap's coap-server-notls, an aiocoap
# server (tests/peers/), the coap-udp6-server tool and an in-process
# context serve; malformed
# documents raise GLib.Error in COAP_UDP6_ERROR.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, GLib  # noqa: E402

BUILD = os.environ.get('COAP_UDP6_BUILDDIR', '.')
PEERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'peers')
SERVER = os.path.join(BUILD, 'examples', 'coap-udp6-server')
LIBCOAP_SERVER = shutil.which('coap-server-notls')


class Process:
    """A server whose output goes to a file; its port is read from it."""

    def __init__(self, argv, port_pattern, env=None):
        self.log = tempfile.NamedTemporaryFile('w+', suffix='.log')
        self.proc = subprocess.Popen(argv, stdout=self.log,
                                     stderr=subprocess.STDOUT, text=True, env=env)
        deadline = time.monotonic() + 20
        while True:
            with open(self.log.name) as f:
                match = re.search(port_pattern, f.read())
            if match:
                self.port = int(match.group(1))
                return
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError('no port from %s' % argv[0])
            time.sleep(0.02)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()


def fetch(uri, attempts=1):
    """GETs @uri with a client context; returns (response, error)."""
    client = CoapUdp6.Context.new_client()
    client.props.ack_timeout = 0.2
    loop = GLib.MainLoop()
    result = {}
    for _ in range(attempts):
        message = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.GET)
        message.set_request_uri(uri)

        def done(ctx, res):
            try:
                result['response'] = ctx.request_finish(res)
            except GLib.Error as e:
                result['error'] = e
            loop.quit()
        client.request_async(message, None, done)
        guard = GLib.timeout_add(15000, loop.quit)
        loop.run()
        GLib.source_remove(guard)
        if 'response' in result:
            break
    return result.get('response'), result.get('error')


def links_of(base, document=None):
    """The links of base's /.well-known/core; its bytes go in document."""
    uri = base + '/.well-known/core'
    response, error = fetch(uri, attempts=5)
    assert error is None, error
    assert response.get_code() == CoapUdp6.Code.CONTENT, response.get_code()
    assert response.get_content_format() == (True, CoapUdp6.ContentFormat.LINK_FORMAT)
    if document is not None:
        document.append(bytes(response.get_payload().get_data()))
    return CoapUdp6.link_format_parse_bytes(response.get_payload(), uri)


class Titled(CoapUdp6.Resource):
    def do_render(self, request):
        request.respond_payload(CoapUdp6.Code.CONTENT, GLib.Bytes.new(b'x'), 0)


class LinkFormat(unittest.TestCase):
    @unittest.skipUnless(LIBCOAP_SERVER, 'libcoap coap-server-notls is not installed')
    def test_libcoap_well_known_core(self):
        server = Process([LIBCOAP_SERVER, '-A', '::1', '-p', '0', '-v', '7'],
                         r'created UDP +endpoint \[::1\]:(\d+)')
        try:
            base = 'coap://[::1]:%d' % server.port
            document = []
            links = links_of(base, document)
        finally:
            server.stop()
        by_target = {link.get_target(): link for link in links}
        self.assertIn('/time', by_target)
        time_link = by_target['/time']
        self.assertEqual(time_link.get_uri(), base + '/time')
        self.assertEqual(time_link.get_attribute('title'), 'Internal Clock')
        self.assertEqual(time_link.get_attribute_values('rt'), ['ticks'])
        self.assertEqual(time_link.get_attribute_values('if'), ['clock'])
        self.assertEqual(time_link.get_attribute('ct'), '0')
        self.assertTrue(time_link.has_attribute('obs'))
        self.assertEqual(by_target['/'].get_uri(), base + '/')
        self.assertFalse(by_target['/'].has_attribute('obs'))
        # Built again, it is the document libcoap sent, byte for byte.
        self.assertEqual(CoapUdp6.link_format_build(links).encode(), document[0])

    def test_aiocoap_well_known_core(self):
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
            s.bind(('::1', 0))
            port = s.getsockname()[1]
        env = dict(os.environ, PYTHONPATH=PEERS, PYTHONDONTWRITEBYTECODE='1')
        server = Process(['/usr/bin/python3', os.path.join(PEERS, 'aiocoap_server.py'), str(port)],
                         r'listening on port (\d+)', env=env)
        try:
            base = 'coap://[::1]:%d' % server.port
            links = links_of(base)
        finally:
            server.stop()
        by_target = {link.get_target(): link for link in links}
        # aiocoap quotes ct ("40"), lists itself with an absolute target.
        self.assertEqual(by_target['/.well-known/core'].get_attribute('ct'), '40')
        self.assertTrue(by_target['/time'].has_attribute('obs'))
        self.assertEqual(by_target['/time'].get_uri(), base + '/time')
        self.assertEqual(by_target['/large'].get_uri(), base + '/large')
        impl = [link for link in links if link.get_attribute('rel') == 'impl-info']
        self.assertEqual(len(impl), 1)
        self.assertTrue(impl[0].get_uri().startswith('https://'), impl[0].get_uri())
        self.assertEqual(impl[0].get_uri(), impl[0].get_target())

    @unittest.skipUnless(os.access(SERVER, os.X_OK), 'coap-udp6-server is not built')
    def test_coap_udp6_server_well_known_core(self):
        server = Process([SERVER, '--bind', '127.0.0.1:0'], r'listening on port (\d+)')
        try:
            base = 'coap://127.0.0.1:%d' % server.port
            links = links_of(base)
        finally:
            server.stop()
        uris = [link.get_uri() for link in links]
        for path in ('/hello', '/echo', '/whoami', '/time'):
            self.assertIn(base + path, uris)
        for link in links:
            self.assertTrue(link.get_attribute('title'), link.get_target())
            self.assertTrue(link.get_attribute_values('rt'), link.get_target())

    def test_in_process_context(self):
        server = CoapUdp6.Context.new_server(['[::1]:0'], None)
        resource = Titled()
        resource.set_title('Lamp, hall')
        resource.set_resource_type('light core.a')
        resource.set_content_format(50)
        resource.set_observable(True)
        server.add_resource('lights/hall', resource)
        base = 'coap://[::1]:%d' % server.get_local_port()
        links = links_of(base)
        self.assertEqual(len(links), 1)
        link = links[0]
        self.assertEqual(link.get_uri(), base + '/lights/hall')
        self.assertEqual(link.get_attribute('title'), 'Lamp, hall')
        self.assertEqual(link.get_attribute_values('rt'), ['light', 'core.a'])
        self.assertEqual(link.get_attribute_values('ct'), ['50'])
        self.assertEqual(link.get_attribute_names(), ['rt', 'ct', 'title', 'obs'])

    def test_resource_title_with_quote_and_backslash(self):
        server = CoapUdp6.Context.new_server(['[::1]:0'], None)
        resource = Titled()
        resource.set_title('say "hi" \\ ok')
        resource.set_resource_type('x"y')
        server.add_resource('q', resource)
        self.assertEqual(resource.get_link_attributes(), ';rt="x\\"y";title="say \\"hi\\" \\\\ ok"')
        links = links_of('coap://[::1]:%d' % server.get_local_port())
        self.assertEqual([link.get_target() for link in links], ['/q'])
        self.assertEqual(links[0].get_attribute('title'), 'say "hi" \\ ok')
        self.assertEqual(links[0].get_attribute_values('rt'), ['x"y'])

    def test_build_from_python(self):
        a = CoapUdp6.Link.new('/a')
        a.add_attribute('title', 'say "hi"')
        a.add_attribute('rt', 'x y')
        a.add_attribute('obs', None)
        b = CoapUdp6.Link.new('coap://[::1]/b')
        text = CoapUdp6.link_format_build([a, b])
        self.assertEqual(text, '</a>;title="say \\"hi\\"";rt="x y";obs,<coap://[::1]/b>')
        links = CoapUdp6.link_format_parse(text, 'coap://h/.well-known/core')
        self.assertEqual([l.get_uri() for l in links], ['coap://h/a', 'coap://[::1]/b'])
        self.assertEqual(links[0].get_attribute('title'), 'say "hi"')
        self.assertEqual(links[0].get_attribute('obs'), '')
        self.assertIsNone(links[0].get_attribute('sz'))
        self.assertEqual(str(CoapUdp6.link_format_parse('', None)), '[]')
        self.assertEqual(CoapUdp6.Link.format_build_array([a, b]), text)
        self.assertEqual(CoapUdp6.Link.format_build_array(links), CoapUdp6.link_format_build(links))
        self.assertEqual(CoapUdp6.Link.format_build_array([]), '')

    def test_malformed(self):
        for text in ('<a', '</a>;', '</a>,', 'x', '</a>;title="x', '</a b>', '</a>x'):
            with self.assertRaises(GLib.Error) as caught:
                CoapUdp6.link_format_parse(text, None)
            self.assertTrue(caught.exception.matches(CoapUdp6.error_quark(),
                                                     CoapUdp6.Error.UNPARSABLE), text)
            self.assertIn('Not link format', caught.exception.message)
        with self.assertRaises(GLib.Error) as caught:
            CoapUdp6.link_format_parse_bytes(GLib.Bytes.new(b'</a>\0'), None)
        self.assertTrue(caught.exception.matches(CoapUdp6.error_quark(),
                                                 CoapUdp6.Error.UNPARSABLE))
        with self.assertRaises(GLib.Error) as caught:
            CoapUdp6.link_format_parse_bytes(GLib.Bytes.new(b'</a>;title="\xff"'), None)
        self.assertTrue(caught.exception.matches(CoapUdp6.error_quark(),
                                                 CoapUdp6.Error.UNPARSABLE))


if __name__ == '__main__':
    unittest.main()
