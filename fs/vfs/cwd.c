// SPDX-License-Identifier: MIT
/* The working directory and root: chdir, fchdir, getcwd, chroot, umask. */
#include <abi/errno.h>
#include <fs/fdtable.h>
#include <fs/vfs.h>
#include <kernel/kmalloc.h>
#include <kernel/string.h>
#include <kernel/syscall.h>

#include "vfs_internal.h"

static int set_dir(struct dentry *d, bool root)
{
    struct fs_context *fs = cur_fs();
    int err;

    if (!fs) {
        return -EINVAL;
    }
    if (!S_ISDIR(d->inode->mode)) {
        return -ENOTDIR;
    }
    err = inode_permission(d->inode, MAY_EXEC);
    if (err) {
        return err;
    }
    fs_context_set(root ? &fs->root : &fs->cwd, d);
    return 0;
}

static long chdir_path(uptr_t upath, bool root)
{
    struct dentry *d;
    char *path;
    int err;

    if (root && !vfs_cred_is_root()) {
        return -EPERM;
    }
    err = getname(upath, &path);
    if (err) {
        return err;
    }
    vfs_lock();
    err = path_lookup_at(AT_FDCWD, path, WALK_FOLLOW, &d);
    if (!err) {
        err = set_dir(d, root);
        dput(d);
    }
    vfs_unlock();
    kfree(path);
    return err;
}

SYSCALL_DEFINE1(chdir, uptr_t, path)
{
    return chdir_path(path, false);
}

SYSCALL_DEFINE1(chroot, uptr_t, path)
{
    return chdir_path(path, true);
}

SYSCALL_DEFINE1(fchdir, int, fd)
{
    struct file *f = fd_get_raw(fd);
    int err;

    if (!f) {
        return -EBADF;
    }
    vfs_lock();
    err = set_dir(f->dentry, false);
    vfs_unlock();
    file_put(f);
    return err;
}

SYSCALL_DEFINE2(getcwd, uptr_t, ubuf, u64, size)
{
    char *buf = kmalloc(PATH_MAX);
    struct dentry *cwd;
    int n;

    if (!buf) {
        return -ENOMEM;
    }
    vfs_lock();
    cwd = cur_cwd();
    if (cwd->flags & DENTRY_DEAD) {
        n = -ENOENT;
    } else {
        n = d_path(cwd, cur_root(), buf, PATH_MAX);
    }
    vfs_unlock();
    if (n >= 0) {
        if ((u64)n + 1 > size) {
            n = -ERANGE;
        } else if (copy_to_user(ubuf, buf, (size_t)n + 1) < 0) {
            n = -EFAULT;
        } else {
            n++;
        }
    }
    kfree(buf);
    return n;
}

SYSCALL_DEFINE1(umask, u32, mask)
{
    struct fs_context *fs = cur_fs();
    u32 old;

    if (!fs) {
        return 0;
    }
    old = fs->umask;
    fs->umask = mask & 0777;
    return old;
}
