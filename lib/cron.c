/*
 * cron.c: parse five-field cron expressions; the next run in a named time
 * zone, daylight saving handled as described in cron.h.
 *
 * Wall-clock dates are walked with timegm() (calendar arithmetic, no time
 * zone); only the final step, wall clock to instant, asks the zone, with
 * mktime() under TZ set for the call and put back after.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cron.h"
#include "xmalloc.h"

struct field {
	const char		*name;
	int			 lo, hi;
	const char *const	*names;	/* names[i] is value lo + i */
};

static const char *const month_names[] = { "jan", "feb", "mar", "apr",
	"may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", NULL };
static const char *const day_names[] = { "sun", "mon", "tue", "wed", "thu",
	"fri", "sat", NULL };

static const struct field fields[5] = {
	{ "minute", 0, 59, NULL },
	{ "hour", 0, 23, NULL },
	{ "day of month", 1, 31, NULL },
	{ "month", 1, 12, month_names },
	{ "day of week", 0, 7, day_names }
};

/* A number or a name at *p; -1 if neither. */
static int
value(const struct field *f, const char **p)
{
	const char *s = *p;
	int i, v = 0;

	if (isdigit((unsigned char)*s)) {
		while (isdigit((unsigned char)*s) && v < 1000)
			v = v * 10 + (*s++ - '0');
		*p = s;
		return v;
	}
	for (i = 0; f->names != NULL && f->names[i] != NULL; i++)
		if (strncasecmp(s, f->names[i], 3) == 0 &&
		    !isalpha((unsigned char)s[3])) {
			*p = s + 3;
			return f->lo + i;
		}
	return -1;
}

/* One field (text s of length n) into the bit set *bits. */
static enum jmx_code
parse_field(const struct field *f, const char *s, size_t n, uint64_t *bits,
    struct jmx_err *err)
{
	char item[64], *save = NULL, *tok;
	char *copy = xstrndup(s, n);
	const char *p;
	int a, b, step, v;
	enum jmx_code rc = JMX_OK;

	*bits = 0;
	for (tok = strtok_r(copy, ",", &save); tok != NULL && rc == JMX_OK;
	    tok = strtok_r(NULL, ",", &save)) {
		snprintf(item, sizeof item, "%s", tok);
		p = tok;
		step = 1;
		if (*p == '*') {
			a = f->lo;
			b = f->hi;
			p++;
		} else {
			if ((a = value(f, &p)) < 0) {
				rc = jmx_err_set(err, JMX_ERR_USAGE, "%s: '%s' "
				    "is not a number%s", f->name, item,
				    f->names != NULL ? " or a name" : "");
				break;
			}
			b = a;
			if (*p == '-') {
				p++;
				if ((b = value(f, &p)) < 0) {
					rc = jmx_err_set(err, JMX_ERR_USAGE,
					    "%s: '%s' has no end to its range",
					    f->name, item);
					break;
				}
			} else if (*p == '/')
				b = f->hi;
		}
		if (*p == '/') {
			p++;
			if (!isdigit((unsigned char)*p) ||
			    (step = value(f, &p)) <= 0) {
				rc = jmx_err_set(err, JMX_ERR_USAGE, "%s: '%s' "
				    "needs a positive step", f->name, item);
				break;
			}
		}
		if (*p != '\0') {
			rc = jmx_err_set(err, JMX_ERR_USAGE, "%s: '%s' is not "
			    "a value, range or step", f->name, item);
			break;
		}
		if (a < f->lo || a > f->hi || b < f->lo || b > f->hi) {
			rc = jmx_err_set(err, JMX_ERR_USAGE, "%s: %d is out "
			    "of range %d-%d", f->name, a < f->lo || a > f->hi ?
			    a : b, f->lo, f->hi);
			break;
		}
		if (a > b) {
			rc = jmx_err_set(err, JMX_ERR_USAGE, "%s: range '%s' "
			    "runs backwards", f->name, item);
			break;
		}
		for (v = a; v <= b; v += step)
			*bits |= (uint64_t)1 << v;
	}
	free(copy);
	return rc;
}

enum jmx_code
jmx_cron_parse(const char *expr, struct jmx_cron *c, struct jmx_err *err)
{
	const char *p = expr, *start;
	uint64_t bits[5];
	int i;

	memset(c, 0, sizeof *c);
	for (i = 0; i < 5; i++) {
		while (*p == ' ' || *p == '\t')
			p++;
		start = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		if (p == start)
			return jmx_err_set(err, JMX_ERR_USAGE, "cron expression "
			    "'%s' has %d field%s, not 5 (minute hour "
			    "day-of-month month day-of-week)", expr, i,
			    i == 1 ? "" : "s");
		if (parse_field(&fields[i], start, (size_t)(p - start),
		    &bits[i], err) != JMX_OK) {
			jmx_err_prefix(err, "cron expression '%s'", expr);
			return JMX_ERR_USAGE;
		}
		if (i == 2)
			c->mday_star = *start == '*' && p - start == 1;
		if (i == 4)
			c->wday_star = *start == '*' && p - start == 1;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '\0')
		return jmx_err_set(err, JMX_ERR_USAGE, "cron expression '%s' "
		    "has more than 5 fields", expr);
	c->minute = bits[0];
	c->hour = (uint32_t)bits[1];
	c->mday = (uint32_t)bits[2];
	c->month = (uint32_t)bits[3];
	/* Day 7 is Sunday. */
	c->wday = (uint32_t)(bits[4] & 0x7f) | (uint32_t)((bits[4] >> 7) & 1);
	return JMX_OK;
}

/* TZ set to tz for a call and put back after. */
struct tzsave {
	char	*old;
	int	 set;
};

static void
tz_enter(struct tzsave *s, const char *tz)
{
	const char *old = getenv("TZ");

	s->set = tz != NULL && *tz != '\0';
	s->old = old != NULL ? xstrdup(old) : NULL;
	if (s->set) {
		setenv("TZ", tz, 1);
		tzset();
	}
}

static void
tz_leave(struct tzsave *s)
{
	if (s->set) {
		if (s->old != NULL)
			setenv("TZ", s->old, 1);
		else
			unsetenv("TZ");
		tzset();
	}
	free(s->old);
}

/* Does local time t show exactly this wall clock (w, from timegm)? */
static int
shows(time_t t, const struct tm *w)
{
	struct tm l;

	localtime_r(&t, &l);
	return l.tm_year == w->tm_year && l.tm_mon == w->tm_mon &&
	    l.tm_mday == w->tm_mday && l.tm_hour == w->tm_hour &&
	    l.tm_min == w->tm_min;
}

/*
 * The first instant showing wall clock wall (a timegm() value: seconds
 * counted as if UTC), or -1 if that time does not exist.  TZ is set.
 */
static time_t
first_instant(time_t wall)
{
	struct tm w, t;
	time_t best = -1, e;
	int dst;

	gmtime_r(&wall, &w);
	for (dst = 0; dst <= 1; dst++) {
		t = w;
		t.tm_isdst = dst;
		if ((e = mktime(&t)) == (time_t)-1 || !shows(e, &w))
			continue;
		if (best == -1 || e < best)
			best = e;
	}
	return best;
}

/* The instant of wall clock wall, a gap moved to its first minute after. */
static time_t
instant(time_t wall)
{
	time_t e;
	int i;

	/* A gap is at most a few hours; a day bounds the search. */
	for (i = 0; i < 24 * 60; i++, wall += 60)
		if ((e = first_instant(wall)) != -1)
			return e;
	return -1;
}

static int
day_matches(const struct jmx_cron *c, const struct tm *d)
{
	int md = (c->mday >> d->tm_mday) & 1;
	int wd = (c->wday >> d->tm_wday) & 1;

	if (!((c->month >> (d->tm_mon + 1)) & 1))
		return 0;
	if (c->mday_star || c->wday_star)
		return md && wd;
	return md || wd;
}

int64_t
jmx_cron_next(const struct jmx_cron *c, int64_t after_ms, const char *tz)
{
	struct tzsave save;
	struct tm l, d;
	time_t after = (time_t)(after_ms / 1000), wall, day, e;
	int64_t found = -1;
	int days, h, m, h0, m0;

	if (after_ms < 0 && after_ms % 1000 != 0)
		after--;
	tz_enter(&save, tz);
	localtime_r(&after, &l);
	/* The wall clock of after, as seconds of a day counted by timegm. */
	d = l;
	d.tm_hour = d.tm_min = d.tm_sec = 0;
	d.tm_isdst = 0;
	day = timegm(&d);
	h0 = l.tm_hour;
	m0 = l.tm_min;
	for (days = 0; days < 366 * 5 && found < 0; days++, day += 86400) {
		gmtime_r(&day, &d);
		if (!day_matches(c, &d))
			continue;
		for (h = days == 0 ? h0 : 0; h < 24 && found < 0; h++) {
			if (!((c->hour >> h) & 1))
				continue;
			m = days == 0 && h == h0 ? m0 : 0;
			for (; m < 60 && found < 0; m++) {
				if (!((c->minute >> m) & 1))
					continue;
				wall = day + h * 3600 + m * 60;
				e = instant(wall);
				if (e != -1 && e > after)
					found = (int64_t)e * 1000;
			}
		}
	}
	tz_leave(&save);
	return found;
}

int64_t
jmx_cron_local(int year, int month, int day, int hour, int minute,
    int second, const char *tz)
{
	struct tzsave save;
	struct tm w;
	time_t wall, e;

	memset(&w, 0, sizeof w);
	w.tm_year = year - 1900;
	w.tm_mon = month - 1;
	w.tm_mday = day;
	w.tm_hour = hour;
	w.tm_min = minute;
	wall = timegm(&w);
	tz_enter(&save, tz);
	e = instant(wall);
	tz_leave(&save);
	return e == -1 ? -1 : ((int64_t)e + second) * 1000;
}

void
jmx_cron_format(char *out, size_t len, int64_t ms, const char *tz)
{
	struct tzsave save;
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	tz_enter(&save, tz);
	localtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%d %H:%M %Z", &tm);
	tz_leave(&save);
}
