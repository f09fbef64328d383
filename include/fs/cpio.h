/* SPDX-License-Identifier: MIT */
/* Parser for initramfs cpio archives (fs/cpio.c), "newc" (magic 070701)
 * and "crc" (070702) formats. Walks a buffer in memory without allocating;
 * names and data point into the buffer.
 *
 * Linux initramfs semantics: the buffer may hold several archives back to
 * back, each ended by a "TRAILER!!!" entry, with NUL padding between and
 * after them. The iterator returns the entries of all archives in order
 * (trailers are consumed, not returned) and reports the end of the buffer. */
#ifndef FS_CPIO_H
#define FS_CPIO_H

#include <kernel/types.h>

#define CPIO_HEADER_LEN 110
#define CPIO_TRAILER "TRAILER!!!"

/* File type bits of cpio_entry.mode (same values as Linux S_IF*). */
#define CPIO_S_IFMT 0170000
#define CPIO_S_IFSOCK 0140000
#define CPIO_S_IFLNK 0120000
#define CPIO_S_IFREG 0100000
#define CPIO_S_IFBLK 0060000
#define CPIO_S_IFDIR 0040000
#define CPIO_S_IFCHR 0020000
#define CPIO_S_IFIFO 0010000

enum cpio_format {
    CPIO_FORMAT_NEWC = 1, /* 070701 */
    CPIO_FORMAT_CRC = 2, /* 070702: check = sum of data bytes (regular files) */
};

struct cpio_entry {
    const char *name; /* not NUL-terminated in general: use name_len */
    size_t name_len; /* without the trailing NUL */
    const u8 *data; /* file data or symlink target */
    size_t size;
    u32 mode, uid, gid, nlink, mtime, ino;
    u32 devmajor, devminor, rdevmajor, rdevminor;
    u32 check;
    enum cpio_format format;
    size_t offset; /* offset of the entry's header in the buffer */
};

struct cpio_iter {
    const u8 *buf;
    size_t len;
    size_t pos; /* next header; after an error, the failing entry's header */
    bool done; /* end of buffer or error: cpio_next repeats its last result */
    bool in_archive; /* a header was read since the last trailer */
    unsigned archives; /* archives completed (trailers seen) */
    const char *error; /* static message, NULL if no error */
    size_t error_offset; /* offset of the offending byte or field */
};

void cpio_iter_init(struct cpio_iter *it, const void *buf, size_t len);

/* Returns 1 with *e filled, 0 at the clean end of the buffer (after the last
 * trailer and any NUL padding; also for an empty or all-NUL buffer), or
 * -EINVAL with a static message in *err (if err is non-NULL) and in
 * it->error, and the offset of the problem in it->error_offset. End of
 * buffer inside an archive is the error "archive ends without TRAILER!!!". */
int cpio_next(struct cpio_iter *it, struct cpio_entry *e, const char **err);

/* Normalizes an archive path into out (NUL-terminated): drops leading "/",
 * empty and "." components, so "./a//b/" gives "a/b". Returns the length,
 * 0 for a name naming the archive root ("." or "/"), -EINVAL for an empty
 * name, a ".." component or a NUL byte, -ENAMETOOLONG if out is too small. */
int cpio_normalize_name(const char *name, size_t len, char *out, size_t outlen);

/* "file", "dir", "symlink", "chardev", "blockdev", "fifo", "socket" or
 * "unknown". */
const char *cpio_type_name(u32 mode);

#endif
