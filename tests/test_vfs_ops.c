// SPDX-License-Identifier: MIT
/* VFS + tmpfs namespace and attribute operations through the syscalls:
 * rename rules, unlink while open, hard links, directory link counts,
 * truncation with holes, timestamps, permissions, mknod, chmod/chown,
 * utimensat, access, statx, statfs. */
#include <fs/fdtable.h>
#include <fs/vfs.h>
#include <kernel/page_alloc.h>
#include <stdio.h>
#include <string.h>

#include "fakes/page_alloc_fake.h"
#include "fakes/vfs_test.h"
#include "harness.h"

HARNESS("test_vfs_ops");

#define BAD ((u64)FAKE_BAD_UADDR)

static struct process *proc;

static void enter(const char *dir)
{
    SYS(chdir, U("/"));
    SYS(mkdir, U(dir), 0777);
    SYS(chdir, U(dir));
}

static void as_user(u32 uid, u32 gid)
{
    struct cred *c = &proc->cred;
    c->uid = c->euid = c->suid = c->fsuid = uid;
    c->gid = c->egid = c->sgid = c->fsgid = gid;
}

static u64 ino_of(const char *path)
{
    struct linux_stat st;
    return t_lstat(path, &st) == 0 ? st.st_ino : 0;
}

static u64 nlink_of(const char *path)
{
    struct linux_stat st;
    return t_lstat(path, &st) == 0 ? st.st_nlink : 0;
}

static void test_rename(void)
{
    char buf[16];

    enter("/t_ren");
    CHECK_EQ(t_make_file("a", "AAA"), 0);
    CHECK_EQ(t_make_file("b", "BBBB"), 0);
    u64 ia = ino_of("a");
    long fd = t_open("b", O_RDONLY, 0);
    CHECK_EQ(SYS(rename, U("a"), U("b")), 0);
    CHECK_EQ(ino_of("a"), 0);
    CHECK_EQ(ino_of("b"), ia);
    /* The replaced file lives on while open. */
    CHECK_EQ(SYS(read, (u64)fd, U(buf), sizeof(buf)), 4);
    SYS(close, (u64)fd);
    CHECK_EQ(SYS(rename, U("missing"), U("x")), -ENOENT);
    CHECK_EQ(SYS(rename, U("b"), U("nodir/x")), -ENOENT);

    CHECK_EQ(SYS(mkdir, U("d1"), 0755), 0);
    CHECK_EQ(SYS(mkdir, U("d2"), 0755), 0);
    CHECK_EQ(SYS(mkdir, U("full"), 0755), 0);
    CHECK_EQ(t_make_file("full/x", ""), 0);
    CHECK_EQ(SYS(rename, U("d1"), U("full")), -ENOTEMPTY);
    CHECK_EQ(SYS(rename, U("b"), U("d2")), -EISDIR);
    CHECK_EQ(SYS(rename, U("d1"), U("b")), -ENOTDIR);
    CHECK_EQ(SYS(rename, U("d1"), U("d1/sub")), -EINVAL);
    CHECK_EQ(SYS(mkdir, U("d1/sub"), 0755), 0);
    CHECK_EQ(SYS(rename, U("d1"), U("d1/sub/deeper")), -EINVAL);
    CHECK_EQ(SYS(rename, U("d1/sub"), U("d1")), -ENOTEMPTY);
    CHECK_EQ(SYS(rename, U("d1"), U("d1")), 0);
    CHECK_EQ(SYS(rename, U("."), U("z")), -EBUSY);
    CHECK_EQ(SYS(rename, U("b"), U(".")), -EBUSY);
    CHECK_EQ(SYS(rename, U("b"), U("d1/..")), -EBUSY);
    u64 i2 = ino_of("d2");
    CHECK_EQ(SYS(rename, U("d2"), U("d1/sub")), 0); /* over an empty dir */
    CHECK_EQ(ino_of("d1/sub"), i2);
    CHECK_EQ(ino_of("d2"), 0);

    /* Directory link counts follow the moves. */
    CHECK_EQ(nlink_of("d1"), 3);
    CHECK_EQ(SYS(mkdir, U("d3"), 0755), 0);
    CHECK_EQ(SYS(rename, U("d1/sub"), U("d3/sub")), 0);
    CHECK_EQ(nlink_of("d1"), 2);
    CHECK_EQ(nlink_of("d3"), 3);
    CHECK_EQ(SYS(rename, U("d1"), U("d3/sub")), 0); /* over an empty dir */
    CHECK_EQ(nlink_of("d3"), 3);
    CHECK_EQ(nlink_of("."), 4); /* 2 + full and d3 */

    /* Hard links to one inode: rename is a no-op, both names stay. */
    CHECK_EQ(SYS(link, U("b"), U("b2")), 0);
    CHECK_EQ(SYS(rename, U("b"), U("b2")), 0);
    CHECK_EQ(ino_of("b"), ino_of("b2"));
    CHECK_EQ(nlink_of("b"), 2);

    /* renameat2 flags. */
    CHECK_EQ(SYS(renameat2, (u64)AT_FDCWD, U("b"), (u64)AT_FDCWD, U("b2"), RENAME_NOREPLACE),
             -EEXIST);
    CHECK_EQ(SYS(renameat2, (u64)AT_FDCWD, U("b"), (u64)AT_FDCWD, U("b3"), RENAME_NOREPLACE), 0);
    CHECK_EQ(SYS(renameat2, (u64)AT_FDCWD, U("b3"), (u64)AT_FDCWD, U("b"), RENAME_EXCHANGE),
             -EINVAL);
    CHECK_EQ(SYS(renameat2, (u64)AT_FDCWD, U("b3"), (u64)AT_FDCWD, U("b"), 0x80), -EINVAL);

    /* Across filesystems. */
    CHECK_EQ(SYS(mkdir, U("mnt"), 0755), 0);
    CHECK_EQ(SYS(mount, U("t"), U("mnt"), U("tmpfs"), 0, 0), 0);
    CHECK_EQ(SYS(rename, U("b3"), U("mnt/b3")), -EXDEV);
    CHECK_EQ(SYS(link, U("b3"), U("mnt/b3")), -EXDEV);
    CHECK_EQ(SYS(umount2, U("mnt"), 0), 0);
    CHECK_EQ(SYS(rename, U("b3"), U("mnt/b3")), 0);
}

static void test_unlink_open(void)
{
    static char data[10000], back[10000];
    struct linux_stat st;
    struct page_stats before, during, after;

    enter("/t_unl");
    page_alloc_stats(&before);
    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = (char)('a' + i % 26);
    }
    long fd = t_open("f", O_CREAT | O_RDWR, 0644);
    CHECK_EQ(SYS(write, (u64)fd, U(data), sizeof(data)), (long)sizeof(data));
    CHECK_EQ(SYS(unlink, U("f")), 0);
    CHECK_EQ(ino_of("f"), 0);
    CHECK_EQ(SYS(unlink, U("f")), -ENOENT);
    CHECK_EQ(SYS(fstat, (u64)fd, U(&st)), 0);
    CHECK_EQ(st.st_nlink, 0);
    CHECK_EQ(SYS(pread64, (u64)fd, U(back), sizeof(back), 0), (long)sizeof(back));
    CHECK(memcmp(data, back, sizeof(data)) == 0);
    CHECK_EQ(SYS(write, (u64)fd, U("more"), 4), 4);
    page_alloc_stats(&during);
    CHECK(during.free_pages + 3 <= before.free_pages);
    /* Linking an unlinked file back is refused. */
    CHECK_EQ(SYS(linkat, (u64)fd, U(""), (u64)AT_FDCWD, U("again"), AT_EMPTY_PATH), -ENOENT);
    SYS(close, (u64)fd);
    page_alloc_stats(&after);
    CHECK(after.free_pages >= during.free_pages + 3);

    /* unlink and rmdir errnos. */
    CHECK_EQ(SYS(mkdir, U("d"), 0755), 0);
    CHECK_EQ(t_make_file("d/x", ""), 0);
    CHECK_EQ(SYS(unlink, U("d")), -EISDIR);
    CHECK_EQ(SYS(rmdir, U("d")), -ENOTEMPTY);
    CHECK_EQ(SYS(rmdir, U("d/x")), -ENOTDIR);
    CHECK_EQ(SYS(rmdir, U("d/.")), -EINVAL);
    CHECK_EQ(SYS(rmdir, U("d/..")), -ENOTEMPTY);
    CHECK_EQ(SYS(rmdir, U("/")), -EBUSY);
    CHECK_EQ(SYS(unlink, U(".")), -EISDIR);
    CHECK_EQ(SYS(unlink, BAD), -EFAULT);
    CHECK_EQ(SYS(unlink, U("")), -ENOENT);
    CHECK_EQ(SYS(unlink, U("d/x")), 0);
    CHECK_EQ(SYS(rmdir, U("d")), 0);
    CHECK_EQ(SYS(rmdir, U("d")), -ENOENT);
}

static void test_links_and_nlink(void)
{
    struct linux_stat st;
    char buf[8];

    enter("/t_link");
    CHECK_EQ(t_make_file("f", "data"), 0);
    CHECK_EQ(SYS(link, U("f"), U("g")), 0);
    CHECK_EQ(nlink_of("f"), 2);
    CHECK_EQ(ino_of("f"), ino_of("g"));
    CHECK_EQ(SYS(link, U("f"), U("g")), -EEXIST);
    CHECK_EQ(SYS(link, U("missing"), U("h")), -ENOENT);
    CHECK_EQ(SYS(mkdir, U("dir"), 0755), 0);
    CHECK_EQ(SYS(link, U("dir"), U("dir2")), -EPERM);
    CHECK_EQ(SYS(link, U("f"), U(".")), -EEXIST);
    CHECK_EQ(SYS(linkat, (u64)AT_FDCWD, U("f"), (u64)AT_FDCWD, U("h"), 0x1), -EINVAL);
    CHECK_EQ(SYS(unlink, U("f")), 0);
    CHECK_EQ(nlink_of("g"), 1);
    long fd = t_open("g", O_RDONLY, 0);
    CHECK_EQ(SYS(read, (u64)fd, U(buf), sizeof(buf)), 4);
    SYS(close, (u64)fd);
    /* link() does not follow a final symlink; AT_SYMLINK_FOLLOW does. */
    CHECK_EQ(SYS(symlink, U("g"), U("s")), 0);
    CHECK_EQ(SYS(link, U("s"), U("s2")), 0);
    CHECK_EQ(t_lstat("s2", &st), 0);
    CHECK(S_ISLNK(st.st_mode));
    CHECK_EQ(SYS(linkat, (u64)AT_FDCWD, U("s"), (u64)AT_FDCWD, U("g2"), AT_SYMLINK_FOLLOW), 0);
    CHECK_EQ(ino_of("g2"), ino_of("g"));
    CHECK_EQ(nlink_of("g"), 2);

    /* Directory link counts: 2 + subdirectories. */
    CHECK_EQ(nlink_of("dir"), 2);
    CHECK_EQ(SYS(mkdir, U("dir/a"), 0755), 0);
    CHECK_EQ(SYS(mkdir, U("dir/b"), 0755), 0);
    CHECK_EQ(t_make_file("dir/file", ""), 0);
    CHECK_EQ(nlink_of("dir"), 4);
    CHECK_EQ(SYS(rmdir, U("dir/a")), 0);
    CHECK_EQ(nlink_of("dir"), 3);
    /* Directory sizes as Linux tmpfs reports them (20 per entry + 40). */
    CHECK_EQ(t_stat("dir", &st), 0);
    CHECK_EQ(st.st_size, 80);
}

static int all_zero(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return 0;
        }
    }
    return 1;
}

static void test_truncate_holes(void)
{
    static char buf[40000];
    struct linux_stat st;

    enter("/t_trunc");
    long fd = t_open("f", O_CREAT | O_RDWR, 0644);
    CHECK_EQ(SYS(write, (u64)fd, U("A"), 1), 1);
    CHECK_EQ(SYS(pwrite64, (u64)fd, U("B"), 1, 20000), 1);
    CHECK_EQ(SYS(fstat, (u64)fd, U(&st)), 0);
    CHECK_EQ(st.st_size, 20001);
    CHECK_EQ(st.st_blocks, 16); /* two pages: the hole holds none */
    memset(buf, 1, sizeof(buf));
    CHECK_EQ(SYS(pread64, (u64)fd, U(buf), sizeof(buf), 0), 20001);
    CHECK(buf[0] == 'A' && buf[20000] == 'B');
    CHECK(all_zero(buf + 1, 19999));
    /* Shrink into the first page, then grow: the old bytes read as 0. */
    CHECK_EQ(SYS(pwrite64, (u64)fd, U("XXXXXXXX"), 8, 0), 8);
    CHECK_EQ(SYS(ftruncate, (u64)fd, 4), 0);
    CHECK_EQ(SYS(fstat, (u64)fd, U(&st)), 0);
    CHECK_EQ(st.st_size, 4);
    CHECK_EQ(st.st_blocks, 8);
    CHECK_EQ(SYS(ftruncate, (u64)fd, 30000), 0);
    memset(buf, 1, sizeof(buf));
    CHECK_EQ(SYS(pread64, (u64)fd, U(buf), sizeof(buf), 0), 30000);
    CHECK(memcmp(buf, "XXXX", 4) == 0);
    CHECK(all_zero(buf + 4, 30000 - 4));
    /* Writing past EOF leaves a zero gap, also inside the last page. */
    CHECK_EQ(SYS(ftruncate, (u64)fd, 2), 0);
    CHECK_EQ(SYS(pwrite64, (u64)fd, U("Z"), 1, 6), 1);
    CHECK_EQ(SYS(pread64, (u64)fd, U(buf), 16, 0), 7);
    CHECK(memcmp(buf, "XX\0\0\0\0Z", 7) == 0);
    CHECK_EQ(SYS(ftruncate, (u64)fd, (u64)-1), -EINVAL);
    CHECK_EQ(SYS(ftruncate, (u64)fd, 1ull << 50), -EFBIG);
    SYS(close, (u64)fd);
    CHECK_EQ(SYS(truncate, U("f"), 3), 0);
    CHECK_EQ(t_stat("f", &st), 0);
    CHECK_EQ(st.st_size, 3);
    CHECK_EQ(SYS(truncate, U("f"), (u64)-1), -EINVAL);
    CHECK_EQ(SYS(mkdir, U("d"), 0755), 0);
    CHECK_EQ(SYS(truncate, U("d"), 0), -EISDIR);
    CHECK_EQ(SYS(truncate, U("missing"), 0), -ENOENT);
    CHECK_EQ(SYS(mknod, U("fifo"), S_IFIFO | 0644, 0), 0);
    CHECK_EQ(SYS(truncate, U("fifo"), 0), -EINVAL);
    fd = t_open("f", O_RDONLY, 0);
    CHECK_EQ(SYS(ftruncate, (u64)fd, 0), -EINVAL);
    SYS(close, (u64)fd);
    /* fallocate mode 0 extends. */
    fd = t_open("f", O_RDWR, 0);
    CHECK_EQ(SYS(fallocate, (u64)fd, 0, 0, 10000), 0);
    CHECK_EQ(SYS(fstat, (u64)fd, U(&st)), 0);
    CHECK_EQ(st.st_size, 10000);
    CHECK_EQ(SYS(fallocate, (u64)fd, 1, 0, 10), -EOPNOTSUPP);
    SYS(close, (u64)fd);
    /* A write far out: sparse, and EFBIG past the maximum size. */
    fd = t_open("big", O_CREAT | O_RDWR, 0644);
    CHECK_EQ(SYS(pwrite64, (u64)fd, U("E"), 1, 1ull << 40), 1);
    CHECK_EQ(SYS(fstat, (u64)fd, U(&st)), 0);
    CHECK_EQ(st.st_size, (1ll << 40) + 1);
    CHECK_EQ(st.st_blocks, 8);
    CHECK_EQ(SYS(pread64, (u64)fd, U(buf), 4, (1ull << 40) - 2), 3);
    CHECK(memcmp(buf, "\0\0E", 3) == 0);
    CHECK_EQ(SYS(pwrite64, (u64)fd, U("E"), 1, 1ull << 47), -EFBIG);
    SYS(close, (u64)fd);
    CHECK_EQ(SYS(unlink, U("big")), 0);
}

static void test_timestamps(void)
{
    struct linux_stat st, st2;

    enter("/t_time");
    fake_clock_sec = 1000;
    CHECK_EQ(t_make_file("f", ""), 0);
    CHECK_EQ(t_stat("f", &st), 0);
    CHECK_EQ(st.st_mtime_sec, 1000);
    CHECK_EQ(st.st_ctime_sec, 1000);
    CHECK_EQ(st.st_atime_sec, 1000);
    fake_clock_sec = 2000;
    long fd = t_open("f", O_WRONLY, 0);
    CHECK_EQ(t_write_str((int)fd, "x"), 1);
    SYS(close, (u64)fd);
    CHECK_EQ(t_stat("f", &st), 0);
    CHECK_EQ(st.st_mtime_sec, 2000);
    CHECK_EQ(st.st_ctime_sec, 2000);
    CHECK_EQ(st.st_atime_sec, 1000);
    fake_clock_sec = 3000;
    CHECK_EQ(SYS(chmod, U("f"), 0600), 0);
    CHECK_EQ(t_stat("f", &st), 0);
    CHECK_EQ(st.st_mtime_sec, 2000);
    CHECK_EQ(st.st_ctime_sec, 3000);
    fake_clock_sec = 4000;
    CHECK_EQ(SYS(link, U("f"), U("g")), 0);
    CHECK_EQ(t_stat("f", &st), 0);
    CHECK_EQ(st.st_ctime_sec, 4000);
    CHECK_EQ(t_stat(".", &st), 0);
    CHECK_EQ(st.st_mtime_sec, 4000);
    fake_clock_sec = 5000;
    CHECK_EQ(SYS(unlink, U("g")), 0);
    CHECK_EQ(t_stat(".", &st), 0);
    CHECK_EQ(st.st_mtime_sec, 5000);
    CHECK_EQ(t_stat("f", &st), 0);
    CHECK_EQ(st.st_ctime_sec, 5000);

    /* utimensat: explicit, UTIME_OMIT, UTIME_NOW, NULL. */
    struct linux_timespec ts[2] = {{111, 5}, {222, 6}};
    CHECK_EQ(SYS(utimensat, (u64)AT_FDCWD, U("f"), U(ts), 0), 0);
    CHECK_EQ(t_stat("f", &st), 0);
    CHECK_EQ(st.st_atime_sec, 111);
    CHECK_EQ(st.st_atime_nsec, 5);
    CHECK_EQ(st.st_mtime_sec, 222);
    CHECK_EQ(st.st_mtime_nsec, 6);
    fake_clock_sec = 6000;
    ts[0].tv_nsec = UTIME_OMIT;
    ts[1].tv_nsec = UTIME_NOW;
    CHECK_EQ(SYS(utimensat, (u64)AT_FDCWD, U("f"), U(ts), 0), 0);
    CHECK_EQ(t_stat("f", &st), 0);
    CHECK_EQ(st.st_atime_sec, 111);
    CHECK_EQ(st.st_mtime_sec, 6000);
    CHECK_EQ(st.st_ctime_sec, 6000);
    fake_clock_sec = 7000;
    CHECK_EQ(SYS(utimensat, (u64)AT_FDCWD, U("f"), 0, 0), 0);
    CHECK_EQ(t_stat("f", &st), 0);
    CHECK_EQ(st.st_atime_sec, 7000);
    CHECK_EQ(st.st_mtime_sec, 7000);
    ts[0].tv_nsec = 1000000000;
    CHECK_EQ(SYS(utimensat, (u64)AT_FDCWD, U("f"), U(ts), 0), -EINVAL);
    ts[0].tv_nsec = -1;
    CHECK_EQ(SYS(utimensat, (u64)AT_FDCWD, U("f"), U(ts), 0), -EINVAL);
    CHECK_EQ(SYS(utimensat, (u64)AT_FDCWD, U("f"), BAD, 0), -EFAULT);
    CHECK_EQ(SYS(utimensat, (u64)AT_FDCWD, U("f"), 0, 0x4), -EINVAL);
    /* Both UTIME_OMIT: nothing changes, not even ctime. */
    fake_clock_sec = 8000;
    ts[0].tv_nsec = ts[1].tv_nsec = UTIME_OMIT;
    CHECK_EQ(SYS(utimensat, (u64)AT_FDCWD, U("f"), U(ts), 0), 0);
    CHECK_EQ(t_stat("f", &st2), 0);
    CHECK_EQ(st2.st_ctime_sec, 7000);
    /* futimens: NULL path with an fd. */
    fd = t_open("f", O_RDONLY, 0);
    ts[0] = (struct linux_timespec){42, 0};
    ts[1] = (struct linux_timespec){43, 0};
    CHECK_EQ(SYS(utimensat, (u64)fd, 0, U(ts), 0), 0);
    SYS(close, (u64)fd);
    CHECK_EQ(t_stat("f", &st), 0);
    CHECK_EQ(st.st_mtime_sec, 43);
    /* AT_SYMLINK_NOFOLLOW changes the link itself. */
    CHECK_EQ(SYS(symlink, U("f"), U("s")), 0);
    ts[1] = (struct linux_timespec){77, 0};
    CHECK_EQ(SYS(utimensat, (u64)AT_FDCWD, U("s"), U(ts), AT_SYMLINK_NOFOLLOW), 0);
    CHECK_EQ(t_lstat("s", &st), 0);
    CHECK_EQ(st.st_mtime_sec, 77);
    CHECK_EQ(t_stat("s", &st), 0);
    CHECK_EQ(st.st_mtime_sec, 43);
    struct linux_timeval tv[2] = {{10, 1}, {20, 2}};
    CHECK_EQ(SYS(utimes, U("f"), U(tv)), 0);
    CHECK_EQ(t_stat("f", &st), 0);
    CHECK_EQ(st.st_mtime_sec, 20);
    CHECK_EQ(st.st_mtime_nsec, 2000);
}

static void test_permissions(void)
{
    struct linux_stat st;

    enter("/t_perm");
    CHECK_EQ(t_make_file("secret", "s"), 0);
    CHECK_EQ(SYS(chmod, U("secret"), 0600), 0);
    CHECK_EQ(t_make_file("public", "p"), 0);
    CHECK_EQ(SYS(mkdir, U("closed"), 0700), 0);
    CHECK_EQ(t_make_file("closed/in", ""), 0);
    CHECK_EQ(SYS(mkdir, U("sticky"), 01777), 0);
    CHECK_EQ(SYS(chmod, U("sticky"), 01777), 0);
    CHECK_EQ(t_make_file("sticky/rootfile", ""), 0);
    CHECK_EQ(SYS(chmod, U("sticky/rootfile"), 0666), 0);
    CHECK_EQ(t_make_file("script", ""), 0);

    /* Root bypasses rwx, but execute needs some x bit. */
    CHECK_EQ(SYS(access, U("secret"), R_OK | W_OK), 0);
    CHECK_EQ(SYS(access, U("script"), X_OK), -EACCES);
    CHECK_EQ(SYS(access, U("closed"), X_OK), 0);
    CHECK_EQ(SYS(access, U("missing"), F_OK), -ENOENT);
    CHECK_EQ(SYS(access, U("secret"), 8), -EINVAL);
    CHECK_EQ(SYS(faccessat2, (u64)AT_FDCWD, U("secret"), R_OK, 0x1), -EINVAL);

    as_user(1000, 1000);
    CHECK_EQ(t_open("secret", O_RDONLY, 0), -EACCES);
    CHECK_EQ(t_open("public", O_WRONLY, 0), -EACCES);
    long fd = t_open("public", O_RDONLY, 0);
    CHECK(fd >= 0);
    SYS(close, (u64)fd);
    CHECK_EQ(t_open("closed/in", O_RDONLY, 0), -EACCES);
    CHECK_EQ(t_stat("closed/in", &st), -EACCES);
    CHECK_EQ(t_stat("closed", &st), 0);
    CHECK_EQ(SYS(access, U("secret"), R_OK), -EACCES);
    CHECK_EQ(SYS(access, U("public"), R_OK), 0);
    CHECK_EQ(SYS(access, U("public"), W_OK), -EACCES);
    CHECK_EQ(SYS(chmod, U("public"), 0777), -EPERM);
    CHECK_EQ(SYS(chown, U("public"), 1000, 1000), -EPERM);
    CHECK_EQ(SYS(mkdir, U("/t_perm_user"), 0755), -EACCES);
    CHECK_EQ(SYS(unlink, U("public")), -EACCES);
    CHECK_EQ(t_open("newfile", O_CREAT | O_RDWR, 0644), -EACCES);
    CHECK_EQ(SYS(mknod, U("sticky/dev"), S_IFCHR | 0600, 0x103), -EPERM);
    struct linux_timespec ts[2] = {{1, 0}, {2, 0}};
    CHECK_EQ(SYS(utimensat, (u64)AT_FDCWD, U("public"), U(ts), 0), -EPERM);
    CHECK_EQ(SYS(utimensat, (u64)AT_FDCWD, U("public"), 0, 0), -EACCES);
    CHECK_EQ(SYS(utimensat, (u64)AT_FDCWD, U("sticky/rootfile"), 0, 0), 0);
    /* Sticky directory: no deleting other users' files. */
    CHECK_EQ(SYS(unlink, U("sticky/rootfile")), -EPERM);
    CHECK_EQ(t_make_file("sticky/mine", "m"), 0);
    CHECK_EQ(t_stat("sticky/mine", &st), 0);
    CHECK_EQ(st.st_uid, 1000);
    CHECK_EQ(st.st_gid, 1000);
    CHECK_EQ(SYS(chmod, U("sticky/mine"), 04755), 0);
    CHECK_EQ(SYS(chown, U("sticky/mine"), (u64)-1, 1000), 0);
    CHECK_EQ(SYS(chown, U("sticky/mine"), (u64)-1, 5), -EPERM);
    CHECK_EQ(SYS(rename, U("sticky/mine"), U("sticky/mine2")), 0);
    CHECK_EQ(SYS(unlink, U("sticky/mine2")), 0);
    CHECK_EQ(SYS(chdir, U("closed")), -EACCES);
    /* access() checks the real ids, faccessat2(AT_EACCESS) the effective. */
    proc->cred.uid = 0;
    CHECK_EQ(SYS(access, U("secret"), R_OK), 0);
    CHECK_EQ(SYS(faccessat2, (u64)AT_FDCWD, U("secret"), R_OK, AT_EACCESS), -EACCES);
    as_user(0, 0);

    /* chown clears setuid; -1 leaves a field alone; lchown on the link. */
    CHECK_EQ(SYS(chmod, U("script"), 06755), 0);
    CHECK_EQ(SYS(chown, U("script"), 7, (u64)-1), 0);
    CHECK_EQ(t_stat("script", &st), 0);
    CHECK_EQ(st.st_mode, S_IFREG | 0755);
    CHECK_EQ(st.st_uid, 7);
    CHECK_EQ(st.st_gid, 0);
    CHECK_EQ(SYS(symlink, U("script"), U("sl")), 0);
    CHECK_EQ(SYS(lchown, U("sl"), 9, 9), 0);
    CHECK_EQ(t_lstat("sl", &st), 0);
    CHECK_EQ(st.st_uid, 9);
    CHECK_EQ(t_stat("sl", &st), 0);
    CHECK_EQ(st.st_uid, 7);
    CHECK_EQ(SYS(fchmodat2, (u64)AT_FDCWD, U("sl"), 0600, AT_SYMLINK_NOFOLLOW), -EOPNOTSUPP);
    /* setgid directories pass their group on. */
    CHECK_EQ(SYS(mkdir, U("sg"), 0755), 0);
    CHECK_EQ(SYS(chown, U("sg"), 0, 50), 0);
    CHECK_EQ(SYS(chmod, U("sg"), 02775), 0);
    CHECK_EQ(SYS(mkdir, U("sg/sub"), 0755), 0);
    CHECK_EQ(t_make_file("sg/f", ""), 0);
    CHECK_EQ(t_stat("sg/sub", &st), 0);
    CHECK_EQ(st.st_gid, 50);
    CHECK_EQ(st.st_mode, S_IFDIR | 02755);
    CHECK_EQ(t_stat("sg/f", &st), 0);
    CHECK_EQ(st.st_gid, 50);
}

static void test_mknod(void)
{
    struct linux_stat st;

    enter("/t_mknod");
    CHECK_EQ(SYS(mknod, U("fifo"), S_IFIFO | 0644, 0), 0);
    CHECK_EQ(SYS(mknod, U("chr"), S_IFCHR | 0600, dev_encode(250, 300)), 0);
    CHECK_EQ(SYS(mknod, U("blk"), S_IFBLK | 0600, dev_encode(8, 1)), 0);
    CHECK_EQ(SYS(mknod, U("reg"), 0644, 0), 0);
    CHECK_EQ(SYS(mknod, U("sock"), S_IFSOCK | 0644, 0), 0);
    CHECK_EQ(SYS(mknod, U("dir"), S_IFDIR | 0755, 0), -EPERM);
    CHECK_EQ(SYS(mknod, U("bad"), 0170000 | 0644, 0), -EINVAL);
    CHECK_EQ(SYS(mknod, U("fifo"), S_IFIFO | 0644, 0), -EEXIST);
    CHECK_EQ(t_stat("fifo", &st), 0);
    CHECK_EQ(st.st_mode, S_IFIFO | 0644);
    CHECK_EQ(t_stat("chr", &st), 0);
    CHECK_EQ(st.st_mode, S_IFCHR | 0600);
    CHECK_EQ(dev_major(st.st_rdev), 250);
    CHECK_EQ(dev_minor(st.st_rdev), 300);
    CHECK_EQ(t_stat("reg", &st), 0);
    CHECK_EQ(st.st_mode, S_IFREG | 0644);
    CHECK_EQ(st.st_rdev, 0);
    CHECK_EQ(t_stat("sock", &st), 0);
    CHECK(S_ISSOCK(st.st_mode));
    /* No driver behind these (FIFOs come with pipes). */
    CHECK_EQ(t_open("fifo", O_RDONLY | O_NONBLOCK, 0), -ENXIO);
    CHECK_EQ(t_open("chr", O_RDONLY, 0), -ENXIO);
    CHECK_EQ(t_open("blk", O_RDONLY, 0), -ENXIO);
    CHECK_EQ(t_open("sock", O_RDONLY, 0), -ENXIO);
    long fd = t_open("fifo", O_PATH, 0);
    CHECK(fd >= 0);
    SYS(close, (u64)fd);
}

static void test_statx_statfs(void)
{
    struct linux_statx sx;
    struct linux_statfs sf;
    struct linux_stat st;

    enter("/t_statx");
    CHECK_EQ(t_make_file("f", "12345"), 0);
    memset(&sx, 0xff, sizeof(sx));
    CHECK_EQ(SYS(statx, (u64)AT_FDCWD, U("f"), 0, STATX_BASIC_STATS, U(&sx)), 0);
    CHECK_EQ(t_stat("f", &st), 0);
    CHECK(sx.stx_mask & STATX_BASIC_STATS);
    CHECK_EQ(sx.stx_size, 5);
    CHECK_EQ(sx.stx_ino, st.st_ino);
    CHECK_EQ(sx.stx_mode, st.st_mode);
    CHECK_EQ(sx.stx_nlink, 1);
    CHECK_EQ(sx.stx_mtime.tv_sec, (s64)st.st_mtime_sec);
    CHECK_EQ(sx.stx_dev_minor, dev_minor(st.st_dev));
    CHECK_EQ(sx.spare3[0], 0);
    CHECK_EQ(SYS(statx, (u64)AT_FDCWD, U("f"), 0, STATX_RESERVED, U(&sx)), -EINVAL);
    CHECK_EQ(SYS(statx, (u64)AT_FDCWD, U("f"), 0x6000, 0, U(&sx)), -EINVAL);
    CHECK_EQ(SYS(statx, (u64)AT_FDCWD, U("f"), 0, 0, BAD), -EFAULT);
    long fd = t_open("f", O_RDONLY, 0);
    CHECK_EQ(SYS(statx, (u64)fd, 0, AT_EMPTY_PATH, STATX_BASIC_STATS, U(&sx)), 0);
    CHECK_EQ(sx.stx_size, 5);

    CHECK_EQ(SYS(statfs, U("/"), U(&sf)), 0);
    CHECK_EQ(sf.f_type, TMPFS_MAGIC);
    CHECK_EQ(sf.f_bsize, 4096);
    CHECK_EQ(sf.f_namelen, 255);
    struct page_stats ps;
    page_alloc_stats(&ps);
    CHECK_EQ(sf.f_blocks, ps.total_pages);
    CHECK(sf.f_bfree + 4 >= ps.free_pages && sf.f_bfree <= ps.free_pages + 4);
    CHECK(sf.f_flags & ST_VALID);
    CHECK_EQ(SYS(fstatfs, (u64)fd, U(&sf)), 0);
    CHECK_EQ(sf.f_type, TMPFS_MAGIC);
    CHECK_EQ(SYS(fstatfs, 99, U(&sf)), -EBADF);
    CHECK_EQ(SYS(statfs, U("/nope"), U(&sf)), -ENOENT);
    SYS(close, (u64)fd);
}

int main(void)
{
    fake_pages_init(16384);
    if (vfs_init_root() != 0) {
        printf("FAIL test_vfs_ops: vfs_init_root\n");
        return 1;
    }
    proc = fake_process_new();

    RUN(test_rename);
    RUN(test_unlink_open);
    RUN(test_links_and_nlink);
    RUN(test_truncate_holes);
    RUN(test_timestamps);
    RUN(test_permissions);
    RUN(test_mknod);
    RUN(test_statx_statfs);

    fake_process_free(proc);
    fake_pages_fini();
    HARNESS_EXIT();
}
