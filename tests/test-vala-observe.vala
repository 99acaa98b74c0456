/* test-vala-observe.vala: a Vala observable resource observed from Vala
 * (RFC 7641): notifications through the signal, latest-text, then an
 * active cancel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

class Counter : CoapUdp6.Resource {
    public int count = 0;

    public override void render (CoapUdp6.Request request) {
        request.respond_code (CoapUdp6.Code.CONTENT, "count %d".printf (count));
    }
}

static string text_of (CoapUdp6.Message message) {
    var payload = message.payload;
    if (payload == null)
        return "";
    var builder = new StringBuilder ();
    builder.append_len ((string) payload.get_data (), (ssize_t) payload.get_size ());
    return builder.str;
}

static void test_observe_and_cancel () {
    var timeout = Timeout.add (20000, () => { assert_not_reached (); });
    try {
        string[] binds = { "[::1]:0" };
        var server = new CoapUdp6.Context.server (binds, null);
        var counter = new Counter ();
        counter.observable = true;
        server.add_resource ("counter", counter);
        var client = new CoapUdp6.Context.client ();
        var request = new CoapUdp6.Message (CoapUdp6.MessageType.CON, CoapUdp6.Code.GET);
        request.set_request_uri ("coap://[::1]:%u/counter".printf (server.local_port));

        var observation = client.observe (request, null);
        var loop = new MainLoop ();
        string[] texts = {};
        Error? ended = null;
        observation.notification.connect ((message) => {
            texts += text_of (message);
            if (texts.length < 4) {
                counter.count++;
                counter.changed ();
            } else {
                loop.quit ();
            }
        });
        observation.ended.connect ((error) => { ended = error.copy (); });
        loop.run ();
        assert (string.joinv (",", texts) == "count 0,count 1,count 2,count 3");
        assert (observation.latest_text == "count 3");
        assert (text_of (observation.latest) == "count 3");
        assert (observation.n_notifications == 4);
        assert (observation.active);
        assert (server.get_statistic (CoapUdp6.Statistic.OBSERVERS) == 1);

        bool cancelled = false;
        observation.cancel_async.begin (null, (obj, res) => {
            try {
                cancelled = observation.cancel_async.end (res);
            } catch (Error e) {
                critical ("%s", e.message);
            }
            loop.quit ();
        });
        assert (!observation.active);
        assert (ended is IOError.CANCELLED);
        loop.run ();
        assert (cancelled);
        assert (server.get_statistic (CoapUdp6.Statistic.OBSERVERS) == 0);
    } catch (Error e) {
        critical ("%s", e.message);
        assert_not_reached ();
    }
    Source.remove (timeout);
}

static void test_not_observable () {
    var timeout = Timeout.add (10000, () => { assert_not_reached (); });
    try {
        string[] binds = { "[::1]:0" };
        var server = new CoapUdp6.Context.server (binds, null);
        server.add_resource ("plain", new Counter ());
        var client = new CoapUdp6.Context.client ();
        var request = new CoapUdp6.Message (CoapUdp6.MessageType.CON, CoapUdp6.Code.GET);
        request.set_request_uri ("coap://[::1]:%u/plain".printf (server.local_port));
        var observation = client.observe (request, null);
        var loop = new MainLoop ();
        Error? ended = null;
        observation.ended.connect ((error) => {
            ended = error.copy ();
            loop.quit ();
        });
        loop.run ();
        assert (ended is CoapUdp6.Error.NOT_OBSERVED);
        assert (observation.latest_text == "count 0");
        assert (!observation.active);
    } catch (Error e) {
        critical ("%s", e.message);
        assert_not_reached ();
    }
    Source.remove (timeout);
}

int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/vala/observe/observe-and-cancel", test_observe_and_cancel);
    Test.add_func ("/vala/observe/not-observable", test_not_observable);
    return Test.run ();
}
