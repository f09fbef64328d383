// SPDX-License-Identifier: MIT
/* Allocator self-tests: random stress with the counters back to their
 * baseline afterwards, exhaustion returning NULL, and the paging API. */
#include <abi/errno.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/memlayout.h>
#include <arch/x86_64/paging.h>
#include <kernel/kmalloc.h>
#include <kernel/page_alloc.h>
#include <kernel/selftest.h>
#include <kernel/string.h>

#include "rand.h"

#define STRESS_SLOTS 256
#define STRESS_STEPS 20000

struct stress_slot {
    void *p;
    size_t size;
    unsigned order; /* pages: order; kmalloc: ~0u */
    u8 fill;
};

static bool check_fill(const u8 *p, size_t n, u8 v)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != v) {
            return false;
        }
    }
    return true;
}

static void release(struct stress_slot *s)
{
    if (s->order == ~0u) {
        kfree(s->p);
    } else {
        page_free(s->p, s->order);
    }
    s->p = NULL;
}

SELFTEST(alloc_stress)
{
    static struct stress_slot slots[STRESS_SLOTS];
    struct page_stats before, after;
    struct kmalloc_stats kbefore, kafter;
    kmalloc_shrink();
    page_alloc_stats(&before);
    kmalloc_get_stats(&kbefore);
    u64 seed = 0x5eed1234;

    for (int step = 0; step < STRESS_STEPS; step++) {
        struct stress_slot *s = &slots[st_rand(&seed) % STRESS_SLOTS];
        if (s->p) {
            size_t n = s->order == ~0u ? s->size : (PAGE_SIZE << s->order);
            ST_CHECK(check_fill(s->p, n, s->fill), "allocation %p (%zu bytes) was overwritten",
                     s->p, n);
            release(s);
            continue;
        }
        s->fill = (u8)st_rand(&seed);
        if (st_rand(&seed) % 4 == 0) {
            s->order = (unsigned)(st_rand(&seed) % 4);
            s->size = PAGE_SIZE << s->order;
            s->p = page_alloc(s->order);
        } else {
            s->order = ~0u;
            s->size = 1 + st_rand(&seed) % 5000;
            s->p = kmalloc(s->size);
        }
        ST_CHECK(s->p != NULL, "allocation of %zu bytes failed", s->size);
        memset(s->p, s->fill, s->size);
    }
    for (int i = 0; i < STRESS_SLOTS; i++) {
        if (slots[i].p) {
            release(&slots[i]);
        }
    }
    kmalloc_shrink();
    page_alloc_stats(&after);
    kmalloc_get_stats(&kafter);
    ST_CHECK(page_alloc_check() == 0, "buddy invariants broken (%d)", page_alloc_check());
    ST_CHECK(after.free_pages == before.free_pages, "free pages %llu, baseline %llu",
             (unsigned long long)after.free_pages, (unsigned long long)before.free_pages);
    ST_CHECK(kafter.bytes_in_use == kbefore.bytes_in_use, "heap bytes in use %llu, baseline %llu",
             (unsigned long long)kafter.bytes_in_use, (unsigned long long)kbefore.bytes_in_use);
    return 0;
}

/* Takes every free page, one at a time, chaining them through their first
 * word; the allocator must say NULL at the end, not panic. */
SELFTEST(alloc_exhaustion)
{
    struct page_stats before, after;
    kmalloc_shrink();
    page_alloc_stats(&before);
    void *chain = NULL;
    u64 taken = 0;
    for (;;) {
        void **p = page_alloc(0);
        if (!p) {
            break;
        }
        *p = chain;
        chain = p;
        taken++;
    }
    void *big = kmalloc(64 * 1024);
    while (chain) {
        void *next = *(void **)chain;
        page_free(chain, 0);
        chain = next;
    }
    ST_CHECK(big == NULL, "kmalloc succeeded with no free memory");
    ST_CHECK(taken == before.free_pages, "took %llu pages, %llu were free",
             (unsigned long long)taken, (unsigned long long)before.free_pages);
    page_alloc_stats(&after);
    ST_CHECK(after.free_pages == before.free_pages, "free pages %llu, baseline %llu",
             (unsigned long long)after.free_pages, (unsigned long long)before.free_pages);
    ST_CHECK(page_alloc_check() == 0, "buddy invariants broken");
    return 0;
}

/* A scratch address in the kernel-stack area, far above any stack slot. */
#define TEST_VA (KSTACK_AREA_BASE + 0x7000000000ull)

SELFTEST(paging_api)
{
    struct page_stats before, after;
    page_alloc_stats(&before);
    u8 *frame = page_alloc(9); /* 2 MiB, suitably aligned by the buddy */
    ST_CHECK(frame != NULL, "no 2 MiB block");
    phys_addr_t pa = virt_to_phys(frame);
    memset(frame, 0xab, PAGE_SIZE);

    ST_CHECK(vm_map_page(&kernel_as, TEST_VA, pa, PTE_KERNEL_RW) == 0, "map 4 KiB");
    ST_CHECK(*(volatile u8 *)TEST_VA == 0xab, "read through the new mapping");
    *(volatile u8 *)(TEST_VA + 1) = 0xcd;
    ST_CHECK(frame[1] == 0xcd, "write through the new mapping");
    phys_addr_t qpa;
    u64 flags, size;
    ST_CHECK(vm_query(&kernel_as, TEST_VA + 5, &qpa, &flags, &size) == 0 && qpa == pa + 5 &&
                 size == PAGE_SIZE && (flags & PTE_WRITE),
             "query 4 KiB");
    ST_CHECK(vm_protect_page(&kernel_as, TEST_VA, PTE_KERNEL_RO) == 0, "protect");
    ST_CHECK(vm_query(&kernel_as, TEST_VA, &qpa, &flags, &size) == 0 && !(flags & PTE_WRITE),
             "still writable after protect");
    ST_CHECK(vm_unmap_page(&kernel_as, TEST_VA, &qpa) == 0 && qpa == pa, "unmap 4 KiB");
    ST_CHECK(vm_query(&kernel_as, TEST_VA, &qpa, &flags, &size) == -ENOENT, "mapped after unmap");

    u64 huge_va = TEST_VA + HUGE_PAGE_SIZE;
    ST_CHECK(vm_map_huge(&kernel_as, huge_va, pa, PTE_KERNEL_RW) == 0, "map 2 MiB");
    ST_CHECK(vm_query(&kernel_as, huge_va + 0x12345, &qpa, &flags, &size) == 0 &&
                 qpa == pa + 0x12345 && size == HUGE_PAGE_SIZE,
             "query 2 MiB");
    /* Unmapping one 4 KiB page splits the 2 MiB page around it. */
    ST_CHECK(vm_unmap_page(&kernel_as, huge_va + 0x3000, &qpa) == 0 && qpa == pa + 0x3000,
             "unmap inside 2 MiB");
    ST_CHECK(vm_query(&kernel_as, huge_va + 0x3000, &qpa, &flags, &size) == -ENOENT,
             "split page still mapped");
    ST_CHECK(vm_query(&kernel_as, huge_va + 0x4000, &qpa, &flags, &size) == 0 &&
                 qpa == pa + 0x4000 && size == PAGE_SIZE,
             "neighbour lost in split");
    ST_CHECK(*(volatile u8 *)(huge_va + 1) == 0xcd, "read after split");
    for (u64 off = 0; off < HUGE_PAGE_SIZE; off += PAGE_SIZE) {
        vm_unmap_page(&kernel_as, huge_va + off, NULL);
    }
    ST_CHECK(vm_query(&kernel_as, huge_va, &qpa, &flags, &size) == -ENOENT, "unmap all");
    ST_CHECK(vm_map_page(&kernel_as, TEST_VA + 1, pa, PTE_KERNEL_RW) == -EINVAL,
             "misaligned map accepted");
    page_free(frame, 9);

    page_alloc_stats(&after);
    /* Page-table pages made for the scratch range stay (as Linux keeps them). */
    ST_CHECK(after.free_pages + 4 >= before.free_pages, "leaked %lld pages",
             (long long)(before.free_pages - after.free_pages));
    return 0;
}

SELFTEST(kernel_protections)
{
    extern char _text_start[], _rodata_start[], _data_start[], boot_stack_guard[];
    phys_addr_t pa;
    u64 flags, size;
    ST_CHECK(vm_query(&kernel_as, (u64)_text_start, &pa, &flags, &size) == 0, "text unmapped");
    ST_CHECK(!(flags & PTE_WRITE) && !(flags & PTE_NX), "text is writable or NX");
    ST_CHECK(vm_query(&kernel_as, (u64)_rodata_start, &pa, &flags, &size) == 0, "rodata unmapped");
    ST_CHECK(!(flags & PTE_WRITE), "rodata is writable");
    ST_CHECK(vm_query(&kernel_as, (u64)_data_start, &pa, &flags, &size) == 0, "data unmapped");
    ST_CHECK((flags & PTE_WRITE), "data is read-only");
    if (cpu_features.nx) {
        ST_CHECK(flags & PTE_NX, "data is executable");
    }
    ST_CHECK(vm_query(&kernel_as, (u64)boot_stack_guard, &pa, &flags, &size) == -ENOENT,
             "boot stack guard page is mapped");
    ST_CHECK(vm_query(&kernel_as, 0, &pa, &flags, &size) == -ENOENT, "page 0 is mapped");
    return 0;
}
