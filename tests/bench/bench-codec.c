/* bench-codec.c: nanoseconds per encode and per decode of typical messages
 *
 * "decode" creates a message per datagram (coap_udp6_message_decode());
 * "load" reloads one message (coap_udp6_message_load()), as the receive
 * path does.
 *
 * Usage: bench-codec [ITERATIONS]   (default 2000000; the meson benchmark
 * passes a small count as a smoke run)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <coap-udp6/coap-udp6.h>

#include <stdio.h>
#include <stdlib.h>

typedef struct {
        const char      *name;
        CoapUdp6Message *message;
} Case;

static CoapUdp6Message *
make_get (void)
{
        static const guint8 token[] = { 0xde, 0xad, 0xbe, 0xef };
        static const char *const path[] = { "sensors", "temp", NULL };
        CoapUdp6Message *msg;

        msg = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                     COAP_UDP6_CODE_GET);
        coap_udp6_message_set_mid (msg, 0x1234);
        coap_udp6_message_set_token_data (msg, token, sizeof token);
        coap_udp6_message_set_uri_path (msg, path);
        return msg;
}

static CoapUdp6Message *
make_content (void)
{
        static const guint8 token[] = { 0xde, 0xad, 0xbe, 0xef };
        guint8 body[64];
        g_autoptr (GBytes) payload = NULL;
        CoapUdp6Message *msg;

        for (guint i = 0; i < sizeof body; i++)
                body[i] = 'a' + i % 26;
        payload = g_bytes_new (body, sizeof body);
        msg = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK,
                                     COAP_UDP6_CODE_CONTENT);
        coap_udp6_message_set_mid (msg, 0x1234);
        coap_udp6_message_set_token_data (msg, token, sizeof token);
        coap_udp6_message_set_content_format (msg, 0);
        coap_udp6_message_set_payload (msg, payload);
        return msg;
}

static double
ns_per (gint64 start,
        guint  iterations)
{
        return (g_get_monotonic_time () - start) * 1000.0 / iterations;
}

static void
run (const Case *c,
     guint       iterations)
{
        g_autoptr (GBytes) wire = coap_udp6_message_encode (c->message, NULL);
        g_autoptr (CoapUdp6Message) reused = g_object_new (COAP_UDP6_TYPE_MESSAGE, NULL);
        double enc, dec, load, obj;
        gint64 start;

        start = g_get_monotonic_time ();
        for (guint i = 0; i < iterations; i++)
                g_bytes_unref (coap_udp6_message_encode (c->message, NULL));
        enc = ns_per (start, iterations);

        start = g_get_monotonic_time ();
        for (guint i = 0; i < iterations; i++)
                g_object_unref (coap_udp6_message_decode (wire, NULL, NULL));
        dec = ns_per (start, iterations);

        start = g_get_monotonic_time ();
        for (guint i = 0; i < iterations; i++)
                if (!coap_udp6_message_load (reused, wire, NULL, NULL))
                        g_error ("load failed");
        load = ns_per (start, iterations);

        start = g_get_monotonic_time ();
        for (guint i = 0; i < iterations; i++)
                g_object_unref (g_object_new (COAP_UDP6_TYPE_MESSAGE, NULL));
        obj = ns_per (start, iterations);

        printf ("%-28s %3zu bytes  encode %6.1f ns  decode %6.1f ns  load %5.1f ns  "
                "encode+decode %6.1f ns  encode+load %5.1f ns  (g_object_new+unref %5.1f ns)\n",
                c->name, g_bytes_get_size (wire), enc, dec, load, enc + dec, enc + load, obj);
}

int
main (int   argc,
      char *argv[])
{
        guint iterations = argc > 1 ? (guint) strtoul (argv[1], NULL, 10)
                                    : 2000000;
        Case cases[] = {
                { "GET, 4-byte token, 2 paths", make_get () },
                { "2.05, 64-byte payload", make_content () },
        };

        if (iterations == 0)
                iterations = 1;
        /* warm up caches and the type system */
        for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
                run (&cases[i], MIN (iterations, 10000u));
        printf ("-- %u iterations --\n", iterations);
        for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
                run (&cases[i], iterations);
                g_object_unref (cases[i].message);
        }
        return 0;
}
