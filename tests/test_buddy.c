// SPDX-License-Identifier: MIT
/* Host tests of kernel/mm/buddy.c: deterministic cases and a randomized
 * stress against a bitmap model. SEED=<n> overrides the stress seed. */
#include "harness.h"

#include <kernel/buddy.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

HARNESS("test_buddy");

#define MAX_BLOCK (1ULL << BUDDY_MAX_ORDER)

static struct page *new_zone(struct buddy_zone *z, u64 base, u64 npages)
{
    struct page *pages = calloc(npages, sizeof(*pages));
    if (!pages) {
        abort();
    }
    buddy_init(z, base, npages, pages);
    return pages;
}

static u64 pfn_of(struct buddy_zone *z, struct page *p)
{
    return buddy_page_to_pfn(z, p);
}

static void test_init_all_reserved(void)
{
    struct buddy_zone z;
    struct page *pages = new_zone(&z, 0, 100);

    CHECK_EQ(buddy_check(&z), 0);
    CHECK_EQ(z.free_pages, 0);
    CHECK_EQ(z.total_pages, 0);
    CHECK(buddy_alloc(&z, 0) == NULL);
    for (int i = 0; i < 100; i++) {
        CHECK_EQ(pages[i].flags, PAGE_RESERVED);
    }
    free(pages);
}

static void test_every_order(void)
{
    struct buddy_zone z;
    struct page *pages = new_zone(&z, 0, 2 * MAX_BLOCK);

    buddy_add_range(&z, 0, 2 * MAX_BLOCK);
    CHECK_EQ(buddy_check(&z), 0);
    CHECK_EQ(z.total_pages, 2 * MAX_BLOCK);
    CHECK_EQ(z.nr_free[BUDDY_MAX_ORDER], 2);
    for (unsigned int k = 0; k <= BUDDY_MAX_ORDER; k++) {
        struct page *p = buddy_alloc(&z, k);
        CHECK(p != NULL);
        CHECK_EQ(pfn_of(&z, p) % (1ULL << k), 0);
        CHECK_EQ(p->order, k);
        CHECK_EQ(p->refcount, 1);
        CHECK_EQ(p->flags & (PAGE_FREE | PAGE_BUDDY | PAGE_RESERVED), 0);
        CHECK_EQ(z.free_pages, 2 * MAX_BLOCK - (1ULL << k));
        CHECK_EQ(buddy_check(&z), 0);
        buddy_free(&z, p, k);
        CHECK_EQ(buddy_check(&z), 0);
        CHECK_EQ(z.free_pages, 2 * MAX_BLOCK);
        CHECK_EQ(z.nr_free[BUDDY_MAX_ORDER], 2);
    }
    CHECK(buddy_alloc(&z, BUDDY_MAX_ORDER + 1) == NULL);
    CHECK_EQ(z.bad_frees, 0);
    free(pages);
}

static void test_merge_order0(void)
{
    struct buddy_zone z;
    u64 n = 2 * MAX_BLOCK;
    struct page *pages = new_zone(&z, 0, n);
    struct page **got = calloc(n, sizeof(*got));

    buddy_add_range(&z, 0, n);
    for (u64 i = 0; i < n; i++) {
        got[i] = buddy_alloc(&z, 0);
        CHECK(got[i] != NULL);
    }
    CHECK(buddy_alloc(&z, 0) == NULL);
    CHECK_EQ(z.free_pages, 0);
    CHECK_EQ(buddy_check(&z), 0);
    /* Free even pfns, then odd ones: nothing merges until the second pass. */
    for (int pass = 0; pass < 2; pass++) {
        for (u64 i = 0; i < n; i++) {
            if (pfn_of(&z, got[i]) % 2 == (u64)pass) {
                buddy_free(&z, got[i], 0);
            }
        }
        CHECK_EQ(buddy_check(&z), 0);
        if (pass == 0) {
            CHECK_EQ(z.nr_free[0], n / 2);
        }
    }
    CHECK_EQ(z.free_pages, n);
    CHECK_EQ(z.nr_free[BUDDY_MAX_ORDER], 2);
    for (unsigned int k = 0; k < BUDDY_MAX_ORDER; k++) {
        CHECK_EQ(z.nr_free[k], 0);
    }
    free(got);
    free(pages);
}

static bool in_ranges(u64 pfn, const u64 (*r)[2], int nr)
{
    for (int i = 0; i < nr; i++) {
        if (pfn >= r[i][0] && pfn < r[i][1]) {
            return true;
        }
    }
    return false;
}

static void test_unaligned_ranges(void)
{
    struct buddy_zone z;
    const u64 ranges[][2] = {{3, 517}, {600, 1500}, {1501, 2999}};
    struct page *pages = new_zone(&z, 0, 3000);
    u64 total = 0;
    u64 snapshot[BUDDY_MAX_ORDER + 1];

    for (int i = 0; i < 3; i++) {
        buddy_add_range(&z, ranges[i][0], ranges[i][1] - ranges[i][0]);
        total += ranges[i][1] - ranges[i][0];
        CHECK_EQ(buddy_check(&z), 0);
    }
    CHECK_EQ(z.total_pages, total);
    CHECK_EQ(z.free_pages, total);
    memcpy(snapshot, z.nr_free, sizeof(snapshot));
    /* pfn 3 is only 1-aligned, 4..7 is an order-2 block, 1500 is a hole. */
    CHECK_EQ(pages[3].flags & PAGE_FREE, PAGE_FREE);
    CHECK_EQ(pages[3].order, 0);
    CHECK_EQ(pages[4].order, 2);
    CHECK_EQ(pages[1500].flags, PAGE_RESERVED);

    u64 count = 0;
    struct page **got = calloc(total, sizeof(*got));
    struct page *p;
    while ((p = buddy_alloc(&z, 0)) != NULL) {
        CHECK(count < total);
        CHECK(in_ranges(pfn_of(&z, p), ranges, 3));
        got[count++] = p;
    }
    CHECK_EQ(count, total);
    for (u64 i = 0; i < 3000; i++) {
        if (!in_ranges(i, ranges, 3)) {
            CHECK_EQ(pages[i].flags, PAGE_RESERVED);
        }
    }
    for (u64 i = 0; i < count; i++) {
        buddy_free(&z, got[count - 1 - i], 0);
    }
    CHECK_EQ(buddy_check(&z), 0);
    CHECK_EQ(memcmp(snapshot, z.nr_free, sizeof(snapshot)), 0);
    CHECK_EQ(pages[1500].flags, PAGE_RESERVED);
    free(got);
    free(pages);
}

static void test_add_range_overlap_and_clip(void)
{
    struct buddy_zone z;
    struct page *pages = new_zone(&z, 100, 200);

    buddy_add_range(&z, 50, 100); /* clipped to [100, 150) */
    buddy_add_range(&z, 120, 60); /* [150, 180) new */
    buddy_add_range(&z, 250, 1000); /* clipped to [250, 300) */
    buddy_add_range(&z, 290, UINT64_MAX); /* no overflow, nothing new */
    CHECK_EQ(buddy_check(&z), 0);
    CHECK_EQ(z.total_pages, 50 + 30 + 50);
    CHECK_EQ(z.free_pages, 130);
    CHECK_EQ(pages[80].flags, PAGE_RESERVED); /* pfn 180 */
    free(pages);
}

static void test_exhaustion(void)
{
    struct buddy_zone z;
    struct page *pages = new_zone(&z, 8, 8);

    buddy_add_range(&z, 8, 8);
    CHECK(buddy_alloc(&z, 4) == NULL);
    struct page *p = buddy_alloc(&z, 3);
    CHECK(p != NULL);
    CHECK_EQ(pfn_of(&z, p), 8);
    CHECK(buddy_alloc(&z, 0) == NULL);
    CHECK_EQ(z.free_pages, 0);
    buddy_free(&z, p, 3);
    CHECK_EQ(z.free_pages, 8);
    CHECK_EQ(z.nr_free[3], 1);
    CHECK_EQ(buddy_check(&z), 0);
    free(pages);
}

static void test_bad_frees(void)
{
    struct buddy_zone z;
    struct page *pages = new_zone(&z, 0, 64);
    struct page other;

    buddy_add_range(&z, 0, 60);
    struct page *a = buddy_alloc(&z, 0);
    struct page *b = buddy_alloc(&z, 0);
    CHECK(a != NULL && b != NULL);
    CHECK_EQ(pfn_of(&z, a) ^ pfn_of(&z, b), 1);
    struct page *big = buddy_alloc(&z, 2);
    CHECK(big != NULL);
    u64 free_before = z.free_pages;

    buddy_free(&z, a, 0);
    buddy_free(&z, b, 0); /* merges with a */
    buddy_free(&z, b, 0); /* b is now a tail of a free block */
    buddy_free(&z, a, 0);
    CHECK_EQ(z.bad_frees, 2);
    CHECK_EQ(z.free_pages, free_before + 2);
    CHECK_EQ(buddy_check(&z), 0);

    buddy_free(&z, big, 1); /* wrong order */
    buddy_free(&z, big + 1, 0); /* tail of an allocated block */
    buddy_free(&z, big + 2, 1);
    buddy_free(&z, big, BUDDY_MAX_ORDER + 1);
    buddy_free(&z, &pages[62], 0); /* reserved */
    buddy_free(&z, &other, 0); /* outside the zone */
    buddy_free(&z, (struct page *)((char *)big + 1), 0);
    CHECK_EQ(z.bad_frees, 9);
    CHECK_EQ(z.free_pages, free_before + 2);
    CHECK_EQ(buddy_check(&z), 0);

    buddy_free(&z, big, 2);
    buddy_free(&z, big, 2);
    CHECK_EQ(z.bad_frees, 10);
    CHECK_EQ(z.free_pages, 60);
    CHECK_EQ(buddy_check(&z), 0);
    free(pages);
}

static void test_base_not_zero(void)
{
    struct buddy_zone z;
    u64 base = 12345;
    u64 n = 5000;
    struct page *pages = new_zone(&z, base, n);

    buddy_add_range(&z, base, n);
    CHECK_EQ(buddy_check(&z), 0);
    CHECK_EQ(pages[0].order, 0); /* 12345 is odd */
    CHECK_EQ(pages[0].flags & PAGE_FREE, PAGE_FREE);
    struct page *p = buddy_alloc(&z, BUDDY_MAX_ORDER);
    CHECK(p != NULL);
    CHECK_EQ(pfn_of(&z, p) % MAX_BLOCK, 0);
    CHECK(buddy_pfn_to_page(&z, base - 1) == NULL);
    CHECK(buddy_pfn_to_page(&z, base + n) == NULL);
    CHECK(buddy_pfn_to_page(&z, base) == &pages[0]);
    buddy_free(&z, p, BUDDY_MAX_ORDER);
    CHECK_EQ(z.free_pages, n);
    CHECK_EQ(buddy_check(&z), 0);
    free(pages);
}

static void test_check_detects(void)
{
    struct buddy_zone z;
    struct page *pages = new_zone(&z, 0, 64);

    buddy_add_range(&z, 0, 64);
    struct page *p = buddy_alloc(&z, 0);
    CHECK_EQ(buddy_check(&z), 0);

    z.free_pages++;
    CHECK_EQ(buddy_check(&z), BUDDY_ERR_COUNT);
    z.free_pages--;
    z.nr_free[1]++;
    CHECK_EQ(buddy_check(&z), BUDDY_ERR_NR_FREE);
    z.nr_free[1]--;
    pages[40].flags |= PAGE_FREE; /* tail of the order-5 block at 32 */
    CHECK_EQ(buddy_check(&z), BUDDY_ERR_TAIL);
    pages[40].flags &= ~PAGE_FREE;
    p->flags |= PAGE_BUDDY;
    CHECK_EQ(buddy_check(&z), BUDDY_ERR_STRAY);
    p->flags &= ~PAGE_BUDDY;
    pages[32].order = 4;
    CHECK_EQ(buddy_check(&z), BUDDY_ERR_HEAD);
    pages[32].order = 5;
    CHECK_EQ(buddy_check(&z), 0);
    buddy_free(&z, p, 0);
    CHECK_EQ(buddy_check(&z), 0);
    free(pages);
}

/* Stress ------------------------------------------------------------------ */

struct live {
    u64 pfn;
    unsigned int order;
};

/* True when some naturally aligned 2^k block of added, unallocated frames
 * exists in the model (then buddy_alloc must not fail). */
static bool model_has_block(const u8 *added, const u8 *used, u64 base, u64 n, unsigned int k)
{
    u64 sz = 1ULL << k;
    for (u64 pfn = ALIGN_UP(base, sz); pfn + sz <= base + n; pfn += sz) {
        bool ok = true;
        for (u64 i = 0; i < sz && ok; i++) {
            ok = added[pfn - base + i] && !used[pfn - base + i];
        }
        if (ok) {
            return true;
        }
    }
    return false;
}

static void test_random_stress(void)
{
    const u64 base = 777;
    const u64 n = 20000;
    const long steps = 300000;
    struct buddy_zone z;
    struct page *pages = new_zone(&z, base, n);
    u8 *added = calloc(n, 1);
    u8 *used = calloc(n, 1);
    struct live *live = calloc(n, sizeof(*live));
    size_t nlive = 0;
    u64 total = 0;
    u64 used_pages = 0;
    u64 snapshot[BUDDY_MAX_ORDER + 1];
    long null_allocs = 0;
    long double_frees = 0;

    /* Added segments separated by small reserved holes. */
    for (u64 pfn = base; pfn < base + n;) {
        u64 len = 1 + harness_rand() % 3000;
        len = MIN(len, base + n - pfn);
        buddy_add_range(&z, pfn, len);
        for (u64 i = 0; i < len; i++) {
            added[pfn - base + i] = 1;
        }
        total += len;
        pfn += len + harness_rand() % 40;
    }
    CHECK_EQ(z.total_pages, total);
    CHECK_EQ(buddy_check(&z), 0);
    memcpy(snapshot, z.nr_free, sizeof(snapshot));

    for (long step = 0; step < steps; step++) {
        /* Alternate filling and draining phases to reach exhaustion. */
        unsigned int p_alloc = ((step / 20000) % 2) ? 35 : 70;
        if (nlive == 0 || harness_rand() % 100 < p_alloc) {
            unsigned int k = 0;
            while (k < BUDDY_MAX_ORDER && harness_rand() % 100 < 45) {
                k++;
            }
            struct page *p = buddy_alloc(&z, k);
            if (!p) {
                if (null_allocs++ % 16 == 0) {
                    CHECK(!model_has_block(added, used, base, n, k));
                }
                continue;
            }
            u64 pfn = pfn_of(&z, p);
            u64 sz = 1ULL << k;
            CHECK(pfn >= base && pfn + sz <= base + n);
            CHECK_EQ(pfn % sz, 0);
            for (u64 i = 0; i < sz; i++) {
                CHECK(added[pfn - base + i]);
                CHECK(!used[pfn - base + i]);
                used[pfn - base + i] = 1;
            }
            used_pages += sz;
            live[nlive++] = (struct live){pfn, k};
        } else {
            size_t idx = harness_rand() % nlive;
            struct live l = live[idx];
            live[idx] = live[--nlive];
            u64 sz = 1ULL << l.order;
            buddy_free(&z, buddy_pfn_to_page(&z, l.pfn), l.order);
            for (u64 i = 0; i < sz; i++) {
                used[l.pfn - base + i] = 0;
            }
            used_pages -= sz;
            if (harness_rand() % 50 == 0) {
                u64 bad = z.bad_frees;
                buddy_free(&z, buddy_pfn_to_page(&z, l.pfn), l.order);
                CHECK_EQ(z.bad_frees, bad + 1);
                double_frees++;
            }
        }
        CHECK_EQ(z.free_pages, total - used_pages);
        if (step % 1000 == 0) {
            CHECK_EQ(buddy_check(&z), 0);
        }
    }
    CHECK_EQ(buddy_check(&z), 0);
    while (nlive > 0) {
        struct live l = live[--nlive];
        buddy_free(&z, buddy_pfn_to_page(&z, l.pfn), l.order);
    }
    CHECK_EQ(buddy_check(&z), 0);
    CHECK_EQ(z.free_pages, total);
    CHECK_EQ(memcmp(snapshot, z.nr_free, sizeof(snapshot)), 0);
    CHECK_EQ(z.bad_frees, double_frees);
    for (u64 i = 0; i < n; i++) {
        CHECK_EQ(!!(pages[i].flags & PAGE_RESERVED), !added[i]);
    }
    printf("  stress: %ld steps, %ld failed allocs, %ld double frees ignored\n", steps, null_allocs,
           double_frees);
    free(live);
    free(used);
    free(added);
    free(pages);
}

int main(void)
{
    harness_seed(0x6b696c6eULL);

    RUN(test_init_all_reserved);
    RUN(test_every_order);
    RUN(test_merge_order0);
    RUN(test_unaligned_ranges);
    RUN(test_add_range_overlap_and_clip);
    RUN(test_exhaustion);
    RUN(test_bad_frees);
    RUN(test_base_not_zero);
    RUN(test_check_detects);
    RUN(test_random_stress);
    HARNESS_EXIT();
}
