/* SPDX-License-Identifier: MIT */
/* tmpfs (fs/tmpfs/): the root filesystem, /tmp and the base of devtmpfs.
 * Directories are the dentry tree itself; file data sits in page-sized
 * frames in a radix tree per inode, allocated on first write (holes read
 * as zeros). Those frames double as the page cache for mmap: each holds
 * one struct page reference for the file, plus one per mapping. */
#ifndef FS_TMPFS_H
#define FS_TMPFS_H

#include <fs/vfs.h>

extern struct fs_type tmpfs_fs_type;

/* Fills a superblock as tmpfs (devtmpfs builds on it). */
int tmpfs_fill_super(struct super_block *sb, const char *source, u32 flags, const void *data);

/* Largest file size (bytes): a four-level radix tree of 512-way nodes. */
#define TMPFS_MAX_SIZE (1ull << 46)

#endif
