/* SPDX-License-Identifier: MIT */
/* ACPI static table parser (arch/x86_64/acpi.c). Portable: physical memory is
 * reached only through the caller's map callback, so host tests can feed
 * synthetic tables. Reads RSDP -> RSDT/XSDT -> MADT, FADT (+DSDT _S5), HPET,
 * MCFG. No AML interpreter: _S5 is found by a byte scan of the DSDT. */
#ifndef ARCH_X86_64_ACPI_H
#define ARCH_X86_64_ACPI_H

#include <kernel/types.h>

#define ACPI_MAX_CPUS 64
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_ISOS 24
#define ACPI_MAX_LAPIC_NMIS 8
#define ACPI_MAX_SKIPPED 8

/* MPS INTI flags (interrupt source overrides, NMI entries). */
#define ACPI_POL_MASK 0x3
#define ACPI_POL_CONFORMS 0x0
#define ACPI_POL_HIGH 0x1
#define ACPI_POL_LOW 0x3
#define ACPI_TRIG_MASK 0xc
#define ACPI_TRIG_CONFORMS 0x0
#define ACPI_TRIG_EDGE 0x4
#define ACPI_TRIG_LEVEL 0xc

/* Generic Address Structure address spaces. */
#define ACPI_GAS_MEMORY 0
#define ACPI_GAS_IO 1

/* FADT IAPC_BOOT_ARCH bits. */
#define ACPI_BOOT_LEGACY_DEVICES (1u << 0)
#define ACPI_BOOT_8042 (1u << 1)
#define ACPI_BOOT_VGA_NOT_PRESENT (1u << 2)
#define ACPI_BOOT_MSI_NOT_SUPPORTED (1u << 3)
#define ACPI_BOOT_CMOS_RTC_NOT_PRESENT (1u << 5)

/* Maps [phys, phys+len) for reading; returns NULL if not possible. */
typedef const void *(*acpi_map_fn)(phys_addr_t phys, size_t len);

struct acpi_cpu {
    u32 apic_id; /* x2APIC entries may exceed 255 */
    u32 uid; /* ACPI processor UID */
    bool enabled; /* usable now */
    bool online_capable; /* disabled but may be hot-added */
};

struct acpi_ioapic {
    u8 id;
    u32 phys;
    u32 gsi_base;
};

struct acpi_iso {
    u8 bus; /* 0 = ISA */
    u8 irq; /* bus-relative source */
    u32 gsi;
    u16 flags; /* ACPI_POL_* | ACPI_TRIG_* */
};

struct acpi_lapic_nmi {
    u32 uid; /* 0xff (or 0xffffffff for x2APIC entries) = all processors */
    u16 flags;
    u8 lint; /* LINT0 or LINT1 */
};

/* A table that was found but ignored. */
struct acpi_skipped {
    char sig[5]; /* "????" when even the header was unreadable */
    phys_addr_t phys;
    const char *why;
};

struct acpi_info {
    u8 rsdp_revision;
    char oem_id[7];
    bool used_xsdt;

    /* MADT ("APIC") */
    bool has_madt;
    phys_addr_t lapic_phys; /* overridden by a type 5 entry */
    bool has_8259; /* PCAT_COMPAT: legacy PICs present, must be masked */
    struct acpi_cpu cpus[ACPI_MAX_CPUS];
    u32 ncpus;
    bool cpus_truncated;
    struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
    u32 nioapics;
    bool ioapics_truncated;
    struct acpi_iso isos[ACPI_MAX_ISOS];
    u32 nisos;
    bool isos_truncated;
    struct acpi_lapic_nmi lapic_nmis[ACPI_MAX_LAPIC_NMIS];
    u32 nlapic_nmis;
    /* A malformed entry was seen: a short known entry is ignored; a bad
     * entry length stops the walk. */
    bool madt_malformed;

    /* FADT ("FACP"). I/O ports are 0 when absent or not in I/O space. */
    bool has_fadt;
    u8 fadt_revision;
    u16 sci_int;
    u16 smi_cmd;
    u8 acpi_enable; /* value to write to smi_cmd */
    u8 acpi_disable;
    u16 pm1a_cnt_blk;
    u16 pm1b_cnt_blk;
    u16 pm_tmr_blk;
    bool pm_tmr_32bit; /* TMR_VAL_EXT: 32-bit counter, else 24-bit */
    u8 century; /* CMOS RTC index of the century register; 0 = none */
    u16 iapc_boot_arch; /* ACPI_BOOT_*; 0 for FADT revision < 2 */
    u32 fadt_flags;
    bool reset_supported; /* FADT flag RESET_REG_SUP */
    u8 reset_space; /* ACPI_GAS_* */
    u64 reset_addr;
    u8 reset_value;

    /* DSDT, and \_S5 from it */
    phys_addr_t dsdt_phys; /* 0 if none */
    bool has_s5;
    u8 slp_typa, slp_typb;

    /* HPET */
    bool has_hpet;
    phys_addr_t hpet_phys;

    /* MCFG: the first allocation only */
    bool has_mcfg;
    phys_addr_t mcfg_base;
    u16 mcfg_segment;
    u8 mcfg_bus_start, mcfg_bus_end;

    struct acpi_skipped skipped[ACPI_MAX_SKIPPED];
    u32 nskipped; /* may exceed ACPI_MAX_SKIPPED; only the first are kept */
};

/* Parses the tables reached from rsdp (rsdp_len >= 20; pass 36 bytes when
 * available so a revision >= 2 RSDP can use the XSDT). *out is fully
 * overwritten. Individual tables that are unreadable, have a bad checksum or
 * length, or duplicate an earlier one are recorded in out->skipped and
 * ignored. Missing MADT/FADT is not an error (see has_madt/has_fadt).
 * Returns 0, or -EINVAL for a bad RSDP or root table, -EFAULT if the root
 * table cannot be mapped; *err then holds a static message. */
int acpi_parse(const void *rsdp, size_t rsdp_len, acpi_map_fn map, struct acpi_info *out,
               const char **err);

/* Scans the first KiB of the EBDA, then 0xE0000-0xFFFFF, for a valid RSDP.
 * Returns 0 with *out set to its physical address, or -ENOENT. */
int acpi_find_rsdp(acpi_map_fn map, phys_addr_t *out);

/* GSI for an ISA IRQ after interrupt source overrides (identity if none).
 * *flags (if non-NULL) gets the override's INTI flags, or 0 (conforms: ISA
 * defaults, edge/active-high). */
u32 acpi_irq_to_gsi(const struct acpi_info *info, u8 isa_irq, u16 *flags);

#endif
