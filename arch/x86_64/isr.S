/* SPDX-License-Identifier: MIT */
/* Interrupt entry: 256 stubs, 16 bytes apart, each pushing an error code
 * (a 0 where the CPU pushes none) and its vector, then isr_common saves the
 * general registers as struct trap_frame and calls trap_dispatch. */
#include <arch/x86_64/asm_offsets.h>
#include <arch/x86_64/frame_asm.h>
#include <arch/x86_64/gdt.h>

.text
.align 16
.global isr_stubs
isr_stubs:
.set vec, 0
.rept 256
    .align 16
    .if vec == 8 || vec == 10 || vec == 11 || vec == 12 || vec == 13 || vec == 14 || vec == 17 || vec == 21 || vec == 29 || vec == 30
    pushq $vec
    .else
    pushq $0
    pushq $vec
    .endif
    jmp isr_common
    .set vec, vec + 1
.endr

isr_common:
    /* From user mode: switch to the kernel GS base. */
    testb $3, FRAME_CS_FROM_TOP(%rsp)
    jz 1f
    swapgs
1:  PUSH_GPRS
    cld
    movq %rsp, %rdi
    call trap_dispatch
.global trap_return
trap_return:
    POP_GPRS
    testb $3, FRAME_CS_FROM_TOP(%rsp)
    jz 2f
    swapgs
2:  addq $16, %rsp
    iretq
