/* SPDX-License-Identifier: MIT */
/* Boot-time memory setup (kernel/mm/page_alloc.c). */
#ifndef KERNEL_MM_H
#define KERNEL_MM_H

#include <kernel/bootinfo.h>
#include <kernel/types.h>

/* The least free memory Kiln boots with after placing itself, in pages. */
#define MM_MIN_FREE_PAGES 512 /* 2 MiB */

/* Sets up the page allocator over usable RAM, minus the kernel image, the
 * boot information, the modules and the page metadata. Only memory the boot
 * page tables map (the first GiB) is handed out until mm_init_late(). */
void mm_init(const struct boot_info *bi, phys_addr_t info_phys, u64 info_size, u64 mem_limit);
/* After paging_init: hands out the rest of RAM. */
void mm_init_late(void);

#endif
