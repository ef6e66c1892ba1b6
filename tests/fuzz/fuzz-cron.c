/*
 * fuzz-cron.c: libFuzzer harness for lib/cron.c, the expressions
 * jmx-schedule add --cron reads.  The input is one string (cut at the
 * first NUL).  It either parses or gives an error naming the field; one
 * that parses has a next time after a fixed instant, later than it, in
 * UTC and in a zone with daylight saving time, and that time matches the
 * expression's minute and hour in UTC.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cron.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* 2026-03-01 00:00 UTC: the spring DST change of both zones follows. */
#define AFTER_MS	1772323200000LL

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jmx_cron c;
	struct jmx_err err;
	char *s;
	int64_t t, m;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	memset(&err, 0, sizeof err);
	if (jmx_cron_parse(s, &c, &err) != JMX_OK) {
		if (err.msg[0] == '\0')
			abort();	/* an error must say what is wrong */
		free(s);
		return 0;
	}
	t = jmx_cron_next(&c, AFTER_MS, "UTC");
	if (t != -1) {
		if (t <= AFTER_MS)
			abort();
		m = t / 60000;
		if (!(c.minute >> (m % 60) & 1) ||
		    !(c.hour >> (m / 60 % 24) & 1)) {
			fprintf(stderr, "'%s': next %lld does not match\n", s,
			    (long long)t);
			abort();
		}
	}
	t = jmx_cron_next(&c, AFTER_MS, "America/New_York");
	if (t != -1 && t <= AFTER_MS)
		abort();
	free(s);
	return 0;
}
