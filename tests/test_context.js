// test_context.js: a GJS CoapUdp6.Resource subclass served by a context,
// GJS client requests against it and against the C coap-udp6-server, errors
// as GLib.Error
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
let child = null;

const timeout = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 20000, () => {
    check(false, 'timed out');
    if (child)
        child.force_exit();
    System.exit(1);
});

// Answers GET with a greeting computed from the ?name= query option and
// counts its calls; anything else gets 4.05.
const Greeter = GObject.registerClass(
class Greeter extends CoapUdp6.Resource {
    _init(params) {
        super._init(params);
        this.calls = 0;
    }

    vfunc_render(request) {
        this.calls++;
        const message = request.get_message();
        if (message.get_code() === CoapUdp6.Code.PUT) {
            request.respond_payload(CoapUdp6.Code.CHANGED, new GLib.Bytes('stored'), 42);
            return;
        }
        if (message.get_code() !== CoapUdp6.Code.GET) {
            request.respond_code(CoapUdp6.Code.METHOD_NOT_ALLOWED, null);
            return;
        }
        const query = message.get_uri_query() || [];
        const arg = query.find(q => q.startsWith('name='));
        const name = arg ? arg.slice(5) : 'stranger';
        const response = CoapUdp6.Message.new(CoapUdp6.MessageType.ACK, CoapUdp6.Code.CONTENT);
        response.set_payload(new TextEncoder().encode(`Hello, ${name}!`));
        response.set_content_format(0);
        request.respond(response);
    }
});

function payloadText(message) {
    const payload = message.get_payload();
    return payload ? ByteArray.toString(ByteArray.fromGBytes(payload)) : '';
}

// Runs one request on the main loop; returns [response, error].
function request(context, method, uri, cancellable = null) {
    const message = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, method);
    message.set_request_uri(uri);
    let result = [null, null];
    context.request_async(message, cancellable, (source, res) => {
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

const client = CoapUdp6.Context.new_client();

// A GJS resource served by a context on [::1]:0.
const server = CoapUdp6.Context.new_server(['[::1]:0'], null);
const greeter = new Greeter({resource_type: 'demo.greet', title: 'Greeter'});
server.add_resource('greet', greeter);
const port = server.get_local_port();
check(port > 0, 'the server context binds an ephemeral port');

let [response, error] = request(client, CoapUdp6.Code.GET, `coap://[::1]:${port}/greet?name=gjs`);
check(error === null, 'GET /greet succeeds');
check(response && response.get_code() === CoapUdp6.Code.CONTENT, 'the response is 2.05 Content');
check(response && payloadText(response) === 'Hello, gjs!', 'the payload is computed by the GJS render vfunc');
check(response && response.get_content_format().join() === 'true,0', 'the content format set in GJS arrives');
check(response && response.get_remote().get_hostinfo() === `[::1]:${port}`,
    'the response remote is the server');
check(greeter.calls === 1, 'render ran once');

[response, error] = request(client, CoapUdp6.Code.POST, `coap://[::1]:${port}/greet`);
check(response && response.get_code() === CoapUdp6.Code.METHOD_NOT_ALLOWED,
    'POST to the GJS resource gets 4.05 from respond_code');

[response, error] = request(client, CoapUdp6.Code.PUT, `coap://[::1]:${port}/greet`);
check(response && response.get_code() === CoapUdp6.Code.CHANGED &&
      payloadText(response) === 'stored' && response.get_content_format().join() === 'true,42',
    'PUT gets 2.04 with the payload and content format given to respond_payload');

[response, error] = request(client, CoapUdp6.Code.GET, `coap://[::1]:${port}/.well-known/core`);
const links = response ? payloadText(response) : '';
check(links.includes('</greet>') && links.includes('rt="demo.greet"'),
    `/.well-known/core lists the GJS resource (${links})`);

[response, error] = request(client, CoapUdp6.Code.GET, `coap://[::1]:${port}/missing`);
check(response && response.get_code() === CoapUdp6.Code.NOT_FOUND, 'an unknown path is 4.04');

check(server.remove_resource('greet'), 'remove_resource reports the removed resource');
[response, error] = request(client, CoapUdp6.Code.GET, `coap://[::1]:${port}/greet`);
check(response && response.get_code() === CoapUdp6.Code.NOT_FOUND, 'a removed resource is 4.04');

// Errors arrive as GLib.Error with the right domain and code. A bound socket
// that never answers makes a CON request time out quickly with shrunk
// transmission parameters.
const silent = Gio.Socket.new(Gio.SocketFamily.IPV6, Gio.SocketType.DATAGRAM, Gio.SocketProtocol.UDP);
silent.bind(Gio.InetSocketAddress.new_from_string('::1', 0), false);
const silentPort = silent.get_local_address().get_port();
client.ack_timeout = 0.05;
client.max_retransmit = 1;
check(Math.abs(client.get_exchange_lifetime() - (0.05 * 1 * 1.5 + 2 * 100 + 0.05)) < 1e-6,
    'exchange-lifetime follows the shrunk parameters');
[response, error] = request(client, CoapUdp6.Code.GET, `coap://[::1]:${silentPort}/x`);
check(response === null && error instanceof GLib.Error &&
    error.matches(CoapUdp6.Error, CoapUdp6.Error.TIMEOUT),
    `an unanswered CON fails with COAP_UDP6_ERROR_TIMEOUT (${error})`);

const cancellable = new Gio.Cancellable();
GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
    cancellable.cancel();
    return GLib.SOURCE_REMOVE;
});
client.ack_timeout = 2.0;
[response, error] = request(client, CoapUdp6.Code.GET, `coap://[::1]:${silentPort}/x`, cancellable);
check(error !== null && error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED),
    `cancelling fails with G_IO_ERROR_CANCELLED (${error})`);

let threw = null;
try {
    CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.GET).set_request_uri('coap://[::1');
} catch (e) {
    threw = e;
}
check(threw !== null && threw.matches(CoapUdp6.Error, CoapUdp6.Error.INVALID_URI),
    `a malformed URI throws COAP_UDP6_ERROR_INVALID_URI (${threw})`);

// Against the C server tool, when it is built.
const tool = GLib.build_filenamev([GLib.getenv('COAP_UDP6_BUILDDIR') || '.', 'examples', 'coap-udp6-server']);
if (GLib.file_test(tool, GLib.FileTest.IS_EXECUTABLE)) {
    // It prints the port the kernel chose on stdout.
    child = Gio.Subprocess.new([tool, '--bind', '[::1]:0'],
        Gio.SubprocessFlags.STDOUT_PIPE);
    const stream = new Gio.DataInputStream({base_stream: child.get_stdout_pipe()});
    let cPort = 0;
    const readLine = () => stream.read_line_async(GLib.PRIORITY_DEFAULT, null, (s, res) => {
        const [line] = s.read_line_finish_utf8(res);
        const m = line ? line.match(/listening on port (\d+)/) : null;
        if (m || line === null) {
            cPort = m ? Number(m[1]) : 0;
            loop.quit();
        } else {
            readLine();
        }
    });
    readLine();
    loop.run();
    check(cPort > 0, `the C server reports its port (${cPort})`);
    client.ack_timeout = 2.0;
    client.max_retransmit = 4;
    [response, error] = request(client, CoapUdp6.Code.GET, `coap://[::1]:${cPort}/hello`);
    check(response && response.get_code() === CoapUdp6.Code.CONTENT &&
        payloadText(response) === 'Hello, world!', 'GET /hello from the C server');
    [response, error] = request(client, CoapUdp6.Code.GET, `coap://[::1]:${cPort}/.well-known/core`);
    check(response && payloadText(response).includes('</hello>'),
        'the C server lists its resources');
    child.send_signal(15);
    child.wait(null);
    child = null;
} else {
    print(`ok - # SKIP ${tool} not built`);
}

// The C side of a context also serves GJS: the base class answers 4.05.
server.add_resource('plain', new CoapUdp6.Resource());
[response, error] = request(client, CoapUdp6.Code.GET, `coap://[::1]:${port}/plain`);
check(response && response.get_code() === CoapUdp6.Code.METHOD_NOT_ALLOWED,
    'the C default render answers 4.05');

let shut = false;
server.shutdown_async(null, (source, res) => {
    shut = source.shutdown_finish(res);
    loop.quit();
});
loop.run();
check(shut, 'shutdown_async completes');
[response, error] = request(server, CoapUdp6.Code.GET, `coap://[::1]:${port}/greet`);
check(error !== null && error.matches(CoapUdp6.Error, CoapUdp6.Error.SHUT_DOWN),
    `a request on a shut-down context fails with COAP_UDP6_ERROR_SHUT_DOWN (${error})`);

GLib.source_remove(timeout);
System.exit(failures ? 1 : 0);
