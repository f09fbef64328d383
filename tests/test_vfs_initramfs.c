// SPDX-License-Identifier: MIT
/* initramfs unpacking into tmpfs: archives made by the host's cpio(1)
 * (files, directories, symlinks, hard links, owners, modes, mtimes),
 * hand-built archives (device nodes, FIFOs, entries out of order, type
 * changes, hard links with data on the last entry), several archives and
 * modules overriding each other, malformed archives and their messages,
 * and memory returning to the baseline. */
#define _GNU_SOURCE
#include <arch/x86_64/memlayout.h>
#include <fs/cpio.h>
#include <fs/fdtable.h>
#include <fs/initramfs.h>
#include <fs/vfs.h>
#include <kernel/kmalloc.h>
#include <kernel/page_alloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fakes/page_alloc_fake.h"
#include "fakes/vfs_test.h"
#include "harness.h"

HARNESS("test_vfs_initramfs");

static char msg[512];
static char tmpdir[64];

/* ---- archives from cpio(1) ---- */

struct blob {
    u8 *data;
    size_t len;
};

static void blob_free(struct blob *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
}

/* Runs a shell script in tmpdir whose stdout is the archive. */
static int run_cpio(const char *script, struct blob *out)
{
    char cmd[4096];
    FILE *p;

    snprintf(cmd, sizeof(cmd), "cd %s && { %s ; }", tmpdir, script);
    p = popen(cmd, "r");
    if (!p) {
        return -1;
    }
    size_t cap = 1 << 16;
    out->data = malloc(cap);
    out->len = 0;
    for (;;) {
        if (out->len == cap) {
            cap *= 2;
            out->data = realloc(out->data, cap);
        }
        size_t n = fread(out->data + out->len, 1, cap - out->len, p);
        if (n == 0) {
            break;
        }
        out->len += n;
    }
    return pclose(p) == 0 ? 0 : -1;
}

static struct process *proc;

/* Unpacks as at boot: no current process (global root, root creds). */
static long unpack_raw(const void *buf, size_t len, const char *what)
{
    fake_current = NULL;
    long r = initramfs_unpack_buffer(buf, len, what, msg, sizeof(msg));
    fake_current = proc;
    return r;
}

static long unpack(const struct blob *b)
{
    return unpack_raw(b->data, b->len, "test");
}

static long read_file(const char *path, char *buf, size_t len)
{
    long fd = t_open(path, O_RDONLY, 0);
    if (fd < 0) {
        return fd;
    }
    long r = SYS(read, (u64)fd, U(buf), len - 1);
    SYS(close, (u64)fd);
    if (r >= 0) {
        buf[r] = '\0';
    }
    return r;
}

static void test_cpio_tool_archive(void)
{
    struct blob b;
    struct linux_stat st, st2;
    char buf[256];

    CHECK_EQ(run_cpio("rm -rf t1 && mkdir -p t1/etc/sub t1/bin && cd t1 && "
                      "printf 'hello\\n' > etc/motd && "
                      "head -c 10000 /dev/zero | tr '\\0' x > bin/big && "
                      "ln bin/big bin/big2 && ln -s ../etc/motd bin/motdlink && "
                      "ln -s /etc bin/abslink && chmod 0640 etc/motd && chmod 4755 bin/big && "
                      "chmod 0700 etc/sub && touch -h -d @1234567 etc/motd bin/motdlink && "
                      "touch -d @7654321 etc etc/sub && "
                      "find . | cpio --quiet -o -H newc -R 123:456",
                      &b),
             0);
    CHECK_EQ(unpack(&b), 0);
    blob_free(&b);

    CHECK_EQ(read_file("/etc/motd", buf, sizeof(buf)), 6);
    CHECK(strcmp(buf, "hello\n") == 0);
    CHECK_EQ(t_stat("/etc/motd", &st), 0);
    CHECK_EQ(st.st_mode, S_IFREG | 0640);
    CHECK_EQ(st.st_uid, 123);
    CHECK_EQ(st.st_gid, 456);
    CHECK_EQ(st.st_mtime_sec, 1234567);
    CHECK_EQ(t_stat("/etc/sub", &st), 0);
    CHECK_EQ(st.st_mode, S_IFDIR | 0700);
    CHECK_EQ(st.st_mtime_sec, 7654321);
    CHECK_EQ(t_stat("/etc", &st), 0);
    CHECK_EQ(st.st_mtime_sec, 7654321); /* set after its contents */
    CHECK_EQ(st.st_nlink, 3);
    /* Hard links: one inode, the data once, setuid kept. */
    CHECK_EQ(t_stat("/bin/big", &st), 0);
    CHECK_EQ(t_stat("/bin/big2", &st2), 0);
    CHECK_EQ(st.st_ino, st2.st_ino);
    CHECK_EQ(st.st_nlink, 2);
    CHECK_EQ(st.st_size, 10000);
    CHECK_EQ(st.st_mode, S_IFREG | 04755);
    CHECK_EQ(read_file("/bin/big2", buf, 8), 7);
    CHECK(strcmp(buf, "xxxxxxx") == 0);
    /* Symlinks: relative and absolute, their own owner and mtime. */
    CHECK_EQ(SYS(readlink, U("/bin/motdlink"), U(buf), sizeof(buf)), 11);
    CHECK(memcmp(buf, "../etc/motd", 11) == 0);
    CHECK_EQ(t_lstat("/bin/motdlink", &st), 0);
    CHECK_EQ(st.st_uid, 123);
    CHECK_EQ(st.st_mtime_sec, 1234567);
    CHECK_EQ(read_file("/bin/motdlink", buf, sizeof(buf)), 6);
    CHECK_EQ(read_file("/bin/abslink/motd", buf, sizeof(buf)), 6);
}

static void test_override_and_concat(void)
{
    struct blob a, b;
    char buf[64];
    struct linux_stat st;

    /* Two archives in one buffer (as with several files in one module),
     * the second replacing a file of the first. */
    CHECK_EQ(run_cpio("rm -rf t2 t3 && mkdir -p t2/o t3/o && echo old > t2/o/x && "
                      "echo keep > t2/o/y && echo new > t3/o/x && echo z > t3/o/z && "
                      "(cd t2 && find o | cpio --quiet -o -H newc) && "
                      "(cd t3 && find o | cpio --quiet -o -H newc)",
                      &a),
             0);
    CHECK_EQ(unpack(&a), 0);
    blob_free(&a);
    CHECK_EQ(read_file("/o/x", buf, sizeof(buf)), 4);
    CHECK(strcmp(buf, "new\n") == 0);
    CHECK_EQ(read_file("/o/y", buf, sizeof(buf)), 5);
    CHECK_EQ(read_file("/o/z", buf, sizeof(buf)), 2);
    /* A later module replaces a file with a symlink and a directory. */
    CHECK_EQ(run_cpio("rm -rf t4 && mkdir -p t4/o/y && ln -s z t4/o/x && "
                      "echo in > t4/o/y/inner && cd t4 && find o | cpio --quiet -o -H newc",
                      &b),
             0);
    CHECK_EQ(unpack(&b), 0);
    blob_free(&b);
    CHECK_EQ(t_lstat("/o/x", &st), 0);
    CHECK(S_ISLNK(st.st_mode));
    CHECK_EQ(read_file("/o/x", buf, sizeof(buf)), 2);
    CHECK_EQ(t_stat("/o/y", &st), 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK_EQ(read_file("/o/y/inner", buf, sizeof(buf)), 3);
}

static void test_out_of_order(void)
{
    struct blob b;
    struct linux_stat st;
    char buf[16];

    /* Deepest first: the parents do not exist yet, the directory entries
     * come last and still set their modes. */
    CHECK_EQ(run_cpio("rm -rf t5 && mkdir -p t5/p/q/r && echo deep > t5/p/q/r/f && "
                      "chmod 0711 t5/p/q && cd t5 && "
                      "printf 'p/q/r/f\\np/q/r\\np/q\\np\\n' | cpio --quiet -o -H newc",
                      &b),
             0);
    CHECK_EQ(unpack(&b), 0);
    blob_free(&b);
    CHECK_EQ(read_file("/p/q/r/f", buf, sizeof(buf)), 5);
    CHECK_EQ(t_stat("/p/q", &st), 0);
    CHECK_EQ(st.st_mode, S_IFDIR | 0711);
}

/* ---- hand-built archives ---- */

struct wbuf {
    u8 buf[1 << 16];
    size_t len;
};

static struct wbuf wb;

static void w_bytes(const void *p, size_t n)
{
    memcpy(wb.buf + wb.len, p, n);
    wb.len += n;
}

static void w_pad(void)
{
    static const u8 zero[4];
    w_bytes(zero, (4 - wb.len % 4) % 4);
}

static size_t w_entry(const char *name, u32 mode, u32 nlink, u32 ino, u32 rmaj, u32 rmin,
                      const char *data)
{
    size_t off = wb.len, size = data ? strlen(data) : 0;
    char hdr[128];

    snprintf(hdr, sizeof(hdr), "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", ino,
             mode, 0, 0, nlink, 1000, (u32)size, 0, 0, rmaj, rmin, (u32)strlen(name) + 1, 0);
    w_bytes(hdr, CPIO_HEADER_LEN);
    w_bytes(name, strlen(name) + 1);
    w_pad();
    if (size) {
        w_bytes(data, size);
    }
    w_pad();
    return off;
}

static void w_trailer(void)
{
    w_entry(CPIO_TRAILER, 0, 1, 0, 0, 0, NULL);
}

static long unpack_wb(void)
{
    return unpack_raw(wb.buf, wb.len, "test");
}

static void test_nodes_and_links(void)
{
    struct linux_stat st, st2;
    char buf[32];

    wb.len = 0;
    w_entry("dev/null", S_IFCHR | 0666, 1, 10, 1, 3, NULL);
    w_entry("dev/sda", S_IFBLK | 0600, 1, 11, 8, 0, NULL);
    w_entry("run/fifo", S_IFIFO | 0620, 1, 12, 0, 0, NULL);
    w_entry("run/sock", S_IFSOCK | 0755, 1, 13, 0, 0, NULL);
    /* newc hard links: three names, the data on the last one only. */
    w_entry("h/a", S_IFREG | 0644, 3, 20, 0, 0, NULL);
    w_entry("h/b", S_IFREG | 0644, 3, 20, 0, 0, NULL);
    w_entry("h/c", S_IFREG | 0644, 3, 20, 0, 0, "shared");
    w_entry("./.", S_IFDIR | 0755, 2, 1, 0, 0, NULL);
    w_trailer();
    /* A second archive reusing ino 20: a different file, not a link. */
    w_entry("h/d", S_IFREG | 0644, 2, 20, 0, 0, "other");
    w_trailer();
    CHECK_EQ(unpack_wb(), 0);
    CHECK_EQ(t_stat("/dev/null", &st), 0);
    CHECK_EQ(st.st_mode, S_IFCHR | 0666);
    CHECK_EQ(dev_major(st.st_rdev), 1);
    CHECK_EQ(dev_minor(st.st_rdev), 3);
    CHECK_EQ(t_stat("/dev/sda", &st), 0);
    CHECK_EQ(st.st_mode, S_IFBLK | 0600);
    CHECK_EQ(dev_major(st.st_rdev), 8);
    CHECK_EQ(t_stat("/run/fifo", &st), 0);
    CHECK_EQ(st.st_mode, S_IFIFO | 0620);
    CHECK_EQ(st.st_mtime_sec, 1000);
    CHECK_EQ(t_stat("/run/sock", &st), 0);
    CHECK(S_ISSOCK(st.st_mode));
    CHECK_EQ(t_stat("/h/a", &st), 0);
    CHECK_EQ(t_stat("/h/c", &st2), 0);
    CHECK_EQ(st.st_ino, st2.st_ino);
    CHECK_EQ(st.st_nlink, 3);
    CHECK_EQ(read_file("/h/a", buf, sizeof(buf)), 6);
    CHECK(strcmp(buf, "shared") == 0);
    CHECK_EQ(t_stat("/h/d", &st2), 0);
    CHECK(st.st_ino != st2.st_ino);
    CHECK_EQ(read_file("/h/d", buf, sizeof(buf)), 5);
    CHECK_EQ(t_stat("/", &st), 0);
    CHECK_EQ(st.st_mode, S_IFDIR | 0755);

    /* Type changes: file -> dir, empty dir -> file, symlink -> file. */
    wb.len = 0;
    w_entry("tc/f2d", S_IFREG | 0644, 1, 1, 0, 0, "x");
    w_entry("tc/d2f", S_IFDIR | 0755, 2, 2, 0, 0, NULL);
    w_entry("tc/l2f", S_IFLNK | 0777, 1, 3, 0, 0, "f2d");
    w_entry("tc/f2d", S_IFDIR | 0700, 2, 4, 0, 0, NULL);
    w_entry("tc/d2f", S_IFREG | 0600, 1, 5, 0, 0, "file");
    w_entry("tc/l2f", S_IFREG | 0600, 1, 6, 0, 0, "real");
    w_trailer();
    CHECK_EQ(unpack_wb(), 0);
    CHECK_EQ(t_stat("/tc/f2d", &st), 0);
    CHECK_EQ(st.st_mode, S_IFDIR | 0700);
    CHECK_EQ(t_stat("/tc/d2f", &st), 0);
    CHECK_EQ(st.st_mode, S_IFREG | 0600);
    CHECK_EQ(t_lstat("/tc/l2f", &st), 0);
    CHECK_EQ(st.st_mode, S_IFREG | 0600);
    CHECK_EQ(read_file("/tc/l2f", buf, sizeof(buf)), 4);
}

static void test_malformed(void)
{
    struct blob b;
    size_t off;

    /* An entry trying to escape with "..". */
    wb.len = 0;
    w_entry("ok", S_IFREG | 0644, 1, 1, 0, 0, "fine");
    off = w_entry("a/../../etc/evil", S_IFREG | 0644, 1, 2, 0, 0, "bad");
    w_trailer();
    CHECK_EQ(unpack_wb(), -EINVAL);
    char expect[128];
    snprintf(expect, sizeof(expect), "entry 'a/../../etc/evil' (file) at offset %zu: invalid name",
             off);
    printf("  message: %s\n", msg);
    CHECK(strstr(msg, expect) != NULL);
    CHECK(strncmp(msg, "test: ", 6) == 0);

    /* Truncated in the middle of a file's data: parser message, offsets
     * and the entry's name. */
    wb.len = 0;
    w_entry("first", S_IFREG | 0644, 1, 1, 0, 0, "1");
    off = w_entry("second", S_IFREG | 0644, 1, 2, 0, 0, "0123456789abcdef");
    w_trailer();
    CHECK_EQ(unpack_raw(wb.buf, off + 120, "test"), -EINVAL);
    printf("  message: %s\n", msg);
    snprintf(expect, sizeof(expect),
             "file data runs past end of buffer at offset %zu (entry 'second' at offset %zu)",
             off + 120, off);
    CHECK(strstr(msg, expect) != NULL);

    /* Garbage, a gzip-compressed archive, an empty module. */
    CHECK_EQ(unpack_raw("garbage!", 8, "m"), -EINVAL);
    CHECK(strcmp(msg, "m: bad magic at offset 0 (entry at offset 0)") == 0);
    CHECK_EQ(run_cpio("rm -rf t6 && mkdir t6 && echo a > t6/a && cd t6 && "
                      "echo a | cpio --quiet -o -H newc | gzip -c",
                      &b),
             0);
    CHECK_EQ(unpack(&b), -EINVAL);
    blob_free(&b);
    printf("  message: %s\n", msg);
    CHECK(strstr(msg, "gzip-compressed archive (not unpacked) at offset 0") != NULL);
    static const u8 zeros[512];
    CHECK_EQ(unpack_raw(zeros, sizeof(zeros), "m"), -EINVAL);
    CHECK(strstr(msg, "empty") != NULL);
    /* A symlink whose target is too long, and a path under a file. */
    wb.len = 0;
    w_entry("plainfile", S_IFREG | 0644, 1, 1, 0, 0, "x");
    off = w_entry("plainfile/child", S_IFREG | 0644, 1, 2, 0, 0, "y");
    w_trailer();
    CHECK_EQ(unpack_wb(), -ENOTDIR);
    printf("  message: %s\n", msg);
    snprintf(expect, sizeof(expect), "entry 'plainfile/child' (file) at offset %zu", off);
    CHECK(strstr(msg, expect) != NULL);
}

static void test_boot_modules(void)
{
    static struct boot_info bi;
    struct blob a, b;
    const char *err = NULL;
    char buf[16];

    CHECK_EQ(run_cpio("rm -rf m1 m2 && mkdir -p m1 m2 && echo one > m1/mod && "
                      "echo two > m2/mod && cd m1 && echo mod | cpio --quiet -o -H newc",
                      &a),
             0);
    CHECK_EQ(run_cpio("cd m2 && echo mod | cpio --quiet -o -H newc", &b), 0);
    /* Modules are physical ranges; the direct map takes us back. */
    bi.nmodules = 2;
    bi.modules[0] = (struct boot_module){virt_to_phys(a.data), virt_to_phys(a.data) + a.len, "a"};
    bi.modules[1] = (struct boot_module){virt_to_phys(b.data), virt_to_phys(b.data) + b.len, "b"};
    CHECK_EQ(initramfs_unpack(&bi, &err), 0);
    CHECK(err == NULL);
    CHECK_EQ(read_file("/mod", buf, sizeof(buf)), 4);
    CHECK(strcmp(buf, "two\n") == 0);
    /* A bad second module stops with its name in the message. */
    b.data[0] = 'X';
    CHECK_EQ(initramfs_unpack(&bi, &err), -EINVAL);
    CHECK(err != NULL);
    printf("  message: %s\n", err);
    CHECK(strcmp(err, "module 1 'b': bad magic at offset 0 (entry 'mod' at offset 0)") == 0);
    bi.nmodules = 0;
    CHECK_EQ(initramfs_unpack(&bi, &err), -ENOENT);
    blob_free(&a);
    blob_free(&b);
}

/* Everything unpacked can be deleted again, giving back all memory. */
static void test_memory_baseline(void)
{
    struct blob b;
    struct kmalloc_stats k0, k1;
    struct page_stats p0, p1;

    CHECK_EQ(SYS(mkdir, U("/mem"), 0755), 0);
    kmalloc_shrink();
    kmalloc_get_stats(&k0);
    page_alloc_stats(&p0);
    CHECK_EQ(run_cpio("rm -rf t7 && mkdir -p t7/mem/a/b && cd t7 && "
                      "head -c 50000 /dev/urandom > mem/a/blob && ln mem/a/blob mem/a/blob2 && "
                      "ln -s blob mem/a/sl && echo hi > mem/a/b/f && "
                      "find mem | cpio --quiet -o -H newc",
                      &b),
             0);
    CHECK_EQ(unpack(&b), 0);
    blob_free(&b);
    CHECK_EQ(SYS(unlink, U("/mem/a/blob")), 0);
    CHECK_EQ(SYS(unlink, U("/mem/a/blob2")), 0);
    CHECK_EQ(SYS(unlink, U("/mem/a/sl")), 0);
    CHECK_EQ(SYS(unlink, U("/mem/a/b/f")), 0);
    CHECK_EQ(SYS(rmdir, U("/mem/a/b")), 0);
    CHECK_EQ(SYS(rmdir, U("/mem/a")), 0);
    kmalloc_shrink();
    kmalloc_get_stats(&k1);
    page_alloc_stats(&p1);
    CHECK_EQ(k1.bytes_in_use, k0.bytes_in_use);
    CHECK_EQ(p1.free_pages, p0.free_pages);
}

int main(void)
{
    strcpy(tmpdir, "/tmp/test_vfs_initramfs.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        printf("FAIL test_vfs_initramfs: mkdtemp\n");
        return 1;
    }
    fake_pages_init(16384);
    if (vfs_init_root() != 0) {
        printf("FAIL test_vfs_initramfs: vfs_init_root\n");
        return 1;
    }
    proc = fake_process_new();
    RUN(test_cpio_tool_archive);
    RUN(test_override_and_concat);
    RUN(test_out_of_order);
    RUN(test_nodes_and_links);
    RUN(test_malformed);
    RUN(test_boot_modules);
    RUN(test_memory_baseline);

    fake_process_free(proc);
    fake_pages_fini();
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    if (system(cmd) != 0) {
        printf("  could not remove %s\n", tmpdir);
    }
    HARNESS_EXIT();
}
