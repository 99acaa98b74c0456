#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A Python CoapUdp6.Resource subclass served by a context, requested async."""

import unittest

import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, Gio, GLib


class Greeter(CoapUdp6.Resource):
    def __init__(self):
        super().__init__(resource_type='greeting', title='Greeter')
        self.calls = 0

    def do_render(self, request):
        self.calls += 1
        message = request.get_message()
        if message.get_code() != CoapUdp6.Code.GET:
            request.respond_code(CoapUdp6.Code.METHOD_NOT_ALLOWED, None)
            return
        response = CoapUdp6.Message.new(CoapUdp6.MessageType.ACK, CoapUdp6.Code.CONTENT)
        response.set_payload(b'hi from python')
        request.respond(response)


class Later(CoapUdp6.Resource):
    def do_render(self, request):
        def answer():
            request.respond_code(CoapUdp6.Code.CONTENT, 'later')
            return GLib.SOURCE_REMOVE
        request.defer()
        GLib.timeout_add(30, answer)


class Echo(CoapUdp6.Resource):
    def do_render(self, request):
        payload = request.get_message().get_payload()
        if payload.get_size() > 0:
            request.respond_payload(CoapUdp6.Code.CONTENT, payload, 42)
        else:
            request.respond_payload(CoapUdp6.Code.CHANGED, None, -1)


class Failing(CoapUdp6.Resource):
    def do_render(self, request):
        request.fail(GLib.Error.new_literal(Gio.io_error_quark(), 'broken handler', 0))


class ContextTest(unittest.TestCase):
    def setUp(self):
        self.loop = GLib.MainLoop()
        self.server = CoapUdp6.Context.new_server(['[::1]:0'], None)
        self.server.props.ack_timeout = 0.05
        self.greeter = Greeter()
        self.server.add_resource('greet', self.greeter)
        self.server.add_resource('later', Later())
        self.server.add_resource('fail', Failing())
        self.server.add_resource('echo', Echo())
        self.client = CoapUdp6.Context.new_client()
        self.client.props.ack_timeout = 0.05
        self.client.props.max_retransmit = 1
        self.port = self.server.get_local_port()

    def request(self, path, code=CoapUdp6.Code.GET, cancellable=None, port=None,
                payload=None):
        message = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, code)
        message.set_request_uri('coap://[::1]:%d/%s' % (port or self.port, path))
        if payload is not None:
            message.set_payload(payload)
        result = {}

        def done(ctx, res):
            try:
                result['response'] = ctx.request_finish(res)
            except GLib.Error as e:
                result['error'] = e
            self.loop.quit()
        self.client.request_async(message, cancellable, done)
        GLib.timeout_add(5000, self.loop.quit)
        self.loop.run()
        return result

    def payload(self, response):
        return bytes(response.get_payload().get_data() or b'')

    def test_subclass_served(self):
        result = self.request('greet')
        response = result['response']
        self.assertEqual(response.get_code(), CoapUdp6.Code.CONTENT)
        self.assertEqual(self.payload(response), b'hi from python')
        self.assertEqual(self.greeter.calls, 1)

    def test_method_not_allowed_and_not_found(self):
        self.assertEqual(self.request('greet', CoapUdp6.Code.POST)['response'].get_code(),
                         CoapUdp6.Code.METHOD_NOT_ALLOWED)
        self.assertEqual(self.request('nothing')['response'].get_code(), CoapUdp6.Code.NOT_FOUND)

    def test_respond_payload(self):
        for payload in (b'abc', None, b'second', None):
            response = self.request('echo', CoapUdp6.Code.POST,
                                    payload=payload)['response']
            if payload:
                self.assertEqual(response.get_code(), CoapUdp6.Code.CONTENT)
                self.assertEqual(self.payload(response), payload)
                self.assertEqual(response.get_content_format(), (True, 42))
            else:
                self.assertEqual(response.get_code(), CoapUdp6.Code.CHANGED)
                self.assertEqual(self.payload(response), b'')
                self.assertEqual(response.get_content_format(), (False, 0))

    def test_kept_requests_stay_their_own(self):
        kept = []

        class Collect(CoapUdp6.Resource):
            def do_render(self, request):
                request.defer()
                kept.append(request)
        self.server.add_resource('collect', Collect())
        results = {}
        clients = [CoapUdp6.Context.new_client() for _ in range(3)]
        for i, client in enumerate(clients):
            message = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.POST)
            message.set_request_uri('coap://[::1]:%d/collect' % self.port)
            message.set_payload(b'request %d' % i)
            client.request_async(message, None,
                                 lambda c, r, i=i: results.update({i: c.request_finish(r)}))
        context = GLib.MainContext.default()
        while len(kept) < 3:
            context.iteration(True)
        self.assertEqual(len({id(r) for r in kept}), 3)
        for request in reversed(kept):
            request.respond_payload(CoapUdp6.Code.CONTENT,
                                    request.get_message().get_payload(), 0)
        while len(results) < 3:
            context.iteration(True)
        for i, response in results.items():
            self.assertEqual(self.payload(response), b'request %d' % i)

    def test_separate_response(self):
        response = self.request('later')['response']
        self.assertEqual(self.payload(response), b'later')

    def test_failing_handler(self):
        response = self.request('fail')['response']
        self.assertEqual(response.get_code(), CoapUdp6.Code.INTERNAL_SERVER_ERROR)
        self.assertEqual(self.payload(response), b'broken handler')

    def test_well_known_core(self):
        response = self.request('.well-known/core?rt=greeting')['response']
        self.assertEqual(self.payload(response), b'</greet>;rt="greeting";title="Greeter"')

    def test_error_domain(self):
        self.server.remove_resource('greet')
        del self.server
        error = self.request('greet', port=self.port)['error']
        self.assertTrue(error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CONNECTION_REFUSED) or
                        error.matches(CoapUdp6.error_quark(), CoapUdp6.Error.TIMEOUT))

    def test_transmission_parameters(self):
        client = CoapUdp6.Context.new_client()
        self.assertEqual(client.props.ack_timeout, 2.0)
        self.assertEqual(client.props.max_retransmit, 4)
        self.assertEqual(client.props.nstart, 1)
        self.assertAlmostEqual(client.props.max_transmit_span, 45.0)
        self.assertAlmostEqual(client.props.exchange_lifetime, 247.0)
        client.props.max_latency = 1.0
        self.assertAlmostEqual(client.props.exchange_lifetime, 49.0)

    def test_limits_and_statistics(self):
        self.assertEqual(self.server.props.max_dedup_entries, 8192)
        self.assertEqual(self.server.props.max_dedup_entries_per_remote, 1024)
        self.assertEqual(self.server.props.max_pending_requests, 1024)
        self.assertEqual(self.server.props.max_dedup_bytes, 8 * 1024 * 1024)
        self.server.props.max_pending_requests = 1
        pending = []

        class Keep(CoapUdp6.Resource):
            def do_render(self, request):
                request.defer()
                pending.append(request)
        self.server.add_resource('keep', Keep())
        self.client.props.max_retransmit = 0
        first = {}
        message = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.GET)
        message.set_request_uri('coap://[::1]:%d/keep' % self.port)
        self.client.request_async(message, None, lambda c, r: first.update(r=r))
        context = GLib.MainContext.default()
        while not pending:
            context.iteration(True)
        # Another client: NSTART 1 queues this one's next request behind /keep.
        self.client, keeper = CoapUdp6.Context.new_client(), self.client
        busy = self.request('greet')['response']
        self.client = keeper
        self.assertEqual(busy.get_code(), CoapUdp6.Code.SERVICE_UNAVAILABLE)
        self.assertEqual(busy.get_max_age(), (True, 1))
        stat = self.server.get_statistic
        self.assertEqual(stat(CoapUdp6.Statistic.REQUESTS_REJECTED), 1)
        self.assertEqual(stat(CoapUdp6.Statistic.PENDING_REQUESTS), 1)
        self.assertEqual(stat(CoapUdp6.Statistic.REQUESTS_HANDLED), 1)
        self.assertEqual(stat(CoapUdp6.Statistic.DATAGRAMS_RECEIVED), 2)
        # The 5.03 piggybacked on an ACK is not cached; the empty ACK of /keep is.
        self.assertEqual(stat(CoapUdp6.Statistic.DEDUP_ENTRIES), 1)
        self.assertEqual(stat(CoapUdp6.Statistic.DEDUP_BYTES), 4)
        self.assertGreaterEqual(self.client.get_statistic(CoapUdp6.Statistic.EXCHANGES), 1)
        pending.pop().respond_code(CoapUdp6.Code.CONTENT, 'done')
        while 'r' not in first:
            context.iteration(True)
        self.assertEqual(self.client.request_finish(first['r']).get_payload().get_data(), b'done')

    def test_cancellation(self):
        cancellable = Gio.Cancellable()
        silent = Gio.Socket.new(Gio.SocketFamily.IPV6, Gio.SocketType.DATAGRAM,
                                Gio.SocketProtocol.UDP)
        silent.bind(Gio.InetSocketAddress.new_from_string('::1', 0), False)
        # Cancelled once the request has left (the peer never answers).
        GLib.io_add_watch(silent.get_fd(), GLib.PRIORITY_DEFAULT, GLib.IOCondition.IN,
                          lambda *args: cancellable.cancel() or GLib.SOURCE_REMOVE)
        error = self.request('x', cancellable=cancellable,
                             port=silent.get_local_address().get_port())['error']
        self.assertTrue(error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED))

    def test_message_watches_trace_both_sides(self):
        seen = {}
        for name, context in (('client', self.client), ('server', self.server)):
            seen[name, True] = []
            seen[name, False] = []
            context.add_message_watch(
                lambda ctx, m, sent, name: seen[name, sent].append(m), name)
        response = self.request('greet')['response']
        self.assertEqual(self.payload(response), b'hi from python')
        [request] = seen['client', True]
        [arrived] = seen['server', False]
        [ack] = seen['server', True]
        [answer] = seen['client', False]
        self.assertEqual(request.get_code(), CoapUdp6.Code.GET)
        self.assertEqual(request.get_uri_path(), ['greet'])
        self.assertEqual(request.get_remote().get_sockaddr().get_port(), self.port)
        for a, b in ((request, arrived), (ack, answer)):
            self.assertEqual((a.get_mtype(), a.get_code(), a.get_mid()),
                             (b.get_mtype(), b.get_code(), b.get_mid()))
            self.assertEqual(a.get_token().get_data(), b.get_token().get_data())
        self.assertEqual(ack.get_mtype(), CoapUdp6.MessageType.ACK)
        self.assertEqual(ack.get_mid(), request.get_mid())
        self.assertEqual(self.payload(ack), b'hi from python')

    def test_message_watch_may_shut_down_and_remove_itself(self):
        sent = []

        def watch(ctx, message, is_sent, _):
            if is_sent:
                sent.append(message)
            else:
                ctx.shutdown_async(None, None)
                ctx.remove_message_watch(watch_id)
        watch_id = self.server.add_message_watch(watch, None)
        self.assertIn('error', self.request('greet'))
        self.assertEqual(sent, [])
        self.assertEqual(self.greeter.calls, 0)

if __name__ == '__main__':
    unittest.main()
