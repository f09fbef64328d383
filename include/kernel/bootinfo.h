/* SPDX-License-Identifier: MIT */
/* What the boot loader told us, in a loader-neutral form. Filled by the
 * Multiboot2 parser (arch/x86_64/boot/multiboot2.c). */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include <kernel/types.h>

#define BOOT_MAX_MEM_REGIONS 64
#define BOOT_MAX_MODULES 16
#define BOOT_CMDLINE_MAX 1024

enum mem_region_type {
    MEM_USABLE = 1,
    MEM_RESERVED = 2,
    MEM_ACPI_RECLAIMABLE = 3,
    MEM_ACPI_NVS = 4,
    MEM_BAD = 5,
};

struct mem_region {
    phys_addr_t base;
    u64 length;
    u32 type; /* enum mem_region_type; unknown loader types map to MEM_RESERVED */
};

struct boot_module {
    phys_addr_t start;
    phys_addr_t end; /* exclusive */
    const char *string; /* points into the boot information; "" if none */
};

struct boot_info {
    char cmdline[BOOT_CMDLINE_MAX]; /* copied, NUL-terminated ("" if absent) */
    bool cmdline_truncated;
    const char *loader_name; /* points into the boot information, or NULL */
    struct mem_region regions[BOOT_MAX_MEM_REGIONS];
    u32 nregions;
    bool regions_truncated;
    struct boot_module modules[BOOT_MAX_MODULES]; /* in the loader's order */
    u32 nmodules;
    bool modules_truncated;
    /* Copy of the ACPI RSDP from the loader (tag 15 preferred over tag 14). */
    u8 rsdp[36];
    u32 rsdp_len; /* 0 when the loader passed none; 20 (v1) or 36 (v2) */
    u32 basic_mem_lower_kib, basic_mem_upper_kib; /* tag 4, 0 if absent */
};

#endif
