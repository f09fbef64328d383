// SPDX-License-Identifier: MIT
/* Power off and reboot: ACPI first (S5 through PM1 control, the FADT reset
 * register), then the ways QEMU and PC hardware also understand. */
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/io.h>
#include <arch/x86_64/platform.h>
#include <kernel/power.h>
#include <kernel/printk.h>
#include <kernel/time.h>

#define QEMU_DEBUG_EXIT_PORT 0xf4
#define PM1_SLP_EN (1u << 13)
#define PM1_SCI_EN 1u
#define SLP_TYP_SHIFT 10

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

static void acpi_enable_mode(void)
{
    if (!acpi_info.pm1a_cnt_blk || (inw(acpi_info.pm1a_cnt_blk) & PM1_SCI_EN)) {
        return;
    }
    if (acpi_info.smi_cmd && acpi_info.acpi_enable) {
        outb(acpi_info.smi_cmd, acpi_info.acpi_enable);
        for (int i = 0; i < 300 && !(inw(acpi_info.pm1a_cnt_blk) & PM1_SCI_EN); i++) {
            udelay(1000);
        }
    }
}

__noreturn void machine_poweroff(void)
{
    printk(LOG_NOTICE, "power: off\n");
    irq_disable();
    if (acpi_info.has_s5 && acpi_info.pm1a_cnt_blk) {
        acpi_enable_mode();
        outw(acpi_info.pm1a_cnt_blk, (u16)((acpi_info.slp_typa << SLP_TYP_SHIFT) | PM1_SLP_EN));
        if (acpi_info.pm1b_cnt_blk) {
            outw(acpi_info.pm1b_cnt_blk, (u16)((acpi_info.slp_typb << SLP_TYP_SHIFT) | PM1_SLP_EN));
        }
        udelay(100000);
    }
    /* QEMU's PIIX4 and ICH9 power management blocks, then Bochs. */
    outw(0x604, 0x2000);
    outw(0xb004, 0x2000);
    printk(LOG_EMERG, "power: could not power off; halted\n");
    machine_halt();
}

__noreturn void machine_reboot(void)
{
    printk(LOG_NOTICE, "power: restarting\n");
    irq_disable();
    if (acpi_info.reset_supported && acpi_info.reset_space == ACPI_GAS_IO) {
        outb((u16)acpi_info.reset_addr, acpi_info.reset_value);
        udelay(100000);
    }
    outb(0xcf9, 0x02);
    udelay(10);
    outb(0xcf9, 0x06); /* PCI reset control: full reset */
    udelay(100000);
    for (int i = 0; i < 1000 && (inb(0x64) & 0x02); i++) {
        udelay(100);
    }
    outb(0x64, 0xfe); /* keyboard controller: pulse reset */
    udelay(100000);
    /* Last resort: a triple fault. */
    struct {
        u16 limit;
        u64 base;
    } __packed empty_idt = {0, 0};
    __asm__ __volatile__("lidt %0; int3" : : "m"(empty_idt));
    machine_halt();
}
