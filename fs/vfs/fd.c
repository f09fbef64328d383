// SPDX-License-Identifier: MIT
/* Descriptor-level syscalls: dup, dup2, dup3, fcntl, ioctl, fsync,
 * fdatasync, sync, syncfs, flock, fadvise64. */
#include <abi/errno.h>
#include <fs/fdtable.h>
#include <fs/pipe.h>
#include <fs/vfs.h>
#include <kernel/process.h>
#include <kernel/syscall.h>

#include "vfs_internal.h"

#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8

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

static long fcntl_lock(struct file *f, u32 cmd, uptr_t arg)
{
    (void)f;
    /* No record locks yet: every lock is granted, F_GETLK finds none. */
    if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
        s16 type = F_UNLCK;
        if (copy_to_user(arg, &type, sizeof(type)) < 0) {
            return -EFAULT;
        }
    }
    return 0;
}

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
        r = (f->fmode & FMODE_PATH) ? -EBADF : fcntl_lock(f, cmd, uptr(arg));
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

/* Everything lives in memory: there is nothing to write back. */
SYSCALL_DEFINE0(sync)
{
    return 0;
}

SYSCALL_DEFINE1(syncfs, int, fd)
{
    struct file *f = fd_get(fd);

    if (!f) {
        return -EBADF;
    }
    file_put(f);
    return 0;
}

SYSCALL_DEFINE2(flock, int, fd, u32, op)
{
    struct file *f;
    u32 kind = op & ~LOCK_NB;

    if (kind != LOCK_SH && kind != LOCK_EX && kind != LOCK_UN) {
        return -EINVAL;
    }
    f = fd_get(fd);
    if (!f) {
        return -EBADF;
    }
    file_put(f);
    return 0; /* advisory locks are always granted for now */
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
