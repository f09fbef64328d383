/* User-space benchmark, the same static binary under Kiln and under Linux
 * (tools/bench-user.py boots both and prints them side by side).
 *
 *   bench [HELLO]     HELLO: the program to exec (default /bench/hello)
 *
 * Times with clock_gettime(CLOCK_MONOTONIC) and prints one machine-readable
 * line per figure, the value first, then details:
 *
 *   BENCH START <sysname> <release>
 *   BENCH getpid_ns <ns per raw getpid syscall, median of batches>
 *   BENCH fork_exit_wait_us <median µs: fork, child _exit(0), waitpid>
 *   BENCH fork_execve_wait_us <median µs: fork, child execve(HELLO), waitpid>
 *   BENCH mmap64_touch_ms <median ms: mmap 64 MiB anonymous, write one byte
 *                          per 4 KiB page, munmap>
 *   BENCH DONE
 *
 * A figure that cannot be measured prints `BENCH <name> n/a <reason>`. Each
 * figure stops early (and says n=) if it exceeds its time budget, so the
 * whole run stays well under a minute even on a slow kernel under TCG.
 * When it is pid 1 it powers off at the end (init=/bench/bench also works).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GETPID_ITERS 200000 /* in GETPID_BATCHES batches */
#define GETPID_BATCHES 5
#define FORK_ITERS 300
#define EXEC_ITERS 200
#define MMAP_REPS 5
#define MMAP_SIZE (64UL << 20)
#define PAGE 4096UL
#define BUDGET_NS 12e9 /* per figure */

static int clock_ok;

static double now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return -1;
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
    __builtin_va_list ap;
    __builtin_va_start(ap, fmt);
    vprintf(fmt, ap);
    __builtin_va_end(ap);
    fflush(stdout);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double mean(const double *v, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += v[i];
    return s / n;
}

/* getpid through the syscall instruction itself: no libc wrapper, no cache. */
static long raw_getpid(void)
{
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "0"((long)SYS_getpid) : "rcx", "r11", "memory");
    return ret;
}

static void bench_getpid(void)
{
    long want = getpid();
    if (raw_getpid() != want) {
        out("BENCH getpid_ns n/a raw getpid returned %ld, getpid() %ld\n", raw_getpid(), want);
        return;
    }
    /* Warm up, and size the batches so that one takes at most ~1 s. */
    double t0 = now_ns();
    for (int i = 0; i < 1000; i++)
        raw_getpid();
    double per = (now_ns() - t0) / 1000;
    long batch = GETPID_ITERS / GETPID_BATCHES;
    if (per > 0 && batch * per > 1e9)
        batch = (long)(1e9 / per) + 1;

    double v[GETPID_BATCHES];
    int n = 0;
    long total = 0;
    double start = now_ns();
    while (n < GETPID_BATCHES && now_ns() - start < BUDGET_NS) {
        t0 = now_ns();
        for (long i = 0; i < batch; i++)
            raw_getpid();
        v[n++] = (now_ns() - t0) / (double)batch;
        total += batch;
    }
    double avg = mean(v, n), min = v[0];
    for (int i = 1; i < n; i++)
        min = v[i] < min ? v[i] : min;
    out("BENCH getpid_ns %.1f calls=%ld batches=%d mean=%.1f min=%.1f\n", median(v, n), total, n,
        avg, min);
}

/* One fork + child action + waitpid; returns the elapsed ns, or -1 and a
 * reason in *why. */
static double one_fork(const char *exec_path, char *why, size_t whylen)
{
    double t0 = now_ns();
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(why, whylen, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        if (exec_path) {
            char *argv[] = {(char *)exec_path, NULL};
            char *envp[] = {NULL};
            execve(exec_path, argv, envp);
            _exit(127);
        }
        _exit(0);
    }
    int st;
    pid_t r;
    do
        r = waitpid(pid, &st, 0);
    while (r < 0 && errno == EINTR);
    double t1 = now_ns();
    if (r != pid) {
        snprintf(why, whylen, "waitpid returned %d: %s", (int)r, strerror(errno));
        return -1;
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        if (WIFEXITED(st))
            snprintf(why, whylen, "child exited with %d%s", WEXITSTATUS(st),
                     WEXITSTATUS(st) == 127 && exec_path ? " (execve failed)" : "");
        else
            snprintf(why, whylen, "child wait status 0x%x", st);
        return -1;
    }
    return t1 - t0;
}

static void bench_fork(const char *name, const char *exec_path, int iters, int warmup)
{
    static double v[FORK_ITERS > EXEC_ITERS ? FORK_ITERS : EXEC_ITERS];
    char why[160];
    for (int i = 0; i < warmup; i++) {
        if (one_fork(exec_path, why, sizeof(why)) < 0) {
            out("BENCH %s n/a %s\n", name, why);
            return;
        }
    }
    int n = 0;
    double start = now_ns();
    while (n < iters && now_ns() - start < BUDGET_NS) {
        double t = one_fork(exec_path, why, sizeof(why));
        if (t < 0) {
            out("BENCH %s n/a iteration %d: %s\n", name, n, why);
            return;
        }
        v[n++] = t / 1e3;
    }
    double avg = mean(v, n);
    double med = median(v, n);
    out("BENCH %s %.1f n=%d mean=%.1f min=%.1f max=%.1f\n", name, med, n, avg, v[0], v[n - 1]);
}

static void bench_mmap(void)
{
    double v[MMAP_REPS];
    int n = 0;
    double start = now_ns();
    while (n < MMAP_REPS && now_ns() - start < BUDGET_NS) {
        double t0 = now_ns();
        unsigned char *p = mmap(NULL, MMAP_SIZE, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            out("BENCH mmap64_touch_ms n/a mmap 64 MiB: %s\n", strerror(errno));
            return;
        }
        for (unsigned long off = 0; off < MMAP_SIZE; off += PAGE)
            ((volatile unsigned char *)p)[off] = (unsigned char)off | 1;
        /* Read a few back: the pages must really be there. */
        for (unsigned long off = 0; off < MMAP_SIZE; off += MMAP_SIZE / 8) {
            if (p[off] != ((unsigned char)off | 1)) {
                out("BENCH mmap64_touch_ms n/a page at +%lu lost its byte\n", off);
                munmap(p, MMAP_SIZE);
                return;
            }
        }
        if (munmap(p, MMAP_SIZE) != 0) {
            out("BENCH mmap64_touch_ms n/a munmap: %s\n", strerror(errno));
            return;
        }
        v[n++] = (now_ns() - t0) / 1e6;
    }
    double avg = mean(v, n), min = v[0], max = v[0];
    for (int i = 1; i < n; i++) {
        min = v[i] < min ? v[i] : min;
        max = v[i] > max ? v[i] : max;
    }
    out("BENCH mmap64_touch_ms %.2f reps=%d pages=%lu mean=%.2f min=%.2f max=%.2f\n", median(v, n),
        n, MMAP_SIZE / PAGE, avg, min, max);
}

int main(int argc, char **argv)
{
    const char *hello = argc > 1 ? argv[1] : "/bench/hello";
    struct utsname u;
    if (uname(&u) != 0)
        strcpy(u.sysname, "?"), strcpy(u.release, "?");
    out("BENCH START %s %s\n", u.sysname, u.release);

    double a = now_ns();
    clock_ok = a >= 0;
    if (!clock_ok) {
        out("BENCH ERROR clock_gettime(CLOCK_MONOTONIC): %s\n", strerror(errno));
    } else {
        bench_getpid();
        bench_fork("fork_exit_wait_us", NULL, FORK_ITERS, 5);
        bench_fork("fork_execve_wait_us", hello, EXEC_ITERS, 3);
        bench_mmap();
        out("BENCH total_s %.2f\n", (now_ns() - a) / 1e9);
    }
    out("BENCH DONE\n");

    if (getpid() == 1) {
        sync();
        reboot(RB_POWER_OFF);
        for (;;)
            pause();
    }
    return clock_ok ? 0 : 1;
}
