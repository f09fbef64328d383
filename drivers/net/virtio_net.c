// SPDX-License-Identifier: MIT
/* virtio-net (virtio 1.x section 5.1, and the legacy interface): one
 * receive and one transmit queue, no offloads, no control queue.
 *
 * Every buffer is a two-descriptor chain: the virtio_net_hdr, then the
 * frame. Legacy devices without VIRTIO_F_ANY_LAYOUT need the header in a
 * descriptor of its own; modern ones accept it too. The header is 12 bytes
 * with VIRTIO_F_VERSION_1 (num_buffers is always there) and 10 bytes on a
 * legacy device without VIRTIO_NET_F_MRG_RXBUF.
 *
 * Buffers live two per page (header at 0, frame at 16 of each 2 KiB half),
 * so a frame never crosses a page and its physical address is that of the
 * page plus the offset. Receive buffers are posted once and re-posted as
 * soon as their frame is delivered; transmit buffers come from a free list
 * sized so that a free buffer always finds two free descriptors. */
#include <abi/errno.h>
#include <arch/x86_64/memlayout.h>
#include <drivers/virtio_dev.h>
#include <kernel/kmalloc.h>
#include <kernel/page_alloc.h>
#include <kernel/printk.h>
#include <kernel/random.h>
#include <kernel/string.h>
#include <kernel/wait.h>
#include <net/netdev.h>

/* Feature bits (5.1.3). */
#define VIRTIO_NET_F_MTU 3
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_STATUS 16

/* Configuration layout (5.1.4). */
#define VIRTIO_NET_CFG_MAC 0
#define VIRTIO_NET_CFG_STATUS 6
#define VIRTIO_NET_CFG_MTU 10
#define VIRTIO_NET_S_LINK_UP 1

#define VNET_QUEUE_MAX 256
#define VNET_RXQ 0
#define VNET_TXQ 1
#define VNET_HDR_MODERN 12
#define VNET_HDR_LEGACY 10
#define VNET_BUF_SIZE 2048
#define VNET_FRAME_OFF 16
#define VNET_RX_ERR_LOG_MAX 5

struct vnet_buf {
    u8 *hdr;
    u8 *frame;
    phys_addr_t hdr_phys, frame_phys;
    struct vnet_buf *next_free; /* transmit free list */
};

struct vnet {
    struct virtio_device *vd;
    struct net_device nd;
    unsigned hdr_len;
    struct virtio_queue *rxq, *txq;

    struct vnet_buf *rx, *tx;
    unsigned nrx, ntx;
    void **pages; /* every buffer page, for freeing on a failed probe */
    unsigned npages;

    spinlock_t tx_lock; /* tx_free */
    struct vnet_buf *tx_free;
    unsigned tx_free_count;
    struct wait_queue tx_wq;
    unsigned rx_bad_logged;
};

static bool vnet_owns(const struct vnet_buf *set, unsigned n, const struct vnet_buf *b)
{
    return b >= set && b < set + n;
}

static void tx_put(struct vnet *vn, struct vnet_buf *b)
{
    u64 flags = spin_lock_irqsave(&vn->tx_lock);
    b->next_free = vn->tx_free;
    vn->tx_free = b;
    vn->tx_free_count++;
    spin_unlock_irqrestore(&vn->tx_lock, flags);
}

static struct vnet_buf *tx_get(struct vnet *vn)
{
    u64 flags = spin_lock_irqsave(&vn->tx_lock);
    struct vnet_buf *b = vn->tx_free;
    if (b) {
        vn->tx_free = b->next_free;
        vn->tx_free_count--;
    }
    spin_unlock_irqrestore(&vn->tx_lock, flags);
    return b;
}

/* Returns completed transmit buffers to the pool; how many. */
static unsigned tx_reclaim(struct vnet *vn)
{
    unsigned n = 0;
    struct vnet_buf *b;
    u32 len;
    while ((b = virtio_queue_get_used(vn->txq, &len))) {
        if (!vnet_owns(vn->tx, vn->ntx, b)) {
            virtio_fail(vn->vd, "tx: completion of an unknown buffer");
            break;
        }
        tx_put(vn, b);
        n++;
    }
    return n;
}

static void tx_done(struct virtio_queue *q)
{
    struct vnet *vn = q->priv;
    /* A failed device wakes its waiters: xmit now says -EIO. */
    if (tx_reclaim(vn) || vn->vd->failed) {
        wake_up(&vn->tx_wq);
    }
}

static int vnet_xmit(struct net_device *nd, const void *frame, size_t len)
{
    struct vnet *vn = nd->priv;
    if (vn->vd->failed) {
        return -EIO;
    }
    if (!nd->link_up) {
        return -ENETDOWN;
    }
    struct vnet_buf *b = tx_get(vn);
    if (!b && tx_reclaim(vn)) {
        b = tx_get(vn);
    }
    if (!b) {
        return -EAGAIN;
    }
    memset(b->hdr, 0, vn->hdr_len);
    memcpy(b->frame, frame, len);
    if (len < ETH_ZLEN) {
        memset(b->frame + len, 0, ETH_ZLEN - len);
        len = ETH_ZLEN;
    }
    struct virtq_buf bufs[2] = {
        {b->hdr_phys, vn->hdr_len, false},
        {b->frame_phys, (u32)len, false},
    };
    int r = virtio_queue_add(vn->txq, bufs, 2, b);
    if (r < 0) {
        tx_put(vn, b);
        return r == -EAGAIN ? -EAGAIN : -EIO;
    }
    return 0;
}

static bool vnet_tx_ready(struct net_device *nd)
{
    struct vnet *vn = nd->priv;
    return __atomic_load_n(&vn->tx_free_count, __ATOMIC_ACQUIRE) > 0 || vn->vd->failed ||
           !nd->link_up;
}

static const struct net_device_ops vnet_ops = {vnet_xmit, vnet_tx_ready};

static int rx_post(struct vnet *vn, struct vnet_buf *b)
{
    struct virtq_buf bufs[2] = {
        {b->hdr_phys, vn->hdr_len, true},
        {b->frame_phys, ETH_FRAME_LEN, true},
    };
    return virtio_queue_add(vn->rxq, bufs, 2, b);
}

static void rx_done(struct virtio_queue *q)
{
    struct vnet *vn = q->priv;
    struct vnet_buf *b;
    u32 len;
    while ((b = virtio_queue_get_used(q, &len))) {
        if (!vnet_owns(vn->rx, vn->nrx, b)) {
            virtio_fail(vn->vd, "rx: completion of an unknown buffer");
            return;
        }
        if (len < vn->hdr_len + ETH_HLEN || len > vn->hdr_len + ETH_FRAME_LEN) {
            if (vn->rx_bad_logged < VNET_RX_ERR_LOG_MAX) {
                vn->rx_bad_logged++;
                pr_warn("%s: rx: bad length %u from the device, frame dropped\n", vn->nd.name, len);
            }
            netdev_count_rx_error(&vn->nd);
        } else {
            netdev_receive(&vn->nd, b->frame, len - vn->hdr_len);
        }
        if (rx_post(vn, b) < 0) {
            /* The queue or device failed; it was logged. */
            return;
        }
    }
}

static void read_link(struct vnet *vn)
{
    struct virtio_device *vd = vn->vd;
    bool up = true;
    if (virtio_has_feature(vd, VIRTIO_NET_F_STATUS)) {
        up = vd->ops->config_read16(vd, VIRTIO_NET_CFG_STATUS) & VIRTIO_NET_S_LINK_UP;
    }
    netdev_set_link(&vn->nd, up);
}

static void vnet_config_change(struct virtio_device *vd)
{
    read_link(vd->priv);
}

/* Splits npages pages into buffers for set[0..n). */
static int alloc_bufs(struct vnet *vn, struct vnet_buf *set, unsigned n)
{
    for (unsigned i = 0; i < n; i += 2) {
        u8 *page = page_alloc(0);
        if (!page) {
            return -ENOMEM;
        }
        vn->pages[vn->npages++] = page;
        for (unsigned j = 0; j < 2 && i + j < n; j++) {
            struct vnet_buf *b = &set[i + j];
            b->hdr = page + j * VNET_BUF_SIZE;
            b->frame = b->hdr + VNET_FRAME_OFF;
            b->hdr_phys = virt_to_phys(b->hdr);
            b->frame_phys = virt_to_phys(b->frame);
        }
    }
    return 0;
}

static void free_vnet(struct vnet *vn)
{
    for (unsigned i = 0; i < vn->npages; i++) {
        page_free(vn->pages[i], 0);
    }
    kfree(vn->pages);
    kfree(vn->rx);
    kfree(vn->tx);
    kfree(vn);
}

static u64 wanted_features(struct virtio_device *vd)
{
    u64 want = (1ull << VIRTIO_NET_F_MAC) | (1ull << VIRTIO_NET_F_STATUS) |
               (1ull << VIRTIO_RING_F_EVENT_IDX);
    /* The MTU is only taken when our 1514-byte buffers fit it: a driver
     * that negotiates it must receive frames of that size. */
    u64 offered = vd->ops->get_features(vd);
    if ((offered >> VIRTIO_NET_F_MTU) & 1) {
        u16 mtu = vd->ops->config_read16(vd, VIRTIO_NET_CFG_MTU);
        if (mtu >= 68 && mtu <= ETH_DATA_LEN) {
            want |= 1ull << VIRTIO_NET_F_MTU;
        }
    }
    return want;
}

/* The interface: operations, MAC address (the device's, else a random
 * one) and MTU. */
static void init_netdev(struct vnet *vn)
{
    struct virtio_device *vd = vn->vd;
    struct net_device *nd = &vn->nd;

    nd->ops = &vnet_ops;
    nd->priv = vn;
    nd->tx_wq = &vn->tx_wq;
    nd->mtu = ETH_DATA_LEN;
    if (virtio_has_feature(vd, VIRTIO_NET_F_MAC)) {
        for (unsigned i = 0; i < ETH_ALEN; i++) {
            nd->mac[i] = vd->ops->config_read8(vd, VIRTIO_NET_CFG_MAC + i);
        }
    } else {
        get_random_bytes(nd->mac, ETH_ALEN);
        nd->mac[0] = (nd->mac[0] & 0xfe) | 0x02; /* unicast, locally administered */
    }
    if (virtio_has_feature(vd, VIRTIO_NET_F_MTU)) {
        nd->mtu = vd->ops->config_read16(vd, VIRTIO_NET_CFG_MTU);
    }
}

static int setup_queues(struct vnet *vn)
{
    struct virtio_device *vd = vn->vd;
    int r;

    r = virtio_setup_queue(vd, VNET_RXQ, VNET_QUEUE_MAX, rx_done, vn);
    if (r < 0) {
        return r;
    }
    r = virtio_setup_queue(vd, VNET_TXQ, VNET_QUEUE_MAX, tx_done, vn);
    if (r < 0) {
        return r;
    }
    vn->rxq = &vd->queues[VNET_RXQ];
    vn->txq = &vd->queues[VNET_TXQ];
    /* Receive buffers wait for frames: only the transmit queue owes us. */
    vn->rxq->holds_buffers = true;
    return 0;
}

/* Half a queue's worth of buffers for each queue; the transmit ones go on
 * the free list. */
static int setup_buffers(struct vnet *vn)
{
    struct virtio_device *vd = vn->vd;

    /* Two descriptors per buffer. */
    vn->nrx = vn->rxq->vq.num / 2;
    vn->ntx = vn->txq->vq.num / 2;
    if (vn->nrx == 0 || vn->ntx == 0) {
        virtio_fail(vd, "virtio-net: queues too small for two-descriptor chains");
        return -ENODEV;
    }
    vn->rx = kzalloc(vn->nrx * sizeof(*vn->rx));
    vn->tx = kzalloc(vn->ntx * sizeof(*vn->tx));
    vn->pages = kzalloc(((vn->nrx + 1) / 2 + (vn->ntx + 1) / 2) * sizeof(void *));
    if (!vn->rx || !vn->tx || !vn->pages || alloc_bufs(vn, vn->rx, vn->nrx) < 0 ||
        alloc_bufs(vn, vn->tx, vn->ntx) < 0) {
        virtio_fail(vd, "virtio-net: out of memory for buffers");
        return -ENOMEM;
    }
    for (unsigned i = 0; i < vn->ntx; i++) {
        tx_put(vn, &vn->tx[i]);
    }
    return 0;
}

/* Forgets the queues' callbacks; the core keeps the rings of a failed
 * device. */
static void detach_queues(struct virtio_device *vd)
{
    for (unsigned i = 0; vd->queues && i < vd->nqueues; i++) {
        vd->queues[i].done = NULL;
        vd->queues[i].priv = NULL;
    }
}

/* Posts the receive buffers and sets the device going. On failure the
 * device may own buffers: they stay allocated, and the interface stays
 * registered (its xmit returns -EIO). */
static int start_device(struct vnet *vn)
{
    struct virtio_device *vd = vn->vd;
    struct net_device *nd = &vn->nd;
    int r;

    for (unsigned i = 0; i < vn->nrx; i++) {
        r = rx_post(vn, &vn->rx[i]);
        if (r < 0) {
            virtio_fail(vd, "virtio-net: cannot post receive buffers");
            return r;
        }
    }
    vd->config_change = vnet_config_change;
    r = virtio_device_ready(vd);
    if (r < 0) {
        return r;
    }
    /* The link may have changed before DRIVER_OK without an interrupt. */
    read_link(vn);
    printk(LOG_INFO,
           "%s: virtio-net at %s (%s), MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s, mtu %u\n",
           nd->name, vd->name, vd->ops->name, nd->mac[0], nd->mac[1], nd->mac[2], nd->mac[3],
           nd->mac[4], nd->mac[5], nd->link_up ? "up" : "down", nd->mtu);
    return 0;
}

static int virtio_net_probe(struct virtio_device *vd)
{
    struct vnet *vn = kzalloc(sizeof(*vn));
    int r;

    if (!vn) {
        virtio_fail(vd, "virtio-net: out of memory");
        return -ENOMEM;
    }
    vn->vd = vd;
    vn->tx_lock.name = "virtio_net_tx";
    wait_queue_init(&vn->tx_wq);
    vd->priv = vn;

    r = virtio_negotiate(vd, wanted_features(vd));
    if (r < 0) {
        goto free_vn;
    }
    vn->hdr_len = virtio_has_feature(vd, VIRTIO_F_VERSION_1) ? VNET_HDR_MODERN : VNET_HDR_LEGACY;
    init_netdev(vn);
    r = setup_queues(vn);
    if (r < 0) {
        goto detach;
    }
    r = setup_buffers(vn);
    if (r < 0) {
        goto detach;
    }
    read_link(vn);
    r = netdev_register(&vn->nd);
    if (r < 0) {
        virtio_fail(vd, "virtio-net: too many network interfaces");
        goto detach;
    }
    return start_device(vn);

detach:
    /* Nothing is posted yet. */
    detach_queues(vd);
free_vn:
    vd->priv = NULL;
    free_vnet(vn);
    return r;
}

const struct virtio_driver virtio_net_driver = {"virtio-net", VIRTIO_ID_NET, virtio_net_probe};
