/* test-content-format.c: the Content-Format table, by name and by number
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"

static guint
value_of (const char *name)
{
        guint value = G_MAXUINT;

        g_assert_true (coap_udp6_content_format_from_string (name, &value));
        return value;
}

static void
test_from_string (void)
{
        g_assert_cmpuint (value_of ("text/plain;charset=utf-8"), ==, 0);
        g_assert_cmpuint (value_of ("text/plain; charset=UTF-8"), ==, 0);
        g_assert_cmpuint (value_of ("text/plain"), ==, 0);
        g_assert_cmpuint (value_of ("application/link-format"), ==, 40);
        g_assert_cmpuint (value_of ("application/xml"), ==, 41);
        g_assert_cmpuint (value_of ("application/octet-stream"), ==, 42);
        g_assert_cmpuint (value_of ("application/exi"), ==, 47);
        g_assert_cmpuint (value_of ("application/json"), ==, 50);
        g_assert_cmpuint (value_of ("Application/JSON"), ==, 50);
        g_assert_cmpuint (value_of ("application/json-patch+json"), ==, 51);
        g_assert_cmpuint (value_of ("application/merge-patch+json"), ==, 52);
        g_assert_cmpuint (value_of ("application/cbor"), ==, 60);
        g_assert_cmpuint (value_of ("application/cwt"), ==, 61);
        g_assert_cmpuint (value_of ("application/senml+json"), ==, 110);
        g_assert_cmpuint (value_of ("application/senml+cbor"), ==, 112);
        g_assert_cmpuint (value_of ("application/ace+cbor"), ==, 19);
        g_assert_cmpuint (value_of ("application/oscore"), ==, 10001);
        g_assert_cmpuint (value_of ("application/cose; cose-type=\"cose-sign1\""), ==, 18);
        g_assert_cmpuint (value_of ("application/cose;cose-type=cose-sign1"), ==, 18);
        g_assert_cmpuint (value_of ("application/cose;cose-type=\"cose-sign\""), ==, 98);
}

static void
test_numbers (void)
{
        guint value = 7;

        g_assert_cmpuint (value_of ("0"), ==, 0);
        g_assert_cmpuint (value_of ("50"), ==, 50);
        /* Unregistered numbers are still Content-Formats on the wire. */
        g_assert_cmpuint (value_of ("65000"), ==, 65000);
        g_assert_cmpuint (value_of ("65535"), ==, 65535);
        g_assert_false (coap_udp6_content_format_from_string ("65536", &value));
        g_assert_false (coap_udp6_content_format_from_string ("-1", &value));
        g_assert_false (coap_udp6_content_format_from_string ("+5", &value));
        g_assert_false (coap_udp6_content_format_from_string ("5x", &value));
        g_assert_cmpuint (value, ==, 7);
}

static void
test_unknown (void)
{
        guint value = 7;

        g_assert_false (coap_udp6_content_format_from_string ("", &value));
        g_assert_false (coap_udp6_content_format_from_string ("application/jso", &value));
        g_assert_false (coap_udp6_content_format_from_string ("application/json;x", &value));
        g_assert_false (coap_udp6_content_format_from_string ("app lication/json", &value));
        g_assert_false (coap_udp6_content_format_from_string ("text/plain;charset=latin1", &value));
        g_assert_cmpuint (value, ==, 7);
        g_assert_true (coap_udp6_content_format_from_string ("application/cbor", NULL));
}

static void
test_to_string (void)
{
        g_assert_cmpstr (coap_udp6_content_format_to_string (0), ==, "text/plain;charset=utf-8");
        g_assert_cmpstr (coap_udp6_content_format_to_string (40), ==, "application/link-format");
        g_assert_cmpstr (coap_udp6_content_format_to_string (50), ==, "application/json");
        g_assert_cmpstr (coap_udp6_content_format_to_string (60), ==, "application/cbor");
        g_assert_null (coap_udp6_content_format_to_string (1));
        g_assert_null (coap_udp6_content_format_to_string (65535));
        g_assert_null (coap_udp6_content_format_to_string (G_MAXUINT));
}

/* Every value of the registered enum has a name, and that name leads back
 * to the same value: the enum and the name table are one table. */
static void
test_enum_round_trip (void)
{
        g_autoptr (GEnumClass) formats = g_type_class_ref (COAP_UDP6_TYPE_CONTENT_FORMAT);

        g_assert_cmpuint (formats->n_values, >=, 50);
        for (guint i = 0; i < formats->n_values; i++) {
                guint value = formats->values[i].value;
                const char *name = coap_udp6_content_format_to_string (value);

                g_assert_nonnull (name);
                g_assert_cmpuint (value_of (name), ==, value);
        }
        g_assert_nonnull (g_enum_get_value_by_nick (formats, "senml-cbor"));
        g_assert_cmpint (g_enum_get_value_by_nick (formats, "senml-cbor")->value, ==, 112);
}

int
main (int   argc,
      char *argv[])
{
        test_init (&argc, &argv);
        g_test_add_func ("/content-format/from-string", test_from_string);
        g_test_add_func ("/content-format/numbers", test_numbers);
        g_test_add_func ("/content-format/unknown", test_unknown);
        g_test_add_func ("/content-format/to-string", test_to_string);
        g_test_add_func ("/content-format/enum-round-trip", test_enum_round_trip);
        return g_test_run ();
}
