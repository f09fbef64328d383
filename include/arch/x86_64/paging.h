/* SPDX-License-Identifier: MIT */
/* Page tables (arch/x86_64/paging.c): map, unmap and protect 4 KiB and
 * 2 MiB pages in any address space. Leaf flags are the hardware PTE bits;
 * intermediate tables are always present and writable (and user when the
 * leaf is), so the leaf alone decides access. Errors are -errno; page-table
 * pages that cannot be allocated give -ENOMEM and change nothing mapped. */
#ifndef ARCH_X86_64_PAGING_H
#define ARCH_X86_64_PAGING_H

#include <kernel/buddy.h> /* PAGE_SIZE */
#include <kernel/types.h>

#define PTE_PRESENT (1ull << 0)
#define PTE_WRITE (1ull << 1)
#define PTE_USER (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_ACCESSED (1ull << 5)
#define PTE_DIRTY (1ull << 6)
#define PTE_HUGE (1ull << 7)
#define PTE_GLOBAL (1ull << 8)
/* Software bit: a user page kept while its VMA is PROT_NONE (present clear). */
#define PTE_PROTNONE (1ull << 9)
#define PTE_NX (1ull << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ull

#define HUGE_PAGE_SIZE 0x200000ull

/* Common leaf flag sets. */
#define PTE_KERNEL_RW (PTE_PRESENT | PTE_WRITE | PTE_GLOBAL | PTE_NX)
#define PTE_KERNEL_RO (PTE_PRESENT | PTE_GLOBAL | PTE_NX)
#define PTE_KERNEL_RX (PTE_PRESENT | PTE_GLOBAL)
#define PTE_KERNEL_MMIO (PTE_KERNEL_RW | PTE_PCD | PTE_PWT)

struct addr_space {
    u64 *pml4; /* direct-map address */
    phys_addr_t pml4_phys;
};

extern struct addr_space kernel_as;

int vm_map_page(struct addr_space *as, u64 va, phys_addr_t pa, u64 flags);
int vm_map_huge(struct addr_space *as, u64 va, phys_addr_t pa, u64 flags);
/* Maps [va, va+size) to [pa, pa+size), with 2 MiB pages where both are aligned. */
int vm_map_range(struct addr_space *as, u64 va, phys_addr_t pa, u64 size, u64 flags);
/* Unmaps one 4 KiB page (splitting a 2 MiB page around it); *old_pa gets
 * the frame it mapped. -ENOENT if nothing was mapped. */
int vm_unmap_page(struct addr_space *as, u64 va, phys_addr_t *old_pa);
/* Changes the flags of one mapped 4 KiB page (splitting a 2 MiB page). */
int vm_protect_page(struct addr_space *as, u64 va, u64 flags);
/* Looks up va: 0 with *pa, *flags and *page_size filled, or -ENOENT. */
int vm_query(struct addr_space *as, u64 va, phys_addr_t *pa, u64 *flags, u64 *page_size);

/* Maps physical memory outside RAM (firmware tables, devices) at its
 * direct-map address with flags, leaving pages already mapped as they are;
 * returns the address or NULL. vm_map_mmio maps uncached. */
void *vm_map_phys(phys_addr_t pa, u64 size, u64 flags);
void *vm_map_mmio(phys_addr_t pa, u64 size);

/* User address spaces (lower half private, upper half shared kernel). */
int addr_space_init_user(struct addr_space *as);
/* Frees every page-table page of the lower half and the PML4; the frames
 * the leaves mapped must have been released already. */
void addr_space_free_user(struct addr_space *as);
void addr_space_activate(struct addr_space *as);
/* Flushes the TLB of as if it is active (after changing many PTEs). */
void vm_flush_all(struct addr_space *as);
/* The 4 KiB leaf entry for va, or NULL if no page table covers it. */
u64 *vm_pte_lookup(struct addr_space *as, u64 va);
/* Calls fn for every 4 KiB leaf holding a frame (present or PROT_NONE) in [start, end) of the lower
 * half; stops at the first negative return and returns it. */
typedef int (*vm_pte_fn)(u64 va, u64 *pte, void *ctx);
int vm_for_each_user_pte(struct addr_space *as, u64 start, u64 end, vm_pte_fn fn, void *ctx);

/* Builds the kernel's final page tables and switches to them. */
void paging_init(void);

#endif
