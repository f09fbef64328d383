/* For now only validates the initramfs modules; the next issue unpacks
 * them into the root tmpfs. */
#include <arch/x86_64/memlayout.h>
#include <fs/initramfs.h>
#include <kernel/printk.h>
#include <kernel/string.h>

int initramfs_check(const struct boot_info *bi)
{
    if (bi->nmodules == 0) {
        pr_warn("initramfs: no module was loaded; user space will not start\n");
        return 1;
    }
    int bad = 0;
    for (u32 i = 0; i < bi->nmodules; i++) {
        const struct boot_module *m = &bi->modules[i];
        const u8 *data = phys_to_virt(m->start);
        u64 size = m->end - m->start;
        printk(LOG_INFO, "initramfs: module %u '%s' at %#llx, %llu bytes\n", i, m->string,
               (unsigned long long)m->start, (unsigned long long)size);
        if (size < 6 || (memcmp(data, "070701", 6) != 0 && memcmp(data, "070702", 6) != 0)) {
            pr_warn("initramfs: module %u '%s': not a cpio newc archive (bad magic at offset 0)\n",
                    i, m->string);
            bad++;
        }
    }
    return bad;
}
