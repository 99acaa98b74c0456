#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Observe (RFC 7641) from Python: a Python observable resource observed
through CoapUdp6.Observation, its latest-text bound to another object;
a raw server forging sequence numbers (older ones dropped, the 24-bit
wrap delivered) and notifying a forgotten observation (Reset); the tools
observing each other and libcoap's coap-client-notls and
coap-server-notls over ::1."""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, Gio, GLib, GObject

BUILD = os.environ.get('COAP_UDP6_BUILDDIR', '.')
CLIENT = os.path.join(BUILD, 'examples', 'coap-udp6-client')
SERVER = os.path.join(BUILD, 'examples', 'coap-udp6-server')
LIBCOAP_CLIENT = shutil.which('coap-client-notls')
LIBCOAP_SERVER = shutil.which('coap-server-notls')


class Thermometer(CoapUdp6.Resource):
    def __init__(self):
        super().__init__(observable=True)
        self.degrees = 20

    def do_render(self, request):
        request.respond_payload(CoapUdp6.Code.CONTENT,
                                GLib.Bytes.new(b'%d C' % self.degrees), 0)

    def warm_up(self):
        self.degrees += 1
        self.changed()


class Greeter(CoapUdp6.Resource):
    """Greets each observer by its port when personal, through the
    request message's remote property; counts its renders."""
    def __init__(self, personal):
        super().__init__(observable=True)
        self.personal = personal
        self.renders = 0
        self.round = 0

    def do_render(self, request):
        self.renders += 1
        text = 'hello %d' % self.round
        if self.personal:
            remote = request.get_message().props.remote
            text += ' %d' % remote.get_sockaddr().get_port()
        request.respond_payload(CoapUdp6.Code.CONTENT, GLib.Bytes.new(text.encode()), 0)


class Label(GObject.Object):
    """Stands for a Gtk.Label: a string property to bind to."""
    label = GObject.Property(type=str)


class ObservationTest(unittest.TestCase):
    def setUp(self):
        self.server = CoapUdp6.Context.new_server(['[::1]:0'], None)
        self.thermometer = Thermometer()
        self.server.add_resource('temp', self.thermometer)
        self.client = CoapUdp6.Context.new_client()
        self.context = GLib.MainContext.default()

    def iterate_until(self, condition, timeout=5):
        deadline = time.monotonic() + timeout
        while not condition():
            self.assertLess(time.monotonic(), deadline, 'timed out')
            self.context.iteration(False) or time.sleep(0.001)

    def observe(self):
        request = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.GET)
        request.set_request_uri('coap://[::1]:%d/temp' % self.server.get_local_port())
        return self.client.observe(request, None)

    def test_three_notifications_then_cancel(self):
        observation = self.observe()
        texts, ended = [], []
        label = Label()
        observation.bind_property('latest-text', label, 'label',
                                  GObject.BindingFlags.SYNC_CREATE)
        observation.connect('notification',
                            lambda obs, msg: texts.append(msg.get_payload().get_data()))
        observation.connect('ended', lambda obs, error: ended.append(error))
        self.iterate_until(lambda: len(texts) == 1)
        for _ in range(3):
            self.thermometer.warm_up()
            n = len(texts)
            self.iterate_until(lambda: len(texts) == n + 1)
        self.assertEqual(texts, [b'20 C', b'21 C', b'22 C', b'23 C'])
        self.assertEqual(label.props.label, '23 C')
        self.assertEqual(observation.props.n_notifications, 4)
        self.assertEqual(observation.props.latest.get_observe(), (True, 3))
        self.assertEqual(self.server.get_statistic(CoapUdp6.Statistic.OBSERVERS), 1)

        result = []
        observation.cancel_async(None, lambda obs, res: result.append(obs.cancel_finish(res)))
        self.assertFalse(observation.props.active)
        self.assertTrue(ended[0].matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED))
        self.iterate_until(lambda: result)
        self.assertEqual(result, [True])
        self.assertEqual(self.server.get_statistic(CoapUdp6.Statistic.OBSERVERS), 0)

    def test_only_get_observes(self):
        request = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.POST)
        request.set_request_uri('coap://[::1]:%d/temp' % self.server.get_local_port())
        with self.assertRaises(GLib.Error) as raised:
            self.client.observe(request, None)
        self.assertTrue(raised.exception.matches(CoapUdp6.error_quark(),
                                                 CoapUdp6.Error.INVALID_MESSAGE))

    def two_observers_of(self, greeter):
        self.server.add_resource('greet', greeter)
        clients = [self.client, CoapUdp6.Context.new_client()]
        texts = {}
        observations = []
        for client in clients:
            request = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.GET)
            request.set_request_uri('coap://[::1]:%d/greet' % self.server.get_local_port())
            observation = client.observe(request, None)
            port = client.get_local_port()
            texts[port] = []
            observation.connect('notification', lambda obs, msg, port=port:
                                texts[port].append(msg.get_payload().get_data().decode()))
            observations.append(observation)
        self.iterate_until(lambda: all(len(t) == 1 for t in texts.values()))
        greeter.renders = 0
        greeter.round = 1
        greeter.changed()
        self.iterate_until(lambda: all(len(t) == 2 for t in texts.values()))
        return texts, observations, clients

    def test_one_rendering_shared_by_observers(self):
        greeter = Greeter(personal=False)
        texts, observations, clients = self.two_observers_of(greeter)
        self.assertEqual(greeter.renders, 1)
        self.assertEqual([t[1] for t in texts.values()], ['hello 1', 'hello 1'])

    def test_render_reading_the_remote_runs_per_observer(self):
        greeter = Greeter(personal=True)
        texts, observations, clients = self.two_observers_of(greeter)
        self.assertEqual(greeter.renders, 2)
        for port, received in texts.items():
            self.assertEqual(received[1], 'hello 1 %d' % port)

    def test_removed_resource_ends_with_not_observed(self):
        observation = self.observe()
        ended = []
        observation.connect('ended', lambda obs, error: ended.append(error))
        self.iterate_until(lambda: observation.props.n_notifications == 1)
        self.server.remove_resource('temp')
        self.iterate_until(lambda: ended)
        self.assertTrue(ended[0].matches(CoapUdp6.error_quark(), CoapUdp6.Error.NOT_OBSERVED))
        self.assertIn('4.04', ended[0].message)
        self.assertEqual(observation.props.error.message, ended[0].message)


class RawServerTest(unittest.TestCase):
    """A raw UDP socket on ::1 plays the server, to forge sequence numbers
    (RFC 7641 §3.4) and notifications nobody asked for (§3.6)."""

    def setUp(self):
        self.raw = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        self.raw.bind(('::1', 0))
        self.raw.setblocking(False)
        self.client = CoapUdp6.Context.new_client()
        self.context = GLib.MainContext.default()
        self.peer = None

    def tearDown(self):
        self.raw.close()

    def iterate_until(self, condition, timeout=5):
        deadline = time.monotonic() + timeout
        while not condition():
            self.assertLess(time.monotonic(), deadline, 'timed out')
            self.context.iteration(False) or time.sleep(0.001)

    def recv(self):
        got = []

        def ready():
            try:
                data, self.peer = self.raw.recvfrom(2048)
            except BlockingIOError:
                return False
            got.append(CoapUdp6.Message.decode(GLib.Bytes.new(data), None))
            return True
        self.iterate_until(ready)
        return got[0]

    def send(self, mtype, code, mid, token, observe=None, payload=None):
        message = CoapUdp6.Message.new(mtype, code)
        message.set_mid(mid)
        message.set_token(token)
        if observe is not None:
            message.set_observe(observe)
        if payload is not None:
            message.set_payload(payload)
        self.raw.sendto(message.encode().get_data(), self.peer)

    def observe(self, first_sequence):
        """Registers, answers with Observe first_sequence and payload 'a';
        returns the observation, the texts it delivers and the token."""
        request = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.GET)
        request.set_request_uri('coap://[::1]:%d/x' % self.raw.getsockname()[1])
        observation = self.client.observe(request, None)
        texts = []
        observation.connect('notification',
                            lambda obs, msg: texts.append(bytes(msg.get_payload().get_data())))
        registration = self.recv()
        self.assertEqual(registration.get_observe(), (True, 0))
        token = bytes(registration.get_token().get_data())
        self.send(CoapUdp6.MessageType.ACK, CoapUdp6.Code.CONTENT, registration.get_mid(),
                  token, first_sequence, b'a')
        self.iterate_until(lambda: len(texts) == 1)
        return observation, texts, token

    def test_older_notifications_are_dropped(self):
        observation, texts, token = self.observe(5)
        self.send(CoapUdp6.MessageType.NON, CoapUdp6.Code.CONTENT, 0x100, token, 7, b'b')
        self.iterate_until(lambda: len(texts) == 2)
        self.send(CoapUdp6.MessageType.NON, CoapUdp6.Code.CONTENT, 0x101, token, 6, b'stale')
        self.send(CoapUdp6.MessageType.CON, CoapUdp6.Code.CONTENT, 0x102, token, 8, b'c')
        ack = self.recv()
        self.assertEqual((ack.get_mtype(), ack.get_mid()), (CoapUdp6.MessageType.ACK, 0x102))
        self.iterate_until(lambda: len(texts) == 3)
        self.assertEqual(texts, [b'a', b'b', b'c'])
        self.assertTrue(observation.props.active)

    def test_sequence_wraps_around(self):
        observation, texts, token = self.observe(0xfffffe)
        for i, sequence in enumerate((0xffffff, 0, 1)):
            self.send(CoapUdp6.MessageType.NON, CoapUdp6.Code.CONTENT, 0x200 + i, token,
                      sequence, b'%d' % i)
            self.iterate_until(lambda: len(texts) == i + 2)
        self.assertEqual(texts, [b'a', b'0', b'1', b'2'])

    def test_forgotten_observation_gets_reset(self):
        observation, texts, token = self.observe(1)
        observation.forget()
        self.assertFalse(observation.props.active)
        self.send(CoapUdp6.MessageType.CON, CoapUdp6.Code.CONTENT, 0x300, token, 2, b'late')
        reset = self.recv()
        self.assertEqual((reset.get_mtype(), reset.get_mid()), (CoapUdp6.MessageType.RST, 0x300))
        self.assertEqual(texts, [b'a'])


def wait_for(condition, what, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.02)
    raise AssertionError('timed out waiting for ' + what)


class Process:
    """A server whose output goes to a file, read while it runs."""

    def __init__(self, argv, port=None):
        self.log = tempfile.NamedTemporaryFile('w+', suffix='.log')
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, text=True)
        if port is None:
            def find():
                self.assertRunning()
                match = re.search(r'listening on port (\d+)', self.text())
                return match and int(match.group(1))
            port = wait_for(find, 'the port of ' + argv[0])
        self.port = port

    def assertRunning(self):
        if self.proc.poll() is not None:
            raise AssertionError('%s exited: %s' % (self.proc.args, self.text()))

    def text(self):
        with open(self.log.name) as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()


def free_port():
    s = Gio.Socket.new(Gio.SocketFamily.IPV6, Gio.SocketType.DATAGRAM, Gio.SocketProtocol.UDP)
    s.bind(Gio.InetSocketAddress.new_from_string('::1', 0), False)
    port = s.get_local_address().get_port()
    s.close()
    return port


@unittest.skipUnless(os.access(CLIENT, os.X_OK) and os.access(SERVER, os.X_OK),
                     'the tools are not built')
class ToolsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Process([SERVER, '--bind', '[::1]:0'])
        cls.time = 'coap://[::1]:%d/time' % cls.server.port

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_client_observes_time(self):
        run = subprocess.run([CLIENT, '-v', '-s', '3', self.time],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(len(run.stdout.splitlines()), 3)
        sequence = [int(n) for n in re.findall(r'notification \d+: Observe=(\d+)', run.stderr)]
        self.assertEqual(len(sequence), 3)
        self.assertEqual(sequence, sorted(set(sequence)))

    def test_client_observes_what_cannot_be_observed(self):
        base = self.time[:-len('/time')]
        run = subprocess.run([CLIENT, '-s', base + '/hello'],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn('Hello', run.stdout)
        self.assertIn('not observed', run.stderr)
        run = subprocess.run([CLIENT, '-s', base + '/nosuch'],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(run.returncode, 1, run.stderr)
        self.assertIn('4.04', run.stderr)

    def test_ctrl_c_exits_0(self):
        proc = subprocess.Popen([CLIENT, '--observe', self.time], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        first = proc.stdout.readline()
        self.assertTrue(first.strip(), 'no notification')
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
        self.assertEqual(proc.returncode, 0, err)

    @unittest.skipUnless(LIBCOAP_CLIENT, 'coap-client-notls is not installed')
    def test_libcoap_client_observes_time(self):
        # -s 3: libcoap observes for 3 seconds; /time changes every second.
        run = subprocess.run([LIBCOAP_CLIENT, '-s', '3', '-B', '4', self.time],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(run.returncode, 0, run.stderr)
        stamps = re.findall(r'\d{4}-\d\d-\d\dT[\d:.]+Z', run.stdout)
        self.assertGreaterEqual(len(stamps), 3, run.stdout)
        self.assertEqual(stamps, sorted(set(stamps)))

    @unittest.skipUnless(LIBCOAP_SERVER, 'coap-server-notls is not installed')
    def test_client_observes_libcoap_time(self):
        port = free_port()
        libcoap = Process([LIBCOAP_SERVER, '-A', '::1', '-p', str(port)], port=port)
        try:
            def run():
                libcoap.assertRunning()
                r = subprocess.run([CLIENT, '-v', '-s', '3', '-T', '10',
                                    'coap://[::1]:%d/time' % port],
                                   capture_output=True, text=True, timeout=30)
                # The server may not listen yet: try again.
                return r if r.returncode == 0 or 'Observe' in r.stderr else None
            result = wait_for(run, 'coap-server-notls to answer')
        finally:
            libcoap.stop()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(re.findall(r'notification \d+: Observe=', result.stderr)), 3)
        self.assertEqual(len(result.stdout.splitlines()), 3)


if __name__ == '__main__':
    unittest.main()
