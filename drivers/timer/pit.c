// SPDX-License-Identifier: MIT
/* 8254 PIT, used only to calibrate the TSC and the LAPIC timer: channel 2
 * counts down once with its gate on, and its output bit (port 0x61 bit 5)
 * rises when it reaches zero. */
#include <abi/errno.h>
#include <arch/x86_64/apic.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/io.h>
#include <drivers/timer.h>

#define PIT_HZ 1193182u
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61
#define PORT_B_GATE2 0x01
#define PORT_B_SPEAKER 0x02
#define PORT_B_OUT2 0x20

int pit_calibrate(u32 ms, struct timer_calibration *out)
{
    u32 count = PIT_HZ * ms / 1000;
    if (count == 0 || count > 0xffff) {
        return -EINVAL;
    }
    u64 flags = irq_save();
    u8 b = inb(PORT_B) & ~PORT_B_SPEAKER;
    outb(PORT_B, b & ~PORT_B_GATE2);
    outb(PIT_CMD, 0xb0); /* channel 2, lobyte/hibyte, mode 0 (terminal count) */
    outb(PIT_CH2, count & 0xff);
    outb(PIT_CH2, count >> 8);

    lapic_timer_start_oneshot_max();
    u32 apic0 = lapic_timer_current();
    u64 tsc0 = rdtsc();
    outb(PORT_B, b | PORT_B_GATE2); /* start counting */
    u64 spins = 0;
    while (!(inb(PORT_B) & PORT_B_OUT2)) {
        if (++spins > 100000000ull) {
            irq_restore(flags);
            return -EIO;
        }
    }
    u64 tsc1 = rdtsc();
    u32 apic1 = lapic_timer_current();
    outb(PORT_B, b & ~PORT_B_GATE2);
    irq_restore(flags);

    /* Scale by the exact PIT period rather than the rounded ms. */
    out->tsc_hz = (tsc1 - tsc0) * PIT_HZ / count;
    out->lapic_hz = (u64)(apic0 - apic1) * PIT_HZ / count;
    return 0;
}
