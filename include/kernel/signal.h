/* Signals (kernel/signal/): Linux numbers, actions and rt_sigframe
 * layout. One thread per process, so a process's pending set, blocked mask
 * and actions live in struct signal_state. */
#ifndef KERNEL_SIGNAL_H
#define KERNEL_SIGNAL_H

#include <kernel/types.h>

#define NSIG 64

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31

#define SIG_DFL 0ull
#define SIG_IGN 1ull

#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO 0x00000004
#define SA_RESTORER 0x04000000
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000

/* si_code values */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE (-1)
#define SI_TKILL (-6)
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRERR 2
#define ILL_ILLOPN 2
#define FPE_INTDIV 1
#define TRAP_BRKPT 1

/* Returned by interrupted sleeps: becomes EINTR, or a restart of the
 * syscall when the handler has SA_RESTART (or no handler runs). */
#define ERESTARTSYS 512
#define ERESTARTNOHAND 514

#define SIGBIT(sig) (1ull << ((sig)-1))

struct k_sigaction {
    u64 handler;
    u64 flags;
    u64 restorer;
    u64 mask;
};

/* What a pending signal carries to a SA_SIGINFO handler. */
struct sig_info {
    s32 code;
    s32 pid;
    u32 uid;
    s32 status;
    u64 addr;
};

struct signal_state {
    u64 pending;
    u64 blocked;
    struct k_sigaction actions[NSIG];
    struct sig_info info[NSIG];
    u64 altstack_sp, altstack_size;
    u32 altstack_flags;
    bool in_sigsuspend;
    u64 saved_mask; /* restored after a sigsuspend handler runs */
};

struct process;
struct trap_frame;

/* Queues sig for p (no-op if ignored); wakes it if it may act on it. */
void signal_send(struct process *p, int sig, const struct sig_info *info);
/* True if the current process has an unblocked pending signal. */
bool signal_pending(void);
/* Delivers pending signals on the way back to user mode: runs default
 * actions or builds a handler frame on the user stack. syscall_ret is the
 * syscall's return value when coming from a syscall (else 0), for
 * restarting interrupted calls. */
void signal_deliver(struct trap_frame *f, bool from_syscall);
/* fork: child inherits actions and mask; exec: handled signals reset. */
void signal_fork(struct signal_state *child, const struct signal_state *parent);
void signal_exec(struct signal_state *s);

#endif
