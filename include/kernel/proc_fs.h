/* SPDX-License-Identifier: MIT */
/* What process code needs from the filesystem layer: per-process fs state
 * (root, cwd, umask) and file tables, implemented in fs/vfs/. */
#ifndef KERNEL_PROC_FS_H
#define KERNEL_PROC_FS_H

struct fs_context;
struct fd_table;

struct fs_context *fs_context_clone(struct fs_context *fs);
void fs_context_put(struct fs_context *fs);
struct fd_table *fd_table_clone(struct fd_table *t);
void fd_table_put(struct fd_table *t);
void fd_table_close_on_exec(struct fd_table *t);

#endif
