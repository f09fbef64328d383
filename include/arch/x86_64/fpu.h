/* SPDX-License-Identifier: MIT */
/* FPU/SSE state of user threads (arch/x86_64/fpu.c). The kernel itself is
 * built without SSE, so the state only changes hands at context switches. */
#ifndef ARCH_X86_64_FPU_H
#define ARCH_X86_64_FPU_H

#include <kernel/types.h>

#define FPU_STATE_SIZE 512

struct fpu_state {
    u8 fxsave[FPU_STATE_SIZE];
} __attribute__((aligned(16)));

void fpu_init(void);
/* A clean state (as after execve): default control words, all registers zero. */
void fpu_state_init(struct fpu_state *st);
void fpu_save(struct fpu_state *st);
void fpu_restore(const struct fpu_state *st);

#endif
