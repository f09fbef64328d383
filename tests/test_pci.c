// SPDX-License-Identifier: MIT
/* drivers/pci/pci_enum.c and pci_proc.c against a simulated bus: function
 * discovery (multifunction, missing functions, bridges, bridge loops), BAR
 * sizing, capability walks, config accessors and the /proc line. */
#include <abi/errno.h>
#include <drivers/pci.h>
#include <fs/pseudo.h>
#include <kernel/kmalloc.h>

#include <stdlib.h>
#include <string.h>

#include "fakes/pci_sim.h"
#include "harness.h"

HARNESS("test_pci");

static struct list_head devs;

static void free_list(void)
{
    while (!list_empty(&devs)) {
        struct pci_dev *d = list_first_entry(&devs, struct pci_dev, link);
        list_del(&d->link);
        kfree(d);
    }
}

static struct pci_dev *find(u8 bus, u8 dev, u8 fn)
{
    struct list_head *pos;
    list_for_each(pos, &devs)
    {
        struct pci_dev *d = list_entry(pos, struct pci_dev, link);
        if (d->bus == bus && d->dev == dev && d->fn == fn) {
            return d;
        }
    }
    return NULL;
}

static struct sim_fn *bridge(u8 bus, u8 dev, u8 secondary)
{
    struct sim_fn *f = sim_add(bus, dev, 0, 0x1b36, 0x000c, 0x060400, 1);
    sim_write8(f, PCI_PRIMARY_BUS, bus);
    sim_write8(f, PCI_SECONDARY_BUS, secondary);
    sim_write8(f, PCI_SUBORDINATE_BUS, secondary);
    return f;
}

/* The machine of most cases; see the expected list in enumerate_all. */
static void build_machine(void)
{
    sim_reset();
    sim_add(0, 0, 0, 0x8086, 0x1237, 0x060000, 0);
    sim_add(0, 1, 0, 0x8086, 0x7000, 0x060100, 0x80);
    sim_add(0, 1, 1, 0x8086, 0x7010, 0x010180, 0);
    /* 00:01.2 missing: reads all ones */
    sim_add(0, 1, 3, 0x8086, 0x7113, 0x068000, 0);

    struct sim_fn *nic = sim_add(0, 2, 0, 0x1af4, 0x1000, 0x020000, 0);
    nic->cfg[1] |= (PCI_COMMAND_IO | PCI_COMMAND_MEMORY) | (0x8000u << 16); /* a RW1C bit set */
    sim_bar(nic, 0, SIM_IO, false, 0xc000, 32);
    sim_bar(nic, 1, SIM_MEM32, false, 0xfebf1000, 4096);
    sim_bar(nic, 2, SIM_MEM64, true, 0xfe000000, 16384);
    sim_bar(nic, 4, SIM_MEM64, false, 0x800000000ull, 8ull << 30);
    sim_rom(nic, 0xfeb80000, 256 * 1024);
    nic->cfg[0x2c / 4] = 0x1af4 | (0x0001u << 16);
    nic->cfg[0x3c / 4] = 11 | (1u << 8);
    sim_cap(nic, 0x40, PCI_CAP_ID_VNDR, 0x50);
    sim_cap(nic, 0x50, PCI_CAP_ID_MSIX, 0x60);
    sim_write16(nic, 0x52, 3 - 1); /* table size 3 */
    sim_cap(nic, 0x60, PCI_CAP_ID_VNDR, 0x00);

    struct sim_fn *loopy = sim_add(0, 3, 0, 0x1234, 0x0001, 0xff0000, 0);
    sim_cap(loopy, 0x40, PCI_CAP_ID_VNDR, 0x50);
    sim_cap(loopy, 0x50, PCI_CAP_ID_VNDR, 0x40); /* loops */

    bridge(0, 4, 1);
    bridge(0, 5, 0); /* points back at bus 0: not followed */
    sim_add(1, 0, 0, 0x1af4, 0x1001, 0x010000, 0);
    bridge(1, 1, 1); /* points at its own bus */
    bridge(1, 2, 2);
    bridge(2, 0, 1); /* back to bus 1 */

    /* function 1 without function 0: not a device */
    sim_add(0, 6, 1, 0xdead, 0xbeef, 0x020000, 0);
    /* bus 3 is reached by no bridge */
    sim_add(3, 0, 0, 0xdead, 0xbeef, 0x020000, 0);
}

static void enumerate_all(void)
{
    static const u16 expect[][2] = {
        {0x0000, 0x8086}, {0x0008, 0x8086}, {0x0009, 0x8086}, {0x000b, 0x8086},
        {0x0010, 0x1af4}, {0x0018, 0x1234}, {0x0020, 0x1b36}, {0x0028, 0x1b36},
        {0x0100, 0x1af4}, {0x0108, 0x1b36}, {0x0110, 0x1b36}, {0x0200, 0x1b36},
    };
    build_machine();
    list_init(&devs);
    int n = pci_enumerate(&sim_ops, 0, &devs);
    CHECK_EQ(n, 12);
    unsigned i = 0;
    struct list_head *pos;
    list_for_each(pos, &devs)
    {
        struct pci_dev *d = list_entry(pos, struct pci_dev, link);
        CHECK(i < 12);
        CHECK_EQ((d->bus << 8) | (d->dev << 3) | d->fn, expect[i][0]);
        CHECK_EQ(d->vendor, expect[i][1]);
        i++;
    }
    CHECK_EQ(i, 12);
    CHECK(find(0, 1, 0)->header_type == 0); /* multifunction bit stripped */
    CHECK_EQ(find(0, 1, 1)->class_code, 0x01);
    CHECK_EQ(find(0, 1, 1)->prog_if, 0x80);
    CHECK_EQ(find(0, 4, 0)->header_type, 1);
    CHECK(find(0, 6, 1) == NULL);
    CHECK(find(3, 0, 0) == NULL);
    free_list();
    CHECK_EQ(sim_live_allocs, 0);
}

static void bars_sized_and_restored(void)
{
    build_machine();
    struct sim_fn *nic = sim_get(0, 2, 0);
    u32 before[16];
    memcpy(before, nic->cfg, sizeof(before));
    list_init(&devs);
    CHECK(pci_enumerate(&sim_ops, 0, &devs) > 0);
    CHECK_EQ(sim_bar_write_while_decoding, 0);
    CHECK(memcmp(before, nic->cfg, sizeof(before)) == 0); /* BARs, ROM, command, status */

    struct pci_dev *d = find(0, 2, 0);
    CHECK(d);
    CHECK_EQ(d->bars[0].type, PCI_BAR_IO);
    CHECK_EQ(d->bars[0].addr, 0xc000);
    CHECK_EQ(d->bars[0].size, 32);
    CHECK_EQ(d->bars[1].type, PCI_BAR_MEM32);
    CHECK_EQ(d->bars[1].addr, 0xfebf1000);
    CHECK_EQ(d->bars[1].size, 4096);
    CHECK(!d->bars[1].prefetchable);
    CHECK_EQ(d->bars[2].type, PCI_BAR_MEM64);
    CHECK(d->bars[2].prefetchable);
    CHECK_EQ(d->bars[2].addr, 0xfe000000);
    CHECK_EQ(d->bars[2].size, 16384);
    CHECK_EQ(d->bars[3].type, PCI_BAR_NONE);
    CHECK_EQ(d->bars[3].size, 0);
    CHECK_EQ(d->bars[4].type, PCI_BAR_MEM64);
    CHECK_EQ(d->bars[4].addr, 0x800000000ull);
    CHECK_EQ(d->bars[4].size, 8ull << 30);
    CHECK_EQ(d->bars[5].type, PCI_BAR_NONE);
    CHECK_EQ(d->rom_addr, 0xfeb80000);
    CHECK_EQ(d->rom_size, 256 * 1024);
    CHECK(!d->rom_enabled);
    CHECK_EQ(d->subsys_vendor, 0x1af4);
    CHECK_EQ(d->subsys_device, 0x0001);
    CHECK_EQ(d->irq_pin, 1);
    CHECK_EQ(d->irq_line, 11);
    CHECK_EQ(find(0, 0, 0)->bars[0].type, PCI_BAR_NONE);
    free_list();
}

static void capabilities(void)
{
    build_machine();
    list_init(&devs);
    CHECK(pci_enumerate(&sim_ops, 0, &devs) > 0);
    struct pci_dev *d = find(0, 2, 0);
    CHECK_EQ(d->msix_cap, 0x50);
    CHECK_EQ(d->msix_table_size, 3);
    CHECK_EQ(pci_find_cap(d, PCI_CAP_ID_VNDR, 0), 0x40);
    CHECK_EQ(pci_find_cap(d, PCI_CAP_ID_VNDR, 0x40), 0x60);
    CHECK_EQ(pci_find_cap(d, PCI_CAP_ID_VNDR, 0x60), 0);
    CHECK_EQ(pci_find_cap(d, PCI_CAP_ID_MSI, 0), 0);

    struct pci_dev *loopy = find(0, 3, 0);
    unsigned long w = sim_writes;
    CHECK_EQ(pci_find_cap(loopy, PCI_CAP_ID_MSIX, 0), 0); /* terminates */
    CHECK_EQ(loopy->msix_cap, 0);
    CHECK_EQ(sim_writes, w);
    /* No cap-list status bit: no walk at all. */
    CHECK_EQ(pci_find_cap(find(0, 0, 0), PCI_CAP_ID_MSIX, 0), 0);
    free_list();
}

static void config_accessors(void)
{
    build_machine();
    list_init(&devs);
    CHECK(pci_enumerate(&sim_ops, 0, &devs) > 0);
    struct pci_dev *d = find(0, 2, 0);
    struct sim_fn *f = sim_get(0, 2, 0);
    CHECK_EQ(pci_read16(d, PCI_VENDOR_ID), 0x1af4);
    CHECK_EQ(pci_read16(d, PCI_DEVICE_ID), 0x1000);
    CHECK_EQ(pci_read8(d, PCI_INTERRUPT_PIN), 1);
    CHECK_EQ(pci_read8(d, 0x53), 0);
    CHECK_EQ(pci_read16(d, PCI_STATUS) & 0x8000, 0x8000);

    /* COMMAND writes leave the RW1C status bits alone. */
    pci_write16(d, PCI_COMMAND, PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY);
    CHECK_EQ(f->cfg[1] & 0xffff, PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY);
    CHECK_EQ(pci_read16(d, PCI_STATUS) & 0x8000, 0x8000);
    pci_write8(d, PCI_COMMAND, PCI_COMMAND_IO);
    CHECK_EQ(pci_read16(d, PCI_COMMAND), PCI_COMMAND_IO);
    CHECK_EQ(pci_read16(d, PCI_STATUS) & 0x8000, 0x8000);
    /* A STATUS write of 1 clears that bit on purpose. */
    pci_write16(d, PCI_STATUS, 0x8000);
    CHECK_EQ(pci_read16(d, PCI_STATUS) & 0x8000, 0);
    CHECK_EQ(pci_read16(d, PCI_COMMAND), PCI_COMMAND_IO);

    pci_write8(d, PCI_INTERRUPT_LINE, 5);
    CHECK_EQ(pci_read8(d, PCI_INTERRUPT_LINE), 5);
    CHECK_EQ(pci_read8(d, PCI_INTERRUPT_PIN), 1);
    free_list();
}

static void out_of_memory(void)
{
    build_machine();
    list_init(&devs);
    sim_alloc_fail_after = 4; /* the walk state, then 3 functions */
    int n = pci_enumerate(&sim_ops, 0, &devs);
    sim_alloc_fail_after = -1;
    CHECK_EQ(n, -ENOMEM);
    int count = 0;
    struct list_head *pos;
    list_for_each(pos, &devs)
    {
        count++;
    }
    CHECK_EQ(count, 3);
    free_list();
    CHECK_EQ(sim_live_allocs, 0);
}

static void proc_line(void)
{
    build_machine();
    list_init(&devs);
    CHECK(pci_enumerate(&sim_ops, 0, &devs) > 0);
    struct pci_dev *d = find(0, 2, 0);
    d->driver = "virtio-pci";
    /* Format just this device. */
    struct list_head one;
    list_init(&one);
    list_del(&d->link);
    list_add(&d->link, &one);
    struct seq_buf s = {0};
    CHECK_EQ(pci_proc_format(&s, &one), 0);
    const char *want = "0010\t1af41000\tb"
                       "\t            c001\t        febf1000\t        fe00000c\t               0"
                       "\t       800000004\t               0\t        feb80000"
                       "\t              20\t            1000\t            4000\t               0"
                       "\t       200000000\t               0\t           40000"
                       "\tvirtio-pci\n";
    CHECK(s.buf != NULL);
    if (strcmp(s.buf, want) != 0) {
        printf("  got:  %s  want: %s", s.buf, want);
    }
    CHECK(strcmp(s.buf, want) == 0);
    free(s.buf);
    list_del(&d->link);
    kfree(d);

    /* The boot line says the same things. */
    char line[256];
    d = find(0, 3, 0);
    pci_describe(d, line, sizeof(line));
    CHECK(strcmp(line, "pci 0000:00:03.0: 1234:0001 class ff00 (other)") == 0);
    free_list();
}

static void describe_line(void)
{
    build_machine();
    list_init(&devs);
    CHECK(pci_enumerate(&sim_ops, 0, &devs) > 0);
    char line[512];
    pci_describe(find(0, 2, 0), line, sizeof(line));
    const char *want = "pci 0000:00:02.0: 1af4:1000 class 0200 (ethernet) subsys 1af4:0001 irq pin "
                       "A line 11 bars: io 0xc000/32 mem 0xfebf1000/4K mem64 0xfe000000/16K pref "
                       "mem64 0x800000000/8G rom 0xfeb80000/256K msix 3";
    if (strcmp(line, want) != 0) {
        printf("  got:  %s\n  want: %s\n", line, want);
    }
    CHECK(strcmp(line, want) == 0);
    pci_describe(find(0, 4, 0), line, sizeof(line));
    CHECK(strstr(line, "(PCI bridge)") && strstr(line, "bridge to bus 01"));
    /* Truncation stays inside the buffer and terminated. */
    char small[20];
    pci_describe(find(0, 2, 0), small, sizeof(small));
    CHECK_EQ(strlen(small), sizeof(small) - 1);
    free_list();
}

int main(void)
{
    RUN(enumerate_all);
    RUN(bars_sized_and_restored);
    RUN(capabilities);
    RUN(config_accessors);
    RUN(out_of_memory);
    RUN(proc_line);
    RUN(describe_line);
    sim_reset();
    HARNESS_EXIT();
}
