/* SPDX-License-Identifier: MIT */
/* Port I/O and memory-mapped register access. */
#ifndef ARCH_X86_64_IO_H
#define ARCH_X86_64_IO_H

#include <kernel/types.h>

static inline void outb(u16 port, u8 v)
{
    __asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
    u8 v;
    __asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outw(u16 port, u16 v)
{
    __asm__ __volatile__("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline u16 inw(u16 port)
{
    u16 v;
    __asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outl(u16 port, u32 v)
{
    __asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline u32 inl(u16 port)
{
    u32 v;
    __asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline u32 mmio_read32(volatile void *addr)
{
    return *(volatile u32 *)addr;
}

static inline void mmio_write32(volatile void *addr, u32 v)
{
    *(volatile u32 *)addr = v;
}

#endif
