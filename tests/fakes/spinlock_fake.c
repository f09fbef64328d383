// SPDX-License-Identifier: MIT
/* Host fake spinlocks: single-threaded, but catch recursion and unbalanced
 * unlocks. */
#include <kernel/spinlock.h>
#include <stdio.h>
#include <stdlib.h>

u64 spin_lock_irqsave(spinlock_t *l)
{
    if (l->locked) {
        fprintf(stderr, "spinlock %s: already held\n", l->name ? l->name : "?");
        abort();
    }
    l->locked = 1;
    return 0;
}

void spin_assert_held_in(const spinlock_t *l, const char *func)
{
    if (!l->locked) {
        fprintf(stderr, "%s: spinlock %s not held\n", func, l->name ? l->name : "?");
        abort();
    }
}

void spin_unlock_irqrestore(spinlock_t *l, u64 flags)
{
    (void)flags;
    if (!l->locked) {
        fprintf(stderr, "spinlock %s: unlocked while not held\n", l->name ? l->name : "?");
        abort();
    }
    l->locked = 0;
}
