/* test-vala-message.vala: the message API from Vala, through the VAPI
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

static void test_round_trip () {
    var req = new CoapUdp6.Message (CoapUdp6.MessageType.CON, CoapUdp6.Code.GET);
    try {
        req.set_request_uri ("coap://[::1]/hello?x=1");
    } catch (Error e) {
        assert_not_reached ();
    }
    req.mid = 7;
    req.token = new Bytes ({ 1, 2, 3, 4 });
    Bytes wire;
    try {
        wire = req.encode ();
    } catch (Error e) {
        assert_not_reached ();
    }
    CoapUdp6.Message back;
    try {
        back = CoapUdp6.Message.decode (wire, null);
    } catch (Error e) {
        assert_not_reached ();
    }
    assert (back.mid == 7);
    assert (back.code == CoapUdp6.Code.GET);
    assert (string.joinv ("/", back.get_uri_path ()) == "hello");
    assert (string.joinv ("&", back.get_uri_query ()) == "x=1");
}

static void test_decode_error () {
    try {
        CoapUdp6.Message.decode (new Bytes ({ 0x40, 0x01 }), null);
        assert_not_reached ();
    } catch (CoapUdp6.Error e) {
        assert (e is CoapUdp6.Error.UNPARSABLE);
    } catch (Error e) {
        assert_not_reached ();
    }
}

static void test_load () {
    var reused = new CoapUdp6.Message (CoapUdp6.MessageType.NON, CoapUdp6.Code.POST);
    var rsp = new CoapUdp6.Message (CoapUdp6.MessageType.ACK, CoapUdp6.Code.CONTENT);
    rsp.payload = new Bytes ("22.5".data);
    rsp.set_content_format (0);
    try {
        assert (reused.load (rsp.encode (), null));
        assert (reused.code == CoapUdp6.Code.CONTENT);
        assert (reused.payload.get_size () == 4);
        assert (reused.load (new Bytes ({ 0x50, 0x01, 0x00, 0x07 }), null));
        assert (reused.code == CoapUdp6.Code.GET);
        assert (reused.mid == 7);
        assert (reused.payload.get_size () == 0);
        uint content_format;
        assert (!reused.get_content_format (out content_format));
    } catch (Error e) {
        assert_not_reached ();
    }
    try {
        reused.load (new Bytes ({ 0x40, 0x01 }), null);
        assert_not_reached ();
    } catch (CoapUdp6.Error e) {
        assert (e is CoapUdp6.Error.UNPARSABLE);
        assert (reused.code == 0);
    } catch (Error e) {
        assert_not_reached ();
    }
}

public static int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/vala/message/round-trip", test_round_trip);
    Test.add_func ("/vala/message/decode-error", test_decode_error);
    Test.add_func ("/vala/message/load", test_load);
    return Test.run ();
}
