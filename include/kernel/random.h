/* SPDX-License-Identifier: MIT */
/* Kernel random numbers (kernel/lib/random.c): a ChaCha20 generator with
 * fast key erasure (the key is replaced after every request), seeded from
 * RDSEED/RDRAND when present and from TSC and wall-clock timing. Used by
 * /dev/random, /dev/urandom, getrandom(2) and exec's AT_RANDOM. */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include <kernel/types.h>

void get_random_bytes(void *buf, size_t len);
u64 get_random_u64(void);
/* Mixes bytes (e.g. written to /dev/random, or interrupt timings) into
 * the key. */
void random_add_entropy(const void *buf, size_t len);

#endif
