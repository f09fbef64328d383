// SPDX-License-Identifier: MIT
/* Sequential block device throughput, the same static binary under Kiln and
 * under Linux (tools/bench-virtio.py boots both with the same virtio-blk
 * disk and prints them side by side).
 *
 *   blkbench [DEV [MIB [BS_KIB]]]     defaults: /dev/vda 64 64
 *
 * Writes MIB MiB from offset 0 with pwrite of BS_KIB KiB from an aligned
 * buffer, then fsync (the flush is inside the time); then reads them back
 * with pread. The first 8 bytes of every block carry its number, checked on
 * the read, so a driver that loses or misplaces blocks shows up as an error
 * rather than as a figure. The device is opened with O_DIRECT so that Linux
 * reads the disk and not its page cache; a kernel without O_DIRECT (EINVAL)
 * gets a plain open, and Kiln, which has no block cache, may ignore the
 * flag. Prints (MB = 10^6 bytes):
 *
 *   BENCH START <sysname> <release>
 *   BENCH blk_odirect <1 or 0>
 *   BENCH blk_write_mbs <MB/s> ms=<ms>
 *   BENCH blk_read_mbs <MB/s> ms=<ms>
 *   BENCH DONE
 *
 * A figure that cannot be measured prints `BENCH <name> n/a <reason>`. As
 * pid 1 (init=/bench/blkbench) it mounts /proc and /dev if they are
 * missing and powers off at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define BLK_MAGIC 0x6b696c6e62656e63ULL /* "kilnbenc" */
#ifndef BLKFLSBUF
#define BLKFLSBUF 0x1261
#endif

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void stamp(unsigned char *buf, uint64_t block)
{
    uint64_t v = BLK_MAGIC ^ block;
    memcpy(buf, &v, sizeof(v));
}

static int stamped(const unsigned char *buf, uint64_t block)
{
    uint64_t v;
    memcpy(&v, buf, sizeof(v));
    return v == (BLK_MAGIC ^ block);
}

/* Returns 0, or -1 after printing the n/a lines for what is left. */
static int write_pass(int fd, unsigned char *buf, size_t bs, uint64_t blocks)
{
    double t0 = now_s();
    for (uint64_t i = 0; i < blocks; i++) {
        stamp(buf, i);
        ssize_t n = pwrite(fd, buf, bs, (off_t)(i * bs));
        if (n != (ssize_t)bs) {
            printf("BENCH blk_write_mbs n/a pwrite of block %llu returned %zd (%s)\n",
                   (unsigned long long)i, n, n < 0 ? strerror(errno) : "short");
            return -1;
        }
    }
    if (fsync(fd) != 0) {
        printf("BENCH blk_write_mbs n/a fsync: %s\n", strerror(errno));
        return -1;
    }
    double dt = now_s() - t0;
    printf("BENCH blk_write_mbs %.2f ms=%.0f\n", (double)(bs * blocks) / dt / 1e6, dt * 1e3);
    return 0;
}

static int read_pass(int fd, unsigned char *buf, size_t bs, uint64_t blocks)
{
    double t0 = now_s();
    uint64_t bad = 0, first_bad = 0;
    for (uint64_t i = 0; i < blocks; i++) {
        ssize_t n = pread(fd, buf, bs, (off_t)(i * bs));
        if (n != (ssize_t)bs) {
            printf("BENCH blk_read_mbs n/a pread of block %llu returned %zd (%s)\n",
                   (unsigned long long)i, n, n < 0 ? strerror(errno) : "short");
            return -1;
        }
        if (!stamped(buf, i) && bad++ == 0) {
            first_bad = i;
        }
    }
    double dt = now_s() - t0;
    if (bad) {
        printf("BENCH blk_read_mbs n/a %llu of %llu blocks read back wrong (first: %llu)\n",
               (unsigned long long)bad, (unsigned long long)blocks, (unsigned long long)first_bad);
        return -1;
    }
    printf("BENCH blk_read_mbs %.2f ms=%.0f\n", (double)(bs * blocks) / dt / 1e6, dt * 1e3);
    return 0;
}

static void run(const char *dev, unsigned long mib, unsigned long bs_kib)
{
    size_t bs = bs_kib * 1024;
    uint64_t blocks = ((uint64_t)mib << 20) / bs;
    int direct = 1;
    int fd = open(dev, O_RDWR | O_DIRECT | O_CLOEXEC);
    if (fd < 0 && errno == EINVAL) {
        direct = 0;
        fd = open(dev, O_RDWR | O_CLOEXEC);
    }
    if (fd < 0) {
        printf("BENCH blk_write_mbs n/a open %s: %s\n", dev, strerror(errno));
        printf("BENCH blk_read_mbs n/a open %s failed\n", dev);
        return;
    }
    printf("BENCH blk_odirect %d\n", direct);
    off_t size = lseek(fd, 0, SEEK_END);
    if (size < (off_t)(blocks * bs)) {
        printf("BENCH blk_write_mbs n/a %s has %lld bytes, fewer than %llu\n", dev, (long long)size,
               (unsigned long long)(blocks * bs));
        printf("BENCH blk_read_mbs n/a device too small\n");
        close(fd);
        return;
    }
    unsigned char *buf;
    if (posix_memalign((void **)&buf, 4096, bs) != 0) {
        printf("BENCH blk_write_mbs n/a no memory for a %zu byte buffer\n", bs);
        printf("BENCH blk_read_mbs n/a no memory\n");
        close(fd);
        return;
    }
    for (size_t i = 0; i < bs; i++) {
        buf[i] = (unsigned char)(i * 7 + 1);
    }
    if (write_pass(fd, buf, bs, blocks) == 0) {
        ioctl(fd, BLKFLSBUF, 0); /* Linux: drop any cached copy; Kiln: a flush */
        read_pass(fd, buf, bs, blocks);
    } else {
        printf("BENCH blk_read_mbs n/a the write pass failed\n");
    }
    free(buf);
    close(fd);
}

int main(int argc, char **argv)
{
    const char *dev = argc > 1 ? argv[1] : "/dev/vda";
    unsigned long mib = argc > 2 ? strtoul(argv[2], NULL, 0) : 64;
    unsigned long bs_kib = argc > 3 ? strtoul(argv[3], NULL, 0) : 64;
    int init = getpid() == 1;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (init) {
        struct stat st;
        if (stat("/proc/self", &st) != 0) {
            mount("proc", "/proc", "proc", 0, NULL);
        }
        if (stat(dev, &st) != 0) {
            mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
        }
    }
    struct utsname u;
    if (uname(&u) == 0) {
        printf("BENCH START %s %s\n", u.sysname, u.release);
    }
    if (mib == 0 || bs_kib == 0 || ((mib << 20) % (bs_kib * 1024)) != 0) {
        printf("BENCH blk_write_mbs n/a bad arguments\n");
    } else {
        run(dev, mib, bs_kib);
    }
    printf("BENCH DONE\n");
    if (init) {
        sync();
        reboot(RB_POWER_OFF);
        printf("blkbench: reboot(RB_POWER_OFF) failed: %s\n", strerror(errno));
        for (;;) {
            pause();
        }
    }
    return 0;
}
