// SPDX-License-Identifier: MIT
/* The block layer against fake in-memory disks: registration and names,
 * request splitting at max_request, read-modify-write of unaligned byte
 * ranges (512- and 4096-byte blocks), the /dev/vdX block special files
 * (read, write, lseek, fsync, ioctls, errors), /proc/partitions and
 * /proc/diskstats. */
#include <arch/x86_64/memlayout.h>
#include <drivers/block.h>
#include <fs/chrdev.h>
#include <fs/fdtable.h>
#include <fs/pseudo.h>
#include <fs/vfs.h>
#include <kernel/kmalloc.h>
#include <stdio.h>
#include <string.h>

#include "fakes/page_alloc_fake.h"
#include "fakes/vfs_test.h"
#include "harness.h"

HARNESS("test_block");

/* A disk in host memory; requests complete inside submit. */
struct fake_disk {
    struct block_device bd;
    u8 *data;
    u64 requests, flushes, max_len;
    int fail_status; /* completes every request with this when nonzero */
    int submit_err; /* submit returns this when nonzero */
    bool bad; /* a request broke the contract */
};

static int fake_submit(struct block_device *bd, struct block_request *req)
{
    struct fake_disk *fd = bd->priv;
    u32 bs_sectors = bd->block_size / SECTOR_SIZE;

    if (fd->submit_err) {
        return fd->submit_err;
    }
    fd->requests++;
    if (req->op == BLOCK_FLUSH) {
        fd->flushes++;
        block_complete(req, 0);
        return 0;
    }
    if (req->len == 0 || req->len % bd->block_size || req->len > bd->max_request ||
        req->sector % bs_sectors || req->sector + req->len / SECTOR_SIZE > bd->capacity ||
        req->buf_phys != virt_to_phys(req->buf) || req->bdev != bd) {
        fd->bad = true;
        block_complete(req, -EIO);
        return 0;
    }
    if (req->len > fd->max_len) {
        fd->max_len = req->len;
    }
    if (fd->fail_status) {
        block_complete(req, fd->fail_status);
        return 0;
    }
    u8 *p = fd->data + req->sector * SECTOR_SIZE;
    if (req->op == BLOCK_READ) {
        memcpy(req->buf, p, req->len);
    } else {
        memcpy(p, req->buf, req->len);
    }
    block_complete(req, 0);
    return 0;
}

static const struct block_device_ops fake_ops = {.submit = fake_submit};

/* vda: 1 MiB, 512-byte blocks, 8 KiB requests; vdb: 256 KiB, 4096-byte
 * blocks, 64 KiB requests; vdc: 64 KiB, read-only. */
static struct fake_disk disk_a, disk_b, disk_c;

static void fake_disk_init(struct fake_disk *d, u64 bytes, u32 block_size, u32 max_request)
{
    memset(d, 0, sizeof(*d));
    d->data = calloc(1, bytes);
    d->bd.capacity = bytes / SECTOR_SIZE;
    d->bd.block_size = block_size;
    d->bd.max_request = max_request;
    d->bd.ops = &fake_ops;
    d->bd.priv = d;
}

static void test_register(void)
{
    static struct block_device bad;

    CHECK_EQ(block_count(), 3);
    CHECK(!strcmp(disk_a.bd.name, "vda") && disk_a.bd.major == 254 && disk_a.bd.minor == 0);
    CHECK(!strcmp(disk_b.bd.name, "vdb") && disk_b.bd.minor == 16);
    CHECK(!strcmp(disk_c.bd.name, "vdc") && disk_c.bd.minor == 32);
    CHECK(block_get(1) == &disk_b.bd);
    CHECK(block_get(3) == NULL);
    /* Invalid block size, no submit. */
    bad = disk_a.bd;
    bad.block_size = 1000;
    CHECK_EQ(block_register(&bad), -EINVAL);
    bad.block_size = 512;
    bad.ops = NULL;
    CHECK_EQ(block_register(&bad), -EINVAL);
    CHECK_EQ(block_count(), 3);
    /* Block and char numbers are separate name spaces. */
    CHECK(blkdev_find(254, 0) != NULL);
    CHECK(chrdev_find(254, 0) == NULL);
    CHECK(blkdev_find(254, 1) == NULL);
    CHECK(blkdev_find(1, 3) == NULL && chrdev_find(1, 3) != NULL);
}

static void test_sector_io_splits(void)
{
    static u8 in[300 * 1024], out[sizeof(in)];

    for (size_t i = 0; i < sizeof(in); i++) {
        in[i] = (u8)(i * 7 + i / 512);
    }
    u64 before = disk_a.requests;
    CHECK_EQ(block_write_sectors(&disk_a.bd, 100, in, sizeof(in)), 0);
    /* 8 KiB per request: 300 KiB takes 38 (37.5 rounded up). */
    CHECK_EQ(disk_a.requests - before, (sizeof(in) + 8191) / 8192);
    CHECK_EQ(disk_a.max_len, 8192);
    CHECK(memcmp(disk_a.data + 100 * 512, in, sizeof(in)) == 0);
    CHECK_EQ(block_read_sectors(&disk_a.bd, 100, out, sizeof(out)), 0);
    CHECK(memcmp(in, out, sizeof(in)) == 0);
    /* Beyond the end, not whole sectors. */
    CHECK_EQ(block_read_sectors(&disk_a.bd, 2047, out, 1024), -EINVAL);
    CHECK_EQ(block_read_sectors(&disk_a.bd, 0, out, 100), -EINVAL);
    CHECK_EQ(block_flush(&disk_a.bd), 0);
    CHECK(!disk_a.bad);
}

static void test_nodes(void)
{
    struct linux_stat st;

    CHECK_EQ(t_stat("/dev/vda", &st), 0);
    CHECK_EQ(st.st_mode, S_IFBLK | 0660);
    CHECK_EQ(dev_major(st.st_rdev), 254);
    CHECK_EQ(dev_minor(st.st_rdev), 0);
    CHECK_EQ(t_stat("/dev/vdb", &st), 0);
    CHECK_EQ(st.st_mode, S_IFBLK | 0660);
    CHECK_EQ(dev_minor(st.st_rdev), 16);
    /* A block node with no disk behind it. */
    CHECK_EQ(SYS(mknod, U("/dev/vdz"), S_IFBLK | 0600, dev_encode(254, 240)), 0);
    CHECK_EQ(t_open("/dev/vdz", O_RDONLY, 0), -ENXIO);
    /* A char node with a disk's numbers is not the disk. */
    CHECK_EQ(SYS(mknod, U("/dev/cvda"), S_IFCHR | 0600, dev_encode(254, 0)), 0);
    CHECK_EQ(t_open("/dev/cvda", O_RDONLY, 0), -ENXIO);
}

/* Random unaligned writes and reads through the file, against a shadow. */
static void rmw_run(struct fake_disk *d, const char *path, int rounds)
{
    u64 size = d->bd.capacity * SECTOR_SIZE;
    u8 *shadow = malloc(size), *buf = malloc(100000), *got = malloc(100000);
    long fd = t_open(path, O_RDWR, 0);

    CHECK(fd >= 0);
    memcpy(shadow, d->data, size);
    for (int r = 0; r < rounds; r++) {
        u64 off = harness_rand() % size;
        size_t len =
            (size_t)(harness_rand() % 3 == 0 ? harness_rand() % 100000 : harness_rand() % 1500);
        size_t n = (size_t)MIN((u64)len, size - off);
        for (size_t i = 0; i < len; i++) {
            buf[i] = (u8)harness_rand();
        }
        CHECK_EQ(SYS(pwrite64, (u64)fd, U(buf), len, off), (long)n);
        memcpy(shadow + off, buf, n);
        CHECK(memcmp(d->data, shadow, size) == 0);
        u64 roff = harness_rand() % size;
        size_t rlen = (size_t)(harness_rand() % 100000);
        size_t rn = (size_t)MIN((u64)rlen, size - roff);
        CHECK_EQ(SYS(pread64, (u64)fd, U(got), rlen, roff), (long)rn);
        CHECK(memcmp(got, shadow + roff, rn) == 0);
    }
    CHECK(!d->bad);
    SYS(close, (u64)fd);
    free(shadow);
    free(buf);
    free(got);
}

static void test_rmw_512(void)
{
    rmw_run(&disk_a, "/dev/vda", 300);
    CHECK(!disk_a.bad);
}

static void test_rmw_4096(void)
{
    rmw_run(&disk_b, "/dev/vdb", 300);
    CHECK(!disk_b.bad);
}

static void test_file_ops(void)
{
    static u8 buf[4096];
    u64 size = disk_a.bd.capacity * SECTOR_SIZE;
    long fd = t_open("/dev/vda", O_RDWR, 0);
    struct linux_stat st;

    CHECK(fd >= 0);
    CHECK_EQ(SYS(fstat, (u64)fd, U(&st)), 0);
    CHECK_EQ(st.st_mode, S_IFBLK | 0660);
    CHECK_EQ(SYS(lseek, (u64)fd, 0, SEEK_END), (long)size);
    /* At the end: reads 0, writes ENOSPC; across it: short. */
    CHECK_EQ(SYS(read, (u64)fd, U(buf), sizeof(buf)), 0);
    CHECK_EQ(SYS(write, (u64)fd, U(buf), 1), -ENOSPC);
    CHECK_EQ(SYS(lseek, (u64)fd, -100, SEEK_END), (long)size - 100);
    CHECK_EQ(SYS(write, (u64)fd, U(buf), sizeof(buf)), 100);
    CHECK_EQ(SYS(lseek, (u64)fd, -10, SEEK_CUR), (long)size - 10);
    CHECK_EQ(SYS(read, (u64)fd, U(buf), sizeof(buf)), 10);
    CHECK_EQ(SYS(pread64, (u64)fd, U(buf), 10, size + 5), 0);
    CHECK_EQ(SYS(pwrite64, (u64)fd, U(buf), 10, size), -ENOSPC);
    /* No position beyond the end, none negative. */
    CHECK_EQ(SYS(lseek, (u64)fd, 1, SEEK_END), -EINVAL);
    CHECK_EQ(SYS(lseek, (u64)fd, -1, SEEK_SET), -EINVAL);
    CHECK_EQ(SYS(lseek, (u64)fd, 0, SEEK_DATA), 0);
    CHECK_EQ(SYS(lseek, (u64)fd, 0, SEEK_HOLE), (long)size);
    CHECK_EQ(SYS(lseek, (u64)fd, (u64)size, SEEK_DATA), -ENXIO);
    /* read and write move the position. */
    CHECK_EQ(SYS(lseek, (u64)fd, 1000, SEEK_SET), 1000);
    memset(buf, 0x5a, 300);
    CHECK_EQ(SYS(write, (u64)fd, U(buf), 300), 300);
    CHECK_EQ(SYS(lseek, (u64)fd, 0, SEEK_CUR), 1300);
    CHECK(disk_a.data[1000] == 0x5a && disk_a.data[1299] == 0x5a);
    /* Bad buffers. */
    CHECK_EQ(SYS(read, (u64)fd, FAKE_BAD_UADDR, 512), -EFAULT);
    CHECK_EQ(SYS(write, (u64)fd, FAKE_BAD_UADDR, 512), -EFAULT);
    CHECK_EQ(SYS(pwrite64, (u64)fd, FAKE_BAD_UADDR, 10, 7), -EFAULT);
    CHECK_EQ(SYS(lseek, (u64)fd, 0, SEEK_CUR), 1300);
    /* fsync sends a flush. */
    u64 flushes = disk_a.flushes;
    CHECK_EQ(SYS(fsync, (u64)fd), 0);
    CHECK_EQ(SYS(fdatasync, (u64)fd), 0);
    CHECK_EQ(disk_a.flushes, flushes + 2);
    SYS(close, (u64)fd);
}

static void test_ioctls(void)
{
    long fd = t_open("/dev/vdb", O_RDONLY, 0);
    u64 size64 = 0;
    unsigned long sectors = 0;
    int ssz = 0, ro = -1;
    unsigned int pbsz = 0;

    CHECK(fd >= 0);
    CHECK_EQ(SYS(ioctl, (u64)fd, BLKGETSIZE64, U(&size64)), 0);
    CHECK_EQ(size64, 256 * 1024);
    CHECK_EQ(SYS(ioctl, (u64)fd, BLKGETSIZE, U(&sectors)), 0);
    CHECK_EQ(sectors, 512);
    CHECK_EQ(SYS(ioctl, (u64)fd, BLKSSZGET, U(&ssz)), 0);
    CHECK_EQ(ssz, 4096);
    CHECK_EQ(SYS(ioctl, (u64)fd, BLKPBSZGET, U(&pbsz)), 0);
    CHECK_EQ(pbsz, 4096);
    CHECK_EQ(SYS(ioctl, (u64)fd, BLKROGET, U(&ro)), 0);
    CHECK_EQ(ro, 0);
    CHECK_EQ(SYS(ioctl, (u64)fd, BLKFLSBUF, 0), 0);
    CHECK_EQ(SYS(ioctl, (u64)fd, BLKGETSIZE64, FAKE_BAD_UADDR), -EFAULT);
    CHECK_EQ(SYS(ioctl, (u64)fd, 0x5401, U(&ssz)), -ENOTTY); /* TCGETS */
    /* Opened read-only: no writes. */
    CHECK_EQ(SYS(write, (u64)fd, U(&ssz), 4), -EBADF);
    SYS(close, (u64)fd);
    /* And the BLK ioctls are not for other files. */
    fd = t_open("/dev/null", O_RDONLY, 0);
    CHECK_EQ(SYS(ioctl, (u64)fd, BLKGETSIZE64, U(&size64)), -ENOTTY);
    SYS(close, (u64)fd);
}

static void test_read_only(void)
{
    long fd = t_open("/dev/vdc", O_RDWR, 0);
    int ro = 0;
    u8 buf[512];

    CHECK(fd >= 0);
    CHECK_EQ(SYS(ioctl, (u64)fd, BLKROGET, U(&ro)), 0);
    CHECK_EQ(ro, 1);
    CHECK_EQ(SYS(write, (u64)fd, U(buf), sizeof(buf)), -EPERM);
    CHECK_EQ(SYS(read, (u64)fd, U(buf), sizeof(buf)), 512);
    CHECK_EQ(block_write_sectors(&disk_c.bd, 0, buf, 512), -EROFS);
    SYS(close, (u64)fd);
}

static void test_errors(void)
{
    long fd = t_open("/dev/vda", O_RDWR, 0);
    u8 buf[2048];
    u64 errors = disk_a.bd.stats.errors;

    disk_a.fail_status = -EIO;
    CHECK_EQ(SYS(pread64, (u64)fd, U(buf), sizeof(buf), 0), -EIO);
    CHECK_EQ(SYS(pwrite64, (u64)fd, U(buf), sizeof(buf), 0), -EIO);
    /* Unaligned: the read half of the read-modify-write fails. */
    CHECK_EQ(SYS(pwrite64, (u64)fd, U(buf), 10, 3), -EIO);
    disk_a.fail_status = 0;
    CHECK_EQ(disk_a.bd.stats.errors, errors + 3);
    disk_a.submit_err = -ENOMEM;
    CHECK_EQ(SYS(pread64, (u64)fd, U(buf), sizeof(buf), 0), -ENOMEM);
    disk_a.submit_err = 0;
    /* No memory for a bounce buffer. */
    fake_pages_set_fail_after(0);
    CHECK_EQ(SYS(pread64, (u64)fd, U(buf), sizeof(buf), 0), -ENOMEM);
    CHECK_EQ(block_read_sectors(&disk_a.bd, 0, buf, sizeof(buf)), -ENOMEM);
    fake_pages_set_fail_after(-1);
    CHECK_EQ(SYS(pread64, (u64)fd, U(buf), sizeof(buf), 0), (long)sizeof(buf));
    SYS(close, (u64)fd);
}

static char *show(int (*fn)(struct seq_buf *, void *))
{
    struct seq_buf s = {0};
    if (fn(&s, NULL) != 0) {
        kfree(s.buf);
        return NULL;
    }
    return s.buf;
}

static void test_proc_text(void)
{
    char *t = show(block_proc_partitions);

    CHECK(t != NULL);
    CHECK(!strcmp(t, "major minor  #blocks  name\n\n"
                     " 254        0       1024 vda\n"
                     " 254       16        256 vdb\n"
                     " 254       32         64 vdc\n"));
    kfree(t);

    struct block_stats sa = disk_a.bd.stats;
    char expect[200];
    snprintf(expect, sizeof(expect),
             " 254       0 vda %llu 0 %llu 0 %llu 0 %llu 0 0 0 0 0 0 0 0 %llu 0\n",
             (unsigned long long)sa.reads, (unsigned long long)sa.read_sectors,
             (unsigned long long)sa.writes, (unsigned long long)sa.write_sectors,
             (unsigned long long)sa.flushes);
    t = show(block_proc_diskstats);
    CHECK(t != NULL);
    CHECK(!strncmp(t, expect, strlen(expect)));
    /* 3 lines of 20 fields each. */
    int lines = 0, fields = 0;
    for (char *p = t; *p; p++) {
        if (*p != ' ' && *p != '\n' && (p == t || p[-1] == ' ' || p[-1] == '\n')) {
            fields++;
        }
        lines += *p == '\n';
    }
    CHECK_EQ(lines, 3);
    CHECK_EQ(fields, 60);
    kfree(t);
    CHECK(sa.reads > 0 && sa.writes > 0 && sa.flushes >= 3);
}

/* Requests counted in the stats match the requests the disk saw. */
static void test_stats_count(void)
{
    u64 reqs = disk_b.requests;
    struct block_stats before = disk_b.bd.stats;
    long fd = t_open("/dev/vdb", O_RDWR, 0);
    static u8 buf[64 * 1024];

    CHECK_EQ(SYS(pwrite64, (u64)fd, U(buf), sizeof(buf), 0), (long)sizeof(buf));
    CHECK_EQ(SYS(pread64, (u64)fd, U(buf), sizeof(buf), 0), (long)sizeof(buf));
    SYS(close, (u64)fd);
    struct block_stats after = disk_b.bd.stats;
    CHECK_EQ(disk_b.requests - reqs, 2);
    CHECK_EQ(after.writes - before.writes, 1);
    CHECK_EQ(after.write_sectors - before.write_sectors, 128);
    CHECK_EQ(after.reads - before.reads, 1);
    CHECK_EQ(after.read_sectors - before.read_sectors, 128);
}

int main(void)
{
    struct process *proc;

    harness_seed(20261125);
    fake_pages_init(16384);
    if (vfs_init_root() != 0) {
        printf("FAIL test_block: vfs_init_root\n");
        return 1;
    }
    proc = fake_process_new();
    fake_disk_init(&disk_a, 1024 * 1024, 512, 8192);
    fake_disk_init(&disk_b, 256 * 1024, 4096, 65536);
    fake_disk_init(&disk_c, 64 * 1024, 512, 4096);
    disk_c.bd.read_only = true;
    if (block_register(&disk_a.bd) || block_register(&disk_b.bd) || block_register(&disk_c.bd)) {
        printf("FAIL test_block: block_register\n");
        return 1;
    }
    SYS(mkdir, U("/dev"), 0755);
    if (SYS(mount, U("devtmpfs"), U("/dev"), U("devtmpfs"), 0, 0) != 0) {
        printf("FAIL test_block: mount devtmpfs\n");
        return 1;
    }

    RUN(test_register);
    RUN(test_sector_io_splits);
    RUN(test_nodes);
    RUN(test_rmw_512);
    RUN(test_rmw_4096);
    RUN(test_file_ops);
    RUN(test_ioctls);
    RUN(test_read_only);
    RUN(test_errors);
    RUN(test_stats_count);
    RUN(test_proc_text);

    SYS(umount2, U("/dev"), 0);
    fake_process_free(proc);
    free(disk_a.data);
    free(disk_b.data);
    free(disk_c.data);
    fake_pages_fini();
    HARNESS_EXIT();
}
