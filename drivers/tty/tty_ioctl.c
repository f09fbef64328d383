// SPDX-License-Identifier: MIT
/* Terminal ioctls: dispatch, termios (TCGETS/TCSETS* and the termios2
 * forms), window size, flushing, flow control, queue sizes. Job-control
 * ioctls are in tty_jobctrl.c. */
#include <abi/errno.h>
#include <arch/x86_64/uaccess.h>
#include <drivers/tty.h>
#include <fs/vfs.h>
#include <kernel/proc.h>
#include <kernel/signal.h>
#include <kernel/string.h>

#define BOTHER 0010000
#define CBAUDEX 0010000
#define DRAIN_POLL_NS 2000000ull

/* Baud rates of the Bnnn codes (CBAUD without, then with, CBAUDEX). */
static const u32 baud_table[] = {
    0,      50,     75,      110,     134,     150,     200,     300,     600,     1200,    1800,
    2400,   4800,   9600,    19200,   38400,   0,       57600,   115200,  230400,  460800,  500000,
    576000, 921600, 1000000, 1152000, 1500000, 2000000, 2500000, 3000000, 3500000, 4000000,
};

static u32 baud_of(u32 cflag, u32 speed)
{
    u32 code = cflag & CBAUD;
    if (code == BOTHER) {
        return speed;
    }
    if (code & CBAUDEX) {
        code = (code & ~CBAUDEX) + 16;
    }
    return code < sizeof(baud_table) / sizeof(baud_table[0]) ? baud_table[code] : 0;
}

static long put_int(u64 arg, int v)
{
    return copy_to_user(uptr(arg), &v, sizeof(v));
}

/* Sleeps until the device has sent what it holds (Linux's
 * tty_wait_until_sent, polled: the UART does not report an empty queue).
 * 0, or -ERESTARTSYS on a signal. */
static int wait_until_sent(struct tty *t)
{
    if (!t->ops->chars_in_buffer) {
        return 0;
    }
    return wait_event_file_timeout(t->write_wq, false, t->ops->chars_in_buffer(t) == 0,
                                   DRAIN_POLL_NS);
}

/* The old interface changes only the low 16 bits of each flag word and
 * the first NCC control characters. */
static void termio_to_ktermios(const struct termio *o, struct ktermios *nt)
{
    nt->c_iflag = (nt->c_iflag & 0xffff0000u) | o->c_iflag;
    nt->c_oflag = (nt->c_oflag & 0xffff0000u) | o->c_oflag;
    nt->c_cflag = (nt->c_cflag & 0xffff0000u) | o->c_cflag;
    nt->c_lflag = (nt->c_lflag & 0xffff0000u) | o->c_lflag;
    nt->c_line = o->c_line;
    memcpy(nt->c_cc, o->c_cc, NCC);
}

static long get_termio(struct tty *t, u64 arg)
{
    struct termio o;

    memset(&o, 0, sizeof(o));
    u64 flags = spin_lock_irqsave(&t->lock);
    o.c_iflag = (u16)t->ld.t.c_iflag;
    o.c_oflag = (u16)t->ld.t.c_oflag;
    o.c_cflag = (u16)t->ld.t.c_cflag;
    o.c_lflag = (u16)t->ld.t.c_lflag;
    o.c_line = t->ld.t.c_line;
    memcpy(o.c_cc, t->ld.t.c_cc, NCC);
    spin_unlock_irqrestore(&t->lock, flags);
    return copy_to_user(uptr(arg), &o, sizeof(o));
}

static long set_termios(struct tty *t, u32 cmd, u64 arg)
{
    bool v2 = cmd == TCSETS2 || cmd == TCSETSW2 || cmd == TCSETSF2;
    bool old = cmd == TCSETA || cmd == TCSETAW || cmd == TCSETAF;
    bool flush = cmd == TCSETSF || cmd == TCSETSF2 || cmd == TCSETAF;
    bool wait = flush || cmd == TCSETSW || cmd == TCSETSW2 || cmd == TCSETAW;
    struct ktermios nt;
    struct termio o;

    if (old) {
        if (copy_from_user(&o, uptr(arg), sizeof(o)) < 0) {
            return -EFAULT;
        }
        u64 flags = spin_lock_irqsave(&t->lock);
        nt = t->ld.t;
        spin_unlock_irqrestore(&t->lock, flags);
        termio_to_ktermios(&o, &nt);
    } else if (copy_from_user(&nt, uptr(arg), v2 ? TERMIOS2_SIZE : TERMIOS_SIZE) < 0) {
        return -EFAULT;
    }
    if (!v2) {
        nt.c_ospeed = nt.c_ispeed = baud_of(nt.c_cflag, 0);
    } else {
        nt.c_ospeed = baud_of(nt.c_cflag, nt.c_ospeed);
        nt.c_ispeed = nt.c_ospeed;
    }
    /* As Linux: flush input, then wait for output, then change. */
    if (flush) {
        u64 flags = spin_lock_irqsave(&t->lock);
        n_tty_flush_input(&t->ld);
        spin_unlock_irqrestore(&t->lock, flags);
    }
    if (wait) {
        int r = wait_until_sent(t);
        if (r) {
            return r;
        }
    }
    u64 flags = spin_lock_irqsave(&t->lock);
    n_tty_set_termios(&t->ld, &nt);
    spin_unlock_irqrestore(&t->lock, flags);
    tty_input_done(t); /* a new mode may make input readable */
    if (t->ops->input_consumed) {
        t->ops->input_consumed(t);
    }
    return 0;
}

long tty_push_input(struct tty *t, u64 arg)
{
    char c;

    if (!tty_is_ctty(t, current_process()) && !vfs_cred_is_root()) {
        return -EPERM;
    }
    if (copy_from_user(&c, uptr(arg), 1) < 0) {
        return -EFAULT;
    }
    u64 flags = spin_lock_irqsave(&t->lock);
    n_tty_receive(&t->ld, &c, 1); /* a full buffer drops it, as Linux's */
    spin_unlock_irqrestore(&t->lock, flags);
    tty_input_done(t);
    return 0;
}

static long set_winsize(struct tty *t, u64 arg)
{
    struct tty_winsize ws;

    if (copy_from_user(&ws, uptr(arg), sizeof(ws)) < 0) {
        return -EFAULT;
    }
    u64 flags = spin_lock_irqsave(&t->lock);
    bool changed = memcmp(&ws, &t->ws, sizeof(ws)) != 0;
    t->ws = ws;
    spin_unlock_irqrestore(&t->lock, flags);
    if (changed) {
        tty_signal_fg(t, SIGWINCH);
    }
    return 0;
}

static long flush(struct tty *t, u64 arg)
{
    if (arg > TCIOFLUSH) {
        return -EINVAL;
    }
    u64 flags = spin_lock_irqsave(&t->lock);
    if (arg == TCIFLUSH || arg == TCIOFLUSH) {
        n_tty_flush_input(&t->ld);
    }
    if ((arg == TCOFLUSH || arg == TCIOFLUSH) && t->ops->flush_output) {
        t->ops->flush_output(t);
    }
    spin_unlock_irqrestore(&t->lock, flags);
    if (t->ops->input_consumed) {
        t->ops->input_consumed(t);
    }
    return 0;
}

long tty_mode_ioctl(struct tty *t, u32 cmd, u64 arg)
{
    struct ktermios kt;
    struct tty_winsize ws;
    u64 flags;
    long r;
    int v;

    switch (cmd) {
    case TCGETS:
    case TCGETS2:
        flags = spin_lock_irqsave(&t->lock);
        kt = t->ld.t;
        spin_unlock_irqrestore(&t->lock, flags);
        return copy_to_user(uptr(arg), &kt, cmd == TCGETS ? TERMIOS_SIZE : TERMIOS2_SIZE);
    case TCGETA:
        return get_termio(t, arg);
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
    case TCSETS2:
    case TCSETSW2:
    case TCSETSF2:
    case TCSETA:
    case TCSETAW:
    case TCSETAF:
        return set_termios(t, cmd, arg);
    case TIOCGWINSZ:
        flags = spin_lock_irqsave(&t->lock);
        ws = t->ws;
        spin_unlock_irqrestore(&t->lock, flags);
        return copy_to_user(uptr(arg), &ws, sizeof(ws));
    case TIOCSWINSZ:
        return set_winsize(t, arg);
    case FIONREAD:
        flags = spin_lock_irqsave(&t->lock);
        v = (int)n_tty_inq(&t->ld);
        spin_unlock_irqrestore(&t->lock, flags);
        return put_int(arg, v);
    case TIOCOUTQ:
        return put_int(arg, t->ops->chars_in_buffer ? (int)t->ops->chars_in_buffer(t) : 0);
    case TCFLSH:
        return flush(t, arg);
    case TCXONC:
        flags = spin_lock_irqsave(&t->lock);
        r = n_tty_flow(&t->ld, (int)arg);
        spin_unlock_irqrestore(&t->lock, flags);
        wake_up(&t->write_wq);
        return r;
    case TCSBRK:
    case TCSBRKP:
    case TIOCSBRK:
        /* tcdrain (TCSBRK 1) and breaks wait for output; no break is sent
         * on these lines. */
        r = wait_until_sent(t);
        return r == -ERESTARTSYS ? -EINTR : r;
    case TIOCCBRK:
        return 0;
    case TIOCGETD:
        return put_int(arg, 0); /* N_TTY */
    case TIOCSETD:
        r = copy_from_user(&v, uptr(arg), sizeof(v));
        return r ? r : v == 0 ? 0 : -EINVAL;
    default:
        return -ENOTTY;
    }
}

/* Requests that change the terminal: a background process gets SIGTTOU. */
static bool is_change(u32 cmd)
{
    switch (cmd) {
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
    case TCSETS2:
    case TCSETSW2:
    case TCSETSF2:
    case TCSETA:
    case TCSETAW:
    case TCSETAF:
    case TCFLSH:
    case TCXONC:
    case TCSBRK:
    case TCSBRKP:
    case TIOCSBRK:
    case TIOCCBRK:
    case TIOCSETD:
        return true;
    default:
        return false;
    }
}

long tty_ioctl(struct tty *t, struct file *f, bool via_master, u32 cmd, u64 arg)
{
    if (!via_master && tty_file_hung_up(f->private)) {
        return cmd == TIOCSPGRP ? -ENOTTY : -EIO;
    }
    switch (cmd) {
    case TIOCSCTTY:
    case TIOCNOTTY:
    case TIOCGPGRP:
    case TIOCSPGRP:
    case TIOCGSID:
        return tty_jobctrl_ioctl(t, f, via_master, cmd, arg);
    case TIOCSTI:
        return tty_push_input(t, arg);
    case TIOCVHANGUP:
        if (!vfs_cred_is_root()) {
            return -EPERM;
        }
        tty_hangup(t, false);
        return 0;
    }
    if (!via_master && is_change(cmd)) {
        int r = tty_check_job(t, SIGTTOU);
        if (r) {
            return r;
        }
    }
    return tty_mode_ioctl(t, cmd, arg);
}
