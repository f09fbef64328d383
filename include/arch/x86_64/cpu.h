/* SPDX-License-Identifier: MIT */
/* Control registers, MSRs, CPUID and interrupt-flag helpers. */
#ifndef ARCH_X86_64_CPU_H
#define ARCH_X86_64_CPU_H

#include <kernel/types.h>

#define RFLAGS_IF (1ul << 9)
#define RFLAGS_AC (1ul << 18)
#define RFLAGS_TF (1ul << 8)

#define CR0_WP (1ul << 16)
#define CR4_UMIP (1ul << 11)
#define CR4_SMEP (1ul << 20)
#define CR4_SMAP (1ul << 21)

#define MSR_EFER 0xc0000080
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define EFER_NXE (1ul << 11)

static inline u64 read_cr0(void)
{
    u64 v;
    __asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
    return v;
}

static inline u64 read_cr2(void)
{
    u64 v;
    __asm__ __volatile__("mov %%cr2, %0" : "=r"(v));
    return v;
}

static inline u64 read_cr3(void)
{
    u64 v;
    __asm__ __volatile__("mov %%cr3, %0" : "=r"(v));
    return v;
}

static inline void write_cr3(u64 v)
{
    __asm__ __volatile__("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline u64 read_cr4(void)
{
    u64 v;
    __asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
    return v;
}

static inline void write_cr4(u64 v)
{
    __asm__ __volatile__("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline u64 rdmsr(u32 msr)
{
    u32 lo, hi;
    __asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
    __asm__ __volatile__("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)));
}

static inline void cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
    __asm__ __volatile__("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static inline u64 rdtsc(void)
{
    u32 lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((u64)hi << 32) | lo;
}

static inline u64 read_rflags(void)
{
    u64 f;
    __asm__ __volatile__("pushfq; popq %0" : "=r"(f));
    return f;
}

static inline void irq_enable(void)
{
    __asm__ __volatile__("sti" ::: "memory");
}

static inline void irq_disable(void)
{
    __asm__ __volatile__("cli" ::: "memory");
}

static inline bool irq_enabled(void)
{
    return (read_rflags() & RFLAGS_IF) != 0;
}

static inline u64 irq_save(void)
{
    u64 f = read_rflags();
    irq_disable();
    return f;
}

static inline void irq_restore(u64 flags)
{
    if (flags & RFLAGS_IF) {
        irq_enable();
    }
}

static inline void cpu_relax(void)
{
    __asm__ __volatile__("pause" ::: "memory");
}

static inline void invlpg(u64 va)
{
    __asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
}

/* Features found by cpu_init (arch/x86_64/cpu.c). */
struct cpu_features {
    bool nx, smep, smap, umip, pge, pdpe1gb, rdrand, rdseed, invariant_tsc, x2apic, tsc_deadline;
    char vendor[13];
    char hypervisor[13]; /* CPUID 0x40000000 signature ("KVMKVMKVM", "TCGTCGTCGTCG"), or "" */
    char brand[49];
};
extern struct cpu_features cpu_features;

void cpu_init(void);

#endif
