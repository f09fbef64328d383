// SPDX-License-Identifier: MIT
/* Virtio device core: status handshake, feature negotiation, queue setup,
 * posting and reaping under the queue lock, failure, and the per-device
 * worker thread that runs completions. Portable: the device is reached only
 * through struct virtio_transport_ops (see include/drivers/virtio_dev.h).
 *
 * The interrupt only sets work_pending and wakes the worker, which clears
 * the flag and then, for each queue, turns its interrupts off, calls done()
 * (which reaps everything), and turns them back on; if completions landed
 * in between (virtq_enable_cb() says so) it goes round again, since their
 * interrupt may have been suppressed. So a completion is never lost, and a
 * burst costs one interrupt instead of one each. With
 * VIRTIO_RING_F_EVENT_IDX (negotiated when the driver asks for it) the
 * suppression is exact (used_event) and kicks honour avail_event. */
#include <abi/errno.h>
#include <arch/x86_64/memlayout.h>
#include <drivers/virtio_dev.h>
#include <kernel/format.h>
#include <kernel/kernel.h>
#include <kernel/kmalloc.h>
#include <kernel/page_alloc.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>

/* Feature bits the core itself can handle; device-specific bits (0-23)
 * are the driver's to want or not. */
#define VIRTIO_DEVICE_FEATURES_MASK ((1ull << 24) - 1)
#define VIRTIO_CORE_FEATURES                                                                       \
    ((1ull << VIRTIO_F_NOTIFY_ON_EMPTY) | (1ull << VIRTIO_F_ANY_LAYOUT) |                          \
     (1ull << VIRTIO_RING_F_EVENT_IDX) | (1ull << VIRTIO_F_VERSION_1))

void (*virtio_ring_fence)(void);

static bool is_pow2(unsigned x)
{
    return x != 0 && (x & (x - 1)) == 0;
}

void virtio_device_init(struct virtio_device *vd, const char *name, u16 device_type,
                        const struct virtio_transport_ops *ops, void *transport)
{
    ksnprintf(vd->name, sizeof(vd->name), "%s", name);
    vd->device_type = device_type;
    vd->ops = ops;
    vd->transport = transport;
    wait_queue_init(&vd->worker_wq);
}

static void add_status(struct virtio_device *vd, u8 bits)
{
    vd->ops->set_status(vd, vd->ops->get_status(vd) | bits);
}

void virtio_begin(struct virtio_device *vd)
{
    vd->ops->reset(vd);
    add_status(vd, VIRTIO_STATUS_ACKNOWLEDGE);
    add_status(vd, VIRTIO_STATUS_DRIVER);
}

void virtio_fail(struct virtio_device *vd, const char *why)
{
    if (vd->failed) {
        return;
    }
    if (why != vd->fail_msg) {
        ksnprintf(vd->fail_msg, sizeof(vd->fail_msg), "%s", why);
    }
    vd->fail_reason = vd->fail_msg;
    vd->failed = true;
    pr_warn("virtio: %s: %s\n", vd->name, vd->fail_msg);
    if (vd->ops) {
        add_status(vd, VIRTIO_STATUS_FAILED);
    }
    for (unsigned i = 0; i < vd->nqueues; i++) {
        if (vd->queues[i].ring) {
            wake_up(&vd->queues[i].space_wq);
        }
    }
    vd->work_pending = true;
    wake_up(&vd->worker_wq);
}

void virtio_failf(struct virtio_device *vd, const char *fmt, ...)
{
    va_list ap;

    if (vd->failed) {
        return;
    }
    va_start(ap, fmt);
    kvsnprintf(vd->fail_msg, sizeof(vd->fail_msg), fmt, ap);
    va_end(ap);
    virtio_fail(vd, vd->fail_msg);
}

int virtio_negotiate(struct virtio_device *vd, u64 wanted)
{
    const struct virtio_transport_ops *ops = vd->ops;

    if (vd->failed) {
        return -EIO;
    }
    u64 offered = ops->get_features(vd);
    u64 ours = (wanted & (VIRTIO_DEVICE_FEATURES_MASK | VIRTIO_CORE_FEATURES)) &
               ~(1ull << VIRTIO_F_VERSION_1);
    if (ops->modern) {
        if (!(offered & (1ull << VIRTIO_F_VERSION_1))) {
            virtio_fail(vd, "device lacks VIRTIO_F_VERSION_1 on a modern transport");
            return -EIO;
        }
        ours |= 1ull << VIRTIO_F_VERSION_1;
    } else {
        ours &= 0xffffffffull;
    }
    u64 features = offered & ours;
    ops->set_features(vd, features);
    if (ops->modern) {
        add_status(vd, VIRTIO_STATUS_FEATURES_OK);
        if (!(ops->get_status(vd) & VIRTIO_STATUS_FEATURES_OK)) {
            virtio_fail(vd, "device refused features");
            return -EIO;
        }
    }
    vd->features = features;
    return 0;
}

static unsigned ring_order(size_t size)
{
    unsigned order = 0;

    while (((size_t)PAGE_SIZE << order) < size) {
        order++;
    }
    return order;
}

static void free_queue(struct virtio_queue *q)
{
    if (q->ring) {
        page_free(q->ring, q->ring_order);
        q->ring = NULL;
    }
    kfree(q->vq.state);
    q->vq.state = NULL;
}

/* The not yet set up slot for queue index, allocating the device's table
 * of queues on first use. */
static int queue_slot(struct virtio_device *vd, unsigned index, unsigned max_num,
                      struct virtio_queue **out)
{
    if (index >= VIRTIO_MAX_QUEUES || max_num == 0) {
        virtio_failf(vd, "queue %u: bad index or size", index);
        return -EINVAL;
    }
    if (!vd->queues) {
        vd->queues = kzalloc(VIRTIO_MAX_QUEUES * sizeof(*vd->queues));
        if (!vd->queues) {
            virtio_fail(vd, "out of memory for queues");
            return -ENOMEM;
        }
    }
    if (vd->queues[index].ring) {
        virtio_failf(vd, "queue %u set up twice", index);
        return -EINVAL;
    }
    *out = &vd->queues[index];
    return 0;
}

/* The queue's size: the device's maximum, which must be a power of two, cut
 * down to max_num where the transport lets the driver choose (modern). */
static int queue_size(struct virtio_device *vd, unsigned index, unsigned max_num, unsigned *num)
{
    unsigned dev_max = vd->ops->queue_max_size(vd, index);

    if (dev_max == 0) {
        virtio_failf(vd, "queue %u has size 0", index);
        return -ENODEV;
    }
    if (!is_pow2(dev_max) || dev_max > VIRTQ_MAX_SIZE) {
        virtio_failf(vd, "queue %u size %u is not a power of two", index, dev_max);
        return -EINVAL;
    }
    *num = dev_max;
    if (vd->ops->modern) {
        while (*num > max_num) {
            *num >>= 1;
        }
    }
    return 0;
}

/* Allocates q's ring and descriptor state and initializes the ring. */
static int alloc_ring(struct virtio_queue *q, unsigned num, const struct virtq_layout *l)
{
    struct virtio_device *vd = q->vdev;
    const struct virtio_transport_ops *ops = vd->ops;

    q->ring_order = ring_order(l->size);
    void *ring = page_alloc(q->ring_order);
    struct virtq_desc_state *state = kzalloc(num * sizeof(*state));
    if (!ring || !state) {
        if (ring) {
            page_free(ring, q->ring_order);
        }
        kfree(state);
        virtio_failf(vd, "queue %u: out of memory", q->index);
        return -ENOMEM;
    }
    bool event_idx = virtio_has_feature(vd, VIRTIO_RING_F_EVENT_IDX);
    if (virtq_init(&q->vq, num, ops->ring_align, ring, virt_to_phys(ring), state, event_idx) < 0) {
        page_free(ring, q->ring_order);
        kfree(state);
        virtio_failf(vd, "queue %u: ring setup failed", q->index);
        return -EINVAL;
    }
    q->ring = ring;
    return 0;
}

int virtio_setup_queue(struct virtio_device *vd, unsigned index, unsigned max_num,
                       void (*done)(struct virtio_queue *q), void *priv)
{
    const struct virtio_transport_ops *ops = vd->ops;
    struct virtio_queue *q;
    struct virtq_layout l;
    unsigned num;
    int err;

    if (vd->failed) {
        return -EIO;
    }
    err = queue_slot(vd, index, max_num, &q);
    if (err) {
        return err;
    }
    err = queue_size(vd, index, max_num, &num);
    if (err) {
        return err;
    }
    if (virtq_layout(num, ops->ring_align, &l) < 0) {
        virtio_failf(vd, "queue %u: bad layout", index);
        return -EINVAL;
    }

    memset(q, 0, sizeof(*q));
    q->vdev = vd;
    q->index = index;
    q->lock = (spinlock_t)SPINLOCK_INIT("virtqueue");
    wait_queue_init(&q->space_wq);
    q->msix_vector = VIRTIO_MSI_NO_VECTOR;
    err = alloc_ring(q, num, &l);
    if (err) {
        return err;
    }
    q->vq.device_fence = virtio_ring_fence;
    q->vq.debug_checks = boot_options.log_level >= LOG_DEBUG;
    q->done = done;
    q->priv = priv;
    if (index >= vd->nqueues) {
        vd->nqueues = index + 1;
    }

    if (ops->queue_activate(vd, q) < 0) {
        /* The device did not take the ring: it is ours to free. */
        free_queue(q);
        virtio_failf(vd, "queue %u activation refused", index);
        return -EIO;
    }
    return 0;
}

static int virtio_worker(void *arg)
{
    struct virtio_device *vd = arg;

    for (;;) {
        /* Completions wake us; the stall watch needs a look now and then
         * even when nothing does. */
        wait_event_timeout(vd->worker_wq, vd->work_pending, VIRTIO_WATCH_PERIOD_NS);
        if (vd->work_pending) {
            virtio_do_work(vd);
        }
        virtio_watch(vd, clock_monotonic_ns());
    }
    return 0;
}

int virtio_device_ready(struct virtio_device *vd)
{
    if (vd->failed) {
        return -EIO;
    }
    if (!vd->worker) {
        vd->worker = thread_create(virtio_worker, vd, vd->name, THREAD_DETACHED);
        if (!vd->worker) {
            virtio_fail(vd, "out of memory for the worker thread");
            return -ENOMEM;
        }
    }
    add_status(vd, VIRTIO_STATUS_DRIVER_OK);
    return 0;
}

/* Fails the device if q's ring faulted (called without q->lock). */
static void check_fault(struct virtio_queue *q, int fault)
{
    if (fault) {
        virtio_failf(q->vdev, "queue %u: %s", q->index, virtq_fault_str(fault));
    }
}

int virtio_queue_add(struct virtio_queue *q, const struct virtq_buf *bufs, unsigned n, void *token)
{
    struct virtio_device *vd = q->vdev;
    int r;
    int fault;

    u64 flags = spin_lock_irqsave(&q->lock);
    if (vd->failed) {
        spin_unlock_irqrestore(&q->lock, flags);
        return -EIO;
    }
    r = virtq_add_chain(&q->vq, bufs, n, token);
    if (r >= 0 && virtq_kick_needed(&q->vq)) {
        vd->ops->notify(vd, q);
    }
    fault = q->vq.fault;
    spin_unlock_irqrestore(&q->lock, flags);

    check_fault(q, fault);
    return r < 0 ? r : 0;
}

int virtio_queue_add_wait(struct virtio_queue *q, const struct virtq_buf *bufs, unsigned n,
                          void *token)
{
    for (;;) {
        int r = virtio_queue_add(q, bufs, n, token);
        if (r != -EAGAIN) {
            return r;
        }
        wait_event(q->space_wq, virtq_num_free(&q->vq) >= n || q->vdev->failed);
    }
}

void *virtio_queue_get_used(struct virtio_queue *q, u32 *len)
{
    struct virtio_device *vd = q->vdev;
    void *token = NULL;
    int fault;

    u64 flags = spin_lock_irqsave(&q->lock);
    if (!vd->failed) {
        token = virtq_get_used(&q->vq, len);
    }
    fault = q->vq.fault;
    spin_unlock_irqrestore(&q->lock, flags);

    check_fault(q, fault);
    if (token) {
        wake_up(&q->space_wq);
    }
    return token;
}

void virtio_interrupt(struct virtio_device *vd, bool config_changed)
{
    if (config_changed) {
        vd->config_changed = true;
    }
    vd->work_pending = true;
    wake_up(&vd->worker_wq);
}

/* Turns q's used-buffer interrupts off, or on again: on returns false when
 * completions are waiting (reap them first). */
static bool set_cb(struct virtio_queue *q, bool on)
{
    bool idle = true;

    u64 flags = spin_lock_irqsave(&q->lock);
    if (on) {
        idle = virtq_enable_cb(&q->vq);
    } else {
        virtq_disable_cb(&q->vq);
    }
    spin_unlock_irqrestore(&q->lock, flags);
    return idle;
}

static void run_queue(struct virtio_queue *q)
{
    for (;;) {
        set_cb(q, false);
        q->done(q);
        /* A failed device reaps nothing more: its done() has failed its
         * waiters, do not spin on what is left in the ring. */
        if (set_cb(q, true) || q->vdev->failed) {
            return;
        }
    }
}

void virtio_do_work(struct virtio_device *vd)
{
    vd->work_pending = false;
    for (unsigned i = 0; i < vd->nqueues; i++) {
        struct virtio_queue *q = &vd->queues[i];
        if (q->ring && q->done) {
            run_queue(q);
        }
    }
    if (vd->config_changed) {
        vd->config_changed = false;
        if (vd->config_change && !vd->failed) {
            vd->config_change(vd);
        }
    }
}

/* What the stall watch reads of one queue, under its lock. */
struct queue_snapshot {
    u16 avail, used, reaped, used_event, avail_event, avail_flags, used_flags;
    bool cb_enabled;
};

static void snapshot_queue(struct virtio_queue *q, struct queue_snapshot *s)
{
    const struct virtq *vq = &q->vq;

    u64 flags = spin_lock_irqsave(&q->lock);
    s->avail = vq->avail_idx;
    s->used = __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE);
    s->reaped = vq->last_used;
    s->used_event = __atomic_load_n(vq->used_event, __ATOMIC_RELAXED);
    s->avail_event = __atomic_load_n(vq->avail_event, __ATOMIC_RELAXED);
    s->avail_flags = __atomic_load_n(&vq->avail->flags, __ATOMIC_RELAXED);
    s->used_flags = __atomic_load_n(&vq->used->flags, __ATOMIC_RELAXED);
    s->cb_enabled = vq->cb_enabled;
    spin_unlock_irqrestore(&q->lock, flags);
}

/* Whether q just crossed the stall threshold (then logged). */
static bool watch_queue(struct virtio_queue *q, u64 now_ns)
{
    struct queue_snapshot s;

    snapshot_queue(q, &s);
    u16 unreaped = s.used - s.reaped;
    u16 owed = q->holds_buffers ? 0 : (u16)(s.avail - s.used);
    if (q->watch_since_ns == 0 || s.used != q->watch_used || s.reaped != q->watch_reaped ||
        (!unreaped && !owed)) {
        /* The first look, progress, or nothing to wait for. */
        q->watch_used = s.used;
        q->watch_reaped = s.reaped;
        q->watch_since_ns = now_ns;
        q->stall_logged = false;
        return false;
    }
    if (q->stall_logged || now_ns - q->watch_since_ns < VIRTIO_STALL_NS) {
        return false;
    }
    q->stall_logged = true;
    pr_warn("virtio: %s: queue %u stalled: %u completions unreaped, %u buffers not completed "
            "by the device, for %llu s (avail %u, used %u, reaped %u, used_event %u, "
            "avail_event %u, avail flags 0x%x, used flags 0x%x, interrupts %s)\n",
            q->vdev->name, q->index, unreaped, owed,
            (unsigned long long)((now_ns - q->watch_since_ns) / NSEC_PER_SEC), s.avail, s.used,
            s.reaped, s.used_event, s.avail_event, s.avail_flags, s.used_flags,
            s.cb_enabled ? "on" : "off");
    return true;
}

unsigned virtio_watch(struct virtio_device *vd, u64 now_ns)
{
    unsigned stalled = 0;

    if (vd->failed || now_ns < vd->watch_next_ns) {
        return 0;
    }
    vd->watch_next_ns = now_ns + VIRTIO_WATCH_PERIOD_NS;
    for (unsigned i = 0; i < vd->nqueues; i++) {
        struct virtio_queue *q = &vd->queues[i];
        if (q->ring && watch_queue(q, now_ns)) {
            stalled++;
        }
    }
    return stalled;
}
