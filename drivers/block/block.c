// SPDX-License-Identifier: MIT
/* Block layer: the disk registry, synchronous sector I/O through bounce
 * buffers, and /proc/partitions and /proc/diskstats. */
#include <abi/errno.h>
#include <abi/stat.h>
#include <arch/x86_64/memlayout.h>
#include <drivers/block.h>
#include <fs/chrdev.h>
#include <fs/pseudo.h>
#include <fs/vfs.h>
#include <kernel/compiler.h>
#include <kernel/page_alloc.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#include "block_internal.h"

static struct block_device *disks[BLOCK_MAX_DISKS];
static struct chrdev disk_nodes[BLOCK_MAX_DISKS];
static unsigned nr_disks;
static spinlock_t disks_lock = SPINLOCK_INIT("block_disks");

static bool is_pow2(u32 x)
{
    return x && !(x & (x - 1));
}

int block_register(struct block_device *bd)
{
    struct chrdev *node;
    unsigned index;
    u64 flags;
    int err;

    if (!bd->ops || !bd->ops->submit || !is_pow2(bd->block_size) || bd->block_size < SECTOR_SIZE ||
        bd->block_size > PAGE_SIZE || bd->max_request < bd->block_size) {
        return -EINVAL;
    }
    flags = spin_lock_irqsave(&disks_lock);
    index = nr_disks;
    if (index < BLOCK_MAX_DISKS) {
        nr_disks++;
    }
    spin_unlock_irqrestore(&disks_lock, flags);
    if (index >= BLOCK_MAX_DISKS) {
        return -ENOSPC;
    }
    bd->name[0] = 'v';
    bd->name[1] = 'd';
    bd->name[2] = (char)('a' + index);
    bd->name[3] = '\0';
    bd->major = VIRTBLK_MAJOR;
    bd->minor = index * BLOCK_MINORS_PER_DISK;
    bd->lock = (spinlock_t)SPINLOCK_INIT("block");
    memset(&bd->stats, 0, sizeof(bd->stats));

    node = &disk_nodes[index];
    node->name = bd->name;
    node->major = bd->major;
    node->minor = bd->minor;
    node->mode = S_IFBLK | 0660;
    node->fops = &blkdev_fops;
    err = chrdev_register(node);
    if (err) {
        /* The slot stays used: indexes are never reused. */
        pr_warn("block: %s: cannot register its device node: error %d\n", bd->name, err);
        return err;
    }
    disks[index] = bd;
    return 0;
}

unsigned block_count(void)
{
    return nr_disks;
}

struct block_device *block_get(unsigned i)
{
    return i < BLOCK_MAX_DISKS ? disks[i] : NULL;
}

struct block_device *block_find(u32 major, u32 minor)
{
    for (unsigned i = 0; i < BLOCK_MAX_DISKS; i++) {
        if (disks[i] && disks[i]->major == major && disks[i]->minor == minor) {
            return disks[i];
        }
    }
    return NULL;
}

int block_bounce_alloc(struct block_bounce *b, size_t want)
{
    unsigned order = 0;

    while (order < BOUNCE_MAX_ORDER && ((size_t)PAGE_SIZE << order) < want) {
        order++;
    }
    for (;;) {
        b->buf = page_alloc(order);
        if (b->buf) {
            break;
        }
        if (order == 0) {
            return -ENOMEM;
        }
        order--;
    }
    b->order = order;
    b->size = (size_t)PAGE_SIZE << order;
    b->phys = virt_to_phys(b->buf);
    return 0;
}

void block_bounce_free(struct block_bounce *b)
{
    if (b->buf) {
        page_free(b->buf, b->order);
        b->buf = NULL;
    }
}

size_t block_chunk_max(const struct block_device *bd, size_t size)
{
    size_t n = MIN(size, (size_t)bd->max_request);

    return n & ~((size_t)bd->block_size - 1);
}

void block_complete(struct block_request *req, int status)
{
    struct block_device *bd = req->bdev;
    struct block_stats *st = &bd->stats;
    u64 flags;

    /* The waiter re-takes bd->lock after seeing done, so req (on its
     * stack) stays alive until wake_up has returned. */
    flags = spin_lock_irqsave(&bd->lock);
    req->status = status;
    if (status) {
        st->errors++;
    } else if (req->op == BLOCK_READ) {
        st->reads++;
        st->read_sectors += req->len / SECTOR_SIZE;
    } else if (req->op == BLOCK_WRITE) {
        st->writes++;
        st->write_sectors += req->len / SECTOR_SIZE;
    } else {
        st->flushes++;
    }
    req->done = true;
    wake_up(&req->wq);
    spin_unlock_irqrestore(&bd->lock, flags);
}

int block_submit_wait(struct block_device *bd, enum block_op op, u64 sector, void *buf,
                      phys_addr_t phys, u32 len)
{
    struct block_request req;
    u64 flags;
    int err;

    if (op != BLOCK_FLUSH) {
        if (len % SECTOR_SIZE || len > bd->max_request || sector > bd->capacity ||
            len / SECTOR_SIZE > bd->capacity - sector) {
            return -EINVAL;
        }
        if (op == BLOCK_WRITE && bd->read_only) {
            return -EROFS;
        }
    }
    memset(&req, 0, sizeof(req));
    req.op = op;
    req.sector = sector;
    req.buf = buf;
    req.buf_phys = phys;
    req.len = op == BLOCK_FLUSH ? 0 : len;
    req.bdev = bd;
    wait_queue_init(&req.wq);
    err = bd->ops->submit(bd, &req);
    if (err) {
        flags = spin_lock_irqsave(&bd->lock);
        bd->stats.errors++;
        spin_unlock_irqrestore(&bd->lock, flags);
        return err;
    }
    wait_event(req.wq, req.done);
    flags = spin_lock_irqsave(&bd->lock);
    spin_unlock_irqrestore(&bd->lock, flags);
    return req.status;
}

static int sectors_io(struct block_device *bd, bool write, u64 sector, u8 *buf, size_t len)
{
    struct block_bounce b;
    int err;

    if (len % SECTOR_SIZE) {
        return -EINVAL;
    }
    if (len == 0) {
        return 0;
    }
    err = block_bounce_alloc(&b, len);
    if (err) {
        return err;
    }
    size_t max = block_chunk_max(bd, b.size);
    while (len > 0 && !err) {
        u32 n = (u32)MIN(len, max);
        if (write) {
            memcpy(b.buf, buf, n);
            err = block_submit_wait(bd, BLOCK_WRITE, sector, b.buf, b.phys, n);
        } else {
            err = block_submit_wait(bd, BLOCK_READ, sector, b.buf, b.phys, n);
            if (!err) {
                memcpy(buf, b.buf, n);
            }
        }
        sector += n / SECTOR_SIZE;
        buf += n;
        len -= n;
    }
    block_bounce_free(&b);
    return err;
}

int block_read_sectors(struct block_device *bd, u64 sector, void *buf, size_t len)
{
    return sectors_io(bd, false, sector, buf, len);
}

int block_write_sectors(struct block_device *bd, u64 sector, const void *buf, size_t len)
{
    return sectors_io(bd, true, sector, (u8 *)buf, len);
}

int block_flush(struct block_device *bd)
{
    return block_submit_wait(bd, BLOCK_FLUSH, 0, NULL, 0, 0);
}

/* A flush goes to every disk: the driver knows whether the disk has a
 * write cache (virtio-blk without VIRTIO_BLK_F_FLUSH writes through and
 * completes the flush at once). Read-only disks hold nothing to write. */
int block_sync_all(void)
{
    int err = 0;

    for (unsigned i = 0; i < BLOCK_MAX_DISKS; i++) {
        struct block_device *bd = READ_ONCE(disks[i]);
        if (bd && !bd->read_only) {
            int r = block_flush(bd);
            if (r && !err) {
                err = r;
            }
        }
    }
    return err;
}

int block_proc_partitions(struct seq_buf *s, void *arg)
{
    int err = seq_buf_printf(s, "major minor  #blocks  name\n\n");

    (void)arg;
    for (unsigned i = 0; i < BLOCK_MAX_DISKS && !err; i++) {
        struct block_device *bd = disks[i];
        if (bd) {
            err = seq_buf_printf(s, "%4u  %7u %10llu %s\n", bd->major, bd->minor,
                                 (unsigned long long)(bd->capacity / 2), bd->name);
        }
    }
    return err;
}

/* Linux's columns (5.5+): reads, merged, sectors, ms; the same for writes;
 * in flight, io ms, weighted ms; discards (4); flushes, flush ms. Times are
 * not measured (0); every request counts once (no merging). */
int block_proc_diskstats(struct seq_buf *s, void *arg)
{
    int err = 0;

    (void)arg;
    for (unsigned i = 0; i < BLOCK_MAX_DISKS && !err; i++) {
        struct block_device *bd = disks[i];
        if (!bd) {
            continue;
        }
        struct block_stats st;
        u64 flags = spin_lock_irqsave(&bd->lock);
        st = bd->stats;
        spin_unlock_irqrestore(&bd->lock, flags);
        err = seq_buf_printf(s, "%4u %7u %s %llu 0 %llu 0 %llu 0 %llu 0 0 0 0 0 0 0 0 %llu 0\n",
                             bd->major, bd->minor, bd->name, (unsigned long long)st.reads,
                             (unsigned long long)st.read_sectors, (unsigned long long)st.writes,
                             (unsigned long long)st.write_sectors, (unsigned long long)st.flushes);
    }
    return err;
}
