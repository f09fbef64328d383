/* Kernel command line: splitting and boot options. */
#include <kernel/cmdline.h>
#include <kernel/errno.h>
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

/* Returns true when the option is known and its value good. */
static bool apply_param(const struct cmdline_param *prm, struct boot_options *opts)
{
    const char *k = prm->key;
    const char *v = prm->value;

    if (strcmp(k, "test") == 0) {
        if (v) {
            warn_param(prm, "unexpected value in");
            return false;
        }
        opts->test = true;
        return true;
    }

    bool known = strcmp(k, "log") == 0 || strcmp(k, "init") == 0 || strcmp(k, "rdinit") == 0 ||
                 strcmp(k, "console") == 0 || strcmp(k, "selftest") == 0 ||
                 strcmp(k, "crash") == 0 || strcmp(k, "mem") == 0;
    if (!known) {
        warn_param(prm, "unknown option");
        return false;
    }
    if (!v || v[0] == '\0') {
        warn_param(prm, "missing value in");
        return false;
    }

    if (strcmp(k, "log") == 0) {
        int level = log_level_parse(v);
        if (level < 0) {
            warn_param(prm, "bad log level in");
            return false;
        }
        opts->log_level = level;
    } else if (strcmp(k, "init") == 0 || strcmp(k, "rdinit") == 0) {
        opts->init = v;
    } else if (strcmp(k, "console") == 0) {
        opts->console = v;
    } else if (strcmp(k, "selftest") == 0) {
        opts->selftest = v;
    } else if (strcmp(k, "crash") == 0) {
        opts->crash = v;
    } else {
        u64 limit;
        if (kparse_u64(v, &limit) != 0 || limit == 0) {
            warn_param(prm, "bad size in");
            return false;
        }
        opts->mem_limit = limit;
    }
    return true;
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
    opts->mem_limit = 0;

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
