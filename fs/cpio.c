/* Initramfs cpio parser: "newc" (070701) and "crc" (070702) archives,
 * possibly several concatenated with NUL padding, as Linux accepts them.
 * Portable: also built into the host unit tests. */
#include <fs/cpio.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/string.h>

/* Offsets of the 8-digit hex fields in the 110-byte header. */
enum {
    F_INO = 6,
    F_MODE = 14,
    F_UID = 22,
    F_GID = 30,
    F_NLINK = 38,
    F_MTIME = 46,
    F_FILESIZE = 54,
    F_DEVMAJOR = 62,
    F_DEVMINOR = 70,
    F_RDEVMAJOR = 78,
    F_RDEVMINOR = 86,
    F_NAMESIZE = 94,
    F_CHECK = 102,
};

static const struct {
    u8 off;
    const char *bad_hex;
} fields[] = {
    { F_INO, "non-hex digit in c_ino field" },
    { F_MODE, "non-hex digit in c_mode field" },
    { F_UID, "non-hex digit in c_uid field" },
    { F_GID, "non-hex digit in c_gid field" },
    { F_NLINK, "non-hex digit in c_nlink field" },
    { F_MTIME, "non-hex digit in c_mtime field" },
    { F_FILESIZE, "non-hex digit in c_filesize field" },
    { F_DEVMAJOR, "non-hex digit in c_devmajor field" },
    { F_DEVMINOR, "non-hex digit in c_devminor field" },
    { F_RDEVMAJOR, "non-hex digit in c_rdevmajor field" },
    { F_RDEVMINOR, "non-hex digit in c_rdevminor field" },
    { F_NAMESIZE, "non-hex digit in c_namesize field" },
    { F_CHECK, "non-hex digit in c_check field" },
};

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
    if (has_prefix(p, avail, "\xfd" "7zXZ", 5)) {
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

/* Parses the header at it->pos. Returns 1 for an entry, 0 for a trailer
 * (consumed), -EINVAL on error. */
static int parse_entry(struct cpio_iter *it, struct cpio_entry *e, const char **err)
{
    const size_t pos = it->pos;
    const size_t avail = it->len - pos;
    const u8 *h = it->buf + pos;
    u32 val[ARRAY_SIZE(fields)];
    u32 namesize, filesize;
    size_t name_start, data_start, end, next;

    /* Any cut inside a good magic is a truncated header, not a bad magic. */
    if (memcmp(h, "070701", MIN(avail, 5)) != 0 ||
        (avail >= 6 && h[5] != '1' && h[5] != '2')) {
        return fail(it, err, pos, magic_error(it));
    }
    if (!IS_ALIGNED(pos, 4)) {
        return fail(it, err, pos, "header not aligned to 4 bytes");
    }
    if (avail < CPIO_HEADER_LEN) {
        return fail(it, err, pos, "truncated header");
    }
    for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
        if (!parse_hex8(h + fields[i].off, &val[i])) {
            return fail(it, err, pos + fields[i].off, fields[i].bad_hex);
        }
    }
    filesize = val[6];
    namesize = val[11];

    if (namesize == 0) {
        return fail(it, err, pos + F_NAMESIZE, "namesize is 0");
    }
    name_start = pos + CPIO_HEADER_LEN;
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

    /* Padding may be cut off at the very end of the buffer (Linux allows it). */
    data_start = ALIGN_UP(name_start + namesize, 4);
    if (data_start > it->len) {
        data_start = it->len;
    }
    if (filesize > it->len - data_start) {
        return fail(it, err, data_start, "file data runs past end of buffer");
    }
    end = data_start + filesize;
    next = MIN(ALIGN_UP(end, 4), it->len);

    it->in_archive = true;
    if (namesize - 1 == sizeof(CPIO_TRAILER) - 1 &&
        memcmp(it->buf + name_start, CPIO_TRAILER, namesize - 1) == 0) {
        it->in_archive = false;
        it->archives++;
        it->pos = next;
        return 0;
    }

    if (h[5] == '2' && (val[1] & CPIO_S_IFMT) == CPIO_S_IFREG) {
        u32 sum = 0;

        for (size_t i = data_start; i < end; i++) {
            sum += it->buf[i];
        }
        if (sum != val[12]) {
            return fail(it, err, pos + F_CHECK, "checksum mismatch");
        }
    }

    e->name = (const char *)it->buf + name_start;
    e->name_len = namesize - 1;
    e->data = it->buf + data_start;
    e->size = filesize;
    e->ino = val[0];
    e->mode = val[1];
    e->uid = val[2];
    e->gid = val[3];
    e->nlink = val[4];
    e->mtime = val[5];
    e->devmajor = val[7];
    e->devminor = val[8];
    e->rdevmajor = val[9];
    e->rdevminor = val[10];
    e->check = val[12];
    e->format = h[5] == '2' ? CPIO_FORMAT_CRC : CPIO_FORMAT_NEWC;
    e->offset = pos;
    it->pos = next;
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
