// SPDX-License-Identifier: MIT
/* Raw Ethernet frame rate between two NICs on one link (tools/bench-virtio.py
 * runs it under Linux with two virtio-net NICs on one QEMU hub; Kiln's
 * figure comes from its in-kernel self-test net_hub_frames).
 *
 *   rawframes [TX_IF [RX_IF [COUNT [WINDOW]]]]   defaults: eth0 eth1 10000 64
 *
 * Brings both interfaces up, then sends COUNT frames of pseudo-random sizes
 * (60..1514 bytes, fixed seed) with ethertype 0x88b5 from TX_IF to RX_IF's
 * address over an AF_PACKET socket and receives them on RX_IF in the same
 * process, with at most WINDOW frames in flight. A frame not seen within a
 * second of the last progress counts as lost. /proc/interrupts is read
 * before and after: the lines naming "virtio", and all lines (the local
 * timer too). Prints:
 *
 *   BENCH START <sysname> <release>
 *   BENCH net_frames_per_s <received frames/s> sent= received= lost= bad= ms=
 *   BENCH net_irqs_per_frame <virtio interrupts / received frame> irqs=
 *   BENCH net_all_irqs_per_frame <all interrupts / received frame> irqs=
 *   BENCH DONE
 *
 * A figure that cannot be measured prints `BENCH <name> n/a <reason>`.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define ETHERTYPE_BENCH 0x88b5 /* IEEE local experimental */
#define FRAME_MIN 60
#define FRAME_MAX 1514
#define MAGIC 0x4b494c4eU /* "KILN" */

struct payload {
    uint32_t magic;
    uint32_t seq;
    uint32_t len;
};

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sum of the counts on the /proc/interrupts lines that mention "virtio"
 * (with all set: on every line but Linux's MCP, ERR and MIS, which count
 * polls and errors, not interrupts); -1 if the file cannot be read. */
static long long count_irqs(int all)
{
    FILE *f = fopen("/proc/interrupts", "r");
    if (!f) {
        return -1;
    }
    char line[512];
    long long sum = 0;
    while (fgets(line, sizeof(line), f)) {
        char *colon = strchr(line, ':');
        if (!colon || (!all && !strstr(line, "virtio"))) {
            continue;
        }
        char *label = line + strspn(line, " ");
        if (all && (!strncmp(label, "MCP:", 4) || !strncmp(label, "ERR:", 4) ||
                    !strncmp(label, "MIS:", 4))) {
            continue;
        }
        char *p = colon + 1;
        for (;;) {
            char *end;
            long long v = strtoll(p, &end, 10);
            if (end == p) {
                break;
            }
            sum += v;
            p = end;
        }
    }
    fclose(f);
    return sum;
}

static int if_up(int s, const char *name, unsigned char mac[6])
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0) {
        return -1;
    }
    if (!(ifr.ifr_flags & IFF_UP)) {
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0) {
            return -1;
        }
    }
    if (ioctl(s, SIOCGIFHWADDR, &ifr) != 0) {
        return -1;
    }
    memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    return 0;
}

static int packet_socket(int ifindex, int proto)
{
    int s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(proto));
    if (s < 0) {
        return -1;
    }
    struct sockaddr_ll sll;
    memset(&sll, 0, sizeof(sll));
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(proto);
    sll.sll_ifindex = ifindex;
    if (bind(s, (struct sockaddr *)&sll, sizeof(sll)) != 0) {
        close(s);
        return -1;
    }
    return s;
}

static unsigned char frame[FRAME_MAX];
static unsigned char rxbuf[2048];

static int send_frame(int tx, const unsigned char dst[6], const unsigned char src[6], uint32_t seq,
                      uint32_t len)
{
    struct ether_header *eh = (struct ether_header *)frame;
    memcpy(eh->ether_dhost, dst, 6);
    memcpy(eh->ether_shost, src, 6);
    eh->ether_type = htons(ETHERTYPE_BENCH);
    struct payload pl = {MAGIC, seq, len};
    memcpy(frame + sizeof(*eh), &pl, sizeof(pl));
    return send(tx, frame, len, 0) == (ssize_t)len ? 0 : -1;
}

/* Drains rx; returns the number of good frames, adds malformed ones to bad. */
static long drain(int rx, long *bad)
{
    long got = 0;
    for (;;) {
        struct sockaddr_ll from;
        socklen_t fl = sizeof(from);
        ssize_t n = recvfrom(rx, rxbuf, sizeof(rxbuf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
        if (n < 0) {
            return got;
        }
        if (from.sll_pkttype == PACKET_OUTGOING) {
            continue;
        }
        struct payload pl;
        if (n < (ssize_t)(sizeof(struct ether_header) + sizeof(pl))) {
            (*bad)++;
            continue;
        }
        memcpy(&pl, rxbuf + sizeof(struct ether_header), sizeof(pl));
        if (pl.magic != MAGIC || pl.len != (uint32_t)n) {
            (*bad)++;
            continue;
        }
        got++;
    }
}

static void run(const char *txname, const char *rxname, long count, long window)
{
    int ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    unsigned char txmac[6], rxmac[6];
    if (ctl < 0 || if_up(ctl, txname, txmac) != 0 || if_up(ctl, rxname, rxmac) != 0) {
        printf("BENCH net_frames_per_s n/a cannot bring up %s and %s: %s\n", txname, rxname,
               strerror(errno));
        return;
    }
    close(ctl);
    int tx = packet_socket(if_nametoindex(txname), 0);
    int rx = packet_socket(if_nametoindex(rxname), ETHERTYPE_BENCH);
    if (tx < 0 || rx < 0) {
        printf("BENCH net_frames_per_s n/a AF_PACKET socket: %s\n", strerror(errno));
        return;
    }
    int rcvbuf = 4 << 20;
    setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    memset(frame, 0xa5, sizeof(frame));

    /* Warm-up: wait (up to 5 s) until a frame gets through, then drain. */
    long bad = 0, got = 0;
    double until = now_s() + 5;
    while (got == 0 && now_s() < until) {
        send_frame(tx, rxmac, txmac, 0xffffffffU, FRAME_MIN);
        struct pollfd p = {rx, POLLIN, 0};
        if (poll(&p, 1, 100) > 0) {
            got = drain(rx, &bad);
        }
    }
    if (got == 0) {
        printf("BENCH net_frames_per_s n/a no frame from %s reached %s in 5 s\n", txname, rxname);
        return;
    }
    usleep(200000);
    drain(rx, &bad);
    bad = 0;

    long long irq0 = count_irqs(0), all0 = count_irqs(1);
    long sent = 0, recvd = 0, lost = 0;
    double t0 = now_s();
    double last_progress = t0;
    while (recvd + lost < count) {
        while (sent < count && sent - recvd - lost < window) {
            uint32_t len = FRAME_MIN + next_rand() % (FRAME_MAX - FRAME_MIN + 1);
            if (send_frame(tx, rxmac, txmac, (uint32_t)sent, len) != 0) {
                if (errno == ENOBUFS || errno == EAGAIN) {
                    break;
                }
                printf("BENCH net_frames_per_s n/a send: %s\n", strerror(errno));
                return;
            }
            sent++;
        }
        struct pollfd p = {rx, POLLIN, 0};
        poll(&p, 1, 100);
        long n = drain(rx, &bad);
        double t = now_s();
        if (n > 0) {
            recvd += n;
            last_progress = t;
        } else if (t - last_progress > 1.0) {
            lost += sent - recvd - lost;
            last_progress = t;
        }
    }
    double dt = now_s() - t0;
    long long irq1 = count_irqs(0), all1 = count_irqs(1);
    printf("BENCH net_frames_per_s %.0f sent=%ld received=%ld lost=%ld bad=%ld ms=%.0f\n",
           (double)recvd / dt, sent, recvd, lost, bad, dt * 1e3);
    if (irq0 < 0 || irq1 < 0) {
        printf("BENCH net_irqs_per_frame n/a cannot read /proc/interrupts\n");
    } else if (recvd == 0) {
        printf("BENCH net_irqs_per_frame n/a no frame received\n");
    } else {
        printf("BENCH net_irqs_per_frame %.3f irqs=%lld\n", (double)(irq1 - irq0) / recvd,
               irq1 - irq0);
        printf("BENCH net_all_irqs_per_frame %.3f irqs=%lld\n", (double)(all1 - all0) / recvd,
               all1 - all0);
    }
    close(tx);
    close(rx);
}

int main(int argc, char **argv)
{
    const char *txname = argc > 1 ? argv[1] : "eth0";
    const char *rxname = argc > 2 ? argv[2] : "eth1";
    long count = argc > 3 ? strtol(argv[3], NULL, 0) : 10000;
    long window = argc > 4 ? strtol(argv[4], NULL, 0) : 64;

    setvbuf(stdout, NULL, _IOLBF, 0);
    struct utsname u;
    if (uname(&u) == 0) {
        printf("BENCH START %s %s\n", u.sysname, u.release);
    }
    if (count <= 0 || window <= 0) {
        printf("BENCH net_frames_per_s n/a bad arguments\n");
    } else {
        run(txname, rxname, count, window);
    }
    printf("BENCH DONE\n");
    return 0;
}
