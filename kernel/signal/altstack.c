// SPDX-License-Identifier: MIT
/* Alternate signal stacks: sigaltstack(2), and the value type that
 * signal_frame.c saves in a handler's uc_stack and rt_sigreturn
 * reinstates. A stack is a plain value (struct altstack); checking a
 * request yields the new value or an errno, and only the callers store it,
 * so a failed call changes nothing. */
#include <abi/errno.h>
#include <arch/x86_64/trap.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/syscall.h>

bool altstack_contains(const struct altstack *st, u64 sp)
{
    /* The stack grows down: sp is on st when the byte the next push
     * writes, sp - 1, lies in [base, base + size). In unsigned arithmetic
     * one comparison covers both ends (below base wraps to a huge offset)
     * and a size of 0 never matches. So sp == base + size (an empty stack,
     * where a handler starts) is on it, and sp == base (full: the next
     * push falls below it) is not. */
    return sp - 1 - st->base < st->size;
}

bool altstack_in_use(const struct altstack *st, u64 sp)
{
    return !(st->flags & SS_AUTODISARM) && altstack_contains(st, sp);
}

struct linux_stack altstack_report(const struct altstack *st, u64 sp)
{
    struct linux_stack r = {st->base, 0, 0, st->size};
    if (st->size == 0) {
        r.ss_flags = SS_DISABLE;
    } else if (altstack_in_use(st, sp)) {
        r.ss_flags = SS_ONSTACK;
    }
    r.ss_flags |= (s32)(st->flags & SS_AUTODISARM);
    return r;
}

struct linux_stack altstack_save(const struct altstack *st)
{
    /* The flags as given; a process that never set a stack shows
     * SS_DISABLE, like one that disabled it. */
    u32 flags = st->size ? st->flags : (st->flags | SS_DISABLE);
    return (struct linux_stack){st->base, (s32)flags, 0, st->size};
}

int altstack_validate(const struct altstack *st, u64 sp, const struct linux_stack *req,
                      struct altstack *out)
{
    /* No change at all while a handler runs on the stack, whatever the
     * request (sigaltstack(2), EPERM). */
    if (altstack_in_use(st, sp)) {
        return -EPERM;
    }
    u32 flags = (u32)req->ss_flags;
    switch (flags & ~SS_AUTODISARM) {
    case SS_DISABLE:
        /* The address and size are not looked at. */
        *out = (struct altstack){0, 0, flags};
        return 0;
    case 0:
    case SS_ONSTACK: /* old programs pass it; it means 0 */
        if (req->ss_size < MINSIGSTKSZ) {
            return -ENOMEM;
        }
        *out = (struct altstack){req->ss_sp, req->ss_size, flags};
        return 0;
    default:
        return -EINVAL;
    }
}

SYSCALL_DEFINE2(sigaltstack, uptr_t, uss, uptr_t, uoss)
{
    struct signal_state *s = &current_process()->sig;
    u64 sp = current_thread()->user_frame->rsp;
    /* The old value is the one before this call; a rejected request
     * leaves both the stack and *uoss alone. */
    struct linux_stack old = altstack_report(&s->altstack, sp);
    if (!uptr_is_null(uss)) {
        struct linux_stack req;
        if (copy_from_user(&req, uss, sizeof(req)) < 0) {
            return -EFAULT;
        }
        struct altstack next;
        int r = altstack_validate(&s->altstack, sp, &req, &next);
        if (r < 0) {
            return r;
        }
        s->altstack = next;
    }
    if (!uptr_is_null(uoss) && copy_to_user(uoss, &old, sizeof(old)) < 0) {
        return -EFAULT;
    }
    return 0;
}
