# observe_panel.py: Observe (RFC 7641) a resource: its live value, the
# number of notifications and, for numbers, a plot of the last minutes.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import gi
gi.require_version('CoapUdp6', '1.0')
gi.require_version('Gtk', '4.0')
gi.require_version('Adw', '1')
from gi.repository import Adw, CoapUdp6, Gio, GLib, Gtk  # noqa: E402

from . import errors, payload  # noqa: E402
from .plot import ValuePlot  # noqa: E402


class ObservePanel(Adw.PreferencesGroup):
    def __init__(self, context):
        super().__init__(title='Observe',
                         description='Get a notification whenever the resource changes.')
        self.context = context
        self.uri = None
        self.observation = None
        self.error_text = None
        self.switch = Gtk.Switch(valign=Gtk.Align.CENTER, action_name='win.observe')
        self.switch_row = Adw.ActionRow(title='Observe', subtitle='Off',
                                        activatable_widget=self.switch)
        self.switch_row.add_suffix(self.switch)
        self.add(self.switch_row)
        self.value_row = Adw.ActionRow(title='Live value', subtitle='—')
        self.add(self.value_row)
        self.count_row = Adw.ActionRow(title='Notifications', subtitle='0')
        self.add(self.count_row)
        self.plot = ValuePlot(visible=False, margin_top=12)
        self.add(self.plot)

    def set_uri(self, uri, observable):
        self.stop()
        self.uri = uri
        self.plot.clear()
        self.plot.set_visible(False)
        self.value_row.set_subtitle('—')
        self.count_row.set_subtitle('0')
        self.switch_row.set_subtitle('The device says the resource is observable.'
                                     if observable else 'Off')

    @property
    def active(self):
        return self.observation is not None

    def start(self):
        if self.uri is None or self.observation is not None:
            return
        self.error_text = None
        request = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.GET)
        try:
            request.set_request_uri(self.uri)
            observation = self.context.observe(request, None)
        except GLib.Error as e:
            self._show_error(errors.describe_error(e))
            return False
        observation.connect('notification', self._on_notification)
        observation.connect('ended', self._on_ended)
        self.observation = observation
        self.switch_row.set_subtitle('Waiting for the first notification…')
        return True

    def stop(self):
        observation, self.observation = self.observation, None
        if observation is None:
            return
        # Observe 1 (RFC 7641 §3.6) tells the device; nothing waits for it.
        observation.cancel_async(None, self._on_cancelled)
        self.switch_row.set_subtitle('Off')

    def _on_cancelled(self, observation, result):
        try:
            observation.cancel_finish(result)
        except GLib.Error:
            pass

    def _on_notification(self, observation, message):
        if observation is not self.observation:
            return
        data = bytes(message.get_payload().get_data() or b'')
        if not CoapUdp6.code_is_successful(message.get_code()):
            name, words = errors.describe_code(message.get_code())
            self.value_row.set_subtitle(GLib.markup_escape_text('%s: %s' % (name, words or '')))
        else:
            _, text = payload.show(data, payload.content_format_of(message))
            self.value_row.set_subtitle(GLib.markup_escape_text(text[:200]) or '(empty)')
        self.count_row.set_subtitle(str(observation.props.n_notifications))
        self.switch_row.set_subtitle('On')
        number = payload.number_in(data)
        if number is not None:
            self.plot.set_visible(True)
            self.plot.add(number)

    def _on_ended(self, observation, error):
        if observation is not self.observation:
            return
        self.observation = None
        if error is not None and not error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED):
            self._show_error(errors.describe_error(error))
        self.get_root().activate_action('win.observe-ended', None)

    def _show_error(self, words):
        self.error_text = words
        self.switch_row.set_subtitle(GLib.markup_escape_text(words))
