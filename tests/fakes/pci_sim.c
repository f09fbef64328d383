// SPDX-License-Identifier: MIT
/* Simulated PCI configuration space (see pci_sim.h). */
#include "fakes/pci_sim.h"

#include <fs/pseudo.h>
#include <kernel/format.h>
#include <kernel/kmalloc.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define STATUS_RW1C 0xf900u /* parity, SERR, aborts, master abort */

static struct sim_fn *fns[256][32][8];
int sim_bar_write_while_decoding;
unsigned long sim_writes;
long sim_alloc_fail_after = -1;
long sim_live_allocs;

void sim_reset(void)
{
    for (int b = 0; b < 256; b++) {
        for (int d = 0; d < 32; d++) {
            for (int f = 0; f < 8; f++) {
                free(fns[b][d][f]);
                fns[b][d][f] = NULL;
            }
        }
    }
    sim_bar_write_while_decoding = 0;
    sim_writes = 0;
}

struct sim_fn *sim_get(u8 bus, u8 dev, u8 fn)
{
    return fns[bus][dev & 31][fn & 7];
}

struct sim_fn *sim_add(u8 bus, u8 dev, u8 fn, u16 vendor, u16 device, u32 class, u8 header)
{
    struct sim_fn *f = calloc(1, sizeof(*f));
    f->cfg[0] = vendor | ((u32)device << 16);
    f->cfg[1] = 0;
    f->wmask[1] = 0x0000ffffu & 0x0547u; /* io, mem, master, serr, intx disable */
    f->cfg[2] = (class << 8) | 0x01;
    f->cfg[3] = (u32)header << 16;
    f->wmask[0x3c / 4] = 0xff; /* interrupt line */
    fns[bus][dev][fn] = f;
    return f;
}

void sim_bar(struct sim_fn *f, unsigned i, enum sim_bar_kind kind, bool pref, u64 addr, u64 size)
{
    unsigned w = 4 + i;
    u64 mask = ~(size - 1);
    switch (kind) {
    case SIM_IO:
        f->cfg[w] = (u32)addr | 1;
        f->wmask[w] = (u32)mask & 0xfffcu; /* 16-bit decode: upper bits read 0 */
        break;
    case SIM_MEM32:
        f->cfg[w] = (u32)addr | (pref ? 8 : 0);
        f->wmask[w] = (u32)mask & 0xfffffff0u;
        break;
    case SIM_MEM64:
        f->cfg[w] = (u32)addr | 4 | (pref ? 8 : 0);
        f->wmask[w] = (u32)mask & 0xfffffff0u;
        f->cfg[w + 1] = (u32)(addr >> 32);
        f->wmask[w + 1] = (u32)(mask >> 32);
        break;
    }
}

void sim_rom(struct sim_fn *f, u32 addr, u32 size)
{
    unsigned w = (((f->cfg[3] >> 16) & 0x7f) == 1 ? 0x38 : 0x30) / 4;
    f->cfg[w] = addr;
    f->wmask[w] = (~(size - 1) & 0xfffff800u) | 1;
}

void sim_write8(struct sim_fn *f, u16 off, u8 v)
{
    u32 *p = &f->cfg[off / 4];
    unsigned s = (off & 3) * 8;
    *p = (*p & ~(0xffu << s)) | ((u32)v << s);
}

void sim_write16(struct sim_fn *f, u16 off, u16 v)
{
    sim_write8(f, off, v & 0xff);
    sim_write8(f, off + 1, v >> 8);
}

void sim_cap(struct sim_fn *f, u8 off, u8 id, u8 next)
{
    if (!(f->cfg[1] & (PCI_STATUS_CAP_LIST << 16))) {
        f->cfg[1] |= PCI_STATUS_CAP_LIST << 16;
        sim_write8(f, PCI_CAPABILITY_LIST, off);
    }
    sim_write8(f, off, id);
    sim_write8(f, off + 1, next);
}

static u32 sim_read32(void *ctx, u8 bus, u8 dev, u8 fn, u16 off)
{
    (void)ctx;
    struct sim_fn *f = sim_get(bus, dev, fn);
    if (!f || off >= 4096) {
        return 0xffffffffu;
    }
    return f->cfg[off / 4];
}

static void sim_write32(void *ctx, u8 bus, u8 dev, u8 fn, u16 off, u32 val)
{
    (void)ctx;
    struct sim_fn *f = sim_get(bus, dev, fn);
    sim_writes++;
    if (!f || off >= 4096 || (off & 3)) {
        return;
    }
    unsigned w = off / 4;
    u8 header = (f->cfg[3] >> 16) & 0x7f;
    unsigned nbars = header == 0 ? 6 : header == 1 ? 2 : 0;
    bool is_bar =
        (w >= 4 && w < 4 + nbars) || (header == 0 && off == 0x30) || (header == 1 && off == 0x38);
    if (is_bar && (f->cfg[1] & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY))) {
        sim_bar_write_while_decoding++;
    }
    if (w == 1) {
        u32 status = (f->cfg[1] >> 16) & ~((val >> 16) & STATUS_RW1C);
        f->cfg[1] = (status << 16) | (val & f->wmask[1]);
        return;
    }
    f->cfg[w] = (f->cfg[w] & ~f->wmask[w]) | (val & f->wmask[w]);
}

const struct pci_config_ops sim_ops = {sim_read32, sim_write32, NULL};

void *kmalloc(size_t size)
{
    if (size == 0) {
        return NULL;
    }
    if (sim_alloc_fail_after == 0) {
        return NULL;
    }
    if (sim_alloc_fail_after > 0) {
        sim_alloc_fail_after--;
    }
    sim_live_allocs++;
    return malloc(size);
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);
    if (p) {
        memset(p, 0, size);
    }
    return p;
}

void kfree(void *p)
{
    if (p) {
        sim_live_allocs--;
        free(p);
    }
}

int seq_buf_printf(struct seq_buf *s, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = kvsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (s->len + (size_t)n + 1 > s->cap) {
        size_t cap = (s->len + (size_t)n + 1) * 2;
        char *b = realloc(s->buf, cap);
        if (!b) {
            va_end(ap);
            s->overflow = true;
            return -12;
        }
        s->buf = b;
        s->cap = cap;
    }
    kvsnprintf(s->buf + s->len, s->cap - s->len, fmt, ap);
    va_end(ap);
    s->len += (size_t)n;
    return 0;
}
