// SPDX-License-Identifier: MIT
#include <arch/x86_64/apic.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/trap.h>
#include <drivers/timer.h>
#include <kernel/calendar.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>

#define CALIBRATION_MS 4
#define CALIBRATION_WINDOWS 3

static u64 lapic_hz;
static volatile u64 ticks;

/* Calibration on an emulator whose thread may be held up (a busy host):
 * a delay between the PIT's end and our noticing it, or between two
 * counter reads, only ever makes a window look longer. So the TSC rate is
 * the smallest of a few PIT windows, and the LAPIC timer is measured
 * against the TSC from readings whose surrounding TSC reads are close
 * together (nothing held us up in between). */

/* A LAPIC timer reading and the TSC at that moment; false when the TSC
 * reads around it are more than 10 us apart. */
static bool lapic_read_bracketed(u64 tsc_hz, u64 *tsc, u32 *count)
{
    u64 before = rdtsc();
    u32 c = lapic_timer_current();
    u64 after = rdtsc();
    if (after - before > tsc_hz / 100000) {
        return false;
    }
    *tsc = before + (after - before) / 2;
    *count = c;
    return true;
}

/* The LAPIC timer's rate by the TSC over 2 ms; 0 if no undisturbed pair
 * of readings came in 50 tries. The timer runs one-shot from its maximum
 * count, so it does not reload meanwhile. */
static u64 lapic_hz_by_tsc(u64 tsc_hz)
{
    u64 flags = irq_save();
    u64 hz = 0;
    lapic_timer_start_oneshot_max();
    for (int tries = 0; tries < 50 && hz == 0; tries++) {
        u64 t0, t1;
        u32 c0, c1;
        if (!lapic_read_bracketed(tsc_hz, &t0, &c0)) {
            continue;
        }
        while (rdtsc() - t0 < tsc_hz / 500) {
        }
        if (lapic_read_bracketed(tsc_hz, &t1, &c1) && t1 > t0) {
            hz = (u64)(c0 - c1) * tsc_hz / (t1 - t0);
        }
    }
    irq_restore(flags);
    return hz;
}

void time_init(u8 rtc_century_reg)
{
    struct timer_calibration cal = {0, 0};
    for (int i = 0; i < CALIBRATION_WINDOWS; i++) {
        struct timer_calibration w;
        int r = pit_calibrate(CALIBRATION_MS, &w);
        if (r < 0 || w.tsc_hz == 0 || w.lapic_hz == 0) {
            panic("timer calibration failed (%d): the PIT did not count", r);
        }
        if (cal.tsc_hz == 0 || w.tsc_hz < cal.tsc_hz) {
            cal = w;
        }
    }
    clock_init_tsc(cal.tsc_hz);
    u64 by_tsc = lapic_hz_by_tsc(cal.tsc_hz);
    lapic_hz = by_tsc ? by_tsc : cal.lapic_hz;

    u64 epoch = rtc_read_epoch(rtc_century_reg);
    clock_set_realtime(epoch);
    struct civil_time t;
    epoch_to_civil((s64)epoch, &t);
    printk(LOG_INFO,
           "time: TSC %llu.%03llu MHz, LAPIC timer %llu kHz, RTC %04lld-%02u-%02u %02u:%02u:%02u "
           "UTC\n",
           (unsigned long long)(cal.tsc_hz / 1000000),
           (unsigned long long)(cal.tsc_hz / 1000 % 1000), (unsigned long long)(lapic_hz / 1000),
           (long long)t.year, t.month, t.day, t.hour, t.minute, t.second);
}

static void tick_irq(void *ctx)
{
    (void)ctx;
    ticks++;
    sched_tick();
}

void time_account_tick(bool user)
{
    struct process *p = current_process();
    if (p) {
        if (user) {
            p->utime_ns += NSEC_PER_SEC / SCHED_HZ;
        } else {
            p->stime_ns += NSEC_PER_SEC / SCHED_HZ;
        }
    }
}

void time_start_tick(void)
{
    irq_set_vector_handler(VEC_LAPIC_TIMER, tick_irq, NULL);
    lapic_timer_start_periodic((u32)(lapic_hz / SCHED_HZ), VEC_LAPIC_TIMER);
}

u64 time_ticks(void)
{
    return ticks;
}

u64 time_lapic_hz(void)
{
    return lapic_hz;
}
