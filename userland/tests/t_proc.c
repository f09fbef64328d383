// SPDX-License-Identifier: MIT
/* t_proc: processes, exec, memory, time, credentials and limits, with the
 * results and errno values of Linux x86_64.
 *
 * Exec modes of this program (used by its own cases):
 *   t_proc --exit N                 exit N at once
 *   t_proc --check-exec A B FD1 FD2 check argv, envp and which fds survived
 *                                   exec (FD1 was O_CLOEXEC, FD2 not)
 */
#include "t.h"

#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>

#ifndef ARCH_SET_FS
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#endif

static char self[PATH_MAX];

#define CAP_SETGID 6
#define CAP_SETUID 7
#define CAP_SYS_RESOURCE 24

/* Whether we hold a capability. A kernel without capget counts as "root
 * holds every capability". */
static int have_cap(int cap)
{
    struct {
        uint32_t version;
        int pid;
    } hdr = {0x20080522, 0};
    struct {
        uint32_t effective, permitted, inheritable;
    } data[2];
    if (syscall(SYS_capget, &hdr, data) != 0)
        return geteuid() == 0;
    return (data[cap / 32].effective >> (cap % 32)) & 1;
}
static long pagesz;

static long long now_ns(clockid_t c)
{
    struct timespec ts;
    syscall(SYS_clock_gettime, c, &ts);
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* A flag file used to hold a child until the parent has looked at it. */
static void wait_for_file(const char *path, int max_ms)
{
    struct timespec ms = {0, 1000000};
    for (int i = 0; i < max_ms && access(path, F_OK) != 0; i++)
        nanosleep(&ms, NULL);
}

static int check_exec_mode(int argc, char **argv)
{
    /* argv: self --check-exec A B FD1 FD2; envp must hold KILN_T=1 and
     * KILN_EMPTY= */
    int bad = 0;
    if (argc != 6 || strcmp(argv[2], "alpha") || strcmp(argv[3], "beta gamma"))
        bad |= 1;
    const char *t = getenv("KILN_T"), *e = getenv("KILN_EMPTY");
    if (!t || strcmp(t, "1") || !e || *e)
        bad |= 2;
    if (argc == 6) {
        int fd1 = atoi(argv[4]), fd2 = atoi(argv[5]);
        if (fcntl(fd1, F_GETFD) != -1 || errno != EBADF)
            bad |= 4; /* the O_CLOEXEC fd must be gone */
        if (fcntl(fd2, F_GETFD) != 0)
            bad |= 8; /* the other one stays, without FD_CLOEXEC */
    }
    return bad;
}

static void test_wait(void)
{
    /* No children yet. */
    EXPECT_ERR(syscall(SYS_wait4, -1, NULL, 0, NULL), ECHILD, "wait4 with no children");
    EXPECT_ERR(syscall(SYS_wait4, -1, NULL, WNOHANG, NULL), ECHILD,
               "wait4 WNOHANG with no children");
    siginfo_t si;
    EXPECT_ERR(syscall(SYS_waitid, P_ALL, 0, &si, WEXITED, NULL), ECHILD,
               "waitid with no children");

    /* Every exit code round-trips through the status word. */
    int bad = 0;
    for (int code = 0; code < 256; code++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(code);
        int st = -1;
        long r = syscall(SYS_wait4, pid, &st, 0, NULL);
        if (r != pid || !WIFEXITED(st) || WEXITSTATUS(st) != code || st != code << 8) {
            if (!bad)
                fail(wstatus_str(st), "exit code %d round-trips", code);
            bad = 1;
        }
    }
    if (!bad)
        pass("exit codes 0..255 round-trip through wait4 (status == code << 8)");
    {
        pid_t pid = fork();
        if (pid == 0)
            syscall(SYS_exit_group, 256 + 7);
        expect_exit(pid, 7, "exit_group(263) is seen as exit 7");
    }

    /* WNOHANG while the child runs, then the real wait. */
    {
        pid_t pid = fork();
        if (pid == 0) {
            wait_for_file("go", 10000);
            _exit(5);
        }
        int st = 0;
        EXPECT(syscall(SYS_wait4, pid, &st, WNOHANG, NULL), 0, 0,
               "wait4 WNOHANG returns 0 while the child runs");
        close(open("go", O_CREAT | O_WRONLY, 0644));
        EXPECT(syscall(SYS_wait4, pid, &st, 0, NULL), pid, 0, "wait4 then returns the pid");
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5, "wait4 status after WNOHANG");
        unlink("go");
    }
    /* wait4 for a pid that is not our child. */
    EXPECT_ERR(syscall(SYS_wait4, 1, NULL, WNOHANG, NULL), ECHILD, "wait4 for a non-child pid");
    EXPECT_ERR(syscall(SYS_wait4, -1, NULL, 0x100 /* not a wait4 option */, NULL), EINVAL,
               "wait4 with an unknown option");

    /* waitid, with WNOWAIT first: the child stays waitable. */
    {
        pid_t pid = fork();
        if (pid == 0)
            _exit(9);
        memset(&si, 0, sizeof si);
        EXPECT(syscall(SYS_waitid, P_PID, pid, &si, WEXITED | WNOWAIT, NULL), 0, 0,
               "waitid WNOWAIT");
        CHECK(si.si_pid == pid && si.si_signo == SIGCHLD && si.si_code == CLD_EXITED &&
                  si.si_status == 9,
              "waitid fills si_pid si_signo si_code si_status");
        memset(&si, 0, sizeof si);
        EXPECT(syscall(SYS_waitid, P_PID, pid, &si, WEXITED, NULL), 0, 0,
               "waitid after WNOWAIT finds the child again");
        CHECK(si.si_pid == pid && si.si_status == 9, "waitid second status");
        EXPECT_ERR(syscall(SYS_waitid, P_PID, pid, &si, WEXITED, NULL), ECHILD,
                   "waitid after reaping");
        EXPECT_ERR(syscall(SYS_waitid, P_PID, pid, &si, 0, NULL), EINVAL,
                   "waitid without WEXITED/WSTOPPED/WCONTINUED");
    }
    /* A child killed by a signal. */
    {
        pid_t pid = fork();
        if (pid == 0) {
            raise(SIGKILL);
            _exit(0);
        }
        expect_signal(pid, SIGKILL, "a child killed by SIGKILL is WIFSIGNALED");
    }
}

/* Burns CPU in user mode for about ms milliseconds of wall time. */
static void burn_cpu(int ms)
{
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    volatile unsigned long sink = 0;
    do {
        for (int i = 0; i < 100000; i++) {
            sink += (unsigned long)i;
        }
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
}

static long tv_us(struct timeval tv)
{
    return tv.tv_sec * 1000000L + tv.tv_usec;
}

/* wait4 and waitid report the CPU time of the child they reap (its own and
 * its waited-for children's) in struct rusage. */
static void test_wait_rusage(void)
{
    for (int via_waitid = 0; via_waitid < 2; via_waitid++) {
        pid_t pid = fork();
        if (pid == 0) {
            pid_t g = fork();
            if (g == 0) {
                burn_cpu(150);
                _exit(0);
            }
            waitpid(g, NULL, 0);
            burn_cpu(150);
            _exit(0);
        }
        struct rusage ru;
        memset(&ru, 0xff, sizeof(ru));
        long r;
        if (via_waitid) {
            siginfo_t si;
            r = syscall(SYS_waitid, P_PID, pid, &si, WEXITED, &ru);
        } else {
            int st;
            r = syscall(SYS_wait4, pid, &st, 0, &ru);
        }
        const char *how = via_waitid ? "waitid" : "wait4";
        CHECK(r == (via_waitid ? 0 : pid), "%s reaps the CPU-burning child", how);
        /* 300 ms of wall time busy in two processes; a loaded host or
         * coarse ticks give less user time, but never none. */
        CHECK(tv_us(ru.ru_utime) >= 50000 && tv_us(ru.ru_utime) < 10000000,
              "%s rusage: the child's and grandchild's user time (%ld us)", how,
              tv_us(ru.ru_utime));
        CHECK(ru.ru_stime.tv_usec >= 0 && ru.ru_stime.tv_usec < 1000000,
              "%s rusage: a valid system time", how);
    }
    /* A child touching 8 MiB (small pages) shows the faults and the peak
     * resident set in wait4's rusage. */
    {
        pid_t pid = fork();
        if (pid == 0) {
            size_t len = 8u << 20;
            char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (m == MAP_FAILED) {
                _exit(1);
            }
            madvise(m, len, MADV_NOHUGEPAGE); /* may fail where THP is absent */
            for (size_t i = 0; i < len; i += 4096) {
                m[i] = 1;
            }
            _exit(0);
        }
        struct rusage ru;
        int st;
        CHECK(wait4(pid, &st, 0, &ru) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
              "wait4 reaps the child that touched 8 MiB");
        CHECK(ru.ru_minflt >= 2048, "rusage minflt counts its page faults (%ld)", ru.ru_minflt);
        CHECK(ru.ru_maxrss >= 7168 && ru.ru_maxrss < (1L << 30),
              "rusage maxrss is its peak resident set in KiB (%ld)", ru.ru_maxrss);
        struct rusage me;
        CHECK(getrusage(RUSAGE_SELF, &me) == 0 && me.ru_minflt > 0 && me.ru_maxrss > 0,
              "getrusage(RUSAGE_SELF) reports our own faults and peak");
    }
    struct rusage self;
    CHECK(getrusage(RUSAGE_CHILDREN, &self) == 0 && tv_us(self.ru_utime) >= 100000 &&
              self.ru_maxrss >= 7168 && self.ru_minflt >= 2048,
          "RUSAGE_CHILDREN counts the reaped children (%ld us)", tv_us(self.ru_utime));
}

static void test_ids(void)
{
    pid_t me = getpid();
    CHECK(me > 0 && syscall(SYS_getpid) == me, "getpid");
    CHECK(syscall(SYS_gettid) == me, "gettid equals getpid in a single-threaded process");
    pid_t pid = fork();
    if (pid == 0)
        _exit(getppid() == me && getpid() != me ? 0 : 1);
    expect_exit(pid, 0, "the child's getppid is the parent's pid");
    CHECK(pid > 0 && pid != me, "fork returns the child's pid to the parent");

    /* Orphans are adopted by pid 1 (or by a child subreaper on the host). */
    int fd = open("orphan", O_CREAT | O_RDWR | O_TRUNC, 0644);
    pid = fork();
    if (pid == 0) {
        pid_t mid = getpid();
        pid_t g = fork();
        if (g == 0) {
            struct timespec ms = {0, 1000000};
            for (int i = 0; i < 10000 && getppid() == mid; i++)
                nanosleep(&ms, NULL);
            char b[32];
            int n = snprintf(b, sizeof b, "%d\n", (int)getppid());
            pwrite(fd, b, (size_t)n, 0);
            close(fd);
            close(open("orphan.done", O_CREAT | O_WRONLY, 0644));
            _exit(0);
        }
        _exit(g > 0 ? 0 : 1);
    }
    expect_exit(pid, 0, "orphan setup");
    wait_for_file("orphan.done", 10000);
    char b[32] = "";
    pread(fd, b, sizeof b - 1, 0);
    close(fd);
    int newp = atoi(b);
    CHECK(newp != 0 && newp != pid, "an orphan is reparented away from its dead parent");
    if (newp == 1)
        pass("an orphan is reparented to pid 1");
    else if (t_on_host())
        skip("the host's reaper is a subreaper, not pid 1", "an orphan is reparented to pid 1");
    else
        fail(b, "an orphan is reparented to pid 1");
    unlink("orphan");
    unlink("orphan.done");
}

static volatile int vfork_var;

static void test_fork_exec(void)
{
    /* fork copies memory: the child's writes stay in the child. */
    {
        static int v = 1;
        pid_t pid = fork();
        if (pid == 0) {
            v = 2;
            _exit(v);
        }
        expect_exit(pid, 2, "fork child runs with its own copy");
        CHECK(v == 1, "fork child's write is not seen by the parent");
    }
    /* vfork shares memory until _exit, and the parent waits for it. */
    {
        vfork_var = 0;
        pid_t pid = vfork();
        if (pid == 0) {
            vfork_var = 7;
            _exit(7);
        }
        CHECK(vfork_var == 7, "vfork child shares memory and runs first");
        expect_exit(pid, 7, "vfork child _exit status");
    }
    /* execve of this program with arguments, environment and fds. */
    {
        int fd1 = open(self, O_RDONLY | O_CLOEXEC);
        int fd2 = open(self, O_RDONLY);
        CHECK(fcntl(fd1, F_GETFD) == FD_CLOEXEC && fcntl(fd2, F_GETFD) == 0,
              "O_CLOEXEC sets FD_CLOEXEC");
        char s1[16], s2[16];
        snprintf(s1, sizeof s1, "%d", fd1);
        snprintf(s2, sizeof s2, "%d", fd2);
        pid_t pid = fork();
        if (pid == 0) {
            char *argv[] = {self, "--check-exec", "alpha", "beta gamma", s1, s2, NULL};
            char *envp[] = {"KILN_T=1", "KILN_EMPTY=", NULL};
            execve(self, argv, envp);
            _exit(127);
        }
        int st = t_wait(pid);
        CHECK(st != -1 && WIFEXITED(st) && (WEXITSTATUS(st) & 1) == 0, "execve passes argv");
        CHECK(st != -1 && WIFEXITED(st) && (WEXITSTATUS(st) & 2) == 0, "execve passes envp");
        CHECK(st != -1 && WIFEXITED(st) && (WEXITSTATUS(st) & 4) == 0,
              "an O_CLOEXEC fd is closed on exec");
        CHECK(st != -1 && WIFEXITED(st) && (WEXITSTATUS(st) & 8) == 0, "a plain fd survives exec");
        close(fd1);
        close(fd2);
    }
    /* execve of a #! script, with arguments. */
    {
        int fd = open("script.sh", O_CREAT | O_WRONLY | O_TRUNC, 0755);
        const char *s = "#!/bin/sh\n"
                        "[ \"$0\" = ./script.sh ] || exit 1\n"
                        "[ \"$1\" = one ] && [ \"$2\" = two ] || exit 2\n"
                        "exit 42\n";
        write(fd, s, strlen(s));
        close(fd);
        pid_t pid = fork();
        if (pid == 0) {
            char *argv[] = {"./script.sh", "one", "two", NULL};
            char *envp[] = {"PATH=/bin:/usr/bin", NULL};
            execve("./script.sh", argv, envp);
            _exit(127);
        }
        expect_exit(pid, 42, "execve of a #!/bin/sh script with arguments");
        fd = open("script2.sh", O_CREAT | O_WRONLY | O_TRUNC, 0755);
        s = "#!/bin/sh -e\nfalse\nexit 3\n";
        write(fd, s, strlen(s));
        close(fd);
        pid = fork();
        if (pid == 0) {
            char *argv[] = {"./script2.sh", NULL};
            char *envp[] = {NULL};
            execve("./script2.sh", argv, envp);
            _exit(127);
        }
        expect_exit(pid, 1, "execve of a #! script passes the interpreter argument");
        unlink("script.sh");
        unlink("script2.sh");
    }
    /* E2BIG: one string over MAX_ARG_STRLEN (32 pages), and a total of
     * 8 MiB, over Linux's limit (a quarter of the stack limit, at most 6 MiB). */
    {
        size_t n = 33 * 4096;
        char *big = malloc(n);
        memset(big, 'a', n - 1);
        big[n - 1] = 0;
        pid_t pid = fork();
        if (pid == 0) {
            char *argv[] = {self, "--exit", "0", big, NULL};
            char *envp[] = {NULL};
            execve(self, argv, envp);
            _exit(errno == E2BIG ? 50 : 51);
        }
        expect_exit(pid, 50, "execve with a 132 KiB argument fails with E2BIG");
        big[100 * 1024] = 0;
        char **argv = calloc(84, sizeof *argv);
        argv[0] = self;
        argv[1] = "--exit";
        argv[2] = "0";
        for (int i = 3; i < 83; i++)
            argv[i] = big; /* 80 x 100 KiB */
        pid = fork();
        if (pid == 0) {
            char *envp[] = {NULL};
            execve(self, argv, envp);
            _exit(errno == E2BIG ? 50 : 51);
        }
        expect_exit(pid, 50, "execve with 8 MiB of arguments fails with E2BIG");
        /* ... and a moderately large argv works. */
        big[1000] = 0;
        for (int i = 3; i < 83; i++)
            argv[i] = big; /* "--exit" ignores arguments after the first */
        pid = fork();
        if (pid == 0) {
            char *envp[] = {NULL};
            execve(self, argv, envp);
            _exit(127);
        }
        expect_exit(pid, 0, "execve with 80 arguments of 1000 bytes works");
        free(argv);
        free(big);
    }
    /* A failed execve leaves the caller intact. */
    {
        static int canary = 1234;
        char *argv[] = {"nope", NULL};
        EXPECT_ERR(execve("/no/such/program", argv, argv + 1), ENOENT,
                   "execve of a missing program");
        CHECK(canary == 1234, "the process is intact after a failed execve");
    }
    /* fork/exec/exit loop. */
    {
        int bad = 0;
        for (int i = 0; i < 1000 && !bad; i++) {
            pid_t pid = fork();
            if (pid == 0) {
                char *argv[] = {self, "--exit", "3", NULL};
                char *envp[] = {NULL};
                execve(self, argv, envp);
                _exit(127);
            }
            int st = t_wait(pid);
            if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 3) {
                char d[80];
                snprintf(d, sizeof d, "iteration %d: %s", i,
                         st == -1 ? "wait failed" : wstatus_str(st));
                fail(d, "1000 x fork, exec, exit, wait");
                bad = 1;
            }
        }
        if (!bad)
            pass("1000 x fork, exec, exit, wait");
    }
}

static void test_creds(void)
{
    if (getuid() != 0 || !have_cap(CAP_SETUID) || !have_cap(CAP_SETGID)) {
        skip("not running as root with CAP_SETUID and CAP_SETGID", "credentials as root");
        return;
    }
    CHECK(getuid() == 0 && geteuid() == 0 && getgid() == 0 && getegid() == 0,
          "root has uid euid gid egid 0");
    pid_t pid = fork();
    if (pid == 0) {
        uid_t r, e, s;
        int bad = 0;
        if (setgid(1000) || getgid() != 1000 || getegid() != 1000)
            bad |= 1;
        if (setresuid(1000, 1001, 0) || getresuid(&r, &e, &s) || r != 1000 || e != 1001 || s != 0)
            bad |= 2;
        if (seteuid(0) || geteuid() != 0) /* the saved uid 0 allows it */
            bad |= 4;
        if (setuid(1000) || getuid() != 1000 || geteuid() != 1000 || getresuid(&r, &e, &s) ||
            s != 1000)
            bad |= 8; /* as root, setuid sets all three */
        if (setuid(0) != -1 || errno != EPERM)
            bad |= 16;
        if (setgid(0) != -1 || errno != EPERM)
            bad |= 32;
        _exit(bad);
    }
    int st = t_wait(pid);
    int code = (st != -1 && WIFEXITED(st)) ? WEXITSTATUS(st) : 255;
    CHECK(!(code & 1), "setgid as root");
    CHECK(!(code & 2), "setresuid and getresuid");
    CHECK(!(code & 4), "seteuid back to the saved uid");
    CHECK(!(code & 8), "setuid as root sets real, effective and saved");
    CHECK(!(code & 16), "setuid(0) after dropping root fails with EPERM");
    CHECK(!(code & 32), "setgid(0) after dropping root fails with EPERM");
}

static void test_misc(void)
{
    struct utsname u;
    EXPECT(syscall(SYS_uname, &u), 0, 0, "uname");
    CHECK(!strcmp(u.sysname, "Linux"), "uname sysname is Linux");
    CHECK(!strcmp(u.machine, "x86_64"), "uname machine is x86_64");
    CHECK(u.release[0] >= '3' && u.release[0] <= '9' && u.release[1] == '.',
          "uname release looks like a Linux version");

    unsigned char r1[64], r2[64];
    EXPECT(syscall(SYS_getrandom, r1, sizeof r1, 0), 64, 0, "getrandom 64 bytes");
    EXPECT(syscall(SYS_getrandom, r2, sizeof r2, 1 /* GRND_NONBLOCK */), 64, 0,
           "getrandom GRND_NONBLOCK");
    CHECK(memcmp(r1, r2, sizeof r1) != 0, "getrandom results differ");
    EXPECT_ERR(syscall(SYS_getrandom, r1, sizeof r1, 0x100), EINVAL, "getrandom unknown flag");
    EXPECT(syscall(SYS_getrandom, r1, 0, 0), 0, 0, "getrandom of 0 bytes");

    long long prev = now_ns(CLOCK_MONOTONIC);
    int mono = 1;
    for (int i = 0; i < 10000; i++) {
        long long t = now_ns(CLOCK_MONOTONIC);
        if (t < prev)
            mono = 0;
        prev = t;
    }
    CHECK(mono, "CLOCK_MONOTONIC never goes back (10000 reads)");
    struct timespec ts;
    EXPECT(syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts), 0, 0, "clock_gettime REALTIME");
    CHECK(ts.tv_sec > 1577836800, "CLOCK_REALTIME is after 2020");
    CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000, "tv_nsec is in range");
    EXPECT(syscall(SYS_clock_gettime, CLOCK_BOOTTIME, &ts), 0, 0, "clock_gettime BOOTTIME");
    EXPECT(syscall(SYS_clock_gettime, CLOCK_MONOTONIC_RAW, &ts), 0, 0,
           "clock_gettime MONOTONIC_RAW");
    EXPECT(syscall(SYS_clock_gettime, CLOCK_PROCESS_CPUTIME_ID, &ts), 0, 0,
           "clock_gettime PROCESS_CPUTIME_ID");
    EXPECT_ERR(syscall(SYS_clock_gettime, 12345, &ts), EINVAL, "clock_gettime bad clock");
    EXPECT(syscall(SYS_clock_getres, CLOCK_MONOTONIC, &ts), 0, 0, "clock_getres MONOTONIC");
    CHECK(ts.tv_sec == 0 && ts.tv_nsec > 0 && ts.tv_nsec <= 10000000,
          "clock_getres MONOTONIC is at most 10 ms");
    struct timeval tv;
    EXPECT(syscall(SYS_gettimeofday, &tv, NULL), 0, 0, "gettimeofday");
    CHECK(tv.tv_sec > 1577836800 && tv.tv_usec >= 0 && tv.tv_usec < 1000000,
          "gettimeofday is after 2020");
    long t = syscall(SYS_time, NULL);
    CHECK(t >= tv.tv_sec && t <= tv.tv_sec + 2, "time agrees with gettimeofday");

    {
        struct timespec req = {0, 50 * 1000000};
        long long a = now_ns(CLOCK_MONOTONIC);
        EXPECT(syscall(SYS_nanosleep, &req, NULL), 0, 0, "nanosleep 50 ms");
        long long d = now_ns(CLOCK_MONOTONIC) - a;
        CHECK(d >= 50 * 1000000ll, "nanosleep 50 ms lasts at least 50 ms");
        CHECK(d < 5000 * 1000000ll, "nanosleep 50 ms lasts less than 5 s");
        req = (struct timespec){0, 1000000000};
        EXPECT_ERR(syscall(SYS_nanosleep, &req, NULL), EINVAL, "nanosleep tv_nsec 1e9");
        req = (struct timespec){-1, 0};
        EXPECT_ERR(syscall(SYS_nanosleep, &req, NULL), EINVAL, "nanosleep negative tv_sec");
        req = (struct timespec){0, 0};
        EXPECT(syscall(SYS_nanosleep, &req, NULL), 0, 0, "nanosleep 0");
    }

    EXPECT(syscall(SYS_sched_yield), 0, 0, "sched_yield");

    {
        mode_t old = umask(022);
        EXPECT(syscall(SYS_umask, 077), 022, 0, "umask returns the previous mask");
        int fd = open("umasked", O_CREAT | O_WRONLY, 0666);
        struct stat st;
        fstat(fd, &st);
        CHECK((st.st_mode & 0777) == 0600, "umask 077 applies to open(O_CREAT, 0666)");
        close(fd);
        unlink("umasked");
        EXPECT(syscall(SYS_umask, 01777), 077, 0, "umask again");
        EXPECT(syscall(SYS_umask, 022), 0777, 0, "umask keeps only the permission bits");
        umask(old);
    }

    {
        struct tms a, b;
        long c1 = syscall(SYS_times, &a);
        volatile unsigned long x = 0;
        for (unsigned long i = 0; i < 20000000; i++)
            x += i;
        long c2 = syscall(SYS_times, &b);
        CHECK(c1 != -1 && c2 >= c1, "times return value does not go back");
        CHECK(b.tms_utime + b.tms_stime >= a.tms_utime + a.tms_stime,
              "times user+system time does not go back");
        CHECK(b.tms_cutime >= 0 && b.tms_cstime >= 0, "times children's times");
    }
}

static void test_limits(void)
{
    struct rlimit rl, rl2;
    EXPECT(syscall(SYS_getrlimit, RLIMIT_NOFILE, &rl), 0, 0, "getrlimit NOFILE");
    CHECK(rl.rlim_cur > 0 && rl.rlim_cur <= rl.rlim_max, "NOFILE soft <= hard");
    EXPECT(syscall(SYS_getrlimit, RLIMIT_STACK, &rl2), 0, 0, "getrlimit STACK");
    EXPECT_ERR(syscall(SYS_getrlimit, 999, &rl2), EINVAL, "getrlimit bad resource");
    pid_t pid = fork();
    if (pid == 0) {
        int bad = 0;
        struct rlimit n = {64, rl.rlim_max}, g;
        if (syscall(SYS_setrlimit, RLIMIT_NOFILE, &n) ||
            syscall(SYS_getrlimit, RLIMIT_NOFILE, &g) || g.rlim_cur != 64)
            bad |= 1;
        /* the soft limit is enforced: with fds 0..63 in use, open fails */
        int fd, last = -1;
        while ((fd = open("/", O_RDONLY)) >= 0)
            last = fd;
        if (errno != EMFILE || last != 63)
            bad |= 2;
        n = (struct rlimit){rl.rlim_max, rl.rlim_max};
        if (rl.rlim_max != RLIM_INFINITY) {
            n.rlim_cur = rl.rlim_max + 1;
            if (syscall(SYS_setrlimit, RLIMIT_NOFILE, &n) != -1 || errno != EINVAL)
                bad |= 4; /* soft above hard */
        }
        struct rlimit o;
        n = (struct rlimit){32, 32};
        if (syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &n, &o) || o.rlim_cur != 64)
            bad |= 8; /* prlimit64 returns the old value while setting */
        if (syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &o) || o.rlim_cur != 32 ||
            o.rlim_max != 32)
            bad |= 16;
        /* Raising the hard limit needs CAP_SYS_RESOURCE (root has it in
         * the guest; some hosts' sandboxes drop it). */
        n = (struct rlimit){33, 33};
        long r = syscall(SYS_prlimit64, getpid(), RLIMIT_NOFILE, &n, NULL);
        if (have_cap(CAP_SYS_RESOURCE) ? r != 0 : (r != -1 || errno != EPERM))
            bad |= 32;
        if (syscall(SYS_prlimit64, 0, 999, NULL, &o) != -1 || errno != EINVAL)
            bad |= 64;
        _exit(bad);
    }
    int st = t_wait(pid);
    int code = (st != -1 && WIFEXITED(st)) ? WEXITSTATUS(st) : 255;
    CHECK(!(code & 1), "setrlimit NOFILE soft");
    CHECK(!(code & 2), "the NOFILE soft limit makes open fail with EMFILE");
    CHECK(!(code & 4), "setrlimit soft above hard fails with EINVAL");
    CHECK(!(code & 8), "prlimit64 sets and returns the old limit");
    CHECK(!(code & 16), "prlimit64 gets");
    CHECK(!(code & 32), "prlimit64 on our own pid raising the hard limit: %s",
          have_cap(CAP_SYS_RESOURCE) ? "allowed with CAP_SYS_RESOURCE"
                                     : "EPERM without CAP_SYS_RESOURCE");
    CHECK(!(code & 64), "prlimit64 bad resource fails with EINVAL");
}

static void test_sessions(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        int bad = 0;
        pid_t me = getpid();
        if (setsid() != me)
            bad |= 1;
        if (getsid(0) != me || getpgid(0) != me || getpgrp() != me)
            bad |= 2;
        if (setsid() != -1 || errno != EPERM)
            bad |= 4; /* already a process group leader */
        pid_t c = fork();
        if (c == 0) {
            /* a new group inside the session */
            if (setpgid(0, 0) || getpgid(0) != getpid() || getsid(0) != me)
                _exit(1);
            _exit(0);
        }
        int st = t_wait(c);
        if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st))
            bad |= 8;
        _exit(bad);
    }
    int st = t_wait(pid);
    int code = (st != -1 && WIFEXITED(st)) ? WEXITSTATUS(st) : 255;
    CHECK(!(code & 1), "setsid returns the new session id");
    CHECK(!(code & 2), "getsid getpgid getpgrp after setsid");
    CHECK(!(code & 4), "setsid as a group leader fails with EPERM");
    CHECK(!(code & 8), "setpgid(0, 0) makes a new group in the session");
    EXPECT(syscall(SYS_getpgid, 0), getpgrp(), 0, "getpgid(0) equals getpgrp");
    EXPECT(syscall(SYS_getsid, 0), getsid(getpid()), 0, "getsid(0)");
    EXPECT_ERR(syscall(SYS_getpgid, 0x3fffffff), ESRCH, "getpgid of a missing pid");
    EXPECT_ERR(syscall(SYS_getsid, 0x3fffffff), ESRCH, "getsid of a missing pid");
    EXPECT_ERR(syscall(SYS_setpgid, 0x3fffffff, 0), ESRCH, "setpgid of a missing pid");
    EXPECT_ERR(syscall(SYS_setpgid, 0, -1), EINVAL, "setpgid negative pgid");
}

static void test_memory(void)
{
    /* brk, in a child: the C library may use the heap too. */
    {
        pid_t pid = fork();
        if (pid == 0) {
            int bad = 0;
            char *cur = (char *)syscall(SYS_brk, 0);
            char *want = cur + 64 * 1024;
            if ((char *)syscall(SYS_brk, want) != want)
                bad |= 1;
            else {
                memset(cur, 0x5a, 64 * 1024);
                if (cur[64 * 1024 - 1] != 0x5a)
                    bad |= 2;
            }
            if ((char *)syscall(SYS_brk, cur) != cur)
                bad |= 4; /* shrink */
            if ((char *)syscall(SYS_brk, (char *)4096) != cur)
                bad |= 8; /* below the start: refused, the old break returned */
            if ((char *)syscall(SYS_brk, want) != want || cur[0] != 0)
                bad |= 16; /* regrown memory is zero again */
            _exit(bad);
        }
        int st = t_wait(pid);
        int code = (st != -1 && WIFEXITED(st)) ? WEXITSTATUS(st) : 255;
        CHECK(!(code & 1), "brk grows by 64 KiB");
        CHECK(!(code & 2), "brk memory is usable");
        CHECK(!(code & 4), "brk shrinks");
        CHECK(!(code & 8), "brk below the heap start returns the current break");
        CHECK(!(code & 16), "brk memory given back and grown again reads as zero");
    }

    /* Anonymous private mappings. */
    size_t len = 4 * (size_t)pagesz;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED && ((uintptr_t)p % (uintptr_t)pagesz) == 0, "mmap anonymous private");
    if (p == MAP_FAILED)
        return;
    int zero = 1;
    for (size_t i = 0; i < len; i++)
        zero &= p[i] == 0;
    CHECK(zero, "anonymous memory starts zeroed");
    memset(p, 0x11, len);
    pid_t pid = fork();
    if (pid == 0) {
        int ok = p[0] == 0x11;
        p[0] = 0x22;
        _exit(ok ? 0 : 1);
    }
    expect_exit(pid, 0, "a forked child sees the parent's private memory");
    CHECK(p[0] == 0x11, "a child's write to private memory stays in the child");
    EXPECT(munmap(p, len), 0, 0, "munmap");
    char *q = mmap(p, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(q == p, "mmap with a hint reuses an unmapped address");
    CHECK(q != MAP_FAILED && q[0] == 0, "reused memory is zeroed");
    munmap(q, len);
    q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(q == p, "mmap without a hint reuses the address just unmapped");
    munmap(q, len);
    pid = fork();
    if (pid == 0) {
        volatile char c = p[0]; /* unmapped */
        (void)c;
        _exit(0);
    }
    expect_signal(pid, SIGSEGV, "reading unmapped memory raises SIGSEGV");

    /* Shared anonymous memory is shared with a child. */
    char *s = mmap(NULL, (size_t)pagesz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(s != MAP_FAILED, "mmap anonymous shared");
    if (s != MAP_FAILED) {
        s[0] = 1;
        pid = fork();
        if (pid == 0) {
            s[0] = 2;
            _exit(0);
        }
        expect_exit(pid, 0, "shared-memory child");
        CHECK(s[0] == 2, "a child's write to shared memory is seen by the parent");
        munmap(s, (size_t)pagesz);
    }

    /* mmap errors. */
    EXPECT_ERR(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0,
               EINVAL, "mmap length 0");
    EXPECT_ERR(mmap((void *)0x10000001, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                    -1, 0) == MAP_FAILED
                   ? -1
                   : 0,
               EINVAL, "mmap MAP_FIXED unaligned");
    EXPECT_ERR(mmap(NULL, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0, EINVAL,
               "mmap without MAP_PRIVATE or MAP_SHARED");
    EXPECT_ERR(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 999, 0) == MAP_FAILED ? -1 : 0, EBADF,
               "mmap of a bad fd");
    EXPECT_ERR(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, open("/", O_RDONLY), 0) == MAP_FAILED ? -1
                                                                                              : 0,
               ENODEV, "mmap of a directory");
    EXPECT_ERR(munmap((void *)0x10000001, 4096), EINVAL, "munmap unaligned");
    EXPECT_ERR(syscall(SYS_munmap, 0x10000000, 0), EINVAL, "munmap length 0");
    EXPECT(syscall(SYS_munmap, 0x10000000, 4096), 0, 0, "munmap of an unmapped range succeeds");

    /* mprotect. */
    p = mmap(NULL, (size_t)pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p[0] = 'x';
    EXPECT(mprotect(p, (size_t)pagesz, PROT_READ), 0, 0, "mprotect PROT_READ");
    CHECK(p[0] == 'x', "a read-only page can be read");
    pid = fork();
    if (pid == 0) {
        ((volatile char *)p)[0] = 'y';
        _exit(0);
    }
    expect_signal(pid, SIGSEGV, "writing a PROT_READ page raises SIGSEGV");
    EXPECT(mprotect(p, (size_t)pagesz, PROT_NONE), 0, 0, "mprotect PROT_NONE");
    pid = fork();
    if (pid == 0) {
        volatile char c = p[0];
        (void)c;
        _exit(0);
    }
    expect_signal(pid, SIGSEGV, "reading a PROT_NONE page raises SIGSEGV");

    /* A file mapping past the end of the file: the whole pages beyond EOF
     * raise SIGBUS (the page holding EOF reads as zeros). */
    {
        int bfd = open("sigbus-file", O_CREAT | O_RDWR | O_TRUNC, 0600);
        CHECK(bfd >= 0 && write(bfd, "x", 1) == 1, "create a one-byte file");
        char *m = mmap(NULL, (size_t)pagesz * 2, PROT_READ, MAP_SHARED, bfd, 0);
        CHECK(m != MAP_FAILED, "map two pages of a one-byte file");
        if (m != MAP_FAILED) {
            CHECK(m[0] == 'x' && m[1] == 0, "the page holding EOF reads the file then zeros");
            pid = fork();
            if (pid == 0) {
                volatile char c = m[pagesz];
                (void)c;
                _exit(0);
            }
            expect_signal(pid, SIGBUS, "reading a mapped page beyond EOF raises SIGBUS");
            munmap(m, (size_t)pagesz * 2);
        }
        close(bfd);
        unlink("sigbus-file");
    }
    EXPECT(mprotect(p, (size_t)pagesz, PROT_READ | PROT_WRITE), 0, 0, "mprotect back to RW");
    p[0] = 'z';
    CHECK(p[0] == 'z', "the page is writable again and kept its memory");
    /* (raw calls: the C library rounds mprotect and madvise addresses) */
    EXPECT_ERR(syscall(SYS_mprotect, p + 1, pagesz, PROT_READ), EINVAL, "mprotect unaligned");
    munmap(p, (size_t)pagesz);
    EXPECT_ERR(syscall(SYS_mprotect, p, pagesz, PROT_READ), ENOMEM, "mprotect of unmapped memory");
    pid = fork();
    if (pid == 0) {
        /* the stack is not executable */
        unsigned char code[4] = {0xc3}; /* ret */
        ((void (*)(void))(void *)code)();
        _exit(0);
    }
    expect_signal(pid, SIGSEGV, "executing the stack raises SIGSEGV (NX)");

    /* mremap grow. */
    p = mmap(NULL, (size_t)pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(p, 0x33, (size_t)pagesz);
    q = mremap(p, (size_t)pagesz, 4 * (size_t)pagesz, MREMAP_MAYMOVE);
    CHECK(q != MAP_FAILED, "mremap grows a mapping");
    if (q != MAP_FAILED) {
        CHECK(q[0] == 0x33 && q[pagesz - 1] == 0x33, "mremap keeps the contents");
        CHECK(q[pagesz] == 0 && q[4 * pagesz - 1] == 0, "mremap's new pages are zero");
        q[4 * pagesz - 1] = 1;
        munmap(q, 4 * (size_t)pagesz);
    }
    p = mmap(NULL, (size_t)pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT_ERR(mremap(p, (size_t)pagesz, 0, 0) == MAP_FAILED ? -1 : 0, EINVAL,
               "mremap to length 0");
    munmap(p, (size_t)pagesz);

    /* madvise(MADV_DONTNEED) zeroes private anonymous memory. */
    p = mmap(NULL, 2 * (size_t)pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(p, 0x44, 2 * (size_t)pagesz);
    EXPECT(madvise(p, (size_t)pagesz, MADV_DONTNEED), 0, 0, "madvise MADV_DONTNEED");
    CHECK(p[0] == 0 && p[pagesz - 1] == 0, "MADV_DONTNEED zeroes the page");
    CHECK(p[pagesz] == 0x44, "MADV_DONTNEED leaves the next page alone");
    EXPECT_ERR(syscall(SYS_madvise, p + 1, pagesz, MADV_DONTNEED), EINVAL, "madvise unaligned");
    munmap(p, 2 * (size_t)pagesz);

    /* File mappings: MAP_PRIVATE writes stay private, MAP_SHARED writes
     * reach the file (read() sees them without msync). */
    int fd = open("mapped", O_CREAT | O_RDWR | O_TRUNC, 0644);
    char buf[16] = "";
    write(fd, "hello, world", 12);
    p = mmap(NULL, (size_t)pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(p != MAP_FAILED && !memcmp(p, "hello, world", 12), "mmap a file MAP_PRIVATE");
    CHECK(p != MAP_FAILED && p[12] == 0 && p[pagesz - 1] == 0,
          "the rest of the last file page reads as zero");
    if (p != MAP_FAILED) {
        p[0] = 'J';
        pread(fd, buf, 12, 0);
        CHECK(!memcmp(buf, "hello, world", 12), "MAP_PRIVATE writes do not reach the file");
        munmap(p, (size_t)pagesz);
    }
    p = mmap(NULL, (size_t)pagesz, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(p != MAP_FAILED, "mmap a file MAP_SHARED");
    if (p != MAP_FAILED) {
        p[0] = 'J';
        pread(fd, buf, 12, 0);
        CHECK(!memcmp(buf, "Jello, world", 12), "MAP_SHARED writes are seen by read()");
        pwrite(fd, "Y", 1, 1);
        CHECK(p[1] == 'Y', "write() is seen through a MAP_SHARED mapping");
        munmap(p, (size_t)pagesz);
    }
    close(fd);
    fd = open("mapped", O_RDONLY);
    EXPECT_ERR(mmap(NULL, (size_t)pagesz, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED
                   ? -1
                   : 0,
               EACCES, "MAP_SHARED writable mapping of a read-only fd");
    p = mmap(NULL, (size_t)pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(p != MAP_FAILED, "MAP_PRIVATE writable mapping of a read-only fd is allowed");
    if (p != MAP_FAILED)
        munmap(p, (size_t)pagesz);
    close(fd);
    unlink("mapped");
}

/* A system call without the C library: while FS does not hold the C
 * library's thread pointer, even syscall() would fail its stack-protector
 * check (the canary lives at %fs:0x28). */
static inline long raw_syscall2(long n, long a, long b)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return r;
}

/* clone(CLONE_CHILD_SETTID) without CLONE_VM: the child's tid lands in the
 * child's copy of the variable before it runs, the parent's stays as it
 * was; CLONE_PARENT_SETTID writes the parent's. */
static volatile pid_t settid_child = -1, settid_parent = -1;

static void test_clone_settid(void)
{
    settid_child = settid_parent = -1;
    long pid = syscall(SYS_clone, CLONE_CHILD_SETTID | CLONE_PARENT_SETTID | SIGCHLD, 0,
                       &settid_parent, &settid_child, 0);
    if (pid == 0) {
        _exit(settid_child == getpid() ? 0 : 1);
    }
    CHECK(pid > 0, "clone(CLONE_CHILD_SETTID|CLONE_PARENT_SETTID) succeeds");
    if (pid <= 0) {
        return;
    }
    int st = t_wait(pid);
    CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "CLONE_CHILD_SETTID stores the tid in the child's memory");
    CHECK(settid_child == -1, "CLONE_CHILD_SETTID leaves the parent's copy alone");
    CHECK(settid_parent == pid, "CLONE_PARENT_SETTID stores the tid in the parent's memory");
}

static void test_arch(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        static unsigned long area[8];
        unsigned long old = 0, got = 0;
        int bad = 0;
        if (raw_syscall2(SYS_arch_prctl, ARCH_GET_FS, (long)&old) || old == 0)
            bad |= 1;
        long r1 = raw_syscall2(SYS_arch_prctl, ARCH_SET_FS, (long)area);
        long r2 = raw_syscall2(SYS_arch_prctl, ARCH_GET_FS, (long)&got);
        long r3 = raw_syscall2(SYS_arch_prctl, ARCH_SET_FS, (long)old);
        if (r1 || r2 || got != (unsigned long)area || r3)
            bad |= 2;
        if (raw_syscall2(SYS_arch_prctl, ARCH_SET_FS, (long)0x8000000000000000ul) != -EPERM)
            bad |= 4;
        if (raw_syscall2(SYS_arch_prctl, 0x9999, 0) != -EINVAL)
            bad |= 8;
        long tid = syscall(SYS_set_tid_address, NULL);
        if (tid != getpid())
            bad |= 16;
        _exit(bad);
    }
    int st = t_wait(pid);
    int code = (st != -1 && WIFEXITED(st)) ? WEXITSTATUS(st) : 255;
    CHECK(!(code & 1), "arch_prctl ARCH_GET_FS returns the thread pointer");
    CHECK(!(code & 2), "arch_prctl ARCH_SET_FS then ARCH_GET_FS");
    CHECK(!(code & 4), "arch_prctl ARCH_SET_FS non-canonical fails with EPERM");
    CHECK(!(code & 8), "arch_prctl unknown code fails with EINVAL");
    CHECK(!(code & 16), "set_tid_address returns the tid");
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "--exit"))
        return atoi(argv[2]);
    if (argc >= 2 && !strcmp(argv[1], "--check-exec"))
        return check_exec_mode(argc, argv);
    t_begin("t_proc");
    pagesz = sysconf(_SC_PAGESIZE);
    if (!realpath(argv[0], self)) {
        fail(strerror(errno), "setup realpath %s", argv[0]);
        return t_end();
    }
    if (t_enter_tmpdir() != 0)
        return t_end();
    test_wait();
    test_wait_rusage();
    test_ids();
    test_fork_exec();
    test_creds();
    test_misc();
    test_limits();
    test_sessions();
    test_memory();
    test_arch();
    test_clone_settid();
    t_leave_tmpdir();
    return t_end();
}
