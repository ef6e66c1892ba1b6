/*
 * fuzz-duration.c: libFuzzer harness for the small parsers of lib/util.c
 * that read what people type: durations ("1h30m", "250ms") and counts.
 * The input is one string (cut at the first NUL).  Each either parses or
 * says -1; a duration that parses is formatted, and a formatted
 * duration of whole seconds parses back to itself, and is formatted
 * as a time too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, buf[64], back[64];
	int64_t ms, n, again;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';

	ms = jmx_parse_duration_ms(s);
	if (ms < -1)
		abort();
	if (ms >= 0) {
		jmx_format_duration(buf, sizeof buf, ms);
		if (ms % 1000 == 0) {
			again = jmx_parse_duration_ms(buf);
			if (again != ms) {
				fprintf(stderr, "'%s' -> %lld ms -> '%s' -> "
				    "%lld\n", s, (long long)ms, buf,
				    (long long)again);
				abort();
			}
		}
		jmx_format_time(back, sizeof back, ms);
	}
	n = jmx_parse_count(s);
	if (n < -1)
		abort();
	if (n >= 0) {
		snprintf(buf, sizeof buf, "%lld", (long long)n);
		(void)jmx_parse_duration_ms(buf);
	}
	free(s);
	return 0;
}
