// SPDX-License-Identifier: MIT
/* printf-style formatting without floating point (the kernel has no SSE). */
#include <abi/errno.h>
#include <kernel/format.h>

#define FMT_MAX_FIELD 100000000 /* clamp for width/precision digits */

struct out {
    char *buf;
    size_t size;
    size_t pos; /* bytes the full output has so far */
};

static void out_char(struct out *o, char c)
{
    if (o->pos + 1 < o->size) {
        o->buf[o->pos] = c;
    }
    o->pos++;
}

static void out_repeat(struct out *o, char c, int n)
{
    while (n-- > 0) {
        out_char(o, c);
    }
}

static void out_mem(struct out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        out_char(o, s[i]);
    }
}

#define F_MINUS 0x01
#define F_ZERO 0x02
#define F_PLUS 0x04
#define F_SPACE 0x08
#define F_ALT 0x10
#define F_UPPER 0x20

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

/* One conversion directive: %[flags][width][.precision][length]conv. */
struct spec {
    int flags;
    int width; /* 0 when absent */
    int precision; /* -1 when absent */
    enum length len;
    char conv; /* '\0' when the format ends inside the directive */
};

/* Pads a field of len bytes to the width, on the side chosen by '-'. */
static void out_field(struct out *o, const struct spec *sp, const char *s, size_t len)
{
    int pad = (size_t)sp->width > len ? sp->width - (int)len : 0;

    if (!(sp->flags & F_MINUS)) {
        out_repeat(o, ' ', pad);
    }
    out_mem(o, s, len);
    if (sp->flags & F_MINUS) {
        out_repeat(o, ' ', pad);
    }
}

static void out_integer(struct out *o, const struct spec *sp, u64 mag, bool neg, bool is_signed,
                        unsigned base)
{
    const char *digit_set = (sp->flags & F_UPPER) ? "0123456789ABCDEF" : "0123456789abcdef";
    char digits[24]; /* 22 octal digits hold a u64 */
    int ndigits = 0;
    char sign = 0;
    const char *prefix = "";
    int prefix_len = 0;
    int precision = sp->precision;

    if (!(mag == 0 && precision == 0)) {
        do {
            digits[ndigits++] = digit_set[mag % base];
            mag /= base;
        } while (mag != 0);
    }

    if (is_signed) {
        if (neg) {
            sign = '-';
        } else if (sp->flags & F_PLUS) {
            sign = '+';
        } else if (sp->flags & F_SPACE) {
            sign = ' ';
        }
    }
    if ((sp->flags & F_ALT) && base == 16 && ndigits > 0 && digits[ndigits - 1] != '0') {
        prefix = (sp->flags & F_UPPER) ? "0X" : "0x";
        prefix_len = 2;
    }
    /* '#' with %o: the first digit printed must be a zero. */
    if ((sp->flags & F_ALT) && base == 8 && (ndigits == 0 || digits[ndigits - 1] != '0')) {
        precision = MAX(precision, ndigits + 1);
    }

    int zeros = precision > ndigits ? precision - ndigits : 0;
    int len = (sign ? 1 : 0) + prefix_len + zeros + ndigits;
    if ((sp->flags & F_ZERO) && !(sp->flags & F_MINUS) && sp->precision < 0 && sp->width > len) {
        zeros += sp->width - len;
        len = sp->width;
    }
    int pad = sp->width > len ? sp->width - len : 0;

    if (!(sp->flags & F_MINUS)) {
        out_repeat(o, ' ', pad);
    }
    if (sign) {
        out_char(o, sign);
    }
    out_mem(o, prefix, (size_t)prefix_len);
    out_repeat(o, '0', zeros);
    while (ndigits > 0) {
        out_char(o, digits[--ndigits]);
    }
    if (sp->flags & F_MINUS) {
        out_repeat(o, ' ', pad);
    }
}

static int parse_number(const char **p)
{
    int n = 0;

    while (**p >= '0' && **p <= '9') {
        if (n < FMT_MAX_FIELD) {
            n = n * 10 + (**p - '0');
        }
        (*p)++;
    }
    return MIN(n, FMT_MAX_FIELD);
}

static s64 fetch_signed(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_HH:
        return (signed char)va_arg(*ap, int);
    case LEN_H:
        return (short)va_arg(*ap, int);
    case LEN_L:
        return va_arg(*ap, long);
    case LEN_LL:
        return va_arg(*ap, long long);
    case LEN_Z:
        return va_arg(*ap, long); /* signed size_t */
    case LEN_T:
        return va_arg(*ap, ptrdiff_t);
    case LEN_J:
        return va_arg(*ap, intmax_t);
    default:
        return va_arg(*ap, int);
    }
}

static u64 fetch_unsigned(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_HH:
        return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_H:
        return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_L:
        return va_arg(*ap, unsigned long);
    case LEN_LL:
        return va_arg(*ap, unsigned long long);
    case LEN_Z:
        return va_arg(*ap, size_t);
    case LEN_T:
        return (u64)va_arg(*ap, ptrdiff_t);
    case LEN_J:
        return va_arg(*ap, uintmax_t);
    default:
        return va_arg(*ap, unsigned int);
    }
}

static void parse_flags(const char **fmt, struct spec *sp)
{
    for (;; (*fmt)++) {
        if (**fmt == '-') {
            sp->flags |= F_MINUS;
        } else if (**fmt == '0') {
            sp->flags |= F_ZERO;
        } else if (**fmt == '+') {
            sp->flags |= F_PLUS;
        } else if (**fmt == ' ') {
            sp->flags |= F_SPACE;
        } else if (**fmt == '#') {
            sp->flags |= F_ALT;
        } else {
            return;
        }
    }
}

/* The width, from the digits or from an int argument for '*'. */
static void parse_width(const char **fmt, va_list *ap, struct spec *sp)
{
    if (**fmt == '*') {
        (*fmt)++;
        int w = va_arg(*ap, int);
        if (w < 0) {
            sp->flags |= F_MINUS;
            w = w < -FMT_MAX_FIELD ? FMT_MAX_FIELD : -w;
        }
        sp->width = MIN(w, FMT_MAX_FIELD);
    } else {
        sp->width = parse_number(fmt);
    }
}

static void parse_precision(const char **fmt, va_list *ap, struct spec *sp)
{
    if (**fmt != '.') {
        return;
    }
    (*fmt)++;
    if (**fmt == '*') {
        (*fmt)++;
        int p = va_arg(*ap, int);
        sp->precision = p < 0 ? -1 : MIN(p, FMT_MAX_FIELD);
    } else {
        sp->precision = parse_number(fmt);
    }
}

static enum length parse_length(const char **fmt)
{
    switch (**fmt) {
    case 'h':
        (*fmt)++;
        if (**fmt == 'h') {
            (*fmt)++;
            return LEN_HH;
        }
        return LEN_H;
    case 'l':
        (*fmt)++;
        if (**fmt == 'l') {
            (*fmt)++;
            return LEN_LL;
        }
        return LEN_L;
    case 'z':
        (*fmt)++;
        return LEN_Z;
    case 't':
        (*fmt)++;
        return LEN_T;
    case 'j':
        (*fmt)++;
        return LEN_J;
    default:
        return LEN_NONE;
    }
}

/* Parses the directive after its '%', taking the arguments of '*'; *fmt
 * ends past the conversion character, if there is one. */
static void parse_spec(const char **fmt, va_list *ap, struct spec *sp)
{
    *sp = (struct spec){.precision = -1};
    parse_flags(fmt, sp);
    parse_width(fmt, ap, sp);
    parse_precision(fmt, ap, sp);
    sp->len = parse_length(fmt);
    sp->conv = **fmt;
    if (sp->conv != '\0') {
        (*fmt)++;
    }
}

static void emit_signed(struct out *o, const struct spec *sp, va_list *ap)
{
    s64 v = fetch_signed(ap, sp->len);
    u64 mag = v < 0 ? 0 - (u64)v : (u64)v;

    out_integer(o, sp, mag, v < 0, true, 10);
}

static void emit_unsigned(struct out *o, const struct spec *sp, va_list *ap, unsigned base)
{
    out_integer(o, sp, fetch_unsigned(ap, sp->len), false, false, base);
}

/* %p: "0x" and 16 hex digits. */
static void emit_pointer(struct out *o, const struct spec *sp, va_list *ap)
{
    u64 v = (u64)(uintptr_t)va_arg(*ap, void *);
    char tmp[18];

    tmp[0] = '0';
    tmp[1] = 'x';
    for (int i = 0; i < 16; i++) {
        tmp[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
    }
    out_field(o, sp, tmp, sizeof(tmp));
}

static void emit_char(struct out *o, const struct spec *sp, va_list *ap)
{
    char c = (char)va_arg(*ap, int);

    out_field(o, sp, &c, 1);
}

static void emit_string(struct out *o, const struct spec *sp, va_list *ap)
{
    const char *s = va_arg(*ap, const char *);
    size_t n = 0;

    if (!s) {
        s = "(null)";
    }
    /* With a precision, s need not be NUL-terminated. */
    while ((sp->precision < 0 || n < (size_t)sp->precision) && s[n]) {
        n++;
    }
    out_field(o, sp, s, n);
}

/* Emits the conversion sp describes; false if it is unknown. */
static bool emit_conversion(struct out *o, struct spec *sp, va_list *ap)
{
    switch (sp->conv) {
    case 'd':
    case 'i':
        emit_signed(o, sp, ap);
        break;
    case 'u':
        emit_unsigned(o, sp, ap, 10);
        break;
    case 'X':
        sp->flags |= F_UPPER;
        /* fall through */
    case 'x':
        emit_unsigned(o, sp, ap, 16);
        break;
    case 'o':
        emit_unsigned(o, sp, ap, 8);
        break;
    case 'p':
        emit_pointer(o, sp, ap);
        break;
    case 'c':
        emit_char(o, sp, ap);
        break;
    case 's':
        emit_string(o, sp, ap);
        break;
    case '%':
        out_char(o, '%');
        break;
    default:
        return false;
    }
    return true;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
    struct out o = {buf, size, 0};
    va_list ap;

    va_copy(ap, ap_in);
    while (*fmt) {
        const char *start = fmt;
        struct spec sp;

        if (*fmt != '%') {
            out_char(&o, *fmt++);
            continue;
        }
        fmt++;
        parse_spec(&fmt, &ap, &sp);
        if (sp.conv == '\0') {
            /* Incomplete directive at the end: print it as is. */
            out_mem(&o, start, (size_t)(fmt - start));
            break;
        }
        if (!emit_conversion(&o, &sp, &ap)) {
            /* Unknown conversion: print the directive as is. */
            out_mem(&o, start, (size_t)(fmt - start));
        }
    }
    va_end(ap);

    if (size > 0) {
        o.buf[MIN(o.pos, size - 1)] = '\0';
    }
    return o.pos > (size_t)0x7fffffff ? 0x7fffffff : (int)o.pos;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return 99;
}

int kparse_u64(const char *s, u64 *out)
{
    unsigned base = 10;
    u64 v = 0;
    int ndigits = 0;

    if (!s) {
        return -EINVAL;
    }
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    for (; (unsigned)digit_value(*s) < base; s++, ndigits++) {
        unsigned d = (unsigned)digit_value(*s);
        if (v > (UINT64_MAX - d) / base) {
            return -EINVAL;
        }
        v = v * base + d;
    }
    if (ndigits == 0) {
        return -EINVAL;
    }

    unsigned shift = 0;
    if (*s == 'K' || *s == 'k') {
        shift = 10;
    } else if (*s == 'M' || *s == 'm') {
        shift = 20;
    } else if (*s == 'G' || *s == 'g') {
        shift = 30;
    }
    if (shift) {
        s++;
        if (v > (UINT64_MAX >> shift)) {
            return -EINVAL;
        }
        v <<= shift;
    }
    if (*s != '\0') {
        return -EINVAL;
    }
    *out = v;
    return 0;
}
