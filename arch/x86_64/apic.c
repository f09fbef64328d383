// SPDX-License-Identifier: MIT
/* Local APIC (xAPIC, memory mapped) and the legacy 8259 PICs, which are
 * remapped away from the exception vectors and masked. */
#include <arch/x86_64/apic.h>
#include <arch/x86_64/io.h>
#include <arch/x86_64/paging.h>
#include <arch/x86_64/trap.h>
#include <kernel/printk.h>

#define LAPIC_ID 0x020
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_ESR 0x280
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0

#define SVR_ENABLE 0x100
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define TIMER_DIV_16 0x3

static volatile u8 *lapic;

static u32 lapic_read(u32 reg)
{
    return mmio_read32(lapic + reg);
}

static void lapic_write(u32 reg, u32 v)
{
    mmio_write32(lapic + reg, v);
}

void pic_disable(void)
{
    /* Remap to 0x20-0x2f so a stray legacy interrupt cannot look like an
     * exception, then mask everything. */
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, 0x20);
    outb(0xa1, 0x28);
    outb(0x21, 4);
    outb(0xa1, 2);
    outb(0x21, 1);
    outb(0xa1, 1);
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

static void lapic_error_irq(void *ctx)
{
    (void)ctx;
    lapic_write(LAPIC_ESR, 0);
    pr_warn("lapic: error status %#x\n", lapic_read(LAPIC_ESR));
}

void lapic_init(phys_addr_t base)
{
    lapic = vm_map_mmio(base, PAGE_SIZE);
    if (!lapic) {
        panic("cannot map the local APIC at %#llx", (unsigned long long)base);
    }
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    lapic_write(LAPIC_LVT_ERROR, VEC_LAPIC_ERROR);
    irq_set_vector_handler(VEC_LAPIC_ERROR, lapic_error_irq, NULL);
    lapic_write(LAPIC_ESR, 0);
    lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
    lapic_eoi();
    printk(LOG_INFO, "lapic: id %u at %#llx\n", lapic_id(), (unsigned long long)base);
}

void lapic_eoi(void)
{
    if (lapic) {
        lapic_write(LAPIC_EOI, 0);
    }
}

u32 lapic_id(void)
{
    return lapic_read(LAPIC_ID) >> 24;
}

void lapic_timer_start_oneshot_max(void)
{
    lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
}

u32 lapic_timer_current(void)
{
    return lapic_read(LAPIC_TIMER_CUR);
}

void lapic_timer_start_periodic(u32 initial_count, u8 vector)
{
    lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
    lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | vector);
    lapic_write(LAPIC_TIMER_INIT, initial_count);
}
