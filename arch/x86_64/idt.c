// SPDX-License-Identifier: MIT
/* IDT: every vector goes to its stub in isr.S. Double faults, NMIs and
 * machine checks run on their own IST stacks. */
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/trap.h>
#include <kernel/compiler.h>

#define ISR_STUB_SIZE 16
#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define GATE_USER_INTERRUPT 0xee

struct idt_gate {
    u16 offset_low;
    u16 selector;
    u8 ist;
    u8 type_attr;
    u16 offset_mid;
    u32 offset_high;
    u32 reserved;
} __packed;

struct idt_ptr {
    u16 limit;
    u64 base;
} __packed;

extern char isr_stubs[];
static struct idt_gate idt[256] __aligned(16);

static void idt_set(int vec, u64 handler, u8 ist, u8 attr)
{
    idt[vec].offset_low = handler & 0xffff;
    idt[vec].selector = KERNEL_CS;
    idt[vec].ist = ist;
    idt[vec].type_attr = attr;
    idt[vec].offset_mid = (handler >> 16) & 0xffff;
    idt[vec].offset_high = handler >> 32;
    idt[vec].reserved = 0;
}

void idt_init(void)
{
    for (int v = 0; v < 256; v++) {
        idt_set(v, (u64)isr_stubs + (u64)v * ISR_STUB_SIZE, 0, GATE_INTERRUPT);
    }
    u64 base = (u64)isr_stubs;
    idt_set(VEC_DOUBLE_FAULT, base + VEC_DOUBLE_FAULT * ISR_STUB_SIZE, IST_DOUBLE_FAULT,
            GATE_INTERRUPT);
    idt_set(VEC_NMI, base + VEC_NMI * ISR_STUB_SIZE, IST_NMI, GATE_INTERRUPT);
    idt_set(VEC_MACHINE_CHECK, base + VEC_MACHINE_CHECK * ISR_STUB_SIZE, IST_MACHINE_CHECK,
            GATE_INTERRUPT);
    /* int3 and into may be used from user mode. */
    idt_set(VEC_BREAKPOINT, base + VEC_BREAKPOINT * ISR_STUB_SIZE, 0, GATE_USER_INTERRUPT);
    idt_set(4, base + 4 * ISR_STUB_SIZE, 0, GATE_USER_INTERRUPT);

    struct idt_ptr p = {sizeof(idt) - 1, (u64)idt};
    __asm__ __volatile__("lidt %0" : : "m"(p));
}
