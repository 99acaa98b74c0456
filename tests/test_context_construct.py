#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""CoapUdp6.Context() as Python makes it (g_object_new, no init), binds that
fail loudly, and the server tool's exit status for an unknown interface."""

import os
import subprocess
import unittest

import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, Gio, GLib

NO_SUCH_INTERFACE = 'nosuchif0'


class Hello(CoapUdp6.Resource):
    def do_render(self, request):
        request.respond_code(CoapUdp6.Code.CONTENT, 'hello')


class ContextConstructTest(unittest.TestCase):
    def setUp(self):
        self.loop = GLib.MainLoop()
        self.server = CoapUdp6.Context(binds=['[::1]:0'], is_server=True)
        self.server.init(None)
        self.server.add_resource('hello', Hello())
        self.port = self.server.props.local_port
        self.assertNotEqual(self.port, 0)

    def request(self, client, port=None):
        message = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.GET)
        message.set_request_uri('coap://[::1]:%d/hello' % (port or self.port))
        result = {}

        def done(ctx, res):
            try:
                result['response'] = ctx.request_finish(res)
            except GLib.Error as e:
                result['error'] = e
            self.loop.quit()
        client.request_async(message, None, done)
        guard = GLib.timeout_add(5000, self.loop.quit)
        self.loop.run()
        GLib.source_remove(guard)
        self.assertTrue(result, 'the request did not finish')
        return result

    def assert_hello(self, client, port=None):
        result = self.request(client, port)
        self.assertNotIn('error', result)
        response = result['response']
        self.assertEqual(response.get_code(), CoapUdp6.Code.CONTENT)
        self.assertEqual(bytes(response.get_payload().get_data()), b'hello')

    def test_plain_constructor_round_trip(self):
        client = CoapUdp6.Context()
        # PyGObject 3.42 does not call init(): the socket opens on first use.
        self.assertEqual(client.props.local_port, 0)
        self.assert_hello(client)
        self.assertNotEqual(client.props.local_port, 0)
        self.assert_hello(client)

    def test_binds_property(self):
        server = CoapUdp6.Context(binds=['127.0.0.1:0'], is_server=True)
        self.assertEqual(list(server.props.binds), ['127.0.0.1:0'])
        self.assertTrue(server.init(None))
        server.add_resource('hello', Hello())
        message = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.GET)
        message.set_request_uri('coap://127.0.0.1:%d/hello' % server.props.local_port)
        result = {}

        def done(ctx, res):
            result['response'] = ctx.request_finish(res)
            self.loop.quit()
        CoapUdp6.Context().request_async(message, None, done)
        guard = GLib.timeout_add(5000, self.loop.quit)
        self.loop.run()
        GLib.source_remove(guard)
        self.assertEqual(result['response'].get_code(), CoapUdp6.Code.CONTENT)

    def test_address_in_use(self):
        taken = '[::1]:%d' % self.port
        with self.assertRaises(GLib.Error) as caught:
            CoapUdp6.Context.new_server([taken], None)
        self.assertTrue(caught.exception.matches(Gio.io_error_quark(),
                                                 Gio.IOErrorEnum.ADDRESS_IN_USE))
        second = CoapUdp6.Context(binds=[taken], is_server=True)
        with self.assertRaises(GLib.Error) as caught:
            second.init(None)
        self.assertTrue(caught.exception.matches(Gio.io_error_quark(),
                                                 Gio.IOErrorEnum.ADDRESS_IN_USE))
        # A request from it reports the same error instead of crashing.
        error = self.request(second)['error']
        self.assertTrue(error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.ADDRESS_IN_USE))

    def test_reuse_port(self):
        first = CoapUdp6.Context(binds=['[::1]:0'], is_server=True, reuse_port=True)
        first.init(None)
        port = first.props.local_port
        second = CoapUdp6.Context(binds=['[::1]:%d' % port], is_server=True, reuse_port=True)
        second.init(None)
        self.assertEqual(second.props.local_port, port)

    def test_multicast_interface_not_found(self):
        context = CoapUdp6.Context(binds=['[::1]:0'], is_server=True,
                                   multicast_interfaces=[NO_SUCH_INTERFACE])
        with self.assertRaises(GLib.Error) as caught:
            context.init(None)
        self.assertTrue(caught.exception.matches(Gio.io_error_quark(),
                                                 Gio.IOErrorEnum.NOT_FOUND))
        self.assertIn(NO_SUCH_INTERFACE, caught.exception.message)
        with self.assertRaises(GLib.Error):
            CoapUdp6.Context.new_server(['[::1]:0'], [NO_SUCH_INTERFACE])

    def test_server_tool_unknown_multicast_interface(self):
        tool = os.path.join(os.environ.get('COAP_UDP6_BUILDDIR', ''), 'examples',
                            'coap-udp6-server')
        if not os.access(tool, os.X_OK):
            self.skipTest('coap-udp6-server was not built')
        done = subprocess.run([tool, '--bind', '[::1]:0', '--multicast', NO_SUCH_INTERFACE],
                              capture_output=True, text=True, timeout=30)
        self.assertEqual(done.returncode, 2)
        self.assertIn(NO_SUCH_INTERFACE, done.stderr)
        self.assertIn('no such interface', done.stderr)


if __name__ == '__main__':
    unittest.main()
