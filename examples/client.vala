/* client.vala: GETs a CoAP URI and prints the payload.
 *
 *   example-client-vala URI   e.g. example-client-vala 'coap://[::1]/hello?name=you'
 *
 * Exit status: 0 on a 2.xx response, 1 on another response code (printed on
 * stderr), 2 when the request failed.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

public static int main (string[] args) {
    if (args.length != 2) {
        printerr ("usage: example-client-vala URI\n");
        return 2;
    }
    var loop = new MainLoop ();
    var status = 2;
    try {
        var context = new CoapUdp6.Context.client ();
        var request = new CoapUdp6.Message (CoapUdp6.MessageType.CON, CoapUdp6.Code.GET);
        request.set_request_uri (args[1]);
        context.request_async.begin (request, null, (obj, res) => {
            try {
                var response = context.request_async.end (res);
                unowned uint8[] data = response.get_payload ().get_data ();
                if (data.length > 0) {
                    var builder = new StringBuilder ();
                    builder.append_len ((string) data, data.length);
                    print ("%s\n", builder.str);
                }
                if (CoapUdp6.Code.is_successful (response.code)) {
                    status = 0;
                } else {
                    printerr ("%s\n", CoapUdp6.Code.to_string (response.code));
                    status = 1;
                }
            } catch (Error e) {
                printerr ("example-client-vala: %s\n", e.message);
            }
            loop.quit ();
        });
        loop.run ();
    } catch (Error e) {
        printerr ("example-client-vala: %s\n", e.message);
    }
    return status;
}
