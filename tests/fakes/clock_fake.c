// SPDX-License-Identifier: MIT
/* Host fake of the clocks (see vfs_fakes.h). */
#include <kernel/time.h>

#include "fakes/vfs_fakes.h"

u64 fake_clock_sec = 1700000000;
u32 fake_clock_nsec;

void clock_realtime(u64 *sec, u32 *nsec)
{
    if (++fake_clock_nsec >= NSEC_PER_SEC) {
        fake_clock_nsec = 0;
        fake_clock_sec++;
    }
    *sec = fake_clock_sec;
    *nsec = fake_clock_nsec;
}

u64 clock_monotonic_ns(void)
{
    return fake_clock_sec * NSEC_PER_SEC + fake_clock_nsec;
}
