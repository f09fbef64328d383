#include <arch/x86_64/cpu.h>
#include <arch/x86_64/io.h>
#include <kernel/power.h>

#define QEMU_DEBUG_EXIT_PORT 0xf4

void qemu_exit(u8 code)
{
    outb(QEMU_DEBUG_EXIT_PORT, code);
}

__noreturn void machine_halt(void)
{
    for (;;) {
        irq_disable();
        __asm__ __volatile__("hlt");
    }
}
