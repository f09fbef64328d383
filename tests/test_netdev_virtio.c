// SPDX-License-Identifier: MIT
/* drivers/net/virtio_net.c over the virtio core and a simulated device
 * (tests/fakes/virtio_fake_transport.c): feature choice, header size and
 * chain layout per transport, receive delivery and buffer recycling, bad
 * lengths, transmit padding, the transmit pool running dry and refilling,
 * link changes and a device that breaks its ring. The simulated device
 * reads chains through the descriptor table, as a real one would. */
#include <abi/errno.h>
#include <arch/x86_64/memlayout.h>
#include <drivers/virtio_dev.h>
#include <fs/pseudo.h>
#include <kernel/metrics.h>
#include <net/netdev.h>
#include <stdarg.h>
#include <string.h>

#include "fakes/page_alloc_fake.h"
#include "fakes/printk_fake.h"
#include "fakes/virtio_fake_transport.h"
#include "harness.h"

HARNESS("test_netdev_virtio");

#define F(bit) (1ull << (bit))
#define NET_F_CSUM 0
#define NET_F_MTU 3
#define NET_F_MAC 5
#define NET_F_MRG_RXBUF 15
#define NET_F_STATUS 16
#define NET_F_CTRL_VQ 17

/* ---- services netdev.c needs that the shared fakes lack ---- */

int seq_buf_printf(struct seq_buf *s, const char *fmt, ...)
{
    (void)s;
    (void)fmt;
    return 0;
}

static void core_collect(struct metrics_out *out)
{
    (void)out;
}
struct metrics_provider metrics_core_provider = {"core", core_collect, NULL};

void get_random_bytes(void *buf, size_t len)
{
    memset(buf, 0xff, len);
}

/* ---- the simulated device's side of the rings ---- */

static struct fake_vdev devs[4];

static struct virtio_queue *queue(struct fake_vdev *f, unsigned i)
{
    return &f->vd.queues[i];
}

static u16 avail_pending(struct fake_vdev *f, unsigned i)
{
    struct virtq *vq = &queue(f, i)->vq;
    return (u16)(vq->avail->idx - f->last_avail[i]);
}

/* The next available chain of queue i: its head and up to 4 descriptors. */
static unsigned next_chain(struct fake_vdev *f, unsigned i, u16 *head, struct vring_desc *d)
{
    struct virtq *vq = &queue(f, i)->vq;
    *head = vq->avail->ring[f->last_avail[i] & (vq->num - 1)];
    unsigned n = 0;
    for (u16 x = *head; n < 4;) {
        d[n++] = vq->desc[x];
        if (!(vq->desc[x].flags & VIRTQ_DESC_F_NEXT)) {
            break;
        }
        x = vq->desc[x].next;
    }
    return n;
}

static void complete(struct fake_vdev *f, unsigned i, u16 head, u32 len)
{
    struct virtq *vq = &queue(f, i)->vq;
    u16 idx = vq->used->idx;
    vq->used->ring[idx & (vq->num - 1)].id = head;
    vq->used->ring[idx & (vq->num - 1)].len = len;
    __atomic_store_n(&vq->used->idx, (u16)(idx + 1), __ATOMIC_RELEASE);
    f->last_avail[i]++;
}

static unsigned hdr_len_seen;

/* Receives frame (len bytes) into the next receive buffer; used length
 * used_len, or the honest one when 0. Returns false if the chain was not
 * header + frame, both device-writable. */
static bool sim_rx(struct fake_vdev *f, const void *frame, size_t len, u32 used_len)
{
    u16 head;
    struct vring_desc d[4];
    if (avail_pending(f, 0) == 0 || next_chain(f, 0, &head, d) != 2) {
        return false;
    }
    if (!(d[0].flags & VIRTQ_DESC_F_WRITE) || !(d[1].flags & VIRTQ_DESC_F_WRITE) ||
        d[1].len < ETH_FRAME_LEN) {
        return false;
    }
    hdr_len_seen = d[0].len;
    memset(phys_to_virt(d[0].addr), 0, d[0].len);
    memcpy(phys_to_virt(d[1].addr), frame, len);
    complete(f, 0, head, used_len ? used_len : d[0].len + (u32)len);
    return true;
}

static unsigned char tx_seen[ETH_FRAME_LEN];
static size_t tx_seen_len;
static bool tx_hdr_zero;

/* Consumes one transmit chain (without completing it); false if it is not
 * header + frame, both device-readable. */
static bool sim_tx_peek(struct fake_vdev *f, u16 *head)
{
    struct vring_desc d[4];
    if (avail_pending(f, 1) == 0 || next_chain(f, 1, head, d) != 2) {
        return false;
    }
    if ((d[0].flags & VIRTQ_DESC_F_WRITE) || (d[1].flags & VIRTQ_DESC_F_WRITE)) {
        return false;
    }
    hdr_len_seen = d[0].len;
    const unsigned char *h = phys_to_virt(d[0].addr);
    tx_hdr_zero = true;
    for (unsigned k = 0; k < d[0].len; k++) {
        tx_hdr_zero &= h[k] == 0;
    }
    tx_seen_len = d[1].len;
    memcpy(tx_seen, phys_to_virt(d[1].addr), d[1].len);
    return true;
}

static bool sim_tx_one(struct fake_vdev *f)
{
    u16 head;
    if (!sim_tx_peek(f, &head)) {
        return false;
    }
    complete(f, 1, head, 0);
    return true;
}

static void set_mac(struct fake_vdev *f, const unsigned char *mac)
{
    memcpy(f->config, mac, ETH_ALEN);
}

static const unsigned char mac0[ETH_ALEN] = {0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc};
static const unsigned char mac1[ETH_ALEN] = {0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcd};

static void new_dev(struct fake_vdev *f, bool modern, const char *name, u64 features)
{
    fake_vdev_init(f, modern, name);
    f->dev_features = features;
    f->qsize[0] = f->qsize[1] = f->qsize[2] = 256;
    f->config[6] = 1; /* link up */
}

/* ---- receive handler ---- */

static unsigned rx_calls;
static size_t rx_len;
static unsigned char rx_frame[ETH_FRAME_LEN];

static void on_rx(struct net_device *nd, const void *frame, size_t len, void *ctx)
{
    (void)nd;
    (void)ctx;
    rx_calls++;
    rx_len = len;
    memcpy(rx_frame, frame, len);
}

static struct net_device *eth0;

static void test_probe_modern(void)
{
    struct fake_vdev *f = &devs[0];
    new_dev(f, true, "virtio0",
            F(VIRTIO_F_VERSION_1) | F(NET_F_CSUM) | F(NET_F_MTU) | F(NET_F_MAC) |
                F(NET_F_MRG_RXBUF) | F(NET_F_STATUS) | F(NET_F_CTRL_VQ) |
                F(VIRTIO_RING_F_EVENT_IDX));
    set_mac(f, mac0);
    f->config[10] = 1500 & 0xff;
    f->config[11] = 1500 >> 8;
    CHECK_EQ(virtio_net_driver.device_type, VIRTIO_ID_NET);
    CHECK_EQ(virtio_net_driver.probe(&f->vd), 0);
    CHECK(!f->vd.failed);
    CHECK_EQ(f->driver_features, F(VIRTIO_F_VERSION_1) | F(NET_F_MTU) | F(NET_F_MAC) |
                                     F(NET_F_STATUS) | F(VIRTIO_RING_F_EVENT_IDX));
    CHECK(f->vd.queues[0].vq.event_idx && f->vd.queues[1].vq.event_idx);
    CHECK(f->status & VIRTIO_STATUS_DRIVER_OK);
    CHECK(strstr(fake_printk_last,
                 "eth0: virtio-net at virtio0 (modern), MAC 52:54:00:aa:bb:cc, link up, mtu 1500"));
    eth0 = netdev_by_name("eth0");
    CHECK(eth0 != NULL);
    CHECK(memcmp(eth0->mac, mac0, ETH_ALEN) == 0);
    CHECK(eth0->link_up);
    /* Every receive descriptor is posted, two per buffer. */
    CHECK_EQ(avail_pending(f, 0), 128);
    CHECK_EQ(virtq_num_free(&queue(f, 0)->vq), 0);
    CHECK_EQ(avail_pending(f, 1), 0);
}

static void test_rx_delivers_and_recycles(void)
{
    struct fake_vdev *f = &devs[0];
    unsigned char frame[ETH_FRAME_LEN];
    struct net_device_stats st;
    netdev_set_rx_handler(eth0, on_rx, NULL);
    for (unsigned i = 0; i < sizeof(frame); i++) {
        frame[i] = (unsigned char)(i * 7 + 3);
    }
    CHECK(sim_rx(f, frame, 100, 0));
    CHECK_EQ(hdr_len_seen, 12);
    virtio_do_work(&f->vd);
    CHECK_EQ(rx_calls, 1);
    CHECK_EQ(rx_len, 100);
    CHECK(memcmp(rx_frame, frame, 100) == 0);
    CHECK_EQ(avail_pending(f, 0), 128); /* re-posted at once */
    /* Many ring-fulls: buffers come back every time. */
    for (unsigned i = 0; i < 1000; i++) {
        size_t len = ETH_HLEN + (i * 37) % (ETH_FRAME_LEN - ETH_HLEN + 1);
        frame[0] = (unsigned char)i;
        CHECK(sim_rx(f, frame, len, 0));
        if (i % 50 == 49) {
            virtio_do_work(&f->vd);
            CHECK_EQ(avail_pending(f, 0), 128);
        }
    }
    virtio_do_work(&f->vd);
    CHECK_EQ(rx_calls, 1001);
    CHECK_EQ(rx_len, ETH_HLEN + (999 * 37) % (ETH_FRAME_LEN - ETH_HLEN + 1));
    CHECK_EQ(rx_frame[0], (unsigned char)999);
    CHECK_EQ(avail_pending(f, 0), 128);
    CHECK_EQ(virtio_queue_get_used(queue(f, 0), &(u32){0}), NULL);
    netdev_get_stats(eth0, &st);
    CHECK_EQ(st.rx_packets, 1001);
    CHECK_EQ(st.rx_errors, 0);
}

static void test_rx_bad_lengths(void)
{
    struct fake_vdev *f = &devs[0];
    unsigned char frame[64] = {0};
    struct net_device_stats st;
    unsigned calls = rx_calls;
    CHECK(sim_rx(f, frame, 64, 12 + ETH_HLEN - 1)); /* shorter than a header */
    CHECK(sim_rx(f, frame, 64, 5)); /* not even the virtio header */
    CHECK(sim_rx(f, frame, 64, 12 + ETH_FRAME_LEN + 1)); /* more than the buffer */
    CHECK(sim_rx(f, frame, 64, 12 + ETH_HLEN)); /* smallest acceptable */
    virtio_do_work(&f->vd);
    CHECK_EQ(rx_calls, calls + 1);
    CHECK_EQ(rx_len, ETH_HLEN);
    netdev_get_stats(eth0, &st);
    CHECK_EQ(st.rx_errors, 3);
    CHECK_EQ(avail_pending(f, 0), 128);
    CHECK(!f->vd.failed);
    CHECK(strstr(fake_printk_last, "eth0: rx: bad length"));
}

static void test_tx_pads_and_pool(void)
{
    struct fake_vdev *f = &devs[0];
    unsigned char frame[ETH_FRAME_LEN];
    memset(frame, 0xee, sizeof(frame));
    CHECK_EQ(netdev_xmit(eth0, frame, 42), 0);
    CHECK(sim_tx_one(f));
    CHECK_EQ(hdr_len_seen, 12);
    CHECK(tx_hdr_zero);
    CHECK_EQ(tx_seen_len, ETH_ZLEN);
    CHECK(tx_seen[41] == 0xee && tx_seen[42] == 0 && tx_seen[59] == 0);
    virtio_do_work(&f->vd);
    /* 128 buffers of two descriptors fill the ring. */
    for (unsigned i = 0; i < 128; i++) {
        frame[0] = (unsigned char)i;
        CHECK_EQ(netdev_xmit(eth0, frame, 1000), 0);
    }
    CHECK(!eth0->ops->tx_ready(eth0));
    CHECK_EQ(netdev_xmit(eth0, frame, 1000), -EAGAIN);
    CHECK(sim_tx_one(f));
    CHECK_EQ(tx_seen_len, 1000);
    CHECK_EQ(tx_seen[0], 0);
    /* Before the interrupt's work runs, xmit reclaims the completion itself. */
    CHECK_EQ(netdev_xmit(eth0, frame, ETH_FRAME_LEN), 0);
    CHECK_EQ(netdev_xmit(eth0, frame, 1000), -EAGAIN);
    unsigned done = 0;
    while (sim_tx_one(f)) {
        done++;
    }
    CHECK_EQ(done, 128);
    CHECK_EQ(tx_seen_len, ETH_FRAME_LEN);
    virtio_do_work(&f->vd);
    CHECK(eth0->ops->tx_ready(eth0));
    CHECK_EQ(virtq_num_free(&queue(f, 1)->vq), 256);
    struct net_device_stats st;
    netdev_get_stats(eth0, &st);
    CHECK_EQ(st.tx_packets, 130);
    CHECK_EQ(st.tx_dropped, 2);
    CHECK_EQ(st.tx_bytes, 60 + 128 * 1000 + ETH_FRAME_LEN);
}

static void test_link_change(void)
{
    struct fake_vdev *f = &devs[0];
    unsigned char frame[64] = {0};
    f->config[6] = 0;
    virtio_interrupt(&f->vd, true);
    virtio_do_work(&f->vd);
    CHECK(!eth0->link_up);
    CHECK(strstr(fake_printk_last, "eth0: link down"));
    CHECK_EQ(netdev_xmit(eth0, frame, 64), -ENETDOWN);
    f->config[6] = 1;
    virtio_interrupt(&f->vd, true);
    virtio_do_work(&f->vd);
    CHECK(eth0->link_up);
    CHECK(strstr(fake_printk_last, "eth0: link up"));
    CHECK_EQ(netdev_xmit(eth0, frame, 64), 0);
    CHECK(sim_tx_one(f));
    virtio_do_work(&f->vd);
}

static void test_probe_legacy(void)
{
    struct fake_vdev *f = &devs[1];
    unsigned char frame[ETH_FRAME_LEN];
    new_dev(f, false, "virtio1", F(NET_F_MAC) | F(NET_F_STATUS) | F(NET_F_MRG_RXBUF));
    set_mac(f, mac1);
    CHECK_EQ(virtio_net_driver.probe(&f->vd), 0);
    CHECK_EQ(f->driver_features, F(NET_F_MAC) | F(NET_F_STATUS));
    CHECK(strstr(fake_printk_last,
                 "eth1: virtio-net at virtio1 (legacy), MAC 52:54:00:aa:bb:cd, link up, mtu 1500"));
    struct net_device *nd = netdev_by_name("eth1");
    CHECK(nd != NULL);
    netdev_set_rx_handler(nd, on_rx, NULL);
    memset(frame, 0x5a, sizeof(frame));
    CHECK(sim_rx(f, frame, ETH_FRAME_LEN, 0));
    CHECK_EQ(hdr_len_seen, 10);
    virtio_do_work(&f->vd);
    CHECK_EQ(rx_len, ETH_FRAME_LEN);
    CHECK(memcmp(rx_frame, frame, ETH_FRAME_LEN) == 0);
    CHECK_EQ(netdev_xmit(nd, frame, 200), 0);
    CHECK(sim_tx_one(f));
    CHECK_EQ(hdr_len_seen, 10);
    CHECK_EQ(tx_seen_len, 200);
}

static void test_no_mac_no_status_big_mtu(void)
{
    struct fake_vdev *f = &devs[2];
    new_dev(f, true, "virtio2", F(VIRTIO_F_VERSION_1) | F(NET_F_MTU));
    f->config[6] = 0; /* ignored without STATUS: the link is up */
    f->config[10] = 9000 & 0xff; /* too big for our buffers: not taken */
    f->config[11] = 9000 >> 8;
    CHECK_EQ(virtio_net_driver.probe(&f->vd), 0);
    CHECK_EQ(f->driver_features, F(VIRTIO_F_VERSION_1));
    struct net_device *nd = netdev_by_name("eth2");
    CHECK(nd != NULL);
    CHECK(nd->link_up);
    CHECK_EQ(nd->mtu, 1500);
    CHECK((nd->mac[0] & 1) == 0); /* unicast */
    CHECK((nd->mac[0] & 2) == 2); /* locally administered */
}

static void test_broken_device(void)
{
    struct fake_vdev *f = &devs[0];
    unsigned char frame[64] = {0};
    fake_vdev_jump_used(queue(f, 0), 200); /* more than in flight */
    virtio_do_work(&f->vd);
    CHECK(f->vd.failed);
    CHECK(f->status & VIRTIO_STATUS_FAILED);
    CHECK_EQ(netdev_xmit(eth0, frame, 64), -EIO);
    CHECK(eth0->ops->tx_ready(eth0)); /* waiters wake and see -EIO */
    virtio_do_work(&f->vd);
}

static void test_setup_failure(void)
{
    struct fake_vdev *f = &devs[3];
    unsigned before = netdev_count();
    new_dev(f, true, "virtio3", F(VIRTIO_F_VERSION_1) | F(NET_F_MAC));
    f->qsize[1] = 0; /* no transmit queue */
    CHECK(virtio_net_driver.probe(&f->vd) < 0);
    CHECK(f->vd.failed);
    CHECK_EQ(netdev_count(), before);
}

int main(void)
{
    fake_pages_init(2048);
    RUN(test_probe_modern);
    RUN(test_rx_delivers_and_recycles);
    RUN(test_rx_bad_lengths);
    RUN(test_tx_pads_and_pool);
    RUN(test_link_change);
    RUN(test_probe_legacy);
    RUN(test_no_mac_no_status_big_mtu);
    RUN(test_broken_device);
    RUN(test_setup_failure);
    fake_pages_fini();
    HARNESS_EXIT();
}
