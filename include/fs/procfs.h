/* SPDX-License-Identifier: MIT */
/* procfs (fs/procfs/). */
#ifndef FS_PROCFS_H
#define FS_PROCFS_H

/* Registers the "proc" filesystem type. */
int procfs_init(void);

#endif
