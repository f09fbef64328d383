// SPDX-License-Identifier: MIT
/* Host tests of the syscall table (numbers, names, formats) and of the
 * strace-like trace formatter, with user addresses being host addresses
 * (tests/fakes/uaccess_fake_trace.c). */
#include "harness.h"

#include <abi/errno.h>
#include <kernel/syscall.h>
#include <stdint.h>
#include <string.h>

HARNESS("test_syscall_trace");

void uaccess_fake_set_fault(u64 lo, u64 hi);

static char line[1024];

static u64 U(const void *p)
{
    return (u64)(uintptr_t)p;
}

static const struct syscall_desc *by_name(const char *name)
{
    for (int i = 0; i < SYSCALL_COUNT; i++) {
        if (syscall_table[i].name && strcmp(syscall_table[i].name, name) == 0) {
            return &syscall_table[i];
        }
    }
    return NULL;
}

static const char *fmt6(const char *name, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5, long ret)
{
    const u64 args[SYSCALL_MAX_ARGS] = {a0, a1, a2, a3, a4, a5};
    const struct syscall_desc *d = by_name(name);

    if (!d) {
        return "(no such syscall)";
    }
    int n = syscall_format_trace(line, sizeof(line), d, args, ret);
    if (n != (int)strlen(line)) {
        return "(length mismatch)";
    }
    return line;
}

#define FMT(name, ret, ...) fmt6_pad(name, ret, (u64[SYSCALL_MAX_ARGS]){__VA_ARGS__})

static const char *fmt6_pad(const char *name, long ret, const u64 *a)
{
    return fmt6(name, a[0], a[1], a[2], a[3], a[4], a[5], ret);
}

#define CHECK_STR(got, want)                                                                       \
    do {                                                                                           \
        const char *_g = (got), *_w = (want);                                                      \
        if (strcmp(_g, _w) != 0) {                                                                 \
            printf("  check failed at %s:%d:\n    got  %s\n    want %s\n", __FILE__, __LINE__, _g, \
                   _w);                                                                            \
            harness_case_failed = 1;                                                               \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* ---- the table ---- */

static void test_well_known_numbers(void)
{
    static const struct {
        int nr;
        const char *name;
    } known[] = {
        {0, "read"},
        {1, "write"},
        {2, "open"},
        {3, "close"},
        {4, "stat"},
        {5, "fstat"},
        {6, "lstat"},
        {7, "poll"},
        {8, "lseek"},
        {9, "mmap"},
        {10, "mprotect"},
        {11, "munmap"},
        {12, "brk"},
        {13, "rt_sigaction"},
        {14, "rt_sigprocmask"},
        {15, "rt_sigreturn"},
        {16, "ioctl"},
        {17, "pread64"},
        {20, "writev"},
        {21, "access"},
        {22, "pipe"},
        {32, "dup"},
        {33, "dup2"},
        {39, "getpid"},
        {41, "socket"},
        {56, "clone"},
        {57, "fork"},
        {58, "vfork"},
        {59, "execve"},
        {60, "exit"},
        {61, "wait4"},
        {62, "kill"},
        {63, "uname"},
        {72, "fcntl"},
        {79, "getcwd"},
        {80, "chdir"},
        {89, "readlink"},
        {96, "gettimeofday"},
        {102, "getuid"},
        {110, "getppid"},
        {156, "_sysctl"},
        {157, "prctl"},
        {158, "arch_prctl"},
        {166, "umount2"},
        {186, "gettid"},
        {202, "futex"},
        {217, "getdents64"},
        {218, "set_tid_address"},
        {228, "clock_gettime"},
        {231, "exit_group"},
        {234, "tgkill"},
        {257, "openat"},
        {262, "newfstatat"},
        {263, "unlinkat"},
        {273, "set_robust_list"},
        {293, "pipe2"},
        {302, "prlimit64"},
        {318, "getrandom"},
        {322, "execveat"},
        {332, "statx"},
        {334, "rseq"},
        {435, "clone3"},
        {436, "close_range"},
        {437, "openat2"},
        {439, "faccessat2"},
        {441, "epoll_pwait2"},
        {443, "quotactl_fd"},
        {449, "futex_waitv"},
        {452, "fchmodat2"},
        {457, "statmount"},
        {461, "lsm_list_modules"},
    };

    CHECK_EQ(SYSCALL_COUNT, 462);
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        const char *name = syscall_table[known[i].nr].name;
        if (!name || strcmp(name, known[i].name) != 0) {
            printf("  %d is %s, want %s\n", known[i].nr, name ? name : "NULL", known[i].name);
        }
        CHECK(name && strcmp(name, known[i].name) == 0);
    }
}

static void test_unused_numbers_have_no_name(void)
{
    int named = 0;

    for (int i = 337; i <= 423; i++) {
        CHECK(syscall_table[i].name == NULL);
        CHECK_EQ(syscall_table[i].nargs, 0);
        CHECK(syscall_table[i].fn == NULL);
    }
    for (int i = 0; i < SYSCALL_COUNT; i++) {
        named += syscall_table[i].name != NULL;
    }
    CHECK_EQ(named, 337 + (461 - 424 + 1));
    CHECK_STR(syscall_table[335].name, "uretprobe");
    CHECK_STR(syscall_table[336].name, "uprobe");
}

static void test_names_unique(void)
{
    for (int i = 0; i < SYSCALL_COUNT; i++) {
        for (int j = i + 1; j < SYSCALL_COUNT && syscall_table[i].name; j++) {
            if (syscall_table[j].name &&
                strcmp(syscall_table[i].name, syscall_table[j].name) == 0) {
                printf("  %s at %d and %d\n", syscall_table[i].name, i, j);
                CHECK(0);
            }
        }
    }
}

static void test_formats_match_nargs(void)
{
    for (int i = 0; i < SYSCALL_COUNT; i++) {
        const struct syscall_desc *d = &syscall_table[i];
        size_t len = strnlen(d->fmt, sizeof(d->fmt));
        if (len != d->nargs) {
            printf("  %d %s: fmt \"%s\" but nargs %d\n", i, d->name, d->fmt, d->nargs);
        }
        CHECK_EQ(len, d->nargs);
        CHECK(d->nargs <= SYSCALL_MAX_ARGS);
        CHECK(!d->partial);
        for (size_t k = 0; k < len; k++) {
            CHECK(strchr("dluxpsbBofFmMaASv", d->fmt[k]) != NULL);
            /* A buffer's length is the next argument. */
            if (d->fmt[k] == 'b' || d->fmt[k] == 'B') {
                CHECK(k + 1 < len);
            }
        }
    }
    CHECK_STR(syscall_table[0].fmt, "dBu");
    CHECK_STR(syscall_table[1].fmt, "dbu");
    CHECK_STR(syscall_table[9].fmt, "pumMdx");
    CHECK_STR(syscall_table[59].fmt, "svv");
    CHECK_STR(syscall_table[257].fmt, "asfo");
}

/* Nothing defines a handler in this test binary: the weak references are NULL. */
static void test_handlers_weak(void)
{
    for (int i = 0; i < SYSCALL_COUNT; i++) {
        CHECK(syscall_table[i].fn == NULL);
    }
    /* Every partial entry names a syscall of the table. */
    for (int k = 0; syscall_partial[k]; k++) {
        bool found = false;
        for (int i = 0; i < SYSCALL_COUNT; i++) {
            if (syscall_table[i].name && strcmp(syscall_table[i].name, syscall_partial[k]) == 0) {
                found = true;
            }
        }
        CHECK(found);
    }
}

static void test_errno_names(void)
{
    CHECK_STR(errno_name(1), "EPERM");
    CHECK_STR(errno_name(2), "ENOENT");
    CHECK_STR(errno_name(11), "EAGAIN");
    CHECK_STR(errno_name(38), "ENOSYS");
    CHECK_STR(errno_name(95), "EOPNOTSUPP");
    CHECK_STR(errno_name(110), "ETIMEDOUT");
    CHECK_STR(errno_name(133), "EHWPOISON");
    CHECK_STR(errno_name(512), "ERESTARTSYS");
    CHECK(errno_name(0) == NULL);
    CHECK(errno_name(41) == NULL);
    CHECK(errno_name(58) == NULL);
    CHECK(errno_name(134) == NULL);
    CHECK(errno_name(-2) == NULL);
    CHECK(errno_name(517) == NULL);
    for (int e = 1; e <= 133; e++) {
        if (e != 41 && e != 58) {
            CHECK(errno_name(e) && errno_name(e)[0] == 'E');
        }
    }
}

/* ---- the formatter ---- */

static void test_openat_and_errors(void)
{
    static const char path[] = "/etc/passwd";
    const u64 fdcwd = (u64)(s64)-100;

    CHECK_STR(FMT("openat", 3, fdcwd, U(path), 02000000, 0),
              "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC) = 3");
    CHECK_STR(FMT("openat", -2, fdcwd, U(path), 0, 0),
              "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY) = -2 ENOENT");
    CHECK_STR(FMT("openat", -13, 5, U(path), 0101, 0644),
              "openat(5, \"/etc/passwd\", O_WRONLY|O_CREAT, 0644) = -13 EACCES");
    CHECK_STR(FMT("close", -9, 42), "close(42) = -9 EBADF");
    CHECK_STR(FMT("close", -41, 42), "close(42) = -41");
    CHECK_STR(FMT("close", -133, 42), "close(42) = -133 EHWPOISON");
    CHECK_STR(FMT("close", -512, 42), "close(42) = -512 ERESTARTSYS");
    CHECK_STR(FMT("close", -4096, 42), "close(42) = -4096");
    CHECK_STR(FMT("getpid", 1), "getpid() = 1");
    CHECK_STR(FMT("exit_group", SYSCALL_TRACE_NO_RET, 0), "exit_group(0) = ?");
}

static void test_open_flags(void)
{
    static const char f[] = "f";

    CHECK_STR(FMT("open", 3, U(f), 01101, 0644), "open(\"f\", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 3");
    CHECK_STR(FMT("open", 3, U(f), 0302, 0600), "open(\"f\", O_RDWR|O_CREAT|O_EXCL, 0600) = 3");
    CHECK_STR(FMT("open", 3, U(f), 02000 | 04000 | 0200000 | 0400000 | 0100000, 0777),
              "open(\"f\", O_RDONLY|O_APPEND|O_NONBLOCK|O_LARGEFILE|O_DIRECTORY|O_NOFOLLOW) = 3");
    CHECK_STR(FMT("open", 3, U(f), 010000000 | 02000000, 0),
              "open(\"f\", O_RDONLY|O_CLOEXEC|O_PATH) = 3");
    /* O_SYNC and O_TMPFILE are two bits each; O_DSYNC alone is one of them. */
    CHECK_STR(FMT("open", 3, U(f), 04010001, 0), "open(\"f\", O_WRONLY|O_SYNC) = 3");
    CHECK_STR(FMT("open", 3, U(f), 010001, 0), "open(\"f\", O_WRONLY|O_DSYNC) = 3");
    CHECK_STR(FMT("open", 3, U(f), 020200002, 0600), "open(\"f\", O_RDWR|O_TMPFILE, 0600) = 3");
    CHECK_STR(FMT("open", 3, U(f), 0200000, 0), "open(\"f\", O_RDONLY|O_DIRECTORY) = 3");
    CHECK_STR(FMT("open", 3, U(f), 3, 0), "open(\"f\", O_ACCMODE) = 3");
    /* Bits Linux does not define show in hex after the known ones. */
    CHECK_STR(FMT("open", 3, U(f), 0x40000000 | 0100 | 2, 0),
              "open(\"f\", O_RDWR|O_CREAT|0x40000000, 000) = 3");
    CHECK_STR(FMT("creat", 3, U(f), 0755), "creat(\"f\", 0755) = 3");
    CHECK_STR(FMT("umask", 022, 077), "umask(077) = 18");
    CHECK_STR(FMT("mkdir", 0, U(f), 0), "mkdir(\"f\", 000) = 0");
}

static void test_mmap(void)
{
    CHECK_STR(FMT("mmap", 0x7f0000001000, 0, 4096, 3, 0x22, (u64)-1, 0),
              "mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = "
              "0x7f0000001000");
    CHECK_STR(FMT("mmap", -12, 0x400000, 8192, 5, 0x12, 3, 0x1000),
              "mmap(0x400000, 8192, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED, 3, 0x1000) = "
              "-12 ENOMEM");
    CHECK_STR(
        FMT("mmap", -22, 0, 4096, 0, 0x1 | 0x100000 | 0x20000 | 0x8000 | 0x8000000, (u64)-1, 0),
        "mmap(NULL, 4096, PROT_NONE, "
        "MAP_SHARED|MAP_POPULATE|MAP_STACK|MAP_FIXED_NOREPLACE|0x8000000, -1, 0) = "
        "-22 EINVAL");
    CHECK_STR(FMT("mmap", -22, 0, 4096, 0x10 | 1, 0x7 | 0x20, (u64)-1, 0),
              "mmap(NULL, 4096, PROT_READ|0x10, 0x7|MAP_ANONYMOUS, -1, 0) = -22 EINVAL");
    CHECK_STR(FMT("mprotect", 0, 0x1000, 4096, 0x01000004),
              "mprotect(0x1000, 4096, PROT_EXEC|PROT_GROWSDOWN) = 0");
    CHECK_STR(FMT("brk", 0x601000, 0), "brk(NULL) = 0x601000");
    CHECK_STR(FMT("munmap", 0, 0x7f0000001000, 4096), "munmap(0x7f0000001000, 4096) = 0");
}

static void test_at_flags(void)
{
    static const char e[] = "", d[] = "d";
    const u64 fdcwd = (u64)(s64)-100;

    CHECK_STR(FMT("newfstatat", 0, 3, U(e), 0x1000, 0x1000),
              "newfstatat(3, \"\", 0x1000, AT_EMPTY_PATH) = 0");
    CHECK_STR(FMT("unlinkat", 0, fdcwd, U(d), 0x200),
              "unlinkat(AT_FDCWD, \"d\", AT_REMOVEDIR) = 0");
    CHECK_STR(FMT("unlinkat", 0, fdcwd, U(d), 0), "unlinkat(AT_FDCWD, \"d\", 0) = 0");
    CHECK_STR(FMT("faccessat2", 0, fdcwd, U(d), 4, 0x300),
              "faccessat2(AT_FDCWD, \"d\", 4, AT_SYMLINK_NOFOLLOW|AT_EACCESS) = 0");
    CHECK_STR(FMT("statx", 0, 7, U(d), 0x100 | 0x80000, 0x7ff, 0x5000),
              "statx(7, \"d\", AT_SYMLINK_NOFOLLOW|0x80000, 0x7ff, 0x5000) = 0");
    CHECK_STR(FMT("utimensat", 0, 4, 0, 0, 0), "utimensat(4, NULL, NULL, 0) = 0");
}

static void test_fcntl(void)
{
    CHECK_STR(FMT("fcntl", 32770, 3, 3, 0x1234), "fcntl(3, F_GETFL) = 32770");
    CHECK_STR(FMT("fcntl", 1, 3, 1, 0), "fcntl(3, F_GETFD) = 1");
    CHECK_STR(FMT("fcntl", 0, 3, 2, 1), "fcntl(3, F_SETFD, FD_CLOEXEC) = 0");
    CHECK_STR(FMT("fcntl", 0, 3, 2, 0), "fcntl(3, F_SETFD, 0) = 0");
    CHECK_STR(FMT("fcntl", 0, 3, 4, 04002), "fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0");
    CHECK_STR(FMT("fcntl", 11, 3, 1030, 10), "fcntl(3, F_DUPFD_CLOEXEC, 10) = 11");
    CHECK_STR(FMT("fcntl", 5, 3, 0, 5), "fcntl(3, F_DUPFD, 5) = 5");
    CHECK_STR(FMT("fcntl", 0, 3, 6, 0x7ffc1000), "fcntl(3, F_SETLK, 0x7ffc1000) = 0");
    CHECK_STR(FMT("fcntl", -22, 3, 999, 5), "fcntl(3, 999, 0x5) = -22 EINVAL");
}

static void test_signals(void)
{
    CHECK_STR(FMT("kill", 0, 42, 15), "kill(42, SIGTERM) = 0");
    CHECK_STR(FMT("kill", 0, 42, 2), "kill(42, SIGINT) = 0");
    CHECK_STR(FMT("kill", 0, 42, 9), "kill(42, SIGKILL) = 0");
    CHECK_STR(FMT("kill", 0, 1, 0), "kill(1, 0) = 0");
    CHECK_STR(FMT("kill", 0, (u64)-1, 31), "kill(-1, SIGSYS) = 0");
    CHECK_STR(FMT("kill", 0, 1, 32), "kill(1, SIGRTMIN) = 0");
    CHECK_STR(FMT("kill", 0, 1, 34), "kill(1, SIGRTMIN+2) = 0");
    CHECK_STR(FMT("tgkill", -22, 1, 2, 65), "tgkill(1, 2, 65) = -22 EINVAL");
    CHECK_STR(FMT("rt_sigaction", 0, 17, 0x1000, 0, 8),
              "rt_sigaction(SIGCHLD, 0x1000, NULL, 8) = 0");
}

static void test_strings(void)
{
    static const char esc[] = "a\nb\tc\"d\\e\x01\x7f\xff\rz";
    static char exact[65], longer[101];

    CHECK_STR(FMT("chdir", 0, U(esc)), "chdir(\"a\\nb\\tc\\\"d\\\\e\\x01\\x7f\\xff\\rz\") = 0");

    memset(exact, 'x', 64);
    CHECK_STR(FMT("chdir", 0, U(exact)),
              "chdir(\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\") = 0");
    memset(longer, 'y', 100);
    CHECK_STR(FMT("chdir", 0, U(longer)),
              "chdir(\"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\"...) = 0");
    longer[65] = '\0';
    CHECK_STR(FMT("chdir", 0, U(longer)),
              "chdir(\"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\"...) = 0");
    CHECK_STR(FMT("rename", 0, U(""), U("b")), "rename(\"\", \"b\") = 0");
}

static void test_bad_pointers(void)
{
    static char page[128];

    CHECK_STR(FMT("open", -14, 0x1234, 0, 0), "open(0x1234, O_RDONLY) = -14 EFAULT");
    CHECK_STR(FMT("open", -14, 0, 0, 0), "open(NULL, O_RDONLY) = -14 EFAULT");
    CHECK_STR(FMT("chdir", -14, 0xffff800000000000), "chdir(0xffff800000000000) = -14 EFAULT");

    /* A string running into unreadable memory, before and after 64 characters. */
    memset(page, 'z', sizeof(page));
    uaccess_fake_set_fault(U(page + 64), U(page + 128));
    snprintf(line, sizeof(line), "chdir(%#lx) = -14 EFAULT", (unsigned long)U(page + 10));
    char want[128];
    strcpy(want, line);
    CHECK_STR(FMT("chdir", -14, U(page + 10)), want);
    CHECK_STR(FMT("chdir", 0, U(page)),
              "chdir(\"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\"...) = 0");
    /* A buffer partly unreadable shows as its address. */
    snprintf(want, sizeof(want), "write(1, %#lx, 20) = -14 EFAULT", (unsigned long)U(page + 50));
    CHECK_STR(FMT("write", -14, 1, U(page + 50), 20), want);
    uaccess_fake_set_fault(0, 0);
}

static void test_buffers(void)
{
    static const char hello[] = "hello\n";
    static const char bin[] = {'a', 0, 'b', '\x80'};
    static char big[40];
    char want[128];

    CHECK_STR(FMT("write", 6, 1, U(hello), 6), "write(1, \"hello\\n\", 6) = 6");
    CHECK_STR(FMT("write", 4, 1, U(bin), 4), "write(1, \"a\\x00b\\x80\", 4) = 4");
    CHECK_STR(FMT("write", 0, 1, U(hello), 0), "write(1, \"\", 0) = 0");
    memset(big, 'q', sizeof(big));
    CHECK_STR(FMT("write", 40, 2, U(big), 40),
              "write(2, \"qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq\"..., 40) = 40");
    /* A huge length reads only the first bytes. */
    CHECK_STR(FMT("write", -14, 2, U(big), 1ul << 40),
              "write(2, \"qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq\"..., 1099511627776) = -14 EFAULT");
    /* Output buffers are shown as addresses. */
    snprintf(want, sizeof(want), "read(0, %#lx, 40) = 5", (unsigned long)U(big));
    CHECK_STR(FMT("read", 5, 0, U(big), 40), want);
    CHECK_STR(FMT("read", -14, 0, 0, 40), "read(0, NULL, 40) = -14 EFAULT");
    CHECK_STR(FMT("pwrite64", 2, 3, U(hello), 2, (u64)-1), "pwrite64(3, \"he\", 2, -1) = 2");
    CHECK_STR(FMT("lseek", 10, 3, (u64)-10, 2), "lseek(3, -10, 2) = 10");
    CHECK_STR(FMT("sethostname", 0, U(hello), 5), "sethostname(\"hello\", 5) = 0");
}

static void test_argv(void)
{
    static const char *const argv[] = {"sh", "-c", "echo \"hi\"", NULL};
    static const char *const nine[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", NULL};
    static const char *const eight[] = {"0", "1", "2", "3", "4", "5", "6", "7", NULL};
    static const char *const bad_elem[] = {"a", (const char *)0x42, NULL};
    static const char *slots[4] = {"a", "b", "c", NULL};
    static const char *const empty[] = {NULL};
    char want[256];

    CHECK_STR(FMT("execve", SYSCALL_TRACE_NO_RET, U("/bin/sh"), U(argv), 0),
              "execve(\"/bin/sh\", [\"sh\", \"-c\", \"echo \\\"hi\\\"\"], NULL) = ?");
    CHECK_STR(
        FMT("execve", 0, U("/x"), U(nine), U(empty)),
        "execve(\"/x\", [\"0\", \"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", ...], []) = 0");
    CHECK_STR(FMT("execve", 0, U("/x"), U(eight), U(argv)),
              "execve(\"/x\", [\"0\", \"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\"], [\"sh\", "
              "\"-c\", \"echo \\\"hi\\\"\"]) = 0");
    CHECK_STR(FMT("execve", -14, U("/x"), U(bad_elem), 0),
              "execve(\"/x\", [\"a\", 0x42], NULL) = -14 EFAULT");
    CHECK_STR(FMT("execve", -14, U("/x"), 0x10, 0), "execve(\"/x\", 0x10, NULL) = -14 EFAULT");

    /* The array's third slot is unreadable. */
    uaccess_fake_set_fault(U(&slots[2]), U(&slots[4]));
    snprintf(want, sizeof(want), "execve(\"/x\", [\"a\", \"b\", %#lx], NULL) = -14 EFAULT",
             (unsigned long)U(&slots[2]));
    CHECK_STR(FMT("execve", -14, U("/x"), U(slots), 0), want);
    uaccess_fake_set_fault(U(&slots[0]), U(&slots[4]));
    snprintf(want, sizeof(want), "execve(\"/x\", %#lx, NULL) = -14 EFAULT",
             (unsigned long)U(slots));
    CHECK_STR(FMT("execve", -14, U("/x"), U(slots), 0), want);
    uaccess_fake_set_fault(0, 0);

    CHECK_STR(FMT("execveat", 0, 3, U(""), U(empty), 0, 0x1000),
              "execveat(3, \"\", [], NULL, AT_EMPTY_PATH) = 0");
}

static void test_misc_args(void)
{
    CHECK_STR(FMT("arch_prctl", 0, 0x1002, 0x7f00deadbeef),
              "arch_prctl(0x1002, 0x7f00deadbeef) = 0");
    CHECK_STR(FMT("set_tid_address", 7, 0x601040), "set_tid_address(0x601040) = 7");
    CHECK_STR(FMT("close_range", 0, 3, 0xffffffff, 0), "close_range(3, 4294967295, 0) = 0");
    CHECK_STR(FMT("wait4", 12, (u64)-1, 0x7ffc0000, 0, 0), "wait4(-1, 0x7ffc0000, 0, NULL) = 12");
    /* Registers hold 64 bits; an int argument uses the low 32. */
    CHECK_STR(FMT("close", 0, 0xffffffff00000003), "close(3) = 0");
    CHECK_STR(FMT("getrandom", 16, 0x1000, 16, 1), "getrandom(0x1000, 16, 0x1) = 16");
}

static void test_unknown_and_truncation(void)
{
    const u64 args[SYSCALL_MAX_ARGS] = {1, 2, 3, 0, 0, 0xff};
    char small[16];
    int n;

    n = syscall_format_trace(line, sizeof(line), &syscall_table[400], args, -38);
    CHECK_STR(line, "syscall_400(0x1, 0x2, 0x3, 0, 0, 0xff) = -38 ENOSYS");
    CHECK_EQ(n, strlen(line));
    syscall_format_trace(line, sizeof(line), NULL, args, -38);
    CHECK_STR(line, "syscall_unknown(0x1, 0x2, 0x3, 0, 0, 0xff) = -38 ENOSYS");

    /* A short buffer is cut and terminated; the full length is returned. */
    memset(small, '#', sizeof(small));
    n = syscall_format_trace(small, sizeof(small), by_name("openat"),
                             (const u64[6]){(u64)(s64)-100, U("/etc/passwd"), 0, 0}, 3);
    CHECK_STR(small, "openat(AT_FDCWD");
    CHECK_EQ(n, strlen("openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY) = 3"));
    n = syscall_format_trace(NULL, 0, by_name("getpid"), args, 1);
    CHECK_EQ(n, strlen("getpid() = 1"));
    n = syscall_format_trace(small, 1, by_name("getpid"), args, 1);
    CHECK_EQ(small[0], '\0');
    CHECK_EQ(n, strlen("getpid() = 1"));
}

int main(void)
{
    RUN(test_well_known_numbers);
    RUN(test_unused_numbers_have_no_name);
    RUN(test_names_unique);
    RUN(test_formats_match_nargs);
    RUN(test_handlers_weak);
    RUN(test_errno_names);
    RUN(test_openat_and_errors);
    RUN(test_open_flags);
    RUN(test_mmap);
    RUN(test_at_flags);
    RUN(test_fcntl);
    RUN(test_signals);
    RUN(test_strings);
    RUN(test_bad_pointers);
    RUN(test_buffers);
    RUN(test_argv);
    RUN(test_misc_args);
    RUN(test_unknown_and_truncation);
    HARNESS_EXIT();
}
