// SPDX-License-Identifier: MIT
/* Host fake of printk and panic (see printk_fake.h). */
#include "fakes/printk_fake.h"

#include <kernel/printk.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char fake_printk_last[512];
unsigned long fake_printk_count;

void printk(int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fake_printk_last, sizeof(fake_printk_last), fmt, ap);
    va_end(ap);
    fake_printk_count++;
    size_t len = strlen(fake_printk_last);
    const char *nl = (len > 0 && fake_printk_last[len - 1] == '\n') ? "" : "\n";
    printf("[printk %d] %s%s", level, fake_printk_last, nl);
    fflush(stdout);
}

void panic(const char *fmt, ...)
{
    va_list ap;
    printf("KERNEL PANIC: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    abort();
}
