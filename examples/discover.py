#!/usr/bin/python3
# discover.py: finds CoAP servers by multicast (RFC 7252 §8, RFC 6690 §4)
# and lists every responder with its links.
#
#   discover.py [--timeout MS] IFACE|URI…
#
# An interface name stands for coap://[ff02::fd%25IFACE]/.well-known/core (All
# CoAP Nodes, link-local) and coap://224.0.1.187/.well-known/core (IPv4, sent
# where the routing table says); a URI (of a multicast group) is used as it
# is. Each target gets one NON request; responses are collected for --timeout
# milliseconds (default 6000: servers wait up to DEFAULT_LEISURE, 5 s, before
# answering a multicast request, RFC 7252 §8.2) and then printed:
#
#   [fe80::2%eth0] answered coap://[ff02::fd%25eth0]/.well-known/core
#     </hello>;rt="example.hello"
#
# Exit status: 0 when someone answered, 1 when nobody did, 2 on errors.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import argparse
import sys

import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, GLib  # noqa: E402


def split_links(text):
    """Splits an RFC 6690 document at the commas outside quotes and <>."""
    links, current, quoted, bracketed = [], '', False, False
    for c in text:
        if c == '"' and not bracketed:
            quoted = not quoted
        elif c == '<' and not quoted:
            bracketed = True
        elif c == '>' and not quoted:
            bracketed = False
        if c == ',' and not quoted and not bracketed:
            links.append(current)
            current = ''
        else:
            current += c
    if current:
        links.append(current)
    return links


def main():
    parser = argparse.ArgumentParser(description='CoAP multicast discovery')
    parser.add_argument('--timeout', type=int, default=6000, metavar='MS')
    parser.add_argument('targets', nargs='+', metavar='IFACE|URI')
    args = parser.parse_args()

    uris = []
    for target in args.targets:
        if '://' in target:
            uris.append(target)
        else:
            uris.append('coap://[ff02::fd%%25%s]/.well-known/core' % target)
            if 'coap://224.0.1.187/.well-known/core' not in uris:
                uris.append('coap://224.0.1.187/.well-known/core')

    loop = GLib.MainLoop()
    context = CoapUdp6.Context.new_client()
    pending = [len(uris)]
    answers = [0]
    status = [0]

    def done(source, result, uri):
        try:
            responses = source.request_multicast_finish(result)
        except GLib.Error as e:
            print('discover.py: %s: %s' % (uri, e.message), file=sys.stderr)
            status[0] = 2
        else:
            for response in responses:
                answers[0] += 1
                payload = response.get_payload()
                text = payload.get_data().decode(errors='replace') \
                    if payload is not None else ''
                print('%s answered %s' % (response.get_remote().get_hostinfo(),
                                          uri))
                for link in split_links(text):
                    print('  ' + link)
        pending[0] -= 1
        if pending[0] == 0:
            loop.quit()

    for uri in uris:
        request = CoapUdp6.Message.new(CoapUdp6.MessageType.NON,
                                       CoapUdp6.Code.GET)
        try:
            request.set_request_uri(uri)
        except GLib.Error as e:
            print('discover.py: %s' % e.message, file=sys.stderr)
            return 2
        context.request_multicast_async(request, args.timeout, None, done, uri)
    loop.run()
    if status[0]:
        return status[0]
    return 0 if answers[0] else 1


if __name__ == '__main__':
    sys.exit(main())
