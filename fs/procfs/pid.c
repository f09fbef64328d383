/* /proc/<pid>/: one directory per process, entries generated on lookup. */
#include <fs/stat.h>
#include <kernel/errno.h>
#include <kernel/string.h>

#include "procfs_internal.h"

#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10

static u64 entry_ino(int pid, size_t k)
{
    return ((u64)pid << 8) | (k + 1);
}

static int pid_dir_lookup(struct inode *dir, struct dentry *d)
{
    const struct proc_inode *pi = dir->private;
    if (!proc_inode_process(dir)) {
        return -ENOENT;
    }
    for (size_t k = 0; k < proc_pid_entry_count; k++) {
        const struct proc_entry *e = &proc_pid_entries[k];
        if (strlen(e->name) == d->name_len && memcmp(e->name, d->name, d->name_len) == 0) {
            struct inode *i = proc_make_inode(dir->sb, e, pi->pid, entry_ino(pi->pid, k));
            if (!i) {
                return -ENOMEM;
            }
            d_instantiate(d, i);
            return 0;
        }
    }
    return -ENOENT;
}

/* Positions: 0 ".", 1 "..", then 2 + entry index. */
static int pid_dir_iterate(struct file *f, struct dir_context *ctx)
{
    struct inode *dir = f->inode;
    const struct proc_inode *pi = dir->private;
    if (!proc_inode_process(dir)) {
        return -ENOENT;
    }
    if (ctx->pos == 0) {
        if (!ctx->emit(ctx, ".", 1, dir->ino, DT_DIR, 1)) {
            return 0;
        }
        ctx->pos = 1;
    }
    if (ctx->pos == 1) {
        if (!ctx->emit(ctx, "..", 2, 1, DT_DIR, 2)) {
            return 0;
        }
        ctx->pos = 2;
    }
    while (ctx->pos >= 2 && ctx->pos < 2 + proc_pid_entry_count) {
        size_t k = ctx->pos - 2;
        const struct proc_entry *e = &proc_pid_entries[k];
        u8 type = S_ISDIR(e->mode) ? DT_DIR : S_ISLNK(e->mode) ? DT_LNK : DT_REG;
        if (!ctx->emit(ctx, e->name, strlen(e->name), entry_ino(pi->pid, k), type, ctx->pos + 1)) {
            return 0;
        }
        ctx->pos++;
    }
    return 0;
}

const struct inode_ops proc_pid_dir_ops = {
    .lookup = pid_dir_lookup,
};

const struct file_ops proc_pid_dir_fops = {
    .iterate = pid_dir_iterate,
};
