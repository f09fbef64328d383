/* SPDX-License-Identifier: MIT */
/* Process management internals (kernel/proc/). */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include <arch/x86_64/uaccess.h>
#include <kernel/process.h>
#include <kernel/spinlock.h>

#define PID_MAX 32768
#define INIT_PID 1

/* Protects the process list, parent/child links and process states. */
extern spinlock_t proc_lock;
extern struct list_head all_processes;

/* A zeroed process with default limits and lists initialised (no pid). */
struct process *process_alloc(void);
/* Gives p a pid and adds it to the process list (and its parent's children). */
int process_register(struct process *p, struct process *parent);
void process_free(struct process *p);
/* Wakes p's parent if it waits in vfork for p to exec or exit. */
void process_vfork_release(struct process *p);
/* The process with this pid (zombies too), or NULL; _locked with proc_lock held. */
struct process *process_find(int pid);
struct process *process_find_locked(int pid);

/* POSIX orphaned process group: no member has a parent in another group
 * of the same session (init and zombies do not count). True for an empty
 * group, as on Linux. */
bool process_group_orphaned(int pgid);
/* The same with proc_lock held; ignore (or NULL) does not count as a member. */
bool process_group_orphaned_locked(int pgid, const struct process *ignore);

/* Ends the current process with a wait(2) status (exit code << 8, or the
 * killing signal). Never returns. */
__attribute__((noreturn)) void process_exit(int wait_status);

/* Starts pid 1 running path (argv[0] = path), on the console. */
int process_start_init(const char *path);

struct process_stats {
    u32 total, running, sleeping, zombie;
    u64 forks_total, execs_total;
};
void process_get_stats(struct process_stats *st);
extern u64 process_forks_total, process_execs_total;

/* The uname nodename (kernel/proc/sys_info.c), and setting it like
 * sethostname(2) without the privilege check: -EINVAL if len > 64. */
const char *kernel_hostname(void);
int kernel_set_hostname(const char *name, size_t len);

/* What struct rusage reports (kernel/proc/sys_info.c). */
struct rusage_info {
    u64 utime_ns, stime_ns;
    u64 maxrss_pages; /* peak resident set */
    u64 min_flt; /* page faults handled without I/O */
};
/* p's own usage (RUSAGE_SELF), or that of its waited-for children. */
void process_rusage(struct process *p, bool children, struct rusage_info *out);
/* Writes a struct rusage (fields not in info are zero): 0 or -EFAULT. */
long rusage_put(uptr_t usage, const struct rusage_info *info);
/* Folds mm's peak RSS into p's (before mm is dropped at exit or exec). */
void process_note_rss_peak(struct process *p, const struct mm *mm);

#endif
