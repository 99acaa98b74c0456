/* tool-trace.h: what coap-udp6-client and coap-udp6-server print with -v
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <coap-udp6/coap-udp6.h>
#include <stdio.h>

typedef void (*ToolTraceFunc) (CoapUdp6Message *message,
                               gpointer         user_data);

void tool_trace_received (ToolTraceFunc before,
                          ToolTraceFunc after,
                          gpointer      user_data);

char *tool_format_address (CoapUdp6EndpointAddress *remote);

char *tool_describe_message (const char      *prefix,
                             CoapUdp6Message *message,
                             const char      *peer,
                             int              verbosity);
