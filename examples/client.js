#!/usr/bin/gjs
// client.js: GETs a CoAP URI and prints the payload.
//
//   gjs client.js URI      e.g. gjs client.js 'coap://[::1]/hello?name=you'
//
// Exit status: 0 on a 2.xx response, 1 on another response code (printed on
// stderr), 2 when the request failed.
//
// SPDX-License-Identifier: LGPL-2.1-or-later
imports.gi.versions.CoapUdp6 = '1.0';
const {CoapUdp6, GLib} = imports.gi;
const ByteArray = imports.byteArray;
const System = imports.system;

if (ARGV.length !== 1) {
    printerr('usage: gjs client.js URI');
    System.exit(2);
}

const loop = new GLib.MainLoop(null, false);
let status = 2;
try {
    const context = CoapUdp6.Context.new_client();
    const request = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.GET);
    request.set_request_uri(ARGV[0]);
    context.request_async(request, null, (source, result) => {
        try {
            const response = source.request_finish(result);
            const payload = response.get_payload();
            if (payload && payload.get_size() > 0)
                print(ByteArray.toString(ByteArray.fromGBytes(payload)));
            if (CoapUdp6.code_is_successful(response.get_code())) {
                status = 0;
            } else {
                printerr(CoapUdp6.code_to_string(response.get_code()));
                status = 1;
            }
        } catch (e) {
            printerr(`client.js: ${e.message}`);
        }
        loop.quit();
    });
    loop.run();
} catch (e) {
    printerr(`client.js: ${e.message}`);
}
System.exit(status);
