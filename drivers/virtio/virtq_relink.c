// SPDX-License-Identifier: MIT
/* The re-link step of reaping a virtqueue chain, alone in this file so
 * tests/test_virtq_buggy can link a copy with Kerla's bug put back in
 * (tests/fakes/virtq_relink_buggy.c) and show the checks catch it. */
#include <drivers/virtio.h>

void virtq_relink(struct virtq *q, u16 head, u16 len)
{
    u16 tail = head;

    /* The chain's links are the driver's copy (state[].next), never the
     * device-visible table; virtq_get_used() has walked and validated them. */
    for (u16 i = 1; i < len; i++) {
        tail = q->state[tail].next;
    }
    /* The TAIL (not the head, not descriptor 0) must point at the previous
     * free head, or the old free list is lost and whatever the stale link
     * names, possibly in flight, gets handed out again. When the free list
     * was empty, free_head is VIRTQ_END and the chain's end stays terminated. */
    q->state[tail].next = q->free_head;
    q->free_head = head;
    q->num_free += len;
}
