// SPDX-License-Identifier: MIT
/* A copy of drivers/virtio/virtq_relink.c with the re-link bugs put back
 * (tests/test_virtq_buggy links it instead of the real one). The mode picks
 * the bug; RELINK_CORRECT is the real code, as a control. */
#include <drivers/virtio.h>

#include "virtq_relink_buggy.h"

int relink_bug = RELINK_CORRECT;

void virtq_relink(struct virtq *q, u16 head, u16 len)
{
    u16 tail = head;

    for (u16 i = 1; i < len; i++) {
        tail = q->state[tail].next;
    }
    switch (relink_bug) {
    case RELINK_KERLA:
        /* Kerla's: the reclaimed chain's tail points at descriptor 0, so the
         * free list runs on into descriptors 0, 1, ... while they are in
         * flight, and they are handed out again. */
        q->state[tail].next = 0;
        break;
    case RELINK_HEAD:
        /* The head instead of the tail re-linked: the rest of the chain is
         * cut off the free list (leaked), num_free counts it anyway. */
        q->state[head].next = q->free_head;
        break;
    case RELINK_STALE:
        /* The tail's link not updated at all: the old free list is lost. */
        break;
    default:
        q->state[tail].next = q->free_head;
        break;
    }
    q->free_head = head;
    q->num_free += len;
}
