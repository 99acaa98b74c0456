#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""CPU time per coaps handshake in each mode of RFC 7252 §9.1, in one run.

Our client and our server in this one process on ::1; a handshake is a new
client context, a handshake and one GET. Modes, interleaved in rounds of
BATCH handshakes: PreSharedKey, RawPublicKey with a key on both sides,
RawPublicKey with only the server's (the client pins it), and X.509 (a
self-signed P-256 certificate the client pins). Reports process CPU time
(client and server together, Python included) per handshake and the ratios.

  GI_TYPELIB_PATH=BUILD/coap-udp6 LD_LIBRARY_PATH=BUILD/coap-udp6 \\
      /usr/bin/python3 tests/bench/dtls_modes.py [--rounds 5] [--batch 20]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

import gi
gi.require_version('CoapUdp6', '1.0')
from gi.repository import CoapUdp6, GLib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from test_dtls import Whoami, request  # noqa: E402

KEY = b'secretPSK'


def openssl(directory, *args):
    subprocess.run(['openssl'] + list(args), cwd=directory, check=True, capture_output=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--batch', type=int, default=20)
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix='coap-udp6-bench-')
    d = tmp.name
    openssl(d, 'ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'server.pem')
    openssl(d, 'ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'client.pem')
    openssl(d, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
            '-keyout', 'x509.key', '-out', 'x509.pem', '-days', '2', '-subj', '/CN=bench')
    path = lambda name: os.path.join(d, name)  # noqa: E731

    psk = CoapUdp6.Credentials.new()
    psk.set_psk(None, GLib.Bytes.new(KEY))
    rpk = CoapUdp6.Credentials.new()
    rpk.set_raw_public_key_file(path('server.pem'))
    x509 = CoapUdp6.Credentials.new()
    x509.set_certificate_files(path('x509.pem'), path('x509.key'))

    def client_credentials(mode):
        c = CoapUdp6.Credentials.new()
        if mode == 'psk':
            c.set_psk('bench', GLib.Bytes.new(KEY))
        elif mode == 'x509':
            c.set_pinned_certificate_file(path('x509.pem'))
        else:
            if mode == 'rpk-mutual':
                c.set_raw_public_key_file(path('client.pem'))
            c.add_peer_public_key(rpk.get_raw_public_key_identity())
        return c

    servers = {}
    for mode, creds in (('psk', psk), ('rpk-mutual', rpk), ('rpk-server', rpk), ('x509', x509)):
        server = CoapUdp6.Context(binds=['coaps://[::1]:0'], is_server=True, credentials=creds)
        server.init(None)
        server.add_resource('whoami', Whoami())
        servers[mode] = server
    cpu = dict.fromkeys(servers, 0.0)
    for _ in range(args.rounds):
        for mode, server in servers.items():
            uri = 'coaps://[::1]:%d/whoami' % server.get_local_port()
            credentials = [client_credentials(mode) for _ in range(args.batch)]
            clients = []
            start = time.process_time()
            for c in credentials:
                client = CoapUdp6.Context.new_client()
                client.props.credentials = c
                result = request(client, uri)
                if 'response' not in result:
                    raise SystemExit('%s: %s' % (mode, result['error'].message))
                clients.append(client)
            cpu[mode] += time.process_time() - start
    n = args.rounds * args.batch
    for mode, seconds in cpu.items():
        print('%-11s %d handshakes + GET: %.2f ms CPU each' % (mode, n, 1000 * seconds / n))
    print('ratios: rpk-mutual/psk %.2f, rpk-mutual/x509 %.2f, rpk-server/x509 %.2f'
          % (cpu['rpk-mutual'] / cpu['psk'], cpu['rpk-mutual'] / cpu['x509'],
             cpu['rpk-server'] / cpu['x509']))


if __name__ == '__main__':
    main()
