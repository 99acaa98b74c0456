#!/usr/bin/python3
# server.py: a CoAP server in Python with one resource, /hello, a
# CoapUdp6.Resource subclass that greets the name in the ?name= query and
# tells the requester its address.
#
#   server.py [HOST:PORT] [IFACE…]   (default [::]:5683; IFACE joins the
#                                     All-CoAP-Nodes groups there)
#
# Prints "listening on port N" once ready, then serves until SIGINT/SIGTERM.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import signal
import sys

import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, GLib  # noqa: E402


class Hello(CoapUdp6.Resource):
    def do_render(self, request):
        message = request.get_message()
        if message.get_code() != CoapUdp6.Code.GET:
            request.respond_code(CoapUdp6.Code.METHOD_NOT_ALLOWED, None)
            return
        name = 'world'
        for query in message.get_uri_query() or []:
            if query.startswith('name='):
                name = query[5:]
        text = 'Hello, %s! You are %s (Python)' % (
            name, request.get_remote().get_hostinfo())
        response = CoapUdp6.Message.new(CoapUdp6.MessageType.ACK,
                                        CoapUdp6.Code.CONTENT)
        response.set_payload(text.encode())
        response.set_content_format(0)
        request.respond(response)


def main():
    bind = sys.argv[1] if len(sys.argv) > 1 else '[::]:5683'
    try:
        context = CoapUdp6.Context.new_server([bind], sys.argv[2:] or None)
    except GLib.Error as e:
        print('server.py: %s' % e.message, file=sys.stderr)
        return 2
    context.add_resource('hello', Hello(resource_type='example.hello',
                                        title='Hello from Python'))
    print('listening on port %d' % context.get_local_port(), flush=True)
    loop = GLib.MainLoop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signum, loop.quit)
    loop.run()
    return 0


if __name__ == '__main__':
    sys.exit(main())
