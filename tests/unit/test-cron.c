/* test-cron.c: cron expressions, next times, daylight saving. */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "cron.h"
#include "err.h"
#include "tap.h"
#include "util.h"

/* Epoch ms of a UTC time "YYYY-MM-DDTHH:MM:SSZ". */
static int64_t
utc(const char *s)
{
	return jmx_parse_time_utc(s);
}

/* The next run after the UTC time `after`, formatted as UTC. */
static const char *
next(const char *expr, const char *after, const char *tz)
{
	static char out[32];
	struct jmx_cron c;
	struct jmx_err err = { 0 };
	int64_t t;

	if (jmx_cron_parse(expr, &c, &err) != JMX_OK)
		return err.msg;
	if ((t = jmx_cron_next(&c, utc(after), tz)) < 0)
		return "none";
	jmx_format_time(out, sizeof out, t);
	return out;
}

static const char *
bad(const char *expr)
{
	static struct jmx_err err;
	struct jmx_cron c;

	jmx_err_clear(&err);
	if (jmx_cron_parse(expr, &c, &err) == JMX_OK)
		return "(parsed)";
	return err.msg;
}

int
main(void)
{
	const char *ny = "America/New_York";

	/* Parsing: fields, ranges, steps, lists, names. */
	is_str(next("*/15 * * * *", "2026-01-01T00:07:00Z", "UTC"),
	    "2026-01-01T00:15:00Z", "a step");
	is_str(next("5,40 9-10 * * *", "2026-01-01T09:41:00Z", "UTC"),
	    "2026-01-01T10:05:00Z", "a list within a range");
	is_str(next("0 0 1 feb *", "2026-01-01T00:00:00Z", "UTC"),
	    "2026-02-01T00:00:00Z", "a month by name");
	is_str(next("0 12 * * sun", "2026-01-01T00:00:00Z", "UTC"),
	    "2026-01-04T12:00:00Z", "a day by name (2026-01-04 is Sunday)");
	is_str(next("0 12 * * 7", "2026-01-01T00:00:00Z", "UTC"),
	    "2026-01-04T12:00:00Z", "day 7 is Sunday");
	is_str(next("0 0 13 * 5", "2026-01-01T00:00:00Z", "UTC"),
	    "2026-01-02T00:00:00Z", "both day fields: either matches");
	is_str(next("10/20 * * * *", "2026-01-01T00:11:00Z", "UTC"),
	    "2026-01-01T00:30:00Z", "a/n runs from a to the end");
	is_str(next("0 0 30 2 *", "2026-01-01T00:00:00Z", "UTC"), "none",
	    "February 30th never comes");
	is_str(bad("0 24 * * *"),
	    "cron expression '0 24 * * *': hour: 24 is out of range 0-23",
	    "an hour out of range");
	is_str(bad("0 2 * *"), "cron expression '0 2 * *' has 4 fields, "
	    "not 5 (minute hour day-of-month month day-of-week)",
	    "four fields");
	is_str(bad("0 2 * * 1-5 x"),
	    "cron expression '0 2 * * 1-5 x' has more than 5 fields",
	    "six fields");
	is_str(bad("0 2 * * mon-"), "cron expression '0 2 * * mon-': "
	    "day of week: 'mon-' has no end to its range", "an open range");
	is_str(bad("*/0 * * * *"), "cron expression '*/0 * * * *': "
	    "minute: '*/0' needs a positive step", "a zero step");
	is_str(bad("5-1 * * * *"), "cron expression '5-1 * * * *': "
	    "minute: range '5-1' runs backwards", "a backward range");
	is_str(bad("x * * * *"), "cron expression 'x * * * *': "
	    "minute: 'x' is not a number", "a word for a minute");

	/*
	 * Weekdays at 02:00 in New York, across the spring change (Sunday
	 * 2026-03-08 02:00 EST becomes 03:00 EDT): Friday at 07:00 UTC,
	 * nothing at the weekend, Monday at 06:00 UTC, still 02:00 local.
	 */
	is_str(next("0 2 * * 1-5", "2026-03-05T08:00:00Z", ny),
	    "2026-03-06T07:00:00Z", "weekday task: Friday 02:00 EST");
	is_str(next("0 2 * * 1-5", "2026-03-06T07:00:00Z", ny),
	    "2026-03-09T06:00:00Z", "weekday task: then Monday 02:00 EDT");
	is_str(next("0 2 * * 1-5", "2026-10-30T06:00:00Z", ny),
	    "2026-11-02T07:00:00Z", "weekday task: Monday 02:00 EST after "
	    "the autumn change");
	/* The same expression in another zone is another instant. */
	is_str(next("0 2 * * 1-5", "2026-03-05T08:00:00Z", "Europe/Berlin"),
	    "2026-03-06T01:00:00Z", "the zone is the task's, not the "
	    "machine's");
	/* A time in the skipped hour runs at the first minute after it. */
	is_str(next("30 2 * * *", "2026-03-07T08:00:00Z", ny),
	    "2026-03-08T07:00:00Z", "02:30 on spring-forward day: 03:00 EDT");
	is_str(next("*/15 2 * * *", "2026-03-08T06:59:00Z", ny),
	    "2026-03-08T07:00:00Z", "the gap's four times run once...");
	is_str(next("*/15 2 * * *", "2026-03-08T07:00:00Z", ny),
	    "2026-03-09T06:00:00Z", "...and not again that day");
	/* A repeated time runs once, at its first occurrence. */
	is_str(next("30 1 * * *", "2026-11-01T04:00:00Z", ny),
	    "2026-11-01T05:30:00Z", "01:30 on fall-back day: the EDT one");
	is_str(next("30 1 * * *", "2026-11-01T05:30:00Z", ny),
	    "2026-11-02T06:30:00Z", "not again at 01:30 EST");
	is_str(next("*/30 1 * * *", "2026-11-01T05:30:00Z", ny),
	    "2026-11-02T06:00:00Z", "the repeated hour's times run once");

	/* Local wall-clock times. */
	is_int(jmx_cron_local(2026, 12, 24, 2, 0, 0, ny),
	    utc("2026-12-24T07:00:00Z"), "local time in winter");
	is_int(jmx_cron_local(2026, 7, 1, 2, 0, 30, ny),
	    utc("2026-07-01T06:00:30Z"), "local time in summer, seconds");
	is_int(jmx_cron_local(2026, 3, 8, 2, 30, 0, ny),
	    utc("2026-03-08T07:00:00Z"), "a local time in the gap");
	is_int(jmx_cron_local(2026, 11, 1, 1, 30, 0, ny),
	    utc("2026-11-01T05:30:00Z"), "a repeated local time: the first");
	return done_testing();
}
