#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The server's option rules through the public API: Resource.etag for
conditional requests, content-format for Accept, Uri-Path segments and
/.well-known/core filters (RFC 7252 §5.10, RFC 6690 §4.1)."""

import unittest

import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, GLib


class Document(CoapUdp6.Resource):
    """Serves a text with an entity-tag; a PUT replaces both."""

    def __init__(self):
        super().__init__(content_format=0, resource_type='doc')
        self.set_etag_data(b'\x01')
        self.text = b'first'

    def do_render(self, request):
        message = request.get_message()
        if message.get_code() == CoapUdp6.Code.PUT:
            self.text = bytes(message.get_payload().get_data() or b'')
            self.set_etag_data(bytes([self.get_etag().get_data()[0] + 1]))
            request.respond_payload(CoapUdp6.Code.CHANGED, None, -1)
            return
        response = CoapUdp6.Message.new(CoapUdp6.MessageType.ACK, CoapUdp6.Code.CONTENT)
        response.set_payload(self.text)
        response.set_content_format(0)
        response.add_etag(self.get_etag().get_data())
        request.respond(response)


class Named(CoapUdp6.Resource):
    def __init__(self, name):
        super().__init__()
        self.name = name

    def do_render(self, request):
        request.respond_code(CoapUdp6.Code.CONTENT, self.name)


class RulesTest(unittest.TestCase):
    def setUp(self):
        self.loop = GLib.MainLoop()
        self.server = CoapUdp6.Context.new_server(['[::1]:0'], None)
        self.document = Document()
        self.server.add_resource('doc', self.document)
        self.server.add_resource('a%2Fb', Named('one segment'))
        self.server.add_resource('a/b', Named('two segments'))
        self.client = CoapUdp6.Context.new_client()
        self.port = self.server.get_local_port()

    def request(self, segments, code=CoapUdp6.Code.GET, payload=None, setup=None):
        message = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, code)
        message.set_request_uri('coap://[::1]:%d/' % self.port)
        message.set_uri_path(segments)
        if payload is not None:
            message.set_payload(payload)
        if setup is not None:
            setup(message)
        result = {}

        def done(ctx, res):
            result['response'] = ctx.request_finish(res)
            self.loop.quit()
        self.client.request_async(message, None, done)
        GLib.timeout_add(5000, self.loop.quit)
        self.loop.run()
        return result['response']

    def test_etag_property(self):
        self.assertEqual(bytes(self.document.props.etag.get_data()), b'\x01')
        self.document.set_etag(None)
        self.assertIsNone(self.document.get_etag())

    def test_if_match(self):
        def stale(message):
            message.add_if_match(b'\x09')

        def current(message):
            message.add_if_match(self.document.get_etag().get_data())
        response = self.request(['doc'], CoapUdp6.Code.PUT, b'lost', stale)
        self.assertEqual(response.get_code(), CoapUdp6.Code.PRECONDITION_FAILED)
        response = self.request(['doc'], CoapUdp6.Code.PUT, b'second', current)
        self.assertEqual(response.get_code(), CoapUdp6.Code.CHANGED)
        response = self.request(['doc'])
        self.assertEqual(bytes(response.get_payload().get_data()), b'second')
        self.assertEqual([bytes(e.get_data()) for e in response.get_etags()], [b'\x02'])

    def test_if_none_match(self):
        response = self.request(['doc'], CoapUdp6.Code.PUT, b'x',
                                lambda m: m.set_if_none_match(True))
        self.assertEqual(response.get_code(), CoapUdp6.Code.PRECONDITION_FAILED)

    def test_accept(self):
        response = self.request(['doc'], setup=lambda m: m.set_accept(50))
        self.assertEqual(response.get_code(), CoapUdp6.Code.NOT_ACCEPTABLE)
        response = self.request(['doc'], setup=lambda m: m.set_accept(0))
        self.assertEqual(response.get_code(), CoapUdp6.Code.CONTENT)

    def test_segments(self):
        self.assertEqual(bytes(self.request(['a/b']).get_payload().get_data()), b'one segment')
        self.assertEqual(bytes(self.request(['a', 'b']).get_payload().get_data()),
                         b'two segments')

    def test_well_known_filter(self):
        def query(q):
            return lambda m: m.set_uri_query([q])
        response = self.request(['.well-known', 'core'], setup=query('href=/a*'))
        self.assertEqual(bytes(response.get_payload().get_data()), b'</a%2Fb>,</a/b>')
        response = self.request(['.well-known', 'core'], setup=query('rt=do*'))
        self.assertEqual(bytes(response.get_payload().get_data()), b'</doc>;rt="doc";ct=0')


if __name__ == '__main__':
    unittest.main()
