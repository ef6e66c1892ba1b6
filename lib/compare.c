/*
 * compare.c: two runs' statistics side by side, and which differences
 * are regressions (see compare.h for the tests and why).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "hist.h"
#include "report.h"
#include "stats.h"
#include "xmalloc.h"

static const char *const metric_names[JMX_CMP_NMETRICS] = {
	"samples", "avg", "p50", "p90", "p95", "p99", "throughput",
	"error_pct"
};

const char *
jmx_compare_metric_name(enum jmx_compare_metric m)
{
	if ((unsigned)m >= JMX_CMP_NMETRICS)
		return "unknown";
	return metric_names[m];
}

int
jmx_compare_metric_parse(const char *s)
{
	int i;

	for (i = 0; i < JMX_CMP_NMETRICS; i++)
		if (strcmp(s, metric_names[i]) == 0)
			return i;
	return -1;
}

int
jmx_compare_rule_parse(const char *metric, const char *text,
    struct jmx_compare_rule *r, struct jmx_err *err)
{
	const char *p = text;
	char *end;
	int m;

	memset(r, 0, sizeof *r);
	if ((m = jmx_compare_metric_parse(metric)) < 0 ||
	    m == JMX_CMP_SAMPLES) {
		jmx_err_set(err, JMX_ERR_USAGE, "regression metric must be one "
		    "of avg, p50, p90, p95, p99, throughput, error_pct, "
		    "not '%s'", metric);
		return -1;
	}
	r->metric = (enum jmx_compare_metric)m;
	while (*p == ' ')
		p++;
	if (*p == '+' || *p == '-')
		r->dir = *p++ == '+' ? 1 : -1;
	r->limit = strtod(p, &end);
	while (*end == ' ')
		end++;
	if (*end == '%') {
		r->relative = 1;
		end++;
	}
	while (*end == ' ')
		end++;
	if (r->dir == 0 || end == p || *end != '\0' || !isfinite(r->limit) ||
	    r->limit < 0) {
		jmx_err_set(err, JMX_ERR_USAGE, "regression tolerance of %s "
		    "must be a signed number, optionally with %%, such as "
		    "+10%% or -5%% or +1, not '%s'", metric, text);
		return -1;
	}
	return 0;
}

int
jmx_compare_rules_parse(const char *list, struct jmx_compare_rule **rules,
    int *n, struct jmx_err *err)
{
	char *copy = xstrdup(list), *item, *next, *eq;
	int rc = 0;

	*rules = NULL;
	*n = 0;
	for (item = copy; rc == 0 && item != NULL && *item != '\0';
	    item = next) {
		if ((next = strchr(item, ',')) != NULL)
			*next++ = '\0';
		if ((eq = strchr(item, '=')) == NULL) {
			jmx_err_set(err, JMX_ERR_USAGE, "regression rule "
			    "must be METRIC=TOLERANCE, not '%s'", item);
			rc = -1;
			break;
		}
		*eq = '\0';
		*rules = xreallocarray(*rules, (size_t)*n + 1, sizeof **rules);
		if ((rc = jmx_compare_rule_parse(item, eq + 1,
		    &(*rules)[*n], err)) == 0)
			(*n)++;
	}
	free(copy);
	if (rc != 0) {
		free(*rules);
		*rules = NULL;
		*n = 0;
	}
	return rc;
}

/* Two-sided p of a standard normal z. */
static double
normal_p(double z)
{
	return erfc(fabs(z) / M_SQRT2);
}

/*
 * Two histograms walked together in value order: each step gives the
 * next value either holds and how many of each have it.
 */
struct walk2 {
	struct jmx_hist_iter	 ia, ib;
	int64_t			 va, vb;
	uint64_t		 ca, cb;
	int			 ha, hb;	/* a value is waiting */
};

static void
walk2_init(struct walk2 *w, struct jmx_hist *a, struct jmx_hist *b)
{
	memset(w, 0, sizeof *w);
	jmx_hist_iter_init(&w->ia, a);
	jmx_hist_iter_init(&w->ib, b);
	w->ha = jmx_hist_iter_next(&w->ia, &w->va, &w->ca);
	w->hb = jmx_hist_iter_next(&w->ib, &w->vb, &w->cb);
}

/* 0 at the end; else 1, with the counts of the next value in a and b. */
static int
walk2_next(struct walk2 *w, double *na, double *nb)
{
	int64_t v;

	if (!w->ha && !w->hb)
		return 0;
	v = w->ha && (!w->hb || w->va <= w->vb) ? w->va : w->vb;
	*na = *nb = 0;
	if (w->ha && w->va == v) {
		*na = (double)w->ca;
		w->ha = jmx_hist_iter_next(&w->ia, &w->va, &w->ca);
	}
	if (w->hb && w->vb == v) {
		*nb = (double)w->cb;
		w->hb = jmx_hist_iter_next(&w->ib, &w->vb, &w->cb);
	}
	return 1;
}

/*
 * U counts, over every pair (a, b), 1 when b > a and 1/2 for a tie: one
 * merged walk over both histograms in value order, O(distinct values).
 */
void
jmx_compare_mann_whitney(struct jmx_hist *a, struct jmx_hist *b, double *p,
    double *cliff)
{
	struct walk2 w;
	double na, nb, n, u = 0, below_a = 0, ties = 0, t, sigma, mean;
	double xa, xb;

	na = (double)jmx_hist_count(a);
	nb = (double)jmx_hist_count(b);
	*p = 1;
	*cliff = 0;
	if (na == 0 || nb == 0)
		return;
	walk2_init(&w, a, b);
	while (walk2_next(&w, &xa, &xb)) {
		u += xb * (below_a + xa / 2);
		below_a += xa;
		t = xa + xb;
		ties += t * t * t - t;
	}
	n = na + nb;
	mean = na * nb / 2;
	sigma = sqrt(na * nb / 12 * ((n + 1) - ties / (n * (n - 1))));
	*cliff = 2 * u / (na * nb) - 1;
	if (sigma > 0)
		*p = normal_p((u - mean) / sigma);
}

void
jmx_compare_ks(struct jmx_hist *a, struct jmx_hist *b, double *d, double *p)
{
	struct walk2 w;
	double na, nb, fa = 0, fb = 0, ne, lambda, sum, xa, xb;
	int k;

	na = (double)jmx_hist_count(a);
	nb = (double)jmx_hist_count(b);
	*d = 0;
	*p = 1;
	if (na == 0 || nb == 0)
		return;
	walk2_init(&w, a, b);
	while (walk2_next(&w, &xa, &xb)) {
		fa += xa / na;
		fb += xb / nb;
		if (fabs(fa - fb) > *d)
			*d = fabs(fa - fb);
	}
	/* Asymptotic Kolmogorov distribution, Stephens' correction. */
	ne = na * nb / (na + nb);
	lambda = (sqrt(ne) + 0.12 + 0.11 / sqrt(ne)) * *d;
	if (lambda < 0.2)
		return;
	sum = 0;
	for (k = 1; k <= 100; k++)
		sum += (k % 2 ? 2 : -2) * exp(-2.0 * k * k * lambda * lambda);
	*p = sum < 0 ? 0 : sum > 1 ? 1 : sum;
}

double
jmx_compare_proportions(uint64_t xa, uint64_t na, uint64_t xb, uint64_t nb)
{
	double pa, pb, pp, se;

	if (na == 0 || nb == 0)
		return 1;
	pa = (double)xa / (double)na;
	pb = (double)xb / (double)nb;
	pp = (double)(xa + xb) / (double)(na + nb);
	se = sqrt(pp * (1 - pp) * (1.0 / (double)na + 1.0 / (double)nb));
	if (se == 0)
		return pa == pb ? 1 : 0;
	return normal_p((pb - pa) / se);
}

/*
 * Given na + nb events, nb is binomial with q = tb / (ta + tb) when both
 * rates are equal; normal approximation.
 */
double
jmx_compare_rates(uint64_t na, double ta, uint64_t nb, double tb)
{
	double n = (double)(na + nb), q, sd;

	if (n == 0 || ta <= 0 || tb <= 0)
		return 1;
	q = tb / (ta + tb);
	sd = sqrt(n * q * (1 - q));
	if (sd == 0)
		return 1;
	return normal_p(((double)nb - n * q) / sd);
}

/*
 * Samples per second of each interval, the first and last left out (a
 * run starts and ends part-way through them): of the given counts, else
 * of the model's series.
 */
static struct jmx_hist *
rate_hist(const struct jmx_report *r, const struct jmx_compare_rates *rt)
{
	struct jmx_hist *h = jmx_hist_new();
	int i, n = rt != NULL ? rt->n : r->npoints, from = 0, to = n;

	if (n > 4) {
		from = 1;
		to = n - 1;
	}
	for (i = from; i < to; i++)
		jmx_hist_add(h, rt != NULL ? (int64_t)rt->counts[i] :
		    (int64_t)llround((double)r->points[i].count /
		    (double)(r->interval_s > 0 ? r->interval_s : 1)), 1);
	return h;
}

double
jmx_compare_value_of(const struct jmx_summary_row *r,
    enum jmx_compare_metric m)
{
	if (r == NULL || r->count == 0)
		return m == JMX_CMP_SAMPLES ? 0 : NAN;
	switch (m) {
	case JMX_CMP_SAMPLES:
		return (double)r->count;
	case JMX_CMP_AVG:
		return r->avg;
	case JMX_CMP_P50:
		return (double)r->p50;
	case JMX_CMP_P90:
		return (double)r->p90;
	case JMX_CMP_P95:
		return (double)r->p95;
	case JMX_CMP_P99:
		return (double)r->p99;
	case JMX_CMP_THROUGHPUT:
		return r->throughput;
	case JMX_CMP_ERROR_PCT:
		return r->error_pct;
	case JMX_CMP_NMETRICS:
		break;
	}
	return NAN;
}

/* The window a row's throughput is over, in seconds. */
static double
row_secs(const struct jmx_summary_row *r)
{
	return r->throughput > 0 ? (double)r->count / r->throughput : 0;
}

static void
compare_row(struct jmx_compare *c, struct jmx_compare_row *row,
    const struct jmx_summary_row *ra, const struct jmx_summary_row *rb,
    double rate_p)
{
	struct jmx_compare_value *v;
	const struct jmx_compare_rule *rule;
	double worse;
	int i, k;

	row->in_a = ra != NULL && ra->count > 0;
	row->in_b = rb != NULL && rb->count > 0;
	row->mw_p = row->ks_p = 1;
	if (row->in_a && row->in_b) {
		jmx_compare_mann_whitney(ra->hist, rb->hist, &row->mw_p,
		    &row->cliff);
		jmx_compare_ks(ra->hist, rb->hist, &row->ks_d, &row->ks_p);
	}
	for (i = 0; i < JMX_CMP_NMETRICS; i++) {
		v = &row->m[i];
		v->a = jmx_compare_value_of(ra, (enum jmx_compare_metric)i);
		v->b = jmx_compare_value_of(rb, (enum jmx_compare_metric)i);
		v->delta = v->b - v->a;
		v->rel_pct = v->a != 0 ? 100 * v->delta / v->a : NAN;
		v->p = NAN;
		v->rule = -1;
		if (!row->in_a || !row->in_b)
			continue;
		if (i >= JMX_CMP_AVG && i <= JMX_CMP_P99)
			v->p = fmin(1, 2 * fmin(row->mw_p, row->ks_p));
		else if (i == JMX_CMP_THROUGHPUT)
			v->p = rate_p >= 0 ? rate_p : jmx_compare_rates(
			    ra->count, row_secs(ra), rb->count, row_secs(rb));
		else if (i == JMX_CMP_ERROR_PCT)
			v->p = jmx_compare_proportions(ra->errors, ra->count,
			    rb->errors, rb->count);
		for (k = 0; k < c->nrules; k++) {
			rule = &c->rules[k];
			if ((int)rule->metric != i)
				continue;
			v->rule = k;
			worse = rule->dir * (rule->relative ? v->rel_pct :
			    v->delta);
			if (!isnan(worse) && worse > rule->limit &&
			    v->p < c->alpha)
				v->regression = 1;
		}
		if (v->regression)
			row->regressions++;
	}
	c->regressions += row->regressions;
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

struct jmx_compare *
jmx_compare_new(struct jmx_report *a, struct jmx_report *b,
    const struct jmx_compare_rates *ra, const struct jmx_compare_rates *rb,
    const struct jmx_compare_rule *rules, int nrules, double alpha)
{
	struct jmx_compare *c = xcalloc(1, sizeof *c);
	struct jmx_hist *ha, *hb;
	const struct jmx_summary_row *r;
	char **names = NULL;
	double rate_p = -1, cliff;
	size_t i, na, nb, n = 0, k;

	c->run_a = a->run_id;
	c->run_b = b->run_id;
	c->name_a = a->name != NULL ? xstrdup(a->name) : NULL;
	c->name_b = b->name != NULL ? xstrdup(b->name) : NULL;
	c->state_a = a->state != NULL ? xstrdup(a->state) : NULL;
	c->state_b = b->state != NULL ? xstrdup(b->state) : NULL;
	c->alpha = alpha;
	if (nrules > 0) {
		c->rules = xcalloc((size_t)nrules, sizeof *c->rules);
		memcpy(c->rules, rules, (size_t)nrules * sizeof *rules);
		c->nrules = nrules;
	}
	/* The union of both runs' labels, sorted, unique. */
	na = jmx_summary_nlabels(a->sum);
	nb = jmx_summary_nlabels(b->sum);
	names = xcalloc(na + nb + 1, sizeof *names);
	for (i = 0; i < na; i++)
		names[n++] = (char *)jmx_summary_label(a->sum, i)->label;
	for (i = 0; i < nb; i++)
		names[n++] = (char *)jmx_summary_label(b->sum, i)->label;
	qsort(names, n, sizeof *names, cmp_str);
	for (i = k = 0; i < n; i++)
		if (k == 0 || strcmp(names[k - 1], names[i]) != 0)
			names[k++] = names[i];
	c->rows = xcalloc(k + 1, sizeof *c->rows);
	for (i = 0; i < k; i++) {
		c->rows[i].label = xstrdup(names[i]);
		compare_row(c, &c->rows[i], jmx_summary_find(a->sum, names[i]),
		    jmx_summary_find(b->sum, names[i]), -1);
	}
	if ((ra != NULL && rb != NULL && ra->n > 1 && rb->n > 1) ||
	    (ra == NULL && rb == NULL && a->npoints > 1 && b->npoints > 1)) {
		ha = rate_hist(a, ra);
		hb = rate_hist(b, rb);
		jmx_compare_mann_whitney(ha, hb, &rate_p, &cliff);
		jmx_hist_free(ha);
		jmx_hist_free(hb);
	}
	r = jmx_summary_total(a->sum);
	compare_row(c, &c->rows[k], r, jmx_summary_total(b->sum), rate_p);
	c->nrows = (int)k + 1;
	free(names);
	return c;
}

void
jmx_compare_free(struct jmx_compare *c)
{
	int i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nrows; i++)
		free(c->rows[i].label);
	free(c->rows);
	free(c->rules);
	free(c->name_a);
	free(c->name_b);
	free(c->state_a);
	free(c->state_b);
	free(c);
}
