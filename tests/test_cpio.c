// SPDX-License-Identifier: MIT
/* cpio newc/crc parser: archives built in memory, archives made by the
 * host's cpio(1), malformed input at exact offsets, and a mutation fuzz. */
#define _GNU_SOURCE
#include <abi/errno.h>
#include <fs/cpio.h>
#include <kernel/compiler.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "harness.h"

HARNESS("test_cpio");

/* ---- in-memory archive writer ---- */

struct wbuf {
    u8 buf[1 << 16];
    size_t len;
};

static struct wbuf wb, wb2;

static void w_bytes(struct wbuf *w, const void *p, size_t n)
{
    if (w->len + n > sizeof(w->buf)) {
        printf("  writer overflow\n");
        abort();
    }
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}

static void w_zeros(struct wbuf *w, size_t n)
{
    static const u8 zero[4096];

    w_bytes(w, zero, n);
}

static void w_pad(struct wbuf *w)
{
    w_zeros(w, (4 - w->len % 4) % 4);
}

/* Appends one entry; magic "070702" also fills in the checksum. Returns the
 * header offset. */
static size_t w_entry(struct wbuf *w, const char *magic, const char *name, u32 mode, u32 nlink,
                      u32 ino, const void *data, size_t size)
{
    size_t off = w->len;
    u32 check = 0;
    char hdr[128];

    if (!strcmp(magic, "070702")) {
        for (size_t i = 0; i < size; i++) {
            check += ((const u8 *)data)[i];
        }
    }
    snprintf(hdr, sizeof(hdr), "%.6s%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", magic,
             ino, mode, 1000 + ino, 2000 + ino, nlink, 0x5f000000 + ino, (u32)size, 8u, 1u,
             ino ? 0u : 4u, ino ? 0u : 64u, (u32)strlen(name) + 1, check);
    w_bytes(w, hdr, CPIO_HEADER_LEN);
    w_bytes(w, name, strlen(name) + 1);
    w_pad(w);
    w_bytes(w, data, size);
    w_pad(w);
    return off;
}

static size_t w_trailer(struct wbuf *w, const char *magic)
{
    return w_entry(w, magic, CPIO_TRAILER, 0, 1, 0, "", 0);
}

/* Overwrites 8-hex-digit field number idx (0 = c_ino .. 12 = c_check). */
static void w_set_field(struct wbuf *w, size_t hdr, int idx, u32 v)
{
    char tmp[9];

    snprintf(tmp, sizeof(tmp), "%08x", v);
    memcpy(w->buf + hdr + 6 + 8 * idx, tmp, 8);
}

/* ---- parsing helpers ---- */

/* Exactly-sized heap copy, so ASan flags any read past the end. */
static u8 *dup_exact(const void *p, size_t len)
{
    u8 *q = malloc(len ? len : 1);

    if (len) {
        memcpy(q, p, len);
    }
    return q;
}

#define MAX_ENTRIES 64

struct parse_result {
    int ret; /* final cpio_next result: 0 or -EINVAL */
    int n;
    struct cpio_entry e[MAX_ENTRIES];
    const char *err;
    size_t error_offset;
    size_t pos;
    unsigned archives;
};

static struct parse_result res;

/* Parses buf to the end or the first error. Returns false if the
 * iterator misbehaved (checked invariants). */
static bool parse_all(const u8 *buf, size_t len, struct parse_result *r)
{
    struct cpio_iter it;
    struct cpio_entry e;
    const char *err = NULL;
    int ret, calls = 0;

    memset(r, 0, sizeof(*r));
    cpio_iter_init(&it, buf, len);
    while ((ret = cpio_next(&it, &e, &err)) == 1) {
        /* Every header is at least 110 bytes: the loop must terminate. */
        if (++calls > (int)(len / CPIO_HEADER_LEN) + 1) {
            printf("  too many entries\n");
            return false;
        }
        if ((const u8 *)e.name < buf || (const u8 *)e.name + e.name_len > buf + len ||
            e.data < buf || e.data + e.size > buf + len || e.offset >= len) {
            printf("  entry out of bounds\n");
            return false;
        }
        if (r->n < MAX_ENTRIES) {
            r->e[r->n] = e;
        }
        r->n++;
    }
    r->ret = ret;
    r->archives = it.archives;
    r->pos = it.pos;
    if (ret == 0) {
        if (it.error) {
            printf("  clean end with an error set\n");
            return false;
        }
    } else if (ret == -EINVAL) {
        r->err = err;
        r->error_offset = it.error_offset;
        if (!err || err != it.error || it.error_offset > len) {
            printf("  bad error report\n");
            return false;
        }
    } else {
        printf("  unexpected return %d\n", ret);
        return false;
    }
    /* Sticky: another call repeats the result. */
    err = NULL;
    if (cpio_next(&it, &e, &err) != ret || (ret && err != r->err)) {
        printf("  result not sticky\n");
        return false;
    }
    return true;
}

/* Parses an exact-size copy of buf[0..len). */
static bool parse_copy(const void *buf, size_t len, struct parse_result *r)
{
    u8 *copy = dup_exact(buf, len);
    bool ok = parse_all(copy, len, r);

    /* The entries point into the copy: keep names usable by pointing back. */
    for (int i = 0; i < r->n && i < MAX_ENTRIES; i++) {
        r->e[i].name = (const char *)buf + ((const u8 *)r->e[i].name - copy);
        r->e[i].data = (const u8 *)buf + (r->e[i].data - copy);
    }
    free(copy);
    return ok;
}

static bool name_is(const struct cpio_entry *e, const char *name)
{
    return e->name_len == strlen(name) && !memcmp(e->name, name, e->name_len);
}

static bool error_is(const struct parse_result *r, const char *msg, size_t off)
{
    if (r->ret != -EINVAL || !r->err || strcmp(r->err, msg) != 0 || r->error_offset != off) {
        printf("  got ret %d, '%s' at %zu; want '%s' at %zu\n", r->ret, r->err ? r->err : "(null)",
               r->error_offset, msg, off);
        return false;
    }
    return true;
}

#define CHECK_ERROR(buf, len, msg, off)                                                            \
    do {                                                                                           \
        CHECK(parse_copy((buf), (len), &res));                                                     \
        CHECK(error_is(&res, (msg), (off)));                                                       \
    } while (0)

/* ---- well-formed archives ---- */

static void test_basic_newc(void)
{
    size_t off_a, off_d, off_l, off_t;

    wb.len = 0;
    off_a = w_entry(&wb, "070701", "a", CPIO_S_IFREG | 0644, 1, 1, "hello", 5);
    off_d = w_entry(&wb, "070701", "d", CPIO_S_IFDIR | 0755, 2, 2, "", 0);
    off_l = w_entry(&wb, "070701", "d/l", CPIO_S_IFLNK | 0777, 1, 3, "../a", 4);
    off_t = w_trailer(&wb, "070701");

    CHECK_EQ(off_a, 0);
    CHECK_EQ(off_d, 120); /* 110 + "a\0" = 112, data 5 -> 8 */
    CHECK(parse_copy(wb.buf, wb.len, &res));
    CHECK_EQ(res.ret, 0);
    CHECK_EQ(res.n, 3);
    CHECK_EQ(res.archives, 1);
    CHECK_EQ(res.pos, wb.len);

    const struct cpio_entry *e = &res.e[0];
    CHECK(name_is(e, "a"));
    CHECK_EQ(e->size, 5);
    CHECK(!memcmp(e->data, "hello", 5));
    CHECK_EQ(e->mode, CPIO_S_IFREG | 0644);
    CHECK_EQ(e->ino, 1);
    CHECK_EQ(e->uid, 1001);
    CHECK_EQ(e->gid, 2001);
    CHECK_EQ(e->nlink, 1);
    CHECK_EQ(e->mtime, 0x5f000001);
    CHECK_EQ(e->devmajor, 8);
    CHECK_EQ(e->devminor, 1);
    CHECK_EQ(e->rdevmajor, 0);
    CHECK_EQ(e->rdevminor, 0);
    CHECK_EQ(e->format, CPIO_FORMAT_NEWC);
    CHECK_EQ(e->offset, off_a);
    CHECK_EQ(e->data - wb.buf, 112);

    e = &res.e[1];
    CHECK(name_is(e, "d"));
    CHECK_EQ(e->mode, CPIO_S_IFDIR | 0755);
    CHECK_EQ(e->size, 0);
    CHECK_EQ(e->nlink, 2);
    CHECK_EQ(e->offset, off_d);

    e = &res.e[2];
    CHECK(name_is(e, "d/l"));
    CHECK_EQ(e->size, 4);
    CHECK(!memcmp(e->data, "../a", 4));
    CHECK_EQ(e->offset, off_l);
    CHECK(!strcmp(cpio_type_name(e->mode), "symlink"));
    CHECK(off_t > off_l);
}

static void test_empty_buffers(void)
{
    static const u8 zeros[1024];

    CHECK(parse_copy(zeros, 0, &res));
    CHECK_EQ(res.ret, 0);
    CHECK_EQ(res.n, 0);
    CHECK_EQ(res.archives, 0);
    for (size_t len = 1; len <= sizeof(zeros); len += 37) {
        CHECK(parse_copy(zeros, len, &res));
        CHECK_EQ(res.ret, 0);
        CHECK_EQ(res.n, 0);
        CHECK_EQ(res.archives, 0);
    }

    /* A trailer alone is an empty archive. */
    wb.len = 0;
    w_trailer(&wb, "070701");
    CHECK_EQ(wb.len, 124);
    CHECK(parse_copy(wb.buf, wb.len, &res));
    CHECK_EQ(res.ret, 0);
    CHECK_EQ(res.n, 0);
    CHECK_EQ(res.archives, 1);

    /* Linux tolerates a missing final pad after the trailer name. */
    CHECK(parse_copy(wb.buf, 121, &res));
    CHECK_EQ(res.ret, 0);
    CHECK_EQ(res.archives, 1);
}

static void test_uppercase_hex(void)
{
    size_t off;

    wb.len = 0;
    off = w_entry(&wb, "070701", "f", CPIO_S_IFREG | 0600, 1, 0xab, "x", 1);
    w_trailer(&wb, "070701");
    memcpy(wb.buf + off + 6, "000000AB", 8);
    CHECK(parse_copy(wb.buf, wb.len, &res));
    CHECK_EQ(res.ret, 0);
    CHECK_EQ(res.n, 1);
    CHECK_EQ(res.e[0].ino, 0xab);
}

static void test_crc_format(void)
{
    u8 big[3000];
    size_t off_f, off_s;

    for (size_t i = 0; i < sizeof(big); i++) {
        big[i] = (u8)(i * 7 + 200);
    }
    wb.len = 0;
    off_f = w_entry(&wb, "070702", "big", CPIO_S_IFREG | 0644, 1, 1, big, sizeof(big));
    off_s = w_entry(&wb, "070702", "s", CPIO_S_IFLNK | 0777, 1, 2, "big", 3);
    w_trailer(&wb, "070702");

    CHECK(parse_copy(wb.buf, wb.len, &res));
    CHECK_EQ(res.ret, 0);
    CHECK_EQ(res.n, 2);
    CHECK_EQ(res.e[0].format, CPIO_FORMAT_CRC);
    CHECK_EQ(res.e[0].size, sizeof(big));
    CHECK(!memcmp(res.e[0].data, big, sizeof(big)));
    u32 sum = 0;
    for (size_t i = 0; i < sizeof(big); i++) {
        sum += big[i];
    }
    CHECK_EQ(res.e[0].check, sum);

    /* Only regular files are verified: a symlink's check is ignored. */
    w_set_field(&wb, off_s, 12, 0x1234);
    CHECK(parse_copy(wb.buf, wb.len, &res));
    CHECK_EQ(res.ret, 0);
    CHECK_EQ(res.n, 2);

    /* One flipped data byte. */
    wb.buf[off_f + 112 + 1500] ^= 1;
    CHECK_ERROR(wb.buf, wb.len, "checksum mismatch", off_f + 102);
    wb.buf[off_f + 112 + 1500] ^= 1;
    w_set_field(&wb, off_f, 12, sum + 1);
    CHECK_ERROR(wb.buf, wb.len, "checksum mismatch", off_f + 102);

    /* newc (070701) ignores the check field. */
    wb.buf[off_f + 5] = '1';
    CHECK(parse_copy(wb.buf, wb.len, &res));
    CHECK_EQ(res.ret, 0);
    CHECK_EQ(res.n, 2);
    CHECK_EQ(res.e[0].format, CPIO_FORMAT_NEWC);
}

static void test_concatenated(void)
{
    size_t a2, a3;

    wb.len = 0;
    w_entry(&wb, "070701", "one", CPIO_S_IFREG | 0644, 1, 1, "1", 1);
    w_trailer(&wb, "070701");
    w_zeros(&wb, 512 - wb.len % 512); /* cpio pads its output to 512 */
    a2 = wb.len;
    w_entry(&wb, "070702", "two", CPIO_S_IFREG | 0644, 1, 1, "22", 2);
    w_entry(&wb, "070702", "dir", CPIO_S_IFDIR | 0755, 2, 2, "", 0);
    w_trailer(&wb, "070702");
    w_zeros(&wb, 4);
    a3 = wb.len;
    w_entry(&wb, "070701", "three", CPIO_S_IFREG | 0644, 1, 1, "333", 3);
    w_trailer(&wb, "070701");
    w_zeros(&wb, 100);

    CHECK(parse_copy(wb.buf, wb.len, &res));
    CHECK_EQ(res.ret, 0);
    CHECK_EQ(res.archives, 3);
    CHECK_EQ(res.n, 4);
    CHECK(name_is(&res.e[0], "one"));
    CHECK(name_is(&res.e[1], "two"));
    CHECK_EQ(res.e[1].offset, a2);
    CHECK(!memcmp(res.e[1].data, "22", 2));
    CHECK(name_is(&res.e[2], "dir"));
    CHECK(name_is(&res.e[3], "three"));
    CHECK_EQ(res.e[3].offset, a3);
    CHECK(!memcmp(res.e[3].data, "333", 3));
    CHECK_EQ(res.pos, wb.len);

    /* Leading zero padding before the first archive. */
    wb2.len = 0;
    w_zeros(&wb2, 8);
    w_bytes(&wb2, wb.buf, wb.len);
    CHECK(parse_copy(wb2.buf, wb2.len, &res));
    CHECK_EQ(res.ret, 0);
    CHECK_EQ(res.archives, 3);
    CHECK_EQ(res.n, 4);
    CHECK_EQ(res.e[0].offset, 8);

    /* Padding that is not a multiple of 4 misaligns the next archive. */
    wb2.len = 0;
    w_entry(&wb2, "070701", "one", CPIO_S_IFREG | 0644, 1, 1, "1", 1);
    w_trailer(&wb2, "070701");
    w_zeros(&wb2, 3);
    a2 = wb2.len;
    w_entry(&wb2, "070701", "two", CPIO_S_IFREG | 0644, 1, 1, "2", 1);
    w_trailer(&wb2, "070701");
    CHECK_ERROR(wb2.buf, wb2.len, "header not aligned to 4 bytes", a2);
    CHECK_EQ(res.n, 1);
    CHECK_EQ(res.archives, 1);
    CHECK_EQ(res.pos, a2);

    /* Garbage between archives. */
    wb2.len = 0;
    w_trailer(&wb2, "070701");
    a2 = wb2.len;
    w_bytes(&wb2, "junkjunk", 8);
    CHECK_ERROR(wb2.buf, wb2.len, "bad magic", a2);
    CHECK_EQ(res.archives, 1);
}

/* ---- malformed archives ---- */

static void test_bad_magic(void)
{
    static const u8 gz[] = {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 3};
    static const u8 xz[] = {0xfd, '7', 'z', 'X', 'Z', 0, 0, 4};
    static const u8 zst[] = {0x28, 0xb5, 0x2f, 0xfd, 0x24, 0};

    CHECK_ERROR(gz, sizeof(gz), "gzip-compressed archive (not unpacked)", 0);
    CHECK_ERROR(gz, 2, "gzip-compressed archive (not unpacked)", 0);
    CHECK_ERROR(xz, sizeof(xz), "xz-compressed archive (not unpacked)", 0);
    CHECK_ERROR(zst, sizeof(zst), "zstd-compressed archive (not unpacked)", 0);
    CHECK_ERROR("hello world", 11, "bad magic", 0);
    CHECK_ERROR("x", 1, "bad magic", 0);
    CHECK_ERROR("\xc7\x71xxxxxxxx", 10, "unsupported cpio format (old binary)", 0);

    wb.len = 0;
    w_entry(&wb, "070703", "f", CPIO_S_IFREG, 1, 1, "", 0);
    CHECK_ERROR(wb.buf, wb.len, "bad magic", 0);
    wb.len = 0;
    w_entry(&wb, "070707", "f", CPIO_S_IFREG, 1, 1, "", 0);
    CHECK_ERROR(wb.buf, wb.len, "unsupported cpio format (odc, magic 070707)", 0);

    /* A gzip archive after zero padding, behind a good archive. */
    wb.len = 0;
    w_trailer(&wb, "070701");
    w_zeros(&wb, 4);
    size_t at = wb.len;
    w_bytes(&wb, gz, sizeof(gz));
    CHECK_ERROR(wb.buf, wb.len, "gzip-compressed archive (not unpacked)", at);
    CHECK_EQ(res.archives, 1);

    /* Bad magic on the second entry of an archive. */
    wb.len = 0;
    w_entry(&wb, "070701", "f", CPIO_S_IFREG, 1, 1, "abc", 3);
    at = w_entry(&wb, "070701", "g", CPIO_S_IFREG, 1, 2, "", 0);
    w_trailer(&wb, "070701");
    wb.buf[at + 3] = '8';
    CHECK_ERROR(wb.buf, wb.len, "bad magic", at);
    CHECK_EQ(res.n, 1);
    CHECK_EQ(res.pos, at);
}

static void test_non_hex_fields(void)
{
    static const char *const names[] = {
        "c_ino",       "c_mode",     "c_uid",      "c_gid",      "c_nlink",
        "c_mtime",     "c_filesize", "c_devmajor", "c_devminor", "c_rdevmajor",
        "c_rdevminor", "c_namesize", "c_check",
    };
    char want[64];
    const char *bad = "g -xG\0";

    for (int field = 0; field < 13; field++) {
        for (int digit = 0; digit < 8; digit += 3) {
            for (const char *b = bad; b < bad + 6; b++) {
                size_t at;

                wb.len = 0;
                w_entry(&wb, "070701", "first", CPIO_S_IFREG | 0644, 1, 1, "data", 4);
                at = w_entry(&wb, "070701", "second", CPIO_S_IFREG | 0644, 1, 2, "", 0);
                w_trailer(&wb, "070701");
                wb.buf[at + 6 + 8 * field + digit] = (u8)*b;
                snprintf(want, sizeof(want), "non-hex digit in %s field", names[field]);
                CHECK_ERROR(wb.buf, wb.len, want, at + 6 + 8 * field);
                CHECK_EQ(res.n, 1);
                CHECK_EQ(res.pos, at);
            }
        }
    }
}

static void test_bad_names(void)
{
    size_t at;

    /* namesize 0 */
    wb.len = 0;
    at = w_entry(&wb, "070701", "f", CPIO_S_IFREG, 1, 1, "", 0);
    w_trailer(&wb, "070701");
    w_set_field(&wb, at, 11, 0);
    CHECK_ERROR(wb.buf, wb.len, "namesize is 0", at + 94);

    /* The byte at namesize-1 is not a NUL. */
    wb.len = 0;
    w_entry(&wb, "070701", "ok", CPIO_S_IFREG, 1, 1, "", 0);
    at = w_entry(&wb, "070701", "abc", CPIO_S_IFREG, 1, 1, "", 0);
    w_trailer(&wb, "070701");
    wb.buf[at + 110 + 3] = 'x';
    CHECK_ERROR(wb.buf, wb.len, "name not NUL-terminated", at + 113);
    CHECK_EQ(res.n, 1);
    /* Same, by a namesize one too short. */
    wb.buf[at + 110 + 3] = '\0';
    w_set_field(&wb, at, 11, 3);
    CHECK_ERROR(wb.buf, wb.len, "name not NUL-terminated", at + 112);
    /* A NUL inside the name. */
    w_set_field(&wb, at, 11, 4);
    wb.buf[at + 110 + 1] = '\0';
    CHECK_ERROR(wb.buf, wb.len, "NUL byte inside name", at + 111);

    /* The name runs past the end of the buffer. */
    wb.len = 0;
    at = w_entry(&wb, "070701", "name", CPIO_S_IFREG, 1, 1, "", 0);
    w_trailer(&wb, "070701");
    w_set_field(&wb, at, 11, (u32)wb.len);
    CHECK_ERROR(wb.buf, wb.len, "name runs past end of buffer", at + 110);
    w_set_field(&wb, at, 11, 0xffffffff);
    CHECK_ERROR(wb.buf, wb.len, "name runs past end of buffer", at + 110);
    /* Exactly to the end: namesize fits, the pad after "name" is a NUL inside. */
    w_set_field(&wb, at, 11, (u32)(wb.len - 110));
    CHECK_ERROR(wb.buf, wb.len, "NUL byte inside name", at + 114);
    wb.buf[wb.len - 1] = 'x';
    CHECK_ERROR(wb.buf, wb.len, "name not NUL-terminated", wb.len - 1);
    /* The name cut by the end of the buffer. */
    w_set_field(&wb, at, 11, 5);
    CHECK_ERROR(wb.buf, 112, "name runs past end of buffer", 110);
}

static void test_bad_data(void)
{
    size_t at, data;

    wb.len = 0;
    w_entry(&wb, "070701", "a", CPIO_S_IFREG, 1, 1, "aa", 2);
    at = w_entry(&wb, "070701", "bb", CPIO_S_IFREG, 1, 2, "0123456789", 10);
    w_trailer(&wb, "070701");
    data = at + 116; /* 110 + "bb\0" = 113 -> 116 */

    /* filesize past the end, by one byte and hugely. */
    w_set_field(&wb, at, 6, (u32)(wb.len - data + 1));
    CHECK_ERROR(wb.buf, wb.len, "file data runs past end of buffer", data);
    CHECK_EQ(res.n, 1);
    CHECK_EQ(res.pos, at);
    w_set_field(&wb, at, 6, 0xffffffff);
    CHECK_ERROR(wb.buf, wb.len, "file data runs past end of buffer", data);
    w_set_field(&wb, at, 6, 0x80000000);
    CHECK_ERROR(wb.buf, wb.len, "file data runs past end of buffer", data);

    /* Exactly to the end of the buffer: the entry is fine, the trailer is gone. */
    w_set_field(&wb, at, 6, (u32)(wb.len - data));
    CHECK_ERROR(wb.buf, wb.len, "archive ends without TRAILER!!!", wb.len);
    CHECK_EQ(res.n, 2);
    CHECK_EQ(res.e[1].size, wb.len - data);

    /* The data cut by the end of the buffer. */
    w_set_field(&wb, at, 6, 10);
    CHECK_ERROR(wb.buf, data + 9, "file data runs past end of buffer", data);
}

static void test_missing_trailer(void)
{
    size_t end;

    wb.len = 0;
    w_entry(&wb, "070701", "a", CPIO_S_IFREG, 1, 1, "xyz", 3);
    w_entry(&wb, "070701", "b", CPIO_S_IFDIR, 2, 2, "", 0);
    end = wb.len;
    CHECK_ERROR(wb.buf, wb.len, "archive ends without TRAILER!!!", end);
    CHECK_EQ(res.n, 2);

    /* Zero padding where the trailer should be. */
    w_zeros(&wb, 400);
    CHECK_ERROR(wb.buf, wb.len, "archive ends without TRAILER!!!", end);
    CHECK_EQ(res.n, 2);

    /* Zeros followed by something else inside an archive: bad magic. */
    w_bytes(&wb, "0707", 4);
    CHECK_ERROR(wb.buf, wb.len, "bad magic", end);
}

/* Every prefix of a small archive: the expected result at each cut. */
static void test_truncated_prefixes(void)
{
    struct {
        size_t hdr, name_end, end, size;
    } ent[4];
    size_t n = 0;

    wb.len = 0;
    ent[n++].hdr = w_entry(&wb, "070701", "f1", CPIO_S_IFREG | 0644, 1, 1, "hello", 5);
    ent[n++].hdr = w_entry(&wb, "070702", "dir", CPIO_S_IFDIR | 0755, 2, 2, "", 0);
    ent[n++].hdr = w_entry(&wb, "070702", "f2", CPIO_S_IFREG | 0644, 1, 3, "abcdefgh", 8);
    ent[n++].hdr = w_trailer(&wb, "070701");
    for (size_t i = 0; i < n; i++) {
        char field[9] = {0};

        memcpy(field, wb.buf + ent[i].hdr + 54, 8);
        ent[i].size = strtoul(field, NULL, 16);
        ent[i].name_end = ent[i].hdr + 110 + strlen((char *)wb.buf + ent[i].hdr + 110) + 1;
        ent[i].end = ((ent[i].name_end + 3) & ~(size_t)3) + ent[i].size;
    }

    for (size_t cut = 0; cut <= wb.len; cut++) {
        const char *msg = NULL;
        size_t i = 0, off = cut;
        int entries;

        CHECK(parse_copy(wb.buf, cut, &res));
        if (cut == 0) {
            CHECK_EQ(res.ret, 0);
            CHECK_EQ(res.n, 0);
            continue;
        }
        while (i + 1 < n && cut >= ent[i + 1].hdr) {
            i++;
        }
        entries = (int)i;
        if (cut == ent[i].hdr) {
            msg = "archive ends without TRAILER!!!";
        } else if (cut < ent[i].hdr + 110) {
            msg = "truncated header";
            off = ent[i].hdr;
        } else if (cut < ent[i].name_end) {
            msg = "name runs past end of buffer";
            off = ent[i].hdr + 110;
        } else if (cut < ent[i].end && ent[i].size > 0) {
            /* The data start is clamped to the end if the name pad is cut. */
            msg = "file data runs past end of buffer";
            off = MIN((ent[i].name_end + 3) & ~(size_t)3, cut);
        } else if (i < n - 1) {
            /* The entry is complete, only its pad may be cut. */
            msg = "archive ends without TRAILER!!!";
            entries++;
        }
        if (msg) {
            if (!error_is(&res, msg, off)) {
                printf("  at cut %zu of %zu\n", cut, wb.len);
                CHECK(0);
            }
            CHECK_EQ(res.n, entries);
            CHECK_EQ(res.archives, 0);
        } else {
            CHECK_EQ(res.ret, 0);
            CHECK_EQ(res.n, 3);
            CHECK_EQ(res.archives, 1);
        }
    }
}

static void test_normalize_name(void)
{
    static const struct {
        const char *in;
        int ret;
        const char *out;
    } cases[] = {
        {"a", 1, "a"},
        {"./a", 1, "a"},
        {"/a", 1, "a"},
        {"///a", 1, "a"},
        {"././a/", 1, "a"},
        {"a/./b//c/", 5, "a/b/c"},
        {"bin/busybox", 11, "bin/busybox"},
        {".", 0, ""},
        {"/", 0, ""},
        {"./", 0, ""},
        {"..a/b..", 7, "..a/b.."},
        {".hidden", 7, ".hidden"},
        {"...", 3, "..."},
        {"", -EINVAL, ""},
        {"..", -EINVAL, ""},
        {"../a", -EINVAL, ""},
        {"a/..", -EINVAL, ""},
        {"a/../b", -EINVAL, ""},
        {"/./../etc", -EINVAL, ""},
    };
    char out[32];

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        memset(out, 'z', sizeof(out));
        int r = cpio_normalize_name(cases[i].in, strlen(cases[i].in), out, sizeof(out));
        if (r != cases[i].ret || strcmp(out, cases[i].out) != 0) {
            printf("  '%s': got %d '%s', want %d '%s'\n", cases[i].in, r, out, cases[i].ret,
                   cases[i].out);
            CHECK(0);
        }
    }

    /* Length taken from len, not a NUL; a NUL inside is rejected. */
    CHECK_EQ(cpio_normalize_name("abcdef", 3, out, sizeof(out)), 3);
    CHECK(!strcmp(out, "abc"));
    CHECK_EQ(cpio_normalize_name("ab\0cd", 5, out, sizeof(out)), -EINVAL);

    /* Output size: the NUL must fit too. */
    CHECK_EQ(cpio_normalize_name("./abc", 5, out, 4), 3);
    CHECK(!strcmp(out, "abc"));
    CHECK_EQ(cpio_normalize_name("./abcd", 6, out, 4), -ENAMETOOLONG);
    CHECK_EQ(cpio_normalize_name("a/bc", 4, out, 5), 4);
    CHECK_EQ(cpio_normalize_name("a/bcd", 5, out, 5), -ENAMETOOLONG);
    CHECK_EQ(cpio_normalize_name("a/b", 3, out, 3), -ENAMETOOLONG);
    CHECK_EQ(cpio_normalize_name(".", 1, out, 1), 0);
    CHECK_EQ(cpio_normalize_name("a", 1, out, 0), -ENAMETOOLONG);
}

static void test_type_names(void)
{
    CHECK(!strcmp(cpio_type_name(CPIO_S_IFREG | 0644), "file"));
    CHECK(!strcmp(cpio_type_name(CPIO_S_IFDIR | 0755), "dir"));
    CHECK(!strcmp(cpio_type_name(CPIO_S_IFLNK | 0777), "symlink"));
    CHECK(!strcmp(cpio_type_name(CPIO_S_IFCHR), "chardev"));
    CHECK(!strcmp(cpio_type_name(CPIO_S_IFBLK), "blockdev"));
    CHECK(!strcmp(cpio_type_name(CPIO_S_IFIFO), "fifo"));
    CHECK(!strcmp(cpio_type_name(CPIO_S_IFSOCK), "socket"));
    CHECK(!strcmp(cpio_type_name(0), "unknown"));
    CHECK(!strcmp(cpio_type_name(0170000), "unknown"));
    /* Same values as the host's. */
    CHECK_EQ(CPIO_S_IFREG, S_IFREG);
    CHECK_EQ(CPIO_S_IFDIR, S_IFDIR);
    CHECK_EQ(CPIO_S_IFLNK, S_IFLNK);
    CHECK_EQ(CPIO_S_IFCHR, S_IFCHR);
    CHECK_EQ(CPIO_S_IFBLK, S_IFBLK);
    CHECK_EQ(CPIO_S_IFIFO, S_IFIFO);
    CHECK_EQ(CPIO_S_IFSOCK, S_IFSOCK);
    CHECK_EQ(CPIO_S_IFMT, S_IFMT);
}

/* ---- archives made by cpio(1) ---- */

static char tmpdir[64];

static bool write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    if (!f) {
        return false;
    }
    bool ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

static u8 *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    u8 *buf = NULL;
    size_t cap = 0, n = 0, r;

    if (!f) {
        return NULL;
    }
    do {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            buf = realloc(buf, cap);
        }
        r = fread(buf + n, 1, cap - n, f);
        n += r;
    } while (r > 0);
    fclose(f);
    *len = n;
    return buf;
}

static void rm_tree(void)
{
    char cmd[128];

    if (tmpdir[0]) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0) {
            printf("  could not remove %s\n", tmpdir);
        }
        tmpdir[0] = '\0';
    }
}

static bool make_tree(void)
{
    char path[256];
    static char big[5000];

    for (size_t i = 0; i < sizeof(big); i++) {
        big[i] = (char)(i * 31 + 7);
    }
    strcpy(tmpdir, "/tmp/test_cpio.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        tmpdir[0] = '\0';
        return false;
    }
#define P(name) (snprintf(path, sizeof(path), "%s/%s", tmpdir, name), path)
    return write_file(P("hello.txt"), "hello, world\n", 13) && write_file(P("empty"), "", 0) &&
           mkdir(P("dir"), 0750) == 0 && write_file(P("dir/big.bin"), big, sizeof(big)) &&
           write_file(P("dir/odd"), "abc", 3) && mkdir(P("dir/sub"), 0700) == 0 &&
           symlink("hello.txt", P("link")) == 0 &&
           symlink("../dir/big.bin", P("dir/sub/rel")) == 0 &&
           link(P("hello.txt"), (snprintf(path + 128, 128, "%s/hard", tmpdir), path + 128)) == 0 &&
           mkfifo(P("fifo"), 0640) == 0 && chmod(P("hello.txt"), 0604) == 0;
#undef P
}

/* Checks every entry of a cpio(1) archive against the file it came from. */
static bool check_against_tree(const u8 *buf, size_t len, enum cpio_format format)
{
    struct cpio_iter it;
    struct cpio_entry e;
    const char *err = NULL;
    char rel[256], path[512], target[256];
    int r, count = 0, regular_with_data = 0, hard_data = 0;
    bool saw_root = false;
    struct stat st;

    cpio_iter_init(&it, buf, len);
    while ((r = cpio_next(&it, &e, &err)) == 1) {
        count++;
        if (e.format != format) {
            printf("  format %d, want %d\n", e.format, format);
            return false;
        }
        int n = cpio_normalize_name(e.name, e.name_len, rel, sizeof(rel));
        if (n < 0) {
            printf("  cannot normalize '%.*s': %d\n", (int)e.name_len, e.name, n);
            return false;
        }
        if (n == 0) {
            saw_root = true;
        }
        snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
        if (lstat(path, &st) != 0) {
            printf("  '%s' from the archive does not exist\n", rel);
            return false;
        }
        if (e.mode != st.st_mode || e.nlink != st.st_nlink || e.uid != st.st_uid ||
            e.gid != st.st_gid || e.mtime != (u32)st.st_mtime) {
            printf("  '%s': mode %o nlink %u uid %u gid %u mtime %u vs %o %u %u %u %u\n", rel,
                   e.mode, e.nlink, e.uid, e.gid, e.mtime, st.st_mode, (unsigned)st.st_nlink,
                   st.st_uid, st.st_gid, (unsigned)st.st_mtime);
            return false;
        }
        if (S_ISREG(st.st_mode)) {
            size_t flen;
            u8 *want = read_file(path, &flen);
            bool ok = want && e.size == flen && !memcmp(e.data, want, flen);

            /* Hard links: cpio stores the data once, with the last link. */
            if (!ok && st.st_nlink > 1 && e.size == 0) {
                ok = true;
            } else if (ok && st.st_nlink > 1) {
                hard_data++;
            }
            free(want);
            if (!ok) {
                printf("  '%s': data differs (size %zu)\n", rel, e.size);
                return false;
            }
            regular_with_data += e.size > 0;
        } else if (S_ISLNK(st.st_mode)) {
            ssize_t tl = readlink(path, target, sizeof(target));
            if (tl < 0 || (size_t)tl != e.size || memcmp(e.data, target, tl) != 0) {
                printf("  '%s': symlink target differs\n", rel);
                return false;
            }
        } else if (e.size != 0) {
            printf("  '%s': %s with size %zu\n", rel, cpio_type_name(e.mode), e.size);
            return false;
        }
    }
    if (r != 0) {
        printf("  error '%s' at %zu\n", err, it.error_offset);
        return false;
    }
    /* ". hello.txt hard empty dir dir/big.bin dir/odd dir/sub dir/sub/rel link fifo";
     * data in hello.txt or hard (once), big.bin, odd. */
    if (count != 11 || !saw_root || it.archives != 1 || hard_data != 1 || regular_with_data != 3) {
        printf("  count %d root %d archives %u hard %d regular %d\n", count, saw_root, it.archives,
               hard_data, regular_with_data);
        return false;
    }
    return true;
}

static u8 *run_cpio(const char *format, size_t *len)
{
    char cmd[512], out[128];
    u8 *buf;

    snprintf(out, sizeof(out), "%s.%s.cpio", tmpdir, format);
    snprintf(cmd, sizeof(cmd), "cd '%s' && find . | LC_ALL=C sort | cpio --quiet -o -H %s > '%s'",
             tmpdir, format, out);
    if (system(cmd) != 0) {
        printf("  '%s' failed\n", cmd);
        return NULL;
    }
    buf = read_file(out, len);
    unlink(out);
    return buf;
}

static void test_host_cpio(void)
{
    size_t len_newc = 0, len_crc = 0;
    u8 *newc = NULL, *crc = NULL, *both = NULL;
    bool ok;

    if (access("/usr/bin/cpio", X_OK) != 0 && system("command -v cpio >/dev/null") != 0) {
        printf("  cpio not installed: skipped\n");
        return;
    }
    ok = make_tree();
    if (ok) {
        newc = run_cpio("newc", &len_newc);
        crc = run_cpio("crc", &len_crc);
    }
    if (newc && crc) {
        both = malloc(len_newc + 512 + len_crc);
        memcpy(both, newc, len_newc);
        memset(both + len_newc, 0, 512);
        memcpy(both + len_newc + 512, crc, len_crc);
    }
    ok = ok && newc && crc && both;
    if (ok) {
        /* Exact-size copies for ASan. */
        u8 *copy = dup_exact(newc, len_newc);
        ok = check_against_tree(copy, len_newc, CPIO_FORMAT_NEWC);
        free(copy);
        copy = dup_exact(crc, len_crc);
        ok = ok && check_against_tree(copy, len_crc, CPIO_FORMAT_CRC);
        free(copy);
    }
    if (ok) {
        /* Both back to back: 22 entries, 2 archives. */
        ok = parse_copy(both, len_newc + 512 + len_crc, &res) && res.ret == 0 && res.n == 22 &&
             res.archives == 2;
        if (!ok) {
            printf("  concatenation: ret %d n %d archives %u\n", res.ret, res.n, res.archives);
        }
    }
    if (ok) {
        /* Corrupt one data byte of dir/big.bin in the crc archive. */
        const u8 *p = memmem(crc, len_crc, "dir/big.bin", 12);
        size_t hdr = p ? (size_t)(p - crc) - 110 : 0;
        size_t data = (hdr + 110 + 12 + 3) & ~(size_t)3;

        ok = p && data + 100 < len_crc;
        if (ok) {
            crc[data + 100] ^= 0x40;
            ok = parse_copy(crc, len_crc, &res) && error_is(&res, "checksum mismatch", hdr + 102);
        }
    }
    free(newc);
    free(crc);
    free(both);
    rm_tree();
    CHECK(ok);
}

/* ---- mutation fuzz ---- */

static u64 rng_state = 0x9e3779b97f4a7c15ull;

static u32 rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (u32)(rng_state >> 16);
}

static void test_fuzz(void)
{
    static const u8 interesting[] = {0, '0', '1', '2', '7', '8', 'f', 'F', 'g', 0xff, '/', '.'};
    static u8 data[700];
    int errors = 0, clean = 0;

    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = (u8)rnd();
    }
    wb.len = 0;
    w_entry(&wb, "070701", ".", CPIO_S_IFDIR | 0755, 3, 1, "", 0);
    w_entry(&wb, "070701", "bin", CPIO_S_IFDIR | 0755, 2, 2, "", 0);
    w_entry(&wb, "070701", "bin/sh", CPIO_S_IFREG | 0755, 1, 3, data, 301);
    w_entry(&wb, "070701", "init", CPIO_S_IFLNK | 0777, 1, 4, "bin/sh", 6);
    w_trailer(&wb, "070701");
    w_zeros(&wb, 8);
    w_entry(&wb, "070702", "etc/motd", CPIO_S_IFREG | 0644, 1, 5, data + 301, 399);
    w_entry(&wb, "070702", "dev/console", CPIO_S_IFCHR | 0600, 1, 6, "", 0);
    w_trailer(&wb, "070702");
    w_zeros(&wb, 20);

    CHECK(parse_copy(wb.buf, wb.len, &res));
    CHECK_EQ(res.ret, 0);
    CHECK_EQ(res.n, 6);
    CHECK_EQ(res.archives, 2);

    for (int iter = 0; iter < 20000; iter++) {
        u8 *buf = dup_exact(wb.buf, wb.len);
        size_t len = wb.len;
        int muts = 1 + rnd() % 4;

        for (int m = 0; m < muts; m++) {
            size_t at = rnd() % len;

            switch (rnd() % 4) {
            case 0:
                buf[at] = (u8)rnd();
                break;
            case 1:
                buf[at] = interesting[rnd() % sizeof(interesting)];
                break;
            case 2:
                buf[at] ^= (u8)(1u << (rnd() % 8));
                break;
            default:
                /* A hex field set to a random size-like value. */
                buf[at] = "0123456789abcdef"[rnd() % 16];
                break;
            }
        }
        /* Sometimes also cut the buffer short (into a fresh exact copy). */
        if (rnd() % 4 == 0) {
            size_t cut = rnd() % (len + 1);
            u8 *shorter = dup_exact(buf, cut);

            free(buf);
            buf = shorter;
            len = cut;
        }
        bool ok = parse_all(buf, len, &res);
        free(buf);
        if (!ok) {
            printf("  iteration %d\n", iter);
            CHECK(0);
        }
        if (res.ret == 0) {
            clean++;
        } else {
            errors++;
        }
    }
    /* Both outcomes occur: mutations of data bytes stay valid. */
    CHECK(errors > 1000);
    CHECK(clean > 1000);
}

int main(void)
{
    RUN(test_basic_newc);
    RUN(test_empty_buffers);
    RUN(test_uppercase_hex);
    RUN(test_crc_format);
    RUN(test_concatenated);
    RUN(test_bad_magic);
    RUN(test_non_hex_fields);
    RUN(test_bad_names);
    RUN(test_bad_data);
    RUN(test_missing_trailer);
    RUN(test_truncated_prefixes);
    RUN(test_normalize_name);
    RUN(test_type_names);
    RUN(test_host_cpio);
    RUN(test_fuzz);
    HARNESS_EXIT();
}
