// SPDX-License-Identifier: MIT
/* Finding the program: "#!" interpreters, then the ELF headers; and
 * writing into the new address space before it is active. */
#include <abi/errno.h>
#include <abi/fcntl.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/memlayout.h>
#include <fs/vfs.h>
#include <kernel/kmalloc.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <kernel/random.h>
#include <kernel/string.h>

#include "exec_internal.h"

int exec_open(struct exec_ctx *x)
{
    u8 *head = kmalloc(ELF_PARSE_BUF_SIZE);
    struct shebang *sb = kmalloc(sizeof(*sb));
    if (!head || !sb) {
        kfree(head);
        kfree(sb);
        return -ENOMEM;
    }
    const char *path = x->filename;
    char *interp_path = NULL;
    int scripts = 0;
    int r;
    for (;;) {
        struct file *f;
        r = vfs_open_kernel(path, O_RDONLY, 0, &f);
        if (r < 0) {
            break;
        }
        r = vfs_may_exec(f);
        long n = r < 0 ? r : vfs_read_kernel(f, head, ELF_PARSE_BUF_SIZE, 0);
        if (n < 0) {
            file_put(f);
            r = (int)n;
            break;
        }
        if (n >= 2 && head[0] == '#' && head[1] == '!') {
            file_put(f);
            if (++scripts > SHEBANG_MAX_NESTING) {
                r = -ELOOP;
                break;
            }
            r = shebang_parse((const char *)head, (size_t)MIN(n, SHEBANG_BUF_SIZE), sb);
            if (r == 0) {
                r = exec_ctx_shebang(x, sb->interp, sb->has_arg ? sb->arg : NULL);
            }
            if (r < 0) {
                break;
            }
            kfree(interp_path);
            interp_path = kmalloc(sb->interp_len + 1);
            if (!interp_path) {
                r = -ENOMEM;
                break;
            }
            memcpy(interp_path, sb->interp, sb->interp_len + 1);
            path = interp_path;
            continue;
        }
        const char *err = NULL;
        r = elf_parse(head, (size_t)n, file_inode(f)->size, &x->img, &err);
        if (r < 0) {
            pr_debug("exec: %s: %s\n", path, err ? err : "not an executable");
            file_put(f);
            break;
        }
        x->file = f;
        break;
    }
    kfree(interp_path);
    kfree(head);
    kfree(sb);
    return r;
}

/* The frame behind addr in mm, present and private to mm. */
static u8 *exec_page(struct mm *mm, u64 addr, int *err)
{
    phys_addr_t pa;
    *err = vm_make_private(mm, addr, &pa);
    return *err < 0 ? NULL : phys_to_virt(pa);
}

static int exec_write(struct mm *mm, u64 addr, const void *src, size_t len)
{
    while (len > 0) {
        int err;
        u8 *page = exec_page(mm, addr, &err);
        if (!page) {
            return err;
        }
        size_t off = addr & (PAGE_SIZE - 1);
        size_t n = MIN(len, PAGE_SIZE - off);
        if (src) {
            memcpy(page + off, src, n);
            src = (const u8 *)src + n;
        } else {
            memset(page + off, 0, n);
        }
        addr += n;
        len -= n;
    }
    return 0;
}

int exec_poke(struct mm *mm, u64 addr, const void *src, size_t len)
{
    return exec_write(mm, addr, src, len);
}

int exec_zero(struct mm *mm, u64 addr, size_t len)
{
    return exec_write(mm, addr, NULL, len);
}

int exec_copy_file(struct mm *mm, struct file *f, u64 file_off, u64 addr, size_t len)
{
    u8 *buf = kmalloc(PAGE_SIZE);
    if (!buf) {
        return -ENOMEM;
    }
    int r = 0;
    while (len > 0 && r == 0) {
        size_t n = MIN(len, PAGE_SIZE);
        long got = vfs_read_kernel(f, buf, n, file_off);
        if (got < 0) {
            r = (int)got;
            break;
        }
        memset(buf + got, 0, n - (size_t)got);
        r = exec_write(mm, addr, buf, n);
        addr += n;
        file_off += n;
        len -= n;
    }
    kfree(buf);
    return r;
}

int exec_build_stack(struct exec_ctx *x, struct mm *mm, u64 bias, u64 *sp)
{
    struct process *p = current_process();
    u8 random[USER_STACK_RANDOM_BYTES];
    get_random_bytes(random, sizeof(random));
    u32 a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    struct user_stack_args args = {
        .argv = (const char *const *)x->argv,
        .argc = x->argc,
        .envp = (const char *const *)x->envp,
        .envc = x->envc,
        .execfn = x->filename,
        .random = random,
        .phdr = x->img.phdr_vaddr ? x->img.phdr_vaddr + bias : 0,
        .phent = x->img.phent,
        .phnum = x->img.phnum,
        .entry = x->img.entry + bias,
        .uid = p ? p->cred.uid : 0,
        .euid = p ? p->cred.euid : 0,
        .gid = p ? p->cred.gid : 0,
        .egid = p ? p->cred.egid : 0,
        .hwcap = d,
    };
    size_t size;
    int r = user_stack_size(&args, &size);
    if (r < 0) {
        return r;
    }
    size = ALIGN_UP(size, 16);
    u8 *buf = kmalloc(size);
    if (!buf) {
        return -ENOMEM;
    }
    r = user_stack_build(buf, size, mm->stack_top, &args, sp);
    /* The strings sit at the top: 8 zero bytes, execfn, envp, argv. */
    size_t env_bytes = 0, arg_bytes = 0;
    for (size_t i = 0; i < x->envc; i++) {
        env_bytes += strlen(x->envp[i]) + 1;
    }
    for (size_t i = 0; i < x->argc; i++) {
        arg_bytes += strlen(x->argv[i]) + 1;
    }
    mm->env_end = mm->stack_top - 8 - strlen(x->filename) - 1;
    mm->env_start = mm->env_end - env_bytes;
    mm->arg_end = mm->env_start;
    mm->arg_start = mm->arg_end - arg_bytes;
    if (r == 0) {
        /* Only the bytes from sp up were written. */
        u64 base = mm->stack_top - size;
        r = exec_poke(mm, *sp, buf + (*sp - base), mm->stack_top - *sp);
    }
    kfree(buf);
    return r;
}
