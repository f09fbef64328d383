/* SPDX-License-Identifier: MIT */
/* Private to fs/vfs/: path walking, the current process's context, and
 * helpers shared by the syscall files. */
#ifndef FS_VFS_INTERNAL_H
#define FS_VFS_INTERNAL_H

#include <arch/x86_64/uaccess.h>
#include <fs/fdtable.h>
#include <fs/vfs.h>

/* path_walk flags */
#define WALK_FOLLOW (1u << 0) /* follow a final symlink */
#define WALK_CREATE                                                                                \
    (1u << 1) /* name-changing op: keep a final symlink and                                        \
                 skip the trailing-slash directory check */
#define WALK_SLASH_EISDIR (1u << 2) /* open(O_CREAT): final trailing slash is EISDIR */
#define WALK_EMPTY (1u << 3) /* AT_EMPTY_PATH: "" names the dirfd itself */

enum last_type {
    LAST_NORM, /* a name: last[] is valid */
    LAST_DOT, /* "." */
    LAST_DOTDOT, /* ".." */
    LAST_ROOT, /* "/" */
    LAST_EMPTY, /* "" with WALK_EMPTY */
};

struct nameidata {
    struct dentry *parent; /* directory of the final component (ref) */
    struct dentry *child; /* the final component (ref), NULL if absent */
    int last_type;
    bool trailing_slash;
    size_t last_len;
    char last[NAME_MAX + 1];
};

/* Resolves path relative to dirfd. On success nd->parent is set; nd->child
 * is NULL when only the final component is missing (LAST_NORM). Called
 * with the VFS lock held. */
int path_walk_at(int dirfd, const char *path, unsigned flags, struct nameidata *nd);
void nd_release(struct nameidata *nd);
/* Walks and requires the final component to exist; *out gets a reference. */
int path_lookup_at(int dirfd, const char *path, unsigned flags, struct dentry **out);

/* The current process's context; NULL for kernel threads. */
struct fs_context *cur_fs(void);
struct dentry *cur_root(void);
struct dentry *cur_cwd(void);
u32 cur_umask(void);
/* Points *slot (an fs_context root or cwd) at d, moving references. */
void fs_context_set(struct dentry **slot, struct dentry *d);

/* Copies a user path into a new kmalloc'd PATH_MAX buffer (free with
 * kfree). -EFAULT, -ENAMETOOLONG, -ENOMEM; "" is allowed here (each
 * caller decides, usually -ENOENT via path_walk). */
int getname(uptr_t upath, char **out);
/* Both names or neither (the first is freed if the second fails). */
int getname_pair(uptr_t ua, char **a, uptr_t ub, char **b);

/* Checks run before changing a name in dir (write+exec, not dead,
 * read-only mount). */
int may_create_in(struct dentry *dir);
/* ... and before removing or replacing victim in dir (adds sticky bit). */
int may_delete_in(struct dentry *dir, struct dentry *victim, bool isdir);
bool sb_rdonly(const struct super_block *sb);
/* Path of d up to stop (the process root; NULL: the global root). */
int d_path(struct dentry *d, struct dentry *stop, char *buf, size_t len);
/* True if d is a (strict or equal) ancestor of e, crossing mounts. */
bool d_is_ancestor(struct dentry *d, struct dentry *e);

/* Opens the file named by d (reference taken) with open flags. */
int vfs_open_dentry(struct dentry *d, int flags, struct file **out);
/* A struct file on d/inode not tied to a path walk (devices, anon). */
struct file *file_alloc(struct dentry *d, u32 fmode, u32 flags, const struct file_ops *ops);

/* Permission check for explicit ids (access(2) uses the real ones);
 * supplementary groups come from groups. */
int inode_permission_ids(const struct inode *inode, int mask, u32 uid, u32 gid,
                         const struct cred *groups);

/* Creates name in parent (mode includes the type; umask already applied)
 * with the current fsuid and fsgid (or parent's gid when setgid); *out
 * gets a reference to the new dentry. VFS lock held. */
int vfs_create(struct dentry *parent, const char *name, size_t len, u32 mode, u32 major, u32 minor,
               struct dentry **out);

/* stat helpers */
void vfs_fill_stat(struct inode *inode, struct linux_stat *st);
int vfs_setattr(struct dentry *d, struct iattr *a);
int vfs_truncate_dentry(struct dentry *d, u64 len);

/* sb->active accounting for umount's busy check. */
void sb_active_get(struct super_block *sb);
void sb_active_put(struct super_block *sb);

/* Filesystem types registered so far (mount.c). */
struct fs_type *vfs_find_fs_type(const char *name);

/* The path-walk flags for an *at() call's AT_SYMLINK_NOFOLLOW and
 * AT_EMPTY_PATH bits. */
static inline unsigned at_walk_flags(int flags)
{
    return ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW) |
           ((flags & AT_EMPTY_PATH) ? WALK_EMPTY : 0);
}

#endif
