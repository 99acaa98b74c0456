// npm-block-peer.js: the npm `coap` package as a block-wise (RFC 7959)
// peer for coap-udp6. Bodies are SIZE bytes of a fixed pattern, so both
// sides can check them without sending them through a file.
//
//   node npm-block-peer.js server PORT SIZE
//       serves /large (GET: SIZE bytes) and /echo (POST/PUT: the body back,
//       2.04) on [::1]:PORT (0: a port the kernel picks) and prints
//       "ready PORT"
//   node npm-block-peer.js client METHOD URI [SIZE]
//       sends SIZE bytes as the payload; prints "CODE LENGTH SHA256" of
//       the response payload
//
// Only loopback addresses are used.
'use strict';

const coap = require('coap');
const crypto = require('crypto');

function body(length) {
  const data = Buffer.alloc(length);
  for (let i = 0; i < length; i++)
    data[i] = 65 + (i * 7 + Math.floor(i / 251)) % 26;
  return data;
}

function describe(code, payload) {
  const sha = crypto.createHash('sha256').update(payload).digest('hex');
  return `${code} ${payload.length} ${sha}`;
}

function serve(port, size) {
  const large = body(size);
  const server = coap.createServer({ type: 'udp6' });
  server.on('request', (req, res) => {
    if (req.url === '/large' && req.method === 'GET') {
      res.end(large);
    } else if (req.url === '/echo' &&
               (req.method === 'POST' || req.method === 'PUT')) {
      console.log(`received ${describe(req.method, req.payload)}`);
      res.code = '2.04';
      res.end(req.payload);
    } else {
      res.code = '4.04';
      res.end();
    }
  });
  server.listen(port, '::1', () => console.log(`ready ${server._sock.address().port}`));
}

function request(method, uri, size) {
  const url = new URL(uri);
  const req = coap.request({
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : 5683,
    pathname: url.pathname,
    method: method.toUpperCase(),
    confirmable: true,
  });
  const timer = setTimeout(() => {
    console.error('npm-block-peer: timeout');
    process.exit(2);
  }, 60000);
  req.on('response', (res) => {
    clearTimeout(timer);
    console.log(describe(res.code, res.payload));
    process.exit(0);
  });
  req.on('error', (err) => {
    console.error(`npm-block-peer: ${err.message}`);
    process.exit(2);
  });
  if (size !== undefined) {
    // The package splits a request body only when asked to, with the
    // SZX of the first Block1 option (6: 1024-byte blocks).
    if (Number(size) > 1024)
      req.setOption('Block1', Buffer.from([6]));
    req.write(body(Number(size)));
  }
  req.end();
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'server')
  serve(Number(args[0]), Number(args[1]));
else if (mode === 'client')
  request(args[0], args[1], args[2]);
else {
  console.error('usage: npm-block-peer.js server PORT SIZE | client METHOD URI [SIZE]');
  process.exit(64);
}
