/*
 * verdict.h: a run's thresholds (tests.X.thresholds) checked against
 * its summary.  Any failed threshold makes the verdict fail: jmx-run
 * exits 1, and reports mark the threshold.
 */
#ifndef JMX_VERDICT_H
#define JMX_VERDICT_H

#include "config.h"

struct jmx_summary;

/* One threshold and what the run measured for it. */
struct jmx_verdict {
	const struct jmx_threshold	*threshold;	/* borrowed */
	int				 measured;	/* 0: no samples for it */
	double				 actual;
	int				 pass;
};

/*
 * Is name a metric a threshold may use: pNN (0 < NN < 100, decimals
 * allowed: p99.9), avg, min, max, median, stddev, error_pct, errors,
 * samples, throughput or apdex?
 */
int	jmx_verdict_known_metric(const char *name);

/*
 * Check n thresholds against sum into out[n].  A threshold on a label
 * with no samples fails.  Returns the number that failed.
 */
int	jmx_verdict_check(struct jmx_summary *sum,
	    const struct jmx_threshold *t, int n, struct jmx_verdict *out);

#endif
