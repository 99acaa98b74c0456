/* coap-udp6-error.c: the COAP_UDP6_ERROR domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-error.h"

G_DEFINE_QUARK (coap-udp6-error-quark, coap_udp6_error)
