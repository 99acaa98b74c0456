/* test-vala-construct.vala: `new CoapUdp6.Context ()` is a working client;
 * a server made from properties and init ()
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

class Hello : CoapUdp6.Resource {
    public override void render (CoapUdp6.Request request) {
        request.respond_code (CoapUdp6.Code.CONTENT, "hello");
    }
}

static void test_new_context_round_trip () {
    var timeout = Timeout.add (10000, () => { assert_not_reached (); });
    try {
        string[] binds = { "[::1]:0" };
        var server = (CoapUdp6.Context) Object.new (typeof (CoapUdp6.Context),
                                                    "binds", binds, "is-server", true);
        server.init (null);
        server.add_resource ("hello", new Hello ());
        var port = server.local_port;
        assert (port > 0);

        var client = new CoapUdp6.Context ();
        assert (client.local_port == 0);
        var request = new CoapUdp6.Message (CoapUdp6.MessageType.CON, CoapUdp6.Code.GET);
        request.set_request_uri ("coap://[::1]:%u/hello".printf (port));
        var loop = new MainLoop ();
        CoapUdp6.Message? response = null;
        Error? failure = null;
        client.request_async.begin (request, null, (obj, res) => {
            try {
                response = client.request_async.end (res);
            } catch (Error e) {
                failure = e;
            }
            loop.quit ();
        });
        loop.run ();
        assert (failure == null);
        assert (response != null);
        assert (response.code == CoapUdp6.Code.CONTENT);
        var data = response.payload.get_data ();
        assert (data.length == 5 && Memory.cmp (data, "hello".data, 5) == 0);
        assert (client.local_port > 0);
    } catch (Error e) {
        critical ("%s", e.message);
        assert_not_reached ();
    }
    Source.remove (timeout);
}

public static int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/vala/construct/new-context-round-trip", test_new_context_round_trip);
    return Test.run ();
}
