/* test-message-vectors.h: runs every case of data/message-vectors.keyfile
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <string.h>

/* Returns the number of vectors checked; asserts on any mismatch. */
guint test_message_run_vectors (void);
