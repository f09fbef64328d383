/* SPDX-License-Identifier: MIT */
/* Simulated PCI configuration space for host tests (tests/fakes/pci_sim.c):
 * functions with per-dword writable masks (BAR sizing reads back the
 * masks), RW1C status bits, and a check that no BAR is probed while its
 * function decodes. Also fakes kzalloc/kfree (with failure injection) and
 * seq_buf_printf. */
#ifndef TESTS_FAKES_PCI_SIM_H
#define TESTS_FAKES_PCI_SIM_H

#include <drivers/pci.h>

struct sim_fn {
    u32 cfg[1024];
    u32 wmask[1024]; /* writable bits per dword (BARs: address bits) */
};

/* Creates (zeroed) function bus:dev.fn with vendor/device and class
 * (class_code << 16 | subclass << 8 | prog_if) and header type. */
struct sim_fn *sim_add(u8 bus, u8 dev, u8 fn, u16 vendor, u16 device, u32 class, u8 header);
struct sim_fn *sim_get(u8 bus, u8 dev, u8 fn);
void sim_reset(void);

enum sim_bar_kind { SIM_IO, SIM_MEM32, SIM_MEM64 };
/* BAR i (and i+1 for SIM_MEM64) decoding size bytes at addr. */
void sim_bar(struct sim_fn *f, unsigned i, enum sim_bar_kind kind, bool pref, u64 addr, u64 size);
void sim_rom(struct sim_fn *f, u32 addr, u32 size);
/* Capability id at off, pointing to next; sets the status cap-list bit
 * and the list head if it is the first. */
void sim_cap(struct sim_fn *f, u8 off, u8 id, u8 next);
void sim_write8(struct sim_fn *f, u16 off, u8 v);
void sim_write16(struct sim_fn *f, u16 off, u16 v);

extern const struct pci_config_ops sim_ops;
/* Set when a BAR was written while I/O or memory decoding was on. */
extern int sim_bar_write_while_decoding;
extern unsigned long sim_writes;

/* kzalloc fails once this many more allocations succeeded (-1: never). */
extern long sim_alloc_fail_after;
extern long sim_live_allocs;

#endif
