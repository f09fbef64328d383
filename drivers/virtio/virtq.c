// SPDX-License-Identifier: MIT
/* Split virtqueue, driver side: layout, descriptor free list, publishing
 * chains, kicks, reaping. Portable: no hardware access, the host tests build
 * this exact file. The invariants are listed in include/drivers/virtio.h and
 * checked by virtq_check().
 *
 * Memory ordering. The device is another agent reading and writing the ring
 * concurrently; the C11 fences/atomics give the orderings (on x86_64 the
 * release/acquire ones cost nothing but keep the compiler honest, the full
 * fence is a locked instruction, no SSE needed):
 *   add:   descriptors + avail->ring[] writes  -> release store of avail->idx
 *   kick:  avail->idx store -> full fence -> read used->flags / avail_event
 *   reap:  acquire load of used->idx -> read used->ring[]
 *   irq:   used_event / avail->flags store -> full fence -> re-read used->idx
 *          (virtq_enable_cb, and every reap that advances used_event)
 *
 * The two full fences are each half of a Dekker handshake: the device does
 * the mirror image (store avail_event, fence, re-read avail->idx before it
 * sleeps; store used->idx, fence, read used_event before it decides not to
 * interrupt), and a notification is lost only if BOTH sides read the old
 * value. With EVENT_IDX such a loss is permanent: the driver kicks only
 * for the batch that crosses avail_event, so once that batch is judged
 * "no kick" nothing later re-reads it, and the device sleeps forever with
 * work in its ring. Without EVENT_IDX the next add re-reads the flag and
 * kicks, which hides the loss while adds keep coming, but not when they
 * stop (a receive ring is refilled only after completions, a transmit
 * pool runs dry). tests/test_virtq_notify.c explores both handshakes
 * against a QEMU-like device with a store-buffer model.
 *
 * That is how eth0's transmit queue stalled under QEMU: QEMU before 8.1
 * translates guest fences (mfence, locked instructions) to nothing when
 * the machine has one vCPU, assuming no other CPU can look; but QEMU's own
 * I/O thread reads the rings concurrently. Our avail->idx store then sits
 * in the host CPU's store buffer while we read the old avail_event, and
 * the I/O thread's re-read of avail->idx misses it. virtq_sync() therefore
 * adds q->device_fence where the platform says the CPU fence is not
 * enough (the virtio core sets it; under TCG it is an I/O port read, which
 * QEMU performs under a lock: a real host fence). */
#include <abi/errno.h>
#include <drivers/virtio.h>
#include <kernel/compiler.h>
#include <kernel/string.h>

#define virtq_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)

/* The full fence of the notification protocol: our ring stores so far are
 * visible to the device before our next ring load. */
static void virtq_sync(const struct virtq *q)
{
    virtq_mb();
    if (q->device_fence) {
        q->device_fence();
    }
}

/* Mark values used by virtq_check() while it runs. */
#define MARK_NONE 0
#define MARK_FREE 1
#define MARK_CHAIN 2

static bool is_pow2(unsigned x)
{
    return x != 0 && (x & (x - 1)) == 0;
}

int virtq_layout(unsigned num, unsigned align, struct virtq_layout *out)
{
    if (!is_pow2(num) || num > VIRTQ_MAX_SIZE || !is_pow2(align) || align < 4) {
        return -EINVAL;
    }
    out->desc_off = 0;
    out->avail_off = sizeof(struct vring_desc) * num;
    /* flags, idx, ring[num], used_event */
    size_t avail_end = out->avail_off + sizeof(u16) * (3 + num);
    out->used_off = ALIGN_UP(avail_end, (size_t)align);
    /* flags, idx, ring[num], avail_event */
    size_t used_end = out->used_off + sizeof(u16) * 3 + sizeof(struct vring_used_elem) * num;
    out->size = ALIGN_UP(used_end, (size_t)align);
    return 0;
}

int virtq_init(struct virtq *q, unsigned num, unsigned align, void *ring, phys_addr_t ring_phys,
               struct virtq_desc_state *state, bool event_idx)
{
    struct virtq_layout l;

    if (!q || !ring || !state || virtq_layout(num, align, &l) < 0) {
        return -EINVAL;
    }
    /* The descriptor table needs 16; legacy transports take the base as a
     * page number, so the whole block (and with it the used ring) is
     * page-aligned there. */
    u64 base_align = align >= VIRTQ_LEGACY_ALIGN ? align : 16;
    if (!IS_ALIGNED(ring_phys, base_align) || !IS_ALIGNED((uintptr_t)ring, base_align)) {
        return -EINVAL;
    }

    memset(ring, 0, l.size);
    memset(q, 0, sizeof(*q));
    q->num = (u16)num;
    q->event_idx = event_idx;
    q->cb_enabled = true;
    q->desc = (struct vring_desc *)((char *)ring + l.desc_off);
    q->avail = (struct vring_avail *)((char *)ring + l.avail_off);
    q->used = (struct vring_used *)((char *)ring + l.used_off);
    q->used_event = &q->avail->ring[num];
    q->avail_event = (u16 *)&q->used->ring[num];
    q->desc_phys = ring_phys + l.desc_off;
    q->avail_phys = ring_phys + l.avail_off;
    q->used_phys = ring_phys + l.used_off;
    q->state = state;

    /* Free list 0 -> 1 -> ... -> num-1 -> END. */
    for (unsigned i = 0; i < num; i++) {
        state[i].token = NULL;
        state[i].next = i + 1 < num ? (u16)(i + 1) : VIRTQ_END;
        state[i].chain_len = 0;
        state[i].in_flight = 0;
        state[i].mark = MARK_NONE;
    }
    q->free_head = 0;
    q->num_free = (u16)num;
    return 0;
}

/* Marks the queue dead with the first fault seen. */
static void set_fault(struct virtq *q, int fault)
{
    if (!q->fault) {
        q->fault = fault;
    }
}

static void debug_check(struct virtq *q)
{
    if (q->debug_checks && !q->fault) {
        set_fault(q, virtq_check(q));
    }
}

int virtq_add_chain(struct virtq *q, const struct virtq_buf *bufs, unsigned n, void *token)
{
    if (q->fault) {
        return -EIO;
    }
    if (!token || n == 0 || n > q->num) {
        return -EINVAL;
    }
    /* The spec wants every device-readable buffer before any writable one. */
    for (unsigned i = 1; i < n; i++) {
        if (bufs[i - 1].write && !bufs[i].write) {
            return -EINVAL;
        }
    }
    if (n > q->num_free) {
        return -EAGAIN;
    }

    /* Claim the n descriptors before writing any of them: a free list that
     * leads to an in-flight descriptor, or to one it already gave us (a
     * broken re-link), must fault here, not overwrite a chain the device may
     * be reading. Always on; O(n). A fault leaves the queue dead, so the
     * claims made so far need no undoing. */
    u16 d = q->free_head;
    for (unsigned i = 0; i < n; i++) {
        if (d >= q->num || q->state[d].in_flight) {
            set_fault(q, VIRTQ_FAULT_ALLOC);
            return -EIO;
        }
        q->state[d].in_flight = 1;
        d = q->state[d].next;
    }

    /* The chain is the first n descriptors of the free list, in order, so
     * their links already chain them; only the tail's link changes (to END),
     * and the free list resumes at the tail's old link. */
    u16 head = q->free_head;
    d = head;
    for (unsigned i = 0; i < n; i++) {
        struct vring_desc *desc = &q->desc[d];
        u16 next = q->state[d].next;
        bool last = i + 1 == n;

        desc->addr = bufs[i].addr;
        desc->len = bufs[i].len;
        desc->flags = (bufs[i].write ? VIRTQ_DESC_F_WRITE : 0) | (last ? 0 : VIRTQ_DESC_F_NEXT);
        desc->next = last ? 0 : next;
        if (last) {
            q->state[d].next = VIRTQ_END;
            q->free_head = next;
        }
        d = next;
    }
    q->num_free -= n;
    q->state[head].token = token;
    q->state[head].chain_len = (u16)n;

    q->avail->ring[q->avail_idx & (q->num - 1)] = head;
    q->avail_idx++;
    /* Release: the descriptors and the ring slot are visible before idx. */
    __atomic_store_n(&q->avail->idx, q->avail_idx, __ATOMIC_RELEASE);

    debug_check(q);
    return q->fault ? -EIO : head;
}

bool virtq_kick_needed(struct virtq *q)
{
    if (q->fault) {
        return false;
    }
    /* Our idx store must be globally visible before we read what the device
     * asked for, or we may read a stale "no kick" while it goes to sleep. */
    virtq_sync(q);
    u16 old = q->kick_idx;
    u16 new = q->avail_idx;
    q->kick_idx = new;
    if (q->event_idx) {
        /* Kick iff the device's avail_event lies in [old, new): it asked to
         * be told when idx moves past it, and this batch moved it past. */
        u16 event = __atomic_load_n(q->avail_event, __ATOMIC_RELAXED);
        return (u16)(new - event - 1) < (u16)(new - old);
    }
    return !(__atomic_load_n(&q->used->flags, __ATOMIC_RELAXED) & VIRTQ_USED_F_NO_NOTIFY);
}

bool virtq_has_used(const struct virtq *q)
{
    return !q->fault && __atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE) != q->last_used;
}

unsigned virtq_num_free(const struct virtq *q)
{
    return q->num_free;
}

/* Debug post-condition of virtq_relink(): the chain sits at the front of the
 * free list, its tail linking to the previous free head. */
static bool relink_ok(const struct virtq *q, u16 head, u16 len, u16 old_head, u16 old_free)
{
    if (q->free_head != head || q->num_free != (u16)(old_free + len)) {
        return false;
    }
    u16 d = head;
    for (u16 i = 1; i < len; i++) {
        d = q->state[d].next;
        if (d >= q->num) {
            return false;
        }
    }
    return q->state[d].next == old_head;
}

void *virtq_get_used(struct virtq *q, u32 *len)
{
    if (q->fault) {
        return NULL;
    }
    u16 used_idx = __atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE);
    if (used_idx == q->last_used) {
        return NULL;
    }
    /* Nothing below trusts the device: its idx may not run past what is in
     * flight, its id must name the head of an in-flight chain. */
    u16 in_flight = q->avail_idx - q->last_used;
    if ((u16)(used_idx - q->last_used) > in_flight) {
        set_fault(q, VIRTQ_FAULT_DEVICE_IDX);
        return NULL;
    }
    const struct vring_used_elem *e = &q->used->ring[q->last_used & (q->num - 1)];
    u32 id = __atomic_load_n(&e->id, __ATOMIC_RELAXED);
    u32 written = __atomic_load_n(&e->len, __ATOMIC_RELAXED);
    if (id >= q->num || !q->state[id].token) {
        set_fault(q, VIRTQ_FAULT_DEVICE_ID);
        return NULL;
    }

    /* Detach the chain: it must be chain_len in-flight descriptors ending in
     * END. Clearing in_flight here, not in the re-link, keeps the allocation
     * guard in virtq_add_chain() independent of the free-list code. */
    struct virtq_desc_state *hs = &q->state[id];
    u16 n = hs->chain_len;
    u16 d = (u16)id;
    for (u16 i = 0; i < n; i++) {
        if (d >= q->num || !q->state[d].in_flight) {
            set_fault(q, VIRTQ_FAULT_CHAIN_SHAPE);
            return NULL;
        }
        q->state[d].in_flight = 0;
        d = q->state[d].next;
    }
    if (n == 0 || d != VIRTQ_END) {
        set_fault(q, VIRTQ_FAULT_CHAIN_SHAPE);
        return NULL;
    }
    void *token = hs->token;
    hs->token = NULL;
    hs->chain_len = 0;

    u16 old_head = q->free_head;
    u16 old_free = q->num_free;
    virtq_relink(q, (u16)id, n);
    q->last_used++;

    if (q->event_idx && q->cb_enabled) {
        /* Ask for an interrupt at the next completion. The fence orders the
         * store before the caller's next read of used->idx: otherwise the
         * device may read the old used_event (no interrupt) while we read
         * the old idx (nothing to reap), and the completion is lost. The
         * worker always ends with virtq_enable_cb(), which fences too, so
         * this one guards callers that reap with interrupts on and then
         * sleep (vnet_xmit's reclaim); test_virtq_notify found no loss
         * without it in today's callers. */
        __atomic_store_n(q->used_event, q->last_used, __ATOMIC_RELAXED);
        virtq_sync(q);
    }
    if (q->debug_checks && !relink_ok(q, (u16)id, n, old_head, old_free)) {
        set_fault(q, VIRTQ_FAULT_RELINK);
    }
    debug_check(q);
    if (q->fault) {
        return NULL;
    }
    if (len) {
        *len = written;
    }
    return token;
}

void virtq_disable_cb(struct virtq *q)
{
    q->cb_enabled = false;
    if (q->event_idx) {
        /* The device interrupts when its idx steps past used_event; it is
         * already at or past last_used, so last_used - 1 is behind it for
         * the next 65535 completions. A hint, like the flag: a device that
         * read the old value may still interrupt once. */
        __atomic_store_n(q->used_event, (u16)(q->last_used - 1), __ATOMIC_RELAXED);
    } else {
        q->avail->flags |= VIRTQ_AVAIL_F_NO_INTERRUPT;
    }
}

bool virtq_enable_cb(struct virtq *q)
{
    q->cb_enabled = true;
    if (q->event_idx) {
        __atomic_store_n(q->used_event, q->last_used, __ATOMIC_RELAXED);
    } else {
        q->avail->flags &= (u16)~VIRTQ_AVAIL_F_NO_INTERRUPT;
    }
    /* The store above must be visible before we look at used->idx, or a
     * completion in between raises no interrupt and we miss it. */
    virtq_sync(q);
    return !virtq_has_used(q);
}

/* Resets every mark (virtq_check leaves none behind, even on failure). */
static int check_done(const struct virtq *q, int fault)
{
    for (unsigned i = 0; i < q->num; i++) {
        q->state[i].mark = MARK_NONE;
    }
    return fault;
}

/* Walks one in-flight chain from head, marking it. */
static int check_chain(const struct virtq *q, u16 head, unsigned *owned)
{
    const struct virtq_desc_state *hs = &q->state[head];
    u16 d = head;

    if (hs->chain_len == 0 || hs->chain_len > q->num) {
        return VIRTQ_FAULT_CHAIN_SHAPE;
    }
    for (unsigned i = 0; i < hs->chain_len; i++) {
        if (d >= q->num) {
            return VIRTQ_FAULT_CHAIN_RANGE;
        }
        struct virtq_desc_state *s = &q->state[d];
        if (s->mark != MARK_NONE) {
            return VIRTQ_FAULT_DOUBLE_OWNER;
        }
        s->mark = MARK_CHAIN;
        if (!s->in_flight || (d != head && (s->token || s->chain_len))) {
            return VIRTQ_FAULT_CHAIN_SHAPE;
        }
        /* The device reads the table: it must describe the same chain. */
        const struct vring_desc *desc = &q->desc[d];
        bool last = i + 1 == hs->chain_len;
        if (last ? (s->next != VIRTQ_END || (desc->flags & VIRTQ_DESC_F_NEXT))
                 : (!(desc->flags & VIRTQ_DESC_F_NEXT) || desc->next != s->next)) {
            return VIRTQ_FAULT_CHAIN_SHAPE;
        }
        d = s->next;
    }
    *owned += hs->chain_len;
    return VIRTQ_OK;
}

int virtq_check(const struct virtq *q)
{
    if (!is_pow2(q->num) || q->num > VIRTQ_MAX_SIZE || q->num_free > q->num ||
        (q->free_head >= q->num && q->free_head != VIRTQ_END)) {
        return VIRTQ_FAULT_HEADER;
    }

    /* 1. The free list: num_free distinct, idle descriptors, then END. */
    unsigned nfree = 0;
    for (u16 d = q->free_head; d != VIRTQ_END; d = q->state[d].next) {
        if (d >= q->num) {
            return check_done(q, VIRTQ_FAULT_FREE_RANGE);
        }
        struct virtq_desc_state *s = &q->state[d];
        if (s->mark != MARK_NONE) {
            return check_done(q, VIRTQ_FAULT_FREE_TWICE);
        }
        s->mark = MARK_FREE;
        if (s->in_flight || s->token || s->chain_len) {
            return check_done(q, VIRTQ_FAULT_FREE_BUSY);
        }
        /* Distinct marks bound the walk to num steps. */
        nfree++;
    }
    if (nfree != q->num_free) {
        return check_done(q, VIRTQ_FAULT_FREE_LENGTH);
    }

    /* 2. Every in-flight chain (a head is a descriptor holding a token):
     * disjoint from the free list and from each other. */
    unsigned owned = 0;
    unsigned chains = 0;
    for (u16 h = 0; h < q->num; h++) {
        if (!q->state[h].token) {
            continue;
        }
        int fault = check_chain(q, h, &owned);
        if (fault) {
            return check_done(q, fault);
        }
        chains++;
    }

    /* 3. Nothing leaked, in_flight bits agree with ownership. */
    for (u16 d = 0; d < q->num; d++) {
        const struct virtq_desc_state *s = &q->state[d];
        if (s->mark == MARK_NONE) {
            return check_done(q, VIRTQ_FAULT_ORPHAN);
        }
        if (s->in_flight != (s->mark == MARK_CHAIN)) {
            return check_done(q, VIRTQ_FAULT_CHAIN_SHAPE);
        }
    }

    /* 4. Conservation: free + owned == num; one chain per published,
     * unreaped avail entry; the published idx is ours. */
    if (nfree + owned != q->num || chains != (u16)(q->avail_idx - q->last_used) ||
        __atomic_load_n(&q->avail->idx, __ATOMIC_RELAXED) != q->avail_idx) {
        return check_done(q, VIRTQ_FAULT_COUNT);
    }
    return check_done(q, VIRTQ_OK);
}

const char *virtq_fault_str(int fault)
{
    switch (fault) {
    case VIRTQ_OK:
        return "ok";
    case VIRTQ_FAULT_HEADER:
        return "queue header out of range";
    case VIRTQ_FAULT_FREE_RANGE:
        return "free-list link out of range";
    case VIRTQ_FAULT_FREE_TWICE:
        return "descriptor twice on the free list";
    case VIRTQ_FAULT_FREE_LENGTH:
        return "free list length != num_free";
    case VIRTQ_FAULT_FREE_BUSY:
        return "free descriptor marked in flight";
    case VIRTQ_FAULT_CHAIN_RANGE:
        return "chain link out of range";
    case VIRTQ_FAULT_DOUBLE_OWNER:
        return "descriptor owned twice (free and in flight, or two chains)";
    case VIRTQ_FAULT_CHAIN_SHAPE:
        return "in-flight chain malformed";
    case VIRTQ_FAULT_ORPHAN:
        return "descriptor neither free nor in flight";
    case VIRTQ_FAULT_COUNT:
        return "descriptor or chain count not conserved";
    case VIRTQ_FAULT_RELINK:
        return "re-link post-condition broken";
    case VIRTQ_FAULT_ALLOC:
        return "free list handed out an in-flight descriptor";
    case VIRTQ_FAULT_DEVICE_IDX:
        return "device used idx ran ahead";
    case VIRTQ_FAULT_DEVICE_ID:
        return "device completed a non-in-flight id";
    default:
        return "unknown fault";
    }
}
