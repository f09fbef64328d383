/* SPDX-License-Identifier: MIT */
/* Clocks (kernel/time/clock.c): a monotonic nanosecond clock from the TSC,
 * calibrated at boot, and the wall clock read from the CMOS RTC at boot. */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <kernel/types.h>

#define NSEC_PER_SEC 1000000000ull
#define NSEC_PER_MSEC 1000000ull
#define NSEC_PER_USEC 1000ull

/* Nanoseconds since kernel entry; 0 until the TSC is calibrated. */
u64 clock_monotonic_ns(void);
/* Seconds since the Unix epoch, and nanoseconds within the second. */
void clock_realtime(u64 *sec, u32 *nsec);
u64 clock_tsc_hz(void);

void clock_init_tsc(u64 tsc_hz);
void clock_set_realtime(u64 epoch_sec);
/* TSC value at kernel entry, for boot timing. */
extern u64 boot_tsc;

/* Busy-waits (for drivers during boot; never to wait for other threads). */
void udelay(u64 usec);

#endif
