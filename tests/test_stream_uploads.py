#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Resource:stream-uploads from Python: a handler reads a block-wise upload
from Request.get_body_stream() as the blocks arrive and responds at the
end."""

import unittest

import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, GLib


class StreamingSink(CoapUdp6.Resource):
    def __init__(self):
        super().__init__(stream_uploads=True)
        self.chunks = []
        self.calls = 0

    def do_render(self, request):
        self.calls += 1
        stream = request.get_body_stream()
        request.defer()

        def on_read(source, result):
            data = source.read_bytes_finish(result).get_data()
            if data:
                self.chunks.append(bytes(data))
                source.read_bytes_async(4096, GLib.PRIORITY_DEFAULT, None, on_read)
                return
            total = sum(len(c) for c in self.chunks)
            request.respond_payload(CoapUdp6.Code.CHANGED, GLib.Bytes.new(b'%d' % total), 0)
        stream.read_bytes_async(4096, GLib.PRIORITY_DEFAULT, None, on_read)


class StreamUploads(unittest.TestCase):
    def test_stream(self):
        server = CoapUdp6.Context.new_server(['[::1]:0'], None)
        sink = StreamingSink()
        self.assertTrue(sink.props.stream_uploads)
        server.add_resource('sink', sink)
        client = CoapUdp6.Context.new_client()
        body = bytes((i * 7 + i // 251) % 256 for i in range(30000))
        message = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.PUT)
        message.set_request_uri('coap://[::1]:%d/sink' % server.get_local_port())
        message.set_payload(body)
        loop = GLib.MainLoop()
        result = {}

        def done(ctx, res):
            result['response'] = ctx.request_finish(res)
            loop.quit()
        client.request_async(message, None, done)
        timeout = GLib.timeout_add(20000, loop.quit)
        loop.run()
        GLib.source_remove(timeout)
        response = result['response']
        self.assertEqual(response.get_code(), CoapUdp6.Code.CHANGED)
        self.assertEqual(bytes(response.get_payload().get_data()), b'30000')
        self.assertEqual(sink.calls, 1)
        self.assertEqual(b''.join(sink.chunks), body)
        # The first read found the first block alone: the handler ran
        # before the rest had arrived.
        self.assertEqual(len(sink.chunks[0]), 1024)


if __name__ == '__main__':
    unittest.main()
