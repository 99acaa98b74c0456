/* coap-udp6-sock-extended-err.c: an ICMP error report
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-sock-extended-err.h"
#include "coap-udp6-error.h"

#include <string.h>

/* struct sock_extended_err from <linux/errqueue.h>: 4 + 4 * 1 + 4 + 4. */
#define SOCK_EXTENDED_ERR_SIZE 16
#define ORIGIN_ICMP 2
#define ORIGIN_ICMP6 3

G_DEFINE_BOXED_TYPE (CoapUdp6SockExtendedErr, coap_udp6_sock_extended_err,
                     coap_udp6_sock_extended_err_copy,
                     coap_udp6_sock_extended_err_free)

/**
 * coap_udp6_sock_extended_err_load:
 * @data: the payload of an `IPV6_RECVERR`/`IP_RECVERR` control message;
 *   more data (the offender address) may follow the 16 bytes
 * @error: return location for a #GError
 *
 * Parses a `struct sock_extended_err` in host byte order.
 *
 * Returns: (transfer full) (nullable): the error report, or %NULL when
 *   @data is too short
 *
 * Since: 1.0
 */
CoapUdp6SockExtendedErr *
coap_udp6_sock_extended_err_load (GBytes  *data,
                                  GError **error)
{
        CoapUdp6SockExtendedErr *self;
        const guint8 *p;
        gsize size;

        g_return_val_if_fail (data != NULL, NULL);
        g_return_val_if_fail (error == NULL || *error == NULL, NULL);

        p = g_bytes_get_data (data, &size);
        if (size < SOCK_EXTENDED_ERR_SIZE) {
                g_set_error (error, COAP_UDP6_ERROR, COAP_UDP6_ERROR_FAILED,
                             "A sock_extended_err needs %d bytes, got %"
                             G_GSIZE_FORMAT, SOCK_EXTENDED_ERR_SIZE, size);
                return NULL;
        }
        self = g_new0 (CoapUdp6SockExtendedErr, 1);
        memcpy (&self->ee_errno, p, 4);
        self->ee_origin = p[4];
        self->ee_type = p[5];
        self->ee_code = p[6];
        self->ee_pad = p[7];
        memcpy (&self->ee_info, p + 8, 4);
        memcpy (&self->ee_data, p + 12, 4);
        return self;
}

/**
 * coap_udp6_sock_extended_err_copy:
 * @self: a #CoapUdp6SockExtendedErr
 *
 * Copies an error report.
 *
 * Returns: (transfer full): a copy
 *
 * Since: 1.0
 */
CoapUdp6SockExtendedErr *
coap_udp6_sock_extended_err_copy (const CoapUdp6SockExtendedErr *self)
{
        g_return_val_if_fail (self != NULL, NULL);

        return g_memdup2 (self, sizeof *self);
}

/**
 * coap_udp6_sock_extended_err_free:
 * @self: (nullable): a #CoapUdp6SockExtendedErr
 *
 * Frees an error report.
 *
 * Since: 1.0
 */
void
coap_udp6_sock_extended_err_free (CoapUdp6SockExtendedErr *self)
{
        g_free (self);
}

/**
 * coap_udp6_sock_extended_err_get_ee_errno:
 * @self: a #CoapUdp6SockExtendedErr
 *
 * Gets the error number.
 *
 * Returns: `ee_errno`
 *
 * Since: 1.0
 */
guint32
coap_udp6_sock_extended_err_get_ee_errno (const CoapUdp6SockExtendedErr *self)
{
        g_return_val_if_fail (self != NULL, 0);
        return self->ee_errno;
}

/**
 * coap_udp6_sock_extended_err_get_ee_origin:
 * @self: a #CoapUdp6SockExtendedErr
 *
 * Gets the origin (2 for ICMP, 3 for ICMPv6).
 *
 * Returns: `ee_origin`
 *
 * Since: 1.0
 */
guint8
coap_udp6_sock_extended_err_get_ee_origin (const CoapUdp6SockExtendedErr *self)
{
        g_return_val_if_fail (self != NULL, 0);
        return self->ee_origin;
}

/**
 * coap_udp6_sock_extended_err_get_ee_type:
 * @self: a #CoapUdp6SockExtendedErr
 *
 * Gets the ICMP type.
 *
 * Returns: `ee_type`
 *
 * Since: 1.0
 */
guint8
coap_udp6_sock_extended_err_get_ee_type (const CoapUdp6SockExtendedErr *self)
{
        g_return_val_if_fail (self != NULL, 0);
        return self->ee_type;
}

/**
 * coap_udp6_sock_extended_err_get_ee_code:
 * @self: a #CoapUdp6SockExtendedErr
 *
 * Gets the ICMP code.
 *
 * Returns: `ee_code`
 *
 * Since: 1.0
 */
guint8
coap_udp6_sock_extended_err_get_ee_code (const CoapUdp6SockExtendedErr *self)
{
        g_return_val_if_fail (self != NULL, 0);
        return self->ee_code;
}

/**
 * coap_udp6_sock_extended_err_get_ee_pad:
 * @self: a #CoapUdp6SockExtendedErr
 *
 * Gets the padding byte.
 *
 * Returns: `ee_pad`
 *
 * Since: 1.0
 */
guint8
coap_udp6_sock_extended_err_get_ee_pad (const CoapUdp6SockExtendedErr *self)
{
        g_return_val_if_fail (self != NULL, 0);
        return self->ee_pad;
}

/**
 * coap_udp6_sock_extended_err_get_ee_info:
 * @self: a #CoapUdp6SockExtendedErr
 *
 * Gets the additional information (an MTU for "packet too big").
 *
 * Returns: `ee_info`
 *
 * Since: 1.0
 */
guint32
coap_udp6_sock_extended_err_get_ee_info (const CoapUdp6SockExtendedErr *self)
{
        g_return_val_if_fail (self != NULL, 0);
        return self->ee_info;
}

/**
 * coap_udp6_sock_extended_err_get_ee_data:
 * @self: a #CoapUdp6SockExtendedErr
 *
 * Gets the other data.
 *
 * Returns: `ee_data`
 *
 * Since: 1.0
 */
guint32
coap_udp6_sock_extended_err_get_ee_data (const CoapUdp6SockExtendedErr *self)
{
        g_return_val_if_fail (self != NULL, 0);
        return self->ee_data;
}

/**
 * coap_udp6_sock_extended_err_is_icmp:
 * @self: a #CoapUdp6SockExtendedErr
 *
 * Whether the error came in an ICMP or ICMPv6 message (rather than from
 * the local stack).
 *
 * Returns: %TRUE for ICMP or ICMPv6 origin
 *
 * Since: 1.0
 */
gboolean
coap_udp6_sock_extended_err_is_icmp (const CoapUdp6SockExtendedErr *self)
{
        g_return_val_if_fail (self != NULL, FALSE);
        return self->ee_origin == ORIGIN_ICMP || self->ee_origin == ORIGIN_ICMP6;
}
