/* SPDX-License-Identifier: MIT */
/* Network interfaces (net/netdev.c): the frame-level interface between NIC
 * drivers and the network stack. No IP here: a driver registers a
 * struct net_device and passes each received Ethernet frame to
 * netdev_receive(); the stack (or a self-test) sets one receive handler per
 * interface and sends frames with netdev_xmit().
 *
 * Interfaces are named eth0, eth1, ... in registration order (drivers
 * register in PCI order). Counters follow Linux's /proc/net/dev meanings;
 * they are exported as /proc/net/dev and in /proc/metrics (provider "net",
 * families kiln_network_*_total{interface="ethN"}). */
#ifndef NET_NETDEV_H
#define NET_NETDEV_H

#include <kernel/spinlock.h>
#include <kernel/types.h>

#define IFNAMSIZ 16
#define ETH_ALEN 6
#define ETH_HLEN 14
#define ETH_DATA_LEN 1500 /* MTU */
#define ETH_FRAME_LEN 1514 /* largest frame without FCS */
#define ETH_ZLEN 60 /* smallest frame without FCS */
#define NETDEV_MAX 8

struct net_device;

struct net_device_stats {
    u64 rx_packets, rx_bytes, rx_errors, rx_dropped;
    u64 tx_packets, tx_bytes, tx_errors, tx_dropped;
};

struct net_device_ops {
    /* Copies the frame (len bytes, ETH_HLEN <= len <= ETH_FRAME_LEN) into
     * the transmit ring. 0, -EAGAIN (ring full; retry after a completion,
     * see netdev_wait_tx), -ENETDOWN, -EIO (device failed). Never sleeps. */
    int (*xmit)(struct net_device *nd, const void *frame, size_t len);
    /* Whether xmit has room now. */
    bool (*tx_ready)(struct net_device *nd);
};

/* Called for each received frame, in the driver's worker thread; frame is
 * valid only during the call. */
typedef void (*netdev_rx_fn)(struct net_device *nd, const void *frame, size_t len, void *ctx);

struct net_device {
    char name[IFNAMSIZ];
    unsigned ifindex; /* 1-based, like Linux */
    u8 mac[ETH_ALEN];
    u16 mtu;
    bool link_up;
    const struct net_device_ops *ops;
    void *priv; /* driver's */

    spinlock_t lock; /* rx handler and stats */
    netdev_rx_fn rx_handler;
    void *rx_ctx;
    struct net_device_stats stats;
    struct wait_queue *tx_wq; /* driver's: woken when xmit space frees */
};

/* Names nd "ethN" and adds it. -ENOSPC beyond NETDEV_MAX. */
int netdev_register(struct net_device *nd);
unsigned netdev_count(void);
struct net_device *netdev_get(unsigned i); /* 0-based, NULL past the end */
struct net_device *netdev_by_name(const char *name);

/* One receive handler per interface (NULL: frames are counted and
 * dropped). */
void netdev_set_rx_handler(struct net_device *nd, netdev_rx_fn fn, void *ctx);

/* Sends a frame; counts tx_packets/bytes on success and tx_dropped on
 * -EAGAIN. Shorter frames than ETH_ZLEN are padded by the driver (and
 * counted as ETH_ZLEN bytes). -EINVAL outside ETH_HLEN..ETH_FRAME_LEN,
 * -EMSGSIZE above mtu + ETH_HLEN. */
int netdev_xmit(struct net_device *nd, const void *frame, size_t len);
/* netdev_xmit, sleeping while the ring is full, up to timeout_ns. */
int netdev_xmit_wait(struct net_device *nd, const void *frame, size_t len, u64 timeout_ns);

/* For drivers: a frame arrived (counts it, calls the handler), or was lost. */
void netdev_receive(struct net_device *nd, const void *frame, size_t len);
void netdev_count_rx_error(struct net_device *nd);
void netdev_count_rx_dropped(struct net_device *nd);
void netdev_count_tx_error(struct net_device *nd);
void netdev_set_link(struct net_device *nd, bool up);

/* A consistent copy of the counters. */
void netdev_get_stats(struct net_device *nd, struct net_device_stats *out);

/* /proc/net/dev in the Linux format. */
struct seq_buf;
int netdev_proc_dev(struct seq_buf *s, void *arg);

#endif
