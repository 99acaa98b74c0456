/* coap-udp6-timers-private.h: one timer source per context, a heap behind
 * it (not installed)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CoapUdp6Timers CoapUdp6Timers;
typedef struct _CoapUdp6Timer CoapUdp6Timer;

typedef void (*CoapUdp6TimerFunc) (gpointer data);
typedef gint64 (*CoapUdp6ClockFunc) (gpointer data);

CoapUdp6Timers *coap_udp6_timers_new (GMainContext *main_context);
void coap_udp6_timers_free (CoapUdp6Timers *timers);
void coap_udp6_timers_host (CoapUdp6Timers *host,
                            CoapUdp6Timers *guest);
gint64 coap_udp6_timers_now (CoapUdp6Timers *timers);
CoapUdp6Timer *coap_udp6_timers_add (CoapUdp6Timers   *timers,
                                     gint64            delay_us,
                                     CoapUdp6TimerFunc func,
                                     gpointer          data);
void coap_udp6_timers_cancel (CoapUdp6Timers *timers,
                              CoapUdp6Timer  *timer);
guint coap_udp6_timers_get_length (CoapUdp6Timers *timers);
void coap_udp6_timers_set_clock (CoapUdp6Timers   *timers,
                                 CoapUdp6ClockFunc clock,
                                 gpointer          data);
guint coap_udp6_timers_run_due (CoapUdp6Timers *timers);

G_END_DECLS
