// SPDX-License-Identifier: MIT
/* sysfs: the devices found at boot, in the Linux layout (see
 * include/fs/sysfs.h). */
#include <abi/errno.h>
#include <drivers/block.h>
#include <drivers/pci.h>
#include <fs/pseudo.h>
#include <fs/sysfs.h>
#include <kernel/format.h>
#include <net/netdev.h>

/* ---- PCI ---- */

static void pci_slot_name(const struct pci_dev *d, char *buf, size_t len)
{
    ksnprintf(buf, len, "%04x:%02x:%02x.%x", d->segment, d->bus, d->dev, d->fn);
}

static u32 pci_class24(const struct pci_dev *d)
{
    return ((u32)d->class_code << 16) | ((u32)d->subclass << 8) | d->prog_if;
}

static int show_pci_uevent(struct seq_buf *s, void *arg)
{
    const struct pci_dev *d = arg;
    char slot[16];
    pci_slot_name(d, slot, sizeof(slot));
    if (d->driver) {
        seq_buf_printf(s, "DRIVER=%s\n", d->driver);
    }
    return seq_buf_printf(
        s,
        "PCI_CLASS=%X\nPCI_ID=%04X:%04X\nPCI_SUBSYS_ID=%04X:%04X\n"
        "PCI_SLOT_NAME=%s\nMODALIAS=pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X\n",
        pci_class24(d), d->vendor, d->device, d->subsys_vendor, d->subsys_device, slot, d->vendor,
        d->device, d->subsys_vendor, d->subsys_device, d->class_code, d->subclass, d->prog_if);
}

static int show_pci_vendor(struct seq_buf *s, void *arg)
{
    return seq_buf_printf(s, "0x%04x\n", ((const struct pci_dev *)arg)->vendor);
}

static int show_pci_device(struct seq_buf *s, void *arg)
{
    return seq_buf_printf(s, "0x%04x\n", ((const struct pci_dev *)arg)->device);
}

static int show_pci_class(struct seq_buf *s, void *arg)
{
    return seq_buf_printf(s, "0x%06x\n", pci_class24(arg));
}

static int show_pci_subsys_vendor(struct seq_buf *s, void *arg)
{
    return seq_buf_printf(s, "0x%04x\n", ((const struct pci_dev *)arg)->subsys_vendor);
}

static int show_pci_subsys_device(struct seq_buf *s, void *arg)
{
    return seq_buf_printf(s, "0x%04x\n", ((const struct pci_dev *)arg)->subsys_device);
}

static int show_pci_irq(struct seq_buf *s, void *arg)
{
    const struct pci_dev *d = arg;
    return seq_buf_printf(s, "%u\n", d->irq_mode && d->intx_gsi ? d->intx_gsi : d->irq_line);
}

struct sysfs_attr {
    const char *name;
    pseudo_show_fn show;
};

static const struct sysfs_attr pci_attrs[] = {
    {"uevent", show_pci_uevent},
    {"vendor", show_pci_vendor},
    {"device", show_pci_device},
    {"class", show_pci_class},
    {"subsystem_vendor", show_pci_subsys_vendor},
    {"subsystem_device", show_pci_subsys_device},
    {"irq", show_pci_irq},
};

static int add_attrs(struct dentry *dir, const struct sysfs_attr *attrs, size_t n, void *arg)
{
    for (size_t i = 0; i < n; i++) {
        int r = pseudo_add_file(dir, attrs[i].name, 0444, attrs[i].show, NULL, arg);
        if (r < 0) {
            return r;
        }
    }
    return 0;
}

static int build_pci(struct dentry *devices, struct dentry *bus)
{
    struct dentry *host = pseudo_mkdir(devices, "pci0000:00", 0755);
    struct dentry *pci = pseudo_mkdir(bus, "pci", 0755);
    struct dentry *links = pci ? pseudo_mkdir(pci, "devices", 0755) : NULL;
    if (!host || !links) {
        return -ENOMEM;
    }
    for (struct pci_dev *d = pci_next(NULL); d; d = pci_next(d)) {
        char slot[16], target[64];
        pci_slot_name(d, slot, sizeof(slot));
        struct dentry *dir = pseudo_mkdir(host, slot, 0755);
        if (!dir) {
            return -ENOMEM;
        }
        int r = add_attrs(dir, pci_attrs, ARRAY_SIZE(pci_attrs), d);
        if (r < 0) {
            return r;
        }
        ksnprintf(target, sizeof(target), "../../../devices/pci0000:00/%s", slot);
        r = pseudo_add_symlink(links, slot, target);
        if (r < 0) {
            return r;
        }
    }
    return 0;
}

/* ---- network interfaces ---- */

static int show_net_address(struct seq_buf *s, void *arg)
{
    const u8 *m = ((struct net_device *)arg)->mac;
    return seq_buf_printf(s, "%02x:%02x:%02x:%02x:%02x:%02x\n", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static int show_net_mtu(struct seq_buf *s, void *arg)
{
    return seq_buf_printf(s, "%u\n", ((struct net_device *)arg)->mtu);
}

static int show_net_operstate(struct seq_buf *s, void *arg)
{
    return seq_buf_puts(s, ((struct net_device *)arg)->link_up ? "up\n" : "down\n");
}

static int show_net_carrier(struct seq_buf *s, void *arg)
{
    return seq_buf_puts(s, ((struct net_device *)arg)->link_up ? "1\n" : "0\n");
}

static int show_net_ifindex(struct seq_buf *s, void *arg)
{
    return seq_buf_printf(s, "%u\n", ((struct net_device *)arg)->ifindex);
}

static int show_net_type(struct seq_buf *s, void *arg)
{
    (void)arg;
    return seq_buf_puts(s, "1\n"); /* ARPHRD_ETHER */
}

static const struct sysfs_attr net_attrs[] = {
    {"address", show_net_address}, {"mtu", show_net_mtu},         {"operstate", show_net_operstate},
    {"carrier", show_net_carrier}, {"ifindex", show_net_ifindex}, {"type", show_net_type},
};

#define NET_STAT(field)                                                                            \
    static int show_net_##field(struct seq_buf *s, void *arg)                                      \
    {                                                                                              \
        struct net_device_stats st;                                                                \
        netdev_get_stats(arg, &st);                                                                \
        return seq_buf_printf(s, "%llu\n", (unsigned long long)st.field);                          \
    }
NET_STAT(rx_packets)
NET_STAT(rx_bytes)
NET_STAT(rx_errors)
NET_STAT(rx_dropped)
NET_STAT(tx_packets)
NET_STAT(tx_bytes)
NET_STAT(tx_errors)
NET_STAT(tx_dropped)

static const struct sysfs_attr net_stat_attrs[] = {
    {"rx_packets", show_net_rx_packets}, {"rx_bytes", show_net_rx_bytes},
    {"rx_errors", show_net_rx_errors},   {"rx_dropped", show_net_rx_dropped},
    {"tx_packets", show_net_tx_packets}, {"tx_bytes", show_net_tx_bytes},
    {"tx_errors", show_net_tx_errors},   {"tx_dropped", show_net_tx_dropped},
};

static int build_net(struct dentry *class)
{
    struct dentry *net = pseudo_mkdir(class, "net", 0755);
    if (!net) {
        return -ENOMEM;
    }
    for (unsigned i = 0; i < netdev_count(); i++) {
        struct net_device *nd = netdev_get(i);
        struct dentry *dir = pseudo_mkdir(net, nd->name, 0755);
        struct dentry *stats = dir ? pseudo_mkdir(dir, "statistics", 0755) : NULL;
        if (!stats) {
            return -ENOMEM;
        }
        int r = add_attrs(dir, net_attrs, ARRAY_SIZE(net_attrs), nd);
        if (r == 0) {
            r = add_attrs(stats, net_stat_attrs, ARRAY_SIZE(net_stat_attrs), nd);
        }
        if (r < 0) {
            return r;
        }
    }
    return 0;
}

/* ---- disks ---- */

static int show_blk_dev(struct seq_buf *s, void *arg)
{
    const struct block_device *bd = arg;
    return seq_buf_printf(s, "%u:%u\n", bd->major, bd->minor);
}

static int show_blk_size(struct seq_buf *s, void *arg)
{
    return seq_buf_printf(s, "%llu\n", (unsigned long long)((struct block_device *)arg)->capacity);
}

static int show_blk_ro(struct seq_buf *s, void *arg)
{
    return seq_buf_puts(s, ((struct block_device *)arg)->read_only ? "1\n" : "0\n");
}

static int show_blk_removable(struct seq_buf *s, void *arg)
{
    (void)arg;
    return seq_buf_puts(s, "0\n");
}

static int show_blk_lbs(struct seq_buf *s, void *arg)
{
    return seq_buf_printf(s, "%u\n", ((struct block_device *)arg)->block_size);
}

static const struct sysfs_attr blk_attrs[] = {
    {"dev", show_blk_dev},
    {"size", show_blk_size},
    {"ro", show_blk_ro},
    {"removable", show_blk_removable},
};

static int build_block(struct dentry *root)
{
    struct dentry *block = pseudo_mkdir(root, "block", 0755);
    if (!block) {
        return -ENOMEM;
    }
    for (unsigned i = 0; i < block_count(); i++) {
        struct block_device *bd = block_get(i);
        struct dentry *dir = pseudo_mkdir(block, bd->name, 0755);
        struct dentry *queue = dir ? pseudo_mkdir(dir, "queue", 0755) : NULL;
        if (!queue) {
            return -ENOMEM;
        }
        int r = add_attrs(dir, blk_attrs, ARRAY_SIZE(blk_attrs), bd);
        if (r == 0) {
            r = pseudo_add_file(queue, "logical_block_size", 0444, show_blk_lbs, NULL, bd);
        }
        if (r < 0) {
            return r;
        }
    }
    return 0;
}

static int sysfs_fill_super(struct super_block *sb, const char *source, u32 flags, const void *data)
{
    (void)source;
    (void)flags;
    (void)data;
    int r = pseudo_fill_super(sb, SYSFS_MAGIC, 0555);
    if (r < 0) {
        return r;
    }
    struct dentry *root = sb->root;
    struct dentry *devices = pseudo_mkdir(root, "devices", 0755);
    struct dentry *bus = pseudo_mkdir(root, "bus", 0755);
    struct dentry *class = pseudo_mkdir(root, "class", 0755);
    if (!devices || !bus || !class) {
        return -ENOMEM;
    }
    r = build_pci(devices, bus);
    if (r == 0) {
        r = build_net(class);
    }
    if (r == 0) {
        r = build_block(root);
    }
    return r;
}

static struct fs_type sysfs_fs_type = {.name = "sysfs", .fill_super = sysfs_fill_super};

int sysfs_init(void)
{
    return vfs_register_fs_type(&sysfs_fs_type);
}
