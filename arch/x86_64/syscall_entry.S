/* SPDX-License-Identifier: MIT */
/* The syscall instruction lands here with interrupts off (SFMASK clears
 * IF), on the user stack, with user GS. We switch to the thread's kernel
 * stack and save a struct trap_frame, the same layout interrupts use, so
 * fork, signals and ptrace-like code see one register format. Return is
 * by sysret when the return address is canonical and the frame is a plain
 * user one (rcx = rip, r11 = rflags, as sysret leaves them), else by iretq (sysret with a non-canonical rcx would #GP in
 * kernel mode on Intel). */
#include <arch/x86_64/asm_offsets.h>
#include <arch/x86_64/frame_asm.h>
#include <arch/x86_64/gdt.h>

.text
.global syscall_entry
syscall_entry:
    swapgs
    movq %rsp, %gs:PERCPU_USER_RSP
    movq %gs:PERCPU_KERNEL_RSP, %rsp
    pushq $USER_DS
    pushq %gs:PERCPU_USER_RSP
    pushq %r11 /* rflags */
    pushq $USER_CS
    pushq %rcx /* rip */
    pushq $0   /* error_code */
    pushq %rax /* vector slot: the syscall number (orig_rax) */
    PUSH_GPRS
    movq %rsp, %rdi
    xorl %ebp, %ebp
    call syscall_dispatch
    cli
    /* Use iretq unless rip is canonical user and rflags has no RF/TF. */
    movq FRAME_RIP(%rsp), %rcx
    movq %rcx, %r11
    sarq $47, %r11
    jnz syscall_iret
    cmpq $USER_CS, FRAME_CS(%rsp)
    jne syscall_iret
    /* sysret loads rcx and r11 from rip and rflags: only when the frame
     * already has them so (not after rt_sigreturn or a signal frame). */
    cmpq %rcx, FRAME_RCX(%rsp)
    jne syscall_iret
    movq FRAME_RFLAGS(%rsp), %r11
    cmpq %r11, FRAME_R11(%rsp)
    jne syscall_iret
    POP_GPRS
    addq $16, %rsp        /* vector, error_code */
    movq (%rsp), %rcx     /* rip */
    movq 16(%rsp), %r11   /* rflags */
    movq 24(%rsp), %rsp   /* user stack */
    swapgs
    sysretq
syscall_iret:
    jmp trap_return

/* First return to user mode of a new thread (fork child, init, exec):
 * rsp points at the struct trap_frame to restore. */
.global ret_to_user_trampoline
ret_to_user_trampoline:
    call thread_start_user
    jmp trap_return
