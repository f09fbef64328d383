// SPDX-License-Identifier: MIT
/* File descriptors: dup, dup2, dup3, fcntl (F_DUPFD*, FD_CLOEXEC, status
 * flags, locks), ioctl generics, close_range, fd tables across fork and
 * exec (clone, close-on-exec), EMFILE, sendfile, shared offsets. */
#include <fs/fdtable.h>
#include <fs/vfs.h>
#include <stdio.h>
#include <string.h>

#include "fakes/page_alloc_fake.h"
#include "fakes/vfs_test.h"
#include "harness.h"

HARNESS("test_vfs_fd");

static struct process *proc;

static void test_dup(void)
{
    char buf[8];

    SYS(chdir, U("/"));
    CHECK_EQ(t_make_file("/dupf", "0123456789"), 0);
    long fd = t_open("/dupf", O_RDWR, 0);
    CHECK(fd >= 0);
    long d = SYS(dup, (u64)fd);
    CHECK_EQ(d, fd + 1);
    /* Duplicates share the offset and status flags. */
    CHECK_EQ(SYS(read, (u64)fd, U(buf), 3), 3);
    CHECK_EQ(SYS(lseek, (u64)d, 0, SEEK_CUR), 3);
    CHECK_EQ(SYS(fcntl, (u64)d, F_SETFL, O_APPEND | O_NONBLOCK), 0);
    CHECK_EQ(SYS(fcntl, (u64)fd, F_GETFL), O_RDWR | O_APPEND | O_NONBLOCK | O_LARGEFILE);
    CHECK_EQ(SYS(fcntl, (u64)fd, F_SETFL, 0), 0);
    CHECK_EQ(SYS(fcntl, (u64)fd, F_GETFL), O_RDWR | O_LARGEFILE);
    /* F_SETFL cannot change the access mode or creation flags. */
    CHECK_EQ(SYS(fcntl, (u64)fd, F_SETFL, O_WRONLY | O_TRUNC), 0);
    CHECK_EQ(SYS(fcntl, (u64)fd, F_GETFL), O_RDWR | O_LARGEFILE);
    CHECK_EQ(SYS(dup, 500), -EBADF);

    CHECK_EQ(SYS(dup2, (u64)fd, 10), 10);
    CHECK_EQ(SYS(lseek, 10, 0, SEEK_CUR), 3);
    CHECK_EQ(SYS(dup2, (u64)fd, (u64)fd), fd);
    CHECK_EQ(SYS(dup2, 77, 78), -EBADF);
    CHECK_EQ(SYS(dup2, 77, 77), -EBADF);
    CHECK_EQ(SYS(dup2, (u64)fd, (u64)-1), -EBADF);
    CHECK_EQ(SYS(dup2, (u64)fd, 1024), -EBADF);
    CHECK_EQ(SYS(dup3, (u64)fd, (u64)fd, 0), -EINVAL);
    CHECK_EQ(SYS(dup3, (u64)fd, 11, O_CLOEXEC), 11);
    CHECK_EQ(SYS(fcntl, 11, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(SYS(dup3, (u64)fd, 11, 0), 11); /* replaces, clears the flag */
    CHECK_EQ(SYS(fcntl, 11, F_GETFD), 0);
    CHECK_EQ(SYS(dup3, (u64)fd, 12, O_APPEND), -EINVAL);
    /* dup2 over an open fd closes it silently. */
    long other = t_open("/dupf", O_RDONLY, 0);
    CHECK_EQ(SYS(dup2, (u64)fd, (u64)other), other);
    CHECK_EQ(SYS(fcntl, (u64)other, F_GETFL), O_RDWR | O_LARGEFILE);

    /* F_DUPFD finds the lowest free fd >= arg. */
    CHECK_EQ(SYS(fcntl, (u64)fd, F_DUPFD, 20), 20);
    CHECK_EQ(SYS(fcntl, (u64)fd, F_DUPFD, 20), 21);
    CHECK_EQ(SYS(fcntl, (u64)fd, F_DUPFD_CLOEXEC, 5), 5);
    CHECK_EQ(SYS(fcntl, 5, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(SYS(fcntl, 5, F_SETFD, 0), 0);
    CHECK_EQ(SYS(fcntl, 5, F_GETFD), 0);
    CHECK_EQ(SYS(fcntl, (u64)fd, F_DUPFD, 1024), -EINVAL);
    CHECK_EQ(SYS(fcntl, (u64)fd, 9999), -EINVAL);
    CHECK_EQ(SYS(fcntl, 99, F_GETFD), -EBADF);
    short lk[16] = {F_WRLCK};
    CHECK_EQ(SYS(fcntl, (u64)fd, F_SETLK, U(lk)), 0);
    CHECK_EQ(SYS(fcntl, (u64)fd, F_GETLK, U(lk)), 0);
    CHECK_EQ(lk[0], F_UNLCK);
    /* Generic ioctls; anything else on a regular file is ENOTTY. */
    CHECK_EQ(SYS(ioctl, 5, FIOCLEX, 0), 0);
    CHECK_EQ(SYS(fcntl, 5, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(SYS(ioctl, 5, FIONCLEX, 0), 0);
    CHECK_EQ(SYS(fcntl, 5, F_GETFD), 0);
    int on = 1;
    CHECK_EQ(SYS(ioctl, 5, FIONBIO, U(&on)), 0);
    CHECK(SYS(fcntl, 5, F_GETFL) & O_NONBLOCK);
    CHECK_EQ(SYS(ioctl, 5, 0x5401, 0), -ENOTTY);
    CHECK_EQ(SYS(ioctl, 99, 0x5401, 0), -EBADF);
    CHECK_EQ(SYS(fsync, 5), 0);
    CHECK_EQ(SYS(fdatasync, 5), 0);
    CHECK_EQ(SYS(fsync, 99), -EBADF);
    CHECK_EQ(SYS(flock, 5, 2), 0);
    CHECK_EQ(SYS(flock, 5, 3), -EINVAL);

    CHECK_EQ(SYS(close_range, 3, 2, 0), -EINVAL);
    CHECK_EQ(SYS(close_range, 20, 21, 4), 0); /* CLOSE_RANGE_CLOEXEC */
    CHECK_EQ(SYS(fcntl, 20, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(SYS(close_range, 0, ~0u, 0), 0);
    CHECK_EQ(SYS(fcntl, (u64)fd, F_GETFD), -EBADF);
    CHECK_EQ(SYS(fcntl, 20, F_GETFD), -EBADF);
    CHECK_EQ(t_open("/dupf", O_RDONLY, 0), 0); /* lowest free again */
    SYS(close, 0);
}

static void test_fork_exec_tables(void)
{
    char buf[8];

    long fd = t_open("/dupf", O_RDONLY, 0);
    long ce = t_open("/dupf", O_RDONLY | O_CLOEXEC, 0);
    CHECK(fd >= 0 && ce >= 0);
    CHECK_EQ(SYS(fcntl, (u64)ce, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(SYS(fcntl, (u64)fd, F_GETFD), 0);

    /* A forked child shares the open files (and their offsets). */
    struct fd_table *parent = proc->files;
    struct fd_table *child = fd_table_clone(parent);
    CHECK(child != NULL);
    proc->files = child;
    CHECK_EQ(SYS(read, (u64)fd, U(buf), 4), 4);
    CHECK_EQ(SYS(fcntl, (u64)ce, F_GETFD), FD_CLOEXEC);
    fd_table_close_on_exec(child);
    CHECK_EQ(SYS(fcntl, (u64)ce, F_GETFD), -EBADF);
    CHECK_EQ(SYS(fcntl, (u64)fd, F_GETFD), 0);
    proc->files = parent;
    fd_table_put(child);
    CHECK_EQ(SYS(lseek, (u64)fd, 0, SEEK_CUR), 4);
    CHECK_EQ(SYS(fcntl, (u64)ce, F_GETFD), FD_CLOEXEC);

    /* fs_context clone: the child's chdir does not move the parent. */
    struct fs_context *pfs = proc->fs;
    struct fs_context *cfs = fs_context_clone(pfs);
    CHECK(cfs != NULL);
    SYS(mkdir, U("/forkdir"), 0755);
    proc->fs = cfs;
    CHECK_EQ(SYS(chdir, U("/forkdir")), 0);
    CHECK_EQ(SYS(umask, 0), 022);
    proc->fs = pfs;
    fs_context_put(cfs);
    CHECK_EQ(SYS(getcwd, U(buf), sizeof(buf)), 2);
    CHECK_EQ(SYS(umask, 022), 022);
    SYS(close, (u64)fd);
    SYS(close, (u64)ce);
}

static void test_emfile(void)
{
    long first = t_open("/dupf", O_RDONLY, 0);
    long last = first, r;

    CHECK(first >= 0);
    for (;;) {
        r = SYS(dup, (u64)first);
        if (r < 0) {
            break;
        }
        last = r;
    }
    CHECK_EQ(r, -EMFILE);
    CHECK_EQ(last, FD_MAX - 1);
    CHECK_EQ(t_open("/dupf", O_RDONLY, 0), -EMFILE);
    /* The limit follows RLIMIT_NOFILE when it is lower. */
    proc->rlimits[7].rlim_cur = 64;
    CHECK_EQ(SYS(fcntl, (u64)first, F_DUPFD, 64), -EINVAL);
    CHECK_EQ(SYS(dup2, (u64)first, 64), -EBADF);
    proc->rlimits[7].rlim_cur = 0;
    CHECK_EQ(SYS(close_range, 0, ~0u, 0), 0);
}

static void test_sendfile(void)
{
    char buf[32];

    CHECK_EQ(t_make_file("/sf_in", "sendfile data"), 0);
    long in = t_open("/sf_in", O_RDONLY, 0);
    long out = t_open("/sf_out", O_CREAT | O_WRONLY, 0644);
    CHECK_EQ(SYS(sendfile, (u64)out, (u64)in, 0, 4), 4);
    s64 off = 9;
    CHECK_EQ(SYS(sendfile, (u64)out, (u64)in, U(&off), 100), 4);
    CHECK_EQ(off, 13);
    CHECK_EQ(SYS(lseek, (u64)in, 0, SEEK_CUR), 4);
    CHECK_EQ(SYS(sendfile, (u64)in, (u64)out, 0, 4), -EBADF);
    SYS(close, (u64)out);
    long r = t_open("/sf_out", O_RDONLY, 0);
    CHECK_EQ(SYS(read, (u64)r, U(buf), sizeof(buf)), 8);
    CHECK(memcmp(buf, "senddata", 8) == 0);
    SYS(close, (u64)r);
    SYS(close, (u64)in);
}

int main(void)
{
    fake_pages_init(16384);
    if (vfs_init_root() != 0) {
        printf("FAIL test_vfs_fd: vfs_init_root\n");
        return 1;
    }
    proc = fake_process_new();

    RUN(test_dup);
    RUN(test_fork_exec_tables);
    RUN(test_emfile);
    RUN(test_sendfile);

    fake_process_free(proc);
    fake_pages_fini();
    HARNESS_EXIT();
}
