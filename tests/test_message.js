// test_message.js: the message API from GJS
//
// SPDX-License-Identifier: LGPL-2.1-or-later
imports.gi.versions.CoapUdp6 = '1.0';
const {CoapUdp6, GLib} = imports.gi;
const System = imports.system;

let failures = 0;
function check(cond, what) {
    print(`${cond ? 'ok' : 'not ok'} - ${what}`);
    if (!cond)
        failures++;
}

function hex(bytes) {
    const data = bytes.get_data() ?? new Uint8Array();
    return Array.from(data, b => b.toString(16).padStart(2, '0')).join('');
}

// A request built from a URI encodes to the expected bytes and decodes back.
const req = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.GET);
req.set_request_uri('coap://[::1]:61616/sensors/temp?unit=C');
req.mid = 0x1234;
req.token = new GLib.Bytes(new Uint8Array([0xca, 0xfe]));
const wire = req.encode();
check(hex(wire) === '42011234cafe' + 'b7' + '73656e736f7273' + '0474656d70' +
      '46' + '756e69743d43', `encoded request ${hex(wire)}`);
check(req.unresolved_remote === '[::1]:61616', 'IP literal goes to unresolved-remote');

const back = CoapUdp6.Message.decode(wire, null);
check(back.mtype === CoapUdp6.MessageType.CON, 'decoded type');
check(back.code === CoapUdp6.Code.GET, 'decoded code');
check(back.mid === 0x1234, 'decoded mid');
check(back.get_uri_path().join('/') === 'sensors/temp', 'decoded Uri-Path');
check(back.get_uri_query().join('&') === 'unit=C', 'decoded Uri-Query');
check(CoapUdp6.code_to_string(CoapUdp6.Code.CONTENT) === '2.05 Content',
    'code text');

// A response with a payload.
const rsp = CoapUdp6.Message.new(CoapUdp6.MessageType.ACK, CoapUdp6.Code.CONTENT);
rsp.payload = new GLib.Bytes(new TextEncoder().encode('22.5'));
rsp.set_content_format(0);
const rback = CoapUdp6.Message.decode(rsp.encode(), null);
check(new TextDecoder().decode(rback.payload.get_data()) === '22.5', 'payload');
check(rback.get_content_format().join() === 'true,0', 'content-format');

// One message reloaded with each datagram: nothing of the last one stays.
const reused = CoapUdp6.Message.new(CoapUdp6.MessageType.NON, CoapUdp6.Code.POST);
check(reused.load(rsp.encode(), null) === true, 'load a response');
check(reused.code === CoapUdp6.Code.CONTENT && reused.get_content_format().join() === 'true,0',
    'loaded code and content-format');
check(reused.load(wire, null) === true, 'load a request into the same message');
check(reused.get_content_format().join() === 'false,0' && reused.payload.get_size() === 0,
    'nothing of the response remains');
check(reused.get_uri_path().join('/') === 'sensors/temp', 'loaded Uri-Path');
let loadError = null;
try {
    reused.load(new GLib.Bytes(new Uint8Array([0x40, 0x01])), null);
} catch (e) {
    loadError = e;
}
check(loadError !== null && loadError.matches(CoapUdp6.error_quark(), CoapUdp6.Error.UNPARSABLE),
    'a truncated datagram fails to load with UNPARSABLE');

// A malformed datagram is a GLib.Error in the CoapUdp6 error domain.
try {
    CoapUdp6.Message.decode(new GLib.Bytes(new Uint8Array([0x40, 0x01, 0x00])), null);
    check(false, 'truncated header rejected');
} catch (e) {
    check(e.matches(CoapUdp6.error_quark(), CoapUdp6.Error.UNPARSABLE),
        `truncated header rejected: ${e.message}`);
}

System.exit(failures ? 1 : 0);
