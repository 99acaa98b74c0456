/* test-message-uri.c: what setting a request URI keeps beyond the message
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"

#include <string.h>

/* A scheme comes from the caller, often from the network (a proxy, a
 * link): interning it would keep every distinct one for the life of the
 * process. */
static void
test_scheme_not_interned (void)
{
        static const char *const uris[] = {
                "zq-unseen-scheme-1://[::1]/a",     /* valid, not coap */
                "zq-unseen-scheme-2:",              /* not a URI with a host */
        };

        for (guint i = 0; i < G_N_ELEMENTS (uris); i++) {
                g_autoptr (CoapUdp6Message) message = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                                                             COAP_UDP6_CODE_GET);
                g_autofree char *scheme = g_strndup (uris[i], strchr (uris[i], ':') - uris[i]);
                g_autoptr (GError) error = NULL;

                coap_udp6_message_set_request_uri (message, uris[i], &error);
                g_assert_cmpuint (g_quark_try_string (scheme), ==, 0);
        }
}

int
main (int   argc,
      char *argv[])
{
        test_init (&argc, &argv);
        g_test_add_func ("/message-uri/scheme-not-interned", test_scheme_not_interned);
        return g_test_run ();
}
