// SPDX-License-Identifier: MIT
/* t_uaccess: every pointer-taking system call, given bad user pointers,
 * must fail cleanly (EFAULT) -- or do exactly what Linux x86_64 does where
 * that is something else (NULL meaning "none", partial copies).
 *
 * Pointer classes (case suffix):
 *   null            0
 *   kernel          0xffffffff80000000 (the kernel image)
 *   noncanon-high   0x8000000000000000
 *   noncanon-low    0x0000800000000000 (just above user space)
 *   unmapped        a page that was mapped and then unmapped
 *   straddle-none   10 bytes before the end of a read/write page followed by
 *                   a PROT_NONE page (the call is given a length of 100, or
 *                   a structure larger than 10 bytes)
 *   straddle-hole   the same with an unmapped page after the mapping
 * Where a path is expected, the 10 straddling bytes hold no NUL.
 *
 * Raw syscall() everywhere, so the C library cannot interfere.
 */
#include "t.h"

#include <dirent.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <sys/utsname.h>

#ifndef ARCH_GET_FS
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#endif

enum {
    C_NULL,
    C_KERNEL,
    C_NONCANON_HIGH,
    C_NONCANON_LOW,
    C_UNMAPPED,
    C_STRADDLE_NONE,
    C_STRADDLE_HOLE,
    NCLS
};

static struct {
    const char *name;
    char *p;
} cls[NCLS] = {
    [C_NULL] = {"null", NULL},
    [C_KERNEL] = {"kernel", (char *)0xffffffff80000000ul},
    [C_NONCANON_HIGH] = {"noncanon-high", (char *)0x8000000000000000ul},
    [C_NONCANON_LOW] = {"noncanon-low", (char *)0x0000800000000000ul},
    [C_UNMAPPED] = {"unmapped", NULL},
    [C_STRADDLE_NONE] = {"straddle-none", NULL},
    [C_STRADDLE_HOLE] = {"straddle-hole", NULL},
};

static long pagesz;
static char *page_none_end, *page_hole_end; /* end of the read/write page */
static char self[PATH_MAX];

#define EF (-1L) /* want: -1 with EFAULT */

static int is_straddle(int ci)
{
    return ci == C_STRADDLE_NONE || ci == C_STRADDLE_HOLE;
}

/* The 10 bytes before each page end: no NUL, so a path there runs off the page. */
static void refill(void)
{
    memset(page_none_end - 10, 'a', 10);
    memset(page_hole_end - 10, 'a', 10);
}

/* Wanted result for class ci: EF, or null_want / straddle_want. */
static long want_for(int ci, long null_want, long straddle_want)
{
    if (ci == C_NULL)
        return null_want;
    if (is_straddle(ci))
        return straddle_want;
    return EF;
}

#define FOR_CLASSES for (int ci = 0; ci < NCLS; ci++)
#define P ((void *)cls[ci].p)
#define CN (cls[ci].name)

/* ALL(case, expr using P, want for null, want for straddle) */
#define ALL(what, expr, null_want, straddle_want)                                                  \
    FOR_CLASSES                                                                                    \
    {                                                                                              \
        refill();                                                                                  \
        long w_ = want_for(ci, (null_want), (straddle_want));                                      \
        EXPECT((expr), w_, EFAULT, "%s=%s", what, CN);                                             \
    }

static int setup(void)
{
    pagesz = sysconf(_SC_PAGESIZE);
    char *u =
        mmap(NULL, (size_t)pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *a =
        mmap(NULL, 2 * (size_t)pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *b =
        mmap(NULL, 2 * (size_t)pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (u == MAP_FAILED || a == MAP_FAILED || b == MAP_FAILED) {
        fail(strerror(errno), "setup mmap");
        return -1;
    }
    if (munmap(u, (size_t)pagesz) || mprotect(a + pagesz, (size_t)pagesz, PROT_NONE) ||
        munmap(b + pagesz, (size_t)pagesz)) {
        fail(strerror(errno), "setup munmap/mprotect");
        return -1;
    }
    cls[C_UNMAPPED].p = u;
    page_none_end = a + pagesz;
    page_hole_end = b + pagesz;
    cls[C_STRADDLE_NONE].p = page_none_end - 10;
    cls[C_STRADDLE_HOLE].p = page_hole_end - 10;

    /* Files: "file" (4096 bytes), "wfile", "dir" with entries, "link" -> a long target. */
    int fd = open("file", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    char buf[4096];
    memset(buf, 'x', sizeof buf);
    if (fd < 0 || write(fd, buf, sizeof buf) != (ssize_t)sizeof buf) {
        fail(strerror(errno), "setup file");
        return -1;
    }
    close(fd);
    close(open("wfile", O_CREAT | O_WRONLY | O_TRUNC, 0644));
    if (mkdir("dir", 0755) || close(open("dir/entry-one", O_CREAT | O_WRONLY, 0644)) ||
        close(open("dir/entry-two", O_CREAT | O_WRONLY, 0644)) ||
        symlink("file-with-a-rather-long-name-for-readlink", "link")) {
        fail(strerror(errno), "setup tree");
        return -1;
    }
    return 0;
}

static pid_t spawn_exit(int code)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(code);
    return pid;
}

static void test_output_buffers(void)
{
    int fd = open("file", O_RDONLY);
    int dfd = open("dir", O_RDONLY | O_DIRECTORY);
    struct stat st;
    char buf[256];

    ALL("read buf", (lseek(fd, 0, SEEK_SET), syscall(SYS_read, fd, P, 100)), EF, 10);
    ALL("pread64 buf", syscall(SYS_pread64, fd, P, 100, 0), EF, 10);
    /* A zero count: NULL is fine, a pointer outside user space is not. */
    EXPECT(syscall(SYS_read, fd, NULL, 0), 0, 0, "read count=0 buf=null");
    EXPECT(syscall(SYS_read, fd, cls[C_KERNEL].p, 0), EF, EFAULT, "read count=0 buf=kernel");
    EXPECT(syscall(SYS_read, fd, cls[C_NONCANON_HIGH].p, 0), EF, EFAULT,
           "read count=0 buf=noncanon-high");
    EXPECT(syscall(SYS_read, fd, cls[C_UNMAPPED].p, 0), 0, 0, "read count=0 buf=unmapped");
    FOR_CLASSES
    {
        refill();
        EXPECT((lseek(fd, 0, SEEK_SET), syscall(SYS_readv, fd, P, 1)), EF, EFAULT, "readv iov=%s",
               CN);
        struct iovec iov = {P, 100};
        EXPECT((lseek(fd, 0, SEEK_SET), syscall(SYS_readv, fd, &iov, 1)), want_for(ci, EF, 10),
               EFAULT, "readv iov_base=%s", CN);
    }
    /* readv stops at the first bad iovec but keeps what was copied before it. */
    {
        struct iovec iov[2] = {{buf, 20}, {cls[C_UNMAPPED].p, 100}};
        EXPECT((lseek(fd, 0, SEEK_SET), syscall(SYS_readv, fd, iov, 2)), 20, 0,
               "readv second iov_base=unmapped");
    }
    ALL("fstat buf", syscall(SYS_fstat, fd, P), EF, EF);
    ALL("stat buf", syscall(SYS_stat, "file", P), EF, EF);
    ALL("lstat buf", syscall(SYS_lstat, "link", P), EF, EF);
    ALL("newfstatat buf", syscall(SYS_newfstatat, AT_FDCWD, "file", P, 0), EF, EF);
    ALL("statx buf", syscall(SYS_statx, AT_FDCWD, "file", 0, 0x7ff, P), EF, EF);
    ALL("getdents64 buf", (lseek(dfd, 0, SEEK_SET), syscall(SYS_getdents64, dfd, P, 100)), EF, EF);
    ALL("readlink buf", syscall(SYS_readlink, "link", P, 100), EF, EF);
    ALL("getcwd buf", syscall(SYS_getcwd, P, 100), EF, EF);
    ALL("uname buf", syscall(SYS_uname, P), EF, EF);
    ALL("sysinfo buf", syscall(SYS_sysinfo, P), EF, EF);
    ALL("getrandom buf", syscall(SYS_getrandom, P, 100, 0), EF, 10);
    ALL("clock_gettime tp", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, P), EF, EF);
    {
        /* The boundary exactly: 16 bytes before the end fit, 15 do not. */
        EXPECT(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, page_none_end - 16), 0, 0,
               "clock_gettime tp=last-16-bytes");
        EXPECT(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, page_none_end - 15), EF, EFAULT,
               "clock_gettime tp=last-15-bytes");
    }
    ALL("gettimeofday tv", syscall(SYS_gettimeofday, P, NULL), 0, EF);
    /* struct timezone is 8 bytes: it fits in the 10 straddling bytes. */
    ALL("gettimeofday tz", syscall(SYS_gettimeofday, buf, P), 0, 0);
    /* time_t is 8 bytes: it fits too; NULL means "only return it". */
    ALL("time tloc", syscall(SYS_time, P), ANY_OK, ANY_OK);
    EXPECT(syscall(SYS_time, page_none_end - 7), EF, EFAULT, "time tloc=last-7-bytes");
    /* rem is written only when the sleep is interrupted. */
    FOR_CLASSES
    {
        struct timespec req = {0, 1000};
        EXPECT(syscall(SYS_nanosleep, &req, P), 0, 0, "nanosleep rem=%s", CN);
    }
    ALL("getrlimit rlim", syscall(SYS_getrlimit, RLIMIT_NOFILE, P), EF, EF);
    ALL("prlimit64 old", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, P), 0, EF);
    ALL("times buf", syscall(SYS_times, P), ANY_OK, EF);
    ALL("statfs buf", syscall(SYS_statfs, ".", P), EF, EF);
    ALL("fstatfs buf", syscall(SYS_fstatfs, fd, P), EF, EF);
    /* arch_prctl writes 8 bytes: they fit in the straddling 10. */
    ALL("arch_prctl ARCH_GET_FS addr", syscall(SYS_arch_prctl, ARCH_GET_FS, P), EF, 0);

    /* wait4 reaps the child even when it cannot store the status. */
    FOR_CLASSES
    {
        pid_t pid = spawn_exit(3);
        long w = want_for(ci, pid, pid); /* an int fits in 10 bytes */
        EXPECT(syscall(SYS_wait4, pid, P, 0, NULL), w, EFAULT, "wait4 status=%s", CN);
        EXPECT(syscall(SYS_wait4, pid, NULL, 0, NULL), EF, ECHILD,
               "wait4 status=%s child was reaped", CN);
    }
    FOR_CLASSES
    {
        pid_t pid = spawn_exit(3);
        long w = want_for(ci, pid, EF);
        EXPECT(syscall(SYS_wait4, pid, NULL, 0, P), w, EFAULT, "wait4 rusage=%s", CN);
        EXPECT(syscall(SYS_wait4, pid, NULL, 0, NULL), EF, ECHILD,
               "wait4 rusage=%s child was reaped", CN);
    }
    (void)st;
    close(fd);
    close(dfd);
}

static void test_input_buffers(void)
{
    int fd = open("wfile", O_RDWR);
    ALL("write buf", (lseek(fd, 0, SEEK_SET), syscall(SYS_write, fd, P, 100)), EF, 10);
    ALL("pwrite64 buf", syscall(SYS_pwrite64, fd, P, 100, 0), EF, 10);
    EXPECT(syscall(SYS_write, fd, NULL, 0), 0, 0, "write count=0 buf=null");
    EXPECT(syscall(SYS_write, fd, cls[C_KERNEL].p, 0), EF, EFAULT, "write count=0 buf=kernel");
    FOR_CLASSES
    {
        refill();
        EXPECT(syscall(SYS_writev, fd, P, 1), EF, EFAULT, "writev iov=%s", CN);
        struct iovec iov = {P, 100};
        EXPECT((lseek(fd, 0, SEEK_SET), syscall(SYS_writev, fd, &iov, 1)), want_for(ci, EF, 10),
               EFAULT, "writev iov_base=%s", CN);
    }
    {
        char ok[20] = "0123456789abcdefghi";
        struct iovec iov[2] = {{ok, 20}, {cls[C_UNMAPPED].p, 100}};
        EXPECT((lseek(fd, 0, SEEK_SET), syscall(SYS_writev, fd, iov, 2)), 20, 0,
               "writev second iov_base=unmapped");
    }
    close(fd);
    ALL("setrlimit rlim", syscall(SYS_setrlimit, RLIMIT_NOFILE, P), EF, EF);
    ALL("prlimit64 new", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, P, NULL), 0, EF);
    ALL("nanosleep req", syscall(SYS_nanosleep, P, NULL), EF, EF);
    ALL("utimensat times", syscall(SYS_utimensat, AT_FDCWD, "file", P, 0), 0, EF);
}

static void test_paths(void)
{
    struct stat st;
    struct statfs sfs;
    char stx[256], buf[128];
    ALL("open path", syscall(SYS_open, P, O_RDONLY), EF, EF);
    ALL("openat path", syscall(SYS_openat, AT_FDCWD, P, O_RDONLY), EF, EF);
    ALL("stat path", syscall(SYS_stat, P, &st), EF, EF);
    ALL("lstat path", syscall(SYS_lstat, P, &st), EF, EF);
    ALL("newfstatat path", syscall(SYS_newfstatat, AT_FDCWD, P, &st, 0), EF, EF);
    ALL("statx path", syscall(SYS_statx, AT_FDCWD, P, 0, 0x7ff, stx), EF, EF);
    ALL("mkdir path", syscall(SYS_mkdir, P, 0755), EF, EF);
    ALL("rmdir path", syscall(SYS_rmdir, P), EF, EF);
    ALL("unlink path", syscall(SYS_unlink, P), EF, EF);
    ALL("rename oldpath", syscall(SYS_rename, P, "renamed"), EF, EF);
    ALL("rename newpath", syscall(SYS_rename, "file", P), EF, EF);
    ALL("link oldpath", syscall(SYS_link, P, "linked"), EF, EF);
    ALL("link newpath", syscall(SYS_link, "file", P), EF, EF);
    ALL("symlink target", syscall(SYS_symlink, P, "symlinked"), EF, EF);
    ALL("symlink linkpath", syscall(SYS_symlink, "file", P), EF, EF);
    ALL("readlink path", syscall(SYS_readlink, P, buf, sizeof buf), EF, EF);
    ALL("chmod path", syscall(SYS_chmod, P, 0644), EF, EF);
    ALL("chown path", syscall(SYS_chown, P, 0, 0), EF, EF);
    ALL("truncate path", syscall(SYS_truncate, P, 0), EF, EF);
    ALL("access path", syscall(SYS_access, P, F_OK), EF, EF);
    ALL("chdir path", syscall(SYS_chdir, P), EF, EF);
    ALL("utimensat path", syscall(SYS_utimensat, AT_FDCWD, P, NULL, 0), EF, EF);
    ALL("statfs path", syscall(SYS_statfs, P, &sfs), EF, EF);
    /* With a real dirfd, a NULL path means the dirfd itself (futimens). */
    {
        int fd = open("file", O_RDONLY);
        EXPECT(syscall(SYS_utimensat, fd, NULL, NULL, 0), 0, 0, "utimensat fd path=null");
        close(fd);
    }
    /* A path whose NUL is the last byte of the page is fine. */
    memcpy(page_none_end - 5, "file", 5);
    EXPECT(syscall(SYS_stat, page_none_end - 5, &st), 0, 0, "stat path=ends-at-page-end");
    memcpy(page_hole_end - 5, "file", 5);
    long fd = syscall(SYS_open, page_hole_end - 5, O_RDONLY);
    CHECK(fd >= 0, "open path=ends-at-page-end");
    if (fd >= 0)
        close((int)fd);
    /* Nothing was created, renamed or removed by the failed calls. */
    CHECK(access("renamed", F_OK) && access("linked", F_OK) && access("symlinked", F_OK) &&
              !access("file", F_OK),
          "failed path calls left the tree alone");
}

/* execve with bad pointers, each in a child: a successful exec runs this
 * program in probe mode, which exits 77. */
static void test_execve(void)
{
    FOR_CLASSES
    {
        char *argv[] = {"--probe", NULL};
        char *envp[] = {"KILN_UACCESS_PROBE=1", NULL};
        struct {
            const char *what;
            int runs_if_null;
        } k[] = {{"execve path", 0},
                 {"execve argv", 1},
                 {"execve argv[1]", 1},
                 {"execve envp", 1},
                 {"execve envp[0]", 1}};
        for (int j = 0; j < 5; j++) {
            refill();
            pid_t pid = fork();
            if (pid == 0) {
                char *a2[] = {"--probe", P, NULL};
                char *e2[] = {P, "KILN_UACCESS_PROBE=1", NULL};
                switch (j) {
                case 0:
                    syscall(SYS_execve, P, argv, envp);
                    break;
                case 1:
                    syscall(SYS_execve, self, P, envp);
                    break;
                case 2:
                    syscall(SYS_execve, self, a2, envp);
                    break;
                case 3:
                    syscall(SYS_execve, self, argv, P);
                    break;
                case 4:
                    syscall(SYS_execve, self, argv, e2);
                    break;
                }
                _exit(errno == EFAULT ? 14 : 100 + (errno & 127));
            }
            int want = (ci == C_NULL && k[j].runs_if_null) ? 77 : 14;
            expect_exit(pid, want, "%s=%s (%s)", k[j].what, CN, want == 77 ? "runs" : "EFAULT");
        }
    }
}

static void test_misc(void)
{
    /* set_tid_address takes any value and returns the caller's tid; do it in
     * a child because it changes what the kernel clears at exit. */
    FOR_CLASSES
    {
        pid_t pid = fork();
        if (pid == 0) {
            long r = syscall(SYS_set_tid_address, P);
            _exit(r == getpid() ? 0 : 1);
        }
        expect_exit(pid, 0, "set_tid_address tidptr=%s returns the tid", CN);
    }
}

int main(int argc, char **argv)
{
    if ((argc > 0 && argv[0] && !strcmp(argv[0], "--probe")) || getenv("KILN_UACCESS_PROBE"))
        _exit(77);
    t_begin("t_uaccess");
    if (!realpath(argv[0], self)) {
        fail(strerror(errno), "setup realpath %s", argv[0]);
        return t_end();
    }
    if (t_enter_tmpdir() == 0 && setup() == 0) {
        test_output_buffers();
        test_input_buffers();
        test_paths();
        test_execve();
        test_misc();
    }
    t_leave_tmpdir();
    return t_end();
}
