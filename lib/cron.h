/*
 * cron.h: five-field cron expressions and local wall-clock times in a
 * named time zone (pure: no store, no clock).
 *
 * Fields: minute hour day-of-month month day-of-week, each "*", a number,
 * a range "a-b", a step "*" "/n", "a-b/n" or "a/n", or a list of those
 * separated by commas; months jan..dec and days sun..sat by name, day 7
 * is Sunday too.  When both day fields are restricted a day matching
 * either runs (as in Vixie cron).
 *
 * Daylight saving time, the way cron users expect a wall-clock schedule
 * to behave: a time that does not exist (the hour skipped when clocks
 * go forward) runs at the first minute after the gap, once however many
 * of its times fell into it; a time that occurs twice (the hour repeated
 * when clocks go back) runs once, at its first occurrence.
 */
#ifndef JMX_CRON_H
#define JMX_CRON_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct jmx_cron {
	uint64_t	minute;		/* bit m: minute m, 0..59 */
	uint32_t	hour;		/* 0..23 */
	uint32_t	mday;		/* 1..31 */
	uint32_t	month;		/* 1..12 */
	uint32_t	wday;		/* 0..6, Sunday 0 */
	int		mday_star;	/* the day-of-month field was "*" */
	int		wday_star;	/* the day-of-week field was "*" */
};

/*
 * Parse expr into c.  JMX_ERR_USAGE naming the field and what is wrong
 * ("hour: 24 is out of range 0-23").
 */
enum jmx_code	jmx_cron_parse(const char *expr, struct jmx_cron *c,
		    struct jmx_err *);
/*
 * The first time the schedule runs after after_ms (epoch ms), in the
 * time zone tz (a TZ name such as "Europe/Berlin"; NULL or "" for the
 * process's own), as epoch ms; -1 if none within five years.
 */
int64_t		jmx_cron_next(const struct jmx_cron *, int64_t after_ms,
		    const char *tz);
/*
 * The epoch ms of a local wall-clock time in tz (month 1..12), with the
 * same daylight saving rules: a time in a gap is the first minute after
 * it, a repeated time its first occurrence.
 */
int64_t		jmx_cron_local(int year, int month, int day, int hour,
		    int minute, int second, const char *tz);

/* ms as "2026-12-24 02:00 CET", local time in tz (NULL: the process's). */
void		jmx_cron_format(char *out, size_t len, int64_t ms,
		    const char *tz);

#endif
