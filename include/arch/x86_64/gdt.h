/* SPDX-License-Identifier: MIT */
/* Segment selectors, laid out as Linux does so that user programs see the
 * same values (and sysret's fixed offsets work). */
#ifndef ARCH_X86_64_GDT_H
#define ARCH_X86_64_GDT_H

#define KERNEL_CS 0x10
#define KERNEL_DS 0x18
#define USER32_CS 0x23
#define USER_DS 0x2b
#define USER_CS 0x33
#define TSS_SEL 0x40

#endif
