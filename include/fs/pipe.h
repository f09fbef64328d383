/* SPDX-License-Identifier: MIT */
/* Pipes and FIFOs (fs/pipe/pipe.c). */
#ifndef FS_PIPE_H
#define FS_PIPE_H

struct file;
struct file_ops;

/* Opens of FIFO inodes (mknod S_IFIFO) use these operations. */
extern const struct file_ops fifo_fops __attribute__((weak));
/* F_GETPIPE_SZ: the capacity of a pipe or FIFO, -EBADF for other files.
 * Weak, like fifo_fops: host tests of the VFS link no pipe code. */
long pipe_size(struct file *f) __attribute__((weak));

#endif
