// SPDX-License-Identifier: MIT
/* File descriptor tables. Slot changes happen under the table's spinlock;
 * files are released (file_put) only after it is dropped. */
#include <abi/errno.h>
#include <fs/chrdev.h>
#include <fs/fdtable.h>
#include <fs/filelock.h>
#include <fs/vfs.h>
#include <kernel/kmalloc.h>
#include <kernel/process.h>
#include <kernel/string.h>

#include "vfs_internal.h"

#define FD_INITIAL 64

/* A descriptor of f left t: the POSIX rule drops the process's record
 * locks on f's inode, whichever descriptor they were set through. Called
 * before the descriptor's reference to f is put. */
static void fd_closed(struct fd_table *t, struct file *f)
{
    if (filelock_fd_closed) {
        filelock_fd_closed(t, f);
    }
}

static struct fd_table *cur_files(void)
{
    struct process *p = current_process();
    return p ? p->files : NULL;
}

int fd_limit(void)
{
    struct process *p = current_process();
    u64 cur = p ? p->rlimits[RLIMIT_NOFILE].rlim_cur : FD_MAX;

    /* 0 means the limit was never set up. */
    if (cur == 0 || cur > FD_MAX) {
        return FD_MAX;
    }
    return (int)cur;
}

struct fd_table *fd_table_new(void)
{
    struct fd_table *t = kzalloc(sizeof(*t));

    if (!t) {
        return NULL;
    }
    t->refcount = 1;
    t->lock.name = "fd_table";
    return t;
}

/* Grows t to at least want slots (at most FD_MAX). */
static int fd_grow(struct fd_table *t, u32 want)
{
    u32 cap = t->cap ? t->cap : FD_INITIAL;

    while (cap < want) {
        cap *= 2;
    }
    if (cap > FD_MAX) {
        cap = FD_MAX;
    }
    if (cap <= t->cap) {
        return 0;
    }
    struct file **fds = kzalloc(cap * sizeof(*fds));
    u64 *bits = kzalloc(cap / 64 * sizeof(u64));
    if (!fds || !bits) {
        kfree(fds);
        kfree(bits);
        return -ENOMEM;
    }
    u64 flags = spin_lock_irqsave(&t->lock);
    if (cap <= t->cap) {
        spin_unlock_irqrestore(&t->lock, flags);
        kfree(fds);
        kfree(bits);
        return 0;
    }
    struct file **old_fds = t->fds;
    u64 *old_bits = t->cloexec;
    if (t->cap) {
        memcpy(fds, t->fds, t->cap * sizeof(*fds));
        memcpy(bits, t->cloexec, t->cap / 64 * sizeof(u64));
    }
    t->fds = fds;
    t->cloexec = bits;
    t->cap = cap;
    spin_unlock_irqrestore(&t->lock, flags);
    kfree(old_fds);
    kfree(old_bits);
    return 0;
}

static void set_cloexec(struct fd_table *t, int fd, bool on)
{
    if (on) {
        t->cloexec[fd / 64] |= 1ull << (fd % 64);
    } else {
        t->cloexec[fd / 64] &= ~(1ull << (fd % 64));
    }
}

static bool get_cloexec(struct fd_table *t, int fd)
{
    return (t->cloexec[fd / 64] >> (fd % 64)) & 1;
}

int fd_install_from(struct fd_table *t, struct file *f, int min, bool cloexec)
{
    int limit = fd_limit();

    if (!t) {
        return -EBADF;
    }
    for (;;) {
        u64 flags = spin_lock_irqsave(&t->lock);
        int fd;
        for (fd = min; fd < (int)t->cap && fd < limit; fd++) {
            if (!t->fds[fd]) {
                t->fds[fd] = f;
                set_cloexec(t, fd, cloexec);
                spin_unlock_irqrestore(&t->lock, flags);
                return fd;
            }
        }
        spin_unlock_irqrestore(&t->lock, flags);
        if (fd >= limit) {
            return -EMFILE;
        }
        int err = fd_grow(t, (u32)fd + 1);
        if (err) {
            return err;
        }
    }
}

int fd_install(struct file *f, bool cloexec)
{
    return fd_install_from(cur_files(), f, 0, cloexec);
}

/* Puts f at exactly fd (dup2/dup3), closing what was there. */
int fd_install_at(int fd, struct file *f, bool cloexec)
{
    struct fd_table *t = cur_files();
    struct file *old;

    if (!t) {
        return -EBADF;
    }
    if (fd < 0 || fd >= fd_limit()) {
        return -EBADF;
    }
    if ((u32)fd >= t->cap) {
        int err = fd_grow(t, (u32)fd + 1);
        if (err) {
            return err;
        }
    }
    u64 flags = spin_lock_irqsave(&t->lock);
    old = t->fds[fd];
    t->fds[fd] = f;
    set_cloexec(t, fd, cloexec);
    spin_unlock_irqrestore(&t->lock, flags);
    if (old) {
        fd_closed(t, old);
        file_put(old);
    }
    return fd;
}

static struct file *fd_lookup(int fd, bool raw)
{
    struct fd_table *t = cur_files();
    struct file *f = NULL;

    if (!t || fd < 0) {
        return NULL;
    }
    u64 flags = spin_lock_irqsave(&t->lock);
    if ((u32)fd < t->cap && t->fds[fd]) {
        f = file_get(t->fds[fd]);
    }
    spin_unlock_irqrestore(&t->lock, flags);
    if (f && !raw && (f->fmode & FMODE_PATH)) {
        file_put(f);
        return NULL;
    }
    return f;
}

struct file *fd_get(int fd)
{
    return fd_lookup(fd, false);
}

struct file *fd_get_raw(int fd)
{
    return fd_lookup(fd, true);
}

int fd_get_cloexec(int fd)
{
    struct fd_table *t = cur_files();
    int r = -EBADF;

    if (!t || fd < 0) {
        return -EBADF;
    }
    u64 flags = spin_lock_irqsave(&t->lock);
    if ((u32)fd < t->cap && t->fds[fd]) {
        r = get_cloexec(t, fd);
    }
    spin_unlock_irqrestore(&t->lock, flags);
    return r;
}

int fd_set_cloexec(int fd, bool on)
{
    struct fd_table *t = cur_files();
    int r = -EBADF;

    if (!t || fd < 0) {
        return -EBADF;
    }
    u64 flags = spin_lock_irqsave(&t->lock);
    if ((u32)fd < t->cap && t->fds[fd]) {
        set_cloexec(t, fd, on);
        r = 0;
    }
    spin_unlock_irqrestore(&t->lock, flags);
    return r;
}

int fd_close(int fd)
{
    struct fd_table *t = cur_files();
    struct file *f = NULL;

    if (!t || fd < 0) {
        return -EBADF;
    }
    u64 flags = spin_lock_irqsave(&t->lock);
    if ((u32)fd < t->cap) {
        f = t->fds[fd];
        t->fds[fd] = NULL;
        if (f) {
            set_cloexec(t, fd, false);
        }
    }
    spin_unlock_irqrestore(&t->lock, flags);
    if (!f) {
        return -EBADF;
    }
    fd_closed(t, f);
    file_put(f);
    return 0;
}

struct fd_table *fd_table_clone(struct fd_table *t)
{
    struct fd_table *n = fd_table_new();

    if (!n || !t) {
        return n;
    }
    for (;;) {
        u32 cap = READ_ONCE(t->cap);
        if (cap && fd_grow(n, cap) < 0) {
            fd_table_put(n);
            return NULL;
        }
        u64 flags = spin_lock_irqsave(&t->lock);
        if (t->cap != n->cap) {
            spin_unlock_irqrestore(&t->lock, flags);
            continue;
        }
        for (u32 i = 0; i < t->cap; i++) {
            if (t->fds[i]) {
                n->fds[i] = file_get(t->fds[i]);
            }
        }
        if (t->cap) {
            memcpy(n->cloexec, t->cloexec, t->cap / 64 * sizeof(u64));
        }
        spin_unlock_irqrestore(&t->lock, flags);
        return n;
    }
}

/* Takes out every file whose slot matches (all, or close-on-exec only)
 * and releases them outside the lock. */
static void close_matching(struct fd_table *t, bool only_cloexec)
{
    for (u32 i = 0; i < t->cap; i++) {
        struct file *f = NULL;
        u64 flags = spin_lock_irqsave(&t->lock);
        if (t->fds[i] && (!only_cloexec || get_cloexec(t, (int)i))) {
            f = t->fds[i];
            t->fds[i] = NULL;
            set_cloexec(t, (int)i, false);
        }
        spin_unlock_irqrestore(&t->lock, flags);
        if (f) {
            fd_closed(t, f);
            file_put(f);
        }
    }
}

void fd_table_close_on_exec(struct fd_table *t)
{
    if (t) {
        close_matching(t, true);
    }
}

void fd_table_put(struct fd_table *t)
{
    if (!t || __atomic_sub_fetch(&t->refcount, 1, __ATOMIC_ACQ_REL) != 0) {
        return;
    }
    close_matching(t, false);
    kfree(t->fds);
    kfree(t->cloexec);
    kfree(t);
}

int fd_table_open_console(struct fd_table *t)
{
    struct file *f = NULL;
    int err = vfs_open_kernel("/dev/console", O_RDWR | O_NOCTTY, 0, &f);

    if (err < 0) {
        err = chrdev_open_anon(CONSOLE_MAJOR, CONSOLE_MINOR, O_RDWR, &f);
        if (err < 0) {
            return err;
        }
    }
    for (int fd = 0; fd < 3 && err >= 0; fd++) {
        int r = fd_install_from(t, file_get(f), fd, false);
        if (r < 0) {
            file_put(f);
            err = r;
        } else if (r != fd) {
            err = -EBUSY; /* the table was not empty */
        }
    }
    file_put(f);
    return err < 0 ? err : 0;
}
