/*
 * trend.h: a metric over a series of runs; anomalies and change points.
 * Pure: numbers in, findings out, no I/O, deterministic.
 *
 * Anomalies: a point is an anomaly when its robust z score against the
 * median and MAD of the window points before it, 0.6745 |x - median| /
 * MAD, exceeds z (Iglewicz and Hoaglin's 3.5) and it is off the median
 * by more than min_rel_pct (so a flat history with a tiny MAD does not
 * flag noise).  Needs at least 3 points before it.
 *
 * Change points: E-Divisive means (Matteson and James 2014, as in
 * MongoDB's and DataStax Hunter's CI performance analysis) with alpha 1:
 * the split of a segment that maximises the energy statistic
 * q = (m k / (m + k)) (2/(mk) sum|x - y| - 1/C(m,2) sum|x - x'| -
 * 1/C(k,2) sum|y - y'|), kept when a permutation test (permutations
 * shuffles of the segment, xorshift seeded with seed) puts its p-value
 * below alpha and the medians either side differ by more than
 * min_rel_pct; then each side is searched again (binary segmentation).
 * Segments are at least min_size points, so one outlier is not a
 * change.  O(n^2) per split and permutation.
 */
#ifndef JMX_TREND_H
#define JMX_TREND_H

#include <stdint.h>

/* Parameters, with their defaults in jmx_trend_defaults(). */
struct jmx_trend_params {
	int		 window;	/* anomaly window, 10 */
	double		 z;		/* robust z threshold, 3.5 */
	double		 min_rel_pct;	/* smallest relative change, 10 */
	int		 min_size;	/* change point segment size, 3 */
	int		 permutations;	/* permutation test, 199 */
	double		 alpha;		/* change point level, 0.05 */
	uint64_t	 seed;		/* permutation generator, 1 */
	int		 higher_is_worse; /* 1 for times and errors */
};

struct jmx_trend_anomaly {
	int		 index;		/* into the series */
	double		 value, median, mad, z;
};

struct jmx_trend_change {
	int		 index;		/* first point of the new level */
	double		 before, after;	/* medians either side */
	double		 rel_pct;	/* 100 (after - before) / before */
	double		 p;		/* permutation test */
	double		 confidence;	/* 1 - p */
	int		 worse;		/* moved in the worse direction */
};

struct jmx_trend {
	struct jmx_trend_anomaly *anomalies;
	int			  nanomalies;
	struct jmx_trend_change	 *changes;	/* by index */
	int			  nchanges;
};

void	jmx_trend_defaults(struct jmx_trend_params *);
/* Analyse x[0..n) into *out (jmx_trend_clear() it). */
void	jmx_trend_analyse(const double *x, int n,
	    const struct jmx_trend_params *, struct jmx_trend *out);
void	jmx_trend_clear(struct jmx_trend *);
/* Median of x[0..n) (n > 0), x left unchanged. */
double	jmx_trend_median(const double *x, int n);

#endif
