// SPDX-License-Identifier: MIT
/* Run queue and context switching (see include/kernel/sched.h). */
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/fpu.h>
#include <arch/x86_64/trap.h>
#include <kernel/buddy.h>
#include <kernel/ktimer.h>
#include <kernel/loadavg.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/vm.h>

#include "sched_internal.h"

struct percpu cpu0 = {.self = &cpu0};
spinlock_t rq_lock = SPINLOCK_INIT("runqueue");
struct list_head all_threads = LIST_HEAD_INIT(all_threads);
u64 threads_created;

static struct list_head run_queue = LIST_HEAD_INIT(run_queue);
static struct thread boot_thread;
static struct thread *idle_thread;
static bool need_resched;
static u64 context_switches;
/* A dead detached thread whose stack was still in use when it switched
 * away; the next thread to run frees it. */
static struct thread *reap_pending;

extern char boot_stack_top[], boot_stack_guard[];

struct thread *current_thread(void)
{
    return cpu0.current;
}

static int idle_loop(void *arg)
{
    (void)arg;
    for (;;) {
        irq_disable();
        if (list_empty(&run_queue)) {
            /* sti takes effect after hlt starts: no wakeup slips between. */
            __asm__ __volatile__("sti; hlt" ::: "memory");
        } else {
            irq_enable();
            schedule();
        }
    }
    return 0;
}

void sched_init(void)
{
    struct thread *t = &boot_thread;
    t->tid = 0;
    strlcpy(t->name, "kmain", sizeof(t->name));
    t->state = THREAD_RUNNABLE;
    t->kstack_slot = -1;
    t->kstack_bottom = (u64)boot_stack_guard + PAGE_SIZE;
    t->kstack_top = (u64)boot_stack_top;
    t->slice_left = SCHED_SLICE_TICKS;
    wait_queue_init(&t->exit_wq);
    list_add_tail(&t->all_link, &all_threads);
    cpu0.current = t;
    wrmsr(MSR_GS_BASE, (u64)&cpu0);

    idle_thread = thread_create(idle_loop, NULL, "idle", THREAD_DETACHED | THREAD_IDLE);
    if (!idle_thread) {
        panic("out of memory creating the idle thread");
    }
    /* The idle thread runs only when the queue is empty, never from it. */
    u64 flags = spin_lock_irqsave(&rq_lock);
    list_del(&idle_thread->run_link);
    idle_thread->on_rq = false;
    spin_unlock_irqrestore(&rq_lock, flags);
}

void sched_reap(void)
{
    u64 flags = spin_lock_irqsave(&rq_lock);
    struct thread *dead = reap_pending;
    reap_pending = NULL;
    spin_unlock_irqrestore(&rq_lock, flags);
    if (dead) {
        thread_free(dead);
    }
}

/* The per-thread CPU state that context_switch does not carry: FPU/SSE
 * registers, FS base (only ever changed through arch_prctl, which updates
 * thread.fs_base) and the address space. Kernel threads keep whatever
 * address space is loaded (they only use the shared kernel half). */
static void switch_user_state(struct thread *prev, struct thread *next)
{
    if (prev->fpu) {
        fpu_save(prev->fpu);
    }
    if (next->fpu) {
        fpu_restore(next->fpu);
        wrmsr(MSR_FS_BASE, next->fs_base);
        wrmsr(MSR_KERNEL_GS_BASE, next->gs_base);
    }
    if (next->process) {
        mm_activate(next->process->mm);
    }
}

static void enqueue(struct thread *t)
{
    if (!t->on_rq) {
        t->on_rq = true;
        list_add_tail(&t->run_link, &run_queue);
    }
}

/* preempt: an involuntary switch (timer interrupt). A thread preempted
 * between marking itself SLEEPING and calling schedule() stays on the run
 * queue: it has not yet set up its wake-up (a queue entry, a timer), so
 * taking it off would lose it. It sleeps at its own schedule() call. */
static void do_schedule(bool preempt)
{
    u64 flags = spin_lock_irqsave(&rq_lock);
    struct thread *prev = cpu0.current;
    if (prev != idle_thread && prev->state != THREAD_DEAD &&
        (prev->state == THREAD_RUNNABLE || preempt)) {
        enqueue(prev);
    }
    struct thread *next = idle_thread;
    if (!list_empty(&run_queue)) {
        next = list_first_entry(&run_queue, struct thread, run_link);
        list_del(&next->run_link);
        next->on_rq = false;
    }
    need_resched = false;
    next->slice_left = SCHED_SLICE_TICKS;
    if (next != prev) {
        if (prev->state == THREAD_DEAD && (prev->flags & THREAD_DETACHED)) {
            reap_pending = prev;
        }
        switch_user_state(prev, next);
        cpu0.current = next;
        cpu0.kernel_rsp = next->kstack_top;
        tss_set_kernel_stack(next->kstack_top);
        next->switches++;
        context_switches++;
        context_switch(&prev->saved_rsp, next->saved_rsp);
        /* Back in prev, switched in by whoever ran last. */
    }
    spin_unlock_irqrestore(&rq_lock, flags);
    sched_reap();
}

void schedule(void)
{
    do_schedule(false);
}

void yield(void)
{
    schedule();
}

bool wake_thread(struct thread *t)
{
    u64 flags = spin_lock_irqsave(&rq_lock);
    bool woke = t->state == THREAD_SLEEPING;
    if (woke) {
        t->state = THREAD_RUNNABLE;
        /* The current thread is never on the queue; schedule() adds it. */
        if (t != cpu0.current) {
            enqueue(t);
        }
        if (cpu0.current == idle_thread) {
            need_resched = true;
        }
    }
    spin_unlock_irqrestore(&rq_lock, flags);
    return woke;
}

/* Called with rq_lock held: makes t runnable for the first time. */
void sched_enqueue_new(struct thread *t)
{
    t->state = THREAD_RUNNABLE;
    enqueue(t);
}

/* Runnable threads other than idle (the running one included). */
static unsigned count_runnable(void)
{
    unsigned n = 0;
    u64 flags = spin_lock_irqsave(&rq_lock);
    struct list_head *pos;
    list_for_each(pos, &all_threads)
    {
        struct thread *t = list_entry(pos, struct thread, all_link);
        if (t != idle_thread && t->state == THREAD_RUNNABLE) {
            n++;
        }
    }
    spin_unlock_irqrestore(&rq_lock, flags);
    return n;
}

void sched_tick(void)
{
    static unsigned load_ticks;
    if (++load_ticks >= LOADAVG_PERIOD_S * SCHED_HZ) {
        load_ticks = 0;
        loadavg_sample(count_runnable());
    }
    ktimer_run_expired();
    struct thread *t = cpu0.current;
    if (t->slice_left > 0) {
        t->slice_left--;
    }
    if (t->slice_left == 0 || t == idle_thread) {
        need_resched = !list_empty(&run_queue);
    }
}

void sched_preempt_point(void)
{
    if (need_resched) {
        do_schedule(true);
    }
}

struct sleep_timer {
    struct ktimer timer;
    struct thread *thread;
};

static void sleep_timer_fn(struct ktimer *kt)
{
    wake_thread(container_of(kt, struct sleep_timer, timer)->thread);
}

u64 schedule_timeout(u64 timeout_ns)
{
    struct sleep_timer st;
    u64 deadline = clock_monotonic_ns() + timeout_ns;
    ktimer_init(&st.timer, sleep_timer_fn);
    st.thread = cpu0.current;
    ktimer_arm(&st.timer, deadline);
    schedule();
    ktimer_cancel(&st.timer);
    u64 now = clock_monotonic_ns();
    return deadline > now ? deadline - now : 0;
}

void sched_set_sleeping(void)
{
    u64 flags = spin_lock_irqsave(&rq_lock);
    cpu0.current->state = THREAD_SLEEPING;
    spin_unlock_irqrestore(&rq_lock, flags);
}

void sched_set_running(void)
{
    u64 flags = spin_lock_irqsave(&rq_lock);
    cpu0.current->state = THREAD_RUNNABLE;
    spin_unlock_irqrestore(&rq_lock, flags);
}

void sleep_ns(u64 ns)
{
    u64 deadline = clock_monotonic_ns() + ns;
    for (;;) {
        u64 now = clock_monotonic_ns();
        if (now >= deadline) {
            return;
        }
        u64 flags = spin_lock_irqsave(&rq_lock);
        cpu0.current->state = THREAD_SLEEPING;
        spin_unlock_irqrestore(&rq_lock, flags);
        schedule_timeout(deadline - now);
    }
}

void sched_get_stats(struct sched_stats *st)
{
    u64 flags = spin_lock_irqsave(&rq_lock);
    st->context_switches = context_switches;
    st->threads_created = threads_created;
    st->threads_alive = 0;
    struct list_head *pos;
    list_for_each(pos, &all_threads)
    {
        st->threads_alive++;
    }
    st->runnable = 0;
    list_for_each(pos, &run_queue)
    {
        st->runnable++;
    }
    spin_unlock_irqrestore(&rq_lock, flags);
}
