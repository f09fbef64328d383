// SPDX-License-Identifier: MIT
/* The kernel's page allocator: one buddy zone over all of RAM, behind a
 * spinlock, seen through the direct map. */
#include <arch/x86_64/memlayout.h>
#include <kernel/buddy.h>
#include <kernel/compiler.h>
#include <kernel/mm.h>
#include <kernel/page_alloc.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>

#define BOOT_MAPPED_LIMIT (1ull << 30) /* the boot page tables map the first GiB */
#define MAX_EXCLUDED (BOOT_MAX_MODULES + 4)

static struct buddy_zone zone;
static spinlock_t zone_lock = SPINLOCK_INIT("page_alloc");

struct phys_range {
    u64 start, end; /* page aligned, end exclusive */
};

static struct phys_range excluded[MAX_EXCLUDED];
static int nexcluded;
static const struct boot_info *mm_boot_info;
static u64 mm_limit;

extern char _kernel_phys_start[], _kernel_phys_end[];

static void exclude(u64 start, u64 end)
{
    if (nexcluded < MAX_EXCLUDED) {
        excluded[nexcluded].start = ALIGN_DOWN(start, PAGE_SIZE);
        excluded[nexcluded].end = ALIGN_UP(end, PAGE_SIZE);
        nexcluded++;
    }
}

/* Adds [start, end) to the zone minus the excluded ranges, clipped to
 * [lo, hi). */
static void add_usable(u64 start, u64 end, u64 lo, u64 hi)
{
    start = MAX(start, lo);
    end = MIN(end, hi);
    if (start >= end) {
        return;
    }
    for (int i = 0; i < nexcluded; i++) {
        if (excluded[i].start < end && excluded[i].end > start) {
            add_usable(start, excluded[i].start, lo, hi);
            add_usable(excluded[i].end, end, lo, hi);
            return;
        }
    }
    buddy_add_range(&zone, start >> PAGE_SHIFT, (end - start) >> PAGE_SHIFT);
}

static void add_all_usable(u64 lo, u64 hi)
{
    for (u32 i = 0; i < mm_boot_info->nregions; i++) {
        const struct mem_region *r = &mm_boot_info->regions[i];
        if (r->type != MEM_USABLE) {
            continue;
        }
        add_usable(ALIGN_UP(r->base, PAGE_SIZE), ALIGN_DOWN(r->base + r->length, PAGE_SIZE), lo,
                   hi);
    }
}

/* Finds room for the page metadata in usable RAM the boot tables map. */
static u64 place_metadata(u64 bytes)
{
    for (u32 i = 0; i < mm_boot_info->nregions; i++) {
        const struct mem_region *r = &mm_boot_info->regions[i];
        if (r->type != MEM_USABLE) {
            continue;
        }
        u64 start = ALIGN_UP(MAX(r->base, PAGE_SIZE), PAGE_SIZE);
        u64 end = MIN(ALIGN_DOWN(r->base + r->length, PAGE_SIZE), MIN(BOOT_MAPPED_LIMIT, mm_limit));
        /* Slide past excluded ranges. */
        bool moved = true;
        while (moved && start < end) {
            moved = false;
            for (int j = 0; j < nexcluded; j++) {
                if (excluded[j].start < start + bytes && excluded[j].end > start) {
                    start = excluded[j].end;
                    moved = true;
                }
            }
        }
        if (start < end && end - start >= bytes) {
            return start;
        }
    }
    return 0;
}

void mm_init(const struct boot_info *bi, phys_addr_t info_phys, u64 info_size, u64 mem_limit)
{
    mm_boot_info = bi;
    mm_limit = mem_limit ? mem_limit : ~0ull;

    u64 max_end = 0;
    u64 usable_bytes = 0;
    for (u32 i = 0; i < bi->nregions; i++) {
        const struct mem_region *r = &bi->regions[i];
        if (r->type == MEM_USABLE) {
            u64 end = MIN(r->base + r->length, mm_limit);
            max_end = MAX(max_end, end);
            if (end > r->base) {
                usable_bytes += end - r->base;
            }
        }
    }
    if (max_end == 0) {
        panic("no usable memory in the boot loader's memory map");
    }
    max_end = MIN(ALIGN_DOWN(max_end, PAGE_SIZE), DIRECT_MAP_SIZE);

    /* Page 0 stays unused so that physical address 0 is never handed out. */
    exclude(0, PAGE_SIZE);
    exclude((u64)_kernel_phys_start, (u64)_kernel_phys_end);
    exclude(info_phys, info_phys + info_size);
    for (u32 i = 0; i < bi->nmodules; i++) {
        exclude(bi->modules[i].start, bi->modules[i].end);
    }

    u64 npages = max_end >> PAGE_SHIFT;
    u64 meta_bytes = ALIGN_UP(npages * sizeof(struct page), PAGE_SIZE);
    u64 meta = place_metadata(meta_bytes);
    if (!meta) {
        panic("not enough memory: %llu KiB usable, no room for %llu KiB of page metadata",
              (unsigned long long)(usable_bytes >> 10), (unsigned long long)(meta_bytes >> 10));
    }
    exclude(meta, meta + meta_bytes);

    buddy_init(&zone, 0, npages, phys_to_virt(meta));
    add_all_usable(0, MIN(BOOT_MAPPED_LIMIT, max_end));

    u64 kernel_kib = ((u64)_kernel_phys_end - (u64)_kernel_phys_start) >> 10;
    printk(LOG_INFO,
           "mm: %llu KiB usable RAM, kernel %llu KiB, page metadata %llu KiB, %llu KiB free\n",
           (unsigned long long)(usable_bytes >> 10), (unsigned long long)kernel_kib,
           (unsigned long long)(meta_bytes >> 10), (unsigned long long)(zone.free_pages << 2));
    if (zone.free_pages < MM_MIN_FREE_PAGES) {
        panic("not enough memory: %llu KiB free after loading the kernel, need at least %llu KiB "
              "(boot with more memory, e.g. -m 16M)",
              (unsigned long long)(zone.free_pages << 2),
              (unsigned long long)(MM_MIN_FREE_PAGES << 2));
    }
}

void mm_init_late(void)
{
    u64 flags = spin_lock_irqsave(&zone_lock);
    add_all_usable(BOOT_MAPPED_LIMIT, MIN(zone.npages << PAGE_SHIFT, mm_limit));
    spin_unlock_irqrestore(&zone_lock, flags);
}

void *page_alloc(unsigned int order)
{
    u64 flags = spin_lock_irqsave(&zone_lock);
    struct page *p = buddy_alloc(&zone, order);
    spin_unlock_irqrestore(&zone_lock, flags);
    if (!p) {
        return NULL;
    }
    return phys_to_virt(buddy_page_to_pfn(&zone, p) << PAGE_SHIFT);
}

void page_free(void *addr, unsigned int order)
{
    struct page *p = virt_to_page(addr);
    if (!p) {
        pr_err("page_free: %p is not a page of RAM\n", addr);
        return;
    }
    u64 flags = spin_lock_irqsave(&zone_lock);
    buddy_free(&zone, p, order);
    spin_unlock_irqrestore(&zone_lock, flags);
}

struct page *virt_to_page(const void *addr)
{
    return buddy_pfn_to_page(&zone, virt_to_phys(addr) >> PAGE_SHIFT);
}

void page_alloc_stats(struct page_stats *st)
{
    u64 flags = spin_lock_irqsave(&zone_lock);
    st->total_pages = zone.total_pages;
    st->free_pages = zone.free_pages;
    spin_unlock_irqrestore(&zone_lock, flags);
}

int page_alloc_check(void)
{
    u64 flags = spin_lock_irqsave(&zone_lock);
    int r = buddy_check(&zone);
    spin_unlock_irqrestore(&zone_lock, flags);
    return r;
}
