# resource_page.py: one resource: GET/PUT/POST/DELETE with a payload
# editor that knows the Content-Format, and the response (code in words,
# Content-Format, options, time, payload).
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import time

import gi
gi.require_version('CoapUdp6', '1.0')
gi.require_version('Gtk', '4.0')
gi.require_version('Adw', '1')
from gi.repository import Adw, CoapUdp6, Gio, GLib, GObject, Gtk  # noqa: E402

from . import errors, payload  # noqa: E402
from .observe_panel import ObservePanel  # noqa: E402
from .transfer import TransferPanel  # noqa: E402

METHODS = ['GET', 'POST', 'PUT', 'DELETE']
# The Content-Formats offered for a request payload.
REQUEST_FORMATS = [
    (0, 'text/plain'),
    (50, 'application/json'),
    (40, 'application/link-format'),
    (60, 'application/cbor (hex)'),
    (42, 'application/octet-stream (hex)'),
]


def option_value_text(number, value):
    data = bytes(value.get_data() or b'')
    fmt = CoapUdp6.option_get_format(number)
    if fmt == CoapUdp6.OptionFormat.UINT:
        number_value = int.from_bytes(data, 'big')
        if number in (CoapUdp6.OptionNumber.CONTENT_FORMAT, CoapUdp6.OptionNumber.ACCEPT):
            return payload.content_format_name(number_value)
        return str(number_value)
    if fmt == CoapUdp6.OptionFormat.STRING:
        return data.decode('utf-8', 'replace')
    if fmt == CoapUdp6.OptionFormat.EMPTY:
        return '(empty)'
    return data.hex(' ') or '(empty)'


def text_view(editable):
    view = Gtk.TextView(monospace=True, editable=editable, cursor_visible=editable,
                        wrap_mode=Gtk.WrapMode.WORD_CHAR, top_margin=8, bottom_margin=8,
                        left_margin=8, right_margin=8)
    view.add_css_class('card')
    return view


def view_text(view):
    buffer = view.get_buffer()
    return buffer.get_text(buffer.get_start_iter(), buffer.get_end_iter(), False)


class ResourcePage(Gtk.ScrolledWindow):
    """What the window's content pane shows for one resource URI."""

    __gsignals__ = {
        'response': (GObject.SignalFlags.RUN_FIRST, None, ()),
    }
    # A request is on its way: the Cancel action (Escape) is enabled.
    busy = GObject.Property(type=bool, default=False)

    def __init__(self, context):
        super().__init__(hscrollbar_policy=Gtk.PolicyType.NEVER, vexpand=True)
        self.context = context
        self.uri = None
        self.cancellable = None
        self.response = None
        self.response_payload = b''
        self.elapsed = None
        self.error_text = None
        self.method = 'GET'

        box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=18,
                      margin_top=18, margin_bottom=18, margin_start=12, margin_end=12)
        clamp = Adw.Clamp(maximum_size=800, child=box)
        self.set_child(clamp)

        request_group = Adw.PreferencesGroup(title='Request')
        self.uri_row = Adw.ActionRow(title='Resource')
        self.uri_row.add_css_class('property')
        request_group.add(self.uri_row)

        method_row = Adw.ActionRow(title='Method')
        methods = Gtk.Box(css_classes=['linked'], valign=Gtk.Align.CENTER)
        self.method_buttons = {}
        for i, method in enumerate(METHODS):
            button = Gtk.ToggleButton(label=method, action_name='win.method',
                                      action_target=GLib.Variant('s', method))
            button.set_tooltip_text('%s (Ctrl+%d)' % (method, i + 1))
            methods.append(button)
            self.method_buttons[method] = button
        method_row.add_suffix(methods)
        request_group.add(method_row)

        self.format_row = Adw.ComboRow(title='Payload Content-Format',
                                       model=Gtk.StringList.new([label for _, label in REQUEST_FORMATS]))
        request_group.add(self.format_row)
        box.append(request_group)

        self.editor = text_view(True)
        self.editor.set_size_request(-1, 90)
        self.editor.update_property([Gtk.AccessibleProperty.LABEL], ['Request payload'])
        self.editor_label = Gtk.Label(label='Request payload', xalign=0,
                                      css_classes=['heading'])
        box.append(self.editor_label)
        box.append(self.editor)

        buttons = Gtk.Box(spacing=12, halign=Gtk.Align.END)
        self.upload_button = Gtk.Button(label='Load from File…', action_name='win.load-payload')
        buttons.append(self.upload_button)
        self.cancel_button = Gtk.Button(label='Cancel', action_name='win.cancel', visible=False)
        buttons.append(self.cancel_button)
        self.send_button = Gtk.Button(label='Send', action_name='win.send',
                                      css_classes=['suggested-action'])
        self.send_button.set_tooltip_text('Send the request (Ctrl+Return)')
        buttons.append(self.send_button)
        box.append(buttons)

        response_group = Adw.PreferencesGroup(title='Response')
        self.status_row = Adw.ActionRow(title='No request sent yet', subtitle='')
        self.status_icon = Gtk.Image(icon_name='network-idle-symbolic')
        self.status_row.add_prefix(self.status_icon)
        self.spinner = Gtk.Spinner()
        self.status_row.add_suffix(self.spinner)
        response_group.add(self.status_row)
        self.format_value_row = Adw.ActionRow(title='Content-Format', subtitle='—')
        self.format_value_row.add_css_class('property')
        response_group.add(self.format_value_row)
        self.time_row = Adw.ActionRow(title='Time', subtitle='—')
        self.time_row.add_css_class('property')
        response_group.add(self.time_row)
        self.options_row = Adw.ExpanderRow(title='Options', subtitle='—')
        self.option_rows = []
        response_group.add(self.options_row)
        box.append(response_group)

        self.response_view = text_view(False)
        self.response_view.set_size_request(-1, 120)
        self.response_view.update_property([Gtk.AccessibleProperty.LABEL], ['Response payload'])
        heading = Gtk.Box(spacing=12)
        self.response_label = Gtk.Label(label='Response payload', xalign=0, hexpand=True,
                                        css_classes=['heading'])
        heading.append(self.response_label)
        heading.append(Gtk.Button(label='Save to File…', action_name='win.save-payload'))
        box.append(heading)
        box.append(self.response_view)

        self.observe_panel = ObservePanel(context)
        box.append(self.observe_panel)
        self.transfer_panel = TransferPanel(context)
        box.append(self.transfer_panel)
        self.extra = box

    # Showing a resource

    def show_resource(self, uri, link=None):
        self.abandon()
        self.uri = uri
        self.uri_row.set_subtitle(GLib.markup_escape_text(uri))
        self.set_method('GET')
        self.observe_panel.set_uri(uri, link is not None and link.has_attribute('obs'))
        if link is not None:
            formats = link.get_attribute_values('ct')
            for i, (number, _) in enumerate(REQUEST_FORMATS):
                if formats and formats[0] == str(number):
                    self.format_row.set_selected(i)
        self._clear_response('No request sent yet')

    def set_method(self, method):
        self.method = method
        for name, button in self.method_buttons.items():
            button.set_active(name == method)
        carries_payload = method in ('PUT', 'POST')
        self.editor.set_sensitive(carries_payload)
        self.format_row.set_sensitive(carries_payload)
        self.upload_button.set_sensitive(carries_payload)

    def request_format(self):
        return REQUEST_FORMATS[self.format_row.get_selected()][0]

    def set_request_payload(self, data):
        """Puts bytes in the editor, shown as the chosen Content-Format wants."""
        _, text = payload.show(data, self.request_format())
        self.editor.get_buffer().set_text(text)

    # Requests

    def send(self):
        if self.uri is None:
            return
        self.abandon()
        request = CoapUdp6.Message.new(CoapUdp6.MessageType.CON,
                                       getattr(CoapUdp6.Code, self.method))
        try:
            request.set_request_uri(self.uri)
            if self.method in ('PUT', 'POST'):
                fmt = self.request_format()
                request.set_payload(payload.encode(view_text(self.editor), fmt))
                request.set_content_format(fmt)
        except (GLib.Error, ValueError) as e:
            self._clear_response('')
            self._show_error(errors.describe_error(e) if isinstance(e, GLib.Error) else str(e))
            return
        self._clear_response('Waiting for %s…' % GLib.markup_escape_text(self.uri))
        self.spinner.start()
        self.cancel_button.set_visible(True)
        self.cancellable = Gio.Cancellable()
        self.busy = True
        started = time.monotonic()
        self.context.request_async(request, self.cancellable, self._on_response,
                                   (self.cancellable, started))

    def cancel(self):
        """Cancels the request on its way; its page says so."""
        if self.cancellable is not None:
            self.cancellable.cancel()

    def abandon(self):
        """Cancels the request on its way without a word: another replaces it."""
        cancellable, self.cancellable = self.cancellable, None
        if cancellable is not None:
            cancellable.cancel()
            self._finish()

    def _on_response(self, context, result, data):
        cancellable, started = data
        elapsed = time.monotonic() - started
        try:
            response = context.request_finish(result)
        except GLib.Error as e:
            if cancellable is self.cancellable:
                self._finish()
                self._show_error(errors.describe_error(e))
            return
        if cancellable is not self.cancellable:
            return
        self._finish()
        self.show_response(response, elapsed)

    def _finish(self):
        self.cancellable = None
        self.busy = False
        self.spinner.stop()
        self.cancel_button.set_visible(False)

    def _clear_response(self, status):
        self.response = None
        self.response_payload = b''
        self.error_text = None
        self.status_row.set_title(status)
        self.status_row.set_subtitle('')
        self.status_icon.set_from_icon_name('network-idle-symbolic')
        self.status_row.remove_css_class('error')
        self.format_value_row.set_subtitle('—')
        self.time_row.set_subtitle('—')
        self._set_options([])
        self.response_view.get_buffer().set_text('')
        self.response_label.set_label('Response payload')

    def _show_error(self, words):
        self.error_text = words
        self.status_row.set_title('The request failed')
        self.status_row.set_subtitle(GLib.markup_escape_text(words))
        self.status_icon.set_from_icon_name('dialog-error-symbolic')
        self.emit('response')

    def _set_options(self, options):
        for row in self.option_rows:
            self.options_row.remove(row)
        self.option_rows = []
        for name, value in options:
            row = Adw.ActionRow(title=GLib.markup_escape_text(name),
                                subtitle=GLib.markup_escape_text(value))
            row.add_css_class('property')
            self.options_row.add_row(row)
            self.option_rows.append(row)
        self.options_row.set_subtitle('%d' % len(options) if options else 'none')

    def show_response(self, response, elapsed):
        self.response = response
        self.elapsed = elapsed
        code = response.get_code()
        name, words = errors.describe_code(code)
        self.status_row.set_title(GLib.markup_escape_text(name))
        self.status_row.set_subtitle(GLib.markup_escape_text(
            words or 'from %s' % response.get_remote().get_hostinfo()))
        self.status_icon.set_from_icon_name(
            'emblem-ok-symbolic' if CoapUdp6.code_is_successful(code) else 'dialog-warning-symbolic')
        content_format = payload.content_format_of(response)
        self.format_value_row.set_subtitle(GLib.markup_escape_text(
            payload.content_format_name(content_format)))
        self.time_row.set_subtitle('%.1f ms' % (elapsed * 1000))
        options = []
        for i in range(response.get_n_options()):
            value, number = response.get_nth_option(i)
            name = CoapUdp6.option_get_name(number) or 'Option %d' % number
            options.append(('%s (%d)' % (name, number), option_value_text(number, value)))
        self._set_options(options)
        data = bytes(response.get_payload().get_data() or b'') if response.get_payload() else b''
        self.response_payload = data
        kind, text = payload.show(data, content_format)
        self.response_view.get_buffer().set_text(text)
        self.response_label.set_label('Response payload (%d bytes, shown as %s)' % (len(data), kind))
        self.emit('response')
