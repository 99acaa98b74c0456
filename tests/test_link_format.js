// test_link_format.js: RFC 6690 link format from GJS: a document parsed
// with its attributes, targets resolved against a base URI, links built by
// hand and written back, malformed input as errors, and the
// /.well-known/core of a server read over ::1
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

function throwsCode(fn, code) {
    try {
        fn();
    } catch (e) {
        return e.matches(CoapUdp6.error_quark(), code) ? e : null;
    }
    return null;
}

// What libcoap 4.3's coap-server-notls answers to GET /.well-known/core.
const LIBCOAP_CORE = '</>;title="General Info";ct=0,' +
    '</time>;if="clock";rt="ticks";title="Internal Clock";ct=0;obs,' +
    '</async>;ct=0,' +
    '</example_data>;title="Example Data";ct=0;obs';

// Parsed, with every attribute.
const links = CoapUdp6.Link.format_parse(LIBCOAP_CORE, 'coap://[2001:db8::1]:5683/.well-known/core');
check(links.length === 4, 'four links');
const time = links[1];
check(time.get_target() === '/time', 'target');
check(time.get_uri() === 'coap://[2001:db8::1]:5683/time', 'resolved against the document URI');
check(time.get_attribute('title') === 'Internal Clock' && time.get_attribute('TITLE') === 'Internal Clock',
    'title, any case');
check(time.get_attribute_values('rt').join('|') === 'ticks', 'rt');
check(time.get_attribute_values('if').join('|') === 'clock', 'if');
check(time.get_attribute_values('ct').join('|') === '0', 'ct');
check(time.has_attribute('obs') && time.get_attribute('obs') === '', 'obs has no value');
check(time.get_attribute('sz') === null, 'absent attribute is null');
check(time.get_attribute_names().join('|') === 'if|rt|title|ct|obs', 'names in order');
check(!links[2].has_attribute('obs') && links[2].get_attribute('title') === null, '</async> has neither');

const quoted = CoapUdp6.Link.format_parse(' </a>; rt="x.y z" ;RT=w;title="say \\"hi\\" \\\\ ok";ct="0 50"', null);
check(quoted[0].get_attribute_values('rt').join('|') === 'x.y|z|w', 'rt values split and repeated');
check(quoted[0].get_attribute_values('ct').join('|') === '0|50', 'ct values split');
check(quoted[0].get_attribute('title') === 'say "hi" \\ ok', 'quoted string unescaped');
check(quoted[0].get_uri() === null, 'a relative target without a base has no URI');
const fromBytes = CoapUdp6.Link.format_parse_bytes(new GLib.Bytes(new TextEncoder().encode('</b>;sz=12')), null);
check(fromBytes.length === 1 && fromBytes[0].get_attribute('sz') === '12', 'parsed from bytes');
check(CoapUdp6.Link.format_parse('', null).length === 0, 'an empty document has no links');

// Targets resolved (RFC 3986 §5).
const base = 'coap://[fe80::1%25eth0]:5683/x/y/.well-known/core';
const resolved = CoapUdp6.Link.format_parse('</a/b>,<c>,<../d>,<coap://[::1]:61616/e>,<//h2/f>', base)
    .map(l => l.get_uri());
check(resolved.join(' ') === ['coap://[fe80::1%25eth0]:5683/a/b',
    'coap://[fe80::1%25eth0]:5683/x/y/.well-known/c', 'coap://[fe80::1%25eth0]:5683/x/y/d',
    'coap://[::1]:61616/e', 'coap://h2/f'].join(' '), `resolved ${resolved}`);

// Built by hand, written back, parsed again. GJS 1.74 hands a JavaScript
// array to a GPtrArray of boxed values as NULL pointers, so JavaScript builds
// with format_build_array (a C array); format_build is for the others.
const lamp = CoapUdp6.Link.new('/lights/hall');
lamp.add_attribute('Title', 'a "quoted", back\\slash; title');
lamp.add_attribute('rt', 'light core.a');
lamp.add_attribute('ct', '50');
lamp.add_attribute('obs', null);
const text = CoapUdp6.Link.format_build_array([lamp, CoapUdp6.Link.new('coap://[::1]/b')]);
check(text === '</lights/hall>;title="a \\"quoted\\", back\\\\slash; title";rt="light core.a";ct=50;obs,' +
    '<coap://[::1]/b>', `built ${text}`);
check(lamp.to_string() + ',<coap://[::1]/b>' === text, 'to_string is one link of the document');
check(CoapUdp6.Link.format_build_array([]) === '', 'no links, empty document');
const again = CoapUdp6.Link.format_parse(text, 'coap://h/.well-known/core');
check(again[0].get_uri() === 'coap://h/lights/hall' &&
    again[0].get_attribute('title') === 'a "quoted", back\\slash; title', 'parsed back');
check(CoapUdp6.Link.format_build_array(again) === text, 'built again byte for byte');

// Malformed input: an error that says so, no crash.
for (const bad of ['<a', '</a>;', '</a>,', 'x', '</a>;title="x', '</a b>', '</a>x', '</a>;=1']) {
    const e = throwsCode(() => CoapUdp6.Link.format_parse(bad, null), CoapUdp6.Error.UNPARSABLE);
    check(e !== null && e.message.startsWith('Not link format (RFC 6690): '), `malformed ${bad}`);
}
check(throwsCode(() => CoapUdp6.Link.format_parse_bytes(new GLib.Bytes(new Uint8Array([60, 97, 62, 0])), null),
    CoapUdp6.Error.UNPARSABLE) !== null, 'a NUL byte is not link format');
check(throwsCode(() => CoapUdp6.Link.format_parse('</a>', 'not a uri'), CoapUdp6.Error.INVALID_URI) !== null,
    'a base that is not an absolute URI');

// A server's /.well-known/core over ::1, titles escaped and parsed back.
const server = CoapUdp6.Context.new_server(['[::1]:0'], null);
const resource = new CoapUdp6.Resource({title: 'Lamp "hall" \\ 1', resource_type: 'light core.a',
    observable: true});
server.add_resource('lights/hall', resource);
const client = CoapUdp6.Context.new_client();
const core = `coap://[::1]:${server.get_local_port()}/.well-known/core`;
const get = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.GET);
get.set_request_uri(core);
const loop = GLib.MainLoop.new(null, false);
let response = null;
const timer = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 10000, () => {
    loop.quit();
    return GLib.SOURCE_REMOVE;
});
client.request_async(get, null, (source, result) => {
    try {
        response = source.request_finish(result);
    } catch (e) {
        print(`# ${e.message}`);
    }
    loop.quit();
});
loop.run();
GLib.source_remove(timer);
check(response !== null && response.code === CoapUdp6.Code.CONTENT, 'GET /.well-known/core');
if (response !== null) {
    check(response.get_content_format().join() === 'true,40', 'application/link-format');
    const served = CoapUdp6.Link.format_parse_bytes(response.payload, core);
    check(served.length === 1 && served[0].get_uri() === `coap://[::1]:${server.get_local_port()}/lights/hall`,
        'one link, resolved');
    check(served[0].get_attribute('title') === 'Lamp "hall" \\ 1', 'title with a quote and a backslash');
    check(served[0].get_attribute_values('rt').join('|') === 'light|core.a' && served[0].has_attribute('obs'),
        'rt and obs');
}

System.exit(failures ? 1 : 0);
