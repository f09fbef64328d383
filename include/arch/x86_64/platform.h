/* SPDX-License-Identifier: MIT */
/* Firmware tables and interrupt controllers (arch/x86_64/platform.c). */
#ifndef ARCH_X86_64_PLATFORM_H
#define ARCH_X86_64_PLATFORM_H

#include <arch/x86_64/acpi.h>

extern struct acpi_info acpi_info;

/* Parses ACPI (from the loader's RSDP copy, or by scanning low memory),
 * then sets up the local APIC and IOAPICs with the 8259s masked. */
void platform_init(void);

#endif
