// SPDX-License-Identifier: MIT
/* The virtio 1.x PCI capability list: where the common configuration, the
 * notification area, the ISR byte and the device configuration live (BAR,
 * offset, length). Portable (configuration space only through pci_read*),
 * so tests/test_virtio_pci_caps.c feeds it broken capability lists. */
#include "virtio_pci_internal.h"

#include <abi/errno.h>
#include <kernel/format.h>
#include <kernel/string.h>

static const char *const cap_names[VIRTIO_PCI_CAP_TYPES] = {
    NULL, "common", "notify", "ISR", "device",
};

static const u32 min_length[VIRTIO_PCI_CAP_TYPES] = {0, VIRTIO_PCI_COMMON_MIN, 2, 1, 0};

/* Checks one capability of a type we use; fills r. */
static int parse_one(const struct pci_dev *d, u8 cap, u8 type, u8 cap_len,
                     struct virtio_pci_region *r, char *why, size_t why_len)
{
    u8 bar = pci_read8(d, cap + VIRTIO_PCI_CAP_BAR);
    u32 offset = pci_read32(d, cap + VIRTIO_PCI_CAP_OFFSET);
    u32 length = pci_read32(d, cap + VIRTIO_PCI_CAP_LENGTH);

    if (cap_len < VIRTIO_PCI_CAP_SIZE) {
        ksnprintf(why, why_len, "capability at 0x%02x (%s) is too short", cap, cap_names[type]);
        return -EINVAL;
    }
    const struct pci_bar *b = &d->bars[bar];
    if (b->type != PCI_BAR_MEM32 && b->type != PCI_BAR_MEM64) {
        ksnprintf(why, why_len, "capability at 0x%02x (%s) refers to missing BAR %u", cap,
                  cap_names[type], bar);
        return -EINVAL;
    }
    if (length < min_length[type] || (u64)offset + length > b->size) {
        ksnprintf(why, why_len, "capability at 0x%02x (%s) lies outside BAR %u", cap,
                  cap_names[type], bar);
        return -EINVAL;
    }
    r->present = true;
    r->cap_off = cap;
    r->bar = bar;
    r->offset = offset;
    r->length = length;
    return 0;
}

/* The first capability at or after pos (a list link), or 0. The list is
 * walked here, not with pci_find_cap, to visit every vendor capability. */
static u8 walk_from(const struct pci_dev *d, u8 pos, unsigned *steps)
{
    for (; *steps < 48; (*steps)++) {
        pos &= 0xfc;
        if (pos < 0x40) {
            return 0;
        }
        if (pci_read8(d, pos) == PCI_CAP_ID_VNDR) {
            return pos;
        }
        pos = pci_read8(d, pos + 1);
    }
    return 0;
}

int virtio_pci_parse_caps(const struct pci_dev *d, struct virtio_pci_caps *caps, char *why,
                          size_t why_len)
{
    bool any = false;

    memset(caps, 0, sizeof(*caps));
    ksnprintf(why, why_len, "no modern interface");
    /* 48 capabilities fill configuration space: more is a looping list. */
    unsigned steps = 0;
    u8 first =
        (pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST) ? pci_read8(d, PCI_CAPABILITY_LIST) : 0;
    for (u8 cap = walk_from(d, first, &steps); cap;
         steps++, cap = walk_from(d, pci_read8(d, cap + 1), &steps)) {
        u8 cap_len = pci_read8(d, cap + VIRTIO_PCI_CAP_LEN);
        u8 type = pci_read8(d, cap + VIRTIO_PCI_CAP_CFG_TYPE);
        u8 bar = pci_read8(d, cap + VIRTIO_PCI_CAP_BAR);

        /* Other types (PCI config access, shared memory) and reserved BAR
         * numbers are not for us; of a type seen twice the first counts. */
        if (type == 0 || type >= VIRTIO_PCI_CAP_TYPES || bar >= PCI_MAX_BARS ||
            caps->r[type].present) {
            continue;
        }
        any = true;
        int r = parse_one(d, cap, type, cap_len, &caps->r[type], why, why_len);
        if (r < 0) {
            return r;
        }
        if (type == VIRTIO_PCI_CAP_NOTIFY_CFG) {
            if (cap_len < VIRTIO_PCI_NOTIFY_CAP_SIZE) {
                ksnprintf(why, why_len, "capability at 0x%02x (notify) is too short", cap);
                return -EINVAL;
            }
            caps->notify_mult = pci_read32(d, cap + VIRTIO_PCI_CAP_NOTIFY_MULT);
        }
    }
    if (!any) {
        return -ENODEV;
    }
    for (u8 type = VIRTIO_PCI_CAP_COMMON_CFG; type <= VIRTIO_PCI_CAP_ISR_CFG; type++) {
        if (!caps->r[type].present) {
            ksnprintf(why, why_len, "no %s capability", cap_names[type]);
            return -EINVAL;
        }
    }
    return 0;
}
