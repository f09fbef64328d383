// SPDX-License-Identifier: MIT
/* devtmpfs and the devices: node numbers, null/zero/full/random, the
 * console (standard fds, canonical input with echo and erase, termios
 * ioctls), /dev/kmsg and syslog(2); the pseudo-filesystem helpers (seq
 * files, dynamic directories, symlinks) and umount freeing everything;
 * /dev/zero and tmpfs pages for mmap. */
#include <arch/x86_64/memlayout.h>
#include <fs/chrdev.h>
#include <fs/devfs.h>
#include <fs/fdtable.h>
#include <fs/pseudo.h>
#include <fs/vfs.h>
#include <kernel/kmalloc.h>
#include <kernel/page_alloc.h>
#include <kernel/random.h>
#include <stdio.h>
#include <string.h>

#include "fakes/page_alloc_fake.h"
#include "fakes/vfs_test.h"
#include "harness.h"

HARNESS("test_vfs_dev");

static struct process *proc;

/* Reads a whole (small) file into buf, NUL-terminated; returns length. */
static long read_len(const char *path, char *buf, size_t len)
{
    long fd = t_open(path, O_RDONLY, 0), n = 0, r;

    if (fd < 0) {
        return fd;
    }
    while ((r = SYS(read, (u64)fd, U(buf + n), len - 1 - (size_t)n)) > 0) {
        n += r;
    }
    SYS(close, (u64)fd);
    buf[n] = '\0';
    return r < 0 ? r : n;
}

static void test_nodes(void)
{
    static const struct {
        const char *path;
        u32 major, minor, mode;
    } nodes[] = {
        {"/dev/null", 1, 3, 0666},   {"/dev/zero", 1, 5, 0666},    {"/dev/full", 1, 7, 0666},
        {"/dev/random", 1, 8, 0666}, {"/dev/urandom", 1, 9, 0666}, {"/dev/kmsg", 1, 11, 0644},
        {"/dev/ttyS0", 4, 64, 0660}, {"/dev/tty", 5, 0, 0666},     {"/dev/console", 5, 1, 0600},
    };
    struct linux_stat st;
    char buf[32];

    for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
        CHECK_EQ(t_stat(nodes[i].path, &st), 0);
        CHECK_EQ(st.st_mode, S_IFCHR | nodes[i].mode);
        CHECK_EQ(dev_major(st.st_rdev), nodes[i].major);
        CHECK_EQ(dev_minor(st.st_rdev), nodes[i].minor);
    }
    CHECK_EQ(SYS(readlink, U("/dev/fd"), U(buf), sizeof(buf)), 13);
    CHECK_EQ(t_stat("/dev/shm", &st), 0);
    CHECK_EQ(st.st_mode, S_IFDIR | 01777);
    CHECK_EQ(t_stat("/dev", &st), 0);
    CHECK_EQ(st.st_mode, S_IFDIR | 0755);
}

static void test_mem_devices(void)
{
    static u8 buf[5000];
    long fd;

    fd = t_open("/dev/null", O_RDWR, 0);
    CHECK(fd >= 0);
    CHECK_EQ(SYS(read, (u64)fd, U(buf), sizeof(buf)), 0);
    CHECK_EQ(SYS(write, (u64)fd, U(buf), sizeof(buf)), (long)sizeof(buf));
    CHECK_EQ(SYS(lseek, (u64)fd, 100, SEEK_SET), 0);
    CHECK_EQ(SYS(ioctl, (u64)fd, 0x5401, U(buf)), -ENOTTY);
    CHECK_EQ(SYS(fsync, (u64)fd), -EINVAL);
    SYS(close, (u64)fd);

    fd = t_open("/dev/zero", O_RDWR, 0);
    memset(buf, 0xab, sizeof(buf));
    CHECK_EQ(SYS(read, (u64)fd, U(buf), sizeof(buf)), (long)sizeof(buf));
    for (size_t i = 0; i < sizeof(buf); i++) {
        CHECK_EQ(buf[i], 0);
    }
    CHECK_EQ(SYS(write, (u64)fd, U(buf), 10), 10);
    CHECK_EQ(SYS(read, (u64)fd, FAKE_BAD_UADDR, 10), -EFAULT);
    /* A mapping of /dev/zero gets fresh zeroed frames. */
    struct file *f = fd_get((int)fd);
    phys_addr_t pa;
    CHECK_EQ(vfs_file_get_page(f, 7, true, &pa), 0);
    u8 *page = phys_to_virt(pa);
    CHECK(page[0] == 0 && page[4095] == 0);
    vfs_page_put(pa);
    file_put(f);
    SYS(close, (u64)fd);

    fd = t_open("/dev/full", O_RDWR, 0);
    CHECK_EQ(SYS(write, (u64)fd, U(buf), 1), -ENOSPC);
    CHECK_EQ(SYS(read, (u64)fd, U(buf), 16), 16);
    SYS(close, (u64)fd);

    /* Random bytes: not constant, different on each read. */
    static u8 r1[256], r2[256];
    fd = t_open("/dev/urandom", O_RDONLY, 0);
    CHECK_EQ(SYS(read, (u64)fd, U(r1), sizeof(r1)), 256);
    CHECK_EQ(SYS(read, (u64)fd, U(r2), sizeof(r2)), 256);
    CHECK(memcmp(r1, r2, sizeof(r1)) != 0);
    int counts[256] = {0}, distinct = 0;
    for (int i = 0; i < 256; i++) {
        if (counts[r1[i]]++ == 0) {
            distinct++;
        }
    }
    CHECK(distinct > 100);
    SYS(close, (u64)fd);
    fd = t_open("/dev/random", O_WRONLY, 0);
    CHECK_EQ(SYS(write, (u64)fd, U("entropy"), 7), 7);
    SYS(close, (u64)fd);
    CHECK_EQ(get_random_u64() == get_random_u64(), 0);
}

static void test_console(void)
{
    char buf[64];
    struct fd_table *saved = proc->files;

    proc->files = fd_table_new();
    CHECK_EQ(fd_table_open_console(proc->files), 0);
    fake_serial_out_len = 0;
    CHECK_EQ(t_write_str(1, "hello\n"), 6);
    CHECK_EQ(t_write_str(2, "err"), 3);
    CHECK(strcmp(fake_serial_out, "hello\r\nerr") == 0); /* OPOST|ONLCR */
    CHECK_EQ(SYS(lseek, 0, 0, SEEK_CUR), -ESPIPE);
    CHECK_EQ(SYS(pread64, 0, U(buf), 1, 0), -ESPIPE);

    /* Canonical mode: a line at a time, CR becomes NL, erase, echo. */
    fake_serial_out_len = 0;
    fake_serial_input("ab\x7f"
                      "c\rnext\r",
                      10);
    CHECK_EQ(SYS(read, 0, U(buf), sizeof(buf)), 3);
    CHECK(memcmp(buf, "ac\n", 3) == 0);
    CHECK(strcmp(fake_serial_out, "ab\b \bc\r\nnext\r\n") == 0);
    CHECK_EQ(SYS(read, 0, U(buf), 2), 2); /* a short read takes part of a line */
    CHECK(memcmp(buf, "ne", 2) == 0);
    CHECK_EQ(SYS(read, 0, U(buf), sizeof(buf)), 3);
    /* ^D on an empty line is end of file; after text it ends the line. */
    fake_serial_input("x\x04\x04", 3);
    CHECK_EQ(SYS(read, 0, U(buf), sizeof(buf)), 1);
    CHECK_EQ(SYS(read, 0, U(buf), sizeof(buf)), 0);
    /* Non-blocking with nothing typed. */
    CHECK_EQ(SYS(fcntl, 0, F_SETFL, O_NONBLOCK), 0);
    CHECK_EQ(SYS(read, 0, U(buf), sizeof(buf)), -EAGAIN);
    CHECK_EQ(SYS(fcntl, 0, F_SETFL, 0), 0);

    /* termios: TCGETS says it is a tty; raw mode without echo. */
    u8 t[36];
    CHECK_EQ(SYS(ioctl, 0, 0x5401, U(t)), 0);
    u32 lflag;
    memcpy(&lflag, t + 12, 4);
    CHECK(lflag & 2); /* ICANON */
    CHECK(lflag & 010); /* ECHO */
    lflag &= ~(2u | 010u);
    memcpy(t + 12, &lflag, 4);
    CHECK_EQ(SYS(ioctl, 0, 0x5402, U(t)), 0);
    fake_serial_out_len = 0;
    fake_serial_out[0] = '\0';
    fake_serial_input("qz", 2);
    CHECK_EQ(SYS(read, 0, U(buf), sizeof(buf)), 2);
    CHECK_EQ(fake_serial_out_len, 0);
    lflag |= 2u | 010u;
    memcpy(t + 12, &lflag, 4);
    CHECK_EQ(SYS(ioctl, 0, 0x5402, U(t)), 0);
    u16 ws[4];
    CHECK_EQ(SYS(ioctl, 1, 0x5413, U(ws)), 0);
    CHECK_EQ(ws[0], 24);
    CHECK_EQ(ws[1], 80);
    CHECK_EQ(SYS(ioctl, 1, 0x5401, FAKE_BAD_UADDR), -EFAULT);
    CHECK_EQ(SYS(ioctl, 1, 0x1234, 0), -ENOTTY);
    /* Not our controlling terminal: no foreground group to see or set. */
    int pg = 5;
    CHECK_EQ(SYS(ioctl, 0, 0x5410, U(&pg)), -ENOTTY);
    CHECK_EQ(SYS(ioctl, 0, 0x540f, U(&pg)), -ENOTTY);

    fd_table_put(proc->files);
    proc->files = saved;
}

static void test_kmsg_syslog(void)
{
    char buf[128];

    fake_log_write("line one\nline two\n", 18);
    long fd = t_open("/dev/kmsg", O_RDONLY | O_NONBLOCK, 0);
    CHECK(fd >= 0);
    CHECK_EQ(SYS(read, (u64)fd, U(buf), 9), 9);
    CHECK(memcmp(buf, "line one\n", 9) == 0);
    CHECK_EQ(SYS(read, (u64)fd, U(buf), sizeof(buf)), 9);
    CHECK_EQ(SYS(read, (u64)fd, U(buf), sizeof(buf)), -EAGAIN);
    CHECK_EQ(SYS(lseek, (u64)fd, 0, SEEK_SET), 0);
    CHECK_EQ(SYS(read, (u64)fd, U(buf), sizeof(buf)), 18);
    SYS(close, (u64)fd);
    fd = t_open("/dev/kmsg", O_WRONLY, 0);
    CHECK_EQ(SYS(write, (u64)fd, U("<3>from user\n"), 13), 13);
    SYS(close, (u64)fd);

    /* klogctl: size, read all (the newest bytes), clear, read unread. */
    CHECK_EQ(SYS(syslog, 10, 0, 0), 65536);
    CHECK_EQ(SYS(syslog, 9, 0, 0), 18);
    CHECK_EQ(SYS(syslog, 3, U(buf), sizeof(buf)), 18);
    CHECK(memcmp(buf, "line one\nline two\n", 18) == 0);
    CHECK_EQ(SYS(syslog, 3, U(buf), 9), 9);
    CHECK(memcmp(buf, "line two\n", 9) == 0);
    CHECK_EQ(SYS(syslog, 3, FAKE_BAD_UADDR, 10), -EFAULT);
    CHECK_EQ(SYS(syslog, 3, 0, 10), -EINVAL);
    CHECK_EQ(SYS(syslog, 2, U(buf), 5), 5);
    CHECK_EQ(SYS(syslog, 9, 0, 0), 13);
    CHECK_EQ(SYS(syslog, 4, U(buf), sizeof(buf)), 18);
    CHECK_EQ(SYS(syslog, 3, U(buf), sizeof(buf)), 0);
    fake_log_write("after\n", 6);
    CHECK_EQ(SYS(syslog, 3, U(buf), sizeof(buf)), 6);
    CHECK_EQ(SYS(syslog, 8, 0, 9), -EINVAL);
    CHECK_EQ(SYS(syslog, 8, 0, 4), 0);
    CHECK_EQ(SYS(syslog, 99, 0, 0), -EINVAL);
    proc->cred.fsuid = proc->cred.euid = 1000;
    CHECK_EQ(SYS(syslog, 5, 0, 0), -EPERM);
    CHECK_EQ(SYS(syslog, 10, 0, 0), 65536);
    proc->cred.fsuid = proc->cred.euid = 0;
}

/* ---- a pseudo filesystem, as procfs would use it ---- */

static int counter;

static int show_hello(struct seq_buf *s, void *arg)
{
    return seq_buf_printf(s, "hello %s %d\n", (const char *)arg, ++counter);
}

static long store_value(const char *buf, size_t len, void *arg)
{
    (void)arg;
    counter = (int)(buf[0] - '0');
    return (long)len;
}

static int self_link(char *buf, size_t len, void *arg)
{
    (void)arg;
    size_t n = len < 2 ? len : 2;
    memcpy(buf, "42", n);
    return (int)n;
}

/* A dynamic directory with entries "n0".."n2", each a file. */
static int dyn_lookup(struct dentry *dir, struct dentry *d, void *arg)
{
    (void)arg;
    if (d->name_len == 2 && d->name[0] == 'n' && d->name[1] >= '0' && d->name[1] <= '2') {
        struct inode *i = pseudo_new_file(dir->sb, 0444, show_hello, NULL, "dyn");
        if (!i) {
            return -ENOMEM;
        }
        d_instantiate(d, i);
        return 0;
    }
    return -ENOENT;
}

static int dyn_iterate(struct dentry *dir, struct dir_context *ctx, void *arg)
{
    (void)dir;
    (void)arg;
    for (u64 k = ctx->pos - PSEUDO_DYN_POS; k < 3; k++) {
        char name[3] = {'n', (char)('0' + k), 0};
        if (!ctx->emit(ctx, name, 2, 1000 + k, DT_REG, PSEUDO_DYN_POS + k + 1)) {
            return 0;
        }
        ctx->pos = PSEUDO_DYN_POS + k + 1;
    }
    return 0;
}

static const struct pseudo_dir_ops dyn_ops = {dyn_lookup, dyn_iterate};

static int testfs_fill(struct super_block *sb, const char *source, u32 flags, const void *data)
{
    (void)source;
    (void)flags;
    (void)data;
    int err = pseudo_fill_super(sb, 0x7e57, 0555);
    if (err) {
        return err;
    }
    struct dentry *sub = pseudo_mkdir(sb->root, "sub", 0555);
    if (!sub || pseudo_mkdir_dynamic(sb->root, "dyn", 0555, &dyn_ops, NULL) == NULL) {
        return -ENOMEM;
    }
    err = pseudo_add_file(sb->root, "hello", 0644, show_hello, store_value, "world");
    if (!err) {
        err = pseudo_add_file(sub, "inner", 0444, show_hello, NULL, "inner");
    }
    if (!err) {
        err = pseudo_add_symlink(sb->root, "link", "hello");
    }
    if (!err) {
        err = pseudo_add_dyn_symlink(sb->root, "self", self_link, NULL);
    }
    return err;
}

static struct fs_type testfs = {.name = "testfs", .fill_super = testfs_fill};

static int count_entries(const char *path, char names[][16], int max)
{
    static u8 buf[4096];
    long fd = t_open(path, O_RDONLY | O_DIRECTORY, 0), r;
    int n = 0;

    if (fd < 0) {
        return (int)fd;
    }
    /* Small buffers so the listing crosses from static to dynamic. */
    while ((r = SYS(getdents64, (u64)fd, U(buf), 48)) > 0) {
        for (long p = 0; p < r;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + p);
            if (n < max) {
                snprintf(names[n], 16, "%s", d->d_name);
            }
            n++;
            p += d->d_reclen;
        }
    }
    SYS(close, (u64)fd);
    return r < 0 ? (int)r : n;
}

static void test_pseudo_fs(void)
{
    struct kmalloc_stats k0, k1;
    struct linux_stat st;
    char buf[64], names[16][16];

    CHECK_EQ(vfs_register_fs_type(&testfs), 0);
    CHECK_EQ(vfs_register_fs_type(&testfs), -EEXIST);
    SYS(mkdir, U("/pfs"), 0755);
    kmalloc_shrink();
    kmalloc_get_stats(&k0);
    CHECK_EQ(SYS(mount, U("x"), U("/pfs"), U("testfs"), 0, 0), 0);

    counter = 0;
    CHECK_EQ(read_len("/pfs/hello", buf, sizeof(buf)), 14);
    CHECK(strcmp(buf, "hello world 1\n") == 0);
    /* One snapshot per open: small reads see one version. */
    long fd = t_open("/pfs/hello", O_RDONLY, 0);
    CHECK_EQ(SYS(read, (u64)fd, U(buf), 6), 6);
    counter = 50;
    CHECK_EQ(SYS(read, (u64)fd, U(buf), sizeof(buf)), 8);
    CHECK(memcmp(buf, "world 2\n", 8) == 0);
    CHECK_EQ(SYS(lseek, (u64)fd, -2, SEEK_END), 12);
    SYS(close, (u64)fd);
    fd = t_open("/pfs/hello", O_WRONLY, 0);
    CHECK_EQ(SYS(write, (u64)fd, U("7"), 1), 1);
    SYS(close, (u64)fd);
    CHECK_EQ(read_len("/pfs/hello", buf, sizeof(buf)), 14);
    CHECK(strcmp(buf, "hello world 8\n") == 0);
    fd = t_open("/pfs/sub/inner", O_WRONLY, 0); /* root: no permission check */
    CHECK(fd >= 0);
    CHECK_EQ(SYS(write, (u64)fd, U("1"), 1), -EIO); /* no store callback */
    SYS(close, (u64)fd);
    CHECK_EQ(read_len("/pfs/link", buf, sizeof(buf)), 14);
    CHECK_EQ(SYS(readlink, U("/pfs/self"), U(buf), sizeof(buf)), 2);
    CHECK_EQ(t_stat("/pfs/hello", &st), 0);
    CHECK_EQ(st.st_size, 0);
    CHECK_EQ(st.st_uid, 0);
    CHECK_EQ(t_stat("/pfs", &st), 0);
    CHECK_EQ(st.st_nlink, 4);

    /* Dynamic entries: looked up on demand, listed after the static. */
    CHECK_EQ(read_len("/pfs/dyn/n1", buf, sizeof(buf)), 13);
    CHECK(strncmp(buf, "hello dyn", 9) == 0);
    CHECK_EQ(t_stat("/pfs/dyn/n3", &st), -ENOENT);
    CHECK_EQ(count_entries("/pfs/dyn", names, 16), 5);
    CHECK(strcmp(names[2], "n0") == 0 && strcmp(names[4], "n2") == 0);
    CHECK_EQ(count_entries("/pfs", names, 16), 7);
    /* Read-only namespace. */
    CHECK_EQ(SYS(mkdir, U("/pfs/new"), 0755), -EPERM);
    CHECK_EQ(SYS(unlink, U("/pfs/hello")), -EPERM);
    CHECK_EQ(t_open("/pfs/new", O_CREAT | O_RDWR, 0644), -EPERM);

    CHECK_EQ(SYS(umount2, U("/pfs"), 0), 0);
    kmalloc_shrink();
    kmalloc_get_stats(&k1);
    CHECK_EQ(k1.bytes_in_use, k0.bytes_in_use);
    /* The placeholder proc: an empty directory. */
    SYS(mkdir, U("/proc"), 0555);
    CHECK_EQ(SYS(mount, U("proc"), U("/proc"), U("proc"), 0, 0), 0);
    CHECK_EQ(count_entries("/proc", names, 16), 2);
    CHECK_EQ(SYS(umount2, U("/proc"), 0), 0);
}

static void test_mmap_pages(void)
{
    struct page_stats p0, p1;
    phys_addr_t pa, pb;
    char buf[8];

    long fd = t_open("/mapped", O_CREAT | O_RDWR, 0644);
    CHECK_EQ(SYS(pwrite64, (u64)fd, U("abc"), 3, 4096 + 10), 3);
    struct file *f = fd_get((int)fd);
    page_alloc_stats(&p0);
    /* The page cache frame: what read/write use, shared by all callers. */
    CHECK_EQ(vfs_file_get_page(f, 1, false, &pa), 0);
    CHECK_EQ(vfs_file_get_page(f, 1, true, &pb), 0);
    CHECK_EQ(pa, pb);
    char *page = phys_to_virt(pa);
    CHECK(memcmp(page + 10, "abc", 3) == 0);
    CHECK_EQ(virt_to_page(page)->refcount, 3);
    page[11] = 'X';
    CHECK_EQ(SYS(pread64, (u64)fd, U(buf), 3, 4096 + 10), 3);
    CHECK(memcmp(buf, "aXc", 3) == 0);
    /* A hole gets a zeroed frame; past EOF is ENXIO. */
    CHECK_EQ(vfs_file_get_page(f, 0, false, &pb), 0);
    CHECK(((char *)phys_to_virt(pb))[0] == 0);
    vfs_page_put(pb);
    CHECK_EQ(vfs_file_get_page(f, 2, false, &pb), -ENXIO);
    /* Truncate and unlink: the mapping keeps its frame until put. */
    CHECK_EQ(SYS(ftruncate, (u64)fd, 0), 0);
    CHECK_EQ(virt_to_page(page)->refcount, 2);
    CHECK(page[11] == 'X');
    vfs_page_put(pa);
    vfs_page_put(pa);
    file_put(f);
    SYS(close, (u64)fd);
    CHECK_EQ(SYS(unlink, U("/mapped")), 0);
    page_alloc_stats(&p1);
    CHECK(p1.free_pages >= p0.free_pages + 1);
    CHECK_EQ(SYS(open, U("/dev/console"), O_RDONLY, 0) >= 0, 1);
}

int main(void)
{
    fake_pages_init(16384);
    if (vfs_init_root() != 0) {
        printf("FAIL test_vfs_dev: vfs_init_root\n");
        return 1;
    }
    proc = fake_process_new();
    SYS(mkdir, U("/dev"), 0755);
    if (SYS(mount, U("devtmpfs"), U("/dev"), U("devtmpfs"), 0, 0) != 0) {
        printf("FAIL test_vfs_dev: mount devtmpfs\n");
        return 1;
    }

    RUN(test_nodes);
    RUN(test_mem_devices);
    RUN(test_console);
    RUN(test_kmsg_syslog);
    RUN(test_pseudo_fs);
    RUN(test_mmap_pages);

    fake_process_free(proc);
    fake_pages_fini();
    HARNESS_EXIT();
}
