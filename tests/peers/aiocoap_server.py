#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A CoAP server on aiocoap (tests/peers/aiocoap/, see README.md there),
for the interop tests: /large (4200 bytes of text, Block2), /sink (takes a
body of any size, Block1, and answers its length and SHA-256), /time
(observable, notifies every 200 ms). Listens on [::1]:PORT and prints
"listening on port PORT" once it does.

    aiocoap_server.py PORT [SIZE]

With SIZE, /large is SIZE bytes of what tests/bench/blockwise.py expects."""

import asyncio
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import aiocoap  # noqa: E402
from aiocoap import resource  # noqa: E402

LARGE = ''.join('%04d aiocoap block-wise line\n' % i for i in range(150)).encode()[:4200]


def bench_body(length):
    """What tests/bench/bench-block-server's /large serves."""
    unit = bytes(ord('A') + (i * 7 + i // 251) % 26 for i in range(251 * 26))
    return (unit * (length // len(unit) + 1))[:length]


class Large(resource.Resource):
    async def render_get(self, request):
        return aiocoap.Message(payload=LARGE, content_format=0)


class Sink(resource.Resource):
    async def render_post(self, request):
        body = request.payload
        answer = '%d %s' % (len(body), hashlib.sha256(body).hexdigest())
        return aiocoap.Message(code=aiocoap.CHANGED, payload=answer.encode())

    render_put = render_post


class Time(resource.ObservableResource):
    def __init__(self):
        super().__init__()
        self.count = 0
        self.handle = None

    def update_observation_count(self, count):
        if count and self.handle is None:
            self.handle = asyncio.get_event_loop().call_later(0.2, self.tick)
        elif not count and self.handle is not None:
            self.handle.cancel()
            self.handle = None

    def tick(self):
        self.count += 1
        self.updated_state()
        self.handle = asyncio.get_event_loop().call_later(0.2, self.tick)

    async def render_get(self, request):
        return aiocoap.Message(payload=('tick %d' % self.count).encode(), content_format=0)


async def main(port):
    root = resource.Site()
    root.add_resource(['.well-known', 'core'],
                      resource.WKCResource(root.get_resources_as_linkheader))
    root.add_resource(['large'], Large())
    root.add_resource(['sink'], Sink())
    root.add_resource(['time'], Time())
    await aiocoap.Context.create_server_context(root, bind=('::1', port))
    print('listening on port %d' % port, flush=True)
    await asyncio.get_running_loop().create_future()


if __name__ == '__main__':
    if len(sys.argv) > 2:
        LARGE = bench_body(int(sys.argv[2]))
    asyncio.run(main(int(sys.argv[1])))
