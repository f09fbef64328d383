/* SPDX-License-Identifier: MIT */
/* Multiboot2 boot information parser (arch/x86_64/boot/multiboot2.c).
 * Portable: the caller passes an already mapped pointer. */
#ifndef ARCH_X86_64_MULTIBOOT2_H
#define ARCH_X86_64_MULTIBOOT2_H

#include <kernel/bootinfo.h>
#include <kernel/types.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289u

/* Errors carry a static message for the boot log in *err (never NULL on
 * failure). Returns 0, or -EINVAL for a malformed structure: total_size
 * smaller than 16 or larger than max_size, a tag that is misaligned, shorter
 * than 8 bytes or runs past total_size, a missing end tag, a memory map with
 * entry_size < 24, a module with end < start. Unknown tag types are skipped. */
int mb2_parse(const void *info, size_t max_size, struct boot_info *out, const char **err);

#endif
