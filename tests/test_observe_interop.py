#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Observe (RFC 7641) interop with the npm `coap` package: node-coap
observing our /time, and our client observing a node-coap observable
resource. Skipped (exit 77) without node or the package (NODE_PATH).

aiocoap in both roles: test_aiocoap_interop.py."""

import os
import re
import shutil
import subprocess
import sys
import unittest

BUILD = os.environ.get('COAP_UDP6_BUILDDIR', '.')
CLIENT = os.path.join(BUILD, 'examples', 'coap-udp6-client')
SERVER = os.path.join(BUILD, 'examples', 'coap-udp6-server')
NODE = shutil.which('node')
NODE_PATH = os.environ.get('NODE_PATH', '')

# Observes coap://[::1]:PORT/time, prints each notification, and after
# three cancels (node-coap forgets it and answers the next one with a
# Reset, RFC 7641 §3.6).
NODE_OBSERVER = r'''
const coap = require('coap');
const req = coap.request({ hostname: '::1', port: Number(process.argv[1]),
                           pathname: '/time', observe: true });
const timer = setTimeout(() => { console.error('timeout'); process.exit(2); }, 20000);
req.on('response', (res) => {
  let n = 0;
  console.log(`code ${res.code}`);
  res.on('data', (payload) => {
    console.log(`notification ${payload.toString()}`);
    if (++n === 3) {
      res.close();
      clearTimeout(timer);
      setTimeout(() => process.exit(0), 1500);
    }
  });
});
req.on('error', (err) => { console.error(err.message); process.exit(2); });
req.end();
'''

# Serves an observable /obs on [::1]:0 that notifies every 200 ms; prints
# "port N" once listening.
NODE_SERVER = r'''
const coap = require('coap');
const server = coap.createServer({ type: 'udp6' });
server.on('request', (req, res) => {
  if (req.url !== '/obs') { res.code = '4.04'; res.end(); return; }
  if (req.headers['Observe'] !== 0) { res.end('plain'); return; }
  let n = 0;
  res.write(`n${n++}`);
  const timer = setInterval(() => res.write(`n${n++}`), 200);
  res.on('finish', () => clearInterval(timer));
});
server.listen(0, '::1', () => console.log(`port ${server._sock.address().port}`));
'''


def have_npm_coap():
    return NODE is not None and any(os.path.isdir(os.path.join(p, 'coap'))
                                    for p in NODE_PATH.split(os.pathsep) if p)


@unittest.skipUnless(os.access(CLIENT, os.X_OK) and os.access(SERVER, os.X_OK),
                     'the tools are not built')
class ObserveInterop(unittest.TestCase):
    def test_node_observes_our_time(self):
        server = subprocess.Popen([SERVER, '--bind', '[::1]:0'], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True)
        try:
            match = re.fullmatch(r'listening on port (\d+)\n', server.stdout.readline())
            self.assertIsNotNone(match)
            run = subprocess.run([NODE, '-e', NODE_OBSERVER, match.group(1)],
                                 capture_output=True, text=True, timeout=30)
        finally:
            server.terminate()
            server.wait(timeout=10)
        self.assertEqual(run.returncode, 0, run.stderr)
        lines = run.stdout.splitlines()
        self.assertEqual(lines[0], 'code 2.05')
        notifications = [line for line in lines if line.startswith('notification ')]
        self.assertEqual(len(notifications), 3, run.stdout)
        # /time changes every second: three different values.
        self.assertEqual(len(set(notifications)), 3, run.stdout)

    def test_we_observe_node(self):
        server = subprocess.Popen([NODE, '-e', NODE_SERVER], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True)
        try:
            match = re.fullmatch(r'port (\d+)\n', server.stdout.readline())
            self.assertIsNotNone(match)
            run = subprocess.run([CLIENT, '-v', '-s', '4', 'coap://[::1]:%s/obs' % match.group(1)],
                                 capture_output=True, text=True, timeout=30)
            self.assertEqual(run.returncode, 0, run.stderr)
            self.assertEqual(run.stdout.split(), ['n0', 'n1', 'n2', 'n3'])
            sequence = [int(n) for n in re.findall(r'notification \d+: Observe=(\d+)', run.stderr)]
            self.assertEqual(len(sequence), 4, run.stderr)
            self.assertEqual(sequence, sorted(set(sequence)))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == '__main__':
    if not have_npm_coap():
        print('node or the npm coap package (NODE_PATH) is absent', file=sys.stderr)
        sys.exit(77)
    unittest.main(verbosity=2)
