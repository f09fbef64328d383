// SPDX-License-Identifier: MIT
/* Interrupt lines and vectors: ISA IRQs and shared PCI lines on the IOAPIC,
 * dynamically allocated vectors (MSI-X), and /proc/interrupts.
 *
 * IOAPIC input n always arrives on vector VEC_IRQ_BASE + n. A shared line
 * has a chain of actions run by line_dispatch; an ISA IRQ and an allocated
 * vector have one handler set directly in the vector table (traps.c). */
#include <abi/errno.h>
#include <arch/x86_64/acpi.h>
#include <arch/x86_64/apic.h>
#include <arch/x86_64/platform.h>
#include <arch/x86_64/trap.h>
#include <fs/pseudo.h>
#include <kernel/format.h>
#include <kernel/kmalloc.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>

#define IRQ_NAME_LEN 24

enum irq_kind {
    IRQ_FREE = 0,
    IRQ_ISA, /* one handler, edge or level from the ACPI override */
    IRQ_SHARED, /* chain of actions on a GSI */
    IRQ_DYN, /* allocated vector */
};

struct irq_action {
    irq_handler_fn fn;
    void *ctx;
    char name[IRQ_NAME_LEN];
    struct irq_action *next;
};

struct irq_desc {
    u8 kind;
    bool level;
    u32 gsi;
    u32 flags; /* IOAPIC_* of a shared line */
    const char *chip;
    struct irq_action *actions; /* IRQ_SHARED: the chain */
    char name[IRQ_NAME_LEN]; /* IRQ_ISA, IRQ_DYN */
};

static struct irq_desc irq_descs[256];
static spinlock_t irq_lock = SPINLOCK_INIT("irq");

static void copy_name(char *dst, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= IRQ_NAME_LEN) {
        n = IRQ_NAME_LEN - 1;
    }
    memcpy(dst, src ? src : "", n);
    dst[n] = '\0';
}

/* Runs in interrupt context with interrupts off; registration changes the
 * chain with interrupts off too, so the walk never sees a half-linked entry. */
static void line_dispatch(void *ctx)
{
    struct irq_desc *desc = ctx;
    for (struct irq_action *a = desc->actions; a; a = a->next) {
        a->fn(a->ctx);
    }
}

int irq_register_isa(u8 irq, irq_handler_fn fn, void *ctx, const char *name)
{
    u16 acpi_flags = 0;
    u32 gsi = acpi_irq_to_gsi(&acpi_info, irq, &acpi_flags);
    if (gsi >= VEC_IRQ_COUNT) {
        return -ENOSPC;
    }
    u32 flags = 0;
    if ((acpi_flags & ACPI_POL_MASK) == ACPI_POL_LOW) {
        flags |= IOAPIC_ACTIVE_LOW;
    }
    if ((acpi_flags & ACPI_TRIG_MASK) == ACPI_TRIG_LEVEL) {
        flags |= IOAPIC_LEVEL;
    }
    u8 vector = VEC_IRQ_BASE + gsi;
    struct irq_desc *desc = &irq_descs[vector];
    u64 f = spin_lock_irqsave(&irq_lock);
    if (desc->kind != IRQ_FREE) {
        spin_unlock_irqrestore(&irq_lock, f);
        return -EBUSY;
    }
    desc->kind = IRQ_ISA;
    desc->gsi = gsi;
    desc->level = (flags & IOAPIC_LEVEL) != 0;
    desc->chip = "IO-APIC";
    copy_name(desc->name, name);
    irq_set_vector_handler(vector, fn, ctx);
    spin_unlock_irqrestore(&irq_lock, f);
    int r = ioapic_route(gsi, vector, flags);
    if (r == 0) {
        printk(LOG_INFO, "irq: %s on ISA IRQ %u (GSI %u, vector %#x)\n", name, irq, gsi, vector);
    }
    return r;
}

int irq_register_gsi_shared(u32 gsi, u32 flags, irq_handler_fn fn, void *ctx, const char *name)
{
    if (gsi >= VEC_IRQ_COUNT) {
        return -ENOSPC;
    }
    flags &= IOAPIC_LEVEL | IOAPIC_ACTIVE_LOW;
    u8 vector = VEC_IRQ_BASE + gsi;
    struct irq_desc *desc = &irq_descs[vector];
    struct irq_action *a = kzalloc(sizeof(*a));
    if (!a) {
        return -ENOMEM;
    }
    a->fn = fn;
    a->ctx = ctx;
    copy_name(a->name, name);

    bool first = false;
    u64 f = spin_lock_irqsave(&irq_lock);
    if (desc->kind == IRQ_FREE) {
        desc->kind = IRQ_SHARED;
        desc->gsi = gsi;
        desc->flags = flags;
        desc->level = (flags & IOAPIC_LEVEL) != 0;
        desc->chip = "IO-APIC";
        first = true;
    } else if (desc->kind != IRQ_SHARED || desc->flags != flags) {
        spin_unlock_irqrestore(&irq_lock, f);
        kfree(a);
        return -EBUSY;
    }
    struct irq_action **pp = &desc->actions;
    while (*pp) {
        pp = &(*pp)->next;
    }
    *pp = a;
    if (first) {
        irq_set_vector_handler(vector, line_dispatch, desc);
    }
    spin_unlock_irqrestore(&irq_lock, f);
    if (first) {
        int r = ioapic_route(gsi, vector, flags);
        if (r < 0) {
            irq_unregister_gsi_shared(gsi, fn, ctx);
            return r;
        }
    }
    printk(LOG_INFO, "irq: %s on GSI %u (%s, vector %#x%s)\n", a->name, gsi,
           desc->level ? "level" : "edge", vector, first ? "" : ", shared");
    return 0;
}

void irq_unregister_gsi_shared(u32 gsi, irq_handler_fn fn, void *ctx)
{
    if (gsi >= VEC_IRQ_COUNT) {
        return;
    }
    u8 vector = VEC_IRQ_BASE + gsi;
    struct irq_desc *desc = &irq_descs[vector];
    struct irq_action *gone = NULL;
    bool empty = false;
    u64 f = spin_lock_irqsave(&irq_lock);
    if (desc->kind == IRQ_SHARED) {
        for (struct irq_action **pp = &desc->actions; *pp; pp = &(*pp)->next) {
            if ((*pp)->fn == fn && (*pp)->ctx == ctx) {
                gone = *pp;
                *pp = gone->next;
                break;
            }
        }
        if (!desc->actions) {
            empty = true;
            irq_set_vector_handler(vector, NULL, NULL);
            memset(desc, 0, sizeof(*desc));
        }
    }
    spin_unlock_irqrestore(&irq_lock, f);
    if (empty) {
        ioapic_mask(gsi, true);
    }
    kfree(gone);
}

int irq_alloc_vector(irq_handler_fn fn, void *ctx, const char *name)
{
    int r = -ENOSPC;
    u64 f = spin_lock_irqsave(&irq_lock);
    for (int v = VEC_DYN_FIRST; v <= VEC_DYN_LAST; v++) {
        struct irq_desc *desc = &irq_descs[v];
        if (desc->kind == IRQ_FREE) {
            desc->kind = IRQ_DYN;
            desc->chip = "vector";
            copy_name(desc->name, name);
            irq_set_vector_handler((u8)v, fn, ctx);
            r = v;
            break;
        }
    }
    spin_unlock_irqrestore(&irq_lock, f);
    return r;
}

void irq_set_vector_chip(int vector, const char *chip)
{
    if (vector >= VEC_DYN_FIRST && vector <= VEC_DYN_LAST && irq_descs[vector].kind == IRQ_DYN) {
        irq_descs[vector].chip = chip ? chip : "vector";
    }
}

void irq_free_vector(int vector)
{
    if (vector < VEC_DYN_FIRST || vector > VEC_DYN_LAST) {
        return;
    }
    u64 f = spin_lock_irqsave(&irq_lock);
    if (irq_descs[vector].kind == IRQ_DYN) {
        irq_set_vector_handler((u8)vector, NULL, NULL);
        memset(&irq_descs[vector], 0, sizeof(irq_descs[vector]));
    }
    spin_unlock_irqrestore(&irq_lock, f);
}

/* One line per line or vector in use, as Linux: number, count, chip,
 * hardware irq and trigger, then the handler names. IOAPIC lines are
 * numbered by GSI, allocated vectors by vector. Runs under the VFS lock,
 * with the irq lock held so the chains stay put while printed. */
int irq_proc_interrupts(struct seq_buf *s, void *arg)
{
    (void)arg;
    int r = seq_buf_printf(s, "           CPU0\n");
    u64 f = spin_lock_irqsave(&irq_lock);
    for (int v = 0; v < 256 && r == 0; v++) {
        const struct irq_desc *desc = &irq_descs[v];
        if (desc->kind == IRQ_FREE) {
            continue;
        }
        char hw[24];
        unsigned num;
        if (desc->kind == IRQ_DYN) {
            num = (unsigned)v;
            ksnprintf(hw, sizeof(hw), "%u-edge", (unsigned)v);
        } else {
            num = desc->gsi;
            ksnprintf(hw, sizeof(hw), "%u-%s", desc->gsi, desc->level ? "fasteoi" : "edge");
        }
        r = seq_buf_printf(s, "%4u: %10llu  %-8s  %-12s", num,
                           (unsigned long long)irq_vector_count((u8)v), desc->chip, hw);
        if (desc->kind == IRQ_SHARED) {
            const char *sep = "  ";
            for (const struct irq_action *a = desc->actions; a && r == 0; a = a->next) {
                r = seq_buf_printf(s, "%s%s", sep, a->name);
                sep = ", ";
            }
        } else if (r == 0) {
            r = seq_buf_printf(s, "  %s", desc->name);
        }
        if (r == 0) {
            r = seq_buf_printf(s, "\n");
        }
    }
    spin_unlock_irqrestore(&irq_lock, f);
    if (r == 0) {
        r = seq_buf_printf(s, " LOC: %10llu  Local timer interrupts\n",
                           (unsigned long long)irq_vector_count(VEC_LAPIC_TIMER));
    }
    if (r == 0) {
        r = seq_buf_printf(s, " ERR: %10llu\n",
                           (unsigned long long)irq_vector_count(VEC_LAPIC_ERROR));
    }
    return r;
}
