// SPDX-License-Identifier: MIT
/* Network interfaces: the registry (eth0, eth1, ... in registration order),
 * receive dispatch, transmit with optional waiting, the counters, and their
 * export as /proc/net/dev and the "net" metrics provider. Portable: the
 * host test links it with fake locks and wait queues. */
#include <abi/errno.h>
#include <fs/pseudo.h>
#include <kernel/format.h>
#include <kernel/metrics.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/wait.h>
#include <net/netdev.h>

static struct net_device *devices[NETDEV_MAX];
/* Grows only; an entry is complete before the count covers it. */
static unsigned ndevices;
static spinlock_t devices_lock = SPINLOCK_INIT("netdev_list");

static void net_metrics_collect(struct metrics_out *out);
static struct metrics_provider net_metrics = {"net", net_metrics_collect, NULL};
static bool metrics_registered;

int netdev_register(struct net_device *nd)
{
    bool first = false;
    u64 flags = spin_lock_irqsave(&devices_lock);
    if (ndevices >= NETDEV_MAX) {
        spin_unlock_irqrestore(&devices_lock, flags);
        return -ENOSPC;
    }
    ksnprintf(nd->name, sizeof(nd->name), "eth%u", ndevices);
    nd->ifindex = ndevices + 1;
    nd->lock.locked = 0;
    nd->lock.name = "netdev";
    memset(&nd->stats, 0, sizeof(nd->stats));
    if (nd->mtu == 0) {
        nd->mtu = ETH_DATA_LEN;
    }
    devices[ndevices] = nd;
    __atomic_store_n(&ndevices, ndevices + 1, __ATOMIC_RELEASE);
    if (!metrics_registered) {
        metrics_registered = true;
        first = true;
    }
    spin_unlock_irqrestore(&devices_lock, flags);
    if (first) {
        metrics_register(&net_metrics);
    }
    return 0;
}

unsigned netdev_count(void)
{
    return __atomic_load_n(&ndevices, __ATOMIC_ACQUIRE);
}

struct net_device *netdev_get(unsigned i)
{
    return i < netdev_count() ? devices[i] : NULL;
}

struct net_device *netdev_by_name(const char *name)
{
    unsigned n = netdev_count();
    for (unsigned i = 0; i < n; i++) {
        if (strcmp(devices[i]->name, name) == 0) {
            return devices[i];
        }
    }
    return NULL;
}

void netdev_set_rx_handler(struct net_device *nd, netdev_rx_fn fn, void *ctx)
{
    u64 flags = spin_lock_irqsave(&nd->lock);
    nd->rx_handler = fn;
    nd->rx_ctx = ctx;
    spin_unlock_irqrestore(&nd->lock, flags);
}

/* One attempt; counts everything but -EAGAIN (the caller decides whether
 * that is a drop). */
static int xmit_once(struct net_device *nd, const void *frame, size_t len)
{
    if (len < ETH_HLEN || len > ETH_FRAME_LEN) {
        return -EINVAL;
    }
    if (len > (size_t)nd->mtu + ETH_HLEN) {
        return -EMSGSIZE;
    }
    int r = nd->ops->xmit(nd, frame, len);
    if (r == -EAGAIN) {
        return r;
    }
    u64 flags = spin_lock_irqsave(&nd->lock);
    if (r == 0) {
        nd->stats.tx_packets++;
        nd->stats.tx_bytes += len < ETH_ZLEN ? ETH_ZLEN : len;
    } else if (r == -ENETDOWN) {
        nd->stats.tx_dropped++;
    } else {
        nd->stats.tx_errors++;
    }
    spin_unlock_irqrestore(&nd->lock, flags);
    return r;
}

/* Adds one to a counter in nd->stats under its lock. */
static void count(struct net_device *nd, u64 *counter)
{
    u64 flags = spin_lock_irqsave(&nd->lock);
    (*counter)++;
    spin_unlock_irqrestore(&nd->lock, flags);
}

int netdev_xmit(struct net_device *nd, const void *frame, size_t len)
{
    int r = xmit_once(nd, frame, len);
    if (r == -EAGAIN) {
        count(nd, &nd->stats.tx_dropped);
    }
    return r;
}

/* -EAGAIN when the ring stayed full for timeout_ns (counted as a drop). */
int netdev_xmit_wait(struct net_device *nd, const void *frame, size_t len, u64 timeout_ns)
{
    u64 left = timeout_ns;
    for (;;) {
        int r = xmit_once(nd, frame, len);
        if (r != -EAGAIN || left == 0 || !nd->tx_wq || !nd->ops->tx_ready) {
            if (r == -EAGAIN) {
                count(nd, &nd->stats.tx_dropped);
            }
            return r;
        }
        left = wait_event_timeout(*nd->tx_wq, nd->ops->tx_ready(nd), left);
    }
}

void netdev_receive(struct net_device *nd, const void *frame, size_t len)
{
    u64 flags = spin_lock_irqsave(&nd->lock);
    nd->stats.rx_packets++;
    nd->stats.rx_bytes += len;
    netdev_rx_fn fn = nd->rx_handler;
    void *ctx = nd->rx_ctx;
    spin_unlock_irqrestore(&nd->lock, flags);
    /* Outside the lock: a handler may transmit. */
    if (fn) {
        fn(nd, frame, len, ctx);
    }
}

void netdev_count_rx_error(struct net_device *nd)
{
    count(nd, &nd->stats.rx_errors);
}

void netdev_count_rx_dropped(struct net_device *nd)
{
    count(nd, &nd->stats.rx_dropped);
}

void netdev_count_tx_error(struct net_device *nd)
{
    count(nd, &nd->stats.tx_errors);
}

void netdev_set_link(struct net_device *nd, bool up)
{
    bool changed = nd->link_up != up;
    nd->link_up = up;
    /* Only registered interfaces have a name to log. */
    if (changed && nd->ifindex) {
        printk(LOG_INFO, "%s: link %s\n", nd->name, up ? "up" : "down");
    }
    if (up && nd->tx_wq) {
        wake_up(nd->tx_wq);
    }
}

void netdev_get_stats(struct net_device *nd, struct net_device_stats *out)
{
    u64 flags = spin_lock_irqsave(&nd->lock);
    *out = nd->stats;
    spin_unlock_irqrestore(&nd->lock, flags);
}

int netdev_proc_dev(struct seq_buf *s, void *arg)
{
    (void)arg;
    int r = seq_buf_printf(
        s, "Inter-|   Receive                                                |  Transmit\n"
           " face |bytes    packets errs drop fifo frame compressed multicast|"
           "bytes    packets errs drop fifo colls carrier compressed\n");
    unsigned n = netdev_count();
    for (unsigned i = 0; i < n && r >= 0; i++) {
        struct net_device_stats st;
        netdev_get_stats(devices[i], &st);
        /* fifo, frame, compressed, multicast, colls, carrier: not kept. */
        r = seq_buf_printf(s,
                           "%6s:%8llu %7llu %4llu %4llu %4llu %5llu %10llu %9llu "
                           "%8llu %7llu %4llu %4llu %4llu %5llu %7llu %10llu\n",
                           devices[i]->name, (unsigned long long)st.rx_bytes,
                           (unsigned long long)st.rx_packets, (unsigned long long)st.rx_errors,
                           (unsigned long long)st.rx_dropped, 0ull, 0ull, 0ull, 0ull,
                           (unsigned long long)st.tx_bytes, (unsigned long long)st.tx_packets,
                           (unsigned long long)st.tx_errors, (unsigned long long)st.tx_dropped,
                           0ull, 0ull, 0ull, 0ull);
    }
    return r < 0 ? r : 0;
}

struct net_family {
    const char *name;
    const char *help;
    size_t offset; /* of the u64 in struct net_device_stats */
};

#define STAT(f) __builtin_offsetof(struct net_device_stats, f)

static const struct net_family net_families[] = {
    {"kiln_network_receive_packets_total", "Frames received, per interface.", STAT(rx_packets)},
    {"kiln_network_transmit_packets_total", "Frames transmitted, per interface.", STAT(tx_packets)},
    {"kiln_network_receive_bytes_total", "Bytes received (Ethernet frames without FCS).",
     STAT(rx_bytes)},
    {"kiln_network_transmit_bytes_total", "Bytes transmitted (Ethernet frames without FCS).",
     STAT(tx_bytes)},
    {"kiln_network_receive_errors_total", "Receive errors (bad frames from the device).",
     STAT(rx_errors)},
    {"kiln_network_transmit_errors_total", "Transmit errors (device failures).", STAT(tx_errors)},
    {"kiln_network_receive_drops_total", "Received frames dropped (no buffer).", STAT(rx_dropped)},
    {"kiln_network_transmit_drops_total", "Frames not sent (ring full or link down).",
     STAT(tx_dropped)},
};

static void net_metrics_collect(struct metrics_out *out)
{
    /* One snapshot for every family. */
    struct net_device_stats st[NETDEV_MAX];
    unsigned n = netdev_count();
    if (n == 0) {
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        netdev_get_stats(devices[i], &st[i]);
    }
    for (size_t f = 0; f < sizeof(net_families) / sizeof(net_families[0]); f++) {
        const struct net_family *fam = &net_families[f];
        metrics_family(out, fam->name, METRIC_COUNTER, fam->help);
        for (unsigned i = 0; i < n; i++) {
            u64 v = *(const u64 *)((const char *)&st[i] + fam->offset);
            metrics_sample_label(out, fam->name, "interface", devices[i]->name, v);
        }
    }
}
