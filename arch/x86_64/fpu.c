// SPDX-License-Identifier: MIT
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/fpu.h>
#include <kernel/string.h>

#define CR0_MP (1ul << 1)
#define CR0_EM (1ul << 2)
#define CR0_TS (1ul << 3)
#define CR0_NE (1ul << 5)
#define CR4_OSFXSR (1ul << 9)
#define CR4_OSXMMEXCPT (1ul << 10)

static struct fpu_state clean_state;

void fpu_init(void)
{
    u64 cr0 = read_cr0();
    cr0 = (cr0 & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE;
    __asm__ __volatile__("mov %0, %%cr0" : : "r"(cr0));
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
    u32 mxcsr = 0x1f80; /* all exceptions masked, round to nearest */
    __asm__ __volatile__("fninit; ldmxcsr %0" : : "m"(mxcsr));
    fpu_save(&clean_state);
}

void fpu_state_init(struct fpu_state *st)
{
    memcpy(st, &clean_state, sizeof(*st));
}

void fpu_save(struct fpu_state *st)
{
    __asm__ __volatile__("fxsave64 %0" : "=m"(*st));
}

void fpu_restore(const struct fpu_state *st)
{
    __asm__ __volatile__("fxrstor64 %0" : : "m"(*st));
}
