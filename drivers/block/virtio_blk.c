// SPDX-License-Identifier: MIT
/* virtio-blk: one request queue; each request is a chain of a header
 * (device-readable), the data (device-writable for reads) split at the
 * device's segment size, and a status byte (device-writable). */
#include <abi/errno.h>
#include <arch/x86_64/memlayout.h>
#include <drivers/block.h>
#include <drivers/virtio_dev.h>
#include <kernel/compiler.h>
#include <kernel/kmalloc.h>
#include <kernel/list.h>
#include <kernel/printk.h>

/* Feature bits (virtio 1.x 5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9

/* Configuration offsets. */
#define VBLK_CFG_CAPACITY 0
#define VBLK_CFG_SIZE_MAX 8
#define VBLK_CFG_SEG_MAX 12
#define VBLK_CFG_BLK_SIZE 20

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4

#define VIRTIO_BLK_S_OK 0

#define VBLK_QUEUE_SIZE 128
#define VBLK_MAX_REQUEST (64 * 1024)
#define VBLK_MAX_SEGS 16 /* data descriptors per request */

struct vblk_outhdr {
    u32 type;
    u32 reserved;
    u64 sector;
};
_Static_assert(sizeof(struct vblk_outhdr) == 16, "virtio-blk header is 16 bytes");

/* One in-flight request; small enough that kmalloc keeps it in a page. */
struct vblk_req {
    struct vblk_outhdr hdr;
    u8 status;
    struct block_request *req;
    struct list_head link; /* on vblk.inflight while listed */
    bool listed;
};

struct vblk {
    struct block_device bd;
    struct virtio_device *vd;
    struct virtio_queue *q;
    u32 seg_size; /* bytes per data descriptor */
    bool flush;
    /* Posted requests, so a device that fails still completes them. */
    struct list_head inflight;
    spinlock_t lock;
};

static int vblk_submit(struct block_device *bd, struct block_request *req)
{
    struct vblk *vb = bd->priv;
    struct virtq_buf bufs[VBLK_MAX_SEGS + 2];
    struct vblk_req *r;
    unsigned n = 0;
    int err;

    if (req->op == BLOCK_FLUSH && !vb->flush) {
        /* Without F_FLUSH the device writes through: nothing to do. */
        block_complete(req, 0);
        return 0;
    }
    r = kmalloc(sizeof(*r));
    if (!r) {
        return -ENOMEM;
    }
    r->hdr.type = req->op == BLOCK_READ    ? VIRTIO_BLK_T_IN
                  : req->op == BLOCK_WRITE ? VIRTIO_BLK_T_OUT
                                           : VIRTIO_BLK_T_FLUSH;
    r->hdr.reserved = 0;
    r->hdr.sector = req->op == BLOCK_FLUSH ? 0 : req->sector;
    r->status = 0xff;
    r->req = req;
    bufs[n++] = (struct virtq_buf){virt_to_phys(&r->hdr), sizeof(r->hdr), false};
    for (u32 off = 0; off < req->len; off += vb->seg_size) {
        if (n == VBLK_MAX_SEGS + 1) {
            kfree(r);
            return -EINVAL; /* larger than bd->max_request allows */
        }
        u32 len = MIN(vb->seg_size, req->len - off);
        bufs[n++] = (struct virtq_buf){req->buf_phys + off, len, req->op == BLOCK_READ};
    }
    bufs[n++] = (struct virtq_buf){virt_to_phys(&r->status), 1, true};
    /* Listed first: the completion may come before add returns. */
    u64 flags = spin_lock_irqsave(&vb->lock);
    list_add_tail(&r->link, &vb->inflight);
    r->listed = true;
    spin_unlock_irqrestore(&vb->lock, flags);
    err = virtio_queue_add_wait(vb->q, bufs, n, r);
    if (err) {
        bool mine;
        flags = spin_lock_irqsave(&vb->lock);
        mine = r->listed;
        if (mine) {
            list_del(&r->link);
            r->listed = false;
        }
        spin_unlock_irqrestore(&vb->lock, flags);
        if (!mine) {
            return 0; /* the device failed meanwhile: completed with -EIO */
        }
        kfree(r);
    }
    return err;
}

/* The device failed: what it still holds ends with -EIO. The requests'
 * headers stay allocated, the device may still write their status. */
static void vblk_fail_inflight(struct vblk *vb)
{
    for (;;) {
        struct vblk_req *r = NULL;
        u64 flags = spin_lock_irqsave(&vb->lock);
        if (!list_empty(&vb->inflight)) {
            r = list_first_entry(&vb->inflight, struct vblk_req, link);
            list_del(&r->link);
            r->listed = false;
        }
        spin_unlock_irqrestore(&vb->lock, flags);
        if (!r) {
            return;
        }
        block_complete(r->req, -EIO);
    }
}

static void vblk_done(struct virtio_queue *q)
{
    struct vblk *vb = q->priv;
    struct vblk_req *r;
    u32 len;

    while ((r = virtio_queue_get_used(q, &len)) != NULL) {
        struct block_request *req = r->req;
        u8 status = r->status;
        u64 flags = spin_lock_irqsave(&vb->lock);
        list_del(&r->link);
        r->listed = false;
        spin_unlock_irqrestore(&vb->lock, flags);
        kfree(r);
        if (status != VIRTIO_BLK_S_OK) {
            pr_warn("%s: I/O error: %s of %u bytes at sector %llu, status %u\n", vb->bd.name,
                    req->op == BLOCK_READ    ? "read"
                    : req->op == BLOCK_WRITE ? "write"
                                             : "flush",
                    req->len, (unsigned long long)req->sector, status);
        }
        block_complete(req, status == VIRTIO_BLK_S_OK ? 0 : -EIO);
    }
    if (vb->vd->failed) {
        vblk_fail_inflight(vb);
    }
}

static const struct block_device_ops vblk_ops = {
    .submit = vblk_submit,
};

static u64 read_capacity(struct virtio_device *vd)
{
    u32 lo, hi;

    /* Two 32-bit reads: re-read until the high half is stable. */
    do {
        hi = vd->ops->config_read32(vd, VBLK_CFG_CAPACITY + 4);
        lo = vd->ops->config_read32(vd, VBLK_CFG_CAPACITY);
    } while (hi != vd->ops->config_read32(vd, VBLK_CFG_CAPACITY + 4));
    return (u64)hi << 32 | lo;
}

static struct vblk *alloc_vblk(struct virtio_device *vd)
{
    struct vblk *vb = kzalloc(sizeof(*vb));

    if (!vb) {
        return NULL;
    }
    vb->vd = vd;
    vb->lock = (spinlock_t)SPINLOCK_INIT("virtio_blk");
    list_init(&vb->inflight);
    vb->seg_size = VBLK_MAX_REQUEST;
    vb->flush = virtio_has_feature(vd, VIRTIO_BLK_F_FLUSH);
    return vb;
}

/* The device's limits, where it gives them and we can use them: block
 * size, bytes per segment (into vb->seg_size), segments per request. */
static void read_limits(struct vblk *vb, u32 *blk_size, u32 *segs)
{
    struct virtio_device *vd = vb->vd;

    *blk_size = SECTOR_SIZE;
    *segs = VBLK_MAX_SEGS;
    if (virtio_has_feature(vd, VIRTIO_BLK_F_BLK_SIZE)) {
        *blk_size = vd->ops->config_read32(vd, VBLK_CFG_BLK_SIZE);
        if (*blk_size < SECTOR_SIZE || *blk_size > 4096 || (*blk_size & (*blk_size - 1))) {
            pr_warn("virtio: %s: block size %u not supported, using 512\n", vd->name, *blk_size);
            *blk_size = SECTOR_SIZE;
        }
    }
    if (virtio_has_feature(vd, VIRTIO_BLK_F_SIZE_MAX)) {
        u32 size_max = vd->ops->config_read32(vd, VBLK_CFG_SIZE_MAX);
        if (size_max >= 4096 && size_max < vb->seg_size) {
            vb->seg_size = size_max & ~4095u;
        }
    }
    if (virtio_has_feature(vd, VIRTIO_BLK_F_SEG_MAX)) {
        u32 seg_max = vd->ops->config_read32(vd, VBLK_CFG_SEG_MAX);
        if (seg_max > 0 && seg_max < *segs) {
            *segs = seg_max;
        }
    }
}

static void init_disk(struct vblk *vb, u32 blk_size, u32 segs)
{
    struct virtio_device *vd = vb->vd;

    vb->bd.capacity = read_capacity(vd);
    vb->bd.block_size = blk_size;
    vb->bd.read_only = virtio_has_feature(vd, VIRTIO_BLK_F_RO);
    vb->bd.max_request =
        (u32)MIN((u64)VBLK_MAX_REQUEST, (u64)vb->seg_size * segs) & ~(blk_size - 1);
    vb->bd.ops = &vblk_ops;
    vb->bd.priv = vb;
}

/* Brings the device up and registers the disk. On failure the queue
 * belongs to the device: vb stays. */
static int start_disk(struct vblk *vb)
{
    struct virtio_device *vd = vb->vd;
    int err;

    err = virtio_device_ready(vd);
    if (err) {
        return err;
    }
    err = block_register(&vb->bd);
    if (err) {
        virtio_fail(vd, err == -ENOSPC ? "too many disks" : "cannot register the disk");
        return err;
    }
    u64 bytes = vb->bd.capacity * SECTOR_SIZE;
    pr_info("%s: virtio-blk at %s (%s), %llu sectors (%llu MiB), block size %u%s%s\n", vb->bd.name,
            vd->name, vd->ops->name, (unsigned long long)vb->bd.capacity,
            (unsigned long long)(bytes >> 20), vb->bd.block_size, vb->flush ? ", flush" : "",
            vb->bd.read_only ? ", read-only" : "");
    return 0;
}

static int virtio_blk_probe(struct virtio_device *vd)
{
    u64 wanted = (1ull << VIRTIO_BLK_F_SIZE_MAX) | (1ull << VIRTIO_BLK_F_SEG_MAX) |
                 (1ull << VIRTIO_BLK_F_RO) | (1ull << VIRTIO_BLK_F_BLK_SIZE) |
                 (1ull << VIRTIO_BLK_F_FLUSH) | (1ull << VIRTIO_RING_F_EVENT_IDX);
    u32 blk_size, segs;
    struct vblk *vb;
    int err;

    err = virtio_negotiate(vd, wanted);
    if (err) {
        return err;
    }
    vb = alloc_vblk(vd);
    if (!vb) {
        virtio_fail(vd, "out of memory");
        return -ENOMEM;
    }
    read_limits(vb, &blk_size, &segs);
    err = virtio_setup_queue(vd, 0, VBLK_QUEUE_SIZE, vblk_done, vb);
    if (err) {
        kfree(vb);
        return err;
    }
    vb->q = &vd->queues[0];
    /* Header and status take two descriptors of the chain. */
    if (vb->q->vq.num < 3) {
        virtio_fail(vd, "request queue too small");
        return -EIO;
    }
    segs = MIN(segs, (u32)vb->q->vq.num - 2);
    init_disk(vb, blk_size, segs);
    vd->priv = vb;
    return start_disk(vb);
}

const struct virtio_driver virtio_blk_driver = {"virtio-blk", VIRTIO_ID_BLOCK, virtio_blk_probe};
