/* coap-udp6-gnutls.c: GnuTLS, loaded when coaps is first used
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-gnutls-private.h"
#include "coap-udp6-error.h"

#include <gmodule.h>

/* GnuTLS 3.4 and later (meson.build asks for 3.6) have had this soname;
 * a new one would come with a major version, and a new soname here. */
#if GNUTLS_VERSION_NUMBER < 0x030400 || GNUTLS_VERSION_NUMBER >= 0x040000
#error "unknown GnuTLS soname"
#endif
#define GNUTLS_SONAME "libgnutls.so.30"

CoapUdp6Gnutls coap_udp6_gnutls;

static const struct {
        const char *name;
        goffset     offset;
} symbols[] = {
#define SYMBOL_ENTRY(name) { #name, G_STRUCT_OFFSET (CoapUdp6Gnutls, p_##name) },
        COAP_UDP6_GNUTLS_SYMBOLS (SYMBOL_ENTRY)
#undef SYMBOL_ENTRY
};

/* NULL when loaded, else why not (kept: a second try gives the same). */
static char *
load_once (void)
{
        GModule *module = g_module_open (GNUTLS_SONAME, G_MODULE_BIND_LOCAL);

        if (module == NULL)
                return g_strdup (g_module_error ());
        /* Sessions and credentials outlive any reference we could count. */
        g_module_make_resident (module);
        for (gsize i = 0; i < G_N_ELEMENTS (symbols); i++) {
                gpointer address = NULL;

                if (!g_module_symbol (module, symbols[i].name, &address) || address == NULL)
                        return g_strdup_printf ("%s has no %s", GNUTLS_SONAME, symbols[i].name);
                G_STRUCT_MEMBER (gpointer, &coap_udp6_gnutls, symbols[i].offset) = address;
        }
        return NULL;
}

gboolean
coap_udp6_gnutls_load (GError **error)
{
        static gsize once = 0;
        static char *failure = NULL;

        if (g_once_init_enter (&once)) {
                failure = load_once ();
                g_once_init_leave (&once, 1);
        }
        if (failure != NULL) {
                g_set_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_NOT_SUPPORTED,
                             "coaps is not available: GnuTLS could not be loaded (%s)", failure);
                return FALSE;
        }
        return TRUE;
}
