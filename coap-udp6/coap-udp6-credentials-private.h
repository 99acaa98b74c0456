/* coap-udp6-credentials-private.h: what the DTLS transport reads from
 * credentials (not installed)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "coap-udp6-credentials.h"

G_BEGIN_DECLS

struct _CoapUdp6Credentials {
        GObject     parent_instance;

        /* coap-udp6-credentials.c */
        char       *psk_identity;   /* (owned) (nullable) */
        GBytes     *psk_key;        /* (owned) (nullable) */
        GHashTable *psk_table;      /* (owned) identity → GBytes */
        GBytes     *certificate_pem; /* (owned) (nullable) */
        GBytes     *private_key_pem; /* (owned) (nullable) */
        GBytes     *ca_pem;          /* (owned) (nullable) */
        GBytes     *pinned_pem;      /* (owned) (nullable) */
        GTlsDatabase *database;      /* (owned) (nullable) */

        /* coap-udp6-credentials-rpk.c (peer_keys and accept_any_public_key
         * are made, freed and set in coap-udp6-credentials.c) */
        GBytes     *rpk_private_key_pem; /* (owned) (nullable) */
        GBytes     *rpk_spki;            /* (owned) (nullable) DER SubjectPublicKeyInfo of it */
        char       *rpk_identity;        /* (owned) (nullable) ni:///sha-256;… of rpk_spki */
        GHashTable *peer_keys;           /* (owned) ni:///sha-256;… names pinned */
        gboolean    accept_any_public_key;
};

GBytes *coap_udp6_credentials_peek_psk_key (CoapUdp6Credentials *self);
/* The key for a client's identity: the lookup-psk signal, the table of
 * add_psk(), else the key of set_psk(); NULL for none. */
GBytes *coap_udp6_credentials_lookup_psk (CoapUdp6Credentials *self,
                                          const char          *identity);
gboolean coap_udp6_credentials_has_psk (CoapUdp6Credentials *self);
GBytes *coap_udp6_credentials_peek_certificate_pem (CoapUdp6Credentials *self);
GBytes *coap_udp6_credentials_peek_private_key_pem (CoapUdp6Credentials *self);
GBytes *coap_udp6_credentials_peek_ca_pem (CoapUdp6Credentials *self);
GBytes *coap_udp6_credentials_peek_pinned_pem (CoapUdp6Credentials *self);

/* coap-udp6-credentials-rpk.c: RawPublicKey mode (RFC 7250) */
/* Whether raw public keys take part: a key of ours or pinned peers. */
gboolean coap_udp6_credentials_uses_raw_public_keys (CoapUdp6Credentials *self);
GBytes *coap_udp6_credentials_peek_rpk_private_key_pem (CoapUdp6Credentials *self);
GBytes *coap_udp6_credentials_peek_rpk_spki (CoapUdp6Credentials *self);
guint coap_udp6_credentials_get_n_peer_keys (CoapUdp6Credentials *self);
gboolean coap_udp6_credentials_is_peer_key_pinned (CoapUdp6Credentials *self,
                                                  const char          *identity);
/* RFC 6920 name of a DER SubjectPublicKeyInfo (RFC 7252 §9.1.3.2.1):
 * "ni:///sha-256;" and the base64url of its SHA-256, without padding. */
char *coap_udp6_credentials_rpk_identity (const guint8 *spki,
                                          gsize         length);

/* Reads a key or certificate file (NUL-terminated, @length without it):
 * a regular file of at most 1 MiB, so that /dev/zero or a FIFO fails at
 * once instead of reading for ever. */
gboolean coap_udp6_credentials_read_file (const char  *path,
                                          char       **contents,
                                          gsize       *length,
                                          GError     **error);

G_END_DECLS
