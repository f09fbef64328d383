/* SPDX-License-Identifier: MIT */
/* Timer bring-up and the scheduler tick (kernel/time/timekeeping.c). */
#ifndef KERNEL_TIMEKEEPING_H
#define KERNEL_TIMEKEEPING_H

#include <kernel/types.h>

/* Calibrates the TSC and LAPIC timer, reads the RTC. */
void time_init(u8 rtc_century_reg);
/* Starts the periodic scheduler tick (after sched_init). */
void time_start_tick(void);
u64 time_ticks(void);
u64 time_lapic_hz(void);
/* Charges one tick to the current process (user or system time). */
void time_account_tick(bool user);

#endif
