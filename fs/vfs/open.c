// SPDX-License-Identifier: MIT
/* open(2) and friends, close(2), close_range(2). */
#include <abi/errno.h>
#include <fs/fdtable.h>
#include <fs/vfs.h>
#include <kernel/kmalloc.h>
#include <kernel/process.h>
#include <kernel/syscall.h>

#include "vfs_internal.h"

#define CLOSE_RANGE_UNSHARE (1u << 1)
#define CLOSE_RANGE_CLOEXEC (1u << 2)

static long openat_common(int dirfd, uptr_t upath, int flags, u32 mode)
{
    struct file *f;
    char *path;
    int err, fd;

    if (!current_process() || !current_process()->files) {
        return -EMFILE;
    }
    err = getname(upath, &path);
    if (err) {
        return err;
    }
    err = vfs_openat(dirfd, path, flags, mode, &f);
    kfree(path);
    if (err) {
        return err;
    }
    fd = fd_install(f, flags & O_CLOEXEC);
    if (fd < 0) {
        file_put(f);
    }
    return fd;
}

SYSCALL_DEFINE3(open, uptr_t, path, int, flags, u32, mode)
{
    return openat_common(AT_FDCWD, path, flags, mode);
}

SYSCALL_DEFINE4(openat, int, dirfd, uptr_t, path, int, flags, u32, mode)
{
    return openat_common(dirfd, path, flags, mode);
}

SYSCALL_DEFINE2(creat, uptr_t, path, u32, mode)
{
    return openat_common(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

SYSCALL_DEFINE1(close, int, fd)
{
    return fd_close(fd);
}

SYSCALL_DEFINE3(close_range, u32, first, u32, last, u32, flags)
{
    if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) {
        return -EINVAL;
    }
    if (first > last) {
        return -EINVAL;
    }
    int limit = fd_limit();
    for (u64 fd = first; fd <= last && fd < (u64)limit; fd++) {
        if (flags & CLOSE_RANGE_CLOEXEC) {
            fd_set_cloexec((int)fd, true);
        } else {
            fd_close((int)fd);
        }
    }
    return 0;
}
