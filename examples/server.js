#!/usr/bin/gjs
// server.js: a CoAP server in GJS with one resource, /hello, a
// CoapUdp6.Resource subclass that greets the name in the ?name= query and
// tells the requester its address.
//
//   gjs server.js [HOST:PORT] [IFACE…]   (default [::]:5683)
//
// Prints "listening on port N" once ready, then serves until SIGINT/SIGTERM.
//
// SPDX-License-Identifier: LGPL-2.1-or-later
imports.gi.versions.CoapUdp6 = '1.0';
const {CoapUdp6, GLib, GObject} = imports.gi;
const System = imports.system;

const Hello = GObject.registerClass(
class Hello extends CoapUdp6.Resource {
    vfunc_render(request) {
        const message = request.get_message();
        if (message.get_code() !== CoapUdp6.Code.GET) {
            request.respond_code(CoapUdp6.Code.METHOD_NOT_ALLOWED, null);
            return;
        }
        const arg = (message.get_uri_query() || []).find(q => q.startsWith('name='));
        const name = arg ? arg.slice(5) : 'world';
        const text = `Hello, ${name}! You are ${request.get_remote().get_hostinfo()} (GJS)`;
        const response = CoapUdp6.Message.new(CoapUdp6.MessageType.ACK, CoapUdp6.Code.CONTENT);
        response.set_payload(new TextEncoder().encode(text));
        response.set_content_format(0);
        request.respond(response);
    }
});

const bind = ARGV[0] || '[::]:5683';
let context;
try {
    context = CoapUdp6.Context.new_server([bind], ARGV.length > 1 ? ARGV.slice(1) : null);
} catch (e) {
    printerr(`server.js: ${e.message}`);
    System.exit(2);
}
context.add_resource('hello', new Hello({resource_type: 'example.hello', title: 'Hello from GJS'}));
print(`listening on port ${context.get_local_port()}`);

const loop = new GLib.MainLoop(null, false);
for (const signum of [2, 15])
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signum, () => loop.quit());
loop.run();
