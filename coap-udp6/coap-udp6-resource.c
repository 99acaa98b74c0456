/* coap-udp6-resource.c (placeholder)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-types.h"

typedef int coap_udp6_placeholder_resource;
