/*
 * compare.h: is run B slower than run A?  Pure statistics over two report
 * models (report.h), no I/O.
 *
 * Every label and the total are compared metric by metric (samples, avg,
 * p50, p90, p95, p99, throughput, error %), each with its absolute and
 * relative delta.  A difference is a regression only when it is both
 * real and large:
 *
 *  - real: a statistical test on the exact stored distributions says so
 *    at level alpha.  Response times: Mann-Whitney U (ties corrected)
 *    and the two-sample Kolmogorov-Smirnov test, both computed from the
 *    two merged histograms in O(distinct values), each at alpha / 2
 *    (Bonferroni).  Throughput: Mann-Whitney U on the per-second sample
 *    counts of the run (the total), or, for a label, the conditional
 *    binomial test of two Poisson rates.  Error %: the two-proportion z
 *    test.
 *  - large: beyond the tolerance of a rule (tests.X.regression in the
 *    configuration, else JMX_COMPARE_DEFAULT_RULES) in the worse
 *    direction.  With a million samples a test finds a 0.1 % shift
 *    "significant"; the tolerance is what keeps noise from being called
 *    a regression.
 */
#ifndef JMX_COMPARE_H
#define JMX_COMPARE_H

#include <stdint.h>

#include "err.h"

struct jmx_hist;
struct jmx_report;
struct jmx_summary_row;

/* The metrics compared, in the order of struct jmx_compare_row's m[]. */
enum jmx_compare_metric {
	JMX_CMP_SAMPLES = 0,
	JMX_CMP_AVG,
	JMX_CMP_P50,
	JMX_CMP_P90,
	JMX_CMP_P95,
	JMX_CMP_P99,
	JMX_CMP_THROUGHPUT,
	JMX_CMP_ERROR_PCT,
	JMX_CMP_NMETRICS
};

/* Rules when the test case has none. */
#define JMX_COMPARE_DEFAULT_RULES	"p95=+10%,error_pct=+1,throughput=-10%"
/* Level of the statistical tests. */
#define JMX_COMPARE_ALPHA		0.01

/*
 * A tolerance (tests.X.regression: METRIC: "+10%"): B is worse when its
 * value moved in direction dir by more than limit, relative (% of A's
 * value) or absolute (metric units; points for error_pct).
 */
struct jmx_compare_rule {
	enum jmx_compare_metric	 metric;
	int			 dir;		/* +1: higher is worse */
	double			 limit;		/* >= 0 */
	int			 relative;	/* limit in % of A */
};

/* One metric of one row. */
struct jmx_compare_value {
	double	 a, b;		/* NAN: not measured */
	double	 delta;		/* b - a */
	double	 rel_pct;	/* 100 (b - a) / a; NAN when a is 0 */
	double	 p;		/* the test's p-value; NAN: no test */
	int	 rule;		/* index of its rule, -1 none */
	int	 regression;	/* real and beyond the rule's tolerance */
};

/* A label (or the total) of both runs. */
struct jmx_compare_row {
	char			*label;		/* NULL for the total */
	int			 in_a, in_b;	/* has samples in A, B */
	struct jmx_compare_value m[JMX_CMP_NMETRICS];
	double			 mw_p, ks_p;	/* response times' tests */
	double			 ks_d;		/* largest CDF distance */
	double			 cliff;		/* Cliff's delta: > 0 B slower */
	int			 regressions;
};

/* B against A. */
struct jmx_compare {
	int64_t			 run_a, run_b;	/* 0 for JTL files */
	char			*name_a, *name_b;
	char			*state_a, *state_b;
	struct jmx_compare_row	*rows;		/* labels by name, total last */
	int			 nrows;
	struct jmx_compare_rule	*rules;
	int			 nrules;
	double			 alpha;
	int			 regressions;	/* in all rows */
};

/* The key of a metric ("p95", "error_pct"). */
const char	*jmx_compare_metric_name(enum jmx_compare_metric);
/* The metric of a key, or -1. */
int		 jmx_compare_metric_parse(const char *);
/* A metric of a summary row (NULL or empty: NAN, 0 samples). */
double		 jmx_compare_value_of(const struct jmx_summary_row *,
		    enum jmx_compare_metric);
/*
 * Parse a rule's tolerance "+10%", "-10 %", "+1" for metric name; -1
 * with why in err->msg when either is bad.
 */
int		 jmx_compare_rule_parse(const char *metric, const char *text,
		    struct jmx_compare_rule *, struct jmx_err *);
/*
 * Parse "METRIC=TOL,METRIC=TOL" into *rules (caller frees), -1 on a bad
 * one.
 */
int		 jmx_compare_rules_parse(const char *list,
		    struct jmx_compare_rule **rules, int *n,
		    struct jmx_err *);

/*
 * Mann-Whitney U of two histograms, normal approximation with the ties
 * correction.  *p two-sided (1 when either is empty); *cliff Cliff's
 * delta P(b > a) - P(b < a).  O(distinct values).
 */
void		 jmx_compare_mann_whitney(struct jmx_hist *a,
		    struct jmx_hist *b, double *p, double *cliff);
/* Two-sample Kolmogorov-Smirnov: *d the statistic, *p asymptotic. */
void		 jmx_compare_ks(struct jmx_hist *a, struct jmx_hist *b,
		    double *d, double *p);
/* Two-proportion z test of xa/na against xb/nb, two-sided p. */
double		 jmx_compare_proportions(uint64_t xa, uint64_t na,
		    uint64_t xb, uint64_t nb);
/* Two Poisson rates, na events in ta against nb in tb: two-sided p. */
double		 jmx_compare_rates(uint64_t na, double ta, uint64_t nb,
		    double tb);

/* Samples per second of a run, for the throughput test of the total. */
struct jmx_compare_rates {
	const uint64_t	*counts;	/* one per second with samples */
	int		 n;
};

/*
 * Compare finished models b against a under rules (copied).  Returns a
 * new comparison (jmx_compare_free()); the models are only read.  The
 * total's throughput is tested on ra and rb (jmx_store_run_rates()), or
 * when they are NULL on the models' series (loaded with series), else
 * as the labels' are.
 */
struct jmx_compare *jmx_compare_new(struct jmx_report *a,
		    struct jmx_report *b, const struct jmx_compare_rates *ra,
		    const struct jmx_compare_rates *rb,
		    const struct jmx_compare_rule *rules, int nrules,
		    double alpha);
void		 jmx_compare_free(struct jmx_compare *);

#endif
