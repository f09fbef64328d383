// SPDX-License-Identifier: MIT
/* execve's arguments: copied from user space (or given by the kernel for
 * init) into kernel strings, within Linux's limits. */
#include <abi/errno.h>
#include <abi/stat.h>
#include <fs/vfs.h>
#include <kernel/kmalloc.h>
#include <kernel/process.h>
#include <kernel/string.h>

#include "exec_internal.h"

static u64 stack_rlimit(void)
{
    struct process *p = current_process();
    return p ? p->rlimits[RLIMIT_STACK].rlim_cur : (8ull << 20);
}

static char *kstrdup_len(const char *s, size_t len)
{
    char *d = kmalloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = 0;
    }
    return d;
}

/* Appends a string to a growing kmalloc'd array. */
static int vec_push(char ***vec, size_t *n, char *s)
{
    if ((*n & (*n + 1)) == 0 || *n == 0) {
        /* Capacity is the next power of two minus one (for the NULL). */
        size_t cap = (*n + 1) * 2;
        char **nv = kmalloc(cap * sizeof(char *));
        if (!nv) {
            return -ENOMEM;
        }
        if (*vec) {
            memcpy(nv, *vec, *n * sizeof(char *));
            kfree(*vec);
        }
        *vec = nv;
    }
    (*vec)[(*n)++] = s;
    (*vec)[*n] = NULL;
    return 0;
}

static int copy_user_vector(struct exec_ctx *x, uptr_t uvec, char ***vec, size_t *n, char *scratch)
{
    if (uptr_is_null(uvec)) {
        return 0;
    }
    u64 limit = user_args_limit(stack_rlimit());
    for (u64 i = 0;; i++) {
        u64 ptr;
        if (get_user(&ptr, uptr_add(uvec, i * sizeof(u64))) < 0) {
            return -EFAULT;
        }
        if (ptr == 0) {
            return 0;
        }
        long len = strncpy_from_user(scratch, uptr(ptr), MAX_ARG_STRLEN);
        if (len == -ENAMETOOLONG) {
            return -E2BIG;
        }
        if (len < 0) {
            return (int)len;
        }
        x->strings_bytes += (size_t)len + 1;
        if (x->strings_bytes + (x->argc + x->envc + 2) * sizeof(u64) > limit) {
            return -E2BIG;
        }
        char *s = kstrdup_len(scratch, (size_t)len);
        if (!s || vec_push(vec, n, s) < 0) {
            kfree(s);
            return -ENOMEM;
        }
    }
}

int exec_ctx_from_user(struct exec_ctx *x, uptr_t path, uptr_t argv, uptr_t envp)
{
    memset(x, 0, sizeof(*x));
    char *scratch = kmalloc(MAX_ARG_STRLEN);
    if (!scratch) {
        return -ENOMEM;
    }
    int r;
    long len = strncpy_from_user(scratch, path, PATH_MAX);
    if (len < 0) {
        r = (int)len;
    } else if (len == 0) {
        r = -ENOENT;
    } else {
        x->filename = kstrdup_len(scratch, (size_t)len);
        r = x->filename ? 0 : -ENOMEM;
    }
    if (r == 0) {
        r = copy_user_vector(x, argv, &x->argv, &x->argc, scratch);
    }
    if (r == 0) {
        r = copy_user_vector(x, envp, &x->envp, &x->envc, scratch);
    }
    kfree(scratch);
    return r;
}

int exec_ctx_from_kernel(struct exec_ctx *x, const char *path, const char *const *argv,
                         const char *const *envp)
{
    memset(x, 0, sizeof(*x));
    x->filename = kstrdup_len(path, strlen(path));
    if (!x->filename) {
        return -ENOMEM;
    }
    for (size_t i = 0; argv && argv[i]; i++) {
        char *s = kstrdup_len(argv[i], strlen(argv[i]));
        if (!s || vec_push(&x->argv, &x->argc, s) < 0) {
            kfree(s);
            return -ENOMEM;
        }
        x->strings_bytes += strlen(s) + 1;
    }
    for (size_t i = 0; envp && envp[i]; i++) {
        char *s = kstrdup_len(envp[i], strlen(envp[i]));
        if (!s || vec_push(&x->envp, &x->envc, s) < 0) {
            kfree(s);
            return -ENOMEM;
        }
        x->strings_bytes += strlen(s) + 1;
    }
    return 0;
}

static void free_vector(char **vec, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        kfree(vec[i]);
    }
    kfree(vec);
}

void exec_ctx_free(struct exec_ctx *x)
{
    free_vector(x->argv, x->argc);
    free_vector(x->envp, x->envc);
    kfree(x->filename);
    if (x->file) {
        file_put(x->file);
    }
    memset(x, 0, sizeof(*x));
}

int exec_ctx_shebang(struct exec_ctx *x, const char *interp, const char *arg)
{
    /* New argv: interp [arg] filename argv[1..]. */
    size_t extra = arg ? 3 : 2;
    size_t keep = x->argc > 0 ? x->argc - 1 : 0;
    char **nv = kmalloc((extra + keep + 1) * sizeof(char *));
    char *i = kstrdup_len(interp, strlen(interp));
    char *a = arg ? kstrdup_len(arg, strlen(arg)) : NULL;
    char *f = kstrdup_len(x->filename, strlen(x->filename));
    if (!nv || !i || (arg && !a) || !f) {
        kfree(nv);
        kfree(i);
        kfree(a);
        kfree(f);
        return -ENOMEM;
    }
    size_t n = 0;
    nv[n++] = i;
    if (a) {
        nv[n++] = a;
    }
    nv[n++] = f;
    for (size_t k = 1; k < x->argc; k++) {
        nv[n++] = x->argv[k];
    }
    nv[n] = NULL;
    if (x->argc > 0) {
        x->strings_bytes -= strlen(x->argv[0]) + 1;
        kfree(x->argv[0]);
    }
    kfree(x->argv);
    x->argv = nv;
    x->argc = n;
    x->strings_bytes += strlen(i) + 1 + (a ? strlen(a) + 1 : 0) + strlen(f) + 1;
    if (x->strings_bytes + (x->argc + x->envc + 2) * sizeof(u64) >
        user_args_limit(stack_rlimit())) {
        return -E2BIG;
    }
    return 0;
}
