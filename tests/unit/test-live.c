/*
 * test-live: jmx-watch's snapshot of a run against a real SQLite
 * database: which run it picks, agents' states, the current rate, the
 * age of the newest data, label sorting, chart columns and marks, and
 * the plain line and JSON object.  Every expected number is worked out
 * by hand from the samples below.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "jtl.h"
#include "live.h"
#include "stats.h"
#include "store.h"
#include "util.h"
#include "tap.h"

/* T0 on a whole second, so series seconds are the samples' seconds. */
#define T0	2000000000000LL

static void
add(struct jmx_agg *agg, const char *label, int64_t ts, int64_t elapsed,
    int success, int64_t threads)
{
	struct jmx_sample s;

	memset(&s, 0, sizeof s);
	s.ts = ts;
	s.elapsed = elapsed;
	s.label.p = label;
	s.label.len = strlen(label);
	s.success = success;
	s.sample_count = 1;
	s.error_count = success ? 0 : 1;
	s.all_threads = threads;
	s.have = JMX_JTL_TIMESTAMP | JMX_JTL_ELAPSED | JMX_JTL_LABEL |
	    JMX_JTL_SUCCESS | JMX_JTL_ALLTHREADS;
	jmx_agg_add(agg, &s, 0);
}

static int64_t
segment(struct jmx_store *st, int64_t run, const char *agent,
    enum jmx_segment_state state, const char *cause)
{
	struct jmx_segment_rec seg;
	struct jmx_err err;

	memset(&seg, 0, sizeof seg);
	seg.run_id = run;
	seg.agent = (char *)agent;
	seg.state = state;
	seg.start_ms = T0;
	seg.cause = (char *)cause;
	jmx_store_segment_create(st, &seg, &err);
	return seg.id;
}

static void
agent(struct jmx_store *st, int64_t run, const char *name, int64_t threads,
    const char *state)
{
	struct jmx_run_agent_rec a;
	struct jmx_err err;

	memset(&a, 0, sizeof a);
	a.agent = (char *)name;
	a.threads = threads;
	a.skew_ms = -1;
	a.state = (char *)state;
	jmx_store_run_agent_put(st, run, &a, &err);
}

/*
 * Run: a1 (2 threads) "Home" 10 samples a second, 50 ms, seconds 0-9;
 * a2 (2 threads) "Pay" 2 a second, 200 and 400 ms, seconds 0-4, the
 * first failed, then lost at 5 s (its row still running, with a
 * cause); a3 a spare; a1 silent since 8 s.
 */
static int64_t
make_run(struct jmx_store *st, int64_t now)
{
	struct jmx_run_rec r;
	struct jmx_agg *agg;
	struct jmx_err err;
	char host[256] = "";
	int64_t seg;
	int s, i;

	gethostname(host, sizeof host - 1);
	memset(&r, 0, sizeof r);
	r.test_case = "steady";
	r.plan = "p.jmx";
	r.state = JMX_RUN_RUNNING;
	r.heartbeat_ms = now;
	r.controller_pid = getpid();
	r.controller_host = host;
	r.start_ms = T0;
	r.duration_ms = 60000;
	r.threads = 4;
	r.skew_ms = 12;
	jmx_store_run_create(st, &r, &err);
	agent(st, r.id, "a1", 2, "ok");
	agent(st, r.id, "a2", 2, "ok");
	agent(st, r.id, "a3", 0, "spare");
	seg = segment(st, r.id, "a1", JMX_SEGMENT_RUNNING, NULL);
	agg = jmx_agg_new();
	for (s = 0; s < 10; s++)
		for (i = 0; i < 10; i++)
			add(agg, "Home", T0 + s * 1000 + i * 100, 50, 1, 2);
	jmx_store_put_agg(st, r.id, seg, agg, &err);
	jmx_agg_free(agg);
	/* Declared lost, its worker still at it: the row says running. */
	seg = segment(st, r.id, "a2", JMX_SEGMENT_RUNNING, "gone");
	agg = jmx_agg_new();
	for (s = 0; s < 5; s++) {
		add(agg, "Pay", T0 + s * 1000, 200, s != 0, 2);
		add(agg, "Pay", T0 + s * 1000 + 500, 400, 1, 2);
	}
	jmx_store_put_agg(st, r.id, seg, agg, &err);
	jmx_agg_free(agg);
	jmx_store_event(st, r.id, T0 - 1000, "started", NULL, "2 agents",
	    "controller", &err);
	jmx_store_event(st, r.id, T0 + 5000, "agent_lost", "a2", "gone",
	    "controller", &err);
	jmx_store_event(st, r.id, T0 + 8000, "standby", "a1", "silent",
	    "controller", &err);
	return r.id;
}

static const struct jmx_live_agent *
find(const struct jmx_live *l, const char *name)
{
	int i;

	for (i = 0; i < l->nagents; i++)
		if (strcmp(l->agents[i].name, name) == 0)
			return &l->agents[i];
	return NULL;
}

static void
test_snapshot(struct jmx_store *st)
{
	const int64_t now = T0 + 10500;
	const struct jmx_live_agent *a;
	struct jmx_live *l;
	struct jmx_err err;
	struct jmx_buf b = { 0 };
	struct jmx_json w;
	size_t idx[2];
	double v[21];
	unsigned marks[21];
	int64_t run, pick, from, to;
	int active;

	run = make_run(st, now);
	is_int(jmx_live_pick(st, &pick, &active, &err), JMX_OK, "pick");
	is_int(pick, run, "picks the run that has not ended");
	ok(active, "... as active");
	is_int(jmx_live_load(st, run, now, &l, &err), JMX_OK, "load");
	if (l == NULL)
		return;
	is_int(l->st.samples, 110, "samples so far");
	is_int(l->st.errors, 1, "errors so far");
	/* Window: seconds 4 to 8 (the newest, 9, is still coming in). */
	is_num(l->rate, 10.4, 1e-9, "rate: 52 samples in 5 s");
	is_num(l->error_rate, 0, 1e-9, "errors/s: none in the window");
	is_int(l->threads_active, 2, "threads: the newest complete second");
	is_int(l->newest_ms, T0 + 9950, "newest sample's end");
	a = find(l, "a1");
	ok(a != NULL && strcmp(a->state, "silent") == 0,
	    "a1: running, but silent since the standby");
	if (a != NULL) {
		is_num(a->rate, 10, 1e-9, "a1: 10 samples/s");
		is_int(a->age_ms, 550, "a1: newest data 550 ms old");
		is_int(a->p95, 50, "a1: p95");
		is_int(a->samples, 100, "a1: samples");
	}
	a = find(l, "a2");
	ok(a != NULL && strcmp(a->state, "lost") == 0,
	    "a2: lost as soon as the loss has a cause");
	if (a != NULL) {
		is_num(a->rate, 0.4, 1e-9, "a2: 2 samples in the window");
		is_num(a->error_pct, 10, 1e-9, "a2: 1 of 10 failed");
		is_int(a->p95, 400, "a2: p95");
	}
	a = find(l, "a3");
	ok(a != NULL && strcmp(a->state, "spare") == 0, "a3: a spare");

	is_int(jmx_live_nlabels(l), 2, "two labels");
	jmx_live_sort(l, JMX_LIVE_COL_SAMPLES, 0, idx);
	is_str(jmx_live_label(l, idx[0])->label, "Home", "samples: most first");
	jmx_live_sort(l, JMX_LIVE_COL_SAMPLES, 1, idx);
	is_str(jmx_live_label(l, idx[0])->label, "Pay", "... or fewest");
	jmx_live_sort(l, JMX_LIVE_COL_P95, 0, idx);
	is_str(jmx_live_label(l, idx[0])->label, "Pay", "p95: slowest first");
	jmx_live_sort(l, JMX_LIVE_COL_LABEL, 1, idx);
	is_str(jmx_live_label(l, idx[0])->label, "Home", "label: A-Z");
	jmx_live_sort(l, JMX_LIVE_COL_LABEL, 0, idx);
	is_str(jmx_live_label(l, idx[0])->label, "Pay", "label: Z-A");
	jmx_live_sort(l, JMX_LIVE_COL_ERRORS, 0, idx);
	is_str(jmx_live_label(l, idx[0])->label, "Pay", "err%: most first");

	jmx_live_span(l, &from, &to);
	is_int(from, T0, "the chart starts at T0");
	is_int(to, now, "... and ends now");
	/* 21 columns of 500 ms: each shows the second it falls in. */
	jmx_live_series(l, JMX_LIVE_THROUGHPUT, from, to, 21, v, marks);
	is_num(v[0], 12, 1e-9, "throughput, second 0: 12/s");
	is_num(v[9], 12, 1e-9, "second 4: 12/s");
	is_num(v[10], 10, 1e-9, "second 5: 10/s");
	is_num(v[20], 0, 1e-9, "second 10: none yet, 0");
	ok(marks[10] == JMX_LIVE_MARK_FAILURE && marks[9] == 0 &&
	    marks[11] == 0, "the loss is marked at 5 s only");
	/* Two columns of 5 s: the rate over each. */
	jmx_live_series(l, JMX_LIVE_THROUGHPUT, T0, T0 + 10000, 2, v, NULL);
	is_num(v[0], 12, 1e-9, "0-5 s: 60 samples, 12/s");
	is_num(v[1], 10, 1e-9, "5-10 s: 50 samples, 10/s");
	jmx_live_series(l, JMX_LIVE_ERRORS, T0, T0 + 10000, 2, v, NULL);
	is_num(v[0], 0.2, 1e-9, "errors: 1 in 5 s");
	jmx_live_series(l, JMX_LIVE_P95, T0, T0 + 10000, 2, v, NULL);
	is_num(v[0], 400, 1e-9, "p95: the worst second's");
	is_num(v[1], 50, 1e-9, "p95 after the loss: Home's");
	jmx_live_series(l, JMX_LIVE_THREADS, T0, T0 + 10000, 2, v, NULL);
	is_num(v[0], 4, 1e-9, "threads: both agents' 2");
	jmx_live_series(l, JMX_LIVE_THROUGHPUT, T0 + 20000, T0 + 30000, 2,
	    v, NULL);
	ok(isnan(v[0]) && isnan(v[1]), "the future: no data");

	jmx_live_line(l, &b);
	/* 10.5 s gone, 49.5 s left; p95 of 100 x 50, 5 x 200, 5 x 400 ms. */
	ok(strstr(b.data, " running elapsed 10s remaining 49s threads 2/4 "
	    "samples 110 errors 1 rate 10.4/s p95 200ms agents 0/3 running") !=
	    NULL, "the plain line");
	jmx_buf_reset(&b);
	jmx_json_init(&w, &b);
	jmx_live_json(l, &w, 0);
	ok(strstr(b.data, "\"name\":\"a1\",\"state\":\"silent\",\"threads\":2,"
	    "\"samples\":100,\"throughput\":10,\"error_pct\":0,\"p95\":50,"
	    "\"age_ms\":550") != NULL, "JSON: an agent");
	ok(strstr(b.data, "\"kind\":\"standby\"") != NULL, "JSON: the events");
	jmx_buf_reset(&b);
	jmx_json_init(&w, &b);
	jmx_live_json(l, &w, l->events[l->nevents - 1].id);
	ok(strstr(b.data, "\"events\":[]") != NULL,
	    "JSON: only events after the last one shown");
	jmx_buf_free(&b);
	jmx_live_free(l);

	/* Ended: no active run left, the newest is shown. */
	jmx_store_run_set_state(st, run, JMX_RUN_PARTIAL, &err);
	is_int(jmx_live_pick(st, &pick, &active, &err), JMX_OK, "pick again");
	ok(pick == run && !active, "no active run: the newest, not active");
	jmx_live_load(st, run, now, &l, &err);
	ok(l != NULL && jmx_live_ended(l), "the run has ended");
	ok(l != NULL && strcmp(find(l, "a1")->state, "silent") == 0,
	    "its running segment keeps its state");
	jmx_live_free(l);
}

/* More runs left unfinished than one read holds: still the newest. */
static void
test_many(struct jmx_store *st)
{
	struct jmx_run_rec r;
	struct jmx_err err;
	int64_t pick = 0;
	int i, active;

	for (i = 0; i < 70; i++) {
		memset(&r, 0, sizeof r);
		r.test_case = "old";
		r.plan = "p.jmx";
		r.state = JMX_RUN_RUNNING;
		jmx_store_run_create(st, &r, &err);
	}
	jmx_live_pick(st, &pick, &active, &err);
	is_int(pick, r.id, "70 unfinished runs: the newest is picked");
}

int
main(void)
{
	const char *dir = tap_tmpdir();
	struct jmx_store *st = NULL;
	struct jmx_live *l = NULL;
	struct jmx_err err;
	int64_t run;
	int active;
	char db[512];

	snprintf(db, sizeof db, "%s/jmx.db", dir);
	if (jmx_store_open(db, &st, &err) != JMX_OK) {
		printf("Bail out! %s\n", err.msg);
		return 1;
	}
	is_int(jmx_live_pick(st, &run, &active, &err), JMX_ERR_NOTFOUND,
	    "no runs: not found");
	is_int(jmx_live_load(st, 42, T0, &l, &err), JMX_ERR_NOTFOUND,
	    "no such run: not found");
	ok(l == NULL, "... and no snapshot");
	test_snapshot(st);
	test_many(st);
	jmx_store_close(st);
	return done_testing();
}
