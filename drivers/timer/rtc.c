// SPDX-License-Identifier: MIT
/* CMOS real-time clock, read once at boot for the wall clock. */
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/io.h>
#include <drivers/timer.h>
#include <kernel/calendar.h>

#define CMOS_ADDR 0x70
#define CMOS_DATA 0x71
#define NMI_DISABLE 0x80
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define STATUS_A_UPDATING 0x80
#define STATUS_B_24H 0x02
#define STATUS_B_BINARY 0x04

static u8 cmos_read(u8 reg)
{
    outb(CMOS_ADDR, NMI_DISABLE | reg);
    return inb(CMOS_DATA);
}

static u8 bcd(u8 v, bool binary)
{
    return binary ? v : (u8)((v & 0x0f) + (v >> 4) * 10);
}

struct rtc_regs {
    u8 sec, min, hour, day, mon, year, century;
};

static void rtc_snapshot(struct rtc_regs *r, u8 century_reg)
{
    while (cmos_read(RTC_STATUS_A) & STATUS_A_UPDATING) {
        cpu_relax();
    }
    r->sec = cmos_read(0x00);
    r->min = cmos_read(0x02);
    r->hour = cmos_read(0x04);
    r->day = cmos_read(0x07);
    r->mon = cmos_read(0x08);
    r->year = cmos_read(0x09);
    r->century = century_reg ? cmos_read(century_reg) : 0;
}

u64 rtc_read_epoch(u8 century_reg)
{
    struct rtc_regs a, b;
    u64 flags = irq_save();
    /* Read until two snapshots agree, so no update happened in between. */
    rtc_snapshot(&a, century_reg);
    for (int tries = 0; tries < 10; tries++) {
        rtc_snapshot(&b, century_reg);
        if (a.sec == b.sec && a.min == b.min && a.hour == b.hour && a.day == b.day &&
            a.mon == b.mon && a.year == b.year && a.century == b.century) {
            break;
        }
        a = b;
    }
    u8 status_b = cmos_read(RTC_STATUS_B);
    outb(CMOS_ADDR, 0); /* NMIs back on */
    irq_restore(flags);

    bool binary = status_b & STATUS_B_BINARY;
    bool pm = !(status_b & STATUS_B_24H) && (b.hour & 0x80);
    struct civil_time t;
    t.second = bcd(b.sec, binary);
    t.minute = bcd(b.min, binary);
    t.hour = bcd(b.hour & 0x7f, binary);
    if (!(status_b & STATUS_B_24H)) {
        t.hour = t.hour % 12 + (pm ? 12 : 0);
    }
    t.day = bcd(b.day, binary);
    t.month = bcd(b.mon, binary);
    u32 century = century_reg ? bcd(b.century, binary) : 0;
    if (century < 19 || century > 99) {
        century = 20; /* no century register: assume 2000-2099 */
    }
    t.year = century * 100 + bcd(b.year, binary);
    s64 epoch;
    if (civil_to_epoch(&t, &epoch) < 0 || epoch < 0) {
        return 0;
    }
    return (u64)epoch;
}
