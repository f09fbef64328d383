// SPDX-License-Identifier: MIT
#include <abi/errno.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/memlayout.h>
#include <arch/x86_64/paging.h>
#include <kernel/compiler.h>
#include <kernel/kernel.h>
#include <kernel/page_alloc.h>
#include <kernel/printk.h>
#include <kernel/string.h>

struct addr_space kernel_as;

#define PT_ENTRIES 512
#define TABLE_FLAGS (PTE_PRESENT | PTE_WRITE)

/* Without NX support the bit is reserved and must stay clear. */
static u64 leaf_flags(u64 flags)
{
    return cpu_features.nx ? flags : flags & ~PTE_NX;
}

static inline unsigned pt_index(u64 va, int level)
{
    return (va >> (12 + 9 * (level - 1))) & 0x1ff;
}

static u64 *table_at(u64 entry)
{
    return phys_to_virt(entry & PTE_ADDR_MASK);
}

static u64 *alloc_table(void)
{
    u64 *t = page_alloc(0);
    if (t) {
        memset(t, 0, PAGE_SIZE);
    }
    return t;
}

static void flush_page(struct addr_space *as, u64 va)
{
    if (va >= DIRECT_MAP_BASE || read_cr3() == as->pml4_phys) {
        invlpg(va);
    }
}

/* Replaces a 2 MiB leaf with a table of 512 4 KiB leaves mapping the same. */
static int split_huge(u64 *entry)
{
    u64 *pt = alloc_table();
    if (!pt) {
        return -ENOMEM;
    }
    u64 base = *entry & PTE_ADDR_MASK & ~(HUGE_PAGE_SIZE - 1);
    u64 flags = *entry & ~PTE_ADDR_MASK & ~PTE_HUGE;
    for (int i = 0; i < PT_ENTRIES; i++) {
        pt[i] = (base + (u64)i * PAGE_SIZE) | flags;
    }
    u64 table_flags = TABLE_FLAGS | (flags & PTE_USER);
    *entry = virt_to_phys(pt) | table_flags;
    return 0;
}

/* Returns the entry for va at level (1: 4 KiB leaf, 2: 2 MiB leaf),
 * creating tables on the way if create, splitting a 2 MiB leaf above a
 * level-1 request. NULL with *err set when it cannot. */
static u64 *walk(struct addr_space *as, u64 va, int level, bool create, u64 user, int *err)
{
    u64 *table = as->pml4;
    for (int l = 4; l > level; l--) {
        u64 *e = &table[pt_index(va, l)];
        if (!(*e & PTE_PRESENT)) {
            if (!create) {
                *err = -ENOENT;
                return NULL;
            }
            u64 *next = alloc_table();
            if (!next) {
                *err = -ENOMEM;
                return NULL;
            }
            *e = virt_to_phys(next) | TABLE_FLAGS | user;
        } else if (*e & PTE_HUGE) {
            if (l == 2 && level == 1) {
                if (!create) {
                    *err = -EEXIST; /* caller asked about a 4 KiB page inside a 2 MiB one */
                    return NULL;
                }
                int r = split_huge(e);
                if (r < 0) {
                    *err = r;
                    return NULL;
                }
            } else {
                *err = -EINVAL;
                return NULL;
            }
        }
        *e |= user;
        table = table_at(*e);
    }
    return &table[pt_index(va, level)];
}

int vm_map_page(struct addr_space *as, u64 va, phys_addr_t pa, u64 flags)
{
    if (!IS_ALIGNED(va, PAGE_SIZE) || !IS_ALIGNED(pa, PAGE_SIZE)) {
        return -EINVAL;
    }
    int err = 0;
    u64 *e = walk(as, va, 1, true, flags & PTE_USER, &err);
    if (!e) {
        return err;
    }
    *e = pa | leaf_flags(flags) | PTE_PRESENT;
    flush_page(as, va);
    return 0;
}

int vm_map_huge(struct addr_space *as, u64 va, phys_addr_t pa, u64 flags)
{
    if (!IS_ALIGNED(va, HUGE_PAGE_SIZE) || !IS_ALIGNED(pa, HUGE_PAGE_SIZE)) {
        return -EINVAL;
    }
    int err = 0;
    u64 *e = walk(as, va, 2, true, flags & PTE_USER, &err);
    if (!e) {
        return err;
    }
    if ((*e & PTE_PRESENT) && !(*e & PTE_HUGE)) {
        return -EEXIST; /* a table of small pages is there */
    }
    *e = pa | leaf_flags(flags) | PTE_PRESENT | PTE_HUGE;
    for (u64 off = 0; off < HUGE_PAGE_SIZE; off += PAGE_SIZE) {
        flush_page(as, va + off);
    }
    return 0;
}

int vm_map_range(struct addr_space *as, u64 va, phys_addr_t pa, u64 size, u64 flags)
{
    u64 end = va + size;
    while (va < end) {
        int r;
        if (IS_ALIGNED(va, HUGE_PAGE_SIZE) && IS_ALIGNED(pa, HUGE_PAGE_SIZE) &&
            end - va >= HUGE_PAGE_SIZE) {
            r = vm_map_huge(as, va, pa, flags);
            if (r == 0) {
                va += HUGE_PAGE_SIZE;
                pa += HUGE_PAGE_SIZE;
                continue;
            }
            if (r != -EEXIST) {
                return r;
            }
        }
        r = vm_map_page(as, va, pa, flags);
        if (r < 0) {
            return r;
        }
        va += PAGE_SIZE;
        pa += PAGE_SIZE;
    }
    return 0;
}

int vm_unmap_page(struct addr_space *as, u64 va, phys_addr_t *old_pa)
{
    int err = 0;
    phys_addr_t pa;
    u64 flags, size;
    if (vm_query(as, va, &pa, &flags, &size) < 0) {
        return -ENOENT;
    }
    u64 *e = walk(as, va, 1, true, 0, &err);
    if (!e) {
        return err;
    }
    if (old_pa) {
        *old_pa = *e & PTE_ADDR_MASK;
    }
    *e = 0;
    flush_page(as, va);
    return 0;
}

int vm_protect_page(struct addr_space *as, u64 va, u64 flags)
{
    int err = 0;
    phys_addr_t pa;
    u64 old, size;
    if (vm_query(as, va, &pa, &old, &size) < 0) {
        return -ENOENT;
    }
    u64 *e = walk(as, va, 1, true, flags & PTE_USER, &err);
    if (!e) {
        return err;
    }
    *e = (*e & PTE_ADDR_MASK) | leaf_flags(flags) | PTE_PRESENT;
    flush_page(as, va);
    return 0;
}

int vm_query(struct addr_space *as, u64 va, phys_addr_t *pa, u64 *flags, u64 *page_size)
{
    u64 *table = as->pml4;
    for (int l = 4; l >= 1; l--) {
        u64 e = table[pt_index(va, l)];
        if (!(e & PTE_PRESENT)) {
            return -ENOENT;
        }
        if (l == 1 || (l == 2 && (e & PTE_HUGE))) {
            u64 size = l == 1 ? PAGE_SIZE : HUGE_PAGE_SIZE;
            *pa = (e & PTE_ADDR_MASK & ~(size - 1)) + (va & (size - 1));
            *flags = e & ~PTE_ADDR_MASK;
            *page_size = size;
            return 0;
        }
        if (e & PTE_HUGE) {
            return -EINVAL; /* 1 GiB pages are never created */
        }
        table = table_at(e);
    }
    return -ENOENT;
}

void *vm_map_phys(phys_addr_t pa, u64 size, u64 flags)
{
    phys_addr_t start = ALIGN_DOWN(pa, PAGE_SIZE);
    phys_addr_t end = ALIGN_UP(pa + size, PAGE_SIZE);
    for (phys_addr_t p = start; p < end; p += PAGE_SIZE) {
        phys_addr_t cur;
        u64 psize;
        u64 va = (u64)phys_to_virt(p);
        u64 cur_flags;
        if (vm_query(&kernel_as, va, &cur, &cur_flags, &psize) == 0) {
            continue; /* already mapped (RAM, or an earlier mapping) */
        }
        if (vm_map_page(&kernel_as, va, p, flags) < 0) {
            return NULL;
        }
    }
    return phys_to_virt(pa);
}

void *vm_map_mmio(phys_addr_t pa, u64 size)
{
    return vm_map_phys(pa, size, PTE_KERNEL_MMIO);
}

extern char _text_start[], _text_end[], _rodata_start[], _rodata_end[], _data_start[],
    _kernel_end[], boot_stack_guard[];

static void map_kernel_section(char *start, char *end, u64 flags)
{
    for (u64 va = (u64)start; va < (u64)end; va += PAGE_SIZE) {
        if (va == (u64)boot_stack_guard) {
            continue; /* left unmapped: catches boot stack overflow */
        }
        if (vm_map_page(&kernel_as, va, va - KERNEL_VMA, flags) < 0) {
            panic("out of memory building kernel page tables");
        }
    }
}

void paging_init(void)
{
    kernel_as.pml4 = alloc_table();
    if (!kernel_as.pml4) {
        panic("out of memory building kernel page tables");
    }
    kernel_as.pml4_phys = virt_to_phys(kernel_as.pml4);
    /* One table for each kernel region, shared by every address space later. */
    u64 regions[] = {DIRECT_MAP_BASE, KSTACK_AREA_BASE, KERNEL_VMA};
    for (size_t i = 0; i < ARRAY_SIZE(regions); i++) {
        u64 *pdpt = alloc_table();
        if (!pdpt) {
            panic("out of memory building kernel page tables");
        }
        kernel_as.pml4[pt_index(regions[i], 4)] = virt_to_phys(pdpt) | TABLE_FLAGS;
    }

    for (u32 i = 0; i < boot_info.nregions; i++) {
        const struct mem_region *r = &boot_info.regions[i];
        if (r->type != MEM_USABLE && r->type != MEM_ACPI_RECLAIMABLE && r->type != MEM_ACPI_NVS) {
            continue;
        }
        u64 start = ALIGN_DOWN(r->base, PAGE_SIZE);
        u64 end = ALIGN_UP(r->base + r->length, PAGE_SIZE);
        if (end > DIRECT_MAP_SIZE) {
            end = DIRECT_MAP_SIZE;
        }
        if (start >= end) {
            continue;
        }
        if (vm_map_range(&kernel_as, (u64)phys_to_virt(start), start, end - start, PTE_KERNEL_RW) <
            0) {
            panic("out of memory building the direct map");
        }
    }

    map_kernel_section(_text_start, _text_end, PTE_KERNEL_RX);
    map_kernel_section(_rodata_start, _rodata_end, PTE_KERNEL_RO);
    map_kernel_section(_data_start, _kernel_end, PTE_KERNEL_RW);

    write_cr3(kernel_as.pml4_phys);
}

/* User address spaces: the upper half of every PML4 is the kernel's (the
 * same PDPTs), the lower half is private. User mappings are 4 KiB only. */

int addr_space_init_user(struct addr_space *as)
{
    as->pml4 = alloc_table();
    if (!as->pml4) {
        return -ENOMEM;
    }
    as->pml4_phys = virt_to_phys(as->pml4);
    for (int i = PT_ENTRIES / 2; i < PT_ENTRIES; i++) {
        as->pml4[i] = kernel_as.pml4[i];
    }
    return 0;
}

u64 *vm_pte_lookup(struct addr_space *as, u64 va)
{
    u64 *table = as->pml4;
    for (int l = 4; l > 1; l--) {
        u64 e = table[pt_index(va, l)];
        if (!(e & PTE_PRESENT) || (e & PTE_HUGE)) {
            return NULL;
        }
        table = table_at(e);
    }
    return &table[pt_index(va, 1)];
}

int vm_for_each_user_pte(struct addr_space *as, u64 start, u64 end, vm_pte_fn fn, void *ctx)
{
    u64 va = start;
    while (va < end && va < USER_SPACE_TOP) {
        u64 *table = as->pml4;
        u64 step = 0;
        int l;
        for (l = 4; l > 1; l--) {
            u64 e = table[pt_index(va, l)];
            if (!(e & PTE_PRESENT)) {
                step = 1ull << (12 + 9 * (l - 1));
                break;
            }
            table = table_at(e);
        }
        if (step) {
            /* Skip the whole unmapped region this level covers. */
            va = ALIGN_DOWN(va, step) + step;
            continue;
        }
        u64 *pte = &table[pt_index(va, 1)];
        if (*pte & (PTE_PRESENT | PTE_PROTNONE)) {
            int r = fn(va, pte, ctx);
            if (r < 0) {
                return r;
            }
        }
        va += PAGE_SIZE;
    }
    return 0;
}

static void free_table_level(u64 *table, int level)
{
    if (level > 1) {
        for (int i = 0; i < PT_ENTRIES; i++) {
            if (table[i] & PTE_PRESENT) {
                free_table_level(table_at(table[i]), level - 1);
            }
        }
    }
    page_free(table, 0);
}

void addr_space_free_user(struct addr_space *as)
{
    for (int i = 0; i < PT_ENTRIES / 2; i++) {
        if (as->pml4[i] & PTE_PRESENT) {
            free_table_level(table_at(as->pml4[i]), 3);
        }
    }
    page_free(as->pml4, 0);
    as->pml4 = NULL;
}

void addr_space_activate(struct addr_space *as)
{
    if (read_cr3() != as->pml4_phys) {
        write_cr3(as->pml4_phys);
    }
}

void vm_flush_all(struct addr_space *as)
{
    if (read_cr3() == as->pml4_phys) {
        write_cr3(as->pml4_phys);
    }
}
