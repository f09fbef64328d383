// SPDX-License-Identifier: MIT
#include <arch/x86_64/apic.h>
#include <arch/x86_64/trap.h>
#include <drivers/timer.h>
#include <kernel/calendar.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>

#define CALIBRATION_MS 10

static u64 lapic_hz;
static volatile u64 ticks;

void time_init(u8 rtc_century_reg)
{
    struct timer_calibration cal;
    int r = pit_calibrate(CALIBRATION_MS, &cal);
    if (r < 0 || cal.tsc_hz == 0 || cal.lapic_hz == 0) {
        panic("timer calibration failed (%d): the PIT did not count", r);
    }
    clock_init_tsc(cal.tsc_hz);
    lapic_hz = cal.lapic_hz;

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
