// SPDX-License-Identifier: MIT
/* Host fake virtio transport (see virtio_fake_transport.h). */
#include "fakes/virtio_fake_transport.h"

#include <abi/errno.h>
#include <kernel/cmdline.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/wait.h>
#include <stdio.h>
#include <string.h>

struct boot_options boot_options = {.log_level = LOG_DEBUG};
unsigned fake_threads_created;
char fake_thread_name[32];

struct thread *thread_create(thread_fn fn, void *arg, const char *name, u32 flags)
{
    static struct thread t;

    (void)fn;
    (void)arg;
    (void)flags;
    fake_threads_created++;
    snprintf(fake_thread_name, sizeof(fake_thread_name), "%s", name);
    return &t;
}

/* The worker thread's clock (never run here: tests pass virtio_watch a
 * time of their own). */
u64 clock_monotonic_ns(void)
{
    return 1;
}

/* No one else runs: a timed wait always times out. */
u64 schedule_timeout(u64 timeout_ns)
{
    (void)timeout_ns;
    return 0;
}

void wait_queue_init(struct wait_queue *wq)
{
    wq->lock = (spinlock_t)SPINLOCK_INIT("wq");
    wq->waiters.next = &wq->waiters;
    wq->waiters.prev = &wq->waiters;
}

static struct fake_vdev *fake(struct virtio_device *vd)
{
    return vd->transport;
}

static void log_status(struct fake_vdev *f, u8 v)
{
    if (f->nstatus < FAKE_STATUS_LOG) {
        f->status_log[f->nstatus++] = v;
    }
}

static u8 get_status(struct virtio_device *vd)
{
    return fake(vd)->status;
}

static void set_status(struct virtio_device *vd, u8 status)
{
    struct fake_vdev *f = fake(vd);

    if (f->refuse_features && (status & VIRTIO_STATUS_FEATURES_OK)) {
        status &= (u8)~VIRTIO_STATUS_FEATURES_OK;
    }
    f->status = status;
    log_status(f, status);
}

static void reset(struct virtio_device *vd)
{
    struct fake_vdev *f = fake(vd);

    f->status = 0;
    log_status(f, 0);
}

static u64 get_features(struct virtio_device *vd)
{
    struct fake_vdev *f = fake(vd);

    return vd->ops->modern ? f->dev_features : (u32)f->dev_features;
}

static void set_features(struct virtio_device *vd, u64 features)
{
    fake(vd)->driver_features = features;
}

static u8 config_read8(struct virtio_device *vd, u32 off)
{
    return off < 64 ? fake(vd)->config[off] : 0xff;
}

static u16 config_read16(struct virtio_device *vd, u32 off)
{
    return config_read8(vd, off) | (u16)config_read8(vd, off + 1) << 8;
}

static u32 config_read32(struct virtio_device *vd, u32 off)
{
    return config_read16(vd, off) | (u32)config_read16(vd, off + 2) << 16;
}

static void config_write8(struct virtio_device *vd, u32 off, u8 val)
{
    if (off < 64) {
        fake(vd)->config[off] = val;
    }
}

static u16 queue_max_size(struct virtio_device *vd, unsigned index)
{
    return index < VIRTIO_MAX_QUEUES ? fake(vd)->qsize[index] : 0;
}

static int queue_activate(struct virtio_device *vd, struct virtio_queue *q)
{
    struct fake_vdev *f = fake(vd);

    f->activated[q->index]++;
    if (f->refuse_activate) {
        return -EIO;
    }
    f->active_num[q->index] = q->vq.num;
    f->last_avail[q->index] = 0;
    return 0;
}

static void notify(struct virtio_device *vd, struct virtio_queue *q)
{
    fake(vd)->notifies[q->index]++;
}

#define FAKE_OPS                                                                                   \
    .get_status = get_status, .set_status = set_status, .reset = reset,                            \
    .get_features = get_features, .set_features = set_features, .config_read8 = config_read8,      \
    .config_read16 = config_read16, .config_read32 = config_read32,                                \
    .config_write8 = config_write8, .queue_max_size = queue_max_size,                              \
    .queue_activate = queue_activate, .notify = notify

static const struct virtio_transport_ops modern_ops = {
    FAKE_OPS, .modern = true, .ring_align = VIRTQ_MODERN_ALIGN, .name = "modern"};

static const struct virtio_transport_ops legacy_ops = {
    FAKE_OPS, .modern = false, .ring_align = VIRTQ_LEGACY_ALIGN, .name = "legacy"};

void fake_vdev_init(struct fake_vdev *f, bool modern, const char *name)
{
    memset(f, 0, sizeof(*f));
    f->status = 0x7f; /* junk until reset */
    virtio_device_init(&f->vd, name, VIRTIO_ID_NET, modern ? &modern_ops : &legacy_ops, f);
}

unsigned fake_vdev_complete_all(struct fake_vdev *f, struct virtio_queue *q)
{
    struct virtq *vq = &q->vq;
    u16 *last = &f->last_avail[q->index];
    unsigned n = 0;

    while (*last != __atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE)) {
        u16 head = vq->avail->ring[*last & (vq->num - 1)];
        u32 written = 0;
        for (u16 d = head;;) {
            const struct vring_desc *desc = &vq->desc[d];
            if (desc->flags & VIRTQ_DESC_F_WRITE) {
                written += desc->len;
            }
            if (!(desc->flags & VIRTQ_DESC_F_NEXT)) {
                break;
            }
            d = desc->next;
        }
        u16 idx = vq->used->idx;
        vq->used->ring[idx & (vq->num - 1)].id = head;
        vq->used->ring[idx & (vq->num - 1)].len = written;
        __atomic_store_n(&vq->used->idx, (u16)(idx + 1), __ATOMIC_RELEASE);
        (*last)++;
        n++;
    }
    return n;
}

void fake_vdev_jump_used(struct virtio_queue *q, u16 extra)
{
    __atomic_store_n(&q->vq.used->idx, (u16)(q->vq.used->idx + extra), __ATOMIC_RELEASE);
}
