/* coap-udp6-error.c: the COAP_UDP6_ERROR domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-error.h"

/**
 * coap_udp6_error_quark:
 *
 * The error domain of coap-udp6; use %COAP_UDP6_ERROR instead.
 *
 * Returns: the quark of the %COAP_UDP6_ERROR domain
 *
 * Since: 1.0
 */
G_DEFINE_QUARK (coap-udp6-error-quark, coap_udp6_error)
