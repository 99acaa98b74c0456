#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Block-wise transfer (RFC 7959) from Python, and with libcoap's client and
server in both roles."""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, Gio, GLib

from test_interop import CLIENT, SERVER, free_port, wait_for_coap_ping

# What coap-udp6-server's /large serves.
LARGE = b''.join(b'%04d abcdefghijklmnopqrstuvwxyz0123456789\n' % i for i in range(100))


def body(length, seed=0):
    return bytes(ord('A') + (i * 7 + i // 251 + seed) % 26 for i in range(length))


class Big(CoapUdp6.Resource):
    def __init__(self, payload):
        super().__init__()
        self.payload = payload
        self.calls = 0

    def do_render(self, request):
        self.calls += 1
        request.respond_payload(CoapUdp6.Code.CONTENT, GLib.Bytes.new(self.payload), 0)


class Store(CoapUdp6.Resource):
    def __init__(self):
        super().__init__()
        self.received = []
        self.remotes = []

    def do_render(self, request):
        payload = request.get_message().get_payload()
        self.received.append(bytes(payload.get_data() or b''))
        self.remotes.append(request.get_remote().get_hostinfo())
        request.respond_payload(CoapUdp6.Code.CHANGED, None, -1)


class OwnBlocks(CoapUdp6.Resource):
    """Serves the blocks of its representation itself: nothing is kept."""

    def __init__(self, payload):
        super().__init__()
        self.payload = payload
        self.asked = []

    def do_render(self, request):
        asked = request.get_message().get_block2()
        num, szx = (asked.get_num(), asked.get_szx()) if asked else (0, 6)
        size = 16 << szx
        self.asked.append((num, szx))
        part = self.payload[num * size:(num + 1) * size]
        response = CoapUdp6.Message.new(CoapUdp6.MessageType.ACK, CoapUdp6.Code.CONTENT)
        response.set_block2(CoapUdp6.BlockOption.new(num, (num + 1) * size < len(self.payload), szx))
        response.add_etag(b'v1')
        response.set_size2(len(self.payload))
        response.set_payload(part)
        request.respond(response)


def request(client, uri, code=CoapUdp6.Code.GET, payload=None, block2_szx=None):
    loop = GLib.MainLoop()
    message = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, code)
    message.set_request_uri(uri)
    if payload is not None:
        message.set_payload(payload)
    if block2_szx is not None:
        message.set_block2(CoapUdp6.BlockOption.new(0, False, block2_szx))
    result = {}

    def done(ctx, res):
        try:
            result['response'] = ctx.request_finish(res)
        except GLib.Error as e:
            result['error'] = e
        loop.quit()
    def on_timeout():
        result['error'] = GLib.Error.new_literal(GLib.quark_from_string('test'), 'no answer', 0)
        loop.quit()
        return GLib.SOURCE_REMOVE
    client.request_async(message, None, done)
    timeout = GLib.timeout_add(20000, on_timeout)
    loop.run()
    if 'response' in result or 'error' in result and result['error'].message != 'no answer':
        GLib.source_remove(timeout)
    if 'error' in result:
        raise AssertionError('request failed: %s' % result['error'].message)
    return result['response']


def payload_of(response):
    return bytes(response.get_payload().get_data() or b'')


class PythonBlockwise(unittest.TestCase):
    def setUp(self):
        self.server = CoapUdp6.Context.new_server(['[::1]:0'], None)
        self.big = Big(body(10 * 1024))
        self.store = Store()
        self.server.add_resource('big', self.big)
        self.server.add_resource('store', self.store)
        self.client = CoapUdp6.Context.new_client()
        self.base = 'coap://[::1]:%d' % self.server.get_local_port()

    def test_python_resource_10k(self):
        response = request(self.client, self.base + '/big')
        self.assertEqual(response.get_code(), CoapUdp6.Code.CONTENT)
        self.assertEqual(payload_of(response), self.big.payload)
        # Blocks after the first come from the kept representation.
        self.assertEqual(self.big.calls, 1)
        self.client.props.block_size = 128
        self.assertEqual(payload_of(request(self.client, self.base + '/big')), self.big.payload)

    def test_handler_serves_blocks(self):
        own = OwnBlocks(body(5000, 2))
        self.server.add_resource('own', own)
        self.assertEqual(payload_of(request(self.client, self.base + '/own')), own.payload)
        self.assertEqual(own.asked, [(0, 6), (1, 6), (2, 6), (3, 6), (4, 6)])
        self.assertEqual(self.server.get_statistic(CoapUdp6.Statistic.BLOCK_ENTRIES), 0)
        # Early negotiation: the handler sees the size the client asks for.
        own.asked = []
        self.client.props.block_size = 256
        self.assertEqual(payload_of(request(self.client, self.base + '/own')), own.payload)
        self.assertEqual(own.asked, [(n, 4) for n in range(20)])

    def test_per_request_block2(self):
        # Early negotiation per request (RFC 7959 §2.4): the request's own
        # Block2 size, from the first block on, whatever block-size says.
        own = OwnBlocks(body(1000, 7))
        self.server.add_resource('own', own)
        self.client.props.block_size = 256
        self.assertEqual(payload_of(request(self.client, self.base + '/own')), own.payload)
        self.assertEqual(own.asked, [(n, 4) for n in range(4)])
        own.asked = []
        self.assertEqual(payload_of(request(self.client, self.base + '/own', block2_szx=2)), own.payload)
        self.assertEqual(own.asked, [(n, 2) for n in range(16)])

    def test_python_upload_10k(self):
        data = body(10 * 1024, 1)
        response = request(self.client, self.base + '/store', CoapUdp6.Code.PUT, data)
        self.assertEqual(response.get_code(), CoapUdp6.Code.CHANGED)
        self.assertEqual(self.store.received, [data])

    def test_uploads_from_several_clients(self):
        # Started together, the uploads interleave at the server; one
        # Request-Tag for all: only the source ports keep them apart.
        clients = [CoapUdp6.Context.new_client() for _ in range(3)]
        datas = [body(5000, 10 + i) for i in range(3)]
        loop = GLib.MainLoop()
        results = {}

        def done(ctx, res, i):
            try:
                results[i] = ctx.request_finish(res)
            except GLib.Error as e:
                results[i] = e
            if len(results) == len(clients):
                loop.quit()
        for i, (client, data) in enumerate(zip(clients, datas)):
            message = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.PUT)
            message.set_request_uri(self.base + '/store')
            message.set_payload(data)
            message.add_request_tag(GLib.Bytes.new(b'same'))
            client.request_async(message, None, done, i)
        timeout = GLib.timeout_add(20000, loop.quit)
        loop.run()
        self.assertEqual(len(results), len(clients))
        GLib.source_remove(timeout)
        for response in results.values():
            self.assertIsInstance(response, CoapUdp6.Message)
            self.assertEqual(response.get_code(), CoapUdp6.Code.CHANGED)
        expected = {'[::1]:%d' % c.get_local_port(): d for c, d in zip(clients, datas)}
        self.assertEqual(dict(zip(self.store.remotes, self.store.received)), expected)
        self.assertEqual(len(self.store.received), len(clients))

    def test_streams_with_progress(self):
        data = body(20000, 6)
        source = Gio.MemoryInputStream.new_from_bytes(GLib.Bytes.new(data))
        sink = Gio.MemoryOutputStream.new_resizable()
        progress = []
        message = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.POST)
        message.set_request_uri(self.base + '/store')
        loop = GLib.MainLoop()
        result = {}

        def done(ctx, res):
            result['response'] = ctx.request_stream_finish(res)
            loop.quit()
        # PyGObject hands progress_data to the callback as extra arguments: a tuple.
        self.client.request_stream_async(message, source, len(data), None,
                                         lambda *args: progress.append(args[:3]),
                                         (), None, done)
        GLib.timeout_add(20000, loop.quit)
        loop.run()
        self.assertEqual(result['response'].get_code(), CoapUdp6.Code.CHANGED)
        self.assertEqual(self.store.received, [data])
        self.assertEqual(progress[-1], (len(data), len(data), True))
        self.assertEqual(len(progress), 20)

        message = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.GET)
        message.set_request_uri(self.base + '/big')
        self.client.request_stream_async(message, None, -1, sink, None, None, None, done)
        loop.run()
        sink.close()
        self.assertEqual(payload_of(result['response']), b'')
        self.assertEqual(sink.steal_as_bytes().get_data(), self.big.payload)

    def test_limits_are_properties(self):
        self.assertEqual(self.server.props.block_size, 1024)
        self.assertEqual(self.server.props.max_body_size, 16 * 1024 * 1024)
        self.server.props.block_size = 100          # rounded down to a power of two
        self.assertEqual(self.server.props.block_size, 64)
        self.assertEqual(self.server.get_statistic(CoapUdp6.Statistic.BLOCK_ENTRIES), 0)


def start_our_server(test):
    proc = subprocess.Popen([SERVER, '--bind', '[::1]:0'], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    match = re.fullmatch(r'listening on port (\d+)\n', line)
    if match is None:
        proc.kill()
        test.fail('coap-udp6-server did not start: %r' % line)
    test.addCleanup(proc.stdout.close)
    test.addCleanup(proc.wait, 5)
    test.addCleanup(proc.terminate)
    return int(match.group(1))


@unittest.skipUnless(os.path.exists(SERVER) and os.path.exists(CLIENT), 'tools not built (-Dexamples=false)')
class OurTools(unittest.TestCase):
    """coap-udp6-client against coap-udp6-server: whole bodies both ways."""

    def test_large_and_echo(self):
        base = 'coap://[::1]:%d' % start_our_server(self)
        for args in ([], ['-b', '32']):
            get = subprocess.run([CLIENT] + args + [base + '/large'], capture_output=True, timeout=30)
            self.assertEqual(get.returncode, 0, get.stderr)
            self.assertEqual(get.stdout.rstrip(b'\n'), LARGE.rstrip(b'\n'))
        data = body(9000, 5)
        with tempfile.NamedTemporaryFile() as f:
            f.write(data)
            f.flush()
            post = subprocess.run([CLIENT, '-b', '512', '-m', 'post', '-f', f.name, base + '/echo'],
                                  capture_output=True, timeout=30)
        self.assertEqual(post.returncode, 0, post.stderr)
        self.assertEqual(post.stdout.rstrip(b'\n'), data)


@unittest.skipUnless(os.path.exists(SERVER), 'tools not built (-Dexamples=false)')
@unittest.skipUnless(shutil.which('coap-client-notls'), 'coap-client-notls missing')
class LibcoapClient(unittest.TestCase):
    """libcoap's client against coap-udp6-server."""

    def run_client(self, *args):
        return subprocess.run(['coap-client-notls', '-B', '10'] + list(args),
                              capture_output=True, timeout=30)

    def test_download_and_upload(self):
        base = 'coap://[::1]:%d' % start_our_server(self)
        for size in ('1024', '64', '16'):
            out = self.run_client('-b', size, base + '/large').stdout
            # coap-client-notls ends its output with a newline of its own.
            self.assertEqual(out.rstrip(b'\n'), LARGE.rstrip(b'\n'))
        data = body(7000, 2)
        with tempfile.NamedTemporaryFile() as f:
            f.write(data)
            f.flush()
            for size in ('1024', '128'):
                out = self.run_client('-b', size, '-m', 'put', '-f', f.name, base + '/echo').stdout
                self.assertEqual(out.rstrip(b'\n'), data)


@unittest.skipUnless(shutil.which('coap-server-notls'), 'coap-server-notls missing')
class LibcoapServer(unittest.TestCase):
    """Our client (the library from Python, and coap-udp6-client) against
    libcoap's server, which stores what is PUT to it (-d)."""

    def setUp(self):
        self.port = free_port()
        self.proc = subprocess.Popen(['coap-server-notls', '-A', '::1', '-p', str(self.port), '-d', '4'],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(self.proc.wait, 5)
        self.addCleanup(self.proc.terminate)
        self.assertTrue(wait_for_coap_ping(self.port))
        self.base = 'coap://[::1]:%d' % self.port

    def test_python_client(self):
        client = CoapUdp6.Context.new_client()
        data = body(4200, 3)
        response = request(client, self.base + '/big', CoapUdp6.Code.PUT, data)
        self.assertTrue(CoapUdp6.code_is_successful(response.get_code()))
        self.assertEqual(payload_of(request(client, self.base + '/big')), data)
        client.props.block_size = 32
        self.assertEqual(payload_of(request(client, self.base + '/big')), data)

    @unittest.skipUnless(os.path.exists(CLIENT), 'tools not built (-Dexamples=false)')
    def test_tool(self):
        data = body(5000, 4)
        with tempfile.NamedTemporaryFile() as f:
            f.write(data)
            f.flush()
            put = subprocess.run([CLIENT, '-b', '256', '-m', 'put', '-f', f.name, self.base + '/tool'],
                                 capture_output=True, timeout=30)
            self.assertEqual(put.returncode, 0, put.stderr)
        get = subprocess.run([CLIENT, self.base + '/tool'], capture_output=True, timeout=30)
        self.assertEqual(get.returncode, 0, get.stderr)
        self.assertEqual(get.stdout.rstrip(b'\n'), data)


if __name__ == '__main__':
    unittest.main()
