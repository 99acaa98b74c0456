#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""coap-udp6-client -f and -o with bodies of many blocks: a 12 MiB file goes
up to coap-udp6-server's /echo and comes back into a file while the
client's peak RSS stays where a one-line request leaves it; the progress
line appears on a terminal and never on a pipe."""

import os
import pty
import shutil
import re
import subprocess
import tempfile
import threading
import unittest

from test_interop import CLIENT, SERVER

TIME = shutil.which('time', path='/usr/bin:/bin')
BIG = 12 * 1024 * 1024
# What the client may grow by for a body of any size: GLib's buffers and
# the page cache of the files, not the body.
RSS_SLACK_KIB = 4 * 1024


def run(argv):
    """Runs argv and returns (exit status, stdout, stderr, peak RSS in KiB).
    GNU time measures: a child of this process starts with the RSS of the
    Python interpreter it was forked from, and ru_maxrss keeps that."""
    with tempfile.NamedTemporaryFile('r') as rss:
        proc = subprocess.run([TIME, '-f', '%M', '-o', rss.name] + argv,
                              capture_output=True, timeout=120)
        return proc.returncode, proc.stdout, proc.stderr, int(rss.read().split()[-1])


@unittest.skipUnless(os.path.exists(SERVER), 'tools not built (-Dexamples=false)')
class ClientStreams(unittest.TestCase):
    def setUp(self):
        self.server = subprocess.Popen([SERVER, '--bind', '[::1]:0'], stdout=subprocess.PIPE,
                                       stderr=subprocess.DEVNULL, text=True)
        line = self.server.stdout.readline()
        self.base = 'coap://[::1]:%s' % re.search(r'port (\d+)', line).group(1)
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.server.terminate()
        self.server.wait(timeout=10)
        self.tmp.cleanup()

    def test_large_upload_and_download_keep_memory_flat(self):
        source = os.path.join(self.tmp.name, 'up')
        output = os.path.join(self.tmp.name, 'down')
        with open(source, 'wb') as f:
            f.write(bytes(ord('a') + (i * 7 + i // 997) % 26 for i in range(1 << 16)) * (BIG >> 16))

        if TIME is None:
            self.skipTest('GNU time (/usr/bin/time) is not installed')
        status, _, err, small_rss = run([CLIENT, '-o', output, self.base + '/hello'])
        self.assertEqual(status, 0, err)
        status, _, err, big_rss = run([CLIENT, '-m', 'post', '-f', source, '-o', output,
                                       self.base + '/echo'])
        self.assertEqual(status, 0, err)
        # Not a terminal: no progress line.
        self.assertEqual(err, b'')
        with open(source, 'rb') as a, open(output, 'rb') as b:
            self.assertTrue(a.read() == b.read(), 'the echoed file differs')
        self.assertLess(big_rss, small_rss + RSS_SLACK_KIB,
                        'RSS grew from %d to %d KiB for a 12 MiB body' % (small_rss, big_rss))

    def test_upload_from_stdin(self):
        data = b'0123456789abcdef' * 1000
        proc = subprocess.run([CLIENT, '-m', 'put', '-f', '-', self.base + '/echo'],
                              input=data, capture_output=True, timeout=30)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout, data + b'\n')

    def test_progress_line_on_a_terminal(self):
        source = os.path.join(self.tmp.name, 'up')
        output = os.path.join(self.tmp.name, 'down')
        with open(source, 'wb') as f:
            f.write(b'x' * 20000)
        master, slave = pty.openpty()
        seen = bytearray()

        def read_terminal():
            while True:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    return
                if not chunk:
                    return
                seen.extend(chunk)
        reader = threading.Thread(target=read_terminal)
        reader.start()
        try:
            proc = subprocess.run([CLIENT, '-m', 'post', '-f', source, '-o', output,
                                   self.base + '/echo'], stderr=slave, timeout=30)
        finally:
            os.close(slave)
            reader.join(timeout=10)
            os.close(master)
        self.assertEqual(proc.returncode, 0)
        text = bytes(seen).decode()
        self.assertIn('sent 20000 of 20000 bytes (100 %)', text)
        self.assertRegex(text, r'received 20000 (of 20000 )?bytes')
        self.assertTrue(text.endswith('\n'), repr(text))
        self.assertEqual(os.path.getsize(output), 20000)


if __name__ == '__main__':
    unittest.main()
