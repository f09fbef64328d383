// SPDX-License-Identifier: MIT
/* Pipes: a 64 KiB ring shared by a read end and a write end. Readers are
 * serialised among themselves and so are writers (a small sleeping lock
 * per side), so writes of at most PIPE_BUF bytes are never interleaved.
 * The ring has one reader and one writer at a time: the writer only
 * advances head, the reader only tail, and each copies outside any
 * spinlock (user memory may fault). */
#include <abi/errno.h>
#include <abi/fcntl.h>
#include <abi/stat.h>
#include <arch/x86_64/cpu.h>
#include <fs/chrdev.h>
#include <fs/fdtable.h>
#include <fs/pipe.h>
#include <fs/vfs.h>
#include <kernel/kmalloc.h>
#include <kernel/page_alloc.h>
#include <kernel/poll.h>
#include <kernel/process.h>
#include <kernel/signal.h>
#include <kernel/syscall.h>
#include <kernel/wait.h>

#define PIPE_SIZE (64 * 1024)
#define PIPE_ORDER 4 /* 16 pages */
#define PIPE_BUF 4096
#define FIONREAD 0x541b

struct pipe {
    struct inode *fifo; /* the FIFO this pipe belongs to, or NULL */
    struct list_head fifo_link;
    u8 *ring;
    volatile u32 head, tail; /* free-running; head - tail bytes are queued */
    u32 readers, writers;
    u32 reader_opens, writer_opens; /* ever, for FIFO open rendezvous */
    bool read_busy, write_busy;
    struct wait_queue wq; /* data, space, lock release or a closed end */
};

static u32 pipe_used(const struct pipe *p)
{
    return p->head - p->tail;
}

/* Takes one side's lock if free; interrupts off make test-and-set atomic. */
static bool pipe_try_lock_side(bool *busy)
{
    u64 flags = irq_save();
    bool got = !*busy;
    *busy = true;
    irq_restore(flags);
    return got;
}

static void pipe_lock_side(struct pipe *p, bool *busy)
{
    wait_event(p->wq, pipe_try_lock_side(busy));
}

static void pipe_unlock_side(struct pipe *p, bool *busy)
{
    *busy = false;
    wake_up(&p->wq);
}

static void pipe_changed(struct pipe *p)
{
    wake_up(&p->wq);
}

static long pipe_read(struct file *f, struct iobuf *buf, u64 *pos)
{
    (void)pos;
    struct pipe *p = f->private;
    if (iobuf_remaining(buf) == 0) {
        return 0;
    }
    pipe_lock_side(p, &p->read_busy);
    long r;
    for (;;) {
        u32 used = pipe_used(p);
        if (used > 0) {
            size_t want = MIN(iobuf_remaining(buf), used);
            u32 off = p->tail % PIPE_SIZE;
            size_t first = MIN(want, (size_t)(PIPE_SIZE - off));
            r = iobuf_put(buf, p->ring + off, first);
            if (r == (long)first && want > first) {
                long r2 = iobuf_put(buf, p->ring, want - first);
                r = r2 < 0 ? r : r + r2;
            }
            if (r > 0) {
                p->tail += (u32)r;
                pipe_changed(p);
            }
            break;
        }
        if (READ_ONCE(p->writers) == 0) {
            r = 0;
            break;
        }
        if (f->flags & O_NONBLOCK) {
            r = -EAGAIN;
            break;
        }
        r = wait_event_interruptible(p->wq, pipe_used(p) > 0 || READ_ONCE(p->writers) == 0);
        if (r < 0) {
            break;
        }
    }
    pipe_unlock_side(p, &p->read_busy);
    return r;
}

static long pipe_write(struct file *f, struct iobuf *buf, u64 *pos)
{
    (void)pos;
    struct pipe *p = f->private;
    size_t total = iobuf_remaining(buf);
    size_t done = 0;
    pipe_lock_side(p, &p->write_busy);
    long r = 0;
    while (done < total) {
        if (READ_ONCE(p->readers) == 0) {
            signal_send(current_process(), SIGPIPE, NULL);
            r = -EPIPE;
            break;
        }
        u32 space = PIPE_SIZE - pipe_used(p);
        size_t left = total - done;
        /* Small writes go in whole or not at all. */
        size_t need = left <= PIPE_BUF ? left : 1;
        if (space < need) {
            if (f->flags & O_NONBLOCK) {
                r = -EAGAIN;
                break;
            }
            r = wait_event_interruptible(p->wq, PIPE_SIZE - pipe_used(p) >= need ||
                                                    READ_ONCE(p->readers) == 0);
            if (r < 0) {
                break;
            }
            continue;
        }
        size_t n = MIN(left, (size_t)space);
        u32 off = p->head % PIPE_SIZE;
        size_t first = MIN(n, (size_t)(PIPE_SIZE - off));
        long got = iobuf_get(buf, p->ring + off, first);
        if (got == (long)first && n > first) {
            long got2 = iobuf_get(buf, p->ring, n - first);
            got = got2 < 0 ? got : got + got2;
        }
        if (got < 0) {
            r = got;
            break;
        }
        p->head += (u32)got;
        done += (size_t)got;
        pipe_changed(p);
        if ((size_t)got < n) {
            r = -EFAULT;
            break;
        }
    }
    pipe_unlock_side(p, &p->write_busy);
    return done > 0 ? (long)done : r;
}

static u32 pipe_poll(struct file *f, struct poll_table *pt)
{
    struct pipe *p = f->private;
    u32 mask = 0;
    poll_wait(pt, &p->wq);
    if (f->fmode & FMODE_READ) {
        if (pipe_used(p) > 0) {
            mask |= POLLIN;
        }
        if (p->writers == 0) {
            mask |= POLLHUP;
        }
    }
    if (f->fmode & FMODE_WRITE) {
        if (p->readers == 0) {
            mask |= POLLERR;
        } else if (PIPE_SIZE - pipe_used(p) >= PIPE_BUF) {
            mask |= POLLOUT;
        }
    }
    return mask;
}

static long pipe_ioctl(struct file *f, u32 cmd, u64 arg)
{
    struct pipe *p = f->private;
    if (cmd == FIONREAD) {
        int n = (int)pipe_used(p);
        return put_user(&n, uptr(arg));
    }
    return -ENOTTY;
}

static struct pipe *pipe_alloc(void)
{
    struct pipe *p = kzalloc(sizeof(*p));
    u8 *ring = p ? page_alloc(PIPE_ORDER) : NULL;
    if (!ring) {
        kfree(p);
        return NULL;
    }
    p->ring = ring;
    wait_queue_init(&p->wq);
    list_init(&p->fifo_link);
    return p;
}

static void pipe_free(struct pipe *p)
{
    if (p->fifo) {
        list_del(&p->fifo_link);
    }
    page_free(p->ring, PIPE_ORDER);
    kfree(p);
}

static void pipe_release(struct file *f)
{
    struct pipe *p = f->private;
    if (f->fmode & FMODE_READ) {
        p->readers--;
    }
    if (f->fmode & FMODE_WRITE) {
        p->writers--;
    }
    pipe_changed(p);
    if (p->readers == 0 && p->writers == 0) {
        pipe_free(p);
    }
}

static const struct file_ops pipe_fops = {
    .read = pipe_read,
    .write = pipe_write,
    .llseek = vfs_no_llseek,
    .poll = pipe_poll,
    .ioctl = pipe_ioctl,
    .release = pipe_release,
};

long pipe_size(struct file *f)
{
    return f->ops == &pipe_fops || f->ops == &fifo_fops ? PIPE_SIZE : -EBADF;
}

static int do_pipe2(uptr_t ufds, int flags)
{
    if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT)) {
        return -EINVAL;
    }
    struct pipe *p = pipe_alloc();
    if (!p) {
        return -ENFILE;
    }
    p->readers = p->writers = 1;
    int status = flags & O_NONBLOCK;
    struct file *rf = NULL, *wf = NULL;
    int r = anon_file_create(&pipe_fops, p, S_IFIFO | 0600, FMODE_READ, O_RDONLY | status, &rf);
    if (r < 0) {
        pipe_free(p);
        return r;
    }
    r = anon_file_create(&pipe_fops, p, S_IFIFO | 0600, FMODE_WRITE, O_WRONLY | status, &wf);
    if (r < 0) {
        p->writers = 0;
        file_put(rf); /* frees the pipe */
        return r;
    }
    bool cloexec = flags & O_CLOEXEC;
    int fds[2];
    fds[0] = fd_install(rf, cloexec);
    if (fds[0] < 0) {
        file_put(rf);
        file_put(wf);
        return fds[0];
    }
    fds[1] = fd_install(wf, cloexec);
    if (fds[1] < 0) {
        fd_close(fds[0]);
        file_put(wf);
        return fds[1];
    }
    if (copy_to_user(ufds, fds, sizeof(fds)) < 0) {
        fd_close(fds[0]);
        fd_close(fds[1]);
        return -EFAULT;
    }
    return 0;
}

SYSCALL_DEFINE1(pipe, uptr_t, fds)
{
    return do_pipe2(fds, 0);
}

SYSCALL_DEFINE2(pipe2, uptr_t, fds, int, flags)
{
    return do_pipe2(fds, flags);
}

/* ---- FIFOs (named pipes): one pipe per FIFO inode while it is open ---- */

static struct list_head fifos = LIST_HEAD_INIT(fifos);

static struct pipe *fifo_pipe(struct inode *inode)
{
    struct list_head *pos;
    list_for_each(pos, &fifos)
    {
        struct pipe *p = list_entry(pos, struct pipe, fifo_link);
        if (p->fifo == inode) {
            return p;
        }
    }
    struct pipe *p = pipe_alloc();
    if (p) {
        p->fifo = inode;
        list_add(&p->fifo_link, &fifos);
    }
    return p;
}

/* Waits for the other end to be opened, as open(2) of a FIFO does without
 * O_NONBLOCK: counting openings, so a peer that opens and closes again
 * before we run still counts. The VFS lock is dropped meanwhile (other
 * opens must get through). */
static int fifo_wait_peer(struct pipe *p, u32 *opens)
{
    u32 seen = *opens;
    bool held = vfs_lock_held();
    if (held) {
        vfs_unlock();
    }
    int r = wait_event_interruptible(p->wq, READ_ONCE(*opens) != seen);
    if (held) {
        vfs_lock();
    }
    return r;
}

static int fifo_open(struct inode *inode, struct file *f)
{
    struct pipe *p = fifo_pipe(inode);
    if (!p) {
        return -ENOMEM;
    }
    bool nonblock = f->flags & O_NONBLOCK;
    bool rd = f->fmode & FMODE_READ, wr = f->fmode & FMODE_WRITE;
    if (wr && !rd && p->readers == 0 && nonblock) {
        if (p->writers == 0) {
            pipe_free(p);
        }
        return -ENXIO;
    }
    if (rd) {
        p->readers++;
        p->reader_opens++;
    }
    if (wr) {
        p->writers++;
        p->writer_opens++;
    }
    f->private = p;
    pipe_changed(p);
    int r = 0;
    if (rd && !wr && !nonblock && p->writers == 0) {
        r = fifo_wait_peer(p, &p->writer_opens);
    } else if (wr && !rd && p->readers == 0) {
        r = fifo_wait_peer(p, &p->reader_opens);
    }
    if (r < 0) {
        pipe_release(f);
        f->private = NULL;
    }
    return r;
}

static void fifo_release(struct file *f)
{
    if (f->private) {
        pipe_release(f);
    }
}

const struct file_ops fifo_fops = {
    .open = fifo_open,
    .read = pipe_read,
    .write = pipe_write,
    .llseek = vfs_no_llseek,
    .poll = pipe_poll,
    .ioctl = pipe_ioctl,
    .release = fifo_release,
};
