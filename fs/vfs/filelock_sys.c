// SPDX-License-Identifier: MIT
/* Advisory locks, the syscall side: fcntl's lock commands and flock(2) on
 * top of the lock table (filelock.c), sleeping for F_SETLKW and blocking
 * flock, and the release of locks when descriptors and files close.
 *
 * One spinlock (lock_spin) covers every inode's lock_ctx, inode->locks
 * itself and the list of sleepers, so a deadlock search sees one
 * consistent state. It is never held across an allocation or a sleep:
 * records are allocated before, freed after. A lock_ctx lives while it
 * holds locks or is pinned (an operation in progress, a sleeper on its
 * wait queue); whoever leaves it empty and unpinned frees it. */
#include <abi/errno.h>
#include <fs/fdtable.h>
#include <fs/filelock.h>
#include <fs/vfs.h>
#include <kernel/kmalloc.h>
#include <kernel/process.h>
#include <kernel/signal.h>
#include <kernel/spinlock.h>
#include <kernel/wait.h>

static spinlock_t lock_spin = SPINLOCK_INIT("filelock");
static struct list_head lock_waiters = LIST_HEAD_INIT(lock_waiters);

/* Detaches c from inode if nothing holds it; returns it for kfree after
 * the unlock, or NULL. */
static struct lock_ctx *ctx_release_locked(struct inode *inode, struct lock_ctx *c)
{
    spin_assert_held(&lock_spin);
    if (c->pins == 0 && lock_ctx_empty(c)) {
        inode->locks = NULL;
        return c;
    }
    return NULL;
}

/* inode's lock context, made if needed, pinned for the caller; NULL when
 * out of memory. */
static struct lock_ctx *ctx_pin(struct inode *inode)
{
    struct lock_ctx *fresh = NULL, *c;
    u64 flags;

    for (;;) {
        flags = spin_lock_irqsave(&lock_spin);
        c = inode->locks;
        if (!c && fresh) {
            inode->locks = c = fresh;
            fresh = NULL;
        }
        if (c) {
            c->pins++;
        }
        spin_unlock_irqrestore(&lock_spin, flags);
        if (c) {
            kfree(fresh);
            return c;
        }
        fresh = kmalloc(sizeof(*fresh));
        if (!fresh) {
            return NULL;
        }
        lock_ctx_init(fresh);
        wait_queue_init(&fresh->wq);
    }
}

static void ctx_unpin(struct inode *inode, struct lock_ctx *c)
{
    u64 flags = spin_lock_irqsave(&lock_spin);
    c->pins--;
    struct lock_ctx *dead = ctx_release_locked(inode, c);
    spin_unlock_irqrestore(&lock_spin, flags);
    kfree(dead);
}

/* Applies req to inode's table, sleeping while it conflicts when wait is
 * set: 0, -EAGAIN (a conflict, not waiting), -EDEADLK, -ERESTARTSYS, or
 * -ENOLCK (out of memory). */
static int lock_apply(struct inode *inode, const struct file_lock *req, bool wait)
{
    struct lock_spares spares = {0};
    struct list_head dispose = LIST_HEAD_INIT(dispose);
    struct wait_entry we = WAIT_ENTRY_INIT;
    struct lock_waiter w = {.req = *req};
    bool listed = false;
    struct lock_ctx *c;
    int r;

    /* Records a change may need: a lock its own record; a record lock
     * (set or cleared) also the far piece of one it splits. */
    unsigned need = req->type != F_UNLCK;
    if (req->kind != LK_FLOCK) {
        need++;
    }
    r = lock_spares_fill(&spares, need);
    c = r ? NULL : ctx_pin(inode);
    if (!c) {
        lock_spares_free(&spares);
        return -ENOLCK;
    }
    w.ctx = c;
    for (;;) {
        bool released = false, done;
        if (wait) {
            prepare_to_wait(&c->wq, &we);
        }
        u64 flags = spin_lock_irqsave(&lock_spin);
        if (req->kind == LK_FLOCK) {
            r = lock_set_flock(c, req, &spares, &dispose, &released);
        } else {
            r = lock_set_record(c, req, &spares, &dispose, &released);
        }
        if (released) {
            wake_up(&c->wq);
        }
        if (r == -EAGAIN && wait) {
            if (lock_would_deadlock(&lock_waiters, c, req)) {
                r = -EDEADLK;
            } else if (!listed) {
                list_add_tail(&w.link, &lock_waiters);
                listed = true;
            }
        }
        done = r != -EAGAIN || !wait;
        if (!done && signal_pending()) {
            r = -ERESTARTSYS;
            done = true;
        }
        if (done && listed) {
            list_del(&w.link);
        }
        spin_unlock_irqrestore(&lock_spin, flags);
        if (done) {
            break;
        }
        schedule();
    }
    if (wait) {
        finish_wait(&c->wq, &we);
    }
    ctx_unpin(inode, c);
    lock_dispose(&dispose);
    lock_spares_free(&spares);
    return r;
}

/* Fills fl with the lock that conflicts with req, or sets only its type
 * to F_UNLCK when none does. */
static void lock_test(struct inode *inode, const struct file_lock *req, struct linux_flock *fl)
{
    const struct file_lock *l = NULL;
    struct file_lock found;
    u64 flags = spin_lock_irqsave(&lock_spin);

    if (inode->locks) {
        l = lock_conflict(inode->locks, req);
        if (l) {
            found = *l;
        }
    }
    spin_unlock_irqrestore(&lock_spin, flags);
    if (!l) {
        fl->l_type = F_UNLCK;
        return;
    }
    fl->l_type = (s16)found.type;
    fl->l_whence = SEEK_SET;
    fl->l_start = found.start;
    fl->l_len = found.end == LOCK_EOF ? 0 : found.end - found.start + 1;
    fl->l_pid = found.kind == LK_OFD ? -1 : found.pid;
}

static s64 whence_base(struct file *f, int whence, int *err)
{
    s64 size;

    *err = 0;
    switch (whence) {
    case SEEK_SET:
        return 0;
    case SEEK_CUR:
        return (s64)READ_ONCE(f->pos);
    case SEEK_END:
        vfs_lock();
        size = (s64)f->inode->size;
        vfs_unlock();
        return size;
    default:
        *err = -EINVAL;
        return 0;
    }
}

/* Errors in Linux's order: the type for F_GETLK, then the range, the type,
 * the open mode (F_SETLK*), and l_pid (F_OFD_*). */
long filelock_fcntl(struct file *f, u32 cmd, uptr_t arg)
{
    bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
    bool get = cmd == F_GETLK || cmd == F_OFD_GETLK;
    struct process *p = current_process();
    struct linux_flock fl;
    struct file_lock req = {0};
    int err;

    if (!p || !p->files) {
        return -EBADF;
    }
    if (copy_from_user(&fl, arg, sizeof(fl)) < 0) {
        return -EFAULT;
    }
    if (cmd == F_GETLK && fl.l_type != F_RDLCK && fl.l_type != F_WRLCK) {
        return -EINVAL;
    }
    s64 base = whence_base(f, fl.l_whence, &err);
    if (!err) {
        err = lock_range(base, fl.l_start, fl.l_len, &req.start, &req.end);
    }
    if (err) {
        return err;
    }
    if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK && fl.l_type != F_UNLCK) {
        return -EINVAL;
    }
    if (!get && ((fl.l_type == F_RDLCK && !(f->fmode & FMODE_READ)) ||
                 (fl.l_type == F_WRLCK && !(f->fmode & FMODE_WRITE)))) {
        return -EBADF;
    }
    if (ofd && fl.l_pid != 0) {
        return -EINVAL;
    }
    req.type = (u8)fl.l_type;
    if (ofd) {
        req.kind = LK_OFD;
        req.owner = f;
        req.pid = -1;
    } else {
        /* The descriptor table stands for the process: one per process,
         * never shared, so no other thread can close the descriptor while
         * this call sleeps. */
        req.kind = LK_POSIX;
        req.owner = p->files;
        req.pid = p->pid;
    }
    if (get) {
        lock_test(f->inode, &req, &fl);
        return copy_to_user(arg, &fl, sizeof(fl)) < 0 ? -EFAULT : 0;
    }
    return lock_apply(f->inode, &req, cmd == F_SETLKW || cmd == F_OFD_SETLKW);
}

/* A conflict without waiting is -EAGAIN (EWOULDBLOCK); flock requests
 * are never reported as deadlocks. */
long filelock_flock(struct file *f, int type, bool nonblock)
{
    struct file_lock req = {
        .owner = f,
        .pid = current_process() ? current_process()->pid : 0,
        .kind = LK_FLOCK,
        .type = (u8)type,
        .start = 0,
        .end = LOCK_EOF,
    };

    return lock_apply(f->inode, &req, !nonblock);
}

/* Removes owner's locks of the kinds given from inode's table. */
static void remove_owner(struct inode *inode, const void *owner, const enum lock_kind *kinds,
                         unsigned nkinds)
{
    struct list_head dispose = LIST_HEAD_INIT(dispose);
    struct lock_ctx *dead = NULL;
    bool removed = false;

    /* Nothing is pinned here: a NULL pointer means no locks at all, and
     * only the owner (this process or the file going away) adds its own. */
    if (!READ_ONCE(inode->locks)) {
        return;
    }
    u64 flags = spin_lock_irqsave(&lock_spin);
    struct lock_ctx *c = inode->locks;
    if (c) {
        for (unsigned i = 0; i < nkinds; i++) {
            removed |= lock_remove_owner(c, owner, kinds[i], &dispose);
        }
        if (removed) {
            wake_up(&c->wq);
        }
        dead = ctx_release_locked(inode, c);
    }
    spin_unlock_irqrestore(&lock_spin, flags);
    kfree(dead);
    lock_dispose(&dispose);
}

void filelock_fd_closed(struct fd_table *t, struct file *f)
{
    static const enum lock_kind posix[] = {LK_POSIX};

    remove_owner(f->inode, t, posix, 1);
}

void filelock_file_release(struct file *f)
{
    static const enum lock_kind own[] = {LK_OFD, LK_FLOCK};

    remove_owner(f->inode, f, own, 2);
}
