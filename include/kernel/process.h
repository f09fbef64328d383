/* SPDX-License-Identifier: MIT */
/* Processes (kernel/proc/). One thread per process for now; the thread
 * carries the kernel stack and scheduling state, the process everything a
 * Linux task shares: address space, files, credentials, identity. */
#ifndef KERNEL_PROCESS_H
#define KERNEL_PROCESS_H

#include <abi/resource.h>
#include <kernel/itimer.h>
#include <kernel/list.h>
#include <kernel/signal.h>
#include <kernel/types.h>
#include <kernel/wait.h>

struct mm;
struct fs_context;
struct fd_table;
struct thread;

#define PROC_COMM_MAX 16
#define NGROUPS_MAX_KILN 32

struct cred {
    u32 uid, euid, suid, fsuid;
    u32 gid, egid, sgid, fsgid;
    u32 ngroups;
    u32 groups[NGROUPS_MAX_KILN];
};

#define WAIT_REPORT_NONE 0
#define WAIT_REPORT_STOPPED 1
#define WAIT_REPORT_CONTINUED 2

enum process_state {
    PROC_ALIVE,
    PROC_ZOMBIE, /* exited, waiting for the parent's wait */
};

/* Who may touch each field (README, Concurrency):
 *   [P] proc_lock.
 *   [O] the process's own thread writes it; another thread reads it only
 *       under proc_lock while the process is alive (exit clears mm, fs and
 *       files before the process becomes a zombie). Known gap: some /proc
 *       readers still read mm without proc_lock.
 *   [C] set before the process is registered, read-only after.
 *   [T] the timer tick, with interrupts off; readers tolerate a torn
 *       update between two ticks.
 *   [Q] the queue or timer's own lock. */
struct process {
    int pid; /* [C] */
    int pgid; /* [P] */
    int sid; /* [P] */
    enum process_state state; /* [P] */
    int exit_status; /* [P] wait(2) encoding, valid when ZOMBIE */
    struct process *parent; /* [P] */
    struct list_head children; /* [P] of struct process, via sibling */
    struct list_head sibling; /* [P] */
    struct list_head all_link; /* [P] */
    struct wait_queue child_exit; /* [Q] the parent sleeps here in wait4 */
    struct thread *thread; /* [P] NULL once a zombie */
    struct mm *mm; /* [O] */
    struct fs_context *fs; /* [O] */
    struct fd_table *files; /* [O] */
    struct cred cred; /* [O] permission checks of other processes read it under [P] */
    struct linux_rlimit rlimits[RLIM_NLIMITS]; /* [O] (prlimit64 on another process: issue 11) */
    u64 clear_child_tid; /* [O] set_tid_address */
    /* CLONE_CHILD_SETTID: the child stores its tid here, in its own address
     * space, before it first returns to user mode; then 0. [C], then [O] */
    u64 set_child_tid;
    u64 start_ns; /* [C] */
    u64 utime_ns, stime_ns; /* [T] */
    u64 cutime_ns, cstime_ns; /* [P] of waited-for children */
    u64 min_flt, cmin_flt; /* [O], [P]: page faults (cmin: waited-for children) */
    u64 maxrss_pages, cmaxrss_pages; /* [O], [P]: peak RSS of earlier programs / children */
    char comm[PROC_COMM_MAX]; /* [O] (also written through /proc/<pid>/comm) */
    struct signal_state sig; /* [P] */
    struct process *vfork_parent; /* [C] woken when this child execs or exits */
    bool vfork_done; /* [P] */
    u64 ctty; /* [P] drivers/tty: id of the controlling tty, 0 for none */
    /* Job control [P]: a stopped process sleeps on its way back to user
     * mode until SIGCONT or SIGKILL. wait_report is what wait(2) has not
     * yet been told: a stop (WUNTRACED) or a continue (WCONTINUED). */
    bool stopped;
    u8 stop_sig;
    u8 wait_report; /* WAIT_REPORT_* */
    struct restart_block restart; /* [O] restart_syscall(2) after a stop */
    struct itimers itimers; /* [T] and interrupts off (kernel/time/itimer.c) */
};

/* The process of the running thread; NULL for pure kernel threads. */
struct process *current_process(void);

#endif
