/* coap-udp6-pcap-private.h: the datagram trace — a pcapng file named by
 * COAP_UDP6_PCAP, and one debug line per datagram (not installed)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "coap-udp6-endpoint-address.h"
#include "coap-udp6-socket-io-private.h"

G_BEGIN_DECLS

/* Whether either trace is on. The send and receive paths test only this,
 * so that tracing costs one predictable branch when it is off. */
extern gboolean coap_udp6_pcap_active;

/* Opens the file once per process and re-reads whether debug output is
 * on; called when a message interface starts. */
void coap_udp6_pcap_init (void);

void coap_udp6_pcap_received (const guint8              *data,
                              gsize                      size,
                              const struct sockaddr_in6 *from,
                              const CoapUdp6RawPktinfo  *to,
                              guint                      local_port);
void coap_udp6_pcap_sent (const guint8            *data,
                          gsize                    size,
                          CoapUdp6EndpointAddress *to,
                          guint                    local_port);

G_END_DECLS
