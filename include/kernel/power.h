/* SPDX-License-Identifier: MIT */
/* Power off, reboot and the QEMU test exit (arch/x86_64/power.c). */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

#include <kernel/compiler.h>
#include <kernel/types.h>

/* isa-debug-exit: QEMU exits with status (code << 1) | 1. */
#define QEMU_EXIT_SUCCESS 0x10 /* status 33 */
#define QEMU_EXIT_FAILURE 0x11 /* status 35 */

void qemu_exit(u8 code);
__noreturn void machine_poweroff(void);
__noreturn void machine_reboot(void);
__noreturn void machine_halt(void);

#endif
