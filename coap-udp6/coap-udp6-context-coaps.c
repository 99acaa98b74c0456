/* coap-udp6-context-coaps.c: how a context finds its coaps transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-context-private.h"
#include "coap-udp6-message-interface-private.h"
#include "coap-udp6-dtls-private.h"

#include <string.h>

const char *
coap_udp6_context_split_bind (CoapUdp6Context      *self,
                              const char           *bind,
                              CoapUdp6Credentials **credentials)
{
        *credentials = NULL;
        if (g_ascii_strncasecmp (bind, "coaps://", 8) == 0) {
                /* Empty credentials make the interface fail with a clear
                 * error rather than serve coap on a coaps bind. */
                *credentials = self->credentials != NULL ? g_object_ref (self->credentials)
                                                         : coap_udp6_credentials_new ();
                return bind + 8;
        }
        if (g_ascii_strncasecmp (bind, "coap://", 7) == 0)
                return bind + 7;
        return bind;
}

CoapUdp6MessageInterface *
coap_udp6_context_coaps_interface (CoapUdp6Context *self,
                                   GError         **error)
{
        CoapUdp6MessageInterface *iface;

        for (guint i = 0; i < self->interfaces->len; i++) {
                iface = g_ptr_array_index (self->interfaces, i);
                if (iface->credentials != NULL)
                        return iface;
        }
        if (self->credentials == NULL) {
                g_set_error_literal (error, G_TLS_ERROR, G_TLS_ERROR_CERTIFICATE_REQUIRED,
                                     "A coaps:// request needs credentials "
                                     "(CoapUdp6Context:credentials)");
                return NULL;
        }
        g_main_context_push_thread_default (self->main_context);
        iface = g_initable_new (COAP_UDP6_TYPE_MESSAGE_INTERFACE, NULL, error,
                                "manager", self,
                                "bind", "[::]:0",
                                "credentials", self->credentials,
                                NULL);
        g_main_context_pop_thread_default (self->main_context);
        if (iface != NULL) {
                g_ptr_array_add (self->interfaces, iface);
                coap_udp6_context_coaps_apply_limits (self);
        }
        return iface;
}

void
coap_udp6_context_coaps_apply_limits (CoapUdp6Context *self)
{
        for (guint i = 0; self->interfaces != NULL && i < self->interfaces->len; i++) {
                CoapUdp6MessageInterface *iface = g_ptr_array_index (self->interfaces, i);

                if (iface->dtls == NULL)
                        continue;
                *coap_udp6_dtls_peek_limits (iface->dtls) = self->coaps_limits;
                coap_udp6_dtls_set_clock (iface->dtls, self->clock, self->clock_data);
                /* One timer source per context, not one more per coaps bind. */
                coap_udp6_dtls_share_timer_source (iface->dtls, self->timers);
        }
}

/**
 * coap_udp6_context_get_credentials: (attributes org.gtk.Method.get_property=credentials)
 * @self: a #CoapUdp6Context
 *
 * Gets the credentials of coaps binds and requests.
 *
 * Returns: (transfer none) (nullable): the credentials
 *
 * Since: 1.0
 */
CoapUdp6Credentials *
coap_udp6_context_get_credentials (CoapUdp6Context *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_CONTEXT (self), NULL);
        return self->credentials;
}

/**
 * coap_udp6_context_set_credentials: (attributes org.gtk.Method.set_property=credentials)
 * @self: a #CoapUdp6Context
 * @credentials: (nullable): the credentials
 *
 * Sets the credentials of coaps binds (before initialisation) and
 * requests (before the first `coaps://` request).
 *
 * Since: 1.0
 */
void
coap_udp6_context_set_credentials (CoapUdp6Context     *self,
                                   CoapUdp6Credentials *credentials)
{
        g_return_if_fail (COAP_UDP6_IS_CONTEXT (self));
        g_return_if_fail (credentials == NULL || COAP_UDP6_IS_CREDENTIALS (credentials));

        if (!g_set_object (&self->credentials, credentials))
                return;
        g_object_notify (G_OBJECT (self), "credentials");
}

void
coap_udp6_context_coaps_peer_silent (CoapUdp6Context         *self,
                                     CoapUdp6EndpointAddress *remote,
                                     gint64                   since)
{
        CoapUdp6MessageInterface *iface = remote != NULL ? coap_udp6_endpoint_address_peek_interface (remote)
                                                         : NULL;

        /* A remote another context made names that context's sessions. */
        if (iface != NULL && iface->dtls != NULL && self->interfaces != NULL &&
            g_ptr_array_find (self->interfaces, iface, NULL))
                coap_udp6_dtls_forget_silent_peer (iface->dtls, remote, since);
}
