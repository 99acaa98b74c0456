// test_context_construct.js: `new CoapUdp6.Context()` (g_object_new, no
// init) is a working client; a server made from properties and init()
//
// SPDX-License-Identifier: LGPL-2.1-or-later
imports.gi.versions.CoapUdp6 = '1.0';
const {CoapUdp6, Gio, GLib, GObject} = imports.gi;
const ByteArray = imports.byteArray;
const System = imports.system;

let failures = 0;
function check(cond, what) {
    print(`${cond ? 'ok' : 'not ok'} - ${what}`);
    if (!cond)
        failures++;
}

const loop = new GLib.MainLoop(null, false);
GLib.timeout_add(GLib.PRIORITY_DEFAULT, 20000, () => {
    check(false, 'timed out');
    System.exit(1);
});

const Hello = GObject.registerClass(
class Hello extends CoapUdp6.Resource {
    vfunc_render(request) {
        request.respond_code(CoapUdp6.Code.CONTENT, 'hello');
    }
});

function request(context, uri) {
    const message = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.GET);
    message.set_request_uri(uri);
    let result = [null, null];
    context.request_async(message, null, (source, res) => {
        try {
            result = [source.request_finish(res), null];
        } catch (e) {
            result = [null, e];
        }
        loop.quit();
    });
    loop.run();
    return result;
}

// GJS 1.74 does not call init() either: the server calls it itself.
const server = new CoapUdp6.Context({binds: ['[::1]:0'], is_server: true});
check(server.local_port === 0, 'a context from properties has no socket before init()');
server.init(null);
const port = server.local_port;
check(port > 0, `init() binds the server (${port})`);
server.add_resource('hello', new Hello());

const client = new CoapUdp6.Context();
let [response, error] = request(client, `coap://[::1]:${port}/hello`);
check(error === null, `new CoapUdp6.Context() can request (${error})`);
check(response && response.get_code() === CoapUdp6.Code.CONTENT &&
    ByteArray.toString(ByteArray.fromGBytes(response.get_payload())) === 'hello',
    'and gets the response');
check(client.local_port > 0, 'its socket opened on the first request');

const second = new CoapUdp6.Context({binds: [`[::1]:${port}`], is_server: true});
try {
    second.init(null);
    check(false, 'a second server on the same port fails');
} catch (e) {
    check(e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.ADDRESS_IN_USE),
        `a second server on the same port fails with ADDRESS_IN_USE (${e.message})`);
}

if (failures > 0)
    System.exit(1);
