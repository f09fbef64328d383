// SPDX-License-Identifier: MIT
/* The process table: allocation, pids, lookup. */
#include <abi/errno.h>
#include <kernel/kmalloc.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/string.h>

spinlock_t proc_lock = SPINLOCK_INIT("proc");
struct list_head all_processes = LIST_HEAD_INIT(all_processes);
u64 process_forks_total, process_execs_total;
static int last_pid;

/* Linux RLIMIT_* indexes. */

struct process *current_process(void)
{
    struct thread *t = current_thread();
    return t ? t->process : NULL;
}

struct process *process_alloc(void)
{
    struct process *p = kzalloc(sizeof(*p));
    if (!p) {
        return NULL;
    }
    list_init(&p->children);
    list_init(&p->sibling);
    list_init(&p->all_link);
    wait_queue_init(&p->child_exit);
    itimer_init(p);
    for (int i = 0; i < RLIM_NLIMITS; i++) {
        p->rlimits[i].rlim_cur = RLIM_INFINITY;
        p->rlimits[i].rlim_max = RLIM_INFINITY;
    }
    p->rlimits[RLIMIT_STACK].rlim_cur = 8ull << 20;
    p->rlimits[RLIMIT_NOFILE].rlim_cur = 1024;
    p->rlimits[RLIMIT_NOFILE].rlim_max = 4096;
    p->rlimits[RLIMIT_NPROC].rlim_cur = p->rlimits[RLIMIT_NPROC].rlim_max = 4096;
    p->rlimits[RLIMIT_SIGPENDING].rlim_cur = p->rlimits[RLIMIT_SIGPENDING].rlim_max = 4096;
    return p;
}

static bool pid_in_use(int pid)
{
    struct list_head *pos;
    list_for_each(pos, &all_processes)
    {
        struct process *q = list_entry(pos, struct process, all_link);
        if (q->pid == pid || q->pgid == pid || q->sid == pid) {
            return true;
        }
    }
    return false;
}

int process_register(struct process *p, struct process *parent)
{
    u64 flags = spin_lock_irqsave(&proc_lock);
    int pid = -EAGAIN;
    for (int tries = 0; tries < PID_MAX; tries++) {
        last_pid = last_pid >= PID_MAX - 1 ? 2 : last_pid + 1;
        if (!pid_in_use(last_pid)) {
            pid = last_pid;
            break;
        }
    }
    if (pid > 0) {
        p->pid = pid;
        p->parent = parent;
        list_add_tail(&p->all_link, &all_processes);
        if (parent) {
            list_add_tail(&p->sibling, &parent->children);
        }
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    return pid;
}

void process_free(struct process *p)
{
    u64 flags = spin_lock_irqsave(&proc_lock);
    list_del(&p->all_link);
    list_del(&p->sibling);
    spin_unlock_irqrestore(&proc_lock, flags);
    kfree(p);
}

struct process *process_find_locked(int pid)
{
    spin_assert_held(&proc_lock);
    struct list_head *pos;
    list_for_each(pos, &all_processes)
    {
        struct process *q = list_entry(pos, struct process, all_link);
        if (q->pid == pid) {
            return q;
        }
    }
    return NULL;
}

struct process *process_find(int pid)
{
    u64 flags = spin_lock_irqsave(&proc_lock);
    struct process *found = process_find_locked(pid);
    spin_unlock_irqrestore(&proc_lock, flags);
    return found;
}

bool process_group_orphaned_locked(int pgid, const struct process *ignore)
{
    spin_assert_held(&proc_lock);
    struct list_head *pos;
    list_for_each(pos, &all_processes)
    {
        struct process *q = list_entry(pos, struct process, all_link);
        if (q == ignore || q->pgid != pgid || q->state == PROC_ZOMBIE) {
            continue;
        }
        struct process *par = q->parent;
        if (!par || par == ignore || par->pid == INIT_PID || par->state == PROC_ZOMBIE) {
            continue;
        }
        if (par->pgid != pgid && par->sid == q->sid) {
            return false;
        }
    }
    return true;
}

bool process_group_orphaned(int pgid)
{
    u64 flags = spin_lock_irqsave(&proc_lock);
    bool r = process_group_orphaned_locked(pgid, NULL);
    spin_unlock_irqrestore(&proc_lock, flags);
    return r;
}

void process_get_stats(struct process_stats *st)
{
    memset(st, 0, sizeof(*st));
    u64 flags = spin_lock_irqsave(&proc_lock);
    struct list_head *pos;
    list_for_each(pos, &all_processes)
    {
        struct process *q = list_entry(pos, struct process, all_link);
        st->total++;
        if (q->state == PROC_ZOMBIE) {
            st->zombie++;
        } else if (q->thread && q->thread->state == THREAD_RUNNABLE) {
            st->running++;
        } else {
            st->sleeping++;
        }
    }
    st->forks_total = process_forks_total;
    st->execs_total = process_execs_total;
    spin_unlock_irqrestore(&proc_lock, flags);
}
