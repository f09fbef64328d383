// SPDX-License-Identifier: MIT
/* Character device registry and anonymous files. */
#include <abi/errno.h>
#include <fs/chrdev.h>
#include <fs/vfs.h>
#include <kernel/kmalloc.h>

#include "vfs_internal.h"

#define CHRDEV_MAX 32

static const struct chrdev *chrdevs[CHRDEV_MAX];
static u32 chrdev_minors[CHRDEV_MAX];
static u32 nr_chrdevs;

bool chrdev_is_block(const struct chrdev *d)
{
    return (d->mode & S_IFMT) == S_IFBLK;
}

static const struct chrdev *dev_find(bool block, u32 major, u32 minor)
{
    for (u32 i = 0; i < nr_chrdevs; i++) {
        const struct chrdev *d = chrdevs[i];
        if (chrdev_is_block(d) == block && d->major == major && minor >= d->minor &&
            minor - d->minor < chrdev_minors[i]) {
            return d;
        }
    }
    return NULL;
}

int chrdev_register_minors(const struct chrdev *d, u32 count)
{
    int err = 0;

    vfs_lock();
    if (dev_find(chrdev_is_block(d), d->major, d->minor)) {
        err = -EEXIST;
    } else if (nr_chrdevs == CHRDEV_MAX) {
        err = -ENOSPC;
    } else {
        chrdev_minors[nr_chrdevs] = count;
        chrdevs[nr_chrdevs++] = d;
    }
    vfs_unlock();
    return err;
}

int chrdev_register(const struct chrdev *d)
{
    return chrdev_register_minors(d, 1);
}

const struct chrdev *chrdev_find(u32 major, u32 minor)
{
    return dev_find(false, major, minor);
}

const struct chrdev *blkdev_find(u32 major, u32 minor)
{
    return dev_find(true, major, minor);
}

void chrdev_for_each(void (*fn)(const struct chrdev *d, void *arg), void *arg)
{
    for (u32 i = 0; i < nr_chrdevs; i++) {
        fn(chrdevs[i], arg);
    }
}

/* Anonymous inodes live on one superblock that is never mounted. */
static const struct fs_type anon_fs_type = {.name = "anon_inodefs"};
static struct super_block anon_sb = {
    .type = &anon_fs_type,
    .dev_minor = 0,
    .magic = 0x09041934,
    .next_ino = 1,
};

static int anon_file(u32 mode, u32 major, u32 minor, const struct file_ops *ops, void *private,
                     u32 fmode, int flags, struct file **out)
{
    struct inode *inode;
    struct dentry *d;
    struct file *f;
    int err = 0;

    vfs_lock();
    inode = inode_alloc(&anon_sb, mode);
    d = inode ? d_make_root(&anon_sb, inode) : NULL;
    if (!d) {
        if (inode) {
            iput(inode);
        }
        err = -ENOMEM;
        goto out;
    }
    inode->rdev_major = major;
    inode->rdev_minor = minor;
    f = file_alloc(d, fmode, (u32)flags, ops);
    dput(d);
    if (!f) {
        err = -ENOMEM;
        goto out;
    }
    f->private = private;
    if (ops->open) {
        err = ops->open(inode, f);
        if (err) {
            static const struct file_ops none;
            f->ops = &none;
            file_put(f);
            goto out;
        }
    }
    f->flags &= ~(u32)O_NOCTTY;
    *out = f;
out:
    vfs_unlock();
    return err;
}

int chrdev_open_anon(u32 major, u32 minor, int flags, struct file **out)
{
    const struct chrdev *cd = chrdev_find(major, minor);
    u32 fmode;

    if (!cd) {
        return -ENXIO;
    }
    switch (flags & O_ACCMODE) {
    case O_RDONLY:
        fmode = FMODE_READ;
        break;
    case O_WRONLY:
        fmode = FMODE_WRITE;
        break;
    default:
        fmode = FMODE_READ | FMODE_WRITE;
        break;
    }
    return anon_file(S_IFCHR | 0600, major, minor, cd->fops, NULL, fmode, flags, out);
}

int anon_file_create(const struct file_ops *ops, void *private, u32 mode, u32 fmode, int flags,
                     struct file **out)
{
    return anon_file(mode, 0, 0, ops, private, fmode, flags, out);
}
