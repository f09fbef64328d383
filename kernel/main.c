/* kmain: brings the machine up in order, then hands over to threads. */
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/memlayout.h>
#include <arch/x86_64/multiboot2.h>
#include <drivers/serial.h>
#include <kernel/cmdline.h>
#include <kernel/kernel.h>
#include <kernel/log.h>
#include <kernel/power.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/time.h>

struct boot_info boot_info;
struct boot_options boot_options;
static char cmdline_copy[BOOT_CMDLINE_MAX];

void kmain(u32 magic, u32 info_phys)
{
    boot_tsc = rdtsc();
    serial_early_init();
    printk(LOG_INFO, "Kiln starting\n");
    if (magic != MB2_BOOTLOADER_MAGIC) {
        panic("not booted by a Multiboot2 loader (magic %#x)", magic);
    }
    const char *err = NULL;
    if (mb2_parse(phys_to_virt(info_phys), 1 << 20, &boot_info, &err) < 0) {
        panic("bad Multiboot2 boot information: %s", err);
    }
    strlcpy(cmdline_copy, boot_info.cmdline, sizeof(cmdline_copy));
    cmdline_parse(cmdline_copy, &boot_options);
    log_set_console_level(boot_options.log_level);
    printk(LOG_INFO, "cmdline: %s\n", boot_info.cmdline);
    for (u32 i = 0; i < boot_info.nregions; i++) {
        printk(LOG_INFO, "mem %016llx-%016llx type %u\n", (unsigned long long)boot_info.regions[i].base,
               (unsigned long long)(boot_info.regions[i].base + boot_info.regions[i].length - 1),
               boot_info.regions[i].type);
    }
    printk(LOG_INFO, "kiln: ready\n");
    qemu_exit(QEMU_EXIT_SUCCESS);
    for (;;) {
        __asm__ __volatile__("hlt");
    }
}
