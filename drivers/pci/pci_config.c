// SPDX-License-Identifier: MIT
/* Configuration-space access mechanisms: ECAM (memory-mapped, described by
 * the ACPI MCFG table; QEMU q35 has one) and I/O ports 0xCF8/0xCFC (every
 * PC, the only one on QEMU's i440fx). */
#include "pci_internal.h"
#include <arch/x86_64/io.h>
#include <arch/x86_64/paging.h>
#include <arch/x86_64/platform.h>
#include <drivers/pci.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define ECAM_BUS_SIZE (1u << 20)

/* The address/data pair is two accesses: keep interrupts out in between. */
static spinlock_t port_lock = SPINLOCK_INIT("pci-cf8");

static u32 port_addr(u8 bus, u8 dev, u8 fn, u16 off)
{
    return 0x80000000u | ((u32)bus << 16) | ((u32)(dev & 31) << 11) | ((u32)(fn & 7) << 8) |
           (off & 0xfc);
}

static u32 port_read32(void *ctx, u8 bus, u8 dev, u8 fn, u16 off)
{
    if (off >= 256) {
        return 0xffffffffu;
    }
    u64 flags = spin_lock_irqsave(&port_lock);
    outl(PCI_CONFIG_ADDRESS, port_addr(bus, dev, fn, off));
    u32 v = inl(PCI_CONFIG_DATA);
    spin_unlock_irqrestore(&port_lock, flags);
    return v;
}

static void port_write32(void *ctx, u8 bus, u8 dev, u8 fn, u16 off, u32 val)
{
    if (off >= 256) {
        return;
    }
    u64 flags = spin_lock_irqsave(&port_lock);
    outl(PCI_CONFIG_ADDRESS, port_addr(bus, dev, fn, off));
    outl(PCI_CONFIG_DATA, val);
    spin_unlock_irqrestore(&port_lock, flags);
}

static const struct pci_config_ops port_ops = {port_read32, port_write32, NULL};

/* ECAM: 1 MiB per bus, mapped when a bus is first touched (enumeration,
 * in thread context) so only buses that exist cost page tables. */
static phys_addr_t ecam_base;
static u8 ecam_bus_start, ecam_bus_end;
static volatile u8 *ecam_bus_map[256];

static volatile u8 *ecam_addr(u8 bus, u8 dev, u8 fn, u16 off)
{
    if (bus < ecam_bus_start || bus > ecam_bus_end || off >= 4096) {
        return NULL;
    }
    if (!ecam_bus_map[bus]) {
        phys_addr_t pa = ecam_base + (phys_addr_t)(bus - ecam_bus_start) * ECAM_BUS_SIZE;
        ecam_bus_map[bus] = vm_map_mmio(pa, ECAM_BUS_SIZE);
        if (!ecam_bus_map[bus]) {
            return NULL;
        }
    }
    return ecam_bus_map[bus] + (((u32)(dev & 31) << 15) | ((u32)(fn & 7) << 12) | (off & 0xffc));
}

static u32 ecam_read32(void *ctx, u8 bus, u8 dev, u8 fn, u16 off)
{
    volatile u8 *p = ecam_addr(bus, dev, fn, off);
    return p ? mmio_read32(p) : 0xffffffffu;
}

static void ecam_write32(void *ctx, u8 bus, u8 dev, u8 fn, u16 off, u32 val)
{
    volatile u8 *p = ecam_addr(bus, dev, fn, off);
    if (p) {
        mmio_write32(p, val);
    }
}

static const struct pci_config_ops ecam_ops = {ecam_read32, ecam_write32, NULL};

const struct pci_config_ops *pci_config_select(u16 *segment)
{
    if (acpi_info.has_mcfg && acpi_info.mcfg_base != 0 &&
        acpi_info.mcfg_bus_end >= acpi_info.mcfg_bus_start) {
        ecam_base = acpi_info.mcfg_base;
        ecam_bus_start = acpi_info.mcfg_bus_start;
        ecam_bus_end = acpi_info.mcfg_bus_end;
        *segment = acpi_info.mcfg_segment;
        printk(LOG_INFO, "pci: config space via ECAM at %#llx, segment %04x buses %02x-%02x\n",
               (unsigned long long)ecam_base, *segment, ecam_bus_start, ecam_bus_end);
        return &ecam_ops;
    }
    *segment = 0;
    printk(LOG_INFO, "pci: config space via ports 0xcf8/0xcfc (no ACPI MCFG)\n");
    return &port_ops;
}
