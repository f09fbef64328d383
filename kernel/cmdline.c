// SPDX-License-Identifier: MIT
/* Kernel command line: splitting and boot options. */
#include <abi/errno.h>
#include <kernel/cmdline.h>
#include <kernel/format.h>
#include <kernel/printk.h>
#include <kernel/string.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int cmdline_split(char *buf, struct cmdline_param *out, int max)
{
    char *p = buf;
    int n = 0;

    for (;;) {
        while (is_space(*p)) {
            p++;
        }
        if (*p == '\0') {
            return n;
        }
        if (n >= max) {
            return -E2BIG;
        }

        /* Copy the word onto itself without its quotes; dst never passes p. */
        char *key = p;
        char *value = NULL;
        char *dst = p;
        bool in_quote = false;

        while (*p != '\0' && (in_quote || !is_space(*p))) {
            if (*p == '"') {
                in_quote = !in_quote;
            } else if (*p == '=' && !value) {
                *dst++ = '\0';
                value = dst;
            } else {
                *dst++ = *p;
            }
            p++;
        }
        bool more = *p != '\0';
        *dst = '\0';
        out[n].key = key;
        out[n].value = value;
        n++;
        if (!more) {
            return n;
        }
        p++;
    }
}

static void warn_param(const struct cmdline_param *prm, const char *why)
{
    pr_warn("cmdline: %s '%s%s%s' ignored\n", why, prm->key, prm->value ? "=" : "",
            prm->value ? prm->value : "");
}

enum option_kind {
    OPT_FLAG, /* bare word, no value */
    OPT_STRING, /* any non-empty value */
    OPT_LEVEL, /* log level name or digit */
    OPT_SIZE, /* number with optional K/M/G suffix, not 0 */
    OPT_CHOICE, /* one of choices[]: the field (an int) gets its index */
};

struct option_desc {
    const char *key;
    enum option_kind kind;
    size_t offset; /* of the field in struct boot_options */
    const char *const *choices; /* OPT_CHOICE: NULL-terminated */
};

#define OPT(key, kind, field)                                                                      \
    {                                                                                              \
        key, kind, offsetof(struct boot_options, field), NULL                                      \
    }
#define OPT_ONE_OF(key, field, list)                                                               \
    {                                                                                              \
        key, OPT_CHOICE, offsetof(struct boot_options, field), list                                \
    }

/* Index order matches enum virtio_transport_mode and BOOT_PCI_*. */
static const char *const virtio_choices[] = {"auto", "legacy", "modern", NULL};
static const char *const pci_choices[] = {"on", "off", NULL};
/* enum virtio_fence_mode. */
static const char *const virtio_fence_choices[] = {"auto", "cpu", "io", NULL};

static const struct option_desc options[] = {
    OPT("log", OPT_LEVEL, log_level),
    OPT("init", OPT_STRING, init),
    OPT("rdinit", OPT_STRING, init),
    OPT("console", OPT_STRING, console),
    OPT("test", OPT_FLAG, test),
    OPT("selftest", OPT_STRING, selftest),
    OPT("crash", OPT_STRING, crash),
    OPT("shutdown", OPT_STRING, shutdown),
    OPT("mem", OPT_SIZE, mem_limit),
    OPT_ONE_OF("virtio", virtio_mode, virtio_choices),
    OPT_ONE_OF("pci", pci_mode, pci_choices),
    OPT_ONE_OF("virtio_fence", virtio_fence, virtio_fence_choices),
};

/* Returns true when the option is known and its value good. */
static bool apply_param(const struct cmdline_param *prm, struct boot_options *opts)
{
    const struct option_desc *d = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
        if (strcmp(prm->key, options[i].key) == 0) {
            d = &options[i];
            break;
        }
    }
    if (!d) {
        warn_param(prm, "unknown option");
        return false;
    }
    void *field = (char *)opts + d->offset;
    const char *v = prm->value;
    if (d->kind == OPT_FLAG) {
        if (v) {
            warn_param(prm, "unexpected value in");
            return false;
        }
        *(bool *)field = true;
        return true;
    }
    if (!v || v[0] == '\0') {
        warn_param(prm, "missing value in");
        return false;
    }
    switch (d->kind) {
    case OPT_LEVEL: {
        int level = log_level_parse(v);
        if (level < 0) {
            warn_param(prm, "bad log level in");
            return false;
        }
        *(int *)field = level;
        return true;
    }
    case OPT_SIZE: {
        u64 size;
        if (kparse_u64(v, &size) != 0 || size == 0) {
            warn_param(prm, "bad size in");
            return false;
        }
        *(u64 *)field = size;
        return true;
    }
    case OPT_CHOICE:
        for (int i = 0; d->choices[i]; i++) {
            if (strcmp(v, d->choices[i]) == 0) {
                *(int *)field = i;
                return true;
            }
        }
        warn_param(prm, "unknown choice in");
        return false;
    default:
        *(const char **)field = v;
        return true;
    }
}

int cmdline_parse(char *buf, struct boot_options *opts)
{
    struct cmdline_param params[CMDLINE_MAX_PARAMS];
    int bad = 0;

    opts->log_level = LOG_INFO;
    opts->init = NULL;
    opts->console = "ttyS0";
    opts->test = false;
    opts->selftest = NULL;
    opts->crash = NULL;
    opts->shutdown = NULL;
    opts->mem_limit = 0;
    opts->virtio_mode = 0;
    opts->pci_mode = BOOT_PCI_ON;
    opts->virtio_fence = 0;

    if (!buf) {
        return 0;
    }
    int n = cmdline_split(buf, params, CMDLINE_MAX_PARAMS);
    if (n == -E2BIG) {
        pr_warn("cmdline: more than %d options, the rest ignored\n", CMDLINE_MAX_PARAMS);
        n = CMDLINE_MAX_PARAMS;
        bad++;
    }
    for (int i = 0; i < n; i++) {
        if (!apply_param(&params[i], opts)) {
            bad++;
        }
    }
    return bad;
}
