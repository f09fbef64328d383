// SPDX-License-Identifier: MIT
/* tmpfs: superblock and namespace operations. The VFS has checked
 * permissions and Linux's error cases; these ops only do the work:
 * inodes, link counts, timestamps, directory sizes and dentry links. */
#include <abi/errno.h>
#include <fs/tmpfs.h>
#include <kernel/kmalloc.h>
#include <kernel/page_alloc.h>
#include <kernel/string.h>

#include "tmpfs_internal.h"

#define BOGO_DIRENT_SIZE 20 /* Linux tmpfs reports directory sizes this way */

static const struct inode_ops tmpfs_dir_iops;
static const struct inode_ops tmpfs_file_iops;
static const struct inode_ops tmpfs_other_iops;

static s64 dir_llseek(struct file *f, s64 off, int whence)
{
    if (whence != SEEK_SET && whence != SEEK_CUR) {
        return -EINVAL;
    }
    return vfs_generic_llseek(f, off, whence);
}

static const struct file_ops tmpfs_dir_ops = {
    .iterate = dcache_iterate,
    .llseek = dir_llseek,
};

static void touch_dir(struct inode *dir)
{
    vfs_now(&dir->mtime);
    dir->ctime = dir->mtime;
}

static struct inode *tmpfs_new_inode(struct super_block *sb, u32 mode, u32 uid, u32 gid)
{
    struct inode *i = inode_alloc(sb, mode);
    struct tmpfs_inode *ti;

    if (!i) {
        return NULL;
    }
    ti = kzalloc(sizeof(*ti));
    if (!ti) {
        iput(i);
        return NULL;
    }
    i->private = ti;
    i->uid = uid;
    i->gid = gid;
    switch (mode & S_IFMT) {
    case S_IFDIR:
        i->nlink = 2;
        i->size = 2 * BOGO_DIRENT_SIZE;
        i->ops = &tmpfs_dir_iops;
        i->fops = &tmpfs_dir_ops;
        break;
    case S_IFREG:
        i->ops = &tmpfs_file_iops;
        i->fops = &tmpfs_file_ops;
        break;
    default:
        i->ops = &tmpfs_other_iops;
        break;
    }
    return i;
}

/* Links a new entry d for inode into dir. */
static void add_entry(struct inode *dir, struct dentry *d, struct inode *inode)
{
    d_instantiate(d, inode);
    d_link(d, true);
    dir->size += BOGO_DIRENT_SIZE;
    if (S_ISDIR(inode->mode)) {
        dir->nlink++;
    }
    touch_dir(dir);
}

static int tmpfs_create(struct inode *dir, struct dentry *d, u32 mode, u32 uid, u32 gid, u32 major,
                        u32 minor)
{
    struct inode *i = tmpfs_new_inode(dir->sb, mode, uid, gid);

    if (!i) {
        return -ENOMEM;
    }
    if (S_ISCHR(mode) || S_ISBLK(mode)) {
        i->rdev_major = major;
        i->rdev_minor = minor;
    }
    add_entry(dir, d, i);
    return 0;
}

static int tmpfs_symlink(struct inode *dir, struct dentry *d, const char *target, u32 uid, u32 gid)
{
    size_t len = strlen(target);
    struct inode *i = tmpfs_new_inode(dir->sb, S_IFLNK | 0777, uid, gid);
    struct tmpfs_inode *ti;

    if (!i) {
        return -ENOMEM;
    }
    ti = i->private;
    ti->link = kmalloc(len + 1);
    if (!ti->link) {
        iput(i);
        return -ENOMEM;
    }
    memcpy(ti->link, target, len + 1);
    i->size = len;
    add_entry(dir, d, i);
    return 0;
}

static int tmpfs_link(struct dentry *old, struct inode *dir, struct dentry *d)
{
    struct inode *i = old->inode;

    i->nlink++;
    vfs_now(&i->ctime);
    add_entry(dir, d, igrab(i));
    return 0;
}

/* Takes d out of dir (unlink, rmdir, or replaced by rename). */
static void drop_entry(struct inode *dir, struct dentry *d)
{
    struct inode *i = d->inode;

    if (S_ISDIR(i->mode)) {
        i->nlink = 0;
        dir->nlink--;
    } else {
        i->nlink--;
    }
    vfs_now(&i->ctime);
    dir->size -= BOGO_DIRENT_SIZE;
    touch_dir(dir);
    d_unlink(d);
}

static int tmpfs_unlink(struct inode *dir, struct dentry *d)
{
    drop_entry(dir, d);
    return 0;
}

static int tmpfs_rmdir(struct inode *dir, struct dentry *d)
{
    drop_entry(dir, d);
    return 0;
}

static int tmpfs_rename(struct inode *old_dir, struct dentry *old, struct inode *new_dir,
                        struct dentry *new_parent, const char *name, size_t len,
                        struct dentry *target)
{
    struct inode *i = old->inode;
    int err;

    /* Renaming first (it may fail allocating the name) leaves nothing
     * half-done; target is still linked until dropped just after. */
    err = d_move(old, new_parent, name, len);
    if (err) {
        return err;
    }
    if (target) {
        drop_entry(new_dir, target);
    }
    old_dir->size -= BOGO_DIRENT_SIZE;
    new_dir->size += BOGO_DIRENT_SIZE;
    if (S_ISDIR(i->mode) && old_dir != new_dir) {
        old_dir->nlink--;
        new_dir->nlink++;
    }
    touch_dir(old_dir);
    touch_dir(new_dir);
    vfs_now(&i->ctime);
    return 0;
}

static int tmpfs_readlink(struct dentry *d, char *buf, size_t len)
{
    struct tmpfs_inode *ti = d->inode->private;
    size_t n = strlen(ti->link);

    if (n > len) {
        n = len;
    }
    memcpy(buf, ti->link, n);
    return (int)n;
}

static int tmpfs_setattr(struct dentry *d, const struct iattr *a)
{
    struct inode *i = d->inode;

    if (a->valid & ATTR_SIZE) {
        if (!S_ISREG(i->mode)) {
            return -EINVAL;
        }
        if (a->size > TMPFS_MAX_SIZE) {
            return -EFBIG;
        }
        if (a->size < i->size) {
            tmpfs_truncate_pages(i, a->size);
        } else if (a->size > i->size) {
            tmpfs_zero_tail(i, i->size);
        }
        i->size = a->size;
    }
    return vfs_generic_setattr(d, a);
}

static const struct inode_ops tmpfs_dir_iops = {
    .create = tmpfs_create,
    .symlink = tmpfs_symlink,
    .link = tmpfs_link,
    .unlink = tmpfs_unlink,
    .rmdir = tmpfs_rmdir,
    .rename = tmpfs_rename,
    .setattr = tmpfs_setattr,
};

static const struct inode_ops tmpfs_file_iops = {
    .setattr = tmpfs_setattr,
};

static const struct inode_ops tmpfs_other_iops = {
    .readlink = tmpfs_readlink,
    .setattr = tmpfs_setattr,
};

static void tmpfs_evict(struct inode *i)
{
    struct tmpfs_inode *ti = i->private;

    if (!ti) {
        return;
    }
    if (S_ISREG(i->mode)) {
        tmpfs_free_data(i);
    }
    kfree(ti->link);
    kfree(ti);
    i->private = NULL;
}

static int tmpfs_statfs(struct super_block *sb, struct linux_statfs *st)
{
    (void)sb;
    struct page_stats ps;

    page_alloc_stats(&ps);
    st->f_blocks = ps.total_pages;
    st->f_bfree = ps.free_pages;
    st->f_bavail = ps.free_pages;
    st->f_files = ps.total_pages;
    st->f_ffree = ps.free_pages;
    return 0;
}

static const struct super_ops tmpfs_super_ops = {
    .evict_inode = tmpfs_evict,
    .statfs = tmpfs_statfs,
};

int tmpfs_fill_super(struct super_block *sb, const char *source, u32 flags, const void *data)
{
    (void)flags;
    (void)data; /* mount options (size=, mode=) are ignored */
    struct inode *root;

    sb->ops = &tmpfs_super_ops;
    sb->magic = TMPFS_MAGIC;
    root = tmpfs_new_inode(sb, S_IFDIR | 01777, 0, 0);
    if (!root) {
        return -ENOMEM;
    }
    /* Like Linux: "/" is 0755, a mounted tmpfs is 1777. */
    if (!source || strcmp(source, "rootfs") == 0) {
        root->mode = S_IFDIR | 0755;
    }
    sb->root = d_make_root(sb, root);
    if (!sb->root) {
        iput(root);
        return -ENOMEM;
    }
    return 0;
}

struct fs_type tmpfs_fs_type = {
    .name = "tmpfs",
    .fill_super = tmpfs_fill_super,
};
