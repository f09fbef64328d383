// SPDX-License-Identifier: MIT
/* Text views of the device list: the boot log line and /proc/bus/pci/devices.
 * Portable (host-tested). */
#include <drivers/pci.h>
#include <fs/pseudo.h>
#include <kernel/format.h>

struct class_name {
    u8 class_code, subclass;
    const char *name;
};

static const struct class_name class_names[] = {
    {0x01, 0x01, "IDE"},          {0x01, 0x06, "SATA"},          {0x01, 0x08, "NVMe"},
    {0x01, 0x00, "SCSI"},         {0x01, 0xff, "storage"},       {0x02, 0x00, "ethernet"},
    {0x02, 0xff, "network"},      {0x03, 0x00, "VGA"},           {0x03, 0xff, "display"},
    {0x04, 0xff, "multimedia"},   {0x05, 0xff, "memory"},        {0x06, 0x00, "host bridge"},
    {0x06, 0x01, "ISA bridge"},   {0x06, 0x04, "PCI bridge"},    {0x06, 0x80, "bridge"},
    {0x06, 0xff, "bridge"},       {0x07, 0xff, "communication"}, {0x08, 0xff, "system"},
    {0x0c, 0x03, "USB"},          {0x0c, 0x05, "SMBus"},         {0x0c, 0xff, "serial bus"},
    {0x00, 0xff, "unclassified"},
};

const char *pci_class_name(const struct pci_dev *d)
{
    for (unsigned i = 0; i < sizeof(class_names) / sizeof(class_names[0]); i++) {
        const struct class_name *c = &class_names[i];
        if (c->class_code == d->class_code && (c->subclass == d->subclass || c->subclass == 0xff)) {
            return c->name;
        }
    }
    return "other";
}

/* "4K", "16M", or bytes below 1K. */
static int format_size(char *buf, size_t len, u64 size)
{
    static const char units[] = "KMGT";
    int u = -1;
    while (size >= 1024 && (size % 1024) == 0 && u < 3) {
        size /= 1024;
        u++;
    }
    if (u < 0) {
        return ksnprintf(buf, len, "%llu", (unsigned long long)size);
    }
    return ksnprintf(buf, len, "%llu%c", (unsigned long long)size, units[u]);
}

static const char *const bar_kind[] = {"none", "io", "mem", "mem64"};

void pci_describe(const struct pci_dev *d, char *buf, size_t len)
{
    size_t n = 0;
#define PUT(...)                                                                                   \
    do {                                                                                           \
        int w_ = ksnprintf(buf + n, n < len ? len - n : 0, __VA_ARGS__);                           \
        n += w_ > 0 ? (size_t)w_ : 0;                                                              \
        if (n >= len) {                                                                            \
            return;                                                                                \
        }                                                                                          \
    } while (0)

    PUT("pci %04x:%02x:%02x.%u: %04x:%04x class %02x%02x (%s)", d->segment, d->bus, d->dev, d->fn,
        d->vendor, d->device, d->class_code, d->subclass, pci_class_name(d));
    if (d->subsys_vendor || d->subsys_device) {
        PUT(" subsys %04x:%04x", d->subsys_vendor, d->subsys_device);
    }
    if (d->irq_pin) {
        PUT(" irq pin %c", 'A' + d->irq_pin - 1);
        if (d->irq_line && d->irq_line != 0xff) {
            PUT(" line %u", d->irq_line);
        } else {
            PUT(" no line");
        }
    }
    bool any = false;
    for (unsigned i = 0; i < PCI_MAX_BARS; i++) {
        const struct pci_bar *b = &d->bars[i];
        if (b->type == PCI_BAR_NONE || b->type > PCI_BAR_MEM64) {
            continue;
        }
        char sz[24];
        format_size(sz, sizeof(sz), b->size);
        PUT("%s %s %#llx/%s%s", any ? "" : " bars:", bar_kind[b->type], (unsigned long long)b->addr,
            sz, b->prefetchable ? " pref" : "");
        any = true;
    }
    if (d->rom_size) {
        char sz[24];
        format_size(sz, sizeof(sz), d->rom_size);
        PUT(" rom %#x/%s", d->rom_addr, sz);
    }
    if (d->msix_cap) {
        PUT(" msix %u", d->msix_table_size);
    }
    if (d->header_type == 1) {
        PUT(" bridge to bus %02x", pci_read8(d, PCI_SECONDARY_BUS));
    }
#undef PUT
}

/* The IRQ number Linux shows: the GSI once INTx is set up, else the
 * firmware's line. */
static unsigned proc_irq(const struct pci_dev *d)
{
    if (d->irq_mode && d->irq_mode[0] == 'I') {
        return d->intx_gsi;
    }
    return (d->irq_pin && d->irq_line != 0xff) ? d->irq_line : 0;
}

/* Start words carry the low flag bits of the raw BAR: bit 0 set for I/O;
 * for memory the type (bits 1-2) and prefetchable (bit 3). */
static u64 bar_start_word(const struct pci_bar *b)
{
    switch (b->type) {
    case PCI_BAR_IO:
        return b->addr | 1;
    case PCI_BAR_MEM32:
        return b->addr | (b->prefetchable ? 8 : 0);
    case PCI_BAR_MEM64:
        return b->addr | 4 | (b->prefetchable ? 8 : 0);
    default:
        return 0;
    }
}

static int proc_line(struct seq_buf *s, const struct pci_dev *d)
{
    int r = seq_buf_printf(s, "%02x%02x\t%04x%04x\t%x", d->bus, (d->dev << 3) | d->fn, d->vendor,
                           d->device, proc_irq(d));
    for (unsigned i = 0; i < PCI_MAX_BARS && r == 0; i++) {
        r = seq_buf_printf(s, "\t%16llx", (unsigned long long)bar_start_word(&d->bars[i]));
    }
    if (r == 0) {
        u64 rom = d->rom_size ? (d->rom_addr | (d->rom_enabled ? 1 : 0)) : 0;
        r = seq_buf_printf(s, "\t%16llx", (unsigned long long)rom);
    }
    for (unsigned i = 0; i < PCI_MAX_BARS && r == 0; i++) {
        r = seq_buf_printf(s, "\t%16llx", (unsigned long long)d->bars[i].size);
    }
    if (r == 0) {
        r = seq_buf_printf(s, "\t%16llx", (unsigned long long)d->rom_size);
    }
    if (r == 0) {
        r = seq_buf_printf(s, "\t%s\n", d->driver ? d->driver : "");
    }
    return r;
}

int pci_proc_format(struct seq_buf *s, const struct list_head *list)
{
    const struct list_head *pos;
    list_for_each(pos, list)
    {
        int r = proc_line(s, list_entry(pos, const struct pci_dev, link));
        if (r < 0) {
            return r;
        }
    }
    return 0;
}
