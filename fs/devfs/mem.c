// SPDX-License-Identifier: MIT
/* The memory devices: null, zero, full, random, urandom. */
#include <abi/errno.h>
#include <arch/x86_64/memlayout.h>
#include <fs/chrdev.h>
#include <fs/devfs.h>
#include <fs/vfs.h>
#include <kernel/page_alloc.h>
#include <kernel/random.h>
#include <kernel/string.h>

#define RANDOM_CHUNK 256

/* Like Linux: seeking these always lands at 0. */
static s64 mem_llseek(struct file *f, s64 off, int whence)
{
    (void)off;
    (void)whence;
    f->pos = 0;
    return 0;
}

static long null_read(struct file *f, struct iobuf *b, u64 *pos)
{
    (void)f;
    (void)b;
    (void)pos;
    return 0;
}

/* Writes are consumed whole (without touching the buffer, as Linux). */
static long sink_write(struct file *f, struct iobuf *b, u64 *pos)
{
    size_t n = iobuf_remaining(b);

    (void)f;
    (void)pos;
    b->pos += n;
    return (long)n;
}

static long zero_read(struct file *f, struct iobuf *b, u64 *pos)
{
    (void)f;
    (void)pos;
    return iobuf_put_zeros(b, iobuf_remaining(b));
}

static long full_write(struct file *f, struct iobuf *b, u64 *pos)
{
    (void)f;
    (void)b;
    (void)pos;
    return -ENOSPC;
}

/* A private mapping of /dev/zero is anonymous memory: every fault gets a
 * fresh zeroed frame (MAP_SHARED /dev/zero is not truly shared). */
static int zero_get_page(struct file *f, u64 pgoff, bool write, phys_addr_t *pa)
{
    void *p = page_alloc(0);

    (void)f;
    (void)pgoff;
    (void)write;
    if (!p) {
        return -ENOMEM;
    }
    memset(p, 0, PAGE_SIZE);
    *pa = virt_to_phys(p);
    return 0;
}

static long random_read(struct file *f, struct iobuf *b, u64 *pos)
{
    u8 chunk[RANDOM_CHUNK];
    long done = 0;

    (void)f;
    (void)pos;
    while (iobuf_remaining(b) > 0) {
        size_t n = MIN(iobuf_remaining(b), sizeof(chunk));
        get_random_bytes(chunk, n);
        long r = iobuf_put(b, chunk, n);
        if (r < 0) {
            done = done ? done : r;
            break;
        }
        done += r;
    }
    memset(chunk, 0, sizeof(chunk));
    return done;
}

static long random_write(struct file *f, struct iobuf *b, u64 *pos)
{
    u8 chunk[RANDOM_CHUNK];
    long done = 0;

    (void)f;
    (void)pos;
    while (iobuf_remaining(b) > 0) {
        long r = iobuf_get(b, chunk, MIN(iobuf_remaining(b), sizeof(chunk)));
        if (r < 0) {
            done = done ? done : r;
            break;
        }
        random_add_entropy(chunk, (size_t)r);
        done += r;
    }
    return done;
}

static const struct file_ops null_fops = {
    .read = null_read,
    .write = sink_write,
    .llseek = mem_llseek,
};

static const struct file_ops zero_fops = {
    .read = zero_read,
    .write = sink_write,
    .llseek = mem_llseek,
    .get_page = zero_get_page,
};

static const struct file_ops full_fops = {
    .read = zero_read,
    .write = full_write,
    .llseek = mem_llseek,
};

static const struct file_ops random_fops = {
    .read = random_read,
    .write = random_write,
    .llseek = mem_llseek,
};

static const struct chrdev mem_devs[] = {
    {"null", MEM_MAJOR, 3, 0666, &null_fops},      {"zero", MEM_MAJOR, 5, 0666, &zero_fops},
    {"full", MEM_MAJOR, 7, 0666, &full_fops},      {"random", MEM_MAJOR, 8, 0666, &random_fops},
    {"urandom", MEM_MAJOR, 9, 0666, &random_fops},
};

int devfs_mem_init(void)
{
    for (u32 i = 0; i < sizeof(mem_devs) / sizeof(mem_devs[0]); i++) {
        int err = chrdev_register(&mem_devs[i]);
        if (err && err != -EEXIST) {
            return err;
        }
    }
    return 0;
}
