/* SPDX-License-Identifier: MIT */
/* Virtio split virtqueues (virtio 1.x "Split Virtqueues", and the legacy
 * layout), driver side. drivers/virtio/virtq.c and virtq_relink.c are
 * portable: no hardware access, no allocation, no locking. The caller owns
 * the memory (the ring and the per-descriptor state), serializes every call
 * on one queue (one lock or one context), and does the transport work
 * (telling the device the ring addresses, the notify write, interrupts).
 *
 * Ring fields are in the CPU's byte order: little-endian on x86_64, which is
 * what both modern (always LE) and legacy (guest-native) devices expect.
 *
 * Descriptor ownership (checked by virtq_check(); see virtq.c):
 *   - every descriptor is either on the free list exactly once, or owned by
 *     exactly one in-flight chain, never both, never neither;
 *   - the free list starts at free_head, is linked through state[].next and
 *     ends with VIRTQ_END after exactly num_free descriptors;
 *   - an in-flight chain starts at a head whose state holds the caller's
 *     (non-NULL) token and the chain length; its descriptors are linked
 *     through state[].next, the last one's next is VIRTQ_END;
 *   - num_free + the lengths of all in-flight chains == num, and the number of
 *     in-flight chains == avail_idx - last_used (mod 2^16);
 *   - reaping a chain re-links it at the front of the free list: the chain's
 *     TAIL gets next = the previous free_head, free_head becomes the chain's
 *     head (virtq_relink()).
 * A queue that breaks any of these, or whose device returns nonsense, is
 * marked faulted (q->fault) and every later call fails: the device must be
 * reset. */
#ifndef DRIVERS_VIRTIO_H
#define DRIVERS_VIRTIO_H

#include <kernel/types.h>

/* Descriptor flags. */
#define VIRTQ_DESC_F_NEXT 1 /* chain continues at .next */
#define VIRTQ_DESC_F_WRITE 2 /* device-writable (else device-readable) */
#define VIRTQ_DESC_F_INDIRECT 4 /* not used by this driver */

/* avail->flags: driver does not want used-buffer interrupts (no EVENT_IDX). */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
/* used->flags: device does not want available-buffer kicks (no EVENT_IDX). */
#define VIRTQ_USED_F_NO_NOTIFY 1

/* Feature bits about rings. */
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX 29

/* Queue sizes are powers of two up to 2^15, so a 16-bit free-running index
 * tells a full ring from an empty one. */
#define VIRTQ_MAX_SIZE 32768
/* "No descriptor": ends the free list and every in-flight chain (driver's
 * copy only; never a valid index since num <= 32768). */
#define VIRTQ_END 0xffff

/* Used-ring alignment: the legacy interfaces (PCI: the queue address is a
 * 4 KiB page number) place the used ring on the next 4096-byte boundary
 * after the available ring; modern transports take three addresses and
 * need only desc 16, avail 2, used 4. */
#define VIRTQ_LEGACY_ALIGN 4096
#define VIRTQ_MODERN_ALIGN 4

struct vring_desc {
    u64 addr; /* guest-physical */
    u32 len;
    u16 flags;
    u16 next; /* meaningful only with VIRTQ_DESC_F_NEXT */
};

struct vring_avail {
    u16 flags;
    u16 idx; /* free-running; written only by the driver */
    u16 ring[]; /* [num] heads, then u16 used_event (EVENT_IDX) */
};

struct vring_used_elem {
    u32 id; /* head of the completed chain */
    u32 len; /* bytes the device wrote */
};

struct vring_used {
    u16 flags;
    u16 idx; /* free-running; written only by the device */
    struct vring_used_elem ring[]; /* [num], then u16 avail_event (EVENT_IDX) */
};

_Static_assert(sizeof(struct vring_desc) == 16, "vring_desc is 16 bytes");
_Static_assert(sizeof(struct vring_avail) == 4, "avail header is 4 bytes");
_Static_assert(sizeof(struct vring_used_elem) == 8, "used element is 8 bytes");
_Static_assert(sizeof(struct vring_used) == 4, "used header is 4 bytes");

/* Where the three parts sit in one physically contiguous block. */
struct virtq_layout {
    size_t desc_off; /* 0: 16 * num bytes, 16-aligned */
    size_t avail_off; /* right after the table: 6 + 2 * num bytes */
    size_t used_off; /* next multiple of align: 6 + 8 * num bytes */
    size_t size; /* total, rounded up to align */
};

/* Fills *out for a queue of num entries (power of two, 1..VIRTQ_MAX_SIZE)
 * and used-ring alignment align (power of two >= 4: VIRTQ_LEGACY_ALIGN or
 * VIRTQ_MODERN_ALIGN). Returns 0 or -EINVAL. */
int virtq_layout(unsigned num, unsigned align, struct virtq_layout *out);

/* Driver-private per-descriptor state, num entries, caller-provided. The
 * device never sees it, so a misbehaving device cannot corrupt the free list:
 * the driver never reads links back from the shared descriptor table. */
struct virtq_desc_state {
    void *token; /* head of an in-flight chain: the caller's token; else NULL */
    u16 next; /* free-list or chain link, or VIRTQ_END */
    u16 chain_len; /* head of an in-flight chain: its length; else 0 */
    u8 in_flight; /* set while a chain owns it (set on add, cleared on reap) */
    u8 mark; /* virtq_check() scratch; 0 between calls */
};

/* Reasons a queue faults (q->fault, and virtq_check()'s result). */
enum virtq_fault {
    VIRTQ_OK = 0,
    VIRTQ_FAULT_HEADER, /* num, free_head or num_free out of range */
    VIRTQ_FAULT_FREE_RANGE, /* free-list link out of range */
    VIRTQ_FAULT_FREE_TWICE, /* descriptor twice on the free list (a cycle) */
    VIRTQ_FAULT_FREE_LENGTH, /* free list is not num_free long */
    VIRTQ_FAULT_FREE_BUSY, /* free descriptor marked in flight or holding a token */
    VIRTQ_FAULT_CHAIN_RANGE, /* chain link out of range */
    VIRTQ_FAULT_DOUBLE_OWNER, /* descriptor free and in flight, or in two chains */
    VIRTQ_FAULT_CHAIN_SHAPE, /* chain length/end/in_flight bits, or table != driver copy */
    VIRTQ_FAULT_ORPHAN, /* descriptor neither free nor in flight (leaked) */
    VIRTQ_FAULT_COUNT, /* free + in flight != num, or chains != avail - used */
    VIRTQ_FAULT_RELINK, /* re-link post-condition broken */
    VIRTQ_FAULT_ALLOC, /* free list handed out an in-flight or bad descriptor */
    VIRTQ_FAULT_DEVICE_IDX, /* device's used idx ran past what is in flight */
    VIRTQ_FAULT_DEVICE_ID, /* device completed something that is not an in-flight head */
};

struct virtq {
    u16 num; /* queue size, power of two */
    u16 free_head; /* first free descriptor, VIRTQ_END when none */
    u16 num_free; /* length of the free list */
    u16 avail_idx; /* driver's copy of avail->idx */
    u16 last_used; /* next used->ring entry to reap (free-running) */
    u16 kick_idx; /* avail_idx at the previous virtq_kick_needed() */
    bool event_idx; /* VIRTIO_RING_F_EVENT_IDX negotiated */
    bool cb_enabled; /* used-buffer interrupts wanted */
    /* Run the re-link post-condition and virtq_check() after every add and
     * reap (O(num) each): debug builds and the host tests set it. */
    bool debug_checks;
    int fault; /* enum virtq_fault; nonzero: the queue is dead */
    /* Called right after the CPU's full fence at each store->load point of
     * the notification protocol (see virtq.c): an ordering the device side
     * is sure to see where the CPU fence alone may not reach it. NULL on
     * hardware and under KVM, where the fence is enough. */
    void (*device_fence)(void);

    struct vring_desc *desc;
    struct vring_avail *avail;
    struct vring_used *used;
    u16 *used_event; /* &avail->ring[num] */
    u16 *avail_event; /* (u16 *)&used->ring[num] */
    phys_addr_t desc_phys, avail_phys, used_phys;
    struct virtq_desc_state *state;
};

/* One buffer of a chain: device-readable ones must come before writable. */
struct virtq_buf {
    phys_addr_t addr;
    u32 len;
    bool write; /* device-writable */
};

/* Lays the queue out in ring (virtual) / ring_phys (physical), which must be
 * layout.size bytes, physically contiguous, aligned to 4096 for the legacy
 * alignment (a page number is what legacy PCI takes) and to 16 otherwise.
 * Zeroes the ring, puts every descriptor on the free list (0, 1, ...,
 * num - 1) and enables used-buffer interrupts. state has num entries.
 * Returns 0 or -EINVAL. */
int virtq_init(struct virtq *q, unsigned num, unsigned align, void *ring, phys_addr_t ring_phys,
               struct virtq_desc_state *state, bool event_idx);

/* Posts a chain of n buffers with a non-NULL token and publishes it in the
 * available ring. Returns the head descriptor, -EAGAIN when fewer than n
 * descriptors are free (nothing is touched: wait for a completion and
 * retry), -EINVAL for n == 0, n > num, a NULL token or a readable buffer
 * after a writable one, -EIO on a faulted queue. */
int virtq_add_chain(struct virtq *q, const struct virtq_buf *bufs, unsigned n, void *token);

/* After adds: whether the device wants a notification (used->flags, or
 * avail_event with EVENT_IDX) for the chains published since the previous
 * call. Includes the full barrier between publishing and reading. */
bool virtq_kick_needed(struct virtq *q);

/* Reaps the next completed chain: returns its token (and the bytes the
 * device wrote in *len, unchecked: clamp to the writable size) and re-links
 * its descriptors onto the free list; NULL when nothing is completed or the
 * queue is faulted. */
void *virtq_get_used(struct virtq *q, u32 *len);

/* Whether a completed chain is waiting to be reaped. */
bool virtq_has_used(const struct virtq *q);

unsigned virtq_num_free(const struct virtq *q);

/* Used-buffer interrupt suppression. Without EVENT_IDX: the
 * VIRTQ_AVAIL_F_NO_INTERRUPT flag. With it: used_event, which asks for an
 * interrupt when the device's used idx steps past it; disable moves it
 * behind the device (last_used - 1), enable sets it to last_used (an
 * interrupt at the very next completion), and while enabled every reap
 * advances it the same way. virtq_enable_cb() returns false when
 * completions arrived meanwhile: reap them (and enable again) before
 * sleeping, or their interrupt may never come. */
void virtq_disable_cb(struct virtq *q);
bool virtq_enable_cb(struct virtq *q);

/* Checks every ownership invariant above; returns VIRTQ_OK or the first
 * enum virtq_fault found. O(num). Uses state[].mark as scratch (restored),
 * so it needs the queue's serialization like every other call. */
int virtq_check(const struct virtq *q);

const char *virtq_fault_str(int fault);

/* drivers/virtio/virtq_relink.c, on its own so a host test can link a
 * deliberately broken copy: puts the len-descriptor chain starting at head
 * (linked through state[].next, in_flight already cleared) back at the front
 * of the free list. Post-condition, checked by virtq_get_used() with
 * debug_checks: free_head == head, num_free grew by len, and the chain's
 * tail has next == the previous free_head. */
void virtq_relink(struct virtq *q, u16 head, u16 len);

#endif
