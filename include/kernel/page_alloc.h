/* SPDX-License-Identifier: MIT */
/* Page allocation for the kernel: buddy frames seen through the direct map.
 * Implemented by kernel/mm/page_alloc.c (locked), and by a fake in host tests. */
#ifndef KERNEL_PAGE_ALLOC_H
#define KERNEL_PAGE_ALLOC_H

#include <kernel/buddy.h>
#include <kernel/types.h>

/* Returns the direct-map address of 2^order contiguous frames (contents
 * undefined), or NULL when memory is exhausted. */
void *page_alloc(unsigned int order);
void page_free(void *addr, unsigned int order);
/* The page metadata of a direct-map address returned by page_alloc. */
struct page *virt_to_page(const void *addr);

struct page_stats {
    u64 total_pages;
    u64 free_pages;
};
void page_alloc_stats(struct page_stats *st);
/* buddy_check on the kernel's zone (self-tests). */
int page_alloc_check(void);

#endif
