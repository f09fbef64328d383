/* SPDX-License-Identifier: MIT */
/* Load averages (kernel/sched/loadavg.c), computed as Linux does: every
 * LOADAVG_PERIOD_TICKS the number of runnable threads n is folded into three
 * exponentially decaying averages (1, 5 and 15 minutes) in fixed point with
 * LOADAVG_FSHIFT fraction bits: avg = avg * e + n * (1 - e), e = exp(-5 s /
 * period). The arithmetic is portable (host-tested). */
#ifndef KERNEL_LOADAVG_H
#define KERNEL_LOADAVG_H

#include <kernel/types.h>

#define LOADAVG_FSHIFT 11
#define LOADAVG_FIXED_1 (1ul << LOADAVG_FSHIFT)
#define LOADAVG_PERIOD_S 5

/* Folds one sample of n runnable threads into avg[3]. */
void loadavg_fold(unsigned long avg[3], unsigned n);

/* "I.FF" for one average, rounded to hundredths as /proc/loadavg shows. */
void loadavg_split(unsigned long avg, unsigned *whole, unsigned *hundredths);

/* The kernel's averages (a consistent copy). */
void loadavg_get(unsigned long avg[3]);

/* Called by the scheduler tick with the runnable count every period. */
void loadavg_sample(unsigned n);

#endif
