#!/usr/bin/python3
# flood.py: the flood test of issue 6. Starts examples/coap-udp6-server on a
# free loopback port, warms it up (50 requests), records its VmRSS, then runs
# coap-flood (garbage, valid CON/NON requests and exact duplicates from many
# distinct source tuples) once per --rates entry, while legitimate clients
# keep asking /hello: a raw CoAP client over 127.0.0.1 and one over ::1 (a
# request every 100 ms on one socket, retransmitted after 1 s and 3 s,
# answered within 5 s or failed) and the coap-udp6-client tool once a
# second. Afterwards it checks:
#   - the server is alive, answers, and exits 0 on SIGTERM;
#   - legitimate requests started during the floods succeed at
#     >= --min-success (95 %);
#   - VmRSS 3 s after the floods <= VmRSS before + --rss-bound (12 MiB), and
#     the last round grew it by <= --round-bound (2 MiB): a plateau;
#   - the server wrote <= --max-log-lines (10) non-empty lines to stderr;
# and prints the figures (datagrams, seconds, datagrams the kernel dropped at
# the server's socket, server CPU per datagram, legitimate successes and
# latencies, VmRSS/VmHWM, stderr lines). A dedup probe (figure only) repeats
# a CON GET /time after 2 s and tells whether the answer came from the
# deduplication cache, before and during the floods.
#
# Rounds: 0 = as fast as coap-flood can send (the server's socket overflows
# and the kernel drops most), then rounds capped so the server reads nearly
# everything (the last one shows the plateau).
#
# Full run, 1 000 000 datagrams from 100 000 remotes per round (127.0.0.2 on,
# 31 744 source ports per address), rates 0,25000,25000:
#   /usr/bin/python3 tests/flood/flood.py --build BUILDDIR
# The same with 100 000 distinct IPv6 source addresses (root; server and
# flood in two namespaces on a veth pair):
#   /usr/bin/python3 tests/flood/flood.py --build BUILDDIR --netns
# Quick run (meson test --suite flood): --quick, 50 000 datagrams from 5 000
# remotes per round, rates 0,10000,10000.
# Exit status 0 = pass, 1 = fail, 77 = skipped (tools not built, or --netns
# without root or namespaces).
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import argparse
import os
import random
import re
import select
import socket
import struct
import subprocess
import sys
import threading
import time

SKIP = 77
HELLO = b'Hello, world!'


def rss_kib(pid):
    """(VmRSS, VmHWM) of a process in KiB."""
    values = {}
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            key, _, rest = line.partition(':')
            if key in ('VmRSS', 'VmHWM'):
                values[key] = int(rest.split()[0])
    return values['VmRSS'], values['VmHWM']


def cpu_seconds(pid):
    """User + system CPU time of a process."""
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rpartition(')')[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def socket_drops(pid, port):
    """Datagrams the kernel dropped at the wildcard socket bound to port, as
    seen from the network namespace of process pid."""
    total = 0
    for name in ('udp6', 'udp'):
        try:
            with open('/proc/%d/net/%s' % (pid, name)) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    addr, _, hexport = fields[1].partition(':')
                    if int(hexport, 16) == port and int(addr, 16) == 0:
                        total += int(fields[-1])
        except FileNotFoundError:
            pass
    return total


def free_port():
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.bind(('::', 0))
        return s.getsockname()[1]


def hello_request(mid, token):
    # CON GET, Uri-Path "hello" (option 11, length 5)
    return (struct.pack('!BBH', 0x40 | len(token), 1, mid) + token +
            bytes([0xb5]) + b'hello')


def parse_reply(data):
    """(type, code, mid, token, payload) or None."""
    if len(data) < 4 or data[0] >> 6 != 1 or data[0] & 0x0f > 8:
        return None
    tkl = data[0] & 0x0f
    mtype = (data[0] >> 4) & 3
    code = data[1]
    mid = struct.unpack('!H', data[2:4])[0]
    token = data[4:4 + tkl]
    marker = data.find(b'\xff', 4 + tkl)
    payload = data[marker + 1:] if marker >= 0 else b''
    return mtype, code, mid, token, payload


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.records = []  # (client, start, ok, latency, attempts)

    def add(self, *record):
        with self.lock:
            self.records.append(record)

    def during(self, windows):
        """Records of requests started inside any (start, end) window."""
        with self.lock:
            return [r for r in self.records
                    if any(a <= r[1] <= b for a, b in windows)]


class RawClient(threading.Thread):
    """A legitimate CoAP client on one socket, like a real device."""

    def __init__(self, name, family, host, port, stats, stop):
        super().__init__(daemon=True)
        self.name_ = name
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.dest = (host, port)
        self.stats = stats
        self.stop = stop
        self.mid = random.randrange(65536)

    def request(self):
        self.mid = (self.mid + 1) & 0xffff
        token = os.urandom(4)
        datagram = hello_request(self.mid, token)
        start = time.monotonic()
        deadlines = [start + 1, start + 3, start + 5]
        attempts = 0
        for deadline in deadlines:
            self.sock.sendto(datagram, self.dest)
            attempts += 1
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                ready, _, _ = select.select([self.sock], [], [], left)
                if not ready:
                    break
                reply = parse_reply(self.sock.recv(2048))
                if reply is None:
                    continue
                mtype, code, mid, rtoken, payload = reply
                if mtype == 0:  # a separate response: acknowledge it
                    self.sock.sendto(struct.pack('!BBH', 0x60, 0, mid),
                                     self.dest)
                if rtoken == token and code == 69 and payload == HELLO:
                    return start, True, time.monotonic() - start, attempts
        return start, False, None, attempts

    def run(self):
        while not self.stop.is_set():
            start, ok, latency, attempts = self.request()
            self.stats.add(self.name_, start, ok, latency, attempts)
            self.stop.wait(0.1)
        self.sock.close()


class DedupProbe(threading.Thread):
    """Checks that a retransmitted request is answered from the server's
    deduplication cache: CON GET /time (its payload is the time, with
    microseconds), then the same datagram again --delay seconds later, as
    after a lost ACK. The same payload = replayed; a new one = the request
    was executed again (its entry was evicted)."""

    def __init__(self, family, host, port, delay, stats, stop):
        super().__init__(daemon=True)
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.dest = (host, port)
        self.delay = delay
        self.stats = stats
        self.stop = stop
        self.mid = random.randrange(65536)

    def exchange(self, datagram, token):
        self.sock.sendto(datagram, self.dest)
        deadline = time.monotonic() + 2
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.sock], [], [], left)
            if not ready:
                return None
            reply = parse_reply(self.sock.recv(2048))
            if reply is not None and reply[3] == token:
                return reply[4]

    def run(self):
        while not self.stop.is_set():
            self.mid = (self.mid + 1) & 0xffff
            token = os.urandom(4)
            datagram = (struct.pack('!BBH', 0x44, 1, self.mid) + token +
                        bytes([0xb4]) + b'time')
            start = time.monotonic()
            first = self.exchange(datagram, token)
            if first is not None and not self.stop.wait(self.delay):
                again = self.exchange(datagram, token)
                if again is not None:
                    self.stats.add('dedup', start, again == first, None, 2)
            self.stop.wait(0.5)
        self.sock.close()


class ToolClient(threading.Thread):
    """The coap-udp6-client tool (the library's own client), once a second."""

    def __init__(self, tool, uri, stats, stop):
        super().__init__(daemon=True)
        self.argv = [tool, '-T', '10', uri]
        self.stats = stats
        self.stop = stop

    def run(self):
        while not self.stop.is_set():
            start = time.monotonic()
            got = subprocess.run(self.argv, capture_output=True, timeout=30)
            ok = got.returncode == 0 and got.stdout.strip() == HELLO
            self.stats.add('tool', start, ok,
                           time.monotonic() - start if ok else None, 1)
            self.stop.wait(1.0)


class Server:
    def __init__(self, binary, port, netns, probe_host):
        self.port = port
        self.probe_host = probe_host
        prefix = ['ip', 'netns', 'exec', netns] if netns else []
        # `ip netns exec` execs the server: the pid stays the server's.
        self.proc = subprocess.Popen(prefix + [binary, '--bind',
                                               '[::]:%d' % port],
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        self.log_lines = 0
        self.log_head = []
        self.reader = threading.Thread(target=self.read_log, daemon=True)
        self.reader.start()

    def read_log(self):
        for line in self.proc.stderr:
            text = line.decode(errors='replace').strip()
            if not text:  # GLib puts a blank line before a warning
                continue
            self.log_lines += 1
            if len(self.log_head) < 5:
                self.log_head.append(text)

    def wait_ready(self, stats):
        client = RawClient('probe', socket.AF_INET, self.probe_host,
                           self.port, stats, None)
        for _ in range(20):
            if self.proc.poll() is not None:
                break
            if client.request()[1]:
                client.sock.close()
                return True
        client.sock.close()
        return False

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=5)
        return self.proc.returncode


def run_flood(flood, port, args, rate, seed):
    argv = [flood, '--port', str(port), '--target', args.target,
            '--count', str(args.count), '--remotes', str(args.remotes),
            '--rate', str(rate), '--seed', str(seed), '--quiet']
    if args.source_base:
        argv += ['--source-base', args.source_base]
    if args.port_range:
        argv += ['--port-range', args.port_range]
    if args.echo_bytes:
        argv += ['--echo-bytes', str(args.echo_bytes)]
    start = time.monotonic()
    got = subprocess.run(argv, capture_output=True, text=True, timeout=3600)
    elapsed = time.monotonic() - start
    if got.returncode != 0:
        raise RuntimeError('coap-flood failed: %s' % got.stderr)
    line = got.stdout.strip()
    sent = int(re.search(r'sent (\d+) datagrams', line).group(1))
    remotes = int(re.search(r'from (\d+) remotes', line).group(1))
    return line, sent, remotes, start, start + elapsed


def summarize(records):
    ok = [r for r in records if r[2]]
    latencies = sorted(r[3] for r in ok)
    first = sum(1 for r in ok if r[4] == 1)
    median = latencies[len(latencies) // 2] if latencies else 0
    worst = latencies[-1] if latencies else 0
    return len(ok), len(records) - len(ok), first, median, worst


def parse_args():
    parser = argparse.ArgumentParser(
        description='Flood examples/coap-udp6-server with coap-flood while '
        'legitimate clients ask /hello; check memory, answers and logs.')
    parser.add_argument('--build', default=os.environ.get('COAP_UDP6_BUILDDIR',
                                                          'build'))
    parser.add_argument('--quick', action='store_true',
                        help='50 000 datagrams from 5 000 remotes per round')
    parser.add_argument('--count', type=int, default=1000000)
    parser.add_argument('--remotes', type=int, default=100000)
    parser.add_argument('--rates',
                        help='one flood round per rate (datagrams/s, 0 = '
                        'as fast as possible); default 0,25000,25000 '
                        '(--quick: 0,10000,10000)')
    parser.add_argument('--target', default='127.0.0.1',
                        help='127.0.0.1 (many source addresses) or ::1')
    parser.add_argument('--source-base', help='first source address')
    parser.add_argument('--port-range', help='source ports LO-HI')
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--echo-bytes', type=int, default=0,
                        help='every valid flood request a CON POST /echo '
                        'with this many bytes (large cached responses)')
    parser.add_argument('--rss-bound', type=int, default=12288,
                        help='KiB VmRSS may grow over the whole run')
    parser.add_argument('--round-bound', type=int, default=2048,
                        help='KiB VmRSS may grow in the last round')
    parser.add_argument('--min-success', type=float, default=0.95,
                        help='fraction of legitimate requests started during '
                        'the floods that must be answered within 5 s')
    parser.add_argument('--max-log-lines', type=int, default=10)
    parser.add_argument('--dedup-delay', type=float, default=2.0,
                        help='seconds before the dedup probe repeats a '
                        'request (a CON retransmission comes after 2-3 s)')
    parser.add_argument('--netns', action='store_true',
                        help='server and flood in two network namespaces on '
                        'a veth pair; the flood comes from --remotes '
                        'distinct IPv6 source addresses (root only)')
    parser.add_argument('--server-netns', help=argparse.SUPPRESS)
    parser.add_argument('--legit-hosts', default='127.0.0.1,::1',
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.count, args.remotes = 50000, 5000
    if args.rates is None:
        args.rates = '0,10000,10000' if args.quick else '0,25000,25000'
    return args


# --- the namespace variant ------------------------------------------------

NETNS_SERVER = ('fd00:98::1', '10.98.0.1')
NETNS_FLOOD_PREFIX = 'fd00:99::'  # routed "local" to lo in the flood's ns


def ip(*argv, ns=None):
    cmd = (['ip', '-n', ns] if ns else ['ip']) + list(argv)
    subprocess.run(cmd, check=True, capture_output=True, text=True)


def run_in_netns(args):
    """Creates the namespaces, re-runs this script in the flood's one."""
    if os.geteuid() != 0:
        print('SKIP: --netns needs root')
        return SKIP
    tag = str(os.getpid())
    ns_srv, ns_cli = 'coapflood-s' + tag, 'coapflood-c' + tag
    created = []
    try:
        for ns in (ns_srv, ns_cli):
            ip('netns', 'add', ns)
            created.append(ns)
        ip('link', 'add', 'cf' + tag, 'netns', ns_srv, 'type', 'veth',
           'peer', 'name', 'cf' + tag, 'netns', ns_cli)
        for ns, v6, v4 in ((ns_srv, 'fd00:98::1', '10.98.0.1'),
                           (ns_cli, 'fd00:98::2', '10.98.0.2')):
            ip('link', 'set', 'lo', 'up', ns=ns)
            ip('link', 'set', 'cf' + tag, 'up', ns=ns)
            ip('-6', 'addr', 'add', v6 + '/64', 'dev', 'cf' + tag, 'nodad',
               ns=ns)
            ip('addr', 'add', v4 + '/24', 'dev', 'cf' + tag, ns=ns)
        # Every address of the prefix is local in the flood's namespace
        # (like 127.0.0.0/8 on lo), and routed there from the server's.
        ip('-6', 'route', 'add', 'local', NETNS_FLOOD_PREFIX + '/64',
           'dev', 'lo', ns=ns_cli)
        ip('-6', 'route', 'add', NETNS_FLOOD_PREFIX + '/64', 'via',
           'fd00:98::2', ns=ns_srv)
        # IPv6 bind() checks configured addresses only, not local routes.
        subprocess.run(['ip', 'netns', 'exec', ns_cli, 'sysctl', '-qw',
                        'net.ipv6.ip_nonlocal_bind=1'], check=True,
                       capture_output=True)
    except (subprocess.CalledProcessError, FileNotFoundError) as e:
        for ns in created:
            subprocess.run(['ip', 'netns', 'del', ns], capture_output=True)
        print('SKIP: cannot create network namespaces: %s' % (
            getattr(e, 'stderr', None) or e))
        return SKIP
    try:
        argv = [a for a in sys.argv[1:] if a != '--netns']
        argv += ['--build', os.path.abspath(args.build),
                 '--server-netns', ns_srv,
                 '--legit-hosts', ','.join(reversed(NETNS_SERVER)),
                 '--target', NETNS_SERVER[0],
                 '--source-base', NETNS_FLOOD_PREFIX + '1:0',
                 '--port-range', '20000-20000']
        return subprocess.run(['ip', 'netns', 'exec', ns_cli,
                               sys.executable, os.path.abspath(__file__)] +
                              argv).returncode
    finally:
        for ns in created:
            subprocess.run(['ip', 'netns', 'del', ns], capture_output=True)


# --- the run ----------------------------------------------------------------

def flood_rounds(args, flood_bin, server, stats):
    """Runs the rounds; returns [(start, end, rss_after_round)]."""
    rounds = []
    for i, rate in enumerate(int(r) for r in args.rates.split(',')):
        port = server.port
        drops = socket_drops(server.proc.pid, port)
        cpu = cpu_seconds(server.proc.pid)
        line, sent, remotes, start, end = run_flood(
            flood_bin, port, args, rate, args.seed + i)
        drops = socket_drops(server.proc.pid, port) - drops
        time.sleep(2)  # let the queue drain and the clients catch up
        if server.proc.poll() is not None:
            rounds.append((start, end, 0, sent))
            break
        cpu = cpu_seconds(server.proc.pid) - cpu
        rss, hwm = rss_kib(server.proc.pid)
        rounds.append((start, end, rss, sent))
        ok, bad, first, _, worst = summarize(stats.during([(start, end)]))
        print('round %d (rate %s): %s' % (i + 1, rate or 'unlimited', line))
        read = max(sent - drops, 1)
        print('  %.2f s; kernel dropped %d at the server socket (the server '
              'read ~%d, %.1f CPU s, %.1f us each); VmRSS %d KiB, VmHWM %d '
              'KiB; legit %d answered (%d first try, worst %.0f ms), %d '
              'failed' % (end - start, drops, sent - drops, cpu,
                          1e6 * cpu / read, rss, hwm, ok, first,
                          1000 * worst, bad))
    return rounds


def report_dedup(stats, rounds):
    """Figures only: the library's eviction policy decides them."""
    flood = (rounds[0][0], rounds[-1][1]) if rounds else (0, 0)
    before = stats.during([(0, flood[0])])
    during = stats.during([flood])
    print('dedup probe (same CON GET /time again after --dedup-delay): '
          'replayed from the cache %d/%d before the floods, %d/%d during '
          'them' % (sum(r[2] for r in before), len(before),
                    sum(r[2] for r in during), len(during)))


def report(args, server, stats, rounds, rss_before, log_lines):
    """Prints the figures; returns the list of failures."""
    failures = []
    windows = [(a, b) for a, b, _, _ in rounds]
    alive = server.proc.poll() is None
    rss_after, hwm = rss_kib(server.proc.pid) if alive else (0, 0)
    during = stats.during(windows)
    ok, bad, first, median, worst = summarize(during)
    all_ok, all_bad, _, _, _ = summarize(stats.during([(0, 1e18)]))
    rate_ok = ok / (ok + bad) if ok + bad else 0.0
    rss_rounds = [r for _, _, r, _ in rounds]
    print('flood: %d datagrams from %d remotes per round, %d round(s), '
          '%.2f s of flooding' % (args.count, args.remotes, len(rounds),
                                  sum(b - a for a, b in windows)))
    for name in ('v4', 'v6', 'tool'):
        n_ok, n_bad, n_first, _, _ = summarize(
            [r for r in during if r[0] == name])
        print('  legit %-4s during floods: %d answered (%d at the first try), '
              '%d failed' % (name, n_ok, n_first, n_bad))
    print('legit during floods: %d/%d answered (%.1f%%, need %.1f%%), %d at '
          'the first try, median %.1f ms, worst %.1f ms; whole run %d '
          'answered, %d failed' % (
              ok, ok + bad, 100 * rate_ok, 100 * args.min_success, first,
              1000 * median, 1000 * worst, all_ok, all_bad))
    print('VmRSS before %d KiB, after rounds %s KiB, settled %d KiB (growth '
          '%+d KiB, bound %d); VmHWM %d KiB' % (
              rss_before, rss_rounds, rss_after, rss_after - rss_before,
              args.rss_bound, hwm))
    print('load average (1 min) at the end: %.2f on %d CPU(s)' % (
        os.getloadavg()[0], os.cpu_count()))
    print('server stderr: %d non-empty line(s) during the run (bound %d)%s' % (
        log_lines, args.max_log_lines,
        ''.join('\n  | ' + line for line in server.log_head)))

    if not alive:
        failures.append('server is not running after the floods (status '
                        '%s)' % server.proc.returncode)
    elif not server.wait_ready(Stats()):
        failures.append('server does not answer after the floods')
    if ok + bad == 0:
        failures.append('no legitimate request was made during a flood')
    elif rate_ok < args.min_success:
        failures.append('legitimate success %.1f%% < %.1f%%' % (
            100 * rate_ok, 100 * args.min_success))
    if alive and rss_after - rss_before > args.rss_bound:
        failures.append('VmRSS grew by %d KiB > %d KiB' % (
            rss_after - rss_before, args.rss_bound))
    if len(rss_rounds) >= 2 and rss_rounds[-1] - rss_rounds[-2] > \
            args.round_bound:
        failures.append('VmRSS grew by %d KiB in the last round > %d KiB' % (
            rss_rounds[-1] - rss_rounds[-2], args.round_bound))
    if log_lines > args.max_log_lines:
        failures.append('server wrote %d stderr lines > %d' % (
            log_lines, args.max_log_lines))
    return failures


def run(args, server_bin, client_bin, flood_bin):
    host4, host6 = args.legit_hosts.split(',')
    port = 5683 if args.server_netns else free_port()
    server = Server(server_bin, port, args.server_netns, host4)
    stop = threading.Event()
    failures = []
    try:
        if not server.wait_ready(Stats()):
            time.sleep(0.5)
            print('FAIL: the server did not answer /hello (status %s)%s' % (
                server.proc.poll(),
                ''.join('\n  | ' + line for line in server.log_head)))
            return 1
        # Warm-up: lazily allocated state (GLib types, the first exchanges)
        # is not a flood's doing.
        warm = RawClient('warm', socket.AF_INET, host4, port, Stats(), None)
        for _ in range(50):
            warm.request()
        warm.sock.close()
        rss_before, _ = rss_kib(server.proc.pid)
        log_before = server.log_lines
        stats = Stats()
        clients = [RawClient('v4', socket.AF_INET, host4, port, stats, stop),
                   RawClient('v6', socket.AF_INET6, host6, port, stats, stop),
                   ToolClient(client_bin, 'coap://[%s]:%d/hello' % (
                       host6, port), stats, stop)]
        probe = DedupProbe(socket.AF_INET, host4, port, args.dedup_delay,
                           Stats(), stop)
        clients.append(probe)
        for c in clients:
            c.start()
        time.sleep(2 * args.dedup_delay + 1)  # a few probes without flood
        rounds = flood_rounds(args, flood_bin, server, stats)
        time.sleep(3)  # more legitimate traffic before the settled figure
        stop.set()
        for c in clients:
            c.join(timeout=40)
        report_dedup(probe.stats, rounds)
        failures = report(args, server, stats, rounds, rss_before,
                          server.log_lines - log_before)
    finally:
        stop.set()
        status = server.stop()
    if status != 0:
        failures.append('server exit status %s on SIGTERM' % status)
    for f in failures:
        print('FAIL: ' + f)
    if not failures:
        print('PASS')
    return 1 if failures else 0


def main():
    args = parse_args()
    if args.netns:
        return run_in_netns(args)
    server_bin = os.path.join(args.build, 'examples', 'coap-udp6-server')
    client_bin = os.path.join(args.build, 'examples', 'coap-udp6-client')
    flood_bin = os.path.join(args.build, 'tests', 'flood', 'coap-flood')
    for path in (server_bin, client_bin, flood_bin):
        if not os.access(path, os.X_OK):
            print('SKIP: %s not built' % path)
            return SKIP
    return run(args, server_bin, client_bin, flood_bin)


if __name__ == '__main__':
    sys.exit(main())
