/* SPDX-License-Identifier: MIT */
/* The only code that touches user memory. Each routine opens SMAP access
 * (stac) for the copy and closes it (clac) on every exit; the instructions
 * that may fault have __ex_table entries pointing at a fixup that returns
 * -EFAULT. Ranges were checked by the C callers (uaccess.c). */
#define EFAULT 14

.macro UACCESS_OPEN
    cmpb $0, uaccess_smap(%rip)
    je 98f
    stac
98:
.endm

.macro UACCESS_CLOSE
    cmpb $0, uaccess_smap(%rip)
    je 99f
    clac
99:
.endm

.macro EX_ENTRY insn, fixup
    .pushsection __ex_table, "a"
    .balign 8
    .quad \insn, \fixup
    .popsection
.endm

.text
/* size_t uaccess_copy(void *dst, const void *src, size_t n): the number of
 * bytes NOT copied (0 on success). Eight bytes per step, then the tail. A
 * fault in the 8-byte phase leaves rsi/rdi at the word that faulted and rcx
 * counting the words left: the byte phase then retries from there and stops
 * at the exact faulting byte, with rcx counting what is left. */
.global uaccess_copy
uaccess_copy:
    UACCESS_OPEN
    movq %rdx, %rcx
    shrq $3, %rcx
    andq $7, %rdx
1:  rep movsq
    movq %rdx, %rcx
3:  rep movsb
2:  UACCESS_CLOSE
    movq %rcx, %rax
    ret
4:  leaq (%rdx,%rcx,8), %rcx
    jmp 3b
    EX_ENTRY 1b, 4b
    EX_ENTRY 3b, 2b

/* long uaccess_clear(void *dst, size_t n): 0 or -EFAULT */
.global uaccess_clear
uaccess_clear:
    UACCESS_OPEN
    movq %rsi, %rcx
    shrq $3, %rcx
    andq $7, %rsi
    xorl %eax, %eax
1:  rep stosq
    movq %rsi, %rcx
3:  rep stosb
    UACCESS_CLOSE
    xorl %eax, %eax
    ret
2:  UACCESS_CLOSE
    movq $-EFAULT, %rax
    ret
    EX_ENTRY 1b, 2b
    EX_ENTRY 3b, 2b

/* long uaccess_strncpy(char *dst, const char *src, size_t max):
 * copies up to and including the NUL, at most max bytes; returns the
 * string length, max if no NUL was found, or -EFAULT. */
.global uaccess_strncpy
uaccess_strncpy:
    UACCESS_OPEN
    xorl %ecx, %ecx
3:  cmpq %rdx, %rcx
    jae 4f
1:  movb (%rsi,%rcx), %al
    movb %al, (%rdi,%rcx)
    testb %al, %al
    jz 4f
    incq %rcx
    jmp 3b
4:  UACCESS_CLOSE
    movq %rcx, %rax
    ret
2:  UACCESS_CLOSE
    movq $-EFAULT, %rax
    ret
    EX_ENTRY 1b, 2b
