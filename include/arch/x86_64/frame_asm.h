/* SPDX-License-Identifier: MIT */
/* Assembly macros that save and restore the general registers in the
 * order of struct trap_frame (include/arch/x86_64/trap.h), shared by the
 * interrupt and syscall entries. Only for .S files. */
#ifndef ARCH_X86_64_FRAME_ASM_H
#define ARCH_X86_64_FRAME_ASM_H

/* clang-format off */
.macro PUSH_GPRS
    pushq %rdi
    pushq %rsi
    pushq %rdx
    pushq %rcx
    pushq %rax
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

.macro POP_GPRS
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rax
    popq %rcx
    popq %rdx
    popq %rsi
    popq %rdi
.endm
/* clang-format on */

#endif
