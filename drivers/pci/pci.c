// SPDX-License-Identifier: MIT
/* The PCI device list: boot-time enumeration, lookup, claiming, enabling
 * and mapping BARs, and /proc/bus/pci/devices. */
#include <abi/errno.h>
#include <arch/x86_64/paging.h>
#include <drivers/pci.h>
#include <fs/pseudo.h>
#include <kernel/cmdline.h>
#include <kernel/kernel.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>

#include "pci_internal.h"

static struct list_head pci_devices = LIST_HEAD_INIT(pci_devices);
static spinlock_t claim_lock = SPINLOCK_INIT("pci-claim");

void pci_init(void)
{
    if (boot_options.pci_mode == BOOT_PCI_OFF) {
        printk(LOG_INFO, "pci: disabled by pci=off\n");
        return;
    }
    u16 segment;
    const struct pci_config_ops *ops = pci_config_select(&segment);
    int n = pci_enumerate(ops, segment, &pci_devices);
    if (n < 0) {
        pr_warn("pci: enumeration stopped: error %d (keeping what was found)\n", n);
    }
    struct list_head *pos;
    int count = 0;
    list_for_each(pos, &pci_devices)
    {
        char line[256];
        pci_describe(list_entry(pos, struct pci_dev, link), line, sizeof(line));
        printk(LOG_INFO, "%s\n", line);
        count++;
    }
    printk(LOG_INFO, "pci: %d functions\n", count);
}

struct pci_dev *pci_next(struct pci_dev *prev)
{
    struct list_head *next = prev ? prev->link.next : pci_devices.next;
    return next == &pci_devices ? NULL : list_entry(next, struct pci_dev, link);
}

int pci_claim(struct pci_dev *d, const char *driver)
{
    int r = 0;
    u64 flags = spin_lock_irqsave(&claim_lock);
    if (d->driver) {
        r = -EBUSY;
    } else {
        d->driver = driver;
    }
    spin_unlock_irqrestore(&claim_lock, flags);
    if (r == 0) {
        printk(LOG_INFO, "pci %04x:%02x:%02x.%u: claimed by %s\n", d->segment, d->bus, d->dev,
               d->fn, driver);
    }
    return r;
}

void pci_enable_device(struct pci_dev *d)
{
    u16 cmd = pci_read16(d, PCI_COMMAND);
    pci_write16(d, PCI_COMMAND, cmd | PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

void *pci_map_bar(struct pci_dev *d, unsigned bar)
{
    if (bar >= PCI_MAX_BARS) {
        return NULL;
    }
    const struct pci_bar *b = &d->bars[bar];
    if ((b->type != PCI_BAR_MEM32 && b->type != PCI_BAR_MEM64) || b->addr == 0 || b->size == 0) {
        return NULL;
    }
    if (!d->bar_virt[bar]) {
        d->bar_virt[bar] = vm_map_mmio(b->addr, b->size);
        if (!d->bar_virt[bar]) {
            pr_warn("pci %04x:%02x:%02x.%u: cannot map BAR%u at %#llx\n", d->segment, d->bus,
                    d->dev, d->fn, bar, (unsigned long long)b->addr);
        }
    }
    return d->bar_virt[bar];
}

int pci_proc_devices(struct seq_buf *s, void *arg)
{
    (void)arg;
    return pci_proc_format(s, &pci_devices);
}
