/* SPDX-License-Identifier: MIT */
/* Freestanding string and memory functions (kernel/lib/string.c). The
 * prototypes match the C library's so portable files also build on the host. */
#ifndef KERNEL_STRING_H
#define KERNEL_STRING_H

#include <kernel/types.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

/* Copies at most size-1 bytes and always terminates (if size > 0). Returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);

#endif
