// SPDX-License-Identifier: MIT
/* The VMA list of an address space: insert, split, remove, protect. */
#include <abi/errno.h>
#include <arch/x86_64/memlayout.h>
#include <kernel/kmalloc.h>
#include <kernel/page_alloc.h>
#include <kernel/vm.h>
#include <kernel/vm_file.h>

static struct vma *vma_alloc(u64 start, u64 end, u32 prot, u32 flags, struct file *file, u64 pgoff)
{
    struct vma *v = kzalloc(sizeof(*v));
    if (!v) {
        return NULL;
    }
    v->start = start;
    v->end = end;
    v->prot = prot;
    v->flags = flags;
    v->file = file ? vm_file_get(file) : NULL;
    v->pgoff = pgoff;
    list_init(&v->link);
    return v;
}

static void vma_free(struct vma *v)
{
    if (v->file) {
        vm_file_put(v->file);
    }
    kfree(v);
}

/* Keeps the list sorted by start. */
static void vma_insert(struct mm *mm, struct vma *v)
{
    struct list_head *pos;
    list_for_each(pos, &mm->vmas)
    {
        if (list_entry(pos, struct vma, link)->start > v->start) {
            break;
        }
    }
    list_add_tail(&v->link, pos);
}

struct vma *vma_find(struct mm *mm, u64 addr)
{
    struct list_head *pos;
    list_for_each(pos, &mm->vmas)
    {
        struct vma *v = list_entry(pos, struct vma, link);
        if (addr < v->start) {
            return NULL;
        }
        if (addr < v->end) {
            return v;
        }
    }
    return NULL;
}

void vma_copy_list(struct mm *dst, struct mm *src, int *err)
{
    struct list_head *pos;
    list_for_each(pos, &src->vmas)
    {
        struct vma *s = list_entry(pos, struct vma, link);
        struct vma *d = vma_alloc(s->start, s->end, s->prot, s->flags, s->file, s->pgoff);
        if (!d) {
            *err = -ENOMEM;
            return;
        }
        list_add_tail(&d->link, &dst->vmas);
    }
}

int vma_map(struct mm *mm, u64 start, u64 len, u32 prot, u32 flags, struct file *file, u64 pgoff)
{
    if (!IS_ALIGNED(start, PAGE_SIZE) || len == 0 || !IS_ALIGNED(len, PAGE_SIZE) ||
        start > USER_SPACE_TOP || len > USER_SPACE_TOP - start) {
        return -EINVAL;
    }
    struct vma *v = vma_alloc(start, start + len, prot, flags, file, pgoff);
    if (!v) {
        return -ENOMEM;
    }
    vma_insert(mm, v);
    return 0;
}

/* Splits v at addr (strictly inside); the new upper part follows v. */
static int vma_split(struct vma *v, u64 addr)
{
    u64 pgoff = v->pgoff + ((addr - v->start) >> PAGE_SHIFT);
    struct vma *upper = vma_alloc(addr, v->end, v->prot, v->flags, v->file, pgoff);
    if (!upper) {
        return -ENOMEM;
    }
    v->end = addr;
    list_add(&upper->link, &v->link);
    return 0;
}

static int release_pte(u64 va, u64 *pte, void *arg)
{
    struct mm *mm = arg;
    phys_addr_t pa = *pte & PTE_ADDR_MASK;
    *pte = 0;
    page_put(pa);
    mm->rss_pages--;
    (void)va;
    return 0;
}

/* Frees the pages mapped in [start, end) (the VMAs are handled by callers). */
void vm_release_range(struct mm *mm, u64 start, u64 end)
{
    vm_for_each_user_pte(&mm->as, start, end, release_pte, mm);
    vm_flush_all(&mm->as);
}

/* Splits the VMAs that straddle start or end, so that every VMA is
 * either wholly inside [start, end) or wholly outside it. */
static int vma_isolate(struct mm *mm, u64 start, u64 end)
{
    struct vma *v = vma_find(mm, start);
    if (v && v->start < start && vma_split(v, start) < 0) {
        return -ENOMEM;
    }
    v = end > 0 ? vma_find(mm, end - 1) : NULL;
    if (v && v->end > end && vma_split(v, end) < 0) {
        return -ENOMEM;
    }
    return 0;
}

int vma_unmap(struct mm *mm, u64 start, u64 len)
{
    if (!IS_ALIGNED(start, PAGE_SIZE) || start > USER_SPACE_TOP) {
        return -EINVAL;
    }
    u64 end = len > USER_SPACE_TOP - start ? USER_SPACE_TOP : start + ALIGN_UP(len, PAGE_SIZE);
    if (vma_isolate(mm, start, end) < 0) {
        return -ENOMEM;
    }
    struct list_head *pos, *next;
    list_for_each_safe(pos, next, &mm->vmas)
    {
        struct vma *v = list_entry(pos, struct vma, link);
        if (v->start >= start && v->end <= end) {
            list_del(&v->link);
            vma_free(v);
        }
    }
    vm_release_range(mm, start, end);
    return 0;
}

static u64 prot_to_pte(u32 prot)
{
    u64 f = PTE_PRESENT | PTE_USER;
    if (prot & PROT_WRITE) {
        f |= PTE_WRITE;
    }
    if (!(prot & PROT_EXEC)) {
        f |= PTE_NX;
    }
    return f;
}

u64 vma_pte_flags(const struct vma *v)
{
    return prot_to_pte(v->prot);
}

struct protect_ctx {
    struct vma *vma;
};

static int protect_pte(u64 va, u64 *pte, void *arg)
{
    struct vma *v = arg;
    u64 flags = prot_to_pte(v->prot);
    if (v->prot == PROT_NONE) {
        /* Keep the frame but make every access fault: clear present. */
        *pte = (*pte & PTE_ADDR_MASK) | (flags & ~PTE_PRESENT) | PTE_PROTNONE;
        return 0;
    }
    /* Private pages shared with another mm stay read-only (copy on write). */
    struct page *p = virt_to_page(phys_to_virt(*pte & PTE_ADDR_MASK));
    if (!(v->flags & MAP_SHARED) && p && p->refcount > 1) {
        flags &= ~PTE_WRITE;
    }
    *pte = (*pte & PTE_ADDR_MASK) | flags;
    (void)va;
    return 0;
}

int vma_protect(struct mm *mm, u64 start, u64 len, u32 prot)
{
    u64 end = start + ALIGN_UP(len, PAGE_SIZE);
    /* Linux fails with ENOMEM if part of the range is unmapped. */
    for (u64 a = start; a < end;) {
        struct vma *v = vma_find(mm, a);
        if (!v) {
            return -ENOMEM;
        }
        a = v->end;
    }
    if (vma_isolate(mm, start, end) < 0) {
        return -ENOMEM;
    }
    struct list_head *pos;
    list_for_each(pos, &mm->vmas)
    {
        struct vma *v = list_entry(pos, struct vma, link);
        if (v->start >= start && v->end <= end) {
            v->prot = prot;
            vm_for_each_user_pte(&mm->as, v->start, v->end, protect_pte, v);
        }
    }
    vm_flush_all(&mm->as);
    return 0;
}

u64 vma_find_free(struct mm *mm, u64 len, u64 hint)
{
    u64 top = hint ? hint : mm->mmap_base;
    /* Walk down from top through the gaps between VMAs. */
    struct list_head *pos;
    u64 ceiling = top;
    for (pos = mm->vmas.prev; pos != &mm->vmas; pos = pos->prev) {
        struct vma *v = list_entry(pos, struct vma, link);
        if (v->start >= ceiling) {
            continue;
        }
        if (v->end <= ceiling && ceiling - v->end >= len) {
            return ceiling - len;
        }
        ceiling = v->start < ceiling ? v->start : ceiling;
    }
    if (ceiling >= USER_MIN_ADDR + len) {
        return ceiling - len;
    }
    return 0;
}
