// SPDX-License-Identifier: MIT
/* drivers/virtio/virtio_pci_caps.c: the virtio vendor capabilities of a
 * simulated configuration space, well-formed (QEMU's layout) and broken
 * (missing or too small BARs, missing regions, short capabilities, a
 * looping list). */
#include <abi/errno.h>
#include <drivers/pci.h>
#include <string.h>

#include "../drivers/virtio/virtio_pci_internal.h"
#include "harness.h"

HARNESS("test_virtio_pci_caps");

static u8 space[256];

static u32 cfg_read32(void *ctx, u8 bus, u8 dev, u8 fn, u16 off)
{
    (void)ctx;
    (void)bus;
    (void)dev;
    (void)fn;
    u32 v;
    memcpy(&v, &space[off], 4);
    return v;
}

static void cfg_write32(void *ctx, u8 bus, u8 dev, u8 fn, u16 off, u32 val)
{
    (void)ctx;
    (void)bus;
    (void)dev;
    (void)fn;
    memcpy(&space[off], &val, 4);
}

static const struct pci_config_ops ops = {cfg_read32, cfg_write32, NULL};
static struct pci_dev dev;
static struct virtio_pci_caps caps;
static char why[64];

static void put32(unsigned off, u32 v)
{
    memcpy(&space[off], &v, 4);
}

/* A capability at off: id, next, and for vendor ones the virtio fields. */
static void vcap(u8 off, u8 next, u8 len, u8 type, u8 bar, u32 offset, u32 length)
{
    space[off] = PCI_CAP_ID_VNDR;
    space[off + 1] = next;
    space[off + 2] = len;
    space[off + 3] = type;
    space[off + 4] = bar;
    put32(off + 8, offset);
    put32(off + 12, length);
}

/* QEMU's virtio-pci: MSI-X, then common, ISR, device, notify, PCI cfg;
 * all in a 16 KiB 64-bit BAR 4 (BAR 5 its upper half). */
static void qemu_layout(void)
{
    memset(space, 0, sizeof(space));
    memset(&dev, 0, sizeof(dev));
    dev.cfg = &ops;
    dev.bars[4] = (struct pci_bar){PCI_BAR_MEM64, true, 0xfe000000, 0x4000};
    dev.bars[0] = (struct pci_bar){PCI_BAR_IO, false, 0xc000, 32};
    dev.bars[1] = (struct pci_bar){PCI_BAR_MEM32, false, 0xfebd1000, 0x1000};
    space[PCI_STATUS] = PCI_STATUS_CAP_LIST;
    space[PCI_CAPABILITY_LIST] = 0x98;
    space[0x98] = PCI_CAP_ID_MSIX;
    space[0x99] = 0x84;
    vcap(0x84, 0x70, 20, 5, 0, 0, 0); /* PCI cfg access: not ours */
    space[0x84 + 2] = 20;
    vcap(0x70, 0x60, 20, VIRTIO_PCI_CAP_NOTIFY_CFG, 4, 0x3000, 0x1000);
    put32(0x70 + 16, 4);
    vcap(0x60, 0x50, 16, VIRTIO_PCI_CAP_DEVICE_CFG, 4, 0x2000, 0x1000);
    vcap(0x50, 0x40, 16, VIRTIO_PCI_CAP_ISR_CFG, 4, 0x1000, 0x1000);
    vcap(0x40, 0x00, 16, VIRTIO_PCI_CAP_COMMON_CFG, 4, 0x0000, 0x1000);
}

static void test_qemu_layout(void)
{
    qemu_layout();
    CHECK_EQ(virtio_pci_parse_caps(&dev, &caps, why, sizeof(why)), 0);
    const struct virtio_pci_region *c = &caps.r[VIRTIO_PCI_CAP_COMMON_CFG];
    CHECK(c->present && c->bar == 4 && c->offset == 0 && c->length == 0x1000 && c->cap_off == 0x40);
    CHECK(caps.r[VIRTIO_PCI_CAP_ISR_CFG].offset == 0x1000);
    CHECK(caps.r[VIRTIO_PCI_CAP_DEVICE_CFG].present);
    CHECK(caps.r[VIRTIO_PCI_CAP_DEVICE_CFG].offset == 0x2000);
    CHECK(caps.r[VIRTIO_PCI_CAP_NOTIFY_CFG].offset == 0x3000);
    CHECK_EQ(caps.notify_mult, 4);

    /* The device configuration is optional. */
    space[0x70 + 1] = 0x50; /* skip 0x60 */
    CHECK_EQ(virtio_pci_parse_caps(&dev, &caps, why, sizeof(why)), 0);
    CHECK(!caps.r[VIRTIO_PCI_CAP_DEVICE_CFG].present);
}

static void test_no_modern_interface(void)
{
    qemu_layout();
    space[0x99] = 0; /* only MSI-X */
    CHECK_EQ(virtio_pci_parse_caps(&dev, &caps, why, sizeof(why)), -ENODEV);
    CHECK(strcmp(why, "no modern interface") == 0);

    qemu_layout();
    space[PCI_STATUS] = 0; /* no capability list at all */
    CHECK_EQ(virtio_pci_parse_caps(&dev, &caps, why, sizeof(why)), -ENODEV);
}

static void test_missing_bar(void)
{
    qemu_layout();
    space[0x50 + 4] = 3; /* ISR in BAR 3: not implemented */
    CHECK_EQ(virtio_pci_parse_caps(&dev, &caps, why, sizeof(why)), -EINVAL);
    CHECK(strcmp(why, "capability at 0x50 (ISR) refers to missing BAR 3") == 0);

    qemu_layout();
    space[0x40 + 4] = 5; /* the upper half of the 64-bit BAR 4 */
    CHECK_EQ(virtio_pci_parse_caps(&dev, &caps, why, sizeof(why)), -EINVAL);
    CHECK(strstr(why, "refers to missing BAR 5") != NULL);

    qemu_layout();
    space[0x70 + 4] = 0; /* notify in the I/O BAR */
    CHECK_EQ(virtio_pci_parse_caps(&dev, &caps, why, sizeof(why)), -EINVAL);
    CHECK(strstr(why, "(notify) refers to missing BAR 0") != NULL);
}

static void test_outside_bar(void)
{
    qemu_layout();
    put32(0x60 + 12, 0x2001); /* device config runs past 16 KiB */
    CHECK_EQ(virtio_pci_parse_caps(&dev, &caps, why, sizeof(why)), -EINVAL);
    CHECK(strcmp(why, "capability at 0x60 (device) lies outside BAR 4") == 0);

    qemu_layout();
    put32(0x40 + 8, 0xfffff000); /* offset + length wraps 32 bits */
    put32(0x40 + 12, 0x2000);
    CHECK_EQ(virtio_pci_parse_caps(&dev, &caps, why, sizeof(why)), -EINVAL);

    qemu_layout();
    space[0x40 + 4] = 1; /* common config in the 4 KiB BAR 1: fits */
    CHECK_EQ(virtio_pci_parse_caps(&dev, &caps, why, sizeof(why)), 0);
    put32(0x40 + 12, 0x20); /* but too short for the common layout */
    CHECK_EQ(virtio_pci_parse_caps(&dev, &caps, why, sizeof(why)), -EINVAL);
}

static void test_missing_or_short_caps(void)
{
    qemu_layout();
    space[0x84 + 1] = 0x60; /* no notify */
    CHECK_EQ(virtio_pci_parse_caps(&dev, &caps, why, sizeof(why)), -EINVAL);
    CHECK(strcmp(why, "no notify capability") == 0);

    qemu_layout();
    space[0x70 + 2] = 16; /* notify without its multiplier */
    CHECK_EQ(virtio_pci_parse_caps(&dev, &caps, why, sizeof(why)), -EINVAL);
    CHECK(strstr(why, "(notify) is too short") != NULL);

    qemu_layout();
    space[0x50 + 2] = 8;
    CHECK_EQ(virtio_pci_parse_caps(&dev, &caps, why, sizeof(why)), -EINVAL);
    CHECK(strstr(why, "(ISR) is too short") != NULL);
}

/* Reserved BAR numbers are skipped, and of two capabilities of one type
 * the first counts. */
static void test_reserved_bar_and_duplicates(void)
{
    qemu_layout();
    space[0x84 + 3] = VIRTIO_PCI_CAP_COMMON_CFG; /* first common: BAR 7 */
    space[0x84 + 4] = 7;
    CHECK_EQ(virtio_pci_parse_caps(&dev, &caps, why, sizeof(why)), 0);
    CHECK_EQ(caps.r[VIRTIO_PCI_CAP_COMMON_CFG].cap_off, 0x40);

    space[0x84 + 4] = 1; /* now usable: BAR 1, offset 0, 0x1000 */
    put32(0x84 + 12, 0x1000);
    CHECK_EQ(virtio_pci_parse_caps(&dev, &caps, why, sizeof(why)), 0);
    CHECK_EQ(caps.r[VIRTIO_PCI_CAP_COMMON_CFG].cap_off, 0x84);
    CHECK_EQ(caps.r[VIRTIO_PCI_CAP_COMMON_CFG].bar, 1);
}

static void test_looping_list(void)
{
    qemu_layout();
    space[0x50 + 1] = 0x70; /* ... 0x70 -> 0x60 -> 0x50 -> 0x70 ... */
    CHECK_EQ(virtio_pci_parse_caps(&dev, &caps, why, sizeof(why)), -EINVAL);
    CHECK(strcmp(why, "no common capability") == 0);

    qemu_layout();
    space[0x40 + 1] = 0x40; /* points at itself */
    CHECK_EQ(virtio_pci_parse_caps(&dev, &caps, why, sizeof(why)), 0);

    qemu_layout();
    space[0x40 + 1] = 0x20; /* into the header: ends the list */
    CHECK_EQ(virtio_pci_parse_caps(&dev, &caps, why, sizeof(why)), 0);
}

int main(void)
{
    RUN(test_qemu_layout);
    RUN(test_no_modern_interface);
    RUN(test_missing_bar);
    RUN(test_outside_bar);
    RUN(test_missing_or_short_caps);
    RUN(test_reserved_bar_and_duplicates);
    RUN(test_looping_list);
    HARNESS_EXIT();
}
