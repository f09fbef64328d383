// SPDX-License-Identifier: MIT
/* Controlling terminals and job control, as Linux's tty_jobctrl.c.
 *
 * A tty controls at most one session (tty->session). A process names its
 * controlling tty by id (struct process.ctty, inherited over fork); the
 * link holds only while the tty still controls the process's session, so
 * setsid(), hangup and disassociation end it without visiting every
 * process. Ids are never reused, so a stale one matches nothing.
 *
 * Acquisition: a session leader without a controlling tty that opens a
 * terminal (not O_NOCTTY, /dev/tty, /dev/console or a pty master) takes it
 * if it controls no session, or TIOCSCTTY. A session whose leader died
 * without tty_session_leader_exit being called counts as gone. */
#include <arch/x86_64/uaccess.h>
#include <drivers/tty.h>
#include <fs/vfs.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/process.h>
#include <kernel/signal.h>

static bool is_leader(const struct process *p)
{
    return p->pid == p->sid;
}

bool tty_is_ctty(const struct tty *t, const struct process *p)
{
    return p && p->ctty == t->id && t->session != 0 && t->session == p->sid;
}

struct tty *tty_current_ctty(void)
{
    struct process *p = current_process();

    if (!p || !p->ctty) {
        return NULL;
    }
    struct tty *t = tty_find(p->ctty);
    if (t && !tty_is_ctty(t, p)) {
        tty_put(t);
        t = NULL;
    }
    return t;
}

/* Forgets t's session if its leader is gone. */
static void drop_dead_session(struct tty *t)
{
    u64 flags = spin_lock_irqsave(&t->lock);
    int sid = t->session;
    spin_unlock_irqrestore(&t->lock, flags);
    if (sid == 0) {
        return;
    }
    struct process *leader = process_find(sid);
    if (leader && leader->state != PROC_ZOMBIE && leader->sid == sid) {
        return;
    }
    flags = spin_lock_irqsave(&t->lock);
    if (t->session == sid) {
        t->session = 0;
        t->pgrp = 0;
    }
    spin_unlock_irqrestore(&t->lock, flags);
}

/* Makes t the controlling tty of p (a leader) unless it controls another
 * session; returns whether it now does. */
static bool set_ctty(struct tty *t, struct process *p)
{
    u64 flags = spin_lock_irqsave(&t->lock);
    bool ok = t->session == 0 || t->session == p->sid;
    if (ok) {
        t->session = p->sid;
        t->pgrp = p->pgid;
        p->ctty = t->id;
    }
    spin_unlock_irqrestore(&t->lock, flags);
    return ok;
}

void tty_maybe_set_ctty(struct tty *t)
{
    struct process *p = current_process();

    if (!p || !is_leader(p)) {
        return;
    }
    struct tty *cur = tty_current_ctty();
    if (cur) {
        tty_put(cur);
        return;
    }
    drop_dead_session(t);
    u64 flags = spin_lock_irqsave(&t->lock);
    bool free = t->session == 0;
    spin_unlock_irqrestore(&t->lock, flags);
    if (free) {
        set_ctty(t, p);
    }
}

static bool sig_ignored(const struct process *p, int sig)
{
    return p->sig.actions[sig - 1].handler == SIG_IGN || (p->sig.blocked & SIGBIT(sig));
}

int tty_check_job(struct tty *t, int sig)
{
    struct process *p = current_process();

    if (!tty_is_ctty(t, p)) {
        return 0;
    }
    u64 flags = spin_lock_irqsave(&t->lock);
    int pgrp = t->pgrp;
    spin_unlock_irqrestore(&t->lock, flags);
    if (pgrp == 0 || pgrp == p->pgid) {
        return 0;
    }
    if (sig_ignored(p, sig)) {
        return sig == SIGTTIN ? -EIO : 0;
    }
    if (process_group_orphaned(p->pgid)) {
        return -EIO;
    }
    signal_send_pgrp(p->pgid, sig, NULL);
    return -ERESTARTSYS;
}

void tty_signal_fg(struct tty *t, int sig)
{
    u64 flags = spin_lock_irqsave(&t->lock);
    int pgrp = t->pgrp;
    spin_unlock_irqrestore(&t->lock, flags);
    if (pgrp > 0) {
        signal_send_pgrp(pgrp, sig, NULL);
    }
}

/* t controls no session any more; returns its foreground group (0: none). */
static int drop_session(struct tty *t)
{
    u64 flags = spin_lock_irqsave(&t->lock);
    int pgrp = t->pgrp;
    t->session = 0;
    t->pgrp = 0;
    spin_unlock_irqrestore(&t->lock, flags);
    return pgrp;
}

/* The session of process group (or, failing that, process) nr, or -1. */
static int session_of_pgrp(int nr)
{
    int sid = -1;
    struct list_head *pos;
    u64 flags = spin_lock_irqsave(&proc_lock);
    list_for_each(pos, &all_processes)
    {
        struct process *q = list_entry(pos, struct process, all_link);
        if (q->pgid == nr) {
            sid = q->sid;
            break;
        }
        if (q->pid == nr) {
            sid = q->sid;
        }
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    return sid;
}

static long tiocsctty(struct tty *t, struct file *f, int arg)
{
    struct process *p = current_process();

    if (is_leader(p) && t->session == p->sid) {
        p->ctty = t->id;
        return 0;
    }
    struct tty *cur = tty_current_ctty();
    if (cur) {
        tty_put(cur);
        return -EPERM;
    }
    if (!is_leader(p)) {
        return -EPERM;
    }
    drop_dead_session(t);
    bool root = p->cred.euid == 0;
    u64 flags = spin_lock_irqsave(&t->lock);
    int other = t->session;
    if (other && arg == 1 && root) {
        /* Stolen: the other session loses it. */
        t->session = 0;
        t->pgrp = 0;
        other = 0;
    }
    spin_unlock_irqrestore(&t->lock, flags);
    if (other) {
        return -EPERM;
    }
    if (!(f->fmode & FMODE_READ) && !root) {
        return -EPERM;
    }
    return set_ctty(t, p) ? 0 : -EPERM;
}

/* TIOCNOTTY: a leader's whole session loses t, and its foreground group
 * gets SIGHUP and SIGCONT; anyone else just drops it. */
static long tiocnotty(struct tty *t, struct process *p)
{
    if (is_leader(p)) {
        int pgrp = drop_session(t);
        if (pgrp > 0) {
            signal_send_pgrp(pgrp, SIGHUP, NULL);
            signal_send_pgrp(pgrp, SIGCONT, NULL);
        }
    }
    p->ctty = 0;
    return 0;
}

static long tiocspgrp(struct tty *t, bool via_master, u64 arg)
{
    struct process *p = current_process();
    int pgrp;

    if (!via_master) {
        int r = tty_check_job(t, SIGTTOU);
        if (r) {
            return r == -EIO ? -ENOTTY : r;
        }
    }
    if (copy_from_user(&pgrp, uptr(arg), sizeof(pgrp)) < 0) {
        return -EFAULT;
    }
    if (pgrp < 0) {
        return -EINVAL;
    }
    if (!tty_is_ctty(t, p)) {
        return -ENOTTY;
    }
    int sid = session_of_pgrp(pgrp);
    if (sid < 0) {
        return -ESRCH;
    }
    if (sid != p->sid) {
        return -EPERM;
    }
    u64 flags = spin_lock_irqsave(&t->lock);
    t->pgrp = pgrp;
    spin_unlock_irqrestore(&t->lock, flags);
    return 0;
}

long tty_jobctrl_ioctl(struct tty *t, struct file *f, bool via_master, u32 cmd, u64 arg)
{
    struct process *p = current_process();
    bool mine = tty_is_ctty(t, p);
    int v;

    switch (cmd) {
    case TIOCSCTTY:
        return tiocsctty(t, f, (int)arg);
    case TIOCNOTTY:
        return via_master || !mine ? -ENOTTY : tiocnotty(t, p);
    case TIOCGPGRP:
        if (!via_master && !mine) {
            return -ENOTTY;
        }
        v = READ_ONCE(t->pgrp);
        return copy_to_user(uptr(arg), &v, sizeof(v));
    case TIOCSPGRP:
        return tiocspgrp(t, via_master, arg);
    case TIOCGSID:
        v = READ_ONCE(t->session);
        if ((!via_master && !mine) || v == 0) {
            return -ENOTTY;
        }
        return copy_to_user(uptr(arg), &v, sizeof(v));
    default:
        return -ENOTTY;
    }
}

bool tty_process_info(const struct process *p, u32 *dev, int *fg_pgrp)
{
    struct tty *t = p->ctty ? tty_find(p->ctty) : NULL;
    bool mine = t && tty_is_ctty(t, p);

    if (mine) {
        *dev = t->dev;
        *fg_pgrp = READ_ONCE(t->pgrp);
    }
    if (t) {
        tty_put(t);
    }
    return mine;
}

void tty_session_leader_exit(struct process *p)
{
    if (!is_leader(p) || !p->ctty) {
        return;
    }
    struct tty *t = tty_find(p->ctty);
    p->ctty = 0;
    if (!t) {
        return;
    }
    if (t->session == p->sid) {
        if (t->hangup_on_exit) {
            tty_hangup(t, true);
        } else {
            int pgrp = drop_session(t);
            if (pgrp > 0) {
                signal_send_pgrp(pgrp, SIGHUP, NULL);
            }
        }
    }
    tty_put(t);
}
