/* coap-udp6-context-echo.c: the server's Echo challenge against
 * amplification (RFC 9175 §2.4)
 *
 * A response more than three times the size of its request goes only to
 * a remote that proved it receives at its address: a request that
 * carries an Echo this server made for that address in the last
 * EXCHANGE_LIFETIME. Anyone else gets 4.01 Unauthorized with a fresh
 * Echo and repeats the request with it (RFC 9175 §2.3). The Echo keeps
 * no state: a timestamp and an HMAC-SHA256 over the timestamp and the
 * remote's address and port, with a key made for this context.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-context-private.h"
#include "coap-udp6-code.h"

#include <string.h>

#define ECHO_TIME_LEN 4
#define ECHO_MAC_LEN 8
#define ECHO_LEN (ECHO_TIME_LEN + ECHO_MAC_LEN)

static void
ensure_key (CoapUdp6Context *self)
{
        if (self->echo_key_set)
                return;
        for (guint i = 0; i < sizeof self->echo_key; i += 4) {
                guint32 r = g_random_int ();

                memcpy (self->echo_key + i, &r, 4);
        }
        self->echo_key_set = TRUE;
}

static void
echo_mac (CoapUdp6Context         *self,
          const guint8            *time_bytes,
          CoapUdp6EndpointAddress *remote,
          guint8                   mac[ECHO_MAC_LEN])
{
        g_autoptr (GHmac) hmac = NULL;
        g_autofree char *hostinfo = coap_udp6_endpoint_address_get_hostinfo (remote);
        guint8 digest[32];
        gsize len = sizeof digest;

        ensure_key (self);
        hmac = g_hmac_new (G_CHECKSUM_SHA256, self->echo_key, sizeof self->echo_key);
        g_hmac_update (hmac, time_bytes, ECHO_TIME_LEN);
        g_hmac_update (hmac, (const guchar *) hostinfo, strlen (hostinfo));
        g_hmac_get_digest (hmac, digest, &len);
        memcpy (mac, digest, ECHO_MAC_LEN);
}

static guint32
now_seconds (CoapUdp6Context *self)
{
        return (guint32) (coap_udp6_context_now (self) / G_USEC_PER_SEC);
}

/* Whether @request carries an Echo made for its remote, and fresh. */
static gboolean
echo_verified (CoapUdp6Context *self,
               CoapUdp6Message *request)
{
        g_autoptr (GBytes) echo = coap_udp6_message_get_echo (request);
        const guint8 *data;
        gsize len = 0;
        guint8 mac[ECHO_MAC_LEN];
        guint32 made, now = now_seconds (self);

        if (echo == NULL || request->remote == NULL)
                return FALSE;
        data = g_bytes_get_data (echo, &len);
        if (len != ECHO_LEN)
                return FALSE;
        made = (guint32) data[0] << 24 | (guint32) data[1] << 16 | (guint32) data[2] << 8 | data[3];
        if (made > now || now - made > coap_udp6_context_get_exchange_lifetime (self))
                return FALSE;
        echo_mac (self, data, request->remote, mac);
        return memcmp (mac, data + ECHO_TIME_LEN, ECHO_MAC_LEN) == 0;
}

CoapUdp6Message *
coap_udp6_context_echo_challenge (CoapUdp6Context *self,
                                  CoapUdp6Message *request,
                                  CoapUdp6Message *response)
{
        CoapUdp6Message *challenge;
        g_autoptr (GBytes) echo = NULL;
        guint8 value[ECHO_LEN];
        guint32 now;
        gsize reply_size = response->payload_len + 4 + request->token_len;

        /* The request as it came (wire_len); one built locally has none. */
        if (request->wire_len == 0 || reply_size <= 3 * request->wire_len)
                return NULL;
        /* Only a safe request is asked again: its handler ran already, and
         * running an unsafe one twice could repeat its effect. */
        if (request->code != COAP_UDP6_CODE_GET && request->code != COAP_UDP6_CODE_FETCH)
                return NULL;
        if (echo_verified (self, request))
                return NULL;
        now = now_seconds (self);
        value[0] = now >> 24;
        value[1] = now >> 16;
        value[2] = now >> 8;
        value[3] = now;
        echo_mac (self, value, request->remote, value + ECHO_TIME_LEN);
        echo = g_bytes_new (value, sizeof value);
        challenge = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK, COAP_UDP6_CODE_UNAUTHORIZED);
        coap_udp6_message_set_echo (challenge, echo);
        return challenge;
}
