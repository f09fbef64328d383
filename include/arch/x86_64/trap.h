/* SPDX-License-Identifier: MIT */
/* Interrupt and exception entry (arch/x86_64/isr.S, traps.c, idt.c). */
#ifndef ARCH_X86_64_TRAP_H
#define ARCH_X86_64_TRAP_H

#include <arch/x86_64/asm_offsets.h>
#include <kernel/types.h>

/* Saved by isr.S; general registers in Linux pt_regs order. */
struct trap_frame {
    u64 r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    u64 rax, rcx, rdx, rsi, rdi;
    u64 vector;
    u64 error_code;
    u64 rip, cs, rflags, rsp, ss;
};

/* The entry assembly's view of it (asm_offsets.h). */
_Static_assert(__builtin_offsetof(struct trap_frame, r11) == FRAME_R11, "FRAME_R11");
_Static_assert(__builtin_offsetof(struct trap_frame, rcx) == FRAME_RCX, "FRAME_RCX");
_Static_assert(__builtin_offsetof(struct trap_frame, vector) == FRAME_VECTOR, "FRAME_VECTOR");
_Static_assert(__builtin_offsetof(struct trap_frame, rip) == FRAME_RIP, "FRAME_RIP");
_Static_assert(__builtin_offsetof(struct trap_frame, cs) == FRAME_CS, "FRAME_CS");
_Static_assert(__builtin_offsetof(struct trap_frame, rflags) == FRAME_RFLAGS, "FRAME_RFLAGS");
_Static_assert(__builtin_offsetof(struct trap_frame, rsp) == FRAME_RSP, "FRAME_RSP");

#define VEC_DIVIDE 0
#define VEC_DEBUG 1
#define VEC_NMI 2
#define VEC_BREAKPOINT 3
#define VEC_INVALID_OPCODE 6
#define VEC_DOUBLE_FAULT 8
#define VEC_GP 13
#define VEC_PAGE_FAULT 14
#define VEC_MACHINE_CHECK 18
#define VEC_IRQ_BASE 0x30 /* IOAPIC input n arrives on VEC_IRQ_BASE + n */
#define VEC_IRQ_COUNT 24
#define VEC_DYN_FIRST 0x50 /* irq_alloc_vector hands out 0x50..0xdf (MSI-X) */
#define VEC_DYN_LAST 0xdf
#define VEC_LAPIC_TIMER 0xec
#define VEC_LAPIC_ERROR 0xfe
#define VEC_SPURIOUS 0xff

/* IST slots in the TSS. */
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3

void gdt_init(void);
void idt_init(void);
void tss_set_kernel_stack(u64 rsp0);
/* True while the IST stack of a double fault is in use. */
bool stack_is_ist(u64 rsp);

typedef void (*irq_handler_fn)(void *ctx);
/* Routes ISA IRQ irq (through the ACPI overrides) to handler and unmasks it. */
int irq_register_isa(u8 irq, irq_handler_fn fn, void *ctx, const char *name);
/* Handler for a local vector (LAPIC timer, ...). */
void irq_set_vector_handler(u8 vector, irq_handler_fn fn, void *ctx);
u64 irq_count_total(void);
/* Interrupts taken on vector so far (traps.c). */
u64 irq_vector_count(u8 vector);

/* Shared level- or edge-triggered line on IOAPIC input gsi (< VEC_IRQ_COUNT,
 * vector VEC_IRQ_BASE + gsi). flags: IOAPIC_LEVEL, IOAPIC_ACTIVE_LOW. Every
 * handler registered on the line runs on each interrupt, in registration
 * order, and must check (and acknowledge) its own device before returning:
 * the EOI follows the handlers. -EBUSY if the line is used by an ISA
 * handler or with other flags, -ENOSPC for a gsi out of range, -ENOMEM. */
int irq_register_gsi_shared(u32 gsi, u32 flags, irq_handler_fn fn, void *ctx, const char *name);
/* Removes the handler (fn, ctx) from gsi; the line is masked when empty. */
void irq_unregister_gsi_shared(u32 gsi, irq_handler_fn fn, void *ctx);

/* A free CPU vector in VEC_DYN_FIRST..VEC_DYN_LAST calling fn(ctx), for
 * message-signalled interrupts; chip labels it in /proc/interrupts (NULL:
 * "vector"). Returns the vector or -ENOSPC. */
int irq_alloc_vector(irq_handler_fn fn, void *ctx, const char *name);
void irq_set_vector_chip(int vector, const char *chip);
void irq_free_vector(int vector);

/* /proc/interrupts (arch/x86_64/irq.c). */
struct seq_buf;
int irq_proc_interrupts(struct seq_buf *s, void *arg);

/* Exception-fixup table: a fault at insn resumes at fixup. */
struct ex_entry {
    u64 insn;
    u64 fixup;
};

void dump_trap_frame(const struct trap_frame *f);
/* Every vector lands here from isr.S. */
void trap_dispatch(struct trap_frame *f);
/* Kernel-mode faults handled so far (fixups included), for self-tests. */
u64 kernel_fault_count(void);
void backtrace_print(u64 rip, u64 rbp, u64 rsp);

#endif
