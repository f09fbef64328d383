/* SPDX-License-Identifier: MIT */
/* Multiboot2 header and the 32-bit entry: checks for long mode, builds
 * temporary page tables (identity, direct map and higher half over the first
 * GiB with 2 MiB pages), enables long mode and jumps to kmain in the higher
 * half. Everything here runs at its physical address. */
#include <arch/x86_64/memlayout.h>

#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_ARCH_I386 0
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define COM1 0x3f8

.section .multiboot, "a"
.align 8
mb2_header:
    .long MB2_HEADER_MAGIC
    .long MB2_ARCH_I386
    .long mb2_header_end - mb2_header
    .long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    /* Module alignment tag: modules start on page boundaries. */
    .align 8
    .short 6
    .short 0
    .long 8
    /* End tag. */
    .align 8
    .short 0
    .short 0
    .long 8
mb2_header_end:

.section .boot.text, "ax"
.code32
.global _start
_start:
    cli
    cld
    movl $boot_stack32_top, %esp
    movl %eax, boot_mb_magic
    movl %ebx, boot_mb_info

    /* Long mode needs CPUID leaf 0x80000001 with the LM bit. */
    pushfl
    popl %eax
    movl %eax, %ecx
    xorl $(1 << 21), %eax
    pushl %eax
    popfl
    pushfl
    popl %eax
    cmpl %eax, %ecx
    je no_long_mode
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    testl $(1 << 29), %edx
    jz no_long_mode
    movl %edx, %ebp /* bit 20: NX */

    /* boot_pd maps physical 0..1 GiB with 2 MiB pages. */
    movl $boot_pd, %edi
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $0x83, %eax /* present, writable, 2 MiB */
    movl %eax, (%edi,%ecx,8)
    movl $0, 4(%edi,%ecx,8)
    incl %ecx
    cmpl $512, %ecx
    jb 1b

    movl $(boot_pd + 3), boot_pdpt_low
    movl $(boot_pd + 3), boot_pdpt_high + 510 * 8
    movl $(boot_pdpt_low + 3), boot_pml4          /* identity */
    movl $(boot_pdpt_low + 3), boot_pml4 + 256 * 8 /* direct map */
    movl $(boot_pdpt_high + 3), boot_pml4 + 511 * 8 /* kernel image */

    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl %cr4, %eax
    orl $(1 << 5), %eax /* PAE */
    movl %eax, %cr4

    movl $MSR_EFER, %ecx
    rdmsr
    orl $EFER_LME, %eax
    testl $(1 << 20), %ebp
    jz 2f
    orl $EFER_NXE, %eax
2:  wrmsr

    movl %cr0, %eax
    orl $((1 << 31) | (1 << 16) | 1), %eax /* PG, WP, PE */
    movl %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $0x08, $long_mode_entry

no_long_mode:
    movl $no_long_mode_msg, %esi
3:  movb (%esi), %al
    testb %al, %al
    jz 5f
    movw $(COM1 + 5), %dx
4:  inb %dx, %al
    testb $0x20, %al
    jz 4b
    movb (%esi), %al
    movw $COM1, %dx
    outb %al, %dx
    incl %esi
    jmp 3b
5:  hlt
    jmp 5b

.code64
long_mode_entry:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movabsq $boot_stack_top, %rsp
    movabsq $kernel_entry64, %rax
    jmp *%rax

.section .boot.data, "aw"
.align 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff /* 64-bit code */
    .quad 0x00cf92000000ffff /* data */
boot_gdt_end:
boot_gdt_ptr:
    .short boot_gdt_end - boot_gdt - 1
    .long boot_gdt
.global boot_mb_magic, boot_mb_info
boot_mb_magic:
    .long 0
boot_mb_info:
    .long 0
no_long_mode_msg:
    .asciz "KERNEL PANIC: Kiln needs a 64-bit (long mode) CPU\r\n"

.section .boot.bss, "aw", @nobits
.align 4096
.global boot_pml4
boot_pml4:
    .skip 4096
boot_pdpt_low:
    .skip 4096
boot_pdpt_high:
    .skip 4096
boot_pd:
    .skip 4096
boot_stack32:
    .skip 1024
boot_stack32_top:

.text
.global kernel_entry64
kernel_entry64:
    xorq %rbp, %rbp
    movl boot_mb_magic, %edi
    movl boot_mb_info, %esi
    call kmain
6:  cli
    hlt
    jmp 6b

/* The boot thread's stack, with an unmapped guard page below it (see
 * paging_init). */
.section .bss.boot_stack, "aw", @nobits
.align 4096
.global boot_stack_guard, boot_stack_top
boot_stack_guard:
    .skip 4096
boot_stack:
    .skip BOOT_STACK_SIZE
boot_stack_top:
