// SPDX-License-Identifier: MIT
/* Load averages: Linux's fixed-point exponential decay (see
 * include/kernel/loadavg.h). */
#include <kernel/loadavg.h>

/* exp(-5/60), exp(-5/300), exp(-5/900) in LOADAVG_FSHIFT fixed point. */
static const unsigned long decay[3] = {1884, 2014, 2037};

static unsigned long avenrun[3];

void loadavg_fold(unsigned long avg[3], unsigned n)
{
    unsigned long active = (unsigned long)n * LOADAVG_FIXED_1;
    for (int i = 0; i < 3; i++) {
        unsigned long v = avg[i] * decay[i] + active * (LOADAVG_FIXED_1 - decay[i]);
        /* Round up while rising so a steady load converges to n exactly. */
        if (active >= avg[i]) {
            v += LOADAVG_FIXED_1 - 1;
        }
        avg[i] = v / LOADAVG_FIXED_1;
    }
}

void loadavg_split(unsigned long avg, unsigned *whole, unsigned *hundredths)
{
    avg += LOADAVG_FIXED_1 / 200; /* round to the nearest hundredth */
    *whole = (unsigned)(avg >> LOADAVG_FSHIFT);
    *hundredths = (unsigned)(((avg & (LOADAVG_FIXED_1 - 1)) * 100) >> LOADAVG_FSHIFT);
}

/* Written only from the tick (interrupts off); readers copy three words
 * and may see a mix of two consecutive samples, as on Linux. */
void loadavg_sample(unsigned n)
{
    loadavg_fold(avenrun, n);
}

void loadavg_get(unsigned long avg[3])
{
    for (int i = 0; i < 3; i++) {
        avg[i] = __atomic_load_n(&avenrun[i], __ATOMIC_RELAXED);
    }
}
