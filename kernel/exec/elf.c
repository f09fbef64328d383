// SPDX-License-Identifier: MIT
/* ELF64 executable validation for execve. Portable: also built into the host
 * unit tests.
 *
 * Malformed files: what Linux 6.18 x86_64 does with each (measured by
 * execve'ing crafted files) and what elf_parse returns. Linux checks the
 * header and reads the program headers before the point of no return; the
 * segment checks come after it, so its failures there kill the new image
 * (SIGSEGV) instead of failing execve. Kiln fails execve for those.
 *
 * | file                                        | Linux 6.18          | Kiln      |
 * |---------------------------------------------|---------------------|-----------|
 * | shorter than 4 bytes, bad magic             | ENOEXEC             | -ENOEXEC  |
 * | shorter than the 64-byte ELF header         | ENOEXEC             | -ENOEXEC  |
 * | EI_CLASS not 64-bit, EI_DATA not LE,        | runs (not checked)  | -ENOEXEC  |
 * |   EI_VERSION or e_version not 1             |                     |           |
 * | e_type not ET_EXEC/ET_DYN                   | ENOEXEC             | -ENOEXEC  |
 * | e_machine not EM_X86_64                     | ENOEXEC             | -ENOEXEC  |
 * | e_phentsize != 56                           | ENOEXEC             | -ENOEXEC  |
 * | e_phnum 0, or phnum * 56 > 65536            | ENOEXEC             | -ENOEXEC  |
 * | program headers (partly) beyond EOF         | ENOEXEC             | -ENOEXEC  |
 * | program headers past the first 4096 bytes   | runs                | -ENOEXEC  |
 * |   (no linker does this: they use offset 64) |                     |           |
 * | PT_INTERP size < 2 or > 4096, no NUL        | ENOEXEC             | -ENOEXEC  |
 * | PT_INTERP path beyond EOF                   | EIO                 | -EIO      |
 * | PT_INTERP valid (dynamic executable)        | runs the interp.    | -ENOEXEC  |
 * | PT_LOAD filesz > memsz                      | SIGSEGV             | -EINVAL   |
 * | PT_LOAD p_align not 0 or a power of two     | runs (ignored)      | -ENOEXEC  |
 * | PT_LOAD (vaddr - offset) % 4096 != 0        | SIGSEGV             | -EINVAL   |
 * | PT_LOAD vaddr + memsz wraps or is beyond    | SIGSEGV             | -EINVAL   |
 * |   USER_SPACE_TOP (also ET_DYN, unbiased)    |                     |           |
 * | PT_LOAD file bytes beyond EOF               | runs, SIGBUS on     | -EINVAL   |
 * |                                             |   touch (or SIGSEGV)|           |
 * | PT_LOAD segments overlapping (bytes)        | runs, later wins    | -EINVAL   |
 * | PT_LOAD segments out of vaddr order         | runs                | accepted  |
 * | more than 16 PT_LOAD segments               | runs                | -ENOEXEC  |
 * | PT_LOAD with memsz 0                        | runs (no mapping)   | skipped   |
 * | PT_LOAD with filesz 0: p_offset not checked | runs (anonymous)    | accepted  |
 * | no PT_LOAD at all                           | SIGSEGV             | -ENOEXEC  |
 * | e_entry outside every executable PT_LOAD    | SIGSEGV             | -ENOEXEC  |
 * |   (also in a PT_LOAD without PF_X)          |                     |           |
 * | ET_DYN whose span finds no free room        | mmap fails: SIGSEGV | caller:   |
 * |   (any span inside user space is accepted)  |                     |  -ENOMEM  |
 *
 * Checks run in Linux's order (header, program header table, PT_INTERP,
 * then segments), so a file Linux rejects gets Linux's errno. AT_PHDR is
 * computed like Linux 5.18+: from the last PT_LOAD whose file bytes contain
 * e_phoff; PT_PHDR is only a fallback. */
#include <abi/errno.h>
#include <arch/x86_64/memlayout.h>
#include <kernel/compiler.h>
#include <kernel/exec.h>
#include <kernel/string.h>

#define PHDR_TABLE_MAX 65536

static const u8 elf_magic[4] = {0x7f, 'E', 'L', 'F'};

static int fail(const char **err, int e, const char *msg)
{
    if (err) {
        *err = msg;
    }
    return e;
}

static bool align_ok(u64 a)
{
    return (a & (a - 1)) == 0; /* 0, 1 or a power of two */
}

static u32 prot_of(u32 flags)
{
    u32 prot = 0;

    if (flags & PF_R) {
        prot |= ELF_PROT_READ;
    }
    if (flags & PF_W) {
        prot |= ELF_PROT_WRITE;
    }
    if (flags & PF_X) {
        prot |= ELF_PROT_EXEC;
    }
    return prot;
}

static int check_header(const struct elf64_ehdr *eh, const char **err)
{
    if (eh->e_ident[EI_CLASS] != ELFCLASS64) {
        return fail(err, -ENOEXEC, "not a 64-bit ELF file (EI_CLASS)");
    }
    if (eh->e_ident[EI_DATA] != ELFDATA2LSB) {
        return fail(err, -ENOEXEC, "not a little-endian ELF file (EI_DATA)");
    }
    if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT) {
        return fail(err, -ENOEXEC, "unknown ELF version");
    }
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) {
        return fail(err, -ENOEXEC, "ELF file is not an executable (e_type not EXEC or DYN)");
    }
    if (eh->e_machine != EM_X86_64) {
        return fail(err, -ENOEXEC, "ELF file is not for x86_64 (e_machine)");
    }
    if (eh->e_phentsize != sizeof(struct elf64_phdr)) {
        return fail(err, -ENOEXEC, "e_phentsize is not sizeof(Elf64_Phdr)");
    }
    if (eh->e_phnum == 0) {
        return fail(err, -ENOEXEC, "no program headers (e_phnum 0)");
    }
    if ((u64)eh->e_phnum * sizeof(struct elf64_phdr) > PHDR_TABLE_MAX) {
        return fail(err, -ENOEXEC, "program header table larger than 64 KiB");
    }
    return 0;
}

static int check_interp(const u8 *b, u64 avail, u64 file_size, const struct elf64_phdr *ph,
                        const char **err)
{
    if (ph->p_filesz < 2 || ph->p_filesz > ELF_INTERP_MAX) {
        return fail(err, -ENOEXEC, "PT_INTERP size out of range");
    }
    if (ph->p_offset > file_size || ph->p_filesz > file_size - ph->p_offset) {
        return fail(err, -EIO, "PT_INTERP path beyond the end of the file");
    }
    /* Linux reads the path; we can check its NUL only if it is in the buffer. */
    if (ph->p_offset + ph->p_filesz <= avail && b[ph->p_offset + ph->p_filesz - 1] != '\0') {
        return fail(err, -ENOEXEC, "PT_INTERP path not NUL-terminated");
    }
    return 0;
}

static int check_load(const struct elf64_phdr *ph, u64 file_size, const char **err)
{
    if (ph->p_filesz > ph->p_memsz) {
        return fail(err, -EINVAL, "PT_LOAD p_filesz larger than p_memsz");
    }
    if (ph->p_memsz == 0) {
        return 0; /* maps nothing: skipped */
    }
    if (!align_ok(ph->p_align)) {
        return fail(err, -ENOEXEC, "PT_LOAD p_align is not a power of two");
    }
    if (ph->p_memsz > USER_SPACE_TOP || ph->p_vaddr > USER_SPACE_TOP - ph->p_memsz) {
        return fail(err, -EINVAL, "PT_LOAD segment reaches beyond user space");
    }
    if (ph->p_filesz == 0) {
        return 0; /* anonymous (bss only): p_offset is not used */
    }
    if ((ph->p_vaddr - ph->p_offset) % ELF_PAGE_SIZE != 0) {
        return fail(err, -EINVAL, "PT_LOAD p_vaddr and p_offset differ modulo the page size");
    }
    if (ph->p_offset > file_size || ph->p_filesz > file_size - ph->p_offset) {
        return fail(err, -EINVAL, "PT_LOAD segment extends beyond the end of the file");
    }
    return 0;
}

/* Insertion into out->segs, kept sorted by vaddr. */
static void add_segment(struct elf_image *out, const struct elf64_phdr *ph)
{
    unsigned i = out->nsegs++;

    while (i > 0 && out->segs[i - 1].vaddr > ph->p_vaddr) {
        out->segs[i] = out->segs[i - 1];
        i--;
    }
    out->segs[i] = (struct elf_segment){
        .vaddr = ph->p_vaddr,
        .memsz = ph->p_memsz,
        .offset = ph->p_offset,
        .filesz = ph->p_filesz,
        .align = ph->p_align,
        .prot = prot_of(ph->p_flags),
    };
}

/* Reads the ELF header out of the buffer and checks it. */
static int read_ehdr(const u8 *b, u64 avail, u64 file_size, struct elf64_ehdr *eh, const char **err)
{
    if (avail < 4 || memcmp(b, elf_magic, sizeof(elf_magic)) != 0) {
        return fail(err, -ENOEXEC, "not an ELF file (bad magic)");
    }
    if (file_size < sizeof(*eh)) {
        return fail(err, -ENOEXEC, "file shorter than the ELF header");
    }
    if (avail < sizeof(*eh)) {
        return fail(err, -ENOEXEC, "buffer shorter than the ELF header");
    }
    memcpy(eh, b, sizeof(*eh));
    return check_header(eh, err);
}

/* The program header table must lie within the file and the buffer. */
static int check_phdr_table(const struct elf64_ehdr *eh, u64 avail, u64 file_size, const char **err)
{
    u64 table = (u64)eh->e_phnum * sizeof(struct elf64_phdr);

    if (eh->e_phoff > file_size || table > file_size - eh->e_phoff) {
        return fail(err, -ENOEXEC, "program header table beyond the end of the file");
    }
    if (eh->e_phoff + table > avail) {
        return fail(err, -ENOEXEC, "program header table not within the first 4096 bytes");
    }
    return 0;
}

static void read_phdr(const u8 *b, const struct elf64_ehdr *eh, unsigned i, struct elf64_phdr *ph)
{
    memcpy(ph, b + eh->e_phoff + i * sizeof(*ph), sizeof(*ph));
}

/* Linux handles PT_INTERP (only the first) before anything else. */
static int find_interp(const u8 *b, u64 avail, u64 file_size, const struct elf64_ehdr *eh,
                       struct elf_image *out, const char **err)
{
    struct elf64_phdr ph;
    int ret;

    for (unsigned i = 0; i < eh->e_phnum; i++) {
        read_phdr(b, eh, i, &ph);
        if (ph.p_type == PT_INTERP) {
            ret = check_interp(b, avail, file_size, &ph, err);
            if (ret) {
                return ret;
            }
            out->has_interp = true;
            out->interp_offset = ph.p_offset;
            out->interp_size = ph.p_filesz;
            break;
        }
    }
    return 0;
}

/* Where AT_PHDR comes from: the PT_LOAD holding e_phoff, else the first
 * PT_PHDR. */
struct phdr_source {
    bool in_load;
    bool pt_phdr_found;
    u64 pt_phdr_vaddr;
};

/* A PT_LOAD: checked, and added to out unless it maps nothing. */
static int add_load(const struct elf64_phdr *ph, const struct elf64_ehdr *eh, u64 file_size,
                    struct elf_image *out, struct phdr_source *src, const char **err)
{
    int ret = check_load(ph, file_size, err);

    if (ret) {
        return ret;
    }
    if (ph->p_memsz == 0) {
        return 0;
    }
    if (out->nsegs == ELF_MAX_LOAD_SEGMENTS) {
        return fail(err, -ENOEXEC, "more than 16 PT_LOAD segments");
    }
    add_segment(out, ph);
    if (ph->p_align > out->max_align) {
        out->max_align = ph->p_align;
    }
    if (ph->p_offset <= eh->e_phoff && eh->e_phoff - ph->p_offset < ph->p_filesz) {
        src->in_load = true;
        out->phdr_vaddr = ph->p_vaddr + (eh->e_phoff - ph->p_offset);
    }
    return 0;
}

/* Every program header but PT_INTERP, in file order. */
static int scan_phdrs(const u8 *b, u64 file_size, const struct elf64_ehdr *eh,
                      struct elf_image *out, struct phdr_source *src, const char **err)
{
    struct elf64_phdr ph;
    int ret;

    for (unsigned i = 0; i < eh->e_phnum; i++) {
        read_phdr(b, eh, i, &ph);
        switch (ph.p_type) {
        case PT_GNU_STACK:
            out->has_gnu_stack = true;
            out->exec_stack = (ph.p_flags & PF_X) != 0;
            break;
        case PT_PHDR:
            if (!src->pt_phdr_found) {
                src->pt_phdr_found = true;
                src->pt_phdr_vaddr = ph.p_vaddr;
            }
            break;
        case PT_LOAD:
            ret = add_load(&ph, eh, file_size, out, src, err);
            if (ret) {
                return ret;
            }
            break;
        }
    }
    return 0;
}

/* At least one segment, and no two overlapping (they are sorted). */
static int check_segments(const struct elf_image *out, const char **err)
{
    if (out->nsegs == 0) {
        return fail(err, -ENOEXEC, "no loadable segment");
    }
    for (unsigned i = 1; i < out->nsegs; i++) {
        if (out->segs[i].vaddr < out->segs[i - 1].vaddr + out->segs[i - 1].memsz) {
            return fail(err, -EINVAL, "PT_LOAD segments overlap");
        }
    }
    return 0;
}

static bool entry_in_exec_segment(const struct elf_image *out)
{
    for (unsigned i = 0; i < out->nsegs; i++) {
        const struct elf_segment *s = &out->segs[i];
        if ((s->prot & ELF_PROT_EXEC) && out->entry >= s->vaddr &&
            out->entry - s->vaddr < s->memsz) {
            return true;
        }
    }
    return false;
}

int elf_parse(const void *buf, size_t len, u64 file_size, struct elf_image *out, const char **err)
{
    const u8 *b = buf;
    struct elf64_ehdr eh;
    u64 avail = MIN((u64)len, file_size);
    struct phdr_source src = {false, false, 0};
    const struct elf_segment *last;
    int ret;

    memset(out, 0, sizeof(*out));
    if (err) {
        *err = NULL;
    }
    ret = read_ehdr(b, avail, file_size, &eh, err);
    if (ret) {
        return ret;
    }
    ret = check_phdr_table(&eh, avail, file_size, err);
    if (ret) {
        return ret;
    }
    out->type = eh.e_type;
    out->entry = eh.e_entry;
    out->phoff = eh.e_phoff;
    out->phnum = eh.e_phnum;
    out->phent = eh.e_phentsize;
    out->max_align = ELF_PAGE_SIZE;

    ret = find_interp(b, avail, file_size, &eh, out, err);
    if (ret) {
        return ret;
    }
    ret = scan_phdrs(b, file_size, &eh, out, &src, err);
    if (ret) {
        return ret;
    }
    ret = check_segments(out, err);
    if (ret) {
        return ret;
    }
    if (!src.in_load && src.pt_phdr_found) {
        out->phdr_vaddr = src.pt_phdr_vaddr;
    }

    /* Sorted and disjoint: the last segment ends highest. */
    last = &out->segs[out->nsegs - 1];
    out->span_start = ALIGN_DOWN(out->segs[0].vaddr, (u64)ELF_PAGE_SIZE);
    out->span_end = ALIGN_UP(last->vaddr + last->memsz, (u64)ELF_PAGE_SIZE);

    if (!entry_in_exec_segment(out)) {
        return fail(err, -ENOEXEC, "entry point outside any executable segment");
    }
    if (out->has_interp) {
        return fail(err, -ENOEXEC, "dynamic executables are not supported");
    }
    return 0;
}
