#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A caller's mistakes from Python: a raising do_render, a deferred
response, a request that cannot be sent, a result given to the wrong
finish."""

import os
import subprocess
import sys
import time
import unittest

import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, GLib


class Raising(CoapUdp6.Resource):
    def do_render(self, request):
        raise RuntimeError('this handler is broken (expected by the test)')


class Deferring(CoapUdp6.Resource):
    def do_render(self, request):
        request.defer()

        def answer():
            request.respond_code(CoapUdp6.Code.CONTENT, 'later')
            return GLib.SOURCE_REMOVE
        GLib.timeout_add(30, answer)


def run_survivor(test, script):
    """Runs @script in a child that must print 'survived' after at least
    one critical (a child, so that G_DEBUG=fatal-criticals cannot end the
    test's process); returns its standard error."""
    env = dict(os.environ)
    env['G_DEBUG'] = 'gc-friendly'
    child = subprocess.run([sys.executable, '-c', script], env=env, timeout=30,
                           capture_output=True, text=True)
    test.assertEqual(child.returncode, 0, child.stderr)
    test.assertIn('survived', child.stdout)
    test.assertIn('CRITICAL', child.stderr)
    return child.stderr


class ContractsTest(unittest.TestCase):
    def setUp(self):
        self.loop = GLib.MainLoop()
        self.server = CoapUdp6.Context.new_server(['[::1]:0'], None)
        self.server.add_resource('raise', Raising())
        self.server.add_resource('defer', Deferring())
        self.client = CoapUdp6.Context.new_client()
        self.port = self.server.get_local_port()

    def request(self, path, mtype=CoapUdp6.MessageType.CON, code=CoapUdp6.Code.GET):
        message = CoapUdp6.Message.new(mtype, code)
        message.set_request_uri('coap://[::1]:%d/%s' % (self.port, path))
        result = {}

        def done(ctx, res):
            try:
                result['response'] = ctx.request_finish(res)
            except GLib.Error as e:
                result['error'] = e
            self.loop.quit()
        self.client.request_async(message, None, done)
        guard = GLib.timeout_add(5000, self.loop.quit)
        self.loop.run()
        GLib.source_remove(guard)
        return result

    def test_raising_render_gets_500_at_once(self):
        start = time.monotonic()
        result = self.request('raise')
        elapsed = time.monotonic() - start
        self.assertIn('response', result)
        self.assertEqual(result['response'].get_code(), CoapUdp6.Code.INTERNAL_SERVER_ERROR)
        # Piggybacked, not an empty ACK and a wait for a separate response.
        self.assertEqual(result['response'].get_mtype(), CoapUdp6.MessageType.ACK)
        self.assertLess(elapsed, 0.5)

    def test_deferred_response(self):
        result = self.request('defer')
        response = result['response']
        self.assertEqual(response.get_code(), CoapUdp6.Code.CONTENT)
        self.assertEqual(bytes(response.get_payload().get_data()), b'later')
        # A separate response: the request was acknowledged first.
        self.assertEqual(response.get_mtype(), CoapUdp6.MessageType.CON)

    def test_request_that_cannot_be_sent(self):
        for mtype, code in ((CoapUdp6.MessageType.RST, CoapUdp6.Code.GET),
                            (CoapUdp6.MessageType.ACK, CoapUdp6.Code.GET),
                            (CoapUdp6.MessageType.CON, CoapUdp6.Code.CONTENT)):
            start = time.monotonic()
            result = self.request('defer', mtype, code)
            self.assertLess(time.monotonic() - start, 0.5)
            self.assertNotIn('response', result)
            self.assertTrue(result['error'].matches(CoapUdp6.error_quark(),
                                                    CoapUdp6.Error.INVALID_MESSAGE))

    def test_wrong_finish_does_not_crash(self):
        # In a child: a critical may abort under G_DEBUG=fatal-criticals.
        script = '''
import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, GLib
server = CoapUdp6.Context.new_server(['[::1]:0'], None)
client = CoapUdp6.Context.new_client()
message = CoapUdp6.Message.new(CoapUdp6.MessageType.NON, CoapUdp6.Code.GET)
message.set_request_uri('coap://[::1]:%d/nothing' % server.get_local_port())
loop = GLib.MainLoop()
out = {}
def done(ctx, res):
    out['wrong'] = ctx.request_multicast_finish(res)
    out['right'] = ctx.request_finish(res)
    loop.quit()
client.request_async(message, None, done)
GLib.timeout_add(5000, loop.quit)
loop.run()
assert not out['wrong'], out  # NULL: PyGObject gives an empty list
assert out['right'].get_code() == CoapUdp6.Code.NOT_FOUND, out
print('survived')
'''
        stderr = run_survivor(self, script)
        self.assertIn('source_tag', stderr)


if __name__ == '__main__':
    unittest.main()
