/* test-vala-context.vala: a Vala CoapUdp6.Resource subclass served by a
 * context and requested by another, compiled against the generated VAPI
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Answers GET with the request payload upper-cased and the requester's address. */
class Shouter : CoapUdp6.Resource {
    public int calls = 0;

    public override void render (CoapUdp6.Request request) {
        calls++;
        var message = request.get_message ();
        if (message.code != CoapUdp6.Code.GET) {
            request.respond_code (CoapUdp6.Code.METHOD_NOT_ALLOWED, null);
            return;
        }
        var text = text_of (message);
        var response = new CoapUdp6.Message (CoapUdp6.MessageType.ACK, CoapUdp6.Code.CONTENT);
        response.payload = new Bytes (("%s from %s".printf (text.up (),
                                                             request.get_remote ().get_hostinfo ())).data);
        response.set_content_format (0);
        request.respond (response);
    }
}

static CoapUdp6.Message? run_request (CoapUdp6.Context context, CoapUdp6.Message request,
                                      out Error? error) {
    var loop = new MainLoop ();
    CoapUdp6.Message? response = null;
    Error? failure = null;
    context.request_async.begin (request, null, (obj, res) => {
        try {
            response = context.request_async.end (res);
        } catch (Error e) {
            failure = e;
        }
        loop.quit ();
    });
    loop.run ();
    error = failure;
    return response;
}

static string text_of (CoapUdp6.Message message) {
    var payload = message.payload;
    if (payload == null)
        return "";
    var data = payload.get_data ();
    var builder = new StringBuilder ();
    builder.append_len ((string) data, data.length);
    return builder.str;
}

static void test_serve_and_request () {
    var timeout = Timeout.add (10000, () => { assert_not_reached (); });
    try {
        string[] binds = { "[::1]:0" };
        var server = new CoapUdp6.Context.server (binds, null);
        var shouter = new Shouter ();
        shouter.resource_type = "demo.shout";
        server.add_resource ("shout", shouter);
        var port = server.local_port;
        assert (port > 0);

        var client = new CoapUdp6.Context.client ();
        var request = new CoapUdp6.Message (CoapUdp6.MessageType.CON, CoapUdp6.Code.GET);
        request.set_request_uri ("coap://[::1]:%u/shout".printf (port));
        request.payload = new Bytes ("hello vala".data);
        Error? error = null;
        var response = run_request (client, request, out error);
        assert (error == null);
        assert (response != null);
        assert (response.code == CoapUdp6.Code.CONTENT);
        uint content_format;
        assert (response.get_content_format (out content_format) && content_format == 0);
        var expected = "HELLO VALA from [::1]:%u".printf (client.local_port);
        assert (text_of (response) == expected);
        assert (shouter.calls == 1);

        var wkc = new CoapUdp6.Message (CoapUdp6.MessageType.CON, CoapUdp6.Code.GET);
        wkc.set_request_uri ("coap://[::1]:%u/.well-known/core".printf (port));
        response = run_request (client, wkc, out error);
        assert (response != null);
        assert (text_of (response).contains ("</shout>;rt=\"demo.shout\""));
        assert (server.get_link_format ("demo.*") == text_of (response));

        var post = new CoapUdp6.Message (CoapUdp6.MessageType.NON, CoapUdp6.Code.POST);
        post.set_request_uri ("coap://[::1]:%u/shout".printf (port));
        response = run_request (client, post, out error);
        assert (response != null);
        assert (response.code == CoapUdp6.Code.METHOD_NOT_ALLOWED);
    } catch (Error e) {
        critical ("%s", e.message);
        assert_not_reached ();
    }
    Source.remove (timeout);
}

static void test_errors () {
    var timeout = Timeout.add (10000, () => { assert_not_reached (); });
    try {
        var silent = new Socket (SocketFamily.IPV6, SocketType.DATAGRAM, SocketProtocol.UDP);
        silent.bind (new InetSocketAddress.from_string ("::1", 0), false);
        var silent_port = ((InetSocketAddress) silent.get_local_address ()).port;

        var client = new CoapUdp6.Context.client ();
        client.ack_timeout = 0.05;
        client.max_retransmit = 1;
        var request = new CoapUdp6.Message (CoapUdp6.MessageType.CON, CoapUdp6.Code.GET);
        request.set_request_uri ("coap://[::1]:%u/x".printf (silent_port));
        Error? error = null;
        var response = run_request (client, request, out error);
        assert (response == null);
        assert (error is CoapUdp6.Error.TIMEOUT);
    } catch (Error e) {
        critical ("%s", e.message);
        assert_not_reached ();
    }
    try {
        var bad = new CoapUdp6.Message (CoapUdp6.MessageType.CON, CoapUdp6.Code.GET);
        bad.set_request_uri ("coap://[::1");
        assert_not_reached ();
    } catch (CoapUdp6.Error e) {
        assert (e is CoapUdp6.Error.INVALID_URI);
    } catch (Error e) {
        assert_not_reached ();
    }
    Source.remove (timeout);
}

public static int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/vala/context/serve-and-request", test_serve_and_request);
    Test.add_func ("/vala/context/errors", test_errors);
    return Test.run ();
}
