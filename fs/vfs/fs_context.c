// SPDX-License-Identifier: MIT
/* Per-process root, cwd and umask. */
#include <fs/fdtable.h>
#include <fs/vfs.h>
#include <kernel/kmalloc.h>
#include <kernel/process.h>

#include "vfs_internal.h"

struct fs_context *cur_fs(void)
{
    struct process *p = current_process();
    return p ? p->fs : NULL;
}

struct dentry *cur_root(void)
{
    struct fs_context *fs = cur_fs();
    return fs && fs->root ? fs->root : vfs_root();
}

struct dentry *cur_cwd(void)
{
    struct fs_context *fs = cur_fs();
    return fs && fs->cwd ? fs->cwd : vfs_root();
}

u32 cur_umask(void)
{
    struct fs_context *fs = cur_fs();
    return fs ? fs->umask : 0;
}

static struct fs_context *fs_alloc(struct dentry *root, struct dentry *cwd, u32 umask)
{
    struct fs_context *fs;

    if (!root || !cwd) {
        return NULL;
    }
    fs = kzalloc(sizeof(*fs));
    if (!fs) {
        return NULL;
    }
    fs->refcount = 1;
    fs->umask = umask;
    vfs_lock();
    fs->root = dget(root);
    fs->cwd = dget(cwd);
    sb_active_get(root->sb);
    sb_active_get(cwd->sb);
    vfs_unlock();
    return fs;
}

struct fs_context *fs_context_new_root(void)
{
    return fs_alloc(vfs_root(), vfs_root(), 022);
}

struct fs_context *fs_context_clone(struct fs_context *fs)
{
    if (!fs) {
        return fs_context_new_root();
    }
    return fs_alloc(fs->root, fs->cwd, fs->umask);
}

/* Replaces *slot (root or cwd) by d, moving the references. VFS lock held. */
void fs_context_set(struct dentry **slot, struct dentry *d)
{
    struct dentry *old = *slot;

    *slot = dget(d);
    sb_active_get(d->sb);
    if (old) {
        sb_active_put(old->sb);
        dput(old);
    }
}

void fs_context_put(struct fs_context *fs)
{
    if (!fs || __atomic_sub_fetch(&fs->refcount, 1, __ATOMIC_ACQ_REL) != 0) {
        return;
    }
    vfs_lock();
    sb_active_put(fs->root->sb);
    sb_active_put(fs->cwd->sb);
    dput(fs->root);
    dput(fs->cwd);
    vfs_unlock();
    kfree(fs);
}
