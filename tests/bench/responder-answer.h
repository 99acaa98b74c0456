/* responder-answer.h: the answer of the benchmark responders
 *
 * Shared by stateless-responder.c (plain C) and glib-responder.c (the same
 * answers from a GMainLoop), so that the two differ only in their loop.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static const char payload[] = "Hello, world!";

/* Writes the answer to request into out; returns its length, 0 for none. */
static inline size_t
answer (const uint8_t *in,
        size_t         len,
        uint8_t       *out,
        uint16_t      *next_mid)
{
        unsigned type, tkl, code;
        size_t n;

        if (len < 4 || (in[0] >> 6) != 1)
                return 0;
        type = (in[0] >> 4) & 3;
        tkl = in[0] & 0x0f;
        code = in[1];
        if (type == 0 && code == 0 && len == 4) {
                out[0] = 0x70; /* RST to a CON ping */
                out[1] = 0;
                out[2] = in[2];
                out[3] = in[3];
                return 4;
        }
        if (type > 1 || code == 0 || (code >> 5) != 0 || tkl > 8 || len < 4 + tkl)
                return 0;
        out[0] = (uint8_t) (0x40 | (type == 0 ? 0x20 : 0x10) | tkl);
        out[1] = 0x45; /* 2.05 Content */
        if (type == 0) {
                out[2] = in[2];
                out[3] = in[3];
        } else {
                out[2] = (uint8_t) (*next_mid >> 8);
                out[3] = (uint8_t) *next_mid;
                (*next_mid)++;
        }
        memcpy (out + 4, in + 4, tkl);
        n = 4 + tkl;
        out[n++] = 0xc0; /* Content-Format (12), length 0: text/plain */
        out[n++] = 0xff;
        memcpy (out + n, payload, sizeof payload - 1);
        return n + sizeof payload - 1;
}

