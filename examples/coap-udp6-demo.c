/* coap-udp6-demo.c: builds CoAP messages, encodes and decodes them, and
 * prints each step. The smallest tour of the message API.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <coap-udp6/coap-udp6.h>

static void
print_hex (const char *label, GBytes *bytes)
{
        gsize size = 0;
        const guint8 *data = g_bytes_get_data (bytes, &size);

        g_print ("%s (%zu bytes):", label, size);
        for (gsize i = 0; i < size; i++)
                g_print (" %02x", data[i]);
        g_print ("\n");
}

static gboolean
round_trip (CoapUdp6Message *message, GError **error)
{
        g_autofree char *text = coap_udp6_message_to_string (message);
        g_autoptr (GBytes) wire = NULL;
        g_autoptr (CoapUdp6Message) decoded = NULL;
        g_autofree char *decoded_text = NULL;

        g_print ("message: %s\n", text);
        wire = coap_udp6_message_encode (message, error);
        if (wire == NULL)
                return FALSE;
        print_hex ("  encoded", wire);
        decoded = coap_udp6_message_decode (wire, NULL, error);
        if (decoded == NULL)
                return FALSE;
        decoded_text = coap_udp6_message_to_string (decoded);
        g_print ("  decoded: %s\n", decoded_text);
        return TRUE;
}

int
main (int argc, char **argv)
{
        const char *uri = argc > 1 ? argv[1] : "coap://[::1]:61616/sensors/temp?unit=C";
        g_autoptr (GError) error = NULL;
        g_autoptr (CoapUdp6Message) request = NULL;
        g_autoptr (CoapUdp6Message) response = NULL;
        g_autoptr (GBytes) token = g_bytes_new_static ("\xca\xfe\xf0\x0d", 4);
        g_autoptr (GBytes) payload = g_bytes_new_static ("22.5 C", 6);
        g_autoptr (GBytes) broken = g_bytes_new_static ("\x40\x01\x12\x34\xff", 5);
        g_autoptr (CoapUdp6Message) none = NULL;

        request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON,
                                         COAP_UDP6_CODE_GET);
        if (!coap_udp6_message_set_request_uri (request, uri, &error)) {
                g_printerr ("coap-udp6-demo: %s\n", error->message);
                return 1;
        }
        coap_udp6_message_set_mid (request, 0x1234);
        coap_udp6_message_set_token (request, token);
        coap_udp6_message_set_accept (request, 0);

        response = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK,
                                          COAP_UDP6_CODE_CONTENT);
        coap_udp6_message_set_mid (response, 0x1234);
        coap_udp6_message_set_token (response, token);
        coap_udp6_message_set_content_format (response, 0);
        coap_udp6_message_set_payload (response, payload);

        if (!round_trip (request, &error) || !round_trip (response, &error)) {
                g_printerr ("coap-udp6-demo: %s\n", error->message);
                return 1;
        }

        print_hex ("malformed", broken);
        none = coap_udp6_message_decode (broken, NULL, &error);
        g_print ("  rejected: %s\n", error != NULL ? error->message : "(accepted?)");
        return none == NULL ? 0 : 1;
}
