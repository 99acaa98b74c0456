/* test-vala-transport.vala: a CoapUdp6.MessageManager implemented in Vala
 * drives message interfaces over loopback
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

class ValaManager : Object, CoapUdp6.MessageManager {
    public GenericArray<CoapUdp6.Message> messages = new GenericArray<CoapUdp6.Message> ();
    public int errors = 0;
    public int unparsable = 0;
    public MainLoop? loop = null;

    public void dispatch_message (CoapUdp6.Message message) {
        messages.add (message);
        if (loop != null)
            loop.quit ();
    }

    public void dispatch_error (Error error, CoapUdp6.EndpointAddress remote) {
        errors++;
        if (loop != null)
            loop.quit ();
    }

    public void dispatch_unparsable (Bytes datagram, CoapUdp6.EndpointAddress remote, Error reason) {
        unparsable++;
        if (loop != null)
            loop.quit ();
    }
}

static void test_exchange () {
    var loop = new MainLoop ();
    var server_manager = new ValaManager ();
    var client_manager = new ValaManager ();
    server_manager.loop = loop;
    var timeout = Timeout.add (5000, () => { assert_not_reached (); });
    try {
        var server = new CoapUdp6.MessageInterface.server (server_manager, "127.0.0.1:0", null);
        var client = new CoapUdp6.MessageInterface.client (client_manager);
        var request = new CoapUdp6.Message (CoapUdp6.MessageType.NON, CoapUdp6.Code.GET);
        request.unresolved_remote = "127.0.0.1:%u".printf (server.local_port);
        CoapUdp6.EndpointAddress? remote = null;
        client.determine_remote_async.begin (request, null, (obj, res) => {
            try {
                remote = client.determine_remote_async.end (res);
            } catch (Error e) {
                assert_not_reached ();
            }
            loop.quit ();
        });
        loop.run ();
        assert (remote != null);
        request.remote = remote;
        client.send (request);
        loop.run ();
        assert (server_manager.messages.length == 1);
        var got = server_manager.messages[0];
        assert (got.remote.get_hostinfo () == "127.0.0.1:%u".printf (client.local_port));
        client.send_datagram (new Bytes ({ 0x40 }), remote);
        loop.run ();
        assert (server_manager.unparsable == 1);
    } catch (Error e) {
        assert_not_reached ();
    }
    Source.remove (timeout);
}

public static int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/vala/transport/exchange", test_exchange);
    return Test.run ();
}
