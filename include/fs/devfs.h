/* SPDX-License-Identifier: MIT */
/* devtmpfs and the basic character devices (fs/devfs/).
 *
 * devfs_init registers the devices with the chrdev registry and the
 * "devtmpfs" filesystem type: a tmpfs that, when mounted, is filled with a
 * node for every registered device (with its major/minor and mode), the
 * /dev/fd and /dev/std{in,out,err} symlinks, and /dev/shm and /dev/pts.
 *
 *   null 1,3   zero 1,5   full 1,7   random 1,8   urandom 1,9   kmsg 1,11
 *   ttyS0 4,64   tty 5,0   console 5,1   ptmx 5,2 (slaves 136,N in devpts)
 */
#ifndef FS_DEVFS_H
#define FS_DEVFS_H

/* Call once after vfs_init_root(); then mount "devtmpfs" on /dev. */
int devfs_init(void);

/* The pieces, each registering its devices. */
int devfs_mem_init(void);
int devfs_console_init(void);
int devfs_kmsg_init(void);

#endif
