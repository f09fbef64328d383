/* PCI layer: placeholder until enumeration lands (see include/drivers/pci.h). */
#include <drivers/pci.h>
#include <fs/pseudo.h>

void pci_init(void)
{
}

int pci_proc_devices(struct seq_buf *s, void *arg)
{
    (void)s;
    (void)arg;
    return 0;
}
