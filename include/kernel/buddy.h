/* SPDX-License-Identifier: MIT */
/* Binary buddy allocator over page frames (kernel/mm/buddy.c).
 *
 * Portable: it only manipulates `struct page` metadata, never the memory of
 * the frames, so host tests run it on fake frame numbers. Callers lock.
 *
 * Invariants (checked by buddy_check):
 *  - a free block of order k starts at a pfn that is a multiple of 2^k
 *    relative to pfn 0, lies inside the zone, and is on free_lists[k] once;
 *  - its first page has PAGE_FREE set and order == k; its other pages have
 *    PAGE_FREE clear;
 *  - two free buddies of the same order never coexist (they are merged);
 *  - free_pages == sum over k of nr_free[k] << k;
 *  - every page of a free block has PAGE_BUDDY set, and no other page does.
 *
 * buddy_alloc clears the flags of the block's pages (tails get PAGE_TAIL)
 * and sets the head's order to the block order and refcount to 1; users may
 * add their own flags but must keep PAGE_TAIL and the head's order. buddy_free
 * ignores (and counts in bad_frees) a block that is misaligned, outside the
 * zone, whose head order differs, or whose pages are not exactly one
 * allocated block (a reserved, free or tail head, or a tail lacking
 * PAGE_TAIL).
 */
#ifndef KERNEL_BUDDY_H
#define KERNEL_BUDDY_H

#include <kernel/list.h>
#include <kernel/types.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define BUDDY_MAX_ORDER 10 /* largest block: 2^10 pages = 4 MiB */

/* page.flags */
#define PAGE_FREE (1u << 0) /* head of a free buddy block */
#define PAGE_RESERVED (1u << 1) /* never handed to the allocator */
#define PAGE_SLAB (1u << 2) /* owned by a slab cache (page.slab valid) */
#define PAGE_LARGE (1u << 3) /* head of a large kmalloc (page.order valid) */
#define PAGE_BUDDY (1u << 4) /* any page of a free buddy block (buddy-owned) */
#define PAGE_TAIL (1u << 5) /* non-head page of an allocated block (buddy-owned) */

struct slab;

struct page {
    struct list_head list; /* free list or slab list */
    u32 flags;
    u8 order; /* block order while free, or large-allocation order */
    u32 refcount; /* users of the frame (CoW later); 1 when allocated */
    struct slab *slab;
};

struct buddy_zone {
    u64 base_pfn; /* pfn of pages[0] */
    u64 npages; /* frames described by pages[] */
    struct page *pages;
    struct list_head free_lists[BUDDY_MAX_ORDER + 1];
    u64 nr_free[BUDDY_MAX_ORDER + 1];
    u64 free_pages; /* frames currently free */
    u64 total_pages; /* frames ever handed to the allocator */
    u64 bad_frees; /* buddy_free calls rejected (double or invalid free) */
};

/* All npages frames start reserved (not allocatable). */
void buddy_init(struct buddy_zone *z, u64 base_pfn, u64 npages, struct page *pages);
/* Hands frames [pfn, pfn+count) to the allocator (boot time, usable RAM). */
void buddy_add_range(struct buddy_zone *z, u64 pfn, u64 count);
/* Returns the head page of a 2^order block, or NULL when none is free. */
struct page *buddy_alloc(struct buddy_zone *z, unsigned int order);
/* Returns a block obtained from buddy_alloc with the same order. */
void buddy_free(struct buddy_zone *z, struct page *p, unsigned int order);

static inline u64 buddy_page_to_pfn(const struct buddy_zone *z, const struct page *p)
{
    return z->base_pfn + (u64)(p - z->pages);
}

/* NULL when pfn lies outside the zone. */
static inline struct page *buddy_pfn_to_page(struct buddy_zone *z, u64 pfn)
{
    if (pfn < z->base_pfn || pfn - z->base_pfn >= z->npages) {
        return NULL;
    }
    return &z->pages[pfn - z->base_pfn];
}

/* buddy_check results: 0 when consistent. */
enum {
    BUDDY_ERR_LIST = -1, /* free list links broken or cyclic */
    BUDDY_ERR_RANGE = -2, /* free block outside the zone */
    BUDDY_ERR_ALIGN = -3, /* free block not aligned to its order */
    BUDDY_ERR_HEAD = -4, /* head lacks PAGE_FREE/PAGE_BUDDY or has wrong order */
    BUDDY_ERR_TAIL = -5, /* tail page has PAGE_FREE or lacks PAGE_BUDDY */
    BUDDY_ERR_UNMERGED = -6, /* free buddies of the same order coexist */
    BUDDY_ERR_NR_FREE = -7, /* nr_free[k] differs from the list length */
    BUDDY_ERR_COUNT = -8, /* free_pages differs from the lists' sum */
    BUDDY_ERR_STRAY = -9, /* free-marked page not in any listed block */
};

/* Verifies every invariant above; returns 0 or a negative code naming the
 * first one broken (for tests and the allocator self-test). */
int buddy_check(const struct buddy_zone *z);

#endif
