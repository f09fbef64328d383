// SPDX-License-Identifier: MIT
/* Device interrupts: MSI-X (one CPU vector per table entry) and INTx (the
 * firmware's line, routed through the IOAPIC as a shared level-triggered
 * GSI).
 *
 * INTx routing takes INTERRUPT_LINE as an ISA IRQ and maps it through the
 * ACPI overrides (there is no AML interpreter for _PRT). On QEMU's i440fx
 * the PIIX routes PIRQA-D to ISA IRQs 5, 9, 10, 11, which SeaBIOS writes
 * into the line, and the IOAPIC sees them on the same inputs. On q35 the
 * ICH9 also routes each PIRQ to the ISA IRQ SeaBIOS chose (10 or 11, the
 * line value), which reaches the IOAPIC input of that number, so the same
 * rule works there (tested: pci-q35-intx); _PRT would give GSIs 16-23.
 * MSI-X is the normal path on both. */
#include <abi/errno.h>
#include <arch/x86_64/apic.h>
#include <arch/x86_64/io.h>
#include <arch/x86_64/platform.h>
#include <arch/x86_64/trap.h>
#include <drivers/pci.h>
#include <kernel/format.h>
#include <kernel/printk.h>

#define PCI_MSIX_FLAGS 2
#define PCI_MSIX_FLAGS_ENABLE (1u << 15)
#define PCI_MSIX_FLAGS_MASKALL (1u << 14)
#define PCI_MSIX_TABLE 4
#define PCI_MSIX_BIR_MASK 7u
#define MSIX_ENTRY_SIZE 16
#define MSIX_ENTRY_ADDR_LO 0
#define MSIX_ENTRY_ADDR_HI 4
#define MSIX_ENTRY_DATA 8
#define MSIX_ENTRY_CTRL 12
#define MSIX_ENTRY_MASKED 1u
#define MSI_ADDR_BASE 0xfee00000u

int pci_enable_msix(struct pci_dev *d, unsigned nvec, pci_irq_fn fn, void *const ctx[],
                    const char *name)
{
    if (!d->msix_cap) {
        return -ENODEV;
    }
    if (nvec == 0 || nvec > d->msix_table_size || nvec > VEC_DYN_LAST - VEC_DYN_FIRST + 1) {
        return -ENOSPC;
    }
    u32 table = pci_read32(d, d->msix_cap + PCI_MSIX_TABLE);
    unsigned bir = table & PCI_MSIX_BIR_MASK;
    u32 offset = table & ~PCI_MSIX_BIR_MASK;
    if (bir >= PCI_MAX_BARS ||
        (u64)offset + (u64)d->msix_table_size * MSIX_ENTRY_SIZE > d->bars[bir].size) {
        pr_warn("pci %04x:%02x:%02x.%u: MSI-X table (BAR%u + %#x) outside its BAR\n", d->segment,
                d->bus, d->dev, d->fn, bir, offset);
        return -EINVAL;
    }
    volatile u8 *base = pci_map_bar(d, bir);
    if (!base) {
        return -EINVAL;
    }
    base += offset;

    int vectors[VEC_DYN_LAST - VEC_DYN_FIRST + 1];
    for (unsigned i = 0; i < nvec; i++) {
        char label[32];
        if (nvec == 1) {
            ksnprintf(label, sizeof(label), "%s", name);
        } else {
            ksnprintf(label, sizeof(label), "%s-%u", name, i);
        }
        vectors[i] = irq_alloc_vector(fn, ctx ? ctx[i] : NULL, label);
        if (vectors[i] < 0) {
            while (i-- > 0) {
                irq_free_vector(vectors[i]);
            }
            return -ENOSPC;
        }
        irq_set_vector_chip(vectors[i], "PCI-MSIX");
    }

    /* Enabled with the function masked while the table is written. */
    u16 cmd = pci_read16(d, PCI_COMMAND);
    pci_write16(d, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    u16 ctrl = pci_read16(d, d->msix_cap + PCI_MSIX_FLAGS);
    pci_write16(d, d->msix_cap + PCI_MSIX_FLAGS,
                ctrl | PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
    u32 addr = MSI_ADDR_BASE | (lapic_id() << 12);
    for (unsigned i = 0; i < d->msix_table_size; i++) {
        volatile u8 *e = base + i * MSIX_ENTRY_SIZE;
        if (i < nvec) {
            mmio_write32(e + MSIX_ENTRY_ADDR_LO, addr);
            mmio_write32(e + MSIX_ENTRY_ADDR_HI, 0);
            mmio_write32(e + MSIX_ENTRY_DATA, (u32)vectors[i]); /* fixed, edge */
            mmio_write32(e + MSIX_ENTRY_CTRL, 0);
        } else {
            mmio_write32(e + MSIX_ENTRY_CTRL, MSIX_ENTRY_MASKED);
        }
    }
    cmd = pci_read16(d, PCI_COMMAND);
    pci_write16(d, PCI_COMMAND, cmd | PCI_COMMAND_INTX_DISABLE);
    ctrl = pci_read16(d, d->msix_cap + PCI_MSIX_FLAGS);
    pci_write16(d, d->msix_cap + PCI_MSIX_FLAGS,
                (ctrl | PCI_MSIX_FLAGS_ENABLE) & ~PCI_MSIX_FLAGS_MASKALL);
    d->irq_mode = "MSI-X";
    printk(LOG_INFO, "pci %04x:%02x:%02x.%u: %s: MSI-X with %u vectors (%#x-%#x)\n", d->segment,
           d->bus, d->dev, d->fn, name, nvec, vectors[0], vectors[nvec - 1]);
    return 0;
}

void pci_disable_msix(struct pci_dev *d)
{
    if (!d->msix_cap) {
        return;
    }
    u32 table = pci_read32(d, d->msix_cap + PCI_MSIX_TABLE);
    unsigned bir = table & PCI_MSIX_BIR_MASK;
    u32 offset = table & ~PCI_MSIX_BIR_MASK;
    u16 ctrl = pci_read16(d, d->msix_cap + PCI_MSIX_FLAGS);
    pci_write16(d, d->msix_cap + PCI_MSIX_FLAGS, ctrl | PCI_MSIX_FLAGS_MASKALL);
    volatile u8 *base = NULL;
    if (bir < PCI_MAX_BARS &&
        (u64)offset + (u64)d->msix_table_size * MSIX_ENTRY_SIZE <= d->bars[bir].size) {
        base = pci_map_bar(d, bir);
    }
    for (unsigned i = 0; base && i < d->msix_table_size; i++) {
        volatile u8 *e = base + offset + i * MSIX_ENTRY_SIZE;
        if (!(mmio_read32(e + MSIX_ENTRY_CTRL) & MSIX_ENTRY_MASKED)) {
            mmio_write32(e + MSIX_ENTRY_CTRL, MSIX_ENTRY_MASKED);
            irq_free_vector((int)(mmio_read32(e + MSIX_ENTRY_DATA) & 0xff));
        }
    }
    ctrl = pci_read16(d, d->msix_cap + PCI_MSIX_FLAGS);
    pci_write16(d, d->msix_cap + PCI_MSIX_FLAGS,
                ctrl & ~(PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL));
    u16 cmd = pci_read16(d, PCI_COMMAND);
    pci_write16(d, PCI_COMMAND, cmd & ~PCI_COMMAND_INTX_DISABLE);
    d->irq_mode = NULL;
}

int pci_enable_intx(struct pci_dev *d, pci_irq_fn fn, void *ctx, const char *name)
{
    if (d->irq_pin == 0 || d->irq_line == 0 || d->irq_line == 0xff) {
        return -ENODEV;
    }
    u16 acpi_flags = 0;
    u32 gsi = acpi_irq_to_gsi(&acpi_info, d->irq_line, &acpi_flags);
    /* PCI lines are level-triggered, active-low, unless an override says
     * otherwise (QEMU's tables call its PCI links active-high). */
    u32 flags = IOAPIC_LEVEL;
    if ((acpi_flags & ACPI_POL_MASK) != ACPI_POL_HIGH) {
        flags |= IOAPIC_ACTIVE_LOW;
    }
    int r = irq_register_gsi_shared(gsi, flags, fn, ctx, name);
    if (r < 0) {
        pr_warn("pci %04x:%02x:%02x.%u: %s: cannot use INTx line %u (GSI %u): error %d\n",
                d->segment, d->bus, d->dev, d->fn, name, d->irq_line, gsi, r);
        return r;
    }
    u16 cmd = pci_read16(d, PCI_COMMAND);
    pci_write16(d, PCI_COMMAND, cmd & ~PCI_COMMAND_INTX_DISABLE);
    d->irq_mode = "INTx";
    d->intx_gsi = gsi;
    printk(LOG_INFO, "pci %04x:%02x:%02x.%u: %s: INTx pin %c line %u -> GSI %u\n", d->segment,
           d->bus, d->dev, d->fn, name, 'A' + d->irq_pin - 1, d->irq_line, gsi);
    return 0;
}
