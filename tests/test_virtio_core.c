// SPDX-License-Identifier: MIT
/* drivers/virtio/virtio.c against a simulated device
 * (tests/fakes/virtio_fake_transport.c): status handshake order, feature
 * negotiation on both transports, queue setup and its failures, completions
 * through the used ring, a device that breaks the ring, and that a failed
 * device stays failed (-EIO, no crash). */
#include <abi/errno.h>
#include <drivers/virtio_dev.h>
#include <kernel/kmalloc.h>
#include <kernel/page_alloc.h>
#include <string.h>

#include "fakes/page_alloc_fake.h"
#include "fakes/printk_fake.h"
#include "fakes/virtio_fake_transport.h"
#include "harness.h"

HARNESS("test_virtio_core");

#define ARENA_PAGES 1024
#define F(bit) (1ull << (bit))

static struct fake_vdev dev;
static int tok[64];

static u64 pages_free(void)
{
    struct page_stats st;
    page_alloc_stats(&st);
    return st.free_pages;
}

/* Gives back what the core allocated (drivers never tear down, tests do). */
static void teardown(void)
{
    if (dev.vd.queues) {
        for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++) {
            struct virtio_queue *q = &dev.vd.queues[i];
            if (q->ring) {
                page_free(q->ring, q->ring_order);
                kfree(q->vq.state);
                q->ring = NULL;
            }
        }
        kfree(dev.vd.queues);
        dev.vd.queues = NULL;
    }
    fake_pages_set_fail_after(-1);
}

/* One arena for the whole run: the slab caches outlive a test. */
static void setup(bool modern)
{
    fake_vdev_init(&dev, modern, "virtio7");
    dev.dev_features = F(VIRTIO_F_VERSION_1) | F(0) | F(5) | F(VIRTIO_RING_F_INDIRECT_DESC) |
                       F(VIRTIO_F_ACCESS_PLATFORM) | F(VIRTIO_RING_F_EVENT_IDX);
    for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++) {
        dev.qsize[i] = 256;
    }
}

static unsigned done_calls;
static unsigned reaped;
static unsigned last_len;

/* A driver's done(): reaps everything, like virtio-net/blk would. */
static void reap_all(struct virtio_queue *q)
{
    u32 len;
    done_calls++;
    while (virtio_queue_get_used(q, &len)) {
        reaped++;
        last_len = len;
    }
}

static unsigned config_calls;
static void on_config(struct virtio_device *vd)
{
    (void)vd;
    config_calls++;
}

static bool status_seq(const u8 *want, unsigned n)
{
    if (dev.nstatus != n) {
        return false;
    }
    return memcmp(dev.status_log, want, n) == 0;
}

static void test_handshake_order_modern(void)
{
    setup(true);
    virtio_begin(&dev.vd);
    CHECK_EQ(virtio_negotiate(&dev.vd, F(0) | F(3)), 0);
    CHECK_EQ(virtio_setup_queue(&dev.vd, 0, 256, reap_all, NULL), 0);
    unsigned before = fake_threads_created;
    CHECK_EQ(virtio_device_ready(&dev.vd), 0);
    CHECK_EQ(fake_threads_created, before + 1);
    CHECK(strcmp(fake_thread_name, "virtio7") == 0);
    /* reset, ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK: each added. */
    const u8 want[] = {0, 1, 3, 11, 15};
    CHECK(status_seq(want, sizeof(want)));
    CHECK(!dev.vd.failed);
    /* Offered & wanted & supported: VERSION_1 is added, 3 was not offered. */
    CHECK_EQ(dev.vd.features, F(0) | F(VIRTIO_F_VERSION_1));
    CHECK_EQ(dev.driver_features, dev.vd.features);
    CHECK(virtio_has_feature(&dev.vd, VIRTIO_F_VERSION_1));
    CHECK(!virtio_has_feature(&dev.vd, 5));
    teardown();
}

static void test_handshake_order_legacy(void)
{
    setup(false);
    virtio_begin(&dev.vd);
    CHECK_EQ(virtio_negotiate(&dev.vd, F(0) | F(5) | F(VIRTIO_F_VERSION_1)), 0);
    CHECK_EQ(virtio_setup_queue(&dev.vd, 0, 64, reap_all, NULL), 0);
    CHECK_EQ(virtio_device_ready(&dev.vd), 0);
    /* No FEATURES_OK step on legacy. */
    const u8 want[] = {0, 1, 3, 7};
    CHECK(status_seq(want, sizeof(want)));
    /* Only the low 32 bits exist. */
    CHECK_EQ(dev.vd.features, F(0) | F(5));
    teardown();
}

static void test_unsupported_features_dropped(void)
{
    setup(true);
    virtio_begin(&dev.vd);
    /* INDIRECT_DESC and ACCESS_PLATFORM are offered and wanted but the core
     * cannot do them; EVENT_IDX it can. */
    CHECK_EQ(virtio_negotiate(&dev.vd, F(VIRTIO_RING_F_INDIRECT_DESC) |
                                           F(VIRTIO_F_ACCESS_PLATFORM) |
                                           F(VIRTIO_RING_F_EVENT_IDX)),
             0);
    CHECK_EQ(dev.vd.features, F(VIRTIO_RING_F_EVENT_IDX) | F(VIRTIO_F_VERSION_1));
    CHECK_EQ(virtio_setup_queue(&dev.vd, 0, 16, reap_all, NULL), 0);
    CHECK(dev.vd.queues[0].vq.event_idx);
    teardown();
}

static void test_version1_required(void)
{
    setup(true);
    dev.dev_features = F(0);
    virtio_begin(&dev.vd);
    CHECK_EQ(virtio_negotiate(&dev.vd, F(0)), -EIO);
    CHECK(dev.vd.failed);
    CHECK(strstr(dev.vd.fail_reason, "VIRTIO_F_VERSION_1") != NULL);
    CHECK(strstr(fake_printk_last, "virtio: virtio7: ") != NULL);
    CHECK(dev.status & VIRTIO_STATUS_FAILED);
    CHECK(!(dev.status & VIRTIO_STATUS_FEATURES_OK));
    /* Everything after is refused. */
    CHECK_EQ(virtio_setup_queue(&dev.vd, 0, 16, reap_all, NULL), -EIO);
    CHECK_EQ(virtio_device_ready(&dev.vd), -EIO);
    CHECK_EQ(dev.activated[0], 0);
    teardown();
}

static void test_features_refused(void)
{
    setup(true);
    dev.refuse_features = true;
    virtio_begin(&dev.vd);
    CHECK_EQ(virtio_negotiate(&dev.vd, F(0)), -EIO);
    CHECK(dev.vd.failed);
    CHECK(strcmp(dev.vd.fail_reason, "device refused features") == 0);
    CHECK(dev.status & VIRTIO_STATUS_FAILED);
    CHECK_EQ(dev.vd.features, 0);
    /* A second failure keeps the first reason. */
    virtio_fail(&dev.vd, "something else");
    CHECK(strcmp(dev.vd.fail_reason, "device refused features") == 0);
    teardown();
}

static void test_zero_sized_queue(void)
{
    setup(true);
    dev.qsize[1] = 0;
    virtio_begin(&dev.vd);
    CHECK_EQ(virtio_negotiate(&dev.vd, 0), 0);
    CHECK_EQ(virtio_setup_queue(&dev.vd, 0, 256, reap_all, NULL), 0);
    CHECK_EQ(virtio_setup_queue(&dev.vd, 1, 256, reap_all, NULL), -ENODEV);
    CHECK(dev.vd.failed);
    CHECK(strcmp(dev.vd.fail_reason, "queue 1 has size 0") == 0);
    CHECK_EQ(dev.activated[1], 0);
    CHECK_EQ(virtio_device_ready(&dev.vd), -EIO);
    teardown();
}

static void test_non_power_of_two_queue(void)
{
    setup(false);
    dev.qsize[0] = 100;
    virtio_begin(&dev.vd);
    CHECK_EQ(virtio_negotiate(&dev.vd, 0), 0);
    CHECK_EQ(virtio_setup_queue(&dev.vd, 0, 256, reap_all, NULL), -EINVAL);
    CHECK(dev.vd.failed);
    CHECK(strstr(dev.vd.fail_reason, "not a power of two") != NULL);
    CHECK(dev.vd.queues[0].ring == NULL);
    CHECK_EQ(virtio_setup_queue(&dev.vd, 9, 256, reap_all, NULL), -EIO);
    teardown();
}

static void test_activation_refused(void)
{
    setup(true);
    dev.refuse_activate = true;
    virtio_begin(&dev.vd);
    CHECK_EQ(virtio_negotiate(&dev.vd, 0), 0);
    CHECK_EQ(virtio_setup_queue(&dev.vd, 0, 256, reap_all, NULL), -EIO);
    CHECK_EQ(dev.activated[0], 1);
    CHECK(dev.vd.failed);
    CHECK(strcmp(dev.vd.fail_reason, "queue 0 activation refused") == 0);
    CHECK(dev.vd.queues[0].ring == NULL); /* freed */
    CHECK(dev.vd.queues[0].vq.state == NULL);
    CHECK(dev.status & VIRTIO_STATUS_FAILED);
    teardown();
}

static void test_out_of_memory(void)
{
    setup(true);
    virtio_begin(&dev.vd);
    CHECK_EQ(virtio_negotiate(&dev.vd, 0), 0);
    fake_pages_set_fail_after(0); /* the queue array or the ring */
    CHECK_EQ(virtio_setup_queue(&dev.vd, 0, 256, reap_all, NULL), -ENOMEM);
    CHECK(dev.vd.failed);
    CHECK(strstr(dev.vd.fail_reason, "out of memory") != NULL);
    CHECK_EQ(dev.activated[0], 0);
    teardown();
}

static void test_queue_sizes(void)
{
    /* Modern: the device's 1024 is limited to what the driver asks. */
    setup(true);
    dev.qsize[0] = 1024;
    dev.qsize[2] = 8;
    virtio_begin(&dev.vd);
    CHECK_EQ(virtio_negotiate(&dev.vd, 0), 0);
    CHECK_EQ(virtio_setup_queue(&dev.vd, 0, 128, reap_all, NULL), 0);
    CHECK_EQ(dev.active_num[0], 128);
    CHECK_EQ(virtio_setup_queue(&dev.vd, 2, 128, reap_all, NULL), 0);
    CHECK_EQ(dev.active_num[2], 8);
    CHECK_EQ(dev.vd.nqueues, 3);
    CHECK(dev.vd.queues[1].ring == NULL);
    CHECK(dev.vd.queues[0].vq.debug_checks); /* log=debug in the fake */
    CHECK_EQ(virtio_setup_queue(&dev.vd, 0, 128, reap_all, NULL), -EINVAL); /* twice */
    teardown();

    /* Legacy: the size is the device's; 256 entries take 3 pages -> order 2,
     * page-aligned (a page number is what the device gets). */
    setup(false);
    virtio_begin(&dev.vd);
    CHECK_EQ(virtio_negotiate(&dev.vd, 0), 0);
    CHECK_EQ(virtio_setup_queue(&dev.vd, 0, 64, reap_all, NULL), 0);
    CHECK_EQ(dev.active_num[0], 256);
    CHECK_EQ(dev.vd.queues[0].ring_order, 2);
    CHECK_EQ((uintptr_t)dev.vd.queues[0].ring & (PAGE_SIZE - 1), 0);
    CHECK_EQ((char *)dev.vd.queues[0].vq.used - (char *)dev.vd.queues[0].ring, 8192);
    teardown();
}

/* Posts, completes through the used ring, reaps in the worker's pass. */
static void test_completions(void)
{
    struct virtq_buf bufs[2] = {{0x1000, 16, false}, {0x2000, 100, true}};

    setup(true);
    dev.qsize[0] = 8;
    virtio_begin(&dev.vd);
    CHECK_EQ(virtio_negotiate(&dev.vd, 0), 0);
    CHECK_EQ(virtio_setup_queue(&dev.vd, 0, 8, reap_all, NULL), 0);
    dev.vd.config_change = on_config;
    CHECK_EQ(virtio_device_ready(&dev.vd), 0);
    struct virtio_queue *q = &dev.vd.queues[0];
    done_calls = reaped = config_calls = 0;

    for (int i = 0; i < 4; i++) {
        CHECK_EQ(virtio_queue_add(q, bufs, 2, &tok[i]), 0);
    }
    CHECK_EQ(dev.notifies[0], 4);
    /* Full: -EAGAIN, and the waiting form does not sleep once space is back. */
    CHECK_EQ(virtio_queue_add(q, bufs, 1, &tok[9]), -EAGAIN);
    CHECK_EQ(fake_vdev_complete_all(&dev, q), 4);
    virtio_interrupt(&dev.vd, false);
    CHECK(dev.vd.work_pending);
    virtio_do_work(&dev.vd);
    CHECK(!dev.vd.work_pending);
    CHECK_EQ(done_calls, 1);
    CHECK_EQ(reaped, 4);
    CHECK_EQ(last_len, 100);
    CHECK_EQ(config_calls, 0);
    CHECK_EQ(virtio_queue_add_wait(q, bufs, 2, &tok[5]), 0);

    /* The device asks for no kicks: none are sent. */
    q->vq.used->flags = VIRTQ_USED_F_NO_NOTIFY;
    CHECK_EQ(virtio_queue_add(q, bufs, 1, &tok[6]), 0);
    CHECK_EQ(dev.notifies[0], 5);

    virtio_interrupt(&dev.vd, true);
    CHECK_EQ(fake_vdev_complete_all(&dev, q), 2);
    virtio_do_work(&dev.vd);
    CHECK_EQ(reaped, 6);
    CHECK_EQ(config_calls, 1);
    CHECK(!dev.vd.failed);
    CHECK_EQ(virtq_check(&q->vq), VIRTQ_OK);
    CHECK_EQ(virtq_num_free(&q->vq), 8);
    teardown();
}

/* A done() that checks interrupts are off while it runs, reaps everything,
 * and on its first call lets the device complete the rest afterwards: the
 * completion lands after the driver's last look, before interrupts are back
 * on (and with them off, it raised none). */
static bool cb_off_in_done;
static bool race_once;
static void reap_then_race(struct virtio_queue *q)
{
    struct virtq *vq = &q->vq;
    cb_off_in_done &=
        !vq->cb_enabled && (vq->event_idx ? *vq->used_event == (u16)(vq->last_used - 1)
                                          : (vq->avail->flags & VIRTQ_AVAIL_F_NO_INTERRUPT));
    reap_all(q);
    if (race_once) {
        race_once = false;
        fake_vdev_complete_all(&dev, q);
    }
}

/* The worker: interrupts off around done(), on again after, and another
 * round when completions raced in, with and without EVENT_IDX; with it,
 * kicks follow avail_event. */
static void test_worker_race(void)
{
    struct virtq_buf b = {0x1000, 64, true};

    for (int ev = 0; ev < 2; ev++) {
        setup(true);
        dev.dev_features |= F(VIRTIO_RING_F_EVENT_IDX);
        virtio_begin(&dev.vd);
        CHECK_EQ(virtio_negotiate(&dev.vd, ev ? F(VIRTIO_RING_F_EVENT_IDX) : 0), 0);
        CHECK_EQ(virtio_has_feature(&dev.vd, VIRTIO_RING_F_EVENT_IDX), ev);
        CHECK_EQ(virtio_setup_queue(&dev.vd, 0, 16, reap_then_race, NULL), 0);
        CHECK_EQ(virtio_device_ready(&dev.vd), 0);
        struct virtio_queue *q = &dev.vd.queues[0];
        CHECK_EQ(q->vq.event_idx, ev);
        done_calls = reaped = 0;

        for (int i = 0; i < 4; i++) {
            CHECK_EQ(virtio_queue_add(q, &b, 1, &tok[i]), 0);
        }
        /* avail_event starts at 0: with EVENT_IDX only the first add kicks. */
        CHECK_EQ(dev.notifies[0], ev ? 1 : 4);
        CHECK_EQ(fake_vdev_complete_all(&dev, q), 4);
        for (int i = 4; i < 7; i++) {
            CHECK_EQ(virtio_queue_add(q, &b, 1, &tok[i]), 0);
        }
        cb_off_in_done = true;
        race_once = true;
        virtio_interrupt(&dev.vd, false);
        virtio_do_work(&dev.vd);
        CHECK(cb_off_in_done);
        CHECK_EQ(done_calls, 2); /* the raced completions: one more round */
        CHECK_EQ(reaped, 7);
        CHECK(q->vq.cb_enabled);
        if (ev) {
            CHECK_EQ(*q->vq.used_event, q->vq.last_used);
        } else {
            CHECK(!(q->vq.avail->flags & VIRTQ_AVAIL_F_NO_INTERRUPT));
        }
        CHECK(!dev.vd.failed);
        CHECK_EQ(virtq_num_free(&q->vq), 16);
        teardown();
    }
}

/* A device whose used index runs ahead of what is in flight: the device
 * fails with the ring's reason, done() runs once more, nothing crashes and
 * every later call says -EIO / NULL. */
static void test_used_index_jump(void)
{
    struct virtq_buf b = {0x1000, 64, true};

    setup(false);
    virtio_begin(&dev.vd);
    CHECK_EQ(virtio_negotiate(&dev.vd, 0), 0);
    CHECK_EQ(virtio_setup_queue(&dev.vd, 0, 256, reap_all, NULL), 0);
    CHECK_EQ(virtio_setup_queue(&dev.vd, 1, 256, reap_all, NULL), 0);
    CHECK_EQ(virtio_device_ready(&dev.vd), 0);
    struct virtio_queue *q = &dev.vd.queues[1];
    done_calls = reaped = 0;

    CHECK_EQ(virtio_queue_add(q, &b, 1, &tok[0]), 0);
    fake_vdev_jump_used(q, 5);
    virtio_interrupt(&dev.vd, false);
    virtio_do_work(&dev.vd);
    CHECK(dev.vd.failed);
    CHECK(strcmp(dev.vd.fail_reason, "queue 1: device used idx ran ahead") == 0);
    CHECK(strstr(fake_printk_last, "virtio: virtio7: queue 1: device used idx ran ahead"));
    CHECK(dev.status & VIRTIO_STATUS_FAILED);
    CHECK_EQ(reaped, 0);
    /* virtio_fail queued one more pass so drivers see the failure. */
    CHECK(dev.vd.work_pending);
    unsigned calls = done_calls;
    virtio_do_work(&dev.vd);
    CHECK_EQ(done_calls, calls + 2);
    CHECK(!dev.vd.work_pending);

    CHECK_EQ(virtio_queue_add(q, &b, 1, &tok[1]), -EIO);
    CHECK_EQ(virtio_queue_add_wait(q, &b, 1, &tok[1]), -EIO);
    CHECK_EQ(virtio_queue_add(&dev.vd.queues[0], &b, 1, &tok[1]), -EIO);
    CHECK(virtio_queue_get_used(q, NULL) == NULL);
    CHECK_EQ(virtio_negotiate(&dev.vd, 0), -EIO);
    teardown();
}

/* A completion naming a descriptor that is not an in-flight head. */
static void test_bad_used_id(void)
{
    struct virtq_buf b = {0x1000, 64, true};

    setup(true);
    virtio_begin(&dev.vd);
    CHECK_EQ(virtio_negotiate(&dev.vd, 0), 0);
    CHECK_EQ(virtio_setup_queue(&dev.vd, 0, 16, reap_all, NULL), 0);
    struct virtio_queue *q = &dev.vd.queues[0];
    CHECK_EQ(virtio_queue_add(q, &b, 1, &tok[0]), 0);
    q->vq.used->ring[0].id = 7;
    fake_vdev_jump_used(q, 1);
    CHECK(virtio_queue_get_used(q, NULL) == NULL);
    CHECK(dev.vd.failed);
    CHECK(strstr(dev.vd.fail_reason, "non-in-flight id") != NULL);
    teardown();
}

/* A waiter blocked for space is released by the failure (the fake's wake_up
 * is a no-op; the condition it would re-check must be true). */
/* The stall watch: a queue with buffers the device never completes, or
 * completions nobody reaps, is logged once after VIRTIO_STALL_NS with its
 * indices; progress re-arms it; a receive queue's idle buffers are not a
 * stall. Nothing is kicked or reaped by the watch itself. */
static void test_stall_watch(void)
{
    struct virtq_buf bufs[2] = {{0x1000, 16, false}, {0x2000, 100, true}};
    const u64 s = NSEC_PER_SEC;
    u64 t = 1000 * s;

    setup(true);
    dev.qsize[0] = dev.qsize[1] = 8;
    virtio_begin(&dev.vd);
    CHECK_EQ(virtio_negotiate(&dev.vd, 0), 0);
    CHECK_EQ(virtio_setup_queue(&dev.vd, 0, 8, reap_all, NULL), 0);
    CHECK_EQ(virtio_setup_queue(&dev.vd, 1, 8, reap_all, NULL), 0);
    CHECK_EQ(virtio_device_ready(&dev.vd), 0);
    struct virtio_queue *rx = &dev.vd.queues[0], *tx = &dev.vd.queues[1];
    rx->holds_buffers = true;
    done_calls = reaped = 0;

    /* Idle queues, then buffers on both: only tx is owed anything. */
    CHECK_EQ(virtio_watch(&dev.vd, t), 0);
    CHECK_EQ(virtio_queue_add(rx, bufs, 2, &tok[0]), 0);
    CHECK_EQ(virtio_queue_add(tx, bufs, 2, &tok[1]), 0);
    /* The clock runs from the last look that saw the queue idle. */
    unsigned long logged = fake_printk_count;
    CHECK_EQ(virtio_watch(&dev.vd, t += VIRTIO_STALL_NS - s), 0);
    /* Rate-limited: a second look within the period does nothing. */
    CHECK_EQ(virtio_watch(&dev.vd, t + s / 2), 0);
    CHECK_EQ(virtio_watch(&dev.vd, t += s), 1);
    CHECK_EQ(fake_printk_count, logged + 1);
    CHECK(strstr(fake_printk_last, "virtio: virtio7: queue 1 stalled: 0 completions unreaped, "
                                   "1 buffers not completed by the device, for 10 s (avail 1, "
                                   "used 0, reaped 0") != NULL);
    /* Once per stall, and the watch changed nothing. */
    CHECK_EQ(virtio_watch(&dev.vd, t += 30 * s), 0);
    CHECK_EQ(fake_printk_count, logged + 1);
    CHECK_EQ(tx->vq.avail_idx, 1);
    CHECK_EQ(dev.notifies[1], 1);

    /* The device completes (progress), but no interrupt comes: now the
     * completion waits unreaped, on tx and on rx alike. */
    CHECK_EQ(fake_vdev_complete_all(&dev, tx), 1);
    CHECK_EQ(fake_vdev_complete_all(&dev, rx), 1);
    CHECK_EQ(virtio_watch(&dev.vd, t += s), 0);
    CHECK_EQ(virtio_watch(&dev.vd, t += VIRTIO_STALL_NS), 2);
    CHECK(strstr(fake_printk_last, "queue 1 stalled: 1 completions unreaped, 0 buffers") != NULL);
    CHECK_EQ(reaped, 0);

    /* Reaped: quiet again, and a new stall would be logged anew. */
    virtio_interrupt(&dev.vd, false);
    virtio_do_work(&dev.vd);
    CHECK_EQ(reaped, 2);
    logged = fake_printk_count;
    CHECK_EQ(virtio_watch(&dev.vd, t += s), 0);
    CHECK_EQ(virtio_watch(&dev.vd, t += 60 * s), 0);
    CHECK_EQ(fake_printk_count, logged);
    teardown();
}

static void test_fail_releases_space_waiters(void)
{
    struct virtq_buf b = {0x1000, 64, true};

    setup(true);
    dev.qsize[0] = 2;
    virtio_begin(&dev.vd);
    CHECK_EQ(virtio_negotiate(&dev.vd, 0), 0);
    CHECK_EQ(virtio_setup_queue(&dev.vd, 0, 16, reap_all, NULL), 0);
    struct virtio_queue *q = &dev.vd.queues[0];
    CHECK_EQ(virtio_queue_add(q, &b, 1, &tok[0]), 0);
    CHECK_EQ(virtio_queue_add(q, &b, 1, &tok[1]), 0);
    CHECK_EQ(virtio_queue_add(q, &b, 1, &tok[2]), -EAGAIN);
    CHECK_EQ(virtio_queue_add(q, &b, 3, &tok[2]), -EINVAL); /* never fits */
    virtio_fail(&dev.vd, "test failure");
    CHECK_EQ(virtio_queue_add_wait(q, &b, 1, &tok[2]), -EIO);
    teardown();
}

int main(void)
{
    fake_pages_init(ARENA_PAGES);
    RUN(test_handshake_order_modern);
    RUN(test_handshake_order_legacy);
    RUN(test_unsupported_features_dropped);
    RUN(test_version1_required);
    RUN(test_features_refused);
    RUN(test_zero_sized_queue);
    RUN(test_non_power_of_two_queue);
    RUN(test_activation_refused);
    RUN(test_out_of_memory);
    RUN(test_queue_sizes);
    RUN(test_completions);
    RUN(test_worker_race);
    RUN(test_used_index_jump);
    RUN(test_bad_used_id);
    RUN(test_fail_releases_space_waiters);
    RUN(test_stall_watch);
    teardown();
    u64 left = pages_free();
    fake_pages_fini();
    printf("  %llu of %d pages free at the end\n", (unsigned long long)left, ARENA_PAGES);
    HARNESS_EXIT();
}
