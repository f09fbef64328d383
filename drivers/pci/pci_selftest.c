// SPDX-License-Identifier: MIT
/* Self-tests of PCI interrupt delivery on real (emulated) hardware. They
 * need a device that raises an interrupt on request without a driver:
 * Intel's e1000 family has ICS, a register that sets interrupt causes.
 * Boot with `-device e1000` (INTx) and `-device e1000e` (MSI-X); without
 * them the tests pass as skipped. Each checks that the handler runs once
 * per request and that a level-triggered line does not storm once the
 * handler has acknowledged the device (reading ICR clears it). */
#include <arch/x86_64/io.h>
#include <arch/x86_64/trap.h>
#include <drivers/pci.h>
#include <kernel/printk.h>
#include <kernel/selftest.h>
#include <kernel/wait.h>

#define E1000_ICR 0x00c0
#define E1000_ICS 0x00c8
#define E1000_IMS 0x00d0
#define E1000_IMC 0x00d8
#define E1000_IVAR 0x00e4
#define E1000_ICR_LSC (1u << 2)
#define E1000E_ICR_OTHER (1u << 24) /* the cause MSI-X "other" vector carries */
#define E1000E_IVAR_OTHER_VALID (0x8u << 16) /* "other" causes -> vector 0 */
#define TIMEOUT_NS 2000000000ull

struct irq_probe {
    volatile u8 *regs;
    u32 cause;
    bool exclusive; /* MSI-X: every call is ours */
    volatile u32 hits;
    volatile u32 last_icr;
    struct wait_queue wq;
};

static void probe_irq(void *ctx)
{
    struct irq_probe *p = ctx;
    u32 icr = mmio_read32(p->regs + E1000_ICR); /* acknowledges */
    if (p->exclusive) {
        /* With MSI-X the read does not clear ICR: writing ones does. */
        mmio_write32(p->regs + E1000_ICR, icr | p->cause);
    }
    if (icr || p->exclusive) {
        p->last_icr = icr;
        p->hits++;
        wake_up(&p->wq);
    }
}

static struct pci_dev *find_unclaimed(u16 vendor, u16 device)
{
    for (struct pci_dev *d = pci_next(NULL); d; d = pci_next(d)) {
        if (d->vendor == vendor && d->device == device && !d->driver) {
            return d;
        }
    }
    return NULL;
}

/* Raises p->cause twice; each must arrive exactly once. */
static int fire_twice(struct selftest_result *r, struct irq_probe *p)
{
    for (u32 round = 1; round <= 2; round++) {
        mmio_write32(p->regs + E1000_IMS, p->cause);
        mmio_write32(p->regs + E1000_ICS, p->cause);
        wait_event_timeout(p->wq, p->hits >= round, TIMEOUT_NS);
        ST_CHECK(p->hits >= round, "interrupt %u did not arrive (hits %u)", round, p->hits);
        ST_CHECK(p->exclusive || (p->last_icr & p->cause), "ICR %#x without the cause",
                 p->last_icr);
    }
    /* Give a storm (a level line left asserted) the chance to show. */
    wait_event_timeout(p->wq, p->hits > 2, TIMEOUT_NS / 20);
    ST_CHECK(p->hits == 2, "%u interrupts for 2 requests", p->hits);
    mmio_write32(p->regs + E1000_IMC, 0xffffffffu);
    return 0;
}

static struct irq_probe intx_probe;

SELFTEST(pci_intx)
{
    struct pci_dev *d = find_unclaimed(0x8086, 0x100e);
    if (!d) {
        printk(LOG_INFO, "selftest pci_intx: no e1000 (8086:100e), skipped\n");
        return 0;
    }
    ST_CHECK(pci_claim(d, "selftest") == 0, "claim");
    pci_enable_device(d);
    struct irq_probe *p = &intx_probe;
    wait_queue_init(&p->wq);
    p->cause = E1000_ICR_LSC;
    p->regs = pci_map_bar(d, 0);
    ST_CHECK(p->regs, "BAR0 not mapped");
    mmio_write32(p->regs + E1000_IMC, 0xffffffffu);
    (void)mmio_read32(p->regs + E1000_ICR);
    int err = pci_enable_intx(d, probe_irq, p, "e1000-test");
    ST_CHECK(err == 0, "pci_enable_intx: %d", err);
    u64 before = irq_vector_count(VEC_IRQ_BASE + d->intx_gsi);
    int res = fire_twice(r, p);
    if (res == 0) {
        u64 n = irq_vector_count(VEC_IRQ_BASE + d->intx_gsi) - before;
        ST_CHECK(n >= 2, "vector count went up by %llu", (unsigned long long)n);
    }
    return res;
}

static struct irq_probe msix_probe;

SELFTEST(pci_msix)
{
    struct pci_dev *d = find_unclaimed(0x8086, 0x10d3);
    if (!d) {
        printk(LOG_INFO, "selftest pci_msix: no e1000e (8086:10d3), skipped\n");
        return 0;
    }
    ST_CHECK(d->msix_cap && d->msix_table_size >= 1, "no MSI-X capability");
    ST_CHECK(pci_claim(d, "selftest") == 0, "claim");
    pci_enable_device(d);
    struct irq_probe *p = &msix_probe;
    wait_queue_init(&p->wq);
    p->cause = E1000E_ICR_OTHER;
    p->exclusive = true;
    p->regs = pci_map_bar(d, 0);
    ST_CHECK(p->regs, "BAR0 not mapped");
    mmio_write32(p->regs + E1000_IMC, 0xffffffffu);
    (void)mmio_read32(p->regs + E1000_ICR);
    mmio_write32(p->regs + E1000_IVAR, E1000E_IVAR_OTHER_VALID);
    void *ctx[1] = {p};
    int err = pci_enable_msix(d, 1, probe_irq, ctx, "e1000e-test");
    ST_CHECK(err == 0, "pci_enable_msix: %d", err);
    ST_CHECK(pci_read16(d, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE, "INTx left enabled");
    return fire_twice(r, p);
}
