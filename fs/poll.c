// SPDX-License-Identifier: MIT
/* poll, ppoll, select and pselect6 over the readiness reported by each
 * file's poll op (see include/kernel/poll.h for how sleepers are woken). */
#include <abi/errno.h>
#include <fs/fdtable.h>
#include <fs/vfs.h>
#include <kernel/kmalloc.h>
#include <kernel/poll.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/timespec.h>

#define POLL_MAX_FDS 4096
#define NO_TIMEOUT (~0ull)

void poll_wait(struct poll_table *pt, struct wait_queue *wq)
{
    if (!pt) {
        return;
    }
    if (pt->n == POLL_TABLE_MAX) {
        pt->overflow = true;
        return;
    }
    struct wait_entry *w = &pt->entries[pt->n].w;
    pt->entries[pt->n].wq = wq;
    pt->n++;
    w->thread = current_thread();
    u64 flags = spin_lock_irqsave(&wq->lock);
    list_add_tail(&w->link, &wq->waiters);
    spin_unlock_irqrestore(&wq->lock, flags);
}

static void poll_table_release(struct poll_table *pt)
{
    for (unsigned i = 0; i < pt->n; i++) {
        struct wait_queue *wq = pt->entries[i].wq;
        u64 flags = spin_lock_irqsave(&wq->lock);
        list_del(&pt->entries[i].w.link);
        spin_unlock_irqrestore(&wq->lock, flags);
    }
    pt->n = 0;
}

static u32 file_readiness(int fd, struct poll_table *pt)
{
    struct file *f = fd_get(fd);
    if (!f) {
        return POLLNVAL;
    }
    u32 mask = f->ops && f->ops->poll ? f->ops->poll(f, pt) : (POLLIN | POLLOUT);
    file_put(f);
    return mask;
}

static int scan_pollfds(struct linux_pollfd *fds, u64 n, struct poll_table *pt)
{
    int ready = 0;
    for (u64 i = 0; i < n; i++) {
        fds[i].revents = 0;
        if (fds[i].fd < 0) {
            continue;
        }
        u32 mask = file_readiness(fds[i].fd, pt);
        fds[i].revents = (s16)(mask & ((u32)(u16)fds[i].events | POLLERR | POLLHUP | POLLNVAL));
        if (fds[i].revents) {
            ready++;
        }
    }
    return ready;
}

#define POLL_OVERFLOW_TICK_NS (10 * NSEC_PER_MSEC)

/* Waits until scan() finds something, or the deadline (monotonic ns;
 * NO_TIMEOUT for none, 0 for a single scan). The first scan joins every
 * file's wait queues; each scan runs with the thread already SLEEPING, so a
 * wake-up after the check and before schedule() is not lost. */
static int wait_ready(int (*scan)(void *, struct poll_table *), void *arg, u64 deadline)
{
    struct poll_table *pt = kmalloc(sizeof(*pt));
    if (!pt) {
        return -ENOMEM;
    }
    pt->n = 0;
    pt->overflow = false;
    int r;
    for (bool first = true;; first = false) {
        sched_set_sleeping();
        /* Only the first pass joins the queues: each is joined once. */
        r = scan(arg, first ? pt : NULL);
        if (r != 0) {
            break;
        }
        u64 now = clock_monotonic_ns();
        if (deadline != NO_TIMEOUT && now >= deadline) {
            break;
        }
        if (signal_pending()) {
            r = -ERESTARTNOHAND;
            break;
        }
        u64 left = deadline == NO_TIMEOUT ? ~0ull : deadline - now;
        if (pt->overflow && left > POLL_OVERFLOW_TICK_NS) {
            left = POLL_OVERFLOW_TICK_NS;
        }
        if (left == ~0ull) {
            schedule();
        } else {
            schedule_timeout(left);
        }
    }
    sched_set_running();
    poll_table_release(pt);
    kfree(pt);
    return r;
}

struct poll_args {
    struct linux_pollfd *fds;
    u64 n;
};

static int scan_poll(void *arg, struct poll_table *pt)
{
    struct poll_args *a = arg;
    return scan_pollfds(a->fds, a->n, pt);
}

static long do_poll(uptr_t ufds, u64 n, u64 deadline)
{
    if (n > POLL_MAX_FDS) {
        return -EINVAL;
    }
    struct linux_pollfd *fds = kmalloc(n ? n * sizeof(*fds) : 1);
    if (!fds) {
        return -ENOMEM;
    }
    long r = copy_from_user(fds, ufds, n * sizeof(*fds));
    if (r == 0) {
        struct poll_args a = {fds, n};
        r = wait_ready(scan_poll, &a, deadline);
        if (copy_to_user(ufds, fds, n * sizeof(*fds)) < 0) {
            r = -EFAULT;
        }
    }
    kfree(fds);
    return r;
}

static u64 deadline_after(u64 ns)
{
    return time_add_sat(clock_monotonic_ns(), ns);
}

SYSCALL_DEFINE3(poll, uptr_t, fds, u64, nfds, int, timeout_ms)
{
    u64 deadline = timeout_ms < 0 ? NO_TIMEOUT : deadline_after((u64)timeout_ms * NSEC_PER_MSEC);
    return do_poll(fds, nfds, deadline);
}

static int read_timeout(uptr_t uts, u64 *deadline)
{
    if (uptr_is_null(uts)) {
        *deadline = NO_TIMEOUT;
        return 0;
    }
    u64 ns;
    int r = timespec_get_user(uts, &ns);
    if (r < 0) {
        return r;
    }
    *deadline = deadline_after(ns);
    return 0;
}

/* Writes the time left back, as Linux does for ppoll/pselect6. */
static void write_time_left(uptr_t uts, u64 deadline)
{
    if (uptr_is_null(uts) || deadline == NO_TIMEOUT) {
        return;
    }
    u64 now = clock_monotonic_ns();
    timespec_put_user(uts, deadline > now ? deadline - now : 0);
}

SYSCALL_DEFINE5(ppoll, uptr_t, fds, u64, nfds, uptr_t, tsp, uptr_t, sigmask, u64, sigsetsize)
{
    u64 deadline;
    int r = read_timeout(tsp, &deadline);
    if (r < 0) {
        return r;
    }
    if (!uptr_is_null(sigmask)) {
        r = signal_begin_temp_mask(sigmask, sigsetsize);
        if (r < 0) {
            return r;
        }
    }
    long n = do_poll(fds, nfds, deadline);
    if (!uptr_is_null(sigmask)) {
        signal_end_temp_mask(n == -ERESTARTNOHAND || n == -EINTR);
    }
    write_time_left(tsp, deadline);
    return n;
}

struct select_args {
    int nfds;
    u64 in[FD_SETSIZE / 64], out[FD_SETSIZE / 64], ex[FD_SETSIZE / 64];
    u64 rin[FD_SETSIZE / 64], rout[FD_SETSIZE / 64], rex[FD_SETSIZE / 64];
};

static bool bit(const u64 *set, int fd)
{
    return set[fd / 64] & (1ull << (fd % 64));
}

static int scan_select(void *arg, struct poll_table *pt)
{
    struct select_args *a = arg;
    int ready = 0;
    memset(a->rin, 0, sizeof(a->rin));
    memset(a->rout, 0, sizeof(a->rout));
    memset(a->rex, 0, sizeof(a->rex));
    for (int fd = 0; fd < a->nfds; fd++) {
        if (!bit(a->in, fd) && !bit(a->out, fd) && !bit(a->ex, fd)) {
            continue;
        }
        u32 mask = file_readiness(fd, pt);
        if (mask & POLLNVAL) {
            return -EBADF;
        }
        u64 b = 1ull << (fd % 64);
        if (bit(a->in, fd) && (mask & (POLLIN | POLLHUP | POLLERR))) {
            a->rin[fd / 64] |= b;
            ready++;
        }
        if (bit(a->out, fd) && (mask & (POLLOUT | POLLERR))) {
            a->rout[fd / 64] |= b;
            ready++;
        }
        if (bit(a->ex, fd) && (mask & POLLPRI)) {
            a->rex[fd / 64] |= b;
            ready++;
        }
    }
    return ready;
}

static long do_select(int nfds, uptr_t in, uptr_t out, uptr_t ex, u64 deadline)
{
    if (nfds < 0) {
        return -EINVAL;
    }
    if (nfds > FD_SETSIZE) {
        nfds = FD_SETSIZE;
    }
    struct select_args *a = kzalloc(sizeof(*a));
    if (!a) {
        return -ENOMEM;
    }
    a->nfds = nfds;
    size_t bytes = (size_t)(nfds + 7) / 8;
    long r = 0;
    if ((!uptr_is_null(in) && copy_from_user(a->in, in, bytes) < 0) ||
        (!uptr_is_null(out) && copy_from_user(a->out, out, bytes) < 0) ||
        (!uptr_is_null(ex) && copy_from_user(a->ex, ex, bytes) < 0)) {
        r = -EFAULT;
    }
    if (r == 0) {
        r = wait_ready(scan_select, a, deadline);
    }
    if (r >= 0) {
        if ((!uptr_is_null(in) && copy_to_user(in, a->rin, bytes) < 0) ||
            (!uptr_is_null(out) && copy_to_user(out, a->rout, bytes) < 0) ||
            (!uptr_is_null(ex) && copy_to_user(ex, a->rex, bytes) < 0)) {
            r = -EFAULT;
        }
    }
    kfree(a);
    return r;
}

SYSCALL_DEFINE5(select, int, nfds, uptr_t, in, uptr_t, out, uptr_t, ex, uptr_t, utv)
{
    u64 deadline = NO_TIMEOUT;
    if (!uptr_is_null(utv)) {
        struct linux_timeval tv;
        if (copy_from_user(&tv, utv, sizeof(tv)) < 0) {
            return -EFAULT;
        }
        if (tv.tv_sec < 0 || tv.tv_usec < 0) {
            return -EINVAL;
        }
        /* Like Linux, whole seconds in tv_usec are carried over. */
        struct linux_timeval whole = {tv.tv_sec, tv.tv_usec % 1000000};
        u64 ns;
        timeval_to_ns(&whole, &ns);
        deadline = deadline_after(time_add_sat(ns, (u64)(tv.tv_usec / 1000000) * NSEC_PER_SEC));
    }
    long r = do_select(nfds, in, out, ex, deadline);
    if (!uptr_is_null(utv)) {
        u64 now = clock_monotonic_ns();
        u64 left = deadline > now ? deadline - now : 0;
        struct linux_timeval tv = ns_to_timeval(left);
        copy_to_user(utv, &tv, sizeof(tv));
    }
    return r;
}

SYSCALL_DEFINE6(pselect6, int, nfds, uptr_t, in, uptr_t, out, uptr_t, ex, uptr_t, tsp, uptr_t,
                sigdata)
{
    u64 deadline;
    int r = read_timeout(tsp, &deadline);
    if (r < 0) {
        return r;
    }
    /* The sixth argument points to { const sigset_t *mask; size_t size; }. */
    struct {
        u64 mask;
        u64 size;
    } sd = {0, 0};
    if (!uptr_is_null(sigdata) && copy_from_user(&sd, sigdata, sizeof(sd)) < 0) {
        return -EFAULT;
    }
    if (sd.mask) {
        r = signal_begin_temp_mask(uptr(sd.mask), sd.size);
        if (r < 0) {
            return r;
        }
    }
    long n = do_select(nfds, in, out, ex, deadline);
    if (sd.mask) {
        signal_end_temp_mask(n == -ERESTARTNOHAND || n == -EINTR);
    }
    write_time_left(tsp, deadline);
    return n;
}
