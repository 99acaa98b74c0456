# coap_explorer: CoAP Explorer, a GTK 4 and libadwaita application on
# coap-udp6 that finds CoAP devices, lists their resources and talks to them.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
APPLICATION_ID = 'org.coap_udp6.Explorer'
VERSION = '1.0'
