/* SPDX-License-Identifier: MIT */
/* Shared by the files of kernel/exec. */
#ifndef KERNEL_EXEC_INTERNAL_H
#define KERNEL_EXEC_INTERNAL_H

#include <arch/x86_64/uaccess.h>
#include <kernel/exec.h>
#include <kernel/vm.h>

struct file;
struct trap_frame;

struct exec_ctx {
    char *filename; /* as given to execve: AT_EXECFN, "#!" argument */
    char **argv; /* kmalloc'd array of kmalloc'd strings */
    size_t argc;
    char **envp;
    size_t envc;
    size_t strings_bytes; /* every argv/envp string with its NUL */
    struct file *file; /* the ELF finally run */
    struct elf_image img;
};

/* Copies the arguments in (E2BIG, EFAULT, ENAMETOOLONG, ENOENT). */
int exec_ctx_from_user(struct exec_ctx *x, uptr_t path, uptr_t argv, uptr_t envp);
int exec_ctx_from_kernel(struct exec_ctx *x, const char *path, const char *const *argv,
                         const char *const *envp);
void exec_ctx_free(struct exec_ctx *x);
/* Replaces argv[0] by interp [arg] filename: the "#!" rewrite. */
int exec_ctx_shebang(struct exec_ctx *x, const char *interp, const char *arg);

/* Opens x->filename, following "#!" interpreters, and parses the ELF. */
int exec_open(struct exec_ctx *x);
/* Writes the initial stack into mm; *sp gets the user stack pointer. */
int exec_build_stack(struct exec_ctx *x, struct mm *mm, u64 bias, u64 *sp);

/* Writes into a not-yet-active address space (pages made present first). */
int exec_poke(struct mm *mm, u64 addr, const void *src, size_t len);
int exec_zero(struct mm *mm, u64 addr, size_t len);
int exec_copy_file(struct mm *mm, struct file *f, u64 file_off, u64 addr, size_t len);

/* Runs the program in x (after exec_ctx_*), rewriting frame for the return
 * to user mode. 0, or -errno with the caller's program untouched. */
int do_execve(struct exec_ctx *x, struct trap_frame *frame);

#endif
