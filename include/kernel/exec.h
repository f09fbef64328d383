/* SPDX-License-Identifier: MIT */
/* Portable pieces of execve (kernel/exec/): ELF64 header and program header
 * validation (elf.c), "#!" script lines (shebang.c) and the initial user
 * stack image (user_stack.c). None of them allocates or touches user memory;
 * they also build into the host unit tests. */
#ifndef KERNEL_EXEC_H
#define KERNEL_EXEC_H

#include <kernel/types.h>

/* ---- ELF64 file format (the subset execve needs) ---- */

#define EI_NIDENT (16)
#define EI_MAG0 0
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1

#define ET_EXEC 2
#define ET_DYN 3
#define EM_X86_64 62

#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define PT_GNU_STACK 0x6474e551

#define PF_X (1 << 0)
#define PF_W (1 << 1)
#define PF_R (1 << 2)

struct elf64_ehdr {
    u8 e_ident[EI_NIDENT];
    u16 e_type;
    u16 e_machine;
    u32 e_version;
    u64 e_entry;
    u64 e_phoff;
    u64 e_shoff;
    u32 e_flags;
    u16 e_ehsize;
    u16 e_phentsize;
    u16 e_phnum;
    u16 e_shentsize;
    u16 e_shnum;
    u16 e_shstrndx;
};

struct elf64_phdr {
    u32 p_type;
    u32 p_flags;
    u64 p_offset;
    u64 p_vaddr;
    u64 p_paddr;
    u64 p_filesz;
    u64 p_memsz;
    u64 p_align;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "Elf64_Ehdr is 64 bytes");
_Static_assert(sizeof(struct elf64_phdr) == 56, "Elf64_Phdr is 56 bytes");

/* ---- ELF parsing (kernel/exec/elf.c) ---- */

/* The caller reads the first min(file size, ELF_PARSE_BUF_SIZE) bytes of the
 * file. The program header table must lie inside the bytes passed to
 * elf_parse; with this buffer size that holds for every linker's output
 * (they put it at offset 64), see the table in elf.c. */
#define ELF_PARSE_BUF_SIZE 4096
#define ELF_PAGE_SIZE 4096
#define ELF_MAX_LOAD_SEGMENTS 16
#define ELF_INTERP_MAX 4096 /* PATH_MAX, like Linux */

/* elf_segment.prot: the same bits as mmap's PROT_*. */
#define ELF_PROT_READ 0x1
#define ELF_PROT_WRITE 0x2
#define ELF_PROT_EXEC 0x4

/* One PT_LOAD with memsz > 0, as in the file. For ET_DYN every address here
 * (vaddr, entry, phdr_vaddr, span) is relative: add the load bias, chosen so
 * that span_start + bias is a multiple of max_align. */
struct elf_segment {
    u64 vaddr; /* p_vaddr, not page-aligned */
    u64 memsz;
    u64 offset; /* p_offset; offset % page == vaddr % page */
    u64 filesz; /* <= memsz; [offset, offset + filesz) is inside the file */
    u64 align; /* p_align (0, 1 or a power of two) */
    u32 prot; /* ELF_PROT_* */
};

/* Loading: for each segment in order, map or copy file bytes [offset,
 * offset + filesz) at vaddr and zero [vaddr + filesz, vaddr + memsz); pages
 * outside all segments inside the span stay unmapped. Segments are sorted
 * by vaddr and never overlap, but two may share a page at their boundary:
 * that page needs the union of both prot values and neither segment's
 * zeroing may clear bytes of the other. */
struct elf_image {
    u16 type; /* ET_EXEC or ET_DYN */
    u64 entry; /* e_entry, inside an executable segment */
    struct elf_segment segs[ELF_MAX_LOAD_SEGMENTS];
    unsigned nsegs; /* >= 1 */
    u64 phdr_vaddr; /* AT_PHDR (0 when the table is not loaded) */
    u64 phoff; /* e_phoff */
    u16 phnum; /* AT_PHNUM */
    u16 phent; /* AT_PHENT: sizeof(struct elf64_phdr) */
    bool has_interp; /* PT_INTERP present: elf_parse returned -ENOEXEC */
    u64 interp_offset; /* file range of the interpreter path, NUL included */
    u64 interp_size;
    bool has_gnu_stack;
    bool exec_stack; /* PT_GNU_STACK with PF_X */
    u64 span_start; /* page-aligned lowest vaddr */
    u64 span_end; /* page-aligned end of the highest segment: initial brk */
    u64 max_align; /* largest power-of-two p_align, at least ELF_PAGE_SIZE */
};

/* Validates an ELF64 x86_64 executable from its first len bytes (file_size
 * is the whole file's size) and fills *out. Returns 0, or a negative errno
 * (Linux's where Linux fails execve; see the table in elf.c) with a static
 * message in *err (if err is non-NULL). *out is fully filled on success and
 * for the "dynamic executables are not supported" -ENOEXEC. */
int elf_parse(const void *buf, size_t len, u64 file_size, struct elf_image *out, const char **err);

/* ---- "#!" scripts (kernel/exec/shebang.c) ---- */

/* Linux's BINPRM_BUF_SIZE: only this many bytes of the file are examined. */
#define SHEBANG_BUF_SIZE 256

/* Linux runs a chain of at most 5 scripts (the file given to execve and 4
 * script interpreters) before an ELF; the 6th script gives -ELOOP. The
 * caller counts successful shebang_parse calls in one execve and, after
 * opening the interpreter, fails with -ELOOP once the count exceeds this. */
#define SHEBANG_MAX_NESTING 5

struct shebang {
    char interp[SHEBANG_BUF_SIZE]; /* NUL-terminated, non-empty */
    size_t interp_len;
    bool has_arg;
    char arg[SHEBANG_BUF_SIZE]; /* NUL-terminated; may be empty if has_arg */
    size_t arg_len;
};

/* Parses the first min(len, SHEBANG_BUF_SIZE) bytes of a file (pass
 * min(file size, SHEBANG_BUF_SIZE) bytes; shorter files are treated as
 * NUL-padded, as Linux does). Returns 0, or -ENOEXEC when the file does not
 * start with "#!", names no interpreter, or the interpreter name may be
 * truncated by the 256-byte limit. The new argv is interp, [arg], the
 * script's path, then the old argv[1..]. */
int shebang_parse(const char *buf, size_t len, struct shebang *out);

/* ---- initial user stack (kernel/exec/user_stack.c) ---- */

/* Linux's limits on execve arguments. */
#define MAX_ARG_STRLEN 131072 /* bytes per string, NUL included */
#define MAX_ARG_STRINGS 0x7fffffff
#define ARG_MAX 131072 /* the argument space never drops below this */

#define USER_STACK_RANDOM_BYTES 16
#define USER_STACK_PLATFORM "x86_64"

#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_EXECFN 31
#define AT_SYSINFO_EHDR 33
#define AT_MINSIGSTKSZ 51

#define USER_STACK_CLKTCK 100

struct user_stack_args {
    const char *const *argv; /* kernel copies, NUL-terminated */
    size_t argc; /* 0 is stored as argc 1, argv[0] "", like Linux 5.18+ */
    const char *const *envp;
    size_t envc;
    const char *execfn; /* AT_EXECFN string */
    const u8 *random; /* USER_STACK_RANDOM_BYTES bytes for AT_RANDOM */
    u64 phdr, phent, phnum; /* AT_PHDR (load bias included), AT_PHENT, AT_PHNUM */
    u64 base; /* AT_BASE: interpreter base, 0 for static executables */
    u64 entry; /* AT_ENTRY (load bias included) */
    u32 uid, euid, gid, egid;
    bool secure; /* AT_SECURE */
    u64 hwcap; /* AT_HWCAP */
    u64 hwcap2; /* AT_HWCAP2, omitted when 0 */
    u64 minsigstksz; /* AT_MINSIGSTKSZ, omitted when 0 */
    u64 sysinfo_ehdr; /* AT_SYSINFO_EHDR (vDSO), omitted when 0 */
};

/* Bytes for argv/envp strings and pointers under a RLIMIT_STACK soft limit
 * (Linux: a quarter of it, at most 6 MiB, at least ARG_MAX). */
u64 user_args_limit(u64 stack_rlimit);

/* Linux's execve argument checks, for the caller copying strings in:
 * -E2BIG when longest_string (bytes with NUL) exceeds MAX_ARG_STRLEN, or
 * strings_bytes (every argv and envp string and the filename, NULs
 * included) plus 8 bytes per pointer exceeds user_args_limit. 0 if fine. */
int user_args_check(size_t argc, size_t envc, size_t strings_bytes, size_t longest_string,
                    u64 stack_rlimit);

/* Bytes the image takes below a 16-byte-aligned stack top, in *out. Returns
 * 0, -E2BIG (a string over MAX_ARG_STRLEN, too many strings, overflow) or
 * -EINVAL (missing execfn or random). */
int user_stack_size(const struct user_stack_args *a, size_t *out);

/* Writes the Linux x86_64 initial stack into stack_buf, which stands for the
 * user range [stack_top - buf_size, stack_top). From the top down: 8 zero
 * bytes, execfn, envp and argv strings (argv[0] lowest), "x86_64", the 16
 * random bytes, padding, auxv (AT_NULL last), envp pointers and NULL, argv
 * pointers and NULL, argc at *out_sp, which is 16-byte aligned. Bytes below
 * *out_sp are untouched. stack_top must be 16-byte aligned (-EINVAL);
 * -E2BIG if the image does not fit in buf_size or below stack_top. */
int user_stack_build(u8 *stack_buf, size_t buf_size, u64 stack_top, const struct user_stack_args *a,
                     u64 *out_sp);

#endif
