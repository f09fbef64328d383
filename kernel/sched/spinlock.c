// SPDX-License-Identifier: MIT
/* Spinlocks for one CPU that take interrupts into account: the irqsave form
 * disables interrupts first, so an interrupt handler can never spin on a
 * lock held by the code it interrupted. */
#include <arch/x86_64/cpu.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>

u64 spin_lock_irqsave(spinlock_t *l)
{
    u64 flags = irq_save();
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
        /* One CPU with interrupts off: a held lock can never be released. */
        panic("spinlock '%s' already held (recursive locking)", l->name ? l->name : "?");
    }
    return flags;
}

void spin_assert_held_in(const spinlock_t *l, const char *func)
{
    if (!__atomic_load_n(&l->locked, __ATOMIC_RELAXED)) {
        panic("%s: spinlock '%s' not held", func, l->name ? l->name : "?");
    }
}

void spin_unlock_irqrestore(spinlock_t *l, u64 flags)
{
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
    irq_restore(flags);
}
