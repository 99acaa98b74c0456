/* test-utils.h: helpers shared by the C tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <coap-udp6/coap-udp6.h>

G_BEGIN_DECLS

typedef gboolean (*TestConditionFunc) (gpointer user_data);

/* Iterates @context until @condition holds or @timeout_ms passes;
 * returns whether the condition held. No sleeps. */
gboolean test_iterate_until (GMainContext      *context,
                             TestConditionFunc  condition,
                             gpointer           user_data,
                             guint              timeout_ms);

/* Iterates @context until *@flag is TRUE or @timeout_ms passes. */
gboolean test_iterate_until_flag (GMainContext   *context,
                                  const gboolean *flag,
                                  guint           timeout_ms);

/* Iterates @context for @ms milliseconds of wall time. */
void test_iterate_for (GMainContext *context,
                       guint         ms);

/* Whether this host can bind an IPv6 socket on ::1. Probed once. */
/* A new GMainContext, pushed as the thread default, for a fixture. */
GMainContext *test_main_context_push (void);

/* Iterates @context for 10 ms, pops it and drops the reference. */
void test_main_context_pop (GMainContext *context);

/* A server context bound to `[::1]:0`; @address, when not NULL, receives
 * the address it listens on. */
CoapUdp6Context *test_loopback_server_new (GSocketAddress **address);

gboolean test_have_ipv6 (void);

/* The path of a file in the data/ directory of the source tree. */
char *test_data_path (const char *name);

/* Bytes from a hex string ("40 01 12 34", spaces ignored); NULL on error. */
GBytes *test_bytes_from_hex (const char *hex);

/* A lower-case hex string of @bytes, no spaces. */
char *test_hex_from_bytes (GBytes *bytes);

/* A non-blocking UDP socket bound to [::1]:0, for tests that play a peer
 * with raw bytes. */
GSocket *test_raw_socket_new (void);

/* Sends the datagram spelt by @hex from @socket to @to. */
void test_raw_send_hex (GSocket        *socket,
                        GSocketAddress *to,
                        const char     *hex);

/* Iterates @context until @socket has a datagram, and returns it as hex;
 * NULL when none arrives within @timeout_ms. */
char *test_raw_recv_hex (GMainContext *context,
                         GSocket      *socket,
                         guint         timeout_ms);

/* Iterates @context until @socket has a datagram and returns it decoded;
 * fails the test when none comes within @timeout_ms or it does not decode.
 * @from, when not NULL, receives the sender's address. */
CoapUdp6Message *test_raw_recv_message (GMainContext    *context,
                                        GSocket         *socket,
                                        guint            timeout_ms,
                                        GSocketAddress **from);

/* Encodes @message and sends it from @socket to @to. */
void test_raw_send_message (GSocket         *socket,
                            GSocketAddress  *to,
                            CoapUdp6Message *message);

/* A piggybacked answer (ACK, @code) to @request: its message ID and token. */
CoapUdp6Message *test_piggybacked_answer (CoapUdp6Message *request,
                                          guint            code);

/* An integer option's value, or -1 when @message has none. */
gint64 test_option_uint (CoapUdp6Message *message,
                         guint            number);

/* What test_request_cb() stores of a finished request. */
typedef struct {
        gboolean done;
        CoapUdp6Message *response;          /* owned, nullable */
        GError *error;                      /* owned, nullable */
} TestResult;

/* A callback for coap_udp6_context_request_async() whose user data is a
 * TestResult; free its response and error when done with them. */
void test_request_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data);

/* Starts a CON GET of @uri from @client whose outcome lands in @result
 * (cleared first) through test_request_cb(). */
void test_start_get (CoapUdp6Context *client,
                     const char      *uri,
                     GCancellable    *cancellable,
                     TestResult      *result);

/* Silences log output below warnings (for tests that feed bad input). */
void test_init (int *argc, char ***argv);

/* Until test_end_expect_warnings(), warnings whose message matches
 * @pattern are counted instead of aborting the test. */
void test_expect_warnings (const char *pattern);
guint test_end_expect_warnings (void);

G_END_DECLS
