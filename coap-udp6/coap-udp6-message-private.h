/* coap-udp6-message-private.h: the in-memory representation of a message
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "coap-udp6-message.h"

G_BEGIN_DECLS

/* Options are (number, location, length) triples in wire order. A value
 * lives either in the decoded datagram (@wire) or in @arena, which holds
 * values added through the API; nothing is copied on decode. */
typedef struct {
        guint16 number;
        guint16 in_arena;
        guint32 len;
        guint32 offset;
} CoapUdp6OptionEntry;

#define COAP_UDP6_INLINE_OPTIONS 8
/* Longest option value the 14-nibble extended form can express. */
#define COAP_UDP6_OPTION_MAX_LENGTH (65535u + 269u)

struct _CoapUdp6Message {
        GObject parent_instance;

        guint8                   mtype;
        guint8                   code;
        guint16                  mid;
        guint8                   token_len;
        guint8                   token[8];
        GBytes                  *token_bytes; /* (owned) (nullable) */

        GBytes                  *wire;  /* (owned) (nullable) */
        const guint8            *wire_data; /* into @wire, or borrowed when it is NULL */
        gsize                    wire_len;
        GByteArray              *arena; /* (owned) (nullable) */

        CoapUdp6OptionEntry     *opts;
        guint                    n_opts;
        guint                    alloc_opts;
        CoapUdp6OptionEntry      inline_opts[COAP_UDP6_INLINE_OPTIONS];

        GBytes                  *payload; /* (owned) (nullable) */
        const guint8            *payload_data; /* into @payload or @wire */
        gsize                    payload_len;
        gsize                    payload_offset; /* into @wire, if !payload */

        CoapUdp6EndpointAddress *remote; /* (owned) (nullable) */
        char                    *unresolved_remote; /* (owned) (nullable) */
        char                    *requested_scheme;  /* (owned) (nullable) */

        /* Set by the public getters of the remote, token and MID (and by
         * copy and encode, which hand them on): a notification rendered
         * without them can be shared by observers whose registrations
         * differ only there (coap-udp6-context-observe-server.c). */
        gboolean                 identity_read;
};

static inline const guint8 *
coap_udp6_option_entry_data (const CoapUdp6Message     *self,
                             const CoapUdp6OptionEntry *e)
{
        const guint8 *base = e->in_arena ? self->arena->data : self->wire_data;

        /* An arena that only holds empty values has no buffer. */
        return base != NULL ? base + e->offset : (const guint8 *) "";
}

void coap_udp6_message_clear_contents (CoapUdp6Message *self);
/* What coap_udp6_message_copy() does, into @copy, an empty message
 * (coap_udp6_message_clear_contents()) nothing else sees: no notify. */
void coap_udp6_message_copy_into (CoapUdp6Message *self,
                                  CoapUdp6Message *copy);
gboolean coap_udp6_message_load_borrowed (CoapUdp6Message         *self,
                                          const guint8            *data,
                                          gsize                    len,
                                          CoapUdp6EndpointAddress *remote,
                                          GError                 **error);
void coap_udp6_message_own_wire (CoapUdp6Message *self);
/* For the library's own messages, which nothing else can see: these
 * write the fields without GObject::notify. */
void coap_udp6_message_set_header_quiet (CoapUdp6Message    *self,
                                         CoapUdp6MessageType mtype,
                                         guint               mid,
                                         const guint8       *token,
                                         gsize               token_len);
void coap_udp6_message_fill_quiet (CoapUdp6Message *self,
                                   guint            code,
                                   GBytes          *payload,
                                   gint             content_format);
gboolean coap_udp6_message_encode_to_buffer (CoapUdp6Message *self,
                                             guint8          *stack,
                                             gsize            stack_size,
                                             guint8         **out,
                                             gsize           *out_len,
                                             GError         **error);
CoapUdp6OptionEntry *coap_udp6_message_reserve_options (CoapUdp6Message *self,
                                                        guint            n);
void coap_udp6_message_insert_option (CoapUdp6Message *self,
                                      guint            number,
                                      const guint8    *data,
                                      gsize            len);
const CoapUdp6OptionEntry *coap_udp6_message_find_option (CoapUdp6Message *self,
                                                          guint            number);
GBytes *coap_udp6_message_option_to_bytes (CoapUdp6Message           *self,
                                           const CoapUdp6OptionEntry *e);
gboolean coap_udp6_uint_decode (const guint8 *data,
                                gsize         len,
                                guint32      *value);
gsize coap_udp6_uint_encode (guint32 value,
                             guint8  out[4]);
gsize coap_udp6_message_copy_path (CoapUdp6Message *self,
                                   char            *buf,
                                   gsize            size);
GString *coap_udp6_message_append_path_query (CoapUdp6Message *self,
                                              GString         *out);

G_END_DECLS
G_BEGIN_DECLS
GPtrArray *coap_udp6_message_get_opaque_values (CoapUdp6Message *self,
                                                guint            number);
GBytes *coap_udp6_message_get_opaque (CoapUdp6Message *self,
                                      guint            number);
G_END_DECLS
