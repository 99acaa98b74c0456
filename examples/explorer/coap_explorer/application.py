# application.py: the AdwApplication; one CoAP client context for all windows.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import sys

import gi
gi.require_version('CoapUdp6', '1.0')
gi.require_version('Gtk', '4.0')
gi.require_version('Adw', '1')
from gi.repository import Adw, CoapUdp6, Gio, GLib, Gtk  # noqa: E402

from . import APPLICATION_ID, VERSION  # noqa: E402
from .window import ExplorerWindow  # noqa: E402

SHORTCUTS = [
    ('General', [('<Control>l', 'Type a device or resource URI'),
                 ('<Control>d', 'Discover devices by multicast'),
                 ('<Alt>Left', 'Back to the devices'),
                 ('<Control>q', 'Quit')]),
    ('Requests', [('<Control>1', 'GET'), ('<Control>2', 'POST'), ('<Control>3', 'PUT'),
                  ('<Control>4', 'DELETE'), ('<Control>Return', 'Send the request'),
                  ('Escape', 'Cancel the request'),
                  ('<Control><Shift>o', 'Observe the resource, or stop'),
                  ('<Control>o', 'Load the request payload from a file'),
                  ('<Control>s', 'Save the response payload to a file'),
                  ('<Control><Shift>s', 'Download the resource into a file, block by block'),
                  ('<Control>u', 'Upload a file to the resource, block by block')]),
]


def shortcuts_window():
    """The Ctrl+? window, from builder XML (GTK 4.8 has no API to fill one)."""
    groups = []
    for title, shortcuts in SHORTCUTS:
        items = ''.join(
            '<child><object class="GtkShortcutsShortcut">'
            '<property name="accelerator">%s</property><property name="title">%s</property>'
            '</object></child>' % (GLib.markup_escape_text(accel), GLib.markup_escape_text(text))
            for accel, text in shortcuts)
        groups.append('<child><object class="GtkShortcutsGroup"><property name="title">%s</property>'
                      '%s</object></child>' % (GLib.markup_escape_text(title), items))
    xml = ('<interface><object class="GtkShortcutsWindow" id="window"><property name="modal">1</property>'
           '<child><object class="GtkShortcutsSection"><property name="section-name">main</property>'
           '%s</object></child></object></interface>' % ''.join(groups))
    return Gtk.Builder.new_from_string(xml, -1).get_object('window')


class ExplorerApplication(Adw.Application):
    def __init__(self, flags=Gio.ApplicationFlags.FLAGS_NONE):
        super().__init__(application_id=APPLICATION_ID, flags=flags)
        self.context = None

    def do_startup(self):
        Adw.Application.do_startup(self)
        # A client context opens its socket now; requests never block.
        self.context = CoapUdp6.Context.new_client()
        quit_action = Gio.SimpleAction.new('quit', None)
        quit_action.connect('activate', lambda a, p: self.quit())
        self.add_action(quit_action)
        self.set_accels_for_action('app.quit', ['<Control>q'])
        about = Gio.SimpleAction.new('about', None)
        about.connect('activate', lambda a, p: self.show_about())
        self.add_action(about)

    def do_activate(self):
        window = self.get_active_window()
        if window is None:
            window = ExplorerWindow(self, self.context)
            help_overlay = shortcuts_window()
            window.set_help_overlay(help_overlay)
        window.present()

    def show_about(self):
        about = Adw.AboutWindow(transient_for=self.get_active_window(),
                                application_name='CoAP Explorer', application_icon=APPLICATION_ID,
                                version=VERSION, developer_name='The coap-udp6 authors',
                                license_type=Gtk.License.LGPL_2_1,
                                comments='Finds CoAP devices around you and talks to them.')
        about.present()


def main(argv=None):
    return ExplorerApplication().run(sys.argv if argv is None else argv)
