// SPDX-License-Identifier: MIT
/* stat(2) family, statx(2), statfs(2), readlink(2). */
#include <abi/errno.h>
#include <fs/fdtable.h>
#include <fs/vfs.h>
#include <kernel/kmalloc.h>
#include <kernel/string.h>
#include <kernel/syscall.h>

#include "vfs_internal.h"

#define STAT_BLKSIZE 4096

void vfs_fill_stat(struct inode *i, struct linux_stat *st)
{
    memset(st, 0, sizeof(*st));
    st->st_dev = dev_encode(0, i->sb->dev_minor);
    st->st_ino = i->ino;
    st->st_nlink = i->nlink;
    st->st_mode = i->mode;
    st->st_uid = i->uid;
    st->st_gid = i->gid;
    st->st_rdev = dev_encode(i->rdev_major, i->rdev_minor);
    st->st_size = (s64)i->size;
    st->st_blksize = STAT_BLKSIZE;
    st->st_blocks = (s64)i->blocks;
    st->st_atime_sec = (u64)i->atime.sec;
    st->st_atime_nsec = i->atime.nsec;
    st->st_mtime_sec = (u64)i->mtime.sec;
    st->st_mtime_nsec = i->mtime.nsec;
    st->st_ctime_sec = (u64)i->ctime.sec;
    st->st_ctime_nsec = i->ctime.nsec;
}

static void fill_statx(struct inode *i, struct linux_statx *sx)
{
    memset(sx, 0, sizeof(*sx));
    sx->stx_mask = STATX_BASIC_STATS | STATX_BTIME | STATX_MNT_ID;
    sx->stx_blksize = STAT_BLKSIZE;
    sx->stx_nlink = i->nlink;
    sx->stx_uid = i->uid;
    sx->stx_gid = i->gid;
    sx->stx_mode = (u16)i->mode;
    sx->stx_ino = i->ino;
    sx->stx_size = i->size;
    sx->stx_blocks = i->blocks;
    sx->stx_atime.tv_sec = i->atime.sec;
    sx->stx_atime.tv_nsec = i->atime.nsec;
    sx->stx_btime.tv_sec = i->btime.sec;
    sx->stx_btime.tv_nsec = i->btime.nsec;
    sx->stx_ctime.tv_sec = i->ctime.sec;
    sx->stx_ctime.tv_nsec = i->ctime.nsec;
    sx->stx_mtime.tv_sec = i->mtime.sec;
    sx->stx_mtime.tv_nsec = i->mtime.nsec;
    sx->stx_rdev_major = i->rdev_major;
    sx->stx_rdev_minor = i->rdev_minor;
    sx->stx_dev_major = 0;
    sx->stx_dev_minor = i->sb->dev_minor;
    sx->stx_mnt_id = i->sb->mount ? i->sb->mount->id : 0;
}

/* The dentry named by (dirfd, path, AT_* flags), with a reference. */
static int lookup_at_flags(int dirfd, const char *path, int flags, struct dentry **out)
{
    return path_lookup_at(dirfd, path, at_walk_flags(flags), out);
}

int vfs_fstatat(int dirfd, const char *path, struct linux_stat *st, int flags)
{
    struct dentry *d;
    int err;

    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT)) {
        return -EINVAL;
    }
    vfs_lock();
    err = lookup_at_flags(dirfd, path, flags, &d);
    if (!err) {
        vfs_fill_stat(d->inode, st);
        dput(d);
    }
    vfs_unlock();
    return err;
}

static long stat_to_user(int dirfd, uptr_t upath, uptr_t ubuf, int flags)
{
    struct linux_stat st;
    char *path;
    int err = getname(upath, &path);

    if (err) {
        return err;
    }
    err = vfs_fstatat(dirfd, path, &st, flags);
    kfree(path);
    if (err) {
        return err;
    }
    return copy_to_user(ubuf, &st, sizeof(st));
}

SYSCALL_DEFINE2(stat, uptr_t, path, uptr_t, buf)
{
    return stat_to_user(AT_FDCWD, path, buf, 0);
}

SYSCALL_DEFINE2(lstat, uptr_t, path, uptr_t, buf)
{
    return stat_to_user(AT_FDCWD, path, buf, AT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE4(newfstatat, int, dirfd, uptr_t, path, uptr_t, buf, int, flags)
{
    return stat_to_user(dirfd, path, buf, flags);
}

SYSCALL_DEFINE2(fstat, int, fd, uptr_t, buf)
{
    struct file *f = fd_get_raw(fd);
    struct linux_stat st;

    if (!f) {
        return -EBADF;
    }
    vfs_lock();
    vfs_fill_stat(f->inode, &st);
    vfs_unlock();
    file_put(f);
    return copy_to_user(buf, &st, sizeof(st));
}

SYSCALL_DEFINE5(statx, int, dirfd, uptr_t, upath, int, flags, u32, mask, uptr_t, ubuf)
{
    struct linux_statx sx;
    struct dentry *d;
    char *path;
    int err;

    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE)) {
        return -EINVAL;
    }
    if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE || (mask & STATX_RESERVED)) {
        return -EINVAL;
    }
    if (uptr_is_null(upath) && (flags & AT_EMPTY_PATH)) {
        path = kmalloc(1);
        if (!path) {
            return -ENOMEM;
        }
        path[0] = '\0';
    } else {
        err = getname(upath, &path);
        if (err) {
            return err;
        }
    }
    vfs_lock();
    err = lookup_at_flags(dirfd, path, flags, &d);
    if (!err) {
        fill_statx(d->inode, &sx);
        dput(d);
    }
    vfs_unlock();
    kfree(path);
    if (err) {
        return err;
    }
    return copy_to_user(ubuf, &sx, sizeof(sx));
}

static void fill_statfs(struct super_block *sb, struct linux_statfs *st)
{
    memset(st, 0, sizeof(*st));
    st->f_type = (s64)sb->magic;
    st->f_bsize = STAT_BLKSIZE;
    st->f_frsize = STAT_BLKSIZE;
    st->f_namelen = NAME_MAX;
    if (sb->ops && sb->ops->statfs) {
        sb->ops->statfs(sb, st);
    }
    st->f_fsid[0] = (s32)sb->dev_minor;
    st->f_flags = ST_VALID | ((sb->flags & MS_RDONLY) ? ST_RDONLY : 0);
}

SYSCALL_DEFINE2(statfs, uptr_t, upath, uptr_t, ubuf)
{
    struct linux_statfs st;
    struct dentry *d;
    char *path;
    int err = getname(upath, &path);

    if (err) {
        return err;
    }
    vfs_lock();
    err = path_lookup_at(AT_FDCWD, path, WALK_FOLLOW, &d);
    if (!err) {
        fill_statfs(d->sb, &st);
        dput(d);
    }
    vfs_unlock();
    kfree(path);
    if (err) {
        return err;
    }
    return copy_to_user(ubuf, &st, sizeof(st));
}

SYSCALL_DEFINE2(fstatfs, int, fd, uptr_t, ubuf)
{
    struct file *f = fd_get_raw(fd);
    struct linux_statfs st;

    if (!f) {
        return -EBADF;
    }
    vfs_lock();
    fill_statfs(f->dentry->sb, &st);
    vfs_unlock();
    file_put(f);
    return copy_to_user(ubuf, &st, sizeof(st));
}

int vfs_readlinkat(int dirfd, const char *path, char *buf, size_t len)
{
    struct dentry *d;
    struct inode *i;
    int err;

    vfs_lock();
    err = path_lookup_at(dirfd, path, WALK_EMPTY, &d);
    if (err) {
        goto out;
    }
    i = d->inode;
    if (!S_ISLNK(i->mode) || !i->ops || !i->ops->readlink) {
        err = -EINVAL;
    } else {
        err = i->ops->readlink(d, buf, len);
    }
    dput(d);
out:
    vfs_unlock();
    return err;
}

SYSCALL_DEFINE4(readlinkat, int, dirfd, uptr_t, upath, uptr_t, ubuf, int, bufsiz)
{
    char *path, *buf;
    int err, n;

    if (bufsiz <= 0) {
        return -EINVAL;
    }
    err = getname(upath, &path);
    if (err) {
        return err;
    }
    buf = kmalloc(PATH_MAX);
    if (!buf) {
        kfree(path);
        return -ENOMEM;
    }
    n = vfs_readlinkat(dirfd, path, buf, PATH_MAX);
    if (n >= 0) {
        if ((size_t)n > (size_t)bufsiz) {
            n = bufsiz;
        }
        if (copy_to_user(ubuf, buf, (size_t)n) < 0) {
            n = -EFAULT;
        }
    }
    kfree(buf);
    kfree(path);
    return n;
}

SYSCALL_DEFINE3(readlink, uptr_t, upath, uptr_t, ubuf, int, bufsiz)
{
    u64 a[4] = {(u64)(s64)AT_FDCWD, upath.addr, ubuf.addr, (u64)(s64)bufsiz};
    return sys_readlinkat(a);
}
