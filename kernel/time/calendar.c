// SPDX-License-Identifier: MIT
/* Civil dates, proleptic Gregorian, UTC (include/kernel/calendar.h). The
 * calendar repeats every 400 years, so both directions first move whole
 * 400-year cycles to the one that starts on 2000-01-01, then walk over
 * years and months. tests/test_calendar.c compares the results with the C
 * library's gmtime_r() and timegm(). */
#include <abi/errno.h>
#include <kernel/calendar.h>

#define SECS_PER_DAY 86400
#define CYCLE_YEARS 400
#define CYCLE_DAYS 146097 /* 400 * 365 + 97 leap days */
#define BASE_YEAR 2000 /* a cycle starts on its January 1st */
#define BASE_DAYS 10957 /* 1970-01-01 to 2000-01-01: 30 * 365 + 7 */

/* Days before the 1st of each month of a common year; [12] is the year. */
static const u16 common_month_start[13] = {
    0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365,
};

static bool is_leap(s64 year)
{
    /* C's % keeps the sign, but only zero remainders matter here. */
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static s64 year_length(s64 year)
{
    return is_leap(year) ? 366 : 365;
}

/* Days from January 1st to the 1st of month (1-13, 13: the next year). */
static u32 month_start(u32 month, bool leap)
{
    return common_month_start[month - 1] + (leap && month > 2 ? 1 : 0);
}

static u32 month_length(s64 year, u32 month)
{
    bool leap = is_leap(year);

    return month_start(month + 1, leap) - month_start(month, leap);
}

/* a = *quot * b + *rem with 0 <= *rem < b (b > 0), for any a. */
static void floor_divmod(s64 a, s64 b, s64 *quot, s64 *rem)
{
    *quot = a / b;
    *rem = a % b;
    if (*rem < 0) {
        *quot -= 1;
        *rem += b;
    }
}

/* Days from 1970-01-01 to the given date (negative before it). */
static s64 date_to_days(s64 year, u32 month, u32 day)
{
    s64 cycles, years_in;

    floor_divmod(year - BASE_YEAR, CYCLE_YEARS, &cycles, &years_in);

    s64 days = BASE_DAYS + cycles * CYCLE_DAYS;
    s64 first_year = year - years_in; /* the cycle's first year */

    for (s64 y = first_year; y < year; y++) {
        days += year_length(y);
    }
    return days + month_start(month, is_leap(year)) + (day - 1);
}

int civil_to_epoch(const struct civil_time *t, s64 *epoch)
{
    if (t->month < 1 || t->month > 12 || t->day < 1 || t->day > month_length(t->year, t->month) ||
        t->hour > 23 || t->minute > 59 || t->second > 60) {
        return -EINVAL;
    }
    /* second 60 (a leap second) lands on the next minute's 0. */
    *epoch = date_to_days(t->year, t->month, t->day) * SECS_PER_DAY + t->hour * 3600 +
             t->minute * 60 + t->second;
    return 0;
}

void epoch_to_civil(s64 epoch, struct civil_time *t)
{
    s64 days, secs, cycles, left;

    floor_divmod(epoch, SECS_PER_DAY, &days, &secs);
    t->hour = (u32)(secs / 3600);
    t->minute = (u32)(secs / 60 % 60);
    t->second = (u32)(secs % 60);

    /* Whole cycles first; left is then a day within a cycle. */
    floor_divmod(days - BASE_DAYS, CYCLE_DAYS, &cycles, &left);

    s64 year = BASE_YEAR + cycles * CYCLE_YEARS;

    while (left >= year_length(year)) {
        left -= year_length(year);
        year++;
    }

    bool leap = is_leap(year);
    u32 month = 1;

    while (month < 12 && left >= month_start(month + 1, leap)) {
        month++;
    }
    t->year = year;
    t->month = month;
    t->day = (u32)(left - month_start(month, leap)) + 1;
}
