/*
 * trend.c: anomalies by rolling median and MAD, change points by
 * E-Divisive means with a permutation test (see trend.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trend.h"
#include "xmalloc.h"

void
jmx_trend_defaults(struct jmx_trend_params *p)
{
	memset(p, 0, sizeof *p);
	p->window = 10;
	p->z = 3.5;
	p->min_rel_pct = 10;
	p->min_size = 3;
	p->permutations = 199;
	p->alpha = 0.05;
	p->seed = 1;
	p->higher_is_worse = 1;
}

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

double
jmx_trend_median(const double *x, int n)
{
	double *s = xcalloc((size_t)n, sizeof *s), m;

	memcpy(s, x, (size_t)n * sizeof *s);
	qsort(s, (size_t)n, sizeof *s, cmp_double);
	m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return m;
}

static double
rel_pct(double from, double to)
{
	if (from == 0)
		return to == 0 ? 0 : INFINITY;
	return 100 * (to - from) / fabs(from);
}

static void
anomalies(const double *x, int n, const struct jmx_trend_params *p,
    struct jmx_trend *t)
{
	struct jmx_trend_anomaly *a;
	double *dev, med, mad, z;
	int i, j, from, w;

	dev = xcalloc((size_t)p->window + 1, sizeof *dev);
	for (i = 3; i < n; i++) {
		from = i - p->window < 0 ? 0 : i - p->window;
		w = i - from;
		med = jmx_trend_median(x + from, w);
		for (j = 0; j < w; j++)
			dev[j] = fabs(x[from + j] - med);
		mad = jmx_trend_median(dev, w);
		if (fabs(rel_pct(med, x[i])) <= p->min_rel_pct)
			continue;
		/* A MAD of 0 (identical values): any real change stands out. */
		z = mad > 0 ? 0.6745 * fabs(x[i] - med) / mad : INFINITY;
		if (z <= p->z)
			continue;
		t->anomalies = xreallocarray(t->anomalies,
		    (size_t)t->nanomalies + 1, sizeof *t->anomalies);
		a = &t->anomalies[t->nanomalies++];
		a->index = i;
		a->value = x[i];
		a->median = med;
		a->mad = mad;
		a->z = z;
	}
	free(dev);
}

/*
 * The best split of y[0..n) and its statistic.  L[t] = sum over i < t
 * of |y_i - y_t|, R[t] over i > t: the within sums of every split follow
 * from their prefix and suffix sums, the between sum is the rest.
 */
static double
best_split(const double *y, int n, int min_size, double *L, double *R,
    int *at)
{
	double total = 0, wl = 0, wr = 0, between, q, best = -1;
	double m, k, e;
	int i, j, tau;

	for (i = 0; i < n; i++) {
		L[i] = R[i] = 0;
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			e = fabs(y[i] - y[j]);
			R[i] += e;
			L[j] += e;
			total += e;
		}
	for (i = 0; i < n; i++)
		wr += R[i];
	*at = -1;
	/* Split before tau: left y[0..tau), right y[tau..n). */
	for (tau = 1; tau < n; tau++) {
		wl += L[tau - 1];
		wr -= R[tau - 1];
		if (tau < min_size || n - tau < min_size)
			continue;
		m = tau;
		k = n - tau;
		between = total - wl - wr;
		q = m * k / (m + k) * (2 * between / (m * k) -
		    (m > 1 ? wl / (m * (m - 1) / 2) : 0) -
		    (k > 1 ? wr / (k * (k - 1) / 2) : 0));
		if (q > best) {
			best = q;
			*at = tau;
		}
	}
	return best;
}

static uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void
add_change(struct jmx_trend *t, const struct jmx_trend_change *c)
{
	int i;

	t->changes = xreallocarray(t->changes, (size_t)t->nchanges + 1,
	    sizeof *t->changes);
	for (i = t->nchanges; i > 0 && t->changes[i - 1].index > c->index;
	    i--)
		t->changes[i] = t->changes[i - 1];
	t->changes[i] = *c;
	t->nchanges++;
}

static void
divide(const double *x, int from, int to, const struct jmx_trend_params *p,
    uint64_t *rng, double *buf, double *L, double *R, struct jmx_trend *t)
{
	struct jmx_trend_change c;
	double q, qp;
	int n = to - from, at, pat, i, j, ge = 0;
	double tmp;

	if (n < 2 * p->min_size)
		return;
	if ((q = best_split(x + from, n, p->min_size, L, R, &at)) < 0 ||
	    at < 0)
		return;
	memset(&c, 0, sizeof c);
	c.index = from + at;
	c.before = jmx_trend_median(x + from, at);
	c.after = jmx_trend_median(x + from + at, n - at);
	c.rel_pct = rel_pct(c.before, c.after);
	if (fabs(c.rel_pct) <= p->min_rel_pct)
		return;
	memcpy(buf, x + from, (size_t)n * sizeof *buf);
	for (i = 0; i < p->permutations; i++) {
		for (j = n - 1; j > 0; j--) {
			pat = (int)(xorshift(rng) % (uint64_t)(j + 1));
			tmp = buf[j];
			buf[j] = buf[pat];
			buf[pat] = tmp;
		}
		qp = best_split(buf, n, p->min_size, L, R, &pat);
		if (qp >= q)
			ge++;
	}
	c.p = (double)(ge + 1) / (double)(p->permutations + 1);
	c.confidence = 1 - c.p;
	if (c.p >= p->alpha)
		return;
	c.worse = p->higher_is_worse ? c.after > c.before :
	    c.after < c.before;
	add_change(t, &c);
	divide(x, from, from + at, p, rng, buf, L, R, t);
	divide(x, from + at, to, p, rng, buf, L, R, t);
}

/*
 * The window after a change point still holds the old level, so the
 * first runs at the new one look like anomalies: they are the change,
 * not anomalies, when nearer its new level than its old one.
 */
static void
explained(struct jmx_trend *t, const struct jmx_trend_params *p)
{
	const struct jmx_trend_anomaly *a;
	const struct jmx_trend_change *c;
	int i, k, keep, drop;

	for (i = keep = 0; i < t->nanomalies; i++) {
		a = &t->anomalies[i];
		drop = 0;
		for (k = 0; k < t->nchanges && !drop; k++) {
			c = &t->changes[k];
			drop = a->index >= c->index &&
			    a->index < c->index + p->window &&
			    fabs(a->value - c->after) <
			    fabs(a->value - c->before);
		}
		if (!drop)
			t->anomalies[keep++] = *a;
	}
	t->nanomalies = keep;
}

void
jmx_trend_analyse(const double *x, int n, const struct jmx_trend_params *p,
    struct jmx_trend *t)
{
	double *buf, *L, *R;
	uint64_t rng = p->seed != 0 ? p->seed : 1;

	memset(t, 0, sizeof *t);
	if (n <= 0)
		return;
	anomalies(x, n, p, t);
	buf = xcalloc((size_t)n, sizeof *buf);
	L = xcalloc((size_t)n, sizeof *L);
	R = xcalloc((size_t)n, sizeof *R);
	divide(x, 0, n, p, &rng, buf, L, R, t);
	explained(t, p);
	free(buf);
	free(L);
	free(R);
}

void
jmx_trend_clear(struct jmx_trend *t)
{
	free(t->anomalies);
	free(t->changes);
	memset(t, 0, sizeof *t);
}
