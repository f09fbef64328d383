// SPDX-License-Identifier: MIT
/* Multiboot2 boot information parser. Everything is bounds-checked against
 * total_size: the structure comes from outside the kernel. */
#include <abi/errno.h>
#include <arch/x86_64/multiboot2.h>
#include <kernel/compiler.h>
#include <kernel/string.h>

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER_NAME 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

#define MB2_MMAP_ENTRY_MIN 24
#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36

static u32 rd32(const u8 *p)
{
    u32 v;

    __builtin_memcpy(&v, p, sizeof(v));
    return v;
}

/* mmap entries are only as aligned as entry_size makes them. */
static u64 rd64(const u8 *p)
{
    u64 v;

    __builtin_memcpy(&v, p, sizeof(v));
    return v;
}

/* The len bytes at p must hold a NUL-terminated string. */
static bool string_ok(const u8 *p, u32 len)
{
    return strnlen((const char *)p, len) < len;
}

static u32 region_type(u32 mb2_type)
{
    switch (mb2_type) {
    case 1:
        return MEM_USABLE;
    case 3:
        return MEM_ACPI_RECLAIMABLE;
    case 4:
        return MEM_ACPI_NVS;
    case 5:
        return MEM_BAD;
    default:
        return MEM_RESERVED;
    }
}

static const char *parse_module(const u8 *body, u32 len, struct boot_info *out)
{
    if (len < 8 || !string_ok(body + 8, len - 8)) {
        return "multiboot2: module tag too short or its string unterminated";
    }
    u32 start = rd32(body);
    u32 end = rd32(body + 4);
    if (end < start) {
        return "multiboot2: module ends before it starts";
    }
    if (out->nmodules == BOOT_MAX_MODULES) {
        out->modules_truncated = true;
        return NULL;
    }
    struct boot_module *m = &out->modules[out->nmodules++];
    m->start = start;
    m->end = end;
    m->string = (const char *)(body + 8);
    return NULL;
}

static const char *parse_mmap(const u8 *body, u32 len, struct boot_info *out)
{
    if (len < 8) {
        return "multiboot2: memory map tag too short";
    }
    u32 entry_size = rd32(body);
    if (entry_size < MB2_MMAP_ENTRY_MIN) {
        return "multiboot2: memory map entry_size smaller than 24";
    }
    /* A partial entry at the end is ignored. */
    for (u32 off = 8; len - off >= entry_size; off += entry_size) {
        const u8 *e = body + off;

        if (out->nregions == BOOT_MAX_MEM_REGIONS) {
            out->regions_truncated = true;
            break;
        }
        struct mem_region *r = &out->regions[out->nregions++];
        r->base = rd64(e);
        r->length = rd64(e + 8);
        r->type = region_type(rd32(e + 16));
    }
    return NULL;
}

/* Not strlcpy: the host C library of the unit tests may lack it. */
static void copy_cmdline(struct boot_info *out, const char *s)
{
    size_t n = strnlen(s, BOOT_CMDLINE_MAX);

    out->cmdline_truncated = n == BOOT_CMDLINE_MAX;
    if (out->cmdline_truncated) {
        n--;
    }
    memcpy(out->cmdline, s, n);
    out->cmdline[n] = '\0';
}

/* Returns NULL, or the error message for a malformed tag. */
static const char *parse_tag(u32 type, const u8 *body, u32 len, struct boot_info *out)
{
    switch (type) {
    case MB2_TAG_CMDLINE:
        if (!string_ok(body, len)) {
            return "multiboot2: command line unterminated";
        }
        copy_cmdline(out, (const char *)body);
        return NULL;
    case MB2_TAG_LOADER_NAME:
        if (!string_ok(body, len)) {
            return "multiboot2: boot loader name unterminated";
        }
        out->loader_name = (const char *)body;
        return NULL;
    case MB2_TAG_MODULE:
        return parse_module(body, len, out);
    case MB2_TAG_BASIC_MEMINFO:
        if (len < 8) {
            return "multiboot2: basic memory info tag too short";
        }
        out->basic_mem_lower_kib = rd32(body);
        out->basic_mem_upper_kib = rd32(body + 4);
        return NULL;
    case MB2_TAG_MMAP:
        return parse_mmap(body, len, out);
    case MB2_TAG_ACPI_OLD:
        if (len < RSDP_V1_LEN) {
            return "multiboot2: ACPI RSDP v1 tag too short";
        }
        if (out->rsdp_len != RSDP_V2_LEN) {
            memcpy(out->rsdp, body, RSDP_V1_LEN);
            out->rsdp_len = RSDP_V1_LEN;
        }
        return NULL;
    case MB2_TAG_ACPI_NEW:
        if (len < RSDP_V2_LEN) {
            return "multiboot2: ACPI RSDP v2 tag too short";
        }
        memcpy(out->rsdp, body, RSDP_V2_LEN);
        out->rsdp_len = RSDP_V2_LEN;
        return NULL;
    default:
        return NULL;
    }
}

static int fail(const char **err, const char *msg)
{
    if (err) {
        *err = msg;
    }
    return -EINVAL;
}

int mb2_parse(const void *info, size_t max_size, struct boot_info *out, const char **err)
{
    const u8 *base = info;

    memset(out, 0, sizeof(*out));
    if (err) {
        *err = NULL;
    }
    if (!info || max_size < 16) {
        return fail(err, "multiboot2: no room for the boot information");
    }
    if (!IS_ALIGNED((uintptr_t)info, 8)) {
        return fail(err, "multiboot2: boot information misaligned");
    }
    u32 total = rd32(base);
    if (total < 16) {
        return fail(err, "multiboot2: total_size smaller than 16");
    }
    if (total > max_size) {
        return fail(err, "multiboot2: total_size larger than the mapped area");
    }

    /* Tags start at offset 8 and every tag starts 8-byte aligned. */
    u32 off = 8;
    while (total - off >= 8) {
        const u8 *tag = base + off;
        u32 type = rd32(tag);
        u32 size = rd32(tag + 4);

        if (size < 8) {
            return fail(err, "multiboot2: tag shorter than 8 bytes");
        }
        if (size > total - off) {
            return fail(err, "multiboot2: tag runs past total_size");
        }
        if (type == MB2_TAG_END) {
            return 0;
        }
        const char *msg = parse_tag(type, tag + 8, size - 8, out);
        if (msg) {
            return fail(err, msg);
        }
        u64 next = (u64)off + ALIGN_UP((u64)size, 8);
        if (next > total) {
            break; /* the padding runs past the end: no end tag follows */
        }
        off = (u32)next;
    }
    return fail(err, "multiboot2: no end tag");
}
