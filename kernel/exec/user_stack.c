// SPDX-License-Identifier: MIT
/* The initial user stack of a new program, laid out as Linux's execve
 * presents it to a new program (without Linux's random gap below the
 * strings; the caller randomizes stack_top instead). Portable: also built
 * into the host unit tests.
 *
 *   stack_top      8 zero bytes (Linux's end marker)
 *                  execfn, envp strings, argv strings (argv[0] lowest)
 *                  zero padding to 16 bytes
 *                  "x86_64"
 *                  16 AT_RANDOM bytes
 *                  zero padding so that sp is 16-byte aligned
 *                  auxv pairs, AT_NULL last
 *                  envp pointers, NULL
 *                  argv pointers, NULL
 *   sp             argc
 */
#include <abi/errno.h>
#include <kernel/compiler.h>
#include <kernel/exec.h>
#include <kernel/string.h>

#define STK_LIM_DEFAULT (8ULL << 20) /* Linux _STK_LIM */
#define MAX_AUXV 24

static const char empty_arg[] = "";
static const char *const empty_argv[] = {empty_arg};

struct layout {
    const char *const *argv;
    size_t argc; /* stored: at least 1 */
    size_t strings; /* argv + envp + execfn bytes, NULs included */
    size_t size; /* stack_top - sp */
    size_t strings_off; /* stack_top - address of the first argv string */
    size_t platform_off;
    size_t random_off;
};

u64 user_args_limit(u64 stack_rlimit)
{
    u64 limit = MIN(STK_LIM_DEFAULT / 4 * 3, stack_rlimit / 4);

    return MAX(limit, (u64)ARG_MAX);
}

int user_args_check(size_t argc, size_t envc, size_t strings_bytes, size_t longest_string,
                    u64 stack_rlimit)
{
    u64 limit = user_args_limit(stack_rlimit);
    u64 ptrs;

    if (longest_string > MAX_ARG_STRLEN || argc > MAX_ARG_STRINGS || envc > MAX_ARG_STRINGS) {
        return -E2BIG;
    }
    ptrs = ((u64)MAX(argc, (size_t)1) + envc) * sizeof(u64);
    if (limit <= ptrs) {
        return -E2BIG;
    }
    /* An empty argv becomes { "" }: one more byte. */
    if ((u64)strings_bytes + (argc == 0) > limit - ptrs) {
        return -E2BIG;
    }
    return 0;
}

static int add_strings(const char *const *v, size_t n, size_t *total)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strnlen(v[i], MAX_ARG_STRLEN);
        if (len >= MAX_ARG_STRLEN) {
            return -E2BIG;
        }
        if (__builtin_add_overflow(*total, len + 1, total)) {
            return -E2BIG;
        }
    }
    return 0;
}

/* Fills aux (pairs) in Linux's order and returns the number of pairs. */
static size_t fill_auxv(const struct user_stack_args *a, u64 *aux, u64 random, u64 execfn,
                        u64 platform)
{
    size_t n = 0;

#define AUX(key, val)                                                                              \
    do {                                                                                           \
        aux[2 * n] = (key);                                                                        \
        aux[2 * n + 1] = (val);                                                                    \
        n++;                                                                                       \
    } while (0)

    if (a->sysinfo_ehdr) {
        AUX(AT_SYSINFO_EHDR, a->sysinfo_ehdr);
    }
    if (a->minsigstksz) {
        AUX(AT_MINSIGSTKSZ, a->minsigstksz);
    }
    AUX(AT_HWCAP, a->hwcap);
    AUX(AT_PAGESZ, ELF_PAGE_SIZE);
    AUX(AT_CLKTCK, USER_STACK_CLKTCK);
    AUX(AT_PHDR, a->phdr);
    AUX(AT_PHENT, a->phent);
    AUX(AT_PHNUM, a->phnum);
    AUX(AT_BASE, a->base);
    AUX(AT_FLAGS, 0);
    AUX(AT_ENTRY, a->entry);
    AUX(AT_UID, a->uid);
    AUX(AT_EUID, a->euid);
    AUX(AT_GID, a->gid);
    AUX(AT_EGID, a->egid);
    AUX(AT_SECURE, a->secure ? 1 : 0);
    AUX(AT_RANDOM, random);
    if (a->hwcap2) {
        AUX(AT_HWCAP2, a->hwcap2);
    }
    AUX(AT_EXECFN, execfn);
    AUX(AT_PLATFORM, platform);
    AUX(AT_NULL, 0);
#undef AUX
    return n;
}

static int compute_layout(const struct user_stack_args *a, struct layout *l)
{
    u64 aux[2 * MAX_AUXV];
    size_t naux, info, off;
    int ret;

    if (!a->execfn || !a->random || (a->argc && !a->argv) || (a->envc && !a->envp)) {
        return -EINVAL;
    }
    if (a->argc > MAX_ARG_STRINGS || a->envc > MAX_ARG_STRINGS) {
        return -E2BIG;
    }
    l->argv = a->argc ? a->argv : empty_argv;
    l->argc = a->argc ? a->argc : 1;
    l->strings = 0;
    ret = add_strings(l->argv, l->argc, &l->strings);
    if (!ret) {
        ret = add_strings(a->envp, a->envc, &l->strings);
    }
    if (!ret) {
        ret = add_strings(&a->execfn, 1, &l->strings);
    }
    if (ret) {
        return ret;
    }

    naux = fill_auxv(a, aux, 0, 0, 0);
    /* Every term is bounded (counts < 2^31, strings < 2^17 each), so only
     * the string total can be large; it is checked against SIZE_MAX / 2. */
    if (l->strings > SIZE_MAX / 2) {
        return -E2BIG;
    }
    l->strings_off = sizeof(u64) + l->strings;
    off = ALIGN_UP(l->strings_off, (size_t)16);
    l->platform_off = off + sizeof(USER_STACK_PLATFORM);
    l->random_off = l->platform_off + USER_STACK_RANDOM_BYTES;
    info = naux * 2 * sizeof(u64) + (l->argc + 1 + a->envc + 1 + 1) * sizeof(u64);
    l->size = ALIGN_UP(l->random_off + info, (size_t)16);
    return 0;
}

int user_stack_size(const struct user_stack_args *a, size_t *out)
{
    struct layout l;
    int ret = compute_layout(a, &l);

    if (ret) {
        return ret;
    }
    *out = l.size;
    return 0;
}

static void put_u64(u8 *p, u64 v)
{
    memcpy(p, &v, sizeof(v));
}

int user_stack_build(u8 *stack_buf, size_t buf_size, u64 stack_top, const struct user_stack_args *a,
                     u64 *out_sp)
{
    struct layout l;
    u64 aux[2 * MAX_AUXV];
    u8 *top = stack_buf + buf_size;
    u8 *p;
    u64 sp, str;
    size_t naux;
    int ret;

    if (!IS_ALIGNED(stack_top, 16)) {
        return -EINVAL;
    }
    ret = compute_layout(a, &l);
    if (ret) {
        return ret;
    }
    if (l.size > buf_size || l.size > stack_top) {
        return -E2BIG;
    }
    sp = stack_top - l.size;

    /* Everything from sp up to the top is written, padding as zeros. */
    memset(top - l.size, 0, l.size);

    /* Strings, ascending from argv[0]. */
    p = top - l.strings_off;
    for (size_t i = 0; i < l.argc; i++) {
        size_t n = strlen(l.argv[i]) + 1;
        memcpy(p, l.argv[i], n);
        p += n;
    }
    for (size_t i = 0; i < a->envc; i++) {
        size_t n = strlen(a->envp[i]) + 1;
        memcpy(p, a->envp[i], n);
        p += n;
    }
    memcpy(p, a->execfn, strlen(a->execfn) + 1);
    memcpy(top - l.platform_off, USER_STACK_PLATFORM, sizeof(USER_STACK_PLATFORM));
    memcpy(top - l.random_off, a->random, USER_STACK_RANDOM_BYTES);

    /* argc, argv[], NULL, envp[], NULL, auxv: upwards from sp. */
    p = top - l.size;
    put_u64(p, l.argc);
    p += sizeof(u64);
    str = stack_top - l.strings_off;
    for (size_t i = 0; i < l.argc; i++) {
        put_u64(p, str);
        p += sizeof(u64);
        str += strlen(l.argv[i]) + 1;
    }
    p += sizeof(u64); /* NULL */
    for (size_t i = 0; i < a->envc; i++) {
        put_u64(p, str);
        p += sizeof(u64);
        str += strlen(a->envp[i]) + 1;
    }
    p += sizeof(u64); /* NULL */
    naux = fill_auxv(a, aux, stack_top - l.random_off, str, stack_top - l.platform_off);
    memcpy(p, aux, naux * 2 * sizeof(u64));

    *out_sp = sp;
    return 0;
}
