# payload.py: payloads shown and edited by Content-Format (text, JSON
# pretty-printed, link format one link a line, CBOR in diagnostic notation
# and hex, anything else as a hex dump). No GTK here.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import json
import math
import struct

import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, GLib  # noqa: E402

TEXT, JSON, LINK_FORMAT, CBOR, BINARY = 'text', 'json', 'link-format', 'cbor', 'binary'

# Content-Formats whose payload is UTF-8 text (RFC 7252 §12.3 registry).
_TEXT_FORMATS = {0, 41}
_JSON_FORMATS = {50, 51, 52, 110, 111, 432}
_CBOR_FORMATS = {60, 61, 112, 113, 62, 63, 19, 10000}


def kind_of(content_format):
    """The editor for a Content-Format number (None: no option)."""
    if content_format is None or content_format < 0 or content_format in _TEXT_FORMATS:
        return TEXT
    if content_format in _JSON_FORMATS:
        return JSON
    if content_format == CoapUdp6.ContentFormat.LINK_FORMAT:
        return LINK_FORMAT
    if content_format in _CBOR_FORMATS:
        return CBOR
    return BINARY


def content_format_name(content_format):
    if content_format is None or content_format < 0:
        return 'none'
    name = CoapUdp6.content_format_to_string(content_format)
    return '%s (%d)' % (name, content_format) if name else str(content_format)


def content_format_of(message):
    """A message's Content-Format number, or None without the option."""
    present, value = message.get_content_format()
    return value if present else None


def hex_dump(data):
    lines = []
    for offset in range(0, len(data), 16):
        chunk = data[offset:offset + 16]
        text = ''.join(chr(b) if 32 <= b < 127 else '.' for b in chunk)
        lines.append('%04x  %-47s  %s' % (offset, chunk.hex(' '), text))
    return '\n'.join(lines)


def parse_hex(text):
    """Bytes from hex digits; a dump's offsets and text columns are ignored."""
    digits = []
    for line in text.splitlines():
        fields = line.split('  ')
        if len(fields) >= 2 and len(fields[0]) == 4:
            line = fields[1]
        digits.append(line)
    return bytes.fromhex(''.join(digits).replace(' ', ''))


class _Cbor:
    """Just enough of RFC 8949 to write diagnostic notation (§8)."""

    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError('truncated CBOR')
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def argument(self, info):
        if info < 24:
            return info
        if info in (24, 25, 26, 27):
            return int.from_bytes(self.take(1 << (info - 24)), 'big')
        raise ValueError('indefinite lengths are not shown')

    def item(self, depth=0):
        if depth > 32:
            raise ValueError('CBOR nested too deeply')
        initial = self.take(1)[0]
        major, info = initial >> 5, initial & 31
        if major == 7:
            if info == 20:
                return 'false'
            if info == 21:
                return 'true'
            if info == 22:
                return 'null'
            if info == 23:
                return 'undefined'
            if info == 25:
                return _float(struct.unpack('>e', self.take(2))[0])
            if info == 26:
                return _float(struct.unpack('>f', self.take(4))[0])
            if info == 27:
                return _float(struct.unpack('>d', self.take(8))[0])
            return 'simple(%d)' % self.argument(info)
        value = self.argument(info)
        if major == 0:
            return str(value)
        if major == 1:
            return str(-1 - value)
        if major == 2:
            return "h'%s'" % self.take(value).hex()
        if major == 3:
            return json.dumps(self.take(value).decode())
        if major == 4:
            return '[%s]' % ', '.join(self.item(depth + 1) for _ in range(value))
        if major == 5:
            return '{%s}' % ', '.join('%s: %s' % (self.item(depth + 1), self.item(depth + 1))
                                      for _ in range(value))
        return '%d(%s)' % (value, self.item(depth + 1))


def _float(value):
    if math.isnan(value):
        return 'NaN'
    if math.isinf(value):
        return 'Infinity' if value > 0 else '-Infinity'
    return repr(value)


def cbor_diagnostic(data):
    """Diagnostic notation of a CBOR sequence, or None if it is not CBOR."""
    decoder = _Cbor(data)
    items = []
    try:
        while decoder.pos < len(data):
            items.append(decoder.item())
    except (ValueError, UnicodeDecodeError, struct.error):
        return None
    return ', '.join(items)


def show(data, content_format):
    """(kind, text) to show a payload of this Content-Format."""
    data = bytes(data or b'')
    kind = kind_of(content_format)
    if kind == CBOR:
        diagnostic = cbor_diagnostic(data)
        text = hex_dump(data)
        return kind, text if diagnostic is None else '%s\n\n%s' % (diagnostic, text)
    if kind == BINARY:
        return kind, hex_dump(data)
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError:
        return BINARY, hex_dump(data)
    if kind == JSON:
        try:
            return kind, json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except ValueError:
            return TEXT, text
    if kind == LINK_FORMAT:
        try:
            links = CoapUdp6.link_format_parse(text, None)
        except GLib.Error:
            return TEXT, text
        return kind, ',\n'.join(link.to_string() for link in links)
    if any(ord(c) < 32 and c not in '\t\r\n' for c in text):
        return BINARY, hex_dump(data)
    return kind, text


def encode(text, content_format):
    """The payload bytes an editor's text stands for; ValueError says why not."""
    kind = kind_of(content_format)
    if kind in (CBOR, BINARY):
        # A shown CBOR payload is its diagnostic notation, a blank line and hex.
        text = text.split('\n\n')[-1]
        try:
            return parse_hex(text)
        except ValueError:
            raise ValueError('The payload is not hexadecimal bytes (such as “a1 61 78 01”).')
    if kind == JSON:
        try:
            return json.dumps(json.loads(text), separators=(',', ':')).encode()
        except ValueError as e:
            raise ValueError('The payload is not JSON: %s.' % e)
    if kind == LINK_FORMAT:
        try:
            links = CoapUdp6.link_format_parse(text.replace(',\n', ','), None)
        except GLib.Error as e:
            raise ValueError(e.message)
        return CoapUdp6.link_format_build(links).encode()
    return text.encode()


def number_in(data):
    """The number a payload holds (`21.5`, `{"v": 3}` has none), or None."""
    try:
        text = bytes(data or b'').decode('ascii').strip()
        value = float(text.split()[0]) if text else None
    except (UnicodeDecodeError, ValueError, IndexError):
        return None
    return value if value is not None and math.isfinite(value) else None
