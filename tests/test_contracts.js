// test_contracts.js: a GJS render that throws gets the client a 5.00 at
// once; a deferred request is answered later
//
// SPDX-License-Identifier: LGPL-2.1-or-later
imports.gi.versions.CoapUdp6 = '1.0';
const {CoapUdp6, GLib, GObject} = imports.gi;
const ByteArray = imports.byteArray;
const System = imports.system;

let failures = 0;
function check(cond, what) {
    print(`${cond ? 'ok' : 'not ok'} - ${what}`);
    if (!cond)
        failures++;
}

GLib.timeout_add(GLib.PRIORITY_DEFAULT, 20000, () => {
    check(false, 'timed out');
    System.exit(1);
});

const Throwing = GObject.registerClass(
class Throwing extends CoapUdp6.Resource {
    vfunc_render(_request) {
        throw new Error('this handler is broken (expected by the test)');
    }
});

const Deferring = GObject.registerClass(
class Deferring extends CoapUdp6.Resource {
    vfunc_render(request) {
        request.defer();
        GLib.timeout_add(GLib.PRIORITY_DEFAULT, 30, () => {
            request.respond_code(CoapUdp6.Code.CONTENT, 'later');
            return GLib.SOURCE_REMOVE;
        });
    }
});

const server = CoapUdp6.Context.new_server(['[::1]:0'], null);
server.add_resource('throw', new Throwing());
server.add_resource('defer', new Deferring());
const client = CoapUdp6.Context.new_client();
const port = server.get_local_port();

function request(path) {
    const message = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.GET);
    message.set_request_uri(`coap://[::1]:${port}/${path}`);
    const loop = new GLib.MainLoop(null, false);
    let response = null;
    client.request_async(message, null, (ctx, res) => {
        try {
            response = ctx.request_finish(res);
        } catch (e) {
            print(`# ${e}`);
        }
        loop.quit();
    });
    loop.run();
    return response;
}

const start = GLib.get_monotonic_time();
let response = request('throw');
const elapsed = (GLib.get_monotonic_time() - start) / 1e6;
check(response !== null && response.get_code() === CoapUdp6.Code.INTERNAL_SERVER_ERROR,
    'a render that throws gets 5.00');
check(response !== null && response.get_mtype() === CoapUdp6.MessageType.ACK,
    'the 5.00 is piggybacked on the ACK');
check(elapsed < 0.5, `the 5.00 comes at once (${elapsed.toFixed(3)} s)`);

response = request('defer');
check(response !== null && response.get_code() === CoapUdp6.Code.CONTENT &&
      ByteArray.toString(ByteArray.fromGBytes(response.get_payload())) === 'later',
'a deferred request is answered later');
check(response !== null && response.get_mtype() === CoapUdp6.MessageType.CON,
    'the later answer is a separate response');

System.exit(failures > 0 ? 1 : 0);
