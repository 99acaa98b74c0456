/* fuzz-link-format.c: libFuzzer target for RFC 6690 link format
 *
 * A document that parses builds to one that parses to the same links
 * (targets, resolved URIs, every attribute) and builds to the same text;
 * one that does not parse fails with COAP_UDP6_ERROR_UNPARSABLE.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "fuzz-common.h"

#define BASE "coap://[::1]:5683/.well-known/core"

static void
assert_same_link (CoapUdp6Link *a,
                  CoapUdp6Link *b)
{
        g_auto (GStrv) names = coap_udp6_link_get_attribute_names (a);
        g_auto (GStrv) names_b = coap_udp6_link_get_attribute_names (b);

        g_assert_cmpstr (coap_udp6_link_get_target (a), ==, coap_udp6_link_get_target (b));
        g_assert_cmpstr (coap_udp6_link_get_uri (a), ==, coap_udp6_link_get_uri (b));
        g_assert_nonnull (coap_udp6_link_get_uri (a));
        g_assert_true (g_strv_equal ((const char *const *) names, (const char *const *) names_b));
        for (guint i = 0; names[i] != NULL; i++) {
                g_auto (GStrv) va = coap_udp6_link_get_attribute_values (a, names[i]);
                g_auto (GStrv) vb = coap_udp6_link_get_attribute_values (b, names[i]);

                g_assert_true (coap_udp6_link_has_attribute (b, names[i]));
                g_assert_cmpstr (coap_udp6_link_get_attribute (a, names[i]), ==,
                                 coap_udp6_link_get_attribute (b, names[i]));
                g_assert_true (g_strv_equal ((const char *const *) va, (const char *const *) vb));
        }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
        g_autoptr (GBytes) input = g_bytes_new (data, size);
        g_autoptr (GPtrArray) links = NULL;
        g_autoptr (GPtrArray) again = NULL;
        g_autoptr (GError) error = NULL;
        g_autofree char *text = NULL, *text2 = NULL;

        links = coap_udp6_link_format_parse_bytes (input, BASE, &error);
        if (links == NULL) {
                g_assert_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_UNPARSABLE);
                return 0;
        }
        text = coap_udp6_link_format_build (links);
        again = coap_udp6_link_format_parse (text, BASE, &error);
        if (again == NULL)
                g_error ("built “%s”, which fails: %s", text, error->message);
        g_assert_cmpuint (links->len, ==, again->len);
        for (guint i = 0; i < links->len; i++)
                assert_same_link (links->pdata[i], again->pdata[i]);
        text2 = coap_udp6_link_format_build (again);
        g_assert_cmpstr (text, ==, text2);
        return 0;
}
