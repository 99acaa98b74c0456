#!/usr/bin/python3
# test_explorer.py: CoAP Explorer (examples/explorer) driven in-process under
# Xvfb through its actions, against coap-udp6-server and libcoap's
# coap-server-notls: open a device by URI, list its resources from
# /.well-known/core, open one, GET/POST, read what the widgets show, errors
# in words, files in and out, discovery that ends; then a PNG of the window
# (doc/explorer.png when COAP_UDP6_UPDATE_SCREENSHOT=1). Discovery: the app
# in a network namespace of its own (a child process of this test) finds
# both servers, each in its own namespace behind a veth pair, by ff02::fd
# and 224.0.1.187 (skipped where namespaces cannot be created).
# Exits 77 (skipped) without the GTK 4 and libadwaita typelibs or Xvfb.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import ctypes
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

SRC = os.environ.get('COAP_UDP6_SRCDIR', os.path.join(os.path.dirname(__file__), '..'))
BUILD = os.environ.get('COAP_UDP6_BUILDDIR', '.')
SERVER = os.path.join(BUILD, 'examples', 'coap-udp6-server')
LIBCOAP_SERVER = shutil.which('coap-server-notls')
XVFB = shutil.which('Xvfb')
SCREENSHOT = os.path.join(os.environ.get('G_TEST_BUILDDIR', BUILD), 'explorer.png')

try:
    import gi
    gi.require_version('Gtk', '4.0')
    gi.require_version('Adw', '1')
    gi.require_foreign('cairo')
except (ImportError, ValueError) as e:
    print('1..0 # SKIP no GTK 4 or libadwaita typelib: %s' % e)
    sys.exit(77)
if XVFB is None or not os.access(SERVER, os.X_OK):
    print('1..0 # SKIP Xvfb or coap-udp6-server missing')
    sys.exit(77)


def start_xvfb():
    """An Xvfb on a display number it picks itself (tests run in parallel).
    A discovery child in its own network namespace uses its parent's: X's
    abstract socket is per namespace, /tmp/.X11-unix/X<n> is not."""
    if os.environ.get('COAP_UDP6_EXPLORER_DISCOVERY'):
        return None, os.environ['DISPLAY']
    read_end, write_end = os.pipe()
    proc = subprocess.Popen([XVFB, '-displayfd', str(write_end), '-screen', '0', '1400x1000x24',
                             '-nolisten', 'tcp'], pass_fds=[write_end],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    with os.fdopen(read_end) as f:
        display = f.readline().strip()
    if not display:
        proc.kill()
        print('1..0 # SKIP Xvfb did not start')
        sys.exit(77)
    return proc, ':' + display


XVFB_PROC, DISPLAY = start_xvfb()
os.environ.update(DISPLAY=DISPLAY, GDK_BACKEND='x11', GSK_RENDERER='cairo', GTK_A11Y='none',
                  NO_AT_BRIDGE='1', ADW_DISABLE_PORTAL='1')
sys.path.insert(0, os.path.join(SRC, 'examples', 'explorer'))

from gi.repository import CoapUdp6, Gio, GLib  # noqa: E402

from coap_explorer.application import ExplorerApplication  # noqa: E402


class Process:
    """A server whose output goes to a file; its port is read from it."""

    def __init__(self, argv, port_pattern):
        self.log = tempfile.NamedTemporaryFile('w+', suffix='.log')
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 20
        while True:
            with open(self.log.name) as f:
                match = re.search(port_pattern, f.read())
            if match:
                self.port = int(match.group(1))
                return
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError('no port from %s' % argv[0])
            time.sleep(0.02)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()


# An exception in a GTK or GLib callback is printed, not raised: collect
# them and fail the test that caused them.
CALLBACK_ERRORS = []
sys.excepthook = lambda kind, value, traceback: CALLBACK_ERRORS.append(
    ''.join(__import__('traceback').format_exception(kind, value, traceback)))


def iterate_until(condition, what, timeout=20):
    """Runs the main context until condition() holds; fails after timeout s."""
    context = GLib.MainContext.default()
    deadline = time.monotonic() + timeout
    tick = GLib.timeout_add(20, lambda: True)   # wakes the wait to check again
    try:
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError('timed out waiting for ' + what)
            context.iteration(True)
    finally:
        GLib.source_remove(tick)
    return condition()


def received(sock):
    """Whether a datagram waits on sock (read without blocking)."""
    try:
        return bool(sock.recv(1500, socket.MSG_DONTWAIT))
    except BlockingIOError:
        return False


def text_of(view):
    buffer = view.get_buffer()
    return buffer.get_text(buffer.get_start_iter(), buffer.get_end_iter(), False)


def save_window_png(window, path):
    """Renders the window as GTK draws it and saves a PNG. PyGObject 3.42
    cannot carry a GskRenderNode, so the three calls go through ctypes."""
    from gi.repository import Gtk
    gtk = ctypes.CDLL('libgtk-4.so.1')
    gtk.gtk_snapshot_to_node.restype = ctypes.c_void_p
    gtk.gtk_snapshot_to_node.argtypes = [ctypes.c_void_p]
    gtk.gsk_renderer_render_texture.restype = ctypes.c_void_p
    gtk.gsk_renderer_render_texture.argtypes = [ctypes.c_void_p] * 3
    gtk.gdk_texture_save_to_png.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    gtk.gsk_render_node_unref.argtypes = [ctypes.c_void_p]
    gtk.g_object_unref.argtypes = [ctypes.c_void_p]
    get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
    get_pointer.restype = ctypes.c_void_p
    get_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]

    iterate_until(lambda: window.get_mapped() and window.get_width() > 0, 'a mapped window')
    width, height = window.get_width(), window.get_height()
    node = []

    def snapshot_node():
        # Empty until GTK has laid out and drawn the window once.
        snapshot = Gtk.Snapshot()
        Gtk.WidgetPaintable.new(window).snapshot(snapshot, width, height)
        pointer = gtk.gtk_snapshot_to_node(get_pointer(snapshot.__gpointer__, None))
        if pointer:
            node.append(pointer)
        return node
    iterate_until(snapshot_node, 'the window to be drawn')
    bounds = (ctypes.c_float * 4)(0, 0, width, height)
    texture = gtk.gsk_renderer_render_texture(
        get_pointer(window.get_renderer().__gpointer__, None), node[0], ctypes.byref(bounds))
    try:
        return gtk.gdk_texture_save_to_png(texture, path.encode())
    finally:
        gtk.g_object_unref(texture)
        gtk.gsk_render_node_unref(node[0])


def discovery_child(interfaces):
    """In the app's network namespace: discovers on interfaces by ff02::fd
    and 224.0.1.187, opens the hello resource of a device found, and prints
    what the device list and the resource page show, as JSON."""
    app = ExplorerApplication(flags=Gio.ApplicationFlags.NON_UNIQUE)
    app.register(None)
    app.activate()
    window = app.get_active_window()
    iterate_until(window.get_mapped, 'the window to be mapped')
    devices = window.device_list
    for name, check in devices.interface_checks.items():
        check.set_active(name in interfaces)
    for group, check in devices.group_checks.items():
        check.set_active(group in ('ff02::fd', '224.0.1.187'))
    window.activate_action('win.discover', None)
    shown = {'sensitive_while_discovering': devices.discover_button.get_sensitive()}
    iterate_until(lambda: devices.discovering == 0, 'the discovery to end', timeout=30)
    shown['status'] = devices.discover_status.get_text()
    shown['devices'] = {
        base: {'subtitle': device.row.get_subtitle(), 'error': device.error,
               'resources': [[row.get_title(), row.get_subtitle(),
                              row.get_action_target_value().get_string()]
                             for row in device.resource_rows]}
        for base, device in devices.devices.items()}
    hello = [row for device in devices.devices.values() for row in device.resource_rows
             if row.get_title() == 'Hello world']
    if hello:
        page = window.resource_page
        hello[0].emit('activate')
        window.activate_action('win.send', None)
        iterate_until(lambda: page.response is not None or page.error_text, 'the hello response')
        shown['hello'] = [page.uri, page.status_row.get_title(),
                          page.response_payload.decode('utf-8', 'replace')]
    window.close()
    app.quit()
    print(json.dumps(shown))
    return 1 if CALLBACK_ERRORS else 0


class Netns:
    """Network namespaces joined by veth pairs, deleted at the end."""

    def __init__(self, tag):
        self.tag = tag
        self.names = []

    def run(self, *args, ns=None, check=True):
        cmd = (['ip', 'netns', 'exec', ns] if ns else []) + list(args)
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=30)

    def add(self, name):
        self.run('ip', 'netns', 'add', name)
        self.names.append(name)
        self.run('ip', 'link', 'set', 'lo', 'up', ns=name)

    def link(self, ns_a, if_a, ns_b, if_b, host_b, v4_net):
        """A veth pair; ns_a is fe80::1 and v4_net.1, ns_b fe80::host_b."""
        self.run('ip', 'link', 'add', if_a, 'netns', ns_a, 'type', 'veth',
                 'peer', 'name', if_b, 'netns', ns_b)
        for ns, dev, host in ((ns_a, if_a, 1), (ns_b, if_b, host_b)):
            self.run('ip', 'link', 'set', dev, 'addrgenmode', 'none', ns=ns)
            self.run('ip', 'link', 'set', dev, 'up', ns=ns)
            self.run('ip', 'addr', 'add', 'fe80::%d/64' % host, 'dev', dev, 'nodad', ns=ns)
            self.run('ip', 'addr', 'add', '%s.%d/24' % (v4_net, host), 'dev', dev, ns=ns)
        self.run('ip', 'route', 'add', '224.0.0.0/4', 'dev', if_b, ns=ns_b)

    def delete(self):
        for name in self.names:
            subprocess.run(['ip', 'netns', 'del', name], capture_output=True)


class Discovery(unittest.TestCase):
    """Multicast discovery from the app in its own network namespace finds
    coap-udp6-server and libcoap's coap-server-notls, each in a namespace of
    its own behind a veth pair, and lists their resources."""

    def test_finds_devices_in_namespaces(self):
        if not LIBCOAP_SERVER:
            self.skipTest('libcoap coap-server-notls is not installed')
        tag = '%d' % (os.getpid() % 100000)
        ns_app, ns_ours, ns_libcoap = 'cu6x-a-' + tag, 'cu6x-o-' + tag, 'cu6x-l-' + tag
        if_ours, if_libcoap = 'cx6o' + tag, 'cx6l' + tag
        net = Netns(tag)
        servers = []
        try:
            try:
                net.add(ns_app)
            except subprocess.CalledProcessError as e:
                self.skipTest('cannot create network namespaces: ' + e.stderr.strip())
            net.add(ns_ours)
            net.add(ns_libcoap)
            net.link(ns_app, if_ours, ns_ours, if_ours.upper(), 2, '10.79.1')
            net.link(ns_app, if_libcoap, ns_libcoap, if_libcoap.upper(), 3, '10.79.2')
            # IPv4 multicast leaves through coap-udp6-server's link.
            net.run('ip', 'route', 'add', '224.0.0.0/4', 'dev', if_ours, ns=ns_app)
            ours = Process(['ip', 'netns', 'exec', ns_ours, SERVER, '--bind', '[::]:5683',
                            '--multicast', if_ours.upper()], r'listening on port (\d+)')
            servers.append(ours)
            libcoap = Process(['ip', 'netns', 'exec', ns_libcoap, LIBCOAP_SERVER, '-p', '5683',
                               '-g', 'ff02::fd', '-G', if_libcoap.upper(), '-v', '7'],
                              r'created UDP +endpoint \[::\]:(\d+)')
            servers.append(libcoap)
            child = subprocess.run(
                ['ip', 'netns', 'exec', ns_app, sys.executable, os.path.abspath(__file__)],
                env=dict(os.environ, COAP_UDP6_EXPLORER_DISCOVERY=','.join([if_ours, if_libcoap])),
                capture_output=True, text=True, timeout=120)
        finally:
            for server in servers:
                server.stop()
            net.delete()
        self.assertEqual(child.returncode, 0, child.stdout + child.stderr)
        shown = json.loads(child.stdout.strip().splitlines()[-1])
        print(json.dumps(shown, indent=1), file=sys.stderr)
        self.assertFalse(shown['sensitive_while_discovering'])
        ours_v6 = 'coap://[fe80::2%%25%s]' % if_ours
        ours_v4 = 'coap://10.79.1.2'
        libcoap_v6 = 'coap://[fe80::3%%25%s]' % if_libcoap
        self.assertEqual(set(shown['devices']), {ours_v6, ours_v4, libcoap_v6})
        self.assertEqual(shown['status'], '3 answers.')
        for base in (ours_v6, ours_v4):
            device = shown['devices'][base]
            resources = {title: (subtitle, uri) for title, subtitle, uri in device['resources']}
            self.assertIsNone(device['error'])
            self.assertEqual(device['subtitle'], '%d resources' % len(resources))
            self.assertLessEqual({'Current time', 'Echo', 'Hello world', 'Who am I'}, set(resources))
            self.assertEqual(resources['Hello world'],
                             ('demo.hello · text/plain;charset=utf-8 (0)', base + '/hello'))
        libcoap_resources = {title: (subtitle, uri) for title, subtitle, uri
                             in shown['devices'][libcoap_v6]['resources']}
        self.assertEqual(libcoap_resources['Internal Clock'],
                         ('ticks · if clock · text/plain;charset=utf-8 (0) · observable',
                          libcoap_v6 + '/time'))
        self.assertIn('General Info', libcoap_resources)
        # A resource of a device found by multicast answers by unicast.
        uri, status, payload = shown['hello']
        self.assertIn(uri, (ours_v6 + '/hello', ours_v4 + '/hello'))
        self.assertEqual((status, payload), ('2.05 Content', 'Hello, world!'))


class Payloads(unittest.TestCase):
    """How the editors show and read payloads, by Content-Format."""

    def test_shown_by_content_format(self):
        from coap_explorer import payload
        self.assertEqual(payload.show(b'{"a":[1,2]}', 50), ('json', '{\n  "a": [\n    1,\n    2\n  ]\n}'))
        self.assertEqual(payload.show(b'</a>;rt="x",</b>', 40), ('link-format', '</a>;rt="x",\n</b>'))
        kind, text = payload.show(bytes.fromhex('a26161016162 82f5f6'.replace(' ', '')), 60)
        self.assertEqual(kind, 'cbor')
        self.assertTrue(text.startswith('{"a": 1, "b": [true, null]}\n\n0000  a2 61 61 01'))
        self.assertEqual(payload.show(bytes.fromhex('fb3ff8000000000000'), 60)[1].split('\n')[0], '1.5')
        self.assertEqual(payload.show(b'\x00\x01AB', 42), ('binary', '0000  00 01 41 42' + ' ' * 38 + '..AB'))
        self.assertEqual(payload.show(b'caf\xc3\xa9', None), ('text', 'café'))
        self.assertEqual(payload.show(b'\xff\xfe', 0)[0], 'binary')
        self.assertEqual(payload.show(b'{"a": tr', 50), ('text', '{"a": tr'))

    def test_every_library_error_in_words(self):
        from gi.repository import CoapUdp6
        from coap_explorer import errors
        for code in CoapUdp6.Error.__enum_values__:
            error = GLib.Error.new_literal(CoapUdp6.error_quark(), 'detail', code)
            words = errors.describe_error(error)
            self.assertNotEqual(words, 'detail', CoapUdp6.Error(code).value_nick)
            self.assertRegex(words, r'^[A-Z]', CoapUdp6.Error(code).value_nick)
        for code in (CoapUdp6.Code.CONFLICT, CoapUdp6.Code.UNPROCESSABLE_ENTITY,
                     CoapUdp6.Code.TOO_MANY_REQUESTS):
            self.assertIsNotNone(errors.describe_code(code)[1], code)

    def test_read_back(self):
        from coap_explorer import payload
        data = bytes(range(40))
        for fmt in (42, 60):
            self.assertEqual(payload.encode(payload.show(data, fmt)[1], fmt), data)
        self.assertEqual(payload.encode('{"a": 1}', 50), b'{"a":1}')
        self.assertEqual(payload.encode('</a>;rt="x",\n</b>', 40), b'</a>;rt="x",</b>')
        for text, fmt in (('{"a": ', 50), ('zz', 42), ('<a', 40)):
            with self.assertRaises(ValueError):
                payload.encode(text, fmt)
        self.assertEqual(payload.number_in(b'21.5 C'), 21.5)
        self.assertIsNone(payload.number_in(b'warm'))


class Explorer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Process([SERVER, '--bind', '[::1]:0'], r'listening on port (\d+)')
        cls.base = 'coap://[::1]:%d' % cls.server.port
        # Expanders and toasts drawn at rest in the screenshot.
        from gi.repository import Gtk
        Gtk.Settings.get_default().set_property('gtk-enable-animations', False)
        cls.app = ExplorerApplication(flags=Gio.ApplicationFlags.NON_UNIQUE)
        cls.app.register(None)
        cls.app.activate()
        cls.window = cls.app.get_active_window()
        iterate_until(lambda: cls.window.get_mapped(), 'the window to be mapped')

    @classmethod
    def tearDownClass(cls):
        cls.window.close()
        cls.app.quit()
        cls.server.stop()

    def tearDown(self):
        errors, CALLBACK_ERRORS[:] = CALLBACK_ERRORS[:], []
        self.assertEqual(errors, [])

    def act(self, name, value=None):
        self.window.activate_action('win.' + name,
                                    None if value is None else GLib.Variant('s', value))

    def open_device(self, base):
        self.act('open-uri', base)
        device = self.window.device_list.devices[base]
        iterate_until(lambda: device.resource_rows or device.error, 'the resources of ' + base)
        self.assertIsNone(device.error)
        return device

    def get(self, uri):
        page = self.window.resource_page
        self.act('open-resource', uri)
        self.act('send')
        iterate_until(lambda: page.response is not None or page.error_text, 'a response')
        return page

    def test_own_server_resources_and_get(self):
        device = self.open_device(self.base)
        rows = {row.get_title(): row for row in device.resource_rows}
        self.assertLessEqual({'Current time', 'Echo', 'Hello world', 'Who am I'}, set(rows))
        self.assertEqual(rows['Hello world'].get_subtitle(),
                         'demo.hello · text/plain;charset=utf-8 (0)')
        self.assertEqual(rows['Hello world'].get_action_name(), 'win.open-resource')
        self.assertEqual(device.row.get_subtitle(), '%d resources' % len(rows))

        # The row's activate signal is what a click or Enter on it emits.
        page = self.window.resource_page
        rows['Hello world'].emit('activate')
        self.assertEqual(page.uri, self.base + '/hello')
        self.assertEqual(self.window.content_title.get_title(), 'Hello world')
        self.act('send')
        iterate_until(lambda: page.response is not None, 'the response of /hello')
        self.assertEqual(page.status_row.get_title(), '2.05 Content')
        self.assertEqual(page.format_value_row.get_subtitle(), 'text/plain;charset=utf-8 (0)')
        self.assertRegex(page.time_row.get_subtitle(), r'^\d+\.\d ms$')
        self.assertEqual(text_of(page.response_view), 'Hello, world!')
        options = {row.get_title(): row.get_subtitle() for row in page.option_rows}
        self.assertEqual(options.get('Content-Format (12)'), 'text/plain;charset=utf-8 (0)')
        self.assertEqual(self.window.stack.get_visible_child_name(), 'resource')


    def test_screenshot(self):
        """A fresh window with both servers' resources and a GET, as a PNG."""
        from coap_explorer.window import ExplorerWindow
        main_window = self.window
        self.window = ExplorerWindow(self.app, self.app.context)
        self.window.set_default_size(1200, 940)
        self.window.present()
        libcoap = None
        try:
            if LIBCOAP_SERVER:
                libcoap = Process([LIBCOAP_SERVER, '-A', '::1', '-p', '0', '-v', '7'],
                                  r'created UDP +endpoint \[::1\]:(\d+)')
                self.open_device('coap://[::1]:%d' % libcoap.port).row.set_expanded(False)
            self.open_device(self.base)
            page = self.get(self.base + '/hello')
            self.assertEqual(page.status_row.get_title(), '2.05 Content')
            self.assertTrue(save_window_png(self.window, SCREENSHOT))
        finally:
            if libcoap is not None:
                libcoap.stop()
            self.window.close()
            self.window = main_window
        with open(SCREENSHOT, 'rb') as f:
            png = f.read()
        self.assertEqual(png[:8], b'\x89PNG\r\n\x1a\n')
        self.assertGreater(len(png), 10000)
        if os.environ.get('COAP_UDP6_UPDATE_SCREENSHOT') == '1':
            shutil.copyfile(SCREENSHOT, os.path.join(SRC, 'doc', 'explorer.png'))

    def test_desktop_file_and_icon(self):
        from coap_explorer import APPLICATION_ID
        from gi.repository import Gdk
        explorer = os.path.join(SRC, 'examples', 'explorer')
        desktop = GLib.KeyFile()
        desktop.load_from_file(os.path.join(explorer, APPLICATION_ID + '.desktop'),
                               GLib.KeyFileFlags.NONE)
        entry = GLib.KEY_FILE_DESKTOP_GROUP
        self.assertEqual(desktop.get_string(entry, 'Exec'), 'coap-udp6-explorer')
        self.assertEqual(desktop.get_string(entry, 'Icon'), APPLICATION_ID)
        self.assertEqual(self.app.get_application_id(), APPLICATION_ID)
        icon = Gdk.Texture.new_from_filename(os.path.join(explorer, APPLICATION_ID + '.svg'))
        self.assertEqual((icon.get_width(), icon.get_height()), (128, 128))

    def test_blockwise_download_and_upload(self):
        page = self.window.resource_page
        panel = page.transfer_panel
        self.act('open-resource', self.base + '/large')
        with tempfile.TemporaryDirectory() as tmp:
            target = Gio.File.new_for_path(os.path.join(tmp, 'large.txt'))
            done = []
            self.window.download_to(target, lambda: done.append('down'))
            self.assertTrue(panel.cancel_button.get_visible())
            iterate_until(lambda: done, 'the download')
            self.assertEqual(panel.status_row.get_title(), '2.05 Content')
            self.assertEqual(panel.status_row.get_subtitle(), 'Saved into large.txt.')
            with open(target.get_path(), 'rb') as f:
                large = f.read()
            self.assertEqual(len(large), 4200)
            self.assertGreater(panel.progress_calls, 1)     # more than one block
            self.assertEqual(panel.progress.get_fraction(), 1.0)
            self.assertFalse(panel.cancel_button.get_visible())

            self.act('open-resource', self.base + '/echo')
            self.act('method', 'POST')
            self.window.upload_from(target, lambda: done.append('up'))
            iterate_until(lambda: 'up' in done, 'the upload')
            self.assertEqual(panel.status_row.get_title(), '2.04 Changed')
            self.assertGreater(panel.progress_calls, 1)
            # The echo comes back in blocks too: the last call counts it.
            self.assertRegex(panel.progress.get_text(), r'^4\.2\skB of 4\.2\skB (sent|received)$')

            # Cancelled while it runs: told in words, the file stays short.
            self.act('open-resource', self.base + '/large')
            self.window.download_to(target, lambda: done.append('cancelled'))
            self.window.activate_action('win.cancel-transfer', None)
            iterate_until(lambda: 'cancelled' in done, 'the cancelled download')
            self.assertEqual(panel.status_row.get_title(), 'The transfer failed')
            self.assertEqual(panel.status_row.get_subtitle(), 'The request was cancelled.')

    def test_large_get_is_whole(self):
        page = self.get(self.base + '/large')
        self.assertEqual(page.status_row.get_title(), '2.05 Content')
        self.assertEqual(len(page.response_payload), 4200)
    def test_observe_time(self):
        page = self.window.resource_page
        panel = page.observe_panel
        self.act('open-resource', self.base + '/time')
        self.assertEqual(panel.switch_row.get_subtitle(), 'Off')
        self.window.activate_action('win.observe', None)
        self.assertTrue(self.window.observe_action.get_state().get_boolean())
        iterate_until(lambda: int(panel.count_row.get_subtitle()) >= 3, 'three notifications')
        self.assertRegex(panel.value_row.get_subtitle(), r'^\d{4}-\d\d-\d\dT')
        self.assertEqual(panel.switch_row.get_subtitle(), 'On')
        self.assertFalse(panel.plot.get_visible())
        self.window.activate_action('win.observe', None)
        self.assertFalse(self.window.observe_action.get_state().get_boolean())
        self.assertIsNone(panel.observation)
        self.assertEqual(panel.switch_row.get_subtitle(), 'Off')

    def test_observe_numbers_are_plotted(self):
        from gi.repository import CoapUdp6

        class Meter(CoapUdp6.Resource):
            def __init__(self):
                super().__init__(observable=True, title='Meter', resource_type='demo.meter')
                self.value = 20.0

            def do_render(self, request):
                request.respond_payload(CoapUdp6.Code.CONTENT, GLib.Bytes.new(b'%.1f' % self.value), 0)

            def step(self):
                self.value += 0.5
                self.changed()
                return True

        server = CoapUdp6.Context.new_server(['[::1]:0'], None)
        meter = Meter()
        server.add_resource('meter', meter)
        base = 'coap://[::1]:%d' % server.get_local_port()
        device = self.open_device(base)
        self.assertIn('observable', device.resource_rows[0].get_subtitle())
        ticker = GLib.timeout_add(50, meter.step)
        panel = self.window.resource_page.observe_panel
        try:
            device.resource_rows[0].emit('activate')
            self.assertEqual(panel.switch_row.get_subtitle(),
                             'The device says the resource is observable.')
            self.window.activate_action('win.observe', None)
            iterate_until(lambda: len(panel.plot.samples) >= 5, 'five plotted values')
            self.assertTrue(panel.plot.get_visible())
            values = [value for _, value in panel.plot.samples]
            self.assertEqual(values, sorted(values))
            self.assertRegex(panel.value_row.get_subtitle(), r'^\d+\.\d$')
            # Drawn (a plot that fails to draw shows up in CALLBACK_ERRORS).
            scroll = self.window.resource_page.get_vadjustment()
            scroll.set_value(scroll.get_upper())
            with tempfile.TemporaryDirectory() as tmp:
                self.assertTrue(save_window_png(self.window, os.path.join(tmp, 'plot.png')))
        finally:
            GLib.source_remove(ticker)
            self.window.activate_action('win.observe', None)
        self.assertIsNone(panel.observation)

    def test_post_json_shown_pretty(self):
        page = self.window.resource_page
        self.act('open-resource', self.base + '/echo')
        self.act('method', 'POST')
        self.assertTrue(page.editor.get_sensitive())
        page.format_row.set_selected(1)     # application/json
        page.editor.get_buffer().set_text('{"on": true, "level": [1, 2]}')
        self.act('send')
        iterate_until(lambda: page.response is not None or page.error_text, 'the echo')
        self.assertIsNone(page.error_text)
        self.assertEqual(page.response_payload, b'{"on":true,"level":[1,2]}')
        self.assertEqual(page.format_value_row.get_subtitle(), 'application/json (50)')
        self.assertEqual(text_of(page.response_view),
                         '{\n  "on": true,\n  "level": [\n    1,\n    2\n  ]\n}')
        # Malformed JSON is refused in words before anything is sent.
        page.editor.get_buffer().set_text('{"on": tr')
        self.act('send')
        self.assertIsNone(page.response)
        self.assertIn('not JSON', page.error_text)

    def test_resource_uri_typed_by_hand(self):
        page = self.window.resource_page
        self.act('open-uri', self.base + '/whoami')
        iterate_until(lambda: page.uri == self.base + '/whoami', 'the resource page')
        self.assertEqual(self.window.content_title.get_title(), 'Who am I')
        self.act('send')
        iterate_until(lambda: page.response is not None, 'the response of /whoami')
        self.assertEqual(page.status_row.get_title(), '2.05 Content')
        self.assertIn('[::1]', text_of(page.response_view))

    def test_errors_in_words(self):
        page = self.get(self.base + '/no/such/thing')
        self.assertEqual(page.status_row.get_title(), '4.04 Not Found')
        self.assertEqual(page.status_row.get_subtitle(), 'The device has no such resource.')

        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
            s.bind(('::1', 0))
            closed = s.getsockname()[1]
        page = self.get('coap://[::1]:%d/x' % closed)
        self.assertIsNone(page.response)
        self.assertEqual(page.status_row.get_title(), 'The request failed')
        self.assertIn('Nothing answers at this address and port', page.error_text)

        self.act('open-uri', 'coap://[::1')
        self.assertNotIn('coap://[::1', self.window.device_list.devices)
        self.assertTrue(self.window.last_toast.startswith('This is not a CoAP address: '))

    def test_put_and_delete(self):
        page = self.window.resource_page
        self.act('open-resource', self.base + '/echo')
        self.act('method', 'PUT')
        self.assertTrue(page.method_buttons['PUT'].get_active())
        self.assertTrue(page.editor.get_sensitive())
        page.format_row.set_selected(0)     # text/plain
        page.editor.get_buffer().set_text('lamp on')
        self.act('send')
        iterate_until(lambda: page.response is not None, 'the PUT response')
        self.assertEqual(page.status_row.get_title(), '2.04 Changed')
        self.assertEqual(text_of(page.response_view), 'lamp on')

        self.act('method', 'DELETE')
        self.assertFalse(page.editor.get_sensitive())
        self.assertFalse(page.format_row.get_sensitive())
        self.assertEqual([name for name, button in page.method_buttons.items() if button.get_active()],
                         ['DELETE'])
        self.act('send')
        iterate_until(lambda: page.response is not None, 'the DELETE response')
        self.assertEqual(page.status_row.get_title(), '4.05 Method Not Allowed')
        self.assertEqual(page.status_row.get_subtitle(), 'This resource does not accept this method.')
        self.assertEqual(page.response_payload, b'')

    def test_cancel_only_while_busy(self):
        """Escape (win.cancel) is enabled only while a request is on its way,
        so that it reaches the focused widget otherwise."""
        page = self.window.resource_page
        cancel = self.window.lookup_action('cancel')
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as silent:
            silent.bind(('::1', 0))
            self.act('open-resource', 'coap://[::1]:%d/quiet' % silent.getsockname()[1])
            self.assertFalse(cancel.get_enabled())
            self.assertFalse(self.window.lookup_action('cancel-transfer').get_enabled())
            self.act('send')
            self.assertTrue(cancel.get_enabled())
            self.assertTrue(page.cancel_button.get_visible())
            iterate_until(lambda: received(silent), 'the request to arrive')
            self.act('cancel')
            iterate_until(lambda: not cancel.get_enabled(), 'the request to end')
        self.assertFalse(page.cancel_button.get_visible())
        self.assertEqual(page.status_row.get_title(), 'The request failed')
        self.assertEqual(page.error_text, 'The request was cancelled.')

        # A request replaced by another resource ends without a word.
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as silent:
            silent.bind(('::1', 0))
            self.act('open-resource', 'coap://[::1]:%d/quiet' % silent.getsockname()[1])
            self.act('send')
            self.act('open-resource', self.base + '/hello')
            self.assertFalse(cancel.get_enabled())
            iterate_until(lambda: received(silent), 'the request to arrive')
            context = GLib.MainContext.default()
            while context.iteration(False):
                pass
        self.assertEqual(page.status_row.get_title(), 'No request sent yet')
        self.assertIsNone(page.error_text)

    def test_observe_not_observable(self):
        panel = self.window.resource_page.observe_panel
        self.act('open-resource', self.base + '/hello')
        self.window.activate_action('win.observe', None)
        iterate_until(lambda: not self.window.observe_action.get_state().get_boolean(),
                      'the observation to end')
        self.assertEqual(panel.value_row.get_subtitle(), 'Hello, world!')
        self.assertEqual(panel.switch_row.get_subtitle(),
                         'The device does not send changes of this resource; '
                         'the value shown is the one it has now.')
        self.assertIsNone(panel.observation)

    def test_files_in_and_out(self):
        page = self.get(self.base + '/hello')
        with tempfile.TemporaryDirectory() as tmp:
            saved = Gio.File.new_for_path(os.path.join(tmp, 'hello.txt'))
            done = []
            self.window.save_payload_to(saved, page.response_payload, lambda: done.append(1))
            iterate_until(lambda: done, 'the file to be written')
            with open(saved.get_path(), 'rb') as f:
                self.assertEqual(f.read(), b'Hello, world!')

            source = os.path.join(tmp, 'in.bin')
            with open(source, 'wb') as f:
                f.write(bytes(range(20)))
            page.format_row.set_selected(4)     # application/octet-stream
            self.window.load_payload_from(Gio.File.new_for_path(source), lambda: done.append(2))
            iterate_until(lambda: 2 in done, 'the file to be read')
        self.assertEqual(page.method, 'PUT')
        self.assertTrue(text_of(page.editor).startswith('0000  00 01 02 03'))

    def test_discovery_ends(self):
        devices = self.window.device_list
        for name, check in devices.interface_checks.items():
            check.set_active(name == 'lo')
        for group, check in devices.group_checks.items():
            check.set_active(group == 'ff02::fd')
        self.act('discover')
        self.assertFalse(devices.discover_button.get_sensitive())
        iterate_until(lambda: devices.discovering == 0, 'the discovery to end', timeout=30)
        self.assertTrue(devices.discover_button.get_sensitive())
        # Answers are counted, or the failure is told in words (a loopback
        # interface without a multicast route cannot be reached).
        self.assertRegex(devices.discover_status.get_text(),
                         r'^\d+ answers?\.$|^\[ff02::fd%25lo\]: [A-Z].*\.$')
        self.assertNotIn('Error', devices.discover_status.get_text())

    def test_keyboard(self):
        accels = {name: self.app.get_accels_for_action(name) for name in
                  ('win.send', 'win.discover', 'win.focus-uri', 'win.method::PUT', 'app.quit')}
        self.assertEqual(accels, {'win.send': ['<Control>Return'], 'win.discover': ['<Control>d'],
                                  'win.focus-uri': ['<Control>l'],
                                  'win.method::PUT': ['<Control>3'], 'app.quit': ['<Control>q']})
        self.act('focus-uri')
        iterate_until(lambda: self.window.device_list.uri_entry.has_focus()
                      or self.window.device_list.uri_entry.get_focus_child() is not None,
                      'the URI entry to have the focus')

    @unittest.skipUnless(LIBCOAP_SERVER, 'libcoap coap-server-notls is not installed')
    def test_coaps_with_a_pre_shared_key(self):
        if not CoapUdp6.Credentials.is_supported():
            self.skipTest('built without GnuTLS')
        devices = self.window.device_list
        right = Process([SERVER, '--bind', 'coaps://[::1]:0', '-k', 'explorer-secret'],
                        r'listening on port (\d+)')
        wrong = Process([SERVER, '--bind', 'coaps://[::1]:0', '-k', 'another-secret'],
                        r'listening on port (\d+)')
        try:
            devices.psk_key_entry.set_text('explorer-secret')
            devices.psk_key_entry.emit('apply')
            self.assertEqual(devices.psk_status.get_text(), 'Give both an identity and a key.')
            devices.psk_identity_entry.set_text('explorer')
            devices.psk_key_entry.emit('apply')
            self.assertIn('\u201cexplorer\u201d', devices.psk_status.get_text())

            base = 'coaps://[::1]:%d' % right.port
            device = self.open_device(base)
            rows = {row.get_title(): row for row in device.resource_rows}
            self.assertIn('Who am I', rows)
            page = self.get(base + '/whoami')
            self.assertEqual(page.status_row.get_title(), '2.05 Content')
            self.assertIn('coaps identity explorer', text_of(page.response_view))

            base = 'coaps://[::1]:%d' % wrong.port
            self.act('open-uri', base)
            device = devices.devices[base]
            iterate_until(lambda: device.error, 'the handshake with the wrong key to fail')
            self.assertTrue(device.error.startswith('The secure session could not be set up; '
                                                    'check the identity and key'), device.error)
        finally:
            self.app.context.set_credentials(None)
            right.stop()
            wrong.stop()

    def test_libcoap_resources_and_get(self):
        server = Process([LIBCOAP_SERVER, '-A', '::1', '-p', '0', '-v', '7'],
                         r'created UDP +endpoint \[::1\]:(\d+)')
        try:
            base = 'coap://[::1]:%d' % server.port
            device = self.open_device(base)
            rows = {row.get_title(): row for row in device.resource_rows}
            self.assertIn('Internal Clock', rows)
            self.assertEqual(rows['Internal Clock'].get_subtitle(),
                             'ticks · if clock · text/plain;charset=utf-8 (0) · observable')
            page = self.get(base + '/time')
            self.assertEqual(page.status_row.get_title(), '2.05 Content')
            self.assertRegex(text_of(page.response_view), r'\w')
        finally:
            server.stop()


if __name__ == '__main__':
    if os.environ.get('COAP_UDP6_EXPLORER_DISCOVERY'):
        sys.exit(discovery_child(os.environ['COAP_UDP6_EXPLORER_DISCOVERY'].split(',')))
    try:
        unittest.main()
    finally:
        XVFB_PROC.terminate()
        XVFB_PROC.wait()
