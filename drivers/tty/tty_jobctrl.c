// SPDX-License-Identifier: MIT
/* Controlling terminals and job control: POSIX XBD 11.1.3 (the controlling
 * terminal) and 11.1.4 (terminal access control), the TIOCSCTTY,
 * TIOCNOTTY, TIOCGPGRP, TIOCSPGRP and TIOCGSID requests of tty_ioctl(4),
 * and sessions and process groups as credentials(7) describes them.
 *
 * Ownership. A terminal belongs to at most one session: tty->session, with
 * tty->pgrp its foreground process group (0, 0: nobody's). Both change
 * together, under tty->lock, and only by swap_owner, a compare-and-swap
 * on the session, so two claims on one terminal cannot both win. A
 * process names its controlling terminal by tty id (process->ctty,
 * inherited over fork), and the name counts only while that terminal
 * still belongs to the process's session (tty_is_ctty). So a session
 * loses its terminal (TIOCNOTTY, hangup, its leader's exit, a theft) by a
 * change to the terminal alone, without visiting its processes; setsid()
 * leaves the old terminal behind the same way. Tty ids are never reused,
 * so a stale name matches nothing. A session whose leader has gone
 * without tty_session_leader_exit owns nothing: its claim is dropped when
 * someone else wants the terminal.
 *
 * Gaining one. Only a session leader without a controlling terminal gains
 * one: by opening a terminal that belongs to no session (unless the open
 * is O_NOCTTY or write-only, or of /dev/tty, /dev/console or a pty master:
 * the callers decide), or by TIOCSCTTY, which root may use with argument 1
 * to take a terminal from another session.
 *
 * Background access. A process of the terminal's session outside its
 * foreground group that reads the terminal, writes it with TOSTOP set or
 * changes its settings is stopped: SIGTTIN (reads) or SIGTTOU (the rest)
 * goes to its group, and the call starts again once the group continues.
 * If the process ignores or blocks the signal, a read fails with EIO and
 * the rest go ahead; if its group is orphaned (no one could continue it)
 * the call fails with EIO. These rules are pinned on Linux and Kiln by
 * userland/tests/t_tty.c (its job-control cases). */
#include <abi/errno.h>
#include <arch/x86_64/uaccess.h>
#include <drivers/tty.h>
#include <fs/vfs.h>
#include <kernel/compiler.h>
#include <kernel/proc.h>
#include <kernel/process.h>
#include <kernel/signal.h>

/* ---- who owns a terminal ---- */

struct owner {
    int session; /* 0: none */
    int pgrp; /* the foreground group; 0: none */
};

static const struct owner nobody = {0, 0};

static bool is_leader(const struct process *p)
{
    return p->pid == p->sid;
}

/* A session led by p, with p's group in the foreground. */
static struct owner session_of_leader(const struct process *p)
{
    return (struct owner){p->sid, p->pgid};
}

static struct owner owner_of(struct tty *t)
{
    u64 flags = spin_lock_irqsave(&t->lock);
    struct owner o = {t->session, t->pgrp};
    spin_unlock_irqrestore(&t->lock, flags);
    return o;
}

/* If t belongs to session expect, it becomes o's, and p (if not NULL)
 * names t as its controlling terminal. Returns the owner t had: the swap
 * happened iff its session is expect. */
static struct owner swap_owner(struct tty *t, int expect, struct owner o, struct process *p)
{
    u64 flags = spin_lock_irqsave(&t->lock);
    struct owner old = {t->session, t->pgrp};
    if (old.session == expect) {
        t->session = o.session;
        t->pgrp = o.pgrp;
        if (p) {
            p->ctty = t->id;
        }
    }
    spin_unlock_irqrestore(&t->lock, flags);
    return old;
}

/* The leader of session sid still lives (takes proc_lock: never call it
 * with t->lock held). */
static bool session_alive(int sid)
{
    struct process *leader = process_find(sid);
    return leader && leader->state != PROC_ZOMBIE && leader->sid == sid;
}

/* Drops t's owner if that session's leader is gone. */
static void forget_dead_owner(struct tty *t)
{
    int sid = owner_of(t).session;

    if (sid != 0 && !session_alive(sid)) {
        swap_owner(t, sid, nobody, NULL);
    }
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

static bool current_has_ctty(void)
{
    struct tty *t = tty_current_ctty();

    if (t) {
        tty_put(t);
    }
    return t != NULL;
}

void tty_maybe_set_ctty(struct tty *t)
{
    struct process *p = current_process();

    if (!p || !is_leader(p) || current_has_ctty()) {
        return;
    }
    forget_dead_owner(t);
    swap_owner(t, 0, session_of_leader(p), p); /* only if it belongs to nobody */
}

/* ---- background access ---- */

static bool refuses(const struct process *p, int sig)
{
    return p->sig.actions[sig - 1].sa_handler == SIG_IGN || (p->sig.blocked & SIGBIT(sig));
}

int tty_check_job(struct tty *t, int sig)
{
    struct process *p = current_process();

    if (!tty_is_ctty(t, p)) {
        return 0; /* not its terminal: the rules do not apply */
    }
    int fg = owner_of(t).pgrp;
    if (fg == 0 || fg == p->pgid) {
        return 0; /* in the foreground, or there is none */
    }
    if (refuses(p, sig)) {
        return sig == SIGTTIN ? -EIO : 0;
    }
    if (process_group_orphaned(p->pgid)) {
        return -EIO;
    }
    signal_send_pgrp(p->pgid, sig, NULL);
    return -ERESTARTSYS; /* stopped; tried again when continued */
}

void tty_signal_fg(struct tty *t, int sig)
{
    int fg = owner_of(t).pgrp;

    if (fg > 0) {
        signal_send_pgrp(fg, sig, NULL);
    }
}

/* ---- the ioctls ---- */

/* The session of process group nr or, if no group has that id, of the
 * process with pid nr; -1 if neither exists. */
static int session_of_id(int nr)
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
            sid = q->sid; /* unless a group member comes later */
        }
    }
    spin_unlock_irqrestore(&proc_lock, flags);
    return sid;
}

static long ioctl_sctty(struct tty *t, struct file *f, int arg)
{
    struct process *p = current_process();
    bool root = p->cred.euid == 0;

    if (is_leader(p) && owner_of(t).session == p->sid) {
        p->ctty = t->id; /* already this session's: nothing to gain */
        return 0;
    }
    if (!is_leader(p) || current_has_ctty()) {
        return -EPERM;
    }
    if (!(f->fmode & FMODE_READ) && !root) {
        return -EPERM;
    }
    forget_dead_owner(t);
    int other = owner_of(t).session;
    if (other != 0 && !(arg == 1 && root)) {
        return -EPERM; /* another session's, and not taken from it */
    }
    /* Taken from other (if any): that session has lost it. */
    return swap_owner(t, other, session_of_leader(p), p).session == other ? 0 : -EPERM;
}

/* Only on the caller's controlling terminal. A leader's whole session
 * loses it, and the foreground group gets SIGHUP and SIGCONT; anyone else
 * just stops naming it. */
static long ioctl_notty(struct tty *t, struct process *p)
{
    if (is_leader(p)) {
        struct owner old = swap_owner(t, p->sid, nobody, NULL);
        if (old.session == p->sid && old.pgrp > 0) {
            signal_send_pgrp(old.pgrp, SIGHUP, NULL);
            signal_send_pgrp(old.pgrp, SIGCONT, NULL);
        }
    }
    p->ctty = 0;
    return 0;
}

static long ioctl_spgrp(struct tty *t, bool via_master, u64 arg)
{
    struct process *p = current_process();
    int pgrp;

    if (!via_master) {
        int r = tty_check_job(t, SIGTTOU);
        if (r == -EIO) {
            return -ENOTTY; /* an orphaned background group: ENOTTY, not EIO */
        }
        if (r) {
            return r;
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
    int sid = session_of_id(pgrp);
    if (sid < 0) {
        return -ESRCH;
    }
    if (sid != p->sid) {
        return -EPERM;
    }
    swap_owner(t, p->sid, (struct owner){p->sid, pgrp}, NULL);
    return 0;
}

long tty_jobctrl_ioctl(struct tty *t, struct file *f, bool via_master, u32 cmd, u64 arg)
{
    struct process *p = current_process();
    /* Through the slave, the queries need the caller's own terminal; a
     * pty master may ask about its slave whoever owns it. */
    bool may_ask = via_master || tty_is_ctty(t, p);
    struct owner o;

    switch (cmd) {
    case TIOCSCTTY:
        return ioctl_sctty(t, f, (int)arg);
    case TIOCNOTTY:
        return via_master || !tty_is_ctty(t, p) ? -ENOTTY : ioctl_notty(t, p);
    case TIOCSPGRP:
        return ioctl_spgrp(t, via_master, arg);
    case TIOCGPGRP:
        if (!may_ask) {
            return -ENOTTY;
        }
        o = owner_of(t);
        return copy_to_user(uptr(arg), &o.pgrp, sizeof(o.pgrp));
    case TIOCGSID:
        o = owner_of(t);
        if (!may_ask || o.session == 0) {
            return -ENOTTY;
        }
        return copy_to_user(uptr(arg), &o.session, sizeof(o.session));
    default:
        return -ENOTTY;
    }
}

/* ---- sessions ending, /proc ---- */

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
    if (owner_of(t).session == p->sid) {
        if (t->hangup_on_exit) {
            tty_hangup(t, true); /* a serial line: hung up, session and all */
        } else {
            struct owner old = swap_owner(t, p->sid, nobody, NULL);
            if (old.session == p->sid && old.pgrp > 0) {
                signal_send_pgrp(old.pgrp, SIGHUP, NULL);
            }
        }
    }
    tty_put(t);
}
