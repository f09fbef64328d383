// SPDX-License-Identifier: MIT
/* Pseudo filesystems: seq files generated at open, static and dynamic
 * directories, fixed and computed symlinks (see include/fs/pseudo.h). */
#include <abi/errno.h>
#include <fs/pseudo.h>
#include <kernel/format.h>
#include <kernel/kmalloc.h>
#include <kernel/string.h>

#include "vfs_internal.h"

#define SEQ_MIN_CAP 256
#define STORE_MAX 4096 /* longest write a store callback receives */
#include <fs/sysfs.h>

struct pseudo_node {
    pseudo_show_fn show;
    pseudo_store_fn store;
    pseudo_link_fn link_fn;
    char *link;
    const struct pseudo_dir_ops *dir_ops;
    void *arg;
};

/* ---- seq buffers ---- */

static bool seq_reserve(struct seq_buf *s, size_t more)
{
    size_t cap;
    char *n;

    if (s->overflow) {
        return false;
    }
    if (s->len + more + 1 <= s->cap) {
        return true;
    }
    cap = s->cap ? s->cap : SEQ_MIN_CAP;
    while (cap < s->len + more + 1) {
        cap *= 2;
    }
    n = kmalloc(cap);
    if (!n) {
        s->overflow = true;
        return false;
    }
    if (s->len) {
        memcpy(n, s->buf, s->len);
    }
    kfree(s->buf);
    s->buf = n;
    s->cap = cap;
    return true;
}

int seq_buf_write(struct seq_buf *s, const void *p, size_t n)
{
    if (!seq_reserve(s, n)) {
        return -ENOMEM;
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
    s->buf[s->len] = '\0';
    return 0;
}

int seq_buf_vprintf(struct seq_buf *s, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;

    va_copy(ap2, ap);
    n = kvsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || !seq_reserve(s, (size_t)n)) {
        return -ENOMEM;
    }
    kvsnprintf(s->buf + s->len, s->cap - s->len, fmt, ap);
    s->len += (size_t)n;
    return 0;
}

long seq_buf_read(const struct seq_buf *s, struct iobuf *b, u64 *pos)
{
    long r;

    if (*pos >= s->len) {
        return 0;
    }
    r = iobuf_put(b, s->buf + *pos, s->len - *pos);
    if (r > 0) {
        *pos += (u64)r;
    }
    return r;
}

void seq_buf_free(struct seq_buf *s)
{
    if (s) {
        kfree(s->buf);
        kfree(s);
    }
}

int seq_buf_puts(struct seq_buf *s, const char *str)
{
    return seq_buf_write(s, str, strlen(str));
}

int seq_buf_printf(struct seq_buf *s, const char *fmt, ...)
{
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = seq_buf_vprintf(s, fmt, ap);
    va_end(ap);
    return r;
}

/* ---- seq files ---- */

static int seq_file_open(struct inode *inode, struct file *f)
{
    struct pseudo_node *n = inode->private;
    struct seq_buf *snap;
    int err = 0;

    if (!(f->fmode & FMODE_READ)) {
        return 0;
    }
    snap = kzalloc(sizeof(*snap));
    if (!snap) {
        return -ENOMEM;
    }
    if (n->show) {
        err = n->show(snap, n->arg);
    }
    if (!err && snap->overflow) {
        err = -ENOMEM;
    }
    if (err) {
        seq_buf_free(snap);
        return err;
    }
    f->private = snap;
    return 0;
}

static long seq_file_read(struct file *f, struct iobuf *b, u64 *pos)
{
    return f->private ? seq_buf_read(f->private, b, pos) : 0;
}

static long seq_file_write(struct file *f, struct iobuf *b, u64 *pos)
{
    struct pseudo_node *n = f->inode->private;
    size_t len = MIN(iobuf_remaining(b), (size_t)STORE_MAX - 1);
    char *buf;
    long r;

    if (!n->store) {
        return -EIO;
    }
    buf = kmalloc(len + 1);
    if (!buf) {
        return -ENOMEM;
    }
    r = iobuf_get(b, buf, len);
    if (r >= 0) {
        buf[r] = '\0';
        vfs_lock();
        r = n->store(buf, (size_t)r, n->arg);
        vfs_unlock();
        if (r > 0) {
            *pos += (u64)r;
        }
    }
    kfree(buf);
    return r;
}

static s64 seq_file_llseek(struct file *f, s64 off, int whence)
{
    struct seq_buf *snap = f->private;
    s64 base = whence == SEEK_CUR ? (s64)f->pos : whence == SEEK_END && snap ? (s64)snap->len : 0;

    if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) {
        return -EINVAL;
    }
    if (base + off < 0) {
        return -EINVAL;
    }
    f->pos = (u64)(base + off);
    return base + off;
}

static void seq_file_release(struct file *f)
{
    seq_buf_free(f->private);
}

static const struct file_ops seq_file_ops = {
    .open = seq_file_open,
    .read = seq_file_read,
    .write = seq_file_write,
    .llseek = seq_file_llseek,
    .release = seq_file_release,
};

/* ---- directories ---- */

struct iter_wrap {
    struct dir_context ctx;
    struct dir_context *inner;
    bool full;
};

static bool wrap_emit(struct dir_context *c, const char *name, size_t len, u64 ino, u8 type,
                      u64 next)
{
    struct iter_wrap *w = container_of(c, struct iter_wrap, ctx);

    if (!w->inner->emit(w->inner, name, len, ino, type, next)) {
        w->full = true;
        return false;
    }
    return true;
}

static int pseudo_iterate(struct file *f, struct dir_context *ctx)
{
    struct pseudo_node *n = f->inode->private;

    if (ctx->pos < PSEUDO_DYN_POS) {
        struct iter_wrap w = {{wrap_emit, ctx->pos}, ctx, false};
        int err = dcache_iterate(f, &w.ctx);
        ctx->pos = w.ctx.pos;
        if (err || w.full) {
            return err;
        }
        ctx->pos = PSEUDO_DYN_POS;
    }
    if (n->dir_ops && n->dir_ops->iterate) {
        return n->dir_ops->iterate(f->dentry, ctx, n->arg);
    }
    return 0;
}

static s64 pseudo_dir_llseek(struct file *f, s64 off, int whence)
{
    if (whence != SEEK_SET && whence != SEEK_CUR) {
        return -EINVAL;
    }
    return vfs_generic_llseek(f, off, whence);
}

static const struct file_ops pseudo_dir_fops = {
    .iterate = pseudo_iterate,
    .llseek = pseudo_dir_llseek,
};

static int pseudo_lookup(struct inode *dir, struct dentry *d)
{
    struct pseudo_node *n = dir->private;

    if (!n->dir_ops || !n->dir_ops->lookup) {
        return -ENOENT;
    }
    return n->dir_ops->lookup(d->parent, d, n->arg);
}

static int pseudo_readlink(struct dentry *d, char *buf, size_t len)
{
    struct pseudo_node *n = d->inode->private;

    if (n->link) {
        size_t l = MIN(strlen(n->link), len);
        memcpy(buf, n->link, l);
        return (int)l;
    }
    return n->link_fn ? n->link_fn(buf, len, n->arg) : -EINVAL;
}

static const struct inode_ops pseudo_dir_iops = {.lookup = pseudo_lookup};
static const struct inode_ops pseudo_link_iops = {.readlink = pseudo_readlink};
static const struct inode_ops pseudo_file_iops = {0};

/* ---- inodes ---- */

static void pseudo_evict(struct inode *i)
{
    struct pseudo_node *n = i->private;

    if (n) {
        kfree(n->link);
        kfree(n);
    }
}

static const struct super_ops pseudo_super_ops = {.evict_inode = pseudo_evict};

static struct inode *pseudo_new_inode(struct super_block *sb, u32 mode)
{
    struct inode *i = inode_alloc(sb, mode);
    struct pseudo_node *n = kzalloc(sizeof(*n));

    if (!i || !n) {
        kfree(n);
        if (i) {
            iput(i);
        }
        return NULL;
    }
    i->private = n;
    i->uid = 0;
    i->gid = 0;
    switch (mode & S_IFMT) {
    case S_IFDIR:
        i->nlink = 2;
        i->ops = &pseudo_dir_iops;
        i->fops = &pseudo_dir_fops;
        break;
    case S_IFLNK:
        i->ops = &pseudo_link_iops;
        break;
    default:
        i->ops = &pseudo_file_iops;
        i->fops = &seq_file_ops;
        break;
    }
    return i;
}

struct inode *pseudo_new_file(struct super_block *sb, u32 mode, pseudo_show_fn show,
                              pseudo_store_fn store, void *arg)
{
    struct inode *i = pseudo_new_inode(sb, S_IFREG | (mode & S_IALLUGO));

    if (i) {
        struct pseudo_node *n = i->private;
        n->show = show;
        n->store = store;
        n->arg = arg;
    }
    return i;
}

struct inode *pseudo_new_dir(struct super_block *sb, u32 mode, const struct pseudo_dir_ops *ops,
                             void *arg)
{
    struct inode *i = pseudo_new_inode(sb, S_IFDIR | (mode & S_IALLUGO));

    if (i) {
        struct pseudo_node *n = i->private;
        n->dir_ops = ops;
        n->arg = arg;
    }
    return i;
}

struct inode *pseudo_new_symlink(struct super_block *sb, pseudo_link_fn fn, void *arg)
{
    struct inode *i = pseudo_new_inode(sb, S_IFLNK | 0777);

    if (i) {
        struct pseudo_node *n = i->private;
        n->link_fn = fn;
        n->arg = arg;
    }
    return i;
}

int pseudo_fill_super(struct super_block *sb, u64 magic, u32 root_mode)
{
    struct inode *root;

    sb->ops = &pseudo_super_ops;
    sb->magic = magic;
    root = pseudo_new_dir(sb, root_mode, NULL, NULL);
    if (!root) {
        return -ENOMEM;
    }
    sb->root = d_make_root(sb, root);
    if (!sb->root) {
        iput(root);
        return -ENOMEM;
    }
    return 0;
}

/* Links inode under parent as name (pinned); NULL on failure. */
static struct dentry *add_static(struct dentry *parent, const char *name, struct inode *inode)
{
    struct dentry *d;

    if (!inode) {
        return NULL;
    }
    d = d_alloc(parent, name, strlen(name));
    if (!d) {
        iput(inode);
        return NULL;
    }
    d_instantiate(d, inode);
    d_link(d, true);
    if (S_ISDIR(inode->mode)) {
        parent->inode->nlink++;
    }
    dput(d); /* the pin keeps it */
    return d;
}

struct dentry *pseudo_mkdir_dynamic(struct dentry *parent, const char *name, u32 mode,
                                    const struct pseudo_dir_ops *ops, void *arg)
{
    vfs_lock();
    struct dentry *d = add_static(parent, name, pseudo_new_dir(parent->sb, mode, ops, arg));
    vfs_unlock();
    return d;
}

struct dentry *pseudo_mkdir(struct dentry *parent, const char *name, u32 mode)
{
    return pseudo_mkdir_dynamic(parent, name, mode, NULL, NULL);
}

int pseudo_add_file(struct dentry *parent, const char *name, u32 mode, pseudo_show_fn show,
                    pseudo_store_fn store, void *arg)
{
    vfs_lock();
    struct dentry *d =
        add_static(parent, name, pseudo_new_file(parent->sb, mode, show, store, arg));
    vfs_unlock();
    return d ? 0 : -ENOMEM;
}

int pseudo_add_dyn_symlink(struct dentry *parent, const char *name, pseudo_link_fn fn, void *arg)
{
    vfs_lock();
    struct dentry *d = add_static(parent, name, pseudo_new_symlink(parent->sb, fn, arg));
    vfs_unlock();
    return d ? 0 : -ENOMEM;
}

int pseudo_add_symlink(struct dentry *parent, const char *name, const char *target)
{
    size_t len = strlen(target);
    char *copy = kmalloc(len + 1);
    struct inode *i;
    int err = 0;

    if (!copy) {
        return -ENOMEM;
    }
    memcpy(copy, target, len + 1);
    vfs_lock();
    i = pseudo_new_symlink(parent->sb, NULL, NULL);
    if (!i) {
        kfree(copy);
        err = -ENOMEM;
    } else {
        ((struct pseudo_node *)i->private)->link = copy;
        i->size = len;
        if (!add_static(parent, name, i)) {
            err = -ENOMEM;
        }
    }
    vfs_unlock();
    return err;
}

/* ---- placeholders ---- */

static int proc_placeholder_fill(struct super_block *sb, const char *source, u32 flags,
                                 const void *data)
{
    (void)source;
    (void)flags;
    (void)data;
    return pseudo_fill_super(sb, PROC_SUPER_MAGIC, 0555);
}

static int sysfs_placeholder_fill(struct super_block *sb, const char *source, u32 flags,
                                  const void *data)
{
    (void)source;
    (void)flags;
    (void)data;
    return pseudo_fill_super(sb, SYSFS_MAGIC, 0555);
}

struct fs_type pseudo_proc_placeholder = {.name = "proc", .fill_super = proc_placeholder_fill};
struct fs_type pseudo_sysfs_placeholder = {.name = "sysfs", .fill_super = sysfs_placeholder_fill};
