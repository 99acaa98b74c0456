// test_transport.js: a CoapUdp6.MessageManager implemented in GJS drives
// message interfaces over loopback
//
// SPDX-License-Identifier: LGPL-2.1-or-later
imports.gi.versions.CoapUdp6 = '1.0';
const {CoapUdp6, GLib, GObject} = imports.gi;
const System = imports.system;

let failures = 0;
function check(cond, what) {
    print(`${cond ? 'ok' : 'not ok'} - ${what}`);
    if (!cond)
        failures++;
}

const loop = new GLib.MainLoop(null, false);

const Manager = GObject.registerClass({
    Implements: [CoapUdp6.MessageManager],
}, class Manager extends GObject.Object {
    _init() {
        super._init();
        this.messages = [];
        this.errors = [];
    }

    vfunc_dispatch_message(message) {
        this.messages.push(message);
        loop.quit();
    }

    vfunc_dispatch_error(error, remote) {
        this.errors.push([error, remote]);
        loop.quit();
    }

    vfunc_dispatch_unparsable(datagram, remote, reason) {
    }
});

const timeout = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 5000, () => {
    check(false, 'timed out');
    System.exit(1);
});

const serverManager = new Manager();
const clientManager = new Manager();
const server = CoapUdp6.MessageInterface.new_server(serverManager, '127.0.0.1:0', null);
const client = CoapUdp6.MessageInterface.new_client(clientManager);
const request = CoapUdp6.Message.new(CoapUdp6.MessageType.NON, CoapUdp6.Code.GET);
request.set_unresolved_remote(`127.0.0.1:${server.get_local_port()}`);

let remote = null;
client.determine_remote_async(request, null, (source, result) => {
    remote = source.determine_remote_finish(result);
    loop.quit();
});
loop.run();
check(remote !== null && remote.get_hostinfo() === `127.0.0.1:${server.get_local_port()}`,
    'determine_remote resolves a literal');

request.set_remote(remote);
request.set_mid(42);
client.send(request);
loop.run();
check(serverManager.messages.length === 1 && serverManager.messages[0].get_mid() === 42,
    'the server manager receives the request');
const got = serverManager.messages[0].get_remote();
check(got.get_hostinfo_local() === `127.0.0.1:${server.get_local_port()}`,
    'hostinfo_local is the address the request reached');

GLib.source_remove(timeout);
System.exit(failures ? 1 : 0);
