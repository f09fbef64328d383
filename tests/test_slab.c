// SPDX-License-Identifier: MIT
/* Host tests of kernel/mm/slab.c over the fake page allocator. Every case
 * leaves the heap empty and shrunk. SEED=<n> overrides the stress seed. */
#include "harness.h"

#include "fakes/page_alloc_fake.h"
#include "fakes/printk_fake.h"

#include <kernel/kmalloc.h>
#include <kernel/page_alloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

HARNESS("test_slab");

#define ARENA_PAGES 4096 /* 16 MiB */

static u64 pages_free(void)
{
    struct page_stats ps;
    page_alloc_stats(&ps);
    return ps.free_pages;
}

static struct kmalloc_stats stats(void)
{
    struct kmalloc_stats st;
    kmalloc_get_stats(&st);
    return st;
}

/* Baseline of a case: shrunk heap with nothing live. */
static struct kmalloc_stats base_st;
static u64 base_free;

static void baseline(void)
{
    kmalloc_shrink();
    base_st = stats();
    base_free = pages_free();
}

/* True when the heap is back at the baseline after a shrink. */
static bool at_baseline(void)
{
    kmalloc_shrink();
    struct kmalloc_stats st = stats();
    return st.bytes_in_use == 0 && st.pages_in_use == 0 && pages_free() == base_free &&
           pages_free() == ARENA_PAGES && buddy_check(fake_pages_zone()) == 0 &&
           fake_pages_zone()->bad_frees == 0 &&
           st.allocs_total - base_st.allocs_total == st.frees_total - base_st.frees_total;
}

static size_t expected_ksize(size_t size)
{
    size_t s = 16;
    if (size > KMALLOC_MAX_SLAB) {
        s = PAGE_SIZE;
    }
    while (s < size) {
        s *= 2;
    }
    return s;
}

static void test_size_classes(void)
{
    static const size_t sizes[] = {1,    2,    8,    15,   16,   17,    31,     32,     33,
                                   63,   64,   65,   127,  128,  129,   255,    256,    257,
                                   511,  512,  513,  1023, 1024, 1025,  2047,   2048,   2049,
                                   4095, 4096, 4097, 8192, 8193, 65536, 100000, 1 << 22};
    void *ptrs[ARRAY_SIZE(sizes)];
    u64 bytes = 0;

    baseline();
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        size_t sz = sizes[i];
        void *p = kmalloc(sz);
        CHECK(p != NULL);
        size_t ks = ksize(p);
        CHECK_EQ(ks, expected_ksize(sz));
        size_t align = sz > KMALLOC_MAX_SLAB ? PAGE_SIZE : MIN(expected_ksize(sz), (size_t)16);
        CHECK_EQ((uintptr_t)p % align, 0);
        struct page *pg = virt_to_page(p);
        CHECK(pg != NULL);
        CHECK(pg->flags & (sz > KMALLOC_MAX_SLAB ? PAGE_LARGE : PAGE_SLAB));
        memset(p, (int)(i + 1), ks);
        ptrs[i] = p;
        bytes += ks;
    }
    CHECK_EQ(stats().bytes_in_use, bytes);
    CHECK_EQ(stats().allocs_total - base_st.allocs_total, ARRAY_SIZE(sizes));
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        const u8 *b = ptrs[i];
        for (size_t j = 0; j < ksize(b); j++) {
            CHECK_EQ(b[j], i + 1);
        }
        kfree(ptrs[i]);
    }
    CHECK_EQ(stats().frees_total - base_st.frees_total, ARRAY_SIZE(sizes));
    CHECK(at_baseline());
}

static void test_zero_and_null(void)
{
    baseline();
    CHECK(kmalloc(0) == NULL);
    CHECK(kzalloc(0) == NULL);
    kfree(NULL);
    CHECK_EQ(ksize(NULL), 0);
    struct kmalloc_stats st = stats();
    CHECK_EQ(st.failures_total, base_st.failures_total);
    CHECK_EQ(st.bad_frees, base_st.bad_frees);
    CHECK_EQ(st.allocs_total, base_st.allocs_total);
    CHECK(at_baseline());
}

static void test_kzalloc(void)
{
    static const size_t sizes[] = {1, 24, 100, 2048, 3000, 20000};

    baseline();
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        /* Dirty the memory first so kzalloc has something to clear. */
        u8 *d = kmalloc(sizes[i]);
        CHECK(d != NULL);
        memset(d, 0xff, sizes[i]);
        kfree(d);
        u8 *p = kzalloc(sizes[i]);
        CHECK(p != NULL);
        for (size_t j = 0; j < sizes[i]; j++) {
            CHECK_EQ(p[j], 0);
        }
        kfree(p);
    }
    CHECK(at_baseline());
}

/* Fills many slabs of each class and checks that objects never overlap. */
static void test_no_overlap(void)
{
    enum { N = 600 };
    static u8 *ptrs[8][N];

    baseline();
    for (int c = 0; c < 8; c++) {
        size_t sz = 16u << c;
        for (int i = 0; i < N; i++) {
            ptrs[c][i] = kmalloc(sz);
            CHECK(ptrs[c][i] != NULL);
            memset(ptrs[c][i], (c * N + i) & 0xff, sz);
        }
    }
    CHECK_EQ(stats().bytes_in_use, (u64)N * (16 + 32 + 64 + 128 + 256 + 512 + 1024 + 2048));
    for (int c = 0; c < 8; c++) {
        size_t sz = 16u << c;
        for (int i = 0; i < N; i++) {
            for (size_t j = 0; j < sz; j++) {
                CHECK_EQ(ptrs[c][i][j], (c * N + i) & 0xff);
            }
        }
    }
    /* Free in an interleaved order to exercise partial/full transitions. */
    for (int pass = 0; pass < 3; pass++) {
        for (int c = 0; c < 8; c++) {
            for (int i = pass; i < N; i += 3) {
                kfree(ptrs[c][i]);
            }
        }
    }
    CHECK(at_baseline());
}

static void test_empty_slab_cache(void)
{
    enum { N = 1000 };
    static void *ptrs[N];

    baseline();
    void *p = kmalloc(64);
    CHECK(p != NULL);
    CHECK_EQ(stats().pages_in_use, 1);
    kfree(p);
    /* One empty slab stays cached and is reused. */
    CHECK_EQ(stats().pages_in_use, 1);
    u64 before = pages_free();
    void *q = kmalloc(64);
    CHECK(q == p);
    CHECK_EQ(pages_free(), before);
    kfree(q);

    for (int i = 0; i < N; i++) {
        ptrs[i] = kmalloc(64);
        CHECK(ptrs[i] != NULL);
    }
    CHECK(stats().pages_in_use >= 10);
    for (int i = 0; i < N; i++) {
        kfree(ptrs[i]);
    }
    CHECK_EQ(stats().pages_in_use, 1);
    CHECK_EQ(stats().bytes_in_use, 0);
    kmalloc_shrink();
    CHECK_EQ(stats().pages_in_use, 0);
    CHECK(at_baseline());
}

static void test_oom(void)
{
    enum { N = 2000 };
    static void *ptrs[N];

    baseline();
    fake_pages_set_fail_after(0);
    CHECK(kmalloc(32) == NULL);
    CHECK(kmalloc(5000) == NULL);
    CHECK(kzalloc(100) == NULL);
    CHECK_EQ(stats().failures_total, base_st.failures_total + 3);
    fake_pages_set_fail_after(-1);
    /* Larger than the largest buddy block: fails without asking for pages. */
    CHECK(kmalloc((PAGE_SIZE << BUDDY_MAX_ORDER) + 1) == NULL);
    CHECK(kmalloc(SIZE_MAX) == NULL);
    CHECK_EQ(stats().failures_total, base_st.failures_total + 5);

    /* Two slabs' worth of objects, then failure. */
    fake_pages_set_fail_after(2);
    int n = 0;
    while (n < N && (ptrs[n] = kmalloc(32)) != NULL) {
        n++;
    }
    CHECK(n > 0 && n < N);
    CHECK_EQ(stats().pages_in_use, 2);
    CHECK_EQ(n % 2, 0);
    CHECK_EQ(stats().failures_total, base_st.failures_total + 6);
    fake_pages_set_fail_after(-1);
    for (int i = 0; i < n; i++) {
        kfree(ptrs[i]);
    }
    CHECK(at_baseline());

    /* Real exhaustion of the arena. */
    n = 0;
    while (n < N && (ptrs[n] = kmalloc(1 << 20)) != NULL) {
        n++;
    }
    CHECK_EQ(n, ARENA_PAGES / 256);
    CHECK(kmalloc(16) == NULL);
    CHECK_EQ(pages_free(), 0);
    for (int i = 0; i < n; i++) {
        kfree(ptrs[i]);
    }
    CHECK(at_baseline());
}

static void test_bad_frees(void)
{
    u64 local;

    baseline();
    u8 *a = kmalloc(64);
    u8 *b = kmalloc(64);
    u8 *big = kmalloc(3 * PAGE_SIZE);
    CHECK(a && b && big);
    u64 bad = stats().bad_frees;

    kfree(a);
    kfree(a);
    CHECK_EQ(stats().bad_frees, bad + 1);
    CHECK(strstr(fake_printk_last, "double free") != NULL);
    kfree(b + 1);
    kfree(b + 16);
    kfree(b + 63);
    CHECK_EQ(stats().bad_frees, bad + 4);
    CHECK(strstr(fake_printk_last, "kfree") != NULL);
    /* The slab header, and the end of the slab's last object. */
    kfree((u8 *)((uintptr_t)b & ~(PAGE_SIZE - 1)));
    kfree((u8 *)((uintptr_t)b | (PAGE_SIZE - 8)));
    kfree(big + 8);
    kfree(big + PAGE_SIZE);
    kfree(&local);
    CHECK_EQ(stats().bad_frees, bad + 9);
    CHECK_EQ(ksize(b + 1), 64); /* ksize of an interior slab pointer: its class */
    CHECK_EQ(ksize(big + PAGE_SIZE), 0);
    CHECK_EQ(ksize(&local), 0);

    kfree(big);
    kfree(big);
    CHECK_EQ(stats().bad_frees, bad + 10);
    CHECK_EQ(stats().bytes_in_use, 64);
    memset(b, 0x5a, 64); /* b is still live */

    /* The slab still hands out each object once. */
    enum { N = 300 };
    static u8 *ptrs[N];
    for (int i = 0; i < N; i++) {
        ptrs[i] = kmalloc(64);
        CHECK(ptrs[i] != NULL && ptrs[i] != b);
        for (int j = 0; j < i; j++) {
            CHECK(ptrs[j] != ptrs[i]);
        }
    }
    for (int i = 0; i < N; i++) {
        kfree(ptrs[i]);
    }
    kfree(b);
    CHECK_EQ(stats().bad_frees, bad + 10);
    CHECK(at_baseline());
}

/* A write after free to a free object's link must not hand out live memory. */
static void test_freelist_corruption(void)
{
    baseline();
    void **a = kmalloc(128);
    void **b = kmalloc(128);
    void **c = kmalloc(128);
    CHECK(a && b && c);
    kfree(a);
    kfree(c);
    *c = b; /* use after free: c's link now points at the live b */
    unsigned long warned = fake_printk_count;
    void *x = kmalloc(128);
    void *y = kmalloc(128);
    void *z = kmalloc(128);
    CHECK(fake_printk_count > warned);
    CHECK(x != b && y != b && z != b);
    CHECK(x != y && y != z && x != z);
    kfree(x);
    kfree(y);
    kfree(z);
    kfree(b);
    CHECK(at_baseline());
}

struct obj {
    u8 *p;
    size_t size;
    u64 id;
};

static u8 pattern(u64 id, size_t i)
{
    return (u8)((id * 0x9e3779b97f4a7c15ULL >> 56) + i * 7);
}

static void test_random_stress(void)
{
    enum { MAX_LIVE = 3000 };
    const long steps = 200000;
    static struct obj live[MAX_LIVE];
    size_t nlive = 0;
    u64 next_id = 1;
    u64 model_bytes = 0;
    long nulls = 0;

    baseline();
    for (long step = 0; step < steps; step++) {
        /* Now and then, make the page allocator fail for a while. */
        if (step % 25000 == 12345) {
            fake_pages_set_fail_after((long)(harness_rand() % 4));
        } else if (step % 25000 == 13345) {
            fake_pages_set_fail_after(-1);
        }
        unsigned int p_alloc = ((step / 15000) % 2) ? 40 : 60;
        if (nlive < MAX_LIVE && (nlive == 0 || harness_rand() % 100 < p_alloc)) {
            size_t size =
                (harness_rand() % 4 == 0) ? 1 + harness_rand() % 9000 : 1 + harness_rand() % 2048;
            u64 fails = stats().failures_total;
            u8 *p = kmalloc(size);
            if (!p) {
                CHECK_EQ(stats().failures_total, fails + 1);
                nulls++;
                continue;
            }
            CHECK(ksize(p) >= size);
            CHECK_EQ((uintptr_t)p % 16, 0);
            u64 id = next_id++;
            for (size_t i = 0; i < size; i++) {
                p[i] = pattern(id, i);
            }
            live[nlive++] = (struct obj){p, size, id};
            model_bytes += ksize(p);
        } else {
            size_t idx = harness_rand() % nlive;
            struct obj o = live[idx];
            live[idx] = live[--nlive];
            for (size_t i = 0; i < o.size; i++) {
                CHECK_EQ(o.p[i], pattern(o.id, i));
            }
            model_bytes -= ksize(o.p);
            kfree(o.p);
        }
        if (step % 10000 == 0) {
            CHECK_EQ(stats().bytes_in_use, model_bytes);
            CHECK_EQ(buddy_check(fake_pages_zone()), 0);
        }
    }
    fake_pages_set_fail_after(-1);
    while (nlive > 0) {
        struct obj o = live[--nlive];
        for (size_t i = 0; i < o.size; i++) {
            CHECK_EQ(o.p[i], pattern(o.id, i));
        }
        kfree(o.p);
    }
    CHECK_EQ(stats().bad_frees, base_st.bad_frees);
    printf("  stress: %ld steps, %llu allocations, %ld failed (injected)\n", steps,
           (unsigned long long)(next_id - 1), nulls);
    CHECK(at_baseline());
}

int main(void)
{
    harness_seed(0x736c6162ULL);

    fake_pages_init(ARENA_PAGES);
    RUN(test_size_classes);
    RUN(test_zero_and_null);
    RUN(test_kzalloc);
    RUN(test_no_overlap);
    RUN(test_empty_slab_cache);
    RUN(test_oom);
    RUN(test_bad_frees);
    RUN(test_freelist_corruption);
    RUN(test_random_stress);
    fake_pages_fini();
    HARNESS_EXIT();
}
