// SPDX-License-Identifier: MIT
/* getdents64(2) and the old getdents(2). */
#include <abi/errno.h>
#include <fs/fdtable.h>
#include <fs/vfs.h>
#include <kernel/compiler.h>
#include <kernel/string.h>
#include <kernel/syscall.h>

#include "vfs_internal.h"

struct getdents_ctx {
    struct dir_context ctx;
    uptr_t buf;
    size_t count;
    size_t used;
    int err;
    bool old_format;
};

static bool emit_dirent(struct dir_context *c, const char *name, size_t len, u64 ino, u8 dtype,
                        u64 next_pos)
{
    struct getdents_ctx *g = container_of(c, struct getdents_ctx, ctx);
    u8 rec[sizeof(struct linux_dirent64) + NAME_MAX + 16] __aligned(8);
    size_t reclen;

    memset(rec, 0, sizeof(rec));
    if (g->old_format) {
        struct linux_dirent *d = (struct linux_dirent *)rec;
        reclen = ALIGN_UP(offsetof(struct linux_dirent, d_name) + len + 2, 8);
        d->d_ino = ino;
        d->d_off = next_pos;
        d->d_reclen = (u16)reclen;
        memcpy(d->d_name, name, len);
        rec[reclen - 1] = dtype;
    } else {
        struct linux_dirent64 *d = (struct linux_dirent64 *)rec;
        reclen = ALIGN_UP(offsetof(struct linux_dirent64, d_name) + len + 1, 8);
        d->d_ino = ino;
        d->d_off = (s64)next_pos;
        d->d_reclen = (u16)reclen;
        d->d_type = dtype;
        memcpy(d->d_name, name, len);
    }
    if (g->used + reclen > g->count) {
        if (g->used == 0) {
            g->err = -EINVAL;
        }
        return false;
    }
    if (copy_to_user(uptr_add(g->buf, g->used), rec, reclen) < 0) {
        g->err = -EFAULT;
        return false;
    }
    g->used += reclen;
    return true;
}

static long do_getdents(int fd, uptr_t buf, u64 count, bool old_format)
{
    struct getdents_ctx g = {.buf = buf, .count = count, .old_format = old_format};
    struct file *f = fd_get(fd);
    int err;

    if (!f) {
        return -EBADF;
    }
    if (!S_ISDIR(f->inode->mode) || !f->ops->iterate) {
        file_put(f);
        return -ENOTDIR;
    }
    g.ctx.emit = emit_dirent;
    vfs_lock();
    if (f->dentry->flags & DENTRY_DEAD) {
        err = -ENOENT;
    } else {
        g.ctx.pos = f->pos;
        err = f->ops->iterate(f, &g.ctx);
        f->pos = g.ctx.pos;
    }
    vfs_unlock();
    file_put(f);
    if (g.used > 0) {
        return (long)g.used;
    }
    return g.err ? g.err : err;
}

SYSCALL_DEFINE3(getdents64, int, fd, uptr_t, buf, u32, count)
{
    return do_getdents(fd, buf, count, false);
}

SYSCALL_DEFINE3(getdents, int, fd, uptr_t, buf, u32, count)
{
    return do_getdents(fd, buf, count, true);
}
