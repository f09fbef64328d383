/* SPDX-License-Identifier: MIT */
/* Virtual memory layout. Shared by C and assembly.
 *
 *   0x0000000000000000 - 0x00007fffffffefff  user space (next issue)
 *   0xffff800000000000 - 0xffff807fffffffff  direct map of physical memory
 *   0xffffc00000000000 - 0xffffc07fffffffff  kernel stacks (guard pages below each)
 *   0xffffffff80000000 -                     kernel image (linked here, loaded at 1 MiB)
 *
 * Each kernel region is one PML4 entry, created at boot and shared by every
 * address space, so kernel mappings never need to be synchronised.
 */
#ifndef ARCH_X86_64_MEMLAYOUT_H
#define ARCH_X86_64_MEMLAYOUT_H

#define KERNEL_VMA 0xffffffff80000000
#define DIRECT_MAP_BASE 0xffff800000000000
#define DIRECT_MAP_SIZE 0x0000008000000000 /* 512 GiB: one PML4 entry */
#define KSTACK_AREA_BASE 0xffffc00000000000
#define KSTACK_AREA_SIZE 0x0000008000000000
#define USER_SPACE_TOP 0x00007ffffffff000

#define KSTACK_SIZE 0x4000 /* 16 KiB usable stack */
#define KSTACK_SLOT_SIZE 0x8000 /* stack plus 16 KiB unmapped guard below it */

#define BOOT_STACK_SIZE 0x4000

#ifndef __ASSEMBLER__
#include <kernel/types.h>

static inline void *phys_to_virt(phys_addr_t pa)
{
    return (void *)(pa + DIRECT_MAP_BASE);
}

static inline phys_addr_t virt_to_phys(const void *va)
{
    u64 v = (u64)va;
    if (v >= KERNEL_VMA) {
        return v - KERNEL_VMA;
    }
    return v - DIRECT_MAP_BASE;
}
#endif

#endif
