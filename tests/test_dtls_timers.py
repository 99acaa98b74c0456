#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""DTLS handshake retransmission and expiry from Python, on a frozen clock
moved by Context.advance_clock(): nothing here waits for the time it tests."""

import socket
import time
import unittest

import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, Gio, GLib

KEY = b'secretPSK'
RECORD_HEADER = 13
HANDSHAKE = 22
CLIENT_HELLO, SERVER_HELLO, HELLO_VERIFY_REQUEST = 1, 2, 3


def iterate_until(condition, timeout=5.0):
    ctx = GLib.MainContext.default()
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        ctx.iteration(False) or time.sleep(0.002)
    return condition()


def raw_socket():
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind(('::1', 0))
    s.setblocking(False)
    return s


def receive(sock, timeout):
    """The next datagram and its sender within @timeout s of the main loop,
    or (None, None)."""
    got = []

    def poll():
        try:
            got.append(sock.recvfrom(4096))
        except BlockingIOError:
            pass
        return got
    if iterate_until(poll, timeout):
        return got[0]
    return None, None


def drain(sock, quiet=0.1):
    """Every datagram arriving within @quiet s of the previous one."""
    datagrams = []
    while True:
        data, _ = receive(sock, quiet)
        if data is None:
            return datagrams
        datagrams.append(data)


def handshake_type(datagram):
    assert datagram[0] == HANDSHAKE, datagram[:1]
    return datagram[RECORD_HEADER]


def psk_client(timeout=None):
    client = CoapUdp6.Context.new_client()
    creds = CoapUdp6.Credentials.new()
    creds.set_psk('alice', GLib.Bytes.new(KEY))
    client.props.credentials = creds
    if timeout is not None:
        client.props.dtls_handshake_timeout = timeout
    return client


def start_request(client, port, cancellable=None):
    message = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.GET)
    message.set_request_uri('coaps://[::1]:%d/hello' % port)
    result = {}

    def done(ctx, res):
        try:
            result['response'] = ctx.request_finish(res)
        except GLib.Error as e:
            result['error'] = e
    client.request_async(message, cancellable, done)
    return result


@unittest.skipUnless(CoapUdp6.Credentials.is_supported(), 'built without GnuTLS')
class HandshakeTimers(unittest.TestCase):
    def test_client_retransmits_then_times_out(self):
        silent = raw_socket()
        self.addCleanup(silent.close)
        client = psk_client(timeout=5.0)
        client.freeze_clock()
        result = start_request(client, silent.getsockname()[1])

        hello, _ = receive(silent, 5.0)
        self.assertIsNotNone(hello)
        self.assertEqual(handshake_type(hello), CLIENT_HELLO)
        self.assertEqual(client.run_due_timers(), 0)
        client.advance_clock(0.9)
        self.assertEqual(drain(silent), [])
        client.advance_clock(0.1)
        again = drain(silent)
        self.assertEqual(len(again), 1)
        # The same ClientHello, in a record of a later sequence number.
        self.assertEqual(again[0][RECORD_HEADER:], hello[RECORD_HEADER:])
        self.assertGreater(again[0][5:11], hello[5:11])
        client.advance_clock(1.9)
        self.assertEqual(drain(silent), [])
        client.advance_clock(0.1)
        self.assertEqual(len(drain(silent)), 1)
        client.advance_clock(1.9)
        iterate_until(lambda: result, 0.05)
        self.assertEqual(result, {})
        client.advance_clock(0.1)
        self.assertTrue(iterate_until(lambda: result))
        self.assertTrue(result['error'].matches(CoapUdp6.error_quark(), CoapUdp6.Error.TIMEOUT),
                        result['error'].message)
        client.advance_clock(120)
        self.assertEqual(drain(silent), [])

    def test_server_forgets_half_open_handshake(self):
        creds = CoapUdp6.Credentials.new()
        creds.add_psk('alice', GLib.Bytes.new(KEY))
        server = CoapUdp6.Context(binds=['coaps://[::1]:0'], is_server=True, credentials=creds,
                                  max_dtls_handshakes=1, dtls_handshake_timeout=5.0)
        server.init(None)
        server.add_resource('hello', CoapUdp6.Resource.new_with_handler(
            lambda resource, request: request.respond_payload(
                CoapUdp6.Code.CONTENT, GLib.Bytes.new(b'hi'), 0)))
        server.freeze_clock()
        server_address = ('::1', server.get_local_port())

        # A client that gets through the cookie exchange, then hears nothing.
        client_side, server_side = raw_socket(), raw_socket()
        self.addCleanup(client_side.close)
        self.addCleanup(server_side.close)
        cancellable = Gio.Cancellable()
        stalled = psk_client()
        stalled_result = start_request(stalled, client_side.getsockname()[1], cancellable)
        hello, stalled_address = receive(client_side, 5.0)
        self.assertEqual(handshake_type(hello), CLIENT_HELLO)
        server_side.sendto(hello, server_address)
        verify, _ = receive(server_side, 5.0)
        self.assertEqual(handshake_type(verify), HELLO_VERIFY_REQUEST)
        client_side.sendto(verify, stalled_address)
        hello, _ = receive(client_side, 5.0)
        self.assertEqual(handshake_type(hello), CLIENT_HELLO)
        server_side.sendto(hello, server_address)
        flight = drain(server_side, 0.2)
        self.assertGreater(len(flight), 0)
        self.assertEqual(handshake_type(flight[0]), SERVER_HELLO)

        server.advance_clock(0.9)
        self.assertEqual(drain(server_side), [])
        server.advance_clock(0.1)
        flight = drain(server_side, 0.2)
        self.assertGreater(len(flight), 0)
        self.assertEqual(handshake_type(flight[0]), SERVER_HELLO)
        server.advance_clock(4.0)
        # Gone at 5 s: the one handshake place is free for a new client.
        server.advance_clock(60)
        self.assertEqual([d for d in drain(server_side) if d[RECORD_HEADER] == SERVER_HELLO], [])
        result = start_request(psk_client(), server.get_local_port())
        self.assertTrue(iterate_until(lambda: result, 10.0))
        self.assertNotIn('error', result)
        self.assertEqual(result['response'].get_payload().get_data(), b'hi')

        cancellable.cancel()
        self.assertTrue(iterate_until(lambda: stalled_result))
        self.assertTrue(stalled_result['error'].matches(Gio.io_error_quark(),
                                                        Gio.IOErrorEnum.CANCELLED))


if __name__ == '__main__':
    unittest.main()
