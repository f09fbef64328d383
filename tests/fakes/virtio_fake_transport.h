/* SPDX-License-Identifier: MIT */
/* Host fake virtio transport for tests/test_virtio_core.c: a simulated
 * device behind struct virtio_transport_ops that records every status
 * write, offers configurable features and queue sizes, can refuse
 * FEATURES_OK or a queue activation, and completes posted chains through
 * the used ring (in order, len = the writable bytes) or breaks the ring.
 * Also the kernel services drivers/virtio/virtio.c needs that the shared
 * fakes lack: thread_create (recorded, never run), wait_queue_init,
 * clock_monotonic_ns, schedule_timeout (times out at once) and boot_options. */
#ifndef TESTS_FAKES_VIRTIO_FAKE_TRANSPORT_H
#define TESTS_FAKES_VIRTIO_FAKE_TRANSPORT_H

#include <drivers/virtio_dev.h>

#define FAKE_STATUS_LOG 32

struct fake_vdev {
    struct virtio_device vd;
    u8 status;
    u8 status_log[FAKE_STATUS_LOG]; /* every value set_status/reset wrote */
    unsigned nstatus;
    u64 dev_features;
    u64 driver_features; /* what set_features got */
    bool refuse_features; /* clear FEATURES_OK when it is set */
    bool refuse_activate;
    u16 qsize[VIRTIO_MAX_QUEUES];
    unsigned activated[VIRTIO_MAX_QUEUES]; /* queue_activate calls */
    u16 active_num[VIRTIO_MAX_QUEUES]; /* num the device was given */
    unsigned notifies[VIRTIO_MAX_QUEUES];
    u16 last_avail[VIRTIO_MAX_QUEUES]; /* next avail entry the device reads */
    u8 config[64];
};

/* A zeroed device with the modern or legacy transport, named name. */
void fake_vdev_init(struct fake_vdev *f, bool modern, const char *name);

/* The device consumes every available chain of queue q and completes it
 * (used ring, in order). Returns how many. */
unsigned fake_vdev_complete_all(struct fake_vdev *f, struct virtio_queue *q);

/* The device moves the used index ahead by extra without writing entries
 * (a broken device). */
void fake_vdev_jump_used(struct virtio_queue *q, u16 extra);

/* thread_create calls seen, and the last one's name. */
extern unsigned fake_threads_created;
extern char fake_thread_name[32];

#endif
