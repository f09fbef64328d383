// SPDX-License-Identifier: MIT
/* Log ring buffer: bytes [oldest, head) are held, oldest = head - size once
 * the buffer has wrapped. */
#include <abi/errno.h>
#include <kernel/compiler.h>
#include <kernel/logbuf.h>
#include <kernel/string.h>

int logbuf_init(struct logbuf *lb, char *storage, size_t size)
{
    if (!storage || size == 0 || (size & (size - 1)) != 0) {
        return -EINVAL;
    }
    lb->data = storage;
    lb->size = size;
    lb->head = 0;
    return 0;
}

static u64 oldest_seq(const struct logbuf *lb)
{
    return lb->head > lb->size ? lb->head - lb->size : 0;
}

static char byte_at(const struct logbuf *lb, u64 seq)
{
    return lb->data[seq & (lb->size - 1)];
}

void logbuf_write(struct logbuf *lb, const char *s, size_t len)
{
    if (len == 0) {
        return;
    }
    if (len > lb->size) {
        /* Only the last size bytes survive. */
        s += len - lb->size;
        lb->head += len - lb->size;
        len = lb->size;
    }
    size_t off = (size_t)(lb->head & (lb->size - 1));
    size_t first = MIN(len, lb->size - off);

    memcpy(lb->data + off, s, first);
    memcpy(lb->data, s + first, len - first);
    lb->head += len;
}

u64 logbuf_first_seq(const struct logbuf *lb)
{
    u64 oldest = oldest_seq(lb);

    if (oldest == 0) {
        return 0;
    }
    /* The byte before oldest is gone, so oldest may be mid-line: the first
     * held line start follows the first held newline. */
    for (u64 seq = oldest; seq + 1 < lb->head; seq++) {
        if (byte_at(lb, seq) == '\n') {
            return seq + 1;
        }
    }
    return oldest;
}

size_t logbuf_read(const struct logbuf *lb, u64 *seq, char *out, size_t len)
{
    if (*seq < oldest_seq(lb)) {
        *seq = logbuf_first_seq(lb);
    }
    if (*seq >= lb->head || len == 0) {
        return 0;
    }
    size_t n = (size_t)MIN((u64)len, lb->head - *seq);
    size_t off = (size_t)(*seq & (lb->size - 1));
    size_t first = MIN(n, lb->size - off);

    memcpy(out, lb->data + off, first);
    memcpy(out + first, lb->data, n - first);
    *seq += n;
    return n;
}
