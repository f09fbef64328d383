/* SPDX-License-Identifier: MIT */
/* Linux x86_64 ABI for signals: numbers, dispositions, sigaction flags,
 * si_code values, sigaltstack flags, and the layouts user space sees:
 * sigaction as rt_sigaction takes it, siginfo_t, stack_t, and the handler
 * frame (sigcontext, ucontext, rt_sigframe). See include/abi/time.h for
 * the conventions of include/abi/. */
#ifndef ABI_SIGNAL_H
#define ABI_SIGNAL_H

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
#define SIGRTMIN 32
#define SIGRTMAX 64

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
#define SI_TIMER (-2)
#define SI_TKILL (-6)
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_TRAPPED 4
#define CLD_STOPPED 5
#define CLD_CONTINUED 6
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRERR 2
#define ILL_ILLOPN 2
#define FPE_INTDIV 1
#define TRAP_BRKPT 1

/* sigaltstack(2) */
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ 2048 /* the kernel's floor; libcs may ask for more */

/* What rt_sigaction(2) reads and writes: the kernel's sigaction, whose
 * mask is one 64-bit word (a libc's struct sigaction is larger). */
struct linux_sigaction {
    u64 sa_handler; /* also sa_sigaction; or SIG_DFL, SIG_IGN */
    u64 sa_flags;
    u64 sa_restorer;
    u64 sa_mask;
};

/* siginfo_t, always 128 bytes. The fields after si_code overlap as
 * sigaction(2) lists them: kill(2), sigqueue(3) and SIGCHLD fill
 * si_pid/si_uid and then si_value or si_status (and the times); faults
 * fill si_addr instead. */
struct linux_siginfo {
    s32 si_signo;
    s32 si_errno;
    s32 si_code;
    s32 pad; /* the union is 8-byte aligned */
    union {
        struct {
            s32 si_pid;
            u32 si_uid;
            union {
                s32 si_status; /* SIGCHLD */
                u64 si_value; /* sigqueue(3): sival_int or sival_ptr */
            };
            u64 si_utime; /* SIGCHLD, in clock ticks */
            u64 si_stime;
        };
        u64 si_addr; /* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
        u8 bytes[112];
    };
};

/* stack_t: sigaltstack(2), and uc_stack in a handler's frame. */
struct linux_stack {
    u64 ss_sp;
    s32 ss_flags;
    s32 pad; /* explicit, so that it is zeroed before a copy out */
    u64 ss_size;
};

/* The registers a handler's frame saves (uc_mcontext). */
struct linux_sigcontext {
    u64 r8, r9, r10, r11, r12, r13, r14, r15;
    u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    u16 cs, gs, fs, ss;
    u64 err, trapno, oldmask, cr2;
    u64 fpstate; /* user address of the FXSAVE area, or 0 */
    u64 reserved1[8];
};

struct linux_ucontext {
    u64 uc_flags;
    u64 uc_link;
    struct linux_stack uc_stack;
    struct linux_sigcontext uc_mcontext;
    u64 uc_sigmask;
};

/* What a handler finds at its stack pointer: the return address (the
 * sa_restorer, which calls rt_sigreturn), then the ucontext and siginfo
 * whose addresses it gets in rdx and rsi. Unwinders expect the ucontext
 * right above the return address. */
struct linux_rt_sigframe {
    u64 pretcode;
    struct linux_ucontext uc;
    struct linux_siginfo info;
};

_Static_assert(sizeof(struct linux_sigaction) == 32, "sigaction is 32 bytes");
_Static_assert(sizeof(struct linux_siginfo) == 128, "siginfo_t is 128 bytes");
_Static_assert(__builtin_offsetof(struct linux_siginfo, si_pid) == 16, "si_pid at 16");
_Static_assert(__builtin_offsetof(struct linux_siginfo, si_uid) == 20, "si_uid at 20");
_Static_assert(__builtin_offsetof(struct linux_siginfo, si_status) == 24, "si_status at 24");
_Static_assert(__builtin_offsetof(struct linux_siginfo, si_value) == 24, "si_value at 24");
_Static_assert(__builtin_offsetof(struct linux_siginfo, si_utime) == 32, "si_utime at 32");
_Static_assert(__builtin_offsetof(struct linux_siginfo, si_stime) == 40, "si_stime at 40");
_Static_assert(__builtin_offsetof(struct linux_siginfo, si_addr) == 16, "si_addr at 16");
_Static_assert(sizeof(struct linux_stack) == 24, "stack_t is 24 bytes");
_Static_assert(sizeof(struct linux_sigcontext) == 256, "sigcontext is 256 bytes");
_Static_assert(__builtin_offsetof(struct linux_ucontext, uc_stack) == 16, "uc_stack at 16");
_Static_assert(__builtin_offsetof(struct linux_ucontext, uc_mcontext) == 40, "uc_mcontext at 40");
_Static_assert(__builtin_offsetof(struct linux_ucontext, uc_sigmask) == 296, "uc_sigmask at 296");
_Static_assert(__builtin_offsetof(struct linux_rt_sigframe, uc) == 8, "ucontext above pretcode");
_Static_assert(__builtin_offsetof(struct linux_rt_sigframe, info) == 312, "siginfo at 312");

#endif
