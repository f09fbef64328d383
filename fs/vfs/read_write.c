// SPDX-License-Identifier: MIT
/* read(2), write(2) and their positioned and vectored forms, lseek(2),
 * sendfile(2). Each calls the file's op without the VFS lock: filesystems
 * lock inside their ops, devices may sleep. */
#include <abi/errno.h>
#include <abi/uio.h>
#include <fs/fdtable.h>
#include <fs/vfs.h>
#include <kernel/kmalloc.h>
#include <kernel/syscall.h>

#include "vfs_internal.h"

#define MAX_RW_COUNT 0x7ffff000ul
#define PAGE_SIZE_RW 4096 /* sendfile bounce buffer */

static long file_read(struct file *f, struct iobuf *b, u64 *pos)
{
    if (!(f->fmode & FMODE_READ)) {
        return -EBADF;
    }
    if (S_ISDIR(f->inode->mode)) {
        return -EISDIR;
    }
    if (!f->ops->read) {
        return -EINVAL;
    }
    return f->ops->read(f, b, pos);
}

static long file_write(struct file *f, struct iobuf *b, u64 *pos)
{
    if (!(f->fmode & FMODE_WRITE)) {
        return -EBADF;
    }
    if (!f->ops->write) {
        return -EINVAL;
    }
    return f->ops->write(f, b, pos);
}

static bool seekable(struct file *f)
{
    return f->ops->llseek != vfs_no_llseek;
}

static long do_rw(int fd, uptr_t buf, u64 count, s64 off, bool positioned, bool write)
{
    struct file *f = fd_get(fd);
    struct iobuf b;
    u64 pos;
    long r;

    if (!f) {
        return -EBADF;
    }
    if (count > MAX_RW_COUNT) {
        count = MAX_RW_COUNT;
    }
    if (positioned && (off < 0 || !seekable(f))) {
        file_put(f);
        return off < 0 ? -EINVAL : -ESPIPE;
    }
    if (!user_range_ok(buf, count)) {
        file_put(f);
        return -EFAULT;
    }
    b = iobuf_user(buf, count);
    pos = positioned ? (u64)off : f->pos;
    r = write ? file_write(f, &b, &pos) : file_read(f, &b, &pos);
    if (!positioned && r >= 0) {
        f->pos = pos;
    }
    file_put(f);
    return r;
}

SYSCALL_DEFINE3(read, int, fd, uptr_t, buf, u64, count)
{
    return do_rw(fd, buf, count, 0, false, false);
}

SYSCALL_DEFINE3(write, int, fd, uptr_t, buf, u64, count)
{
    return do_rw(fd, buf, count, 0, false, true);
}

SYSCALL_DEFINE4(pread64, int, fd, uptr_t, buf, u64, count, s64, off)
{
    return do_rw(fd, buf, count, off, true, false);
}

SYSCALL_DEFINE4(pwrite64, int, fd, uptr_t, buf, u64, count, s64, off)
{
    return do_rw(fd, buf, count, off, true, true);
}

static long do_rwv(int fd, uptr_t uiov, int iovcnt, s64 off, bool positioned, bool write)
{
    struct linux_iovec *iov;
    struct file *f;
    u64 total = 0, pos;
    long done = 0;

    if (iovcnt < 0 || iovcnt > UIO_MAXIOV) {
        return -EINVAL;
    }
    f = fd_get(fd);
    if (!f) {
        return -EBADF;
    }
    if (iovcnt == 0) {
        file_put(f);
        return 0;
    }
    if (positioned && (off < 0 || !seekable(f))) {
        file_put(f);
        return off < 0 ? -EINVAL : -ESPIPE;
    }
    iov = kmalloc((size_t)iovcnt * sizeof(*iov));
    if (!iov) {
        file_put(f);
        return -ENOMEM;
    }
    if (copy_from_user(iov, uiov, (size_t)iovcnt * sizeof(*iov)) < 0) {
        done = -EFAULT;
        goto out;
    }
    for (int i = 0; i < iovcnt; i++) {
        if (iov[i].iov_len > (u64)INT64_MAX - total) {
            done = -EINVAL;
            goto out;
        }
        total += iov[i].iov_len;
        if (!user_range_ok(uptr(iov[i].iov_base), iov[i].iov_len)) {
            done = -EFAULT;
            goto out;
        }
    }
    pos = positioned ? (u64)off : f->pos;
    for (int i = 0; i < iovcnt; i++) {
        u64 len = iov[i].iov_len;
        if (len == 0) {
            continue;
        }
        if (len > MAX_RW_COUNT - (u64)done) {
            len = MAX_RW_COUNT - (u64)done;
        }
        struct iobuf b = iobuf_user(uptr(iov[i].iov_base), len);
        long r = write ? file_write(f, &b, &pos) : file_read(f, &b, &pos);
        if (r < 0) {
            if (done == 0) {
                done = r;
            }
            break;
        }
        done += r;
        if ((u64)r < len || (u64)done >= MAX_RW_COUNT) {
            break;
        }
    }
    if (!positioned && done >= 0) {
        f->pos = pos;
    }
out:
    kfree(iov);
    file_put(f);
    return done;
}

SYSCALL_DEFINE3(readv, int, fd, uptr_t, iov, int, iovcnt)
{
    return do_rwv(fd, iov, iovcnt, 0, false, false);
}

SYSCALL_DEFINE3(writev, int, fd, uptr_t, iov, int, iovcnt)
{
    return do_rwv(fd, iov, iovcnt, 0, false, true);
}

SYSCALL_DEFINE4(preadv, int, fd, uptr_t, iov, int, iovcnt, s64, off)
{
    return do_rwv(fd, iov, iovcnt, off, true, false);
}

SYSCALL_DEFINE4(pwritev, int, fd, uptr_t, iov, int, iovcnt, s64, off)
{
    return do_rwv(fd, iov, iovcnt, off, true, true);
}

SYSCALL_DEFINE3(lseek, int, fd, s64, off, int, whence)
{
    struct file *f = fd_get(fd);
    s64 r;

    if (!f) {
        return -EBADF;
    }
    if (f->ops->llseek) {
        r = f->ops->llseek(f, off, whence);
    } else if (S_ISDIR(f->inode->mode) && whence != SEEK_SET && whence != SEEK_CUR) {
        r = -EINVAL;
    } else {
        r = vfs_generic_llseek(f, off, whence);
    }
    file_put(f);
    return r;
}

SYSCALL_DEFINE4(sendfile, int, out_fd, int, in_fd, uptr_t, uoff, u64, count)
{
    struct file *in = fd_get(in_fd);
    struct file *out = fd_get(out_fd);
    char *buf = NULL;
    long done = 0;
    u64 pos;
    s64 off = 0;

    if (!in || !out) {
        done = -EBADF;
        goto out;
    }
    if (!(in->fmode & FMODE_READ) || !(out->fmode & FMODE_WRITE)) {
        done = -EBADF;
        goto out;
    }
    if (S_ISDIR(in->inode->mode) || (out->flags & O_APPEND)) {
        done = -EINVAL;
        goto out;
    }
    if (!uptr_is_null(uoff)) {
        if (copy_from_user(&off, uoff, sizeof(off)) < 0) {
            done = -EFAULT;
            goto out;
        }
        if (off < 0) {
            done = -EINVAL;
            goto out;
        }
    }
    buf = kmalloc(PAGE_SIZE_RW);
    if (!buf) {
        done = -ENOMEM;
        goto out;
    }
    pos = uptr_is_null(uoff) ? in->pos : (u64)off;
    if (count > MAX_RW_COUNT) {
        count = MAX_RW_COUNT;
    }
    while ((u64)done < count) {
        size_t chunk = count - (u64)done < PAGE_SIZE_RW ? count - (u64)done : PAGE_SIZE_RW;
        struct iobuf rb = iobuf_kernel(buf, chunk);
        long r = file_read(in, &rb, &pos);
        if (r <= 0) {
            if (r < 0 && done == 0) {
                done = r;
            }
            break;
        }
        struct iobuf wb = iobuf_kernel(buf, (size_t)r);
        u64 opos = out->pos;
        long w = file_write(out, &wb, &opos);
        if (w > 0) {
            out->pos = opos;
        }
        if (w < 0) {
            if (done == 0) {
                done = w;
            }
            break;
        }
        done += w;
        if (w < r) {
            pos -= (u64)(r - w);
            break;
        }
    }
    if (done >= 0) {
        if (uptr_is_null(uoff)) {
            in->pos = pos;
        } else {
            off = (s64)pos;
            if (copy_to_user(uoff, &off, sizeof(off)) < 0) {
                done = -EFAULT;
            }
        }
    }
out:
    kfree(buf);
    if (in) {
        file_put(in);
    }
    if (out) {
        file_put(out);
    }
    return done;
}
