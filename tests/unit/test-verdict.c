/* test-verdict.c: thresholds against a hand-computed summary. */
#include <string.h>

#include "jtl.h"
#include "stats.h"
#include "verdict.h"
#include "tap.h"

static struct jmx_summary *
ten_samples(void)
{
	struct jmx_agg *agg = jmx_agg_new();
	struct jmx_summary *sum = jmx_summary_new();
	struct jmx_sample s;
	int i;

	/* GET /: 100, 200, ..., 1000 ms, one second apart; the last fails. */
	for (i = 1; i <= 10; i++) {
		memset(&s, 0, sizeof s);
		s.ts = 1700000000000LL + i * 1000;
		s.elapsed = i * 100;
		s.label.p = "GET /";
		s.label.len = 5;
		s.success = i != 10;
		s.sample_count = 1;
		s.error_count = i == 10;
		s.have = JMX_JTL_TIMESTAMP | JMX_JTL_ELAPSED | JMX_JTL_LABEL |
		    JMX_JTL_SUCCESS;
		jmx_agg_add(agg, &s, 0);
	}
	jmx_summary_add_agg(sum, agg);
	jmx_agg_free(agg);
	return sum;
}

int
main(void)
{
	struct jmx_threshold t[] = {
		{ NULL, "p90", "<", 1000 },
		{ NULL, "p90", "<", 900 },
		{ "GET /", "avg", "<=", 550 },
		{ NULL, "error_pct", "<=", 5 },
		{ "missing", "samples", ">", 0 },
		{ NULL, "samples", ">=", 10 },
		{ NULL, "p99.9", "==", 0 },
		{ NULL, "max", ">", 999 },
		{ NULL, "stddev", "<", 288 },
	};
	struct jmx_verdict v[9];
	struct jmx_summary *sum = ten_samples();
	int failed;

	ok(jmx_verdict_known_metric("p95"), "p95 is a metric");
	ok(jmx_verdict_known_metric("p99.9"), "p99.9 is a metric");
	ok(!jmx_verdict_known_metric("p0"), "p0 is not");
	ok(!jmx_verdict_known_metric("p100"), "p100 is not");
	ok(!jmx_verdict_known_metric("p9x"), "p9x is not");
	ok(jmx_verdict_known_metric("apdex"), "apdex is a metric");
	ok(!jmx_verdict_known_metric("mean"), "mean is not");

	failed = jmx_verdict_check(sum, t, 9, v);
	is_num(v[0].actual, 900, 0, "p90 of 100..1000 is 900 (nearest rank)");
	ok(v[0].pass, "p90 < 1000 holds");
	ok(!v[1].pass, "p90 < 900 fails");
	is_num(v[2].actual, 550, 1e-9, "avg of GET / is 550");
	ok(v[2].pass, "avg <= 550 holds (boundary)");
	is_num(v[3].actual, 10, 1e-9, "error_pct is 10");
	ok(!v[3].pass, "error_pct <= 5 fails");
	ok(!v[4].measured && !v[4].pass, "a label with no samples fails");
	ok(v[5].pass, "samples >= 10 holds");
	ok(!v[6].pass, "an unknown operator never holds");
	is_num(v[6].actual, 1000, 0, "p99.9 is the maximum here");
	ok(v[7].pass, "max > 999 holds");
	is_num(v[8].actual, 287.228132, 1e-5, "stddev (population)");
	is_int(failed, 4, "four thresholds failed");
	jmx_summary_free(sum);
	return done_testing();
}
