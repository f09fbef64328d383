// SPDX-License-Identifier: MIT
#include <arch/x86_64/apic.h>
#include <arch/x86_64/paging.h>
#include <arch/x86_64/platform.h>
#include <kernel/kernel.h>
#include <kernel/printk.h>

#define DEFAULT_LAPIC_PHYS 0xfee00000

struct acpi_info acpi_info;

static const void *acpi_map(phys_addr_t pa, size_t len)
{
    return vm_map_phys(pa, len, PTE_KERNEL_RO);
}

static void acpi_init(void)
{
    const char *err = NULL;
    const void *rsdp = boot_info.rsdp;
    size_t rsdp_len = boot_info.rsdp_len;
    phys_addr_t found;
    if (rsdp_len == 0 && acpi_find_rsdp(acpi_map, &found) == 0) {
        rsdp = acpi_map(found, 36);
        rsdp_len = 36;
    }
    if (rsdp_len == 0 || acpi_parse(rsdp, rsdp_len, acpi_map, &acpi_info, &err) < 0) {
        pr_warn("acpi: %s; using legacy defaults\n", rsdp_len ? err : "no RSDP found");
        acpi_info.lapic_phys = DEFAULT_LAPIC_PHYS;
        acpi_info.has_8259 = true;
        return;
    }
    for (u32 i = 0; i < acpi_info.nskipped; i++) {
        pr_warn("acpi: skipped table %s at %#llx: %s\n", acpi_info.skipped[i].sig,
                (unsigned long long)acpi_info.skipped[i].phys, acpi_info.skipped[i].why);
    }
    printk(LOG_INFO, "acpi: %s rev %u, %u cpu(s), %u ioapic(s), %u override(s)%s%s%s\n",
           acpi_info.oem_id, acpi_info.rsdp_revision, acpi_info.ncpus, acpi_info.nioapics,
           acpi_info.nisos, acpi_info.has_s5 ? ", S5" : "", acpi_info.has_hpet ? ", HPET" : "",
           acpi_info.has_mcfg ? ", MCFG" : "");
    if (!acpi_info.has_madt) {
        acpi_info.lapic_phys = DEFAULT_LAPIC_PHYS;
    }
}

void platform_init(void)
{
    acpi_init();
    pic_disable();
    lapic_init(acpi_info.lapic_phys);
    if (ioapic_init() < 0) {
        panic("cannot set up the IOAPIC");
    }
}
