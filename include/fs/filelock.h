/* SPDX-License-Identifier: MIT */
/* Advisory file locks: the lock table (fs/vfs/filelock.c) and the
 * syscall side (fs/vfs/filelock_sys.c). Three kinds, as on Linux:
 *  - flock(2) locks cover the whole file and belong to the open file
 *    description (struct file): shared across dup and fork, dropped when
 *    its last reference goes.
 *  - POSIX record locks (fcntl F_SETLK, F_SETLKW) cover byte ranges and
 *    belong to the process, named by its descriptor table (one per
 *    process, never shared): closing any descriptor of an inode drops all
 *    of the process's locks on it, and exit closes every descriptor.
 *  - OFD record locks (F_OFD_SETLK, F_OFD_SETLKW) are record locks owned
 *    by the open file description.
 * flock locks never meet record locks. Record locks conflict when their
 * owners differ, so a process's POSIX lock and its own OFD lock do.
 *
 * An inode with locks, or with a sleeper waiting for one, has a struct
 * lock_ctx (inode->locks). The table functions below only edit lists; the
 * caller serialises them (filelock_sys.c holds one spinlock for every
 * table and the list of sleepers) and allocates records beforehand, so
 * nothing below sleeps or allocates. */
#ifndef FS_FILELOCK_H
#define FS_FILELOCK_H

#include <abi/errno.h>
#include <abi/fcntl.h>
#include <arch/x86_64/uaccess.h>
#include <kernel/list.h>
#include <kernel/types.h>
#include <kernel/wait.h>


struct file;
struct fd_table;

/* The last byte a lock can cover: a lock "to EOF" ends here. */
#define LOCK_EOF INT64_MAX

enum lock_kind {
    LK_POSIX, /* owner: the process's struct fd_table */
    LK_OFD, /* owner: the struct file */
    LK_FLOCK, /* owner: the struct file; the range is the whole file */
};

struct file_lock {
    struct list_head link; /* on lock_ctx.records (by start) or .flocks */
    const void *owner;
    s32 pid; /* F_GETLK's l_pid: the setter's pid; -1 for OFD locks */
    u8 kind; /* enum lock_kind */
    u8 type; /* F_RDLCK or F_WRLCK (F_UNLCK only in requests) */
    s64 start, end; /* inclusive byte range; end LOCK_EOF: to EOF */
};

/* Invariant of records: one owner's locks never overlap, and two of them
 * that touch (one ends where the next starts) differ in type. */
struct lock_ctx {
    struct list_head records; /* POSIX and OFD locks, ascending start */
    struct list_head flocks;
    struct wait_queue wq; /* sleepers on this inode (filelock_sys.c) */
    u32 pins; /* users outside the table lock: the ctx stays while > 0 */
};

/* A request that sleeps (F_SETLKW, F_OFD_SETLKW, flock without LOCK_NB),
 * listed while it sleeps so that deadlocks can be found. */
struct lock_waiter {
    struct list_head link;
    struct lock_ctx *ctx;
    struct file_lock req;
    struct lock_waiter *next_visit; /* the deadlock search's queue */
    bool seen; /* queued by the current search */
};

/* Records a table change may need (a new lock and the far piece of a
 * split one), allocated before taking the table lock. */
#define LOCK_SPARES 2
struct lock_spares {
    struct file_lock *rec[LOCK_SPARES];
};

/* ---- the table (fs/vfs/filelock.c) ---- */

/* The inclusive range [*start, *end] of a struct flock whose l_whence
 * resolved to base (0, the file position or the size): -EINVAL if it
 * would start before 0, -EOVERFLOW if it would end past LOCK_EOF. l_len
 * 0 reaches to EOF; a negative l_len covers the bytes before l_start. */
int lock_range(s64 base, s64 l_start, s64 l_len, s64 *start, s64 *end);

void lock_ctx_init(struct lock_ctx *c); /* all but the wait queue */
bool lock_ctx_empty(const struct lock_ctx *c);

/* Fills s with n records (n <= LOCK_SPARES); -ENOLCK when out of memory.
 * lock_spares_free frees the ones the table did not take. */
int lock_spares_fill(struct lock_spares *s, unsigned n);
void lock_spares_free(struct lock_spares *s);
/* Frees the records a table change moved to dispose. */
void lock_dispose(struct list_head *dispose);

/* The first lock (lowest start for records) that conflicts with req: of
 * another owner, overlapping, and one of the two a write lock. A request
 * for F_UNLCK conflicts with nothing. NULL if none. */
const struct file_lock *lock_conflict(const struct lock_ctx *c, const struct file_lock *req);

/* Sets (F_RDLCK/F_WRLCK) or clears (F_UNLCK) req's range for req's owner:
 * merges with the owner's touching locks of the same type, trims or splits
 * its others. All or nothing: -EAGAIN on a conflict, -ENOLCK if s lacks
 * a record it needs. Removed records go to dispose; *released is set when
 * the owner gave up or downgraded anything (sleepers should look again). */
int lock_set_record(struct lock_ctx *c, const struct file_lock *req, struct lock_spares *s,
                    struct list_head *dispose, bool *released);

/* flock: the owner's old lock, if of another type, is removed first (a
 * conversion is not atomic, as on Linux) and stays removed when the new
 * one conflicts (-EAGAIN). Needs one spare to lock. */
int lock_set_flock(struct lock_ctx *c, const struct file_lock *req, struct lock_spares *s,
                   struct list_head *dispose, bool *released);

/* Removes every lock of kind owned by owner; true if there was one. */
bool lock_remove_owner(struct lock_ctx *c, const void *owner, enum lock_kind kind,
                       struct list_head *dispose);

/* Whether req (blocked on c) waiting would close a cycle: the owners
 * holding locks in its way, the owners those are waiting for (per
 * waiters), and so on, reach req's own owner. Only POSIX owners (one
 * process each) are followed; OFD requests are never reported (Linux
 * neither). */
bool lock_would_deadlock(struct list_head *waiters, const struct lock_ctx *c,
                         const struct file_lock *req);

/* ---- the syscall side (fs/vfs/filelock_sys.c) ----
 * Weak: host tests of the VFS alone link no lock code (fd.c then refuses
 * lock commands with -ENOLCK; nothing can hold a lock to release). */

/* fcntl F_GETLK, F_SETLK, F_SETLKW and the F_OFD_ forms on f (not O_PATH)
 * with the struct flock at arg. */
long filelock_fcntl(struct file *f, u32 cmd, uptr_t arg) __attribute__((weak));
/* flock(2) on f: type F_RDLCK (LOCK_SH), F_WRLCK (LOCK_EX) or F_UNLCK. */
long filelock_flock(struct file *f, int type, bool nonblock) __attribute__((weak));
/* Descriptor table t closed a descriptor of f: t's POSIX locks on f's
 * inode go (called before the descriptor's reference is dropped). */
void filelock_fd_closed(struct fd_table *t, struct file *f) __attribute__((weak));
/* f's last reference is going: its OFD and flock locks go. */
void filelock_file_release(struct file *f) __attribute__((weak));

#endif
