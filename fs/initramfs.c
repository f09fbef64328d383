/* For now only validates the initramfs modules; the next issue unpacks
 * them into the root tmpfs. */
#include <arch/x86_64/memlayout.h>
#include <fs/cpio.h>
#include <fs/initramfs.h>
#include <kernel/printk.h>

static int check_module(u32 index, const struct boot_module *m)
{
    struct cpio_iter it;
    struct cpio_entry e;
    const char *err = NULL;
    u64 size = m->end - m->start;
    u32 files = 0;
    u64 bytes = 0;
    int r;

    cpio_iter_init(&it, phys_to_virt(m->start), size);
    while ((r = cpio_next(&it, &e, &err)) > 0) {
        files++;
        bytes += e.size;
    }
    if (r < 0) {
        pr_warn("initramfs: module %u '%s': %s at offset %llu (entry at offset %llu)\n", index,
                m->string, err, (unsigned long long)it.error_offset, (unsigned long long)it.pos);
        return 1;
    }
    if (it.archives == 0) {
        pr_warn("initramfs: module %u '%s': empty (%llu bytes, no archive)\n", index, m->string,
                (unsigned long long)size);
        return 1;
    }
    printk(LOG_INFO, "initramfs: module %u '%s': %u archive(s), %u entries, %llu bytes of data\n",
           index, m->string, it.archives, files, (unsigned long long)bytes);
    return 0;
}

int initramfs_check(const struct boot_info *bi)
{
    if (bi->nmodules == 0) {
        pr_warn("initramfs: no module was loaded; user space will not start\n");
        return 1;
    }
    if (bi->modules_truncated) {
        pr_warn("initramfs: more than %d modules; the rest are ignored\n", BOOT_MAX_MODULES);
    }
    int bad = 0;
    for (u32 i = 0; i < bi->nmodules; i++) {
        bad += check_module(i, &bi->modules[i]);
    }
    return bad;
}
