#!/usr/bin/python3
# test_transport.py: a CoapUdp6MessageManager implemented in Python drives
# message interfaces on a GLib.MainLoop over loopback
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import socket
import unittest

import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, Gio, GLib, GObject  # noqa: E402


class Manager(GObject.Object, CoapUdp6.MessageManager):
    def __init__(self, on_message=None, on_error=None):
        super().__init__()
        self.messages = []
        self.errors = []
        self.on_message = on_message
        self.on_error = on_error

    def do_dispatch_message(self, message):
        self.messages.append(message)
        if self.on_message:
            self.on_message(message)

    def do_dispatch_error(self, error, remote):
        self.errors.append((error, remote))
        if self.on_error:
            self.on_error(error, remote)


def closed_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


class TransportTest(unittest.TestCase):
    def setUp(self):
        self.loop = GLib.MainLoop()
        self.timeout = GLib.timeout_add(5000, self.fail_timeout)
        self.timed_out = False

    def tearDown(self):
        GLib.source_remove(self.timeout)

    def fail_timeout(self):
        self.timed_out = True
        self.loop.quit()
        return GLib.SOURCE_REMOVE

    def run_loop(self):
        self.loop.run()
        self.assertFalse(self.timed_out, 'timed out')

    def determine(self, interface, unresolved):
        message = CoapUdp6.Message.new(CoapUdp6.MessageType.CON,
                                       CoapUdp6.Code.GET)
        message.set_unresolved_remote(unresolved)
        out = []

        def done(source, result):
            out.append(source.determine_remote_finish(result))
            self.loop.quit()
        interface.determine_remote_async(message, None, done)
        self.run_loop()
        return out[0]

    def test_exchange(self):
        def server_got(message):
            remote = message.get_remote()
            self.server_remote = remote
            reply = CoapUdp6.Message.new(CoapUdp6.MessageType.ACK,
                                         CoapUdp6.Code.CONTENT)
            reply.set_mid(message.get_mid())
            reply.set_token(message.get_token().get_data())
            reply.set_payload(b'hello')
            reply.set_remote(remote.as_response_address())
            server.send(reply)

        server_manager = Manager(on_message=server_got)
        client_manager = Manager(on_message=lambda m: self.loop.quit())
        server = CoapUdp6.MessageInterface.new_server(server_manager,
                                                      '127.0.0.1:0', None)
        client = CoapUdp6.MessageInterface.new_client(client_manager)
        port = server.get_local_port()
        self.assertGreater(port, 0)
        self.assertEqual(server.props.local_port, port)
        remote = self.determine(client, '127.0.0.1:%d' % port)
        self.assertEqual(remote.get_hostinfo(), '127.0.0.1:%d' % port)

        request = CoapUdp6.Message.new(CoapUdp6.MessageType.CON,
                                       CoapUdp6.Code.GET)
        request.set_mid(77)
        request.set_token(b'\x01\x02')
        request.set_remote(remote)
        client.send(request)
        self.run_loop()

        self.assertEqual(len(server_manager.messages), 1)
        self.assertEqual(len(client_manager.messages), 1)
        reply = client_manager.messages[0]
        self.assertEqual(reply.get_payload().get_data(), b'hello')
        self.assertEqual(reply.get_remote().get_hostinfo(),
                         '127.0.0.1:%d' % port)
        self.assertEqual(self.server_remote.get_hostinfo_local(),
                         '127.0.0.1:%d' % port)
        self.assertEqual(server.props.datagrams_received, 1)
        self.assertEqual(client_manager.errors, [])

    def test_icmp_error(self):
        manager = Manager(on_error=lambda e, r: self.loop.quit())
        client = CoapUdp6.MessageInterface.new_client(manager)
        port = closed_port()
        remote = self.determine(client, '127.0.0.1:%d' % port)
        message = CoapUdp6.Message.new(CoapUdp6.MessageType.CON,
                                       CoapUdp6.Code.GET)
        message.set_remote(remote)
        client.send(message)
        self.run_loop()
        self.assertEqual(len(manager.errors), 1)
        error, where = manager.errors[0]
        self.assertTrue(error.matches(Gio.io_error_quark(),
                                      Gio.IOErrorEnum.CONNECTION_REFUSED))
        self.assertIn('received through errqueue', error.message)
        self.assertTrue(CoapUdp6.EndpointAddress.equal(where, remote))

    def test_construct_and_init(self):
        manager = Manager()
        interface = CoapUdp6.MessageInterface(manager=manager,
                                              bind='[::]:0', is_server=True)
        self.assertEqual(interface.get_local_port(), 0)
        self.assertTrue(interface.init(None))
        self.assertGreater(interface.get_local_port(), 0)
        self.assertIs(interface.get_manager(), manager)

    def test_new_server_async(self):
        manager = Manager()
        out = []

        def done(source, result):
            out.append(CoapUdp6.MessageInterface.new_server_finish(result))
            self.loop.quit()
        CoapUdp6.MessageInterface.new_server_async(manager, 'localhost:0',
                                                   None, None, done)
        self.run_loop()
        self.assertGreater(out[0].get_local_port(), 0)
        done_flag = []

        def shut(source, result):
            done_flag.append(source.shutdown_finish(result))
            self.loop.quit()
        out[0].shutdown_async(None, shut)
        self.run_loop()
        self.assertEqual(done_flag, [True])

    def test_bind_error(self):
        manager = Manager()
        with self.assertRaises(GLib.Error) as ctx:
            CoapUdp6.MessageInterface.new_server(manager, '[fe80::1]:0', None)
        self.assertEqual(ctx.exception.domain,
                         GLib.quark_to_string(CoapUdp6.error_quark()))

    def test_pktinfo_and_extended_err(self):
        address = Gio.InetAddress.new_from_string('127.0.0.1')
        pktinfo = CoapUdp6.Pktinfo.new(address, 1)
        self.assertEqual(len(pktinfo.to_bytes().get_data()), 20)
        ee = CoapUdp6.SockExtendedErr.load(GLib.Bytes.new(
            (111).to_bytes(4, 'little') + bytes([2, 3, 3, 0]) + bytes(8)))
        self.assertEqual(ee.ee_errno, 111)
        self.assertEqual(ee.ee_origin, 2)
        self.assertTrue(ee.is_icmp())


if __name__ == '__main__':
    unittest.main()
