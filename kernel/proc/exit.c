/* exit, exit_group, wait4, waitid; orphans go to init. */
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/uaccess.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/proc_fs.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/vm.h>

#define WNOHANG 1
#define WUNTRACED 2
#define WEXITED 4
#define WCONTINUED 8
#define WSTOPPED_COMPAT 2 /* waitid spells WUNTRACED as WSTOPPED */
#define WNOWAIT 0x01000000
#define __WALL 0x40000000
#define __WCLONE 0x80000000
#define P_ALL 0
#define P_PID 1
#define P_PGID 2

/* Wakes a parent waiting in vfork. */
void process_vfork_release(struct process *p)
{
    if (p->vfork_parent && !p->vfork_done) {
        p->vfork_done = true;
        wake_up(&p->vfork_parent->child_exit);
    }
}

__attribute__((noreturn)) void process_exit(int wait_status)
{
    struct process *p = current_process();
    if (p->pid == INIT_PID) {
        panic("init exited (wait status %#x)", wait_status);
    }
    if (p->clear_child_tid && p->mm) {
        int zero = 0;
        put_user(&zero, uptr(p->clear_child_tid));
    }
    fd_table_put(p->files);
    p->files = NULL;
    fs_context_put(p->fs);
    p->fs = NULL;
    struct mm *mm = p->mm;
    p->mm = NULL;
    mm_activate(NULL);
    mm_put(mm);
    process_vfork_release(p);

    struct process *init = process_find(INIT_PID);
    bool init_has_zombie = false;
    /* From ZOMBIE on, the parent may free p at any moment: this thread
     * stops using it and nothing may preempt us before thread_exit. */
    irq_disable();
    current_thread()->process = NULL;
    u64 flags = spin_lock_irqsave(&proc_lock);
    /* Orphans are adopted by init. */
    while (!list_empty(&p->children)) {
        struct process *c = list_first_entry(&p->children, struct process, sibling);
        list_del(&c->sibling);
        c->parent = init;
        list_add_tail(&c->sibling, &init->children);
        init_has_zombie |= c->state == PROC_ZOMBIE;
    }
    p->exit_status = wait_status;
    p->state = PROC_ZOMBIE;
    p->thread = NULL;
    struct process *parent = p->parent;
    spin_unlock_irqrestore(&proc_lock, flags);

    if (init_has_zombie) {
        wake_up(&init->child_exit);
    }
    if (parent) {
        struct sig_info info = { CLD_EXITED, p->pid, p->cred.uid, (wait_status >> 8) & 0xff, 0 };
        if (wait_status & 0x7f) {
            info.code = (wait_status & 0x80) ? CLD_DUMPED : CLD_KILLED;
            info.status = wait_status & 0x7f;
        }
        signal_send(parent, SIGCHLD, &info);
        wake_up(&parent->child_exit);
    }
    thread_exit(0);
}

SYSCALL_DEFINE1(exit, int, code)
{
    process_exit((code & 0xff) << 8);
}

SYSCALL_DEFINE1(exit_group, int, code)
{
    process_exit((code & 0xff) << 8);
}

static bool child_matches(const struct process *c, int idtype, int id)
{
    switch (idtype) {
    case P_PID:
        return c->pid == id;
    case P_PGID:
        return c->pgid == id;
    default:
        return true;
    }
}

/* Finds a zombie child matching (idtype, id), or reports whether any
 * child matches at all. Called with proc_lock held. */
static struct process *find_zombie(struct process *p, int idtype, int id, bool *any)
{
    struct list_head *pos;
    *any = false;
    list_for_each(pos, &p->children) {
        struct process *c = list_entry(pos, struct process, sibling);
        if (!child_matches(c, idtype, id)) {
            continue;
        }
        *any = true;
        if (c->state == PROC_ZOMBIE) {
            return c;
        }
    }
    return NULL;
}

/* Waits for a child; returns its pid (status in *status), 0 for WNOHANG
 * with none ready, or -ECHILD / -EINTR. Reaps unless keep. */
static long wait_child(int idtype, int id, int options, int *status, struct process **out,
                       bool keep)
{
    struct process *p = current_process();
    for (;;) {
        struct wait_entry w = WAIT_ENTRY_INIT;
        prepare_to_wait(&p->child_exit, &w);
        bool any;
        u64 flags = spin_lock_irqsave(&proc_lock);
        struct process *z = find_zombie(p, idtype, id, &any);
        spin_unlock_irqrestore(&proc_lock, flags);
        if (z || !any || (options & WNOHANG)) {
            finish_wait(&p->child_exit, &w);
            if (!z) {
                return any ? 0 : -ECHILD;
            }
            int pid = z->pid;
            *status = z->exit_status;
            if (out) {
                *out = z;
            }
            if (!keep) {
                p->cutime_ns += z->utime_ns + z->cutime_ns;
                p->cstime_ns += z->stime_ns + z->cstime_ns;
                process_free(z);
            }
            return pid;
        }
        if (signal_pending()) {
            finish_wait(&p->child_exit, &w);
            return -ERESTARTSYS;
        }
        schedule();
        finish_wait(&p->child_exit, &w);
    }
}

SYSCALL_DEFINE4(wait4, int, pid, uptr_t, ustatus, int, options, uptr_t, rusage)
{
    if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WALL | __WCLONE)) {
        return -EINVAL;
    }
    int idtype = P_ALL, id = 0;
    if (pid > 0) {
        idtype = P_PID;
        id = pid;
    } else if (pid == 0) {
        idtype = P_PGID;
        id = current_process()->pgid;
    } else if (pid < -1) {
        idtype = P_PGID;
        id = -pid;
    }
    int status = 0;
    long r = wait_child(idtype, id, options, &status, NULL, false);
    if (r > 0) {
        if (!uptr_is_null(ustatus) && put_user(&status, ustatus) < 0) {
            return -EFAULT;
        }
        if (!uptr_is_null(rusage) && clear_user(rusage, 144) < 0) {
            return -EFAULT;
        }
    }
    return r;
}

struct k_siginfo_chld {
    s32 si_signo, si_errno, si_code, pad;
    s32 si_pid;
    u32 si_uid;
    s32 si_status;
    s32 pad2;
    u64 si_utime, si_stime;
    u8 rest[128 - 48];
};

SYSCALL_DEFINE5(waitid, int, idtype, int, id, uptr_t, infop, int, options, uptr_t, rusage)
{
    if ((options & ~(WNOHANG | WEXITED | WSTOPPED_COMPAT | WCONTINUED | WNOWAIT | __WALL)) ||
        !(options & (WEXITED | WSTOPPED_COMPAT | WCONTINUED))) {
        return -EINVAL;
    }
    if (idtype != P_ALL && idtype != P_PID && idtype != P_PGID) {
        return -EINVAL;
    }
    if (idtype != P_ALL && id <= 0 && !(idtype == P_PGID && id == 0)) {
        return -EINVAL;
    }
    if (idtype == P_PGID && id == 0) {
        id = current_process()->pgid;
    }
    int status = 0;
    struct process *z = NULL;
    long r = wait_child(idtype, id, options, &status, &z, options & WNOWAIT);
    struct k_siginfo_chld info = { 0 };
    if (r > 0) {
        info.si_signo = SIGCHLD;
        info.si_pid = (s32)r;
        if ((status & 0x7f) == 0) {
            info.si_code = CLD_EXITED;
            info.si_status = (status >> 8) & 0xff;
        } else {
            info.si_code = (status & 0x80) ? CLD_DUMPED : CLD_KILLED;
            info.si_status = status & 0x7f;
        }
    }
    if (r < 0) {
        return r;
    }
    /* With WNOHANG and nothing ready, Linux zeroes si_pid (and si_signo). */
    if (!uptr_is_null(infop) && copy_to_user(infop, &info, sizeof(info)) < 0) {
        return -EFAULT;
    }
    if (!uptr_is_null(rusage) && clear_user(rusage, 144) < 0) {
        return -EFAULT;
    }
    return 0;
}
