/* SPDX-License-Identifier: MIT */
/* Shared between the files of drivers/pci/. */
#ifndef DRIVERS_PCI_PCI_INTERNAL_H
#define DRIVERS_PCI_PCI_INTERNAL_H

#include <drivers/pci.h>

/* Picks ECAM when ACPI has an MCFG, else ports 0xCF8/0xCFC; logs which. */
const struct pci_config_ops *pci_config_select(u16 *segment);

#endif
