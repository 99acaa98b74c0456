/* coap-udp6-reuse-private.h: when the library may reuse an object it lent
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

gboolean coap_udp6_object_is_unshared (gpointer object);

G_END_DECLS
