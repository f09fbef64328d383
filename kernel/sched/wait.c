// SPDX-License-Identifier: MIT
/* Wait queues; the protocol is described in include/kernel/wait.h. */
#include <kernel/sched.h>
#include <kernel/wait.h>

#include "sched_internal.h"

void wait_queue_init(struct wait_queue *wq)
{
    wq->lock.locked = 0;
    wq->lock.name = "wait_queue";
    list_init(&wq->waiters);
}

static bool entry_linked(struct wait_entry *w)
{
    return w->link.next != NULL && !list_empty(&w->link);
}

void prepare_to_wait(struct wait_queue *wq, struct wait_entry *w)
{
    struct thread *t = current_thread();
    u64 flags = spin_lock_irqsave(&wq->lock);
    if (w->thread != t || !entry_linked(w)) {
        w->thread = t;
        list_add_tail(&w->link, &wq->waiters);
    }
    /* Marked under the queue lock: a wake_up either sees us queued and
     * SLEEPING, or ran before we queued and the caller's check sees its
     * condition. */
    u64 rq = spin_lock_irqsave(&rq_lock);
    t->state = THREAD_SLEEPING;
    spin_unlock_irqrestore(&rq_lock, rq);
    spin_unlock_irqrestore(&wq->lock, flags);
}

void finish_wait(struct wait_queue *wq, struct wait_entry *w)
{
    struct thread *t = current_thread();
    u64 rq = spin_lock_irqsave(&rq_lock);
    t->state = THREAD_RUNNABLE;
    spin_unlock_irqrestore(&rq_lock, rq);
    u64 flags = spin_lock_irqsave(&wq->lock);
    if (w->thread == t && entry_linked(w)) {
        list_del(&w->link);
    }
    spin_unlock_irqrestore(&wq->lock, flags);
}

static int wake_some(struct wait_queue *wq, bool one)
{
    int woken = 0;
    u64 flags = spin_lock_irqsave(&wq->lock);
    struct list_head *pos;
    list_for_each(pos, &wq->waiters)
    {
        struct wait_entry *w = list_entry(pos, struct wait_entry, link);
        if (wake_thread(w->thread)) {
            woken++;
            if (one) {
                break;
            }
        }
    }
    spin_unlock_irqrestore(&wq->lock, flags);
    return woken;
}

int wake_up(struct wait_queue *wq)
{
    return wake_some(wq, false);
}

int wake_up_one(struct wait_queue *wq)
{
    return wake_some(wq, true);
}
