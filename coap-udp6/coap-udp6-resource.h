/* coap-udp6-resource.h: something a server context serves
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__COAP_UDP6_H_INSIDE__) && !defined(COAP_UDP6_COMPILATION)
#error "Only <coap-udp6/coap-udp6.h> can be included directly."
#endif

#include <coap-udp6/coap-udp6-types.h>
#include <coap-udp6/coap-udp6-request.h>
#include <coap-udp6/coap-udp6-code.h>

G_BEGIN_DECLS

#define COAP_UDP6_TYPE_RESOURCE (coap_udp6_resource_get_type ())

COAP_UDP6_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (CoapUdp6Resource, coap_udp6_resource, COAP_UDP6, RESOURCE, GObject)

/**
 * CoapUdp6ResourceClass:
 * @parent_class: the parent class
 * @render: handles one request; respond with [method@Request.respond]
 *   or fail it with [method@Request.fail] before returning, or call
 *   [method@Request.defer], keep a reference to the request and respond
 *   later (a separate response). Returning without either (or raising
 *   an exception in a binding) answers 5.00 Internal Server Error at
 *   once. The default calls the handlers given with
 *   [method@Resource.set_method_handler] or [method@Resource.set_handler]
 *   and answers 4.05 Method Not Allowed if there is none.
 *
 * The class of a [class@Resource].
 *
 * Since: 1.0
 */
/**
 * CoapUdp6ResourceHandler:
 * @resource: the resource the request was made to
 * @request: the request; respond with [method@Request.respond] or
 *   [method@Request.fail], as [vfunc@Resource.render] does
 * @user_data: the data given with the handler
 *
 * Handles one request to a resource made with
 * [ctor@Resource.new_with_handler] or given a handler with
 * [method@Resource.set_method_handler].
 *
 * Since: 1.0
 */
typedef void (*CoapUdp6ResourceHandler) (CoapUdp6Resource *resource,
                                         CoapUdp6Request  *request,
                                         gpointer          user_data);

struct _CoapUdp6ResourceClass {
        GObjectClass parent_class;

        void (*render) (CoapUdp6Resource *self,
                        CoapUdp6Request  *request);

        /*< private >*/
        gpointer padding[8];
};

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Resource *coap_udp6_resource_new (void);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Resource *coap_udp6_resource_new_with_handler (CoapUdp6ResourceHandler handler,
                                                       gpointer                user_data,
                                                       GDestroyNotify          destroy);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_resource_set_handler (CoapUdp6Resource       *self,
                                     CoapUdp6ResourceHandler handler,
                                     gpointer                user_data,
                                     GDestroyNotify          destroy);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_resource_set_method_handler (CoapUdp6Resource       *self,
                                            CoapUdp6Code            method,
                                            CoapUdp6ResourceHandler handler,
                                            gpointer                user_data,
                                            GDestroyNotify          destroy);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_resource_render (CoapUdp6Resource *self,
                                CoapUdp6Request  *request);

COAP_UDP6_AVAILABLE_IN_ALL
const char *coap_udp6_resource_get_resource_type (CoapUdp6Resource *self);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_resource_set_resource_type (CoapUdp6Resource *self,
                                           const char       *resource_type);

COAP_UDP6_AVAILABLE_IN_ALL
const char *coap_udp6_resource_get_interface_description (CoapUdp6Resource *self);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_resource_set_interface_description (CoapUdp6Resource *self,
                                                   const char       *interface_description);

COAP_UDP6_AVAILABLE_IN_ALL
gint coap_udp6_resource_get_content_format (CoapUdp6Resource *self);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_resource_set_content_format (CoapUdp6Resource *self,
                                            gint              content_format);

COAP_UDP6_AVAILABLE_IN_ALL
const char *coap_udp6_resource_get_title (CoapUdp6Resource *self);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_resource_set_title (CoapUdp6Resource *self,
                                   const char       *title);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_resource_get_observable (CoapUdp6Resource *self);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_resource_set_observable (CoapUdp6Resource *self,
                                        gboolean          observable);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_resource_get_stream_uploads (CoapUdp6Resource *self);
COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_resource_set_stream_uploads (CoapUdp6Resource *self,
                                            gboolean          stream_uploads);

COAP_UDP6_AVAILABLE_IN_ALL
GBytes *coap_udp6_resource_get_etag (CoapUdp6Resource *self);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_resource_set_etag (CoapUdp6Resource *self,
                                  GBytes           *etag);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_resource_set_etag_data (CoapUdp6Resource *self,
                                       const guint8     *data,
                                       gsize             len);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_resource_changed (CoapUdp6Resource *self);

COAP_UDP6_AVAILABLE_IN_ALL
char *coap_udp6_resource_get_link_attributes (CoapUdp6Resource *self);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_resource_get_requires_peer_identity (CoapUdp6Resource *self);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_resource_set_requires_peer_identity (CoapUdp6Resource *self,
                                                    gboolean          requires);

G_END_DECLS
