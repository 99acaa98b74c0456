// test_observe.js: a GJS observable resource observed from GJS: three
// notifications through the signal, latest-text bound to another object,
// then an active cancel (RFC 7641 §3.6)
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

GLib.timeout_add(GLib.PRIORITY_DEFAULT, 20000, () => {
    check(false, 'timed out');
    System.exit(1);
});

const Counter = GObject.registerClass(
class Counter extends CoapUdp6.Resource {
    _init() {
        super._init({observable: true});
        this.count = 0;
    }

    vfunc_render(request) {
        request.respond_code(CoapUdp6.Code.CONTENT, `count ${this.count}`);
    }
});

const Label = GObject.registerClass({
    Properties: {
        'label': GObject.ParamSpec.string('label', 'label', 'label',
            GObject.ParamFlags.READWRITE, ''),
    },
}, class Label extends GObject.Object {});

const server = CoapUdp6.Context.new_server(['[::1]:0'], null);
const counter = new Counter();
server.add_resource('counter', counter);
const client = CoapUdp6.Context.new_client();

const request = CoapUdp6.Message.new(CoapUdp6.MessageType.CON, CoapUdp6.Code.GET);
request.set_request_uri(`coap://[::1]:${server.get_local_port()}/counter`);
const observation = client.observe(request, null);
const label = new Label();
observation.bind_property('latest-text', label, 'label', GObject.BindingFlags.SYNC_CREATE);

const texts = [];
let endedWith = null;
const loop = new GLib.MainLoop(null, false);
observation.connect('notification', (_obs, message) => {
    texts.push(ByteArray.toString(message.get_payload().toArray()));
    if (texts.length < 4) {
        counter.count++;
        counter.changed();
    } else {
        loop.quit();
    }
});
observation.connect('ended', (_obs, error) => {
    endedWith = error;
});
loop.run();

check(texts.join(',') === 'count 0,count 1,count 2,count 3', `notifications in order: ${texts}`);
check(label.label === 'count 3', 'latest-text is bound to the label');
check(observation.n_notifications === 4, 'n-notifications counts them');
check(server.get_statistic(CoapUdp6.Statistic.OBSERVERS) === 1, 'the server has one observer');

let cancelled = null;
observation.cancel_async(null, (obs, res) => {
    cancelled = obs.cancel_finish(res);
    loop.quit();
});
check(!observation.active, 'inactive at once');
check(endedWith !== null && endedWith.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED),
    'ended with CANCELLED');
loop.run();
check(cancelled === true, 'the server answered the deregistration');
check(server.get_statistic(CoapUdp6.Statistic.OBSERVERS) === 0, 'the server forgot the observer');

System.exit(failures > 0 ? 1 : 0);
