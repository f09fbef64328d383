// SPDX-License-Identifier: MIT
/* Kernel heap: power-of-two size-class slab caches (16..2048 bytes) and whole
 * buddy blocks for larger requests.
 *
 * A slab is one 2^order block from page_alloc. Its struct slab header lives
 * at the start of the first frame, followed by a bitmap (bit set = object
 * free) and then the objects at a 16-byte aligned offset. Free objects are
 * also chained through their first word (the free list); the bitmap makes
 * kfree checks and free-list validation O(1). Every frame of a slab has
 * PAGE_SLAB set and page->slab pointing at the header.
 *
 * Each cache has its own lock and keeps its slabs on partial/full/empty
 * lists, caching at most one empty slab. page_alloc and page_free are called
 * with no slab lock held.
 */
#include <kernel/compiler.h>
#include <kernel/kmalloc.h>
#include <kernel/list.h>
#include <kernel/page_alloc.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>

#define SLAB_MAGIC 0x51ab0b1eu
#define KMALLOC_MIN_SHIFT 4
#define NR_CLASSES 8 /* 16 << 7 == KMALLOC_MAX_SLAB */

struct kmem_cache {
    spinlock_t lock;
    u32 size;
    u32 order; /* slab block order */
    struct list_head partial;
    struct list_head full;
    struct list_head empty;
    u64 nr_empty;
    u64 nr_slabs;
    u64 inuse; /* live objects */
    u64 allocs;
    u64 frees;
    u64 failures;
    u64 bad_frees;
};

struct slab {
    u32 magic;
    u16 nr_objs;
    u16 inuse;
    struct kmem_cache *cache;
    struct list_head list;
    void *free; /* free list through each free object's first word */
    u8 *objs;
    u64 free_map[];
};

/* Slab orders keep roughly 16 objects or more per slab. */
#define CACHE_INIT(i, sz, ord)                                                                     \
    [i] = {                                                                                        \
        .lock = SPINLOCK_INIT("kmalloc-" #sz),                                                     \
        .size = sz,                                                                                \
        .order = ord,                                                                              \
        .partial = LIST_HEAD_INIT(caches[i].partial),                                              \
        .full = LIST_HEAD_INIT(caches[i].full),                                                    \
        .empty = LIST_HEAD_INIT(caches[i].empty),                                                  \
    }

static struct kmem_cache caches[NR_CLASSES] = {
    CACHE_INIT(0, 16, 0),  CACHE_INIT(1, 32, 0),  CACHE_INIT(2, 64, 0),   CACHE_INIT(3, 128, 0),
    CACHE_INIT(4, 256, 0), CACHE_INIT(5, 512, 1), CACHE_INIT(6, 1024, 2), CACHE_INIT(7, 2048, 3),
};

static spinlock_t large_lock = SPINLOCK_INIT("kmalloc-large");
static struct {
    u64 bytes;
    u64 pages;
    u64 allocs;
    u64 frees;
    u64 failures;
    u64 bad_frees; /* also pointers that belong to no slab or large block */
} large;

static unsigned int size_to_class(size_t size)
{
    unsigned int idx = 0;
    while (((size_t)1 << (idx + KMALLOC_MIN_SHIFT)) < size) {
        idx++;
    }
    return idx;
}

static size_t bitmap_words(size_t n)
{
    return (n + 63) / 64;
}

/* Objects of `size` that fit in `bytes` after the header; sets *off. */
static size_t slab_capacity(size_t size, size_t bytes, size_t *off)
{
    size_t n = bytes / size;
    for (;;) {
        size_t o = ALIGN_UP(sizeof(struct slab) + bitmap_words(n) * sizeof(u64), (size_t)16);
        if (o + n * size <= bytes) {
            *off = o;
            return n;
        }
        n--;
    }
}

static bool slab_bit(const struct slab *s, size_t i)
{
    return (s->free_map[i / 64] >> (i % 64)) & 1;
}

static void slab_set_bit(struct slab *s, size_t i)
{
    s->free_map[i / 64] |= 1ULL << (i % 64);
}

static void slab_clear_bit(struct slab *s, size_t i)
{
    s->free_map[i / 64] &= ~(1ULL << (i % 64));
}

/* Index of the object starting at p, or -1 when p is no object start. */
static long slab_index(const struct slab *s, const void *p)
{
    uintptr_t start = (uintptr_t)s->objs;
    uintptr_t addr = (uintptr_t)p;
    size_t size = s->cache->size;

    if (addr < start || (addr - start) % size != 0 || (addr - start) / size >= s->nr_objs) {
        return -1;
    }
    return (long)((addr - start) / size);
}

/* Rebuilds the free list from the bitmap (after it was found corrupted). */
static void slab_rebuild_freelist(struct slab *s)
{
    s->free = NULL;
    for (size_t i = s->nr_objs; i-- > 0;) {
        if (slab_bit(s, i)) {
            void *obj = s->objs + i * s->cache->size;
            *(void **)obj = s->free;
            s->free = obj;
        }
    }
}

static struct slab *slab_create(struct kmem_cache *c)
{
    u8 *base = page_alloc(c->order);
    if (!base) {
        return NULL;
    }
    size_t off;
    size_t n = slab_capacity(c->size, PAGE_SIZE << c->order, &off);
    struct slab *s = (struct slab *)base;

    s->magic = SLAB_MAGIC;
    s->nr_objs = (u16)n;
    s->inuse = 0;
    s->cache = c;
    list_init(&s->list);
    s->objs = base + off;
    for (size_t w = 0; w < bitmap_words(n); w++) {
        s->free_map[w] = 0;
    }
    for (size_t i = 0; i < n; i++) {
        slab_set_bit(s, i);
    }
    slab_rebuild_freelist(s);

    for (size_t i = 0; i < ((size_t)1 << c->order); i++) {
        struct page *pg = virt_to_page(base + i * PAGE_SIZE);
        pg->flags |= PAGE_SLAB;
        pg->slab = s;
    }
    return s;
}

static void slab_destroy(struct slab *s)
{
    unsigned int order = s->cache->order;
    u8 *base = (u8 *)s;

    for (size_t i = 0; i < ((size_t)1 << order); i++) {
        struct page *pg = virt_to_page(base + i * PAGE_SIZE);
        pg->flags &= ~PAGE_SLAB;
        pg->slab = NULL;
    }
    s->magic = 0;
    page_free(base, order);
}

/* Takes a free object from a slab with inuse < nr_objs. */
static void *slab_pop(struct slab *s)
{
    if (!s->free) {
        pr_warn("slab: kmalloc-%u free list lost objects, rebuilt\n", s->cache->size);
        slab_rebuild_freelist(s);
    }
    void *obj = s->free;
    long i = slab_index(s, obj);
    slab_clear_bit(s, (size_t)i);
    s->inuse++;

    void *next = *(void **)obj;
    long ni = next ? slab_index(s, next) : 0;
    if (next && (ni < 0 || !slab_bit(s, (size_t)ni))) {
        /* A use after free overwrote the link; trust the bitmap. */
        pr_warn("slab: kmalloc-%u free list corrupted near %p, rebuilt\n", s->cache->size, obj);
        slab_rebuild_freelist(s);
    } else {
        s->free = next;
    }
    return obj;
}

/* Puts a slab that is in no list onto the list matching its state. */
static void slab_relink(struct kmem_cache *c, struct slab *s)
{
    if (s->inuse == s->nr_objs) {
        list_add(&s->list, &c->full);
    } else {
        list_add(&s->list, &c->partial);
    }
}

static void *cache_alloc(struct kmem_cache *c)
{
    struct slab *s = NULL;
    u64 fl = spin_lock_irqsave(&c->lock);

    if (!list_empty(&c->partial)) {
        s = list_first_entry(&c->partial, struct slab, list);
    } else if (!list_empty(&c->empty)) {
        s = list_first_entry(&c->empty, struct slab, list);
        c->nr_empty--;
    }
    if (s) {
        list_del(&s->list);
    } else {
        spin_unlock_irqrestore(&c->lock, fl);
        s = slab_create(c);
        fl = spin_lock_irqsave(&c->lock);
        if (!s) {
            c->failures++;
            spin_unlock_irqrestore(&c->lock, fl);
            return NULL;
        }
        c->nr_slabs++;
    }
    void *obj = slab_pop(s);
    c->inuse++;
    c->allocs++;
    slab_relink(c, s);
    spin_unlock_irqrestore(&c->lock, fl);
    return obj;
}

static void *kmalloc_large(size_t size)
{
    unsigned int order = 0;
    void *p = NULL;

    while (order < BUDDY_MAX_ORDER && (PAGE_SIZE << order) < size) {
        order++;
    }
    if ((PAGE_SIZE << order) >= size) {
        p = page_alloc(order);
    }
    u64 fl = spin_lock_irqsave(&large_lock);
    if (!p) {
        large.failures++;
    } else {
        struct page *pg = virt_to_page(p);
        pg->flags |= PAGE_LARGE;
        pg->order = (u8)order;
        large.bytes += PAGE_SIZE << order;
        large.pages += 1ULL << order;
        large.allocs++;
    }
    spin_unlock_irqrestore(&large_lock, fl);
    return p;
}

void *kmalloc(size_t size)
{
    if (size == 0) {
        return NULL;
    }
    if (size > KMALLOC_MAX_SLAB) {
        return kmalloc_large(size);
    }
    return cache_alloc(&caches[size_to_class(size)]);
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);
    if (p) {
        memset(p, 0, size);
    }
    return p;
}

static struct slab *page_slab(const struct page *pg)
{
    struct slab *s = pg->slab;
    if (!s || s->magic != SLAB_MAGIC) {
        return NULL;
    }
    uintptr_t c = (uintptr_t)s->cache;
    if (c < (uintptr_t)&caches[0] || c >= (uintptr_t)&caches[NR_CLASSES] ||
        (c - (uintptr_t)&caches[0]) % sizeof(caches[0]) != 0) {
        return NULL;
    }
    return s;
}

static void bad_free(const void *p, const char *why)
{
    pr_warn("kfree: ignoring %s %p\n", why, p);
}

static void kfree_slab(struct slab *s, void *p)
{
    struct kmem_cache *c = s->cache;
    struct slab *release = NULL;
    const char *why = NULL;
    u64 fl = spin_lock_irqsave(&c->lock);

    long i = slab_index(s, p);
    if (i < 0) {
        why = "pointer inside an object";
    } else if (slab_bit(s, (size_t)i)) {
        why = "double free of";
    }
    if (why) {
        c->bad_frees++;
        spin_unlock_irqrestore(&c->lock, fl);
        bad_free(p, why);
        return;
    }
    slab_set_bit(s, (size_t)i);
    *(void **)p = s->free;
    s->free = p;
    s->inuse--;
    c->inuse--;
    c->frees++;
    list_del(&s->list);
    if (s->inuse > 0) {
        slab_relink(c, s);
    } else if (c->nr_empty == 0) {
        list_add(&s->list, &c->empty);
        c->nr_empty++;
    } else {
        c->nr_slabs--;
        release = s;
    }
    spin_unlock_irqrestore(&c->lock, fl);
    if (release) {
        slab_destroy(release);
    }
}

void kfree(void *p)
{
    if (!p) {
        return;
    }
    struct page *pg = virt_to_page(p);
    if (pg && (pg->flags & PAGE_SLAB)) {
        struct slab *s = page_slab(pg);
        if (s) {
            kfree_slab(s, p);
            return;
        }
    }

    const char *why = "unknown pointer";
    u64 fl = spin_lock_irqsave(&large_lock);
    if (pg && (pg->flags & PAGE_LARGE) && IS_ALIGNED((uintptr_t)p, PAGE_SIZE)) {
        unsigned int order = pg->order;
        pg->flags &= ~PAGE_LARGE;
        large.bytes -= PAGE_SIZE << order;
        large.pages -= 1ULL << order;
        large.frees++;
        spin_unlock_irqrestore(&large_lock, fl);
        page_free(p, order);
        return;
    }
    large.bad_frees++;
    spin_unlock_irqrestore(&large_lock, fl);
    bad_free(p, why);
}

size_t ksize(const void *p)
{
    if (!p) {
        return 0;
    }
    struct page *pg = virt_to_page(p);
    if (!pg) {
        return 0;
    }
    if (pg->flags & PAGE_SLAB) {
        struct slab *s = page_slab(pg);
        return s ? s->cache->size : 0;
    }
    if ((pg->flags & PAGE_LARGE) && IS_ALIGNED((uintptr_t)p, PAGE_SIZE)) {
        return PAGE_SIZE << pg->order;
    }
    return 0;
}

void kmalloc_get_stats(struct kmalloc_stats *st)
{
    memset(st, 0, sizeof(*st));
    for (unsigned int i = 0; i < NR_CLASSES; i++) {
        struct kmem_cache *c = &caches[i];
        u64 fl = spin_lock_irqsave(&c->lock);
        st->bytes_in_use += c->inuse * c->size;
        st->pages_in_use += c->nr_slabs << c->order;
        st->allocs_total += c->allocs;
        st->frees_total += c->frees;
        st->failures_total += c->failures;
        st->bad_frees += c->bad_frees;
        spin_unlock_irqrestore(&c->lock, fl);
    }
    u64 fl = spin_lock_irqsave(&large_lock);
    st->bytes_in_use += large.bytes;
    st->pages_in_use += large.pages;
    st->allocs_total += large.allocs;
    st->frees_total += large.frees;
    st->failures_total += large.failures;
    st->bad_frees += large.bad_frees;
    spin_unlock_irqrestore(&large_lock, fl);
}

void kmalloc_shrink(void)
{
    for (unsigned int i = 0; i < NR_CLASSES; i++) {
        struct kmem_cache *c = &caches[i];
        struct list_head doomed;
        struct list_head *pos, *n;

        list_init(&doomed);
        u64 fl = spin_lock_irqsave(&c->lock);
        list_for_each_safe(pos, n, &c->empty)
        {
            list_del(pos);
            list_add(pos, &doomed);
            c->nr_slabs--;
        }
        c->nr_empty = 0;
        spin_unlock_irqrestore(&c->lock, fl);
        list_for_each_safe(pos, n, &doomed)
        {
            list_del(pos);
            slab_destroy(list_entry(pos, struct slab, list));
        }
    }
}
