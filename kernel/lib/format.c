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

struct spec {
    int flags;
    int width; /* 0 when absent */
    int precision; /* -1 when absent */
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

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

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

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
    struct out o = {buf, size, 0};
    va_list ap;

    va_copy(ap, ap_in);
    while (*fmt) {
        if (*fmt != '%') {
            out_char(&o, *fmt++);
            continue;
        }
        const char *start = fmt++;
        struct spec sp = {0, 0, -1};

        for (;; fmt++) {
            if (*fmt == '-') {
                sp.flags |= F_MINUS;
            } else if (*fmt == '0') {
                sp.flags |= F_ZERO;
            } else if (*fmt == '+') {
                sp.flags |= F_PLUS;
            } else if (*fmt == ' ') {
                sp.flags |= F_SPACE;
            } else if (*fmt == '#') {
                sp.flags |= F_ALT;
            } else {
                break;
            }
        }

        if (*fmt == '*') {
            fmt++;
            int w = va_arg(ap, int);
            if (w < 0) {
                sp.flags |= F_MINUS;
                w = w < -FMT_MAX_FIELD ? FMT_MAX_FIELD : -w;
            }
            sp.width = MIN(w, FMT_MAX_FIELD);
        } else {
            sp.width = parse_number(&fmt);
        }

        if (*fmt == '.') {
            fmt++;
            if (*fmt == '*') {
                fmt++;
                int p = va_arg(ap, int);
                sp.precision = p < 0 ? -1 : MIN(p, FMT_MAX_FIELD);
            } else {
                sp.precision = parse_number(&fmt);
            }
        }

        enum length len = LEN_NONE;
        if (*fmt == 'h') {
            fmt++;
            len = LEN_H;
            if (*fmt == 'h') {
                fmt++;
                len = LEN_HH;
            }
        } else if (*fmt == 'l') {
            fmt++;
            len = LEN_L;
            if (*fmt == 'l') {
                fmt++;
                len = LEN_LL;
            }
        } else if (*fmt == 'z') {
            fmt++;
            len = LEN_Z;
        } else if (*fmt == 't') {
            fmt++;
            len = LEN_T;
        } else if (*fmt == 'j') {
            fmt++;
            len = LEN_J;
        }

        char conv = *fmt;
        if (conv == '\0') {
            /* Incomplete directive at the end: print it as is. */
            out_mem(&o, start, (size_t)(fmt - start));
            break;
        }
        fmt++;

        switch (conv) {
        case 'd':
        case 'i': {
            s64 v = fetch_signed(&ap, len);
            u64 mag = v < 0 ? 0 - (u64)v : (u64)v;
            out_integer(&o, &sp, mag, v < 0, true, 10);
            break;
        }
        case 'u':
            out_integer(&o, &sp, fetch_unsigned(&ap, len), false, false, 10);
            break;
        case 'X':
            sp.flags |= F_UPPER;
            /* fall through */
        case 'x':
            out_integer(&o, &sp, fetch_unsigned(&ap, len), false, false, 16);
            break;
        case 'o':
            out_integer(&o, &sp, fetch_unsigned(&ap, len), false, false, 8);
            break;
        case 'p': {
            u64 v = (u64)(uintptr_t)va_arg(ap, void *);
            char tmp[18];

            tmp[0] = '0';
            tmp[1] = 'x';
            for (int i = 0; i < 16; i++) {
                tmp[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
            }
            out_field(&o, &sp, tmp, sizeof(tmp));
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            out_field(&o, &sp, &c, 1);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            size_t n = 0;

            if (!s) {
                s = "(null)";
            }
            /* With a precision, s need not be NUL-terminated. */
            while ((sp.precision < 0 || n < (size_t)sp.precision) && s[n]) {
                n++;
            }
            out_field(&o, &sp, s, n);
            break;
        }
        case '%':
            out_char(&o, '%');
            break;
        default:
            /* Unknown conversion: print the directive as is. */
            out_mem(&o, start, (size_t)(fmt - start));
            break;
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
