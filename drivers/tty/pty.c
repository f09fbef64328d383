// SPDX-License-Identifier: MIT
/* Unix 98 pseudo-terminals: opening /dev/ptmx (5,2) makes a pair, the
 * master (that file) and slave N, shown by devpts as /dev/pts/N (136,N).
 *
 * The slave is a full tty with the line discipline; the master is a byte
 * pipe around it: master writes are the slave's input, and the slave's
 * output (after OPOST) collects in obuf for master reads. Termios, window
 * size and foreground-group ioctls on the master act on the slave.
 *
 * Lifetime: the pair lives while any file (master or slave) holds its
 * tty. Closing the master hangs the slave up (its session leader gets
 * SIGHUP and SIGCONT, blocked reads fail with EIO, later ones read 0,
 * writes fail with EIO) and removes /dev/pts/N. Closing the last slave
 * makes master reads fail with EIO once obuf is drained, and poll report
 * POLLHUP, until a slave opens again. As on Linux, a new slave is locked
 * (opens fail with EIO) until TIOCSPTLCK unlocks it.
 *
 * Locking: ptys[] under pty_lock; everything else under the slave's
 * tty->lock (the master has no lock of its own). */
#include <abi/errno.h>
#include <abi/fcntl.h>
#include <arch/x86_64/uaccess.h>
#include <drivers/tty.h>
#include <fs/chrdev.h>
#include <fs/fdtable.h>
#include <fs/vfs.h>
#include <kernel/compiler.h>
#include <kernel/format.h>
#include <kernel/iobuf.h>
#include <kernel/kmalloc.h>
#include <kernel/poll.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>

/* The slave's output waiting for master reads: Linux's pty buffers hold
 * about 64 KiB. Allocated while the master is open. A power of two. */
#define PTY_OBUF 65536
#define MASTER_READ_MAX 4096

struct pty {
    struct tty tty; /* the slave */
    int index;
    bool master_open;
    bool locked;
    bool slave_closed; /* a slave was open and the last one closed */
    u32 slave_opens;
    struct pty_node_info node; /* /dev/pts/N's mode and owner */
    struct wait_queue master_wq; /* output to read, input room, slave close */
    u32 ohead, otail; /* free-running */
    char *obuf; /* PTY_OBUF bytes while master_open */
};

static spinlock_t pty_lock = SPINLOCK_INIT("pty");
static struct pty *ptys[PTY_MAX];

static struct pty *pty_of(struct tty *t)
{
    return t->driver_data;
}

/* ---- the slave's driver ---- */

static size_t slave_write(struct tty *t, const char *buf, size_t len)
{
    struct pty *p = pty_of(t);
    size_t room = PTY_OBUF - (p->ohead - p->otail);
    size_t n = len < room ? len : room;

    if (!p->master_open) {
        return len; /* nobody will read it */
    }
    for (size_t i = 0; i < n; i++) {
        p->obuf[(p->ohead + i) % PTY_OBUF] = buf[i];
    }
    p->ohead += (u32)n;
    if (n) {
        wake_up(&p->master_wq);
    }
    return n;
}

static size_t slave_write_room(struct tty *t)
{
    struct pty *p = pty_of(t);
    return p->master_open ? PTY_OBUF - (p->ohead - p->otail) : PTY_OBUF;
}

/* What the slave wrote and the master has not read (Linux flushes the
 * other side's buffer). */
static void slave_flush_output(struct tty *t)
{
    struct pty *p = pty_of(t);
    p->otail = p->ohead;
}

static void slave_input_consumed(struct tty *t)
{
    wake_up(&pty_of(t)->master_wq);
}

static int slave_open(struct tty *t)
{
    struct pty *p = pty_of(t);
    int err = 0;
    u64 flags = spin_lock_irqsave(&t->lock);
    if (!p->master_open) {
        err = -EIO;
    } else {
        p->slave_opens++;
        p->slave_closed = false;
    }
    spin_unlock_irqrestore(&t->lock, flags);
    return err;
}

static void slave_close(struct tty *t)
{
    struct pty *p = pty_of(t);
    u64 flags = spin_lock_irqsave(&t->lock);
    if (--p->slave_opens == 0) {
        p->slave_closed = true;
    }
    spin_unlock_irqrestore(&t->lock, flags);
    wake_up(&p->master_wq);
}

static void slave_release(struct tty *t)
{
    struct pty *p = pty_of(t);
    u64 flags = spin_lock_irqsave(&pty_lock);
    ptys[p->index] = NULL;
    spin_unlock_irqrestore(&pty_lock, flags);
    kfree(p);
}

static const struct tty_driver_ops slave_ops = {
    .write = slave_write,
    .write_room = slave_write_room,
    .flush_output = slave_flush_output,
    .input_consumed = slave_input_consumed,
    .open = slave_open,
    .close = slave_close,
    .release = slave_release,
};

/* ---- the master ---- */

static int ptmx_open(struct inode *inode, struct file *f)
{
    struct pty *p = kzalloc(sizeof(*p));
    struct ktermios t;
    int index = -1;
    char name[16];

    (void)inode;
    if (p) {
        p->obuf = kmalloc(PTY_OBUF);
    }
    if (!p || !p->obuf) {
        kfree(p);
        return -ENOMEM;
    }
    u64 flags = spin_lock_irqsave(&pty_lock);
    for (int i = 0; i < PTY_MAX; i++) {
        if (!ptys[i]) {
            ptys[i] = p;
            index = i;
            break;
        }
    }
    spin_unlock_irqrestore(&pty_lock, flags);
    if (index < 0) {
        kfree(p->obuf);
        kfree(p);
        return -ENOSPC;
    }
    n_tty_default_termios(&t);
    t.c_cflag = B38400 | CS8 | CREAD;
    ksnprintf(name, sizeof(name), "pts/%d", index);
    p->index = index;
    p->master_open = true;
    p->locked = true;
    const struct cred *c = vfs_cred();
    p->node = (struct pty_node_info){0600, c->fsuid, c->fsgid};
    wait_queue_init(&p->master_wq);
    p->tty.driver_data = p;
    p->tty.dev = (u32)((index & 0xff) | (PTY_SLAVE_MAJOR << 8) | ((index & ~0xff) << 12));
    tty_init(&p->tty, &slave_ops, &t, name); /* its reference is this file's */
    f->private = p;
    return 0;
}

/* Moves up to len bytes of the slave's output into kbuf (*n): 1 if there
 * were any, -EIO once the last slave closed, else 0. */
static int take_output(struct pty *p, char *kbuf, size_t len, size_t *n)
{
    u64 flags = spin_lock_irqsave(&p->tty.lock);
    *n = MIN(len, (size_t)(p->ohead - p->otail));
    for (size_t i = 0; i < *n; i++) {
        kbuf[i] = p->obuf[(p->otail + i) % PTY_OBUF];
    }
    p->otail += (u32)*n;
    bool closed = p->slave_closed;
    spin_unlock_irqrestore(&p->tty.lock, flags);
    if (*n > 0) {
        return 1;
    }
    return closed ? -EIO : 0;
}

static long master_read(struct file *f, struct iobuf *b, u64 *pos)
{
    struct pty *p = f->private;
    size_t len = MIN(iobuf_remaining(b), (size_t)MASTER_READ_MAX);
    size_t n = 0;

    (void)pos;
    if (len == 0) {
        return 0;
    }
    char *kbuf = kmalloc(len);
    if (!kbuf) {
        return -ENOMEM;
    }
    long r = wait_event_file(p->master_wq, f->flags & O_NONBLOCK, take_output(p, kbuf, len, &n));
    if (n > 0) {
        wake_up(&p->tty.write_wq);
        r = iobuf_put(b, kbuf, n);
    }
    kfree(kbuf);
    return r;
}

static bool input_room(struct pty *p)
{
    u64 flags = spin_lock_irqsave(&p->tty.lock);
    bool room = n_tty_receive_room(&p->tty.ld) > 0;
    spin_unlock_irqrestore(&p->tty.lock, flags);
    return room;
}

static size_t master_put(void *ctx, const char *buf, size_t len)
{
    struct file *f = ctx;
    struct pty *p = f->private;
    return tty_receive(&p->tty, buf, len);
}

/* Sleeps until the slave's input has room: 0 or -errno. */
static int master_wait(void *ctx)
{
    struct file *f = ctx;
    struct pty *p = f->private;
    return wait_event_file(p->master_wq, f->flags & O_NONBLOCK, input_room(p));
}

static long master_write(struct file *f, struct iobuf *b, u64 *pos)
{
    (void)pos;
    return tty_write_chunks(b, master_put, master_wait, f);
}

static u32 master_poll(struct file *f, struct poll_table *pt)
{
    struct pty *p = f->private;
    u32 mask = 0;

    poll_wait(pt, &p->master_wq);
    u64 flags = spin_lock_irqsave(&p->tty.lock);
    if (p->ohead != p->otail) {
        mask |= POLLIN;
    }
    if (p->slave_closed) {
        mask |= POLLHUP;
    }
    if (n_tty_receive_room(&p->tty.ld) > 0) {
        mask |= POLLOUT;
    }
    spin_unlock_irqrestore(&p->tty.lock, flags);
    return mask;
}

/* TIOCGPTPEER: the slave, opened without a path. */
static long open_peer(struct pty *p, int flags)
{
    struct file *f;

    if (flags & ~(O_ACCMODE | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) {
        return -EINVAL;
    }
    if (READ_ONCE(p->locked)) {
        return -EIO;
    }
    int err = chrdev_open_anon(PTY_SLAVE_MAJOR, (u32)p->index, flags, &f);
    if (err) {
        return err;
    }
    int fd = fd_install(f, flags & O_CLOEXEC);
    if (fd < 0) {
        file_put(f);
    }
    return fd;
}

/* TIOCSTI on the master: a byte for the master's own reads. The master
 * is nobody's controlling terminal, so only root may. */
static long push_master_input(struct pty *p, u64 arg)
{
    char c;

    if (!vfs_cred_is_root()) {
        return -EPERM;
    }
    if (copy_from_user(&c, uptr(arg), 1) < 0) {
        return -EFAULT;
    }
    u64 flags = spin_lock_irqsave(&p->tty.lock);
    if (p->ohead - p->otail < PTY_OBUF) {
        p->obuf[p->ohead % PTY_OBUF] = c;
        p->ohead++;
    }
    spin_unlock_irqrestore(&p->tty.lock, flags);
    wake_up(&p->master_wq);
    return 0;
}

static long master_ioctl(struct file *f, u32 cmd, u64 arg)
{
    struct pty *p = f->private;
    int v;

    switch (cmd) {
    case TIOCGPTN:
        v = p->index;
        return copy_to_user(uptr(arg), &v, sizeof(v));
    case TIOCSPTLCK:
        if (copy_from_user(&v, uptr(arg), sizeof(v)) < 0) {
            return -EFAULT;
        }
        WRITE_ONCE(p->locked, v != 0);
        return 0;
    case TIOCGPTLCK:
        v = READ_ONCE(p->locked);
        return copy_to_user(uptr(arg), &v, sizeof(v));
    case TIOCGPTPEER:
        return open_peer(p, (int)arg);
    case TIOCSTI:
        return push_master_input(p, arg);
    case TIOCSIG:
        if (arg != SIGINT && arg != SIGQUIT && arg != SIGTSTP) {
            return -EINVAL;
        }
        tty_signal_fg(&p->tty, (int)arg);
        return 0;
    default:
        return tty_ioctl(&p->tty, f, true, cmd, arg);
    }
}

static void master_release(struct file *f)
{
    struct pty *p = f->private;
    struct tty *t = &p->tty;

    u64 flags = spin_lock_irqsave(&t->lock);
    p->master_open = false;
    t->other_closed = true;
    p->otail = p->ohead;
    char *obuf = p->obuf;
    p->obuf = NULL; /* slave_write drops output once master_open is false */
    spin_unlock_irqrestore(&t->lock, flags);
    kfree(obuf);
    tty_hangup(t, false);
    devpts_pty_kill(p->index);
    tty_put(t);
}

static const struct file_ops ptmx_fops = {
    .open = ptmx_open,
    .read = master_read,
    .write = master_write,
    .llseek = vfs_no_llseek,
    .ioctl = master_ioctl,
    .poll = master_poll,
    .release = master_release,
};

/* ---- slaves ---- */

static struct pty *pty_get(int index)
{
    struct pty *p = NULL;

    if (index < 0 || index >= PTY_MAX) {
        return NULL;
    }
    /* ptys[index] stays valid memory while pty_lock is held; tty_find
     * refuses a tty whose last reference is already gone. */
    u64 flags = spin_lock_irqsave(&pty_lock);
    if (ptys[index] && tty_find(ptys[index]->tty.id)) {
        p = ptys[index];
    }
    spin_unlock_irqrestore(&pty_lock, flags);
    return p;
}

static int pts_open(struct inode *inode, struct file *f)
{
    struct pty *p = pty_get((int)inode->rdev_minor);

    if (!p) {
        return -EIO;
    }
    int err = READ_ONCE(p->locked)
                  ? -EIO
                  : tty_open_file(&p->tty, f, TTY_FILE_NORMAL, f->flags & O_NOCTTY);
    tty_put(&p->tty);
    return err;
}

static const struct file_ops pts_fops = {
    .open = pts_open,
    .read = tty_read,
    .write = tty_write,
    .llseek = vfs_no_llseek,
    .ioctl = tty_file_ioctl,
    .poll = tty_poll,
    .release = tty_release,
};

/* ---- for devpts ---- */

bool pty_node_info(int index, struct pty_node_info *info)
{
    struct pty *p = pty_get(index);
    bool live = false;

    if (!p) {
        return false;
    }
    u64 flags = spin_lock_irqsave(&p->tty.lock);
    if (p->master_open) {
        *info = p->node;
        live = true;
    }
    spin_unlock_irqrestore(&p->tty.lock, flags);
    tty_put(&p->tty);
    return live;
}

void pty_node_setattr(int index, const struct pty_node_info *info)
{
    struct pty *p = pty_get(index);

    if (p) {
        u64 flags = spin_lock_irqsave(&p->tty.lock);
        p->node = *info;
        spin_unlock_irqrestore(&p->tty.lock, flags);
        tty_put(&p->tty);
    }
}

int pty_next_index(int from)
{
    struct pty_node_info info;

    for (int i = from < 0 ? 0 : from; i < PTY_MAX; i++) {
        if (pty_node_info(i, &info)) {
            return i;
        }
    }
    return -1;
}

static const struct chrdev ptmx_dev = {"ptmx", 5, 2, 0666, &ptmx_fops};
/* Slave N is (136, N): Linux's minors go past 255 within major 136. */
static const struct chrdev pts_dev = {"", PTY_SLAVE_MAJOR, 0, 0600, &pts_fops};

int pty_init(void)
{
    int err = chrdev_register(&ptmx_dev);

    if (!err || err == -EEXIST) {
        err = chrdev_register_minors(&pts_dev, PTY_MAX);
    }
    if (!err || err == -EEXIST) {
        err = devpts_init();
    }
    return err == -EEXIST ? 0 : err;
}
