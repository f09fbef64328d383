// SPDX-License-Identifier: MIT
/* \_S5 from the DSDT without an AML interpreter: a byte scan for
 * NameOp [\]_S5_ PackageOp and a careful decode of the package's first two
 * integers (SLP_TYPa, SLP_TYPb). Every read is bounded by the table length. */
#include <arch/x86_64/acpi.h>
#include <kernel/string.h>
#include <kernel/types.h>

#include "acpi_internal.h"

#define AML_NAME_OP 0x08
#define AML_ROOT_CHAR 0x5c
#define AML_PACKAGE_OP 0x12
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c

/* AML PkgLength: returns false if malformed or past avail. *len counts from
 * the first PkgLength byte to the end of the package. */
static bool aml_pkg_length(const u8 *p, size_t avail, u32 *len, u32 *used)
{
    u32 follow, v;

    if (avail < 1) {
        return false;
    }
    follow = p[0] >> 6;
    if (follow == 0) {
        *len = p[0] & 0x3f;
        *used = 1;
        return true;
    }
    if ((p[0] & 0x30) != 0 || avail < 1 + follow) {
        return false;
    }
    v = p[0] & 0x0f;
    for (u32 i = 0; i < follow; i++) {
        v |= (u32)p[1 + i] << (4 + 8 * i);
    }
    *len = v;
    *used = 1 + follow;
    return true;
}

/* One integer constant; advances *pos. */
static bool aml_integer(const u8 *p, u32 end, u32 *pos, u32 *val)
{
    u32 i = *pos, n;

    if (i >= end) {
        return false;
    }
    switch (p[i]) {
    case AML_ZERO_OP:
        *val = 0;
        *pos = i + 1;
        return true;
    case AML_ONE_OP:
        *val = 1;
        *pos = i + 1;
        return true;
    case AML_BYTE_PREFIX:
        n = 1;
        break;
    case AML_WORD_PREFIX:
        n = 2;
        break;
    case AML_DWORD_PREFIX:
        n = 4;
        break;
    default:
        return false;
    }
    if (end - i - 1 < n) {
        return false;
    }
    *val = 0;
    for (u32 k = 0; k < n; k++) {
        *val |= (u32)p[i + 1 + k] << (8 * k);
    }
    *pos = i + 1 + n;
    return true;
}

/* Parses the package that starts at p[at] (the PackageOp). */
static bool parse_s5_package(const u8 *p, u32 len, u32 at, u8 *a, u8 *b)
{
    u32 pkg_len, used, pos, end, count, v0, v1;

    if (!aml_pkg_length(p + at + 1, len - at - 1, &pkg_len, &used)) {
        return false;
    }
    if (pkg_len < used + 1 || pkg_len > len - at - 1) {
        return false;
    }
    end = at + 1 + pkg_len;
    pos = at + 1 + used;
    count = p[pos++];
    if (count == 0 || !aml_integer(p, end, &pos, &v0)) {
        return false;
    }
    if (count == 1) {
        /* One packed element: SLP_TYPa in bits 0-7, SLP_TYPb in bits 8-15. */
        v1 = (v0 >> 8) & 0xff;
        v0 &= 0xff;
    } else if (!aml_integer(p, end, &pos, &v1)) {
        return false;
    }
    if (v0 > 7 || v1 > 7) {
        return false; /* SLP_TYP is a 3-bit field */
    }
    *a = (u8)v0;
    *b = (u8)v1;
    return true;
}

/* Looks for NameOp [\]_S5_ PackageOp in the DSDT body. */
void acpi_find_s5(struct acpi_info *info, const struct acpi_header *dsdt)
{
    const u8 *p = (const u8 *)dsdt;
    u32 len = dsdt->length;

    for (u32 i = sizeof(*dsdt) + 1; i + 5 <= len; i++) {
        bool named;

        if (p[i] != '_' || memcmp(p + i, "_S5_", 4) != 0 || p[i + 4] != AML_PACKAGE_OP) {
            continue;
        }
        named = p[i - 1] == AML_NAME_OP ||
                (p[i - 1] == AML_ROOT_CHAR && i >= sizeof(*dsdt) + 2 && p[i - 2] == AML_NAME_OP);
        if (named && parse_s5_package(p, len, i + 4, &info->slp_typa, &info->slp_typb)) {
            info->has_s5 = true;
            return;
        }
    }
}
