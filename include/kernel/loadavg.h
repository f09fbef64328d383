/* SPDX-License-Identifier: MIT */
/* Load averages (kernel/sched/loadavg.c). Every LOADAVG_PERIOD_S seconds the
 * scheduler samples the number of runnable threads n, and each of three
 * averages, over 1, 5 and 15 minutes, moves toward it:
 *
 *     avg' = avg * e + n * (1 - e),   e = exp(-LOADAVG_PERIOD_S / window)
 *
 * An average is a u64 with LOADAVG_FRAC_BITS fraction bits, rounded to
 * nearest at every step. Readers get it rounded to LOADAVG_FSHIFT fraction
 * bits, the scale of sysinfo(2)'s loads[]; /proc/loadavg shows that rounded
 * to hundredths. tests/test_loadavg.c checks the steps, the constants and
 * the closed form n * (1 - exp(-t / window)). Portable (host-tested). */
#ifndef KERNEL_LOADAVG_H
#define KERNEL_LOADAVG_H

#include <kernel/types.h>

#define LOADAVG_PERIOD_S 5

#define LOADAVG_FRAC_BITS 32
#define LOADAVG_ONE (1ull << LOADAVG_FRAC_BITS)

/* e for the three windows as LOADAVG_FRAC_BITS fractions, i.e.
 * round(exp(-5.0 / window) * 2^32) for windows of 60, 300 and 900 s. */
#define LOADAVG_DECAY_1 3951560672u
#define LOADAVG_DECAY_5 4223977731u
#define LOADAVG_DECAY_15 4271172524u

/* Fraction bits of the values readers get: sysinfo(2)'s SI_LOAD_SHIFT. */
#define LOADAVG_FSHIFT 16
#define LOADAVG_FIXED_1 (1ul << LOADAVG_FSHIFT)

/* Folds one sample of n runnable threads into avg[3] (1, 5, 15 minutes). */
void loadavg_fold(u64 avg[3], unsigned n);

/* One average rounded to LOADAVG_FSHIFT fraction bits. */
unsigned long loadavg_export(u64 avg);

/* "I.FF" for an exported average, rounded to hundredths (/proc/loadavg). */
void loadavg_split(unsigned long avg, unsigned *whole, unsigned *hundredths);

/* The kernel's averages, exported (LOADAVG_FSHIFT fraction bits). */
void loadavg_get(unsigned long avg[3]);

/* Called by the scheduler tick with the runnable count every period. */
void loadavg_sample(unsigned n);

#endif
