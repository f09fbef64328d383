/* SPDX-License-Identifier: MIT */
/* The kernel's own symbol table, embedded at link time by a second link
 * (tools/gen-ksyms.sh), for backtraces (kernel/log/ksyms.c). */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

#include <kernel/types.h>

/* Name of the function containing addr and the offset into it, or NULL. */
const char *ksym_lookup(u64 addr, u64 *offset);
/* Address of a symbol by name, 0 if unknown (slow: a linear scan). */
u64 ksym_address(const char *name);

#endif
