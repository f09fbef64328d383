// SPDX-License-Identifier: MIT
/* arch/x86_64/irq.c (shared IOAPIC lines, the vector allocator,
 * /proc/interrupts) and drivers/pci/pci_irq.c (MSI-X table programming,
 * INTx routing) with the IOAPIC, vector table and LAPIC faked. */
#include <abi/errno.h>
#include <arch/x86_64/acpi.h>
#include <arch/x86_64/apic.h>
#include <arch/x86_64/trap.h>
#include <drivers/pci.h>
#include <fs/pseudo.h>
#include <kernel/kmalloc.h>

#include <stdlib.h>
#include <string.h>

#include "fakes/pci_sim.h"
#include "harness.h"

HARNESS("test_pci_irq");

struct acpi_info acpi_info;

/* ---- fakes of the hardware side ---- */

static struct {
    irq_handler_fn fn;
    void *ctx;
} vectors[256];
static u64 counts[256];
static struct {
    u8 vector;
    u32 flags;
    bool routed, masked;
} gsis[24];

void irq_set_vector_handler(u8 vector, irq_handler_fn fn, void *ctx)
{
    vectors[vector].fn = fn;
    vectors[vector].ctx = ctx;
}

u64 irq_vector_count(u8 vector)
{
    return counts[vector];
}

int ioapic_route(u32 gsi, u8 vector, u32 flags)
{
    if (gsi >= 24) {
        return -ENODEV;
    }
    gsis[gsi].vector = vector;
    gsis[gsi].flags = flags;
    gsis[gsi].routed = true;
    gsis[gsi].masked = false;
    return 0;
}

void ioapic_mask(u32 gsi, bool masked)
{
    gsis[gsi].masked = masked;
}

u32 lapic_id(void)
{
    return 3;
}

/* Interrupt delivery as traps.c does it. */
static void deliver(u8 vector)
{
    counts[vector]++;
    if (vectors[vector].fn) {
        vectors[vector].fn(vectors[vector].ctx);
    }
}

static u8 msix_bar[8192] __attribute__((aligned(16)));

void *pci_map_bar(struct pci_dev *d, unsigned bar)
{
    (void)d;
    return bar == 1 ? msix_bar : NULL;
}

/* ---- handlers ---- */

static char calls[64];

static void record(void *ctx)
{
    size_t n = strlen(calls);
    if (n + 1 < sizeof(calls)) {
        calls[n] = *(const char *)ctx;
        calls[n + 1] = '\0';
    }
}

static void reset(void)
{
    memset(vectors, 0, sizeof(vectors));
    memset(counts, 0, sizeof(counts));
    memset(gsis, 0, sizeof(gsis));
    calls[0] = '\0';
}

static void shared_line(void)
{
    reset();
    CHECK_EQ(irq_register_gsi_shared(11, IOAPIC_LEVEL | IOAPIC_ACTIVE_LOW, record, "a", "dev-a"),
             0);
    CHECK(gsis[11].routed);
    CHECK_EQ(gsis[11].vector, VEC_IRQ_BASE + 11);
    CHECK_EQ(gsis[11].flags, IOAPIC_LEVEL | IOAPIC_ACTIVE_LOW);
    CHECK_EQ(irq_register_gsi_shared(11, IOAPIC_LEVEL | IOAPIC_ACTIVE_LOW, record, "b", "dev-b"),
             0);
    /* Same line, other trigger mode: refused. */
    CHECK_EQ(irq_register_gsi_shared(11, 0, record, "c", "dev-c"), -EBUSY);
    CHECK_EQ(irq_register_gsi_shared(24, IOAPIC_LEVEL, record, "c", "dev-c"), -ENOSPC);
    deliver(VEC_IRQ_BASE + 11);
    deliver(VEC_IRQ_BASE + 11);
    CHECK(strcmp(calls, "abab") == 0);

    irq_unregister_gsi_shared(11, record, "a");
    calls[0] = '\0';
    deliver(VEC_IRQ_BASE + 11);
    CHECK(strcmp(calls, "b") == 0);
    CHECK(!gsis[11].masked);
    irq_unregister_gsi_shared(11, record, "b");
    CHECK(gsis[11].masked);
    CHECK(vectors[VEC_IRQ_BASE + 11].fn == NULL);
    CHECK_EQ(sim_live_allocs, 0);
}

static void isa_line_not_shared(void)
{
    reset();
    memset(&acpi_info, 0, sizeof(acpi_info));
    acpi_info.nisos = 1;
    acpi_info.isos[0] = (struct acpi_iso){0, 0, 2, 0};
    CHECK_EQ(irq_register_isa(4, record, "s", "serial"), 0);
    CHECK_EQ(gsis[4].vector, VEC_IRQ_BASE + 4);
    CHECK_EQ(gsis[4].flags, 0); /* ISA default: edge, active high */
    CHECK_EQ(irq_register_gsi_shared(4, IOAPIC_LEVEL, record, "x", "x"), -EBUSY);
    CHECK_EQ(irq_register_isa(0, record, "t", "timer"), 0); /* through the override */
    CHECK(gsis[2].routed);
    deliver(VEC_IRQ_BASE + 4);
    CHECK(strcmp(calls, "s") == 0);
}

static void vector_allocator(void)
{
    reset();
    int got[VEC_DYN_LAST - VEC_DYN_FIRST + 1];
    unsigned n = 0;
    for (;;) {
        int v = irq_alloc_vector(record, "v", "v");
        if (v < 0) {
            CHECK_EQ(v, -ENOSPC);
            break;
        }
        CHECK(v >= VEC_DYN_FIRST && v <= VEC_DYN_LAST);
        CHECK(n < sizeof(got) / sizeof(got[0]));
        for (unsigned i = 0; i < n; i++) {
            CHECK(got[i] != v);
        }
        got[n++] = v;
    }
    CHECK_EQ(n, VEC_DYN_LAST - VEC_DYN_FIRST + 1);
    irq_free_vector(got[7]);
    CHECK(vectors[got[7]].fn == NULL);
    CHECK_EQ(irq_alloc_vector(record, "w", "w"), got[7]);
    for (unsigned i = 0; i < n; i++) {
        irq_free_vector(got[i]);
    }
    irq_free_vector(0x30); /* not a dynamic vector: ignored */
}

/* 00:02.0 with MSI-X: 4 entries, table in BAR1 at 0x800. */
static struct pci_dev *msix_device(struct list_head *devs)
{
    sim_reset();
    struct sim_fn *f = sim_add(0, 2, 0, 0x1af4, 0x1041, 0x020000, 0);
    sim_bar(f, 1, SIM_MEM32, false, 0xfebd1000, 8192);
    sim_cap(f, 0x40, PCI_CAP_ID_MSIX, 0);
    sim_write16(f, 0x42, 4 - 1);
    f->wmask[0x40 / 4] = 0xc0000000u; /* enable, function mask */
    f->cfg[0x44 / 4] = 0x800 | 1; /* BIR 1 */
    f->cfg[0x3c / 4] = 11 | (1u << 8);
    list_init(devs);
    if (pci_enumerate(&sim_ops, 0, devs) != 1) {
        return NULL;
    }
    return list_first_entry(devs, struct pci_dev, link);
}

static u32 table_word(unsigned entry, unsigned off)
{
    u32 v;
    memcpy(&v, msix_bar + 0x800 + 16 * entry + off, 4);
    return v;
}

static void msix_programming(void)
{
    reset();
    struct list_head devs;
    struct pci_dev *d = msix_device(&devs);
    struct sim_fn *f = sim_get(0, 2, 0);
    CHECK(d && d->msix_table_size == 4);
    memset(msix_bar, 0xff, sizeof(msix_bar));

    void *ctx[3] = {"x", "y", "z"};
    CHECK_EQ(pci_enable_msix(d, 5, record, ctx, "net"), -ENOSPC);
    CHECK_EQ(pci_enable_msix(d, 3, record, ctx, "net"), 0);
    CHECK(strcmp(d->irq_mode, "MSI-X") == 0);
    u16 ctrl = pci_read16(d, 0x42);
    CHECK(ctrl & 0x8000); /* enabled */
    CHECK(!(ctrl & 0x4000)); /* function not masked */
    u16 cmd = pci_read16(d, PCI_COMMAND);
    CHECK(cmd & PCI_COMMAND_INTX_DISABLE);
    CHECK(cmd & PCI_COMMAND_MASTER);
    CHECK(cmd & PCI_COMMAND_MEMORY);
    for (unsigned i = 0; i < 3; i++) {
        CHECK_EQ(table_word(i, 0), 0xfee00000u | (3u << 12));
        CHECK_EQ(table_word(i, 4), 0);
        CHECK_EQ(table_word(i, 12), 0); /* unmasked */
        u32 vec = table_word(i, 8);
        CHECK(vec >= VEC_DYN_FIRST && vec <= VEC_DYN_LAST);
        deliver((u8)vec);
    }
    CHECK_EQ(table_word(3, 12) & 1, 1); /* unused entry masked */
    CHECK(strcmp(calls, "xyz") == 0);

    /* /proc/interrupts lists them. */
    struct seq_buf s = {0};
    CHECK_EQ(irq_proc_interrupts(&s, NULL), 0);
    CHECK(strncmp(s.buf, "           CPU0\n", 16) == 0);
    CHECK(strstr(s.buf, "PCI-MSIX") && strstr(s.buf, "net-0") && strstr(s.buf, "net-2"));
    CHECK(strstr(s.buf, " LOC: "));
    free(s.buf);

    /* Turning it off gives every vector back and INTx on. */
    pci_disable_msix(d);
    CHECK(d->irq_mode == NULL);
    CHECK(!(pci_read16(d, 0x42) & 0x8000));
    CHECK(!(pci_read16(d, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE));
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ(table_word(i, 12) & 1, 1);
    }
    int all = 0;
    while (irq_alloc_vector(record, "h", "h") >= 0) {
        all++;
    }
    CHECK_EQ(all, VEC_DYN_LAST - VEC_DYN_FIRST + 1);
    for (int v = VEC_DYN_FIRST; v <= VEC_DYN_LAST; v++) {
        irq_free_vector(v);
    }
    (void)f;
    kfree(d);
}

static void msix_errors(void)
{
    reset();
    struct list_head devs;
    struct pci_dev *d = msix_device(&devs);
    CHECK(d);
    void *ctx[1] = {"x"};
    /* Table beyond its BAR. */
    sim_get(0, 2, 0)->cfg[0x44 / 4] = 0x1ff8 | 1;
    CHECK_EQ(pci_enable_msix(d, 1, record, ctx, "n"), -EINVAL);
    /* BAR that cannot be mapped. */
    sim_get(0, 2, 0)->cfg[0x44 / 4] = 0x800 | 2;
    CHECK_EQ(pci_enable_msix(d, 1, record, ctx, "n"), -EINVAL);
    d->msix_cap = 0;
    CHECK_EQ(pci_enable_msix(d, 1, record, ctx, "n"), -ENODEV);
    CHECK(d->irq_mode == NULL);
    kfree(d);
    /* Out of vectors: nothing stays allocated. */
    d = msix_device(&devs);
    CHECK(d);
    int held[VEC_DYN_LAST - VEC_DYN_FIRST + 1];
    unsigned n = 0;
    while (n < VEC_DYN_LAST - VEC_DYN_FIRST - 1) {
        held[n++] = irq_alloc_vector(record, "h", "h");
    }
    void *ctx3[3] = {"a", "b", "c"};
    CHECK_EQ(pci_enable_msix(d, 3, record, ctx3, "n"), -ENOSPC);
    int v = irq_alloc_vector(record, "h", "h");
    CHECK(v >= 0);
    held[n++] = v;
    v = irq_alloc_vector(record, "h", "h");
    CHECK(v >= 0);
    held[n++] = v;
    CHECK_EQ(irq_alloc_vector(record, "h", "h"), -ENOSPC);
    for (unsigned i = 0; i < n; i++) {
        irq_free_vector(held[i]);
    }
    kfree(d);
}

static void intx_routing(void)
{
    reset();
    memset(&acpi_info, 0, sizeof(acpi_info));
    /* QEMU's i440fx tables: IRQ 11 is level, active high. */
    acpi_info.nisos = 1;
    acpi_info.isos[0] = (struct acpi_iso){0, 11, 11, ACPI_TRIG_LEVEL | ACPI_POL_HIGH};
    struct list_head devs;
    struct pci_dev *d = msix_device(&devs);
    CHECK(d);
    pci_write16(d, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE);
    CHECK_EQ(pci_enable_intx(d, record, "i", "blk"), 0);
    CHECK(strcmp(d->irq_mode, "INTx") == 0);
    CHECK_EQ(d->intx_gsi, 11);
    CHECK_EQ(gsis[11].flags, IOAPIC_LEVEL);
    CHECK(!(pci_read16(d, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE));
    deliver(VEC_IRQ_BASE + 11);
    CHECK(strcmp(calls, "i") == 0);

    /* Line 10 without an override: level, active low. */
    struct pci_dev d2 = *d;
    d2.irq_line = 10;
    d2.irq_mode = NULL;
    CHECK_EQ(pci_enable_intx(&d2, record, "j", "net"), 0);
    CHECK_EQ(gsis[10].flags, IOAPIC_LEVEL | IOAPIC_ACTIVE_LOW);

    struct seq_buf s = {0};
    CHECK_EQ(irq_proc_interrupts(&s, NULL), 0);
    CHECK(strstr(s.buf, "  11:          1  IO-APIC   11-fasteoi    blk\n"));
    free(s.buf);

    d2.irq_line = 0xff;
    CHECK_EQ(pci_enable_intx(&d2, record, "k", "x"), -ENODEV);
    d2.irq_line = 10;
    d2.irq_pin = 0;
    CHECK_EQ(pci_enable_intx(&d2, record, "k", "x"), -ENODEV);
    irq_unregister_gsi_shared(11, record, "i");
    irq_unregister_gsi_shared(10, record, "j");
    kfree(d);
}

int main(void)
{
    RUN(shared_line);
    RUN(isa_line_not_shared);
    RUN(vector_allocator);
    RUN(msix_programming);
    RUN(msix_errors);
    RUN(intx_routing);
    sim_reset();
    HARNESS_EXIT();
}
