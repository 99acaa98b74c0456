/* test-vala-stream.vala: a body of 50 000 bytes up from a GInputStream and
 * back down into a GOutputStream, block by block (RFC 7959), from Vala
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Keeps what a PUT brought; GET serves it. */
class Store : CoapUdp6.Resource {
    public Bytes? body = null;

    public override void render (CoapUdp6.Request request) {
        var message = request.get_message ();
        if (message.code == CoapUdp6.Code.PUT) {
            body = message.payload;
            request.respond_code (CoapUdp6.Code.CHANGED, null);
            return;
        }
        var response = new CoapUdp6.Message (CoapUdp6.MessageType.ACK, CoapUdp6.Code.CONTENT);
        response.payload = body;
        request.respond (response);
    }
}

static Bytes pattern (int length) {
    var data = new uint8[length];
    for (int i = 0; i < length; i++)
        data[i] = (uint8) ((i * 7 + i / 256) & 0xff);
    return new Bytes (data);
}

static CoapUdp6.Message? transfer (CoapUdp6.Context client, CoapUdp6.Message request,
                                   InputStream? body, int64 size, OutputStream? sink,
                                   out uint64 progress_done, out bool progress_upload) throws Error {
    var loop = new MainLoop ();
    CoapUdp6.Message? response = null;
    Error? failure = null;
    uint64 done = 0;
    bool upload = false;
    client.request_stream_async.begin (request, body, size, sink, (bytes_done, bytes_total, is_upload) => {
        assert (bytes_done >= done);
        done = bytes_done;
        upload = is_upload;
    }, null, (obj, res) => {
        try {
            response = client.request_stream_async.end (res);
        } catch (Error e) {
            failure = e;
        }
        loop.quit ();
    });
    loop.run ();
    progress_done = done;
    progress_upload = upload;
    if (failure != null)
        throw failure;
    return response;
}

static void test_up_and_down () {
    var timeout = Timeout.add (20000, () => { assert_not_reached (); });
    try {
        string[] binds = { "[::1]:0" };
        var server = new CoapUdp6.Context.server (binds, null);
        var store = new Store ();
        server.add_resource ("store", store);
        var client = new CoapUdp6.Context.client ();
        var uri = "coap://[::1]:%u/store".printf (server.local_port);
        var original = pattern (50000);
        uint64 done;
        bool upload;

        var put = new CoapUdp6.Message (CoapUdp6.MessageType.CON, CoapUdp6.Code.PUT);
        put.set_request_uri (uri);
        var response = transfer (client, put, new MemoryInputStream.from_bytes (original),
                                 original.get_size (), null, out done, out upload);
        assert (response.code == CoapUdp6.Code.CHANGED);
        assert (store.body != null && store.body.compare (original) == 0);
        assert (done == original.get_size () && upload);

        var get = new CoapUdp6.Message (CoapUdp6.MessageType.CON, CoapUdp6.Code.GET);
        get.set_request_uri (uri);
        var sink = new MemoryOutputStream.resizable ();
        response = transfer (client, get, null, -1, sink, out done, out upload);
        assert (response.code == CoapUdp6.Code.CONTENT);
        sink.close ();
        assert (sink.steal_as_bytes ().compare (original) == 0);
        assert (done == original.get_size () && !upload);
    } catch (Error e) {
        critical ("%s", e.message);
        assert_not_reached ();
    }
    Source.remove (timeout);
}

int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/vala/stream/up-and-down", test_up_and_down);
    return Test.run ();
}
