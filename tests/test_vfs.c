// SPDX-License-Identifier: MIT
/* VFS + tmpfs through the syscalls: open and its errnos, read/write,
 * path walking (., .., symlinks, ELOOP, trailing slashes, *at dirfds,
 * name limits, bad pointers), getdents64, getcwd/chdir. */
#include <abi/uio.h>
#include <fs/fdtable.h>
#include <fs/vfs.h>
#include <kernel/kmalloc.h>
#include <stdio.h>
#include <string.h>

#include "fakes/page_alloc_fake.h"
#include "fakes/vfs_test.h"
#include "harness.h"

HARNESS("test_vfs");

#define BAD ((u64)FAKE_BAD_UADDR)

/* Each case works in its own directory, made and entered by enter(). */
static void enter(const char *dir)
{
    SYS(chdir, U("/"));
    SYS(mkdir, U(dir), 0755);
    SYS(chdir, U(dir));
}

static void test_create_write_read(void)
{
    char buf[64];
    struct linux_stat st;

    enter("/t_rw");
    long fd = t_open("f", O_CREAT | O_RDWR, 0644);
    CHECK(fd >= 0);
    CHECK_EQ(t_write_str((int)fd, "hello world"), 11);
    CHECK_EQ(SYS(lseek, (u64)fd, 0, SEEK_CUR), 11);
    CHECK_EQ(SYS(lseek, (u64)fd, 6, SEEK_SET), 6);
    memset(buf, 0, sizeof(buf));
    CHECK_EQ(SYS(read, (u64)fd, U(buf), sizeof(buf)), 5);
    CHECK(strcmp(buf, "world") == 0);
    CHECK_EQ(SYS(read, (u64)fd, U(buf), sizeof(buf)), 0);
    CHECK_EQ(SYS(pread64, (u64)fd, U(buf), 5, 0), 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK_EQ(SYS(pwrite64, (u64)fd, U("J"), 1, 0), 1);
    CHECK_EQ(SYS(lseek, (u64)fd, 0, SEEK_CUR), 11); /* pwrite keeps the offset */
    CHECK_EQ(SYS(lseek, (u64)fd, -5, SEEK_END), 6);
    CHECK_EQ(SYS(lseek, (u64)fd, -100, SEEK_CUR), -EINVAL);
    CHECK_EQ(SYS(lseek, (u64)fd, 0, 99), -EINVAL);
    CHECK_EQ(SYS(fstat, (u64)fd, U(&st)), 0);
    CHECK_EQ(st.st_size, 11);
    CHECK_EQ(st.st_mode, S_IFREG | 0644);
    CHECK_EQ(st.st_nlink, 1);
    CHECK_EQ(st.st_blksize, 4096);
    CHECK_EQ(st.st_blocks, 8);
    CHECK_EQ(SYS(close, (u64)fd), 0);
    CHECK_EQ(SYS(close, (u64)fd), -EBADF);
    CHECK_EQ(SYS(close, (u64)-1), -EBADF);

    /* umask applies to creation modes. */
    CHECK_EQ(SYS(umask, 077), 022);
    fd = t_open("g", O_CREAT | O_WRONLY, 0666);
    CHECK(fd >= 0);
    SYS(close, (u64)fd);
    CHECK_EQ(t_stat("g", &st), 0);
    CHECK_EQ(st.st_mode, S_IFREG | 0600);
    CHECK_EQ(SYS(umask, 022), 077);

    /* O_APPEND writes at the end whatever the offset. */
    fd = t_open("f", O_WRONLY | O_APPEND, 0);
    CHECK(fd >= 0);
    CHECK_EQ(SYS(lseek, (u64)fd, 0, SEEK_SET), 0);
    CHECK_EQ(t_write_str((int)fd, "!"), 1);
    CHECK_EQ(SYS(lseek, (u64)fd, 0, SEEK_CUR), 12);
    SYS(close, (u64)fd);
    fd = t_open("f", O_RDONLY, 0);
    CHECK_EQ(SYS(read, (u64)fd, U(buf), sizeof(buf)), 12);
    CHECK(memcmp(buf, "Jello world!", 12) == 0);
    SYS(close, (u64)fd);

    /* O_TRUNC empties an existing file; creat() too. */
    fd = t_open("f", O_WRONLY | O_TRUNC, 0);
    CHECK(fd >= 0);
    SYS(close, (u64)fd);
    CHECK_EQ(t_stat("f", &st), 0);
    CHECK_EQ(st.st_size, 0);
    CHECK_EQ(st.st_blocks, 0);
    fd = SYS(creat, U("c"), 0600);
    CHECK(fd >= 0);
    CHECK_EQ(t_write_str((int)fd, "x"), 1);
    CHECK_EQ(SYS(read, (u64)fd, U(buf), 1), -EBADF);
    SYS(close, (u64)fd);
}

static void test_readv_writev(void)
{
    char a[4] = "abc", b[4] = "def", c[8];
    struct linux_iovec iov[2] = {{U(a), 3}, {U(b), 3}};

    enter("/t_iov");
    long fd = t_open("v", O_CREAT | O_RDWR, 0644);
    CHECK_EQ(SYS(writev, (u64)fd, U(iov), 2), 6);
    CHECK_EQ(SYS(lseek, (u64)fd, 0, SEEK_SET), 0);
    memset(c, 0, sizeof(c));
    struct linux_iovec riov[2] = {{U(c), 2}, {U(c + 2), 6}};
    CHECK_EQ(SYS(readv, (u64)fd, U(riov), 2), 6);
    CHECK(strcmp(c, "abcdef") == 0);
    CHECK_EQ(SYS(preadv, (u64)fd, U(riov), 1, 4), 2);
    CHECK(memcmp(c, "ef", 2) == 0);
    CHECK_EQ(SYS(readv, (u64)fd, U(riov), (u64)-1), -EINVAL);
    CHECK_EQ(SYS(readv, (u64)fd, U(riov), 1025), -EINVAL);
    CHECK_EQ(SYS(readv, (u64)fd, BAD, 2), -EFAULT);
    struct linux_iovec biov[1] = {{BAD, 4}};
    CHECK_EQ(SYS(writev, (u64)fd, U(biov), 1), -EFAULT);
    CHECK_EQ(SYS(readv, (u64)fd, U(riov), 0), 0);
    SYS(close, (u64)fd);
}

static void test_open_errors(void)
{
    static char longname[300], longpath[PATH_MAX + 10];

    enter("/t_openerr");
    CHECK_EQ(t_make_file("file", "data"), 0);
    CHECK_EQ(SYS(mkdir, U("dir"), 0755), 0);
    CHECK_EQ(t_open("missing", O_RDONLY, 0), -ENOENT);
    CHECK_EQ(t_open("missing/x", O_CREAT | O_RDWR, 0644), -ENOENT);
    CHECK_EQ(t_open("", O_RDONLY, 0), -ENOENT);
    CHECK_EQ(t_open("file", O_CREAT | O_EXCL | O_RDWR, 0644), -EEXIST);
    CHECK_EQ(t_open("dir", O_WRONLY, 0), -EISDIR);
    CHECK_EQ(t_open("dir", O_RDWR, 0), -EISDIR);
    CHECK_EQ(t_open("dir", O_RDONLY | O_TRUNC, 0), -EISDIR);
    CHECK_EQ(t_open("dir", O_CREAT | O_RDONLY, 0644), -EISDIR);
    CHECK_EQ(t_open("file", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
    CHECK_EQ(t_open("file/x", O_RDONLY, 0), -ENOTDIR);
    CHECK_EQ(t_open("file/", O_RDONLY, 0), -ENOTDIR);
    CHECK_EQ(t_open("file/", O_CREAT | O_RDWR, 0644), -EISDIR);
    CHECK_EQ(t_open("new/", O_CREAT | O_RDWR, 0644), -EISDIR);
    CHECK_EQ(t_open("new", O_CREAT | O_DIRECTORY | O_RDWR, 0644), -EINVAL);
    long fd3 = t_open("file", 3, 0); /* ioctl-only access */
    CHECK(fd3 >= 0);
    CHECK_EQ(SYS(read, (u64)fd3, U(longname), 1), -EBADF);
    CHECK_EQ(SYS(write, (u64)fd3, U(longname), 1), -EBADF);
    SYS(close, (u64)fd3);
    CHECK_EQ(SYS(openat, (u64)AT_FDCWD, BAD, O_RDONLY, 0), -EFAULT);
    CHECK_EQ(SYS(openat, (u64)AT_FDCWD, 0, O_RDONLY, 0), -EFAULT);

    /* NAME_MAX 255 per component, PATH_MAX 4096 with the NUL. */
    memset(longname, 'n', 256);
    CHECK_EQ(t_open(longname, O_CREAT | O_RDWR, 0644), -ENAMETOOLONG);
    longname[255] = '\0';
    long fd = t_open(longname, O_CREAT | O_RDWR, 0644);
    CHECK(fd >= 0);
    SYS(close, (u64)fd);
    CHECK_EQ(SYS(unlink, U(longname)), 0);
    memset(longpath, '/', PATH_MAX);
    longpath[PATH_MAX] = '\0';
    CHECK_EQ(t_open(longpath, O_RDONLY, 0), -ENAMETOOLONG);
    longpath[PATH_MAX - 1] = '\0'; /* 4095 slashes + NUL: "/" */
    fd = t_open(longpath, O_RDONLY, 0);
    CHECK(fd >= 0);
    SYS(close, (u64)fd);

    /* Directories open read-only; read() on them is EISDIR. */
    char buf[8];
    fd = t_open("dir", O_RDONLY, 0);
    CHECK(fd >= 0);
    CHECK_EQ(SYS(read, (u64)fd, U(buf), 8), -EISDIR);
    CHECK_EQ(SYS(write, (u64)fd, U(buf), 8), -EBADF);
    SYS(close, (u64)fd);

    /* Access mode checks on the fd. */
    fd = t_open("file", O_RDONLY, 0);
    CHECK_EQ(SYS(write, (u64)fd, U("x"), 1), -EBADF);
    CHECK_EQ(SYS(read, (u64)fd, BAD, 4), -EFAULT);
    CHECK_EQ(SYS(read, (u64)fd, U(buf), 0), 0);
    SYS(close, (u64)fd);
    fd = t_open("file", O_WRONLY, 0);
    CHECK_EQ(SYS(read, (u64)fd, U(buf), 1), -EBADF);
    CHECK_EQ(SYS(write, (u64)fd, BAD, 4), -EFAULT);
    SYS(close, (u64)fd);
    CHECK_EQ(SYS(read, 999, U(buf), 1), -EBADF);
    CHECK_EQ(SYS(write, (u64)-5, U(buf), 1), -EBADF);
}

static void test_o_path(void)
{
    struct linux_stat st;
    char buf[8];

    enter("/t_opath");
    CHECK_EQ(t_make_file("file", "abc"), 0);
    CHECK_EQ(SYS(symlink, U("file"), U("link")), 0);
    long fd = t_open("file", O_PATH, 0);
    CHECK(fd >= 0);
    CHECK_EQ(SYS(read, (u64)fd, U(buf), 1), -EBADF);
    CHECK_EQ(SYS(write, (u64)fd, U(buf), 1), -EBADF);
    CHECK_EQ(SYS(fchmod, (u64)fd, 0600), -EBADF);
    CHECK_EQ(SYS(ftruncate, (u64)fd, 0), -EBADF);
    CHECK_EQ(SYS(ioctl, (u64)fd, 0x5401, 0), -EBADF);
    CHECK_EQ(SYS(fstat, (u64)fd, U(&st)), 0);
    CHECK_EQ(st.st_size, 3);
    CHECK_EQ(SYS(fcntl, (u64)fd, F_GETFL), O_PATH | O_LARGEFILE);
    long fd2 = SYS(dup, (u64)fd);
    CHECK(fd2 >= 0);
    SYS(close, (u64)fd2);
    SYS(close, (u64)fd);
    /* O_PATH|O_NOFOLLOW opens the symlink itself. */
    fd = t_open("link", O_PATH | O_NOFOLLOW, 0);
    CHECK(fd >= 0);
    CHECK_EQ(SYS(fstat, (u64)fd, U(&st)), 0);
    CHECK(S_ISLNK(st.st_mode));
    SYS(close, (u64)fd);
    /* fstatat(fd, "", AT_EMPTY_PATH) on a non-directory. */
    fd = t_open("file", O_RDONLY, 0);
    memset(&st, 0, sizeof(st));
    CHECK_EQ(SYS(newfstatat, (u64)fd, U(""), U(&st), AT_EMPTY_PATH), 0);
    CHECK_EQ(st.st_size, 3);
    CHECK_EQ(SYS(newfstatat, (u64)fd, U(""), U(&st), 0), -ENOENT);
    CHECK_EQ(SYS(newfstatat, (u64)fd, U("x"), U(&st), 0), -ENOTDIR);
    CHECK_EQ(SYS(newfstatat, (u64)fd, U(""), U(&st), 0x8000), -EINVAL);
    SYS(close, (u64)fd);
}

static void test_symlinks(void)
{
    struct linux_stat st, lst;
    char buf[128];

    enter("/t_sym");
    CHECK_EQ(t_make_file("target", "T"), 0);
    CHECK_EQ(SYS(mkdir, U("d"), 0755), 0);
    CHECK_EQ(SYS(symlink, U("target"), U("rel")), 0);
    CHECK_EQ(SYS(symlink, U("/t_sym/target"), U("abs")), 0);
    CHECK_EQ(SYS(symlink, U("../t_sym/d"), U("dlink")), 0);
    CHECK_EQ(SYS(symlink, U("nowhere"), U("dangling")), 0);
    CHECK_EQ(SYS(symlink, U("x"), U("rel")), -EEXIST);
    CHECK_EQ(SYS(symlink, U(""), U("empty")), -ENOENT);
    CHECK_EQ(SYS(symlink, U("x"), U("new/")), -ENOENT);

    CHECK_EQ(SYS(readlink, U("rel"), U(buf), sizeof(buf)), 6);
    CHECK(memcmp(buf, "target", 6) == 0);
    CHECK_EQ(SYS(readlink, U("abs"), U(buf), 3), 3); /* truncated, no NUL */
    CHECK(memcmp(buf, "/t_", 3) == 0);
    CHECK_EQ(SYS(readlink, U("target"), U(buf), sizeof(buf)), -EINVAL);
    CHECK_EQ(SYS(readlink, U("rel"), U(buf), 0), -EINVAL);
    CHECK_EQ(SYS(readlink, U("rel"), BAD, 10), -EFAULT);

    CHECK_EQ(t_stat("rel", &st), 0);
    CHECK_EQ(t_lstat("rel", &lst), 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK(S_ISLNK(lst.st_mode));
    CHECK_EQ(lst.st_size, 6);
    CHECK_EQ(lst.st_mode, S_IFLNK | 0777);
    CHECK_EQ(t_stat("abs", &lst), 0);
    CHECK_EQ(lst.st_ino, st.st_ino);
    CHECK_EQ(t_stat("dlink", &st), 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK_EQ(t_lstat("dlink/", &st), 0); /* a trailing slash follows */
    CHECK(S_ISDIR(st.st_mode));
    CHECK_EQ(t_stat("dangling", &st), -ENOENT);
    CHECK_EQ(t_lstat("dangling", &st), 0);

    /* O_NOFOLLOW on a final symlink; O_CREAT through a dangling one. */
    CHECK_EQ(t_open("rel", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
    CHECK_EQ(t_open("dangling", O_RDWR | O_CREAT | O_EXCL, 0644), -EEXIST);
    long fd = t_open("dangling", O_RDWR | O_CREAT, 0644);
    CHECK(fd >= 0);
    SYS(close, (u64)fd);
    CHECK_EQ(t_stat("nowhere", &st), 0);

    /* Loops: a <-> b, and a chain of exactly 40 vs 41 links. */
    CHECK_EQ(SYS(symlink, U("b"), U("a")), 0);
    CHECK_EQ(SYS(symlink, U("a"), U("b")), 0);
    CHECK_EQ(t_stat("a", &st), -ELOOP);
    CHECK_EQ(t_open("a", O_RDONLY, 0), -ELOOP);
    CHECK_EQ(t_open("a/x", O_RDONLY, 0), -ELOOP);
    CHECK_EQ(t_lstat("a", &st), 0);
    char name[16], prev[16];
    strcpy(prev, "target");
    for (int i = 1; i <= 41; i++) {
        snprintf(name, sizeof(name), "l%d", i);
        CHECK_EQ(SYS(symlink, U(prev), U(name)), 0);
        strcpy(prev, name);
    }
    CHECK_EQ(t_stat("l40", &st), 0);
    CHECK_EQ(t_stat("l41", &st), -ELOOP);
    /* Links in the middle of a path. */
    CHECK_EQ(t_make_file("d/inner", "I"), 0);
    CHECK_EQ(t_stat("dlink/inner", &st), 0);
    CHECK_EQ(t_stat("/t_sym/dlink/../d/inner", &st), 0);
    CHECK_EQ(SYS(symlink, U("/"), U("root")), 0);
    CHECK_EQ(t_stat("root/t_sym/target", &st), 0);
    CHECK_EQ(t_stat("root", &st), 0);
    CHECK(S_ISDIR(st.st_mode));
}

static void test_trailing_slash(void)
{
    struct linux_stat st;

    enter("/t_slash");
    CHECK_EQ(t_make_file("file", "x"), 0);
    CHECK_EQ(SYS(mkdir, U("dir/"), 0755), 0);
    CHECK_EQ(SYS(mkdir, U("dir//"), 0755), -EEXIST);
    CHECK_EQ(t_stat("file/", &st), -ENOTDIR);
    CHECK_EQ(t_stat("dir/", &st), 0);
    CHECK_EQ(t_stat("dir//.//", &st), 0);
    CHECK_EQ(SYS(unlink, U("file/")), -ENOTDIR);
    CHECK_EQ(SYS(unlink, U("dir/")), -EISDIR);
    CHECK_EQ(SYS(unlink, U("missing/")), -ENOENT);
    CHECK_EQ(SYS(rmdir, U("file/")), -ENOTDIR);
    CHECK_EQ(SYS(rename, U("file/"), U("f2")), -ENOTDIR);
    CHECK_EQ(SYS(rename, U("file"), U("f2/")), -ENOTDIR);
    CHECK_EQ(SYS(rename, U("dir/"), U("dir2/")), 0);
    CHECK_EQ(SYS(mknod, U("fifo/"), S_IFIFO | 0644, 0), -ENOENT);
    CHECK_EQ(SYS(link, U("file"), U("hard/")), -ENOENT);
    CHECK_EQ(SYS(symlink, U("dir2"), U("sl")), 0);
    CHECK_EQ(SYS(rmdir, U("sl/")), -ENOTDIR);
    CHECK_EQ(SYS(unlink, U("sl/")), -ENOTDIR);
    CHECK_EQ(SYS(mkdir, U("sl/"), 0755), -EEXIST);
    CHECK_EQ(SYS(rmdir, U("dir2/")), 0);
}

static void test_dots_and_mounts(void)
{
    struct linux_stat a, b;
    char buf[256];

    enter("/t_dots");
    CHECK_EQ(t_stat("/..", &a), 0);
    CHECK_EQ(t_stat("/", &b), 0);
    CHECK_EQ(a.st_ino, b.st_ino);
    CHECK_EQ(t_stat("/../../..", &a), 0);
    CHECK_EQ(a.st_ino, b.st_ino);
    CHECK_EQ(t_stat("..", &a), 0);
    CHECK_EQ(a.st_ino, b.st_ino);

    CHECK_EQ(SYS(mkdir, U("mnt"), 0755), 0);
    CHECK_EQ(t_make_file("mnt/under", "u"), 0);
    CHECK_EQ(t_stat("mnt", &a), 0);
    CHECK_EQ(SYS(mount, U("none"), U("mnt"), U("tmpfs"), 0, 0), 0);
    CHECK_EQ(t_stat("mnt", &b), 0);
    CHECK(a.st_dev != b.st_dev);
    CHECK_EQ(b.st_mode, S_IFDIR | 01777);
    CHECK_EQ(t_stat("mnt/under", &a), -ENOENT);
    CHECK_EQ(SYS(mkdir, U("mnt/sub"), 0755), 0);
    CHECK_EQ(SYS(chdir, U("mnt/sub")), 0);
    CHECK_EQ(SYS(getcwd, U(buf), sizeof(buf)), (long)strlen("/t_dots/mnt/sub") + 1);
    CHECK(strcmp(buf, "/t_dots/mnt/sub") == 0);
    /* ".." from the mount's root goes to the mountpoint's parent. */
    CHECK_EQ(t_stat("../..", &a), 0);
    CHECK_EQ(t_stat("/t_dots", &b), 0);
    CHECK_EQ(a.st_ino, b.st_ino);
    CHECK_EQ(a.st_dev, b.st_dev);
    CHECK_EQ(t_stat("../../mnt/sub/../../mnt", &a), 0);
    /* /proc/mounts text, and paths of open files (also unlinked ones). */
    static char mounts[1024];
    size_t mlen = vfs_format_mounts(mounts, sizeof(mounts));
    CHECK(mlen > 0 && mlen < sizeof(mounts));
    CHECK_EQ(vfs_format_mounts(NULL, 0), mlen);
    CHECK(strstr(mounts, "rootfs / tmpfs rw 0 0\n") != NULL);
    CHECK(strstr(mounts, "none /t_dots/mnt tmpfs rw 0 0\n") != NULL);
    long fd = t_open("gone", O_CREAT | O_RDWR, 0600);
    struct file *f = fd_get((int)fd);
    CHECK_EQ(vfs_dentry_path(f->dentry, buf, sizeof(buf)), 20);
    CHECK(strcmp(buf, "/t_dots/mnt/sub/gone") == 0);
    CHECK_EQ(SYS(unlink, U("gone")), 0);
    CHECK_EQ(vfs_dentry_path(f->dentry, buf, sizeof(buf)), 30);
    CHECK(strcmp(buf, "/t_dots/mnt/sub/gone (deleted)") == 0);
    CHECK_EQ(vfs_dentry_path(f->dentry, buf, 10), -ENAMETOOLONG);
    file_put(f);
    SYS(close, (u64)fd);
    /* Busy while our cwd is inside. */
    CHECK_EQ(SYS(umount2, U("/t_dots/mnt"), 0), -EBUSY);
    CHECK_EQ(SYS(chdir, U("/t_dots")), 0);
    CHECK_EQ(SYS(umount2, U("/t_dots/mnt/sub"), 0), -EINVAL);
    CHECK_EQ(SYS(umount2, U("/t_dots/nothere"), 0), -ENOENT);
    CHECK_EQ(SYS(umount2, U("/"), 0), -EBUSY);
    CHECK_EQ(SYS(rmdir, U("mnt")), -EBUSY);
    CHECK_EQ(SYS(rename, U("mnt"), U("mnt2")), -EBUSY);
    CHECK_EQ(SYS(mount, U("x"), U("mnt"), U("nosuchfs"), 0, 0), -ENODEV);
    CHECK_EQ(SYS(mount, U("x"), U("mnt/under"), U("tmpfs"), 0, 0), -ENOENT);
    CHECK_EQ(SYS(umount2, U("/t_dots/mnt"), 0x100), -EINVAL);
    CHECK_EQ(SYS(umount2, U("/t_dots/mnt"), 0), 0);
    CHECK_EQ(t_stat("mnt/under", &a), 0);
}

struct dent {
    char name[64];
    u8 type;
    s64 off;
};

/* Lists fd with getdents64 using a buffer of bufsize; returns the count. */
static int list_dir(long fd, size_t bufsize, struct dent *out, int max)
{
    static u8 buf[8192];
    int n = 0;

    for (;;) {
        long r = SYS(getdents64, (u64)fd, U(buf), bufsize);
        if (r <= 0) {
            return r < 0 ? (int)r : n;
        }
        for (long pos = 0; pos < r;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + pos);
            if (n < max) {
                snprintf(out[n].name, sizeof(out[n].name), "%s", d->d_name);
                out[n].type = d->d_type;
                out[n].off = d->d_off;
            }
            n++;
            pos += d->d_reclen;
        }
    }
}

static int find(struct dent *d, int n, const char *name)
{
    for (int i = 0; i < n; i++) {
        if (strcmp(d[i].name, name) == 0) {
            return i;
        }
    }
    return -1;
}

static void test_getdents(void)
{
    struct dent d[64];
    char buf[64];

    enter("/t_dents");
    CHECK_EQ(t_make_file("file", ""), 0);
    CHECK_EQ(SYS(mkdir, U("sub"), 0755), 0);
    CHECK_EQ(SYS(symlink, U("file"), U("link")), 0);
    CHECK_EQ(SYS(mknod, U("fifo"), S_IFIFO | 0600, 0), 0);
    long fd = t_open(".", O_RDONLY | O_DIRECTORY, 0);
    CHECK(fd >= 0);
    int n = list_dir(fd, 4096, d, 64);
    CHECK_EQ(n, 6);
    CHECK(strcmp(d[0].name, ".") == 0 && d[0].type == DT_DIR);
    CHECK(strcmp(d[1].name, "..") == 0 && d[1].type == DT_DIR);
    CHECK_EQ(d[find(d, n, "file")].type, DT_REG);
    CHECK_EQ(d[find(d, n, "sub")].type, DT_DIR);
    CHECK_EQ(d[find(d, n, "link")].type, DT_LNK);
    CHECK_EQ(d[find(d, n, "fifo")].type, DT_FIFO);
    /* One entry per call with a tiny buffer gives the same listing. */
    CHECK_EQ(SYS(lseek, (u64)fd, 0, SEEK_SET), 0);
    CHECK_EQ(list_dir(fd, 32, d, 64), 6);
    CHECK_EQ(SYS(lseek, (u64)fd, 0, SEEK_SET), 0);
    CHECK_EQ(SYS(getdents64, (u64)fd, U(buf), 10), -EINVAL);
    CHECK_EQ(SYS(getdents64, (u64)fd, BAD, 4096), -EFAULT);
    /* Resuming at a d_off after entries are removed skips nothing else. */
    CHECK_EQ(SYS(lseek, (u64)fd, 0, SEEK_SET), 0);
    n = list_dir(fd, 4096, d, 64);
    s64 resume = d[2].off; /* after the first child */
    char first[64];
    strcpy(first, d[2].name);
    CHECK_EQ(SYS(unlink, U(first)), 0);
    CHECK_EQ(SYS(lseek, (u64)fd, (u64)resume, SEEK_SET), resume);
    CHECK_EQ(list_dir(fd, 4096, d, 64), 3);
    CHECK_EQ(SYS(lseek, (u64)fd, 0, SEEK_END), -EINVAL);
    SYS(close, (u64)fd);

    fd = t_open("sub", O_RDONLY, 0);
    CHECK_EQ(list_dir(fd, 4096, d, 64), 2);
    SYS(close, (u64)fd);
    CHECK_EQ(t_make_file("plain", ""), 0);
    fd = t_open("plain", O_RDONLY, 0);
    CHECK_EQ(SYS(getdents64, (u64)fd, U(buf), sizeof(buf)), -ENOTDIR);
    SYS(close, (u64)fd);
    CHECK_EQ(SYS(getdents64, 77, U(buf), sizeof(buf)), -EBADF);
    /* The old getdents record: d_type in the last byte. */
    fd = t_open("sub", O_RDONLY, 0);
    static u8 obuf[512];
    long r = SYS(getdents, (u64)fd, U(obuf), sizeof(obuf));
    CHECK(r > 0);
    struct linux_dirent *od = (struct linux_dirent *)obuf;
    CHECK(strcmp(od->d_name, ".") == 0);
    CHECK_EQ(obuf[od->d_reclen - 1], DT_DIR);
    SYS(close, (u64)fd);
}

static void test_at_dirfds(void)
{
    struct linux_stat st;

    enter("/t_at");
    CHECK_EQ(SYS(mkdir, U("d"), 0755), 0);
    CHECK_EQ(t_make_file("d/f", "abc"), 0);
    long dfd = t_open("d", O_RDONLY | O_DIRECTORY, 0);
    long ffd = t_open("d/f", O_RDONLY, 0);
    CHECK(dfd >= 0 && ffd >= 0);
    CHECK_EQ(SYS(newfstatat, (u64)dfd, U("f"), U(&st), 0), 0);
    CHECK_EQ(st.st_size, 3);
    CHECK_EQ(SYS(newfstatat, (u64)ffd, U("f"), U(&st), 0), -ENOTDIR);
    CHECK_EQ(SYS(newfstatat, 123, U("f"), U(&st), 0), -EBADF);
    CHECK_EQ(SYS(newfstatat, (u64)-1, U("f"), U(&st), 0), -EBADF);
    /* An absolute path ignores the dirfd, even a bad one. */
    CHECK_EQ(SYS(newfstatat, 123, U("/t_at/d/f"), U(&st), 0), 0);
    CHECK_EQ(SYS(newfstatat, (u64)dfd, U("f"), BAD, 0), -EFAULT);
    long fd = SYS(openat, (u64)dfd, U("g"), O_CREAT | O_RDWR, 0600);
    CHECK(fd >= 0);
    SYS(close, (u64)fd);
    CHECK_EQ(t_stat("d/g", &st), 0);
    CHECK_EQ(SYS(mkdirat, (u64)dfd, U("sub"), 0700), 0);
    CHECK_EQ(SYS(unlinkat, (u64)dfd, U("sub"), 0), -EISDIR);
    CHECK_EQ(SYS(unlinkat, (u64)dfd, U("g"), AT_REMOVEDIR), -ENOTDIR);
    CHECK_EQ(SYS(unlinkat, (u64)dfd, U("sub"), AT_REMOVEDIR), 0);
    CHECK_EQ(SYS(unlinkat, (u64)dfd, U("g"), 0x1), -EINVAL);
    CHECK_EQ(SYS(unlinkat, (u64)dfd, U("g"), 0), 0);
    CHECK_EQ(SYS(symlinkat, U("f"), (u64)dfd, U("s")), 0);
    char buf[8];
    CHECK_EQ(SYS(readlinkat, (u64)dfd, U("s"), U(buf), sizeof(buf)), 1);
    CHECK_EQ(SYS(linkat, (u64)dfd, U("f"), (u64)AT_FDCWD, U("hard"), 0), 0);
    CHECK_EQ(t_stat("hard", &st), 0);
    CHECK_EQ(st.st_nlink, 2);
    CHECK_EQ(SYS(renameat, (u64)dfd, U("s"), (u64)AT_FDCWD, U("s2")), 0);
    CHECK_EQ(t_lstat("s2", &st), 0);
    CHECK_EQ(SYS(fchmodat, (u64)dfd, U("f"), 0600), 0);
    CHECK_EQ(SYS(fchownat, (u64)dfd, U("f"), 5, 6, 0), 0);
    CHECK_EQ(SYS(faccessat, (u64)dfd, U("f"), R_OK), 0);
    CHECK_EQ(SYS(faccessat, (u64)ffd, U("f"), R_OK), -ENOTDIR);
    CHECK_EQ(t_stat("d/f", &st), 0);
    CHECK_EQ(st.st_mode, S_IFREG | 0600);
    CHECK_EQ(st.st_uid, 5);
    CHECK_EQ(st.st_gid, 6);
    /* fchdir and O_PATH dirfds. */
    long pfd = t_open("d", O_PATH, 0);
    CHECK_EQ(SYS(newfstatat, (u64)pfd, U("f"), U(&st), 0), 0);
    CHECK_EQ(SYS(fchdir, (u64)pfd), 0);
    CHECK_EQ(t_stat("f", &st), 0);
    CHECK_EQ(SYS(fchdir, (u64)ffd), -ENOTDIR);
    CHECK_EQ(SYS(fchdir, 99), -EBADF);
    SYS(close, (u64)pfd);
    SYS(close, (u64)dfd);
    SYS(close, (u64)ffd);
}

static void test_cwd(void)
{
    char buf[64];

    enter("/t_cwd");
    CHECK_EQ(SYS(mkdir, U("a"), 0755), 0);
    CHECK_EQ(SYS(chdir, U("a")), 0);
    CHECK_EQ(SYS(getcwd, U(buf), sizeof(buf)), 9);
    CHECK(strcmp(buf, "/t_cwd/a") == 0);
    CHECK_EQ(SYS(getcwd, U(buf), 8), -ERANGE);
    CHECK_EQ(SYS(getcwd, U(buf), 0), -ERANGE);
    CHECK_EQ(SYS(getcwd, BAD, 64), -EFAULT);
    CHECK_EQ(t_make_file("f", ""), 0);
    CHECK_EQ(SYS(chdir, U("f")), -ENOTDIR);
    CHECK_EQ(SYS(chdir, U("nope")), -ENOENT);
    CHECK_EQ(SYS(chdir, U("")), -ENOENT);
    CHECK_EQ(SYS(unlink, U("f")), 0);
    /* A removed cwd: getcwd fails, creating inside fails, ".." works. */
    CHECK_EQ(SYS(rmdir, U("/t_cwd/a")), 0);
    CHECK_EQ(SYS(getcwd, U(buf), sizeof(buf)), -ENOENT);
    CHECK_EQ(t_open("new", O_CREAT | O_RDWR, 0644), -ENOENT);
    CHECK_EQ(SYS(mkdir, U("x"), 0755), -ENOENT);
    CHECK_EQ(SYS(chdir, U("..")), 0);
    CHECK_EQ(SYS(getcwd, U(buf), sizeof(buf)), 7);
    CHECK(strcmp(buf, "/t_cwd") == 0);
    CHECK_EQ(SYS(chdir, U("/")), 0);
    CHECK_EQ(SYS(getcwd, U(buf), sizeof(buf)), 2);
    CHECK(strcmp(buf, "/") == 0);
}

int main(void)
{
    fake_pages_init(16384);
    if (vfs_init_root() != 0) {
        printf("FAIL test_vfs: vfs_init_root\n");
        return 1;
    }
    struct process *p = fake_process_new();

    RUN(test_create_write_read);
    RUN(test_readv_writev);
    RUN(test_open_errors);
    RUN(test_o_path);
    RUN(test_symlinks);
    RUN(test_trailing_slash);
    RUN(test_dots_and_mounts);
    RUN(test_getdents);
    RUN(test_at_dirfds);
    RUN(test_cwd);

    fake_process_free(p);
    fake_pages_fini();
    HARNESS_EXIT();
}
