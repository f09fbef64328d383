// SPDX-License-Identifier: MIT
/* Initramfs cpio parser: "newc" (070701) and "crc" (070702) archives,
 * possibly several concatenated with NUL padding, as Linux accepts them.
 * Portable: also built into the host unit tests. */
#include <abi/errno.h>
#include <fs/cpio.h>
#include <kernel/compiler.h>
#include <kernel/string.h>

/* The 8-digit hex fields after the 6-byte magic, in header order. */
enum {
    I_INO,
    I_MODE,
    I_UID,
    I_GID,
    I_NLINK,
    I_MTIME,
    I_FILESIZE,
    I_DEVMAJOR,
    I_DEVMINOR,
    I_RDEVMAJOR,
    I_RDEVMINOR,
    I_NAMESIZE,
    I_CHECK,
    NR_FIELDS,
};

#define FIELD_OFF(i) (6 + 8 * (i))

static const char *const bad_hex[NR_FIELDS] = {
    [I_INO] = "non-hex digit in c_ino field",
    [I_MODE] = "non-hex digit in c_mode field",
    [I_UID] = "non-hex digit in c_uid field",
    [I_GID] = "non-hex digit in c_gid field",
    [I_NLINK] = "non-hex digit in c_nlink field",
    [I_MTIME] = "non-hex digit in c_mtime field",
    [I_FILESIZE] = "non-hex digit in c_filesize field",
    [I_DEVMAJOR] = "non-hex digit in c_devmajor field",
    [I_DEVMINOR] = "non-hex digit in c_devminor field",
    [I_RDEVMAJOR] = "non-hex digit in c_rdevmajor field",
    [I_RDEVMINOR] = "non-hex digit in c_rdevminor field",
    [I_NAMESIZE] = "non-hex digit in c_namesize field",
    [I_CHECK] = "non-hex digit in c_check field",
};

_Static_assert(FIELD_OFF(NR_FIELDS) == CPIO_HEADER_LEN, "newc header is 110 bytes");

void cpio_iter_init(struct cpio_iter *it, const void *buf, size_t len)
{
    it->buf = buf;
    it->len = len;
    it->pos = 0;
    it->done = false;
    it->in_archive = false;
    it->archives = 0;
    it->error = NULL;
    it->error_offset = 0;
}

static int fail(struct cpio_iter *it, const char **err, size_t offset, const char *msg)
{
    it->done = true;
    it->error = msg;
    it->error_offset = offset;
    if (err) {
        *err = msg;
    }
    return -EINVAL;
}

static bool parse_hex8(const u8 *p, u32 *out)
{
    u32 v = 0;

    for (int i = 0; i < 8; i++) {
        u8 c = p[i];
        u32 d;

        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            d = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            d = c - 'A' + 10;
        } else {
            return false;
        }
        v = (v << 4) | d;
    }
    *out = v;
    return true;
}

static bool has_prefix(const u8 *p, size_t avail, const char *magic, size_t n)
{
    return avail >= n && memcmp(p, magic, n) == 0;
}

/* Explains why the bytes at it->pos are not a newc/crc header. */
static const char *magic_error(const struct cpio_iter *it)
{
    const u8 *p = it->buf + it->pos;
    size_t avail = it->len - it->pos;

    if (has_prefix(p, avail, "\x1f\x8b", 2) || has_prefix(p, avail, "\x1f\x9e", 2)) {
        return "gzip-compressed archive (not unpacked)";
    }
    if (has_prefix(p, avail, "BZh", 3)) {
        return "bzip2-compressed archive (not unpacked)";
    }
    if (has_prefix(p, avail,
                   "\xfd"
                   "7zXZ",
                   5)) {
        return "xz-compressed archive (not unpacked)";
    }
    if (has_prefix(p, avail, "\x28\xb5\x2f\xfd", 4)) {
        return "zstd-compressed archive (not unpacked)";
    }
    if (has_prefix(p, avail, "\x02\x21\x4c\x18", 4)) {
        return "lz4-compressed archive (not unpacked)";
    }
    if (has_prefix(p, avail, "\x89LZO", 4)) {
        return "lzo-compressed archive (not unpacked)";
    }
    if (has_prefix(p, avail, "\x5d\x00\x00", 3)) {
        return "lzma-compressed archive (not unpacked)";
    }
    if (has_prefix(p, avail, "070707", 6)) {
        return "unsupported cpio format (odc, magic 070707)";
    }
    if (has_prefix(p, avail, "\xc7\x71", 2) || has_prefix(p, avail, "\x71\xc7", 2)) {
        return "unsupported cpio format (old binary)";
    }
    if (it->in_archive && p[0] == '\0') {
        size_t i = 0;

        while (i < avail && p[i] == '\0') {
            i++;
        }
        if (i == avail) {
            return "archive ends without TRAILER!!!";
        }
    }
    return "bad magic";
}

/* Checks the magic and alignment of the header at it->pos and reads its
 * hex fields into val. */
static int read_header(struct cpio_iter *it, u32 val[NR_FIELDS], const char **err)
{
    const size_t pos = it->pos;
    const size_t avail = it->len - pos;
    const u8 *h = it->buf + pos;

    /* Any cut inside a good magic is a truncated header, not a bad magic. */
    if (memcmp(h, "070701", MIN(avail, 5)) != 0 || (avail >= 6 && h[5] != '1' && h[5] != '2')) {
        return fail(it, err, pos, magic_error(it));
    }
    if (!IS_ALIGNED(pos, 4)) {
        return fail(it, err, pos, "header not aligned to 4 bytes");
    }
    if (avail < CPIO_HEADER_LEN) {
        return fail(it, err, pos, "truncated header");
    }
    for (size_t i = 0; i < NR_FIELDS; i++) {
        if (!parse_hex8(h + FIELD_OFF(i), &val[i])) {
            return fail(it, err, pos + FIELD_OFF(i), bad_hex[i]);
        }
    }
    return 0;
}

/* Where an entry's parts lie in the buffer. */
struct entry_span {
    size_t name_start;
    size_t data_start;
    size_t end; /* of the data */
    size_t next; /* the next header */
};

/* The name must fit in the buffer, end in its NUL and hold no other. */
static int check_name(struct cpio_iter *it, u32 namesize, size_t name_start, const char **err)
{
    if (namesize == 0) {
        return fail(it, err, it->pos + FIELD_OFF(I_NAMESIZE), "namesize is 0");
    }
    if (namesize > it->len - name_start) {
        return fail(it, err, name_start, "name runs past end of buffer");
    }
    if (it->buf[name_start + namesize - 1] != '\0') {
        return fail(it, err, name_start + namesize - 1, "name not NUL-terminated");
    }
    for (size_t i = 0; i + 1 < namesize; i++) {
        if (it->buf[name_start + i] == '\0') {
            return fail(it, err, name_start + i, "NUL byte inside name");
        }
    }
    return 0;
}

/* Lays out the name and data of the entry at it->pos, checking both. */
static int locate_entry(struct cpio_iter *it, const u32 val[NR_FIELDS], struct entry_span *s,
                        const char **err)
{
    u32 namesize = val[I_NAMESIZE];
    int ret;

    s->name_start = it->pos + CPIO_HEADER_LEN;
    ret = check_name(it, namesize, s->name_start, err);
    if (ret) {
        return ret;
    }
    /* Padding may be cut off at the very end of the buffer (Linux allows it). */
    s->data_start = ALIGN_UP(s->name_start + namesize, 4);
    if (s->data_start > it->len) {
        s->data_start = it->len;
    }
    if (val[I_FILESIZE] > it->len - s->data_start) {
        return fail(it, err, s->data_start, "file data runs past end of buffer");
    }
    s->end = s->data_start + val[I_FILESIZE];
    s->next = MIN(ALIGN_UP(s->end, 4), it->len);
    return 0;
}

static bool is_trailer(const struct cpio_iter *it, u32 namesize, size_t name_start)
{
    return namesize - 1 == sizeof(CPIO_TRAILER) - 1 &&
           memcmp(it->buf + name_start, CPIO_TRAILER, namesize - 1) == 0;
}

/* The crc format's checksum of a regular file: the sum of its bytes. */
static int check_sum(struct cpio_iter *it, const u32 val[NR_FIELDS], const struct entry_span *s,
                     const char **err)
{
    u32 sum = 0;

    for (size_t i = s->data_start; i < s->end; i++) {
        sum += it->buf[i];
    }
    if (sum != val[I_CHECK]) {
        return fail(it, err, it->pos + FIELD_OFF(I_CHECK), "checksum mismatch");
    }
    return 0;
}

static void fill_entry(const struct cpio_iter *it, const u32 val[NR_FIELDS],
                       const struct entry_span *s, bool crc, struct cpio_entry *e)
{
    e->name = (const char *)it->buf + s->name_start;
    e->name_len = val[I_NAMESIZE] - 1;
    e->data = it->buf + s->data_start;
    e->size = val[I_FILESIZE];
    e->ino = val[I_INO];
    e->mode = val[I_MODE];
    e->uid = val[I_UID];
    e->gid = val[I_GID];
    e->nlink = val[I_NLINK];
    e->mtime = val[I_MTIME];
    e->devmajor = val[I_DEVMAJOR];
    e->devminor = val[I_DEVMINOR];
    e->rdevmajor = val[I_RDEVMAJOR];
    e->rdevminor = val[I_RDEVMINOR];
    e->check = val[I_CHECK];
    e->format = crc ? CPIO_FORMAT_CRC : CPIO_FORMAT_NEWC;
    e->offset = it->pos;
}

/* Parses the header at it->pos. Returns 1 for an entry, 0 for a trailer
 * (consumed), -EINVAL on error. */
static int parse_entry(struct cpio_iter *it, struct cpio_entry *e, const char **err)
{
    u32 val[NR_FIELDS];
    struct entry_span s;
    bool crc;
    int ret;

    ret = read_header(it, val, err);
    if (ret) {
        return ret;
    }
    ret = locate_entry(it, val, &s, err);
    if (ret) {
        return ret;
    }
    it->in_archive = true;
    if (is_trailer(it, val[I_NAMESIZE], s.name_start)) {
        it->in_archive = false;
        it->archives++;
        it->pos = s.next;
        return 0;
    }
    crc = it->buf[it->pos + 5] == '2';
    if (crc && (val[I_MODE] & CPIO_S_IFMT) == CPIO_S_IFREG) {
        ret = check_sum(it, val, &s, err);
        if (ret) {
            return ret;
        }
    }
    fill_entry(it, val, &s, crc, e);
    it->pos = s.next;
    return 1;
}

int cpio_next(struct cpio_iter *it, struct cpio_entry *e, const char **err)
{
    if (it->done) {
        if (it->error) {
            if (err) {
                *err = it->error;
            }
            return -EINVAL;
        }
        return 0;
    }
    for (;;) {
        int ret;

        if (!it->in_archive) {
            /* Between archives: skip NUL padding, as Linux does. */
            while (it->pos < it->len && it->buf[it->pos] == '\0') {
                it->pos++;
            }
            if (it->pos == it->len) {
                it->done = true;
                return 0;
            }
        } else if (it->pos == it->len) {
            return fail(it, err, it->pos, "archive ends without TRAILER!!!");
        }
        ret = parse_entry(it, e, err);
        if (ret != 0) {
            return ret;
        }
    }
}

int cpio_normalize_name(const char *name, size_t len, char *out, size_t outlen)
{
    size_t i = 0, n = 0;

    if (outlen == 0) {
        return -ENAMETOOLONG;
    }
    out[0] = '\0';
    if (len == 0) {
        return -EINVAL;
    }
    while (i < len) {
        size_t start, clen;

        if (name[i] == '/') {
            i++;
            continue;
        }
        start = i;
        while (i < len && name[i] != '/') {
            if (name[i] == '\0') {
                out[0] = '\0';
                return -EINVAL;
            }
            i++;
        }
        clen = i - start;
        if (clen == 1 && name[start] == '.') {
            continue;
        }
        if (clen == 2 && name[start] == '.' && name[start + 1] == '.') {
            out[0] = '\0';
            return -EINVAL;
        }
        /* Keep room for the separator and the final NUL. */
        if ((n ? 1 : 0) + clen >= outlen - n || n + clen >= INT32_MAX) {
            out[0] = '\0';
            return -ENAMETOOLONG;
        }
        if (n) {
            out[n++] = '/';
        }
        memcpy(out + n, name + start, clen);
        n += clen;
    }
    out[n] = '\0';
    return (int)n;
}

const char *cpio_type_name(u32 mode)
{
    switch (mode & CPIO_S_IFMT) {
    case CPIO_S_IFREG:
        return "file";
    case CPIO_S_IFDIR:
        return "dir";
    case CPIO_S_IFLNK:
        return "symlink";
    case CPIO_S_IFCHR:
        return "chardev";
    case CPIO_S_IFBLK:
        return "blockdev";
    case CPIO_S_IFIFO:
        return "fifo";
    case CPIO_S_IFSOCK:
        return "socket";
    default:
        return "unknown";
    }
}
