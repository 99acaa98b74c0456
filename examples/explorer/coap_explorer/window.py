# window.py: the main window: devices on the left, a resource on the right
# (an AdwLeaflet, which folds to one pane on a narrow window).
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import gi
gi.require_version('CoapUdp6', '1.0')
gi.require_version('Gtk', '4.0')
gi.require_version('Adw', '1')
from gi.repository import Adw, CoapUdp6, Gio, GLib, GObject, Gtk  # noqa: E402

from . import devices, errors, payload  # noqa: E402
from .resource_page import METHODS, ResourcePage  # noqa: E402

ACCELS = {
    'win.focus-uri': ['<Control>l'],
    'win.discover': ['<Control>d'],
    'win.send': ['<Control>Return'],
    'win.cancel': ['Escape'],
    'win.save-payload': ['<Control>s'],
    'win.load-payload': ['<Control>o'],
    'win.back': ['<Alt>Left'],
    'win.download': ['<Control><Shift>s'],
    'win.upload': ['<Control>u'],
    'win.observe': ['<Control><Shift>o'],
}


class ExplorerWindow(Adw.ApplicationWindow):
    def __init__(self, application, context):
        super().__init__(application=application, title='CoAP Explorer',
                         default_width=1100, default_height=760)
        self.context = context
        self.pending_resource = None
        self.last_toast = None

        self.leaflet = Adw.Leaflet(can_navigate_back=True)
        self.leaflet.connect('notify::folded', self._on_folded)

        sidebar = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, width_request=360)
        sidebar_header = Adw.HeaderBar(show_end_title_buttons=False,
                                       title_widget=Adw.WindowTitle(title='CoAP Explorer'))
        menu = Gio.Menu()
        menu.append('Keyboard Shortcuts', 'win.show-help-overlay')
        menu.append('About CoAP Explorer', 'app.about')
        sidebar_header.pack_end(Gtk.MenuButton(icon_name='open-menu-symbolic', menu_model=menu,
                                               tooltip_text='Main Menu', primary=True))
        sidebar.append(sidebar_header)
        self.device_list = devices.DeviceList(context)
        sidebar.append(Gtk.ScrolledWindow(child=self.device_list, vexpand=True,
                                          hscrollbar_policy=Gtk.PolicyType.NEVER))
        self.leaflet.append(sidebar)
        self.leaflet.append(Gtk.Separator(orientation=Gtk.Orientation.VERTICAL))

        content = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, hexpand=True)
        self.content_title = Adw.WindowTitle(title='No Resource')
        content_header = Adw.HeaderBar(title_widget=self.content_title)
        self.back_button = Gtk.Button(icon_name='go-previous-symbolic', action_name='win.back',
                                      tooltip_text='Back to the devices (Alt+Left)',
                                      visible=False)
        content_header.pack_start(self.back_button)
        content.append(content_header)
        self.stack = Gtk.Stack(vexpand=True)
        self.empty_page = Adw.StatusPage(
            icon_name='network-wireless-symbolic', title='No Resource Open',
            description='Type a device’s URI or discover devices, then pick a resource.')
        self.stack.add_named(self.empty_page, 'empty')
        self.resource_page = ResourcePage(context)
        self.stack.add_named(self.resource_page, 'resource')
        content.append(self.stack)
        self.leaflet.append(content)
        self.content = content
        self.toasts = Adw.ToastOverlay(child=self.leaflet)
        self.set_content(self.toasts)

        self._add_actions()
        self.connect('close-request', self._on_close)

    def _add_actions(self):
        def add(name, callback, parameter=None):
            action = Gio.SimpleAction.new(name, GLib.VariantType(parameter) if parameter else None)
            action.connect('activate', callback)
            self.add_action(action)
            return action
        add('open-uri', lambda a, p: self.open_uri(p.get_string()), 's')
        add('open-resource', lambda a, p: self.open_resource(p.get_string()), 's')
        add('discover', lambda a, p: self.device_list.discover())
        add('send', lambda a, p: self.resource_page.send())
        add('cancel', lambda a, p: self.resource_page.cancel())
        add('focus-uri', lambda a, p: self.device_list.uri_entry.grab_focus())
        add('back', lambda a, p: self.leaflet.navigate(Adw.NavigationDirection.BACK))
        add('save-payload', lambda a, p: self.save_payload())
        add('load-payload', lambda a, p: self.load_payload())
        add('download', lambda a, p: self.choose_file('Download Into', Gtk.FileChooserAction.SAVE,
                                                      self.download_to))
        add('upload', lambda a, p: self.choose_file('Upload File', Gtk.FileChooserAction.OPEN,
                                                    self.upload_from))
        cancel_transfer = add('cancel-transfer', lambda a, p: self.resource_page.transfer_panel.cancel())
        # Enabled only while there is something to cancel, so that Escape
        # reaches the focused widget otherwise.
        self.resource_page.bind_property('busy', self.lookup_action('cancel'), 'enabled',
                                         GObject.BindingFlags.SYNC_CREATE)
        self.resource_page.transfer_panel.bind_property('busy', cancel_transfer, 'enabled',
                                                        GObject.BindingFlags.SYNC_CREATE)
        observe = Gio.SimpleAction.new_stateful('observe', None, GLib.Variant('b', False))
        observe.connect('change-state', self._on_observe)
        self.add_action(observe)
        self.observe_action = observe
        add('observe-ended', lambda a, p: observe.set_state(GLib.Variant('b', False)))
        method = Gio.SimpleAction.new_stateful('method', GLib.VariantType('s'),
                                               GLib.Variant('s', 'GET'))
        method.connect('change-state', self._on_method)
        self.add_action(method)
        self.method_action = method
        application = self.get_application()
        for name, accels in ACCELS.items():
            application.set_accels_for_action(name, accels)
        for i, name in enumerate(METHODS):
            application.set_accels_for_action('win.method::' + name, ['<Control>%d' % (i + 1)])

    def _on_method(self, action, value):
        action.set_state(value)
        self.resource_page.set_method(value.get_string())

    def _on_observe(self, action, value):
        panel = self.resource_page.observe_panel
        if value.get_boolean():
            value = GLib.Variant('b', bool(panel.start()))
        else:
            panel.stop()
        action.set_state(value)

    def _on_folded(self, leaflet, pspec):
        self.back_button.set_visible(leaflet.get_folded())

    def _on_close(self, window):
        self.resource_page.abandon()
        self.resource_page.transfer_panel.cancel()
        self.resource_page.observe_panel.stop()
        self.device_list.cancellable.cancel()
        return False

    def toast(self, words):
        self.last_toast = words
        self.toasts.add_toast(Adw.Toast(title=GLib.markup_escape_text(words), timeout=5))

    # Devices and resources

    def open_uri(self, text):
        """A device (coap://host) or a resource (coap://host/path) typed by hand."""
        text = text.strip()
        if not text:
            return
        if '://' not in text:
            text = 'coap://' + text
        base = devices.base_of(text)
        if base is None:
            self.toast('This is not a CoAP address: %s' % text)
            return
        rest = text[len(base):]
        try:
            CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.GET).set_request_uri(text)
        except GLib.Error as e:
            self.toast(errors.describe_error(e))
            return
        self.device_list.uri_entry.set_text(text)
        self.pending_resource = text if rest not in ('', '/') else None
        self.device_list.open_base(base, self._on_device_opened)

    def _on_device_opened(self, device):
        if self.pending_resource is not None and devices.base_of(self.pending_resource) == device.base:
            uri, self.pending_resource = self.pending_resource, None
            self.open_resource(uri)

    def open_resource(self, uri):
        link = None
        for device in self.device_list.devices.values():
            link = link or device.link_for(uri)
        title = link.get_attribute('title') if link is not None else None
        self.content_title.set_title(GLib.markup_escape_text(title or uri.split('/', 3)[-1] or uri))
        self.content_title.set_subtitle(GLib.markup_escape_text(uri))
        self.resource_page.show_resource(uri, link)
        self.observe_action.set_state(GLib.Variant('b', False))
        self.method_action.set_state(GLib.Variant('s', 'GET'))
        self.stack.set_visible_child_name('resource')
        self.leaflet.set_visible_child(self.content)
        self.resource_page.send_button.grab_focus()

    # Files: saving a response payload, loading a request payload

    def save_payload(self):
        data = self.resource_page.response_payload
        if self.resource_page.response is None:
            self.toast('There is no response to save yet.')
            return
        chooser = Gtk.FileChooserNative(title='Save Payload', transient_for=self,
                                        action=Gtk.FileChooserAction.SAVE, modal=True)
        chooser.set_current_name((self.resource_page.uri or 'payload').rstrip('/').rsplit('/', 1)[-1]
                                 or 'payload')

        def responded(dialog, response):
            if response == Gtk.ResponseType.ACCEPT:
                self.save_payload_to(dialog.get_file(), data)
            self._chooser = None
        chooser.connect('response', responded)
        self._chooser = chooser
        chooser.show()

    def save_payload_to(self, file, data, on_done=None):
        def done(file, result):
            try:
                file.replace_contents_finish(result)
            except GLib.Error as e:
                self.toast('The payload could not be saved: %s' % e.message)
            else:
                self.toast('Saved %d bytes to %s' % (len(data), file.get_basename()))
            if on_done is not None:
                on_done()
        file.replace_contents_bytes_async(GLib.Bytes.new(data), None, False,
                                          Gio.FileCreateFlags.REPLACE_DESTINATION, None, done)

    def load_payload(self):
        chooser = Gtk.FileChooserNative(title='Load Payload', transient_for=self,
                                        action=Gtk.FileChooserAction.OPEN, modal=True)

        def responded(dialog, response):
            if response == Gtk.ResponseType.ACCEPT:
                self.load_payload_from(dialog.get_file())
            self._chooser = None
        chooser.connect('response', responded)
        self._chooser = chooser
        chooser.show()

    def choose_file(self, title, action, then):
        if self.resource_page.uri is None:
            self.toast('Open a resource first.')
            return
        chooser = Gtk.FileChooserNative(title=title, transient_for=self, action=action, modal=True)
        if action == Gtk.FileChooserAction.SAVE:
            chooser.set_current_name(self.resource_page.uri.rstrip('/').rsplit('/', 1)[-1] or 'payload')

        def responded(dialog, response):
            if response == Gtk.ResponseType.ACCEPT:
                then(dialog.get_file())
            self._chooser = None
        chooser.connect('response', responded)
        self._chooser = chooser
        chooser.show()

    def download_to(self, file, on_done=None):
        """Block-wise GET of the open resource into file, with progress."""
        self.resource_page.transfer_panel.download(self.resource_page.uri, file, on_done)

    def upload_from(self, file, on_done=None):
        """Block-wise PUT (or the chosen POST) of file to the open resource."""
        page = self.resource_page
        method = page.method if page.method in ('PUT', 'POST') else 'PUT'
        page.transfer_panel.upload(page.uri, method, page.request_format(), file, on_done)

    def load_payload_from(self, file, on_done=None):
        def done(file, result):
            try:
                ok, contents, etag = file.load_contents_finish(result)
            except GLib.Error as e:
                self.toast('The file could not be read: %s' % e.message)
            else:
                if self.resource_page.method not in ('PUT', 'POST'):
                    self.activate_action('win.method', GLib.Variant('s', 'PUT'))
                self.resource_page.set_request_payload(contents)
            if on_done is not None:
                on_done()
        file.load_contents_async(None, done)


__all__ = ['ExplorerWindow', 'errors', 'payload']
