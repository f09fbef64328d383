/* SPDX-License-Identifier: MIT */
/* Shared by the ACPI parser's files (acpi.c, acpi_s5.c). */
#ifndef ARCH_X86_64_ACPI_INTERNAL_H
#define ARCH_X86_64_ACPI_INTERNAL_H

#include <arch/x86_64/acpi.h>
#include <kernel/compiler.h>
#include <kernel/types.h>

struct acpi_header {
    char sig[4];
    u32 length;
    u8 revision;
    u8 checksum;
    char oem_id[6];
    char oem_table_id[8];
    u32 oem_revision;
    u32 creator_id;
    u32 creator_revision;
} __packed;

/* Finds \_S5 in a checked DSDT and sets info->has_s5, slp_typa/b. */
void acpi_find_s5(struct acpi_info *info, const struct acpi_header *dsdt);

#endif
