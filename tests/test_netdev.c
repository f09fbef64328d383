// SPDX-License-Identifier: MIT
/* The netdev layer (net/netdev.c) against fake drivers: naming, lookup,
 * receive dispatch, transmit counting and waiting, the /proc/net/dev text
 * (Linux's layout) and the "net" metrics families. Wait queues are faked:
 * schedule_timeout() runs a hook standing in for the driver's completion
 * thread. */
#include <abi/errno.h>
#include <fs/pseudo.h>
#include <kernel/metrics.h>
#include <kernel/wait.h>
#include <net/netdev.h>
#include <stdarg.h>
#include <string.h>

#include "fakes/printk_fake.h"
#include "harness.h"

HARNESS("test_netdev");

/* ---- fakes: seq_buf, the core metrics provider, wait queues ---- */

int seq_buf_vprintf(struct seq_buf *s, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (s->len + (size_t)n + 1 > s->cap) {
        size_t cap = (s->len + (size_t)n + 1) * 2;
        char *b = realloc(s->buf, cap);
        if (!b) {
            s->overflow = true;
            return -ENOMEM;
        }
        s->buf = b;
        s->cap = cap;
    }
    vsnprintf(s->buf + s->len, s->cap - s->len, fmt, ap);
    s->len += (size_t)n;
    return 0;
}

int seq_buf_printf(struct seq_buf *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = seq_buf_vprintf(s, fmt, ap);
    va_end(ap);
    return r;
}

static void core_collect(struct metrics_out *out)
{
    metrics_counter(out, "kiln_fake_core_total", "Core stand-in.", 1);
}
struct metrics_provider metrics_core_provider = {"core", core_collect, NULL};

static void (*timeout_hook)(void);
static int sleeps, wakeups;

void prepare_to_wait(struct wait_queue *wq, struct wait_entry *w)
{
    (void)wq;
    (void)w;
}

void finish_wait(struct wait_queue *wq, struct wait_entry *w)
{
    (void)wq;
    (void)w;
}

u64 schedule_timeout(u64 ns)
{
    sleeps++;
    if (timeout_hook) {
        timeout_hook();
    }
    return ns > 1000000 ? ns - 1000000 : 0;
}

int wake_up(struct wait_queue *wq)
{
    (void)wq;
    wakeups++;
    return 0;
}

/* ---- a fake driver: a transmit ring of `room` slots ---- */

static int room;
static int xmit_result; /* forced result when nonzero */
static size_t last_len;
static unsigned char last_frame[ETH_FRAME_LEN];

static int fake_xmit(struct net_device *nd, const void *frame, size_t len)
{
    (void)nd;
    if (xmit_result) {
        return xmit_result;
    }
    if (room == 0) {
        return -EAGAIN;
    }
    room--;
    memcpy(last_frame, frame, len);
    last_len = len;
    return 0;
}

static bool fake_tx_ready(struct net_device *nd)
{
    (void)nd;
    return room > 0;
}

static const struct net_device_ops fake_ops = {fake_xmit, fake_tx_ready};
static struct wait_queue fake_wq;

static struct net_device devs[NETDEV_MAX + 1];

static struct net_device *dev(unsigned i)
{
    return &devs[i];
}

static void setup_dev(unsigned i)
{
    memset(dev(i), 0, sizeof(*dev(i)));
    dev(i)->ops = &fake_ops;
    dev(i)->tx_wq = &fake_wq;
    dev(i)->link_up = true;
    for (int b = 0; b < ETH_ALEN; b++) {
        dev(i)->mac[b] = (unsigned char)(0x52 + b + i);
    }
}

static void test_register_names(void)
{
    setup_dev(0);
    setup_dev(1);
    CHECK_EQ(netdev_count(), 0);
    CHECK(netdev_get(0) == NULL);
    CHECK_EQ(netdev_register(dev(0)), 0);
    CHECK_EQ(netdev_register(dev(1)), 0);
    CHECK(strcmp(dev(0)->name, "eth0") == 0);
    CHECK(strcmp(dev(1)->name, "eth1") == 0);
    CHECK_EQ(dev(0)->ifindex, 1);
    CHECK_EQ(dev(1)->ifindex, 2);
    CHECK_EQ(dev(0)->mtu, ETH_DATA_LEN);
    CHECK_EQ(netdev_count(), 2);
    CHECK(netdev_get(1) == dev(1));
    CHECK(netdev_get(2) == NULL);
    CHECK(netdev_by_name("eth1") == dev(1));
    CHECK(netdev_by_name("eth2") == NULL);
    CHECK(netdev_by_name("eth") == NULL);
}

static int handler_calls;
static size_t handler_len;
static void *handler_ctx;
static struct net_device *handler_nd;

static void rx_handler(struct net_device *nd, const void *frame, size_t len, void *ctx)
{
    handler_calls++;
    handler_len = len;
    handler_ctx = ctx;
    handler_nd = nd;
    (void)frame;
}

static void test_receive_counts_and_dispatches(void)
{
    unsigned char frame[100] = {0};
    struct net_device_stats st;
    int ctx;
    netdev_receive(dev(0), frame, 100); /* no handler: counted, dropped */
    CHECK_EQ(handler_calls, 0);
    netdev_set_rx_handler(dev(0), rx_handler, &ctx);
    netdev_receive(dev(0), frame, 60);
    CHECK_EQ(handler_calls, 1);
    CHECK_EQ(handler_len, 60);
    CHECK(handler_ctx == &ctx);
    CHECK(handler_nd == dev(0));
    netdev_count_rx_error(dev(0));
    netdev_count_rx_dropped(dev(0));
    netdev_count_rx_dropped(dev(0));
    netdev_set_rx_handler(dev(0), NULL, NULL);
    netdev_receive(dev(0), frame, 64);
    CHECK_EQ(handler_calls, 1);
    netdev_get_stats(dev(0), &st);
    CHECK_EQ(st.rx_packets, 3);
    CHECK_EQ(st.rx_bytes, 224);
    CHECK_EQ(st.rx_errors, 1);
    CHECK_EQ(st.rx_dropped, 2);
    CHECK_EQ(st.tx_packets, 0);
    CHECK(!dev(0)->lock.locked);
}

static void test_xmit_counts(void)
{
    unsigned char frame[ETH_FRAME_LEN + 1];
    struct net_device_stats st;
    memset(frame, 0xab, sizeof(frame));
    room = 3;
    CHECK_EQ(netdev_xmit(dev(1), frame, 100), 0);
    CHECK_EQ(last_len, 100);
    CHECK_EQ(netdev_xmit(dev(1), frame, 42), 0); /* counted padded */
    CHECK_EQ(netdev_xmit(dev(1), frame, ETH_FRAME_LEN), 0);
    CHECK_EQ(netdev_xmit(dev(1), frame, 100), -EAGAIN);
    CHECK_EQ(netdev_xmit(dev(1), frame, ETH_HLEN - 1), -EINVAL);
    CHECK_EQ(netdev_xmit(dev(1), frame, ETH_FRAME_LEN + 1), -EINVAL);
    xmit_result = -ENETDOWN;
    CHECK_EQ(netdev_xmit(dev(1), frame, 100), -ENETDOWN);
    xmit_result = -EIO;
    CHECK_EQ(netdev_xmit(dev(1), frame, 100), -EIO);
    xmit_result = 0;
    netdev_count_tx_error(dev(1));
    netdev_get_stats(dev(1), &st);
    CHECK_EQ(st.tx_packets, 3);
    CHECK_EQ(st.tx_bytes, 100 + ETH_ZLEN + ETH_FRAME_LEN);
    CHECK_EQ(st.tx_dropped, 2);
    CHECK_EQ(st.tx_errors, 2);
    CHECK_EQ(st.rx_packets, 0);
}

static void test_xmit_mtu(void)
{
    unsigned char frame[ETH_FRAME_LEN] = {0};
    setup_dev(2);
    dev(2)->mtu = 576;
    CHECK_EQ(netdev_register(dev(2)), 0);
    CHECK_EQ(dev(2)->mtu, 576);
    room = 2;
    CHECK_EQ(netdev_xmit(dev(2), frame, 576 + ETH_HLEN), 0);
    CHECK_EQ(netdev_xmit(dev(2), frame, 577 + ETH_HLEN), -EMSGSIZE);
}

static void complete_one(void)
{
    room++;
}

static void test_xmit_wait(void)
{
    unsigned char frame[64] = {0};
    struct net_device_stats before, after;
    netdev_get_stats(dev(1), &before);
    room = 0;
    sleeps = 0;
    timeout_hook = complete_one; /* a completion frees a slot while we sleep */
    CHECK_EQ(netdev_xmit_wait(dev(1), frame, 64, 1000000000ull), 0);
    CHECK_EQ(sleeps, 1);
    timeout_hook = NULL; /* nothing completes: times out */
    sleeps = 0;
    CHECK_EQ(netdev_xmit_wait(dev(1), frame, 64, 5000000ull), -EAGAIN);
    CHECK(sleeps >= 1 && sleeps <= 6);
    CHECK_EQ(netdev_xmit_wait(dev(1), frame, 64, 0), -EAGAIN);
    netdev_get_stats(dev(1), &after);
    CHECK_EQ(after.tx_packets - before.tx_packets, 1);
    CHECK_EQ(after.tx_dropped - before.tx_dropped, 2);
}

static void test_set_link(void)
{
    wakeups = 0;
    netdev_set_link(dev(0), false);
    CHECK(!dev(0)->link_up);
    CHECK(strstr(fake_printk_last, "eth0: link down") != NULL);
    netdev_set_link(dev(0), true);
    CHECK(dev(0)->link_up);
    CHECK(strstr(fake_printk_last, "eth0: link up") != NULL);
    CHECK_EQ(wakeups, 1);
}

static const char proc_expected[] =
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
    "drop fifo colls carrier compressed\n"
    "  eth0:     224       3    1    2    0     0          0         0        0       0    0 "
    "   0    0     0       0          0\n"
    "  eth1:       0       0    0    0    0     0          0         0     1738       4    2 "
    "   4    0     0       0          0\n"
    "  eth2:       0       0    0    0    0     0          0         0      590       1    0 "
    "   0    0     0       0          0\n";

static void test_proc_net_dev(void)
{
    struct seq_buf s = {0};
    CHECK_EQ(netdev_proc_dev(&s, NULL), 0);
    if (strcmp(s.buf, proc_expected) != 0) {
        printf("  got:\n%s  expected:\n%s", s.buf, proc_expected);
    }
    CHECK(strcmp(s.buf, proc_expected) == 0);
    free(s.buf);
}

static void test_proc_net_dev_wide_numbers(void)
{
    struct seq_buf s = {0};
    dev(2)->stats.rx_bytes = 123456789012ull; /* wider than the column */
    CHECK_EQ(netdev_proc_dev(&s, NULL), 0);
    CHECK(strstr(s.buf, "  eth2:123456789012       0 ") != NULL);
    dev(2)->stats.rx_bytes = 0;
    free(s.buf);
}

static char mbuf[65536];
static size_t mlen;

static void mwrite(void *ctx, const char *text, size_t len)
{
    (void)ctx;
    if (mlen + len < sizeof(mbuf)) {
        memcpy(mbuf + mlen, text, len);
        mlen += len;
        mbuf[mlen] = 0;
    }
}

static int count_str(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) {
        n++;
    }
    return n;
}

static void test_metrics(void)
{
    static const char *const families[] = {
        "kiln_network_receive_packets_total", "kiln_network_transmit_packets_total",
        "kiln_network_receive_bytes_total",   "kiln_network_transmit_bytes_total",
        "kiln_network_receive_errors_total",  "kiln_network_transmit_errors_total",
        "kiln_network_receive_drops_total",   "kiln_network_transmit_drops_total",
    };
    struct metrics_out out = {mwrite, NULL};
    mlen = 0;
    mbuf[0] = 0;
    metrics_collect(&out);
    /* The provider was registered once although three devices registered. */
    CHECK_EQ(count_str(mbuf, "# TYPE kiln_network_receive_packets_total counter\n"), 1);
    for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
        char want[512];
        /* A whole family: HELP, TYPE, then one sample per interface. */
        const char *help = strstr(mbuf, "# HELP ");
        char head[128];
        snprintf(head, sizeof(head), "# HELP %s ", families[f]);
        help = strstr(mbuf, head);
        CHECK(help != NULL);
        const char *type = strchr(help, '\n') + 1;
        snprintf(want, sizeof(want), "# TYPE %s counter\n%s{interface=\"eth0\"} ", families[f],
                 families[f]);
        CHECK(strncmp(type, want, strlen(want)) == 0);
        const char *line = type;
        for (int i = 0; i < 3; i++) {
            line = strchr(line, '\n') + 1;
            char lab[128];
            snprintf(lab, sizeof(lab), "%s{interface=\"eth%d\"} ", families[f], i);
            CHECK(strncmp(line, lab, strlen(lab)) == 0);
        }
        CHECK_EQ(count_str(mbuf, families[f]), 5);
    }
    CHECK(strstr(mbuf, "kiln_network_receive_bytes_total{interface=\"eth0\"} 224\n") != NULL);
    CHECK(strstr(mbuf, "kiln_network_transmit_packets_total{interface=\"eth1\"} 4\n") != NULL);
    CHECK(strstr(mbuf, "kiln_network_transmit_drops_total{interface=\"eth1\"} 4\n") != NULL);
    CHECK(strstr(mbuf, "kiln_network_receive_drops_total{interface=\"eth0\"} 2\n") != NULL);
    CHECK(strstr(mbuf, "kiln_network_transmit_errors_total{interface=\"eth1\"} 2\n") != NULL);
}

static void test_register_full(void)
{
    unsigned n = netdev_count();
    for (unsigned i = n; i < NETDEV_MAX; i++) {
        setup_dev(i);
        CHECK_EQ(netdev_register(dev(i)), 0);
    }
    CHECK(strcmp(dev(NETDEV_MAX - 1)->name, "eth7") == 0);
    setup_dev(NETDEV_MAX);
    CHECK_EQ(netdev_register(dev(NETDEV_MAX)), -ENOSPC);
    CHECK_EQ(netdev_count(), NETDEV_MAX);
    CHECK(netdev_by_name("eth7") == dev(NETDEV_MAX - 1));
}

int main(void)
{
    RUN(test_register_names);
    RUN(test_receive_counts_and_dispatches);
    RUN(test_xmit_counts);
    RUN(test_xmit_mtu);
    RUN(test_xmit_wait);
    RUN(test_set_link);
    RUN(test_proc_net_dev);
    RUN(test_proc_net_dev_wide_numbers);
    RUN(test_metrics);
    RUN(test_register_full);
    HARNESS_EXIT();
}
