#!/usr/bin/python3
# test_discover.py: the multicast discovery examples (examples/discover.py
# and example-discover) find two servers, the Python example server and the
# C coap-udp6-server tool, each in its own network namespace behind its own
# veth pair, over ff02::fd%IFACE and 224.0.1.187; and coap-udp6-client
# prints what a multicast request brings back. Servers answer a multicast
# request after a random delay of up to DEFAULT_LEISURE (5 s), so each
# discovery takes the examples' default 6 s. Skips (exit 77) when namespaces
# cannot be created.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import os
import subprocess
import sys
import unittest

SKIP = 77
SRC = os.environ.get('COAP_UDP6_SRCDIR',
                     os.path.join(os.path.dirname(__file__), '..'))
BUILD = os.environ.get('COAP_UDP6_BUILDDIR', '.')
TAG = '%d' % (os.getpid() % 100000)
NS_CLIENT, NS_PY, NS_C = ('cu6d-a-' + TAG, 'cu6d-p-' + TAG, 'cu6d-c-' + TAG)
IF_PY, IF_PY_PEER = 'cd6p' + TAG, 'cd6P' + TAG
IF_C, IF_C_PEER = 'cd6c' + TAG, 'cd6C' + TAG


def run(*args, ns=None, check=True):
    cmd = (['ip', 'netns', 'exec', ns] if ns else []) + list(args)
    return subprocess.run(cmd, check=check, capture_output=True, text=True,
                          timeout=30)


def link(ifname, peer, ns_peer, n, v4_net):
    run('ip', 'link', 'add', ifname, 'netns', NS_CLIENT, 'type', 'veth',
        'peer', 'name', peer, 'netns', ns_peer)
    for ns, dev, host in ((NS_CLIENT, ifname, 1), (ns_peer, peer, n)):
        run('ip', 'link', 'set', dev, 'addrgenmode', 'none', ns=ns)
        run('ip', 'link', 'set', 'lo', 'up', ns=ns)
        run('ip', 'link', 'set', dev, 'up', ns=ns)
        run('ip', 'addr', 'add', 'fe80::%d/64' % host, 'dev', dev, 'nodad',
            ns=ns)
        run('ip', 'addr', 'add', '%s.%d/24' % (v4_net, host), 'dev', dev,
            ns=ns)
    run('ip', 'route', 'add', '224.0.0.0/4', 'dev', peer, ns=ns_peer)


class Discover(unittest.TestCase):
    servers = []

    @classmethod
    def setUpClass(cls):
        for ns in (NS_CLIENT, NS_PY, NS_C):
            run('ip', 'netns', 'add', ns)
        link(IF_PY, IF_PY_PEER, NS_PY, 2, '10.78.1')
        link(IF_C, IF_C_PEER, NS_C, 3, '10.78.2')
        # IPv4 multicast leaves through the Python server's link.
        run('ip', 'route', 'add', '224.0.0.0/4', 'dev', IF_PY, ns=NS_CLIENT)
        py = subprocess.Popen(
            ['ip', 'netns', 'exec', NS_PY, sys.executable,
             os.path.join(SRC, 'examples', 'server.py'), '[::]:5683',
             IF_PY_PEER], stdout=subprocess.PIPE, text=True)
        cls.servers.append(py)
        assert 'listening on port 5683' in py.stdout.readline()
        tool = os.path.join(BUILD, 'examples', 'coap-udp6-server')
        if os.access(tool, os.X_OK):
            c = subprocess.Popen(
                ['ip', 'netns', 'exec', NS_C, tool, '--bind',
                 '[::]:5683', '--multicast', IF_C_PEER],
                stdout=subprocess.PIPE, text=True)
            cls.servers.append(c)
            assert 'listening on port 5683' in c.stdout.readline()

    @classmethod
    def tearDownClass(cls):
        for server in cls.servers:
            server.kill()
            server.wait()
        for ns in (NS_CLIENT, NS_PY, NS_C):
            subprocess.run(['ip', 'netns', 'del', ns], capture_output=True)

    def check_output(self, got):
        self.assertEqual(got.returncode, 0, got.stderr)
        out = got.stdout
        self.assertIn('[fe80::2%%%s] answered '
                      'coap://[ff02::fd%%25%s]/.well-known/core\n'
                      '  </hello>;rt="example.hello";'
                      'title="Hello from Python"\n' % (IF_PY, IF_PY), out)
        self.assertIn('10.78.1.2 answered '
                      'coap://224.0.1.187/.well-known/core\n'
                      '  </hello>;rt="example.hello"', out)
        if len(self.servers) > 1:
            self.assertIn('[fe80::3%%%s] answered '
                          'coap://[ff02::fd%%25%s]/.well-known/core\n'
                          % (IF_C, IF_C), out)
            self.assertIn('  </whoami>', out)
            self.assertIn('  </time>', out)
            # Every responder is listed, each once per group it answered.
            self.assertEqual(out.count(' answered '), 3, out)

    def test_python(self):
        self.check_output(run(
            sys.executable, os.path.join(SRC, 'examples', 'discover.py'),
            IF_PY, IF_C, ns=NS_CLIENT, check=False))

    def test_c(self):
        tool = os.path.join(BUILD, 'examples', 'example-discover')
        if not os.access(tool, os.X_OK):
            self.skipTest('example-discover not built')
        self.check_output(run(tool, IF_PY, IF_C, ns=NS_CLIENT, check=False))

    def test_client_tool(self):
        # coap-udp6-client with a multicast URI prints each answer as
        # "[address%zone]:port: code" and its payload.
        tool = os.path.join(BUILD, 'examples', 'coap-udp6-client')
        if not os.access(tool, os.X_OK) or len(self.servers) < 2:
            self.skipTest('the tools are not built')
        got = run(tool, 'coap://[ff02::fd%%25%s]/.well-known/core' % IF_C,
                  ns=NS_CLIENT, check=False)
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertTrue(got.stdout.startswith('[fe80::3%%%s]:5683: 2.05 Content\n' % IF_C),
                        got.stdout)
        self.assertIn('</whoami>', got.stdout)
        # A send that fails names the group, not an object.
        got = run(tool, '-T', '1', 'coap://[ff02::fd%%25%s]/' % 'lo',
                  ns=NS_CLIENT, check=False)
        self.assertEqual(got.returncode, 2, got.stdout)
        self.assertEqual(got.stderr, 'coap-udp6-client: Sending to [ff02::fd%lo] failed: '
                         'Network is unreachable\n')

    def test_nobody(self):
        # A group nobody joined: exit status 1, nothing listed.
        got = run(sys.executable, os.path.join(SRC, 'examples', 'discover.py'),
                  '--timeout', '300', 'coap://[ff02::1:fd%%25%s]/' % IF_PY,
                  ns=NS_CLIENT, check=False)
        self.assertEqual(got.returncode, 1, got.stdout + got.stderr)
        self.assertEqual(got.stdout, '')


if __name__ == '__main__':
    probe = subprocess.run(['ip', 'netns', 'add', NS_CLIENT],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        print('SKIP: cannot create network namespaces: ' +
              probe.stderr.strip(), file=sys.stderr)
        sys.exit(SKIP)
    subprocess.run(['ip', 'netns', 'del', NS_CLIENT], capture_output=True)
    unittest.main(verbosity=2)
