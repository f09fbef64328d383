/* SPDX-License-Identifier: MIT */
/* The raw copy routines of uaccess.S. Only uaccess.c calls them, after its
 * range checks; a fault inside one returns through the exception-fixup
 * table. */
#ifndef ARCH_X86_64_UACCESS_INTERNAL_H
#define ARCH_X86_64_UACCESS_INTERNAL_H

#include <kernel/types.h>

/* Returns the bytes NOT copied (0 on success). */
size_t uaccess_copy(void *dst, const void *src, size_t n);
/* 0, or -EFAULT. */
long uaccess_clear(void *dst, size_t n);
/* The string's length (< max), max if no NUL came, or -EFAULT. */
long uaccess_strncpy(char *dst, const char *src, size_t max);

#endif
