// SPDX-License-Identifier: MIT
/* The metrics registry and the Prometheus text format writers. */
#include <kernel/format.h>
#include <kernel/metrics.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>

/* The core provider (core.c) is not on the list: it always comes first. */
extern struct metrics_provider metrics_core_provider;

static struct metrics_provider *providers;
static spinlock_t providers_lock = SPINLOCK_INIT("metrics");

void metrics_register(struct metrics_provider *p)
{
    u64 flags = spin_lock_irqsave(&providers_lock);
    struct metrics_provider **link = &providers;
    while (*link) {
        link = &(*link)->next;
    }
    p->next = NULL;
    /* Readers walk the list without the lock: publish p complete. */
    __atomic_store_n(link, p, __ATOMIC_RELEASE);
    spin_unlock_irqrestore(&providers_lock, flags);
}

void metrics_collect(struct metrics_out *out)
{
    metrics_core_provider.collect(out);
    struct metrics_provider *p = __atomic_load_n(&providers, __ATOMIC_ACQUIRE);
    while (p) {
        p->collect(out);
        p = __atomic_load_n(&p->next, __ATOMIC_ACQUIRE);
    }
}

static void put(struct metrics_out *out, const char *s)
{
    out->write(out->ctx, s, strlen(s));
}

/* Writes s escaping backslash, newline and (in label values) '"'. */
static void put_escaped(struct metrics_out *out, const char *s, bool quote)
{
    const char *run = s;
    for (; *s; s++) {
        const char *esc = NULL;
        if (*s == '\\') {
            esc = "\\\\";
        } else if (*s == '\n') {
            esc = "\\n";
        } else if (*s == '"' && quote) {
            esc = "\\\"";
        }
        if (esc) {
            out->write(out->ctx, run, (size_t)(s - run));
            put(out, esc);
            run = s + 1;
        }
    }
    out->write(out->ctx, run, (size_t)(s - run));
}

static void put_u64(struct metrics_out *out, u64 v)
{
    char num[24];
    int n = ksnprintf(num, sizeof(num), "%llu", (unsigned long long)v);
    out->write(out->ctx, num, (size_t)n);
}

void metrics_family(struct metrics_out *out, const char *name, enum metric_type type,
                    const char *help)
{
    put(out, "# HELP ");
    put(out, name);
    put(out, " ");
    put_escaped(out, help, false);
    put(out, "\n# TYPE ");
    put(out, name);
    put(out, type == METRIC_COUNTER ? " counter\n" : " gauge\n");
}

void metrics_sample(struct metrics_out *out, const char *name, u64 value)
{
    put(out, name);
    put(out, " ");
    put_u64(out, value);
    put(out, "\n");
}

void metrics_sample_label(struct metrics_out *out, const char *name, const char *label,
                          const char *label_value, u64 value)
{
    put(out, name);
    put(out, "{");
    put(out, label);
    put(out, "=\"");
    put_escaped(out, label_value, true);
    put(out, "\"} ");
    put_u64(out, value);
    put(out, "\n");
}

void metrics_sample_fixed(struct metrics_out *out, const char *name, u64 value, u32 decimals)
{
    if (decimals == 0) {
        metrics_sample(out, name, value);
        return;
    }
    u64 scale = 1;
    for (u32 i = 0; i < decimals; i++) {
        scale *= 10;
    }
    char num[48];
    int n = ksnprintf(num, sizeof(num), " %llu.%0*llu\n", (unsigned long long)(value / scale),
                      (int)decimals, (unsigned long long)(value % scale));
    put(out, name);
    out->write(out->ctx, num, (size_t)n);
}

void metrics_counter(struct metrics_out *out, const char *name, const char *help, u64 value)
{
    metrics_family(out, name, METRIC_COUNTER, help);
    metrics_sample(out, name, value);
}

void metrics_gauge(struct metrics_out *out, const char *name, const char *help, u64 value)
{
    metrics_family(out, name, METRIC_GAUGE, help);
    metrics_sample(out, name, value);
}
