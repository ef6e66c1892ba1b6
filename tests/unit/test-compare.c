/*
 * test-compare.c: the tests on histograms against hand-worked values,
 * and whole comparisons: one distribution twice is no regression, a
 * 15 % slower p95 is one, named by its label and metric.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "compare.h"
#include "err.h"
#include "hist.h"
#include "jtl.h"
#include "report.h"
#include "stats.h"
#include "tap.h"

static uint64_t rng;

static double
uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

static struct jmx_hist *
hist_of(const int64_t *v, int n)
{
	struct jmx_hist *h = jmx_hist_new();
	int i;

	for (i = 0; i < n; i++)
		jmx_hist_add(h, v[i], 1);
	return h;
}

static struct jmx_report *feed_rep;

static enum jmx_code
feed(const struct jmx_bucket *b, void *arg)
{
	jmx_report_add_bucket(feed_rep, jmx_agg_label(arg, b->label), 0, b);
	return JMX_OK;
}

/*
 * A run of n samples per label over 100 s: log-normal times of median
 * med (label "slow" times scale), 1 % errors.
 */
static struct jmx_report *
run(uint64_t seed, int n, double scale)
{
	struct jmx_report *r = jmx_report_new(1);
	struct jmx_agg *agg = jmx_agg_new();
	struct jmx_sample s;
	double u1, u2, z;
	int i;

	rng = seed;
	jmx_report_agent(r, "a");
	for (i = 0; i < 2 * n; i++) {
		memset(&s, 0, sizeof s);
		u1 = uniform();
		u2 = uniform();
		z = sqrt(-2 * log(u1 + 1e-300)) * cos(2 * M_PI * u2);
		s.ts = 1700000000000LL + (int64_t)i * 100000 / (2 * n);
		s.label.p = i % 2 ? "slow" : "fast";
		s.label.len = 4;
		s.elapsed = (int64_t)llround((i % 2 ? 200 * scale : 50) *
		    exp(0.4 * z));
		s.success = uniform() >= 0.01;
		s.sample_count = 1;
		s.error_count = !s.success;
		s.have = JMX_JTL_TIMESTAMP | JMX_JTL_ELAPSED | JMX_JTL_LABEL |
		    JMX_JTL_SUCCESS;
		jmx_agg_add(agg, &s, 0);
	}
	feed_rep = r;
	jmx_agg_foreach(agg, feed, agg);
	jmx_agg_free(agg);
	jmx_report_finish(r);
	return r;
}

static const struct jmx_compare_row *
row(const struct jmx_compare *c, const char *label)
{
	int i;

	for (i = 0; i < c->nrows; i++)
		if ((label == NULL && c->rows[i].label == NULL) ||
		    (label != NULL && c->rows[i].label != NULL &&
		    strcmp(c->rows[i].label, label) == 0))
			return &c->rows[i];
	return NULL;
}

int
main(void)
{
	static const int64_t lo[] = { 1, 2, 3 }, hi[] = { 4, 5, 6 };
	static const int64_t tie[] = { 5, 5, 5, 5 };
	struct jmx_compare_rule *rules, rule;
	struct jmx_report *a, *b, *c15;
	struct jmx_compare *cmp;
	const struct jmx_compare_row *r;
	struct jmx_hist *ha, *hb;
	struct jmx_err err;
	double p, d, cliff;
	int nrules, seed, false_alarms;

	/* Mann-Whitney: B above every A, U = 9 of 9. */
	ha = hist_of(lo, 3);
	hb = hist_of(hi, 3);
	jmx_compare_mann_whitney(ha, hb, &p, &cliff);
	is_num(cliff, 1, 1e-12, "MW: Cliff's delta 1 when B is all above");
	/* z = (9 - 4.5) / sqrt(9 * 7 / 12) = 1.964 */
	is_num(p, 0.0495, 0.0005, "MW: p of U 9 (normal approx.)");
	jmx_compare_mann_whitney(hb, ha, &p, &cliff);
	is_num(cliff, -1, 1e-12, "MW: -1 the other way");
	jmx_compare_ks(ha, hb, &d, &p);
	is_num(d, 1, 1e-12, "KS: D 1 for disjoint samples");
	jmx_hist_free(hb);
	hb = hist_of(lo, 3);
	jmx_compare_ks(ha, hb, &d, &p);
	is_num(d, 0, 1e-12, "KS: D 0 for the same sample");
	is_num(p, 1, 1e-12, "KS: p 1 for the same sample");
	jmx_hist_free(ha);
	jmx_hist_free(hb);
	ha = hist_of(tie, 4);
	hb = hist_of(tie, 4);
	jmx_compare_mann_whitney(ha, hb, &p, &cliff);
	ok(p == 1 && cliff == 0, "MW: all ties, p 1, delta 0");
	jmx_hist_free(ha);
	jmx_hist_free(hb);
	is_num(jmx_compare_proportions(10, 1000, 10, 1000), 1, 1e-12,
	    "proportions: equal, p 1");
	ok(jmx_compare_proportions(10, 1000, 40, 1000) < 0.001,
	    "proportions: 1 %% against 4 %% of 1000 is real");
	is_num(jmx_compare_rates(1000, 10, 1000, 10), 1, 1e-12,
	    "rates: equal, p 1");

	/* Rules. */
	ok(jmx_compare_rule_parse("p95", "+10%", &rule, &err) == 0 &&
	    rule.dir == 1 && rule.limit == 10 && rule.relative,
	    "rule +10%%");
	ok(jmx_compare_rule_parse("throughput", "- 5 %", &rule, &err) == 0 &&
	    rule.dir == -1 && rule.limit == 5, "rule - 5 %%");
	ok(jmx_compare_rule_parse("error_pct", "+1", &rule, &err) == 0 &&
	    !rule.relative, "rule +1 is absolute");
	ok(jmx_compare_rule_parse("p95", "10%", &rule, &err) == -1 &&
	    strstr(err.msg, "signed") != NULL, "a tolerance needs a sign");
	ok(jmx_compare_rule_parse("p42x", "+1", &rule, &err) == -1 &&
	    strstr(err.msg, "p42x") != NULL, "an unknown metric is refused");
	ok(jmx_compare_rules_parse(JMX_COMPARE_DEFAULT_RULES, &rules,
	    &nrules, &err) == 0 && nrules == 3, "the default rules parse");

	/* One distribution, two runs: no regression, over seeds. */
	false_alarms = 0;
	for (seed = 1; seed <= 10; seed++) {
		a = run((uint64_t)seed * 1000003, 20000, 1);
		b = run((uint64_t)seed * 7919 + 1, 20000, 1);
		cmp = jmx_compare_new(a, b, NULL, NULL, rules, nrules,
		    JMX_COMPARE_ALPHA);
		false_alarms += cmp->regressions;
		jmx_compare_free(cmp);
		jmx_report_free(a);
		jmx_report_free(b);
	}
	is_int(false_alarms, 0, "same distribution, 10 seeds: no regression");

	/* The slow label 15 % slower: its p95 (and the total's) regress. */
	a = run(11, 20000, 1);
	c15 = run(12, 20000, 1.15);
	cmp = jmx_compare_new(a, c15, NULL, NULL, rules, nrules,
	    JMX_COMPARE_ALPHA);
	r = row(cmp, "slow");
	ok(r != NULL && r->m[JMX_CMP_P95].regression,
	    "15 %% slower: p95 of 'slow' regressed (%.1f %%)",
	    r != NULL ? r->m[JMX_CMP_P95].rel_pct : NAN);
	ok(r != NULL && r->cliff > 0.05, "15 %% slower: Cliff's delta > 0");
	r = row(cmp, "fast");
	ok(r != NULL && r->regressions == 0, "'fast' did not regress");
	ok(cmp->regressions > 0, "the comparison has regressions");
	r = row(cmp, NULL);
	ok(r != NULL && r->m[JMX_CMP_THROUGHPUT].regression == 0,
	    "throughput (same rate) did not regress");
	jmx_compare_free(cmp);
	/* The other way round it is an improvement, no regression. */
	cmp = jmx_compare_new(c15, a, NULL, NULL, rules, nrules,
	    JMX_COMPARE_ALPHA);
	is_int(cmp->regressions, 0, "15 % faster: no regression");
	jmx_compare_free(cmp);
	jmx_report_free(a);
	jmx_report_free(c15);
	free(rules);
	return done_testing();
}
