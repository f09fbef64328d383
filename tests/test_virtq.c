// SPDX-License-Identifier: MIT
/* drivers/virtio/virtq.c: layout, descriptor free list, publishing, kicks,
 * reaping, device-error handling, the invariant checker, and a randomized
 * simulation against a model device (tests/fakes/virtq_sim.c). */
#include <abi/errno.h>
#include <drivers/virtio.h>
#include <kernel/compiler.h>

#include <stdint.h>
#include <string.h>
#include <time.h>

#include "fakes/virtq_sim.h"
#include "harness.h"

HARNESS("test_virtq");

struct fixture {
    struct virtq q;
    void *ring;
    struct virtq_desc_state *state;
    unsigned num;
};

static bool fx_init(struct fixture *f, unsigned num, unsigned align, bool event_idx)
{
    struct virtq_layout l;

    memset(f, 0, sizeof(*f));
    if (virtq_layout(num, align, &l) || posix_memalign(&f->ring, 4096, l.size)) {
        return false;
    }
    f->state = calloc(num, sizeof(*f->state));
    f->num = num;
    if (virtq_init(&f->q, num, align, f->ring, (uintptr_t)f->ring, f->state, event_idx)) {
        return false;
    }
    f->q.debug_checks = true;
    return true;
}

static void fx_free(struct fixture *f)
{
    free(f->ring);
    free(f->state);
}

/* The device completing head with len. */
static void dev_complete(struct virtq *q, u32 head, u32 len)
{
    u16 idx = q->used->idx;
    q->used->ring[idx & (q->num - 1)].id = head;
    q->used->ring[idx & (q->num - 1)].len = len;
    __atomic_store_n(&q->used->idx, (u16)(idx + 1), __ATOMIC_RELEASE);
}

static bool marks_clear(const struct fixture *f)
{
    for (unsigned i = 0; i < f->num; i++) {
        if (f->state[i].mark) {
            return false;
        }
    }
    return true;
}

static int tok[64]; /* distinct token addresses */

static void test_layout(void)
{
    struct virtq_layout l;

    /* Legacy, 256 entries: table 4096 + avail 518 -> used at 8192, 2054
     * bytes, 3 pages in all. */
    CHECK_EQ(virtq_layout(256, VIRTQ_LEGACY_ALIGN, &l), 0);
    CHECK_EQ(l.desc_off, 0);
    CHECK_EQ(l.avail_off, 4096);
    CHECK_EQ(l.used_off, 8192);
    CHECK_EQ(l.size, 12288);
    /* Modern: the used ring only needs 4-byte alignment. */
    CHECK_EQ(virtq_layout(256, VIRTQ_MODERN_ALIGN, &l), 0);
    CHECK_EQ(l.used_off, 4616);
    CHECK_EQ(l.size, 4616 + 6 + 8 * 256 + 2);
    /* Small legacy queue: both parts still fit one page each. */
    CHECK_EQ(virtq_layout(8, VIRTQ_LEGACY_ALIGN, &l), 0);
    CHECK_EQ(l.avail_off, 128);
    CHECK_EQ(l.used_off, 4096);
    CHECK_EQ(l.size, 8192);
    /* Largest: 32768 entries. */
    CHECK_EQ(virtq_layout(32768, VIRTQ_LEGACY_ALIGN, &l), 0);
    CHECK_EQ(l.used_off, ALIGN_UP(16 * 32768 + 6 + 2 * 32768, 4096));
    for (unsigned num = 1; num <= VIRTQ_MAX_SIZE; num *= 2) {
        CHECK_EQ(virtq_layout(num, VIRTQ_MODERN_ALIGN, &l), 0);
        CHECK(IS_ALIGNED(l.avail_off, 2) && IS_ALIGNED(l.used_off, 4));
        CHECK(l.used_off >= l.avail_off + 6 + 2 * num);
        CHECK(l.size >= l.used_off + 6 + 8 * num);
    }

    CHECK_EQ(virtq_layout(0, 4096, &l), -EINVAL);
    CHECK_EQ(virtq_layout(3, 4096, &l), -EINVAL);
    CHECK_EQ(virtq_layout(65536, 4096, &l), -EINVAL);
    CHECK_EQ(virtq_layout(8, 0, &l), -EINVAL);
    CHECK_EQ(virtq_layout(8, 2, &l), -EINVAL);
    CHECK_EQ(virtq_layout(8, 48, &l), -EINVAL);
}

static void test_init(void)
{
    struct fixture f;
    struct virtq q;
    struct virtq_desc_state st[16];
    char *ring;

    CHECK(posix_memalign((void **)&ring, 4096, 3 * 4096) == 0);
    /* Legacy needs a page-aligned block, modern 16 bytes. */
    CHECK_EQ(virtq_init(&q, 16, VIRTQ_LEGACY_ALIGN, ring + 16, (uintptr_t)ring + 16, st, false),
             -EINVAL);
    CHECK_EQ(virtq_init(&q, 16, VIRTQ_MODERN_ALIGN, ring + 8, (uintptr_t)ring + 8, st, false),
             -EINVAL);
    CHECK_EQ(virtq_init(&q, 16, VIRTQ_MODERN_ALIGN, ring + 16, (uintptr_t)ring + 16, st, false), 0);
    CHECK_EQ(q.desc_phys, (uintptr_t)ring + 16);
    CHECK_EQ(q.avail_phys, (uintptr_t)ring + 16 + 256);
    CHECK_EQ(q.used_phys, (uintptr_t)ring + 16 + 256 + 40);
    CHECK_EQ(virtq_init(&q, 12, VIRTQ_MODERN_ALIGN, ring, (uintptr_t)ring, st, false), -EINVAL);
    CHECK_EQ(virtq_init(&q, 16, VIRTQ_MODERN_ALIGN, ring, (uintptr_t)ring, NULL, false), -EINVAL);
    free(ring);

    CHECK(fx_init(&f, 16, VIRTQ_LEGACY_ALIGN, true));
    CHECK_EQ(virtq_num_free(&f.q), 16);
    CHECK_EQ(virtq_check(&f.q), VIRTQ_OK);
    CHECK_EQ(f.q.free_head, 0);
    for (unsigned i = 0; i < 16; i++) {
        CHECK_EQ(f.state[i].next, i + 1 < 16 ? i + 1 : VIRTQ_END);
    }
    CHECK_EQ((char *)f.q.used - (char *)f.ring, 4096);
    CHECK_EQ((char *)f.q.avail_event - (char *)f.q.used, 4 + 8 * 16);
    CHECK_EQ((char *)f.q.used_event - (char *)f.q.avail, 4 + 2 * 16);
    CHECK(!virtq_has_used(&f.q));
    CHECK(virtq_get_used(&f.q, NULL) == NULL);
    fx_free(&f);
}

/* Posting writes the table and ring exactly; reaping puts the chain back
 * with its TAIL linked to the previous free head. */
static void test_add_and_relink(void)
{
    struct fixture f;
    struct virtq_buf a[3] = {{0x1000, 16, false}, {0x2000, 512, true}, {0x3000, 1, true}};
    struct virtq_buf b[2] = {{0x4000, 64, false}, {0x5000, 64, false}};
    u32 len;

    CHECK(fx_init(&f, 8, VIRTQ_LEGACY_ALIGN, false));
    CHECK_EQ(virtq_add_chain(&f.q, a, 3, &tok[0]), 0);
    CHECK_EQ(virtq_add_chain(&f.q, b, 2, &tok[1]), 3);
    CHECK_EQ(virtq_num_free(&f.q), 3);
    CHECK_EQ(f.q.free_head, 5);

    const struct vring_desc *d = f.q.desc;
    CHECK(d[0].addr == 0x1000 && d[0].len == 16 && d[0].flags == VIRTQ_DESC_F_NEXT &&
          d[0].next == 1);
    CHECK(d[1].addr == 0x2000 && d[1].flags == (VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE) &&
          d[1].next == 2);
    CHECK(d[2].addr == 0x3000 && d[2].flags == VIRTQ_DESC_F_WRITE);
    CHECK(d[3].flags == VIRTQ_DESC_F_NEXT && d[3].next == 4 && d[4].flags == 0);
    CHECK_EQ(f.q.avail->idx, 2);
    CHECK_EQ(f.q.avail->ring[0], 0);
    CHECK_EQ(f.q.avail->ring[1], 3);

    /* Out of order: the second chain first. Its tail (4) links to the old
     * free head (5); the free list is 3 4 5 6 7. */
    dev_complete(&f.q, 3, 0);
    CHECK(virtq_has_used(&f.q));
    CHECK(virtq_get_used(&f.q, &len) == &tok[1]);
    CHECK_EQ(len, 0);
    CHECK_EQ(f.q.free_head, 3);
    CHECK_EQ(f.state[3].next, 4);
    CHECK_EQ(f.state[4].next, 5);
    CHECK_EQ(virtq_num_free(&f.q), 5);

    dev_complete(&f.q, 0, 300);
    CHECK(virtq_get_used(&f.q, &len) == &tok[0]);
    CHECK_EQ(len, 300);
    /* 0 1 2 -> 3 4 5 6 7: the tail 2 points at the previous head 3. */
    CHECK_EQ(f.q.free_head, 0);
    CHECK_EQ(f.state[2].next, 3);
    CHECK_EQ(virtq_num_free(&f.q), 8);
    CHECK(virtq_get_used(&f.q, &len) == NULL);
    CHECK_EQ(f.q.fault, VIRTQ_OK);

    /* Draining the whole queue and giving it back keeps it consistent,
     * including the free list running empty (free_head END). */
    for (int i = 0; i < 8; i++) {
        CHECK_EQ(virtq_add_chain(&f.q, b, 1, &tok[i]), i);
    }
    CHECK_EQ(f.q.free_head, VIRTQ_END);
    CHECK_EQ(virtq_num_free(&f.q), 0);
    dev_complete(&f.q, 5, 0);
    CHECK(virtq_get_used(&f.q, NULL) == &tok[5]);
    CHECK_EQ(f.q.free_head, 5);
    CHECK_EQ(f.state[5].next, VIRTQ_END); /* tail -> previous head, END */
    CHECK_EQ(virtq_check(&f.q), VIRTQ_OK);
    CHECK(marks_clear(&f));
    fx_free(&f);
}

static void test_eagain_einval(void)
{
    struct fixture f;
    struct virtq_buf bufs[9] = {{0}};
    struct virtq_buf wr[2] = {{0x1000, 4, true}, {0x2000, 4, false}};

    CHECK(fx_init(&f, 8, VIRTQ_MODERN_ALIGN, false));
    CHECK_EQ(virtq_add_chain(&f.q, bufs, 4, &tok[0]), 0);
    CHECK_EQ(virtq_add_chain(&f.q, bufs, 3, &tok[1]), 4);
    /* One left: a 2-chain waits, and nothing changes. */
    CHECK_EQ(virtq_add_chain(&f.q, bufs, 2, &tok[2]), -EAGAIN);
    CHECK_EQ(virtq_num_free(&f.q), 1);
    CHECK_EQ(f.q.avail->idx, 2);
    CHECK_EQ(virtq_add_chain(&f.q, bufs, 1, &tok[2]), 7);
    CHECK_EQ(virtq_add_chain(&f.q, bufs, 1, &tok[3]), -EAGAIN);

    CHECK_EQ(virtq_add_chain(&f.q, bufs, 0, &tok[3]), -EINVAL);
    CHECK_EQ(virtq_add_chain(&f.q, bufs, 1, NULL), -EINVAL);
    CHECK_EQ(virtq_add_chain(&f.q, bufs, 9, &tok[3]), -EINVAL); /* never fits */
    CHECK_EQ(virtq_add_chain(&f.q, wr, 2, &tok[3]), -EINVAL); /* writable first */
    CHECK_EQ(virtq_check(&f.q), VIRTQ_OK);
    CHECK_EQ(f.q.fault, VIRTQ_OK);
    fx_free(&f);
}

static void test_kick(void)
{
    struct fixture f;
    struct virtq_buf b = {0x1000, 8, false};

    /* Without EVENT_IDX: used->flags decides. */
    CHECK(fx_init(&f, 16, VIRTQ_LEGACY_ALIGN, false));
    CHECK(virtq_add_chain(&f.q, &b, 1, &tok[0]) >= 0);
    CHECK(virtq_kick_needed(&f.q));
    f.q.used->flags = VIRTQ_USED_F_NO_NOTIFY;
    CHECK(virtq_add_chain(&f.q, &b, 1, &tok[1]) >= 0);
    CHECK(!virtq_kick_needed(&f.q));
    fx_free(&f);

    /* With EVENT_IDX: kick iff avail_event is in [old idx, new idx). */
    CHECK(fx_init(&f, 16, VIRTQ_LEGACY_ALIGN, true));
    f.q.used->flags = VIRTQ_USED_F_NO_NOTIFY; /* ignored now */
    *f.q.avail_event = 0;
    CHECK(virtq_add_chain(&f.q, &b, 1, &tok[0]) >= 0); /* idx 0 -> 1 */
    CHECK(virtq_kick_needed(&f.q));
    CHECK(virtq_add_chain(&f.q, &b, 1, &tok[1]) >= 0); /* 1 -> 2 */
    CHECK(!virtq_kick_needed(&f.q));
    *f.q.avail_event = 5;
    for (int i = 2; i < 5; i++) {
        CHECK(virtq_add_chain(&f.q, &b, 1, &tok[i]) >= 0); /* -> 5 */
    }
    CHECK(!virtq_kick_needed(&f.q));
    CHECK(virtq_add_chain(&f.q, &b, 1, &tok[5]) >= 0); /* 5 -> 6 */
    CHECK(virtq_kick_needed(&f.q));
    /* A batch that passes the event in the middle still kicks. */
    *f.q.avail_event = 7;
    for (int i = 6; i < 9; i++) {
        CHECK(virtq_add_chain(&f.q, &b, 1, &tok[i]) >= 0); /* 6 -> 9 */
    }
    CHECK(virtq_kick_needed(&f.q));
    /* Nothing new: no kick. */
    *f.q.avail_event = 9;
    CHECK(!virtq_kick_needed(&f.q));
    fx_free(&f);
}

static void test_interrupt_suppression(void)
{
    struct fixture f;
    struct virtq_buf b = {0x1000, 8, true};

    CHECK(fx_init(&f, 8, VIRTQ_MODERN_ALIGN, false));
    virtq_disable_cb(&f.q);
    CHECK(f.q.avail->flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
    CHECK_EQ(virtq_add_chain(&f.q, &b, 1, &tok[0]), 0);
    CHECK(virtq_enable_cb(&f.q));
    CHECK(!(f.q.avail->flags & VIRTQ_AVAIL_F_NO_INTERRUPT));
    virtq_disable_cb(&f.q);
    dev_complete(&f.q, 0, 8);
    /* A completion arrived while interrupts were off: do not sleep. */
    CHECK(!virtq_enable_cb(&f.q));
    CHECK(virtq_get_used(&f.q, NULL) == &tok[0]);
    CHECK(virtq_enable_cb(&f.q));
    fx_free(&f);

    CHECK(fx_init(&f, 8, VIRTQ_MODERN_ALIGN, true));
    CHECK_EQ(virtq_add_chain(&f.q, &b, 1, &tok[0]), 0);
    dev_complete(&f.q, 0, 8);
    CHECK(virtq_get_used(&f.q, NULL) == &tok[0]);
    CHECK_EQ(*f.q.used_event, 1); /* interrupt at the next completion */
    virtq_disable_cb(&f.q);
    CHECK_EQ(*f.q.used_event, 0); /* behind the device: no interrupt */
    CHECK(!(f.q.avail->flags & VIRTQ_AVAIL_F_NO_INTERRUPT)); /* flag unused */
    CHECK_EQ(virtq_add_chain(&f.q, &b, 1, &tok[1]), 0);
    dev_complete(&f.q, 0, 8);
    CHECK(virtq_get_used(&f.q, NULL) == &tok[1]);
    CHECK_EQ(*f.q.used_event, 0); /* not advanced while disabled */
    CHECK(virtq_enable_cb(&f.q));
    CHECK_EQ(*f.q.used_event, 2);
    fx_free(&f);
}

/* What a device does after publishing used idx new (was old): interrupt
 * iff used_event lies in [old, new). */
static bool dev_irq(const struct virtq *q, u16 old, u16 new)
{
    u16 ev = *q->used_event;
    return (u16)(new - ev - 1) < (u16)(new - old);
}

/* EVENT_IDX, driver and device together, across the 16-bit wrap: the
 * device interrupts exactly when its idx passes used_event, the worker's
 * disable / reap / enable loop never sleeps on a completion, and kicks
 * happen exactly when the batch passes avail_event. */
static void test_event_idx(void)
{
    struct fixture f;
    struct virtq_buf b = {0x1000, 8, true};
    const u16 start = 65531;

    CHECK(fx_init(&f, 8, VIRTQ_LEGACY_ALIGN, true));
    /* A ring used 65531 times: indices wrap after five requests. */
    f.q.avail_idx = f.q.last_used = f.q.kick_idx = start;
    f.q.avail->idx = f.q.used->idx = start;
    *f.q.used_event = start;
    *f.q.avail_event = start;

    for (unsigned round = 0; round < 6; round++) {
        u16 old = f.q.used->idx;
        /* Driver posts three; the device asked to hear of the first only. */
        for (unsigned i = 0; i < 3; i++) {
            CHECK(virtq_add_chain(&f.q, &b, 1, &tok[i]) >= 0);
            CHECK_EQ(virtq_kick_needed(&f.q), i == 0);
        }
        /* Interrupts enabled, all reaped: the first completion interrupts,
         * the next two (driver has not reaped yet) do not. */
        CHECK(virtq_enable_cb(&f.q));
        for (unsigned i = 0; i < 3; i++) {
            u16 h = f.q.used->idx;
            dev_complete(&f.q, f.q.avail->ring[h & 7], 8);
            CHECK_EQ(dev_irq(&f.q, h, (u16)(h + 1)), i == 0);
        }
        /* Worker: disable, reap everything (used_event stays behind the
         * device), a completion races in and raises nothing. */
        virtq_disable_cb(&f.q);
        CHECK(virtq_get_used(&f.q, NULL) == &tok[0]);
        CHECK(virtq_add_chain(&f.q, &b, 1, &tok[3]) >= 0);
        virtq_kick_needed(&f.q);
        CHECK(virtq_get_used(&f.q, NULL) == &tok[1]);
        CHECK(virtq_get_used(&f.q, NULL) == &tok[2]);
        u16 h = f.q.used->idx;
        dev_complete(&f.q, f.q.avail->ring[h & 7], 8);
        CHECK(!dev_irq(&f.q, h, (u16)(h + 1)));
        /* enable sees it: reap again rather than sleep. */
        CHECK(!virtq_enable_cb(&f.q));
        CHECK_EQ(*f.q.used_event, f.q.last_used);
        CHECK(virtq_get_used(&f.q, NULL) == &tok[3]);
        CHECK(virtq_enable_cb(&f.q));
        CHECK_EQ(*f.q.used_event, (u16)(old + 4));
        /* Now asleep: the device's next completion must interrupt. Re-arm
         * avail_event at the device's position for the next round. */
        *f.q.avail_event = f.q.avail_idx;
        CHECK_EQ(f.q.fault, VIRTQ_OK);
    }
    CHECK((u16)(f.q.last_used - start) == 24 && f.q.last_used < start); /* wrapped */
    fx_free(&f);
}

/* The device is not trusted: bad ids and a runaway used idx fault the
 * queue instead of corrupting the free list. */
static void test_device_errors(void)
{
    struct fixture f;
    struct virtq_buf b[2] = {{0x1000, 8, false}, {0x2000, 8, true}};
    u32 bad_ids[] = {8, 0xffffffffu, 1 /* inside a chain */, 5 /* free */};

    for (unsigned i = 0; i < ARRAY_SIZE(bad_ids); i++) {
        CHECK(fx_init(&f, 8, VIRTQ_MODERN_ALIGN, false));
        CHECK_EQ(virtq_add_chain(&f.q, b, 2, &tok[0]), 0);
        dev_complete(&f.q, bad_ids[i], 0);
        CHECK(virtq_get_used(&f.q, NULL) == NULL);
        CHECK_EQ(f.q.fault, VIRTQ_FAULT_DEVICE_ID);
        /* Dead from now on. */
        CHECK_EQ(virtq_add_chain(&f.q, b, 1, &tok[1]), -EIO);
        CHECK(!virtq_kick_needed(&f.q));
        CHECK(!virtq_has_used(&f.q));
        fx_free(&f);
    }

    /* The same head completed twice: the second is not in flight. */
    CHECK(fx_init(&f, 8, VIRTQ_MODERN_ALIGN, false));
    CHECK_EQ(virtq_add_chain(&f.q, b, 2, &tok[0]), 0);
    CHECK_EQ(virtq_add_chain(&f.q, b, 2, &tok[1]), 2);
    dev_complete(&f.q, 0, 0);
    dev_complete(&f.q, 0, 0);
    CHECK(virtq_get_used(&f.q, NULL) == &tok[0]);
    CHECK(virtq_get_used(&f.q, NULL) == NULL);
    CHECK_EQ(f.q.fault, VIRTQ_FAULT_DEVICE_ID);
    fx_free(&f);

    /* More completions than chains in flight. */
    CHECK(fx_init(&f, 8, VIRTQ_MODERN_ALIGN, false));
    CHECK_EQ(virtq_add_chain(&f.q, b, 2, &tok[0]), 0);
    f.q.used->ring[0].id = 0;
    __atomic_store_n(&f.q.used->idx, 2, __ATOMIC_RELEASE);
    CHECK(virtq_get_used(&f.q, NULL) == NULL);
    CHECK_EQ(f.q.fault, VIRTQ_FAULT_DEVICE_IDX);
    fx_free(&f);
}

/* Each kind of corruption is reported by virtq_check() with its own code,
 * and the check leaves no marks behind. */
static void test_checker(void)
{
    struct fixture f;
    struct virtq_buf b[3] = {{0x1000, 8, false}, {0x2000, 8, true}, {0x3000, 8, true}};

    CHECK(fx_init(&f, 16, VIRTQ_LEGACY_ALIGN, false));
    f.q.debug_checks = false; /* we corrupt by hand */
    CHECK_EQ(virtq_add_chain(&f.q, b, 3, &tok[0]), 0); /* 0 1 2 */
    CHECK_EQ(virtq_add_chain(&f.q, b, 2, &tok[1]), 3); /* 3 4 */
    CHECK_EQ(virtq_add_chain(&f.q, b, 1, &tok[2]), 5); /* 5 */
    /* Free list: 6 .. 15. */
    struct virtq saved = f.q;
    struct virtq_desc_state st[16];
    struct vring_desc desc[16];
    memcpy(st, f.state, sizeof(st));
    memcpy(desc, f.q.desc, sizeof(desc));
#define RESTORE()                                                                                  \
    do {                                                                                           \
        f.q = saved;                                                                               \
        memcpy(f.state, st, sizeof(st));                                                           \
        memcpy(f.q.desc, desc, sizeof(desc));                                                      \
        f.q.avail->idx = saved.avail_idx;                                                          \
    } while (0)
#define EXPECT(fault)                                                                              \
    do {                                                                                           \
        CHECK_EQ(virtq_check(&f.q), fault);                                                        \
        CHECK(marks_clear(&f));                                                                    \
        RESTORE();                                                                                 \
        CHECK_EQ(virtq_check(&f.q), VIRTQ_OK);                                                     \
    } while (0)

    CHECK_EQ(virtq_check(&f.q), VIRTQ_OK);

    f.q.free_head = 16; /* neither a descriptor nor END */
    EXPECT(VIRTQ_FAULT_HEADER);
    f.state[9].next = 40;
    EXPECT(VIRTQ_FAULT_FREE_RANGE);
    f.state[15].next = 6; /* cycle */
    EXPECT(VIRTQ_FAULT_FREE_TWICE);
    f.q.num_free++;
    EXPECT(VIRTQ_FAULT_FREE_LENGTH);
    f.state[8].in_flight = 1;
    EXPECT(VIRTQ_FAULT_FREE_BUSY);
    /* Kerla's bug: a free descriptor's link leads into in-flight chains. */
    f.state[15].next = 0;
    EXPECT(VIRTQ_FAULT_FREE_BUSY);
    /* The same with the in-flight bits wrong too: still two owners. */
    f.state[15].next = 1;
    f.state[1].in_flight = 0;
    f.state[2].in_flight = 0;
    f.q.num_free += 2;
    EXPECT(VIRTQ_FAULT_DOUBLE_OWNER);
    /* Two chains overlapping: chain 3's second descriptor is chain 0's. */
    f.state[3].next = 1;
    f.q.desc[3].next = 1;
    EXPECT(VIRTQ_FAULT_DOUBLE_OWNER);
    f.q.desc[1].flags &= ~VIRTQ_DESC_F_NEXT; /* table disagrees with the chain */
    EXPECT(VIRTQ_FAULT_CHAIN_SHAPE);
    f.q.desc[0].next = 2;
    EXPECT(VIRTQ_FAULT_CHAIN_SHAPE);
    f.state[0].chain_len = 2; /* tail's link is not END */
    EXPECT(VIRTQ_FAULT_CHAIN_SHAPE);
    f.state[2].next = 6; /* chain runs on into the free list */
    EXPECT(VIRTQ_FAULT_CHAIN_SHAPE);
    f.state[2].next = 99;
    f.state[0].chain_len = 4;
    EXPECT(VIRTQ_FAULT_CHAIN_SHAPE);
    /* A leaked descriptor: dropped from the free list. */
    f.q.free_head = 7;
    f.q.num_free--;
    EXPECT(VIRTQ_FAULT_ORPHAN);
    /* A lost token leaks its whole chain. */
    f.state[5].token = NULL;
    f.state[5].chain_len = 0;
    EXPECT(VIRTQ_FAULT_ORPHAN);
    f.q.last_used++; /* one fewer chain than published */
    EXPECT(VIRTQ_FAULT_COUNT);
    f.q.avail->idx++;
    EXPECT(VIRTQ_FAULT_COUNT);
#undef EXPECT
#undef RESTORE
    for (int i = VIRTQ_OK; i <= VIRTQ_FAULT_DEVICE_ID; i++) {
        CHECK(strcmp(virtq_fault_str(i), "unknown fault") != 0);
    }
    fx_free(&f);
}

/* Millions of randomized steps over queue sizes 8..1024, both layouts, with
 * and without EVENT_IDX, invariants checked after every step. VIRTQ_VERBOSE=1
 * prints each run's figures. */
static void test_simulated_device(void)
{
    unsigned long total_ops = 0, total_eagain = 0, total_full = 0;
    struct timespec t0, t1, c0, c1;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned num = 8; num <= 1024; num *= 2) {
        for (int v = 0; v < 2; v++) {
            struct sim_config cfg = {
                .num = num,
                .align = v ? VIRTQ_MODERN_ALIGN : VIRTQ_LEGACY_ALIGN,
                .event_idx = v == 0,
                .debug_checks = true,
                .check_every_step = true,
                /* The check is O(num): fewer steps on big queues. */
                .steps = num <= 64 ? 800000 : 38400000 / num + 100000,
                .seed = harness_rand(),
                .start_idx = (u16)(65536 - 2 * num), /* wraps early */
            };
            struct sim_result res;
            clock_gettime(CLOCK_MONOTONIC, &c0);
            bool ok = sim_run(&cfg, &res);
            clock_gettime(CLOCK_MONOTONIC, &c1);
            if (!ok) {
                printf("  num %u %s: step %lu: fault '%s' error '%s'\n", num,
                       v ? "modern" : "legacy+event_idx", res.fail_step, virtq_fault_str(res.fault),
                       res.error);
            }
            if (getenv("VIRTQ_VERBOSE")) {
                printf("  num %4u %-16s steps %lu ops %lu adds %lu reaps %lu eagain %lu full %lu "
                       "backlog %u kicks %lu/%lu %.2fs\n",
                       num, v ? "modern" : "legacy+event_idx", res.steps, res.ops, res.adds,
                       res.reaps, res.eagain, res.full, res.max_device_backlog, res.kicks,
                       res.kick_checks, (c1.tv_sec - c0.tv_sec) + (c1.tv_nsec - c0.tv_nsec) / 1e9);
            }
            CHECK(ok);
            /* The run must have exercised what it claims. */
            CHECK(res.eagain > 0 && res.full > 0);
            CHECK(res.kicks > 0 && res.kicks < res.kick_checks);
            CHECK(res.irqs > 0 && res.sleeps > 0 && res.irqs < res.completed);
            CHECK(res.max_device_backlog * 4 >= num); /* the device lagged far behind */
            CHECK(res.reaps > 2 * num); /* the 16-bit indices wrapped */
            CHECK(res.reaps + num >= res.adds);
            total_ops += res.ops;
            total_eagain += res.eagain;
            total_full += res.full;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("  %lu operations (%lu -EAGAIN, %lu with the ring full), %.1f s\n", total_ops,
           total_eagain, total_full, (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    CHECK(total_ops >= 2000000);
}

int main(void)
{
    harness_seed(0x5eed7a11);
    RUN(test_layout);
    RUN(test_init);
    RUN(test_add_and_relink);
    RUN(test_eagain_einval);
    RUN(test_kick);
    RUN(test_interrupt_suppression);
    RUN(test_event_idx);
    RUN(test_device_errors);
    RUN(test_checker);
    RUN(test_simulated_device);
    HARNESS_EXIT();
}
