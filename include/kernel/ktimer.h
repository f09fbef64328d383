/* SPDX-License-Identifier: MIT */
/* One-shot kernel timers on the monotonic clock (kernel/time/ktimer.c).
 * Expired timers run from the timer interrupt, with interrupts disabled;
 * their function must not sleep. Resolution is one scheduler tick. */
#ifndef KERNEL_KTIMER_H
#define KERNEL_KTIMER_H

#include <kernel/list.h>
#include <kernel/types.h>

struct ktimer;
typedef void (*ktimer_fn)(struct ktimer *t);

struct ktimer {
    u64 deadline_ns;
    ktimer_fn fn;
    struct list_head link;
    bool armed;
};

void ktimer_init(struct ktimer *t, ktimer_fn fn);
/* (Re)arms t to fire at deadline_ns (monotonic). */
void ktimer_arm(struct ktimer *t, u64 deadline_ns);
/* Returns true if t was armed (and now will not fire). */
bool ktimer_cancel(struct ktimer *t);
/* Runs the timers whose deadline has passed (timer interrupt). */
void ktimer_run_expired(void);

#endif
