// SPDX-License-Identifier: MIT
/* The TTY core: the registry of terminals, the file operations every
 * terminal file shares (read, write, poll, release), device input and
 * hangup. The line discipline (n_tty.c) does the character work under
 * tty->lock; this file does the sleeping, the user copies and the
 * signals. */
#include <abi/errno.h>
#include <abi/fcntl.h>
#include <drivers/tty.h>
#include <fs/vfs.h>
#include <kernel/compiler.h>
#include <kernel/iobuf.h>
#include <kernel/kmalloc.h>
#include <kernel/poll.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/time.h>

/* Room a writer waits for: the longest expansion of one character
 * (a tab under XTABS). */
#define WRITE_ROOM_MIN 8
#define WRITE_CHUNK 256

static spinlock_t tty_list_lock = SPINLOCK_INIT("tty_list");
static struct list_head tty_list = LIST_HEAD_INIT(tty_list);
static u64 next_tty_id = 1;

/* ---- the line discipline's view of its terminal ---- */

static size_t ld_write(void *ctx, const char *buf, size_t len)
{
    struct tty *t = ctx;
    return t->ops->write(t, buf, len);
}

static size_t ld_write_room(void *ctx)
{
    struct tty *t = ctx;
    return t->ops->write_room(t);
}

/* Sent by tty_input_done, once tty->lock is dropped. */
static void ld_signal(void *ctx, int sig)
{
    struct tty *t = ctx;
    t->pending_sigs |= SIGBIT(sig);
}

static void ld_flush_output(void *ctx)
{
    struct tty *t = ctx;
    if (t->ops->flush_output) {
        t->ops->flush_output(t);
    }
}

static const struct n_tty_ops ld_ops = {
    .write = ld_write,
    .write_room = ld_write_room,
    .signal = ld_signal,
    .flush_output = ld_flush_output,
};

/* ---- registry and references ---- */

void tty_init(struct tty *t, const struct tty_driver_ops *ops, const struct ktermios *termios,
              const char *name)
{
    t->lock = (spinlock_t)SPINLOCK_INIT("tty");
    wait_queue_init(&t->read_wq);
    wait_queue_init(&t->write_wq);
    t->ops = ops;
    n_tty_init(&t->ld, termios, &ld_ops, t);
    size_t i = 0;
    for (; name[i] && i < sizeof(t->name) - 1; i++) {
        t->name[i] = name[i];
    }
    t->name[i] = '\0';
    t->refs = 1;
    u64 flags = spin_lock_irqsave(&tty_list_lock);
    t->id = next_tty_id++;
    list_add_tail(&t->link, &tty_list);
    spin_unlock_irqrestore(&tty_list_lock, flags);
}

struct tty *tty_get(struct tty *t)
{
    u64 flags = spin_lock_irqsave(&tty_list_lock);
    t->refs++;
    spin_unlock_irqrestore(&tty_list_lock, flags);
    return t;
}

void tty_put(struct tty *t)
{
    u64 flags = spin_lock_irqsave(&tty_list_lock);
    bool last = --t->refs == 0;
    if (last) {
        list_del(&t->link);
    }
    spin_unlock_irqrestore(&tty_list_lock, flags);
    if (last && t->ops->release) {
        t->ops->release(t);
    }
}

struct tty *tty_find(u64 id)
{
    struct tty *found = NULL;
    struct list_head *pos;
    u64 flags = spin_lock_irqsave(&tty_list_lock);
    list_for_each(pos, &tty_list)
    {
        struct tty *t = list_entry(pos, struct tty, link);
        if (t->id == id) {
            t->refs++;
            found = t;
            break;
        }
    }
    spin_unlock_irqrestore(&tty_list_lock, flags);
    return found;
}

/* ---- input ---- */

void tty_input_done(struct tty *t)
{
    u64 flags = spin_lock_irqsave(&t->lock);
    u64 sigs = t->pending_sigs;
    int pgrp = t->pgrp;
    t->pending_sigs = 0;
    spin_unlock_irqrestore(&t->lock, flags);
    for (int sig = 1; sigs; sig++, sigs >>= 1) {
        if ((sigs & 1) && pgrp > 0) {
            signal_send_pgrp(pgrp, sig, NULL);
        }
    }
    wake_up(&t->read_wq);
    wake_up(&t->write_wq); /* VSTART may have restarted output */
}

size_t tty_receive(struct tty *t, const char *buf, size_t len)
{
    u64 flags = spin_lock_irqsave(&t->lock);
    size_t n = n_tty_receive(&t->ld, buf, len);
    spin_unlock_irqrestore(&t->lock, flags);
    tty_input_done(t);
    return n;
}

/* ---- hangup ---- */

bool tty_file_hung_up(const struct tty_file *tf)
{
    return tf->kind != TTY_FILE_CONSOLE && tf->gen != READ_ONCE(tf->tty->hangup_gen);
}

void tty_hangup(struct tty *t, bool exit_session)
{
    u64 flags = spin_lock_irqsave(&t->lock);
    int session = t->session, pgrp = t->pgrp;
    t->hangup_gen++;
    t->session = 0;
    t->pgrp = 0;
    n_tty_flush_input(&t->ld);
    spin_unlock_irqrestore(&t->lock, flags);
    wake_up(&t->read_wq);
    wake_up(&t->write_wq);
    if (session > 0) {
        struct process *leader = process_find(session);
        if (leader && leader->sid == session) {
            signal_send(leader, SIGHUP, NULL);
            signal_send(leader, SIGCONT, NULL);
        }
    }
    if (exit_session && pgrp > 0) {
        signal_send_pgrp(pgrp, SIGHUP, NULL);
    }
}

/* ---- files ---- */

int tty_open_file(struct tty *t, struct file *f, enum tty_file_kind kind, bool noctty)
{
    struct tty_file *tf = kmalloc(sizeof(*tf));

    if (!tf) {
        return -ENOMEM;
    }
    if (t->ops->open) {
        int err = t->ops->open(t);
        if (err) {
            kfree(tf);
            return err;
        }
    }
    tf->tty = tty_get(t);
    tf->gen = READ_ONCE(t->hangup_gen);
    tf->kind = kind;
    f->private = tf;
    /* Like Linux, a write-only open never takes a controlling tty. */
    if (!noctty && (f->fmode & FMODE_READ)) {
        tty_maybe_set_ctty(t);
    }
    return 0;
}

void tty_release(struct file *f)
{
    struct tty_file *tf = f->private;
    struct tty *t = tf->tty;

    if (t->ops->close) {
        t->ops->close(t);
    }
    kfree(tf);
    tty_put(t);
}

/* One look at a read in progress: 1 when it is complete (rd->copied is
 * its result), -EIO for a pty slave whose master went, 0 to sleep for at
 * most *wait_ns. A hung-up file reads what it has (end of file). */
static int read_step(struct tty_file *tf, struct n_tty_read *rd, u64 *wait_ns)
{
    struct tty *t = tf->tty;
    size_t before = rd->copied;

    u64 flags = spin_lock_irqsave(&t->lock);
    bool done = n_tty_read_step(&t->ld, rd, clock_monotonic_ns(), wait_ns);
    bool other_closed = t->other_closed;
    spin_unlock_irqrestore(&t->lock, flags);
    if (rd->copied != before && t->ops->input_consumed) {
        t->ops->input_consumed(t);
    }
    if (done) {
        return 1;
    }
    if (other_closed) {
        return -EIO;
    }
    return tty_file_hung_up(tf) ? 1 : 0;
}

long tty_read(struct file *f, struct iobuf *b, u64 *pos)
{
    struct tty_file *tf = f->private;
    struct tty *t = tf->tty;
    size_t len = MIN(iobuf_remaining(b), (size_t)N_TTY_BUF_SIZE);
    struct n_tty_read rd;
    u64 wait_ns = WAIT_FOREVER;
    long r = 0;

    (void)pos;
    if (tty_file_hung_up(tf) || len == 0) {
        return 0;
    }
    if (tf->kind != TTY_FILE_CONSOLE) {
        r = tty_check_job(t, SIGTTIN);
        if (r) {
            return r;
        }
    }
    char *kbuf = kmalloc(len);
    if (!kbuf) {
        return -ENOMEM;
    }
    u64 flags = spin_lock_irqsave(&t->lock);
    n_tty_read_begin(&t->ld, &rd, kbuf, len, clock_monotonic_ns());
    spin_unlock_irqrestore(&t->lock, flags);
    r = wait_event_file_timeout(t->read_wq, f->flags & O_NONBLOCK, read_step(tf, &rd, &wait_ns),
                                wait_ns);
    if (rd.copied > 0) {
        r = iobuf_put(b, kbuf, rd.copied);
    }
    kfree(kbuf);
    return r;
}

long tty_write_chunks(struct iobuf *b, size_t (*put)(void *ctx, const char *buf, size_t len),
                      int (*wait)(void *ctx), void *ctx)
{
    char kbuf[WRITE_CHUNK];
    long done = 0;

    while (iobuf_remaining(b) > 0) {
        long got = iobuf_get(b, kbuf, MIN(iobuf_remaining(b), sizeof(kbuf)));
        if (got < 0) {
            return done ? done : got;
        }
        size_t off = 0;
        while (off < (size_t)got) {
            size_t n = put(ctx, kbuf + off, (size_t)got - off);
            off += n;
            if (n > 0) {
                continue;
            }
            int r = wait(ctx);
            if (r < 0) {
                b->pos -= (size_t)got - off; /* not written: not consumed */
                done += (long)off;
                return done ? done : r;
            }
        }
        done += got;
    }
    return done;
}

struct tty_writer {
    struct file *f;
    struct tty_file *tf;
};

static size_t writer_put(void *ctx, const char *buf, size_t len)
{
    struct tty *t = ((struct tty_writer *)ctx)->tf->tty;
    u64 flags = spin_lock_irqsave(&t->lock);
    size_t n = n_tty_write(&t->ld, buf, len);
    spin_unlock_irqrestore(&t->lock, flags);
    return n;
}

/* 1 when the device takes output again, -EIO after a hangup, else 0. */
static int writable(struct tty_file *tf)
{
    struct tty *t = tf->tty;
    u64 flags = spin_lock_irqsave(&t->lock);
    bool ok = !t->ld.stopped && t->ops->write_room(t) >= WRITE_ROOM_MIN;
    spin_unlock_irqrestore(&t->lock, flags);
    if (ok) {
        return 1;
    }
    return tty_file_hung_up(tf) ? -EIO : 0;
}

static int writer_wait(void *ctx)
{
    struct tty_writer *w = ctx;
    return wait_event_file(w->tf->tty->write_wq, w->f->flags & O_NONBLOCK, writable(w->tf));
}

long tty_write(struct file *f, struct iobuf *b, u64 *pos)
{
    struct tty_file *tf = f->private;
    struct tty *t = tf->tty;
    struct tty_writer w = {f, tf};

    (void)pos;
    if (tty_file_hung_up(tf)) {
        return -EIO;
    }
    if (tf->kind != TTY_FILE_CONSOLE && (READ_ONCE(t->ld.t.c_lflag) & TOSTOP)) {
        int r = tty_check_job(t, SIGTTOU);
        if (r) {
            return r;
        }
    }
    return tty_write_chunks(b, writer_put, writer_wait, &w);
}

u32 tty_poll(struct file *f, struct poll_table *pt)
{
    struct tty_file *tf = f->private;
    struct tty *t = tf->tty;
    u32 mask = 0;

    poll_wait(pt, &t->read_wq);
    poll_wait(pt, &t->write_wq);
    if (tty_file_hung_up(tf)) {
        return POLLIN | POLLOUT | POLLERR | POLLHUP;
    }
    u64 flags = spin_lock_irqsave(&t->lock);
    if (n_tty_input_available(&t->ld, true)) {
        mask |= POLLIN;
    }
    if (t->other_closed) {
        mask |= POLLHUP;
    }
    if (!t->ld.stopped && t->ops->write_room(t) >= WRITE_ROOM_MIN) {
        mask |= POLLOUT;
    }
    spin_unlock_irqrestore(&t->lock, flags);
    return mask;
}

long tty_file_ioctl(struct file *f, u32 cmd, u64 arg)
{
    struct tty_file *tf = f->private;
    return tty_ioctl(tf->tty, f, false, cmd, arg);
}
