// SPDX-License-Identifier: MIT
/* fork, vfork and clone (processes only; threads come later). */
#include <abi/errno.h>
#include <arch/x86_64/trap.h>
#include <kernel/kmalloc.h>
#include <kernel/proc.h>
#include <kernel/proc_fs.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/vm.h>

#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_CHILD_SETTID 0x01000000
#define CSIGNAL 0xff

struct clone_args_k {
    u64 flags;
    u64 stack;
    uptr_t parent_tid;
    uptr_t child_tid;
    u64 tls;
};

static void release_resources(struct process *p)
{
    if (p->files) {
        fd_table_put(p->files);
    }
    if (p->fs) {
        fs_context_put(p->fs);
    }
    if (p->mm) {
        mm_put(p->mm);
    }
}

/* What fork gives the child of the parent's: the address space (shared
 * with CLONE_VM, else copied on write), filesystem context, descriptors,
 * credentials, signal dispositions, limits, name and job-control ids. */
static long copy_from_parent(struct process *child, struct process *parent, u64 flags)
{
    if (flags & CLONE_VM) {
        child->mm = parent->mm;
        child->mm->refcount++;
    } else {
        child->mm = mm_fork(parent->mm);
        if (!child->mm) {
            return -ENOMEM;
        }
    }
    child->fs = fs_context_clone(parent->fs);
    child->files = fd_table_clone(parent->files);
    if (!child->fs || !child->files) {
        return -ENOMEM;
    }
    child->cred = parent->cred;
    signal_fork(&child->sig, &parent->sig);
    memcpy(child->rlimits, parent->rlimits, sizeof(child->rlimits));
    memcpy(child->comm, parent->comm, sizeof(child->comm));
    child->pgid = parent->pgid;
    child->sid = parent->sid;
    child->ctty = parent->ctty;
    child->start_ns = clock_monotonic_ns();
    return 0;
}

/* The child's thread: the parent's user registers with rax 0, on the new
 * stack and TLS base if given. */
static long start_child_thread(struct process *child, const struct clone_args_k *a)
{
    struct trap_frame frame = *current_thread()->user_frame;
    frame.rax = 0;
    if (a->stack) {
        frame.rsp = a->stack;
    }
    struct thread *t = thread_create_user(child, &frame, child->comm);
    if (!t) {
        return -ENOMEM;
    }
    child->thread = t;
    if (a->flags & CLONE_SETTLS) {
        t->fs_base = a->tls;
    }
    return 0;
}

static long do_clone(const struct clone_args_k *a)
{
    struct process *parent = current_process();
    if (!parent || !current_thread()->user_frame) {
        return -EINVAL;
    }
    if (a->flags & (CLONE_THREAD | CLONE_SIGHAND)) {
        return -ENOSYS; /* threads are not implemented yet */
    }
    struct process *child = process_alloc();
    if (!child) {
        return -ENOMEM;
    }
    long r = copy_from_parent(child, parent, a->flags);
    if (r < 0) {
        goto free_child;
    }
    struct process *new_parent =
        (a->flags & CLONE_PARENT) && parent->parent ? parent->parent : parent;
    int pid = process_register(child, new_parent);
    if (pid < 0) {
        r = pid; /* -EAGAIN: no pid free */
        goto free_child;
    }
    if (a->flags & CLONE_CHILD_CLEARTID) {
        child->clear_child_tid = a->child_tid.addr;
    }
    if (a->flags & CLONE_CHILD_SETTID) {
        /* Stored by the child, in its own address space (thread.c). */
        child->set_child_tid = a->child_tid.addr;
    }
    if (a->flags & CLONE_PARENT_SETTID) {
        put_user(&pid, a->parent_tid);
    }
    if (a->flags & CLONE_VFORK) {
        child->vfork_parent = parent;
    }
    r = start_child_thread(child, a);
    if (r < 0) {
        goto unregister;
    }
    process_forks_total++;
    if (a->flags & CLONE_VFORK) {
        wait_event(parent->child_exit, READ_ONCE(child->vfork_done));
    }
    return pid;

unregister:
    release_resources(child);
    process_free(child);
    return r;
free_child:
    release_resources(child);
    kfree(child);
    return r;
}

SYSCALL_DEFINE0(fork)
{
    struct clone_args_k a = {0};
    return do_clone(&a);
}

SYSCALL_DEFINE0(vfork)
{
    struct clone_args_k a = {.flags = CLONE_VM | CLONE_VFORK};
    return do_clone(&a);
}

SYSCALL_DEFINE5(clone, u64, flags, u64, stack, uptr_t, parent_tid, uptr_t, child_tid, u64, tls)
{
    struct clone_args_k a = {flags, stack, parent_tid, child_tid, tls};
    return do_clone(&a);
}
