// SPDX-License-Identifier: MIT
/* Device listings that drivers generate: /proc/bus/pci/devices,
 * /proc/net/dev, /proc/interrupts, /proc/partitions, /proc/diskstats.
 * Each driver writes its text into the procfs snapshot (a struct seq_buf). */
#include "procfs_internal.h"

#include <arch/x86_64/trap.h>
#include <drivers/block.h>
#include <drivers/pci.h>
#include <fs/pseudo.h>
#include <net/netdev.h>

static void show_from(struct seq_buf *sb, pseudo_show_fn fn)
{
    if (fn(sb, NULL) < 0) {
        sb->overflow = true;
    }
}

static void show_pci_devices(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    show_from(sb, pci_proc_devices);
}

static void show_net_dev(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    show_from(sb, netdev_proc_dev);
}

void proc_show_interrupts(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    show_from(sb, irq_proc_interrupts);
}

void proc_show_partitions(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    show_from(sb, block_proc_partitions);
}

void proc_show_diskstats(struct seq_buf *sb, struct process *p, const struct proc_inode *pi)
{
    show_from(sb, block_proc_diskstats);
}

static const struct proc_entry bus_pci_entries[] = {
    {.name = "devices", .mode = S_IFREG | 0444, .show = show_pci_devices},
};
static const struct proc_table bus_pci_table = {bus_pci_entries, ARRAY_SIZE(bus_pci_entries),
                                                PT_BUS_PCI};

static const struct proc_entry bus_entries[] = {
    {.name = "pci", .mode = S_IFDIR | 0555, .kind = PK_DIR, .table = &bus_pci_table},
};
const struct proc_table proc_bus_table = {bus_entries, ARRAY_SIZE(bus_entries), PT_BUS};

static const struct proc_entry net_entries[] = {
    {.name = "dev", .mode = S_IFREG | 0444, .show = show_net_dev},
};
const struct proc_table proc_net_table = {net_entries, ARRAY_SIZE(net_entries), PT_NET};
