// SPDX-License-Identifier: MIT
/* execve: replaces the calling process's program. Everything that can
 * fail (opening, "#!" interpreters, ELF checks, building the new address
 * space and stack) happens before the old program is touched; only then is
 * the new address space swapped in. */
#include <abi/errno.h>
#include <abi/fcntl.h>
#include <abi/stat.h>
#include <arch/x86_64/fpu.h>
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/trap.h>
#include <fs/fdtable.h>
#include <fs/vfs.h>
#include <kernel/exec.h>
#include <kernel/kmalloc.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/proc_fs.h>
#include <kernel/random.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/vm.h>

#include "exec_internal.h"

#define ET_DYN_BASE 0x555555554000ull
#define ET_DYN_RANDOM_PAGES 0x10000ull /* 256 MiB of base randomization */
#define USER_RFLAGS 0x202 /* IF, and the always-one bit */

/* Maps one PT_LOAD: file-backed pages (a private copy on first touch), an
 * anonymous tail for the rest of memsz, and zeros after filesz in the last
 * file page. A page shared with the previous segment is written here. */
static int map_segment(struct mm *mm, struct file *f, const struct elf_segment *s, u64 bias,
                       u64 *mapped_end)
{
    u64 start = s->vaddr + bias;
    u64 file_end = start + s->filesz;
    u64 mem_end = start + s->memsz;
    u64 page = ALIGN_DOWN(start, PAGE_SIZE);
    u64 file_pages_end = ALIGN_UP(file_end, PAGE_SIZE);
    u64 mem_pages_end = ALIGN_UP(mem_end, PAGE_SIZE);
    u64 pgoff = ALIGN_DOWN(s->offset, PAGE_SIZE) >> PAGE_SHIFT;
    int r;

    if (page < *mapped_end) {
        /* Shares its first page with the previous segment: widen that
         * page's protection and copy this segment's bytes into it. */
        struct vma *prev = vma_find(mm, page);
        if (prev && (prev->prot | s->prot) != prev->prot) {
            r = vma_protect(mm, page, PAGE_SIZE, prev->prot | s->prot);
            if (r < 0) {
                return r;
            }
        }
        u64 chunk_end = MIN(file_end, page + PAGE_SIZE);
        if (chunk_end > start) {
            r = exec_copy_file(mm, f, s->offset, start, chunk_end - start);
            if (r < 0) {
                return r;
            }
        }
        page += PAGE_SIZE;
        pgoff++;
        if (page >= mem_pages_end) {
            return 0;
        }
    }
    if (file_pages_end > page && s->filesz > 0) {
        r = vma_map(mm, page, file_pages_end - page, s->prot, MAP_PRIVATE, f, pgoff);
        if (r < 0) {
            return r;
        }
        page = file_pages_end;
    }
    if (mem_pages_end > page) {
        r = vma_map(mm, page, mem_pages_end - page, s->prot, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
        if (r < 0) {
            return r;
        }
    }
    /* The file page holding the end of the data continues with zeros. */
    if (mem_end > file_end && (file_end & (PAGE_SIZE - 1)) && s->filesz > 0) {
        u64 zero_end = MIN(mem_end, ALIGN_UP(file_end, PAGE_SIZE));
        r = exec_zero(mm, file_end, zero_end - file_end);
        if (r < 0) {
            return r;
        }
    }
    *mapped_end = MAX(*mapped_end, mem_pages_end);
    return 0;
}

static u64 choose_bias(const struct elf_image *img)
{
    if (img->type != ET_DYN) {
        return 0;
    }
    u64 r;
    get_random_bytes(&r, sizeof(r));
    u64 base = ET_DYN_BASE + (r % ET_DYN_RANDOM_PAGES) * PAGE_SIZE;
    return ALIGN_UP(base, img->max_align) - img->span_start;
}

/* Builds the new address space for img and the initial stack. */
static int build_mm(struct exec_ctx *x, struct mm **out, u64 *entry, u64 *sp)
{
    struct mm *mm = mm_create();
    if (!mm) {
        return -ENOMEM;
    }
    const struct elf_image *img = &x->img;
    u64 bias = choose_bias(img);
    u64 mapped_end = 0;
    int r = 0;
    for (unsigned i = 0; i < img->nsegs && r == 0; i++) {
        r = map_segment(mm, x->file, &img->segs[i], bias, &mapped_end);
    }
    if (r == 0) {
        r = vma_map(mm, mm->stack_top - USER_STACK_MAX, USER_STACK_MAX, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN | VMA_STACK, NULL, 0);
    }
    if (r == 0) {
        r = exec_build_stack(x, mm, bias, sp);
    }
    if (r < 0) {
        mm_put(mm);
        return r;
    }
    mm->brk_start = mm->brk = img->span_end + bias;
    mm->exe_file = file_get(x->file);
    *entry = img->entry + bias;
    *out = mm;
    return 0;
}

/* The new program starts with every register zero but rip, rsp and rflags. */
static void reset_frame(struct trap_frame *f, u64 entry, u64 sp)
{
    memset(f, 0, sizeof(*f));
    f->rip = entry;
    f->rsp = sp;
    f->rflags = USER_RFLAGS;
    f->cs = USER_CS;
    f->ss = USER_DS;
}

static void set_comm(struct process *p, const char *path)
{
    const char *base = path;
    for (const char *c = path; *c; c++) {
        if (*c == '/' && c[1]) {
            base = c + 1;
        }
    }
    strlcpy(p->comm, base, sizeof(p->comm));
}

int do_execve(struct exec_ctx *x, struct trap_frame *frame)
{
    struct process *p = current_process();
    int r = exec_open(x);
    if (r < 0) {
        return r;
    }
    struct mm *mm;
    u64 entry, sp;
    r = build_mm(x, &mm, &entry, &sp);
    if (r < 0) {
        return r;
    }

    /* Point of no return: the old program is gone from here on. */
    struct mm *old = p->mm;
    p->mm = mm;
    mm_activate(mm);
    if (old) {
        process_note_rss_peak(p, old);
        mm_put(old);
    }
    fd_table_close_on_exec(p->files);
    signal_exec(&p->sig);
    set_comm(p, x->filename);
    struct thread *t = current_thread();
    t->fs_base = 0;
    t->gs_base = 0;
    fpu_state_init(t->fpu);
    fpu_restore(t->fpu);
    reset_frame(frame, entry, sp);
    process_vfork_release(p);
    process_execs_total++;
    return 0;
}

SYSCALL_DEFINE3(execve, uptr_t, path, uptr_t, argv, uptr_t, envp)
{
    struct exec_ctx x;
    int r = exec_ctx_from_user(&x, path, argv, envp);
    if (r == 0) {
        r = do_execve(&x, current_thread()->user_frame);
    }
    exec_ctx_free(&x);
    return r == 0 ? SYSCALL_FRAME_REPLACED : r;
}
