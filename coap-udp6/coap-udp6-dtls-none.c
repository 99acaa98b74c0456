/* coap-udp6-dtls-none.c: the coaps transport of a build without GnuTLS
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-dtls-private.h"
#include "coap-udp6-error.h"

#include <string.h>

void
coap_udp6_dtls_limits_init (CoapUdp6DtlsLimits *limits)
{
        memset (limits, 0, sizeof *limits);
}

CoapUdp6Dtls *
coap_udp6_dtls_new (CoapUdp6MessageInterface  *iface,
                    CoapUdp6Credentials       *credentials,
                    gboolean                   server,
                    GError                   **error)
{
        g_set_error_literal (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_NOT_SUPPORTED,
                             "coaps is not available: the library was built without GnuTLS");
        return NULL;
}

void coap_udp6_dtls_close_all (CoapUdp6Dtls *self) { }
void coap_udp6_dtls_free (CoapUdp6Dtls *self) { }
void coap_udp6_dtls_receive (CoapUdp6Dtls *self, const guint8 *data, gsize length,
                             CoapUdp6EndpointAddress *from) { }
void coap_udp6_dtls_send (CoapUdp6Dtls *self, const guint8 *data, gsize length,
                          CoapUdp6EndpointAddress *remote) { }
CoapUdp6DtlsLimits *coap_udp6_dtls_peek_limits (CoapUdp6Dtls *self) { return NULL; }
guint coap_udp6_dtls_get_n_sessions (CoapUdp6Dtls *self) { return 0; }
guint coap_udp6_dtls_get_n_handshakes (CoapUdp6Dtls *self) { return 0; }
gboolean coap_udp6_dtls_is_established (CoapUdp6Dtls *self, CoapUdp6EndpointAddress *remote) { return FALSE; }
void coap_udp6_dtls_drop_sessions (CoapUdp6Dtls *self) { }
void coap_udp6_dtls_forget_silent_peer (CoapUdp6Dtls *self, CoapUdp6EndpointAddress *remote, gint64 since) { }
void coap_udp6_dtls_set_clock (CoapUdp6Dtls *self, CoapUdp6ClockFunc clock, gpointer data) { }
guint coap_udp6_dtls_run_due_timers (CoapUdp6Dtls *self) { return 0; }

GBytes *
coap_udp6_dtls_spki_from_pem (const char *pem, gboolean public_allowed, GError **error)
{
        g_set_error_literal (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_NOT_SUPPORTED,
                             "Raw public keys need coaps: the library was built without GnuTLS");
        return NULL;
}

void coap_udp6_dtls_share_timer_source (CoapUdp6Dtls *self, CoapUdp6Timers *host) { }
