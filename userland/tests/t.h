/* SPDX-License-Identifier: MIT */
/* Tiny test framework for Kiln's in-guest test programs.
 *
 * Every test program prints one line per case, written with one write(2) so
 * that lines from forked children never interleave:
 *     PASS <test>: <case>
 *     FAIL <test>: <case>: <detail>
 *     SKIP <test>: <case>: <reason>        (not counted; only where the host
 *                                           forbids something)
 * and exits 0 only if no case failed. The same binaries run on the host
 * Linux (tools/run-host-usertests.sh) and in the guest (/tests/run-all), so
 * every expectation here is what Linux x86_64 really does.
 *
 * Case names never contain ": " (the separator before the detail).
 */
#ifndef KILN_USERTEST_T_H
#define KILN_USERTEST_T_H

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static __attribute__((unused)) const char *t_name = "t";
static __attribute__((unused)) int t_passed, t_failed, t_skipped;

/* Any return value >= 0 is accepted (errno not checked). */
#define ANY_OK (-1000000L)

static __attribute__((unused)) void t_write_all(const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(1, buf, len);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            return;
        }
        buf += n;
        len -= (size_t)n;
    }
}

static __attribute__((unused)) void t_line(const char *verdict, const char *detail, const char *fmt,
                                           va_list ap)
{
    char buf[1024];
    int n = snprintf(buf, sizeof buf, "%s %s: ", verdict, t_name);
    if (n < 0 || n >= (int)sizeof buf)
        n = 0;
    int m = vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
    if (m > 0)
        n += m;
    if (n > (int)sizeof buf - 2)
        n = (int)sizeof buf - 2;
    if (detail) {
        m = snprintf(buf + n, sizeof buf - (size_t)n, ": %s", detail);
        if (m > 0)
            n += m;
        if (n > (int)sizeof buf - 2)
            n = (int)sizeof buf - 2;
    }
    buf[n++] = '\n';
    t_write_all(buf, (size_t)n);
}

__attribute__((format(printf, 1, 2), unused)) static void pass(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    t_line("PASS", NULL, fmt, ap);
    va_end(ap);
    t_passed++;
}

/* fail(detail, case-format, ...) */
__attribute__((format(printf, 2, 3), unused)) static void fail(const char *detail, const char *fmt,
                                                               ...)
{
    va_list ap;
    va_start(ap, fmt);
    t_line("FAIL", detail, fmt, ap);
    va_end(ap);
    t_failed++;
}

__attribute__((format(printf, 2, 3), unused)) static void skip(const char *reason, const char *fmt,
                                                               ...)
{
    va_list ap;
    va_start(ap, fmt);
    t_line("SKIP", reason, fmt, ap);
    va_end(ap);
    t_skipped++;
}

static __attribute__((unused)) const char *errname(int e)
{
    static char other[24];
    switch (e) {
    case 0:
        return "0";
    case EPERM:
        return "EPERM";
    case ENOENT:
        return "ENOENT";
    case ESRCH:
        return "ESRCH";
    case EINTR:
        return "EINTR";
    case EIO:
        return "EIO";
    case ENXIO:
        return "ENXIO";
    case E2BIG:
        return "E2BIG";
    case ENOEXEC:
        return "ENOEXEC";
    case EBADF:
        return "EBADF";
    case ECHILD:
        return "ECHILD";
    case EAGAIN:
        return "EAGAIN";
    case ENOMEM:
        return "ENOMEM";
    case EACCES:
        return "EACCES";
    case EFAULT:
        return "EFAULT";
    case EBUSY:
        return "EBUSY";
    case EEXIST:
        return "EEXIST";
    case EXDEV:
        return "EXDEV";
    case ENODEV:
        return "ENODEV";
    case ENOTDIR:
        return "ENOTDIR";
    case EISDIR:
        return "EISDIR";
    case EINVAL:
        return "EINVAL";
    case ENFILE:
        return "ENFILE";
    case EMFILE:
        return "EMFILE";
    case ENOTTY:
        return "ENOTTY";
    case ETXTBSY:
        return "ETXTBSY";
    case EFBIG:
        return "EFBIG";
    case ENOSPC:
        return "ENOSPC";
    case ESPIPE:
        return "ESPIPE";
    case EROFS:
        return "EROFS";
    case EMLINK:
        return "EMLINK";
    case EPIPE:
        return "EPIPE";
    case ERANGE:
        return "ERANGE";
    case ENAMETOOLONG:
        return "ENAMETOOLONG";
    case ENOSYS:
        return "ENOSYS";
    case ENOTEMPTY:
        return "ENOTEMPTY";
    case ELOOP:
        return "ELOOP";
    case EOVERFLOW:
        return "EOVERFLOW";
    case EOPNOTSUPP:
        return "EOPNOTSUPP";
    default:
        snprintf(other, sizeof other, "errno %d", e);
        return other;
    }
}

/* Checks a raw syscall result: want_ret == -1 means "fails with want_err";
 * want_ret == ANY_OK accepts any non-negative result. */
__attribute__((format(printf, 5, 6), unused)) static int
expect_sys(long ret, int err, long want_ret, int want_err, const char *fmt, ...)
{
    char detail[200];
    int ok;
    if (want_ret == -1)
        ok = ret == -1 && err == want_err;
    else if (want_ret == ANY_OK)
        ok = ret >= 0;
    else
        ok = ret == want_ret;
    va_list ap;
    va_start(ap, fmt);
    if (ok) {
        t_line("PASS", NULL, fmt, ap);
        t_passed++;
    } else {
        char want[64];
        if (want_ret == -1)
            snprintf(want, sizeof want, "-1 %s", errname(want_err));
        else if (want_ret == ANY_OK)
            snprintf(want, sizeof want, ">= 0");
        else
            snprintf(want, sizeof want, "%ld", want_ret);
        if (ret == -1)
            snprintf(detail, sizeof detail, "got -1 %s, want %s", errname(err), want);
        else
            snprintf(detail, sizeof detail, "got %ld, want %s", ret, want);
        t_line("FAIL", detail, fmt, ap);
        t_failed++;
    }
    va_end(ap);
    return ok;
}

/* EXPECT(call, want_ret, want_errno, "case format", ...) */
#define EXPECT(call, want_ret, want_err, ...)                                                      \
    ({                                                                                             \
        errno = 0;                                                                                 \
        long r_ = (long)(call);                                                                    \
        int e_ = errno;                                                                            \
        expect_sys(r_, e_, (want_ret), (want_err), __VA_ARGS__);                                   \
    })
#define EXPECT_ERR(call, want_err, ...) EXPECT(call, -1, want_err, __VA_ARGS__)
#define EXPECT_OK(call, ...) EXPECT(call, ANY_OK, 0, __VA_ARGS__)

/* CHECK(cond, "case format", ...): pass if cond, else fail with the
 * condition's text as detail. */
#define CHECK(cond, ...)                                                                           \
    ({                                                                                             \
        int c_ = !!(cond);                                                                         \
        if (c_)                                                                                    \
            pass(__VA_ARGS__);                                                                     \
        else                                                                                       \
            fail("expected " #cond, __VA_ARGS__);                                                  \
        c_;                                                                                        \
    })

/* Describes a wait status for failure messages. */
static __attribute__((unused)) const char *wstatus_str(int st)
{
    static char buf[64];
    if (WIFEXITED(st))
        snprintf(buf, sizeof buf, "exited %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        snprintf(buf, sizeof buf, "killed by signal %d", WTERMSIG(st));
    else
        snprintf(buf, sizeof buf, "status 0x%x", st);
    return buf;
}

/* Waits for pid; returns the status, or -1 (and fails the case) on error. */
static __attribute__((unused)) int t_wait(pid_t pid)
{
    int st = 0;
    pid_t r;
    do
        r = waitpid(pid, &st, 0);
    while (r < 0 && errno == EINTR);
    if (r != pid)
        return -1;
    return st;
}

/* Expects that pid exits with status want (0..255). */
__attribute__((format(printf, 3, 4), unused)) static int expect_exit(pid_t pid, int want,
                                                                     const char *fmt, ...)
{
    int st = t_wait(pid);
    char detail[128];
    va_list ap;
    va_start(ap, fmt);
    int ok = st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == want;
    if (ok) {
        t_line("PASS", NULL, fmt, ap);
        t_passed++;
    } else {
        snprintf(detail, sizeof detail, "child %s, want exit %d",
                 st == -1 ? "could not be waited for" : wstatus_str(st), want);
        t_line("FAIL", detail, fmt, ap);
        t_failed++;
    }
    va_end(ap);
    return ok;
}

/* Expects that pid is killed by signal sig. */
/* Waits for pid and checks it was killed by sig, or by alt when alt is
 * not 0 (for outcomes that differ between Linux versions or CPUs). */
static int expect_signal_v(pid_t pid, int sig, int alt, const char *fmt, va_list ap)
{
    int st = t_wait(pid);
    char detail[128];
    int got = st != -1 && WIFSIGNALED(st) ? WTERMSIG(st) : -1;
    int ok = got == sig || (alt != 0 && got == alt);
    if (ok) {
        t_line("PASS", NULL, fmt, ap);
        t_passed++;
    } else {
        if (alt != 0) {
            snprintf(detail, sizeof detail, "child %s, want signal %d or %d",
                     st == -1 ? "could not be waited for" : wstatus_str(st), sig, alt);
        } else {
            snprintf(detail, sizeof detail, "child %s, want signal %d",
                     st == -1 ? "could not be waited for" : wstatus_str(st), sig);
        }
        t_line("FAIL", detail, fmt, ap);
        t_failed++;
    }
    return ok;
}

__attribute__((format(printf, 3, 4), unused)) static int expect_signal(pid_t pid, int sig,
                                                                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int ok = expect_signal_v(pid, sig, 0, fmt, ap);
    va_end(ap);
    return ok;
}

__attribute__((format(printf, 4, 5), unused)) static int
expect_signal_either(pid_t pid, int sig, int alt, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int ok = expect_signal_v(pid, sig, alt, fmt, ap);
    va_end(ap);
    return ok;
}

/* A fresh temporary directory under /tmp; the test chdir()s into it. */
static __attribute__((unused)) char t_tmpdir[64];
static __attribute__((unused)) int t_enter_tmpdir(void)
{
    snprintf(t_tmpdir, sizeof t_tmpdir, "/tmp/%s.XXXXXX", t_name);
    if (!mkdtemp(t_tmpdir)) {
        fail(strerror(errno), "setup mkdtemp %s", t_tmpdir);
        return -1;
    }
    if (chdir(t_tmpdir) != 0) {
        fail(strerror(errno), "setup chdir %s", t_tmpdir);
        return -1;
    }
    return 0;
}

/* Removes a tree (tests keep theirs shallow). */
static __attribute__((unused)) void t_rmtree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        chmod(path, 0700);
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d))) {
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                    continue;
                char sub[PATH_MAX];
                snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
                t_rmtree(sub);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

static __attribute__((unused)) void t_leave_tmpdir(void)
{
    if (t_tmpdir[0]) {
        if (chdir("/") == 0)
            t_rmtree(t_tmpdir);
    }
}

static __attribute__((unused)) void t_begin(const char *name)
{
    t_name = name;
    /* A test must not be stopped by SIGPIPE and the like. */
    signal(SIGPIPE, SIG_IGN);
}

static __attribute__((unused)) int t_end(void)
{
    char buf[128];
    int n = snprintf(buf, sizeof buf, "# %s finished: %d pass, %d fail, %d skip\n", t_name,
                     t_passed, t_failed, t_skipped);
    t_write_all(buf, (size_t)n);
    return t_failed ? 1 : 0;
}

/* On the host, tools/run-host-usertests.sh sets KILN_HOST=1: the few cases
 * that depend on the machine around the test (e.g. who reaps orphans) then
 * skip instead of failing. In the guest they are strict. */
static __attribute__((unused)) int t_on_host(void)
{
    const char *h = getenv("KILN_HOST");
    return h && *h == '1';
}

#endif
