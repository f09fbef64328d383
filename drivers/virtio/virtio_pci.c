/* Virtio PCI: placeholder until the transports land. */
#include <drivers/virtio_dev.h>

void virtio_pci_init(void)
{
}
