// SPDX-License-Identifier: MIT
/* t_tty: terminals through pseudo-terminals, with Linux's results: the
 * ptmx/devpts interface (posix_openpt, grantpt, unlockpt, ptsname,
 * TIOCGPTN, locking), canonical editing and echo (with a table of erase,
 * word erase, kill, ECHOPRT, EOF and output-processing cases whose every
 * byte is Linux's), raw and VMIN/VTIME
 * reads, input and output processing, controlling terminals and sessions,
 * ^C/^\/^Z to the foreground group, window size and SIGWINCH, job control
 * (SIGTTIN/SIGTTOU), hangup when the master closes, and ENOTTY for
 * unknown ioctls.
 *
 * Cases that need a session of their own run in a child (setsid), which
 * reports one line back through a pipe. Linux processes pty input
 * asynchronously, so the test waits (poll with a timeout) before reading
 * what it wrote. */
#include "t.h"

#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>
#include <termios.h>

#include "tty_edit_cases.h"

#define WATCHDOG_S 20

#ifndef TIOCGPTPEER
#define TIOCGPTPEER 0x5441
#endif

/* ---- helpers ---- */

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000ll + ts.tv_nsec / 1000000;
}

static int readable(int fd, int ms)
{
    struct pollfd p = {fd, POLLIN, 0};
    return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static short revents(int fd)
{
    struct pollfd p = {fd, POLLIN | POLLOUT, 0};
    return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

/* Reads what arrives within ms (and whatever follows closely). */
static ssize_t read_wait(int fd, char *buf, size_t len, int ms)
{
    if (!readable(fd, ms)) {
        return -2;
    }
    return read(fd, buf, len);
}

/* Everything fd has to give until it is quiet for 100 ms. */
static size_t drain(int fd, char *buf, size_t len)
{
    size_t n = 0;
    while (n < len && readable(fd, 100)) {
        ssize_t r = read(fd, buf + n, len - n);
        if (r <= 0) {
            break;
        }
        n += (size_t)r;
    }
    return n;
}

static void put(int fd, const char *s)
{
    if (write(fd, s, strlen(s)) < 0) {
        /* reported by the reads that follow */
    }
}

/* A pair with the slave opened O_NOCTTY; -1 (and a failure line) if not. */
static int open_pty(int *m, int *s, char *name, size_t len)
{
    *m = posix_openpt(O_RDWR | O_NOCTTY);
    if (*m < 0) {
        fail(strerror(errno), "setup posix_openpt");
        return -1;
    }
    if (grantpt(*m) || unlockpt(*m) || ptsname_r(*m, name, len)) {
        fail(strerror(errno), "setup grantpt/unlockpt/ptsname");
        close(*m);
        return -1;
    }
    *s = open(name, O_RDWR | O_NOCTTY);
    if (*s < 0) {
        fail(strerror(errno), "setup open %s", name);
        close(*m);
        return -1;
    }
    return 0;
}

static void set_lflag(int fd, tcflag_t on, tcflag_t off)
{
    struct termios t;
    tcgetattr(fd, &t);
    t.c_lflag = (t.c_lflag | on) & ~off;
    tcsetattr(fd, TCSANOW, &t);
}

static void set_raw(int fd, int vmin, int vtime)
{
    struct termios t;
    tcgetattr(fd, &t);
    t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
    t.c_cc[VMIN] = (cc_t)vmin;
    t.c_cc[VTIME] = (cc_t)vtime;
    tcsetattr(fd, TCSANOW, &t);
}

/* Printable form of bytes for failure details. */
static const char *show(const char *b, ssize_t n)
{
    static char out[200];
    size_t o = 0;
    for (ssize_t i = 0; i < n && o < sizeof out - 5; i++) {
        unsigned char c = (unsigned char)b[i];
        if (c >= 32 && c < 127 && c != '\\') {
            out[o++] = (char)c;
        } else {
            o += (size_t)snprintf(out + o, sizeof out - o, "\\x%02x", c);
        }
    }
    out[o] = 0;
    return out;
}

/* Checks that a read of fd within ms gives exactly want. */
static void expect_read(int fd, const char *want, size_t want_len, const char *what)
{
    char buf[256];
    ssize_t n = read_wait(fd, buf, sizeof buf, 1000);
    char detail[320];
    if (n == (ssize_t)want_len && memcmp(buf, want, want_len) == 0) {
        pass("%s", what);
        return;
    }
    if (n == -2) {
        snprintf(detail, sizeof detail, "nothing to read, want \"%s\"",
                 show(want, (ssize_t)want_len));
    } else if (n < 0) {
        snprintf(detail, sizeof detail, "read failed: %s", strerror(errno));
    } else {
        snprintf(detail, sizeof detail, "got %zd \"%s\"", n, show(buf, n));
        snprintf(detail + strlen(detail), sizeof detail - strlen(detail), ", want \"%s\"",
                 show(want, (ssize_t)want_len));
    }
    fail(detail, "%s", what);
}

#define EXPECT_READ(fd, lit, what) expect_read(fd, lit, sizeof(lit) - 1, what)

/* ---- children that report one line ---- */

static int report_fd = -1;

__attribute__((format(printf, 1, 2), noreturn)) static void child_fail(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (write(report_fd, buf, n > 0 ? (size_t)n : 0) < 0) {
        _exit(3);
    }
    _exit(1);
}

/* Runs fn(arg) in a child with default signal actions and a watchdog; a
 * return from fn is success. Reports one PASS/FAIL line for what. */
static void in_child(void (*fn)(void *), void *arg, const char *what)
{
    int p[2];
    if (pipe(p) != 0) {
        fail(strerror(errno), "%s (pipe)", what);
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        report_fd = p[1];
        for (int s = 1; s < 32; s++) {
            if (s != SIGKILL && s != SIGSTOP) {
                signal(s, SIG_DFL);
            }
        }
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        alarm(WATCHDOG_S);
        fn(arg);
        _exit(0);
    }
    close(p[1]);
    char buf[256];
    ssize_t n = 0, r;
    while ((r = read(p[0], buf + n, sizeof buf - 1 - (size_t)n)) > 0) {
        n += r;
    }
    close(p[0]);
    buf[n > 0 ? n : 0] = 0;
    int st = t_wait(pid);
    if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        pass("%s", what);
    } else if (n > 0) {
        fail(buf, "%s", what);
    } else {
        fail(st == -1 ? "not waited for" : wstatus_str(st), "%s", what);
    }
}

static volatile sig_atomic_t hits[65];

static void count_signal(int sig)
{
    hits[sig]++;
}

static void catch_signal(int sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = count_signal;
    sigaction(sig, &sa, NULL); /* no SA_RESTART: blocked reads see EINTR */
}

/* Waits up to ms for pid to report a status for options. */
static pid_t wait_ms(pid_t pid, int *st, int options, int ms)
{
    for (int i = 0; i < ms; i++) {
        pid_t r = waitpid(pid, st, options | WNOHANG);
        if (r != 0 && !(r < 0 && errno == EINTR)) {
            return r;
        }
        sleep_ms(1);
    }
    return 0;
}

/* A new session whose controlling terminal is the slave name (opened
 * without O_NOCTTY); returns its fd. */
static int new_session_on(const char *name)
{
    if (setsid() < 0) {
        child_fail("setsid: %s", strerror(errno));
    }
    int fd = open(name, O_RDWR);
    if (fd < 0) {
        child_fail("open %s: %s", name, strerror(errno));
    }
    return fd;
}

/* ---- the cases ---- */

static void test_ptmx(void)
{
    int m, s, n = -1, lock = -1;
    char name[64], want[64];

    m = posix_openpt(O_RDWR | O_NOCTTY);
    if (!CHECK(m >= 0, "posix_openpt opens /dev/ptmx")) {
        return;
    }
    EXPECT(ioctl(m, TIOCGPTN, &n), 0, 0, "TIOCGPTN");
    snprintf(want, sizeof want, "/dev/pts/%d", n);
    CHECK(ptsname_r(m, name, sizeof name) == 0 && strcmp(name, want) == 0,
          "ptsname is /dev/pts/<TIOCGPTN>");
    EXPECT(ioctl(m, TIOCGPTLCK, &lock), 0, 0, "TIOCGPTLCK");
    CHECK(lock == 1, "a new slave is locked");
    EXPECT_ERR(open(name, O_RDWR | O_NOCTTY), EIO, "open a locked slave");
    EXPECT(grantpt(m), 0, 0, "grantpt");
    EXPECT(unlockpt(m), 0, 0, "unlockpt");
    ioctl(m, TIOCGPTLCK, &lock);
    CHECK(lock == 0, "unlocked after unlockpt");
    struct stat st;
    CHECK(stat(name, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 136 &&
              (int)minor(st.st_rdev) == n,
          "slave node is char 136,N");
    int found = 0;
    DIR *d = opendir("/dev/pts");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        found |= strcmp(e->d_name, name + 9) == 0;
    }
    if (d) {
        closedir(d);
    }
    CHECK(found, "slave listed in /dev/pts");
    s = open(name, O_RDWR | O_NOCTTY);
    if (!CHECK(s >= 0, "open the unlocked slave")) {
        close(m);
        return;
    }
    CHECK(isatty(s) && isatty(m), "isatty on both sides");
    EXPECT_ERR(ioctl(s, TIOCGPTN, &n), ENOTTY, "TIOCGPTN on the slave");
    EXPECT_ERR(ioctl(s, 0x54ff, 0), ENOTTY, "unknown ioctl on the slave");
    EXPECT_ERR(ioctl(m, 0x54ff, 0), ENOTTY, "unknown ioctl on the master");
    EXPECT_ERR(lseek(s, 0, SEEK_CUR), ESPIPE, "lseek on a tty");
    int peer = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    if (CHECK(peer >= 0, "TIOCGPTPEER opens the slave")) {
        put(peer, "peer");
        EXPECT_READ(m, "peer", "TIOCGPTPEER writes reach the master");
        close(peer);
    }
    close(s);
    close(m);
    CHECK(stat(name, &st) != 0 && errno == ENOENT, "slave node gone after the master closes");
}

static void test_defaults(void)
{
    int m, s;
    char name[64];
    struct termios t;
    struct winsize ws = {1, 1, 1, 1};

    if (open_pty(&m, &s, name, sizeof name)) {
        return;
    }
    tcgetattr(s, &t);
    CHECK(t.c_iflag == (ICRNL | IXON), "default c_iflag ICRNL|IXON");
    CHECK(t.c_oflag == (OPOST | ONLCR), "default c_oflag OPOST|ONLCR");
    CHECK(t.c_cflag == (B38400 | CS8 | CREAD), "default c_cflag B38400|CS8|CREAD");
    CHECK(t.c_lflag == (ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN),
          "default c_lflag");
    CHECK(t.c_cc[VINTR] == 3 && t.c_cc[VQUIT] == 28 && t.c_cc[VERASE] == 127 &&
              t.c_cc[VKILL] == 21 && t.c_cc[VEOF] == 4 && t.c_cc[VMIN] == 1 && t.c_cc[VTIME] == 0 &&
              t.c_cc[VSUSP] == 26 && t.c_cc[VWERASE] == 23 && t.c_cc[VLNEXT] == 22 &&
              t.c_cc[VEOL] == 0,
          "default c_cc");
    CHECK(cfgetospeed(&t) == B38400, "default speed 38400");
    CHECK(ioctl(s, TIOCGWINSZ, &ws) == 0 && ws.ws_row == 0 && ws.ws_col == 0,
          "a new pty's window is 0x0");
    /* Settings made through the master are the slave's. */
    t.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(m, TCSANOW, &t);
    tcgetattr(s, &t);
    CHECK(!(t.c_lflag & ECHO), "tcsetattr on the master sets the slave");
    EXPECT_ERR(ioctl(s, TCGETS, (void *)8), EFAULT, "TCGETS to a bad address");
    close(s);
    close(m);
}

static void test_canonical(void)
{
    int m, s;
    char name[64], buf[64];

    if (open_pty(&m, &s, name, sizeof name)) {
        return;
    }
    put(m, "ab\x7f"
           "c\r");
    EXPECT_READ(s, "ac\n", "erase, and CR read as NL (ICRNL)");
    EXPECT_READ(m, "ab\b \bc\r\n", "echo of erase (ECHOE) and newline (ONLCR)");
    put(m, "junk\x15ok\n");
    EXPECT_READ(s, "ok\n", "kill erases the line (VKILL)");
    EXPECT_READ(m, "junk\b \b\b \b\b \b\b \bok\r\n", "echo of kill with ECHOKE");
    put(m, "hello world\x17\x17X\n");
    EXPECT_READ(s, "X\n", "word erase (VWERASE) twice");
    drain(m, buf, sizeof buf);
    put(m, "one two\x17three\n");
    EXPECT_READ(s, "one three\n", "word erase keeps the space before the word");
    drain(m, buf, sizeof buf);
    put(m, "x\t\x7fy\x01\n");
    EXPECT_READ(s, "xy\x01\n", "erase of a tab");
    EXPECT_READ(m, "x\t\b\b\b\b\b\b\by^A\r\n", "tab erased by columns, ^A echoed as ^A (ECHOCTL)");
    put(m, "lit\x16\x7f\n");
    EXPECT_READ(s, "lit\x7f\n", "literal next (VLNEXT) quotes erase");
    drain(m, buf, sizeof buf);
    if (write(m, "ab\0cd\n", 6) != 6) {
        fail(strerror(errno), "write with a NUL");
    }
    EXPECT_READ(s, "ab\0cd\n", "NUL is ordinary input");
    drain(m, buf, sizeof buf);

    put(m, "abc\x04");
    EXPECT_READ(s, "abc", "EOF after text ends the line without a newline");
    put(m, "\x04");
    EXPECT(read_wait(s, buf, sizeof buf, 1000), 0, 0, "EOF on an empty line reads 0");
    put(m, "abcdef\n");
    readable(s, 1000);
    EXPECT(read(s, buf, 3), 3, 0, "a short read takes part of a line");
    EXPECT_READ(s, "def\n", "the rest of the line comes next");
    drain(m, buf, sizeof buf);

    int n = -1;
    put(m, "xyz");
    sleep_ms(50);
    CHECK(ioctl(s, FIONREAD, &n) == 0 && n == 0, "FIONREAD counts no unfinished line");
    CHECK(!readable(s, 0), "an unfinished line is not readable");
    put(m, "\n");
    readable(s, 1000);
    CHECK(ioctl(s, FIONREAD, &n) == 0 && n == 4, "FIONREAD counts a complete line");
    CHECK(tcflush(s, TCIFLUSH) == 0 && ioctl(s, FIONREAD, &n) == 0 && n == 0,
          "tcflush(TCIFLUSH) drops input");
    drain(m, buf, sizeof buf);

    /* 4095 characters and the newline at most, like Linux's N_TTY. */
    static char big[5000], got[5000];
    set_lflag(s, 0, ECHO);
    memset(big, 'a', sizeof big);
    ssize_t w = write(m, big, sizeof big);
    put(m, "\n");
    ssize_t r = read_wait(s, got, sizeof got, 1000);
    CHECK(w == (ssize_t)sizeof big && r == 4096 && got[4094] == 'a' && got[4095] == '\n',
          "a line holds 4095 characters and the newline");
    CHECK(!readable(s, 50), "the excess characters are dropped");
    close(s);
    close(m);
}

static void test_processing(void)
{
    int m, s;
    char name[64], buf[64];
    struct termios t;

    if (open_pty(&m, &s, name, sizeof name)) {
        return;
    }
    put(s, "a\nb\tc\r");
    EXPECT_READ(m, "a\r\nb\tc\r", "output, ONLCR turns NL into CR NL");
    tcgetattr(s, &t);
    t.c_oflag &= ~(tcflag_t)OPOST;
    tcsetattr(s, TCSANOW, &t);
    put(s, "a\nb");
    EXPECT_READ(m, "a\nb", "output, raw without OPOST");
    t.c_oflag |= OPOST | OCRNL;
    t.c_oflag &= ~(tcflag_t)ONLCR;
    tcsetattr(s, TCSANOW, &t);
    put(s, "a\rb");
    EXPECT_READ(m, "a\nb", "output, OCRNL");
    t.c_oflag = OPOST | ONLCR;
    t.c_lflag &= ~(tcflag_t)ECHO;
    t.c_iflag &= ~(tcflag_t)ICRNL;
    tcsetattr(s, TCSANOW, &t);
    put(m, "a\r\n");
    EXPECT_READ(s, "a\r\n", "input, CR kept without ICRNL");
    t.c_iflag |= IGNCR;
    tcsetattr(s, TCSANOW, &t);
    put(m, "b\r\n");
    EXPECT_READ(s, "b\n", "input, IGNCR drops CR");
    t.c_iflag = INLCR;
    t.c_lflag &= ~(tcflag_t)ICANON;
    tcsetattr(s, TCSANOW, &t);
    put(m, "c\n");
    EXPECT_READ(s, "c\r", "input, INLCR turns NL into CR");
    drain(m, buf, sizeof buf);
    close(s);
    close(m);
}

/* ---- canonical editing and output processing, case by case ---- */

/* The cases of tty_edit_cases.h marked .pty (tests/test_tty_ldisc.c runs
 * them all), each on a new pty: from its settings, flags turned on and off
 * (and VEOF, VEOL, VEOL2 if not 0), a prompt the slave writes first, the
 * keys typed on the master, or output the slave writes (after); then
 * exactly the echo read from the master, and what successive reads of the
 * slave return (NULL ends, "" is a read of 0), with nothing more to read.
 * These are Linux's results; here they run on both kernels. */

/* Reads fd until it has given len bytes (or nothing came for ms), then
 * whatever else follows at once: the total. */
static size_t read_exactly(int fd, char *buf, size_t size, size_t len, int ms)
{
    size_t n = 0;
    while (n < size && (n < len ? readable(fd, ms) : readable(fd, 20))) {
        ssize_t r = read(fd, buf + n, size - n);
        if (r <= 0) {
            break;
        }
        n += (size_t)r;
    }
    return n;
}

/* One case on a new pair; "" on success, else what went wrong. */
static const char *run_ed_case(const struct ed_case *c)
{
    static char detail[400];
    char name[64], buf[512];
    int m, s;
    struct termios t;

    if (open_pty(&m, &s, name, sizeof name)) {
        return "no pty";
    }
    tcgetattr(s, &t);
    t.c_lflag = (t.c_lflag | c->lon) & ~c->loff;
    t.c_iflag = (t.c_iflag | c->ion) & ~c->ioff;
    t.c_oflag = (t.c_oflag | c->oon) & ~c->ooff;
    if (c->veof) {
        t.c_cc[VEOF] = c->veof;
    }
    if (c->veol) {
        t.c_cc[VEOL] = c->veol;
    }
    if (c->veol2) {
        t.c_cc[VEOL2] = c->veol2;
    }
    tcsetattr(s, TCSANOW, &t);
    if (c->prompt) {
        put(s, c->prompt);
        drain(m, buf, sizeof buf);
    }
    put(m, c->keys);
    if (c->after) {
        put(s, c->after);
    }
    detail[0] = 0;
    size_t want = strlen(c->echo);
    size_t n = read_exactly(m, buf, sizeof buf, want, 1000);
    if (n != want || memcmp(buf, c->echo, want) != 0) {
        snprintf(detail, sizeof detail, "echo \"%s\"", show(buf, (ssize_t)n));
        snprintf(detail + strlen(detail), sizeof detail - strlen(detail), ", want \"%s\"",
                 show(c->echo, (ssize_t)want));
    }
    for (int i = 0; !detail[0] && i < 3 && c->reads[i]; i++) {
        ssize_t r = read_wait(s, buf, sizeof buf, 1000);
        size_t len = strlen(c->reads[i]);
        if (r != (ssize_t)len || memcmp(buf, c->reads[i], len) != 0) {
            snprintf(detail, sizeof detail, "read %d gave %zd \"%s\"", i + 1, r,
                     show(buf, r > 0 ? r : 0));
            snprintf(detail + strlen(detail), sizeof detail - strlen(detail), ", want \"%s\"",
                     show(c->reads[i], (ssize_t)len));
        }
    }
    if (!detail[0] && readable(s, 20)) {
        snprintf(detail, sizeof detail, "more to read");
    }
    close(s);
    close(m);
    return detail;
}

static void run_ed_cases(const char *label, const struct ed_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!cases[i].pty) {
            continue;
        }
        const char *err = run_ed_case(&cases[i]);
        if (err[0]) {
            fail(err, "%s, %s", label, cases[i].what);
        } else {
            pass("%s, %s", label, cases[i].what);
        }
    }
}

#define RUN_ED_CASES(label, cases) run_ed_cases(label, cases, sizeof(cases) / sizeof(cases[0]))

static void test_editing(void)
{
    RUN_ED_CASES("erase over a tab", erase_tab_cases);
    RUN_ED_CASES("erase, UTF-8", erase_utf8_cases);
    RUN_ED_CASES("word erase", werase_cases);
    RUN_ED_CASES("kill", kill_cases);
    RUN_ED_CASES("ECHOPRT", echoprt_cases);
    RUN_ED_CASES("erase", erase_misc_cases);
    RUN_ED_CASES("EOF", eof_cases);
    RUN_ED_CASES("output", output_cases);
}

static void test_vmin_vtime(void)
{
    int m, s;
    char name[64], buf[64];
    struct termios t;

    if (open_pty(&m, &s, name, sizeof name)) {
        return;
    }
    tcgetattr(s, &t);
    t.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    tcsetattr(s, TCSANOW, &t);
    put(m, "\x03q");
    EXPECT_READ(s, "\x03q", "raw mode, no line wait, ^C is data without ISIG");

    /* MIN = 0, TIME = 0: never waits. */
    set_raw(s, 0, 0);
    long long t0 = now_ms();
    EXPECT(read(s, buf, sizeof buf), 0, 0, "VMIN=0 VTIME=0, read returns 0 at once");
    CHECK(now_ms() - t0 < 100, "VMIN=0 VTIME=0, without waiting");

    /* MIN = 0, TIME = 3: a read timer of 0.3 s. */
    set_raw(s, 0, 3);
    t0 = now_ms();
    ssize_t r = read(s, buf, sizeof buf);
    long long dt = now_ms() - t0;
    CHECK(r == 0 && dt >= 250 && dt < 2000, "VMIN=0 VTIME=3, read times out with 0 after 0.3 s");
    put(m, "z");
    sleep_ms(50);
    t0 = now_ms();
    r = read(s, buf, sizeof buf);
    CHECK(r == 1 && now_ms() - t0 < 250, "VMIN=0 VTIME=3, data returns at once");

    /* MIN = 3, TIME = 0: three bytes; poll agrees. */
    set_raw(s, 3, 0);
    put(m, "ab");
    sleep_ms(50);
    CHECK(!readable(s, 0), "VMIN=3 VTIME=0, poll, 2 bytes are not enough");
    put(m, "c");
    CHECK(readable(s, 1000), "VMIN=3 VTIME=0, poll, readable at 3 bytes");
    EXPECT_READ(s, "abc", "VMIN=3 VTIME=0, read returns the 3 bytes");
    pid_t pid = fork();
    if (pid == 0) {
        sleep_ms(200);
        put(m, "de");
        sleep_ms(200);
        put(m, "f");
        _exit(0);
    }
    t0 = now_ms();
    r = read(s, buf, sizeof buf);
    dt = now_ms() - t0;
    CHECK(r == 3 && memcmp(buf, "def", 3) == 0 && dt >= 300,
          "VMIN=3 VTIME=0, read blocks until the third byte");
    t_wait(pid);

    /* MIN = 5, TIME = 2: an inter-byte timer once a byte came. */
    set_raw(s, 5, 2);
    put(m, "gh");
    sleep_ms(50);
    t0 = now_ms();
    r = read(s, buf, sizeof buf);
    dt = now_ms() - t0;
    CHECK(r == 2 && dt >= 150 && dt < 2000,
          "VMIN=5 VTIME=2, returns 2 bytes when the 0.2 s inter-byte timer runs out");
    pid = fork();
    if (pid == 0) {
        sleep_ms(300);
        put(m, "i");
        _exit(0);
    }
    t0 = now_ms();
    r = read(s, buf, sizeof buf);
    dt = now_ms() - t0;
    CHECK(r == 1 && dt >= 250, "VMIN=5 VTIME=2, waits for the first byte without a timer");
    t_wait(pid);
    close(s);
    close(m);
}

/* ---- sessions, signals, job control ---- */

static char slave_name[64];

static void child_ctty(void *arg)
{
    (void)arg;
    int fd = open(slave_name, O_RDWR | O_NOCTTY);
    pid_t sid = setsid();
    if (open("/dev/tty", O_RDWR) >= 0 || errno != ENXIO) {
        child_fail("open /dev/tty without a controlling tty: %s", strerror(errno));
    }
    int pg;
    if (ioctl(fd, TIOCGPGRP, &pg) == 0 || errno != ENOTTY) {
        child_fail("TIOCGPGRP on a tty that is not ours: want ENOTTY");
    }
    int fd2 = open(slave_name, O_RDWR | O_NOCTTY);
    if (ioctl(fd2, TIOCGSID, &pg) == 0 || errno != ENOTTY) {
        child_fail("O_NOCTTY open made it our controlling tty");
    }
    close(fd);
    close(fd2);
    fd = open(slave_name, O_RDWR);
    pid_t got = -1;
    if (ioctl(fd, TIOCGSID, &got) != 0 || got != sid) {
        child_fail("TIOCGSID after open by the leader: %d, want %d", got, sid);
    }
    if (tcgetpgrp(fd) != getpid()) {
        child_fail("tcgetpgrp: %d, want %d", tcgetpgrp(fd), getpid());
    }
    int t = open("/dev/tty", O_RDWR);
    if (t < 0) {
        child_fail("open /dev/tty with a controlling tty: %s", strerror(errno));
    }
    if (write(t, "via-dev-tty", 11) != 11) {
        child_fail("write /dev/tty: %s", strerror(errno));
    }
    if (ioctl(fd, TIOCSCTTY, 0) != 0) {
        child_fail("TIOCSCTTY on our own tty: %s", strerror(errno));
    }
    pg = 999999;
    if (tcsetpgrp(fd, 999999) == 0 || errno != ESRCH) {
        child_fail("tcsetpgrp to no group: %s, want ESRCH", strerror(errno));
    }
    if (tcsetpgrp(fd, 1) == 0 || errno != EPERM) {
        child_fail("tcsetpgrp to another session's group: %s, want EPERM", strerror(errno));
    }
    pg = -1;
    if (ioctl(fd, TIOCSPGRP, &pg) == 0 || errno != EINVAL) {
        child_fail("TIOCSPGRP -1: %s, want EINVAL", strerror(errno));
    }
    /* A second pty opened by a leader that has a tty: no change. */
    int m2 = posix_openpt(O_RDWR | O_NOCTTY);
    char n2[64];
    grantpt(m2);
    unlockpt(m2);
    ptsname_r(m2, n2, sizeof n2);
    int s2 = open(n2, O_RDWR);
    if (ioctl(s2, TIOCGSID, &pg) == 0 || errno != ENOTTY) {
        child_fail("a second tty became the controlling tty");
    }
    if (ioctl(s2, TIOCSCTTY, 0) == 0 || errno != EPERM) {
        child_fail("TIOCSCTTY with a controlling tty already: %s, want EPERM", strerror(errno));
    }
    pid_t c = fork();
    if (c == 0) {
        /* Not a session leader; and the tty belongs to our session. */
        if (ioctl(s2, TIOCSCTTY, 0) == 0 || errno != EPERM) {
            _exit(1);
        }
        if (open("/dev/tty", O_RDWR) < 0) {
            _exit(2); /* inherited controlling tty */
        }
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        child_fail("child of the leader: step %d failed", WEXITSTATUS(st));
    }
}

static void child_tiocnotty(void *arg)
{
    (void)arg;
    int fd = new_session_on(slave_name);
    int p[2];
    if (pipe(p) != 0) {
        child_fail("pipe");
    }
    pid_t g = fork();
    if (g == 0) {
        close(p[0]);
        catch_signal(SIGHUP);
        catch_signal(SIGCONT);
        setpgid(0, 0);
        signal(SIGTTOU, SIG_IGN);
        tcsetpgrp(fd, getpid());
        if (write(p[1], "r", 1) != 1) {
            _exit(9);
        }
        for (int i = 0; i < 2000 && !(hits[SIGHUP] && hits[SIGCONT]); i++) {
            sleep_ms(1);
        }
        _exit(hits[SIGHUP] && hits[SIGCONT] ? 0 : 1);
    }
    close(p[1]);
    char x;
    if (read(p[0], &x, 1) != 1) {
        child_fail("sync");
    }
    if (ioctl(fd, TIOCNOTTY) != 0) {
        child_fail("TIOCNOTTY: %s", strerror(errno));
    }
    if (open("/dev/tty", O_RDWR) >= 0 || errno != ENXIO) {
        child_fail("/dev/tty after TIOCNOTTY: want ENXIO");
    }
    int st;
    waitpid(g, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        child_fail("foreground group did not get SIGHUP and SIGCONT (%s)", wstatus_str(st));
    }
}

/* The session leader (us) puts a child in its own foreground group and
 * types c on the master; returns the child's wait status (WUNTRACED). */
static int fg_child_gets(int m, int fd, const char *c, int setup)
{
    int p[2];
    if (pipe(p) != 0) {
        child_fail("pipe");
    }
    pid_t g = fork();
    if (g == 0) {
        close(p[0]);
        setpgid(0, 0);
        if (setup == 1) {
            catch_signal(SIGWINCH);
        }
        if (write(p[1], "r", 1) != 1) {
            _exit(9);
        }
        if (setup == 1) {
            for (int i = 0; i < 3000 && !hits[SIGWINCH]; i++) {
                sleep_ms(1);
            }
            sleep_ms(200); /* a second one would come now */
            _exit(hits[SIGWINCH] == 1 ? 42 : 43);
        }
        for (;;) {
            pause();
        }
    }
    close(p[1]);
    setpgid(g, g);
    if (tcsetpgrp(fd, g) != 0) {
        child_fail("tcsetpgrp: %s", strerror(errno));
    }
    char x;
    if (read(p[0], &x, 1) != 1) {
        child_fail("sync");
    }
    close(p[0]);
    if (setup == 1) {
        struct winsize ws = {30, 100, 0, 0};
        ioctl(m, TIOCSWINSZ, &ws);
        ioctl(m, TIOCSWINSZ, &ws); /* unchanged: no second SIGWINCH */
    } else if (setup == 2) {
        ioctl(m, TIOCSIG, SIGINT);
    } else {
        put(m, c);
    }
    int st = 0;
    if (wait_ms(g, &st, WUNTRACED, 5000) != g) {
        kill(g, SIGKILL);
        waitpid(g, &st, 0);
        child_fail("the foreground child got no signal");
    }
    if (WIFSTOPPED(st)) {
        kill(g, SIGKILL);
        waitpid(g, NULL, 0);
    }
    tcsetpgrp(fd, getpgrp());
    return st;
}

struct sig_case {
    const char *keys;
    int sig;
    int setup;
};

static int master_fd;

static void child_isig(void *arg)
{
    const struct sig_case *c = arg;
    int fd = new_session_on(slave_name);
    signal(SIGTTOU, SIG_IGN); /* taking the terminal back from the child */
    int st = fg_child_gets(master_fd, fd, c->keys, c->setup);
    if (c->setup == 1) {
        struct winsize ws;
        ioctl(fd, TIOCGWINSZ, &ws);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 42 || ws.ws_row != 30 || ws.ws_col != 100) {
            child_fail("SIGWINCH: child %s, window %dx%d", wstatus_str(st), ws.ws_row, ws.ws_col);
        }
        return;
    }
    if (c->sig == SIGTSTP) {
        if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTSTP) {
            child_fail("want stopped by SIGTSTP, got %s", wstatus_str(st));
        }
        return;
    }
    if (!WIFSIGNALED(st) || WTERMSIG(st) != c->sig) {
        child_fail("want killed by signal %d, got %s", c->sig, wstatus_str(st));
    }
}

/* A background group member does op on the terminal. */
enum bg_op { BG_READ, BG_READ_IGN, BG_WRITE, BG_WRITE_TOSTOP, BG_WRITE_TOSTOP_IGN, BG_SETPGRP };

static void child_background(void *arg)
{
    enum bg_op op = *(enum bg_op *)arg;
    int fd = new_session_on(slave_name);
    if (op == BG_WRITE_TOSTOP || op == BG_WRITE_TOSTOP_IGN) {
        set_lflag(fd, TOSTOP, 0);
    }
    pid_t b = fork();
    if (b == 0) {
        setpgid(0, 0); /* not the foreground group */
        if (op == BG_READ_IGN) {
            signal(SIGTTIN, SIG_IGN);
        }
        if (op == BG_WRITE_TOSTOP_IGN) {
            signal(SIGTTOU, SIG_IGN);
        }
        char c;
        ssize_t r;
        switch (op) {
        case BG_READ:
        case BG_READ_IGN:
            r = read(fd, &c, 1);
            _exit(r < 0 && errno == EIO ? 40 : 41);
        case BG_WRITE:
        case BG_WRITE_TOSTOP:
        case BG_WRITE_TOSTOP_IGN:
            r = write(fd, "bg", 2);
            _exit(r == 2 ? 40 : 41);
        case BG_SETPGRP:
            r = tcsetpgrp(fd, getpid());
            _exit(r == 0 ? 40 : 41);
        }
        _exit(44);
    }
    setpgid(b, b);
    int st = 0;
    if (wait_ms(b, &st, WUNTRACED, 3000) != b) {
        kill(b, SIGKILL);
        waitpid(b, &st, 0);
        child_fail("the background child neither stopped nor returned (job-control stops "
                   "missing?)");
    }
    if (WIFSTOPPED(st)) {
        kill(b, SIGKILL);
        waitpid(b, NULL, 0);
    }
    int want_stop = op == BG_READ                               ? SIGTTIN
                    : op == BG_WRITE_TOSTOP || op == BG_SETPGRP ? SIGTTOU
                                                                : 0;
    if (want_stop && (!WIFSTOPPED(st) || WSTOPSIG(st) != want_stop)) {
        child_fail("want stopped by signal %d, got %s", want_stop, wstatus_str(st));
    }
    if (!want_stop && (!WIFEXITED(st) || WEXITSTATUS(st) != 40)) {
        child_fail("want the call to %s, got %s", op == BG_READ_IGN ? "fail with EIO" : "succeed",
                   wstatus_str(st));
    }
}

/* A background group whose parent has gone (orphaned: no one could
 * continue it) is not stopped: what would stop it fails instead. */
static void child_orphaned(void *arg)
{
    (void)arg;
    int fd = new_session_on(slave_name);
    set_lflag(fd, TOSTOP, 0);
    int p[2];
    if (pipe(p) != 0) {
        child_fail("pipe");
    }
    pid_t b = fork();
    if (b == 0) {
        pid_t c = fork();
        if (c == 0) {
            pid_t parent = getppid();
            setpgid(0, 0);
            for (int i = 0; i < 2000 && getppid() == parent; i++) {
                sleep_ms(1); /* until b has exited */
            }
            char got[4] = "???", ch;
            got[0] = read(fd, &ch, 1) < 0 && errno == EIO ? 'r' : 'x';
            got[1] = write(fd, "o", 1) < 0 && errno == EIO ? 'w' : 'x';
            got[2] = tcsetpgrp(fd, getpgrp()) < 0 && errno == ENOTTY ? 'p' : 'x';
            if (write(p[1], got, 3) != 3) {
                _exit(9);
            }
            _exit(0);
        }
        _exit(0);
    }
    close(p[1]);
    waitpid(b, NULL, 0);
    char got[4] = {0};
    if (read(p[0], got, 3) != 3 || strcmp(got, "rwp") != 0) {
        child_fail("read/write/tcsetpgrp gave \"%s\", want \"rwp\" (x: wrong result)", got);
    }
}

static void child_hangup(void *arg)
{
    (void)arg;
    int fd = new_session_on(slave_name);
    catch_signal(SIGHUP);
    catch_signal(SIGCONT);
    char c;
    /* The parent closes the master while we are blocked here. */
    ssize_t r = read(fd, &c, 1);
    int e = errno;
    if (r != -1 || e != EIO) {
        child_fail("blocked read at hangup: %zd %s, want -1 EIO", r, strerror(e));
    }
    for (int i = 0; i < 1000 && !(hits[SIGHUP] && hits[SIGCONT]); i++) {
        sleep_ms(1);
    }
    if (!hits[SIGHUP] || !hits[SIGCONT]) {
        child_fail("session leader got SIGHUP %d, SIGCONT %d times", hits[SIGHUP], hits[SIGCONT]);
    }
    r = read(fd, &c, 1);
    if (r != 0) {
        child_fail("read after hangup: %zd %s, want 0", r, strerror(errno));
    }
    if (write(fd, "x", 1) != -1 || errno != EIO) {
        child_fail("write after hangup: want EIO");
    }
    struct termios t;
    if (tcgetattr(fd, &t) == 0 || errno != EIO) {
        child_fail("tcgetattr after hangup: want EIO");
    }
    if ((revents(fd) & (POLLIN | POLLOUT | POLLHUP)) != (POLLIN | POLLOUT | POLLHUP)) {
        child_fail("poll after hangup: %#x", revents(fd));
    }
    if (open("/dev/tty", O_RDWR) >= 0 || errno != ENXIO) {
        child_fail("/dev/tty after hangup: want ENXIO");
    }
}

static void test_sessions(void)
{
    int m, s;
    char buf[64];

    if (open_pty(&m, &s, slave_name, sizeof slave_name)) {
        return;
    }
    master_fd = m;
    int pg = -1;
    CHECK(ioctl(m, TIOCGPGRP, &pg) == 0 && pg == 0, "TIOCGPGRP on a master, no group yet");
    EXPECT_ERR(ioctl(m, TIOCGSID, &pg), ENOTTY, "TIOCGSID on a master of no session");
    in_child(child_ctty, NULL, "controlling tty, open by a leader, /dev/tty, TIOCSCTTY, tcsetpgrp");
    EXPECT_READ(m, "via-dev-tty", "/dev/tty writes reach the terminal");
    in_child(child_tiocnotty, NULL,
             "TIOCNOTTY by the leader, SIGHUP and SIGCONT to the foreground");

    static const struct sig_case intr = {"\x03", SIGINT, 0}, quit = {"\x1c", SIGQUIT, 0},
                                 susp = {"\x1a", SIGTSTP, 0}, winch = {"", SIGWINCH, 1},
                                 tiocsig = {"", SIGINT, 2};
    drain(m, buf, sizeof buf);
    in_child(child_isig, (void *)&intr, "^C sends SIGINT to the foreground group");
    EXPECT_READ(m, "^C", "^C echoed as ^C");
    in_child(child_isig, (void *)&quit, "^\\ sends SIGQUIT to the foreground group");
    in_child(child_isig, (void *)&susp, "^Z stops the foreground group (SIGTSTP)");
    in_child(child_isig, (void *)&winch, "TIOCSWINSZ, new size and one SIGWINCH");
    in_child(child_isig, (void *)&tiocsig, "TIOCSIG on the master signals the foreground");
    drain(m, buf, sizeof buf);

    static enum bg_op ops[] = {BG_READ,         BG_READ_IGN,         BG_WRITE,
                               BG_WRITE_TOSTOP, BG_WRITE_TOSTOP_IGN, BG_SETPGRP};
    in_child(child_background, &ops[0], "job control, background read stops with SIGTTIN");
    in_child(child_background, &ops[1], "job control, background read with SIGTTIN ignored, EIO");
    in_child(child_background, &ops[2], "job control, background write without TOSTOP works");
    in_child(child_background, &ops[3], "job control, background write with TOSTOP, SIGTTOU");
    in_child(child_background, &ops[4],
             "job control, background write with TOSTOP and SIGTTOU ignored works");
    in_child(child_background, &ops[5], "job control, background tcsetpgrp stops with SIGTTOU");
    in_child(child_orphaned, NULL,
             "job control, orphaned background group, read and TOSTOP write EIO, tcsetpgrp ENOTTY");
    drain(m, buf, sizeof buf);
    close(s);
    close(m);
}

static void test_hangup(void)
{
    int m, s;
    char buf[64];

    if (open_pty(&m, &s, slave_name, sizeof slave_name)) {
        return;
    }
    /* The child blocks in read; then the master goes. */
    master_fd = m;
    int p[2];
    if (pipe(p) != 0) {
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        close(m);
        report_fd = p[1];
        alarm(WATCHDOG_S);
        child_hangup(NULL);
        _exit(0);
    }
    close(p[1]);
    sleep_ms(300);
    close(m);
    ssize_t n = 0, r;
    while ((r = read(p[0], buf + n, sizeof buf - 1 - (size_t)n)) > 0) {
        n += r;
    }
    buf[n > 0 ? n : 0] = 0;
    close(p[0]);
    int st = t_wait(pid);
    if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        pass("hangup, leader gets SIGHUP+SIGCONT, blocked read EIO, then read 0, write EIO");
    } else {
        fail(n > 0 ? buf : wstatus_str(st),
             "hangup, leader gets SIGHUP+SIGCONT, blocked read EIO, then read 0, write EIO");
    }
    /* Our own O_NOCTTY slave was hung up too. */
    EXPECT(read(s, buf, sizeof buf), 0, 0, "hangup, other slave files read 0");
    EXPECT_ERR(write(s, "x", 1), EIO, "hangup, other slave files fail writes with EIO");
    close(s);

    /* The last slave closes: the master reads what is left, then EIO. */
    if (open_pty(&m, &s, slave_name, sizeof slave_name)) {
        return;
    }
    put(s, "bye\n");
    close(s);
    sleep_ms(50);
    CHECK((revents(m) & (POLLIN | POLLHUP)) == (POLLIN | POLLHUP), "master poll, POLLIN|POLLHUP");
    EXPECT_READ(m, "bye\r\n", "master reads what the slave wrote before closing");
    CHECK((revents(m) & (POLLIN | POLLHUP | POLLOUT)) == (POLLHUP | POLLOUT),
          "master poll when drained, POLLHUP|POLLOUT");
    EXPECT_ERR(read(m, buf, sizeof buf), EIO, "master read after the last slave closed, EIO");
    EXPECT(write(m, "in\n", 3), 3, 0, "master write with no slave open still works");
    s = open(slave_name, O_RDWR | O_NOCTTY);
    CHECK(s >= 0, "the slave can be opened again");
    EXPECT_READ(s, "in\n", "... and reads what was written meanwhile");
    CHECK(!(revents(m) & POLLHUP), "master poll, no POLLHUP with a slave open");
    close(s);
    close(m);
}

static void test_many(void)
{
    static int ms[300];
    int n = 0;
    for (; n < 300; n++) {
        ms[n] = posix_openpt(O_RDWR | O_NOCTTY);
        if (ms[n] < 0) {
            break;
        }
    }
    CHECK(n == 300, "300 pseudo-terminals at once");
    /* The last one's slave number is past 255: still major 136. */
    char name[64];
    int num = -1, s = -1;
    if (n > 0 && unlockpt(ms[n - 1]) == 0 && ptsname_r(ms[n - 1], name, sizeof name) == 0) {
        s = open(name, O_RDWR | O_NOCTTY);
        ioctl(ms[n - 1], TIOCGPTN, &num);
    }
    struct stat st;
    CHECK(s >= 0 && fstat(s, &st) == 0 && major(st.st_rdev) == 136 && (int)minor(st.st_rdev) == num,
          "slave N past 255 is device (136,N)");
    put(s, "far\n");
    EXPECT_READ(ms[n - 1], "far\r\n", "a slave past 255 works");
    close(s);
    for (int i = 0; i < n; i++) {
        close(ms[i]);
    }
}

/* Writes fd (non-blocking) until it stays full for 300 ms; the total. */
/* CHECK with a detail line on failure. */
#define CHECK_D(cond, detail, ...) ((cond) ? pass(__VA_ARGS__) : fail(detail, __VA_ARGS__))

static long fill(int fd, char c)
{
    char buf[1024];
    long total = 0;
    memset(buf, c, sizeof buf);
    for (;;) {
        ssize_t r = write(fd, buf, sizeof buf);
        if (r > 0) {
            total += r;
            continue;
        }
        struct pollfd p = {fd, POLLOUT, 0};
        if (r < 0 && errno == EAGAIN && poll(&p, 1, 300) == 1) {
            continue;
        }
        return r < 0 && errno != EAGAIN ? -1 : total;
    }
}

/* The slave's output waits for the master: Linux holds about 20 KiB (its
 * flip buffers and the master's read buffer), Kiln 64 KiB. */
static void test_buffering(void)
{
    static char buf[128 * 1024];
    char detail[80];
    int m, s;
    if (open_pty(&m, &s, slave_name, sizeof slave_name)) {
        return;
    }
    struct termios t;
    tcgetattr(s, &t);
    cfmakeraw(&t);
    tcsetattr(s, TCSANOW, &t);
    fcntl(s, F_SETFL, O_NONBLOCK);
    long wrote = fill(s, 'o');
    snprintf(detail, sizeof detail, "%ld bytes", wrote);
    CHECK_D(wrote >= 16 * 1024, detail,
            "16 KiB and more written to the slave before the master reads");
    size_t got = drain(m, buf, sizeof buf);
    size_t same = 0;
    while (same < got && buf[same] == 'o') {
        same++;
    }
    snprintf(detail, sizeof detail, "read %zu of %ld", got, wrote);
    CHECK_D(got == (size_t)wrote && same == got, detail, "the master then reads every byte");
    close(s);
    close(m);
}

static void child_eintr(void *arg)
{
    (void)arg;
    catch_signal(SIGUSR1);
    int fd = open(slave_name, O_RDWR | O_NOCTTY);
    pid_t parent = getpid();
    pid_t k = fork();
    if (k == 0) {
        sleep_ms(200);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    char c;
    ssize_t r = read(fd, &c, 1);
    if (r != -1 || errno != EINTR) {
        child_fail("read: %zd %s, want EINTR", r, strerror(errno));
    }
    waitpid(k, NULL, 0);
}

static void test_eintr(void)
{
    int m, s;
    if (open_pty(&m, &s, slave_name, sizeof slave_name)) {
        return;
    }
    in_child(child_eintr, NULL, "a signal interrupts a blocked read (EINTR)");
    close(s);
    close(m);
}

/* ---- TCGETA/TCSETA*, draining, TIOCSTI ---- */

/* Linux's struct termio (musl has none). */
#define NCC 8
struct old_termio {
    unsigned short c_iflag, c_oflag, c_cflag, c_lflag;
    unsigned char c_line;
    unsigned char c_cc[NCC];
};

static void test_termio(void)
{
    int m, s;
    if (open_pty(&m, &s, slave_name, sizeof slave_name)) {
        return;
    }
    struct termios t;
    struct old_termio o;
    tcgetattr(s, &t);
    memset(&o, 0x55, sizeof o);
    EXPECT_OK(ioctl(s, TCGETA, &o), "TCGETA");
    CHECK(o.c_iflag == (t.c_iflag & 0xffff) && o.c_oflag == (t.c_oflag & 0xffff) &&
              o.c_cflag == (t.c_cflag & 0xffff) && o.c_lflag == (t.c_lflag & 0xffff) &&
              o.c_line == t.c_line && memcmp(o.c_cc, t.c_cc, NCC) == 0,
          "TCGETA gives termios's low 16 flag bits and first NCC characters");
    o.c_lflag &= (unsigned short)~(ICANON | ECHO);
    o.c_cc[VMIN] = 1;
    o.c_cc[VTIME] = 0;
    o.c_cc[VINTR] = 'C' & 31;
    EXPECT_OK(ioctl(s, TCSETA, &o), "TCSETA");
    struct termios n;
    tcgetattr(s, &n);
    CHECK(n.c_lflag == ((t.c_lflag & ~0xffffu) | o.c_lflag) && n.c_iflag == t.c_iflag &&
              n.c_cc[VMIN] == 1 && n.c_cc[VINTR] == ('C' & 31) && n.c_cc[VEOL] == t.c_cc[VEOL],
          "TCSETA changes the low flag bits and the first NCC characters only");
    CHECK(cfgetospeed(&n) == cfgetospeed(&t), "TCSETA keeps the speed");
    put(m, "x");
    EXPECT_READ(s, "x", "after TCSETA the slave reads raw bytes");

    put(m, "abc");
    readable(s, 1000);
    EXPECT_OK(ioctl(s, TCSETAF, &o), "TCSETAF");
    int q = -1;
    ioctl(s, FIONREAD, &q);
    CHECK(q == 0, "TCSETAF flushes unread input");
    put(m, "def");
    readable(s, 1000);
    tcgetattr(s, &n);
    EXPECT_OK(tcsetattr(s, TCSAFLUSH, &n), "TCSETSF (tcsetattr TCSAFLUSH)");
    q = -1;
    ioctl(s, FIONREAD, &q);
    CHECK(q == 0, "TCSETSF flushes unread input");

    /* A pty holds no output "in the device" (Linux counts none): waiting
     * forms return at once while the master has not read. */
    alarm(5);
    put(s, "unread");
    EXPECT_OK(ioctl(s, TCSETAW, &o), "TCSETAW with output the master has not read");
    EXPECT_OK(tcsetattr(s, TCSADRAIN, &n), "TCSETSW with output the master has not read");
    EXPECT_OK(tcdrain(s), "tcdrain with output the master has not read");
    alarm(0);
    EXPECT_READ(m, "unread", "the master then reads that output");
    struct old_termio *bad = (struct old_termio *)8;
    EXPECT_ERR(ioctl(s, TCSETA, bad), EFAULT, "TCSETA with a bad pointer, EFAULT");
    close(s);
    close(m);
}

static void child_tiocsti(void *arg)
{
    (void)arg;
    int fd = new_session_on(slave_name);
    for (const char *p = "typed\n"; *p; p++) {
        if (ioctl(fd, TIOCSTI, p) != 0) {
            child_fail("TIOCSTI on our terminal: %s", strerror(errno));
        }
    }
    char buf[32];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n != 6 || memcmp(buf, "typed\n", 6) != 0) {
        child_fail("read after TIOCSTI: %zd \"%s\"", n, n > 0 ? show(buf, n) : "");
    }
}

static void child_tiocsti_eperm(void *arg)
{
    int fd = *(int *)arg;
    char c = 'x';
    if (geteuid() == 0 && setuid(65534) != 0) {
        child_fail("setuid: %s", strerror(errno));
    }
    if (ioctl(fd, TIOCSTI, &c) == 0 || errno != EPERM) {
        child_fail("TIOCSTI on another terminal, not root: %s, want EPERM", strerror(errno));
    }
}

/* Linux's legacy_tiocsti sysctl (dev.tty.legacy_tiocsti=0 forbids
 * TIOCSTI to all but CAP_SYS_ADMIN); Kiln behaves as 1. */
static int tiocsti_allowed(void)
{
    char c = '1';
    int fd = open("/proc/sys/dev/tty/legacy_tiocsti", O_RDONLY);
    if (fd >= 0) {
        if (read(fd, &c, 1) != 1) {
            c = '1';
        }
        close(fd);
    }
    return c != '0';
}

static void test_tiocsti(void)
{
    int m, s;
    if (!tiocsti_allowed()) {
        skip("legacy_tiocsti is 0 on this host", "TIOCSTI");
        return;
    }
    if (open_pty(&m, &s, slave_name, sizeof slave_name)) {
        return;
    }
    in_child(child_tiocsti, NULL, "TIOCSTI on the controlling terminal is read back as input");
    in_child(child_tiocsti_eperm, &s, "TIOCSTI on another terminal, not root: EPERM");
    if (geteuid() == 0) {
        char c = 'r', echoed[64];
        drain(m, echoed, sizeof echoed); /* the child's input, echoed */
        set_lflag(s, 0, ECHO);
        EXPECT_OK(ioctl(s, TIOCSTI, &c), "TIOCSTI by root on a terminal not its own");
        c = '\n';
        ioctl(s, TIOCSTI, &c);
        EXPECT_READ(s, "r\n", "... is read by the slave");
        c = 'M';
        EXPECT_OK(ioctl(m, TIOCSTI, &c), "TIOCSTI by root on a master");
        EXPECT_READ(m, "M", "... is read by the master");
        EXPECT_ERR(ioctl(s, TIOCSTI, (char *)8), EFAULT, "TIOCSTI with a bad pointer, EFAULT");
    }
    close(s);
    close(m);
}

/* In Kiln's guest run devpts may not be mounted yet (the kernel's mounts
 * come first): mount it as Linux's init scripts do. */
static void ensure_devpts(void)
{
    if (access("/dev/pts/ptmx", F_OK) != 0 && !t_on_host()) {
        mkdir("/dev/pts", 0755);
        mount("devpts", "/dev/pts", "devpts", 0, "");
    }
}

int main(void)
{
    t_begin("t_tty");
    ensure_devpts();
    test_ptmx();
    test_defaults();
    test_canonical();
    test_processing();
    test_editing();
    test_vmin_vtime();
    test_sessions();
    test_hangup();
    test_eintr();
    test_buffering();
    test_termio();
    test_tiocsti();
    test_many();
    return t_end();
}
