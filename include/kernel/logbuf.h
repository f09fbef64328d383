/* SPDX-License-Identifier: MIT */
/* Byte ring buffer holding the kernel log (kernel/log/logbuf.c). Readers
 * keep a sequence number (bytes ever written); a reader that fell behind
 * the overwritten part resumes at the oldest complete line still held.
 * Portable; callers lock. */
#ifndef KERNEL_LOGBUF_H
#define KERNEL_LOGBUF_H

#include <kernel/types.h>

struct logbuf {
    char *data;
    size_t size; /* power of two */
    u64 head; /* total bytes ever written; data[head % size] is next */
};

/* size must be a power of two; returns -EINVAL otherwise. */
int logbuf_init(struct logbuf *lb, char *storage, size_t size);
void logbuf_write(struct logbuf *lb, const char *s, size_t len);
/* Sequence number of the oldest byte still held that starts a line (or the
 * oldest held byte if no line start is held). */
u64 logbuf_first_seq(const struct logbuf *lb);
/* Copies up to len bytes starting at *seq (adjusted forward to
 * logbuf_first_seq when older), advances *seq, returns bytes copied. */
size_t logbuf_read(const struct logbuf *lb, u64 *seq, char *out, size_t len);

#endif
