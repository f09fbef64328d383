/* SPDX-License-Identifier: MIT */
/* The initramfs modules (fs/initramfs.c). */
#ifndef FS_INITRAMFS_H
#define FS_INITRAMFS_H

#include <kernel/bootinfo.h>

/* Unpacks every boot module, in order, into the root filesystem (see
 * fs/initramfs.c for the rules). Returns 0, or -errno with *err pointing
 * to a static message naming the module, the offending entry and its
 * offset (also logged). */
int initramfs_unpack(const struct boot_info *bi, const char **err);

/* Unpacks one buffer (one or more concatenated archives). what names it
 * in messages ("module 0 'x.cpio'"); on failure msg holds the reason. */
int initramfs_unpack_buffer(const void *buf, size_t len, const char *what, char *msg,
                            size_t msglen);

/* Only checks every module is a well-formed archive, logging problems as
 * warnings; returns the number of bad modules. */
int initramfs_check(const struct boot_info *bi);

#endif
