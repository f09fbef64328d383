/* SPDX-License-Identifier: MIT */
/* Kernel stacks (kernel/mm/kstack.c): KSTACK_SIZE bytes mapped in the
 * kernel-stack area, each with an unmapped guard below it, so an overflow
 * faults instead of silently overwriting memory. */
#ifndef KERNEL_KSTACK_H
#define KERNEL_KSTACK_H

#include <kernel/types.h>

/* Returns a slot number (>= 0) with the stack bounds set, or -ENOMEM. */
int kstack_alloc(u64 *bottom, u64 *top);
void kstack_free(int slot);

#endif
