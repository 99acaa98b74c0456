# devices.py: the devices found by multicast discovery or opened by URI,
# each with the resources its /.well-known/core lists (RFC 6690).
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import socket

import gi
gi.require_version('CoapUdp6', '1.0')
gi.require_version('Gtk', '4.0')
gi.require_version('Adw', '1')
from gi.repository import Adw, CoapUdp6, Gio, GLib, GObject, Gtk  # noqa: E402

from . import errors, payload  # noqa: E402

WELL_KNOWN_CORE = '/.well-known/core'
# RFC 7252 §8.2: a server waits up to DEFAULT_LEISURE before it answers a
# multicast request; the answers are collected that long and one second more.
EXTRA_DISCOVERY_MS = 1000

# RFC 7252 §12.8: All-CoAP-Nodes.
GROUPS = [
    ('ff02::fd', 'Link-local IPv6 (ff02::fd)'),
    ('ff05::fd', 'Site-local IPv6 (ff05::fd)'),
    ('224.0.1.187', 'IPv4 (224.0.1.187)'),
]


def base_of(uri):
    """'coap://host:port' of a URI, or None if it has no authority."""
    scheme, sep, rest = uri.partition('://')
    if not sep or not scheme:
        return None
    authority = rest.split('/', 1)[0].split('?', 1)[0]
    return '%s://%s' % (scheme.lower(), authority) if authority else None


def group_uri(group, interface):
    if ':' in group:
        return 'coap://[%s%%25%s]%s' % (group, interface, WELL_KNOWN_CORE)
    return 'coap://%s%s' % (group, WELL_KNOWN_CORE)


def resource_subtitle(link):
    parts = []
    types = link.get_attribute_values('rt')
    if types:
        parts.append(' '.join(types))
    interfaces = link.get_attribute_values('if')
    if interfaces:
        parts.append('if ' + ' '.join(interfaces))
    formats = link.get_attribute_values('ct')
    if formats:
        parts.append(', '.join(payload.content_format_name(int(ct)) if ct.isdigit() else ct
                               for ct in formats))
    if link.has_attribute('obs'):
        parts.append('observable')
    return GLib.markup_escape_text(' · '.join(parts))


class Device(GObject.Object):
    """One CoAP endpoint and the links it describes itself with."""

    def __init__(self, base):
        super().__init__()
        self.base = base
        self.links = []
        self.error = None
        self.row = Adw.ExpanderRow(title=GLib.markup_escape_text(base),
                                   subtitle='Asking for its resources…')
        self.resource_rows = []

    def set_links(self, links):
        for row in self.resource_rows:
            self.row.remove(row)
        self.links = list(links)
        self.error = None
        self.resource_rows = []
        for link in self.links:
            uri = link.get_uri()
            if uri is None:
                continue
            title = link.get_attribute('title') or link.get_target()
            row = Adw.ActionRow(title=GLib.markup_escape_text(title),
                                subtitle=resource_subtitle(link), activatable=True)
            row.set_tooltip_text(uri)
            row.set_action_name('win.open-resource')
            row.set_action_target_value(GLib.Variant('s', uri))
            row.add_suffix(Gtk.Image.new_from_icon_name('go-next-symbolic'))
            row.link = link
            self.row.add_row(row)
            self.resource_rows.append(row)
        count = len(self.resource_rows)
        self.row.set_subtitle('%d resource%s' % (count, '' if count == 1 else 's'))
        self.row.set_expanded(True)

    def set_error(self, words):
        self.error = words
        self.row.set_subtitle(GLib.markup_escape_text(words))

    def link_for(self, uri):
        return next((link for link in self.links if link.get_uri() == uri), None)


class DeviceList(Gtk.Box):
    """The sidebar: open a URI, discover by multicast, the devices found."""

    __gsignals__ = {
        'changed': (GObject.SignalFlags.RUN_FIRST, None, ()),
    }

    def __init__(self, context):
        super().__init__(orientation=Gtk.Orientation.VERTICAL, spacing=18,
                         margin_top=12, margin_bottom=12, margin_start=12, margin_end=12)
        self.context = context
        self.devices = {}
        self.discovering = 0
        self.cancellable = Gio.Cancellable()

        open_group = Adw.PreferencesGroup(title='Open a Device')
        self.uri_entry = Adw.EntryRow(title='CoAP URI', show_apply_button=True)
        self.uri_entry.connect('apply', self._on_apply)
        self.uri_entry.connect('entry-activated', self._on_apply)
        open_group.add(self.uri_entry)
        self.append(open_group)

        # RFC 7252 §9.1.3.1: PreSharedKey mode, what most devices that
        # speak coaps are set up with.
        secure_group = Adw.PreferencesGroup(
            title='Secure Devices (coaps)',
            description='The pre-shared key that coaps:// addresses are opened with.')
        self.psk_identity_entry = Adw.EntryRow(title='Identity')
        self.psk_key_entry = Adw.PasswordEntryRow(title='Key', show_apply_button=True)
        self.psk_key_entry.connect('apply', lambda entry: self.set_psk(
            self.psk_identity_entry.get_text(), entry.get_text()))
        secure_group.add(self.psk_identity_entry)
        secure_group.add(self.psk_key_entry)
        self.psk_status = Gtk.Label(xalign=0, wrap=True, css_classes=['dim-label'])
        secure_group.add(self.psk_status)
        self.append(secure_group)
        if not CoapUdp6.Credentials.is_supported():
            secure_group.set_sensitive(False)
            self.psk_status.set_text('This build of coap-udp6 has no coaps.')

        discover_group = Adw.PreferencesGroup(
            title='Multicast Discovery',
            description='Asks every CoAP node on the chosen networks for its resources.')
        self.discover_button = Gtk.Button(label='Discover', valign=Gtk.Align.CENTER,
                                          action_name='win.discover')
        self.discover_button.add_css_class('suggested-action')
        self.discover_spinner = Gtk.Spinner(valign=Gtk.Align.CENTER)
        suffix = Gtk.Box(spacing=6)
        suffix.append(self.discover_spinner)
        suffix.append(self.discover_button)
        discover_group.set_header_suffix(suffix)
        self.interface_row = Adw.ExpanderRow(title='Interfaces')
        self.interface_checks = {}
        for index, name in socket.if_nameindex():
            check = Gtk.CheckButton(active=name != 'lo', valign=Gtk.Align.CENTER)
            row = Adw.ActionRow(title=name, subtitle='interface %d' % index,
                                activatable_widget=check)
            row.add_prefix(check)
            self.interface_row.add_row(row)
            self.interface_checks[name] = check
        discover_group.add(self.interface_row)
        self.group_checks = {}
        for group, label in GROUPS:
            check = Gtk.CheckButton(active=group != 'ff05::fd', valign=Gtk.Align.CENTER)
            row = Adw.ActionRow(title=label, activatable_widget=check)
            row.add_prefix(check)
            discover_group.add(row)
            self.group_checks[group] = check
        self.discover_status = Gtk.Label(xalign=0, wrap=True, css_classes=['dim-label'])
        discover_group.add(self.discover_status)
        self.append(discover_group)

        self.device_group = Adw.PreferencesGroup(title='Devices')
        self.placeholder = Adw.ActionRow(title='No devices yet',
                                         subtitle='Type a URI above or discover them.')
        self.device_group.add(self.placeholder)
        self.append(self.device_group)

    # Credentials

    def set_psk(self, identity, key):
        """Opens coaps:// addresses with this identity and key from now on.

        Sessions already established keep theirs until they close."""
        if not identity or not key:
            self.psk_status.set_text('Give both an identity and a key.')
            return False
        credentials = CoapUdp6.Credentials.new()
        credentials.set_psk(identity, GLib.Bytes.new(key.encode()))
        self.context.set_credentials(credentials)
        self.psk_status.set_text('coaps:// addresses are opened as \u201c%s\u201d.' % identity)
        return True

    # Opening by hand

    def _on_apply(self, entry):
        self.get_root().activate_action('win.open-uri', GLib.Variant('s', entry.get_text()))

    def device(self, base):
        device = self.devices.get(base)
        if device is None:
            if self.placeholder.get_parent() is not None:
                self.device_group.remove(self.placeholder)
            device = self.devices[base] = Device(base)
            self.device_group.add(device.row)
        return device

    def open_base(self, base, on_done=None):
        """Fetches base + /.well-known/core; on_done(device) after."""
        device = self.device(base)
        device.row.set_subtitle('Asking for its resources…')
        request = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.GET)
        try:
            request.set_request_uri(base + WELL_KNOWN_CORE)
        except GLib.Error as e:
            device.set_error(errors.describe_error(e))
            self.emit('changed')
            return device

        def done(context, result):
            try:
                response = context.request_finish(result)
            except GLib.Error as e:
                device.set_error(errors.describe_error(e))
            else:
                self._take_response(device, response)
            self.emit('changed')
            if on_done is not None:
                on_done(device)
        self.context.request_async(request, self.cancellable, done)
        return device

    def _take_response(self, device, response):
        code = response.get_code()
        if not CoapUdp6.code_is_successful(code):
            name, words = errors.describe_code(code)
            device.set_error('%s: %s' % (name, words or 'no resource list'))
            return
        try:
            links = CoapUdp6.link_format_parse_bytes(response.get_payload(),
                                                     device.base + WELL_KNOWN_CORE)
        except GLib.Error as e:
            device.set_error(errors.describe_error(e))
            return
        device.set_links(links)

    # Multicast discovery

    def discovery_ms(self):
        return int(self.context.props.default_leisure * 1000) + EXTRA_DISCOVERY_MS

    def discover(self):
        interfaces = [name for name, check in self.interface_checks.items() if check.get_active()]
        groups = [group for group, check in self.group_checks.items() if check.get_active()]
        uris = []
        for group in groups:
            if ':' in group:
                uris += [group_uri(group, interface) for interface in interfaces]
            else:
                uris.append(group_uri(group, None))
        if not uris:
            self.discover_status.set_text('Choose an interface and a group first.')
            return
        self.discovering += len(uris)
        self.discover_spinner.start()
        self.discover_button.set_sensitive(False)
        self.discover_status.set_text('Asking %d group%s…' % (len(uris), '' if len(uris) == 1 else 's'))
        self.found = 0
        for uri in uris:
            request = CoapUdp6.Message.new(CoapUdp6.MessageType.NON, CoapUdp6.Code.GET)
            try:
                request.set_request_uri(uri)
            except GLib.Error as e:
                self._discovered(uri, None, e)
                continue
            self.context.request_multicast_async(request, self.discovery_ms(), self.cancellable,
                                                 self._on_multicast_done, uri)

    def _on_multicast_done(self, context, result, uri):
        try:
            responses = context.request_multicast_finish(result)
        except GLib.Error as e:
            self._discovered(uri, None, e)
        else:
            self._discovered(uri, responses, None)

    def _discovered(self, uri, responses, error):
        self.discovering -= 1
        if error is not None:
            self.discover_status.set_text('%s: %s' % (uri.split('/')[2], errors.describe_error(error)))
        for response in responses or []:
            try:
                base = response.get_remote().get_uri()
            except GLib.Error:
                continue
            self.found += 1
            self._take_response(self.device(base), response)
        if self.discovering == 0:
            self.discover_spinner.stop()
            self.discover_button.set_sensitive(True)
            if error is None:
                self.discover_status.set_text('%d answer%s.' % (self.found, '' if self.found == 1 else 's'))
        self.emit('changed')
