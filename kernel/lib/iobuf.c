#include <kernel/errno.h>
#include <kernel/iobuf.h>
#include <kernel/string.h>

long iobuf_put(struct iobuf *b, const void *src, size_t n)
{
    size_t len = n < iobuf_remaining(b) ? n : iobuf_remaining(b);
    if (b->user) {
        if (copy_to_user(uptr_add(b->ubase, b->pos), src, len) < 0) {
            return -EFAULT;
        }
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
        if (copy_from_user(dst, uptr_add(b->ubase, b->pos), len) < 0) {
            return -EFAULT;
        }
    } else {
        memcpy(dst, b->kbase + b->pos, len);
    }
    b->pos += len;
    return (long)len;
}
