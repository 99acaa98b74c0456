// npm-peer.js: the npm `coap` package as an interop peer for coap-udp6.
//
//   node npm-peer.js server PORT        serves /hello (GET) and /echo (POST/PUT)
//                                       on [::1]:PORT and prints "ready"
//   node npm-peer.js client METHOD URI [PAYLOAD]
//                                       prints "CODE PAYLOAD" of the response
//
// Only loopback addresses are used.
'use strict';

const coap = require('coap');

function serve(port) {
  const server = coap.createServer({ type: 'udp6' });
  server.on('request', (req, res) => {
    if (req.url === '/hello' && req.method === 'GET') {
      res.setOption('Content-Format', 'text/plain');
      res.end('hello from npm coap');
    } else if (req.url === '/echo' &&
               (req.method === 'POST' || req.method === 'PUT')) {
      res.code = '2.04';
      res.end(req.payload);
    } else {
      res.code = '4.04';
      res.end();
    }
  });
  server.listen(port, '::1', () => console.log('ready'));
}

function request(method, uri, payload) {
  const url = new URL(uri);
  const req = coap.request({
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : 5683,
    pathname: url.pathname,
    query: url.search.replace(/^\?/, ''),
    method: method.toUpperCase(),
    confirmable: true,
  });
  const timer = setTimeout(() => {
    console.error('npm-peer: timeout');
    process.exit(2);
  }, 20000);
  req.on('response', (res) => {
    clearTimeout(timer);
    console.log(`${res.code} ${res.payload.toString()}`);
    process.exit(0);
  });
  req.on('error', (err) => {
    console.error(`npm-peer: ${err.message}`);
    process.exit(2);
  });
  if (payload !== undefined)
    req.write(payload);
  req.end();
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'server')
  serve(Number(args[0]));
else if (mode === 'client')
  request(args[0], args[1], args[2]);
else {
  console.error('usage: npm-peer.js server PORT | client METHOD URI [PAYLOAD]');
  process.exit(64);
}
