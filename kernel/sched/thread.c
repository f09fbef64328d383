/* Kernel thread life cycle: create, run, exit, join. */
#include <arch/x86_64/cpu.h>
#include <kernel/errno.h>
#include <kernel/kmalloc.h>
#include <kernel/kstack.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#include "sched_internal.h"

extern char thread_trampoline[];
static u32 next_tid = 1;

__attribute__((noreturn)) void thread_start(thread_fn fn, void *arg)
{
    /* We arrive here from context_switch inside schedule(), which still
     * holds rq_lock: release it as schedule() would, with interrupts on. */
    spin_unlock_irqrestore(&rq_lock, RFLAGS_IF);
    sched_reap();
    thread_exit(fn(arg));
}

struct thread *thread_create(thread_fn fn, void *arg, const char *name, u32 flags)
{
    struct thread *t = kzalloc(sizeof(*t));
    if (!t) {
        return NULL;
    }
    int slot = kstack_alloc(&t->kstack_bottom, &t->kstack_top);
    if (slot < 0) {
        kfree(t);
        return NULL;
    }
    t->kstack_slot = slot;
    t->flags = flags;
    t->slice_left = SCHED_SLICE_TICKS;
    strlcpy(t->name, name, sizeof(t->name));
    wait_queue_init(&t->exit_wq);
    list_init(&t->run_link);

    /* Initial stack, as context_switch pops it: r15..rbp, then the return
     * into thread_trampoline, then a zero return address ending backtraces. */
    u64 *sp = (u64 *)t->kstack_top;
    *--sp = 0;
    *--sp = (u64)thread_trampoline;
    *--sp = 0; /* rbp */
    *--sp = 0; /* rbx */
    *--sp = (u64)fn; /* r12 */
    *--sp = (u64)arg; /* r13 */
    *--sp = 0; /* r14 */
    *--sp = 0; /* r15 */
    t->saved_rsp = (u64)sp;

    u64 irq = spin_lock_irqsave(&rq_lock);
    t->tid = next_tid++;
    threads_created++;
    list_add_tail(&t->all_link, &all_threads);
    sched_enqueue_new(t);
    spin_unlock_irqrestore(&rq_lock, irq);
    return t;
}

__attribute__((noreturn)) void thread_exit(int code)
{
    struct thread *t = current_thread();
    if (t->kstack_slot < 0) {
        panic("the boot thread cannot exit");
    }
    /* Interrupts stay off from here: nothing may run on this CPU between
     * waking a joiner and leaving this stack, or the joiner could free it
     * under us. */
    irq_disable();
    t->exit_code = code;
    u64 flags = spin_lock_irqsave(&rq_lock);
    t->state = THREAD_DEAD;
    spin_unlock_irqrestore(&rq_lock, flags);
    wake_up(&t->exit_wq);
    schedule();
    panic("dead thread '%s' was scheduled", t->name);
}

void thread_free(struct thread *t)
{
    u64 flags = spin_lock_irqsave(&rq_lock);
    list_del(&t->all_link);
    spin_unlock_irqrestore(&rq_lock, flags);
    kstack_free(t->kstack_slot);
    kfree(t);
}

int thread_join(struct thread *t)
{
    wait_event(t->exit_wq, READ_ONCE(t->state) == THREAD_DEAD);
    /* DEAD is set before the thread's last switch, which happens with
     * interrupts off; once we run, it is off its stack. */
    int code = t->exit_code;
    thread_free(t);
    return code;
}
