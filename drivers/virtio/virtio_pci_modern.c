// SPDX-License-Identifier: MIT
/* Modern virtio-pci (virtio 1.x): the common configuration, notification
 * area, ISR byte and device configuration are memory regions the vendor
 * capabilities point at (virtio_pci_caps.c). Little-endian. The device
 * configuration is read under config_generation: a read that straddles a
 * device update is retried. */
#include "virtio_pci_internal.h"

#include <abi/errno.h>
#include <kernel/printk.h>

/* Common configuration layout. */
#define COM_DEVICE_FEATURE_SELECT 0x00
#define COM_DEVICE_FEATURE 0x04
#define COM_DRIVER_FEATURE_SELECT 0x08
#define COM_DRIVER_FEATURE 0x0c
#define COM_MSIX_CONFIG 0x10
#define COM_NUM_QUEUES 0x12
#define COM_DEVICE_STATUS 0x14
#define COM_CONFIG_GENERATION 0x15
#define COM_QUEUE_SELECT 0x16
#define COM_QUEUE_SIZE 0x18
#define COM_QUEUE_MSIX_VECTOR 0x1a
#define COM_QUEUE_ENABLE 0x1c
#define COM_QUEUE_NOTIFY_OFF 0x1e
#define COM_QUEUE_DESC 0x20
#define COM_QUEUE_DRIVER 0x28
#define COM_QUEUE_DEVICE 0x30

static u8 rd8(volatile u8 *base, u32 off)
{
    return *(volatile u8 *)(base + off);
}

static u16 rd16(volatile u8 *base, u32 off)
{
    return *(volatile u16 *)(base + off);
}

static u32 rd32(volatile u8 *base, u32 off)
{
    return *(volatile u32 *)(base + off);
}

static void wr8(volatile u8 *base, u32 off, u8 v)
{
    *(volatile u8 *)(base + off) = v;
}

static void wr16(volatile u8 *base, u32 off, u16 v)
{
    *(volatile u16 *)(base + off) = v;
}

static void wr32(volatile u8 *base, u32 off, u32 v)
{
    *(volatile u32 *)(base + off) = v;
}

/* 64-bit fields as two 32-bit writes, low half first. */
static void wr64(volatile u8 *base, u32 off, u64 v)
{
    wr32(base, off, (u32)v);
    wr32(base, off + 4, (u32)(v >> 32));
}

static u8 mod_get_status(struct virtio_device *vd)
{
    return rd8(to_virtio_pci(vd)->common, COM_DEVICE_STATUS);
}

static void mod_set_status(struct virtio_device *vd, u8 status)
{
    wr8(to_virtio_pci(vd)->common, COM_DEVICE_STATUS, status);
}

static void mod_reset(struct virtio_device *vd)
{
    volatile u8 *common = to_virtio_pci(vd)->common;

    wr8(common, COM_DEVICE_STATUS, 0);
    for (unsigned i = 0; i < 100000; i++) {
        if (rd8(common, COM_DEVICE_STATUS) == 0) {
            return;
        }
    }
    pr_warn("virtio: %s: reset did not complete\n", vd->name);
}

static u64 mod_get_features(struct virtio_device *vd)
{
    volatile u8 *common = to_virtio_pci(vd)->common;

    wr32(common, COM_DEVICE_FEATURE_SELECT, 0);
    u64 lo = rd32(common, COM_DEVICE_FEATURE);
    wr32(common, COM_DEVICE_FEATURE_SELECT, 1);
    u64 hi = rd32(common, COM_DEVICE_FEATURE);
    return lo | hi << 32;
}

static void mod_set_features(struct virtio_device *vd, u64 features)
{
    volatile u8 *common = to_virtio_pci(vd)->common;

    wr32(common, COM_DRIVER_FEATURE_SELECT, 0);
    wr32(common, COM_DRIVER_FEATURE, (u32)features);
    wr32(common, COM_DRIVER_FEATURE_SELECT, 1);
    wr32(common, COM_DRIVER_FEATURE, (u32)(features >> 32));
}

/* Reads size bytes of device configuration consistently; all ones when
 * outside the region. */
static u32 config_read(struct virtio_device *vd, u32 off, u32 size)
{
    struct virtio_pci *vp = to_virtio_pci(vd);
    u32 v = 0xffffffff;

    if (!vp->device || (u64)off + size > vp->device_len) {
        return v;
    }
    for (unsigned tries = 0; tries < 16; tries++) {
        u8 gen = rd8(vp->common, COM_CONFIG_GENERATION);
        v = size == 1   ? rd8(vp->device, off)
            : size == 2 ? rd16(vp->device, off)
                        : rd32(vp->device, off);
        if (rd8(vp->common, COM_CONFIG_GENERATION) == gen) {
            break;
        }
    }
    return v;
}

static u8 mod_config_read8(struct virtio_device *vd, u32 off)
{
    return (u8)config_read(vd, off, 1);
}

static u16 mod_config_read16(struct virtio_device *vd, u32 off)
{
    return (u16)config_read(vd, off, 2);
}

static u32 mod_config_read32(struct virtio_device *vd, u32 off)
{
    return config_read(vd, off, 4);
}

static void mod_config_write8(struct virtio_device *vd, u32 off, u8 val)
{
    struct virtio_pci *vp = to_virtio_pci(vd);

    if (vp->device && off < vp->device_len) {
        wr8(vp->device, off, val);
    }
}

static u16 mod_queue_max_size(struct virtio_device *vd, unsigned index)
{
    volatile u8 *common = to_virtio_pci(vd)->common;

    if (index >= rd16(common, COM_NUM_QUEUES)) {
        return 0;
    }
    wr16(common, COM_QUEUE_SELECT, (u16)index);
    return rd16(common, COM_QUEUE_SIZE);
}

static int mod_queue_activate(struct virtio_device *vd, struct virtio_queue *q)
{
    struct virtio_pci *vp = to_virtio_pci(vd);
    volatile u8 *common = vp->common;

    wr16(common, COM_QUEUE_SELECT, (u16)q->index);
    if (rd16(common, COM_QUEUE_ENABLE)) {
        return -EIO; /* enabled already: not after a reset */
    }
    wr16(common, COM_QUEUE_SIZE, q->vq.num);
    if (vp->msix) {
        wr16(common, COM_QUEUE_MSIX_VECTOR, VIRTIO_PCI_MSIX_QUEUE_VECTOR);
        if (rd16(common, COM_QUEUE_MSIX_VECTOR) == VIRTIO_MSI_NO_VECTOR) {
            virtio_pci_fallback_intx(vp);
        } else {
            q->msix_vector = VIRTIO_PCI_MSIX_QUEUE_VECTOR;
        }
    }
    wr64(common, COM_QUEUE_DESC, q->vq.desc_phys);
    wr64(common, COM_QUEUE_DRIVER, q->vq.avail_phys);
    wr64(common, COM_QUEUE_DEVICE, q->vq.used_phys);

    u32 off = rd16(common, COM_QUEUE_NOTIFY_OFF);
    if ((u64)off * vp->notify_mult + 2 > vp->notify_len) {
        pr_warn("virtio: %s: queue %u notify offset %u lies outside the notify region\n", vd->name,
                q->index, off);
        return -EIO;
    }
    q->notify_off = off;
    wr16(common, COM_QUEUE_ENABLE, 1);
    return rd16(common, COM_QUEUE_ENABLE) == 1 ? 0 : -EIO;
}

static void mod_notify(struct virtio_device *vd, struct virtio_queue *q)
{
    struct virtio_pci *vp = to_virtio_pci(vd);

    wr16(vp->notify, q->notify_off * vp->notify_mult, (u16)q->index);
}

static u8 mod_read_isr(struct virtio_pci *vp)
{
    return rd8(vp->isr, 0);
}

static bool mod_set_config_vector(struct virtio_pci *vp, u16 vector)
{
    wr16(vp->common, COM_MSIX_CONFIG, vector);
    return rd16(vp->common, COM_MSIX_CONFIG) == vector;
}

static const struct virtio_transport_ops modern_ops = {
    .get_status = mod_get_status,
    .set_status = mod_set_status,
    .reset = mod_reset,
    .get_features = mod_get_features,
    .set_features = mod_set_features,
    .config_read8 = mod_config_read8,
    .config_read16 = mod_config_read16,
    .config_read32 = mod_config_read32,
    .config_write8 = mod_config_write8,
    .queue_max_size = mod_queue_max_size,
    .queue_activate = mod_queue_activate,
    .notify = mod_notify,
    .modern = true,
    .ring_align = VIRTQ_MODERN_ALIGN,
    .name = "modern",
};

/* The mapped address of a region (each BAR mapped once). */
static volatile u8 *map_region(struct virtio_pci *vp, void **bars,
                               const struct virtio_pci_region *r)
{
    if (!bars[r->bar]) {
        bars[r->bar] = pci_map_bar(vp->pdev, r->bar);
        if (!bars[r->bar]) {
            virtio_failf(&vp->vd, "cannot map BAR %u", r->bar);
            return NULL;
        }
    }
    return (volatile u8 *)bars[r->bar] + r->offset;
}

int virtio_pci_modern_setup(struct virtio_pci *vp, const struct virtio_pci_caps *caps)
{
    void *bars[PCI_MAX_BARS] = {NULL};

    vp->common = map_region(vp, bars, &caps->r[VIRTIO_PCI_CAP_COMMON_CFG]);
    vp->notify = vp->common ? map_region(vp, bars, &caps->r[VIRTIO_PCI_CAP_NOTIFY_CFG]) : NULL;
    vp->isr = vp->notify ? map_region(vp, bars, &caps->r[VIRTIO_PCI_CAP_ISR_CFG]) : NULL;
    if (!vp->isr) {
        return -EIO;
    }
    if (caps->r[VIRTIO_PCI_CAP_DEVICE_CFG].present) {
        vp->device = map_region(vp, bars, &caps->r[VIRTIO_PCI_CAP_DEVICE_CFG]);
        if (!vp->device) {
            return -EIO;
        }
        vp->device_len = caps->r[VIRTIO_PCI_CAP_DEVICE_CFG].length;
    }
    vp->notify_mult = caps->notify_mult;
    vp->notify_len = caps->r[VIRTIO_PCI_CAP_NOTIFY_CFG].length;
    vp->read_isr = mod_read_isr;
    vp->set_config_vector = mod_set_config_vector;
    vp->vd.ops = &modern_ops;
    return 0;
}
