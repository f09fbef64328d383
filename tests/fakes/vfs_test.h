/* SPDX-License-Identifier: MIT */
/* Helpers for the VFS host tests: calling syscalls with a u64 argument
 * array, as the syscall table does, and small wrappers. */
#ifndef TESTS_FAKES_VFS_TEST_H
#define TESTS_FAKES_VFS_TEST_H

#include <abi/errno.h>
#include <abi/fcntl.h>
#include <abi/stat.h>
#include <kernel/types.h>
#include <stdint.h>

#include "fakes/vfs_fakes.h"

#define U(x) ((u64)(uintptr_t)(x))
#define SYS(name, ...) sys_##name((const u64[6]){__VA_ARGS__})

#define VFS_SYSCALLS(X)                                                                            \
    X(open)                                                                                        \
    X(openat)                                                                                      \
    X(creat)                                                                                       \
    X(close)                                                                                       \
    X(close_range) X(read) X(write) X(pread64) X(pwrite64) X(readv) X(writev) X(preadv) X(pwritev) \
        X(lseek) X(sendfile) X(stat) X(lstat) X(fstat) X(newfstatat) X(statx) X(statfs) X(fstatfs) \
            X(readlink) X(readlinkat) X(getdents64) X(getdents) X(mkdir) X(mkdirat) X(mknod)       \
                X(mknodat) X(symlink) X(symlinkat) X(link) X(linkat) X(unlink) X(unlinkat)         \
                    X(rmdir) X(rename) X(renameat) X(renameat2) X(chmod) X(fchmod) X(fchmodat)     \
                        X(fchmodat2) X(chown) X(fchown) X(lchown) X(fchownat) X(truncate)          \
                            X(ftruncate) X(fallocate) X(utimensat) X(utimes) X(access)             \
                                X(faccessat) X(faccessat2) X(chdir) X(fchdir) X(getcwd) X(chroot)  \
                                    X(umask) X(dup) X(dup2) X(dup3) X(fcntl) X(ioctl) X(fsync)     \
                                        X(fdatasync) X(sync) X(flock) X(mount) X(umount2)          \
                                            X(syslog)

#define VFS_DECLARE(n) long sys_##n(const u64 *args);
VFS_SYSCALLS(VFS_DECLARE)
#undef VFS_DECLARE

static inline long t_open(const char *path, int flags, u32 mode)
{
    return SYS(openat, (u64)AT_FDCWD, U(path), (u64)flags, mode);
}

static inline long t_write_str(int fd, const char *s)
{
    size_t n = 0;
    while (s[n]) {
        n++;
    }
    return SYS(write, (u64)fd, U(s), n);
}

/* Creates path with contents s (mode 0644); 0 or -errno. */
static inline long t_make_file(const char *path, const char *s)
{
    long fd = t_open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0) {
        return fd;
    }
    long r = t_write_str((int)fd, s);
    SYS(close, (u64)fd);
    return r < 0 ? r : 0;
}

static inline long t_stat(const char *path, struct linux_stat *st)
{
    return SYS(stat, U(path), U(st));
}

static inline long t_lstat(const char *path, struct linux_stat *st)
{
    return SYS(lstat, U(path), U(st));
}

#endif
