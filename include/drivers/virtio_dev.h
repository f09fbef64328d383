/* SPDX-License-Identifier: MIT */
/* Virtio devices (drivers/virtio/): the device-independent core that
 * drivers (virtio-net, virtio-blk) use, over a transport (legacy or modern
 * virtio-pci). The split virtqueue itself is in <drivers/virtio.h>.
 *
 * drivers/virtio/virtio.c is portable: it reaches the device only through
 * struct virtio_transport_ops and allocates through page_alloc/kmalloc, so
 * a host test runs the status handshake, feature negotiation and queue
 * setup against a simulated device (zero-sized queues, refused features,
 * a used index that jumps).
 *
 * Life of a device:
 *   virtio_pci_init() finds each virtio PCI function (vendor 0x1af4; ids
 *   0x1000-0x103f transitional, 0x1040-0x107f modern), picks a transport
 *   (modern when offered, legacy otherwise or when virtio=legacy), resets
 *   the device, sets ACKNOWLEDGE and DRIVER, and calls the driver's probe.
 *   probe calls virtio_negotiate(), virtio_setup_queue() for each queue,
 *   fills its receive buffers, then virtio_device_ready() (DRIVER_OK).
 *   Any error: virtio_fail() logs "virtio: <name>: <reason>", sets FAILED
 *   and the device is left alone; the kernel keeps running.
 *
 * Completions: the interrupt handler (MSI-X vector, or INTx after reading
 * the ISR register, which acknowledges it) only wakes the device's kernel
 * thread "virtio<N>", which calls each queue's done() callback in thread
 * context (it may take locks, wake waiters, deliver frames; it must not
 * block for long) and a config-change callback when the ISR says so. */
#ifndef DRIVERS_VIRTIO_DEV_H
#define DRIVERS_VIRTIO_DEV_H

#include <drivers/virtio.h>
#include <kernel/compiler.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <kernel/types.h>
#include <kernel/wait.h>

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED 128

/* Device-independent feature bits. */
#define VIRTIO_F_NOTIFY_ON_EMPTY 24
#define VIRTIO_F_ANY_LAYOUT 27
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_ACCESS_PLATFORM 33

/* Device types (virtio 1.x section 5). */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2

#define VIRTIO_NAME_MAX 16
/* Queue indexes a device may use (net: rx, tx, control; blk: one). */
#define VIRTIO_MAX_QUEUES 8

struct virtio_device;
struct virtio_queue;

/* What a transport provides. Config offsets are relative to the
 * device-specific configuration. */
struct virtio_transport_ops {
    u8 (*get_status)(struct virtio_device *vd);
    void (*set_status)(struct virtio_device *vd, u8 status);
    /* Writes 0 and waits until the device reads back 0. */
    void (*reset)(struct virtio_device *vd);
    u64 (*get_features)(struct virtio_device *vd); /* legacy: low 32 bits */
    void (*set_features)(struct virtio_device *vd, u64 features);
    u8 (*config_read8)(struct virtio_device *vd, u32 off);
    u16 (*config_read16)(struct virtio_device *vd, u32 off);
    u32 (*config_read32)(struct virtio_device *vd, u32 off);
    void (*config_write8)(struct virtio_device *vd, u32 off, u8 val);
    /* Queue index: its maximum size (0 = the queue does not exist). */
    u16 (*queue_max_size)(struct virtio_device *vd, unsigned index);
    /* Tells the device where the queue lives (num, addresses, MSI-X
     * vector) and enables it; -EIO if the device refuses. */
    int (*queue_activate)(struct virtio_device *vd, struct virtio_queue *q);
    void (*notify)(struct virtio_device *vd, struct virtio_queue *q);
    /* Modern needs VIRTIO_F_VERSION_1 and a FEATURES_OK read-back; legacy
     * neither. The used-ring alignment the transport requires. */
    bool modern;
    unsigned ring_align;
    const char *name; /* "legacy" or "modern" */
};

struct virtio_queue {
    struct virtio_device *vdev;
    unsigned index;
    struct virtq vq;
    spinlock_t lock; /* serializes every call on vq */
    struct wait_queue space_wq; /* woken when descriptors are reaped */
    void *ring; /* page_alloc'd, ring_order */
    unsigned ring_order;
    u16 msix_vector; /* VIRTIO_MSI_NO_VECTOR when INTx */
    u32 notify_off; /* modern: notify offset of this queue */
    void (*done)(struct virtio_queue *q); /* completions, thread context */
    void *priv; /* driver's */
    /* The device may keep posted buffers for as long as it likes (receive
     * queues wait for input): then only unreaped completions are a stall.
     * Set by the driver after virtio_setup_queue(). */
    bool holds_buffers;
    /* Stall watch (virtio_watch), worker thread only: the indices seen at
     * the last progress and when; whether this stall was logged. */
    u16 watch_used, watch_reaped;
    u64 watch_since_ns;
    bool stall_logged;
};

#define VIRTIO_MSI_NO_VECTOR 0xffff

struct virtio_device {
    char name[VIRTIO_NAME_MAX]; /* "virtio0", in probe order */
    u16 device_type; /* VIRTIO_ID_* */
    const struct virtio_transport_ops *ops;
    void *transport; /* transport's private state */
    u64 features; /* negotiated */
    bool failed;
    const char *fail_reason; /* points at fail_msg once failed */
    char fail_msg[64];

    /* VIRTIO_MAX_QUEUES entries, allocated by the first
     * virtio_setup_queue(); queue i is &queues[i] (ring NULL: not set up).
     * nqueues is one more than the highest index set up. */
    struct virtio_queue *queues;
    unsigned nqueues;

    /* Deferred completion work. */
    struct thread *worker;
    struct wait_queue worker_wq;
    volatile bool work_pending; /* set by the IRQ, cleared by the worker */
    volatile bool config_changed;
    void (*config_change)(struct virtio_device *vd); /* thread context */
    u64 watch_next_ns; /* virtio_watch: next time the queues are looked at */

    void *priv; /* driver's */
};

struct virtio_driver {
    const char *name;
    u16 device_type;
    /* Returns 0, or -errno after virtio_fail(). */
    int (*probe)(struct virtio_device *vd);
};

/* The drivers virtio_pci_init() offers devices to. */
extern const struct virtio_driver virtio_net_driver;
extern const struct virtio_driver virtio_blk_driver;

/* The extra fence of every queue's notification protocol (struct virtq's
 * device_fence), chosen by the platform before the first device is set up
 * (virtio_pci_init, virtio_fence=); NULL when the CPU's fence is enough. */
extern void (*virtio_ring_fence)(void);

/* Parsed from virtio_fence=auto|cpu|io (default auto: io under QEMU's TCG). */
enum virtio_fence_mode {
    VIRTIO_FENCE_AUTO = 0,
    VIRTIO_FENCE_CPU,
    VIRTIO_FENCE_IO,
};

/* Fills in a new (zeroed) device: name, type, transport, wait queues. */
void virtio_device_init(struct virtio_device *vd, const char *name, u16 device_type,
                        const struct virtio_transport_ops *ops, void *transport);

/* The start of every probe: reset, then ACKNOWLEDGE, then DRIVER. */
void virtio_begin(struct virtio_device *vd);

/* Offers feature bits wanted (the transport's required ones, like
 * VIRTIO_F_VERSION_1 on modern, are added; VIRTIO_RING_F_EVENT_IDX only when
 * wanted, and then every queue uses it) and completes the negotiation
 * (FEATURES_OK read back on modern). vd->features gets the result.
 * -EIO (after virtio_fail) if the device refuses. */
int virtio_negotiate(struct virtio_device *vd, u64 wanted);
static inline bool virtio_has_feature(const struct virtio_device *vd, unsigned bit)
{
    return (vd->features >> bit) & 1;
}

/* Allocates and activates queue index with up to max_num entries (the
 * device's maximum, limited to max_num, must be a power of two > 0; legacy
 * queues cannot be shrunk, so there the device's size is used whatever
 * max_num says). The virtq runs its full virtq_check() after every call
 * when booted with log=debug or more. -ENODEV (zero-sized queue), -EINVAL
 * (not a power of two, index too big), -ENOMEM, -EIO: all after
 * virtio_fail. */
int virtio_setup_queue(struct virtio_device *vd, unsigned index, unsigned max_num,
                       void (*done)(struct virtio_queue *q), void *priv);

/* Sets DRIVER_OK and starts the worker thread. */
int virtio_device_ready(struct virtio_device *vd);

/* Logs why, sets FAILED, marks vd failed, wakes every waiter (space_wq)
 * and runs the worker once more so each done() sees vd->failed and can
 * fail its own waiters with -EIO. Safe to call more than once (the first
 * reason is kept). Works with no transport yet (vd->ops NULL). */
void virtio_fail(struct virtio_device *vd, const char *why);
void virtio_failf(struct virtio_device *vd, const char *fmt, ...) __printf(2, 3);

/* Posts a chain on q under its lock and notifies the device when needed.
 * -EAGAIN when the ring is full (virtio_queue_add_wait sleeps instead until
 * completions free space), -EIO when the queue or device failed. */
int virtio_queue_add(struct virtio_queue *q, const struct virtq_buf *bufs, unsigned n, void *token);
int virtio_queue_add_wait(struct virtio_queue *q, const struct virtq_buf *bufs, unsigned n,
                          void *token);

/* Reaps one completion under the lock (wakes space_wq); NULL when none.
 * A device that breaks the ring (used index jumping, unknown id) fails the
 * device and returns NULL. */
void *virtio_queue_get_used(struct virtio_queue *q, u32 *len);

/* Called by transports from the interrupt handler: queues the work. */
void virtio_interrupt(struct virtio_device *vd, bool config_changed);

/* One pass of the worker thread: for every queue, interrupts off, done(),
 * interrupts on, and again while completions arrived meanwhile; then
 * config_change if a config interrupt came. Host tests call it directly. */
void virtio_do_work(struct virtio_device *vd);

/* The stall watch, run by the worker thread about once per
 * VIRTIO_WATCH_PERIOD_NS (host tests call it with their own clock). A
 * queue with work outstanding (completions not reaped, or buffers the
 * device has not completed unless it holds_buffers) and no progress for
 * VIRTIO_STALL_NS is logged once, with its indices:
 *   virtio: virtioN: queue Q stalled: ...
 * A diagnostic only: nothing is kicked or reset, so a lost notification
 * still shows as the stall it is. Returns the number of queues newly
 * found stalled. */
#define VIRTIO_WATCH_PERIOD_NS (1 * NSEC_PER_SEC)
#define VIRTIO_STALL_NS (10 * NSEC_PER_SEC)
unsigned virtio_watch(struct virtio_device *vd, u64 now_ns);

/* Finds and probes every virtio PCI device (after pci_init). */
void virtio_pci_init(void);

/* Parsed from virtio=legacy|modern|auto (default auto). */
enum virtio_transport_mode {
    VIRTIO_MODE_AUTO = 0,
    VIRTIO_MODE_LEGACY,
    VIRTIO_MODE_MODERN,
};

#endif
