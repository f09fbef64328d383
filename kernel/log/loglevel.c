// SPDX-License-Identifier: MIT
/* Log level names for the command line (log=<level>). */
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/types.h>

static const struct {
    const char *name;
    int level;
} level_names[] = {
    {"emerg", LOG_EMERG},     {"alert", LOG_ALERT},  {"crit", LOG_CRIT},     {"err", LOG_ERR},
    {"warning", LOG_WARNING}, {"warn", LOG_WARNING}, {"notice", LOG_NOTICE}, {"info", LOG_INFO},
    {"debug", LOG_DEBUG},     {"trace", LOG_TRACE},
};

int log_level_parse(const char *name)
{
    if (!name) {
        return -1;
    }
    if (name[0] >= '0' && name[0] <= '0' + LOG_TRACE && name[1] == '\0') {
        return name[0] - '0';
    }
    for (size_t i = 0; i < ARRAY_SIZE(level_names); i++) {
        if (strcmp(name, level_names[i].name) == 0) {
            return level_names[i].level;
        }
    }
    return -1;
}
