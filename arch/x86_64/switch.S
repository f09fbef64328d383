/* SPDX-License-Identifier: MIT */
/* void context_switch(u64 *save_rsp, u64 new_rsp)
 * Saves the callee-saved registers on the current stack, stores the stack
 * pointer in *save_rsp, and resumes the thread whose stack is new_rsp. */
.text
.global context_switch
context_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret

/* First code of a new thread: thread_stack_init left fn in r12 and arg in
 * r13. Jump (not call) so thread_start sees the zero return address below
 * as its caller: the ABI's stack alignment holds and backtraces end there. */
.global thread_trampoline
thread_trampoline:
    movq %r12, %rdi
    movq %r13, %rsi
    xorl %ebp, %ebp
    jmp thread_start

/* void enter_user(struct trap_frame *frame): drop everything on the
 * current stack above frame and return to user mode with its registers. */
.global enter_user
enter_user:
    cli
    movq %rdi, %rsp
    jmp trap_return
