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

struct process {
    int pid;
    int pgid;
    int sid;
    enum process_state state;
    int exit_status; /* wait(2) encoding, valid when ZOMBIE */
    struct process *parent;
    struct list_head children; /* of struct process, via sibling */
    struct list_head sibling;
    struct list_head all_link;
    struct wait_queue child_exit; /* the parent sleeps here in wait4 */
    struct thread *thread;
    struct mm *mm;
    struct fs_context *fs;
    struct fd_table *files;
    struct cred cred;
    struct linux_rlimit rlimits[RLIM_NLIMITS];
    u64 clear_child_tid; /* set_tid_address */
    /* CLONE_CHILD_SETTID: the child stores its tid here, in its own address
     * space, before it first returns to user mode; then 0. */
    u64 set_child_tid;
    u64 start_ns;
    u64 utime_ns, stime_ns;
    u64 cutime_ns, cstime_ns; /* of waited-for children */
    u64 min_flt, cmin_flt; /* page faults handled (cmin: waited-for children) */
    u64 maxrss_pages, cmaxrss_pages; /* peak RSS of earlier programs / children */
    char comm[PROC_COMM_MAX];
    struct signal_state sig;
    struct process *vfork_parent; /* woken when this child execs or exits */
    bool vfork_done;
    u64 ctty; /* drivers/tty: id of the controlling tty, 0 for none */
    /* Job control (proc_lock): a stopped process sleeps on its way back to
     * user mode until SIGCONT or SIGKILL. wait_report is what wait(2) has
     * not yet been told: a stop (WUNTRACED) or a continue (WCONTINUED). */
    bool stopped;
    u8 stop_sig;
    u8 wait_report; /* WAIT_REPORT_* */
    struct restart_block restart; /* restart_syscall(2) after a stop */
    struct itimers itimers;
};

/* The process of the running thread; NULL for pure kernel threads. */
struct process *current_process(void);

#endif
