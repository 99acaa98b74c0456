/* server.vala: a CoAP server in Vala with one resource, /hello, a
 * CoapUdp6.Resource subclass that greets the name in the ?name= query and
 * tells the requester its address.
 *
 *   example-server-vala [HOST:PORT] [IFACE…]   (default [::]:5683)
 *
 * Prints "listening on port N" once ready, then serves until SIGINT/SIGTERM.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

class Hello : CoapUdp6.Resource {
    public override void render (CoapUdp6.Request request) {
        var message = request.get_message ();
        if (message.code != CoapUdp6.Code.GET) {
            request.respond_code (CoapUdp6.Code.METHOD_NOT_ALLOWED, null);
            return;
        }
        var name = "world";
        foreach (var query in message.get_uri_query ()) {
            if (query.has_prefix ("name="))
                name = query.substring (5);
        }
        var text = "Hello, %s! You are %s (Vala)".printf (name, request.get_remote ().get_hostinfo ());
        var response = new CoapUdp6.Message (CoapUdp6.MessageType.ACK, CoapUdp6.Code.CONTENT);
        response.payload = new Bytes (text.data);
        response.set_content_format (0);
        request.respond (response);
    }
}

public static int main (string[] args) {
    string[] binds = { args.length > 1 ? args[1] : "[::]:5683" };
    string[]? multicast = args.length > 2 ? args[2:args.length] : null;
    CoapUdp6.Context context;
    try {
        context = new CoapUdp6.Context.server (binds, multicast);
    } catch (Error e) {
        printerr ("example-server-vala: %s\n", e.message);
        return 2;
    }
    var hello = new Hello ();
    hello.resource_type = "example.hello";
    hello.title = "Hello from Vala";
    context.add_resource ("hello", hello);
    print ("listening on port %u\n", context.local_port);
    stdout.flush ();

    var loop = new MainLoop ();
    Unix.signal_add (ProcessSignal.INT, () => { loop.quit (); return Source.REMOVE; });
    Unix.signal_add (ProcessSignal.TERM, () => { loop.quit (); return Source.REMOVE; });
    loop.run ();
    return 0;
}
