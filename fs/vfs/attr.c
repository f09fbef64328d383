// SPDX-License-Identifier: MIT
/* Changing attributes: chmod, chown, truncate, utimensat and the access
 * checks (access, faccessat, faccessat2), fallocate. */
#include <abi/errno.h>
#include <fs/fdtable.h>
#include <fs/vfs.h>
#include <kernel/kmalloc.h>
#include <kernel/process.h>
#include <kernel/syscall.h>
#include <kernel/time.h>

#include "vfs_internal.h"

#define MAX_FILE_SIZE (1ull << 46) /* tmpfs radix limit and more than enough */

static bool is_owner(const struct inode *i)
{
    const struct cred *c = vfs_cred();
    return c->fsuid == 0 || c->fsuid == i->uid;
}

static bool in_groups(const struct cred *c, u32 gid)
{
    if (c->fsgid == gid) {
        return true;
    }
    for (u32 k = 0; k < c->ngroups && k < NGROUPS_MAX_KILN; k++) {
        if (c->groups[k] == gid) {
            return true;
        }
    }
    return false;
}

/* ---- chmod ---- */

static int chmod_dentry(struct dentry *d, u32 mode)
{
    struct inode *i = d->inode;
    const struct cred *c = vfs_cred();
    struct iattr a = {.valid = ATTR_MODE | ATTR_CTIME, .mode = mode & S_IALLUGO};

    if (!is_owner(i)) {
        return -EPERM;
    }
    /* A non-root owner outside the file's group cannot set setgid. */
    if (c->fsuid != 0 && !in_groups(c, i->gid)) {
        a.mode &= ~S_ISGID;
    }
    vfs_now(&a.ctime);
    return vfs_setattr(d, &a);
}

int vfs_fchmodat(int dirfd, const char *path, u32 mode, int flags)
{
    struct dentry *d;
    int err;

    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) {
        return -EINVAL;
    }
    vfs_lock();
    err = path_lookup_at(dirfd, path, at_walk_flags(flags), &d);
    if (!err) {
        /* Linux cannot change a symlink's mode. */
        err = S_ISLNK(d->inode->mode) ? -EOPNOTSUPP : chmod_dentry(d, mode);
        dput(d);
    }
    vfs_unlock();
    return err;
}

static long path_call(uptr_t upath, int (*fn)(char *path, void *arg), void *arg)
{
    char *path;
    int err = getname(upath, &path);

    if (err) {
        return err;
    }
    err = fn(path, arg);
    kfree(path);
    return err;
}

struct at_args {
    int dirfd;
    u32 a, b;
    int flags;
};

static int fchmodat_cb(char *path, void *arg)
{
    struct at_args *x = arg;
    return vfs_fchmodat(x->dirfd, path, x->a, x->flags);
}

SYSCALL_DEFINE3(fchmodat, int, dirfd, uptr_t, path, u32, mode)
{
    struct at_args x = {dirfd, mode, 0, 0};
    return path_call(path, fchmodat_cb, &x);
}

SYSCALL_DEFINE4(fchmodat2, int, dirfd, uptr_t, path, u32, mode, int, flags)
{
    struct at_args x = {dirfd, mode, 0, flags};
    return path_call(path, fchmodat_cb, &x);
}

SYSCALL_DEFINE2(chmod, uptr_t, path, u32, mode)
{
    struct at_args x = {AT_FDCWD, mode, 0, 0};
    return path_call(path, fchmodat_cb, &x);
}

SYSCALL_DEFINE2(fchmod, int, fd, u32, mode)
{
    struct file *f = fd_get(fd);
    int err;

    if (!f) {
        return -EBADF;
    }
    vfs_lock();
    err = chmod_dentry(f->dentry, mode);
    vfs_unlock();
    file_put(f);
    return err;
}

/* ---- chown ---- */

static int chown_dentry(struct dentry *d, u32 uid, u32 gid)
{
    struct inode *i = d->inode;
    const struct cred *c = vfs_cred();
    struct iattr a = {.valid = ATTR_CTIME};

    if (uid != (u32)-1 && uid != i->uid) {
        if (c->fsuid != 0) {
            return -EPERM;
        }
    }
    if (gid != (u32)-1 && gid != i->gid) {
        if (c->fsuid != 0 && (c->fsuid != i->uid || !in_groups(c, gid))) {
            return -EPERM;
        }
    }
    if (uid != (u32)-1) {
        a.valid |= ATTR_UID;
        a.uid = uid;
    }
    if (gid != (u32)-1) {
        a.valid |= ATTR_GID;
        a.gid = gid;
    }
    /* Changing owner or group of a non-directory drops setuid (and
     * setgid when group-executable), as Linux does. */
    if ((uid != (u32)-1 || gid != (u32)-1) && !S_ISDIR(i->mode) && !S_ISLNK(i->mode)) {
        u32 m = i->mode & S_IALLUGO;
        u32 kill = S_ISUID | ((m & S_IXGRP) ? S_ISGID : 0);
        if (m & kill) {
            a.valid |= ATTR_MODE;
            a.mode = m & ~kill;
        }
    }
    vfs_now(&a.ctime);
    return vfs_setattr(d, &a);
}

int vfs_fchownat(int dirfd, const char *path, u32 uid, u32 gid, int flags)
{
    struct dentry *d;
    int err;

    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) {
        return -EINVAL;
    }
    vfs_lock();
    err = path_lookup_at(dirfd, path, at_walk_flags(flags), &d);
    if (!err) {
        err = chown_dentry(d, uid, gid);
        dput(d);
    }
    vfs_unlock();
    return err;
}

static int fchownat_cb(char *path, void *arg)
{
    struct at_args *x = arg;
    return vfs_fchownat(x->dirfd, path, x->a, x->b, x->flags);
}

SYSCALL_DEFINE5(fchownat, int, dirfd, uptr_t, path, u32, uid, u32, gid, int, flags)
{
    struct at_args x = {dirfd, uid, gid, flags};
    return path_call(path, fchownat_cb, &x);
}

SYSCALL_DEFINE3(chown, uptr_t, path, u32, uid, u32, gid)
{
    struct at_args x = {AT_FDCWD, uid, gid, 0};
    return path_call(path, fchownat_cb, &x);
}

SYSCALL_DEFINE3(lchown, uptr_t, path, u32, uid, u32, gid)
{
    struct at_args x = {AT_FDCWD, uid, gid, AT_SYMLINK_NOFOLLOW};
    return path_call(path, fchownat_cb, &x);
}

SYSCALL_DEFINE3(fchown, int, fd, u32, uid, u32, gid)
{
    struct file *f = fd_get(fd);
    int err;

    if (!f) {
        return -EBADF;
    }
    vfs_lock();
    err = chown_dentry(f->dentry, uid, gid);
    vfs_unlock();
    file_put(f);
    return err;
}

/* ---- truncate ---- */

int vfs_truncate_dentry(struct dentry *d, u64 len)
{
    struct iattr a = {.valid = ATTR_SIZE | ATTR_MTIME | ATTR_CTIME, .size = len};

    if (len > MAX_FILE_SIZE) {
        return -EFBIG;
    }
    vfs_now(&a.mtime);
    a.ctime = a.mtime;
    return vfs_setattr(d, &a);
}

int vfs_truncate(const char *path, u64 len)
{
    struct dentry *d;
    int err;

    vfs_lock();
    err = path_lookup_at(AT_FDCWD, path, WALK_FOLLOW, &d);
    if (err) {
        goto out;
    }
    if (S_ISDIR(d->inode->mode)) {
        err = -EISDIR;
    } else if (!S_ISREG(d->inode->mode)) {
        err = -EINVAL;
    } else {
        err = inode_permission(d->inode, MAY_WRITE);
        if (!err) {
            err = vfs_truncate_dentry(d, len);
        }
    }
    dput(d);
out:
    vfs_unlock();
    return err;
}

static int truncate_cb(char *path, void *arg)
{
    return vfs_truncate(path, *(u64 *)arg);
}

SYSCALL_DEFINE2(truncate, uptr_t, path, s64, len)
{
    if (len < 0) {
        return -EINVAL;
    }
    u64 l = (u64)len;
    return path_call(path, truncate_cb, &l);
}

SYSCALL_DEFINE2(ftruncate, int, fd, s64, len)
{
    struct file *f;
    int err;

    if (len < 0) {
        return -EINVAL;
    }
    f = fd_get(fd);
    if (!f) {
        return -EBADF;
    }
    if (!S_ISREG(f->inode->mode) || !(f->fmode & FMODE_WRITE)) {
        err = -EINVAL;
    } else {
        vfs_lock();
        err = vfs_truncate_dentry(f->dentry, (u64)len);
        vfs_unlock();
    }
    file_put(f);
    return err;
}

SYSCALL_DEFINE4(fallocate, int, fd, int, mode, s64, off, s64, len)
{
    struct file *f;
    int err = 0;

    if (off < 0 || len <= 0) {
        return -EINVAL;
    }
    if (mode != 0) {
        return -EOPNOTSUPP;
    }
    f = fd_get(fd);
    if (!f) {
        return -EBADF;
    }
    if (!(f->fmode & FMODE_WRITE)) {
        err = -EBADF;
    } else if (S_ISDIR(f->inode->mode)) {
        err = -EISDIR;
    } else if (!S_ISREG(f->inode->mode)) {
        err = -ENODEV;
    } else if ((u64)off + (u64)len > MAX_FILE_SIZE) {
        err = -EFBIG;
    } else {
        vfs_lock();
        if ((u64)(off + len) > f->inode->size) {
            err = vfs_truncate_dentry(f->dentry, (u64)(off + len));
        }
        vfs_unlock();
    }
    file_put(f);
    return err;
}

/* ---- utimensat ---- */

static int utimes_dentry(struct dentry *d, const struct vfs_time *times)
{
    struct inode *i = d->inode;
    struct iattr a = {.valid = ATTR_CTIME};
    struct vfs_time now;
    bool explicit = false;

    vfs_now(&now);
    if (times && times[0].nsec == UTIME_OMIT && times[1].nsec == UTIME_OMIT) {
        return 0;
    }
    for (int k = 0; times && k < 2; k++) {
        if (times[k].nsec != UTIME_NOW && times[k].nsec != UTIME_OMIT) {
            explicit = true;
        }
    }
    if (!explicit) {
        /* Only "now": the owner, or anyone who may write the file. */
        if (!is_owner(i) && inode_permission(i, MAY_WRITE) != 0) {
            return -EACCES;
        }
    } else if (!is_owner(i)) {
        return -EPERM;
    }
    for (int k = 0; k < 2; k++) {
        struct vfs_time t = now;
        if (times && times[k].nsec == UTIME_OMIT) {
            continue;
        }
        if (times && times[k].nsec != UTIME_NOW) {
            t = times[k];
        }
        if (k == 0) {
            a.valid |= ATTR_ATIME;
            a.atime = t;
        } else {
            a.valid |= ATTR_MTIME;
            a.mtime = t;
        }
    }
    a.ctime = now;
    return vfs_setattr(d, &a);
}

int vfs_utimensat(int dirfd, const char *path, const struct vfs_time *times, int flags)
{
    struct dentry *d;
    int err;

    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) {
        return -EINVAL;
    }
    vfs_lock();
    err = path_lookup_at(dirfd, path, at_walk_flags(flags), &d);
    if (!err) {
        err = utimes_dentry(d, times);
        dput(d);
    }
    vfs_unlock();
    return err;
}

static int get_times(uptr_t utimes, struct vfs_time *t)
{
    struct linux_timespec ts[2];

    if (copy_from_user(ts, utimes, sizeof(ts)) < 0) {
        return -EFAULT;
    }
    for (int k = 0; k < 2; k++) {
        if (ts[k].tv_nsec != UTIME_NOW && ts[k].tv_nsec != UTIME_OMIT &&
            (ts[k].tv_nsec < 0 || ts[k].tv_nsec >= (s64)NSEC_PER_SEC)) {
            return -EINVAL;
        }
        t[k].sec = ts[k].tv_sec;
        t[k].nsec = (u32)ts[k].tv_nsec;
    }
    return 0;
}

static long do_utimes(int dirfd, uptr_t upath, const struct vfs_time *t, int flags)
{
    char *path;
    int err;

    if (uptr_is_null(upath)) {
        /* futimens: the file of dirfd itself. */
        struct file *f;
        if (dirfd == AT_FDCWD) {
            return -EFAULT;
        }
        if (flags & ~AT_SYMLINK_NOFOLLOW) {
            return -EINVAL;
        }
        f = fd_get_raw(dirfd);
        if (!f) {
            return -EBADF;
        }
        vfs_lock();
        err = utimes_dentry(f->dentry, t);
        vfs_unlock();
        file_put(f);
        return err;
    }
    err = getname(upath, &path);
    if (err) {
        return err;
    }
    err = vfs_utimensat(dirfd, path, t, flags);
    kfree(path);
    return err;
}

SYSCALL_DEFINE4(utimensat, int, dirfd, uptr_t, upath, uptr_t, utimes, int, flags)
{
    struct vfs_time t[2];

    if (!uptr_is_null(utimes)) {
        int err = get_times(utimes, t);
        if (err) {
            return err;
        }
    }
    return do_utimes(dirfd, upath, uptr_is_null(utimes) ? NULL : t, flags);
}

SYSCALL_DEFINE2(utimes, uptr_t, upath, uptr_t, utv)
{
    struct linux_timeval tv[2];
    struct vfs_time t[2];

    if (uptr_is_null(utv)) {
        return do_utimes(AT_FDCWD, upath, NULL, 0);
    }
    if (copy_from_user(tv, utv, sizeof(tv)) < 0) {
        return -EFAULT;
    }
    for (int k = 0; k < 2; k++) {
        if (tv[k].tv_usec < 0 || tv[k].tv_usec >= 1000000) {
            return -EINVAL;
        }
        t[k].sec = tv[k].tv_sec;
        t[k].nsec = (u32)(tv[k].tv_usec * 1000);
    }
    return do_utimes(AT_FDCWD, upath, t, 0);
}

SYSCALL_DEFINE2(utime, uptr_t, upath, uptr_t, ubuf)
{
    s64 tb[2]; /* struct utimbuf: actime, modtime */
    struct vfs_time t[2];

    if (uptr_is_null(ubuf)) {
        return do_utimes(AT_FDCWD, upath, NULL, 0);
    }
    if (copy_from_user(tb, ubuf, sizeof(tb)) < 0) {
        return -EFAULT;
    }
    t[0] = (struct vfs_time){tb[0], 0};
    t[1] = (struct vfs_time){tb[1], 0};
    return do_utimes(AT_FDCWD, upath, t, 0);
}

/* ---- access ---- */

static int do_faccessat(int dirfd, uptr_t upath, int mode, int flags)
{
    const struct cred *c = vfs_cred();
    struct dentry *d;
    char *path;
    int err;

    if (mode & ~(R_OK | W_OK | X_OK)) {
        return -EINVAL;
    }
    if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) {
        return -EINVAL;
    }
    err = getname(upath, &path);
    if (err) {
        return err;
    }
    vfs_lock();
    err = path_lookup_at(dirfd, path, at_walk_flags(flags), &d);
    if (!err) {
        u32 uid = (flags & AT_EACCESS) ? c->fsuid : c->uid;
        u32 gid = (flags & AT_EACCESS) ? c->fsgid : c->gid;
        if (mode) {
            err = inode_permission_ids(d->inode, mode, uid, gid, c);
        }
        if (!err && (mode & W_OK) && sb_rdonly(d->sb) &&
            (S_ISREG(d->inode->mode) || S_ISDIR(d->inode->mode) || S_ISLNK(d->inode->mode))) {
            err = -EROFS;
        }
        dput(d);
    }
    vfs_unlock();
    kfree(path);
    return err;
}

SYSCALL_DEFINE2(access, uptr_t, path, int, mode)
{
    return do_faccessat(AT_FDCWD, path, mode, 0);
}

SYSCALL_DEFINE3(faccessat, int, dirfd, uptr_t, path, int, mode)
{
    return do_faccessat(dirfd, path, mode, 0);
}

SYSCALL_DEFINE4(faccessat2, int, dirfd, uptr_t, path, int, mode, int, flags)
{
    return do_faccessat(dirfd, path, mode, flags);
}
