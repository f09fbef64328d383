/* SPDX-License-Identifier: MIT */
/* Per-process filesystem state (fs/vfs/fdtable.c, fs/vfs/fs_context.c):
 * the file descriptor table and the root/cwd/umask context. Both are
 * refcounted so CLONE_FILES/CLONE_FS can share them later; fork clones.
 * The declarations the process code needs are also in
 * include/kernel/proc_fs.h. */
#ifndef FS_FDTABLE_H
#define FS_FDTABLE_H

#include <kernel/spinlock.h>
#include <kernel/types.h>

struct file;
struct dentry;

#define FD_MAX 1024 /* hard cap on descriptors per table (RLIMIT_NOFILE) */

/* fds[i] is NULL for a free slot; cloexec is one bit per slot. The table
 * grows (doubling) up to FD_MAX. The lock covers slots and bits and is
 * never held across file_put (which may take the VFS lock). */
struct fd_table {
    u32 refcount;
    u32 cap;
    struct file **fds;
    u64 *cloexec;
    spinlock_t lock;
};

struct fs_context {
    u32 refcount;
    u32 umask;
    struct dentry *root; /* reference held */
    struct dentry *cwd; /* reference held */
};

/* fs_context: the global root as root and cwd, umask 022 (for init). */
struct fs_context *fs_context_new_root(void);
/* A copy for fork (NULL fs: like new_root). NULL on out of memory. */
struct fs_context *fs_context_clone(struct fs_context *fs);
void fs_context_put(struct fs_context *fs);

struct fd_table *fd_table_new(void);
/* A copy for fork: same open files (each gains a reference), same
 * close-on-exec bits. NULL t gives an empty table; NULL on out of memory. */
struct fd_table *fd_table_clone(struct fd_table *t);
/* Closes every descriptor marked close-on-exec (for execve). */
void fd_table_close_on_exec(struct fd_table *t);
/* Drops a reference; the last one closes every descriptor. */
void fd_table_put(struct fd_table *t);
/* Opens /dev/console (or, if /dev is not there, the console device
 * directly) read-write as fds 0, 1 and 2 of t. */
int fd_table_open_console(struct fd_table *t);

/* Descriptors of the current process. fd_install puts f in the lowest
 * free slot >= min, taking over the caller's reference; returns the fd,
 * -EMFILE, or -ENOMEM. */
int fd_install(struct file *f, bool cloexec);
int fd_install_from(struct fd_table *t, struct file *f, int min, bool cloexec);
/* The file at fd with a reference (release with file_put), or NULL when
 * fd is not open. fd_get refuses O_PATH files (NULL: the caller says
 * EBADF); fd_get_raw accepts them. */
struct file *fd_get(int fd);
struct file *fd_get_raw(int fd);
/* Puts f at exactly fd (dup2), closing what was there; takes over the
 * reference. Returns fd, -EBADF (fd out of range), -ENOMEM. */
int fd_install_at(int fd, struct file *f, bool cloexec);
/* The close-on-exec bit of fd (0 or 1), or -EBADF. */
int fd_get_cloexec(int fd);
int fd_set_cloexec(int fd, bool on);
/* Closes fd; -EBADF if not open. */
int fd_close(int fd);
/* The current process's descriptor limit (RLIMIT_NOFILE, at most FD_MAX). */
int fd_limit(void);

#endif
