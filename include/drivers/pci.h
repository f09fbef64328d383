/* SPDX-License-Identifier: MIT */
/* PCI (drivers/pci/): configuration-space access, bus enumeration, BARs,
 * capabilities and interrupts (MSI-X, or INTx through the IOAPIC).
 *
 * pci_init() walks every bus reachable from bus 0 (bridges give secondary
 * buses; multifunction devices give functions 1-7) through ECAM when ACPI
 * has an MCFG, else ports 0xCF8/0xCFC, and records each function in a
 * list kept in (bus, device, function) order; it logs one line per
 * function. Drivers then look devices up with pci_next() and claim them.
 * `pci=off` on the command line skips all of it.
 *
 * drivers/pci/pci_enum.c (the walk and BAR sizing) is portable: it reaches
 * configuration space only through struct pci_config_ops, so host tests
 * feed it a simulated bus. */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include <kernel/list.h>
#include <kernel/types.h>

/* Configuration-space registers (type 0 and 1 headers). */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_REVISION_ID 0x08 /* then prog-if, subclass, class */
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_PRIMARY_BUS 0x18 /* type 1 */
#define PCI_SECONDARY_BUS 0x19 /* type 1 */
#define PCI_SUBORDINATE_BUS 0x1a /* type 1 */
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c /* type 0 */
#define PCI_SUBSYSTEM_ID 0x2e /* type 0 */
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d

#define PCI_COMMAND_IO (1u << 0)
#define PCI_COMMAND_MEMORY (1u << 1)
#define PCI_COMMAND_MASTER (1u << 2)
#define PCI_COMMAND_INTX_DISABLE (1u << 10)
#define PCI_STATUS_CAP_LIST (1u << 4)
#define PCI_HEADER_TYPE_MASK 0x7f
#define PCI_HEADER_MULTIFUNCTION 0x80

#define PCI_CAP_ID_MSI 0x05
#define PCI_CAP_ID_VNDR 0x09
#define PCI_CAP_ID_MSIX 0x11

#define PCI_CLASS_BRIDGE 0x06
#define PCI_SUBCLASS_PCI_BRIDGE 0x04

#define PCI_MAX_BARS 6

enum pci_bar_type {
    PCI_BAR_NONE = 0, /* not implemented (size 0) */
    PCI_BAR_IO,
    PCI_BAR_MEM32,
    PCI_BAR_MEM64, /* takes two BAR slots; the upper slot is PCI_BAR_NONE */
};

struct pci_bar {
    u8 type; /* enum pci_bar_type */
    bool prefetchable;
    u64 addr; /* port number or physical address, flag bits removed */
    u64 size; /* bytes; 0 when type is PCI_BAR_NONE */
};

/* How the walk reads and writes configuration space. off is 4-aligned
 * for 32-bit accesses. A missing function reads as all ones. */
struct pci_config_ops {
    u32 (*read32)(void *ctx, u8 bus, u8 dev, u8 fn, u16 off);
    void (*write32)(void *ctx, u8 bus, u8 dev, u8 fn, u16 off, u32 val);
    void *ctx;
};

struct pci_dev {
    struct list_head link; /* in the device list, (bus, dev, fn) order */
    u16 segment;
    u8 bus, dev, fn;
    u16 vendor, device;
    u16 subsys_vendor, subsys_device; /* type 0 only */
    u8 class_code, subclass, prog_if, revision;
    u8 header_type; /* without the multifunction bit */
    u8 irq_line, irq_pin; /* firmware's INTx routing; pin 0 = none */
    struct pci_bar bars[PCI_MAX_BARS];
    u8 msix_cap; /* config offset of the MSI-X capability, 0 = none */
    u16 msix_table_size; /* vectors the device offers */
    u32 rom_addr, rom_size; /* expansion ROM BAR (size 0: none) */
    bool rom_enabled;
    void *bar_virt[PCI_MAX_BARS]; /* pci_map_bar's mappings, made once */
    const struct pci_config_ops *cfg;

    /* Set by the driver that claims the device (pci_claim). */
    const char *driver;
    /* Interrupt mode in use: "MSI-X", "INTx" or NULL (none yet). */
    const char *irq_mode;
    u32 intx_gsi; /* INTx: the GSI the line is routed to */
};

/* Configuration-space access on a device. */
u8 pci_read8(const struct pci_dev *d, u16 off);
u16 pci_read16(const struct pci_dev *d, u16 off);
u32 pci_read32(const struct pci_dev *d, u16 off);
void pci_write8(const struct pci_dev *d, u16 off, u8 val);
void pci_write16(const struct pci_dev *d, u16 off, u16 val);
void pci_write32(const struct pci_dev *d, u16 off, u32 val);

/* Walks the buses with ops and appends every function found to list (new
 * struct pci_dev from kzalloc, in (bus, dev, fn) order), sizing BARs (the
 * BAR is restored afterwards, decoding off while it is probed) and finding
 * MSI-X. Bus numbers are taken as the firmware assigned them; a bridge
 * whose secondary bus is 0 or already seen is not followed. Returns the
 * number of functions, or -ENOMEM (the list then holds what was found). */
int pci_enumerate(const struct pci_config_ops *ops, u16 segment, struct list_head *list);

/* Capability walk: the config offset of the first capability with id after
 * the one at offset from (0: from the start of the list), or 0 if none, so
 * `for (c = pci_find_cap(d, id, 0); c; c = pci_find_cap(d, id, c))` visits
 * each. Stops after 48 entries (a looping list). */
u8 pci_find_cap(const struct pci_dev *d, u8 id, u8 from);

/* Boots the PCI layer (ECAM or ports, enumeration, log lines), unless
 * pci=off. Call once with interrupts enabled, before drivers probe. */
void pci_init(void);

/* Iterates the enumerated devices: pci_next(NULL) is the first, NULL ends. */
struct pci_dev *pci_next(struct pci_dev *prev);

/* Marks d as driven by driver (shown in logs); -EBUSY if already claimed. */
int pci_claim(struct pci_dev *d, const char *driver);

/* Turns on I/O and memory decoding and bus mastering. */
void pci_enable_device(struct pci_dev *d);

/* Maps memory BAR bar uncached; returns its virtual address or NULL (no such
 * memory BAR, or mapping failed). */
void *pci_map_bar(struct pci_dev *d, unsigned bar);

typedef void (*pci_irq_fn)(void *ctx);

/* MSI-X: allocates nvec CPU vectors, points table entries 0..nvec-1 at them
 * (entry i calls fn(ctx[i])), enables MSI-X and masks INTx. -ENODEV when
 * the device has no MSI-X, -ENOSPC when it offers fewer entries or no CPU
 * vectors are left, -EINVAL when the table BAR is unusable. */
int pci_enable_msix(struct pci_dev *d, unsigned nvec, pci_irq_fn fn, void *const ctx[],
                    const char *name);

/* Undoes pci_enable_msix: masks every entry, frees their CPU vectors,
 * turns MSI-X off and INTx back on (irq_mode becomes NULL). For a driver
 * that falls back to INTx after MSI-X turned out unusable. */
void pci_disable_msix(struct pci_dev *d);

/* INTx: routes the device's pin (firmware line, through the ACPI overrides;
 * level-triggered, active-low) to fn(ctx). Lines are shared: every handler
 * on a line runs on each interrupt and must check its device. -ENODEV when
 * the device has no pin or line. */
int pci_enable_intx(struct pci_dev *d, pci_irq_fn fn, void *ctx, const char *name);

/* /proc/bus/pci/devices in the Linux format (one line per function). */
struct seq_buf;
int pci_proc_devices(struct seq_buf *s, void *arg);
/* The same for the devices on list (portable, drivers/pci/pci_proc.c). */
int pci_proc_format(struct seq_buf *s, const struct list_head *list);
/* The one-line summary logged at boot for d, "pci 0000:00:03.0: ..." without
 * the newline, into buf (truncated to len). */
void pci_describe(const struct pci_dev *d, char *buf, size_t len);
/* Short name of the class ("ethernet", "host bridge", ...). */
const char *pci_class_name(const struct pci_dev *d);

#endif
