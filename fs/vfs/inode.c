// SPDX-License-Identifier: MIT
/* Inodes: allocation, references, attributes and permission checks. */
#include <abi/errno.h>
#include <fs/vfs.h>
#include <kernel/kmalloc.h>
#include <kernel/process.h>
#include <kernel/string.h>
#include <kernel/time.h>

#include "vfs_internal.h"

static const struct cred root_cred; /* all ids 0 */

const struct cred *vfs_cred(void)
{
    struct process *p = current_process();
    return p ? &p->cred : &root_cred;
}

bool vfs_cred_is_root(void)
{
    return vfs_cred()->fsuid == 0;
}

void vfs_now(struct vfs_time *t)
{
    u64 sec;
    u32 nsec;

    clock_realtime(&sec, &nsec);
    t->sec = (s64)sec;
    t->nsec = nsec;
}

struct inode *inode_alloc(struct super_block *sb, u32 mode)
{
    struct inode *i = kzalloc(sizeof(*i));
    const struct cred *c = vfs_cred();

    if (!i) {
        return NULL;
    }
    i->ino = sb->next_ino++;
    i->mode = mode;
    i->nlink = 1;
    i->uid = c->fsuid;
    i->gid = c->fsgid;
    i->refcount = 1;
    i->sb = sb;
    vfs_now(&i->mtime);
    i->atime = i->ctime = i->btime = i->mtime;
    sb->inodes++;
    return i;
}

struct inode *igrab(struct inode *i)
{
    i->refcount++;
    return i;
}

void iput(struct inode *i)
{
    if (!i || --i->refcount > 0) {
        return;
    }
    struct super_block *sb = i->sb;
    if (sb->ops && sb->ops->evict_inode) {
        sb->ops->evict_inode(i);
    }
    sb->inodes--;
    kfree(i);
}

int vfs_generic_setattr(struct dentry *d, const struct iattr *a)
{
    struct inode *i = d->inode;

    if (a->valid & ATTR_MODE) {
        i->mode = (i->mode & S_IFMT) | (a->mode & S_IALLUGO);
    }
    if (a->valid & ATTR_UID) {
        i->uid = a->uid;
    }
    if (a->valid & ATTR_GID) {
        i->gid = a->gid;
    }
    if (a->valid & ATTR_ATIME) {
        i->atime = a->atime;
    }
    if (a->valid & ATTR_MTIME) {
        i->mtime = a->mtime;
    }
    if (a->valid & ATTR_CTIME) {
        i->ctime = a->ctime;
    }
    return 0;
}

int vfs_setattr(struct dentry *d, struct iattr *a)
{
    struct inode *i = d->inode;

    if (sb_rdonly(i->sb)) {
        return -EROFS;
    }
    if (i->ops && i->ops->setattr) {
        return i->ops->setattr(d, a);
    }
    if (a->valid & ATTR_SIZE) {
        return -EPERM;
    }
    return vfs_generic_setattr(d, a);
}

static bool cred_in_group(const struct cred *c, u32 gid)
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

/* Owner/group/other check for uid (and gid or supplementary groups). */
int inode_permission_ids(const struct inode *inode, int mask, u32 uid, u32 gid,
                         const struct cred *groups)
{
    u32 mode = inode->mode;
    u32 bits;

    if (uid == 0) {
        if ((mask & MAY_EXEC) && !S_ISDIR(mode) && !(mode & 0111)) {
            return -EACCES;
        }
        return 0;
    }
    if (uid == inode->uid) {
        bits = (mode >> 6) & 7;
    } else if (gid == inode->gid || cred_in_group(groups, inode->gid)) {
        bits = (mode >> 3) & 7;
    } else {
        bits = mode & 7;
    }
    return ((u32)mask & ~bits) ? -EACCES : 0;
}

int inode_permission(const struct inode *inode, int mask)
{
    const struct cred *c = vfs_cred();
    return inode_permission_ids(inode, mask, c->fsuid, c->fsgid, c);
}
