// SPDX-License-Identifier: MIT
/* Timers kept in a list sorted by deadline; the tick handler pops expired
 * ones from the front. */
#include <kernel/ktimer.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>

static struct list_head timers = LIST_HEAD_INIT(timers);
static spinlock_t timers_lock = SPINLOCK_INIT("ktimer");

void ktimer_init(struct ktimer *t, ktimer_fn fn)
{
    t->fn = fn;
    t->armed = false;
    t->deadline_ns = 0;
    list_init(&t->link);
}

void ktimer_arm(struct ktimer *t, u64 deadline_ns)
{
    u64 flags = spin_lock_irqsave(&timers_lock);
    if (t->armed) {
        list_del(&t->link);
    }
    t->deadline_ns = deadline_ns;
    t->armed = true;
    struct list_head *pos;
    list_for_each(pos, &timers)
    {
        if (list_entry(pos, struct ktimer, link)->deadline_ns > deadline_ns) {
            break;
        }
    }
    list_add_tail(&t->link, pos); /* before pos: keeps the list sorted */
    spin_unlock_irqrestore(&timers_lock, flags);
}

bool ktimer_cancel(struct ktimer *t)
{
    u64 flags = spin_lock_irqsave(&timers_lock);
    bool was = t->armed;
    if (was) {
        list_del(&t->link);
        t->armed = false;
    }
    spin_unlock_irqrestore(&timers_lock, flags);
    return was;
}

void ktimer_run_expired(void)
{
    u64 now = clock_monotonic_ns();
    for (;;) {
        u64 flags = spin_lock_irqsave(&timers_lock);
        struct ktimer *t = NULL;
        if (!list_empty(&timers)) {
            t = list_first_entry(&timers, struct ktimer, link);
            if (t->deadline_ns <= now) {
                list_del(&t->link);
                t->armed = false;
            } else {
                t = NULL;
            }
        }
        spin_unlock_irqrestore(&timers_lock, flags);
        if (!t) {
            return;
        }
        t->fn(t);
    }
}
