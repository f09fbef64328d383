// SPDX-License-Identifier: MIT
/* Self-test of the virtio-pci transports end to end, on a virtio entropy
 * device (QEMU -device virtio-rng-pci), which nothing else drives: the
 * handshake, a queue activated on the chosen transport, notifications,
 * and completions that only an interrupt (MSI-X or INTx) can deliver to
 * the worker thread. Passes without testing anything when there is no
 * such device. */
#include "virtio_pci_internal.h"

#include <abi/errno.h>
#include <arch/x86_64/memlayout.h>
#include <kernel/page_alloc.h>
#include <kernel/printk.h>
#include <kernel/selftest.h>
#include <kernel/string.h>
#include <kernel/wait.h>

#define VIRTIO_ID_ENTROPY 4
#define RNG_CHUNK 64
#define RNG_BUFS 20
#define RNG_TIMEOUT_NS 5000000000ull

struct rng_test {
    struct wait_queue wq;
    volatile unsigned got;
    volatile unsigned bad_len;
};

static void rng_done(struct virtio_queue *q)
{
    struct rng_test *t = q->priv;
    u32 len;

    while (virtio_queue_get_used(q, &len)) {
        if (len == 0 || len > RNG_CHUNK) {
            t->bad_len++;
        }
        t->got++;
    }
    wake_up(&t->wq);
}

SELFTEST(virtio_pci_entropy)
{
    static struct rng_test t;
    static char tokens[RNG_BUFS];
    struct virtio_pci *vp = virtio_pci_unbound(VIRTIO_ID_ENTROPY);

    if (!vp) {
        printk(LOG_INFO, "virtio_pci_entropy: no virtio entropy device, nothing to test\n");
        return 0;
    }
    struct virtio_device *vd = &vp->vd;
    wait_queue_init(&t.wq);
    t.got = 0;
    t.bad_len = 0;

    virtio_pci_begin(vp);
    ST_CHECK(virtio_negotiate(vd, 0) == 0, "negotiate: %s", vd->fail_msg);
    ST_CHECK(virtio_setup_queue(vd, 0, 64, rng_done, &t) == 0, "setup_queue: %s", vd->fail_msg);
    ST_CHECK(virtio_device_ready(vd) == 0, "ready: %s", vd->fail_msg);
    struct virtio_queue *q = &vd->queues[0];

    u8 *buf = page_alloc(0);
    ST_CHECK(buf != NULL, "out of memory");
    memset(buf, 0, PAGE_SIZE);
    /* One request alone, then the rest at once (more than the queue
     * may hold: add_wait sleeps until completions free descriptors). */
    for (unsigned i = 0; i < RNG_BUFS; i++) {
        struct virtq_buf b = {virt_to_phys(buf + i * RNG_CHUNK), RNG_CHUNK, true};
        int rc = virtio_queue_add_wait(q, &b, 1, &tokens[i]);
        ST_CHECK(rc == 0, "add %u: %d", i, rc);
        if (i == 0) {
            wait_event_timeout(t.wq, t.got >= 1 || vd->failed, RNG_TIMEOUT_NS);
            ST_CHECK(t.got == 1, "first request: no completion (%s)",
                     vd->failed ? vd->fail_msg : "no interrupt?");
        }
    }
    wait_event_timeout(t.wq, t.got >= RNG_BUFS || vd->failed, RNG_TIMEOUT_NS);
    ST_CHECK(!vd->failed, "device failed: %s", vd->fail_msg);
    ST_CHECK(t.got == RNG_BUFS, "%u of %u completions", t.got, RNG_BUFS);
    ST_CHECK(t.bad_len == 0, "%u completions with a bad length", t.bad_len);
    unsigned zero = 0;
    for (unsigned i = 0; i < RNG_BUFS * RNG_CHUNK; i++) {
        zero += buf[i] == 0;
    }
    ST_CHECK(zero < RNG_BUFS * RNG_CHUNK / 8, "%u of %u random bytes are zero", zero,
             RNG_BUFS * RNG_CHUNK);
    ST_CHECK(virtq_check(&q->vq) == VIRTQ_OK, "virtq_check: %s",
             virtq_fault_str(virtq_check(&q->vq)));
    printk(LOG_INFO,
           "virtio_pci_entropy: %s: %u requests over the %s transport with %s (queue %u)\n",
           vd->name, t.got, vd->ops->name, vp->msix ? "MSI-X" : "INTx", q->vq.num);
    /* Quiet again; the ring stays allocated (the device owns nothing). */
    vd->ops->reset(vd);
    page_free(buf, 0);
    return 0;
}
