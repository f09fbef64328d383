// SPDX-License-Identifier: MIT
/* Network self-tests on real (emulated) NICs.
 *
 * net_arp: every interface with link up asks QEMU user-mode networking's
 * gateway (10.0.2.2) for its MAC and must get slirp's answer,
 * 52:55:0a:00:02:02 (slirp makes its virtual hosts' MACs from 52:55 and
 * the IPv4 address).
 *
 * net_hub_frames: eth0 and eth1 on one QEMU hub; eth0 sends frames of
 * random sizes with a sequence number and a CRC-32 to eth1, keeping at most
 * HUB_WINDOW unanswered so nothing overflows; every frame must arrive, in
 * order and intact, and the counters must agree, and the heap and free pages
 * end where they began. net_hub_soak does the same with 70,000 frames, so
 * both rings' 16-bit indices wrap. */
#include <arch/x86_64/trap.h>
#include <kernel/kmalloc.h>
#include <kernel/page_alloc.h>
#include <kernel/printk.h>
#include <kernel/selftest.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <net/netdev.h>

#include "rand.h"

#define ETH_P_ARP 0x0806
#define ETH_P_IPV4 0x0800
#define ETH_P_HUB_TEST 0x88b5 /* IEEE local experimental */
#define ARP_REQUEST 1
#define ARP_REPLY 2

static const u8 our_ip[4] = {10, 0, 2, 15};
static const u8 gateway_ip[4] = {10, 0, 2, 2};
static const u8 slirp_gateway_mac[ETH_ALEN] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};

static void put16(u8 *p, u16 v)
{
    p[0] = (u8)(v >> 8);
    p[1] = (u8)v;
}

static u16 get16(const u8 *p)
{
    return (u16)(p[0] << 8 | p[1]);
}

/* Handlers run in the driver's thread and may still be running just after
 * the handler is removed: their state is static, not on a test's stack. */
static struct {
    struct wait_queue wq;
    const u8 *mac;
    volatile bool replied;
    u8 sender_mac[ETH_ALEN];
    u8 eth_src[ETH_ALEN];
} arp;

static void arp_rx(struct net_device *nd, const void *frame, size_t len, void *ctx)
{
    const u8 *f = frame;
    /* Ethernet header, then htype, ptype, hlen, plen, oper, sha, spa, tha, tpa. */
    if (len < ETH_HLEN + 28 || get16(f + 12) != ETH_P_ARP) {
        return;
    }
    const u8 *a = f + ETH_HLEN;
    if (get16(a) != 1 || get16(a + 2) != ETH_P_IPV4 || a[4] != 6 || a[5] != 4 ||
        get16(a + 6) != ARP_REPLY || memcmp(a + 14, gateway_ip, 4) != 0 ||
        memcmp(a + 18, arp.mac, ETH_ALEN) != 0 || memcmp(a + 24, our_ip, 4) != 0) {
        return;
    }
    memcpy(arp.sender_mac, a + 8, ETH_ALEN);
    memcpy(arp.eth_src, f + 6, ETH_ALEN);
    __atomic_store_n(&arp.replied, true, __ATOMIC_RELEASE);
    wake_up(&arp.wq);
}

static int arp_probe(struct net_device *nd, struct selftest_result *r)
{
    u8 req[42];
    memset(req, 0xff, ETH_ALEN);
    memcpy(req + 6, nd->mac, ETH_ALEN);
    put16(req + 12, ETH_P_ARP);
    u8 *a = req + ETH_HLEN;
    put16(a, 1);
    put16(a + 2, ETH_P_IPV4);
    a[4] = 6;
    a[5] = 4;
    put16(a + 6, ARP_REQUEST);
    memcpy(a + 8, nd->mac, ETH_ALEN);
    memcpy(a + 14, our_ip, 4);
    memset(a + 18, 0, ETH_ALEN);
    memcpy(a + 24, gateway_ip, 4);

    arp.mac = nd->mac;
    arp.replied = false;
    netdev_set_rx_handler(nd, arp_rx, NULL);
    int err = 0;
    /* Up to about 30 s (a busy host may be slow to answer), asking again
     * every half second. */
    for (int tries = 0; tries < 60 && !arp.replied; tries++) {
        err = netdev_xmit_wait(nd, req, sizeof(req), NSEC_PER_SEC);
        if (err < 0) {
            break;
        }
        wait_event_timeout(arp.wq, __atomic_load_n(&arp.replied, __ATOMIC_ACQUIRE),
                           500 * NSEC_PER_MSEC);
    }
    netdev_set_rx_handler(nd, NULL, NULL);
    ST_CHECK(err == 0, "%s: sending the ARP request failed: %d", nd->name, err);
    ST_CHECK(arp.replied, "%s: no ARP reply from 10.0.2.2 within 30 s", nd->name);
    ST_CHECK(memcmp(arp.sender_mac, slirp_gateway_mac, ETH_ALEN) == 0,
             "%s: 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x, expected 52:55:0a:00:02:02",
             nd->name, arp.sender_mac[0], arp.sender_mac[1], arp.sender_mac[2], arp.sender_mac[3],
             arp.sender_mac[4], arp.sender_mac[5]);
    printk(LOG_INFO, "net_arp: %s: 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x\n", nd->name,
           arp.sender_mac[0], arp.sender_mac[1], arp.sender_mac[2], arp.sender_mac[3],
           arp.sender_mac[4], arp.sender_mac[5]);
    return 0;
}

SELFTEST(net_arp)
{
    wait_queue_init(&arp.wq);
    unsigned n = netdev_count();
    for (unsigned i = 0; i < n; i++) {
        struct net_device *nd = netdev_get(i);
        if (!nd->link_up) {
            printk(LOG_INFO, "net_arp: %s: link down, skipped\n", nd->name);
            continue;
        }
        if (arp_probe(nd, r) < 0) {
            return -1;
        }
    }
    if (n == 0) {
        printk(LOG_INFO, "net_arp: skipped: no network interfaces\n");
    }
    return 0;
}

#define HUB_WINDOW 64
/* How long the hub tests wait for any one thing. Far beyond what a busy
 * host needs, so slowness never fails them; a real stall still does, and
 * the virtio stall watch names the queue after VIRTIO_STALL_NS. */
#define HUB_PATIENCE_NS (60 * NSEC_PER_SEC)
#define HUB_SEQ_OFF ETH_HLEN
#define HUB_LEN_OFF (ETH_HLEN + 4)
#define HUB_CRC_OFF (ETH_HLEN + 6)
#define HUB_DATA_OFF (ETH_HLEN + 10)

static u32 crc_table[256];

static void crc32_init(void)
{
    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (int k = 0; k < 8; k++) {
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        }
        crc_table[i] = c;
    }
}

static u32 crc32(const u8 *p, size_t len)
{
    u32 c = 0xffffffffu;
    for (size_t i = 0; i < len; i++) {
        c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    }
    return c ^ 0xffffffffu;
}

static u32 get32(const u8 *p)
{
    return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static void put32(u8 *p, u32 v)
{
    put16(p, (u16)(v >> 16));
    put16(p + 2, (u16)v);
}

static struct {
    struct wait_queue wq;
    const u8 *mac;
    volatile u32 received; /* our frames, good or bad */
    u32 next_seq;
    u32 bad_crc, bad_len, out_of_order, foreign;
} hub;

static void hub_rx(struct net_device *nd, const void *frame, size_t len, void *ctx)
{
    const u8 *f = frame;
    if (len < HUB_DATA_OFF || get16(f + 12) != ETH_P_HUB_TEST || memcmp(f, hub.mac, ETH_ALEN)) {
        hub.foreign++;
        return;
    }
    u32 seq = get32(f + HUB_SEQ_OFF);
    if (get16(f + HUB_LEN_OFF) != len) {
        hub.bad_len++;
    } else if (get32(f + HUB_CRC_OFF) != crc32(f + HUB_DATA_OFF, len - HUB_DATA_OFF)) {
        hub.bad_crc++;
    }
    if (seq != hub.next_seq) {
        hub.out_of_order++;
    }
    hub.next_seq = seq + 1;
    __atomic_store_n(&hub.received, hub.received + 1, __ATOMIC_RELEASE);
    wake_up(&hub.wq);
}

static u32 hub_received(void)
{
    return __atomic_load_n(&hub.received, __ATOMIC_ACQUIRE);
}

static u8 hub_frame[ETH_FRAME_LEN];

static int hub_exchange(struct selftest_result *r, const char *name, u32 frames)
{
    if (netdev_count() < 2) {
        printk(LOG_INFO, "%s: skipped: needs 2 NICs\n", name);
        return 0;
    }
    struct net_device *tx = netdev_get(0), *rx = netdev_get(1);
    ST_CHECK(tx->link_up && rx->link_up, "link down on %s or %s", tx->name, rx->name);
    crc32_init();
    wait_queue_init(&hub.wq);
    hub.mac = rx->mac;
    hub.received = hub.next_seq = 0;
    hub.bad_crc = hub.bad_len = hub.out_of_order = hub.foreign = 0;

    struct net_device_stats tx0, rx0, tx1, rx1;
    netdev_get_stats(tx, &tx0);
    netdev_get_stats(rx, &rx0);
    /* Sustained traffic must not leak: rx buffers are recycled and tx
     * buffers reclaimed, so the heap and free pages end where they began. */
    struct kmalloc_stats heap0, heap1;
    struct page_stats pages0, pages1;
    kmalloc_get_stats(&heap0);
    page_alloc_stats(&pages0);
    netdev_set_rx_handler(rx, hub_rx, NULL);
    u64 seed = 0x6b696c6e6e6574ull;
    u64 t0 = clock_monotonic_ns();
    u64 irq0 = irq_count_total();
    u64 tick0 = irq_vector_count(VEC_LAPIC_TIMER);
    int err = 0;
    u32 seq;
    for (seq = 0; seq < frames; seq++) {
        if (!wait_event_timeout(hub.wq, seq - hub_received() < HUB_WINDOW, HUB_PATIENCE_NS)) {
            err = -1;
            break;
        }
        size_t len = ETH_ZLEN + st_rand(&seed) % (ETH_FRAME_LEN - ETH_ZLEN + 1);
        u8 *f = hub_frame;
        memcpy(f, rx->mac, ETH_ALEN);
        memcpy(f + 6, tx->mac, ETH_ALEN);
        put16(f + 12, ETH_P_HUB_TEST);
        put32(f + HUB_SEQ_OFF, seq);
        put16(f + HUB_LEN_OFF, (u16)len);
        for (size_t i = HUB_DATA_OFF; i < len; i += 8) {
            u64 v = st_rand(&seed);
            size_t n = len - i < 8 ? len - i : 8;
            memcpy(f + i, &v, n);
        }
        put32(f + HUB_CRC_OFF, crc32(f + HUB_DATA_OFF, len - HUB_DATA_OFF));
        err = netdev_xmit_wait(tx, f, len, HUB_PATIENCE_NS);
        if (err < 0) {
            break;
        }
    }
    if (err == 0) {
        wait_event_timeout(hub.wq, hub_received() >= frames, HUB_PATIENCE_NS);
    }
    u64 ns = clock_monotonic_ns() - t0;
    u64 irqs = irq_count_total() - irq0;
    /* The NICs' share: everything but the scheduler tick (nothing else
     * interrupts during the run). */
    u64 nic_irqs = irqs - (irq_vector_count(VEC_LAPIC_TIMER) - tick0);
    netdev_set_rx_handler(rx, NULL, NULL);
    kmalloc_get_stats(&heap1);
    page_alloc_stats(&pages1);
    netdev_get_stats(tx, &tx1);
    netdev_get_stats(rx, &rx1);

    u32 got = hub_received();
    ST_CHECK(err == 0, "%s: %s at frame %u (%u received)", tx->name,
             err == -1 ? "window never opened" : "transmit failed", seq, got);
    ST_CHECK(got == frames, "%u of %u frames received", got, frames);
    ST_CHECK(hub.bad_crc == 0 && hub.bad_len == 0, "%u checksum errors, %u bad lengths",
             hub.bad_crc, hub.bad_len);
    ST_CHECK(hub.out_of_order == 0, "%u frames out of order", hub.out_of_order);
    u64 sent = tx1.tx_packets - tx0.tx_packets, rcvd = rx1.rx_packets - rx0.rx_packets;
    ST_CHECK(sent == frames && rcvd == frames + hub.foreign,
             "counters: %s sent %llu, %s received %llu (%u foreign)", tx->name,
             (unsigned long long)sent, rx->name, (unsigned long long)rcvd, hub.foreign);
    ST_CHECK(hub.foreign > 0 || tx1.tx_bytes - tx0.tx_bytes == rx1.rx_bytes - rx0.rx_bytes,
             "byte counters disagree: %llu sent, %llu received",
             (unsigned long long)(tx1.tx_bytes - tx0.tx_bytes),
             (unsigned long long)(rx1.rx_bytes - rx0.rx_bytes));
    ST_CHECK(tx1.tx_dropped == tx0.tx_dropped && rx1.rx_errors == rx0.rx_errors,
             "drops or errors during the run");
    ST_CHECK(heap1.bytes_in_use == heap0.bytes_in_use && pages1.free_pages == pages0.free_pages,
             "leak: heap %llu -> %llu bytes, free pages %llu -> %llu",
             (unsigned long long)heap0.bytes_in_use, (unsigned long long)heap1.bytes_in_use,
             (unsigned long long)pages0.free_pages, (unsigned long long)pages1.free_pages);
    u64 ms = ns / NSEC_PER_MSEC ? ns / NSEC_PER_MSEC : 1;
    u64 per100 = irqs * 100 / frames, nic100 = nic_irqs * 100 / frames;
    printk(LOG_INFO,
           "%s: %u frames in %llu ms, %llu frames/s, %llu.%02llu irqs/frame "
           "(%llu.%02llu from the NICs)\n",
           name, frames, (unsigned long long)ms, (unsigned long long)(frames * 1000ull / ms),
           (unsigned long long)(per100 / 100), (unsigned long long)(per100 % 100),
           (unsigned long long)(nic100 / 100), (unsigned long long)(nic100 % 100));
    return 0;
}

SELFTEST(net_hub_frames)
{
    return hub_exchange(r, "net_hub_frames", 10000);
}

/* Past 65,536 completions on eth0's transmit and eth1's receive ring: the
 * 16-bit ring indices wrap while traffic flows. */
SELFTEST(net_hub_soak)
{
    return hub_exchange(r, "net_hub_soak", 70000);
}
