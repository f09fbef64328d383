// SPDX-License-Identifier: MIT
/* Removing and moving names: unlink, rmdir, rename (and *at forms). */
#include <abi/errno.h>
#include <fs/vfs.h>
#include <kernel/kmalloc.h>
#include <kernel/syscall.h>

#include "vfs_internal.h"

static int do_rmdir(int dirfd, const char *path)
{
    struct nameidata nd;
    struct inode *dir;
    int err;

    vfs_lock();
    err = path_walk_at(dirfd, path, WALK_CREATE, &nd);
    if (err) {
        goto out;
    }
    switch (nd.last_type) {
    case LAST_DOTDOT:
        err = -ENOTEMPTY;
        goto out_nd;
    case LAST_DOT:
        err = -EINVAL;
        goto out_nd;
    case LAST_ROOT:
        err = -EBUSY;
        goto out_nd;
    }
    if (!nd.child) {
        err = -ENOENT;
        goto out_nd;
    }
    err = may_delete_in(nd.parent, nd.child, true);
    if (err) {
        goto out_nd;
    }
    dir = nd.parent->inode;
    if (!dir->ops || !dir->ops->rmdir) {
        err = -EPERM;
    } else if (d_count_children(nd.child) != 0) {
        err = -ENOTEMPTY;
    } else {
        err = dir->ops->rmdir(dir, nd.child);
    }
out_nd:
    nd_release(&nd);
out:
    vfs_unlock();
    return err;
}

static int do_unlink(int dirfd, const char *path)
{
    struct nameidata nd;
    struct inode *dir;
    int err;

    vfs_lock();
    err = path_walk_at(dirfd, path, WALK_CREATE, &nd);
    if (err) {
        goto out;
    }
    if (nd.last_type != LAST_NORM) {
        err = -EISDIR;
        goto out_nd;
    }
    if (!nd.child) {
        err = -ENOENT;
        goto out_nd;
    }
    if (nd.trailing_slash) {
        err = S_ISDIR(nd.child->inode->mode) ? -EISDIR : -ENOTDIR;
        goto out_nd;
    }
    err = may_delete_in(nd.parent, nd.child, false);
    if (err) {
        goto out_nd;
    }
    dir = nd.parent->inode;
    err = (dir->ops && dir->ops->unlink) ? dir->ops->unlink(dir, nd.child) : -EPERM;
out_nd:
    nd_release(&nd);
out:
    vfs_unlock();
    return err;
}

int vfs_unlinkat(int dirfd, const char *path, int flags)
{
    if (flags & ~AT_REMOVEDIR) {
        return -EINVAL;
    }
    return (flags & AT_REMOVEDIR) ? do_rmdir(dirfd, path) : do_unlink(dirfd, path);
}

/* Checks in Linux's order; 1 means "same file, nothing to do". */
static int rename_check(struct nameidata *o, struct nameidata *n, u32 flags)
{
    struct dentry *src = o->child, *target = n->child;
    bool isdir;
    int err;

    if (o->last_type != LAST_NORM) {
        return -EBUSY;
    }
    if (!src) {
        return -ENOENT;
    }
    if (n->last_type != LAST_NORM) {
        return (flags & RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
    }
    if (o->parent->sb != n->parent->sb) {
        return -EXDEV;
    }
    if ((flags & RENAME_NOREPLACE) && target) {
        return -EEXIST;
    }
    isdir = S_ISDIR(src->inode->mode);
    if (!isdir && (o->trailing_slash || n->trailing_slash)) {
        return -ENOTDIR;
    }
    if (isdir && d_is_ancestor(src, n->parent)) {
        return -EINVAL; /* a directory into itself */
    }
    if (target && d_is_ancestor(target, o->parent)) {
        return -ENOTEMPTY; /* over an ancestor of the source */
    }
    if (target && target->inode == src->inode) {
        return 1;
    }
    err = may_delete_in(o->parent, src, isdir);
    if (err) {
        return err;
    }
    if (target) {
        err = may_delete_in(n->parent, target, isdir);
        if (err) {
            return err;
        }
        if (isdir && d_count_children(target) != 0) {
            return -ENOTEMPTY;
        }
    } else {
        err = may_create_in(n->parent);
        if (err) {
            return err;
        }
    }
    /* Moving a directory to a new parent rewrites its "..". */
    if (isdir && n->parent != o->parent) {
        err = inode_permission(src->inode, MAY_WRITE);
        if (err) {
            return err;
        }
    }
    return 0;
}

int vfs_renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, u32 flags)
{
    struct nameidata o, n;
    struct inode *odir;
    int err;

    if (flags & ~RENAME_NOREPLACE) {
        return -EINVAL; /* RENAME_EXCHANGE and RENAME_WHITEOUT are not supported */
    }
    vfs_lock();
    err = path_walk_at(olddirfd, oldpath, WALK_CREATE, &o);
    if (err) {
        goto out;
    }
    err = path_walk_at(newdirfd, newpath, WALK_CREATE, &n);
    if (err) {
        goto out_o;
    }
    err = rename_check(&o, &n, flags);
    if (err == 1) {
        err = 0;
    } else if (err == 0) {
        odir = o.parent->inode;
        if (!odir->ops || !odir->ops->rename) {
            err = -EPERM;
        } else {
            err = odir->ops->rename(odir, o.child, n.parent->inode, n.parent, n.last, n.last_len,
                                    n.child);
        }
    }
    nd_release(&n);
out_o:
    nd_release(&o);
out:
    vfs_unlock();
    return err;
}

/* ---- syscalls ---- */

static long with_name(uptr_t upath, int dirfd, int flags, int (*fn)(int, const char *, int))
{
    char *path;
    int err = getname(upath, &path);

    if (err) {
        return err;
    }
    err = fn(dirfd, path, flags);
    kfree(path);
    return err;
}

SYSCALL_DEFINE3(unlinkat, int, dirfd, uptr_t, upath, int, flags)
{
    return with_name(upath, dirfd, flags, vfs_unlinkat);
}

SYSCALL_DEFINE1(unlink, uptr_t, upath)
{
    return with_name(upath, AT_FDCWD, 0, vfs_unlinkat);
}

SYSCALL_DEFINE1(rmdir, uptr_t, upath)
{
    return with_name(upath, AT_FDCWD, AT_REMOVEDIR, vfs_unlinkat);
}

static long rename_common(int olddirfd, uptr_t uold, int newdirfd, uptr_t unew, u32 flags)
{
    char *oldp, *newp;
    int err = getname_pair(uold, &oldp, unew, &newp);

    if (err) {
        return err;
    }
    err = vfs_renameat(olddirfd, oldp, newdirfd, newp, flags);
    kfree(oldp);
    kfree(newp);
    return err;
}

SYSCALL_DEFINE5(renameat2, int, olddirfd, uptr_t, uold, int, newdirfd, uptr_t, unew, u32, flags)
{
    return rename_common(olddirfd, uold, newdirfd, unew, flags);
}

SYSCALL_DEFINE4(renameat, int, olddirfd, uptr_t, uold, int, newdirfd, uptr_t, unew)
{
    return rename_common(olddirfd, uold, newdirfd, unew, 0);
}

SYSCALL_DEFINE2(rename, uptr_t, uold, uptr_t, unew)
{
    return rename_common(AT_FDCWD, uold, AT_FDCWD, unew, 0);
}
