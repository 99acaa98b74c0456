#!/usr/bin/python3
# client.py: GETs a CoAP URI and prints the payload.
#
#   client.py URI      e.g. client.py 'coap://[::1]/hello?name=you'
#
# Exit status: 0 on a 2.xx response, 1 on another response code (printed on
# stderr), 2 when the request failed (no answer, ICMP error, bad URI).
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import sys

import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, GLib  # noqa: E402


def main():
    if len(sys.argv) != 2:
        print('usage: client.py URI', file=sys.stderr)
        return 2
    loop = GLib.MainLoop()
    status = []

    def on_response(context, result):
        # The loop is quit whatever happens here, so that no failure in
        # this callback leaves the program hanging.
        try:
            response = context.request_finish(result)
        except GLib.Error as e:
            # PyGObject gives e.domain as the quark's string already.
            print('client.py: %s (%s %d)' % (e.message, e.domain, e.code),
                  file=sys.stderr)
            status.append(2)
        else:
            payload = response.get_payload()
            if payload is not None and payload.get_size() > 0:
                print(payload.get_data().decode(errors='replace'))
            if CoapUdp6.code_is_successful(response.get_code()):
                status.append(0)
            else:
                print(CoapUdp6.code_to_string(response.get_code()),
                      file=sys.stderr)
                status.append(1)
        finally:
            loop.quit()

    try:
        context = CoapUdp6.Context.new_client()
        request = CoapUdp6.Message.new(CoapUdp6.MessageType.CON,
                                       CoapUdp6.Code.GET)
        request.set_request_uri(sys.argv[1])
    except GLib.Error as e:
        print('client.py: %s' % e.message, file=sys.stderr)
        return 2
    context.request_async(request, None, on_response)
    loop.run()
    return status[0] if status else 2


if __name__ == '__main__':
    sys.exit(main())
