// SPDX-License-Identifier: MIT
/* Host tests for the ACPI table parser (arch/x86_64/acpi.c). Tables are built
 * in a fake physical memory; map() hands out exactly-sized heap copies so
 * ASan catches any read past what the parser asked to map. */
#include <abi/errno.h>
#include <arch/x86_64/acpi.h>
#include <kernel/compiler.h>
#include <string.h>

#include "harness.h"

HARNESS("test_acpi");

#define MEM_SIZE 0x200000
#define REFUSED_PHYS 0x100000000ull /* beyond MEM_SIZE: map() says no */

#define RSDT_AT 0x100000
#define XSDT_AT 0x100800
#define MADT_AT 0x101000
#define FADT_AT 0x102000
#define DSDT_AT 0x103000
#define HPET_AT 0x104000
#define MCFG_AT 0x105000
#define SSDT_AT 0x106000
#define MADT2_AT 0x107000

static unsigned char mem[MEM_SIZE];
static void **maps;
static size_t nmaps, cap_maps;
static size_t map_calls;

static const void *fake_map(phys_addr_t phys, size_t len)
{
    void *copy;

    map_calls++;
    if (phys >= MEM_SIZE || len > MEM_SIZE - phys) {
        return NULL;
    }
    copy = malloc(len ? len : 1);
    if (!copy) {
        abort();
    }
    memcpy(copy, mem + phys, len);
    if (nmaps == cap_maps) {
        cap_maps = cap_maps ? cap_maps * 2 : 64;
        maps = realloc(maps, cap_maps * sizeof(*maps));
        if (!maps) {
            abort();
        }
    }
    maps[nmaps++] = copy;
    return copy;
}

static void release_maps(void)
{
    for (size_t i = 0; i < nmaps; i++) {
        free(maps[i]);
    }
    nmaps = 0;
}

static void reset(void)
{
    release_maps();
    memset(mem, 0, sizeof(mem));
    map_calls = 0;
}

static void w8(u64 at, u8 v)
{
    mem[at] = v;
}

static void w16(u64 at, u16 v)
{
    memcpy(mem + at, &v, 2);
}

static void w32(u64 at, u32 v)
{
    memcpy(mem + at, &v, 4);
}

static void w64(u64 at, u64 v)
{
    memcpy(mem + at, &v, 8);
}

static void wbytes(u64 at, const void *p, size_t n)
{
    memcpy(mem + at, p, n);
}

static u8 sum(const u8 *p, size_t n)
{
    u8 s = 0;
    for (size_t i = 0; i < n; i++) {
        s += p[i];
    }
    return s;
}

static void header(u64 at, const char *sig, u32 len, u8 rev)
{
    memcpy(mem + at, sig, 4);
    w32(at + 4, len);
    w8(at + 8, rev);
    memcpy(mem + at + 10, "KILNOE", 6);
}

/* Sets the checksum byte so the table sums to zero. */
static void fix(u64 at)
{
    u32 len;
    memcpy(&len, mem + at + 4, 4);
    mem[at + 9] = 0;
    mem[at + 9] = (u8)(0x100 - sum(mem + at, len));
}

static void gas(u64 at, u8 space, u64 addr)
{
    w8(at, space);
    w8(at + 1, 8);
    w8(at + 2, 0);
    w8(at + 3, 1);
    w64(at + 4, addr);
}

static void make_rsdp(u8 *buf, u8 rev, u32 rsdt, u64 xsdt)
{
    memset(buf, 0, 36);
    memcpy(buf, "RSD PTR ", 8);
    memcpy(buf + 9, "KILNOE", 6);
    buf[15] = rev;
    memcpy(buf + 16, &rsdt, 4);
    if (rev >= 2) {
        u32 len = 36;
        memcpy(buf + 20, &len, 4);
        memcpy(buf + 24, &xsdt, 8);
    }
    buf[8] = (u8)(0x100 - sum(buf, 20));
    if (rev >= 2) {
        buf[32] = (u8)(0x100 - sum(buf, 36));
    }
}

static void make_rsdt(const u32 *entries, int n)
{
    header(RSDT_AT, "RSDT", 36 + 4 * n, 1);
    for (int i = 0; i < n; i++) {
        w32(RSDT_AT + 36 + 4 * i, entries[i]);
    }
    fix(RSDT_AT);
}

static void make_xsdt(const u64 *entries, int n)
{
    header(XSDT_AT, "XSDT", 36 + 8 * n, 1);
    for (int i = 0; i < n; i++) {
        w64(XSDT_AT + 36 + 8 * i, entries[i]);
    }
    fix(XSDT_AT);
}

/* MADT: LAPIC base 0xfee00000, PCAT_COMPAT; 2 CPUs, 1 IOAPIC, ISOs IRQ0->2 and
 * IRQ9 level/active-low, LAPIC NMI, LAPIC address override. Returns length. */
static u32 make_madt(u64 at)
{
    u64 p = at + 44;

    w32(at + 36, 0xfee00000);
    w32(at + 40, 1);
    /* LAPIC uid 0 id 0 enabled; uid 1 id 1 enabled */
    w8(p, 0), w8(p + 1, 8), w8(p + 2, 0), w8(p + 3, 0), w32(p + 4, 1), p += 8;
    w8(p, 0), w8(p + 1, 8), w8(p + 2, 1), w8(p + 3, 1), w32(p + 4, 1), p += 8;
    /* IOAPIC id 2 at 0xfec00000, GSI base 0 */
    w8(p, 1), w8(p + 1, 12), w8(p + 2, 2), w32(p + 4, 0xfec00000), w32(p + 8, 0), p += 12;
    /* ISO bus 0 irq 0 -> GSI 2, conforms */
    w8(p, 2), w8(p + 1, 10), w8(p + 2, 0), w8(p + 3, 0), w32(p + 4, 2), w16(p + 8, 0), p += 10;
    /* ISO bus 0 irq 9 -> GSI 9, level, active low */
    w8(p, 2), w8(p + 1, 10), w8(p + 2, 0), w8(p + 3, 9), w32(p + 4, 9);
    w16(p + 8, ACPI_TRIG_LEVEL | ACPI_POL_LOW), p += 10;
    /* NMI source (type 3): ignored */
    w8(p, 3), w8(p + 1, 8), w16(p + 2, 0), w32(p + 4, 0), p += 8;
    /* LAPIC NMI: all processors, LINT1 */
    w8(p, 4), w8(p + 1, 6), w8(p + 2, 0xff), w16(p + 3, 0), w8(p + 5, 1), p += 6;
    /* LAPIC address override */
    w8(p, 5), w8(p + 1, 12), w16(p + 2, 0), w64(p + 4, 0xfee10000ull), p += 12;
    /* unknown type 0x7f with a sane length: skipped */
    w8(p, 0x7f), w8(p + 1, 4), p += 4;

    header(at, "APIC", (u32)(p - at), 3);
    fix(at);
    return (u32)(p - at);
}

/* DSDT: some AML noise, a decoy "_S5_" reference, then body. */
static void make_dsdt(u64 at, const u8 *s5, size_t s5_len)
{
    static const u8 noise[] = {
        0x10, 0x0b, 0x5c, 0x5f, 0x53, 0x42, 0x5f, /* Scope (\_SB_) ... */
        0x5f, 0x53, 0x35, 0x5f, 0x70, /* "_S5_" not after NameOp */
        0x08, 0x5f, 0x53, 0x35, 0x5f, 0x0a, 0x01, /* Name(_S5_, 1): not a package */
    };
    u64 p = at + 36;

    wbytes(p, noise, sizeof(noise));
    p += sizeof(noise);
    wbytes(p, s5, s5_len);
    p += s5_len;
    header(at, "DSDT", (u32)(p - at), 2);
    fix(at);
}

/* Name(_S5_, Package(4) {0x05, 0x06, 0, 0}) with BytePrefix. */
static const u8 s5_byteprefix[] = {
    0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a, 0x05, 0x0a, 0x06, 0x00, 0x00,
};

static void make_fadt(u64 at, u32 len, u8 rev)
{
    header(at, "FACP", len, rev);
    w32(at + 40, 0x1ff000); /* legacy DSDT: wrong on purpose, X_DSDT wins */
    w16(at + 46, 9);
    w32(at + 48, 0xb2);
    w8(at + 52, 0xf1);
    w8(at + 53, 0xf0);
    w32(at + 64, 0x604);
    w32(at + 68, 0);
    w32(at + 76, 0x608);
    w8(at + 108, 0x32);
    w16(at + 109, ACPI_BOOT_LEGACY_DEVICES | ACPI_BOOT_8042);
    w32(at + 112, (1u << 10) | (1u << 8));
    gas(at + 116, ACPI_GAS_IO, 0xcf9);
    w8(at + 128, 0x06);
    w64(at + 140, DSDT_AT);
    gas(at + 172, ACPI_GAS_IO, 0x1004); /* X_PM1a_CNT preferred over 0x604 */
    gas(at + 208, ACPI_GAS_IO, 0x1008); /* X_PM_TMR */
    fix(at);
}

static void make_hpet(u64 at)
{
    header(at, "HPET", 56, 1);
    w32(at + 36, 0x8086a201);
    gas(at + 40, ACPI_GAS_MEMORY, 0xfed00000);
    fix(at);
}

static void make_mcfg(u64 at)
{
    header(at, "MCFG", 60, 1);
    w64(at + 44, 0xb0000000);
    w16(at + 52, 0);
    w8(at + 54, 0);
    w8(at + 55, 0xff);
    fix(at);
}

static void make_ssdt(u64 at)
{
    header(at, "SSDT", 40, 1);
    fix(at);
}

/* Everything, reachable through an RSDT; returns a v1 RSDP in buf. */
static void build_all(u8 *rsdp)
{
    u32 e[] = {MADT_AT, FADT_AT, 0, HPET_AT, MCFG_AT, SSDT_AT};

    reset();
    make_madt(MADT_AT);
    make_fadt(FADT_AT, 244, 3);
    make_dsdt(DSDT_AT, s5_byteprefix, sizeof(s5_byteprefix));
    make_hpet(HPET_AT);
    make_mcfg(MCFG_AT);
    make_ssdt(SSDT_AT);
    make_rsdt(e, 6);
    make_rsdp(rsdp, 0, RSDT_AT, 0);
}

static bool skipped(const struct acpi_info *info, const char *sig, const char *why)
{
    for (u32 i = 0; i < info->nskipped && i < ACPI_MAX_SKIPPED; i++) {
        if (strcmp(info->skipped[i].sig, sig) == 0 &&
            (!why || strcmp(info->skipped[i].why, why) == 0)) {
            return true;
        }
    }
    return false;
}

static struct acpi_info info;

static void test_rsdt_full(void)
{
    u8 rsdp[36];
    const char *err = NULL;

    build_all(rsdp);
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, &err), 0);
    CHECK(!info.used_xsdt);
    CHECK_EQ(info.rsdp_revision, 0);
    CHECK(strcmp(info.oem_id, "KILNOE") == 0);
    CHECK_EQ(info.nskipped, 0);

    CHECK(info.has_madt);
    CHECK_EQ(info.lapic_phys, 0xfee10000ull);
    CHECK(info.has_8259);
    CHECK(!info.madt_malformed);
    CHECK_EQ(info.ncpus, 2);
    CHECK_EQ(info.cpus[0].apic_id, 0);
    CHECK_EQ(info.cpus[1].apic_id, 1);
    CHECK_EQ(info.cpus[1].uid, 1);
    CHECK(info.cpus[0].enabled && info.cpus[1].enabled);
    CHECK_EQ(info.nioapics, 1);
    CHECK_EQ(info.ioapics[0].id, 2);
    CHECK_EQ(info.ioapics[0].phys, 0xfec00000u);
    CHECK_EQ(info.ioapics[0].gsi_base, 0);
    CHECK_EQ(info.nisos, 2);
    CHECK_EQ(info.nlapic_nmis, 1);
    CHECK_EQ(info.lapic_nmis[0].uid, 0xff);
    CHECK_EQ(info.lapic_nmis[0].lint, 1);

    CHECK(info.has_fadt);
    CHECK_EQ(info.fadt_revision, 3);
    CHECK_EQ(info.sci_int, 9);
    CHECK_EQ(info.smi_cmd, 0xb2);
    CHECK_EQ(info.acpi_enable, 0xf1);
    CHECK_EQ(info.acpi_disable, 0xf0);
    CHECK_EQ(info.pm1a_cnt_blk, 0x1004);
    CHECK_EQ(info.pm1b_cnt_blk, 0);
    CHECK_EQ(info.pm_tmr_blk, 0x1008);
    CHECK(info.pm_tmr_32bit);
    CHECK_EQ(info.century, 0x32);
    CHECK_EQ(info.iapc_boot_arch, ACPI_BOOT_LEGACY_DEVICES | ACPI_BOOT_8042);
    CHECK(info.reset_supported);
    CHECK_EQ(info.reset_space, ACPI_GAS_IO);
    CHECK_EQ(info.reset_addr, 0xcf9);
    CHECK_EQ(info.reset_value, 6);

    CHECK_EQ(info.dsdt_phys, DSDT_AT);
    CHECK(info.has_s5);
    CHECK_EQ(info.slp_typa, 5);
    CHECK_EQ(info.slp_typb, 6);

    CHECK(info.has_hpet);
    CHECK_EQ(info.hpet_phys, 0xfed00000u);
    CHECK(info.has_mcfg);
    CHECK_EQ(info.mcfg_base, 0xb0000000u);
    CHECK_EQ(info.mcfg_segment, 0);
    CHECK_EQ(info.mcfg_bus_start, 0);
    CHECK_EQ(info.mcfg_bus_end, 0xff);
    release_maps();
}

static void test_irq_to_gsi(void)
{
    u8 rsdp[36];
    u16 flags = 0xffff;

    build_all(rsdp);
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, NULL), 0);
    release_maps();
    CHECK_EQ(acpi_irq_to_gsi(&info, 0, &flags), 2);
    CHECK_EQ(flags, 0);
    CHECK_EQ(acpi_irq_to_gsi(&info, 9, &flags), 9);
    CHECK_EQ(flags & ACPI_TRIG_MASK, ACPI_TRIG_LEVEL);
    CHECK_EQ(flags & ACPI_POL_MASK, ACPI_POL_LOW);
    flags = 0xffff;
    CHECK_EQ(acpi_irq_to_gsi(&info, 4, &flags), 4);
    CHECK_EQ(flags, 0);
    CHECK_EQ(acpi_irq_to_gsi(&info, 1, NULL), 1);

    /* Only ISA (bus 0) overrides apply. */
    info.isos[0].bus = 1;
    CHECK_EQ(acpi_irq_to_gsi(&info, 0, NULL), 0);
}

static void test_xsdt_preferred(void)
{
    u8 rsdp[36];
    u32 r[] = {MADT_AT};
    u64 x[] = {MADT_AT, REFUSED_PHYS, FADT_AT, HPET_AT, MCFG_AT};
    const char *err = NULL;

    build_all(rsdp);
    make_rsdt(r, 1);
    make_xsdt(x, 5);
    make_rsdp(rsdp, 2, RSDT_AT, XSDT_AT);
    CHECK_EQ(acpi_parse(rsdp, 36, fake_map, &info, &err), 0);
    CHECK(info.used_xsdt);
    CHECK_EQ(info.rsdp_revision, 2);
    CHECK(info.has_madt && info.has_fadt && info.has_hpet && info.has_mcfg && info.has_s5);
    /* The entry the map callback refuses is skipped with a reason. */
    CHECK_EQ(info.nskipped, 1);
    CHECK(skipped(&info, "????", "header not mappable"));
    CHECK_EQ(info.skipped[0].phys, REFUSED_PHYS);

    /* A v2 RSDP truncated to 20 bytes cannot vouch for the XSDT. */
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, &err), 0);
    CHECK(!info.used_xsdt);
    CHECK(info.has_madt && !info.has_fadt);
    release_maps();
}

static void test_xsdt_unmappable(void)
{
    u8 rsdp[36];
    const char *err = NULL;

    build_all(rsdp);
    make_rsdp(rsdp, 2, RSDT_AT, REFUSED_PHYS);
    CHECK_EQ(acpi_parse(rsdp, 36, fake_map, &info, &err), 0);
    CHECK(!info.used_xsdt);
    CHECK(info.has_madt && info.has_fadt);
    CHECK(skipped(&info, "XSDT", "header not mappable"));

    /* No RSDT to fall back to. */
    make_rsdp(rsdp, 2, 0, REFUSED_PHYS);
    err = NULL;
    CHECK_EQ(acpi_parse(rsdp, 36, fake_map, &info, &err), -EFAULT);
    CHECK(err != NULL);
    CHECK(!info.has_madt);

    /* XSDT present but its body runs past mappable memory. */
    make_xsdt((const u64[]){MADT_AT}, 1);
    w32(XSDT_AT + 4, MEM_SIZE);
    make_rsdp(rsdp, 2, 0, XSDT_AT);
    CHECK_EQ(acpi_parse(rsdp, 36, fake_map, &info, &err), -EFAULT);

    /* XSDT with a bad checksum falls back to the RSDT. */
    make_xsdt((const u64[]){MADT_AT}, 1);
    mem[XSDT_AT + 9] ^= 1;
    make_rsdp(rsdp, 2, RSDT_AT, XSDT_AT);
    CHECK_EQ(acpi_parse(rsdp, 36, fake_map, &info, &err), 0);
    CHECK(!info.used_xsdt);
    CHECK(skipped(&info, "XSDT", "bad checksum"));
    CHECK(info.has_fadt);

    /* Root table with the wrong signature and nothing else. */
    make_rsdp(rsdp, 0, MADT_AT, 0);
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, &err), -EINVAL);
    CHECK(strcmp(err, "unexpected signature") == 0);
    release_maps();
}

static void test_bad_rsdp(void)
{
    u8 rsdp[36];
    const char *err;

    build_all(rsdp);
    err = NULL;
    CHECK_EQ(acpi_parse(rsdp, 19, fake_map, &info, &err), -EINVAL);
    CHECK(err != NULL);
    CHECK_EQ(acpi_parse(NULL, 36, fake_map, &info, &err), -EINVAL);

    rsdp[3] = 'X';
    err = NULL;
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, &err), -EINVAL);
    CHECK(strcmp(err, "bad RSDP signature") == 0);

    make_rsdp(rsdp, 0, RSDT_AT, 0);
    rsdp[16] ^= 0x10;
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, &err), -EINVAL);
    CHECK(strcmp(err, "bad RSDP checksum") == 0);

    /* v2 with a bad extended checksum: XSDT ignored, RSDT used. */
    make_xsdt((const u64[]){MADT_AT}, 1);
    make_rsdp(rsdp, 2, RSDT_AT, XSDT_AT);
    rsdp[32] ^= 1;
    CHECK_EQ(acpi_parse(rsdp, 36, fake_map, &info, &err), 0);
    CHECK(!info.used_xsdt);
    CHECK(info.has_fadt);

    /* No root table address at all. */
    make_rsdp(rsdp, 0, 0, 0);
    err = NULL;
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, &err), -EINVAL);
    CHECK(err != NULL);
    release_maps();
}

static void test_bad_tables_skipped(void)
{
    u8 rsdp[36];
    u32 e[] = {MADT_AT, MADT2_AT, FADT_AT, HPET_AT, MCFG_AT};

    build_all(rsdp);
    /* First MADT has a bad checksum; the second, valid one is used. */
    make_madt(MADT2_AT);
    w32(MADT2_AT + 36, 0xfee20000);
    w8(MADT2_AT + 40, 0);
    fix(MADT2_AT);
    mem[MADT_AT + 50] ^= 0x5a;
    /* HPET checksum broken; MCFG length smaller than a header. */
    mem[HPET_AT + 20] ^= 1;
    w32(MCFG_AT + 4, 20);
    make_rsdt(e, 5);
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, NULL), 0);
    CHECK(info.has_madt);
    CHECK(!info.has_8259);
    CHECK_EQ(info.lapic_phys, 0xfee10000ull); /* the override still applies */
    CHECK(skipped(&info, "APIC", "bad checksum"));
    CHECK(!info.has_hpet);
    CHECK(skipped(&info, "HPET", "bad checksum"));
    CHECK(!info.has_mcfg);
    CHECK(skipped(&info, "MCFG", "length smaller than header"));
    CHECK(info.has_fadt && info.has_s5);
    CHECK_EQ(info.nskipped, 3);

    /* A duplicate valid MADT after a good one is ignored. */
    fix(MADT_AT);
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, NULL), 0);
    CHECK(info.has_8259);
    CHECK(skipped(&info, "APIC", "duplicate table"));

    /* Length past mappable memory; DSDT with a bad checksum. */
    w32(MADT_AT + 4, MEM_SIZE);
    w32(MADT2_AT + 4, 0xffffffff);
    mem[DSDT_AT + 40] ^= 1;
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, NULL), 0);
    CHECK(!info.has_madt);
    CHECK(skipped(&info, "APIC", "table not mappable"));
    CHECK(info.has_fadt);
    CHECK_EQ(info.dsdt_phys, DSDT_AT);
    CHECK(!info.has_s5);
    CHECK(skipped(&info, "DSDT", "bad checksum"));
    release_maps();
}

static void test_madt_entry_len0(void)
{
    u8 rsdp[36];

    build_all(rsdp);
    /* Third entry (the IOAPIC, at 44 + 16) gets length 0. */
    w8(MADT_AT + 60 + 1, 0);
    fix(MADT_AT);
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, NULL), 0);
    CHECK(info.has_madt);
    CHECK(info.madt_malformed);
    CHECK_EQ(info.ncpus, 2);
    CHECK_EQ(info.nioapics, 0);
    CHECK_EQ(info.nisos, 0);
    CHECK_EQ(info.lapic_phys, 0xfee00000u);

    /* Length 1 is as bad as 0. */
    w8(MADT_AT + 60 + 1, 1);
    fix(MADT_AT);
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, NULL), 0);
    CHECK(info.madt_malformed);
    CHECK_EQ(info.nioapics, 0);
    release_maps();
}

static void test_madt_entry_past_end(void)
{
    u8 rsdp[36];
    u32 len;

    build_all(rsdp);
    len = make_madt(MADT_AT);
    /* Last entry (4 bytes, type 0x7f) claims 40 bytes. */
    w8(MADT_AT + len - 4 + 1, 40);
    fix(MADT_AT);
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, NULL), 0);
    CHECK(info.madt_malformed);
    CHECK_EQ(info.lapic_phys, 0xfee10000ull);

    /* Table ends one byte into an entry header. */
    len = make_madt(MADT_AT);
    w8(MADT_AT + len, 0);
    header(MADT_AT, "APIC", len + 1, 3);
    fix(MADT_AT);
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, NULL), 0);
    CHECK(info.madt_malformed);
    CHECK_EQ(info.ncpus, 2);

    /* The LAPIC override runs past the end of the table. */
    len = make_madt(MADT_AT);
    header(MADT_AT, "APIC", len - 4 - 6, 3);
    fix(MADT_AT);
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, NULL), 0);
    CHECK(info.madt_malformed);
    CHECK_EQ(info.lapic_phys, 0xfee00000u);
    CHECK_EQ(info.nisos, 2);

    /* Known entry shorter than its layout (IOAPIC of length 2, the rest
     * moved up): ignored, the walk continues. */
    len = make_madt(MADT_AT);
    w8(MADT_AT + 60 + 1, 2);
    memmove(mem + MADT_AT + 62, mem + MADT_AT + 72, len - 72);
    header(MADT_AT, "APIC", len - 10, 3);
    fix(MADT_AT);
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, NULL), 0);
    CHECK(info.madt_malformed);
    CHECK_EQ(info.nioapics, 0);
    CHECK_EQ(info.nisos, 2);
    CHECK_EQ(info.lapic_phys, 0xfee10000ull);

    /* MADT shorter than its fixed part. */
    header(MADT_AT, "APIC", 40, 3);
    fix(MADT_AT);
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, NULL), 0);
    CHECK(!info.has_madt);
    CHECK(skipped(&info, "APIC", NULL));
    release_maps();
}

static void test_madt_x2apic_and_limits(void)
{
    u8 rsdp[36];
    u64 p = MADT_AT + 44;

    build_all(rsdp);
    memset(mem + MADT_AT, 0, 0x1000);
    w32(MADT_AT + 36, 0xfee00000);
    /* LAPIC id 0 enabled; LAPIC id 1 disabled but online capable;
     * x2APIC id 0 (duplicate, dropped) and id 300 enabled. */
    w8(p, 0), w8(p + 1, 8), w8(p + 2, 0), w8(p + 3, 0), w32(p + 4, 1), p += 8;
    w8(p, 0), w8(p + 1, 8), w8(p + 2, 1), w8(p + 3, 1), w32(p + 4, 2), p += 8;
    w8(p, 9), w8(p + 1, 16), w32(p + 4, 0), w32(p + 8, 1), w32(p + 12, 0), p += 16;
    w8(p, 9), w8(p + 1, 16), w32(p + 4, 300), w32(p + 8, 1), w32(p + 12, 7), p += 16;
    /* x2APIC NMI */
    w8(p, 0xa), w8(p + 1, 12), w16(p + 2, 5), w32(p + 4, 0xffffffff), w8(p + 8, 1), p += 12;
    /* 70 more CPUs and 10 IOAPICs, 30 ISOs: truncated */
    for (int i = 0; i < 70; i++) {
        w8(p, 0), w8(p + 1, 8), w8(p + 2, 10 + i), w8(p + 3, 10 + i), w32(p + 4, 1), p += 8;
    }
    for (int i = 0; i < 10; i++) {
        w8(p, 1), w8(p + 1, 12), w8(p + 2, i), w32(p + 4, 0xfec00000 + 0x1000 * i);
        w32(p + 8, 24 * i), p += 12;
    }
    for (int i = 0; i < 30; i++) {
        w8(p, 2), w8(p + 1, 10), w8(p + 3, i), w32(p + 4, i), p += 10;
    }
    header(MADT_AT, "APIC", (u32)(p - MADT_AT), 5);
    fix(MADT_AT);
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, NULL), 0);
    CHECK(!info.has_8259);
    CHECK(!info.madt_malformed);
    CHECK_EQ(info.ncpus, ACPI_MAX_CPUS);
    CHECK(info.cpus_truncated);
    CHECK(info.cpus[0].enabled);
    CHECK(!info.cpus[1].enabled);
    CHECK(info.cpus[1].online_capable);
    CHECK_EQ(info.cpus[2].apic_id, 300);
    CHECK_EQ(info.cpus[2].uid, 7);
    CHECK(info.cpus[2].enabled);
    CHECK_EQ(info.nlapic_nmis, 1);
    CHECK_EQ(info.lapic_nmis[0].uid, 0xffffffffu);
    CHECK_EQ(info.lapic_nmis[0].flags, 5);
    CHECK_EQ(info.nioapics, ACPI_MAX_IOAPICS);
    CHECK(info.ioapics_truncated);
    CHECK_EQ(info.ioapics[7].gsi_base, 24 * 7);
    CHECK_EQ(info.nisos, ACPI_MAX_ISOS);
    CHECK(info.isos_truncated);
    release_maps();
}

static void parse_with_s5(const u8 *s5, size_t len)
{
    u8 rsdp[36];

    build_all(rsdp);
    make_dsdt(DSDT_AT, s5, len);
    if (acpi_parse(rsdp, 20, fake_map, &info, NULL) != 0) {
        info.has_fadt = false;
    }
    release_maps();
}

static void test_s5_encodings(void)
{
    /* ZeroOp/OneOp with a root prefix: Package(4) {One, Zero, Zero, Zero} */
    static const u8 zero_one[] = {
        0x08, '\\', '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x01, 0x00, 0x00, 0x00,
    };
    /* Two-byte PkgLength (6), Package(2) {0x07, One}, then unrelated bytes */
    static const u8 two_byte_len[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x46, 0x00, 0x02, 0x0a, 0x07, 0x01, 0x00, 0x00,
    };
    /* One packed WordPrefix element: a = 5, b = 3 */
    static const u8 packed_one[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x01, 0x0b, 0x05, 0x03,
    };

    parse_with_s5(s5_byteprefix, sizeof(s5_byteprefix));
    CHECK(info.has_fadt && info.has_s5);
    CHECK_EQ(info.slp_typa, 5);
    CHECK_EQ(info.slp_typb, 6);

    parse_with_s5(zero_one, sizeof(zero_one));
    CHECK(info.has_s5);
    CHECK_EQ(info.slp_typa, 1);
    CHECK_EQ(info.slp_typb, 0);

    parse_with_s5(two_byte_len, sizeof(two_byte_len));
    CHECK(info.has_s5);
    CHECK_EQ(info.slp_typa, 7);
    CHECK_EQ(info.slp_typb, 1);

    parse_with_s5(packed_one, sizeof(packed_one));
    CHECK(info.has_s5);
    CHECK_EQ(info.slp_typa, 5);
    CHECK_EQ(info.slp_typb, 3);
}

static void test_s5_malformed(void)
{
    /* PkgLength runs past the end of the DSDT */
    static const u8 too_long[] = {0x08, '_', 'S', '5', '_', 0x12, 0x30, 0x04, 0x0a, 0x05};
    /* Package ends before its second element */
    static const u8 short_pkg[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00,
    };
    /* Value does not fit SLP_TYP */
    static const u8 too_big[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 0x08, 0x00, 0x00,
    };
    /* Element is not an integer constant (a NameString) */
    static const u8 not_int[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x07, 0x02, 'A', 'B', 'C', 'D', 0x00,
    };
    /* Zero elements */
    static const u8 empty[] = {0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x00};
    /* Truncated right after the PackageOp / in a multi-byte PkgLength */
    static const u8 cut1[] = {0x08, '_', 'S', '5', '_', 0x12};
    static const u8 cut2[] = {0x08, '_', 'S', '5', '_', 0x12, 0x80, 0x00};
    /* PkgLength with reserved bits set */
    static const u8 bad_len[] = {0x08, '_', 'S', '5', '_', 0x12, 0x70, 0x00, 0x02, 0x00, 0x00};
    /* Method named _S5_ is not a package */
    static const u8 method[] = {0x14, 0x06, '_', 'S', '5', '_', 0x00, 0xa3};
    static const struct {
        const u8 *p;
        size_t n;
    } cases[] = {
        {too_long, sizeof(too_long)}, {short_pkg, sizeof(short_pkg)}, {too_big, sizeof(too_big)},
        {not_int, sizeof(not_int)},   {empty, sizeof(empty)},         {cut1, sizeof(cut1)},
        {cut2, sizeof(cut2)},         {bad_len, sizeof(bad_len)},     {method, sizeof(method)},
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        parse_with_s5(cases[i].p, cases[i].n);
        if (!info.has_fadt || info.has_s5) {
            printf("  case %zu\n", i);
        }
        CHECK(info.has_fadt);
        CHECK(!info.has_s5);
        CHECK_EQ(info.slp_typa, 0);
    }

    /* A bad candidate is passed over for a later clean one. */
    u8 both[sizeof(too_big) + sizeof(s5_byteprefix)];
    memcpy(both, too_big, sizeof(too_big));
    memcpy(both + sizeof(too_big), s5_byteprefix, sizeof(s5_byteprefix));
    parse_with_s5(both, sizeof(both));
    CHECK(info.has_s5);
    CHECK_EQ(info.slp_typa, 5);
}

static void test_fadt_variants(void)
{
    u8 rsdp[36];

    /* ACPI 1.0 FADT: 116 bytes, no reset register or X_ fields. */
    build_all(rsdp);
    make_fadt(FADT_AT, 116, 1);
    w32(FADT_AT + 40, DSDT_AT);
    fix(FADT_AT);
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, NULL), 0);
    CHECK(info.has_fadt);
    CHECK_EQ(info.fadt_revision, 1);
    CHECK_EQ(info.pm1a_cnt_blk, 0x604);
    CHECK_EQ(info.pm_tmr_blk, 0x608);
    CHECK_EQ(info.century, 0x32);
    CHECK_EQ(info.iapc_boot_arch, 0);
    CHECK(!info.reset_supported);
    CHECK_EQ(info.reset_addr, 0);
    CHECK_EQ(info.dsdt_phys, DSDT_AT);
    CHECK(info.has_s5);

    /* X_PM1a in memory space, X_DSDT zero: legacy fields used. */
    make_fadt(FADT_AT, 244, 4);
    gas(FADT_AT + 172, ACPI_GAS_MEMORY, 0xfe000000);
    gas(FADT_AT + 184, ACPI_GAS_IO, 0x70000); /* not a 16-bit port */
    w32(FADT_AT + 68, 0x640);
    w64(FADT_AT + 140, 0);
    w32(FADT_AT + 40, DSDT_AT);
    w32(FADT_AT + 112, 0);
    fix(FADT_AT);
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, NULL), 0);
    CHECK_EQ(info.pm1a_cnt_blk, 0x604);
    CHECK_EQ(info.pm1b_cnt_blk, 0x640);
    CHECK_EQ(info.dsdt_phys, DSDT_AT);
    CHECK(!info.reset_supported);
    CHECK(!info.pm_tmr_32bit);
    CHECK(info.has_s5);

    /* Full 276-byte FADT; DSDT address that map() refuses. */
    make_fadt(FADT_AT, 276, 6);
    w64(FADT_AT + 140, REFUSED_PHYS);
    fix(FADT_AT);
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, NULL), 0);
    CHECK(info.has_fadt);
    CHECK_EQ(info.dsdt_phys, REFUSED_PHYS);
    CHECK(!info.has_s5);
    CHECK(skipped(&info, "DSDT", "header not mappable"));

    /* FADT too short to hold even the DSDT pointer. */
    header(FADT_AT, "FACP", 40, 1);
    fix(FADT_AT);
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, NULL), 0);
    CHECK(!info.has_fadt);
    CHECK(skipped(&info, "FACP", "FADT too short"));
    CHECK(info.has_madt);
    release_maps();
}

static void test_hpet_mcfg_bad(void)
{
    u8 rsdp[36];

    build_all(rsdp);
    gas(HPET_AT + 40, ACPI_GAS_IO, 0x1234);
    fix(HPET_AT);
    header(MCFG_AT, "MCFG", 44, 1);
    fix(MCFG_AT);
    CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, NULL), 0);
    CHECK(!info.has_hpet);
    CHECK(!info.has_mcfg);
    CHECK(skipped(&info, "HPET", NULL));
    CHECK(skipped(&info, "MCFG", NULL));
    release_maps();
}

static void put_rsdp(u64 at, u8 rev)
{
    u8 buf[36];

    make_rsdp(buf, rev, RSDT_AT, rev >= 2 ? XSDT_AT : 0);
    wbytes(at, buf, rev >= 2 ? 36 : 20);
}

static void test_find_rsdp(void)
{
    phys_addr_t found = 0;

    reset();
    CHECK_EQ(acpi_find_rsdp(fake_map, &found), -ENOENT);

    /* A bad checksum copy first, then a good one further on. */
    put_rsdp(0xe0000 + 0x40 * 16, 0);
    mem[0xe0000 + 0x40 * 16 + 16] ^= 1;
    put_rsdp(0xf5a30, 2);
    CHECK_EQ(acpi_find_rsdp(fake_map, &found), 0);
    CHECK_EQ(found, 0xf5a30);
    release_maps();

    /* Not on a 16-byte boundary: not found. */
    reset();
    put_rsdp(0xf5a38, 0);
    CHECK_EQ(acpi_find_rsdp(fake_map, &found), -ENOENT);

    /* v2 with a bad extended checksum is rejected. */
    reset();
    put_rsdp(0xe0010, 2);
    mem[0xe0010 + 32] ^= 1;
    CHECK_EQ(acpi_find_rsdp(fake_map, &found), -ENOENT);

    /* Last slot of the BIOS area (the structure runs past 1 MiB). */
    reset();
    put_rsdp(0xffff0, 2);
    CHECK_EQ(acpi_find_rsdp(fake_map, &found), 0);
    CHECK_EQ(found, 0xffff0);

    /* The EBDA is searched first, up to its last 16-byte slot. */
    w16(0x40e, 0x9fc0);
    put_rsdp(0x9fc00 + 0x3f0, 0);
    CHECK_EQ(acpi_find_rsdp(fake_map, &found), 0);
    CHECK_EQ(found, 0x9fc00 + 0x3f0);

    /* ... but only its first KiB. */
    reset();
    w16(0x40e, 0x9fc0);
    put_rsdp(0x9fc00 + 0x400, 0);
    CHECK_EQ(acpi_find_rsdp(fake_map, &found), -ENOENT);

    /* A found RSDP parses. */
    {
        u8 rsdp_copy[36];
        u8 dummy[36];

        reset();
        build_all(dummy);
        put_rsdp(0xe0000 + 7 * 16, 2);
        make_xsdt((const u64[]){MADT_AT, FADT_AT}, 2);
        CHECK_EQ(acpi_find_rsdp(fake_map, &found), 0);
        CHECK_EQ(found, 0xe0070);
        memcpy(rsdp_copy, mem + found, 36);
        CHECK_EQ(acpi_parse(rsdp_copy, 36, fake_map, &info, NULL), 0);
        CHECK(info.used_xsdt);
        CHECK(info.has_madt && info.has_fadt && info.has_s5);
    }
    release_maps();
}

static u32 rng = 12345;

static u32 next_rand(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

/* Random MADT bodies and DSDT bodies with valid checksums: no crash, no
 * out-of-bounds read (the mapped copies are exactly sized). */
static void test_random_tables(void)
{
    u8 rsdp[36];

    for (int iter = 0; iter < 3000; iter++) {
        u32 mlen = 36 + next_rand() % 200;
        u32 dlen = 36 + next_rand() % 64;

        build_all(rsdp);
        for (u32 i = 36; i < mlen; i++) {
            u32 r = next_rand();
            /* bias toward small types and lengths */
            mem[MADT_AT + i] = (r & 3) == 0 ? (u8)(r >> 8) : (u8)((r >> 8) % 17);
        }
        header(MADT_AT, "APIC", mlen, 3);
        fix(MADT_AT);
        for (u32 i = 36; i < dlen; i++) {
            static const u8 alphabet[] = {0x08, '\\', '_',  'S',  '5',  0x12, 0x0a, 0x0b,
                                          0x0c, 0x00, 0x01, 0x02, 0x05, 0x40, 0x80, 0xff};
            mem[DSDT_AT + i] = alphabet[next_rand() % sizeof(alphabet)];
        }
        if (dlen >= 46 && (next_rand() & 1)) {
            memcpy(mem + DSDT_AT + 36 + next_rand() % (dlen - 45), "\x08_S5_\x12", 6);
        }
        header(DSDT_AT, "DSDT", dlen, 2);
        fix(DSDT_AT);
        CHECK_EQ(acpi_parse(rsdp, 20, fake_map, &info, NULL), 0);
        CHECK(info.ncpus <= ACPI_MAX_CPUS);
        CHECK(!info.has_s5 || (info.slp_typa <= 7 && info.slp_typb <= 7));
        release_maps();
    }
}

int main(void)
{
    RUN(test_rsdt_full);
    RUN(test_irq_to_gsi);
    RUN(test_xsdt_preferred);
    RUN(test_xsdt_unmappable);
    RUN(test_bad_rsdp);
    RUN(test_bad_tables_skipped);
    RUN(test_madt_entry_len0);
    RUN(test_madt_entry_past_end);
    RUN(test_madt_x2apic_and_limits);
    RUN(test_s5_encodings);
    RUN(test_s5_malformed);
    RUN(test_fadt_variants);
    RUN(test_hpet_mcfg_bad);
    RUN(test_find_rsdp);
    RUN(test_random_tables);
    release_maps();
    free(maps);
    HARNESS_EXIT();
}
