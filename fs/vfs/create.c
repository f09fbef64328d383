// SPDX-License-Identifier: MIT
/* Making names: mkdir, mknod, symlink, link (and their *at forms). */
#include <abi/errno.h>
#include <fs/vfs.h>
#include <kernel/kmalloc.h>
#include <kernel/process.h>
#include <kernel/string.h>
#include <kernel/syscall.h>

#include "vfs_internal.h"

int vfs_create(struct dentry *parent, const char *name, size_t len, u32 mode, u32 major, u32 minor,
               struct dentry **out)
{
    struct inode *dir = parent->inode;
    const struct cred *c = vfs_cred();
    u32 gid = c->fsgid;
    struct dentry *d;
    int err;

    if (!dir->ops || !dir->ops->create) {
        return -EPERM;
    }
    if (dir->mode & S_ISGID) {
        gid = dir->gid;
        if (S_ISDIR(mode)) {
            mode |= S_ISGID;
        }
    }
    d = d_alloc(parent, name, len);
    if (!d) {
        return -ENOMEM;
    }
    err = dir->ops->create(dir, d, mode, c->fsuid, gid, major, minor);
    if (err) {
        dput(d);
        return err;
    }
    *out = d;
    return 0;
}

/* Walks to the parent of a name to create; fails if the name exists. A
 * trailing slash is only allowed for directories (-ENOENT otherwise). */
static int walk_create(int dirfd, const char *path, bool isdir, struct nameidata *nd)
{
    int err = path_walk_at(dirfd, path, WALK_CREATE, nd);

    if (err) {
        return err;
    }
    if (nd->last_type != LAST_NORM || nd->child) {
        err = -EEXIST;
    } else if (nd->trailing_slash && !isdir) {
        err = -ENOENT;
    } else {
        err = may_create_in(nd->parent);
    }
    if (err) {
        nd_release(nd);
    }
    return err;
}

static int do_mknod(int dirfd, const char *path, u32 mode, u32 major, u32 minor)
{
    struct nameidata nd;
    struct dentry *d;
    int err;

    vfs_lock();
    err = walk_create(dirfd, path, S_ISDIR(mode), &nd);
    if (err) {
        goto out;
    }
    if ((S_ISCHR(mode) || S_ISBLK(mode)) && !vfs_cred_is_root()) {
        err = -EPERM;
    } else {
        u32 perm = mode & ~S_IFMT & ~cur_umask();
        err = vfs_create(nd.parent, nd.last, nd.last_len, (mode & S_IFMT) | perm, major, minor, &d);
        if (!err) {
            dput(d);
        }
    }
    nd_release(&nd);
out:
    vfs_unlock();
    return err;
}

int vfs_mkdirat(int dirfd, const char *path, u32 mode)
{
    return do_mknod(dirfd, path, S_IFDIR | (mode & (S_IRWXU | S_IRWXG | S_IRWXO | S_ISVTX)), 0, 0);
}

int vfs_mknodat(int dirfd, const char *path, u32 mode, u32 major, u32 minor)
{
    switch (mode & S_IFMT) {
    case 0:
        mode |= S_IFREG;
        break;
    case S_IFREG:
    case S_IFCHR:
    case S_IFBLK:
    case S_IFIFO:
    case S_IFSOCK:
        break;
    case S_IFDIR:
        return -EPERM;
    default:
        return -EINVAL;
    }
    return do_mknod(dirfd, path, mode & (S_IFMT | S_IALLUGO), major, minor);
}

int vfs_symlinkat(const char *target, int dirfd, const char *path)
{
    struct nameidata nd;
    struct inode *dir;
    struct dentry *d;
    int err;

    if (target[0] == '\0') {
        return -ENOENT;
    }
    vfs_lock();
    err = walk_create(dirfd, path, false, &nd);
    if (err) {
        goto out;
    }
    dir = nd.parent->inode;
    if (!dir->ops || !dir->ops->symlink) {
        err = -EPERM;
        goto out_nd;
    }
    d = d_alloc(nd.parent, nd.last, nd.last_len);
    if (!d) {
        err = -ENOMEM;
        goto out_nd;
    }
    const struct cred *c = vfs_cred();
    err = dir->ops->symlink(dir, d, target, c->fsuid, (dir->mode & S_ISGID) ? dir->gid : c->fsgid);
    dput(d);
out_nd:
    nd_release(&nd);
out:
    vfs_unlock();
    return err;
}

int vfs_linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags)
{
    struct nameidata nd;
    struct dentry *old, *d;
    struct inode *dir;
    unsigned wflags = 0;
    int err;

    if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) {
        return -EINVAL;
    }
    if (flags & AT_SYMLINK_FOLLOW) {
        wflags |= WALK_FOLLOW;
    }
    if (flags & AT_EMPTY_PATH) {
        if (!vfs_cred_is_root()) {
            return -ENOENT;
        }
        wflags |= WALK_EMPTY;
    }
    vfs_lock();
    err = path_lookup_at(olddirfd, oldpath, wflags, &old);
    if (err) {
        goto out;
    }
    err = walk_create(newdirfd, newpath, false, &nd);
    if (err) {
        goto out_old;
    }
    dir = nd.parent->inode;
    if (nd.parent->sb != old->sb) {
        err = -EXDEV;
    } else if (S_ISDIR(old->inode->mode)) {
        err = -EPERM;
    } else if (old->inode->nlink == 0) {
        err = -ENOENT;
    } else if (!dir->ops || !dir->ops->link) {
        err = -EPERM;
    } else if (!(d = d_alloc(nd.parent, nd.last, nd.last_len))) {
        err = -ENOMEM;
    } else {
        err = dir->ops->link(old, dir, d);
        dput(d);
    }
    nd_release(&nd);
out_old:
    dput(old);
out:
    vfs_unlock();
    return err;
}

/* ---- syscalls ---- */

SYSCALL_DEFINE3(mkdirat, int, dirfd, uptr_t, upath, u32, mode)
{
    char *path;
    int err = getname(upath, &path);

    if (err) {
        return err;
    }
    err = vfs_mkdirat(dirfd, path, mode);
    kfree(path);
    return err;
}

SYSCALL_DEFINE2(mkdir, uptr_t, upath, u32, mode)
{
    u64 a[3] = {(u64)(s64)AT_FDCWD, upath.addr, mode};
    return sys_mkdirat(a);
}

SYSCALL_DEFINE4(mknodat, int, dirfd, uptr_t, upath, u32, mode, u32, dev)
{
    char *path;
    int err = getname(upath, &path);

    if (err) {
        return err;
    }
    err = vfs_mknodat(dirfd, path, mode, dev_major(dev), dev_minor(dev));
    kfree(path);
    return err;
}

SYSCALL_DEFINE3(mknod, uptr_t, upath, u32, mode, u32, dev)
{
    u64 a[4] = {(u64)(s64)AT_FDCWD, upath.addr, mode, dev};
    return sys_mknodat(a);
}

SYSCALL_DEFINE3(symlinkat, uptr_t, utarget, int, dirfd, uptr_t, upath)
{
    char *target, *path;
    int err = getname_pair(utarget, &target, upath, &path);

    if (err) {
        return err;
    }
    err = vfs_symlinkat(target, dirfd, path);
    kfree(target);
    kfree(path);
    return err;
}

SYSCALL_DEFINE2(symlink, uptr_t, utarget, uptr_t, upath)
{
    u64 a[3] = {utarget.addr, (u64)(s64)AT_FDCWD, upath.addr};
    return sys_symlinkat(a);
}

SYSCALL_DEFINE5(linkat, int, olddirfd, uptr_t, uold, int, newdirfd, uptr_t, unew, int, flags)
{
    char *oldp, *newp;
    int err = getname_pair(uold, &oldp, unew, &newp);

    if (err) {
        return err;
    }
    err = vfs_linkat(olddirfd, oldp, newdirfd, newp, flags);
    kfree(oldp);
    kfree(newp);
    return err;
}

SYSCALL_DEFINE2(link, uptr_t, uold, uptr_t, unew)
{
    u64 a[5] = {(u64)(s64)AT_FDCWD, uold.addr, (u64)(s64)AT_FDCWD, unew.addr, 0};
    return sys_linkat(a);
}
