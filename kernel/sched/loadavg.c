// SPDX-License-Identifier: MIT
/* Load averages: three exponential moving averages of the runnable count in
 * 32.32 fixed point (see include/kernel/loadavg.h). */
#include <kernel/loadavg.h>

#define FRAC_MASK (LOADAVG_ONE - 1)
#define FRAC_HALF (LOADAVG_ONE >> 1)

static const u32 decay[3] = {LOADAVG_DECAY_1, LOADAVG_DECAY_5, LOADAVG_DECAY_15};

/* Written only by the tick; see loadavg_sample. */
static u64 kernel_avg[3];

/* x * f / 2^32 rounded to nearest (halves up), f a 32-bit fraction. The
 * 96-bit product is taken in two halves: the high one is exact, so only
 * the low one needs rounding, and neither overflows 64 bits. */
static u64 mul_frac(u64 x, u32 f)
{
    u64 high = (x >> LOADAVG_FRAC_BITS) * f;
    u64 low = ((x & FRAC_MASK) * f + FRAC_HALF) >> LOADAVG_FRAC_BITS;

    return high + low;
}

void loadavg_fold(u64 avg[3], unsigned n)
{
    for (int i = 0; i < 3; i++) {
        /* n * (1 - e) is exact in 32.32, so the sum is rounded once. */
        u64 pull = (u64)n * (LOADAVG_ONE - decay[i]);

        avg[i] = mul_frac(avg[i], decay[i]) + pull;
    }
}

unsigned long loadavg_export(u64 avg)
{
    const unsigned drop = LOADAVG_FRAC_BITS - LOADAVG_FSHIFT;

    return (unsigned long)((avg + (1ull << (drop - 1))) >> drop);
}

void loadavg_split(unsigned long avg, unsigned *whole, unsigned *hundredths)
{
    unsigned long total = (avg * 100 + LOADAVG_FIXED_1 / 2) >> LOADAVG_FSHIFT;

    *whole = (unsigned)(total / 100);
    *hundredths = (unsigned)(total % 100);
}

/* Called from the tick with interrupts off, the only writer. Each word is
 * stored whole, but a reader may see a mix of two consecutive samples. */
void loadavg_sample(unsigned n)
{
    u64 next[3];

    for (int i = 0; i < 3; i++) {
        next[i] = kernel_avg[i];
    }
    loadavg_fold(next, n);
    for (int i = 0; i < 3; i++) {
        __atomic_store_n(&kernel_avg[i], next[i], __ATOMIC_RELAXED);
    }
}

void loadavg_get(unsigned long avg[3])
{
    for (int i = 0; i < 3; i++) {
        avg[i] = loadavg_export(__atomic_load_n(&kernel_avg[i], __ATOMIC_RELAXED));
    }
}
