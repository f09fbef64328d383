// SPDX-License-Identifier: MIT
/* devpts: the pty slaves as /dev/pts/N (136,N), plus /dev/pts/ptmx (5,2,
 * mode 0 as Linux's default ptmxmode). Entries are generated from the pty
 * table (drivers/tty/pty.c) on lookup and readdir, so a slave appears
 * when its master is opened and goes when the master closes. Mode and
 * owner changes (chmod, chown of /dev/pts/N) are kept with the pty. Every
 * mount shows the same ptys. */
#include <abi/errno.h>
#include <drivers/tty.h>
#include <fs/vfs.h>
#include <kernel/format.h>
#include <kernel/string.h>

#define PTMX_INO 2
#define FIRST_PTS_INO 3
#define PTMX_POS 2
#define FIRST_PTS_POS 3

/* The root of the mounted instance (VFS lock), for devpts_pty_kill. */
static struct dentry *devpts_root;

static int parse_index(const char *name, size_t len)
{
    int v = 0;

    if (len == 0 || len > 6 || (len > 1 && name[0] == '0')) {
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        if (name[i] < '0' || name[i] > '9') {
            return -1;
        }
        v = v * 10 + (name[i] - '0');
    }
    return v < PTY_MAX ? v : -1;
}

static int pts_setattr(struct dentry *d, const struct iattr *a)
{
    int err = vfs_generic_setattr(d, a);
    int index = parse_index(d->name, d->name_len);

    if (!err && index >= 0) {
        struct pty_node_info info = {d->inode->mode & S_IALLUGO, d->inode->uid, d->inode->gid};
        pty_node_setattr(index, &info);
    }
    return err;
}

static const struct inode_ops pts_node_ops = {
    .setattr = pts_setattr,
};

static int devpts_lookup(struct inode *dir, struct dentry *d)
{
    struct pty_node_info info = {0, 0, 0};
    struct inode *i;
    int index = -1;

    if (d->name_len == 4 && memcmp(d->name, "ptmx", 4) == 0) {
        i = inode_alloc(dir->sb, S_IFCHR);
        if (!i) {
            return -ENOMEM;
        }
        i->ino = PTMX_INO;
        i->rdev_major = 5;
        i->rdev_minor = 2;
        i->uid = i->gid = 0;
    } else {
        index = parse_index(d->name, d->name_len);
        if (index < 0 || !pty_node_info(index, &info)) {
            return -ENOENT;
        }
        i = inode_alloc(dir->sb, S_IFCHR | (info.mode & S_IALLUGO));
        if (!i) {
            return -ENOMEM;
        }
        i->ino = FIRST_PTS_INO + (u64)index;
        i->rdev_major = PTY_SLAVE_MAJOR;
        i->rdev_minor = (u32)index;
        i->uid = info.uid;
        i->gid = info.gid;
        i->ops = &pts_node_ops;
    }
    d_instantiate(d, i);
    return 0;
}

/* Positions: 0 ".", 1 "..", 2 "ptmx", 3 + N for pts N. */
static int devpts_iterate(struct file *f, struct dir_context *ctx)
{
    if (ctx->pos == 0) {
        if (!ctx->emit(ctx, ".", 1, f->inode->ino, DT_DIR, 1)) {
            return 0;
        }
        ctx->pos = 1;
    }
    if (ctx->pos == 1) {
        struct dentry *parent = f->dentry->parent;
        u64 ino = parent ? parent->inode->ino : f->inode->ino;
        if (!ctx->emit(ctx, "..", 2, ino, DT_DIR, PTMX_POS)) {
            return 0;
        }
        ctx->pos = PTMX_POS;
    }
    if (ctx->pos == PTMX_POS) {
        if (!ctx->emit(ctx, "ptmx", 4, PTMX_INO, DT_CHR, FIRST_PTS_POS)) {
            return 0;
        }
        ctx->pos = FIRST_PTS_POS;
    }
    for (;;) {
        int index = pty_next_index((int)(ctx->pos - FIRST_PTS_POS));
        if (index < 0) {
            return 0;
        }
        char name[12];
        int n = ksnprintf(name, sizeof(name), "%d", index);
        u64 next = FIRST_PTS_POS + (u64)index + 1;
        if (!ctx->emit(ctx, name, (size_t)n, FIRST_PTS_INO + (u64)index, DT_CHR, next)) {
            return 0;
        }
        ctx->pos = next;
    }
}

static const struct inode_ops devpts_dir_ops = {
    .lookup = devpts_lookup,
};

static const struct file_ops devpts_dir_fops = {
    .iterate = devpts_iterate,
};

static void devpts_put_super(struct super_block *sb)
{
    if (devpts_root && devpts_root->sb == sb) {
        devpts_root = NULL;
    }
}

static const struct super_ops devpts_super_ops = {
    .put_super = devpts_put_super,
};

static int devpts_fill_super(struct super_block *sb, const char *source, u32 flags,
                             const void *data)
{
    (void)source;
    (void)flags;
    (void)data; /* mode=, gid=, ptmxmode= are accepted and ignored */
    sb->ops = &devpts_super_ops;
    sb->magic = DEVPTS_SUPER_MAGIC;
    struct inode *root = inode_alloc(sb, S_IFDIR | 0755);
    if (!root) {
        return -ENOMEM;
    }
    root->ino = 1;
    root->nlink = 2;
    root->uid = root->gid = 0;
    root->ops = &devpts_dir_ops;
    root->fops = &devpts_dir_fops;
    sb->root = d_make_root(sb, root);
    if (!sb->root) {
        iput(root);
        return -ENOMEM;
    }
    devpts_root = sb->root;
    return 0;
}

void devpts_pty_kill(int index)
{
    char name[12];
    int n = ksnprintf(name, sizeof(name), "%d", index);

    vfs_lock();
    struct dentry *d = devpts_root ? d_lookup(devpts_root, name, (size_t)n) : NULL;
    if (d) {
        d_unlink(d);
        dput(d);
    }
    vfs_unlock();
}

static struct fs_type devpts_fs_type = {
    .name = "devpts",
    .fill_super = devpts_fill_super,
};

int devpts_init(void)
{
    return vfs_register_fs_type(&devpts_fs_type);
}
