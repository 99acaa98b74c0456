/* test-vala-api.vala: the API as Vala sees it: owned array elements,
 * byte arrays in, absent options, and a resource served by a closure;
 * built without -w so the C that Vala generates must match the headers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

static void test_message () {
    var msg = new CoapUdp6.Message (CoapUdp6.MessageType.CON, CoapUdp6.Code.PUT);
    msg.set_payload_data ("hi".data);
    msg.set_token_data ({ 0xca, 0xfe });
    msg.add_etag_data ("e1".data);
    msg.add_etag_data ("e2".data);
    msg.set_uri_path ({ "a", "b" });

    GenericArray<Bytes> etags = msg.get_etags ();
    assert (etags.length == 2);
    Bytes first = etags[0];
    assert (first.get_size () == 2);
    assert (msg.get_payload ().get_size () == 2);
    assert (msg.get_token ().get_size () == 2);
    assert (msg.get_uri_path ().length == 2);

    uint32 seconds;
    assert (!msg.get_max_age (out seconds));
    assert (msg.get_effective_max_age () == 60);
    msg.set_max_age (60);
    assert (msg.get_max_age (out seconds) && seconds == 60);
    assert (CoapUdp6.Code.to_string (CoapUdp6.Code.CONTENT) == "2.05 Content");
    assert (CoapUdp6.MessageType.ACK.to_string () == "ACK");
}

static void test_handler () {
    var timeout = Timeout.add (10000, () => { assert_not_reached (); });
    try {
        string[] binds = { "[::1]:0" };
        var server = new CoapUdp6.Context.server (binds, null);
        var resource = new CoapUdp6.Resource ();
        var calls = 0;
        resource.set_method_handler (CoapUdp6.Code.GET, (res, request) => {
            calls++;
            request.respond_payload (CoapUdp6.Code.CONTENT, new Bytes ("from vala".data), 0);
        });
        server.add_resource ("h", resource);

        var client = new CoapUdp6.Context.client ();
        var uri = "coap://[::1]:%u/h".printf (server.local_port);
        var get = new CoapUdp6.Message (CoapUdp6.MessageType.CON, CoapUdp6.Code.GET);
        get.set_request_uri (uri);
        var response = run_request (client, get);
        assert (response != null && response.code == CoapUdp6.Code.CONTENT);
        assert (response.get_payload ().get_size () == 9);
        assert (calls == 1);

        var remove = new CoapUdp6.Message (CoapUdp6.MessageType.CON, CoapUdp6.Code.DELETE);
        remove.set_request_uri (uri);
        response = run_request (client, remove);
        assert (response != null && response.code == CoapUdp6.Code.METHOD_NOT_ALLOWED);
        assert (calls == 1);
    } catch (Error e) {
        critical ("%s", e.message);
        assert_not_reached ();
    }
    Source.remove (timeout);
}

static async CoapUdp6.Context? new_server_async () {
    string[] binds = { "[::1]:0" };
    try {
        return yield new CoapUdp6.Context.server_async (binds, null, null);
    } catch (Error e) {
        critical ("%s", e.message);
        return null;
    }
}

static void test_new_server_async () {
    var loop = new MainLoop ();
    CoapUdp6.Context? server = null;
    new_server_async.begin ((obj, res) => {
        server = new_server_async.end (res);
        loop.quit ();
    });
    loop.run ();
    assert (server != null && server.local_port > 0);
}

static CoapUdp6.Message? run_request (CoapUdp6.Context context, CoapUdp6.Message request) {
    var loop = new MainLoop ();
    CoapUdp6.Message? response = null;
    context.request_async.begin (request, null, (obj, res) => {
        try {
            response = context.request_async.end (res);
        } catch (Error e) {
            critical ("%s", e.message);
        }
        loop.quit ();
    });
    loop.run ();
    return response;
}

public static int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/vala/api/message", test_message);
    Test.add_func ("/vala/api/handler", test_handler);
    Test.add_func ("/vala/api/new-server-async", test_new_server_async);
    return Test.run ();
}
