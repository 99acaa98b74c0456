/* coap-udp6-body-stream-private.h: an upload's body as a stream, fed by
 * the server block by block as they arrive
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define COAP_UDP6_TYPE_BODY_STREAM (coap_udp6_body_stream_get_type ())
G_DECLARE_FINAL_TYPE (CoapUdp6BodyStream, coap_udp6_body_stream, COAP_UDP6, BODY_STREAM, GInputStream)

CoapUdp6BodyStream *coap_udp6_body_stream_new (void);
void coap_udp6_body_stream_push (CoapUdp6BodyStream *self,
                                 GBytes             *block);
/* No more blocks: reads then end (0 bytes). */
void coap_udp6_body_stream_finish (CoapUdp6BodyStream *self);
/* The upload ended without its last block: reads then fail with @error. */
void coap_udp6_body_stream_fail (CoapUdp6BodyStream *self,
                                 const GError       *error);
/* Bytes pushed and not read yet. */
gsize coap_udp6_body_stream_get_buffered (CoapUdp6BodyStream *self);

G_END_DECLS
