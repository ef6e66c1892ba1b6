/*
 * part.c: parts of a plan's load (see part.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "part.h"
#include "split.h"
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

/* Peak threads of the main groups alone. */
static int64_t
main_peak(const struct jmx_plan *plan, const struct jmx_plan_gshare *groups)
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
	int64_t setup = 0, teardown = 0, p = main_peak(plan, groups);
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
	return (plan->groups[g].kind == JMX_PLAN_THREADS &&
	    groups[g].threads > 0) ||
	    (plan->groups[g].kind == JMX_PLAN_OPEN_MODEL &&
	    groups[g].scale > 0);
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
	for (g = 0; g < p->ngroups; g++)
		jmx_buf_addf(&b, " %d:%.17g", p->groups[g].threads,
		    p->groups[g].scale);
	return jmx_buf_steal(&b);
}

enum jmx_code
jmx_part_parse(const char *s, int ngroups, struct jmx_part *p,
    struct jmx_err *err)
{
	const char *c = s;
	char *end;
	long t;
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
	}
	if (g != ngroups || end == c || *end != '\0')
		return jmx_err_set(err, JMX_ERR_DATA, "bad part \"%s\": want "
		    "a scale and %d threads:scale pairs", s, ngroups);
	return JMX_OK;
}

/* Move one thread of taker t's largest main group back to rest. */
static void
give_back(const struct jmx_plan *plan, const struct jmx_part *lost,
    struct jmx_part *t, struct jmx_part *rest)
{
	double unit;
	int g, big = -1;

	for (g = 0; g < plan->ngroups; g++)
		if (plan->groups[g].kind == JMX_PLAN_THREADS &&
		    t->groups[g].threads > 0 && (big < 0 ||
		    t->groups[g].threads > t->groups[big].threads))
			big = g;
	if (big < 0)
		return;
	unit = lost->groups[big].scale / lost->groups[big].threads;
	t->groups[big].threads--;
	t->groups[big].scale -= unit;
	rest->groups[big].threads++;
	rest->groups[big].scale += unit;
}

void
jmx_part_divide(const struct jmx_plan *plan, const struct jmx_part *lost,
    const int *cap, int n, int setup_on_all, struct jmx_part *out,
    struct jmx_part *rest)
{
	double *w = xcalloc((size_t)n, sizeof *w), room = 0, f = 1;
	double *left = xcalloc((size_t)n, sizeof *left);
	int64_t *t = xcalloc((size_t)n, sizeof *t), need, placed;
	const struct jmx_plan_gshare *lg;
	int i, g;

	need = main_peak(plan, lost->groups);
	for (i = 0; i < n; i++) {
		left[i] = cap[i];
		room += cap[i];
	}
	if (need > room)
		f = room / (double)need;
	for (g = 0; g < plan->ngroups; g++) {
		lg = &lost->groups[g];
		switch (plan->groups[g].kind) {
		case JMX_PLAN_THREADS:
			if (lg->threads <= 0)
				break;
			placed = f >= 1 ? lg->threads :
			    (int64_t)floor(lg->threads * f);
			/* By the room each taker has left (a full one ~0). */
			for (i = 0; i < n; i++)
				w[i] = left[i] > 0 ? left[i] : 1e-9;
			jmx_split_weights(w, n, placed, t, NULL);
			for (i = 0; i < n && !plan->serialize; i++)
				left[i] -= t[i];
			for (i = 0; i < n; i++) {
				out[i].groups[g].threads = (int)t[i];
				out[i].groups[g].scale = lg->scale *
				    (double)t[i] / lg->threads;
			}
			rest->groups[g].threads = lg->threads - (int)placed;
			rest->groups[g].scale = lg->scale *
			    (double)(lg->threads - placed) / lg->threads;
			break;
		case JMX_PLAN_OPEN_MODEL:
			for (i = 0; i < n; i++)
				out[i].groups[g].scale = lg->scale * f *
				    cap[i] / room;
			rest->groups[g].scale = lg->scale * (1 - f);
			break;
		case JMX_PLAN_SETUP:
			/* It ran where the part started; again only if asked. */
			for (i = 0; setup_on_all && i < n; i++)
				out[i].groups[g] = *lg;
			break;
		case JMX_PLAN_TEARDOWN:
			out[0].groups[g] = *lg;
			break;
		}
	}
	for (i = 0; i < n; i++)
		out[i].scale = lost->scale * f * cap[i] / room;
	rest->scale = lost->scale * (1 - f);
	/* Rounding up may put a taker a thread or two over its room. */
	for (i = 0; i < n; i++)
		while (main_peak(plan, out[i].groups) > cap[i])
			give_back(plan, lost, &out[i], rest);
	free(w);
	free(left);
	free(t);
}
