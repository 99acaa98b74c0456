#!/usr/bin/python3
# blockwise.py: block-wise transfer (RFC 7959) over ::1, MB/s and peak RSS.
#
# In one run, with 1024-byte blocks, --size bytes (default 1 MiB) down and
# up for each pair of client and server:
#   coap-udp6 -> coap-udp6   examples/coap-udp6-client against
#                            tests/bench/bench-block-server (GET /large,
#                            PUT /sink)
#   libcoap   -> coap-udp6   coap-client-notls against the same
#   libcoap   -> libcoap     coap-client-notls against coap-server-notls -d
#                            (the body is PUT to /bench, then GET)
#   coap-udp6 -> libcoap     examples/coap-udp6-client against the same
#   aiocoap   -> coap-udp6   aiocoap's client (tests/peers/) against
#                            bench-block-server
#   coap-udp6 -> aiocoap     examples/coap-udp6-client against
#                            tests/peers/aiocoap_server.py (GET /large,
#                            PUT /sink)
# then --stream-mib MiB (default 200, a file in /tmp deleted afterwards; 0: none)
# down into a file and up from it with coap-udp6-client, whose peak RSS
# must not grow with the body.
#
# Each transfer is one client process; the --rounds rounds each run
# every pair and direction once, so a drifting load on a shared machine
# falls on all of them alike; medians of the rounds are shown. MB/s is
# the body over its wall time (process start included), RSS the client's
# peak (GNU time's %M: a child of Python would start with the
# interpreter's RSS in ru_maxrss).
# CPU is microseconds per block (user + system): the client's from its
# rusage, with start-up ("client") and without ("net": less the median
# CPU of five runs of the same client for a one-message exchange), the
# server's from /proc/PID/schedstat around the transfer.
#
#   /usr/bin/python3 tests/bench/blockwise.py --build BUILDDIR \
#       [--size BYTES] [--stream-mib N] [--rounds 3]
#
# Exit status 0 when every transfer completed with the right body, 1
# otherwise, 77 when a program is missing.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

TIME = shutil.which('time', path='/usr/bin:/bin')
LIBCOAP_CLIENT = shutil.which('coap-client-notls')
LIBCOAP_SERVER = shutil.which('coap-server-notls')
PYTHON = '/usr/bin/python3'
PEERS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'peers')
AIOCOAP = os.path.exists(PYTHON) and os.path.isdir(os.path.join(PEERS, 'aiocoap'))


def body(length):
    """What bench-block-server's /large serves."""
    unit = bytes(ord('A') + (i * 7 + i // 251) % 26 for i in range(251 * 26))
    whole = unit * (length // len(unit) + 1)
    return whole[:length]


def free_port():
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
        s.bind(('::1', 0))
        return s.getsockname()[1]


def server_cpu(proc):
    """CPU seconds @proc has run, from /proc/PID/schedstat (ns)."""
    if proc is None:
        return 0.0
    with open('/proc/%d/schedstat' % proc.pid) as f:
        return int(f.read().split()[0]) / 1e9


def timed(argv):
    """(seconds, peak RSS KiB, exit status, stderr, CPU seconds) of one client run."""
    with tempfile.NamedTemporaryFile('r') as rss, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen([TIME, '-f', '%M', '-o', rss.name] + argv,
                                stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - start
        err.seek(0)
        text = rss.read().split()
        return (seconds, int(text[-1]) if text else 0, proc.returncode, err.read(),
                usage.ru_utime + usage.ru_stime)


def ours(build):
    return os.path.join(build, 'examples', 'coap-udp6-client')


def client_argv(kind, build, direction, base, path, source, sink):
    if kind == 'coap-udp6':
        if direction == 'down':
            return [ours(build), '-b', '1024', '-o', sink, base + path]
        return [ours(build), '-m', 'put', '-b', '1024', '-f', source, '-o', sink, base + path]
    if kind == 'aiocoap':
        client = [PYTHON, '-m', 'aiocoap.cli.client']
        if direction == 'down':
            # exec: GNU time measures the client, not a shell.
            return ['bash', '-c', 'exec "$@" > "$0"', sink] + client + [base + path]
        return client + ['-m', 'PUT', '--payload', '@' + source, base + path]
    if direction == 'down':
        return [LIBCOAP_CLIENT, '-b', '1024', '-o', sink, base + path]
    return [LIBCOAP_CLIENT, '-m', 'put', '-b', '1024', '-f', source, base + path]


def startup_cpu(kind, build, base):
    """Median CPU seconds of @kind's client for one message each way."""
    argv = {'coap-udp6': [ours(build)], 'libcoap': [LIBCOAP_CLIENT],
            'aiocoap': [PYTHON, '-m', 'aiocoap.cli.client']}[kind]
    runs = [timed(argv + [base + '/sink'])[4] for _ in range(5)]
    return statistics.median(runs)


class Servers:
    def __init__(self, build, size):
        self.ours = subprocess.Popen([os.path.join(build, 'tests', 'bench', 'bench-block-server'),
                                      str(size)], stdout=subprocess.PIPE, text=True)
        self.ours_base = 'coap://[::1]:%s' % re.search(r'port (\d+)', self.ours.stdout.readline()).group(1)
        self.libcoap = None
        if LIBCOAP_SERVER:
            port = free_port()
            self.libcoap = subprocess.Popen([LIBCOAP_SERVER, '-A', '::1', '-p', str(port), '-d', '4'],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.libcoap_base = 'coap://[::1]:%d' % port
            time.sleep(0.3)
        self.aiocoap = None
        if AIOCOAP:
            port = free_port()
            self.aiocoap = subprocess.Popen([PYTHON, os.path.join(PEERS, 'aiocoap_server.py'), str(port),
                                             str(size)], stdout=subprocess.PIPE, text=True)
            self.aiocoap.stdout.readline()
            self.aiocoap_base = 'coap://[::1]:%d' % port

    def stop(self):
        for proc in (self.ours, self.libcoap, self.aiocoap):
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=10)


def main():
    os.environ['PYTHONPATH'] = PEERS
    os.environ['PYTHONDONTWRITEBYTECODE'] = '1'
    parser = argparse.ArgumentParser()
    parser.add_argument('--build', default=os.environ.get('COAP_UDP6_BUILDDIR', '.'))
    parser.add_argument('--size', type=int, default=1 << 20)
    parser.add_argument('--stream-mib', type=int, default=200)
    parser.add_argument('--rounds', type=int, default=1)
    args = parser.parse_args()
    if TIME is None or not os.path.exists(ours(args.build)):
        print('GNU time or coap-udp6-client is missing')
        return 77

    tmp = tempfile.mkdtemp(prefix='coap-udp6-bench-')
    servers = Servers(args.build, args.size)
    ok = True
    try:
        source = os.path.join(tmp, 'source')
        sink = os.path.join(tmp, 'sink')
        expected = body(args.size)
        with open(source, 'wb') as f:
            f.write(expected)
        pairs = [('coap-udp6', 'coap-udp6')]
        if LIBCOAP_CLIENT:
            pairs.append(('libcoap', 'coap-udp6'))
        if LIBCOAP_CLIENT and servers.libcoap:
            pairs.append(('libcoap', 'libcoap'))
        if servers.libcoap:
            pairs.append(('coap-udp6', 'libcoap'))
        if servers.aiocoap:
            pairs += [('aiocoap', 'coap-udp6'), ('coap-udp6', 'aiocoap')]
        blocks = (args.size + 1023) // 1024
        startup = {kind: startup_cpu(kind, args.build, servers.ours_base) for kind, _ in pairs}
        print('%-10s -> %-10s %-4s %9s %9s %14s %14s %14s' % ('client', 'server', 'dir', 'MB/s', 'RSS KiB',
                                                              'client us/blk', 'net us/blk', 'server us/blk'))
        # Round by round, every pair and direction once per round: on a
        # shared machine whose load drifts, all of them see the same drift
        # (run pair after pair, a quiet minute favoured whichever came then).
        results = {(client, server, direction): ([], [], [], [])
                   for client, server in pairs for direction in ('up', 'down')}
        failed = set()
        for _ in range(args.rounds):
            for client, server in pairs:
                base = {'coap-udp6': servers.ours_base, 'libcoap': getattr(servers, 'libcoap_base', None),
                        'aiocoap': getattr(servers, 'aiocoap_base', None)}[server]
                server_proc = {'coap-udp6': servers.ours, 'libcoap': servers.libcoap,
                               'aiocoap': servers.aiocoap}[server]
                for direction in ('up', 'down'):
                    if (client, server, direction) in failed:
                        continue
                    path = {('coap-udp6', 'up'): '/sink', ('coap-udp6', 'down'): '/large',
                            ('libcoap', 'up'): '/bench', ('libcoap', 'down'): '/bench',
                            ('aiocoap', 'up'): '/sink', ('aiocoap', 'down'): '/large'}[(server, direction)]
                    rates, peaks, client_cpu, server_cpus = results[(client, server, direction)]
                    if server == 'libcoap' and direction == 'down':
                        # The resource is what the last upload PUT there.
                        timed(client_argv('libcoap' if LIBCOAP_CLIENT else 'coap-udp6', args.build, 'up',
                                          base, path, source, sink))
                    if os.path.exists(sink):
                        os.unlink(sink)
                    before = server_cpu(server_proc)
                    seconds, rss, status, err, cpu = timed(client_argv(client, args.build, direction,
                                                                       base, path, source, sink))
                    server_cpus.append(server_cpu(server_proc) - before)
                    client_cpu.append(cpu)
                    if status != 0:
                        print('%s -> %s %s failed: %s' % (client, server, direction, err.decode().strip()))
                        ok = False
                        failed.add((client, server, direction))
                        continue
                    if direction == 'down':
                        with open(sink, 'rb') as f:
                            if f.read() != expected:
                                print('%s -> %s down: wrong body' % (client, server))
                                ok = False
                    rates.append(args.size / seconds / 1e6)
                    peaks.append(rss)
        for (client, server, direction), (rates, peaks, client_cpu, server_cpus) in results.items():
            if rates:
                print('%-10s -> %-10s %-4s %9.2f %9d %14.1f %14.1f %14.1f' % (
                    client, server, direction, statistics.median(rates), max(peaks),
                    statistics.median(client_cpu) / blocks * 1e6,
                    (statistics.median(client_cpu) - startup[client]) / blocks * 1e6,
                    statistics.median(server_cpus) / blocks * 1e6))

        # A streamed body: RSS must stay where the 1 MiB run left it (0: skipped).
        if args.stream_mib > 0:
            servers.stop()
            size = args.stream_mib << 20
            servers = Servers(args.build, size)
            with open(source, 'wb') as f:
                chunk = body(1 << 20)
                for _ in range(args.stream_mib):
                    f.write(chunk)
            del chunk
            base = servers.ours_base
            for direction, path in (('down', '/large'), ('up', '/sink')):
                seconds, rss, status, err, _ = timed(client_argv('coap-udp6', args.build, direction, base, path,
                                                                 source, sink))
                if status != 0:
                    print('stream %s failed: %s' % (direction, err.decode().strip()))
                    ok = False
                    continue
                print('coap-udp6 stream %d MiB %-4s %9.2f MB/s %9d KiB peak RSS' %
                      (args.stream_mib, direction, size / seconds / 1e6, rss))
                if direction == 'down' and os.path.getsize(sink) != size:
                    print('stream down: %d bytes, not %d' % (os.path.getsize(sink), size))
                    ok = False
    finally:
        servers.stop()
        shutil.rmtree(tmp)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
