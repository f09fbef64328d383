/* The initramfs modules (fs/initramfs.c). */
#ifndef FS_INITRAMFS_H
#define FS_INITRAMFS_H

#include <kernel/bootinfo.h>

/* Checks every boot module is a well-formed cpio archive and logs what it
 * holds. Problems are warnings until user space needs the files. Returns
 * the number of modules with problems. */
int initramfs_check(const struct boot_info *bi);

#endif
