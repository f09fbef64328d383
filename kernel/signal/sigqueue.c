// SPDX-License-Identifier: MIT
/* The per-process queue of real-time signal instances: small kmalloc'd
 * entries in sending order, bounded by RLIMIT_SIGPENDING (counted per
 * process, not per user as on Linux). Delivery takes the lowest pending
 * number first (the pending mask says which), then the oldest instance of
 * it. */
#include <abi/errno.h>
#include <kernel/kmalloc.h>
#include <kernel/proc.h>
#include <kernel/selftest.h>
#include <kernel/signal.h>
#include <kernel/string.h>

#include "signal_internal.h"

bool sigqueue_add(struct process *p, int sig, const struct sig_info *info)
{
    struct signal_state *s = &p->sig;
    if (s->queue_closed || s->queued >= p->rlimits[RLIMIT_SIGPENDING].rlim_cur) {
        return false;
    }
    struct sigqueue *q = kmalloc(sizeof(*q));
    if (!q) {
        return false;
    }
    q->next = NULL;
    q->sig = sig;
    q->info = *info;
    if (s->queue_tail) {
        s->queue_tail->next = q;
    } else {
        s->queue = q;
    }
    s->queue_tail = q;
    s->queued++;
    return true;
}

/* Unlinks q, whose predecessor is prev (NULL for the head). */
static void unlink_entry(struct signal_state *s, struct sigqueue *prev, struct sigqueue *q)
{
    if (prev) {
        prev->next = q->next;
    } else {
        s->queue = q->next;
    }
    if (s->queue_tail == q) {
        s->queue_tail = prev;
    }
    s->queued--;
}

int sigqueue_take(struct signal_state *s, int sig, struct sig_info *info)
{
    struct sigqueue *prev = NULL;
    for (struct sigqueue *q = s->queue; q; prev = q, q = q->next) {
        if (q->sig != sig) {
            continue;
        }
        unlink_entry(s, prev, q);
        *info = q->info;
        int more = 0;
        for (struct sigqueue *r = q->next; r; r = r->next) {
            if (r->sig == sig) {
                more = 1;
                break;
            }
        }
        kfree(q);
        return more;
    }
    return -1;
}

void sigqueue_flush(struct signal_state *s, int sig)
{
    struct sigqueue *prev = NULL, *q = s->queue;
    while (q) {
        struct sigqueue *next = q->next;
        if (q->sig == sig) {
            unlink_entry(s, prev, q);
            kfree(q);
        } else {
            prev = q;
        }
        q = next;
    }
}

void signal_exit(struct process *p)
{
    struct signal_state *s = &p->sig;
    u64 flags = spin_lock_irqsave(&proc_lock);
    struct sigqueue *q = s->queue;
    s->queue = s->queue_tail = NULL;
    s->queued = 0;
    s->queue_closed = true;
    s->pending &= (SIGBIT(SIGRTMIN) - 1);
    spin_unlock_irqrestore(&proc_lock, flags);
    while (q) {
        struct sigqueue *next = q->next;
        kfree(q);
        q = next;
    }
}

/* A process that never runs: instances are queued, taken in order and the
 * rest freed at exit, leaving the heap as it was. */
SELFTEST(signal_rt_queue)
{
    struct kmalloc_stats k0, k1;
    kmalloc_get_stats(&k0);
    struct process *p = kzalloc(sizeof(*p));
    ST_CHECK(p != NULL, "no memory for a process");
    p->rlimits[RLIMIT_SIGPENDING].rlim_cur = 6;
    u64 flags = spin_lock_irqsave(&proc_lock);
    int sent[8];
    for (int i = 0; i < 8; i++) {
        struct sig_info in = {SI_QUEUE, 1, 0, 0, (u64)i};
        sent[i] = signal_send_locked(p, i % 2 ? SIGRTMIN + 3 : SIGRTMIN + 1, &in);
    }
    struct sig_info info = {0, 0, 0, 0, 0};
    int more = sigqueue_take(&p->sig, SIGRTMIN + 3, &info);
    u32 queued = p->sig.queued;
    u64 pending = p->sig.pending;
    spin_unlock_irqrestore(&proc_lock, flags);
    for (int i = 0; i < 8; i++) {
        ST_CHECK(sent[i] == (i < 6 ? 0 : -EAGAIN), "send %d returned %d", i, sent[i]);
    }
    ST_CHECK(more == 1 && info.addr == 1, "took value %llu (more %d), want 1 (more 1)",
             (unsigned long long)info.addr, more);
    ST_CHECK(queued == 5, "%u queued after one was taken, want 5", queued);
    ST_CHECK(pending == (SIGBIT(SIGRTMIN + 1) | SIGBIT(SIGRTMIN + 3)), "pending %#llx",
             (unsigned long long)pending);
    signal_exit(p);
    ST_CHECK(p->sig.queue == NULL && p->sig.queued == 0, "queue left after exit");
    flags = spin_lock_irqsave(&proc_lock);
    int late = signal_send_locked(p, SIGRTMIN, &info);
    spin_unlock_irqrestore(&proc_lock, flags);
    ST_CHECK(late == -EAGAIN && p->sig.queue == NULL, "queued after exit (%d)", late);
    kfree(p);
    kmalloc_get_stats(&k1);
    ST_CHECK(k1.bytes_in_use == k0.bytes_in_use, "heap %llu bytes before, %llu after",
             (unsigned long long)k0.bytes_in_use, (unsigned long long)k1.bytes_in_use);
    return 0;
}
