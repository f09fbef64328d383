// SPDX-License-Identifier: MIT
/* User page faults: demand-zero anonymous pages, file pages (shared: the
 * file's own page; private: a copy), and copy-on-write. */
#include <abi/errno.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/memlayout.h>
#include <kernel/page_alloc.h>
#include <kernel/string.h>
#include <kernel/vm.h>
#include <kernel/vm_file.h>

#define PF_PRESENT 0x1
#define PF_WRITE 0x2
#define PF_INSTR 0x10

static u64 fault_count;
static u64 cow_count;

u64 vm_fault_count(void)
{
    return fault_count;
}

u64 vm_cow_count(void)
{
    return cow_count;
}

static int new_zero_page(phys_addr_t *pa)
{
    void *p = page_alloc(0);
    if (!p) {
        return -ENOMEM;
    }
    memset(p, 0, PAGE_SIZE);
    *pa = virt_to_phys(p);
    return 0;
}

/* Fills a page that has never been present. A read-only private file
 * mapping (program text, rodata) maps the file's own page (shared by every
 * process, like Linux's page cache); a writable one gets a copy at once,
 * so code and data never share a frame (TCG retranslates code on every
 * write to its page, which made such sharing 100x slower). *shared_ro
 * tells the caller to clear the write bit. */
static int fault_in(struct vma *v, u64 page, bool write, phys_addr_t *pa, bool *shared_ro)
{
    *shared_ro = false;
    if (!v->file) {
        return new_zero_page(pa);
    }
    u64 pgoff = v->pgoff + ((page - v->start) >> PAGE_SHIFT);
    phys_addr_t fpa;
    int r = vm_file_page(v->file, pgoff, write && (v->flags & MAP_SHARED), &fpa);
    if (r < 0) {
        return r;
    }
    if ((v->flags & MAP_SHARED) || (!write && !(v->prot & PROT_WRITE))) {
        *pa = fpa;
        *shared_ro = !(v->flags & MAP_SHARED);
        return 0;
    }
    /* A write to a private file page: the process gets its own copy. */
    void *copy = page_alloc(0);
    if (!copy) {
        page_put(fpa);
        return -ENOMEM;
    }
    memcpy(copy, phys_to_virt(fpa), PAGE_SIZE);
    page_put(fpa);
    *pa = virt_to_phys(copy);
    return 0;
}

/* A write to a present read-only page of a writable private VMA. */
static int fault_cow(u64 *pte)
{
    phys_addr_t old = *pte & PTE_ADDR_MASK;
    struct page *p = virt_to_page(phys_to_virt(old));
    if (p && p->refcount == 1) {
        /* Last user: take the page over. */
        *pte |= PTE_WRITE;
        return 0;
    }
    void *copy = page_alloc(0);
    if (!copy) {
        return -ENOMEM;
    }
    memcpy(copy, phys_to_virt(old), PAGE_SIZE);
    *pte = virt_to_phys(copy) | (*pte & ~PTE_ADDR_MASK) | PTE_WRITE;
    page_put(old);
    cow_count++;
    return 0;
}

int vm_handle_fault(struct mm *mm, u64 addr, u64 error_code)
{
    fault_count++;
    if (!mm || addr >= USER_SPACE_TOP) {
        return -EFAULT;
    }
    struct vma *v = vma_find(mm, addr);
    if (!v) {
        return -EFAULT;
    }
    bool write = error_code & PF_WRITE;
    if ((write && !(v->prot & PROT_WRITE)) || ((error_code & PF_INSTR) && !(v->prot & PROT_EXEC)) ||
        v->prot == PROT_NONE) {
        return -EFAULT;
    }
    u64 page = ALIGN_DOWN(addr, PAGE_SIZE);
    u64 *pte = vm_pte_lookup(&mm->as, page);
    if (pte && (*pte & PTE_PRESENT)) {
        if (write && !(*pte & PTE_WRITE)) {
            int r = fault_cow(pte);
            invlpg(page);
            return r;
        }
        /* Spurious (another path already fixed it up): retry. */
        invlpg(page);
        return 0;
    }
    phys_addr_t pa;
    bool shared_ro;
    int r = fault_in(v, page, write, &pa, &shared_ro);
    if (r < 0) {
        return r;
    }
    u64 flags = vma_pte_flags(v);
    if (shared_ro) {
        flags &= ~PTE_WRITE;
    }
    r = vm_map_page(&mm->as, page, pa, flags);
    if (r < 0) {
        page_put(pa);
        return r;
    }
    if (++mm->rss_pages > mm->rss_peak) {
        mm->rss_peak = mm->rss_pages;
    }
    return 0;
}

int vm_make_private(struct mm *mm, u64 addr, phys_addr_t *pa)
{
    u64 page = ALIGN_DOWN(addr, PAGE_SIZE);
    int r = vm_populate(mm, page, PAGE_SIZE, false);
    if (r < 0) {
        return r;
    }
    u64 *pte = vm_pte_lookup(&mm->as, page);
    if (!pte || !(*pte & (PTE_PRESENT | PTE_PROTNONE))) {
        return -EFAULT;
    }
    struct page *p = virt_to_page(phys_to_virt(*pte & PTE_ADDR_MASK));
    if (p && p->refcount > 1) {
        /* Shared (page cache or copy-on-write): take a copy, keeping the
         * mapping's protection as the VMA has it. */
        bool writable = *pte & PTE_WRITE;
        r = fault_cow(pte);
        if (r < 0) {
            return r;
        }
        if (!writable) {
            *pte &= ~PTE_WRITE;
        }
        invlpg(page);
    }
    *pa = *pte & PTE_ADDR_MASK;
    return 0;
}

int vm_populate(struct mm *mm, u64 start, u64 len, bool write)
{
    for (u64 a = ALIGN_DOWN(start, PAGE_SIZE); a < start + len; a += PAGE_SIZE) {
        u64 *pte = vm_pte_lookup(&mm->as, a);
        if (pte && (*pte & PTE_PRESENT) && (!write || (*pte & PTE_WRITE))) {
            continue;
        }
        int r = vm_handle_fault(mm, a, write ? PF_WRITE : 0);
        if (r < 0) {
            return r;
        }
    }
    return 0;
}
