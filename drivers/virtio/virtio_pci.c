// SPDX-License-Identifier: MIT
/* Virtio over PCI: finds the virtio functions (vendor 0x1af4, devices
 * 0x1000-0x107f), picks the transport (virtio=auto|legacy|modern), sets up
 * interrupts (MSI-X: vector 0 config changes, vector 1 every queue; else
 * INTx through the ISR register) and offers each device to its driver. */
#include "virtio_pci_internal.h"

#include <abi/errno.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/io.h>
#include <kernel/format.h>
#include <kernel/kernel.h>
#include <kernel/kmalloc.h>
#include <kernel/printk.h>
#include <kernel/string.h>

/* Defined by the drivers; absent ones (weak, NULL) are skipped. */
extern const struct virtio_driver virtio_net_driver __attribute__((weak));
extern const struct virtio_driver virtio_blk_driver __attribute__((weak));

static unsigned virtio_count;

/* Devices no driver took, reset, for virtio_pci_unbound(). */
#define MAX_UNBOUND 8
static struct virtio_pci *unbound[MAX_UNBOUND];
static unsigned nunbound;

struct virtio_pci *virtio_pci_unbound(u16 type)
{
    for (unsigned i = 0; i < nunbound; i++) {
        if (unbound[i]->vd.device_type == type && !unbound[i]->vd.failed) {
            return unbound[i];
        }
    }
    return NULL;
}

void virtio_pci_begin(struct virtio_pci *vp)
{
    virtio_begin(&vp->vd);
    /* A reset forgets the vectors; the one for queues goes with each
     * queue_activate. */
    if (vp->msix && !vp->set_config_vector(vp, VIRTIO_PCI_MSIX_CONFIG_VECTOR)) {
        virtio_pci_fallback_intx(vp);
    }
}

static const struct virtio_driver *find_driver(u16 type)
{
    const struct virtio_driver *drivers[] = {&virtio_net_driver, &virtio_blk_driver};

    for (unsigned i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
        if (drivers[i] && drivers[i]->device_type == type) {
            return drivers[i];
        }
    }
    return NULL;
}

static const char *type_name(u16 type)
{
    switch (type) {
    case VIRTIO_ID_NET:
        return "net";
    case VIRTIO_ID_BLOCK:
        return "block";
    case 3:
        return "console";
    case 4:
        return "entropy";
    case 5:
        return "balloon";
    case 8:
        return "scsi";
    case 9:
        return "9p";
    default:
        return "unknown";
    }
}

static void msix_handler(void *ctx)
{
    struct virtio_pci_irq *irq = ctx;

    virtio_interrupt(&irq->vp->vd, irq->config);
}

/* The line may be shared: an ISR of 0 means some other device. Reading
 * the ISR acknowledges it (and lowers the line). */
static void intx_handler(void *ctx)
{
    struct virtio_pci *vp = ctx;
    u8 isr = vp->read_isr(vp);

    if (isr) {
        virtio_interrupt(&vp->vd, isr & 2);
    }
}

static int use_intx(struct virtio_pci *vp)
{
    vp->msix = false;
    if (pci_enable_intx(vp->pdev, intx_handler, vp, vp->vd.name) < 0) {
        virtio_fail(&vp->vd, "no usable interrupt (no MSI-X, no INTx line)");
        return -ENODEV;
    }
    return 0;
}

void virtio_pci_fallback_intx(struct virtio_pci *vp)
{
    struct pci_dev *d = vp->pdev;

    pr_warn("virtio: %s: device refused an MSI-X vector, using INTx\n", vp->vd.name);
    pci_disable_msix(d);
    use_intx(vp);
}

static int setup_irq(struct virtio_pci *vp)
{
    struct pci_dev *d = vp->pdev;
    void *const ctx[2] = {&vp->irq[0], &vp->irq[1]};

    vp->irq[0] = (struct virtio_pci_irq){vp, true};
    vp->irq[1] = (struct virtio_pci_irq){vp, false};
    if (d->msix_cap && pci_enable_msix(d, 2, msix_handler, ctx, vp->vd.name) == 0) {
        /* Legacy: enabling MSI-X moved the device config to 0x18. */
        vp->msix = true;
        return 0;
    }
    return use_intx(vp);
}

enum { USE_LEGACY = 1, USE_MODERN };

/* Picks the transport from the device and virtio=; -errno after
 * virtio_fail (the device is not touched then). */
static int choose_transport(struct virtio_pci *vp, struct virtio_pci_caps *caps)
{
    struct pci_dev *d = vp->pdev;
    char why[sizeof(vp->vd.fail_msg)];
    bool transitional = d->device <= VIRTIO_PCI_DEVICE_LAST_TRANSITIONAL;
    bool has_legacy = transitional && d->bars[0].type == PCI_BAR_IO;
    int caps_r = virtio_pci_parse_caps(d, caps, why, sizeof(why));

    switch (boot_options.virtio_mode) {
    case VIRTIO_MODE_LEGACY:
        if (!has_legacy) {
            virtio_fail(&vp->vd, "no legacy interface");
            return -ENODEV;
        }
        return USE_LEGACY;
    case VIRTIO_MODE_MODERN:
        if (caps_r < 0) {
            virtio_fail(&vp->vd, why); /* "no modern interface" or the bad cap */
            return caps_r;
        }
        return USE_MODERN;
    default:
        if (caps_r == 0) {
            return USE_MODERN;
        }
        if (caps_r == -ENODEV && has_legacy) {
            return USE_LEGACY;
        }
        virtio_fail(&vp->vd, caps_r == -ENODEV ? "no modern or legacy interface" : why);
        return caps_r;
    }
}

static void probe_one(struct pci_dev *d)
{
    u16 type = d->device <= VIRTIO_PCI_DEVICE_LAST_TRANSITIONAL
                   ? d->subsys_device
                   : d->device - VIRTIO_PCI_DEVICE_MODERN_BASE;
    char name[VIRTIO_NAME_MAX];
    char where[48];
    struct virtio_pci_caps caps;

    ksnprintf(name, sizeof(name), "virtio%u", virtio_count++);
    ksnprintf(where, sizeof(where), "%s (%04x:%04x) at %04x:%02x:%02x.%x", type_name(type),
              d->vendor, d->device, d->segment, d->bus, d->dev, d->fn);

    struct virtio_pci *vp = kzalloc(sizeof(*vp));
    if (!vp) {
        pr_warn("virtio: %s: %s: out of memory\n", name, where);
        return;
    }
    vp->pdev = d;
    virtio_device_init(&vp->vd, name, type, NULL, vp);
    int use = choose_transport(vp, &caps);
    if (use < 0 || pci_claim(d, "virtio-pci") < 0) {
        if (use >= 0) {
            virtio_fail(&vp->vd, "already claimed");
        }
        pr_info("%s: %s left alone\n", name, where);
        kfree(vp);
        return;
    }
    pci_enable_device(d);
    /* From here on interrupt handlers may hold vp: it is never freed. */
    int r = use == USE_LEGACY ? virtio_pci_legacy_setup(vp) : virtio_pci_modern_setup(vp, &caps);
    if (r < 0) {
        return;
    }
    if (setup_irq(vp) < 0) {
        return;
    }
    virtio_pci_begin(vp);
    if (vp->vd.failed) {
        return;
    }
    const struct virtio_driver *drv = find_driver(type);
    if (!drv) {
        pr_info("%s: %s, %s transport, %s\n", name, where, vp->vd.ops->name,
                vp->msix ? "MSI-X" : "INTx");
        pr_info("%s: no driver for %s devices\n", name, type_name(type));
        /* Left reset: it does nothing and raises nothing. */
        vp->vd.ops->reset(&vp->vd);
        if (nunbound < MAX_UNBOUND) {
            unbound[nunbound++] = vp;
        }
        return;
    }
    r = drv->probe(&vp->vd);
    if (r < 0 && !vp->vd.failed) {
        virtio_failf(&vp->vd, "%s probe failed (%d)", drv->name, r);
    }
    /* After the probe, which negotiated the features. */
    pr_info("%s: %s, %s transport, %s%s\n", name, where, vp->vd.ops->name,
            vp->msix ? "MSI-X" : "INTx",
            virtio_has_feature(&vp->vd, VIRTIO_RING_F_EVENT_IDX) ? ", event-idx" : "");
}

/* A read of the POST diagnostic port: side-effect free on PCs, and an I/O
 * access QEMU emulates under its global lock, whose atomic operations are a
 * full fence on the host (see the memory-ordering note in virtq.c). */
static void io_port_fence(void)
{
    (void)inb(0x80);
}

/* Picks virtio_ring_fence (virtio_fence=auto|cpu|io). auto: the I/O fence
 * under QEMU's TCG, whose versions before 8.1 drop guest fences on a
 * one-vCPU machine; the CPU's own fence elsewhere (hardware, KVM). */
static void choose_ring_fence(void)
{
    bool tcg = strcmp(cpu_features.hypervisor, "TCGTCGTCGTCG") == 0;
    int mode = boot_options.virtio_fence;

    if (mode == VIRTIO_FENCE_IO || (mode == VIRTIO_FENCE_AUTO && tcg)) {
        virtio_ring_fence = io_port_fence;
        pr_info("virtio: ring fences also read port 0x80%s\n",
                mode == VIRTIO_FENCE_AUTO ? " (QEMU TCG: its guest fences may be no-ops)" : "");
    } else {
        virtio_ring_fence = NULL;
    }
}

void virtio_pci_init(void)
{
    choose_ring_fence();
    for (struct pci_dev *d = pci_next(NULL); d; d = pci_next(d)) {
        if (d->vendor == VIRTIO_PCI_VENDOR && d->device >= VIRTIO_PCI_DEVICE_FIRST &&
            d->device <= VIRTIO_PCI_DEVICE_LAST) {
            probe_one(d);
        }
    }
}
