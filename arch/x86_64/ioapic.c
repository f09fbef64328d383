// SPDX-License-Identifier: MIT
/* IOAPIC: routes global system interrupts (GSIs) to vectors. ISA IRQs are
 * translated through the ACPI interrupt source overrides. */
#include <abi/errno.h>
#include <arch/x86_64/acpi.h>
#include <arch/x86_64/apic.h>
#include <arch/x86_64/io.h>
#include <arch/x86_64/paging.h>
#include <arch/x86_64/trap.h>
#include <kernel/printk.h>

#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPIC_VER 0x01
#define IOAPIC_REDTBL(n) (0x10 + 2 * (n))
#define REDIR_MASKED (1u << 16)
#define DEFAULT_IOAPIC_PHYS 0xfec00000

struct ioapic {
    volatile u8 *regs;
    u32 gsi_base;
    u32 ngsis;
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static u32 nioapics;

extern struct acpi_info acpi_info;

static u32 ioapic_read(struct ioapic *io, u32 reg)
{
    mmio_write32(io->regs + IOREGSEL, reg);
    return mmio_read32(io->regs + IOWIN);
}

static void ioapic_write(struct ioapic *io, u32 reg, u32 v)
{
    mmio_write32(io->regs + IOREGSEL, reg);
    mmio_write32(io->regs + IOWIN, v);
}

static struct ioapic *ioapic_for(u32 gsi)
{
    for (u32 i = 0; i < nioapics; i++) {
        if (gsi >= ioapics[i].gsi_base && gsi < ioapics[i].gsi_base + ioapics[i].ngsis) {
            return &ioapics[i];
        }
    }
    return NULL;
}

static int ioapic_add(phys_addr_t phys, u32 gsi_base)
{
    struct ioapic *io = &ioapics[nioapics];
    io->regs = vm_map_mmio(phys, PAGE_SIZE);
    if (!io->regs) {
        return -ENOMEM;
    }
    io->gsi_base = gsi_base;
    io->ngsis = ((ioapic_read(io, IOAPIC_VER) >> 16) & 0xff) + 1;
    for (u32 i = 0; i < io->ngsis; i++) {
        ioapic_write(io, IOAPIC_REDTBL(i), REDIR_MASKED);
        ioapic_write(io, IOAPIC_REDTBL(i) + 1, 0);
    }
    printk(LOG_INFO, "ioapic: %#llx, GSIs %u-%u\n", (unsigned long long)phys, gsi_base,
           gsi_base + io->ngsis - 1);
    nioapics++;
    return 0;
}

int ioapic_init(void)
{
    for (u32 i = 0; i < acpi_info.nioapics; i++) {
        int r = ioapic_add(acpi_info.ioapics[i].phys, acpi_info.ioapics[i].gsi_base);
        if (r < 0) {
            return r;
        }
    }
    if (nioapics == 0) {
        pr_warn("ioapic: none described by ACPI, assuming one at %#x\n", DEFAULT_IOAPIC_PHYS);
        return ioapic_add(DEFAULT_IOAPIC_PHYS, 0);
    }
    return 0;
}

int ioapic_route(u32 gsi, u8 vector, u32 flags)
{
    struct ioapic *io = ioapic_for(gsi);
    if (!io) {
        return -ENODEV;
    }
    u32 pin = gsi - io->gsi_base;
    ioapic_write(io, IOAPIC_REDTBL(pin) + 1, lapic_id() << 24);
    ioapic_write(io, IOAPIC_REDTBL(pin), vector | flags);
    return 0;
}

void ioapic_mask(u32 gsi, bool masked)
{
    struct ioapic *io = ioapic_for(gsi);
    if (!io) {
        return;
    }
    u32 pin = gsi - io->gsi_base;
    u32 v = ioapic_read(io, IOAPIC_REDTBL(pin));
    ioapic_write(io, IOAPIC_REDTBL(pin), masked ? v | REDIR_MASKED : v & ~REDIR_MASKED);
}
