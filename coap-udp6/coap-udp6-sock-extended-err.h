/* coap-udp6-sock-extended-err.h: an ICMP error report (struct sock_extended_err)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__COAP_UDP6_H_INSIDE__) && !defined(COAP_UDP6_COMPILATION)
#error "Only <coap-udp6/coap-udp6.h> can be included directly."
#endif

#include <coap-udp6/coap-udp6-types.h>

G_BEGIN_DECLS

/**
 * CoapUdp6SockExtendedErr:
 * @ee_errno: the error number (for example `ECONNREFUSED`)
 * @ee_origin: where the error came from (`SO_EE_ORIGIN_ICMP` = 2,
 *   `SO_EE_ORIGIN_ICMP6` = 3, …)
 * @ee_type: the ICMP type
 * @ee_code: the ICMP code
 * @ee_pad: padding
 * @ee_info: additional information (the MTU for "packet too big")
 * @ee_data: other data
 *
 * The Linux `struct sock_extended_err` that comes with an error read from
 * a socket's error queue (`MSG_ERRQUEUE`, see ip(7) `IP_RECVERR`).
 *
 * Since: 1.0
 */
struct _CoapUdp6SockExtendedErr {
        guint32 ee_errno;
        guint8  ee_origin;
        guint8  ee_type;
        guint8  ee_code;
        guint8  ee_pad;
        guint32 ee_info;
        guint32 ee_data;
};

#define COAP_UDP6_TYPE_SOCK_EXTENDED_ERR (coap_udp6_sock_extended_err_get_type ())

COAP_UDP6_AVAILABLE_IN_ALL
GType coap_udp6_sock_extended_err_get_type (void) G_GNUC_CONST;

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6SockExtendedErr *coap_udp6_sock_extended_err_load (GBytes  *data,
                                                           GError **error);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6SockExtendedErr *coap_udp6_sock_extended_err_copy (const CoapUdp6SockExtendedErr *self);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_sock_extended_err_free (CoapUdp6SockExtendedErr *self);

COAP_UDP6_AVAILABLE_IN_ALL
guint32 coap_udp6_sock_extended_err_get_ee_errno (const CoapUdp6SockExtendedErr *self);

COAP_UDP6_AVAILABLE_IN_ALL
guint8 coap_udp6_sock_extended_err_get_ee_origin (const CoapUdp6SockExtendedErr *self);

COAP_UDP6_AVAILABLE_IN_ALL
guint8 coap_udp6_sock_extended_err_get_ee_type (const CoapUdp6SockExtendedErr *self);

COAP_UDP6_AVAILABLE_IN_ALL
guint8 coap_udp6_sock_extended_err_get_ee_code (const CoapUdp6SockExtendedErr *self);

COAP_UDP6_AVAILABLE_IN_ALL
guint8 coap_udp6_sock_extended_err_get_ee_pad (const CoapUdp6SockExtendedErr *self);

COAP_UDP6_AVAILABLE_IN_ALL
guint32 coap_udp6_sock_extended_err_get_ee_info (const CoapUdp6SockExtendedErr *self);

COAP_UDP6_AVAILABLE_IN_ALL
guint32 coap_udp6_sock_extended_err_get_ee_data (const CoapUdp6SockExtendedErr *self);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_sock_extended_err_is_icmp (const CoapUdp6SockExtendedErr *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CoapUdp6SockExtendedErr, coap_udp6_sock_extended_err_free)

G_END_DECLS
