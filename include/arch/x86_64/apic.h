/* SPDX-License-Identifier: MIT */
/* Local APIC and IOAPIC (arch/x86_64/apic.c, ioapic.c). */
#ifndef ARCH_X86_64_APIC_H
#define ARCH_X86_64_APIC_H

#include <kernel/types.h>

void pic_disable(void);
void lapic_init(phys_addr_t base);
void lapic_eoi(void);
u32 lapic_id(void);
/* Counts LAPIC timer ticks (divide by 16) over a window of tsc_ticks TSC
 * cycles, measured by the caller; see timer calibration in kernel/time. */
void lapic_timer_start_oneshot_max(void);
u32 lapic_timer_current(void);
void lapic_timer_start_periodic(u32 initial_count, u8 vector);

#define IOAPIC_ACTIVE_LOW (1u << 13)
#define IOAPIC_LEVEL (1u << 15)

int ioapic_init(void);
/* Routes GSI gsi to vector (flags: IOAPIC_ACTIVE_LOW, IOAPIC_LEVEL) on this CPU. */
int ioapic_route(u32 gsi, u8 vector, u32 flags);
void ioapic_mask(u32 gsi, bool masked);

#endif
