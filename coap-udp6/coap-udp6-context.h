/* coap-udp6-context.h: the RFC 7252 message layer, client and server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__COAP_UDP6_H_INSIDE__) && !defined(COAP_UDP6_COMPILATION)
#error "Only <coap-udp6/coap-udp6.h> can be included directly."
#endif

#include <coap-udp6/coap-udp6-types.h>
#include <coap-udp6/coap-udp6-credentials.h>
#include <coap-udp6/coap-udp6-message.h>
#include <coap-udp6/coap-udp6-resource.h>
#include <coap-udp6/coap-udp6-message-manager.h>
#include <coap-udp6/coap-udp6-statistic.h>

G_BEGIN_DECLS

#define COAP_UDP6_TYPE_CONTEXT (coap_udp6_context_get_type ())

COAP_UDP6_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CoapUdp6Context, coap_udp6_context, COAP_UDP6, CONTEXT, GObject)

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Context *coap_udp6_context_new (void);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Context *coap_udp6_context_new_client (GError **error);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Context *coap_udp6_context_new_server (const char *const *binds,
                                               const char *const *multicast_interfaces,
                                               GError           **error);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_context_new_server_async (const char *const  *binds,
                                         const char *const  *multicast_interfaces,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Context *coap_udp6_context_new_server_finish (GAsyncResult *result,
                                                      GError      **error);

COAP_UDP6_AVAILABLE_IN_ALL
guint coap_udp6_context_get_local_port (CoapUdp6Context *self);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_context_request_async (CoapUdp6Context    *self,
                                      CoapUdp6Message    *request,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Message *coap_udp6_context_request_finish (CoapUdp6Context *self,
                                                   GAsyncResult    *result,
                                                   GError         **error);

/**
 * CoapUdp6TransferProgress:
 * @bytes_done: body bytes transferred so far in this direction
 * @bytes_total: the body's size when known (the size given for an upload,
 *   Size2 for a download), else -1
 * @upload: %TRUE for the request body, %FALSE for the response body
 * @user_data: (closure): data given with the callback
 *
 * Reports the progress of [method@Context.request_stream_async] after
 * each block, for a progress bar.
 *
 * Since: 1.0
 */
typedef void (*CoapUdp6TransferProgress) (guint64  bytes_done,
                                          gint64   bytes_total,
                                          gboolean upload,
                                          gpointer user_data);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_context_request_stream_async (CoapUdp6Context         *self,
                                             CoapUdp6Message         *request,
                                             GInputStream            *body,
                                             gint64                   body_size,
                                             GOutputStream           *sink,
                                             CoapUdp6TransferProgress progress,
                                             gpointer                 progress_data,
                                             GDestroyNotify           progress_destroy,
                                             GCancellable            *cancellable,
                                             GAsyncReadyCallback      callback,
                                             gpointer                 user_data);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Message *coap_udp6_context_request_stream_finish (CoapUdp6Context *self,
                                                          GAsyncResult    *result,
                                                          GError         **error);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_context_request_multicast_async (CoapUdp6Context    *self,
                                                CoapUdp6Message    *request,
                                                guint               timeout_ms,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);

COAP_UDP6_AVAILABLE_IN_ALL
GPtrArray *coap_udp6_context_request_multicast_finish (CoapUdp6Context *self,
                                                       GAsyncResult    *result,
                                                       GError         **error);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_context_add_resource (CoapUdp6Context  *self,
                                     const char       *path,
                                     CoapUdp6Resource *resource);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_context_remove_resource (CoapUdp6Context *self,
                                            const char      *path);

COAP_UDP6_AVAILABLE_IN_ALL
char *coap_udp6_context_get_link_format (CoapUdp6Context *self,
                                         const char      *rt_filter);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_context_shutdown_async (CoapUdp6Context    *self,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_context_shutdown_finish (CoapUdp6Context *self,
                                            GAsyncResult    *result,
                                            GError         **error);

COAP_UDP6_AVAILABLE_IN_ALL
gdouble coap_udp6_context_get_ack_timeout (CoapUdp6Context *self);

COAP_UDP6_AVAILABLE_IN_ALL
gdouble coap_udp6_context_get_exchange_lifetime (CoapUdp6Context *self);

COAP_UDP6_AVAILABLE_IN_ALL
guint coap_udp6_context_get_max_retransmit (CoapUdp6Context *self);

/**
 * CoapUdp6MessageWatch:
 * @context: the context
 * @message: the message; its remote is the peer it came from or goes to.
 *   Do not change it.
 * @sent: %TRUE for a message the context sends, %FALSE for one it received
 * @user_data: (closure): the data given to
 *   [method@Context.add_message_watch]
 *
 * Is told of one message, as [method@Context.add_message_watch] says.
 *
 * Since: 1.0
 */
typedef void (*CoapUdp6MessageWatch) (CoapUdp6Context *context,
                                      CoapUdp6Message *message,
                                      gboolean         sent,
                                      gpointer         user_data);

COAP_UDP6_AVAILABLE_IN_ALL
guint coap_udp6_context_add_message_watch (CoapUdp6Context     *self,
                                           CoapUdp6MessageWatch watch,
                                           gpointer             user_data,
                                           GDestroyNotify       destroy);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_context_remove_message_watch (CoapUdp6Context *self,
                                             guint            watch_id);

COAP_UDP6_AVAILABLE_IN_ALL
guint64 coap_udp6_context_get_statistic (CoapUdp6Context  *self,
                                         CoapUdp6Statistic statistic);

COAP_UDP6_AVAILABLE_IN_ALL
CoapUdp6Credentials *coap_udp6_context_get_credentials (CoapUdp6Context *self);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_context_set_credentials (CoapUdp6Context     *self,
                                        CoapUdp6Credentials *credentials);

COAP_UDP6_AVAILABLE_IN_ALL
void coap_udp6_context_freeze_clock (CoapUdp6Context *self);

COAP_UDP6_AVAILABLE_IN_ALL
guint coap_udp6_context_advance_clock (CoapUdp6Context *self,
                                       gdouble          seconds);

COAP_UDP6_AVAILABLE_IN_ALL
guint coap_udp6_context_run_due_timers (CoapUdp6Context *self);

G_END_DECLS
