/* Host fake of the PCI configuration accessors for the virtio-pci tests:
 * pci_read8/16/32 and pci_write* through d->cfg, like drivers/pci does
 * (32-bit reads, narrower ones shifted out). */
#include <drivers/pci.h>

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
