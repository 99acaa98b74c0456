/* tool-credentials.h: the coaps options of the command-line tools
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <coap-udp6/coap-udp6.h>

G_BEGIN_DECLS

typedef struct {
        char *psk;            /* -k KEY: never printed */
        char *identity;       /* -u IDENTITY (client) */
        char *psk_file;       /* --psk-file FILE (server) */
        char *cert_file;      /* --cert FILE */
        char *key_file;       /* --key FILE */
        char *ca_file;        /* --ca FILE */
        char *pin_file;       /* --pin FILE (client) */
        gboolean system_ca;   /* --system-ca (client) */
        char *rpk_file;       /* -M FILE: our raw public key (its private key, PEM) */
        char **peer_keys;     /* --peer-key NI_OR_PEMFILE (repeatable) */
        gboolean accept_any_key; /* --accept-any-key (client) */
} ToolCredentials;

/* A "coaps" option group (--help-coaps) filling @tc. */
GOptionGroup *tool_credentials_option_group (ToolCredentials *tc,
                                             gboolean         server);
/* The credentials the options ask for; NULL without @error when none. */
CoapUdp6Credentials *tool_credentials_load (ToolCredentials *tc,
                                            gboolean         server,
                                            GError         **error);
void tool_credentials_clear (ToolCredentials *tc);

G_END_DECLS
