/* fuzz-uri.c: libFuzzer target for request URIs (issue 6 item 2)
 *
 * set_request_uri (input) → get_request_uri → set_request_uri on a new
 * message must succeed and give the same options, unresolved remote and
 * scheme, and the same URI again.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "fuzz-common.h"

#include <string.h>

static void
assert_same_options (CoapUdp6Message *a,
                     CoapUdp6Message *b,
                     guint            number)
{
        g_autoptr (GPtrArray) va = coap_udp6_message_get_option_values (a, number);
        g_autoptr (GPtrArray) vb = coap_udp6_message_get_option_values (b, number);

        g_assert_cmpuint (va->len, ==, vb->len);
        for (guint i = 0; i < va->len; i++)
                g_assert_true (g_bytes_equal (va->pdata[i], vb->pdata[i]));
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
        g_autofree char *input = g_strndup ((const char *) data, size);
        g_autoptr (CoapUdp6Message) first = coap_udp6_message_new (0, 1);
        g_autoptr (CoapUdp6Message) second = coap_udp6_message_new (0, 1);
        g_autoptr (GError) error = NULL;
        g_autofree char *uri = NULL, *uri2 = NULL;

        if (strlen (input) != size)
                return 0;
        if (!coap_udp6_message_set_request_uri (first, input, &error)) {
                g_assert_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_INVALID_URI);
                return 0;
        }
        uri = coap_udp6_message_get_request_uri (first);
        g_assert_nonnull (uri);
        if (!coap_udp6_message_set_request_uri (second, uri, &error))
                g_error ("“%s” gave “%s”, which fails: %s", input, uri,
                         error->message);
        assert_same_options (first, second, COAP_UDP6_OPTION_URI_HOST);
        assert_same_options (first, second, COAP_UDP6_OPTION_URI_PATH);
        assert_same_options (first, second, COAP_UDP6_OPTION_URI_QUERY);
        g_assert_cmpstr (coap_udp6_message_get_unresolved_remote (first), ==,
                         coap_udp6_message_get_unresolved_remote (second));
        g_assert_cmpstr (coap_udp6_message_get_requested_scheme (first), ==,
                         coap_udp6_message_get_requested_scheme (second));
        uri2 = coap_udp6_message_get_request_uri (second);
        g_assert_cmpstr (uri, ==, uri2);
        return 0;
}
