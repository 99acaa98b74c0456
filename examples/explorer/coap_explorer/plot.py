# plot.py: the numeric values of the last minutes, drawn with cairo.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import collections
import time

import gi
gi.require_version('Gtk', '4.0')
gi.require_foreign('cairo')
from gi.repository import Gtk  # noqa: E402

WINDOW_SECONDS = 300
MAX_SAMPLES = 2000


class ValuePlot(Gtk.DrawingArea):
    def __init__(self, **properties):
        super().__init__(content_height=160, hexpand=True, **properties)
        self.samples = collections.deque(maxlen=MAX_SAMPLES)
        self.set_draw_func(self._draw)
        self.update_property([Gtk.AccessibleProperty.LABEL], ['Values of the last five minutes'])

    def add(self, value, when=None):
        when = time.monotonic() if when is None else when
        self.samples.append((when, value))
        while self.samples and self.samples[0][0] < when - WINDOW_SECONDS:
            self.samples.popleft()
        self.queue_draw()

    def clear(self):
        self.samples.clear()
        self.queue_draw()

    def _draw(self, area, cr, width, height):
        color = self.get_style_context().get_color()
        left, right, top, bottom = 56, 8, 8, 20
        plot_w, plot_h = max(width - left - right, 1), max(height - top - bottom, 1)
        cr.set_source_rgba(color.red, color.green, color.blue, 0.15)
        cr.rectangle(left, top, plot_w, plot_h)
        cr.fill()
        cr.set_font_size(11)
        cr.set_source_rgba(color.red, color.green, color.blue, 0.7)
        cr.move_to(left, height - 5)
        cr.show_text('last %d minutes' % (WINDOW_SECONDS // 60))
        if not self.samples:
            return
        values = [value for _, value in self.samples]
        low, high = min(values), max(values)
        if high == low:
            low, high = low - 1, high + 1
        end = self.samples[-1][0]
        start = end - WINDOW_SECONDS

        def x_of(when):
            return left + (when - start) / WINDOW_SECONDS * plot_w

        def y_of(value):
            return top + (high - value) / (high - low) * plot_h

        for value in (low, (low + high) / 2, high):
            cr.set_source_rgba(color.red, color.green, color.blue, 0.7)
            cr.move_to(4, y_of(value) + 4)
            cr.show_text('%.4g' % value)
            cr.set_source_rgba(color.red, color.green, color.blue, 0.2)
            cr.move_to(left, y_of(value))
            cr.line_to(left + plot_w, y_of(value))
            cr.set_line_width(1)
            cr.stroke()
        cr.set_source_rgb(0.21, 0.52, 0.89)
        cr.set_line_width(2)
        for i, (when, value) in enumerate(self.samples):
            (cr.line_to if i else cr.move_to)(x_of(when), y_of(value))
        cr.stroke()
        when, value = self.samples[-1]
        cr.arc(x_of(when), y_of(value), 3.5, 0, 6.2832)
        cr.fill()
