// SPDX-License-Identifier: MIT
/* Legacy virtio-pci (virtio 0.9.5 layout, transitional devices): every
 * register in I/O BAR0, little-endian (guest order on x86). The device
 * configuration follows the common registers at 0x14, or at 0x18 while
 * MSI-X is enabled (the two vector registers are in between then). A queue
 * is handed over as one page number; its size is the device's. */
#include "virtio_pci_internal.h"

#include <abi/errno.h>
#include <arch/x86_64/io.h>
#include <kernel/printk.h>

#define LEG_HOST_FEATURES 0x00
#define LEG_GUEST_FEATURES 0x04
#define LEG_QUEUE_PFN 0x08
#define LEG_QUEUE_NUM 0x0c
#define LEG_QUEUE_SEL 0x0e
#define LEG_QUEUE_NOTIFY 0x10
#define LEG_STATUS 0x12
#define LEG_ISR 0x13
#define LEG_MSIX_CONFIG 0x14
#define LEG_MSIX_QUEUE 0x16
#define LEG_CONFIG 0x14
#define LEG_CONFIG_MSIX 0x18

#define LEG_PFN_SHIFT 12

static u16 cfg_port(struct virtio_pci *vp, u32 off, u32 size)
{
    u32 base = vp->msix ? LEG_CONFIG_MSIX : LEG_CONFIG;

    if ((u64)base + off + size > vp->io_size) {
        return 0;
    }
    return (u16)(vp->io + base + off);
}

static u8 leg_get_status(struct virtio_device *vd)
{
    return inb(to_virtio_pci(vd)->io + LEG_STATUS);
}

static void leg_set_status(struct virtio_device *vd, u8 status)
{
    outb(to_virtio_pci(vd)->io + LEG_STATUS, status);
}

static void leg_reset(struct virtio_device *vd)
{
    struct virtio_pci *vp = to_virtio_pci(vd);

    outb(vp->io + LEG_STATUS, 0);
    /* The read flushes the reset; the device is reset once it reads 0. */
    for (unsigned i = 0; i < 100000; i++) {
        if (inb(vp->io + LEG_STATUS) == 0) {
            return;
        }
    }
    pr_warn("virtio: %s: reset did not complete\n", vd->name);
}

static u64 leg_get_features(struct virtio_device *vd)
{
    return inl(to_virtio_pci(vd)->io + LEG_HOST_FEATURES);
}

static void leg_set_features(struct virtio_device *vd, u64 features)
{
    outl(to_virtio_pci(vd)->io + LEG_GUEST_FEATURES, (u32)features);
}

static u8 leg_config_read8(struct virtio_device *vd, u32 off)
{
    u16 port = cfg_port(to_virtio_pci(vd), off, 1);
    return port ? inb(port) : 0xff;
}

static u16 leg_config_read16(struct virtio_device *vd, u32 off)
{
    u16 port = cfg_port(to_virtio_pci(vd), off, 2);
    return port ? inw(port) : 0xffff;
}

static u32 leg_config_read32(struct virtio_device *vd, u32 off)
{
    u16 port = cfg_port(to_virtio_pci(vd), off, 4);
    return port ? inl(port) : 0xffffffff;
}

static void leg_config_write8(struct virtio_device *vd, u32 off, u8 val)
{
    u16 port = cfg_port(to_virtio_pci(vd), off, 1);
    if (port) {
        outb(port, val);
    }
}

static u16 leg_queue_max_size(struct virtio_device *vd, unsigned index)
{
    struct virtio_pci *vp = to_virtio_pci(vd);

    outw(vp->io + LEG_QUEUE_SEL, (u16)index);
    return inw(vp->io + LEG_QUEUE_NUM);
}

static int leg_queue_activate(struct virtio_device *vd, struct virtio_queue *q)
{
    struct virtio_pci *vp = to_virtio_pci(vd);
    u64 pfn = q->vq.desc_phys >> LEG_PFN_SHIFT;

    if (pfn > 0xffffffffu) {
        pr_warn("virtio: %s: queue %u ring above the legacy 44-bit limit\n", vd->name, q->index);
        return -EIO;
    }
    outw(vp->io + LEG_QUEUE_SEL, (u16)q->index);
    if (inw(vp->io + LEG_QUEUE_NUM) != q->vq.num || inl(vp->io + LEG_QUEUE_PFN) != 0) {
        return -EIO; /* a size we did not set up for, or already in use */
    }
    if (vp->msix) {
        outw(vp->io + LEG_MSIX_QUEUE, VIRTIO_PCI_MSIX_QUEUE_VECTOR);
        if (inw(vp->io + LEG_MSIX_QUEUE) == VIRTIO_MSI_NO_VECTOR) {
            virtio_pci_fallback_intx(vp);
        } else {
            q->msix_vector = VIRTIO_PCI_MSIX_QUEUE_VECTOR;
        }
    }
    outl(vp->io + LEG_QUEUE_PFN, (u32)pfn);
    if (inl(vp->io + LEG_QUEUE_PFN) != (u32)pfn) {
        return -EIO;
    }
    return 0;
}

static void leg_notify(struct virtio_device *vd, struct virtio_queue *q)
{
    outw(to_virtio_pci(vd)->io + LEG_QUEUE_NOTIFY, (u16)q->index);
}

static u8 leg_read_isr(struct virtio_pci *vp)
{
    return inb(vp->io + LEG_ISR);
}

static bool leg_set_config_vector(struct virtio_pci *vp, u16 vector)
{
    outw(vp->io + LEG_MSIX_CONFIG, vector);
    return inw(vp->io + LEG_MSIX_CONFIG) == vector;
}

static const struct virtio_transport_ops legacy_ops = {
    .get_status = leg_get_status,
    .set_status = leg_set_status,
    .reset = leg_reset,
    .get_features = leg_get_features,
    .set_features = leg_set_features,
    .config_read8 = leg_config_read8,
    .config_read16 = leg_config_read16,
    .config_read32 = leg_config_read32,
    .config_write8 = leg_config_write8,
    .queue_max_size = leg_queue_max_size,
    .queue_activate = leg_queue_activate,
    .notify = leg_notify,
    .modern = false,
    .ring_align = VIRTQ_LEGACY_ALIGN,
    .name = "legacy",
};

int virtio_pci_legacy_setup(struct virtio_pci *vp)
{
    const struct pci_bar *b = &vp->pdev->bars[0];

    if (b->type != PCI_BAR_IO || b->addr == 0 || b->addr + b->size > 0x10000 ||
        b->size < LEG_CONFIG) {
        virtio_fail(&vp->vd, "no legacy interface");
        return -ENODEV;
    }
    vp->io = (u16)b->addr;
    vp->io_size = (u32)b->size;
    vp->read_isr = leg_read_isr;
    vp->set_config_vector = leg_set_config_vector;
    vp->vd.ops = &legacy_ops;
    return 0;
}
