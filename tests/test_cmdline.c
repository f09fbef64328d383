// SPDX-License-Identifier: MIT
/* Command line splitting, boot options and log level names. */
#include <abi/errno.h>
#include <kernel/cmdline.h>
#include <kernel/printk.h>

#include <string.h>

#include "fakes/printk_fake.h"
#include "harness.h"

HARNESS("test_cmdline");

static struct cmdline_param params[CMDLINE_MAX_PARAMS + 8];

/* Param i has key k, and value v (NULL: a bare flag). */
static bool param_is(int i, const char *k, const char *v)
{
    const struct cmdline_param *p = &params[i];

    if (strcmp(p->key, k) != 0) {
        printf("  param %d: key '%s', want '%s'\n", i, p->key, k);
        return false;
    }
    if (!v || !p->value) {
        return v == p->value;
    }
    return strcmp(p->value, v) == 0;
}

#define CHECK_PARAM(i, k, v) CHECK(param_is((i), (k), (v)))

#define NONE NULL

static void test_split_basic(void)
{
    char buf[] = "a=1 b c= d=x=y";

    CHECK_EQ(cmdline_split(buf, params, CMDLINE_MAX_PARAMS), 4);
    CHECK_PARAM(0, "a", "1");
    CHECK_PARAM(1, "b", NONE);
    CHECK_PARAM(2, "c", "");
    CHECK_PARAM(3, "d", "x=y");
}

static void test_split_spaces(void)
{
    char empty[] = "";
    char blanks[] = "  \t \n ";
    char buf[] = "   first\t\tsecond=2  \n third   ";
    char eq[] = "=v ==";

    CHECK_EQ(cmdline_split(empty, params, CMDLINE_MAX_PARAMS), 0);
    CHECK_EQ(cmdline_split(blanks, params, CMDLINE_MAX_PARAMS), 0);
    CHECK_EQ(cmdline_split(buf, params, CMDLINE_MAX_PARAMS), 3);
    CHECK_PARAM(0, "first", NONE);
    CHECK_PARAM(1, "second", "2");
    CHECK_PARAM(2, "third", NONE);
    CHECK_EQ(cmdline_split(eq, params, CMDLINE_MAX_PARAMS), 2);
    CHECK_PARAM(0, "", "v");
    CHECK_PARAM(1, "", "=");
}

static void test_split_quotes(void)
{
    char buf[] = "init=\"/bin/sh -x\" \"quoted flag\" a=\"b\"c k=\"v=w\" \"\" e=\"\" last";

    CHECK_EQ(cmdline_split(buf, params, CMDLINE_MAX_PARAMS), 7);
    CHECK_PARAM(0, "init", "/bin/sh -x");
    CHECK_PARAM(1, "quoted flag", NONE);
    CHECK_PARAM(2, "a", "bc");
    CHECK_PARAM(3, "k", "v=w");
    CHECK_PARAM(4, "", NONE);
    CHECK_PARAM(5, "e", "");
    CHECK_PARAM(6, "last", NONE);

    /* An unterminated quote runs to the end of the line. */
    char open[] = "log=debug init=\"/bin/sh -c 'echo hi'   ";
    CHECK_EQ(cmdline_split(open, params, CMDLINE_MAX_PARAMS), 2);
    CHECK_PARAM(0, "log", "debug");
    CHECK_PARAM(1, "init", "/bin/sh -c 'echo hi'   ");

    char lone[] = "x \"";
    CHECK_EQ(cmdline_split(lone, params, CMDLINE_MAX_PARAMS), 2);
    CHECK_PARAM(0, "x", NONE);
    CHECK_PARAM(1, "", NONE);
}

static void test_split_e2big(void)
{
    char buf[] = "a b=1 c d e";
    char exact[] = "a b c";
    char none[] = "   ";
    char one[] = "x";

    CHECK_EQ(cmdline_split(buf, params, 3), -E2BIG);
    CHECK_PARAM(0, "a", NONE);
    CHECK_PARAM(1, "b", "1");
    CHECK_PARAM(2, "c", NONE);
    CHECK_EQ(cmdline_split(exact, params, 3), 3);
    CHECK_PARAM(2, "c", NONE);
    CHECK_EQ(cmdline_split(none, params, 0), 0);
    CHECK_EQ(cmdline_split(one, params, 0), -E2BIG);
}

static void test_parse_defaults(void)
{
    struct boot_options o;
    char empty[] = "";
    unsigned long before = fake_printk_count;

    memset(&o, 0x5a, sizeof(o));
    CHECK_EQ(cmdline_parse(empty, &o), 0);
    CHECK_EQ(o.log_level, LOG_INFO);
    CHECK(o.init == NULL);
    CHECK(o.console && strcmp(o.console, "ttyS0") == 0);
    CHECK(!o.test);
    CHECK(o.selftest == NULL);
    CHECK(o.crash == NULL);
    CHECK(o.mem_limit == 0);
    CHECK_EQ(o.virtio_mode, 0);
    CHECK_EQ(o.pci_mode, BOOT_PCI_ON);

    memset(&o, 0x5a, sizeof(o));
    CHECK_EQ(cmdline_parse(NULL, &o), 0);
    CHECK_EQ(o.log_level, LOG_INFO);
    CHECK(strcmp(o.console, "ttyS0") == 0);
    CHECK(fake_printk_count == before);
}

static void test_parse_options(void)
{
    struct boot_options o;
    char buf[] = "log=debug init=\"/bin/sh -x\" console=ttyS1 test selftest=buddy "
                 "crash=nullptr mem=512M";
    unsigned long before = fake_printk_count;

    CHECK_EQ(cmdline_parse(buf, &o), 0);
    CHECK(fake_printk_count == before);
    CHECK_EQ(o.log_level, LOG_DEBUG);
    CHECK(strcmp(o.init, "/bin/sh -x") == 0);
    CHECK(strcmp(o.console, "ttyS1") == 0);
    CHECK(o.test);
    CHECK(strcmp(o.selftest, "buddy") == 0);
    CHECK(strcmp(o.crash, "nullptr") == 0);
    CHECK(o.mem_limit == 512ULL << 20);

    char alias[] = "rdinit=/init log=3 mem=0x100000";
    CHECK_EQ(cmdline_parse(alias, &o), 0);
    CHECK(strcmp(o.init, "/init") == 0);
    CHECK_EQ(o.log_level, LOG_ERR);
    CHECK(o.mem_limit == 0x100000);
    CHECK(!o.test);

    /* The last one wins. */
    char twice[] = "log=err init=/a rdinit=/b log=warn mem=1G mem=2048K";
    CHECK_EQ(cmdline_parse(twice, &o), 0);
    CHECK_EQ(o.log_level, LOG_WARNING);
    CHECK(strcmp(o.init, "/b") == 0);
    CHECK(o.mem_limit == 2048ULL << 10);
}

/* virtio= and pci= take one of a fixed set of words; anything else is
 * warned about and leaves the default. */
static void test_parse_choices(void)
{
    struct boot_options o;
    char legacy[] = "virtio=legacy pci=off";
    CHECK_EQ(cmdline_parse(legacy, &o), 0);
    CHECK_EQ(o.virtio_mode, 1);
    CHECK_EQ(o.pci_mode, BOOT_PCI_OFF);

    char modern[] = "virtio=modern pci=on";
    CHECK_EQ(cmdline_parse(modern, &o), 0);
    CHECK_EQ(o.virtio_mode, 2);
    CHECK_EQ(o.pci_mode, BOOT_PCI_ON);

    unsigned long before = fake_printk_count;
    char bad[] = "virtio=both pci=maybe virtio pci=";
    CHECK_EQ(cmdline_parse(bad, &o), 4);
    CHECK(fake_printk_count == before + 4);
    CHECK_EQ(o.virtio_mode, 0);
    CHECK_EQ(o.pci_mode, BOOT_PCI_ON);
}

static void test_parse_unknown(void)
{
    struct boot_options o;
    unsigned long before = fake_printk_count;

    char buf[] = "foo=bar log=trace quiet";
    CHECK_EQ(cmdline_parse(buf, &o), 2);
    CHECK(fake_printk_count == before + 2);
    CHECK(strstr(fake_printk_last, "cmdline: unknown option 'quiet' ignored") != NULL);
    CHECK_EQ(o.log_level, LOG_TRACE);

    char one[] = "foo=bar";
    CHECK_EQ(cmdline_parse(one, &o), 1);
    CHECK(strstr(fake_printk_last, "cmdline: unknown option 'foo=bar' ignored") != NULL);

    char empty_key[] = "=x";
    CHECK_EQ(cmdline_parse(empty_key, &o), 1);
    CHECK(strstr(fake_printk_last, "unknown option '=x'") != NULL);
}

static void test_parse_bad_values(void)
{
    struct boot_options o;
    static const struct {
        const char *line;
        const char *msg;
    } cases[] = {
        {"log=loud", "'log=loud'"}, {"log=9", "'log=9'"},
        {"log=", "'log='"},         {"log", "'log'"},
        {"log=\"\"", "'log='"},     {"init", "'init'"},
        {"init=", "'init='"},       {"rdinit=", "'rdinit='"},
        {"console=", "'console='"}, {"selftest", "'selftest'"},
        {"crash=", "'crash='"},     {"mem=abc", "'mem=abc'"},
        {"mem=12T", "'mem=12T'"},   {"mem=0", "'mem=0'"},
        {"mem=", "'mem='"},         {"mem=99999999999999999999", "'mem=99999999999999999999'"},
        {"test=1", "'test=1'"},
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char buf[64];
        unsigned long before = fake_printk_count;

        strcpy(buf, cases[i].line);
        int bad = cmdline_parse(buf, &o);
        if (bad != 1 || fake_printk_count != before + 1 ||
            !strstr(fake_printk_last, cases[i].msg) || !strstr(fake_printk_last, "cmdline: ")) {
            printf("  '%s': bad=%d, message '%s'\n", cases[i].line, bad, fake_printk_last);
            harness_case_failed = 1;
            return;
        }
        /* Bad values leave the defaults. */
        CHECK_EQ(o.log_level, LOG_INFO);
        CHECK(o.init == NULL);
        CHECK(strcmp(o.console, "ttyS0") == 0);
        CHECK(o.selftest == NULL && o.crash == NULL);
        CHECK(o.mem_limit == 0);
        CHECK(!o.test);
    }

    /* Bad ones are counted while good ones still apply. */
    char mixed[] = "log=bogus init=/sbin/init mem=1x test what=ever";
    CHECK_EQ(cmdline_parse(mixed, &o), 3);
    CHECK(strcmp(o.init, "/sbin/init") == 0);
    CHECK(o.test);
    CHECK_EQ(o.log_level, LOG_INFO);
}

static void test_parse_too_many(void)
{
    struct boot_options o;
    char buf[2048];
    size_t len = 0;
    unsigned long before = fake_printk_count;

    /* 64 options (the last of them log=debug), then 10 more. */
    for (int i = 0; i < CMDLINE_MAX_PARAMS - 1; i++) {
        len += (size_t)snprintf(buf + len, sizeof(buf) - len, "test ");
    }
    len += (size_t)snprintf(buf + len, sizeof(buf) - len, "log=debug ");
    for (int i = 0; i < 10; i++) {
        len += (size_t)snprintf(buf + len, sizeof(buf) - len, "mem=%dM ", i + 1);
    }
    CHECK_EQ(cmdline_parse(buf, &o), 1);
    CHECK(fake_printk_count == before + 1);
    CHECK(strstr(fake_printk_last, "cmdline: more than 64 options") != NULL);
    CHECK(o.test);
    CHECK_EQ(o.log_level, LOG_DEBUG);
    CHECK(o.mem_limit == 0);
}

static void test_log_level_parse(void)
{
    static const struct {
        const char *name;
        int level;
    } cases[] = {
        {"emerg", LOG_EMERG},
        {"alert", LOG_ALERT},
        {"crit", LOG_CRIT},
        {"err", LOG_ERR},
        {"warning", LOG_WARNING},
        {"warn", LOG_WARNING},
        {"notice", LOG_NOTICE},
        {"info", LOG_INFO},
        {"debug", LOG_DEBUG},
        {"trace", LOG_TRACE},
        {"0", 0},
        {"4", 4},
        {"8", 8},
        {"9", -1},
        {"10", -1},
        {"00", -1},
        {"-1", -1},
        {"", -1},
        {"WARN", -1},
        {"debugx", -1},
        {"inf", -1},
        {" info", -1},
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        if (log_level_parse(cases[i].name) != cases[i].level) {
            printf("  '%s' -> %d\n", cases[i].name, log_level_parse(cases[i].name));
            harness_case_failed = 1;
        }
    }
    CHECK_EQ(log_level_parse(NULL), -1);
}

int main(void)
{
    RUN(test_split_basic);
    RUN(test_split_spaces);
    RUN(test_split_quotes);
    RUN(test_split_e2big);
    RUN(test_parse_defaults);
    RUN(test_parse_options);
    RUN(test_parse_choices);
    RUN(test_parse_unknown);
    RUN(test_parse_bad_values);
    RUN(test_parse_too_many);
    RUN(test_log_level_parse);
    HARNESS_EXIT();
}
