/* SPDX-License-Identifier: MIT */
/* Boot-time timer hardware (drivers/timer/). */
#ifndef DRIVERS_TIMER_H
#define DRIVERS_TIMER_H

#include <kernel/types.h>

struct timer_calibration {
    u64 tsc_hz;
    u64 lapic_hz; /* LAPIC timer ticks per second with divide-by-16 */
};

/* Measures the TSC and LAPIC timer against PIT channel 2 over ms
 * milliseconds. Returns 0, or -EIO if the PIT never counted down. */
int pit_calibrate(u32 ms, struct timer_calibration *out);

/* Reads the CMOS RTC (UTC assumed, as on Linux with a UTC hardware clock);
 * century_reg is the FADT's century register, 0 if none. Returns seconds
 * since the Unix epoch, or 0 if the RTC gives nonsense. */
u64 rtc_read_epoch(u8 century_reg);

#endif
