/* SPDX-License-Identifier: MIT */
/* Civil date conversion (kernel/time/calendar.c), proleptic Gregorian, UTC. */
#ifndef KERNEL_CALENDAR_H
#define KERNEL_CALENDAR_H

#include <kernel/types.h>

struct civil_time {
    s64 year;
    u32 month; /* 1-12 */
    u32 day; /* 1-31 */
    u32 hour, minute, second;
};

/* Seconds since 1970-01-01T00:00:00Z in *epoch; -EINVAL if a field is out
 * of range. */
int civil_to_epoch(const struct civil_time *t, s64 *epoch);
void epoch_to_civil(s64 epoch, struct civil_time *t);

#endif
