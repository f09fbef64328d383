/* SPDX-License-Identifier: MIT */
/* Shared by fs/tmpfs/tmpfs.c (namespace) and fs/tmpfs/file.c (data). */
#ifndef FS_TMPFS_INTERNAL_H
#define FS_TMPFS_INTERNAL_H

#include <fs/tmpfs.h>

/* Radix tree of data frames: a node is one page of RADIX_FANOUT slots;
 * height h (0 = empty) covers RADIX_FANOUT^h file pages. */
#define RADIX_SHIFT 9
#define RADIX_FANOUT (1u << RADIX_SHIFT)
#define RADIX_MAX_HEIGHT 4

struct tmpfs_inode {
    void **root;
    u32 height;
    u64 npages; /* data frames held */
    char *link; /* symlink target (NUL-terminated) */
};

extern const struct file_ops tmpfs_file_ops;

/* Frees the data frames at file pages >= first (all with first = 0), and
 * zeroes the bytes from size to the end of its page. VFS lock held. */
void tmpfs_truncate_pages(struct inode *inode, u64 size);
/* Zeroes the bytes from old_size to the end of its page, before the file
 * grows past it (mmap may have written there). */
void tmpfs_zero_tail(struct inode *inode, u64 old_size);
void tmpfs_free_data(struct inode *inode);

#endif
