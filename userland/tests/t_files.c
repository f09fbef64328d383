// SPDX-License-Identifier: MIT
/* t_files: file-system system calls and their errno values, as on Linux
 * x86_64. Runs in a fresh directory under /tmp (tmpfs in the guest). */
#include "t.h"

#include <dirent.h>
#include <poll.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>

#ifndef O_PATH
#define O_PATH 010000000
#endif

static int write_file(const char *path, const char *s)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, s, strlen(s));
    close(fd);
    return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* Reads a whole small file into buf (NUL-terminated); returns the length or -1. */
static ssize_t read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n >= 0)
        buf[n] = 0;
    return n;
}

static int file_is(const char *path, const char *want)
{
    char buf[256];
    return read_file(path, buf, sizeof buf) == (ssize_t)strlen(want) && !strcmp(buf, want);
}

/* Error cases call the kernel with syscall() where the C library would
 * work around the kernel's answer (musl emulates fchmod on O_PATH fds,
 * readlink with size 0, dup3 without O_CLOEXEC). */
static void test_open(void)
{
    struct stat st;
    int fd = open("new", O_CREAT | O_WRONLY, 0666);
    CHECK(fd >= 0, "open O_CREAT creates");
    fstat(fd, &st);
    CHECK(S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0644 && st.st_size == 0,
          "O_CREAT mode 0666 with umask 022 gives 0644");
    CHECK(st.st_uid == geteuid() && st.st_gid == getegid(), "a new file belongs to the caller");
    close(fd);
    EXPECT_ERR(open("new", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST, "O_CREAT|O_EXCL on a file");
    symlink("dangling-target", "dangling");
    EXPECT_ERR(open("dangling", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST,
               "O_CREAT|O_EXCL on a dangling symlink");
    CHECK(access("dangling-target", F_OK) != 0, "O_EXCL did not create the symlink's target");
    fd = open("dangling", O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0 && access("dangling-target", F_OK) == 0,
          "O_CREAT through a dangling symlink creates the target");
    close(fd);
    EXPECT_ERR(open("missing", O_RDONLY), ENOENT, "open a missing file");
    EXPECT_ERR(open("missing-dir/x", O_CREAT | O_WRONLY, 0644), ENOENT,
               "O_CREAT in a missing directory");
    EXPECT_ERR(open("", O_RDONLY), ENOENT, "open an empty path");
    EXPECT_ERR(open("new/x", O_RDONLY), ENOTDIR, "open through a file as a directory");
    EXPECT_ERR(open("new/", O_RDONLY), ENOTDIR, "open a file with a trailing slash");
    EXPECT_ERR(open("new2/", O_CREAT | O_WRONLY, 0644), EISDIR, "O_CREAT with a trailing slash");

    write_file("t", "0123456789");
    fd = open("t", O_WRONLY | O_TRUNC);
    fstat(fd, &st);
    CHECK(fd >= 0 && st.st_size == 0, "O_TRUNC truncates");
    close(fd);

    write_file("a", "abc");
    fd = open("a", O_WRONLY | O_APPEND);
    lseek(fd, 0, SEEK_SET);
    write(fd, "def", 3);
    CHECK(file_is("a", "abcdef"), "O_APPEND writes at the end after lseek(0)");
    EXPECT(lseek(fd, 0, SEEK_CUR), 6, 0, "O_APPEND leaves the offset at the end");
    /* Linux quirk: pwrite on an O_APPEND fd appends, ignoring the offset. */
    EXPECT(pwrite(fd, "g", 1, 0), 1, 0, "pwrite on an O_APPEND fd");
    CHECK(file_is("a", "abcdefg"), "pwrite on an O_APPEND fd appends (Linux)");
    int fl = fcntl(fd, F_GETFL);
    CHECK((fl & O_APPEND) && (fl & O_ACCMODE) == O_WRONLY, "F_GETFL shows O_WRONLY|O_APPEND");
    EXPECT(fcntl(fd, F_SETFL, fl & ~O_APPEND), 0, 0, "F_SETFL clears O_APPEND");
    lseek(fd, 0, SEEK_SET);
    write(fd, "X", 1);
    CHECK(file_is("a", "Xbcdefg"), "writes go to the offset without O_APPEND");
    close(fd);

    mkdir("d", 0755);
    fd = open("d", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0, "O_DIRECTORY on a directory");
    close(fd);
    EXPECT_ERR(open("a", O_RDONLY | O_DIRECTORY), ENOTDIR, "O_DIRECTORY on a file");
    EXPECT_ERR(open("d", O_WRONLY), EISDIR, "open a directory O_WRONLY");
    EXPECT_ERR(open("d", O_RDWR), EISDIR, "open a directory O_RDWR");
    EXPECT_ERR(open("d", O_CREAT | O_WRONLY, 0644), EISDIR, "O_CREAT on a directory");
    fd = open("d", O_RDONLY);
    char c;
    EXPECT_ERR(read(fd, &c, 1), EISDIR, "read a directory");
    close(fd);

    symlink("a", "sl");
    EXPECT_ERR(open("sl", O_RDONLY | O_NOFOLLOW), ELOOP, "O_NOFOLLOW on a symlink");
    fd = open("a", O_RDONLY | O_NOFOLLOW);
    CHECK(fd >= 0, "O_NOFOLLOW on a regular file");
    close(fd);
    fd = open("sl", O_RDONLY);
    CHECK(fd >= 0 && read(fd, &c, 1) == 1 && c == 'X', "open follows a symlink");
    close(fd);
    symlink("loop2", "loop1");
    symlink("loop1", "loop2");
    EXPECT_ERR(open("loop1", O_RDONLY), ELOOP, "open a symlink loop");
    EXPECT_ERR(stat("loop1", &st), ELOOP, "stat a symlink loop");
    EXPECT(lstat("loop1", &st), 0, 0, "lstat a symlink loop");
    /* A chain of 41 links is one too many (Linux follows at most 40). */
    char from[16], to[16];
    for (int i = 0; i < 41; i++) {
        snprintf(from, sizeof from, "ch%d", i);
        snprintf(to, sizeof to, i == 40 ? "a" : "ch%d", i + 1);
        symlink(to, from);
    }
    EXPECT_ERR(open("ch0", O_RDONLY), ELOOP, "a chain of 41 symlinks");
    fd = open("ch1", O_RDONLY);
    CHECK(fd >= 0, "a chain of 40 symlinks");
    close(fd);

    fd = open("a", O_RDONLY | O_CLOEXEC);
    EXPECT(fcntl(fd, F_GETFD), FD_CLOEXEC, 0, "O_CLOEXEC sets FD_CLOEXEC");
    close(fd);

    fd = open("a", O_PATH);
    CHECK(fd >= 0, "O_PATH open");
    EXPECT_ERR(read(fd, &c, 1), EBADF, "read from an O_PATH fd");
    EXPECT_ERR(write(fd, &c, 1), EBADF, "write to an O_PATH fd");
    EXPECT(fstat(fd, &st), 0, 0, "fstat an O_PATH fd");
    CHECK(st.st_size == 7, "fstat of an O_PATH fd describes the file");
    EXPECT_ERR(syscall(SYS_fchmod, fd, 0600), EBADF, "fchmod an O_PATH fd");
    close(fd);
    fd = open("sl", O_PATH | O_NOFOLLOW);
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && S_ISLNK(st.st_mode),
          "O_PATH|O_NOFOLLOW opens the symlink itself");
    close(fd);
    fd = open("d", O_PATH | O_DIRECTORY);
    int dfd2 = openat(fd, "inner", O_CREAT | O_WRONLY, 0644);
    CHECK(dfd2 >= 0 && access("d/inner", F_OK) == 0, "an O_PATH directory fd works as a dirfd");
    close(dfd2);
    unlink("d/inner");
    close(fd);

    char name[300];
    memset(name, 'n', 256);
    name[256] = 0;
    EXPECT_ERR(open(name, O_CREAT | O_WRONLY, 0644), ENAMETOOLONG, "a 256-byte name");
    name[255] = 0;
    fd = open(name, O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0, "a 255-byte name");
    close(fd);
    unlink(name);
    char *longpath = malloc(5000);
    memset(longpath, 0, 5000);
    for (int i = 0; i < 4200; i += 2)
        memcpy(longpath + i, "./", 2);
    strcat(longpath, "a");
    EXPECT_ERR(open(longpath, O_RDONLY), ENAMETOOLONG, "a path of 4201 bytes");
    free(longpath);

    EXPECT_ERR(read(-1, &c, 1), EBADF, "read fd -1");
    EXPECT_ERR(read(9999, &c, 1), EBADF, "read an unused fd");
    EXPECT_ERR(close(9999), EBADF, "close an unused fd");
    fd = open("a", O_RDONLY);
    EXPECT_ERR(write(fd, "x", 1), EBADF, "write to an O_RDONLY fd");
    EXPECT_ERR(ftruncate(fd, 0), EINVAL, "ftruncate an O_RDONLY fd");
    close(fd);
    EXPECT_ERR(close(fd), EBADF, "close twice");
    fd = open("a", O_WRONLY);
    EXPECT_ERR(read(fd, &c, 1), EBADF, "read from an O_WRONLY fd");
    EXPECT_ERR(fstat(-1, &st), EBADF, "fstat fd -1");
    close(fd);
    EXPECT_ERR(open("a", O_RDONLY | O_CREAT | O_DIRECTORY, 0644), EINVAL, "O_CREAT|O_DIRECTORY");
}

static void test_unlink_rename(void)
{
    struct stat st;
    char buf[64];
    write_file("u", "still here");
    int fd = open("u", O_RDONLY);
    EXPECT(unlink("u"), 0, 0, "unlink an open file");
    CHECK(access("u", F_OK) != 0, "the name is gone");
    CHECK(read(fd, buf, sizeof buf) == 10 && !memcmp(buf, "still here", 10),
          "an unlinked open file can still be read");
    CHECK(fstat(fd, &st) == 0 && st.st_nlink == 0, "an unlinked open file has st_nlink 0");
    close(fd);
    EXPECT_ERR(unlink("u"), ENOENT, "unlink a missing file");
    mkdir("ud", 0755);
    EXPECT_ERR(unlink("ud"), EISDIR, "unlink a directory");
    write_file("ud/f", "x");
    EXPECT_ERR(rmdir("ud"), ENOTEMPTY, "rmdir a non-empty directory");
    EXPECT_ERR(rmdir("ud/f"), ENOTDIR, "rmdir a file");
    EXPECT_ERR(rmdir("."), EINVAL, "rmdir .");
    EXPECT_ERR(rmdir("nope"), ENOENT, "rmdir a missing directory");
    EXPECT_ERR(mkdir("ud", 0755), EEXIST, "mkdir an existing directory");
    EXPECT_ERR(mkdir("ud/f/x", 0755), ENOTDIR, "mkdir under a file");
    unlink("ud/f");
    EXPECT(rmdir("ud"), 0, 0, "rmdir an empty directory");

    write_file("r1", "one");
    write_file("r2", "two");
    fd = open("r2", O_RDONLY);
    EXPECT(rename("r1", "r2"), 0, 0, "rename over an existing file");
    CHECK(file_is("r2", "one") && access("r1", F_OK) != 0, "the target now has the new file");
    CHECK(read(fd, buf, 3) == 3 && !memcmp(buf, "two", 3),
          "an fd of the replaced file still reads the old data");
    close(fd);
    EXPECT(rename("r2", "r2"), 0, 0, "rename a file to itself");
    link("r2", "r2b");
    EXPECT(rename("r2", "r2b"), 0, 0, "rename between two links of one file");
    CHECK(access("r2", F_OK) == 0 && access("r2b", F_OK) == 0,
          "rename between links of one file does nothing");
    unlink("r2b");
    mkdir("rd", 0755);
    mkdir("rd2", 0755);
    mkdir("rd3", 0755);
    write_file("rd3/f", "x");
    EXPECT_ERR(rename("r2", "rd"), EISDIR, "rename a file over a directory");
    EXPECT_ERR(rename("rd", "r2"), ENOTDIR, "rename a directory over a file");
    EXPECT_ERR(rename("rd", "rd3"), ENOTEMPTY, "rename a directory over a non-empty one");
    EXPECT_ERR(rename("rd", "rd/sub"), EINVAL, "rename a directory into itself");
    EXPECT(rename("rd", "rd2"), 0, 0, "rename a directory over an empty one");
    CHECK(access("rd", F_OK) != 0 && stat("rd2", &st) == 0 && S_ISDIR(st.st_mode),
          "the directory moved");
    EXPECT_ERR(rename("missing", "x"), ENOENT, "rename a missing file");
    EXPECT(rename("r2", "rd2/moved"), 0, 0, "rename into another directory");
    CHECK(file_is("rd2/moved", "one"), "the moved file keeps its data");
}

static void test_io(void)
{
    char buf[8192];
    struct stat st;
    int fd = open("io", O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(fd, "hello", 5);
    EXPECT(ftruncate(fd, 8192), 0, 0, "ftruncate extends");
    fstat(fd, &st);
    CHECK(st.st_size == 8192, "ftruncate sets st_size");
    memset(buf, 1, sizeof buf);
    EXPECT(pread(fd, buf, sizeof buf, 0), 8192, 0, "pread the extended file");
    int zero = 1;
    for (int i = 5; i < 8192; i++)
        zero &= buf[i] == 0;
    CHECK(!memcmp(buf, "hello", 5) && zero, "the extension reads as zeros");
    EXPECT(ftruncate(fd, 2), 0, 0, "ftruncate shrinks");
    EXPECT(ftruncate(fd, 10), 0, 0, "ftruncate grows again");
    EXPECT(pread(fd, buf, sizeof buf, 0), 10, 0, "pread after shrink and grow");
    CHECK(buf[0] == 'h' && buf[1] == 'e' && buf[2] == 0 && buf[9] == 0,
          "data cut by a shrink reads back as zeros");
    EXPECT_ERR(ftruncate(fd, -1), EINVAL, "ftruncate negative");
    EXPECT_ERR(truncate("d", 0), EISDIR, "truncate a directory");
    EXPECT_ERR(truncate("missing", 0), ENOENT, "truncate a missing file");
    EXPECT(truncate("io", 0), 0, 0, "truncate by name");

    EXPECT(lseek(fd, 0, SEEK_CUR), 5, 0, "the offset is kept through truncation");
    EXPECT(lseek(fd, 100, SEEK_SET), 100, 0, "lseek SEEK_SET past the end");
    EXPECT(write(fd, "end", 3), 3, 0, "write past the end");
    fstat(fd, &st);
    CHECK(st.st_size == 103, "writing past the end extends the file");
    EXPECT(pread(fd, buf, 10, 50), 10, 0, "pread in the hole");
    CHECK(!memcmp(buf, "\0\0\0\0\0\0\0\0\0\0", 10), "the hole reads as zeros");
    EXPECT(lseek(fd, -3, SEEK_END), 100, 0, "lseek SEEK_END");
    EXPECT(lseek(fd, 2, SEEK_CUR), 102, 0, "lseek SEEK_CUR");
    EXPECT_ERR(lseek(fd, -200, SEEK_CUR), EINVAL, "lseek to a negative offset");
    EXPECT_ERR(lseek(fd, 0, 99), EINVAL, "lseek bad whence");
    EXPECT(lseek(fd, 0, SEEK_END), 103, 0, "lseek to the end");
    EXPECT(read(fd, buf, 10), 0, 0, "read at the end returns 0");
    EXPECT_ERR(lseek(99999, 0, SEEK_SET), EBADF, "lseek a bad fd");

    EXPECT(pwrite(fd, "PW", 2, 1), 2, 0, "pwrite");
    EXPECT(lseek(fd, 0, SEEK_CUR), 103, 0, "pwrite does not move the offset");
    EXPECT(pread(fd, buf, 3, 0), 3, 0, "pread");
    CHECK(!memcmp(buf, "\0PW", 3), "pread sees what pwrite wrote");
    EXPECT(lseek(fd, 0, SEEK_CUR), 103, 0, "pread does not move the offset");
    EXPECT_ERR(pread(fd, buf, 1, -1), EINVAL, "pread negative offset");
    EXPECT_ERR(pwrite(fd, buf, 1, -1), EINVAL, "pwrite negative offset");

    char a[3] = "abc", b[4] = "defg", r1[2], r2[5];
    struct iovec wv[3] = {{a, 3}, {NULL, 0}, {b, 4}};
    lseek(fd, 0, SEEK_SET);
    EXPECT(writev(fd, wv, 3), 7, 0, "writev gathers 3 buffers");
    struct iovec rv[2] = {{r1, 2}, {r2, 5}};
    lseek(fd, 0, SEEK_SET);
    EXPECT(readv(fd, rv, 2), 7, 0, "readv scatters into 2 buffers");
    CHECK(!memcmp(r1, "ab", 2) && !memcmp(r2, "cdefg", 5), "readv data");
    EXPECT(writev(fd, wv, 0), 0, 0, "writev of 0 buffers");
    EXPECT_ERR(writev(fd, wv, 1025), EINVAL, "writev of 1025 buffers (over IOV_MAX)");
    EXPECT_ERR(writev(fd, wv, -1), EINVAL, "writev negative count");
    struct iovec huge[2] = {{a, 3}, {b, (size_t)-1}};
    EXPECT_ERR(writev(fd, huge, 2), EINVAL, "writev with a negative length");
    close(fd);
}

static int dir_has(const char *dir, const char *name, unsigned char type)
{
    char buf[4096];
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    int found = 0;
    long n;
    while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        for (long off = 0; off < n;) {
            struct dirent64 {
                uint64_t d_ino;
                int64_t d_off;
                unsigned short d_reclen;
                unsigned char d_type;
                char d_name[];
            } *d = (void *)(buf + off);
            if (!strcmp(d->d_name, name) && d->d_type == type && d->d_ino != 0)
                found++;
            off += d->d_reclen;
        }
    }
    close(fd);
    return found == 1;
}

static void test_dirs(void)
{
    char buf[4096];
    mkdir("g", 0755);
    write_file("g/file", "x");
    mkdir("g/sub", 0755);
    symlink("file", "g/link");
    CHECK(dir_has("g", ".", DT_DIR) && dir_has("g", "..", DT_DIR), "getdents64 lists . and ..");
    CHECK(dir_has("g", "file", DT_REG), "getdents64 lists a file as DT_REG");
    CHECK(dir_has("g", "sub", DT_DIR), "getdents64 lists a directory as DT_DIR");
    CHECK(dir_has("g", "link", DT_LNK), "getdents64 lists a symlink as DT_LNK");
    int fd = open("g", O_RDONLY | O_DIRECTORY);
    long total = 0, n;
    int entries = 0;
    /* Small buffers: each call returns whole entries only. */
    while ((n = syscall(SYS_getdents64, fd, buf, 40)) > 0) {
        total += n;
        entries++;
    }
    CHECK(n == 0 && entries == 5, "getdents64 with a 40-byte buffer returns one entry per call");
    EXPECT(syscall(SYS_getdents64, fd, buf, sizeof buf), 0, 0, "getdents64 at the end returns 0");
    lseek(fd, 0, SEEK_SET);
    EXPECT_ERR(syscall(SYS_getdents64, fd, buf, 10), EINVAL,
               "getdents64 with a buffer too small for one entry");
    close(fd);
    fd = open("g/file", O_RDONLY);
    EXPECT_ERR(syscall(SYS_getdents64, fd, buf, sizeof buf), ENOTDIR, "getdents64 on a file");
    close(fd);
    EXPECT_ERR(syscall(SYS_getdents64, 9999, buf, sizeof buf), EBADF, "getdents64 on a bad fd");
    unlink("g/file");
    CHECK(!dir_has("g", "file", DT_REG), "getdents64 no longer lists an unlinked file");

    struct stat st;
    stat("g", &st);
    CHECK(st.st_nlink == 3, "a directory with one subdirectory has st_nlink 3");

    /* symlink and readlink */
    EXPECT(symlink("some/target", "sy"), 0, 0, "symlink");
    EXPECT(readlink("sy", buf, sizeof buf), 11, 0, "readlink returns the length");
    CHECK(!memcmp(buf, "some/target", 11), "readlink returns the target");
    EXPECT(readlink("sy", buf, 4), 4, 0, "readlink truncates to the buffer size");
    EXPECT_ERR(syscall(SYS_readlink, "sy", buf, 0), EINVAL, "readlink with size 0");
    EXPECT_ERR(readlink("g", buf, sizeof buf), EINVAL, "readlink of a directory");
    EXPECT_ERR(readlink("nope", buf, sizeof buf), ENOENT, "readlink of a missing file");
    EXPECT_ERR(symlink("x", "sy"), EEXIST, "symlink over an existing name");
    lstat("sy", &st);
    CHECK(S_ISLNK(st.st_mode) && st.st_size == 11, "lstat of a symlink: S_IFLNK, size = length");
    EXPECT_ERR(stat("sy", &st), ENOENT, "stat of a dangling symlink");

    /* hard links */
    write_file("l1", "linked");
    EXPECT(link("l1", "l2"), 0, 0, "link");
    struct stat s1, s2;
    stat("l1", &s1);
    stat("l2", &s2);
    CHECK(s1.st_ino == s2.st_ino && s1.st_dev == s2.st_dev && s1.st_nlink == 2,
          "two links share the inode and st_nlink is 2");
    unlink("l1");
    stat("l2", &s2);
    CHECK(s2.st_nlink == 1 && file_is("l2", "linked"), "after unlink one link remains");
    EXPECT_ERR(link("g", "g2"), EPERM, "link a directory");
    EXPECT_ERR(link("l2", "sy"), EEXIST, "link over an existing name");
    EXPECT_ERR(link("nope", "n2"), ENOENT, "link a missing file");

    /* chdir and getcwd */
    char cwd[PATH_MAX];
    CHECK(getcwd(cwd, sizeof cwd) && !strcmp(cwd, t_tmpdir), "getcwd is the test directory");
    EXPECT(chdir("g/sub"), 0, 0, "chdir into a subdirectory");
    char want[PATH_MAX];
    snprintf(want, sizeof want, "%s/g/sub", t_tmpdir);
    CHECK(getcwd(cwd, sizeof cwd) && !strcmp(cwd, want), "getcwd after chdir");
    EXPECT(syscall(SYS_getcwd, cwd, sizeof cwd), (long)strlen(want) + 1, 0,
           "the getcwd syscall returns the length with the NUL");
    EXPECT_ERR(syscall(SYS_getcwd, cwd, 5), ERANGE, "getcwd with a small buffer");
    EXPECT(chdir("../.."), 0, 0, "chdir ../..");
    CHECK(getcwd(cwd, sizeof cwd) && !strcmp(cwd, t_tmpdir), "getcwd back at the start");
    EXPECT_ERR(chdir("l2"), ENOTDIR, "chdir to a file");
    EXPECT_ERR(chdir("nope"), ENOENT, "chdir to a missing directory");
    int gfd = open("g", O_RDONLY | O_DIRECTORY);
    EXPECT(fchdir(gfd), 0, 0, "fchdir");
    snprintf(want, sizeof want, "%s/g", t_tmpdir);
    CHECK(getcwd(cwd, sizeof cwd) && !strcmp(cwd, want), "getcwd after fchdir");
    chdir(t_tmpdir);
    close(gfd);
    fd = open("l2", O_RDONLY);
    EXPECT_ERR(fchdir(fd), ENOTDIR, "fchdir to a file");
    close(fd);
    /* A removed current directory. */
    mkdir("gone", 0755);
    chdir("gone");
    rmdir("../gone");
    EXPECT_ERR(open("x", O_CREAT | O_WRONLY, 0644), ENOENT, "create in a removed cwd");
    EXPECT_ERR(syscall(SYS_getcwd, cwd, sizeof cwd), ENOENT, "getcwd in a removed directory");
    chdir(t_tmpdir);
}

static void test_fds(void)
{
    int fd = open("fds", O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(fd, "0123456789", 10);
    lseek(fd, 0, SEEK_SET);
    /* The lowest free fd: close one and dup gets it. */
    int spare = open("fds", O_RDONLY);
    close(spare);
    int d = dup(fd);
    EXPECT(d, spare, 0, "dup returns the lowest free fd");
    char c;
    read(fd, &c, 1);
    EXPECT(lseek(d, 0, SEEK_CUR), 1, 0, "dup'ed fds share the offset");
    EXPECT(fcntl(d, F_GETFD), 0, 0, "dup clears FD_CLOEXEC");
    EXPECT(dup2(fd, 50), 50, 0, "dup2 to a chosen fd");
    EXPECT(dup2(fd, fd), fd, 0, "dup2 to itself returns the fd");
    EXPECT_ERR(dup2(9999, 51), EBADF, "dup2 from a bad fd");
    EXPECT_ERR(dup2(fd, -1), EBADF, "dup2 to a negative fd");
    EXPECT_ERR(dup2(fd, 1 << 20), EBADF, "dup2 above the fd limit");
    EXPECT(syscall(SYS_dup3, fd, 50, O_CLOEXEC), 50, 0, "dup3 over an open fd");
    EXPECT(fcntl(50, F_GETFD), FD_CLOEXEC, 0, "dup3 O_CLOEXEC");
    EXPECT_ERR(syscall(SYS_dup3, fd, fd, 0), EINVAL, "dup3 to itself");
    EXPECT_ERR(syscall(SYS_dup3, fd, 51, 0x4), EINVAL, "dup3 unknown flag");
    EXPECT(fcntl(fd, F_DUPFD, 60), 60, 0, "F_DUPFD takes the lowest fd >= arg");
    EXPECT(fcntl(fd, F_DUPFD, 60), 61, 0, "F_DUPFD skips used fds");
    EXPECT(fcntl(fd, F_DUPFD_CLOEXEC, 70), 70, 0, "F_DUPFD_CLOEXEC");
    EXPECT(fcntl(70, F_GETFD), FD_CLOEXEC, 0, "F_DUPFD_CLOEXEC sets FD_CLOEXEC");
    EXPECT(fcntl(70, F_SETFD, 0), 0, 0, "F_SETFD");
    EXPECT(fcntl(70, F_GETFD), 0, 0, "F_GETFD after F_SETFD");
    EXPECT((fcntl(fd, F_GETFL) & O_ACCMODE), O_RDWR, 0, "F_GETFL access mode");
    EXPECT_ERR(fcntl(fd, 9999), EINVAL, "fcntl unknown command");
    EXPECT_ERR(fcntl(9999, F_GETFD), EBADF, "fcntl on a bad fd");
    EXPECT_ERR(fcntl(fd, F_DUPFD, -1), EINVAL, "F_DUPFD negative");
    close(50);
    close(60);
    close(61);
    close(70);
    close(d);
    /* The fd stays open on the file after close of another fd of it. */
    EXPECT(read(fd, &c, 1), 1, 0, "the original fd works after closing its duplicates");
    close(fd);
}

static void test_at(void)
{
    struct stat st;
    mkdir("at", 0755);
    int dfd = open("at", O_RDONLY | O_DIRECTORY);
    int fd = openat(dfd, "f", O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0 && access("at/f", F_OK) == 0, "openat relative to a dirfd");
    write(fd, "at", 2);
    close(fd);
    char abs[PATH_MAX];
    snprintf(abs, sizeof abs, "%s/at/f", t_tmpdir);
    fd = openat(9999, abs, O_RDONLY);
    CHECK(fd >= 0, "openat with an absolute path ignores the dirfd");
    close(fd);
    int ffd = open("at/f", O_RDONLY);
    EXPECT_ERR(openat(ffd, "x", O_RDONLY), ENOTDIR, "openat with a file as dirfd");
    EXPECT_ERR(openat(9999, "x", O_RDONLY), EBADF, "openat with a bad dirfd");
    EXPECT(fstatat(ffd, "", &st, AT_EMPTY_PATH), 0, 0, "fstatat AT_EMPTY_PATH");
    CHECK(st.st_size == 2, "fstatat AT_EMPTY_PATH describes the fd");
    EXPECT_ERR(fstatat(ffd, "", &st, 0), ENOENT, "fstatat empty path without AT_EMPTY_PATH");
    close(ffd);
    EXPECT(mkdirat(dfd, "sub", 0700), 0, 0, "mkdirat");
    EXPECT(symlinkat("f", dfd, "sl"), 0, 0, "symlinkat");
    char buf[16];
    EXPECT(readlinkat(dfd, "sl", buf, sizeof buf), 1, 0, "readlinkat");
    EXPECT(fstatat(dfd, "sl", &st, AT_SYMLINK_NOFOLLOW), 0, 0, "fstatat AT_SYMLINK_NOFOLLOW");
    CHECK(S_ISLNK(st.st_mode), "AT_SYMLINK_NOFOLLOW describes the link");
    EXPECT(fstatat(dfd, "sl", &st, 0), 0, 0, "fstatat follows");
    CHECK(S_ISREG(st.st_mode), "fstatat without flags describes the target");
    EXPECT_ERR(fstatat(dfd, "sl", &st, 0x1), EINVAL, "fstatat unknown flag");
    EXPECT(linkat(dfd, "f", dfd, "hard", 0), 0, 0, "linkat");
    EXPECT(renameat(dfd, "hard", dfd, "sub/hard"), 0, 0, "renameat");
    EXPECT(faccessat(dfd, "sub/hard", R_OK, 0), 0, 0, "faccessat");
    EXPECT(fchmodat(dfd, "sub/hard", 0600, 0), 0, 0, "fchmodat");
    stat("at/f", &st);
    CHECK((st.st_mode & 0777) == 0600, "fchmodat changed the shared inode");
    EXPECT(fchownat(dfd, "sl", 0, 0, AT_SYMLINK_NOFOLLOW), 0, 0, "fchownat AT_SYMLINK_NOFOLLOW");
    EXPECT_ERR(unlinkat(dfd, "sub", 0), EISDIR, "unlinkat a directory without AT_REMOVEDIR");
    EXPECT_ERR(unlinkat(dfd, "sub", AT_REMOVEDIR), ENOTEMPTY, "unlinkat AT_REMOVEDIR non-empty");
    EXPECT(unlinkat(dfd, "sub/hard", 0), 0, 0, "unlinkat a file");
    EXPECT_ERR(unlinkat(dfd, "f", AT_REMOVEDIR), ENOTDIR, "unlinkat AT_REMOVEDIR on a file");
    EXPECT(unlinkat(dfd, "sub", AT_REMOVEDIR), 0, 0, "unlinkat AT_REMOVEDIR");
    EXPECT_ERR(unlinkat(dfd, "f", 0x1), EINVAL, "unlinkat unknown flag");
    close(dfd);
}

static void test_attrs(void)
{
    struct stat st;
    write_file("m", "mode");
    EXPECT(chmod("m", 04751), 0, 0, "chmod");
    stat("m", &st);
    CHECK((st.st_mode & 07777) == 04751 && S_ISREG(st.st_mode), "chmod sets all 12 mode bits");
    symlink("m", "msl");
    chmod("msl", 0640);
    stat("m", &st);
    CHECK((st.st_mode & 07777) == 0640, "chmod follows a symlink");
    if (geteuid() == 0) {
        EXPECT(chown("m", 1000, 1001), 0, 0, "chown as root");
        stat("m", &st);
        CHECK(st.st_uid == 1000 && st.st_gid == 1001, "chown sets uid and gid");
        EXPECT(chown("m", -1, 0), 0, 0, "chown -1 keeps the uid");
        stat("m", &st);
        CHECK(st.st_uid == 1000 && st.st_gid == 0, "chown -1 kept the uid");
        chmod("m", 0);
        EXPECT(access("m", R_OK | W_OK), 0, 0, "root may read and write a mode-000 file");
        EXPECT_ERR(access("m", X_OK), EACCES, "root may not execute a file with no x bit");
        chmod("m", 0100);
        EXPECT(access("m", X_OK), 0, 0, "root may execute a file with one x bit");
    }
    EXPECT_ERR(access("nope", F_OK), ENOENT, "access a missing file");
    EXPECT_ERR(access("m", 0x10), EINVAL, "access with a bad mode");
    EXPECT_ERR(chmod("nope", 0644), ENOENT, "chmod a missing file");

    /* utimensat */
    struct timespec ts[2] = {{1000000000, 123456789}, {1100000000, 987654321}};
    EXPECT(utimensat(AT_FDCWD, "m", ts, 0), 0, 0, "utimensat sets times");
    stat("m", &st);
    CHECK(st.st_atim.tv_sec == 1000000000 && st.st_atim.tv_nsec == 123456789 &&
              st.st_mtim.tv_sec == 1100000000 && st.st_mtim.tv_nsec == 987654321,
          "atime and mtime with nanoseconds");
    struct timespec omit[2] = {{0, UTIME_OMIT}, {1200000000, 0}};
    utimensat(AT_FDCWD, "m", omit, 0);
    stat("m", &st);
    CHECK(st.st_atim.tv_sec == 1000000000 && st.st_mtim.tv_sec == 1200000000,
          "UTIME_OMIT keeps atime");
    struct timespec nowt[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}};
    utimensat(AT_FDCWD, "m", nowt, 0);
    stat("m", &st);
    CHECK(st.st_atim.tv_sec > 1600000000 && st.st_mtim.tv_sec == 1200000000,
          "UTIME_NOW sets atime to now");
    EXPECT(utimensat(AT_FDCWD, "msl", ts, AT_SYMLINK_NOFOLLOW), 0, 0,
           "utimensat AT_SYMLINK_NOFOLLOW");
    struct stat lst;
    lstat("msl", &lst);
    stat("m", &st);
    CHECK(lst.st_mtim.tv_sec == 1100000000 && st.st_mtim.tv_sec == 1200000000,
          "AT_SYMLINK_NOFOLLOW changes the link, not the target");
    struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
    EXPECT_ERR(utimensat(AT_FDCWD, "m", bad, 0), EINVAL, "utimensat tv_nsec 1e9");
    EXPECT_ERR(utimensat(AT_FDCWD, "nope", ts, 0), ENOENT, "utimensat a missing file");
    int fd = open("m2", O_CREAT | O_WRONLY, 0644);
    utimensat(AT_FDCWD, "m2", ts, 0);
    write(fd, "x", 1);
    fstat(fd, &st);
    CHECK(st.st_mtim.tv_sec > 1100000000 && st.st_ctim.tv_sec > 1100000000,
          "write updates mtime and ctime");
    close(fd);

    /* statfs */
    struct statfs sf;
    EXPECT(statfs(".", &sf), 0, 0, "statfs");
    CHECK(sf.f_bsize > 0 && sf.f_namelen == 255, "statfs f_bsize > 0 and f_namelen 255");
    fd = open(".", O_RDONLY);
    struct statfs sf2;
    EXPECT(fstatfs(fd, &sf2), 0, 0, "fstatfs");
    CHECK(sf2.f_type == sf.f_type, "fstatfs agrees with statfs");
    close(fd);
    EXPECT_ERR(statfs("nope", &sf), ENOENT, "statfs a missing path");
    EXPECT_ERR(fstatfs(9999, &sf), EBADF, "fstatfs a bad fd");
}

static void test_mknod(void)
{
    struct stat st;
    EXPECT(mknod("fifo", S_IFIFO | 0644, 0), 0, 0, "mknod S_IFIFO");
    stat("fifo", &st);
    CHECK(S_ISFIFO(st.st_mode) && (st.st_mode & 0777) == 0644, "a FIFO is S_IFIFO");
    int fd = open("fifo", O_RDONLY | O_NONBLOCK);
    CHECK(fd >= 0, "open a FIFO for reading without blocking");
    EXPECT_ERR(lseek(fd, 0, SEEK_SET), ESPIPE, "lseek on a FIFO");
    close(fd);
    EXPECT_ERR(open("fifo", O_WRONLY | O_NONBLOCK), ENXIO,
               "open a FIFO with no reader for writing without blocking");
    EXPECT(mknod("reg", S_IFREG | 0600, 0), 0, 0, "mknod S_IFREG");
    stat("reg", &st);
    CHECK(S_ISREG(st.st_mode) && st.st_size == 0, "mknod S_IFREG makes an empty file");
    EXPECT(mknod("reg0", 0600, 0), 0, 0, "mknod with type 0 makes a regular file");
    EXPECT_ERR(mknod("dir", S_IFDIR | 0755, 0), EPERM, "mknod S_IFDIR");
    EXPECT_ERR(mknod("fifo", S_IFIFO | 0644, 0), EEXIST, "mknod over an existing name");
    EXPECT_ERR(mknod("bad", 0170000 | 0644, 0), EINVAL, "mknod with an invalid type");
    if (geteuid() != 0) {
        skip("not root", "mknod S_IFCHR");
        return;
    }
    EXPECT(mknod("null2", S_IFCHR | 0666, makedev(1, 3)), 0, 0, "mknod S_IFCHR 1,3 as root");
    stat("null2", &st);
    CHECK(S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3,
          "a character device has S_IFCHR and st_rdev 1,3");
    struct statvfs vfs;
    statvfs(".", &vfs);
    fd = open("null2", O_WRONLY);
    if (vfs.f_flag & ST_NODEV) {
        /* the host's /tmp may be mounted nodev */
        CHECK(fd == -1 && errno == EACCES, "opening a device on a nodev mount fails with EACCES");
    } else {
        CHECK(fd >= 0 && write(fd, "abc", 3) == 3, "a mknod'ed 1,3 device works as /dev/null");
    }
    if (fd >= 0)
        close(fd);
}

static void test_dev(void)
{
    char buf[256];
    struct stat st;
    struct {
        const char *path;
        int maj, min;
    } devs[] = {
        {"/dev/null", 1, 3}, {"/dev/zero", 1, 5}, {"/dev/full", 1, 7}, {"/dev/urandom", 1, 9}};
    for (int i = 0; i < 4; i++) {
        int ok = stat(devs[i].path, &st) == 0 && S_ISCHR(st.st_mode) &&
                 major(st.st_rdev) == (unsigned)devs[i].maj &&
                 minor(st.st_rdev) == (unsigned)devs[i].min;
        CHECK(ok, "%s is character device %d,%d", devs[i].path, devs[i].maj, devs[i].min);
    }
    int fd = open("/dev/null", O_RDWR);
    EXPECT(read(fd, buf, sizeof buf), 0, 0, "/dev/null reads end of file");
    EXPECT(write(fd, buf, sizeof buf), (long)sizeof buf, 0, "/dev/null takes every write");
    EXPECT(lseek(fd, 100, SEEK_SET), 0, 0, "lseek on /dev/null returns 0");
    close(fd);
    fd = open("/dev/zero", O_RDWR);
    memset(buf, 1, sizeof buf);
    EXPECT(read(fd, buf, sizeof buf), (long)sizeof buf, 0, "/dev/zero reads");
    int zero = 1;
    for (size_t i = 0; i < sizeof buf; i++)
        zero &= buf[i] == 0;
    CHECK(zero, "/dev/zero reads zeros");
    EXPECT(write(fd, buf, 10), 10, 0, "/dev/zero takes writes");
    close(fd);
    fd = open("/dev/full", O_RDWR);
    EXPECT_ERR(write(fd, buf, 10), ENOSPC, "/dev/full write fails with ENOSPC");
    memset(buf, 1, sizeof buf);
    EXPECT(read(fd, buf, 16), 16, 0, "/dev/full reads");
    CHECK(buf[0] == 0 && buf[15] == 0, "/dev/full reads zeros");
    close(fd);
    fd = open("/dev/urandom", O_RDONLY);
    char r2[64];
    EXPECT(read(fd, buf, 64), 64, 0, "/dev/urandom reads 64 bytes");
    read(fd, r2, 64);
    CHECK(memcmp(buf, r2, 64) != 0, "/dev/urandom reads differ");
    close(fd);
}

/* /dev/kmsg: a reader at the end of the log sleeps in poll until a new
 * message arrives (written by a child 200 ms later), then reads it. */
static void test_kmsg_wakeup(void)
{
    int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
    if (fd < 0) {
        skip(strerror(errno), "/dev/kmsg poll wakes up on a new message");
        return;
    }
    char rec[8192];
    lseek(fd, 0, SEEK_END);
    while (read(fd, rec, sizeof rec) > 0) {
    }
    CHECK(errno == EAGAIN, "/dev/kmsg at the end: read fails with EAGAIN (%s)", errname(errno));
    pid_t pid = fork();
    if (pid == 0) {
        usleep(200000);
        int w = open("/dev/kmsg", O_WRONLY);
        const char msg[] = "<6>t_files: kmsg wakeup test\n";
        _exit(w >= 0 && write(w, msg, sizeof msg - 1) == (ssize_t)(sizeof msg - 1) ? 0 : 1);
    }
    struct pollfd p = {fd, POLLIN, 0};
    int r = poll(&p, 1, 10000);
    CHECK(r == 1 && (p.revents & POLLIN), "/dev/kmsg poll wakes up on a new message (%d)", r);
    int found = 0;
    for (int i = 0; i < 1000 && !found; i++) {
        ssize_t n = read(fd, rec, sizeof rec - 1);
        if (n <= 0) {
            if (n < 0 && errno == EAGAIN) {
                poll(&p, 1, 2000);
                continue;
            }
            break;
        }
        rec[n] = '\0';
        found = strstr(rec, "kmsg wakeup test") != NULL;
    }
    CHECK(found, "/dev/kmsg delivers the new message");
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "the child wrote to /dev/kmsg");
    close(fd);
}

int main(void)
{
    t_begin("t_files");
    umask(022);
    if (t_enter_tmpdir() != 0)
        return t_end();
    test_open();
    test_unlink_rename();
    test_io();
    test_dirs();
    test_fds();
    test_at();
    test_attrs();
    test_mknod();
    test_dev();
    test_kmsg_wakeup();
    t_leave_tmpdir();
    return t_end();
}
