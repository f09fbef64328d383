// SPDX-License-Identifier: MIT
#include <kernel/calendar.h>
#include <kernel/errno.h>

/* Days since 1970-01-01 of a civil date, using 400-year eras that start
 * on March 1st so that leap days fall at the end of each year. */
static s64 days_from_civil(s64 y, u32 m, u32 d)
{
    y -= m <= 2;
    s64 era = (y >= 0 ? y : y - 399) / 400;
    s64 yoe = y - era * 400;
    s64 doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    s64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool is_leap(s64 y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static u32 days_in_month(s64 y, u32 m)
{
    static const u8 days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

int civil_to_epoch(const struct civil_time *t, s64 *epoch)
{
    if (t->month < 1 || t->month > 12 || t->day < 1 || t->day > days_in_month(t->year, t->month) ||
        t->hour > 23 || t->minute > 59 || t->second > 60) {
        return -EINVAL;
    }
    *epoch = days_from_civil(t->year, t->month, t->day) * 86400 + t->hour * 3600 + t->minute * 60 +
             t->second;
    return 0;
}

void epoch_to_civil(s64 epoch, struct civil_time *t)
{
    s64 days = epoch >= 0 ? epoch / 86400 : (epoch - 86399) / 86400;
    s64 secs = epoch - days * 86400;
    t->hour = (u32)(secs / 3600);
    t->minute = (u32)(secs % 3600 / 60);
    t->second = (u32)(secs % 60);

    s64 z = days + 719468;
    s64 era = (z >= 0 ? z : z - 146096) / 146097;
    s64 doe = z - era * 146097;
    s64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    s64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    s64 mp = (5 * doy + 2) / 153;
    t->day = (u32)(doy - (153 * mp + 2) / 5 + 1);
    t->month = (u32)(mp < 10 ? mp + 3 : mp - 9);
    t->year = yoe + era * 400 + (t->month <= 2);
}
