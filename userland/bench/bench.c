// SPDX-License-Identifier: MIT
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
 *   BENCH signal_roundtrip_ns <median ns: raw kill(getpid(), SIGUSR1), the
 *                          handler runs, rt_sigreturn back>
 *   BENCH pipe_pingpong_us <median µs per round trip of 4 bytes between two
 *                          processes over two pipes (blocking read/write)>
 *   BENCH pipe_throughput_mbs <median MB/s (10^6 bytes) of 64 KiB writes
 *                          from a child to a reader of 64 KiB>
 *   BENCH pty_echo_us <median µs: 1 byte written to /dev/ptmx comes back as
 *                          the line discipline's echo (slave in ECHO,
 *                          non-canonical mode, drained each time); n/a
 *                          without /dev/ptmx>
 *   BENCH DONE
 *
 * A figure that cannot be measured prints `BENCH <name> n/a <reason>`. Each
 * figure stops early (and says n=) if it exceeds its time budget, so the
 * whole run stays well under a minute even on a slow kernel under TCG.
 * When it is pid 1 it powers off at the end (init=/bench/bench also works).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
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
#define SIGNAL_ITERS 20000 /* in 5 batches */
#define PINGPONG_ITERS 20000 /* in 5 batches */
#define PIPE_MB_REPS 5
#define PIPE_MB_BYTES (32UL << 20) /* per rep */
#define PIPE_CHUNK 65536
#define PTY_ITERS 5000 /* in 5 batches */
#define SMALL_BUDGET_NS 4e9 /* per figure, for the newer ones */

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
        unsigned char *p =
            mmap(NULL, MMAP_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
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

/* Runs fn(batch) in up to 5 timed batches within budget; returns the
 * median ns per iteration (and the batch count in *nb), or -1. */
static double batches(long (*fn)(long), long iters, double budget, int *nb)
{
    double v[5];
    int n = 0;
    long batch = iters / 5;
    double start = now_ns();
    while (n < 5 && now_ns() - start < budget) {
        double t0 = now_ns();
        long done = fn(batch);
        if (done <= 0) {
            return -1;
        }
        v[n++] = (now_ns() - t0) / (double)done;
        /* A slow kernel: shrink the next batches to stay in budget. */
        if (n == 1 && v[0] * (double)batch * 5 > budget && batch > 10) {
            batch = (long)(budget / 5 / v[0]) + 1;
        }
    }
    *nb = n;
    return n ? median(v, n) : -1;
}

static volatile long sig_count;
static void on_usr1(int sig)
{
    (void)sig;
    sig_count++;
}

static long raw_kill_self(long pid)
{
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "0"((long)SYS_kill), "D"(pid), "S"((long)SIGUSR1)
                     : "rcx", "r11", "memory");
    return ret;
}

static long signal_batch(long n)
{
    long pid = getpid(), before = sig_count;
    for (long i = 0; i < n; i++) {
        raw_kill_self(pid);
    }
    return sig_count - before == n ? n : -1;
}

static void bench_signal(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    if (sigaction(SIGUSR1, &sa, NULL) != 0) {
        out("BENCH signal_roundtrip_ns n/a sigaction: %s\n", strerror(errno));
        return;
    }
    signal_batch(100); /* warm up */
    int n = 0;
    double med = batches(signal_batch, SIGNAL_ITERS, SMALL_BUDGET_NS, &n);
    signal(SIGUSR1, SIG_DFL);
    if (med < 0) {
        out("BENCH signal_roundtrip_ns n/a the handler did not run once per kill\n");
        return;
    }
    out("BENCH signal_roundtrip_ns %.1f batches=%d\n", med, n);
}

static int ping_w = -1, ping_r = -1;

static long pingpong_batch(long n)
{
    for (long i = 0; i < n; i++) {
        unsigned v = (unsigned)i, back;
        if (write(ping_w, &v, sizeof(v)) != sizeof(v) ||
            read(ping_r, &back, sizeof(back)) != sizeof(back) || back != ~v) {
            return -1;
        }
    }
    return n;
}

static void bench_pingpong(void)
{
    int to[2], from[2];
    if (pipe(to) != 0 || pipe(from) != 0) {
        out("BENCH pipe_pingpong_us n/a pipe: %s\n", strerror(errno));
        return;
    }
    pid_t pid = fork();
    if (pid < 0) {
        out("BENCH pipe_pingpong_us n/a fork: %s\n", strerror(errno));
        return;
    }
    if (pid == 0) {
        close(to[1]);
        close(from[0]);
        unsigned v;
        while (read(to[0], &v, sizeof(v)) == sizeof(v)) {
            v = ~v;
            if (write(from[1], &v, sizeof(v)) != sizeof(v)) {
                break;
            }
        }
        _exit(0);
    }
    close(to[0]);
    close(from[1]);
    ping_w = to[1];
    ping_r = from[0];
    pingpong_batch(100);
    int n = 0;
    double med = batches(pingpong_batch, PINGPONG_ITERS, SMALL_BUDGET_NS, &n);
    close(to[1]);
    close(from[0]);
    waitpid(pid, NULL, 0);
    if (med < 0) {
        out("BENCH pipe_pingpong_us n/a a round trip failed\n");
        return;
    }
    out("BENCH pipe_pingpong_us %.2f batches=%d\n", med / 1e3, n);
}

static void bench_pipe_throughput(void)
{
    static char buf[PIPE_CHUNK];
    double v[PIPE_MB_REPS];
    int n = 0;
    double start = now_ns();
    while (n < PIPE_MB_REPS && now_ns() - start < SMALL_BUDGET_NS) {
        int p[2];
        if (pipe(p) != 0) {
            out("BENCH pipe_throughput_mbs n/a pipe: %s\n", strerror(errno));
            return;
        }
        double t0 = now_ns();
        pid_t pid = fork();
        if (pid == 0) {
            close(p[0]);
            memset(buf, 'w', sizeof(buf));
            for (unsigned long left = PIPE_MB_BYTES; left > 0; left -= PIPE_CHUNK) {
                if (write(p[1], buf, PIPE_CHUNK) != PIPE_CHUNK) {
                    _exit(1);
                }
            }
            _exit(0);
        }
        close(p[1]);
        unsigned long got = 0;
        for (;;) {
            ssize_t r = read(p[0], buf, sizeof(buf));
            if (r <= 0) {
                break;
            }
            got += (unsigned long)r;
        }
        close(p[0]);
        int st = 1;
        waitpid(pid, &st, 0);
        double secs = (now_ns() - t0) / 1e9;
        if (got != PIPE_MB_BYTES || st != 0) {
            out("BENCH pipe_throughput_mbs n/a got %lu of %lu bytes\n", got, PIPE_MB_BYTES);
            return;
        }
        v[n++] = (double)got / 1e6 / secs;
    }
    out("BENCH pipe_throughput_mbs %.1f reps=%d bytes=%lu chunk=%d\n", median(v, n), n,
        PIPE_MB_BYTES, PIPE_CHUNK);
}

static int pty_master = -1, pty_slave = -1;

static long pty_batch(long n)
{
    for (long i = 0; i < n; i++) {
        char c = (char)('a' + i % 26), e = 0, d = 0;
        if (write(pty_master, &c, 1) != 1 || read(pty_master, &e, 1) != 1 || e != c ||
            read(pty_slave, &d, 1) != 1 || d != c) {
            return -1;
        }
    }
    return n;
}

static void bench_pty(void)
{
    pty_master = open("/dev/ptmx", O_RDWR | O_NOCTTY);
    if (pty_master < 0) {
        out("BENCH pty_echo_us n/a open /dev/ptmx: %s\n", strerror(errno));
        return;
    }
    char *name = NULL;
    if (grantpt(pty_master) != 0 || unlockpt(pty_master) != 0 || !(name = ptsname(pty_master)) ||
        (pty_slave = open(name, O_RDWR | O_NOCTTY)) < 0) {
        out("BENCH pty_echo_us n/a opening the slave %s: %s\n", name ? name : "?", strerror(errno));
        close(pty_master);
        return;
    }
    struct termios t;
    if (tcgetattr(pty_slave, &t) != 0) {
        out("BENCH pty_echo_us n/a tcgetattr: %s\n", strerror(errno));
    } else {
        t.c_lflag = ECHO; /* echo, no canonical line editing */
        t.c_iflag = 0;
        t.c_oflag = 0;
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
        if (tcsetattr(pty_slave, TCSANOW, &t) != 0) {
            out("BENCH pty_echo_us n/a tcsetattr: %s\n", strerror(errno));
        } else {
            int n = 0;
            double med =
                pty_batch(10) == 10 ? batches(pty_batch, PTY_ITERS, SMALL_BUDGET_NS, &n) : -1;
            if (med < 0) {
                out("BENCH pty_echo_us n/a no echo of a written byte\n");
            } else {
                out("BENCH pty_echo_us %.2f batches=%d\n", med / 1e3, n);
            }
        }
    }
    close(pty_slave);
    close(pty_master);
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
        bench_signal();
        bench_pingpong();
        bench_pipe_throughput();
        bench_pty();
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
