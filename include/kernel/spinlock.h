/* SPDX-License-Identifier: MIT */
/* Spinlocks (kernel/sched/spinlock.c). The irqsave forms disable interrupts
 * on this CPU and return the previous flags; always pair them with
 * spin_unlock_irqrestore in the same function, lock scope as a { } block. */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <kernel/types.h>

typedef struct spinlock {
    volatile u32 locked;
    const char *name;
} spinlock_t;

#define SPINLOCK_INIT(n)                                                                           \
    {                                                                                              \
        0, n                                                                                       \
    }

u64 spin_lock_irqsave(spinlock_t *l);
void spin_unlock_irqrestore(spinlock_t *l, u64 flags);

/* Every function named *_locked starts with spin_assert_held(&the_lock):
 * it panics, naming the function, when the lock is not held. On one CPU
 * "held" means "held by us"; SMP would record the owner CPU in the lock. */
void spin_assert_held_in(const spinlock_t *l, const char *func);
#define spin_assert_held(l) spin_assert_held_in((l), __func__)

#endif
