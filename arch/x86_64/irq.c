/* Interrupt lines and vectors: placeholder for /proc/interrupts. */
#include <arch/x86_64/trap.h>
#include <fs/pseudo.h>

int irq_proc_interrupts(struct seq_buf *s, void *arg)
{
    (void)arg;
    return seq_buf_printf(s, "           CPU0\n");
}
