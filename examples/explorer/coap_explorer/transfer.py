# transfer.py: a resource's body to or from a file, block by block (RFC
# 7959), with a progress bar and cancel; memory does not grow with the file.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import gi
gi.require_version('CoapUdp6', '1.0')
gi.require_version('Gtk', '4.0')
gi.require_version('Adw', '1')
from gi.repository import Adw, CoapUdp6, Gio, GLib, GObject, Gtk  # noqa: E402

from . import errors  # noqa: E402


def size_text(size):
    return GLib.format_size(size) if size >= 0 else 'unknown size'


class TransferPanel(Adw.PreferencesGroup):
    def __init__(self, context):
        super().__init__(title='Files',
                         description='Download the resource into a file, or upload a file to it, '
                                     'block by block.')
        self.context = context
        self.cancellable = None
        self.progress_calls = 0
        self.result = None
        buttons = Gtk.Box(spacing=6, valign=Gtk.Align.CENTER)
        buttons.append(Gtk.Button(label='Download…', action_name='win.download'))
        buttons.append(Gtk.Button(label='Upload…', action_name='win.upload'))
        self.cancel_button = Gtk.Button(label='Cancel', action_name='win.cancel-transfer',
                                        visible=False)
        buttons.append(self.cancel_button)
        self.set_header_suffix(buttons)
        self.status_row = Adw.ActionRow(title='No transfer yet', subtitle='')
        self.add(self.status_row)
        self.progress = Gtk.ProgressBar(show_text=True, text='', margin_top=12)
        self.add(self.progress)

    # A transfer runs: the Cancel Transfer action is enabled.
    busy = GObject.Property(type=bool, default=False)

    def cancel(self):
        if self.cancellable is not None:
            self.cancellable.cancel()

    def _begin(self, title):
        self.cancellable = Gio.Cancellable()
        self.busy = True
        self.progress_calls = 0
        self.result = None
        self.status_row.set_title(GLib.markup_escape_text(title))
        self.status_row.set_subtitle('')
        self.progress.set_fraction(0)
        self.progress.set_text('')
        self.cancel_button.set_visible(True)

    def _end(self, title, words, on_done):
        self.cancellable = None
        self.busy = False
        self.cancel_button.set_visible(False)
        self.result = title
        self.status_row.set_title(GLib.markup_escape_text(title))
        self.status_row.set_subtitle(GLib.markup_escape_text(words))
        if on_done is not None:
            on_done()

    def _on_progress(self, done, total, upload, *user_data):
        self.progress_calls += 1
        if total > 0:
            self.progress.set_fraction(min(done / total, 1.0))
        else:
            self.progress.pulse()
        self.progress.set_text('%s of %s %s' % (size_text(done), size_text(total),
                                                'sent' if upload else 'received'))

    def _failed(self, error, on_done):
        self._end('The transfer failed', errors.describe_error(error), on_done)

    def _answered(self, response, what, on_done):
        name, words = errors.describe_code(response.get_code())
        self._end(name, words or what, on_done)

    def download(self, uri, file, on_done=None):
        """GETs uri into file; the response's body is never held whole."""
        request = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.GET)
        try:
            request.set_request_uri(uri)
        except GLib.Error as e:
            self._failed(e, on_done)
            return
        self._begin('Downloading into %s…' % file.get_basename())
        cancellable = self.cancellable

        def opened(file, result):
            try:
                sink = file.replace_finish(result)
            except GLib.Error as e:
                self._failed(e, on_done)
                return
            self.context.request_stream_async(request, None, -1, sink, self._on_progress, (),
                                              cancellable, received, sink)

        def received(context, result, sink):
            try:
                response = context.request_stream_finish(result)
            except GLib.Error as e:
                sink.close_async(GLib.PRIORITY_DEFAULT, None, None)
                self._failed(e, on_done)
                return
            sink.close_async(GLib.PRIORITY_DEFAULT, None, closed, response)

        def closed(sink, result, response):
            try:
                sink.close_finish(result)
            except GLib.Error as e:
                self._failed(e, on_done)
                return
            self.progress.set_fraction(1.0)
            self._answered(response, 'Saved into %s.' % file.get_basename(), on_done)
        file.replace_async(None, False, Gio.FileCreateFlags.REPLACE_DESTINATION,
                           GLib.PRIORITY_DEFAULT, cancellable, opened)

    def upload(self, uri, method, content_format, file, on_done=None):
        """PUTs or POSTs file to uri, read as it is sent."""
        request = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, getattr(CoapUdp6.Code, method))
        try:
            request.set_request_uri(uri)
        except GLib.Error as e:
            self._failed(e, on_done)
            return
        if content_format is not None:
            request.set_content_format(content_format)
        self._begin('Uploading %s…' % file.get_basename())
        cancellable = self.cancellable

        def measured(file, result):
            try:
                size = file.query_info_finish(result).get_size()
            except GLib.Error as e:
                self._failed(e, on_done)
                return
            file.read_async(GLib.PRIORITY_DEFAULT, cancellable, opened, size)

        def opened(file, result, size):
            try:
                body = file.read_finish(result)
            except GLib.Error as e:
                self._failed(e, on_done)
                return
            self.context.request_stream_async(request, body, size, None, self._on_progress, (),
                                              cancellable, sent, body)

        def sent(context, result, body):
            body.close_async(GLib.PRIORITY_DEFAULT, None, None)
            try:
                response = context.request_stream_finish(result)
            except GLib.Error as e:
                self._failed(e, on_done)
                return
            self._answered(response, 'Uploaded %s.' % file.get_basename(), on_done)
        file.query_info_async(Gio.FILE_ATTRIBUTE_STANDARD_SIZE, Gio.FileQueryInfoFlags.NONE,
                              GLib.PRIORITY_DEFAULT, cancellable, measured)
