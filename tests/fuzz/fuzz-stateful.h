/* fuzz-stateful.h: what the stateful fuzz targets (fuzz-context,
 * fuzz-blockwise) share: reading the input, the process set-up, sink
 * sockets on [::1] and feeding a datagram to a context
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <coap-udp6/coap-udp6.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* The fuzzer's bytes, read front to back; past the end they read as 0. */
typedef struct {
        const guint8 *data;
        gsize size;
        gsize pos;
} FuzzInput;

guint8 fuzz_take (FuzzInput *in);
guint fuzz_take16 (FuzzInput *in);
GBytes *fuzz_take_bytes (FuzzInput *in,
                         gsize      n);

/* The last datagram fed and from which remote, for replays. */
typedef struct {
        GBytes *datagram;
        guint remote;
} FuzzLastFed;

GMainContext *fuzz_stateful_initialize (char **argv);
int fuzz_open_sink (guint16 *port);
void fuzz_feed (CoapUdp6Context         *ctx,
                CoapUdp6EndpointAddress *remote,
                GBytes                  *datagram);
void fuzz_last_fed_set (FuzzLastFed *last,
                        GBytes      *datagram,
                        guint        remote);
