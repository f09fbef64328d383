// SPDX-License-Identifier: MIT
/* Simulated split-virtqueue device and driver model: see virtq_sim.h. */
#include "virtq_sim.h"

#include <abi/errno.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHAIN 4

enum req_state { R_FREE, R_POSTED, R_CONSUMED, R_COMPLETED };

/* One request (the token the driver passes). */
struct req {
    enum req_state st;
    unsigned n;
    struct virtq_buf bufs[MAX_CHAIN];
    u16 desc[MAX_CHAIN]; /* descriptors it got, read from the table at add */
    int head;
    u32 used_len; /* what the device reported */
};

/* What the device read for a head when it consumed it. */
struct dev_chain {
    unsigned n;
    u16 desc[MAX_CHAIN];
    struct vring_desc snap[MAX_CHAIN];
};

enum action { A_ADD, A_KICK, A_HINT, A_CONSUME, A_COMPLETE, A_REAP, A_CB, A_INVALID, A_COUNT };

/* Per-phase weights of each action. The phases make the device lag (or
 * stop) for a while so the ring fills, or the driver stop reaping. */
static const unsigned phase_weights[][A_COUNT] = {
    /* balanced */ {30, 5, 2, 20, 20, 20, 2, 1},
    /* device stalled: the ring fills, adds get -EAGAIN */ {60, 5, 2, 0, 0, 30, 2, 1},
    /* device hoarding: consumes, rarely completes */ {40, 5, 2, 40, 2, 10, 2, 1},
    /* device slow */ {50, 5, 2, 5, 5, 30, 2, 1},
    /* drain: no new work */ {0, 0, 2, 40, 40, 20, 2, 0},
    /* driver not reaping: the used ring fills */ {40, 5, 2, 25, 25, 0, 2, 1},
};
#define NPHASES (sizeof(phase_weights) / sizeof(phase_weights[0]))

struct sim {
    const struct sim_config *cfg;
    struct sim_result *res;
    unsigned long long rng;
    unsigned long step;

    struct virtq q;
    void *ring;
    struct virtq_desc_state *state;

    /* Driver model. */
    struct req *reqs; /* num + 1: one spare for refused adds */
    unsigned *req_free;
    unsigned nreq_free;
    struct req **by_head; /* in-flight request per head */
    int *owner; /* per descriptor: owning head (driver's view) or -1 */
    unsigned inflight_descs;
    struct req **done; /* FIFO of completed requests, in used-ring order */
    unsigned done_head, done_count;
    u16 kick_old; /* avail idx at the previous kick decision */
    /* enable_cb said idle and nothing was reaped or disabled since: the
     * driver sleeps until the device's next interrupt, which must come. */
    bool sleeping;

    /* Device. */
    u16 dev_last_avail;
    u16 dev_used_idx;
    int *dev_owner; /* per descriptor: head the device holds it for, or -1 */
    struct dev_chain *dev_chain;
    u16 *pending; /* consumed, not completed heads */
    unsigned npending;
    bool sabotaged;
    unsigned long long serial; /* of the last request built */
};

static unsigned long long rnd(struct sim *s)
{
    unsigned long long x = s->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    s->rng = x;
    return x;
}

static unsigned rnd_below(struct sim *s, unsigned n)
{
    return (unsigned)(rnd(s) % n);
}

__attribute__((format(printf, 2, 3))) static bool fail(struct sim *s, const char *fmt, ...)
{
    va_list ap;

    if (s->res->error[0]) {
        return false;
    }
    va_start(ap, fmt);
    vsnprintf(s->res->error, sizeof(s->res->error), fmt, ap);
    va_end(ap);
    return false;
}

static bool op_add(struct sim *s)
{
    struct virtq *q = &s->q;
    unsigned n = 1 + rnd_below(s, MAX_CHAIN);
    unsigned readable = rnd_below(s, n + 1);
    struct req *r = &s->reqs[s->req_free[s->nreq_free - 1]];
    unsigned long long serial = ++s->serial;

    r->n = n;
    for (unsigned i = 0; i < n; i++) {
        /* Unique addresses: any mix-up between requests shows. */
        r->bufs[i].addr = (serial << 12) | (i << 8) | rnd_below(s, 256);
        r->bufs[i].len = 1 + rnd_below(s, 65536);
        r->bufs[i].write = i >= readable;
    }

    unsigned expect_free = s->cfg->num - s->inflight_descs;
    u16 avail_before = q->avail->idx;
    int head = virtq_add_chain(q, r->bufs, n, r);
    if (q->fault) {
        return true;
    }
    s->res->ops++;
    if (n > expect_free) {
        if (head != -EAGAIN) {
            return fail(s, "add of %u with %u free returned %d, not -EAGAIN", n, expect_free, head);
        }
        if (virtq_num_free(q) != expect_free || q->avail->idx != avail_before) {
            return fail(s, "refused add changed the queue");
        }
        s->res->eagain++;
        if (expect_free == 0) {
            s->res->full++;
        }
        return true;
    }
    if (head < 0 || head >= (int)s->cfg->num) {
        return fail(s, "add of %u with %u free returned %d", n, expect_free, head);
    }
    if (s->by_head[head]) {
        return fail(s, "head %d handed out while in flight", head);
    }
    /* Read the chain back from the shared table, as the device will, and
     * check no descriptor of it belongs to another in-flight request. */
    u16 d = (u16)head;
    for (unsigned i = 0; i < n; i++) {
        if (d >= s->cfg->num) {
            return fail(s, "chain %d: link %u out of range", head, d);
        }
        if (s->owner[d] != -1) {
            return fail(s, "descriptor %u handed out to chain %d while in flight in chain %d", d,
                        head, s->owner[d]);
        }
        const struct vring_desc *desc = &q->desc[d];
        bool last = i + 1 == n;
        if (desc->addr != r->bufs[i].addr || desc->len != r->bufs[i].len ||
            !!(desc->flags & VIRTQ_DESC_F_WRITE) != r->bufs[i].write ||
            !!(desc->flags & VIRTQ_DESC_F_NEXT) == last) {
            return fail(s, "chain %d: descriptor %u does not hold buffer %u", head, d, i);
        }
        s->owner[d] = head;
        r->desc[i] = d;
        d = desc->next;
    }
    if (q->avail->idx != (u16)(avail_before + 1) ||
        q->avail->ring[avail_before & (s->cfg->num - 1)] != head) {
        return fail(s, "chain %d not published in the available ring", head);
    }
    r->head = head;
    r->st = R_POSTED;
    s->by_head[head] = r;
    s->nreq_free--;
    s->inflight_descs += n;
    s->res->adds++;
    return true;
}

static bool op_kick(struct sim *s)
{
    struct virtq *q = &s->q;
    u16 old = s->kick_old;
    u16 new = q->avail->idx;
    bool expect;

    if (s->cfg->event_idx) {
        /* The device asked to hear when idx passes avail_event. */
        u16 ev = *q->avail_event;
        expect = (u16)(ev - old) < (u16)(new - old);
    } else {
        expect = !(q->used->flags & VIRTQ_USED_F_NO_NOTIFY);
    }
    bool got = virtq_kick_needed(q);
    s->kick_old = new;
    s->res->ops++;
    s->res->kick_checks++;
    s->res->kicks += got;
    if (got != expect) {
        return fail(s, "kick_needed %d, expected %d (old %u new %u)", got, expect, old, new);
    }
    return true;
}

/* Device: moves its notification hints (used->flags, avail_event). */
static bool op_hint(struct sim *s)
{
    struct virtq *q = &s->q;

    if (s->cfg->event_idx) {
        /* Around where it has read up to, as a real device would set it. */
        *q->avail_event = (u16)(s->dev_last_avail + rnd_below(s, 8) - 2);
    } else {
        q->used->flags = rnd_below(s, 2) ? VIRTQ_USED_F_NO_NOTIFY : 0;
    }
    s->res->ops++;
    return true;
}

/* Device: takes the next available head and checks the chain is exactly
 * what the driver posted, and shares no descriptor with a chain it holds. */
static bool op_consume(struct sim *s)
{
    struct virtq *q = &s->q;
    unsigned num = s->cfg->num;
    u16 avail_idx = __atomic_load_n(&q->avail->idx, __ATOMIC_ACQUIRE);

    if (avail_idx == s->dev_last_avail) {
        return true;
    }
    u16 head = q->avail->ring[s->dev_last_avail & (num - 1)];
    s->dev_last_avail++;
    s->res->ops++;
    if (head >= num) {
        return fail(s, "device: avail entry names descriptor %u", head);
    }
    struct req *r = s->by_head[head];
    if (!r || r->st != R_POSTED) {
        return fail(s, "device: head %u was not posted (or is posted twice)", head);
    }
    struct dev_chain *dc = &s->dev_chain[head];
    u16 d = head;
    unsigned i = 0;
    for (;;) {
        if (d >= num) {
            return fail(s, "device: chain %u links to %u", head, d);
        }
        if (i >= r->n) {
            return fail(s, "device: chain %u longer than the %u buffers posted", head, r->n);
        }
        if (s->dev_owner[d] != -1) {
            return fail(s, "device: descriptor %u is in chain %d and chain %u at once", d,
                        s->dev_owner[d], head);
        }
        const struct vring_desc *desc = &q->desc[d];
        if (desc->addr != r->bufs[i].addr || desc->len != r->bufs[i].len ||
            !!(desc->flags & VIRTQ_DESC_F_WRITE) != r->bufs[i].write) {
            return fail(s, "device: chain %u buffer %u is not what the driver posted", head, i);
        }
        s->dev_owner[d] = head;
        dc->desc[i] = d;
        dc->snap[i] = *desc;
        i++;
        if (!(desc->flags & VIRTQ_DESC_F_NEXT)) {
            break;
        }
        d = desc->next;
    }
    if (i != r->n) {
        return fail(s, "device: chain %u has %u buffers, driver posted %u", head, i, r->n);
    }
    dc->n = i;
    r->st = R_CONSUMED;
    s->pending[s->npending++] = head;
    if (s->npending > s->res->max_device_backlog) {
        s->res->max_device_backlog = s->npending;
    }
    s->res->consumed++;
    return true;
}

/* Device: completes a random chain it holds (out of order). */
static bool op_complete(struct sim *s)
{
    struct virtq *q = &s->q;
    unsigned num = s->cfg->num;

    if (s->npending == 0) {
        return true;
    }
    unsigned k = rnd_below(s, s->npending);
    u16 head = s->pending[k];
    s->pending[k] = s->pending[--s->npending];
    s->res->ops++;

    /* The driver must not have touched a descriptor the device holds. */
    struct dev_chain *dc = &s->dev_chain[head];
    for (unsigned i = 0; i < dc->n; i++) {
        if (memcmp(&q->desc[dc->desc[i]], &dc->snap[i], sizeof(struct vring_desc)) != 0) {
            return fail(s, "device: descriptor %u of chain %u changed while in flight", dc->desc[i],
                        head);
        }
        s->dev_owner[dc->desc[i]] = -1;
    }
    struct req *r = s->by_head[head];
    u32 writable = 0;
    for (unsigned i = 0; i < r->n; i++) {
        writable += r->bufs[i].write ? r->bufs[i].len : 0;
    }
    r->used_len = writable ? (u32)(rnd(s) % (writable + 1ULL)) : 0;
    r->st = R_COMPLETED;

    struct vring_used_elem *e = &q->used->ring[s->dev_used_idx & (num - 1)];
    e->id = head;
    e->len = r->used_len;
    u16 old = s->dev_used_idx;
    s->dev_used_idx++;
    __atomic_store_n(&q->used->idx, s->dev_used_idx, __ATOMIC_RELEASE);

    /* Device: interrupt or not, after publishing (as the spec orders it). */
    bool irq;
    if (s->cfg->event_idx) {
        u16 ev = *q->used_event;
        irq = (u16)(s->dev_used_idx - ev - 1) < (u16)(s->dev_used_idx - old);
        /* Enabled, used_event is last_used: an interrupt exactly when the
         * driver had reaped everything. Disabled: none at all. */
        bool want = q->cb_enabled && old == q->last_used;
        if (irq != want) {
            return fail(s, "interrupt %d at used idx %u, used_event %u, last_used %u, cb %d", irq,
                        old, ev, q->last_used, q->cb_enabled);
        }
    } else {
        irq = !(q->avail->flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
    }
    if (s->sleeping && !irq) {
        return fail(s, "lost interrupt: driver asleep, completion %u raised none", old);
    }
    if (irq) {
        s->sleeping = false;
        s->res->irqs++;
    }

    s->done[(s->done_head + s->done_count) % num] = r;
    s->done_count++;
    s->res->completed++;
    return true;
}

static bool op_reap(struct sim *s)
{
    struct virtq *q = &s->q;
    u32 len = 0xdeadbeef;
    bool expect_some = s->done_count > 0;

    if (virtq_has_used(q) != expect_some) {
        return fail(s, "has_used says %d with %u completed", !expect_some, s->done_count);
    }
    struct req *r = virtq_get_used(q, &len);
    if (q->fault) {
        return true;
    }
    s->sleeping = false;
    s->res->ops++;
    if (!expect_some) {
        return r ? fail(s, "reaped %p with nothing completed", (void *)r) : true;
    }
    struct req *want = s->done[s->done_head];
    if (r != want) {
        return fail(s, "reaped token %p, expected %p (head %d)", (void *)r, (void *)want,
                    want->head);
    }
    if (r->st != R_COMPLETED) {
        return fail(s, "token %p returned twice", (void *)r);
    }
    if (len != r->used_len) {
        return fail(s, "reaped len %u, device wrote %u", len, r->used_len);
    }
    s->done_head = (s->done_head + 1) % s->cfg->num;
    s->done_count--;
    for (unsigned i = 0; i < r->n; i++) {
        s->owner[r->desc[i]] = -1;
    }
    s->by_head[r->head] = NULL;
    s->inflight_descs -= r->n;
    r->st = R_FREE;
    s->req_free[s->nreq_free++] = (unsigned)(r - s->reqs);
    s->res->reaps++;
    /* The re-link rule, seen from outside: the chain is now the free head. */
    if (s->q.free_head != r->head) {
        return fail(s, "reaped chain %d is not at the free-list head", r->head);
    }
    return true;
}

static bool op_cb(struct sim *s)
{
    struct virtq *q = &s->q;

    s->res->ops++;
    if (rnd_below(s, 2)) {
        virtq_disable_cb(q);
        s->sleeping = false;
        if (!s->cfg->event_idx && !(q->avail->flags & VIRTQ_AVAIL_F_NO_INTERRUPT)) {
            return fail(s, "disable_cb left interrupts on");
        }
        if (s->cfg->event_idx && *q->used_event != (u16)(q->last_used - 1)) {
            return fail(s, "disable_cb left used_event at %u, last_used %u", *q->used_event,
                        q->last_used);
        }
        return true;
    }
    bool idle = virtq_enable_cb(q);
    s->sleeping = idle;
    s->res->sleeps += idle;
    if (idle != (s->done_count == 0)) {
        return fail(s, "enable_cb says idle=%d with %u completed", idle, s->done_count);
    }
    if (s->cfg->event_idx ? *q->used_event != q->last_used
                          : (q->avail->flags & VIRTQ_AVAIL_F_NO_INTERRUPT) != 0) {
        return fail(s, "enable_cb did not ask for the next interrupt");
    }
    return true;
}

/* Bad arguments are refused without touching the queue. */
static bool op_invalid(struct sim *s)
{
    struct virtq *q = &s->q;
    struct virtq_buf bufs[2] = {{0x1000, 10, true}, {0x2000, 10, false}};
    u16 nfree = q->num_free, idx = q->avail->idx;
    struct req *spare = &s->reqs[0];
    int rc;

    switch (rnd_below(s, 4)) {
    case 0:
        rc = virtq_add_chain(q, bufs, 0, spare);
        break;
    case 1:
        rc = virtq_add_chain(q, bufs, 1, NULL);
        break;
    case 2: /* writable before readable */
        rc = virtq_add_chain(q, bufs, 2, spare);
        break;
    default: /* longer than the queue: could never succeed */
        rc = virtq_add_chain(q, bufs, s->cfg->num + 1, spare);
        break;
    }
    if (q->fault) {
        return true;
    }
    s->res->ops++;
    s->res->einval++;
    if (rc != -EINVAL || q->num_free != nfree || q->avail->idx != idx) {
        return fail(s, "bad add returned %d or changed the queue", rc);
    }
    return true;
}

/* Plays a driver bug: scribbles on a descriptor the device holds. */
static void sabotage(struct sim *s)
{
    if (s->npending == 0) {
        return; /* retried next step */
    }
    u16 head = s->pending[0];
    s->q.desc[s->dev_chain[head].desc[0]].addr ^= 1;
    s->sabotaged = true;
}

static bool step(struct sim *s, enum action a)
{
    switch (a) {
    case A_ADD:
        return op_add(s);
    case A_KICK:
        return op_kick(s);
    case A_HINT:
        return op_hint(s);
    case A_CONSUME:
        return op_consume(s);
    case A_COMPLETE:
        return op_complete(s);
    case A_REAP:
        return op_reap(s);
    case A_CB:
        return op_cb(s);
    default:
        return op_invalid(s);
    }
}

static enum action pick(struct sim *s, unsigned phase)
{
    const unsigned *w = phase_weights[phase];
    unsigned total = 0;

    for (unsigned a = 0; a < A_COUNT; a++) {
        total += w[a];
    }
    unsigned x = rnd_below(s, total);
    for (unsigned a = 0; a < A_COUNT; a++) {
        if (x < w[a]) {
            return (enum action)a;
        }
        x -= w[a];
    }
    return A_ADD;
}

static bool run(struct sim *s)
{
    const struct sim_config *cfg = s->cfg;
    unsigned phase = 0;
    unsigned long phase_left = 0;

    for (s->step = 1; s->step <= cfg->steps; s->step++) {
        s->res->steps = s->step;
        if (phase_left == 0) {
            phase = rnd_below(s, NPHASES);
            phase_left = 1 + rnd_below(s, 4 * cfg->num + 16);
        }
        phase_left--;
        if (cfg->sabotage_step && s->step >= cfg->sabotage_step && !s->sabotaged) {
            sabotage(s);
        }

        unsigned long eagain = s->res->eagain;
        bool ok = step(s, pick(s, phase));
        /* A stall ends after a few refused adds (the driver would sleep). */
        if (s->res->eagain != eagain && rnd_below(s, 8) == 0) {
            phase_left = 0;
        }
        if (s->q.fault) {
            s->res->fault = s->q.fault;
            return false;
        }
        if (!ok) {
            return false;
        }
        if (cfg->check_every_step) {
            int rc = virtq_check(&s->q);
            if (rc) {
                s->res->fault = rc;
                return false;
            }
        }
        /* Conservation, from the model's side. */
        if (virtq_num_free(&s->q) != cfg->num - s->inflight_descs) {
            return fail(s, "num_free %u, model says %u", virtq_num_free(&s->q),
                        cfg->num - s->inflight_descs);
        }
    }
    return true;
}

bool sim_run(const struct sim_config *cfg, struct sim_result *res)
{
    struct sim s = {.cfg = cfg, .res = res, .rng = cfg->seed ? cfg->seed : 1};
    struct virtq_layout l;
    unsigned num = cfg->num;
    bool ok = false;

    memset(res, 0, sizeof(*res));
    if (virtq_layout(num, cfg->align, &l) < 0 || posix_memalign(&s.ring, 4096, l.size) != 0) {
        return fail(&s, "layout/alloc failed");
    }
    s.state = calloc(num, sizeof(*s.state));
    s.reqs = calloc(num + 1, sizeof(*s.reqs));
    s.req_free = calloc(num + 1, sizeof(*s.req_free));
    s.by_head = calloc(num, sizeof(*s.by_head));
    s.owner = calloc(num, sizeof(*s.owner));
    s.done = calloc(num, sizeof(*s.done));
    s.dev_owner = calloc(num, sizeof(*s.dev_owner));
    s.dev_chain = calloc(num, sizeof(*s.dev_chain));
    s.pending = calloc(num, sizeof(*s.pending));
    if (!s.state || !s.reqs || !s.req_free || !s.by_head || !s.owner || !s.done || !s.dev_owner ||
        !s.dev_chain || !s.pending) {
        fail(&s, "out of memory");
        goto out;
    }
    for (unsigned i = 0; i < num; i++) {
        s.owner[i] = -1;
        s.dev_owner[i] = -1;
    }
    for (unsigned i = 0; i <= num; i++) {
        s.req_free[i] = i;
    }
    s.nreq_free = num + 1;

    if (virtq_init(&s.q, num, cfg->align, s.ring, (uintptr_t)s.ring, s.state, cfg->event_idx)) {
        fail(&s, "virtq_init failed");
        goto out;
    }
    s.q.debug_checks = cfg->debug_checks;
    /* A ring "already used" start_idx times: only the indices differ. */
    s.q.avail_idx = s.q.last_used = s.q.kick_idx = cfg->start_idx;
    s.q.avail->idx = s.q.used->idx = cfg->start_idx;
    *s.q.used_event = cfg->start_idx;
    s.dev_last_avail = s.dev_used_idx = s.kick_old = cfg->start_idx;
    ok = run(&s);
    if (!ok) {
        res->fail_step = s.step;
    }

out:
    free(s.ring);
    free(s.state);
    free(s.reqs);
    free(s.req_free);
    free(s.by_head);
    free(s.owner);
    free(s.done);
    free(s.dev_owner);
    free(s.dev_chain);
    free(s.pending);
    return ok;
}
