/* tool-trace.h: what coap-udp6-client and coap-udp6-server print with -v
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <coap-udp6/coap-udp6.h>
#include <stdio.h>

void tool_trace_context (CoapUdp6Context *context,
                         int              verbosity,
                         gboolean         server);

char *tool_format_address (CoapUdp6EndpointAddress *remote);

char *tool_describe_message (const char      *prefix,
                             CoapUdp6Message *message,
                             gboolean         sent,
                             int              verbosity);
