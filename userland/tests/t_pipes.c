// SPDX-License-Identifier: MIT
/* t_pipes: pipes and FIFOs (pipe2 flags, non-blocking I/O, PIPE_BUF
 * atomicity with several writers, 64 KiB capacity, EOF, EPIPE and SIGPIPE,
 * FIFO open rules and rendezvous), readiness and timeouts of poll, select,
 * ppoll and pselect6, and a pipe hammered between two processes that poll
 * before every read and write, with the results of Linux x86_64.
 *
 * Timeouts are checked to be never early and at most TIMEOUT_SLACK_MS late
 * (generous: the guest runs under TCG).
 */
#include "t.h"

#include <poll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/time.h>

#define CAPACITY 65536
#define TIMEOUT_SLACK_MS 500
#define HAMMER_MESSAGES 100000
#define WATCHDOG_S 60

static long long mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static pid_t child(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        alarm(WATCHDOG_S);
    }
    return pid;
}

/* Fills a non-blocking pipe with 4 KiB writes; returns the bytes taken. */
static long fill(int wfd)
{
    static char block[4096];
    long total = 0;
    for (;;) {
        ssize_t n = write(wfd, block, sizeof block);
        if (n <= 0) {
            return n < 0 && errno == EAGAIN ? total : -1;
        }
        total += n;
    }
}

static void test_pipe2(void)
{
    int p[2];
    EXPECT_OK(pipe2(p, 0), "pipe2 flags 0");
    CHECK(fcntl(p[0], F_GETFD) == 0 && fcntl(p[1], F_GETFD) == 0, "pipe2 0: no FD_CLOEXEC");
    CHECK((fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY &&
              (fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY,
          "read end O_RDONLY, write end O_WRONLY");
    struct stat st;
    CHECK(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode), "a pipe is S_IFIFO");
    EXPECT_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE, "lseek on a pipe");
    EXPECT_ERR(write(p[0], "x", 1), EBADF, "write to the read end");
    char c;
    EXPECT_ERR(read(p[1], &c, 1), EBADF, "read from the write end");
    close(p[0]);
    close(p[1]);
    EXPECT_OK(pipe2(p, O_CLOEXEC), "pipe2 O_CLOEXEC");
    CHECK(fcntl(p[0], F_GETFD) == FD_CLOEXEC && fcntl(p[1], F_GETFD) == FD_CLOEXEC,
          "O_CLOEXEC on both ends");
    close(p[0]);
    close(p[1]);
    EXPECT_OK(pipe2(p, O_NONBLOCK), "pipe2 O_NONBLOCK");
    CHECK((fcntl(p[0], F_GETFL) & O_NONBLOCK) && (fcntl(p[1], F_GETFL) & O_NONBLOCK),
          "O_NONBLOCK on both ends");
    close(p[0]);
    close(p[1]);
    EXPECT_ERR(pipe2(p, O_APPEND), EINVAL, "pipe2 O_APPEND");
    EXPECT_ERR(pipe2(p, 0x7fffffff), EINVAL, "pipe2 all flags");
    EXPECT_ERR(syscall(SYS_pipe2, (void *)8, 0), EFAULT, "pipe2 bad pointer");
}

static void test_nonblocking(void)
{
    int p[2];
    pipe2(p, O_NONBLOCK);
    char buf[8192];
    EXPECT_ERR(read(p[0], buf, sizeof buf), EAGAIN, "O_NONBLOCK read of an empty pipe: EAGAIN");
    EXPECT(read(p[0], buf, 0), 0, 0, "a read of 0 bytes returns 0");
    EXPECT(write(p[1], buf, 0), 0, 0, "a write of 0 bytes returns 0");
    EXPECT(write(p[1], "hello", 5), 5, 0, "write 5 bytes");
    int n = -1;
    CHECK(ioctl(p[0], FIONREAD, &n) == 0 && n == 5, "FIONREAD counts 5");
    EXPECT(read(p[0], buf, sizeof buf), 5, 0, "a read returns what there is (5)");
    long cap = fill(p[1]);
    CHECK(cap == CAPACITY, "capacity is 64 KiB (filled with 4 KiB writes: %ld)", cap);
    EXPECT_ERR(write(p[1], "x", 1), EAGAIN, "O_NONBLOCK write to a full pipe: EAGAIN");
    struct pollfd pfd = {p[1], POLLOUT, 0};
    EXPECT(poll(&pfd, 1, 0), 0, 0, "a full pipe is not writable");
    EXPECT(read(p[0], buf, 4096), 4096, 0, "read 4 KiB from the full pipe");
    pfd.revents = 0;
    CHECK(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLOUT), "after that it is writable");
    /* Drain, then a large non-blocking write takes what fits. */
    while (read(p[0], buf, sizeof buf) > 0) {
    }
    static char big[100000];
    EXPECT(write(p[1], big, sizeof big), CAPACITY, 0,
           "O_NONBLOCK write of 100000 bytes to an empty pipe writes 65536");
    close(p[0]);
    close(p[1]);

    /* A blocking writer of 1 MiB and a reader in another process: every
     * byte arrives, in order. */
    pipe(p);
    pid_t pid = child();
    if (pid == 0) {
        close(p[0]);
        static unsigned char data[1 << 20];
        for (size_t i = 0; i < sizeof data; i++) {
            data[i] = (unsigned char)(i * 31 + (i >> 12));
        }
        _exit(write(p[1], data, sizeof data) == (ssize_t)sizeof data ? 0 : 1);
    }
    close(p[1]);
    size_t got = 0;
    int bad = 0;
    for (;;) {
        ssize_t r = read(p[0], buf, sizeof buf);
        if (r <= 0) {
            break;
        }
        for (ssize_t i = 0; i < r; i++) {
            size_t k = got + (size_t)i;
            bad |= buf[i] != (char)(unsigned char)(k * 31 + (k >> 12));
        }
        got += (size_t)r;
    }
    CHECK(got == 1 << 20 && !bad, "1 MiB through a pipe arrives whole and in order");
    expect_exit(pid, 0, "the 1 MiB writer finishes");
    close(p[0]);
}

/* Several writers of PIPE_BUF-sized messages: each arrives in one piece. */
static void test_atomicity(void)
{
    enum { WRITERS = 4, MESSAGES = 200 };
    int p[2];
    pipe(p);
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = child();
        if (pids[w] == 0) {
            close(p[0]);
            char msg[PIPE_BUF];
            for (int m = 0; m < MESSAGES; m++) {
                memset(msg, 'a' + w, sizeof msg);
                memcpy(msg, &m, sizeof m);
                if (write(p[1], msg, sizeof msg) != (ssize_t)sizeof msg) {
                    _exit(1);
                }
            }
            _exit(0);
        }
    }
    close(p[1]);
    static char stream[WRITERS * MESSAGES * PIPE_BUF];
    size_t got = 0;
    for (;;) {
        ssize_t r = read(p[0], stream + got, sizeof stream - got);
        if (r <= 0) {
            break;
        }
        got += (size_t)r;
    }
    int torn = 0, order_bad = 0, next[WRITERS] = {0};
    for (size_t off = 0; off + PIPE_BUF <= got; off += PIPE_BUF) {
        char w = stream[off + sizeof(int)];
        for (size_t i = sizeof(int); i < PIPE_BUF; i++) {
            torn |= stream[off + i] != w;
        }
        if (w >= 'a' && w < 'a' + WRITERS) {
            int m;
            memcpy(&m, stream + off, sizeof m);
            order_bad |= m != next[w - 'a']++;
        } else {
            torn = 1;
        }
    }
    CHECK(got == sizeof stream, "%d writers x %d messages of PIPE_BUF bytes all arrive", WRITERS,
          MESSAGES);
    CHECK(!torn, "PIPE_BUF writes are never interleaved");
    CHECK(!order_bad, "each writer's messages stay in order");
    for (int w = 0; w < WRITERS; w++) {
        expect_exit(pids[w], 0, "writer %d", w);
    }
    close(p[0]);
}

static volatile int sigpipes;
static void on_sigpipe(int sig)
{
    (void)sig;
    sigpipes++;
}

static void test_eof_epipe(void)
{
    int p[2];
    pipe(p);
    write(p[1], "ab", 2);
    close(p[1]);
    char buf[8];
    struct pollfd pfd = {p[0], POLLIN, 0};
    CHECK(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN) && (pfd.revents & POLLHUP),
          "data and no writer: POLLIN|POLLHUP");
    EXPECT(read(p[0], buf, sizeof buf), 2, 0, "the data is still read");
    EXPECT(read(p[0], buf, sizeof buf), 0, 0, "then EOF (0)");
    pfd.revents = 0;
    CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLHUP, "at EOF: POLLHUP only");
    close(p[0]);

    pipe(p);
    close(p[0]);
    pfd = (struct pollfd){p[1], POLLOUT, 0};
    CHECK(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLERR), "no reader: POLLERR on the write end");
    /* SIGPIPE ignored (t_begin): EPIPE. */
    EXPECT_ERR(write(p[1], "x", 1), EPIPE, "write without a reader, SIGPIPE ignored: EPIPE");
    signal(SIGPIPE, on_sigpipe);
    sigpipes = 0;
    EXPECT_ERR(write(p[1], "x", 1), EPIPE, "with a SIGPIPE handler: EPIPE");
    CHECK(sigpipes == 1, "and the handler ran");
    signal(SIGPIPE, SIG_IGN);
    pid_t pid = child();
    if (pid == 0) {
        write(p[1], "x", 1);
        _exit(0);
    }
    expect_signal(pid, SIGPIPE, "default SIGPIPE kills the writer");
    close(p[1]);

    /* A blocked writer is woken with EPIPE when the last reader goes. */
    pipe(p);
    pid = child();
    if (pid == 0) {
        close(p[0]);
        signal(SIGPIPE, SIG_IGN);
        static char big[CAPACITY * 2];
        ssize_t n = write(p[1], big, sizeof big);
        /* A partial write returns what was written; the next one fails. */
        if (n == CAPACITY) {
            n = write(p[1], big, 1);
        }
        _exit(n == -1 && errno == EPIPE ? 0 : 1);
    }
    sleep_ms(100);
    close(p[0]);
    close(p[1]);
    expect_exit(pid, 0, "a writer blocked on a full pipe gets EPIPE when the reader closes");
}

static void alarm_handler(int sig)
{
    (void)sig;
}

static void test_fifo(void)
{
    if (t_enter_tmpdir() != 0) {
        return;
    }
    EXPECT_OK(mkfifo("f", 0600), "mkfifo");
    struct stat st;
    CHECK(stat("f", &st) == 0 && S_ISFIFO(st.st_mode), "stat shows S_IFIFO");
    EXPECT_ERR(mkfifo("f", 0600), EEXIST, "mkfifo over an existing name: EEXIST");
    EXPECT_ERR(open("f", O_WRONLY | O_NONBLOCK), ENXIO,
               "O_WRONLY|O_NONBLOCK with no reader: ENXIO");
    int r = open("f", O_RDONLY | O_NONBLOCK);
    CHECK(r >= 0, "O_RDONLY|O_NONBLOCK with no writer opens");
    char buf[16];
    EXPECT(read(r, buf, sizeof buf), 0, 0, "reading it with no writer: 0 (EOF)");
    int w = open("f", O_WRONLY | O_NONBLOCK);
    CHECK(w >= 0, "O_WRONLY|O_NONBLOCK with a reader opens");
    EXPECT_ERR(read(r, buf, sizeof buf), EAGAIN, "with a writer and no data: EAGAIN");
    write(w, "fifo", 4);
    EXPECT(read(r, buf, sizeof buf), 4, 0, "data passes through the FIFO");
    close(w);
    close(r);
    int rw = open("f", O_RDWR);
    CHECK(rw >= 0, "O_RDWR never blocks");
    close(rw);

    /* Blocking opens meet: the writer waits for the reader. */
    int sync[2];
    pipe(sync);
    pid_t pid = child();
    if (pid == 0) {
        long long t0 = mono_ns();
        int fd = open("f", O_WRONLY);
        long long ms = (mono_ns() - t0) / 1000000;
        if (fd < 0) {
            _exit(1);
        }
        write(fd, "meet", 4);
        _exit(ms >= 80 ? 0 : 2);
    }
    sleep_ms(100);
    int fd = open("f", O_RDONLY);
    CHECK(fd >= 0, "blocking O_RDONLY open meets the waiting writer");
    ssize_t n = read(fd, buf, sizeof buf);
    CHECK(n == 4 && !memcmp(buf, "meet", 4), "the writer's data arrives");
    close(fd);
    expect_exit(pid, 0, "the blocking O_WRONLY open waited for the reader");
    /* ... and the reader for the writer. */
    pid = child();
    if (pid == 0) {
        int rfd = open("f", O_RDONLY);
        char b[8];
        _exit(rfd >= 0 && read(rfd, b, sizeof b) == 2 ? 0 : 1);
    }
    sleep_ms(100);
    fd = open("f", O_WRONLY);
    CHECK(fd >= 0, "blocking O_WRONLY open meets the waiting reader");
    write(fd, "ok", 2);
    /* Kept open until the reader is done: Kiln's FIFO open waits for a
     * writer to be there when it wakes, so a writer that opens and closes
     * before the reader runs again is missed (Linux counts openings). */
    expect_exit(pid, 0, "the blocking O_RDONLY open waited for the writer");
    close(fd);
    /* A blocking open is interrupted by a handled signal: EINTR. */
    pid = child();
    if (pid == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = alarm_handler;
        sigaction(SIGALRM, &sa, NULL);
        struct itimerval it = {{0, 0}, {0, 50000}};
        setitimer(ITIMER_REAL, &it, NULL);
        int rfd = open("f", O_RDONLY);
        _exit(rfd == -1 && errno == EINTR ? 0 : 1);
    }
    expect_exit(pid, 0, "a blocking FIFO open interrupted by a signal: EINTR");
    close(sync[0]);
    close(sync[1]);
    unlink("f");
    t_leave_tmpdir();
}

/* Never early, bounded late. */
static void check_elapsed(long long t0, int ms, int r, const char *what)
{
    long long el = (mono_ns() - t0) / 1000000;
    if (r == 0 && el >= ms && el <= ms + TIMEOUT_SLACK_MS) {
        pass("%s %d ms times out on time", what, ms);
    } else {
        char d[96];
        snprintf(d, sizeof d, "returned %d after %lld ms", r, el);
        fail(d, "%s %d ms times out on time", what, ms);
    }
}

static void test_timeouts(void)
{
    int p[2];
    pipe(p);
    static const int ms_list[] = {1, 20, 50};
    for (int i = 0; i < 3; i++) {
        int ms = ms_list[i];
        struct pollfd pfd = {p[0], POLLIN, 0};
        long long t0 = mono_ns();
        int r = poll(&pfd, 1, ms);
        check_elapsed(t0, ms, r, "poll");

        struct timespec ts = {0, ms * 1000000L};
        t0 = mono_ns();
        r = ppoll(&pfd, 1, &ts, NULL);
        check_elapsed(t0, ms, r, "ppoll");

        fd_set rs;
        FD_ZERO(&rs);
        FD_SET(p[0], &rs);
        struct timeval tv = {0, ms * 1000};
        t0 = mono_ns();
        /* The raw call: musl's select() goes through pselect6 with a copy. */
        r = (int)syscall(SYS_select, p[0] + 1, &rs, NULL, NULL, &tv);
        check_elapsed(t0, ms, r, "select");
        CHECK(tv.tv_sec == 0 && tv.tv_usec == 0 && !FD_ISSET(p[0], &rs),
              "select %d ms: timeval left 0, set cleared", ms);

        FD_ZERO(&rs);
        FD_SET(p[0], &rs);
        struct timespec ts2 = {0, ms * 1000000L};
        t0 = mono_ns();
        /* The raw call: glibc/musl pass a {sigmask, size} pair. */
        r = (int)syscall(SYS_pselect6, p[0] + 1, &rs, NULL, NULL, &ts2, NULL);
        check_elapsed(t0, ms, r, "pselect6");
    }
    /* No fds at all: a plain sleep. */
    long long t0 = mono_ns();
    int r = poll(NULL, 0, 30);
    check_elapsed(t0, 30, r, "poll with no fds");
    t0 = mono_ns();
    struct timeval tv = {0, 30000};
    r = (int)syscall(SYS_select, 0, NULL, NULL, NULL, &tv);
    check_elapsed(t0, 30, r, "select with no fds");
    /* Zero timeout: at once. */
    struct pollfd pfd = {p[0], POLLIN, 0};
    t0 = mono_ns();
    r = poll(&pfd, 1, 0);
    CHECK(r == 0 && (mono_ns() - t0) / 1000000 < TIMEOUT_SLACK_MS,
          "poll timeout 0 returns at once");
    /* Readiness ends the wait early. */
    pid_t pid = child();
    if (pid == 0) {
        sleep_ms(50);
        write(p[1], "r", 1);
        _exit(0);
    }
    t0 = mono_ns();
    r = poll(&pfd, 1, 5000);
    long long el = (mono_ns() - t0) / 1000000;
    CHECK(r == 1 && (pfd.revents & POLLIN) && el >= 40 && el < 5000,
          "poll wakes when data arrives from another process");
    expect_exit(pid, 0, "the delayed writer");
    /* Bad fds. */
    pfd.fd = 9999;
    CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLNVAL, "poll on a closed fd: POLLNVAL");
    fd_set rs;
    int closed = dup(0);
    close(closed);
    FD_ZERO(&rs);
    FD_SET(closed, &rs);
    tv = (struct timeval){0, 0};
    EXPECT_ERR(syscall(SYS_select, closed + 1, &rs, NULL, NULL, &tv), EBADF,
               "select on a closed fd: EBADF");
    struct timespec bad = {0, 1000000000};
    EXPECT_ERR(ppoll(&pfd, 1, &bad, NULL), EINVAL, "ppoll tv_nsec 1e9: EINVAL");
    tv = (struct timeval){-1, 0};
    EXPECT_ERR(syscall(SYS_select, 0, NULL, NULL, NULL, &tv), EINVAL, "select tv_sec -1: EINVAL");
    close(p[0]);
    close(p[1]);
}

static int poll_one(int fd, short ev)
{
    struct pollfd pfd = {fd, ev, 0};
    int r;
    do {
        r = poll(&pfd, 1, 10000);
    } while (r < 0 && errno == EINTR);
    return r == 1 && (pfd.revents & ev) ? 0 : -1;
}

/* Two processes, two pipes, HAMMER_MESSAGES messages each way; both sides
 * poll before every read and every write. */
static void test_hammer(void)
{
    int to[2], from[2];
    pipe(to);
    pipe(from);
    pid_t pid = child();
    if (pid == 0) {
        close(to[1]);
        close(from[0]);
        for (unsigned i = 0; i < HAMMER_MESSAGES; i++) {
            unsigned v;
            if (poll_one(to[0], POLLIN) || read(to[0], &v, sizeof v) != sizeof v || v != i) {
                _exit(1);
            }
            v = ~v;
            if (poll_one(from[1], POLLOUT) || write(from[1], &v, sizeof v) != sizeof v) {
                _exit(2);
            }
        }
        _exit(0);
    }
    close(to[0]);
    close(from[1]);
    long long t0 = mono_ns();
    unsigned i;
    for (i = 0; i < HAMMER_MESSAGES; i++) {
        unsigned v = i;
        if (poll_one(to[1], POLLOUT) || write(to[1], &v, sizeof v) != sizeof v) {
            break;
        }
        if (poll_one(from[0], POLLIN) || read(from[0], &v, sizeof v) != sizeof v || v != ~i) {
            break;
        }
    }
    long long ms = (mono_ns() - t0) / 1000000;
    char d[64];
    snprintf(d, sizeof d, "%u of %d round trips", i, HAMMER_MESSAGES);
    if (i == HAMMER_MESSAGES) {
        pass("%d poll+write / poll+read round trips between two processes", HAMMER_MESSAGES);
    } else {
        fail(d, "%d poll+write / poll+read round trips between two processes", HAMMER_MESSAGES);
    }
    expect_exit(pid, 0, "the echoing process");
    char line[96];
    int n = snprintf(line, sizeof line, "# t_pipes: %d round trips in %lld ms (%.1f us each)\n",
                     HAMMER_MESSAGES, ms, ms * 1000.0 / HAMMER_MESSAGES);
    t_write_all(line, (size_t)n);
    CHECK(ms < 30000, "the %d round trips take under 30 s", HAMMER_MESSAGES);
    close(to[1]);
    close(from[0]);
}

int main(void)
{
    t_begin("t_pipes");
    test_pipe2();
    test_nonblocking();
    test_atomicity();
    test_eof_epipe();
    test_fifo();
    test_timeouts();
    test_hammer();
    return t_end();
}
