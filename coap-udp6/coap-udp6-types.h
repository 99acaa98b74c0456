/* coap-udp6-types.h: forward declarations of the public types
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__COAP_UDP6_H_INSIDE__) && !defined(COAP_UDP6_COMPILATION)
#error "Only <coap-udp6/coap-udp6.h> can be included directly."
#endif

#include <gio/gio.h>
#include <coap-udp6/coap-udp6-version.h>

G_BEGIN_DECLS

typedef struct _CoapUdp6Message CoapUdp6Message;
typedef struct _CoapUdp6BlockOption CoapUdp6BlockOption;
typedef struct _CoapUdp6Pktinfo CoapUdp6Pktinfo;
typedef struct _CoapUdp6SockExtendedErr CoapUdp6SockExtendedErr;
typedef struct _CoapUdp6EndpointAddress CoapUdp6EndpointAddress;
typedef struct _CoapUdp6MessageManager CoapUdp6MessageManager;
typedef struct _CoapUdp6MessageInterface CoapUdp6MessageInterface;
typedef struct _CoapUdp6Context CoapUdp6Context;
typedef struct _CoapUdp6Request CoapUdp6Request;
typedef struct _CoapUdp6Resource CoapUdp6Resource;

G_END_DECLS
