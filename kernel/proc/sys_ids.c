// SPDX-License-Identifier: MIT
/* Process identity: pids, process groups, sessions, credentials. Every
 * process starts as root; the values are stored and returned faithfully. */
#include <abi/errno.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>

static struct process *self(void)
{
    return current_process();
}

SYSCALL_DEFINE0(getpid)
{
    return self()->pid;
}

SYSCALL_DEFINE0(gettid)
{
    return self()->pid;
}

SYSCALL_DEFINE0(getppid)
{
    struct process *parent = self()->parent;
    return parent ? parent->pid : 0;
}

SYSCALL_DEFINE0(getuid)
{
    return self()->cred.uid;
}

SYSCALL_DEFINE0(geteuid)
{
    return self()->cred.euid;
}

SYSCALL_DEFINE0(getgid)
{
    return self()->cred.gid;
}

SYSCALL_DEFINE0(getegid)
{
    return self()->cred.egid;
}

static bool capable(void)
{
    return self()->cred.euid == 0;
}

/* One of the ids the caller already has (what unprivileged set*id allow). */
static bool is_own_uid(u32 id)
{
    struct cred *c = &self()->cred;
    return id == c->uid || id == c->euid || id == c->suid;
}

static bool is_own_gid(u32 id)
{
    struct cred *c = &self()->cred;
    return id == c->gid || id == c->egid || id == c->sgid;
}

#define NO_CHANGE 0xffffffffu

SYSCALL_DEFINE3(setresuid, u32, r, u32, e, u32, s)
{
    struct cred *c = &self()->cred;
    if (!capable() && ((r != NO_CHANGE && !is_own_uid(r)) || (e != NO_CHANGE && !is_own_uid(e)) ||
                       (s != NO_CHANGE && !is_own_uid(s)))) {
        return -EPERM;
    }
    if (r != NO_CHANGE) {
        c->uid = r;
    }
    if (e != NO_CHANGE) {
        c->euid = e;
    }
    if (s != NO_CHANGE) {
        c->suid = s;
    }
    c->fsuid = c->euid;
    return 0;
}

SYSCALL_DEFINE3(setresgid, u32, r, u32, e, u32, s)
{
    struct cred *c = &self()->cred;
    if (!capable() && ((r != NO_CHANGE && !is_own_gid(r)) || (e != NO_CHANGE && !is_own_gid(e)) ||
                       (s != NO_CHANGE && !is_own_gid(s)))) {
        return -EPERM;
    }
    if (r != NO_CHANGE) {
        c->gid = r;
    }
    if (e != NO_CHANGE) {
        c->egid = e;
    }
    if (s != NO_CHANGE) {
        c->sgid = s;
    }
    c->fsgid = c->egid;
    return 0;
}

SYSCALL_DEFINE1(setuid, u32, uid)
{
    struct cred *c = &self()->cred;
    if (capable()) {
        c->uid = c->euid = c->suid = c->fsuid = uid;
        return 0;
    }
    if (uid != c->uid && uid != c->suid) {
        return -EPERM;
    }
    c->euid = c->fsuid = uid;
    return 0;
}

SYSCALL_DEFINE1(setgid, u32, gid)
{
    struct cred *c = &self()->cred;
    if (capable()) {
        c->gid = c->egid = c->sgid = c->fsgid = gid;
        return 0;
    }
    if (gid != c->gid && gid != c->sgid) {
        return -EPERM;
    }
    c->egid = c->fsgid = gid;
    return 0;
}

SYSCALL_DEFINE2(setreuid, u32, r, u32, e)
{
    struct cred *c = &self()->cred;
    u32 old_uid = c->uid;
    if (!capable() &&
        ((r != NO_CHANGE && r != c->uid && r != c->euid) || (e != NO_CHANGE && !is_own_uid(e)))) {
        return -EPERM;
    }
    if (r != NO_CHANGE) {
        c->uid = r;
    }
    if (e != NO_CHANGE) {
        c->euid = e;
    }
    if (r != NO_CHANGE || (e != NO_CHANGE && e != old_uid)) {
        c->suid = c->euid;
    }
    c->fsuid = c->euid;
    return 0;
}

SYSCALL_DEFINE2(setregid, u32, r, u32, e)
{
    struct cred *c = &self()->cred;
    u32 old_gid = c->gid;
    if (!capable() &&
        ((r != NO_CHANGE && r != c->gid && r != c->egid) || (e != NO_CHANGE && !is_own_gid(e)))) {
        return -EPERM;
    }
    if (r != NO_CHANGE) {
        c->gid = r;
    }
    if (e != NO_CHANGE) {
        c->egid = e;
    }
    if (r != NO_CHANGE || (e != NO_CHANGE && e != old_gid)) {
        c->sgid = c->egid;
    }
    c->fsgid = c->egid;
    return 0;
}

SYSCALL_DEFINE3(getresuid, uptr_t, r, uptr_t, e, uptr_t, s)
{
    struct cred *c = &self()->cred;
    if (put_user(&c->uid, r) < 0 || put_user(&c->euid, e) < 0 || put_user(&c->suid, s) < 0) {
        return -EFAULT;
    }
    return 0;
}

SYSCALL_DEFINE3(getresgid, uptr_t, r, uptr_t, e, uptr_t, s)
{
    struct cred *c = &self()->cred;
    if (put_user(&c->gid, r) < 0 || put_user(&c->egid, e) < 0 || put_user(&c->sgid, s) < 0) {
        return -EFAULT;
    }
    return 0;
}

SYSCALL_DEFINE1(setfsuid, u32, uid)
{
    struct cred *c = &self()->cred;
    u32 old = c->fsuid;
    if (capable() || is_own_uid(uid) || uid == c->fsuid) {
        c->fsuid = uid;
    }
    return old;
}

SYSCALL_DEFINE1(setfsgid, u32, gid)
{
    struct cred *c = &self()->cred;
    u32 old = c->fsgid;
    if (capable() || is_own_gid(gid) || gid == c->fsgid) {
        c->fsgid = gid;
    }
    return old;
}

SYSCALL_DEFINE2(getgroups, int, size, uptr_t, list)
{
    struct cred *c = &self()->cred;
    if (size < 0) {
        return -EINVAL;
    }
    if (size == 0) {
        return c->ngroups;
    }
    if ((u32)size < c->ngroups) {
        return -EINVAL;
    }
    if (copy_to_user(list, c->groups, c->ngroups * sizeof(u32)) < 0) {
        return -EFAULT;
    }
    return c->ngroups;
}

SYSCALL_DEFINE2(setgroups, int, size, uptr_t, list)
{
    struct cred *c = &self()->cred;
    if (!capable()) {
        return -EPERM;
    }
    if (size < 0 || size > NGROUPS_MAX_KILN) {
        return -EINVAL;
    }
    u32 groups[NGROUPS_MAX_KILN];
    if (copy_from_user(groups, list, (size_t)size * sizeof(u32)) < 0) {
        return -EFAULT;
    }
    for (int i = 0; i < size; i++) {
        c->groups[i] = groups[i];
    }
    c->ngroups = (u32)size;
    return 0;
}

SYSCALL_DEFINE1(getpgid, int, pid)
{
    struct process *p = pid == 0 ? self() : process_find(pid);
    if (!p) {
        return -ESRCH;
    }
    return p->pgid;
}

SYSCALL_DEFINE0(getpgrp)
{
    return self()->pgid;
}

SYSCALL_DEFINE1(getsid, int, pid)
{
    struct process *p = pid == 0 ? self() : process_find(pid);
    if (!p) {
        return -ESRCH;
    }
    return p->sid;
}

static bool pgid_in_session(int pgid, int sid)
{
    struct list_head *pos;
    list_for_each(pos, &all_processes)
    {
        struct process *q = list_entry(pos, struct process, all_link);
        if (q->pgid == pgid && q->sid == sid && q->state != PROC_ZOMBIE) {
            return true;
        }
    }
    return false;
}

SYSCALL_DEFINE2(setpgid, int, pid, int, pgid)
{
    struct process *me = self();
    if (pgid < 0) {
        return -EINVAL;
    }
    struct process *p = pid == 0 ? me : process_find(pid);
    if (!p || (p != me && p->parent != me)) {
        return -ESRCH;
    }
    if (p->sid == p->pid) {
        return -EPERM; /* a session leader */
    }
    if (p != me && p->sid != me->sid) {
        return -EPERM;
    }
    if (pgid == 0) {
        pgid = p->pid;
    }
    u64 flags = spin_lock_irqsave(&proc_lock);
    int r = 0;
    if (pgid != p->pid && !pgid_in_session(pgid, me->sid)) {
        r = -EPERM;
    } else {
        p->pgid = pgid;
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    return r;
}

SYSCALL_DEFINE0(setsid)
{
    struct process *me = self();
    u64 flags = spin_lock_irqsave(&proc_lock);
    bool leader = false;
    struct list_head *pos;
    list_for_each(pos, &all_processes)
    {
        struct process *q = list_entry(pos, struct process, all_link);
        if (q->pgid == me->pid && q->state != PROC_ZOMBIE) {
            leader = true;
        }
    }
    if (!leader) {
        me->sid = me->pid;
        me->pgid = me->pid;
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    return leader ? -EPERM : me->sid;
}
