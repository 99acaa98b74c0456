#!/usr/bin/gjs -m
// server.js: a CoAP server in GJS (an ES module) with one resource,
// /hello, whose GET handler greets the name in the ?name= query and tells
// the requester its address; other methods get 4.05.
//
//   gjs -m server.js [HOST:PORT] [IFACE…]   (default [::]:5683)
//
// Prints "listening on port N" once ready, then serves until SIGINT/SIGTERM.
//
// SPDX-License-Identifier: LGPL-2.1-or-later
import CoapUdp6 from 'gi://CoapUdp6?version=1.0';
import GLib from 'gi://GLib';
import System from 'system';

function helloGet(resource, request) {
    const message = request.get_message();
    const arg = (message.get_uri_query() || []).find(q => q.startsWith('name='));
    const name = arg ? arg.slice(5) : 'world';
    const text = `Hello, ${name}! You are ${request.get_remote().get_hostinfo()} (GJS)`;
    const response = CoapUdp6.Message.new(CoapUdp6.MessageType.ACK, CoapUdp6.Code.CONTENT);
    response.set_payload(new TextEncoder().encode(text));
    response.set_content_format(0);
    request.respond(response);
}

const args = System.programArgs;
const bind = args[0] || '[::]:5683';
let context;
try {
    context = CoapUdp6.Context.new_server([bind], args.length > 1 ? args.slice(1) : null);
} catch (e) {
    printerr(`server.js: ${e.message}`);
    System.exit(2);
}
const hello = new CoapUdp6.Resource({resource_type: 'example.hello', title: 'Hello from GJS'});
hello.set_method_handler(CoapUdp6.Code.GET, helloGet);
context.add_resource('hello', hello);
print(`listening on port ${context.get_local_port()}`);

const loop = new GLib.MainLoop(null, false);
for (const signum of [2, 15])
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signum, () => loop.quit());
loop.run();
