// SPDX-License-Identifier: MIT
/* mb2_parse on synthetic Multiboot2 boot information. */
#include <abi/errno.h>
#include <arch/x86_64/multiboot2.h>
#include <kernel/compiler.h>

#include <string.h>

#include "harness.h"

HARNESS("test_multiboot2");

/* Builds boot information in an 8-byte aligned buffer. */
struct mb {
    u8 *buf;
    size_t cap;
    u32 len;
};

static u64 area[8192];

static void put32(u8 *p, u32 v)
{
    memcpy(p, &v, 4);
}

static void put64(u8 *p, u64 v)
{
    memcpy(p, &v, 8);
}

static void mb_begin(struct mb *b)
{
    memset(area, 0xcc, sizeof(area));
    b->buf = (u8 *)area;
    b->cap = sizeof(area);
    b->len = 8;
    put32(b->buf + 4, 0);
}

/* Appends a tag with a payload of len bytes (copied from data unless NULL)
 * and returns the payload; the next tag starts 8-byte aligned. */
static u8 *mb_tag(struct mb *b, u32 type, const void *data, u32 len)
{
    u8 *tag = b->buf + b->len;

    if (b->len + ALIGN_UP(8 + len, 8) > b->cap) {
        abort();
    }
    put32(tag, type);
    put32(tag + 4, 8 + len);
    if (data) {
        memcpy(tag + 8, data, len);
    }
    b->len += ALIGN_UP(8 + len, 8);
    return tag + 8;
}

static void mb_string(struct mb *b, u32 type, const char *s)
{
    mb_tag(b, type, s, (u32)strlen(s) + 1);
}

static void mb_module(struct mb *b, u32 start, u32 end, const char *s)
{
    u32 slen = (u32)strlen(s) + 1;
    u8 *p = mb_tag(b, 3, NULL, 8 + slen);

    put32(p, start);
    put32(p + 4, end);
    memcpy(p + 8, s, slen);
}

struct entry {
    u64 base, length;
    u32 type;
};

static void mb_mmap(struct mb *b, u32 entry_size, const struct entry *e, u32 n)
{
    u8 *p = mb_tag(b, 6, NULL, 8 + entry_size * n);

    put32(p, entry_size);
    put32(p + 4, 0);
    for (u32 i = 0; i < n; i++) {
        u8 *q = p + 8 + i * entry_size;
        memset(q, 0, entry_size);
        put64(q, e[i].base);
        put64(q + 8, e[i].length);
        put32(q + 16, e[i].type);
    }
}

/* Appends the end tag and sets total_size; returns the total. */
static u32 mb_finish(struct mb *b)
{
    mb_tag(b, 0, NULL, 0);
    put32(b->buf, b->len);
    return b->len;
}

static struct boot_info bi;

static void test_good(void)
{
    struct mb b;
    const char *err = "stale";
    u8 rsdp1[20], rsdp2[36];
    static const struct entry map[] = {
        {0x0, 0x9fc00, 1},           {0x9fc00, 0x400, 2},      {0x100000, 0x7ee0000, 1},
        {0x7fe0000, 0x20000, 3},     {0xfffc0000, 0x40000, 4}, {0x100000000ULL, 1, 5},
        {0x200000000ULL, 0x1000, 7}, {0x300000000ULL, 0, 0},
    };

    for (int i = 0; i < 20; i++) {
        rsdp1[i] = (u8)(0x10 + i);
    }
    for (int i = 0; i < 36; i++) {
        rsdp2[i] = (u8)(0x80 + i);
    }
    mb_begin(&b);
    mb_string(&b, 2, "GRUB 2.06");
    mb_tag(&b, 21, "\x00\x00\x20\x00", 4); /* load base address: not parsed */
    mb_string(&b, 1, "log=debug init=\"/bin/sh -x\"");
    u8 *meminfo = mb_tag(&b, 4, NULL, 8);
    put32(meminfo, 639);
    put32(meminfo + 4, 130048);
    mb_module(&b, 0x200000, 0x280000, "initrd.cpio");
    mb_tag(&b, 14, rsdp1, 20);
    mb_module(&b, 0x280000, 0x281000, "second module --with args");
    mb_mmap(&b, 24, map, ARRAY_SIZE(map));
    mb_tag(&b, 99, "whatever", 8);
    mb_tag(&b, 15, rsdp2, 36);
    mb_module(&b, 0x300000, 0x300000, "");
    mb_tag(&b, 8, NULL, 31); /* framebuffer, odd size: padding follows */
    u32 total = mb_finish(&b);

    CHECK_EQ(mb2_parse(area, total, &bi, &err), 0);
    CHECK(err == NULL);
    CHECK(strcmp(bi.cmdline, "log=debug init=\"/bin/sh -x\"") == 0);
    CHECK(!bi.cmdline_truncated);
    CHECK(bi.loader_name && strcmp(bi.loader_name, "GRUB 2.06") == 0);
    CHECK((const u8 *)bi.loader_name > (const u8 *)area &&
          (const u8 *)bi.loader_name < (const u8 *)area + total);
    CHECK_EQ(bi.basic_mem_lower_kib, 639);
    CHECK_EQ(bi.basic_mem_upper_kib, 130048);

    CHECK_EQ(bi.nmodules, 3);
    CHECK(!bi.modules_truncated);
    CHECK(bi.modules[0].start == 0x200000 && bi.modules[0].end == 0x280000);
    CHECK(strcmp(bi.modules[0].string, "initrd.cpio") == 0);
    CHECK(bi.modules[1].start == 0x280000 && bi.modules[1].end == 0x281000);
    CHECK(strcmp(bi.modules[1].string, "second module --with args") == 0);
    CHECK(bi.modules[2].start == 0x300000 && bi.modules[2].end == 0x300000);
    CHECK(strcmp(bi.modules[2].string, "") == 0);

    static const u32 want_types[] = {
        MEM_USABLE,   MEM_RESERVED, MEM_USABLE,   MEM_ACPI_RECLAIMABLE,
        MEM_ACPI_NVS, MEM_BAD,      MEM_RESERVED, MEM_RESERVED,
    };
    CHECK_EQ(bi.nregions, ARRAY_SIZE(map));
    CHECK(!bi.regions_truncated);
    for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
        CHECK(bi.regions[i].base == map[i].base);
        CHECK(bi.regions[i].length == map[i].length);
        CHECK_EQ(bi.regions[i].type, want_types[i]);
    }

    CHECK_EQ(bi.rsdp_len, 36);
    CHECK(memcmp(bi.rsdp, rsdp2, 36) == 0);
}

static void test_minimal(void)
{
    struct mb b;
    const char *err = NULL;

    mb_begin(&b);
    u32 total = mb_finish(&b);
    CHECK_EQ(total, 16);
    memset(&bi, 0x5a, sizeof(bi));
    CHECK_EQ(mb2_parse(area, 4096, &bi, &err), 0);
    CHECK(bi.cmdline[0] == '\0' && !bi.cmdline_truncated);
    CHECK(bi.loader_name == NULL);
    CHECK_EQ(bi.nmodules, 0);
    CHECK_EQ(bi.nregions, 0);
    CHECK_EQ(bi.rsdp_len, 0);
    CHECK_EQ(bi.basic_mem_lower_kib, 0);
    CHECK_EQ(bi.basic_mem_upper_kib, 0);
    CHECK(!bi.modules_truncated && !bi.regions_truncated);
    /* Data after the end tag is ignored. */
    mb_begin(&b);
    mb_finish(&b);
    mb_string(&b, 1, "after the end");
    put32(b.buf, b.len);
    CHECK_EQ(mb2_parse(area, b.len, &bi, &err), 0);
    CHECK(bi.cmdline[0] == '\0');
}

static void test_rsdp(void)
{
    struct mb b;
    const char *err;
    u8 v1[20], v2[36];

    memset(v1, 0x11, sizeof(v1));
    memset(v2, 0x22, sizeof(v2));

    mb_begin(&b);
    mb_tag(&b, 14, v1, 20);
    CHECK_EQ(mb2_parse(area, mb_finish(&b), &bi, &err), 0);
    CHECK_EQ(bi.rsdp_len, 20);
    CHECK(memcmp(bi.rsdp, v1, 20) == 0);

    /* v2 first, then v1: v2 is kept. */
    mb_begin(&b);
    mb_tag(&b, 15, v2, 36);
    mb_tag(&b, 14, v1, 20);
    CHECK_EQ(mb2_parse(area, mb_finish(&b), &bi, &err), 0);
    CHECK_EQ(bi.rsdp_len, 36);
    CHECK(memcmp(bi.rsdp, v2, 36) == 0);
}

static void test_mmap_entry_sizes(void)
{
    struct mb b;
    const char *err;
    static const struct entry map[] = {
        {0x1000, 0x2000, 1},
        {0xffffffffffff0000ULL, 0x10000, 2},
        {0x123456789ULL, 0xabcdef, 3},
    };

    /* Larger entries (extra fields) and entries that are not 8-aligned. */
    static const u32 sizes[] = {24, 28, 32, 40};
    for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
        mb_begin(&b);
        mb_mmap(&b, sizes[s], map, 3);
        CHECK_EQ(mb2_parse(area, mb_finish(&b), &bi, &err), 0);
        CHECK_EQ(bi.nregions, 3);
        for (int i = 0; i < 3; i++) {
            CHECK(bi.regions[i].base == map[i].base);
            CHECK(bi.regions[i].length == map[i].length);
            CHECK_EQ(bi.regions[i].type, map[i].type);
        }
    }

    /* A partial trailing entry is ignored. */
    mb_begin(&b);
    u8 *p = mb_tag(&b, 6, NULL, 8 + 24 + 10);
    put32(p, 24);
    put32(p + 4, 0);
    put64(p + 8, 0x5000);
    put64(p + 16, 0x1000);
    put32(p + 24, 1);
    CHECK_EQ(mb2_parse(area, mb_finish(&b), &bi, &err), 0);
    CHECK_EQ(bi.nregions, 1);
    CHECK(bi.regions[0].base == 0x5000);
}

static void test_truncation(void)
{
    struct mb b;
    const char *err;
    char name[32];
    static struct entry map[40];
    static char longline[3000];

    mb_begin(&b);
    for (u32 i = 0; i < 20; i++) {
        snprintf(name, sizeof(name), "module%u", i);
        mb_module(&b, 0x100000 * (i + 1), 0x100000 * (i + 1) + i, name);
    }
    for (u32 i = 0; i < 40; i++) {
        map[i].base = (u64)i << 20;
        map[i].length = 1 << 20;
        map[i].type = 1 + i % 5;
    }
    /* 80 regions in two tags. */
    mb_mmap(&b, 24, map, 40);
    mb_mmap(&b, 24, map, 40);
    memset(longline, 'x', sizeof(longline) - 1);
    mb_string(&b, 1, longline);
    CHECK_EQ(mb2_parse(area, mb_finish(&b), &bi, &err), 0);

    CHECK_EQ(bi.nmodules, BOOT_MAX_MODULES);
    CHECK(bi.modules_truncated);
    for (u32 i = 0; i < BOOT_MAX_MODULES; i++) {
        snprintf(name, sizeof(name), "module%u", i);
        CHECK(strcmp(bi.modules[i].string, name) == 0);
        CHECK(bi.modules[i].start == 0x100000ULL * (i + 1));
    }
    CHECK_EQ(bi.nregions, BOOT_MAX_MEM_REGIONS);
    CHECK(bi.regions_truncated);
    CHECK(bi.regions[40].base == 0);
    CHECK(bi.regions[63].base == 23ULL << 20);
    CHECK(bi.cmdline_truncated);
    CHECK_EQ(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);

    /* Exactly at the limits: nothing truncated. */
    mb_begin(&b);
    for (u32 i = 0; i < BOOT_MAX_MODULES; i++) {
        mb_module(&b, 0, 0, "m");
    }
    mb_mmap(&b, 24, map, 40);
    mb_mmap(&b, 24, map, 24);
    longline[BOOT_CMDLINE_MAX - 1] = '\0';
    mb_string(&b, 1, longline);
    CHECK_EQ(mb2_parse(area, mb_finish(&b), &bi, &err), 0);
    CHECK_EQ(bi.nmodules, BOOT_MAX_MODULES);
    CHECK(!bi.modules_truncated);
    CHECK_EQ(bi.nregions, BOOT_MAX_MEM_REGIONS);
    CHECK(!bi.regions_truncated);
    CHECK(!bi.cmdline_truncated);
    CHECK_EQ(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
}

/* Expects -EINVAL with a message containing want. */
#define CHECK_BAD(max, want)                                                                       \
    do {                                                                                           \
        const char *_err = NULL;                                                                   \
        int _r = mb2_parse(area, (max), &bi, &_err);                                               \
        if (_r != -EINVAL || !_err || !strstr(_err, (want))) {                                     \
            printf("  line %d: r=%d err='%s', want '%s'\n", __LINE__, _r, _err ? _err : "(null)",  \
                   (want));                                                                        \
            harness_case_failed = 1;                                                               \
            return;                                                                                \
        }                                                                                          \
    } while (0)

static void test_malformed_sizes(void)
{
    struct mb b;
    u32 total;
    const char *err = NULL;

    mb_begin(&b);
    total = mb_finish(&b);
    put32(b.buf, 8);
    CHECK_BAD(4096, "smaller than 16");
    put32(b.buf, 0);
    CHECK_BAD(4096, "smaller than 16");
    put32(b.buf, 15);
    CHECK_BAD(4096, "smaller than 16");

    mb_begin(&b);
    mb_string(&b, 1, "abc");
    total = mb_finish(&b);
    CHECK_BAD(total - 8, "larger");
    CHECK_BAD(total - 1, "larger");
    CHECK_BAD(8, "no room");
    CHECK_EQ(mb2_parse(area, total, &bi, &err), 0);

    put32(b.buf, 0xffffffffu);
    CHECK_BAD(4096, "larger");

    CHECK_EQ(mb2_parse((const u8 *)area + 4, 4096, &bi, &err), -EINVAL);
    CHECK(err && strstr(err, "misaligned"));
    CHECK_EQ(mb2_parse(NULL, 4096, &bi, &err), -EINVAL);
    CHECK(err != NULL);
}

static void test_malformed_tags(void)
{
    struct mb b;
    u32 total;

    /* Tag size below 8. */
    for (u32 bad = 0; bad < 8; bad++) {
        mb_begin(&b);
        mb_string(&b, 2, "loader");
        u8 *p = mb_tag(&b, 1, "x", 1);
        put32(p - 4, bad);
        total = mb_finish(&b);
        CHECK_BAD(total, "shorter than 8");
    }

    /* A tag running past total_size (including an end tag that does). */
    mb_begin(&b);
    u8 *p = mb_tag(&b, 1, "hello", 6);
    total = mb_finish(&b);
    put32(p - 4, 8 + 6 + 100);
    CHECK_BAD(total, "past total_size");
    mb_begin(&b);
    mb_string(&b, 1, "hello");
    total = mb_finish(&b);
    put32(b.buf + total - 4, 16);
    CHECK_BAD(4096, "past total_size");

    /* total_size ends before the end tag: no end tag. */
    mb_begin(&b);
    mb_string(&b, 1, "hello");
    mb_string(&b, 2, "loader");
    put32(b.buf, b.len);
    CHECK_BAD(4096, "no end tag");
    /* total_size cuts into the end tag header. */
    mb_begin(&b);
    mb_string(&b, 1, "hello");
    total = mb_finish(&b);
    put32(b.buf, total - 4);
    CHECK_BAD(4096, "no end tag");
    /* The last tag's padding runs past total_size. */
    mb_begin(&b);
    mb_tag(&b, 1, "abcde", 6);
    put32(b.buf, 8 + 14);
    CHECK_BAD(4096, "no end tag");

    /* Unterminated strings. */
    mb_begin(&b);
    mb_tag(&b, 1, "abcdefgh", 8);
    total = mb_finish(&b);
    CHECK_BAD(total, "command line unterminated");
    mb_begin(&b);
    mb_tag(&b, 1, NULL, 0);
    total = mb_finish(&b);
    CHECK_BAD(total, "command line unterminated");
    mb_begin(&b);
    mb_tag(&b, 2, "GRUB", 4);
    total = mb_finish(&b);
    CHECK_BAD(total, "loader name unterminated");
    mb_begin(&b);
    p = mb_tag(&b, 3, NULL, 8 + 3);
    put32(p, 0x1000);
    put32(p + 4, 0x2000);
    memcpy(p + 8, "abc", 3);
    total = mb_finish(&b);
    CHECK_BAD(total, "module");
    mb_begin(&b);
    p = mb_tag(&b, 3, NULL, 8);
    put32(p, 0x1000);
    put32(p + 4, 0x2000);
    total = mb_finish(&b);
    CHECK_BAD(total, "module");

    /* Module ending before it starts. */
    mb_begin(&b);
    mb_module(&b, 0x2000, 0x1fff, "backwards");
    total = mb_finish(&b);
    CHECK_BAD(total, "module ends before it starts");

    /* Memory map entry_size below 24, and a truncated mmap header. */
    static const struct entry e = {0, 0x1000, 1};
    for (u32 es = 0; es < 24; es += 4) {
        mb_begin(&b);
        p = mb_tag(&b, 6, NULL, 8 + 24);
        put32(p, es);
        put32(p + 4, 0);
        total = mb_finish(&b);
        CHECK_BAD(total, "entry_size");
    }
    mb_begin(&b);
    mb_mmap(&b, 24, &e, 1);
    mb_tag(&b, 6, "\x18\x00\x00\x00", 4);
    total = mb_finish(&b);
    CHECK_BAD(total, "memory map tag too short");

    /* Short RSDP and basic meminfo tags. */
    mb_begin(&b);
    mb_tag(&b, 14, "0123456789abcdefghi", 19);
    total = mb_finish(&b);
    CHECK_BAD(total, "RSDP");
    mb_begin(&b);
    mb_tag(&b, 15, "0123456789abcdefghij", 20);
    total = mb_finish(&b);
    CHECK_BAD(total, "RSDP");
    mb_begin(&b);
    mb_tag(&b, 4, "\x01\x00\x00\x00", 4);
    total = mb_finish(&b);
    CHECK_BAD(total, "basic memory");
}

int main(void)
{
    RUN(test_good);
    RUN(test_minimal);
    RUN(test_rsdp);
    RUN(test_mmap_entry_sizes);
    RUN(test_truncation);
    RUN(test_malformed_sizes);
    RUN(test_malformed_tags);
    HARNESS_EXIT();
}
