/* SPDX-License-Identifier: MIT */
/* Global boot state (kernel/main.c). */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <kernel/bootinfo.h>
#include <kernel/cmdline.h>

extern struct boot_info boot_info;
extern struct boot_options boot_options;

/* Entered from boot.S in long mode, with the Multiboot2 magic and the
 * physical address of the boot information. */
void kmain(u32 magic, u32 info_phys);

#endif
