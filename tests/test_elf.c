// SPDX-License-Identifier: MIT
/* ELF64 validation: real static binaries built by the host gcc (checked
 * against readelf and against the AT_PHDR/AT_ENTRY the host kernel gave
 * them), a crafted file for every malformed case in elf.c's table, and a
 * mutation fuzz over exact-size buffers. */
#define _GNU_SOURCE
#include <abi/errno.h>
#include <arch/x86_64/memlayout.h>
#include <kernel/compiler.h>
#include <kernel/exec.h>

#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

HARNESS("test_elf");

/* Parses the first min(file_size, len) bytes from an exact-size heap copy. */
static int parse_exact(const void *file, size_t len, u64 file_size, struct elf_image *img,
                       const char **err)
{
    size_t n = MIN((u64)len, file_size);
    u8 *copy = malloc(n ? n : 1);
    int ret;

    memcpy(copy, file, n);
    ret = elf_parse(copy, n, file_size, img, err);
    free(copy);
    return ret;
}

/* ---- crafted files ---- */

#define CRAFT_MAX_PH 8
#define CODE_OFF 0x200

struct craft {
    struct elf64_ehdr eh;
    struct elf64_phdr ph[CRAFT_MAX_PH];
    u64 file_size;
    size_t len; /* bytes handed to elf_parse; 0: min(file_size, 4096) */
};

static struct elf64_phdr load(u32 flags, u64 off, u64 vaddr, u64 filesz, u64 memsz)
{
    return (struct elf64_phdr){.p_type = PT_LOAD,
                               .p_flags = flags,
                               .p_offset = off,
                               .p_vaddr = vaddr,
                               .p_paddr = vaddr,
                               .p_filesz = filesz,
                               .p_memsz = memsz,
                               .p_align = 0x1000};
}

/* Text RX at 0x400000 (file 0..0x1000), data RW at 0x401000 (file
 * 0x1000..0x1100, bss to 0x403000), PT_GNU_STACK RW. */
static void craft_base(struct craft *c)
{
    memset(c, 0, sizeof(*c));
    c->eh.e_ident[0] = 0x7f;
    c->eh.e_ident[1] = 'E';
    c->eh.e_ident[2] = 'L';
    c->eh.e_ident[3] = 'F';
    c->eh.e_ident[EI_CLASS] = ELFCLASS64;
    c->eh.e_ident[EI_DATA] = ELFDATA2LSB;
    c->eh.e_ident[EI_VERSION] = EV_CURRENT;
    c->eh.e_type = ET_EXEC;
    c->eh.e_machine = EM_X86_64;
    c->eh.e_version = EV_CURRENT;
    c->eh.e_entry = 0x400000 + CODE_OFF;
    c->eh.e_phoff = sizeof(struct elf64_ehdr);
    c->eh.e_ehsize = sizeof(struct elf64_ehdr);
    c->eh.e_phentsize = sizeof(struct elf64_phdr);
    c->eh.e_phnum = 3;
    c->ph[0] = load(PF_R | PF_X, 0, 0x400000, 0x1000, 0x1000);
    c->ph[1] = load(PF_R | PF_W, 0x1000, 0x401000, 0x100, 0x2000);
    c->ph[2] = (struct elf64_phdr){.p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W, .p_align = 16};
    c->file_size = 0x1100;
}

/* Serializes into a zeroed file image of file_size bytes (the caller frees). */
static u8 *craft_bytes(const struct craft *c)
{
    u8 *f = calloc(1, c->file_size + 1);
    size_t table = (size_t)c->eh.e_phnum * sizeof(struct elf64_phdr);

    memcpy(f, &c->eh, MIN(c->file_size, sizeof(c->eh)));
    if (c->eh.e_phoff < c->file_size) {
        size_t n = MIN(MIN(table, sizeof(c->ph)), c->file_size - c->eh.e_phoff);
        memcpy(f + c->eh.e_phoff, c->ph, n);
    }
    if (c->file_size >= CODE_OFF + 32) {
        memset(f + CODE_OFF, 0xcc, 32); /* int3 */
    }
    return f;
}

static int craft_parse(const struct craft *c, struct elf_image *img, const char **err)
{
    u8 *f = craft_bytes(c);
    size_t len = c->len ? c->len : ELF_PARSE_BUF_SIZE;
    int ret = parse_exact(f, len, c->file_size, img, err);

    free(f);
    return ret;
}

static void test_crafted_valid(void)
{
    struct craft c;
    struct elf_image img;
    const char *err = "unset";

    craft_base(&c);
    CHECK_EQ(craft_parse(&c, &img, &err), 0);
    CHECK(err == NULL);
    CHECK_EQ(img.type, ET_EXEC);
    CHECK_EQ(img.entry, 0x400200);
    CHECK_EQ(img.nsegs, 2);
    CHECK_EQ(img.segs[0].vaddr, 0x400000);
    CHECK_EQ(img.segs[0].prot, ELF_PROT_READ | ELF_PROT_EXEC);
    CHECK_EQ(img.segs[1].vaddr, 0x401000);
    CHECK_EQ(img.segs[1].filesz, 0x100);
    CHECK_EQ(img.segs[1].memsz, 0x2000);
    CHECK_EQ(img.segs[1].offset, 0x1000);
    CHECK_EQ(img.segs[1].align, 0x1000);
    CHECK_EQ(img.segs[1].prot, ELF_PROT_READ | ELF_PROT_WRITE);
    CHECK_EQ(img.phdr_vaddr, 0x400040);
    CHECK_EQ(img.phnum, 3);
    CHECK_EQ(img.phent, 56);
    CHECK_EQ(img.phoff, 64);
    CHECK(!img.has_interp);
    CHECK(img.has_gnu_stack);
    CHECK(!img.exec_stack);
    CHECK_EQ(img.span_start, 0x400000);
    CHECK_EQ(img.span_end, 0x403000);
    CHECK_EQ(img.max_align, 0x1000);
}

/* Accepted oddities: each mutation, then what the result must show. */
static void test_crafted_accepted(void)
{
    struct craft c;
    struct elf_image img;
    const char *err;

    /* Segments out of order are sorted. */
    craft_base(&c);
    struct elf64_phdr t = c.ph[0];
    c.ph[0] = c.ph[1];
    c.ph[1] = t;
    CHECK_EQ(craft_parse(&c, &img, &err), 0);
    CHECK_EQ(img.segs[0].vaddr, 0x400000);
    CHECK_EQ(img.segs[1].vaddr, 0x401000);
    CHECK_EQ(img.phdr_vaddr, 0x400040);

    /* A zero-size PT_LOAD is skipped (even with garbage offset/alignment). */
    craft_base(&c);
    c.ph[2] = load(PF_R, 0x123456, 0x300000, 0, 0);
    c.ph[2].p_align = 3;
    CHECK_EQ(craft_parse(&c, &img, &err), 0);
    CHECK_EQ(img.nsegs, 2);
    CHECK(!img.has_gnu_stack);

    /* Two segments sharing a page at their boundary (no byte overlap). */
    craft_base(&c);
    c.ph[0].p_filesz = c.ph[0].p_memsz = 0x800;
    c.ph[1] = load(PF_R | PF_W, 0x800, 0x400800, 0x100, 0x800);
    c.file_size = 0x1000;
    CHECK_EQ(craft_parse(&c, &img, &err), 0);
    CHECK_EQ(img.span_end, 0x401000);

    /* Bss-only segment: offset unused, not checked against the file. */
    craft_base(&c);
    c.ph[2] = load(PF_R | PF_W, 0xdead0123, 0x500000, 0, 0x1000);
    CHECK_EQ(craft_parse(&c, &img, &err), 0);
    CHECK_EQ(img.nsegs, 3);
    CHECK_EQ(img.span_end, 0x501000);

    /* Executable stack; p_align 0 and 2 MiB. */
    craft_base(&c);
    c.ph[2].p_flags = PF_R | PF_W | PF_X;
    c.ph[0].p_align = 0;
    c.ph[1].p_align = 0x200000;
    CHECK_EQ(craft_parse(&c, &img, &err), 0);
    CHECK(img.exec_stack);
    CHECK_EQ(img.max_align, 0x200000);

    /* No PT_LOAD covers e_phoff: PT_PHDR gives AT_PHDR; without it, 0. */
    craft_base(&c);
    c.ph[0].p_offset = 0x1000;
    c.ph[0].p_filesz = 0x100;
    c.ph[2] = (struct elf64_phdr){.p_type = PT_PHDR, .p_vaddr = 0x7000};
    CHECK_EQ(craft_parse(&c, &img, &err), 0);
    CHECK_EQ(img.phdr_vaddr, 0x7000);
    c.ph[2].p_type = 0;
    CHECK_EQ(craft_parse(&c, &img, &err), 0);
    CHECK_EQ(img.phdr_vaddr, 0);

    /* ET_DYN at 0: addresses stay relative. */
    craft_base(&c);
    c.eh.e_type = ET_DYN;
    c.eh.e_entry = CODE_OFF;
    c.ph[0].p_vaddr = 0;
    c.ph[1].p_vaddr = 0x1000;
    CHECK_EQ(craft_parse(&c, &img, &err), 0);
    CHECK_EQ(img.type, ET_DYN);
    CHECK_EQ(img.phdr_vaddr, 0x40);
    CHECK_EQ(img.span_start, 0);
    CHECK_EQ(img.span_end, 0x3000);

    /* ET_DYN whose span nearly fills user space (Linux places it). */
    c.ph[1].p_vaddr = USER_SPACE_TOP - 0x2000;
    CHECK_EQ(craft_parse(&c, &img, &err), 0);
    CHECK_EQ(img.span_end, USER_SPACE_TOP);

    /* The program header table may be anywhere in the bytes given. */
    craft_base(&c);
    c.eh.e_phoff = 0x1000 - 3 * sizeof(struct elf64_phdr);
    CHECK_EQ(craft_parse(&c, &img, &err), 0);
    c.eh.e_phoff = 0x1010;
    c.len = 0x1100;
    CHECK_EQ(craft_parse(&c, &img, &err), 0);
    CHECK_EQ(img.phdr_vaddr, 0x401010);

    /* Entry at the last byte of an executable segment. */
    craft_base(&c);
    c.eh.e_entry = 0x400fff;
    CHECK_EQ(craft_parse(&c, &img, &err), 0);
}

/* Dynamic executables are rejected, with the interpreter recorded. */
static void test_crafted_dynamic(void)
{
    struct craft c;
    struct elf_image img;
    const char *err;
    static const char path[] = "/lib64/ld-linux-x86-64.so.2";

    craft_base(&c);
    c.ph[2] = (struct elf64_phdr){.p_type = PT_INTERP, .p_offset = 0x300, .p_filesz = sizeof(path)};
    u8 *f = craft_bytes(&c);
    memcpy(f + 0x300, path, sizeof(path));
    int ret = parse_exact(f, 4096, c.file_size, &img, &err);
    free(f);
    CHECK_EQ(ret, -ENOEXEC);
    CHECK(err && strstr(err, "dynamic"));
    CHECK(img.has_interp);
    CHECK_EQ(img.interp_offset, 0x300);
    CHECK_EQ(img.interp_size, sizeof(path));
    CHECK_EQ(img.nsegs, 2);
    CHECK_EQ(img.entry, 0x400200);
}

struct bad_case {
    const char *name;
    void (*mutate)(struct craft *c);
    int err;
};

static void m_trunc3(struct craft *c)
{
    c->file_size = 3;
}
static void m_trunc40(struct craft *c)
{
    c->file_size = 40;
}
static void m_trunc63(struct craft *c)
{
    c->file_size = 63;
}
static void m_short_buffer(struct craft *c)
{
    c->len = 40;
}
static void m_magic(struct craft *c)
{
    c->eh.e_ident[3] = 'G';
}
static void m_class32(struct craft *c)
{
    c->eh.e_ident[EI_CLASS] = 1;
}
static void m_classnone(struct craft *c)
{
    c->eh.e_ident[EI_CLASS] = 0;
}
static void m_bigendian(struct craft *c)
{
    c->eh.e_ident[EI_DATA] = 2;
}
static void m_eiversion(struct craft *c)
{
    c->eh.e_ident[EI_VERSION] = 0;
}
static void m_eversion(struct craft *c)
{
    c->eh.e_version = 2;
}
static void m_type_rel(struct craft *c)
{
    c->eh.e_type = 1;
}
static void m_type_core(struct craft *c)
{
    c->eh.e_type = 4;
}
static void m_machine_386(struct craft *c)
{
    c->eh.e_machine = 3;
}
static void m_machine_aarch64(struct craft *c)
{
    c->eh.e_machine = 183;
}
static void m_phentsize55(struct craft *c)
{
    c->eh.e_phentsize = 55;
}
static void m_phentsize64(struct craft *c)
{
    c->eh.e_phentsize = 64;
}
static void m_phnum0(struct craft *c)
{
    c->eh.e_phnum = 0;
}
static void m_phnum1171(struct craft *c)
{
    c->eh.e_phnum = 1171; /* 65576 bytes > 64 KiB */
    c->file_size = 0x20000;
}
static void m_phnum_xnum(struct craft *c)
{
    c->eh.e_phnum = 0xffff;
}
static void m_phoff_beyond(struct craft *c)
{
    c->eh.e_phoff = 0x5000;
}
static void m_phoff_huge(struct craft *c)
{
    c->eh.e_phoff = 0xfffffffffffffff0ULL;
}
static void m_phoff_partial(struct craft *c)
{
    c->eh.e_phoff = c->file_size - 60;
}
static void m_phdrs_past_buffer(struct craft *c)
{
    /* Inside the file, but past the first 4096 bytes. */
    c->file_size = 0x2000;
    c->eh.e_phoff = 0x1100;
}
static void m_phdrs_straddle_buffer(struct craft *c)
{
    c->eh.e_phoff = 0x1000 - 40;
}
static void m_interp_size1(struct craft *c)
{
    c->ph[2] = (struct elf64_phdr){.p_type = PT_INTERP, .p_offset = 0x300, .p_filesz = 1};
}
static void m_interp_4097(struct craft *c)
{
    c->ph[2] = (struct elf64_phdr){.p_type = PT_INTERP, .p_offset = 0x100, .p_filesz = 4097};
}
static void m_interp_no_nul(struct craft *c)
{
    /* The "code" bytes at CODE_OFF are not NUL. */
    c->ph[2] = (struct elf64_phdr){.p_type = PT_INTERP, .p_offset = CODE_OFF, .p_filesz = 13};
}
static void m_interp_beyond_eof(struct craft *c)
{
    c->ph[2] = (struct elf64_phdr){.p_type = PT_INTERP, .p_offset = 0x3000, .p_filesz = 12};
}
static void m_interp_partly_beyond_eof(struct craft *c)
{
    c->ph[2] = (struct elf64_phdr){.p_type = PT_INTERP, .p_offset = 0x10f8, .p_filesz = 13};
}
static void m_interp_beyond_before_bad_load(struct craft *c)
{
    /* Linux handles PT_INTERP first: EIO, not the segment's EINVAL. */
    c->ph[0].p_memsz = 0x800;
    c->ph[2] = (struct elf64_phdr){.p_type = PT_INTERP, .p_offset = 0x3000, .p_filesz = 12};
}
static void m_filesz_gt_memsz(struct craft *c)
{
    c->ph[1].p_memsz = 0x80;
}
static void m_filesz_gt_memsz0(struct craft *c)
{
    c->ph[2] = load(PF_R, 0, 0x600000, 0x10, 0);
}
static void m_align3(struct craft *c)
{
    c->ph[1].p_align = 3;
}
static void m_align_0x1800(struct craft *c)
{
    c->ph[0].p_align = 0x1800;
}
static void m_misaligned_offset(struct craft *c)
{
    c->ph[1].p_offset = 0x1010;
    c->file_size = 0x1200;
}
static void m_vaddr_top(struct craft *c)
{
    c->ph[1].p_vaddr = USER_SPACE_TOP; /* offset 0x1000: congruent */
}
static void m_vaddr_over_top(struct craft *c)
{
    c->ph[1].p_vaddr = USER_SPACE_TOP - 0x1000; /* memsz 0x2000 */
}
static void m_vaddr_kernel(struct craft *c)
{
    c->ph[1].p_vaddr = 0xffff800000001000ULL;
}
static void m_memsz_wrap(struct craft *c)
{
    c->ph[1].p_memsz = 0xfffffffffff00000ULL;
}
static void m_memsz_128t(struct craft *c)
{
    c->ph[1].p_memsz = USER_SPACE_TOP - 0x400000; /* ends a page past the top */
}
static void m_dyn_vaddr_high(struct craft *c)
{
    c->eh.e_type = ET_DYN;
    c->ph[1].p_vaddr = 0xffff800000001000ULL;
}
static void m_dyn_memsz_wrap(struct craft *c)
{
    c->eh.e_type = ET_DYN;
    c->ph[1].p_memsz = 0xffffffffffff0000ULL;
}
static void m_filesz_beyond_eof(struct craft *c)
{
    c->ph[1].p_filesz = 0x200;
}
static void m_offset_beyond_eof(struct craft *c)
{
    c->ph[1].p_offset = 0x10000;
}
static void m_offset_wrap(struct craft *c)
{
    c->ph[1].p_offset = 0xfffffffffffff000ULL;
    c->ph[1].p_vaddr = 0x401000;
}
static void m_overlap(struct craft *c)
{
    c->ph[0].p_memsz = 0x1001;
}
static void m_overlap_same(struct craft *c)
{
    c->ph[1] = c->ph[0];
    c->ph[1].p_flags = PF_R | PF_W;
}
static void m_overlap_inside(struct craft *c)
{
    c->ph[2] = load(PF_R, 0x1000, 0x402000, 0x10, 0x10);
}
static void m_too_many_loads(struct craft *c)
{
    /* More headers than struct craft holds: test_crafted_malformed writes them. */
    c->eh.e_phnum = 17;
}
static void m_no_load(struct craft *c)
{
    c->ph[0].p_type = 0;
    c->ph[1].p_type = 0;
}
static void m_entry_outside(struct craft *c)
{
    c->eh.e_entry = 0x500000;
}
static void m_entry_end(struct craft *c)
{
    c->eh.e_entry = 0x401000; /* one past the text segment: data, not X */
}
static void m_entry_kernel(struct craft *c)
{
    c->eh.e_entry = 0xffffffff80000000ULL;
}
static void m_entry_noexec(struct craft *c)
{
    c->eh.e_entry = 0x401010;
}
static void m_entry_zero(struct craft *c)
{
    c->eh.e_entry = 0;
}

static const struct bad_case bad_cases[] = {
    {"file of 3 bytes", m_trunc3, -ENOEXEC},
    {"file of 40 bytes", m_trunc40, -ENOEXEC},
    {"file of 63 bytes", m_trunc63, -ENOEXEC},
    {"buffer of 40 bytes", m_short_buffer, -ENOEXEC},
    {"bad magic", m_magic, -ENOEXEC},
    {"ELFCLASS32", m_class32, -ENOEXEC},
    {"ELFCLASSNONE", m_classnone, -ENOEXEC},
    {"big endian", m_bigendian, -ENOEXEC},
    {"EI_VERSION 0", m_eiversion, -ENOEXEC},
    {"e_version 2", m_eversion, -ENOEXEC},
    {"ET_REL", m_type_rel, -ENOEXEC},
    {"ET_CORE", m_type_core, -ENOEXEC},
    {"EM_386", m_machine_386, -ENOEXEC},
    {"EM_AARCH64", m_machine_aarch64, -ENOEXEC},
    {"e_phentsize 55", m_phentsize55, -ENOEXEC},
    {"e_phentsize 64", m_phentsize64, -ENOEXEC},
    {"e_phnum 0", m_phnum0, -ENOEXEC},
    {"e_phnum 1171 (table > 64 KiB)", m_phnum1171, -ENOEXEC},
    {"e_phnum 0xffff", m_phnum_xnum, -ENOEXEC},
    {"phdrs beyond EOF", m_phoff_beyond, -ENOEXEC},
    {"e_phoff wraps", m_phoff_huge, -ENOEXEC},
    {"phdrs cut by EOF", m_phoff_partial, -ENOEXEC},
    {"phdrs past the first 4096 bytes", m_phdrs_past_buffer, -ENOEXEC},
    {"phdrs straddle byte 4096", m_phdrs_straddle_buffer, -ENOEXEC},
    {"PT_INTERP size 1", m_interp_size1, -ENOEXEC},
    {"PT_INTERP size 4097", m_interp_4097, -ENOEXEC},
    {"PT_INTERP without NUL", m_interp_no_nul, -ENOEXEC},
    {"PT_INTERP beyond EOF", m_interp_beyond_eof, -EIO},
    {"PT_INTERP cut by EOF", m_interp_partly_beyond_eof, -EIO},
    {"PT_INTERP checked before PT_LOAD", m_interp_beyond_before_bad_load, -EIO},
    {"filesz > memsz", m_filesz_gt_memsz, -EINVAL},
    {"filesz > memsz 0", m_filesz_gt_memsz0, -EINVAL},
    {"p_align 3", m_align3, -ENOEXEC},
    {"p_align 0x1800", m_align_0x1800, -ENOEXEC},
    {"vaddr - offset not page-aligned", m_misaligned_offset, -EINVAL},
    {"segment at USER_SPACE_TOP", m_vaddr_top, -EINVAL},
    {"segment crosses USER_SPACE_TOP", m_vaddr_over_top, -EINVAL},
    {"segment in kernel space", m_vaddr_kernel, -EINVAL},
    {"vaddr + memsz wraps", m_memsz_wrap, -EINVAL},
    {"memsz of nearly 128 TiB", m_memsz_128t, -EINVAL},
    {"ET_DYN segment in kernel space", m_dyn_vaddr_high, -EINVAL},
    {"ET_DYN vaddr + memsz wraps", m_dyn_memsz_wrap, -EINVAL},
    {"file bytes beyond EOF", m_filesz_beyond_eof, -EINVAL},
    {"offset beyond EOF", m_offset_beyond_eof, -EINVAL},
    {"offset + filesz wraps", m_offset_wrap, -EINVAL},
    {"overlapping segments", m_overlap, -EINVAL},
    {"identical segments", m_overlap_same, -EINVAL},
    {"segment inside another", m_overlap_inside, -EINVAL},
    {"17 PT_LOAD segments", m_too_many_loads, -ENOEXEC},
    {"no PT_LOAD", m_no_load, -ENOEXEC},
    {"entry outside", m_entry_outside, -ENOEXEC},
    {"entry one past text", m_entry_end, -ENOEXEC},
    {"entry in kernel space", m_entry_kernel, -ENOEXEC},
    {"entry in non-executable segment", m_entry_noexec, -ENOEXEC},
    {"entry 0", m_entry_zero, -ENOEXEC},
};

static void test_crafted_malformed(void)
{
    bool ok = true;

    for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
        const struct bad_case *bc = &bad_cases[i];
        struct craft c;
        struct elf_image img;
        const char *err = NULL;
        int ret;

        craft_base(&c);
        bc->mutate(&c);
        if (bc->mutate == m_too_many_loads) {
            /* Needs more headers than struct craft holds. */
            u8 *f = calloc(1, 0x2000);
            memcpy(f, &c.eh, sizeof(c.eh));
            for (int j = 0; j < 17; j++) {
                struct elf64_phdr p =
                    load(PF_R | PF_X, 0, 0x400000 + 0x1000 * (u64)j, 0x100, 0x100);
                memcpy(f + 64 + j * sizeof(p), &p, sizeof(p));
            }
            ret = parse_exact(f, 4096, 0x2000, &img, &err);
            free(f);
        } else {
            ret = craft_parse(&c, &img, &err);
        }
        if (ret != bc->err || err == NULL || err[0] == '\0') {
            printf("  %s: got %d (%s), want %d\n", bc->name, ret, err ? err : "no message",
                   bc->err);
            ok = false;
        }
    }
    CHECK(ok);
}

/* ---- real binaries from the host toolchain ---- */

static char tmpdir[64];

static const char aux_prog[] = "#include <stdio.h>\n"
                               "#include <sys/auxv.h>\n"
                               "extern char __ehdr_start[];\n"
                               "int main(void)\n"
                               "{\n"
                               "    printf(\"%lx %lx %lx\\n\", getauxval(AT_PHDR),\n"
                               "           getauxval(AT_ENTRY), (unsigned long)__ehdr_start);\n"
                               "    return 0;\n"
                               "}\n";

static bool make_tmpdir(void)
{
    if (tmpdir[0]) {
        return true;
    }
    strcpy(tmpdir, "/tmp/test_elf.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        tmpdir[0] = '\0';
        return false;
    }
    return true;
}

static void rm_tmpdir(void)
{
    char cmd[128];

    if (tmpdir[0]) {
        snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
        if (system(cmd) != 0) {
            printf("  could not remove %s\n", tmpdir);
        }
    }
}

static u8 *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    u8 *buf;
    long n;

    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc(n ? n : 1);
    if (fread(buf, 1, n, f) != (size_t)n) {
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

struct readelf_info {
    u64 entry;
    unsigned phnum;
    unsigned nload;
    struct elf_segment load[ELF_MAX_LOAD_SEGMENTS];
    bool dyn;
};

static bool run_readelf(const char *path, struct readelf_info *ri)
{
    char cmd[256], line[512];
    FILE *p;

    memset(ri, 0, sizeof(*ri));
    snprintf(cmd, sizeof(cmd), "readelf -hlW %s", path);
    p = popen(cmd, "r");
    if (!p) {
        return false;
    }
    while (fgets(line, sizeof(line), p)) {
        char type[32];
        unsigned long long off, va, pa, fsz, msz;
        int pos = 0;

        if (strstr(line, "Type:") && strstr(line, "DYN")) {
            ri->dyn = true;
        }
        if (sscanf(line, " Entry point address: %llx", &off) == 1) {
            ri->entry = off;
        }
        if (sscanf(line, " Number of program headers: %u", &ri->phnum) == 1) {
            continue;
        }
        if (sscanf(line, " %31s %llx %llx %llx %llx %llx %n", type, &off, &va, &pa, &fsz, &msz,
                   &pos) == 6 &&
            !strcmp(type, "LOAD") && ri->nload < ELF_MAX_LOAD_SEGMENTS) {
            struct elf_segment *s = &ri->load[ri->nload++];
            const char *rest = line + pos;
            const char *al = strstr(rest, "0x");

            s->offset = off;
            s->vaddr = va;
            s->filesz = fsz;
            s->memsz = msz;
            s->align = al ? strtoull(al, NULL, 16) : 0;
            for (const char *q = rest; al && q < al; q++) {
                s->prot |= *q == 'R' ? ELF_PROT_READ : 0;
                s->prot |= *q == 'W' ? ELF_PROT_WRITE : 0;
                s->prot |= *q == 'E' ? ELF_PROT_EXEC : 0;
            }
        }
    }
    return pclose(p) == 0 && ri->phnum > 0 && ri->nload > 0;
}

/* Builds the aux program with flags, runs it, parses it, compares. Returns
 * the file (caller frees) for the fuzz test, or NULL after a failed check. */
static u8 *check_real(const char *flags, const char *name, u16 want_type, size_t *file_len)
{
    char src[128], exe[128], cmd[512];
    struct readelf_info ri;
    struct elf_image img;
    const char *err;
    unsigned long at_phdr, at_entry, ehdr_start;
    u8 *file;
    FILE *p;
    u64 bias = 0;
    bool found0 = false;
    int ret;

    if (!make_tmpdir()) {
        printf("  mkdtemp failed\n");
        return NULL;
    }
    snprintf(src, sizeof(src), "%s/aux.c", tmpdir);
    snprintf(exe, sizeof(exe), "%s/%s", tmpdir, name);
    p = fopen(src, "w");
    if (!p) {
        return NULL;
    }
    fputs(aux_prog, p);
    fclose(p);
    snprintf(cmd, sizeof(cmd), "gcc %s -O1 -o %s %s", flags, exe, src);
    if (system(cmd) != 0) {
        printf("  '%s' failed\n", cmd);
        return NULL;
    }
    p = popen(exe, "r");
    if (!p || fscanf(p, "%lx %lx %lx", &at_phdr, &at_entry, &ehdr_start) != 3) {
        printf("  running %s failed\n", exe);
        if (p) {
            pclose(p);
        }
        return NULL;
    }
    pclose(p);
    if (!run_readelf(exe, &ri)) {
        printf("  readelf failed\n");
        return NULL;
    }
    file = read_file(exe, file_len);
    if (!file) {
        return NULL;
    }

    ret = parse_exact(file, ELF_PARSE_BUF_SIZE, *file_len, &img, &err);
    if (ret != 0) {
        printf("  %s: elf_parse %d: %s\n", name, ret, err);
        goto bad;
    }
    if (img.type != want_type || ri.dyn != (want_type == ET_DYN) || img.entry != ri.entry ||
        img.phnum != ri.phnum || img.nsegs != ri.nload || img.phent != 56 || img.exec_stack ||
        !img.has_gnu_stack || img.has_interp) {
        printf("  %s: header fields differ from readelf\n", name);
        goto bad;
    }
    for (unsigned i = 0; i < img.nsegs; i++) {
        const struct elf_segment *a = &img.segs[i], *b = &ri.load[i];
        if (a->vaddr != b->vaddr || a->memsz != b->memsz || a->offset != b->offset ||
            a->filesz != b->filesz || a->align != b->align || a->prot != b->prot) {
            printf("  %s: segment %u differs from readelf\n", name, i);
            goto bad;
        }
        if (a->offset == 0) {
            /* The ELF header is at file offset 0: __ehdr_start = bias + vaddr. */
            bias = ehdr_start - a->vaddr;
            found0 = true;
        }
    }
    if (!found0 || (want_type == ET_EXEC && bias != 0) || bias % ELF_PAGE_SIZE) {
        printf("  %s: no segment maps offset 0, or odd bias %#llx\n", name,
               (unsigned long long)bias);
        goto bad;
    }
    /* What the host kernel told the program, minus its load bias. */
    if (img.phdr_vaddr + bias != at_phdr || img.entry + bias != at_entry) {
        printf("  %s: AT_PHDR %#lx AT_ENTRY %#lx, parsed %#llx %#llx + bias %#llx\n", name, at_phdr,
               at_entry, (unsigned long long)img.phdr_vaddr, (unsigned long long)img.entry,
               (unsigned long long)bias);
        goto bad;
    }
    if (img.span_start != ALIGN_DOWN(img.segs[0].vaddr, 4096ULL) ||
        img.span_end <= img.span_start || img.span_end % 4096) {
        printf("  %s: bad span\n", name);
        goto bad;
    }
    printf("  %s: %u segments, entry %#llx, AT_PHDR %#llx, span %#llx-%#llx\n", name, img.nsegs,
           (unsigned long long)img.entry, (unsigned long long)img.phdr_vaddr,
           (unsigned long long)img.span_start, (unsigned long long)img.span_end);
    return file;
bad:
    free(file);
    return NULL;
}

static u8 *real_static, *real_pie;
static size_t real_static_len, real_pie_len;

static void test_real_static(void)
{
    real_static = check_real("-static", "static", ET_EXEC, &real_static_len);
    CHECK(real_static);
}

static void test_real_static_pie(void)
{
    real_pie = check_real("-static-pie -fPIE", "static-pie", ET_DYN, &real_pie_len);
    CHECK(real_pie);
}

/* The host's own dynamic tools: -ENOEXEC "dynamic", interpreter recorded. */
static void test_real_dynamic(void)
{
    size_t len;
    u8 *file = read_file("/bin/sh", &len);
    struct elf_image img;
    const char *err;
    char interp[64] = "";

    CHECK(file);
    int ret = parse_exact(file, ELF_PARSE_BUF_SIZE, len, &img, &err);
    if (img.has_interp && img.interp_size < sizeof(interp)) {
        memcpy(interp, file + img.interp_offset, img.interp_size);
    }
    free(file);
    CHECK_EQ(ret, -ENOEXEC);
    CHECK(err && strstr(err, "dynamic"));
    CHECK(img.has_interp);
    CHECK(strstr(interp, "ld-linux") != NULL);
}

/* ---- fuzz ---- */

static const u64 interesting[] = {
    0,
    1,
    2,
    55,
    56,
    64,
    0xfff,
    0x1000,
    0x1001,
    0x400000,
    0x401000,
    USER_SPACE_TOP - 0x1000,
    USER_SPACE_TOP,
    USER_SPACE_TOP + 1,
    0x7fffffffffffffffULL,
    0x8000000000000000ULL,
    0xfffffffffffff000ULL,
    0xffffffffffffffffULL,
};

static u64 fuzz_value(void)
{
    switch (harness_rand() % 4) {
    case 0:
        return interesting[harness_rand() % ARRAY_SIZE(interesting)];
    case 1:
        return interesting[harness_rand() % ARRAY_SIZE(interesting)] + harness_rand() % 64 - 32;
    case 2:
        return harness_rand() % 0x10000;
    default:
        return harness_rand();
    }
}

/* Checks what a successful parse promises. */
static bool image_sane(const struct elf_image *img, u64 file_size)
{
    bool entry_ok = false;

    if (img->nsegs < 1 || img->nsegs > ELF_MAX_LOAD_SEGMENTS || img->has_interp ||
        (img->type != ET_EXEC && img->type != ET_DYN) || img->phent != 56 || img->phnum == 0) {
        return false;
    }
    for (unsigned i = 0; i < img->nsegs; i++) {
        const struct elf_segment *s = &img->segs[i];
        if (s->memsz == 0 || s->filesz > s->memsz || s->vaddr + s->memsz > USER_SPACE_TOP ||
            s->vaddr + s->memsz < s->vaddr || (s->align & (s->align - 1))) {
            return false;
        }
        if (s->filesz &&
            (s->offset + s->filesz > file_size || (s->vaddr - s->offset) % ELF_PAGE_SIZE)) {
            return false;
        }
        if (i > 0 && img->segs[i - 1].vaddr + img->segs[i - 1].memsz > s->vaddr) {
            return false;
        }
        if ((s->prot & ELF_PROT_EXEC) && img->entry >= s->vaddr &&
            img->entry < s->vaddr + s->memsz) {
            entry_ok = true;
        }
    }
    return entry_ok && img->span_start <= img->segs[0].vaddr && img->span_end <= USER_SPACE_TOP &&
           img->span_start % ELF_PAGE_SIZE == 0 && img->span_end % ELF_PAGE_SIZE == 0;
}

static bool fuzz_base(const u8 *base, size_t base_len, u64 base_file_size, int iters)
{
    u8 *m = malloc(base_len);
    int accepted = 0;

    for (int it = 0; it < iters; it++) {
        struct elf64_ehdr eh;
        size_t len = base_len;
        u64 file_size = base_file_size;
        int nmut = 1 + harness_rand() % 4;
        struct elf_image img;
        const char *err = NULL;

        memcpy(m, base, base_len);
        memcpy(&eh, m, sizeof(eh));
        for (int k = 0; k < nmut; k++) {
            unsigned phnum = eh.e_phnum ? eh.e_phnum : 1;
            size_t table_end = MIN(base_len, 64 + (size_t)phnum * 56);
            u64 v = fuzz_value();

            switch (harness_rand() % 6) {
            case 0: /* flip a bit in the headers */
                m[harness_rand() % table_end] ^= 1u << (harness_rand() % 8);
                break;
            case 1: { /* a header field */
                static const u8 offs[] = {16, 18, 20, 24, 32, 54, 56};
                static const u8 sizes[] = {2, 2, 4, 8, 8, 2, 2};
                unsigned f = harness_rand() % sizeof(offs);
                memcpy(m + offs[f], &v, sizes[f]);
                break;
            }
            case 2: { /* a program header field */
                static const u8 offs[] = {0, 4, 8, 16, 32, 40, 48};
                static const u8 sizes[] = {4, 4, 8, 8, 8, 8, 8};
                static const u32 types[] = {PT_LOAD, PT_LOAD, PT_INTERP, PT_PHDR, PT_GNU_STACK};
                unsigned f = harness_rand() % sizeof(offs);
                size_t at = eh.e_phoff + (harness_rand() % phnum) * 56 + offs[f];
                if (f == 0 && harness_rand() % 2) {
                    v = types[harness_rand() % ARRAY_SIZE(types)];
                }
                if (eh.e_phoff < base_len && at + sizes[f] <= base_len) {
                    memcpy(m + at, &v, sizes[f]);
                }
                break;
            }
            case 3: /* shorter buffer */
                len = harness_rand() % (base_len + 1);
                break;
            case 4: /* other file size */
                file_size = harness_rand() % 2 ? harness_rand() % (2 * base_file_size + 1) : v;
                break;
            default: /* a random byte anywhere */
                m[harness_rand() % base_len] = harness_rand();
                break;
            }
        }
        /* Exact-size copy so ASan sees any read past len. */
        int ret = parse_exact(m, len, file_size, &img, &err);
        if (ret == 0) {
            accepted++;
            if (err || !image_sane(&img, file_size)) {
                printf("  iteration %d: accepted an insane image\n", it);
                free(m);
                return false;
            }
        } else if (!err || (ret != -ENOEXEC && ret != -EINVAL && ret != -EIO)) {
            printf("  iteration %d: ret %d without a message or with an odd errno\n", it, ret);
            free(m);
            return false;
        }
    }
    printf("  %d of %d mutations accepted\n", accepted, iters);
    free(m);
    return true;
}

static void test_fuzz(void)
{
    struct craft c;
    u8 *f;
    bool ok;

    harness_seed(0x454c4636);
    craft_base(&c);
    f = craft_bytes(&c);
    ok = fuzz_base(f, c.file_size, c.file_size, 50000);
    free(f);
    CHECK(ok);
    if (real_static) {
        CHECK(fuzz_base(real_static, ELF_PARSE_BUF_SIZE, real_static_len, 25000));
    }
    if (real_pie) {
        CHECK(fuzz_base(real_pie, ELF_PARSE_BUF_SIZE, real_pie_len, 25000));
    }
}

int main(void)
{
    RUN(test_crafted_valid);
    RUN(test_crafted_accepted);
    RUN(test_crafted_dynamic);
    RUN(test_crafted_malformed);
    RUN(test_real_static);
    RUN(test_real_static_pie);
    RUN(test_real_dynamic);
    RUN(test_fuzz);
    free(real_static);
    free(real_pie);
    rm_tmpdir();
    HARNESS_EXIT();
}
