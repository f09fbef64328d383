// SPDX-License-Identifier: MIT
/* t_procfs: the formats of /proc files and their consistency with the
 * system calls that report the same facts, as on Linux x86_64. Values
 * that differ between machines are not compared with constants: only
 * formats, field counts and orders, and agreement with getpid(), fstat(),
 * uname(), sysinfo() and the like. */
#include "t.h"

#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>

#ifndef O_PATH
#define O_PATH 010000000
#endif
#ifndef CLONE_NEWUTS
#define CLONE_NEWUTS 0x04000000
#endif

#ifndef TIOCGPTPEER
#define TIOCGPTPEER 0x5441
#endif

static char **t_argv, **t_envp;

/* Reads a whole file with reads of at most chunk bytes into buf
 * (NUL-terminated); returns the length or -1. */
static ssize_t read_chunks(const char *path, char *buf, size_t size, size_t chunk)
{
    int fd = open(path, O_RDONLY);
    size_t len = 0;
    if (fd < 0) {
        return -1;
    }
    for (;;) {
        size_t want = size - 1 - len < chunk ? size - 1 - len : chunk;
        if (want == 0) {
            break;
        }
        ssize_t n = read(fd, buf + len, want);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            close(fd);
            return -1;
        }
        if (n == 0) {
            break;
        }
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    return (ssize_t)len;
}

static ssize_t read_all(const char *path, char *buf, size_t size)
{
    return read_chunks(path, buf, size, size);
}

/* The value after "name:" on its own line of a status-like text. */
static const char *field(const char *text, const char *name)
{
    size_t n = strlen(name);
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (!strncmp(l, name, n) && l[n] == ':') {
            l += n + 1;
            while (*l == ' ' || *l == '\t') {
                l++;
            }
            return l;
        }
    }
    return NULL;
}

static unsigned long long field_num(const char *text, const char *name, int base)
{
    const char *v = field(text, name);
    return v ? strtoull(v, NULL, base) : ~0ull;
}

/* Whether the names appear as line prefixes "name:" in this order (other
 * lines may come between). */
static int in_order(const char *text, const char *const *names, size_t count, const char **missing)
{
    const char *at = text;
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen(names[i]);
        const char *l = at;
        for (; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
            if (!strncmp(l, names[i], n) && l[n] == ':') {
                break;
            }
        }
        if (!l || !*l) {
            *missing = names[i];
            return 0;
        }
        at = l;
    }
    return 1;
}

/* Fields of /proc/<pid>/stat after the ")" of comm, split in place:
 * f[3] is the state (field numbers as in proc(5)); returns the field
 * count including pid and comm. */
static int split_stat(char *buf, char **f, int max, char *comm, size_t comm_size)
{
    char *open = strchr(buf, '(');
    char *close = strrchr(buf, ')');
    int n = 2;
    if (!open || !close || close < open) {
        return 0;
    }
    snprintf(comm, comm_size, "%.*s", (int)(close - open - 1), open + 1);
    f[1] = buf;
    for (char *tok = strtok(close + 1, " \n"); tok && n < max; tok = strtok(NULL, " \n")) {
        f[++n] = tok;
    }
    return n;
}

static void on_usr2(int sig)
{
    (void)sig;
}

static void test_self(void)
{
    char buf[64], want[64];
    ssize_t n = readlink("/proc/self", buf, sizeof buf - 1);
    snprintf(want, sizeof want, "%d", getpid());
    CHECK(n > 0 && (buf[n] = 0, !strcmp(buf, want)), "/proc/self links to the pid");
    n = readlink("/proc/thread-self", buf, sizeof buf - 1);
    snprintf(want, sizeof want, "%d/task/%d", getpid(), getpid());
    CHECK(n > 0 && (buf[n] = 0, !strcmp(buf, want)), "/proc/thread-self links to pid/task/tid");

    DIR *d = opendir("/proc");
    int saw_pid = 0, saw_self = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        saw_pid |= e->d_name[0] >= '1' && e->d_name[0] <= '9' && atoi(e->d_name) == getpid();
        saw_self |= !strcmp(e->d_name, "self");
    }
    if (d) {
        closedir(d);
    }
    CHECK(saw_pid && saw_self, "readdir /proc lists the caller's pid and self");
}

static void test_stat(void)
{
    char buf[2048], comm[32];
    char *f[64];
    struct sigaction sa = {.sa_handler = on_usr2};
    sigset_t set, old;
    sigaction(SIGUSR2, &sa, NULL);
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);

    ssize_t len = read_all("/proc/self/stat", buf, sizeof buf);
    CHECK(len > 0 && buf[len - 1] == '\n', "stat is one line");
    int n = split_stat(buf, f, 63, comm, sizeof comm);
    if (n != 52) {
        char d[32];
        snprintf(d, sizeof d, "%d fields", n);
        fail(d, "stat has 52 fields");
    } else {
        pass("stat has 52 fields");
    }
    if (n < 52) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        return;
    }
    CHECK(atoi(f[1]) == getpid() && !strcmp(comm, "t_procfs"), "stat pid and comm");
    CHECK(!strcmp(f[3], "R"), "stat state of the reader is R");
    CHECK(atoi(f[4]) == getppid() && atoi(f[5]) == getpgrp() && atoi(f[6]) == getsid(0),
          "stat ppid, pgrp and session");
    CHECK(atoi(f[20]) == 1, "stat num_threads is 1");
    /* rss may read 0 on Linux (its counters are per-CPU and lag). */
    CHECK(strtoull(f[23], NULL, 10) > 0, "stat vsize");
    CHECK(strtoull(f[32], NULL, 10) & (1ull << (SIGUSR1 - 1)), "stat blocked has SIGUSR1");
    CHECK(strtoull(f[33], NULL, 10) & (1ull << (SIGPIPE - 1)), "stat sigignore has SIGPIPE");
    CHECK(strtoull(f[34], NULL, 10) & (1ull << (SIGUSR2 - 1)), "stat sigcatch has SIGUSR2");
    CHECK(atoi(f[38]) == SIGCHLD, "stat exit_signal is SIGCHLD");

    /* The same facts in status. */
    char st[4096];
    unsigned long long vsize = strtoull(f[23], NULL, 10);
    read_all("/proc/self/status", st, sizeof st);
    CHECK(field_num(st, "SigBlk", 16) & (1ull << (SIGUSR1 - 1)), "status SigBlk has SIGUSR1");
    CHECK(field_num(st, "SigIgn", 16) & (1ull << (SIGPIPE - 1)), "status SigIgn has SIGPIPE");
    CHECK(field_num(st, "SigCgt", 16) & (1ull << (SIGUSR2 - 1)), "status SigCgt has SIGUSR2");
    CHECK(field_num(st, "VmSize", 10) * 1024 == vsize, "status VmSize is stat vsize");
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGUSR2, SIG_DFL);

    char sm[256];
    unsigned long long v[7];
    read_all("/proc/self/statm", sm, sizeof sm);
    int got = sscanf(sm, "%llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
                     &v[5], &v[6]);
    CHECK(got == 7 && v[1] <= v[0] && v[0] > 0, "statm has 7 numbers, resident <= size");
    CHECK(got == 7 && v[0] * 4 == field_num(st, "VmSize", 10), "statm size is VmSize in pages");
}

/* Fields 7 and 8 of the caller's stat (tty_nr, tpgid); 0 if unreadable. */
static int stat_tty(long long *tty_nr, long long *tpgid)
{
    char buf[2048], comm[32];
    char *f[64];
    if (read_all("/proc/self/stat", buf, sizeof buf) <= 0 ||
        split_stat(buf, f, 63, comm, sizeof comm) < 8) {
        return 0;
    }
    *tty_nr = atoll(f[7]);
    *tpgid = atoll(f[8]);
    return 1;
}

/* In a new session: no terminal, then a pty slave as the controlling
 * terminal. Returns a failure description, or NULL. */
static const char *stat_tty_child(char *msg, size_t size)
{
    long long nr = -2, pg = -2;
    if (setsid() < 0) {
        return "setsid failed";
    }
    if (!stat_tty(&nr, &pg) || nr != 0 || pg != -1) {
        snprintf(msg, size, "without a terminal: tty_nr %lld tpgid %lld, want 0 -1", nr, pg);
        return msg;
    }
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    int s = -1;
    if (m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0) {
        s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    }
    if (s < 0) {
        snprintf(msg, size, "pty setup: %s", strerror(errno));
        return msg;
    }
    if (ioctl(s, TIOCSCTTY, 0) != 0) {
        snprintf(msg, size, "TIOCSCTTY: %s", strerror(errno));
        return msg;
    }
    struct stat st;
    fstat(s, &st);
    unsigned long long want = (minor(st.st_rdev) & 0xff) | (major(st.st_rdev) << 8) |
                              ((unsigned long long)(minor(st.st_rdev) & ~0xffu) << 12);
    if (!stat_tty(&nr, &pg) || (unsigned long long)nr != want || pg != tcgetpgrp(s)) {
        snprintf(msg, size, "tty_nr %lld tpgid %lld, want %llu %d", nr, pg, want, tcgetpgrp(s));
        return msg;
    }
    /* Another foreground group shows in tpgid. */
    pid_t k = fork();
    if (k == 0) {
        setpgid(0, 0);
        pause();
        _exit(0);
    }
    setpgid(k, k);
    signal(SIGTTOU, SIG_IGN);
    const char *bad = NULL;
    if (tcsetpgrp(s, k) != 0) {
        snprintf(msg, size, "tcsetpgrp: %s", strerror(errno));
        bad = msg;
    } else if (!stat_tty(&nr, &pg) || pg != k || pg != tcgetpgrp(s)) {
        snprintf(msg, size, "after tcsetpgrp: tpgid %lld, want %d", pg, k);
        bad = msg;
    }
    kill(k, SIGKILL);
    waitpid(k, NULL, 0);
    return bad;
}

static void test_stat_tty(void)
{
    int p[2];
    if (pipe(p) != 0) {
        fail(strerror(errno), "stat tty_nr and tpgid (pipe)");
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        char msg[160];
        close(p[0]);
        alarm(20);
        const char *bad = stat_tty_child(msg, sizeof msg);
        if (bad && write(p[1], bad, strlen(bad)) < 0) {
            _exit(3);
        }
        _exit(bad ? 1 : 0);
    }
    close(p[1]);
    char buf[200];
    ssize_t n = 0, r;
    while ((r = read(p[0], buf + n, sizeof buf - 1 - (size_t)n)) > 0) {
        n += r;
    }
    close(p[0]);
    buf[n > 0 ? n : 0] = 0;
    int st = t_wait(pid);
    if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        pass("stat tty_nr and tpgid: none, then the pty's device and foreground group");
    } else {
        fail(n > 0 ? buf : wstatus_str(st),
             "stat tty_nr and tpgid: none, then the pty's device and foreground group");
    }
}

static void test_status(void)
{
    static const char *const order[] = {
        "Name",
        "Umask",
        "State",
        "Tgid",
        "Ngid",
        "Pid",
        "PPid",
        "TracerPid",
        "Uid",
        "Gid",
        "FDSize",
        "Groups",
        "NStgid",
        "NSpid",
        "NSpgid",
        "NSsid",
        "VmPeak",
        "VmSize",
        "VmLck",
        "VmPin",
        "VmHWM",
        "VmRSS",
        "RssAnon",
        "RssFile",
        "RssShmem",
        "VmData",
        "VmStk",
        "VmExe",
        "VmLib",
        "VmPTE",
        "VmSwap",
        "HugetlbPages",
        "CoreDumping",
        "THP_enabled",
        "Threads",
        "SigQ",
        "SigPnd",
        "ShdPnd",
        "SigBlk",
        "SigIgn",
        "SigCgt",
        "CapInh",
        "CapPrm",
        "CapEff",
        "CapBnd",
        "CapAmb",
        "NoNewPrivs",
        "Seccomp",
        "Seccomp_filters",
        "Speculation_Store_Bypass",
        "SpeculationIndirectBranch",
        "Cpus_allowed",
        "Cpus_allowed_list",
        "Mems_allowed",
        "Mems_allowed_list",
        "voluntary_ctxt_switches",
        "nonvoluntary_ctxt_switches",
    };
    char st[4096], want[128];
    const char *missing = "";
    read_chunks("/proc/self/status", st, sizeof st, 7);
    if (in_order(st, order, sizeof order / sizeof order[0], &missing)) {
        pass("status has Linux's fields in Linux's order");
    } else {
        fail(missing, "status has Linux's fields in Linux's order");
    }
    const char *name = field(st, "Name");
    CHECK(name && !strncmp(name, "t_procfs\n", 9), "status Name");
    const char *state = field(st, "State");
    CHECK(state && !strncmp(state, "R (running)\n", 12), "status State of the reader");
    CHECK((int)field_num(st, "Pid", 10) == getpid() && (int)field_num(st, "Tgid", 10) == getpid() &&
              (int)field_num(st, "PPid", 10) == getppid(),
          "status Pid, Tgid and PPid");
    uid_t r, e, s;
    gid_t gr, ge, gs;
    getresuid(&r, &e, &s);
    getresgid(&gr, &ge, &gs);
    snprintf(want, sizeof want, "%u\t%u\t%u\t%u\n", r, e, s, e);
    const char *uid = field(st, "Uid");
    CHECK(uid && !strncmp(uid, want, strlen(want)), "status Uid is real, effective, saved, fs");
    snprintf(want, sizeof want, "%u\t%u\t%u\t%u\n", gr, ge, gs, ge);
    const char *gid = field(st, "Gid");
    CHECK(gid && !strncmp(gid, want, strlen(want)), "status Gid is real, effective, saved, fs");
    CHECK(field_num(st, "Threads", 10) == 1, "status Threads");
    mode_t old = umask(027);
    read_all("/proc/self/status", st, sizeof st);
    umask(old);
    const char *um = field(st, "Umask");
    CHECK(um && !strncmp(um, "0027\n", 5), "status Umask follows umask()");
    const char *groups = strstr(st, "\nGroups:\t");
    CHECK(groups && strchr(groups + 1, '\n')[-1] == ' ', "status Groups ends with a space");
}

static void test_cmdline_environ(void)
{
    char buf[8192], want[8192];
    size_t n = 0;
    for (char **a = t_argv; *a; a++) {
        size_t l = strlen(*a) + 1;
        memcpy(want + n, *a, l);
        n += l;
    }
    ssize_t len = read_all("/proc/self/cmdline", buf, sizeof buf);
    CHECK(len == (ssize_t)n && !memcmp(buf, want, n), "cmdline is argv, NUL-terminated");
    n = 0;
    for (char **e = t_envp; *e && n + strlen(*e) + 1 < sizeof want; e++) {
        size_t l = strlen(*e) + 1;
        memcpy(want + n, *e, l);
        n += l;
    }
    len = read_all("/proc/self/environ", buf, sizeof buf);
    CHECK(len == (ssize_t)n && !memcmp(buf, want, n), "environ is the initial environment");
}

static void test_comm(void)
{
    char buf[64];
    read_all("/proc/self/comm", buf, sizeof buf);
    CHECK(!strcmp(buf, "t_procfs\n"), "comm is the program name and a newline");
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open("/proc/self/comm", O_WRONLY | O_TRUNC);
        int ok = fd >= 0 && write(fd, "renamed-program-name", 20) == 20;
        close(fd);
        read_all("/proc/self/comm", buf, sizeof buf);
        /* The first 15 bytes become the name. */
        ok = ok && !strcmp(buf, "renamed-program\n");
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/comm", getppid());
        fd = open(path, O_WRONLY);
        errno = 0;
        /* Only a process (thread group) may rename itself. */
        ok = ok && fd >= 0 && write(fd, "x", 1) == -1 && errno == EINVAL;
        _exit(ok ? 0 : 1);
    }
    expect_exit(pid, 0, "writing comm renames the writer, not others");
}

static void test_links(void)
{
    char buf[PATH_MAX], cwd[PATH_MAX], real[PATH_MAX];
    ssize_t n = readlink("/proc/self/cwd", buf, sizeof buf - 1);
    CHECK(n > 0 && getcwd(cwd, sizeof cwd) && (buf[n] = 0, !strcmp(buf, cwd)),
          "cwd links to getcwd()");
    n = readlink("/proc/self/root", buf, sizeof buf - 1);
    CHECK(n == 1 && buf[0] == '/', "root links to /");
    n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    CHECK(n > 0 && realpath(t_argv[0], real) && (buf[n] = 0, !strcmp(buf, real)),
          "exe links to the program");
    struct stat a, b;
    CHECK(stat("/proc/self/exe", &a) == 0 && stat(t_argv[0], &b) == 0 && a.st_ino == b.st_ino &&
              a.st_dev == b.st_dev,
          "stat through exe reaches the program");
    int fd = open("/proc/self/exe", O_RDONLY);
    CHECK(fd >= 0 && read(fd, buf, 4) == 4 && !memcmp(buf, "\177ELF", 4),
          "open through exe reads the program");
    close(fd);
    int dfd = open("/proc/self/cwd", O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0 && fstat(dfd, &a) == 0 && stat(".", &b) == 0 && a.st_ino == b.st_ino,
          "open through cwd opens the directory");
    close(dfd);
    CHECK(lstat("/proc/self/exe", &a) == 0 && S_ISLNK(a.st_mode) && (a.st_mode & 0777) == 0777,
          "lstat exe is a symlink, mode 0777");
}

static int link_is(int fd, const char *want)
{
    char path[64], buf[PATH_MAX];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    if (n < 0) {
        return 0;
    }
    buf[n] = 0;
    return !strcmp(buf, want);
}

static int link_mode(int fd)
{
    char path[64];
    struct stat st;
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    if (lstat(path, &st) != 0 || !S_ISLNK(st.st_mode)) {
        return -1;
    }
    return st.st_mode & 07777;
}

static void test_fd(void)
{
    char cwd[PATH_MAX], want[PATH_MAX + 32], path[64], buf[64];
    struct stat a, b;
    getcwd(cwd, sizeof cwd);
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "hello", 5);
    snprintf(want, sizeof want, "%s/f", cwd);
    CHECK(link_is(fd, want), "fd link of a file is its path");
    CHECK(link_mode(fd) == 0700, "fd link of O_RDWR is lrwx------");
    int ro = open("f", O_RDONLY), wo = open("f", O_WRONLY);
    CHECK(link_mode(ro) == 0500 && link_mode(wo) == 0300,
          "fd links of O_RDONLY and O_WRONLY are lr-x and l-wx");
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    CHECK(lstat(path, &a) == 0 && a.st_size == 64, "lstat of an fd link has size 64");
    CHECK(stat(path, &a) == 0 && fstat(fd, &b) == 0 && a.st_ino == b.st_ino &&
              a.st_dev == b.st_dev && S_ISREG(a.st_mode),
          "stat through an fd link reaches the file");
    int again = open(path, O_RDONLY);
    memset(buf, 0, sizeof buf);
    CHECK(again >= 0 && read(again, buf, sizeof buf) == 5 && !strcmp(buf, "hello"),
          "open through an fd link opens the file at offset 0");
    close(again);
    unlink("f");
    snprintf(want, sizeof want, "%s/f (deleted)", cwd);
    CHECK(link_is(fd, want), "fd link of an unlinked file ends with (deleted)");
    again = open(path, O_RDONLY);
    memset(buf, 0, sizeof buf);
    CHECK(again >= 0 && read(again, buf, sizeof buf) == 5 && !strcmp(buf, "hello"),
          "open through the fd link of an unlinked file");
    close(again);
    close(ro);
    close(wo);

    int dir = open(".", O_RDONLY | O_DIRECTORY);
    CHECK(link_is(dir, cwd), "fd link of a directory is its path");
    close(dir);
    int opath = open("/", O_PATH);
    CHECK(link_is(opath, "/") && link_mode(opath) == 0, "fd link of O_PATH has no permissions");
    close(opath);

    int p[2];
    pipe(p);
    fstat(p[0], &a);
    snprintf(want, sizeof want, "pipe:[%llu]", (unsigned long long)a.st_ino);
    CHECK(link_is(p[0], want), "fd link of a pipe read end is pipe:[ino]");
    fstat(p[1], &a);
    snprintf(want, sizeof want, "pipe:[%llu]", (unsigned long long)a.st_ino);
    CHECK(link_is(p[1], want), "fd link of a pipe write end is pipe:[ino]");
    CHECK(link_mode(p[0]) == 0500 && link_mode(p[1]) == 0300, "fd link modes of a pipe");
    snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
    CHECK(stat(path, &a) == 0 && S_ISFIFO(a.st_mode), "stat through a pipe's fd link is a FIFO");
    /* Linux opens the pipe itself; Kiln may refuse with ENXIO. */
    snprintf(path, sizeof path, "/proc/self/fd/%d", p[1]);
    int w = open(path, O_WRONLY | O_NONBLOCK);
    if (w >= 0) {
        memset(buf, 0, sizeof buf);
        CHECK(write(w, "xy", 2) == 2 && read(p[0], buf, sizeof buf) == 2 && !strcmp(buf, "xy"),
              "open through a pipe's fd link opens the same pipe (or ENXIO)");
        close(w);
    } else {
        CHECK(errno == ENXIO, "open through a pipe's fd link opens the same pipe (or ENXIO)");
    }
    close(p[0]);
    close(p[1]);

    EXPECT_ERR(readlink("/proc/self/fd/999", buf, sizeof buf), ENOENT,
               "readlink of a closed fd's link");
    EXPECT_ERR(open("/proc/self/fd/999", O_RDONLY), ENOENT, "open of a closed fd's link");

    /* readdir lists exactly the open descriptors (the directory's own
     * included). */
    DIR *d = opendir("/proc/self/fd");
    char listed[1024] = {0};
    int bad = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') {
            continue;
        }
        int n = atoi(e->d_name);
        if (n < 0 || n >= 1024 || e->d_type != DT_LNK) {
            bad = 1;
        } else {
            listed[n] = 1;
        }
    }
    for (int i = 0; i < 1024; i++) {
        bad |= listed[i] != (fcntl(i, F_GETFD) >= 0);
    }
    if (d) {
        closedir(d);
    }
    CHECK(d && !bad, "readdir of fd lists the open descriptors");
    close(fd);
}

static void test_fdinfo(void)
{
    char path[64], buf[512];
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    lseek(fd, 3, SEEK_SET);
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    read_all(path, buf, sizeof buf);
    int flags = fcntl(fd, F_GETFL) | O_CLOEXEC;
    CHECK(field_num(buf, "pos", 10) == 3, "fdinfo pos");
    const char *fl = field(buf, "flags");
    CHECK(fl && fl[0] == '0' && (int)strtoul(fl, NULL, 8) == flags,
          "fdinfo flags are F_GETFL and O_CLOEXEC, in octal");
    CHECK(field(buf, "mnt_id") && field_num(buf, "mnt_id", 10) != ~0ull, "fdinfo mnt_id");
    close(fd);
    fd = open("/proc/self/status", O_RDONLY | O_APPEND);
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    read_all(path, buf, sizeof buf);
    fl = field(buf, "flags");
    CHECK(fl && (int)strtoul(fl, NULL, 8) == fcntl(fd, F_GETFL),
          "fdinfo flags without close-on-exec");
    struct stat st;
    CHECK(lstat(path, &st) == 0 && S_ISREG(st.st_mode), "fdinfo entries are files");
    close(fd);
    EXPECT_ERR(open("/proc/self/fdinfo/999", O_RDONLY), ENOENT, "fdinfo of a closed fd");
}

static void test_task(void)
{
    char path[64], buf[512], comm[32];
    char *f[64];
    DIR *d = opendir("/proc/self/task");
    int count = 0, self = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') {
            continue;
        }
        count++;
        self |= atoi(e->d_name) == getpid();
    }
    if (d) {
        closedir(d);
    }
    CHECK(count == 1 && self, "task lists the one thread, tid == pid");
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", getpid());
    CHECK(read_all(path, buf, sizeof buf) > 0 && split_stat(buf, f, 63, comm, sizeof comm) == 52 &&
              atoi(f[1]) == getpid(),
          "task/<tid>/stat");
    snprintf(path, sizeof path, "/proc/self/task/%d/task", getpid());
    struct stat st;
    EXPECT_ERR(stat(path, &st), ENOENT, "task/<tid> has no task directory");
}

static void test_zombie(void)
{
    int p[2];
    char path[64], buf[4096], comm[32];
    char *f[64];
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        _exit(3);
    }
    close(p[1]);
    read(p[0], buf, 1); /* EOF once the child is gone */
    close(p[0]);
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int n = 0;
    for (int i = 0; i < 200; i++) {
        n = read_all(path, buf, sizeof buf) > 0 ? split_stat(buf, f, 63, comm, sizeof comm) : 0;
        if (n >= 52 && !strcmp(f[3], "Z")) {
            break;
        }
        usleep(5000);
    }
    CHECK(n == 52 && !strcmp(f[3], "Z") && atoi(f[4]) == getpid(), "stat of a zombie: state Z");
    CHECK(n == 52 && !strcmp(f[23], "0") && !strcmp(f[24], "0"), "a zombie has no memory");
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    read_all(path, buf, sizeof buf);
    const char *state = field(buf, "State");
    CHECK(state && !strncmp(state, "Z (zombie)\n", 11) && !field(buf, "VmSize"),
          "status of a zombie: no Vm lines");
    snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
    CHECK(read_all(path, buf, sizeof buf) == 0, "cmdline of a zombie is empty");
    t_wait(pid);
    snprintf(path, sizeof path, "/proc/%d", pid);
    struct stat st;
    EXPECT_ERR(stat(path, &st), ENOENT, "a reaped process's directory is gone");
}

static void test_stopped(void)
{
    char path[64], buf[4096], comm[32];
    char *f[64];
    int st = 0;
    pid_t pid = fork();
    if (pid == 0) {
        for (;;) {
            pause();
        }
    }
    kill(pid, SIGSTOP);
    pid_t r = waitpid(pid, &st, WUNTRACED);
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int n = read_all(path, buf, sizeof buf) > 0 ? split_stat(buf, f, 63, comm, sizeof comm) : 0;
    CHECK(r == pid && WIFSTOPPED(st) && n == 52 && !strcmp(f[3], "T"),
          "stat of a stopped process: state T");
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    read_all(path, buf, sizeof buf);
    const char *state = field(buf, "State");
    CHECK(state && !strncmp(state, "T (stopped)\n", 12), "status of a stopped process");
    kill(pid, SIGKILL);
    t_wait(pid);
}

static void test_meminfo(void)
{
    static const char *const order[] = {
        "MemTotal",      "MemFree",         "MemAvailable",   "Buffers",        "Cached",
        "SwapCached",    "Active",          "Inactive",       "Active(anon)",   "Inactive(anon)",
        "Active(file)",  "Inactive(file)",  "Unevictable",    "Mlocked",        "SwapTotal",
        "SwapFree",      "Dirty",           "Writeback",      "AnonPages",      "Mapped",
        "Shmem",         "KReclaimable",    "Slab",           "SReclaimable",   "SUnreclaim",
        "KernelStack",   "PageTables",      "NFS_Unstable",   "Bounce",         "WritebackTmp",
        "CommitLimit",   "Committed_AS",    "VmallocTotal",   "VmallocUsed",    "VmallocChunk",
        "AnonHugePages", "HugePages_Total", "HugePages_Free", "HugePages_Rsvd", "HugePages_Surp",
        "Hugepagesize",  "Hugetlb",
    };
    char buf[8192];
    const char *missing = "";
    read_all("/proc/meminfo", buf, sizeof buf);
    if (in_order(buf, order, sizeof order / sizeof order[0], &missing)) {
        pass("meminfo has Linux's fields in Linux's order");
    } else {
        fail(missing, "meminfo has Linux's fields in Linux's order");
    }
    int bad = 0;
    for (char *l = buf; *l; l = strchr(l, '\n') + 1) {
        char name[64], unit[8] = "";
        unsigned long long v;
        int got = sscanf(l, "%63[^:]: %llu %7s", name, &v, unit);
        size_t len = strchr(l, '\n') - l;
        /* "Name:" padded to 16 columns, then the value in 8 (or more). */
        int kb = !strcmp(unit, "kB");
        bad |= got < 2 || (kb && (len < 27 || strncmp(l + len - 3, " kB", 3)));
        bad |= kb && strlen(name) < 15 && l[15] != ' ';
        if (bad) {
            fail(l, "meminfo lines are Name: value [kB]");
            break;
        }
    }
    if (!bad) {
        pass("meminfo lines are Name: value [kB]");
    }
    struct sysinfo si;
    sysinfo(&si);
    unsigned long long total = field_num(buf, "MemTotal", 10);
    CHECK(total * 1024 == (unsigned long long)si.totalram * si.mem_unit,
          "MemTotal is sysinfo totalram");
    CHECK(field_num(buf, "MemFree", 10) <= total && field_num(buf, "MemAvailable", 10) <= total,
          "MemFree and MemAvailable are at most MemTotal");
}

static void test_uptime_loadavg_stat(void)
{
    char buf[8192];
    double up1, idle1, up2, idle2;
    char c;
    read_all("/proc/uptime", buf, sizeof buf);
    int got = sscanf(buf, "%lf %lf%c", &up1, &idle1, &c);
    const char *dot = strchr(buf, '.');
    CHECK(got == 3 && c == '\n' && dot && dot[3] == ' ', "uptime is two numbers, 2 decimals");
    struct sysinfo si;
    sysinfo(&si);
    double si_up = (double)si.uptime; /* unsigned in musl */
    CHECK(up1 >= si_up - 1 && up1 <= si_up + 1, "uptime agrees with sysinfo");
    usleep(20000);
    read_all("/proc/uptime", buf, sizeof buf);
    sscanf(buf, "%lf %lf", &up2, &idle2);
    CHECK(up2 >= up1 && idle2 >= idle1, "uptime and idle time never go back");

    float l1, l5, l15;
    int run, total, last;
    read_all("/proc/loadavg", buf, sizeof buf);
    got = sscanf(buf, "%f %f %f %d/%d %d%c", &l1, &l5, &l15, &run, &total, &last, &c);
    CHECK(got == 7 && c == '\n' && run >= 1 && run <= total && last > 0,
          "loadavg is 3 loads, running/total, last pid");

    read_all("/proc/stat", buf, sizeof buf);
    unsigned long long v[10];
    got = sscanf(buf, "cpu  %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
                 &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]);
    CHECK(got == 10, "stat starts with the cpu line of 10 numbers");
    CHECK(strstr(buf, "\ncpu0 ") != NULL, "stat has a cpu0 line");
    static const char *const keys[] = {"\nintr ",      "\nctxt ",          "\nbtime ",
                                       "\nprocesses ", "\nprocs_running ", "\nprocs_blocked "};
    int have = 1;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        have &= strstr(buf, keys[i]) != NULL;
    }
    CHECK(have, "stat has intr, ctxt, btime, processes, procs_running, procs_blocked");
    unsigned long long btime = strtoull(strstr(buf, "\nbtime ") + 7, NULL, 10);
    unsigned long long procs = strtoull(strstr(buf, "\nprocesses ") + 11, NULL, 10);
    time_t now = time(NULL);
    CHECK(btime + (unsigned long long)up1 >= (unsigned long long)now - 3 &&
              btime + (unsigned long long)up1 <= (unsigned long long)now + 3,
          "btime plus uptime is now");
    pid_t pid = fork();
    if (pid == 0) {
        _exit(0);
    }
    t_wait(pid);
    read_all("/proc/stat", buf, sizeof buf);
    CHECK(strtoull(strstr(buf, "\nprocesses ") + 11, NULL, 10) > procs,
          "stat processes counts a fork");
}

static void test_system_files(void)
{
    static char buf[65536], buf2[65536];
    struct utsname u;
    uname(&u);
    read_all("/proc/version", buf, sizeof buf);
    CHECK(!strncmp(buf, "Linux version ", 14) && !strncmp(buf + 14, u.release, strlen(u.release)),
          "version starts with Linux version and the release");
    ssize_t n = read_all("/proc/cmdline", buf, sizeof buf);
    CHECK(n > 1 && buf[n - 1] == '\n', "cmdline is one line");
    read_all("/proc/cpuinfo", buf, sizeof buf);
    CHECK(!strncmp(buf, "processor\t: 0\n", 14) && strstr(buf, "\nmodel name\t: ") &&
              strstr(buf, "\nflags\t\t: "),
          "cpuinfo: processor, model name, flags");
    read_all("/proc/filesystems", buf, sizeof buf);
    CHECK(strstr(buf, "nodev\tproc\n") != NULL, "filesystems lists proc as nodev");

    n = readlink("/proc/mounts", buf, sizeof buf - 1);
    CHECK(n == 11 && !strncmp(buf, "self/mounts", 11), "/proc/mounts links to self/mounts");
    read_all("/proc/mounts", buf, sizeof buf);
    read_all("/proc/self/mounts", buf2, sizeof buf2);
    CHECK(!strcmp(buf, buf2), "/proc/mounts is /proc/self/mounts");
    int proc = 0, bad = 0;
    for (char *l = buf; *l; l = strchr(l, '\n') + 1) {
        char dev[256], dir[256], type[64], opts[256];
        int a, b;
        bad |= sscanf(l, "%255s %255s %63s %255s %d %d", dev, dir, type, opts, &a, &b) != 6;
        proc |= !strcmp(dir, "/proc") && !strcmp(type, "proc");
    }
    CHECK(!bad && proc, "mounts: 6 fields a line, proc on /proc");

    read_all("/proc/self/limits", buf, sizeof buf);
    CHECK(
        !strncmp(buf,
                 "Limit                     Soft Limit           Hard Limit           Units     \n",
                 79),
        "limits header");
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    char want[128];
    snprintf(want, sizeof want, "\n%-25s %-20llu %-20llu %-10s\n", "Max open files",
             (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max, "files");
    CHECK(strstr(buf, want) != NULL, "limits: Max open files is getrlimit");

    /* Reads at an offset come from the same text. */
    int fd = open("/proc/version", O_RDONLY);
    n = read_all("/proc/version", buf, sizeof buf);
    CHECK(fd >= 0 && lseek(fd, 6, SEEK_SET) == 6 && read(fd, buf2, sizeof buf2) == n - 6 &&
              !memcmp(buf2, buf + 6, n - 6),
          "lseek then read");
    close(fd);
    fd = open("/proc/version", O_WRONLY);
    EXPECT_ERR(write(fd, "x", 1), EIO, "write to a read-only /proc file (as root: EIO)");
    close(fd);
}

static void test_maps(void)
{
    char buf[16384], exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    read_all("/proc/self/maps", buf, sizeof buf);
    int bad = 0, stack = 0, prog = 0;
    for (char *l = buf; *l; l = strchr(l, '\n') + 1) {
        unsigned long long start, end, off, ino;
        unsigned maj, min;
        char perms[8];
        int pos = 0;
        char *nl = strchr(l, '\n');
        if (!nl) {
            bad = 1;
            break;
        }
        int got = sscanf(l, "%llx-%llx %4s %llx %x:%x %llu %n", &start, &end, perms, &off, &maj,
                         &min, &ino, &pos);
        bad |= got != 7 || start >= end || strlen(perms) != 4;
        if (l + pos < nl) {
            /* A name starts at column 74 (73 bytes before it). */
            bad |= pos != 73;
            stack |= !strncmp(l + pos, "[stack]\n", 8);
            prog |= !strncmp(l + pos, exe, strlen(exe)) && l[pos + strlen(exe)] == '\n';
        }
        if (bad) {
            fail(l, "maps lines: range perms offset dev inode, names at column 74");
            return;
        }
    }
    pass("maps lines: range perms offset dev inode, names at column 74");
    CHECK(stack && prog, "maps shows [stack] and the program");
}

/* mountinfo: the /proc line has the st_dev of /proc, root "/", type proc;
 * every line has the " - " separator and as many lines as /proc/mounts. */
static void test_mountinfo(void)
{
    static char buf[16384], mounts[16384];
    ssize_t n = read_all("/proc/self/mountinfo", buf, sizeof buf);
    read_all("/proc/self/mounts", mounts, sizeof mounts);
    CHECK(n > 0, "mountinfo can be read");
    struct stat st;
    CHECK(stat("/proc", &st) == 0, "stat /proc");
    int lines = 0, mlines = 0, seps = 0, found = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        lines++;
        unsigned id, parent, maj, min;
        char root[256], point[256], opts[256], type[64];
        const char *sep = strstr(line, " - ");
        if (sep) {
            seps++;
        }
        if (sscanf(line, "%u %u %u:%u %255s %255s %255s", &id, &parent, &maj, &min, root,
                   point, opts) == 7 &&
            !strcmp(point, "/proc") && sep && sscanf(sep, " - %63s", type) == 1 &&
            !strcmp(type, "proc")) {
            found = maj == major(st.st_dev) && min == minor(st.st_dev) && !strcmp(root, "/") &&
                    !strncmp(opts, "rw", 2);
        }
    }
    for (char *p = mounts; (p = strchr(p, '\n')); p++) {
        mlines++;
    }
    CHECK(found, "mountinfo's /proc line has /proc's st_dev, root / and type proc");
    CHECK(lines > 0 && seps == lines, "every mountinfo line has the ' - ' separator");
    CHECK(lines == mlines, "mountinfo has one line per mount (%d, mounts %d)", lines, mlines);
}

static void test_hostname(void)
{
    char buf[128];
    struct utsname u;
    uname(&u);
    read_all("/proc/sys/kernel/hostname", buf, sizeof buf);
    CHECK(!strncmp(buf, u.nodename, strlen(u.nodename)) && !strcmp(buf + strlen(u.nodename), "\n"),
          "sys/kernel/hostname is the nodename");
    pid_t pid = fork();
    if (pid == 0) {
        /* On the host only inside a UTS namespace of its own. */
        int own = syscall(SYS_unshare, CLONE_NEWUTS) == 0;
        if (!own && t_on_host()) {
            _exit(2);
        }
        int fd = open("/proc/sys/kernel/hostname", O_WRONLY | O_TRUNC);
        int ok = fd >= 0 && write(fd, "kiln-t.example\n", 15) == 15;
        close(fd);
        struct utsname v;
        uname(&v);
        ok = ok && !strcmp(v.nodename, "kiln-t.example");
        read_all("/proc/sys/kernel/hostname", buf, sizeof buf);
        ok = ok && !strcmp(buf, "kiln-t.example\n");
        if (!own) {
            sethostname(u.nodename, strlen(u.nodename));
        }
        _exit(ok ? 0 : 1);
    }
    int st = t_wait(pid);
    if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 2) {
        skip("no UTS namespace on this host", "writing sys/kernel/hostname sets the nodename");
    } else {
        CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
              "writing sys/kernel/hostname sets the nodename");
    }
    uname(&u);
    read_all("/proc/sys/kernel/hostname", buf, sizeof buf);
    CHECK(!strncmp(buf, u.nodename, strlen(u.nodename)), "the nodename is back");
}

int main(int argc, char **argv, char **envp)
{
    (void)argc;
    t_argv = argv;
    t_envp = envp;
    t_begin("t_procfs");
    test_cmdline_environ(); /* before anything changes the environment */
    if (t_enter_tmpdir() != 0) {
        return t_end();
    }
    test_self();
    test_stat();
    test_stat_tty();
    test_status();
    test_comm();
    test_links();
    test_fd();
    test_fdinfo();
    test_task();
    test_zombie();
    test_stopped();
    test_meminfo();
    test_uptime_loadavg_stat();
    test_system_files();
    test_maps();
    test_mountinfo();
    test_hostname();
    t_leave_tmpdir();
    return t_end();
}
