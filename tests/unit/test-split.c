/*
 * test-split.c: largest-remainder counts, per-agent shares of a plan,
 * and the dry-run JSON, all against hand-computed values (CSV slices:
 * test-data.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "split.h"
#include "util.h"

static void
check_lr(const double *w, int n, int64_t total, const int64_t *want,
    const char *name)
{
	int64_t out[16];
	struct jmx_err err;
	char got[200] = "", exp[200] = "";
	size_t gl = 0, el = 0;
	int i;

	if (jmx_split_weights(w, n, total, out, &err) != JMX_OK) {
		ok(0, "%s: %s", name, err.msg);
		return;
	}
	for (i = 0; i < n; i++) {
		gl += (size_t)snprintf(got + gl, sizeof got - gl, "%s%lld",
		    i ? "," : "", (long long)out[i]);
		el += (size_t)snprintf(exp + el, sizeof exp - el, "%s%lld",
		    i ? "," : "", (long long)want[i]);
	}
	is_str(got, exp, name);
}

static void
test_weights(void)
{
	double w111[] = { 1, 1, 1 }, w21[] = { 2, 1 }, w11[] = { 1, 1 };
	double wdec[] = { 0.1, 0.2, 0.7 }, w3331[] = { 3, 3, 3, 1 };
	double w1234[] = { 1, 2, 3, 4 }, w1[] = { 5 };
	double bad0[] = { 1, 0 }, badneg[] = { 1, -2 }, badnan[] = { NAN };
	int64_t out[4];
	struct jmx_err err;

	check_lr(w111, 3, 10, (int64_t[]){ 4, 3, 3 }, "10 over 1,1,1");
	check_lr(w21, 2, 7, (int64_t[]){ 5, 2 }, "7 over 2,1");
	check_lr(w11, 2, 0, (int64_t[]){ 0, 0 }, "0 over 1,1");
	check_lr(w111, 3, 1, (int64_t[]){ 1, 0, 0 }, "1 over 1,1,1: first");
	check_lr(w111, 3, 2, (int64_t[]){ 1, 1, 0 }, "2 over 1,1,1");
	/* 0.5, 1.0, 3.5: floors 0,1,3; the tie of .5s goes to agent 1. */
	check_lr(wdec, 3, 5, (int64_t[]){ 1, 1, 3 },
	    "5 over .1,.2,.7: float noise does not break the tie");
	check_lr(wdec, 3, 10, (int64_t[]){ 1, 2, 7 }, "10 over .1,.2,.7");
	check_lr(w3331, 4, 100, (int64_t[]){ 30, 30, 30, 10 },
	    "100 over 3,3,3,1 exact");
	/* 1.1, 2.2, 3.3, 4.4: the one left goes to the .4. */
	check_lr(w1234, 4, 11, (int64_t[]){ 1, 2, 3, 5 }, "11 over 1,2,3,4");
	check_lr(w1, 1, 9, (int64_t[]){ 9 }, "one agent takes all");

	is_int(jmx_split_weights(bad0, 2, 5, out, &err), JMX_ERR_USAGE,
	    "weight 0 refused");
	is_str(err.msg, "weight 0 of agent 2 is not a number > 0",
	    "weight error names the agent");
	is_int(jmx_split_weights(badneg, 2, 5, out, &err), JMX_ERR_USAGE,
	    "negative weight refused");
	is_int(jmx_split_weights(badnan, 1, 5, out, &err), JMX_ERR_USAGE,
	    "NaN weight refused");
	is_int(jmx_split_weights(w11, 0, 5, out, &err), JMX_ERR_USAGE,
	    "no agents refused");
	is_int(jmx_split_weights(w11, 2, -1, out, &err), JMX_ERR_USAGE,
	    "negative total refused");
}

/* Every n, total and weight mix: exact sums, each within one of its quota. */
static void
test_weights_grid(void)
{
	static const double pool[] = { 1, 0.5, 2, 3, 0.1, 7, 1.5, 0.3, 1 };
	double w[8], sum;
	int64_t out[8], s, total;
	int n, k, i, cases = 0, bad_sum = 0, bad_quota = 0, bad_mono = 0;

	for (n = 1; n <= 8; n++)
		for (k = 0; k < 9; k++)
			for (total = 0; total <= 200; total += 1) {
				sum = 0;
				for (i = 0; i < n; i++) {
					w[i] = pool[(i + k) % 9];
					sum += w[i];
				}
				jmx_split_weights(w, n, total, out, NULL);
				s = 0;
				for (i = 0; i < n; i++) {
					double q = (double)total * w[i] / sum;

					s += out[i];
					if (fabs((double)out[i] - q) >= 1)
						bad_quota++;
					/* equal weights: 1 apart at most */
					if (i > 0 && w[i] == w[i - 1] &&
					    llabs(out[i] - out[i - 1]) > 1)
						bad_mono++;
				}
				if (s != total)
					bad_sum++;
				cases++;
			}
	is_int(bad_sum, 0, "grid: every split adds up exactly");
	is_int(bad_quota, 0, "grid: every count within 1 of its quota");
	is_int(bad_mono, 0, "grid: equal weights differ by at most 1");
	is_int(cases, 8 * 9 * 201, "grid: 14472 cases");
}

static void
test_parse_threads(void)
{
	struct jmx_split_opts o;
	struct jmx_err err;
	static const char *bad[] = { "0", "x0", "abc", "x", "10x", "-5", "",
	    "x-1", "1.5", NULL };
	int i;

	memset(&o, 0, sizeof o);
	ok(jmx_split_parse_threads("100", &o, &err) == JMX_OK &&
	    o.mode == JMX_SPLIT_EACH && o.threads == 100, "'100': each 100");
	ok(jmx_split_parse_threads("x1.5", &o, &err) == JMX_OK &&
	    o.mode == JMX_SPLIT_FACTOR && o.factor == 1.5, "'x1.5': factor");
	ok(jmx_split_parse_threads("X2", &o, &err) == JMX_OK &&
	    o.mode == JMX_SPLIT_FACTOR && o.factor == 2, "'X2': factor 2");
	for (i = 0; bad[i] != NULL; i++)
		ok(jmx_split_parse_threads(bad[i], &o, &err) == JMX_ERR_USAGE,
		    "'%s' refused", bad[i]);
	jmx_split_parse_threads("abc", &o, &err);
	is_str(err.msg, "threads 'abc': expected a count such as 100 or a "
	    "factor such as x1.5", "threads error message");
}

/* A core group's plugin fields: none. */
#define CORE	JMX_PLAN_CORE, 0, NULL, 0, 0

/* A plan as jmx_plan_load would give it, without XML. */
static struct jmx_plan_group groups[] = {
	{ JMX_PLAN_SETUP, "Prepare", 1, 3, 1, 0, 0, 0, 0, 1, NULL, CORE },
	{ JMX_PLAN_THREADS, "Browse", 1, 10, 10, 20, 1, 300, 0, -1, NULL, CORE },
	{ JMX_PLAN_THREADS, "Checkout", 1, 20, 7, 14, 0, 0, 0, 5, NULL, CORE },
	{ JMX_PLAN_TEARDOWN, "Cleanup", 1, 30, 2, 0, 0, 0, 0, 1, NULL, CORE },
	{ JMX_PLAN_THREADS, "Old", 0, 40, 0, 0, 0, 0, 0, 1, NULL, CORE },
	{ JMX_PLAN_OPEN_MODEL, "Arrivals", 1, 50, 0, 0, 0, 0, 0, 1,
	    (char *)"rate(1/s)", CORE }
};

static void
fake_plan(struct jmx_plan *p)
{
	memset(p, 0, sizeof *p);
	p->path = (char *)"fake.jmx";
	p->groups = groups;
	p->ngroups = 6;
}

static void
test_plan_split(void)
{
	struct jmx_split_agent ag[3] = {
		{ "eu1", 1, 0 }, { "eu2", 1, 0 }, { "eu3", 1, 0 }
	};
	struct jmx_split_opts o;
	struct jmx_split *s = NULL;
	struct jmx_plan p;
	struct jmx_err err;
	const struct jmx_split_share *a;
	int i;

	fake_plan(&p);
	memset(&o, 0, sizeof o);
	o.duration_s = 600;
	o.ramp_set = 1;
	o.ramp_s = 30;
	if (!ok(jmx_split_plan(&p, ag, 3, &o, &s, &err) == JMX_OK,
	    "3 equal agents")) {
		printf("# %s\n", err.msg);
		return;
	}
	a = s->agents;
	/* Browse 10: 4,3,3.  Checkout 7: 2,2,2 + 1 to the agent least served
	 * so far (eu2 and eu3 got 3 of 3.33; eu2 comes first). */
	ok(a[0].groups[1].threads == 4 && a[1].groups[1].threads == 3 &&
	    a[2].groups[1].threads == 3, "Browse 4,3,3");
	ok(a[0].groups[2].threads == 2 && a[1].groups[2].threads == 3 &&
	    a[2].groups[2].threads == 2, "Checkout 2,3,2 (tie to eu2)");
	ok(a[0].groups[0].threads == 1 && a[1].groups[0].threads == 0 &&
	    a[2].groups[0].threads == 0, "setUp whole on the first agent");
	ok(a[0].groups[3].threads == 2 && a[1].groups[3].threads == 0 &&
	    a[2].groups[3].threads == 0, "tearDown whole on the first agent");
	is_num(a[0].groups[0].scale, 1, 0, "setUp scale 1 where it runs");
	is_num(a[1].groups[0].scale, 0, 0, "setUp scale 0 elsewhere");
	for (i = 0; i < 3; i++) {
		is_num(a[i].groups[1].scale, 1.0 / 3, 1e-12,
		    "Browse scale 1/3");
		is_num(a[i].groups[5].scale, 1.0 / 3, 1e-12,
		    "open model rate scale 1/3");
		ok(a[i].groups[4].threads == 0 && a[i].groups[4].scale == 0,
		    "disabled group: nothing");
		is_num(a[i].share.scale, 1.0 / 3, 1e-12, "plan-level scale");
		ok(a[i].share.groups == a[i].groups && a[i].share.ngroups == 6,
		    "share points at the groups");
		ok(a[i].share.duration_s == 600 && a[i].share.ramp_set &&
		    a[i].share.ramp_s == 30, "overrides copied to the share");
		is_int(a[i].idle, 0, "nobody idle");
	}
	is_int(a[0].peak_threads, 6,
	    "eu1 peak: main 4+2 (setUp 1, tearDown 2)");
	is_int(a[1].peak_threads, 6, "eu2 peak 3+3");
	is_int(a[2].peak_threads, 5, "eu3 peak 3+2");
	is_int(s->totals[1], 10, "Browse total 10");
	is_int(s->totals[2], 7, "Checkout total 7");
	is_str(a[2].name, "eu3", "names copied");
	jmx_split_free(s);

	/* setUp everywhere, serialized groups, capacity. */
	o.setup_on_all = 1;
	p.serialize = 1;
	ok(jmx_split_plan(&p, ag, 3, &o, &s, &err) == JMX_OK, "setup_on_all");
	for (i = 0; i < 3; i++)
		ok(s->agents[i].groups[0].threads == 1 &&
		    s->agents[i].groups[0].scale == 1 &&
		    s->agents[i].groups[3].threads == 2,
		    "agent %d runs setUp and tearDown whole", i + 1);
	is_int(s->agents[0].peak_threads, 4,
	    "serialized: peak is the largest group (4), not the sum");
	jmx_split_free(s);
	p.serialize = 0;
	o.setup_on_all = 0;

	ag[0].max_threads = 5;
	s = (struct jmx_split *)&err;	/* must be reset to NULL */
	is_int(jmx_split_plan(&p, ag, 3, &o, &s, &err), JMX_ERR_PLAN,
	    "over max_threads");
	ok(s == NULL, "no split on failure");
	is_str(err.msg, "agent 'eu1' would run 6 threads, more than its "
	    "max_threads 5 (17 threads over 3 agents)", "capacity message");
	ag[0].max_threads = 6;
	ok(jmx_split_plan(&p, ag, 3, &o, &s, &err) == JMX_OK,
	    "exactly at max_threads is fine");
	jmx_split_free(s);
	ag[0].max_threads = 0;

	ag[1].weight = 0;
	is_int(jmx_split_plan(&p, ag, 3, &o, &s, &err), JMX_ERR_USAGE,
	    "zero weight refused");
	is_str(err.msg, "agent 'eu2': weight 0 is not a number > 0",
	    "weight message names the agent");
	ag[1].weight = 1;
}

static void
test_overrides(void)
{
	struct jmx_split_agent ag[2] = { { "big", 2, 0 }, { "small", 1, 0 } };
	struct jmx_split_opts o;
	struct jmx_split *s;
	struct jmx_plan p;
	struct jmx_err err;

	fake_plan(&p);
	memset(&o, 0, sizeof o);
	ok(jmx_split_parse_threads("x1.5", &o, &err) == JMX_OK, "x1.5");
	ok(jmx_split_plan(&p, ag, 2, &o, &s, &err) == JMX_OK, "split x1.5");
	/* Browse 10 x 1.5 = 15 -> 10,5.  Checkout 7 x 1.5 = 10.5 -> 11:
	 * 7.33, 3.67 -> 7,3 and the one left to the .67: 7,4. */
	is_int(s->totals[1], 15, "x1.5: Browse 15");
	is_int(s->totals[2], 11, "x1.5: Checkout 10.5 rounds up to 11");
	ok(s->agents[0].groups[1].threads == 10 &&
	    s->agents[1].groups[1].threads == 5, "Browse 10,5");
	ok(s->agents[0].groups[2].threads == 7 &&
	    s->agents[1].groups[2].threads == 4, "Checkout 7,4");
	is_int(s->totals[0], 1, "setUp not multiplied");
	is_num(s->agents[0].groups[1].scale, 2.0 / 3, 1e-12, "scale 2/3");
	is_num(s->agents[1].groups[1].scale, 1.0 / 3, 1e-12, "scale 1/3");
	ok(s->agents[0].share.duration_s == 0 && !s->agents[0].share.ramp_set,
	    "no overrides: plan's timing");
	jmx_split_free(s);

	ok(jmx_split_parse_threads("5", &o, &err) == JMX_OK, "'5'");
	ok(jmx_split_plan(&p, ag, 2, &o, &s, &err) == JMX_OK, "split 5 each");
	/* 5 over 2:1 = 3.33, 1.67 -> 3,2 for both groups. */
	ok(s->totals[1] == 5 && s->totals[2] == 5, "every main group 5");
	ok(s->agents[0].groups[1].threads == 3 &&
	    s->agents[1].groups[1].threads == 2 &&
	    s->agents[0].groups[2].threads == 3 &&
	    s->agents[1].groups[2].threads == 2, "5 each: 3,2 and 3,2");
	jmx_split_free(s);
}

static void
test_small_groups(void)
{
	struct jmx_plan_group g[3] = {
		{ JMX_PLAN_THREADS, "A", 1, 1, 1, 0, 0, 0, 0, 1, NULL, CORE },
		{ JMX_PLAN_THREADS, "B", 1, 2, 1, 0, 0, 0, 0, 1, NULL, CORE },
		{ JMX_PLAN_THREADS, "C", 1, 3, 1, 0, 0, 0, 0, 1, NULL, CORE }
	};
	struct jmx_split_agent ag[3] = {
		{ "a1", 1, 0 }, { "a2", 1, 0 }, { "a3", 1, 0 }
	};
	struct jmx_split *s;
	struct jmx_plan p;
	struct jmx_err err;

	memset(&p, 0, sizeof p);
	p.groups = g;
	p.ngroups = 3;
	ok(jmx_split_plan(&p, ag, 3, NULL, &s, &err) == JMX_OK,
	    "three one-thread groups");
	ok(s->agents[0].groups[0].threads == 1 &&
	    s->agents[1].groups[1].threads == 1 &&
	    s->agents[2].groups[2].threads == 1 &&
	    s->agents[0].peak_threads == 1 && s->agents[1].peak_threads == 1 &&
	    s->agents[2].peak_threads == 1,
	    "one-thread groups spread over the agents, not all on the first");
	is_num(s->agents[0].groups[0].scale, 1, 0,
	    "the only agent running A takes all of A's throughput");
	is_num(s->agents[1].groups[0].scale, 0, 0,
	    "no threads of A on a2: A's scale 0 there");
	jmx_split_free(s);

	p.ngroups = 1;
	ok(jmx_split_plan(&p, ag, 3, NULL, &s, &err) == JMX_OK,
	    "one thread, three agents");
	ok(!s->agents[0].idle && s->agents[1].idle && s->agents[2].idle,
	    "agents without a main group are idle");
	jmx_split_free(s);
}

static void
test_json(void)
{
	struct jmx_split_agent ag[2] = { { "eu\"1", 2, 0 }, { "eu2", 0.5, 0 } };
	struct jmx_split *s;
	struct jmx_plan p;
	struct jmx_err err;
	struct jmx_buf b = { 0 };

	fake_plan(&p);
	ok(jmx_split_plan(&p, ag, 2, NULL, &s, &err) == JMX_OK, "json split");
	jmx_split_json(&b, s, &p);
	/* Browse 10 over 2:.5 = 8,2.  Checkout 7 = 5.6,1.4 -> 6,1. */
	is_str(b.data, "{\"agents\":["
	    "{\"name\":\"eu\\\"1\",\"weight\":2,\"thread_groups\":["
	    "{\"name\":\"Prepare\",\"threads\":1},"
	    "{\"name\":\"Browse\",\"threads\":8},"
	    "{\"name\":\"Checkout\",\"threads\":6},"
	    "{\"name\":\"Cleanup\",\"threads\":2},"
	    "{\"name\":\"Arrivals\",\"threads\":null}]},"
	    "{\"name\":\"eu2\",\"weight\":0.5,\"thread_groups\":["
	    "{\"name\":\"Prepare\",\"threads\":0},"
	    "{\"name\":\"Browse\",\"threads\":2},"
	    "{\"name\":\"Checkout\",\"threads\":1},"
	    "{\"name\":\"Cleanup\",\"threads\":0},"
	    "{\"name\":\"Arrivals\",\"threads\":null}]}]}",
	    "dry-run JSON (disabled group left out)");
	jmx_buf_free(&b);
	jmx_split_free(s);
}

/* Load a fixture of tests/data/plans, or bail out. */
static struct jmx_plan *
load_fixture(const char *name, int flags)
{
	const char *dir = getenv("JMX_SRCDIR");
	struct jmx_plan *p = NULL;
	struct jmx_err err;
	char path[1024];

	snprintf(path, sizeof path, "%s/tests/data/plans/%s",
	    dir != NULL ? dir : ".", name);
	if (jmx_plan_load_flags(path, NULL, 0, flags, &p, &err) != JMX_OK) {
		printf("Bail out! %s: %s\n", name, err.msg);
		exit(1);
	}
	return p;
}

/* "a,b,c" of a count per agent. */
static void
per_agent(char *buf, size_t len, const struct jmx_split *s, int g,
    int64_t (*f)(const struct jmx_plan_group *,
    const struct jmx_plan_gshare *, int), const struct jmx_plan *p, int k)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < s->nagents; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%lld", i ? "," : "",
		    (long long)f(&p->groups[g], &s->agents[i].groups[g], k));
}

static int64_t
f_threads(const struct jmx_plan_group *g, const struct jmx_plan_gshare *gs,
    int k)
{
	(void)g;
	(void)k;
	return gs->threads;
}

static int64_t
f_len(const struct jmx_plan_group *g, const struct jmx_plan_gshare *gs,
    int k)
{
	(void)g;
	(void)k;
	return gs->len;
}

/* Count k of the group on this share, as the writer divides it. */
static int64_t
f_count(const struct jmx_plan_group *g, const struct jmx_plan_gshare *gs,
    int k)
{
	return jmx_plan_slice(g->counts[k], g->units, gs->first, gs->len);
}

/*
 * tests/data/plans/plugins.jmx over weights 3,2,1 (W = 6), by hand:
 * - Concurrency TargetLevel 10: quotas 5, 3.33, 1.67 -> 5,3,1 + the one
 *   left to .67: 5,3,2; slices [0,5) [5,8) [8,10).
 * - Ultimate rows 10 and 3 (13 threads): quotas 6.5, 4.33, 2.17 ->
 *   7,4,2, slices [0,7) [7,11) [11,13); row 10: floor(70/13) = 5,
 *   floor(110/13) - 5 = 3, 10 - 8 = 2; row 3: 1, 2 - 1 = 1, 3 - 2 = 1.
 * - Stepping 12 threads, 2 a step, 5 a stop: at most 2 agents keep a
 *   step of 1 or more: the two heaviest, 12 over 3,2 = 7.2, 4.8 -> 7,5;
 *   steps floor(14/12) = 1, 2 - 1 = 1; stops floor(35/12) = 2, 3.
 * - Arrivals rate 10: 5,3,2, ConcurrencyLimit 5: floor(25/10) = 2,
 *   4 - 2 = 2, 5 - 4 = 1; scale 5/10, 3/10, 2/10.
 * - Free-Form ConcurrencyLimit 4: 2, 1.33, .67 -> 2,1,0 + 1 to .67:
 *   2,1,1; rates scale by weight: .5, .33, .17.
 */
static void
test_plugins(void)
{
	struct jmx_split_agent ag[3] = {
		{ "a", 3, 0 }, { "b", 2, 0 }, { "c", 1, 0 }
	};
	struct jmx_split_agent ag1[3] = {
		{ "a", 1, 0 }, { "b", 1, 0 }, { "c", 1, 0 }
	};
	struct jmx_split_opts o;
	struct jmx_split *s = NULL;
	struct jmx_plan *p = load_fixture("plugins.jmx", 0);
	struct jmx_err err;
	char buf[200];
	int i, k, g;
	int64_t sum;

	if (!ok(jmx_split_plan(p, ag, 3, NULL, &s, &err) == JMX_OK,
	    "plugins.jmx over 3,2,1")) {
		printf("# %s\n", err.msg);
		jmx_plan_free(p);
		return;
	}
	per_agent(buf, sizeof buf, s, 0, f_threads, p, 0);
	is_str(buf, "5,3,2", "Concurrency TargetLevel 10: 5,3,2");
	per_agent(buf, sizeof buf, s, 1, f_len, p, 0);
	is_str(buf, "7,4,2", "Ultimate slices of 13: 7,4,2");
	per_agent(buf, sizeof buf, s, 1, f_count, p, 0);
	is_str(buf, "5,3,2", "Ultimate row of 10: 5,3,2");
	per_agent(buf, sizeof buf, s, 1, f_count, p, 1);
	is_str(buf, "1,1,1", "Ultimate row of 3: 1,1,1");
	per_agent(buf, sizeof buf, s, 1, f_threads, p, 0);
	is_str(buf, "6,4,3", "Ultimate threads: the rows' sums");
	per_agent(buf, sizeof buf, s, 2, f_threads, p, 0);
	is_str(buf, "7,5,0", "Stepping 12 on the 2 heaviest: 7,5,0");
	per_agent(buf, sizeof buf, s, 2, f_count, p, 0);
	is_str(buf, "1,1,0", "Stepping step of 2: 1,1 (none rounds to 0)");
	per_agent(buf, sizeof buf, s, 2, f_count, p, 2);
	is_str(buf, "2,3,0", "Stepping stop of 5: 2,3");
	per_agent(buf, sizeof buf, s, 3, f_len, p, 0);
	is_str(buf, "5,3,2", "Arrivals rate 10: 5,3,2");
	per_agent(buf, sizeof buf, s, 3, f_count, p, 0);
	is_str(buf, "2,2,1", "Arrivals ConcurrencyLimit 5: 2,2,1");
	per_agent(buf, sizeof buf, s, 4, f_len, p, 0);
	is_str(buf, "2,1,1", "Free-Form ConcurrencyLimit 4: 2,1,1");
	is_num(s->agents[0].groups[3].scale, 0.5, 1e-12, "Arrivals scale .5");
	is_num(s->agents[2].groups[3].scale, 0.2, 1e-12, "Arrivals scale .2");
	is_num(s->agents[1].groups[4].scale, 1.0 / 3, 1e-12,
	    "Free-Form scale 2/6");
	is_num(s->agents[2].groups[2].scale, 0, 0,
	    "Stepping: no scale where it does not run");
	is_num(s->agents[1].groups[2].scale, 0.4, 1e-12,
	    "Stepping: scale 2/5 over the agents that run it");
	is_int(s->agents[2].peak_threads, 2 + 3 + 0,
	    "c's peak: Concurrency 2 + Ultimate 3");
	jmx_split_free(s);

	/* Totals exact for every weight mix: the rows add up. */
	for (k = 1; k <= 6; k++) {
		double w[3] = { 1, (double)k, 7 - (double)k };

		for (i = 0; i < 3; i++)
			ag1[i].weight = w[i];
		if (jmx_split_plan(p, ag1, 3, NULL, &s, &err) != JMX_OK) {
			ok(0, "weights 1,%d,%d: %s", k, 7 - k, err.msg);
			continue;
		}
		for (g = 0, buf[0] = '\0'; g < 5; g++) {
			int r;

			for (r = 0; r < p->groups[g].ncounts; r++) {
				if (g == 2 && r == 1)
					continue;	/* burst 0 */
				for (sum = 0, i = 0; i < 3; i++)
					sum += jmx_plan_slice(
					    p->groups[g].counts[r],
					    p->groups[g].units,
					    s->agents[i].groups[g].first,
					    s->agents[i].groups[g].len);
				if (sum != p->groups[g].counts[r])
					snprintf(buf, sizeof buf, "group %d "
					    "count %d: %lld", g, r,
					    (long long)sum);
			}
		}
		ok(buf[0] == '\0', "weights 1,%d,%d: every row adds up %s", k,
		    7 - k, buf);
		jmx_split_free(s);
	}

	/* --threads 20: slices of 20, counts scaled by 20/13 rounding down. */
	memset(&o, 0, sizeof o);
	o.mode = JMX_SPLIT_EACH;
	o.threads = 20;
	for (i = 0; i < 3; i++)
		ag1[i].weight = 1;
	ok(jmx_split_plan(p, ag1, 3, &o, &s, &err) == JMX_OK, "--threads 20");
	per_agent(buf, sizeof buf, s, 0, f_threads, p, 0);
	is_str(buf, "7,7,6", "Concurrency 20 over 1,1,1");
	/* Row of 10: 10 x 20/13 = 15.4: floor(70/13) = 5, 10 - 5, 15 - 10. */
	per_agent(buf, sizeof buf, s, 1, f_count, p, 0);
	is_str(buf, "5,5,5", "Ultimate row of 10 at 20/13: 5,5,5 (15)");
	per_agent(buf, sizeof buf, s, 1, f_count, p, 1);
	is_str(buf, "1,2,1", "Ultimate row of 3 at 20/13: 1,2,1 (4)");
	jmx_split_free(s);
	jmx_plan_free(p);
}

int
main(void)
{
	test_weights();
	test_weights_grid();
	test_parse_threads();
	test_plan_split();
	test_overrides();
	test_small_groups();
	test_json();
	test_plugins();
	return done_testing();
}
