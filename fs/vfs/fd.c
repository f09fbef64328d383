// SPDX-License-Identifier: MIT
/* Descriptor-level syscalls: dup, dup2, dup3, fcntl, ioctl, fsync,
 * fdatasync, sync, syncfs, flock, fadvise64. */
#include <abi/errno.h>
#include <fs/fdtable.h>
#include <fs/filelock.h>
#include <fs/pipe.h>
#include <fs/vfs.h>
#include <kernel/process.h>
#include <kernel/syscall.h>

#include "vfs_internal.h"

#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

SYSCALL_DEFINE1(dup, int, oldfd)
{
    struct file *f = fd_get_raw(oldfd);
    int fd;

    if (!f) {
        return -EBADF;
    }
    fd = fd_install(f, false);
    if (fd < 0) {
        file_put(f);
    }
    return fd;
}

static long do_dup3(int oldfd, int newfd, int flags)
{
    struct file *f;
    int r;

    if (flags & ~O_CLOEXEC) {
        return -EINVAL;
    }
    f = fd_get_raw(oldfd);
    if (!f) {
        return -EBADF;
    }
    if (newfd < 0 || newfd >= fd_limit()) {
        file_put(f);
        return -EBADF;
    }
    r = fd_install_at(newfd, f, flags & O_CLOEXEC);
    if (r < 0) {
        file_put(f);
    }
    return r;
}

SYSCALL_DEFINE2(dup2, int, oldfd, int, newfd)
{
    if (oldfd == newfd) {
        struct file *f = fd_get_raw(oldfd);
        if (!f) {
            return -EBADF;
        }
        file_put(f);
        return newfd;
    }
    return do_dup3(oldfd, newfd, 0);
}

SYSCALL_DEFINE3(dup3, int, oldfd, int, newfd, int, flags)
{
    if (oldfd == newfd) {
        return -EINVAL;
    }
    return do_dup3(oldfd, newfd, flags);
}

/* Partial: F_SETOWN is accepted and F_GETOWN gives 0, but no SIGIO is
 * ever sent; F_SETSIG, F_*OWN_EX, leases, F_NOTIFY, seals, RW hints and
 * F_DUPFD_QUERY are -EINVAL; F_SETPIPE_SZ keeps the fixed pipe size.
 * Record locks are filelock_sys.c's. */
SYSCALL_DEFINE3(fcntl, int, fd, u32, cmd, u64, arg)
{
    struct file *f = fd_get_raw(fd);
    long r = 0;

    if (!f) {
        return -EBADF;
    }
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        if (arg >= (u64)fd_limit()) {
            r = -EINVAL;
            break;
        }
        r = fd_install_from(current_process()->files, file_get(f), (int)arg,
                            cmd == F_DUPFD_CLOEXEC);
        if (r < 0) {
            file_put(f);
        }
        break;
    case F_GETFD:
        r = fd_get_cloexec(fd);
        break;
    case F_SETFD:
        r = fd_set_cloexec(fd, arg & FD_CLOEXEC);
        break;
    case F_GETFL:
        r = f->flags;
        break;
    case F_SETFL:
        if (f->fmode & FMODE_PATH) {
            r = -EBADF;
            break;
        }
        f->flags = (f->flags & ~SETFL_MASK) | ((u32)arg & SETFL_MASK);
        break;
    case F_GETPIPE_SZ:
    case F_SETPIPE_SZ:
        /* The capacity is fixed; setting it reports the size kept. */
        r = &pipe_size == NULL || pipe_size(f) < 0 ? -EBADF : (int)pipe_size(f);
        break;
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
        if (f->fmode & FMODE_PATH) {
            r = -EBADF;
        } else {
            r = filelock_fcntl ? filelock_fcntl(f, cmd, uptr(arg)) : -ENOLCK;
        }
        break;
    case F_GETOWN:
    case F_SETOWN:
        r = (f->fmode & FMODE_PATH) ? -EBADF : 0;
        break;
    default:
        r = -EINVAL;
        break;
    }
    file_put(f);
    return r;
}

SYSCALL_DEFINE3(ioctl, int, fd, u32, cmd, u64, arg)
{
    struct file *f = fd_get(fd);
    long r;

    if (!f) {
        return -EBADF;
    }
    switch (cmd) {
    case FIOCLEX:
    case FIONCLEX:
        r = fd_set_cloexec(fd, cmd == FIOCLEX);
        break;
    case FIONBIO: {
        int on;
        r = copy_from_user(&on, uptr(arg), sizeof(on));
        if (r == 0) {
            if (on) {
                f->flags |= O_NONBLOCK;
            } else {
                f->flags &= ~O_NONBLOCK;
            }
        }
        break;
    }
    case FIOASYNC:
        r = 0;
        break;
    default:
        r = f->ops->ioctl ? f->ops->ioctl(f, cmd, arg) : -ENOTTY;
        break;
    }
    file_put(f);
    return r;
}

static long do_fsync(int fd)
{
    struct file *f = fd_get(fd);
    long r = 0;

    if (!f) {
        return -EBADF;
    }
    if (f->ops->fsync) {
        r = f->ops->fsync(f);
    } else if (!S_ISREG(f->inode->mode) && !S_ISDIR(f->inode->mode)) {
        r = -EINVAL;
    }
    file_put(f);
    return r;
}

SYSCALL_DEFINE1(fsync, int, fd)
{
    return do_fsync(fd);
}

SYSCALL_DEFINE1(fdatasync, int, fd)
{
    return do_fsync(fd);
}

/* File data lives in memory; the disks' write caches are what remains
 * (include/fs/vfs.h). sync(2) cannot fail. */
SYSCALL_DEFINE0(sync)
{
    if (block_sync_all) {
        block_sync_all();
    }
    return 0;
}

/* No filesystem sits on a disk, so no disk belongs to fd's filesystem in
 * particular: every disk is flushed, and a flush error is reported. */
SYSCALL_DEFINE1(syncfs, int, fd)
{
    struct file *f = fd_get(fd);

    if (!f) {
        return -EBADF;
    }
    file_put(f);
    return block_sync_all ? block_sync_all() : 0;
}

SYSCALL_DEFINE2(flock, int, fd, u32, op)
{
    struct file *f;
    int type;
    long r;

    /* Linux ignores the obsolete LOCK_MAND requests (before any check). */
    if (op & LOCK_MAND) {
        return 0;
    }
    switch (op & ~LOCK_NB) {
    case LOCK_SH:
        type = F_RDLCK;
        break;
    case LOCK_EX:
        type = F_WRLCK;
        break;
    case LOCK_UN:
        type = F_UNLCK;
        break;
    default:
        return -EINVAL;
    }
    f = fd_get(fd);
    if (!f) {
        return -EBADF;
    }
    /* Locking needs the file open for reading or writing; unlocking not. */
    if (type != F_UNLCK && !(f->fmode & (FMODE_READ | FMODE_WRITE))) {
        r = -EBADF;
    } else {
        r = filelock_flock ? filelock_flock(f, type, op & LOCK_NB) : -ENOLCK;
    }
    file_put(f);
    return r;
}

SYSCALL_DEFINE4(fadvise64, int, fd, s64, off, s64, len, int, advice)
{
    (void)off;
    struct file *f = fd_get(fd);
    long r = 0;

    if (!f) {
        return -EBADF;
    }
    if (advice < 0 || advice > 5 || len < 0) {
        r = -EINVAL;
    } else if (f->ops->llseek == vfs_no_llseek) {
        r = -ESPIPE;
    }
    file_put(f);
    return r;
}
