// SPDX-License-Identifier: MIT
/* Address-space life cycle: create, fork (copy-on-write), free. */
#include <abi/errno.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/memlayout.h>
#include <kernel/kmalloc.h>
#include <kernel/page_alloc.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/vm.h>
#include <kernel/vm_file.h>

void page_get(phys_addr_t pa)
{
    struct page *p = virt_to_page(phys_to_virt(pa));
    if (p) {
        __atomic_add_fetch(&p->refcount, 1, __ATOMIC_RELAXED);
    }
}

void page_put(phys_addr_t pa)
{
    void *va = phys_to_virt(pa);
    struct page *p = virt_to_page(va);
    if (p && __atomic_sub_fetch(&p->refcount, 1, __ATOMIC_ACQ_REL) == 0) {
        /* Back to 1 so the buddy allocator sees an ordinary allocated page. */
        p->refcount = 1;
        page_free(va, 0);
    }
}

struct mm *mm_create(void)
{
    struct mm *mm = kzalloc(sizeof(*mm));
    if (!mm) {
        return NULL;
    }
    if (addr_space_init_user(&mm->as) < 0) {
        kfree(mm);
        return NULL;
    }
    list_init(&mm->vmas);
    mm->mmap_base = USER_MMAP_BASE;
    mm->stack_top = USER_STACK_TOP;
    mm->refcount = 1;
    return mm;
}

struct fork_ctx {
    struct mm *child;
    struct vma *vma;
};

/* Shares one present page with the child; private writable pages become
 * read-only in both so the first write copies them. */
static int fork_pte(u64 va, u64 *pte, void *arg)
{
    struct fork_ctx *ctx = arg;
    if (!ctx->vma || va < ctx->vma->start || va >= ctx->vma->end) {
        ctx->vma = vma_find(ctx->child, va);
    }
    u64 flags = *pte & ~PTE_ADDR_MASK;
    if (ctx->vma && !(ctx->vma->flags & MAP_SHARED)) {
        flags &= ~PTE_WRITE;
        *pte &= ~PTE_WRITE;
    }
    phys_addr_t pa = *pte & PTE_ADDR_MASK;
    int r = vm_map_page(&ctx->child->as, va, pa, flags & ~(PTE_ACCESSED | PTE_DIRTY));
    if (r < 0) {
        return r;
    }
    if (*pte & PTE_PROTNONE) {
        /* Kept but inaccessible (PROT_NONE): not present in the child either. */
        *vm_pte_lookup(&ctx->child->as, va) = *pte;
    }
    page_get(pa);
    ctx->child->rss_pages++;
    ctx->child->rss_peak = ctx->child->rss_pages;
    return 0;
}

struct mm *mm_fork(struct mm *parent)
{
    struct mm *child = mm_create();
    if (!child) {
        return NULL;
    }
    int err = 0;
    vma_copy_list(child, parent, &err);
    child->brk_start = parent->brk_start;
    child->brk = parent->brk;
    child->mmap_base = parent->mmap_base;
    child->stack_top = parent->stack_top;
    child->exe_file = parent->exe_file ? vm_file_get(parent->exe_file) : NULL;
    child->arg_start = parent->arg_start;
    child->arg_end = parent->arg_end;
    child->env_start = parent->env_start;
    child->env_end = parent->env_end;
    if (err == 0) {
        struct fork_ctx ctx = {child, NULL};
        err = vm_for_each_user_pte(&parent->as, 0, USER_SPACE_TOP, fork_pte, &ctx);
    }
    /* Parent PTEs lost their write bit: drop stale TLB entries. */
    vm_flush_all(&parent->as);
    if (err < 0) {
        mm_put(child);
        return NULL;
    }
    return child;
}

size_t mm_read(struct mm *mm, u64 addr, void *dst, size_t len)
{
    size_t done = 0;
    while (done < len) {
        u64 *pte = vm_pte_lookup(&mm->as, ALIGN_DOWN(addr, PAGE_SIZE));
        if (!pte || !(*pte & PTE_PRESENT)) {
            break;
        }
        size_t off = addr & (PAGE_SIZE - 1);
        size_t n = MIN(len - done, PAGE_SIZE - off);
        memcpy((u8 *)dst + done, (u8 *)phys_to_virt(*pte & PTE_ADDR_MASK) + off, n);
        done += n;
        addr += n;
    }
    return done;
}

void mm_activate(struct mm *mm)
{
    addr_space_activate(mm ? &mm->as : &kernel_as);
}

void mm_put(struct mm *mm)
{
    if (!mm || --mm->refcount > 0) {
        return;
    }
    /* Never free the tables under our feet. */
    if (read_cr3() == mm->as.pml4_phys) {
        addr_space_activate(&kernel_as);
    }
    vma_unmap(mm, 0, USER_SPACE_TOP);
    addr_space_free_user(&mm->as);
    if (mm->exe_file) {
        vm_file_put(mm->exe_file);
    }
    kfree(mm);
}
