#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Calls a Python script can make that once crashed or hung the process:
each now gets an exception, a critical or a defined answer."""

import os
import socket
import tempfile
import time
import unittest

import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, Gio, GLib

from test_contracts import run_survivor


def iterate_until(condition, timeout=5.0):
    ctx = GLib.MainContext.default()
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        ctx.iteration(False) or time.sleep(0.002)
    return condition()


class HandlerTest(unittest.TestCase):
    def setUp(self):
        self.server = CoapUdp6.Context.new_server(['[::1]:0'], None)
        self.client = CoapUdp6.Context.new_client()
        self.uri = 'coap://[::1]:%d/r' % self.server.get_local_port()

    def get(self):
        message = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.GET)
        message.set_request_uri(self.uri)
        result = {}

        def done(ctx, res):
            result['response'] = ctx.request_finish(res)
        self.client.request_async(message, None, done)
        self.assertTrue(iterate_until(lambda: result))
        return result['response'].get_code()

    def test_handler_replaces_itself(self):
        # The closure of the running handler was freed under it (SIGSEGV).
        calls = []

        def changed(resource, request, *args):
            request.respond_code(CoapUdp6.Code.CHANGED, None)

        def first(resource, request, *args):
            calls.append('first')
            resource.set_handler(changed)
            request.respond_code(CoapUdp6.Code.CONTENT, 'x')
        self.server.add_resource('r', CoapUdp6.Resource.new_with_handler(first))
        self.assertEqual(self.get(), CoapUdp6.Code.CONTENT)
        self.assertEqual(self.get(), CoapUdp6.Code.CHANGED)
        self.assertEqual(calls, ['first'])

    def test_method_handler_removes_itself(self):
        def once(resource, request, *args):
            resource.set_method_handler(CoapUdp6.Code.GET, None)
            request.respond_code(CoapUdp6.Code.CONTENT, 'x')
        resource = CoapUdp6.Resource()
        resource.set_method_handler(CoapUdp6.Code.GET, once)
        self.server.add_resource('r', resource)
        self.assertEqual(self.get(), CoapUdp6.Code.CONTENT)
        self.assertEqual(self.get(), CoapUdp6.Code.METHOD_NOT_ALLOWED)

    def test_option_not_utf8(self):
        # A peer's Uri-Query that is not UTF-8 broke PyGObject's list
        # cleanup (double free); it comes with U+FFFD instead.
        seen = []

        def handler(resource, request, *args):
            message = request.get_message()
            seen.append((message.get_uri_query(), message.get_uri_path(),
                         [bytes(b.get_data()) for b in
                          message.get_option_values(CoapUdp6.OptionNumber.URI_QUERY)]))
            request.respond_code(CoapUdp6.Code.CONTENT, None)
        self.server.add_resource('a', CoapUdp6.Resource.new_with_handler(handler))
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as peer:
            # CON GET, Uri-Path "a", Uri-Query ff fe
            peer.sendto(b'\x40\x01\x00\x01\xb1a\x42\xff\xfe', ('::1', self.server.get_local_port()))
            self.assertTrue(iterate_until(lambda: seen))
        self.assertEqual(seen[0], (['\ufffd\ufffd'], ['a'], [b'\xff\xfe']))


class ObjectsTest(unittest.TestCase):
    def test_bare_observation(self):
        observation = CoapUdp6.Observation()
        self.assertFalse(observation.props.active)
        self.assertTrue(observation.get_error().matches(Gio.io_error_quark(),
                                                        Gio.IOErrorEnum.NOT_INITIALIZED))
        observation.forget()
        done = []
        observation.cancel_async(None, lambda o, res: done.append(o.cancel_finish(res)))
        self.assertTrue(iterate_until(lambda: done))
        self.assertEqual(done, [True])
        del observation

    def test_special_files(self):
        credentials = CoapUdp6.Credentials.new()
        with tempfile.TemporaryDirectory() as directory:
            fifo = os.path.join(directory, 'fifo')
            os.mkfifo(fifo)
            for path in ('/dev/zero', fifo, directory):
                start = time.monotonic()
                with self.assertRaises(GLib.Error) as caught:
                    credentials.load_psk_file(path)
                code = GLib.FileError.ISDIR if path == directory else GLib.FileError.FAILED
                self.assertTrue(caught.exception.matches(GLib.file_error_quark(), code),
                                caught.exception)
                self.assertLess(time.monotonic() - start, 5)

    def test_empty_socket_address(self):
        # Criticals, in a child (run_survivor()).
        script = '''
import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, Gio
try:
    CoapUdp6.EndpointAddress.new(Gio.InetSocketAddress(), None, None)
except TypeError:
    pass  # the constructor returned NULL
CoapUdp6.EndpointAddress(sockaddr=Gio.InetSocketAddress())
print('survived')
'''
        run_survivor(self, script)


if __name__ == '__main__':
    unittest.main()
