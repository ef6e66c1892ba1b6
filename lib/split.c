/*
 * split.c: shares of a plan per agent.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "part.h"
#include "split.h"
#include "util.h"
#include "xmalloc.h"

/* Remainders closer than this are equal (weights like 0.1 + 0.2). */
#define EPS	1e-9

static enum jmx_code
check_weights(const double *w, int n, struct jmx_err *err)
{
	int i;

	if (n < 1)
		return jmx_err_set(err, JMX_ERR_USAGE,
		    "no agents to split for");
	for (i = 0; i < n; i++)
		if (!isfinite(w[i]) || w[i] <= 0)
			return jmx_err_set(err, JMX_ERR_USAGE,
			    "weight %g of agent %d is not a number > 0", w[i],
			    i + 1);
	return JMX_OK;
}

/*
 * Largest remainder.  Among equal remainders the lower prio wins (prio
 * may be NULL), then the lower index.  Floating point can only put a
 * floor one below its true value, and then its remainder is near 1, so
 * the leftover loop repairs it; the sum is exact whatever happens.
 */
static void
lr_split(const double *w, int n, int64_t total, const double *prio,
    int64_t *out)
{
	double sum = 0, q, f, *rem;
	int64_t left = total;
	char *taken;
	int i, best, round;

	rem = xcalloc((size_t)n, sizeof *rem);
	taken = xcalloc((size_t)n, 1);
	for (i = 0; i < n; i++)
		sum += w[i];
	for (i = 0; i < n; i++) {
		q = (double)total * w[i] / sum;
		f = floor(q);
		if (q - f > 1 - EPS)
			f += 1;
		out[i] = (int64_t)f;
		rem[i] = q - f < EPS ? 0 : q - f;
		left -= out[i];
	}
	for (round = 0; left > 0; round++) {
		best = -1;
		for (i = 0; i < n; i++) {
			if (taken[i])
				continue;
			if (best == -1 || rem[i] > rem[best] + EPS ||
			    (rem[i] > rem[best] - EPS && prio != NULL &&
			    prio[i] < prio[best] - EPS))
				best = i;
		}
		if (best == -1) {		/* all taken: start over */
			memset(taken, 0, (size_t)n);
			continue;
		}
		taken[best] = 1;
		out[best]++;
		left--;
	}
	while (left < 0) {			/* a floor rounded up too far */
		best = -1;
		for (i = 0; i < n; i++)
			if (out[i] > 0 && (best == -1 || rem[i] < rem[best]))
				best = i;
		out[best]--;
		left++;
	}
	free(taken);
	free(rem);
}

enum jmx_code
jmx_split_weights(const double *weights, int n, int64_t total, int64_t *out,
    struct jmx_err *err)
{
	enum jmx_code rc;

	if ((rc = check_weights(weights, n, err)) != JMX_OK)
		return rc;
	if (total < 0)
		return jmx_err_set(err, JMX_ERR_USAGE,
		    "cannot split a negative total %lld", (long long)total);
	lr_split(weights, n, total, NULL, out);
	return JMX_OK;
}

enum jmx_code
jmx_split_parse_threads(const char *s, struct jmx_split_opts *opts,
    struct jmx_err *err)
{
	char *end;
	double f;
	int64_t n;

	if (s != NULL && (*s == 'x' || *s == 'X') &&
	    (isdigit((unsigned char)s[1]) || s[1] == '.')) {
		errno = 0;
		f = strtod(s + 1, &end);
		if (errno == 0 && *end == '\0' && isfinite(f) && f > 0) {
			opts->mode = JMX_SPLIT_FACTOR;
			opts->factor = f;
			return JMX_OK;
		}
	} else if (s != NULL && (n = jmx_parse_count(s)) >= 1 &&
	    n <= 10000000) {
		opts->mode = JMX_SPLIT_EACH;
		opts->threads = (int)n;
		return JMX_OK;
	}
	return jmx_err_set(err, JMX_ERR_USAGE,
	    "threads '%s': expected a count such as 100 or a factor such as "
	    "x1.5", s != NULL ? s : "");
}

/* A main group's total after --threads. */
static int64_t
group_total(const struct jmx_plan_group *g, const struct jmx_split_opts *o)
{
	double v;

	switch (o != NULL ? o->mode : JMX_SPLIT_PLAN) {
	case JMX_SPLIT_EACH:
		return o->threads;
	case JMX_SPLIT_FACTOR:
		v = floor((double)g->threads * o->factor + 0.5 + EPS);
		return v > 2e9 ? 2000000000 : (int64_t)v;
	case JMX_SPLIT_PLAN:
		break;
	}
	return g->threads;
}

/*
 * How many agents a Stepping Thread Group can run on so that each one's
 * step ("Start users count", "Stop users count") is at least one thread:
 * a share whose step rounds to 0 would never ramp.  The group then runs
 * on that many agents, the heaviest first (see fewer_agents).
 */
static int
max_agents(const struct jmx_plan_group *g, int64_t total, int n)
{
	int64_t lim = n;
	int k;

	if (g->variant != JMX_PLAN_STEPPING || g->units <= 0)
		return n;
	/* Steps scale with --threads as the slices do. */
	for (k = 0; k < g->ncounts; k += 2)
		if (g->counts[k] > 0 && jmx_plan_slice(g->counts[k],
		    g->units, 0, total) < lim)
			lim = jmx_plan_slice(g->counts[k], g->units, 0, total);
	return lim < 1 ? 1 : (int)lim;
}

/*
 * Weights for a group that runs on k of n agents: the k heaviest keep
 * theirs (ties: the earlier agent), the others get 0.
 */
static void
fewer_agents(const double *w, int n, int k, double *out)
{
	int i, j, rank;

	for (i = 0; i < n; i++) {
		rank = 0;
		for (j = 0; j < n; j++)
			if (w[j] > w[i] + EPS || (w[j] > w[i] - EPS && j < i))
				rank++;
		out[i] = rank < k ? w[i] : 0;
	}
}

/*
 * Divide a plugin group's units: largest remainder by weight over the
 * agents that may run it, each agent's slice following the one before
 * (jmx_plan_slice divides the group's counts by these slices).  Returns
 * the threads of each agent in t (for Ultimate, its rows' sum).
 */
static void
split_plugin(const struct jmx_plan_group *g, int64_t total, const double *w,
    int n, const double *prio, struct jmx_split_share *agents, int gi,
    int64_t *t)
{
	double *wk = xcalloc((size_t)n, sizeof *wk);
	int64_t first, v;
	int i, k, r, ok;

	for (k = max_agents(g, total, n); ; k--) {
		fewer_agents(w, n, k, wk);
		for (i = 0; i < n; i++)
			wk[i] = wk[i] > 0 ? wk[i] : 1e-300;
		lr_split(wk, n, total, prio, t);
		/* Every agent with a slice must have a step to ramp by. */
		first = 0;
		for (i = 0, ok = 1; i < n && g->variant == JMX_PLAN_STEPPING;
		    first += t[i++])
			for (r = 0; r < g->ncounts && t[i] > 0; r += 2)
				if (g->counts[r] > 0 &&
				    jmx_plan_slice(g->counts[r], g->units,
				    first, t[i]) < 1)
					ok = 0;
		if (ok || k <= 1)
			break;
	}
	first = 0;
	for (i = 0; i < n; i++) {
		agents[i].groups[gi].first = (int)first;
		agents[i].groups[gi].len = (int)t[i];
		first += t[i];
		if (g->variant == JMX_PLAN_ULTIMATE) {
			v = 0;
			for (r = 0; r < g->ncounts; r++)
				v += jmx_plan_slice(g->counts[r], g->units,
				    agents[i].groups[gi].first, t[i]);
			t[i] = v;
		}
	}
	free(wk);
}

/*
 * An Arrivals group's rate (TargetLevel), or a Free-Form group's
 * ConcurrencyLimit, by largest remainder: an agent whose part is 0 does
 * not run the group, and the others' scale covers it.
 */
static void
split_open(const struct jmx_plan_group *g, const double *w, int n,
    struct jmx_split_share *agents, int gi, int64_t *t)
{
	double wrun = 0;
	int64_t first = 0;
	int i;

	lr_split(w, n, g->units, NULL, t);
	for (i = 0; i < n; i++)
		if (t[i] > 0)
			wrun += w[i];
	for (i = 0; i < n; i++) {
		agents[i].groups[gi].first = (int)first;
		agents[i].groups[gi].len = (int)t[i];
		first += t[i];
		if (t[i] <= 0)
			agents[i].groups[gi].scale = 0;
		else if (g->variant == JMX_PLAN_ARRIVALS)
			agents[i].groups[gi].scale = (double)t[i] /
			    (double)g->units;
		else
			agents[i].groups[gi].scale = w[i] / wrun;
	}
}

void
jmx_split_free(struct jmx_split *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nagents; i++) {
		free(s->agents[i].name);
		free(s->agents[i].groups);
	}
	free(s->agents);
	free(s->totals);
	free(s);
}

enum jmx_code
jmx_split_plan(const struct jmx_plan *plan,
    const struct jmx_split_agent *agents, int nagents,
    const struct jmx_split_opts *opts, struct jmx_split **out,
    struct jmx_err *err)
{
	struct jmx_split *s;
	struct jmx_split_share *a;
	const struct jmx_plan_group *g;
	double *w, *surplus, wsum = 0, wrun;
	int64_t *t, total, sum = 0;
	int i, gi;

	*out = NULL;
	if (nagents < 1)
		return jmx_err_set(err, JMX_ERR_USAGE,
		    "no agents to split for");
	for (i = 0; i < nagents; i++)
		if (!isfinite(agents[i].weight) || agents[i].weight <= 0)
			return jmx_err_set(err, JMX_ERR_USAGE,
			    "agent '%s': weight %g is not a number > 0",
			    agents[i].name != NULL ? agents[i].name : "",
			    agents[i].weight);
	w = xcalloc((size_t)nagents, sizeof *w);
	for (i = 0; i < nagents; i++)
		w[i] = agents[i].weight;
	for (i = 0; i < nagents; i++)
		wsum += w[i];
	surplus = xcalloc((size_t)nagents, sizeof *surplus);
	t = xcalloc((size_t)nagents, sizeof *t);

	s = xcalloc(1, sizeof *s);
	s->nagents = nagents;
	s->ngroups = plan->ngroups;
	s->agents = xcalloc((size_t)nagents, sizeof *s->agents);
	s->totals = xcalloc((size_t)plan->ngroups + 1, sizeof *s->totals);
	for (i = 0; i < nagents; i++) {
		a = &s->agents[i];
		a->name = xstrdup(agents[i].name != NULL ? agents[i].name : "");
		a->weight = w[i];
		a->fraction = w[i] / wsum;
		a->groups = xcalloc((size_t)plan->ngroups + 1,
		    sizeof *a->groups);
		a->share.groups = a->groups;
		a->share.ngroups = plan->ngroups;
		a->share.scale = a->fraction;
		if (opts != NULL) {
			a->share.duration_s = opts->duration_s;
			a->share.ramp_set = opts->ramp_set;
			a->share.ramp_s = opts->ramp_s;
		}
	}

	for (gi = 0; gi < plan->ngroups; gi++) {
		g = &plan->groups[gi];
		if (!g->enabled)
			continue;	/* no threads, scale 0 */
		switch (g->kind) {
		case JMX_PLAN_SETUP:
		case JMX_PLAN_TEARDOWN:
			s->totals[gi] = g->threads;
			for (i = 0; i < nagents; i++) {
				if (i > 0 && (opts == NULL ||
				    !opts->setup_on_all))
					break;
				s->agents[i].groups[gi].threads = g->threads;
				s->agents[i].groups[gi].scale = 1;
			}
			break;
		case JMX_PLAN_OPEN_MODEL:
			if (g->units > 0) {
				split_open(g, w, nagents, s->agents, gi, t);
				break;
			}
			for (i = 0; i < nagents; i++)
				s->agents[i].groups[gi].scale =
				    s->agents[i].fraction;
			break;
		case JMX_PLAN_THREADS:
			total = group_total(g, opts);
			s->totals[gi] = (int)total;
			if (g->variant != JMX_PLAN_CORE)
				split_plugin(g, total, w, nagents, surplus,
				    s->agents, gi, t);
			else
				lr_split(w, nagents, total, surplus, t);
			wrun = 0;
			for (i = 0; i < nagents; i++) {
				surplus[i] += (double)t[i] -
				    (double)total * w[i] / wsum;
				if (t[i] > 0)
					wrun += w[i];
			}
			for (i = 0; i < nagents; i++) {
				s->agents[i].groups[gi].threads = (int)t[i];
				s->agents[i].groups[gi].scale = t[i] > 0 ?
				    w[i] / wrun : 0;
			}
			break;
		}
	}
	free(surplus);
	free(t);
	free(w);

	for (i = 0; i < nagents; i++) {
		a = &s->agents[i];
		a->peak_threads = jmx_part_peak(plan, a->groups);
		sum += a->peak_threads;
		a->idle = !jmx_part_has_load(plan, a->groups);
	}
	for (i = 0; i < nagents; i++) {
		a = &s->agents[i];
		if (agents[i].max_threads > 0 &&
		    a->peak_threads > agents[i].max_threads) {
			jmx_err_set(err, JMX_ERR_PLAN,
			    "agent '%s' would run %d threads, more than its "
			    "max_threads %d (%lld threads over %d agents)",
			    a->name, a->peak_threads, agents[i].max_threads,
			    (long long)sum, nagents);
			jmx_split_free(s);
			return JMX_ERR_PLAN;
		}
	}
	*out = s;
	return JMX_OK;
}

void
jmx_split_json(struct jmx_buf *out, const struct jmx_split *s,
    const struct jmx_plan *plan)
{
	const struct jmx_split_share *a;
	struct jmx_json w;
	int i, gi;

	jmx_json_init(&w, out);
	jmx_json_object_begin(&w);
	jmx_json_key(&w, "agents");
	jmx_json_array_begin(&w);
	for (i = 0; i < s->nagents; i++) {
		a = &s->agents[i];
		jmx_json_object_begin(&w);
		jmx_json_pair_str(&w, "name", a->name);
		jmx_json_pair_double(&w, "weight", a->weight);
		jmx_json_key(&w, "thread_groups");
		jmx_json_array_begin(&w);
		for (gi = 0; gi < plan->ngroups && gi < s->ngroups; gi++) {
			if (!plan->groups[gi].enabled)
				continue;
			jmx_json_object_begin(&w);
			jmx_json_pair_str(&w, "name", plan->groups[gi].name);
			jmx_json_key(&w, "threads");
			if (plan->groups[gi].kind == JMX_PLAN_OPEN_MODEL)
				jmx_json_null(&w);
			else
				jmx_json_int(&w, a->groups[gi].threads);
			jmx_json_object_end(&w);
		}
		jmx_json_array_end(&w);
		jmx_json_object_end(&w);
	}
	jmx_json_array_end(&w);
	jmx_json_object_end(&w);
}
