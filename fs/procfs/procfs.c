// SPDX-License-Identifier: MIT
/* The procfs filesystem: superblock, inodes, generated files, symlinks,
 * and the root and static directories. */
#include <abi/errno.h>
#include <abi/stat.h>
#include <kernel/format.h>
#include <kernel/kmalloc.h>
#include <kernel/proc.h>
#include <kernel/string.h>

#include <fs/procfs.h>

#include "procfs_internal.h"

#define WRITE_MAX 4096 /* longest write a generated file accepts at once */

static bool process_exists(int pid)
{
    u64 flags = spin_lock_irqsave(&proc_lock);
    bool found = process_find_locked(pid) != NULL;
    spin_unlock_irqrestore(&proc_lock, flags);
    return found;
}

bool proc_parse_num(const char *name, size_t len, int *out)
{
    int v = 0;
    if (len == 0 || len > 9 || (len > 1 && name[0] == '0')) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (name[i] < '0' || name[i] > '9') {
            return false;
        }
        v = v * 10 + (name[i] - '0');
    }
    *out = v;
    return true;
}

/* ---- generated regular files ---- */

static int proc_file_open(struct inode *inode, struct file *f)
{
    const struct proc_inode *pi = inode->private;
    struct seq_buf *sb = kzalloc(sizeof(*sb));
    int err = 0;
    if (!sb) {
        return -ENOMEM;
    }
    if (pi->pid) {
        u64 flags = spin_lock_irqsave(&proc_lock);
        struct process *p = process_find_locked(pi->pid);
        if (!p) {
            err = -ESRCH;
        } else if (f->fmode & FMODE_READ) {
            pi->entry->show(sb, p, pi);
        }
        spin_unlock_irqrestore(&proc_lock, flags);
    } else if (f->fmode & FMODE_READ) {
        pi->entry->show(sb, NULL, pi);
    }
    if (!err && sb->overflow) {
        err = -ENOMEM;
    }
    if (err) {
        seq_buf_free(sb);
        return err;
    }
    f->private = sb;
    return 0;
}

static long proc_file_read(struct file *f, struct iobuf *buf, u64 *pos)
{
    return seq_buf_read(f->private, buf, pos);
}

static long proc_file_write(struct file *f, struct iobuf *buf, u64 *pos)
{
    const struct proc_inode *pi = f->inode->private;
    if (!pi->entry->write) {
        return -EIO; /* like Linux for a file with no write method */
    }
    size_t len = MIN(iobuf_remaining(buf), (size_t)WRITE_MAX);
    if (len == 0) {
        return 0;
    }
    /* Copy in first: user memory may fault, which the locked part below
     * must not do. */
    char *kbuf = kmalloc(len + 1);
    if (!kbuf) {
        return -ENOMEM;
    }
    long r = iobuf_get(buf, kbuf, len);
    if (r < 0) {
        kfree(kbuf);
        return r;
    }
    kbuf[r] = '\0';
    if (pi->pid) {
        u64 flags = spin_lock_irqsave(&proc_lock);
        struct process *p = process_find_locked(pi->pid);
        r = p ? pi->entry->write(p, kbuf, (size_t)r, *pos) : -ESRCH;
        spin_unlock_irqrestore(&proc_lock, flags);
    } else {
        r = pi->entry->write(NULL, kbuf, (size_t)r, *pos);
    }
    kfree(kbuf);
    if (r > 0) {
        *pos += (u64)r;
    }
    return r;
}

static void proc_file_release(struct file *f)
{
    seq_buf_free(f->private);
}

static const struct file_ops proc_file_fops = {
    .open = proc_file_open,
    .read = proc_file_read,
    .write = proc_file_write,
    .release = proc_file_release,
};

/* Like Linux: no chmod; truncation (open with O_TRUNC) is accepted and
 * ignored; owner and times may change. */
static int proc_setattr(struct dentry *d, const struct iattr *a)
{
    if (a->valid & ATTR_MODE) {
        return -EPERM;
    }
    struct iattr rest = *a;
    rest.valid &= ~ATTR_SIZE;
    return vfs_generic_setattr(d, &rest);
}

/* ---- symlinks ---- */

static int proc_readlink(struct dentry *d, char *buf, size_t len)
{
    const struct proc_inode *pi = d->inode->private;
    if (!pi->pid) {
        return pi->entry->readlink(NULL, pi, buf, len);
    }
    u64 flags = spin_lock_irqsave(&proc_lock);
    struct process *p = process_find_locked(pi->pid);
    int r = p ? pi->entry->readlink(p, pi, buf, len) : -ENOENT;
    spin_unlock_irqrestore(&proc_lock, flags);
    return r;
}

static int proc_get_link(struct dentry *d, struct dentry **out)
{
    const struct proc_inode *pi = d->inode->private;
    u64 flags = spin_lock_irqsave(&proc_lock);
    struct process *p = process_find_locked(pi->pid);
    int r = p ? pi->entry->get_link(p, pi, out) : -ENOENT;
    spin_unlock_irqrestore(&proc_lock, flags);
    return r;
}

static const struct inode_ops proc_link_ops = {
    .readlink = proc_readlink,
    .setattr = proc_setattr,
};

static const struct inode_ops proc_magic_link_ops = {
    .readlink = proc_readlink,
    .get_link = proc_get_link,
    .setattr = proc_setattr,
};

static const struct inode_ops proc_file_ops = {
    .setattr = proc_setattr,
};

/* ---- directories ---- */

const struct proc_entry *proc_table_find(const struct proc_table *t, const char *name, size_t len,
                                         bool in_task, size_t *index)
{
    for (size_t k = 0; k < t->count; k++) {
        const struct proc_entry *e = &t->entries[k];
        if (in_task && (e->flags & PE_PROCESS_ONLY)) {
            continue;
        }
        if (strlen(e->name) == len && memcmp(e->name, name, len) == 0) {
            *index = k;
            return e;
        }
    }
    return NULL;
}

static u8 entry_kind(const struct proc_entry *e)
{
    if (S_ISDIR(e->mode)) {
        return e->kind;
    }
    return S_ISLNK(e->mode) ? PK_LINK : PK_FILE;
}

/* Looks name up in table t of a directory of process pid (0: none). */
static int table_lookup(struct inode *dir, struct dentry *d, const struct proc_table *t, u8 id,
                        int pid, bool in_task)
{
    size_t k;
    const struct proc_entry *e = proc_table_find(t, d->name, d->name_len, in_task, &k);
    if (!e) {
        return -ENOENT;
    }
    struct inode *i = proc_make_inode(dir->sb, e, entry_kind(e), 0, pid, -1, PROC_INO(pid, id, k));
    if (!i) {
        return -ENOMEM;
    }
    d_instantiate(d, i);
    return 0;
}

bool proc_emit_dots(struct file *f, struct dir_context *ctx)
{
    if (ctx->pos == 0) {
        if (!ctx->emit(ctx, ".", 1, f->inode->ino, DT_DIR, 1)) {
            return false;
        }
        ctx->pos = 1;
    }
    if (ctx->pos == 1) {
        struct dentry *parent = f->dentry->parent;
        u64 ino = parent ? parent->inode->ino : f->inode->ino;
        if (!ctx->emit(ctx, "..", 2, ino, DT_DIR, 2)) {
            return false;
        }
        ctx->pos = 2;
    }
    return true;
}

bool proc_emit_table(struct dir_context *ctx, const struct proc_table *t, int pid, bool in_task)
{
    u8 id = t->id == PT_PID && in_task ? PT_TID : t->id;
    while (ctx->pos >= 2 && ctx->pos < 2 + t->count) {
        size_t k = ctx->pos - 2;
        const struct proc_entry *e = &t->entries[k];
        if (!(in_task && (e->flags & PE_PROCESS_ONLY)) &&
            !ctx->emit(ctx, e->name, strlen(e->name), PROC_INO(pid, id, k), proc_dtype(e->mode),
                       ctx->pos + 1)) {
            return false;
        }
        ctx->pos++;
    }
    return true;
}

/* The smallest live pid >= min, or 0. */
static int next_pid(int min)
{
    int best = 0;
    u64 flags = spin_lock_irqsave(&proc_lock);
    struct list_head *pos;
    list_for_each(pos, &all_processes)
    {
        struct process *q = list_entry(pos, struct process, all_link);
        if (q->pid >= min && (best == 0 || q->pid < best)) {
            best = q->pid;
        }
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    return best;
}

static int root_lookup(struct inode *dir, struct dentry *d)
{
    int pid;
    if (proc_parse_num(d->name, d->name_len, &pid)) {
        if (pid == 0 || !process_exists(pid)) {
            return -ENOENT;
        }
        struct inode *i = proc_make_pid_dir(dir->sb, pid, false);
        if (!i) {
            return -ENOMEM;
        }
        d_instantiate(d, i);
        return 0;
    }
    return table_lookup(dir, d, &proc_root_table, PT_ROOT, 0, false);
}

/* Positions: 0 ".", 1 "..", 2.. root entries, PROC_DYN_POS + pid. */
static int root_iterate(struct file *f, struct dir_context *ctx)
{
    if (!proc_emit_dots(f, ctx) || !proc_emit_table(ctx, &proc_root_table, 0, false)) {
        return 0;
    }
    if (ctx->pos < PROC_DYN_POS) {
        ctx->pos = PROC_DYN_POS;
    }
    for (;;) {
        int pid = next_pid((int)(ctx->pos - PROC_DYN_POS));
        if (pid == 0) {
            return 0;
        }
        char name[16];
        int n = ksnprintf(name, sizeof(name), "%d", pid);
        u64 next = PROC_DYN_POS + (u64)pid + 1;
        if (!ctx->emit(ctx, name, (size_t)n, PROC_INO(pid, PT_PIDDIR, 0), DT_DIR, next)) {
            return 0;
        }
        ctx->pos = next;
    }
}

static int proc_dir_lookup(struct inode *dir, struct dentry *d)
{
    const struct proc_inode *pi = dir->private;
    switch (pi->kind) {
    case PK_ROOT:
        return root_lookup(dir, d);
    case PK_DIR:
        return table_lookup(dir, d, pi->entry->table, pi->entry->table->id, pi->pid, false);
    default:
        return proc_pid_lookup(dir, d);
    }
}

static int proc_dir_iterate(struct file *f, struct dir_context *ctx)
{
    const struct proc_inode *pi = f->inode->private;
    switch (pi->kind) {
    case PK_ROOT:
        return root_iterate(f, ctx);
    case PK_DIR:
        if (proc_emit_dots(f, ctx)) {
            proc_emit_table(ctx, pi->entry->table, pi->pid, false);
        }
        return 0;
    default:
        return proc_pid_iterate(f, ctx);
    }
}

static const struct inode_ops proc_dir_ops = {
    .lookup = proc_dir_lookup,
    .setattr = proc_setattr,
};

static const struct file_ops proc_dir_fops = {
    .iterate = proc_dir_iterate,
};

/* ---- inodes ---- */

struct inode *proc_make_inode(struct super_block *sb, const struct proc_entry *e, u8 kind, u32 mode,
                              int pid, int fd, u64 ino)
{
    struct proc_inode *pi = kzalloc(sizeof(*pi));
    if (!mode) {
        mode = e ? e->mode : (S_IFDIR | 0555);
    }
    struct inode *i = pi ? inode_alloc(sb, mode) : NULL;
    if (!i) {
        kfree(pi);
        return NULL;
    }
    pi->entry = e;
    pi->kind = kind;
    pi->pid = pid;
    pi->fd = fd;
    i->private = pi;
    i->ino = ino;
    i->nlink = S_ISDIR(mode) ? 2 : 1;
    i->uid = i->gid = 0;
    if (pid) {
        /* Like Linux: a process's entries belong to its effective ids. */
        u64 flags = spin_lock_irqsave(&proc_lock);
        struct process *p = process_find_locked(pid);
        if (p) {
            i->uid = p->cred.euid;
            i->gid = p->cred.egid;
        }
        spin_unlock_irqrestore(&proc_lock, flags);
    }
    if (S_ISDIR(mode)) {
        i->ops = &proc_dir_ops;
        i->fops = &proc_dir_fops;
    } else if (S_ISLNK(mode)) {
        i->ops = e->get_link ? &proc_magic_link_ops : &proc_link_ops;
    } else {
        i->ops = &proc_file_ops;
        i->fops = &proc_file_fops;
    }
    return i;
}

struct inode *proc_make_pid_dir(struct super_block *sb, int pid, bool in_task)
{
    struct inode *i = proc_make_inode(sb, NULL, PK_PID, S_IFDIR | 0555, pid, -1,
                                      PROC_INO(pid, PT_PIDDIR, in_task));
    if (i) {
        ((struct proc_inode *)i->private)->in_task = in_task;
    }
    return i;
}

static void proc_evict(struct inode *i)
{
    kfree(i->private);
    i->private = NULL;
}

static const struct super_ops proc_super_ops = {
    .evict_inode = proc_evict,
};

static int proc_fill_super(struct super_block *sb, const char *source, u32 flags, const void *data)
{
    (void)source;
    (void)flags;
    (void)data;
    sb->ops = &proc_super_ops;
    sb->magic = PROC_SUPER_MAGIC;
    struct inode *root = proc_make_inode(sb, NULL, PK_ROOT, S_IFDIR | 0555, 0, -1, PROC_ROOT_INO);
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

static struct fs_type proc_fs_type = {
    .name = "proc",
    .fill_super = proc_fill_super,
};

int procfs_init(void)
{
    return vfs_register_fs_type(&proc_fs_type);
}
