// SPDX-License-Identifier: MIT
/* Binary buddy allocator over struct page metadata. Portable, no locking. */
#include <kernel/buddy.h>
#include <kernel/compiler.h>

/* The flags that encode a page's allocator state. */
#define BUDDY_STATE (PAGE_FREE | PAGE_BUDDY | PAGE_RESERVED | PAGE_TAIL)

void buddy_init(struct buddy_zone *z, u64 base_pfn, u64 npages, struct page *pages)
{
    z->base_pfn = base_pfn;
    z->npages = npages;
    z->pages = pages;
    for (unsigned int k = 0; k <= BUDDY_MAX_ORDER; k++) {
        list_init(&z->free_lists[k]);
        z->nr_free[k] = 0;
    }
    z->free_pages = 0;
    z->total_pages = 0;
    z->bad_frees = 0;
    for (u64 i = 0; i < npages; i++) {
        list_init(&pages[i].list);
        pages[i].flags = PAGE_RESERVED;
        pages[i].order = 0;
        pages[i].refcount = 0;
        pages[i].slab = NULL;
    }
}

/* The 2^order pages at pfn are marked PAGE_BUDDY and in no list; inserts them
 * as a free block, merging with free buddies as far as possible. */
static void free_block(struct buddy_zone *z, u64 pfn, unsigned int order)
{
    while (order < BUDDY_MAX_ORDER) {
        struct page *b = buddy_pfn_to_page(z, pfn ^ (1ULL << order));
        /* Reserved pages never carry PAGE_FREE, so they are never merged. */
        if (!b || !(b->flags & PAGE_FREE) || b->order != order) {
            break;
        }
        list_del(&b->list);
        z->nr_free[order]--;
        b->flags = PAGE_BUDDY;
        b->order = 0;
        pfn &= ~(1ULL << order);
        order++;
    }
    struct page *head = buddy_pfn_to_page(z, pfn);
    head->flags = PAGE_FREE | PAGE_BUDDY;
    head->order = (u8)order;
    list_add(&head->list, &z->free_lists[order]);
    z->nr_free[order]++;
}

static void mark_free_pages(struct page *p, u64 n)
{
    for (u64 i = 0; i < n; i++) {
        p[i].flags = PAGE_BUDDY;
        p[i].order = 0;
        p[i].refcount = 0;
        p[i].slab = NULL;
    }
}

/* Adds the reserved run [pfn, end) as maximal naturally aligned blocks. */
static void add_run(struct buddy_zone *z, u64 pfn, u64 end)
{
    while (pfn < end) {
        unsigned int k = 0;
        while (k < BUDDY_MAX_ORDER && IS_ALIGNED(pfn, 1ULL << (k + 1)) &&
               end - pfn >= (1ULL << (k + 1))) {
            k++;
        }
        u64 n = 1ULL << k;
        mark_free_pages(buddy_pfn_to_page(z, pfn), n);
        z->total_pages += n;
        z->free_pages += n;
        free_block(z, pfn, k);
        pfn += n;
    }
}

void buddy_add_range(struct buddy_zone *z, u64 pfn, u64 count)
{
    u64 zend = z->base_pfn + z->npages;
    u64 start = MAX(pfn, z->base_pfn);
    u64 end = (count > UINT64_MAX - pfn) ? UINT64_MAX : pfn + count;
    end = MIN(end, zend);

    /* Frames already handed over (not reserved) are skipped. */
    while (start < end) {
        if (!(buddy_pfn_to_page(z, start)->flags & PAGE_RESERVED)) {
            start++;
            continue;
        }
        u64 run = start;
        while (run < end && (buddy_pfn_to_page(z, run)->flags & PAGE_RESERVED)) {
            run++;
        }
        add_run(z, start, run);
        start = run;
    }
}

struct page *buddy_alloc(struct buddy_zone *z, unsigned int order)
{
    if (order > BUDDY_MAX_ORDER) {
        return NULL;
    }
    unsigned int k = order;
    while (k <= BUDDY_MAX_ORDER && list_empty(&z->free_lists[k])) {
        k++;
    }
    if (k > BUDDY_MAX_ORDER) {
        return NULL;
    }
    struct page *head = list_first_entry(&z->free_lists[k], struct page, list);
    list_del(&head->list);
    z->nr_free[k]--;
    while (k > order) {
        k--;
        struct page *half = head + (1ULL << k);
        half->flags = PAGE_FREE | PAGE_BUDDY;
        half->order = (u8)k;
        list_add(&half->list, &z->free_lists[k]);
        z->nr_free[k]++;
    }
    u64 n = 1ULL << order;
    for (u64 i = 0; i < n; i++) {
        head[i].flags = i ? PAGE_TAIL : 0;
        head[i].order = 0;
        head[i].refcount = 0;
        head[i].slab = NULL;
    }
    head->order = (u8)order;
    head->refcount = 1;
    z->free_pages -= n;
    return head;
}

void buddy_free(struct buddy_zone *z, struct page *p, unsigned int order)
{
    uintptr_t first = (uintptr_t)z->pages;
    uintptr_t addr = (uintptr_t)p;

    if (order > BUDDY_MAX_ORDER || addr < first ||
        addr >= first + z->npages * sizeof(struct page) ||
        (addr - first) % sizeof(struct page) != 0) {
        z->bad_frees++;
        return;
    }
    u64 idx = (addr - first) / sizeof(struct page);
    u64 pfn = z->base_pfn + idx;
    u64 n = 1ULL << order;
    if (!IS_ALIGNED(pfn, n) || z->npages - idx < n || p->order != order) {
        z->bad_frees++;
        return;
    }
    for (u64 i = 0; i < n; i++) {
        u32 want = i ? PAGE_TAIL : 0;
        if ((p[i].flags & BUDDY_STATE) != want) {
            z->bad_frees++;
            return;
        }
    }
    mark_free_pages(p, n);
    z->free_pages += n;
    free_block(z, pfn, order);
}

int buddy_check(const struct buddy_zone *z)
{
    u64 sum = 0;
    u64 heads = 0;

    for (unsigned int k = 0; k <= BUDDY_MAX_ORDER; k++) {
        const struct list_head *h = &z->free_lists[k];
        const struct list_head *pos = h;
        u64 count = 0;
        u64 n = 1ULL << k;

        if (h->next->prev != h || h->prev->next != h) {
            return BUDDY_ERR_LIST;
        }
        for (pos = h->next; pos != h; pos = pos->next) {
            if (pos->next->prev != pos || pos->prev->next != pos || ++count > z->npages) {
                return BUDDY_ERR_LIST;
            }
            const struct page *p = list_entry(pos, struct page, list);
            uintptr_t first = (uintptr_t)z->pages;
            uintptr_t addr = (uintptr_t)p;
            if (addr < first || addr >= first + z->npages * sizeof(struct page) ||
                (addr - first) % sizeof(struct page) != 0) {
                return BUDDY_ERR_RANGE;
            }
            u64 idx = (u64)(p - z->pages);
            u64 pfn = z->base_pfn + idx;
            if (z->npages - idx < n) {
                return BUDDY_ERR_RANGE;
            }
            if (!IS_ALIGNED(pfn, n)) {
                return BUDDY_ERR_ALIGN;
            }
            if ((p->flags & BUDDY_STATE) != (PAGE_FREE | PAGE_BUDDY) || p->order != k) {
                return BUDDY_ERR_HEAD;
            }
            for (u64 i = 1; i < n; i++) {
                if ((p[i].flags & BUDDY_STATE) != PAGE_BUDDY) {
                    return BUDDY_ERR_TAIL;
                }
            }
            if (k < BUDDY_MAX_ORDER) {
                u64 bpfn = pfn ^ n;
                if (bpfn >= z->base_pfn && bpfn - z->base_pfn < z->npages) {
                    const struct page *b = &z->pages[bpfn - z->base_pfn];
                    if ((b->flags & PAGE_FREE) && b->order == k) {
                        return BUDDY_ERR_UNMERGED;
                    }
                }
            }
        }
        if (count != z->nr_free[k]) {
            return BUDDY_ERR_NR_FREE;
        }
        sum += count << k;
        heads += count;
    }
    if (sum != z->free_pages) {
        return BUDDY_ERR_COUNT;
    }

    /* Listed blocks are disjoint (a head inside another block fails the tail
     * check), so matching totals mean no free-marked page lies outside them. */
    u64 free_heads = 0;
    u64 buddy_pages = 0;
    for (u64 i = 0; i < z->npages; i++) {
        if (z->pages[i].flags & PAGE_FREE) {
            free_heads++;
        }
        if (z->pages[i].flags & PAGE_BUDDY) {
            buddy_pages++;
        }
    }
    if (free_heads != heads || buddy_pages != sum) {
        return BUDDY_ERR_STRAY;
    }
    return 0;
}
