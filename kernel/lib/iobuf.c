// SPDX-License-Identifier: MIT
#include <abi/errno.h>
#include <kernel/iobuf.h>
#include <kernel/string.h>

long iobuf_put(struct iobuf *b, const void *src, size_t n)
{
    size_t len = n < iobuf_remaining(b) ? n : iobuf_remaining(b);
    if (b->user) {
        size_t done = copy_to_user_partial(uptr_add(b->ubase, b->pos), src, len);
        b->pos += done;
        /* A short copy ends the transfer: the caller reports what was done. */
        return done == 0 && len > 0 ? -EFAULT : (long)done;
    } else {
        memcpy(b->kbase + b->pos, src, len);
    }
    b->pos += len;
    return (long)len;
}

long iobuf_put_zeros(struct iobuf *b, size_t n)
{
    size_t len = n < iobuf_remaining(b) ? n : iobuf_remaining(b);
    if (b->user) {
        if (clear_user(uptr_add(b->ubase, b->pos), len) < 0) {
            return -EFAULT;
        }
    } else {
        memset(b->kbase + b->pos, 0, len);
    }
    b->pos += len;
    return (long)len;
}

long iobuf_get(struct iobuf *b, void *dst, size_t n)
{
    size_t len = n < iobuf_remaining(b) ? n : iobuf_remaining(b);
    if (b->user) {
        size_t done = copy_from_user_partial(dst, uptr_add(b->ubase, b->pos), len);
        b->pos += done;
        return done == 0 && len > 0 ? -EFAULT : (long)done;
    } else {
        memcpy(dst, b->kbase + b->pos, len);
    }
    b->pos += len;
    return (long)len;
}
