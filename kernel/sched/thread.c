// SPDX-License-Identifier: MIT
/* Thread life cycle: create (kernel or user), run, exit, join. */
#include <abi/errno.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/fpu.h>
#include <arch/x86_64/trap.h>
#include <arch/x86_64/uaccess.h>
#include <kernel/kmalloc.h>
#include <kernel/kstack.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <kernel/string.h>

#include "sched_internal.h"

extern char thread_trampoline[], ret_to_user_trampoline[];
static u32 next_tid = 1;

__attribute__((noreturn)) void thread_start(thread_fn fn, void *arg)
{
    /* We arrive here from context_switch inside schedule(), which still
     * holds rq_lock: release it as schedule() would, with interrupts on. */
    spin_unlock_irqrestore(&rq_lock, RFLAGS_IF);
    sched_reap();
    thread_exit(fn(arg));
}

/* First C code of a new user thread (from ret_to_user_trampoline); the
 * iretq that follows turns interrupts back on. */
void thread_start_user(void)
{
    spin_unlock_irqrestore(&rq_lock, 0);
    sched_reap();
    struct process *p = current_process();
    if (p && p->set_child_tid) {
        /* The store may fault in a copy-on-write page: interrupts on. */
        int tid = p->pid;
        irq_enable();
        put_user(&tid, uptr(p->set_child_tid));
        irq_disable();
        p->set_child_tid = 0;
    }
}

static struct thread *thread_alloc(const char *name, u32 flags)
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
    return t;
}

/* Pushes what context_switch pops: the return address, then rbp, rbx,
 * r12, r13, r14, r15. */
static void thread_stack_init(struct thread *t, u64 *sp, void *entry, u64 r12, u64 r13)
{
    *--sp = (u64)entry;
    *--sp = 0;
    *--sp = 0;
    *--sp = r12;
    *--sp = r13;
    *--sp = 0;
    *--sp = 0;
    t->saved_rsp = (u64)sp;
}

static void thread_start_running(struct thread *t)
{
    u64 irq = spin_lock_irqsave(&rq_lock);
    t->tid = next_tid++;
    threads_created++;
    list_add_tail(&t->all_link, &all_threads);
    sched_enqueue_new(t);
    spin_unlock_irqrestore(&rq_lock, irq);
}

struct thread *thread_create(thread_fn fn, void *arg, const char *name, u32 flags)
{
    struct thread *t = thread_alloc(name, flags);
    if (!t) {
        return NULL;
    }
    /* A zero return address above the entry ends backtraces. */
    u64 *sp = (u64 *)t->kstack_top;
    *--sp = 0;
    thread_stack_init(t, sp, thread_trampoline, (u64)fn, (u64)arg);
    thread_start_running(t);
    return t;
}

struct thread *thread_create_user(struct process *p, const struct trap_frame *frame,
                                  const char *name)
{
    struct thread *t = thread_alloc(name, THREAD_DETACHED);
    if (!t) {
        return NULL;
    }
    t->fpu = kmalloc(sizeof(*t->fpu));
    if (!t->fpu) {
        thread_free(t);
        return NULL;
    }
    struct thread *self = current_thread();
    if (self->fpu) {
        fpu_save(t->fpu); /* fork: the child continues with our registers */
        t->fs_base = self->fs_base;
        t->gs_base = self->gs_base;
    } else {
        fpu_state_init(t->fpu);
    }
    t->process = p;
    struct trap_frame *f = (struct trap_frame *)t->kstack_top - 1;
    *f = *frame;
    t->user_frame = f;
    thread_stack_init(t, (u64 *)f, ret_to_user_trampoline, 0, 0);
    thread_start_running(t);
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
    if (t->all_link.next) {
        list_del(&t->all_link);
    }
    spin_unlock_irqrestore(&rq_lock, flags);
    kstack_free(t->kstack_slot);
    kfree(t->fpu);
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
