// SPDX-License-Identifier: MIT
/* devtmpfs: a tmpfs filled with a node per registered character or block
 * device when mounted (see include/fs/devfs.h). */
#include <abi/errno.h>
#include <fs/chrdev.h>
#include <fs/devfs.h>
#include <fs/tmpfs.h>
#include <kernel/printk.h>
#include <kernel/string.h>

struct populate {
    struct dentry *root;
    int err;
};

static struct dentry *new_entry(struct dentry *dir, const char *name, int *err)
{
    struct dentry *d = d_alloc(dir, name, strlen(name));

    if (!d && !*err) {
        *err = -ENOMEM;
    }
    return d;
}

static void add_node(const struct chrdev *cd, void *arg)
{
    struct populate *p = arg;
    struct inode *dir = p->root->inode;
    struct dentry *d;

    if (!cd->name[0] || p->err) {
        return;
    }
    d = new_entry(p->root, cd->name, &p->err);
    if (d) {
        u32 type = chrdev_is_block(cd) ? S_IFBLK : S_IFCHR;
        p->err =
            dir->ops->create(dir, d, type | (cd->mode & S_IALLUGO), 0, 0, cd->major, cd->minor);
        dput(d);
    }
}

static void add_symlink(struct populate *p, const char *name, const char *target)
{
    struct inode *dir = p->root->inode;
    struct dentry *d = p->err ? NULL : new_entry(p->root, name, &p->err);

    if (d) {
        p->err = dir->ops->symlink(dir, d, target, 0, 0);
        dput(d);
    }
}

static void add_dir(struct populate *p, const char *name, u32 mode)
{
    struct inode *dir = p->root->inode;
    struct dentry *d = p->err ? NULL : new_entry(p->root, name, &p->err);

    if (d) {
        p->err = dir->ops->create(dir, d, S_IFDIR | mode, 0, 0, 0, 0);
        dput(d);
    }
}

static int devtmpfs_fill_super(struct super_block *sb, const char *source, u32 flags,
                               const void *data)
{
    struct populate p = {NULL, 0};
    int err = tmpfs_fill_super(sb, source, flags, data);

    if (err) {
        return err;
    }
    p.root = sb->root;
    p.root->inode->mode = S_IFDIR | 0755;
    chrdev_for_each(add_node, &p);
    add_symlink(&p, "fd", "/proc/self/fd");
    add_symlink(&p, "stdin", "/proc/self/fd/0");
    add_symlink(&p, "stdout", "/proc/self/fd/1");
    add_symlink(&p, "stderr", "/proc/self/fd/2");
    add_dir(&p, "shm", 01777);
    add_dir(&p, "pts", 0755);
    /* On failure the VFS drops the root, which frees what was made. */
    return p.err;
}

static struct fs_type devtmpfs_fs_type = {
    .name = "devtmpfs",
    .fill_super = devtmpfs_fill_super,
};

int devfs_init(void)
{
    int err = devfs_mem_init();

    if (!err) {
        err = devfs_console_init();
    }
    if (!err) {
        err = devfs_kmsg_init();
    }
    if (!err) {
        err = vfs_register_fs_type(&devtmpfs_fs_type);
        if (err == -EEXIST) {
            err = 0;
        }
    }
    if (err) {
        pr_err("devfs: cannot register devices: error %d\n", err);
    }
    return err;
}
