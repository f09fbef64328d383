/* System calls: Linux x86_64 numbers, one table (kernel/syscall/table.c)
 * that gives each number its name, argument formats (for log=trace) and
 * handler. A handler is defined anywhere with SYSCALL_DEFINEn; the table
 * refers to every sys_<name> weakly, so a number without a definition
 * returns -ENOSYS (and logs its name once). */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <arch/x86_64/uaccess.h>
#include <kernel/types.h>

#define SYSCALL_MAX_ARGS 6

typedef long (*syscall_fn)(const u64 *args);

/* Argument formats for tracing, one character per argument:
 *   d  signed int (also fds)        u  unsigned decimal     x  hex
 *   p  user pointer                 s  user string          b  user buffer, length is the next arg
 *   o  octal mode                   f  open flags           F  fcntl command
 *   m  mmap prot                    M  mmap flags           a  at-dirfd (AT_FDCWD shown by name)
 *   A  AT_* flags                   S  signal number        v  argv/envp array (user)
 */
struct syscall_desc {
    const char *name;
    u8 nargs;
    char fmt[SYSCALL_MAX_ARGS + 1];
    syscall_fn fn; /* NULL: not implemented (-ENOSYS) */
    bool partial;  /* implemented, with documented gaps */
};

#define SYSCALL_COUNT 462
extern const struct syscall_desc syscall_table[SYSCALL_COUNT];

/* Reinterprets a raw register as the argument's type, as Linux does
 * (works for integers, pointers and uptr_t). */
#define SC_ARG(type, i) (((union { u64 raw; type val; }){ .raw = args[i] }).val)

#define SYSCALL_DEFINE0(name) long sys_##name(const u64 *args __attribute__((unused)))

#define SYSCALL_DEFINE1(name, t1, a1)                                                              \
    static long do_sys_##name(t1 a1);                                                              \
    long sys_##name(const u64 *args)                                                               \
    {                                                                                              \
        return do_sys_##name(SC_ARG(t1, 0));                                                       \
    }                                                                                              \
    static long do_sys_##name(t1 a1)

#define SYSCALL_DEFINE2(name, t1, a1, t2, a2)                                                      \
    static long do_sys_##name(t1 a1, t2 a2);                                                       \
    long sys_##name(const u64 *args)                                                               \
    {                                                                                              \
        return do_sys_##name(SC_ARG(t1, 0), SC_ARG(t2, 1));                                        \
    }                                                                                              \
    static long do_sys_##name(t1 a1, t2 a2)

#define SYSCALL_DEFINE3(name, t1, a1, t2, a2, t3, a3)                                              \
    static long do_sys_##name(t1 a1, t2 a2, t3 a3);                                                \
    long sys_##name(const u64 *args)                                                               \
    {                                                                                              \
        return do_sys_##name(SC_ARG(t1, 0), SC_ARG(t2, 1), SC_ARG(t3, 2));                         \
    }                                                                                              \
    static long do_sys_##name(t1 a1, t2 a2, t3 a3)

#define SYSCALL_DEFINE4(name, t1, a1, t2, a2, t3, a3, t4, a4)                                      \
    static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4);                                         \
    long sys_##name(const u64 *args)                                                               \
    {                                                                                              \
        return do_sys_##name(SC_ARG(t1, 0), SC_ARG(t2, 1), SC_ARG(t3, 2), SC_ARG(t4, 3));          \
    }                                                                                              \
    static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4)

#define SYSCALL_DEFINE5(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5)                              \
    static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5);                                  \
    long sys_##name(const u64 *args)                                                               \
    {                                                                                              \
        return do_sys_##name(SC_ARG(t1, 0), SC_ARG(t2, 1), SC_ARG(t3, 2), SC_ARG(t4, 3),           \
                             SC_ARG(t5, 4));                                                       \
    }                                                                                              \
    static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5)

#define SYSCALL_DEFINE6(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6)                      \
    static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6);                           \
    long sys_##name(const u64 *args)                                                               \
    {                                                                                              \
        return do_sys_##name(SC_ARG(t1, 0), SC_ARG(t2, 1), SC_ARG(t3, 2), SC_ARG(t4, 3),           \
                             SC_ARG(t5, 4), SC_ARG(t6, 5));                                        \
    }                                                                                              \
    static long do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6)

/* Formats one trace line "name(args) = result" into buf (portable;
 * kernel/syscall/trace.c). Strings and arrays are read with the uaccess
 * helpers; unreadable ones show as their address. */
int syscall_format_trace(char *buf, size_t len, const struct syscall_desc *d, const u64 *args,
                         long ret);

#endif
