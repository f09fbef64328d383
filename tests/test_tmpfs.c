// SPDX-License-Identifier: MIT
/* tmpfs data and memory: randomized writes, reads and truncations of
 * sparse files checked against a host model; out-of-memory injected at
 * every page allocation of a mixed workload (each call fails cleanly with
 * -ENOMEM or succeeds, nothing leaks); a mounted tmpfs full of files
 * unmounted back to the memory baseline. */
#include <fs/fdtable.h>
#include <fs/vfs.h>
#include <kernel/kmalloc.h>
#include <kernel/page_alloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakes/page_alloc_fake.h"
#include "fakes/vfs_test.h"
#include "harness.h"

HARNESS("test_tmpfs");

#define MODEL_MAX (3u << 20) /* 3 MiB of file modelled */

static struct process *proc;
static u8 *model, *buf;
static u64 model_size;

static void baseline(struct kmalloc_stats *k, struct page_stats *p)
{
    kmalloc_shrink();
    kmalloc_get_stats(k);
    page_alloc_stats(p);
}

static void test_random_against_model(void)
{
    struct kmalloc_stats k0, k1;
    struct page_stats p0, p1;
    struct linux_stat st;

    model = calloc(1, MODEL_MAX);
    buf = malloc(MODEL_MAX);
    model_size = 0;
    baseline(&k0, &p0);
    long fd = t_open("/model", O_CREAT | O_RDWR, 0644);
    CHECK(fd >= 0);
    for (int step = 0; step < 3000; step++) {
        u64 r = harness_rand();
        u64 off = harness_rand() % MODEL_MAX;
        u64 len = harness_rand() % (r & 1 ? 20000 : 300);
        if (off + len > MODEL_MAX) {
            len = MODEL_MAX - off;
        }
        switch (r % 8) {
        case 0:
        case 1:
        case 2: /* write */
            for (u64 i = 0; i < len; i++) {
                buf[i] = (u8)(harness_rand() | 1);
            }
            CHECK_EQ(SYS(pwrite64, (u64)fd, U(buf), len, off), (long)len);
            memcpy(model + off, buf, len);
            if (len && off + len > model_size) {
                model_size = off + len;
            }
            break;
        case 3:
        case 4:
        case 5: { /* read */
            long want = off >= model_size ? 0 : (long)MIN(len, model_size - off);
            CHECK_EQ(SYS(pread64, (u64)fd, U(buf), len, off), want);
            CHECK(memcmp(buf, model + off, (size_t)want) == 0);
            break;
        }
        case 6: /* truncate, usually shorter */
            off = r & 8 ? off : off / 64;
            CHECK_EQ(SYS(ftruncate, (u64)fd, off), 0);
            if (off < model_size) {
                memset(model + off, 0, model_size - off);
            }
            model_size = off;
            break;
        case 7: /* O_APPEND-style write at EOF */
            if (model_size + len > MODEL_MAX) {
                break;
            }
            memset(buf, 'a' + (int)(r % 26), len);
            CHECK_EQ(SYS(lseek, (u64)fd, 0, SEEK_END), (long)model_size);
            CHECK_EQ(SYS(write, (u64)fd, U(buf), len), (long)len);
            memcpy(model + model_size, buf, len);
            model_size += len;
            break;
        }
        CHECK_EQ(SYS(fstat, (u64)fd, U(&st)), 0);
        CHECK_EQ((u64)st.st_size, model_size);
        CHECK((u64)st.st_blocks * 512 <= ((model_size + 4095) & ~4095ull));
    }
    CHECK_EQ(SYS(pread64, (u64)fd, U(buf), MODEL_MAX, 0), (long)model_size);
    CHECK(memcmp(buf, model, model_size) == 0);
    SYS(close, (u64)fd);
    CHECK_EQ(SYS(unlink, U("/model")), 0);
    baseline(&k1, &p1);
    CHECK_EQ(k1.bytes_in_use, k0.bytes_in_use);
    CHECK_EQ(p1.free_pages, p0.free_pages);
    free(model);
    free(buf);
}

/* A mixed workload; every syscall must succeed or fail with -ENOMEM. */
static int workload(void)
{
    static char data[9000];
    struct linux_stat st;
    static u8 dents[1024];
    long r;

#define OK_OR_NOMEM(call)                                                                          \
    do {                                                                                           \
        r = (call);                                                                                \
        if (r < 0 && r != -ENOMEM) {                                                               \
            printf("  %s = %ld\n", #call, r);                                                      \
            return 0;                                                                              \
        }                                                                                          \
    } while (0)

    memset(data, 'd', sizeof(data));
    OK_OR_NOMEM(SYS(mkdir, U("/oom/a"), 0755));
    long fd = t_open("/oom/a/f", O_CREAT | O_RDWR, 0644);
    if (fd < 0 && fd != -ENOMEM && fd != -ENOENT) {
        printf("  open = %ld\n", fd);
        return 0;
    }
    if (fd >= 0) {
        OK_OR_NOMEM(SYS(pwrite64, (u64)fd, U(data), sizeof(data), 0));
        OK_OR_NOMEM(SYS(pwrite64, (u64)fd, U(data), 10, 1 << 22));
        OK_OR_NOMEM(SYS(ftruncate, (u64)fd, 100));
        SYS(close, (u64)fd);
        OK_OR_NOMEM(SYS(link, U("/oom/a/f"), U("/oom/a/g")));
        OK_OR_NOMEM(SYS(rename, U("/oom/a/g"), U("/oom/a/a-much-longer-name-for-g")));
    }
    OK_OR_NOMEM(SYS(symlink, U("f"), U("/oom/a/s")));
    OK_OR_NOMEM(SYS(mknod, U("/oom/a/n"), S_IFIFO | 0600, 0));
    OK_OR_NOMEM(t_stat("/oom/a/s", &st) == -ENOENT ? 0 : t_stat("/oom/a/s", &st));
    fd = t_open("/oom/a", O_RDONLY | O_DIRECTORY, 0);
    if (fd >= 0) {
        OK_OR_NOMEM(SYS(getdents64, (u64)fd, U(dents), sizeof(dents)));
        SYS(close, (u64)fd);
    }
    OK_OR_NOMEM(SYS(mount, U("t"), U("/oom/a"), U("tmpfs"), 0, 0));
    if (r == 0) {
        SYS(umount2, U("/oom/a"), 0);
    }
    return 1;
#undef OK_OR_NOMEM
}

static void cleanup_oom_dir(void)
{
    static const char *names[] = {"/oom/a/f", "/oom/a/g", "/oom/a/a-much-longer-name-for-g",
                                  "/oom/a/s", "/oom/a/n"};
    /* The workload's umount may itself have failed for lack of memory. */
    SYS(umount2, U("/oom/a"), 0);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        SYS(unlink, U(names[i]));
    }
    SYS(rmdir, U("/oom/a"));
}

static void test_out_of_memory(void)
{
    struct kmalloc_stats k0, k1;
    struct page_stats p0, p1;
    int failures_seen = 0;

    CHECK_EQ(SYS(mkdir, U("/oom"), 0755), 0);
    baseline(&k0, &p0);
    for (long n = 0; n < 60; n++) {
        fake_pages_set_fail_after(n);
        int ok = workload();
        fake_pages_set_fail_after(-1);
        CHECK(ok);
        cleanup_oom_dir();
        baseline(&k1, &p1);
        if (k1.bytes_in_use != k0.bytes_in_use || p1.free_pages != p0.free_pages) {
            printf("  leak after failing at allocation %ld: %llu bytes, %lld pages\n", n,
                   (unsigned long long)(k1.bytes_in_use - k0.bytes_in_use),
                   (long long)(p0.free_pages - p1.free_pages));
        }
        CHECK_EQ(k1.bytes_in_use, k0.bytes_in_use);
        CHECK_EQ(p1.free_pages, p0.free_pages);
        if (k1.failures_total != k0.failures_total) {
            failures_seen++;
        }
    }
    /* The whole workload also works with memory to spare. */
    CHECK(workload());
    cleanup_oom_dir();
    CHECK_EQ(SYS(rmdir, U("/oom")), 0);
}

static void test_umount_frees(void)
{
    struct kmalloc_stats k0, k1;
    struct page_stats p0, p1;
    static char data[20000];
    char name[64];

    CHECK_EQ(SYS(mkdir, U("/um"), 0755), 0);
    baseline(&k0, &p0);
    CHECK_EQ(SYS(mount, U("t"), U("/um"), U("tmpfs"), 0, 0), 0);
    for (int d = 0; d < 5; d++) {
        snprintf(name, sizeof(name), "/um/d%d", d);
        CHECK_EQ(SYS(mkdir, U(name), 0755), 0);
        for (int f = 0; f < 20; f++) {
            snprintf(name, sizeof(name), "/um/d%d/f%d", d, f);
            long fd = t_open(name, O_CREAT | O_WRONLY, 0644);
            CHECK(fd >= 0);
            CHECK_EQ(SYS(write, (u64)fd, U(data), (u64)(f * 1000)), f * 1000);
            SYS(close, (u64)fd);
        }
        snprintf(name, sizeof(name), "/um/d%d/link", d);
        CHECK_EQ(SYS(symlink, U("f1"), U(name)), 0);
    }
    /* An open file keeps the filesystem busy. */
    long fd = t_open("/um/d0/f3", O_RDONLY, 0);
    CHECK_EQ(SYS(umount2, U("/um"), 0), -EBUSY);
    CHECK_EQ(SYS(umount2, U("/um"), MNT_DETACH), -EBUSY);
    SYS(close, (u64)fd);
    CHECK_EQ(SYS(umount2, U("/um"), 0), 0);
    baseline(&k1, &p1);
    CHECK_EQ(k1.bytes_in_use, k0.bytes_in_use);
    CHECK_EQ(p1.free_pages, p0.free_pages);
    /* Non-root may not mount. */
    proc->cred.fsuid = proc->cred.euid = 1000;
    CHECK_EQ(SYS(mount, U("t"), U("/um"), U("tmpfs"), 0, 0), -EPERM);
    CHECK_EQ(SYS(umount2, U("/um"), 0), -EPERM);
    proc->cred.fsuid = proc->cred.euid = 0;
    /* Read-only remount: writes refused, reads fine. */
    CHECK_EQ(SYS(mount, U("t"), U("/um"), U("tmpfs"), 0, 0), 0);
    CHECK_EQ(t_make_file("/um/f", "x"), 0);
    CHECK_EQ(SYS(mount, 0, U("/um"), 0, MS_REMOUNT | MS_RDONLY, 0), 0);
    CHECK_EQ(t_open("/um/f", O_WRONLY, 0), -EROFS);
    CHECK_EQ(SYS(mkdir, U("/um/d"), 0755), -EROFS);
    CHECK_EQ(SYS(unlink, U("/um/f")), -EROFS);
    CHECK_EQ(SYS(chmod, U("/um/f"), 0600), -EROFS);
    CHECK_EQ(SYS(access, U("/um/f"), W_OK), -EROFS);
    fd = t_open("/um/f", O_RDONLY, 0);
    CHECK(fd >= 0);
    SYS(close, (u64)fd);
    CHECK_EQ(SYS(mount, 0, U("/um"), 0, MS_REMOUNT, 0), 0);
    CHECK_EQ(SYS(unlink, U("/um/f")), 0);
    CHECK_EQ(SYS(umount2, U("/um"), 0), 0);
    CHECK_EQ(SYS(rmdir, U("/um")), 0);
}

int main(void)
{
    harness_seed(12345);
    fake_pages_init(16384);
    if (vfs_init_root() != 0) {
        printf("FAIL test_tmpfs: vfs_init_root\n");
        return 1;
    }
    proc = fake_process_new();
    /* Grow the fd table once so later baselines include it. */
    SYS(close, (u64)t_open("/", O_RDONLY, 0));

    RUN(test_random_against_model);
    RUN(test_out_of_memory);
    RUN(test_umount_frees);

    fake_process_free(proc);
    fake_pages_fini();
    HARNESS_EXIT();
}
