// SPDX-License-Identifier: MIT
/* ACPI static table parser. Every table read goes through the caller's map
 * callback and is length- and checksum-checked before use; a bad table is
 * recorded in info->skipped and ignored. */
#include <abi/errno.h>
#include <arch/x86_64/acpi.h>
#include <kernel/compiler.h>
#include <kernel/string.h>
#include <kernel/types.h>

#include "acpi_internal.h"

struct acpi_rsdp {
    char sig[8];
    u8 checksum;
    char oem_id[6];
    u8 revision;
    u32 rsdt;
    /* revision >= 2 */
    u32 length;
    u64 xsdt;
    u8 ext_checksum;
    u8 reserved[3];
} __packed;

struct acpi_gas {
    u8 space;
    u8 bit_width;
    u8 bit_offset;
    u8 access_size;
    u64 address;
} __packed;

struct acpi_madt {
    struct acpi_header hdr;
    u32 lapic_addr;
    u32 flags;
} __packed;

struct madt_entry {
    u8 type;
    u8 length;
} __packed;

struct madt_lapic {
    struct madt_entry e;
    u8 uid;
    u8 apic_id;
    u32 flags;
} __packed;

struct madt_ioapic {
    struct madt_entry e;
    u8 id;
    u8 reserved;
    u32 addr;
    u32 gsi_base;
} __packed;

struct madt_iso {
    struct madt_entry e;
    u8 bus;
    u8 source;
    u32 gsi;
    u16 flags;
} __packed;

struct madt_lapic_nmi {
    struct madt_entry e;
    u8 uid;
    u16 flags;
    u8 lint;
} __packed;

struct madt_lapic_override {
    struct madt_entry e;
    u16 reserved;
    u64 addr;
} __packed;

struct madt_x2apic {
    struct madt_entry e;
    u16 reserved;
    u32 x2apic_id;
    u32 flags;
    u32 uid;
} __packed;

struct madt_x2apic_nmi {
    struct madt_entry e;
    u16 flags;
    u32 uid;
    u8 lint;
    u8 reserved[3];
} __packed;

struct acpi_fadt {
    struct acpi_header hdr;
    u32 firmware_ctrl;
    u32 dsdt;
    u8 reserved0;
    u8 preferred_pm_profile;
    u16 sci_int;
    u32 smi_cmd;
    u8 acpi_enable;
    u8 acpi_disable;
    u8 s4bios_req;
    u8 pstate_cnt;
    u32 pm1a_evt_blk;
    u32 pm1b_evt_blk;
    u32 pm1a_cnt_blk;
    u32 pm1b_cnt_blk;
    u32 pm2_cnt_blk;
    u32 pm_tmr_blk;
    u32 gpe0_blk;
    u32 gpe1_blk;
    u8 pm1_evt_len;
    u8 pm1_cnt_len;
    u8 pm2_cnt_len;
    u8 pm_tmr_len;
    u8 gpe0_blk_len;
    u8 gpe1_blk_len;
    u8 gpe1_base;
    u8 cst_cnt;
    u16 p_lvl2_lat;
    u16 p_lvl3_lat;
    u16 flush_size;
    u16 flush_stride;
    u8 duty_offset;
    u8 duty_width;
    u8 day_alrm;
    u8 mon_alrm;
    u8 century;
    u16 iapc_boot_arch;
    u8 reserved1;
    u32 flags;
    struct acpi_gas reset_reg;
    u8 reset_value;
    u16 arm_boot_arch;
    u8 minor_version;
    u64 x_firmware_ctrl;
    u64 x_dsdt;
    struct acpi_gas x_pm1a_evt_blk;
    struct acpi_gas x_pm1b_evt_blk;
    struct acpi_gas x_pm1a_cnt_blk;
    struct acpi_gas x_pm1b_cnt_blk;
    struct acpi_gas x_pm2_cnt_blk;
    struct acpi_gas x_pm_tmr_blk;
    struct acpi_gas x_gpe0_blk;
    struct acpi_gas x_gpe1_blk;
    struct acpi_gas sleep_control_reg;
    struct acpi_gas sleep_status_reg;
    u64 hypervisor_vendor_id;
} __packed;

struct acpi_hpet {
    struct acpi_header hdr;
    u32 block_id;
    struct acpi_gas base;
    u8 hpet_number;
    u16 min_tick;
    u8 page_protection;
} __packed;

struct acpi_mcfg {
    struct acpi_header hdr;
    u8 reserved[8];
} __packed;

struct mcfg_alloc {
    u64 base;
    u16 segment;
    u8 bus_start;
    u8 bus_end;
    u32 reserved;
} __packed;

_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP layout");
_Static_assert(sizeof(struct acpi_header) == 36, "SDT header layout");
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS layout");
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT layout");
_Static_assert(sizeof(struct madt_lapic) == 8, "MADT LAPIC layout");
_Static_assert(sizeof(struct madt_ioapic) == 12, "MADT IOAPIC layout");
_Static_assert(sizeof(struct madt_iso) == 10, "MADT ISO layout");
_Static_assert(sizeof(struct madt_lapic_nmi) == 6, "MADT LAPIC NMI layout");
_Static_assert(sizeof(struct madt_lapic_override) == 12, "MADT LAPIC override layout");
_Static_assert(sizeof(struct madt_x2apic) == 16, "MADT x2APIC layout");
_Static_assert(sizeof(struct madt_x2apic_nmi) == 12, "MADT x2APIC NMI layout");
_Static_assert(__builtin_offsetof(struct acpi_fadt, sci_int) == 46, "FADT layout");
_Static_assert(__builtin_offsetof(struct acpi_fadt, pm1a_cnt_blk) == 64, "FADT layout");
_Static_assert(__builtin_offsetof(struct acpi_fadt, century) == 108, "FADT layout");
_Static_assert(__builtin_offsetof(struct acpi_fadt, flags) == 112, "FADT layout");
_Static_assert(__builtin_offsetof(struct acpi_fadt, reset_reg) == 116, "FADT layout");
_Static_assert(__builtin_offsetof(struct acpi_fadt, reset_value) == 128, "FADT layout");
_Static_assert(__builtin_offsetof(struct acpi_fadt, x_dsdt) == 140, "FADT layout");
_Static_assert(__builtin_offsetof(struct acpi_fadt, x_pm1a_cnt_blk) == 172, "FADT layout");
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT layout");
_Static_assert(sizeof(struct acpi_hpet) == 56, "HPET layout");
_Static_assert(sizeof(struct acpi_mcfg) == 44, "MCFG layout");
_Static_assert(sizeof(struct mcfg_alloc) == 16, "MCFG entry layout");

#define MADT_PCAT_COMPAT (1u << 0)
#define MADT_LAPIC_ENABLED (1u << 0)
#define MADT_LAPIC_ONLINE_CAPABLE (1u << 1)

#define FADT_TMR_VAL_EXT (1u << 8)
#define FADT_RESET_REG_SUP (1u << 10)

/* True if the first len bytes of the FADT cover the whole field. */
#define FADT_HAS(len, field)                                                                       \
    ((len) >=                                                                                      \
     __builtin_offsetof(struct acpi_fadt, field) + sizeof(((const struct acpi_fadt *)0)->field))

static u8 checksum(const void *p, size_t len)
{
    const u8 *b = p;
    u8 sum = 0;

    for (size_t i = 0; i < len; i++) {
        sum += b[i];
    }
    return sum;
}

static bool sig_eq(const char *sig, const char *want)
{
    return memcmp(sig, want, 4) == 0;
}

static void record_skip(struct acpi_info *info, const char *sig, phys_addr_t phys, const char *why)
{
    if (info->nskipped < ACPI_MAX_SKIPPED) {
        struct acpi_skipped *s = &info->skipped[info->nskipped];

        for (int i = 0; i < 4; i++) {
            char c = sig ? sig[i] : '?';
            s->sig[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
        }
        s->sig[4] = '\0';
        s->phys = phys;
        s->why = why;
    }
    info->nskipped++;
}

/* Maps and validates a whole table. Returns 0, -EFAULT if it cannot be
 * mapped, or -EINVAL if it is malformed; *why explains a failure. */
static int load_table(acpi_map_fn map, phys_addr_t phys, const char *want_sig,
                      const struct acpi_header **out, const char **why)
{
    const struct acpi_header *h;
    u32 len;

    if (phys == 0) {
        *why = "null table address";
        return -EINVAL;
    }
    h = map(phys, sizeof(*h));
    if (!h) {
        *why = "header not mappable";
        return -EFAULT;
    }
    len = h->length;
    if (want_sig && !sig_eq(h->sig, want_sig)) {
        *why = "unexpected signature";
        return -EINVAL;
    }
    if (len < sizeof(*h)) {
        *why = "length smaller than header";
        return -EINVAL;
    }
    if (phys + len < phys) {
        *why = "table wraps the address space";
        return -EINVAL;
    }
    h = map(phys, len);
    if (!h) {
        *why = "table not mappable";
        return -EFAULT;
    }
    if (h->length != len) {
        *why = "length changed between mappings";
        return -EINVAL;
    }
    if (checksum(h, len) != 0) {
        *why = "bad checksum";
        return -EINVAL;
    }
    *out = h;
    return 0;
}

static void add_cpu(struct acpi_info *info, u32 apic_id, u32 uid, u32 flags)
{
    for (u32 i = 0; i < info->ncpus; i++) {
        if (info->cpus[i].apic_id == apic_id) {
            return; /* listed as both LAPIC and x2APIC */
        }
    }
    if (info->ncpus >= ACPI_MAX_CPUS) {
        info->cpus_truncated = true;
        return;
    }
    info->cpus[info->ncpus++] = (struct acpi_cpu){
        .apic_id = apic_id,
        .uid = uid,
        .enabled = flags & MADT_LAPIC_ENABLED,
        .online_capable = flags & MADT_LAPIC_ONLINE_CAPABLE,
    };
}

static void add_lapic_nmi(struct acpi_info *info, u32 uid, u16 flags, u8 lint)
{
    if (info->nlapic_nmis >= ACPI_MAX_LAPIC_NMIS) {
        return;
    }
    info->lapic_nmis[info->nlapic_nmis++] = (struct acpi_lapic_nmi){
        .uid = uid,
        .flags = flags,
        .lint = lint,
    };
}

static void parse_madt_entry(struct acpi_info *info, const struct madt_entry *e)
{
    switch (e->type) {
    case 0: {
        const struct madt_lapic *l = (const void *)e;
        if (e->length < sizeof(*l)) {
            break;
        }
        add_cpu(info, l->apic_id, l->uid, l->flags);
        return;
    }
    case 1: {
        const struct madt_ioapic *io = (const void *)e;
        if (e->length < sizeof(*io)) {
            break;
        }
        if (info->nioapics >= ACPI_MAX_IOAPICS) {
            info->ioapics_truncated = true;
            return;
        }
        info->ioapics[info->nioapics++] = (struct acpi_ioapic){
            .id = io->id,
            .phys = io->addr,
            .gsi_base = io->gsi_base,
        };
        return;
    }
    case 2: {
        const struct madt_iso *iso = (const void *)e;
        if (e->length < sizeof(*iso)) {
            break;
        }
        if (info->nisos >= ACPI_MAX_ISOS) {
            info->isos_truncated = true;
            return;
        }
        info->isos[info->nisos++] = (struct acpi_iso){
            .bus = iso->bus,
            .irq = iso->source,
            .gsi = iso->gsi,
            .flags = iso->flags,
        };
        return;
    }
    case 4: {
        const struct madt_lapic_nmi *n = (const void *)e;
        if (e->length < sizeof(*n)) {
            break;
        }
        add_lapic_nmi(info, n->uid, n->flags, n->lint);
        return;
    }
    case 5: {
        const struct madt_lapic_override *o = (const void *)e;
        if (e->length < sizeof(*o)) {
            break;
        }
        info->lapic_phys = o->addr;
        return;
    }
    case 9: {
        const struct madt_x2apic *x = (const void *)e;
        if (e->length < sizeof(*x)) {
            break;
        }
        add_cpu(info, x->x2apic_id, x->uid, x->flags);
        return;
    }
    case 0xa: {
        const struct madt_x2apic_nmi *n = (const void *)e;
        if (e->length < sizeof(*n)) {
            break;
        }
        add_lapic_nmi(info, n->uid, n->flags, n->lint);
        return;
    }
    default:
        return; /* NMI sources, SAPIC, GIC, ...: not used */
    }
    info->madt_malformed = true; /* known type, entry too short */
}

static const char *parse_madt(struct acpi_info *info, const struct acpi_header *h)
{
    const struct acpi_madt *m = (const void *)h;
    const u8 *base = (const u8 *)h;
    u32 len = h->length;
    u32 off;

    if (len < sizeof(*m)) {
        return "MADT shorter than its fixed part";
    }
    info->has_madt = true;
    info->lapic_phys = m->lapic_addr;
    info->has_8259 = m->flags & MADT_PCAT_COMPAT;

    for (off = sizeof(*m); off < len;) {
        const struct madt_entry *e = (const void *)(base + off);

        if (len - off < sizeof(*e) || e->length < sizeof(*e) || e->length > len - off) {
            info->madt_malformed = true;
            break;
        }
        parse_madt_entry(info, e);
        off += e->length;
    }
    return NULL;
}

/* An I/O port from the X_ GAS when that is a nonzero 16-bit I/O address,
 * else from the legacy 32-bit field; 0 if that is no 16-bit port either. */
static u16 fadt_port(u32 legacy, const struct acpi_gas *x)
{
    if (x && x->address != 0 && x->address <= 0xffff && x->space == ACPI_GAS_IO) {
        return (u16)x->address;
    }
    return legacy <= 0xffff ? (u16)legacy : 0;
}

static const char *parse_fadt(struct acpi_info *info, const struct acpi_header *h)
{
    const struct acpi_fadt *f = (const void *)h;
    u32 len = h->length;

    if (!FADT_HAS(len, dsdt)) {
        return "FADT too short";
    }
    info->has_fadt = true;
    info->fadt_revision = h->revision;
    info->dsdt_phys = f->dsdt;
    if (FADT_HAS(len, x_dsdt) && f->x_dsdt != 0) {
        info->dsdt_phys = f->x_dsdt;
    }
    if (FADT_HAS(len, acpi_disable)) {
        info->sci_int = f->sci_int;
        info->smi_cmd = fadt_port(f->smi_cmd, NULL);
        info->acpi_enable = f->acpi_enable;
        info->acpi_disable = f->acpi_disable;
    }
    if (FADT_HAS(len, pm_tmr_blk)) {
        info->pm1a_cnt_blk =
            fadt_port(f->pm1a_cnt_blk, FADT_HAS(len, x_pm1a_cnt_blk) ? &f->x_pm1a_cnt_blk : NULL);
        info->pm1b_cnt_blk =
            fadt_port(f->pm1b_cnt_blk, FADT_HAS(len, x_pm1b_cnt_blk) ? &f->x_pm1b_cnt_blk : NULL);
        info->pm_tmr_blk =
            fadt_port(f->pm_tmr_blk, FADT_HAS(len, x_pm_tmr_blk) ? &f->x_pm_tmr_blk : NULL);
    }
    if (FADT_HAS(len, century)) {
        info->century = f->century;
    }
    /* Reserved (zero) in ACPI 1.0 FADTs. */
    if (FADT_HAS(len, iapc_boot_arch) && h->revision >= 2) {
        info->iapc_boot_arch = f->iapc_boot_arch;
    }
    if (FADT_HAS(len, flags)) {
        info->fadt_flags = f->flags;
        info->pm_tmr_32bit = f->flags & FADT_TMR_VAL_EXT;
    }
    if (FADT_HAS(len, reset_value)) {
        info->reset_supported = info->fadt_flags & FADT_RESET_REG_SUP;
        info->reset_space = f->reset_reg.space;
        info->reset_addr = f->reset_reg.address;
        info->reset_value = f->reset_value;
    }
    return NULL;
}

static const char *parse_hpet(struct acpi_info *info, const struct acpi_header *h)
{
    const struct acpi_hpet *t = (const void *)h;

    if (h->length < __builtin_offsetof(struct acpi_hpet, base) + sizeof(t->base)) {
        return "HPET table too short";
    }
    if (t->base.space != ACPI_GAS_MEMORY || t->base.address == 0) {
        return "HPET base not in memory space";
    }
    info->has_hpet = true;
    info->hpet_phys = t->base.address;
    return NULL;
}

static const char *parse_mcfg(struct acpi_info *info, const struct acpi_header *h)
{
    const struct mcfg_alloc *a = (const void *)((const u8 *)h + sizeof(struct acpi_mcfg));

    if (h->length < sizeof(struct acpi_mcfg) + sizeof(*a)) {
        return "MCFG has no allocation entry";
    }
    if (a->bus_end < a->bus_start) {
        return "MCFG bus range inverted";
    }
    info->has_mcfg = true;
    info->mcfg_base = a->base;
    info->mcfg_segment = a->segment;
    info->mcfg_bus_start = a->bus_start;
    info->mcfg_bus_end = a->bus_end;
    return NULL;
}

static void parse_entry(struct acpi_info *info, acpi_map_fn map, phys_addr_t phys)
{
    const struct acpi_header *h;
    const char *why = NULL;
    char sig[4];
    bool *have;

    if (phys == 0) {
        return;
    }
    h = map(phys, sizeof(*h));
    if (!h) {
        record_skip(info, NULL, phys, "header not mappable");
        return;
    }
    memcpy(sig, h->sig, 4);
    if (sig_eq(sig, "APIC")) {
        have = &info->has_madt;
    } else if (sig_eq(sig, "FACP")) {
        have = &info->has_fadt;
    } else if (sig_eq(sig, "HPET")) {
        have = &info->has_hpet;
    } else if (sig_eq(sig, "MCFG")) {
        have = &info->has_mcfg;
    } else {
        return;
    }
    if (*have) {
        record_skip(info, sig, phys, "duplicate table");
        return;
    }
    if (load_table(map, phys, sig, &h, &why) != 0) {
        record_skip(info, sig, phys, why);
        return;
    }
    if (have == &info->has_madt) {
        why = parse_madt(info, h);
    } else if (have == &info->has_fadt) {
        why = parse_fadt(info, h);
    } else if (have == &info->has_hpet) {
        why = parse_hpet(info, h);
    } else {
        why = parse_mcfg(info, h);
    }
    if (why) {
        record_skip(info, sig, phys, why);
    }
}

static void parse_dsdt(struct acpi_info *info, acpi_map_fn map)
{
    const struct acpi_header *h;
    const char *why;

    if (info->dsdt_phys == 0) {
        return;
    }
    if (load_table(map, info->dsdt_phys, "DSDT", &h, &why) != 0) {
        record_skip(info, "DSDT", info->dsdt_phys, why);
        return;
    }
    acpi_find_s5(info, h);
}

int acpi_parse(const void *rsdp, size_t rsdp_len, acpi_map_fn map, struct acpi_info *out,
               const char **err)
{
    const struct acpi_rsdp *r = rsdp;
    const struct acpi_header *root = NULL;
    const char *why = NULL, *dummy;
    u32 entry_size, n;
    int ret = -EINVAL;

    memset(out, 0, sizeof(*out));
    if (!err) {
        err = &dummy;
    }
    if (!r || rsdp_len < 20) {
        *err = "RSDP too short";
        return -EINVAL;
    }
    if (memcmp(r->sig, "RSD PTR ", 8) != 0) {
        *err = "bad RSDP signature";
        return -EINVAL;
    }
    if (checksum(r, 20) != 0) {
        *err = "bad RSDP checksum";
        return -EINVAL;
    }
    out->rsdp_revision = r->revision;
    memcpy(out->oem_id, r->oem_id, 6);
    out->oem_id[6] = '\0';

    /* The XSDT is only trusted if the extended RSDP part checks out. */
    if (r->revision >= 2 && rsdp_len >= sizeof(*r) && r->length >= sizeof(*r) &&
        r->length <= rsdp_len && checksum(r, r->length) == 0 && r->xsdt != 0) {
        ret = load_table(map, r->xsdt, "XSDT", &root, &why);
        if (ret == 0) {
            out->used_xsdt = true;
        } else {
            record_skip(out, "XSDT", r->xsdt, why);
        }
    }
    if (!root && r->rsdt != 0) {
        ret = load_table(map, r->rsdt, "RSDT", &root, &why);
        if (ret != 0) {
            record_skip(out, "RSDT", r->rsdt, why);
        }
    }
    if (!root) {
        *err = why ? why : "RSDP has no root table address";
        return ret;
    }

    entry_size = out->used_xsdt ? 8 : 4;
    n = (root->length - sizeof(*root)) / entry_size;
    for (u32 i = 0; i < n; i++) {
        const u8 *e = (const u8 *)root + sizeof(*root) + i * entry_size;
        phys_addr_t phys;

        if (entry_size == 8) {
            u64 v;
            memcpy(&v, e, 8);
            phys = v;
        } else {
            u32 v;
            memcpy(&v, e, 4);
            phys = v;
        }
        parse_entry(out, map, phys);
    }
    parse_dsdt(out, map);
    return 0;
}

static bool rsdp_valid(acpi_map_fn map, phys_addr_t phys)
{
    const struct acpi_rsdp *r = map(phys, 20);
    u32 len;

    if (!r || memcmp(r->sig, "RSD PTR ", 8) != 0 || checksum(r, 20) != 0) {
        return false;
    }
    if (r->revision < 2) {
        return true;
    }
    r = map(phys, sizeof(*r));
    if (!r) {
        return false;
    }
    len = r->length;
    if (len < sizeof(*r) || len > 4096) {
        return false;
    }
    r = map(phys, len);
    return r && checksum(r, len) == 0;
}

/* Candidates start on 16-byte boundaries inside [start, start+len); the
 * structure itself may run past the window, so each is mapped on its own. */
static bool scan_rsdp(acpi_map_fn map, phys_addr_t start, size_t len, phys_addr_t *out)
{
    const u8 *p = map(start, len);

    if (!p) {
        return false;
    }
    for (size_t off = 0; off + 8 <= len; off += 16) {
        if (memcmp(p + off, "RSD PTR ", 8) == 0 && rsdp_valid(map, start + off)) {
            *out = start + off;
            return true;
        }
    }
    return false;
}

int acpi_find_rsdp(acpi_map_fn map, phys_addr_t *out)
{
    const u8 *bda = map(0x40e, 2);

    if (bda) {
        phys_addr_t ebda = (phys_addr_t)(bda[0] | (bda[1] << 8)) << 4;

        if (ebda >= 0x500 && ebda < 0xa0000 && scan_rsdp(map, ebda, 1024, out)) {
            return 0;
        }
    }
    if (scan_rsdp(map, 0xe0000, 0x20000, out)) {
        return 0;
    }
    return -ENOENT;
}

u32 acpi_irq_to_gsi(const struct acpi_info *info, u8 isa_irq, u16 *flags)
{
    for (u32 i = 0; i < info->nisos; i++) {
        const struct acpi_iso *iso = &info->isos[i];

        if (iso->bus == 0 && iso->irq == isa_irq) {
            if (flags) {
                *flags = iso->flags;
            }
            return iso->gsi;
        }
    }
    if (flags) {
        *flags = 0;
    }
    return isa_irq;
}
