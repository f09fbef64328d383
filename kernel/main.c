// SPDX-License-Identifier: MIT
/* kmain: brings the machine up in order, then hands over to threads. */
#include <abi/fcntl.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/fpu.h>
#include <arch/x86_64/memlayout.h>
#include <arch/x86_64/multiboot2.h>
#include <arch/x86_64/paging.h>
#include <arch/x86_64/platform.h>
#include <arch/x86_64/trap.h>
#include <drivers/pci.h>
#include <drivers/serial.h>
#include <drivers/virtio_dev.h>
#include <fs/initramfs.h>
#include <fs/procfs.h>
#include <fs/sysfs.h>
#include <fs/vfs.h>
#include <kernel/cmdline.h>
#include <kernel/crash.h>
#include <kernel/kernel.h>
#include <kernel/kmalloc.h>
#include <kernel/log.h>
#include <kernel/mm.h>
#include <kernel/page_alloc.h>
#include <kernel/power.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/selftest.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>

#define KILN_VERSION "0.1.0"
#define MB2_INFO_MAX (1u << 20)

struct boot_info boot_info;
struct boot_options boot_options;
static char cmdline_copy[BOOT_CMDLINE_MAX];

static void parse_boot_info(u32 magic, u32 info_phys, u64 *info_size)
{
    if (magic != MB2_BOOTLOADER_MAGIC) {
        panic("not booted by a Multiboot2 loader (magic %#x)", magic);
    }
    const u32 *info = phys_to_virt(info_phys);
    const char *err = NULL;
    if (mb2_parse(info, MB2_INFO_MAX, &boot_info, &err) < 0) {
        panic("bad Multiboot2 boot information: %s", err);
    }
    *info_size = info[0];
    strlcpy(cmdline_copy, boot_info.cmdline, sizeof(cmdline_copy));
    cmdline_parse(cmdline_copy, &boot_options);
    log_set_console_level(boot_options.log_level);
    printk(LOG_INFO, "Kiln %s, booted by %s\n", KILN_VERSION,
           boot_info.loader_name ? boot_info.loader_name : "an unnamed loader");
    printk(LOG_INFO, "command line: %s\n", boot_info.cmdline);
}

static void run_selftests_and_exit(void)
{
    int passed = 0;
    int failed = selftest_run_all(boot_options.selftest, &passed);
    printk(LOG_NOTICE, "SELFTEST DONE passed=%d failed=%d\n", passed, failed);
    qemu_exit(failed ? QEMU_EXIT_FAILURE : QEMU_EXIT_SUCCESS);
    machine_poweroff();
}

/* Root file system from the initramfs, the usual mounts, then pid 1. */
static void start_user_space(void)
{
    int r = vfs_init_root();
    if (r < 0) {
        panic("cannot create the root file system (%d)", r);
    }
    procfs_init();
    sysfs_init();
    if (boot_info.nmodules == 0) {
        panic("no initramfs: the boot loader passed no module (add a module2 line)");
    }
    const char *err = NULL;
    r = initramfs_unpack(&boot_info, &err);
    if (r < 0) {
        panic("initramfs: %s", err ? err : "cannot unpack");
    }
    static const struct {
        const char *source, *target, *type;
    } mounts[] = {
        {"devtmpfs", "/dev", "devtmpfs"}, {"devpts", "/dev/pts", "devpts"},
        {"proc", "/proc", "proc"},        {"sysfs", "/sys", "sysfs"},
        {"tmpfs", "/tmp", "tmpfs"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(mounts); i++) {
        vfs_mkdirat(AT_FDCWD, mounts[i].target, 0755);
        r = vfs_mount_kernel(mounts[i].source, mounts[i].target, mounts[i].type);
        if (r < 0) {
            pr_warn("mount %s on %s: error %d\n", mounts[i].type, mounts[i].target, r);
        }
    }
    r = process_start_init(boot_options.init);
    if (r < 0) {
        panic("cannot start init (%d)", r);
    }
}

static void shutdown_on_request(const char *how)
{
    if (strcmp(how, "poweroff") == 0) {
        machine_poweroff();
    } else if (strcmp(how, "reboot") == 0) {
        machine_reboot();
    }
    pr_warn("shutdown: unknown request '%s' (poweroff or reboot)\n", how);
}

void kmain(u32 magic, u32 info_phys)
{
    boot_tsc = rdtsc();
    serial_early_init();
    u64 info_size = 0;
    parse_boot_info(magic, info_phys, &info_size);

    cpu_init();
    fpu_init();
    gdt_init();
    idt_init();
    syscall_init();
    mm_init(&boot_info, info_phys, info_size, boot_options.mem_limit);
    paging_init();
    mm_init_late();
    platform_init();
    time_init(acpi_info.century);
    sched_init();
    time_start_tick();
    irq_enable();
    serial_enable_irq();
    pci_init();
    virtio_pci_init();

    struct page_stats ps;
    page_alloc_stats(&ps);
    u64 boot_ns = clock_monotonic_ns();
    printk(LOG_NOTICE, "kiln: ready in %llu.%06llu s, %llu KiB free of %llu KiB\n",
           (unsigned long long)(boot_ns / 1000000000ull),
           (unsigned long long)(boot_ns % 1000000000ull / 1000),
           (unsigned long long)(ps.free_pages * 4), (unsigned long long)(ps.total_pages * 4));

    if (boot_options.crash) {
        crash_on_purpose(boot_options.crash);
    }
    if (boot_options.test && !boot_options.shutdown) {
        run_selftests_and_exit();
    }
    if (boot_options.shutdown) {
        shutdown_on_request(boot_options.shutdown);
    }
    start_user_space();
    /* The boot thread has nothing left to do. */
    for (;;) {
        sleep_ns(3600 * NSEC_PER_SEC);
    }
}
