#!/usr/bin/python3
# dtls-cpu.py: what each coaps server spends per request on one session.
#
#   /usr/bin/python3 tests/bench/dtls-cpu.py --bench BUILDDIR/tests/bench/bench-dtls
#       [--requests 20000] [--rounds 5]
#
# Each round starts our server (bench-dtls --serve) and libcoap's
# coap-server-gnutls -A ::1 -p P -k KEY in turn (the order alternating),
# sends --requests sequential GETs on one session with our client
# (bench-dtls --uri URI --requests N), and prints, per request, the
# server's user and system time (/proc/PID/stat, all threads, in clock
# ticks) and time on a CPU (/proc/PID/schedstat), and the rate; then the
# ratios coap-udp6/libcoap of that round and the medians. On a machine
# other work shares, the CPU time of a round's two servers says more than
# their rates.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time

KEY = 'secretPSK'


def cpu(pid):
    fields = open('/proc/%d/stat' % pid).read().rsplit(')', 1)[1].split()
    tick = os.sysconf('SC_CLK_TCK')
    on_cpu = int(open('/proc/%d/schedstat' % pid).read().split()[0])
    return int(fields[11]) / tick, int(fields[12]) / tick, on_cpu / 1e9


def free_port_pair():
    """Two consecutive free UDP ports on ::1 (libcoap's coap and coaps)."""
    for _ in range(100):
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as a:
            a.bind(('::1', 0))
            port = a.getsockname()[1]
            with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as b:
                try:
                    b.bind(('::1', port + 1))
                except OSError:
                    continue
            return port
    sys.exit('dtls-cpu: no two consecutive free ports on ::1')


def one(server, bench, requests):
    if server == 'coap-udp6':
        proc = subprocess.Popen([bench, '--serve'], stdout=subprocess.PIPE)
        uri = 'coaps://[::1]:%d/bench' % int(proc.stdout.readline())
    else:
        port = free_port_pair()
        proc = subprocess.Popen(['coap-server-gnutls', '-A', '::1', '-p', str(port), '-k', KEY,
                                 '-v', '0'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        uri = 'coaps://[::1]:%d/' % (port + 1)
    try:
        for _ in range(100):
            if subprocess.run([bench, '--uri', uri, '--requests', '0'],
                              capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        before = cpu(proc.pid)
        start = time.monotonic()
        subprocess.run([bench, '--uri', uri, '--requests', str(requests)], check=True)
        elapsed = time.monotonic() - start
        after = cpu(proc.pid)
    finally:
        proc.kill()
        proc.wait()
    return [(after[i] - before[i]) / requests * 1e6 for i in range(3)] + [requests / elapsed]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--bench', required=True, help='tests/bench/bench-dtls of a build')
    parser.add_argument('--requests', type=int, default=20000)
    parser.add_argument('--rounds', type=int, default=5)
    args = parser.parse_args()
    if shutil.which('coap-server-gnutls') is None:
        print('dtls-cpu: coap-server-gnutls not found (Debian libcoap3-bin)')
        return 77
    results = {'coap-udp6': [], 'libcoap': []}
    ratios = []
    for r in range(args.rounds):
        order = ['coap-udp6', 'libcoap'] if r % 2 == 0 else ['libcoap', 'coap-udp6']
        for server in order:
            results[server].append(one(server, args.bench, args.requests))
        ours, theirs = results['coap-udp6'][-1], results['libcoap'][-1]
        ratios.append((ours[2] / theirs[2], ours[3] / theirs[3]))
        print('round %d: coap-udp6 user %.1f sys %.1f on-CPU %.1f us/request, %.0f/s | '
              'libcoap user %.1f sys %.1f on-CPU %.1f us/request, %.0f/s | '
              'CPU ratio %.2f, rate ratio %.2f'
              % ((r + 1,) + tuple(ours) + tuple(theirs) + ratios[-1]), flush=True)
    for server, rows in results.items():
        print('median %-9s user %.1f sys %.1f on-CPU %.1f us/request, %.0f/s'
              % ((server,) + tuple(statistics.median(row[i] for row in rows) for i in range(4))))
    print('median of the rounds\' ratios: CPU %.2f, rate %.2f'
          % (statistics.median(x[0] for x in ratios), statistics.median(x[1] for x in ratios)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
