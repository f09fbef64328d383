// SPDX-License-Identifier: MIT
/* Per-process directories: /proc/<pid>, its task/ (one directory per
 * thread: Kiln processes have one, with tid == pid), fd/ (a magic link per
 * open descriptor) and fdinfo/ (a file per descriptor). */
#include <abi/errno.h>
#include <abi/stat.h>
#include <fs/fdtable.h>
#include <kernel/format.h>
#include <kernel/proc.h>
#include <kernel/string.h>

#include "procfs_internal.h"

#define FD_LINK_SIZE 64 /* st_size of an fd link, as Linux */

extern const struct proc_entry proc_fd_link_entry, proc_fdinfo_entry;

/* The open file at fd of p, or NULL; proc_lock held (no reference is
 * taken: nothing runs that could close it while the lock is held). */
struct file *proc_fd_file(struct process *p, int fd)
{
    struct fd_table *t = p->files;
    struct file *f = NULL;
    if (!t || fd < 0) {
        return NULL;
    }
    u64 flags = spin_lock_irqsave(&t->lock);
    if ((u32)fd < t->cap) {
        f = t->fds[fd];
    }
    spin_unlock_irqrestore(&t->lock, flags);
    return f;
}

/* Permission bits of an fd link, from the file's access mode (Linux:
 * r-x for reading, -wx for writing). */
static u32 fd_link_mode(const struct file *f)
{
    u32 mode = S_IFLNK;
    if (f->fmode & FMODE_READ) {
        mode |= 0500;
    }
    if (f->fmode & FMODE_WRITE) {
        mode |= 0300;
    }
    return mode;
}

static int fd_lookup(struct inode *dir, struct dentry *d, bool info)
{
    const struct proc_inode *pi = dir->private;
    int fd;
    if (!proc_parse_num(d->name, d->name_len, &fd)) {
        return -ENOENT;
    }
    u32 mode = 0;
    u64 flags = spin_lock_irqsave(&proc_lock);
    struct process *p = process_find_locked(pi->pid);
    struct file *f = p ? proc_fd_file(p, fd) : NULL;
    if (f) {
        mode = info ? (S_IFREG | 0444) : fd_link_mode(f);
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    if (!mode) {
        return -ENOENT;
    }
    struct inode *i = proc_make_inode(dir->sb, info ? &proc_fdinfo_entry : &proc_fd_link_entry,
                                      info ? PK_FILE : PK_LINK, mode, pi->pid, fd,
                                      PROC_INO(pi->pid, info ? PT_FDINFO : PT_FD, fd));
    if (!i) {
        return -ENOMEM;
    }
    if (!info) {
        i->size = FD_LINK_SIZE;
    }
    d_instantiate(d, i);
    return 0;
}

int proc_pid_lookup(struct inode *dir, struct dentry *d)
{
    const struct proc_inode *pi = dir->private;
    size_t k;
    const struct proc_entry *e;
    struct inode *i;
    int tid;

    switch (pi->kind) {
    case PK_PID: {
        u64 flags = spin_lock_irqsave(&proc_lock);
        bool alive = process_find_locked(pi->pid) != NULL;
        spin_unlock_irqrestore(&proc_lock, flags);
        if (!alive) {
            return -ENOENT;
        }
        e = proc_table_find(&proc_pid_table, d->name, d->name_len, pi->in_task, &k);
        if (!e) {
            return -ENOENT;
        }
        u8 kind = S_ISDIR(e->mode) ? e->kind : S_ISLNK(e->mode) ? PK_LINK : PK_FILE;
        i = proc_make_inode(dir->sb, e, kind, 0, pi->pid, -1,
                            PROC_INO(pi->pid, pi->in_task ? PT_TID : PT_PID, k));
        break;
    }
    case PK_TASK:
        /* One thread per process: its tid is the pid. */
        if (!proc_parse_num(d->name, d->name_len, &tid) || tid != pi->pid) {
            return -ENOENT;
        }
        i = proc_make_pid_dir(dir->sb, pi->pid, true);
        break;
    case PK_FD:
        return fd_lookup(dir, d, false);
    case PK_FDINFO:
        return fd_lookup(dir, d, true);
    default:
        return -ENOENT;
    }
    if (!i) {
        return -ENOMEM;
    }
    d_instantiate(d, i);
    return 0;
}

/* The smallest open fd >= min of process pid: 0 and *fd set, or
 * -ENOENT when there is none, -ESRCH when the process is gone. */
static int next_fd(int pid, int min, int *fd)
{
    int r = -ENOENT;
    u64 flags = spin_lock_irqsave(&proc_lock);
    struct process *p = process_find_locked(pid);
    if (!p) {
        r = -ESRCH;
    } else if (p->files) {
        struct fd_table *t = p->files;
        u64 tflags = spin_lock_irqsave(&t->lock);
        for (u32 i = (u32)min; i < t->cap; i++) {
            if (t->fds[i]) {
                *fd = (int)i;
                r = 0;
                break;
            }
        }
        spin_unlock_irqrestore(&t->lock, tflags);
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    return r;
}

/* Positions: 0 ".", 1 "..", PROC_DYN_POS + fd. */
static int fd_iterate(struct file *f, struct dir_context *ctx, bool info)
{
    const struct proc_inode *pi = f->inode->private;
    if (ctx->pos < PROC_DYN_POS) {
        ctx->pos = PROC_DYN_POS;
    }
    for (;;) {
        int fd;
        int r = next_fd(pi->pid, (int)(ctx->pos - PROC_DYN_POS), &fd);
        if (r == -ESRCH) {
            return ctx->pos == PROC_DYN_POS ? -ENOENT : 0;
        }
        if (r) {
            return 0;
        }
        char name[16];
        int n = ksnprintf(name, sizeof(name), "%d", fd);
        u64 next = PROC_DYN_POS + (u64)fd + 1;
        if (!ctx->emit(ctx, name, (size_t)n, PROC_INO(pi->pid, info ? PT_FDINFO : PT_FD, fd),
                       info ? DT_REG : DT_LNK, next)) {
            return 0;
        }
        ctx->pos = next;
    }
}

int proc_pid_iterate(struct file *f, struct dir_context *ctx)
{
    const struct proc_inode *pi = f->inode->private;
    u64 flags = spin_lock_irqsave(&proc_lock);
    bool alive = process_find_locked(pi->pid) != NULL;
    spin_unlock_irqrestore(&proc_lock, flags);
    if (!alive) {
        return -ENOENT;
    }
    if (!proc_emit_dots(f, ctx)) {
        return 0;
    }
    switch (pi->kind) {
    case PK_PID:
        proc_emit_table(ctx, &proc_pid_table, pi->pid, pi->in_task);
        return 0;
    case PK_TASK: {
        char name[16];
        int n = ksnprintf(name, sizeof(name), "%d", pi->pid);
        u64 next = PROC_DYN_POS + (u64)pi->pid + 1;
        if (ctx->pos < next &&
            ctx->emit(ctx, name, (size_t)n, PROC_INO(pi->pid, PT_PIDDIR, 1), DT_DIR, next)) {
            ctx->pos = next;
        }
        return 0;
    }
    case PK_FD:
        return fd_iterate(f, ctx, false);
    case PK_FDINFO:
        return fd_iterate(f, ctx, true);
    default:
        return 0;
    }
}
