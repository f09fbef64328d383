// SPDX-License-Identifier: MIT
/* strace-like text for one system call (log=trace). Portable: user memory is
 * read only through the uaccess helpers, and whatever cannot be read is shown
 * as its address, so formatting a trace line never faults. */
#include <abi/errno.h>
#include <abi/fcntl.h>
#include <abi/signal.h>
#include <arch/x86_64/uaccess.h>
#include <kernel/compiler.h>
#include <kernel/format.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <stdarg.h>

#define TRACE_STR_MAX 64 /* characters shown of a user string */
#define TRACE_BUF_MAX 32 /* bytes shown of a user buffer */
#define TRACE_ARGV_MAX 8 /* strings shown of an argv array */
#define TRACE_MAX_ERRNO 4095

struct tbuf {
    char *buf;
    size_t len;
    size_t pos; /* length of the full output so far; may exceed len */
};

struct flag_name {
    u64 mask;
    const char *name;
};

struct value_name {
    long value;
    const char *name;
};

static void put_c(struct tbuf *t, char c)
{
    if (t->pos + 1 < t->len) {
        t->buf[t->pos] = c;
    }
    t->pos++;
}

static void put_s(struct tbuf *t, const char *s)
{
    while (*s) {
        put_c(t, *s++);
    }
}

static __printf(2, 3) void put_f(struct tbuf *t, const char *fmt, ...)
{
    size_t room = t->pos < t->len ? t->len - t->pos : 0;
    va_list ap;

    va_start(ap, fmt);
    t->pos += (size_t)kvsnprintf(room ? t->buf + t->pos : NULL, room, fmt, ap);
    va_end(ap);
}

static void put_addr(struct tbuf *t, u64 addr)
{
    if (addr == 0) {
        put_s(t, "NULL");
    } else {
        put_f(t, "%#lx", addr);
    }
}

/* Quoted, with C escapes for quotes, backslashes and control bytes. */
static void put_quoted(struct tbuf *t, const char *s, size_t n)
{
    put_c(t, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '\n':
            put_s(t, "\\n");
            break;
        case '\t':
            put_s(t, "\\t");
            break;
        case '\r':
            put_s(t, "\\r");
            break;
        case '"':
            put_s(t, "\\\"");
            break;
        case '\\':
            put_s(t, "\\\\");
            break;
        default:
            if (c < 0x20 || c >= 0x7f) {
                put_f(t, "\\x%02x", c);
            } else {
                put_c(t, (char)c);
            }
        }
    }
    put_c(t, '"');
}

/* Up to TRACE_STR_MAX characters, then "..." if the string goes on (or its
 * end cannot be read). */
static void put_user_string(struct tbuf *t, u64 addr)
{
    char tmp[TRACE_STR_MAX + 1];
    long n;

    if (addr == 0) {
        put_s(t, "NULL");
        return;
    }
    n = strncpy_from_user(tmp, uptr(addr), sizeof(tmp));
    if (n >= 0) {
        put_quoted(t, tmp, (size_t)n);
        return;
    }
    if (copy_from_user(tmp, uptr(addr), TRACE_STR_MAX) != 0) {
        put_addr(t, addr);
        return;
    }
    n = (long)strnlen(tmp, TRACE_STR_MAX);
    put_quoted(t, tmp, (size_t)n);
    if (n == TRACE_STR_MAX) {
        put_s(t, "...");
    }
}

static void put_user_buffer(struct tbuf *t, u64 addr, u64 len)
{
    char tmp[TRACE_BUF_MAX];
    size_t n = len < TRACE_BUF_MAX ? (size_t)len : TRACE_BUF_MAX;

    if (addr == 0 || copy_from_user(tmp, uptr(addr), n) != 0) {
        put_addr(t, addr);
        return;
    }
    put_quoted(t, tmp, n);
    if (len > n) {
        put_s(t, "...");
    }
}

/* ["a", "b"]; past TRACE_ARGV_MAX strings "...". A slot of the array that
 * cannot be read ends the list with that slot's address. */
static void put_user_argv(struct tbuf *t, u64 addr)
{
    u64 ptrs[TRACE_ARGV_MAX];
    size_t count = 0;
    bool more = false;
    u64 bad_slot = 0;

    if (addr == 0) {
        put_s(t, "NULL");
        return;
    }
    for (;;) {
        u64 slot = addr + count * sizeof(u64);
        u64 p;
        if (copy_from_user(&p, uptr(slot), sizeof(p)) != 0) {
            bad_slot = slot;
            break;
        }
        if (p == 0) {
            break;
        }
        if (count == TRACE_ARGV_MAX) {
            more = true;
            break;
        }
        ptrs[count++] = p;
    }
    if (count == 0 && bad_slot) {
        put_addr(t, addr);
        return;
    }
    put_c(t, '[');
    for (size_t i = 0; i < count; i++) {
        if (i > 0) {
            put_s(t, ", ");
        }
        put_user_string(t, ptrs[i]);
    }
    if (more || bad_slot) {
        put_s(t, ", ");
        if (more) {
            put_s(t, "...");
        } else {
            put_addr(t, bad_slot);
        }
    }
    put_c(t, ']');
}

/* Names of the bits of v in names[] (multi-bit entries must come before
 * their parts), then leftover bits in hex, joined by '|'. first: nothing
 * printed yet for this value; then a value of 0 prints "0". */
static void put_flags(struct tbuf *t, u64 v, const struct flag_name *names, size_t n, bool first)
{
    for (size_t i = 0; i < n; i++) {
        if ((v & names[i].mask) == names[i].mask) {
            if (!first) {
                put_c(t, '|');
            }
            put_s(t, names[i].name);
            first = false;
            v &= ~names[i].mask;
        }
    }
    if (v) {
        if (!first) {
            put_c(t, '|');
        }
        put_f(t, "%#lx", v);
        first = false;
    }
    if (first) {
        put_c(t, '0');
    }
}

static const char *lookup(const struct value_name *names, size_t n, long v)
{
    for (size_t i = 0; i < n; i++) {
        if (names[i].value == v) {
            return names[i].name;
        }
    }
    return NULL;
}

static const struct flag_name open_flags[] = {
    {0100, "O_CREAT"},        {0200, "O_EXCL"},         {0400, "O_NOCTTY"},
    {01000, "O_TRUNC"},       {02000, "O_APPEND"},      {04000, "O_NONBLOCK"},
    {04010000, "O_SYNC"},     {010000, "O_DSYNC"},      {020000, "O_ASYNC"},
    {040000, "O_DIRECT"},     {0100000, "O_LARGEFILE"}, {020200000, "O_TMPFILE"},
    {0200000, "O_DIRECTORY"}, {0400000, "O_NOFOLLOW"},  {01000000, "O_NOATIME"},
    {02000000, "O_CLOEXEC"},  {010000000, "O_PATH"},
};

static void put_open_flags(struct tbuf *t, u64 v)
{
    static const char *const access[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};

    v &= 0xffffffff;
    put_s(t, access[v & O_ACCMODE]);
    put_flags(t, v & ~(u64)O_ACCMODE, open_flags, ARRAY_SIZE(open_flags), false);
}

static const struct flag_name mmap_prots[] = {
    {0x1, "PROT_READ"},
    {0x2, "PROT_WRITE"},
    {0x4, "PROT_EXEC"},
    {0x8, "PROT_SEM"},
    {0x01000000, "PROT_GROWSDOWN"},
    {0x02000000, "PROT_GROWSUP"},
};

static void put_mmap_prot(struct tbuf *t, u64 v)
{
    v &= 0xffffffff;
    if (v == 0) {
        put_s(t, "PROT_NONE");
    } else {
        put_flags(t, v, mmap_prots, ARRAY_SIZE(mmap_prots), true);
    }
}

#define MAP_TYPE 0xf

static const struct value_name mmap_types[] = {
    {0x1, "MAP_SHARED"},
    {0x2, "MAP_PRIVATE"},
    {0x3, "MAP_SHARED_VALIDATE"},
    {0x8, "MAP_DROPPABLE"},
};

static const struct flag_name mmap_flags[] = {
    {0x10, "MAP_FIXED"},      {0x20, "MAP_ANONYMOUS"},
    {0x40, "MAP_32BIT"},      {0x100, "MAP_GROWSDOWN"},
    {0x800, "MAP_DENYWRITE"}, {0x1000, "MAP_EXECUTABLE"},
    {0x2000, "MAP_LOCKED"},   {0x4000, "MAP_NORESERVE"},
    {0x8000, "MAP_POPULATE"}, {0x10000, "MAP_NONBLOCK"},
    {0x20000, "MAP_STACK"},   {0x40000, "MAP_HUGETLB"},
    {0x80000, "MAP_SYNC"},    {0x100000, "MAP_FIXED_NOREPLACE"},
};

static void put_mmap_flags(struct tbuf *t, u64 v)
{
    u64 type;
    const char *name;
    bool first = true;

    v &= 0xffffffff;
    type = v & MAP_TYPE;
    name = lookup(mmap_types, ARRAY_SIZE(mmap_types), (long)type);
    if (name) {
        put_s(t, name);
        first = false;
    } else if (type) {
        put_f(t, "%#lx", type);
        first = false;
    }
    put_flags(t, v & ~(u64)MAP_TYPE, mmap_flags, ARRAY_SIZE(mmap_flags), first);
}

/* 0x200 means AT_REMOVEDIR for unlinkat and AT_EACCESS for faccessat*. */
static const struct flag_name at_flags[] = {
    {0x100, "AT_SYMLINK_NOFOLLOW"}, {0x200, "AT_EACCESS"},     {0x400, "AT_SYMLINK_FOLLOW"},
    {0x800, "AT_NO_AUTOMOUNT"},     {0x1000, "AT_EMPTY_PATH"}, {0x2000, "AT_STATX_FORCE_SYNC"},
    {0x4000, "AT_STATX_DONT_SYNC"}, {0x8000, "AT_RECURSIVE"},
};

static void put_at_flags(struct tbuf *t, u64 v, const struct syscall_desc *d)
{
    v &= 0xffffffff;
    if ((v & 0x200) && d && d->name && strcmp(d->name, "unlinkat") == 0) {
        put_s(t, "AT_REMOVEDIR");
        put_flags(t, v & ~(u64)0x200, at_flags, ARRAY_SIZE(at_flags), false);
    } else {
        put_flags(t, v, at_flags, ARRAY_SIZE(at_flags), true);
    }
}

#define CMD(c)                                                                                     \
    {                                                                                              \
        c, #c                                                                                      \
    }
static const struct value_name fcntl_cmds[] = {
    CMD(F_DUPFD),
    CMD(F_GETFD),
    CMD(F_SETFD),
    CMD(F_GETFL),
    CMD(F_SETFL),
    CMD(F_GETLK),
    CMD(F_SETLK),
    CMD(F_SETLKW),
    CMD(F_SETOWN),
    CMD(F_GETOWN),
    CMD(F_SETSIG),
    CMD(F_GETSIG),
    CMD(F_SETOWN_EX),
    CMD(F_GETOWN_EX),
    CMD(F_GETOWNER_UIDS),
    CMD(F_OFD_GETLK),
    CMD(F_OFD_SETLK),
    CMD(F_OFD_SETLKW),
    CMD(F_SETLEASE),
    CMD(F_GETLEASE),
    CMD(F_NOTIFY),
    CMD(F_DUPFD_QUERY),
    CMD(F_CREATED_QUERY),
    CMD(F_CANCELLK),
    CMD(F_DUPFD_CLOEXEC),
    CMD(F_SETPIPE_SZ),
    CMD(F_GETPIPE_SZ),
    CMD(F_ADD_SEALS),
    CMD(F_GET_SEALS),
    CMD(F_GET_RW_HINT),
    CMD(F_SET_RW_HINT),
    CMD(F_GET_FILE_RW_HINT),
    CMD(F_SET_FILE_RW_HINT),
};
#undef CMD

static void put_fcntl_cmd(struct tbuf *t, u64 v)
{
    const char *name = lookup(fcntl_cmds, ARRAY_SIZE(fcntl_cmds), (int)v);

    if (name) {
        put_s(t, name);
    } else {
        put_f(t, "%d", (int)v);
    }
}

static bool fcntl_has_arg(int cmd)
{
    switch (cmd) {
    case F_GETFD:
    case F_GETFL:
    case F_GETOWN:
    case F_GETSIG:
    case F_GETLEASE:
    case F_GETPIPE_SZ:
    case F_GET_SEALS:
        return false;
    default:
        return true;
    }
}

static void put_fcntl_arg(struct tbuf *t, int cmd, u64 v)
{
    static const struct flag_name fd_flags[] = {{FD_CLOEXEC, "FD_CLOEXEC"}};

    switch (cmd) {
    case F_SETFD:
        put_flags(t, v & 0xffffffff, fd_flags, ARRAY_SIZE(fd_flags), true);
        break;
    case F_SETFL:
        put_open_flags(t, v);
        break;
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
    case F_SETOWN:
    case F_SETSIG:
    case F_SETPIPE_SZ:
        put_f(t, "%d", (int)v);
        break;
    default:
        put_f(t, "%#lx", v);
    }
}

static const char *const signal_names[] = {
    [1] = "SIGHUP",     [2] = "SIGINT",   [3] = "SIGQUIT",   [4] = "SIGILL",   [5] = "SIGTRAP",
    [6] = "SIGABRT",    [7] = "SIGBUS",   [8] = "SIGFPE",    [9] = "SIGKILL",  [10] = "SIGUSR1",
    [11] = "SIGSEGV",   [12] = "SIGUSR2", [13] = "SIGPIPE",  [14] = "SIGALRM", [15] = "SIGTERM",
    [16] = "SIGSTKFLT", [17] = "SIGCHLD", [18] = "SIGCONT",  [19] = "SIGSTOP", [20] = "SIGTSTP",
    [21] = "SIGTTIN",   [22] = "SIGTTOU", [23] = "SIGURG",   [24] = "SIGXCPU", [25] = "SIGXFSZ",
    [26] = "SIGVTALRM", [27] = "SIGPROF", [28] = "SIGWINCH", [29] = "SIGIO",   [30] = "SIGPWR",
    [31] = "SIGSYS",
};

static void put_signal(struct tbuf *t, u64 v)
{
    int sig = (int)v;

    if (sig > 0 && (unsigned)sig < ARRAY_SIZE(signal_names)) {
        put_s(t, signal_names[sig]);
    } else if (sig == SIGRTMIN) {
        put_s(t, "SIGRTMIN");
    } else if (sig > SIGRTMIN && sig <= SIGRTMAX) {
        put_f(t, "SIGRTMIN+%d", sig - SIGRTMIN);
    } else {
        put_f(t, "%d", sig);
    }
}

static void put_arg(struct tbuf *t, char fmt, const struct syscall_desc *d, const u64 *args,
                    size_t i)
{
    u64 v = args[i];

    switch (fmt) {
    case 'd':
        put_f(t, "%d", (int)v);
        break;
    case 'l':
        put_f(t, "%ld", (long)v);
        break;
    case 'u':
        put_f(t, "%lu", v);
        break;
    case 'p':
    case 'B':
        put_addr(t, v);
        break;
    case 's':
        put_user_string(t, v);
        break;
    case 'b':
        put_user_buffer(t, v, i + 1 < SYSCALL_MAX_ARGS ? args[i + 1] : 0);
        break;
    case 'v':
        put_user_argv(t, v);
        break;
    case 'o':
        put_f(t, "%#03o", (unsigned)v);
        break;
    case 'f':
        put_open_flags(t, v);
        break;
    case 'F':
        put_fcntl_cmd(t, v);
        break;
    case 'm':
        put_mmap_prot(t, v);
        break;
    case 'M':
        put_mmap_flags(t, v);
        break;
    case 'a':
        if ((int)v == AT_FDCWD) {
            put_s(t, "AT_FDCWD");
        } else {
            put_f(t, "%d", (int)v);
        }
        break;
    case 'A':
        put_at_flags(t, v, d);
        break;
    case 'S':
        put_signal(t, v);
        break;
    default:
        put_f(t, "%#lx", v);
    }
}

static bool returns_address(const struct syscall_desc *d)
{
    static const char *const names[] = {"mmap", "mremap", "brk", "shmat"};

    for (size_t i = 0; d && d->name && i < ARRAY_SIZE(names); i++) {
        if (strcmp(d->name, names[i]) == 0) {
            return true;
        }
    }
    return false;
}

static void put_return(struct tbuf *t, const struct syscall_desc *d, long ret)
{
    if (ret == SYSCALL_TRACE_NO_RET) {
        put_s(t, " = ?");
    } else if (ret < 0 && ret >= -TRACE_MAX_ERRNO) {
        const char *name = errno_name((int)-ret);
        put_f(t, " = %ld", ret);
        if (name) {
            put_c(t, ' ');
            put_s(t, name);
        }
    } else if (returns_address(d)) {
        put_f(t, " = %#lx", (u64)ret);
    } else {
        put_f(t, " = %ld", ret);
    }
}

int syscall_format_trace(char *buf, size_t len, const struct syscall_desc *d, const u64 *args,
                         long ret)
{
    struct tbuf t = {buf, len, 0};
    uintptr_t first = (uintptr_t)&syscall_table[0];
    uintptr_t self = (uintptr_t)d;
    size_t nargs = SYSCALL_MAX_ARGS;
    const char *fmt = "";
    size_t fmt_len = 0;
    bool sep = false;

    if (d && d->name) {
        put_s(&t, d->name);
        nargs = MIN(d->nargs, SYSCALL_MAX_ARGS);
        fmt = d->fmt;
        fmt_len = strnlen(d->fmt, sizeof(d->fmt));
    } else if (d && self >= first && self < (uintptr_t)&syscall_table[SYSCALL_COUNT]) {
        put_f(&t, "syscall_%lu", (unsigned long)((self - first) / sizeof(*d)));
    } else {
        put_s(&t, "syscall_unknown");
    }

    put_c(&t, '(');
    for (size_t i = 0; i < nargs; i++) {
        char c = i < fmt_len ? fmt[i] : 'x';
        char prev = i > 0 && i - 1 < fmt_len ? fmt[i - 1] : 0;

        /* A mode matters only when the flags create a file; a fcntl argument
         * only for the commands that take one. */
        if (c == 'o' && prev == 'f' && !(args[i - 1] & (O_CREAT | O_TMPFILE_BITS))) {
            continue;
        }
        if (prev == 'F' && !fcntl_has_arg((int)args[i - 1])) {
            continue;
        }
        if (sep) {
            put_s(&t, ", ");
        }
        sep = true;
        if (prev == 'F') {
            put_fcntl_arg(&t, (int)args[i - 1], args[i]);
        } else {
            put_arg(&t, c, d, args, i);
        }
    }
    put_c(&t, ')');
    put_return(&t, d, ret);

    if (len > 0) {
        buf[MIN(t.pos, len - 1)] = '\0';
    }
    return t.pos > 0x7fffffff ? 0x7fffffff : (int)t.pos;
}
