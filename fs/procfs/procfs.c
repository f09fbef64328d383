/* The procfs filesystem: superblock, generated files, the root directory. */
#include <fs/stat.h>
#include <kernel/errno.h>
#include <kernel/format.h>
#include <kernel/kmalloc.h>
#include <kernel/proc.h>
#include <kernel/string.h>

#include <fs/procfs.h>

#include "procfs_internal.h"

#define PROC_ROOT_INO 1
#define PROC_PID_INO(pid) (((u64)(pid) << 8) | 0x80)

void seq_write(struct seqbuf *sb, const void *data, size_t len)
{
    if (sb->failed) {
        return;
    }
    if (sb->len + len > sb->cap) {
        size_t cap = sb->cap ? sb->cap : 256;
        while (cap < sb->len + len) {
            cap *= 2;
        }
        char *nb = kmalloc(cap);
        if (!nb) {
            sb->failed = true;
            return;
        }
        memcpy(nb, sb->buf, sb->len);
        kfree(sb->buf);
        sb->buf = nb;
        sb->cap = cap;
    }
    memcpy(sb->buf + sb->len, data, len);
    sb->len += len;
}

void seq_printf(struct seqbuf *sb, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    seq_write(sb, line, MIN((size_t)n, sizeof(line) - 1));
}

struct process *proc_inode_process(const struct inode *i)
{
    const struct proc_inode *pi = i->private;
    if (!pi || pi->pid == 0) {
        return NULL;
    }
    struct process *p = process_find(pi->pid);
    return p;
}

/* ---- generated regular files ---- */

static int proc_file_open(struct inode *inode, struct file *f)
{
    const struct proc_inode *pi = inode->private;
    struct process *p = NULL;
    if (pi->pid) {
        p = proc_inode_process(inode);
        if (!p) {
            return -ESRCH;
        }
    }
    struct seqbuf *sb = kzalloc(sizeof(*sb));
    if (!sb) {
        return -ENOMEM;
    }
    pi->entry->show(sb, p);
    if (sb->failed) {
        kfree(sb->buf);
        kfree(sb);
        return -ENOMEM;
    }
    f->private = sb;
    return 0;
}

static long proc_file_read(struct file *f, struct iobuf *buf, u64 *pos)
{
    struct seqbuf *sb = f->private;
    if (*pos >= sb->len) {
        return 0;
    }
    long n = iobuf_put(buf, sb->buf + *pos, sb->len - *pos);
    if (n > 0) {
        *pos += (u64)n;
    }
    return n;
}

static void proc_file_release(struct file *f)
{
    struct seqbuf *sb = f->private;
    if (sb) {
        kfree(sb->buf);
        kfree(sb);
    }
}

static const struct file_ops proc_file_fops = {
    .open = proc_file_open,
    .read = proc_file_read,
    .release = proc_file_release,
};

static int proc_readlink(struct dentry *d, char *buf, size_t len)
{
    const struct proc_inode *pi = d->inode->private;
    struct process *p = NULL;
    if (pi->pid) {
        p = proc_inode_process(d->inode);
        if (!p) {
            return -ENOENT;
        }
    }
    return pi->entry->readlink(p, buf, len);
}

static const struct inode_ops proc_link_ops = {
    .readlink = proc_readlink,
};

struct inode *proc_make_inode(struct super_block *sb, const struct proc_entry *e, int pid, u64 ino)
{
    struct proc_inode *pi = kzalloc(sizeof(*pi));
    u32 mode = e ? e->mode : (S_IFDIR | 0555);
    struct inode *i = pi ? inode_alloc(sb, mode) : NULL;
    if (!i) {
        kfree(pi);
        return NULL;
    }
    pi->entry = e;
    pi->pid = pid;
    i->private = pi;
    i->ino = ino;
    i->nlink = S_ISDIR(mode) ? 2 : 1;
    struct process *p = pid ? process_find(pid) : NULL;
    if (p) {
        i->uid = p->cred.euid;
        i->gid = p->cred.egid;
    } else {
        i->uid = i->gid = 0;
    }
    if (S_ISDIR(mode)) {
        i->ops = &proc_pid_dir_ops;
        i->fops = &proc_pid_dir_fops;
    } else if (S_ISLNK(mode)) {
        i->ops = &proc_link_ops;
    } else {
        i->fops = &proc_file_fops;
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

/* ---- the root directory ---- */

static bool parse_pid(const char *name, size_t len, int *pid)
{
    int v = 0;
    if (len == 0 || len > 9) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (name[i] < '0' || name[i] > '9') {
            return false;
        }
        v = v * 10 + (name[i] - '0');
    }
    *pid = v;
    return v > 0;
}

static int proc_root_lookup(struct inode *dir, struct dentry *d)
{
    int pid;
    struct inode *i = NULL;
    if (parse_pid(d->name, d->name_len, &pid)) {
        struct process *p = process_find(pid);
        if (!p) {
            return -ENOENT;
        }
        i = proc_make_inode(dir->sb, NULL, pid, PROC_PID_INO(pid));
    } else {
        for (size_t k = 0; k < proc_root_entry_count; k++) {
            const struct proc_entry *e = &proc_root_entries[k];
            if (strlen(e->name) == d->name_len && memcmp(e->name, d->name, d->name_len) == 0) {
                i = proc_make_inode(dir->sb, e, 0, 2 + k);
                break;
            }
        }
        if (!i) {
            return -ENOENT;
        }
    }
    if (!i) {
        return -ENOMEM;
    }
    d_instantiate(d, i);
    return 0;
}

/* The smallest live pid >= min, or 0. */
static int next_pid(int min)
{
    int best = 0;
    u64 flags = spin_lock_irqsave(&proc_lock);
    struct list_head *pos;
    list_for_each(pos, &all_processes) {
        struct process *q = list_entry(pos, struct process, all_link);
        if (q->pid >= min && (best == 0 || q->pid < best)) {
            best = q->pid;
        }
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    return best;
}

#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10
#define PID_POS_BASE 0x10000

static u8 dtype_of(u32 mode)
{
    return S_ISDIR(mode) ? DT_DIR : S_ISLNK(mode) ? DT_LNK : DT_REG;
}

/* Positions: 0 ".", 1 "..", 2.. root entries, PID_POS_BASE + pid. */
static int proc_root_iterate(struct file *f, struct dir_context *ctx)
{
    if (ctx->pos == 0) {
        if (!ctx->emit(ctx, ".", 1, PROC_ROOT_INO, DT_DIR, 1)) {
            return 0;
        }
        ctx->pos = 1;
    }
    if (ctx->pos == 1) {
        if (!ctx->emit(ctx, "..", 2, PROC_ROOT_INO, DT_DIR, 2)) {
            return 0;
        }
        ctx->pos = 2;
    }
    while (ctx->pos >= 2 && ctx->pos < 2 + proc_root_entry_count) {
        const struct proc_entry *e = &proc_root_entries[ctx->pos - 2];
        if (!ctx->emit(ctx, e->name, strlen(e->name), ctx->pos, dtype_of(e->mode), ctx->pos + 1)) {
            return 0;
        }
        ctx->pos++;
    }
    if (ctx->pos < PID_POS_BASE) {
        ctx->pos = PID_POS_BASE;
    }
    for (;;) {
        int pid = next_pid((int)(ctx->pos - PID_POS_BASE));
        if (pid == 0) {
            return 0;
        }
        char name[16];
        int n = ksnprintf(name, sizeof(name), "%d", pid);
        if (!ctx->emit(ctx, name, (size_t)n, PROC_PID_INO(pid), DT_DIR,
                       PID_POS_BASE + (u64)pid + 1)) {
            return 0;
        }
        ctx->pos = PID_POS_BASE + (u64)pid + 1;
    }
}

static const struct inode_ops proc_root_ops = {
    .lookup = proc_root_lookup,
};

static const struct file_ops proc_root_fops = {
    .iterate = proc_root_iterate,
};

static int proc_fill_super(struct super_block *sb, const char *source, u32 flags, const void *data)
{
    (void)source;
    (void)flags;
    (void)data;
    sb->ops = &proc_super_ops;
    sb->magic = PROC_SUPER_MAGIC;
    struct inode *root = proc_make_inode(sb, NULL, 0, PROC_ROOT_INO);
    if (!root) {
        return -ENOMEM;
    }
    root->ops = &proc_root_ops;
    root->fops = &proc_root_fops;
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
