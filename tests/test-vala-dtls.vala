/* test-vala-dtls.vala: coaps (DTLS, RFC 7252 §9) with a pre-shared key
 * from Vala: the handler sees the client's identity, a resource that
 * requires one refuses an anonymous request, and a wrong key fails the
 * request with a TLS error
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

class WhoAmI : CoapUdp6.Resource {
    public override void render (CoapUdp6.Request request) {
        var identity = request.get_remote ().peer_identity;
        request.respond_code (CoapUdp6.Code.CONTENT, identity ?? "nobody");
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

static CoapUdp6.Message? run_request (CoapUdp6.Context context, string uri, out Error? error) {
    var loop = new MainLoop ();
    CoapUdp6.Message? response = null;
    Error? failure = null;
    var request = new CoapUdp6.Message (CoapUdp6.MessageType.CON, CoapUdp6.Code.GET);
    try {
        request.set_request_uri (uri);
    } catch (Error e) {
        error = e;
        return null;
    }
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

static CoapUdp6.Credentials psk (string identity, string key) {
    var credentials = new CoapUdp6.Credentials ();
    credentials.set_psk (identity, new Bytes (key.data));
    return credentials;
}

static void test_psk () {
    if (!CoapUdp6.Credentials.is_supported ()) {
        Test.skip ("built without GnuTLS");
        return;
    }
    var timeout = Timeout.add (20000, () => { assert_not_reached (); });
    try {
        string[] binds = { "coaps://[::1]:0" };
        var server = (CoapUdp6.Context) Object.new (typeof (CoapUdp6.Context),
                                                    "binds", binds, "is-server", true,
                                                    "credentials", psk ("server", "vala-secret"));
        server.init (null);
        server.add_resource ("whoami", new WhoAmI ());
        var guarded = new WhoAmI ();
        guarded.requires_peer_identity = true;
        server.add_resource ("guarded", guarded);
        var base_uri = "coaps://[::1]:%u".printf (server.local_port);

        var client = new CoapUdp6.Context.client ();
        client.credentials = psk ("vala-client", "vala-secret");
        Error? error = null;
        var response = run_request (client, base_uri + "/whoami", out error);
        assert (error == null);
        assert (response.code == CoapUdp6.Code.CONTENT);
        assert (text_of (response) == "vala-client");
        assert (response.remote.scheme == "coaps");
        response = run_request (client, base_uri + "/guarded", out error);
        assert (response.code == CoapUdp6.Code.CONTENT);

        var stranger = new CoapUdp6.Context.client ();
        stranger.credentials = psk ("vala-client", "another-secret");
        stranger.dtls_handshake_timeout = 3.0;
        response = run_request (stranger, base_uri + "/whoami", out error);
        assert (response == null);
        assert (error is TlsError || error is CoapUdp6.Error.TIMEOUT);
    } catch (Error e) {
        critical ("%s", e.message);
        assert_not_reached ();
    }
    Source.remove (timeout);
}

int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/vala/dtls/psk", test_psk);
    return Test.run ();
}
