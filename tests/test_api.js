// test_api.js: the API as GJS sees it, as an ES module: Uint8Array in,
// absent options, a resource served by a JS function, and a promisified
// request (run with gjs -m)
//
// SPDX-License-Identifier: LGPL-2.1-or-later
import CoapUdp6 from 'gi://CoapUdp6?version=1.0';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import System from 'system';

Gio._promisify(CoapUdp6.Context.prototype, 'request_async', 'request_finish');

let failures = 0;
function check(cond, what) {
    print(`${cond ? 'ok' : 'not ok'} - ${what}`);
    if (!cond)
        failures++;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// Byte arrays in wherever a payload, token or ETag is set.
const msg = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.PUT);
msg.set_payload(encoder.encode('hi'));
msg.set_token(new Uint8Array([0xca, 0xfe]));
msg.add_etag(encoder.encode('e1'));
check(decoder.decode(msg.get_payload().get_data()) === 'hi', 'set_payload takes a Uint8Array');
check(msg.get_token().get_data().join() === '202,254', 'set_token takes a Uint8Array');
check(msg.get_etags().length === 1 && decoder.decode(msg.get_etags()[0].get_data()) === 'e1',
    'add_etag takes a Uint8Array');

// Absent or a value: [present, value].
check(msg.get_max_age().join() === 'false,0' && msg.get_effective_max_age() === 60,
    'Max-Age absent, 60 in effect');
msg.set_max_age(60);
check(msg.get_max_age().join() === 'true,60', 'Max-Age 60 is a value');
check(CoapUdp6.code_to_string(CoapUdp6.Code.CONTENT) === '2.05 Content', 'code_to_string');

// A resource served by a plain function; other methods get 4.05.
const server = CoapUdp6.Context.new_server(['[::1]:0'], null);
const resource = CoapUdp6.Resource.new();
resource.set_method_handler(CoapUdp6.Code.GET, (res, request) => {
    request.respond_payload(CoapUdp6.Code.CONTENT, new GLib.Bytes(encoder.encode('from js')), 0);
});
server.add_resource('h', resource);
const client = CoapUdp6.Context.new_client();
const uri = `coap://[::1]:${server.get_local_port()}/h`;

async function request(code) {
    const message = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, code);
    message.set_request_uri(uri);
    return client.request_async(message, null);
}

const loop = new GLib.MainLoop(null, false);
const guard = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 10000, () => {
    check(false, 'timed out');
    loop.quit();
    return GLib.SOURCE_REMOVE;
});
(async () => {
    try {
        const got = await request(CoapUdp6.Code.GET);
        check(got.get_code() === CoapUdp6.Code.CONTENT &&
              decoder.decode(got.get_payload().get_data()) === 'from js',
        'GET answered by the JS handler (awaited request)');
        const refused = await request(CoapUdp6.Code.DELETE);
        check(refused.get_code() === CoapUdp6.Code.METHOD_NOT_ALLOWED, 'DELETE gets 4.05');
    } catch (e) {
        check(false, `request failed: ${e.message}`);
    }
    GLib.source_remove(guard);
    loop.quit();
})();
loop.run();

System.exit(failures ? 1 : 0);
