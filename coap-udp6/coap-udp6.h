/* coap-udp6.h: the umbrella header; the only one applications include
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#define __COAP_UDP6_H_INSIDE__

#include <coap-udp6/coap-udp6-version.h>
#include <coap-udp6/coap-udp6-types.h>
#include <coap-udp6/coap-udp6-enum-types.h>
#include <coap-udp6/coap-udp6-error.h>
#include <coap-udp6/coap-udp6-code.h>
#include <coap-udp6/coap-udp6-content-format.h>
#include <coap-udp6/coap-udp6-option.h>
#include <coap-udp6/coap-udp6-block-option.h>
#include <coap-udp6/coap-udp6-message.h>
#include <coap-udp6/coap-udp6-pktinfo.h>
#include <coap-udp6/coap-udp6-sock-extended-err.h>
#include <coap-udp6/coap-udp6-endpoint-address.h>
#include <coap-udp6/coap-udp6-message-manager.h>
#include <coap-udp6/coap-udp6-message-interface.h>
#include <coap-udp6/coap-udp6-credentials.h>
#include <coap-udp6/coap-udp6-statistic.h>
#include <coap-udp6/coap-udp6-context.h>
#include <coap-udp6/coap-udp6-request.h>
#include <coap-udp6/coap-udp6-resource.h>
#include <coap-udp6/coap-udp6-observation.h>
#include <coap-udp6/coap-udp6-link.h>
#include <coap-udp6/coap-udp6-link-format.h>

#undef __COAP_UDP6_H_INSIDE__
