/* SPDX-License-Identifier: MIT */
/* Kernel heap (kernel/mm/slab.c): size-class slab caches for small objects
 * and whole buddy blocks for large ones. Out of memory returns NULL.
 * kmalloc(0) returns NULL (not counted as a failure). kfree(NULL) is a no-op;
 * kfree of a pointer kmalloc did not return, or of one already freed, is
 * reported with pr_warn, counted in bad_frees and otherwise ignored. */
#ifndef KERNEL_KMALLOC_H
#define KERNEL_KMALLOC_H

#include <kernel/types.h>

/* Returned memory is aligned to min(size rounded up to a power of two, 16),
 * and large allocations (> KMALLOC_MAX_SLAB) are page aligned. */
#define KMALLOC_MAX_SLAB 2048

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);
/* The usable size of an allocation (>= requested size). */
size_t ksize(const void *p);

struct kmalloc_stats {
    u64 bytes_in_use; /* sum of usable sizes of live allocations */
    u64 pages_in_use; /* frames held by slabs and large allocations */
    u64 allocs_total;
    u64 frees_total;
    u64 failures_total; /* requests that returned NULL */
    u64 bad_frees; /* kfree calls ignored (invalid or double free) */
};
void kmalloc_get_stats(struct kmalloc_stats *st);
/* Frees slab pages that hold no objects (returns frames to the buddy). */
void kmalloc_shrink(void);

#endif
