#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The API as Python sees it: bytes in, absent options, code names, and a
resource served by Python callables over loopback."""

import unittest

import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, GLib

Code = CoapUdp6.Code
MT = CoapUdp6.MessageType


class MessageTest(unittest.TestCase):
    def test_bytes_in(self):
        msg = CoapUdp6.Message.new(MT.CON, Code.PUT)
        msg.set_payload(b'hi')
        msg.set_token(b'\xca\xfe')
        msg.add_etag(b'e1')
        msg.add_etag(b'e2')
        self.assertEqual(msg.get_payload().get_data(), b'hi')
        self.assertEqual(msg.get_token().get_data(), b'\xca\xfe')
        self.assertEqual([e.get_data() for e in msg.get_etags()], [b'e1', b'e2'])
        back = CoapUdp6.Message.decode(msg.encode(), None)
        self.assertEqual(back.get_payload().get_data(), b'hi')
        msg.set_payload(b'')
        self.assertEqual(msg.get_payload().get_size(), 0)
        msg.add_if_match(b'\x07')
        self.assertEqual([m.get_data() for m in msg.get_if_match()], [b'\x07'])
        resource = CoapUdp6.Resource()
        resource.set_etag_data(b'\x01\x02')
        self.assertEqual(resource.props.etag.get_data(), b'\x01\x02')
        resource.set_etag_data(None)
        self.assertIsNone(resource.props.etag)

    def test_absent_or_value(self):
        msg = CoapUdp6.Message.new(MT.ACK, Code.CONTENT)
        for getter in (msg.get_max_age, msg.get_content_format, msg.get_accept,
                       msg.get_observe, msg.get_size1, msg.get_size2,
                       msg.get_no_response, msg.get_hop_limit, msg.get_uri_port):
            self.assertEqual(getter(), (False, 0), getter)
        self.assertEqual(msg.get_effective_max_age(), 60)
        msg.set_max_age(60)
        msg.set_content_format(0)
        back = CoapUdp6.Message.decode(msg.encode(), None)
        self.assertEqual(back.get_max_age(), (True, 60))
        self.assertEqual(back.get_content_format(), (True, 0))
        self.assertEqual(back.get_option_uint(CoapUdp6.OptionNumber.MAX_AGE), (True, 60))
        self.assertIsNone(back.get_block2())

    def test_code_to_string(self):
        self.assertEqual(CoapUdp6.code_to_string(Code.CONTENT), '2.05 Content')
        self.assertEqual(CoapUdp6.code_to_string(0xe7), '7.07')
        self.assertEqual(CoapUdp6.message_type_to_string(MT.ACK), 'ACK')


class HandlerTest(unittest.TestCase):
    def setUp(self):
        self.loop = GLib.MainLoop()
        self.server = CoapUdp6.Context.new_server(['[::1]:0'], None)
        self.client = CoapUdp6.Context.new_client()
        self.client.props.ack_timeout = 0.05
        self.port = self.server.get_local_port()

    def request(self, code, path):
        message = CoapUdp6.Message.new(MT.CON, code)
        message.set_request_uri('coap://[::1]:%d/%s' % (self.port, path))
        result = {}

        def done(ctx, res):
            result['response'] = ctx.request_finish(res)
            self.loop.quit()
        self.client.request_async(message, None, done)
        guard = GLib.timeout_add(5000, self.loop.quit)
        self.loop.run()
        GLib.source_remove(guard)
        return result['response']

    def test_method_handler(self):
        calls = []

        def get(resource, request):
            calls.append(request.get_message().get_code())
            request.respond_payload(Code.CONTENT, GLib.Bytes.new(b'from a callable'), 0)

        resource = CoapUdp6.Resource.new()
        resource.set_method_handler(Code.GET, get)
        self.server.add_resource('h', resource)

        response = self.request(Code.GET, 'h')
        self.assertEqual(response.get_code(), Code.CONTENT)
        self.assertEqual(response.get_payload().get_data(), b'from a callable')
        self.assertEqual(response.get_content_format(), (True, 0))
        self.assertEqual(self.request(Code.DELETE, 'h').get_code(), Code.METHOD_NOT_ALLOWED)
        self.assertEqual(calls, [Code.GET])

    def test_handler_for_every_method(self):
        def any_method(resource, request):
            request.respond_code(Code.CHANGED, None)

        self.server.add_resource('any', CoapUdp6.Resource.new_with_handler(any_method))
        self.assertEqual(self.request(Code.POST, 'any').get_code(), Code.CHANGED)
        self.assertEqual(self.request(Code.DELETE, 'any').get_code(), Code.CHANGED)


if __name__ == '__main__':
    unittest.main()
