// SPDX-License-Identifier: MIT
/* PCI bus walk, BAR sizing and capabilities. Portable: configuration space
 * is reached only through struct pci_config_ops (see include/drivers/pci.h),
 * so the host tests run this file against a simulated bus. */
#include <abi/errno.h>
#include <drivers/pci.h>
#include <kernel/kmalloc.h>
#include <kernel/string.h>

#define PCI_ROM_ADDRESS0 0x30 /* type 0 */
#define PCI_ROM_ADDRESS1 0x38 /* type 1 */
#define PCI_BRIDGE_SEC_STATUS 0x1c /* type 1, upper half: RW1C */
#define PCI_MSIX_FLAGS 2 /* message control, from the capability */
#define PCI_MSIX_QSIZE 0x7ff
#define PCI_CAP_MAX_WALK 48
#define PCI_MAX_BUSES 256

u32 pci_read32(const struct pci_dev *d, u16 off)
{
    return d->cfg->read32(d->cfg->ctx, d->bus, d->dev, d->fn, off & ~3u);
}

u16 pci_read16(const struct pci_dev *d, u16 off)
{
    return (u16)(pci_read32(d, off) >> ((off & 2) * 8));
}

u8 pci_read8(const struct pci_dev *d, u16 off)
{
    return (u8)(pci_read32(d, off) >> ((off & 3) * 8));
}

void pci_write32(const struct pci_dev *d, u16 off, u32 val)
{
    d->cfg->write32(d->cfg->ctx, d->bus, d->dev, d->fn, off & ~3u, val);
}

/* Sub-dword writes read-modify-write the dword. Status registers are
 * write-one-to-clear: the half not being written is sent as zero so the
 * read-back status bits are not cleared by accident. */
static void pci_write_part(const struct pci_dev *d, u16 off, u32 val, u32 mask)
{
    u16 base = off & ~3u;
    unsigned shift = (off & 3) * 8;
    u32 old = pci_read32(d, base);
    if (base == PCI_COMMAND || (d->header_type == 1 && base == PCI_BRIDGE_SEC_STATUS)) {
        old &= 0x0000ffffu;
    }
    old &= ~(mask << shift);
    pci_write32(d, base, old | ((val & mask) << shift));
}

void pci_write16(const struct pci_dev *d, u16 off, u16 val)
{
    pci_write_part(d, off & ~1u, val, 0xffff);
}

void pci_write8(const struct pci_dev *d, u16 off, u8 val)
{
    pci_write_part(d, off, val, 0xff);
}

u8 pci_find_cap(const struct pci_dev *d, u8 id, u8 from)
{
    u8 pos;
    if (from == 0) {
        if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST)) {
            return 0;
        }
        pos = pci_read8(d, PCI_CAPABILITY_LIST);
    } else {
        pos = pci_read8(d, from + 1);
    }
    for (int n = 0; n < PCI_CAP_MAX_WALK; n++) {
        pos &= 0xfc;
        if (pos < 0x40) {
            return 0;
        }
        if (pci_read8(d, pos) == id) {
            return pos;
        }
        pos = pci_read8(d, pos + 1);
    }
    return 0;
}

/* Lowest set bit of the writable address bits: the decoded size. */
static u64 bar_size_from_mask(u64 mask)
{
    return mask & ~(mask - 1);
}

/* Writes ones to the address bits of the BAR dword at off, returns what
 * reads back, and restores the original value. */
static u32 bar_probe(const struct pci_dev *d, u16 off, u32 orig, u32 ones)
{
    pci_write32(d, off, ones);
    u32 mask = pci_read32(d, off);
    pci_write32(d, off, orig);
    return mask;
}

/* Sizes BAR i; returns how many slots it took (2 for 64-bit). Decoding is
 * off while this runs. */
static unsigned size_bar(struct pci_dev *d, unsigned i, unsigned nbars)
{
    u16 off = PCI_BAR0 + 4 * i;
    struct pci_bar *b = &d->bars[i];
    u32 orig = pci_read32(d, off);
    u32 mask = bar_probe(d, off, orig, 0xffffffffu);

    memset(b, 0, sizeof(*b));
    if (mask == 0 || mask == 0xffffffffu) {
        return 1; /* unimplemented, or the function vanished */
    }
    if (orig & 1) {
        u64 size = bar_size_from_mask(mask & 0xfffffffcu);
        if (size == 0) {
            return 1;
        }
        b->type = PCI_BAR_IO;
        b->addr = orig & 0xfffffffcu;
        b->size = size;
        return 1;
    }
    b->prefetchable = (orig & 8) != 0;
    unsigned kind = (orig >> 1) & 3;
    if (kind == 2) {
        if (i + 1 >= nbars) {
            return 1; /* a 64-bit BAR in the last slot: unusable */
        }
        u32 orig_hi = pci_read32(d, off + 4);
        u32 mask_hi = bar_probe(d, off + 4, orig_hi, 0xffffffffu);
        u64 size = bar_size_from_mask(((u64)mask_hi << 32) | (mask & 0xfffffff0u));
        if (size != 0) {
            b->type = PCI_BAR_MEM64;
            b->addr = ((u64)orig_hi << 32) | (orig & 0xfffffff0u);
            b->size = size;
        }
        memset(&d->bars[i + 1], 0, sizeof(d->bars[i + 1]));
        return 2;
    }
    u64 size = bar_size_from_mask(mask & 0xfffffff0u);
    if (size != 0) {
        b->type = PCI_BAR_MEM32;
        b->addr = orig & 0xfffffff0u;
        b->size = size;
    }
    return 1;
}

static void size_rom(struct pci_dev *d)
{
    u16 off = d->header_type == 0 ? PCI_ROM_ADDRESS0 : PCI_ROM_ADDRESS1;
    u32 orig = pci_read32(d, off);
    /* The enable bit (0) is written as zero: probing never turns it on. */
    u32 mask = bar_probe(d, off, orig, 0xfffff800u) & 0xfffff800u;
    if (mask != 0 && mask != 0xfffff800u) {
        d->rom_addr = orig & 0xfffff800u;
        d->rom_size = bar_size_from_mask(mask);
        d->rom_enabled = orig & 1;
    }
}

static void size_bars(struct pci_dev *d)
{
    unsigned nbars = d->header_type == 0 ? 6 : d->header_type == 1 ? 2 : 0;
    if (nbars == 0) {
        return;
    }
    u16 cmd = pci_read16(d, PCI_COMMAND);
    pci_write16(d, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
    for (unsigned i = 0; i < nbars;) {
        i += size_bar(d, i, nbars);
    }
    size_rom(d);
    pci_write16(d, PCI_COMMAND, cmd);
}

static void read_function(struct pci_dev *d, u32 id)
{
    d->vendor = id & 0xffff;
    d->device = id >> 16;
    u32 class = pci_read32(d, PCI_REVISION_ID);
    d->revision = class & 0xff;
    d->prog_if = (class >> 8) & 0xff;
    d->subclass = (class >> 16) & 0xff;
    d->class_code = class >> 24;
    d->header_type = pci_read8(d, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK;
    if (d->header_type == 0) {
        d->subsys_vendor = pci_read16(d, PCI_SUBSYSTEM_VENDOR_ID);
        d->subsys_device = pci_read16(d, PCI_SUBSYSTEM_ID);
    }
    if (d->header_type <= 1) {
        d->irq_line = pci_read8(d, PCI_INTERRUPT_LINE);
        d->irq_pin = pci_read8(d, PCI_INTERRUPT_PIN);
        if (d->irq_pin > 4) {
            d->irq_pin = 0; /* not a valid INTA-INTD */
        }
    }
    size_bars(d);
    d->msix_cap = pci_find_cap(d, PCI_CAP_ID_MSIX, 0);
    if (d->msix_cap) {
        d->msix_table_size = (pci_read16(d, d->msix_cap + PCI_MSIX_FLAGS) & PCI_MSIX_QSIZE) + 1;
    }
}

struct pci_walk {
    const struct pci_config_ops *ops;
    u16 segment;
    struct list_head *list;
    u8 seen[PCI_MAX_BUSES / 8];
    u8 queue[PCI_MAX_BUSES];
    unsigned nqueued;
    int count;
};

static bool bus_seen(struct pci_walk *w, u8 bus)
{
    return w->seen[bus / 8] & (1u << (bus % 8));
}

static void queue_bus(struct pci_walk *w, u8 bus)
{
    if (bus_seen(w, bus)) {
        return;
    }
    w->seen[bus / 8] |= 1u << (bus % 8);
    w->queue[w->nqueued++] = bus;
}

static u32 devkey(const struct pci_dev *d)
{
    return ((u32)d->bus << 8) | ((u32)d->dev << 3) | d->fn;
}

/* Keeps the list in (bus, dev, fn) order whatever order buses are walked. */
static void insert_sorted(struct list_head *list, struct pci_dev *d)
{
    struct list_head *pos = list->prev;
    while (pos != list && devkey(list_entry(pos, struct pci_dev, link)) > devkey(d)) {
        pos = pos->prev;
    }
    list_insert_between(&d->link, pos, pos->next);
}

/* Returns the id dword, or 0 when no function answers. */
static u32 probe_id(struct pci_walk *w, u8 bus, u8 dev, u8 fn)
{
    u32 id = w->ops->read32(w->ops->ctx, bus, dev, fn, PCI_VENDOR_ID);
    u16 vendor = id & 0xffff;
    return (vendor == 0xffff || vendor == 0) ? 0 : id;
}

static int add_function(struct pci_walk *w, u8 bus, u8 dev, u8 fn, u32 id, struct pci_dev **out)
{
    struct pci_dev *d = kzalloc(sizeof(*d));
    if (!d) {
        return -ENOMEM;
    }
    d->segment = w->segment;
    d->bus = bus;
    d->dev = dev;
    d->fn = fn;
    d->cfg = w->ops;
    read_function(d, id);
    insert_sorted(w->list, d);
    w->count++;
    if (d->header_type == 1) {
        u8 secondary = pci_read8(d, PCI_SECONDARY_BUS);
        if (secondary != 0 && secondary != bus) {
            queue_bus(w, secondary);
        }
    }
    *out = d;
    return 0;
}

static int scan_bus(struct pci_walk *w, u8 bus)
{
    for (u8 dev = 0; dev < 32; dev++) {
        u32 id = probe_id(w, bus, dev, 0);
        if (!id) {
            continue; /* no function 0: no device */
        }
        struct pci_dev *d;
        int r = add_function(w, bus, dev, 0, id, &d);
        if (r < 0) {
            return r;
        }
        if (!(pci_read8(d, PCI_HEADER_TYPE) & PCI_HEADER_MULTIFUNCTION)) {
            continue;
        }
        for (u8 fn = 1; fn < 8; fn++) {
            id = probe_id(w, bus, dev, fn);
            if (id && (r = add_function(w, bus, dev, fn, id, &d)) < 0) {
                return r;
            }
        }
    }
    return 0;
}

int pci_enumerate(const struct pci_config_ops *ops, u16 segment, struct list_head *list)
{
    struct pci_walk *w = kzalloc(sizeof(*w));
    if (!w) {
        return -ENOMEM;
    }
    w->ops = ops;
    w->segment = segment;
    w->list = list;
    queue_bus(w, 0);
    int r = 0;
    for (unsigned i = 0; i < w->nqueued && r == 0; i++) {
        r = scan_bus(w, w->queue[i]);
    }
    int count = w->count;
    kfree(w);
    return r < 0 ? r : count;
}
