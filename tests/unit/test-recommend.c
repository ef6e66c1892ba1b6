/*
 * test-recommend.c: each rule with data that triggers it and data that
 * does not.  Models are built from synthetic per-second buckets.
 */
#include <stdint.h>
#include <string.h>

#include "hist.h"
#include "recommend.h"
#include "report.h"
#include "stats.h"
#include "tap.h"

#define T0	1700000000LL

/* One second of one label on one agent: n samples of el ms. */
static void
sec(struct jmx_report *r, int agent, const char *label, int64_t s,
    uint64_t n, int64_t el, uint64_t errors, int64_t threads, int64_t conn)
{
	struct jmx_bucket b;

	if (n == 0)
		return;
	memset(&b, 0, sizeof b);
	b.second = T0 + s;
	b.count = n;
	b.errors = errors;
	b.elapsed_sum = (int64_t)n * el;
	b.elapsed_min = b.elapsed_max = el;
	b.latency_sum = (int64_t)n * el / 2;
	b.connect_sum = (int64_t)n * conn;
	b.max_all_threads = threads;
	b.max_grp_threads = threads;
	b.first_start = (T0 + s) * 1000;
	b.last_end = (T0 + s) * 1000 + 999;
	b.hist = jmx_hist_new();
	jmx_hist_add(b.hist, el, n);
	jmx_report_add_bucket(r, label, agent, &b);
	jmx_hist_free(b.hist);
}

static struct jmx_report *
model(void)
{
	struct jmx_report *r = jmx_report_new(1);

	jmx_report_agent(r, "a1");
	return r;
}

static int
fires(struct jmx_report *r, const char *rule, const char *want_text)
{
	struct jmx_rec o;
	int f;

	jmx_report_finish(r);
	f = jmx_recommend_rule(r, rule, &o);
	if (f == 1 && want_text != NULL && strstr(o.evidence, want_text) ==
	    NULL) {
		printf("# evidence: %s\n", o.evidence);
		f = 0;
	}
	if (f == 1)
		printf("# %s: %s\n", rule, o.evidence);
	if (f == 1) {
		free(o.title);
		free(o.evidence);
		free(o.suggestion);
	}
	jmx_report_free(r);
	return f;
}

/* A steady 120 s run: 100 samples/s of 50 ms, 10 threads. */
static struct jmx_report *
steady(void)
{
	struct jmx_report *r = model();
	int s;

	for (s = 0; s < 120; s++)
		sec(r, 0, "home", s, 100, 50, 0, 10, 1);
	return r;
}

int
main(void)
{
	struct jmx_report *r;
	struct jmx_rec o;
	int s, n, i;
	const char *const *names = jmx_recommend_rules(&n);

	ok(n == 9, "nine rules");
	r = model();
	jmx_report_finish(r);
	ok(jmx_recommend_rule(r, "nosuch", &o) == -1, "unknown rule: -1");
	for (i = 0; i < n; i++)
		ok(jmx_recommend_rule(r, names[i], &o) == 0,
		    "%s: silent on no data", names[i]);
	jmx_report_free(r);

	/* saturation: Little's law, throughput capped at 100/s. */
	r = model();
	for (s = 0; s < 120; s++) {
		int64_t th = 10 + s * 90 / 119;
		uint64_t tp = th * 5 < 100 ? (uint64_t)th * 5 : 100;

		sec(r, 0, "home", s, tp, 1000 * th / (int64_t)tp, 0, th, 1);
	}
	ok(fires(r, "saturation", "active threads rose") == 1,
	    "saturation: flat throughput, rising threads and times");
	r = model();
	for (s = 0; s < 120; s++) {
		int64_t th = 10 + s * 90 / 119;

		sec(r, 0, "home", s, (uint64_t)th * 5, 200, 0, th, 1);
	}
	ok(fires(r, "saturation", NULL) == 0,
	    "saturation: throughput growing with threads does not fire");

	/* error_burst */
	r = model();
	for (s = 0; s < 120; s++)
		sec(r, 0, "home", s, 100, 50, s >= 60 && s < 65 ? 30 : 0, 10,
		    1);
	ok(fires(r, "error_burst", "between 60s and 65s") == 1,
	    "error_burst: 5 s of 30 % errors");
	r = model();
	for (s = 0; s < 120; s++)
		sec(r, 0, "home", s, 100, 50, 1, 10, 1);
	ok(fires(r, "error_burst", NULL) == 0,
	    "error_burst: a steady 1 % is not a burst");

	/* errors */
	r = model();
	for (s = 0; s < 120; s++)
		sec(r, 0, "home", s, 100, 50, 2, 10, 1);
	jmx_report_add_error(r, "home", "500", "Internal", 240);
	ok(fires(r, "errors", "240 of 12000 samples failed (2.00%)") == 1,
	    "errors: 2 % fires with the figures");
	r = model();
	for (s = 0; s < 120; s++)
		sec(r, 0, "home", s, 200, 50, s % 2, 10, 1);
	ok(fires(r, "errors", NULL) == 0, "errors: 0.25 % does not fire");

	/* long_tail: 2 % of samples at 2 s, the rest at 50 ms. */
	r = model();
	for (s = 0; s < 120; s++) {
		sec(r, 0, "home", s, 98, 50, 0, 10, 1);
		sec(r, 0, "home", s, 2, 2000, 0, 10, 1);
	}
	ok(fires(r, "long_tail", "p50 50 ms, p99 2000 ms (x40.0)") == 1,
	    "long_tail: p99 40 times p50");
	r = model();
	for (s = 0; s < 120; s++) {
		sec(r, 0, "home", s, 98, 50, 0, 10, 1);
		sec(r, 0, "home", s, 2, 90, 0, 10, 1);
	}
	ok(fires(r, "long_tail", NULL) == 0, "long_tail: a short tail");

	/* connect_time */
	r = model();
	for (s = 0; s < 120; s++)
		sec(r, 0, "home", s, 100, 100, 0, 10, 40);
	ok(fires(r, "connect_time", "connect averages 40.0 ms of 100.0 ms")
	    == 1, "connect_time: 40 % of elapsed");
	r = model();
	for (s = 0; s < 120; s++)
		sec(r, 0, "home", s, 100, 100, 0, 10, 5);
	ok(fires(r, "connect_time", NULL) == 0, "connect_time: 5 % is fine");

	/* label_dominates */
	r = model();
	for (s = 0; s < 120; s++) {
		sec(r, 0, "search", s, 30, 1000, 0, 10, 1);
		sec(r, 0, "home", s, 30, 10, 0, 10, 1);
		sec(r, 0, "cart", s, 30, 10, 0, 10, 1);
	}
	ok(fires(r, "label_dominates", "'search' accounts for 98%") == 1,
	    "label_dominates: one slow label");
	r = model();
	for (s = 0; s < 120; s++) {
		sec(r, 0, "search", s, 30, 100, 0, 10, 1);
		sec(r, 0, "home", s, 30, 100, 0, 10, 1);
		sec(r, 0, "cart", s, 30, 100, 0, 10, 1);
	}
	ok(fires(r, "label_dominates", NULL) == 0,
	    "label_dominates: balanced labels");

	/* uneven_agents */
	r = model();
	jmx_report_agent(r, "a2");
	for (s = 0; s < 120; s++) {
		sec(r, 0, "home", s, 50, 100, 0, 5, 1);
		sec(r, 1, "home", s, 50, 300, 0, 5, 1);
	}
	ok(fires(r, "uneven_agents", "p95 on agent 'a2' is 300 ms") == 1,
	    "uneven_agents: one agent three times slower");
	r = model();
	jmx_report_agent(r, "a2");
	for (s = 0; s < 120; s++) {
		sec(r, 0, "home", s, 50, 100, 0, 5, 1);
		sec(r, 1, "home", s, 50, 110, 0, 5, 1);
	}
	ok(fires(r, "uneven_agents", NULL) == 0,
	    "uneven_agents: agents alike");

	/* agent_limits: from the log, and from client-side exceptions. */
	r = steady();
	jmx_report_scan_log(r, 0, "2026-01-01 10:00:00,000 INFO o.a.j: ok\n"
	    "2026-01-01 10:00:01,000 ERROR o.a.j.JMeter: Uncaught exception"
	    " java.lang.OutOfMemoryError: Java heap space\n", 130);
	ok(fires(r, "agent_limits", "1 ERROR line(s) including "
	    "OutOfMemoryError") == 1, "agent_limits: OOM in jmeter.log");
	r = steady();
	jmx_report_add_error(r, "home", "Non HTTP response code: "
	    "java.net.BindException", "Address already in use", 7);
	ok(fires(r, "agent_limits", "7 failed sample(s) with "
	    "'BindException'") == 1, "agent_limits: BindException samples");
	r = steady();
	jmx_report_scan_log(r, 0, "2026-01-01 10:00:00,000 INFO o.a.j: ok\n",
	    40);
	jmx_report_add_error(r, "home", "500", "Internal", 7);
	ok(fires(r, "agent_limits", NULL) == 0,
	    "agent_limits: a clean log and server errors do not fire");

	/* short_steady_state */
	r = model();
	for (s = 0; s < 40; s++)
		sec(r, 0, "home", s, 100, 50, 0, s < 10 ? s + 1 : 10, 1);
	ok(fires(r, "short_steady_state", "32 s at full load") == 1,
	    "short_steady_state: 32 s at 90 % of the peak threads");
	ok(fires(steady(), "short_steady_state", NULL) == 0,
	    "short_steady_state: 120 s at full load is enough");

	/* All together: a steady, healthy run says nothing. */
	r = steady();
	{
		struct jmx_rec *v;

		jmx_report_finish(r);
		n = jmx_recommend(r, &v);
		ok(n == 0, "a healthy steady run: no recommendation");
		jmx_recs_free(v, n);
	}
	jmx_report_free(r);
	return done_testing();
}
