/* test-vala-link.vala: RFC 6690 link format as Vala sees it: a document
 * parsed with its attributes, targets resolved against a base URI, links
 * built by hand and written back, malformed input as errors, and the
 * /.well-known/core of a server read over ::1
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* What libcoap 4.3's coap-server-notls answers to GET /.well-known/core. */
const string LIBCOAP_CORE =
    "</>;title=\"General Info\";ct=0," +
    "</time>;if=\"clock\";rt=\"ticks\";title=\"Internal Clock\";ct=0;obs," +
    "</async>;ct=0," +
    "</example_data>;title=\"Example Data\";ct=0;obs";

static string joined (string[] values) {
    return string.joinv ("|", values);
}

static void test_parse () {
    try {
        var links = CoapUdp6.Link.format_parse (LIBCOAP_CORE, "coap://[2001:db8::1]:5683/.well-known/core");
        assert (links.length == 4);
        unowned CoapUdp6.Link time = links[1];
        assert (time.get_target () == "/time");
        assert (time.get_attribute ("title") == "Internal Clock");
        assert (time.get_attribute ("TITLE") == "Internal Clock");
        assert (joined (time.get_attribute_values ("rt")) == "ticks");
        assert (joined (time.get_attribute_values ("if")) == "clock");
        assert (joined (time.get_attribute_values ("ct")) == "0");
        assert (time.has_attribute ("obs"));
        assert (time.get_attribute ("obs") == "");
        assert (time.get_attribute ("sz") == null);
        assert (joined (time.get_attribute_names ()) == "if|rt|title|ct|obs");
        assert (!links[2].has_attribute ("obs"));
        assert (links[2].get_attribute ("title") == null);

        var quoted = CoapUdp6.Link.format_parse (
            " </a>; rt=\"x.y z\" ;RT=w;title=\"say \\\"hi\\\" \\\\ ok\";ct=\"0 50\"", null);
        assert (quoted.length == 1);
        assert (joined (quoted[0].get_attribute_values ("rt")) == "x.y|z|w");
        assert (joined (quoted[0].get_attribute_values ("ct")) == "0|50");
        assert (quoted[0].get_attribute ("title") == "say \"hi\" \\ ok");
        assert (quoted[0].get_uri () == null);

        var bytes = CoapUdp6.Link.format_parse_bytes (new Bytes ("</b>;sz=12".data), null);
        assert (bytes.length == 1 && bytes[0].get_attribute ("sz") == "12");
        assert (CoapUdp6.Link.format_parse ("", null).length == 0);
    } catch (Error e) {
        critical ("%s", e.message);
        assert_not_reached ();
    }
}

static void test_resolve () {
    try {
        var links = CoapUdp6.Link.format_parse (
            "</a/b>,<c>,<../d>,<coap://[::1]:61616/e>,<//h2/f>",
            "coap://[fe80::1%25eth0]:5683/x/y/.well-known/core");
        assert (links.length == 5);
        assert (links[0].get_uri () == "coap://[fe80::1%25eth0]:5683/a/b");
        assert (links[1].get_uri () == "coap://[fe80::1%25eth0]:5683/x/y/.well-known/c");
        assert (links[2].get_uri () == "coap://[fe80::1%25eth0]:5683/x/y/d");
        assert (links[3].get_uri () == "coap://[::1]:61616/e");
        assert (links[4].get_uri () == "coap://h2/f");
        assert (links[2].get_target () == "../d");
    } catch (Error e) {
        critical ("%s", e.message);
        assert_not_reached ();
    }
}

static void test_build () {
    var a = new CoapUdp6.Link ("/lights/hall");
    a.add_attribute ("Title", "a \"quoted\", back\\slash; title");
    a.add_attribute ("rt", "light core.a");
    a.add_attribute ("ct", "50");
    a.add_attribute ("obs", null);
    var links = new GenericArray<CoapUdp6.Link> ();
    links.add (a);
    links.add (new CoapUdp6.Link ("coap://[::1]/b"));
    var text = CoapUdp6.Link.format_build (links);
    assert (text == "</lights/hall>;title=\"a \\\"quoted\\\", back\\\\slash; title\";" +
                    "rt=\"light core.a\";ct=50;obs,<coap://[::1]/b>");
    assert (a.to_string () + ",<coap://[::1]/b>" == text);
    assert (CoapUdp6.Link.format_build (new GenericArray<CoapUdp6.Link> ()) == "");
    try {
        var again = CoapUdp6.Link.format_parse (text, "coap://h/.well-known/core");
        assert (again.length == 2);
        assert (again[0].get_uri () == "coap://h/lights/hall");
        assert (again[0].get_attribute ("title") == "a \"quoted\", back\\slash; title");
        assert (CoapUdp6.Link.format_build (again) == text);
    } catch (Error e) {
        critical ("%s", e.message);
        assert_not_reached ();
    }
}

static void test_malformed () {
    string[] bad = { "<a", "</a>;", "</a>,", "x", "</a>;title=\"x", "</a b>", "</a>x", "</a>;=1" };
    foreach (var text in bad) {
        try {
            CoapUdp6.Link.format_parse (text, null);
            assert_not_reached ();
        } catch (CoapUdp6.Error.UNPARSABLE e) {
            assert (e.message.has_prefix ("Not link format (RFC 6690): "));
        } catch (Error e) {
            critical ("%s: %s", text, e.message);
            assert_not_reached ();
        }
    }
    try {
        CoapUdp6.Link.format_parse_bytes (new Bytes ({ '<', 'a', '>', 0 }), null);
        assert_not_reached ();
    } catch (CoapUdp6.Error.UNPARSABLE e) {
    } catch (Error e) {
        assert_not_reached ();
    }
    try {
        CoapUdp6.Link.format_parse ("</a>", "not a uri");
        assert_not_reached ();
    } catch (CoapUdp6.Error.INVALID_URI e) {
    } catch (Error e) {
        assert_not_reached ();
    }
}

static void test_well_known_core () {
    var timeout = Timeout.add (10000, () => { assert_not_reached (); });
    try {
        string[] binds = { "[::1]:0" };
        var server = new CoapUdp6.Context.server (binds, null);
        var lamp = new CoapUdp6.Resource ();
        lamp.title = "Lamp \"hall\" \\ 1";
        lamp.resource_type = "light core.a";
        lamp.observable = true;
        server.add_resource ("lights/hall", lamp);

        var client = new CoapUdp6.Context.client ();
        var base_uri = "coap://[::1]:%u/.well-known/core".printf (server.local_port);
        var get = new CoapUdp6.Message (CoapUdp6.MessageType.CON, CoapUdp6.Code.GET);
        get.set_request_uri (base_uri);
        var response = run_request (client, get);
        assert (response != null && response.code == CoapUdp6.Code.CONTENT);
        uint format;
        assert (response.get_content_format (out format) && format == 40);
        var links = CoapUdp6.Link.format_parse_bytes (response.get_payload (), base_uri);
        assert (links.length == 1);
        assert (links[0].get_uri () == "coap://[::1]:%u/lights/hall".printf (server.local_port));
        assert (links[0].get_attribute ("title") == "Lamp \"hall\" \\ 1");
        assert (joined (links[0].get_attribute_values ("rt")) == "light|core.a");
        assert (links[0].has_attribute ("obs"));
    } catch (Error e) {
        critical ("%s", e.message);
        assert_not_reached ();
    }
    Source.remove (timeout);
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
    Test.add_func ("/vala/link/parse", test_parse);
    Test.add_func ("/vala/link/resolve", test_resolve);
    Test.add_func ("/vala/link/build", test_build);
    Test.add_func ("/vala/link/malformed", test_malformed);
    Test.add_func ("/vala/link/well-known-core", test_well_known_core);
    return Test.run ();
}
