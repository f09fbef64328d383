// SPDX-License-Identifier: MIT
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/trap.h>
#include <kernel/format.h>
#include <kernel/kernel.h>
#include <kernel/log.h>
#include <kernel/power.h>
#include <kernel/printk.h>

static volatile bool panicking;

__noreturn void panic(const char *fmt, ...)
{
    irq_disable();
    if (panicking) {
        /* A panic inside the panic path: stop quietly. */
        machine_halt();
    }
    panicking = true;
    log_enter_panic_mode();

    char reason[256];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    printk(LOG_EMERG, "KERNEL PANIC: %s\n", reason);

    if (boot_options.test) {
        qemu_exit(QEMU_EXIT_FAILURE);
    }
    machine_halt();
}
