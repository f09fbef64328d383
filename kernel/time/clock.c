// SPDX-License-Identifier: MIT
/* Monotonic clock from the TSC (nanoseconds since kernel entry) and the
 * wall clock (the RTC reading at boot plus monotonic time since). */
#include <arch/x86_64/cpu.h>
#include <kernel/time.h>

u64 boot_tsc;
static u64 tsc_hz;
/* ns = (tsc delta * mult) >> 32 computed in 128 bits; exact to < 1 ns/s. */
static u64 tsc_mult;
static u64 realtime_base_sec;
static u64 realtime_base_ns; /* monotonic time at which the RTC was read */

void clock_init_tsc(u64 hz)
{
    tsc_hz = hz;
    tsc_mult = (u64)(((unsigned __int128)NSEC_PER_SEC << 32) / hz);
}

u64 clock_tsc_hz(void)
{
    return tsc_hz;
}

u64 clock_monotonic_ns(void)
{
    if (!tsc_hz) {
        return 0;
    }
    u64 delta = rdtsc() - boot_tsc;
    return (u64)(((unsigned __int128)delta * tsc_mult) >> 32);
}

void clock_set_realtime(u64 epoch_sec)
{
    realtime_base_sec = epoch_sec;
    realtime_base_ns = clock_monotonic_ns();
}

void clock_realtime(u64 *sec, u32 *nsec)
{
    u64 since = clock_monotonic_ns() - realtime_base_ns;
    *sec = realtime_base_sec + since / NSEC_PER_SEC;
    *nsec = (u32)(since % NSEC_PER_SEC);
}

void udelay(u64 usec)
{
    u64 end = rdtsc() + usec * (tsc_hz / 1000000);
    while (rdtsc() < end) {
        cpu_relax();
    }
}
