/* verdict.c: thresholds against a summary. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "stats.h"
#include "verdict.h"

static const char *const named[] = {
	"avg", "min", "max", "median", "stddev", "error_pct", "errors",
	"samples", "throughput", "apdex", NULL
};

/* The percentile of "pNN", or -1 when name is not one. */
static double
percentile_of(const char *name)
{
	char *end;
	double p;

	if (name[0] != 'p' || !isdigit((unsigned char)name[1]))
		return -1;
	p = strtod(name + 1, &end);
	if (*end != '\0' || !(p > 0 && p < 100))
		return -1;
	return p;
}

int
jmx_verdict_known_metric(const char *name)
{
	int i;

	for (i = 0; named[i] != NULL; i++)
		if (strcmp(name, named[i]) == 0)
			return 1;
	return percentile_of(name) > 0;
}

/* The standard deviation of the elapsed times, from the histogram. */
static double
stddev(const struct jmx_summary_row *row)
{
	struct jmx_hist_iter it;
	double sum = 0, d;
	int64_t v;
	uint64_t c;

	if (row->count == 0)
		return NAN;
	jmx_hist_iter_init(&it, row->hist);
	while (jmx_hist_iter_next(&it, &v, &c)) {
		d = (double)v - row->avg;
		sum += d * d * (double)c;
	}
	return sqrt(sum / (double)jmx_hist_count(row->hist));
}

static double
metric(const struct jmx_summary_row *row, const char *name)
{
	double p;

	if ((p = percentile_of(name)) > 0)
		return (double)jmx_hist_percentile(row->hist, p);
	if (strcmp(name, "avg") == 0)
		return row->avg;
	if (strcmp(name, "min") == 0)
		return (double)row->min;
	if (strcmp(name, "max") == 0)
		return (double)row->max;
	if (strcmp(name, "median") == 0)
		return (double)row->p50;
	if (strcmp(name, "stddev") == 0)
		return stddev(row);
	if (strcmp(name, "error_pct") == 0)
		return row->error_pct;
	if (strcmp(name, "errors") == 0)
		return (double)row->errors;
	if (strcmp(name, "samples") == 0)
		return (double)row->count;
	if (strcmp(name, "throughput") == 0)
		return row->throughput;
	if (strcmp(name, "apdex") == 0)
		return row->apdex;
	return NAN;
}

static int
holds(double actual, const char *op, double limit)
{
	if (strcmp(op, "<") == 0)
		return actual < limit;
	if (strcmp(op, "<=") == 0)
		return actual <= limit;
	if (strcmp(op, ">") == 0)
		return actual > limit;
	if (strcmp(op, ">=") == 0)
		return actual >= limit;
	return 0;
}

int
jmx_verdict_check(struct jmx_summary *sum, const struct jmx_threshold *t,
    int n, struct jmx_verdict *out)
{
	const struct jmx_summary_row *row;
	int i, failed = 0;

	for (i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof out[i]);
		out[i].threshold = &t[i];
		row = t[i].label != NULL ? jmx_summary_find(sum, t[i].label) :
		    jmx_summary_total(sum);
		if (row != NULL && row->count > 0) {
			out[i].measured = 1;
			out[i].actual = metric(row, t[i].metric);
			out[i].pass = !isnan(out[i].actual) &&
			    holds(out[i].actual, t[i].op, t[i].value);
		}
		if (!out[i].pass)
			failed++;
	}
	return failed;
}
