/* SPDX-License-Identifier: MIT */
/* A buffer that is either in user or in kernel memory (kernel/lib/iobuf.c),
 * so each file's read and write is written once and serves both syscalls
 * (user buffers) and the kernel itself (kernel buffers: exec, initramfs). */
#ifndef KERNEL_IOBUF_H
#define KERNEL_IOBUF_H

#include <arch/x86_64/uaccess.h>
#include <kernel/types.h>

struct iobuf {
    bool user;
    uptr_t ubase; /* when user */
    u8 *kbase; /* when kernel */
    size_t len;
    size_t pos; /* bytes consumed or produced so far */
};

static inline struct iobuf iobuf_user(uptr_t base, size_t len)
{
    return (struct iobuf){true, base, NULL, len, 0};
}

static inline struct iobuf iobuf_kernel(void *base, size_t len)
{
    return (struct iobuf){false, {0}, (u8 *)base, len, 0};
}

static inline size_t iobuf_remaining(const struct iobuf *b)
{
    return b->len - b->pos;
}

/* Writer side (a read() fills the caller's buffer): copies
 * min(n, remaining) bytes from src, advances. Returns bytes or -EFAULT. */
long iobuf_put(struct iobuf *b, const void *src, size_t n);
/* Writes n zero bytes (or fewer, if less remain). */
long iobuf_put_zeros(struct iobuf *b, size_t n);
/* Reader side (a write() drains the caller's buffer): copies
 * min(n, remaining) bytes into dst, advances. Returns bytes or -EFAULT. */
long iobuf_get(struct iobuf *b, void *dst, size_t n);

#endif
