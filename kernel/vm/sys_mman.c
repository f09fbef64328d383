// SPDX-License-Identifier: MIT
/* brk, mmap, munmap, mprotect, mremap, madvise. */
#include <abi/errno.h>
#include <arch/x86_64/memlayout.h>
#include <kernel/process.h>
#include <kernel/syscall.h>
#include <kernel/vm.h>
#include <kernel/vm_file.h>

#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MADV_DONTNEED 4
#define MAP_TYPE 0x0f
#define MAP_KNOWN_FLAGS                                                                            \
    (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_NORESERVE |        \
     MAP_POPULATE | MAP_FIXED_NOREPLACE | 0x800 /* DENYWRITE */ | 0x1000 /* EXECUTABLE */ |        \
     0x2000 /* LOCKED */ | 0x10000 /* NONBLOCK */ | 0x20000 /* STACK */ | 0x40000 /* HUGETLB */ |  \
     0x03 /* SHARED_VALIDATE */)

static struct mm *current_mm(void)
{
    struct process *p = current_process();
    return p ? p->mm : NULL;
}

static bool range_is_free(struct mm *mm, u64 start, u64 len)
{
    struct list_head *pos;
    list_for_each(pos, &mm->vmas)
    {
        struct vma *v = list_entry(pos, struct vma, link);
        if (v->start < start + len && v->end > start) {
            return false;
        }
    }
    return true;
}

SYSCALL_DEFINE1(brk, u64, addr)
{
    struct mm *mm = current_mm();
    if (!mm) {
        return -ENOMEM;
    }
    if (addr < mm->brk_start) {
        return (long)mm->brk;
    }
    u64 old_end = ALIGN_UP(mm->brk, PAGE_SIZE);
    u64 new_end = ALIGN_UP(addr, PAGE_SIZE);
    if (new_end > old_end) {
        if (new_end > mm->mmap_base - USER_STACK_MAX ||
            !range_is_free(mm, old_end, new_end - old_end)) {
            return (long)mm->brk; /* Linux reports failure by not moving */
        }
        if (vma_map(mm, old_end, new_end - old_end, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | VMA_HEAP, NULL, 0) < 0) {
            return (long)mm->brk;
        }
    } else if (new_end < old_end) {
        vma_unmap(mm, new_end, old_end - new_end);
    }
    mm->brk = addr;
    return (long)mm->brk;
}

/* Checks mmap's length, offset, type and protection; *size is the length
 * in whole pages. MAP_SHARED_VALIDATE becomes MAP_SHARED in *flags. */
static int check_mmap_args(u64 len, u32 prot, u32 *flags, u64 off, u64 *size)
{
    u32 type = *flags & MAP_TYPE;

    if (len == 0 || (off & (PAGE_SIZE - 1))) {
        return -EINVAL;
    }
    if (type != MAP_SHARED && type != MAP_PRIVATE && type != 0x03) {
        return -EINVAL;
    }
    if (type == 0x03 && (*flags & ~MAP_KNOWN_FLAGS)) {
        return -EOPNOTSUPP; /* MAP_SHARED_VALIDATE with unknown flags */
    }
    if (type == 0x03) {
        *flags = (*flags & ~MAP_TYPE) | MAP_SHARED;
    }
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) {
        return -EINVAL;
    }
    *size = ALIGN_UP(len, PAGE_SIZE);
    if (*size < len || *size > USER_SPACE_TOP) {
        return -ENOMEM;
    }
    return 0;
}

/* MAP_FIXED and MAP_FIXED_NOREPLACE: the mapping goes at addr, replacing
 * what is there (MAP_FIXED only). */
static int place_fixed(struct mm *mm, u64 addr, u64 size, u32 flags)
{
    if ((addr & (PAGE_SIZE - 1)) || addr > USER_SPACE_TOP || size > USER_SPACE_TOP - addr ||
        addr < USER_MIN_ADDR) {
        return addr < USER_MIN_ADDR ? -EPERM : -EINVAL;
    }
    if ((flags & MAP_FIXED_NOREPLACE) && !range_is_free(mm, addr, size)) {
        return -EEXIST;
    }
    vma_unmap(mm, addr, size);
    return 0;
}

/* Where a new mapping goes: at addr for the fixed kinds, else at the hint
 * addr if it is free, else anywhere free. */
static int place_mapping(struct mm *mm, u64 addr, u64 size, u32 flags, u64 *start)
{
    u64 hint = ALIGN_DOWN(addr, PAGE_SIZE);

    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        *start = addr;
        return place_fixed(mm, addr, size, flags);
    }
    if (hint >= USER_MIN_ADDR && hint <= USER_SPACE_TOP && size <= USER_SPACE_TOP - hint &&
        range_is_free(mm, hint, size)) {
        *start = hint;
    } else {
        *start = vma_find_free(mm, size, 0);
    }
    return *start ? 0 : -ENOMEM;
}

SYSCALL_DEFINE6(mmap, u64, addr, u64, len, u32, prot, u32, flags, int, fd, u64, off)
{
    struct mm *mm = current_mm();
    struct file *file = NULL;
    u64 size, start;
    int err;

    if (!mm) {
        return -ENOMEM;
    }
    err = check_mmap_args(len, prot, &flags, off, &size);
    if (err) {
        return err;
    }
    if (!(flags & MAP_ANONYMOUS)) {
        err = 0;
        file = vm_file_from_fd(fd, prot, flags, &err);
        if (!file) {
            return err;
        }
    }
    err = place_mapping(mm, addr, size, flags, &start);
    if (!err) {
        u32 vflags = flags & (MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN);
        err = vma_map(mm, start, size, prot, vflags, file, off >> PAGE_SHIFT);
    }
    if (file) {
        vm_file_put(file); /* the VMA holds its own reference */
    }
    if (err < 0) {
        return err;
    }
    if (flags & MAP_POPULATE) {
        vm_populate(mm, start, size, prot & PROT_WRITE);
    }
    return (long)start;
}

SYSCALL_DEFINE2(munmap, u64, addr, u64, len)
{
    struct mm *mm = current_mm();
    if (!mm || (addr & (PAGE_SIZE - 1)) || len == 0 || addr > USER_SPACE_TOP ||
        len > USER_SPACE_TOP - addr) {
        return -EINVAL;
    }
    return vma_unmap(mm, addr, len);
}

SYSCALL_DEFINE3(mprotect, u64, addr, u64, len, u32, prot)
{
    struct mm *mm = current_mm();
    if (!mm || (addr & (PAGE_SIZE - 1)) ||
        (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | 0x01000000 | 0x02000000))) {
        return -EINVAL;
    }
    if (len == 0) {
        return 0;
    }
    if (addr > USER_SPACE_TOP || len > USER_SPACE_TOP - addr) {
        return -ENOMEM;
    }
    return vma_protect(mm, addr, len, prot & (PROT_READ | PROT_WRITE | PROT_EXEC));
}

struct move_ctx {
    struct mm *mm;
    u64 from, to;
    int err;
};

static int move_pte(u64 va, u64 *pte, void *arg)
{
    struct move_ctx *c = arg;
    u64 entry = *pte;
    *pte = 0;
    int r = vm_map_page(&c->mm->as, va - c->from + c->to, entry & PTE_ADDR_MASK,
                        entry & ~PTE_ADDR_MASK & ~PTE_PROTNONE);
    if (r < 0) {
        page_put(entry & PTE_ADDR_MASK);
        c->mm->rss_pages--;
        c->err = r;
    }
    return 0;
}

SYSCALL_DEFINE5(mremap, u64, addr, u64, old_len, u64, new_len, u32, flags, u64, new_addr)
{
    struct mm *mm = current_mm();
    if (!mm || (addr & (PAGE_SIZE - 1)) || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) ||
        new_len == 0) {
        return -EINVAL;
    }
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) {
        return -EINVAL;
    }
    old_len = ALIGN_UP(old_len, PAGE_SIZE);
    new_len = ALIGN_UP(new_len, PAGE_SIZE);
    struct vma *v = vma_find(mm, addr);
    if (!v || old_len == 0 || addr + old_len > v->end) {
        return -EFAULT;
    }
    if (new_len <= old_len && !(flags & MREMAP_FIXED)) {
        if (new_len < old_len) {
            vma_unmap(mm, addr + new_len, old_len - new_len);
        }
        return (long)addr;
    }
    /* Grow in place when the pages after the VMA are free. */
    if (!(flags & MREMAP_FIXED) && addr + old_len == v->end && addr + new_len <= USER_SPACE_TOP &&
        range_is_free(mm, v->end, addr + new_len - v->end)) {
        v->end = addr + new_len;
        return (long)addr;
    }
    if (!(flags & MREMAP_MAYMOVE)) {
        return -ENOMEM;
    }
    u64 dest;
    if (flags & MREMAP_FIXED) {
        if ((new_addr & (PAGE_SIZE - 1)) || new_addr < USER_MIN_ADDR ||
            new_addr > USER_SPACE_TOP - new_len) {
            return -EINVAL;
        }
        dest = new_addr;
        vma_unmap(mm, dest, new_len);
    } else {
        dest = vma_find_free(mm, new_len, 0);
        if (!dest) {
            return -ENOMEM;
        }
    }
    u64 pgoff = v->pgoff + ((addr - v->start) >> PAGE_SHIFT);
    int r = vma_map(mm, dest, new_len, v->prot, v->flags, v->file, pgoff);
    if (r < 0) {
        return r;
    }
    struct move_ctx c = {mm, addr, dest, 0};
    vm_for_each_user_pte(&mm->as, addr, addr + (old_len < new_len ? old_len : new_len), move_pte,
                         &c);
    vma_unmap(mm, addr, old_len);
    return c.err ? c.err : (long)dest;
}

SYSCALL_DEFINE3(madvise, u64, addr, u64, len, int, advice)
{
    struct mm *mm = current_mm();
    if (!mm || (addr & (PAGE_SIZE - 1))) {
        return -EINVAL;
    }
    if (advice != MADV_DONTNEED) {
        /* Every other advice is a hint; accepting it changes nothing visible. */
        return advice >= 0 && advice <= 25 ? 0 : -EINVAL;
    }
    u64 end = addr + ALIGN_UP(len, PAGE_SIZE);
    for (u64 a = addr; a < end;) {
        struct vma *v = vma_find(mm, a);
        if (!v) {
            return -ENOMEM;
        }
        a = v->end;
    }
    /* Dropped pages read back as zeros (anonymous) or the file's data. */
    vm_release_range(mm, addr, end);
    return 0;
}
