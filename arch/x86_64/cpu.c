// SPDX-License-Identifier: MIT
/* CPU feature detection and protection features: NX, SMEP, SMAP, UMIP, WP
 * and global pages are switched on whenever the CPU has them. */
#include <arch/x86_64/cpu.h>
#include <kernel/printk.h>
#include <kernel/string.h>

struct cpu_features cpu_features;
extern bool uaccess_smap;

void cpu_init(void)
{
    u32 a, b, c, d;
    cpuid(0, 0, &a, &b, &c, &d);
    u32 max_leaf = a;
    memcpy(cpu_features.vendor, &b, 4);
    memcpy(cpu_features.vendor + 4, &d, 4);
    memcpy(cpu_features.vendor + 8, &c, 4);
    cpu_features.vendor[12] = 0;

    cpuid(1, 0, &a, &b, &c, &d);
    cpu_features.pge = d & (1u << 13);
    cpu_features.x2apic = c & (1u << 21);
    cpu_features.tsc_deadline = c & (1u << 24);
    cpu_features.rdrand = c & (1u << 30);
    if (c & (1u << 31)) {
        /* The hypervisor range: its signature names who emulates us. */
        cpuid(0x40000000, 0, &a, &b, &c, &d);
        memcpy(cpu_features.hypervisor, &b, 4);
        memcpy(cpu_features.hypervisor + 4, &c, 4);
        memcpy(cpu_features.hypervisor + 8, &d, 4);
        cpu_features.hypervisor[12] = 0;
    }
    if (max_leaf >= 7) {
        cpuid(7, 0, &a, &b, &c, &d);
        cpu_features.smep = b & (1u << 7);
        cpu_features.smap = b & (1u << 20);
        cpu_features.rdseed = b & (1u << 18);
        cpu_features.umip = c & (1u << 2);
    }
    cpuid(0x80000000, 0, &a, &b, &c, &d);
    u32 max_ext = a;
    if (max_ext >= 0x80000001) {
        cpuid(0x80000001, 0, &a, &b, &c, &d);
        cpu_features.nx = d & (1u << 20);
        cpu_features.pdpe1gb = d & (1u << 26);
    }
    if (max_ext >= 0x80000004) {
        u32 *brand = (u32 *)cpu_features.brand;
        for (u32 i = 0; i < 3; i++) {
            cpuid(0x80000002 + i, 0, &brand[i * 4], &brand[i * 4 + 1], &brand[i * 4 + 2],
                  &brand[i * 4 + 3]);
        }
        cpu_features.brand[48] = 0;
    }
    if (max_ext >= 0x80000007) {
        cpuid(0x80000007, 0, &a, &b, &c, &d);
        cpu_features.invariant_tsc = d & (1u << 8);
    }

    u64 cr4 = read_cr4();
    if (cpu_features.pge) {
        cr4 |= 1ul << 7;
    }
    if (cpu_features.smep) {
        cr4 |= CR4_SMEP;
    }
    if (cpu_features.smap) {
        cr4 |= CR4_SMAP;
        uaccess_smap = true;
    }
    if (cpu_features.umip) {
        cr4 |= CR4_UMIP;
    }
    write_cr4(cr4);
    if (cpu_features.nx) {
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
    }
    __asm__ __volatile__("mov %%cr0, %%rax; or %0, %%rax; mov %%rax, %%cr0"
                         :
                         : "i"(CR0_WP)
                         : "rax");

    const char *brand = cpu_features.brand;
    while (*brand == ' ') {
        brand++;
    }
    printk(LOG_INFO, "cpu: %s %s; nx=%d smep=%d smap=%d umip=%d pge=%d rdrand=%d%s%s\n",
           cpu_features.vendor, brand, cpu_features.nx, cpu_features.smep, cpu_features.smap,
           cpu_features.umip, cpu_features.pge, cpu_features.rdrand,
           cpu_features.hypervisor[0] ? "; hypervisor " : "", cpu_features.hypervisor);
}
