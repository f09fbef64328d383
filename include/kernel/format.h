/* SPDX-License-Identifier: MIT */
/* printf-style formatting (kernel/lib/format.c).
 * Supports %d %i %u %x %X %o %c %s %p %% with flags '-', '0', '+', ' ', '#',
 * width and precision (also '*'), and length modifiers hh h l ll z t j.
 * %p prints 0x followed by 16 hex digits. A NULL %s prints "(null)".
 * Returns the length the full output would have (like C99 vsnprintf); the
 * buffer is always NUL-terminated when size > 0. */
#ifndef KERNEL_FORMAT_H
#define KERNEL_FORMAT_H

#include <kernel/compiler.h>
#include <kernel/types.h>
#include <stdarg.h>

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Parses an unsigned decimal, or hex with 0x prefix. Returns 0 or -EINVAL
 * (empty, junk, or overflow). Optional K/M/G suffix multiplies by 2^10/20/30. */
int kparse_u64(const char *s, u64 *out);

#endif
