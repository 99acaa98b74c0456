/* fuzz-common.h: shared set-up for the libFuzzer targets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <coap-udp6/coap-udp6.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static GLogWriterOutput
fuzz_quiet_writer (GLogLevelFlags   level,
                   const GLogField *fields,
                   gsize            n_fields,
                   gpointer         user_data)
{
        if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL |
                     G_LOG_LEVEL_WARNING))
                return g_log_writer_default (level, fields, n_fields, user_data);
        return G_LOG_WRITER_HANDLED;
}

/* A critical or warning (a g_return_if_fail that fires) is a finding. */
int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
        g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL |
                                G_LOG_LEVEL_WARNING);
        g_log_set_writer_func (fuzz_quiet_writer, NULL, NULL);
        return 0;
}
