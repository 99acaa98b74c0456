#!/usr/bin/gjs -m
// client.js: GETs a CoAP URI and prints the payload (an ES module; the
// request is awaited through Gio._promisify).
//
//   gjs -m client.js URI   e.g. gjs -m client.js 'coap://[::1]/hello?name=you'
//
// Exit status: 0 on a 2.xx response, 1 on another response code (printed on
// stderr), 2 when the request failed.
//
// SPDX-License-Identifier: LGPL-2.1-or-later
import CoapUdp6 from 'gi://CoapUdp6?version=1.0';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import System from 'system';

Gio._promisify(CoapUdp6.Context.prototype, 'request_async', 'request_finish');

const args = System.programArgs;
if (args.length !== 1) {
    printerr('usage: gjs -m client.js URI');
    System.exit(2);
}

async function get(uri) {
    const context = CoapUdp6.Context.new_client();
    const request = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.GET);
    request.set_request_uri(uri);
    const response = await context.request_async(request, null);
    const payload = response.get_payload();
    if (payload && payload.get_size() > 0)
        print(new TextDecoder().decode(payload.get_data()));
    if (CoapUdp6.code_is_successful(response.get_code()))
        return 0;
    printerr(CoapUdp6.code_to_string(response.get_code()));
    return 1;
}

const loop = new GLib.MainLoop(null, false);
let status = 2;
get(args[0]).then(result => {
    status = result;
}).catch(e => {
    printerr(`client.js: ${e.message}`);
}).finally(() => loop.quit());
loop.run();
System.exit(status);
