/* test-link-format.c: RFC 6690 link format, parsed and built
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"

/* What libcoap 4.3's coap-server-notls answers to GET /.well-known/core
 * (test_link_format.py fetches it live and checks the same). */
#define LIBCOAP_CORE \
        "</>;title=\"General Info\";ct=0," \
        "</time>;if=\"clock\";rt=\"ticks\";title=\"Internal Clock\";ct=0;obs," \
        "</async>;ct=0," \
        "</example_data>;title=\"Example Data\";ct=0;obs"

static GPtrArray *
parse_ok (const char *text,
          const char *base)
{
        g_autoptr (GError) error = NULL;
        GPtrArray *links = coap_udp6_link_format_parse (text, base, &error);

        g_assert_no_error (error);
        g_assert_nonnull (links);
        return links;
}

static void
assert_values (CoapUdp6Link *link,
               const char   *name,
               const char   *joined)
{
        g_auto (GStrv) values = coap_udp6_link_get_attribute_values (link, name);
        g_autofree char *got = g_strjoinv ("|", values);

        g_assert_cmpstr (got, ==, joined);
}

static void
test_libcoap_document (void)
{
        g_autoptr (GPtrArray) links = parse_ok (LIBCOAP_CORE,
                                                "coap://[::1]:5683/.well-known/core");
        g_autofree char *built = NULL;
        CoapUdp6Link *time;

        g_test_summary ("libcoap's /.well-known/core: targets resolved against the "
                        "document's URI, titles, rt, if, ct, obs; built back byte for byte");
        g_assert_cmpuint (links->len, ==, 4);
        g_assert_cmpstr (coap_udp6_link_get_target (links->pdata[0]), ==, "/");
        g_assert_cmpstr (coap_udp6_link_get_uri (links->pdata[0]), ==, "coap://[::1]:5683/");
        g_assert_cmpstr (coap_udp6_link_get_attribute (links->pdata[0], "title"), ==, "General Info");
        g_assert_false (coap_udp6_link_has_attribute (links->pdata[0], "obs"));

        time = links->pdata[1];
        g_assert_cmpstr (coap_udp6_link_get_uri (time), ==, "coap://[::1]:5683/time");
        g_assert_cmpstr (coap_udp6_link_get_attribute (time, "if"), ==, "clock");
        g_assert_cmpstr (coap_udp6_link_get_attribute (time, "rt"), ==, "ticks");
        g_assert_cmpstr (coap_udp6_link_get_attribute (time, "title"), ==, "Internal Clock");
        g_assert_cmpstr (coap_udp6_link_get_attribute (time, "ct"), ==, "0");
        g_assert_true (coap_udp6_link_has_attribute (time, "obs"));
        g_assert_cmpstr (coap_udp6_link_get_attribute (time, "obs"), ==, "");
        g_assert_null (coap_udp6_link_get_attribute (time, "sz"));
        assert_values (time, "obs", "");

        g_assert_cmpstr (coap_udp6_link_get_uri (links->pdata[2]), ==, "coap://[::1]:5683/async");
        g_assert_null (coap_udp6_link_get_attribute (links->pdata[2], "title"));
        g_assert_cmpstr (coap_udp6_link_get_uri (links->pdata[3]), ==,
                         "coap://[::1]:5683/example_data");

        built = coap_udp6_link_format_build (links);
        g_assert_cmpstr (built, ==, LIBCOAP_CORE);
}

static void
test_own_server_document (void)
{
        g_autoptr (CoapUdp6Context) context = coap_udp6_context_new ();
        g_autoptr (CoapUdp6Resource) temperature = coap_udp6_resource_new ();
        g_autoptr (CoapUdp6Resource) plain = coap_udp6_resource_new ();
        g_autoptr (GPtrArray) links = NULL;
        g_autofree char *text = NULL, *built = NULL;
        CoapUdp6Link *link;

        g_test_summary ("the document coap_udp6_context_get_link_format() serves parses "
                        "into what the resources say, and builds back the same");
        coap_udp6_resource_set_resource_type (temperature, "temperature core.s");
        coap_udp6_resource_set_interface_description (temperature, "core.s");
        coap_udp6_resource_set_content_format (temperature, 50);
        coap_udp6_resource_set_title (temperature, "Kitchen, by the window");
        coap_udp6_resource_set_observable (temperature, TRUE);
        coap_udp6_context_add_resource (context, "sensors/temp", temperature);
        coap_udp6_context_add_resource (context, "plain", plain);

        text = coap_udp6_context_get_link_format (context, NULL);
        links = parse_ok (text, "coap://192.0.2.1/.well-known/core");
        g_assert_cmpuint (links->len, ==, 2);
        g_assert_cmpstr (coap_udp6_link_get_uri (links->pdata[0]), ==, "coap://192.0.2.1/plain");
        link = links->pdata[1];
        g_assert_cmpstr (coap_udp6_link_get_target (link), ==, "/sensors/temp");
        g_assert_cmpstr (coap_udp6_link_get_uri (link), ==, "coap://192.0.2.1/sensors/temp");
        assert_values (link, "rt", "temperature|core.s");
        assert_values (link, "if", "core.s");
        assert_values (link, "ct", "50");
        g_assert_cmpstr (coap_udp6_link_get_attribute (link, "title"), ==, "Kitchen, by the window");
        g_assert_true (coap_udp6_link_has_attribute (link, "obs"));

        built = coap_udp6_link_format_build (links);
        g_assert_cmpstr (built, ==, text);
}

static void
test_resource_quotes (void)
{
        g_autoptr (CoapUdp6Context) context = coap_udp6_context_new ();
        g_autoptr (CoapUdp6Resource) resource = coap_udp6_resource_new ();
        g_autoptr (GPtrArray) links = NULL;
        g_autofree char *attrs = NULL, *text = NULL, *expected = NULL, *filtered = NULL;
        CoapUdp6Link *link;

        g_test_summary ("a resource's title and types holding a quote and a backslash are "
                        "escaped in its link attributes and in /.well-known/core, and parse back");
        coap_udp6_resource_set_title (resource, "say \"hi\" \\ ok");
        coap_udp6_resource_set_resource_type (resource, "x\"y");
        coap_udp6_resource_set_interface_description (resource, "a\\b");
        coap_udp6_resource_set_observable (resource, TRUE);
        attrs = coap_udp6_resource_get_link_attributes (resource);
        g_assert_cmpstr (attrs, ==,
                         ";rt=\"x\\\"y\";if=\"a\\\\b\";title=\"say \\\"hi\\\" \\\\ ok\";obs");
        coap_udp6_context_add_resource (context, "q", resource);
        text = coap_udp6_context_get_link_format (context, NULL);
        expected = g_strconcat ("</q>", attrs, NULL);
        g_assert_cmpstr (text, ==, expected);
        links = parse_ok (text, NULL);
        g_assert_cmpuint (links->len, ==, 1);
        link = links->pdata[0];
        g_assert_cmpstr (coap_udp6_link_get_attribute (link, "title"), ==, "say \"hi\" \\ ok");
        g_assert_cmpstr (coap_udp6_link_get_attribute (link, "rt"), ==, "x\"y");
        g_assert_cmpstr (coap_udp6_link_get_attribute (link, "if"), ==, "a\\b");
        g_assert_true (coap_udp6_link_has_attribute (link, "obs"));
        filtered = coap_udp6_context_get_link_format (context, "x\"*");
        g_assert_cmpstr (filtered, ==, text);
}

static void
test_attributes (void)
{
        g_autoptr (GPtrArray) links = parse_ok (
                " </a>; rt=\"x.y z\" ;RT=w;title=\"say \\\"hi\\\" \\\\ ok\";sz=1024 ,\n"
                "<coap://h/b>;anchor=\"/a\";rel=\"describedby alternate\";ct=\"0 50\";"
                "foo;title*=UTF-8'de'n%c3%a4chstes\r\n", "coap://[2001:db8::1]:61616/.well-known/core");
        g_auto (GStrv) names = NULL;
        g_autofree char *joined = NULL;
        CoapUdp6Link *a, *b;

        g_test_summary ("quoted strings with escapes, values repeated and space-separated, "
                        "names in any case, white space around separators, extensions");
        g_assert_cmpuint (links->len, ==, 2);
        a = links->pdata[0];
        b = links->pdata[1];
        assert_values (a, "rt", "x.y|z|w");
        assert_values (a, "Rt", "x.y|z|w");
        g_assert_cmpstr (coap_udp6_link_get_attribute (a, "rt"), ==, "x.y z");
        g_assert_cmpstr (coap_udp6_link_get_attribute (a, "title"), ==, "say \"hi\" \\ ok");
        g_assert_cmpstr (coap_udp6_link_get_attribute (a, "sz"), ==, "1024");
        names = coap_udp6_link_get_attribute_names (a);
        joined = g_strjoinv ("|", names);
        g_assert_cmpstr (joined, ==, "rt|title|sz");

        g_assert_cmpstr (coap_udp6_link_get_uri (b), ==, "coap://h/b");
        g_assert_cmpstr (coap_udp6_link_get_attribute (b, "anchor"), ==, "/a");
        assert_values (b, "rel", "describedby|alternate");
        assert_values (b, "ct", "0|50");
        assert_values (b, "title", "");
        g_assert_true (coap_udp6_link_has_attribute (b, "FOO"));
        g_assert_cmpstr (coap_udp6_link_get_attribute (b, "title*"), ==, "UTF-8'de'n%c3%a4chstes");
}

static void
test_resolution (void)
{
        const char *base = "coap://[fe80::1%25eth0]:5683/dir/.well-known/core";
        g_autoptr (GPtrArray) links = parse_ok ("<rel>,<../up>,<//other:1/x>,<coap://abs/y?q=1>,<>,<?x=1>",
                                                base);
        g_autoptr (GPtrArray) unbased = parse_ok ("</a>,<coap://abs/y>", NULL);
        g_autoptr (GPtrArray) no_authority = parse_ok ("<x:/.//a>,<//>", "coap://[::1]/");

        g_test_summary ("targets resolved against the document's URI (RFC 3986 §5), "
                        "absolute ones kept, relative ones without a base have no URI");
        g_assert_cmpstr (coap_udp6_link_get_uri (links->pdata[0]), ==, "coap://[fe80::1%25eth0]:5683/dir/.well-known/rel");
        g_assert_cmpstr (coap_udp6_link_get_uri (links->pdata[1]), ==, "coap://[fe80::1%25eth0]:5683/dir/up");
        g_assert_cmpstr (coap_udp6_link_get_uri (links->pdata[2]), ==, "coap://other:1/x");
        g_assert_cmpstr (coap_udp6_link_get_uri (links->pdata[3]), ==, "coap://abs/y?q=1");
        g_assert_cmpstr (coap_udp6_link_get_uri (links->pdata[4]), ==, base);
        g_assert_cmpstr (coap_udp6_link_get_uri (links->pdata[5]), ==,
                         "coap://[fe80::1%25eth0]:5683/dir/.well-known/core?x=1");
        g_assert_null (coap_udp6_link_get_uri (unbased->pdata[0]));
        /* RFC 3986 §5.3: "//a" as a path with no authority is written "/.//a". */
        g_assert_cmpstr (coap_udp6_link_get_uri (no_authority->pdata[0]), ==, "x:/.//a");
        g_assert_cmpstr (coap_udp6_link_get_uri (no_authority->pdata[1]), ==, "coap://");
        g_assert_cmpstr (coap_udp6_link_get_uri (unbased->pdata[1]), ==, "coap://abs/y");
}

static void
test_empty (void)
{
        g_autoptr (GPtrArray) empty = parse_ok ("", NULL);
        g_autoptr (GPtrArray) blank = parse_ok (" \r\n", NULL);
        g_autoptr (GBytes) no_payload = g_bytes_new (NULL, 0);
        g_autoptr (GPtrArray) from_bytes = NULL;
        g_autofree char *built = coap_udp6_link_format_build (empty);
        g_autoptr (GError) error = NULL;

        g_test_summary ("an empty document (or payload) has no links, and no links build an empty one");
        g_assert_cmpuint (empty->len, ==, 0);
        g_assert_cmpuint (blank->len, ==, 0);
        from_bytes = coap_udp6_link_format_parse_bytes (no_payload, NULL, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (from_bytes->len, ==, 0);
        g_assert_cmpstr (built, ==, "");
}

static void
test_malformed (void)
{
        static const struct {
                const char *text;
                const char *why;
        } cases[] = {
                { "x", "a link does not start with “<”" },
                { "</a", "a target has no closing “>”" },
                { "</a b>", "a target is not a URI reference" },
                { "<%zz>", "a target is not a URI reference" },
                { "</a>;", "an attribute has no name" },
                { "</a>;=1", "an attribute has no name" },
                { "</a>;rt=", "an attribute has an empty value" },
                { "</a>;rt=,</b>", "an attribute has an empty value" },
                { "</a>;title=\"x", "a quoted string has no closing quote" },
                { "</a>;title=\"x\\", "a quoted string has no closing quote" },
                { "</a>,", "a link does not start with “<”" },
                { "</a>,,</b>", "a link does not start with “<”" },
                { "</a>x", "a link is followed by neither “,” nor “;”" },
                { "</a>;rt=\"a\"b", "a link is followed by neither “,” nor “;”" },
                { "</a>;t\xc3\xa4=1", "a link is followed by neither “,” nor “;”" },
                { "</a>;title=\"\xff\"", "not UTF-8" },
        };
        g_autoptr (GBytes) with_nul = g_bytes_new_static ("</a>\0</b>", 9);
        g_autoptr (GError) error = NULL;

        g_test_summary ("malformed documents fail with COAP_UDP6_ERROR_UNPARSABLE saying what; "
                        "a base that is not a URI fails with INVALID_URI");
        for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
                g_autoptr (GPtrArray) links = coap_udp6_link_format_parse (cases[i].text, NULL, &error);

                g_test_message ("case %" G_GSIZE_FORMAT, i);
                g_assert_null (links);
                g_assert_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_UNPARSABLE);
                g_assert_nonnull (strstr (error->message, cases[i].why));
                g_clear_error (&error);
        }
        g_assert_null (coap_udp6_link_format_parse_bytes (with_nul, NULL, &error));
        g_assert_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_UNPARSABLE);
        g_clear_error (&error);
        g_assert_null (coap_udp6_link_format_parse ("</a>", "not a uri", &error));
        g_assert_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_INVALID_URI);
}

static void
test_build (void)
{
        g_autoptr (GPtrArray) links = g_ptr_array_new_with_free_func ((GDestroyNotify) coap_udp6_link_unref);
        g_autoptr (GPtrArray) again = NULL;
        g_autofree char *text = NULL, *one = NULL, *text2 = NULL, *expected = NULL;
        CoapUdp6Link *link = coap_udp6_link_new ("/sensors/temp");

        g_test_summary ("links made by hand build to link format that quotes and escapes "
                        "what it must, and parses back to the same links");
        coap_udp6_link_add_attribute (link, "rt", "temperature");
        coap_udp6_link_add_attribute (link, "Title", "a \"quoted\", back\\slash; title");
        coap_udp6_link_add_attribute (link, "ct", "0 50");
        coap_udp6_link_add_attribute (link, "sz", "12");
        coap_udp6_link_add_attribute (link, "foo", "a,b");
        coap_udp6_link_add_attribute (link, "obs", NULL);
        g_ptr_array_add (links, link);
        g_ptr_array_add (links, coap_udp6_link_new ("coap://[::1]:61616/x?y=1"));

        one = coap_udp6_link_to_string (link);
        g_assert_cmpstr (one, ==, "</sensors/temp>;rt=\"temperature\";"
                         "title=\"a \\\"quoted\\\", back\\\\slash; title\";ct=\"0 50\";sz=12;"
                         "foo=\"a,b\";obs");
        text = coap_udp6_link_format_build (links);
        expected = g_strconcat (one, ",<coap://[::1]:61616/x?y=1>", NULL);
        g_assert_cmpstr (text, ==, expected);
        again = parse_ok (text, NULL);
        g_assert_cmpuint (again->len, ==, 2);
        g_assert_cmpstr (coap_udp6_link_get_attribute (again->pdata[0], "title"), ==,
                         "a \"quoted\", back\\slash; title");
        g_assert_cmpstr (coap_udp6_link_get_attribute (again->pdata[0], "foo"), ==, "a,b");
        g_assert_cmpstr (coap_udp6_link_get_uri (again->pdata[1]), ==, "coap://[::1]:61616/x?y=1");
        text2 = coap_udp6_link_format_build (again);
        g_assert_cmpstr (text2, ==, text);
        g_clear_pointer (&text2, g_free);
        text2 = coap_udp6_link_format_build_array ((CoapUdp6Link **) links->pdata, links->len);
        g_assert_cmpstr (text2, ==, text);
        g_clear_pointer (&text2, g_free);
        text2 = coap_udp6_link_format_build_array (NULL, 0);
        g_assert_cmpstr (text2, ==, "");
}

static void
test_build_null_link (void)
{
        CoapUdp6Link *links[2] = { NULL, NULL };
        g_autoptr (GPtrArray) holes = g_ptr_array_new ();

        g_test_summary ("a NULL among the links to build is a programmer error, not a crash "
                        "(GJS 1.74 passes boxed elements of a GPtrArray as NULL)");
        links[0] = coap_udp6_link_new ("/a");
        g_ptr_array_add (holes, links[0]);
        g_ptr_array_add (holes, NULL);
        g_test_expect_message ("CoapUdp6", G_LOG_LEVEL_CRITICAL, "*links[i] != NULL*");
        g_assert_null (coap_udp6_link_format_build_array (links, 2));
        g_test_assert_expected_messages ();
        g_test_expect_message ("CoapUdp6", G_LOG_LEVEL_CRITICAL, "*links[i] != NULL*");
        g_assert_null (coap_udp6_link_format_build (holes));
        g_test_assert_expected_messages ();
        coap_udp6_link_unref (links[0]);
}

static void
test_bad_target (void)
{
        g_test_summary ("a target that cannot stand between < and > is a programmer error");
        if (g_test_subprocess ()) {
                g_assert_null (coap_udp6_link_new ("/a b"));
                return;
        }
        g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_failed ();
        g_test_trap_assert_stderr ("*coap_udp6_link_target_is_valid*");
}

static void
test_bad_attribute_name (void)
{
        g_test_summary ("an attribute name that is not a parmname is a programmer error");
        if (g_test_subprocess ()) {
                g_autoptr (CoapUdp6Link) link = coap_udp6_link_new ("/a");

                coap_udp6_link_add_attribute (link, "r;t", "x");
                return;
        }
        g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_failed ();
        g_test_trap_assert_stderr ("*is_parmname*");
}

int
main (int   argc,
      char *argv[])
{
        g_test_init (&argc, &argv, NULL);
        g_test_add_func ("/link-format/libcoap-document", test_libcoap_document);
        g_test_add_func ("/link-format/own-server-document", test_own_server_document);
        g_test_add_func ("/link-format/resource-quotes", test_resource_quotes);
        g_test_add_func ("/link-format/attributes", test_attributes);
        g_test_add_func ("/link-format/resolution", test_resolution);
        g_test_add_func ("/link-format/empty", test_empty);
        g_test_add_func ("/link-format/malformed", test_malformed);
        g_test_add_func ("/link-format/build", test_build);
        g_test_add_func ("/link-format/build-null-link", test_build_null_link);
        g_test_add_func ("/link-format/bad-target", test_bad_target);
        g_test_add_func ("/link-format/bad-attribute-name", test_bad_attribute_name);
        return g_test_run ();
}
