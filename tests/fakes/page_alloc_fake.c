// SPDX-License-Identifier: MIT
/* Host fake of kernel/mm/page_alloc.c over a host arena (see page_alloc_fake.h).
 * Free frames are filled with junk on allocation and, under ASan, poisoned
 * while free so stale accesses are reported. */
#include "fakes/page_alloc_fake.h"

#include <kernel/page_alloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define ARENA_ALIGN (PAGE_SIZE << BUDDY_MAX_ORDER)

static struct buddy_zone zone;
static struct page *pages;
static unsigned char *arena;
static size_t arena_bytes;
static long fail_after = -1;

void fake_pages_fini(void)
{
    if (arena) {
        UNPOISON(arena, arena_bytes);
        free(arena);
    }
    free(pages);
    arena = NULL;
    pages = NULL;
    memset(&zone, 0, sizeof(zone));
}

void fake_pages_init(size_t npages)
{
    fake_pages_fini();
    arena_bytes = (npages * PAGE_SIZE + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
    arena = aligned_alloc(ARENA_ALIGN, arena_bytes);
    pages = calloc(npages, sizeof(*pages));
    if (!arena || !pages) {
        fprintf(stderr, "fake_pages_init: out of host memory\n");
        abort();
    }
    u64 base = (uintptr_t)arena >> PAGE_SHIFT;
    buddy_init(&zone, base, npages, pages);
    buddy_add_range(&zone, base, npages);
    POISON(arena, arena_bytes);
    fail_after = -1;
}

void fake_pages_set_fail_after(long n)
{
    fail_after = n;
}

struct buddy_zone *fake_pages_zone(void)
{
    return &zone;
}

void *page_alloc(unsigned int order)
{
    if (fail_after == 0) {
        return NULL;
    }
    struct page *p = buddy_alloc(&zone, order);
    if (!p) {
        return NULL;
    }
    if (fail_after > 0) {
        fail_after--;
    }
    void *addr = (void *)(uintptr_t)(buddy_page_to_pfn(&zone, p) << PAGE_SHIFT);
    UNPOISON(addr, PAGE_SIZE << order);
    memset(addr, 0xa5, PAGE_SIZE << order);
    return addr;
}

void page_free(void *addr, unsigned int order)
{
    struct page *p = virt_to_page(addr);
    if (!p || ((uintptr_t)addr & (PAGE_SIZE - 1))) {
        fprintf(stderr, "page_free: bad address %p\n", addr);
        abort();
    }
    u64 bad = zone.bad_frees;
    buddy_free(&zone, p, order);
    if (zone.bad_frees == bad) {
        POISON(addr, PAGE_SIZE << order);
    }
}

struct page *virt_to_page(const void *addr)
{
    return buddy_pfn_to_page(&zone, (uintptr_t)addr >> PAGE_SHIFT);
}

void page_alloc_stats(struct page_stats *st)
{
    st->total_pages = zone.total_pages;
    st->free_pages = zone.free_pages;
}
