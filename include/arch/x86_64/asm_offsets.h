/* SPDX-License-Identifier: MIT */
/* Offsets into C structures that the entry assembly uses. Each value is
 * checked against its structure with _Static_assert where the structure
 * is defined (struct trap_frame in include/arch/x86_64/trap.h, struct
 * percpu in kernel/sched/sched_internal.h), so moving a field breaks the
 * build instead of the entry code. Usable from .S and C. */
#ifndef ARCH_X86_64_ASM_OFFSETS_H
#define ARCH_X86_64_ASM_OFFSETS_H

/* struct trap_frame */
#define FRAME_R11 48
#define FRAME_RCX 88
#define FRAME_VECTOR 120
#define FRAME_RIP 136
#define FRAME_CS 144
#define FRAME_RFLAGS 152
#define FRAME_RSP 160
/* On interrupt entry, before the registers are pushed, rsp points at the
 * vector: cs lies this far above it. */
#define FRAME_CS_FROM_TOP (FRAME_CS - FRAME_VECTOR)

/* struct percpu */
#define PERCPU_KERNEL_RSP 16
#define PERCPU_USER_RSP 24

#endif
