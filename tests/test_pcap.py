#!/usr/bin/python3
# test_pcap.py: COAP_UDP6_PCAP traces a real exchange, a retransmission, an
# IPv4 exchange and a multicast request, and tshark decodes what the library
# sent and received; G_MESSAGES_DEBUG=CoapUdp6 logs one line per datagram.
#
# The exchanges run in a child process, in a network namespace of its own
# when one can be made, with a veth interface for multicast (which does not
# loop back on lo); otherwise the multicast part is skipped.
# Skips (exit 77) without tshark.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import json
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import tempfile

SKIP = 77
FIELDS = ['frame.interface_name', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst',
          'udp.srcport', 'udp.dstport', 'udp.checksum.status', 'coap.type',
          'coap.code', 'coap.mid', 'coap.token', 'coap.opt.uri_path']
CON, NON, ACK = 0, 1, 2
# Multicast does not loop back on lo; it does on a veth interface.
MULTICAST_IF = 'coap0'
GET, CONTENT = 1, 69


# --- the child: real exchanges with the trace on ---------------------------

def child(multicast):
    import gi
    gi.require_version('CoapUdp6', '1.0')
    from gi.repository import CoapUdp6, GLib

    main_context = GLib.MainContext.default()
    facts = {}

    class Hello(CoapUdp6.Resource):
        def do_render(self, request):
            request.respond_code(CoapUdp6.Code.CONTENT, 'hello')

    def iterate_until(condition, timeout_s=5.0):
        deadline = GLib.get_monotonic_time() + int(timeout_s * 1e6)
        while not condition():
            if GLib.get_monotonic_time() > deadline:
                raise AssertionError('timed out')
            main_context.iteration(False)
            select.select([], [], [], 0.002)

    def request(uri, mtype=CoapUdp6.MessageType.CON):
        message = CoapUdp6.Message.new(mtype, CoapUdp6.Code.GET)
        message.set_request_uri(uri)
        return message

    def fetch(uri):
        result = {}
        client.request_async(request(uri), None,
                             lambda c, res: result.setdefault('r', c.request_finish(res)))
        iterate_until(lambda: 'r' in result)
        response = result['r']
        return {'mid': response.get_mid(),
                'token': response.get_token().get_data().hex()}

    server = CoapUdp6.Context.new_server(['[::]:0'], [MULTICAST_IF] if multicast else None)
    server.props.default_leisure = 0.05
    server.add_resource('hello', Hello())
    port = server.get_local_port()
    client = CoapUdp6.Context.new_client()
    client.props.ack_timeout = 0.05
    facts['port'] = port

    # A piggybacked exchange over IPv6, then over IPv4.
    facts['v6'] = fetch('coap://[::1]:%d/hello' % port)
    facts['v4'] = fetch('coap://127.0.0.1:%d/hello' % port)

    # A raw peer that answers only the retransmission.
    raw = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    raw.bind(('::1', 0))
    raw.setblocking(False)
    facts['raw_port'] = raw.getsockname()[1]
    result = {}
    client.request_async(request('coap://[::1]:%d/silent' % facts['raw_port']), None,
                         lambda c, res: result.setdefault('r', c.request_finish(res)))
    received = []

    def readable():
        try:
            received.append(raw.recvfrom(2048))
        except BlockingIOError:
            pass
        return len(received) == 2
    iterate_until(readable)
    first, again = received[0][0], received[1][0]
    assert first == again, (first, again)
    tkl = first[0] & 0x0f
    raw.sendto(bytes([0x60 | tkl, CONTENT]) + first[2:4 + tkl] + b'\xffok', received[1][1])
    iterate_until(lambda: 'r' in result)
    facts['retransmitted'] = {'mid': int.from_bytes(first[2:4], 'big'),
                              'token': first[4:4 + tkl].hex()}

    if multicast:
        responses = {}
        client.request_multicast_async(
            request('coap://[ff02::fd%%%s]:%d/hello' % (MULTICAST_IF, port), CoapUdp6.MessageType.NON),
            1000, None,
            lambda c, res: responses.setdefault('r', c.request_multicast_finish(res)))
        iterate_until(lambda: 'r' in responses)
        assert len(responses['r']) == 1, responses['r']
        facts['multicast'] = {'mid': responses['r'][0].get_mid()}
    print(json.dumps(facts), flush=True)
    return 0


# --- the parent: run the child, decode its trace ---------------------------

def namespace_prefix():
    """A command prefix that runs in a new network namespace with a veth
    interface for multicast, or None."""
    setup = ('ip link set lo up && '
             'ip link add %s type veth peer name %s1 && '
             'ip -6 addr add fe80::1/64 dev %s nodad && '
             'ip link set %s1 up && ip link set %s up && exec "$@"'
             % ((MULTICAST_IF,) * 5))
    for unshare in (['unshare', '--net'], ['unshare', '--net', '--map-root-user']):
        cmd = unshare + ['sh', '-c', setup, 'sh']
        try:
            probe = subprocess.run(cmd + ['true'], capture_output=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return cmd
    return None


def decode(pcap, ports):
    cmd = ['tshark', '-r', pcap, '-T', 'fields', '-E', 'separator=\t',
           '-o', 'udp.check_checksum:TRUE']
    for port in ports:
        cmd += ['-d', 'udp.port==%d,coap' % port]
    for field in FIELDS:
        cmd += ['-e', field]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [dict(zip(FIELDS, line.split('\t'))) for line in out.splitlines()]


def coap_rows(rows, **want):
    """The rows whose CoAP fields (coap_type for coap.type, …) match."""
    names = {k: k.replace('coap_', 'coap.', 1).replace('opt_uri_path', 'opt.uri_path')
             for k in want}
    return [r for r in rows if all(r[names[k]] == str(v) for k, v in want.items())]


def main():
    if len(sys.argv) == 3 and sys.argv[1] == '--child':
        return child(sys.argv[2] == 'multicast')
    if shutil.which('tshark') is None:
        print('tshark is not installed')
        return SKIP
    prefix = namespace_prefix()
    if prefix is None:
        print('no network namespace: the multicast part is skipped '
              '(multicast does not loop back on lo)')
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        pcap = os.path.join(tmp, 'trace.pcapng')
        env = dict(os.environ, COAP_UDP6_PCAP=pcap, G_MESSAGES_DEBUG='CoapUdp6')
        cmd = (prefix or []) + [sys.executable, os.path.abspath(__file__), '--child',
                                'multicast' if prefix else 'unicast']
        child_run = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
        if child_run.returncode != 0:
            print(child_run.stdout, child_run.stderr)
            return 1
        facts = json.loads([line for line in child_run.stdout.splitlines()
                            if line.startswith('{')][-1])
        rows = decode(pcap, [facts['port'], facts['raw_port']])

    # GLib writes debug messages to stdout.
    debug_lines = re.findall(r'CoapUdp6-DEBUG: [0-9:.]+: (sent|received) [0-9]+ bytes',
                             child_run.stdout + child_run.stderr)
    if len(debug_lines) != len(rows):
        failures.append('%d debug lines for %d datagrams' % (len(debug_lines), len(rows)))
    if any(r['udp.checksum.status'] != '1' for r in rows):
        failures.append('a UDP checksum is wrong')
    interfaces = {r['frame.interface_name'] for r in rows}
    if not interfaces <= {'lo', MULTICAST_IF}:
        failures.append('unexpected interfaces %s' % interfaces)

    port = str(facts['port'])
    for family, src_field, dst_field, address in (('v6', 'ipv6.src', 'ipv6.dst', '::1'),
                                                  ('v4', 'ip.src', 'ip.dst', '127.0.0.1')):
        mid, token = facts[family]['mid'], facts[family]['token']
        requests = [r for r in coap_rows(rows, coap_type=CON, coap_code=GET, coap_mid=mid,
                                         coap_token=token, coap_opt_uri_path='hello')
                    if r['udp.dstport'] == port and r[dst_field] == address and
                    r[src_field] == address]
        replies = [r for r in coap_rows(rows, coap_type=ACK, coap_code=CONTENT, coap_mid=mid,
                                        coap_token=token)
                   if r['udp.srcport'] == port and r[src_field] == address]
        # Sent by the client and received by the server, and back.
        if len(requests) != 2 or len(replies) != 2:
            failures.append('%s exchange: %d requests, %d replies in %s' %
                            (family, len(requests), len(replies), rows))

    raw = facts['retransmitted']
    sent = [r for r in coap_rows(rows, coap_type=CON, coap_code=GET, coap_mid=raw['mid'],
                                 coap_token=raw['token'], coap_opt_uri_path='silent')
            if r['udp.dstport'] == str(facts['raw_port'])]
    if len(sent) != 2:
        failures.append('retransmission: %d sends of message ID %d' % (len(sent), raw['mid']))

    if prefix is not None:
        group = [r for r in coap_rows(rows, coap_type=NON, coap_code=GET,
                                      coap_opt_uri_path='hello')
                 if r['ipv6.dst'] == 'ff02::fd' and r['udp.dstport'] == port]
        answers = coap_rows(rows, coap_type=NON, coap_code=CONTENT,
                            coap_mid=facts['multicast']['mid'])
        if any(r['frame.interface_name'] != MULTICAST_IF for r in group + answers):
            failures.append('multicast not on %s: %s' % (MULTICAST_IF, group + answers))
        if len(group) != 2 or len(answers) != 2:
            failures.append('multicast: %d requests to ff02::fd, %d answers in %s' %
                            (len(group), len(answers), rows))

    for f in failures:
        print('FAIL:', f)
    print('%d datagrams decoded' % len(rows))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
