/* System calls that are implemented with documented gaps (they show as
 * "partial" in the README's table, made by tools/gen-syscall-doc.py). Edited
 * by hand: add the name when a handler leaves part of the Linux behaviour
 * out, and say what in a comment at its SYSCALL_DEFINEn. */
#include <kernel/syscall.h>

const char *const syscall_partial[] = {
    NULL,
};
