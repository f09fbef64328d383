// SPDX-License-Identifier: MIT
/* t_locks: advisory file locks as on Linux x86_64. flock(2) locks belong
 * to the open file description (shared across dup and fork, converted
 * non-atomically); POSIX record locks (fcntl F_GETLK/F_SETLK/F_SETLKW)
 * belong to the process (merging, splitting, F_GETLK's holder pid, the
 * close-any-descriptor rule, release at exit, EDEADLK); OFD locks belong
 * to the open file description; the range rules (EINVAL/EOVERFLOW);
 * F_SETLKW and flock interrupted by signals; sync and syncfs. Runs in a
 * fresh directory under /tmp. */
#include "t.h"

#include <poll.h>
#include <sys/file.h>
#include <sys/time.h>

#ifndef F_OFD_GETLK
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#endif

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static int open_rw(void)
{
    return open("f", O_RDWR | O_CREAT, 0644);
}

/* fcntl with a struct flock; the result as fcntl gives it (errno set). */
static int lk(int fd, int cmd, int type, int whence, off_t start, off_t len)
{
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = (short)type;
    fl.l_whence = (short)whence;
    fl.l_start = start;
    fl.l_len = len;
    return fcntl(fd, cmd, &fl);
}

/* F_GETLK (or F_OFD_GETLK) for [start, start + len). */
static struct flock getlk(int fd, int cmd, int type, off_t start, off_t len)
{
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = (short)type;
    fl.l_whence = SEEK_SET;
    fl.l_start = start;
    fl.l_len = len;
    if (fcntl(fd, cmd, &fl) != 0) {
        fl.l_type = -1;
    }
    return fl;
}

static int is_lock(struct flock fl, int type, off_t start, off_t len, pid_t pid)
{
    return fl.l_type == type && fl.l_whence == SEEK_SET && fl.l_start == start && fl.l_len == len &&
           fl.l_pid == pid;
}

/* Waits (up to 3 s) until pid sleeps, i.e. has reached its blocking call,
 * then a little more. */
static void wait_sleeping(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    for (int i = 0; i < 300; i++) {
        int fd = open(path, O_RDONLY);
        ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
        if (fd >= 0) {
            close(fd);
        }
        if (n > 0) {
            buf[n] = 0;
            char *p = strrchr(buf, ')');
            if (p && p[1] == ' ' && p[2] == 'S') {
                break;
            }
        }
        sleep_ms(10);
    }
    sleep_ms(50);
}

/* Whether fd has a byte to read within ms milliseconds. */
static int readable(int fd, int ms)
{
    struct pollfd p = {fd, POLLIN, 0};
    return poll(&p, 1, ms) == 1;
}

static void child_done(void)
{
    _exit(t_failed ? 1 : 0);
}

static void test_flock_sharing(void)
{
    int a = open_rw(), other = open_rw();

    EXPECT(flock(a, LOCK_EX), 0, 0, "flock LOCK_EX");
    EXPECT_ERR(flock(other, LOCK_SH | LOCK_NB), EWOULDBLOCK,
               "another open file description conflicts (LOCK_NB)");
    EXPECT_ERR(flock(other, LOCK_EX | LOCK_NB), EWOULDBLOCK, "LOCK_EX|LOCK_NB conflicts too");
    int d = dup(a);
    EXPECT(flock(d, LOCK_EX | LOCK_NB), 0, 0, "a dup shares the lock");
    pid_t pid = fork();
    if (pid == 0) {
        t_name = "t_locks";
        EXPECT(flock(a, LOCK_EX | LOCK_NB), 0, 0, "a forked child shares the lock");
        close(a);
        close(d);
        child_done();
    }
    expect_exit(pid, 0, "flock child");
    EXPECT_ERR(flock(other, LOCK_SH | LOCK_NB), EWOULDBLOCK,
               "the child's close did not release the lock");
    close(a);
    EXPECT_ERR(flock(other, LOCK_SH | LOCK_NB), EWOULDBLOCK,
               "closing one of two descriptors keeps the lock");
    close(d);
    EXPECT(flock(other, LOCK_SH | LOCK_NB), 0, 0, "closing the last descriptor releases it");

    /* Shared locks share; LOCK_UN releases. */
    a = open_rw();
    EXPECT(flock(a, LOCK_SH | LOCK_NB), 0, 0, "two LOCK_SH coexist");
    EXPECT(flock(other, LOCK_UN), 0, 0, "LOCK_UN");
    EXPECT(flock(other, LOCK_UN), 0, 0, "LOCK_UN without a lock");
    EXPECT_ERR(flock(other, LOCK_EX | LOCK_NB), EWOULDBLOCK, "LOCK_EX against a LOCK_SH");

    /* Conversion is not atomic: a failed upgrade loses the shared lock. */
    EXPECT(flock(other, LOCK_SH), 0, 0, "LOCK_SH again");
    EXPECT_ERR(flock(a, LOCK_EX | LOCK_NB), EWOULDBLOCK, "upgrade against another LOCK_SH");
    EXPECT(flock(other, LOCK_EX | LOCK_NB), 0, 0,
           "the failed upgrade dropped the old lock (not atomic)");
    EXPECT(flock(other, LOCK_SH | LOCK_NB), 0, 0, "downgrade LOCK_EX to LOCK_SH");
    EXPECT(flock(a, LOCK_SH | LOCK_NB), 0, 0, "after a downgrade others share");
    close(a);

    /* The lock lives while a child still holds the description. */
    EXPECT(flock(other, LOCK_EX), 0, 0, "LOCK_EX before fork");
    int go[2];
    pipe(go);
    pid = fork();
    if (pid == 0) {
        char c;
        close(go[1]);
        read(go[0], &c, 1);
        _exit(0);
    }
    close(go[0]);
    close(other);
    a = open_rw();
    EXPECT_ERR(flock(a, LOCK_SH | LOCK_NB), EWOULDBLOCK,
               "a child's inherited descriptor keeps the lock");
    close(go[1]);
    expect_exit(pid, 0, "holding child");
    EXPECT(flock(a, LOCK_SH | LOCK_NB), 0, 0, "released when the child exits");
    close(a);

    /* Errors. */
    a = open_rw();
    EXPECT_ERR(flock(a, 0), EINVAL, "flock op 0");
    EXPECT_ERR(flock(a, LOCK_SH | LOCK_EX), EINVAL, "flock LOCK_SH|LOCK_EX");
    EXPECT_ERR(flock(a, LOCK_NB), EINVAL, "flock LOCK_NB alone");
    EXPECT_ERR(flock(a, LOCK_UN | 16), EINVAL, "flock unknown bit");
    EXPECT_ERR(flock(99, LOCK_SH), EBADF, "flock on a closed fd");
    EXPECT_ERR(flock(99, 3), EINVAL, "a bad op is checked before the fd");
    int p = open("f", O_PATH);
    EXPECT_ERR(flock(p, LOCK_SH), EBADF, "flock on an O_PATH fd");
    close(p);
    int n = open("f", 3);
    if (n >= 0) {
        EXPECT_ERR(flock(n, LOCK_SH), EBADF, "flock LOCK_SH needs read or write access");
        EXPECT(flock(n, LOCK_UN), 0, 0, "flock LOCK_UN without access");
        close(n);
    }
    /* Any file type: a directory. */
    int dir = open(".", O_RDONLY | O_DIRECTORY);
    EXPECT(flock(dir, LOCK_EX | LOCK_NB), 0, 0, "flock a directory");
    close(dir);
    close(a);
}

/* A blocking flock waits for the holder; flock and fcntl locks ignore
 * each other. */
static void test_flock_wait(void)
{
    int a = open_rw(), got[2];
    EXPECT(flock(a, LOCK_EX), 0, 0, "flock LOCK_EX held");
    pipe(got);
    pid_t pid = fork();
    if (pid == 0) {
        t_name = "t_locks";
        int b = open_rw();
        close(got[0]);
        alarm(10);
        EXPECT(lk(b, F_SETLK, F_WRLCK, SEEK_SET, 0, 0), 0, 0, "a record lock ignores a flock lock");
        EXPECT(flock(b, LOCK_EX), 0, 0, "a blocking flock gets the lock once released");
        write(got[1], "x", 1);
        child_done();
    }
    close(got[1]);
    wait_sleeping(pid);
    CHECK(!readable(got[0], 100), "a blocking flock waits while the lock is held");
    flock(a, LOCK_UN);
    CHECK(readable(got[0], 3000), "the waiter runs after LOCK_UN");
    expect_exit(pid, 0, "flock waiter");
    close(got[0]);
    close(a);
}

static void test_posix_basic(void)
{
    int fd = open_rw();
    int go[2], done[2];
    pid_t me = getpid();

    EXPECT(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10), 0, 0, "F_SETLK F_WRLCK [0,10)");
    /* Merged: [100,110) and [110,120) are one lock to others. */
    EXPECT(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 100, 10), 0, 0, "F_SETLK F_RDLCK [100,110)");
    EXPECT(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 110, 10), 0, 0, "F_SETLK F_RDLCK [110,120)");
    /* Split: [200,300) minus [240,260). */
    EXPECT(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 200, 100), 0, 0, "F_SETLK F_WRLCK [200,300)");
    EXPECT(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 240, 20), 0, 0, "F_UNLCK [240,260)");
    /* A read lock in a write lock's middle splits it in three. */
    EXPECT(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 400, 100), 0, 0, "F_SETLK F_WRLCK [400,500)");
    EXPECT(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 450, 10), 0, 0, "F_SETLK F_RDLCK [450,460)");
    /* To EOF, reported with l_len 0; a negative l_len from l_start. */
    EXPECT(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 1000, 0), 0, 0, "F_SETLK to EOF");
    EXPECT(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 600, -10), 0, 0, "F_SETLK l_len -10");
    /* SEEK_CUR and SEEK_END. */
    write(fd, "0123456789", 10);
    lseek(fd, 700, SEEK_SET);
    EXPECT(lk(fd, F_SETLK, F_RDLCK, SEEK_CUR, 5, 1), 0, 0, "F_SETLK SEEK_CUR");
    EXPECT(lk(fd, F_SETLK, F_RDLCK, SEEK_END, 790, 2), 0, 0, "F_SETLK SEEK_END");
    /* A process's own locks never conflict with it. */
    CHECK(getlk(fd, F_GETLK, F_WRLCK, 0, 0).l_type == F_UNLCK,
          "F_GETLK ignores the caller's own locks");

    pipe(go);
    pipe(done);
    pid_t pid = fork();
    if (pid == 0) {
        t_name = "t_locks";
        char c;
        close(go[1]);
        close(done[0]);
        EXPECT_ERR(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 5, 1), EAGAIN,
                   "F_SETLK against another process's write lock");
        EXPECT_ERR(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 105, 1), EAGAIN,
                   "F_SETLK F_WRLCK against a read lock");
        EXPECT(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 105, 1), 0, 0, "read locks share");
        EXPECT(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 105, 1), 0, 0, "F_UNLCK own");
        CHECK(is_lock(getlk(fd, F_GETLK, F_RDLCK, 3, 1), F_WRLCK, 0, 10, me),
              "F_GETLK reports the holder's range, type and pid");
        CHECK(is_lock(getlk(fd, F_GETLK, F_WRLCK, 115, 1), F_RDLCK, 100, 20, me),
              "adjacent read locks merged into one");
        CHECK(getlk(fd, F_GETLK, F_RDLCK, 105, 10).l_type == F_UNLCK,
              "F_GETLK F_RDLCK over read locks finds none");
        CHECK(getlk(fd, F_GETLK, F_WRLCK, 20, 80).l_type == F_UNLCK,
              "F_GETLK between locks finds none");
        CHECK(getlk(fd, F_GETLK, F_WRLCK, 240, 20).l_type == F_UNLCK, "the unlocked hole is free");
        CHECK(is_lock(getlk(fd, F_GETLK, F_WRLCK, 230, 1), F_WRLCK, 200, 40, me),
              "the piece before the hole");
        CHECK(is_lock(getlk(fd, F_GETLK, F_WRLCK, 299, 1), F_WRLCK, 260, 40, me),
              "the piece after the hole");
        CHECK(is_lock(getlk(fd, F_GETLK, F_WRLCK, 455, 1), F_RDLCK, 450, 10, me) &&
                  is_lock(getlk(fd, F_GETLK, F_RDLCK, 400, 100), F_WRLCK, 400, 50, me) &&
                  is_lock(getlk(fd, F_GETLK, F_RDLCK, 460, 1), F_WRLCK, 460, 40, me),
              "a read lock splits a write lock in three");
        CHECK(is_lock(getlk(fd, F_GETLK, F_RDLCK, 5000, 1), F_WRLCK, 1000, 0, me),
              "a lock to EOF has l_len 0");
        CHECK(is_lock(getlk(fd, F_GETLK, F_WRLCK, 0, 0), F_WRLCK, 0, 10, me),
              "F_GETLK reports the lowest conflicting lock");
        CHECK(is_lock(getlk(fd, F_GETLK, F_WRLCK, 595, 1), F_RDLCK, 590, 10, me),
              "a negative l_len locks the bytes before l_start");
        CHECK(is_lock(getlk(fd, F_GETLK, F_WRLCK, 705, 1), F_RDLCK, 705, 1, me),
              "SEEK_CUR is from the file position");
        CHECK(is_lock(getlk(fd, F_GETLK, F_WRLCK, 800, 1), F_RDLCK, 800, 2, me),
              "SEEK_END is from the size");
        /* The parent's locks are not the child's: its own F_UNLCK does
         * nothing to them. */
        EXPECT(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0), 0, 0, "F_UNLCK of what others hold");
        CHECK(getlk(fd, F_GETLK, F_RDLCK, 3, 1).l_type == F_WRLCK,
              "locks are not inherited across fork");
        /* Closing the inherited descriptor does not touch the parent's. */
        close(fd);
        fd = open_rw();
        CHECK(getlk(fd, F_GETLK, F_RDLCK, 3, 1).l_type == F_WRLCK,
              "a child's close leaves the parent's locks");
        write(done[1], "x", 1);
        read(go[0], &c, 1);
        EXPECT(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0), 0, 0,
               "the parent's close of another descriptor released all its locks");
        child_done();
    }
    close(go[0]);
    close(done[1]);
    char c;
    read(done[0], &c, 1);
    /* Close a separately opened descriptor of the same file: every lock
     * the process holds on it goes, whichever fd set them. */
    int other = open_rw();
    close(other);
    write(go[1], "x", 1);
    expect_exit(pid, 0, "F_GETLK child");
    close(go[1]);
    close(done[0]);
    close(fd);
}

/* The close-any-descriptor rule through dup2, and release at exit. */
static void test_posix_release(void)
{
    int fd = open_rw(), spare = open_rw(), res[2];
    pid_t pid;

    EXPECT(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), 0, 0, "F_SETLK before dup2");
    int victim = open_rw();
    dup2(spare, victim); /* replaces an fd of the same file: a close */
    pipe(res);
    pid = fork();
    if (pid == 0) {
        int b = open_rw();
        _exit(lk(b, F_SETLK, F_WRLCK, SEEK_SET, 0, 1) == 0 ? 0 : 1);
    }
    expect_exit(pid, 0, "dup2 over a descriptor of the file released the locks");

    /* A child's locks go when it exits. */
    pid = fork();
    if (pid == 0) {
        int b = open_rw();
        lk(b, F_SETLK, F_WRLCK, SEEK_SET, 50, 1);
        write(res[1], "x", 1);
        pause();
        _exit(0);
    }
    char c;
    read(res[0], &c, 1);
    CHECK(getlk(fd, F_GETLK, F_WRLCK, 50, 1).l_pid == pid, "the child holds its lock");
    kill(pid, SIGKILL);
    t_wait(pid);
    CHECK(getlk(fd, F_GETLK, F_WRLCK, 50, 1).l_type == F_UNLCK, "exit releases a process's locks");
    close(res[0]);
    close(res[1]);
    close(fd);
    close(spare);
    close(victim);
}

static void test_posix_errors(void)
{
    int fd = open_rw();
    int ro = open("f", O_RDONLY), wo = open("f", O_WRONLY);

    EXPECT_ERR(lk(ro, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EBADF, "F_WRLCK on an O_RDONLY fd");
    EXPECT_ERR(lk(wo, F_SETLK, F_RDLCK, SEEK_SET, 0, 1), EBADF, "F_RDLCK on an O_WRONLY fd");
    EXPECT(lk(ro, F_SETLK, F_UNLCK, SEEK_SET, 0, 1), 0, 0, "F_UNLCK on an O_RDONLY fd");
    EXPECT(lk(ro, F_GETLK, F_WRLCK, SEEK_SET, 0, 1), 0, 0, "F_GETLK F_WRLCK on an O_RDONLY fd");
    EXPECT_ERR(lk(ro, F_SETLK, F_WRLCK, SEEK_SET, -1, 1), EINVAL,
               "a bad range comes before the mode check");
    EXPECT_ERR(lk(fd, F_GETLK, F_UNLCK, SEEK_SET, 0, 1), EINVAL, "F_GETLK with F_UNLCK");
    EXPECT_ERR(lk(fd, F_GETLK, 5, SEEK_SET, 0, 1), EINVAL, "F_GETLK with type 5");
    EXPECT_ERR(lk(fd, F_SETLK, 5, SEEK_SET, 0, 1), EINVAL, "F_SETLK with type 5");
    EXPECT_ERR(lk(fd, F_SETLK, F_RDLCK, 3, 0, 1), EINVAL, "l_whence 3");
    EXPECT_ERR(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, -1, 1), EINVAL, "l_start -1");
    EXPECT_ERR(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 5, -6), EINVAL, "l_len reaching before 0");
    EXPECT(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 5, -5), 0, 0, "l_len reaching exactly 0");
    EXPECT_ERR(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, INT64_MIN), EINVAL, "l_len INT64_MIN");
    EXPECT(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, INT64_MAX, 1), 0, 0, "the last byte");
    EXPECT_ERR(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, INT64_MAX, 2), EOVERFLOW,
               "a range past the last byte");
    EXPECT_ERR(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 2, INT64_MAX), EOVERFLOW,
               "l_start + l_len overflows");
    EXPECT(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 1, INT64_MAX), 0, 0, "l_len INT64_MAX from 1");
    EXPECT_ERR(lk(fd, F_SETLK, F_RDLCK, SEEK_END, INT64_MAX, 0), EOVERFLOW,
               "SEEK_END + INT64_MAX overflows");
    lseek(fd, 100, SEEK_SET);
    EXPECT_ERR(lk(fd, F_SETLK, F_RDLCK, SEEK_CUR, INT64_MAX, 0), EOVERFLOW,
               "SEEK_CUR + INT64_MAX overflows");
    EXPECT_ERR(lk(fd, F_SETLK, F_RDLCK, SEEK_CUR, -101, 0), EINVAL, "SEEK_CUR before 0");
    EXPECT(lk(fd, F_SETLK, F_RDLCK, SEEK_CUR, -100, 0), 0, 0, "SEEK_CUR back to 0");
    EXPECT_ERR(lk(fd, F_SETLK, F_RDLCK, SEEK_END, INT64_MIN, 0), EINVAL, "SEEK_END + INT64_MIN");
    EXPECT_ERR(fcntl(fd, F_SETLK, (struct flock *)8), EFAULT, "F_SETLK with a bad pointer");
    int p = open("f", O_PATH);
    EXPECT_ERR(lk(p, F_GETLK, F_RDLCK, SEEK_SET, 0, 1), EBADF, "F_GETLK on an O_PATH fd");
    close(p);
    lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
    close(ro);
    close(wo);
    close(fd);
}

/* Two processes each holding a byte and asking for the other's: one of
 * them gets EDEADLK (the second to sleep; the test lets the child sleep
 * first), the other then gets its lock. */
static void test_deadlock(void)
{
    int fd = open_rw(), ready[2];
    pipe(ready);
    lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1);
    pid_t pid = fork();
    if (pid == 0) {
        int b = open_rw();
        alarm(10);
        lk(b, F_SETLK, F_WRLCK, SEEK_SET, 1, 1);
        write(ready[1], "x", 1);
        int r = lk(b, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1);
        _exit(r == 0 ? 0 : errno == EDEADLK ? 2 : 3);
    }
    char c;
    read(ready[0], &c, 1);
    wait_sleeping(pid);
    int r = lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1);
    int e = errno;
    expect_sys(r, e, -1, EDEADLK, "F_SETLKW closing a cycle gets EDEADLK");
    if (r == 0) {
        t_wait(pid); /* the child got EDEADLK instead and exited */
    } else {
        lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 1);
        expect_exit(pid, 0, "the other process then gets its lock");
    }
    close(ready[0]);
    close(ready[1]);
    close(fd);
}

static void test_ofd(void)
{
    int a = open_rw(), b = open_rw(), c = open_rw();
    struct flock fl;

    EXPECT(lk(a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10), 0, 0, "F_OFD_SETLK");
    EXPECT_ERR(lk(b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 5, 1), EAGAIN,
               "OFD locks of two descriptions in one process conflict");
    CHECK(is_lock(getlk(b, F_OFD_GETLK, F_RDLCK, 0, 0), F_WRLCK, 0, 10, -1),
          "F_OFD_GETLK reports l_pid -1");
    CHECK(getlk(a, F_OFD_GETLK, F_WRLCK, 0, 0).l_type == F_UNLCK,
          "F_OFD_GETLK ignores the description's own locks");
    EXPECT_ERR(lk(c, F_SETLK, F_RDLCK, SEEK_SET, 5, 1), EAGAIN,
               "a POSIX lock conflicts with the process's own OFD lock");
    CHECK(is_lock(getlk(c, F_GETLK, F_RDLCK, 5, 1), F_WRLCK, 0, 10, -1),
          "F_GETLK reports an OFD lock with l_pid -1");
    EXPECT(lk(c, F_SETLK, F_WRLCK, SEEK_SET, 20, 1), 0, 0, "F_SETLK beside it");
    EXPECT_ERR(lk(b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 20, 1), EAGAIN,
               "an OFD lock conflicts with the process's POSIX lock");
    /* The POSIX rule does not touch OFD locks. */
    close(c);
    EXPECT_ERR(lk(b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 5, 1), EAGAIN,
               "closing another descriptor keeps OFD locks");
    EXPECT(lk(b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 20, 1), 0, 0,
           "but it released the process's POSIX lock");
    /* l_pid must be 0. */
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_RDLCK;
    fl.l_pid = 1;
    EXPECT_ERR(fcntl(b, F_OFD_SETLK, &fl), EINVAL, "F_OFD_SETLK with l_pid 1");
    EXPECT_ERR(fcntl(b, F_OFD_GETLK, &fl), EINVAL, "F_OFD_GETLK with l_pid 1");
    /* Shared with a forked child through the description. */
    pid_t pid = fork();
    if (pid == 0) {
        t_name = "t_locks";
        int own = open_rw();
        EXPECT(lk(a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 5), 0, 0,
               "a child using the inherited description owns its OFD locks");
        EXPECT_ERR(lk(own, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 5), EAGAIN,
                   "the child's own description conflicts");
        child_done();
    }
    expect_exit(pid, 0, "OFD child");
    /* The last close of the description releases its locks. */
    int a2 = dup(a);
    close(a);
    EXPECT_ERR(lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1), EAGAIN,
               "an OFD lock lives while a dup remains");
    close(a2);
    EXPECT(lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1), 0, 0,
           "the last close of the description releases it");
    close(b);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
}

static void set_alarm_handler(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
}

static void arm_timer_ms(int ms)
{
    struct itimerval it;
    memset(&it, 0, sizeof it);
    it.it_value.tv_sec = ms / 1000;
    it.it_value.tv_usec = (ms % 1000) * 1000;
    setitimer(ITIMER_REAL, &it, NULL);
}

/* Blocking lock calls and signals: EINTR without SA_RESTART, a restart
 * with it. */
static void test_signals(void)
{
    int fd = open_rw();
    lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1);
    flock(fd, LOCK_EX);
    pid_t pid = fork();
    if (pid == 0) {
        t_name = "t_locks";
        int b = open_rw();
        set_alarm_handler(0);
        arm_timer_ms(100);
        EXPECT_ERR(lk(b, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1), EINTR,
                   "F_SETLKW interrupted by a signal");
        CHECK(alarms == 1, "the handler ran");
        arm_timer_ms(100);
        EXPECT_ERR(flock(b, LOCK_EX), EINTR, "a blocking flock interrupted by a signal");
        arm_timer_ms(100);
        EXPECT_ERR(lk(b, F_OFD_SETLKW, F_WRLCK, SEEK_SET, 0, 1), EINTR,
                   "F_OFD_SETLKW interrupted by a signal");
        child_done();
    }
    expect_exit(pid, 0, "EINTR child");

    int ready[2];
    pipe(ready);
    pid = fork();
    if (pid == 0) {
        t_name = "t_locks";
        int b = open_rw();
        set_alarm_handler(SA_RESTART);
        arm_timer_ms(100);
        write(ready[1], "x", 1);
        EXPECT(lk(b, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1), 0, 0,
               "F_SETLKW restarts after a SA_RESTART handler");
        CHECK(alarms == 1, "the SA_RESTART handler ran while waiting");
        child_done();
    }
    char c;
    read(ready[0], &c, 1);
    sleep_ms(400);
    lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 1);
    expect_exit(pid, 0, "SA_RESTART child");
    close(ready[0]);
    close(ready[1]);
    close(fd);
}

static void test_sync(void)
{
    int fd = open_rw();
    sync();
    pass("sync returns");
    EXPECT(syncfs(fd), 0, 0, "syncfs");
    EXPECT_ERR(syncfs(99), EBADF, "syncfs on a closed fd");
    EXPECT(fsync(fd), 0, 0, "fsync on a regular file");
    EXPECT(fdatasync(fd), 0, 0, "fdatasync on a regular file");
    close(fd);
}

int main(void)
{
    t_begin("t_locks");
    if (t_enter_tmpdir() != 0) {
        return t_end();
    }
    test_flock_sharing();
    test_flock_wait();
    test_posix_basic();
    test_posix_release();
    test_posix_errors();
    test_deadlock();
    test_ofd();
    test_signals();
    test_sync();
    t_leave_tmpdir();
    return t_end();
}
