/*
 * part.c: parts of a plan's load (see part.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "part.h"
#include "util.h"
#include "xmalloc.h"

void
jmx_part_init(struct jmx_part *p, int ngroups)
{
	p->ngroups = ngroups;
	p->groups = xcalloc((size_t)ngroups + 1, sizeof *p->groups);
	p->scale = 0;
}

void
jmx_part_set(struct jmx_part *p, const struct jmx_plan_gshare *groups,
    int ngroups, double scale)
{
	free(p->groups);
	jmx_part_init(p, ngroups);
	if (ngroups > 0)
		memcpy(p->groups, groups, (size_t)ngroups * sizeof *groups);
	p->scale = scale;
}

void
jmx_part_free(struct jmx_part *p)
{
	free(p->groups);
	memset(p, 0, sizeof *p);
}

int64_t
jmx_part_main_peak(const struct jmx_plan *plan,
    const struct jmx_plan_gshare *groups)
{
	int64_t sum = 0, max = 0;
	int g;

	for (g = 0; g < plan->ngroups; g++) {
		if (plan->groups[g].kind != JMX_PLAN_THREADS)
			continue;
		sum += groups[g].threads;
		if (groups[g].threads > max)
			max = groups[g].threads;
	}
	return plan->serialize ? max : sum;
}

int
jmx_part_peak(const struct jmx_plan *plan,
    const struct jmx_plan_gshare *groups)
{
	int64_t setup = 0, teardown = 0, p = jmx_part_main_peak(plan, groups);
	int g;

	for (g = 0; g < plan->ngroups; g++) {
		if (plan->groups[g].kind == JMX_PLAN_SETUP)
			setup += groups[g].threads;
		else if (plan->groups[g].kind == JMX_PLAN_TEARDOWN)
			teardown += groups[g].threads;
	}
	if (setup > p)
		p = setup;
	if (teardown > p)
		p = teardown;
	return p > 2000000000 ? 2000000000 : (int)p;
}

int64_t
jmx_part_main_threads(const struct jmx_plan *plan, const struct jmx_part *p)
{
	int64_t n = 0;
	int g;

	for (g = 0; g < plan->ngroups && g < p->ngroups; g++)
		if (plan->groups[g].kind == JMX_PLAN_THREADS)
			n += p->groups[g].threads;
	return n;
}

int
jmx_part_group_has_load(const struct jmx_plan *plan,
    const struct jmx_plan_gshare *groups, int g)
{
	return jmx_plan_group_runs(plan, groups, g);
}

int
jmx_part_has_load(const struct jmx_plan *plan,
    const struct jmx_plan_gshare *groups)
{
	int g;

	for (g = 0; g < plan->ngroups; g++)
		if (jmx_part_group_has_load(plan, groups, g))
			return 1;
	return 0;
}

char *
jmx_part_format(const struct jmx_part *p)
{
	struct jmx_buf b = { 0 };
	int g;

	jmx_buf_addf(&b, "%.17g", p->scale);
	for (g = 0; g < p->ngroups; g++) {
		jmx_buf_addf(&b, " %d:%.17g", p->groups[g].threads,
		    p->groups[g].scale);
		if (p->groups[g].first > 0 || p->groups[g].len > 0)
			jmx_buf_addf(&b, "@%d+%d", p->groups[g].first,
			    p->groups[g].len);
	}
	return jmx_buf_steal(&b);
}

enum jmx_code
jmx_part_parse(const char *s, int ngroups, struct jmx_part *p,
    struct jmx_err *err)
{
	const char *c = s;
	char *end;
	long t, f, n;
	int g;

	p->scale = strtod(c, &end);
	for (g = 0; g < ngroups && end != c; g++) {
		c = end;
		t = strtol(c, &end, 10);
		if (end == c || *end != ':' || t < 0 || t > 2000000000)
			break;
		p->groups[g].threads = (int)t;
		c = end + 1;
		p->groups[g].scale = strtod(c, &end);
		if (end == c || *end != '@')
			continue;
		/* A plugin group's slice: "@first+len". */
		c = end + 1;
		f = strtol(c, &end, 10);
		if (end == c || *end != '+' || f < 0 || f > 2000000000)
			break;
		c = end + 1;
		n = strtol(c, &end, 10);
		if (end == c || n < 0 || n > 2000000000)
			break;
		p->groups[g].first = (int)f;
		p->groups[g].len = (int)n;
	}
	if (g != ngroups || end == c || *end != '\0')
		return jmx_err_set(err, JMX_ERR_DATA, "bad part \"%s\": want "
		    "a scale and %d threads:scale pairs", s, ngroups);
	return JMX_OK;
}
