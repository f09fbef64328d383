// SPDX-License-Identifier: MIT
/* GDT and TSS. The TSS holds the kernel stack for entries from user mode
 * (rsp0) and separate IST stacks for double faults, NMIs and machine checks,
 * so those are handled even when the current stack is broken. */
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/trap.h>
#include <kernel/compiler.h>
#include <kernel/string.h>

#define IST_STACK_SIZE 0x4000

struct tss {
    u32 reserved0;
    u64 rsp[3];
    u64 reserved1;
    u64 ist[7];
    u64 reserved2;
    u16 reserved3;
    u16 iomap_base;
} __packed;

static struct tss tss __aligned(16);
static u8 ist_stacks[3][IST_STACK_SIZE] __aligned(16);

static u64 gdt[10] __aligned(16) = {
    [KERNEL_CS / 8] = 0x00af9a000000ffff, [KERNEL_DS / 8] = 0x00cf92000000ffff,
    [USER32_CS / 8] = 0x00cffa000000ffff, [USER_DS / 8] = 0x00cff2000000ffff,
    [USER_CS / 8] = 0x00affa000000ffff,
};

struct descriptor_ptr {
    u16 limit;
    u64 base;
} __packed;

void tss_set_kernel_stack(u64 rsp0)
{
    tss.rsp[0] = rsp0;
}

bool stack_is_ist(u64 rsp)
{
    u64 lo = (u64)ist_stacks;
    return rsp >= lo && rsp < lo + sizeof(ist_stacks);
}

void gdt_init(void)
{
    tss.ist[IST_DOUBLE_FAULT - 1] = (u64)ist_stacks[0] + IST_STACK_SIZE;
    tss.ist[IST_NMI - 1] = (u64)ist_stacks[1] + IST_STACK_SIZE;
    tss.ist[IST_MACHINE_CHECK - 1] = (u64)ist_stacks[2] + IST_STACK_SIZE;
    tss.iomap_base = sizeof(tss); /* no I/O bitmap: user port access faults */

    u64 base = (u64)&tss;
    u64 limit = sizeof(tss) - 1;
    gdt[TSS_SEL / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
                       (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[TSS_SEL / 8 + 1] = base >> 32;

    struct descriptor_ptr p = {sizeof(gdt) - 1, (u64)gdt};
    __asm__ __volatile__("lgdt %0\n"
                         "pushq %1\n"
                         "leaq 1f(%%rip), %%rax\n"
                         "pushq %%rax\n"
                         "lretq\n"
                         "1:\n"
                         "movw %w2, %%ax\n"
                         "movw %%ax, %%ds\n"
                         "movw %%ax, %%es\n"
                         "movw %%ax, %%ss\n"
                         "ltr %w3\n"
                         :
                         : "m"(p), "i"(KERNEL_CS), "r"(KERNEL_DS), "r"(TSS_SEL)
                         : "rax", "memory");
}
