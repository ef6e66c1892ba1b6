/*
 * failover.c: the takeover of a lost part decided (see failover.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "failover.h"
#include "part.h"
#include "plan.h"
#include "split.h"
#include "xmalloc.h"

int
jmx_failover_takers(const struct jmx_failover_cand *c, int n, int64_t need,
    int *taker, int *room)
{
	int64_t got = 0;
	int i, k = 0;

	/* Spares first: idle, kept for this. */
	for (i = 0; i < n && got < need; i++) {
		if (!c[i].spare || c[i].doubt || c[i].live > 0 ||
		    c[i].threads > 0 || c[i].max_threads <= 0)
			continue;
		taker[k] = i;
		room[k] = c[i].max_threads;
		got += room[k++];
	}
	if (got >= need)
		return k;
	/*
	 * Not enough: every agent carrying load by its free room, so the
	 * load spreads.  Never onto an agent in doubt; only where load runs
	 * now (an idle spare was taken above or cannot be).
	 */
	for (i = 0; i < n; i++) {
		if (c[i].spare || c[i].doubt || c[i].live == 0 ||
		    c[i].threads >= c[i].max_threads)
			continue;
		taker[k] = i;
		room[k++] = (int)(c[i].max_threads - c[i].threads);
	}
	return k;
}

void
jmx_failover_plan(const struct jmx_plan *plan, const struct jmx_part *lost,
    int setup_on_all, const struct jmx_failover_cand *c, int n,
    struct jmx_failover *out)
{
	int i;

	memset(out, 0, sizeof *out);
	out->taker = xcalloc((size_t)n + 1, sizeof *out->taker);
	out->room = xcalloc((size_t)n + 1, sizeof *out->room);
	out->ntakers = jmx_failover_takers(c, n,
	    jmx_part_peak(plan, lost->groups), out->taker, out->room);
	out->parts = xcalloc((size_t)out->ntakers + 1, sizeof *out->parts);
	for (i = 0; i < out->ntakers; i++)
		jmx_part_init(&out->parts[i], plan->ngroups);
	jmx_part_init(&out->rest, plan->ngroups);
	if (out->ntakers > 0)
		jmx_failover_divide(plan, lost, out->room, out->ntakers,
		    setup_on_all, out->parts, &out->rest);
	else
		jmx_part_set(&out->rest, lost->groups, plan->ngroups,
		    lost->scale);
}

void
jmx_failover_free(struct jmx_failover *f)
{
	int i;

	if (f == NULL)
		return;
	for (i = 0; i < f->ntakers; i++)
		jmx_part_free(&f->parts[i]);
	jmx_part_free(&f->rest);
	free(f->parts);
	free(f->taker);
	free(f->room);
	memset(f, 0, sizeof *f);
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
jmx_failover_divide(const struct jmx_plan *plan, const struct jmx_part *lost,
    const int *cap, int n, int setup_on_all, struct jmx_part *out,
    struct jmx_part *rest)
{
	double *w = xcalloc((size_t)n, sizeof *w), room = 0, f = 1;
	double *left = xcalloc((size_t)n, sizeof *left);
	int64_t *t = xcalloc((size_t)n, sizeof *t), need, placed;
	const struct jmx_plan_gshare *lg;
	int i, g;

	need = jmx_part_main_peak(plan, lost->groups);
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
			/* It ran where the part started; again if asked. */
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
		while (jmx_part_main_peak(plan, out[i].groups) > cap[i])
			give_back(plan, lost, &out[i], rest);
	free(w);
	free(left);
	free(t);
}
