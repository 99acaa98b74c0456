#!/usr/bin/python3
# compare.py: coap-udp6-server against libcoap and the stateless ceiling.
#
# Starts these servers on ::1, each on its own port:
#   coap-udp6   examples/coap-udp6-server (GET /hello)
#   libcoap     tests/bench/libcoap-server (built when libcoap3-dev is
#               installed), else coap-server-notls (GET /, a longer payload)
#   responder   tests/bench/stateless-responder (no state at all: the ceiling)
#   glib        tests/bench/glib-responder, only when named in --servers: the
#               responder's answers from a GMainLoop, the floor of any GLib
#               server
# then runs tests/bench/coap-loadgen against each in turn for --rounds rounds,
# rotating the order every round so slow drifts of a noisy machine hit every
# server alike. Prints every run, the median per server (req/s, p50 and p99
# latency, server CPU per request, lost requests) and the ratios
# coap-udp6/libcoap and coap-udp6/responder of the median throughput and of
# the median p50 latency (run with --window 1 for the latency target), and
# of the median server CPU time per request (steadier than req/s when other
# work shares the machine); then, for throughput and p50, the ratio in each
# round and the median of those, which a host that slows down for part of
# the run does not skew.
#
# Nothing is pinned by default. --pin runs the servers on the first CPU and
# the load generator on the second (sched_setaffinity, needs two CPUs); at
# window 1 every request then costs a wake-up on the other CPU.
#
#   /usr/bin/python3 tests/bench/compare.py --build BUILDDIR \
#       [--rounds 5] [--duration 3] [--warmup 1] [--window 64] [--non]
#
# Exit status 0 when every run got answers and every server survived and
# exited cleanly, 1 otherwise, 77 when the binaries are not built.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import argparse
import os
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import time

SKIP = 77


def free_port():
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
        s.bind(('::1', 0))
        return s.getsockname()[1]


def wait_answering(port, path, timeout=10.0):
    """Sends CON GETs until one is answered; False after timeout seconds."""
    options = b''
    delta = 11
    for segment in [s for s in path.split('/') if s]:
        data = segment.encode()
        options += bytes([delta << 4 | len(data)]) + data
        delta = 0
    deadline = time.monotonic() + timeout
    mid = 1
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
        s.settimeout(0.2)
        while time.monotonic() < deadline:
            s.sendto(struct.pack('!BBH', 0x41, 0x01, mid) + b'\x99' + options,
                     ('::1', port))
            mid += 1
            try:
                data = s.recv(1500)
                if len(data) >= 4 and data[1] >> 5 == 2:
                    return True
            except (socket.timeout, ConnectionRefusedError):
                pass
    return False


class Server:
    def __init__(self, name, argv, port, path, cpu, port_from_stdout=False):
        self.name = name
        self.path = path
        preexec = None
        if cpu is not None:
            def preexec():
                os.sched_setaffinity(0, {cpu})
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL,
                                     preexec_fn=preexec)
        if port_from_stdout:
            line = self.proc.stdout.readline().decode().strip()
            if not line.startswith('port='):
                raise RuntimeError('%s printed %r, not port=N' % (name, line))
            port = int(line[5:])
        self.port = port
        if not wait_answering(port, path):
            raise RuntimeError('%s does not answer on port %d' % (name, port))

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        """SIGTERM; the exit status (None when it had to be killed)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None


def start_servers(args, cpu):
    build = args.build
    servers = []
    wanted = args.servers.split(',')
    ours = os.path.join(build, 'examples', 'coap-udp6-server')
    libcoap = os.path.join(build, 'tests', 'bench', 'libcoap-server')
    responder = os.path.join(build, 'tests', 'bench', 'stateless-responder')
    glib_responder = os.path.join(build, 'tests', 'bench', 'glib-responder')
    if 'coap-udp6' in wanted:
        port = free_port()
        servers.append(Server('coap-udp6', [ours, '--bind', '[::1]:%d' % port],
                              port, args.path, cpu))
    if 'libcoap' in wanted:
        if os.access(libcoap, os.X_OK):
            servers.append(Server('libcoap', [libcoap, '--host', '::1', '--port', '0'],
                                  0, args.path, cpu, port_from_stdout=True))
        elif shutil.which('coap-server-notls'):
            print('compare: libcoap-server not built; "libcoap" is coap-server-notls, GET /')
            port = free_port()
            servers.append(Server('libcoap', ['coap-server-notls', '-A', '::1',
                                              '-p', str(port)], port, '', cpu))
        else:
            print('compare: no libcoap server; skipping it', file=sys.stderr)
    if 'responder' in wanted:
        servers.append(Server('responder', [responder, '--host', '::1', '--port', '0'],
                              0, args.path, cpu, port_from_stdout=True))
    if 'glib' in wanted:
        servers.append(Server('glib', [glib_responder, '--host', '::1', '--port', '0'],
                              0, args.path, cpu, port_from_stdout=True))
    return servers


def run_loadgen(args, server, cpu):
    argv = [os.path.join(args.build, 'tests', 'bench', 'coap-loadgen'),
            '--host', '::1', '--port', str(server.port),
            '--window', str(args.window), '--path', server.path,
            '--warmup', str(args.warmup), '--duration', str(args.duration),
            '--server-pid', str(server.proc.pid)]
    if args.non:
        argv.append('--non')
    preexec = None
    if cpu is not None:
        def preexec():
            os.sched_setaffinity(0, {cpu})
    out = subprocess.run(argv, stdout=subprocess.PIPE, preexec_fn=preexec,
                         timeout=args.warmup + args.duration + 60)
    fields = {}
    for item in out.stdout.decode().split():
        key, _, value = item.partition('=')
        try:
            fields[key] = float(value)
        except ValueError:
            pass
    fields['rc'] = out.returncode
    return fields


def ratio(a, b):
    return a / b if b else float('nan')


def report(servers, results, args):
    print()
    print('medians of %d rounds, %s GET, window %d, %g s each:' %
          (args.rounds, 'NON' if args.non else 'CON', args.window, args.duration))
    print('| server | req/s | p50 µs | p99 µs | server CPU µs/req | lost |')
    print('|---|---:|---:|---:|---:|---:|')
    med = {}
    for s in servers:
        runs = results[s.name]
        m = {key: statistics.median(r.get(key, 0.0) for r in runs)
             for key in ('req/s', 'p50_us', 'p99_us', 'server_cpu_us_per_req', 'lost')}
        med[s.name] = m
        print('| %s | %.0f | %.1f | %.1f | %.2f | %.0f |' %
              (s.name, m['req/s'], m['p50_us'], m['p99_us'],
               m['server_cpu_us_per_req'], m['lost']))
    print()
    ours = med.get('coap-udp6')
    if ours is None:
        return
    for other in ('libcoap', 'responder', 'glib'):
        if other in med:
            print('ratio_throughput_coap-udp6/%s=%.2f' %
                  (other, ratio(ours['req/s'], med[other]['req/s'])))
            print('ratio_p50_coap-udp6/%s=%.2f%s' %
                  (other, ratio(ours['p50_us'], med[other]['p50_us']),
                   '  (W=1 latency)' if args.window == 1 else ''))
            # CPU per request is steadier than req/s on a shared machine
            print('ratio_server_cpu_per_req_coap-udp6/%s=%.2f' %
                  (other, ratio(ours['server_cpu_us_per_req'],
                                med[other]['server_cpu_us_per_req'])))
    # The servers of one round run back to back, so a ratio within a round
    # is not skewed when the host slows down for part of the run (which
    # moves the medians of different servers by different amounts).
    print()
    for other in ('libcoap', 'responder', 'glib'):
        if other in med:
            for key, name in (('req/s', 'throughput'), ('p50_us', 'p50')):
                per_round = [ratio(a.get(key, 0.0), b.get(key, 0.0))
                             for a, b in zip(results['coap-udp6'], results[other])]
                print('round_ratios_%s_coap-udp6/%s=%s median=%.2f' %
                      (name, other, ','.join('%.2f' % x for x in per_round),
                       statistics.median(per_round)))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--build', default=os.environ.get('COAP_UDP6_BUILDDIR'),
                        help='meson build directory (default $COAP_UDP6_BUILDDIR)')
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--duration', type=float, default=3.0)
    parser.add_argument('--warmup', type=float, default=1.0)
    parser.add_argument('--window', type=int, default=64)
    parser.add_argument('--non', action='store_true', help='NON requests')
    parser.add_argument('--path', default='hello')
    parser.add_argument('--servers', default='coap-udp6,libcoap,responder',
                        help='comma-separated subset to run, of coap-udp6, libcoap, '
                             'responder and glib')
    parser.add_argument('--pin', action='store_true',
                        help='servers on the first CPU, load generator on the second')
    args = parser.parse_args()

    if args.build is None:
        parser.error('--build is required (or set COAP_UDP6_BUILDDIR)')
    for binary in ('examples/coap-udp6-server', 'tests/bench/coap-loadgen',
                   'tests/bench/stateless-responder'):
        if not os.access(os.path.join(args.build, binary), os.X_OK):
            print('compare: %s is not built; skipping' % binary, file=sys.stderr)
            return SKIP

    cpus = sorted(os.sched_getaffinity(0))
    server_cpu = client_cpu = None
    if args.pin and len(cpus) >= 2:
        server_cpu, client_cpu = cpus[0], cpus[1]
    print('compare: servers on CPU %s, load generator on CPU %s, load average %s' %
          (server_cpu, client_cpu, ' '.join('%.2f' % x for x in os.getloadavg())))

    servers = []
    ok = True
    try:
        servers = start_servers(args, server_cpu)
        results = {s.name: [] for s in servers}
        for r in range(args.rounds):
            k = r % len(servers)
            for s in servers[k:] + servers[:k]:
                fields = run_loadgen(args, s, client_cpu)
                results[s.name].append(fields)
                print('round %d %-10s req/s=%.0f p50_us=%.1f p99_us=%.1f lost=%d '
                      'server_cpu_us_per_req=%.2f' %
                      (r + 1, s.name, fields.get('req/s', 0), fields.get('p50_us', 0),
                       fields.get('p99_us', 0), fields.get('lost', 0),
                       fields.get('server_cpu_us_per_req', 0)), flush=True)
                if fields['rc'] != 0 or fields.get('completed', 0) <= 0:
                    print('compare: no answers from %s' % s.name, file=sys.stderr)
                    ok = False
                if not s.alive():
                    print('compare: %s died' % s.name, file=sys.stderr)
                    ok = False
        report(servers, results, args)
    finally:
        for s in servers:
            status = s.stop()
            # coap-server-notls may die of the SIGTERM; ours must exit 0
            if status != 0 and not (s.name == 'libcoap' and status == -signal.SIGTERM):
                print('compare: %s exited with %s' % (s.name, status), file=sys.stderr)
                ok = False
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
