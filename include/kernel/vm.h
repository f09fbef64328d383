/* SPDX-License-Identifier: MIT */
/* User address spaces (kernel/vm/): a page table plus a sorted list of
 * VMAs. Pages are filled on demand by the page-fault handler; private
 * writable pages are shared copy-on-write after fork, with struct page
 * refcounts counting the mappings of each frame. */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include <arch/x86_64/paging.h>
#include <kernel/list.h>
#include <kernel/types.h>

struct file;

/* vma.prot (Linux PROT_* values) */
#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4

/* vma.flags (Linux MAP_* values where they exist) */
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x100
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_FIXED_NOREPLACE 0x100000
#define VMA_STACK 0x10000000 /* the main stack */
#define VMA_HEAP 0x20000000 /* the brk area */

struct vma {
    u64 start, end; /* page aligned, end exclusive */
    u32 prot;
    u32 flags;
    struct file *file; /* NULL for anonymous memory */
    u64 pgoff; /* file page of start */
    struct list_head link;
};

struct mm {
    struct addr_space as;
    struct list_head vmas; /* sorted by start, never overlapping */
    u64 brk_start, brk;
    u64 mmap_base; /* new mappings are placed below this */
    u64 stack_top;
    u64 arg_start, arg_end; /* argv strings, for /proc/<pid>/cmdline */
    u64 env_start, env_end;
    u64 rss_pages;
    u64 rss_peak; /* highest rss_pages seen */
    struct file *exe_file; /* the program file, for /proc/<pid>/exe */
    u32 refcount;
};

#define USER_STACK_TOP 0x00007ffffffde000ull
#define USER_STACK_MAX (8ull << 20)
#define USER_MMAP_BASE 0x00007f0000000000ull
#define USER_MIN_ADDR 0x10000ull /* mmap_min_addr */

struct mm *mm_create(void);
/* Copy-on-write duplicate for fork; NULL on out of memory. */
struct mm *mm_fork(struct mm *parent);
/* mm_fork's VMA copy (kernel/vm/vma.c): every VMA of src into dst, the
 * pages shared copy-on-write; *err gets the first failure. */
void vma_copy_list(struct mm *dst, struct mm *src, int *err);
/* Drops a reference; the last one frees every page and page table. */
void mm_put(struct mm *mm);
/* Makes mm the active address space of this CPU. */
void mm_activate(struct mm *mm);

/* Inserts a mapping; the range must be free (callers unmap first). */
int vma_map(struct mm *mm, u64 start, u64 len, u32 prot, u32 flags, struct file *file, u64 pgoff);
/* Removes [start, start+len), splitting VMAs and freeing pages. */
int vma_unmap(struct mm *mm, u64 start, u64 len);
struct vma *vma_find(struct mm *mm, u64 addr);
/* Frees the pages mapped in [start, end), leaving the VMAs. */
void vm_release_range(struct mm *mm, u64 start, u64 end);
/* Hardware PTE flags for pages of v. */
u64 vma_pte_flags(const struct vma *v);
/* A free range of len bytes at or below hint (top-down), 0 if none. */
u64 vma_find_free(struct mm *mm, u64 len, u64 hint);
int vma_protect(struct mm *mm, u64 start, u64 len, u32 prot);

/* Handles a user page fault at addr (error_code from the CPU). Returns 0
 * when the access may be retried, -EFAULT for a segmentation fault, -ENXIO
 * for a page beyond the end of a mapped file (SIGBUS), -ENOMEM if memory
 * ran out. */
int vm_handle_fault(struct mm *mm, u64 addr, u64 error_code);
/* User page faults handled, and pages copied on a copy-on-write fault,
 * since boot (for /proc/metrics). */
u64 vm_fault_count(void);
u64 vm_cow_count(void);
/* Makes [start, start+len) present (MAP_POPULATE, exec's stack). */
int vm_populate(struct mm *mm, u64 start, u64 len, bool write);
/* Makes the page at addr present and owned by mm alone (copying a shared
 * one), whatever the VMA's protection; *pa gets its frame. For the kernel
 * writing into an address space it is building (exec). */
int vm_make_private(struct mm *mm, u64 addr, phys_addr_t *pa);

/* Copies from another (or this) address space through the direct map;
 * returns bytes copied (short where nothing is mapped). */
size_t mm_read(struct mm *mm, u64 addr, void *dst, size_t len);

/* Frame reference counting for mapped pages. */
void page_get(phys_addr_t pa);
void page_put(phys_addr_t pa);

#endif
