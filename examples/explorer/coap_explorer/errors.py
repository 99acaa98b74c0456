# errors.py: failures and response codes in words a person understands.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, Gio, GLib  # noqa: E402

_COAP_ERRORS = {
    CoapUdp6.Error.TIMEOUT: 'The device did not answer, even after retransmissions.',
    CoapUdp6.Error.RESET: 'The device refused the message (it answered with a Reset).',
    CoapUdp6.Error.INVALID_URI: 'This is not a CoAP address: %s',
    CoapUdp6.Error.RESOLUTION: 'The host name could not be found: %s',
    CoapUdp6.Error.UNSUPPORTED_SCHEME: 'This kind of address is not supported: %s',
    CoapUdp6.Error.UNPARSABLE: 'The device sent something that could not be read: %s',
    CoapUdp6.Error.INVALID_MESSAGE: 'This request cannot be sent: %s',
    CoapUdp6.Error.LIMIT_REACHED: 'Too many requests are waiting; try again later.',
    CoapUdp6.Error.SHUT_DOWN: 'The connection was closed.',
    CoapUdp6.Error.FAILED: 'Something went wrong: %s',
    CoapUdp6.Error.ANONYMOUS_HOST: 'This address cannot be written as a CoAP address: %s',
    CoapUdp6.Error.NOT_SUPPORTED: 'This system cannot do that: %s',
    CoapUdp6.Error.BODY_TOO_LARGE: 'The payload is larger than this application takes in memory; '
                                   'download it into a file instead.',
    CoapUdp6.Error.BLOCKWISE: 'The device sent or took the payload in pieces that do not fit '
                              'together: %s',
    CoapUdp6.Error.NOT_OBSERVED: 'The device does not send changes of this resource; '
                                 'the value shown is the one it has now.',
}

_IO_ERRORS = {
    Gio.IOErrorEnum.CONNECTION_REFUSED: 'Nothing answers at this address and port '
                                        '(the connection was refused).',
    Gio.IOErrorEnum.HOST_UNREACHABLE: 'The device cannot be reached from here.',
    Gio.IOErrorEnum.NETWORK_UNREACHABLE: 'The network of this address cannot be reached.',
    Gio.IOErrorEnum.NOT_FOUND: 'There is no such network interface: %s',
    Gio.IOErrorEnum.PERMISSION_DENIED: 'The system does not allow this: %s',
}

_TLS_ERRORS = {
    Gio.TlsError.HANDSHAKE: 'The secure session could not be set up; check the identity '
                            'and key: %s',
    Gio.TlsError.BAD_CERTIFICATE: 'The device could not be trusted: %s',
    Gio.TlsError.UNAVAILABLE: 'Secure connections are not available here: %s',
    Gio.TlsError.EOF: 'The device closed the secure session.',
}

# RFC 7252 §5.9 and RFC 7959 §2.9, told as what happened.
_CODE_WORDS = {
    (4, 0): 'The device did not understand the request.',
    (4, 1): 'The device wants you to authenticate first.',
    (4, 2): 'The device does not support an option of the request.',
    (4, 3): 'The device does not allow this.',
    (4, 4): 'The device has no such resource.',
    (4, 5): 'This resource does not accept this method.',
    (4, 6): 'The device cannot answer in the format asked for.',
    (4, 8): 'A block-wise transfer was incomplete.',
    (4, 9): 'The request conflicts with the state of the resource.',
    (4, 12): 'A precondition of the request does not hold.',
    (4, 13): 'The payload is too large for the device.',
    (4, 15): 'The device does not accept this Content-Format.',
    (4, 22): 'The device understood the payload but cannot process it.',
    (4, 29): 'The device gets too many requests; wait before trying again.',
    (5, 0): 'The device failed while answering.',
    (5, 1): 'The device does not implement this.',
    (5, 2): 'A proxy got a bad answer from the device behind it.',
    (5, 3): 'The device is too busy now; try again later.',
    (5, 4): 'A proxy got no answer from the device behind it.',
    (5, 5): 'The device does not proxy.',
}


def describe_error(error):
    """One sentence for a GLib.Error of a request."""
    if error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED):
        return 'The request was cancelled.'
    if error.domain == GLib.quark_to_string(CoapUdp6.error_quark()):
        words = _COAP_ERRORS.get(error.code)
    elif error.domain == GLib.quark_to_string(Gio.io_error_quark()):
        words = _IO_ERRORS.get(error.code)
    elif error.domain == GLib.quark_to_string(Gio.tls_error_quark()):
        words = _TLS_ERRORS.get(error.code)
    else:
        words = None
    if words is None:
        return error.message
    return words % error.message if '%s' in words else words


def describe_code(code):
    """'2.05 Content' and, for an error code, what it means."""
    name = CoapUdp6.code_to_string(code)
    words = _CODE_WORDS.get((CoapUdp6.code_get_class(code), CoapUdp6.code_get_detail(code)))
    return name, words
