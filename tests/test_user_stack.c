// SPDX-License-Identifier: MIT
/* Initial user stack: images walked the way a C runtime walks them (argc,
 * argv, envp, auxv, AT_RANDOM, AT_EXECFN, alignment), padding at every
 * string length, E2BIG limits (checked against the host kernel's execve),
 * and the auxv order against the host's /proc/self/auxv. */
#define _GNU_SOURCE
#include <abi/errno.h>
#include <kernel/compiler.h>
#include <kernel/exec.h>

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

HARNESS("test_user_stack");

#define TOP 0x00007ffffffde000ULL

static const u8 rnd[USER_STACK_RANDOM_BYTES] = {0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87,
                                                0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe, 0x0f};

static void base_args(struct user_stack_args *a, const char *const *argv, size_t argc,
                      const char *const *envp, size_t envc)
{
    memset(a, 0, sizeof(*a));
    a->argv = argv;
    a->argc = argc;
    a->envp = envp;
    a->envc = envc;
    a->execfn = "/bin/prog";
    a->random = rnd;
    a->phdr = 0x400040;
    a->phent = 56;
    a->phnum = 10;
    a->base = 0;
    a->entry = 0x401650;
    a->uid = 1000;
    a->euid = 1001;
    a->gid = 100;
    a->egid = 101;
    a->secure = true;
    a->hwcap = 0x178bfbff;
    a->hwcap2 = 2;
}

/* ---- a C runtime's view of the image ---- */

struct view {
    const u8 *buf;
    size_t buf_size;
    u64 top, sp;
};

/* The kernel-buffer byte for user address u, or NULL outside [sp, top). */
static const u8 *at(const struct view *v, u64 u, size_t n)
{
    if (u < v->sp || u > v->top || n > v->top - u) {
        return NULL;
    }
    return v->buf + v->buf_size - (v->top - u);
}

static bool load_u64(const struct view *v, u64 u, u64 *out)
{
    const u8 *p = at(v, u, 8);

    if (!p) {
        return false;
    }
    memcpy(out, p, 8);
    return true;
}

/* A NUL-terminated string at user address u, inside the image. */
static const char *str_at(const struct view *v, u64 u)
{
    const u8 *p = at(v, u, 1);

    if (!p) {
        return NULL;
    }
    size_t max = v->top - u;
    return memchr(p, 0, max) ? (const char *)p : NULL;
}

#define MAX_WALK 4096

struct walked {
    u64 argc;
    const char *argv[MAX_WALK];
    u64 argv_addr[MAX_WALK];
    size_t envc;
    const char *envp[MAX_WALK];
    u64 envp_addr[MAX_WALK];
    size_t naux;
    u64 aux[64][2];
};

static bool walk(const struct view *v, struct walked *w)
{
    u64 p = v->sp, x;

    memset(w, 0, sizeof(*w));
    if (v->sp % 16 != 0 || !load_u64(v, p, &w->argc) || w->argc >= MAX_WALK) {
        return false;
    }
    p += 8;
    for (u64 i = 0; i < w->argc; i++, p += 8) {
        if (!load_u64(v, p, &x) || !(w->argv[i] = str_at(v, x))) {
            return false;
        }
        w->argv_addr[i] = x;
    }
    if (!load_u64(v, p, &x) || x != 0) {
        return false;
    }
    for (p += 8;; p += 8) {
        if (!load_u64(v, p, &x)) {
            return false;
        }
        if (x == 0) {
            break;
        }
        if (w->envc == MAX_WALK || !(w->envp[w->envc] = str_at(v, x))) {
            return false;
        }
        w->envp_addr[w->envc++] = x;
    }
    for (p += 8;; p += 16) {
        u64 key, val;
        if (w->naux == 64 || !load_u64(v, p, &key) || !load_u64(v, p + 8, &val)) {
            return false;
        }
        w->aux[w->naux][0] = key;
        w->aux[w->naux][1] = val;
        w->naux++;
        if (key == AT_NULL) {
            return true;
        }
    }
}

static bool getaux(const struct walked *w, u64 key, u64 *val)
{
    int found = 0;

    for (size_t i = 0; i < w->naux; i++) {
        if (w->aux[i][0] == key) {
            *val = w->aux[i][1];
            found++;
        }
    }
    return found == 1;
}

/* The last image built: a struct walked points into it. */
static u8 *last_image;

/* Builds into a buffer of need + extra bytes filled with 0xa5, then checks
 * everything a program could look at. */
static bool build_and_check(const struct user_stack_args *a, size_t extra, struct walked *w)
{
    size_t need;
    u8 *buf;
    u64 sp = 0, val;
    struct view v;
    bool ok;

    if (user_stack_size(a, &need) != 0) {
        printf("  user_stack_size failed\n");
        return false;
    }
    free(last_image);
    buf = last_image = malloc(need + extra);
    memset(buf, 0xa5, need + extra);
    if (user_stack_build(buf, need + extra, TOP, a, &sp) != 0 || sp != TOP - need) {
        printf("  user_stack_build failed or sp %#llx != top - %zu\n", (unsigned long long)sp,
               need);
        return false;
    }
    v = (struct view){.buf = buf, .buf_size = need + extra, .top = TOP, .sp = sp};
    ok = walk(&v, w);
    if (!ok) {
        printf("  the image does not walk\n");
    }
    /* Bytes below sp are untouched; the top 8 bytes are zero. */
    for (size_t i = 0; ok && i < extra; i++) {
        ok = buf[i] == 0xa5;
    }
    static const u8 zero8[8];
    ok = ok && !memcmp(buf + need + extra - 8, zero8, 8);

    size_t argc = a->argc ? a->argc : 1;
    ok = ok && w->argc == argc && w->envc == a->envc;
    for (size_t i = 0; ok && i < a->argc; i++) {
        ok = !strcmp(w->argv[i], a->argv[i]);
    }
    ok = ok && (a->argc || !strcmp(w->argv[0], ""));
    for (size_t i = 0; ok && i < a->envc; i++) {
        ok = !strcmp(w->envp[i], a->envp[i]);
    }
    if (!ok) {
        printf("  argv/envp differ\n");
        return false;
    }

    /* Strings are contiguous: argv, envp, execfn, then 8 bytes to the top. */
    u64 next = w->argv_addr[0];
    for (size_t i = 0; ok && i < argc; i++) {
        ok = w->argv_addr[i] == next;
        next += strlen(w->argv[i]) + 1;
    }
    for (size_t i = 0; ok && i < a->envc; i++) {
        ok = w->envp_addr[i] == next;
        next += strlen(w->envp[i]) + 1;
    }
    const char *fn;
    ok = ok && getaux(w, AT_EXECFN, &val) && val == next && (fn = str_at(&v, val)) &&
         !strcmp(fn, a->execfn) && next + strlen(fn) + 1 + 8 == TOP;
    if (!ok) {
        printf("  string area layout wrong\n");
        return false;
    }

    const struct {
        u64 key, val;
    } want[] = {
        {AT_PHDR, a->phdr},   {AT_PHENT, a->phent}, {AT_PHNUM, a->phnum}, {AT_PAGESZ, 4096},
        {AT_BASE, a->base},   {AT_FLAGS, 0},        {AT_ENTRY, a->entry}, {AT_UID, a->uid},
        {AT_EUID, a->euid},   {AT_GID, a->gid},     {AT_EGID, a->egid},   {AT_SECURE, a->secure},
        {AT_HWCAP, a->hwcap}, {AT_CLKTCK, 100},
    };
    for (size_t i = 0; ok && i < ARRAY_SIZE(want); i++) {
        ok = getaux(w, want[i].key, &val) && val == want[i].val;
        if (!ok) {
            printf("  auxv key %llu wrong or missing\n", (unsigned long long)want[i].key);
        }
    }
    /* Optional entries appear exactly when set. */
    ok = ok && getaux(w, AT_HWCAP2, &val) == (a->hwcap2 != 0) && (!a->hwcap2 || val == a->hwcap2);
    ok = ok && getaux(w, AT_MINSIGSTKSZ, &val) == (a->minsigstksz != 0) &&
         (!a->minsigstksz || val == a->minsigstksz);
    ok = ok && getaux(w, AT_SYSINFO_EHDR, &val) == (a->sysinfo_ehdr != 0) &&
         (!a->sysinfo_ehdr || val == a->sysinfo_ehdr);
    /* AT_RANDOM: 16 bytes, directly below "x86_64" (as on Linux). */
    const u8 *r = NULL;
    u64 plat = 0;
    ok = ok && getaux(w, AT_RANDOM, &val) && (r = at(&v, val, 16)) && !memcmp(r, rnd, 16);
    ok = ok && getaux(w, AT_PLATFORM, &plat) && str_at(&v, plat) &&
         !strcmp(str_at(&v, plat), "x86_64") && plat == val + 16 && plat + 7 <= w->argv_addr[0];
    ok = ok && w->aux[w->naux - 1][0] == AT_NULL && w->aux[w->naux - 1][1] == 0;
    /* auxv ends at or below AT_RANDOM, with at most 15 bytes of padding. */
    u64 aux_end = sp + 8 * (1 + argc + 1 + a->envc + 1) + 16 * w->naux;
    ok = ok && aux_end <= val && val - aux_end < 16;
    if (!ok) {
        printf("  auxv wrong\n");
    }
    return ok;
}

static void test_basic(void)
{
    static const char *const argv[] = {"prog", "-x", "hello world"};
    static const char *const envp[] = {"HOME=/", "PATH=/bin:/usr/bin"};
    struct user_stack_args a;
    static struct walked w;

    base_args(&a, argv, 3, envp, 2);
    CHECK(build_and_check(&a, 0, &w));
    CHECK(build_and_check(&a, 4096, &w));
    /* No optional entries. */
    a.hwcap2 = 0;
    CHECK(build_and_check(&a, 100, &w));
    CHECK_EQ(w.naux, 18);
    /* All optional entries. */
    a.hwcap2 = 2;
    a.minsigstksz = 3376;
    a.sysinfo_ehdr = 0x7ffff7fc1000;
    a.secure = false;
    CHECK(build_and_check(&a, 8, &w));
    CHECK_EQ(w.naux, 21);
}

static void test_empty_argv(void)
{
    struct user_stack_args a;
    static struct walked w;
    static const char *const envp[] = {"A=1"};

    base_args(&a, NULL, 0, NULL, 0);
    CHECK(build_and_check(&a, 0, &w));
    CHECK_EQ(w.argc, 1);
    CHECK(!strcmp(w.argv[0], ""));
    CHECK_EQ(w.envc, 0);
    base_args(&a, NULL, 0, envp, 1);
    CHECK(build_and_check(&a, 0, &w));
    CHECK_EQ(w.envc, 1);
}

/* Every padding case: strings of total length 0..48 with 0..3 env vars. */
static void test_alignment_sweep(void)
{
    static char s[64], e[3][24];
    const char *argv[1] = {s};
    const char *envp[3] = {e[0], e[1], e[2]};
    static struct walked w;
    struct user_stack_args a;

    for (int envc = 0; envc <= 3; envc++) {
        for (int n = 0; n <= 48; n++) {
            memset(s, 'a', n);
            s[n] = '\0';
            for (int i = 0; i < 3; i++) {
                snprintf(e[i], sizeof(e[i]), "E%d=%.*s", i, n % 4, "xyz");
            }
            base_args(&a, argv, 1, envp, envc);
            a.hwcap2 = n % 2; /* odd and even numbers of auxv entries */
            if (!build_and_check(&a, n % 3 * 8, &w)) {
                printf("  envc %d, strlen %d\n", envc, n);
                CHECK(false);
            }
            size_t need;
            u64 sp;
            u8 *buf = malloc(4096);
            CHECK_EQ(user_stack_size(&a, &need), 0);
            /* One byte short of the image: E2BIG, and nothing written. */
            memset(buf, 0x5a, 4096);
            CHECK_EQ(user_stack_build(buf + 4096 - (need - 1), need - 1, TOP, &a, &sp), -E2BIG);
            for (int i = 0; i < 4096; i++) {
                CHECK(buf[i] == 0x5a);
            }
            free(buf);
        }
    }
}

static void test_many_strings(void)
{
    static char strs[2000][12];
    static const char *argv[1000], *envp[1000];
    static struct walked w;
    struct user_stack_args a;

    for (int i = 0; i < 2000; i++) {
        snprintf(strs[i], sizeof(strs[i]), "s%d", i * 7);
        if (i < 1000) {
            argv[i] = strs[i];
        } else {
            envp[i - 1000] = strs[i];
        }
    }
    base_args(&a, argv, 1000, envp, 1000);
    CHECK(build_and_check(&a, 16, &w));
    CHECK(!strcmp(w.argv[999], "s6993"));
    CHECK(!strcmp(w.envp[999], "s13993"));
}

static void test_errors(void)
{
    static const char *const argv[] = {"prog"};
    struct user_stack_args a;
    size_t need;
    u64 sp;
    u8 buf[1024];
    char *big = malloc(MAX_ARG_STRLEN + 1);
    const char *bigv[] = {big};
    u8 *bigbuf;

    base_args(&a, argv, 1, NULL, 0);
    CHECK_EQ(user_stack_size(&a, &need), 0);
    CHECK_EQ(user_stack_build(buf, sizeof(buf), TOP + 8, &a, &sp), -EINVAL);
    CHECK_EQ(user_stack_build(buf, sizeof(buf), TOP + 1, &a, &sp), -EINVAL);
    CHECK_EQ(user_stack_build(buf, sizeof(buf), 0, &a, &sp), -E2BIG);
    CHECK_EQ(user_stack_build(buf, sizeof(buf), need - 16, &a, &sp), -E2BIG);
    CHECK_EQ(user_stack_build(buf, need, need, &a, &sp), 0);
    CHECK_EQ(sp, 0);
    CHECK_EQ(user_stack_build(buf, 0, TOP, &a, &sp), -E2BIG);
    a.random = NULL;
    CHECK_EQ(user_stack_size(&a, &need), -EINVAL);
    CHECK_EQ(user_stack_build(buf, sizeof(buf), TOP, &a, &sp), -EINVAL);
    base_args(&a, argv, 1, NULL, 0);
    a.execfn = NULL;
    CHECK_EQ(user_stack_build(buf, sizeof(buf), TOP, &a, &sp), -EINVAL);
    base_args(&a, NULL, 2, NULL, 0);
    CHECK_EQ(user_stack_size(&a, &need), -EINVAL);

    /* MAX_ARG_STRLEN counts the NUL: 131071 characters fit, 131072 do not
     * (measured on Linux). Also for envp and execfn. */
    memset(big, 'b', MAX_ARG_STRLEN - 1);
    big[MAX_ARG_STRLEN - 1] = '\0';
    base_args(&a, bigv, 1, NULL, 0);
    CHECK_EQ(user_stack_size(&a, &need), 0);
    bigbuf = malloc(need);
    CHECK_EQ(user_stack_build(bigbuf, need, TOP, &a, &sp), 0);
    free(bigbuf);
    big[MAX_ARG_STRLEN - 1] = 'b';
    big[MAX_ARG_STRLEN] = '\0';
    CHECK_EQ(user_stack_size(&a, &need), -E2BIG);
    CHECK_EQ(user_stack_build(buf, sizeof(buf), TOP, &a, &sp), -E2BIG);
    base_args(&a, argv, 1, bigv, 1);
    CHECK_EQ(user_stack_size(&a, &need), -E2BIG);
    base_args(&a, argv, 1, NULL, 0);
    a.execfn = big;
    CHECK_EQ(user_stack_size(&a, &need), -E2BIG);
    free(big);
}

static void test_args_limits(void)
{
    CHECK_EQ(user_args_limit(8 << 20), 2 << 20);
    CHECK_EQ(user_args_limit(1 << 20), 256 << 10);
    CHECK_EQ(user_args_limit(100 << 10), ARG_MAX);
    CHECK_EQ(user_args_limit(~0ULL), 6 << 20);
    CHECK_EQ(user_args_limit(64ULL << 20), 6 << 20);

    /* 2 MiB with 2 + 3 pointers. */
    u64 lim = 2 << 20;
    CHECK_EQ(user_args_check(2, 3, lim - 40, 100, 8 << 20), 0);
    CHECK_EQ(user_args_check(2, 3, lim - 39, 100, 8 << 20), -E2BIG);
    /* argc 0 counts as one pointer and one "" byte. */
    CHECK_EQ(user_args_check(0, 3, lim - 33, 100, 8 << 20), 0);
    CHECK_EQ(user_args_check(0, 3, lim - 32, 100, 8 << 20), -E2BIG);
    CHECK_EQ(user_args_check(1, 0, 10, MAX_ARG_STRLEN, 8 << 20), 0);
    CHECK_EQ(user_args_check(1, 0, 10, MAX_ARG_STRLEN + 1, 8 << 20), -E2BIG);
    /* Pointers alone exhausting the space. */
    CHECK_EQ(user_args_check(lim / 8, 0, 0, 1, 8 << 20), -E2BIG);
    CHECK_EQ(user_args_check(lim / 8 - 1, 0, 7, 1, 8 << 20), 0);
    CHECK_EQ(user_args_check((size_t)MAX_ARG_STRINGS + 1, 0, 0, 1, ~0ULL), -E2BIG);
}

/* Runs /bin/true under RLIMIT_STACK rl with argc strings and envc strings
 * totalling strings bytes (the filename included). Returns the errno. */
static int host_exec(u64 rl, int argc, int envc, size_t strings)
{
    static const char fn[] = "/bin/true";
    int status;
    pid_t pid;

    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        struct rlimit r = {rl, rl};
        char **av = calloc(argc + 1, sizeof(char *));
        char **ev = calloc(envc + 1, sizeof(char *));
        size_t rem = strings - sizeof(fn);
        int n = argc + envc;

        setrlimit(RLIMIT_STACK, &r);
        for (int i = 0; i < n; i++) {
            size_t l = rem / (n - i);
            char *s = malloc(l);
            rem -= l;
            memset(s, 'a', l - 1);
            s[l - 1] = '\0';
            if (i < argc) {
                av[i] = s;
            } else {
                ev[i - argc] = s;
            }
        }
        execve(fn, av, ev);
        _exit(errno);
    }
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* user_args_check's verdict at the boundary matches the host kernel, with
 * the ARG_MAX floor (256 KiB rlimit) and a quarter of the rlimit (1 MiB). */
static void test_args_limits_host(void)
{
    static const u64 rlimits[] = {256 << 10, 1 << 20};
    bool ok = true;
    int ran = 0, e2big = 0;

    if (access("/bin/true", X_OK) != 0) {
        printf("  no /bin/true: skipped\n");
        return;
    }
    for (size_t r = 0; r < ARRAY_SIZE(rlimits); r++) {
        const u64 lim = user_args_limit(rlimits[r]);
        for (int argc = 0; argc <= 3; argc++) {
            for (int envc = 0; envc <= 2; envc += 2) {
                if (argc + envc == 0) {
                    continue;
                }
                size_t ptrs = (size_t)(MAX(argc, 1) + envc) * 8;
                for (int d = -1; d <= 1; d++) {
                    size_t strings = lim - ptrs - (argc == 0) + d;
                    /* host_exec spreads the bytes evenly over the strings. */
                    size_t n = argc + envc, longest = (strings - 10 + n - 1) / n;
                    int ours = user_args_check(argc, envc, strings, longest, rlimits[r]);
                    int host = host_exec(rlimits[r], argc, envc, strings);
                    ran += host == 0;
                    e2big += host == E2BIG;
                    if ((ours == 0) != (host == 0) || (ours && host != E2BIG)) {
                        printf("  rlimit %llu argc %d envc %d strings %zu: ours %d, host errno "
                               "%d\n",
                               (unsigned long long)rlimits[r], argc, envc, strings, ours, host);
                        ok = false;
                    }
                }
            }
        }
    }
    printf("  host: %d execs ran, %d got E2BIG; we agree on all\n", ran, e2big);
    CHECK(ok && ran > 0 && e2big > 0);
}

/* Our auxv keys come in the host kernel's order. */
static void test_auxv_order_host(void)
{
    static const char *const argv[] = {"prog"};
    FILE *f = fopen("/proc/self/auxv", "rb");
    u64 host[64][2], mine[64];
    size_t nhost = 0, nmine = 0, j = 0;
    struct user_stack_args a;
    static struct walked w;

    CHECK(f);
    nhost = fread(host, 16, 64, f);
    fclose(f);
    base_args(&a, argv, 1, NULL, 0);
    a.minsigstksz = 1;
    a.sysinfo_ehdr = 1;
    CHECK(build_and_check(&a, 0, &w));
    for (size_t i = 0; i < w.naux; i++) {
        mine[nmine++] = w.aux[i][0];
    }
    /* The host's keys that we also emit, in order, must be ours in order. */
    for (size_t i = 0; i < nhost; i++) {
        bool ours = false;
        for (size_t k = 0; k < nmine; k++) {
            ours |= mine[k] == host[i][0];
        }
        if (ours) {
            CHECK(j < nmine);
            if (mine[j] != host[i][0]) {
                printf("  position %zu: host key %llu, ours %llu\n", j,
                       (unsigned long long)host[i][0], (unsigned long long)mine[j]);
                CHECK(false);
            }
            j++;
        }
    }
    /* Every key of ours the host also has was matched. */
    size_t common = 0;
    for (size_t k = 0; k < nmine; k++) {
        for (size_t i = 0; i < nhost; i++) {
            if (host[i][0] == mine[k]) {
                common++;
                break;
            }
        }
    }
    CHECK_EQ(j, common);
    CHECK(common >= 17);
}

int main(void)
{
    RUN(test_basic);
    RUN(test_empty_argv);
    RUN(test_alignment_sweep);
    RUN(test_many_strings);
    RUN(test_errors);
    RUN(test_args_limits);
    RUN(test_args_limits_host);
    RUN(test_auxv_order_host);
    free(last_image);
    HARNESS_EXIT();
}
