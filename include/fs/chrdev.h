/* SPDX-License-Identifier: MIT */
/* Character devices (fs/vfs/chrdev.c): a registry from (major, minor) to
 * file ops, used when a device node is opened and by devtmpfs to create
 * its nodes; and anonymous files, open files with no name (a device
 * opened without /dev, later pipes). Block devices share the registry
 * under their own numbers: one registered with S_IFBLK in its mode is a
 * block device, found by blkdev_find, with an S_IFBLK node; (type, major,
 * minor) is the key. */
#ifndef FS_CHRDEV_H
#define FS_CHRDEV_H

#include <kernel/types.h>

struct file;
struct file_ops;

#define MEM_MAJOR 1 /* null 3, zero 5, full 7, random 8, urandom 9, kmsg 11 */
#define TTY_MAJOR 4 /* ttyS0 is 64 */
#define TTYAUX_MAJOR 5 /* tty 0, console 1 */
#define CONSOLE_MAJOR TTYAUX_MAJOR
#define CONSOLE_MINOR 1

struct chrdev {
    const char *name; /* node name under /dev ("" for none) */
    u32 major, minor;
    u32 mode; /* permission bits of the /dev node, | S_IFBLK for a block device */
    const struct file_ops *fops;
};

/* Registers d (kept by pointer; static storage). -EEXIST if taken. */
int chrdev_register(const struct chrdev *d);
/* The same for minors [d->minor, d->minor + count) (pty slaves). */
int chrdev_register_minors(const struct chrdev *d, u32 count);
const struct chrdev *chrdev_find(u32 major, u32 minor);
/* The block device registered as (major, minor). */
const struct chrdev *blkdev_find(u32 major, u32 minor);
bool chrdev_is_block(const struct chrdev *d);
/* Calls fn for every registered device, in registration order. */
void chrdev_for_each(void (*fn)(const struct chrdev *d, void *arg), void *arg);

/* An open file of device (major, minor) on an anonymous inode. */
int chrdev_open_anon(u32 major, u32 minor, int flags, struct file **out);
/* An open file with ops and private data on a fresh anonymous inode of
 * type mode (e.g. S_IFIFO | 0600); fmode is FMODE_READ/FMODE_WRITE. */
int anon_file_create(const struct file_ops *ops, void *private, u32 mode, u32 fmode, int flags,
                     struct file **out);

#endif
