/* SPDX-License-Identifier: MIT */
/* Virtio over PCI, shared by virtio_pci.c (discovery, interrupts, probe),
 * virtio_pci_caps.c (the modern capability parser, portable),
 * virtio_pci_legacy.c and virtio_pci_modern.c (the two register layouts). */
#ifndef DRIVERS_VIRTIO_VIRTIO_PCI_INTERNAL_H
#define DRIVERS_VIRTIO_VIRTIO_PCI_INTERNAL_H

#include <drivers/pci.h>
#include <drivers/virtio_dev.h>

#define VIRTIO_PCI_VENDOR 0x1af4
#define VIRTIO_PCI_DEVICE_FIRST 0x1000
#define VIRTIO_PCI_DEVICE_LAST_TRANSITIONAL 0x103f
#define VIRTIO_PCI_DEVICE_MODERN_BASE 0x1040
#define VIRTIO_PCI_DEVICE_LAST 0x107f

/* Vendor capability cfg_type values the driver uses (1-4). */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG 3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define VIRTIO_PCI_CAP_TYPES 5

/* Vendor capability layout (offsets from the capability). */
#define VIRTIO_PCI_CAP_LEN 2
#define VIRTIO_PCI_CAP_CFG_TYPE 3
#define VIRTIO_PCI_CAP_BAR 4
#define VIRTIO_PCI_CAP_OFFSET 8
#define VIRTIO_PCI_CAP_LENGTH 12
#define VIRTIO_PCI_CAP_NOTIFY_MULT 16
#define VIRTIO_PCI_CAP_SIZE 16
#define VIRTIO_PCI_NOTIFY_CAP_SIZE 20

/* Smallest usable regions: the common layout up to queue_device, one
 * notify write, the ISR byte. */
#define VIRTIO_PCI_COMMON_MIN 0x38

struct virtio_pci_region {
    bool present;
    u8 cap_off; /* config offset of the capability */
    u8 bar;
    u32 offset, length;
};

struct virtio_pci_caps {
    struct virtio_pci_region r[VIRTIO_PCI_CAP_TYPES]; /* by cfg_type */
    u32 notify_mult;
};

/* Reads the virtio vendor capabilities of d. 0: common, notify and ISR
 * found and inside their BARs (device config optional); -ENODEV: no
 * modern capability at all; -EINVAL: a broken one, why says which. */
int virtio_pci_parse_caps(const struct pci_dev *d, struct virtio_pci_caps *caps, char *why,
                          size_t why_len);

struct virtio_pci;

struct virtio_pci_irq {
    struct virtio_pci *vp;
    bool config; /* the config-change vector */
};

struct virtio_pci {
    struct virtio_device vd;
    struct pci_dev *pdev;
    bool msix; /* MSI-X vectors in use: 0 config, 1 all queues */
    struct virtio_pci_irq irq[2];
    /* Reads (and so acknowledges) the ISR register. */
    u8 (*read_isr)(struct virtio_pci *vp);
    /* Programs the config-change vector; false if the device refused. */
    bool (*set_config_vector)(struct virtio_pci *vp, u16 vector);

    u16 io; /* legacy: I/O BAR0 */
    u32 io_size;

    /* Modern: the mapped regions. */
    volatile u8 *common, *notify, *isr, *device;
    u32 notify_mult, notify_len, device_len;
};

static inline struct virtio_pci *to_virtio_pci(struct virtio_device *vd)
{
    return vd->transport;
}

#define VIRTIO_PCI_MSIX_CONFIG_VECTOR 0
#define VIRTIO_PCI_MSIX_QUEUE_VECTOR 1

/* A queue vector the device would not take: MSI-X off, INTx from now on. */
void virtio_pci_fallback_intx(struct virtio_pci *vp);

/* Reset, ACKNOWLEDGE, DRIVER, and the config-change vector with MSI-X:
 * the start of a probe. */
void virtio_pci_begin(struct virtio_pci *vp);

/* A device of type that no driver took (reset), or NULL; self-tests use
 * it to drive a device through the core directly. */
struct virtio_pci *virtio_pci_unbound(u16 type);

/* Set up vp (pdev, vd.name filled) for one transport: 0 or -errno after
 * virtio_fail. */
int virtio_pci_legacy_setup(struct virtio_pci *vp);
int virtio_pci_modern_setup(struct virtio_pci *vp, const struct virtio_pci_caps *caps);

#endif
