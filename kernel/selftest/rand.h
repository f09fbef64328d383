/* SPDX-License-Identifier: MIT */
/* A small deterministic PRNG for self-tests (xorshift64*). */
#ifndef KERNEL_SELFTEST_RAND_H
#define KERNEL_SELFTEST_RAND_H

#include <kernel/types.h>

static inline u64 st_rand(u64 *state)
{
    u64 x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545f4914f6cdd1dull;
}

#endif
